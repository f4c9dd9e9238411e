//! The alert: what custodes tells an investigator (contract §3), and its severity policy.
//!
//! Alert ids are derived from what the alert is about (detector, kind, user, the person or
//! case it concerns, and its day), never from run order or the clock, so the same input and
//! configuration give the same ids in a batch audit and in the streaming service.

pub mod sink;
pub(crate) mod suppress;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Severity, ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The one scale every comparison of severities uses — the store's SQL, the lists,
    /// the charts: low 0, medium 1, high 2, critical 3 (the enum's order).
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The severity of a rank ([`Severity::rank`]); above 3 is critical.
    pub(crate) fn from_rank(rank: u8) -> Severity {
        Severity::ALL[usize::from(rank.min(3))]
    }

    /// The rank of a severity stored as text; text that is no severity ranks with low.
    pub(crate) fn rank_of(text: &str) -> u8 {
        text.parse::<Severity>().map_or(0, Severity::rank)
    }

    /// SQL giving the rank of the severity text in `column`, on the same scale.
    pub(crate) fn rank_sql(column: &str) -> String {
        let mut sql = format!("CASE {column}");
        for s in Severity::ALL {
            sql.push_str(&format!(" WHEN '{}' THEN {}", s.as_str(), s.rank()));
        }
        sql.push_str(" ELSE 0 END");
        sql
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn up(self) -> Severity {
        match self {
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    pub fn down(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }

    /// The weight a severity contributes to an alert's score (see [`score`]).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Low => 0.3,
            Severity::Medium => 0.55,
            Severity::High => 0.8,
            Severity::Critical => 1.0,
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "`{other}` is not a severity (low, medium, high, critical)"
            )),
        }
    }
}

/// The score policy: how serious (severity weight) times how sure (match strength, 0–1),
/// rounded to three decimals so that it prints and compares stably.
pub fn score(severity: Severity, strength: f64) -> f64 {
    let s = severity.weight() * strength.clamp(0.0, 1.0);
    (s * 1000.0).round() / 1000.0
}

/// One alert, exactly the contract's fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub alert_id: String,
    pub detector: String,
    pub kind: String,
    pub severity: Severity,
    pub score: f64,
    pub user: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    pub window_start: String,
    pub window_end: String,
    pub event_ids: Vec<String>,
    pub reason: String,
    pub evidence: Value,
}

/// A stable id: the first 16 hex digits of SHA-256 over the alert's identity.
pub fn alert_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    let digest = h.finalize();
    let mut s = String::with_capacity(19);
    s.push_str("al-");
    for b in digest.iter().take(8) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store's SQL, the lists and the charts rank severities on one scale.
    #[test]
    fn severities_rank_the_same_in_sql_and_in_rust() {
        let db = rusqlite::Connection::open_in_memory().expect("sqlite");
        let sql = format!("SELECT {}", Severity::rank_sql("?1"));
        for s in Severity::ALL {
            let in_sql: u8 = db
                .query_row(&sql, [s.as_str()], |r| r.get(0))
                .expect("rank");
            assert_eq!(in_sql, s.rank(), "{s:?}");
            assert_eq!(Severity::rank_of(s.as_str()), s.rank());
            assert_eq!(Severity::from_rank(s.rank()), s);
        }
        let bogus: u8 = db.query_row(&sql, ["bogus"], |r| r.get(0)).expect("rank");
        assert_eq!(bogus, Severity::rank_of("bogus"));
        assert!(Severity::Low.rank() < Severity::Critical.rank());
    }

    #[test]
    fn ids_are_stable_and_separate_parts() {
        assert_eq!(alert_id(&["a", "bc"]), alert_id(&["a", "bc"]));
        assert_ne!(alert_id(&["a", "bc"]), alert_id(&["ab", "c"]));
        assert_eq!(alert_id(&["x"]).len(), 19);
    }

    #[test]
    fn score_orders_by_severity_then_strength() {
        assert!(score(Severity::Critical, 0.9) > score(Severity::High, 0.9));
        assert!(score(Severity::High, 1.0) > score(Severity::High, 0.5));
        assert!((0.0..=1.0).contains(&score(Severity::Critical, 7.0)));
    }
}
