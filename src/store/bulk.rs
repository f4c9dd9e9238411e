//! Loading many events at once (`custodes audit --db`): each event with what the detectors
//! made of it and its lookup-index keys, computed by the caller, so that the store never
//! reads its own events back to index them.
//!
//! Events are committed chunk by chunk, one transaction each, as before. Their keys are
//! staged in a temporary table of this connection and written to `event_keys` in key order
//! by [`BulkLoad::finish`], in one transaction with the index's mark (`event_keys_done`):
//! inserting millions of keys in arrival order touches index pages at random and cost most
//! of a large audit's time. The mark moves only past events whose keys are in
//! `event_keys`, and only over a run of rowids this load inserted without a gap, so a crash
//! (the staged keys are lost with the connection), another writer's events in between, or
//! events already there leave the rest to `crate::lookups::index_store`, which reads them
//! back as it always did. It must not mark an event indexed whose keys are not stored.

use rusqlite::params;

use super::{EventFacts, Store, StoreError};

/// An event as a bulk load stores it.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    /// RFC 3339, UTC (`crate::event::format_ts`).
    pub ts: String,
    pub user: String,
    /// The contract JSON.
    pub json: String,
    pub facts: EventFacts,
    /// `crate::lookups::event_keys` of the event.
    pub keys: Vec<String>,
}

/// A load in progress on one connection (see the module's documentation).
pub struct BulkLoad<'s> {
    store: &'s mut Store,
    /// `refs_versions.fingerprint` the events' facts were computed from.
    fingerprint: String,
    /// The lookup index's mark when the load started.
    upto: i64,
    /// Every event up to this rowid is indexed once the staged keys are written: the
    /// mark at the start followed by the events of this load without a gap.
    indexed_to: i64,
    /// Set when an event of the load did not follow `indexed_to` (something else was
    /// stored in between, or events stored before were not all indexed): the mark stops
    /// there.
    gap: bool,
}

/// The temporary table of staged keys. A temporary table lives in the connection's own
/// temporary database: it is not part of the store and never reaches another connection.
const STAGE: &str = "
CREATE TEMP TABLE IF NOT EXISTS staged_keys (
    event_id TEXT NOT NULL,
    -- The event's keys as a JSON array of strings: one row per event, not per key.
    keys     TEXT NOT NULL
);
DELETE FROM temp.staged_keys;
";

impl Store {
    /// Starts a bulk load of events whose facts were computed from reference data and
    /// settings `fingerprint` (`crate::identity::Resolver::fingerprint`).
    pub fn bulk_load(&mut self, fingerprint: &str) -> Result<BulkLoad<'_>, StoreError> {
        let doing = "starting to store events";
        self.conn.execute_batch(STAGE).map_err(self.sql(doing))?;
        // The mark can only follow this load if every event stored so far is indexed.
        let (upto, max): (i64, i64) = self
            .conn
            .query_row(
                "SELECT coalesce((SELECT upto FROM event_keys_done WHERE id = 1), 0),
                        coalesce((SELECT max(rowid) FROM events), 0)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.sql(doing))?;
        Ok(BulkLoad {
            store: self,
            fingerprint: fingerprint.to_string(),
            upto,
            indexed_to: upto.min(max),
            gap: upto < max,
        })
    }
}

