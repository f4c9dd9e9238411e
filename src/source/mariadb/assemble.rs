//! From `server_audit` lines to contract events: one event per statement that reads or
//! writes data, with its subject and case; logins, failed logins and logouts.
//!
//! The plugin writes a statement's table lines (`READ`, `WRITE`, …) before its `QUERY`
//! line, all with the connection's id and the statement's query id; the assembler keeps,
//! per connection, those tables, the case carried by user variables (`SET @case_id =
//! …`), and whether its connection failed, and emits the statement on its `QUERY` line.
//! It follows the server's `server_audit_query_log_limit` (configured, and as changed by
//! a logged `SET GLOBAL`) so that a statement the log cut is marked and never matched on
//! half of its text. MySQL's JSON audit logs (`source::mysql`) are mapped onto the same lines
//! and assembled here too ([`Flavour::Mysql`]: ids from the log, no plugin limit to
//! follow). It must not judge anything: whether a lookup was legitimate is the
//! detectors' question.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};

use super::line::{AuditLine, LineTime};
use crate::config::{MariadbConfig, MysqlConfig};
use crate::event::{Event, Origin, Subject, Text};
use crate::source::decode::FieldError;
use crate::source::pgaudit::assemble::{emit_per_candidate, first_tag, note_method};
use crate::source::pgaudit::sql::{self, Analysis, ColumnMap, Dialect};
use crate::source::SettingsError;

/// The zone the file destination's local times are in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

/// A `timezone` setting that names no zone.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "`{0}` is neither a time zone name (\"UTC\", \"Europe/Berlin\") nor an offset (\"+01:00\")"
)]
pub struct ZoneError(String);

impl Zone {
    pub fn parse(s: &str) -> Result<Zone, ZoneError> {
        let s = s.trim();
        if let Ok(tz) = s.parse::<chrono_tz::Tz>() {
            return Ok(Zone::Named(tz));
        }
        // "+01:00" / "-0530": parsed as the offset of a fixed time.
        DateTime::parse_from_str(&format!("2000-01-01T00:00:00{s}"), "%Y-%m-%dT%H:%M:%S%:z")
            .or_else(|_| {
                DateTime::parse_from_str(&format!("2000-01-01T00:00:00{s}"), "%Y-%m-%dT%H:%M:%S%z")
            })
            .map(|t| Zone::Fixed(*t.offset()))
            .map_err(|_| ZoneError(s.to_string()))
    }

    /// The instant a local time names; an hour repeated when clocks go back is taken at
    /// its first pass (and said so), an hour skipped when they go forward is an error.
    fn resolve(&self, t: NaiveDateTime) -> Result<(DateTime<Utc>, bool), FieldError> {
        let r = match self {
            Zone::Named(tz) => map(tz.from_local_datetime(&t)),
            Zone::Fixed(off) => map(off.from_local_datetime(&t)),
        };
        r.ok_or_else(|| {
            FieldError::new(
                "timestamp",
                format!(
                    "{t} does not exist in the configured mariadb.timezone (clocks went forward)"
                ),
            )
        })
    }
}

fn map<T: TimeZone>(r: LocalResult<DateTime<T>>) -> Option<(DateTime<Utc>, bool)> {
    match r {
        LocalResult::Single(t) => Some((t.with_timezone(&Utc), false)),
        LocalResult::Ambiguous(a, _) => Some((a.with_timezone(&Utc), true)),
        LocalResult::None => None,
    }
}

/// Which server family wrote the records: the assembler is shared, a few names are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// MariaDB `server_audit`: ids built from host, time and connection; the plugin's
    /// `server_audit_query_log_limit` followed when the log changes it.
    Mariadb,
    /// MySQL's JSON audit logs (Percona Server, MySQL Enterprise): ids from the log.
    Mysql,
}

