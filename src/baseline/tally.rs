//! What one event contributes to behaviour history, and a day's running tally of it.
//!
//! [`activity`] is the single definition of "a lookup by this user at this hour about this
//! person, explained or not, returning so many rows"; both the engine (through
//! [`DayTally`]) and `custodes baseline` (through polars) build history rows from it, so
//! a day tallied live and the same day rebuilt from files give the same row.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::UserDay;
use crate::event::Event;
use crate::identity::{CaseStatus, Resolved, Resolver};
use crate::refs::login_key;

/// Who a lookup was about, as a key stable across runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectKey {
    pub key: String,
    /// Precise enough to say several logins looked up the same person (not a bare name).
    pub precise: bool,
}

impl SubjectKey {
    /// Whether the history counts the logins that look this key up each day: people, and
    /// bare names too (how many logins search a name alone on an ordinary day tells
    /// `subject_surge` whether such a search during a surge on someone of that name is
    /// likely to be about them); not addresses.
    pub(crate) fn counts_attention(&self) -> bool {
        self.precise || self.key.starts_with("name:")
    }

    /// Whether the key names a person, for a day's breadth (`distinct_subjects`): a strong
    /// identifier, or a given and a family name. A surname alone or with an initial names
    /// nobody (it is a search returning many, which `fishing` judges), nor does an
    /// address: counted as people, seven surname searches in a night of 44 strangers made
    /// it a day of 51.
    pub(crate) fn names_a_person(&self) -> bool {
        self.precise
            || self
                .key
                .strip_prefix("name:")
                .and_then(|k| k.split_once('|'))
                .is_some_and(|(_, given)| given.chars().count() >= 2)
    }
}

/// One event as behaviour history sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// The login, compared the way personnel.csv is (`login_key`).
    pub user: String,
    pub ts: DateTime<Utc>,
    pub subject: Option<SubjectKey>,
    /// An assigned open case lists the person looked up.
    pub explained: bool,
    /// The lookup's case status is exempt: its purpose, system or action needs no case,
    /// and no case that does not exist was typed with it (that is a finding, not exempt
    /// work).
    pub exempt: bool,
    pub rows: Option<u64>,
}

impl Activity {
    pub fn day(&self) -> NaiveDate {
        self.ts.date_naive()
    }

    pub fn hour(&self) -> usize {
        self.ts.hour() as usize
    }

    /// The subject, when the lookup is not explained by a case (what attention counts).
    pub(crate) fn unexplained_subject(&self) -> Option<&SubjectKey> {
        self.subject.as_ref().filter(|_| !self.explained)
    }

    /// The person, when the lookup names one and no case explains it (what breadth
    /// counts: [`SubjectKey::names_a_person`]).
    pub(crate) fn unrelated_person(&self) -> Option<&SubjectKey> {
        self.unexplained_subject().filter(|s| s.names_a_person())
    }
}

/// How many known people may bear a watch-listed person's name for that name alone to be
/// theirs to `subject_surge`: the watch-listed person and one namesake.
const WATCHED_NAME_BEARERS: u32 = 2;

/// The person a lookup was about: a known person it matched (watch list, employee, a case
/// subject) by a strong identifier or by a full name only they bear (a watch-listed
/// person's, by at most one other), else the strongest identifier typed (person id, name
/// with date of birth, plate, phone), else the bare name (not precise).
pub(crate) fn subject_key(r: &Resolved<'_>, resolver: &Resolver) -> Option<SubjectKey> {
    // A strong identifier, or a full name that exactly one known person bears.
    let strong = |m: &&crate::identity::Match| m.identifies();
    // A watch-listed person's name alone, borne by one other known person at most, is the
    // watch-listed person to a surge: a dozen logins typing a celebrity's name in an
    // afternoon are looking for the celebrity, not for the one namesake a case lists (whose
    // own case explains the lookups of those who work it). A common name stays nobody.
    let watch_strong = |m: &&crate::identity::Match| {
        m.identifies()
            || (m.kind == crate::identity::index::MatchKind::NameOnly
                && m.people_sharing_name
                    .is_some_and(|n| n <= WATCHED_NAME_BEARERS))
    };
    if let Some(m) = r.watchlist.iter().find(watch_strong) {
        if let Some((_, p)) = resolver.watch_entry(m.entry) {
            return Some(precise(key_of(
                "watch:",
                &[&crate::identity::person_key(&p.person_ids, &p.display)],
            )));
        }
    }
    if let Some(m) = r.employees.iter().find(strong) {
        if let Some(p) = resolver.employee(m.entry) {
            return Some(precise(key_of("employee:", &[&login_key(&p.employee_id)])));
        }
    }
    // A case subject matched by a strong identifier: the same person whether looked up by
    // id, by name and date of birth or by plate (a person in the news is searched all ways).
    if let Some(m) = r.subjects.iter().find(strong) {
        if let Some(p) = resolver.case_subject(m.entry) {
            if let Some(id) = p.person_ids.first() {
                return Some(precise(key_of("id:", &[id])));
            }
        }
    }
    let q = &r.query;
    if let Some(id) = q
        .person_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !crate::identity::normalize::is_placeholder_id(s))
    {
        return Some(precise(key_of("id:", &[&id.to_uppercase()])));
    }
    if let (Some(key), Some(dob)) = (q.name_keys.first(), q.dob) {
        return Some(precise(key_of("name:", &[key, "|", &dob.to_string()])));
    }
    if let Some(p) = &q.plate {
        return Some(precise(key_of("plate:", &[p])));
    }
    if let Some(p) = &q.phone {
        return Some(precise(key_of("phone:", &[p])));
    }
    if let Some(key) = q.name_keys.first() {
        return Some(SubjectKey {
            key: key_of("name:", &[key]),
            precise: false,
        });
    }
    q.address.as_ref().map(|a| SubjectKey {
        key: key_of("address:", &[&a.street_line()]),
        precise: false,
    })
}

