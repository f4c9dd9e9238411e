//! The broad list of given names and their nicknames: which two given names may be the
//! same person's, beyond the short table the index keys by ([`super::NICKNAMES`]).
//!
//! People type the name a person goes by: `BOBBIE` for Roberta (or Barbara), `LEXI` for
//! Alexis, `TERRI` for Teresa. The short table maps each nickname to one canonical given
//! name, which the person index files names under; a nickname that stands for several
//! names, or that the table does not hold, leaves a lookup that typed the date of birth
//! right unmatched. This list, 2,691 pairs from
//! [carltonnorthern/nicknames](https://github.com/carltonnorthern/nicknames) (Apache 2.0,
//! `License.txt` beside it, commit 21d75051), answers only "may these two given names be
//! one person's?", and only where the date of birth already agrees
//! (`crate::identity::index`'s approximate grade): a genealogical list relates names too
//! loosely to say so on a name alone.
//!
//! It must not decide a canonical form or an index key: those stay the short table's, so
//! that adding a pair here can never merge two people the index keeps apart.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The upstream file as published: `name1,has_nickname,name2`, lower case, one header.
const NAMES_CSV: &str = include_str!("names.csv");

/// Every pair, folded (upper case, letters only), both ways round, with the short tables'
/// own ([`super::NICKNAMES`], [`super::ALSO_SHORT_FOR`]): each name's related names, so
/// that a question is answered by borrowing the names typed, never copying them.
fn related() -> &'static HashMap<String, Vec<String>> {
    static RELATED: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    RELATED.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for line in NAMES_CSV.lines().skip(1) {
            let mut cols = line.trim_end_matches('\r').split(',');
            let (Some(a), Some("has_nickname"), Some(b)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let fold = |s: &str| -> String {
                s.chars()
                    .filter(char::is_ascii_alphabetic)
                    .map(|c| c.to_ascii_uppercase())
                    .collect()
            };
            let (a, b) = (fold(a), fold(b));
            if a.len() < 2 || b.len() < 2 || a == b {
                continue;
            }
            map.entry(b.clone()).or_default().push(a.clone());
            map.entry(a).or_default().push(b);
        }
        // The short tables' pairs too, so that a name's relations are one lookup.
        for (a, b) in super::NICKNAMES.iter().chain(super::ALSO_SHORT_FOR) {
            map.entry((*a).to_string())
                .or_default()
                .push((*b).to_string());
            map.entry((*b).to_string())
                .or_default()
                .push((*a).to_string());
        }
        for names in map.values_mut() {
            names.sort_unstable();
            names.dedup();
        }
        map
    })
}

/// Whether two folded given names may be one person's: a nickname and the name it is
/// short for (`BOBBIE` and `ROBERTA`), either way round, or names the short table maps
/// to one given name (`MIKE` and `MICK`, both Michael's) or to a name the list relates.
pub(crate) fn may_be_one_persons(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let map = related();
    let pair = |x: &str, y: &str| map.get(x).is_some_and(|names| names.iter().any(|n| n == y));
    if pair(a, b) {
        return true;
    }
    // Two nicknames of one given name: through the short table's canonical forms, so
    // that no walk through the genealogical list's wider relations is made.
    let (ca, cb) = (super::canonical_first_ref(a), super::canonical_first_ref(b));
    ca == cb || pair(ca, b) || pair(a, cb)
}

/// [`may_be_one_persons`], or `typed` one typing slip away from a name that is
/// (`LAEX` for `ALEX`, Alexandra's; `PEGAY` for `PEGGY`, Margaret's). Only for a typed name
/// of four letters or more: shorter ones are a slip away from too many names.
pub(crate) fn may_be_one_persons_with_a_slip(typed: &str, known: &str) -> bool {
    if may_be_one_persons(typed, known) {
        return true;
    }
    if typed.len() < 4 || known.is_empty() {
        return false;
    }
    let map = related();
    let canonical = super::canonical_first_ref(known);
    let slip = |name: &str| super::within_one_edit(typed, name);
    let names_of = |name: &str| map.get(name).into_iter().flatten();
    slip(known)
        || names_of(known).any(|n| slip(n))
        || (canonical != known && (slip(canonical) || names_of(canonical).any(|n| slip(n))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read_whole() {
        // 2,691 pairs upstream (a few of initials, `K.C.`, folded to two letters), each
        // filed under both of its names.
        let filed: usize = related().values().map(Vec::len).sum();
        assert!(filed > 5_000, "{filed}");
    }

    #[test]
    fn nicknames_that_stand_for_several_names() {
        assert!(may_be_one_persons("BOBBIE", "ROBERTA"));
        assert!(may_be_one_persons("ROBERTA", "BOBBIE"));
        assert!(may_be_one_persons("BOBBIE", "BARBARA"));
        assert!(may_be_one_persons("LEXI", "ALEXIS"));
        assert!(may_be_one_persons("TESS", "TERESA"));
    }

    #[test]
    fn unrelated_names_are_not_one_persons() {
        assert!(!may_be_one_persons("ROBERTA", "BARBARA"));
        assert!(!may_be_one_persons("DONNA", "HELEN"));
        assert!(!may_be_one_persons("", "ANN"));
    }

    #[test]
    fn a_slip_in_a_nickname() {
        assert!(may_be_one_persons_with_a_slip("LAEX", "ALEXANDRA"));
        assert!(may_be_one_persons_with_a_slip("PEGAY", "MARGARET"));
        // The list spells Teresa's TERRY; TERRI is a letter away.
        assert!(may_be_one_persons_with_a_slip("TERRI", "TERESA"));
        assert!(!may_be_one_persons_with_a_slip("DONA", "MARGARET"));
        assert!(
            !may_be_one_persons_with_a_slip("AEX", "ALEXANDRA"),
            "too short to tell"
        );
    }

    #[test]
    fn through_the_short_tables_canonical_form() {
        // MIKE is the short table's for MICHAEL; MICKY is the list's.
        assert!(may_be_one_persons("MIKE", "MICHAEL"));
        assert!(may_be_one_persons("JIM", "JAMES"));
    }
}
