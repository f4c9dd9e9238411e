//! One PostgreSQL log record, whichever destination wrote it (jsonlog, csvlog, stderr).
//!
//! The three destinations carry the same facts under different names and encodings; this
//! module turns a jsonlog line or a csvlog row into one [`LogRecord`] (the stderr
//! destination is cut by [`super::prefix`]), so that everything after it is written once.
//! It must not interpret the message: pgAudit payloads are [`super::payload`]'s business.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

use crate::source::decode::FieldError;

/// The facts of one log record that custodes uses. Absent values are `None`, never "".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRecord {
    pub ts: Option<DateTime<Utc>>,
    pub user: Option<String>,
    pub database: Option<String>,
    pub pid: Option<i64>,
    pub session_id: Option<String>,
    pub remote_host: Option<String>,
    pub remote_port: Option<u32>,
    pub application_name: Option<String>,
    /// Virtual transaction id (`3/10`): scopes `SET LOCAL` to its transaction.
    pub vxid: Option<String>,
    /// `LOG`, `ERROR`, `FATAL`, … (and, on stderr, `DETAIL`, `STATEMENT`, …).
    pub severity: String,
    pub state_code: Option<String>,
    pub message: String,
}

/// Parses PostgreSQL's log timestamps: `2026-11-23 18:32:56.606 UTC` (`%m`, `%t`, jsonlog,
/// csvlog) or seconds since the epoch (`%n`).
///
/// The zone is whatever `log_timezone` abbreviates to. Only `UTC`/`GMT`/`Z` and numeric
/// offsets are unambiguous (`CST` is three different zones); anything else is refused with
/// the fix, rather than guessed.
pub(crate) fn parse_pg_ts(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = t
            .parse()
            .map_err(|_| format!("`{t}` is not a PostgreSQL log timestamp"))?;
        let micros = (secs * 1e6).round();
        if micros.is_finite() && micros.abs() < 1e17 {
            if let Some(dt) = DateTime::from_timestamp_micros(micros as i64) {
                return Ok(dt);
            }
        }
        return Err(format!("`{t}` is out of range"));
    }
    let (local, zone) = match t.rsplit_once(' ') {
        Some((l, z)) if l.contains(' ') => (l, z),
        _ => {
            return Err(format!(
            "`{t}` is not a PostgreSQL log timestamp (expected e.g. 2026-11-23 18:32:56.606 UTC)"
        ))
        }
    };
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M:%S%.f").map_err(|_| {
        format!(
            "`{t}` is not a PostgreSQL log timestamp (expected e.g. 2026-11-23 18:32:56.606 UTC)"
        )
    })?;
    let offset = zone_offset(zone).ok_or_else(|| {
        format!(
            "time zone `{zone}` is ambiguous or unknown; set log_timezone = 'UTC' on the server"
        )
    })?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|dt| dt.with_timezone(&Utc))
        .ok_or_else(|| format!("`{t}` is not a valid time"))
}

/// `UTC`, `GMT`, `Z`, or a numeric offset as PostgreSQL prints one (`+03`, `-0330`,
/// `+05:30`).
fn zone_offset(zone: &str) -> Option<FixedOffset> {
    if matches!(zone, "UTC" | "GMT" | "Z" | "UCT") {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<i32>().ok());
    let (h, m, s) = match digits.len() {
        1 | 2 => (n(0..digits.len())?, 0, 0),
        4 => (n(0..2)?, n(2..4)?, 0),
        6 => (n(0..2)?, n(2..4)?, n(4..6)?),
        _ => return None,
    };
    FixedOffset::east_opt(sign * (h * 3600 + m * 60 + s))
}

/// `[unknown]` (before authentication) and empty values mean "not known".
pub(crate) fn known(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty() && s != "[unknown]")
}

/// A jsonlog line. Keys the server leaves out (PostgreSQL omits empty values) stay `None`.
#[derive(Deserialize)]
struct JsonRecord {
    timestamp: Option<String>,
    user: Option<String>,
    dbname: Option<String>,
    pid: Option<i64>,
    remote_host: Option<String>,
    remote_port: Option<u32>,
    session_id: Option<String>,
    vxid: Option<String>,
    error_severity: Option<String>,
    state_code: Option<String>,
    message: Option<String>,
    application_name: Option<String>,
}

/// Decodes one jsonlog line (PostgreSQL 15+, `log_destination = 'jsonlog'`).
pub(crate) fn from_json(line: &[u8]) -> Result<LogRecord, FieldError> {
    let j: JsonRecord = serde_json::from_slice(line)
        .map_err(|e| FieldError::new("-", format!("not a jsonlog record: {e}")))?;
    let ts = j
        .timestamp
        .as_deref()
        .map(parse_pg_ts)
        .transpose()
        .map_err(|e| FieldError::new("timestamp", e))?;
    Ok(LogRecord {
        ts,
        user: known(j.user),
        database: known(j.dbname),
        pid: j.pid,
        session_id: known(j.session_id),
        remote_host: known(j.remote_host),
        remote_port: j.remote_port,
        application_name: known(j.application_name),
        vxid: known(j.vxid),
        severity: j.error_severity.unwrap_or_default(),
        state_code: known(j.state_code),
        message: j.message.unwrap_or_default(),
    })
}

/// Columns of a csvlog row (PostgreSQL 13–17 write 23 to 26; the ones used are fixed).
mod col {
    pub(crate) const LOG_TIME: usize = 0;
    pub const USER: usize = 1;
    pub(crate) const DATABASE: usize = 2;
    pub(crate) const PID: usize = 3;
    pub(crate) const CONNECTION_FROM: usize = 4;
    pub(crate) const SESSION_ID: usize = 5;
    pub(crate) const VXID: usize = 9;
    pub const SEVERITY: usize = 11;
    pub(crate) const STATE_CODE: usize = 12;
    pub(crate) const MESSAGE: usize = 13;
    pub(crate) const APPLICATION_NAME: usize = 22;
    /// Fewest columns a csvlog row has (application_name is the 23rd since 9.0).
    pub(crate) const MIN: usize = 23;
}

