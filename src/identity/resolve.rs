//! Per-event resolution: the user's employee record, every person the query matches, and
//! the case context that explains (or fails to explain) the lookup.
//!
//! The [`Resolver`] is built once from reference data and is immutable afterwards, so the
//! streaming service can swap in a new one atomically when reference data changes. For each
//! event it produces a [`Resolved`] that every detector reads; detectors never search the
//! reference data themselves, so the work is done once per event.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Serialize;

use super::cases::{match_key, Asker, CaseIndex, CaseState, Typed};
use super::criteria;
use super::index::{KnownPerson, Match, NameStats, PersonIndex, Query};
use super::normalize::plate_without_code;
use crate::config::Config;
use crate::event::Event;
use crate::refs::{login_key, login_key_of, Association, Client, Personnel, RefData, WatchEntry};

/// The contract's action for a bulk export (`result_count` rows), which may name nobody.
const BULK_EXPORT: &str = "export";

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
    /// Whether a case of the user's, open and theirs, or an exemption covers a lookup that
    /// no case explains: what [`Resolver::search_case`] calls `Assigned` or `Exempt` (the
    /// two check in the same order), read from the status already made instead of looking
    /// the case up again.
    pub(crate) fn covers_search(&self) -> bool {
        matches!(
            self,
            CaseStatus::Exempt { .. }
                | CaseStatus::Valid { .. }
                | CaseStatus::SubjectNotInCase { .. }
        )
    }

    /// The `no_case` kind for this status, if it is a finding.
    pub(crate) fn no_case_kind(&self) -> Option<&'static str> {
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
    pub(crate) fn phrase(&self) -> String {
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

    /// The case id as compared (the reference data's form when it knows the case), for
    /// grouping: `c-7` and `C-7` are one situation. What was typed stays on the event.
    pub fn case_id(&self) -> Option<&str> {
        match self {
            CaseStatus::Explained { case_id }
            | CaseStatus::UnknownCase { case_id }
            | CaseStatus::ClosedCase { case_id }
            | CaseStatus::NotAssigned { case_id }
            | CaseStatus::SubjectNotInCase { case_id }
            | CaseStatus::Valid { case_id } => Some(case_id),
            _ => None,
        }
    }

    /// True when the lookup had no valid case behind it (exempt lookups are not counted).
    pub(crate) fn lacks_case(&self) -> bool {
        self.no_case_kind().is_some()
    }

    /// The status as two texts, as the alert store records it: the variant's `status` tag
    /// (as in JSON) and its case id or exemption. [`CaseStatus::from_parts`] reverses it.
    pub fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            CaseStatus::NotALookup => ("not_a_lookup", None),
            CaseStatus::Explained { case_id } => ("explained", Some(case_id)),
            CaseStatus::Exempt { by } => ("exempt", Some(by)),
            CaseStatus::Missing => ("missing", None),
            CaseStatus::UnknownCase { case_id } => ("unknown_case", Some(case_id)),
            CaseStatus::ClosedCase { case_id } => ("closed_case", Some(case_id)),
            CaseStatus::NotAssigned { case_id } => ("not_assigned", Some(case_id)),
            CaseStatus::SubjectNotInCase { case_id } => ("subject_not_in_case", Some(case_id)),
            CaseStatus::Valid { case_id } => ("valid", Some(case_id)),
        }
    }

    /// The status [`CaseStatus::parts`] wrote; `None` for a tag it never writes or a
    /// missing case id.
    pub(crate) fn from_parts(status: &str, arg: Option<String>) -> Option<CaseStatus> {
        Some(match status {
            "not_a_lookup" => CaseStatus::NotALookup,
            "missing" => CaseStatus::Missing,
            "explained" => CaseStatus::Explained { case_id: arg? },
            "exempt" => CaseStatus::Exempt { by: arg? },
            "unknown_case" => CaseStatus::UnknownCase { case_id: arg? },
            "closed_case" => CaseStatus::ClosedCase { case_id: arg? },
            "not_assigned" => CaseStatus::NotAssigned { case_id: arg? },
            "subject_not_in_case" => CaseStatus::SubjectNotInCase { case_id: arg? },
            "valid" => CaseStatus::Valid { case_id: arg? },
            _ => return None,
        })
    }
}

/// Everything the detectors need to know about one event.
#[derive(Debug)]
pub struct Resolved<'r> {
    pub is_lookup: bool,
    /// The lookup changes the record (an action of `lookups.write_actions`).
    pub is_write: bool,
    /// What the event typed, normalised; shared with the thread's recent subjects (a
    /// fan-out's events ask the same query of several systems).
    pub query: std::sync::Arc<Query>,
    /// The login's personnel row, when the login is known.
    pub personnel: Option<&'r Personnel>,
    /// Matches against employees (self and coworkers); entries index [`Resolver::employee`].
    pub employees: Vec<Match>,
    /// Matches against associations of the user's own employee valid at the event's time.
    pub associations: Vec<Match>,
    pub watchlist: Vec<Match>,
    /// Matches among the subjects of every case (entries for [`Resolver::case_subject`]):
    /// who the person is when no other table knows them.
    pub subjects: Vec<Match>,
    pub case: CaseStatus,
    /// For a lookup under a case not open at the time (`ClosedCase`) or not the user's
    /// (`NotAssigned`): whether that case lists the person looked up (a records unit's
    /// request, a resident's patient), as against a case typed for someone it does not
    /// list. For exempt work (`Exempt`): whether the case typed was open at the time and
    /// lists the person (a pharmacist verifying an order on the patient's own admission).
    /// Worked out once, where the event is resolved, for the engine's practices, `no_case`
    /// and behaviour history alike.
    pub typed_case_lists: bool,
    /// For a lookup with no case typed (`Missing`): an open case of one of the user's direct
    /// reports (personnel `supervisor`) lists the person, so it may be the supervisor's
    /// review of that case with the number left blank ([`crate::detect`] judges it when the
    /// day ends).
    pub reviews_a_reports_case: bool,
    /// A lookup under a purpose, system or action the agency exempts, whatever its case
    /// status says (a case that explains it comes first there): how much of a login's work
    /// is exempt work ([`crate::detect`]'s routines).
    pub exempt_work: bool,
    /// A lookup of someone no table knows: no employee, association, watch-list entry or
    /// case subject matches what was typed. Under the user's own case that lists others
    /// (`SubjectNotInCase`), whether it is a cover case is judged by the login's practice
    /// when the day ends ([`crate::detect`]'s unlisted strangers).
    pub stranger: bool,
    /// For a case that does not exist (`UnknownCase`), typed as a number not written as
    /// the agency writes its case numbers (a dispatch incident's `C250908-0033` where cases
    /// are `25-500133`) or as a note (`see CAD`), for a person a case the user works lists:
    /// its form ([`super::cases::number_form`]). Whether numbers of that form, or that
    /// note, are another system's reference the agency's staff type routinely, `no_case`
    /// judges by how many logins do.
    pub foreign_number: Option<String>,
    /// For a case that does not exist, typed as a number not written as the agency's (one
    /// with digits; a note is not a number), for someone no table knows (a car at a call, a
    /// caller): the number's form. Whether staff type numbers of that form routinely for
    /// their own cases' people, `no_case` judges by [`Resolved::foreign_number`]'s count.
    pub stranger_number: Option<String>,
}

impl Resolved<'_> {
    /// A lookup of a stranger, typed in full, under the user's own open case that lists
    /// other people: a cover case, or a person the case leaves out (a household member a
    /// parole officer checks), which only the login's practice tells apart.
    pub(crate) fn stranger_not_listed(&self) -> bool {
        self.stranger && matches!(self.case, CaseStatus::SubjectNotInCase { .. })
    }

    /// A lookup under a case not open at the time that lists the person looked up.
    pub(crate) fn closed_case_lists(&self) -> bool {
        self.typed_case_lists && matches!(self.case, CaseStatus::ClosedCase { .. })
    }

    /// A lookup under an existing case the user is not assigned to that lists the person
    /// looked up (someone else's case worked, as a resident works an attending's patients).
    pub(crate) fn not_assigned_lists(&self) -> bool {
        self.typed_case_lists && matches!(self.case, CaseStatus::NotAssigned { .. })
    }

    /// Exempt work typed under a case open at the time that lists the person looked up: the
    /// lookup names the case it serves, and that case is about the person. It is the case's
    /// work by another trade (a pharmacist verifying an order on an admitted colleague's
    /// admission, a technician entering a result, a clerk registering the admission): no
    /// look at a colleague or a listed person, nor an alteration of their record, for
    /// `coworker_lookup` and `watchlist_lookup`, and no attention for behaviour history.
    /// One's own record and one's relatives' are always judged (`self_query` and
    /// `association_lookup` do not ask this).
    pub(crate) fn exempt_under_the_persons_case(&self) -> bool {
        self.typed_case_lists && matches!(self.case, CaseStatus::Exempt { .. })
    }

    /// Whether the person looked up is one of the agency's own, however weakly matched: the
    /// user, a colleague, an associate of the user or a watch-listed person. Such a lookup is
    /// never anyone's routine work under other people's cases.
    pub(crate) fn names_the_agencys_own(&self) -> bool {
        !self.employees.is_empty() || !self.associations.is_empty() || !self.watchlist.is_empty()
    }
}

