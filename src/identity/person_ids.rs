//! Person ids as people type them: `DOC-291859` is typed `DOC291859`, `doc-291859` and
//! `291859`; an SSN `338-61-3315` is typed `338613315`. The reference data writes each id
//! one way; this module finds that way from the typed one, so that every index is searched
//! with the id as the tables write it.
//!
//! Two forms are tried after the id as typed: without separators (`DOC291859`), and without
//! its leading letters and zeros (`291859`), the prefix a records system prints and an
//! officer leaves out; and a label typed before a number the tables write alone
//! (`MRN397338` for the hospital's `00397338`). A form is only ever completed to the one known id that reads so: where
//! two known ids share a form (`DOC-291859` and `P291859`), that form names neither and the
//! id stays as typed. A prefix is only left out, never swapped.
//!
//! It must not guess: an id no table knows in any form stays as typed (a stranger's record).

use std::hash::{BuildHasher, Hasher};

use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

/// Known person ids by the forms they are typed in.
#[derive(Debug, Default)]
pub(crate) struct PersonIds {
    /// Every distinct known id, as the tables write it (in [`super::normalize`]'s form).
    ids: Vec<Box<str>>,
    /// Hash of the id without separators -> its index in `ids`, or [`AMBIGUOUS`].
    by_compact: HashMap<u64, u32>,
    /// Hash of its prefix and its number without padding (`DOC` and `48213`) -> the same.
    by_number: HashMap<u64, u32>,
    /// Hash of its number without padding, for a number typed alone -> the same.
    by_digits: HashMap<u64, u32>,
    /// The same, for the ids the tables write as a number alone (`00397338`): what a label
    /// typed before the number (`MRN397338`) leaves.
    by_bare_digits: HashMap<u64, u32>,
}

const AMBIGUOUS: u32 = u32::MAX;

/// The fewest digits a number typed without its prefix must have to name an id: `12` is
/// too many people's.
const MIN_BARE_DIGITS: usize = 4;

/// Hashes `chars`, upper-cased, without building the string: the per-event cost is one
/// pass over the typed id.
fn form_hash(chars: impl Iterator<Item = char>) -> u64 {
    let mut h = FxBuildHasher.build_hasher();
    for c in chars {
        h.write_u32(u32::from(c.to_ascii_uppercase()));
    }
    h.finish()
}

fn compact(id: &str) -> u64 {
    form_hash(id.chars().filter(char::is_ascii_alphanumeric))
}

/// An id of the shape prefix-then-number (`DOC-048213`, `P7334156`, `338-61-3315`): the
/// hash of its prefix with its number unpadded, the hash of the number alone, and how many
/// digits that has. `None` for other shapes (letters after the digits) and for no digits.
fn number(id: &str) -> Option<(u64, u64, usize)> {
    let alnum = || id.chars().filter(char::is_ascii_alphanumeric);
    let prefix = alnum().take_while(char::is_ascii_alphabetic).count();
    // Hashed as it streams: an id nobody knows is read on every lookup of it.
    let digits = || alnum().skip(prefix).skip_while(|&c| c == '0');
    if alnum().nth(prefix).is_none() || !digits().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let with_prefix = alnum()
        .take(prefix)
        .chain(std::iter::once('|'))
        .chain(digits());
    Some((
        form_hash(with_prefix),
        form_hash(digits()),
        digits().count(),
    ))
}

