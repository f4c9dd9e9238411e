//! An alert as an ArcSight Common Event Format (CEF:0) message inside an RFC 5424 syslog
//! frame with octet counting (RFC 6587 §3.4.1), for ArcSight, QRadar and Sentinel's CEF
//! connector.
//!
//! Escaping follows the CEF specification: in the header, `\` and `|`; in extension
//! values, `\`, `=` and line breaks (written `\n` and `\r`). Header fields cannot carry a
//! line break at all, so one is replaced by a space. This module only formats; sending is
//! `syslog.rs`. It must not decide anything about an alert.

use std::fmt::Write as _;

use serde_json::Value;

use crate::alert::{Alert, Severity};

/// CEF severity 0–10 for a custodes severity (the spec's bands: 0–3 low, 4–6 medium,
/// 7–8 high, 9–10 very high).
pub(crate) fn cef_severity(s: Severity) -> u8 {
    match s {
        Severity::Low => 3,
        Severity::Medium => 5,
        Severity::High => 8,
        Severity::Critical => 10,
    }
}

/// Syslog severity (RFC 5424 §6.2.1) for a custodes severity.
pub(crate) fn syslog_severity(s: Severity) -> u8 {
    match s {
        Severity::Critical => 2, // crit
        Severity::High => 3,     // err
        Severity::Medium => 4,   // warning
        Severity::Low => 5,      // notice
    }
}

/// Escapes a CEF header field: `\` and `|`; a line break becomes a space (the header is
/// one line and the spec has no escape for it).
pub(crate) fn escape_header(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '|' => o.push_str("\\|"),
            '\r' | '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Escapes a CEF extension value: `\`, `=`, and line breaks as `\n` / `\r`.
pub(crate) fn escape_extension(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '=' => o.push_str("\\="),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

/// Longest value of a `cs` custom string the spec allows (4000 characters); the event id
/// list of a large behaviour alert is cut there, the full list being in the alert itself.
const CS_MAX: usize = 4000;

fn millis(ts: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The CEF message for one alert (no syslog header).
pub fn message(alert: &Alert) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "CEF:0|custodes|custodes|{}|{}|{}|{}|",
        escape_header(env!("CARGO_PKG_VERSION")),
        escape_header(&format!("{}/{}", alert.detector, alert.kind)),
        escape_header(&format!("{}: {}", alert.detector, alert.kind)),
        cef_severity(alert.severity),
    );
    let evidence = alert.evidence.as_object();
    let text = |k: &str| evidence.and_then(|e| e.get(k)).and_then(Value::as_str);
    let person = text("matched_person").or_else(|| text("person"));
    let mut ids = String::new();
    for id in &alert.event_ids {
        if ids.len() + id.len() + 1 > CS_MAX {
            break;
        }
        if !ids.is_empty() {
            ids.push(',');
        }
        ids.push_str(id);
    }
    let mut ext: Vec<(&str, String)> = vec![
        ("externalId", alert.alert_id.clone()),
        ("cat", alert.detector.clone()),
        ("suser", alert.user.clone()),
    ];
    if let Some(e) = &alert.employee_id {
        ext.push(("suid", e.clone()));
    }
    if let Some(t) = millis(&alert.window_start) {
        ext.push(("start", t.to_string()));
    }
    if let Some(t) = millis(&alert.window_end) {
        ext.push(("end", t.to_string()));
    }
    ext.push(("cnt", alert.event_ids.len().to_string()));
    if let Some(ip) = text("ip").filter(|ip| ip.parse::<std::net::IpAddr>().is_ok()) {
        ext.push(("src", ip.to_string()));
    }
    if let Some(c) = text("client") {
        ext.push(("shost", c.to_string()));
    }
    ext.push(("cs1Label", "kind".into()));
    ext.push(("cs1", alert.kind.clone()));
    if let Some(p) = person {
        ext.push(("cs2Label", "lookedUpPerson".into()));
        ext.push(("cs2", p.to_string()));
    }
    ext.push(("cs3Label", "eventIds".into()));
    ext.push(("cs3", ids));
    ext.push(("cfp1Label", "score".into()));
    ext.push(("cfp1", alert.score.to_string()));
    ext.push(("msg", alert.reason.clone()));
    for (i, (k, v)) in ext.iter().enumerate() {
        if i > 0 {
            o.push(' ');
        }
        let _ = write!(o, "{k}={}", escape_extension(v));
    }
    o
}

/// One RFC 5424 message in an octet-counted frame: `LEN SP <PRI>1 TIMESTAMP HOSTNAME
/// APP-NAME PROCID MSGID - MSG`. `hostname` and `app_name` are checked when the sink is
/// built (printable ASCII without spaces).
pub fn frame(
    alert: &Alert,
    facility: u8,
    hostname: &str,
    app_name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let pri = u16::from(facility) * 8 + u16::from(syslog_severity(alert.severity));
    let msg = format!(
        "<{pri}>1 {} {hostname} {app_name} {} alert - {}",
        now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        std::process::id(),
        message(alert)
    );
    let mut out = format!("{} ", msg.len()).into_bytes();
    out.extend_from_slice(msg.as_bytes());
    out
}

/// Whether `s` may stand in an RFC 5424 header field: 1 to `max` printable US-ASCII
/// characters (33–126).
pub(crate) fn header_field_ok(s: &str, max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.bytes().all(|b| (33..=126).contains(&b))
}

/// Reverses [`escape_extension`]: for tests and receivers written in Rust.
pub(crate) fn unescape_extension(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            o.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => o.push('\n'),
            Some('r') => o.push('\r'),
            Some(other) => o.push(other),
            None => o.push('\\'),
        }
    }
    o
}