impl BulkLoad<'_> {
    /// Stores a chunk of events in one transaction; an id already stored is left alone
    /// (its keys were staged by the load that stored it, or are read back by
    /// `index_store`).
    pub fn write(&mut self, events: &[NewEvent]) -> Result<(), StoreError> {
        let (mut indexed_to, mut gap) = (self.indexed_to, self.gap);
        let batch = self.store.batch()?;
        let refs = batch.refs_version(&self.fingerprint)?;
        {
            let mut stage = batch
                .tx
                .prepare_cached("INSERT INTO temp.staged_keys (event_id, keys) VALUES (?1, ?2)")
                .map_err(batch.sql("staging lookup keys"))?;
            for e in events {
                let Some(rowid) =
                    batch.event_with(&e.id, &e.ts, &e.user, &e.json, &e.facts, refs)?
                else {
                    continue;
                };
                if !gap && rowid == indexed_to + 1 {
                    indexed_to = rowid;
                } else {
                    gap = true;
                }
                if !e.keys.is_empty() {
                    // A list of strings always serialises.
                    let keys = serde_json::to_string(&e.keys).unwrap_or_default();
                    stage
                        .execute(params![e.id, keys])
                        .map_err(batch.sql("staging lookup keys"))?;
                }
            }
        }
        batch.commit()?;
        (self.indexed_to, self.gap) = (indexed_to, gap);
        Ok(())
    }

    /// Writes the staged keys to the lookup index in key order and moves its mark past the
    /// events of this load that follow the last indexed one without a gap, in one
    /// transaction. Returns how many keys were added to the index.
    pub fn finish(self) -> Result<u64, StoreError> {
        let doing = "writing the lookup index";
        let batch = self.store.batch()?;
        let added = batch
            .tx
            .execute(
                "INSERT OR IGNORE INTO event_keys (key, event_id)
                 SELECT k.value, s.event_id FROM temp.staged_keys s, json_each(s.keys) k
                 ORDER BY 1, 2",
                [],
            )
            .map_err(batch.sql(doing))?;
        // Written only when it moves, as `index_store` does.
        if self.indexed_to > self.upto {
            batch
                .tx
                .execute(
                    "INSERT INTO event_keys_done (id, upto) VALUES (1, ?1)
                     ON CONFLICT (id) DO UPDATE SET upto = max(upto, excluded.upto)",
                    [self.indexed_to],
                )
                .map_err(batch.sql(doing))?;
        }
        batch.commit()?;
        self.store
            .conn
            .execute_batch("DROP TABLE IF EXISTS temp.staged_keys")
            .map_err(self.store.sql(doing))?;
        Ok(added as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> EventFacts {
        EventFacts {
            case_status: "missing",
            case_ref: None,
            name_sharing: None,
        }
    }

    /// An event looking up person `pid`, with the keys `lookups::event_keys` gives it.
    fn event(store: &Store, id: &str, pid: &str) -> NewEvent {
        let json = format!(
            r#"{{"id":"{id}","ts":"2024-05-01T08:00:00Z","user":"u1","subject_person_id":"{pid}"}}"#
        );
        let ev = crate::lookups::stored_event(store, id, &json).unwrap();
        NewEvent {
            id: id.into(),
            ts: "2024-05-01T08:00:00Z".into(),
            user: "u1".into(),
            keys: crate::lookups::event_keys(&ev),
            json,
            facts: facts(),
        }
    }

    fn keys(store: &Store) -> Vec<(String, String)> {
        let mut stmt = store
            .conn
            .prepare("SELECT key, event_id FROM event_keys ORDER BY key, event_id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn mark(store: &Store) -> Option<i64> {
        store
            .conn
            .query_row("SELECT upto FROM event_keys_done WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, e)| (k.to_string(), e.to_string()))
            .collect()
    }

    use rusqlite::OptionalExtension;

    #[test]
    fn a_load_indexes_its_events_and_moves_the_mark() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let (a, b, c) = (
            event(&s, "e1", "P1"),
            event(&s, "e2", "P2"),
            event(&s, "e3", "P1"),
        );
        let mut load = s.bulk_load("refs x").unwrap();
        load.write(&[a.clone(), b]).unwrap();
        // An id stored already is left alone, and so are its keys.
        load.write(&[c, a]).unwrap();
        assert_eq!(load.finish().unwrap(), 3);
        assert_eq!(
            keys(&s),
            pairs(&[("pid:P1", "e1"), ("pid:P1", "e3"), ("pid:P2", "e2")])
        );
        assert_eq!(mark(&s), Some(3));
        // Nothing is left for the index to read back.
        assert_eq!(crate::lookups::index_store(&mut s).unwrap(), 0);
        let temp: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM temp.sqlite_master WHERE name = 'staged_keys'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(temp, 0);
    }

    #[test]
    fn a_load_that_never_finishes_leaves_its_events_to_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let (a, b) = (event(&s, "e1", "P1"), event(&s, "e2", "P2"));
        {
            let mut load = s.bulk_load("refs x").unwrap();
            load.write(&[a, b]).unwrap();
            // Dropped unfinished, as by a crash: the events are committed, their keys not.
        }
        assert!(keys(&s).is_empty());
        assert_eq!(mark(&s), None);
        assert_eq!(crate::lookups::index_store(&mut s).unwrap(), 2);
        assert_eq!(keys(&s), pairs(&[("pid:P1", "e1"), ("pid:P2", "e2")]));
        assert_eq!(mark(&s), Some(2));
    }

    #[test]
    fn another_writers_event_stops_the_mark_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.db");
        let mut s = Store::open(&p).unwrap();
        let mut other = Store::open(&p).unwrap();
        let (a, b, x) = (
            event(&s, "e1", "P1"),
            event(&s, "e2", "P2"),
            event(&s, "x", "P3"),
        );
        let mut load = s.bulk_load("refs x").unwrap();
        load.write(&[a]).unwrap();
        // `watch` stores an event without keys in between.
        let batch = other.batch().unwrap();
        batch
            .event_with(&x.id, &x.ts, &x.user, &x.json, &x.facts, 1)
            .unwrap();
        batch.commit().unwrap();
        load.write(&[b]).unwrap();
        load.finish().unwrap();
        assert_eq!(mark(&s), Some(1));
        assert_eq!(keys(&s), pairs(&[("pid:P1", "e1"), ("pid:P2", "e2")]));
        // The index reads back what follows the mark, the load's event again included.
        assert_eq!(crate::lookups::index_store(&mut s).unwrap(), 2);
        assert_eq!(
            keys(&s),
            pairs(&[("pid:P1", "e1"), ("pid:P2", "e2"), ("pid:P3", "x")])
        );
        assert_eq!(mark(&s), Some(3));
    }
}
