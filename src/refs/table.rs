//! Reads one reference table (`NAME.csv` or `NAME.parquet`) into rows of text cells.
//!
//! The typed loaders in [`super`] decide what each column means; this module only finds the
//! file, reads it, and remembers each row's line for error messages.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::RefError;

/// One row: its 1-based line (header is line 1) and its cells. The cells are one
/// `csv::StringRecord` (one buffer and the field bounds), not a map per row: an agency's
/// 600,000 case subjects must not cost a gigabyte to read.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    columns: Arc<[String]>,
    record: csv::StringRecord,
}

impl Row {
    /// A cell's trimmed text, `None` when absent or blank.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.record.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    /// The row as read (cells joined by commas), for reject files.
    pub fn raw(&self) -> String {
        self.record.iter().collect::<Vec<_>>().join(",")
    }
}

/// A table as read from disk.
#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// Rows that could not be read as rows at all (malformed CSV): line and message.
    pub malformed: Vec<(u64, String)>,
}

impl Table {
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Errors unless every named column is present in the header.
    pub fn require(&self, columns: &[&str]) -> Result<(), RefError> {
        for c in columns {
            if !self.columns.iter().any(|h| h == c) {
                return Err(RefError::MissingColumn {
                    path: self.shown(),
                    column: (*c).to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Finds and reads `dir/NAME.csv` (or `.parquet`); `Ok(None)` when neither exists.
pub fn read_table(dir: &Path, name: &str) -> Result<Option<Table>, RefError> {
    let csv_path = dir.join(format!("{name}.csv"));
    if csv_path.is_file() {
        return read_csv(&csv_path).map(Some);
    }
    let pq_path = dir.join(format!("{name}.parquet"));
    if pq_path.is_file() {
        let maps = crate::columnar::read_parquet_rows(&pq_path)?;
        let mut columns: Vec<String> = Vec::new();
        for map in &maps {
            for k in map.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        let shared: Arc<[String]> = columns.clone().into();
        let rows = maps
            .into_iter()
            .enumerate()
            .map(|(i, mut map)| {
                let record: csv::StringRecord = columns
                    .iter()
                    .map(|c| match map.remove(c) {
                        Some(serde_json::Value::String(s)) => s,
                        Some(serde_json::Value::Null) | None => String::new(),
                        Some(other) => other.to_string(),
                    })
                    .collect();
                Row {
                    line: i as u64 + 2,
                    columns: Arc::clone(&shared),
                    record,
                }
            })
            .collect();
        return Ok(Some(Table {
            path: pq_path,
            columns,
            rows,
            malformed: Vec::new(),
        }));
    }
    Ok(None)
}

fn read_csv(path: &Path) -> Result<Table, RefError> {
    let shown = path.display().to_string();
    let io = |e: csv::Error| RefError::Io {
        path: shown.clone(),
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(io)?;
    let columns: Vec<String> = reader
        .headers()
        .map_err(io)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let shared: Arc<[String]> = columns.clone().into();
    let mut rows = Vec::new();
    let mut malformed = Vec::new();
    for record in reader.records() {
        match record {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                if rec.len() != columns.len() {
                    malformed.push((
                        line,
                        format!(
                            "row has {} fields, the header has {}",
                            rec.len(),
                            columns.len()
                        ),
                    ));
                    continue;
                }
                // A record read from the reader keeps the reader's spare capacity; a copy
                // holds only its cells.
                let record: csv::StringRecord = rec.iter().collect();
                rows.push(Row {
                    line,
                    columns: Arc::clone(&shared),
                    record,
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                malformed.push((line, format!("malformed CSV: {e}")));
            }
        }
    }
    Ok(Table {
        path: path.to_path_buf(),
        columns,
        rows,
        malformed,
    })
}
