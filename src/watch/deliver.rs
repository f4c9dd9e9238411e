//! Delivering final alerts to the sinks named with `watch --sink NAME`: one thread per
//! sink reads what the sink is owed from the store's outbox, sends it one batch at a time,
//! and moves the sink's watermark in the store once the sink acknowledged the batch.
//!
//! The detection thread never waits for a sink: it queues each alert in the outbox in the
//! transaction that makes the alert final and wakes the senders. A sink that is down is
//! retried with exponential backoff (capped at its `backoff_max_ms`) for as long as the
//! service runs, while detection goes on; what it is owed waits in the store, so memory
//! holds one batch per sink however long the outage lasts, and a restart (even after
//! SIGKILL) sends exactly what was not acknowledged. When the sources have ended (`--once`,
//! standard input closed) each sender empties its backlog and gives up only after
//! `max_attempts` failures in a row, which the service reports (exit 2); the alerts stay
//! owed for the next start.
//!
//! This module must not decide which alerts are owed (the pipeline queues them) nor format
//! them (`alert::sink`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::metrics::Metrics;
use super::ServiceError;
use crate::alert::sink::batch::BatchSink;
use crate::alert::sink::config::SinkConfig;
use crate::alert::sink::deliver::backoff;
use crate::alert::Alert;
use crate::store::Store;

/// How often an idle sender looks at the outbox even when nobody woke it (the wake-ups
/// make it prompt; this only bounds what a lost one could cost).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// The senders: built by [`Delivery::build`], running after [`Delivery::spawn`].
pub struct Delivery {
    ready: Vec<Sender>,
    senders: Vec<(String, JoinHandle<Result<(), SenderError>>)>,
    wakes: Vec<Arc<Notify>>,
    finishing: Arc<AtomicBool>,
}

/// Wakes every sender: new alerts were queued.
#[derive(Clone, Default)]
pub(crate) struct SinkWake(Vec<Arc<Notify>>);

impl SinkWake {
    pub fn all(&self) {
        for n in &self.0 {
            n.notify_one();
        }
    }
}

impl Delivery {
    /// Builds every sink (a bad section, a missing token file: an error now, before any
    /// event is read) and registers it in the store. `metrics.sinks` must list the sinks in
    /// the same order.
    pub fn build(
        db: &std::path::Path,
        sinks: &[(String, SinkConfig)],
        metrics: Arc<Metrics>,
        cancel: CancellationToken,
    ) -> Result<Delivery, ServiceError> {
        let finishing = Arc::new(AtomicBool::new(false));
        let mut built = Vec::new();
        for (i, (name, cfg)) in sinks.iter().enumerate() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(ServiceError::Runtime)?;
            let sink = {
                // reqwest's client must be built inside a runtime.
                let _guard = rt.enter();
                BatchSink::build(name, cfg)?
            };
            let mut store = Store::open(db)?;
            let acked = store.sink_register(name)?;
            metrics.sinks[i]
                .backlog
                .store(store.sink_backlog(acked)?, Ordering::Relaxed);
            tracing::info!(sink = %name, kind = sink.kind, backlog = metrics.sinks[i].backlog.load(Ordering::Relaxed), "Sink ready.");
            built.push((i, sink, rt, store, acked));
        }
        let mut ready = Vec::new();
        let mut wakes = Vec::new();
        for (i, sink, rt, store, acked) in built {
            let wake = Arc::new(Notify::new());
            ready.push(Sender {
                index: i,
                sink,
                rt,
                store,
                acked,
                metrics: metrics.clone(),
                wake: wake.clone(),
                finishing: finishing.clone(),
                cancel: cancel.clone(),
            });
            wakes.push(wake);
        }
        Ok(Delivery {
            ready,
            senders: Vec::new(),
            wakes,
            finishing,
        })
    }

    /// Starts a thread per sink.
    pub fn spawn(&mut self) -> Result<(), ServiceError> {
        for s in self.ready.drain(..) {
            let name = s.sink.name.clone();
            let handle = std::thread::Builder::new()
                .name(format!("sink-{}", s.index))
                .spawn(move || s.run())
                .map_err(ServiceError::Runtime)?;
            self.senders.push((name, handle));
        }
        Ok(())
    }

    /// What the pipeline calls after committing new final alerts.
    pub(crate) fn wake(&self) -> SinkWake {
        SinkWake(self.wakes.clone())
    }

    /// The sources have ended: lets each sender empty its backlog (or give up after its
    /// `max_attempts` failures in a row) and returns why each sink that did not failed.
    /// A cancellation (a signal) still stops them at once.
    pub fn finish(self) -> Vec<String> {
        self.finishing.store(true, Ordering::SeqCst);
        self.join()
    }

    /// Waits for every sender to stop (after the cancellation token was cancelled, or in
    /// [`Delivery::finish`]); returns the failures.
    pub fn join(self) -> Vec<String> {
        for w in &self.wakes {
            w.notify_one();
        }
        let mut failed = Vec::new();
        for (name, h) in self.senders {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(why)) => failed.push(why.to_string()),
                Err(_) => failed.push(format!("sink `{name}`: its sender panicked")),
            }
        }
        failed
    }
}

