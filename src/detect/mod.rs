//! The detection core: one engine that sees events one at a time, in time order, and
//! hands each (with its identity resolution) to every detector behind one trait.
//!
//! Detectors return [`Finding`]s about single events; the [`Engine`] groups repeated
//! findings (same detector, kind, user and person or case, within a UTC day) into one
//! [`Alert`] and emits it when the day is over — when an event from a later day arrives, or
//! when the input ends. Behaviour detectors also judge whole days when a day ends
//! ([`Detector::close_day`], returning [`DayFinding`]s), against the [`History`] of earlier
//! days that the engine keeps: each day's tally is committed to it once the day is judged.
//! Time comes only from events, never the wall clock, so the nightly audit and the
//! streaming service give the same alerts for the same events; detectors whose state spans
//! midnight save it with the history ([`Detector::save`]) so night-by-night runs agree with
//! one long run.
//!
//! Detector families live one per file; [`registry`] lists them with their documentation,
//! which `custodes detectors` prints and the README reproduces.

pub mod association;
mod case_scene;
mod closed_work;
pub mod coworker;
mod day_recheck;
mod fan_out;
pub mod fishing;
mod held_over;
mod name_census;
pub mod no_case;
pub mod odd_volume;
mod others_cases;
mod routine;
pub mod self_query;
pub mod shared_credential;
pub mod subject_surge;
mod surge_in_sweep;
mod unlisted;
pub mod watchlist;
mod window;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::alert::{alert_id, score, Alert, Severity};
use crate::baseline::state::{Carry, State};
use crate::baseline::{activity, Activity, DayTally, History};
use crate::config::Config;
use crate::event::{format_ts, Event};
use crate::identity::{CaseStatus, Resolved, Resolver};
use crate::summary::RunStats;

/// What a detector says about one event.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub kind: String,
    pub severity: Severity,
    /// 0–1: how sure the finding is (the identity match strength, or 1 for facts).
    pub strength: f64,
    /// What repeated findings share, for grouping (`employee:E1`, `case:C-7`).
    pub group: String,
    /// A sentence an investigator can read aloud.
    pub reason: String,
    pub evidence: Value,
    /// Earlier events the finding also rests on (the other side of a concurrent session).
    pub also: Vec<String>,
    /// When the earliest of those happened, so the alert's window covers them.
    pub since: Option<DateTime<Utc>>,
    /// An identity match by name alone on a lookup exempt from needing a case: held back
    /// where the login names strangers routinely under that purpose ([`routine`]).
    pub name_alone_exempt: bool,
    /// For a lookup under a unit colleague's case that lists the person: the logins of the
    /// case's holders in the user's unit. Held until the day ends, and not raised when the
    /// user worked two or more cases of one of them that day: the unit working a
    /// colleague's caseload ([`Resolver::unit_holders`], [`Engine::settle_coverage`]).
    pub unit_holders: Vec<String>,
    /// A lookup under a case not open at the time that lists the person looked up: held
    /// until the day ends, and not raised when the user's unit works people of closed cases
    /// by trade under the lookup's purpose ([`closed_work`], [`Engine::settle_closed_work`]).
    pub closed_case_of_the_person: bool,
    /// A lookup under an existing case the user is not assigned to that lists the person,
    /// who is none of the agency's own: held until the day ends, and not raised when the
    /// login's work under the purpose is other people's cases ([`others_cases`]) or when the
    /// user wraps up two or more cases they held until the week before
    /// ([`Engine::settle_others_cases`]); otherwise judged for coverage, or raised.
    pub others_case_of_the_person: bool,
    /// A lookup with no case typed, by a supervisor, of a person an open case of one of
    /// their direct reports lists: held until the day ends, and not raised unless the person
    /// drew a surge of attention that day or the user's other lookups with no case that day
    /// are raised ([`Engine::settle_reviews`]).
    pub review_of_a_reports_case: bool,
    /// A lookup of a stranger typed in full under the user's own case that lists other
    /// people ([`Resolved::stranger_not_listed`]): held until the day ends, and not raised
    /// when the login looks up such strangers on two or more days, or sweeps three or more
    /// of its cases' strangers that day ([`unlisted`], [`Engine::settle_strangers`]).
    pub stranger_not_in_case: bool,
    /// A lookup under the user's own open case that does not list the person, who is none
    /// of the agency's own: held until the day ends, and not raised when the login worked
    /// the same case within [`case_scene::SCENE`] either side ([`case_scene`]).
    pub unlisted_in_own_case: bool,
    /// An event that carries on an episode an alert already open today for the same group
    /// stands on, without being a finding of its own: a lookup made at the far site after
    /// a move no one could make (`shared_credential`'s `impossible_travel`), which is what
    /// whoever used the login there did. It joins that alert's events and window, never
    /// counts as a repetition, and never opens an alert.
    pub continues: bool,
}

/// What a day's judgement did that raised nothing but that the run's summary must say, so
/// that nothing is set aside without a word.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DayNote {
    /// Findings of `kind` that the day explains (a unit's shift change, the agency's hours)
    /// and that were not raised.
    SetAside { kind: &'static str, count: u64 },
    /// The day's counts were judged at the agency's pace: the median user worked `effect`
    /// times their usual day.
    AgencyDay { day: NaiveDate, effect: f64 },
}

impl DayNote {
    /// A detector's counts of findings set aside since its last notes, one note per kind
    /// that set any aside.
    pub(crate) fn set_aside(counts: impl IntoIterator<Item = (&'static str, u64)>) -> Vec<Self> {
        counts
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|(kind, count)| DayNote::SetAside { kind, count })
            .collect()
    }
}

/// What a detector judges a whole day (or window) about: an alert in all but its id.
#[derive(Debug, Clone)]
pub(crate) struct DayFinding {
    /// The day the finding is about when it is not the day being closed: a day judged
    /// again once later days could judge it ([`day_recheck`]). The alert's id names it.
    pub on: Option<NaiveDate>,
    pub kind: String,
    pub severity: Severity,
    pub strength: f64,
    /// The login as the events spell it.
    pub user: String,
    /// What distinguishes this alert from others of the same kind, user and day.
    pub group: String,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub event_ids: Vec<String>,
    pub reason: String,
    pub evidence: Value,
}

/// What a detector sees with each event besides the event itself.
pub struct Context<'a> {
    pub resolver: &'a Resolver,
    /// Earlier days (never the current one).
    pub history: &'a History,
    /// The event as behaviour history sees it; `None` for session events.
    pub activity: Option<&'a Activity>,
    /// The purposes each login types, the current event's counted.
    pub(crate) routines: &'a routine::Routines,
}

/// What a detector sees when a day ends.
pub(crate) struct DayContext<'a> {
    pub resolver: &'a Resolver,
    /// The days before the one ending.
    pub history: &'a History,
    /// The day ending.
    pub tally: &'a DayTally,
}

/// What detection needs of an event besides the engine's state: who and what it names
/// (identity resolution) and what it adds to behaviour history. Both are functions of the
/// event and the reference data alone, so the batch audit makes them on worker threads.
pub(crate) struct Prepared<'r> {
    pub resolved: Resolved<'r>,
    pub activity: Option<Activity>,
}

impl<'r> Prepared<'r> {
    pub fn new(resolver: &'r Resolver, ev: &Event) -> Self {
        let resolved = resolver.resolve(ev);
        let activity = activity(ev, &resolved, resolver);
        Prepared { resolved, activity }
    }
}

