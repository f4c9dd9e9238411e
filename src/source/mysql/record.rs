//! One JSON audit record of Percona Server or MySQL Enterprise, said in `server_audit`'s
//! terms ([`AuditLine`]) so that the MariaDB assembler can make events of it.
//!
//! Percona's `audit_log` plugin (`audit_log_format=JSON`) writes one object per line,
//! `{"audit_record":{"name":"Query","record":"N_START","timestamp":"… UTC",…}}`. MySQL
//! Enterprise Audit (and Percona's `audit_log_filter`, its clone) writes objects with
//! `timestamp`, `id`, `class`, `event`, `connection_id`, `account`, `login` and a
//! class-specific part (`general_data`, `connection_data`, `table_access_data`). This module
//! only maps fields; it must not keep state across records, guess zones (both write UTC),
//! or interpret statements.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::source::decode::FieldError;
use crate::source::mariadb::line::{AuditLine, LineTime};

/// What a record becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A record the assembler takes: a statement, a table, a connection, or another
    /// operation (counted, not an event).
    Line(AuditLine),
    /// MySQL Enterprise `general`/`log`: the statement as received, before it ran. Its
    /// `status` record, when the filter logs that too, says how it ended; the reader
    /// keeps one of the two.
    Received(AuditLine),
}

/// Percona `audit_log` (`audit_log_format=JSON`): `{"audit_record": {…}}`.
pub fn percona(v: &Value) -> Result<AuditLine, FieldError> {
    let r = v
        .get("audit_record")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            FieldError::new(
                "audit_record",
                "missing: not a Percona audit_log JSON record (`{\"audit_record\": {…}}`)",
            )
        })?;
    let f = |k: &str| format!("audit_record.{k}");
    let name = text(r, "name").ok_or_else(|| FieldError::new(f("name"), "missing"))?;
    let ts = text(r, "timestamp").ok_or_else(|| FieldError::new(f("timestamp"), "missing"))?;
    let time = percona_time(ts).map_err(|e| FieldError::new(f("timestamp"), e))?;
    let record = text(r, "record").ok_or_else(|| FieldError::new(f("record"), "missing"))?;
    let connection_id =
        optional_number(r, "connection_id").map_err(|e| FieldError::new(f("connection_id"), e))?;
    let status = optional_signed(r, "status").map_err(|e| FieldError::new(f("status"), e))?;
    let operation = match name {
        // `Execute` is a prepared statement run, logged with its values in the text.
        "Query" | "Execute" => "QUERY",
        "Connect" | "Change user" => "CONNECT",
        "Quit" => "DISCONNECT",
        other => other,
    }
    .to_string();
    let sql = text(r, "sqltext").unwrap_or_default().to_string();
    let ip = text(r, "ip").unwrap_or_default();
    let host = if ip.is_empty() {
        text(r, "host").unwrap_or_default()
    } else {
        ip
    };
    Ok(AuditLine {
        time: LineTime::Exact(time.fixed_offset()),
        serverhost: String::new(),
        user: login_name(text(r, "user").unwrap_or_default()),
        host: host.to_string(),
        connection_id: connection_id.unwrap_or(0),
        query_id: 0,
        operation,
        database: text(r, "db").unwrap_or_default().to_string(),
        logged_len: sql.len(),
        quoted: true,
        object: sql,
        retcode: status,
        event_id: Some(format!("percona:{record}")),
        rows: None,
    })
}

