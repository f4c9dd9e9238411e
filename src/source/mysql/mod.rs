//! MySQL's JSON audit logs, read directly: Percona Server's `audit_log` plugin
//! (`--format percona`, `audit_log_format=JSON`: one `{"audit_record":…}` per line) and
//! MySQL Enterprise Audit (`--format mysql-enterprise`, `audit_log_format=JSON` and what
//! `audit_log_filter` writes, Percona's clone included: a JSON array of pretty-printed
//! objects, still open while the server writes it).
//!
//! [`record`] maps one record onto a `server_audit` line, so that the MariaDB assembler
//! makes the events: the same family of reader (one event per data statement, its subject
//! from the shared SQL analysis in the MySQL dialect, its case from a sqlcommenter comment
//! or `SET @case_id`, statements as long as `[mysql] query_log_limit` marked as cut,
//! logins, failed logins, logouts). This module cuts the byte stream into records
//! without holding the file, and keeps, for MySQL Enterprise, each connection's database
//! and a statement received (`general`/`log`) until its outcome (`general`/`status`)
//! says how it ended, so one statement is one event. Like every reader, it sends what it
//! cannot decode to the reject sink with its line and goes on; it must not judge lookups.

pub mod record;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::decode::FieldError;
use super::lines::for_each_line;
use super::mariadb::line::AuditLine;
use super::mariadb::{Assembler, MariaSettings};
use super::{FileStats, RejectSink, SourceError};
use crate::event::Event;
use record::Mapped;

/// Which of the two formats a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Percona Server's `audit_log` plugin, `audit_log_format=JSON`.
    Percona,
    /// MySQL Enterprise Audit JSON, and `audit_log_filter`'s JSON (MySQL or Percona).
    Enterprise,
}

/// A record larger than this is rejected rather than held (a statement of 16 MiB is
/// beyond any lookup, and the bound keeps a corrupt file from filling memory).
const MAX_RECORD_BYTES: usize = 16 << 20;
/// Connections whose database is remembered at most.
const MAX_CONNECTIONS: usize = 100_000;

/// Which format the start of a file is in, if either: its first JSON object (after an
/// opening `[` for MySQL Enterprise) read as one.
pub(crate) fn sniff(head: &[u8]) -> Option<Kind> {
    let mut scanner = Scanner::default();
    let mut reader = std::io::Cursor::new(head);
    let mut first = None;
    // Only the first record matters; a head cut inside it is judged by its start.
    while let Ok(Some(item)) = scanner.next(&mut reader) {
        if let Item::Record { bytes, .. } = item {
            first = Some(bytes);
            break;
        }
    }
    let opened_array = head.trim_ascii_start().first() == Some(&b'[');
    match first.and_then(|b| serde_json::from_slice::<Value>(&b).ok()) {
        Some(v) => kind_of(&v),
        // A head cut inside its first record: judge by the keys it shows.
        None => {
            let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.starts_with("{\"audit_record\":{") {
                Some(Kind::Percona)
            } else if (opened_array || compact.starts_with('{'))
                && compact.contains("\"class\":")
                && compact.contains("\"timestamp\":")
                && compact.contains("\"id\":")
            {
                Some(Kind::Enterprise)
            } else {
                None
            }
        }
    }
}

/// The format one decoded record is in.
fn kind_of(v: &Value) -> Option<Kind> {
    if v.get("audit_record").is_some_and(Value::is_object) {
        Some(Kind::Percona)
    } else if v.get("class").is_some_and(Value::is_string)
        && v.get("timestamp").is_some_and(Value::is_string)
        && v.get("id").is_some_and(Value::is_u64)
    {
        Some(Kind::Enterprise)
    } else {
        None
    }
}

/// Reads one file (or `-`, or `.gz`) in the given format.
pub fn read(
    path: &Path,
    kind: Kind,
    settings: &Arc<MariaSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = path.display().to_string();
    let reader = super::pgaudit::open(path)?;
    read_from(&shown, reader, kind, settings, rejects, emit)
}

