//! How much of a login's work under one purpose is under other people's cases: lookups
//! under an existing case the login is not assigned to, of a person that case lists.
//!
//! For most logins such a lookup is a borrowed case: an officer who types a colleague's
//! case number to look up someone it lists has no case of their own behind it, and
//! `no_case` says so (`not_assigned`). Some roles work other people's cases by trade, and
//! the assignment table never names them: a resident sees the patients of the attending
//! they are rotating with, a scribe or an analyst works the cases of the people they
//! support. Where that is so of a login's latest work under a purpose (its last days under
//! it, as many as it takes: a resident's new rotation is not hidden by the one before), on
//! at least [`ON_DAYS`](super::closed_work::ON_DAYS) days, on at least half of those days,
//! and in at least [`ONE_IN`]'s share of its lookups, whose case it is
//! says nothing about that login: the [`Engine`](super::Engine) sets its `not_assigned`
//! lookups of people the case lists aside when the day ends, counted in the run's summary.
//! Whether the case exists, was open and lists the person is still judged, and a lookup of
//! the user, a colleague, an associate or a watch-listed person is never set aside (it is
//! not held: [`crate::identity::Resolved::names_the_agencys_own`]).
//!
//! What tells a role from misuse is measured, not guessed: on every world with labels, the
//! labelled `not_assigned` misuse of one login falls on at most five days of the window and
//! is under a tenth of its work; a resident's is most of their days and all of their work.
//!
//! This module only counts and answers [`OthersCases::routine`]; it must not judge a lookup
//! itself. The counts cover the last `baseline.history_days` days, today included, and are
//! saved with the engine's state, so a night-by-night run agrees with one long run.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::closed_work::{purpose_key, PurposeKeys, ONE_DAY_IN, ON_DAYS};
use super::window::PairDays;
use super::SavedStateError;
use crate::event::Event;
use crate::identity::Resolved;
use crate::refs::login_key_of;

/// The key under which the counts are saved with the detectors' state (no detector has it).
pub(crate) const SAVED_AS: &str = "others_case_work";

/// Lookups under other people's cases are a login's work under a purpose when they are at
/// least one in this many of all its lookups under it: a third. A borrowed case is an
/// occasion among a login's own work (a tenth of it at most on the labelled worlds); a
/// resident's patients are all of theirs.
const ONE_IN: u32 = 3;

/// One day of one login's lookups under one purpose.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Count {
    /// Lookups, with a case typed or not.
    lookups: u32,
    /// Of those, lookups under another's existing case that lists the person.
    others: u32,
}

/// Per login ([`login_key_of`] form) and purpose ([`purpose_key`]), the days of the window.
#[derive(Debug, Clone, Default)]
pub(crate) struct OthersCases {
    days: PairDays<Count>,
    purposes: PurposeKeys,
}

impl OthersCases {
    /// Counts over the last `history_days` days (`baseline.history_days`).
    pub(crate) fn new(history_days: u32) -> Self {
        OthersCases {
            days: PairDays::new(history_days),
            purposes: PurposeKeys::default(),
        }
    }

    /// Counts one event. `of_the_person` says whether it is a lookup under a case the
    /// login is not assigned to that lists the person
    /// ([`crate::identity::Resolved::not_assigned_lists`]).
    pub(crate) fn observe(&mut self, ev: &Event, r: &Resolved<'_>, of_the_person: bool) {
        if !r.is_lookup {
            return;
        }
        let login = login_key_of(&ev.user);
        let purpose = self.purposes.key(ev.purpose.as_deref().unwrap_or(""));
        self.days
            .count(&login, &purpose, ev.ts.date_naive(), |count| {
                count.lookups += 1;
                count.others += u32::from(of_the_person);
            });
    }

    /// Whether the login's work under the purpose is under other people's cases over its
    /// latest days of work, up to `day`: its last days under the purpose, as many as it
    /// takes (at least [`ON_DAYS`]), within the window. A role taken up in the window (a
    /// resident's new rotation) is its work once it has shown, however the login worked
    /// before; an occasion of misuse never spans the days it takes.
    pub(crate) fn routine(&self, login: &str, purpose: &str, day: NaiveDate) -> bool {
        let (mut lookups, mut others) = (0u32, 0u32);
        // Days with any lookup under the purpose (a day is kept only once it has one), and
        // days with one under another's case, counted back from `day`.
        let (mut worked, mut others_days) = (0usize, 0usize);
        for c in self
            .days
            .within(login_key_of(login).as_ref(), &purpose_key(purpose), day)
            .rev()
        {
            lookups = lookups.saturating_add(c.lookups);
            others = others.saturating_add(c.others);
            worked += 1;
            others_days += usize::from(c.others > 0);
            if others_days >= ON_DAYS
                && others_days.saturating_mul(ONE_DAY_IN) >= worked
                && others.saturating_mul(ONE_IN) >= lookups
            {
                return true;
            }
        }
        false
    }

