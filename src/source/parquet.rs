//! Parquet reader for events, through [`crate::columnar`] (polars).
//!
//! Row numbers in messages count the header as line 1, as in CSV, so that "line 2" is the
//! first event in every format.

use std::path::Path;

use super::decode::{decode_record, fields_from_map};
use super::{FileStats, RejectSink, SourceError};
use crate::event::{Event, Origin};

pub fn read(
    path: &Path,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = path.display().to_string();
    let file: std::sync::Arc<str> = std::sync::Arc::from(shown.as_str());
    let rows = crate::columnar::read_parquet_rows(path)?;
    let mut stats = FileStats::default();
    for (i, row) in rows.into_iter().enumerate() {
        let line = i as u64 + 2;
        // Rendered before decoding consumes the row; Parquet inputs are not the hot path.
        let raw = serde_json::to_vec(&row).unwrap_or_default();
        let origin = Origin {
            file: std::sync::Arc::clone(&file),
            line,
        };
        let decoded = decode_record(fields_from_map(row), origin);
        stats.settle(decoded, rejects, &shown, line, || raw, emit)?;
    }
    Ok(stats)
}
