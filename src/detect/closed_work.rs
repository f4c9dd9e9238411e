//! How much of a unit's work under one purpose (the purpose its staff type) is about
//! people of closed cases: lookups under a case that was not open at the time and that
//! lists the person looked up.
//!
//! For most work a closed case is no reason to look anyone up: an officer who runs a
//! discharged offender under the old case has no case behind the lookup, and `no_case`
//! says so (`closed_case`). Some units answer for closed cases by trade: a records unit
//! answers a court's, an employer's or a victim's request about a discharged case, and
//! every such lookup is under a closed case that lists its person. Where that is so of
//! the unit's work under the purpose (at least [`AT_LEAST`] such lookups, by at least
//! [`BY_LOGINS`] of its logins, and at least half of all its lookups under the purpose), a
//! closed case of the person looked up is the unit's routine; so it is where they are
//! fewer but steady (on at least [`ON_DAYS`] days and on at least half of the days the unit
//! worked under the purpose): a desk re-issuing a copy on one of its closed requests, a
//! records office releasing the charts of discharged patients of every ward, a clinic
//! reading results that reach closed visits. One login alone (a one-person
//! office, a clinic with one physician) makes either a practice only over [`ON_DAYS`]
//! days: an occasion of misuse under an old case is a day or a few of the window, not
//! most of its days. A lookup of the user, a colleague, an associate or a watch-listed
//! person is covered only where closed cases are the unit's trade (billing and coding work
//! a colleague's or a celebrity's discharged stay as any other), never by a steady small
//! practice ([`Routine::covers`]), but for a colleague under the closed case the user
//! held: a physician following up a colleague who was their patient serves their own
//! case ([`Resolver::held_colleagues_closed_case`](crate::identity::Resolver)). The same
//! judgement settles `coworker_lookup`'s finding of the colleague under such a case, so a
//! colleague billed or followed up as any patient is neither. (Until 2026-12-06 a steady
//! practice covered only the unit's own closed cases; a hospital's release-of-information
//! desk opens every ward's, and the one label the wider rule set aside on any world was a
//! colleague's chart opened by a clinic physician who never held it, which a steady
//! practice never covers.) Either way the [`Engine`](super::Engine) sets such lookups
//! aside when the day ends, counted in the run's summary. It is a practice, not one occasion: a closed case typed for someone it
//! does not list is always raised.
//!
//! This module only counts and answers [`ClosedWork::routine`]; it must not judge a
//! lookup itself. The counts cover the last `baseline.history_days` days, today included,
//! and are saved with the engine's state, so a night-by-night run agrees with one long
//! run.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::window::PairDays;
use super::SavedStateError;
use crate::event::Event;
use crate::identity::{code_key, Resolved};
use crate::refs::login_key_of;

/// The key under which the counts are saved with the detectors' state (no detector has it).
pub(crate) const SAVED_AS: &str = "closed_case_work";

/// A unit's work under a purpose is about closed cases when there were at least this many
/// lookups of people of closed cases...
const AT_LEAST: u32 = 3;

/// ... made by at least this many of its logins: a practice, not one login's habit...
const BY_LOGINS: usize = 2;

/// ... and they are at least one in this many of all its lookups under the purpose, with
/// a case typed or not: the purpose is what the unit types for closed cases. A purpose
/// typed now and then, mostly without a case, is not made closed-case work by the few
/// closed cases typed with it.
const ONE_IN: u32 = 2;

/// ... or, where they are fewer than that (a records desk re-issuing a certified copy on
/// one request in twelve), they come back day after day: on at least this many days,
/// beyond the one to four days of any occasion of misuse the labelled worlds hold (and
/// what a login alone needs for either rule: a one-person office, a clinic with one
/// physician)...
pub(super) const ON_DAYS: usize = 5;

/// ... and on at least one in this many of the days the unit worked under the purpose. A
/// misuse under an old case is an occasion, on a day or two of the window; a desk's
/// re-issues are part of most of its days.
pub(super) const ONE_DAY_IN: usize = 2;

