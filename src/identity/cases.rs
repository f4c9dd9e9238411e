//! The case tables indexed to answer "which of this user's cases, open now, lists the
//! person looked up?" at a cost that does not grow with the agency's case load.
//!
//! A patrol officer collects about a thousand incident cases in two months, most of the
//! assignments open-ended; a detective's case lists dozens of people; a common surname is
//! borne by thousands of case subjects. So the question is answered from the smaller side:
//!
//! * the people matched by the query (a few hash lookups in the subject index) lead to
//!   their cases, and each is checked against that case's own short assignment list and
//!   open interval — the user's thousand cases are never walked;
//! * a weak name (surname only, or an initial) is compared only with the subjects of the
//!   case typed with it: a surname is no evidence that any other of the user's cases is
//!   the reason.
//!
//! Case ids are compared by [`CaseIndex::canonical`]: letters and digits only, upper-cased,
//! so `c-2024-001234`, `C 2024 001234` and `C2024001234` are one case; an id typed without
//! its letter prefix (`2024-001234`) is found when only one case has those digits. The case
//! id as typed stays with the event as evidence.
//!
//! What this module must not do: grade identity (that is [`super::index`]) or decide what a
//! status means for an alert (that is the `no_case` detector).

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap as HashMap;

use super::index::{
    name_consistent, name_consistent_or_slip, KnownPerson, Match, NameStats, PersonIndex, Query,
};
use super::normalize::name_key;
use crate::config::IdentityConfig;
use crate::refs::{login_key_of, Assignment, Case, CaseSubjects, PersonFields, Validity};

/// How long after a case closes its people are still the unit's own work
/// ([`CaseIndex::held_by_unit`]): a follow-up booked in the weeks after a visit, the first
/// weeks of supervision after a release. Longer would make anyone the unit ever served its
/// own; a lookup under the closed case itself is judged as `closed_case`, not by this.
pub(crate) const RECENTLY_CLOSED_DAYS: i64 = 30;

/// The letters and digits of a case id, upper-cased: how case ids are compared.
pub(crate) fn match_key(s: &str) -> String {
    let mut key = String::with_capacity(s.len());
    push_match_key(s, &mut key);
    key
}

/// [`match_key`] written onto the end of `out`, for a caller that keeps a buffer.
fn push_match_key(s: &str, out: &mut String) {
    out.extend(
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase()),
    );
}

/// The key without its leading letters (`C2024001234` -> `2024001234`), for ids typed
/// without their prefix.
fn bare_key(k: &str) -> &str {
    k.trim_start_matches(|c: char| c.is_ascii_alphabetic())
}

/// The cases that list each subject entry, widened to the cases that list the same person
/// in another row. Case tables describe one person in several rows, more or less
/// completely: an incident report lists someone by name (and perhaps date of birth) before
/// the records system links them to an id; another case has the id, the name and the date
/// of birth. A lookup that finds one of those rows is a lookup of the person all of them
/// describe, and each case that lists them explains it. Two rows are the same person when
/// they share a person id, or when one has no id and its name (as compared exactly) and
/// date of birth, where it gives one, are the other's. The link from a row without an id is
/// not carried further: a `HUNT, ADAM` listed without a birth date may be either of two Adam
/// Hunts with ids, and does not make them one person.
fn linked_cases(people: &[KnownPerson], mut cases: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
    // Rows sharing an id: every one lists the cases of all.
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
    for (e, p) in people.iter().enumerate() {
        for id in &p.person_ids {
            by_id.entry(id.as_str()).or_default().push(e);
        }
        if !p.person_ids.is_empty() {
            if let Some(n) = &p.name {
                by_name.entry(name_key(n)).or_default().push(e);
            }
        }
    }
    let mut extra: Vec<(usize, u32)> = Vec::new();
    for group in by_id.values().filter(|g| g.len() > 1) {
        let union: Vec<u32> = group
            .iter()
            .flat_map(|&e| cases.get(e).into_iter().flatten().copied())
            .collect();
        for &e in group {
            extra.extend(union.iter().map(|&c| (e, c)));
        }
    }
    // Rows without an id: the cases listing them are cases of the people with an id whose
    // name they bear and whose date of birth they do not contradict.
    for (e, p) in people.iter().enumerate() {
        if !p.person_ids.is_empty() {
            continue;
        }
        let Some(bearers) = p.name.as_ref().and_then(|n| by_name.get(&name_key(n))) else {
            continue;
        };
        let listing = cases.get(e).map_or(&[][..], Vec::as_slice);
        for &b in bearers {
            let agrees = match (p.dob, people.get(b).and_then(|q| q.dob)) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
            if agrees {
                extra.extend(listing.iter().map(|&c| (b, c)));
            }
        }
    }
    for (e, c) in extra {
        if let Some(list) = cases.get_mut(e) {
            list.push(c);
        }
    }
    cases
}

/// The id as runs of letters and of digits, each number without its leading zeros, joined
/// by `-`: `C-2024-027657`, `c-2024-27657` and `C 2024 27657` are all `C-2024-27657`.
/// People drop the padding of a case number as readily as its dashes; [`match_key`] keeps
/// the padding (so `C2024027657`, typed without separators, still finds its case) and this
/// key is the second try.
///
/// A year that leads a number is written with two digits: records systems print
/// `SO24-0038042` and people type `2024-38042`, or the other way round. Only a run of four
/// digits from `1900` to `2099` followed by another run of digits counts as a year, so a
/// sequence number (`CV24-2031`) or a number typed without separators (`C2024027657`) is
/// left alone.
fn number_key(s: &str) -> String {
    // Two passes over the runs, with no list of them: the first finds the last run of
    // digits (a year is a year only with a number after it), the second writes the key.
    // Every case id is keyed this way when the index is built, and a typed one per lookup.
    let last_digits = alnum_runs(s)
        .enumerate()
        .filter(|(_, r)| starts_with_digit(r))
        .map(|(i, _)| i)
        .last();
    let mut key = String::with_capacity(s.len());
    for (i, r) in alnum_runs(s).enumerate() {
        if !key.is_empty() {
            key.push('-');
        }
        if !starts_with_digit(r) {
            key.extend(r.chars().map(|c| c.to_ascii_uppercase()));
            continue;
        }
        let year = r.len() == 4
            && (r.starts_with("19") || r.starts_with("20"))
            && last_digits.is_some_and(|l| l > i);
        let r = if year { &r[2..] } else { r };
        let t = r.trim_start_matches('0');
        key.push_str(if t.is_empty() { "0" } else { t });
    }
    key
}

/// A typed number's form: the letters before its digits, then the length of each run of
/// digits (`C250908-0033` -> `C|6|4`); a note's, its letters (`see CAD` -> `SEECAD`). Two
/// numbers of one form come from one system's numbering.
pub(crate) fn number_form(text: &str) -> String {
    let mut form = letters_before_digits(text);
    for run in alnum_runs(text).filter(|r| starts_with_digit(r)) {
        form.push('|');
        form.push_str(&run.len().to_string());
    }
    form
}

fn starts_with_digit(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// The runs of ASCII letters and of ASCII digits in `s`, in order (`C-2024x7` -> `C`,
/// `2024`, `x`, `7`); anything else only separates them.
fn alnum_runs(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < b.len() && !b[at].is_ascii_alphanumeric() {
            at += 1;
        }
        if at >= b.len() {
            return None;
        }
        let start = at;
        let digits = b[at].is_ascii_digit();
        while at < b.len() && b[at].is_ascii_alphanumeric() && b[at].is_ascii_digit() == digits {
            at += 1;
        }
        // The run is ASCII, so cut at character boundaries.
        s.get(start..at)
    })
}

