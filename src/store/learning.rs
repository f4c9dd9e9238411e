//! Learning from triage: what investigators decided about past alerts, counted in SQL.
//!
//! Two questions are answered here. How were alerts disposed — per detector, kind and
//! unit, how many were confirmed, benign or false positives — which is the precision an
//! oversight office asks about. And which patterns (a login, its unit, a detector, a kind
//! and the purpose the source gave) have been marked benign again and again and never
//! confirmed: candidates for an exception rule.
//!
//! What it must not do: decide who may see these rows (the server's view does: per-login
//! proposals are an admin's), or create or change a rule. A proposal is only ever a
//! suggestion; nothing is suppressed until an admin adds the rule.

use rusqlite::params;

use super::{Store, StoreError};

/// How many alerts of one pattern must have been marked benign (their latest decision),
/// with none confirmed, before the exceptions page proposes a rule for it.
pub(crate) const PROPOSE_AFTER_BENIGN: i64 = 5;

/// How the final alerts of one detector, kind and unit were disposed (latest decision).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disposition {
    pub detector: String,
    pub kind: String,
    /// The login's unit; `None` when the store does not know it.
    pub unit: Option<String>,
    pub alerts: i64,
    pub confirmed: i64,
    pub benign: i64,
    pub false_positive: i64,
}

impl Disposition {
    /// Alerts with a final decision (confirmed, benign or false positive).
    pub fn decided(&self) -> i64 {
        self.confirmed + self.benign + self.false_positive
    }

    /// Share of decided alerts that were confirmed, when any was decided.
    pub fn precision(&self) -> Option<f64> {
        let d = self.decided();
        (d > 0).then(|| self.confirmed as f64 / d as f64)
    }
}

/// A pattern marked benign repeatedly and never confirmed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BenignPattern {
    pub user: String,
    pub unit: Option<String>,
    pub detector: String,
    pub kind: String,
    /// The purpose the alert's events gave (`evidence.purpose`), when any.
    pub purpose: Option<String>,
    /// Final alerts of the pattern, and those whose latest decision is benign.
    pub alerts: i64,
    pub benign: i64,
    /// The earliest and latest window start among them.
    pub first: String,
    pub last: String,
}

/// The latest decision of every alert that has one, and the alerts with their unit and
/// purpose: shared by both questions.
/// The latest decision is found per alert through `triage_by_alert`: joining a table of
/// latest decisions instead has no index and costs alerts times decisions (issue 13).
const DECIDED: &str = "
WITH decided AS (
    SELECT a.alert_id, a.user, a.detector, a.kind, a.window_start, l.unit,
           json_extract(a.alert, '$.evidence.purpose') AS purpose,
           t.status
    FROM alerts a
    LEFT JOIN triage t ON t.id = (SELECT max(id) FROM triage WHERE alert_id = a.alert_id)
    LEFT JOIN logins l ON l.user = a.user
    WHERE a.final = 1
)";

impl Store {
    /// Per detector, kind and unit: final alerts and how many were confirmed, benign or
    /// false positives (their latest decision), sorted by detector, kind, unit.
    pub fn dispositions(&self) -> Result<Vec<Disposition>, StoreError> {
        let sql = format!(
            "{DECIDED}
            SELECT detector, kind, unit, count(*),
                   coalesce(sum(status = 'confirmed'), 0),
                   coalesce(sum(status = 'benign'), 0),
                   coalesce(sum(status = 'false_positive'), 0)
            FROM decided
            GROUP BY detector, kind, unit
            ORDER BY detector, kind, unit"
        );
        let doing = "counting dispositions";
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Disposition {
                    detector: r.get(0)?,
                    kind: r.get(1)?,
                    unit: r.get(2)?,
                    alerts: r.get(3)?,
                    confirmed: r.get(4)?,
                    benign: r.get(5)?,
                    false_positive: r.get(6)?,
                })
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// Patterns (login, unit, detector, kind, purpose) with at least `min_benign` alerts
    /// whose latest decision is benign and none confirmed, most benign first.
    pub(crate) fn benign_patterns(
        &self,
        min_benign: i64,
    ) -> Result<Vec<BenignPattern>, StoreError> {
        let sql = format!(
            "{DECIDED}
            SELECT user, unit, detector, kind, purpose, count(*) AS n,
                   coalesce(sum(status = 'benign'), 0) AS benign,
                   coalesce(sum(status = 'confirmed'), 0) AS confirmed,
                   min(window_start), max(window_start)
            FROM decided
            -- Only logins, detectors and kinds with a benign decision can be a pattern: the
            -- purpose is read from the JSON of their alerts, not of every alert.
            WHERE (user, detector, kind) IN (
                SELECT b.user, b.detector, b.kind FROM triage bt
                JOIN alerts b ON b.alert_id = bt.alert_id WHERE bt.status = 'benign')
            GROUP BY user, unit, detector, kind, purpose
            HAVING benign >= ?1 AND confirmed = 0
            ORDER BY benign DESC, user, detector, kind, purpose"
        );
        let doing = "finding benign patterns";
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql(doing))?;
        let rows = stmt
            .query_map(params![min_benign], |r| {
                // A purpose that is not text (a number in a source's field) is shown as
                // its JSON.
                let purpose: Option<rusqlite::types::Value> = r.get(4)?;
                Ok(BenignPattern {
                    user: r.get(0)?,
                    unit: r.get(1)?,
                    detector: r.get(2)?,
                    kind: r.get(3)?,
                    purpose: purpose.and_then(|v| match v {
                        rusqlite::types::Value::Text(s) => Some(s),
                        rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                        rusqlite::types::Value::Real(x) => Some(x.to_string()),
                        _ => None,
                    }),
                    alerts: r.get(5)?,
                    benign: r.get(6)?,
                    first: r.get(8)?,
                    last: r.get(9)?,
                })
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }
}
