//! One line of a MariaDB `server_audit` log, cut into its fields.
//!
//! The plugin writes `timestamp,serverhost,username,host,connectionid,queryid,operation,
//! database,object,retcode` to its own file, or, to syslog, the same record without the
//! timestamp after the syslog header (`TIME HOST IDENT: [INFO] serverhost,…`). It is not
//! RFC 4180 CSV: a statement (the object of a `QUERY` line) is wrapped in `'…'` with `\'`,
//! `\\` and `\n`-style escapes, and may hold commas; a table name (the object of a `READ`
//! or `WRITE` line) is bare. This module only cuts and unescapes one line; it must not
//! interpret the statement, convert times to a zone, or keep any state.

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use crate::source::decode::FieldError;

/// When a line says its event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTime {
    /// The file destination: the server's local time, to the second, without a zone.
    Local(NaiveDateTime),
    /// A syslog header with an RFC 3339 time (rsyslog's default file format, journald's
    /// `short-iso`): exact.
    Exact(DateTime<FixedOffset>),
}

/// The fields of one audit line, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub time: LineTime,
    pub serverhost: String,
    pub user: String,
    /// The client's host name, or its address when names are not resolved.
    pub host: String,
    pub connection_id: u64,
    pub query_id: u64,
    /// `CONNECT`, `DISCONNECT`, `FAILED_CONNECT`, `QUERY`, `READ`, `WRITE`, …
    pub operation: String,
    pub database: String,
    /// The statement (quoted objects, unescaped) or the table name.
    pub object: String,
    /// Whether the object was written in quotes (a statement).
    pub quoted: bool,
    /// Bytes of the object as the log wrote it, escapes included: what
    /// `server_audit_query_log_limit` bounds.
    pub logged_len: usize,
    /// The MySQL error number (0 = success); absent on table lines.
    pub retcode: Option<i64>,
    /// The event's id when the log gives each record one (MySQL's JSON formats); `None`
    /// builds it from the server host, time and connection, as `server_audit` needs.
    pub event_id: Option<String>,
    /// Rows the statement returned, when the log says (MySQL's `query_statistics`).
    pub rows: Option<u64>,
}

/// Whether a line starts like the file destination's `YYYYMMDD HH:MM:SS,`.
pub(crate) fn starts_with_file_time(line: &str) -> bool {
    let shape = b"dddddddd dd:dd:dd,";
    let b = line.as_bytes();
    b.len() >= shape.len()
        && shape.iter().zip(b).all(|(s, c)| match s {
            b'd' => c.is_ascii_digit(),
            other => other == c,
        })
}

/// Parses one line (without its line ending).
pub fn parse(line: &str) -> Result<AuditLine, FieldError> {
    if starts_with_file_time(line) {
        let (ts, rest) = line
            .split_once(',')
            .ok_or_else(|| FieldError::new("timestamp", "no comma after the time"))?;
        let time = NaiveDateTime::parse_from_str(ts, "%Y%m%d %H:%M:%S").map_err(|e| {
            FieldError::new("timestamp", format!("`{ts}` is not YYYYMMDD HH:MM:SS: {e}"))
        })?;
        return fields(LineTime::Local(time), rest);
    }
    syslog(line)
}

