//! "Who looked up this person?": every lookup that resolves to one person, for an
//! investigator who starts from a complaint rather than from an alert.
//!
//! A search names the person by the criteria an investigator has (a person id, a name with
//! or without a date of birth, a plate, a phone, an address). The person is those criteria
//! plus every reference record that is surely them (same person id, or same name and date
//! of birth: [`crate::identity::Resolver::records_of`]), so a search by person id also
//! finds the lookups typed by name, plate or address. Each event is graded against that
//! person with the detectors' own matcher ([`crate::identity::PersonIndex`]): how it
//! matched and how sure, a namesake with another date of birth vetoed as the detectors veto
//! it. Its case status is the detectors' too ([`crate::identity::Resolver::resolve`]).
//!
//! The alert store keeps, per stored event, the normalised identifiers it was typed with
//! ([`event_keys`], table `event_keys`), so a search of the store reads only the events that
//! share an identifier with the person and grades those. The keys are candidates, never
//! answers: the grading decides. It also keeps what the detectors made of each event when
//! it was stored ([`event_facts`]: its case status and how many known people share the name
//! it typed), so that `lookups --db` needs none of the case index ([`stored`]).
//!
//! This module decides nothing about misuse (no alert is raised here) and must not
//! normalise away what was typed: hits carry the subject exactly as searched.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

use crate::event::{format_ts, Event, Origin, Subject};
use crate::identity::{
    CaseStatus, KnownPerson, Match, NameStats, PersonIndex, Query, Resolved, Resolver,
};
use crate::refs::PersonFields;
use crate::store::{EventFacts, Store, StoreError};

mod stored;
pub use stored::{search_recorded, Basis};

