//! Reads one reference table (`NAME.csv` or `NAME.parquet`) row by row.
//!
//! The typed loaders in [`super`] decide what each column means; this module only finds the
//! file, reads it, and hands each row (with its line, for error messages) to the caller as
//! it is read. Rows are never all held as text: an agency's 600,000 case subjects are typed
//! one record at a time, reusing one buffer, so the text costs nothing once typed.

use std::path::{Path, PathBuf};

use super::RefError;

/// One row as read: its 1-based line (the header is line 1) and its cells.
#[derive(Debug, Clone, Copy)]
pub struct Row<'t> {
    pub line: u64,
    columns: &'t [String],
    record: &'t csv::StringRecord,
}

impl Row<'_> {
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

/// What a table holds, line by line.
pub enum Line<'t> {
    Row(Row<'t>),
    /// A line that could not be read as a row at all (malformed CSV): line and message.
    Malformed(u64, String),
}

/// A table found on disk: where, its header, and about how many rows it holds.
#[derive(Debug)]
pub(crate) struct Table {
    pub path: PathBuf,
    pub columns: Vec<String>,
    /// Rows expected, from the file's size and its first lines' lengths (0 when unknown):
    /// what a loader reserves, so that a table of 600,000 rows is written once into memory
    /// instead of being copied into ever larger buffers as it grows (each copy touches
    /// fresh pages, which the kernel must zero: half the reference load's time before).
    pub expected_rows: usize,
}

impl Table {
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Errors unless every named column is present in the header.
    fn require(&self, columns: &[&str]) -> Result<(), RefError> {
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

/// Finds `dir/NAME.csv` (or `.parquet`), checks that its header has the `required` columns,
/// and hands every line to `each` in file order. `Ok(None)` when neither file exists.
pub(crate) fn read_table(
    dir: &Path,
    name: &str,
    required: &[&str],
    mut each: impl FnMut(&Table, Line<'_>) -> Result<(), RefError>,
) -> Result<Option<Table>, RefError> {
    let csv_path = dir.join(format!("{name}.csv"));
    if csv_path.is_file() {
        return read_csv(&csv_path, required, &mut each).map(Some);
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
        let table = Table {
            path: pq_path,
            columns,
            expected_rows: maps.len(),
        };
        table.require(required)?;
        for (i, mut map) in maps.into_iter().enumerate() {
            let record: csv::StringRecord = table
                .columns
                .iter()
                .map(|c| match map.remove(c) {
                    Some(serde_json::Value::String(s)) => s,
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                })
                .collect();
            let row = Row {
                line: i as u64 + 2,
                columns: &table.columns,
                record: &record,
            };
            each(&table, Line::Row(row))?;
        }
        return Ok(Some(table));
    }
    Ok(None)
}

/// How many bytes of a file's start are read to measure its lines.
const SAMPLE_BYTES: usize = 64 * 1024;

/// About how many lines a text file holds: its size over the mean length of the lines in its
/// first [`SAMPLE_BYTES`]. An estimate only (0 when the file cannot be read; the reader
/// reports that itself), used to reserve memory, never to count anything.
fn expected_rows(path: &Path) -> usize {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    if file
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)
        .is_err()
    {
        return 0;
    }
    let lines = memchr::memchr_iter(b'\n', &sample).count();
    if lines == 0 {
        return 0;
    }
    // A whole file read counts its lines exactly; a sample scales by the file's size.
    if sample.len() as u64 >= size {
        return lines;
    }
    let per_line = sample.len() as f64 / lines as f64;
    (size as f64 / per_line).ceil() as usize
}

fn read_csv(
    path: &Path,
    required: &[&str],
    each: &mut impl FnMut(&Table, Line<'_>) -> Result<(), RefError>,
) -> Result<Table, RefError> {
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
    let table = Table {
        path: path.to_path_buf(),
        columns,
        expected_rows: expected_rows(path),
    };
    table.require(required)?;
    // One record, reused: the reader refills it in place.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                if record.len() != table.columns.len() {
                    let msg = format!(
                        "row has {} fields, the header has {}",
                        record.len(),
                        table.columns.len()
                    );
                    each(&table, Line::Malformed(line, msg))?;
                    continue;
                }
                let row = Row {
                    line,
                    columns: &table.columns,
                    record: &record,
                };
                each(&table, Line::Row(row))?;
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                // A record-level error (bad UTF-8, say) leaves the reader at the next line;
                // an I/O error would repeat, so the table ends there.
                let stop = matches!(e.kind(), csv::ErrorKind::Io(_));
                each(&table, Line::Malformed(line, format!("malformed CSV: {e}")))?;
                if stop {
                    break;
                }
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_expected_from_the_size_and_the_first_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("small.csv");
        std::fs::write(&small, "case_id,unit\nC-1,A\nC-2,B\n").expect("writes");
        // A file read whole is counted, header included.
        assert_eq!(expected_rows(&small), 3);
        // A large file is estimated from its first 64 KB: 40,000 lines of 25 bytes.
        let large = dir.path().join("large.csv");
        let text: String = (0..40_000)
            .map(|i| format!("C-2024-{i:06},UNIT-{:05}\n", i % 97))
            .collect();
        std::fs::write(&large, &text).expect("writes");
        let n = expected_rows(&large);
        assert!((39_000..=41_000).contains(&n), "{n}");
        assert_eq!(expected_rows(&dir.path().join("absent.csv")), 0);
        let empty = dir.path().join("empty.csv");
        std::fs::write(&empty, "").expect("writes");
        assert_eq!(expected_rows(&empty), 0);
    }
}
