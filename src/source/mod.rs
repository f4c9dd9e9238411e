//! Sources: finding input files, reading them, and handing events on in time order.
//!
//! Formats are chosen by extension (`.jsonl`/`.ndjson`/`.json`, optionally `.gz`; `.csv`;
//! `.parquet`), and by content where a PostgreSQL log could hide behind the extension
//! (`.json`, `.csv`, `.log`: see [`pgaudit::sniff`]; `.log` and rotated `.log.N` may also be
//! MariaDB `server_audit` logs: [`mariadb::sniff`]; `.json`, `.log` and rotated `.log.N` may
//! be Percona's or MySQL Enterprise's JSON audit logs: [`mysql::sniff`]), or forced with
//! [`FormatChoice`].
//! Every reader decodes through [`decode::decode_record`] and sends what it
//! cannot decode to the [`rejects::RejectSink`]; only a file that cannot be opened at all is
//! an error. Readers must not interpret events: that is identity resolution's and the
//! detectors' work.

pub mod csv;
pub mod decode;
pub mod jsonl;
pub(crate) mod lines;
pub mod mariadb;
pub mod mysql;
pub mod ordered;
pub mod parquet;
pub mod pgaudit;
pub mod rejects;
pub(crate) mod reorder;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::event::Event;
pub(crate) use rejects::Reject;
pub use rejects::RejectSink;

/// An input that cannot be read at all. Malformed lines are not errors: they are rejects.
#[derive(Debug, Error)]
pub enum SourceError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: unknown input format (expected .jsonl, .ndjson, .json, .csv or .parquet, optionally .gz for JSON lines, or a PostgreSQL, MariaDB or MySQL audit log with --format pgaudit, mariadb, percona or mysql-enterprise)")]
    UnknownFormat { path: String },
    #[error("{path}: no such file or directory")]
    Missing { path: String },
    #[error(transparent)]
    Columnar(#[from] crate::columnar::ColumnarError),
    #[error("writing the reject file: {0}")]
    RejectSink(std::io::Error),
}

/// How an input file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonLines {
        gzip: bool,
    },
    Csv,
    Parquet,
    /// A PostgreSQL log with pgAudit lines (jsonlog, csvlog or stderr, optionally `.gz`).
    Pgaudit,
    /// A MariaDB `server_audit` log (file or syslog destination, optionally `.gz`).
    Mariadb,
    /// Percona Server's `audit_log` JSON (one record per line, optionally `.gz`).
    Percona,
    /// MySQL Enterprise Audit / `audit_log_filter` JSON (an array, optionally `.gz`).
    MysqlEnterprise,
}

/// The `--format` flag: what the inputs are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatChoice {
    /// By extension, and by content for `.json`, `.csv` and `.log` files.
    #[default]
    Auto,
    /// Contract events only (JSON lines, CSV, Parquet by extension).
    Contract,
    /// PostgreSQL + pgAudit logs, whatever the extension.
    Pgaudit,
    /// MariaDB `server_audit` logs, whatever the extension.
    Mariadb,
    /// Percona Server `audit_log` JSON logs, whatever the extension.
    Percona,
    /// MySQL Enterprise Audit / `audit_log_filter` JSON logs, whatever the extension.
    MysqlEnterprise,
}

impl std::str::FromStr for FormatChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(FormatChoice::Auto),
            "contract" | "events" => Ok(FormatChoice::Contract),
            "pgaudit" => Ok(FormatChoice::Pgaudit),
            "mariadb" | "server_audit" => Ok(FormatChoice::Mariadb),
            "percona" => Ok(FormatChoice::Percona),
            "mysql-enterprise" | "mysql_enterprise" | "audit_log_filter" => {
                Ok(FormatChoice::MysqlEnterprise)
            }
            other => Err(format!(
                "unknown format `{other}` (expected auto, contract, pgaudit, mariadb, percona or mysql-enterprise)"
            )),
        }
    }
}

/// A setting of `custodes.toml` the readers cannot use, named by its key
/// (`pgaudit.log_line_prefix`), with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}")]
pub struct SettingsError {
    pub key: String,
    pub problem: String,
}

impl SettingsError {
    pub(crate) fn new(key: &str, problem: impl std::fmt::Display) -> Self {
        SettingsError {
            key: key.to_string(),
            problem: problem.to_string(),
        }
    }
}

/// What readers need beyond the path.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub pgaudit: Arc<pgaudit::PgSettings>,
    pub mariadb: Arc<mariadb::MariaSettings>,
    /// `[mysql]`: Percona's and MySQL Enterprise's JSON logs.
    pub mysql: Arc<mariadb::MariaSettings>,
}

