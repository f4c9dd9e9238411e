//! Reference data: the organisation's own records that give queries their meaning.
//!
//! Loads `personnel` (required) and the optional `associations`, `cases`,
//! `case_assignments`, `case_subjects`, `watchlist` and `clients` tables (contract §2) from
//! a directory, as CSV or Parquet. Rows that do not make sense (a bad date, a missing key)
//! go to the same reject sink as bad events and the rest load. A missing optional table is
//! not an error: [`RefData::notes`] says which detectors it switches off.
//!
//! This module only types the rows. Indexing and matching people is [`crate::identity`]'s
//! work; deciding what a lookup means is the detectors'.

pub mod table;

use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use thiserror::Error;

use crate::source::RejectSink;
use table::{Line, Row};

#[derive(Debug, Error)]
pub enum RefError {
    #[error("{dir}: personnel.csv (or personnel.parquet) is required and was not found")]
    NoPersonnel { dir: String },
    #[error("{dir}: not a readable directory")]
    NotADirectory { dir: String },
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
    #[error("{path}: required column `{column}` is missing from the header")]
    MissingColumn { path: String, column: String },
    #[error(transparent)]
    Columnar(#[from] crate::columnar::ColumnarError),
    #[error("writing the reject file: {0}")]
    RejectSink(std::io::Error),
}

/// A half-open interval of time; `None` ends are open. Dates given without a time cover the
/// whole UTC day (a `to` of 2024-05-31 includes the 31st); a case's or an assignment's end
/// date lasts until the day has ended everywhere ([`CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Validity {
    pub fn contains(&self, ts: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| ts >= s) && self.end.is_none_or(|e| ts < e)
    }
}

/// Identifying fields of a person as written in a reference table. Multi-valued cells
/// (`;`) are split, because people have several phones and cars.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PersonFields {
    pub person_ids: Vec<String>,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub dob: Option<String>,
    pub addresses: Vec<String>,
    pub phones: Vec<String>,
    pub plates: Vec<String>,
}

impl PersonFields {
    fn from_row(row: &Row<'_>) -> Self {
        Self {
            person_ids: multi(row.get("person_id")),
            last_name: row.get("last_name").map(str::to_string),
            first_name: row.get("first_name").map(str::to_string),
            dob: row.get("dob").map(str::to_string),
            addresses: multi(row.get("address")),
            phones: multi(row.get("phone")),
            plates: multi(row.get("plate")),
        }
    }

    /// `SMITH, JANE (DOB 1981-02-03)`, for reasons read aloud.
    pub fn display(&self) -> String {
        let mut s = match (&self.last_name, &self.first_name) {
            (Some(l), Some(f)) => format!("{}, {}", l.to_uppercase(), f.to_uppercase()),
            (Some(l), None) => l.to_uppercase(),
            (None, Some(f)) => f.to_uppercase(),
            (None, None) => self
                .person_ids
                .first()
                .map(|p| format!("person {p}"))
                .unwrap_or_else(|| "an unnamed person".into()),
        };
        if let Some(d) = &self.dob {
            s.push_str(&format!(" (DOB {d})"));
        }
        s
    }
}

/// The contract's columns of each reference table (§2), in the contract's order: what the
/// generators write and the benchmarks build. (Assignments name a login or an employee id,
/// so their writers choose their own columns.)
pub mod columns {
    pub const PERSONNEL: &[&str] = &[
        "user",
        "employee_id",
        "person_id",
        "last_name",
        "first_name",
        "dob",
        "address",
        "phone",
        "plate",
        "unit",
        "supervisor",
        "site",
        "status",
        "end_date",
    ];
    pub const ASSOCIATIONS: &[&str] = &[
        "employee_id",
        "relation",
        "person_id",
        "last_name",
        "first_name",
        "dob",
        "address",
        "phone",
        "plate",
        "valid_from",
        "valid_to",
        "source",
    ];
    pub const CASES: &[&str] = &["case_id", "status", "opened", "closed", "unit"];
    pub const CASE_SUBJECTS: &[&str] = &[
        "case_id",
        "person_id",
        "last_name",
        "first_name",
        "dob",
        "address",
        "phone",
        "plate",
    ];
    pub const WATCHLIST: &[&str] = &["person_id", "last_name", "first_name", "dob", "category"];
    pub const CLIENTS: &[&str] = &["client", "site", "lat", "lon"];
}

