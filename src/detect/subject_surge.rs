//! `subject_surge`: many logins converge on one person within hours, none with a case that
//! explains it — a colleague in trouble, a crime victim or a celebrity in the news.
//!
//! Unlike every other detector its state is keyed by person, not by login: for each person
//! (a key from [`crate::baseline::tally::subject_key`]: a known person they matched, or the
//! strongest identifier typed) it keeps a sliding window of unexplained lookups. When the
//! distinct logins in the window reach `min_users` and `attention_ratio` times the logins
//! that usually look the person up in a day (the median day of history), and more than all
//! but one in a thousand of the agency's people-days drew ([`AgencyAttention`]), every
//! lookup in the window is flagged, and each login gets its own alert (an investigator works
//! officer by officer). Bare names are never keys here: five officers looking up five
//! different John Smiths are not a surge.
//!
//! People the agency serves draw logins by its trade: a taxpayer put through to rep after
//! rep, a traveller inspected at booth after booth. A surge most of whose people looked the
//! person up only in exempt work, on someone who is none of the agency's own, must also
//! pass what the agency's ordinary days reached about once a week ([`SERVICE_PER_DAY`]),
//! and is set aside (counted) on a day when more than [`SERVICE_WAVE_PEOPLE`] people each
//! drew its bar of logins in the calendar day, or drew such a surge: the day's service (a
//! refund-delay announcement, a BOLO at every booth), not attention to one person. A
//! colleague, an associate or a public figure is always judged as attention, however the
//! lookups were typed.
//!
//! The same surge of exempt work, its bar the service floor (the agency's days show the
//! people it serves drawing that many logins), whose people all work in one unit but at
//! most one is that unit's trade ([`Window::one_units_service`]): a caller put through to
//! rep after rep of the contact centre, a traveller at booth after booth of one port.
//! Curiosity spreads through an agency; a unit serving whoever presents themselves stays
//! in the unit. Set aside (counted), whatever the day. Without that history (an agency's
//! first weeks, a famous customer looked up at one office's counters) it is raised.
//!
//! A surge in which every person (all but one in ten) typed a case that lists the person
//! is the case worked by many hands ([`Window::case_broadcast`]): an Amber alert's
//! suspect, a BOLO's car, its number given out to every car on the road. Set aside
//! (counted), and the engine sets the same lookups' `not_assigned` findings aside with it
//! ([`Detector::take_case_broadcasts`]). Never of one of the agency's own.
//!
//! A login caught in a surge has, however, typed the person's name without a date of birth
//! too (a name search first, the record next): those bare-name searches of the person, kept
//! per login for the window, join its alert.
//!
//! Once a surge is established by identifying lookups, a login that only typed the
//! person's bare name in the same hours, with no case that explains it, joins it too with
//! an alert of its own that says so — unless the name alone is one that several logins
//! search on an ordinary day without a case (the median day of history, as for people):
//! then a bare search of it is still nobody in particular. Bare names start nothing and
//! count towards no threshold.
//!
//! A change to the person's record under an exempt purpose is the login's service to them
//! (a motor-vehicle office renewing the licence of the customer at its counter): that
//! login's lookups of the person leave the window, and a surge that stood on them
//! dissolves. A customer served at five counters in a morning is their own business with
//! the office; five clerks opening a famous customer's record and changing nothing is
//! attention. The change itself is not this detector's to judge: a change to a colleague's,
//! an associate's or a watch-listed person's record is `record_change` for the identity
//! detectors, whatever it did to a surge.
//!
//! Surges that stand on sweeps (two logins working down the same list of names on one day,
//! each raised by `odd_volume` for it or held as a breadth) are set aside once the day's alerts are all made,
//! in [`super::surge_in_sweep`]: this detector does not see other detectors' findings.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    saved_field, saved_value, Context, DayContext, DayFinding, DayNote, Detector, DetectorDoc,
    Finding, SavedStateError,
};
use crate::alert::Severity;
use crate::config::SubjectSurgeConfig;
use crate::event::{format_ts, Event, Subject, Text};
use crate::identity::normalize::name_key;
use crate::identity::{CaseStatus, Resolved, Resolver};

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "subject_surge",
    kinds: &["many_users"],
    what: "At least `min_users` distinct people look up one person within `window_hours` (by login; two logins of one employee in personnel, a manager's second login or an administrator's, are one person), none with an assigned case that lists the person (nor with exempt work typed under a case open at the time that lists the person: a pharmacist verifying an order on the patient's own admission is the admission's work), and at least `attention_ratio` times the logins that usually look that person up in a day (the median day of the history, so an earlier surge does not hide the next), and more than all but one in a thousand of the people the agency looked up without such a case drew in a day over its last four weeks, once those hold a thousand people-days (a port of entry inspects a daily commuter at six booths a day, where a police department's people draw one or two) (`many_users`). A surge most of whose people looked the person up only in exempt work (a caller put through to rep after rep, a traveller at booth after booth), on someone who is none of the agency's own (a colleague, the user's associate, a watch-listed person), must also pass what the agency's ordinary days reached on about one day in seven over those four weeks, and is set aside (counted in the summary) on a day when more than five people each drew as many logins as its bar in the calendar day, or drew such a surge (calls straddling midnight UTC): that day's service (a refund-delay announcement's callers, a BOLO checked at every booth), not attention to one person; a person in the news drawing curious staff in exempt work on such a day is missed so, a colleague or a public figure never. Such a surge, its bar the service floor, whose people all work in one unit but at most one (personnel `unit`) is set aside too (counted): that unit's trade done for whoever presents themselves (a caller put through to rep after rep of the contact centre, the clerk who posted their return among them; a traveller at booth after booth of one port), where curiosity spreads through the agency. A surge in which every person (all but one in ten at most) typed a case that lists the person, someone none of the agency's own, is set aside (counted), and so are those lookups' `not_assigned` findings: the case worked by many hands, its number given out to all (an Amber alert's suspect, a BOLO's car checked by every car on the road). Each login involved gets an alert with all its lookups in the surge, including its searches by the person's bare name in the same hours; a login that only typed the person's bare name during the surge, with no case that explains it, gets one that says so, unless several logins search that name alone on an ordinary day. A service account (a personnel row naming no person) is never one of them: its job reads whoever its input names. A login that changes the person's record under an exempt purpose (a renewal issued, a registration renewed: the customer at its counter) served them: its lookups of the person in the window leave it, and a surge that stood on them dissolves. When two or more logins' sweeps passed the person (each login's day raised by `odd_volume` as `daily_count` or `distinct_subjects`, or its breadth held to be judged by the days after it for want of history, its lookups of the person one query inside that day), those logins' surge alerts are set aside, and so is the whole surge when the logins left fall short of its threshold (counted in the summary): a person on two lists worked down the same day drew no attention of their own.",
    why: "When a colleague, a crime victim or a public figure is in the news, curiosity spreads through a whole force; each lookup alone looks routine.",
    false_positives: "A major incident worked by many officers before a case is opened or its subjects are listed, or with its number typed by only some of them; an agency's first day, before its people-days say how much attention its ordinary work draws; a wanted person whose record every patrol checks; a customer served at several counters whose transactions are recorded as lookups only, with no change to the record. Add the case (and its subjects) or raise `min_users`.",
    tuning: "`subject_surge.window_hours`, `min_users`, `attention_ratio`. People are keyed by a known identity they match, else by person id, name with date of birth, plate or phone; a bare name never starts or counts towards a surge (five officers, five John Smiths), but a login caught in one has its bare-name searches of the person (as typed, or as the reference data writes them) in the same hours added to its alert, unless a case explains them, and a login that searched only the bare name in those hours joins the surge when the name alone is searched without a case by at most one login on the median day of history (a common name searched every day joins nothing).",
    example: "Looked up person P-48213 on 2024-05-14 (3 lookups, 10:12 to 15:40) as one of 9 people within 24 hours, none with a case that lists the person; usually at most one login a day looks them up.",
    needs: &[],
};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    ts: DateTime<Utc>,
    /// `login_key` of the login.
    user: String,
    /// The login as the event spells it.
    login: Text,
    id: Text,
    flagged: bool,
    /// The employee behind the login (`login_key` of its personnel row's employee id), when
    /// personnel names one: a manager's second login, an administrator's, are the same
    /// person, and a surge counts people. Empty in states saved before it was kept.
    #[serde(default)]
    person: String,
    /// The lookup was work the agency exempts from needing a case (a call, an inspection,
    /// a counter's service): the person presented themselves ([`SERVICE_PER_DAY`]).
    #[serde(default)]
    service: bool,
    /// The lookup was typed under a case the login is not assigned to that lists the
    /// person ([`Resolved::not_assigned_lists`]): the case's work by someone the case does
    /// not name ([`Window::case_broadcast`]).
    #[serde(default)]
    under_case: bool,
}