/// Reads records from any reader; `name` is used for messages.
pub(crate) fn read_from(
    name: &str,
    mut reader: Box<dyn BufRead>,
    kind: Kind,
    settings: &Arc<MariaSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let file: Arc<str> = Arc::from(name);
    let mut decoder = Decoder::new(kind, settings.clone());
    let mut stats = FileStats::default();
    let mut events = Vec::new();
    if kind == Kind::Percona {
        // One record per line: a line cut short is one reject, never a swallowed next line.
        for_each_line(
            name,
            reader,
            false,
            &mut stats,
            rejects,
            |stats, rejects, n, line| {
                let body = line.trim_ascii();
                if let Err(e) = decoder.decode(&file, n, body, &mut events) {
                    stats.reject(rejects, name, n, &e.field, e.problem, body)?;
                }
                for ev in events.drain(..) {
                    stats.events += 1;
                    emit(ev);
                }
                Ok(())
            },
        )?;
        stats.mysql = decoder.asm.stats;
        return Ok(stats);
    }
    let mut scanner = Scanner::default();
    loop {
        let item = match scanner.next(&mut reader) {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(e) => {
                let msg = format!("input ends unreadably here: {e}");
                stats.reject(rejects, name, scanner.line, "-", msg, b"")?;
                break;
            }
        };
        let (line, result, raw) = match item {
            Item::Record { line, bytes } => {
                let r = decoder.decode(&file, line, &bytes, &mut events);
                (line, r, bytes)
            }
            Item::Bad { line, problem, raw } => (line, Err(FieldError::new("-", problem)), raw),
        };
        if let Err(e) = result {
            stats.reject(rejects, name, line, &e.field, e.problem, &raw)?;
        }
        for (held, e) in decoder.take_refused() {
            stats.reject(rejects, name, held, &e.field, e.problem, b"")?;
        }
        for ev in events.drain(..) {
            stats.events += 1;
            emit(ev);
        }
    }
    for (line, e) in decoder.finish(&file, &mut events) {
        stats.reject(rejects, name, line, &e.field, e.problem, b"")?;
    }
    for ev in events.drain(..) {
        stats.events += 1;
        emit(ev);
    }
    stats.mysql = decoder.asm.stats;
    Ok(stats)
}

/// Turns records into events, one file or followed source at a time.
#[derive(Debug)]
pub(crate) struct Decoder {
    kind: Kind,
    asm: Assembler,
    /// MySQL Enterprise: each connection's current database (from its connect record and
    /// `USE`), since statement records do not carry it.
    databases: HashMap<u64, String>,
    /// MySQL Enterprise: a statement received (`general`/`log`) and the line it was on,
    /// held until its connection's next `general` or `connection` record.
    received: HashMap<u64, (u64, AuditLine)>,
    /// Held statements the assembler refused when they were let go, with their own line
    /// (not the line of the record that let them go).
    refused: Vec<(u64, FieldError)>,
}

impl Decoder {
    pub fn new(kind: Kind, settings: Arc<MariaSettings>) -> Self {
        Decoder {
            kind,
            asm: Assembler::new(settings),
            databases: HashMap::new(),
            received: HashMap::new(),
            refused: Vec::new(),
        }
    }

    /// Takes the held statements refused since the last call, with their lines.
    pub(crate) fn take_refused(&mut self) -> Vec<(u64, FieldError)> {
        std::mem::take(&mut self.refused)
    }

    /// Appends the events that one record (starting on line `n` of `file`) completes.
    pub fn decode(
        &mut self,
        file: &Arc<str>,
        n: u64,
        bytes: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| FieldError::new("-", format!("not a JSON object: {e}")))?;
        match self.kind {
            Kind::Percona => {
                let line = record::percona(&v)?;
                self.asm.record(file, n, line, out)
            }
            Kind::Enterprise => self.enterprise(file, n, &v, out),
        }
    }

    fn enterprise(
        &mut self,
        file: &Arc<str>,
        n: u64,
        v: &Value,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        // As `record` reads it: a number, or digits in a string.
        let conn = v
            .get("connection_id")
            .and_then(|c| c.as_u64().or_else(|| c.as_str()?.trim().parse().ok()))
            .unwrap_or(0);
        let db = self.databases.get(&conn).map(String::as_str);
        let mapped = record::enterprise(v, db)?;
        match mapped {
            Mapped::Received(line) => {
                self.flush(file, conn, out);
                self.received.insert(conn, (n, line));
                Ok(())
            }
            Mapped::Line(line) => {
                let op = line.operation.as_str();
                if op == "QUERY" {
                    // The outcome of the statement held as received replaces it.
                    match self.received.remove(&conn) {
                        Some((_, held)) if held.object == line.object => {}
                        Some((held_n, held)) => {
                            if let Err(e) = self.asm.record(file, held_n, held, out) {
                                self.refused.push((held_n, e));
                            }
                        }
                        None => {}
                    }
                    if line.retcode.is_none_or(|c| c == 0) {
                        if let Some(db) = use_database(&line.object) {
                            self.databases.insert(conn, db);
                        }
                    }
                } else if op != "READ" && op != "WRITE" {
                    // Table records arrive while the statement runs; anything else on the
                    // connection means the held statement got no outcome record.
                    self.flush(file, conn, out);
                }
                // Connections whose disconnect was never logged (a crash) must not grow
                // the map without end; forgetting them costs only their `system`.
                if self.databases.len() >= MAX_CONNECTIONS {
                    self.databases.clear();
                }
                match op {
                    "CONNECT" => {
                        self.databases.insert(conn, line.database.clone());
                    }
                    "DISCONNECT" => {
                        self.databases.remove(&conn);
                    }
                    _ => {}
                }
                self.asm.record(file, n, line, out)
            }
        }
    }

    fn flush(&mut self, file: &Arc<str>, conn: u64, out: &mut Vec<Event>) {
        if let Some((n, held)) = self.received.remove(&conn) {
            if let Err(e) = self.asm.record(file, n, held, out) {
                self.refused.push((n, e));
            }
        }
    }

    /// The end of the input: statements still held are emitted, in file order; those the
    /// assembler refuses come back with their line.
    pub fn finish(&mut self, file: &Arc<str>, out: &mut Vec<Event>) -> Vec<(u64, FieldError)> {
        let mut held: Vec<(u64, AuditLine)> = self.received.drain().map(|(_, v)| v).collect();
        held.sort_by_key(|(n, _)| *n);
        let mut refused = Vec::new();
        for (n, line) in held {
            if let Err(e) = self.asm.record(file, n, line, out) {
                refused.push((n, e));
            }
        }
        refused
    }
}

