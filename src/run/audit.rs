//! The batch audit (contract §4): events of every input in time order through one
//! [`Engine`], alerts to the alert file, the SIEM sinks and the store as days close, then
//! the saved state.
//!
//! Two ways to put events in time order: by default the inputs are scanned, those already
//! in order are streamed and merged and the others read whole and sorted
//! ([`crate::source::ordered`]), with decoding, identity resolution and each event's
//! behaviour activity on worker threads; with [`Audit::lateness`] (`--stream`) each input
//! is read in turn through a [`Reorder`] buffer, in constant memory, and an event later
//! than the allowed lateness is rejected as late. Detection stays on the calling thread, in
//! time order, so the output does not depend on the number of threads.
//!
//! Order of writing, so that a crash loses nothing already promised: alerts (file, sinks,
//! store) before the state, and the state only after the last alert.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::alert::sink::deliver::{Delivered, Sinks};
use crate::alert::sink::JsonLinesSink;
use crate::alert::{Alert, Severity};
use crate::baseline::state;
use crate::config::Config;
use crate::detect::{Engine, Prepared};
use crate::event::Event;
use crate::identity::Resolver;
use crate::source::ordered::Plan;
use crate::source::reorder::{late_message, Late, Reorder};
use crate::source::{self, FileStats, Inputs, ReadOptions, RejectSink};
use crate::store::bulk::NewEvent;

use super::store::StoreRun;
use super::RunError;

/// What to audit and where the results go.
pub struct Audit {
    pub inputs: Inputs,
    pub opts: ReadOptions,
    pub resolver: Arc<Resolver>,
    /// The settings the resolver was built with, for the engine.
    pub config: Arc<Config>,
    /// The order scan of `inputs`, when already made (it can run while reference data
    /// loads); made here otherwise. Not used with `lateness`.
    pub plan: Option<Plan>,
    /// `--stream`: read each input in turn through a reorder buffer of this lateness.
    pub lateness: Option<chrono::Duration>,
    /// Worker threads for decoding and resolution (the ordered path).
    pub threads: usize,
    /// `--state`: the saved history to start from, updated at the end.
    pub state: Option<PathBuf>,
    /// `--db`: the alert store that receives the events and the final alerts.
    pub db: Option<PathBuf>,
    /// The alert file (or standard output).
    pub out: JsonLinesSink,
    /// `--sink`: the SIEM sinks, fed as alerts are written.
    pub sinks: Option<Sinks>,
}

/// What the run did, for the summary, the metrics file and the exit code.
pub struct Outcome {
    /// Events decoded and rejected (late events count as rejected), with each format's
    /// own figures.
    pub read: FileStats,
    /// The engine as it ended: its statistics and history.
    pub engine: Engine,
    /// Alerts written, by (detector, kind, severity).
    pub counts: BTreeMap<(String, String, Severity), u64>,
    /// The most severe alert written.
    pub worst: Option<Severity>,
    /// What each SIEM sink did.
    pub delivered: Vec<Delivered>,
    /// What the summary should say about the run (saved state, exception rules, formats,
    /// history).
    pub notes: Vec<String>,
}