/// A detector family. Implementations must be deterministic functions of the events they
/// have seen (no clock, no randomness), so that batch and streaming runs agree.
pub(crate) trait Detector: Send {
    /// The contract's `detector` name.
    fn name(&self) -> &'static str;
    /// Looks at one event; appends findings to `out`.
    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>);
    /// Judges the day that is ending (all its events have been observed).
    fn close_day(&mut self, _day: NaiveDate, _cx: &DayContext<'_>, _out: &mut Vec<DayFinding>) {}
    /// What the last [`Detector::close_day`] set aside or adjusted, for the summary; taken
    /// once after each day.
    fn day_notes(&mut self) -> Vec<DayNote> {
        Vec::new()
    }
    /// State that must survive into the next run (open windows); `None` when there is none.
    fn save(&self) -> Option<Value> {
        None
    }
    /// Takes back what [`Detector::save`] returned in an earlier run.
    fn restore(&mut self, _saved: &Value) -> Result<(), SavedStateError> {
        Ok(())
    }
    /// Takes back only what [`Detector::save`] holds of what was learnt from days before
    /// `before` (a login's usual day, its pace), no open window: the run audits again days
    /// the state has seen, and counts them afresh. Nothing for a detector that learns
    /// nothing across runs.
    fn restore_learnt(
        &mut self,
        _saved: &Value,
        _before: NaiveDate,
    ) -> Result<(), SavedStateError> {
        Ok(())
    }
    /// Forgets what it holds to judge on a later day (`odd_volume`'s days held for the days
    /// after them): for `custodes baseline`, which raises nothing of the days it learns
    /// from, now or in a later run.
    fn forget_held(&mut self) {}
    /// How many things it holds to judge on a later day, for the summary of a run's end.
    fn held(&self) -> u64 {
        0
    }
    /// The logins whose day `day` it holds as a breadth to judge later (`odd_volume`'s
    /// `distinct_subjects` days let pass for want of history), with the day's event ids:
    /// sweeps that `surge_in_sweep` may count before they are judged.
    fn held_breadth(&self, _day: NaiveDate) -> Vec<(String, Vec<String>)> {
        Vec::new()
    }
    /// The event ids of the lookups that the day's close found to be a case worked by many
    /// hands (`subject_surge`'s `case_broadcast`: every person who looked the person up
    /// but one in ten typed a case that lists them), taken: the engine sets the same
    /// lookups' `not_assigned` findings aside ([`Engine::settle_others_cases`]).
    fn take_case_broadcasts(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// What is wrong with a detector's saved state (a file written by another version, or
/// edited by hand): the key that is missing or does not read.
#[derive(Debug, thiserror::Error)]
pub enum SavedStateError {
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("`{key}` does not read")]
    Unreadable {
        key: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the state does not serialise")]
    Unwritable(#[source] serde_json::Error),
    #[error("names detector `{0}`, which this build does not have")]
    UnknownDetector(String),
}

/// The value at `key` of a detector's saved state, typed.
fn saved_field<T: serde::de::DeserializeOwned>(
    saved: &Value,
    key: &'static str,
) -> Result<T, SavedStateError> {
    let v = saved.get(key).ok_or(SavedStateError::Missing(key))?;
    saved_value(v, key)
}

/// `v` (the part of a saved state at `key`), typed.
fn saved_value<T: serde::de::DeserializeOwned>(
    v: &Value,
    key: &'static str,
) -> Result<T, SavedStateError> {
    T::deserialize(v).map_err(|source| SavedStateError::Unreadable { key, source })
}

/// The documentation block every detector carries, in the same outline.
#[derive(Debug, Clone, Copy)]
pub struct DetectorDoc {
    pub name: &'static str,
    pub kinds: &'static [&'static str],
    pub what: &'static str,
    pub why: &'static str,
    pub false_positives: &'static str,
    pub tuning: &'static str,
    pub example: &'static str,
    /// Reference tables it needs (besides personnel).
    pub needs: &'static [&'static str],
}

/// One row per detector family: the one table a new detector is added to (besides its own
/// file and its configuration section). Its documentation (`custodes detectors`, the
/// README), how it is built, and its colour on every chart of the workbench, so that no
/// detector can be documented but not run, or run but drawn in a colour chosen by chance.
struct Family {
    doc: DetectorDoc,
    /// The detector with its section of the configuration; `None` when the reference
    /// table it needs is absent (reference loading has already said so).
    build: fn(&Resolver, &Config) -> Option<Box<dyn Detector>>,
    /// Okabe and Ito's palette, then Tol's: colour-blind safe, and no two the same (a
    /// test checks).
    colour: &'static str,
}

/// Every detector, in the order they run.
const FAMILIES: &[Family] = &[
    Family {
        doc: self_query::DOC,
        build: |_, _| Some(Box::new(self_query::SelfQuery)),
        colour: "#cc79a7",
    },
    Family {
        doc: coworker::DOC,
        build: |_, c| Some(Box::new(coworker::Coworker::new(c.baseline.history_days))),
        colour: "#e69f00",
    },
    Family {
        doc: association::DOC,
        build: |r, _| {
            r.has_associations()
                .then(|| Box::new(association::AssociationLookup) as Box<dyn Detector>)
        },
        colour: "#d55e00",
    },
    Family {
        doc: watchlist::DOC,
        build: |r, _| {
            r.has_watchlist()
                .then(|| Box::new(watchlist::WatchlistLookup) as Box<dyn Detector>)
        },
        colour: "#882255",
    },
    Family {
        doc: no_case::DOC,
        build: |_, _| Some(Box::new(no_case::NoCase::default())),
        colour: "#56b4e9",
    },
    Family {
        doc: shared_credential::DOC,
        build: |_, c| {
            Some(Box::new(shared_credential::SharedCredential::new(
                &c.shared_credential,
            )))
        },
        colour: "#0072b2",
    },
    Family {
        doc: odd_volume::DOC,
        build: |_, c| Some(Box::new(odd_volume::OddVolume::new(c))),
        colour: "#009e73",
    },
    Family {
        doc: subject_surge::DOC,
        build: |_, c| Some(Box::new(subject_surge::SubjectSurge::new(&c.subject_surge))),
        colour: "#999933",
    },
    Family {
        doc: fishing::DOC,
        build: |_, c| Some(Box::new(fishing::Fishing::new(c))),
        colour: "#332288",
    },
];

/// Every detector's documentation, in the order they run.
pub fn registry() -> Vec<DetectorDoc> {
    FAMILIES.iter().map(|f| f.doc).collect()
}

/// The chart colour of a detector this build knows.
pub(crate) fn colour_of(detector: &str) -> Option<&'static str> {
    FAMILIES
        .iter()
        .find(|f| f.doc.name == detector)
        .map(|f| f.colour)
}

/// Builds the detectors whose reference data is present (reference loading has already
/// said which are off and why), each with its section of `config`.
pub(crate) fn build_detectors(resolver: &Resolver, config: &Config) -> Vec<Box<dyn Detector>> {
    FAMILIES
        .iter()
        .filter_map(|f| (f.build)(resolver, config))
        .collect()
}

pub(crate) use crate::identity::person_key;

