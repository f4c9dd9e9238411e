//! Loading many events at once (`custodes audit --db`): each event with what the detectors
//! made of it and its lookup-index keys, computed by the caller, so that the store never
//! reads its own events back to index them.
//!
//! Events are committed chunk by chunk, one transaction each, as before. Their keys are
//! staged in memory ([`Staged`]: each distinct key once, each event id once, a pair of
//! numbers per key of an event) and written to `event_keys` in key order by
//! [`BulkLoad::finish`], in one transaction with the index's mark (`event_keys_done`):
//! inserting millions of keys in arrival order touches index pages at random and cost most
//! of a large audit's time, and staging them in a temporary table cost a quarter of the
//! writer's time again. The mark moves only past events whose keys are in
//! `event_keys`, and only over a run of rowids this load inserted without a gap, so a crash
//! (the staged keys are lost with the process), another writer's events in between, or
//! events already there leave the rest to `crate::lookups::index_store`, which reads them
//! back as it always did. It must not mark an event indexed whose keys are not stored.

use rusqlite::params;

use super::{EventFacts, Store, StoreError};

/// An event as a bulk load stores it.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
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
pub(crate) struct BulkLoad<'s> {
    store: &'s mut Store,
    /// `refs_versions.fingerprint` the events' facts were computed from.
    fingerprint: String,
    /// The lookup index's mark when the load started.
    upto: i64,
    /// Every event up to this rowid is indexed once the staged keys are written: the
    /// mark at the start followed by the events of this load without a gap.
    indexed_to: i64,
    staged: Staged,
    /// Set when an event of the load did not follow `indexed_to` (something else was
    /// stored in between, or events stored before were not all indexed): the mark stops
    /// there.
    gap: bool,
    /// The store held no events when the load started: the index of events by login was
    /// dropped, to be made once from every row at [`BulkLoad::finish`] rather than kept up
    /// row by row (a third of the writer's time), and made again by `Store::open` if the
    /// load never finishes.
    index_at_end: bool,
}

/// Lookup keys waiting for [`BulkLoad::finish`]: about 8 bytes per key of an event, plus
/// each distinct key and each event id once (tens of megabytes for millions of events).
#[derive(Debug, Default)]
struct Staged {
    /// Each distinct key, numbered in order of first appearance.
    numbers: rustc_hash::FxHashMap<Box<str>, u32>,
    keys: Vec<Box<str>>,
    /// Event ids, numbered in the order they were staged.
    ids: crate::event::EventIds,
    /// (key number, event number), one per key of an event.
    pairs: Vec<(u32, u32)>,
}

impl Staged {
    /// Stages the keys of event `id`; `false` when the load holds more keys or events than
    /// it can number (four thousand million), and stages nothing.
    fn add(&mut self, id: &str, keys: &[String]) -> bool {
        let Ok(event) = u32::try_from(self.ids.len()) else {
            return false;
        };
        if u32::try_from(self.keys.len() + keys.len()).is_err() {
            return false;
        }
        self.ids.push(id);
        for k in keys {
            let key = match self.numbers.get(k.as_str()) {
                Some(n) => *n,
                None => {
                    // Checked above: fewer keys than u32::MAX.
                    let n = self.keys.len() as u32;
                    self.numbers.insert(k.as_str().into(), n);
                    self.keys.push(k.as_str().into());
                    n
                }
            };
            self.pairs.push((key, event));
        }
        true
    }

    fn id(&self, event: u32) -> &str {
        // Every event number was handed out by `add`.
        self.ids.get(event as usize).unwrap_or_default()
    }

    /// The pairs in the index's order: by key, then event id, bytewise (SQLite's BINARY
    /// collation and `str`'s order). A counting sort by key, linear in the pairs, then
    /// each key's events sorted by id where they were not staged in that order.
    fn sorted(mut self) -> (Self, Vec<(u32, u32)>) {
        let mut by_name: Vec<u32> = (0..self.keys.len() as u32).collect();
        by_name.sort_unstable_by(|a, b| self.keys[*a as usize].cmp(&self.keys[*b as usize]));
        // start[k]: where key k's pairs begin in the sorted list.
        let mut count = vec![0usize; self.keys.len()];
        for (k, _) in &self.pairs {
            count[*k as usize] += 1;
        }
        let mut start = vec![0usize; self.keys.len()];
        let mut at = 0;
        for k in by_name {
            start[k as usize] = at;
            at += count[k as usize];
        }
        let mut sorted = vec![(0u32, 0u32); self.pairs.len()];
        for p in std::mem::take(&mut self.pairs) {
            let slot = &mut start[p.0 as usize];
            sorted[*slot] = p;
            *slot += 1;
        }
        // Each key's events by id, as the index holds them, so that an index that starts
        // empty is written by appending; they are usually staged in that order already.
        let mut from = 0;
        while from < sorted.len() {
            let key = sorted[from].0;
            let to = from + count[key as usize];
            let group = &mut sorted[from..to];
            if group.windows(2).any(|w| self.id(w[0].1) > self.id(w[1].1)) {
                group.sort_unstable_by(|a, b| self.id(a.1).cmp(self.id(b.1)));
            }
            from = to;
        }
        self.numbers = Default::default();
        (self, sorted)
    }
}