/// `[mariadb]` (or `[mysql]`) made ready for use.
#[derive(Debug, Clone)]
pub struct MariaSettings {
    pub flavour: Flavour,
    pub zone: Zone,
    pub query_log_limit: u64,
    pub columns: ColumnMap,
    case_keys: Vec<String>,
    purpose_keys: Vec<String>,
    case_variables: Vec<String>,
    purpose_variables: Vec<String>,
}

impl MariaSettings {
    /// Checks the section; errors name the key.
    pub fn new(c: &MariadbConfig) -> Result<MariaSettings, SettingsError> {
        let lower = |v: &[String]| v.iter().map(|s| s.trim().to_lowercase()).collect();
        // Variables are written with their `@`; a name given without one means the same.
        let vars = |v: &[String]| {
            v.iter()
                .map(|s| {
                    let s = s.trim().to_lowercase();
                    if s.starts_with('@') {
                        s
                    } else {
                        format!("@{s}")
                    }
                })
                .collect()
        };
        Ok(MariaSettings {
            flavour: Flavour::Mariadb,
            zone: Zone::parse(&c.timezone)
                .map_err(|e| SettingsError::new("mariadb.timezone", e))?,
            query_log_limit: c.query_log_limit,
            columns: ColumnMap::new(
                c.subject_columns
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .map_err(|e| SettingsError::new("mariadb.subject_columns", e))?,
            case_keys: lower(&c.case_keys),
            purpose_keys: lower(&c.purpose_keys),
            case_variables: vars(&c.case_variables),
            purpose_variables: vars(&c.purpose_variables),
        })
    }

    /// `[mysql]`: the same keys but the zone (MySQL's JSON logs write UTC) and the
    /// limit's meaning (no server setting cuts statements; the key is for what a pipeline
    /// in between cuts). Errors name the key.
    pub(crate) fn for_mysql(c: &MysqlConfig) -> Result<MariaSettings, SettingsError> {
        let as_maria = MariadbConfig {
            timezone: "UTC".into(),
            query_log_limit: c.query_log_limit,
            case_keys: c.case_keys.clone(),
            purpose_keys: c.purpose_keys.clone(),
            case_variables: c.case_variables.clone(),
            purpose_variables: c.purpose_variables.clone(),
            subject_columns: c.subject_columns.clone(),
        };
        let mut s = MariaSettings::new(&as_maria).map_err(|e| SettingsError {
            key: e.key.replacen("mariadb.", "mysql.", 1),
            problem: e.problem,
        })?;
        s.flavour = Flavour::Mysql;
        Ok(s)
    }
}

/// What the assembler did with the lines it was given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MariaStats {
    /// `QUERY` lines read.
    pub statements: u64,
    /// Table lines (`READ`, `WRITE`, …) folded into their statement.
    pub table_lines: u64,
    /// Statements that are not reads or writes of data (SET, PREPARE, DDL, …).
    pub not_lookups: u64,
    /// Statements as long as `server_audit_query_log_limit`: cut, so given no subject.
    pub truncated: u64,
    /// Statements whose subject came from the literal scan, not the SQL parser.
    pub literal_scans: u64,
    /// Lines of other operations.
    pub other_lines: u64,
}

impl MariaStats {
    pub fn add(&mut self, o: &MariaStats) {
        self.statements += o.statements;
        self.table_lines += o.table_lines;
        self.not_lookups += o.not_lookups;
        self.truncated += o.truncated;
        self.literal_scans += o.literal_scans;
        self.other_lines += o.other_lines;
    }
}

#[derive(Debug, Default)]
struct Connection {
    last_seen: Option<DateTime<Utc>>,
    /// Its CONNECT failed: the DISCONNECT that follows is no logout.
    failed: bool,
    /// Tables of the statement in progress, by query id.
    tables: Option<(u64, Vec<String>)>,
    case: Option<String>,
    purpose: Option<String>,
}

