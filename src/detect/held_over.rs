//! Lookups held past their day, until the practice that would explain them can be judged.
//!
//! The [`Engine`](super::Engine) sets aside a lookup under a closed case that lists the
//! person when closed cases are its unit's work under the purpose ([`super::closed_work`]),
//! and one under another's case that lists the person when other people's cases are the
//! login's work ([`super::others_cases`]). Either practice shows only over days of work
//! ([`ON_DAYS`]), so on the first days the logs hold of a unit or a login it cannot have
//! shown yet: a clinic's results reaching its closed visits, a quality reviewer's closed
//! charts and a resident's patients were raised on the logs' first days and set aside from
//! the fifth, for the same work.
//!
//! So a lookup its own day would raise is held over instead when the window has known the
//! unit or login (any of its work) for fewer than [`HOLD_DAYS`] days and it has worked
//! fewer than [`ON_DAYS`] days under the purpose; and, for other people's cases, when the
//! login's day looked like that work (a third or more of it: the first day of a resident's
//! new rotation, [`super::others_cases::OthersCases::a_day_of_it`]). It is set aside when a
//! later day ends with the practice shown over the days up to it, and raised (its window
//! and events unchanged) once [`ON_DAYS`] days of work under the purpose, or [`HOLD_DAYS`]
//! days, have passed since without it: a week late at most. Misuse is an occasion, one to four days of the window on every labelled
//! world, so the practice's rule still raises it; what holding costs is time, never a
//! finding.
//!
//! What is held is saved with the engine's state ([`save`], [`restore`]), so that night by
//! night it is judged when one run over every night would judge it; a run that saves no
//! state raises what it still holds at its end, since it can neither judge it nor carry it.
//! This module keeps, saves and restores what is held and says when it is due; the engine
//! judges it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::closed_work::ON_DAYS;
use super::{saved_value, GroupKey, OpenAlert, SavedStateError, FAMILIES};

/// The key under which held lookups are saved with the detectors' state (no detector has
/// it). Left out while nothing is held, so such a state is what it was before holding.
pub(crate) const SAVED_AS: &str = "held_over";

/// A unit or a login the window has known for fewer than this many days (a week: the
/// [`ON_DAYS`] days of work a practice needs, and a weekend) is new to it; a lookup of its
/// first days is held at most this many days after its own.
pub(super) const HOLD_DAYS: i64 = 7;

/// Whose practice would explain a held lookup, and under which purpose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "practice", rename_all = "snake_case")]
pub(super) enum Practice {
    /// The unit's work on closed cases ([`super::closed_work`]); `of_own` says whether a
    /// lookup of the agency's own is among the held ones. (States saved before 2026-12-06's
    /// twelfth session say `of_unit` instead, no longer read, and no `of_own`: false.)
    ClosedWork {
        unit: String,
        purpose: String,
        #[serde(default)]
        of_own: bool,
    },
    /// The login's work on other people's cases ([`super::others_cases`]); the login is
    /// the alert's user.
    OthersCases { purpose: String },
    /// The login's work on people its own cases do not list ([`super::unlisted`]); the login
    /// is the alert's user.
    Strangers,
}

/// One held lookup (or a day's lookups under one case): its alert as it would have been
/// raised on its day, and what it waits for.
#[derive(Debug, Clone)]
pub(super) struct HeldOver {
    pub key: GroupKey,
    pub practice: Practice,
    pub alert: OpenAlert,
}

/// Whether a practice judged on `day` cannot have shown yet: the window first saw the unit
/// or login `first_seen` (fewer than [`HOLD_DAYS`] days before, counting `day`), and it
/// worked `worked` days (fewer than [`ON_DAYS`]) under the purpose.
pub(super) fn too_soon(first_seen: Option<NaiveDate>, worked: usize, day: NaiveDate) -> bool {
    let known = first_seen.map_or(0, |f| (day - f).num_days() + 1);
    known < HOLD_DAYS && worked < ON_DAYS
}

/// Whether a lookup held since `held_on` and still not explained by a practice is raised
/// when `today` ends, with `worked` days of work under the purpose from `held_on` to today.
pub(super) fn due(held_on: NaiveDate, today: NaiveDate, worked: usize) -> bool {
    worked >= ON_DAYS || (today - held_on).num_days() >= HOLD_DAYS
}

