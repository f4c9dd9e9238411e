//! Per-event resolution: the user's employee record, every person the query matches, and
//! the case context that explains (or fails to explain) the lookup.
//!
//! The [`Resolver`] is built once from reference data and is immutable afterwards, so the
//! streaming service can swap in a new one atomically when reference data changes. For each
//! event it produces a [`Resolved`] that every detector reads; detectors never search the
//! reference data themselves, so the work is done once per event.

use rustc_hash::FxHashMap as HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::index::{KnownPerson, Match, NameStats, PersonIndex, Query};
use crate::config::Config;
use crate::event::Event;
use crate::refs::{
    case_key, login_key, Association, Case, CaseSubject, Client, Personnel, RefData, WatchEntry,
};

/// Where a lookup stands with respect to cases. Exactly one applies to each lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CaseStatus {
    /// Not a lookup of a person (login, logout...).
    NotALookup,
    /// The user is assigned to an open case that lists the person looked up.
    Explained { case_id: String },
    /// The purpose, system or action needs no case.
    Exempt { by: String },
    /// No case id given.
    Missing,
    /// The case id is not in the cases table.
    UnknownCase { case_id: String },
    /// The case was not open at the time of the query.
    ClosedCase { case_id: String },
    /// The case exists and is open but the user is not assigned to it.
    NotAssigned { case_id: String },
    /// A valid, assigned case that does not list the person looked up (a cover case).
    SubjectNotInCase { case_id: String },
    /// A valid, assigned case; nothing more can be checked (no subject, or no subject list).
    Valid { case_id: String },
}

impl CaseStatus {
    /// The `no_case` kind for this status, if it is a finding.
    pub fn no_case_kind(&self) -> Option<&'static str> {
        match self {
            CaseStatus::Missing => Some("missing"),
            CaseStatus::UnknownCase { .. } => Some("unknown_case"),
            CaseStatus::ClosedCase { .. } => Some("closed_case"),
            CaseStatus::NotAssigned { .. } => Some("not_assigned"),
            CaseStatus::SubjectNotInCase { .. } => Some("subject_not_in_case"),
            _ => None,
        }
    }

    /// A phrase for reasons: "no case attached", "under case C-7, which does not list this person".
    pub fn phrase(&self) -> String {
        match self {
            CaseStatus::NotALookup => "not a lookup".into(),
            CaseStatus::Explained { case_id } => format!("explained by assigned case {case_id}"),
            CaseStatus::Exempt { by } => format!("exempt ({by})"),
            CaseStatus::Missing => "no case attached".into(),
            CaseStatus::UnknownCase { case_id } => {
                format!("under case {case_id}, which does not exist")
            }
            CaseStatus::ClosedCase { case_id } => {
                format!("under case {case_id}, which was not open at the time")
            }
            CaseStatus::NotAssigned { case_id } => {
                format!("under case {case_id}, to which the user is not assigned")
            }
            CaseStatus::SubjectNotInCase { case_id } => {
                format!("under case {case_id}, which does not list this person")
            }
            CaseStatus::Valid { case_id } => format!("under assigned case {case_id}"),
        }
    }

    /// True when the lookup had no valid case behind it (exempt lookups are not counted).
    pub fn lacks_case(&self) -> bool {
        self.no_case_kind().is_some()
    }
}

/// Everything the detectors need to know about one event.
#[derive(Debug)]
pub struct Resolved<'r> {
    pub is_lookup: bool,
    pub query: Query,
    /// The login's personnel row, when the login is known.
    pub personnel: Option<&'r Personnel>,
    /// Matches against employees (self and coworkers); entries index [`Resolver::employee`].
    pub employees: Vec<Match>,
    /// Matches against associations of the user's own employee valid at the event's time.
    pub associations: Vec<Match>,
    pub watchlist: Vec<Match>,
    pub case: CaseStatus,
}