/// Runs the audit. `rejects` receives malformed and late lines; `progress` is told how many
/// events have been analysed, now and then.
pub fn run(
    audit: Audit,
    rejects: &mut RejectSink,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome, RunError> {
    let db = match &audit.db {
        Some(p) => Some(StoreRun::open(p, &audit.resolver)?),
        None => None,
    };
    let mut run = Detecting {
        db,
        engine: None,
        resolver: Arc::clone(&audit.resolver),
        config: Arc::clone(&audit.config),
        state: audit.state.clone(),
        out: audit.out,
        sinks: audit.sinks,
        counts: BTreeMap::new(),
        delivered: Vec::new(),
        worst: None,
        batch: Vec::new(),
        notes: Vec::new(),
        error: None,
    };
    let read = match audit.lateness {
        Some(lateness) => read_streaming(
            &audit.inputs,
            &audit.opts,
            lateness,
            rejects,
            &mut run,
            progress,
        )?,
        None => read_ordered(
            &audit.inputs,
            audit.plan,
            &audit.opts,
            audit.threads,
            rejects,
            &mut run,
            progress,
        )?,
    };
    rejects.flush().map_err(RunError::Rejects)?;
    if let Some(e) = run.error.take() {
        return Err(e);
    }
    let mut notes = format_notes(&read);
    let engine = run.finish()?;
    if let Some(db) = &mut run.db {
        notes.extend(db.close(read.events, engine.stats(), &run.resolver)?);
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
            if audit.state.is_some() {
                " (saved to the state file)"
            } else {
                ""
            }
        ));
    }
    Ok(Outcome {
        read,
        engine,
        counts: run.counts,
        worst: run.worst,
        delivered: run.delivered,
        notes,
    })
}

/// `--stream`: each input in turn through the reorder buffer.
fn read_streaming(
    inputs: &Inputs,
    opts: &ReadOptions,
    lateness: chrono::Duration,
    rejects: &mut RejectSink,
    run: &mut Detecting,
    progress: &mut dyn FnMut(u64),
) -> Result<FileStats, RunError> {
    let mut reorder: Reorder = Reorder::new(lateness);
    let mut ready = Vec::new();
    let mut late: Vec<Late> = Vec::new();
    let mut total = FileStats::default();
    for (path, format) in &inputs.files {
        let stats = source::read_file(path, *format, opts, rejects, &mut |ev| {
            if let Err(l) = reorder.push(ev, &mut ready) {
                late.push(l);
            }
            for ev in ready.drain(..) {
                run.push(&ev);
            }
        })?;
        total.add(&stats);
        for l in late.drain(..) {
            reject_late(rejects, l, reorder.lateness())?;
            total.events -= 1;
            total.rejected += 1;
        }
        progress(total.events);
        if let Some(e) = run.error.take() {
            return Err(e);
        }
    }
    reorder.finish(&mut ready);
    for ev in ready.drain(..) {
        run.push(&ev);
    }
    Ok(total)
}

/// The default: every input in time order, prepared on worker threads.
fn read_ordered(
    inputs: &Inputs,
    plan: Option<Plan>,
    opts: &ReadOptions,
    threads: usize,
    rejects: &mut RejectSink,
    run: &mut Detecting,
    progress: &mut dyn FnMut(u64),
) -> Result<FileStats, RunError> {
    // Decoding, identity resolution and each event's behaviour activity (`Prepared`) run
    // on worker threads; with --db, the event's stored form (JSON) is made there too.
    let resolver = Arc::clone(&run.resolver);
    let keep_events = run.db.is_some();
    let prepare = |ev: &Event| {
        let p = Prepared::new(&resolver, ev);
        let stored = keep_events.then(|| StoreRun::stored(ev, &resolver, &p.resolved));
        (p, stored)
    };
    let plan = match plan {
        Some(p) => p,
        None => source::ordered::plan(inputs)?,
    };
    let mut n: u64 = 0;
    let read = source::ordered::for_each_in_time_order(
        inputs,
        &plan,
        opts,
        threads,
        rejects,
        &prepare,
        |ev, (r, stored)| {
            run.push_prepared(ev, r, stored.take());
            n += 1;
            if n.is_multiple_of(65_536) {
                progress(n);
            }
            match run.error.take() {
                Some(e) => Err(e),
                None => Ok(()),
            }
        },
    )??;
    Ok(read)
}

