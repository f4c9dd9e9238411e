//! `custodes audit`: the nightly batch audit (contract §4).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use custodes::alert::sink::deliver::{Delivered, Sinks};
use custodes::alert::sink::JsonLinesSink;
use custodes::alert::{Alert, Severity};
use custodes::baseline::state;
use custodes::detect::Engine;
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::source::reorder::{Late, Reorder};
use custodes::source::{self, RejectSink};
use custodes::store::bulk::NewEvent;
use custodes::store::{Finality, OutFile};
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
    /// Reference data directory (personnel.csv required).
    ///
    /// associations, cases, case_assignments, case_subjects, watchlist and clients are
    /// optional; each table is CSV or Parquet.
    #[arg(help_heading = "Inputs", long, value_name = "DIR")]
    pub refs: PathBuf,

    /// Configuration file (`custodes config` prints every key and its default).
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What the inputs are: auto, contract or a database log.
    ///
    /// auto, contract, pgaudit, mariadb, percona or mysql-enterprise. auto: by extension,
    /// and by content for .json, .csv and .log; contract: custodes
    /// events; pgaudit: PostgreSQL logs with pgAudit lines (see the [pgaudit] section of
    /// `custodes config`); mariadb: MariaDB server_audit logs (the [mariadb] section);
    /// percona: Percona Server audit_log JSON; mysql-enterprise: MySQL Enterprise Audit /
    /// audit_log_filter JSON (both the [mysql] section).
    #[arg(
        help_heading = "Inputs",
        long,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub format: source::FormatChoice,

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
    let config = super::load_config(args.config.as_ref())?;
    let sinks = if args.sinks.is_empty() {
        None
    } else {
        let built = Sinks::build(&config.sinks, &args.sinks).map_err(|e| match &args.config {
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

    let opts = super::read_options(&config, args.config.as_ref())?;
    let inputs = source::discover(&args.events, args.format)?;
    // The order scan reads every input once; it runs while reference data loads, since
    // neither needs the other.
    let (refs, plan) = std::thread::scope(|s| {
        let plan = (!args.stream).then(|| s.spawn(|| source::ordered::plan(&inputs)));
        let refs = RefData::load(&args.refs, &mut rejects);
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
        ..InputStats::default()
    };
    for n in &refs.notes {
        eprintln!("custodes: {n}");
    }

    for (s, why) in &inputs.skipped {
        notes.push(format!("skipped {} ({why})", s.display()));
    }
    input.files = inputs.files.len() as u64;

    // Held until the state is saved at the end of the run.
    let _state_lock = args
        .state
        .as_deref()
        .map(state::StateLock::acquire)
        .transpose()?;
    let resolver = std::sync::Arc::new(Resolver::new(refs, config));
    let lateness = chrono::Duration::seconds(
        args.allowed_lateness
            .unwrap_or(resolver.config.stream.allowed_lateness_seconds),
    );
    let sink = match &args.out {
        Some(p) => JsonLinesSink::file(p)
            .with_context(|| format!("{}: cannot create alert file", p.display()))?,
        None => JsonLinesSink::stdout(),
    };
    let db = match &args.db {
        Some(p) => {
            let store = custodes::store::Store::open(p)?;
            let rules = store
                .exceptions()?
                .into_iter()
                .filter(|r| r.revoked_at.is_none())
                .map(|r| (r, 0))
                .collect();
            // Events go to the store on a thread of their own, with its own connection:
            // inserting them must not hold up detection.
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<NewEvent>>(2);
            let mut writer_store = custodes::store::Store::open(p)?;
            // Events stored earlier without lookup keys (`watch`, a crash) are indexed
            // first, so that the keys this run computes can complete the index.
            custodes::lookups::index_store(&mut writer_store)?;
            // What each event's recorded case status was computed from, for searches that
            // read it back (`lookups --db`).
            let fingerprint = resolver.fingerprint().to_string();
            let writer = std::thread::spawn(move || -> anyhow::Result<()> {
                let mut load = writer_store.bulk_load(&fingerprint)?;
                for chunk in rx {
                    load.write(&chunk)?;
                }
                load.finish()?;
                Ok(())
            });
            Some(DbWriter {
                store,
                events: Vec::new(),
                to_writer: Some(tx),
                writer: Some(writer),
                alerts: Vec::new(),
                rules,
            })
        }
        None => None,
    };
    let threads = args.threads.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let bar = progress_bar(!args.quiet);
    let mut run = Detecting {
        db,
        engine: None,
        resolver,
        state: args.state.clone(),
        sink,
        sinks,
        counts: BTreeMap::new(),
        delivered: Vec::new(),
        worst: None,
        batch: Vec::new(),
        notes: Vec::new(),
        error: None,
    };
    let mut read_total = source::FileStats::default();
    if args.stream {
        let mut reorder: Reorder = Reorder::new(lateness);
        let mut ready = Vec::new();
        let mut late: Vec<Late> = Vec::new();
        for (path, format) in &inputs.files {
            let stats = source::read_file(path, *format, &opts, &mut rejects, &mut |ev| {
                if let Err(l) = reorder.push(ev, &mut ready) {
                    late.push(l);
                }
                for ev in ready.drain(..) {
                    run.push(&ev);
                }
            })?;
            input.events_read += stats.events;
            input.events_rejected += stats.rejected;
            read_total.add(&stats);
            for l in late.drain(..) {
                reject_late(&mut rejects, l, reorder.lateness())?;
                input.events_read -= 1;
                input.events_rejected += 1;
            }
            if let Some(b) = &bar {
                b.set_message(format!("{} events analysed", input.events_read));
            }
            if let Some(e) = run.error.take() {
                return Err(e);
            }
        }
        reorder.finish(&mut ready);
        for ev in ready.drain(..) {
            run.push(&ev);
        }
    } else {
        if let Some(b) = &bar {
            b.set_message("detecting");
        }
        // Decoding, identity resolution and each event's behaviour activity
        // (`detect::Prepared`) run on worker threads; detection stays on this one, in time
        // order, so the output does not depend on the number of threads.
        // With --db, the event's stored form (JSON) is made there too.
        let resolver = std::sync::Arc::clone(&run.resolver);
        let keep_events = run.db.is_some();
        let prepare = |ev: &custodes::event::Event| {
            let p = custodes::detect::Prepared::new(&resolver, ev);
            let stored = keep_events.then(|| DbWriter::stored(ev, &resolver, &p.resolved));
            (p, stored)
        };
        let mut n: u64 = 0;
        let plan = match plan {
            Some(p) => p,
            None => source::ordered::plan(&inputs)?,
        };
        let read = source::ordered::for_each_in_time_order(
            &inputs,
            &plan,
            &opts,
            threads,
            &mut rejects,
            &prepare,
            |ev, (r, stored)| {
                run.push_prepared(&ev, r, stored);
                n += 1;
                if n.is_multiple_of(65_536) {
                    if let Some(b) = &bar {
                        b.set_message(format!("{n} events analysed"));
                    }
                }
                match run.error.take() {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            },
        )??;
        input.events_read = read.events;
        input.events_rejected = read.rejected;
        read_total = read;
    }
    rejects.flush().context("writing the reject file")?;
    let pg = &read_total.pgaudit;
    if pg.audit_lines > 0 {
        notes.push(format!(
            "pgAudit: {} audit lines; {} folded into a statement already counted (OBJECT/SESSION, one per table), {} not reads or writes (SET, PREPARE, DDL), {} subjects found by the literal scan",
            pg.audit_lines, pg.merged, pg.not_lookups, pg.literal_scans
        ));
    }
    let m = &read_total.mariadb;
    if m.statements > 0 {
        notes.push(format!(
            "MariaDB server_audit: {} statements ({} table lines folded in), {} not reads or writes (SET, PREPARE, DDL), {} cut by server_audit_query_log_limit and given no subject, {} subjects found by the literal scan",
            m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
        ));
    }
    let m = &read_total.mysql;
    if m.statements > 0 {
        notes.push(format!(
            "MySQL JSON audit: {} statements ({} table records folded in), {} not reads or writes (SET, PREPARE, DDL), {} as long as mysql.query_log_limit and given no subject, {} subjects found by the literal scan",
            m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
        ));
    }
    if let Some(e) = run.error.take() {
        return Err(e);
    }
    let engine = run.finish()?;
    if let Some(db) = &mut run.db {
        let hidden: Vec<String> = db
            .rules
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("#{} ({}, owner {}): {n}", r.id, r.reason, r.owner))
            .collect();
        if !hidden.is_empty() {
            notes.push(format!(
                "alerts suppressed by exception rules of the store: {}",
                hidden.join("; ")
            ));
        }
        let stats = engine.stats();
        db.store
            .put_run(input.events_read, stats.lookups, stats.explained)?;
        // The lookup index ("who looked up this person") is brought up to date now, so a
        // search of the store reads no event twice.
        custodes::lookups::index_store(&mut db.store)?;
        let personnel = run.resolver.personnel_rows();
        db.store.put_logins(personnel.iter().map(|p| {
            (
                p.user.as_str(),
                Some(p.employee_id.as_str()),
                p.unit.as_deref(),
            )
        }))?;
    }
    notes.append(&mut run.notes);
    let rows = engine.history().user_rows();
    if let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.1).min(),
        rows.iter().map(|r| r.1).max(),
    ) {
        notes.push(format!(
            "behaviour history now holds {} user-days of {} users, {first} to {last}{}",
            rows.len(),
            engine.history().users().count(),
            if args.state.is_some() {
                " (saved to the state file)"
            } else {
                ""
            }
        ));
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let worst = run.worst;
    let mut sink_failed = false;
    for d in &run.delivered {
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
        let text = run_metrics(
            &input,
            rejects.count(),
            &run.counts,
            &run.delivered,
            started.elapsed(),
        );
        custodes::output::replace_readable(p, text.as_bytes())
            .with_context(|| format!("{}: cannot write the metrics file", p.display()))?;
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
    if sink_failed {
        for d in &run.delivered {
            if let Err(e) = &d.result {
                eprintln!("custodes: {e}");
            }
        }
        return Ok(ExitCode::from(2));
    }
    match (args.fail_on, worst) {
        (Some(threshold), Some(w)) if w >= threshold => Ok(ExitCode::from(1)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// An engine that starts from the saved state at `path` (empty when the file does not exist
/// yet). Open windows are taken up only when this run starts after the state's last event.
fn engine_from_state(
    path: &Path,
    resolver: std::sync::Arc<Resolver>,
    first: Option<chrono::DateTime<chrono::Utc>>,
    notes: &mut Vec<String>,
) -> anyhow::Result<Engine> {
    if !path.exists() {
        notes.push(format!(
            "no state at {} yet: no earlier history; it will be created",
            path.display()
        ));
        return Ok(Engine::new(resolver));
    }
    let saved = state::load(path, resolver.config.baseline.history_days)?;
    if let (Some(last), Some(first)) = (saved.history.last_day(), first) {
        if first.date_naive() <= last {
            notes.push(format!(
                "the state already holds history up to {last}; rows of the days audited again are replaced"
            ));
        }
    }
    let mut engine = Engine::with_history(resolver, saved.history);
    match (&saved.carry, first) {
        // No events at all: keep the windows as they were, for the next night.
        (Some(c), None) => {
            engine
                .restore(c)
                .with_context(|| format!("{}: cannot use the saved state", path.display()))?;
        }
        // Built by `custodes baseline`: history alone (the fishing detector's usual
        // searches), no open window, so it is taken up whatever day the run starts on.
        (Some(c), Some(_)) if c.last_event.is_none() => {
            engine
                .restore(c)
                .with_context(|| format!("{}: cannot use the saved state", path.display()))?;
            notes.push(BUILT_BY_BASELINE.into());
        }
        (Some(c), Some(first)) if c.last_event.is_none_or(|l| l < first) => {
            engine
                .restore(c)
                .with_context(|| format!("{}: cannot use the saved state", path.display()))?;
        }
        (Some(_), Some(_)) => notes.push(
            "events start before the state's last event: windows open at the end of the last run are not continued".into(),
        ),
        (None, _) => notes.push(BUILT_BY_BASELINE.into()),
    }
    Ok(engine)
}

const BUILT_BY_BASELINE: &str = "the state was built by `custodes baseline`: windows spanning midnight before the first day audited are not seen";

/// `--db`: events are written in chunks as they are analysed (by a writer thread with a
/// connection of its own), alerts in one step at the end (after the alert file, before the
/// state).
struct DbWriter {
    store: custodes::store::Store,
    events: Vec<NewEvent>,
    /// Chunks of events for the writer thread, and the thread (joined by `finish`).
    to_writer: Option<std::sync::mpsc::SyncSender<Vec<NewEvent>>>,
    writer: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    alerts: Vec<Alert>,
    /// The store's active exception rules, and how many alerts each hid in this run.
    rules: Vec<(custodes::store::workbench::Exception, u64)>,
}

impl DbWriter {
    const CHUNK: usize = 10_000;

    /// The event as the store keeps it: id, time, login, contract JSON, its case status
    /// and name statistics as resolved, and its lookup-index keys. Made on a worker thread
    /// in the batch audit.
    fn stored(
        ev: &custodes::event::Event,
        resolver: &Resolver,
        resolved: &custodes::identity::Resolved<'_>,
    ) -> NewEvent {
        NewEvent {
            id: ev.id.clone(),
            ts: custodes::event::format_ts(&ev.ts),
            user: ev.user.clone(),
            json: ev.contract_json_text(),
            facts: custodes::lookups::event_facts(resolver, resolved),
            keys: custodes::lookups::resolved_event_keys(ev, resolved),
        }
    }

    fn event(&mut self, stored: NewEvent) -> anyhow::Result<()> {
        self.events.push(stored);
        if self.events.len() >= Self::CHUNK {
            self.flush_events()?;
        }
        Ok(())
    }

    fn flush_events(&mut self) -> anyhow::Result<()> {
        let chunk = std::mem::take(&mut self.events);
        let sent = self
            .to_writer
            .as_ref()
            .is_some_and(|tx| tx.send(chunk).is_ok());
        if !sent {
            // The writer stopped: its error says why.
            return self.join_writer();
        }
        Ok(())
    }

    /// Waits for the writer thread to store everything sent, and reports its failure.
    fn join_writer(&mut self) -> anyhow::Result<()> {
        self.to_writer = None;
        match self.writer.take().map(std::thread::JoinHandle::join) {
            None => Ok(()),
            Some(Ok(result)) => result.context("storing events"),
            Some(Err(_)) => Err(anyhow::anyhow!("storing events: the writer thread failed")),
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.flush_events()?;
        self.join_writer()?;
        let batch = self.store.batch()?;
        for a in &self.alerts {
            batch.alert(a, Finality::Final, OutFile::NotUsed)?;
        }
        batch.commit()?;
        Ok(())
    }
}

/// The detection half of an audit: events in, alerts out to the sink as days close.
struct Detecting {
    db: Option<DbWriter>,
    /// Built at the first event, which decides whether a saved state's open windows apply.
    engine: Option<Engine>,
    resolver: std::sync::Arc<Resolver>,
    state: Option<PathBuf>,
    sink: JsonLinesSink,
    /// `--sink`: the SIEM sinks, fed as alerts are written.
    sinks: Option<Sinks>,
    /// Alerts written, by (detector, kind, severity), for `--metrics-file`.
    counts: BTreeMap<(String, String, Severity), u64>,
    /// What each sink did, once finished.
    delivered: Vec<Delivered>,
    worst: Option<Severity>,
    batch: Vec<Alert>,
    notes: Vec<String>,
    /// The first failure inside a reader callback, which cannot return one.
    error: Option<anyhow::Error>,
}

impl Detecting {
    fn engine(&mut self, first: Option<&custodes::event::Event>) -> anyhow::Result<&mut Engine> {
        if self.engine.is_none() {
            let e = match &self.state {
                Some(p) => engine_from_state(
                    p,
                    self.resolver.clone(),
                    first.map(|e| e.ts),
                    &mut self.notes,
                )?,
                None => Engine::new(self.resolver.clone()),
            };
            self.engine = Some(e);
        }
        self.engine
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("the detection engine was not built"))
    }

    fn push(&mut self, ev: &custodes::event::Event) {
        let resolver = std::sync::Arc::clone(&self.resolver);
        self.push_prepared(ev, custodes::detect::Prepared::new(&resolver, ev), None);
    }

    /// `stored`: the event's stored form when a worker already made it.
    fn push_prepared(
        &mut self,
        ev: &custodes::event::Event,
        r: custodes::detect::Prepared<'_>,
        stored: Option<NewEvent>,
    ) {
        if self.error.is_some() {
            return;
        }
        let stored = match stored {
            Some(s) => Some(s),
            None if self.db.is_some() => Some(DbWriter::stored(ev, &self.resolver, &r.resolved)),
            None => None,
        };
        if let (Some(db), Some(stored)) = (&mut self.db, stored) {
            if let Err(e) = db.event(stored) {
                self.error = Some(e);
                return;
            }
        }
        let mut batch = std::mem::take(&mut self.batch);
        let result = self
            .engine(Some(ev))
            .map(|e| e.push_prepared(ev, r, &mut batch));
        if let Err(e) = result.and_then(|()| self.drain(&mut batch)) {
            self.error = Some(e);
        }
        self.batch = batch;
    }

    fn drain(&mut self, batch: &mut Vec<Alert>) -> anyhow::Result<()> {
        for a in batch.drain(..) {
            if let Some(db) = &mut self.db {
                let hit = db
                    .rules
                    .iter_mut()
                    .find(|(r, _)| custodes::alert::suppress::hides(r, &a));
                if let Some((_, n)) = hit {
                    *n += 1;
                    continue;
                }
            }
            self.worst = self.worst.max(Some(a.severity));
            self.sink.write(&a).context("writing alerts")?;
            if let Some(s) = &mut self.sinks {
                s.send(&a);
            }
            *self
                .counts
                .entry((a.detector.clone(), a.kind.clone(), a.severity))
                .or_default() += 1;
            if let Some(db) = &mut self.db {
                db.alerts.push(a);
            }
        }
        Ok(())
    }

    /// Ends the input: the last day is judged, alerts are flushed, then the state is saved
    /// (alerts first: a crash in between loses no alert and leaves the old state).
    fn finish(&mut self) -> anyhow::Result<Engine> {
        let mut batch = std::mem::take(&mut self.batch);
        self.engine(None)?.finish(&mut batch);
        self.drain(&mut batch)?;
        self.sink.finish().context("writing alerts")?;
        if let Some(s) = self.sinks.take() {
            self.delivered = s.finish();
        }
        if let Some(db) = &mut self.db {
            db.finish()?;
        }
        let engine = self
            .engine
            .take()
            .ok_or_else(|| anyhow::anyhow!("the detection engine was not built"))?;
        if let Some(p) = &self.state {
            state::save(p, &engine.state())?;
        }
        Ok(engine)
    }
}

/// Keeps an event that arrived too late to be analysed in order.
fn reject_late(
    rejects: &mut RejectSink,
    late: Late,
    lateness: chrono::Duration,
) -> anyhow::Result<()> {
    let ev = &late.event;
    let raw =
        serde_json::json!({"id": ev.id, "ts": custodes::event::format_ts(&ev.ts), "user": ev.user});
    rejects
        .push(
            &ev.origin.file,
            ev.origin.line,
            "ts",
            custodes::source::reorder::late_message(late.behind, lateness),
            raw.to_string().as_bytes(),
        )
        .context("writing the reject file")
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

/// The run's figures in the Prometheus text format (0.0.4) for node_exporter's textfile
/// collector: counts only, no logins or names.
fn run_metrics(
    input: &InputStats,
    rejected_lines: u64,
    alerts: &BTreeMap<(String, String, Severity), u64>,
    delivered: &[Delivered],
    took: std::time::Duration,
) -> String {
    let esc = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    };
    let mut o = String::new();
    let family = |o: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(o, "# HELP {name} {help}");
        let _ = writeln!(o, "# TYPE {name} {kind}");
    };
    let plain = [
        (
            "custodes_audit_events_read",
            "Events decoded by the last audit run.",
            input.events_read,
        ),
        (
            "custodes_audit_events_rejected",
            "Events rejected by the last audit run (malformed, too late).",
            input.events_rejected,
        ),
        (
            "custodes_audit_rejected_lines",
            "Lines the last audit run wrote to its reject file (events and reference rows).",
            rejected_lines,
        ),
        (
            "custodes_audit_input_files",
            "Input files the last audit run read.",
            input.files,
        ),
        (
            "custodes_audit_reference_rows_rejected",
            "Reference rows rejected by the last audit run.",
            input.ref_rows_rejected,
        ),
    ];
    for (name, help, v) in plain {
        family(&mut o, name, "gauge", help);
        let _ = writeln!(o, "{name} {v}");
    }
    family(
        &mut o,
        "custodes_audit_alerts",
        "gauge",
        "Alerts the last audit run raised, by detector, kind and severity.",
    );
    for ((d, k, s), n) in alerts {
        let _ = writeln!(
            o,
            "custodes_audit_alerts{{detector=\"{}\",kind=\"{}\",severity=\"{}\"}} {n}",
            esc(d),
            esc(k),
            s.as_str()
        );
    }
    if !delivered.is_empty() {
        family(
            &mut o,
            "custodes_audit_sink_delivered",
            "gauge",
            "Alerts each sink delivered in the last audit run.",
        );
        for d in delivered {
            let n = match &d.result {
                Ok(n) => *n,
                Err(custodes::alert::sink::deliver::SinkError::GaveUp { delivered, .. })
                | Err(custodes::alert::sink::deliver::SinkError::Refused { delivered, .. }) => {
                    *delivered
                }
                Err(_) => 0,
            };
            let _ = writeln!(
                o,
                "custodes_audit_sink_delivered{{sink=\"{}\",type=\"{}\"}} {n}",
                esc(&d.name),
                d.kind
            );
        }
        family(
            &mut o,
            "custodes_audit_sink_failed",
            "gauge",
            "1 when the sink gave up during the last audit run.",
        );
        for d in delivered {
            let _ = writeln!(
                o,
                "custodes_audit_sink_failed{{sink=\"{}\",type=\"{}\"}} {}",
                esc(&d.name),
                d.kind,
                u8::from(d.result.is_err())
            );
        }
    }
    family(
        &mut o,
        "custodes_audit_duration_seconds",
        "gauge",
        "Wall-clock duration of the last audit run.",
    );
    let _ = writeln!(
        o,
        "custodes_audit_duration_seconds {:.3}",
        took.as_secs_f64()
    );
    family(
        &mut o,
        "custodes_audit_last_run_timestamp_seconds",
        "gauge",
        "When the last audit run finished (Unix time), to alert on a cron job that stopped.",
    );
    let _ = writeln!(
        o,
        "custodes_audit_last_run_timestamp_seconds {}",
        chrono::Utc::now().timestamp()
    );
    o
}