impl PersonIds {
    /// Indexes every id the reference data knows.
    pub(crate) fn build<'a>(known: impl Iterator<Item = &'a str>) -> Self {
        let mut this = PersonIds::default();
        let mut seen: HashMap<&str, ()> = HashMap::default();
        for id in known {
            if seen.insert(id, ()).is_some() {
                continue;
            }
            let n = u32::try_from(this.ids.len()).unwrap_or(AMBIGUOUS);
            this.ids.push(id.into());
            let record = |map: &mut HashMap<u64, u32>, key: u64| {
                map.entry(key).and_modify(|v| *v = AMBIGUOUS).or_insert(n);
            };
            record(&mut this.by_compact, compact(id));
            if let Some((prefixed, digits, len)) = number(id) {
                record(&mut this.by_number, prefixed);
                if len >= MIN_BARE_DIGITS {
                    record(&mut this.by_digits, digits);
                    if !id.chars().any(|c| c.is_ascii_alphabetic()) {
                        record(&mut this.by_bare_digits, digits);
                    }
                }
            }
        }
        this
    }

    /// The known id `typed` (already in [`super::normalize`]'s form) stands for, when it is
    /// not written as the tables write it and exactly one known id reads as it does: the
    /// same without separators, the same prefix and number with other padding, or, typed
    /// as a number alone of [`MIN_BARE_DIGITS`] or more, the one id with that number, or with
    /// a label before a number the tables write alone, the one such id. `None`
    /// when it is already a known id, or names none or several. A prefix typed is never
    /// swapped for another (`W-1` is not `P-1`).
    pub(crate) fn canonical(&self, typed: &str) -> Option<&str> {
        if self.ids.is_empty() {
            return None;
        }
        let found = |map: &HashMap<u64, u32>, key: u64| {
            map.get(&key)
                .filter(|&&n| n != AMBIGUOUS)
                .and_then(|&n| self.ids.get(n as usize))
                .map(|id| &**id)
        };
        let c = compact(typed);
        if let Some(id) = found(&self.by_compact, c) {
            return (id != typed).then_some(id);
        }
        // Typed in full but as two known ids compact alike: leave it.
        if self.by_compact.contains_key(&c) {
            return None;
        }
        let (prefixed, digits, len) = number(typed)?;
        if let Some(id) = found(&self.by_number, prefixed) {
            return Some(id);
        }
        let bare = typed.chars().all(|ch| !ch.is_ascii_alphabetic());
        if len < MIN_BARE_DIGITS || self.by_number.contains_key(&prefixed) {
            return None;
        }
        if bare {
            return found(&self.by_digits, digits);
        }
        // A label typed before a number the tables write alone (`MRN397338` for
        // `00397338`): the label adds nothing a table could contradict, and no prefix is
        // swapped for another.
        found(&self.by_bare_digits, digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(known: &[&str]) -> PersonIds {
        PersonIds::build(known.iter().copied())
    }

    #[test]
    fn typed_forms_complete_to_the_one_known_id() {
        let ix = ids(&["DOC-291859", "338-61-3315", "P7334156", "DOC-051270"]);
        assert_eq!(ix.canonical("DOC291859"), Some("DOC-291859"));
        assert_eq!(ix.canonical("291859"), Some("DOC-291859"));
        assert_eq!(ix.canonical("338613315"), Some("338-61-3315"));
        assert_eq!(ix.canonical("7334156"), Some("P7334156"));
        assert_eq!(ix.canonical("51270"), Some("DOC-051270"));
        assert_eq!(ix.canonical("0051270"), Some("DOC-051270"));
        // Already the table's form, or unknown in any form.
        assert_eq!(ix.canonical("DOC-291859"), None);
        assert_eq!(ix.canonical("291858"), None);
        assert_eq!(ix.canonical("DOC"), None);
        assert_eq!(ix.canonical("12AB"), None);
        // Another prefix is another id, and a short number names nobody.
        assert_eq!(ix.canonical("X291859"), None);
        let short = ids(&["P-E1", "P-E12"]);
        assert_eq!(short.canonical("W-1"), None);
        assert_eq!(short.canonical("12"), None);
        // A label typed before a number the tables write alone; never before a prefixed id.
        let mrn = ids(&["00397338", "DOC-291859"]);
        assert_eq!(mrn.canonical("MRN397338"), Some("00397338"));
        assert_eq!(mrn.canonical("mrn 0397338"), Some("00397338"));
        assert_eq!(mrn.canonical("MRN291859"), None);
        assert_eq!(mrn.canonical("MRN39"), None);
        assert_eq!(short.canonical("pe-01"), Some("P-E1"));
    }

    #[test]
    fn a_form_two_ids_share_names_neither() {
        let ix = ids(&["DOC-291859", "P291859", "A-12", "A12"]);
        assert_eq!(ix.canonical("291859"), None);
        assert_eq!(ix.canonical("DOC291859"), Some("DOC-291859"));
        // Two ids that compact alike: neither is chosen, even in one's own form.
        assert_eq!(ix.canonical("a 12"), None);
        assert_eq!(ix.canonical("a012"), None);
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// The prefix (upper case) and unpadded number of an id of that shape, as a reader
    /// would split it by eye.
    fn parts(s: &str) -> (String, String) {
        let alnum: String = s
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let prefix: String = alnum
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let digits = alnum[prefix.len()..].trim_start_matches('0').to_string();
        (prefix, digits)
    }

    proptest! {
        /// Whatever is typed, an id found is a known one with the same number, and with the
        /// same prefix when one was typed; and where no other known id has its number, a
        /// known id is found from each way it is typed: without separators, in lower case,
        /// with other padding, or as its number alone.
        #[test]
        fn a_known_id_is_found_from_its_typed_forms(
            prefix in "[A-Z]{0,3}",
            sep in "[- ]?",
            zeros in "0{0,2}",
            digits in "[1-9][0-9]{3,8}",
            others in proptest::collection::vec("[A-Z]{0,2}-?[0-9]{1,9}", 0..6),
            pad in "0{0,2}",
        ) {
            let id = format!("{prefix}{sep}{zeros}{digits}");
            let mut known: Vec<String> = others.clone();
            known.push(id.clone());
            let ix = PersonIds::build(known.iter().map(String::as_str));
            let typed = [
                id.clone(),
                id.to_lowercase(),
                format!("{prefix}{pad}{digits}"),
                format!("{pad}{digits}"),
            ];
            let alone = known.iter().filter(|k| parts(k).1 == digits).count() == 1;
            for t in typed {
                let got = ix.canonical(&t);
                if let Some(g) = got {
                    prop_assert!(known.iter().any(|k| k == g), "{} -> {}", t, g);
                    prop_assert_eq!(&parts(g).1, &parts(&t).1);
                    if !parts(&t).0.is_empty() {
                        prop_assert_eq!(&parts(g).0, &parts(&t).0);
                    }
                }
                if alone {
                    let want = (t != id).then_some(id.as_str());
                    prop_assert_eq!(got, want, "{}", t);
                }
            }
        }
    }
}
