//! `fishing`: searches that trawl for people rather than look one up — name patterns and
//! surname sweeps (`wildcard_sweep`), searches by sex, race, age, vehicle make or colour
//! with no person named and no case (`attribute_search`), and runs of sequential plates,
//! ids or house numbers typed in a short time (`enumeration`).
//!
//! Each kind is counted per user per UTC day and judged against what the user and their
//! unit usually do: the usual day is a quantile of the user's own earlier active days
//! ([`crate::baseline::History`] says which days they were active) and of their unit's
//! member-days, and only a day above both (and above `fishing.min_searches`) is reported.
//! A day of only one or two searches, each typed under work that says why (an exempt
//! purpose, a case of the user's), is that work's imprecision and is not reported
//! ([`IN_WORK_SEARCHES`]).
//! The counts of earlier days are this detector's own history, bounded to
//! `baseline.history_days` and saved with the state (`audit --state`; `custodes baseline`
//! learns them from earlier logs with [`Learner`]), so night-by-night runs judge as one
//! long run does. The criteria of every search are the evidence.
//!
//! What it must not do: read the clock, treat a pattern as a name (a pattern never
//! matches a person here, it is compared only with the subjects of the case typed with
//! it), or count a search that a case explains (a wildcard under the user's case that
//! lists a person of that name is case work).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::OnceLock;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use regex::Regex;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::odd_volume::unit_of;
use super::{
    saved_value, Context, DayContext, DayFinding, DayNote, Detector, DetectorDoc, Finding,
    SavedStateError,
};
use crate::alert::Severity;
use crate::baseline::model::quantile;
use crate::config::{Config, FishingConfig};
use crate::event::{Event, Text};
use crate::identity::normalize::fold;
use crate::identity::{CaseStatus, KnownPerson, Resolved, Resolver, SearchCase};
use crate::refs::{login_key, login_key_of};

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "fishing",
    kinds: &["wildcard_sweep", "attribute_search", "enumeration"],
    what: "Searches that trawl rather than look someone up: a name pattern (`SMI*`, `GAR%`, `LIKE 'GAR%'` in SQL, in a subject field, a source field or `query_text`) or a surname alone returning at least `surname_min_results` records (`wildcard_sweep`); a search by sex, race, age, hair, height, vehicle make, model or colour (`attribute_fields`) that names no person, under no valid case of the user's (`attribute_search`); `enumeration_min_run` or more distinct plates, person ids or house numbers of one street in sequence (each within `enumeration_max_gap`, houses `enumeration_max_house_gap`) within `enumeration_window_minutes`, typed under no valid case of the user's and no exempt purpose (`enumeration`). Each kind is counted per user and day and reported only above `min_searches` and above `usual_ratio` times the usual day (the `usual_quantile` of the user's own earlier active days, once there are `baseline.min_user_days` of them, and of their unit's member-days, whichever is larger); a day whose every counted search was typed under work that says why (an exempt purpose, or a case of the user's) is reported only from three searches, one or two being that work's own imprecision (a driver without a licence, a caller's surname; counted in the summary). A pattern or surname under a case the user is assigned to, open at the time, that lists a person it fits is case work and is not counted; nor is any lookup a case explains; nor a surname searched alone whose login's next lookup, within five minutes, is one person of that surname (a given name with a date of birth, or an id; the surname as typed either time may carry one slip, a name typed given name first may have it in any word, and a compound surname may be met by one of its words): a counter clerk picking the customer in front of them from the list (counted in the summary).",
    why: "Fishing expeditions — browsing who lives on a street, who drives a red car, every woman of an age, every SMITH — are how records are trawled for a target the officer cannot name or should not search for; they never match one person, so the identity detectors cannot see them.",
    false_positives: "Suspect-description searches for a case not typed with them; records or intelligence units whose work is sweeps (their usual day absorbs it after a few days of history); a street canvass for an incident with no case number. Without a saved history (built from earlier logs by `custodes baseline`, or by audited nights with `--state`), the first days judge everyone against a usual day of zero.",
    tuning: "`[fishing]`: `min_searches`, `usual_quantile`, `usual_ratio`, `surname_min_results`, the enumeration window, run and gaps, and `attribute_fields`; `[baseline] history_days` bounds the history.",
    example: "Searched by pattern GAR% (last_name) with no case attached; 3 pattern searches on 2024-05-14, where this user's usual day has 0 and unit PATROL's 0.",
    needs: &[],
};

/// The kinds, in the order of the count arrays.
const KINDS: [&str; 3] = ["wildcard_sweep", "attribute_search", "enumeration"];
/// How a day's count of each kind reads in a reason.
const NOUNS: [&str; 3] = [
    "pattern or surname search(es)",
    "attribute search(es)",
    "search(es) in sequences",
];
/// Identifiers of one series kept for finding a sequence (the latest ones in the window).
const MAX_PER_STEM: usize = 64;
/// Searches whose criteria an alert's evidence lists (its event ids list all).
const MAX_CRITERIA: usize = 50;
/// A surname searched alone and then, as the same login's next lookup and within this many
/// minutes, one person of that surname (a given name with a date of birth, or an id; typed
/// as people type, [`Narrowing::picks_from`]) is a search for that person: a counter clerk
/// typing `ANDERSON`, then picking the customer in front of them from the list. It is not
/// counted as a sweep. A trawl moves on to other names; a surname searched again (the same
/// query sent to another system) still waits.
const NARROWED_MINUTES: i64 = 5;

/// The fewest searches on a day whose every counted search was typed under work that says
/// why (an exempt purpose: the person in front of the user or on the phone; or a case of
/// the user's that lists no one of the name): one or two are that work's own imprecision
/// (a driver without a licence, a caller who gave only a surname), a list begins at three.
/// A day with one search under no work is still judged at `min_searches`. Measured on
/// worlds written blind (a city police, a hospital, a motor-vehicle agency, a border
/// agency): every day raised on one or two such searches was ordinary work, and every
/// labelled sweep under work had four or more.
const IN_WORK_SEARCHES: u32 = 3;
const WILDCARD: usize = 0;
const ATTRIBUTE: usize = 1;
const ENUMERATION: usize = 2;

/// One search's contribution: the kind, the events it implicates (itself, and for a
/// sequence the earlier events of it) and its criteria.
struct Signal {
    kind: usize,
    /// For a surname searched alone, the surname folded as a pattern (`ANDERSON*`): what
    /// a lookup of one person narrowing it must fit ([`NARROWED_MINUTES`]).
    sweep: Option<Vec<u8>>,
    ids: Vec<(String, DateTime<Utc>)>,
    criteria: Value,
    /// A phrase for the reason ("by pattern GAR% (last_name)").
    what: String,
}

/// A typed identifier that can be part of a sequence.
#[derive(Debug, Clone)]
struct Probe {
    ts: DateTime<Utc>,
    id: String,
    field: &'static str,
    /// What the values of one sequence share: the plate or id without its trailing number,
    /// the street of an address.
    stem: String,
    number: u64,
    typed: String,
}