/// Reference data indexed for resolution.
#[derive(Debug)]
pub struct Resolver {
    pub config: Config,
    by_user: HashMap<String, usize>,
    personnel: Vec<Personnel>,
    /// One entry per employee: their person and the personnel row of their first login.
    employees: PersonIndex,
    employee_rows: Vec<usize>,
    employee_by_id: HashMap<String, u32>,
    associations: Option<(PersonIndex, Vec<Association>)>,
    watchlist: Option<(PersonIndex, Vec<WatchEntry>)>,
    /// Case id -> the people the case is about. Matched per case, not globally: a lookup is
    /// only ever compared with the subjects of the user's own cases and of the case named.
    subjects: Option<HashMap<String, Vec<KnownPerson>>>,
    /// The same people in one index, each entry tagged with its case: which of the user's
    /// cases list a person is then a few hash lookups, not a scan of every subject of every
    /// case the user works (analysts work many cases with many subjects).
    subject_index: Option<(PersonIndex, Vec<String>)>,
    cases: Option<HashMap<String, Case>>,
    /// Case id -> (login or employee id) assignments.
    assignments: Option<HashMap<String, Vec<crate::refs::Assignment>>>,
    /// Login or employee id -> the assignments naming them, so that the cases a user works
    /// at a given time are found without scanning every case.
    by_assignee: HashMap<String, Vec<crate::refs::Assignment>>,
    /// Workstation -> where it is (clients.csv).
    clients: Option<HashMap<String, Client>>,
    names: NameStats,
    non_lookup: Vec<String>,
    exempt_purposes: Vec<String>,
    exempt_systems: Vec<String>,
    exempt_actions: Vec<String>,
    placeholder_case_ids: Vec<String>,
}

/// Purposes and systems compare as upper-case words joined by `_`, so that
/// `traffic stop`, `Traffic-Stop` and `TRAFFIC_STOP` are one purpose.
pub fn code_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_uppercase());
    }
    out
}

fn keys(v: &[String]) -> Vec<String> {
    v.iter().map(|s| code_key(s)).collect()
}

impl Resolver {
    pub fn new(refs: RefData, config: Config) -> Self {
        let mut by_user = HashMap::default();
        let mut employee_people = Vec::new();
        let mut employee_rows = Vec::new();
        let mut employee_by_id: HashMap<String, u32> = HashMap::default();
        for (i, p) in refs.personnel.iter().enumerate() {
            by_user.entry(login_key(&p.user)).or_insert(i);
            if !employee_by_id.contains_key(&p.employee_id) {
                let entry = u32::try_from(employee_people.len()).unwrap_or(u32::MAX);
                employee_by_id.insert(p.employee_id.clone(), entry);
                employee_people.push(KnownPerson::from_fields(&p.person));
                employee_rows.push(i);
            }
        }
        let associations = refs.associations.map(|rows| {
            let people = rows
                .iter()
                .map(|a| KnownPerson::from_fields(&a.person))
                .collect();
            (PersonIndex::build(people), rows)
        });
        let watchlist = refs.watchlist.map(|rows| {
            let people = rows
                .iter()
                .map(|w| KnownPerson::from_fields(&w.person))
                .collect();
            (PersonIndex::build(people), rows)
        });
        let subjects = refs.case_subjects.map(|rows: Vec<CaseSubject>| {
            let mut by_case: HashMap<String, Vec<KnownPerson>> = HashMap::default();
            for s in rows {
                by_case
                    .entry(s.case_id)
                    .or_default()
                    .push(KnownPerson::from_fields(&s.person));
            }
            by_case
        });
        let subject_index = subjects.as_ref().map(|by_case| {
            let mut ids = Vec::new();
            let mut people = Vec::new();
            let mut cases: Vec<&String> = by_case.keys().collect();
            cases.sort_unstable();
            for case in cases {
                for p in by_case.get(case).into_iter().flatten() {
                    ids.push(case.clone());
                    people.push(p.clone());
                }
            }
            (PersonIndex::build(people), ids)
        });
        let cases = refs
            .cases
            .map(|rows| rows.into_iter().map(|c| (c.case_id.clone(), c)).collect());
        let mut by_assignee: HashMap<String, Vec<crate::refs::Assignment>> = HashMap::default();
        for a in refs.assignments.iter().flatten() {
            for who in a.user.iter().chain(a.employee_id.iter()) {
                by_assignee.entry(who.clone()).or_default().push(a.clone());
            }
        }
        let assignments = refs.assignments.map(|rows| {
            let mut m: HashMap<String, Vec<crate::refs::Assignment>> = HashMap::default();
            for a in rows {
                m.entry(a.case_id.clone()).or_default().push(a);
            }
            m
        });
        let clients = refs
            .clients
            .map(|rows| rows.into_iter().map(|c| (c.client.clone(), c)).collect());
        let employees = PersonIndex::build(employee_people);
        let names = NameStats::build(
            employees
                .people()
                .iter()
                .chain(associations.iter().flat_map(|(ix, _)| ix.people()))
                .chain(watchlist.iter().flat_map(|(ix, _)| ix.people()))
                .chain(subjects.iter().flat_map(|m| m.values().flatten())),
        );
        Self {
            by_user,
            personnel: refs.personnel,
            employees,
            employee_rows,
            employee_by_id,
            associations,
            watchlist,
            subjects,
            subject_index,
            cases,
            assignments,
            by_assignee,
            clients,
            names,
            non_lookup: config
                .lookups
                .non_lookup_actions
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            exempt_purposes: keys(&config.no_case.exempt_purposes),
            exempt_systems: keys(&config.no_case.exempt_systems),
            placeholder_case_ids: config
                .no_case
                .placeholder_case_ids
                .iter()
                .map(|c| case_key(c))
                .collect(),
            exempt_actions: config
                .no_case
                .exempt_actions
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            config,
        }
    }

