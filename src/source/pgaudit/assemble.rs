//! From log records to contract events: one event per audited statement, with its
//! subject, case and purpose.
//!
//! pgAudit writes several lines for one statement (an OBJECT and a SESSION line, one line
//! per table with `log_relation`, a wrapper line for `COPY (…) TO`); they share the
//! session, statement and substatement ids, and only the first is guaranteed to carry the
//! text (`log_statement_once`). The assembler keeps, per session, the statement in
//! progress and the case set with `SET [LOCAL]`, so it can emit each statement once, on
//! its first line, and fold the rest in. Connection lines become `login`,
//! `login_failed` and `logout` events. It must not judge anything: whether a lookup was
//! legitimate is the detectors' question.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::payload::{self, Logged, Payload};
use super::prefix::Prefix;
use super::record::LogRecord;
use super::sql::{self, Analysis, Candidate, ColumnMap, Method, StatementFacts, SubjectField};
use crate::config::{PgClient, PgauditConfig};
use crate::event::{Event, Origin, Subject};
use crate::source::decode::FieldError;
use crate::source::SettingsError;

/// `[pgaudit]` made ready for use: patterns compiled, names lower-cased.
#[derive(Debug, Clone)]
pub struct PgSettings {
    pub client: PgClient,
    pub prefix: Prefix,
    pub columns: ColumnMap,
    case_keys: Vec<String>,
    purpose_keys: Vec<String>,
    case_settings: Vec<String>,
    purpose_settings: Vec<String>,
    app_pattern: Option<Regex>,
}

impl PgSettings {
    /// Checks the section; errors name the key.
    pub fn new(c: &PgauditConfig) -> Result<PgSettings, SettingsError> {
        let lower = |v: &[String]| v.iter().map(|s| s.trim().to_lowercase()).collect();
        let app_pattern = if c.application_name_pattern.trim().is_empty() {
            None
        } else {
            let re = Regex::new(&c.application_name_pattern)
                .map_err(|e| SettingsError::new("pgaudit.application_name_pattern", e))?;
            if !re.capture_names().any(|n| n == Some("case")) {
                return Err(SettingsError::new(
                    "pgaudit.application_name_pattern",
                    "needs a named group `case`, e.g. \"case=(?P<case>[^/]+)\"",
                ));
            }
            Some(re)
        };
        Ok(PgSettings {
            client: c.client,
            prefix: Prefix::new(&c.log_line_prefix)
                .map_err(|e| SettingsError::new("pgaudit.log_line_prefix", e))?,
            columns: ColumnMap::new(
                c.subject_columns
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .map_err(|e| SettingsError::new("pgaudit.subject_columns", e))?,
            case_keys: lower(&c.case_keys),
            purpose_keys: lower(&c.purpose_keys),
            case_settings: lower(&c.case_settings),
            purpose_settings: lower(&c.purpose_settings),
            app_pattern,
        })
    }
}

/// What the assembler did with the records it was given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AssembleStats {
    /// pgAudit lines read.
    pub audit_lines: u64,
    /// Lines folded into a statement already emitted (OBJECT + SESSION, one per table).
    pub merged: u64,
    /// Statements that are not reads or writes of data (SET, PREPARE, DDL, roles, …).
    pub not_lookups: u64,
    /// Statements whose subject came from the literal scan, not the SQL parser.
    pub literal_scans: u64,
    /// Log records that are neither pgAudit lines nor connection lines.
    pub other_records: u64,
}

/// A case or purpose carried by a setting.
#[derive(Debug, Clone, Default)]
struct Carried {
    case: Option<String>,
    purpose: Option<String>,
}

#[derive(Debug, Default)]
struct Session {
    /// The time of its last line, to forget sessions whose end was not logged.
    last_seen: Option<chrono::DateTime<chrono::Utc>>,
    statement_id: u64,
    /// Substatements of the current statement already seen, with their text.
    seen: Vec<(u64, Option<Arc<str>>)>,
    /// The current statement's text and parameters, for `<previously logged>` lines.
    text: Option<Arc<str>>,
    params: Option<Vec<String>>,
    /// The last analysis, reused by the next line with the same text and parameters.
    analysed: Option<(Arc<str>, Vec<String>, Arc<Analysis>)>,
    set: Carried,
    /// `SET LOCAL`, with the transaction it belongs to (`None`: the log does not say).
    local: Option<(Option<String>, Carried)>,
}

