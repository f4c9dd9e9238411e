//! `custodes audit`: the nightly batch audit (contract §4). Flags, the reference data and
//! configuration, the summary, the metrics file and the exit code; the run itself is
//! [`custodes::run::audit`].

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::alert::sink::deliver::Sinks;
use custodes::alert::sink::JsonLinesSink;
use custodes::alert::Severity;
use custodes::baseline::state;
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::run::{self, audit::Audit};
use custodes::source::{self, RejectSink};
use custodes::summary::{self, InputStats};

/// Audit query logs against reference data and write alerts.
///
/// EVENTS are files or directories (read recursively): JSON lines (.jsonl, .ndjson, .json,
/// optionally .gz), CSV (.csv) or Parquet (.parquet), PostgreSQL logs with pgAudit lines
/// (jsonlog, csvlog or stderr; recognised by content, or forced with --format pgaudit), or
/// MariaDB server_audit logs (file or syslog; recognised by content in .log and rotated
/// .log.N files, or forced with --format mariadb), or MySQL JSON audit logs (Percona's
/// audit_log, MySQL Enterprise's or audit_log_filter's; recognised by content in .json, .log
/// and .log.N files, or forced with --format percona or mysql-enterprise), in any order: events are put in time order before detection (files already in time order are
/// streamed and merged, in constant memory; others are read whole and sorted). Alerts are
/// written as JSON lines; a summary goes to standard error.
/// Malformed lines are counted, reported with file, line and field, written to the reject
/// file, and the run goes on.
///
/// Behaviour detectors judge each day against the days before it: over several days of
/// logs, the earlier days are the history of the later ones. With --state FILE, the saved
/// history (from `custodes baseline` or an earlier `audit --state`) comes first, and the
/// file is updated with the days audited, so a nightly run judges each night against the
/// last 90 days without re-reading them.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,

    /// Write alerts here instead of standard output.
    ///
    /// JSON lines, created 0600.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Write rejected input lines here.
    ///
    /// JSON lines. Default: beside --out as NAME.rejects.jsonl; none when alerts go to
    /// standard output.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Exit with status 1 when an alert is at or above this severity.
    ///
    /// low, medium, high or critical (for cron).
    #[arg(help_heading = "Run", long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Saved behaviour history to judge against, then update.
    ///
    /// The file is updated with the audited days (created when missing; written 0600,
    /// replaced atomically after the alerts; FILE.lock is held for the whole run, so a
    /// second run on the same state stops with exit 2).
    #[arg(help_heading = "History", long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Analyse events as they are read, in constant memory.
    ///
    /// Instead of collecting and sorting them first: for one time-ordered stream (standard
    /// input, or files given in time order). Events may be out of order by up to the
    /// allowed lateness; later ones are rejected (counted and written to the reject file),
    /// never silently dropped.
    #[arg(help_heading = "Run", long)]
    pub stream: bool,

    /// With --stream: seconds an event may arrive out of time order.
    ///
    /// Default: `stream.allowed_lateness_seconds`, 300.
    #[arg(
        help_heading = "Run",
        long,
        value_name = "SECONDS",
        requires = "stream"
    )]
    pub allowed_lateness: Option<i64>,

    /// Also keep the alerts and the events in this alert store.
    ///
    /// SQLite, created 0600: the store `custodes watch --db` fills and `custodes serve`
    /// shows. Alerts already there
    /// (same `alert_id`) are left as they are; events are kept once per id. Alerts that an
    /// active exception rule of the store hides (`custodes serve`, Exceptions) are not
    /// raised; the summary counts them per rule.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Threads that decode and resolve (default: the cores available).
    ///
    /// Worker threads decode events and resolve identities while detection runs in time
    /// order on its own thread. The alerts are the same whatever the number.
    #[arg(help_heading = "Run", long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Also send the alerts to the sink NAME of the configuration (repeatable).
    ///
    /// A [sinks.NAME] section of the configuration file: OCSF findings in a file, CEF over
    /// syslog, Splunk HEC or a webhook (see `custodes config`). A sink that gives up is reported and the run goes on
    /// without it; the run then exits with status 2.
    #[arg(help_heading = "Outputs", long = "sink", value_name = "NAME")]
    pub sinks: Vec<String>,

    /// Write the run's figures here (Prometheus text format).
    ///
    /// Events read and rejected, alerts by detector, kind and severity, sinks, duration,
    /// for node_exporter's textfile collector. Written to a temporary file and renamed, so the collector never
    /// reads half a file; readable by all (it holds counts, no names).
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub metrics_file: Option<PathBuf>,

    /// Do not print the summary on standard error.
    #[arg(help_heading = "Outputs", long, short)]
    pub quiet: bool,

    /// Query-log files or directories.
    #[arg(help_heading = "Inputs", value_name = "EVENTS", required = true)]
    pub events: Vec<PathBuf>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// `alerts.jsonl` -> `alerts.rejects.jsonl`, in the same directory.