#[derive(Debug, Error)]
pub enum LookupError {
    #[error("a search needs at least one of --person-id, --name, --plate, --phone or --address (a date of birth alone identifies nobody)")]
    NoCriteria,
    #[error("{field}: `{value}` is neither a date (YYYY-MM-DD) nor an RFC 3339 time")]
    BadTime { field: &'static str, value: String },
    #[error("--dob: `{0}` is not a date of birth (YYYY-MM-DD, or as the logs type it)")]
    BadDob(String),
    #[error("{}: stored event `{event_id}` cannot be read back: {message}", path.display())]
    Damaged {
        path: std::path::PathBuf,
        event_id: String,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Refs(#[from] crate::refs::RefError),
}

/// One end of a search's period (`None`: open).
type Bound = Option<DateTime<Utc>>;

/// What an investigator searches by. Every field is as typed; normalisation happens in
/// the matcher, as for events.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Criteria {
    /// Empty strings (an empty form field) count as not given.
    pub fn cleaned(mut self) -> Self {
        for f in [
            &mut self.person_id,
            &mut self.name,
            &mut self.dob,
            &mut self.plate,
            &mut self.phone,
            &mut self.address,
            &mut self.from,
            &mut self.to,
        ] {
            if f.as_deref().is_some_and(|s| s.trim().is_empty()) {
                *f = None;
            }
        }
        self
    }

    /// The criteria as one line, for the access log (a search is itself a lookup of a
    /// person, so what was searched is recorded).
    pub(crate) fn describe(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn subject(&self) -> Subject {
        Subject {
            person_id: self.person_id.as_deref().map(Into::into),
            name: self.name.as_deref().map(Into::into),
            dob: self.dob.as_deref().map(Into::into),
            plate: self.plate.as_deref().map(Into::into),
            phone: self.phone.as_deref().map(Into::into),
            address: self.address.as_deref().map(Into::into),
            ..Subject::default()
        }
    }

    fn bounds(&self) -> Result<(Bound, Bound), LookupError> {
        let parse = |field: &'static str, v: &Option<String>, end: bool| {
            v.as_deref()
                .map(|s| {
                    crate::refs::parse_bound(s, end).ok_or_else(|| LookupError::BadTime {
                        field,
                        value: s.to_string(),
                    })
                })
                .transpose()
        };
        Ok((
            parse("--from", &self.from, false)?,
            parse("--to", &self.to, true)?,
        ))
    }
}

/// The person searched for: the criteria and every reference record surely theirs.
pub struct Target {
    records: PersonIndex,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    /// How each record reads (`SMITH, JANE (DOB 1981-02-03)`); the criteria first.
    pub described_as: Vec<String>,
}

impl Target {
    pub fn new(c: &Criteria, resolver: &Resolver) -> Result<Target, LookupError> {
        Self::with_records(c, |q| resolver.records_of(q))
    }

    /// [`Target::new`] with the reference records surely the person found by `records_of`
    /// (which must answer as [`Resolver::records_of`] does).
    fn with_records(
        c: &Criteria,
        records_of: impl FnOnce(&Query) -> Vec<KnownPerson>,
    ) -> Result<Target, LookupError> {
        let subject = c.subject();
        let q = Query::from_subject(&subject);
        if !q.is_identifying() {
            return Err(LookupError::NoCriteria);
        }
        if c.dob.is_some() && q.dob.is_none() {
            return Err(LookupError::BadDob(c.dob.clone().unwrap_or_default()));
        }
        let (from, to) = c.bounds()?;
        // The criteria as a record of their own: a name split as the matcher splits a
        // typed name, so "Jane Smith" and "SMITH, JANE" search the same person.
        let given = KnownPerson {
            person_ids: q.person_id.iter().cloned().collect(),
            name: q.name.clone(),
            dob: q.dob,
            plates: q.plate.iter().cloned().collect(),
            phones: q.phone.iter().cloned().collect(),
            addresses: q.address.iter().cloned().collect(),
            display: PersonFields {
                person_ids: c.person_id.iter().cloned().collect(),
                last_name: q.name.as_ref().map(|n| n.last.clone()),
                first_name: q.name.as_ref().map(|n| n.first.clone()),
                dob: q.dob.map(|d| d.to_string()),
                ..PersonFields::default()
            }
            .display(),
        };
        let mut records = vec![given];
        records.extend(records_of(&q));
        let mut described_as: Vec<String> = Vec::new();
        for p in &records {
            if !described_as.contains(&p.display) {
                described_as.push(p.display.clone());
            }
        }
        Ok(Target {
            records: PersonIndex::build(records),
            from,
            to,
            described_as,
        })
    }

    /// The store keys that any event matching this person must carry one of.
    pub fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in self.records.people() {
            out.extend(p.person_ids.iter().map(|v| format!("pid:{v}")));
            out.extend(p.plates.iter().map(|v| format!("plate:{v}")));
            out.extend(p.phones.iter().map(|v| format!("phone:{v}")));
            out.extend(p.addresses.iter().map(|a| format!("addr:{}", a.key())));
            out.extend(p.dob.iter().map(|d| format!("dob:{d}")));
            out.extend(p.name.iter().map(|n| format!("sur:{}", n.last)));
        }
        out.sort();
        out.dedup();
        out
    }

    /// Grades one event; `None` when it is not a lookup of this person or falls outside
    /// the period.
    pub fn check(&self, ev: &Event, resolver: &Resolver) -> Option<Hit> {
        if !self.in_period(ev) {
            return None;
        }
        let r = resolver.resolve(ev);
        if !r.is_lookup || !r.query.is_identifying() {
            return None;
        }
        self.hit(ev, resolver, &r.query, r.case, resolver.names())
    }

    fn in_period(&self, ev: &Event) -> bool {
        !(self.from.is_some_and(|f| ev.ts < f) || self.to.is_some_and(|t| ev.ts >= t))
    }

    /// Grades a lookup whose query, case status and name statistics are known.
    /// `resolver` gives the login's personnel row, the workstation's site and the identity
    /// settings only.
    fn hit(
        &self,
        ev: &Event,
        resolver: &Resolver,
        query: &Query,
        case: CaseStatus,
        names: &NameStats,
    ) -> Option<Hit> {
        let mut found = Vec::new();
        self.records
            .find(query, names, resolver.identity_settings(), &mut found);
        let best = crate::detect::strongest(found.iter())?.clone();
        let record = self
            .records
            .person(best.entry)
            .map(|p| p.display.clone())
            .unwrap_or_default();
        let personnel = resolver.personnel_for(&ev.user);
        Some(Hit {
            event_id: ev.id.to_string(),
            ts: format_ts(&ev.ts),
            user: ev.user.to_string(),
            employee_id: personnel.map(|p| p.employee_id.clone()),
            unit: personnel.and_then(|p| p.unit.clone()),
            action: ev.action.to_string(),
            system: ev.system.as_deref().map(str::to_string),
            client: ev.client.as_deref().map(str::to_string),
            ip: ev.ip.as_deref().map(str::to_string),
            site: ev
                .client
                .as_deref()
                .and_then(|c| resolver.client(c))
                .and_then(|c| c.site.clone()),
            case_id: ev.case_id.as_deref().map(str::to_string),
            purpose: ev.purpose.as_deref().map(str::to_string),
            explained: matches!(case, CaseStatus::Explained { .. }),
            case_phrase: case.phrase(),
            case,
            case_from_other_refs: false,
            matched: best,
            matched_record: record,
            searched: ev.subject.clone(),
            result_count: ev.result_count,
            query_text: ev.query_text.as_deref().map(str::to_string),
            event: Value::Object(ev.to_contract_json()),
        })
    }
}

/// One lookup of the person.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub event_id: String,
    pub ts: String,
    pub user: String,
    pub employee_id: Option<String>,
    pub unit: Option<String>,
    pub action: String,
    pub system: Option<String>,
    pub client: Option<String>,
    pub ip: Option<String>,
    /// Where the workstation is (clients.csv).
    pub site: Option<String>,
    /// The case id as typed.
    pub case_id: Option<String>,
    pub purpose: Option<String>,
    /// Whether an assigned open case listing the person explains the lookup.
    pub explained: bool,
    pub case: CaseStatus,
    pub case_phrase: String,
    /// The case status is the one an audit recorded from other reference data or settings
    /// than the search was given ([`Report::notes`] says which).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub case_from_other_refs: bool,
    /// How the lookup matched the person and how sure (the detectors' grading).
    #[serde(rename = "match")]
    pub matched: Match,
    /// Which record of the person it matched (the criteria or a reference row).
    pub matched_record: String,
    /// The subject exactly as typed.
    pub searched: Subject,
    pub result_count: Option<u64>,
    pub query_text: Option<String>,
    /// The whole event as a contract JSON object (for packets).
    #[serde(skip)]
    pub event: Value,
}

