//! The alert store: an embedded SQLite database that keeps what the streaming service has
//! found and how far it has got, so that a crash or restart neither loses nor duplicates
//! anything.
//!
//! It holds alerts (keyed by `alert_id`, written idempotently: a replay updates an open
//! alert or leaves a final one alone, never adds a second row), the ids of the events
//! behind each, rejected input lines (keyed by where they were read, so a replay does not
//! count them twice), the HTTP inbox (every pushed line is stored before the push is
//! acknowledged), per-source progress, and the checkpoint: the detection state at the
//! last closed day and, for each source, where to resume so that the open day is replayed.
//! Alerts, progress and checkpoint of one step are committed in one transaction
//! ([`Batch`]), and so is the sinks' outbox (`outbox.rs`): a final alert is owed to the
//! sinks from the step that made it final.
//!
//! The store holds personal data: the file is created `0600` (SQLite gives its `-wal` and
//! `-shm` files the same mode). It knows nothing of sources or detectors beyond the JSON
//! texts the service hands it, and never reads the clock except to stamp rows.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use thiserror::Error;

use crate::alert::Alert;

pub(crate) mod bulk;
pub mod chain;
pub mod files;
pub mod learning;
pub mod lists;
pub mod outbox;
pub mod workbench;

pub(crate) use files::StoredGap;

pub const FORMAT: &str = "custodes-store";
/// Bump on any change of schema or meaning; [`Store::open`] migrates older versions it
/// knows and refuses newer ones.
pub(crate) const VERSION: u32 = 8;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{}: cannot open the alert store: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}: cannot create the alert store: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a custodes alert store (its `meta` table says format {found:?}, expected {FORMAT:?})", path.display())]
    Foreign { path: PathBuf, found: String },
    #[error("{}: alert store version {found} is not supported by this custodes (it reads versions 1 to {VERSION})", path.display())]
    Version { path: PathBuf, found: String },
    #[error("{}: alert store error while {doing}: {source}", path.display())]
    Sql {
        path: PathBuf,
        doing: &'static str,
        source: rusqlite::Error,
    },
    #[error("{}: {message}", path.display())]
    LogKey { path: PathBuf, message: String },
    #[error("{}: alert `{alert_id}` in the store is damaged: {message}", path.display())]
    Damaged {
        path: PathBuf,
        alert_id: String,
        message: String,
    },
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id     TEXT PRIMARY KEY,
    detector     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    severity     TEXT NOT NULL,
    score        REAL NOT NULL,
    user         TEXT NOT NULL,
    employee_id  TEXT,
    window_start TEXT NOT NULL,
    window_end   TEXT NOT NULL,
    -- 1 once the alert's window has closed: its content is final.
    final        INTEGER NOT NULL,
    -- The alert as the contract's JSON line.
    alert        TEXT NOT NULL,
    -- Wall-clock microseconds when the alert (open or final) was first committed.
    first_committed_us INTEGER NOT NULL,
    updated_at   TEXT NOT NULL,
    -- 1 while a final alert still has to be written to the service's --out.
    out_pending  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS alerts_by_user ON alerts (user, window_start);