/// A user's state for the day being observed.
#[derive(Debug, Default)]
struct Today {
    /// The login as the events spell it (for alerts).
    login: String,
    counts: [u32; 3],
    /// Count needed for an alert, fixed at the user's first search of the day.
    needed: Option<[Need; 3]>,
    /// Every search counted today, per kind: what it was and why it counts.
    searches: [Vec<Counted>; 3],
    /// Event ids already counted as part of a sequence.
    in_sequence: BTreeSet<String>,
    /// Surname searches narrowed to one person today ([`NARROWED_MINUTES`]).
    narrowed: u64,
    /// The login's latest surname searches (event id, folded pattern, time), until its next
    /// lookup of something else says whether it picked one person out of them.
    pending: Vec<(String, Vec<u8>, DateTime<Utc>)>,
    /// Recent identifiers by field and stem, within the window and at most
    /// [`MAX_PER_STEM`] each, so that a script typing thousands costs the same per event.
    recent: HashMap<(&'static str, String), VecDeque<Probe>>,
}

/// One search counted towards a day's fishing.
#[derive(Debug)]
struct Counted {
    ts: DateTime<Utc>,
    /// The events it rests on (a sequence: the ones it added).
    ids: Vec<String>,
    criteria: Value,
    what: String,
    /// No valid case of the user's and no exemption behind it.
    lacks_case: bool,
    context: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Need {
    count: u32,
    own: f64,
    unit: f64,
    own_days: usize,
    unit_days: usize,
}

/// What survives into the next run: each user's earlier daily counts.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    counts: BTreeMap<String, BTreeMap<NaiveDate, [u32; 3]>>,
}

pub(crate) struct Fishing {
    cfg: FishingConfig,
    history_days: u32,
    min_user_days: usize,
    day: Option<NaiveDate>,
    /// login_key -> day -> counts (days with any).
    counts: HashMap<String, BTreeMap<NaiveDate, [u32; 3]>>,
    today: HashMap<String, Today>,
    /// Unit -> (quantile of member-days per kind, member-days), for the day observed.
    units: Option<HashMap<String, ([f64; 3], usize)>>,
    /// Any of `attribute_fields`, case-insensitive: a query text without one holds no
    /// attribute criterion, and is not taken apart (see [`attributes`]). `None` (no
    /// fields, or none that compile) scans every text.
    attribute_names: Option<Regex>,
    /// What the last day's judgement left uncounted, for the summary.
    notes: Vec<DayNote>,
}

impl Fishing {
    pub fn new(config: &Config) -> Self {
        Self {
            cfg: config.fishing.clone(),
            history_days: config.baseline.history_days,
            min_user_days: config.baseline.min_user_days,
            day: None,
            counts: HashMap::default(),
            today: HashMap::default(),
            units: None,
            attribute_names: any_of(&config.fishing.attribute_fields),
            notes: Vec::new(),
        }
    }

    fn first_day(&self, day: NaiveDate) -> NaiveDate {
        day.checked_sub_days(Days::new(u64::from(self.history_days)))
            .unwrap_or(NaiveDate::MIN)
    }

    fn unit_norms(&self, cx: &Context<'_>, day: NaiveDate) -> HashMap<String, ([f64; 3], usize)> {
        let mut per_unit: HashMap<String, [Vec<f64>; 3]> = HashMap::default();
        for user in cx.history.users() {
            let unit = unit_of(cx.resolver, user);
            let slot = per_unit.entry(unit).or_default();
            let mine = self.counts.get(user);
            for (d, _) in cx.history.user_days(user, day) {
                let c = mine.and_then(|m| m.get(&d)).copied().unwrap_or_default();
                for (v, n) in slot.iter_mut().zip(c) {
                    v.push(f64::from(n));
                }
            }
        }
        per_unit
            .into_iter()
            .map(|(u, v)| {
                let q = [0, 1, 2].map(|k| quantile(&v[k], self.cfg.usual_quantile));
                (u, (q, v[0].len()))
            })
            .collect()
    }

    fn needs(&mut self, cx: &Context<'_>, user: &str, day: NaiveDate) -> [Need; 3] {
        if self.units.is_none() {
            self.units = Some(self.unit_norms(cx, day));
        }
        let mine = self.counts.get(user);
        let mut own: [Vec<f64>; 3] = Default::default();
        for (d, _) in cx.history.user_days(user, day) {
            let c = mine.and_then(|m| m.get(&d)).copied().unwrap_or_default();
            for (v, n) in own.iter_mut().zip(c) {
                v.push(f64::from(n));
            }
        }
        let unit = unit_of(cx.resolver, user);
        let (uq, udays) = self
            .units
            .as_ref()
            .and_then(|m| m.get(&unit))
            .copied()
            .unwrap_or_default();
        // A few own days can only say "usual" by accident (one earlier fishing day would
        // hide the next): the user's own norm counts from `baseline.min_user_days`.
        let own_counts = own[0].len() >= self.min_user_days;
        [0, 1, 2].map(|k| {
            let o = if own_counts {
                quantile(&own[k], self.cfg.usual_quantile)
            } else {
                0.0
            };
            let usual = o.max(uq[k]);
            // More than `usual_ratio` times the usual day, and at least `min_searches`.
            let above = (usual * self.cfg.usual_ratio).floor() as u32 + 1;
            Need {
                count: above.max(self.cfg.min_searches),
                own: o,
                unit: uq[k],
                own_days: own[k].len(),
                unit_days: udays,
            }
        })
    }

    /// The alert on one user's day of one kind: every search counted, its criteria, and
    /// the usual day it was judged against.
    #[allow(clippy::too_many_arguments)]
    fn day_finding(
        &self,
        cx: &DayContext<'_>,
        day: NaiveDate,
        user: &str,
        t: &Today,
        k: usize,
        searches: &[Counted],
        need: Need,
    ) -> DayFinding {
        let mut event_ids: Vec<String> = Vec::new();
        for s in searches {
            event_ids.extend(s.ids.iter().cloned());
        }
        let first = searches.iter().map(|s| s.ts).min().unwrap_or_default();
        let last = searches.iter().map(|s| s.ts).max().unwrap_or_default();
        let lacks = searches.iter().any(|s| s.lacks_case);
        let severity = if lacks {
            Severity::Medium.up()
        } else {
            Severity::Medium
        };
        let strength = if t.counts[k] >= need.count.saturating_mul(2) {
            1.0
        } else {
            0.8
        };
        let unit = unit_of(cx.resolver, user);
        // A sweep can be thousands of searches: the evidence lists the first ones, the
        // event ids all of them.
        let shown: Vec<Value> = searches
            .iter()
            .take(MAX_CRITERIA)
            .map(|s| {
                let mut c = s.criteria.clone();
                if let Value::Object(m) = &mut c {
                    m.insert("event_ids".into(), json!(s.ids));
                    for (key, v) in &s.context {
                        m.entry(key.clone()).or_insert_with(|| v.clone());
                    }
                }
                c
            })
            .collect();
        let evidence = json!({
            "searches_today": t.counts[k],
            "needed": need.count,
            "usual": {
                "user": need.own, "user_days": need.own_days,
                "unit": need.unit, "unit_member_days": need.unit_days,
                "unit_name": unit,
                "quantile": self.cfg.usual_quantile, "ratio": self.cfg.usual_ratio,
            },
            "criteria": shown,
            "criteria_total": searches.len(),
        });
        let more = match searches.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let reason = format!(
            "Searched {}{more}; {} {} on {day}, where this user's usual day has {} and unit {unit}'s {}.",
            searches[0].what,
            t.counts[k],
            NOUNS[k],
            fmt_usual(need.own),
            fmt_usual(need.unit),
        );
        DayFinding {
            on: None,
            kind: KINDS[k].to_string(),
            severity,
            strength,
            user: t.login.clone(),
            group: format!("fishing:{}", KINDS[k]),
            first,
            last,
            event_ids,
            reason,
            evidence,
        }
    }

