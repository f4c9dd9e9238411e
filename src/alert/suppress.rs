//! Exceptions: which alerts an investigator-approved suppression rule hides.
//!
//! A rule names a login, a detector and/or a kind (unnamed = any) and may expire; it hides
//! the alerts that match it and start before it expires (the expiry date is inclusive). A
//! revoked rule hides nothing from its revocation on. This module decides matches only;
//! rules live in the store (which keeps this type) and are made by admins in `custodes serve`.

use crate::alert::Alert;

/// A suppression rule. `None` fields match anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exception {
    pub id: i64,
    pub user: Option<String>,
    pub detector: Option<String>,
    pub kind: Option<String>,
    pub owner: String,
    pub reason: String,
    /// RFC 3339 date or time after which the rule no longer applies.
    pub expires: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Whether `rule` names this alert's login, detector and kind and had not expired when
/// the alert's window started (revocation is not considered: previews use this).
pub fn matches(rule: &Exception, a: &Alert) -> bool {
    let same = |want: &Option<String>, got: &str| want.as_deref().is_none_or(|w| w == got);
    same(&rule.user, &a.user)
        && same(&rule.detector, &a.detector)
        && same(&rule.kind, &a.kind)
        && rule
            .expires
            .as_deref()
            .is_none_or(|e| before_end_of(&a.window_start, e))
}

/// Whether `rule` hides this alert now: it matches, and was not revoked before the
/// alert's window started.
pub fn hides(rule: &Exception, a: &Alert) -> bool {
    matches(rule, a)
        && rule
            .revoked_at
            .as_deref()
            .is_none_or(|r| a.window_start.as_str() < r)
}

/// `ts` (RFC 3339) is at or before `limit` (a date, inclusive, or an RFC 3339 time).
pub(crate) fn before_end_of(ts: &str, limit: &str) -> bool {
    if limit.len() == 10 {
        ts.get(..10).is_some_and(|d| d <= limit)
    } else {
        match (
            chrono::DateTime::parse_from_rfc3339(ts),
            chrono::DateTime::parse_from_rfc3339(limit),
        ) {
            (Ok(t), Ok(l)) => t <= l,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(user: Option<&str>, detector: Option<&str>, expires: Option<&str>) -> Exception {
        Exception {
            id: 1,
            user: user.map(str::to_string),
            detector: detector.map(str::to_string),
            kind: None,
            owner: "o".into(),
            reason: "r".into(),
            expires: expires.map(str::to_string),
            created_by: "admin".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
        }
    }

    fn alert(user: &str, detector: &str, start: &str) -> Alert {
        Alert {
            alert_id: "al-1".into(),
            detector: detector.into(),
            kind: "k".into(),
            severity: crate::alert::Severity::Low,
            score: 0.1,
            user: user.into(),
            employee_id: None,
            window_start: start.into(),
            window_end: start.into(),
            event_ids: vec![],
            reason: String::new(),
            evidence: serde_json::Value::Null,
        }
    }

    #[test]
    fn rules_match_by_field_and_expire_inclusively() {
        let a = alert("svc_bg", "odd_volume", "2026-05-31T23:00:00Z");
        assert!(matches(&rule(Some("svc_bg"), None, None), &a));
        assert!(!matches(&rule(Some("other"), None, None), &a));
        assert!(matches(
            &rule(Some("svc_bg"), Some("odd_volume"), Some("2026-05-31")),
            &a
        ));
        assert!(!matches(
            &rule(None, Some("odd_volume"), Some("2026-05-30")),
            &a
        ));
        assert!(!matches(&rule(None, Some("no_case"), None), &a));
        let mut r = rule(Some("svc_bg"), None, None);
        r.revoked_at = Some("2026-05-01T00:00:00Z".into());
        assert!(matches(&r, &a) && !hides(&r, &a));
    }
}
