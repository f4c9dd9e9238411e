//! Behaviour baselines: what each user, unit and person usually looks like, day by day.
//!
//! The behaviour detectors (`odd_volume`, `subject_surge`) judge a day against the days
//! before it. This module holds that history as one row per user per active day
//! ([`UserDay`]: lookups, hours worked, breadth, largest result) and one row per person per
//! day on which several logins looked them up, and nothing else: the models that read it
//! are in [`model`], and the detectors decide what is odd.
//!
//! History is filled the same way whichever way a run is driven: the engine tallies each
//! day's events ([`tally::DayTally`]) and commits the day when it ends; `custodes baseline`
//! computes the same rows with polars group-bys over history files
//! ([`crate::columnar::aggregate_activity`], driven by [`crate::run::baseline`]); [`state`]
//! saves and loads them. The row
//! definitions come from one function, [`tally::activity`], so the paths cannot drift.

pub mod model;
pub mod state;
pub(crate) mod tally;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

pub(crate) use tally::{activity, Activity, DayTally};

use crate::columnar::{aggregate_activity, ActivityColumns, ColumnarError};

/// One user's activity on one UTC day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDay {
    /// Events other than session events (`login`, `logout`...): lookups and exports.
    pub lookups: u32,
    /// Those events by hour of the day (UTC).
    pub hours: [u32; 24],
    /// Distinct people looked up without an assigned case that lists them.
    pub subjects: u32,
    /// Those of them looked up under a purpose the agency does not exempt; `None` for a
    /// day counted before the two were told apart (read as `subjects`, the most it can be).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_subjects: Option<u32>,
    /// The largest `result_count` of the day (0 when none was reported).
    pub max_rows: u64,
}

impl UserDay {
    /// Hours of the day with at least one lookup.
    pub(crate) fn active_hours(&self) -> u32 {
        self.hours.iter().filter(|&&n| n > 0).count() as u32
    }

    /// Lookups per hour worked.
    pub(crate) fn rate_per_active_hour(&self) -> f64 {
        f64::from(self.lookups) / f64::from(self.active_hours().max(1))
    }
}

/// Every user's and person's recent days, bounded to `history_days`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    history_days: u32,
    users: HashMap<String, BTreeMap<NaiveDate, UserDay>>,
    /// Person key -> day -> distinct logins that looked them up without a case explaining
    /// it (kept only when at least two did, which is all "attention" needs).
    persons: HashMap<String, BTreeMap<NaiveDate, u32>>,
    /// The first day whose bare-name searches were counted in `persons` (`name:` keys
    /// without a date of birth). History saved by an earlier custodes did not count them:
    /// a name's attention is only read over days since then, so a name is never called
    /// rare for want of counting.
    names_from: Option<NaiveDate>,
}

/// A bare name's key (`name:JANE SMITH`), as opposed to a name with a date of birth
/// (`name:JANE SMITH|1980-01-02`).
fn is_bare_name(key: &str) -> bool {
    key.starts_with("name:") && !key.contains('|')
}

impl History {
    pub fn new(history_days: u32) -> Self {
        Self {
            history_days: history_days.max(1),
            ..Self::default()
        }
    }

    pub fn history_days(&self) -> u32 {
        self.history_days
    }

    /// The first day of the history that `day` is judged against.
    fn first_day(&self, day: NaiveDate) -> NaiveDate {
        day.checked_sub_days(Days::new(u64::from(self.history_days)))
            .unwrap_or(NaiveDate::MIN)
    }