    /// Whether an action is work on records (a lookup or an export) rather than a session
    /// event; the behaviour detectors count only work.
    pub fn is_work_action(&self, action: &str) -> bool {
        !self
            .non_lookup
            .iter()
            .any(|a| a.eq_ignore_ascii_case(action.trim()))
    }

    pub fn has_associations(&self) -> bool {
        self.associations.is_some()
    }

    pub fn has_watchlist(&self) -> bool {
        self.watchlist.is_some()
    }

    pub fn has_clients(&self) -> bool {
        self.clients.is_some()
    }

    /// Where a workstation is, when clients.csv lists it.
    pub fn client(&self, client: &str) -> Option<&Client> {
        self.clients.as_ref()?.get(client)
    }

    /// Every personnel row (one per login).
    pub fn personnel_rows(&self) -> &[Personnel] {
        &self.personnel
    }

    pub fn personnel_for(&self, user: &str) -> Option<&Personnel> {
        self.by_user
            .get(&login_key(user))
            .and_then(|i| self.personnel.get(*i))
    }

    /// The personnel row (first login) of an employee-index entry.
    pub fn employee(&self, entry: u32) -> Option<&Personnel> {
        self.employee_rows
            .get(entry as usize)
            .and_then(|i| self.personnel.get(*i))
    }

    pub fn employee_person(&self, entry: u32) -> Option<&KnownPerson> {
        self.employees.person(entry)
    }

    pub fn employee_entry(&self, employee_id: &str) -> Option<u32> {
        self.employee_by_id.get(employee_id).copied()
    }

    pub fn association(&self, entry: u32) -> Option<(&Association, &KnownPerson)> {
        let (ix, rows) = self.associations.as_ref()?;
        Some((rows.get(entry as usize)?, ix.person(entry)?))
    }

    pub fn watch_entry(&self, entry: u32) -> Option<(&WatchEntry, &KnownPerson)> {
        let (ix, rows) = self.watchlist.as_ref()?;
        Some((rows.get(entry as usize)?, ix.person(entry)?))
    }

    fn is_assigned(
        &self,
        case_id: &str,
        p: Option<&Personnel>,
        user: &str,
        ts: DateTime<Utc>,
    ) -> bool {
        let Some(all) = &self.assignments else {
            return false;
        };
        let user = login_key(user);
        let employee = p.map(|p| login_key(&p.employee_id));
        all.get(case_id).is_some_and(|list| {
            list.iter().any(|a| {
                let who = a.user.as_deref() == Some(user.as_str())
                    || employee.as_deref().is_some_and(|e| {
                        a.employee_id.as_deref() == Some(e) || a.user.as_deref() == Some(e)
                    });
                who && a.valid.contains(ts)
            })
        })
    }

