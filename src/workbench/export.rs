//! Evidence packets: what an investigator hands on about one alert or one login's activity.
//!
//! A packet is two files built from the same view: a CSV with one row per event (the
//! contract's columns, values exactly as logged) and a self-contained, printable HTML
//! document (inline style, nothing fetched, no script) that says who generated it and
//! when, shows the alert(s) with their reason and evidence and the events, and states the
//! CSV's SHA-256. The SHA-256 of the HTML itself is returned beside it: the server writes
//! both digests to the hash-chained access log, so a packet altered later no longer
//! matches what was handed out.
//!
//! Like [`super::pages`], this module only renders the view structs it is given: it does
//! not read the store or decide who may export. Given the same view, generator and time,
//! it gives the same bytes.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::pages::{
    escape, event_field, evidence_html, hit_row, login_counts, short_ts, subject_summary,
    HIT_HEADER, STYLE,
};
use super::view::{AlertDetail, AlertRow, Timeline};
use crate::event::CONTRACT_FIELDS;

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! put {
    ($s:expr, $($t:tt)*) => {
        let _ = write!($s, $($t)*);
    };
}

/// One packet: the two files and their SHA-256 digests (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub html: String,
    pub csv: String,
    pub csv_sha256: String,
    pub html_sha256: String,
}

/// The CSV's columns: the contract event's fields ([`CONTRACT_FIELDS`], every one of
/// them), then the alerts each event is part of (`;`-separated).
pub(crate) const CSV_COLUMNS: [&str; CONTRACT_FIELDS.len() + 1] = {
    let mut out = [""; CONTRACT_FIELDS.len() + 1];
    let mut i = 0;
    while i < CONTRACT_FIELDS.len() {
        out[i] = CONTRACT_FIELDS[i];
        i += 1;
    }
    out[i] = "alert_ids";
    out
};

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        put!(s, "{b:02x}");
    }
    s
}

/// The packet of one alert: its events, reason, evidence and triage history.
pub(crate) fn alert_packet(d: &AlertDetail, generated_by: &str, generated_at: &str) -> Packet {
    let a = &d.alert;
    let ids = std::slice::from_ref(&a.alert_id);
    let rows: Vec<(&Value, &[String])> = d.events.iter().flatten().map(|e| (e, ids)).collect();
    let csv = events_csv(&rows);
    let csv_sha256 = sha256_hex(csv.as_bytes());

    let mut b = opening(
        &format!("alert <span class=\"mono\">{}</span>", escape(&a.alert_id)),
        generated_by,
        generated_at,
    );
    b.push_str("<h2>The alert</h2>\n");
    b.push_str(&alert_facts(a));
    if let Some(r) = &a.reason {
        put!(b, "<p class=\"reason\">{}</p>\n", escape(r));
    }
    if let Some(ev) = &d.evidence {
        b.push_str("<h2>Evidence</h2>\n");
        b.push_str(&evidence_html(ev));
        put!(
            b,
            "<h3>Evidence as recorded (JSON)</h3>\n<pre>{}</pre>\n",
            escape(&serde_json::to_string_pretty(ev).unwrap_or_default())
        );
    }
    if !d.event_ids.is_empty() {
        put!(
            b,
            "<p class=\"muted\">Event ids of the alert ({}): <span class=\"mono\">{}</span></p>\n",
            d.event_ids.len(),
            escape(&d.event_ids.join(", "))
        );
    }
    if !d.triage.is_empty() {
        b.push_str("<h2>Triage history</h2>\n");
        b.push_str(&super::pages::triage_table(&d.triage));
        b.push('\n');
    }
    b.push_str(&events_section(&rows, d.event_ids.len()));
    b.push_str(&integrity(&csv_sha256, rows.len()));
    let html = document(&format!("Evidence packet: alert {}", a.alert_id), &b);
    finish(html, csv, csv_sha256)
}