CREATE TABLE IF NOT EXISTS alert_events (
    alert_id TEXT NOT NULL REFERENCES alerts (alert_id),
    event_id TEXT NOT NULL,
    PRIMARY KEY (alert_id, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejects (
    id     INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    -- Where the line was read (replays of the same line are one reject); NULL for lines
    -- that cannot be replayed (a refused HTTP body).
    key    TEXT UNIQUE,
    line   INTEGER,
    field  TEXT NOT NULL,
    error  TEXT NOT NULL,
    raw    TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    line        BLOB NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS progress (
    source     TEXT PRIMARY KEY,
    position   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoint (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    state    TEXT NOT NULL,
    resume   TEXT NOT NULL,
    saved_at TEXT NOT NULL
);
";

/// Version 2: the workbench (`custodes serve`) — the events behind alerts, accounts and
/// their sessions, triage history, exceptions, and the hash-chained access log.
const SCHEMA_V2: &str = "
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    ts       TEXT NOT NULL,
    user     TEXT NOT NULL,
    -- The event as a contract JSON object.
    event    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_user ON events (user, ts);
CREATE TABLE IF NOT EXISTS logins (
    user        TEXT PRIMARY KEY,
    employee_id TEXT,
    unit        TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    finished_at TEXT NOT NULL,
    events      INTEGER NOT NULL,
    lookups     INTEGER NOT NULL,
    explained   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('investigator', 'oversight', 'admin')),
    -- argon2id, PHC string format.
    password   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    -- SHA-256 of the cookie's token: a copy of the database does not log anyone in.
    token_sha256 TEXT PRIMARY KEY,
    account      TEXT NOT NULL REFERENCES accounts (name),
    csrf         TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triage (
    id       INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('open', 'in_review', 'confirmed', 'benign', 'false_positive')),
    assignee TEXT,
    note     TEXT,
    by       TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS triage_by_alert ON triage (alert_id, id);
CREATE TABLE IF NOT EXISTS exceptions (
    id         INTEGER PRIMARY KEY,
    -- What it matches (NULL = any): a login, a detector, a kind.
    user       TEXT,
    detector   TEXT,
    kind       TEXT,
    owner      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    expires    TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS access_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    account   TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
";

/// Version 4: accounts can be disabled (issue 14); a disabled account keeps its history
/// and cannot log in. (Version 3 holds the followed files' generations: `files.rs`.)
const SCHEMA_V4: &str = "
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
";

/// The index of events by login and time (schema version 2), for the workbench's
/// timelines; dropped and made again around a bulk load into an empty store.
pub(crate) const EVENTS_BY_USER: &str =
    "CREATE INDEX IF NOT EXISTS events_by_user ON events (user, ts);";

/// The lookup index (issue 16): per stored event, the normalised identifiers it was typed
/// with, so "who looked up this person" reads only candidate events
/// ([`crate::lookups`]). Created by every version on open (`IF NOT EXISTS`) rather than as a
/// numbered step, and filled for events not indexed yet (up to `event_keys_done.upto`, an
/// `events` rowid) whenever a search or an `audit --db` run asks, so stores written
/// before it, or by `watch`, are indexed on first use.
const LOOKUP_INDEX: &str = "
CREATE TABLE IF NOT EXISTS event_keys (
    key      TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (key, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_keys_done (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL
);
";

/// Version 7 (issue 16): what the detectors made of each stored event that a search of the
/// store ([`crate::lookups`]) needs again — its case status (`case_status` is the status's
/// tag as in JSON, `case_ref` its case id or exemption), how many known people share the
/// name it typed (`name_sharing`), and which reference data and settings they were
/// computed from (`refs_version`, a row of `refs_versions`). Events stored before it have
/// NULLs: a search computes theirs from the reference data it is given.
const SCHEMA_V7: &str = "
ALTER TABLE events ADD COLUMN case_status TEXT;
ALTER TABLE events ADD COLUMN case_ref TEXT;
ALTER TABLE events ADD COLUMN name_sharing INTEGER;
ALTER TABLE events ADD COLUMN refs_version INTEGER;
CREATE TABLE IF NOT EXISTS refs_versions (
    id          INTEGER PRIMARY KEY,
    -- `crate::identity::Resolver::fingerprint`: files, sizes, times and a settings digest.
    fingerprint TEXT NOT NULL UNIQUE,
    first_used  TEXT NOT NULL
);
";

/// Version 8 (issue 13): an event's JSON is kept without what its own columns hold. The
/// contract JSON of an event begins with its `id`, `ts` and `user` (`Event::contract_json_text`
/// writes them first); the `event` column keeps the text after them (`}` or `,"action":...}`)
/// and [`event_text`] puts them back, byte for byte. Rows stored before it hold the whole
/// object (they begin with `{`) and are read as they are; so are texts that do not begin
/// with that exact prefix. No table changes: the version says that older custodes, which
/// would read the short form as damaged, must refuse the store.
const SCHEMA_V8: &str = "";

/// The beginning of an event's contract JSON that the `events` row's columns hold.
fn event_prefix(id: &str, ts: &str, user: &str) -> String {
    let mut p = String::with_capacity(id.len() + ts.len() + user.len() + 32);
    p.push_str("{\"id\":");
    push_json_str(&mut p, id);
    p.push_str(",\"ts\":");
    push_json_str(&mut p, ts);
    p.push_str(",\"user\":");
    push_json_str(&mut p, user);
    p
}

fn push_json_str(out: &mut String, s: &str) {
    // A string always serialises; the text is what `Event::contract_json_text` writes.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// What the `event` column keeps of an event's JSON: the text after its id, time and
/// login, or the whole text when it does not begin with them.
fn event_rest<'j>(id: &str, ts: &str, user: &str, json: &'j str) -> &'j str {
    // Ids, times and logins almost never hold a character JSON escapes: their prefix is then
    // compared piece by piece, without writing it out (this runs for every stored event, on
    // the thread that bounds `audit --db`).
    let plain = |s: &str| !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    let rest = if plain(id) && plain(ts) && plain(user) {
        json.strip_prefix("{\"id\":\"")
            .and_then(|r| r.strip_prefix(id))
            .and_then(|r| r.strip_prefix("\",\"ts\":\""))
            .and_then(|r| r.strip_prefix(ts))
            .and_then(|r| r.strip_prefix("\",\"user\":\""))
            .and_then(|r| r.strip_prefix(user))
            .and_then(|r| r.strip_prefix('"'))
    } else {
        json.strip_prefix(event_prefix(id, ts, user).as_str())
    };
    match rest {
        Some(rest) if rest.starts_with(',') || rest == "}" => rest,
        _ => json,
    }
}

/// An event's contract JSON from its row: `stored` as kept by [`event_rest`] (or whole, as
/// before version 8).
pub(crate) fn event_text(id: &str, ts: &str, user: &str, stored: String) -> String {
    if stored.starts_with('{') {
        return stored;
    }
    let mut text = event_prefix(id, ts, user);
    text.push_str(&stored);
    text
}

/// What the detectors made of an event, kept with it for searches of the store (schema
/// version 7). The store does not interpret it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    /// The case status's tag (`explained`, `missing`, ...: `CaseStatus::parts`).
    pub case_status: &'static str,
    /// Its case id or exemption, when it has one.
    pub case_ref: Option<String>,
    /// How many known people share the name the event typed (lookups with a name only).
    pub name_sharing: Option<u32>,
}

/// [`EventFacts`] as read back, with the fingerprint of what they were computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordedFacts {
    pub case_status: String,
    pub case_ref: Option<String>,
    pub name_sharing: Option<u32>,
    /// `refs_versions.fingerprint`; empty when the row is missing.
    pub refs: String,
}

/// A stored event found by the lookup index.
#[derive(Debug, Clone)]
pub(crate) struct KeyedEvent {
    pub id: String,
    /// The contract JSON.
    pub json: String,
    /// `None` for events stored before version 7.
    pub facts: Option<RecordedFacts>,
}

/// A saved checkpoint: detection state (the `custodes-baseline` JSON) and where each
/// source resumes (the service's JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub state: String,
    pub resume: String,
    pub saved_at: String,
}

/// A checkpoint to write: what [`Checkpoint`] reads back, and how far the HTTP inbox is
/// still needed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCheckpoint {
    /// The detection state (`crate::baseline::state::encode`).
    pub state: String,
    /// Where each source resumes (the service's JSON).
    pub resume: String,
    /// Pushed lines before this inbox id are needed by no resume point any more.
    pub inbox_from: Option<i64>,
}

/// A rejected line, as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReject {
    pub source: String,
    pub key: Option<String>,
    pub line: Option<u64>,
    pub field: String,
    pub error: String,
    pub raw: String,
}

/// One connection to the store. Each thread that writes opens its own.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The access log's key, once [`Store::use_log_key`] loaded it: entries from its
    /// `from` on are sealed with it.
    chain_key: Option<chain::ChainKey>,
}