    /// The cases the user is assigned to at `ts` (by login, or by their employee id) that
    /// are open at `ts`.
    fn cases_worked(&self, p: Option<&Personnel>, user: &str, ts: DateTime<Utc>) -> Vec<&str> {
        let mut keys: Vec<String> = vec![login_key(user)];
        if let Some(p) = p {
            let e = login_key(&p.employee_id);
            if e != keys[0] {
                keys.push(e);
            }
        }
        let mut out: Vec<&str> = keys
            .iter()
            .filter_map(|k| self.by_assignee.get(k))
            .flatten()
            .filter(|a| a.valid.contains(ts))
            .map(|a| a.case_id.as_str())
            .filter(|c| self.case_open(c, ts).unwrap_or(true))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the case's subjects include the person the query describes (any grade of
    /// match, a name alone included: the benefit of the doubt goes to the user).
    fn case_lists(&self, case_id: &str, query: &Query) -> bool {
        let cfg = &self.config.identity;
        self.subjects
            .as_ref()
            .and_then(|m| m.get(case_id))
            .is_some_and(|people| {
                people
                    .iter()
                    .any(|p| super::index::grade(query, p, 0, &self.names, cfg).is_some())
            })
    }

    /// Every case whose subjects include the person the query describes (any grade of
    /// match, as [`Resolver::case_lists`]), each once.
    fn cases_listing(&self, query: &Query) -> Vec<&str> {
        let Some((ix, case_of)) = &self.subject_index else {
            return Vec::new();
        };
        let mut found = Vec::new();
        ix.find(query, &self.names, &self.config.identity, &mut found);
        let mut cases: Vec<&str> = found
            .iter()
            .filter_map(|m| case_of.get(m.entry as usize).map(String::as_str))
            .collect();
        cases.sort_unstable();
        cases.dedup();
        cases
    }

    fn case_open(&self, case_id: &str, ts: DateTime<Utc>) -> Option<bool> {
        self.cases
            .as_ref()
            .map(|cases| cases.get(case_id).is_some_and(|c| c.open.contains(ts)))
    }

    /// Resolves one event.
    pub fn resolve(&self, ev: &Event) -> Resolved<'_> {
        let personnel = self.personnel_for(&ev.user);
        let action = ev.action.to_ascii_lowercase();
        // A search that named nobody (an empty form) is not a lookup of a person.
        let is_lookup = !self.non_lookup.contains(&action) && !ev.subject.is_empty();
        let query = if is_lookup {
            Query::from_subject(&ev.subject)
        } else {
            Query::default()
        };
        let cfg = &self.config.identity;
        let mut employees = Vec::new();
        let mut associations = Vec::new();
        let mut watchlist = Vec::new();
        if is_lookup && query.is_identifying() {
            self.employees
                .find(&query, &self.names, cfg, &mut employees);
            if let (Some((ix, rows)), Some(p)) = (&self.associations, personnel) {
                ix.find(&query, &self.names, cfg, &mut associations);
                associations.retain(|m| {
                    rows.get(m.entry as usize)
                        .is_some_and(|a| a.employee_id == p.employee_id && a.valid.contains(ev.ts))
                });
            }
            if let Some((ix, _)) = &self.watchlist {
                ix.find(&query, &self.names, cfg, &mut watchlist);
            }
        }
        let case = self.case_status(ev, is_lookup, &action, &query, personnel);
        Resolved {
            is_lookup,
            query,
            personnel,
            employees,
            associations,
            watchlist,
            case,
        }
    }