/// How much of a unit's work under a purpose is about people of closed cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Routine {
    /// Too little, too rarely, or by one login on too few days: a closed case is no reason.
    No,
    /// Steady but a small part of the work: a desk re-issuing copies, a records office
    /// releasing a discharged patient's charts among its open requests.
    Steady,
    /// At least half of the work: any closed case that lists the person is.
    AnyCase,
}

impl Routine {
    /// Whether the routine covers a closed case that lists the person: any such case where
    /// closed cases are the unit's trade (half its work: billing, coding, a records unit,
    /// who work a colleague's or a celebrity's discharged stay as any other), and where they
    /// are a steady small part of it, a stranger's only (`of_own`: a lookup of the user, a
    /// colleague, an associate or a watch-listed person among them, but for a colleague
    /// under the case the user held).
    pub(crate) fn covers(self, of_own: bool) -> bool {
        match self {
            Routine::AnyCase => true,
            Routine::Steady => !of_own,
            Routine::No => false,
        }
    }
}

/// One day of one unit's lookups under one purpose.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Count {
    /// Lookups, with a case typed or not.
    lookups: u32,
    /// Of those, lookups under a case not open at the time that lists the person.
    closed: u32,
    /// The logins ([`login_key_of`] form) that made those, sorted, each once.
    logins: Vec<String>,
}

/// Per unit (as personnel writes it: the unit is never typed) and purpose ([`purpose_key`]),
/// the days of the window.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClosedWork {
    days: PairDays<Count>,
    purposes: PurposeKeys,
}

/// Purposes as compared ([`purpose_key`]), remembered by how they were typed: counted for
/// every lookup, and a purpose typed with spaces (`CALL FOR SERVICE`) cost an allocation per
/// word each time. An agency types a few dozen purposes; past [`PurposeKeys::MAX`] distinct
/// spellings (input that makes up a purpose per line) the rest are written out each time.
#[derive(Debug, Clone, Default)]
pub(super) struct PurposeKeys(rustc_hash::FxHashMap<Box<str>, Box<str>>);

impl PurposeKeys {
    const MAX: usize = 1024;

    /// `typed` as compared: itself when already in that form, else remembered.
    pub(super) fn key<'s>(&'s mut self, typed: &'s str) -> Cow<'s, str> {
        if is_code_key(typed) {
            return Cow::Borrowed(typed);
        }
        if !self.0.contains_key(typed) {
            let key = code_key(typed);
            if self.0.len() >= Self::MAX {
                return Cow::Owned(key);
            }
            self.0.insert(typed.into(), key.into());
        }
        match self.0.get(typed) {
            Some(key) => Cow::Borrowed(key),
            None => Cow::Owned(code_key(typed)),
        }
    }
}

/// A purpose as compared ([`code_key`]: `records request` is `RECORDS_REQUEST`), borrowed
/// when already so, as purposes almost always are.
pub(super) fn purpose_key(s: &str) -> Cow<'_, str> {
    if is_code_key(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(code_key(s))
    }
}

/// Whether `s` is already what [`code_key`] makes of it: upper-case ASCII words joined by
/// single `_`.
fn is_code_key(s: &str) -> bool {
    s.bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
}

impl ClosedWork {
    /// Counts over the last `history_days` days (`baseline.history_days`).
    pub(crate) fn new(history_days: u32) -> Self {
        ClosedWork {
            days: PairDays::new(history_days),
            purposes: PurposeKeys::default(),
        }
    }

    /// Counts one event: a lookup by a login of a known unit.
    /// `of_the_person` says whether a closed case it was typed under lists the person
    /// ([`crate::identity::Resolved::closed_case_lists`]).
    pub(crate) fn observe(&mut self, ev: &Event, r: &Resolved<'_>, of_the_person: bool) {
        let Some(unit) = r.personnel.and_then(|p| p.unit.as_deref()) else {
            return;
        };
        if !r.is_lookup || unit.trim().is_empty() {
            return;
        }
        let purpose = self.purposes.key(ev.purpose.as_deref().unwrap_or(""));
        let day = ev.ts.date_naive();
        self.days.count(unit, &purpose, day, |count| {
            count.lookups += 1;
            if of_the_person {
                count.closed += 1;
                let login = login_key_of(&ev.user);
                if let Err(at) = count.logins.binary_search_by(|l| l.as_str().cmp(&login)) {
                    count.logins.insert(at, login.into_owned());
                }
            }
        });
    }