pub(crate) fn now_text() -> String {
    crate::event::format_ts(&chrono::Utc::now())
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

impl Store {
    /// Opens the store at `path`, creating it (0600) with the current schema when missing.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            crate::output::create_private(path).map_err(|source| StoreError::Create {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            chain_key: None,
        };
        store
            .conn
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        // WAL lets the HTTP endpoint and the detection thread write without blocking
        // readers; FULL makes every commit survive a power cut, not only a crash.
        store
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        store
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        store.check_meta()?;
        store
            .conn
            .execute_batch(LOOKUP_INDEX)
            .map_err(store.sql("creating the lookup index"))?;
        // A bulk load into an empty store builds the per-login index of events once at its
        // end (`bulk::BulkLoad`); a load that never ended gets it back here.
        store
            .conn
            .execute_batch(EVENTS_BY_USER)
            .map_err(store.sql("creating the index of events by login"))?;
        store.register_rule_functions()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sql {
            path: self.path.clone(),
            doing,
            source,
        }
    }

    fn check_meta(&self) -> Result<(), StoreError> {
        let has_meta: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|source| StoreError::Open {
                path: self.path.clone(),
                source,
            })?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(self.sql("reading the schema"))?;
        if !has_meta && tables > 0 {
            return Err(StoreError::Foreign {
                path: self.path.clone(),
                found: "(no meta table)".into(),
            });
        }
        if has_meta {
            let get = |key: &str| -> Result<Option<String>, StoreError> {
                self.conn
                    .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()
                    .map_err(self.sql("reading the store's format"))
            };
            let format = get("format")?;
            if format.as_deref() != Some(FORMAT) {
                return Err(StoreError::Foreign {
                    path: self.path.clone(),
                    found: format.unwrap_or_else(|| "(missing)".into()),
                });
            }
            let version = get("version")?.unwrap_or_default();
            match version.parse::<u32>() {
                Ok(v) if v == VERSION => return Ok(()),
                Ok(v @ 1..=7) => return self.migrate(v),
                _ => {
                    return Err(StoreError::Version {
                        path: self.path.clone(),
                        found: version,
                    })
                }
            }
        }
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(SCHEMA)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(SCHEMA_V2)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(files::SCHEMA_V3)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(SCHEMA_V4)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(outbox::SCHEMA_V5)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(lists::SCHEMA_V6)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(SCHEMA_V7)
            .map_err(self.sql("creating the schema"))?;
        tx.execute_batch(SCHEMA_V8)
            .map_err(self.sql("creating the schema"))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('format', ?1), ('version', ?2)",
            params![FORMAT, VERSION.to_string()],
        )
        .map_err(self.sql("creating the schema"))?;
        tx.commit().map_err(self.sql("creating the schema"))?;
        Ok(())
    }

    /// Version 1 (the service's store before the workbench) gains the workbench's tables,
    /// versions up to 2 the followed files' generations and gaps (version 3), and versions
    /// up to 3 the accounts' `disabled_at` (version 4), versions up to 4 the sinks'
    /// outbox (version 5: empty, so alerts made final before it are owed to no sink),
    /// versions up to 5 the workbench's index of alerts and its events per day (version 6,
    /// `lists.rs`: the days are counted on first use), and versions up to 6 the events'
    /// recorded case status (version 7: NULL for the events already stored, which a search
    /// then computes), and versions up to 7 the short event texts (version 8: the events
    /// already stored keep their whole text, which reads as before); nothing they held
    /// changes.
    fn migrate(&self, from: u32) -> Result<(), StoreError> {
        let doing = "migrating the store to the current version";
        let tx = self.conn.unchecked_transaction().map_err(self.sql(doing))?;
        if from < 2 {
            tx.execute_batch(SCHEMA_V2).map_err(self.sql(doing))?;
        }
        if from < 3 {
            tx.execute_batch(files::SCHEMA_V3)
                .map_err(self.sql(doing))?;
        }
        if from < 4 {
            tx.execute_batch(SCHEMA_V4).map_err(self.sql(doing))?;
        }
        if from < 5 {
            tx.execute_batch(outbox::SCHEMA_V5)
                .map_err(self.sql(doing))?;
        }
        if from < 6 {
            tx.execute_batch(lists::SCHEMA_V6)
                .map_err(self.sql(doing))?;
        }
        if from < 7 {
            tx.execute_batch(SCHEMA_V7).map_err(self.sql(doing))?;
        }
        if from < 8 {
            tx.execute_batch(SCHEMA_V8).map_err(self.sql(doing))?;
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'version'",
            [VERSION.to_string()],
        )
        .map_err(self.sql(doing))?;
        tx.commit().map_err(self.sql(doing))?;
        tracing::info!(path = %self.path.display(), from, to = VERSION, "Alert store migrated.");
        Ok(())
    }

    /// Stored events not yet in the lookup index, oldest first: (rowid, id, contract JSON).
    pub(crate) fn unindexed_events(
        &self,
        limit: usize,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        let doing = "reading events to index";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT rowid, event_id, event, ts, user FROM events
                 WHERE rowid > coalesce((SELECT upto FROM event_keys_done WHERE id = 1), 0)
                 ORDER BY rowid LIMIT ?1",
            )
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                let id: String = r.get(1)?;
                let text = event_text(
                    &id,
                    &r.get::<_, String>(3)?,
                    &r.get::<_, String>(4)?,
                    r.get(2)?,
                );
                Ok((r.get(0)?, id, text))
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// Adds events' keys to the lookup index and marks every event up to rowid `upto`
    /// indexed, in one transaction.
    pub(crate) fn put_event_keys(
        &mut self,
        keyed: &[(String, Vec<String>)],
        upto: i64,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = move |source| StoreError::Sql {
            path: path.clone(),
            doing: "writing the lookup index",
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err.clone())?;
        {
            let mut stmt = tx
                .prepare_cached("INSERT OR IGNORE INTO event_keys (key, event_id) VALUES (?1, ?2)")
                .map_err(err.clone())?;
            for (id, keys) in keyed {
                for k in keys {
                    stmt.execute(params![k, id]).map_err(err.clone())?;
                }
            }
        }
        tx.execute(
            "INSERT INTO event_keys_done (id, upto) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET upto = max(upto, excluded.upto)",
            [upto],
        )
        .map_err(err.clone())?;
        tx.commit().map_err(err)
    }

    /// The stored events carrying any of these index keys, oldest first, each once, with
    /// the facts recorded when they were stored.
    pub(crate) fn events_with_keys(&self, keys: &[String]) -> Result<Vec<KeyedEvent>, StoreError> {
        let doing = "reading the lookup index";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT event_id FROM event_keys WHERE key = ?1")
            .map_err(self.sql(doing))?;
        let mut ids = std::collections::BTreeSet::new();
        for k in keys {
            let rows = stmt
                .query_map([k], |r| r.get::<_, String>(0))
                .map_err(self.sql(doing))?;
            for id in rows {
                ids.insert(id.map_err(self.sql(doing))?);
            }
        }
        let mut ev = self
            .conn
            .prepare_cached(
                "SELECT e.ts, e.event, e.case_status, e.case_ref, e.name_sharing,
                        coalesce(v.fingerprint, ''), e.user
                 FROM events e LEFT JOIN refs_versions v ON v.id = e.refs_version
                 WHERE e.event_id = ?1",
            )
            .map_err(self.sql(doing))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = ev
                .query_row([&id], |r| {
                    let status: Option<String> = r.get(2)?;
                    let facts = match status {
                        None => None,
                        Some(case_status) => Some(RecordedFacts {
                            case_status,
                            case_ref: r.get(3)?,
                            name_sharing: r.get(4)?,
                            refs: r.get(5)?,
                        }),
                    };
                    let ts: String = r.get(0)?;
                    let json = event_text(&id, &ts, &r.get::<_, String>(6)?, r.get(1)?);
                    Ok((ts, json, facts))
                })
                .optional()
                .map_err(self.sql(doing))?;
            if let Some((ts, json, facts)) = row {
                out.push((ts, KeyedEvent { id, json, facts }));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// Starts one atomic step: everything written through the batch is committed together
    /// by [`Batch::commit`], or not at all.
    pub fn batch(&mut self) -> Result<Batch<'_>, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|source| StoreError::Sql {
                path: path.clone(),
                doing: "starting a transaction",
                source,
            })?;
        Ok(Batch { tx, path })
    }

    /// The last checkpoint, if any.
    pub fn checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        self.conn
            .query_row(
                "SELECT state, resume, saved_at FROM checkpoint WHERE id = 1",
                [],
                |r| {
                    Ok(Checkpoint {
                        state: r.get(0)?,
                        resume: r.get(1)?,
                        saved_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(self.sql("reading the checkpoint"))
    }

    /// Every alert, final and open, in window order (then id).
    pub fn alerts(&self) -> Result<Vec<(Alert, Finality)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT alert_id, alert, final FROM alerts ORDER BY window_start, alert_id")
            .map_err(self.sql("reading alerts"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })
            .map_err(self.sql("reading alerts"))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, text, fin) = row.map_err(self.sql("reading alerts"))?;
            let alert: Alert = serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
                path: self.path.clone(),
                alert_id: id,
                message: e.to_string(),
            })?;
            out.push((alert, if fin { Finality::Final } else { Finality::Open }));
        }
        Ok(out)
    }

    /// Final alerts not yet written to `--out` (a crash came between commit and write).
    pub(crate) fn out_pending(&self) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT alert_id, alert FROM alerts WHERE out_pending = 1
                 ORDER BY window_start, alert_id",
            )
            .map_err(self.sql("reading alerts"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(self.sql("reading alerts"))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, text) = row.map_err(self.sql("reading alerts"))?;
            out.push(
                serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
                    path: self.path.clone(),
                    alert_id: id,
                    message: e.to_string(),
                })?,
            );
        }
        Ok(out)
    }

    /// Marks alerts as written to `--out`.
    pub(crate) fn out_written(&mut self, ids: &[String]) -> Result<(), StoreError> {
        let b = self.batch()?;
        {
            let mut stmt =
                b.tx.prepare_cached("UPDATE alerts SET out_pending = 0 WHERE alert_id = ?1")
                    .map_err(b.sql("marking alerts written"))?;
            for id in ids {
                stmt.execute([id])
                    .map_err(b.sql("marking alerts written"))?;
            }
        }
        b.commit()
    }

    /// Every rejected line, in the order they were stored.
    pub fn rejects(&self) -> Result<Vec<StoredReject>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, key, line, field, error, raw FROM rejects ORDER BY id")
            .map_err(self.sql("reading rejects"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredReject {
                    source: r.get(0)?,
                    key: r.get(1)?,
                    line: r.get::<_, Option<i64>>(2)?.map(|n| n.max(0) as u64),
                    field: r.get(3)?,
                    error: r.get(4)?,
                    raw: r.get(5)?,
                })
            })
            .map_err(self.sql("reading rejects"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading rejects"))
    }

    /// Stores pushed lines and answers with the inbox id of the first (ids are
    /// consecutive). Committed before the push is acknowledged.
    /// The request's rejected lines are kept in the same transaction.
    pub(crate) fn inbox_push(
        &mut self,
        lines: &[&[u8]],
        rejects: &[StoredReject],
    ) -> Result<Option<i64>, StoreError> {
        let b = self.batch()?;
        for r in rejects {
            b.reject(r)?;
        }
        let mut first = None;
        {
            let at = now_text();
            let mut stmt =
                b.tx.prepare_cached("INSERT INTO inbox (line, received_at) VALUES (?1, ?2)")
                    .map_err(b.sql("storing pushed events"))?;
            for l in lines {
                stmt.execute(params![l, at])
                    .map_err(b.sql("storing pushed events"))?;
                if first.is_none() {
                    first = Some(b.tx.last_insert_rowid());
                }
            }
        }
        b.commit()?;
        Ok(first)
    }

    /// Pushed lines with ids from `from` on, at most `limit`.
    pub(crate) fn inbox_read(
        &self,
        from: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, line FROM inbox WHERE id >= ?1 ORDER BY id LIMIT ?2")
            .map_err(self.sql("reading pushed events"))?;
        let rows = stmt
            .query_map(params![from, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql("reading pushed events"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading pushed events"))
    }

    /// The id the next pushed line will get (1 when the inbox has never held anything).
    pub(crate) fn inbox_next_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'inbox'), 0) + 1",
                [],
                |r| r.get(0),
            )
            .map_err(self.sql("reading the inbox"))
    }

    /// Stores one reject outside any batch (the HTTP endpoint's refused bodies).
    pub(crate) fn put_reject(&mut self, r: &StoredReject) -> Result<(), StoreError> {
        let b = self.batch()?;
        b.reject(r)?;
        b.commit()
    }
}

