//! An alert as an OCSF Detection Finding (class 2004, OCSF 1.5.0), for SIEMs that
//! normalise on OCSF (Amazon Security Lake, Splunk, Sentinel's ASIM mappings).
//!
//! The finding's `finding_info.uid` is the alert's stable `alert_id`, so a SIEM that is sent
//! the same alert twice (a retried batch, a re-run audit) can deduplicate it. The login is
//! the actor; the person looked up, when the alert names one, is the resource; the alert's
//! evidence travels whole as the evidence's `data`. This module only maps: it must not
//! decide anything about an alert (severity, score and wording come from the detectors) and
//! must not read the clock, so the same alert always gives the same finding.

use serde_json::{json, Map, Value};

use crate::alert::{Alert, Severity};

/// The OCSF schema version the findings follow.
pub const OCSF_VERSION: &str = "1.5.0";

/// OCSF `severity_id` and its caption for a custodes severity (OCSF: 2 Low, 3 Medium,
/// 4 High, 5 Critical; custodes never says Informational or Fatal).
pub fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// Unix milliseconds of an RFC 3339 time (the alert's window); `None` when it does not
/// parse, which an alert built by custodes never does.
fn millis(ts: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The Detection Finding for one alert.
pub fn finding(alert: &Alert) -> Value {
    let (severity_id, severity_name) = severity(alert.severity);
    let start = millis(&alert.window_start);
    let end = millis(&alert.window_end);
    // The finding's time is when what it reports last happened: the end of the window.
    let time = end.or(start).unwrap_or(0);
    let evidence = alert.evidence.as_object();
    let text = |k: &str| evidence.and_then(|e| e.get(k)).and_then(Value::as_str);

    let mut user = Map::new();
    user.insert("name".into(), json!(alert.user));
    if let Some(e) = &alert.employee_id {
        user.insert("uid".into(), json!(e));
    }
    // 1 = User (a person's account), as OCSF distinguishes from admin and system accounts.
    user.insert("type_id".into(), json!(1));
    user.insert("type".into(), json!("User"));
    let mut actor = Map::new();
    actor.insert("user".into(), Value::Object(user));
    if let Some(s) = text("session") {
        actor.insert("session".into(), json!({ "uid": s }));
    }
    if let Some(app) = text("system") {
        actor.insert("app_name".into(), json!(app));
    }
    let mut ev = Map::new();
    ev.insert("actor".into(), Value::Object(actor));
    let mut src = Map::new();
    if let Some(ip) = text("ip").filter(|ip| ip.parse::<std::net::IpAddr>().is_ok()) {
        src.insert("ip".into(), json!(ip));
    }
    if let Some(client) = text("client") {
        src.insert("hostname".into(), json!(client));
    }
    if !src.is_empty() {
        ev.insert("src_endpoint".into(), Value::Object(src));
    }
    ev.insert("data".into(), alert.evidence.clone());

    let mut finding_info = Map::new();
    finding_info.insert("uid".into(), json!(alert.alert_id));
    finding_info.insert(
        "title".into(),
        json!(format!("{}: {}", alert.detector, alert.kind)),
    );
    finding_info.insert("desc".into(), json!(alert.reason));
    finding_info.insert("types".into(), json!([alert.detector, alert.kind]));
    finding_info.insert(
        "analytic".into(),
        // 1 = Rule: each detector is a named rule with a documented outline.
        json!({"type_id": 1, "type": "Rule", "name": alert.detector, "uid": format!("{}/{}", alert.detector, alert.kind)}),
    );
    if let Some(s) = start {
        finding_info.insert("first_seen_time".into(), json!(s));
    }
    if let Some(e) = end {
        finding_info.insert("last_seen_time".into(), json!(e));
    }
    finding_info.insert(
        "related_events".into(),
        Value::Array(
            alert
                .event_ids
                .iter()
                .map(|id| json!({ "uid": id }))
                .collect(),
        ),
    );
    finding_info.insert("related_events_count".into(), json!(alert.event_ids.len()));

    let mut out = Map::new();
    let fixed = [
        ("class_uid", json!(2004)),
        ("class_name", json!("Detection Finding")),
        ("category_uid", json!(2)),
        ("category_name", json!("Findings")),
        ("activity_id", json!(1)),
        ("activity_name", json!("Create")),
        ("type_uid", json!(200401)),
        ("type_name", json!("Detection Finding: Create")),
        ("severity_id", json!(severity_id)),
        ("severity", json!(severity_name)),
        ("time", json!(time)),
        ("status_id", json!(1)),
        ("status", json!("New")),
        ("is_alert", json!(true)),
        ("message", json!(alert.reason)),
        // The score (0–1) says how sure and how serious; OCSF wants 0–100.
        ("risk_score", json!((alert.score * 100.0).round() as i64)),
        ("count", json!(alert.event_ids.len())),
    ];
    for (k, v) in fixed {
        out.insert(k.into(), v);
    }
    if let Some(s) = start {
        out.insert("start_time".into(), json!(s));
    }
    if let Some(e) = end {
        out.insert("end_time".into(), json!(e));
    }
    out.insert(
        "metadata".into(),
        json!({
            "version": OCSF_VERSION,
            "product": {
                "name": "custodes",
                "vendor_name": "custodes",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "log_name": "alerts",
            "uid": alert.alert_id,
        }),
    );
    out.insert("finding_info".into(), Value::Object(finding_info));
    out.insert("evidences".into(), json!([Value::Object(ev)]));
    if let Some(person) = person_resource(alert) {
        out.insert("resources".into(), json!([person]));
    }
    out.insert(
        "unmapped".into(),
        json!({"custodes": {"alert_id": alert.alert_id, "detector": alert.detector, "kind": alert.kind, "score": alert.score}}),
    );
    Value::Object(out)
}

/// The person the alert is about, as the detectors name them (`matched_person` for the
/// identity detectors, `person` for `subject_surge`), with what the user typed as data.
/// Alerts about a login's behaviour alone (volume, shared credentials) have none.
fn person_resource(alert: &Alert) -> Option<Value> {
    let e = alert.evidence.as_object()?;
    let name = e
        .get("matched_person")
        .or_else(|| e.get("person"))
        .and_then(Value::as_str);
    let searched = e.get("searched").filter(|s| !s.is_null());
    if name.is_none() && searched.is_none() {
        return None;
    }
    let mut r = Map::new();
    r.insert("type".into(), json!("Person"));
    // OCSF wants a resource named or identified: without a matched person, what was typed
    // names them (`last_name: Pell; first_name: Ruth`).
    let typed = || {
        searched
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| match v.as_str() {
                        Some(s) => format!("{k}: {s}"),
                        None => format!("{k}: {v}"),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .filter(|s| !s.is_empty())
    };
    match name.map(str::to_string).or_else(typed) {
        Some(n) => {
            r.insert("name".into(), json!(n));
        }
        None => return None,
    }
    if let Some(id) = searched
        .and_then(|s| s.get("person_id"))
        .and_then(Value::as_str)
    {
        r.insert("uid".into(), json!(id));
    }
    if let Some(s) = searched {
        r.insert("data".into(), json!({ "searched": s }));
    }
    Some(Value::Object(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert() -> Alert {
        serde_json::from_value(json!({
            "alert_id": "al-9d48db9bfb64df5d", "detector": "association_lookup",
            "kind": "protected_party", "severity": "critical", "score": 0.85,
            "user": "jromero", "employee_id": "E98958",
            "window_start": "2024-05-02T07:39:02Z", "window_end": "2024-05-02T07:40:02Z",
            "event_ids": ["ev-1", "ev-2"], "reason": "Looked up DAVIS, JOHN.",
            "evidence": {"matched_person": "DAVIS, JOHN (DOB 2002-11-17)",
                         "searched": {"phone": "1-555-014-9648"}, "ip": "10.4.0.22",
                         "session": "S1", "client": "WS-1"}
        }))
        .unwrap()
    }

    #[test]
    fn the_alert_id_is_the_finding_uid_and_the_person_a_resource() {
        let f = finding(&alert());
        assert_eq!(f["finding_info"]["uid"], "al-9d48db9bfb64df5d");
        assert_eq!(f["severity_id"], 5);
        assert_eq!(f["time"], 1714635602000i64);
        assert_eq!(f["start_time"], 1714635542000i64);
        assert_eq!(f["evidences"][0]["actor"]["user"]["name"], "jromero");
        assert_eq!(f["evidences"][0]["actor"]["user"]["uid"], "E98958");
        assert_eq!(f["evidences"][0]["src_endpoint"]["ip"], "10.4.0.22");
        assert_eq!(f["resources"][0]["name"], "DAVIS, JOHN (DOB 2002-11-17)");
        assert_eq!(f["risk_score"], 85);
        assert_eq!(f["finding_info"]["related_events_count"], 2);
        // The same alert gives the same finding, byte for byte.
        assert_eq!(f.to_string(), finding(&alert()).to_string());
    }

    #[test]
    fn a_behaviour_alert_has_no_person_and_a_bad_ip_is_left_out() {
        let mut a = alert();
        a.evidence = json!({"observed": 128, "ip": "not-an-ip"});
        let f = finding(&a);
        assert!(f.get("resources").is_none());
        assert!(f["evidences"][0].get("src_endpoint").is_none());
    }
}