    fn signals(
        &self,
        ev: &Event,
        r: &Resolved<'_>,
        cx: &Context<'_>,
        t: &mut Today,
    ) -> Vec<Signal> {
        let mut out = Vec::new();
        let window = Duration::minutes(self.cfg.enumeration_window_minutes);
        let attrs = attributes(
            ev,
            &self.cfg.attribute_fields,
            self.attribute_names.as_ref(),
        );
        // Wildcards and surname sweeps.
        let mut patterns = patterns(ev);
        if patterns.is_empty() {
            if let Some(surname) = surname_only(ev) {
                if ev.result_count.unwrap_or(0) >= self.cfg.surname_min_results {
                    patterns.push(Pattern {
                        field: "last_name".into(),
                        text: surname,
                        sweep: true,
                    });
                }
            }
        }
        if patterns.is_empty() && attrs.is_empty() {
            // Most lookups name someone under a case of the user's or an exempt purpose:
            // such a lookup joins no sequence, and the status the resolver already gave it
            // says so.
            let covered = r.is_lookup && r.case.covers_search();
            let s = &ev.subject;
            if covered || (s.plate.is_none() && s.person_id.is_none() && s.address.is_none()) {
                return out;
            }
        }
        let probes = probes(ev);
        if patterns.is_empty() && attrs.is_empty() && probes.is_empty() {
            // Nothing that could be fishing, and no case to judge.
            return out;
        }
        let case = cx.resolver.search_case(ev);
        let case_value = search_case_json(&case);
        // A valid case of the user's, or an exemption, covers descriptions and sequences.
        let covered = matches!(
            case,
            SearchCase::Assigned { .. } | SearchCase::Exempt { .. }
        );
        if !patterns.is_empty() {
            let case_work = match &case {
                SearchCase::Assigned { subjects, .. } => {
                    patterns.iter().any(|p| subjects.iter().any(|s| p.fits(s)))
                }
                _ => false,
            };
            if !case_work {
                let shown: Vec<String> = patterns.iter().map(Pattern::describe).collect();
                let sweep = match patterns.as_slice() {
                    [p] if p.sweep => {
                        let mut folded = fold_pattern(&p.text);
                        folded.push(b'*');
                        Some(folded)
                    }
                    _ => None,
                };
                out.push(Signal {
                    kind: WILDCARD,
                    sweep,
                    ids: vec![(ev.id.to_string(), ev.ts)],
                    criteria: json!({
                        "patterns": patterns.iter().map(|p| json!({
                            "field": p.field, "pattern": p.text, "surname_only": p.sweep,
                        })).collect::<Vec<_>>(),
                        "attributes": attrs.iter().cloned().collect::<BTreeMap<_, _>>(),
                        "result_count": ev.result_count,
                        "case": case_value,
                        "query_text": ev.query_text,
                    }),
                    what: format!("{} {}", shown.join(", "), case_phrase(&case)),
                });
            }
        }

        // Attribute searches: no person named (nor a name pattern: that is a sweep, with the
        // attributes in its evidence), no valid case of the user's.
        if patterns.is_empty() && !identifies(ev) && !attrs.is_empty() && !covered {
            let shown: Vec<String> = attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(Signal {
                kind: ATTRIBUTE,
                sweep: None,
                ids: vec![(ev.id.to_string(), ev.ts)],
                criteria: json!({
                    "attributes": attrs.iter().cloned().collect::<BTreeMap<_, _>>(),
                    "result_count": ev.result_count,
                    "case": case_value,
                    "query_text": ev.query_text,
                }),
                what: format!("by {} {}", shown.join(", "), case_phrase(&case)),
            });
        }

        // Sequences: every identifier typed with no valid case of the user's and no
        // exemption joins the user's recent window (a case's records entered together have
        // neighbouring ids; a port lane reads plates as they come).
        if !covered {
            for p in probes {
                let gap = if p.field == "address" {
                    self.cfg.enumeration_max_house_gap
                } else {
                    self.cfg.enumeration_max_gap
                };
                let recent = t.recent.entry((p.field, p.stem.clone())).or_default();
                while recent.front().is_some_and(|q| ev.ts - q.ts > window)
                    || recent.len() >= MAX_PER_STEM
                {
                    recent.pop_front();
                }
                recent.push_back(p.clone());
                if let Some(run) = sequence(recent, &p, gap.max(1), self.cfg.enumeration_min_run) {
                    let ids: Vec<(String, DateTime<Utc>)> = run
                        .iter()
                        .filter(|q| !t.in_sequence.contains(&q.id))
                        .map(|q| (q.id.clone(), q.ts))
                        .collect::<BTreeMap<_, _>>()
                        .into_iter()
                        .collect();
                    if ids.is_empty() {
                        continue;
                    }
                    for (id, _) in &ids {
                        t.in_sequence.insert(id.clone());
                    }
                    let values: BTreeSet<&str> = run.iter().map(|q| q.typed.as_str()).collect();
                    out.push(Signal {
                        kind: ENUMERATION,
                        sweep: None,
                        ids,
                        criteria: json!({
                            "field": p.field,
                            "values": values,
                            "window_minutes": self.cfg.enumeration_window_minutes,
                            "case": case_value,
                        }),
                        what: format!(
                            "{} {}s in sequence within {} minutes ({}) {}",
                            values.len(),
                            field_noun(p.field),
                            self.cfg.enumeration_window_minutes,
                            values.iter().copied().collect::<Vec<_>>().join(", "),
                            case_phrase(&case)
                        ),
                    });
                }
            }
        }
        out
    }
}

impl Detector for Fishing {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, _out: &mut Vec<Finding>) {
        if cx.activity.is_none() {
            // Session events are not searches.
            return;
        }
        let day = ev.ts.date_naive();
        if self.day != Some(day) {
            self.day = Some(day);
            self.today.clear();
            self.units = None;
        }
        // The login's day is taken out while the detector reads itself, and put back in
        // place: a search by the borrowed key, no removal from the map, no key copied.
        let key = login_key_of(&ev.user);
        let user: &str = &key;
        let mut t = match self.today.get_mut(user) {
            Some(slot) => std::mem::take(slot),
            None => Today {
                login: ev.user.to_string(),
                ..Today::default()
            },
        };
        let signals = if matches!(r.case, CaseStatus::Explained { .. }) {
            // A lookup a case explains is case work: it neither counts nor joins a sequence.
            Vec::new()
        } else {
            self.signals(ev, r, cx, &mut t)
        };
        if !signals.is_empty() && t.needed.is_none() {
            // Fixed at the user's first search of the day, from the days before it only.
            t.needed = Some(self.needs(cx, user, day));
        }
        let lacks_case = !signals.is_empty()
            && !matches!(
                cx.resolver.search_case(ev),
                SearchCase::Assigned { .. } | SearchCase::Exempt { .. }
            );
        // The login's surname searches waiting for its next lookup: if that picks one person
        // of the surname out of them, they were a search for that person.
        let pending = std::mem::take(&mut t.pending);
        let repeats = signals.iter().any(|s| {
            s.sweep.is_some() && pending.iter().any(|(_, p, _)| s.sweep.as_ref() == Some(p))
        });
        // What a lookup's surname narrows, read only while a surname search waits for it:
        // most lookups follow none.
        let narrowing = if repeats || pending.is_empty() {
            None
        } else {
            narrows(ev)
        };
        if repeats {
            // The same surname again (sent to another system): still waiting.
            t.pending = pending;
        } else if let Some(surname) = narrowing {
            let since = ev.ts - Duration::minutes(NARROWED_MINUTES);
            let picked: Vec<&String> = pending
                .iter()
                .filter(|(_, p, ts)| *ts >= since && surname.picks_from(p))
                .map(|(id, ..)| id)
                .collect();
            let before = t.searches[WILDCARD].len();
            t.searches[WILDCARD].retain(|c| !c.ids.iter().any(|id| picked.contains(&id)));
            let gone = (before - t.searches[WILDCARD].len()) as u32;
            t.counts[WILDCARD] = t.counts[WILDCARD].saturating_sub(gone);
            t.narrowed += u64::from(gone);
        }
        for s in signals {
            if let Some(p) = &s.sweep {
                t.pending.push((ev.id.to_string(), p.clone(), ev.ts));
            }
            t.counts[s.kind] += s.ids.len() as u32;
            let mut context = Map::new();
            super::add_event_context(&mut context, ev);
            t.searches[s.kind].push(Counted {
                ts: s.ids.iter().map(|(_, ts)| *ts).min().unwrap_or(ev.ts),
                ids: s.ids.into_iter().map(|(id, _)| id).collect(),
                criteria: s.criteria,
                what: s.what,
                lacks_case,
                context,
            });
        }
        match self.today.get_mut(user) {
            Some(slot) => *slot = t,
            None => {
                self.today.insert(key.into_owned(), t);
            }
        }
    }