    /// Whether the unit's work under the purpose is about people of closed cases, over the
    /// window ending with `day`.
    pub(crate) fn routine(&self, unit: &str, purpose: &str, day: NaiveDate) -> Routine {
        let mut logins: Vec<&str> = Vec::new();
        let (mut lookups, mut closed) = (0u32, 0u32);
        // Days with any lookup under the purpose (a day is kept only once it has one), and
        // days with one of a closed case's people.
        let (mut worked, mut closed_days) = (0usize, 0usize);
        for c in self.days.within(unit, &purpose_key(purpose), day) {
            lookups = lookups.saturating_add(c.lookups);
            closed = closed.saturating_add(c.closed);
            logins.extend(c.logins.iter().map(String::as_str));
            worked += 1;
            closed_days += usize::from(c.closed > 0);
        }
        logins.sort_unstable();
        logins.dedup();
        let on_enough_days = closed_days >= ON_DAYS;
        // Every closed lookup counted names its login: three of them name one at least.
        if closed < AT_LEAST {
            Routine::No
        } else if closed.saturating_mul(ONE_IN) >= lookups
            && (logins.len() >= BY_LOGINS || on_enough_days)
        {
            Routine::AnyCase
        } else if on_enough_days && closed_days.saturating_mul(ONE_DAY_IN) >= worked {
            Routine::Steady
        } else {
            Routine::No
        }
    }

    /// The days the unit worked under the purpose (any lookup) from `since` to `day`.
    pub(crate) fn worked_since(
        &self,
        unit: &str,
        purpose: &str,
        since: NaiveDate,
        day: NaiveDate,
    ) -> usize {
        self.days
            .days_since(unit, &purpose_key(purpose), since, day)
    }

    /// Whether the unit's practice under the purpose cannot have shown by `day`: the window
    /// has known the unit for less than a week, and it worked fewer than [`ON_DAYS`] days
    /// under the purpose ([`super::held_over`]).
    pub(crate) fn too_soon(&self, unit: &str, purpose: &str, day: NaiveDate) -> bool {
        super::held_over::too_soon(
            self.days.first_seen(unit, day),
            self.worked_since(unit, purpose, NaiveDate::MIN, day),
            day,
        )
    }

    /// The counts, to save with the engine's state: `[["UNIT\u{1f}PURPOSE", [[day,
    /// {lookups, closed, logins}], ...]], ...]`, sorted.
    pub(crate) fn save(&self) -> Result<Value, SavedStateError> {
        self.days.save()
    }

    /// Takes back what [`ClosedWork::save`] returned.
    pub(crate) fn restore(&mut self, saved: &Value) -> Result<(), SavedStateError> {
        self.days.restore(saved, SAVED_AS)
    }

