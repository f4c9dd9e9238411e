//! How often a login, in one routine (the purpose it types), names a stranger by name
//! alone: a lookup that gives a name and nothing else (no date of birth, id, plate, phone
//! or address) and matches no employee, no association of the user's and nobody on the
//! watch list (people the case tables list are the public, and count as strangers).
//!
//! Some work is made of such searches. A court's security desk runs the name of everyone
//! who comes through; a jail's visitor desk, every visitor. Among hundreds of strangers'
//! names a day, some will be a colleague's or an official's by chance, and a name alone
//! cannot tell them apart. Where names alone are routine for the login under that
//! purpose, one name-only match under an exempt purpose is a coincidence until something
//! else says otherwise (the [`Engine`](super::Engine) holds it back; looking the same
//! person up again that day raises it, with both lookups).
//!
//! Only a match among many is weighed so: every colleague and everyone on the watch list
//! are hundreds of names a stranger may share, while the user's own name and their few
//! associations are a handful, and a name alone matching one of those says far more.
//!
//! This module only counts and answers [`Routines::names_strangers`]; it must not judge a
//! lookup itself. The counts cover the last `baseline.history_days` days, today included,
//! and are saved with the engine's state (`watch` checkpoints, `audit --state`), so a
//! night-by-night run agrees with one long run. `custodes baseline` over days later than
//! its state runs the engine as an audit does, so it saves them too; earlier days added to
//! a state leave them as saved ([`crate::run::baseline`]).

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::window::PairDays;
use super::SavedStateError;
use crate::event::Event;
use crate::identity::{Query, Resolved};
use crate::refs::login_key_of;

/// The key under which the counts are saved with the detectors' state (no detector has it).
pub(crate) const SAVED_AS: &str = "name_routines";

/// A routine is one of naming strangers when at least one lookup in this many is a
/// stranger's name alone: a desk's regular work, not the odd search.
const ONE_IN: u32 = 10;

/// ... and there are at least this many of them: fewer are too few to call a routine.
const AT_LEAST: u32 = 10;

/// One day of one login's lookups under one purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Count {
    lookups: u32,
    /// Lookups that named a person by name alone and matched no employee, association or
    /// watch-list entry.
    strangers: u32,
    /// Lookups under a purpose, system or action the agency exempts (counted since
    /// 2026-12-06; earlier states have none).
    #[serde(default)]
    exempt: u32,
}

/// Per login (`login_key`) and purpose (upper case; empty when none was typed), the days of
/// the window.
#[derive(Debug, Clone, Default)]
pub(crate) struct Routines {
    days: PairDays<Count>,
}

/// A purpose as compared: trimmed and upper-cased, borrowed when already so.
fn purpose_key(purpose: Option<&str>) -> Cow<'_, str> {
    let p = purpose.unwrap_or("");
    let trimmed = p.trim();
    if trimmed.len() == p.len() && p.is_ascii() && !p.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Borrowed(p)
    } else {
        Cow::Owned(trimmed.to_uppercase())
    }
}

/// A name and nothing else to tell its bearer by.
fn name_alone(q: &Query) -> bool {
    q.name.is_some()
        && q.person_id.is_none()
        && q.dob.is_none()
        && q.plate.is_none()
        && q.phone.is_none()
        && q.address.is_none()
}

impl Routines {
    /// Counts over the last `history_days` days (`baseline.history_days`).
    pub(crate) fn new(history_days: u32) -> Self {
        Routines {
            days: PairDays::new(history_days),
        }
    }

    /// Counts one event (lookups only).
    pub(crate) fn observe(&mut self, ev: &Event, r: &Resolved<'_>) {
        if !r.is_lookup {
            return;
        }
        // Case subjects may share the name: they are the public too, and a desk's names
        // meet them by chance as often as they meet a colleague's.
        let stranger = name_alone(&r.query) && !r.names_the_agencys_own();
        let day = ev.ts.date_naive();
        let user = login_key_of(&ev.user);
        let purpose = purpose_key(ev.purpose.as_deref());
        let exempt = r.exempt_work;
        self.days.count(&user, &purpose, day, |count| {
            count.lookups += 1;
            count.strangers += u32::from(stranger);
            count.exempt += u32::from(exempt);
        });
    }

    /// Whether naming strangers by name alone is routine for this event's login under its
    /// purpose, over the window ending with the event's day.
    pub(crate) fn names_strangers(&self, ev: &Event) -> bool {
        self.holds(&ev.user, ev.purpose.as_deref(), ev.ts.date_naive())
    }

