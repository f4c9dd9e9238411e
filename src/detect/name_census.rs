//! How common a name is among the people the agency looks up: what a match by a name alone
//! is weighed against.
//!
//! A match by name alone (no date of birth or id that agrees) finds a colleague only as
//! surely as the name is rare. `HERNANDEZ, JUAN` typed at a port's secondary inspection is
//! a traveller far more often than the officer of that name at another port; `WRIGHT-HENRY,
//! JACK` is not. The census counts the distinct people typed with a surname and a given
//! name (told apart by their date of birth where one was typed), in time order, and gives
//! how many bearers of a name one would expect among them were surnames and given names
//! independent: `S × G / D`, with `S` the people of the surname, `G` those of the given
//! name (its canonical form: `BILL` is `WILLIAM`) and `D` everyone. It reads typed queries
//! only, never the reference tables (which list the agency's cases, not the public it
//! serves), and decides nothing itself. Its counts are saved with the engine's state, by
//! a hash of each name that does not change between builds.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::{json, Value};

use super::{saved_value, SavedStateError};

/// The name census: people typed by name, and how many of them bear each surname and
/// given name.
#[derive(Debug, Default)]
pub(crate) struct NameCensus {
    people: HashSet<u64>,
    surnames: HashMap<u64, u32>,
    given: HashMap<u64, u32>,
}

/// FNV-1a over the parts, each ended by a byte no name holds: a hash that is the same in
/// every build, since it is saved.
fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(std::iter::once(&0xffu8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

impl NameCensus {
    /// Counts a person typed as `last`, `first` (canonical), born on `dob` if typed; a
    /// person already counted is not counted again.
    pub(crate) fn count(&mut self, last: &str, first: &str, dob: Option<NaiveDate>) {
        if last.is_empty() || first.is_empty() {
            return;
        }
        // The day as its number, not its text: nothing allocated per lookup.
        let born = dob.map_or([0; 4], |d| d.num_days_from_ce().to_le_bytes());
        let person = stable_hash(&[last.as_bytes(), first.as_bytes(), &born]);
        if self.people.insert(person) {
            *self
                .surnames
                .entry(stable_hash(&[last.as_bytes()]))
                .or_default() += 1;
            *self
                .given
                .entry(stable_hash(&[first.as_bytes()]))
                .or_default() += 1;
        }
    }

    /// The people counted so far.
    pub(crate) fn people(&self) -> usize {
        self.people.len()
    }

    /// How many people named `last`, `first` one would expect among those counted, were
    /// surnames and given names independent of each other.
    pub(crate) fn expected_bearers(&self, last: &str, first: &str) -> f64 {
        let everyone = self.people.len();
        if everyone == 0 {
            return 0.0;
        }
        let of = |m: &HashMap<u64, u32>, k: &str| {
            f64::from(m.get(&stable_hash(&[k.as_bytes()])).copied().unwrap_or(0))
        };
        of(&self.surnames, last) * of(&self.given, first) / everyone as f64
    }

    pub(crate) fn save(&self) -> Value {
        // Sorted, so that a state file is the same for the same history.
        let people: BTreeSet<u64> = self.people.iter().copied().collect();
        let surnames: BTreeMap<u64, u32> = self.surnames.iter().map(|(k, v)| (*k, *v)).collect();
        let given: BTreeMap<u64, u32> = self.given.iter().map(|(k, v)| (*k, *v)).collect();
        json!({ "people": people, "surnames": surnames, "given": given })
    }

    pub(crate) fn restore(&mut self, saved: &Value) -> Result<(), SavedStateError> {
        let people: Vec<u64> = saved_value(&saved["people"], "name_census.people")?;
        let surnames: BTreeMap<u64, u32> = saved_value(&saved["surnames"], "name_census.surnames")?;
        let given: BTreeMap<u64, u32> = saved_value(&saved["given"], "name_census.given")?;
        self.people = people.into_iter().collect();
        self.surnames = surnames.into_iter().collect();
        self.given = given.into_iter().collect();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_common_name_is_expected_among_many_people_and_a_rare_one_is_not() {
        let mut c = NameCensus::default();
        // 400 people: a hundred HERNANDEZ, forty JUAN, one WRIGHT-HENRY, one JACK.
        for i in 0..400u32 {
            let last = if i < 100 {
                "HERNANDEZ".to_string()
            } else {
                format!("S{i}")
            };
            let first = if i % 10 == 0 {
                "JUAN".to_string()
            } else {
                format!("G{i}")
            };
            // Each born on a day of their own: a hundred people, not one typed again.
            let dob = NaiveDate::from_ymd_opt(1950, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(i))));
            c.count(&last, &first, dob);
        }
        c.count("WRIGHT-HENRY", "JACK", None);
        assert!(c.expected_bearers("HERNANDEZ", "JUAN") >= 9.0);
        assert!(c.expected_bearers("WRIGHT-HENRY", "JACK") < 0.01);
        assert_eq!(c.expected_bearers("NOBODY", "JUAN"), 0.0);
    }

    #[test]
    fn one_person_typed_again_is_counted_once_and_namesakes_apart() {
        let mut c = NameCensus::default();
        let d = NaiveDate::from_ymd_opt(1980, 1, 2);
        for _ in 0..50 {
            c.count("VANCE", "ORLA", d);
        }
        assert!((c.expected_bearers("VANCE", "ORLA") - 1.0).abs() < 1e-9);
        c.count("VANCE", "ORLA", NaiveDate::from_ymd_opt(1990, 3, 4));
        assert!((c.expected_bearers("VANCE", "ORLA") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_census_survives_a_saved_state() {
        let mut c = NameCensus::default();
        c.count("VANCE", "ORLA", None);
        c.count("VANCE", "PIM", None);
        let mut back = NameCensus::default();
        assert!(back.restore(&c.save()).is_ok());
        assert_eq!(back.save(), c.save());
        assert_eq!(
            back.expected_bearers("VANCE", "PIM"),
            c.expected_bearers("VANCE", "PIM")
        );
    }

    #[test]
    fn the_hash_is_the_one_saved_states_were_written_with() {
        // FNV-1a of "A" then the separator: fixed, since saved states hold it.
        assert_eq!(stable_hash(&[b"A"]), 0x0907_c907_b59f_e649);
    }
}
