//! The detection thread of `custodes watch`: lines in from every source, alerts, rejects
//! and checkpoints out to the store, in one place and one order.
//!
//! Lines are decoded here (never in the sources), put back in time order by
//! [`Reorder`] within the allowed lateness, and pushed through the same
//! [`Engine`] as the batch audit, so the same events give the same alerts with the same
//! ids. Each step is committed to the [`Store`] in one transaction: alerts (open ones as
//! they grow, final ones when their day closes, queued in the same step for the sinks of
//! `--sink`), rejects, and source progress.
//!
//! **Checkpoints are taken at day boundaries.** When the first event of a new UTC day is
//! about to be analysed, the engine closes the old day; its state then is exactly what a
//! nightly `audit --state` would save, so the service saves it (at most once per
//! [`PipelineSpec::checkpoint_min`] of wall clock, which only matters when catching up), with, for each source, the
//! position of the first line not yet analysed (`resume`) and of the first not yet read
//! (`read_to`). A restart restores that state and reads every source again from
//! `resume`: the open day is replayed, its alerts recomputed and written idempotently. An
//! event earlier than the boundary, read again, was analysed before the checkpoint when it
//! lies before `read_to`, and is skipped; one after it arrived too late and is rejected as
//! late, as it was the first time. Standard input cannot be read again: after a crash,
//! events of the open day that came from it are not replayed (use a followed file or the
//! HTTP endpoint when that matters).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::deliver::SinkWake;
use super::item::{FileId, Gap, Generation, Item, Line, Position};
use super::metrics::Metrics;
use super::writer::{GapFound, GenerationRead, GenerationRecord, SourceProgress, Step, Writer};
use super::ServiceError;
use crate::alert::sink::JsonLinesSink;
use crate::alert::Alert;
use crate::baseline::state;
use crate::config::Config;
use crate::detect::Engine;
use crate::event::{format_ts, Event};
use crate::identity::Resolver;
use crate::source::decode::FieldError;
use crate::source::jsonl::decode_line;
use crate::source::mariadb::{self, MariaSettings};
use crate::source::mysql;
use crate::source::pgaudit::{self, LineDecoder, PgSettings};
use crate::source::rejects::clip_raw;
use crate::source::reorder::{late_message, Reorder, Timed};
use crate::source::FormatChoice;
use crate::store::files::Seen;
use crate::store::{EventFacts, Finality, Store, StoredReject};

/// An analysed event for the store.
pub struct Analysed {
    /// The event; its JSON is written by the writer thread, off the detection thread.
    pub event: Event,
    /// Its recorded case status and name statistics.
    pub facts: EventFacts,
    /// The reference data and settings they were computed from.
    pub resolver: Arc<Resolver>,
}

/// Where a source's lines come from, which decides whether they can be read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceKind {
    Stdin,
    File,
    Http,
}

#[derive(Debug, Clone)]
pub(crate) struct SourceInfo {
    /// The path as given, `-`, or `http`: event ids, reject keys and metrics use it.
    pub name: Arc<str>,
    pub kind: SourceKind,
}

/// Where each source resumes after a restart (saved with the checkpoint).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Resume {
    /// The time of the first event analysed after the checkpoint's day closed; `None`
    /// when every source had ended (nothing to replay).
    pub boundary: Option<DateTime<Utc>>,
    pub sources: BTreeMap<String, SourceResume>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct SourceResume {
    /// The first line not analysed yet.
    pub resume: Position,
    /// The first line not read yet.
    pub read_to: Position,
}