/// Connections kept before idle ones are forgotten (no DISCONNECT logged, or a crash).
const MAX_CONNECTIONS: usize = 50_000;
const IDLE_HOURS: i64 = 24;
/// Commands that read or write a table's rows.
const DATA_COMMANDS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "TABLE", "HANDLER", "LOAD",
];
/// MariaDB's system schemas: reads of them are the server's own bookkeeping.
const SYSTEM_SCHEMAS: &[&str] = &["mysql", "information_schema", "performance_schema", "sys"];

/// Turns audit lines into events; one per source, fed in file order.
#[derive(Debug)]
pub(crate) struct Assembler {
    settings: Arc<MariaSettings>,
    /// By (server host, connection id).
    connections: HashMap<(String, u64), Connection>,
    sweep_at: usize,
    /// The query log limit in force (changes when the log shows a `SET GLOBAL`).
    limit: u64,
    pub stats: MariaStats,
}

impl Assembler {
    pub fn new(settings: Arc<MariaSettings>) -> Self {
        let limit = settings.query_log_limit;
        Assembler {
            settings,
            connections: HashMap::new(),
            sweep_at: MAX_CONNECTIONS,
            limit,
            stats: MariaStats::default(),
        }
    }

    /// Takes one line (read at `file`:`line`) and appends the events it completes.
    pub fn record(
        &mut self,
        file: &Arc<str>,
        line: u64,
        l: AuditLine,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        crate::source::decode::canonical(out, |out| self.record_events(file, line, l, out))
    }

    fn record_events(
        &mut self,
        file: &Arc<str>,
        line: u64,
        l: AuditLine,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        let (ts, ambiguous) = match l.time {
            LineTime::Local(t) => self.settings.zone.resolve(t)?,
            LineTime::Exact(t) => (t.with_timezone(&Utc), false),
        };
        let key = (l.serverhost.clone(), l.connection_id);
        if self.connections.len() >= self.sweep_at && !self.connections.contains_key(&key) {
            let horizon = ts - chrono::Duration::hours(IDLE_HOURS);
            self.connections
                .retain(|_, c| c.last_seen.is_some_and(|t| t >= horizon));
            self.sweep_at = MAX_CONNECTIONS.max(self.connections.len() * 2);
        }
        let op = l.operation.to_ascii_uppercase();
        match op.as_str() {
            "CONNECT" => {
                let failed = l.retcode.is_some_and(|c| c != 0);
                // A connection id seen again is a new connection (the server restarted).
                self.connections.insert(
                    key,
                    Connection {
                        last_seen: Some(ts),
                        failed,
                        ..Connection::default()
                    },
                );
                let action = if failed { "login_failed" } else { "login" };
                out.push(self.connection_event(file, line, &l, ts, ambiguous, action));
            }
            "FAILED_CONNECT" => {
                self.connections.insert(
                    key,
                    Connection {
                        last_seen: Some(ts),
                        failed: true,
                        ..Connection::default()
                    },
                );
                out.push(self.connection_event(file, line, &l, ts, ambiguous, "login_failed"));
            }
            "DISCONNECT" => {
                let failed = self.connections.remove(&key).is_some_and(|c| c.failed);
                if failed || l.user.is_empty() {
                    self.stats.other_lines += 1;
                } else {
                    out.push(self.connection_event(file, line, &l, ts, ambiguous, "logout"));
                }
            }
            "QUERY" | "QUERY_DML" | "QUERY_DDL" | "QUERY_DCL" => {
                self.stats.statements += 1;
                self.statement(file, line, l, key, ts, ambiguous, out)?;
            }
            "READ" | "WRITE" | "CREATE" | "ALTER" | "DROP" | "RENAME" => {
                self.stats.table_lines += 1;
                let conn = self.connections.entry(key).or_default();
                conn.last_seen = conn.last_seen.max(Some(ts));
                let table = if l.database.is_empty() {
                    l.object.clone()
                } else {
                    format!("{}.{}", l.database, l.object)
                };
                match &mut conn.tables {
                    Some((q, v)) if *q == l.query_id => {
                        if !v.contains(&table) {
                            v.push(table);
                        }
                    }
                    _ => conn.tables = Some((l.query_id, vec![table])),
                }
            }
            _ => self.stats.other_lines += 1,
        }
        Ok(())
    }