impl Entry {
    /// Who counts towards a surge: the employee, else the login.
    fn who(&self) -> &str {
        if self.person.is_empty() {
            &self.user
        } else {
            &self.person
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Window {
    /// How the first lookup in the window named the person.
    shown: String,
    /// Lookups in time order; the flagged ones are always a prefix (a surge flags every
    /// lookup in the window at once, then each new one while it lasts).
    entries: VecDeque<Entry>,
    /// Lookups in the window per person ([`Entry::who`]), so distinct people are counted
    /// in constant time.
    #[serde(skip)]
    per_user: HashMap<String, u32>,
    /// The same, of lookups that were not exempt work ([`Entry::service`]).
    #[serde(skip)]
    attention_per_user: HashMap<String, u32>,
    /// Entries before this index are flagged.
    #[serde(skip)]
    flagged: usize,
    /// The person's usual attention, for the day it was computed.
    #[serde(skip)]
    attention: Option<(NaiveDate, u32)>,
    /// The names (first name key) the window's lookups typed, to recognise the same
    /// login's bare-name searches of them during a surge.
    #[serde(default)]
    names: std::collections::BTreeSet<String>,
    /// Logins (`login_key`) that changed the person's record in the window under an exempt
    /// purpose, with the time of the latest change: a counter's transaction with the person
    /// in front of it (a renewal issued, a registration renewed). Their lookups of the
    /// person in the window are that service, not attention.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    served: std::collections::BTreeMap<String, DateTime<Utc>>,
    /// A lookup in the window found one of the agency's own: a colleague, the user's
    /// associate or a watch-listed person ([`Resolved::names_the_agencys_own`]).
    #[serde(default)]
    own: bool,
}

impl Window {
    fn push(&mut self, e: Entry) {
        count(&mut self.per_user, &mut self.attention_per_user, &e, true);
        self.entries.push_back(e);
    }

    /// Whether most of the people in the window looked the person up only in exempt work:
    /// a caller put through to rep after rep, a traveller at booth after booth. Never of
    /// one of the agency's own: a colleague or a public figure drawing a surge is
    /// attention, however the lookups were typed.
    fn served_mostly(&self) -> bool {
        !self.own && 2 * self.attention_per_user.len() < self.per_user.len()
    }

    /// Whether the window's people all work in one unit (personnel `unit`) but at most
    /// one: a caller put through to rep after rep of the contact centre, with the clerk
    /// who posted their return among them; a traveller inspected at booth after booth of
    /// one port, one booth of the next port too. Asked only of a surge most of whose
    /// people looked the person up in exempt work ([`Window::served_mostly`]): that is the
    /// unit's trade, done for whoever presents themselves. Curiosity about someone in the
    /// news spreads through the agency: the labelled surges of exempt work on the 68 worlds
    /// each drew three or more people from outside their largest unit, the unlabelled ones
    /// at most two, and all but two of those at most one. A login personnel does not place
    /// in a unit is outside.
    fn one_units_service(&self, resolver: &Resolver) -> bool {
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut units: HashMap<&str, usize> = HashMap::default();
        for e in &self.entries {
            if !seen.insert(e.who()) {
                continue;
            }
            if let Some(unit) = resolver
                .personnel_for(&e.login)
                .and_then(|p| p.unit.as_deref())
                .filter(|u| !u.trim().is_empty())
            {
                *units.entry(unit).or_default() += 1;
            }
        }
        let most = units.values().copied().max().unwrap_or(0);
        most >= 2 && seen.len() - most <= 1
    }

    /// Whether every person in the window typed, for the person, a case that lists them
    /// ([`Entry::under_case`]), but at most one in [`BROADCAST_WITHOUT_NUMBER`], on someone
    /// who is none of the agency's own: an Amber alert's suspect, a BOLO's car, checked by
    /// every car on the road under the case's number. The case is being worked by many
    /// hands, its number given out to all; a car that typed the plate before the number
    /// was given is one of dozens. Curious staff copy a call's number from the screen too,
    /// but not all of them: the labelled surges on the 68 worlds had at least one person
    /// in seven without it (the sheriff's: six of seven typed the call's number), the
    /// broadcasts all, or all but two of thirty. A colleague, an associate or a public
    /// figure is always judged as attention.
    fn case_broadcast(&self) -> bool {
        if self.own {
            return false;
        }
        let under_case: std::collections::BTreeSet<&str> = self
            .entries
            .iter()
            .filter(|e| e.under_case)
            .map(Entry::who)
            .collect();
        let people = self.per_user.len();
        people - under_case.len().min(people) <= people / BROADCAST_WITHOUT_NUMBER
    }

    fn pop_older_than(&mut self, t: DateTime<Utc>) {
        while self.entries.front().is_some_and(|e| e.ts < t) {
            if let Some(e) = self.entries.pop_front() {
                count(&mut self.per_user, &mut self.attention_per_user, &e, false);
            }
            self.flagged = self.flagged.saturating_sub(1);
        }
        self.served.retain(|_, at| *at >= t);
    }

    /// Takes the login's lookups out of the window (it served the person); whether any of
    /// them had been flagged.
    fn withdraw(&mut self, user: &str) -> bool {
        let before = self.entries.len();
        let flagged_before = self.flagged;
        self.entries.retain(|e| e.user != user);
        if self.entries.len() == before {
            return false;
        }
        self.reindex();
        self.flagged < flagged_before
    }

    /// Forgets that the window's lookups were flagged: what made them a surge no longer
    /// holds, and a new lookup must establish one afresh.
    fn unflag(&mut self) {
        for e in &mut self.entries {
            e.flagged = false;
        }
        self.flagged = 0;
    }

    /// Rebuilds what is not saved.
    fn reindex(&mut self) {
        self.per_user.clear();
        self.attention_per_user.clear();
        for e in &self.entries {
            count(&mut self.per_user, &mut self.attention_per_user, e, true);
        }
        self.flagged = self.entries.iter().take_while(|e| e.flagged).count();
    }
}

/// Counts `e` into a window's lookups per person, and per person outside exempt work
/// ([`Window::per_user`], [`Window::attention_per_user`]), or out of them (`add` false).
/// A person already counted costs no allocation.
fn count(
    per_user: &mut HashMap<String, u32>,
    attention_per_user: &mut HashMap<String, u32>,
    e: &Entry,
    add: bool,
) {
    let one = |m: &mut HashMap<String, u32>| match (m.get_mut(e.who()), add) {
        (Some(n), true) => *n += 1,
        (None, true) => {
            m.insert(e.who().to_string(), 1);
        }
        (Some(n), false) => {
            *n -= 1;
            if *n == 0 {
                m.remove(e.who());
            }
        }
        (None, false) => {}
    };
    one(per_user);
    if !e.service {
        one(attention_per_user);
    }
}

/// One login's flagged lookups of one person on the current day.
#[derive(Debug, Default)]
struct Flagged {
    login: String,
    events: Vec<(DateTime<Utc>, String)>,
    /// The login typed only the person's bare name (it joined an established surge).
    name_only: bool,
    /// The bare name as it typed it first, for its reason.
    typed_name: String,
    /// For a name-only login: the logins that search that name alone on the median day of
    /// history (at most 1, or it would not have joined).
    name_attention: u32,
}

/// What a person's surge looked like on the current day, shared by every login's alert.
#[derive(Debug, Default)]
struct SurgeDay {
    shown: String,
    peak_users: usize,
    threshold: u32,
    attention: u32,
    /// The agency's floor ([`AgencyAttention::floor_for`]) when the surge was judged.
    agency: u32,
    /// Most of its people looked the person up only in exempt work, when it was last judged,
    /// and the person is none of the agency's own ([`Window::served_mostly`]).
    served: bool,
    /// `agency` was the floor for people served ([`SERVICE_PER_DAY`]), above the agency's
    /// rarest thousandth.
    service_floor: bool,
    /// Logins whose lookups were flagged that day.
    logins: std::collections::BTreeSet<String>,
    /// The window, when the surge was last judged that day (its fullest view: every
    /// lookup of the sliding day up to then), was one unit's service
    /// ([`Window::one_units_service`]) and made mostly of exempt work.
    one_unit: bool,
    /// The same for [`Window::case_broadcast`].
    broadcast: bool,
}

/// A bare-name lookup (no date of birth or other identifier), kept for the window in case
/// the same login is found in a surge on a person of that name.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BareName {
    ts: DateTime<Utc>,
    id: String,
    /// The login as the event spells it (the map key holds its comparison key). Older
    /// saved states lack it; the key stands in.
    #[serde(default)]
    login: String,
    /// The name as typed, for the reason of a login that joins a surge by it alone.
    #[serde(default)]
    typed: String,
}

pub(crate) struct SubjectSurge {
    notes: Vec<DayNote>,
    cfg: SubjectSurgeConfig,
    window: Duration,
    persons: HashMap<String, Window>,
    /// (user key, name key) -> that login's recent bare-name lookups of the name.
    bare: HashMap<(String, String), VecDeque<BareName>>,
    /// (user key, person key) -> the day's flagged lookups.
    flagged: HashMap<(String, String), Flagged>,
    /// Person key -> the day's surge.
    surges: HashMap<String, SurgeDay>,
    agency: AgencyAttention,
    /// The lookups of the day's surges set aside as a case worked by many hands, until the
    /// engine takes them ([`Detector::take_case_broadcasts`]).
    broadcast_lookups: Vec<String>,
}

impl SubjectSurge {
    pub fn new(cfg: &SubjectSurgeConfig) -> Self {
        Self {
            notes: Vec::new(),
            window: Duration::hours(cfg.window_hours),
            cfg: cfg.clone(),
            persons: HashMap::default(),
            bare: HashMap::default(),
            flagged: HashMap::default(),
            surges: HashMap::default(),
            agency: AgencyAttention::default(),
            broadcast_lookups: Vec::new(),
        }
    }
}

/// How many people make a surge on someone `attention` logins look up on a usual day, at
/// an agency where all but the rarest of people's days draw fewer than `agency` logins
/// ([`AgencyAttention::floor`]).
fn threshold(cfg: &SubjectSurgeConfig, attention: u32, agency: u32) -> u32 {
    (cfg.min_users as f64)
        .max((cfg.attention_ratio * f64::from(attention)).ceil())
        .max(f64::from(agency)) as u32
}

/// How many days of the agency's people-days [`AgencyAttention`] keeps.
const AGENCY_DAYS: usize = 28;

/// How rare a day's attention must be among the agency's people-days to be a surge: at most
/// one in a thousand of them draws as many logins.
const AGENCY_RARITY: f64 = 1e-3;

/// The fewest people-days the kept days must hold for their rarest thousandth to be read.
const AGENCY_MIN_PERSON_DAYS: u64 = 1000;

/// How many logins the people the agency looks up (without a case that explains it) draw
/// in a day, over its last [`AGENCY_DAYS`] days: at a port of entry a commuter is inspected
/// at six booths a day and a bus's forty travellers at four, where a police department's
/// people draw one or two. A surge is attention this agency's ordinary days do not show.
///
/// A calendar day, though a surge is counted over a sliding one (`window_hours`) that may
/// span two: counted over a day and the day before, or as each person's busiest sliding
/// day, the floor rose past the sheriff's 400 x 60 world's labelled surges of seven and
/// eight deputies (measured, not kept).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct AgencyAttention {
    /// Per day, oldest first: how many people drew n logins (index n; the last bucket
    /// holds more).
    days: VecDeque<(NaiveDate, Vec<u64>)>,
    /// [`AgencyAttention::floor`] of the days kept, worked out when a day is added.
    #[serde(skip)]
    floor: u32,
    /// The floor for people the agency serves ([`SERVICE_PER_DAY`]), worked out with it.
    #[serde(skip)]
    service_floor: u32,
}

/// How often the agency's ordinary days may reach the floor of a surge made of exempt work
/// (a caller put through to rep after rep, a traveller inspected at booth after booth): on
/// one day in seven. Where such work is the trade, it draws several logins to thousands
/// of people a day, and a share of them (one in a thousand) is still dozens of surges a
/// day; the days kept say how many logins an ordinary week's busiest served person drew.
const SERVICE_PER_DAY: f64 = 1.0 / 7.0;

/// More people than this drawing a surge's bar of logins in one calendar day, or drawing a
/// surge of served people of their own that day (their calls straddling midnight UTC), the
/// surge made of exempt work, make the bar that day's service rather than attention to one
/// person: a refund-delay announcement puts the same callers through to rep after rep, a
/// BOLO has every booth check one car; a person in the news is one or two people.
const SERVICE_WAVE_PEOPLE: usize = 5;

/// At most one person in this many of a surge may have looked the person up without the
/// case's number for the surge to be the case's broadcast ([`Window::case_broadcast`]).
const BROADCAST_WITHOUT_NUMBER: usize = 10;

/// The largest count of logins a day's histogram tells apart.
const AGENCY_BUCKETS: usize = 64;

impl AgencyAttention {
    /// The floor a surge in `w` must pass: the service floor when most of its people looked
    /// the person up only in exempt work ([`Window::served_mostly`]), never below the
    /// agency's rarest thousandth.
    fn floor_for(&self, w: &Window) -> u32 {
        if w.served_mostly() {
            self.floor.max(self.service_floor)
        } else {
            self.floor
        }
    }