/// What exempts a lookup from needing a case: the setting (`purpose`, `system`, `action`)
/// and the value the event gave.
#[derive(Clone, Copy)]
struct Exemption<'a> {
    what: &'static str,
    value: &'a str,
}

impl Exemption<'_> {
    /// As the summary and alerts say it: `purpose TRAFFIC_STOP`.
    fn phrase(&self) -> String {
        format!("{} {}", self.what, self.value)
    }
}

/// Reference data indexed for resolution.
#[derive(Debug)]
pub struct Resolver {
    /// Read here for the identity and case settings only (`[identity]`, `[no_case]`); the
    /// detectors and the engine take theirs from the configuration they are given.
    config: Config,
    by_user: HashMap<String, usize>,
    /// The personnel rows an assignment's name may mean: by login and by employee id (both
    /// in [`login_key`] form), so that finding a case holder's rows does not read personnel.
    by_holder: HashMap<String, Vec<usize>>,
    personnel: Vec<Personnel>,
    /// One entry per employee: their person and the personnel row of their first login.
    employees: PersonIndex,
    employee_rows: Vec<usize>,
    associations: Option<(PersonIndex, Vec<Association>)>,
    watchlist: Option<(PersonIndex, Vec<WatchEntry>)>,
    /// Cases, assignments and subjects, indexed so that explaining a lookup costs the same
    /// whatever the agency's case load (see [`super::cases`]).
    cases: CaseIndex,
    /// Supervisor's employee id (`login_key`) -> the personnel rows that name them.
    reports: HashMap<String, Vec<usize>>,
    /// Personnel unit, as the personnel table writes it -> the units whose open cases
    /// hold the people its exempt routine meets ([`CaseIndex::unit_chain`]).
    unit_chains: HashMap<String, Box<[u32]>>,
    /// Personnel unit, as the personnel table writes it -> its number among the cases'
    /// units ([`CaseIndex::unit_number`]), for a case shared by the unit.
    unit_numbers: HashMap<String, u32>,
    /// Personnel unit, as the personnel table writes it -> the records its cases hold
    /// ([`CaseIndex::unit_records`]), for reports on a unit's own work.
    unit_records: HashMap<String, u64>,
    /// Logins of service accounts (`login_key`): rows that name no person.
    service: HashSet<String>,
    /// Every known person id, by the forms people type it in.
    person_ids: super::person_ids::PersonIds,
    /// Workstation -> where it is (clients.csv).
    clients: Option<HashMap<String, Client>>,
    names: NameStats,
    non_lookup: Vec<String>,
    write_actions: Vec<String>,
    exempt_purposes: Vec<String>,
    exempt_systems: Vec<String>,
    exempt_actions: Vec<String>,
    placeholder_case_ids: Vec<String>,
    /// The reference files read ([`crate::refs::fingerprint`]) and a digest of the
    /// settings that decide case status and name statistics: what an audit records with
    /// each event's case status, so a later search can tell whether it still applies.
    fingerprint: String,
    /// Tells this resolver's entries in [`RECENT`] from another's (a reload in `watch`).
    id: u64,
}

/// What a typed subject matches in the reference tables: a function of the subject and of
/// the resolver's tables only (not of the user, the time or the case), kept for the last
/// few subjects on each thread. One typed query fanned out to several systems (records,
/// the state database, the national index) is several events with one subject, close
/// together, and nearly half of a realistic log: they are normalised and searched once.
#[derive(Clone)]
struct Matched {
    query: std::sync::Arc<Query>,
    subjects: Vec<Match>,
    employees: Vec<Match>,
    /// Every association the query matches, anyone's, at any time.
    associations: Vec<Match>,
    watchlist: Vec<Match>,
}

impl Matched {
    /// `query`, before any table is searched for it.
    fn of(query: std::sync::Arc<Query>) -> Self {
        Matched {
            query,
            subjects: Vec::new(),
            employees: Vec::new(),
            associations: Vec::new(),
            watchlist: Vec::new(),
        }
    }

    /// What an event that is no lookup matches: nothing, under one empty query shared by
    /// every such event rather than one allocated for each.
    fn nothing() -> Self {
        static EMPTY: std::sync::OnceLock<std::sync::Arc<Query>> = std::sync::OnceLock::new();
        Self::of(EMPTY.get_or_init(Default::default).clone())
    }
}

/// How many recent subjects each thread keeps: a fan-out's events may have a few of other
/// users' between them.
const RECENT_SUBJECTS: usize = 8;

thread_local! {
    /// (resolver id, subject, what it matched), the most recent last.
    static RECENT: std::cell::RefCell<Vec<(u64, crate::event::Subject, Matched)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Numbers resolvers, for [`RECENT`].
static RESOLVERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A digest of the settings that decide, with the reference data, what [`Resolver::resolve`]
/// answers: which actions are lookups, case exemptions and placeholders, and identity
/// grading.
fn settings_digest(config: &Config) -> String {
    use sha2::{Digest, Sha256};
    let text = serde_json::to_string(&(&config.lookups, &config.no_case, &config.identity))
        .unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("settings {hex}")
}

/// The user's own unit, when a query's `KEY=VALUE` criteria
/// ([`criteria::for_each_key_value`]) name it as a whole value (`UNIT=CAP-SNAP`,
/// `TEAM='cc team 1'`, quotes aside), compared as codes are ([`code_key`]). Words of a
/// free-text query (`EXPORT PERSON RECORDS`) never count, whatever the unit is called.
fn own_unit_scope<'p>(
    query_text: Option<&str>,
    personnel: Option<&'p Personnel>,
) -> Option<&'p str> {
    let unit = personnel?.unit.as_deref()?.trim();
    let key = code_key(unit);
    if key.is_empty() {
        return None;
    }
    let mut named = false;
    criteria::for_each_key_value(query_text?, |_, value| {
        named = named || code_key(value.trim_matches(['\'', '"'])) == key;
    });
    named.then_some(unit)
}

/// Purposes and systems compare as upper-case words joined by `_`, so that
/// `traffic stop`, `Traffic-Stop` and `TRAFFIC_STOP` are one purpose.
pub(crate) fn code_key(s: &str) -> String {
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

/// Whether `s` is `key` as [`code_key`] writes it, compared as it goes: asked of every
/// event's purpose and system against the exempt lists, where writing each out cost an
/// allocation per word.
pub(crate) fn code_key_is(s: &str, key: &str) -> bool {
    if s.is_ascii() {
        // Byte by byte: what nearly every purpose and system is.
        let k = key.as_bytes();
        let (mut at, mut gap, mut started) = (0, false, false);
        for &b in s.as_bytes() {
            if !b.is_ascii_alphanumeric() {
                gap = true;
                continue;
            }
            if gap && started {
                if k.get(at) != Some(&b'_') {
                    return false;
                }
                at += 1;
            }
            if k.get(at) != Some(&b.to_ascii_uppercase()) {
                return false;
            }
            (at, gap, started) = (at + 1, false, true);
        }
        return at == k.len();
    }
    let mut k = key.chars();
    let mut first = true;
    for word in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !first && k.next() != Some('_') {
            return false;
        }
        first = false;
        for c in word.chars().flat_map(char::to_uppercase) {
            if k.next() != Some(c) {
                return false;
            }
        }
    }
    k.next().is_none()
}

fn keys(v: &[String]) -> Vec<String> {
    v.iter().map(|s| code_key(s)).collect()
}