/// What the summary says of each log format's own figures.
fn format_notes(read: &FileStats) -> Vec<String> {
    let mut notes = Vec::new();
    let pg = &read.pgaudit;
    if pg.audit_lines > 0 {
        notes.push(format!(
            "pgAudit: {} audit lines; {} folded into a statement already counted (OBJECT/SESSION, one per table), {} not reads or writes (SET, PREPARE, DDL), {} subjects found by the literal scan",
            pg.audit_lines, pg.merged, pg.not_lookups, pg.literal_scans
        ));
    }
    let m = &read.mariadb;
    if m.statements > 0 {
        notes.push(format!(
            "MariaDB server_audit: {} statements ({} table lines folded in), {} not reads or writes (SET, PREPARE, DDL), {} cut by server_audit_query_log_limit and given no subject, {} subjects found by the literal scan",
            m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
        ));
    }
    let m = &read.mysql;
    if m.statements > 0 {
        notes.push(format!(
            "MySQL JSON audit: {} statements ({} table records folded in), {} not reads or writes (SET, PREPARE, DDL), {} as long as mysql.query_log_limit and given no subject, {} subjects found by the literal scan",
            m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
        ));
    }
    notes
}

/// An engine that starts from the saved state at `path` (empty when the file does not exist
/// yet). Open windows are taken up only when this run starts after the state's last event.
fn engine_from_state(
    path: &Path,
    resolver: Arc<Resolver>,
    config: Arc<Config>,
    first: Option<chrono::DateTime<chrono::Utc>>,
    notes: &mut Vec<String>,
) -> Result<Engine, RunError> {
    if !path.exists() {
        notes.push(format!(
            "no state at {} yet: no earlier history; it will be created",
            path.display()
        ));
        return Ok(Engine::new(resolver, config));
    }
    let saved = state::load(path, config.baseline.history_days)?;
    if let (Some(last), Some(first)) = (saved.history.last_day(), first) {
        if first.date_naive() <= last {
            notes.push(format!(
                "the state already holds history up to {last}; rows of the days audited again are replaced"
            ));
        }
    }
    let mut engine = Engine::with_history(resolver, config, saved.history);
    let restore = |engine: &mut Engine, c: &state::Carry| {
        engine.restore(c).map_err(|source| RunError::Restore {
            path: path.to_path_buf(),
            source,
        })
    };
    match (&saved.carry, first) {
        // No events at all: keep the windows as they were, for the next night.
        (Some(c), None) => restore(&mut engine, c)?,
        // Built by `custodes baseline`: history alone (the fishing detector's usual
        // searches), no open window, so it is taken up whatever day the run starts on.
        (Some(c), Some(_)) if c.last_event.is_none() => {
            restore(&mut engine, c)?;
            notes.push(BUILT_BY_BASELINE.into());
        }
        (Some(c), Some(first)) if c.last_event.is_none_or(|l| l < first) => {
            restore(&mut engine, c)?;
        }
        // A night audited again: what was learnt before it is taken up, not its windows.
        (Some(c), Some(first)) => {
            engine
                .restore_learnt(c, first.date_naive())
                .map_err(|source| RunError::Restore {
                    path: path.to_path_buf(),
                    source,
                })?;
            notes.push(
                "events start before the state's last event: windows open at the end of the last run are not continued; what the detectors learnt of earlier days is kept".into(),
            );
        }
        (None, _) => notes.push(BUILT_BY_BASELINE.into()),
    }
    Ok(engine)
}

const BUILT_BY_BASELINE: &str = "the state was built by `custodes baseline`: windows spanning midnight before the first day audited are not seen";

/// The detection half of an audit: events in, alerts out to the sinks as days close.
struct Detecting {
    db: Option<StoreRun>,
    /// Built at the first event, which decides whether a saved state's open windows apply.
    engine: Option<Engine>,
    resolver: Arc<Resolver>,
    config: Arc<Config>,
    state: Option<PathBuf>,
    out: JsonLinesSink,
    sinks: Option<Sinks>,
    counts: BTreeMap<(String, String, Severity), u64>,
    delivered: Vec<Delivered>,
    worst: Option<Severity>,
    batch: Vec<Alert>,
    notes: Vec<String>,
    /// The first failure inside a reader callback, which cannot return one.
    error: Option<RunError>,
}