/// The lookups of one login.
#[derive(Debug, Clone, Serialize)]
pub struct LoginLookups {
    pub user: String,
    pub employee_id: Option<String>,
    pub unit: Option<String>,
    pub lookups: usize,
    /// Lookups that no assigned case explains.
    pub unexplained: usize,
    pub strongest: f64,
    pub hits: Vec<Hit>,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub criteria: Criteria,
    /// The person as searched: the criteria and the reference records surely theirs.
    pub person: Vec<String>,
    pub lookups: usize,
    /// Logins, those with the most unexplained lookups first.
    pub logins: Vec<LoginLookups>,
    /// What a reader must know about where the answer comes from (case statuses recorded
    /// with other reference data); none in the usual case.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Report {
    pub fn build(criteria: Criteria, target: &Target, mut hits: Vec<Hit>) -> Report {
        hits.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.event_id.cmp(&b.event_id)));
        hits.dedup_by(|a, b| a.event_id == b.event_id);
        let lookups = hits.len();
        let mut by: BTreeMap<String, Vec<Hit>> = BTreeMap::new();
        for h in hits {
            by.entry(crate::refs::login_key(&h.user))
                .or_default()
                .push(h);
        }
        let mut logins: Vec<LoginLookups> = by
            .into_values()
            .filter_map(|hits| {
                let first = hits.first()?;
                Some(LoginLookups {
                    user: first.user.clone(),
                    employee_id: first.employee_id.clone(),
                    unit: first.unit.clone(),
                    lookups: hits.len(),
                    unexplained: hits.iter().filter(|h| !h.explained).count(),
                    strongest: hits.iter().map(|h| h.matched.strength).fold(0.0, f64::max),
                    hits,
                })
            })
            .collect();
        logins.sort_by(|a, b| {
            b.unexplained
                .cmp(&a.unexplained)
                .then_with(|| b.lookups.cmp(&a.lookups))
                .then_with(|| a.user.cmp(&b.user))
        });
        Report {
            criteria,
            person: target.described_as.clone(),
            lookups,
            logins,
            notes: Vec::new(),
        }
    }

    /// A readable table: one block per login, one line per lookup.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(s, "Lookups of {}", self.person.join(" = "));
        let _ = writeln!(
            s,
            "{} lookups by {} logins.",
            self.lookups,
            self.logins.len()
        );
        for n in &self.notes {
            let _ = writeln!(s, "Note: {n}");
        }
        for l in &self.logins {
            let _ = writeln!(
                s,
                "\n{} (employee {}, unit {}): {} lookups, {} not explained by a case",
                l.user,
                l.employee_id.as_deref().unwrap_or("?"),
                l.unit.as_deref().unwrap_or("?"),
                l.lookups,
                l.unexplained
            );
            let _ = writeln!(
                s,
                "  {:<20} {:<10} {:<8} {:<20} {:<5} {:<30} {:<10} CASE",
                "WHEN", "ACTION", "SYSTEM", "MATCH", "SURE", "SEARCHED", "FROM"
            );
            for h in &l.hits {
                let how = match h.matched.name_agreement {
                    Some(a) if a != "exact" => format!("{} ({a})", h.matched.kind.as_str()),
                    _ => h.matched.kind.as_str().to_string(),
                };
                let from = h
                    .client
                    .as_deref()
                    .or(h.ip.as_deref())
                    .unwrap_or("-")
                    .to_string();
                let mark = if h.case_from_other_refs { " (*)" } else { "" };
                let _ = writeln!(
                    s,
                    "  {:<20} {:<10} {:<8} {:<20} {:<5.2} {:<30} {:<10} {}{mark}",
                    h.ts,
                    h.action,
                    h.system.as_deref().unwrap_or("-"),
                    how,
                    h.matched.strength,
                    searched_text(&h.searched),
                    from,
                    h.case_phrase,
                );
            }
        }
        s
    }
}