/// The severity adjustment every identity detector shares: a weak match (name only, or a
/// name shared by several people) is one level less serious; a lookup with no valid case
/// behind it is one level more.
pub(crate) fn adjust(base: Severity, strength: f64, r: &Resolved<'_>) -> Severity {
    let mut s = base;
    if strength < 0.5 {
        s = s.down();
    }
    if r.case.lacks_case() {
        s = s.up();
    }
    s
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    detector: &'static str,
    kind: String,
    user: String,
    group: String,
    day: Option<NaiveDate>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct OpenAlert {
    employee_id: Option<String>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    event_ids: Vec<String>,
    /// When each of `event_ids` happened (an earlier event a finding also rests on: the
    /// finding's `since`), so that alerts held apart merge with their events in time order.
    times: Vec<DateTime<Utc>>,
    /// Findings merged in: more than the events when a finding rests on earlier events.
    findings: usize,
    severity: Severity,
    strength: f64,
    reason: String,
    evidence: Value,
    /// Changed since [`Engine::provisional`] last reported it.
    #[serde(skip)]
    dirty: bool,
}

/// The detection core.
pub struct Engine {
    /// Shared and immutable, so that a service can swap in new reference data atomically.
    resolver: Arc<Resolver>,
    /// The settings: the detectors' sections, alert grouping and the score floor.
    config: Arc<Config>,
    detectors: Vec<Box<dyn Detector>>,
    open: HashMap<GroupKey, OpenAlert>,
    /// Name-only matches of the day held back as likely coincidences ([`routine`]): one
    /// becomes an open alert if the same person is looked up again that day.
    held: HashMap<GroupKey, OpenAlert>,
    /// Lookups under unit colleagues' cases, held until the day ends with the logins of
    /// the cases' holders in the user's unit ([`Engine::settle_coverage`]).
    covering: HashMap<GroupKey, (OpenAlert, Vec<String>, Option<held_over::Practice>)>,
    /// Lookups under closed cases that list the person, held until the day ends with the
    /// user's unit and the purpose typed ([`Engine::settle_closed_work`]).
    closing: HashMap<GroupKey, Closing>,
    closed_work: closed_work::ClosedWork,
    /// Lookups under other people's cases that list the person, held until the day ends
    /// with the purpose typed and the logins of the case's holders in the user's unit
    /// ([`Engine::settle_others_cases`]).
    borrowing: HashMap<GroupKey, Borrowing>,
    /// Supervisors' lookups with no case typed of people their reports' open cases list,
    /// one alert per lookup, held until the day ends ([`Engine::settle_reviews`]).
    reviewing: HashMap<GroupKey, Vec<OpenAlert>>,
    others_cases: others_cases::OthersCases,
    /// Lookups of strangers under the users' own cases that list others, held until the day
    /// ends ([`Engine::settle_strangers`]).
    strangers: HashMap<GroupKey, OpenAlert>,
    unlisted: unlisted::Unlisted,
    /// Lookups under the users' own cases that do not list the person, held for the
    /// case's scene until the day ends, and when each login worked each case that day
    /// ([`case_scene`]).
    scene: case_scene::CaseScene,
    /// Each login's explained lookups of the last seconds, of which a lookup with no case,
    /// or an unknown one, may be another system's line ([`fan_out`]).
    fan_out: fan_out::FanOut,
    /// Lookups under closed or other people's cases that their day would raise, held over
    /// until the practice that would explain them can be judged ([`held_over`],
    /// [`Engine::settle_held_over`]), in the order they were held.
    held_over: Vec<held_over::HeldOver>,
    routines: routine::Routines,
    day: Option<NaiveDate>,
    scratch: Vec<Finding>,
    day_scratch: Vec<DayFinding>,
    stats: RunStats,
    history: History,
    tally: DayTally,
    last_event: Option<DateTime<Utc>>,
}

/// The error of a saved state part (a detector's, or one of the engine's counts) that
/// does not read.
fn restore_error(detector: &str, source: SavedStateError) -> RestoreError {
    RestoreError {
        detector: detector.to_string(),
        source,
    }
}

/// Why a saved state cannot be taken up.
#[derive(Debug, thiserror::Error)]
#[error("the saved state of detector {detector} cannot be restored")]
pub struct RestoreError {
    pub detector: String,
    #[source]
    pub source: SavedStateError,
}

impl Engine {
    /// An engine over `resolver`'s reference data, with the settings of `config` (the
    /// configuration the resolver was built with).
    pub fn new(resolver: Arc<Resolver>, config: Arc<Config>) -> Self {
        let history = History::new(config.baseline.history_days);
        Self::with_history(resolver, config, history)
    }

    /// An engine whose behaviour detectors start from saved history.
    pub(crate) fn with_history(
        resolver: Arc<Resolver>,
        config: Arc<Config>,
        history: History,
    ) -> Self {
        let detectors = build_detectors(&resolver, &config);
        let routines = routine::Routines::new(config.baseline.history_days);
        let closed_work = closed_work::ClosedWork::new(config.baseline.history_days);
        let others_cases = others_cases::OthersCases::new(config.baseline.history_days);
        let unlisted = unlisted::Unlisted::new(config.baseline.history_days);
        Self {
            resolver,
            config,
            detectors,
            open: HashMap::default(),
            held: HashMap::default(),
            covering: HashMap::default(),
            closing: HashMap::default(),
            closed_work,
            borrowing: HashMap::default(),
            reviewing: HashMap::default(),
            others_cases,
            strangers: HashMap::default(),
            unlisted,
            scene: case_scene::CaseScene::default(),
            fan_out: fan_out::FanOut::default(),
            held_over: Vec::new(),
            routines,
            day: None,
            scratch: Vec::new(),
            day_scratch: Vec::new(),
            stats: RunStats::default(),
            history,
            tally: DayTally::default(),
            last_event: None,
        }
    }

    /// Takes up the open windows an earlier run saved. The caller must only pass a carry
    /// whose last event precedes this run's first.
    pub(crate) fn restore(&mut self, carry: &Carry) -> Result<(), RestoreError> {
        for d in self.detectors.iter_mut() {
            if let Some(v) = carry.detectors.get(d.name()) {
                d.restore(v).map_err(|e| restore_error(d.name(), e))?;
            }
        }
        self.restore_counts(carry)?;
        self.last_event = carry.last_event;
        Ok(())
    }

    /// Takes up what an earlier run learnt of days before `before` and none of its open
    /// windows: the run starts before the state's last event (a night audited again), so
    /// the windows are not this run's to continue, and the days from `before` on are counted
    /// again by it. Without this a night audited twice forgot every login's pace, the
    /// agency's hours, the screening desks' and the units' counts and the usual searches.
    pub(crate) fn restore_learnt(
        &mut self,
        carry: &Carry,
        before: NaiveDate,
    ) -> Result<(), RestoreError> {
        for d in self.detectors.iter_mut() {
            if let Some(v) = carry.detectors.get(d.name()) {
                d.restore_learnt(v, before)
                    .map_err(|e| restore_error(d.name(), e))?;
            }
        }
        self.restore_counts(carry)?;
        self.routines.forget_days_from(before);
        self.closed_work.forget_days_from(before);
        self.others_cases.forget_days_from(before);
        self.unlisted.forget_days_from(before);
        // Lookups of the nights audited again are found again, and held again if still so.
        self.held_over
            .retain(|h| h.key.day.is_some_and(|d| d < before));
        Ok(())
    }

    /// The engine's own counts saved beside the detectors' (the screening desks', the
    /// units' closed-case work), as [`Engine::state`] saved them.
    fn restore_counts(&mut self, carry: &Carry) -> Result<(), RestoreError> {
        if let Some(v) = carry.detectors.get(routine::SAVED_AS) {
            self.routines
                .restore(v)
                .map_err(|e| restore_error(routine::SAVED_AS, e))?;
        }
        // States saved before they were kept have none: counting starts afresh.
        if let Some(v) = carry.detectors.get(closed_work::SAVED_AS) {
            self.closed_work
                .restore(v)
                .map_err(|e| restore_error(closed_work::SAVED_AS, e))?;
        }
        if let Some(v) = carry.detectors.get(others_cases::SAVED_AS) {
            self.others_cases
                .restore(v)
                .map_err(|e| restore_error(others_cases::SAVED_AS, e))?;
        }
        if let Some(v) = carry.detectors.get(unlisted::SAVED_AS) {
            self.unlisted
                .restore(v)
                .map_err(|e| restore_error(unlisted::SAVED_AS, e))?;
        }
        // A state saved while nothing was held over has none.
        self.held_over = match carry.detectors.get(held_over::SAVED_AS) {
            Some(v) => held_over::restore(v).map_err(|e| restore_error(held_over::SAVED_AS, e))?,
            None => Vec::new(),
        };
        // States saved from 2026-12-05 to 2026-12-06 carry `at_work`, the hours each login
        // worked, which the coverage rule no longer reads: ignored.
        Ok(())
    }

    /// The history and open windows so far, to save for the next run. Call after
    /// [`Engine::finish`], so the last day is in the history.
    pub fn state(&self) -> State {
        let mut detectors: std::collections::BTreeMap<String, Value> = self
            .detectors
            .iter()
            .filter_map(|d| d.save().map(|v| (d.name().to_string(), v)))
            .collect();
        // Saved beside the detectors' own state; a count that cannot be written is left
        // out (the next run then starts counting afresh) rather than losing the state.
        if let Ok(v) = self.routines.save() {
            detectors.insert(routine::SAVED_AS.to_string(), v);
        }
        if let Ok(v) = self.closed_work.save() {
            detectors.insert(closed_work::SAVED_AS.to_string(), v);
        }
        if let Ok(v) = self.others_cases.save() {
            detectors.insert(others_cases::SAVED_AS.to_string(), v);
        }
        if let Ok(v) = self.unlisted.save() {
            detectors.insert(unlisted::SAVED_AS.to_string(), v);
        }
        if !self.held_over.is_empty() {
            if let Ok(v) = held_over::save(&self.held_over) {
                detectors.insert(held_over::SAVED_AS.to_string(), v);
            }
        }
        State {
            history: self.history.clone(),
            carry: Some(Carry {
                last_event: self.last_event,
                detectors,
            }),
        }
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// The reference data in use, shared (a reload swaps it: [`Engine::set_resolver`]).
    pub(crate) fn shared_resolver(&self) -> Arc<Resolver> {
        Arc::clone(&self.resolver)
    }

    pub fn stats(&self) -> &RunStats {
        &self.stats
    }

    /// Feeds one event (events must come in time order); alerts whose day has ended are
    /// appended to `out`.
    pub fn push(&mut self, ev: &Event, out: &mut Vec<Alert>) {
        let resolver = Arc::clone(&self.resolver);
        self.push_prepared(ev, &Prepared::new(&resolver, ev), out);
    }

    /// [`Engine::push`] for an event already prepared ([`Prepared::new`] on the same
    /// resolver): preparing needs no engine state, so the batch audit runs it on worker
    /// threads while this thread keeps detection in time order.
    /// It borrows what was prepared, so that the batch audit can hand it back to the worker
    /// that made it, whose allocator frees it faster than this thread can.
    pub(crate) fn push_prepared(&mut self, ev: &Event, p: &Prepared<'_>, out: &mut Vec<Alert>) {
        let Prepared {
            resolved: r,
            activity: act,
        } = p;
        let day = ev.ts.date_naive();
        if self.day.is_some_and(|d| day > d) {
            self.end_day(out);
        }
        if self.day.is_none_or(|d| day > d) {
            self.day = Some(day);
        }
        self.last_event = Some(self.last_event.map_or(ev.ts, |t| t.max(ev.ts)));
        self.stats.record_event(ev, r);
        self.routines.observe(ev, r);
        self.closed_work.observe(ev, r, r.closed_case_lists());
        self.others_cases.observe(ev, r, r.not_assigned_lists());
        if r.stranger_not_listed() {
            self.unlisted.observe(&ev.user, day);
        }
        if let CaseStatus::Explained { case_id } = &r.case {
            self.scene.worked(&ev.user, case_id, ev.ts);
            self.fan_out.explained(ev, &r.query);
        }
        if let Some(a) = &act {
            if self.tally.day.is_none_or(|d| d == day) {
                self.tally.add(a, ev);
            }
        }
        let cx = Context {
            resolver: &self.resolver,
            history: &self.history,
            activity: act.as_ref(),
            routines: &self.routines,
        };
        let group_by_day = self.config.alerts.group_by_day;
        for d in self.detectors.iter_mut() {
            self.scratch.clear();
            d.observe(ev, r, &cx, &mut self.scratch);
            for mut f in self.scratch.drain(..) {
                let key = GroupKey {
                    detector: d.name(),
                    kind: std::mem::take(&mut f.kind),
                    user: ev.user.to_string(),
                    group: if group_by_day {
                        std::mem::take(&mut f.group)
                    } else {
                        format!("{}#{}", f.group, ev.id)
                    },
                    day: Some(day),
                };
                if f.continues {
                    if let Some(a) = self.open.get_mut(&key) {
                        if !a.event_ids.iter().any(|i| i.as_str() == ev.id.as_str()) {
                            a.last = a.last.max(ev.ts);
                            a.event_ids.push(ev.id.to_string());
                            a.times.push(ev.ts);
                            a.dirty = true;
                        }
                    }
                    continue;
                }
                if f.review_of_a_reports_case {
                    // Whether the person drew a surge of attention today is known when the
                    // day ends (`subject_surge` judges the day then).
                    let held = open_alert(f, ev, r.personnel.map(|p| &p.employee_id));
                    self.reviewing.entry(key).or_default().push(held);
                    continue;
                }
                if f.unlisted_in_own_case {
                    // Whether the case was being worked around it, on a day of few such
                    // lookups, is known when the day ends.
                    if let Some(case_id) = r.case.case_id() {
                        let stranger = f.stranger_not_in_case;
                        let held = open_alert(f, ev, r.personnel.map(|p| &p.employee_id));
                        self.scene
                            .hold(key, held, stranger, case_id.to_string(), ev.ts);
                        continue;
                    }
                }
                if d.name() == no_case::DOC.name
                    && matches!(r.case, CaseStatus::Missing | CaseStatus::UnknownCase { .. })
                    && !f.stranger_not_in_case
                    && !f.closed_case_of_the_person
                    && !f.others_case_of_the_person
                    && f.unit_holders.is_empty()
                    && self.fan_out.of_explained(ev, &r.query)
                {
                    // Another system's line of a search the case explains.
                    self.stats.fan_out_set_aside += 1;
                    continue;
                }
                if f.stranger_not_in_case {
                    // Whether strangers under its cases are the login's work, or its day a
                    // sweep, is known when the day ends.
                    match self.strangers.get_mut(&key) {
                        Some(a) => a.add_held(ev, f.severity),
                        None => {
                            let held = open_alert(f, ev, r.personnel.map(|p| &p.employee_id));
                            self.strangers.insert(key, held);
                        }
                    }
                    continue;
                }
                let unit = r.personnel.and_then(|p| p.unit.as_deref());
                if let (true, Some(unit)) = (f.closed_case_of_the_person, unit) {
                    // Whether the unit works closed cases by trade under this purpose is
                    // known, with the whole day counted, when the day ends. A colleague
                    // under a closed case the user held is that case's person like any
                    // other (a physician following up a colleague who was their patient).
                    let of_own = r.names_the_agencys_own()
                        && !self.resolver.held_colleagues_closed_case(ev, r);
                    match self.closing.get_mut(&key) {
                        Some(c) => {
                            c.alert.add_held(ev, f.severity);
                            c.of_own |= of_own;
                        }
                        None => {
                            let held = Closing {
                                unit: unit.to_string(),
                                purpose: ev.purpose.as_deref().unwrap_or_default().to_string(),
                                of_own,
                                alert: open_alert(f, ev, r.personnel.map(|p| &p.employee_id)),
                            };
                            self.closing.insert(key, held);
                        }
                    }
                    continue;
                }
                if f.others_case_of_the_person || !f.unit_holders.is_empty() {
                    // Someone else's case that lists the person: whether the login works
                    // other people's cases by trade under this purpose, and whether the
                    // case's holders in the unit are away today, are known when the day
                    // ends.
                    let b = self.borrowing.entry(key).or_insert_with(|| Borrowing {
                        purpose: ev.purpose.as_deref().unwrap_or_default().to_string(),
                        holders: Vec::new(),
                        strangers: None,
                        own: None,
                        lately_held: false,
                    });
                    b.lately_held |=
                        f.others_case_of_the_person && self.resolver.held_until_lately(ev, r);
                    b.holders.append(&mut f.unit_holders);
                    b.holders.sort_unstable();
                    b.holders.dedup();
                    let part = if f.others_case_of_the_person {
                        &mut b.strangers
                    } else {
                        &mut b.own
                    };
                    match part {
                        Some(a) => a.add_held(ev, f.severity),
                        None => {
                            *part = Some(open_alert(f, ev, r.personnel.map(|p| &p.employee_id)));
                        }
                    }
                    continue;
                }
                if let Some(first) = self.held.remove(&key) {
                    // The same person again today, however searched: the held lookup was
                    // no namesake after all, and the alert rests on both.
                    self.open.insert(key.clone(), first);
                } else if f.name_alone_exempt
                    && !self.open.contains_key(&key)
                    && self.routines.names_strangers(ev)
                {
                    // A stranger who shares the name, most likely ([`routine`]): held back
                    // until the day ends, and dropped unless the person comes up again.
                    let held = open_alert(f, ev, r.personnel.map(|p| &p.employee_id));
                    self.held.insert(key, held);
                    continue;
                }
                match self.open.get_mut(&key) {
                    Some(a) => {
                        a.last = a.last.max(ev.ts);
                        a.first = a.first.min(f.since.map_or(ev.ts, |t| t.min(ev.ts)));
                        let since = f.since.unwrap_or(ev.ts);
                        for id in f.also {
                            if !a.event_ids.contains(&id) {
                                a.event_ids.push(id);
                                a.times.push(since);
                            }
                        }
                        a.event_ids.push(ev.id.to_string());
                        a.times.push(ev.ts);
                        a.findings += 1;
                        a.severity = a.severity.max(f.severity);
                        a.strength = a.strength.max(f.strength);
                        a.dirty = true;
                    }
                    None => {
                        self.open
                            .insert(key, open_alert(f, ev, r.personnel.map(|p| &p.employee_id)));
                    }
                }
            }
        }
    }

    /// Ends the input: the current day is judged and committed to history, and every open
    /// alert is emitted. Lookups still held over for a practice stay held, for the state a
    /// run saves ([`Engine::state`]); a run that saves none raises them
    /// ([`Engine::raise_held_over`]).
    pub fn finish(&mut self, out: &mut Vec<Alert>) {
        self.end_day(out);
    }

    /// Raises every lookup still held over until its practice can be judged
    /// ([`held_over`]): what a run that saves no state does at its end, since it can neither
    /// judge them nor carry them to the next run. Call after [`Engine::finish`].
    pub fn raise_held_over(&mut self, out: &mut Vec<Alert>) {
        let mut raised: Vec<Alert> = Vec::with_capacity(self.held_over.len());
        for h in std::mem::take(&mut self.held_over) {
            self.stats.held_over_unjudged += h.alert.findings as u64;
            raised.push(finish_alert(h.key, h.alert));
        }
        self.emit(raised, out);
        // Days held for the days after them were no finding on their own day: they go
        // unjudged, and the summary says how many.
        self.stats.counts_not_judged += self.detectors.iter().map(|d| d.held()).sum::<u64>();
    }

    /// Emits finished alerts: those under `alerts.min_score` dropped, the rest in the order
    /// of their windows (ids breaking ties, so the order never depends on a map's), counted.
    fn emit(&mut self, mut alerts: Vec<Alert>, out: &mut Vec<Alert>) {
        let min_score = self.config.alerts.min_score;
        alerts.retain(|a| a.score >= min_score);
        alerts.sort_by(|a, b| {
            a.window_start
                .cmp(&b.window_start)
                .then_with(|| a.alert_id.cmp(&b.alert_id))
        });
        for a in &alerts {
            self.stats.record_alert(a);
        }
        out.extend(alerts);
    }

    /// Counts the lookups still held over for the run's summary, as the state the run saves
    /// carries them to the next run. Call after [`Engine::finish`].
    pub(crate) fn carry_held_over(&mut self) {
        self.stats.held_over_carried = self.held_over.iter().map(|h| h.alert.findings as u64).sum();
        self.stats.counts_carried = self.detectors.iter().map(|d| d.held()).sum();
    }

    /// Forgets every lookup held over, unjudged: for `custodes baseline`, which raises
    /// nothing of the days it learns from, now or in a later run.
    pub(crate) fn forget_held_over(&mut self) {
        self.held_over.clear();
        for d in &mut self.detectors {
            d.forget_held();
        }
    }

    /// True when an event at `ts` falls on a later day than the one in progress, so that
    /// pushing it would end that day.
    pub(crate) fn ends_day(&self, ts: DateTime<Utc>) -> bool {
        self.day.is_some_and(|d| ts.date_naive() > d)
    }

    /// Ends the day in progress now, exactly as pushing the next day's first event would,
    /// so that a caller can save [`Engine::state`] at the day boundary (the streaming
    /// service's checkpoint) before that event is pushed.
    pub(crate) fn close_day(&mut self, out: &mut Vec<Alert>) {
        self.end_day(out);
        self.day = None;
    }

    /// Snapshots of the alerts still open (their day is not over) that changed since the
    /// last call: what a live service shows before the window closes. The final alert, with
    /// the same id, comes from the day's end; scores only grow as findings add up, so an
    /// alert reported here is never dropped by `alerts.min_score` later.
    pub(crate) fn provisional(&mut self, out: &mut Vec<Alert>) {
        let min_score = self.config.alerts.min_score;
        for (k, a) in self.open.iter_mut() {
            if !a.dirty {
                continue;
            }
            a.dirty = false;
            let alert = finish_alert(k.clone(), a.clone());
            if alert.score >= min_score {
                out.push(alert);
            }
        }
    }

    /// Swaps in new reference data (a reload), keeping every detector's state. Detectors
    /// that need a table the old data lacked start now; those whose table is gone stop.
    pub(crate) fn set_resolver(&mut self, resolver: Arc<Resolver>) {
        let mut old: HashMap<&'static str, Box<dyn Detector>> =
            self.detectors.drain(..).map(|d| (d.name(), d)).collect();
        self.detectors = build_detectors(&resolver, &self.config)
            .into_iter()
            .map(|fresh| old.remove(fresh.name()).unwrap_or(fresh))
            .collect();
        self.resolver = resolver;
    }

    fn end_day(&mut self, out: &mut Vec<Alert>) {
        let mut closed: Vec<Alert> = Vec::new();
        if let Some(day) = self.day {
            let cx = DayContext {
                resolver: &self.resolver,
                history: &self.history,
                tally: &self.tally,
            };
            for d in self.detectors.iter_mut() {
                self.day_scratch.clear();
                d.close_day(day, &cx, &mut self.day_scratch);
                for f in self.day_scratch.drain(..) {
                    let on = f.on.unwrap_or(day);
                    closed.push(day_alert(d.name(), on, f, &self.resolver));
                }
                for n in d.day_notes() {
                    self.stats.record_note(n);
                }
            }
            self.history.commit(&self.tally);
            self.tally.clear();
        }
        self.stats.name_alone_set_aside += self.held.len() as u64;
        self.held.clear();
        // Breadths let pass today for want of history are sweeps to a surge as much as
        // those raised: hundreds of people looked up with no case either way.
        let held_breadth: Vec<(String, Vec<String>)> = match self.day {
            Some(day) => self
                .detectors
                .iter()
                .flat_map(|d| d.held_breadth(day))
                .collect(),
            None => Vec::new(),
        };
        self.stats.surge_in_sweep_set_aside +=
            surge_in_sweep::set_aside(&mut closed, &held_breadth);
        let broadcast: HashSet<String> = self
            .detectors
            .iter_mut()
            .flat_map(|d| d.take_case_broadcasts())
            .collect();
        self.fan_out.end_day();
        // Before the day's strangers are judged: those the scene does not explain join them.
        self.release_scene();
        self.settle_reviews(&closed);
        self.settle_closed_work();
        self.settle_others_cases(&broadcast);
        self.settle_coverage();
        self.settle_strangers();
        if let Some(day) = self.day {
            self.settle_held_over(day);
        }
        closed.extend(self.open.drain().map(|(k, a)| finish_alert(k, a)));
        self.emit(closed, out);
    }
}

/// How many cases of one unit colleague a user works in a day for it to be that colleague's
/// caseload rather than one case borrowed.
const COVERED_CASES: usize = 2;

impl Engine {
    /// Judges the day's held lookups under unit colleagues' cases, each of a person the case
    /// lists and none of the agency's own: not raised (counted) when the user worked
    /// [`COVERED_CASES`] or more cases of one of the case's holders that day; raised (merged
    /// into the day's open alert of the same case, if any) otherwise.
    ///
    /// A caseload is the unit's work, a case is an occasion. Two or more of one colleague's
    /// cases in a day, each under its own number and each of the person it lists, is how a
    /// unit covers a colleague on leave, a night's cross-cover of the day team's patients,
    /// or a share of a colleague's load; none of those is written in an assignment table,
    /// and none of them tells whether the colleague is at work (an on-call physician covers
    /// colleagues who went home an hour ago). One colleague's case borrowed to look someone
    /// up is raised, and so is any lookup of the user, a colleague, an associate or a
    /// watch-listed person (never held here: [`Engine::settle_others_cases`]).
    fn settle_coverage(&mut self) {
        let covering: Vec<_> = self.covering.drain().collect();
        let mut cases_of: HashMap<(&str, &str), usize> = HashMap::default();
        for (key, (_, holders, _)) in &covering {
            for holder in holders {
                *cases_of
                    .entry((key.user.as_str(), holder.as_str()))
                    .or_default() += 1;
            }
        }
        let covered: Vec<bool> = covering
            .iter()
            .map(|(key, (_, holders, _))| {
                holders.iter().any(|holder| {
                    cases_of
                        .get(&(key.user.as_str(), holder.as_str()))
                        .is_some_and(|&n| n >= COVERED_CASES)
                })
            })
            .collect();
        for ((key, (a, _, practice)), covered) in covering.into_iter().zip(covered) {
            if covered {
                self.stats.coverage_set_aside += a.findings as u64;
            } else {
                self.raise_or_hold_over(key, a, practice);
            }
        }
    }

    /// Judges the day's held lookups by supervisors, with no case typed, of people their
    /// direct reports' open cases list: a review of the report's case with the number left
    /// blank, counted and not raised, unless
    /// - the lookup is part of a surge of attention on the person that `subject_surge`
    ///   raised today (`closed`, the day's alerts so far): with no case typed, nothing then
    ///   tells a review from curiosity about a person in the news (typing the report's case,
    ///   as a review does, is no finding at all); or
    /// - the supervisor's other lookups with no case that day are raised (the same key is
    ///   open): a day of strangers looked up with no case is judged whole, and a person who
    ///   happens to be on a report's case is one of them, not a review apart.
    ///
    /// Raised lookups join the day's open alert of the same key.
    fn settle_reviews(&mut self, closed: &[Alert]) {
        if self.reviewing.is_empty() {
            return;
        }
        let surged: std::collections::HashSet<&str> = closed
            .iter()
            .filter(|a| a.detector == subject_surge::DOC.name)
            .flat_map(|a| a.event_ids.iter().map(String::as_str))
            .collect();
        // Each key's lookups are raised in the order of the day (the first one's reason
        // leads); keys are independent, so the map's order does not matter.
        for (key, held) in std::mem::take(&mut self.reviewing) {
            for alert in held {
                let in_surge = alert
                    .event_ids
                    .iter()
                    .any(|id| surged.contains(id.as_str()));
                if in_surge || self.open.contains_key(&key) {
                    raise_held(&mut self.open, key.clone(), alert);
                } else {
                    self.stats.review_set_aside += alert.findings as u64;
                }
            }
        }
    }

    /// Judges the day's held lookups under closed cases that list the person: not raised
    /// (counted) when the user's unit works people of closed cases by trade under the
    /// lookup's purpose, over the window ending today ([`closed_work`]); raised otherwise.
    fn settle_closed_work(&mut self) {
        for (key, c) in std::mem::take(&mut self.closing) {
            let day = c.alert.first.date_naive();
            let routine = self
                .closed_work
                .routine(&c.unit, &c.purpose, day)
                .covers(c.of_own);
            if routine {
                self.stats
                    .closed_work_set_aside(key.detector, c.alert.findings as u64);
            } else {
                // The unit new to the logs: its practice cannot have shown yet.
                let practice = self
                    .closed_work
                    .too_soon(&c.unit, &c.purpose, day)
                    .then_some(held_over::Practice::ClosedWork {
                        unit: c.unit,
                        purpose: c.purpose,
                        of_own: c.of_own,
                    });
                self.raise_or_hold_over(key, c.alert, practice);
            }
        }
    }

    /// Judges the day's held lookups under other people's cases that list the person: not
    /// raised (counted) when the login's work under the lookup's purpose is other people's
    /// cases, over the window ending today ([`others_cases`]), or when the user held the
    /// case until the week before and wraps up two or more such cases that day (a caseload
    /// handed over: [`COVERED_CASES`]); otherwise, when a colleague of the unit holds the
    /// case and the person is none of the agency's own, judged as part of that colleague's
    /// caseload ([`Engine::settle_coverage`]), or raised.
    fn settle_others_cases(&mut self, broadcast: &HashSet<String>) {
        let mut borrowing = std::mem::take(&mut self.borrowing);
        // A case worked by many hands, its number given out to all (an Amber alert's
        // suspect checked by every car): the lookups `subject_surge` found to be that are
        // the case's work by whoever was on the road, not a case borrowed. All of an
        // alert's lookups must be, or it is judged as it stands.
        if !broadcast.is_empty() {
            for b in borrowing.values_mut() {
                let all_broadcast = b
                    .strangers
                    .as_ref()
                    .is_some_and(|a| a.event_ids.iter().all(|id| broadcast.contains(id.as_str())));
                if all_broadcast {
                    if let Some(a) = b.strangers.take() {
                        self.stats.case_broadcast_lookups_set_aside += a.findings as u64;
                    }
                }
            }
        }
        // A caseload handed over, not one case taken back: the user wraps up two or more of
        // the cases they held until the week before, that day.
        let mut wrapped: HashMap<&str, usize> = HashMap::default();
        for (key, b) in &borrowing {
            if b.lately_held && b.strangers.is_some() {
                *wrapped.entry(key.user.as_str()).or_default() += 1;
            }
        }
        let wrapping_up: Vec<String> = wrapped
            .into_iter()
            .filter(|&(_, n)| n >= COVERED_CASES)
            .map(|(user, _)| user.to_string())
            .collect();
        for (key, b) in borrowing {
            let routine = b.strangers.as_ref().is_some_and(|a| {
                self.others_cases
                    .routine(&key.user, &b.purpose, a.first.date_naive())
            });
            let wrap_up = b.lately_held && wrapping_up.contains(&key.user);
            // The login new to the logs, or a day that looks like its practice: whether it is
            // one shows only over the days after. Only lookups of strangers wait for it (of
            // the agency's own, they are never its work).
            let practice = (!routine && !wrap_up && b.own.is_none())
                .then_some(b.strangers.as_ref())
                .flatten()
                .filter(|a| {
                    self.others_cases
                        .may_yet_show(&key.user, &b.purpose, a.first.date_naive())
                })
                .map(|_| held_over::Practice::OthersCases {
                    purpose: b.purpose.clone(),
                });
            // A lookup of the agency's own is never a caseload's routine work: the case is
            // raised whole.
            let of_own = b.own.is_some();
            let held = match (b.strangers, b.own) {
                (Some(strangers), own) if routine => {
                    self.stats.others_case_set_aside += strangers.findings as u64;
                    if !self.stats.others_case_logins.contains(&key.user) {
                        self.stats.others_case_logins.insert(key.user.clone());
                    }
                    own
                }
                (Some(strangers), own) if wrap_up => {
                    self.stats.wrap_up_set_aside += strangers.findings as u64;
                    own
                }
                // One alert, whose reason is its first lookup's.
                (Some(mut strangers), Some(mut own)) => {
                    if own.first < strangers.first {
                        own.merge(strangers);
                        Some(own)
                    } else {
                        strangers.merge(own);
                        Some(strangers)
                    }
                }
                (strangers, own) => strangers.or(own),
            };
            let Some(held) = held else {
                continue;
            };
            if b.holders.is_empty() || of_own {
                self.raise_or_hold_over(key, held, practice);
            } else {
                self.covering.insert(key, (held, b.holders, practice));
            }
        }
    }

    /// Releases the day's lookups held for the case's scene: set aside (counted) when the
    /// case was worked around them, otherwise judged with the day's strangers or raised
    /// ([`case_scene`]).
    fn release_scene(&mut self) {
        let (strangers, open, stats) = (&mut self.strangers, &mut self.open, &mut self.stats);
        self.scene.end_day(|h, amid| {
            if amid {
                stats.case_scene_set_aside += h.alert.findings as u64;
            } else if h.stranger {
                // Joins the day's strangers as a held lookup joins the day's alerts.
                raise_held(strangers, h.key, h.alert);
            } else {
                raise_held(open, h.key, h.alert);
            }
        });
    }

    /// Judges the day's held lookups of strangers under the users' own cases ([`unlisted`]):
    /// not raised (counted) when the login's day holds [`unlisted::SWEEP`] or more such
    /// cases (a sweep, `odd_volume`'s to judge by breadth) or when strangers under its cases
    /// are its work (two days or more in the window); otherwise held over until a later day
    /// shows that work, and raised a week on without it.
    fn settle_strangers(&mut self) {
        // In the order of the day, so that what is held over is saved in a stable order.
        let mut strangers: Vec<_> = std::mem::take(&mut self.strangers).into_iter().collect();
        strangers.sort_by(|a, b| (a.1.first, &a.0.group).cmp(&(b.1.first, &b.0.group)));
        // Each login's strangers' cases today (one held alert per case).
        let mut cases_of: HashMap<String, usize> = HashMap::default();
        for (key, _) in &strangers {
            *cases_of.entry(key.user.clone()).or_default() += 1;
        }
        for (key, alert) in strangers {
            let findings = alert.findings as u64;
            if cases_of
                .get(&key.user)
                .is_some_and(|&n| n >= unlisted::SWEEP)
            {
                self.stats.unlisted_sweep_set_aside += findings;
            } else if self.unlisted.practice(&key.user, alert.first.date_naive()) {
                self.stats.unlisted_set_aside += findings;
            } else {
                self.raise_or_hold_over(key, alert, Some(held_over::Practice::Strangers));
            }
        }
    }

    /// Raises a lookup held until the day's end ([`raise_held`]), or holds it over when
    /// `practice` says whose practice, new to the logs, might yet explain it
    /// ([`held_over`]). One the day's open alert of the same key already raises joins it:
    /// an alert is raised once, whole.
    fn raise_or_hold_over(
        &mut self,
        key: GroupKey,
        alert: OpenAlert,
        practice: Option<held_over::Practice>,
    ) {
        match practice {
            Some(practice) if !self.open.contains_key(&key) => {
                self.stats.held_over += alert.findings as u64;
                self.held_over.push(held_over::HeldOver {
                    key,
                    practice,
                    alert,
                });
            }
            _ => raise_held(&mut self.open, key, alert),
        }
    }

    /// Judges the lookups held over from earlier days ([`held_over`]) as `today` ends: set
    /// aside (counted as their practice's) once the practice shows over the days up to
    /// today, raised when it is due and still does not, held on otherwise.
    fn settle_held_over(&mut self, today: NaiveDate) {
        for h in std::mem::take(&mut self.held_over) {
            let held_on = h.key.day.unwrap_or(today);
            if held_on >= today {
                // Held today: judged from tomorrow on.
                self.held_over.push(h);
                continue;
            }
            let findings = h.alert.findings as u64;
            let (routine, worked) = match &h.practice {
                held_over::Practice::ClosedWork {
                    unit,
                    purpose,
                    of_own,
                } => (
                    self.closed_work
                        .routine(unit, purpose, today)
                        .covers(*of_own),
                    self.closed_work.worked_since(unit, purpose, held_on, today),
                ),
                held_over::Practice::OthersCases { purpose } => (
                    self.others_cases.routine(&h.key.user, purpose, today),
                    self.others_cases
                        .worked_since(&h.key.user, purpose, held_on, today),
                ),
                // Judged by the week only: a second day with a stranger is what shows it.
                held_over::Practice::Strangers => (self.unlisted.practice(&h.key.user, today), 0),
            };
            if routine {
                self.stats.held_over_set_aside += findings;
                match &h.practice {
                    held_over::Practice::ClosedWork { .. } => {
                        self.stats.closed_work_set_aside(h.key.detector, findings);
                    }
                    held_over::Practice::OthersCases { .. } => {
                        self.stats.others_case_set_aside += findings;
                        if !self.stats.others_case_logins.contains(&h.key.user) {
                            self.stats.others_case_logins.insert(h.key.user.clone());
                        }
                    }
                    held_over::Practice::Strangers => {
                        self.stats.unlisted_set_aside += findings;
                    }
                }
            } else if held_over::due(held_on, today, worked) {
                self.stats.held_over_raised += findings;
                raise_held(&mut self.open, h.key, h.alert);
            } else {
                self.held_over.push(h);
            }
        }
    }
}

/// A day's lookups under one closed case that lists the person, held until the day ends
/// ([`Engine::settle_closed_work`]).
struct Closing {
    alert: OpenAlert,
    /// The user's personnel unit and the purpose typed: whose routine, and for what.
    unit: String,
    purpose: String,
    /// Whether a lookup of the user, a colleague, an associate or a watch-listed person is
    /// among them ([`Resolved::names_the_agencys_own`]): only a unit whose trade is closed
    /// cases works those by routine ([`closed_work::Routine::covers`]).
    of_own: bool,
}

/// A day's lookups under one case of another's that lists the person, held until the day
/// ends ([`Engine::settle_others_cases`]).
struct Borrowing {
    /// The purpose typed: for what the login's work is judged.
    purpose: String,
    /// The logins of the case's holders in the user's unit ([`Finding::unit_holders`]).
    holders: Vec<String>,
    /// Lookups of people who are none of the agency's own: the login's routine work, if its
    /// work is other people's cases ([`Finding::others_case_of_the_person`]).
    strangers: Option<OpenAlert>,
    /// Lookups of the user, a colleague, an associate or a watch-listed person: never
    /// routine work, judged for the unit's coverage only.
    own: Option<OpenAlert>,
    /// Whether the user held the case until within the week before a lookup of
    /// `strangers` ([`Resolver::held_until_lately`]): a case of a caseload handed over,
    /// when the user wraps up two or more that day ([`Engine::settle_others_cases`]).
    lately_held: bool,
}

/// Raises an alert held until the day's end: merged into the day's open alert of the same
/// key (another lookup of the day under the same case, raised at once), if any.
fn raise_held(open: &mut HashMap<GroupKey, OpenAlert>, key: GroupKey, a: OpenAlert) {
    match open.get_mut(&key) {
        Some(o) => o.merge(a),
        None => {
            open.insert(key, a);
        }
    }
}

impl OpenAlert {
    /// Takes in another alert of the same key, held apart: its events join in time order
    /// (this alert's first on the same second), and the reason stays this alert's.
    fn merge(&mut self, a: OpenAlert) {
        let mut ids = Vec::with_capacity(self.event_ids.len() + a.event_ids.len());
        let mut times = Vec::with_capacity(ids.capacity());
        let mut left = self
            .event_ids
            .drain(..)
            .zip(self.times.drain(..))
            .peekable();
        let mut right = a.event_ids.into_iter().zip(a.times).peekable();
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some((_, l)), Some((_, r))) if r < l => right.next(),
                (Some(_), _) => left.next(),
                (None, _) => right.next(),
            };
            let Some((id, t)) = next else {
                break;
            };
            ids.push(id);
            times.push(t);
        }
        drop(left);
        self.event_ids = ids;
        self.times = times;
        self.first = self.first.min(a.first);
        self.last = self.last.max(a.last);
        self.findings += a.findings;
        self.severity = self.severity.max(a.severity);
    }

    /// One more lookup of an alert held until the day ends (a case's coverage, a unit's
    /// closed cases): its event, and the worst severity so far.
    fn add_held(&mut self, ev: &Event, severity: Severity) {
        self.last = self.last.max(ev.ts);
        self.event_ids.push(ev.id.to_string());
        self.times.push(ev.ts);
        self.findings += 1;
        self.severity = self.severity.max(severity);
    }
}

