//! The reject sink: where every line that could not be decoded goes.
//!
//! A malformed line never stops a run and is never silently dropped. The sink counts it,
//! keeps the first few for the human summary, and (when a reject file is configured)
//! writes it out whole, with file, line, field and the raw text, so the line can be
//! repaired and replayed.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::Serialize;

/// One rejected input line.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reject {
    pub file: String,
    pub line: u64,
    /// The field at fault, or `-` when the line as a whole could not be read.
    pub field: String,
    pub error: String,
    /// The line as read (lossily decoded when it was not UTF-8), clipped to 4 KiB.
    pub raw: String,
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: field `{}`: {}",
            self.file, self.line, self.field, self.error
        )
    }
}

const RAW_LIMIT: usize = 4096;
const KEPT_FOR_SUMMARY: usize = 10;

/// A rejected line as kept for evidence: lossily decoded when it was not UTF-8, clipped to
/// 4 KiB (at a character boundary), without its line ending. Every reject store uses it.
pub(crate) fn clip_raw(raw: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(raw).into_owned();
    if text.len() > RAW_LIMIT {
        let mut cut = RAW_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text.trim_end_matches(['\n', '\r']).to_string()
}

/// Counts rejects, remembers the first few, and optionally writes all of them as JSON lines.
pub struct RejectSink {
    writer: Option<BufWriter<std::fs::File>>,
    count: u64,
    first: Vec<Reject>,
}

impl RejectSink {
    /// A sink that only counts and remembers (used when alerts go to standard output).
    pub fn counting() -> Self {
        Self {
            writer: None,
            count: 0,
            first: Vec::new(),
        }
    }

    /// A sink that also writes every reject to `path` (created 0600).
    pub fn to_file(path: &Path) -> io::Result<Self> {
        let file = crate::output::create_private(path)?;
        Ok(Self {
            writer: Some(BufWriter::new(file)),
            count: 0,
            first: Vec::new(),
        })
    }

    pub fn push(
        &mut self,
        file: &str,
        line: u64,
        field: &str,
        error: String,
        raw: &[u8],
    ) -> io::Result<()> {
        let reject = Reject {
            file: file.to_string(),
            line,
            field: field.to_string(),
            error,
            raw: clip_raw(raw),
        };
        self.count += 1;
        if let Some(w) = self.writer.as_mut() {
            serde_json::to_writer(&mut *w, &reject)?;
            w.write_all(b"\n")?;
        }
        if self.first.len() < KEPT_FOR_SUMMARY {
            self.first.push(reject);
        }
        Ok(())
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The first rejects seen, for the summary.
    pub fn first(&self) -> &[Reject] {
        &self.first
    }

    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush()?;
        }
        Ok(())
    }
}