impl ReadOptions {
    pub fn new(config: &crate::config::Config) -> Result<ReadOptions, SettingsError> {
        Ok(ReadOptions {
            pgaudit: Arc::new(pgaudit::PgSettings::new(&config.pgaudit)?),
            mariadb: Arc::new(mariadb::MariaSettings::new(&config.mariadb)?),
            mysql: Arc::new(mariadb::MariaSettings::for_mysql(&config.mysql)?),
        })
    }
}

impl Format {
    /// The format implied by a file name, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let (stem, gzip) = match name.strip_suffix(".gz") {
            Some(s) => (s.to_string(), true),
            None => (name, false),
        };
        if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") || stem.ends_with(".json") {
            Some(Format::JsonLines { gzip })
        } else if gzip {
            None
        } else if stem.ends_with(".csv") {
            Some(Format::Csv)
        } else if stem.ends_with(".parquet") || stem.ends_with(".pq") {
            Some(Format::Parquet)
        } else {
            None
        }
    }
}

/// The inputs found under the given paths, and what was skipped.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<(PathBuf, Format)>,
    /// Files inside directories that are not read, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Expands files and directories (recursively, in name order). A file named explicitly
/// must have a known format; inside directories unknown files are skipped and listed.
pub fn discover(paths: &[PathBuf], choice: FormatChoice) -> Result<Inputs, SourceError> {
    let mut inputs = Inputs::default();
    for p in paths {
        if p.as_os_str() == "-" {
            let format = match choice {
                FormatChoice::Pgaudit => Format::Pgaudit,
                FormatChoice::Mariadb => Format::Mariadb,
                FormatChoice::Percona => Format::Percona,
                FormatChoice::MysqlEnterprise => Format::MysqlEnterprise,
                _ => Format::JsonLines { gzip: false },
            };
            inputs.files.push((p.clone(), format));
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                SourceError::Missing {
                    path: p.display().to_string(),
                }
            } else {
                SourceError::Io {
                    path: p.display().to_string(),
                    source,
                }
            }
        })?;
        if meta.is_dir() {
            walk(p, choice, &mut inputs)?;
        } else {
            let format = choose(p, choice)?.ok_or_else(|| SourceError::UnknownFormat {
                path: p.display().to_string(),
            })?;
            inputs.files.push((p.clone(), format));
        }
    }
    one_destination_per_log(&mut inputs);
    Ok(inputs)
}

/// A server logging to several destinations writes the same records to `NAME.json`,
/// `NAME.csv` and `NAME.log` side by side; reading them all would count every lookup two
/// or three times. Keeps one per name, the richest (jsonlog, then csvlog, then stderr).
fn one_destination_per_log(inputs: &mut Inputs) {
    let rank = |p: &Path| {
        let name = p.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name).to_string();
        let (stem, rank) = [(".json", 0), (".csv", 1), (".log", 2)]
            .iter()
            .find_map(|(ext, r)| name.strip_suffix(ext).map(|s| (s.to_string(), *r)))?;
        Some((p.with_file_name(stem), rank))
    };
    let mut best: std::collections::HashMap<PathBuf, (u8, PathBuf)> = Default::default();
    for (p, f) in &inputs.files {
        if let (Format::Pgaudit, Some((key, r))) = (f, rank(p)) {
            let e = best.entry(key).or_insert((r, p.clone()));
            if r < e.0 {
                *e = (r, p.clone());
            }
        }
    }
    let mut kept = Vec::with_capacity(inputs.files.len());
    for (p, f) in inputs.files.drain(..) {
        let chosen = match (f, rank(&p)) {
            (Format::Pgaudit, Some((key, _))) => best.get(&key).filter(|(_, b)| *b != p),
            _ => None,
        };
        match chosen {
            Some((_, b)) => inputs.skipped.push((
                p,
                format!(
                    "the same server's log as {}, in another destination",
                    b.display()
                ),
            )),
            None => kept.push((p, f)),
        }
    }
    inputs.files = kept;
}

/// The format of one file: forced, by extension, or (for names a PostgreSQL log may
/// have) by its first bytes.
fn choose(path: &Path, choice: FormatChoice) -> Result<Option<Format>, SourceError> {
    let by_name = Format::from_path(path);
    match choice {
        FormatChoice::Pgaudit => return Ok(Some(Format::Pgaudit)),
        FormatChoice::Mariadb => return Ok(Some(Format::Mariadb)),
        FormatChoice::Percona => return Ok(Some(Format::Percona)),
        FormatChoice::MysqlEnterprise => return Ok(Some(Format::MysqlEnterprise)),
        FormatChoice::Contract => return Ok(by_name),
        FormatChoice::Auto => {}
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = name.strip_suffix(".gz").unwrap_or(&name);
    let may_be_pg = stem.ends_with(".json") || stem.ends_with(".csv") || stem.ends_with(".log");
    // server_audit rotates server_audit.log to server_audit.log.1, .2, …
    let rotated_log = stem
        .rsplit_once(".log.")
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !may_be_pg && !rotated_log {
        return Ok(by_name);
    }
    let mut head = Vec::with_capacity(8192);
    let reader = pgaudit::open(path)?;
    reader
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })?;
    // Percona names its log audit.log whatever the format; MySQL suggests audit.json.
    if stem.ends_with(".json") || stem.ends_with(".log") || rotated_log {
        match mysql::sniff(&head) {
            Some(mysql::Kind::Percona) => return Ok(Some(Format::Percona)),
            Some(mysql::Kind::Enterprise) => return Ok(Some(Format::MysqlEnterprise)),
            None => {}
        }
    }
    if (stem.ends_with(".log") || rotated_log) && mariadb::sniff(&head) {
        return Ok(Some(Format::Mariadb));
    }
    if rotated_log {
        return Ok(None);
    }
    Ok(match pgaudit::sniff(&head) {
        Some(_) if !stem.ends_with(".log") || looks_audited(&head) => Some(Format::Pgaudit),
        _ if stem.ends_with(".log") => None,
        _ => by_name,
    })
}

