//! A surge of attention that stands on sweeps: logins that looked the person up as one of
//! the hundreds of people they went through that day.
//!
//! `subject_surge` counts the logins that looked one person up within hours, none with a
//! case, as attention to that person: curiosity about a colleague, a victim, a celebrity.
//! A login whose whole day is already raised by `odd_volume` as a sweep (`daily_count` or
//! `distinct_subjects`, the alert carrying every one of its lookups of the person), or
//! whose day's breadth `odd_volume` let pass for want of history and holds to judge by the
//! days after it (fifty people and more with no case explaining them: a sweep whatever its
//! verdict), looked the person up as one of hundreds; that says nothing about the person. Two such sweeps of
//! the same list on one day (two logins working down the same roll of names) otherwise
//! raise a surge on every name the lists share, one alert per login and name, each a copy
//! of lookups the sweep's own alert already holds.
//!
//! So, once a day's alerts are all made, for a person whose surge two or more logins'
//! sweeps passed ([`MIN_SWEEPS`]: one sweep among colleagues' lookups is one login's day
//! beside their attention), a `many_users` alert is set aside (counted in the summary)
//! when its lookups are one query (a sweep goes through each person once; a login that came
//! back to the person paid them attention of its own, whatever else it did that day) and
//! the login's sweep alert of the day holds them. When the logins left in the person's
//! surge fall below the surge's own threshold, the whole surge on the person is set aside:
//! what remains is not attention enough by the detector's own measure.
//!
//! What this must not do: set aside a surge for a login whose day was neither raised nor
//! held as a breadth (a day's count held, or a day set aside as the unit's incident, leaves
//! the surge standing), or touch an alert of any other kind. The sweep itself is never
//! weakened by it.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::alert::Alert;

use super::{odd_volume, subject_surge};

/// How many logins' sweeps must pass the person for the surge to stand on sweeps: one
/// sweep among colleagues' lookups is one login's day beside their attention.
const MIN_SWEEPS: usize = 2;

/// The `odd_volume` kinds that judge a login's whole day of lookups.
const SWEEP_KINDS: [&str; 2] = ["daily_count", "distinct_subjects"];

/// Removes from `closed` (a day's alerts) the `many_users` alerts that stand on sweeps, as
/// the module says; `held` are the logins whose day's breadth is held to be judged later,
/// with the day's event ids. Returns how many were removed.
pub(crate) fn set_aside(closed: &mut Vec<Alert>, held: &[(String, Vec<String>)]) -> u64 {
    // Each login's event ids raised as a sweep today.
    let mut swept: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (user, ids) in held {
        swept
            .entry(user.as_str())
            .or_default()
            .extend(ids.iter().map(String::as_str));
    }
    for a in closed.iter() {
        if a.detector == odd_volume::DOC.name && SWEEP_KINDS.contains(&a.kind.as_str()) {
            swept
                .entry(a.user.as_str())
                .or_default()
                .extend(a.event_ids.iter().map(String::as_str));
        }
    }
    if swept.is_empty() {
        return 0;
    }
    let is_surge = |a: &Alert| a.detector == subject_surge::DOC.name && a.kind == "many_users";
    // Per person: the logins of the surge that were sweeping, and their alerts.
    let mut sweepers: HashMap<String, (BTreeSet<&str>, Vec<usize>)> = HashMap::new();
    for (i, a) in closed.iter().enumerate() {
        if !is_surge(a) {
            continue;
        }
        let in_sweep = one_query(a)
            && swept.get(a.user.as_str()).is_some_and(|ids| {
                !a.event_ids.is_empty() && a.event_ids.iter().all(|id| ids.contains(id.as_str()))
            });
        if in_sweep {
            let entry = sweepers.entry(person_of(a)).or_default();
            entry.0.insert(a.user.as_str());
            entry.1.push(i);
        }
    }
    // One login's sweep passing a person many others looked up is no surge of sweeps.
    sweepers.retain(|_, (logins, _)| logins.len() >= MIN_SWEEPS);
    if sweepers.is_empty() {
        return 0;
    }
    let mut drop = vec![false; closed.len()];
    for (_, alerts) in sweepers.values() {
        for &i in alerts {
            drop[i] = true;
        }
    }
    // A surge whose other logins fall short of its threshold is set aside whole.
    for (i, a) in closed.iter().enumerate() {
        if drop[i] || !is_surge(a) {
            continue;
        }
        let Some((out, _)) = sweepers.get(&person_of(a)) else {
            continue;
        };
        let logins: BTreeSet<&str> = a
            .evidence
            .get("logins_flagged_that_day")
            .and_then(|v| v.as_array())
            .map(|v| v.iter().filter_map(|l| l.as_str()).collect())
            .unwrap_or_default();
        let threshold = a
            .evidence
            .get("threshold")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        let left = logins.iter().filter(|l| !out.contains(*l)).count() as u64;
        if left < threshold {
            drop[i] = true;
        }
    }
    let before = closed.len();
    let mut i = 0;
    closed.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
    (before - closed.len()) as u64
}

/// Whether the alert's lookups are one query (sent to several systems within the minute,
/// or one answer): a sweep goes through each person once; a login that came back to the
/// person paid them attention of their own, whatever else it did that day.
fn one_query(a: &Alert) -> bool {
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (at(&a.window_start), at(&a.window_end)) {
        (Some(from), Some(to)) => (to - from).num_seconds() <= ONE_QUERY_SECS,
        _ => false,
    }
}

/// How far apart the events of one query may be: a query fanned out to several systems
/// is answered within seconds.
const ONE_QUERY_SECS: i64 = 60;

