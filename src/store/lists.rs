//! The workbench's lists and counts, computed in SQL (issue 13): the alert list a page at a
//! time with its total, the per-login sums behind the ranked users, the overview's
//! aggregates, one alert by id or by token, one login's alerts, and what an exception rule
//! would hide.
//!
//! What it must not do: read every alert into memory for one answer (lists are paged with
//! `LIMIT`/`OFFSET`, counts and aggregates are `GROUP BY`s whose rows are bounded by logins,
//! days and detectors, never by alerts), or decide what a viewer may see: the server's
//! view pseudonymises, and hands this module real logins and units only.
//!
//! The latest triage decision of an alert is its row of `triage` with the highest id (as
//! [`Store::triage_latest`] says); an alert never triaged is `open`.

use std::collections::BTreeMap;

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::{Store, StoreError};
use crate::alert::Alert;
use crate::store::workbench::Exception;

/// Version 6 (issue 13): an index that walks final alerts most serious first and holds
/// every column the workbench filters on, so that a page of the alert list, its total and
/// the overview's counts read the index and not the alerts' JSON; and the events per UTC
/// day, kept up to date incrementally ([`Store::events_per_day`]) instead of counted over
/// every stored event for each overview.
pub(crate) const SCHEMA_V6: &str = "
CREATE INDEX IF NOT EXISTS alerts_ranked ON alerts
    (final, score DESC, window_start DESC, alert_id, detector, kind, severity, user, window_end);
CREATE TABLE IF NOT EXISTS event_days (
    day    TEXT PRIMARY KEY,
    events INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_days_done (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    -- Every event up to this `events` rowid is counted in `event_days`.
    upto INTEGER NOT NULL
);
";

/// The most rows one page of a list may hold.
pub(crate) const MAX_PAGE: usize = 1000;

/// Events counted into `event_days` per transaction: the write lock is held while they are
/// read, and `custodes watch` may be waiting for it.
const DAY_COUNT_CHUNK: i64 = 200_000;

/// The latest decision of every triaged alert.
const LATEST: &str =
    "SELECT alert_id, status FROM triage WHERE id IN (SELECT max(id) FROM triage GROUP BY alert_id)";

/// The id of alert `a`'s latest decision. Joined per alert through `triage_by_alert`: a
/// join with [`LATEST`] as a table has no index and costs alerts times decisions.
const LATEST_OF_A: &str = "(SELECT max(id) FROM triage WHERE alert_id = a.alert_id)";

/// Which final alerts a list or a count covers; `None` matches anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AlertQuery {
    /// Real logins (never pseudonyms): the alert's login is one of them.
    pub users: Option<Vec<String>>,
    /// Real unit names: the alert's login belongs to one of them (per `logins`).
    pub units: Option<Vec<String>>,
    pub detector: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    /// The latest triage status; `open` also matches alerts never triaged.
    pub status: Option<String>,
    /// The alert's window ends at or after `from` (compared as text, as stored).
    pub from: Option<String>,
    /// The alert's window starts at or before `to` (compared as text, as stored).
    pub to: Option<String>,
}

/// The order of a list of alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// Score (highest first), window start (latest first), alert id.
    Serious,
    /// Score, the UTC day the window starts (latest first), then the alert's token
    /// (`custodes_alert_token`, see [`Store::set_alert_token`]): for viewers who see
    /// neither exact times nor alert ids, whose order must not reveal them either.
    SeriousByDayAndToken,
}

/// An alert with its latest triage decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub alert: Alert,
    /// `open` when never triaged.
    pub status: String,
    pub assignee: Option<String>,
}

/// One login, detector and kind: what the ranked users are summed from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UserKindSum {
    pub user: String,
    pub detector: String,
    pub kind: String,
    pub alerts: usize,
    pub score: f64,
    /// The worst severity among them: 0 low, 1 medium, 2 high, 3 critical.
    pub worst: u8,
}

/// Final alerts counted per UTC day of their window start, detector, severity and the
/// login's unit (`None` when the store does not know it): every chart of the overview is
/// a sum of these rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AlertCount {
    pub day: String,
    pub detector: String,
    pub severity: String,
    pub unit: Option<String>,
    pub alerts: usize,
}

/// Adds a parameter and returns its placeholder.
fn bind(p: &mut Vec<Sql>, v: &str) -> String {
    p.push(Sql::Text(v.to_string()));
    format!("?{}", p.len())
}