/// The packet of one login's activity between two times: its alerts and every event.
pub(crate) fn user_packet(t: &Timeline, generated_by: &str, generated_at: &str) -> Packet {
    let rows: Vec<(&Value, &[String])> = t
        .events
        .iter()
        .flatten()
        .map(|e| (&e.event, e.alert_ids.as_slice()))
        .collect();
    let csv = events_csv(&rows);
    let csv_sha256 = sha256_hex(csv.as_bytes());

    let mut b = opening(
        &format!(
            "activity of <span class=\"mono\">{}</span>",
            escape(&t.user)
        ),
        generated_by,
        generated_at,
    );
    put!(
        b,
        "<table class=\"facts\"><tr><th>Login</th><td>{}</td></tr>",
        escape(&t.user)
    );
    if let Some(u) = &t.unit {
        put!(b, "<tr><th>Unit</th><td>{}</td></tr>", escape(u));
    }
    put!(
        b,
        "<tr><th>From</th><td>{}</td></tr><tr><th>To</th><td>{}</td></tr><tr><th>Alerts</th><td>{}</td></tr></table>\n",
        escape(&range_end(&t.from, "the first event kept")),
        escape(&range_end(&t.to, "the last event kept")),
        t.alerts.len()
    );
    put!(b, "<h2>Alerts ({})</h2>\n", t.alerts.len());
    if t.alerts.is_empty() {
        b.push_str("<p>No alert in this range.</p>\n");
    }
    for a in &t.alerts {
        put!(
            b,
            "<section class=\"alert\"><h3><span class=\"mono\">{}</span> · {} · {}/{}</h3>\n",
            escape(&a.alert_id),
            escape(&a.severity),
            escape(&a.detector),
            escape(&a.kind)
        );
        b.push_str(&alert_facts(a));
        if let Some(r) = &a.reason {
            put!(b, "<p class=\"reason\">{}</p>\n", escape(r));
        }
        b.push_str("</section>\n");
    }
    b.push_str(&events_section(&rows, rows.len()));
    b.push_str(&integrity(&csv_sha256, rows.len()));
    let html = document(&format!("Evidence packet: activity of {}", t.user), &b);
    finish(html, csv, csv_sha256)
}

/// The packet of a "who looked up this person" search (issue 16): the person as searched,
/// each login's lookups with how they matched and their case, and every event. The CSV's
/// last column holds, instead of alert ids, how each lookup matched (`kind strength`).
pub fn lookups_packet(
    r: &crate::lookups::Report,
    generated_by: &str,
    generated_at: &str,
) -> Packet {
    let grades: Vec<Vec<String>> = r
        .logins
        .iter()
        .flat_map(|l| &l.hits)
        .map(|h| {
            vec![format!(
                "{} {:.2}",
                h.matched.kind.as_str(),
                h.matched.strength
            )]
        })
        .collect();
    let rows: Vec<(&Value, &[String])> = r
        .logins
        .iter()
        .flat_map(|l| &l.hits)
        .zip(&grades)
        .map(|(h, g)| (&h.event, g.as_slice()))
        .collect();
    let csv = events_csv(&rows);
    let csv_sha256 = sha256_hex(csv.as_bytes());
    let mut b = opening("who looked up this person", generated_by, generated_at);
    put!(
        b,
        "<table class=\"facts\"><tr><th>Searched</th><td class=\"mono\">{}</td></tr><tr><th>Person</th><td>{}</td></tr><tr><th>Lookups</th><td>{}</td></tr><tr><th>Logins</th><td>{}</td></tr></table>\n",
        escape(&r.criteria.describe()),
        escape(&r.person.join(" = ")),
        r.lookups,
        r.logins.len()
    );
    for l in &r.logins {
        put!(
            b,
            "<section class=\"alert\"><h3><span class=\"mono\">{}</span> · {}</h3>\n",
            escape(&l.user),
            login_counts(l)
        );
        put!(b, "<table>{HIT_HEADER}\n");
        for h in &l.hits {
            b.push_str(&hit_row(h));
        }
        b.push_str("</table></section>\n");
    }
    b.push_str(&events_section(&rows, rows.len()));
    b.push_str(&integrity(&csv_sha256, rows.len()));
    let html = document("Evidence packet: who looked up this person", &b);
    finish(html, csv, csv_sha256)
}