/// The comparable form of a case id: trimmed and upper-cased, because people type `c-17`
/// for `C-17`. Every case id in reference data and events is compared in this form.
pub(crate) fn case_key(s: &str) -> String {
    s.trim().to_uppercase()
}

/// The rows (indexes into `personnel`) of service accounts: rows that name no person
/// ([`Personnel::names_no_person`]) in a file that names a person for most logins. Where
/// the file keeps no identities at all, a blank row says nothing about the login.
pub fn service_accounts(personnel: &[Personnel]) -> Vec<usize> {
    let blank: Vec<usize> = (0..personnel.len())
        .filter(|&i| personnel[i].names_no_person())
        .collect();
    if blank.len() * 2 >= personnel.len() {
        return Vec::new();
    }
    blank
}

/// The comparable form of a login or employee id: trimmed and lower-cased, because some
/// databases log `JDOE` for the `jdoe` in personnel.csv.
pub(crate) fn login_key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// [`login_key`], borrowed when `s` is already in that form (as logins almost always
/// are): for the lookups made with every event, which then allocate nothing.
pub(crate) fn login_key_of(s: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = s.trim();
    // Only plain ASCII is judged in place: Unicode has letters that are not upper case
    // and still change when lower-cased (title case `ǅ`).
    if trimmed.len() == s.len() && s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(login_key(s))
    }
}

fn multi(cell: Option<&str>) -> Vec<String> {
    cells(cell).map(str::to_string).collect()
}

