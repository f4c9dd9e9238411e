//! What `custodes watch` owes its sinks: an outbox of final alerts in the order they became
//! final (one sequence number each), and per sink the last sequence number it acknowledged.
//!
//! An alert enters the outbox in the same transaction that makes it final
//! ([`Batch::queue_for_sinks`]), so an alert is never final without being owed to the sinks,
//! and a replay after a crash (which never makes a final alert final again) never queues it
//! twice. A sink's watermark moves only after the sink acknowledged (an HTTP 2xx, a file
//! synced, bytes the kernel took for a syslog connection), so a restart re-sends exactly what
//! was not acknowledged. The backlog lives here, not in memory: a sink that is down for a week
//! costs disk, never RAM.
//!
//! This module keeps sequence numbers and alert ids only; it must not decide which alerts
//! are final (the service does) nor talk to any sink (`alert::sink::batch` does). Rows are
//! never deleted: one row per final alert is small beside the alert itself, and a sink
//! named again after months still finds what it is owed.

use rusqlite::params;

use super::{now_text, Batch, Store, StoreError};
use crate::alert::Alert;

/// Version 5: the sinks' outbox and their acknowledged watermarks.
pub(super) const SCHEMA_V5: &str = "
CREATE TABLE IF NOT EXISTS sink_outbox (
    -- The order in which alerts became final; sinks receive them in this order.
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id  TEXT NOT NULL UNIQUE REFERENCES alerts (alert_id),
    queued_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sink_progress (
    -- The [sinks.NAME] of the configuration.
    sink       TEXT PRIMARY KEY,
    -- Every outbox row up to this one was acknowledged by the sink.
    acked_seq  INTEGER NOT NULL,
    -- Alerts acknowledged, over all runs.
    delivered  INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
";

impl Batch<'_> {
    /// Owes a final alert to every sink (committed with the step that made it final). An
    /// alert already queued keeps its place.
    pub(crate) fn queue_for_sinks(&self, alert_id: &str) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO sink_outbox (alert_id, queued_at) VALUES (?1, ?2)",
            )
            .map_err(self.sql("queueing an alert for the sinks"))?;
        stmt.execute(params![alert_id, now_text()])
            .map_err(self.sql("queueing an alert for the sinks"))?;
        Ok(())
    }
}

impl Store {
    /// The sink's watermark. A sink the store has never seen starts at the end of the
    /// outbox: it receives the alerts made final from now on, not the store's whole past.
    pub(crate) fn sink_register(&mut self, sink: &str) -> Result<i64, StoreError> {
        let doing = "registering a sink";
        let b = self.batch()?;
        b.tx.execute(
            "INSERT OR IGNORE INTO sink_progress (sink, acked_seq, first_seen, updated_at)
             VALUES (?1, (SELECT coalesce(max(seq), 0) FROM sink_outbox), ?2, ?2)",
            params![sink, now_text()],
        )
        .map_err(b.sql(doing))?;
        let acked =
            b.tx.query_row(
                "SELECT acked_seq FROM sink_progress WHERE sink = ?1",
                [sink],
                |r| r.get(0),
            )
            .map_err(b.sql(doing))?;
        b.commit()?;
        Ok(acked)
    }

    /// Up to `limit` alerts after `after`, in outbox order, with their sequence numbers.
    pub(crate) fn sink_pending(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Alert)>, StoreError> {
        let doing = "reading the sinks' outbox";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT o.seq, o.alert_id, a.alert FROM sink_outbox o
                 JOIN alerts a ON a.alert_id = o.alert_id
                 WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2",
            )
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map(params![after, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql(doing))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, id, text) = row.map_err(self.sql(doing))?;
            let alert = serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
                path: self.path.clone(),
                alert_id: id,
                message: e.to_string(),
            })?;
            out.push((seq, alert));
        }
        Ok(out)
    }

    /// Alerts owed to a sink whose watermark is `after`.
    pub(crate) fn sink_backlog(&self, after: i64) -> Result<u64, StoreError> {
        self.sink_backlog_top(after).map(|(n, _)| n)
    }

    /// Alerts queued after `after`, and the last sequence number among them (`after` when
    /// there are none).
    pub(crate) fn sink_backlog_top(&self, after: i64) -> Result<(u64, i64), StoreError> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(max(seq), ?1) FROM sink_outbox WHERE seq > ?1",
                [after],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .map(|(n, top)| (n.max(0) as u64, top))
            .map_err(self.sql("counting the sinks' outbox"))
    }

    /// Alerts queued with sequence numbers in `(after, upto]`.
    pub(crate) fn sink_queued_between(&self, after: i64, upto: i64) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM sink_outbox WHERE seq > ?1 AND seq <= ?2",
                [after, upto],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(self.sql("counting the sinks' outbox"))
    }

    /// Records that the sink acknowledged every alert up to `seq` (`n` of them new). The
    /// watermark never moves back.
    pub(crate) fn sink_acked(&mut self, sink: &str, seq: i64, n: u64) -> Result<(), StoreError> {
        let b = self.batch()?;
        b.tx.execute(
            "UPDATE sink_progress SET acked_seq = max(acked_seq, ?2),
                delivered = delivered + ?3, updated_at = ?4 WHERE sink = ?1",
            params![sink, seq, n as i64, now_text()],
        )
        .map_err(b.sql("recording a sink's acknowledgement"))?;
        b.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::alert;
    use super::*;
    use crate::store::{Finality, OutFile};

    #[test]
    fn a_sink_gets_what_was_queued_after_it_was_first_seen_until_it_acknowledges() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let b = s.batch().unwrap();
        assert!(b
            .alert(&alert("old", &["e0"]), Finality::Final, OutFile::NotUsed)
            .unwrap());
        b.queue_for_sinks("old").unwrap();
        b.commit().unwrap();
        // Named for the first time now: "old" is not its business.
        assert_eq!(s.sink_register("hook").unwrap(), 1);
        let b = s.batch().unwrap();
        for id in ["a1", "a2", "a3"] {
            assert!(b
                .alert(&alert(id, &["e1"]), Finality::Final, OutFile::NotUsed)
                .unwrap());
            b.queue_for_sinks(id).unwrap();
        }
        // Queued twice (a replay): one row.
        b.queue_for_sinks("a2").unwrap();
        b.commit().unwrap();
        assert_eq!(s.sink_backlog(1).unwrap(), 3);
        let first = s.sink_pending(1, 2).unwrap();
        let ids: Vec<&str> = first.iter().map(|(_, a)| a.alert_id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2"]);
        s.sink_acked("hook", first[1].0, 2).unwrap();
        // Registering again (a restart) keeps the watermark.
        let acked = s.sink_register("hook").unwrap();
        assert_eq!(acked, first[1].0);
        let rest = s.sink_pending(acked, 10).unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].1.alert_id, "a3");
        assert_eq!(s.sink_backlog(acked).unwrap(), 1);
        // The watermark never moves back.
        s.sink_acked("hook", 1, 0).unwrap();
        assert_eq!(s.sink_register("hook").unwrap(), acked);
    }

    #[test]
    fn an_uncommitted_step_queues_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.sink_register("hook").unwrap();
        {
            let b = s.batch().unwrap();
            b.alert(&alert("a1", &["e1"]), Finality::Final, OutFile::NotUsed)
                .unwrap();
            b.queue_for_sinks("a1").unwrap();
        }
        assert_eq!(s.sink_backlog(0).unwrap(), 0);
    }
}
