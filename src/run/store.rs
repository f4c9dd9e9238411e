//! What a batch audit owes the alert store (`audit --db`): every event with what the
//! detectors made of it, written in chunks by a thread with a connection of its own while
//! detection goes on; the final alerts in one step at the end (after the alert file,
//! before the state); the store's exception rules, and how many alerts each hid; the run's
//! figures, logins and lookup index.
//!
//! It must not decide which alerts exist: it is told them, after detection.

use std::path::Path;
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

use crate::alert::Alert;
use crate::event::Event;
use crate::identity::{Resolved, Resolver};
use crate::store::bulk::NewEvent;
use crate::store::workbench::Exception;
use crate::store::{Finality, OutFile, Store, StoreError};

use super::RunError;

/// The store side of an audit (see the module's documentation).
pub(crate) struct StoreRun {
    store: Store,
    events: Vec<NewEvent>,
    /// Chunks of events for the writer thread, and the thread (joined by `finish`).
    to_writer: Option<SyncSender<Vec<NewEvent>>>,
    writer: Option<JoinHandle<Result<(), StoreError>>>,
    alerts: Vec<Alert>,
    /// The store's active exception rules, and how many alerts each hid in this run.
    rules: Vec<(Exception, u64)>,
}

impl StoreRun {
    const CHUNK: usize = 10_000;

    /// Opens the store at `path` and starts its writer thread; events are stored with the
    /// case status computed from `resolver`'s reference data and settings.
    pub fn open(path: &Path, resolver: &Resolver) -> Result<Self, RunError> {
        let store = Store::open(path)?;
        let rules = store
            .exceptions()?
            .into_iter()
            .filter(|r| r.revoked_at.is_none())
            .map(|r| (r, 0))
            .collect();
        // Events go to the store on a thread of their own, with its own connection:
        // inserting them must not hold up detection.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<NewEvent>>(2);
        let mut writer_store = Store::open(path)?;
        // Events stored earlier without lookup keys (`watch`, a crash) are indexed first,
        // so that the keys this run computes can complete the index.
        crate::lookups::index_store(&mut writer_store)?;
        // What each event's recorded case status was computed from, for searches that read
        // it back (`lookups --db`).
        let fingerprint = resolver.fingerprint().to_string();
        let writer = std::thread::spawn(move || -> Result<(), StoreError> {
            let mut load = writer_store.bulk_load(&fingerprint)?;
            for chunk in rx {
                load.write(&chunk)?;
            }
            load.finish()?;
            Ok(())
        });
        Ok(Self {
            store,
            events: Vec::new(),
            to_writer: Some(tx),
            writer: Some(writer),
            alerts: Vec::new(),
            rules,
        })
    }

    /// The event as the store keeps it: id, time, login, contract JSON, its case status
    /// and name statistics as resolved, and its lookup-index keys. Made on a worker thread
    /// in the batch audit.
    pub fn stored(ev: &Event, resolver: &Resolver, resolved: &Resolved<'_>) -> NewEvent {
        NewEvent {
            id: ev.id.to_string(),
            ts: crate::event::format_ts(&ev.ts),
            user: ev.user.to_string(),
            json: ev.contract_json_text(),
            facts: crate::lookups::event_facts(resolver, resolved),
            keys: crate::lookups::resolved_event_keys(ev, resolved),
        }
    }

    pub fn event(&mut self, stored: NewEvent) -> Result<(), RunError> {
        self.events.push(stored);
        if self.events.len() >= Self::CHUNK {
            self.flush_events()?;
        }
        Ok(())
    }

    /// Whether an exception rule of the store hides `a`; counted per rule.
    pub fn hides(&mut self, a: &Alert) -> bool {
        let hit = self
            .rules
            .iter_mut()
            .find(|(r, _)| crate::alert::suppress::hides(r, a));
        match hit {
            Some((_, n)) => {
                *n += 1;
                true
            }
            None => false,
        }
    }

    /// Keeps a final alert, written at [`StoreRun::finish`].
    pub fn alert(&mut self, a: Alert) {
        self.alerts.push(a);
    }

    fn flush_events(&mut self) -> Result<(), RunError> {
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
    fn join_writer(&mut self) -> Result<(), RunError> {
        self.to_writer = None;
        match self.writer.take().map(JoinHandle::join) {
            None => Ok(()),
            Some(Ok(result)) => result.map_err(RunError::StoreEvents),
            Some(Err(_)) => Err(RunError::WriterFailed),
        }
    }

    /// Stores the last events, then the final alerts in one step.
    pub fn finish(&mut self) -> Result<(), RunError> {
        self.flush_events()?;
        self.join_writer()?;
        let batch = self.store.batch()?;
        for a in &self.alerts {
            batch.alert(a, Finality::Final, OutFile::NotUsed)?;
        }
        batch.commit()?;
        Ok(())
    }

    /// After the run: its figures, the lookup index brought up to date (so that a search
    /// of the store reads no event twice) and the logins of the personnel table. Returns
    /// the note on alerts hidden by exception rules, if any were.
    pub fn close(
        &mut self,
        events_read: u64,
        stats: &crate::summary::RunStats,
        resolver: &Resolver,
    ) -> Result<Option<String>, RunError> {
        let hidden: Vec<String> = self
            .rules
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("#{} ({}, owner {}): {n}", r.id, r.reason, r.owner))
            .collect();
        self.store
            .put_run(events_read, stats.lookups, stats.explained)?;
        crate::lookups::index_store(&mut self.store)?;
        let personnel = resolver.personnel_rows();
        self.store.put_logins(personnel.iter().map(|p| {
            (
                p.user.as_str(),
                Some(p.employee_id.as_str()),
                p.unit.as_deref(),
            )
        }))?;
        Ok((!hidden.is_empty()).then(|| {
            format!(
                "alerts suppressed by exception rules of the store: {}",
                hidden.join("; ")
            )
        }))
    }
}