    fn case_status(
        &self,
        ev: &Event,
        is_lookup: bool,
        action: &str,
        query: &Query,
        personnel: Option<&Personnel>,
    ) -> CaseStatus {
        if !is_lookup {
            return CaseStatus::NotALookup;
        }
        // Explained first: a lookup of a subject of any case the user works, open at the
        // time, needs nothing more — whatever case id (or none) was typed.
        if self.subjects.is_some() && query.is_identifying() {
            let working = self.cases_worked(personnel, &ev.user, ev.ts);
            if !working.is_empty() {
                let listing = self.cases_listing(query);
                let mut explaining: Vec<&str> = working
                    .into_iter()
                    .filter(|c| listing.contains(c))
                    .collect();
                // Prefer the case the user named, then the lowest id, so the answer is stable.
                explaining.sort_unstable();
                let named = ev.case_id.as_deref().map(case_key);
                if let Some(c) = named
                    .as_deref()
                    .filter(|c| explaining.contains(c))
                    .or(explaining.first().copied())
                {
                    return CaseStatus::Explained {
                        case_id: c.to_string(),
                    };
                }
            }
        }
        if let Some(p) = ev.purpose.as_deref() {
            if self.exempt_purposes.contains(&code_key(p)) {
                return CaseStatus::Exempt {
                    by: format!("purpose {p}"),
                };
            }
        }
        if let Some(s) = ev.system.as_deref() {
            if self.exempt_systems.contains(&code_key(s)) {
                return CaseStatus::Exempt {
                    by: format!("system {s}"),
                };
            }
        }
        if self.exempt_actions.iter().any(|a| a == action) {
            return CaseStatus::Exempt {
                by: format!("action {action}"),
            };
        }
        let Some(typed) = ev.case_id.as_deref() else {
            return CaseStatus::Missing;
        };
        let case_id = case_key(typed);
        if self.placeholder_case_ids.contains(&case_id) {
            return CaseStatus::Missing;
        }
        match self.case_open(&case_id, ev.ts) {
            None => {}
            Some(false) => {
                let known = self
                    .cases
                    .as_ref()
                    .is_some_and(|c| c.contains_key(&case_id));
                return if known {
                    CaseStatus::ClosedCase { case_id }
                } else {
                    CaseStatus::UnknownCase { case_id }
                };
            }
            Some(true) => {}
        }
        if self.assignments.is_some() && !self.is_assigned(&case_id, personnel, &ev.user, ev.ts) {
            return CaseStatus::NotAssigned { case_id };
        }
        let case_lists_subjects = self
            .subjects
            .as_ref()
            .is_some_and(|m| m.contains_key(&case_id));
        if self.config.no_case.check_subjects
            && case_lists_subjects
            && query.is_identifying()
            && !self.case_lists(&case_id, query)
        {
            return CaseStatus::SubjectNotInCase { case_id };
        }
        CaseStatus::Valid { case_id }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Origin, Subject};
    use crate::source::RejectSink;