/// A finding as the first of an alert's findings.
fn open_alert(f: Finding, ev: &Event, employee_id: Option<&String>) -> OpenAlert {
    OpenAlert {
        employee_id: employee_id.cloned(),
        first: f.since.map_or(ev.ts, |t| t.min(ev.ts)),
        last: ev.ts,
        times: f
            .also
            .iter()
            .map(|_| f.since.unwrap_or(ev.ts))
            .chain([ev.ts])
            .collect(),
        event_ids: f.also.into_iter().chain([ev.id.to_string()]).collect(),
        findings: 1,
        severity: f.severity,
        strength: f.strength,
        reason: f.reason,
        evidence: f.evidence,
        dirty: true,
    }
}

fn day_alert(detector: &'static str, day: NaiveDate, f: DayFinding, resolver: &Resolver) -> Alert {
    let day = day.to_string();
    Alert {
        alert_id: alert_id(&[detector, &f.kind, &f.user, &f.group, &day]),
        detector: detector.to_string(),
        employee_id: resolver
            .personnel_for(&f.user)
            .map(|p| p.employee_id.clone()),
        score: score(f.severity, f.strength),
        kind: f.kind,
        severity: f.severity,
        user: f.user,
        window_start: format_ts(&f.first),
        window_end: format_ts(&f.last),
        event_ids: f.event_ids,
        reason: f.reason,
        evidence: f.evidence,
    }
}

