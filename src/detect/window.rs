//! Counts of each day over a moving window of days, kept per pair: a login or a unit, then
//! the purpose it typed; and, per key, the logins seen with it lately ([`LoginsSeen`]). The
//! engine's practices ([`super::routine`], [`super::closed_work`], [`super::others_cases`])
//! each count one kind of day this way and judge it over the window; this module only
//! keeps the days, saves and restores them, and must not judge.
//!
//! Two levels of maps, so that counting an event looks both keys up borrowed and allocates
//! nothing once the pair has been seen; each pair's days are kept oldest first, and a day
//! older than the window is forgotten when a new day is counted.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{saved_value, SavedStateError};

/// How a pair is saved: one string, the two joined by the unit separator.
const PAIR_SEPARATOR: char = '\u{1f}';

/// The days of one pair, oldest first.
type Days<C> = Vec<(NaiveDate, C)>;

/// Per pair, the counts of each day of the last `window` days.
#[derive(Debug, Clone)]
pub(crate) struct PairDays<C> {
    window: u32,
    by: FxHashMap<String, FxHashMap<String, Days<C>>>,
}

impl<C> Default for PairDays<C> {
    fn default() -> Self {
        PairDays {
            window: 1,
            by: FxHashMap::default(),
        }
    }
}

impl<C> PairDays<C> {
    /// Counts over the last `window_days` days (`baseline.history_days`; at least one).
    pub(crate) fn new(window_days: u32) -> Self {
        PairDays {
            window: window_days.max(1),
            by: FxHashMap::default(),
        }
    }

    /// The first day of the window that ends with `day`.
    fn oldest(&self, day: NaiveDate) -> NaiveDate {
        day - chrono::Duration::days(i64::from(self.window) - 1)
    }

    /// The pair's counts of the days of the window ending with `day`, oldest first.
    pub(crate) fn within(
        &self,
        first: &str,
        second: &str,
        day: NaiveDate,
    ) -> impl DoubleEndedIterator<Item = &C> {
        let oldest = self.oldest(day);
        self.by
            .get(first)
            .and_then(|inner| inner.get(second))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(move |(d, _)| *d >= oldest && *d <= day)
            .map(|(_, c)| c)
    }

    /// The days and counts of every pair `first` is in (each purpose a login typed), over
    /// the days of the window ending with `day`.
    pub(crate) fn all_within(
        &self,
        first: &str,
        day: NaiveDate,
    ) -> impl Iterator<Item = &(NaiveDate, C)> {
        let oldest = self.oldest(day);
        self.by
            .get(first)
            .into_iter()
            .flat_map(|inner| inner.values())
            .flatten()
            .filter(move |(d, _)| *d >= oldest && *d <= day)
    }

    /// How many pairs `first` is in, and on how many distinct days, over the days of the
    /// window ending with `day`: how many logins, on how many days, did the same thing.
    pub(crate) fn breadth(&self, first: &str, day: NaiveDate) -> (usize, usize) {
        let oldest = self.oldest(day);
        let Some(inner) = self.by.get(first) else {
            return (0, 0);
        };
        let mut days: Vec<NaiveDate> = Vec::new();
        let mut seconds = 0;
        for v in inner.values() {
            let mut any = false;
            for (d, _) in v.iter().filter(|(d, _)| *d >= oldest && *d <= day) {
                any = true;
                if !days.contains(d) {
                    days.push(*d);
                }
            }
            seconds += usize::from(any);
        }
        (seconds, days.len())
    }

    /// The pair's count of `day` itself, if it has one.
    pub(crate) fn on(&self, first: &str, second: &str, day: NaiveDate) -> Option<&C> {
        self.by
            .get(first)?
            .get(second)?
            .iter()
            .rev()
            .find(|(d, _)| *d <= day)
            .filter(|(d, _)| *d == day)
            .map(|(_, c)| c)
    }

    /// How many days of the pair were counted from `since` to `day`, both included.
    pub(crate) fn days_since(
        &self,
        first: &str,
        second: &str,
        since: NaiveDate,
        day: NaiveDate,
    ) -> usize {
        let oldest = self.oldest(day).max(since);
        self.by
            .get(first)
            .and_then(|inner| inner.get(second))
            .map_or(0, |days| {
                days.iter()
                    .filter(|(d, _)| *d >= oldest && *d <= day)
                    .count()
            })
    }