    fn close_day(&mut self, day: NaiveDate, cx: &DayContext<'_>, out: &mut Vec<DayFinding>) {
        let mut users: Vec<(String, Today)> = self.today.drain().collect();
        users.sort_by(|a, b| a.0.cmp(&b.0));
        let narrowed: u64 = users.iter().map(|(_, t)| t.narrowed).sum();
        if narrowed > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "wildcard_narrowed",
                count: narrowed,
            });
        }
        let mut in_work = 0;
        for (user, t) in users {
            if t.counts.iter().any(|&n| n > 0) {
                self.counts
                    .entry(user.clone())
                    .or_default()
                    .insert(day, t.counts);
            }
            let needed = t.needed.unwrap_or_default();
            for (k, searches) in t.searches.iter().enumerate() {
                let mut need = needed[k];
                if searches.is_empty() || t.counts[k] < need.count {
                    continue;
                }
                if searches.iter().all(|c| !c.lacks_case) {
                    need.count = need.count.max(IN_WORK_SEARCHES);
                }
                if t.counts[k] < need.count {
                    // Only the bar for work can have risen above the day's count.
                    in_work += 1;
                    continue;
                }
                out.push(self.day_finding(cx, day, &user, &t, k, searches, need));
            }
        }
        if in_work > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "sweep_in_work",
                count: in_work,
            });
        }
        // Forget days no later day can be judged against.
        let keep_from = day
            .checked_add_days(Days::new(1))
            .map_or(day, |d| self.first_day(d));
        for m in self.counts.values_mut() {
            *m = m.split_off(&keep_from);
        }
        self.counts.retain(|_, m| !m.is_empty());
        self.units = None;
        self.day = None;
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        std::mem::take(&mut self.notes)
    }

    fn save(&self) -> Option<Value> {
        let saved = Saved {
            counts: self
                .counts
                .iter()
                .map(|(u, m)| (u.clone(), m.clone()))
                .collect(),
        };
        serde_json::to_value(saved).ok()
    }

    fn restore(&mut self, saved: &Value) -> Result<(), SavedStateError> {
        let s: Saved = saved_value(saved, "counts")?;
        self.counts = s.counts.into_iter().collect();
        Ok(())
    }

    /// The counts are all this detector saves, and all learnt: those before `before`.
    fn restore_learnt(&mut self, saved: &Value, before: NaiveDate) -> Result<(), SavedStateError> {
        self.restore(saved)?;
        for days in self.counts.values_mut() {
            days.split_off(&before);
        }
        self.counts.retain(|_, days| !days.is_empty());
        Ok(())
    }
}

/// `custodes baseline`'s use of this detector: the same counting over earlier logs, with
/// the findings thrown away, so that a state built from files holds the usual searches an
/// audit of those days would have saved. Events must come in time order (a sequence is a
/// run of searches within a window); the usual day the findings would be judged against
/// is irrelevant here, so it is computed against an empty history.
pub(crate) struct Learner {
    det: Fishing,
    day: Option<NaiveDate>,
    empty: crate::baseline::History,
    /// No purposes counted: the learner runs `fishing` alone, which does not ask.
    no_routines: super::routine::Routines,
    /// Users (login keys) and days with any search or export: what the logs cover.
    covered: BTreeSet<(String, NaiveDate)>,
    findings: Vec<Finding>,
    day_findings: Vec<DayFinding>,
}

impl Learner {
    pub fn new(config: &Config) -> Self {
        Self {
            det: Fishing::new(config),
            day: None,
            empty: crate::baseline::History::new(config.baseline.history_days),
            no_routines: super::routine::Routines::new(config.baseline.history_days),
            covered: BTreeSet::new(),
            findings: Vec::new(),
            day_findings: Vec::new(),
        }
    }

    /// One event, in time order, as the engine would give it to the detector.
    pub(crate) fn observe(
        &mut self,
        ev: &Event,
        r: &Resolved<'_>,
        resolver: &Resolver,
        activity: Option<&crate::baseline::Activity>,
    ) {
        let day = ev.ts.date_naive();
        if self.day.is_some_and(|d| day > d) {
            self.close(resolver);
        }
        if self.day.is_none_or(|d| day > d) {
            self.day = Some(day);
        }
        if activity.is_some() {
            self.covered.insert((login_key(&ev.user), day));
        }
        let cx = Context {
            resolver,
            history: &self.empty,
            activity,
            routines: &self.no_routines,
        };
        self.det.observe(ev, r, &cx, &mut self.findings);
        self.findings.clear();
    }

    fn close(&mut self, resolver: &Resolver) {
        if let Some(day) = self.day.take() {
            let tally = crate::baseline::DayTally::default();
            let cx = DayContext {
                resolver,
                history: &self.empty,
                tally: &tally,
            };
            self.det.close_day(day, &cx, &mut self.day_findings);
            self.day_findings.clear();
        }
    }

    /// Ends the input: the last day is counted too.
    pub fn finish(mut self, resolver: &Resolver) -> Learnt {
        self.close(resolver);
        Learnt {
            counts: self
                .det
                .counts
                .into_iter()
                .filter(|(_, m)| !m.is_empty())
                .collect(),
            covered: self.covered,
        }
    }
}

/// The usual searches [`Learner`] found in a period of logs: each user's daily counts, and
/// every user-day the logs cover (a covered user-day with no count is a day without
/// fishing, which replaces whatever a state held for it).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Learnt {
    counts: BTreeMap<String, BTreeMap<NaiveDate, [u32; 3]>>,
    covered: BTreeSet<(String, NaiveDate)>,
}