fn finish_alert(k: GroupKey, a: OpenAlert) -> Alert {
    let day = k.day.map(|d| d.to_string()).unwrap_or_default();
    let n = a.findings;
    let reason = if n > 1 {
        format!("{} Repeated {n} times on {day}.", a.reason)
    } else {
        a.reason
    };
    let mut evidence = a.evidence;
    if let Value::Object(m) = &mut evidence {
        m.insert("occurrences".into(), json!(n));
    }
    Alert {
        alert_id: alert_id(&[k.detector, &k.kind, &k.user, &k.group, &day]),
        detector: k.detector.to_string(),
        kind: k.kind,
        severity: a.severity,
        score: score(a.severity, a.strength),
        user: k.user,
        employee_id: a.employee_id,
        window_start: format_ts(&a.first),
        window_end: format_ts(&a.last),
        event_ids: a.event_ids,
        reason,
        evidence,
    }
}

/// The kind every identity detector gives a write (insert, update, delete) to the record
/// it is about (issue 16): `self_query`/`record_change` is a user altering their own record.
pub const RECORD_CHANGE: &str = "record_change";

/// What an identity detector found about one lookup, before the shared parts (case
/// context, severity adjustment, evidence) are added by [`identity_findings`].
#[derive(Clone)]
pub(crate) struct IdentityHit<'a> {
    pub kind: String,
    pub base: Severity,
    pub group: String,
    /// How the known person is named (`SMITH, JANE (DOB 1981-02-03)`).
    pub matched: &'a str,
    /// The start of the reason: "Looked up coworker X, the user's supervisor,".
    pub what: String,
    /// Detector-specific evidence fields.
    pub extra: Vec<(&'static str, Value)>,
    /// The person is one of the many a name could meet by chance (every colleague, the
    /// watch list) rather than one of the few that are the user's own (the user, their
    /// associations). Chance grows with how many names a search could hit, so only a
    /// name-only match among many is weighed against the login's routine ([`routine`]).
    pub among_many: bool,
}

