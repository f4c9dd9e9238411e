//! PostgreSQL + pgAudit logs (`--format pgaudit`): the server's own audit trail, read
//! directly, in any of its three log destinations.
//!
//! The pipeline inside is: a destination reader cuts the file into log records
//! ([`record`] for jsonlog and csvlog, [`prefix`] for stderr), [`payload`] reads the
//! `AUDIT:` CSV inside a message, [`sql`] finds who was looked up in the statement, and
//! [`assemble`] merges the lines of one statement into one contract event with its case.
//! Like every reader, it sends what it cannot decode to the reject sink with the record's
//! first line and goes on; only an unopenable file is an error.

pub(crate) mod assemble;
pub mod payload;
pub mod prefix;
pub mod record;
pub mod sql;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

pub(crate) use assemble::{AssembleStats, Assembler, PgSettings};

use super::decode::FieldError;
use super::lines::{for_each_line, trim_line_end};
use super::{FileStats, RejectSink, SourceError};
use crate::event::Event;

/// Which log destination wrote a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    /// `log_destination = 'jsonlog'` (PostgreSQL 15+): one JSON object per line.
    Json,
    /// `csvlog`: one CSV row per record, statements may span lines.
    Csv,
    /// `stderr`: `log_line_prefix` + severity + message; continuation lines start with a TAB.
    Stderr,
}

/// The first non-blank line of a buffer, without its line ending.
fn first_line(head: &[u8]) -> &[u8] {
    head.split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or_default()
}

/// Whether a line is a PostgreSQL jsonlog record (and not a contract event).
pub(crate) fn is_jsonlog_line(line: &[u8]) -> bool {
    let has = |k: &[u8]| line.windows(k.len()).any(|w| w == k);
    line.first() == Some(&b'{') && has(b"\"error_severity\"") && has(b"\"timestamp\"")
}

/// Starts like `2026-11-23 18:32:56` (every csvlog row and the usual stderr prefix).
fn starts_with_pg_time(line: &[u8]) -> bool {
    let shape = b"dddd-dd-dd dd:dd:dd";
    line.len() >= shape.len()
        && shape.iter().zip(line).all(|(s, b)| match s {
            b'd' => b.is_ascii_digit(),
            other => other == b,
        })
}

/// Recognises a destination from the start of a file; `None` when nothing says pgAudit.
pub(crate) fn sniff(head: &[u8]) -> Option<Destination> {
    let line = first_line(head);
    if is_jsonlog_line(line) {
        return Some(Destination::Json);
    }
    if !starts_with_pg_time(line) {
        return None;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let mut rec = csv::StringRecord::new();
    if matches!(rdr.read_record(&mut rec), Ok(true))
        && rec.len() >= 23
        && rec
            .get(0)
            .is_some_and(|t| record::parse_pg_ts(t).is_ok() || t.contains(' '))
    {
        return Some(Destination::Csv);
    }
    Some(Destination::Stderr)
}

/// Opens a file (or `-`), decompressing `.gz`, buffered so its start can be sniffed.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, SourceError> {
    let shown = path.display().to_string();
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|source| SourceError::Io {
            path: shown,
            source,
        })?)
    };
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, raw))
    })
}