/// Splits a CEF extension into its key/value pairs, values unescaped: a key starts after
/// a space and ends at the first unescaped `=`. For tests and Rust receivers.
pub fn parse_extension(s: &str) -> Vec<(String, String)> {
    // Positions of unescaped `=`.
    let bytes = s.as_bytes();
    let mut eqs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' => {
                eqs.push(i);
                i += 1
            }
            _ => i += 1,
        }
    }
    let mut out = Vec::new();
    let mut key_start = 0;
    for (n, &eq) in eqs.iter().enumerate() {
        let key = &s[key_start..eq];
        let value_end = match eqs.get(n + 1) {
            // The next key begins after the last space before the next `=`.
            Some(&next) => s[..next].rfind(' ').unwrap_or(next),
            None => s.len(),
        };
        let value_end = value_end.max(eq + 1);
        out.push((key.to_string(), unescape_extension(&s[eq + 1..value_end])));
        key_start = (value_end + 1).min(s.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn header_and_extension_escapes_follow_the_spec() {
        assert_eq!(escape_header(r"a|b\c"), r"a\|b\\c");
        assert_eq!(escape_header("a\nb"), "a b");
        assert_eq!(escape_extension("a=b\\c\nd\re|f"), r"a\=b\\c\nd\re|f");
    }

    #[test]
    fn a_hostile_alert_keeps_its_fields_apart() {
        let alert: Alert = serde_json::from_value(serde_json::json!({
            "alert_id": "al-1", "detector": "watchlist_lookup", "kind": "a|b\\c",
            "severity": "high", "score": 0.5, "user": "x=y z\\",
            "window_start": "2024-05-02T07:39:02Z", "window_end": "2024-05-02T07:39:02Z",
            "event_ids": ["e=1"], "reason": "line one\nmsg=forged cs1=evil | pipe",
            "evidence": {"person": "O'BRIEN|\\=\r\n"}
        }))
        .unwrap();
        let m = message(&alert);
        assert!(!m.contains('\n') && !m.contains('\r'), "{m}");
        // Seven unescaped pipes: the header's eight fields, whatever the values hold.
        let unescaped_pipes = m
            .char_indices()
            .filter(|&(i, c)| c == '|' && !m[..i].ends_with('\\'))
            .count();
        let header_end = m.match_indices('|').nth(6).map(|(i, _)| i).unwrap();
        assert!(unescaped_pipes >= 7);
        let ext = parse_extension(&m[header_end + 1..]);
        let get = |k: &str| ext.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.as_str());
        assert_eq!(get("suser"), Some("x=y z\\"));
        assert_eq!(get("msg"), Some("line one\nmsg=forged cs1=evil | pipe"));
        assert_eq!(get("cs1"), Some("a|b\\c"));
        assert_eq!(get("cs2"), Some("O'BRIEN|\\=\r\n"));
        assert_eq!(ext.iter().filter(|(k, _)| k == "msg").count(), 1);
    }

    proptest! {
        #[test]
        fn extension_values_round_trip(v in any::<String>()) {
            let e = escape_extension(&v);
            prop_assert!(!e.contains('\n') && !e.contains('\r'));
            // No `=` is left unescaped, so a value can never start a key of its own.
            let b = e.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'\\' { i += 2; continue; }
                prop_assert!(b[i] != b'=');
                i += 1;
            }
            prop_assert_eq!(unescape_extension(&e), v);
        }

        #[test]
        fn extensions_of_hostile_values_parse_back(a in any::<String>(), b in any::<String>()) {
            let line = format!("k1={} k2={}", escape_extension(&a), escape_extension(&b));
            let parsed = parse_extension(&line);
            prop_assert_eq!(parsed.len(), 2);
            prop_assert_eq!(&parsed[0].1, &a);
            prop_assert_eq!(&parsed[1].1, &b);
        }

        #[test]
        fn header_fields_never_hold_a_bare_pipe_or_a_line_break(v in any::<String>()) {
            let e = escape_header(&v);
            prop_assert!(!e.contains('\n') && !e.contains('\r'));
            let b = e.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'\\' { prop_assert!(i + 1 < b.len()); i += 2; continue; }
                prop_assert!(b[i] != b'|');
                i += 1;
            }
        }
    }
}
