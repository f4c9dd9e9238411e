//! A user's day of counts judged again once the days after it can judge it.
//!
//! `odd_volume` judges a day's count (`daily_count`, `distinct_subjects`) by the user's own
//! days once there are `min_user_days` of them. With fewer, the user's own days say only
//! what level they work at, and the day is raised only when it is out of the ordinary for
//! their unit too: a newcomer finding their feet, or a part-timer's first full shift, looks
//! extreme against three quiet days. With none, the unit alone judges. That guard lets
//! through what the logs' first days hold: a patrol officer's 38 lookups on the first day
//! against 2 to 9 on each day after it, in a unit whose busier members do 36; a deputy's
//! 1,198 against 180 to 280. Only the days after such a day can tell it from a new level of
//! work.
//!
//! So a day its own judgement let pass for want of the user's history, at the kind's
//! minimum count or more and, if the user has any days yet, at the minimum ratio above
//! their level so far, is held ([`Held`]). It is judged at the end of a later day once a
//! week has passed ([`WEEK_DAYS`]: a day of the week that is always heavy comes round
//! again first) and the user has [`AFTER_DAYS`] active days after it and [`AROUND_DAYS`]
//! in all besides it ([`judge`]). It is judged once, against those days, as a user with
//! a full history is judged: their mean and spread, by a negative binomial. A day of theirs
//! raised for the kind (another misuse) is left out of those days, as its spread would hide
//! the held one; a day merely high, or one set aside as their unit's incident, stays: it is
//! how far their work swings. It must pass three bars:
//! - the bar of the first discovery among the users judged that day (the false discovery
//!   rate over their number);
//! - the kind's minimum ratio to the user's median day;
//! - [`NEW_LEVEL_RATIO`] times the median of the days after it. A new level of work (a new
//!   post, a newcomer's first full weeks) would have carried on in them.
//!
//! A day longer than a shift ([`SHIFT_HOURS`]) and than any other of the user's is counted
//! at that length: a mandatory double does twice the work. A day not judged within
//! [`LATEST_DAYS`] (a user gone on leave) is dropped. Three or more members of one unit
//! found for one day and kind are the unit's incident, as on the day itself
//! ([`settled_groups`]).
//!
//! What the module must not do: raise a day its own judgement raised, or judge a day by
//! anything the day itself could not have been judged by but the user's other days. It
//! keeps, judges and saves what is held; `odd_volume` gathers the days and words the alert.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::alert::Severity;
use crate::baseline::model::{quantile, CountModel};

/// Active days of the user's after the held one before it is judged: three days say what
/// level the user went on working at.
pub(super) const AFTER_DAYS: usize = 3;

/// Active days of the user's besides the held one, before it and after it, that judge it.
pub(super) const AROUND_DAYS: usize = 5;

/// Days after the held one before it is judged: a week, so that a day of the week that is
/// always heavy (a weekly clinic, a records desk's weekly run) comes round again first.
pub(super) const WEEK_DAYS: i64 = 7;

/// A shift's span in whole UTC hours: eight hours of work with the hour either side that
/// counting by the clock's hours adds. A day spanning more, and more than any other of the
/// user's, is a double shift or a held-over one ([`judge`]).
pub(super) const SHIFT_HOURS: u32 = 10;

/// How far above the median of the days after it a held day must be: a day at twice the
/// user's later days is not the first of a new level of work.
pub(super) const NEW_LEVEL_RATIO: f64 = 2.0;

/// Days after which a held day still not judged is dropped: four weeks, in which a user
/// back from leave has shown their level again, or has not come back.
pub(super) const LATEST_DAYS: i64 = 28;

/// A day of one user's counts that its own judgement let pass for want of their history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Held {
    /// `daily_count` or `distinct_subjects`.
    pub kind: String,
    /// A `distinct_subjects` day judged by its people outside the agency's exempt
    /// purposes (`odd_volume`'s second view of a day's breadth).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_exempt: bool,
    /// A `distinct_subjects` day most of whose people were looked up outside the agency's
    /// exempt purposes: browsing, never part of a unit's incident. False in states saved
    /// before it was kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub browsing: bool,
    /// The login key, as history keeps the user's days.
    pub user: String,
    /// The login as the events spell it.
    pub login: String,
    pub unit: String,
    pub day: NaiveDate,
    /// The count as observed, and as judged (over the agency's effect that day).
    pub observed: u32,
    pub judged_as: u64,
    /// Users judged for the kind that day: the false discovery rate's bar is taken over
    /// them.
    pub users_judged: usize,
    /// Hours from the day's first lookup to its last ([`span_hours`]).
    pub span: u32,
    /// Members of the user's unit raised for the kind that day.
    pub raised_with: usize,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub event_ids: Vec<String>,
    /// Set once the day is found to stand out; raised when its unit's day is settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<Found>,
}