    /// The first day of the window ending with `day` on which anything of `first` (a
    /// login's, a unit's work under any purpose) was counted: since when the window knows it.
    pub(crate) fn first_seen(&self, first: &str, day: NaiveDate) -> Option<NaiveDate> {
        let oldest = self.oldest(day);
        self.by
            .get(first)?
            .values()
            .filter_map(|days| days.iter().map(|(d, _)| *d).find(|d| *d >= oldest))
            .filter(|d| *d <= day)
            .min()
    }

    /// Forgets the days from `day` on (a night audited again counts them afresh).
    pub(crate) fn forget_days_from(&mut self, day: NaiveDate) {
        for inner in self.by.values_mut() {
            for days in inner.values_mut() {
                days.retain(|(d, _)| *d < day);
            }
        }
    }
}

impl<C: Default> PairDays<C> {
    /// Counts into the pair's count of `day` with `count`, made (default) when the pair or
    /// the day is new; a new day forgets the pair's days older than the window. Days come in
    /// time order.
    pub(crate) fn count(
        &mut self,
        first: &str,
        second: &str,
        day: NaiveDate,
        count: impl FnOnce(&mut C),
    ) {
        let oldest = self.oldest(day);
        // One search per level for a pair seen before (nearly every event); the keys are
        // copied only when new.
        let inner = match self.by.get_mut(first) {
            Some(inner) => inner,
            None => self.by.entry(first.to_string()).or_default(),
        };
        let days = match inner.get_mut(second) {
            Some(days) => days,
            None => inner.entry(second.to_string()).or_default(),
        };
        if days.last().is_none_or(|(d, _)| *d != day) {
            days.retain(|(d, _)| *d >= oldest);
            days.push((day, C::default()));
        }
        if let Some((_, c)) = days.last_mut() {
            count(c);
        }
    }
}