impl Resolver {
    pub fn new(refs: RefData, config: Config) -> Self {
        let mut by_user = HashMap::default();
        let mut by_holder: HashMap<String, Vec<usize>> = HashMap::default();
        let mut employee_people = Vec::new();
        let mut employee_rows = Vec::new();
        // One entry per employee id, however many logins they have.
        let mut employee_ids: HashSet<&str> = HashSet::default();
        for (i, p) in refs.personnel.iter().enumerate() {
            let (login, employee) = (login_key(&p.user), login_key(&p.employee_id));
            by_user.entry(login.clone()).or_insert(i);
            if employee != login {
                by_holder.entry(employee).or_default().push(i);
            }
            by_holder.entry(login).or_default().push(i);
            if employee_ids.insert(&p.employee_id) {
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
        // Who holds each login, for assignments made to one of an employee's logins.
        let holders: HashMap<String, String> = refs
            .personnel
            .iter()
            .filter(|p| !p.employee_id.trim().is_empty())
            .map(|p| (login_key(&p.user), login_key(&p.employee_id)))
            .collect();
        let mut cases =
            CaseIndex::build(refs.cases, refs.assignments, refs.case_subjects, &holders);
        // Who each assignee is, as one number per employee (the first row of their employee
        // id), however many logins assignments name them by.
        cases.count_teams(|name| {
            let &row = by_holder.get(name)?.first()?;
            let p = refs.personnel.get(row)?;
            Some(
                by_holder
                    .get(&login_key(&p.employee_id))
                    .and_then(|rows| rows.first().copied())
                    .unwrap_or(row),
            )
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
                .chain(cases.subject_people().iter()),
        );
        // Each unit once: a unit's records are summed over all its cases, and hundreds of
        // its members name it.
        let units: std::collections::BTreeSet<&str> = refs
            .personnel
            .iter()
            .filter_map(|p| p.unit.as_deref())
            .collect();
        let unit_chains = units
            .iter()
            .map(|&u| (u.to_string(), cases.unit_chain(u)))
            .filter(|(_, chain)| !chain.is_empty())
            .collect();
        let unit_numbers = units
            .iter()
            .filter_map(|&u| Some((u.to_string(), cases.unit_number(u)?)))
            .collect();
        let unit_records = units
            .iter()
            .map(|&u| (u.to_string(), cases.unit_records(u)))
            .filter(|(_, n)| *n > 0)
            .collect();
        let mut reports: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, p) in refs.personnel.iter().enumerate() {
            if let Some(sup) = p.supervisor.as_deref().filter(|s| !s.trim().is_empty()) {
                reports.entry(login_key(sup)).or_default().push(i);
            }
        }
        let service = crate::refs::service_accounts(&refs.personnel)
            .into_iter()
            .map(|i| login_key(&refs.personnel[i].user))
            .collect();
        let person_ids = super::person_ids::PersonIds::build(
            employees
                .people()
                .iter()
                .chain(associations.iter().flat_map(|(ix, _)| ix.people()))
                .chain(watchlist.iter().flat_map(|(ix, _)| ix.people()))
                .chain(cases.subject_people().iter())
                .flat_map(|p| p.person_ids.iter().map(String::as_str)),
        );
        let fingerprint = format!("{}; {}", refs.fingerprint, settings_digest(&config));
        Self {
            fingerprint,
            id: RESOLVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            by_user,
            by_holder,
            personnel: refs.personnel,
            employees,
            employee_rows,
            associations,
            watchlist,
            cases,
            reports,
            unit_chains,
            unit_numbers,
            unit_records,
            service,
            person_ids,
            clients,
            names,
            non_lookup: config
                .lookups
                .non_lookup_actions
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            write_actions: config
                .lookups
                .write_actions
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            exempt_purposes: keys(&config.no_case.exempt_purposes),
            exempt_systems: keys(&config.no_case.exempt_systems),
            placeholder_case_ids: config
                .no_case
                .placeholder_case_ids
                .iter()
                .map(|c| match_key(c))
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

    /// Which reference files and settings this resolver was built from
    /// (`personnel.csv SIZE MTIME; ...; settings DIGEST`).
    pub(crate) fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether an event is a lookup of a person, as [`Resolver::resolve`] decides it.
    fn is_lookup(&self, ev: &Event, action: &str) -> bool {
        // A search that named nobody (an empty form) is not a lookup of a person.
        !self.non_lookup.iter().any(|a| a == action) && !ev.subject.is_empty()
    }

    /// The query of an event that [`Resolver::resolve`] would call a lookup of a person
    /// that could identify anyone; `None` otherwise. Nothing else is resolved: for a
    /// search that reads each event's case status from where an audit recorded it.
    pub(crate) fn lookup_query(&self, ev: &Event) -> Option<Query> {
        let action = ev.action.to_ascii_lowercase();
        if !self.is_lookup(ev, &action) {
            return None;
        }
        let subject = super::criteria::completed(&ev.subject, ev.query_text.as_deref());
        Some(self.typed_query(&subject)).filter(Query::is_identifying)
    }

    /// Whether an action is work on records (a lookup or an export) rather than a session
    /// event; the behaviour detectors count only work.
    pub(crate) fn is_work_action(&self, action: &str) -> bool {
        !self
            .non_lookup
            .iter()
            .any(|a| a.eq_ignore_ascii_case(action.trim()))
    }

    pub(crate) fn has_associations(&self) -> bool {
        self.associations.is_some()
    }

    /// `[identity]`: how typed names, dates and identifiers are compared (for searches of
    /// the store that match as resolution does, `crate::lookups`).
    pub(crate) fn identity_settings(&self) -> &crate::config::IdentityConfig {
        &self.config.identity
    }

    pub(crate) fn has_watchlist(&self) -> bool {
        self.watchlist.is_some()
    }

    /// Where a workstation is, when clients.csv lists it.
    pub fn client(&self, client: &str) -> Option<&Client> {
        self.clients.as_ref()?.get(client)
    }

    /// Every personnel row (one per login).
    pub(crate) fn personnel_rows(&self) -> &[Personnel] {
        &self.personnel
    }

    /// Whether the login is a service account ([`crate::refs::service_accounts`]): an
    /// interface or a job, whose volume is its own and whose lookups are nobody's
    /// curiosity.
    pub(crate) fn is_service_login(&self, user: &str) -> bool {
        !self.service.is_empty()
            && self
                .service
                .contains(crate::refs::login_key_of(user).as_ref())
    }

    pub(crate) fn personnel_for(&self, user: &str) -> Option<&Personnel> {
        self.by_user
            .get(crate::refs::login_key_of(user).as_ref())
            .and_then(|i| self.personnel.get(*i))
    }

    /// The personnel row (first login) of an employee-index entry.
    pub fn employee(&self, entry: u32) -> Option<&Personnel> {
        self.employee_rows
            .get(entry as usize)
            .and_then(|i| self.personnel.get(*i))
    }

    pub(crate) fn employee_person(&self, entry: u32) -> Option<&KnownPerson> {
        self.employees.person(entry)
    }

    pub fn association(&self, entry: u32) -> Option<(&Association, &KnownPerson)> {
        let (ix, rows) = self.associations.as_ref()?;
        Some((rows.get(entry as usize)?, ix.person(entry)?))
    }

    /// A case subject matched by [`Resolved::subjects`].
    pub(crate) fn case_subject(&self, entry: u32) -> Option<&KnownPerson> {
        self.cases.subject(entry)
    }

    pub(crate) fn watch_entry(&self, entry: u32) -> Option<(&WatchEntry, &KnownPerson)> {
        let (ix, rows) = self.watchlist.as_ref()?;
        Some((rows.get(entry as usize)?, ix.person(entry)?))
    }

    /// How many known people share each name (for grading name-only matches).
    pub fn names(&self) -> &NameStats {
        &self.names
    }

    /// Every reference record (employee, association, watch-list entry, case subject) that
    /// is surely the person `q` describes: the same person id, or the same name (exactly or
    /// by a known nickname) with the same date of birth. Weaker matches are left out: a
    /// shared plate or a bare name must not pull someone else's identifiers into a search.
    pub(crate) fn records_of(&self, q: &Query) -> Vec<KnownPerson> {
        let cfg = &self.config.identity;
        let mut out = Vec::new();
        let mut found = Vec::new();
        self.employees.find(q, &self.names, cfg, &mut found);
        out.extend(
            found
                .drain(..)
                .filter(surely_them)
                .filter_map(|m| self.employees.person(m.entry).cloned()),
        );
        for ix in [
            self.associations.as_ref().map(|(ix, _)| ix),
            self.watchlist.as_ref().map(|(ix, _)| ix),
        ]
        .into_iter()
        .flatten()
        {
            ix.find(q, &self.names, cfg, &mut found);
            out.extend(
                found
                    .drain(..)
                    .filter(surely_them)
                    .filter_map(|m| ix.person(m.entry).cloned()),
            );
        }
        self.cases.subject_matches(q, &self.names, cfg, &mut found);
        out.extend(
            found
                .drain(..)
                .filter(surely_them)
                .filter_map(|m| self.cases.subject(m.entry).cloned()),
        );
        out
    }

    /// Resolves one event.
    pub fn resolve(&self, ev: &Event) -> Resolved<'_> {
        let personnel = self.personnel_for(&ev.user);
        let action = ev.action.to_ascii_lowercase();
        let is_lookup = self.is_lookup(ev, &action);
        let Matched {
            query,
            subjects,
            employees,
            mut associations,
            watchlist,
        } = if is_lookup {
            self.matched(&super::criteria::completed(
                &ev.subject,
                ev.query_text.as_deref(),
            ))
        } else {
            Matched::nothing()
        };
        // Anyone's connection, current or past, is someone the tables know.
        let anyones_association = !associations.is_empty();
        if let Some((_, rows)) = &self.associations {
            associations.retain(|m| {
                let Some(p) = personnel else {
                    return false;
                };
                rows.get(m.entry as usize)
                    .is_some_and(|a| a.employee_id == p.employee_id && a.valid.contains(ev.ts))
            });
        }
        // Whether the person looked up is someone the reference data knows: only then can a
        // case be said not to list them.
        // One the identity detectors judge: a colleague, anyone's associate, a watch-listed
        // person. A weak name that fits one is not read as the person of the user's current
        // calls ([`super::cases::CaseIndex::explaining`]).
        let judged_elsewhere =
            !employees.is_empty() || anyones_association || !watchlist.is_empty();
        let known = judged_elsewhere || !subjects.is_empty();
        let current_work = !judged_elsewhere;
        // A bulk export names nobody, but it is records taken out all the same: the case
        // behind it is checked as a lookup's is (one that does not exist, is not the user's,
        // or none at all); with nobody named there is no subject to find in it. It is the
        // only event that is not a lookup yet has a case status (`no_case` relies on it).
        let bulk_export = !is_lookup && action == BULK_EXPORT && self.is_work_action(&action);
        // Read once: the case status judges by it, and the routines count it as exempt work.
        let exempt = (is_lookup || bulk_export)
            .then(|| self.exemption(ev, &action))
            .flatten();
        let case = self.case_status(
            ev,
            is_lookup || bulk_export,
            &action,
            exempt,
            &query,
            personnel,
            &subjects,
            known,
            current_work,
        );
        let typed_case_lists = match &case {
            CaseStatus::ClosedCase { case_id } | CaseStatus::NotAssigned { case_id } => {
                self.query_lists(case_id, &query)
            }
            CaseStatus::Exempt { .. } => self.open_case_lists(ev, &query),
            _ => false,
        };
        let reviews_a_reports_case = matches!(case, CaseStatus::Missing)
            && query.is_identifying()
            && self
                .reviewed_case(&query, personnel, ev.ts, &subjects)
                .is_some();
        let exempt_work = is_lookup && exempt.is_some();
        // A typed case that names no case and is not written as the agency's: another
        // system's number or a note, whose form `no_case` judges by how many logins type it.
        let foreign = match &case {
            CaseStatus::UnknownCase { .. } => ev
                .case_id
                .as_deref()
                .map(str::trim)
                .filter(|text| !self.cases.in_agency_form(text)),
            _ => None,
        };
        let foreign_number = foreign.filter(|_| query.is_identifying()).and_then(|text| {
            self.foreign_number(text, ev, &query, personnel, &subjects, current_work)
        });
        let stranger_number = foreign
            .filter(|text| is_lookup && !known && text.bytes().any(|b| b.is_ascii_digit()))
            .map(super::cases::number_form);
        Resolved {
            foreign_number,
            stranger_number,
            stranger: is_lookup && !known,
            reviews_a_reports_case,
            exempt_work,
            is_lookup,
            is_write: is_lookup
                && self
                    .write_actions
                    .iter()
                    .any(|w| w.as_str() == action.as_str()),
            query,
            personnel,
            employees,
            associations,
            watchlist,
            subjects,
            case,
            typed_case_lists,
        }
    }

    /// [`Resolved::foreign_number`] of a lookup whose typed case, `text`, does not exist
    /// and is not written as the agency's: its form, when a case the user works explains
    /// the person. A note (`see CAD`) is judged as a number is: by how many logins type it.
    fn foreign_number(
        &self,
        text: &str,
        ev: &Event,
        query: &Query,
        personnel: Option<&Personnel>,
        subjects: &[Match],
        current_work: bool,
    ) -> Option<String> {
        let who = self
            .cases
            .asker(&ev.user, personnel.map(|p| p.employee_id.as_str()));
        self.cases
            .explaining(query, &who, ev.ts, None, subjects, current_work)
            .map(|_| super::cases::number_form(text))
    }

    /// What `subject` matches, from [`RECENT`] when this thread met it lately.
    fn matched(&self, subject: &crate::event::Subject) -> Matched {
        let hit = RECENT.with_borrow(|recent| {
            recent
                .iter()
                .rev()
                .find(|(id, s, _)| *id == self.id && s == subject)
                .map(|(_, _, m)| m.clone())
        });
        if let Some(m) = hit {
            return m;
        }
        let cfg = &self.config.identity;
        let query = self.typed_query(subject);
        let mut m = Matched::of(std::sync::Arc::new(query));
        if m.query.is_identifying() {
            self.cases
                .subject_matches(&m.query, &self.names, cfg, &mut m.subjects);
            self.employees
                .find(&m.query, &self.names, cfg, &mut m.employees);
            if let Some((ix, _)) = &self.associations {
                ix.find(&m.query, &self.names, cfg, &mut m.associations);
            }
            if let Some((ix, _)) = &self.watchlist {
                ix.find(&m.query, &self.names, cfg, &mut m.watchlist);
            }
            if m.query.person_id.is_some() || m.query.dob.is_some() {
                self.drop_contradicted(&mut m);
            }
            if m.query.person_id.is_some() && m.query.name.is_none() {
                self.match_opened_record(&mut m);
            }
            self.match_listed_by_person_id(&mut m);
        }
        RECENT.with_borrow_mut(|recent| {
            if recent.len() >= RECENT_SUBJECTS {
                recent.remove(0);
            }
            recent.push((self.id, subject.clone(), m.clone()));
        });
        m
    }

    /// The query a subject makes, with its identifiers in the forms the tables write: an
    /// id typed without its prefix or separators, a plate typed with a jurisdiction code
    /// the normaliser's list does not know (the agency's own state, "HS MDS6378") when only
    /// the plate without it is one the tables know.
    fn typed_query(&self, subject: &crate::event::Subject) -> Query {
        let mut query = Query::from_subject(subject);
        if let Some(full) = query
            .person_id
            .as_deref()
            .and_then(|id| self.person_ids.canonical(id))
        {
            query.person_id = Some(full.to_string());
        }
        if let (Some(typed), Some(raw)) = (&query.plate, subject.plate.as_deref()) {
            if !self.knows_plate(typed) {
                if let Some(bare) = plate_without_code(raw).filter(|p| self.knows_plate(p)) {
                    query.plate = Some(bare);
                }
            }
        }
        query
    }

    /// Whether any table knows the plate (in [`super::normalize::normalize_plate`]'s form).
    fn knows_plate(&self, plate: &str) -> bool {
        self.cases.knows_plate(plate)
            || self.employees.knows_plate(plate)
            || self
                .associations
                .as_ref()
                .is_some_and(|(ix, _)| ix.knows_plate(plate))
            || self
                .watchlist
                .as_ref()
                .is_some_and(|(ix, _)| ix.knows_plate(plate))
    }

    /// The case subjects who are, by person id, or by name and date of birth where the
    /// case's row gives no id, someone the lookup identified in another table: a colleague
    /// found by the plate personnel gives, whom an internal-affairs case lists with no
    /// plate. One person is one person whichever table gave the identifier; the case that
    /// lists them explains the lookup as it would had the plate been on the case's row.
    /// Only identifying matches carry over (a bare name shared by several people names
    /// none of them), with their own kind and fields.
    fn match_listed_by_person_id(&self, m: &mut Matched) {
        let identified = m
            .employees
            .iter()
            .filter_map(|x| Some((x, self.employees.person(x.entry)?)))
            .chain(m.associations.iter().filter_map(|x| {
                let (ix, _) = self.associations.as_ref()?;
                Some((x, ix.person(x.entry)?))
            }))
            .chain(m.watchlist.iter().filter_map(|x| {
                let (ix, _) = self.watchlist.as_ref()?;
                Some((x, ix.person(x.entry)?))
            }))
            .filter(|(x, _)| x.identifies());
        let mut found: Vec<Match> = Vec::new();
        let mut by_record: Vec<Match> = Vec::new();
        for (x, p) in identified {
            // A case row that gives no id lists them by their name and date of birth (an
            // internal-affairs case naming the respondent as personnel does, with her
            // address and phone but no id): surely them, as a lookup by those would be.
            by_record.clear();
            if p.name.is_some() && p.dob.is_some() {
                self.cases.subject_matches(
                    &Query::from_record(p),
                    &self.names,
                    &self.config.identity,
                    &mut by_record,
                );
            }
            let listed = p
                .person_ids
                .iter()
                .flat_map(|id| self.cases.subjects_with_person_id(id))
                .copied()
                .chain(sure_entries(&by_record));
            for entry in listed {
                let known = m.subjects.iter().chain(&found).any(|y| y.entry == entry);
                if !known {
                    found.push(Match { entry, ..x.clone() });
                }
            }
        }
        m.subjects.extend(found);
    }

    /// For a lookup by person id alone: the employees, associations and watch-list entries
    /// that the record the id opens names, by the same name (exactly or by a known
    /// nickname) and date of birth. Reference rows of a relative or a neighbour often give
    /// no id (an emergency contact, a disclosure); a lookup by the DOC number of the case
    /// subject who is that relative is still a lookup of the relative. The match is by
    /// person id: the id typed is that person's record. Rows found by the id itself are
    /// left as they are.
    fn match_opened_record(&self, m: &mut Matched) {
        let opened: Vec<&KnownPerson> = m
            .subjects
            .iter()
            .filter(|x| x.kind == super::MatchKind::PersonId)
            .filter_map(|x| self.cases.subject(x.entry))
            .filter(|p| p.name.is_some() && p.dob.is_some())
            .collect();
        if opened.is_empty() {
            return;
        }
        let cfg = &self.config.identity;
        let mut found = Vec::new();
        for p in opened {
            let q = Query::from_record(p);
            let lists: [(Option<&PersonIndex>, &mut Vec<Match>); 3] = [
                (Some(&self.employees), &mut m.employees),
                (
                    self.associations.as_ref().map(|(ix, _)| ix),
                    &mut m.associations,
                ),
                (self.watchlist.as_ref().map(|(ix, _)| ix), &mut m.watchlist),
            ];
            for (ix, matches) in lists {
                let Some(ix) = ix else {
                    continue;
                };
                found.clear();
                ix.find(&q, &self.names, cfg, &mut found);
                for mut x in found.drain(..).filter(surely_them) {
                    if matches.iter().any(|y| y.entry == x.entry) {
                        continue;
                    }
                    x.kind = super::MatchKind::PersonId;
                    x.fields = super::index::Fields::of(&["person_id", "name", "dob"]);
                    matches.push(x);
                }
            }
        }
    }

    /// Leaves out the name-only matches of employees, associations and watch-list entries
    /// that the record the lookup opened contradicts. A query by person id, or by name and
    /// date of birth, opens one person's record; the reference data's rows that are surely
    /// that person ([`surely_them`]: a case subject, an employee) say more about them than
    /// was typed. When the name matched is borne by more than one known person, and every
    /// such row disagrees with the listed person on every field both carry (date of birth,
    /// address, phone), the user opened someone else of that name: a caller named
    /// Michelle Smith whose claim lists another phone and home than the employee's
    /// emergency contact Michelle Smith. A row that agrees on any field, or carries none to
    /// compare, leaves the match as it was.
    fn drop_contradicted(&self, m: &mut Matched) {
        // Most lookups have no name-only match of a shared name to judge: nothing to build.
        if m.employees
            .iter()
            .chain(&m.associations)
            .chain(&m.watchlist)
            .all(Match::identifies)
        {
            return;
        }
        let mut linked: Vec<&KnownPerson> = sure_entries(&m.subjects)
            .filter_map(|e| self.cases.subject(e))
            .collect();
        linked.extend(sure_entries(&m.employees).filter_map(|e| self.employees.person(e)));
        if let Some((ix, _)) = &self.associations {
            linked.extend(sure_entries(&m.associations).filter_map(|e| ix.person(e)));
        }
        if let Some((ix, _)) = &self.watchlist {
            linked.extend(sure_entries(&m.watchlist).filter_map(|e| ix.person(e)));
        }
        if linked.is_empty() {
            return;
        }
        let keep = |x: &Match, person: Option<&KnownPerson>| {
            x.identifies() || person.is_none_or(|p| !linked.iter().all(|l| disagrees(p, l)))
        };
        m.employees
            .retain(|x| keep(x, self.employees.person(x.entry)));
        if let Some((ix, _)) = &self.associations {
            m.associations.retain(|x| keep(x, ix.person(x.entry)));
        }
        if let Some((ix, _)) = &self.watchlist {
            m.watchlist.retain(|x| keep(x, ix.person(x.entry)));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn case_status(
        &self,
        ev: &Event,
        is_lookup: bool,
        action: &str,
        exempt: Option<Exemption<'_>>,
        query: &Query,
        personnel: Option<&Personnel>,
        subjects: &[Match],
        known: bool,
        current_work: bool,
    ) -> CaseStatus {
        if !is_lookup {
            return CaseStatus::NotALookup;
        }
        let who = self
            .cases
            .asker(&ev.user, personnel.map(|p| p.employee_id.as_str()));
        let typed = self.typed_case(ev).map(|t| {
            self.cases.settle(t, &who, ev.ts, |c| {
                query.is_identifying()
                    && self
                        .cases
                        .case_lists(c, query, &self.names, &self.config.identity)
            })
        });
        // A typed case that does not exist, was not open or is not the user's is suspect
        // whoever was looked up, and whatever other case of the user's lists the person:
        // the case typed is the justification the record keeps, and a made-up or borrowed
        // one is the finding (with exempt work, only a made-up one: `bad_case`).
        if let Some(t) = typed {
            match self.bad_case(t, &who, ev.ts, self.by_reference(ev, exempt.is_some())) {
                // A supervisor's review of a report's case, of a person it lists.
                Some(CaseStatus::NotAssigned { case_id })
                    if query.is_identifying()
                        && self.reviews(t, personnel, ev.ts)
                        && self
                            .cases
                            .case_lists(t, query, &self.names, &self.config.identity) =>
                {
                    return CaseStatus::Explained { case_id };
                }
                Some(bad) => return bad,
                None => {}
            }
        }
        // Then explained: a lookup of a subject of any case the user works, open at the
        // time, needs nothing more, under the case typed, another of theirs or none.
        if query.is_identifying() {
            if let Some(c) =
                self.cases
                    .explaining(query, &who, ev.ts, typed, subjects, current_work)
            {
                return CaseStatus::Explained {
                    case_id: c.to_string(),
                };
            }
        }
        if let Some(e) = exempt {
            return CaseStatus::Exempt { by: e.phrase() };
        }
        let Some(t) = typed else {
            // A bulk export that names nobody, scoped by its criteria to the user's own
            // unit (`REPORT=UNIT_CASELOAD UNIT=CAP-SNAP`), is a view of the unit's own work:
            // the scope says what a case would. Its size is still `odd_volume`'s to judge.
            if action == BULK_EXPORT && !query.is_identifying() {
                if let Some(unit) = own_unit_scope(ev.query_text.as_deref(), personnel) {
                    return CaseStatus::Exempt {
                        by: format!("a report on the user's own unit {unit}"),
                    };
                }
                // A service account's export is its job's run (a nightly claims file, a
                // wage match): no one asked for it under a case, and its size is judged
                // against its own runs by `odd_volume`.
                if self.is_service_login(&ev.user) {
                    return CaseStatus::Exempt {
                        by: "a service account's run".to_string(),
                    };
                }
            }
            return CaseStatus::Missing;
        };
        let case_id = self.cases.canonical(t);
        // A cover case is one that does not list someone the reference data knows. A plate
        // or an id that no table knows (a car at the scene, a stranger's record) cannot be
        // shown to be someone the case leaves out.
        // A person no table knows, typed in full (a name with the date of birth, or a
        // person id): whom the case lists says whether it is them, read loosely (a subject
        // born that day is them, however the name was typed). A plate or a name alone
        // cannot: a car at the scene, a namesake.
        let stranger =
            !known && ((query.name.is_some() && query.dob.is_some()) || query.person_id.is_some());
        if self.config.no_case.check_subjects
            && (known || (stranger && !self.cases.may_list_stranger(t, query)))
            && self.cases.lists_subjects(t)
            && query.is_identifying()
            && !self
                .cases
                .case_lists(t, query, &self.names, &self.config.identity)
        {
            return CaseStatus::SubjectNotInCase { case_id };
        }
        CaseStatus::Valid { case_id }
    }
}

/// Whether a match says surely who the person is: the same person id, or the same name
/// (exactly or by a known nickname) with the same date of birth. A shared plate or a bare
/// name may be someone else's.
fn surely_them(m: &Match) -> bool {
    m.kind == super::MatchKind::PersonId
        || (m.kind == super::MatchKind::NameDob
            && matches!(m.name_agreement, Some("exact" | "nickname")))
}

/// The entries of the matches that say surely who the person is ([`surely_them`]).
fn sure_entries(ms: &[Match]) -> impl Iterator<Item = u32> + '_ {
    ms.iter().filter(|x| surely_them(x)).map(|x| x.entry)
}

/// Whether two records of people disagree on every field both carry (date of birth, an
/// address, a phone), with at least one to compare: two people, whatever their names.
fn disagrees(a: &KnownPerson, b: &KnownPerson) -> bool {
    let mut compared = false;
    if let (Some(x), Some(y)) = (a.dob, b.dob) {
        if x == y {
            return false;
        }
        compared = true;
    }
    if !a.phones.is_empty() && !b.phones.is_empty() {
        if a.phones.iter().any(|p| b.phones.contains(p)) {
            return false;
        }
        compared = true;
    }
    if !a.addresses.is_empty() && !b.addresses.is_empty() {
        if a.addresses
            .iter()
            .any(|x| b.addresses.iter().any(|y| x.agrees(y)))
        {
            return false;
        }
        compared = true;
    }
    compared
}

/// The case behind a search that may name nobody (a pattern, attributes, a listing), as the
/// `fishing` detector judges it: [`CaseStatus`] is only computed for lookups of a person.
#[derive(Debug)]
pub(crate) enum SearchCase<'r> {
    /// No case typed (or a placeholder).
    None,
    /// The purpose, system or action needs no case.
    Exempt { by: String },
    /// A typed case that does not exist, was not open, or is not the user's: the `no_case`
    /// kind and the case id as compared.
    Invalid { kind: &'static str, case_id: String },
    /// A case the user is assigned to and that is open, with the people it lists.
    Assigned {
        case_id: String,
        subjects: Vec<&'r KnownPerson>,
    },
}

impl Resolver {
    /// A case of the login's own unit (or a unit its name extends), open or recently
    /// closed, that lists the person a lookup no case of the user's explains
    /// ([`CaseIndex::held_by_unit`]); `None` for a login without a unit, or a lookup a case
    /// of the user's explains.
    pub(crate) fn held_by_unit(&self, ev: &Event, r: &Resolved<'_>) -> Option<&str> {
        if matches!(
            r.case,
            CaseStatus::Explained { .. } | CaseStatus::NotALookup
        ) || r.subjects.is_empty()
        {
            return None;
        }
        let unit = r.personnel?.unit.as_deref()?;
        let chain = self.unit_chains.get(unit)?;
        self.cases.held_by_unit(chain, ev.ts, &r.subjects)
    }

    /// For a bulk export that names nobody and is a report on the user's own unit (no case
    /// typed, its criteria naming the unit: `Exempt` by [`own_unit_scope`]), how many
    /// records that unit's cases hold: what such a report can return within its scope.
    pub(crate) fn unit_report_records(&self, ev: &Event, r: &Resolved<'_>) -> Option<u64> {
        if r.is_lookup || !matches!(r.case, CaseStatus::Exempt { .. }) {
            return None;
        }
        own_unit_scope(ev.query_text.as_deref(), r.personnel)?;
        let unit = r.personnel?.unit.as_deref()?;
        self.unit_records.get(unit).copied()
    }

    /// What is wrong with a typed case at `ts`: it does not exist (`UnknownCase`), was not
    /// open (`ClosedCase`), or is not the user's (`NotAssigned`). A case that had not opened
    /// yet and is never the user's is someone else's case typed early: `NotAssigned` says
    /// more than that it was not open.
    fn bad_case(
        &self,
        t: Typed<'_>,
        who: &Asker,
        ts: chrono::DateTime<chrono::Utc>,
        reference: bool,
    ) -> Option<CaseStatus> {
        let checked = self.cases.has_assignments();
        // Written out only for a finding: most typed cases are fine.
        let case_id = || self.cases.canonical(t);
        Some(match self.cases.state(t, ts) {
            CaseState::Unknown => CaseStatus::UnknownCase { case_id: case_id() },
            CaseState::NotYetOpen(_) if checked && !self.cases.ever_assigned(t, who) => {
                CaseStatus::NotAssigned { case_id: case_id() }
            }
            CaseState::Closed(_) | CaseState::NotYetOpen(_) => {
                CaseStatus::ClosedCase { case_id: case_id() }
            }
            // Not the user's, and its closing day already over in UTC: closed work, as it
            // is an hour later (only its holders' late shift is kept open past it).
            CaseState::Open(_)
                if checked
                    && !self.cases.holds(t, who, ts)
                    && self.cases.closing_day_over(t, ts) =>
            {
                CaseStatus::ClosedCase { case_id: case_id() }
            }
            CaseState::Open(_) | CaseState::Unchecked(_)
                if checked && !self.cases.holds(t, who, ts) =>
            {
                CaseStatus::NotAssigned { case_id: case_id() }
            }
            CaseState::Open(_) | CaseState::Unchecked(_) => return None,
        })
        // Work the agency exempts needs no case: a real case typed with it is a reference
        // (the claim a caller reads out to the contact centre), not the justification, but
        // one that does not exist refers to nothing and is made up, whatever the purpose,
        // when it is written as the agency's case numbers are. Another system's number (a
        // port's inspection ticket, a dispatch incident) or a note (`see CAD`) typed in the
        // case field is that work's own reference, not a case.
        .filter(|s| {
            !reference
                || matches!(s, CaseStatus::UnknownCase { .. }) && self.cases.in_agency_form(t.text)
        })
    }

    /// For a lookup under a case the user is not assigned to that lists the person looked
    /// up, when someone in the user's own unit holds the case: the logins of those unit
    /// colleagues the case is assigned to at the time. Should the user work two or more
    /// cases of one of them that day, the lookups are the unit working that colleague's
    /// caseload (coverage of a vacation HR did not record, a night's cross-cover), which the
    /// engine judges when the day ends; empty otherwise, and for a case the user once held.
    pub(crate) fn unit_holders(&self, ev: &Event, r: &Resolved<'_>) -> Vec<String> {
        let CaseStatus::NotAssigned { case_id } = &r.case else {
            return Vec::new();
        };
        let Some(unit) = r.personnel.and_then(|p| p.unit.as_deref()).map(code_key) else {
            return Vec::new();
        };
        if !r.typed_case_lists {
            return Vec::new();
        }
        let t = self.status_case(case_id);
        // A case taken from the user is not a colleague's caseload to them: looked at again
        // after the week of wrapping up, it is raised (`Resolver::held_until_lately`).
        let who = self.asker_of(ev, r);
        if self.cases.ever_assigned(t, &who) {
            return Vec::new();
        }
        let mut logins = Vec::new();
        for name in self.cases.assignees_at(t, ev.ts) {
            let rows = self.by_holder.get(name).map_or(&[][..], Vec::as_slice);
            for p in rows
                .iter()
                .filter_map(|&i| self.personnel.get(i))
                .filter(|p| p.unit.as_deref().map(code_key).as_deref() == Some(unit.as_str()))
            {
                logins.push(login_key(&p.user));
            }
        }
        logins.sort_unstable();
        logins.dedup();
        logins
    }

    /// For a lookup under an open case the user is not assigned to that lists the person
    /// looked up: whether the case is the shared work of the user's own unit, a case of the
    /// unit assigned to [`super::cases::TEAM_CASE`] or more other people
    /// ([`CaseIndex::team_case_of_unit`]). A ward's nurse looks at the patients of the
    /// nurse she relieves for a break, or at yesterday's patient now on a colleague's
    /// assignment: the ward's patients are all its staff's work, whoever holds them that
    /// shift.
    pub(crate) fn team_case_of_unit(&self, ev: &Event, r: &Resolved<'_>) -> bool {
        let CaseStatus::NotAssigned { case_id } = &r.case else {
            return false;
        };
        if !r.typed_case_lists {
            return false;
        }
        let Some(&unit) = r
            .personnel
            .and_then(|p| p.unit.as_deref())
            .and_then(|u| self.unit_numbers.get(u))
        else {
            return false;
        };
        let who = self.asker_of(ev, r);
        let t = self.status_case(case_id);
        self.cases.team_case_of_unit(t, unit, &who, ev.ts)
    }

    /// For a lookup under an existing case the user is not assigned to: whether they held
    /// it until within the week before ([`CaseIndex::held_until_lately`]), a case of a
    /// caseload handed over.
    pub(crate) fn held_until_lately(&self, ev: &Event, r: &Resolved<'_>) -> bool {
        let CaseStatus::NotAssigned { case_id } = &r.case else {
            return false;
        };
        let who = self.asker_of(ev, r);
        let t = self.status_case(case_id);
        self.cases.held_until_lately(t, &who, ev.ts)
    }

    /// For a lookup under a closed case that lists the person: whether the person is a
    /// colleague (no one else of the agency's own: not the user, a relative or a
    /// watch-listed person) and the user was assigned to that very case at some time. A
    /// physician following up a colleague who was their patient is serving the case they
    /// held; a colleague's closed chart opened by someone who never held it is not.
    pub(crate) fn held_colleagues_closed_case(&self, ev: &Event, r: &Resolved<'_>) -> bool {
        let CaseStatus::ClosedCase { case_id } = &r.case else {
            return false;
        };
        let Some(me) = r.personnel else {
            return false;
        };
        let only_colleagues = !r.employees.is_empty()
            && r.associations.is_empty()
            && r.watchlist.is_empty()
            && r.employees.iter().all(|m| {
                self.employee(m.entry)
                    .is_some_and(|e| e.employee_id != me.employee_id)
            });
        if !r.typed_case_lists || !only_colleagues {
            return false;
        }
        self.cases
            .ever_assigned(self.status_case(case_id), &self.asker_of(ev, r))
    }

    /// The case a status names (its id as compared, [`CaseStatus::case_id`]), found again
    /// for a judgement made after the status.
    fn status_case<'c>(&self, case_id: &'c str) -> Typed<'c> {
        self.cases.typed_with_key(case_id, &match_key(case_id))
    }

    /// The user of a lookup as assignments name them: their login or employee id.
    fn asker_of(&self, ev: &Event, r: &Resolved<'_>) -> Asker {
        self.cases
            .asker(&ev.user, r.personnel.map(|p| p.employee_id.as_str()))
    }

    /// For a lookup under a real case that no case of the user's explains yet nothing
    /// says is wrong (`Valid`: a service account's case is only a reference, see
    /// [`Self::by_reference`]): whether that case lists the person looked up.
    pub(crate) fn valid_case_lists(&self, r: &Resolved<'_>) -> bool {
        let CaseStatus::Valid { case_id } = &r.case else {
            return false;
        };
        self.query_lists(case_id, &r.query)
    }

    /// Whether the case typed with the event was open at the time and lists the person an
    /// identifying query names (a bare serial, which only a lookup's context settles, never
    /// does here).
    fn open_case_lists(&self, ev: &Event, query: &Query) -> bool {
        if !query.is_identifying() {
            return false;
        }
        self.typed_case(ev).is_some_and(|t| {
            matches!(self.cases.state(t, ev.ts), CaseState::Open(_))
                && self
                    .cases
                    .case_lists(t, query, &self.names, &self.config.identity)
        })
    }

    /// Whether the case `case_id` (as compared) lists the person an identifying query names.
    fn query_lists(&self, case_id: &str, query: &Query) -> bool {
        if !query.is_identifying() {
            return false;
        }
        let t = self.status_case(case_id);
        self.cases
            .case_lists(t, query, &self.names, &self.config.identity)
    }

    /// Whether a real case typed with the event is only a reference, judged for existence
    /// and not for whose or whether open ([`Self::bad_case`]): with work the agency exempts
    /// (the claim a caller reads out), and from a service account, which no case is ever
    /// assigned to (an ankle-monitor interface names the supervision case of the alert it
    /// relays).
    fn by_reference(&self, ev: &Event, exempt: bool) -> bool {
        exempt || self.is_service_login(&ev.user)
    }

    /// Whether the typed case is assigned at `ts` to someone the user supervises (personnel
    /// `supervisor` names the user's employee id): a supervisor's second-party review of a
    /// report's case, of a person the case lists, is the supervisor's work too. Direct
    /// reports only; a report's case typed for someone it does not list is still borrowed.
    fn reviews(
        &self,
        t: Typed<'_>,
        personnel: Option<&Personnel>,
        ts: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        self.direct_reports(personnel).any(|r| {
            let asker = self.cases.asker(&r.user, Some(r.employee_id.as_str()));
            self.cases.holds(t, &asker, ts)
        })
    }

    /// The open case of a direct report's, at `ts`, that lists the person looked up
    /// ([`CaseIndex::explaining`] for each report, in personnel order): what a supervisor's
    /// lookup with no case typed may review. `found` are the query's matches among case
    /// subjects. `None` at once for a user nobody reports to.
    fn reviewed_case(
        &self,
        query: &Query,
        personnel: Option<&Personnel>,
        ts: chrono::DateTime<chrono::Utc>,
        found: &[Match],
    ) -> Option<&str> {
        if found.is_empty() {
            return None;
        }
        self.direct_reports(personnel).find_map(|r| {
            let asker = self.cases.asker(&r.user, Some(r.employee_id.as_str()));
            self.cases.explaining(query, &asker, ts, None, found, false)
        })
    }

    /// The personnel rows (every login) of those whose `supervisor` is the user's employee
    /// id: none for most users, whose lookups then cost nothing here.
    fn direct_reports<'a>(
        &'a self,
        personnel: Option<&Personnel>,
    ) -> impl Iterator<Item = &'a Personnel> + 'a {
        personnel
            .filter(|p| !p.employee_id.trim().is_empty())
            .and_then(|me| self.reports.get(login_key_of(&me.employee_id).as_ref()))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.personnel.get(i))
    }