    /// The fields every event of a line shares.
    fn base_event(
        &self,
        file: &Arc<str>,
        line: u64,
        l: &AuditLine,
        ts: DateTime<Utc>,
        ambiguous: bool,
        what: &str,
    ) -> Event {
        let ip = l
            .host
            .parse::<std::net::IpAddr>()
            .ok()
            .map(|_| l.host.clone());
        let mut extra = Map::new();
        if !l.serverhost.is_empty() {
            extra.insert("server_host".into(), json!(l.serverhost));
        }
        extra.insert("connection_id".into(), json!(l.connection_id));
        if ambiguous {
            extra.insert(
                "time_ambiguous".into(),
                json!("the local time is repeated when clocks go back; its first pass was taken"),
            );
        }
        // Connection and query ids restart with the server; the second they were logged
        // in keeps ids of different runs apart, and does not depend on the file's name.
        let id = l.event_id.clone().unwrap_or_else(|| {
            format!(
                "mariadb:{}:{}:{}:{what}",
                l.serverhost,
                ts.format("%Y%m%dT%H%M%SZ"),
                l.connection_id
            )
        });
        let session = if l.serverhost.is_empty() {
            l.connection_id.to_string()
        } else {
            format!("{}:{}", l.serverhost, l.connection_id)
        };
        Event {
            id: id.into(),
            ts,
            user: l.user.as_str().into(),
            action: "query".into(),
            system: Some(l.database.as_str().into()).filter(|d: &Text| !d.is_empty()),
            session: Some(session.into()),
            client: Some(l.host.as_str().into()).filter(|h: &Text| !h.is_empty()),
            ip: ip.map(Into::into),
            case_id: None,
            purpose: None,
            subject: Subject::default(),
            result_count: l.rows,
            query_text: None,
            extra,
            origin: Origin {
                file: file.clone(),
                line,
            },
        }
    }