/// How one held lookup is saved: its group key spelt out (a detector by its name).
#[derive(Serialize, Deserialize)]
struct Saved {
    detector: String,
    kind: String,
    user: String,
    group: String,
    day: Option<NaiveDate>,
    #[serde(flatten)]
    practice: Practice,
    alert: OpenAlert,
}

/// What is held, to save with the engine's state, in the order it was held.
pub(super) fn save(held: &[HeldOver]) -> Result<Value, SavedStateError> {
    let rows: Vec<Saved> = held
        .iter()
        .map(|h| Saved {
            detector: h.key.detector.to_string(),
            kind: h.key.kind.clone(),
            user: h.key.user.clone(),
            group: h.key.group.clone(),
            day: h.key.day,
            practice: h.practice.clone(),
            alert: h.alert.clone(),
        })
        .collect();
    serde_json::to_value(rows).map_err(SavedStateError::Unwritable)
}

/// Takes back what [`save`] returned. A detector this build does not know is an error, not
/// a lookup silently dropped.
pub(super) fn restore(saved: &Value) -> Result<Vec<HeldOver>, SavedStateError> {
    let rows: Vec<Saved> = saved_value(saved, SAVED_AS)?;
    rows.into_iter()
        .map(|s| {
            let detector = FAMILIES
                .iter()
                .map(|f| f.doc.name)
                .find(|n| *n == s.detector)
                .ok_or_else(|| SavedStateError::UnknownDetector(s.detector.clone()))?;
            Ok(HeldOver {
                key: GroupKey {
                    detector,
                    kind: s.kind,
                    user: s.user,
                    group: s.group,
                    day: s.day,
                },
                practice: s.practice,
                alert: s.alert,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).expect("a day of March")
    }

    #[test]
    fn only_the_first_days_of_a_unit_or_login_are_too_soon() {
        // Seen since the 1st: on the 1st to the 6th it is new, from the 7th it is not.
        assert!(too_soon(Some(day(1)), 0, day(1)));
        assert!(too_soon(Some(day(1)), 4, day(6)));
        assert!(!too_soon(Some(day(1)), 4, day(7)), "known a week");
        assert!(!too_soon(Some(day(1)), 5, day(3)), "five days of work");
        assert!(too_soon(None, 0, day(9)), "never seen before today");
        // Judged once the work is there, or a week after at most.
        assert!(!due(day(2), day(5), 4));
        assert!(due(day(2), day(5), 5));
        assert!(!due(day(2), day(8), 0));
        assert!(due(day(2), day(9), 0));
    }

    #[test]
    fn what_is_held_is_saved_and_taken_back_and_an_unknown_detector_refused() {
        let at = day(2).and_hms_opt(14, 0, 0).expect("a time").and_utc();
        let held = vec![HeldOver {
            key: GroupKey {
                detector: super::super::no_case::DOC.name,
                kind: "not_assigned".into(),
                user: "res1".into(),
                group: "case:IP-1".into(),
                day: Some(day(2)),
            },
            practice: Practice::OthersCases {
                purpose: "TREATMENT".into(),
            },
            alert: OpenAlert {
                employee_id: Some("E1".into()),
                first: at,
                last: at,
                event_ids: vec!["r1".into()],
                times: vec![at],
                findings: 1,
                severity: crate::alert::Severity::Medium,
                strength: 1.0,
                reason: "Lookup under case IP-1.".into(),
                evidence: serde_json::json!({"case_id": "IP-1"}),
                dirty: true,
            },
        }];
        let saved = save(&held).expect("saves");
        let back = restore(&saved).expect("restores");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].key, held[0].key);
        assert_eq!(back[0].practice, held[0].practice);
        assert_eq!(back[0].alert.event_ids, ["r1"]);
        assert_eq!(back[0].alert.first, at);
        let mut other = saved.clone();
        other[0]["detector"] = "no_such_detector".into();
        assert!(matches!(
            restore(&other),
            Err(SavedStateError::UnknownDetector(name)) if name == "no_such_detector"
        ));
        assert!(restore(&serde_json::json!({"x": 1})).is_err());
    }
}