    /// Whether exempt work is part of the event's login's work: on at least half of its
    /// active days over the window ending with the event's day, that day included, it
    /// looked someone up under an exempt purpose (whichever: a prison's staff type a
    /// dozen). A custody officer counts the inmates every day, a triage nurse triages every
    /// shift; an investigator's one "traffic stop" in a fortnight is not their work.
    pub(crate) fn works_exempt_routinely(&self, ev: &Event) -> bool {
        self.exempt_on_most_days(&ev.user, ev.ts.date_naive())
    }

    fn exempt_on_most_days(&self, user: &str, day: NaiveDate) -> bool {
        let mut active: Vec<NaiveDate> = Vec::new();
        let mut exempt: Vec<NaiveDate> = Vec::new();
        for (d, c) in self.days.all_within(login_key_of(user).as_ref(), day) {
            if c.lookups > 0 && !active.contains(d) {
                active.push(*d);
            }
            if c.exempt > 0 && !exempt.contains(d) {
                exempt.push(*d);
            }
        }
        !exempt.is_empty() && 2 * exempt.len() >= active.len()
    }

    fn holds(&self, user: &str, purpose: Option<&str>, day: NaiveDate) -> bool {
        let (lookups, strangers) = self
            .days
            .within(login_key_of(user).as_ref(), &purpose_key(purpose), day)
            .fold((0u32, 0u32), |(l, s), c| {
                (l.saturating_add(c.lookups), s.saturating_add(c.strangers))
            });
        strangers >= AT_LEAST && strangers.saturating_mul(ONE_IN) >= lookups
    }

    /// The counts, to save with the engine's state: `[["login\u{1f}PURPOSE", [[day,
    /// {lookups, strangers}], ...]], ...]`, sorted.
    pub(crate) fn save(&self) -> Result<Value, SavedStateError> {
        self.days.save()
    }

    /// Takes back what [`Routines::save`] returned.
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
        NaiveDate::from_ymd_opt(2024, 5, d).expect("a day of May")
    }

    fn count(r: &mut Routines, user: &str, d: u32, lookups: u32, strangers: u32) {
        r.days.count(user, "SCREENING", day(d), |c| {
            *c = Count {
                lookups,
                strangers,
                exempt: 0,
            };
        });
    }

    fn holds(r: &Routines, user: &str, d: u32) -> bool {
        r.holds(user, Some(" Screening"), day(d))
    }

    #[test]
    fn a_desk_naming_strangers_is_a_routine_and_an_occasional_search_is_not() {
        let mut r = Routines::new(3);
        count(&mut r, "desk", 1, 40, 12);
        count(&mut r, "patrol", 1, 400, 12);
        count(&mut r, "new", 1, 9, 9);
        assert!(holds(&r, "DESK", 1));
        assert!(!holds(&r, "patrol", 1), "3 % of its work");
        assert!(!holds(&r, "new", 1), "too few to call a routine");
        // The window moves on: three days later the desk's day is forgotten.
        assert!(holds(&r, "desk", 3));
        assert!(!holds(&r, "desk", 4));
    }

    #[test]
    fn exempt_work_is_routine_for_a_login_that_does_much_of_it() {
        let mut r = Routines::new(14);
        let exempt = |c: &mut Count, n: u32| {
            c.lookups += n;
            c.exempt += n;
        };
        for d in 1..=6 {
            // A custody officer: a count or a cell move most days, whichever purpose.
            let purpose = if d % 2 == 0 {
                "INMATE_MGMT"
            } else {
                "CELL_SEARCH"
            };
            if d != 3 {
                r.days.count("officer", purpose, day(d), |c| exempt(c, 2));
            }
            r.days
                .count("officer", "INVESTIGATION", day(d), |c| c.lookups += 40);
            r.days
                .count("detective", "INVESTIGATION", day(d), |c| c.lookups += 40);
        }
        r.days
            .count("detective", "TRAFFIC_STOP", day(5), |c| exempt(c, 3));
        assert!(r.exempt_on_most_days("OFFICER", day(6)), "five days of six");
        assert!(
            !r.exempt_on_most_days("detective", day(6)),
            "one day of six"
        );
        assert!(!r.exempt_on_most_days("nobody", day(6)));
    }

    #[test]
    fn saved_counts_are_taken_back() {
        let mut r = Routines::new(3);
        count(&mut r, "desk", 1, 40, 12);
        let saved = r.save().expect("saves");
        let mut back = Routines::new(3);
        back.restore(&saved).expect("restores");
        assert!(holds(&back, "desk", 2));
        assert!(back.restore(&serde_json::json!({"x": 1})).is_err());
    }
}