    /// Whether the login's day `day` under the purpose looks like that work: a third or
    /// more of its lookups under it were under other people's cases that list the person.
    /// Whether it is the login's work shows only over the days after it
    /// ([`super::held_over`]).
    pub(crate) fn a_day_of_it(&self, login: &str, purpose: &str, day: NaiveDate) -> bool {
        self.days
            .on(login_key_of(login).as_ref(), &purpose_key(purpose), day)
            .is_some_and(|c| c.others > 0 && c.others.saturating_mul(ONE_IN) >= c.lookups)
    }

    /// The days the login worked under the purpose (any lookup) from `since` to `day`.
    pub(crate) fn worked_since(
        &self,
        login: &str,
        purpose: &str,
        since: NaiveDate,
        day: NaiveDate,
    ) -> usize {
        self.days.days_since(
            login_key_of(login).as_ref(),
            &purpose_key(purpose),
            since,
            day,
        )
    }

    /// Whether the login's practice under the purpose may yet show in the days after `day`
    /// ([`super::held_over`]): the window has known the login for less than a week and it
    /// worked fewer than [`ON_DAYS`] days under the purpose, or `day` looks like that work
    /// ([`OthersCases::a_day_of_it`]: the first day of a resident's new rotation).
    pub(crate) fn may_yet_show(&self, login: &str, purpose: &str, day: NaiveDate) -> bool {
        let key = login_key_of(login);
        super::held_over::too_soon(
            self.days.first_seen(key.as_ref(), day),
            self.worked_since(login, purpose, NaiveDate::MIN, day),
            day,
        ) || self.a_day_of_it(login, purpose, day)
    }

    /// The counts, to save with the engine's state: `[["LOGIN\u{1f}PURPOSE", [[day,
    /// {lookups, others}], ...]], ...]`, sorted.
    pub(crate) fn save(&self) -> Result<Value, SavedStateError> {
        self.days.save()
    }

    /// Takes back what [`OthersCases::save`] returned.
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

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).expect("a day of March")
    }

    fn count(w: &mut OthersCases, login: &str, d: u32, lookups: u32, others: u32) {
        w.days.count(login, "TREATMENT", day(d), |c| {
            *c = Count { lookups, others };
        });
    }

    #[test]
    fn a_residents_rotation_is_a_routine_and_a_borrowed_case_is_not() {
        let mut w = OthersCases::new(30);
        for d in 1..=6 {
            // A resident: every patient is an attending's.
            count(&mut w, "res", d, 20, 20);
            // A physician who looks at a colleague's patients now and then.
            count(&mut w, "doc", d, 20, u32::from(d % 2 == 0) * 2);
        }
        // An officer who borrows cases on five days of twenty, a tenth of the work.
        for d in 1..=20 {
            count(&mut w, "cop", d, 10, u32::from(d % 4 == 0) * 4);
        }
        let routine = |login: &str, d: u32| w.routine(login, "treatment", day(d));
        assert!(!routine("res", 4), "four days are not yet a practice");
        assert!(routine("res", 5));
        assert!(routine("RES", 6), "logins compare as keys");
        assert!(!routine("doc", 6), "three days, a twentieth of the work");
        assert!(
            !routine("cop", 20),
            "five days of twenty, a tenth of the work"
        );
        assert!(!w.routine("res", "SUPERVISION", day(6)), "another purpose");
    }

    #[test]
    fn a_new_rotation_is_judged_by_its_own_days() {
        let mut w = OthersCases::new(90);
        // Ten days on a team that lists the resident, then five on an attending's patients.
        for d in 1..=10 {
            count(&mut w, "res", d, 20, 0);
        }
        for d in 11..=15 {
            count(&mut w, "res", d, 20, 20);
        }
        assert!(!w.routine("res", "TREATMENT", day(14)), "four days of it");
        assert!(w.routine("res", "TREATMENT", day(15)), "its last five days");
        // A day like it, and a day with one borrowed case among many.
        count(&mut w, "doc", 1, 3, 1);
        count(&mut w, "doc", 2, 10, 1);
        assert!(w.a_day_of_it("doc", "treatment", day(1)), "a third");
        assert!(!w.a_day_of_it("doc", "TREATMENT", day(2)), "a tenth");
        assert!(
            !w.a_day_of_it("doc", "TREATMENT", day(3)),
            "no work that day"
        );
        assert!(
            w.may_yet_show("doc", "TREATMENT", day(2)),
            "new to the logs"
        );
        assert!(
            !w.may_yet_show("res", "TREATMENT", day(10)),
            "known, a day of its own"
        );
        assert_eq!(w.worked_since("res", "TREATMENT", day(11), day(15)), 5);
    }

    #[test]
    fn saved_counts_are_taken_back_and_a_rerun_day_forgotten() {
        let mut w = OthersCases::new(30);
        for d in 1..=5 {
            count(&mut w, "res", d, 3, 3);
        }
        let saved = w.save().expect("saves");
        let mut back = OthersCases::new(30);
        back.restore(&saved).expect("restores");
        assert!(back.routine("res", "TREATMENT", day(5)));
        back.forget_days_from(day(5));
        assert!(!back.routine("res", "TREATMENT", day(5)));
        assert!(back.restore(&serde_json::json!({"x": 1})).is_err());
    }
}
