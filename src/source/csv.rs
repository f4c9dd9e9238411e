//! CSV reader for events: a header line naming contract columns, one event per row.
//!
//! Uses the `csv` crate rather than polars here on purpose: it reports each malformed record
//! with its exact line number and lets the run continue, where a columnar parse fails the
//! whole file on one bad row. Empty cells mean absent.

use std::path::Path;

use std::borrow::Cow;

use super::decode::{decode_record, FieldValue, Fields};
use super::{FileStats, RejectSink, SourceError};
use crate::event::{Event, Origin};

pub fn read(
    path: &Path,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| SourceError::Io {
        path: shown.clone(),
        source,
    })?;
    read_from(&shown, file, rejects, emit)
}

/// Reads CSV events from any reader; `name` is used for ids and messages. The file reader
/// and the fuzz harness (`fuzz/`) both come through here.
pub(crate) fn read_from(
    name: &str,
    input: impl std::io::Read,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = name.to_string();
    let file: std::sync::Arc<str> = std::sync::Arc::from(name);
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(input);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            let mut stats = FileStats::default();
            stats.reject(
                rejects,
                &shown,
                1,
                "-",
                format!("unreadable header line: {e}"),
                b"",
            )?;
            return Ok(stats);
        }
    };
    let mut stats = FileStats::default();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                let raw = record.iter().collect::<Vec<_>>().join(",");
                if record.len() != headers.len() {
                    let msg = format!(
                        "row has {} fields, the header has {}",
                        record.len(),
                        headers.len()
                    );
                    stats.reject(rejects, &shown, line, "-", msg, raw.as_bytes())?;
                    continue;
                }
                let fields: Fields<'_> = headers
                    .iter()
                    .zip(record.iter())
                    .filter(|(_, cell)| !cell.trim().is_empty())
                    .map(|(h, cell)| {
                        (
                            Cow::Borrowed(h.as_str()),
                            FieldValue::Str(Cow::Borrowed(cell)),
                        )
                    })
                    .collect();
                let origin = Origin {
                    file: std::sync::Arc::clone(&file),
                    line,
                };
                let decoded = decode_record(fields, origin);
                stats.settle(decoded, rejects, &shown, line, || raw.into_bytes(), emit)?;
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                stats.reject(
                    rejects,
                    &shown,
                    line,
                    "-",
                    format!("malformed CSV: {e}"),
                    b"",
                )?;
                if !matches!(
                    e.kind(),
                    ::csv::ErrorKind::Utf8 { .. } | ::csv::ErrorKind::UnequalLengths { .. }
                ) {
                    break;
                }
            }
        }
    }
    Ok(stats)
}