    /// What exempts an event from needing a case (`[no_case]` `exempt_purposes`,
    /// `exempt_systems`, `exempt_actions`; `action` in lower case); `None` when nothing
    /// does. Borrowed: the sentence ([`Exemption::phrase`]) is written out only where the
    /// status is `Exempt`, not for every exempt lookup a case then explains.
    fn exemption<'a>(&self, ev: &'a Event, action: &'a str) -> Option<Exemption<'a>> {
        let by = [
            (ev.purpose.as_deref(), &self.exempt_purposes, "purpose"),
            (ev.system.as_deref(), &self.exempt_systems, "system"),
        ];
        for (v, list, what) in by {
            if let Some(v) = v.filter(|v| list.iter().any(|k| code_key_is(v, k))) {
                return Some(Exemption { what, value: v });
            }
        }
        self.exempt_actions
            .iter()
            .any(|a| a == action)
            .then_some(Exemption {
                what: "action",
                value: action,
            })
    }

    /// The case typed with an event, looked up once; `None` when nothing was typed or a
    /// placeholder was (`no_case.placeholder_case_ids`: `N/A`, `PENDING`).
    fn typed_case<'e>(&self, ev: &'e Event) -> Option<Typed<'e>> {
        let text = ev.case_id.as_deref()?;
        let key = match_key(text);
        if self.placeholder_case_ids.contains(&key) {
            return None;
        }
        Some(self.cases.typed_with_key(text, &key))
    }

    /// The case behind a search, checked in the same order as [`CaseStatus`]: a typed case
    /// that is not the user's first (with exempt work, only one that does not exist), then
    /// exemptions, then the case itself.
    pub(crate) fn search_case(&self, ev: &Event) -> SearchCase<'_> {
        let personnel = self.personnel_for(&ev.user);
        let who = self
            .cases
            .asker(&ev.user, personnel.map(|p| p.employee_id.as_str()));
        let typed = self
            .typed_case(ev)
            .map(|t| self.cases.settle(t, &who, ev.ts, |_| false));
        let action = ev.action.to_ascii_lowercase();
        let exempt = self.exemption(ev, &action);
        if let Some(t) = typed {
            let bad = self.bad_case(t, &who, ev.ts, self.by_reference(ev, exempt.is_some()));
            if let Some(kind) = bad.and_then(|s| s.no_case_kind()) {
                return SearchCase::Invalid {
                    kind,
                    case_id: self.cases.canonical(t),
                };
            }
        }
        if let Some(e) = exempt {
            return SearchCase::Exempt { by: e.phrase() };
        }
        match typed {
            None => SearchCase::None,
            Some(t) => SearchCase::Assigned {
                case_id: self.cases.canonical(t),
                subjects: self.cases.subjects_of(t).collect(),
            },
        }
    }
}