    /// Counts a day: how many logins looked up each person looked up that day
    /// ([`crate::baseline::DayTally::persons`]).
    fn add(&mut self, day: NaiveDate, counts: impl Iterator<Item = usize>) {
        let mut h = vec![0u64; AGENCY_BUCKETS + 1];
        for n in counts {
            if let Some(b) = h.get_mut(n.min(AGENCY_BUCKETS)) {
                *b += 1;
            }
        }
        // A day closed twice (a live service's checkpoint, then late events of that day)
        // is one day: its people-days add up.
        match self.days.back_mut() {
            Some((d, last)) if *d == day => {
                for (t, n) in last.iter_mut().zip(&h) {
                    *t += n;
                }
            }
            _ => self.days.push_back((day, h)),
        }
        while self.days.len() > AGENCY_DAYS {
            self.days.pop_front();
        }
        self.refloor();
    }

    /// One more than the most logins that more than [`AGENCY_RARITY`] of the people-days
    /// kept reached: the fewest that at most that share reached. 0 (no floor) while fewer
    /// than [`AGENCY_MIN_PERSON_DAYS`] people-days are kept.
    fn refloor(&mut self) {
        let mut total = vec![0u64; AGENCY_BUCKETS + 1];
        for (_, h) in &self.days {
            for (t, n) in total.iter_mut().zip(h) {
                *t += n;
            }
        }
        let all: u64 = total.iter().sum();
        self.floor = 0;
        self.service_floor = 0;
        if all < AGENCY_MIN_PERSON_DAYS {
            return;
        }
        let allowed = SERVICE_PER_DAY * self.days.len() as f64;
        let mut tail = 0u64;
        for n in (1..=AGENCY_BUCKETS).rev() {
            tail += total.get(n).copied().unwrap_or(0);
            if tail as f64 > allowed {
                self.service_floor = (n + 1) as u32;
                break;
            }
        }
        let allowed = AGENCY_RARITY * all as f64;
        let mut tail = 0u64;
        for n in (1..=AGENCY_BUCKETS).rev() {
            tail += total.get(n).copied().unwrap_or(0);
            if tail as f64 > allowed {
                self.floor = (n + 1) as u32;
                return;
            }
        }
    }
}

/// The history key of a bare name's attention: the same key
/// [`crate::baseline::tally::subject_key`] gives a lookup by that name alone.
fn bare_key(name: &str) -> String {
    format!("name:{name}")
}

/// A bare name as typed, for the reason of a login that joins a surge by it alone: the
/// name fields only (a placeholder person id typed beside it is no part of the name).
fn typed_name(s: &Subject) -> String {
    match (&s.last_name, &s.first_name, &s.name) {
        (Some(l), Some(f), _) => format!("{l}, {f}"),
        (Some(l), None, _) => l.to_string(),
        (None, _, Some(n)) => n.to_string(),
        (None, Some(f), None) => f.to_string(),
        (None, None, None) => String::new(),
    }
}

/// How a lookup named its subject, for reasons (`SMITH, JANE (DOB 1981-02-03)`).
fn shown(s: &Subject) -> String {
    let name = match (&s.last_name, &s.first_name, &s.name) {
        (None, None, None) => None,
        _ => Some(typed_name(s)),
    };
    let mut parts = Vec::new();
    if let Some(id) = &s.person_id {
        parts.push(format!("person {id}"));
    }
    if let Some(n) = name {
        parts.push(n);
    }
    if let Some(d) = &s.dob {
        parts.push(format!("(DOB {d})"));
    }
    if parts.is_empty() {
        if let Some(p) = &s.plate {
            parts.push(format!("plate {p}"));
        } else if let Some(p) = &s.phone {
            parts.push(format!("phone {p}"));
        }
    }
    parts.join(" ")
}

impl SubjectSurge {
    /// A bare-name lookup: part of a surge on a person of that name the login is already
    /// flagged in today, or of one established without it when the name alone is not one
    /// several logins search on an ordinary day (`usual_attention` of the bare name, asked
    /// only when such a surge is under way); otherwise kept for the window in case the login
    /// is found in one later.
    fn bare_name(
        &mut self,
        bare: (&str, &str),
        ts: DateTime<Utc>,
        ev: &Event,
        usual_attention: impl Fn() -> u32,
    ) {
        let (user, name) = bare;
        let (login, id) = (ev.user.as_str(), ev.id.as_str());
        // The surges under way on someone of this name, in a fixed order.
        let mut named: Vec<&String> = self
            .surges
            .keys()
            .filter(|p| self.persons.get(*p).is_some_and(|w| w.names.contains(name)))
            .collect();
        named.sort_unstable();
        // A surge the login is already caught in takes its bare searches of the name.
        for person in &named {
            let key = (user.to_string(), (*person).clone());
            let caught = self
                .surges
                .get(*person)
                .is_some_and(|s| s.logins.contains(login));
            if let (true, Some(f)) = (caught, self.flagged.get_mut(&key)) {
                f.events.push((ts, id.to_string()));
                return;
            }
        }
        // Otherwise the login joins a surge that still holds — its latest identifying
        // lookup was flagged and is within the window — when it is the only one on someone
        // of that name (two people of one name in the news: the bare name says neither).
        let holding: Vec<String> = named
            .into_iter()
            .filter(|p| {
                self.persons.get(*p).is_some_and(|w| {
                    w.flagged == w.entries.len()
                        && w.entries.back().is_some_and(|e| ts - e.ts < self.window)
                })
            })
            .cloned()
            .collect();
        if let [person] = holding.as_slice() {
            let name_attention = usual_attention();
            if name_attention <= 1 {
                if let Some(surge) = self.surges.get_mut(person) {
                    surge.logins.insert(login.to_string());
                }
                let f = self
                    .flagged
                    .entry((user.to_string(), person.clone()))
                    .or_insert_with(|| Flagged {
                        login: login.to_string(),
                        name_only: true,
                        typed_name: typed_name(&ev.subject),
                        name_attention,
                        ..Flagged::default()
                    });
                f.events.push((ts, id.to_string()));
                return;
            }
        }
        let q = self
            .bare
            .entry((user.to_string(), name.to_string()))
            .or_default();
        while q.front().is_some_and(|b| ts - b.ts >= self.window) {
            q.pop_front();
        }
        q.push_back(BareName {
            ts,
            id: id.to_string(),
            login: login.to_string(),
            typed: typed_name(&ev.subject),
        });
    }