/// `col` is one of `vs`.
fn one_of(p: &mut Vec<Sql>, col: &str, vs: &[String]) -> String {
    if let [one] = vs {
        // One value (the usual case) lets SQLite use the column's index directly.
        format!("{col} = {}", bind(p, one))
    } else {
        let json = serde_json::to_string(vs).unwrap_or_else(|_| "[]".into());
        format!("{col} IN (SELECT value FROM json_each({}))", bind(p, &json))
    }
}

/// The `WHERE` clause of a query (over `alerts a`) and its parameters.
fn filter_sql(q: &AlertQuery) -> (String, Vec<Sql>) {
    let mut w = vec!["a.final = 1".to_string()];
    let mut p: Vec<Sql> = Vec::new();
    if let Some(users) = &q.users {
        w.push(one_of(&mut p, "a.user", users));
    }
    if let Some(units) = &q.units {
        let inner = one_of(&mut p, "l.unit", units);
        w.push(format!(
            "a.user IN (SELECT l.user FROM logins l WHERE {inner})"
        ));
    }
    for (col, v) in [
        ("a.detector", &q.detector),
        ("a.kind", &q.kind),
        ("a.severity", &q.severity),
    ] {
        if let Some(v) = v {
            w.push(format!("{col} = {}", bind(&mut p, v)));
        }
    }
    if let Some(s) = &q.status {
        // Driven from the triage side: its rows are few next to the alerts.
        if s == "open" {
            w.push(format!(
                "a.alert_id NOT IN (SELECT alert_id FROM ({LATEST}) WHERE status <> 'open')"
            ));
        } else {
            w.push(format!(
                "a.alert_id IN (SELECT alert_id FROM ({LATEST}) WHERE status = {})",
                bind(&mut p, s)
            ));
        }
    }
    if let Some(from) = &q.from {
        w.push(format!("a.window_end >= {}", bind(&mut p, from)));
    }
    if let Some(to) = &q.to {
        w.push(format!("a.window_start <= {}", bind(&mut p, to)));
    }
    (w.join(" AND "), p)
}

impl Store {
    /// Registers `custodes_alert_token(alert_id)`, the token a viewer without names knows an
    /// alert by. The server passes its keyed function: which token stands for which alert
    /// is the view's business, and the key never reaches the store.
    pub(crate) fn set_alert_token(
        &self,
        token: impl Fn(&str) -> String + Send + 'static,
    ) -> Result<(), StoreError> {
        self.conn
            .create_scalar_function(
                "custodes_alert_token",
                1,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                move |ctx| Ok(token(ctx.get_raw(0).as_str().unwrap_or_default())),
            )
            .map_err(self.sql("registering the alert token function"))
    }

    /// Registers `custodes_before_end_of(ts, limit)`: whether an alert starting at `ts`
    /// is within an exception rule's expiry, exactly as [`crate::alert::suppress`] decides.
    pub(crate) fn register_rule_functions(&self) -> Result<(), StoreError> {
        self.conn
            .create_scalar_function(
                "custodes_before_end_of",
                2,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |ctx| {
                    let ts = ctx.get_raw(0).as_str().unwrap_or_default();
                    let limit = ctx.get_raw(1).as_str().unwrap_or_default();
                    Ok(crate::alert::suppress::before_end_of(ts, limit))
                },
            )
            .map_err(self.sql("registering the rule functions"))
    }