/// `USE db` / ``USE `db` ``: the database a connection switches to.
fn use_database(sql: &str) -> Option<String> {
    let t = sql.trim().trim_end_matches(';').trim();
    let (kw, rest) = t.split_at_checked(3)?;
    if !kw.eq_ignore_ascii_case("use") || !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let db = rest.trim().trim_matches('`').trim();
    (!db.is_empty()).then(|| db.to_string())
}

/// Decodes Percona lines one at a time: `custodes watch --format percona`.
#[derive(Debug)]
pub(crate) struct LineDecoder {
    inner: Decoder,
}

impl LineDecoder {
    pub fn new(settings: Arc<MariaSettings>) -> Self {
        LineDecoder {
            inner: Decoder::new(Kind::Percona, settings),
        }
    }

    /// Appends the events that `bytes` (line `n` of `file`) completes.
    pub fn decode(
        &mut self,
        file: &Arc<str>,
        n: u64,
        bytes: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        self.inner.decode(file, n, bytes.trim_ascii(), out)
    }
}

/// Whether one line is a Percona `audit_log` JSON record.
pub(crate) fn is_percona_line(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes.trim_ascii())
        .ok()
        .and_then(|v| kind_of(&v))
        == Some(Kind::Percona)
}

/// What the scanner found.
#[derive(Debug)]
enum Item {
    /// One top-level object's bytes, and the line it starts on.
    Record { line: u64, bytes: Vec<u8> },
    /// Bytes that are not an object where one must be, or a record cut off.
    Bad {
        line: u64,
        problem: String,
        raw: Vec<u8>,
    },
}

/// Cuts a stream into its top-level JSON objects: one per line (Percona), or the elements
/// of an array that may still be open (MySQL Enterprise), pretty-printed over many lines
/// or compact. `[`, `]`, `,` and white space between objects are skipped; strings are
/// followed with their escapes so braces inside statements do not count.
#[derive(Debug, Default)]
struct Scanner {
    /// Lines read so far (the line of the next byte is `line + 1` after a newline).
    line: u64,
    pending: Vec<u8>,
    at: usize,
}

impl Scanner {
    fn byte(&mut self, r: &mut dyn BufRead) -> std::io::Result<Option<u8>> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            if r.read_until(b'\n', &mut self.pending)? == 0 {
                return Ok(None);
            }
            self.line += 1;
        }
        let b = self.pending[self.at];
        self.at += 1;
        Ok(Some(b))
    }

    /// Skips the rest of the current line (after a stray byte, to find the next record).
    fn skip_line(&mut self) -> Vec<u8> {
        let rest = self.pending[self.at..].to_vec();
        self.at = self.pending.len();
        rest
    }

    fn next(&mut self, r: &mut dyn BufRead) -> std::io::Result<Option<Item>> {
        // Between records.
        let first = loop {
            match self.byte(r)? {
                None => return Ok(None),
                Some(b'{') => break b'{',
                Some(b) if b.is_ascii_whitespace() || matches!(b, b'[' | b']' | b',') => {}
                Some(b) => {
                    let line = self.line;
                    let mut raw = vec![b];
                    raw.extend(self.skip_line());
                    while raw.last().is_some_and(|c| *c == b'\n' || *c == b'\r') {
                        raw.pop();
                    }
                    return Ok(Some(Item::Bad {
                        line,
                        problem: "not a JSON object where an audit record must start".into(),
                        raw,
                    }));
                }
            }
        };
        let line = self.line;
        let mut bytes = vec![first];
        let (mut depth, mut in_string, mut escaped, mut too_long) = (1u32, false, false, false);
        loop {
            let Some(b) = self.byte(r)? else {
                return Ok(Some(Item::Bad {
                    line,
                    problem: "the input ends inside this record (cut while the server wrote it)"
                        .into(),
                    raw: bytes,
                }));
            };
            if !too_long {
                if bytes.len() >= MAX_RECORD_BYTES {
                    too_long = true;
                    bytes.truncate(256);
                } else {
                    bytes.push(b);
                }
            }
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if too_long {
            return Ok(Some(Item::Bad {
                line,
                problem: format!("a record longer than {MAX_RECORD_BYTES} bytes"),
                raw: bytes,
            }));
        }
        Ok(Some(Item::Record { line, bytes }))
    }
}

#[cfg(test)]
mod tests;