/// `TIME HOST TAG: [INFO] serverhost,username,…` with an RFC 3339 time.
fn syslog(line: &str) -> Result<AuditLine, FieldError> {
    let not_audit = || {
        FieldError::new(
            "-",
            "not a server_audit line: expected `YYYYMMDD HH:MM:SS,serverhost,…` (file) or \
             `RFC3339-TIME HOST IDENT: serverhost,…` (syslog)",
        )
    };
    let (ts, rest) = line.split_once(' ').ok_or_else(not_audit)?;
    let time = match DateTime::parse_from_rfc3339(ts)
        .or_else(|_| DateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f%z"))
    {
        Ok(t) => t,
        Err(_) if is_bsd_month(ts) => {
            return Err(FieldError::new(
                "timestamp",
                "a traditional syslog time (`Nov 23 18:40:55`) has no year and no zone; \
                 have the syslog daemon write RFC 3339 times (rsyslog's RSYSLOG_FileFormat, \
                 `journalctl -o short-iso`)",
            ))
        }
        Err(_) if ts.contains('T') => {
            return Err(FieldError::new(
                "timestamp",
                format!("`{ts}` is not an RFC 3339 time"),
            ))
        }
        Err(_) => return Err(not_audit()),
    };
    let (_host, rest) = rest.split_once(' ').ok_or_else(not_audit)?;
    // The tag (`mysql-server_auditing:` or `ident[pid]:`) ends at the first ": ".
    let (_tag, msg) = rest.split_once(": ").ok_or_else(not_audit)?;
    // `server_audit_syslog_info` may precede the record; the server's host name cannot
    // hold a space, so the record starts after the last space before its first comma.
    let msg = msg.trim_start();
    let first_comma = msg.find(',').ok_or_else(not_audit)?;
    let start = msg[..first_comma].rfind(' ').map_or(0, |i| i + 1);
    fields(LineTime::Exact(time), &msg[start..])
}

fn is_bsd_month(s: &str) -> bool {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .contains(&s)
}

/// `serverhost,username,host,connectionid,queryid,operation,database,object,retcode`.
fn fields(time: LineTime, rest: &str) -> Result<AuditLine, FieldError> {
    let mut rest = rest;
    let mut next = |name: &str| -> Result<&str, FieldError> {
        let (field, after) = rest
            .split_once(',')
            .ok_or_else(|| FieldError::new(name, "the line ends before this field".to_string()))?;
        rest = after;
        Ok(field)
    };
    let serverhost = next("serverhost")?.to_string();
    let user = next("username")?.to_string();
    let host = next("host")?.to_string();
    let connection_id = number(next("connectionid")?, "connectionid")?;
    let query_id = number(next("queryid")?, "queryid")?;
    let operation = next("operation")?.to_string();
    let database = next("database")?.to_string();
    if operation.is_empty() {
        return Err(FieldError::new("operation", "empty"));
    }
    let (object, quoted, logged_len, code) = match rest.strip_prefix('\'') {
        Some(body) => {
            let (object, used) = unquote(body)?;
            let after = &body[used..];
            let code = after.strip_prefix(',').ok_or_else(|| {
                FieldError::new(
                    "retcode",
                    "the statement's closing quote is not followed by `,retcode`",
                )
            })?;
            // `used` counts the closing quote.
            (object, true, used - 1, code)
        }
        None => {
            let (object, code) = rest.rsplit_once(',').ok_or_else(|| {
                FieldError::new("object", "the line ends before the object field")
            })?;
            (object.to_string(), false, object.len(), code)
        }
    };
    let code = code.trim_end();
    let retcode =
        if code.is_empty() {
            None
        } else {
            Some(code.parse::<i64>().map_err(|_| {
                FieldError::new("retcode", format!("`{code}` is not an error number"))
            })?)
        };
    Ok(AuditLine {
        time,
        serverhost,
        user,
        host,
        connection_id,
        query_id,
        operation,
        database,
        object,
        quoted,
        logged_len,
        retcode,
        event_id: None,
        rows: None,
    })
}

fn number(s: &str, field: &str) -> Result<u64, FieldError> {
    s.parse::<u64>()
        .map_err(|_| FieldError::new(field, format!("`{s}` is not a number")))
}

/// The statement after its opening quote, unescaped, and the bytes used up to and
/// including the closing quote.
fn unquote(body: &str) -> Result<(String, usize), FieldError> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => return Ok((out, i + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '0')) => out.push('\0'),
                Some((_, other)) => out.push(other),
                None => break,
            },
            other => out.push(other),
        }
    }
    Err(FieldError::new(
        "object",
        "the statement's quote is never closed (the line was cut)",
    ))
}