/// The values of a multi-valued cell (`;`-separated), trimmed, blanks left out: what
/// [`PersonFields`] keeps of it, for a caller that looks at a [`Row`] before typing it.
pub fn cells(cell: Option<&str>) -> impl Iterator<Item = &str> {
    cell.into_iter()
        .flat_map(|c| c.split(';'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Leave,
    Terminated,
    Other,
}

/// One login (`personnel.csv`).
#[derive(Debug, Clone)]
pub struct Personnel {
    pub user: String,
    /// The employee behind the login; defaults to the login when the cell is empty.
    pub employee_id: String,
    pub person: PersonFields,
    pub unit: Option<String>,
    pub supervisor: Option<String>,
    pub site: Option<String>,
    pub status: Status,
    pub end_date: Option<DateTime<Utc>>,
}

impl Personnel {
    /// Whether the row names no person: no person id, date of birth, address, phone or
    /// plate. An agency's HR export writes them for every employee; a row with none is a
    /// service account (an interface, a data-match job) whose login only bears a name.
    pub fn names_no_person(&self) -> bool {
        let p = &self.person;
        p.person_ids.is_empty()
            && p.dob.is_none()
            && p.addresses.is_empty()
            && p.phones.is_empty()
            && p.plates.is_empty()
    }

    /// Whether the login's holder was away at `ts`: terminated or on leave, from
    /// `end_date` on (always, when no date is given). Use of the login then is not its
    /// holder's work.
    pub(crate) fn away_at(&self, ts: DateTime<Utc>) -> bool {
        matches!(self.status, Status::Terminated | Status::Leave)
            && self.end_date.is_none_or(|end| ts >= end)
    }
}

/// One known connection of an employee (`associations.csv`).
#[derive(Debug, Clone)]
pub struct Association {
    pub employee_id: String,
    pub relation: String,
    pub person: PersonFields,
    pub valid: Validity,
    pub source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Case {
    /// In [`case_key`] form.
    pub case_id: String,
    pub open_status: bool,
    /// When the case was open: from `opened` to `closed` (open-ended while open).
    pub open: Validity,
    /// Whether `closed` is a day without a time: `open` then lasts until the day has ended
    /// everywhere ([`CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS`]), though it ended in UTC earlier.
    pub closed_on_a_day: bool,
    pub unit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    /// In [`case_key`] form.
    pub case_id: String,
    /// A login or an employee id (the contract allows either), in [`login_key`] form.
    pub user: Option<String>,
    /// In [`login_key`] form.
    pub employee_id: Option<String>,
    pub valid: Validity,
}

/// One row of `case_subjects`: a case and the person it lists.
#[derive(Debug, Clone)]
pub struct CaseSubject {
    /// In [`case_key`] form.
    pub case_id: String,
    /// Which of [`CaseSubjects::people`] the row lists.
    pub person: u32,
}

/// The `case_subjects` table as read: each person it lists once, and its rows.
///
/// An agency's case subjects repeat: the 50,000 people of a city's incidents fill 600,000
/// rows, a repeat offender or a family on dozens. Each distinct person's fields are typed
/// once while the table is read ([`PeopleSeen`]), so a repeat costs a hash of the row's
/// cells, not a person's worth of strings held until the index is built.
#[derive(Debug, Clone, Default)]
pub struct CaseSubjects {
    pub people: Vec<PersonFields>,
    pub rows: Vec<CaseSubject>,
}

/// The columns [`PersonFields::from_row`] reads.
const PERSON_COLUMNS: [&str; 7] = [
    "person_id",
    "last_name",
    "first_name",
    "dob",
    "address",
    "phone",
    "plate",
];

/// The people of a table read so far, each once, by the cells of their row.
#[derive(Default)]
struct PeopleSeen {
    /// The person's cells as written (trimmed), joined by a unit separator -> their number.
    by_cells: rustc_hash::FxHashMap<String, u32>,
    people: Vec<PersonFields>,
    /// The key of the row at hand, built in place so that a repeat allocates nothing.
    key: String,
}

impl PeopleSeen {
    /// The number of the person `r` lists, typed the first time their cells are seen.
    /// Rows whose cells are written alike are one person; rows that differ only in what
    /// typing irons out (`;` lists with blanks) are two entries with equal fields, which
    /// the index makes one person again.
    fn person(&mut self, r: &Row<'_>) -> u32 {
        self.key.clear();
        for column in PERSON_COLUMNS {
            self.key.push_str(r.get(column).unwrap_or_default());
            self.key.push('\u{1f}');
        }
        if let Some(&n) = self.by_cells.get(self.key.as_str()) {
            return n;
        }
        let n = u32::try_from(self.people.len()).unwrap_or(u32::MAX);
        self.people.push(PersonFields::from_row(r));
        self.by_cells.insert(self.key.clone(), n);
        n
    }
}

#[derive(Debug, Clone)]
pub struct WatchEntry {
    pub person: PersonFields,
    pub category: String,
}

#[derive(Debug, Clone)]
pub struct Client {
    pub client: String,
    pub site: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Great-circle distance in km between two (lat, lon) points of client sites (haversine,
/// mean Earth radius 6371 km). The detector and the generator's labels measure alike.
pub(crate) fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().clamp(0.0, 1.0).asin()
}

/// Everything loaded from `--refs DIR`. `None` means the table was not there.
#[derive(Debug, Default)]
pub struct RefData {
    pub personnel: Vec<Personnel>,
    pub associations: Option<Vec<Association>>,
    pub cases: Option<Vec<Case>>,
    pub assignments: Option<Vec<Assignment>>,
    pub case_subjects: Option<CaseSubjects>,
    pub watchlist: Option<Vec<WatchEntry>>,
    pub clients: Option<Vec<Client>>,
    /// One line per missing optional table saying what it switches off.
    pub notes: Vec<String>,
    pub rows_read: u64,
    pub rows_rejected: u64,
    /// Which files were read, as [`fingerprint`] describes them (taken before reading):
    /// what the case statuses an audit records were computed from.
    pub fingerprint: String,
}

/// The reference tables, in the order they are loaded and fingerprinted.
const TABLES: [&str; 7] = [
    "personnel",
    "associations",
    "cases",
    "case_assignments",
    "case_subjects",
    "watchlist",
    "clients",
];

/// Which version of the reference data `dir` holds, cheaply: each table's file name, size
/// and modification time (`case_subjects.csv 2738424 1733176740.123456789; ...`), a table
/// that is absent as `-`. Reading 600,000 rows to hash them would cost what a search must
/// not; a file rewritten with the same size within the same nanosecond is the blind spot.
pub(crate) fn fingerprint(dir: &Path) -> String {
    let mut parts = Vec::with_capacity(TABLES.len());
    for name in TABLES {
        let found = ["csv", "parquet"].into_iter().find_map(|ext| {
            let file = format!("{name}.{ext}");
            let meta = std::fs::metadata(dir.join(&file))
                .ok()
                .filter(|m| m.is_file())?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| format!("{}.{:09}", d.as_secs(), d.subsec_nanos()))
                .unwrap_or_else(|| "?".into());
            Some(format!("{file} {} {mtime}", meta.len()))
        });
        parts.push(found.unwrap_or_else(|| format!("{name} -")));
    }
    parts.join("; ")
}

/// What [`RefData::load_with`] reads of the case tables.
pub(crate) enum CaseTables<'f> {
    /// Every row of `cases`, `case_assignments` and `case_subjects` (what detection needs).
    All,
    /// No cases and no assignments, and only the case subjects for which `keep` is true
    /// (decided on the row as read, before it is typed): for a search that needs a few
    /// people's records and none of the case index. The result cannot explain lookups.
    SubjectsWhere(&'f (dyn Fn(&Row<'_>) -> bool + Sync)),
    /// No case table at all.
    None,
}

