//! MariaDB `server_audit` logs (`--format mariadb`): the audit plugin shipped with the
//! server, read directly, from its own file or from syslog.
//!
//! [`line`] cuts one line into its fields (the plugin's quoting is not CSV), and
//! [`assemble`] turns lines into contract events: one per statement that touches data,
//! its subject found by the same SQL analysis as pgAudit's in the MySQL dialect, its case
//! from a sqlcommenter comment or a user variable; logins, failed logins and logouts.
//! Like every reader, it sends what it cannot decode to the reject sink with the line and
//! goes on; only an unopenable file is an error. It must not judge lookups.

pub(crate) mod assemble;
pub mod line;

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

pub(crate) use assemble::{Assembler, MariaSettings, MariaStats};

use super::decode::FieldError;
use super::lines::{for_each_line, trim_line_end};
use super::{FileStats, RejectSink, SourceError};
use crate::event::Event;

/// Whether the start of a file is a `server_audit` log: its first non-blank line reads
/// as one (file or syslog destination).
pub(crate) fn sniff(head: &[u8]) -> bool {
    let Some(first) = head
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
    else {
        return false;
    };
    let text = String::from_utf8_lossy(first);
    line::parse(text.trim_end_matches(['\r', '\n'])).is_ok()
}

/// Reads one `server_audit` log file (or `-`, or `.gz`).
pub fn read(
    path: &Path,
    settings: &Arc<MariaSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = path.display().to_string();
    let reader = super::pgaudit::open(path)?;
    read_from(&shown, reader, settings, rejects, emit)
}

/// Reads lines from any reader; `name` is used for ids and messages.
pub(crate) fn read_from(
    name: &str,
    reader: Box<dyn BufRead>,
    settings: &Arc<MariaSettings>,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let mut decoder = LineDecoder::new(settings.clone());
    let file: Arc<str> = Arc::from(name);
    let mut stats = FileStats::default();
    let mut events = Vec::new();
    for_each_line(
        name,
        reader,
        false,
        &mut stats,
        rejects,
        |stats, rejects, n, line| {
            match decoder.decode(&file, n, line, &mut events) {
                Ok(()) => {
                    for ev in events.drain(..) {
                        stats.events += 1;
                        emit(ev);
                    }
                }
                Err(e) => {
                    events.clear();
                    stats.reject(rejects, name, n, &e.field, e.problem, line)?;
                }
            }
            Ok(())
        },
    )?;
    stats.mariadb = decoder.asm.stats;
    Ok(stats)
}

/// Decodes lines one at a time: the file reader, and `custodes watch --format mariadb`.
#[derive(Debug)]
pub(crate) struct LineDecoder {
    asm: Assembler,
}

impl LineDecoder {
    pub fn new(settings: Arc<MariaSettings>) -> Self {
        LineDecoder {
            asm: Assembler::new(settings),
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
        let body = trim_line_end(bytes);
        // A statement cut inside a multi-byte character is still worth its other bytes.
        let text = String::from_utf8_lossy(body);
        let l = line::parse(&text)?;
        self.asm.record(file, n, l, out)
    }
}

#[cfg(test)]
mod tests;