/// How one source's lines become events.
#[derive(Debug)]
enum Decoder {
    /// `--format auto`: chosen by the first non-blank line.
    Undecided(Arc<PgSettings>, Arc<MariaSettings>, Arc<MariaSettings>),
    Contract,
    Pgaudit(Box<LineDecoder>),
    Mariadb(Box<mariadb::LineDecoder>),
    Percona(Box<mysql::LineDecoder>),
    /// A source `watch` cannot follow (MySQL Enterprise JSON under `auto`): each line is
    /// rejected saying so, rather than as a malformed contract event.
    Unfollowable(&'static str),
}

impl Decoder {
    fn decode(
        &mut self,
        name: &Arc<str>,
        n: u64,
        bytes: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        if let Decoder::Undecided(settings, maria, my) = self {
            *self = if pgaudit::is_jsonlog_line(bytes.trim_ascii_start()) {
                tracing::info!(source = %name, "Reading PostgreSQL jsonlog records.");
                Decoder::Pgaudit(Box::new(LineDecoder::new(settings.clone())))
            } else if mysql::is_percona_line(bytes) {
                tracing::info!(source = %name, "Reading Percona audit_log JSON records.");
                Decoder::Percona(Box::new(mysql::LineDecoder::new(my.clone())))
            } else if mysql::sniff(bytes) == Some(mysql::Kind::Enterprise)
                || bytes.trim_ascii() == b"["
            {
                tracing::warn!(source = %name, "A MySQL Enterprise JSON audit log: watch cannot follow it.");
                Decoder::Unfollowable(
                    "a MySQL Enterprise JSON audit log, whose records span lines: watch cannot \
                     follow it; read it with `custodes audit --format mysql-enterprise`",
                )
            } else if mariadb::sniff(bytes) {
                tracing::info!(source = %name, "Reading MariaDB server_audit lines.");
                Decoder::Mariadb(Box::new(mariadb::LineDecoder::new(maria.clone())))
            } else {
                Decoder::Contract
            };
        }
        match self {
            Decoder::Pgaudit(d) => d.decode(name, n, bytes, out),
            Decoder::Mariadb(d) => d.decode(name, n, bytes, out),
            Decoder::Percona(d) => d.decode(name, n, bytes, out),
            Decoder::Unfollowable(why) => Err(FieldError::new("-", *why)),
            _ => {
                out.push(decode_line(name, n, bytes)?);
                Ok(())
            }
        }
    }
}

/// Why the detection thread woke up.
enum Wake {
    Stop,
    Refs,
    RefsGone,
    Tick,
    SourcesGone,
    Item(Item),
}

/// An event with where it was read, while the reorder buffer holds it.
struct Tagged {
    ev: Event,
    source: usize,
    at: Position,
}

impl Timed for Tagged {
    fn ts(&self) -> DateTime<Utc> {
        self.ev.ts
    }
}

/// What the pipeline knows about one source.
#[derive(Debug)]
struct Track {
    /// The next line to read.
    consumed: Position,
    /// Positions of this source's events in the reorder buffer (with counts: a
    /// position is one line, but kept general).
    held: BTreeMap<(u64, u64), (Position, u32)>,
    ended: bool,
    /// From the checkpoint: lines before this were read by the last run.
    read_to: Option<Position>,
    /// A line of `read_to`'s file has been read in this run.
    reached: bool,
    /// How far each generation has been read since the last commit (the last entry is
    /// the generation being read).
    gen_read: Vec<(FileId, u64)>,
}

impl Track {
    /// Whether `at` lies before the last run's `read_to`.
    fn before_read_to(&mut self, at: &Position) -> bool {
        match self.read_to {
            None => false,
            Some(r) if r.file == at.file => {
                self.reached = true;
                at.offset < r.offset
            }
            Some(_) => !self.reached,
        }
    }