/// Decodes one csvlog row.
pub(crate) fn from_csv(row: &csv::StringRecord) -> Result<LogRecord, FieldError> {
    if row.len() < col::MIN {
        return Err(FieldError::new(
            "-",
            format!(
                "a csvlog record has at least {} columns, this one has {}",
                col::MIN,
                row.len()
            ),
        ));
    }
    let get = |i: usize| known(row.get(i).map(str::to_string));
    let ts = Some(
        parse_pg_ts(row.get(col::LOG_TIME).unwrap_or_default())
            .map_err(|e| FieldError::new("log_time", e))?,
    );
    let pid = match get(col::PID) {
        None => None,
        Some(p) => Some(
            p.parse()
                .map_err(|_| FieldError::new("process_id", format!("`{p}` is not a number")))?,
        ),
    };
    let (remote_host, remote_port) = match get(col::CONNECTION_FROM) {
        None => (None, None),
        Some(c) => split_host_port(&c),
    };
    Ok(LogRecord {
        ts,
        user: get(col::USER),
        database: get(col::DATABASE),
        pid,
        session_id: get(col::SESSION_ID),
        remote_host,
        remote_port,
        application_name: get(col::APPLICATION_NAME),
        vxid: get(col::VXID),
        severity: get(col::SEVERITY).unwrap_or_default(),
        state_code: get(col::STATE_CODE).filter(|c| c != "00000"),
        message: row.get(col::MESSAGE).unwrap_or_default().to_string(),
    })
}

/// `127.0.0.1:52518`, `::1:52518` or `[local]` (csvlog's connection_from); also
/// `127.0.0.1(52518)` (stderr's `%r`).
pub(crate) fn split_host_port(s: &str) -> (Option<String>, Option<u32>) {
    if let Some(open) = s
        .strip_suffix(')')
        .and_then(|t| t.rfind('(').map(|i| (t, i)))
    {
        let (t, i) = open;
        if let Ok(port) = t[i + 1..].parse() {
            return (known(Some(t[..i].to_string())), Some(port));
        }
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            match port.parse() {
                Ok(p) => (Some(host.to_string()), Some(p)),
                Err(_) => (known(Some(s.to_string())), None),
            }
        }
        _ => (known(Some(s.to_string())), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_utc_numeric_offsets_and_epoch() {
        let utc = parse_pg_ts("2026-11-23 18:32:56.606 UTC").unwrap();
        assert_eq!(utc.to_rfc3339(), "2026-11-23T18:32:56.606+00:00");
        let plus = parse_pg_ts("2026-11-23 21:32:56 +03").unwrap();
        assert_eq!(plus.to_rfc3339(), "2026-11-23T18:32:56+00:00");
        let half = parse_pg_ts("2026-11-24 00:02:56 +05:30").unwrap();
        assert_eq!(half.to_rfc3339(), "2026-11-23T18:32:56+00:00");
        let epoch = parse_pg_ts("1795459976.606").unwrap();
        assert_eq!(epoch.timestamp_millis(), 1_795_459_976_606);
    }

    #[test]
    fn ambiguous_zone_abbreviations_are_refused_with_the_fix() {
        let e = parse_pg_ts("2026-11-23 18:32:56.606 CST").unwrap_err();
        assert!(e.contains("log_timezone = 'UTC'"), "{e}");
        assert!(parse_pg_ts("yesterday").is_err());
        assert!(parse_pg_ts("").is_err());
    }

    #[test]
    fn a_jsonlog_auth_failure_keeps_its_user_and_state() {
        let line = br#"{"timestamp":"2026-11-23 18:34:16.525 UTC","user":"officer_c","dbname":"records","pid":9189,"remote_host":"127.0.0.1","remote_port":39738,"session_id":"6b048728.23e5","line_num":2,"ps":"authentication","session_start":"2026-11-23 18:34:16 UTC","vxid":"3/98","txid":0,"error_severity":"FATAL","state_code":"28P01","message":"password authentication failed for user \"officer_c\"","backend_type":"client backend","query_id":0}"#;
        let r = from_json(line).unwrap();
        assert_eq!(r.user.as_deref(), Some("officer_c"));
        assert_eq!(r.state_code.as_deref(), Some("28P01"));
        assert_eq!(r.severity, "FATAL");
        assert_eq!(r.application_name, None);
        assert_eq!(r.remote_port, Some(39738));
    }

    #[test]
    fn a_jsonlog_line_with_a_bad_time_names_the_field() {
        let e =
            from_json(br#"{"timestamp":"2026-11-23 18:34:16.525 EST","message":"x"}"#).unwrap_err();
        assert_eq!(e.field, "timestamp");
        assert_eq!(from_json(b"[1,2]").unwrap_err().field, "-");
    }

    #[test]
    fn connection_from_variants() {
        assert_eq!(
            split_host_port("127.0.0.1:52518"),
            (Some("127.0.0.1".into()), Some(52518))
        );
        assert_eq!(
            split_host_port("::1:5000"),
            (Some("::1".into()), Some(5000))
        );
        assert_eq!(split_host_port("[local]"), (Some("[local]".into()), None));
        assert_eq!(
            split_host_port("10.0.0.7(41000)"),
            (Some("10.0.0.7".into()), Some(41000))
        );
    }
}
