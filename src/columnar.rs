//! The one place custodes talks to polars: columnar files (Parquet) in and out.
//!
//! Keeping polars behind this narrow interface means the rest of the crate deals only in
//! rows of JSON values, and the heavy dependency could move into its own crate if build
//! times ever demand it. This module must not know what an event or a reference row means:
//! it turns cells into values and nothing else.

use std::fs::File;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeDelta};
use polars::prelude::*;
use serde_json::{Map, Number, Value};
use thiserror::Error;

/// A columnar file could not be read or written as a whole.
#[derive(Debug, Error)]
pub enum ColumnarError {
    #[error("{path}: cannot open: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a readable Parquet file: {message}")]
    Parquet { path: String, message: String },
    #[error("{path}: column `{column}`: {message}")]
    Column {
        path: String,
        column: String,
        message: String,
    },
}

/// Reads a whole Parquet file into rows. Each row maps column name to a JSON value; nulls
/// are left out so that "absent" means the same thing as in JSON lines. Datetime columns
/// become RFC 3339 strings in UTC, dates `YYYY-MM-DD`, so that the decoders downstream see
/// the same text they would see in CSV.
pub fn read_parquet_rows(path: &Path) -> Result<Vec<Map<String, Value>>, ColumnarError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|source| ColumnarError::Open {
        path: shown.clone(),
        source,
    })?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| ColumnarError::Parquet {
            path: shown.clone(),
            message: e.to_string(),
        })?;
    let height = df.height();
    let mut rows: Vec<Map<String, Value>> = (0..height).map(|_| Map::new()).collect();
    for column in df.columns() {
        let name = column.name().to_string();
        for (i, row) in rows.iter_mut().enumerate() {
            let cell = column.get(i).map_err(|e| ColumnarError::Column {
                path: shown.clone(),
                column: name.clone(),
                message: e.to_string(),
            })?;
            if let Some(v) = any_to_json(&cell) {
                row.insert(name.clone(), v);
            }
        }
    }
    Ok(rows)
}

fn any_to_json(v: &AnyValue<'_>) -> Option<Value> {
    Some(match v {
        AnyValue::Null => return None,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String((*s).to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::UInt8(n) => Value::from(*n),
        AnyValue::UInt16(n) => Value::from(*n),
        AnyValue::UInt32(n) => Value::from(*n),
        AnyValue::UInt64(n) => Value::from(*n),
        AnyValue::Int8(n) => Value::from(*n),
        AnyValue::Int16(n) => Value::from(*n),
        AnyValue::Int32(n) => Value::from(*n),
        AnyValue::Int64(n) => Value::from(*n),
        AnyValue::Float32(f) => Number::from_f64(f64::from(*f)).map(Value::Number)?,
        AnyValue::Float64(f) => Number::from_f64(*f).map(Value::Number)?,
        AnyValue::Date(days) => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
            let d = epoch.checked_add_signed(TimeDelta::try_days(i64::from(*days))?)?;
            Value::String(d.format("%Y-%m-%d").to_string())
        }
        AnyValue::Datetime(n, unit, _) | AnyValue::DatetimeOwned(n, unit, _) => {
            let nanos = match unit {
                TimeUnit::Nanoseconds => *n,
                TimeUnit::Microseconds => n.checked_mul(1_000)?,
                TimeUnit::Milliseconds => n.checked_mul(1_000_000)?,
            };
            let dt = DateTime::from_timestamp_nanos(nanos);
            Value::String(crate::event::format_ts(&dt))
        }
        other => Value::String(other.to_string()),
    })
}

/// Writes a table of optional strings as Parquet, one String column per header. Used by
/// `custodes gen --parquet` and by tests that need a Parquet input.
pub fn write_string_parquet(
    path: &Path,
    headers: &[String],
    rows: &[Vec<Option<String>>],
) -> Result<(), ColumnarError> {
    let shown = path.display().to_string();
    let mut columns = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let values: Vec<Option<&str>> = rows
            .iter()
            .map(|r| r.get(i).and_then(|c| c.as_deref()))
            .collect();
        columns.push(Column::new(h.as_str().into(), values));
    }
    let mut df = DataFrame::new(rows.len(), columns).map_err(|e| ColumnarError::Parquet {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let file = crate::output::create_private(path).map_err(|source| ColumnarError::Open {
        path: shown.clone(),
        source,
    })?;
    ParquetWriter::new(file)
        .finish(&mut df)
        .map_err(|e| ColumnarError::Parquet {
            path: shown,
            message: e.to_string(),
        })?;
    Ok(())
}