    /// The `read_to` to save now: the further of this run's reading and the last run's.
    fn read_to_now(&self) -> Position {
        match self.read_to {
            Some(r)
                if !self.reached
                    || (r.file == self.consumed.file && r.offset > self.consumed.offset) =>
            {
                r
            }
            _ => self.consumed,
        }
    }
}

/// The generations the store knows for a followed file. A store from before it kept
/// them knows only the position last read: that file, if it has one.
fn chain_of(store: &Store, source: &str) -> Result<Vec<Generation>, ServiceError> {
    let bad = |e: serde_json::Error| ServiceError::Checkpoint {
        path: store.path().to_path_buf(),
        message: format!("source {source}: a generation record is damaged: {e}"),
    };
    let mut chain = Vec::new();
    for (record, read) in store.generations(source)? {
        let mut g: Generation = serde_json::from_str(&record).map_err(bad)?;
        g.read = g.read.max(read);
        chain.push(g);
    }
    if chain.is_empty() {
        let last = store
            .progress_of(source)?
            .and_then(|p| serde_json::from_str::<Position>(&p).ok());
        if let Some(p) = last {
            if let Some(id) = p.file {
                chain.push(Generation {
                    id,
                    name: source.to_string(),
                    head_len: 0,
                    head: String::new(),
                    mtime_ns: 0,
                    read: p.offset,
                });
            }
        }
    }
    Ok(chain)
}

/// How a pipeline run ended.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Every source ended and the open windows were flushed (exit 0 with the batch's
    /// alerts); false after a signal.
    pub finished: bool,
    pub events: u64,
    pub rejected: u64,
    pub late: u64,
    pub skipped_replayed: u64,
    pub final_alerts: u64,
    /// Parts of followed files that could not be read (each reported with a WARN, kept
    /// in the store and counted in `/metrics`).
    pub gaps: u64,
    /// Sinks that gave up once the sources had ended (`--once`), and why; their alerts
    /// stay owed in the store.
    pub sinks_failed: Vec<String>,
}

/// Where a source starts reading.
#[derive(Debug, Clone, Default)]
pub struct Start {
    /// The checkpoint's position: the first line not analysed.
    pub resume: Option<Position>,
    /// The followed file's generations the store knows, oldest first.
    pub chain: Vec<Generation>,
}

/// How the store names a generation.
pub(crate) fn file_key(id: &FileId) -> String {
    if id.epoch == 0 {
        format!("{}:{}", id.dev, id.ino)
    } else {
        format!("{}:{}~{}", id.dev, id.ino, id.epoch)
    }
}

pub(crate) struct Pipeline {
    engine: Engine,
    store: Store,
    sources: Vec<SourceInfo>,
    decoders: Vec<Decoder>,
    /// Reused for the events of one line.
    decoded: Vec<Event>,
    tracks: Vec<Track>,
    reorder: Reorder<Tagged>,
    boundary: Option<DateTime<Utc>>,
    alerts: Vec<(Alert, Finality)>,
    /// Events analysed since the last commit, for the workbench and searches of the store:
    /// (id, ts, user, JSON, what the detectors made of it, from which reference data).
    analysed: Vec<Analysed>,
    rejects: Vec<StoredReject>,
    checkpoint: Option<crate::store::NewCheckpoint>,
    /// `--out` and the sinks' wake, until [`Pipeline::run`] hands them to the writer.
    out: Option<JsonLinesSink>,
    /// Wakes the sinks' senders when final alerts were queued for them.
    wake: SinkWake,
    /// Commits the steps on a thread of its own (`writer.rs`), from [`Pipeline::run`] on.
    writer: Option<Writer>,
    metrics: Arc<Metrics>,
    closed: Vec<Alert>,
    outcome: Outcome,
    /// The HTTP endpoint is on: the sources never all end by themselves.
    endless: bool,
    dirty: bool,
    /// When the last line arrived, for the idle release.
    last_arrival: Instant,
    /// When the last checkpoint was taken, and the least time between two.
    last_checkpoint: Option<Instant>,
    checkpoint_min: Duration,
    /// Generations of followed files to record (source, generation, new).
    generations: Vec<(usize, Generation, Seen)>,
    /// Gaps found since the last commit.
    gaps: Vec<(usize, Gap)>,
}