fn finish(html: String, csv: String, csv_sha256: String) -> Packet {
    let html_sha256 = sha256_hex(html.as_bytes());
    Packet {
        html,
        csv,
        csv_sha256,
        html_sha256,
    }
}

/// The CSV of events: a header of [`CSV_COLUMNS`], then one row per event.
fn events_csv(rows: &[(&Value, &[String])]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail, and every record has the header's length.
    let _ = w.write_record(CSV_COLUMNS);
    for (ev, alert_ids) in rows {
        let record = CSV_COLUMNS.iter().map(|c| {
            neutralise(match *c {
                "alert_ids" => alert_ids.join(";"),
                c => csv_cell(ev, c),
            })
        });
        let _ = w.write_record(record);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage
/// return, can hide one) when they begin it: OWASP's CSV-injection list, with their
/// full-width forms, which some spreadsheets fold into the ASCII ones.
const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

/// How CSV cells are escaped, in words: the packet states it so that the digest covers
/// bytes a reader can turn back into the values exactly.
pub(crate) const CSV_ESCAPING: &str = "A cell whose value begins with =, +, -, @, a tab, a carriage return (or a full-width =, +, - or @) or with a single quote has one single quote (') put in front of it, so that no spreadsheet runs it as a formula (OWASP's advice on CSV injection). To recover a value exactly, remove the first character of every cell that begins with a single quote.";

/// Officer-typed fields (query text, case id, purpose, a subject's name) go into the CSV:
/// a value that a spreadsheet would run as a formula gets a leading quote. Values that
/// already begin with a quote get one too, so that the rule can be undone without doubt.
pub(crate) fn neutralise(cell: String) -> String {
    match cell.chars().next() {
        Some(c) if c == '\'' || FORMULA_STARTS.contains(&c) => format!("'{cell}"),
        _ => cell,
    }
}

/// A field exactly as the event holds it: strings as they are (an empty string stays
/// empty), numbers and booleans as JSON writes them, anything else as compact JSON; absent
/// and null fields are empty.
fn csv_cell(ev: &Value, key: &str) -> String {
    match ev.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn document(title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + STYLE.len() + 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str(super::pages::META_CSP);
    put!(
        s,
        "\n<meta name=\"referrer\" content=\"same-origin\">\n<title>{}</title>\n<style>{STYLE}{PACKET_STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    );
    s
}

const PACKET_STYLE: &str = r#"
table.facts { border-collapse: collapse; margin: .25rem 0 .75rem; }
table.facts th { text-align: left; color: var(--muted); font-weight: normal; padding: .1rem 1rem .1rem 0; vertical-align: top; }
table.facts td { padding: .1rem 0; }
.stamp { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem; background: var(--soft); }
section.alert { border-top: 1px solid var(--line); padding-top: .25rem; break-inside: avoid; }
.digest { word-break: break-all; }
@media print { main { padding: 0; } }
"#;

/// A packet's heading (`what`, already escaped) and who made it when.
fn opening(what: &str, by: &str, at: &str) -> String {
    format!(
        "<h1>Evidence packet: {what}</h1>\n<p class=\"stamp\">Generated by <strong>{}</strong> at <strong>{}</strong> with custodes {}. \
         An alert is a reason to look, never a finding of misconduct; the events are as the \
         source logged them.</p>\n",
        escape(by),
        escape(at),
        env!("CARGO_PKG_VERSION")
    )
}

fn alert_facts(a: &AlertRow) -> String {
    let mut s = String::from("<table class=\"facts\">");
    let mut row = |k: &str, v: &str| {
        put!(s, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
    };
    row("Alert", &a.alert_id);
    row("Detector", &format!("{} / {}", a.detector, a.kind));
    row("Severity", &a.severity);
    row("Score", &format!("{:.2}", a.score));
    row("Login", &a.user);
    if let Some(u) = &a.unit {
        row("Unit", u);
    }
    if let Some(p) = &a.person {
        row("Person", p);
    }
    row(
        "Window (UTC)",
        &format!(
            "{} to {}",
            short_ts(&a.window_start),
            short_ts(&a.window_end)
        ),
    );
    row("Events", &a.events.to_string());
    row("Status", &a.status);
    if let Some(who) = &a.assignee {
        row("Assignee", who);
    }
    s.push_str("</table>\n");
    s
}

/// A bound of a range as the server passed it, or what an open bound means.
fn range_end(s: &str, open: &str) -> String {
    if super::pages::parse_time(s).is_some() {
        short_ts(s)
    } else {
        open.to_string()
    }
}

fn events_section(rows: &[(&Value, &[String])], expected: usize) -> String {
    let mut s = String::new();
    put!(s, "<h2>Events ({})</h2>\n", rows.len());
    if rows.len() < expected {
        put!(
            s,
            "<p>The alert rests on {expected} events; the store keeps {} of them.</p>\n",
            rows.len()
        );
    }
    if rows.is_empty() {
        s.push_str("<p>No event in this packet.</p>\n");
        return s;
    }
    s.push_str("<table class=\"data\"><thead><tr><th>Event</th><th>Time (UTC)</th><th>Login</th><th>Action</th><th>System</th><th>Client / IP</th><th>Case</th><th>Purpose</th><th>Subject</th><th class=\"num\">Results</th><th>Query</th><th>Alerts</th></tr></thead><tbody>\n");
    for (ev, alert_ids) in rows {
        let f = |k: &str| escape(&event_field(ev, k).unwrap_or_default());
        let client_ip = [event_field(ev, "client"), event_field(ev, "ip")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        put!(
            s,
            "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>\n",
            f("id"),
            escape(&short_ts(&event_field(ev, "ts").unwrap_or_default())),
            f("user"),
            f("action"),
            f("system"),
            escape(&client_ip),
            f("case_id"),
            f("purpose"),
            escape(&subject_summary(ev)),
            f("result_count"),
            f("query_text"),
            escape(&alert_ids.join(", "))
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

fn integrity(csv_sha256: &str, rows: usize) -> String {
    format!(
        "<h2>Integrity</h2>\n<table class=\"facts\">\
         <tr><th>CSV SHA-256</th><td><code class=\"digest\">{}</code></td></tr>\
         <tr><th>CSV rows</th><td>a header and {rows} event row(s)</td></tr>\
         <tr><th>CSV columns</th><td>{}</td></tr>\
         <tr><th>CSV escaping</th><td>{}</td></tr></table>\n\
         <p>Check a copy of the CSV with <code>sha256sum</code>. The SHA-256 of this HTML document \
         and of the CSV were written to custodes' hash-chained access log when the packet was \
         generated: a copy whose digest differs from the one logged has been altered.</p>\n",
        escape(csv_sha256),
        escape(&CSV_COLUMNS.join(", ")),
        escape(CSV_ESCAPING)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::workbench::Triage;
    use crate::workbench::view::TimelineEvent;
    use serde_json::json;

    fn row() -> AlertRow {
        AlertRow {
            alert_id: "al-9d48db9bfb64df5d".into(),
            detector: "association_lookup".into(),
            kind: "protected_party".into(),
            severity: "critical".into(),
            score: 0.85,
            user: "jromero".into(),
            unit: Some("TRAFFIC".into()),
            window_start: "2024-05-02T07:39:02Z".into(),
            window_end: "2024-05-02T07:39:02Z".into(),
            events: 1,
            status: "in_review".into(),
            assignee: Some("ia2".into()),
            reason: Some("Looked up DAVIS, JOHN (DOB 2002-11-17), who is listed as the user's protected-party <b>.".into()),
            person: Some("DAVIS, JOHN (DOB 2002-11-17)".into()),
        }
    }

    fn event(query: &str) -> Value {
        json!({
            "id": "ev-0000706", "ts": "2024-05-02T07:39:02Z", "user": "jromero",
            "action": "query", "system": "CASEMGMT", "session": "S8f18c69a9b8a",
            "client": "WS-EAST-003", "ip": "10.4.0.22", "purpose": "GENERAL INQUIRY",
            "subject_phone": "1-555-014-9648", "subject_last_name": "DAVIS",
            "subject_first_name": "JOHN", "result_count": 1, "query_text": query
        })
    }

    fn detail(query: &str) -> AlertDetail {
        AlertDetail {
            alert: row(),
            evidence: Some(json!({
                "matched_person": "DAVIS, JOHN (DOB 2002-11-17)",
                "match": {"kind": "phone", "strength": 0.85, "fields": ["phone"]},
                "case": {"status": "missing"}
            })),
            events: Some(vec![event(query)]),
            event_ids: vec!["ev-0000706".into()],
            triage: vec![Triage {
                alert_id: "al-9d48db9bfb64df5d".into(),
                status: "in_review".into(),
                assignee: Some("ia2".into()),
                note: None,
                by: "ia1".into(),
                at: "2024-05-03T09:00:00Z".into(),
            }],
        }
    }

    fn read_csv(text: &str) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn the_csv_digest_changes_with_one_cell() {
        let a = alert_packet(
            &detail("phone = '1-555-014-9648'"),
            "ia1",
            "2024-05-04T10:00:00Z",
        );
        let b = alert_packet(
            &detail("phone = '1-555-014-9649'"),
            "ia1",
            "2024-05-04T10:00:00Z",
        );
        assert_ne!(a.csv_sha256, b.csv_sha256);
        assert_ne!(a.html_sha256, b.html_sha256);
        assert_eq!(a.csv_sha256, sha256_hex(a.csv.as_bytes()));
        assert_eq!(a.html_sha256, sha256_hex(a.html.as_bytes()));
        assert_eq!(a.csv_sha256.len(), 64);
        assert!(a
            .csv_sha256
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        // The same view, generator and time give the same bytes.
        assert_eq!(
            a,
            alert_packet(
                &detail("phone = '1-555-014-9648'"),
                "ia1",
                "2024-05-04T10:00:00Z"
            )
        );
        // Who generated it is part of the HTML, and so of its digest, not of the CSV's.
        let c = alert_packet(
            &detail("phone = '1-555-014-9648'"),
            "ia2",
            "2024-05-04T10:00:00Z",
        );
        assert_eq!(a.csv_sha256, c.csv_sha256);
        assert_ne!(a.html_sha256, c.html_sha256);
    }

    #[test]
    fn formula_cells_are_quoted_and_the_rule_undoes_exactly() {
        for v in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "\u{ff1d}1+1",
            "'already quoted",
        ] {
            let n = neutralise(v.to_string());
            assert_eq!(n, format!("'{v}"));
            assert_eq!(&n[1..], v, "removing the first quote recovers {v:?}");
        }
        for v in [
            "",
            "PT-24-01056",
            "SMITH, JON",
            "2024-05-01T00:00:00Z",
            "a=b",
        ] {
            assert_eq!(neutralise(v.to_string()), v);
        }
    }

    #[test]
    fn awkward_values_round_trip_through_the_csv() {
        let nasty =
            "SELECT *, \"x\" FROM p WHERE n = 'O''BRIEN, PAT'\r\nAND 1=1\n; =HYPERLINK(\"y\")";
        let p = alert_packet(&detail(nasty), "ia1", "2024-05-04T10:00:00Z");
        let records = read_csv(&p.csv);
        assert_eq!(records.len(), 1);
        let header = csv::Reader::from_reader(p.csv.as_bytes())
            .headers()
            .unwrap()
            .clone();
        assert_eq!(header.iter().collect::<Vec<_>>(), CSV_COLUMNS.to_vec());
        let r = &records[0];
        let col = |name: &str| {
            r.get(CSV_COLUMNS.iter().position(|c| *c == name).unwrap())
                .unwrap()
        };
        assert_eq!(col("query_text"), nasty);
        assert_eq!(col("result_count"), "1");
        assert_eq!(col("subject_dob"), "");
        assert_eq!(col("alert_ids"), "al-9d48db9bfb64df5d");
        assert_eq!(col("ip"), "10.4.0.22");
        // The session the packet's CSV once lost (issue 17): every contract field is a column.
        assert_eq!(col("session"), "S8f18c69a9b8a");

        let t = Timeline {
            user: "jromero".into(),
            unit: None,
            from: "2024-05-01".into(),
            to: "2024-05-03T23:59:59.999999Z".into(),
            events: Some(vec![
                TimelineEvent {
                    event: event(nasty),
                    alert_ids: vec!["al-1".into(), "al-2".into()],
                    matched: vec![],
                },
                TimelineEvent {
                    event: json!({"id": "ev-2", "ts": "2024-05-03T00:00:00Z", "user": "jromero", "subject_name": "Ünal, Zoë \"Z\""}),
                    alert_ids: vec![],
                    matched: vec![],
                },
            ]),
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![row()],
        };
        let p = user_packet(&t, "ia1", "2024-05-04T10:00:00Z");
        let records = read_csv(&p.csv);
        assert_eq!(records.len(), 2);
        let at = |name: &str| {
            CSV_COLUMNS
                .iter()
                .position(|c| *c == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        };
        assert_eq!(&records[0][at("query_text")], nasty);
        assert_eq!(&records[0][at("alert_ids")], "al-1;al-2");
        assert_eq!(&records[1][at("subject_name")], "Ünal, Zoë \"Z\"");
        assert_eq!(&records[1][at("alert_ids")], "");
    }

    #[test]
    fn the_html_is_self_contained_and_states_its_origin_and_the_csv_digest() {
        let p = alert_packet(&detail("q"), "ia1 <x>", "2024-05-04T10:00:00Z");
        assert!(p.html.contains(&p.csv_sha256));
        assert!(p.html.contains("ia1 &lt;x&gt;") && p.html.contains("2024-05-04T10:00:00Z"));
        assert!(
            p.html.contains("protected-party &lt;b&gt;."),
            "reason, escaped"
        );
        assert!(
            p.html.contains("&quot;strength&quot;: 0.85"),
            "evidence JSON"
        );
        assert!(p.html.contains("WS-EAST-003 / 10.4.0.22"));
        assert!(!p.html.contains("<script") && !p.html.contains("https://"));
        assert!(!p.html.replace("http://www.w3.org", "").contains("http://"));
        assert!(p.html.contains("<style>") && p.html.contains("@media print"));

        let t = Timeline {
            user: "jromero".into(),
            unit: Some("TRAFFIC".into()),
            from: "0000".into(),
            to: "9999".into(),
            events: Some(vec![TimelineEvent {
                event: event("q"),
                alert_ids: vec!["al-9d48db9bfb64df5d".into()],
                matched: vec![],
            }]),
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![row()],
        };
        let p = user_packet(&t, "ia1", "2024-05-04T10:00:00Z");
        assert!(p.html.contains(&p.csv_sha256));
        assert!(p.html.contains("the first event kept") && !p.html.contains("0000<"));
        assert!(p.html.contains("DAVIS, JOHN; phone 1-555-014-9648"));

        // A view without events (a role that does not see them) gives a header-only CSV
        // and no placeholders.
        let mut d = detail("q");
        d.events = None;
        d.evidence = None;
        d.alert.reason = None;
        let p = alert_packet(&d, "ia1", "2024-05-04T10:00:00Z");
        assert_eq!(read_csv(&p.csv).len(), 0);
        assert_eq!(p.csv.lines().count(), 1);
        assert!(!p.html.contains("None") && !p.html.contains("null"));
    }

    #[test]
    fn the_openapi_schemas_match_what_the_structs_serialise() {
        use crate::store::workbench::{Access, Exception};
        use crate::workbench::view::{Overview, RankedUser};
        let doc: Value = serde_json::from_str(include_str!("openapi.json")).unwrap();
        let schemas = &doc["components"]["schemas"];
        let t = Timeline {
            user: "jromero".into(),
            unit: None,
            from: "0000".into(),
            to: "9999".into(),
            events: Some(vec![TimelineEvent {
                event: event("q"),
                alert_ids: vec![],
                matched: vec![],
            }]),
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![],
        };
        let samples = [
            ("AlertRow", serde_json::to_value(row()).unwrap()),
            ("AlertDetail", serde_json::to_value(detail("q")).unwrap()),
            (
                "Triage",
                serde_json::to_value(&detail("q").triage[0]).unwrap(),
            ),
            ("Timeline", serde_json::to_value(&t).unwrap()),
            (
                "TimelineEvent",
                serde_json::to_value(&t.events.as_ref().unwrap()[0]).unwrap(),
            ),
            (
                "Overview",
                serde_json::to_value(Overview::default()).unwrap(),
            ),
            (
                "RankedUser",
                serde_json::to_value(RankedUser {
                    user: "u".into(),
                    unit: None,
                    risk: 1.0,
                    alerts: 1,
                    worst: "low".into(),
                    reasons: Default::default(),
                })
                .unwrap(),
            ),
            (
                "Exception",
                serde_json::to_value(Exception {
                    id: 1,
                    user: None,
                    detector: None,
                    kind: None,
                    owner: "o".into(),
                    reason: "r".into(),
                    expires: None,
                    created_by: "a".into(),
                    created_at: "t".into(),
                    revoked_at: None,
                })
                .unwrap(),
            ),
            (
                "Access",
                serde_json::to_value(Access {
                    seq: 1,
                    at: "t".into(),
                    account: "a".into(),
                    action: "login".into(),
                    target: String::new(),
                    prev_hash: "0".into(),
                    hash: "1".into(),
                })
                .unwrap(),
            ),
            (
                "Viewer",
                serde_json::to_value(crate::workbench::view::Viewer {
                    name: "a".into(),
                    role: crate::store::workbench::Role::Oversight,
                })
                .unwrap(),
            ),
        ];
        for (name, sample) in samples {
            let mut fields: Vec<&String> = sample.as_object().unwrap().keys().collect();
            let mut props: Vec<&String> = schemas[name]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            let mut required: Vec<&str> = schemas[name]["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            fields.sort();
            props.sort();
            required.sort();
            assert_eq!(fields, props, "{name}: fields against schema properties");
            assert_eq!(
                fields.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                required,
                "{name}: serde always writes every field"
            );
        }
        let role = serde_json::to_value(crate::store::workbench::Role::Investigator).unwrap();
        assert!(schemas["Role"]["enum"].as_array().unwrap().contains(&role));
        let statuses: Vec<&str> = schemas["Status"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(statuses, crate::store::workbench::STATUSES.to_vec());
    }

    #[test]
    fn the_openapi_document_parses_and_lists_every_route() {
        let doc: Value = serde_json::from_str(include_str!("openapi.json")).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
        let paths = doc["paths"].as_object().unwrap();
        for (path, methods) in [
            ("/api/v1/login", &["post"][..]),
            ("/api/v1/logout", &["post"]),
            ("/api/v1/overview", &["get"]),
            ("/api/v1/alerts", &["get"]),
            ("/api/v1/alerts/{id}", &["get"]),
            ("/api/v1/alerts/{id}/triage", &["post"]),
            ("/api/v1/alerts/{id}/export", &["get"]),
            ("/api/v1/users", &["get"]),
            ("/api/v1/users/{user}/timeline", &["get"]),
            ("/api/v1/users/{user}/export", &["get"]),
            ("/api/v1/exceptions", &["get", "post"]),
            ("/api/v1/exceptions/preview", &["get"]),
            ("/api/v1/exceptions/{id}/revoke", &["post"]),
            ("/api/v1/access-log", &["get"]),
            ("/api/v1/openapi.json", &["get"]),
        ] {
            for m in methods {
                assert!(
                    paths.get(path).and_then(|p| p.get(*m)).is_some(),
                    "{m} {path} is not documented"
                );
            }
        }
        // Every schema referenced is defined.
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let text = include_str!("openapi.json");
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                schemas.contains_key(name),
                "{name} is referenced, not defined"
            );
        }
        for part in text.split("\"#/components/responses/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                doc["components"]["responses"].get(name).is_some(),
                "{name} is referenced, not defined"
            );
        }
        for part in text.split("\"#/components/parameters/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(
                doc["components"]["parameters"].get(name).is_some(),
                "{name} is referenced, not defined"
            );
        }
    }
}