impl Detecting {
    /// The engine for a run whose first event is `first`.
    fn new_engine(&mut self, first: Option<&Event>) -> Result<Engine, RunError> {
        match &self.state {
            Some(p) => engine_from_state(
                p,
                self.resolver.clone(),
                self.config.clone(),
                first.map(|e| e.ts),
                &mut self.notes,
            ),
            None => Ok(Engine::new(self.resolver.clone(), self.config.clone())),
        }
    }

    fn engine(&mut self, first: &Event) -> Result<&mut Engine, RunError> {
        let engine = match self.engine.take() {
            Some(e) => e,
            None => self.new_engine(Some(first))?,
        };
        Ok(self.engine.insert(engine))
    }

    fn push(&mut self, ev: &Event) {
        let resolver = Arc::clone(&self.resolver);
        self.push_prepared(ev, &Prepared::new(&resolver, ev), None);
    }

    /// `stored`: the event's stored form when a worker already made it.
    fn push_prepared(&mut self, ev: &Event, r: &Prepared<'_>, stored: Option<NewEvent>) {
        if self.error.is_some() {
            return;
        }
        let stored = match stored {
            Some(s) => Some(s),
            None if self.db.is_some() => Some(StoreRun::stored(ev, &self.resolver, &r.resolved)),
            None => None,
        };
        if let (Some(db), Some(stored)) = (&mut self.db, stored) {
            if let Err(e) = db.event(stored) {
                self.error = Some(e);
                return;
            }
        }
        let mut batch = std::mem::take(&mut self.batch);
        let result = self.engine(ev).map(|e| e.push_prepared(ev, r, &mut batch));
        if let Err(e) = result.and_then(|()| self.drain(&mut batch)) {
            self.error = Some(e);
        }
        self.batch = batch;
    }

    fn drain(&mut self, batch: &mut Vec<Alert>) -> Result<(), RunError> {
        for a in batch.drain(..) {
            if self.db.as_mut().is_some_and(|db| db.hides(&a)) {
                continue;
            }
            self.worst = self.worst.max(Some(a.severity));
            self.out.write(&a).map_err(RunError::Alerts)?;
            if let Some(s) = &mut self.sinks {
                s.send(&a);
            }
            *self
                .counts
                .entry((a.detector.clone(), a.kind.clone(), a.severity))
                .or_default() += 1;
            if let Some(db) = &mut self.db {
                db.alert(a);
            }
        }
        Ok(())
    }

    /// Ends the input: the last day is judged, alerts are flushed, then the state is saved
    /// (alerts first: a crash in between loses no alert and leaves the old state).
    fn finish(&mut self) -> Result<Engine, RunError> {
        let mut engine = match self.engine.take() {
            Some(e) => e,
            None => self.new_engine(None)?,
        };
        let mut batch = std::mem::take(&mut self.batch);
        engine.finish(&mut batch);
        if self.state.is_none() {
            // No state to carry what is held over to the next run: raised, not lost.
            engine.raise_held_over(&mut batch);
        } else {
            engine.carry_held_over();
        }
        self.drain(&mut batch)?;
        self.out.finish().map_err(RunError::Alerts)?;
        if let Some(s) = self.sinks.take() {
            self.delivered = s.finish();
        }
        if let Some(db) = &mut self.db {
            db.finish()?;
        }
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
) -> Result<(), RunError> {
    let ev = &late.event;
    let raw =
        serde_json::json!({"id": ev.id, "ts": crate::event::format_ts(&ev.ts), "user": ev.user});
    rejects
        .push(
            &ev.origin.file,
            ev.origin.line,
            "ts",
            late_message(late.behind, lateness),
            raw.to_string().as_bytes(),
        )
        .map_err(RunError::Rejects)
}