/// The settings of [`Pipeline::new`].
pub(crate) struct PipelineSpec {
    pub sources: Vec<SourceInfo>,
    pub lateness: chrono::Duration,
    pub out: Option<JsonLinesSink>,
    /// Wakes the senders of `watch --sink` (none without sinks).
    pub wake: SinkWake,
    pub endless: bool,
    /// The least wall-clock time between two day-boundary checkpoints: live, a day
    /// closes once a day and every close is saved; catching up on weeks of logs, saving
    /// the state at every close would cost more than replaying a few days after a crash.
    pub checkpoint_min: Duration,
    /// What followed files and standard input hold (pushed bodies are always contract
    /// events).
    pub format: FormatChoice,
    pub pgaudit: Arc<PgSettings>,
    pub mariadb: Arc<MariaSettings>,
    /// `[mysql]`, for Percona's JSON lines.
    pub mysql: Arc<MariaSettings>,
    /// The settings the resolver was built with (a reload of reference data keeps them).
    pub config: Arc<Config>,
}

impl Pipeline {
    /// Builds the pipeline from the store's checkpoint (or from nothing) and returns, for
    /// each source, where it must start reading.
    pub fn new(
        spec: PipelineSpec,
        store: Store,
        resolver: Arc<Resolver>,
        metrics: Arc<Metrics>,
    ) -> Result<(Pipeline, Vec<Start>), ServiceError> {
        let mut engine = Engine::new(resolver.clone(), spec.config.clone());
        let mut resume = Resume::default();
        if let Some(cp) = store.checkpoint()? {
            let saved = state::decode(&cp.state, store.path(), spec.config.baseline.history_days)?;
            resume = serde_json::from_str(&cp.resume).map_err(|e| ServiceError::Checkpoint {
                path: store.path().to_path_buf(),
                message: e.to_string(),
            })?;
            engine = Engine::with_history(resolver.clone(), spec.config.clone(), saved.history);
            if let Some(c) = &saved.carry {
                engine.restore(c).map_err(|e| ServiceError::Checkpoint {
                    path: store.path().to_path_buf(),
                    message: e.to_string(),
                })?;
            }
            tracing::info!(saved_at = %cp.saved_at, boundary = ?resume.boundary.map(|b| format_ts(&b)), "Resuming from the checkpoint.");
        }
        let mut starts = Vec::new();
        let tracks = spec
            .sources
            .iter()
            .map(|s| {
                let saved = (s.kind != SourceKind::Stdin)
                    .then(|| resume.sources.get(&*s.name).copied())
                    .flatten();
                starts.push(Start {
                    resume: saved.map(|r| r.resume),
                    chain: Vec::new(),
                });
                Track {
                    consumed: saved.map_or(Position::start(None), |r| r.resume),
                    held: BTreeMap::new(),
                    ended: false,
                    read_to: saved.map(|r| r.read_to),
                    reached: false,
                    gen_read: Vec::new(),
                }
            })
            .collect::<Vec<_>>();
        for (i, s) in spec.sources.iter().enumerate() {
            if s.kind == SourceKind::File {
                starts[i].chain = chain_of(&store, &s.name)?;
            }
        }
        let gaps = store.gaps()?;
        for (i, s) in spec.sources.iter().enumerate() {
            let n = gaps.iter().filter(|g| *g.source == *s.name).count() as u64;
            metrics.sources[i].gaps.store(n, Ordering::Relaxed);
        }
        let decoders = spec
            .sources
            .iter()
            .map(|s| match (s.kind, spec.format) {
                (SourceKind::Http, _) | (_, FormatChoice::Contract) => Decoder::Contract,
                (_, FormatChoice::Pgaudit) => {
                    Decoder::Pgaudit(Box::new(LineDecoder::new(spec.pgaudit.clone())))
                }
                (_, FormatChoice::Mariadb) => {
                    Decoder::Mariadb(Box::new(mariadb::LineDecoder::new(spec.mariadb.clone())))
                }
                (_, FormatChoice::Percona) => {
                    Decoder::Percona(Box::new(mysql::LineDecoder::new(spec.mysql.clone())))
                }
                // Refused before the pipeline starts (records span lines); read as
                // contract lines if it ever got here, which rejects each one visibly.
                (_, FormatChoice::MysqlEnterprise) => Decoder::Contract,
                (_, FormatChoice::Auto) => Decoder::Undecided(
                    spec.pgaudit.clone(),
                    spec.mariadb.clone(),
                    spec.mysql.clone(),
                ),
            })
            .collect();
        let pipeline = Pipeline {
            engine,
            store,
            sources: spec.sources,
            decoders,
            decoded: Vec::new(),
            tracks,
            reorder: Reorder::new(spec.lateness),
            boundary: resume.boundary,
            alerts: Vec::new(),
            analysed: Vec::new(),
            rejects: Vec::new(),
            checkpoint: None,
            out: spec.out,
            wake: spec.wake,
            writer: None,
            metrics,
            closed: Vec::new(),
            outcome: Outcome::default(),
            endless: spec.endless,
            dirty: false,
            last_arrival: Instant::now(),
            last_checkpoint: None,
            checkpoint_min: spec.checkpoint_min,
            generations: Vec::new(),
            gaps: Vec::new(),
        };
        Ok((pipeline, starts))
    }