/// Whether an alert may still grow (its day is open) or is final: a final row is never
/// replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finality {
    Open,
    Final,
}

/// Whether a final alert is owed to `watch --out`: recorded in the same transaction as the
/// alert and cleared once its line is written, so a crash between the two neither loses
/// the line nor writes it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFile {
    Owed,
    NotUsed,
}

/// One atomic step of the service: alerts, rejects, progress and (at a day's end) the
/// checkpoint, committed together.
pub struct Batch<'a> {
    tx: rusqlite::Transaction<'a>,
    path: PathBuf,
}

impl Batch<'_> {
    fn sql(&self, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sql {
            path: self.path.clone(),
            doing,
            source,
        }
    }

    /// Writes an alert. An open alert replaces the open row of the same id; a final one
    /// replaces an open row or is inserted; nothing replaces a final row. Returns true
    /// when this call made the alert final (so it is new to `--out`).
    pub fn alert(&self, a: &Alert, finality: Finality, out: OutFile) -> Result<bool, StoreError> {
        let final_ = finality == Finality::Final;
        let out_pending = out == OutFile::Owed;
        let text = serde_json::to_string(a).map_err(|e| StoreError::Damaged {
            path: self.path.clone(),
            alert_id: a.alert_id.clone(),
            message: e.to_string(),
        })?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO alerts (alert_id, detector, kind, severity, score, user, employee_id,
                    window_start, window_end, final, alert, first_committed_us, updated_at,
                    out_pending)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (alert_id) DO UPDATE SET
                    severity = excluded.severity, score = excluded.score,
                    employee_id = excluded.employee_id,
                    window_start = excluded.window_start, window_end = excluded.window_end,
                    final = excluded.final, alert = excluded.alert,
                    updated_at = excluded.updated_at, out_pending = excluded.out_pending
                 WHERE alerts.final = 0",
            )
            .map_err(self.sql("writing an alert"))?;
        let changed = stmt
            .execute(params![
                a.alert_id,
                a.detector,
                a.kind,
                a.severity.as_str(),
                a.score,
                a.user,
                a.employee_id,
                a.window_start,
                a.window_end,
                final_,
                text,
                now_us(),
                now_text(),
                final_ && out_pending,
            ])
            .map_err(self.sql("writing an alert"))?;
        let mut ev = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?1, ?2)",
            )
            .map_err(self.sql("writing an alert's events"))?;
        if changed > 0 {
            for id in &a.event_ids {
                ev.execute(params![a.alert_id, id])
                    .map_err(self.sql("writing an alert's events"))?;
            }
        }
        Ok(changed > 0 && final_)
    }

    /// The number of a fingerprint of reference data and settings
    /// (`crate::identity::Resolver::fingerprint`), added on first use, for
    /// [`Batch::event_with`].
    pub fn refs_version(&self, fingerprint: &str) -> Result<i64, StoreError> {
        let doing = "recording the reference data's version";
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO refs_versions (fingerprint, first_used) VALUES (?1, ?2)",
            )
            .and_then(|mut s| s.execute(params![fingerprint, now_text()]))
            .map_err(self.sql(doing))?;
        self.tx
            .prepare_cached("SELECT id FROM refs_versions WHERE fingerprint = ?1")
            .and_then(|mut s| s.query_row([fingerprint], |r| r.get(0)))
            .map_err(self.sql(doing))
    }

    /// [`Batch::event`] with what the detectors made of it, computed from reference data
    /// version `refs_version` ([`Batch::refs_version`]). Returns the event's rowid when it
    /// was added, `None` when an event of this id was stored already.
    pub(crate) fn event_with(
        &self,
        id: &str,
        ts: &str,
        user: &str,
        json: &str,
        facts: &EventFacts,
        refs_version: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events
                    (event_id, ts, user, event, case_status, case_ref, name_sharing, refs_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(self.sql("writing an event"))?;
        let added = stmt
            .execute(params![
                id,
                ts,
                user,
                event_rest(id, ts, user, json),
                facts.case_status,
                facts.case_ref,
                facts.name_sharing,
                refs_version
            ])
            .map_err(self.sql("writing an event"))?;
        Ok((added > 0).then(|| self.tx.last_insert_rowid()))
    }

    /// Keeps an analysed event (contract JSON) for the workbench; an id already kept is
    /// left alone, so a replay adds nothing.
    pub fn event(&self, id: &str, ts: &str, user: &str, json: &str) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO events (event_id, ts, user, event) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(self.sql("writing an event"))?;
        stmt.execute(params![id, ts, user, event_rest(id, ts, user, json)])
            .map_err(self.sql("writing an event"))?;
        Ok(())
    }

    /// Keeps a rejected line; a line already rejected under the same key is kept once.
    pub fn reject(&self, r: &StoredReject) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO rejects (source, key, line, field, error, raw, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(self.sql("writing a reject"))?;
        stmt.execute(params![
            r.source,
            r.key,
            r.line.map(|n| n as i64),
            r.field,
            r.error,
            r.raw,
            now_text()
        ])
        .map_err(self.sql("writing a reject"))?;
        Ok(())
    }

    /// Records how far a source has been read (for operators; resuming uses the checkpoint).
    pub fn progress(&self, source: &str, position: &Value) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO progress (source, position, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source) DO UPDATE SET position = excluded.position,
                    updated_at = excluded.updated_at",
            )
            .map_err(self.sql("writing progress"))?;
        stmt.execute(params![source, position.to_string(), now_text()])
            .map_err(self.sql("writing progress"))?;
        Ok(())
    }

    /// Replaces the checkpoint, and drops pushed lines before `inbox_from` (no resume point
    /// needs them any more).
    pub fn checkpoint(&self, cp: &NewCheckpoint) -> Result<(), StoreError> {
        let NewCheckpoint {
            state,
            resume,
            inbox_from,
        } = cp;
        self.tx
            .execute(
                "INSERT INTO checkpoint (id, state, resume, saved_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state,
                    resume = excluded.resume, saved_at = excluded.saved_at",
                params![state, resume, now_text()],
            )
            .map_err(self.sql("writing the checkpoint"))?;
        if let Some(from) = inbox_from {
            self.tx
                .execute("DELETE FROM inbox WHERE id < ?1", [*from])
                .map_err(self.sql("pruning the inbox"))?;
        }
        Ok(())
    }

    pub fn commit(self) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.tx.commit().map_err(|source| StoreError::Sql {
            path,
            doing: "committing",
            source,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::alert::Severity;

    /// A store file as an older custodes left it: the schema `parts` it had, at `version`.
    fn old_store(p: &std::path::Path, parts: &[&str], version: &str) -> Connection {
        let c = Connection::open(p).unwrap();
        for part in parts {
            c.execute_batch(part).unwrap();
        }
        c.execute(
            "INSERT INTO meta (key, value) VALUES ('format', ?1), ('version', ?2)",
            [FORMAT, version],
        )
        .unwrap();
        c
    }

    /// The version a store records in its `meta` table.
    fn stored_version(s: &Store) -> String {
        s.conn
            .query_row("SELECT value FROM meta WHERE key = 'version'", [], |r| {
                r.get(0)
            })
            .unwrap()
    }

    pub(crate) fn alert(id: &str, events: &[&str]) -> Alert {
        Alert {
            alert_id: id.into(),
            detector: "self_query".into(),
            kind: "self".into(),
            severity: Severity::High,
            score: 0.8,
            user: "u1".into(),
            employee_id: Some("E1".into()),
            window_start: "2024-05-01T09:00:00Z".into(),
            window_end: "2024-05-01T10:00:00Z".into(),
            event_ids: events.iter().map(|s| s.to_string()).collect(),
            reason: "r".into(),
            evidence: serde_json::json!({}),
        }
    }

    #[test]
    fn alerts_are_idempotent_and_final_rows_never_change() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.db");
        let mut s = Store::open(&p).unwrap();
        let b = s.batch().unwrap();
        assert!(!b
            .alert(&alert("a1", &["e1"]), Finality::Open, OutFile::Owed)
            .unwrap());
        assert!(b
            .alert(&alert("a1", &["e1", "e2"]), Finality::Final, OutFile::Owed)
            .unwrap());
        // A replay of the final alert changes nothing and is not new.
        assert!(!b
            .alert(&alert("a1", &["e1", "e2"]), Finality::Final, OutFile::Owed)
            .unwrap());
        assert!(!b
            .alert(&alert("a1", &["e1"]), Finality::Open, OutFile::Owed)
            .unwrap());
        b.commit().unwrap();
        let all = s.alerts().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].1, Finality::Final);
        assert_eq!(all[0].0.event_ids, ["e1", "e2"]);
        assert_eq!(s.out_pending().unwrap().len(), 1);
        s.out_written(&["a1".into()]).unwrap();
        assert!(s.out_pending().unwrap().is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_uncommitted_batch_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.db");
        let mut s = Store::open(&p).unwrap();
        {
            let b = s.batch().unwrap();
            b.alert(&alert("a1", &["e1"]), Finality::Final, OutFile::NotUsed)
                .unwrap();
            b.checkpoint(&NewCheckpoint {
                state: "{}".into(),
                resume: "{}".into(),
                inbox_from: None,
            })
            .unwrap();
        }
        assert!(s.alerts().unwrap().is_empty());
        assert!(s.checkpoint().unwrap().is_none());
    }

    #[test]
    fn inbox_ids_are_consecutive_and_pruned_at_checkpoints() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(s.inbox_next_id().unwrap(), 1);
        let first = s.inbox_push(&[b"a", b"b", b"c"], &[]).unwrap();
        assert_eq!(first, Some(1));
        assert_eq!(s.inbox_next_id().unwrap(), 4);
        let b = s.batch().unwrap();
        b.checkpoint(&NewCheckpoint {
            state: "{}".into(),
            resume: "{}".into(),
            inbox_from: Some(3),
        })
        .unwrap();
        b.commit().unwrap();
        let rows = s.inbox_read(1, 10).unwrap();
        assert_eq!(rows, vec![(3, b"c".to_vec())]);
        // Ids are never reused after pruning.
        assert_eq!(s.inbox_push(&[b"d"], &[]).unwrap(), Some(4));
    }

    #[test]
    fn rejects_are_kept_once_per_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let r = StoredReject {
            source: "f".into(),
            key: Some("f@0:10".into()),
            line: Some(3),
            field: "ts".into(),
            error: "bad".into(),
            raw: "{}".into(),
        };
        let b = s.batch().unwrap();
        b.reject(&r).unwrap();
        b.reject(&r).unwrap();
        b.commit().unwrap();
        let mut refused = r.clone();
        refused.key = None;
        s.put_reject(&refused).unwrap();
        s.put_reject(&refused).unwrap();
        assert_eq!(s.rejects().unwrap().len(), 3);
    }

    #[test]
    fn foreign_databases_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("other.db");
        {
            let c = Connection::open(&p).unwrap();
            c.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
        }
        let e = Store::open(&p).err().unwrap().to_string();
        assert!(e.contains("not a custodes alert store"), "{e}");
        let q = dir.path().join("text.db");
        std::fs::write(
            &q,
            "this is not a database, it is a text file of some length\n".repeat(20),
        )
        .unwrap();
        let e = Store::open(&q).err().unwrap().to_string();
        assert!(e.contains("text.db"), "{e}");
    }

    #[test]
    fn a_version_1_store_is_migrated_and_a_newer_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v1.db");
        {
            let c = old_store(&p, &[SCHEMA], "1");
            c.execute(
                "INSERT INTO progress (source, position, updated_at) VALUES ('a', '{}', 'x')",
                [],
            )
            .unwrap();
        }
        let s = Store::open(&p).unwrap();
        let version = stored_version(&s);
        assert_eq!(version, VERSION.to_string());
        let kept: i64 = s
            .conn
            .query_row("SELECT count(*) FROM progress", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
        // The sinks' outbox (version 5) is there and empty.
        let mut s = s;
        assert_eq!(s.sink_register("hook").unwrap(), 0);
        drop(s);
        // Opening again is a no-op.
        Store::open(&p).unwrap();
        {
            let c = Connection::open(&p).unwrap();
            c.execute("UPDATE meta SET value = '99' WHERE key = 'version'", [])
                .unwrap();
        }
        let e = Store::open(&p).err().unwrap().to_string();
        assert!(e.contains("version 99"), "{e}");
    }

    #[test]
    fn a_version_4_store_gains_the_sinks_outbox_and_keeps_its_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v4.db");
        {
            old_store(&p, &[SCHEMA, SCHEMA_V2, files::SCHEMA_V3, SCHEMA_V4], "4");
        }
        {
            // Written by a version 4 custodes: a final alert, no outbox.
            let c = Connection::open(&p).unwrap();
            c.execute(
                "INSERT INTO alerts (alert_id, detector, kind, severity, score, user,
                    window_start, window_end, final, alert, first_committed_us, updated_at)
                 VALUES ('old', 'self_query', 'self', 'high', 0.8, 'u1', 'x', 'y', 1, '{}', 0, 'z')",
                [],
            )
            .unwrap();
        }
        let mut s = Store::open(&p).unwrap();
        let b = s.batch().unwrap();
        assert!(b
            .alert(&alert("a1", &["e1"]), Finality::Final, OutFile::NotUsed)
            .unwrap());
        b.queue_for_sinks("a1").unwrap();
        b.commit().unwrap();
        // The alert made final before the migration is owed to no sink; the new one is.
        assert_eq!(s.sink_register("hook").unwrap(), 1);
        assert_eq!(s.sink_backlog(0).unwrap(), 1);
        let kept: i64 = s
            .conn
            .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 2);
        let version = stored_version(&s);
        assert_eq!(version, VERSION.to_string());
    }

    #[test]
    fn a_version_5_store_gains_the_workbench_index_and_keeps_its_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v5.db");
        {
            let c = old_store(
                &p,
                &[
                    SCHEMA,
                    SCHEMA_V2,
                    files::SCHEMA_V3,
                    SCHEMA_V4,
                    outbox::SCHEMA_V5,
                ],
                "5",
            );
            // Written by a version 5 custodes: a final alert and its events.
            let a = alert("old", &["e1"]);
            c.execute(
                "INSERT INTO alerts (alert_id, detector, kind, severity, score, user,
                    window_start, window_end, final, alert, first_committed_us, updated_at)
                 VALUES ('old', 'self_query', 'self', 'high', 0.8, 'u1', ?1, ?2, 1, ?3, 0, 'z')",
                params![
                    a.window_start,
                    a.window_end,
                    serde_json::to_string(&a).unwrap()
                ],
            )
            .unwrap();
            c.execute(
                "INSERT INTO events (event_id, ts, user, event) VALUES ('e1', ?1, 'u1', '{}')",
                [&a.window_start],
            )
            .unwrap();
        }
        let s = Store::open(&p).unwrap();
        let version = stored_version(&s);
        assert_eq!(version, VERSION.to_string());
        let indexed: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'alerts_ranked'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexed, 1);
        let (total, rows) = s
            .list_alerts(&lists::AlertQuery::default(), lists::Order::Serious, 0, 10)
            .unwrap();
        assert_eq!((total, rows[0].alert.alert_id.as_str()), (1, "old"));
        // Events stored before version 6 are counted on first use.
        assert_eq!(s.events_per_day().unwrap(), [("2024-05-01".into(), 1)]);
        drop(s);
        Store::open(&p).unwrap();
    }

    /// The short event text (version 8) gives back the contract JSON byte for byte, with
    /// ids, times and logins that need escaping too; a text that does not begin with them
    /// is kept whole.
    #[test]
    fn event_texts_are_kept_short_and_read_back_whole() {
        let cases = [
            ("e1", "2024-05-01T08:00:00Z", "u1", ",\"action\":\"query\"}"),
            (
                "say \"hi\"\\",
                "2024-05-01T08:00:00Z",
                "jos\u{e9}\t\u{1}",
                "}",
            ),
            (
                "f.jsonl:12",
                "2024-05-01T08:00:00.5Z",
                "</script>",
                ",\"x\":[1,{\"y\":null}]}",
            ),
        ];
        for (id, ts, user, rest) in cases {
            let whole = format!("{}{rest}", event_prefix(id, ts, user));
            let v: Value = serde_json::from_str(&whole).unwrap();
            assert_eq!(
                (v["id"].as_str(), v["user"].as_str()),
                (Some(id), Some(user))
            );
            let kept = event_rest(id, ts, user, &whole);
            assert_eq!(kept, rest);
            assert_eq!(event_text(id, ts, user, kept.to_string()), whole);
        }
        // Another order of keys, another id, or a prefix cut inside a value: kept whole.
        for (id, json) in [
            (
                "e1",
                r#"{"ts":"2024-05-01T08:00:00Z","id":"e1","user":"u1"}"#,
            ),
            (
                "e2",
                r#"{"id":"e1","ts":"2024-05-01T08:00:00Z","user":"u1"}"#,
            ),
            (
                "e1",
                r#"{"id":"e1","ts":"2024-05-01T08:00:00Z","user":"u1x"}"#,
            ),
        ] {
            assert_eq!(event_rest(id, "2024-05-01T08:00:00Z", "u1", json), json);
            assert_eq!(
                event_text(id, "2024-05-01T08:00:00Z", "u1", json.to_string()),
                json
            );
        }
    }

    proptest::proptest! {
        /// The piecewise comparison of an event's prefix agrees with writing the prefix
        /// out and comparing it, for any id, time and login, escaped or not.
        #[test]
        fn event_rest_agrees_with_the_written_prefix(
            id in "[a-z0-9\"\\\\:.\u{1}\u{e9}-]{0,8}",
            user in "[a-z\"\\\\\t\u{e9}]{0,6}",
            cut in 0usize..4,
            tail in proptest::sample::select(vec!["}", ",\"action\":\"query\"}", "x}", ""]),
        ) {
            let ts = "2024-05-01T08:00:00Z";
            let mut whole = format!("{}{tail}", event_prefix(&id, ts, &user));
            // Now and then a text that does not begin with the prefix.
            let mut end = whole.len().saturating_sub(cut * 3);
            while !whole.is_char_boundary(end) {
                end -= 1;
            }
            whole.truncate(end);
            let written = match whole.strip_prefix(event_prefix(&id, ts, &user).as_str()) {
                Some(rest) if rest.starts_with(',') || rest == "}" => rest,
                _ => whole.as_str(),
            };
            proptest::prop_assert_eq!(event_rest(&id, ts, &user, &whole), written);
        }
    }

    #[test]
    fn a_version_7_store_keeps_its_whole_event_texts_beside_short_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v7.db");
        let whole = r#"{"id":"old","ts":"2024-05-01T00:00:00Z","user":"u1","action":"query"}"#;
        {
            let c = old_store(
                &p,
                &[
                    SCHEMA,
                    SCHEMA_V2,
                    files::SCHEMA_V3,
                    SCHEMA_V4,
                    outbox::SCHEMA_V5,
                    lists::SCHEMA_V6,
                    LOOKUP_INDEX,
                    SCHEMA_V7,
                ],
                "7",
            );
            c.execute(
                "INSERT INTO events (event_id, ts, user, event) VALUES ('old', '2024-05-01T00:00:00Z', 'u1', ?1)",
                [whole],
            )
            .unwrap();
        }
        let mut s = Store::open(&p).unwrap();
        let version = stored_version(&s);
        assert_eq!(version, "8");
        let new = r#"{"id":"new","ts":"2024-05-01T00:00:01Z","user":"u1","action":"query"}"#;
        let b = s.batch().unwrap();
        b.event("new", "2024-05-01T00:00:01Z", "u1", new).unwrap();
        b.commit().unwrap();
        let raw: Vec<String> = s
            .conn
            .prepare("SELECT event FROM events ORDER BY rowid")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(raw, [whole, r#","action":"query"}"#]);
        assert_eq!(
            s.events_by_id(&["old".into(), "new".into()]).unwrap(),
            [whole, new]
        );
        assert_eq!(
            s.events_of("u1", "2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z", 0, 10)
                .unwrap(),
            [whole, new]
        );
        let texts: Vec<String> = s
            .unindexed_events(10)
            .unwrap()
            .into_iter()
            .map(|r| r.2)
            .collect();
        assert_eq!(texts, [whole, new]);
    }

    #[test]
    fn a_version_6_store_keeps_its_events_with_no_recorded_status() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v6.db");
        {
            let c = old_store(
                &p,
                &[
                    SCHEMA,
                    SCHEMA_V2,
                    files::SCHEMA_V3,
                    SCHEMA_V4,
                    outbox::SCHEMA_V5,
                    lists::SCHEMA_V6,
                    LOOKUP_INDEX,
                ],
                "6",
            );
            c.execute_batch(
                "INSERT INTO events (event_id, ts, user, event) VALUES ('old', '2024-05-01T00:00:00Z', 'u1', '{}');
                 INSERT INTO event_keys (key, event_id) VALUES ('pid:P1', 'old');",
            )
            .unwrap();
        }
        let mut s = Store::open(&p).unwrap();
        let version = stored_version(&s);
        assert_eq!(version, VERSION.to_string());
        // A version 7 writer records facts beside the old event, which has none.
        let facts = EventFacts {
            case_status: "explained",
            case_ref: Some("K-1".into()),
            name_sharing: Some(2),
        };
        let b = s.batch().unwrap();
        let v = b.refs_version("personnel.csv 1 2; settings x").unwrap();
        assert_eq!(b.refs_version("personnel.csv 1 2; settings x").unwrap(), v);
        b.event_with("new", "2024-05-02T00:00:00Z", "u1", "{}", &facts, v)
            .unwrap();
        b.commit().unwrap();
        s.conn
            .execute(
                "INSERT INTO event_keys (key, event_id) VALUES ('pid:P1', 'new')",
                [],
            )
            .unwrap();
        let found = s.events_with_keys(&["pid:P1".into()]).unwrap();
        let got: Vec<(&str, Option<&RecordedFacts>)> = found
            .iter()
            .map(|e| (e.id.as_str(), e.facts.as_ref()))
            .collect();
        assert_eq!(
            got,
            [
                ("old", None),
                (
                    "new",
                    Some(&RecordedFacts {
                        case_status: "explained".into(),
                        case_ref: Some("K-1".into()),
                        name_sharing: Some(2),
                        refs: "personnel.csv 1 2; settings x".into(),
                    })
                )
            ]
        );
    }
}