/// What a held day's judgement found, to raise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Found {
    pub severity: Severity,
    pub strength: f64,
    pub reason: String,
    pub evidence: Value,
}

/// The user's other days as a held day is judged by them.
#[derive(Debug, Clone)]
pub(super) struct Judgement {
    /// The model of the user's other days, as tested.
    pub model: CountModel,
    pub p: f64,
    pub before: usize,
    pub after: usize,
    /// The median of the user's other days, and of those after the held one.
    pub median: f64,
    pub after_median: f64,
    /// How many times the user's longest other day the held day lasted, when more than
    /// one (the count was judged divided by it); else 1.
    pub length: f64,
    pub stands_out: bool,
}

/// What the kind asks of a day: the minimum count and minimum ratio to the user's median,
/// and the false discovery rate across the users of the day.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bar {
    pub min_count: u32,
    pub min_ratio: f64,
    pub fdr: f64,
}

/// One of the user's days as a held day is judged by it: its date, its value (as judged,
/// over the agency's effect that day) and its [`span_hours`].
pub(super) type Day = (NaiveDate, f64, u32);

/// Judges `held` by the user's other days (the held day's own among them or not), but for
/// those `raised` for the kind, once `today` ends, or `None` while they are too few.
pub(super) fn judge(
    held: &Held,
    days: &[Day],
    raised: &[NaiveDate],
    today: NaiveDate,
    bar: Bar,
) -> Option<Judgement> {
    // The user's usual days: a day of theirs raised for the kind (another misuse) is not
    // their usual work, and would widen the spread the held day is judged by. A day merely
    // high is kept: a user whose days run at two levels shows it here.
    let usual = |(d, ..): &&Day| *d != held.day && !raised.contains(d);
    let others: Vec<f64> = days.iter().filter(usual).map(|(_, v, _)| *v).collect();
    let after: Vec<f64> = days
        .iter()
        .filter(usual)
        .filter(|(d, ..)| *d > held.day)
        .map(|(_, v, _)| *v)
        .collect();
    if after.len() < AFTER_DAYS
        || others.len() < AROUND_DAYS
        || (today - held.day).num_days() < WEEK_DAYS
    {
        return None;
    }
    // Their mean and their whole spread, as a user with a full history is judged: a
    // user whose days run at two levels (a double shift twice a week) shows it here, where
    // the median spread of a short history on the day itself would hide it.
    let model = CountModel::fit(&others, AFTER_DAYS)?;
    // A day longer than a shift and than any other of the user's (a mandatory double) is
    // judged at the length of the longer of the two: twice the hours do twice the work. A
    // light user's days are short because they hold few lookups, so a shift is the least
    // length a day is judged at.
    let longest = days
        .iter()
        .filter(usual)
        .map(|(.., s)| *s)
        .max()
        .unwrap_or(0)
        .max(SHIFT_HOURS);
    let length = if held.span > longest {
        f64::from(held.span) / f64::from(longest)
    } else {
        1.0
    };
    let x = held.judged_as as f64 / length;
    let p = model.upper_tail(x.round() as u64);
    let median = quantile(&others, 0.5);
    let after_median = quantile(&after, 0.5);
    let stands_out = p <= bar.fdr / held.users_judged.max(1) as f64
        && held.observed >= bar.min_count
        && x >= bar.min_ratio * median.max(1.0)
        && x >= NEW_LEVEL_RATIO * after_median;
    Some(Judgement {
        model,
        p,
        length,
        before: others.len() - after.len(),
        after: after.len(),
        median,
        after_median,
        stands_out,
    })
}

/// Hours from a day's first lookup to its last, by the hours (UTC) that hold any: 24 less
/// the longest run of hours without one, round midnight, so that a night shift's span is
/// its length and not the day's.
pub(super) fn span_hours(hours: &[u32; 24]) -> u32 {
    if hours.iter().all(|&n| n == 0) {
        return 0;
    }
    let (mut longest, mut run) = (0u32, 0u32);
    for &n in hours.iter().chain(hours.iter()) {
        run = if n == 0 { run + 1 } else { 0 };
        longest = longest.max(run.min(24));
    }
    24 - longest
}