/// Why a sink's sender stopped with alerts still owed (they stay in the store's outbox).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SenderError {
    /// The store's outbox could not be read or its progress written.
    #[error("sink `{sink}`: {source}")]
    Store {
        sink: String,
        #[source]
        source: Box<crate::store::StoreError>,
    },
    /// The sources had ended and the sink failed `max_attempts` times in a row.
    #[error("sink `{sink}`: gave up after {attempts} attempts in a row: {why}; {owed} alert(s) stay owed in the store")]
    GaveUp {
        sink: String,
        attempts: u32,
        why: String,
        owed: u64,
    },
}

/// One sink's sender (runs on a thread of its own, with a small runtime for its I/O).
struct Sender {
    index: usize,
    sink: BatchSink,
    rt: tokio::runtime::Runtime,
    store: Store,
    /// The watermark: every outbox row up to this one was acknowledged.
    acked: i64,
    metrics: Arc<Metrics>,
    wake: Arc<Notify>,
    finishing: Arc<AtomicBool>,
    cancel: CancellationToken,
}

impl Sender {
    fn run(mut self) -> Result<(), SenderError> {
        let result = self.deliver();
        if let Err(why) = &result {
            tracing::error!(sink = %self.sink.name, error = %why, "Sink stopped; its alerts stay owed in the store and are sent at the next start.");
        }
        let backlog = self.metrics.sinks[self.index]
            .backlog
            .load(Ordering::Relaxed);
        if backlog > 0 {
            tracing::info!(sink = %self.sink.name, backlog, "Alerts still owed to the sink; the next start sends them.");
        }
        let Sender { sink, rt, .. } = self;
        rt.block_on(sink.close());
        result
    }

