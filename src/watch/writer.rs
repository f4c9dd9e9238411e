//! The store writer of `custodes watch`: commits the detection thread's steps to the alert
//! store on a thread of its own, so that inserting every analysed event (the workbench's
//! timelines) runs on the other core while the next lines are decoded and analysed.
//!
//! Each [`Step`] is what one commit of the detection thread used to write in one
//! transaction: alerts, rejects, analysed events, source progress, generations, gaps and
//! the checkpoint. Steps are committed in the order they were made; when several are
//! waiting, they are committed together in one transaction, in order, which leaves the
//! store exactly as committing them one by one would (every write is idempotent or an
//! upsert, and the last checkpoint wins) and costs one sync instead of several. So what a
//! crash can lose is what it could lose before: steps not committed yet, which the
//! checkpoint's replay makes again. After a commit the alerts it made final go to `--out`
//! and the sinks are woken, as the detection thread did.
//!
//! It must not reorder steps, split one across transactions, or decide anything about
//! detection; the detection thread waits for it (a bounded channel) when it falls behind,
//! and [`Writer::finish`] returns only once everything sent is committed.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono::Utc;
use serde_json::Value;

use super::deliver::SinkWake;
use super::item::Gap;
use super::metrics::Metrics;
use super::pipeline::{file_key, Analysed, Resume};
use super::ServiceError;
use crate::alert::sink::JsonLinesSink;
use crate::alert::Alert;
use crate::event::format_ts;
use crate::identity::Resolver;
use crate::store::files::Seen;
use crate::store::{Finality, OutFile, Store, StoredReject};

/// Steps waiting for the writer before the detection thread waits in turn: enough to
/// cover one commit's sync, few enough to bound the memory of events not yet stored.
const QUEUE: usize = 4;

/// Steps committed in one transaction at most, so that one transaction stays short.
const MERGE: usize = 16;

/// One step of the detection thread, to be committed in one transaction.
#[derive(Default)]
pub struct Step {
    /// Alerts as they stand (open ones) or final, with whether they are final.
    pub alerts: Vec<(Alert, Finality)>,
    pub rejects: Vec<StoredReject>,
    /// Events analysed since the last step.
    pub events: Vec<Analysed>,
    /// Where each source's next line to read is.
    pub progress: Vec<SourceProgress>,
    /// Generations of followed files, in the order they were read.
    pub generations: Vec<GenerationRecord>,
    /// How far generations were read.
    pub gen_read: Vec<GenerationRead>,
    /// Parts of followed files found unreadable since the last step.
    pub gaps: Vec<GapFound>,
    /// Engine state, resume points (JSON) and the first inbox id still needed.
    pub checkpoint: Option<crate::store::NewCheckpoint>,
}

/// Where one source's next line to read is, as the store records it.
pub struct SourceProgress {
    pub source: Arc<str>,
    /// The [`super::item::Position`] (JSON).
    pub position: Value,
}

/// How far one generation of a followed file has been read.
pub struct GenerationRead {
    pub source: Arc<str>,
    /// `file_key` of the generation's identity.
    pub key: String,
    /// Bytes read from its start.
    pub offset: u64,
}

/// A part of a followed file that could not be read.
pub struct GapFound {
    /// The source's index, for its metrics.
    pub source_index: usize,
    pub source: Arc<str>,
    pub gap: Gap,
}

/// A followed file's generation as the store records it.
pub struct GenerationRecord {
    pub source: Arc<str>,
    /// `file_key` of the generation's identity.
    pub key: String,
    /// The generation (JSON).
    pub record: String,
    /// Read for the first time, or known and updated.
    pub seen: Seen,
}

/// What the writer did, for the run's outcome.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub final_alerts: u64,
}

/// The writer thread and the channel to it.
pub(crate) struct Writer {
    tx: Option<SyncSender<Step>>,
    handle: Option<JoinHandle<Result<Written, ServiceError>>>,
}

/// What the writer thread owns.
struct Committer {
    store: Store,
    out: Option<JsonLinesSink>,
    wake: SinkWake,
    metrics: Arc<Metrics>,
    written: Written,
}

impl Writer {
    /// Starts the writer with its own connection to the store. Final alerts a crash left
    /// unwritten to `--out` are written first.
    pub fn start(
        store: Store,
        out: Option<JsonLinesSink>,
        wake: SinkWake,
        metrics: Arc<Metrics>,
    ) -> Result<Writer, ServiceError> {
        let mut c = Committer {
            store,
            out,
            wake,
            metrics,
            written: Written::default(),
        };
        c.write_pending_out()?;
        let (tx, rx) = sync_channel(QUEUE);
        let handle = std::thread::Builder::new()
            .name("custodes-store".into())
            .spawn(move || c.run(rx))
            .map_err(ServiceError::Thread)?;
        Ok(Writer {
            tx: Some(tx),
            handle: Some(handle),
        })
    }

    /// Hands a step to the writer, waiting while its queue is full. An error when the
    /// writer has stopped (its error: the store could not write).
    pub fn send(&mut self, step: Step) -> Result<(), ServiceError> {
        let Some(tx) = &self.tx else {
            return Err(self.stopped());
        };
        let step = match tx.try_send(step) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Full(step)) => step,
            Err(TrySendError::Disconnected(_)) => return Err(self.stopped()),
        };
        if tx.send(step).is_err() {
            return Err(self.stopped());
        }
        Ok(())
    }

    /// Whether the writer stopped on an error (checked between steps, so that a store
    /// that cannot write stops the service even while no step is sent).
    pub fn failed(&self) -> bool {
        self.handle.as_ref().is_some_and(JoinHandle::is_finished)
    }

    /// The writer's error once it has stopped.
    pub fn stopped(&mut self) -> ServiceError {
        match self.finish() {
            Err(e) => e,
            Ok(_) => ServiceError::WriterGone,
        }
    }

    /// Waits until every step sent is committed (and its alerts written to `--out`).
    pub fn finish(&mut self) -> Result<Written, ServiceError> {
        self.tx = None;
        match self.handle.take().map(JoinHandle::join) {
            None => Err(ServiceError::WriterGone),
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServiceError::WriterGone),
        }
    }
}