/// A `.log` file is taken for a PostgreSQL log only when its start shows the server's
/// own words, so that unrelated logs in a directory are skipped, not rejected line by line.
fn looks_audited(head: &[u8]) -> bool {
    let has = |k: &[u8]| head.windows(k.len()).any(|w| w == k);
    has(b"LOG:  ") || has(b"FATAL:  ") || has(b"ERROR:  ")
}

fn walk(dir: &Path, choice: FormatChoice, inputs: &mut Inputs) -> Result<(), SourceError> {
    let io_err = |source| SourceError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io_err)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, choice, inputs)?;
        } else if let Some(format) = choose(&path, choice)? {
            inputs.files.push((path, format));
        } else {
            inputs.skipped.push((path, "unknown format".into()));
        }
    }
    Ok(())
}

/// What reading one file produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct FileStats {
    pub events: u64,
    pub rejected: u64,
    /// How pgAudit lines became events (zero for other formats).
    pub pgaudit: pgaudit::AssembleStats,
    /// How `server_audit` lines became events (zero for other formats).
    pub mariadb: mariadb::MariaStats,
    /// How Percona / MySQL Enterprise JSON records became events (zero for others).
    pub mysql: mariadb::MariaStats,
}

impl FileStats {
    /// Adds another file's figures.
    pub fn add(&mut self, o: &FileStats) {
        self.events += o.events;
        self.rejected += o.rejected;
        let (a, b) = (&mut self.pgaudit, &o.pgaudit);
        a.audit_lines += b.audit_lines;
        a.merged += b.merged;
        a.not_lookups += b.not_lookups;
        a.literal_scans += b.literal_scans;
        a.other_records += b.other_records;
        self.mariadb.add(&o.mariadb);
        self.mysql.add(&o.mysql);
    }
}

impl FileStats {
    /// Counts a line that could not be decoded and hands it to the reject sink.
    pub(crate) fn reject(
        &mut self,
        rejects: &mut RejectSink,
        file: &str,
        line: u64,
        field: &str,
        error: String,
        raw: &[u8],
    ) -> Result<(), SourceError> {
        self.rejected += 1;
        rejects
            .push(file, line, field, error, raw)
            .map_err(SourceError::RejectSink)
    }

    /// Counts one decoded record: the event goes on, a decoding error goes to the sink.
    /// `raw` is only rendered when the record is rejected.
    pub(crate) fn settle(
        &mut self,
        decoded: Result<Event, decode::FieldError>,
        rejects: &mut RejectSink,
        file: &str,
        line: u64,
        raw: impl FnOnce() -> Vec<u8>,
        emit: &mut dyn FnMut(Event),
    ) -> Result<(), SourceError> {
        match decoded {
            Ok(ev) => {
                self.events += 1;
                emit(ev);
                Ok(())
            }
            Err(e) => self.reject(rejects, file, line, &e.field, e.problem, &raw()),
        }
    }
}

/// Reads one file, calling `emit` for each event in file order.
pub fn read_file(
    path: &Path,
    format: Format,
    opts: &ReadOptions,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    match format {
        Format::JsonLines { gzip } => jsonl::read(path, gzip, rejects, emit),
        Format::Csv => csv::read(path, rejects, emit),
        Format::Parquet => parquet::read(path, rejects, emit),
        Format::Pgaudit => {
            let (mut stats, pg) = pgaudit::read(path, &opts.pgaudit, rejects, emit)?;
            stats.pgaudit = pg;
            Ok(stats)
        }
        Format::Mariadb => mariadb::read(path, &opts.mariadb, rejects, emit),
        Format::Percona => mysql::read(path, mysql::Kind::Percona, &opts.mysql, rejects, emit),
        Format::MysqlEnterprise => {
            mysql::read(path, mysql::Kind::Enterprise, &opts.mysql, rejects, emit)
        }
    }
}