/// A unit's name as compared: upper-case words of letters and digits, one space apart
/// (`Detention-2` and `DETENTION 2` are one unit).
fn unit_key(unit: &str) -> String {
    unit.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Records case `n` under `key` in a map where a key names a case only when one case has it
/// (`None` once a second one does).
fn only_one(map: &mut HashMap<String, Option<u32>>, key: &str, n: u32) {
    map.entry(key.to_string())
        .and_modify(|v| *v = None)
        .or_insert(Some(n));
}

/// A [`number_key`] without its leading run of letters (`C-2024-27657` -> `2024-27657`).
fn bare_number(k: &str) -> &str {
    let rest = k.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    rest.strip_prefix('-').unwrap_or(rest)
}

/// The fewest significant digits of a number typed alone for it to be read as a case's
/// serial ([`CaseIndex::settle`]): a small unit's cases run to two (`97` for a fraud unit's
/// `INV-2025-0097`). A single digit says nothing. Only the context settles a serial (the
/// user's own case at the time, or one that lists the person), so `24` typed to fill the
/// field names no case unless the user holds one numbered 24.
const MIN_SERIAL_DIGITS: usize = 2;

/// How long before an assignment's recorded start its holder's work on the case counts as
/// theirs ([`CaseIndex::holds`]).
pub(crate) const HANDOVER: chrono::Duration = chrono::Duration::days(7);

/// How far back a case assigned to the user counts as one they are working now, for a
/// lookup typed with a surname and an initial and no case that names its person: the calls
/// of this shift and the last ([`CaseIndex::explaining`]).
const CURRENT_WORK: chrono::Duration = chrono::Duration::hours(48);

/// The most cases assigned to a user within [`CURRENT_WORK`] for an initial to be read
/// against them: a patrol officer's two shifts of calls. A caseload handed over in bulk is
/// hundreds, and among hundreds some subject bears almost any surname.
const CURRENT_WORK_MAX_CASES: usize = 60;

/// Who is asking: the login and the employee id, in [`crate::refs::login_key`] form, computed once per
/// event.
pub(crate) struct Asker {
    /// The login's and the employee id's numbers among the index's assignees (`NOBODY` when
    /// no assignment names them): an assignment is matched by comparing numbers, not text.
    ids: [u32; 2],
}

/// An assignee number that no assignment has.
const NOBODY: u32 = u32::MAX;

/// A unit number that no unit has.
const NO_UNIT: u32 = u32::MAX;

/// How many people other than the user must have been assigned a case of the user's unit
/// for it to be the unit's shared work ([`CaseIndex::team_case_of_unit`]): a ward's
/// patient, whose nurses and physicians change every shift, is assigned to five people
/// within days; a patrol officer's or an investigator's case is one or two people's, three
/// or four with a partner and a supervisor.
pub(crate) const TEAM_CASE: u16 = 5;

impl Asker {
    fn is(&self, who: u32) -> bool {
        who != NOBODY && (who == self.ids[0] || who == self.ids[1])
    }
}

/// One case: its id as the cases table writes it, when it was open, who worked it when.
#[derive(Debug, Default)]
struct CaseEntry {
    id: String,
    /// `None` when the cases table does not list it (an id only assignments or subjects name).
    open: Option<Validity>,
    /// (login or employee id as an assignee number, when) — short per case.
    assigned: Vec<(u32, Validity)>,
    /// Entries of the subject index.
    subjects: Vec<u32>,
    /// The case's unit as a unit number (`NO_UNIT` when the cases table names none).
    unit: u32,
    /// How many people it was ever assigned to, for a case of a unit
    /// ([`CaseIndex::count_teams`]): a ward's inpatient, cared for shift after shift by
    /// nurses, physicians, residents and a case manager, has many; an investigator's case one
    /// or two.
    team: u16,
    /// The cases table gave the closing day without a time ([`Self::open`] lasts until
    /// that day has ended everywhere; [`CaseIndex::closing_day_over`]).
    closed_on_a_day: bool,
}

/// Cases, assignments and subjects, indexed by case number.
#[derive(Debug, Default)]
pub(crate) struct CaseIndex {
    entries: Vec<CaseEntry>,
    by_key: HashMap<String, u32>,
    /// Bare key -> the one case with it, or `None` when several share it.
    by_bare: HashMap<String, Option<u32>>,
    /// [`number_key`] and [`bare_number`] -> the one case with it, or `None` when several
    /// share it (then the typed id names neither).
    by_number: HashMap<String, Option<u32>>,
    by_bare_number: HashMap<String, Option<u32>>,
    /// A case id's last run of digits without its padding (`PP-2024-001858` -> `1858`) ->
    /// an index into `serial_cases`: the serial people type alone for the case they work.
    serials: HashMap<String, u32>,
    /// The cases sharing each serial, ascending.
    serial_cases: Vec<Vec<u32>>,
    subjects: PersonIndex,
    /// Subject entry -> the cases that list that person. A person in many incidents is one
    /// entry, graded once per lookup, however many cases list them.
    subject_cases: Vec<Vec<u32>>,
    /// Login or employee id (as assignments write them) -> assignee number.
    assignees: HashMap<String, u32>,
    /// Assignee number -> the login or employee id it stands for.
    assignee_names: Vec<String>,
    /// Assignee number -> the cases assigned to them, ascending: with `subject_cases`
    /// (ascending too), the two sides a lookup's explanation is the intersection of.
    by_assignee: Vec<Vec<u32>>,
    /// Assignee number -> (the assignment's start in seconds, case number) for each
    /// assignment with a start, in order of start: the cases given to the user lately, found
    /// by binary search whatever their caseload.
    by_assignee_since: Vec<Vec<(i64, u32)>>,
    /// Case number -> its rank in the order of case ids, so the lowest id is found by
    /// comparing numbers.
    rank: Vec<u32>,
    /// Unit as [`unit_key`] writes it -> unit number; unit number -> its cases, ascending.
    units: HashMap<String, u32>,
    by_unit: Vec<Vec<u32>>,
    has_cases: bool,
    has_assignments: bool,
    has_subjects: bool,
    /// [`CaseIndex::entry`]'s buffer for a row's key, while the index is built.
    key_scratch: String,
    /// The letters case ids begin with (`HP`, `CIB`; empty for ids that begin with a
    /// digit): the agency's forms of a case number, which a number of another system's
    /// (an inspection ticket `T250303-0297`, a dispatch incident) does not share.
    prefixes: std::collections::HashSet<String>,
}

/// A case id as typed, with the case it names (looked up once by [`CaseIndex::typed`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Typed<'t> {
    pub text: &'t str,
    case: Option<u32>,
    /// For a bare number no case id reads as on its own (`1858`): the cases whose serial it
    /// is (`PP-2024-001858`, `IN-2020-001858`), as an index into `serial_cases`, until the
    /// lookup's context settles which ([`CaseIndex::settle`]).
    serial: Option<u32>,
}