impl Drop for Writer {
    /// On an early return (an error elsewhere), the steps already sent are still committed
    /// before the writer's connection closes.
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Committer {
    fn run(mut self, rx: Receiver<Step>) -> Result<Written, ServiceError> {
        while let Ok(first) = rx.recv() {
            let mut steps = vec![first];
            while steps.len() < MERGE {
                match rx.try_recv() {
                    Ok(s) => steps.push(s),
                    Err(_) => break,
                }
            }
            if let Err(e) = self.commit(&steps) {
                self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                return Err(e);
            }
        }
        if let Some(out) = self.out.as_mut() {
            out.finish().map_err(ServiceError::Out)?;
        }
        Ok(self.written)
    }

    /// Commits steps in order in one transaction; then final alerts go to `--out`.
    fn commit(&mut self, steps: &[Step]) -> Result<(), ServiceError> {
        let out = if self.out.is_some() {
            OutFile::Owed
        } else {
            OutFile::NotUsed
        };
        let mut newly: Vec<&Alert> = Vec::new();
        let mut new_gaps = Vec::new();
        let mut checkpointed = false;
        {
            let batch = self.store.batch()?;
            // One reference data version per resolver (a reload between steps makes two).
            let mut version: Option<(&Arc<Resolver>, i64)> = None;
            for step in steps {
                for (a, finality) in &step.alerts {
                    if batch.alert(a, *finality, out)? {
                        // Owed to the sinks from the step that made it final, so a crash
                        // can neither lose it for them nor queue it twice.
                        batch.queue_for_sinks(&a.alert_id)?;
                        newly.push(a);
                    }
                }
                for r in &step.rejects {
                    batch.reject(r)?;
                }
                for Analysed {
                    event: ev,
                    facts,
                    resolver,
                } in &step.events
                {
                    let refs = match version {
                        Some((r, v)) if Arc::ptr_eq(r, resolver) => v,
                        _ => {
                            let v = batch.refs_version(resolver.fingerprint())?;
                            version = Some((resolver, v));
                            v
                        }
                    };
                    // Written directly: the same text as the contract map's, without
                    // building it.
                    let json = ev.contract_json_text();
                    let ts = format_ts(&ev.ts);
                    batch.event_with(&ev.id, &ts, &ev.user, &json, facts, refs)?;
                }
                for p in &step.progress {
                    batch.progress(&p.source, &p.position)?;
                }
                // Generations before their progress, in the order they were read.
                for g in &step.generations {
                    batch.generation(&g.source, &g.key, &g.record, g.seen)?;
                }
                for r in &step.gen_read {
                    batch.generation_read(&r.source, &r.key, r.offset)?;
                }
                for GapFound {
                    source_index,
                    source,
                    gap: g,
                } in &step.gaps
                {
                    let key = g.id.as_ref().map(file_key).unwrap_or_default();
                    if batch.gap(source, &key, &g.file, g.from, g.to, &g.reason)? {
                        new_gaps.push(*source_index);
                    }
                }
                if let Some(cp) = &step.checkpoint {
                    checkpointed = true;
                    batch.checkpoint(cp)?;
                    if let Ok(r) = serde_json::from_str::<Resume>(&cp.resume) {
                        for (name, sr) in &r.sources {
                            if let Some(f) = sr.resume.file {
                                // A few generations before the checkpoint's stay known, so
                                // that they are not mistaken for new ones.
                                batch.prune_generations(name, &file_key(&f), 50)?;
                            }
                        }
                    }
                }
            }
            batch.commit()?;
        }
        let now = Utc::now().timestamp_millis();
        self.metrics.last_commit_ms.store(now, Ordering::Relaxed);
        if checkpointed {
            self.metrics
                .last_checkpoint_ms
                .store(now, Ordering::Relaxed);
        }
        for s in new_gaps {
            self.metrics.sources[s].gaps.fetch_add(1, Ordering::Relaxed);
        }
        for a in &newly {
            self.metrics.alert(&a.detector, 1);
        }
        self.written.final_alerts += newly.len() as u64;
        if !newly.is_empty() {
            self.wake.all();
        }
        let newly: Vec<Alert> = if out == OutFile::Owed {
            newly.into_iter().cloned().collect()
        } else {
            Vec::new()
        };
        self.write_out(&newly)
    }

    fn write_out(&mut self, alerts: &[Alert]) -> Result<(), ServiceError> {
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        if alerts.is_empty() {
            return Ok(());
        }
        for a in alerts {
            out.write(a).map_err(ServiceError::Out)?;
        }
        out.finish().map_err(ServiceError::Out)?;
        let ids: Vec<String> = alerts.iter().map(|a| a.alert_id.clone()).collect();
        self.store.out_written(&ids)?;
        Ok(())
    }

    /// Final alerts a crash left unwritten to `--out` go out first.
    fn write_pending_out(&mut self) -> Result<(), ServiceError> {
        if self.out.is_none() {
            return Ok(());
        }
        let pending = self.store.out_pending()?;
        if !pending.is_empty() {
            tracing::info!(
                alerts = pending.len(),
                "Writing alerts committed before a crash but not yet written to --out."
            );
        }
        self.write_out(&pending)
    }
}