    fn deliver(&mut self) -> Result<(), SenderError> {
        let retry = self.sink.retry();
        let name = self.sink.name.clone();
        let m = &self.metrics.sinks[self.index];
        let mut failed_in_row = 0u32;
        let mut backlog = Backlog::default();
        loop {
            if self.cancel.is_cancelled() {
                return Ok(());
            }
            let store_err = |source: crate::store::StoreError| {
                self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                SenderError::Store {
                    sink: name.clone(),
                    source: Box::new(source),
                }
            };
            let pending = self
                .store
                .sink_pending(self.acked, retry.batch_size.max(1))
                .map_err(store_err)?;
            let backlog = backlog.count(&self.store, self.acked).map_err(store_err)?;
            m.backlog.store(backlog, Ordering::Relaxed);
            if pending.is_empty() {
                if self.finishing.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let (cancel, wake) = (self.cancel.clone(), self.wake.clone());
                self.rt.block_on(async move {
                    tokio::select! {
                        _ = cancel.cancelled() => {}
                        _ = wake.notified() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                    }
                });
                continue;
            }
            let alerts: Vec<Alert> = pending.iter().map(|(_, a)| a.clone()).collect();
            // An attempt in flight is not interrupted by a signal: cut off after the
            // receiver took it, it would be sent again at the next start.
            let sent = self.rt.block_on(self.sink.send(&alerts));
            let taken = match &sent {
                Ok(()) => pending.len(),
                Err(f) => f.taken.min(pending.len()),
            };
            if taken > 0 {
                let upto = pending[taken - 1].0;
                self.store
                    .sink_acked(&name, upto, taken as u64)
                    .map_err(store_err)?;
                self.acked = upto;
                m.delivered.fetch_add(taken as u64, Ordering::Relaxed);
                m.backlog
                    .store(backlog.saturating_sub(taken as u64), Ordering::Relaxed);
            }
            match sent {
                Ok(()) => {
                    if failed_in_row > 0 {
                        tracing::info!(sink = %name, after_failures = failed_in_row, "Sink delivering again.");
                    }
                    failed_in_row = 0;
                }
                Err(f) => {
                    m.failures.fetch_add(1, Ordering::Relaxed);
                    failed_in_row = failed_in_row.saturating_add(1);
                    let finishing = self.finishing.load(Ordering::SeqCst);
                    if finishing && failed_in_row >= retry.max_attempts {
                        return Err(SenderError::GaveUp {
                            sink: name,
                            attempts: failed_in_row,
                            why: f.why.to_string(),
                            owed: backlog.saturating_sub(taken as u64),
                        });
                    }
                    let wait = backoff(
                        failed_in_row,
                        retry.backoff_initial_ms,
                        retry.backoff_max_ms,
                    );
                    if f.retry {
                        tracing::warn!(sink = %name, attempt = failed_in_row, backlog, retry_in_ms = wait.as_millis() as u64, error = %f.why, "Sink did not take the batch; retrying while detection goes on.");
                    } else {
                        tracing::error!(sink = %name, attempt = failed_in_row, backlog, retry_in_ms = wait.as_millis() as u64, error = %f.why, "Sink refused the batch (check its configuration); retrying while detection goes on.");
                    }
                    let cancel = self.cancel.clone();
                    self.rt.block_on(async move {
                        tokio::select! {
                            _ = cancel.cancelled() => {}
                            _ = tokio::time::sleep(wait) => {}
                        }
                    });
                }
            }
        }
    }
}

/// The backlog, counted cheaply. Counting what a sink is owed scans those rows; while a
/// sender catches up on a long backlog it counts them all once a second, and in between
/// takes that count, less the rows delivered since, plus the rows queued since: two scans
/// of what one second moved. Exact either way.
#[derive(Default)]
struct Backlog {
    /// When it was last counted in full, the watermark then, the last sequence number
    /// then, and the count.
    last: Option<(std::time::Instant, i64, i64, u64)>,
}

impl Backlog {
    fn count(&mut self, store: &Store, acked: i64) -> Result<u64, crate::store::StoreError> {
        if let Some((at, then, top, n)) = self.last {
            if at.elapsed() < Duration::from_secs(1) && acked >= then && acked <= top {
                let delivered = store.sink_queued_between(then, acked)?;
                let (queued, _) = store.sink_backlog_top(top)?;
                return Ok(n.saturating_sub(delivered) + queued);
            }
        }
        let (n, top) = store.sink_backlog_top(acked)?;
        self.last = Some((std::time::Instant::now(), acked, top, n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Finality, OutFile};

    fn queue(s: &mut Store, ids: std::ops::Range<u32>) {
        let b = s.batch().unwrap();
        for i in ids {
            let id = format!("a{i}");
            let a = crate::store::tests::alert(&id, &["e1"]);
            b.alert(&a, Finality::Final, OutFile::NotUsed).unwrap();
            b.queue_for_sinks(&id).unwrap();
        }
        b.commit().unwrap();
    }

    #[test]
    fn the_cheap_backlog_count_equals_the_full_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.sink_register("hook").unwrap();
        let mut b = Backlog::default();
        queue(&mut s, 0..50);
        assert_eq!(b.count(&s, 0).unwrap(), 50);
        // Within the second: delivered 20, 7 more queued, then 30 delivered, 3 queued.
        queue(&mut s, 50..57);
        assert_eq!(b.count(&s, 20).unwrap(), s.sink_backlog(20).unwrap());
        assert_eq!(b.count(&s, 20).unwrap(), 37);
        queue(&mut s, 57..60);
        assert_eq!(b.count(&s, 50).unwrap(), 10);
        // Past the top of the full count: counted in full again.
        assert_eq!(b.count(&s, 58).unwrap(), 2);
        assert_eq!(b.count(&s, 60).unwrap(), 0);
    }
}
