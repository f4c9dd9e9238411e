//! The one place custodes talks to polars: columnar files (Parquet) in and out, and the
//! group-bys that turn history into baseline rows.
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
pub(crate) fn read_parquet_rows(path: &Path) -> Result<Vec<Map<String, Value>>, ColumnarError> {
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

/// Per-event facts to aggregate into history rows (one entry per event, all columns the
/// same length). What the columns mean is decided by the caller (`crate::baseline`).
#[derive(Debug, Default, Clone)]
pub(crate) struct ActivityColumns {
    pub user: Vec<String>,
    /// Days since 1970-01-01.
    pub day: Vec<i32>,
    pub hour: Vec<i32>,
    /// A key counted once per user and day when present.
    pub subject: Vec<Option<String>>,
    /// A key whose distinct users per day are counted when present.
    pub person: Vec<Option<String>>,
    pub rows: Vec<Option<u64>>,
}

/// The group-by results: per (user, day), per (user, day, hour) and per (person, day).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ActivityAggregates {
    /// (user, day, events, distinct subjects, largest rows or 0)
    pub user_days: Vec<(String, i32, u64, u64, u64)>,
    /// (user, day, hour, events)
    pub user_hours: Vec<(String, i32, i32, u64)>,
    /// (person, day, distinct users), only where at least `min_users` users.
    pub person_days: Vec<(String, i32, u64)>,
}

fn polars_err(what: &str) -> impl Fn(PolarsError) -> ColumnarError + '_ {
    move |e| ColumnarError::Column {
        path: "(history)".into(),
        column: what.into(),
        message: e.to_string(),
    }
}

/// Aggregates activity with polars group-bys (the `custodes baseline` path).
pub(crate) fn aggregate_activity(
    cols: ActivityColumns,
    min_users: u64,
) -> Result<ActivityAggregates, ColumnarError> {
    let n = cols.user.len();
    let df = DataFrame::new(
        n,
        vec![
            Column::new("user".into(), cols.user),
            Column::new("day".into(), cols.day),
            Column::new("hour".into(), cols.hour),
            Column::new("subject".into(), cols.subject),
            Column::new("person".into(), cols.person),
            Column::new("rows".into(), cols.rows),
        ],
    )
    .map_err(polars_err("activity"))?;
    let by = |names: &[&str]| names.iter().map(|c| col(*c)).collect::<Vec<_>>();
    let sort = |names: &[&str]| {
        (
            names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            SortMultipleOptions::default(),
        )
    };

    let (keys, opts) = sort(&["user", "day"]);
    let days = df
        .clone()
        .lazy()
        .group_by(by(&["user", "day"]))
        .agg([
            len().cast(DataType::UInt64).alias("events"),
            col("subject")
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias("subjects"),
            col("rows")
                .max()
                .fill_null(lit(0u64))
                .cast(DataType::UInt64)
                .alias("max_rows"),
        ])
        .sort(keys, opts)
        .collect()
        .map_err(polars_err("user-day group-by"))?;
    let (keys, opts) = sort(&["user", "day", "hour"]);
    let hours = df
        .clone()
        .lazy()
        .group_by(by(&["user", "day", "hour"]))
        .agg([len().cast(DataType::UInt64).alias("events")])
        .sort(keys, opts)
        .collect()
        .map_err(polars_err("user-hour group-by"))?;
    let (keys, opts) = sort(&["person", "day"]);
    let persons = df
        .lazy()
        .filter(col("person").is_not_null())
        .group_by(by(&["person", "day"]))
        .agg([col("user").n_unique().cast(DataType::UInt64).alias("users")])
        .filter(col("users").gt_eq(lit(min_users)))
        .sort(keys, opts)
        .collect()
        .map_err(polars_err("person-day group-by"))?;

    let strs = |df: &DataFrame, c: &str| -> Result<Vec<String>, ColumnarError> {
        let s = df.column(c).map_err(polars_err(c))?;
        let s = s.str().map_err(polars_err(c))?;
        Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let ints = |df: &DataFrame, c: &str| -> Result<Vec<i32>, ColumnarError> {
        let s = df.column(c).map_err(polars_err(c))?;
        let s = s.i32().map_err(polars_err(c))?;
        Ok(s.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let counts = |df: &DataFrame, c: &str| -> Result<Vec<u64>, ColumnarError> {
        let s = df.column(c).map_err(polars_err(c))?;
        let s = s.u64().map_err(polars_err(c))?;
        Ok(s.iter().map(|v| v.unwrap_or(0)).collect())
    };

    let mut out = ActivityAggregates::default();
    let (u, d, e, s, r) = (
        strs(&days, "user")?,
        ints(&days, "day")?,
        counts(&days, "events")?,
        counts(&days, "subjects")?,
        counts(&days, "max_rows")?,
    );
    for i in 0..u.len() {
        out.user_days.push((u[i].clone(), d[i], e[i], s[i], r[i]));
    }
    let (u, d, h, e) = (
        strs(&hours, "user")?,
        ints(&hours, "day")?,
        ints(&hours, "hour")?,
        counts(&hours, "events")?,
    );
    for i in 0..u.len() {
        out.user_hours.push((u[i].clone(), d[i], h[i], e[i]));
    }
    let (p, d, n) = (
        strs(&persons, "person")?,
        ints(&persons, "day")?,
        counts(&persons, "users")?,
    );
    for i in 0..p.len() {
        out.person_days.push((p[i].clone(), d[i], n[i]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_bys_count_events_breadth_rows_and_attention() {
        let s = |v: &str| Some(v.to_string());
        let cols = ActivityColumns {
            user: ["a", "a", "a", "b", "c"].map(String::from).to_vec(),
            day: vec![1, 1, 1, 1, 2],
            hour: vec![9, 9, 10, 9, 3],
            subject: vec![s("x"), s("x"), None, s("x"), None],
            person: vec![s("x"), s("x"), None, s("x"), None],
            rows: vec![Some(3), None, Some(40), None, None],
        };
        let agg = aggregate_activity(cols, 2).unwrap();
        assert_eq!(
            agg.user_days,
            vec![
                ("a".into(), 1, 3, 1, 40),
                ("b".into(), 1, 1, 1, 0),
                ("c".into(), 2, 1, 0, 0)
            ]
        );
        assert_eq!(
            agg.user_hours,
            vec![
                ("a".into(), 1, 9, 2),
                ("a".into(), 1, 10, 1),
                ("b".into(), 1, 9, 1),
                ("c".into(), 2, 3, 1)
            ]
        );
        assert_eq!(agg.person_days, vec![("x".into(), 1, 2)]);
    }
}