/// Sessions kept before idle ones are forgotten (`log_disconnections` off, or a crash).
const MAX_SESSIONS: usize = 50_000;
/// A session without a line for this long is taken to have ended.
const SESSION_IDLE_HOURS: i64 = 24;

/// Turns log records into events; one per source, fed in file order.
#[derive(Debug)]
pub(crate) struct Assembler {
    settings: Arc<PgSettings>,
    sessions: HashMap<String, Session>,
    /// The session count at which idle sessions are next swept (doubles when a sweep
    /// frees little, so sweeping stays linear overall).
    sweep_at: usize,
    pub stats: AssembleStats,
}

impl Assembler {
    pub fn new(settings: Arc<PgSettings>) -> Self {
        Assembler {
            settings,
            sessions: HashMap::new(),
            sweep_at: MAX_SESSIONS,
            stats: AssembleStats::default(),
        }
    }

    /// Takes one record (read at `file`:`line`) and appends the events it completes.
    pub fn record(
        &mut self,
        file: &Arc<str>,
        line: u64,
        rec: LogRecord,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        crate::source::decode::canonical(out, |out| self.record_events(file, line, rec, out))
    }

    fn record_events(
        &mut self,
        file: &Arc<str>,
        line: u64,
        rec: LogRecord,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        if let Some(p) = payload::parse(&rec.message) {
            self.stats.audit_lines += 1;
            return self.audit(file, line, rec, p?, out);
        }
        let msg = rec.message.as_str();
        if rec.severity == "LOG" && msg.starts_with("connection authorized:") {
            let user = rec
                .user
                .clone()
                .or_else(|| word_after(msg, "user="))
                .ok_or_else(|| FieldError::new("user", "a login line without a user"))?;
            out.push(self.connection_event(file, line, &rec, user, "login")?);
        } else if rec.severity == "FATAL" && is_auth_failure(&rec) {
            let user = rec
                .user
                .clone()
                .or_else(|| quoted_after(msg, "user \""))
                .or_else(|| quoted_after(msg, "role \""))
                .ok_or_else(|| FieldError::new("user", "a failed login that names no user"))?;
            out.push(self.connection_event(file, line, &rec, user, "login_failed")?);
        } else if rec.severity == "LOG" && msg.starts_with("disconnection:") {
            if let Some(key) = session_key(&rec) {
                self.sessions.remove(&key);
            }
            if let Some(user) = rec.user.clone() {
                out.push(self.connection_event(file, line, &rec, user, "logout")?);
            }
        } else {
            self.stats.other_records += 1;
        }
        Ok(())
    }

    fn connection_event(
        &self,
        file: &Arc<str>,
        line: u64,
        rec: &LogRecord,
        user: String,
        action: &str,
    ) -> Result<Event, FieldError> {
        let mut ev = self.base_event(file, line, rec, user)?;
        if let Some(s) = &rec.session_id {
            ev.id = format!("pg:{s}:{action}").into();
        }
        ev.action = action.into();
        if action == "login_failed" {
            ev.extra
                .insert("message".into(), Value::String(rec.message.clone()));
            if let Some(c) = &rec.state_code {
                ev.extra
                    .insert("state_code".into(), Value::String(c.clone()));
            }
        }
        Ok(ev)
    }