/// An exempt lookup of a person whom a case of the user's own unit lists, open or closed in
/// the last [`crate::identity::cases::RECENTLY_CLOSED_DAYS`] days, by a user who does
/// exempt work on most days: the unit's own work on someone it holds or has just served,
/// not curiosity. A prison's custody officers look up the former senator it holds at every
/// count and meal; a clinic's front desk schedules a colleague who is the clinic's patient,
/// or books her follow-up a week after her visit closed.
/// Staff of another unit, a lookup with no exempt purpose, or a user whose exempt work is
/// an odd day's (an investigator's lone "traffic stop" of an athlete their unit's case
/// lists) are still raised. Shared by the detectors of people the agency knows as its own
/// ([`watchlist`], [`coworker`]); one's own record and one's associates' are never read so.
pub(crate) fn unit_work_on_the_person(ev: &Event, r: &Resolved<'_>, cx: &Context<'_>) -> bool {
    matches!(r.case, crate::identity::CaseStatus::Exempt { .. })
        && cx.routines.works_exempt_routinely(ev)
        && cx.resolver.held_by_unit(ev, r).is_some()
}

/// A read by a service account under an exempt purpose, or under a real case that lists
/// the person (an ankle-monitor interface relaying the supervision case of its alert): a
/// job's run touches whoever is in its batch or its feed, a colleague or a celebrity among
/// them, and nobody's curiosity is in it. Writes are still judged, and a service account's
/// lookup under neither (someone using the job's login by hand) is judged as anyone's.
pub(crate) fn a_jobs_read(ev: &Event, r: &Resolved<'_>, cx: &Context<'_>) -> bool {
    !r.is_write
        && cx.resolver.is_service_login(&ev.user)
        && (matches!(r.case, crate::identity::CaseStatus::Exempt { .. })
            || cx.resolver.valid_case_lists(r))
}