/// What the case table says about a typed case id at a time.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CaseState<'a> {
    /// The cases table is absent: existence and dates cannot be checked.
    Unchecked(&'a str),
    Unknown,
    Closed(&'a str),
    /// The case exists but was opened after the time asked about.
    NotYetOpen(&'a str),
    Open(&'a str),
}

impl CaseIndex {
    /// The user of an event, as the assignments know them (by login and by employee id).
    pub(crate) fn asker(&self, user: &str, employee_id: Option<&str>) -> Asker {
        let id = |s: &str| {
            self.assignees
                .get(login_key_of(s).as_ref())
                .copied()
                .unwrap_or(NOBODY)
        };
        Asker {
            ids: [id(user), employee_id.map_or(NOBODY, id)],
        }
    }

    /// `holders` maps a login to the employee id of its holder (both in [`crate::refs::login_key`]
    /// form), from personnel: a case assigned to one of an employee's logins is the
    /// employee's, and explains what they look up under their other logins too.
    pub fn build(
        cases: Option<Vec<Case>>,
        assignments: Option<Vec<Assignment>>,
        subjects: Option<CaseSubjects>,
        holders: &HashMap<String, String>,
    ) -> Self {
        let mut ix = CaseIndex {
            has_cases: cases.is_some(),
            has_assignments: assignments.is_some(),
            has_subjects: subjects.is_some(),
            ..CaseIndex::default()
        };
        // Sized once for the cases table's rows: the maps would otherwise rehash (each
        // time into fresh memory) a dozen times on the way to 360,000 cases.
        ix.reserve(cases.as_ref().map_or(0, Vec::len));
        let subjects = subjects.unwrap_or_default();
        // The people the subjects table lists (graded per lookup) and the case numbers of
        // all three tables are independent jobs: the people are built on a thread of their
        // own while this one numbers the cases, so indexing takes the time of the longer
        // job, not of both. Numbers come out as one pass would give them (case entries in
        // table and row order here, person entries in row order there).
        let assignments = assignments.unwrap_or_default();
        let (people, of_fields, row_case) = std::thread::scope(|scope| {
            let people = scope.spawn(|| subject_people(&subjects.people));
            // A unit's name as written -> its number: thousands of cases write each.
            let mut unit_as_written: HashMap<String, Option<u32>> = HashMap::default();
            for c in cases.into_iter().flatten() {
                let n = ix.entry(&c.case_id);
                let first = ix.entries.get(n as usize).is_some_and(|e| e.open.is_none());
                // The first row of a case id wins, as it did before.
                if !first {
                    continue;
                }
                let Some(written) = c.unit.as_deref() else {
                    if let Some(e) = ix.entries.get_mut(n as usize) {
                        e.open = Some(c.open);
                        e.closed_on_a_day = c.closed_on_a_day;
                    }
                    continue;
                };
                let u = match unit_as_written.get(written) {
                    Some(&u) => u,
                    None => {
                        let key = unit_key(written);
                        let u = (!key.is_empty()).then(|| {
                            let next = u32::try_from(ix.units.len()).unwrap_or(u32::MAX);
                            *ix.units.entry(key).or_insert(next)
                        });
                        unit_as_written.insert(written.to_string(), u);
                        u
                    }
                };
                if let Some(e) = ix.entries.get_mut(n as usize) {
                    e.open = Some(c.open);
                    e.closed_on_a_day = c.closed_on_a_day;
                    e.unit = u.unwrap_or(NO_UNIT);
                }
                if let Some(u) = u {
                    if ix.by_unit.len() <= u as usize {
                        ix.by_unit.resize_with(u as usize + 1, Vec::new);
                    }
                    if let Some(list) = ix.by_unit.get_mut(u as usize) {
                        list.push(n);
                    }
                }
            }
            let mut last = None;
            for a in &assignments {
                let n = ix.entry_grouped(&a.case_id, &mut last);
                let holder =
                    a.user.as_ref().and_then(|u| holders.get(u)).filter(|h| {
                        a.employee_id.as_ref() != Some(*h) && a.user.as_ref() != Some(*h)
                    });
                for who in a.user.iter().chain(a.employee_id.iter()).chain(holder) {
                    let id = match ix.assignees.get(who) {
                        Some(&id) => id,
                        None => {
                            let next = u32::try_from(ix.assignees.len()).unwrap_or(NOBODY);
                            ix.assignees.insert(who.clone(), next);
                            ix.assignee_names.push(who.clone());
                            next
                        }
                    };
                    if let Some(e) = ix.entries.get_mut(n as usize) {
                        e.assigned.push((id, a.valid));
                    }
                }
            }
            let mut last = None;
            let row_case: Vec<u32> = subjects
                .rows
                .iter()
                .map(|s| ix.entry_grouped(&s.case_id, &mut last))
                .collect();
            let (people, of_fields) = people
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (people, of_fields, row_case)
        });
        let row_person = subjects.rows.iter().map(|s| {
            of_fields
                .get(s.person as usize)
                .copied()
                .unwrap_or(u32::MAX)
        });
        ix.file_other_keys();
        ix.subject_cases = vec![Vec::new(); people.len()];
        for (&n, entry) in row_case.iter().zip(row_person) {
            if let Some(cases) = ix.subject_cases.get_mut(entry as usize) {
                if cases.last() != Some(&n) {
                    cases.push(n);
                }
            }
            if let Some(e) = ix.entries.get_mut(n as usize) {
                if !e.subjects.contains(&entry) {
                    e.subjects.push(entry);
                }
            }
        }
        ix.subjects = PersonIndex::build(people);
        // Freeing the rows' strings (hundreds of thousands of them) is work nothing waits
        // for: a thread of its own does it (or this one, if no thread can be started).
        let rows = (subjects, assignments);
        let _ = std::thread::Builder::new().spawn(move || drop(rows));
        ix.subject_cases = linked_cases(ix.subjects.people(), ix.subject_cases);
        for cases in ix.by_unit.iter_mut() {
            cases.sort_unstable();
            cases.dedup();
        }
        for cases in &mut ix.subject_cases {
            cases.sort_unstable();
            cases.dedup();
        }
        ix.by_assignee = vec![Vec::new(); ix.assignees.len()];
        ix.by_assignee_since = vec![Vec::new(); ix.assignees.len()];
        for (n, e) in ix.entries.iter().enumerate() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            for (a, valid) in &e.assigned {
                if let Some(list) = ix.by_assignee.get_mut(*a as usize) {
                    if list.last() != Some(&n) {
                        list.push(n);
                    }
                }
                if let (Some(list), Some(start)) =
                    (ix.by_assignee_since.get_mut(*a as usize), valid.start)
                {
                    list.push((start.timestamp(), n));
                }
            }
        }
        for list in &mut ix.by_assignee_since {
            list.sort_unstable();
        }
        let mut order: Vec<u32> =
            (0..u32::try_from(ix.entries.len()).unwrap_or(u32::MAX)).collect();
        order.sort_by(|&a, &b| {
            let id = |n: u32| ix.entries.get(n as usize).map(|e| e.id.as_str());
            id(a).cmp(&id(b))
        });
        ix.rank = vec![0; order.len()];
        for (r, &n) in order.iter().enumerate() {
            if let Some(slot) = ix.rank.get_mut(n as usize) {
                *slot = u32::try_from(r).unwrap_or(u32::MAX);
            }
        }
        ix
    }

    /// [`CaseIndex::entry`] for rows that come grouped by case (assignments and subjects
    /// do): `last` keeps the previous row's id and number, so a case's rows cost one
    /// comparison, not a key and a hash lookup each.
    fn entry_grouped<'a>(&mut self, id: &'a str, last: &mut Option<(&'a str, u32)>) -> u32 {
        match *last {
            Some((prev, n)) if prev == id => n,
            _ => {
                let n = self.entry(id);
                *last = Some((id, n));
                n
            }
        }
    }

    /// Room for `cases` case entries and their whole keys.
    fn reserve(&mut self, cases: usize) {
        self.entries.reserve(cases);
        self.by_key.reserve(cases);
    }

    /// The case number for an id from reference data, created on first sight. Only the
    /// whole key is filed here; the other ways to type the id are filed once every case is
    /// numbered ([`CaseIndex::file_other_keys`]).
    fn entry(&mut self, id: &str) -> u32 {
        // The key is written into a buffer kept for the purpose: most rows name a case
        // already numbered (assignments and subjects name the cases table's), and a lookup
        // then allocates nothing.
        let mut key = std::mem::take(&mut self.key_scratch);
        key.clear();
        push_match_key(id, &mut key);
        let n = match self.by_key.get(key.as_str()) {
            Some(&n) => n,
            None => {
                let n = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.entries.push(CaseEntry {
                    id: id.to_string(),
                    unit: NO_UNIT,
                    ..CaseEntry::default()
                });
                self.by_key.insert(key.clone(), n);
                n
            }
        };
        self.key_scratch = key;
        n
    }

    /// Files every case under the other keys its id may be typed as: without its letters,
    /// as runs of numbers, by its serial, and its letters as one of the agency's forms.
    /// The maps depend only on the cases in number order, so they are built apart, two on
    /// a thread of their own, and come out as filing case by case would make them: of the
    /// index's building, this was the longest part on one thread (a fifth of a second for
    /// 360,000 cases).
    fn file_other_keys(&mut self) {
        let entries = &self.entries;
        let numbered = || {
            entries
                .iter()
                .enumerate()
                .map(|(n, e)| (u32::try_from(n).unwrap_or(u32::MAX), e.id.as_str()))
        };
        let cases = entries.len();
        let ((by_bare, prefixes), (by_number, by_bare_number, serials, serial_cases)) =
            std::thread::scope(|scope| {
                let letters = scope.spawn(move || {
                    let mut by_bare = HashMap::default();
                    by_bare.reserve(cases);
                    let mut prefixes = std::collections::HashSet::new();
                    for (n, id) in numbered() {
                        let key = match_key(id);
                        let bare = bare_key(&key);
                        if !bare.is_empty() {
                            only_one(&mut by_bare, bare, n);
                        }
                        prefixes.insert(letters_before_digits(id));
                    }
                    (by_bare, prefixes)
                });
                let mut by_number = HashMap::default();
                let mut by_bare_number = HashMap::default();
                let mut serials: HashMap<String, u32> = HashMap::default();
                let mut serial_cases: Vec<Vec<u32>> = Vec::new();
                by_number.reserve(cases);
                by_bare_number.reserve(cases);
                serials.reserve(cases);
                serial_cases.reserve(cases);
                for (n, id) in numbered() {
                    let number = number_key(id);
                    let bare = bare_number(&number);
                    if !bare.is_empty() {
                        only_one(&mut by_bare_number, bare, n);
                    }
                    if let Some(serial) = number
                        .rsplit('-')
                        .next()
                        .filter(|r| r.bytes().all(|b| b.is_ascii_digit()))
                    {
                        let next = u32::try_from(serial_cases.len()).unwrap_or(u32::MAX);
                        let at = *serials.entry(serial.to_string()).or_insert(next);
                        if at == next {
                            serial_cases.push(Vec::new());
                        }
                        if let Some(cases) = serial_cases.get_mut(at as usize) {
                            cases.push(n);
                        }
                    }
                    only_one(&mut by_number, &number, n);
                }
                let letters = letters
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (letters, (by_number, by_bare_number, serials, serial_cases))
            });
        self.by_bare = by_bare;
        self.prefixes = prefixes;
        self.by_number = by_number;
        self.by_bare_number = by_bare_number;
        self.serials = serials;
        self.serial_cases = serial_cases;
    }

    pub(crate) fn has_assignments(&self) -> bool {
        self.has_assignments
    }

    /// Every case subject, for name statistics.
    pub(crate) fn subject_people(&self) -> &[KnownPerson] {
        self.subjects.people()
    }

    #[cfg(test)]
    fn typed<'t>(&self, text: &'t str) -> Typed<'t> {
        self.typed_with_key(text, &match_key(text))
    }

    /// Looks a typed case id up, once per event: every question about it below takes the
    /// answer instead of the text. `key` is the text's [`match_key`], which the caller has
    /// made already to tell a placeholder.
    pub(crate) fn typed_with_key<'t>(&self, text: &'t str, key: &str) -> Typed<'t> {
        let case = self.find(text, key);
        // A bare number that is no case's whole id may be a case's serial typed alone; one
        // digit is too few to be one.
        let serial = match case {
            None if key.bytes().all(|b| b.is_ascii_digit()) => {
                let digits = key.trim_start_matches('0');
                (digits.len() >= MIN_SERIAL_DIGITS)
                    .then(|| self.serials.get(digits).copied())
                    .flatten()
            }
            _ => None,
        };
        Typed { text, case, serial }
    }

    /// Which case a serial typed alone names, from the lookup's context: the one the user
    /// was assigned at `ts`, else one that lists the person looked up (`lists`). An officer
    /// types `1858` for their own `PP-2024-001858`; the table's other cases numbered 1858
    /// (another year, another kind of case) are not what they meant. A number the context
    /// does not settle names no case (`999`, `2020` typed to fill the field: the table's
    /// case numbered 999 is not what was meant either). A case id typed whole, or not found
    /// at all, is returned as it was.
    pub(crate) fn settle<'t>(
        &self,
        t: Typed<'t>,
        who: &Asker,
        ts: DateTime<Utc>,
        lists: impl Fn(Typed<'t>) -> bool,
    ) -> Typed<'t> {
        let Some(cases) = t.serial.and_then(|i| self.serial_cases.get(i as usize)) else {
            return t;
        };
        let as_case = |n: u32| Typed {
            case: Some(n),
            serial: None,
            ..t
        };
        let chosen = cases
            .iter()
            .copied()
            .find(|&n| self.assigned_at(n, who, ts))
            .or_else(|| cases.iter().copied().find(|&n| lists(as_case(n))));
        chosen.map_or(t, as_case)
    }

    /// The case a typed id names, if reference data knows it. A prefix is only ever left
    /// out, never swapped: `2024-001234` finds `C-2024-001234`, and `C2024001234` finds
    /// `2024-001234`, but `PT-24-0373` does not find `INV-24-0373`. Numbers may be typed
    /// without their padding (`c-2024-1234`), when one case only reads so.
    fn find(&self, typed: &str, key: &str) -> Option<u32> {
        if let Some(&n) = self.by_key.get(key) {
            return Some(n);
        }
        let bare = bare_key(key);
        let found = if bare.len() == key.len() {
            // Typed without a prefix: the one case whose id is these digits after its prefix.
            self.by_bare.get(bare).copied().flatten()
        } else {
            // Typed with a prefix the table does not write.
            self.by_key.get(bare).copied()
        };
        found.or_else(|| {
            let number = number_key(typed);
            let bare = bare_number(&number);
            if let Some(&n) = self.by_number.get(&number) {
                n
            } else if bare.len() == number.len() {
                self.by_bare_number.get(bare).copied().flatten()
            } else {
                self.by_number.get(bare).copied().flatten()
            }
        })
    }

    fn entry_of(&self, t: Typed<'_>) -> Option<&CaseEntry> {
        t.case.and_then(|n| self.entries.get(n as usize))
    }

    /// How a typed case id should be written in reasons and grouped: the reference data's
    /// form when it knows the case, else the typed id upper-cased and trimmed.
    pub(crate) fn canonical(&self, t: Typed<'_>) -> String {
        match self.entry_of(t) {
            Some(e) => e.id.clone(),
            None => t.text.trim().to_uppercase(),
        }
    }

    /// Whether the typed case exists and was open at `ts`.
    pub fn state(&self, t: Typed<'_>, ts: DateTime<Utc>) -> CaseState<'_> {
        let found = self.entry_of(t);
        if !self.has_cases {
            return CaseState::Unchecked(found.map(|e| e.id.as_str()).unwrap_or(""));
        }
        match found {
            Some(e) => match &e.open {
                Some(v) if v.contains(ts) => CaseState::Open(&e.id),
                Some(v) if v.start.is_some_and(|s| ts < s) => CaseState::NotYetOpen(&e.id),
                Some(_) => CaseState::Closed(&e.id),
                None => CaseState::Unknown,
            },
            None => CaseState::Unknown,
        }
    }

    /// Whether the typed case's closing day, given without a time, had ended in UTC by `ts`:
    /// the case is then open only for the hours its day may still last in the agency's own
    /// zone ([`crate::refs::CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS`]), kept for its holders'
    /// late shift. For anyone else it is closed work (a coder abstracting the visit the
    /// morning after discharge), judged as a lookup under a closed case is.
    pub(crate) fn closing_day_over(&self, t: Typed<'_>, ts: DateTime<Utc>) -> bool {
        self.entry_of(t).is_some_and(|e| {
            e.closed_on_a_day
                && e.open.and_then(|v| v.end).is_some_and(|end| {
                    ts >= end
                        - chrono::Duration::hours(crate::refs::CASE_DAY_ENDS_ANYWHERE_AFTER_HOURS)
                })
        })
    }

    /// Open at `ts`, or closed at most [`RECENTLY_CLOSED_DAYS`] before it.
    fn open_or_recently_closed(&self, n: u32, ts: DateTime<Utc>) -> bool {
        let recent = chrono::Duration::days(RECENTLY_CLOSED_DAYS);
        self.open_at(n, ts)
            || self
                .entries
                .get(n as usize)
                .and_then(|e| e.open.as_ref())
                .is_some_and(|v| {
                    v.start.is_none_or(|s| ts >= s) && v.end.is_some_and(|end| ts - end <= recent)
                })
    }

    fn open_at(&self, n: u32, ts: DateTime<Utc>) -> bool {
        match self.entries.get(n as usize) {
            // Without a cases table a case is taken as open, as assignments alone say.
            Some(e) => !self.has_cases || e.open.as_ref().is_some_and(|v| v.contains(ts)),
            None => false,
        }
    }

    fn assigned_at(&self, n: u32, who: &Asker, ts: DateTime<Utc>) -> bool {
        self.entries.get(n as usize).is_some_and(|e| {
            e.assigned
                .iter()
                .any(|(a, valid)| who.is(*a) && valid.contains(ts))
        })
    }

    /// Who the typed case is assigned to at `ts`: logins and employee ids, in
    /// [`crate::refs::login_key`] form, as the assignments name them.
    pub(crate) fn assignees_at<'a>(
        &'a self,
        t: Typed<'_>,
        ts: DateTime<Utc>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.entry_of(t)
            .into_iter()
            .flat_map(|e| e.assigned.iter())
            .filter(move |(_, valid)| valid.contains(ts))
            .filter_map(|(a, _)| self.assignee_names.get(*a as usize))
            .map(String::as_str)
    }

    /// Whether the typed case is the user's at `ts` for a typed case's sake: assigned then,
    /// or assigned from within [`HANDOVER`] after (a caseload handed over is worked from the
    /// days before the transfer is keyed). Not after an assignment ends: a case taken from
    /// an officer (a conflict, a complaint) is no longer theirs the next day.
    pub(crate) fn holds(&self, t: Typed<'_>, who: &Asker, ts: DateTime<Utc>) -> bool {
        self.entry_of(t).is_some_and(|e| {
            e.assigned.iter().any(|(a, v)| {
                who.is(*a)
                    && (v.contains(ts) || v.start.is_some_and(|s| ts < s && ts + HANDOVER >= s))
            })
        })
    }

    /// Whether an assignment of the typed case to the user ended within [`HANDOVER`] before
    /// `ts` (asked of a case the user does not hold at `ts`): a caseload handed over is
    /// wrapped up, a last report or call, in the days after the transfer is keyed. Whether
    /// that is a caseload or one case taken back is the engine's to judge
    /// ([`crate::detect`]'s wrap-up rule).
    pub(crate) fn held_until_lately(&self, t: Typed<'_>, who: &Asker, ts: DateTime<Utc>) -> bool {
        self.entry_of(t).is_some_and(|e| {
            e.assigned.iter().any(|(a, v)| {
                who.is(*a) && v.end.is_some_and(|end| end <= ts && ts < end + HANDOVER)
            })
        })
    }

    /// Whether the user is assigned to the typed case at any time.
    pub(crate) fn ever_assigned(&self, t: Typed<'_>, who: &Asker) -> bool {
        t.case
            .and_then(|n| self.entries.get(n as usize))
            .is_some_and(|e| e.assigned.iter().any(|(a, _)| who.is(*a)))
    }

    /// Counts, for each case of a unit, the people it was ever assigned to
    /// ([`CaseEntry::team`]). `person` says who an assignee (a login or an employee id, in
    /// [`crate::refs::login_key`] form, as assignments name them) is, as one number per
    /// employee, so that an employee assigned by login and by employee id counts once;
    /// `None` for a name personnel does not know, which counts as its own. Done once, when
    /// the resolver that holds personnel is built; a lookup then reads one number.
    pub(crate) fn count_teams(&mut self, person: impl Fn(&str) -> Option<usize>) {
        // People personnel knows by their number, the others by their assignee number: two
        // spaces that cannot meet.
        let of_assignee: Vec<(bool, usize)> = self
            .assignee_names
            .iter()
            .enumerate()
            .map(|(a, name)| person(name).map_or((false, a), |p| (true, p)))
            .collect();
        let mut people = Vec::new();
        for e in &mut self.entries {
            if e.unit == NO_UNIT {
                continue;
            }
            people.clear();
            people.extend(
                e.assigned
                    .iter()
                    .filter_map(|&(a, _)| of_assignee.get(a as usize).copied()),
            );
            people.sort_unstable();
            people.dedup();
            e.team = u16::try_from(people.len()).unwrap_or(u16::MAX);
        }
    }

    /// A personnel unit's number among the cases' units, when some case names it.
    pub(crate) fn unit_number(&self, unit: &str) -> Option<u32> {
        self.units.get(unit_key(unit).as_str()).copied()
    }

    /// Whether the typed case, open at `ts`, is the shared work of the user's unit (`unit`,
    /// [`CaseIndex::unit_number`]): a case of that unit that [`TEAM_CASE`] or more people
    /// other than the user were assigned, a ward's inpatient rather than one officer's
    /// case.
    pub(crate) fn team_case_of_unit(
        &self,
        t: Typed<'_>,
        unit: u32,
        who: &Asker,
        ts: DateTime<Utc>,
    ) -> bool {
        let Some(e) = self.entry_of(t) else {
            return false;
        };
        if e.unit != unit || !e.open.as_ref().is_some_and(|v| v.contains(ts)) {
            return false;
        }
        // The user's own assignment, if any, was counted among the case's people.
        let user = e.assigned.iter().any(|(a, _)| who.is(*a));
        e.team.saturating_sub(u16::from(user)) >= TEAM_CASE
    }

    /// Whether a typed id that names no case is written as the agency writes its case
    /// numbers: digits, and the letters before them one of its case ids' (an id typed
    /// without its letters counts when some case id has none). A note (`see CAD`, `PRR`) or
    /// another system's number (`T250303-0297` at a port where cases are `HP-…`) is not.
    pub(crate) fn in_agency_form(&self, text: &str) -> bool {
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        self.prefixes.contains(letters_before_digits(text).as_str())
    }

    /// Whether the subject list of the typed case names anyone at all.
    pub(crate) fn lists_subjects(&self, t: Typed<'_>) -> bool {
        self.entry_of(t).is_some_and(|e| !e.subjects.is_empty())
    }

    /// Whether the typed case lists the person the query describes: any graded match, or a
    /// weak name (surname only, an initial), a compound surname typed in part or a name one
    /// typing slip away, that nothing contradicts. Searching a case's subject by surname is
    /// case work.
    pub(crate) fn case_lists(
        &self,
        t: Typed<'_>,
        q: &Query,
        names: &NameStats,
        cfg: &IdentityConfig,
    ) -> bool {
        let Some(e) = self.entry_of(t) else {
            return false;
        };
        e.subjects.iter().any(|&s| {
            self.subjects.person(s).is_some_and(|p| {
                super::index::grade(q, p, s, names, cfg).is_some() || name_consistent_or_slip(q, p)
            })
        }) || self.household_name(e, q)
    }

    /// Whether a stranger's full identifier (one no table knows) could still be someone the
    /// case lists, read loosely: a subject born on the day typed, whatever the name (typed
    /// with slips and nicknames no grade bridges), or, for a person id typed without a
    /// name, a subject the case lists without an id or with one a slip away.
    pub(crate) fn may_list_stranger(&self, t: Typed<'_>, q: &Query) -> bool {
        let Some(e) = self.entry_of(t) else {
            return true;
        };
        let people = || e.subjects.iter().filter_map(|&s| self.subjects.person(s));
        if let Some(dob) = q.dob {
            if people().any(|p| p.dob == Some(dob)) {
                return true;
            }
        }
        if let (Some(id), None) = (&q.person_id, &q.name) {
            // A subject listed without an id, or whose id is a slip away from the one typed.
            return people().any(|p| {
                p.person_ids.is_empty()
                    || p.person_ids
                        .iter()
                        .any(|known| super::normalize::within_one_edit(known, id))
            });
        }
        false
    }

    /// Whether the query names someone the case lists under the household's name: the same
    /// given name and date of birth as a subject, and the surname of another subject of the
    /// same case. A woman the claim lists as `MILLER, JASMINE` is looked up as `SMITH,
    /// JASMINE` once she takes the name of the household the claim is about.
    fn household_name(&self, e: &CaseEntry, q: &Query) -> bool {
        let (Some(n), Some(dob)) = (&q.name, q.dob) else {
            return false;
        };
        let people = || {
            e.subjects
                .iter()
                .filter_map(|&s| self.subjects.person(s))
                .filter_map(|p| p.name.as_ref().map(|name| (p, name)))
        };
        people().any(|(p, name)| {
            p.dob == Some(dob) && name.first_canonical == n.first_canonical && name.last != n.last
        }) && people().any(|(_, name)| name.last == n.last)
    }

    /// Keeps the better of `best` and case `n`: the typed case, else the lowest id, so the
    /// answer does not depend on the order cases were found in.
    fn pick(&self, best: &mut Option<u32>, named: Option<u32>, n: u32) {
        if best.is_some() && *best == named {
            return;
        }
        let rank = |x: u32| self.rank.get(x as usize).copied().unwrap_or(u32::MAX);
        if Some(n) == named || best.is_none_or(|b| rank(n) < rank(b)) {
            *best = Some(n);
        }
    }

    /// Every case subject the query matches (entries for [`CaseIndex::subject`]).
    pub(crate) fn subject_matches(
        &self,
        q: &Query,
        names: &NameStats,
        cfg: &IdentityConfig,
        out: &mut Vec<Match>,
    ) {
        self.subjects.find(q, names, cfg, out);
    }

    /// The case subjects listed under this person id.
    pub(crate) fn subjects_with_person_id(&self, id: &str) -> &[u32] {
        self.subjects.with_person_id(id)
    }

    /// Whether a case lists someone with this plate.
    pub(crate) fn knows_plate(&self, plate: &str) -> bool {
        self.subjects.knows_plate(plate)
    }

    /// A case subject by index entry.
    pub fn subject(&self, entry: u32) -> Option<&KnownPerson> {
        self.subjects.person(entry)
    }

    /// The case, among those the user is assigned to and that are open at `ts`, that lists
    /// the person looked up: the typed one when it qualifies, else the lowest id. `found` are
    /// the query's matches among case subjects ([`CaseIndex::subject_matches`]). With
    /// `current_work`, a surname with an initial that neither `found` nor the case typed
    /// places may still be the person of a case given to the user in the last two days
    /// ([`CURRENT_WORK`]); the caller leaves it off when the name fits someone other
    /// detectors judge (a colleague, an associate, a watch-listed person).
    pub fn explaining(
        &self,
        q: &Query,
        who: &Asker,
        ts: DateTime<Utc>,
        typed: Option<Typed<'_>>,
        found: &[Match],
        current_work: bool,
    ) -> Option<&str> {
        if !self.has_assignments || !self.has_subjects {
            return None;
        }
        let named = typed.and_then(|t| t.case);
        let mut best: Option<u32> = None;
        let active = |n: u32| self.open_at(n, ts) && self.assigned_at(n, who, ts);

        // From the smaller side: the cases that list the person (a common name is in
        // thousands) or the cases the user works (a patrol officer's thousand), the other
        // side searched; the cost never grows with both.
        let mine = who.ids.map(|a| {
            (a != NOBODY)
                .then(|| self.by_assignee.get(a as usize))
                .flatten()
                .map_or(&[][..], Vec::as_slice)
        });
        // Most lookups are typed under the case that lists the person: that answer needs
        // no intersection (the typed case wins over any other).
        if let Some(n) = named.filter(|&n| active(n)) {
            let listed = found.iter().any(|m| {
                self.subject_cases
                    .get(m.entry as usize)
                    .is_some_and(|l| l.binary_search(&n).is_ok())
            });
            if listed {
                return self.entries.get(n as usize).map(|e| e.id.as_str());
            }
        }
        for m in found {
            let Some(listing) = self.subject_cases.get(m.entry as usize) else {
                continue;
            };
            for list in mine {
                each_common(listing, list, |n| {
                    if active(n) {
                        self.pick(&mut best, named, n);
                    }
                });
            }
        }
        // A weak name (a surname alone, an initial) explains a lookup only under the case
        // typed with it: among a detective's hundreds of cases some subject bears almost any
        // common surname, so "one of my cases has a JOHNSON" explains nothing.
        let given = q.name.as_ref().map(|n| n.first.chars().count());
        let weak_name = given.is_some_and(|g| g <= 1);
        if let (None, true, Some(n)) = (best, weak_name, named) {
            let listed = self.entries.get(n as usize).is_some_and(|e| {
                e.subjects.iter().any(|&s| {
                    self.subjects
                        .person(s)
                        .is_some_and(|p| name_consistent(q, p))
                })
            });
            if listed && active(n) {
                best = Some(n);
            }
        }
        // Nor a case typed that names the person: the user's current work, the few cases
        // given to them in the last two days, may, for a surname with an initial. A patrol
        // officer types `SALINAS, T` for the man on the call they are at, under no number
        // or a dispatch number. A surname alone is too weak even there: a sweep of common
        // surnames finds one among any two days' calls.
        let initial = given == Some(1);
        if let (None, true, true) = (best, initial, current_work) {
            best = self.current_case_listing(q, who, ts, name_consistent);
        }
        // Nor a full name that finds no one: one typing slip away from a person of the
        // user's current work, it is that person, typed in haste at the call (`EANS, OMAR`
        // for the `EVANS, OMAR` of the incident they were sent to an hour before). Read
        // against those few cases only, where a slip is far likelier than a stranger one
        // letter from a person of the call; a typed case or a name anyone bears is judged
        // as it stands.
        let full_name = given.is_some_and(|g| g > 1);
        if let (None, true, true, true, None) =
            (best, full_name, current_work, found.is_empty(), typed)
        {
            best = self.current_case_listing(q, who, ts, name_consistent_or_slip);
        }
        best.and_then(|n| self.entries.get(n as usize))
            .map(|e| e.id.as_str())
    }

    /// The lowest-ranked case assigned to the user within [`CURRENT_WORK`] before `ts`,
    /// open and theirs at `ts`, that lists a person the query's name `agrees` with;
    /// `None` when there is none, or more than [`CURRENT_WORK_MAX_CASES`] were assigned
    /// then (a caseload handed over, not a shift's calls).
    fn current_case_listing(
        &self,
        q: &Query,
        who: &Asker,
        ts: DateTime<Utc>,
        agrees: fn(&Query, &KnownPerson) -> bool,
    ) -> Option<u32> {
        let since = (ts - CURRENT_WORK).timestamp();
        let now = ts.timestamp();
        let mut best = None;
        for a in who.ids {
            let Some(list) = (a != NOBODY)
                .then(|| self.by_assignee_since.get(a as usize))
                .flatten()
            else {
                continue;
            };
            let from = list.partition_point(|&(start, _)| start < since);
            let to = list.partition_point(|&(start, _)| start <= now);
            let recent = list.get(from..to).unwrap_or(&[]);
            if recent.len() > CURRENT_WORK_MAX_CASES {
                return None;
            }
            for &(_, n) in recent {
                let listed = self.entries.get(n as usize).is_some_and(|e| {
                    e.subjects
                        .iter()
                        .any(|&s| self.subjects.person(s).is_some_and(|p| agrees(q, p)))
                });
                if listed && self.open_at(n, ts) && self.assigned_at(n, who, ts) {
                    self.pick(&mut best, None, n);
                }
            }
        }
        best
    }

    /// The units whose cases a login of personnel unit `unit` works in its routine: the
    /// unit itself and each unit its name extends (`DETENTION 2`, then `DETENTION`), as
    /// index numbers, most specific first. Computed once per unit name, when the resolver
    /// is built, so that [`CaseIndex::held_by_unit`] allocates nothing per lookup.
    pub(crate) fn unit_chain(&self, unit: &str) -> Box<[u32]> {
        let key = unit_key(unit);
        let mut chain = Vec::new();
        let mut name = key.as_str();
        while !name.is_empty() {
            if let Some(&u) = self.units.get(name) {
                chain.push(u);
            }
            name = name.rsplit_once(' ').map_or("", |(parent, _)| parent);
        }
        chain.into_boxed_slice()
    }

    /// How many records a unit's cases hold, open or closed: its cases, or the people they
    /// list where those are more. What a report on the unit's own work can return.
    pub(crate) fn unit_records(&self, unit: &str) -> u64 {
        let Some(&u) = self.units.get(unit_key(unit).as_str()) else {
            return 0;
        };
        let cases = self.by_unit.get(u as usize).map_or(&[][..], Vec::as_slice);
        let people: usize = cases
            .iter()
            .filter_map(|&n| self.entries.get(n as usize))
            .map(|e| e.subjects.len())
            .sum();
        people.max(cases.len()) as u64
    }

    /// A case of one of the units of `chain` ([`CaseIndex::unit_chain`]), open at `ts` or
    /// closed at most [`RECENTLY_CLOSED_DAYS`] before it, that lists a person the query
    /// identified (`found`): the person is in the unit's own work (an inmate of the jail,
    /// the clinic's patient booking a follow-up a week after the visit closed), whoever
    /// in it is assigned. Costs what [`CaseIndex::explaining`] does: the shorter list of
    /// each pair walked, the longer searched.
    pub(crate) fn held_by_unit(
        &self,
        chain: &[u32],
        ts: DateTime<Utc>,
        found: &[Match],
    ) -> Option<&str> {
        for m in found.iter().filter(|m| m.identifies()) {
            let Some(listing) = self.subject_cases.get(m.entry as usize) else {
                continue;
            };
            for &u in chain {
                let cases = self.by_unit.get(u as usize).map_or(&[][..], Vec::as_slice);
                let mut held = None;
                each_common(listing, cases, |n| {
                    if held.is_none() && self.open_or_recently_closed(n, ts) {
                        held = Some(n);
                    }
                });
                if let Some(n) = held {
                    return self.entries.get(n as usize).map(|e| e.id.as_str());
                }
            }
        }
        None
    }

    /// The people the typed case lists, for judging searches that name nobody (a pattern, a
    /// surname sweep) against the case typed with them.
    pub(crate) fn subjects_of<'s>(
        &'s self,
        t: Typed<'_>,
    ) -> impl Iterator<Item = &'s KnownPerson> + 's {
        self.entry_of(t)
            .into_iter()
            .flat_map(|e| e.subjects.iter())
            .filter_map(|&s| self.subjects.person(s))
    }
}