    /// The fields every event of a record shares.
    fn base_event(
        &self,
        file: &Arc<str>,
        line: u64,
        rec: &LogRecord,
        user: String,
    ) -> Result<Event, FieldError> {
        let ts = rec
            .ts
            .ok_or_else(|| FieldError::new("timestamp", "the record carries no time"))?;
        let ip = rec
            .remote_host
            .clone()
            .filter(|h| h.parse::<std::net::IpAddr>().is_ok());
        let client = match self.settings.client {
            PgClient::Host => rec.remote_host.clone(),
            PgClient::ApplicationName => rec.application_name.clone(),
        };
        let mut extra = Map::new();
        if let Some(a) = &rec.application_name {
            extra.insert("application_name".into(), Value::String(a.clone()));
        }
        if let Some(p) = rec.remote_port {
            extra.insert("remote_port".into(), json!(p));
        }
        Ok(Event {
            id: format!("{file}:{line}").into(),
            ts,
            user: user.into(),
            action: "query".into(),
            system: rec.database.as_deref().map(Into::into),
            session: rec
                .session_id
                .clone()
                .or_else(|| rec.pid.map(|p| format!("pid:{p}")))
                .map(Into::into),
            client: client.map(Into::into),
            ip: ip.map(Into::into),
            case_id: None,
            purpose: None,
            subject: Subject::default(),
            result_count: None,
            query_text: None,
            extra,
            origin: Origin {
                file: file.clone(),
                line,
            },
        })
    }

    fn audit(
        &mut self,
        file: &Arc<str>,
        line: u64,
        rec: LogRecord,
        p: Payload,
        out: &mut Vec<Event>,
    ) -> Result<(), FieldError> {
        let user = rec.user.clone().ok_or_else(|| {
            FieldError::new(
                "user",
                "the pgAudit line carries no user (jsonlog/csvlog always do; on stderr add %u to log_line_prefix)",
            )
        })?;
        let key = session_key(&rec).ok_or_else(|| {
            FieldError::new(
                "session_id",
                "the pgAudit line carries no session (on stderr add %c to log_line_prefix)",
            )
        })?;
        if self.sessions.len() >= self.sweep_at && !self.sessions.contains_key(&key) {
            if let Some(now) = rec.ts {
                let horizon = now - chrono::Duration::hours(SESSION_IDLE_HOURS);
                self.sessions
                    .retain(|_, s| s.last_seen.is_some_and(|t| t >= horizon));
                self.sweep_at = MAX_SESSIONS.max(self.sessions.len() * 2);
            }
        }
        let session = self.sessions.entry(key).or_default();
        session.last_seen = session.last_seen.max(rec.ts);
        if session.statement_id != p.statement_id || session.seen.is_empty() {
            session.statement_id = p.statement_id;
            session.seen.clear();
            session.text = None;
            session.params = None;
        }
        let text: Option<Arc<str>> = match &p.statement {
            Logged::Value(t) => Some(Arc::from(t.as_str())),
            _ => session.text.clone(),
        };
        let params: Vec<String> = match &p.params {
            Logged::Value(v) => v.clone(),
            Logged::PreviouslyLogged => session.params.clone().unwrap_or_default(),
            Logged::Absent => Vec::new(),
        };
        let repeat = session
            .seen
            .iter()
            .any(|(sub, t)| *sub == p.substatement_id || (t.is_some() && *t == text));
        session.seen.push((p.substatement_id, text.clone()));
        if text.is_some() {
            session.text = text.clone();
            session.params = Some(params.clone());
        }
        if repeat {
            self.stats.merged += 1;
            return Ok(());
        }
        let analysis = match &text {
            Some(t) => Some(analysed(session, t, &params, &self.settings.columns)),
            None => None,
        };
        let is_data = p.class == "READ" || p.class == "WRITE";
        let mut made_settings = false;
        if let Some(a) = &analysis {
            // A SET line has no object to pick its statement by: every statement of the
            // text may set something.
            let facts: Vec<&StatementFacts> = if is_data {
                pick(a, &p)
            } else {
                a.statements.iter().collect()
            };
            made_settings = facts.iter().any(|f| !f.settings.is_empty());
            apply_settings(&self.settings, session, &facts, rec.vxid.as_deref());
        }
        if !is_data || p.command == "PREPARE" {
            self.stats.not_lookups += 1;
            return Ok(());
        }
        let carried = carried_now(session, rec.vxid.as_deref(), !made_settings);
        let mut base = self.base_event(file, line, &rec, user)?;
        if let Some(s) = &rec.session_id {
            base.id = format!("pg:{s}:{}:{}", p.statement_id, p.substatement_id).into();
        }
        base.result_count = p.rows;
        base.query_text = text.as_deref().map(Into::into);
        base.action = if p.class == "WRITE" {
            p.command.to_ascii_lowercase().into()
        } else {
            "query".into()
        };
        let x = &mut base.extra;
        x.insert("pgaudit_class".into(), Value::String(p.class.clone()));
        x.insert("pgaudit_command".into(), Value::String(p.command.clone()));
        if !p.object_name.is_empty() {
            x.insert("object".into(), Value::String(p.object_name.clone()));
        }
        if !params.is_empty() {
            x.insert("params".into(), json!(params));
        }
        if text.is_none() {
            x.insert(
                "statement_text".into(),
                Value::String("logged on a line before this file's first".into()),
            );
        }
        let mut candidates: Vec<Candidate> = Vec::new();
        if let Some(a) = &analysis {
            let facts = pick(a, &p);
            if facts.iter().any(|f| f.copy_to) {
                base.action = "export".into();
            }
            note_method(
                x,
                facts.iter().copied(),
                &a.method,
                &mut self.stats.literal_scans,
            );
            for f in facts {
                for c in &f.candidates {
                    if !candidates.contains(c) {
                        candidates.push(c.clone());
                    }
                }
            }
            let case = first_tag(&a.tags, &self.settings.case_keys);
            let purpose = first_tag(&a.tags, &self.settings.purpose_keys);
            if case.is_some() || purpose.is_some() {
                base.case_id = case.map(Into::into);
                base.purpose = purpose.map(Into::into);
                base.extra.insert("case_source".into(), json!("comment"));
            }
        }
        if base.case_id.is_none() && base.purpose.is_none() {
            if let Some((c, source)) = carried {
                base.case_id = c.case.map(Into::into);
                base.purpose = c.purpose.map(Into::into);
                base.extra.insert("case_source".into(), json!(source));
            } else if let Some(c) = self.case_in_application_name(rec.application_name.as_deref()) {
                base.case_id = c.case.map(Into::into);
                base.purpose = c.purpose.map(Into::into);
                base.extra
                    .insert("case_source".into(), json!("application_name"));
            }
        }
        emit_per_candidate(base, &candidates, out);
        Ok(())
    }