    /// When a surge starts: the bare-name searches of the person that other logins typed
    /// earlier in the window, with no case explaining them, join it (under the same rule
    /// as [`Self::bare_name`]'s later ones).
    fn join_earlier_bare_names(
        &mut self,
        person: &str,
        now: DateTime<Utc>,
        day: NaiveDate,
        cx: &Context<'_>,
    ) {
        let Some(w) = self.persons.get(person) else {
            return;
        };
        let since = now - self.window;
        // A name that another surge under way also bears says neither person.
        let shared = |n: &String| {
            self.surges
                .keys()
                .any(|p| p != person && self.persons.get(p).is_some_and(|o| o.names.contains(n)))
        };
        let mut waiting: Vec<(String, String)> = self
            .bare
            .iter()
            .filter(|((_, n), q)| {
                w.names.contains(n) && q.back().is_some_and(|b| b.ts >= since) && !shared(n)
            })
            .map(|(k, _)| k.clone())
            .collect();
        waiting.sort_unstable();
        let Some(surge) = self.surges.get_mut(person) else {
            return;
        };
        let mut usual: HashMap<String, u32> = HashMap::default();
        for (user, name) in waiting {
            let attention = *usual
                .entry(name.clone())
                .or_insert_with(|| cx.history.person_attention(&bare_key(&name), day));
            if attention > 1 {
                continue;
            }
            let Some(q) = self.bare.remove(&(user.clone(), name.clone())) else {
                continue;
            };
            let f = self
                .flagged
                .entry((user.clone(), person.to_string()))
                .or_insert_with(|| Flagged {
                    name_only: true,
                    name_attention: attention,
                    ..Flagged::default()
                });
            for b in q.into_iter().filter(|b| b.ts >= since) {
                if f.login.is_empty() {
                    f.login = if b.login.is_empty() {
                        user.clone()
                    } else {
                        b.login.clone()
                    };
                }
                if f.typed_name.is_empty() {
                    f.typed_name = if b.typed.is_empty() {
                        name.clone()
                    } else {
                        b.typed.clone()
                    };
                }
                f.events.push((b.ts, b.id));
            }
            surge.logins.insert(f.login.clone());
        }
    }