fn rejects_beside(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "alerts".into());
    out.with_file_name(format!("{stem}.rejects.jsonl"))
}

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let config = super::load_config(args.read.config.as_ref())?;
    let sinks = if args.sinks.is_empty() {
        None
    } else {
        let built =
            Sinks::build(&config.sinks, &args.sinks).map_err(|e| match &args.read.config {
                Some(p) => anyhow::anyhow!("{}: {e}", p.display()),
                None => anyhow::anyhow!("{e} (no --config given)"),
            })?;
        Some(built)
    };
    let reject_path = args
        .rejects
        .clone()
        .or_else(|| args.out.as_deref().map(rejects_beside));
    let mut rejects = match &reject_path {
        Some(p) => RejectSink::to_file(p)
            .with_context(|| format!("{}: cannot create reject file", p.display()))?,
        None => RejectSink::counting(),
    };

    let opts = super::read_options(&config, args.read.config.as_ref())?;
    let inputs = source::discover(&args.events, args.read.format)?;
    // The order scan reads every input once; it runs while reference data loads, since
    // neither needs the other.
    let (refs, plan) = std::thread::scope(|s| {
        let plan = (!args.stream).then(|| s.spawn(|| source::ordered::plan(&inputs)));
        let refs = RefData::load(&args.read.refs, &mut rejects);
        let plan = plan.map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (refs, plan)
    });
    let refs = refs?;
    let plan = plan.transpose()?;
    // Switched-off detectors were said once at start; the summary repeats only skips.
    let mut notes = Vec::new();
    let mut input = InputStats {
        ref_rows: refs.rows_read,
        ref_rows_rejected: refs.rows_rejected,
        files: inputs.files.len() as u64,
        ..InputStats::default()
    };
    for n in &refs.notes {
        eprintln!("custodes: {n}");
    }
    for (s, why) in &inputs.skipped {
        notes.push(format!("skipped {} ({why})", s.display()));
    }

    // Held until the state is saved at the end of the run.
    let _state_lock = args
        .state
        .as_deref()
        .map(state::StateLock::acquire)
        .transpose()?;
    let lateness = chrono::Duration::seconds(
        args.allowed_lateness
            .unwrap_or(config.stream.allowed_lateness_seconds),
    );
    let config = std::sync::Arc::new(config);
    let resolver = std::sync::Arc::new(Resolver::new(refs, (*config).clone()));
    // Freeing the reference indexes and the detectors' state at the end of the run is
    // work nobody waits for (a tenth of a second at 360,000 cases): the process is about
    // to exit, and the system takes its memory back whole.
    let keep_until_exit = std::sync::Arc::clone(&resolver);
    let out = match &args.out {
        Some(p) => JsonLinesSink::file(p)
            .with_context(|| format!("{}: cannot create alert file", p.display()))?,
        None => JsonLinesSink::stdout(),
    };
    let threads = args.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let bar = progress_bar(!args.quiet);
    if let Some(b) = &bar {
        b.set_message("detecting");
    }
    let audit = Audit {
        inputs,
        opts,
        resolver,
        config,
        plan,
        lateness: args.stream.then_some(lateness),
        threads,
        state: args.state.clone(),
        db: args.db.clone(),
        out,
        sinks,
    };
    let outcome = run::audit::run(audit, &mut rejects, &mut |n| {
        if let Some(b) = &bar {
            b.set_message(format!("{n} events analysed"));
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    input.events_read = outcome.read.events;
    input.events_rejected = outcome.read.rejected;
    notes.extend(outcome.notes);
    let mut sink_failed = false;
    for d in &outcome.delivered {
        match &d.result {
            Ok(n) => notes.push(format!(
                "sink {} ({}): {n} alert(s) delivered",
                d.name, d.kind
            )),
            Err(e) => {
                sink_failed = true;
                notes.push(format!("sink {} ({}) FAILED: {e}", d.name, d.kind));
            }
        }
    }
    if let Some(p) = &args.metrics_file {
        let text = run::metrics::prometheus(
            &input,
            rejects.count(),
            &outcome.counts,
            &outcome.delivered,
            started.elapsed(),
            chrono::Utc::now(),
        );
        custodes::output::replace_readable(p, text.as_bytes())
            .with_context(|| format!("{}: cannot write the metrics file", p.display()))?;
    }

    if !args.quiet {
        eprint!(
            "{}",
            summary::render(&input, outcome.engine.stats(), rejects.first(), &notes)
        );
        if let Some(p) = &reject_path {
            if rejects.count() > 0 {
                eprintln!("  rejected lines written to {}", p.display());
            }
        }
        if let Some(p) = &args.out {
            eprintln!("  alerts written to {}", p.display());
        }
    }
    let code = if sink_failed {
        for d in &outcome.delivered {
            if let Err(e) = &d.result {
                eprintln!("custodes: {e}");
            }
        }
        ExitCode::from(2)
    } else {
        match (args.fail_on, outcome.worst) {
            (Some(threshold), Some(w)) if w >= threshold => ExitCode::from(1),
            _ => ExitCode::SUCCESS,
        }
    };
    std::mem::forget(keep_until_exit);
    std::mem::forget(outcome.engine);
    Ok(code)
}

fn progress_bar(enabled: bool) -> Option<indicatif::ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let b = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    b.set_style(style);
    b.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(b)
}