/// Reads one pgAudit log file; the destination is recognised from its content.
pub fn read(
    path: &Path,
    settings: &Arc<PgSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<(FileStats, AssembleStats), SourceError> {
    let shown = path.display().to_string();
    let mut reader = open(path)?;
    let head = reader.fill_buf().map_err(|source| SourceError::Io {
        path: shown.clone(),
        source,
    })?;
    let dest = sniff(head).unwrap_or(Destination::Stderr);
    read_from(&shown, reader, dest, settings, rejects, emit)
}

/// Reads records of destination `dest` from any reader; `name` is used for ids and
/// messages.
pub(crate) fn read_from(
    name: &str,
    reader: Box<dyn BufRead>,
    dest: Destination,
    settings: &Arc<PgSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<(FileStats, AssembleStats), SourceError> {
    let file: Arc<str> = Arc::from(name);
    let mut asm = Assembler::new(settings.clone());
    let mut stats = FileStats::default();
    let mut events = Vec::new();
    let mut take = |stats: &mut FileStats,
                    asm: &mut Assembler,
                    rejects: &mut RejectSink,
                    line: u64,
                    rec: Result<record::LogRecord, FieldError>,
                    raw: &dyn Fn() -> Vec<u8>|
     -> Result<(), SourceError> {
        let done = rec.and_then(|r| asm.record(&file, line, r, &mut events));
        match done {
            Ok(()) => {
                for ev in events.drain(..) {
                    stats.events += 1;
                    emit(ev);
                }
                Ok(())
            }
            Err(e) => {
                events.clear();
                stats.reject(rejects, name, line, &e.field, e.problem, &raw())
            }
        }
    };
    match dest {
        Destination::Json => {
            for_each_line(
                name,
                reader,
                false,
                &mut stats,
                rejects,
                |stats, rejects, n, bytes| {
                    take(
                        stats,
                        &mut asm,
                        rejects,
                        n,
                        record::from_json(bytes),
                        &|| bytes.to_vec(),
                    )
                },
            )?;
        }
        Destination::Csv => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(reader);
            let mut row = csv::ByteRecord::new();
            loop {
                let line = rdr.position().line();
                match rdr.read_byte_record(&mut row) {
                    Ok(false) => break,
                    Ok(true) if row.len() == 1 && row.get(0).is_some_and(<[u8]>::is_empty) => {
                        continue
                    }
                    Ok(true) => {}
                    Err(e) => {
                        let msg = format!("input ends unreadably here: {e}");
                        stats.reject(rejects, name, line, "-", msg, b"")?;
                        break;
                    }
                }
                let raw = || {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    let _ = w.write_byte_record(&row);
                    w.into_inner().unwrap_or_default()
                };
                let rec = match csv::StringRecord::from_byte_record(row.clone()) {
                    Ok(r) => record::from_csv(&r),
                    Err(e) => Err(FieldError::new("-", format!("not UTF-8: {e}"))),
                };
                take(&mut stats, &mut asm, rejects, line, rec, &raw)?;
            }
        }
        Destination::Stderr => {
            let prefix = settings.prefix.clone();
            // A record is its prefixed line plus the TAB-led lines after it.
            let mut pending: Option<(u64, String)> = None;
            let mut flush = |stats: &mut FileStats,
                             rejects: &mut RejectSink,
                             p: Option<(u64, String)>|
             -> Result<(), SourceError> {
                let Some((n, text)) = p else { return Ok(()) };
                let rec = match prefix.parse(&text) {
                    Some(r) => r,
                    None => Err(FieldError::new(
                        "log_line_prefix",
                        format!(
                            "the line does not start with the configured log_line_prefix `{}`",
                            prefix.text()
                        ),
                    )),
                };
                take(stats, &mut asm, rejects, n, rec, &|| {
                    text.as_bytes().to_vec()
                })
            };
            for_each_line(
                name,
                reader,
                true,
                &mut stats,
                rejects,
                |stats, rejects, n, bytes| {
                    let text = String::from_utf8_lossy(bytes);
                    let text = text.trim_end_matches(['\n', '\r']);
                    match (text.strip_prefix('\t'), &mut pending) {
                        (Some(cont), Some((_, acc))) => {
                            acc.push('\n');
                            acc.push_str(cont);
                            Ok(())
                        }
                        _ => {
                            let done = pending.replace((n, text.to_string()));
                            flush(stats, rejects, done)
                        }
                    }
                },
            )?;
            flush(&mut stats, rejects, pending.take())?;
        }
    }
    Ok((stats, asm.stats))
}

/// Decodes a followed jsonlog file line by line (`custodes watch --format pgaudit`).
#[derive(Debug)]
pub(crate) struct LineDecoder {
    asm: Assembler,
}

impl LineDecoder {
    pub fn new(settings: Arc<PgSettings>) -> Self {
        LineDecoder {
            asm: Assembler::new(settings),
        }
    }

    /// Appends the events that `line` (line `n` of `file`) completes.
    pub fn decode(
        &mut self,
        file: &Arc<str>,
        n: u64,
        line: &[u8],
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        let body = trim_line_end(line);
        if !body.starts_with(b"{") {
            return Err(FieldError::new(
                "-",
                "not a jsonlog record: `watch --format pgaudit` follows the jsonlog destination (log_destination = 'jsonlog')",
            ));
        }
        let rec = record::from_json(body)?;
        self.asm.record(file, n, rec, out)
    }
}

#[cfg(test)]
mod tests;
