//! Strangers looked up under the user's own case: a cover case, or a case whose list of
//! people is short of the people its work meets.
//!
//! A case that lists people and not the one looked up is a cover case when the reference
//! data knows the person (`no_case` `subject_not_in_case`). A person no table knows, typed
//! in full (a name with the date of birth, or a person id) and agreeing with none of the
//! people the case lists, however loosely (`crate::identity`), is either: an officer
//! typing their own case number to look up an ex-partner's new boyfriend, or a parole
//! officer checking the household of a parolee the case lists alone. The lookup cannot
//! tell them apart; the login's work can:
//!
//! - a login that looks up such strangers on two or more days of the window
//!   ([`PRACTICE_DAYS`]) works cases whose lists are short of the people they meet (a
//!   parole officer's households, an investigator's employers and landlords): counted,
//!   not raised;
//! - a login that types its cases over [`SWEEP`] or more such strangers in one day is
//!   sweeping, which `odd_volume` judges by breadth: counted, not raised as a cover case
//!   apiece;
//! - one stranger, on one day, is raised, once the week after it ([`super::held_over`])
//!   has passed without a second day: a cover case is an occasion.
//!
//! Measured, not guessed: on the sheriff's 400 × 60 world every labelled cover case of a
//! stranger is the login's only one in 60 days; the corrections and motor-vehicle worlds'
//! parole officers and investigators meet unlisted people on three to nine days of 14.
//!
//! This module counts a login's days with such strangers and answers [`Unlisted::practice`];
//! it must not judge a lookup itself (the [`Engine`](super::Engine) does, when the day
//! ends). The counts cover the last `baseline.history_days` days and are saved with the
//! engine's state, so a night-by-night run agrees with one long run.

use chrono::NaiveDate;
use serde_json::Value;

use super::window::PairDays;
use super::SavedStateError;
use crate::refs::login_key_of;

/// The key under which the counts are saved with the detectors' state (no detector has it).
pub(crate) const SAVED_AS: &str = "unlisted_strangers";

/// Days with a stranger under the login's own case, within the window, that make them its
/// work rather than an occasion.
pub(crate) const PRACTICE_DAYS: usize = 2;

/// Strangers' cases (one alert each) in one login's day that make it a sweep.
pub(crate) const SWEEP: usize = 3;

/// Per login ([`login_key_of`] form), the strangers looked up under its own cases each day
/// of the window. (One inner key, empty: the window's pairs are login and purpose
/// elsewhere, and a practice of this kind is the login's whatever the purpose.)
#[derive(Debug, Clone, Default)]
pub(crate) struct Unlisted {
    days: PairDays<u32>,
}

impl Unlisted {
    /// Counts over the last `history_days` days (`baseline.history_days`).
    pub(crate) fn new(history_days: u32) -> Self {
        Unlisted {
            days: PairDays::new(history_days),
        }
    }

    /// Counts one lookup of a stranger under the login's own case that lists others.
    pub(crate) fn observe(&mut self, login: &str, day: NaiveDate) {
        self.days
            .count(login_key_of(login).as_ref(), "", day, |n| *n += 1);
    }

    /// Whether looking up people its cases do not list is the login's work, over the
    /// window ending with `day`: [`PRACTICE_DAYS`] days or more with such a stranger.
    pub(crate) fn practice(&self, login: &str, day: NaiveDate) -> bool {
        self.days
            .days_since(login_key_of(login).as_ref(), "", NaiveDate::MIN, day)
            >= PRACTICE_DAYS
    }

    /// The counts, to save with the engine's state.
    pub(crate) fn save(&self) -> Result<Value, SavedStateError> {
        self.days.save()
    }

    /// Takes back what [`Unlisted::save`] returned.
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

    #[test]
    fn two_days_of_strangers_are_a_practice_and_one_day_is_not() {
        let mut u = Unlisted::new(28);
        u.observe("po1", day(3));
        u.observe("po1", day(3));
        assert!(!u.practice("po1", day(3)), "one day, however many");
        assert!(!u.practice("po1", day(9)));
        u.observe("po1", day(9));
        assert!(u.practice("po1", day(9)));
        assert!(
            !u.practice("po1", day(8)),
            "judged over the days up to the one asked"
        );
        assert!(!u.practice("po2", day(9)), "another login's");
        // Logins are compared as the refs write them: case and spaces aside.
        assert!(u.practice(" PO1 ", day(9)));
    }

    #[test]
    fn a_day_out_of_the_window_is_forgotten() {
        let mut u = Unlisted::new(5);
        u.observe("po1", day(1));
        u.observe("po1", day(9));
        assert!(!u.practice("po1", day(9)), "the 1st is out of the window");
    }

    #[test]
    fn saved_counts_are_taken_back_and_a_rerun_day_forgotten() {
        let mut u = Unlisted::new(28);
        u.observe("po1", day(2));
        u.observe("po1", day(4));
        let saved = u.save().expect("saves");
        let mut back = Unlisted::new(28);
        back.restore(&saved).expect("restores");
        assert!(back.practice("po1", day(4)));
        back.forget_days_from(day(4));
        assert!(!back.practice("po1", day(4)));
        assert!(back.restore(&serde_json::json!({"x": 1})).is_err());
    }
}