/// `prefix` and `parts` in one string allocated once at its length (a key is made for
/// nearly every lookup; `format!` guessed short and grew each one).
fn key_of(prefix: &str, parts: &[&str]) -> String {
    let mut key =
        String::with_capacity(prefix.len() + parts.iter().map(|p| p.len()).sum::<usize>());
    key.push_str(prefix);
    for p in parts {
        key.push_str(p);
    }
    key
}

fn precise(key: String) -> SubjectKey {
    SubjectKey { key, precise: true }
}

/// What an event adds to behaviour history; `None` for session events (login, logout and
/// the other configured non-lookup actions), which are not work on records.
pub fn activity(ev: &Event, r: &Resolved<'_>, resolver: &Resolver) -> Option<Activity> {
    if !resolver.is_work_action(&ev.action) {
        return None;
    }
    let subject = if r.is_lookup {
        subject_key(r, resolver)
    } else {
        None
    };
    Some(Activity {
        user: login_key(&ev.user),
        ts: ev.ts,
        subject,
        explained: explained(ev, r, resolver),
        exempt: matches!(r.case, CaseStatus::Exempt { .. }),
        rows: ev.result_count,
    })
}

/// Whether what a lookup was about is accounted for, for the counts of people (attention,
/// breadth, surges): a case of the user's lists the person, or the purpose is one the
/// agency exempts and either the case typed with it, open at the time, lists the person,
/// or an open case of the user's own unit does. The second is the case's work by another
/// trade — a pharmacist verifying an order on the patient's admission, a technician
/// entering a result on it — typed under the case it serves; the third a unit's routine on
/// the people it holds — the jail's deputies checking its inmates under the jail's
/// purpose, each on no case of their own. A purpose alone is not enough (a celebrity
/// looked up "for a traffic stop" still draws attention), nor is the unit's case without
/// it (curiosity about the victim of the unit's own case in the news), nor a case typed
/// with work that is not exempt (whose case it is, `no_case` judges).
fn explained(ev: &Event, r: &Resolved<'_>, resolver: &Resolver) -> bool {
    match r.case {
        CaseStatus::Explained { .. } => true,
        CaseStatus::Exempt { .. } => {
            r.exempt_under_the_persons_case() || resolver.held_by_unit(ev, r).is_some()
        }
        _ => false,
    }
}

/// One user's running tally for the current day.
#[derive(Debug, Clone, Default)]
pub struct UserTally {
    pub lookups: u32,
    pub hours: [u32; 24],
    /// Each unrelated person looked up (see [`Activity::unrelated_person`]) -> whether
    /// under a purpose the agency does not exempt at least once.
    pub subjects: HashMap<String, bool>,
    pub max_rows: u64,
    /// Every counted event, in order (the evidence of a daily_count alert).
    pub ids: crate::event::EventIds,
    /// Every lookup no case explains, in order, repeats, the same query on other systems,
    /// surname searches and addresses included (the evidence of a distinct_subjects alert,
    /// which counts only the people among them), as positions in `ids`.
    pub unexplained: Vec<usize>,
    /// For each of `unexplained`, whether it was under a purpose the agency does not
    /// exempt: a traffic officer's stops are exempt, a day of browsing beside them is not.
    pub unexplained_open: Vec<bool>,
    /// The people of `subjects` looked up so.
    pub open_subjects: u32,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The login as the events spell it (for alerts).
    pub login: String,
}

