//! A generated world's events written as PostgreSQL 15 + pgAudit would log them (jsonlog).
//!
//! Each contract event becomes what the database would have seen: a login is a
//! `connection authorized` line, a failed login a `FATAL 28P01`, a logout a
//! `disconnection`, a lookup a SELECT on `persons` whose typed fields are bound `$n`
//! parameters (logged as an OBJECT and a SESSION line), an export a `COPY (SELECT …) TO
//! STDOUT`, and the case and purpose a sqlcommenter comment. Reading it back with
//! [`CONFIG`] must give the detectors the same facts as the contract events, which is how
//! the pgAudit reader is checked against a whole world (and benchmarked). The event ids
//! are not kept: PostgreSQL has its own. This module must not invent facts the event did
//! not have.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use serde_json::{json, Value};

/// The `custodes.toml` that reads this log: the columns of `persons`, the client from
/// `application_name` (where the world's workstation id is written).
pub const CONFIG: &str = r#"[pgaudit]
client = "application_name"

[pgaudit.subject_columns]
"persons.person_id" = "person_id"
"persons.last_name" = "last_name"
"persons.first_name" = "first_name"
"persons.full_name" = "name"
"persons.dob" = "dob"
"persons.address" = "address"
"persons.phone" = "phone"
"persons.plate" = "plate"
"#;

/// Subject fields and the `persons` column each is written to.
const COLUMNS: [(&str, &str); 8] = [
    ("person_id", "person_id"),
    ("last_name", "last_name"),
    ("first_name", "first_name"),
    ("name", "full_name"),
    ("dob", "dob"),
    ("address", "address"),
    ("phone", "phone"),
    ("plate", "plate"),
];

/// sqlcommenter's encoding: everything but unreserved characters percent-encoded.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One CSV record (no line ending), quoted only where needed, as pgAudit writes.
fn csv_record<I, S>(fields: I) -> io::Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields)?;
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut s = String::from_utf8(bytes).map_err(|e| io::Error::other(e.to_string()))?;
    s.pop();
    Ok(s)
}

/// A subject field of a contract event, flat or nested.
fn subject<'a>(ev: &'a Value, k: &str) -> Option<&'a str> {
    ev.get(format!("subject_{k}"))
        .or_else(|| ev.get("subject").and_then(|s| s.get(k)))
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
}

/// Per session: its statement counter and a made-up backend pid.
struct Backend {
    pid: u64,
    statements: u64,
}

/// Reads contract events (JSON lines) and writes the jsonlog; returns the number of
/// statements written.
pub fn write_jsonlog(events: impl BufRead, mut out: impl Write) -> io::Result<u64> {
    let mut backends: HashMap<String, Backend> = HashMap::new();
    let mut written = 0u64;
    for line in events.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let ev: Value = serde_json::from_str(&line).map_err(io::Error::other)?;
        let s = |k: &str| ev.get(k).and_then(Value::as_str).unwrap_or_default();
        let ts = chrono::DateTime::parse_from_rfc3339(s("ts"))
            .map_err(io::Error::other)?
            .with_timezone(&chrono::Utc);
        let session = match s("session") {
            "" => format!("{}-{}", s("user"), ts.format("%F")),
            other => other.to_string(),
        };
        let next_pid = 1000 + backends.len() as u64;
        let backend = backends.entry(session.clone()).or_insert(Backend {
            pid: next_pid,
            statements: 0,
        });
        let mut rec = json!({
            "timestamp": ts.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string(),
            "user": s("user"),
            "dbname": s("system"),
            "pid": backend.pid,
            "remote_host": s("ip"),
            "session_id": session,
            "error_severity": "LOG",
            "application_name": s("client"),
            "backend_type": "client backend",
        });
        let action = ev.get("action").and_then(Value::as_str).unwrap_or("query");
        match action {
            "login" => {
                rec["message"] = json!(format!(
                    "connection authorized: user={} database={}",
                    s("user"),
                    s("system")
                ));
            }
            "logout" => {
                rec["message"] = json!(format!(
                    "disconnection: session time: 0:00:01.000 user={} database={} host={}",
                    s("user"),
                    s("system"),
                    s("ip")
                ));
            }
            "login_failed" => {
                rec["error_severity"] = json!("FATAL");
                rec["state_code"] = json!("28P01");
                rec["message"] = json!(format!(
                    "password authentication failed for user \"{}\"",
                    s("user")
                ));
            }
            _ => {
                backend.statements += 1;
                let mut criteria = Vec::new();
                let mut params = Vec::new();
                for (field, column) in COLUMNS {
                    if let Some(v) = subject(&ev, field) {
                        params.push(v.to_string());
                        let n = params.len();
                        criteria.push(match field {
                            "last_name" => format!("lower({column}) = lower(${n})"),
                            "dob" => format!("{column} = ${n}::text::date"),
                            _ => format!("{column} = ${n}"),
                        });
                    }
                }
                let mut text = "SELECT * FROM persons".to_string();
                if !criteria.is_empty() {
                    text.push_str(" WHERE ");
                    text.push_str(&criteria.join(" AND "));
                }
                if action == "export" {
                    text = format!("COPY ({text}) TO STDOUT WITH CSV");
                }
                let mut tags = Vec::new();
                for k in ["case_id", "purpose"] {
                    if !s(k).is_empty() {
                        tags.push(format!("{k}='{}'", encode(s(k))));
                    }
                }
                if !tags.is_empty() {
                    text.push_str(&format!(" /*{}*/", tags.join(",")));
                }
                let p = if params.is_empty() {
                    "<none>".to_string()
                } else {
                    csv_record(&params)?
                };
                let rows = ev
                    .get("result_count")
                    .and_then(Value::as_u64)
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                for kind in ["OBJECT", "SESSION"] {
                    let payload = csv_record([
                        kind,
                        &backend.statements.to_string(),
                        "1",
                        "READ",
                        "SELECT",
                        "TABLE",
                        "public.persons",
                        &text,
                        &p,
                        &rows,
                    ])?;
                    rec["message"] = json!(format!("AUDIT: {payload}"));
                    rec["vxid"] = json!(format!("3/{}", backend.statements));
                    writeln!(out, "{rec}")?;
                }
                written += 1;
                continue;
            }
        }
        writeln!(out, "{rec}")?;
    }
    out.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlcommenter_encoding_is_percent_encoding_of_reserved_bytes() {
        assert_eq!(encode("traffic stop"), "traffic%20stop");
        assert_eq!(encode("C-1/2,'x'"), "C-1%2F2%2C%27x%27");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn a_lookup_is_two_audit_lines_with_bound_values() {
        let ev = r#"{"id":"e1","ts":"2024-05-14T09:30:00+02:00","user":"jdoe","system":"RMS","session":"s1","client":"WS-1","ip":"10.0.0.9","case_id":"C 1","purpose":"traffic stop","subject":{"last_name":"O'Brien, \"Jr\"","dob":"1990-12-24"},"result_count":3}"#;
        let mut out = Vec::new();
        assert_eq!(write_jsonlog(ev.as_bytes(), &mut out).unwrap(), 1);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["timestamp"], "2024-05-14 07:30:00.000 UTC");
        let msg = lines[0]["message"].as_str().unwrap();
        assert!(msg.starts_with("AUDIT: OBJECT,1,1,READ,SELECT,TABLE,public.persons,"));
        assert!(
            msg.contains("/*case_id='C%201',purpose='traffic%20stop'*/"),
            "{msg}"
        );
        assert!(msg.ends_with(",3"), "{msg}");
    }
}