/// Writes a statement the way the plugin does (for tests and the generator).
pub fn escape(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len() + 8);
    for c in statement.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_query_line_with_escapes_and_commas() {
        let l = parse(r#"20261123 18:40:55,vm,officer_a,localhost,5,10,QUERY,records,'SELECT p.first_name,\n       p.last_name\nFROM persons p\nWHERE p.last_name = \'O\'\'BRIEN\' AND p.address LIKE \'%"The Lodge"%\'',0"#).unwrap();
        assert_eq!(l.user, "officer_a");
        assert_eq!(l.connection_id, 5);
        assert_eq!(l.query_id, 10);
        assert_eq!(l.operation, "QUERY");
        assert_eq!(l.database, "records");
        assert!(l.quoted);
        assert_eq!(
            l.object,
            "SELECT p.first_name,\n       p.last_name\nFROM persons p\nWHERE p.last_name = 'O''BRIEN' AND p.address LIKE '%\"The Lodge\"%'"
        );
        assert_eq!(l.retcode, Some(0));
        assert_eq!(
            l.time,
            LineTime::Local(
                NaiveDateTime::parse_from_str("20261123 18:40:55", "%Y%m%d %H:%M:%S").unwrap()
            )
        );
    }

    #[test]
    fn table_connect_and_failed_lines() {
        let l =
            parse("20261123 18:40:55,vm,officer_a,localhost,5,10,READ,records,persons,").unwrap();
        assert_eq!(
            (l.object.as_str(), l.quoted, l.retcode),
            ("persons", false, None)
        );
        let l =
            parse("20261123 18:40:55,vm,officer_b,localhost,6,0,FAILED_CONNECT,,,1045").unwrap();
        assert_eq!(
            (l.operation.as_str(), l.retcode),
            ("FAILED_CONNECT", Some(1045))
        );
        let l = parse("20261123 18:40:55,vm,officer_a,localhost,4,0,CONNECT,records,,0").unwrap();
        assert_eq!((l.database.as_str(), l.object.as_str()), ("records", ""));
    }

    #[test]
    fn syslog_lines_with_and_without_info() {
        let l = parse("2026-11-23T18:40:55.123456+01:00 vm mysql-server_auditing:  vm,officer_a,10.0.0.7,5,10,QUERY,records,'SELECT 1',0").unwrap();
        assert_eq!(
            l.time,
            LineTime::Exact(
                DateTime::parse_from_rfc3339("2026-11-23T18:40:55.123456+01:00").unwrap()
            )
        );
        assert_eq!((l.serverhost.as_str(), l.host.as_str()), ("vm", "10.0.0.7"));
        let l = parse("2026-11-23T18:40:55+0000 vm mysql-server_auditing[812]: prod-db vm,officer_a,localhost,5,10,QUERY,records,'SELECT 1',0").unwrap();
        assert_eq!(
            (l.serverhost.as_str(), l.object.as_str()),
            ("vm", "SELECT 1")
        );
        let e =
            parse("Nov 23 18:40:55 vm mysql-server_auditing:  vm,root,localhost,3,1,QUERY,,'x',0")
                .unwrap_err();
        assert_eq!(e.field, "timestamp");
    }

    #[test]
    fn bad_lines_name_the_field() {
        let e = parse("20261123 18:40:55,vm,u,h,x,1,QUERY,db,'SELECT 1',0").unwrap_err();
        assert_eq!(e.field, "connectionid");
        let e = parse("20261123 18:40:55,vm,u,h,1,1,QUERY,db,'SELECT 1").unwrap_err();
        assert_eq!(e.field, "object");
        let e = parse("20261123 18:40:55,vm,u,h,1,1,QUERY,db,'SELECT 1',zero").unwrap_err();
        assert_eq!(e.field, "retcode");
        let e = parse("20261133 18:40:55,vm,u,h,1,1,QUERY,db,'SELECT 1',0").unwrap_err();
        assert_eq!(e.field, "timestamp");
        let e = parse("hello world").unwrap_err();
        assert_eq!(e.field, "-");
    }

    proptest! {
        /// Any statement, written as the plugin writes it, reads back exactly, whatever
        /// quotes, backslashes, commas and line breaks it holds.
        #[test]
        fn prop_statements_round_trip(
            stmt in "[a-zA-Z0-9 ,'\"\\\\\n\t%_=()*.;-]{0,80}|\\PC{0,40}",
            user in "[a-z_][a-z0-9_]{0,12}",
            db in "[a-z0-9_]{0,10}",
            conn in 0u64..1_000_000,
            qid in 0u64..1_000_000,
            code in prop::sample::select(vec![0i64, 1045, 1142, 1064]),
        ) {
            let logged = escape(&stmt);
            let line = format!("20261123 18:40:55,vm,{user},127.0.0.1,{conn},{qid},QUERY,{db},'{logged}',{code}");
            let l = parse(&line).unwrap();
            prop_assert_eq!(&l.object, &stmt);
            prop_assert_eq!(l.logged_len, logged.len());
            prop_assert_eq!((l.user.as_str(), l.database.as_str()), (user.as_str(), db.as_str()));
            prop_assert_eq!((l.connection_id, l.query_id, l.retcode), (conn, qid, Some(code)));
        }

        /// No line makes the parser panic; a line is either read or rejected with a field.
        #[test]
        fn prop_never_panics(line in "\\PC{0,120}") {
            let _ = parse(&line);
        }

        /// A bare object (a table line) keeps commas out of it: the last comma splits off
        /// the return code.
        #[test]
        fn prop_bare_objects(table in "[a-z_]{1,12}", db in "[a-z_]{1,8}") {
            let l = parse(&format!("20261123 18:40:55,vm,u,h,1,2,READ,{db},{table},")).unwrap();
            prop_assert_eq!(l.object, table);
            prop_assert_eq!(l.retcode, None);
        }
    }
}