    fn parse_listed(
        &self,
        id: String,
        text: String,
        status: Option<String>,
        assignee: Option<String>,
    ) -> Result<Listed, StoreError> {
        let alert: Alert = serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
            path: self.path.clone(),
            alert_id: id,
            message: e.to_string(),
        })?;
        Ok(Listed {
            alert,
            status: status.unwrap_or_else(|| "open".into()),
            assignee,
        })
    }

    /// Final alerts with their latest decision, for `sql_where` (over `alerts a`), in
    /// `order_by`, at most `limit` from `offset`.
    fn listed(
        &self,
        sql_where: &str,
        mut p: Vec<Sql>,
        order_by: &str,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Listed>, StoreError> {
        let doing = "listing alerts";
        // Past i64::MAX SQLite would read a negative OFFSET as none: clamp instead.
        let clamp = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        p.push(Sql::Integer(clamp(limit)));
        p.push(Sql::Integer(clamp(offset)));
        let sql = format!(
            "SELECT a.alert_id, a.alert, t.status, t.assignee FROM alerts a
             LEFT JOIN triage t ON t.id = {LATEST_OF_A}
             WHERE {sql_where} ORDER BY {order_by} LIMIT ?{} OFFSET ?{}",
            p.len() - 1,
            p.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql(doing))?;
        let rows = stmt
            .query_map(params_from_iter(p), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(self.sql(doing))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, text, status, assignee) = row.map_err(self.sql(doing))?;
            out.push(self.parse_listed(id, text, status, assignee)?);
        }
        Ok(out)
    }

    /// One page of the final alerts matching `q`, in `order`, and how many match in all.
    pub(crate) fn list_alerts(
        &self,
        q: &AlertQuery,
        order: Order,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<Listed>), StoreError> {
        let (w, p) = filter_sql(q);
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM alerts a WHERE {w}"))
            .and_then(|mut s| s.query_row(params_from_iter(p.iter()), |r| r.get(0)))
            .map_err(self.sql("counting alerts"))?;
        let order_by = match order {
            Order::Serious => "a.score DESC, a.window_start DESC, a.alert_id",
            Order::SeriousByDayAndToken => {
                "a.score DESC, substr(a.window_start, 1, 10) DESC, custodes_alert_token(a.alert_id)"
            }
        };
        let rows = self.listed(&w, p, order_by, limit.min(MAX_PAGE), offset)?;
        Ok((total as usize, rows))
    }

    /// Per login, detector and kind: the final alerts matching `q`, their summed score and
    /// worst severity. Rows are bounded by logins times kinds, whatever the alerts.
    pub(crate) fn user_kind_sums(&self, q: &AlertQuery) -> Result<Vec<UserKindSum>, StoreError> {
        let doing = "ranking logins";
        let (w, p) = filter_sql(q);
        let sql = format!(
            "SELECT a.user, a.detector, a.kind, count(*), sum(a.score), max({})
             FROM alerts a WHERE {w} GROUP BY a.user, a.detector, a.kind
             ORDER BY a.user, a.detector, a.kind",
            crate::alert::Severity::rank_sql("a.severity")
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql(doing))?;
        let rows = stmt
            .query_map(params_from_iter(p), |r| {
                Ok(UserKindSum {
                    user: r.get(0)?,
                    detector: r.get(1)?,
                    kind: r.get(2)?,
                    alerts: r.get::<_, i64>(3)? as usize,
                    score: r.get(4)?,
                    worst: r.get::<_, i64>(5)? as u8,
                })
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// One final alert by its id.
    pub(crate) fn alert_by_id(&self, alert_id: &str) -> Result<Option<Listed>, StoreError> {
        Ok(self
            .listed(
                "a.final = 1 AND a.alert_id = ?1",
                vec![Sql::Text(alert_id.to_string())],
                "a.alert_id",
                1,
                0,
            )?
            .pop())
    }

    /// The final alert whose token (`custodes_alert_token`) is `token`. Tokens are keyed
    /// digests that cannot be indexed without the key in the store, so this computes the
    /// token of each final alert's id (reading only the ids, in SQL) and reads one alert.
    pub(crate) fn alert_by_token(&self, token: &str) -> Result<Option<Listed>, StoreError> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT alert_id FROM alerts WHERE final = 1 AND custodes_alert_token(alert_id) = ?1
                 LIMIT 1",
                [token],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql("finding an alert by its token"))?;
        match id {
            Some(id) => self.alert_by_id(&id),
            None => Ok(None),
        }
    }

    /// Whether the store holds an alert (final or open) of this id.
    pub(crate) fn alert_exists(&self, alert_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM alerts WHERE alert_id = ?1)",
                [alert_id],
                |r| r.get(0),
            )
            .map_err(self.sql("finding an alert"))
    }

    /// One login's final alerts whose window meets `from..=to`, in window order (then id).
    /// Bounded by what one login did in the period asked, not by the store.
    pub(crate) fn alerts_of_login(
        &self,
        user: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Listed>, StoreError> {
        self.listed(
            "a.final = 1 AND a.user = ?1 AND a.window_end >= ?2 AND a.window_start <= ?3",
            vec![
                Sql::Text(user.into()),
                Sql::Text(from.into()),
                Sql::Text(to.into()),
            ],
            "a.window_start, a.alert_id",
            usize::MAX >> 2,
            0,
        )
    }

    /// Every login with an alert (open or final), each once, read from the logins' index.
    pub(crate) fn alert_logins(&self) -> Result<Vec<String>, StoreError> {
        let doing = "reading the logins of alerts";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT user FROM alerts ORDER BY user")
            .map_err(self.sql(doing))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// Whether this login has a final alert.
    pub(crate) fn login_has_final_alert(&self, user: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM alerts WHERE user = ?1 AND final = 1)",
                [user],
                |r| r.get(0),
            )
            .map_err(self.sql("reading the logins of alerts"))
    }

    /// The overview's counts: final alerts per UTC day, detector, severity and unit. This
    /// is a scan of every final alert by nature (a count over all of them), done as one
    /// `GROUP BY` over the `alerts_ranked` index, so no alert is read into memory.
    pub(crate) fn alert_counts(&self) -> Result<Vec<AlertCount>, StoreError> {
        let doing = "counting alerts";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT substr(a.window_start, 1, 10) AS day, a.detector, a.severity, l.unit,
                        count(*)
                 FROM alerts a LEFT JOIN logins l ON l.user = a.user
                 WHERE a.final = 1
                 GROUP BY day, a.detector, a.severity, l.unit",
            )
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AlertCount {
                    day: r.get(0)?,
                    detector: r.get(1)?,
                    severity: r.get(2)?,
                    unit: r.get(3)?,
                    alerts: r.get::<_, i64>(4)? as usize,
                })
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// Final alerts per latest triage status (`open` for never triaged).
    pub(crate) fn alert_statuses(&self) -> Result<BTreeMap<String, usize>, StoreError> {
        let doing = "counting alerts by status";
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(t.status, 'open') AS s, count(*)
                 FROM alerts a LEFT JOIN triage t ON t.id = {LATEST_OF_A}
                 WHERE a.final = 1 GROUP BY s"
            ))
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// The final alerts an exception rule matches ([`crate::alert::suppress::matches`]),
    /// per latest triage status.
    pub(crate) fn rule_hits(
        &self,
        rule: &Exception,
    ) -> Result<BTreeMap<String, usize>, StoreError> {
        let doing = "previewing an exception rule";
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(t.status, 'open') AS s, count(*)
                 FROM alerts a LEFT JOIN triage t ON t.id = {LATEST_OF_A}
                 WHERE a.final = 1
                   AND (?1 IS NULL OR a.user = ?1)
                   AND (?2 IS NULL OR a.detector = ?2)
                   AND (?3 IS NULL OR a.kind = ?3)
                   AND (?4 IS NULL OR custodes_before_end_of(a.window_start, ?4))
                 GROUP BY s"
            ))
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map(
                params![rule.user, rule.detector, rule.kind, rule.expires],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)),
            )
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// Lookups per UTC day (`YYYY-MM-DD`, count), for the overview. Events are only ever
    /// added, in rowid order, so the days are counted once: events after the last counted
    /// rowid are added to `event_days` (in chunks, each one transaction), then the days
    /// are read.
    pub(crate) fn events_per_day(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let doing = "counting events per day";
        loop {
            let tx = self.conn.unchecked_transaction().map_err(self.sql(doing))?;
            // Take the write lock first, so two servers cannot count the same events.
            tx.execute(
                "INSERT OR IGNORE INTO event_days_done (id, upto) VALUES (1, 0)",
                [],
            )
            .map_err(self.sql(doing))?;
            let upto: i64 = tx
                .query_row("SELECT upto FROM event_days_done WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .map_err(self.sql(doing))?;
            let last: Option<i64> = tx
                .query_row(
                    "SELECT max(rowid) FROM (SELECT rowid FROM events WHERE rowid > ?1
                     ORDER BY rowid LIMIT ?2)",
                    params![upto, DAY_COUNT_CHUNK],
                    |r| r.get(0),
                )
                .map_err(self.sql(doing))?;
            let Some(last) = last else {
                tx.commit().map_err(self.sql(doing))?;
                break;
            };
            tx.execute(
                "INSERT INTO event_days (day, events)
                 SELECT substr(ts, 1, 10) AS d, count(*) FROM events
                 WHERE rowid > ?1 AND rowid <= ?2 GROUP BY d
                 ON CONFLICT (day) DO UPDATE SET events = event_days.events + excluded.events",
                params![upto, last],
            )
            .map_err(self.sql(doing))?;
            tx.execute("UPDATE event_days_done SET upto = ?1 WHERE id = 1", [last])
                .map_err(self.sql(doing))?;
            tx.commit().map_err(self.sql(doing))?;
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT day, events FROM event_days ORDER BY day")
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Severity;
    use crate::store::workbench::Triage;
    use crate::store::{Finality, OutFile};
    use rand::{Rng, SeedableRng};

    const USERS: [&str; 5] = ["ana", "bo", "cy", "di", "ed"];
    const DETECTORS: [(&str, &str); 4] = [
        ("self_query", "name_dob"),
        ("no_case", "missing"),
        ("no_case", "closed_case"),
        ("odd_volume", "burst"),
    ];
    const SEVERITIES: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// A store of `n` final alerts (and a few open ones), three logins in units, triage.
    fn fixture(n: usize) -> (tempfile::TempDir, Store, Vec<Listed>) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.put_logins([
            ("ana", Some("E1"), Some("TRAFFIC")),
            ("bo", Some("E2"), Some("TRAFFIC")),
            ("cy", Some("E3"), Some("FRAUD")),
            ("di", None, None),
        ])
        .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
        let mut all = Vec::new();
        let b = s.batch().unwrap();
        for i in 0..n + 5 {
            let (detector, kind) = DETECTORS[rng.random_range(0..DETECTORS.len())];
            let day = rng.random_range(1..=9);
            let hour = rng.random_range(0..24);
            let a = Alert {
                alert_id: format!("al-{:04x}-{i:03}", rng.random_range(0..60_000u32)),
                detector: detector.into(),
                kind: kind.into(),
                severity: SEVERITIES[rng.random_range(0..4)],
                // Few distinct scores and windows: ties must be broken as the view did.
                score: [0.3, 0.5, 0.8][rng.random_range(0..3)],
                user: USERS[rng.random_range(0..USERS.len())].into(),
                employee_id: None,
                window_start: format!("2024-05-0{day}T{hour:02}:00:00Z"),
                window_end: format!("2024-05-0{day}T{hour:02}:30:00Z"),
                event_ids: vec![format!("ev-{i}")],
                reason: "r".into(),
                evidence: serde_json::json!({}),
            };
            let final_ = i < n;
            b.alert(
                &a,
                if final_ {
                    Finality::Final
                } else {
                    Finality::Open
                },
                OutFile::NotUsed,
            )
            .unwrap();
            if final_ {
                all.push(Listed {
                    alert: a,
                    status: "open".into(),
                    assignee: None,
                });
            }
        }
        b.commit().unwrap();
        // Decisions on some alerts, some changed later (the latest counts), one back to open.
        for (k, l) in all.iter_mut().enumerate().filter(|(k, _)| k % 3 == 0) {
            let history: &[&str] = match k % 4 {
                0 => &["in_review", "confirmed"],
                1 => &["benign"],
                2 => &["false_positive", "open"],
                _ => &["in_review"],
            };
            for st in history {
                s.add_triage(&Triage {
                    alert_id: l.alert.alert_id.clone(),
                    status: st.to_string(),
                    assignee: Some("ia".into()),
                    note: None,
                    by: "ia".into(),
                    at: "t".into(),
                })
                .unwrap();
                l.status = st.to_string();
                l.assignee = Some("ia".into());
            }
        }
        (dir, s, all)
    }

    /// What the workbench did before the store could: every alert in memory, filtered and
    /// sorted in Rust.
    fn reference(all: &[Listed], q: &AlertQuery, units: &[(&str, &str)]) -> Vec<String> {
        let unit_of = |u: &str| units.iter().find(|(l, _)| *l == u).map(|(_, x)| *x);
        let mut v: Vec<&Listed> = all
            .iter()
            .filter(|l| {
                let a = &l.alert;
                q.users.as_ref().is_none_or(|us| us.contains(&a.user))
                    && q.units.as_ref().is_none_or(|us| {
                        unit_of(&a.user).is_some_and(|u| us.iter().any(|x| x == u))
                    })
                    && q.detector.as_ref().is_none_or(|d| *d == a.detector)
                    && q.kind.as_ref().is_none_or(|k| *k == a.kind)
                    && q.severity.as_ref().is_none_or(|s| s == a.severity.as_str())
                    && q.status.as_ref().is_none_or(|s| *s == l.status)
                    && q.from.as_ref().is_none_or(|f| a.window_end >= *f)
                    && q.to.as_ref().is_none_or(|t| a.window_start <= *t)
            })
            .collect();
        v.sort_by(|a, b| {
            b.alert
                .score
                .total_cmp(&a.alert.score)
                .then_with(|| b.alert.window_start.cmp(&a.alert.window_start))
                .then_with(|| a.alert.alert_id.cmp(&b.alert.alert_id))
        });
        v.iter().map(|l| l.alert.alert_id.clone()).collect()
    }

    #[test]
    fn filters_in_sql_select_what_the_in_memory_filters_did() {
        let (_dir, s, all) = fixture(300);
        let units = [("ana", "TRAFFIC"), ("bo", "TRAFFIC"), ("cy", "FRAUD")];
        let some = |v: &str| Some(v.to_string());
        let mut queries = vec![AlertQuery::default()];
        for u in ["ana", "di", "nobody"] {
            queries.push(AlertQuery {
                users: Some(vec![u.into()]),
                ..AlertQuery::default()
            });
        }
        queries.push(AlertQuery {
            users: Some(vec!["bo".into(), "ed".into()]),
            ..AlertQuery::default()
        });
        queries.push(AlertQuery {
            users: Some(vec![]),
            ..AlertQuery::default()
        });
        for units in [vec!["TRAFFIC"], vec!["TRAFFIC", "FRAUD"], vec![]] {
            queries.push(AlertQuery {
                units: Some(units.iter().map(|u| u.to_string()).collect()),
                ..AlertQuery::default()
            });
        }
        for st in [
            "open",
            "confirmed",
            "benign",
            "in_review",
            "false_positive",
            "closed",
        ] {
            queries.push(AlertQuery {
                status: some(st),
                ..AlertQuery::default()
            });
        }
        queries.push(AlertQuery {
            detector: some("no_case"),
            kind: some("missing"),
            severity: some("high"),
            ..AlertQuery::default()
        });
        queries.push(AlertQuery {
            from: some("2024-05-03T10:15:00Z"),
            to: some("2024-05-05T23:59:59.999999Z"),
            status: some("open"),
            units: Some(vec!["TRAFFIC".into()]),
            ..AlertQuery::default()
        });
        let mut matched = 0;
        for q in &queries {
            let want = reference(&all, q, &units);
            let (total, rows) = s.list_alerts(q, Order::Serious, 0, MAX_PAGE).unwrap();
            let got: Vec<String> = rows.iter().map(|l| l.alert.alert_id.clone()).collect();
            assert_eq!(got, want, "{q:?}");
            assert_eq!(total, want.len(), "{q:?}");
            matched += total;
            // The rows carry their latest decision.
            for l in &rows {
                let r = all.iter().find(|x| x.alert.alert_id == l.alert.alert_id);
                assert_eq!(Some(l), r);
            }
        }
        assert!(matched > 300, "the queries select something: {matched}");
    }

    #[test]
    fn pages_follow_each_other_and_are_capped() {
        let (_dir, s, all) = fixture(230);
        let q = AlertQuery::default();
        let want = reference(&all, &q, &[]);
        let mut got = Vec::new();
        for page in 0..5 {
            let (total, rows) = s.list_alerts(&q, Order::Serious, page * 50, 50).unwrap();
            assert_eq!(total, 230);
            assert_eq!(rows.len(), if page < 4 { 50 } else { 30 });
            got.extend(rows.into_iter().map(|l| l.alert.alert_id));
        }
        assert_eq!(got, want);
        let (_, rows) = s.list_alerts(&q, Order::Serious, 0, 5000).unwrap();
        assert_eq!(rows.len(), 230);
        let (_, rows) = s.list_alerts(&q, Order::Serious, 1000, 10).unwrap();
        assert!(rows.is_empty());
    }

    #[test]
    fn tokens_order_lists_by_day_and_find_alerts() {
        let (_dir, s, all) = fixture(120);
        s.set_alert_token(|id| format!("T-{}", id.chars().rev().collect::<String>()))
            .unwrap();
        let (_, rows) = s
            .list_alerts(&AlertQuery::default(), Order::SeriousByDayAndToken, 0, 1000)
            .unwrap();
        let key = |l: &Listed| {
            (
                -((l.alert.score * 10.0) as i64),
                std::cmp::Reverse(l.alert.window_start[..10].to_string()),
                format!("T-{}", l.alert.alert_id.chars().rev().collect::<String>()),
            )
        };
        let mut want: Vec<&Listed> = all.iter().collect();
        want.sort_by_key(|l| key(l));
        let want: Vec<&str> = want.iter().map(|l| l.alert.alert_id.as_str()).collect();
        let got: Vec<&str> = rows.iter().map(|l| l.alert.alert_id.as_str()).collect();
        assert_eq!(got, want);
        let last = &all[all.len() - 1].alert.alert_id;
        let token = format!("T-{}", last.chars().rev().collect::<String>());
        assert_eq!(
            s.alert_by_token(&token).unwrap().map(|l| l.alert.alert_id),
            Some(last.clone())
        );
        assert_eq!(
            s.alert_by_token(last).unwrap(),
            None,
            "an id is not a token"
        );
        assert_eq!(
            s.alert_by_id(last).unwrap().map(|l| l.alert.alert_id),
            Some(last.clone())
        );
    }

    #[test]
    fn sums_counts_and_rule_hits_agree_with_the_alerts() {
        let (_dir, s, all) = fixture(200);
        let sums = s.user_kind_sums(&AlertQuery::default()).unwrap();
        assert_eq!(sums.iter().map(|x| x.alerts).sum::<usize>(), 200);
        for x in &sums {
            let of: Vec<&Alert> = all
                .iter()
                .map(|l| &l.alert)
                .filter(|a| a.user == x.user && a.detector == x.detector && a.kind == x.kind)
                .collect();
            assert_eq!(of.len(), x.alerts);
            let score: f64 = of.iter().map(|a| a.score).sum();
            assert!((score - x.score).abs() < 1e-9);
        }
        let counts = s.alert_counts().unwrap();
        assert_eq!(counts.iter().map(|c| c.alerts).sum::<usize>(), 200);
        let traffic: usize = counts
            .iter()
            .filter(|c| c.unit.as_deref() == Some("TRAFFIC"))
            .map(|c| c.alerts)
            .sum();
        let want = all
            .iter()
            .filter(|l| ["ana", "bo"].contains(&l.alert.user.as_str()))
            .count();
        assert_eq!(traffic, want);
        let statuses = s.alert_statuses().unwrap();
        for (st, n) in &statuses {
            assert_eq!(*n, all.iter().filter(|l| l.status == *st).count(), "{st}");
        }
        assert_eq!(statuses.values().sum::<usize>(), 200);
        let rule = Exception {
            id: 0,
            user: Some("ana".into()),
            detector: Some("no_case".into()),
            kind: None,
            owner: "o".into(),
            reason: "r".into(),
            expires: Some("2024-05-04".into()),
            created_by: "a".into(),
            created_at: "t".into(),
            revoked_at: None,
        };
        let hits = s.rule_hits(&rule).unwrap();
        let want = all
            .iter()
            .filter(|l| crate::alert::suppress::matches(&rule, &l.alert))
            .count();
        assert!(want > 0);
        assert_eq!(hits.values().sum::<usize>(), want);
        assert!(s.alert_exists(&all[0].alert.alert_id).unwrap());
        assert!(!s.alert_exists("al-none").unwrap());
    }

    #[test]
    fn events_per_day_counts_each_event_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let add = |s: &mut Store, ids: &[(&str, &str)]| {
            let b = s.batch().unwrap();
            for (id, ts) in ids {
                b.event(id, ts, "ana", "{}").unwrap();
            }
            b.commit().unwrap();
        };
        assert!(s.events_per_day().unwrap().is_empty());
        add(
            &mut s,
            &[
                ("e1", "2024-05-01T10:00:00Z"),
                ("e2", "2024-05-01T11:00:00Z"),
            ],
        );
        assert_eq!(s.events_per_day().unwrap(), [("2024-05-01".into(), 2)]);
        assert_eq!(s.events_per_day().unwrap(), [("2024-05-01".into(), 2)]);
        // A replayed event is not stored twice, so not counted twice.
        add(
            &mut s,
            &[
                ("e2", "2024-05-01T11:00:00Z"),
                ("e3", "2024-05-02T00:00:00Z"),
            ],
        );
        assert_eq!(
            s.events_per_day().unwrap(),
            [("2024-05-01".into(), 2), ("2024-05-02".into(), 1)]
        );
    }
}
