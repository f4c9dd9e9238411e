//! `custodes audit`: the nightly batch audit (contract §4).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::alert::sink::JsonLinesSink;
use custodes::alert::{Alert, Severity};
use custodes::detect::Engine;
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::source::{self, RejectSink};
use custodes::summary::{self, InputStats};

/// Audit query logs against reference data and write alerts.
///
/// EVENTS are files or directories (read recursively): JSON lines (.jsonl, .ndjson, .json,
/// optionally .gz), CSV (.csv) or Parquet (.parquet), in any order: events are sorted by time
/// before detection. Alerts are written as JSON lines; a summary goes to standard error.
/// Malformed lines are counted, reported with file, line and field, written to the reject
/// file, and the run goes on.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Reference data directory (personnel.csv required; associations, cases,
    /// case_assignments, case_subjects, watchlist, clients optional; CSV or Parquet).
    #[arg(long, value_name = "DIR")]
    pub refs: PathBuf,

    /// Configuration file (see `custodes config` for every key and its default).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Write alerts here (JSON lines, created 0600) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Write rejected input lines here (JSON lines). Default: beside --out as
    /// NAME.rejects.jsonl; none when alerts go to standard output.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Exit with status 1 when any alert is at or above this severity: low, medium, high or
    /// critical (for cron).
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Do not print the summary on standard error.
    #[arg(long, short)]
    pub quiet: bool,

    /// Query-log files or directories.
    #[arg(value_name = "EVENTS", required = true)]
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
    let config = super::load_config(args.config.as_ref())?;
    let reject_path = args
        .rejects
        .clone()
        .or_else(|| args.out.as_deref().map(rejects_beside));
    let mut rejects = match &reject_path {
        Some(p) => RejectSink::to_file(p)
            .with_context(|| format!("{}: cannot create reject file", p.display()))?,
        None => RejectSink::counting(),
    };

    let refs = RefData::load(&args.refs, &mut rejects)?;
    // Switched-off detectors were said once at start; the summary repeats only skips.
    let mut notes = Vec::new();
    let mut input = InputStats {
        ref_rows: refs.rows_read,
        ref_rows_rejected: refs.rows_rejected,
        ..InputStats::default()
    };
    for n in &refs.notes {
        eprintln!("custodes: {n}");
    }

    let inputs = source::discover(&args.events)?;
    for s in &inputs.skipped {
        notes.push(format!("skipped {} (unknown format)", s.display()));
    }
    input.files = inputs.files.len() as u64;

    let bar = progress_bar(!args.quiet);
    let (events, read) = source::read_all_sorted(&inputs, &mut rejects, |n| {
        if let Some(b) = &bar {
            b.set_message(format!("{n} events read"));
        }
    })?;
    input.events_read = read.events;
    input.events_rejected = read.rejected;
    rejects.flush().context("writing the reject file")?;

    let resolver = Resolver::new(refs, config);
    let mut engine = Engine::new(std::sync::Arc::new(resolver));
    let mut sink = match &args.out {
        Some(p) => JsonLinesSink::file(p)
            .with_context(|| format!("{}: cannot create alert file", p.display()))?,
        None => JsonLinesSink::stdout(),
    };
    let mut worst: Option<Severity> = None;
    let mut batch: Vec<Alert> = Vec::new();
    if let Some(b) = &bar {
        b.set_length(events.len() as u64);
        b.set_position(0);
        b.set_message("detecting");
    }
    for (i, ev) in events.iter().enumerate() {
        engine.push(ev, &mut batch);
        drain(&mut batch, &mut sink, &mut worst)?;
        if let Some(b) = &bar {
            if i % 4096 == 0 {
                b.set_position(i as u64);
            }
        }
    }
    engine.finish(&mut batch);
    drain(&mut batch, &mut sink, &mut worst)?;
    sink.finish().context("writing alerts")?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }

    if !args.quiet {
        eprint!(
            "{}",
            summary::render(&input, engine.stats(), rejects.first(), &notes)
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
    match (args.fail_on, worst) {
        (Some(threshold), Some(w)) if w >= threshold => Ok(ExitCode::from(1)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn drain(
    batch: &mut Vec<Alert>,
    sink: &mut JsonLinesSink,
    worst: &mut Option<Severity>,
) -> anyhow::Result<()> {
    for a in batch.drain(..) {
        *worst = (*worst).max(Some(a.severity));
        sink.write(&a).context("writing alerts")?;
    }
    Ok(())
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