    fn resolver(files: &[(&str, &str)]) -> Resolver {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).expect("write");
        }
        let refs = RefData::load(dir.path(), &mut RejectSink::counting()).expect("refs");
        Resolver::new(refs, Config::default())
    }

    fn event(ts: &str, user: &str, case: Option<&str>, pid: &str) -> Event {
        Event {
            id: "e".into(),
            ts: crate::source::decode::parse_ts(ts).expect("ts"),
            user: user.into(),
            action: "query".into(),
            system: None,
            session: None,
            client: None,
            ip: None,
            case_id: case.map(str::to_string),
            purpose: None,
            subject: Subject {
                person_id: Some(pid.into()),
                ..Subject::default()
            },
            result_count: None,
            query_text: None,
            extra: serde_json::Map::new(),
            origin: Origin {
                file: "t".into(),
                line: 1,
            },
        }
    }

    const PERSONNEL: (&str, &str) = (
        "personnel.csv",
        "user,employee_id,last_name,first_name\nkit1,E9,Okafor,Kit\nkit2,E9,Okafor,Kit\n",
    );
    const CASES: (&str, &str) = (
        "cases.csv",
        "case_id,status,opened,closed\nK-1,open,2024-01-01,\nK-2,closed,2024-01-01,2024-02-29\n",
    );
    const SUBJECTS: (&str, &str) = ("case_subjects.csv", "case_id,person_id\nK-1,X-1\nK-2,X-2\n");

    #[test]
    fn assignment_by_employee_id_covers_every_login_within_its_dates() {
        let r = resolver(&[
            PERSONNEL,
            CASES,
            SUBJECTS,
            (
                "case_assignments.csv",
                "case_id,employee_id,from,to\nK-1,E9,2024-03-01,2024-03-31\n",
            ),
        ]);
        let ev = event("2024-03-31T23:59:00Z", "kit2", None, "X-1");
        assert_eq!(
            r.resolve(&ev).case,
            CaseStatus::Explained {
                case_id: "K-1".into()
            }
        );
        // The day after the assignment ends, the same lookup has no case.
        let ev = event("2024-04-01T00:00:00Z", "kit2", None, "X-1");
        assert_eq!(r.resolve(&ev).case, CaseStatus::Missing);
        let ev = event("2024-04-01T00:00:00Z", "kit2", Some("K-1"), "X-1");
        assert_eq!(
            r.resolve(&ev).case,
            CaseStatus::NotAssigned {
                case_id: "K-1".into()
            }
        );
    }

    #[test]
    fn a_closed_case_explains_lookups_only_while_it_was_open() {
        let r = resolver(&[
            PERSONNEL,
            CASES,
            SUBJECTS,
            ("case_assignments.csv", "case_id,user,from,to\nK-2,kit1,,\n"),
        ]);
        let open = event("2024-02-29T12:00:00Z", "kit1", Some("K-2"), "X-2");
        assert_eq!(
            r.resolve(&open).case,
            CaseStatus::Explained {
                case_id: "K-2".into()
            }
        );
        let closed = event("2024-03-01T12:00:00Z", "kit1", Some("K-2"), "X-2");
        assert_eq!(
            r.resolve(&closed).case,
            CaseStatus::ClosedCase {
                case_id: "K-2".into()
            }
        );
    }

    #[test]
    fn a_cover_case_does_not_explain_and_an_unknown_case_is_named() {
        let r = resolver(&[
            PERSONNEL,
            CASES,
            SUBJECTS,
            ("case_assignments.csv", "case_id,user,from,to\nK-1,kit1,,\n"),
        ]);
        let cover = event("2024-03-01T12:00:00Z", "kit1", Some("K-1"), "X-2");
        assert_eq!(
            r.resolve(&cover).case,
            CaseStatus::SubjectNotInCase {
                case_id: "K-1".into()
            }
        );
        let unknown = event("2024-03-01T12:00:00Z", "kit1", Some("K-77"), "X-2");
        assert_eq!(
            r.resolve(&unknown).case,
            CaseStatus::UnknownCase {
                case_id: "K-77".into()
            }
        );
    }

    #[test]
    fn case_ids_logins_and_purposes_compare_as_people_type_them() {
        let r = resolver(&[
            PERSONNEL,
            CASES,
            SUBJECTS,
            ("case_assignments.csv", "case_id,user,from,to\nk-1,Kit1,,\n"),
        ]);
        // Lower-case case id, upper-case login: the same case, the same user.
        let ev = event("2024-03-01T12:00:00Z", "KIT1", Some(" k-1 "), "X-1");
        assert_eq!(
            r.resolve(&ev).case,
            CaseStatus::Explained {
                case_id: "K-1".into()
            }
        );
        // A placeholder typed to fill the field is no case at all.
        let ev = event("2024-03-01T12:00:00Z", "kit1", Some("n/a"), "X-9");
        assert_eq!(r.resolve(&ev).case, CaseStatus::Missing);
        // Exempt purposes ignore case, spaces and dashes.
        let mut ev = event("2024-03-01T12:00:00Z", "kit1", None, "X-9");
        ev.purpose = Some("Traffic-stop".into());
        assert!(matches!(r.resolve(&ev).case, CaseStatus::Exempt { .. }));
        assert_eq!(code_key(" traffic  stop "), "TRAFFIC_STOP");
    }
}