    fn connection_event(
        &self,
        file: &Arc<str>,
        line: u64,
        l: &AuditLine,
        ts: DateTime<Utc>,
        ambiguous: bool,
        action: &str,
    ) -> Event {
        let mut ev = self.base_event(file, line, l, ts, ambiguous, action);
        ev.action = action.into();
        if let Some(c) = l.retcode.filter(|c| *c != 0) {
            ev.extra.insert("error_code".into(), json!(c));
        }
        ev
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        file: &Arc<str>,
        line: u64,
        l: AuditLine,
        key: (String, u64),
        ts: DateTime<Utc>,
        ambiguous: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        if l.user.is_empty() {
            return Err(FieldError::new("username", "a statement without a user"));
        }
        let limit = self.limit;
        let flavour = self.settings.flavour;
        let truncated = limit > 0
            && match flavour {
                // The plugin stops escaping one byte early when an escape pair would not fit.
                Flavour::Mariadb => l.logged_len as u64 + 1 >= limit,
                Flavour::Mysql => l.logged_len as u64 >= limit,
            };
        let analysis: Analysis =
            sql::analyse_in(Dialect::MySql, &l.object, &[], &self.settings.columns);
        let succeeded = l.retcode.is_none_or(|c| c == 0);
        let conn = self.connections.entry(key).or_default();
        conn.last_seen = conn.last_seen.max(Some(ts));
        let tables = match conn.tables.take() {
            Some((q, v)) if q == l.query_id => v,
            _ => Vec::new(),
        };
        if succeeded && !truncated {
            for s in analysis.statements.iter().flat_map(|f| &f.settings) {
                let name = s.name.trim_start_matches("@@global.");
                if flavour == Flavour::Mariadb && name == "server_audit_query_log_limit" {
                    if let Ok(n) = s.value.trim().parse::<u64>() {
                        self.limit = n;
                    }
                }
                let value = Some(s.value.trim().to_string()).filter(|v| !v.is_empty());
                if self.settings.case_variables.contains(&s.name) {
                    conn.case = value.clone();
                }
                if self.settings.purpose_variables.contains(&s.name) {
                    conn.purpose = value;
                }
            }
        }
        let command = analysis
            .statements
            .iter()
            .map(|f| f.command.as_str())
            .find(|c| DATA_COMMANDS.contains(c))
            .or_else(|| analysis.statements.first().map(|f| f.command.as_str()))
            .unwrap_or_default()
            .to_string();
        let user_tables: Vec<&String> = tables
            .iter()
            .filter(|t| {
                let schema = t.split('.').next().unwrap_or_default().to_ascii_lowercase();
                !(t.contains('.') && SYSTEM_SCHEMAS.contains(&schema.as_str()))
            })
            .collect();
        let reads_data = DATA_COMMANDS.contains(&command.as_str())
            && (!user_tables.is_empty()
                || analysis.statements.iter().any(|f| !f.tables.is_empty())
                || truncated);
        if !reads_data {
            self.stats.not_lookups += 1;
            return Ok(());
        }
        let (case, purpose) = (conn.case.clone(), conn.purpose.clone());

        let mut base = self.base_event(file, line, &l, ts, ambiguous, &l.query_id.to_string());
        base.query_text = Some(l.object.as_str().into());
        base.action = match command.as_str() {
            _ if !succeeded => "query_failed".into(),
            "INSERT" | "UPDATE" | "DELETE" | "REPLACE" => command.to_ascii_lowercase().into(),
            _ => "query".into(),
        };
        let x = &mut base.extra;
        x.insert("query_id".into(), json!(l.query_id));
        let command_key = match flavour {
            Flavour::Mariadb => "mariadb_command",
            Flavour::Mysql => "mysql_command",
        };
        x.insert(command_key.into(), json!(command));
        if !tables.is_empty() {
            x.insert("objects".into(), json!(tables));
        }
        if let Some(c) = l.retcode.filter(|c| *c != 0) {
            x.insert("error_code".into(), json!(c));
        }
        let mut candidates = Vec::new();
        for f in &analysis.statements {
            for c in &f.candidates {
                if !candidates.contains(c) {
                    candidates.push(c.clone());
                }
            }
        }
        if truncated {
            self.stats.truncated += 1;
            x.insert("query_truncated".into(), json!(true));
            x.insert("query_log_limit".into(), json!(limit));
            let why = match flavour {
                Flavour::Mariadb => "none: the statement was cut by server_audit_query_log_limit",
                Flavour::Mysql => {
                    "none: the statement is as long as mysql.query_log_limit, so taken as cut"
                }
            };
            x.insert("subject_method".into(), json!(why));
            // What the cut text did show, as evidence only: half a WHERE clause is not
            // a search for anyone (a cut `'SMI` is not SMITH, and an OR may follow).
            let partial: Vec<Value> = candidates
                .iter()
                .flat_map(|c| &c.criteria)
                .map(|cr| json!({"column": cr.column, "value": cr.value}))
                .collect();
            if !partial.is_empty() {
                x.insert("subject_partial".into(), Value::Array(partial));
            }
            candidates.clear();
        } else {
            note_method(
                x,
                &analysis.statements,
                &analysis.method,
                &mut self.stats.literal_scans,
            );
        }
        let tag_case = first_tag(&analysis.tags, &self.settings.case_keys);
        let tag_purpose = first_tag(&analysis.tags, &self.settings.purpose_keys);
        if tag_case.is_some() || tag_purpose.is_some() {
            base.case_id = tag_case.map(Into::into);
            base.purpose = tag_purpose.map(Into::into);
            base.extra.insert("case_source".into(), json!("comment"));
        } else if case.is_some() || purpose.is_some() {
            base.case_id = case.map(Into::into);
            base.purpose = purpose.map(Into::into);
            base.extra.insert("case_source".into(), json!("variable"));
        }
        emit_per_candidate(base, &candidates, out);
        Ok(())
    }
}