    fn case_in_application_name(&self, app: Option<&str>) -> Option<Carried> {
        let caps = self.settings.app_pattern.as_ref()?.captures(app?)?;
        let get = |n: &str| {
            caps.name(n)
                .map(|m| m.as_str().trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let c = Carried {
            case: get("case"),
            purpose: get("purpose"),
        };
        (c.case.is_some() || c.purpose.is_some()).then_some(c)
    }
}

/// The statement's analysis, reused across the lines of one statement.
fn analysed(
    session: &mut Session,
    text: &Arc<str>,
    params: &[String],
    columns: &ColumnMap,
) -> Arc<Analysis> {
    if let Some((t, p, a)) = &session.analysed {
        if t == text && p.as_slice() == params {
            return a.clone();
        }
    }
    let a = Arc::new(sql::analyse(text, params, columns));
    session.analysed = Some((text.clone(), params.to_vec(), a.clone()));
    a
}

/// The statements of a text that this line is about. Several statements sent in one
/// message are each logged with the whole text: the line's object and command say which.
fn pick<'a>(a: &'a Analysis, p: &Payload) -> Vec<&'a StatementFacts> {
    if a.statements.len() <= 1 {
        return a.statements.iter().collect();
    }
    let object = p
        .object_name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let by_object: Vec<&StatementFacts> = a
        .statements
        .iter()
        .filter(|f| !object.is_empty() && f.tables.contains(&object))
        .collect();
    let pool = if by_object.is_empty() {
        a.statements.iter().collect()
    } else {
        by_object
    };
    let by_command: Vec<&StatementFacts> = pool
        .iter()
        .copied()
        .filter(|f| f.command == p.command)
        .collect();
    if by_command.is_empty() {
        pool
    } else {
        by_command
    }
}