    /// Runs until every source has ended (then flushes), the token is cancelled, or a
    /// source fails. Call on a thread of its own (it blocks).
    pub fn run(
        mut self,
        mut rx: mpsc::Receiver<Item>,
        cancel: CancellationToken,
        mut refs: watch::Receiver<Arc<Resolver>>,
        runtime: tokio::runtime::Handle,
        commit_every: Duration,
    ) -> Result<Outcome, ServiceError> {
        // The writer has a connection of its own: this one stays for reading (exception
        // rules at every step).
        let writer_store = Store::open(self.store.path())?;
        self.writer = Some(Writer::start(
            writer_store,
            self.out.take(),
            self.wake.clone(),
            Arc::clone(&self.metrics),
        )?);
        let mut last_commit = Instant::now();
        let mut refs_alive = true;
        loop {
            if refs_alive && refs.has_changed().unwrap_or(false) {
                self.swap_refs(&mut refs);
            }
            let wait = commit_every.saturating_sub(last_commit.elapsed());
            let woke = runtime.block_on(async {
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => Wake::Stop,
                    changed = refs.changed(), if refs_alive => {
                        if changed.is_err() {
                            Wake::RefsGone
                        } else {
                            Wake::Refs
                        }
                    }
                    r = tokio::time::timeout(wait, rx.recv()) => match r {
                        Err(_elapsed) => Wake::Tick,
                        Ok(None) => Wake::SourcesGone,
                        Ok(Some(item)) => Wake::Item(item),
                    },
                }
            });
            let first = match woke {
                Wake::Stop => {
                    self.close()?;
                    tracing::info!("Stopping: progress committed; the open day will be replayed from the checkpoint at the next start.");
                    return Ok(self.outcome);
                }
                Wake::SourcesGone => {
                    // Every sender is gone without saying End (cancelled sources).
                    self.close()?;
                    return Ok(self.outcome);
                }
                Wake::RefsGone => {
                    refs_alive = false;
                    None
                }
                Wake::Refs => {
                    self.swap_refs(&mut refs);
                    None
                }
                Wake::Tick => None,
                Wake::Item(item) => Some(item),
            };
            let mut next = first;
            let mut taken = 0;
            while let Some(item) = next.take() {
                self.item(item)?;
                taken += 1;
                if taken >= 64 {
                    break;
                }
                next = rx.try_recv().ok();
            }
            if self.all_ended() {
                return self.finish();
            }
            if let Some(w) = self.writer.as_mut().filter(|w| w.failed()) {
                // The store cannot write: stop now, not at the next step.
                return Err(w.stopped());
            }
            self.idle_release();
            if self.dirty || last_commit.elapsed() >= commit_every {
                self.commit()?;
                last_commit = Instant::now();
            }
        }
    }

    fn swap_refs(&mut self, refs: &mut watch::Receiver<Arc<Resolver>>) {
        let r = refs.borrow_and_update().clone();
        self.engine.set_resolver(r);
        // Counted here, not where it was loaded: once the counter moves, every event
        // analysed afterwards sees the new data.
        self.metrics.reloads_ok.fetch_add(1, Ordering::Relaxed);
        tracing::info!("Reference data swapped in.");
    }

    /// When no line has arrived for the allowed lateness (in wall-clock time), nothing
    /// earlier is still on its way: the events held back for ordering are analysed now
    /// rather than when traffic resumes (the last lookups of a quiet night would otherwise
    /// wait for the morning). An event older than them arriving afterwards is late.
    fn idle_release(&mut self) {
        if self.reorder.pending() == 0 {
            return;
        }
        let idle = self.reorder.lateness().to_std().unwrap_or_default();
        if self.last_arrival.elapsed() < idle {
            return;
        }
        let mut ready = Vec::new();
        self.reorder.finish(&mut ready);
        for t in ready {
            self.analyse(t);
        }
        self.dirty = true;
    }

    fn all_ended(&self) -> bool {
        !self.endless && self.tracks.iter().all(|t| t.ended)
    }

    fn item(&mut self, item: Item) -> Result<(), ServiceError> {
        match item {
            Item::Lines { source, lines } => {
                self.metrics.queue_depth.fetch_sub(1, Ordering::Relaxed);
                self.last_arrival = Instant::now();
                for line in lines {
                    self.line(source, line);
                }
                Ok(())
            }
            Item::End { source } => {
                tracing::info!(source = %self.sources[source].name, "Source ended.");
                self.tracks[source].ended = true;
                Ok(())
            }
            Item::Generation {
                source,
                generation,
                seen,
            } => {
                self.generations.push((source, generation, seen));
                self.dirty = true;
                Ok(())
            }
            Item::Gap { source, gap } => {
                let name = &self.sources[source].name;
                match gap.to {
                    Some(to) => {
                        tracing::warn!(source = %name, file = %gap.file, from_byte = gap.from, to_byte = to, reason = %gap.reason, "Part of a followed file cannot be read: events in these bytes (and any written after them in that file) are not analysed.")
                    }
                    None => {
                        tracing::warn!(source = %name, file = %gap.file, from_byte = gap.from, reason = %gap.reason, "Part of a followed file cannot be read: events from this byte on in that file are not analysed.")
                    }
                }
                self.outcome.gaps += 1;
                self.gaps.push((source, gap));
                self.dirty = true;
                Ok(())
            }
            Item::Failed { source, error } => {
                self.close()?;
                Err(ServiceError::Source {
                    name: self.sources[source].name.to_string(),
                    error,
                })
            }
        }
    }

    fn line(&mut self, s: usize, line: Line) {
        self.dirty = true;
        self.tracks[s].consumed = line.next;
        if let Some(f) = line.next.file {
            let gr = &mut self.tracks[s].gen_read;
            match gr.last_mut() {
                Some((last, at)) if *last == f => *at = line.next.offset,
                _ => gr.push((f, line.next.offset)),
            }
        }
        if let Some((field, error)) = line.problem {
            self.reject(s, &line.at, &field, error, &line.bytes);
            return;
        }
        if line.bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        let mut decoded = std::mem::take(&mut self.decoded);
        let name = self.sources[s].name.clone();
        if let Err(e) = self.decoders[s].decode(&name, line.at.line, &line.bytes, &mut decoded) {
            decoded.clear();
            self.decoded = decoded;
            self.reject(s, &line.at, &e.field, e.problem, &line.bytes);
            return;
        }
        for ev in decoded.drain(..) {
            self.event(s, ev, line.at);
        }
        self.decoded = decoded;
    }

    /// One decoded event read at `at`: skipped if replayed, late, or into the reorder
    /// buffer.
    fn event(&mut self, s: usize, ev: Event, at: Position) {
        if let Some(b) = self.boundary {
            if ev.ts < b {
                if self.tracks[s].before_read_to(&at) {
                    self.outcome.skipped_replayed += 1;
                } else {
                    self.late(s, &ev, &at, b - ev.ts);
                }
                return;
            }
        }
        self.metrics.sources[s]
            .events
            .fetch_add(1, Ordering::Relaxed);
        self.outcome.events += 1;
        self.tracks[s].held.entry(at.order()).or_insert((at, 0)).1 += 1;
        let mut ready = Vec::new();
        if let Err(late) = self.reorder.push(Tagged { ev, source: s, at }, &mut ready) {
            self.unhold(s, &at);
            let behind = late.behind;
            self.late(s, &late.event.ev, &at, behind);
        }
        for t in ready {
            self.analyse(t);
        }
    }

    fn unhold(&mut self, s: usize, at: &Position) {
        let held = &mut self.tracks[s].held;
        if let Some(e) = held.get_mut(&at.order()) {
            e.1 -= 1;
            if e.1 == 0 {
                held.remove(&at.order());
            }
        }
    }

    fn analyse(&mut self, t: Tagged) {
        if self.engine.ends_day(t.ev.ts) {
            self.engine.close_day(&mut self.closed);
            self.take_closed();
            if self
                .last_checkpoint
                .is_none_or(|at| at.elapsed() >= self.checkpoint_min)
            {
                self.save_checkpoint(Some(t.ev.ts));
            }
        }
        // What `Engine::push` does, keeping the event's case status for the store.
        let resolver = self.engine.shared_resolver();
        let prepared = crate::detect::Prepared::new(&resolver, &t.ev);
        let facts = crate::lookups::event_facts(&resolver, &prepared.resolved);
        self.engine
            .push_prepared(&t.ev, &prepared, &mut self.closed);
        self.take_closed();
        self.unhold(t.source, &t.at);
        self.metrics.replay_events.fetch_add(1, Ordering::Relaxed);
        self.metrics
            .event_time_ms
            .fetch_max(t.ev.ts.timestamp_millis(), Ordering::Relaxed);
        self.analysed.push(Analysed {
            event: t.ev,
            facts,
            resolver,
        });
    }

    fn take_closed(&mut self) {
        for a in self.closed.drain(..) {
            self.alerts.push((a, Finality::Final));
        }
    }

    /// Saves the engine's state now (at a day boundary, or at the end) with where each
    /// source resumes; committed with the next step.
    fn save_checkpoint(&mut self, boundary: Option<DateTime<Utc>>) {
        let mut resume = Resume {
            boundary,
            sources: BTreeMap::new(),
        };
        let mut inbox_from = None;
        for (s, t) in self.sources.iter().zip(&self.tracks) {
            if s.kind == SourceKind::Stdin {
                continue;
            }
            let first_held = t.held.values().next().map(|(p, _)| *p);
            let r = SourceResume {
                resume: first_held.unwrap_or(t.consumed),
                read_to: t.read_to_now(),
            };
            if s.kind == SourceKind::Http {
                inbox_from = Some(r.resume.offset as i64);
            }
            resume.sources.insert(s.name.to_string(), r);
        }
        let resume = serde_json::to_string(&resume).unwrap_or_default();
        self.checkpoint = Some(crate::store::NewCheckpoint {
            state: state::encode(&self.engine.state()),
            resume,
            inbox_from,
        });
        self.last_checkpoint = Some(Instant::now());
        self.metrics.replay_events.store(0, Ordering::Relaxed);
    }

    fn late(&mut self, s: usize, ev: &Event, at: &Position, behind: chrono::Duration) {
        self.metrics.sources[s].late.fetch_add(1, Ordering::Relaxed);
        self.outcome.late += 1;
        let raw = serde_json::json!({"id": ev.id, "ts": format_ts(&ev.ts), "user": ev.user});
        self.reject(
            s,
            at,
            "ts",
            late_message(behind, self.reorder.lateness()),
            raw.to_string().as_bytes(),
        );
    }

    fn reject(&mut self, s: usize, at: &Position, field: &str, error: String, raw: &[u8]) {
        let name = &self.sources[s].name;
        tracing::debug!(source = %name, line = at.line, field, %error, "Line rejected.");
        self.metrics.sources[s]
            .rejected
            .fetch_add(1, Ordering::Relaxed);
        self.outcome.rejected += 1;
        self.rejects.push(StoredReject {
            source: name.to_string(),
            key: (self.sources[s].kind != SourceKind::Stdin).then(|| at.key(name)),
            line: Some(at.line),
            field: field.to_string(),
            error,
            raw: clip_raw(raw),
        });
    }

    /// Makes one step: open alerts as they stand, final alerts, analysed events, rejects,
    /// progress and any checkpoint, committed in one transaction by the writer thread,
    /// which then writes final alerts to `--out`.
    fn commit(&mut self) -> Result<(), ServiceError> {
        let mut open = Vec::new();
        self.engine.provisional(&mut open);
        self.alerts
            .extend(open.into_iter().map(|a| (a, Finality::Open)));
        // Exception rules are read at every step, so one added in `custodes serve`
        // applies from the next second on.
        if !self.alerts.is_empty() {
            let rules = self.store.exceptions().map_err(ServiceError::from)?;
            let mut hidden_final = 0;
            self.alerts.retain(|(a, fin)| {
                let hidden = rules.iter().any(|r| crate::alert::suppress::hides(r, a));
                hidden_final += u64::from(hidden && *fin == Finality::Final);
                !hidden
            });
            self.metrics
                .suppressed_alerts
                .fetch_add(hidden_final, Ordering::Relaxed);
        }
        let step = Step {
            alerts: std::mem::take(&mut self.alerts),
            rejects: std::mem::take(&mut self.rejects),
            events: std::mem::take(&mut self.analysed),
            progress: self
                .sources
                .iter()
                .zip(&self.tracks)
                .map(|(s, t)| SourceProgress {
                    source: s.name.clone(),
                    position: serde_json::to_value(t.consumed).unwrap_or_default(),
                })
                .collect(),
            generations: self
                .generations
                .drain(..)
                .map(|(s, g, seen)| {
                    let record = serde_json::to_string(&g).unwrap_or_default();
                    GenerationRecord {
                        source: self.sources[s].name.clone(),
                        key: file_key(&g.id),
                        record,
                        seen,
                    }
                })
                .collect(),
            gen_read: self
                .sources
                .iter()
                .zip(&self.tracks)
                .flat_map(|(s, t)| {
                    t.gen_read.iter().map(|(f, at)| GenerationRead {
                        source: s.name.clone(),
                        key: file_key(f),
                        offset: *at,
                    })
                })
                .collect(),
            gaps: self
                .gaps
                .drain(..)
                .map(|(s, gap)| GapFound {
                    source_index: s,
                    source: self.sources[s].name.clone(),
                    gap,
                })
                .collect(),
            checkpoint: self.checkpoint.take(),
        };
        for t in &mut self.tracks {
            let keep = t.gen_read.pop();
            t.gen_read.clear();
            t.gen_read.extend(keep);
        }
        self.dirty = false;
        match self.writer.as_mut() {
            Some(w) => w.send(step),
            None => Err(ServiceError::WriterGone),
        }
    }

    /// Makes the last step and waits until the writer has committed every step.
    fn close(&mut self) -> Result<(), ServiceError> {
        self.commit()?;
        let written = match self.writer.as_mut() {
            Some(w) => w.finish()?,
            None => return Err(ServiceError::WriterGone),
        };
        self.writer = None;
        self.outcome.final_alerts += written.final_alerts;
        Ok(())
    }

    /// Every source has ended: analyse what the reorder buffer holds, close the last
    /// day, and checkpoint with nothing left to replay.
    fn finish(mut self) -> Result<Outcome, ServiceError> {
        let mut ready = Vec::new();
        self.reorder.finish(&mut ready);
        for t in ready {
            self.analyse(t);
        }
        self.engine.finish(&mut self.closed);
        // Nothing more will come to judge what is held over: raised, as an audit that saves
        // no state raises it.
        self.engine.raise_held_over(&mut self.closed);
        self.take_closed();
        self.save_checkpoint(None);
        self.close()?;
        self.outcome.finished = true;
        Ok(self.outcome)
    }
}