/// The person a surge alert is about (its evidence's key).
fn person_of(a: &Alert) -> String {
    a.evidence
        .get("person")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::alert::Severity;

    fn alert(
        detector: &str,
        kind: &str,
        user: &str,
        ids: &[&str],
        evidence: serde_json::Value,
    ) -> Alert {
        Alert {
            alert_id: format!("{detector}-{kind}-{user}"),
            detector: detector.into(),
            kind: kind.into(),
            severity: Severity::Medium,
            score: 0.5,
            user: user.into(),
            employee_id: None,
            window_start: "2025-01-01T00:00:00Z".into(),
            window_end: "2025-01-01T00:00:00Z".into(),
            event_ids: ids.iter().map(|s| s.to_string()).collect(),
            reason: String::new(),
            evidence,
        }
    }

    fn surge(user: &str, ids: &[&str], logins: &[&str]) -> Alert {
        alert(
            "subject_surge",
            "many_users",
            user,
            ids,
            json!({ "person": "id:P1", "threshold": 5, "logins_flagged_that_day": logins }),
        )
    }

    fn sweep(user: &str, ids: &[&str]) -> Alert {
        alert("odd_volume", "distinct_subjects", user, ids, json!({}))
    }

    const FIVE: [&str; 5] = ["a", "b", "c", "d", "e"];

    #[test]
    fn a_surge_of_sweeps_is_set_aside_whole() {
        // Two logins working down the same list, three others curious: two fewer than five.
        let mut day = vec![
            sweep("a", &["a1", "a2", "a3"]),
            sweep("b", &["b1", "b2"]),
            surge("a", &["a2"], &FIVE),
            surge("b", &["b1"], &FIVE),
            surge("c", &["c1"], &FIVE),
            surge("d", &["d1"], &FIVE),
            surge("e", &["e1"], &FIVE),
        ];
        assert_eq!(set_aside(&mut day, &[]), 5);
        assert!(day.iter().all(|a| a.detector == "odd_volume"));
    }

    #[test]
    fn a_surge_that_holds_without_the_sweeps_keeps_the_others() {
        let seven = ["a", "b", "c", "d", "e", "f", "g"];
        let mut day = vec![sweep("a", &["a1", "a2"]), sweep("b", &["b1", "b2"])];
        for u in seven {
            day.push(surge(u, &[&format!("{u}2")], &seven));
        }
        assert_eq!(set_aside(&mut day, &[]), 2);
        let left: Vec<&str> = day
            .iter()
            .filter(|a| a.kind == "many_users")
            .map(|a| a.user.as_str())
            .collect();
        assert_eq!(left, ["c", "d", "e", "f", "g"]);
    }

    #[test]
    fn a_breadth_held_for_later_is_a_sweep_too() {
        // The first days of the logs: one login's sweep raised, another's let pass for want
        // of history and held with its event ids; the same two-of-five surge falls.
        let mut day = vec![sweep("a", &["a1", "a2", "a3"])];
        for u in FIVE {
            day.push(surge(u, &[&format!("{u}2")], &FIVE));
        }
        let held = [("b".to_string(), vec!["b1".to_string(), "b2".to_string()])];
        assert_eq!(set_aside(&mut day, &held), 5);
        // Without it, one sweep among colleagues' attention: nothing set aside.
        let mut again = vec![sweep("a", &["a1", "a2", "a3"])];
        for u in FIVE {
            again.push(surge(u, &[&format!("{u}2")], &FIVE));
        }
        assert_eq!(set_aside(&mut again, &[]), 0);
    }

    #[test]
    fn one_sweep_among_colleagues_attention_is_left() {
        // One login's day of strangers passed the person four colleagues looked up.
        let mut day = vec![sweep("a", &["a1", "a2"])];
        for u in FIVE {
            day.push(surge(u, &[&format!("{u}2")], &FIVE));
        }
        assert_eq!(set_aside(&mut day, &[]), 0);
        assert_eq!(day.len(), 6);
    }

    #[test]
    fn a_lookup_outside_the_sweep_keeps_the_login_in_the_surge() {
        // The sweeps' alerts do not hold the logins' lookups of the person (another day's
        // sweep, or another kind): their attention stands.
        let mut day = vec![sweep("a", &["a1"]), sweep("b", &["b1"])];
        for u in FIVE {
            day.push(surge(u, &[&format!("{u}2")], &FIVE));
        }
        assert_eq!(set_aside(&mut day, &[]), 0);
        assert_eq!(day.len(), 7);
    }

    #[test]
    fn a_sweeper_who_came_back_to_the_person_paid_attention() {
        // Five logins, two sweeping; one of those looked the person up twice, an hour apart.
        let mut day = vec![sweep("a", &["a1", "a2", "a3"]), sweep("b", &["b1", "b2"])];
        let mut back = surge("a", &["a2", "a3"], &FIVE);
        back.window_end = "2025-01-01T01:00:00Z".into();
        day.push(back);
        for u in ["b", "c", "d", "e"] {
            day.push(surge(u, &[&format!("{u}2")], &FIVE));
        }
        assert_eq!(set_aside(&mut day, &[]), 0);
    }

    #[test]
    fn other_kinds_and_other_people_are_untouched() {
        let mut day = vec![
            sweep("a", &["a1", "a2"]),
            sweep("b", &["b1", "b2"]),
            alert("self_query", "name_dob", "a", &["a1"], json!({})),
            surge("a", &["a2"], &FIVE),
            surge("b", &["b2"], &FIVE),
        ];
        let mut other = surge("c", &["c1"], &FIVE);
        other.evidence["person"] = json!("id:P2");
        day.push(other);
        assert_eq!(set_aside(&mut day, &[]), 2);
        let kinds: Vec<&str> = day.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "distinct_subjects",
                "distinct_subjects",
                "name_dob",
                "many_users"
            ]
        );
        assert_eq!(day[3].evidence["person"], "id:P2");
    }
}