    /// Forgets bare-name lookups that can no longer fall in a window reaching the next day.
    fn bare_close_day(&mut self, day: NaiveDate) {
        let horizon = day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc() - self.window);
        if let Some(h) = horizon {
            self.bare.retain(|_, q| {
                while q.front().is_some_and(|b| b.ts < h) {
                    q.pop_front();
                }
                !q.is_empty()
            });
        }
    }
}

impl Detector for SubjectSurge {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        std::mem::take(&mut self.notes)
    }

    fn take_case_broadcasts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.broadcast_lookups)
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, _out: &mut Vec<Finding>) {
        let Some(a) = cx.activity else {
            return;
        };
        let Some(subject) = a.unexplained_subject() else {
            return;
        };
        // A service account's job (a nightly insurance match, a toll feed) reads whoever its
        // input names: nobody's attention, and never one of the logins of a surge.
        if cx.resolver.is_service_login(&ev.user) {
            return;
        }
        let name = r.query.name_keys.first();
        if !subject.precise {
            // A bare name is never a person on its own (five officers, five John Smiths),
            // but the same login typing the name of the person it is caught surging on,
            // in the same hours, is part of what it did.
            if let Some(name) = name {
                let day = a.day();
                let usual = || cx.history.person_attention(&bare_key(name), day);
                self.bare_name((a.user.as_str(), name), a.ts, ev, usual);
            }
            return;
        }
        if !self.persons.contains_key(&subject.key) {
            self.persons.insert(subject.key.clone(), Window::default());
        }
        let Some(w) = self.persons.get_mut(&subject.key) else {
            return;
        };
        w.pop_older_than(a.ts - self.window);
        if w.entries.is_empty() {
            w.shown = shown(&ev.subject);
            w.names.clear();
            w.own = false;
        }
        // A change to the person's record under an exempt purpose is the login's service to
        // the person (the customer at its counter, a renewal issued): its lookups of them in
        // the window were that transaction, not attention, and leave the window, and a
        // surge that stood on them dissolves. A change under no case, or under a case that
        // does not list the person, is not service and stays a lookup.
        if r.is_write && matches!(r.case, CaseStatus::Exempt { .. }) {
            w.served.insert(a.user.clone(), a.ts);
            let was_flagged = w.withdraw(&a.user);
            let key = (a.user.clone(), subject.key.clone());
            if let Some(f) = self.flagged.remove(&key) {
                if let Some(surge) = self.surges.get_mut(&subject.key) {
                    surge.logins.remove(&f.login);
                }
            }
            let attention = w.attention.map_or(0, |(_, n)| n);
            if was_flagged
                && w.per_user.len()
                    < threshold(&self.cfg, attention, self.agency.floor_for(w)) as usize
            {
                w.unflag();
                self.flagged.retain(|k, _| k.1 != subject.key);
                self.surges.remove(&subject.key);
            }
            return;
        }
        if w.served.contains_key(&a.user) {
            return;
        }
        // The name as typed, and as the reference data writes the person it matched (a
        // typo with a date of birth still finds them; the bare searches use the real name).
        let known = r
            .watchlist
            .iter()
            .filter_map(|m| cx.resolver.watch_entry(m.entry).map(|(_, p)| p))
            .chain(
                r.subjects
                    .iter()
                    .filter_map(|m| cx.resolver.case_subject(m.entry)),
            )
            .filter_map(|p| p.name.as_ref().map(name_key));
        for n in name.cloned().into_iter().chain(known) {
            if !w.names.contains(&n) {
                w.names.insert(n);
            }
        }
        w.own |= r.names_the_agencys_own();
        w.push(Entry {
            ts: a.ts,
            user: a.user.clone(),
            login: ev.user.clone(),
            id: ev.id.clone(),
            flagged: false,
            service: matches!(r.case, CaseStatus::Exempt { .. }),
            under_case: r.not_assigned_lists(),
            person: r
                .personnel
                .map(|p| crate::refs::login_key(&p.employee_id))
                .filter(|k| !k.is_empty())
                .unwrap_or_default(),
        });
        let distinct = w.per_user.len();
        if distinct < self.cfg.min_users as usize {
            return;
        }
        let day = a.day();
        let attention = match w.attention {
            Some((d, n)) if d == day => n,
            _ => {
                let n = cx.history.person_attention(&subject.key, day);
                w.attention = Some((day, n));
                n
            }
        };
        let agency = self.agency.floor_for(w);
        let threshold = threshold(&self.cfg, attention, agency);
        if distinct < threshold as usize {
            return;
        }
        let surge = self.surges.entry(subject.key.clone()).or_default();
        let onset = surge.logins.is_empty();
        if surge.shown.is_empty() {
            surge.shown = w.shown.clone();
        }
        surge.peak_users = surge.peak_users.max(distinct);
        surge.threshold = threshold;
        surge.attention = attention;
        surge.agency = agency;
        surge.service_floor = agency > self.agency.floor;
        surge.served = w.served_mostly();
        surge.one_unit = surge.served && w.one_units_service(cx.resolver);
        surge.broadcast = w.case_broadcast();
        let from = w.flagged;
        for e in w.entries.iter_mut().skip(from) {
            e.flagged = true;
            if !surge.logins.contains(e.login.as_str()) {
                surge.logins.insert(e.login.to_string());
            }
            let f = self
                .flagged
                .entry((e.user.clone(), subject.key.clone()))
                .or_default();
            if f.login.is_empty() {
                f.login = e.login.to_string();
            }
            // Typed the person identifiably after all: an ordinary participant.
            f.name_only = false;
            f.events.push((e.ts, e.id.to_string()));
            // The login's bare-name searches of this person's names in the window.
            for n in &w.names {
                if let Some(q) = self.bare.get_mut(&(e.user.clone(), n.clone())) {
                    let since = a.ts - self.window;
                    for b in q.drain(..).filter(|b| b.ts >= since) {
                        f.events.push((b.ts, b.id));
                    }
                }
            }
        }
        w.flagged = w.entries.len();
        if onset {
            self.join_earlier_bare_names(&subject.key, a.ts, a.day(), cx);
        }
    }

    fn close_day(&mut self, day: NaiveDate, cx: &DayContext<'_>, out: &mut Vec<DayFinding>) {
        self.bare_close_day(day);
        self.agency
            .add(day, cx.tally.persons.values().map(|users| users.len()));
        // How many logins each person drew today, to tell a day's service from a surge.
        let mut today: Vec<usize> = cx.tally.persons.values().map(|u| u.len()).collect();
        today.sort_unstable();
        let reaching = |bar: u32| today.len() - today.partition_point(|&n| n < bar as usize);
        // People whose sliding day of served logins made a surge today: a day's service
        // whose calls straddle two calendar days is counted here.
        let served_today = self.surges.values().filter(|s| s.served).count();
        let mut wave = 0u64;
        let mut unit_service = 0u64;
        let mut broadcast = 0u64;
        let mut keys: Vec<(String, String)> = self.flagged.keys().cloned().collect();
        keys.sort_unstable();
        let hours = self.cfg.window_hours;
        for k in keys {
            let Some(mut f) = self.flagged.remove(&k) else {
                continue;
            };
            // Bare-name lookups join from their own buffer: keep the alert in time order.
            f.events.sort();
            f.events.dedup();
            let Some(surge) = self.surges.get(&k.1) else {
                continue;
            };
            if surge.served
                && (reaching(surge.threshold) > SERVICE_WAVE_PEOPLE
                    || served_today > SERVICE_WAVE_PEOPLE)
            {
                wave += 1;
                continue;
            }
            // Only where the agency's days show the people it serves drawing this many
            // logins (the service floor set the bar): a unit's trade is then shown to
            // bring several of its people to one person; without that history a unit's
            // curiosity (a famous customer at one office's counters) is not explained.
            if surge.one_unit && surge.service_floor {
                unit_service += 1;
                continue;
            }
            if surge.broadcast {
                broadcast += 1;
                self.broadcast_lookups
                    .extend(f.events.iter().map(|(_, id)| id.clone()));
                continue;
            }
            let (Some(first), Some(last)) = (
                f.events.iter().map(|e| e.0).min(),
                f.events.iter().map(|e| e.0).max(),
            ) else {
                continue;
            };
            let mut evidence = json!({
                "person": k.1,
                "searched": surge.shown,
                // Distinct people ([`Entry::who`]); the key keeps its name for readers of
                // earlier alerts.
                "logins_in_window": surge.peak_users,
                "logins_flagged_that_day": surge.logins,
                "window_hours": hours,
                "threshold": surge.threshold,
                "usual_attention": surge.attention,
                "name_only": f.name_only,
            });
            // Said only where it set the threshold, as the reason says it.
            if surge.agency >= surge.threshold {
                evidence["agency_attention_floor"] = json!(surge.agency);
                if surge.service_floor {
                    evidence["served_in_exempt_work"] = json!(true);
                }
            }
            if f.name_only {
                // The baseline a name-only login was judged by: the name's own attention.
                evidence["name_usual_attention"] = json!(f.name_attention);
            }
            out.push(DayFinding {
                on: None,
                kind: "many_users".into(),
                // A bare name is the weaker evidence: never more than medium on its own.
                severity: if !f.name_only && surge.peak_users >= 2 * surge.threshold as usize {
                    Severity::High
                } else {
                    Severity::Medium
                },
                strength: 1.0,
                user: f.login.clone(),
                group: format!("person:{}", k.1),
                first,
                last,
                event_ids: f.events.iter().map(|e| e.1.clone()).collect(),
                reason: {
                    let who = if surge.shown.is_empty() { k.1.clone() } else { surge.shown.clone() };
                    let mut usual = match surge.attention {
                        0 => "there is no history to say how much attention they usually draw"
                            .to_string(),
                        1 => "usually at most one login a day looks them up".to_string(),
                        n => format!("usually {n} logins a day look them up"),
                    };
                    if surge.agency >= surge.threshold && surge.service_floor {
                        usual.push_str(&format!(
                            ", and the people this agency serves in exempt work draw {} or more logins in a day on fewer than one day in seven",
                            surge.agency
                        ));
                    } else if surge.agency >= surge.threshold {
                        usual.push_str(&format!(
                            ", and at most one in a thousand of the people this agency looks up draws {} or more logins in a day",
                            surge.agency
                        ));
                    }
                    let (n, from, to) = (f.events.len(), format_ts(&first), format_ts(&last));
                    let lookups = if n == 1 {
                        format!("1 lookup, at {from}")
                    } else {
                        format!("{n} lookups, {from} to {to}")
                    };
                    if f.name_only {
                        let name_usual = match f.name_attention {
                            0 => "there is no history to say how often that name alone is searched",
                            _ => "on an ordinary day at most one login searches that name alone without a case",
                        };
                        format!(
                            "Searched the bare name {} on {day} ({lookups}) with no case that lists the person, while {} people looked up {who} within {hours} hours, none with a case that lists the person; {name_usual}.",
                            f.typed_name, surge.peak_users,
                        )
                    } else {
                        format!(
                            "Looked up {who} on {day} ({lookups}) as one of {} people within {hours} hours, none with a case that lists the person; {usual}.",
                            surge.peak_users,
                        )
                    }
                },
                evidence,
            });
        }
        if wave > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "service_wave",
                count: wave,
            });
        }
        if unit_service > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "unit_service",
                count: unit_service,
            });
        }
        if broadcast > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "case_broadcast",
                count: broadcast,
            });
        }
        self.surges.clear();
        // Forget people whose window cannot reach into the next day.
        let horizon = day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc() - self.window);
        if let Some(h) = horizon {
            self.persons.retain(|_, w| {
                w.entries.back().is_some_and(|e| e.ts >= h) || w.served.values().any(|t| *t >= h)
            });
        }
    }

    fn save(&self) -> Option<Value> {
        let mut persons: Vec<(&String, &Window)> = self.persons.iter().collect();
        persons.sort_by(|a, b| a.0.cmp(b.0));
        let map: serde_json::Map<String, Value> = persons
            .into_iter()
            .filter_map(|(k, w)| serde_json::to_value(w).ok().map(|v| (k.clone(), v)))
            .collect();
        let mut bare: Vec<(&(String, String), &VecDeque<BareName>)> = self.bare.iter().collect();
        bare.sort_by(|a, b| a.0.cmp(b.0));
        let bare: Vec<Value> = bare
            .into_iter()
            .map(|((user, name), q)| json!({ "user": user, "name": name, "lookups": q }))
            .collect();
        Some(json!({ "windows": map, "bare_names": bare, "agency": self.agency }))
    }

    fn restore(&mut self, saved: &Value) -> Result<(), SavedStateError> {
        let windows: std::collections::BTreeMap<String, Window> = saved_field(saved, "windows")?;
        for (k, mut w) in windows {
            w.reindex();
            self.persons.insert(k, w);
        }
        #[derive(Deserialize)]
        struct SavedBare {
            user: String,
            name: String,
            lookups: VecDeque<BareName>,
        }
        if let Some(bare) = saved.get("bare_names") {
            let bare: Vec<SavedBare> = saved_value(bare, "bare_names")?;
            for b in bare {
                self.bare.insert((b.user, b.name), b.lookups);
            }
        }
        // States saved before the agency's people-days were kept start counting afresh.
        if let Some(agency) = saved.get("agency") {
            self.agency = saved_value(agency, "agency")?;
            self.agency.refloor();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{AgencyAttention, Entry, Window, AGENCY_DAYS};
    use chrono::NaiveDate;

    /// The `d`th day from 1 September 2025.
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default()
            + chrono::Days::new(u64::from(d) - 1)
    }

    /// The floor is the fewest logins at most one in a thousand people-days reached, read
    /// only from a thousand people-days, over the last four weeks.
    #[test]
    fn the_agencys_floor_is_its_rarest_thousandth_of_people_days() {
        let mut a = AgencyAttention::default();
        // 998 people drew one login: too few people-days to read a thousandth.
        a.add(day(1), std::iter::repeat_n(1, 998));
        assert_eq!(a.floor, 0);
        // Two commuters drew six: 2 of 1,000 reach six, none seven.
        a.add(day(2), [6, 6].into_iter());
        assert_eq!(a.floor, 7);
        // A thousand more people-days of two logins each: of 2,000, the commuters alone
        // reach three, one in a thousand, and the floor is three.
        a.add(day(3), std::iter::repeat_n(2, 1000));
        assert_eq!(a.floor, 3);
        // Four weeks of one login each on: the earlier days are gone, and nobody drew two.
        for d in 4..(4 + AGENCY_DAYS as u32) {
            a.add(day(d), std::iter::repeat_n(1, 100));
        }
        assert_eq!(a.floor, 2);
        // A day closed twice is one day: its people-days add up, and four weeks still
        // hold 28 days.
        let last = day(3 + AGENCY_DAYS as u32);
        a.add(last, [9, 9, 9].into_iter());
        assert_eq!(a.days.len(), AGENCY_DAYS);
        assert_eq!(a.floor, 10, "3 of 2,803 people-days reach nine");
    }

    /// At a contact centre every day serves thousands: a thousandth of them is dozens of
    /// people a day, and the floor for people served is what an ordinary week's busiest drew.
    #[test]
    fn the_service_floor_is_what_about_one_day_in_seven_reaches() {
        let mut a = AgencyAttention::default();
        for d in 1..=14 {
            // Each day 10,000 people, 30 of them drawing six logins and one on every other
            // day drawing eight.
            let eight = if d % 2 == 0 { 1 } else { 0 };
            let days = std::iter::repeat_n(1, 10_000 - 30 - eight)
                .chain(std::iter::repeat_n(6, 30))
                .chain(std::iter::repeat_n(8, eight));
            a.add(day(d), days);
        }
        // 420 + 7 of 140,000 reach six: a thousandth (140) is passed at six.
        assert_eq!(a.floor, 7);
        // Fourteen days allow two people-days above the service floor; seven reach eight.
        assert_eq!(a.service_floor, 9);
        let mut w = Window::default();
        for (n, service) in [(1, true), (2, true), (3, false)] {
            w.push(entry(&format!("rep{n}"), service, false));
        }
        assert!(w.served_mostly());
        assert_eq!(a.floor_for(&w), 9);
        w.own = true;
        assert!(!w.served_mostly(), "a colleague is attention however typed");
        assert_eq!(a.floor_for(&w), 7);
    }

    /// One login's lookup, now.
    fn entry(login: &str, service: bool, under_case: bool) -> Entry {
        Entry {
            ts: chrono::Utc::now(),
            user: login.to_string(),
            login: login.into(),
            id: format!("e-{login}").into(),
            flagged: false,
            person: String::new(),
            service,
            under_case,
        }
    }

    /// A window of `people` logins, the first `under_case` of them typing the case that
    /// lists the person.
    fn window_under_case(people: usize, under_case: usize) -> Window {
        let mut w = Window::default();
        for n in 0..people {
            w.push(entry(&format!("po{n}"), false, n < under_case));
        }
        w
    }

    /// Every car typed the case's number: a broadcast. One in ten may lack it (a plate
    /// typed before the number went out), fewer than ten people none.
    #[test]
    fn a_case_every_login_typed_is_a_broadcast() {
        assert!(window_under_case(6, 6).case_broadcast());
        assert!(
            !window_under_case(7, 6).case_broadcast(),
            "six of seven: attention"
        );
        assert!(window_under_case(10, 9).case_broadcast());
        assert!(window_under_case(26, 24).case_broadcast());
        assert!(!window_under_case(26, 23).case_broadcast());
        let mut own = window_under_case(6, 6);
        own.own = true;
        assert!(
            !own.case_broadcast(),
            "a colleague is attention, case or not"
        );
    }
}