/// Adds the findings every identity detector reports for one lookup to `out`: the lookup
/// itself, of the kind that says how the person was matched (`person_id`, `spouse`, as the
/// contract names them), and for a write (insert, update, delete) to the record also the
/// graver `record_change` (issue 16). A write is a lookup too: reading the record is how
/// it was altered, and the agency's review of lookups must not lose it because it went
/// further.
pub(crate) fn identity_findings(
    ev: &Event,
    r: &Resolved<'_>,
    m: &crate::identity::Match,
    hit: IdentityHit<'_>,
    out: &mut Vec<Finding>,
) {
    if r.is_write {
        let mut read = hit.clone();
        read.what = format!(
            "{} in a write ({})",
            read.what,
            ev.action.to_ascii_lowercase()
        );
        read.extra.push(("also_raised_as", json!(RECORD_CHANGE)));
        out.push(identity_finding(ev, r, m, read, false));
        out.push(identity_finding(ev, r, m, hit, true));
    } else {
        out.push(identity_finding(ev, r, m, hit, false));
    }
}

/// The finding of [`identity_findings`]: the reason read aloud, severity adjusted for
/// match strength and case context, and evidence of what was typed, who it matched, how,
/// and under which case; `altered` makes it the write's `record_change`.
fn identity_finding(
    ev: &Event,
    r: &Resolved<'_>,
    m: &crate::identity::Match,
    mut hit: IdentityHit<'_>,
    altered: bool,
) -> Finding {
    let among_many = hit.among_many;
    // A write to the record is the graver finding: the detector says whose record, the
    // kind says it was altered; what the lookup alone would have been stays in evidence.
    if altered {
        hit.extra.push(("lookup_kind", json!(hit.kind)));
        hit.extra.push(("statement", json!(ev.query_text)));
        hit.extra.push(("rows_affected", json!(ev.result_count)));
        hit.kind = RECORD_CHANGE.to_string();
        hit.base = Severity::Critical;
        let verb = format!("Altered ({})", ev.action.to_ascii_lowercase());
        hit.what = match hit.what.strip_prefix("Looked up ") {
            Some(rest) if rest.starts_with("their own") => format!("{verb} {rest}"),
            Some(rest) => format!("{verb} the record of {rest}"),
            None => format!("{verb}: {}", hit.what),
        };
    }
    let mut evidence = json!({
        "matched_person": hit.matched,
        "match": m,
        "searched": ev.subject,
        "case": r.case,
        "case_id": ev.case_id,
    });
    if let Some(obj) = evidence.as_object_mut() {
        for (k, v) in hit.extra {
            obj.insert(k.to_string(), v);
        }
        add_event_context(obj, ev);
    }
    Finding {
        kind: hit.kind,
        severity: adjust(hit.base, m.strength, r),
        strength: m.strength,
        group: hit.group,
        reason: format!("{} {}; {}.", hit.what, m.kind.describe(), r.case.phrase()),
        evidence,
        also: Vec::new(),
        since: None,
        unit_holders: Vec::new(),
        closed_case_of_the_person: false,
        others_case_of_the_person: false,
        review_of_a_reports_case: false,
        stranger_not_in_case: false,
        unlisted_in_own_case: false,
        continues: false,
        name_alone_exempt: among_many
            && m.kind == crate::identity::index::MatchKind::NameOnly
            && matches!(r.case, crate::identity::CaseStatus::Exempt { .. }),
    }
}