fn apply_settings(
    settings: &PgSettings,
    session: &mut Session,
    facts: &[&StatementFacts],
    vxid: Option<&str>,
) {
    for s in facts.iter().flat_map(|f| &f.settings) {
        let name = s.name.to_lowercase();
        let is_case = settings.case_settings.contains(&name);
        let is_purpose = settings.purpose_settings.contains(&name);
        if !is_case && !is_purpose {
            continue;
        }
        let value = Some(s.value.trim().to_string()).filter(|v| !v.is_empty());
        let target = if s.local {
            let fresh = match &session.local {
                Some((v, _)) => v.as_deref() != vxid,
                None => true,
            };
            if fresh {
                session.local = Some((vxid.map(str::to_string), Carried::default()));
            }
            match &mut session.local {
                Some((_, c)) => c,
                None => continue,
            }
        } else {
            // A plain SET wins over an earlier SET LOCAL, now and after the transaction.
            if let Some((_, c)) = &mut session.local {
                if is_case {
                    c.case = None;
                }
                if is_purpose {
                    c.purpose = None;
                }
            }
            &mut session.set
        };
        if is_case {
            target.case = value.clone();
        }
        if is_purpose {
            target.purpose = value;
        }
    }
}

/// The case in force for a statement in transaction `vxid`, and where it came from.
/// `consume`: the statement is not the one that made the setting (`set_config` in a
/// SELECT holds for the statements after it).
fn carried_now(
    session: &mut Session,
    vxid: Option<&str>,
    consume: bool,
) -> Option<(Carried, &'static str)> {
    let local = match &session.local {
        Some((v, c)) if v.is_none() || v.as_deref() == vxid => c.clone(),
        _ => Carried::default(),
    };
    // Without transaction ids in the log (stderr without %v), a SET LOCAL cannot be
    // scoped to its transaction. It is taken for the next statement only, so that it never
    // explains a lookup made after its transaction ended (nor after a ROLLBACK).
    if consume && matches!(&session.local, Some((None, _))) {
        session.local = None;
    }
    let set = &session.set;
    let carried = Carried {
        case: local.case.clone().or_else(|| set.case.clone()),
        purpose: local.purpose.clone().or_else(|| set.purpose.clone()),
    };
    if carried.case.is_none() && carried.purpose.is_none() {
        return None;
    }
    let from_local = local.case.is_some() || (carried.case.is_none() && local.purpose.is_some());
    Some((carried, if from_local { "set_local" } else { "set" }))
}

/// Notes on an event how its subjects were found: the names no column map resolved
/// (`subject_unresolved`), and `subject_method` (`sql`, or `literal_scan` with its
/// `subject_scan_reason`, counted in `literal_scans`).
pub(crate) fn note_method<'a>(
    x: &mut Map<String, Value>,
    statements: impl IntoIterator<Item = &'a StatementFacts>,
    method: &Method,
    literal_scans: &mut u64,
) {
    let unresolved: Vec<&String> = statements.into_iter().flat_map(|f| &f.unresolved).collect();
    if !unresolved.is_empty() {
        x.insert("subject_unresolved".into(), json!(unresolved));
    }
    match method {
        Method::Parsed => {
            x.insert("subject_method".into(), json!("sql"));
        }
        Method::LiteralScan { reason } => {
            *literal_scans += 1;
            x.insert("subject_method".into(), json!("literal_scan"));
            x.insert("subject_scan_reason".into(), json!(reason));
        }
    }
}