impl Learnt {
    /// This detector's saved state (`carry.detectors["fishing"]`) with what was learnt
    /// merged in, as `custodes baseline` extends a state: user-days the logs cover replace
    /// the saved ones (as history rows do), the others are kept, and days that no day after
    /// `last_day` can be judged against (older than `history_days`) are dropped. So
    /// extending a state period by period gives what one run over all periods gives.
    pub(crate) fn merge_into(
        &self,
        saved: Option<&Value>,
        history_days: u32,
        last_day: Option<NaiveDate>,
    ) -> Result<Value, SavedStateError> {
        let mut merged: Saved = match saved {
            Some(v) => saved_value(v, "counts")?,
            None => Saved::default(),
        };
        for (user, day) in &self.covered {
            if let Some(m) = merged.counts.get_mut(user) {
                m.remove(day);
            }
        }
        for (user, days) in &self.counts {
            merged
                .counts
                .entry(user.clone())
                .or_default()
                .extend(days.iter().map(|(d, c)| (*d, *c)));
        }
        if let Some(last) = last_day {
            // The same bound as the engine's after closing `last`.
            let keep_from = last
                .checked_add_days(Days::new(1))
                .and_then(|d| d.checked_sub_days(Days::new(u64::from(history_days.max(1)))))
                .unwrap_or(NaiveDate::MIN);
            for m in merged.counts.values_mut() {
                *m = m.split_off(&keep_from);
            }
        }
        merged.counts.retain(|_, m| !m.is_empty());
        serde_json::to_value(merged).map_err(SavedStateError::Unwritable)
    }

    /// Whether the logs held any search or export at all.
    pub fn is_empty(&self) -> bool {
        self.covered.is_empty()
    }
}

fn fmt_usual(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn case_phrase(c: &SearchCase<'_>) -> String {
    match c {
        SearchCase::None => "with no case attached".into(),
        SearchCase::Exempt { by } => format!("(exempt: {by})"),
        SearchCase::Invalid { kind, case_id } => match *kind {
            "unknown_case" => format!("under case {case_id}, which does not exist"),
            "closed_case" => format!("under case {case_id}, which was not open at the time"),
            _ => format!("under case {case_id}, to which the user is not assigned"),
        },
        SearchCase::Assigned { case_id, .. } => {
            format!("under assigned case {case_id}, which lists nobody it fits")
        }
    }
}

fn search_case_json(c: &SearchCase<'_>) -> Value {
    match c {
        SearchCase::None => json!({"status": "missing"}),
        SearchCase::Exempt { by } => json!({"status": "exempt", "by": by}),
        SearchCase::Invalid { kind, case_id } => json!({"status": kind, "case_id": case_id}),
        SearchCase::Assigned { case_id, subjects } => json!({
            "status": "assigned", "case_id": case_id, "subjects": subjects.len(),
        }),
    }
}

fn field_noun(field: &str) -> &'static str {
    match field {
        "plate" => "plate",
        "person_id" => "person id",
        _ => "house number",
    }
}

/// A name pattern (or a surname searched alone).
struct Pattern {
    field: String,
    /// As typed.
    text: String,
    /// A surname alone, not a pattern.
    sweep: bool,
}

impl Pattern {
    fn describe(&self) -> String {
        if self.sweep {
            format!("for the surname {} alone", self.text.to_uppercase())
        } else {
            format!("by pattern {} ({})", self.text, self.field)
        }
    }

    /// Whether a case subject fits: the pattern against their surname or given name (or
    /// whole name), folded as names are.
    fn fits(&self, p: &KnownPerson) -> bool {
        let Some(n) = &p.name else {
            return false;
        };
        let pat = fold_pattern(&self.text);
        if pat.is_empty() {
            return false;
        }
        let whole = format!("{}{}", n.last, n.first);
        // A compound surname's parts too: `GARCIA` fits `GARCIA-LOPEZ`.
        let parts = n.last_parts.iter().map(String::as_str);
        let cands: Vec<&str> = match self.field.as_str() {
            "first_name" => vec![n.first.as_str()],
            "last_name" => std::iter::once(n.last.as_str()).chain(parts).collect(),
            _ => [n.last.as_str(), n.first.as_str(), whole.as_str()]
                .into_iter()
                .chain(parts)
                .collect(),
        };
        cands.iter().any(|c| glob(&pat, c.as_bytes()))
    }
}

/// The pattern folded like names (letters and digits upper-cased, accents removed, other
/// characters dropped), wildcards kept as `*` (any run) and `?` (one character).
fn fold_pattern(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for part in s.split_inclusive(['*', '%', '?', '_']) {
        let (body, wild) = match part.chars().last() {
            Some(c @ ('*' | '%' | '?' | '_')) => (&part[..part.len() - c.len_utf8()], Some(c)),
            _ => (part, None),
        };
        out.extend(fold(body).bytes().filter(u8::is_ascii_alphanumeric));
        match wild {
            Some('*' | '%') => out.push(b'*'),
            Some(_) => out.push(b'?'),
            None => {}
        }
    }
    out
}

/// Glob match of `*` / `?` over bytes (iterative, with one backtrack point).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// The words a LIKE pattern needs (`LIKE`, `ILIKE`, `SIMILAR TO`), anywhere, any case.
fn like_word() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)like|similar").expect("static regex"))
}

/// Whether `q` holds a word a LIKE pattern needs ([`like_word`]). Asked of every query
/// text on the detection thread, so an ASCII text (nearly every one) is scanned byte by
/// byte; any other goes to the regex, whose case folding is Unicode's (`ſ` is an `s`).
fn names_like(q: &str) -> bool {
    fn holds(hay: &[u8], word: &[u8]) -> bool {
        hay.windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    }
    if q.is_ascii() {
        holds(q.as_bytes(), b"like") || holds(q.as_bytes(), b"similar")
    } else {
        like_word().is_match(q)
    }
}

/// A case-insensitive search for any of `words` (as literals); `None` when there are none.
fn any_of(words: &[String]) -> Option<Regex> {
    let alternation: Vec<String> = words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| regex::escape(w))
        .collect();
    if alternation.is_empty() {
        return None;
    }
    regex::RegexBuilder::new(&alternation.join("|"))
        .case_insensitive(true)
        .build()
        .ok()
}

fn like_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:i?like|similar\s+to)\s+E?'((?:[^']|'')*)'").expect("static regex")
    })
}

fn star_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z][A-Za-z'\-]*[*%]").expect("static regex"))
}

fn attr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b([a-z_]+)\s*(?:=|:|/|>=|<=|>|<|\s+between\s+|\s+in\s+)\s*\(?\s*'?([^'\s,;)./]+)")
            .expect("static regex")
    })
}

/// True when a LIKE pattern holds `%` or `_` not escaped by a backslash.
fn like_wild(p: &str) -> bool {
    let mut esc = false;
    for c in p.chars() {
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == '%' || c == '_' {
            return true;
        }
    }
    false
}