/// Whether a day held since `day` is dropped unjudged when `today` ends.
pub(super) fn expired(day: NaiveDate, today: NaiveDate) -> bool {
    (today - day).num_days() >= LATEST_DAYS
}

/// The held days found to stand out whose unit's day is settled (no member's day of the
/// same date and kind still waits), by group: each group's indexes into `held`, and
/// whether it is the unit's incident ([`super::odd_volume`]'s rotation of three: the found
/// members and those raised on the day together).
pub(super) fn settled_groups(held: &[Held], rotation: usize) -> Vec<(Vec<usize>, bool)> {
    let mut groups: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut seen: Vec<(NaiveDate, &str, &str)> = Vec::new();
    for h in held.iter().filter(|h| h.found.is_some()) {
        let key = (h.day, h.kind.as_str(), h.unit.as_str());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let same = |o: &&Held| (o.day, o.kind.as_str(), o.unit.as_str()) == key;
        if held.iter().filter(same).any(|o| o.found.is_none()) {
            continue;
        }
        let members: Vec<usize> = (0..held.len()).filter(|&i| same(&&held[i])).collect();
        // A breadth mostly outside exempt work is never a unit's incident (see
        // `odd_volume::unit_incident`).
        let incident = h.unit != "(no unit)"
            && !(h.kind == "distinct_subjects" && h.browsing)
            && members.len() + h.raised_with >= rotation;
        groups.push((members, incident));
    }
    groups
}