/// MySQL Enterprise Audit / `audit_log_filter` JSON. `database` is the connection's
/// current database, which `general` records do not carry (the reader keeps it).
pub fn enterprise(v: &Value, database: Option<&str>) -> Result<Mapped, FieldError> {
    let r = v
        .as_object()
        .ok_or_else(|| FieldError::new("-", "not a JSON object"))?;
    let ts = text(r, "timestamp").ok_or_else(|| FieldError::new("timestamp", "missing"))?;
    let time = enterprise_time(ts).map_err(|e| FieldError::new("timestamp", e))?;
    let id = optional_number(r, "id")
        .map_err(|e| FieldError::new("id", e))?
        .ok_or_else(|| FieldError::new("id", "missing"))?;
    let class = text(r, "class").ok_or_else(|| FieldError::new("class", "missing"))?;
    let event = text(r, "event").unwrap_or_default();
    let connection_id = optional_number(r, "connection_id")
        .map_err(|e| FieldError::new("connection_id", e))?
        .unwrap_or(0);
    let part = |k: &str| r.get(k).and_then(Value::as_object);
    let login = part("login");
    let account = part("account");
    let from = |o: Option<&Map<String, Value>>, k: &str| {
        o.and_then(|o| text(o, k)).unwrap_or_default().to_string()
    };
    // The name the officer logged in with; the account it matched can differ (proxies,
    // anonymous accounts) and is kept apart.
    let mut user = login_name(&from(login, "user"));
    if user.is_empty() {
        user = login_name(&from(account, "user"));
    }
    let ip = from(login, "ip");
    let host = if ip.is_empty() {
        from(account, "host")
    } else {
        ip
    };
    let mut line = AuditLine {
        time: LineTime::Exact(time.fixed_offset()),
        serverhost: String::new(),
        user,
        host,
        connection_id,
        query_id: 0,
        operation: class.to_ascii_uppercase(),
        database: database.unwrap_or_default().to_string(),
        object: String::new(),
        quoted: false,
        logged_len: 0,
        retcode: None,
        event_id: Some(format!("mysql:{}:{id}", time.format("%Y%m%dT%H%M%SZ"))),
        rows: None,
    };
    match (class, event) {
        ("connection", "connect" | "change_user" | "disconnect") => {
            let data = part("connection_data");
            line.operation = if event == "disconnect" {
                "DISCONNECT"
            } else {
                "CONNECT"
            }
            .into();
            line.retcode = match data {
                Some(d) => optional_signed(d, "status")
                    .map_err(|e| FieldError::new("connection_data.status", e))?,
                None => None,
            };
            if let Some(db) = data.and_then(|d| text(d, "db")) {
                line.database = db.to_string();
            }
        }
        ("general", "status" | "log") => {
            let d =
                part("general_data").ok_or_else(|| FieldError::new("general_data", "missing"))?;
            let command = text(d, "command").unwrap_or_default();
            line.operation = match command {
                "Query" | "Execute" => "QUERY".into(),
                other => format!("COMMAND_{}", other.to_ascii_uppercase()),
            };
            let q = text(d, "query").unwrap_or_default().to_string();
            line.logged_len = q.len();
            line.object = q;
            line.quoted = true;
            line.retcode = optional_signed(d, "status")
                .map_err(|e| FieldError::new("general_data.status", e))?;
            if let Some(stats) = part("query_statistics") {
                line.rows = optional_number(stats, "rows_sent")
                    .map_err(|e| FieldError::new("query_statistics.rows_sent", e))?;
            }
            if event == "log" && line.operation == "QUERY" {
                return Ok(Mapped::Received(line));
            }
        }
        ("table_access", "read" | "insert" | "update" | "delete") => {
            let d = part("table_access_data")
                .ok_or_else(|| FieldError::new("table_access_data", "missing"))?;
            line.operation = if event == "read" { "READ" } else { "WRITE" }.into();
            line.database = from(Some(d), "db");
            line.object = from(Some(d), "table");
            line.logged_len = line.object.len();
        }
        _ => {}
    }
    Ok(Mapped::Line(line))
}

/// `user[priv_user] @ host [ip]` (what Percona and `audit_log_filter` write for the
/// user of statements) or a bare name: the login name.
pub fn login_name(s: &str) -> String {
    let s = s.split(" @ ").next().unwrap_or_default();
    let s = match s.find('[') {
        Some(i) if s.ends_with(']') => &s[..i],
        _ => s,
    };
    s.trim().to_string()
}

fn text<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

/// A number written as a JSON number or as a string of digits (Percona writes
/// `"connection_id":"2"`).
fn optional_number(o: &Map<String, Value>, k: &str) -> Result<Option<u64>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("`{n}` is not a whole number")),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("`{s}` is not a whole number")),
        Some(other) => Err(format!("`{other}` is not a whole number")),
    }
}

fn optional_signed(o: &Map<String, Value>, k: &str) -> Result<Option<i64>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("`{n}` is not an error number")),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("`{s}` is not an error number")),
        Some(other) => Err(format!("`{other}` is not an error number")),
    }
}

/// `2021-06-30T15:07:58 UTC` (what the plugin writes) or an RFC 3339 time
/// (`2021-06-29T19:34:38Z`, in some of Percona's examples).
pub(crate) fn percona_time(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if let Some(bare) = t.strip_suffix(" UTC") {
        return NaiveDateTime::parse_from_str(bare, "%Y-%m-%dT%H:%M:%S")
            .map(|n| n.and_utc())
            .map_err(|e| format!("`{s}` is not YYYY-MM-DDTHH:MM:SS UTC: {e}"));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("`{s}` is neither YYYY-MM-DDTHH:MM:SS UTC nor an RFC 3339 time"))
}

/// `2019-10-03 13:50:01`: MySQL Enterprise writes UTC without saying so.
pub(crate) fn enterprise_time(s: &str) -> Result<DateTime<Utc>, String> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S"))
        .map(|n| n.and_utc())
        .map_err(|e| format!("`{s}` is not YYYY-MM-DD hh:mm:ss (UTC): {e}"))
}
