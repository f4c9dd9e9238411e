//! The workbench's part of the store (`custodes serve`): the events behind alerts,
//! accounts and their sessions, triage decisions, exceptions, and the access log.
//!
//! Triage decisions and exceptions are history, never overwritten: a change is a new row
//! with who and when, and the current state is the latest row. The access log is
//! append-only (SQLite triggers refuse UPDATE and DELETE) and hash-chained: each entry's
//! hash covers the previous entry's hash and its own fields, so an edit made behind the
//! triggers' back (another SQLite client, a hex editor) shows at the first entry touched.
//! This module stores and checks; it does not hash passwords or decide who may see what.

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::chain::{ChainKey, Head};
use super::{now_text, Store, StoreError};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees names: alerts, timelines, evidence.
    Investigator,
    /// Sees aggregates, and logins and people only under stable pseudonyms.
    Oversight,
    /// Accounts and exceptions, and what an investigator sees.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Investigator => "investigator",
            Role::Oversight => "oversight",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may see real names and dates of birth.
    pub(crate) fn sees_names(self) -> bool {
        !matches!(self, Role::Oversight)
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "investigator" => Ok(Role::Investigator),
            "oversight" => Ok(Role::Oversight),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}` (expected investigator, oversight or admin)"
            )),
        }
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub password: String,
    /// A disabled account cannot log in; its history stays.
    pub disabled: bool,
}

/// A logged-in session, found by the SHA-256 of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account: String,
    pub role: Role,
    pub csrf: String,
    pub expires_at: String,
}

/// One triage decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Triage {
    pub alert_id: String,
    pub status: String,
    pub assignee: Option<String>,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// Triage statuses, in the order an investigation moves through them.
pub(crate) const STATUSES: [&str; 5] =
    ["open", "in_review", "confirmed", "benign", "false_positive"];

/// Exception rules are the alert model's (`crate::alert::suppress`); the store keeps them.
pub use crate::alert::suppress::Exception;

/// One access-log entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Access {
    pub seq: i64,
    pub at: String,
    pub account: String,
    pub action: String,
    pub target: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What checking the access log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries: u64,
    /// The first entry whose link does not hold, and why.
    pub first_broken: Option<(i64, String)>,
    /// Entries whose seal was checked with the key.
    pub sealed: u64,
    /// The last entry, to anchor outside (`--export-head`).
    pub head: Option<Head>,
}

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry's hash: SHA-256 over the previous hash and the entry's fields, each
/// length-prefixed so that no two different entries hash the same text.
pub fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    account: &str,
    action: &str,
    target: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, account, action, target] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The store's record of its access-log key (a fingerprint, never the key).
const KEY_META: &str = "access_log_key";

impl Store {
    /// Loads the access log's key from `path`, or (with `create`, when the store's log has
    /// never been keyed) makes one there, sealing every entry from the next one on. A store
    /// whose log is keyed refuses a missing or different key file, so that a server
    /// started with the wrong file cannot go on with unsealed entries.
    pub fn use_log_key(&mut self, path: &Path, create: bool) -> Result<ChainKey, StoreError> {
        let recorded: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [KEY_META], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql("reading the access log's key"))?;
        let key = if path.exists() {
            ChainKey::load(path)?
        } else if let Some(fp) = &recorded {
            return Err(StoreError::LogKey {
                path: path.to_path_buf(),
                message: format!(
                    "no such key file, but the access log of {} is sealed with key {fp}: give its key file (--log-key)",
                    self.path.display()
                ),
            });
        } else if create {
            let next: i64 = self
                .conn
                .query_row(
                    "SELECT coalesce(max(seq), 0) + 1 FROM access_log",
                    [],
                    |r| r.get(0),
                )
                .map_err(self.sql("reading the access log"))?;
            let k = ChainKey::generate(next);
            k.save_new(path)?;
            tracing::info!(key = %path.display(), from = next, "Created the access log's key.");
            k
        } else {
            return Err(StoreError::LogKey {
                path: path.to_path_buf(),
                message: "no such key file".into(),
            });
        };
        match recorded {
            Some(fp) if fp != key.fingerprint() => {
                return Err(StoreError::LogKey {
                    path: path.to_path_buf(),
                    message: format!(
                        "this key ({}) is not the one the access log of {} is sealed with ({fp})",
                        key.fingerprint(),
                        self.path.display()
                    ),
                })
            }
            Some(_) => {}
            None => {
                self.conn
                    .execute(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                        params![KEY_META, key.fingerprint()],
                    )
                    .map_err(self.sql("recording the access log's key"))?;
            }
        }
        self.chain_key = Some(key.clone());
        Ok(key)
    }

    /// Whether the store says its access log is sealed with a key (a hint only: whoever
    /// can write the store can remove it; the key file is what counts).
    pub fn log_is_keyed(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM meta WHERE key = ?1",
                [KEY_META],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(self.sql("reading the access log's key"))
    }

    /// One login's events between two times (RFC 3339, inclusive), oldest first, as
    /// contract JSON texts: `limit` of them from the `offset`-th.
    pub(crate) fn events_of(
        &self,
        user: &str,
        from: &str,
        to: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT event, event_id, ts FROM events WHERE user = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY ts, rowid LIMIT ?4 OFFSET ?5",
            )
            .map_err(self.sql("reading events"))?;
        let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![user, from, to, n(limit), n(offset)], |r| {
                Ok(super::event_text(
                    &r.get::<_, String>(1)?,
                    &r.get::<_, String>(2)?,
                    user,
                    r.get(0)?,
                ))
            })
            .map_err(self.sql("reading events"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading events"))
    }

    /// How many events of one login the store holds between two times (inclusive).
    pub(crate) fn count_events_of(
        &self,
        user: &str,
        from: &str,
        to: &str,
    ) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM events WHERE user = ?1 AND ts >= ?2 AND ts <= ?3")
            .map_err(self.sql("counting events"))?
            .query_row(params![user, from, to], |r| r.get(0))
            .map_err(self.sql("counting events"))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The events of these ids that the store has, as contract JSON texts.
    pub(crate) fn events_by_id(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT event, ts, user FROM events WHERE event_id = ?1")
            .map_err(self.sql("reading events"))?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(e) = stmt
                .query_row([id], |r| {
                    Ok(super::event_text(
                        id,
                        &r.get::<_, String>(1)?,
                        &r.get::<_, String>(2)?,
                        r.get(0)?,
                    ))
                })
                .optional()
                .map_err(self.sql("reading events"))?
            {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Remembers which unit a login belongs to (the latest run's reference data wins).
    pub(crate) fn put_logins<'a>(
        &mut self,
        logins: impl IntoIterator<Item = (&'a str, Option<&'a str>, Option<&'a str>)>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = move |source| StoreError::Sql {
            path: path.clone(),
            doing: "writing logins",
            source,
        };
        let tx = self.conn.transaction().map_err(err.clone())?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO logins (user, employee_id, unit) VALUES (?1, ?2, ?3)
                     ON CONFLICT (user) DO UPDATE SET employee_id = excluded.employee_id, unit = excluded.unit",
                )
                .map_err(err.clone())?;
            for (user, employee, unit) in logins {
                stmt.execute(params![user, employee, unit])
                    .map_err(err.clone())?;
            }
        }
        tx.commit().map_err(err)
    }

    /// Login -> unit, for the logins whose unit is known.
    pub fn units(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT user, unit FROM logins WHERE unit IS NOT NULL")
            .map_err(self.sql("reading logins"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql("reading logins"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading logins"))
    }

    /// Unit -> how many people it has (distinct employees; a login without one counts
    /// alone), so that one person's several logins do not make a unit look bigger.
    pub(crate) fn unit_sizes(
        &self,
    ) -> Result<std::collections::HashMap<String, usize>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT unit, count(DISTINCT coalesce(employee_id, 'login:' || user)) FROM logins
                 WHERE unit IS NOT NULL GROUP BY unit",
            )
            .map_err(self.sql("reading logins"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))
            .map_err(self.sql("reading logins"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading logins"))
    }

    /// Records what one run read: its events, lookups and lookups explained by a case.
    pub(crate) fn put_run(
        &self,
        events: u64,
        lookups: u64,
        explained: u64,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO runs (finished_at, events, lookups, explained) VALUES (?1, ?2, ?3, ?4)",
                params![now_text(), events as i64, lookups as i64, explained as i64],
            )
            .map_err(self.sql("recording a run"))?;
        Ok(())
    }

    /// Explained lookups over lookups, over every recorded run.
    pub(crate) fn explained_fraction(&self) -> Result<Option<f64>, StoreError> {
        let (lookups, explained): (i64, i64) = self
            .conn
            .query_row(
                "SELECT coalesce(sum(lookups), 0), coalesce(sum(explained), 0) FROM runs",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.sql("reading runs"))?;
        Ok((lookups > 0).then(|| explained as f64 / lookups as f64))
    }

    /// The store's key for pseudonyms, made (32 random bytes) on first use.
    pub(crate) fn pseudonym_key(
        &self,
        fresh: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'pseudonym_key'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql("reading the pseudonym key"))?;
        if let Some(k) = found {
            return Ok(k);
        }
        let k = fresh();
        self.conn
            .execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('pseudonym_key', ?1)",
                [&k],
            )
            .map_err(self.sql("writing the pseudonym key"))?;
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'pseudonym_key'",
                [],
                |r| r.get(0),
            )
            .map_err(self.sql("reading the pseudonym key"))
    }

    /// Creates an account; an existing name is an error, never overwritten.
    pub fn add_account(&self, name: &str, role: Role, password: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO accounts (name, role, password, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), password, now_text()],
            )
            .map_err(self.sql("creating an account"))?;
        Ok(n == 1)
    }

    pub fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        self.conn
            .query_row(
                "SELECT name, role, password, disabled_at IS NOT NULL FROM accounts WHERE name = ?1",
                [name],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(self.sql("reading an account"))?
            .map(|(name, role, password, disabled)| {
                let role = role.parse().map_err(|message| StoreError::Damaged {
                    path: self.path.clone(),
                    alert_id: format!("account {name}"),
                    message,
                })?;
                Ok(Account {
                    name,
                    role,
                    password,
                    disabled,
                })
            })
            .transpose()
    }

    pub(crate) fn create_session(
        &self,
        token_sha256: &str,
        account: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO sessions (token_sha256, account, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_sha256, account, csrf, expires_at],
            )
            .map_err(self.sql("creating a session"))?;
        Ok(())
    }

    /// The session of a token's hash, if it exists and has not expired at `now`.
    pub fn session(&self, token_sha256: &str, now: &str) -> Result<Option<Session>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT s.account, a.role, s.csrf, s.expires_at FROM sessions s
                 JOIN accounts a ON a.name = s.account
                 WHERE s.token_sha256 = ?1 AND s.expires_at > ?2 AND a.disabled_at IS NULL",
                params![token_sha256, now],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(self.sql("reading a session"))?;
        Ok(row.and_then(|(account, role, csrf, expires_at)| {
            Some(Session {
                account,
                role: role.parse().ok()?,
                csrf,
                expires_at,
            })
        }))
    }

    /// Disables (`true`) or re-enables an account; a disabled account's sessions end.
    /// False when there is no such account.
    pub fn set_account_disabled(&self, name: &str, disabled: bool) -> Result<bool, StoreError> {
        let at = disabled.then(now_text);
        let n = self
            .conn
            .execute(
                "UPDATE accounts SET disabled_at = ?2 WHERE name = ?1",
                params![name, at],
            )
            .map_err(self.sql("changing an account"))?;
        if n == 1 && disabled {
            self.revoke_sessions(name)?;
        }
        Ok(n == 1)
    }

    /// Replaces an account's password hash and ends its sessions. False when there is no
    /// such account.
    pub fn set_password(&self, name: &str, password: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE accounts SET password = ?2 WHERE name = ?1",
                params![name, password],
            )
            .map_err(self.sql("changing a password"))?;
        if n == 1 {
            self.revoke_sessions(name)?;
        }
        Ok(n == 1)
    }

    /// Ends every session of an account; returns how many there were.
    pub fn revoke_sessions(&self, name: &str) -> Result<usize, StoreError> {
        self.conn
            .execute("DELETE FROM sessions WHERE account = ?1", [name])
            .map_err(self.sql("ending sessions"))
    }

    pub(crate) fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "DELETE FROM sessions WHERE token_sha256 = ?1",
                [token_sha256],
            )
            .map_err(self.sql("ending a session"))?;
        Ok(())
    }

    /// Records a triage decision (a new row: history is never rewritten).
    pub(crate) fn add_triage(&self, t: &Triage) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO triage (alert_id, status, assignee, note, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t.alert_id, t.status, t.assignee, t.note, t.by, t.at],
            )
            .map_err(self.sql("recording a triage decision"))?;
        Ok(())
    }

    /// Every decision on one alert, oldest first.
    pub(crate) fn triage_history(&self, alert_id: &str) -> Result<Vec<Triage>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT alert_id, status, assignee, note, by, at FROM triage WHERE alert_id = ?1 ORDER BY id",
            )
            .map_err(self.sql("reading triage"))?;
        let rows = stmt
            .query_map([alert_id], triage_row)
            .map_err(self.sql("reading triage"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading triage"))
    }

    /// The latest decision on every alert that has one.
    #[cfg(test)]
    pub(crate) fn triage_latest(&self) -> Result<Vec<Triage>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT alert_id, status, assignee, note, by, at FROM triage
                 WHERE id IN (SELECT max(id) FROM triage GROUP BY alert_id)",
            )
            .map_err(self.sql("reading triage"))?;
        let rows = stmt
            .query_map([], triage_row)
            .map_err(self.sql("reading triage"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading triage"))
    }

    /// Adds a suppression rule and returns its id.
    pub fn add_exception(&self, e: &Exception) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO exceptions (user, detector, kind, owner, reason, expires, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![e.user, e.detector, e.kind, e.owner, e.reason, e.expires, e.created_by, e.created_at],
            )
            .map_err(self.sql("adding an exception"))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every rule, revoked ones included (they are history).
    pub fn exceptions(&self) -> Result<Vec<Exception>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, user, detector, kind, owner, reason, expires, created_by, created_at, revoked_at
                 FROM exceptions ORDER BY id",
            )
            .map_err(self.sql("reading exceptions"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Exception {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    detector: r.get(2)?,
                    kind: r.get(3)?,
                    owner: r.get(4)?,
                    reason: r.get(5)?,
                    expires: r.get(6)?,
                    created_by: r.get(7)?,
                    created_at: r.get(8)?,
                    revoked_at: r.get(9)?,
                })
            })
            .map_err(self.sql("reading exceptions"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading exceptions"))
    }

    /// Revokes a rule (it stays, with when it stopped); false when there is no such
    /// active rule.
    pub fn revoke_exception(&self, id: i64, at: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE exceptions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(self.sql("revoking an exception"))?;
        Ok(n == 1)
    }

    /// Appends to the access log, chained to the last entry, in one immediate
    /// transaction so that two writers cannot fork the chain.
    pub fn log_access(
        &mut self,
        account: &str,
        action: &str,
        target: &str,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let err = move |source| StoreError::Sql {
            path: path.clone(),
            doing: "writing the access log",
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err.clone())?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(err.clone())?;
        let (seq, prev) = match last {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_string()),
        };
        let at = now_text();
        let hash = match &self.chain_key {
            Some(k) if seq >= k.from => {
                k.seal(&[&prev, &seq.to_string(), &at, account, action, target])
            }
            _ => entry_hash(&prev, seq, &at, account, action, target),
        };
        tx.execute(
            "INSERT INTO access_log (seq, at, account, action, target, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![seq, at, account, action, target, prev, hash],
        )
        .map_err(err.clone())?;
        tx.commit().map_err(err)?;
        Ok(seq)
    }

    /// The last `limit` entries, newest first.
    pub fn access_log(&self, limit: usize) -> Result<Vec<Access>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT seq, at, account, action, target, prev_hash, hash FROM access_log ORDER BY seq DESC LIMIT ?1",
            )
            .map_err(self.sql("reading the access log"))?;
        let rows = stmt
            .query_map([limit as i64], access_row)
            .map_err(self.sql("reading the access log"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.sql("reading the access log"))
    }

    /// Walks the whole chain and reports the first link that does not hold: a sequence
    /// gap (an entry removed), a `prev_hash` that is not the previous entry's hash, or a
    /// hash that does not match the entry's fields (an entry edited). With a key, entries
    /// from its `from` on must carry its seal, which nobody without the key can compute.
    pub fn verify_access_log(&self, key: Option<&ChainKey>) -> Result<ChainReport, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, account, action, target, prev_hash, hash FROM access_log ORDER BY seq")
            .map_err(self.sql("reading the access log"))?;
        let mut rows = stmt.query([]).map_err(self.sql("reading the access log"))?;
        let mut expected_prev = GENESIS.to_string();
        let mut expected_seq = 1;
        let mut entries = 0;
        let mut sealed = 0;
        let mut head = None;
        while let Some(r) = rows.next().map_err(self.sql("reading the access log"))? {
            let a = access_row(r).map_err(self.sql("reading the access log"))?;
            entries += 1;
            let expected_hash = match key {
                Some(k) if a.seq >= k.from => {
                    sealed += 1;
                    k.seal(&[
                        &a.prev_hash,
                        &a.seq.to_string(),
                        &a.at,
                        &a.account,
                        &a.action,
                        &a.target,
                    ])
                }
                _ => entry_hash(&a.prev_hash, a.seq, &a.at, &a.account, &a.action, &a.target),
            };
            let broken = if a.seq != expected_seq {
                Some(format!(
                    "expected entry {expected_seq} here, found {} (entries removed)",
                    a.seq
                ))
            } else if a.prev_hash != expected_prev {
                Some("its prev_hash is not the previous entry's hash".to_string())
            } else if expected_hash != a.hash {
                Some(if key.is_some_and(|k| a.seq >= k.from) {
                    "its seal does not match its fields under the log's key (the entry was changed, forged or re-chained)".to_string()
                } else {
                    "its hash does not match its fields (the entry was changed)".to_string()
                })
            } else {
                None
            };
            if let Some(why) = broken {
                return Ok(ChainReport {
                    entries,
                    first_broken: Some((a.seq, why)),
                    sealed,
                    head,
                });
            }
            head = Some(Head {
                seq: a.seq,
                hash: a.hash.clone(),
            });
            expected_prev = a.hash;
            expected_seq += 1;
        }
        Ok(ChainReport {
            entries,
            first_broken: None,
            sealed,
            head,
        })
    }

    /// Checks an anchored head against the log: the anchored entry must still be there,
    /// with the same hash (the chain up to it is checked by [`Store::verify_access_log`]).
    /// Returns why it does not hold.
    pub fn check_head(&self, head: &Head) -> Result<Option<String>, StoreError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT hash FROM access_log WHERE seq = ?1",
                [head.seq],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql("reading the access log"))?;
        Ok(match found {
            None => {
                let last: i64 = self
                    .conn
                    .query_row("SELECT coalesce(max(seq), 0) FROM access_log", [], |r| {
                        r.get(0)
                    })
                    .map_err(self.sql("reading the access log"))?;
                Some(format!(
                    "the log ends at entry {last}, before the anchored entry {} (entries were cut off the end)",
                    head.seq
                ))
            }
            Some(h) if h != head.hash => Some(format!(
                "entry {} is not the one anchored (the log was rewritten up to it)",
                head.seq
            )),
            Some(_) => None,
        })
    }
}

fn triage_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Triage> {
    Ok(Triage {
        alert_id: r.get(0)?,
        status: r.get(1)?,
        assignee: r.get(2)?,
        note: r.get(3)?,
        by: r.get(4)?,
        at: r.get(5)?,
    })
}

fn access_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Access> {
    Ok(Access {
        seq: r.get(0)?,
        at: r.get(1)?,
        account: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        prev_hash: r.get(5)?,
        hash: r.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        (dir, s)
    }

    #[test]
    fn the_access_log_is_chained_append_only_and_tampering_shows() {
        let (dir, mut s) = store();
        for i in 0..5 {
            s.log_access("ia1", "view_alert", &format!("al-{i}"))
                .unwrap();
        }
        let r = s.verify_access_log(None).unwrap();
        assert_eq!((r.entries, r.first_broken, r.sealed), (5, None, 0));
        assert_eq!(r.head.map(|h| h.seq), Some(5));
        // The triggers refuse edits through SQL.
        assert!(s
            .conn
            .execute("UPDATE access_log SET target = 'x' WHERE seq = 3", [])
            .is_err());
        assert!(s
            .conn
            .execute("DELETE FROM access_log WHERE seq = 3", [])
            .is_err());
        // Behind the triggers' back: entry 3 edited.
        s.conn
            .execute_batch(
                "DROP TRIGGER access_log_append_only_update;
                 UPDATE access_log SET target = 'al-other' WHERE seq = 3;",
            )
            .unwrap();
        let r = s.verify_access_log(None).unwrap();
        assert_eq!(r.first_broken.as_ref().map(|b| b.0), Some(3), "{r:?}");
        assert!(r.first_broken.unwrap().1.contains("changed"));
        drop(s);
        // Entry 2 removed from a fresh log.
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        for _ in 0..4 {
            s.log_access("ia1", "export", "user jdoe").unwrap();
        }
        s.conn
            .execute_batch(
                "DROP TRIGGER access_log_append_only_delete; DELETE FROM access_log WHERE seq = 2;",
            )
            .unwrap();
        let r = s.verify_access_log(None).unwrap();
        assert_eq!(r.first_broken.map(|b| b.0), Some(3));
    }

    #[test]
    fn a_keyed_log_cannot_be_rechained_without_its_key() {
        let (dir, mut s) = store();
        s.log_access("ia1", "view_alert", "before the key").unwrap();
        let kp = dir.path().join("k");
        let k = s.use_log_key(&kp, true).unwrap();
        assert_eq!(k.from, 2);
        for i in 0..4 {
            s.log_access("ia1", "view_alert", &format!("al-{i}"))
                .unwrap();
        }
        let r = s.verify_access_log(Some(&k)).unwrap();
        assert_eq!((r.entries, r.first_broken.clone(), r.sealed), (5, None, 4));
        let head = r.head.unwrap();
        // Behind the triggers' back, entry 3 edited and everything re-hashed the unkeyed
        // way, as someone without the key would.
        s.conn
            .execute_batch("DROP TRIGGER access_log_append_only_update;")
            .unwrap();
        let rows = s.access_log(100).unwrap();
        let mut prev = rows.iter().find(|a| a.seq == 1).unwrap().hash.clone();
        for seq in 2..=5 {
            let a = rows.iter().find(|a| a.seq == seq).unwrap();
            let target = if seq == 3 {
                "al-other"
            } else {
                a.target.as_str()
            };
            let h = entry_hash(&prev, seq, &a.at, &a.account, &a.action, target);
            s.conn
                .execute(
                    "UPDATE access_log SET target = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
                    params![seq, target, prev, h],
                )
                .unwrap();
            prev = h;
        }
        assert_eq!(s.verify_access_log(None).unwrap().first_broken, None);
        let r = s.verify_access_log(Some(&k)).unwrap();
        assert_eq!(
            r.first_broken.map(|b| b.0),
            Some(2),
            "re-chained from entry 2"
        );
        assert!(s.check_head(&head).unwrap().is_some());
        // A second key file is refused for this store.
        let other = dir.path().join("k2");
        ChainKey::generate(1).save_new(&other).unwrap();
        assert!(s.use_log_key(&other, true).is_err());
        assert!(s.use_log_key(&dir.path().join("missing"), true).is_err());
    }

    #[test]
    fn accounts_sessions_triage_and_exceptions() {
        let (_dir, s) = store();
        assert!(s
            .add_account("ia1", Role::Investigator, "$argon2id$x")
            .unwrap());
        assert!(
            !s.add_account("ia1", Role::Admin, "$argon2id$y").unwrap(),
            "never overwritten"
        );
        assert_eq!(s.account("ia1").unwrap().unwrap().role, Role::Investigator);
        s.create_session("h1", "ia1", "c1", "2030-01-01T00:00:00Z")
            .unwrap();
        let now = "2026-11-24T00:00:00Z";
        assert_eq!(s.session("h1", now).unwrap().unwrap().account, "ia1");
        assert_eq!(
            s.session("h1", "2031-01-01T00:00:00Z").unwrap(),
            None,
            "expired"
        );
        s.delete_session("h1").unwrap();
        assert_eq!(s.session("h1", now).unwrap(), None);

        for (status, at) in [("in_review", "t1"), ("confirmed", "t2")] {
            s.add_triage(&Triage {
                alert_id: "al-1".into(),
                status: status.into(),
                assignee: Some("ia1".into()),
                note: None,
                by: "ia1".into(),
                at: at.into(),
            })
            .unwrap();
        }
        assert_eq!(s.triage_history("al-1").unwrap().len(), 2);
        assert_eq!(s.triage_latest().unwrap()[0].status, "confirmed");
        let bad = Triage {
            alert_id: "al-1".into(),
            status: "closed".into(),
            assignee: None,
            note: None,
            by: "ia1".into(),
            at: "t3".into(),
        };
        assert!(s.add_triage(&bad).is_err(), "unknown statuses are refused");

        let id = s
            .add_exception(&Exception {
                id: 0,
                user: Some("svc_bg".into()),
                detector: None,
                kind: None,
                owner: "Background checks".into(),
                reason: "service account".into(),
                expires: Some("2027-01-01".into()),
                created_by: "admin".into(),
                created_at: now.into(),
                revoked_at: None,
            })
            .unwrap();
        assert!(s.revoke_exception(id, now).unwrap());
        assert!(!s.revoke_exception(id, now).unwrap());
        assert_eq!(s.exceptions().unwrap()[0].revoked_at.as_deref(), Some(now));
    }
}