    /// Forgets the counts of `day` and later (a night audited again counts them afresh).
    pub(crate) fn forget_days_from(&mut self, day: NaiveDate) {
        self.days.forget_days_from(day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_remembered_as_compared_up_to_a_bound() {
        let mut keys = PurposeKeys::default();
        assert!(matches!(
            keys.key("RECORDS_REQUEST"),
            Cow::Borrowed("RECORDS_REQUEST")
        ));
        for _ in 0..2 {
            assert_eq!(keys.key("records request"), "RECORDS_REQUEST");
            assert_eq!(keys.key(" Call for-service"), "CALL_FOR_SERVICE");
        }
        assert_eq!(keys.0.len(), 2);
        for i in 0..PurposeKeys::MAX + 10 {
            assert_eq!(keys.key(&format!("made up {i}")), format!("MADE_UP_{i}"));
        }
        assert_eq!(keys.0.len(), PurposeKeys::MAX);
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).expect("a day of March")
    }

    fn count(w: &mut ClosedWork, unit: &str, d: u32, lookups: u32, closed: u32, logins: &[&str]) {
        w.days.count(unit, "RECORDS_REQUEST", day(d), |c| {
            *c = Count {
                lookups,
                closed,
                logins: logins.iter().map(|l| l.to_string()).collect(),
            };
        });
    }

    #[test]
    fn a_records_units_requests_are_a_routine_and_one_logins_habit_is_not() {
        let mut w = ClosedWork::new(3);
        count(&mut w, "RECORDS", 1, 4, 4, &["ann", "bo"]);
        count(&mut w, "PATROL", 1, 400, 6, &["cy", "di"]);
        count(&mut w, "ALONE", 1, 9, 9, &["ed"]);
        count(&mut w, "FEW", 1, 2, 2, &["fa", "gu"]);
        let routine = |unit: &str, purpose: &str, d: u32| w.routine(unit, purpose, day(d));
        assert_eq!(routine("RECORDS", "records request", 1), Routine::AnyCase);
        assert_eq!(
            routine("PATROL", "RECORDS_REQUEST", 1),
            Routine::No,
            "1.5 % of its work"
        );
        assert_eq!(
            routine("ALONE", "RECORDS_REQUEST", 1),
            Routine::No,
            "one login"
        );
        assert_eq!(routine("FEW", "RECORDS_REQUEST", 1), Routine::No, "too few");
        assert_eq!(
            routine("RECORDS", "SUPERVISION", 1),
            Routine::No,
            "another purpose"
        );
        // The window moves on: three days later the unit's day is forgotten.
        assert_eq!(routine("RECORDS", "RECORDS_REQUEST", 3), Routine::AnyCase);
        assert_eq!(routine("RECORDS", "RECORDS_REQUEST", 4), Routine::No);
    }

    #[test]
    fn a_desks_steady_reissues_are_a_routine_and_an_occasion_is_not() {
        let mut w = ClosedWork::new(30);
        // A desk: about one request in twelve is about a closed case, most days, two clerks.
        for d in 1..=5 {
            let who: &[&str] = if d % 2 == 0 { &["ann"] } else { &["bo"] };
            count(&mut w, "RECORDS", d, 60, 5, who);
        }
        // A patrol unit: two officers under old cases on three days of twenty.
        for d in 1..=20 {
            let (closed, who): (u32, &[&str]) = match d {
                4 => (3, &["cy"]),
                9 | 15 => (2, &["di"]),
                _ => (0, &[]),
            };
            count(&mut w, "PATROL", d, 5, closed, who);
        }
        let routine = |unit: &str, d: u32| w.routine(unit, "RECORDS_REQUEST", day(d));
        assert_eq!(routine("RECORDS", 5), Routine::Steady);
        assert_eq!(
            routine("RECORDS", 4),
            Routine::No,
            "four days are not yet steady"
        );
        assert_eq!(routine("PATROL", 20), Routine::No, "3 days of 20");
    }

    #[test]
    fn one_login_alone_needs_the_practice_over_five_days() {
        let mut w = ClosedWork::new(30);
        // A clinic's one physician: a result on a closed visit every day among twelve visits.
        for d in 1..=6 {
            count(&mut w, "CLINIC", d, 13, 1, &["doc"]);
        }
        // A one-person office whose work is closed charts.
        for d in 1..=6 {
            count(&mut w, "QUALITY", d, 10, 9, &["qa"]);
        }
        let routine = |unit: &str, d: u32| w.routine(unit, "RECORDS_REQUEST", day(d));
        assert_eq!(routine("CLINIC", 4), Routine::No, "four days");
        assert_eq!(routine("CLINIC", 5), Routine::Steady);
        assert_eq!(routine("QUALITY", 4), Routine::No, "four days");
        assert_eq!(routine("QUALITY", 5), Routine::AnyCase);
    }

    #[test]
    fn saved_counts_are_taken_back() {
        let mut w = ClosedWork::new(3);
        count(&mut w, "RECORDS", 1, 4, 4, &["ann", "bo"]);
        let saved = w.save().expect("saves");
        let mut back = ClosedWork::new(3);
        back.restore(&saved).expect("restores");
        assert_eq!(
            back.routine("RECORDS", "RECORDS_REQUEST", day(2)),
            Routine::AnyCase
        );
        assert!(back.restore(&serde_json::json!({"x": 1})).is_err());
    }
}