/// Adds what the source said about the lookup besides its subject: purpose, system,
/// action, client, session, address, and every field the contract does not name (kept as
/// evidence, never dropped).
pub(crate) fn add_event_context(obj: &mut serde_json::Map<String, Value>, ev: &Event) {
    let fields = [
        ("action", Some(&ev.action)),
        ("purpose", ev.purpose.as_ref()),
        ("system", ev.system.as_ref()),
        ("client", ev.client.as_ref()),
        ("ip", ev.ip.as_ref()),
        ("session", ev.session.as_ref()),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            obj.insert(k.to_string(), json!(v));
        }
    }
    if let Some(n) = ev.result_count {
        obj.insert("result_count".into(), json!(n));
    }
    if !ev.extra.is_empty() {
        obj.insert("source_fields".into(), Value::Object(ev.extra.clone()));
    }
}

/// Explained lookups (an assigned open case lists the person) raise no identity alert.
pub(crate) fn explained(r: &Resolved<'_>) -> bool {
    matches!(r.case, crate::identity::CaseStatus::Explained { .. })
}

/// The strongest match of a list, ties broken by position so the choice is stable.
pub(crate) fn strongest<'m>(
    ms: impl Iterator<Item = &'m crate::identity::Match>,
) -> Option<&'m crate::identity::Match> {
    ms.fold(
        None,
        |best: Option<&crate::identity::Match>, m| match best {
            Some(b) if b.strength >= m.strength => Some(b),
            _ => Some(m),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(ids: &[(&str, u32)], reason: &str) -> OpenAlert {
        let at = |m: u32| {
            DateTime::parse_from_rfc3339(&format!("2025-03-03T10:{m:02}:00Z"))
                .expect("a time")
                .with_timezone(&Utc)
        };
        OpenAlert {
            employee_id: None,
            first: at(ids[0].1),
            last: at(ids[ids.len() - 1].1),
            event_ids: ids.iter().map(|(id, _)| id.to_string()).collect(),
            times: ids.iter().map(|&(_, m)| at(m)).collect(),
            findings: ids.len(),
            severity: Severity::Medium,
            strength: 1.0,
            reason: reason.to_string(),
            evidence: Value::Null,
            dirty: true,
        }
    }

    #[test]
    fn alerts_held_apart_merge_with_their_events_in_time_order() {
        let mut raised = held(&[("a", 0), ("c", 2), ("e", 4)], "first raised");
        raised.merge(held(&[("b", 1), ("d", 2), ("f", 5)], "held"));
        assert_eq!(raised.event_ids, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(raised.findings, 6);
        assert_eq!(raised.reason, "first raised");
        assert_eq!(raised.last, held(&[("f", 5)], "").last);
        // An alert held from earlier in the day takes in a later one.
        let mut early = held(&[("a", 0)], "early");
        early.merge(held(&[("b", 9)], "late"));
        assert_eq!(early.event_ids, ["a", "b"]);
        assert_eq!(early.first, held(&[("a", 0)], "").first);
    }

    #[test]
    fn a_saved_state_names_the_key_that_is_missing_or_does_not_read() {
        let saved = serde_json::json!({ "windows": 3 });
        let e = saved_field::<Vec<u32>>(&saved, "windows").expect_err("a number is no list");
        assert_eq!(e.to_string(), "`windows` does not read");
        assert!(
            std::error::Error::source(&e).is_some(),
            "serde's reason is kept"
        );
        let e = saved_field::<Vec<u32>>(&saved, "bare_names").expect_err("absent");
        assert_eq!(e.to_string(), "missing `bare_names`");
        let ok: Vec<u32> = saved_field(&serde_json::json!({ "windows": [1, 2] }), "windows")
            .expect("a list reads");
        assert_eq!(ok, vec![1, 2]);
    }
}