/// Parses a reference date or timestamp. A bare date as a start means midnight UTC; as an
/// end (`end_of_day`) it means the following midnight, so the named day is included.
pub(crate) fn parse_bound(s: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    // `FromStr` reads YYYY-MM-DD without interpreting a format string per row.
    let d = t
        .parse::<NaiveDate>()
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()?;
    let d = if end_of_day {
        d.checked_add_days(Days::new(1))?
    } else {
        d
    };
    Some(d.and_time(NaiveTime::MIN).and_utc())
}

/// A row a table refused, kept until every table is read: the reject file then lists the
/// tables in one fixed order, whichever thread read which.
struct Refused {
    line: u64,
    field: String,
    message: String,
    raw: String,
}

/// One table, typed.
struct Loaded<T> {
    shown: String,
    rows: Vec<T>,
    read: u64,
    refused: Vec<Refused>,
}

/// Reads `dir/NAME` and types each row with `parse` as it is read; refused and malformed
/// rows are kept aside. `Ok(None)` when the table is absent.
fn load_table<T>(
    dir: &Path,
    name: &str,
    required: &[&str],
    parse: impl FnMut(&Row<'_>) -> Result<T, (String, String)>,
) -> Result<Option<Loaded<T>>, RefError> {
    load_rows(dir, name, required, None, parse)
}

fn load_rows<T>(
    dir: &Path,
    name: &str,
    required: &[&str],
    keep: Option<&(dyn Fn(&Row<'_>) -> bool + Sync)>,
    mut parse: impl FnMut(&Row<'_>) -> Result<T, (String, String)>,
) -> Result<Option<Loaded<T>>, RefError> {
    let mut rows = Vec::new();
    let mut read = 0;
    let mut refused = Vec::new();
    // A filtered table keeps few of its rows and grows as it must.
    let mut reserved = keep.is_some();
    let table = table::read_table(dir, name, required, |table, line| {
        if !reserved {
            // Reserved once, when the first line arrives (the table is known by then). An
            // estimate the machine cannot hold (a huge file of short lines) is only not
            // reserved: the rows then grow as they come, and the load fails, if at all, on
            // real rows.
            reserved = true;
            let _ = rows.try_reserve(table.expected_rows);
        }
        match line {
            Line::Malformed(line, message) => refused.push(Refused {
                line,
                field: "-".into(),
                message,
                raw: String::new(),
            }),
            Line::Row(r) if keep.is_some_and(|keep| !keep(&r)) => {}
            Line::Row(r) => {
                read += 1;
                match parse(&r) {
                    Ok(v) => rows.push(v),
                    Err((field, message)) => refused.push(Refused {
                        line: r.line,
                        field,
                        message,
                        raw: r.raw(),
                    }),
                }
            }
        }
        Ok(())
    })?;
    Ok(table.map(|t| Loaded {
        shown: t.shown(),
        rows,
        read,
        refused,
    }))
}

/// [`load_table`] for the rows `keep` accepts; the others are neither typed nor counted.
fn load_table_where<T>(
    dir: &Path,
    name: &str,
    required: &[&str],
    keep: &(dyn Fn(&Row<'_>) -> bool + Sync),
    parse: impl FnMut(&Row<'_>) -> Result<T, (String, String)>,
) -> Result<Option<Loaded<T>>, RefError> {
    load_rows(dir, name, required, Some(keep), parse)
}

/// Joins a table's thread, passing its panic on.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

struct Loader<'a> {
    rejects: &'a mut RejectSink,
    rows_read: u64,
    rows_rejected: u64,
}

impl Loader<'_> {
    /// Counts a typed table's rows and writes its refused ones to the reject sink.
    fn take<T>(&mut self, t: Option<Loaded<T>>) -> Result<Option<Vec<T>>, RefError> {
        let Some(t) = t else {
            return Ok(None);
        };
        self.rows_read += t.read;
        for r in t.refused {
            self.rows_rejected += 1;
            self.rejects
                .push(&t.shown, r.line, &r.field, r.message, r.raw.as_bytes())
                .map_err(RefError::RejectSink)?;
        }
        Ok(Some(t.rows))
    }
}

fn required<'r>(row: &'r Row<'_>, col: &str) -> Result<&'r str, (String, String)> {
    row.get(col)
        .ok_or_else(|| (col.to_string(), "empty (required)".to_string()))
}

/// A case's and an assignment's dates are days of the agency's calendar, in a zone the
/// tables do not state: a case closed on the 20th in Chicago is still open at 02:00 UTC on the
/// 21st, when the evening shift works it. Their closing and ending dates, given without a
/// time, last until that day ends anywhere, at UTC−12: this many hours after the UTC day.
/// Starts are the UTC day's start, and a person's own dates (a leaver's `end_date`, an
/// association's `valid_to`) are UTC days: a login used the night after its holder left is
/// news at once.
pub(crate) const CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS: i64 = 12;

/// [`bound`] for the end of a case or an assignment: a date lasts until it has ended
/// everywhere ([`CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS`]); a timestamp is as given.
fn case_end(row: &Row<'_>, col: &str) -> Result<Option<DateTime<Utc>>, (String, String)> {
    Ok(case_end_and_whether_a_day(row, col)?.0)
}

/// [`case_end`], and whether the end was given as a day (so lasts past the UTC day).
fn case_end_and_whether_a_day(row: &Row<'_>, col: &str) -> Parsed<(Option<DateTime<Utc>>, bool)> {
    let dated = row
        .get(col)
        .is_some_and(|v| DateTime::parse_from_rfc3339(v.trim()).is_err());
    let end = bound(row, col, true)?.map(|t| {
        if dated {
            t + chrono::Duration::hours(CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS)
        } else {
            t
        }
    });
    Ok((end, dated && end.is_some()))
}

fn bound(row: &Row<'_>, col: &str, end: bool) -> Result<Option<DateTime<Utc>>, (String, String)> {
    match row.get(col) {
        None => Ok(None),
        Some(v) => parse_bound(v, end).map(Some).ok_or_else(|| {
            (
                col.to_string(),
                format!("`{v}` is not a date (YYYY-MM-DD) or RFC 3339 timestamp"),
            )
        }),
    }
}

fn dob_checked(row: &Row<'_>) -> Result<(), (String, String)> {
    if let Some(d) = row.get("dob") {
        if crate::identity::normalize::normalize_dob(d).is_none() {
            return Err(("dob".into(), format!("`{d}` is not a date")));
        }
    }
    Ok(())
}

impl RefData {
    /// Loads every table found in `dir`.
    pub fn load(dir: &Path, rejects: &mut RejectSink) -> Result<RefData, RefError> {
        Self::load_with(dir, rejects, CaseTables::All)
    }

    /// Loads the tables found in `dir`, the case tables as `case_tables` says.
    pub(crate) fn load_with(
        dir: &Path,
        rejects: &mut RejectSink,
        case_tables: CaseTables<'_>,
    ) -> Result<RefData, RefError> {
        if !dir.is_dir() {
            return Err(RefError::NotADirectory {
                dir: dir.display().to_string(),
            });
        }
        // The tables are independent, and an agency's case tables hold hundreds of thousands
        // of rows: each is read and typed on a thread of its own. What they refused is
        // written afterwards, table by table in this order, and the first error in this
        // order is the one reported, so nothing depends on which thread finished first.
        let fingerprint = fingerprint(dir);
        let all = matches!(case_tables, CaseTables::All);
        let keep = match case_tables {
            CaseTables::All | CaseTables::None => None,
            CaseTables::SubjectsWhere(keep) => Some(keep),
        };
        let subjects_read = !matches!(case_tables, CaseTables::None);
        let (personnel, associations, cases, assignments, subjects, watchlist, clients) =
            std::thread::scope(|s| {
                let personnel = s.spawn(|| load_table(dir, "personnel", &["user"], personnel));
                let associations = s.spawn(|| {
                    load_table(
                        dir,
                        "associations",
                        &["employee_id", "relation"],
                        association,
                    )
                });
                let cases = s.spawn(|| {
                    if !all {
                        return Ok(None);
                    }
                    load_table(dir, "cases", &["case_id"], case)
                });
                let assignments = s.spawn(|| {
                    if !all {
                        return Ok(None);
                    }
                    load_table(dir, "case_assignments", &["case_id"], assignment)
                });
                let subjects = s.spawn(|| {
                    let mut seen = PeopleSeen::default();
                    let mut case_subject = |r: &Row<'_>| case_subject(r, &mut seen);
                    let loaded = match keep {
                        None if !subjects_read => Ok(None),
                        None => load_table(dir, "case_subjects", &["case_id"], &mut case_subject),
                        // Rows that cannot be wanted are neither typed nor refused.
                        Some(keep) => load_table_where(
                            dir,
                            "case_subjects",
                            &["case_id"],
                            keep,
                            &mut case_subject,
                        ),
                    };
                    (loaded, seen.people)
                });
                let watchlist = s.spawn(|| load_table(dir, "watchlist", &[], watch_entry));
                let clients = s.spawn(|| load_table(dir, "clients", &["client"], client));
                (
                    joined(personnel),
                    joined(associations),
                    joined(cases),
                    joined(assignments),
                    {
                        let (loaded, people) = joined(subjects);
                        loaded.map(|l| (l, people))
                    },
                    joined(watchlist),
                    joined(clients),
                )
            });
        let mut l = Loader {
            rejects,
            rows_read: 0,
            rows_rejected: 0,
        };
        let mut data = RefData {
            personnel: l.take(personnel?)?.ok_or_else(|| RefError::NoPersonnel {
                dir: dir.display().to_string(),
            })?,
            associations: l.take(associations?)?,
            cases: l.take(cases?)?,
            assignments: l.take(assignments?)?,
            case_subjects: {
                let (loaded, people) = subjects?;
                l.take(loaded)?.map(|rows| CaseSubjects { people, rows })
            },
            watchlist: l.take(watchlist?)?,
            clients: l.take(clients?)?,
            ..RefData::default()
        };
        let service = service_accounts(&data.personnel);
        if !service.is_empty() {
            let mut logins: Vec<&str> = service
                .iter()
                .map(|i| data.personnel[*i].user.as_str())
                .collect();
            logins.sort_unstable();
            data.notes.push(format!(
                "personnel.csv: {} login(s) name no person (no person id, date of birth, address, phone or plate) and are judged as service accounts: their pace and results against their own runs only, once they have three days of them; their reads of watch-listed people under an exempt purpose or under a real case that lists them are not raised, their bulk exports that name nobody need no case (the job's run), and they are never one of the logins of a subject_surge: {}.",
                logins.len(),
                logins.join(", ")
            ));
        }
        if data.associations.is_none() {
            data.notes
                .push("No associations table: association_lookup is off.".into());
        }
        data.fingerprint = fingerprint;
        if !all {
            // The case tables were left out on purpose: no note about what they switch off.
            data.rows_read = l.rows_read;
            data.rows_rejected = l.rows_rejected;
            return Ok(data);
        }
        if data.cases.is_none() {
            data.notes.push(
                "No cases table: case ids cannot be checked for existence or closure (no_case `unknown_case` and `closed_case` are off).".into(),
            );
        }
        if data.assignments.is_none() {
            data.notes.push(
                "No case_assignments table: lookups cannot be explained by cases and no_case `not_assigned` is off.".into(),
            );
        }
        if data.case_subjects.is_none() {
            data.notes.push(
                "No case_subjects table: lookups cannot be explained by cases and no_case `subject_not_in_case` is off.".into(),
            );
        }
        if data.watchlist.is_none() {
            data.notes
                .push("No watchlist table: watchlist_lookup is off.".into());
        }
        data.rows_read = l.rows_read;
        data.rows_rejected = l.rows_rejected;
        Ok(data)
    }
}

type Parsed<T> = Result<T, (String, String)>;

fn personnel(r: &Row<'_>) -> Parsed<Personnel> {
    let user = required(r, "user")?.to_string();
    dob_checked(r)?;
    let status = match r.get("status").map(str::to_ascii_lowercase).as_deref() {
        None | Some("active") => Status::Active,
        Some("leave") => Status::Leave,
        Some("terminated") => Status::Terminated,
        Some(_) => Status::Other,
    };
    Ok(Personnel {
        employee_id: r.get("employee_id").unwrap_or(&user).to_string(),
        user,
        person: PersonFields::from_row(r),
        unit: r.get("unit").map(str::to_string),
        supervisor: r.get("supervisor").map(str::to_string),
        site: r.get("site").map(str::to_string),
        status,
        end_date: bound(r, "end_date", true)?,
    })
}

fn association(r: &Row<'_>) -> Parsed<Association> {
    dob_checked(r)?;
    Ok(Association {
        employee_id: required(r, "employee_id")?.to_string(),
        relation: required(r, "relation")?.trim().to_ascii_lowercase(),
        person: PersonFields::from_row(r),
        valid: Validity {
            start: bound(r, "valid_from", false)?,
            end: bound(r, "valid_to", true)?,
        },
        source: r.get("source").map(str::to_string),
    })
}

fn case(r: &Row<'_>) -> Parsed<Case> {
    let status = r.get("status").map(str::to_ascii_lowercase);
    let opened = bound(r, "opened", false)?;
    let (closed, closed_on_a_day) = case_end_and_whether_a_day(r, "closed")?;
    let open_status = status.as_deref() != Some("closed");
    Ok(Case {
        case_id: case_key(required(r, "case_id")?),
        open_status,
        closed_on_a_day,
        open: Validity {
            start: opened,
            // A closed case without a closing date explains nothing: treat it as closed from
            // the day it opened.
            end: if open_status {
                closed
            } else {
                closed.or(opened)
            },
        },
        unit: r.get("unit").map(str::to_string),
    })
}

fn assignment(r: &Row<'_>) -> Parsed<Assignment> {
    let user = r.get("user").map(login_key);
    let employee_id = r.get("employee_id").map(login_key);
    if user.is_none() && employee_id.is_none() {
        return Err((
            "user".into(),
            "neither `user` nor `employee_id` is given".into(),
        ));
    }
    Ok(Assignment {
        case_id: case_key(required(r, "case_id")?),
        user,
        employee_id,
        valid: Validity {
            start: bound(r, "from", false)?,
            end: case_end(r, "to")?,
        },
    })
}

fn case_subject(r: &Row<'_>, seen: &mut PeopleSeen) -> Parsed<CaseSubject> {
    dob_checked(r)?;
    let case_id = case_key(required(r, "case_id")?);
    Ok(CaseSubject {
        case_id,
        person: seen.person(r),
    })
}

fn watch_entry(r: &Row<'_>) -> Parsed<WatchEntry> {
    dob_checked(r)?;
    Ok(WatchEntry {
        person: PersonFields::from_row(r),
        category: r
            .get("category")
            .map(|c| c.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "watchlist".into()),
    })
}

fn client(r: &Row<'_>) -> Parsed<Client> {
    let coord = |c: &str| -> Parsed<Option<f64>> {
        match r.get(c) {
            None => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| (c.to_string(), format!("`{v}` is not a number"))),
        }
    };
    Ok(Client {
        client: required(r, "client")?.to_string(),
        site: r.get("site").map(str::to_string),
        lat: coord("lat")?,
        lon: coord("lon")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(user: &str, person: PersonFields) -> Personnel {
        Personnel {
            user: user.into(),
            employee_id: user.into(),
            person,
            unit: None,
            supervisor: None,
            site: None,
            status: Status::Active,
            end_date: None,
        }
    }

    /// A row without any identity is a service account only where the file keeps
    /// identities for most logins: a personnel file of logins and units alone says nothing.
    #[test]
    fn a_row_naming_no_person_is_a_service_account_among_people() {
        let named = |dob: &str| PersonFields {
            last_name: Some("Member".into()),
            dob: Some(dob.into()),
            ..PersonFields::default()
        };
        let blank = || PersonFields {
            last_name: Some("SERVICE ACCOUNT".into()),
            first_name: Some("WAGE MATCH JOB".into()),
            ..PersonFields::default()
        };
        let plate_only = PersonFields {
            plates: vec!["ABC123".into()],
            ..PersonFields::default()
        };
        let rows = vec![
            login("cw1", named("1980-01-01")),
            login("cw2", named("1981-02-02")),
            login("car", plate_only),
            login("svc", blank()),
        ];
        assert_eq!(service_accounts(&rows), vec![3]);
        let bare = vec![
            login("cw1", blank()),
            login("cw2", blank()),
            login("cw3", named("1980-01-01")),
        ];
        assert!(service_accounts(&bare).is_empty());
    }

    /// Each person of `case_subjects` is typed once, however many rows list them; rows keep
    /// their order and say which person they list. A row written differently (another
    /// spelling, a blank cell) is another entry.
    #[test]
    fn case_subjects_type_each_person_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, body: &str| {
            std::fs::write(dir.path().join(name), body).expect("write");
        };
        write(
            "personnel.csv",
            "user,employee_id,last_name,first_name\nu1,E1,Doe,Jan\n",
        );
        write(
            "case_subjects.csv",
            "case_id,person_id,last_name,first_name,dob,address,phone,plate\n\
             c-1,P1,HOLT,ADA,1980-01-02,,555-0100; 555-0101,\n\
             C-2, P1 ,HOLT,ADA,1980-01-02,,555-0100; 555-0101,\n\
             C-3,,HOLT,ADA,,,,\n\
             C-4,P1,HOLT,ADA,1980-01-02,,555-0100; 555-0101,\n\
             C-5,P1,HOLT,ADA,1980-01-02,,555-0100;555-0101,\n",
        );
        let refs = RefData::load(dir.path(), &mut RejectSink::counting()).expect("refs");
        let subjects = refs.case_subjects.expect("case subjects");
        let rows: Vec<(&str, u32)> = subjects
            .rows
            .iter()
            .map(|r| (r.case_id.as_str(), r.person))
            .collect();
        assert_eq!(
            rows,
            [("C-1", 0), ("C-2", 0), ("C-3", 1), ("C-4", 0), ("C-5", 2)]
        );
        assert_eq!(subjects.people.len(), 3);
        assert_eq!(subjects.people[0].phones, ["555-0100", "555-0101"]);
        assert_eq!(subjects.people[2], subjects.people[0], "typed alike");
        assert_eq!(subjects.people[1].dob, None);
    }

    #[test]
    fn date_bounds_cover_the_whole_day() {
        let v = Validity {
            start: parse_bound("2024-05-01", false),
            end: parse_bound("2024-05-31", true),
        };
        let at = |s: &str| DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc));
        assert!(v.contains(at("2024-05-31T23:59:59Z").expect("ts")));
        assert!(!v.contains(at("2024-06-01T00:00:00Z").expect("ts")));
        assert!(!v.contains(at("2024-04-30T23:59:59Z").expect("ts")));
    }
}
