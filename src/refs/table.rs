//! Reads one reference table (`NAME.csv` or `NAME.parquet`) into rows of text cells.
//!
//! The typed loaders in [`super`] decide what each column means; this module only finds the
//! file, reads it, and remembers each row's line for error messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::RefError;

/// One row: its 1-based line (header is line 1) and its non-empty cells by column name.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub cells: HashMap<String, String>,
    pub raw: String,
}

impl Row {
    /// A cell's trimmed text, `None` when absent or blank.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.cells
            .get(column)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
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
        let rows = crate::columnar::read_parquet_rows(&pq_path)?;
        let mut columns: Vec<String> = Vec::new();
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, map)| {
                let raw = serde_json::to_string(&map).unwrap_or_default();
                let cells = map
                    .into_iter()
                    .map(|(k, v)| {
                        if !columns.contains(&k) {
                            columns.push(k.clone());
                        }
                        let text = match v {
                            serde_json::Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, text)
                    })
                    .collect();
                Row {
                    line: i as u64 + 2,
                    cells,
                    raw,
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
    let mut rows = Vec::new();
    let mut malformed = Vec::new();
    for record in reader.records() {
        match record {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0);
                let raw = rec.iter().collect::<Vec<_>>().join(",");
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
                let cells = columns
                    .iter()
                    .zip(rec.iter())
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect();
                rows.push(Row { line, cells, raw });
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