#[cfg(test)]
mod code_key_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Comparing as it goes agrees with writing the key out and comparing, whatever
        /// was typed (purposes in any script, any punctuation).
        #[test]
        fn code_key_is_agrees_with_code_key(a in "\\PC{0,16}|[a-zA-Z0-9 _\\-]{0,16}", b in "[a-zA-Z0-9 _\\-ßİ]{0,16}") {
            prop_assert!(code_key_is(&a, &code_key(&a)));
            prop_assert_eq!(code_key_is(&a, &code_key(&b)), code_key(&a) == code_key(&b));
            // The same purpose typed another way (lower case, dashes) mostly has one key.
            let c = a.to_lowercase().replace(' ', "-");
            prop_assert_eq!(code_key_is(&c, &code_key(&a)), code_key(&c) == code_key(&a));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Origin, Subject};
    use crate::source::RejectSink;

    #[test]
    fn a_report_names_the_users_own_unit_only_by_a_whole_value() {
        let p = Personnel {
            user: "sup1".into(),
            employee_id: "E1".into(),
            person: crate::refs::PersonFields::default(),
            unit: Some("Patrol A".into()),
            supervisor: None,
            site: None,
            status: crate::refs::Status::Active,
            end_date: None,
        };
        let scope = |text: &str| own_unit_scope(Some(text), Some(&p));
        assert_eq!(
            scope("REPORT=UNIT_CASELOAD UNIT='PATROL A', TEAM=X"),
            Some("Patrol A")
        );
        assert_eq!(
            scope("REPORT=CALLBACK_QUEUE;TEAM=\"patrol-a\""),
            Some("Patrol A")
        );
        // An unclosed quote is still the value.
        assert_eq!(scope("UNIT='PATROL A"), Some("Patrol A"));
        // Free text naming the unit, another unit, a part of the name: not a scope.
        assert_eq!(scope("EXPORT PATROL A RECORDS"), None);
        assert_eq!(scope("REPORT=UNIT_CASELOAD UNIT=PATROL B"), None);
        assert_eq!(scope("REPORT=UNIT_CASELOAD UNIT=PATROL"), None);
        assert_eq!(own_unit_scope(Some("UNIT=PATROL A"), None), None);
    }

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
            case_id: case.map(Into::into),
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

    /// What a subject matched is kept per thread for the next events that type it (a
    /// fan-out), but only for the resolver that found it: after a reload of reference
    /// data, the same subject is searched again in the new tables.
    #[test]
    fn a_subject_met_again_is_matched_by_the_resolver_at_hand() {
        let assigned = ("case_assignments.csv", "case_id,user,from,to\nK-1,kit1,,\n");
        let before = resolver(&[PERSONNEL, CASES, SUBJECTS, assigned]);
        let after = resolver(&[
            PERSONNEL,
            CASES,
            ("case_subjects.csv", "case_id,person_id\nK-1,X-9\nK-2,X-2\n"),
            assigned,
        ]);
        let ev = event("2024-03-01T12:00:00Z", "kit1", None, "X-1");
        for _ in 0..2 {
            let r = before.resolve(&ev);
            assert_eq!(r.subjects.len(), 1);
            assert_eq!(
                r.case,
                CaseStatus::Explained {
                    case_id: "K-1".into()
                }
            );
            let r = after.resolve(&ev);
            assert!(r.subjects.is_empty());
            assert_eq!(r.case, CaseStatus::Missing);
        }
    }

    /// A records clerk's case is assigned to their main login and they work it under their
    /// second: personnel says both logins are one employee's.
    #[test]
    fn a_case_assigned_to_one_login_covers_the_holders_other_logins() {
        let r = resolver(&[
            PERSONNEL,
            CASES,
            SUBJECTS,
            ("case_assignments.csv", "case_id,user,from,to\nK-1,KIT1,,\n"),
        ]);
        for user in ["kit1", "kit2"] {
            let ev = event("2024-03-01T12:00:00Z", user, Some("k-1"), "X-1");
            assert_eq!(
                r.resolve(&ev).case,
                CaseStatus::Explained {
                    case_id: "K-1".into()
                },
                "{user}"
            );
        }
        // Someone else's login is not covered.
        let other = resolver(&[
            (
                "personnel.csv",
                "user,employee_id,last_name,first_name\nkit1,E9,Okafor,Kit\nkit2,E10,Okafor,Kim\n",
            ),
            CASES,
            SUBJECTS,
            ("case_assignments.csv", "case_id,user,from,to\nK-1,kit1,,\n"),
        ]);
        let ev = event("2024-03-01T12:00:00Z", "kit2", Some("K-1"), "X-1");
        assert_eq!(
            other.resolve(&ev).case,
            CaseStatus::NotAssigned {
                case_id: "K-1".into()
            }
        );
    }

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
        // The evening of the 31st west of UTC is still the 31st: 02:00 UTC on 1 April.
        let ev = event("2024-04-01T02:00:00Z", "kit2", None, "X-1");
        assert!(matches!(r.resolve(&ev).case, CaseStatus::Explained { .. }));
        // Once the 31st has ended everywhere (12:00 UTC), the same lookup has no case.
        let ev = event("2024-04-01T12:00:00Z", "kit2", None, "X-1");
        assert_eq!(r.resolve(&ev).case, CaseStatus::Missing);
        let ev = event("2024-04-01T12:00:00Z", "kit2", Some("K-1"), "X-1");
        assert_eq!(
            r.resolve(&ev).case,
            CaseStatus::NotAssigned {
                case_id: "K-1".into()
            }
        );
        // Typed in the week before it starts: a handover worked before it was keyed
        // (`cases::HANDOVER`); earlier, not the user's.
        let ev = event("2024-02-23T00:00:00Z", "kit2", Some("K-1"), "X-1");
        assert_eq!(
            r.resolve(&ev).case,
            CaseStatus::Valid {
                case_id: "K-1".into()
            }
        );
        let ev = event("2024-02-20T00:00:00Z", "kit2", Some("K-1"), "X-1");
        assert!(matches!(
            r.resolve(&ev).case,
            CaseStatus::NotAssigned { .. }
        ));
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
        for (typed, key) in [
            (" traffic  stop ", "TRAFFIC_STOP"),
            ("Traffic-Stop", "TRAFFIC_STOP"),
            ("TRAFFIC_STOP", "TRAFFIC_STOP"),
            ("straße", "STRASSE"),
            ("", ""),
            ("--", ""),
        ] {
            assert!(code_key_is(typed, key), "{typed}");
            assert_eq!(code_key(typed), key);
        }
        for (typed, key) in [
            ("TRAFFIC", "TRAFFIC_STOP"),
            ("TRAFFIC STOPS", "TRAFFIC_STOP"),
            ("TRAFFICSTOP", "TRAFFIC_STOP"),
            ("TRAFFIC STOP", "TRAFFIC__STOP"),
            ("x", ""),
        ] {
            assert!(!code_key_is(typed, key), "{typed}");
        }
    }
}