/// The people case subjects describe ([`CaseSubjects::people`]), and each one's entry
/// among them: fields that describe a person identically (cells written differently that
/// type alike) are one entry, graded once per lookup however many cases list them.
fn subject_people(fields: &[PersonFields]) -> (Vec<KnownPerson>, Vec<u32>) {
    let mut people = Vec::new();
    let mut seen: HashMap<&PersonFields, u32> = HashMap::default();
    let of_fields = fields
        .iter()
        .map(|f| match seen.get(f) {
            Some(&e) => e,
            None => {
                let e = u32::try_from(people.len()).unwrap_or(u32::MAX);
                people.push(KnownPerson::from_fields(f));
                seen.insert(f, e);
                e
            }
        })
        .collect();
    (people, of_fields)
}

/// Calls `f` with every number in both ascending lists, walking the shorter one and
/// searching the longer by bisection, from where the last search ended: a person listed
/// in fifty cases against a patrol officer's thousand costs a few steps per case, and the
/// cost never grows with both lists.
fn each_common(a: &[u32], b: &[u32], mut f: impl FnMut(u32)) {
    let (short, mut long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    for &n in short {
        let at = long.partition_point(|&x| x < n);
        if long.get(at) == Some(&n) {
            f(n);
        }
        long = &long[at..];
        if long.is_empty() {
            return;
        }
    }
}

/// The letters a case id begins with, upper-cased, before its first digit (`hp-2025-1` ->
/// `HP`, `#CIB 2023/4` -> `CIB`, `2024-001` -> empty); anything else before the digits
/// (a `#`, spaces, dashes) is left out.
fn letters_before_digits(id: &str) -> String {
    id.chars()
        .take_while(|c| !c.is_ascii_digit())
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The galloping intersection finds exactly the common numbers, in order.
        #[test]
        fn each_common_is_the_intersection(
            a in prop::collection::btree_set(0u32..400, 0..60),
            b in prop::collection::btree_set(0u32..400, 0..300),
        ) {
            let a: Vec<u32> = a.into_iter().collect();
            let b: Vec<u32> = b.into_iter().collect();
            let mut got = Vec::new();
            each_common(&a, &b, |n| got.push(n));
            let want: Vec<u32> = a.iter().copied().filter(|n| b.contains(n)).collect();
            prop_assert_eq!(&got, &want);
            let mut swapped = Vec::new();
            each_common(&b, &a, |n| swapped.push(n));
            prop_assert_eq!(swapped, want);
        }

        /// The number key, written from the id's runs without a list of them, is the key
        /// a list of the runs gives (the first way it was written).
        #[test]
        fn number_key_is_the_key_of_the_runs(id in "[A-Za-z0-9 /.é_-]{0,16}|(19|20)[0-9]{2}-0*[0-9]{1,4}") {
            prop_assert_eq!(number_key(&id), number_key_from_a_list_of_runs(&id));
        }
    }

    use super::*;

    /// [`number_key`] as it was first written, collecting the runs before writing them.
    fn number_key_from_a_list_of_runs(s: &str) -> String {
        let mut runs: Vec<(String, bool)> = Vec::new();
        let mut run = String::new();
        let mut in_digits = false;
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            if !c.is_ascii_alphanumeric() || digit != in_digits {
                if !run.is_empty() {
                    runs.push((std::mem::take(&mut run), in_digits));
                }
                in_digits = digit;
            }
            if c.is_ascii_alphanumeric() {
                run.push(c.to_ascii_uppercase());
            }
        }
        if !run.is_empty() {
            runs.push((run, in_digits));
        }
        let mut key = String::new();
        for (i, (r, digits)) in runs.iter().enumerate() {
            if !key.is_empty() {
                key.push('-');
            }
            if !digits {
                key.push_str(r);
                continue;
            }
            let year = r.len() == 4
                && (r.starts_with("19") || r.starts_with("20"))
                && runs[i + 1..].iter().any(|(_, d)| *d);
            let r = if year { &r[2..] } else { r.as_str() };
            let t = r.trim_start_matches('0');
            key.push_str(if t.is_empty() { "0" } else { t });
        }
        key
    }

    /// An index of these cases, open forever, with no assignments or subjects.
    fn open_cases(ids: &[&str]) -> CaseIndex {
        let cases = ids
            .iter()
            .map(|id| Case {
                case_id: id.to_string(),
                open_status: true,
                open: Validity::default(),
                closed_on_a_day: false,
                unit: None,
            })
            .collect();
        CaseIndex::build(Some(cases), None, None, &HashMap::default())
    }

    /// A case of the ward assigned to five people besides the asker is the ward's shared
    /// work; one person assigned by login and by employee id is one of them; a case of
    /// another unit, or of fewer people, is not.
    #[test]
    fn a_case_many_people_were_assigned_is_the_units_shared_work() {
        let case = |id: &str, unit: &str| Case {
            case_id: id.to_string(),
            open_status: true,
            open: Validity::default(),
            closed_on_a_day: false,
            unit: Some(unit.to_string()),
        };
        let assigned = |id: &str, user: Option<&str>, employee: Option<&str>| Assignment {
            case_id: id.to_string(),
            user: user.map(str::to_string),
            employee_id: employee.map(str::to_string),
            valid: Validity::default(),
        };
        let mut rows = Vec::new();
        for who in ["rn2", "rn3", "rn4", "rn5", "md1", "rn1"] {
            rows.push(assigned("ADM-1", Some(who), None));
        }
        // rn2 and rn3 again by employee id: still five people besides rn1, not seven.
        rows.push(assigned("ADM-2", Some("rn2"), None));
        rows.push(assigned("ADM-2", None, Some("e02")));
        rows.push(assigned("ADM-2", Some("rn3"), None));
        rows.push(assigned("ADM-2", None, Some("e03")));
        for who in ["rn4", "rn5", "md1"] {
            rows.push(assigned("ADM-2", Some(who), None));
        }
        for who in ["rn2", "rn3", "rn4", "rn5", "md1"] {
            rows.push(assigned("ICU-1", Some(who), None));
        }
        for who in ["rn2", "rn3", "rn4", "rn5"] {
            rows.push(assigned("ADM-3", Some(who), None));
        }
        let cases = vec![
            case("ADM-1", "Med 4W"),
            case("ADM-2", "MED-4W"),
            case("ICU-1", "ICU"),
            case("ADM-3", "MED-4W"),
        ];
        let mut ix = CaseIndex::build(Some(cases), Some(rows), None, &HashMap::default());
        ix.count_teams(|name| match name {
            "rn2" | "e02" => Some(2),
            "rn3" | "e03" => Some(3),
            _ => None,
        });
        let ward = ix.unit_number("med 4w").expect("the ward has cases");
        let rn1 = ix.asker("rn1", None);
        let ts = DateTime::<Utc>::default();
        assert!(ix.team_case_of_unit(ix.typed("ADM-1"), ward, &rn1, ts));
        assert!(ix.team_case_of_unit(ix.typed("ADM-2"), ward, &rn1, ts));
        assert!(
            !ix.team_case_of_unit(ix.typed("ICU-1"), ward, &rn1, ts),
            "another unit's"
        );
        assert!(
            !ix.team_case_of_unit(ix.typed("ADM-3"), ward, &rn1, ts),
            "four people's"
        );
        let rn2 = ix.asker("rn2", None);
        assert!(
            !ix.team_case_of_unit(ix.typed("ADM-3"), ward, &rn2, ts),
            "three people besides the asker"
        );
    }

    #[test]
    fn another_systems_number_is_not_in_the_agencys_form() {
        let ix = open_cases(&["HP-2025-000123", "CIB-2023-0212"]);
        assert!(
            ix.in_agency_form("hp-2025-999999"),
            "the agency's form, no such case"
        );
        assert!(ix.in_agency_form("#CIB 2024 77"));
        assert!(
            !ix.in_agency_form("T250303-0297"),
            "a port's inspection ticket"
        );
        assert!(!ix.in_agency_form("see CAD"), "a note");
        assert!(
            !ix.in_agency_form("2025-000123"),
            "no case id begins with a digit here"
        );
        assert!(open_cases(&["2023-0022690"]).in_agency_form("2024-1"));
    }

    #[test]
    fn a_prefix_may_be_left_out_but_not_swapped() {
        let ix = open_cases(&["C-2024-001234", "2024-777", "INV-24-0373"]);
        let ts = DateTime::<Utc>::default();
        assert_eq!(
            ix.state(ix.typed("2024-001234"), ts),
            CaseState::Open("C-2024-001234")
        );
        assert_eq!(
            ix.state(ix.typed("c 2024 001234"), ts),
            CaseState::Open("C-2024-001234")
        );
        assert_eq!(
            ix.state(ix.typed("C2024-777"), ts),
            CaseState::Open("2024-777")
        );
        assert_eq!(ix.state(ix.typed("PT-24-0373"), ts), CaseState::Unknown);
        assert_eq!(ix.canonical(ix.typed("pt-24-0373")), "PT-24-0373");
    }

    #[test]
    fn case_numbers_compare_without_their_padding() {
        assert_eq!(number_form("C250908-0033"), "C|6|4");
        assert_eq!(number_form("inv-88-6672"), "INV|2|4");
        assert_eq!(number_form("see CAD"), "SEECAD");
        assert_eq!(number_key("C-2024-027657"), "C-24-27657");
        assert_eq!(number_key("c 2024 27657 "), "C-24-27657");
        assert_eq!(number_key("C2024-0"), "C-24-0");
        assert_eq!(number_key("INV-24-0373A"), "INV-24-373-A");
        assert_eq!(number_key("2024-000"), "24-0");
        assert_eq!(number_key("C2024027657"), "C-2024027657");
        assert_eq!(number_key("CV24-2031"), "CV-24-2031");
        assert_eq!(number_key("#2005-0044"), "5-44");
        assert_eq!(bare_number("C-24-27657"), "24-27657");
        assert_eq!(bare_number("24-27657"), "24-27657");
        let ix = open_cases(&[
            "C-2024-027657",
            "C-2024-000012",
            "P-2024-000012",
            "2023-0005",
        ]);
        let ts = DateTime::<Utc>::default();
        let state = |t: &str| ix.state(ix.typed(t), ts);
        assert_eq!(state("c-2024-27657"), CaseState::Open("C-2024-027657"));
        assert_eq!(state("2024-27657"), CaseState::Open("C-2024-027657"));
        assert_eq!(state("C 2024 27657"), CaseState::Open("C-2024-027657"));
        assert_eq!(state("c-2024-12"), CaseState::Open("C-2024-000012"));
        assert_eq!(state("C-2023-5"), CaseState::Open("2023-0005"));
        // Two cases read 2024-12 without their prefixes: a bare 2024-12 names neither.
        assert_eq!(state("2024-12"), CaseState::Unknown);
        assert_eq!(state("c-2024-276570"), CaseState::Unknown);
        assert_eq!(state("X-2024-27657"), CaseState::Unknown);
    }

    #[test]
    fn a_year_leading_a_case_number_compares_with_two_digits() {
        let ix = open_cases(&["SO24-0038042", "SO23-0022152", "CV24-2031", "2019-0007"]);
        let ts = DateTime::<Utc>::default();
        let state = |t: &str| ix.state(ix.typed(t), ts);
        assert_eq!(state("2024-0038042"), CaseState::Open("SO24-0038042"));
        assert_eq!(state("#2024-38042"), CaseState::Open("SO24-0038042"));
        assert_eq!(state("so 2023 22152"), CaseState::Open("SO23-0022152"));
        assert_eq!(state("24-38042"), CaseState::Open("SO24-0038042"));
        assert_eq!(state("19-7"), CaseState::Open("2019-0007"));
        // A four-digit sequence number is no year: CV24-2031 is not CV24-31.
        assert_eq!(state("CV24-31"), CaseState::Unknown);
        assert_eq!(state("2023-0038042"), CaseState::Unknown);
    }

    #[test]
    fn case_ids_compare_by_letters_and_digits() {
        assert_eq!(match_key(" c-2024-001234 "), "C2024001234");
        assert_eq!(match_key("C 2024 001234"), "C2024001234");
        assert_eq!(bare_key("C2024001234"), "2024001234");
    }
}