/// The subject as typed, in one short cell.
pub(crate) fn searched_text(s: &Subject) -> String {
    let name = match (&s.last_name, &s.first_name, &s.name) {
        (Some(l), Some(f), _) => Some(format!("{l}, {f}")),
        (Some(l), None, _) => Some(l.to_string()),
        (None, Some(f), _) => Some(f.to_string()),
        (None, None, n) => n.as_deref().map(str::to_string),
    };
    [
        s.person_id.as_deref().map(str::to_string),
        name,
        s.dob.as_deref().map(str::to_string),
        s.plate.as_ref().map(|p| format!("plate {p}")),
        s.phone.as_ref().map(|p| format!("phone {p}")),
        s.address.as_deref().map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// The identifiers an event was typed with, normalised as the matcher normalises them:
/// what the store indexes so a search reads only candidate events. A name gives its
/// surname in both readings (typed and swapped), so nickname, initial and order variants
/// share a key; a misspelt surname is found through the date of birth or another
/// identifier, which is also the only way the matcher accepts it.
pub fn event_keys(ev: &Event) -> Vec<String> {
    let subject = crate::identity::criteria::completed(&ev.subject, ev.query_text.as_deref());
    query_keys(&Query::from_subject(&subject))
}

/// [`event_keys`] of an event resolution has already read: a lookup's query is the one
/// [`event_keys`] would build, so it is not built twice (the batch audit computes the keys
/// of every event it stores on its worker threads).
pub(crate) fn resolved_event_keys(ev: &Event, r: &Resolved<'_>) -> Vec<String> {
    if r.is_lookup {
        query_keys(&r.query)
    } else {
        event_keys(ev)
    }
}

fn query_keys(q: &Query) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(q.person_id.iter().map(|v| format!("pid:{v}")));
    out.extend(q.plate.iter().map(|v| format!("plate:{v}")));
    out.extend(q.phone.iter().map(|v| format!("phone:{v}")));
    out.extend(q.address.iter().map(|a| format!("addr:{}", a.key())));
    out.extend(q.dob.iter().map(|d| format!("dob:{d}")));
    out.extend(
        q.name
            .iter()
            .chain(q.swapped.iter())
            .map(|n| format!("sur:{}", n.last)),
    );
    out.sort();
    out.dedup();
    out
}

/// What a search of the store will need again of an event the detectors resolved: its
/// case status and, for a lookup with a name, how many known people share the name (the
/// divisor of a name-only match). Computed from what resolution already made, when the
/// event is stored (`audit --db`, `watch`).
pub(crate) fn event_facts(resolver: &Resolver, r: &Resolved<'_>) -> EventFacts {
    let (case_status, case_ref) = r.case.parts();
    EventFacts {
        case_status,
        case_ref: case_ref.map(str::to_string),
        name_sharing: if r.is_lookup {
            r.query.name.as_ref().map(|n| resolver.names().sharing(n))
        } else {
            None
        },
    }
}

/// Reads a stored contract JSON event back.
pub(crate) fn stored_event(store: &Store, id: &str, json: &str) -> Result<Event, LookupError> {
    let damaged = |message: String| LookupError::Damaged {
        path: store.path().to_path_buf(),
        event_id: id.to_string(),
        message,
    };
    let v: Value = serde_json::from_str(json).map_err(|e| damaged(e.to_string()))?;
    let Value::Object(map) = v else {
        return Err(damaged("not a JSON object".into()));
    };
    crate::source::decode::decode_record(
        crate::source::decode::fields_from_map(map),
        Origin {
            file: "store".into(),
            line: 0,
        },
    )
    .map_err(|e| damaged(e.to_string()))
}

/// Indexes the stored events not indexed yet (every writer's: `audit --db`, `watch`), in
/// chunks of one transaction each. Returns how many were indexed.
pub fn index_store(store: &mut Store) -> Result<u64, LookupError> {
    const CHUNK: usize = 20_000;
    let mut total = 0;
    loop {
        let rows = store.unindexed_events(CHUNK)?;
        let Some(upto) = rows.last().map(|r| r.0) else {
            return Ok(total);
        };
        let mut keyed = Vec::with_capacity(rows.len());
        for (_, id, json) in &rows {
            let ev = stored_event(store, id, json)?;
            keyed.push((id.clone(), event_keys(&ev)));
        }
        store.put_event_keys(&keyed, upto)?;
        total += rows.len() as u64;
    }
}

/// Searches the store: indexes what is new, then grades only the candidate events.
pub(crate) fn search_store(
    store: &mut Store,
    resolver: &Resolver,
    criteria: Criteria,
) -> Result<Report, LookupError> {
    let target = Target::new(&criteria, resolver)?;
    index_store(store)?;
    let mut hits = Vec::new();
    for e in store.events_with_keys(&target.keys())? {
        let ev = stored_event(store, &e.id, &e.json)?;
        if let Some(h) = target.check(&ev, resolver) {
            hits.push(h);
        }
    }
    Ok(Report::build(criteria, &target, hits))
}