/// Every name pattern of a search: subject fields holding `*` or `%`, patterns the
/// pgAudit reader kept (`subject_patterns`), and in `query_text` LIKE patterns and words
/// ending in `*` or `%`. Deduplicated by text, first field kept.
fn patterns(ev: &Event) -> Vec<Pattern> {
    let mut out: Vec<Pattern> = Vec::new();
    fn add(out: &mut Vec<Pattern>, field: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() || out.iter().any(|p| p.text.eq_ignore_ascii_case(text)) {
            return;
        }
        out.push(Pattern {
            field: field.to_string(),
            text: text.to_string(),
            sweep: false,
        });
    }
    let s = &ev.subject;
    for (f, v) in [
        ("last_name", &s.last_name),
        ("first_name", &s.first_name),
        ("name", &s.name),
    ] {
        if let Some(v) = v.as_deref().filter(|v| v.contains(['*', '%'])) {
            add(&mut out, f, v);
        }
    }
    if let Some(Value::Object(m)) = ev.extra.get("subject_patterns") {
        for (f, v) in m {
            if let Some(v) = v.as_str() {
                add(&mut out, f, v);
            }
        }
    }
    // A wildcard word needs `*` or `%`, a LIKE pattern the word LIKE or SIMILAR: a text
    // with neither holds no pattern (nor will it once its comments are cut).
    if let Some(q) = ev
        .query_text
        .as_deref()
        .filter(|q| q.contains(['*', '%']) || names_like(q))
    {
        let q = &without_sql_comments(q);
        for c in like_re().captures_iter(q) {
            if let Some(m) = c.get(1).filter(|m| like_wild(m.as_str())) {
                add(&mut out, "query_text", &m.as_str().replace("''", "'"));
            }
        }
        for m in star_re().find_iter(q) {
            // `%20` is URL encoding (sqlcommenter values), not a pattern: a wildcard ends
            // the word.
            if q[m.end()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            // Inside a LIKE literal it was taken above already (as the whole literal).
            if !out
                .iter()
                .any(|p| p.text.to_uppercase().contains(&m.as_str().to_uppercase()))
            {
                add(&mut out, "query_text", m.as_str());
            }
        }
    }
    out
}

/// SQL text without its comments (`/* sqlcommenter tags */`, `-- notes`): their `*/` and
/// URL-encoded `%` are not patterns. Quoted strings are kept whole.
fn without_sql_comments(q: &str) -> String {
    let b = q.as_bytes();
    let mut out = String::with_capacity(q.len());
    let mut i = 0;
    let mut start = 0;
    let mut quoted = false;
    while i < b.len() {
        if b[i] == b'\'' {
            quoted = !quoted;
            i += 1;
        } else if !quoted && b[i..].starts_with(b"/*") {
            out.push_str(&q[start..i]);
            i = q[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            start = i;
            out.push(' ');
        } else if !quoted && b[i..].starts_with(b"--") {
            out.push_str(&q[start..i]);
            i = q[i..].find('\n').map_or(b.len(), |e| i + e);
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&q[start.min(q.len())..]);
    out
}

/// The surname, when a search gave a surname and nothing else that identifies a person.
fn surname_only(ev: &Event) -> Option<String> {
    let s = &ev.subject;
    if s.first_name.is_some()
        || s.person_id.is_some()
        || s.dob.is_some()
        || s.plate.is_some()
        || s.phone.is_some()
        || s.address.is_some()
    {
        return None;
    }
    let last = match (&s.last_name, &s.name) {
        (Some(l), None) => l.trim(),
        (None, Some(n)) => n.trim().trim_end_matches(','),
        _ => return None,
    };
    (!last.is_empty() && !last.contains([' ', ',']) && !last.contains(['*', '%']))
        .then(|| last.to_string())
}

/// For a lookup of one person (a surname with a given name and a date of birth, or with an
/// id), the surname folded as names are: what narrows an earlier search of the surname
/// alone ([`NARROWED_MINUTES`]).
fn narrows(ev: &Event) -> Option<Narrowing> {
    let s = &ev.subject;
    let real = |v: &Option<Text>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    if !(real(&s.dob) || real(&s.person_id)) {
        return None;
    }
    let (surname, order_known) = match (&s.last_name, &s.name) {
        (Some(l), _) if real(&s.first_name) || real(&s.person_id) => (l.as_str(), true),
        // `MILLER, DENISE` says which word is the surname; `DENISE MILLER` does not (a
        // contact centre's screen takes the name as the caller says it), so any of its
        // words may be.
        (None, Some(n)) => match n.split_once(',') {
            Some((last, _)) => (last, true),
            None => (n.as_str(), false),
        },
        _ => return None,
    };
    if surname.contains(['*', '%']) {
        return None;
    }
    let words: Vec<Vec<u8>> = surname
        .split([' ', '-', '\''])
        .map(|w| {
            fold(w)
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .collect::<Vec<u8>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let whole: Vec<u8> = words.concat();
    (!whole.is_empty()).then_some(Narrowing {
        whole,
        words,
        order_known,
    })
}

/// The surname of a lookup that names one person ([`narrows`]), folded: whole (a compound
/// surname's words run together, as [`fold_pattern`] writes a typed one) and word by word.
struct Narrowing {
    whole: Vec<u8>,
    words: Vec<Vec<u8>>,
    /// The field said which words are the surname; otherwise every word of the name is
    /// tried and only as a whole word.
    order_known: bool,
}

impl Narrowing {
    /// Whether a surname searched alone (`p`, folded as a pattern: `ANDERSON*`) is this
    /// lookup's surname: the pattern fits it, or the typed surname and the picked one are
    /// one slip apart (`GRAHAM` then `GRAHM, ASHLEY`; `FISEHR` then `FISHER, MARY`), or one
    /// is a word of the other's compound surname (`PATEL-JACKSON` then `PATEL, KELLY`).
    /// Surnames of under four letters are compared exactly: one slip apart is another name.
    fn picks_from(&self, p: &[u8]) -> bool {
        let candidates = self
            .order_known
            .then_some(&self.whole)
            .into_iter()
            .chain(&self.words);
        let base = p
            .strip_suffix(b"*")
            .filter(|b| !b.contains(&b'*') && !b.contains(&b'?'));
        candidates.into_iter().any(|w| {
            glob(p, w)
                || base.is_some_and(|b| {
                    let long = b.len().min(w.len()) >= 4;
                    long && (slip_apart(b, w) || (self.order_known && compound_part(b, w)))
                })
        })
    }
}

/// Two folded surnames one insertion, deletion, substitution or swap of neighbours apart.
fn slip_apart(a: &[u8], b: &[u8]) -> bool {
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) => crate::identity::normalize::within_one_edit(a, b),
        _ => false,
    }
}

/// One folded surname is the first or last word of the other, a compound run together.
fn compound_part(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() < long.len() && (long.starts_with(short) || long.ends_with(short))
}

/// Whether a search names a person by something other than a pattern.
fn identifies(ev: &Event) -> bool {
    let s = &ev.subject;
    let real = |v: &Option<Text>| {
        v.as_deref()
            .is_some_and(|v| !v.trim().is_empty() && !v.contains(['*', '%']))
    };
    real(&s.person_id)
        || real(&s.last_name)
        || real(&s.name)
        || real(&s.dob)
        || real(&s.plate)
        || real(&s.phone)
        || real(&s.address)
}

/// The describing criteria of a search: source fields (top level or in a nested
/// `subject`) named in `attribute_fields`, and `key=value` criteria in `query_text`.
fn attributes(ev: &Event, fields: &[String], names: Option<&Regex>) -> Vec<(String, String)> {
    let known = |k: &str| {
        let k = k.to_ascii_lowercase();
        let k = k.strip_prefix("subject_").unwrap_or(&k).to_string();
        fields
            .iter()
            .any(|f| f.eq_ignore_ascii_case(&k))
            .then_some(k)
    };
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut take = |m: &Map<String, Value>| {
        for (k, v) in m {
            let Some(k) = known(k) else { continue };
            let v = match v {
                Value::String(s) => s.trim().to_string(),
                Value::Number(n) => n.to_string(),
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join("|"),
                _ => continue,
            };
            if !v.is_empty() {
                out.entry(k).or_insert(v);
            }
        }
    };
    take(&ev.extra);
    if let Some(Value::Object(m)) = ev.extra.get("subject") {
        take(m);
    }
    // A criterion's key is one of `fields` (perhaps after `subject_`), so a text in which
    // none occurs has none: most query texts (`PERSON SEARCH nam=…`) are passed over
    // with one scan instead of a capture per `key=value`.
    if let Some(q) = ev
        .query_text
        .as_deref()
        .filter(|q| names.is_none_or(|n| n.is_match(q)))
    {
        for c in attr_re().captures_iter(q) {
            if let (Some(k), Some(v)) = (c.get(1), c.get(2)) {
                if let Some(k) = known(k.as_str()) {
                    out.entry(k).or_insert_with(|| v.as_str().to_string());
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Identifiers of a search that can form a sequence: a plate or person id ending in
/// digits, an address's house number with its street.
fn probes(ev: &Event) -> Vec<Probe> {
    let mut out = Vec::new();
    let s = &ev.subject;
    for (field, v) in [("plate", &s.plate), ("person_id", &s.person_id)] {
        let Some(v) = v.as_deref() else { continue };
        let norm: String = v
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let digits = norm.len() - norm.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 12 {
            continue;
        }
        let (stem, num) = norm.split_at(norm.len() - digits);
        if let Ok(number) = num.parse::<u64>() {
            out.push(Probe {
                ts: ev.ts,
                id: ev.id.to_string(),
                field,
                // The digit count is part of the stem: ABC0099 and ABC100 are not neighbours.
                stem: format!("{stem}#{digits}"),
                number,
                typed: v.trim().to_string(),
            });
        }
    }
    if let Some(a) = s
        .address
        .as_deref()
        .and_then(crate::identity::address::Address::parse)
    {
        let digits: String = a.number.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(number) = digits.parse::<u64>() {
            let mut street = a.street.join(" ");
            if let Some(x) = a.suffix {
                street.push(' ');
                street.push_str(x);
            }
            out.push(Probe {
                ts: ev.ts,
                id: ev.id.to_string(),
                field: "address",
                stem: street,
                number,
                typed: s.address.as_deref().unwrap_or_default().to_string(),
            });
        }
    }
    out
}

/// The sequence `p` belongs to among `recent` (same field and stem): the chain of distinct
/// numbers around `p.number`, each within `gap` of the next, when it holds at least
/// `min_run` distinct numbers; every probe with one of those numbers.
fn sequence<'a>(
    recent: &'a VecDeque<Probe>,
    p: &Probe,
    gap: u64,
    min_run: usize,
) -> Option<Vec<&'a Probe>> {
    let same: Vec<&Probe> = recent
        .iter()
        .filter(|q| q.field == p.field && q.stem == p.stem)
        .collect();
    let numbers: BTreeSet<u64> = same.iter().map(|q| q.number).collect();
    let (mut lo, mut hi) = (p.number, p.number);
    loop {
        let below = numbers
            .range(lo.saturating_sub(gap)..lo)
            .next_back()
            .copied();
        match below {
            Some(b) => lo = b,
            None => break,
        }
    }
    loop {
        let above = numbers
            .range(hi.saturating_add(1)..=hi.saturating_add(gap))
            .next_back()
            .copied();
        match above {
            Some(a) => hi = a,
            None => break,
        }
    }
    let run = numbers.range(lo..=hi).count();
    (run >= min_run.max(2)).then(|| {
        same.into_iter()
            .filter(|q| (lo..=hi).contains(&q.number))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picked(searched: &str, last: Option<&str>, name: Option<&str>) -> bool {
        let mut ev = ev("");
        ev.subject.last_name = last.map(Text::from);
        ev.subject.first_name = last.map(|_| "ANN".into());
        ev.subject.name = name.map(Text::from);
        ev.subject.dob = Some("1980-01-01".into());
        let mut p = fold_pattern(searched);
        p.push(b'*');
        narrows(&ev).is_some_and(|n| n.picks_from(&p))
    }

    #[test]
    fn a_pick_typed_as_people_type_narrows_the_surname_searched() {
        assert!(picked("GRAHAM", Some("GRAHM"), None));
        assert!(picked("FISEHR", Some("FISHER"), None));
        assert!(picked("PETERSON", None, Some("SCOTT PETERSON")));
        assert!(picked("PETERSON", None, Some("PETERSON, SCOTT")));
        assert!(picked("patel-jackson", Some("patel"), None));
        assert!(picked("ANDERSON", Some("Anderson-novak"), None));
        assert!(picked("O'BRIEN", Some("OBRIEN"), None));
        // Too short for a slip to say anything, two slips apart, a given name's start.
        assert!(!picked("LI", Some("LU"), None));
        assert!(!picked("GRAHAM", Some("GRANTHAM"), None));
        assert!(!picked("JOHNSON", None, Some("JOHN SMITH")));
        // A compound's word is taken only where the field says which words are the surname.
        assert!(!picked("SMITHSON", None, Some("SMITH JONES")));
    }

    #[test]
    fn like_words_are_found_as_the_regex_finds_them() {
        for q in [
            "SELECT * FROM p WHERE last_name LIKE 'GAR%'",
            "where name ilike 'smi_'",
            "SIMILAR TO 'O''BR%'",
            "VIN=KMH97AK3XFH339533",
            "li ke",
            "ſimilar",
            "LI\u{212a}E",
            "",
        ] {
            assert_eq!(names_like(q), like_word().is_match(q), "{q}");
        }
    }

    proptest::proptest! {
        #[test]
        fn like_words_agree_with_the_regex_on_any_text(q in "\\PC{0,40}", w in "(?i)(like|similar|lik|simi)") {
            let text = format!("{q}{w}{q}");
            proptest::prop_assert_eq!(names_like(&text), like_word().is_match(&text));
            proptest::prop_assert_eq!(names_like(&q), like_word().is_match(&q));
        }
    }

    #[test]
    fn patterns_fit_names_as_folded() {
        assert!(glob(&fold_pattern("SMI*"), b"SMITH"));
        assert!(glob(&fold_pattern("gar%"), b"GARCIA"));
        assert!(glob(&fold_pattern("%ARC%"), b"GARCIA"));
        assert!(glob(&fold_pattern("O'BR_EN"), b"OBRIEN"));
        assert!(!glob(&fold_pattern("SMI*"), b"ASMITH"));
        assert!(!glob(&fold_pattern("GAR_"), b"GARCIA"));
    }

    fn ev(q: &str) -> Event {
        Event {
            id: "e".into(),
            ts: DateTime::<Utc>::MIN_UTC,
            user: "u".into(),
            action: "query".into(),
            system: None,
            session: None,
            client: None,
            ip: None,
            case_id: None,
            purpose: None,
            subject: crate::event::Subject::default(),
            result_count: None,
            query_text: Some(q.into()),
            extra: Map::new(),
            origin: crate::event::Origin {
                file: "t".into(),
                line: 1,
            },
        }
    }

    /// The scan that passes over texts naming no attribute field finds what the full
    /// capture loop finds: keys after `subject_`, in any case, and nothing else.
    #[test]
    fn attribute_criteria_are_found_with_or_without_the_scan() {
        let fields: Vec<String> = ["sex", "race", "hair_color", "make"]
            .map(String::from)
            .to_vec();
        let names = any_of(&fields);
        for (q, want) in [
            ("PERSON SEARCH nam=Smith, dob=1980-01-02", vec![]),
            ("QW.SEX/F.RACE/W", vec![("race", "W"), ("sex", "F")]),
            (
                "subject_Hair_Color = 'BLN' and page=2",
                vec![("hair_color", "BLN")],
            ),
            ("VEH MAKE=HONDA", vec![("make", "HONDA")]),
            ("a message on page 2", vec![]),
        ] {
            let want: Vec<(String, String)> = want
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(attributes(&ev(q), &fields, names.as_ref()), want, "{q}");
            assert_eq!(
                attributes(&ev(q), &fields, None),
                want,
                "{q} without the scan"
            );
        }
        assert!(any_of(&[]).is_none());
    }

    #[test]
    fn comments_and_url_encoding_are_not_patterns() {
        let texts =
            |q: &str| -> Vec<String> { patterns(&ev(q)).into_iter().map(|p| p.text).collect() };
        assert!(
            texts("SELECT * FROM persons WHERE plate = $1 /*purpose='TRAFFIC%20STOP'*/").is_empty()
        );
        assert_eq!(
            texts("SELECT * FROM persons WHERE last_name ILIKE 'gar%'"),
            ["gar%"]
        );
        assert_eq!(texts("QW.NAM/SMI*.SEX/F"), ["SMI*"]);
        assert_eq!(
            without_sql_comments(
                "SELECT 1 /*purpose='TRAFFIC%20STOP'*/ FROM t -- x*\nWHERE a LIKE '/*%'"
            ),
            "SELECT 1   FROM t \nWHERE a LIKE '/*%'"
        );
    }

    #[test]
    fn like_wildcards_respect_escapes() {
        assert!(like_wild("GAR%"));
        assert!(like_wild("O_BRIEN"));
        assert!(!like_wild("100\\%"));
        assert!(!like_wild("GARCIA"));
    }

    fn learnt(counts: &[(&str, &str, [u32; 3])], covered: &[(&str, &str)]) -> Learnt {
        let mut l = Learnt::default();
        for (u, d, c) in counts {
            let day: NaiveDate = d.parse().expect("date");
            l.counts.entry(u.to_string()).or_default().insert(day, *c);
            l.covered.insert((u.to_string(), day));
        }
        for (u, d) in covered {
            l.covered.insert((u.to_string(), d.parse().expect("date")));
        }
        l
    }

    fn day(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    /// `custodes baseline` run over two consecutive periods, the second extending the state
    /// the first saved, keeps the same usual searches as one run over both.
    #[test]
    fn extending_period_by_period_equals_one_run_over_all() {
        let first = learnt(
            &[
                ("rec1", "2024-05-01", [3, 0, 0]),
                ("rec1", "2024-05-02", [2, 1, 0]),
            ],
            &[("ptl1", "2024-05-02")],
        );
        let second = learnt(
            &[
                ("rec1", "2024-05-03", [4, 0, 0]),
                ("ptl1", "2024-05-04", [0, 0, 4]),
            ],
            &[("rec2", "2024-05-03")],
        );
        let both = learnt(
            &[
                ("rec1", "2024-05-01", [3, 0, 0]),
                ("rec1", "2024-05-02", [2, 1, 0]),
                ("rec1", "2024-05-03", [4, 0, 0]),
                ("ptl1", "2024-05-04", [0, 0, 4]),
            ],
            &[("ptl1", "2024-05-02"), ("rec2", "2024-05-03")],
        );
        let once = both.merge_into(None, 90, day("2024-05-04")).expect("merge");
        let saved = first
            .merge_into(None, 90, day("2024-05-02"))
            .expect("merge");
        let twice = second
            .merge_into(Some(&saved), 90, day("2024-05-04"))
            .expect("merge");
        assert_eq!(twice, once);
        // And in the other order (earlier days added to a later state).
        let saved = second
            .merge_into(None, 90, day("2024-05-04"))
            .expect("merge");
        assert_eq!(
            first
                .merge_into(Some(&saved), 90, day("2024-05-04"))
                .expect("merge"),
            once
        );
        // What the detector restores is what was merged.
        let mut det = Fishing::new(&Config::default());
        det.restore(&once).expect("restore");
        assert_eq!(det.counts.get("rec1").map(BTreeMap::len), Some(3));
        assert_eq!(det.save(), Some(once));
    }

    /// A user-day read again replaces the saved one, even by no fishing at all; days no
    /// later day can be judged against are forgotten; a damaged saved state is an error.
    #[test]
    fn a_user_day_read_again_replaces_the_saved_one() {
        let saved = learnt(
            &[
                ("rec1", "2024-05-01", [3, 0, 0]),
                ("rec1", "2024-05-02", [2, 0, 0]),
                ("rec2", "2024-05-02", [1, 0, 0]),
            ],
            &[],
        )
        .merge_into(None, 90, day("2024-05-02"))
        .expect("merge");
        let again = learnt(
            &[("rec2", "2024-05-02", [5, 0, 0])],
            &[("rec1", "2024-05-02")],
        );
        let merged = again
            .merge_into(Some(&saved), 90, day("2024-05-02"))
            .expect("merge");
        assert_eq!(
            merged,
            json!({"counts": {
                "rec1": {"2024-05-01": [3, 0, 0]},
                "rec2": {"2024-05-02": [5, 0, 0]},
            }})
        );
        // A window of one day after 2024-05-02 keeps only that day.
        let pruned = Learnt::default()
            .merge_into(Some(&merged), 1, day("2024-05-02"))
            .expect("merge");
        assert_eq!(
            pruned,
            json!({"counts": {"rec2": {"2024-05-02": [5, 0, 0]}}})
        );
        assert!(Learnt::default()
            .merge_into(Some(&json!({"counts": {"rec1": {"May 1": [1]}}})), 90, None)
            .is_err());
    }

    fn probe(n: u64) -> Probe {
        Probe {
            ts: DateTime::<Utc>::MIN_UTC,
            id: format!("e{n}"),
            field: "plate",
            stem: "ABC#3".into(),
            number: n,
            typed: format!("ABC{n}"),
        }
    }

    #[test]
    fn a_sequence_is_a_chain_of_near_numbers() {
        let recent: VecDeque<Probe> = [101, 102, 104, 105, 200].into_iter().map(probe).collect();
        let run = sequence(&recent, &probe(105), 2, 4).expect("run of four");
        assert_eq!(run.len(), 4);
        assert!(sequence(&recent, &probe(105), 1, 4).is_none());
        assert!(sequence(&recent, &probe(200), 2, 2).is_none());
    }
}