/// Settings of this connection while it loads, put back by [`BulkLoad::finish`]. Events
/// stored by a load can be stored again from their logs (an id already stored is left
/// alone), so a commit need not reach the disk before the next one begins: NORMAL, in WAL
/// mode, syncs at checkpoints only; a power cut can lose the last commits, never corrupt
/// the store. Checkpoints every 64 MiB of log rather than 4 MiB copy each hot index page
/// to the store once per checkpoint instead of once per commit.
const LOADING: &str =
    "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 16384; PRAGMA cache_size = -32768;";
/// Rows of `event_keys` written by one statement in [`BulkLoad::finish`] (128 parameters,
/// far below SQLite's limit of 32,766).
const KEYS_PER_STATEMENT: usize = 64;

const LOADED: &str =
    "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -2000;";

impl Store {
    /// Starts a bulk load of events whose facts were computed from reference data and
    /// settings `fingerprint` (`crate::identity::Resolver::fingerprint`).
    pub(crate) fn bulk_load(&mut self, fingerprint: &str) -> Result<BulkLoad<'_>, StoreError> {
        let doing = "starting to store events";
        self.conn.execute_batch(LOADING).map_err(self.sql(doing))?;
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
        let index_at_end = max == 0;
        if index_at_end {
            self.conn
                .execute_batch("DROP INDEX IF EXISTS events_by_user;")
                .map_err(self.sql(doing))?;
        }
        Ok(BulkLoad {
            store: self,
            fingerprint: fingerprint.to_string(),
            upto,
            indexed_to: upto.min(max),
            gap: upto < max,
            staged: Staged::default(),
            index_at_end,
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
        let mut stage = Vec::new();
        for e in events {
            let Some(rowid) = batch.event_with(&e.id, &e.ts, &e.user, &e.json, &e.facts, refs)?
            else {
                continue;
            };
            if !gap && rowid == indexed_to + 1 {
                indexed_to = rowid;
            } else {
                gap = true;
            }
            if !e.keys.is_empty() {
                stage.push((e, rowid));
            }
        }
        batch.commit()?;
        for (e, rowid) in stage {
            if !self.staged.add(&e.id, &e.keys) {
                // Too many to number: the mark stops before this event, whose keys (and
                // those of every later event) `index_store` reads back.
                gap = true;
                indexed_to = indexed_to.min(rowid - 1);
                break;
            }
        }
        (self.indexed_to, self.gap) = (indexed_to, gap);
        Ok(())
    }

    /// Writes the staged keys to the lookup index in key order and moves its mark past the
    /// events of this load that follow the last indexed one without a gap, in one
    /// transaction. Returns how many keys were added to the index.
    pub fn finish(self) -> Result<u64, StoreError> {
        let doing = "writing the lookup index";
        let (staged, pairs) = self.staged.sorted();
        let batch = self.store.batch()?;
        let mut added = 0;
        {
            let mut insert = batch
                .tx
                .prepare_cached("INSERT OR IGNORE INTO event_keys (key, event_id) VALUES (?1, ?2)")
                .map_err(batch.sql(doing))?;
            // Sixty-four rows a statement: the index is written after every event, with
            // nothing else left to overlap it, and one statement a row spent as long
            // binding, stepping and resetting as SQLite spent in the index (3.6 s of a
            // 2.4 M-event audit's 4.4 M keys; 2.1 s so).
            let many = format!(
                "INSERT OR IGNORE INTO event_keys (key, event_id) VALUES {}",
                vec!["(?, ?)"; KEYS_PER_STATEMENT].join(", ")
            );
            let mut insert_many = batch.tx.prepare(&many).map_err(batch.sql(doing))?;
            let mut chunks = pairs.chunks_exact(KEYS_PER_STATEMENT);
            for chunk in &mut chunks {
                for (i, (key, event)) in chunk.iter().enumerate() {
                    insert_many
                        .raw_bind_parameter(2 * i + 1, &*staged.keys[*key as usize])
                        .map_err(batch.sql(doing))?;
                    insert_many
                        .raw_bind_parameter(2 * i + 2, staged.id(*event))
                        .map_err(batch.sql(doing))?;
                }
                added += insert_many.raw_execute().map_err(batch.sql(doing))?;
            }
            for (key, event) in chunks.remainder() {
                added += insert
                    .execute(params![&*staged.keys[*key as usize], staged.id(*event)])
                    .map_err(batch.sql(doing))?;
            }
        }
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
        if self.index_at_end {
            batch
                .tx
                .execute_batch(super::EVENTS_BY_USER)
                .map_err(batch.sql("making the index of events by login"))?;
        }
        batch.commit()?;
        self.store
            .conn
            .execute_batch(LOADED)
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

    /// Every staged pair comes out once, in the order SQLite's index holds them.
    fn naive(events: &[(String, Vec<String>)]) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = events
            .iter()
            .flat_map(|(id, keys)| keys.iter().map(move |k| (k.clone(), id.clone())))
            .collect();
        all.sort();
        all
    }

    fn staged_order(events: &[(String, Vec<String>)]) -> Vec<(String, String)> {
        let mut staged = Staged::default();
        for (id, keys) in events {
            assert!(staged.add(id, keys));
        }
        let (staged, pairs) = staged.sorted();
        pairs
            .into_iter()
            .map(|(k, e)| {
                (
                    staged.keys[k as usize].to_string(),
                    staged.id(e).to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn staged_keys_come_out_by_key_then_event_id_bytewise() {
        let events = vec![
            (
                "e9".to_string(),
                vec!["pid:P2".to_string(), "name:ÉMILE".into()],
            ),
            ("e10".to_string(), vec!["pid:P2".to_string()]),
            (
                "e1".to_string(),
                vec!["name:EMILE".to_string(), "pid:P2".into()],
            ),
        ];
        assert_eq!(
            staged_order(&events),
            pairs(&[
                ("name:EMILE", "e1"),
                ("name:ÉMILE", "e9"),
                ("pid:P2", "e1"),
                ("pid:P2", "e10"),
                ("pid:P2", "e9"),
            ])
        );
    }

    proptest::proptest! {
        #[test]
        fn staged_order_is_the_index_order(
            events in proptest::collection::vec(
                ("[a-c]{1,3}", proptest::collection::vec("[a-dÉ:]{0,4}", 0..4)),
                0..40,
            )
        ) {
            proptest::prop_assert_eq!(staged_order(&events), naive(&events));
        }
    }

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
        // The connection commits durably again once the load is over.
        let sync: i64 = s
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
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

    /// More keys than one statement writes, and a remainder: every pair stored once, the
    /// count of those added exact, keys already in the index left alone.
    #[test]
    fn keys_written_many_to_a_statement_are_all_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        // One key already indexed, as by an earlier `index_store`.
        s.conn
            .execute_batch("INSERT INTO event_keys (key, event_id) VALUES ('pid:P3', 'e003')")
            .unwrap();
        let n = 2 * KEYS_PER_STATEMENT + 7;
        let events: Vec<NewEvent> = (0..n)
            .map(|i| event(&s, &format!("e{i:03}"), &format!("P{}", i % 5)))
            .collect();
        let mut load = s.bulk_load("refs x").unwrap();
        load.write(&events).unwrap();
        assert_eq!(load.finish().unwrap(), n as u64 - 1);
        let mut want: Vec<(String, String)> = (0..n)
            .map(|i| (format!("pid:P{}", i % 5), format!("e{i:03}")))
            .collect();
        want.sort();
        assert_eq!(keys(&s), want);
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

    /// Whether the store has the index of events by login.
    fn has_events_by_user(s: &Store) -> bool {
        s.conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'events_by_user'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    }

    /// A load into an empty store makes the index of events by login at its end; one that
    /// never ends leaves the store without it until the store is next opened. A load into
    /// a store with events keeps the index up row by row.
    #[test]
    fn the_index_by_login_is_made_at_the_end_of_a_load_into_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.db");
        let mut s = Store::open(&p).unwrap();
        assert!(has_events_by_user(&s));
        let (a, b) = (event(&s, "e1", "P1"), event(&s, "e2", "P2"));
        {
            let mut load = s.bulk_load("refs x").unwrap();
            load.write(&[a]).unwrap();
            // Dropped unfinished, as by a crash.
        }
        assert!(!has_events_by_user(&s));
        let mut s = Store::open(&p).unwrap();
        assert!(has_events_by_user(&s));
        let mut load = s.bulk_load("refs x").unwrap();
        load.write(&[b]).unwrap();
        assert!(
            has_events_by_user(load.store),
            "the store held an event already"
        );
        load.finish().unwrap();

        let mut fresh = Store::open(&dir.path().join("fresh.db")).unwrap();
        let c = event(&fresh, "e3", "P3");
        let mut load = fresh.bulk_load("refs x").unwrap();
        load.write(&[c]).unwrap();
        load.finish().unwrap();
        assert!(has_events_by_user(&fresh));
        let used: String = fresh
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT event_id FROM events WHERE user = 'u1' ORDER BY ts",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(used.contains("events_by_user"), "{used}");
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