    /// The user's active days before `day`, within the history window, oldest first.
    pub fn user_days(
        &self,
        user: &str,
        day: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, &UserDay)> + '_ {
        let from = self.first_day(day);
        self.users
            .get(user)
            .into_iter()
            .flat_map(move |m| m.range(from..day).map(|(d, u)| (*d, u)))
    }

    /// Every user with history, in no particular order.
    pub fn users(&self) -> impl Iterator<Item = &str> + '_ {
        self.users.keys().map(String::as_str)
    }

    /// How many logins usually look the person up in a day: the median over the days of
    /// history before `day` (days on which fewer than two did count as one). A median, not
    /// a maximum, so that one earlier surge does not hide the next.
    pub(crate) fn person_attention(&self, person: &str, day: NaiveDate) -> u32 {
        let mut from = self.first_day(day);
        if is_bare_name(person) {
            match self.names_from {
                Some(n) => from = from.max(n),
                None => return 0,
            }
        }
        let mut busy: Vec<u32> = self
            .persons
            .get(person)
            .map(|m| m.range(from..day).map(|(_, n)| *n).collect())
            .unwrap_or_default();
        let earliest = self
            .users
            .values()
            .filter_map(|m| m.range(from..day).next().map(|(d, _)| *d))
            .min();
        let covered = earliest.map_or(0, |e| (day - e).num_days().max(0) as usize);
        if covered == 0 {
            return 0;
        }
        if busy.len() * 2 <= covered {
            return 1;
        }
        busy.resize(covered.max(busy.len()), 1);
        busy.sort_unstable();
        busy[busy.len() / 2]
    }

    /// Records (or replaces) one user-day.
    pub(crate) fn set_user_day(&mut self, user: &str, day: NaiveDate, row: UserDay) {
        self.users
            .entry(user.to_string())
            .or_default()
            .insert(day, row);
    }

    /// Records (or replaces) how many logins looked a person up on a day.
    pub(crate) fn set_person_day(&mut self, person: &str, day: NaiveDate, users: u32) {
        self.persons
            .entry(person.to_string())
            .or_default()
            .insert(day, users);
    }

    /// Forgets days that no day after `last` can be judged against.
    pub(crate) fn prune_after(&mut self, last: NaiveDate) {
        let keep_from = last
            .checked_add_days(Days::new(1))
            .map_or(last, |d| self.first_day(d));
        for m in self.users.values_mut() {
            *m = m.split_off(&keep_from);
        }
        self.users.retain(|_, m| !m.is_empty());
        for m in self.persons.values_mut() {
            *m = m.split_off(&keep_from);
        }
        self.persons.retain(|_, m| !m.is_empty());
    }

    /// The latest day with any row.
    pub(crate) fn last_day(&self) -> Option<NaiveDate> {
        self.users
            .values()
            .filter_map(|m| m.keys().next_back())
            .max()
            .copied()
    }

    /// Every user row, sorted by user then day (for saving).
    pub fn user_rows(&self) -> Vec<(&str, NaiveDate, &UserDay)> {
        let mut v: Vec<_> = self
            .users
            .iter()
            .flat_map(|(u, m)| m.iter().map(move |(d, r)| (u.as_str(), *d, r)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        v
    }

    /// Every person row, sorted by person then day (for saving).
    pub fn person_rows(&self) -> Vec<(&str, NaiveDate, u32)> {
        let mut v: Vec<_> = self
            .persons
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(d, n)| (p.as_str(), *d, *n)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        v
    }

    /// Commits a finished day's tally.
    pub fn commit(&mut self, tally: &DayTally) {
        let Some(day) = tally.day else {
            return;
        };
        for (user, t) in &tally.users {
            self.set_user_day(user, day, t.row());
        }
        for (person, users) in &tally.persons {
            if users.len() >= 2 {
                self.set_person_day(person, day, users.len() as u32);
            }
        }
        self.names_counted_from(day);
        self.prune_after(day);
    }

    /// Bare-name searches are counted from `day` on, unless they already were earlier.
    pub(crate) fn names_counted_from(&mut self, day: NaiveDate) {
        if self.names_from.is_none_or(|n| day < n) {
            self.names_from = Some(day);
        }
    }

    /// The first day whose bare-name searches were counted, if any was.
    pub(crate) fn names_from(&self) -> Option<NaiveDate> {
        self.names_from
    }
}

/// Collects activity, in any order, into columns for the polars group-bys of
/// `custodes baseline`.
#[derive(Debug, Default)]
pub(crate) struct HistoryBuilder {
    cols: ActivityColumns,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl HistoryBuilder {
    pub fn push(&mut self, a: &Activity) {
        let c = &mut self.cols;
        c.user.push(a.user.clone());
        c.day.push((a.day() - EPOCH).num_days() as i32);
        c.hour.push(a.hour() as i32);
        c.subject.push(a.unrelated_person().map(|s| s.key.clone()));
        let s = a.unexplained_subject();
        c.person
            .push(s.filter(|s| s.counts_attention()).map(|s| s.key.clone()));
        c.rows.push(a.rows);
    }

    pub fn len(&self) -> usize {
        self.cols.user.len()
    }

    /// Adds the aggregated rows to `history` (replacing the user-days and person-days they
    /// cover) and forgets days older than the window of the latest day.
    pub fn finish(self, history: &mut History) -> Result<(), ColumnarError> {
        let agg = aggregate_activity(self.cols, 2)?;
        let date = |d: i32| EPOCH + Days::new(d.max(0) as u64);
        let first_day = agg.user_days.iter().map(|r| r.1).min();
        let mut hours: HashMap<(String, i32), [u32; 24]> = HashMap::default();
        for (u, d, h, n) in agg.user_hours {
            if let Some(slot) = hours.entry((u, d)).or_default().get_mut(h as usize) {
                *slot = n as u32;
            }
        }
        for (u, d, n, subjects, rows) in agg.user_days {
            let row = UserDay {
                lookups: n as u32,
                hours: hours.remove(&(u.clone(), d)).unwrap_or_default(),
                subjects: subjects as u32,
                open_subjects: None,
                max_rows: rows,
            };
            history.set_user_day(&u, date(d), row);
        }
        for (p, d, n) in agg.person_days {
            history.set_person_day(&p, date(d), n as u32);
        }
        if let Some(first) = first_day {
            history.names_counted_from(date(first));
        }
        if let Some(last) = history.last_day() {
            history.prune_after(last);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_is_judged_against_the_window_before_it_only() {
        let mut h = History::new(3);
        for (day, n) in [
            ("2024-05-01", 1),
            ("2024-05-02", 2),
            ("2024-05-03", 3),
            ("2024-05-04", 4),
        ] {
            let row = UserDay {
                lookups: n,
                ..UserDay::default()
            };
            h.set_user_day("u", d(day), row);
        }
        let seen: Vec<u32> = h
            .user_days("u", d("2024-05-04"))
            .map(|(_, r)| r.lookups)
            .collect();
        assert_eq!(seen, [1, 2, 3]);
        let seen: Vec<u32> = h
            .user_days("u", d("2024-05-05"))
            .map(|(_, r)| r.lookups)
            .collect();
        assert_eq!(seen, [2, 3, 4]);
        h.prune_after(d("2024-05-04"));
        assert_eq!(h.user_rows().len(), 3);
    }

    /// A bare name's attention is read only over days whose bare-name searches were
    /// counted: history from before they were (an earlier custodes) knows nothing of it.
    #[test]
    fn a_bare_names_attention_counts_only_days_it_was_counted() {
        let mut h = History::new(90);
        for n in 1..=10 {
            h.set_user_day("u", d(&format!("2024-05-{n:02}")), UserDay::default());
        }
        // No day counted bare names: nothing is known of them, people's attention is.
        assert_eq!(h.person_attention("name:JANE SMITH", d("2024-05-11")), 0);
        assert_eq!(
            h.person_attention("name:JANE SMITH|1980-01-02", d("2024-05-11")),
            1
        );
        for n in 8..=10 {
            h.set_person_day("name:JANE SMITH", d(&format!("2024-05-{n:02}")), 4);
        }
        h.names_counted_from(d("2024-05-08"));
        // Three counted days, every one busy: the name is searched by four a day.
        assert_eq!(h.person_attention("name:JANE SMITH", d("2024-05-11")), 4);
        // The marker survives saving and loading.
        let state = state::State {
            history: h.clone(),
            carry: None,
        };
        let back =
            state::decode(&state::encode(&state), std::path::Path::new("s"), 90).expect("decodes");
        assert_eq!(back.history.names_from(), Some(d("2024-05-08")));
    }

    #[test]
    fn attention_is_the_usual_day_not_the_busiest() {
        let mut h = History::new(90);
        for n in 1..=10 {
            h.set_user_day("u", d(&format!("2024-05-{n:02}")), UserDay::default());
        }
        // Three logins on most days: usual attention is three.
        for n in 1..=8 {
            h.set_person_day("id:P1", d(&format!("2024-05-{n:02}")), 3);
        }
        assert_eq!(h.person_attention("id:P1", d("2024-05-11")), 3);
        // One surge of twelve among quiet days: usual attention is one.
        h.set_person_day("id:P2", d("2024-05-04"), 12);
        assert_eq!(h.person_attention("id:P2", d("2024-05-11")), 1);
        assert_eq!(h.person_attention("id:P3", d("2024-05-11")), 1);
        // No history at all.
        assert_eq!(h.person_attention("id:P1", d("2024-05-01")), 0);
    }
}