/// The severity of a count found at `x` against a usual day of `median`: high at twice
/// the minimum ratio or more. A day judged on its own day and one judged later read alike.
pub(super) fn severity(x: f64, median: f64, min_ratio: f64) -> Severity {
    if x >= 2.0 * min_ratio * median.max(1.0) {
        Severity::High
    } else {
        Severity::Medium
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).expect("a day of March")
    }

    fn held(on: u32, observed: u32) -> Held {
        let at = day(on).and_hms_opt(9, 0, 0).expect("a time").and_utc();
        Held {
            kind: "daily_count".into(),
            outside_exempt: false,
            browsing: false,
            user: "u1".into(),
            login: "U1".into(),
            unit: "PATROL".into(),
            day: day(on),
            observed,
            judged_as: u64::from(observed),
            users_judged: 60,
            span: 8,
            raised_with: 0,
            first: at,
            last: at,
            event_ids: vec!["e1".into()],
            found: None,
        }
    }

    const BAR: Bar = Bar {
        min_count: 30,
        min_ratio: 3.0,
        fdr: 0.01,
    };

    fn days(from: u32, values: &[f64]) -> Vec<Day> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (day(from + i as u32), *v, 8))
            .collect()
    }

    #[test]
    fn a_first_day_far_above_the_days_after_it_stands_out_once_they_are_enough() {
        let h = held(1, 38);
        // The held day itself is among the days and is left out.
        let mut d = days(1, &[38.0, 9.0, 6.0, 4.0, 2.0]);
        assert!(
            judge(&h, &d[..4], &[], day(20), BAR).is_none(),
            "three days after, four in all"
        );
        d.push((day(8), 4.0, 8));
        let j = judge(&h, &d, &[], day(20), BAR).expect("five days after");
        assert!(j.stands_out, "{j:?}");
        assert_eq!((j.before, j.after), (0, 5));
    }

    #[test]
    fn a_raised_day_of_the_users_does_not_widen_their_spread() {
        // A records clerk's first days (a short first one), the held day at 124, and a
        // later day at 70 that was itself raised: judged with the 70 among their usual
        // days, the spread it adds lets the held day pass (p about 0.01).
        let h = held(4, 124);
        let d = days(1, &[2.0, 31.0, 19.0, 124.0, 22.0, 21.0, 23.0, 70.0, 30.0]);
        let j = judge(&h, &d, &[], day(12), BAR).expect("five days after");
        assert!(!j.stands_out, "{j:?}");
        let j = judge(&h, &d, &[day(8)], day(12), BAR).expect("five days after");
        assert!(j.stands_out, "{j:?}");
        assert_eq!(
            (j.before, j.after),
            (3, 4),
            "the day at 70 is not a usual one"
        );
        assert!(j.p < 1e-6, "{j:?}");
    }

    #[test]
    fn a_new_level_of_work_carried_on_after_the_day_does_not() {
        // Four quiet days, then the day, then days at its level: a newcomer's first weeks.
        let h = held(5, 30);
        let d = days(1, &[5.0, 6.0, 5.0, 5.0, 30.0, 35.0, 33.0, 34.0]);
        let j = judge(&h, &d, &[], day(20), BAR).expect("enough days");
        assert!(!j.stands_out, "{j:?}");
        // The same days after it at the earlier level: it stands out.
        let d = days(1, &[5.0, 6.0, 5.0, 5.0, 30.0, 6.0, 5.0, 4.0]);
        assert!(
            judge(&h, &d, &[], day(20), BAR)
                .expect("enough days")
                .stands_out
        );
    }

    #[test]
    fn a_double_shift_is_judged_at_the_length_of_the_users_longest_day() {
        // 263 lookups over sixteen hours against 75-113 over eight to ten.
        let mut h = held(4, 263);
        h.span = 16;
        let d: Vec<Day> = [82.0, 85.0, 75.0, 263.0, 87.0, 113.0, 86.0, 82.0]
            .iter()
            .enumerate()
            .map(|(i, v)| (day(1 + i as u32), *v, if i == 5 { 10 } else { 8 }))
            .collect();
        let j = judge(&h, &d, &[], day(12), BAR).expect("enough days");
        assert!((j.length - 1.6).abs() < 1e-9, "{j:?}");
        assert!(!j.stands_out, "{j:?}");
        // The same count within the user's usual hours stands out, and within a shift's
        // span even where the user's other days are shorter.
        h.span = 10;
        assert!(judge(&h, &d, &[], day(12), BAR).expect("enough").stands_out);
    }

    #[test]
    fn a_days_span_runs_from_its_first_lookup_to_its_last_round_midnight() {
        let mut hours = [0u32; 24];
        assert_eq!(span_hours(&hours), 0);
        hours[9] = 3;
        assert_eq!(span_hours(&hours), 1);
        hours[16] = 1;
        assert_eq!(span_hours(&hours), 8, "09:00 to 16:59");
        // A night shift, 22:00 to 05:59 UTC.
        let mut night = [0u32; 24];
        for h in [22, 23, 0, 3, 5] {
            night[h] = 1;
        }
        assert_eq!(span_hours(&night), 8);
        assert_eq!(span_hours(&[1; 24]), 24);
    }

    #[test]
    fn a_busy_day_within_the_users_swing_or_under_the_minimum_does_not() {
        // Twice the median of steady days is not three times it.
        let h = held(1, 40);
        let d = days(1, &[40.0, 20.0, 22.0, 18.0, 21.0, 19.0]);
        assert!(!judge(&h, &d, &[], day(20), BAR).expect("enough").stands_out);
        // Under the minimum count however far above a light user's days.
        let h = held(1, 25);
        let d = days(1, &[25.0, 2.0, 1.0, 2.0, 3.0, 2.0]);
        assert!(!judge(&h, &d, &[], day(20), BAR).expect("enough").stands_out);
    }

    #[test]
    fn a_unit_of_three_found_for_one_day_is_its_incident_and_waits_for_the_last() {
        let found = Found {
            severity: Severity::Medium,
            strength: 0.9,
            reason: String::new(),
            evidence: Value::Null,
        };
        let mut hs = vec![held(1, 40), held(1, 40), held(1, 40), held(2, 40)];
        for (i, h) in hs.iter_mut().enumerate() {
            h.user = format!("u{i}");
        }
        hs[0].found = Some(found.clone());
        hs[1].found = Some(found.clone());
        hs[3].found = Some(found.clone());
        // The 1st waits for its third member; the 2nd is one member alone.
        assert_eq!(settled_groups(&hs, 3), vec![(vec![3], false)]);
        // The third is found: the unit's incident.
        hs[2].found = Some(found.clone());
        assert_eq!(
            settled_groups(&hs, 3),
            vec![(vec![0, 1, 2], true), (vec![3], false)]
        );
        // Two found with one raised on the day itself make three too.
        let mut two = vec![hs[0].clone(), hs[1].clone()];
        two[0].raised_with = 1;
        two[1].raised_with = 1;
        assert_eq!(settled_groups(&two, 3), vec![(vec![0, 1], true)]);
        assert!(!expired(day(1), day(28)));
        assert!(expired(day(1), day(29)));
    }
}