impl<C: Serialize> PairDays<C> {
    /// The days to save with the engine's state: `[["first\u{1f}second", [[day, count],
    /// ...]], ...]`, sorted, so that a state file is the same for the same history.
    pub(crate) fn save(&self) -> Result<Value, SavedStateError> {
        let mut rows: Vec<(String, &Days<C>)> = self
            .by
            .iter()
            .flat_map(|(first, inner)| {
                inner
                    .iter()
                    .map(move |(second, v)| (format!("{first}{PAIR_SEPARATOR}{second}"), v))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        serde_json::to_value(rows).map_err(SavedStateError::Unwritable)
    }
}

impl<C: DeserializeOwned> PairDays<C> {
    /// Takes back what [`PairDays::save`] returned, saved under `key`; the window stays.
    pub(crate) fn restore(
        &mut self,
        saved: &Value,
        key: &'static str,
    ) -> Result<(), SavedStateError> {
        let rows: Vec<(String, Days<C>)> = saved_value(saved, key)?;
        let mut by: FxHashMap<String, FxHashMap<String, Days<C>>> = FxHashMap::default();
        for (pair, v) in rows {
            let (first, second) = pair
                .split_once(PAIR_SEPARATOR)
                .unwrap_or((pair.as_str(), ""));
            by.entry(first.to_string())
                .or_default()
                .insert(second.to_string(), v);
        }
        self.by = by;
        Ok(())
    }
}

/// Per key (a pair of workstations, a form of number), the logins seen with it and the last
/// day each was, over the last `days` days: how many others than a given login do the same
/// thing, which tells a place's or an agency's way of working from one login's.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct LoginsSeen(std::collections::BTreeMap<String, Vec<(String, NaiveDate)>>);

impl LoginsSeen {
    /// Records `login` with `key` on `day`; returns how many other logins were seen with it
    /// in the last `days` days, today included. Days come in time order.
    pub(crate) fn saw(&mut self, key: &str, login: &str, day: NaiveDate, days: i64) -> usize {
        let logins = match self.0.get_mut(key) {
            Some(l) => l,
            None => self.0.entry(key.to_string()).or_default(),
        };
        logins.retain(|(_, d)| (day - *d).num_days() <= days);
        match logins.iter_mut().find(|(l, _)| l == login) {
            Some((_, d)) => *d = (*d).max(day),
            None => logins.push((login.to_string(), day)),
        }
        logins.iter().filter(|(l, _)| l != login).count()
    }

    /// How many logins other than `login` were seen with `key` in the last `days` days
    /// before `day`, today included, recording nothing.
    pub(crate) fn others(&self, key: &str, login: &str, day: NaiveDate, days: i64) -> usize {
        self.0.get(key).map_or(0, |logins| {
            logins
                .iter()
                .filter(|(l, d)| l != login && (day - *d).num_days() <= days)
                .count()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).expect("a day of March")
    }

    /// Counting other logins records nothing; logins seen longer ago than the window, and
    /// the login asking, are not counted.
    #[test]
    fn others_counts_without_recording() {
        let mut seen = LoginsSeen::default();
        seen.saw("C|6|4", "a", day(1), 28);
        seen.saw("C|6|4", "b", day(10), 28);
        seen.saw("C|6|4", "c", day(10), 28);
        assert_eq!(seen.others("C|6|4", "a", day(10), 28), 2);
        assert_eq!(seen.others("C|6|4", "z", day(10), 28), 3);
        assert_eq!(
            seen.others("C|6|4", "z", day(10), 28),
            3,
            "z was not recorded"
        );
        assert_eq!(
            seen.others("C|6|4", "z", day(30), 28),
            2,
            "a is out of the window"
        );
        assert_eq!(seen.others("SEE|CAD", "z", day(10), 28), 0);
    }

    #[test]
    fn breadth_counts_the_pairs_and_their_distinct_days_in_the_window() {
        let mut w: PairDays<u32> = PairDays::new(3);
        for (second, d) in [
            ("rep1", 1),
            ("rep2", 2),
            ("rep2", 3),
            ("rep3", 3),
            ("rep4", 5),
        ] {
            w.count("E20", second, day(d), |c| *c += 1);
        }
        assert_eq!(w.breadth("E20", day(3)), (3, 3));
        // Days 3 to 5: rep2 and rep3 on day 3, rep4 on day 5.
        assert_eq!(w.breadth("E20", day(5)), (3, 2));
        assert_eq!(w.breadth("E21", day(5)), (0, 0));
    }

    #[test]
    fn a_window_keeps_its_last_days_and_saves_them_in_order() {
        let mut w: PairDays<u32> = PairDays::new(3);
        let mut add = |first: &str, second: &str, d: u32, n: u32| {
            w.count(first, second, day(d), |c| *c += n);
        };
        for d in 1..=4 {
            add("ann", "PATROL", d, d);
        }
        add("ann", "PATROL", 4, 10);
        add("bo", "", 2, 1);
        let seen: Vec<u32> = w.within("ann", "PATROL", day(4)).copied().collect();
        assert_eq!(seen, [2, 3, 14], "day 1 forgotten, day 4 counted twice");
        assert_eq!(w.within("ann", "PATROL", day(3)).count(), 2);
        assert_eq!(w.within("cy", "PATROL", day(4)).count(), 0);
        assert_eq!(
            w.first_seen("ann", day(4)),
            Some(day(2)),
            "day 1 is past the window"
        );
        assert_eq!(w.first_seen("bo", day(4)), Some(day(2)));
        assert_eq!(w.first_seen("bo", day(1)), None, "not yet seen");
        assert_eq!(w.first_seen("cy", day(4)), None);
        assert_eq!(w.on("ann", "PATROL", day(3)), Some(&3));
        assert_eq!(w.on("bo", "", day(3)), None, "no count that day");
        assert_eq!(w.days_since("ann", "PATROL", day(3), day(4)), 2);
        assert_eq!(
            w.days_since("ann", "PATROL", day(1), day(4)),
            3,
            "day 1 forgotten"
        );
        assert_eq!(w.days_since("ann", "PATROL", day(5), day(4)), 0);
        let saved = w.save().expect("saves");
        assert_eq!(saved[0][0], "ann\u{1f}PATROL");
        let mut back: PairDays<u32> = PairDays::new(3);
        back.restore(&saved, "k").expect("restores");
        assert_eq!(back.within("bo", "", day(2)).copied().sum::<u32>(), 1);
        back.forget_days_from(day(3));
        assert_eq!(back.within("ann", "PATROL", day(4)).count(), 1);
        assert!(back.restore(&serde_json::json!({"x": 1}), "k").is_err());
    }
}