impl UserTally {
    /// The lookups no case explains under a purpose the agency does not exempt (the
    /// evidence of a `distinct_subjects` alert on the people outside exempt work).
    pub fn open_ids(&self) -> Vec<String> {
        self.unexplained
            .iter()
            .zip(&self.unexplained_open)
            .filter(|(_, open)| **open)
            .filter_map(|(&at, _)| self.ids.get(at).map(str::to_string))
            .collect()
    }

    /// Whether most of the people the user looked up today without a case that explains
    /// them were looked up outside the agency's exempt purposes: browsing, not a unit's
    /// exempt work (a lockdown's housing counts).
    pub fn mostly_outside_exempt(&self) -> bool {
        2 * self.open_subjects as usize > self.subjects.len()
    }

    /// Every lookup no case explains, in order (`unexplained`).
    pub fn unexplained_ids(&self) -> Vec<String> {
        self.unexplained
            .iter()
            .filter_map(|&at| self.ids.get(at).map(str::to_string))
            .collect()
    }

    pub fn row(&self) -> UserDay {
        UserDay {
            lookups: self.lookups,
            hours: self.hours,
            subjects: self.subjects.len() as u32,
            open_subjects: Some(self.open_subjects),
            max_rows: self.max_rows,
        }
    }
}

/// Everything the current UTC day has added so far.
#[derive(Debug, Clone, Default)]
pub struct DayTally {
    pub day: Option<NaiveDate>,
    /// Keyed by `login_key`.
    pub users: HashMap<String, UserTally>,
    /// Precise unexplained subject -> logins that looked them up today.
    pub persons: HashMap<String, HashSet<String>>,
}

impl DayTally {
    /// Adds one event's activity (which must fall on the tally's day, or start it).
    pub fn add(&mut self, a: &Activity, ev: &Event) {
        self.day.get_or_insert(a.day());
        // Look up before inserting: `entry` would allocate a key for every event.
        if !self.users.contains_key(&a.user) {
            self.users.insert(
                a.user.clone(),
                UserTally {
                    login: ev.user.to_string(),
                    ..UserTally::default()
                },
            );
        }
        let Some(t) = self.users.get_mut(&a.user) else {
            return;
        };
        t.lookups += 1;
        t.hours[a.hour()] += 1;
        t.max_rows = t.max_rows.max(a.rows.unwrap_or(0));
        let at = t.ids.push(&ev.id);
        t.first.get_or_insert(a.ts);
        t.last = Some(a.ts);
        if let Some(s) = a.unexplained_subject() {
            // Breadth counts the people among them ([`Activity::unrelated_person`]), and
            // apart those looked up outside exempt work.
            let open = !a.exempt;
            if s.names_a_person() {
                match t.subjects.get_mut(&s.key) {
                    Some(seen_open) => {
                        if open && !*seen_open {
                            *seen_open = true;
                            t.open_subjects += 1;
                        }
                    }
                    None => {
                        t.subjects.insert(s.key.clone(), open);
                        t.open_subjects += u32::from(open);
                    }
                }
            }
            t.unexplained.push(at);
            t.unexplained_open.push(open);
            if s.counts_attention() {
                match self.persons.get_mut(&s.key) {
                    Some(users) => {
                        if !users.contains(&a.user) {
                            users.insert(a.user.clone());
                        }
                    }
                    None => {
                        let mut users = HashSet::default();
                        users.insert(a.user.clone());
                        self.persons.insert(s.key.clone(), users);
                    }
                }
            }
        }
    }

    pub fn clear(&mut self) {
        self.day = None;
        self.users.clear();
        self.persons.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::SubjectKey;
    use crate::identity::normalize::is_placeholder_id;

    #[test]
    fn a_surname_alone_or_an_address_names_nobody() {
        let key = |key: &str, precise| SubjectKey {
            key: key.into(),
            precise,
        };
        for (k, precise, person) in [
            ("id:P1", true, true),
            ("name:SMITH|JOHN|1980-01-02", true, true),
            ("plate:ABC123", true, true),
            ("name:SMITH|JOHN", false, true),
            ("name:SMITH|JO", false, true),
            ("name:SMITH|J", false, false),
            ("name:SMITH|", false, false),
            ("address:12 ELM ST", false, false),
        ] {
            assert_eq!(key(k, precise).names_a_person(), person, "{k}");
        }
    }

    #[test]
    fn placeholder_person_ids_identify_nobody() {
        for id in ["", " ", "0", "000", "0-0", "-", "N/A", "null", "Unknown"] {
            assert!(is_placeholder_id(id), "{id:?}");
        }
        for id in ["P-1", "10", "0001", "X9", "NAOMI"] {
            assert!(!is_placeholder_id(id), "{id:?}");
        }
    }
}