pub(crate) fn first_tag(tags: &[(String, String)], keys: &[String]) -> Option<String> {
    keys.iter().find_map(|k| {
        tags.iter()
            .find(|(t, v)| t == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    })
}

/// One event per person searched for; a statement naming nobody is still one event.
pub(crate) fn emit_per_candidate(base: Event, candidates: &[Candidate], out: &mut Vec<Event>) {
    if candidates.len() <= 1 {
        let mut ev = base;
        if let Some(c) = candidates.first() {
            fill_subject(&mut ev, c);
        }
        out.push(ev);
        return;
    }
    for (i, c) in candidates.iter().enumerate() {
        let mut ev = base.clone();
        ev.id = format!("{}/{}", base.id, i + 1).into();
        ev.extra
            .insert("people_in_statement".into(), json!(candidates.len()));
        fill_subject(&mut ev, c);
        out.push(ev);
    }
}

/// Exact values become the subject; patterns (`LIKE 'SMI%'`) are kept as evidence only,
/// since a pattern is not a name and must not match one.
fn fill_subject(ev: &mut Event, c: &Candidate) {
    let mut patterns = Map::new();
    let mut matched = Vec::new();
    for cr in &c.criteria {
        matched.push(json!({
            "column": cr.column,
            "field": cr.field.as_str(),
            "value": cr.value,
            "op": format!("{:?}", cr.op).to_lowercase(),
            "wildcard": cr.wildcard,
        }));
        if cr.wildcard {
            patterns.insert(cr.field.as_str().into(), Value::String(cr.value.clone()));
            continue;
        }
        let value = cr.value.trim();
        if value.is_empty() {
            continue;
        }
        let slot = match cr.field {
            SubjectField::PersonId => &mut ev.subject.person_id,
            SubjectField::LastName => &mut ev.subject.last_name,
            SubjectField::FirstName => &mut ev.subject.first_name,
            SubjectField::Name => &mut ev.subject.name,
            SubjectField::Dob => &mut ev.subject.dob,
            SubjectField::Address => &mut ev.subject.address,
            SubjectField::Phone => &mut ev.subject.phone,
            SubjectField::Plate => &mut ev.subject.plate,
        };
        if slot.is_none() {
            *slot = Some(value.into());
        }
    }
    if !patterns.is_empty() {
        ev.extra
            .insert("subject_patterns".into(), Value::Object(patterns));
    }
    if !matched.is_empty() {
        ev.extra
            .insert("subject_match".into(), Value::Array(matched));
    }
}

fn session_key(rec: &LogRecord) -> Option<String> {
    rec.session_id
        .clone()
        .or_else(|| rec.pid.map(|p| format!("pid:{p}")))
}

/// Failed authentication: SQLSTATE class 28, or (stderr without %e) its messages.
fn is_auth_failure(rec: &LogRecord) -> bool {
    if let Some(c) = &rec.state_code {
        return c.starts_with("28");
    }
    let m = rec.message.as_str();
    m.contains("authentication failed for user")
        || m.starts_with("no pg_hba.conf entry")
        || (m.starts_with("role \"") && m.ends_with("does not exist"))
}

fn word_after(msg: &str, key: &str) -> Option<String> {
    let rest = &msg[msg.find(key)? + key.len()..];
    let w = rest.split(' ').next()?;
    (!w.is_empty()).then(|| w.to_string())
}

fn quoted_after(msg: &str, key: &str) -> Option<String> {
    let rest = &msg[msg.find(key)? + key.len()..];
    let end = rest.find('"')?;
    (end > 0).then(|| rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(session: &str, hour: u32) -> LogRecord {
        LogRecord {
            ts: chrono::DateTime::parse_from_rfc3339(&format!(
                "2026-11-2{}T{:02}:00:00Z",
                3 + hour / 24,
                hour % 24
            ))
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc)),
            user: Some("u".into()),
            session_id: Some(session.into()),
            severity: "LOG".into(),
            message:
                "AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.persons,SELECT 1 FROM persons,<none>,1"
                    .into(),
            ..LogRecord::default()
        }
    }

    #[test]
    fn sessions_whose_end_was_not_logged_are_forgotten_after_a_day() {
        let settings = PgSettings::new(&PgauditConfig::default()).unwrap();
        let mut asm = Assembler::new(Arc::new(settings));
        asm.sweep_at = 3;
        let file: Arc<str> = Arc::from("f");
        let mut out = Vec::new();
        for s in ["a", "b", "c"] {
            asm.record(&file, 1, line(s, 0), &mut out).unwrap();
        }
        assert_eq!(asm.sessions.len(), 3);
        // A new session a day and more later: the three idle ones go.
        asm.record(&file, 2, line("d", 25), &mut out).unwrap();
        assert_eq!(asm.sessions.len(), 1);
        assert_eq!(asm.sweep_at, MAX_SESSIONS);
        assert_eq!(out.len(), 4);
    }
}
