//! Hash indexes over known people and the matcher that grades a query against them.
//!
//! A match is graded by the strongest identifier that agrees — person id, name with date of
//! birth, plate, phone, address, or the name alone — and vetoed by any identifier that
//! clearly points at someone else (a different person id or date of birth, or a different
//! name). One-letter typos in a name are forgiven only when another identifier agrees,
//! because a typo'd name alone identifies nobody. A name-only match is weak, and weaker the
//! more known people share the name.
//!
//! The matcher must stay cheap: it runs several times per event on the hot path, so
//! candidates come from hash lookups and only candidates are compared.

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::address::{Address, StreetEnds};
use super::normalize::{
    alternative_keys, compare_names, name_from_parts, name_key, normalize_dob, normalize_person_id,
    normalize_phone, normalize_plate, parse_full_name, NameAgreement, PersonName,
};
use crate::config::IdentityConfig;
use crate::event::Subject;
use crate::refs::PersonFields;

/// A person known from reference data, normalised once at load time.
#[derive(Debug, Clone)]
pub struct KnownPerson {
    pub person_ids: Vec<String>,
    pub name: Option<PersonName>,
    pub dob: Option<NaiveDate>,
    pub plates: Vec<String>,
    pub phones: Vec<String>,
    pub addresses: Vec<Address>,
    /// How the reference data names them (`SMITH, JANE (DOB 1981-02-03)`).
    pub display: String,
}

impl KnownPerson {
    pub(crate) fn from_fields(f: &PersonFields) -> Self {
        let name = f
            .last_name
            .as_deref()
            .and_then(|l| name_from_parts(l, f.first_name.as_deref().unwrap_or("")));
        Self {
            person_ids: f
                .person_ids
                .iter()
                .filter_map(|p| normalize_person_id(p))
                .collect(),
            name,
            dob: f.dob.as_deref().and_then(normalize_dob),
            plates: f.plates.iter().filter_map(|p| normalize_plate(p)).collect(),
            phones: f.phones.iter().filter_map(|p| normalize_phone(p)).collect(),
            addresses: f
                .addresses
                .iter()
                .filter_map(|a| Address::parse(a))
                .collect(),
            display: f.display(),
        }
    }
}

/// What a query said about its subject, normalised.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub person_id: Option<String>,
    pub name: Option<PersonName>,
    /// The same name read the other way round, for people who type "JANE SMITH" into a
    /// last-name box.
    pub swapped: Option<PersonName>,
    /// Exact-lookup keys of `name` and `swapped`, computed once per query because every
    /// index is searched with them.
    pub name_keys: Vec<String>,
    pub dob: Option<NaiveDate>,
    pub plate: Option<String>,
    pub phone: Option<String>,
    pub address: Option<Address>,
}

impl Query {
    /// A query by the name and date of birth a known record gives: what the user opened
    /// when they typed that record's id.
    pub(crate) fn from_record(p: &KnownPerson) -> Self {
        Self {
            name_keys: p.name.iter().map(name_key).collect(),
            name: p.name.clone(),
            dob: p.dob,
            ..Self::default()
        }
    }

    pub(crate) fn from_subject(s: &Subject) -> Self {
        let (name, swapped) = match (&s.last_name, &s.first_name, &s.name) {
            (Some(l), f, _) => {
                let f = f.as_deref().unwrap_or("");
                let swapped = if f.is_empty() {
                    None
                } else {
                    name_from_parts(f, l)
                };
                (name_from_parts(l, f), swapped)
            }
            (None, Some(f), Some(n)) => (parse_full_name(&format!("{n} {f}")), None),
            (None, Some(f), None) => (parse_full_name(f), None),
            // A whole name of two words without a comma is read both ways: `Rachel Jackson`
            // and `SMITH DIANE` are typed into one box by the same desk.
            (None, None, Some(n)) => {
                let mut words = n.split_whitespace();
                let swapped = match (words.next(), words.next(), words.next()) {
                    (Some(last), Some(first), None) if !n.contains([',', '\u{FF0C}']) => {
                        name_from_parts(last, first)
                    }
                    _ => None,
                };
                (parse_full_name(n), swapped)
            }
            (None, None, None) => (None, None),
        };
        let name_keys = name.iter().chain(swapped.iter()).map(name_key).collect();
        Self {
            person_id: s.person_id.as_deref().and_then(normalize_person_id),
            name,
            swapped,
            name_keys,
            dob: s.dob.as_deref().and_then(normalize_dob),
            plate: s.plate.as_deref().and_then(normalize_plate),
            phone: s.phone.as_deref().and_then(normalize_phone),
            address: s.address.as_deref().and_then(Address::parse),
        }
    }

    /// True when the query could identify anyone at all.
    pub(crate) fn is_identifying(&self) -> bool {
        self.person_id.is_some()
            || self.name.is_some()
            || self.plate.is_some()
            || self.phone.is_some()
            || self.address.is_some()
    }
}

/// The identifier a match rests on, strongest first. The names are the contract's
/// `self_query` kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    PersonId,
    NameDob,
    Plate,
    Phone,
    Address,
    NameOnly,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::PersonId => "person_id",
            MatchKind::NameDob => "name_dob",
            MatchKind::Plate => "plate",
            MatchKind::Phone => "phone",
            MatchKind::Address => "address",
            MatchKind::NameOnly => "name_only",
        }
    }

    /// How the match reads in a sentence.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            MatchKind::PersonId => "by person id",
            MatchKind::NameDob => "by name and date of birth",
            MatchKind::Plate => "by vehicle plate",
            MatchKind::Phone => "by phone number",
            MatchKind::Address => "by address",
            MatchKind::NameOnly => "by name only",
        }
    }
}

/// The identifiers that agreed in a match, as a set: one byte, copied with the match (a
/// match is graded for every candidate of every lookup, and each used to carry a list of
/// names on the heap). Written out as the list of names, in [`Fields::NAMES`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields(u8);

impl Fields {
    /// Every identifier a match can agree on, in the order they are listed.
    pub const NAMES: [&'static str; 6] = ["person_id", "name", "dob", "plate", "phone", "address"];

    /// The set of the named identifiers; a name not in [`Fields::NAMES`] is left out.
    pub fn of(names: &[&str]) -> Self {
        names.iter().fold(Fields(0), |f, n| {
            match Self::NAMES.iter().position(|x| x == n) {
                Some(i) => Fields(f.0 | 1 << i),
                None => f,
            }
        })
    }

    /// This set with the identifier at `i` of [`Fields::NAMES`] added when it `agreed`.
    fn with(self, i: usize, agreed: bool) -> Self {
        Fields(self.0 | u8::from(agreed) << i)
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the identifiers that agreed, in [`Fields::NAMES`] order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.0 >> i & 1 == 1)
            .map(|(_, n)| n)
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.names())
    }
}

/// One graded match of a query against a known person.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    /// Position of the person in the index (the resolver maps it to a role).
    #[serde(skip)]
    pub entry: u32,
    pub kind: MatchKind,
    /// 0–1: how likely the query was about this person.
    pub strength: f64,
    /// Every identifier that agreed (`person_id`, `name`, `dob`, `plate`, `phone`, `address`).
    pub fields: Fields,
    /// How the names compared (`exact`, `nickname`, `initial`, `typo`, `surname_only`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_agreement: Option<&'static str>,
    /// For name-only matches: how many known people share the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people_sharing_name: Option<u32>,
}

impl Match {
    /// Whether the match says who the person is: by an identifier, or by a full name only
    /// one known person bears ("Kevin Elmmore" typed by the tenth officer on the day he is
    /// in the news is him).
    pub(crate) fn identifies(&self) -> bool {
        self.kind != MatchKind::NameOnly || self.people_sharing_name == Some(1)
    }
}

/// How many distinct known people bear each name, across every reference table.
#[derive(Debug, Default, Clone)]
pub struct NameStats {
    counts: HashMap<String, u32>,
}

impl NameStats {
    /// Counts distinct (name, date of birth) pairs: the same person listed in two tables
    /// counts once, two people with one name count twice.
    pub fn build<'a>(people: impl Iterator<Item = &'a KnownPerson>) -> Self {
        let mut seen: HashMap<String, Vec<Option<NaiveDate>>> = HashMap::default();
        for p in people {
            if let Some(n) = &p.name {
                let dobs = seen.entry(name_key(n)).or_default();
                if !dobs.contains(&p.dob) {
                    dobs.push(p.dob);
                }
            }
        }
        Self {
            counts: seen
                .into_iter()
                .map(|(k, v)| (k, u32::try_from(v.len()).unwrap_or(u32::MAX)))
                .collect(),
        }
    }

    /// Statistics that know one name only: `n` people share it. For grading one event
    /// whose [`NameStats::sharing`] was recorded when it was audited.
    pub fn single(name: &PersonName, n: u32) -> Self {
        let mut counts = HashMap::default();
        counts.insert(name_key(name), n);
        Self { counts }
    }

    pub fn sharing(&self, name: &PersonName) -> u32 {
        self.counts
            .get(&name_key(name))
            .copied()
            .unwrap_or(0)
            .max(1)
    }
}

/// Known people with hash indexes on every identifier.
#[derive(Debug, Default)]
pub(crate) struct PersonIndex {
    people: Vec<KnownPerson>,
    by_pid: HashMap<String, Vec<u32>>,
    by_plate: HashMap<String, Vec<u32>>,
    by_phone: HashMap<String, Vec<u32>>,
    /// Each resident under each of an address's [`index_keys`](Address::index_keys),
    /// ascending, with the ends of that address's street name beside them.
    by_address: HashMap<String, Vec<(u32, StreetEnds)>>,
    by_dob: HashMap<NaiveDate, Born>,
    by_name: HashMap<String, Bearers>,
}

/// The people born on one day, ascending, with the letters of their names beside them.
///
/// A query with a name and a date of birth grades everyone born that day, because a
/// typed name one slip away from the record's (`WALMROE` for `WALMORE`) still identifies
/// the person when the date of birth agrees. In a large population dozens of people share
/// a birthday, and grading each costs far more than ruling most of them out by their
/// letters first (see [`Letters`]), so the cost of a lookup does not grow with the number
/// of people the agency knows.
#[derive(Debug, Default)]
struct Born {
    ids: Vec<u32>,
    /// `letters[k]` belongs to `ids[k]`; `None` for a person with no name on record, who
    /// can still be found through another identifier and is always graded.
    letters: Vec<Option<Letters>>,
}

/// Which letters each word of a name holds, one bit per letter (other characters share
/// the remaining bits).
///
/// Two words at most one edit apart (the most [`grade`] ever forgives) have letter sets
/// that differ in at most two letters: a substitution removes one and adds one, an
/// insertion or a deletion changes one, a transposition none. Mapping characters to bits
/// keeps that true (two different characters on one bit only hide a difference). So a
/// pair of words whose bits differ in three or more places cannot be equal or one slip
/// apart, and a known person none of whose name words is within reach of any word the
/// query typed (as typed or read the other way round) is vetoed by [`grade`] anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Letters {
    last: u64,
    first: u64,
}

impl Letters {
    fn of(n: &PersonName) -> Self {
        Letters {
            last: letter_bits(&n.last),
            first: letter_bits(&n.first),
        }
    }

    /// False only when no word here could be equal to, or one edit from, any of `words`.
    fn within_reach(self, words: &[u64]) -> bool {
        words
            .iter()
            .any(|w| at_most_two_bits(w ^ self.last) || at_most_two_bits(w ^ self.first))
    }
}

/// `bits.count_ones() <= 2`, by clearing the lowest set bit twice: the build targets
/// processors without a population-count instruction, and this runs for everyone born on
/// the day a query names.
fn at_most_two_bits(bits: u64) -> bool {
    let once = bits & bits.wrapping_sub(1);
    once & once.wrapping_sub(1) == 0
}

fn letter_bits(word: &str) -> u64 {
    word.chars().fold(0u64, |bits, c| {
        let bit = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            _ => 26 + c as u32 % 38,
        };
        bits | 1 << bit
    })
}

/// The letter sets of every word a query's name offers for comparison.
/// The words of a compound surname count one by one: one of them alone may be a known
/// person's whole surname ([`compound_part`]).
fn query_words(q: &Query) -> Vec<u64> {
    q.name
        .iter()
        .chain(q.swapped.iter())
        .flat_map(|n| [&n.last, &n.first].into_iter().chain(n.last_parts.iter()))
        .filter(|w| !w.is_empty())
        .map(|w| letter_bits(w))
        .collect()
}

/// The people who bear one name: every entry ascending, and the same sorted by date of birth,
/// so a query with a date of birth reads only the bearers it could match (a different date
/// of birth vetoes a match) however common the name.
#[derive(Debug, Default)]
struct Bearers {
    all: Vec<u32>,
    by_dob: Vec<(Option<NaiveDate>, u32)>,
}

impl Bearers {
    /// The bearers born on `dob` or with no date of birth recorded, ascending.
    fn compatible(&self, dob: NaiveDate, out: &mut Vec<u32>) {
        let range = |d: Option<NaiveDate>| {
            let lo = self.by_dob.partition_point(|(x, _)| *x < d);
            let hi = self.by_dob.partition_point(|(x, _)| *x <= d);
            self.by_dob.get(lo..hi).unwrap_or(&[])
        };
        let (mut a, mut b) = (
            range(None).iter().peekable(),
            range(Some(dob)).iter().peekable(),
        );
        out.clear();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.1 <= y.1 => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            if let Some(&(_, i)) = next {
                out.push(i);
            }
        }
    }
}

impl PersonIndex {
    pub fn build(people: Vec<KnownPerson>) -> Self {
        let mut ix = PersonIndex::default();
        for (i, p) in people.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for id in &p.person_ids {
                ix.by_pid.entry(id.clone()).or_default().push(i);
            }
            for v in &p.plates {
                ix.by_plate.entry(v.clone()).or_default().push(i);
            }
            for v in &p.phones {
                ix.by_phone.entry(v.clone()).or_default().push(i);
            }
            for v in &p.addresses {
                let ends = v.street_ends();
                let entry = (i, ends);
                for key in v.index_keys(ends) {
                    let list = ix.by_address.entry(key).or_default();
                    // Two spellings of one address with the same ends are one entry.
                    if list.last() != Some(&entry) {
                        list.push(entry);
                    }
                }
            }
            if let Some(d) = p.dob {
                let born = ix.by_dob.entry(d).or_default();
                born.ids.push(i);
                // A compound surname matches a query typing one of its words
                // ([`compound_part`]), which its whole letters cannot vouch for: such a
                // person is never ruled out by letters.
                born.letters.push(
                    p.name
                        .as_ref()
                        .filter(|n| n.last_parts.is_empty())
                        .map(Letters::of),
                );
            }
            if let Some(n) = &p.name {
                for key in std::iter::once(name_key(n)).chain(alternative_keys(n)) {
                    let b = ix.by_name.entry(key).or_default();
                    b.all.push(i);
                    b.by_dob.push((p.dob, i));
                }
            }
        }
        for b in ix.by_name.values_mut() {
            b.by_dob.sort_unstable();
        }
        ix.people = people;
        ix
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// The people indexed under this person id (in [`normalize_person_id`]'s form).
    pub(crate) fn with_person_id(&self, id: &str) -> &[u32] {
        self.by_pid.get(id).map_or(&[][..], Vec::as_slice)
    }

    /// Whether someone indexed has this plate (in [`normalize_plate`]'s form).
    pub(crate) fn knows_plate(&self, plate: &str) -> bool {
        self.by_plate.contains_key(plate)
    }

    pub fn person(&self, entry: u32) -> Option<&KnownPerson> {
        self.people.get(entry as usize)
    }

    pub fn people(&self) -> &[KnownPerson] {
        &self.people
    }

    /// Appends every graded match of `q` to `out` (at most one per person), in the order
    /// of the posting lists below and ascending within each.
    pub fn find(&self, q: &Query, stats: &NameStats, cfg: &IdentityConfig, out: &mut Vec<Match>) {
        // With a date of birth, only a name's bearers born that day or of unknown birth can
        // match: a common name's thousands of other bearers are never read.
        let bearers = [0, 1].map(|i| q.name_keys.get(i).and_then(|k| self.by_name.get(k)));
        let mut compatible: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        if let Some(d) = q.dob {
            for (b, scratch) in bearers.iter().zip(compatible.iter_mut()) {
                if let Some(b) = b {
                    b.compatible(d, scratch);
                }
            }
        }
        let names = [0, 1].map(|i| match (bearers[i], q.dob) {
            (Some(_), Some(_)) => compatible[i].as_slice(),
            (Some(b), None) => b.all.as_slice(),
            (None, _) => &[][..],
        });
        fn list(l: Option<&Vec<u32>>) -> &[u32] {
            l.map_or(&[][..], Vec::as_slice)
        }
        const BORN: usize = 4;
        let born = q
            .dob
            .filter(|_| q.name.is_some())
            .and_then(|d| self.by_dob.get(&d));
        let words = if born.is_some() {
            query_words(q)
        } else {
            Vec::new()
        };
        // The residents under the query's address keys whose street could agree with it: in
        // a large population a house number and an initial are shared by dozens of people,
        // and reading each one's record costs more than the rest of the search.
        let mut residents: Vec<u32> = Vec::new();
        if let Some(a) = &q.address {
            let ends = a.street_ends();
            for key in a.index_keys(ends) {
                for &(i, e) in self.by_address.get(&key).map_or(&[][..], Vec::as_slice) {
                    if e.may_agree(ends) {
                        residents.push(i);
                    }
                }
            }
            residents.sort_unstable();
            residents.dedup();
        }
        // Every list is ascending (people are indexed in order), so a person already met in
        // an earlier list is found by binary search, and a repeat within a list is adjacent.
        let lists: [&[u32]; 7] = [
            list(q.person_id.as_ref().and_then(|p| self.by_pid.get(p))),
            list(q.plate.as_ref().and_then(|p| self.by_plate.get(p))),
            list(q.phone.as_ref().and_then(|p| self.by_phone.get(p))),
            &residents,
            born.map_or(&[][..], |b| b.ids.as_slice()),
            names[0],
            names[1],
        ];
        for (n, list) in lists.iter().enumerate() {
            let mut previous = None;
            for (k, &i) in list.iter().enumerate() {
                let repeat = previous == Some(i);
                previous = Some(i);
                if n == BORN {
                    let letters = born.and_then(|b| b.letters.get(k).copied().flatten());
                    if letters.is_some_and(|l| !l.within_reach(&words)) {
                        continue;
                    }
                }
                let seen_before = lists[..n].iter().any(|l| l.binary_search(&i).is_ok());
                if repeat || seen_before {
                    continue;
                }
                if let Some(p) = self.people.get(i as usize) {
                    if let Some(m) = grade(q, p, i, stats, cfg) {
                        out.push(m);
                    }
                }
            }
        }
    }
}

fn agreement_name(a: NameAgreement) -> Option<&'static str> {
    match a {
        NameAgreement::Exact => Some("exact"),
        NameAgreement::Nickname => Some("nickname"),
        NameAgreement::Initial => Some("initial"),
        NameAgreement::Typo => Some("typo"),
        NameAgreement::Unknown => Some("surname_only"),
        NameAgreement::Conflict => None,
    }
}

/// The better of comparing the query's name as typed and read the other way round.
fn best_agreement(q: &Query, p: &PersonName, allow_typo: bool) -> Option<NameAgreement> {
    let rank = |a: &NameAgreement| match a {
        NameAgreement::Exact => 0,
        NameAgreement::Nickname => 1,
        NameAgreement::Initial => 2,
        NameAgreement::Typo => 3,
        NameAgreement::Unknown => 4,
        NameAgreement::Conflict => 5,
    };
    q.name
        .iter()
        .chain(q.swapped.iter())
        .map(|n| compare_names(n, p, allow_typo))
        .min_by_key(rank)
}

/// A name read loosely: the surnames equal, one edit apart or one a part of the other's
/// compound (`GORDON` for `GORDON-MILLER`, a part one edit away too), and given names that
/// the broad nickname list relates (`BOBBIE` for Roberta, `LEXI` for Alexis), a slip
/// apart from one it relates (`PEGAY` for Peggy, Margaret's), or, with
/// `initials` (the caller has seen the dates of birth agree), that share their first
/// letter; or the whole name typed is the surname (`RUIZ SANCHEZ`, `DE LA CRUZ` typed into
/// a name field). Each reading, as typed or swapped.
fn loose_given_name(q: &Query, p: &PersonName, initials: bool) -> bool {
    q.name.iter().chain(q.swapped.iter()).any(|n| {
        let close = |a: &str, b: &str| {
            a == b || (a.len().min(b.len()) >= 2 && super::normalize::within_one_edit(a, b))
        };
        let part = |short: &str, long: &PersonName| {
            short.len() >= 3
                && long
                    .last_parts
                    .iter()
                    .any(|w| w == short || (w.len() >= 4 && close(w, short)))
        };
        let surname = || close(&n.last, &p.last) || part(&n.last, p) || part(&p.last, n);
        let given = || {
            !n.first.is_empty()
                && !p.first.is_empty()
                && ((initials && n.first.as_bytes().first() == p.first.as_bytes().first())
                    || super::normalize::may_be_one_persons_with_a_slip(&n.first, &p.first))
        };
        (surname() && given()) || whole_name_is_surname(n, p)
    })
}

/// Whether every word of the name typed, run together, is the person's surname: a
/// surname alone typed into a whole-name field reads as given name and surname.
fn whole_name_is_surname(n: &PersonName, p: &PersonName) -> bool {
    if n.first.is_empty() {
        return false;
    }
    // Walked word by word along the surname, without building the run-together string: it
    // is asked of every listed subject a typed name does not otherwise agree with.
    let words = std::iter::once(n.first.as_str())
        .chain(n.middle.iter().map(String::as_str))
        .chain(std::iter::once(n.last.as_str()));
    let mut rest = p.last.as_str();
    for w in words {
        match rest.strip_prefix(w) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether a query's name, however weak (a surname alone, an initial), could be this
/// person's, with nothing else contradicting it: not an identification (no [`Match`] is
/// made), but enough for a case that lists this person to explain the search. Searching
/// `WALMORE` under the case that lists Dana Walmore is case work.
pub(crate) fn name_consistent(q: &Query, p: &KnownPerson) -> bool {
    name_agrees(q, p, false)
}

/// [`name_consistent`], or a name one typing slip away (`DOUGLAS, LARA` for the
/// `DOUGLAS, LAURA` the case lists): for the case typed with the lookup only, where the
/// slip is far likelier than a namesake the case leaves out.
pub(crate) fn name_consistent_or_slip(q: &Query, p: &KnownPerson) -> bool {
    name_agrees(q, p, true)
}

fn name_agrees(q: &Query, p: &KnownPerson, slip: bool) -> bool {
    let (Some(pn), Some(_)) = (&p.name, &q.name) else {
        return false;
    };
    if let Some(id) = &q.person_id {
        if !p.person_ids.is_empty() && !p.person_ids.contains(id) {
            return false;
        }
    }
    if let (Some(a), Some(b)) = (q.dob, p.dob) {
        if a != b {
            return false;
        }
    }
    match best_agreement(q, pn, slip) {
        Some(
            NameAgreement::Exact
            | NameAgreement::Nickname
            | NameAgreement::Initial
            | NameAgreement::Unknown,
        ) => true,
        Some(NameAgreement::Typo) => slip,
        // Nothing contradicting (dates of birth that differ were ruled out above), a name
        // read loosely is the listed person's: given names sharing only their first letter
        // when the date of birth agrees, as the index's approximate grade holds, and given
        // names the broad nickname list relates in any case (`PERKINS, BOBBIE` for the
        // `PERKINS, ROBERTA` a case lists without her date of birth).
        _ => compound_part(q, pn) || loose_given_name(q, pn, q.dob.is_some() && q.dob == p.dob),
    }
}

/// A compound surname typed in part, the given names agreeing as [`name_consistent`]
/// asks: `RUIZ, GWEN` for `RUIZ-SANCHEZ, GWEN`, `GARCIA` alone for `GARCIA-LOPEZ`, and
/// `KATHERINE GARCIA LOPEZ` (read as given name, middle name, surname) for
/// `GARCIA-LOPEZ, KATHERINE`. Either side may hold the compound.
fn compound_part(q: &Query, p: &PersonName) -> bool {
    q.name.iter().any(|n| {
        let part_of = |short: &PersonName, long: &PersonName| long.last_parts.contains(&short.last);
        if !(part_of(n, p) || part_of(p, n)) {
            return false;
        }
        let whole = PersonName {
            last: p.last.clone(),
            ..n.clone()
        };
        matches!(
            compare_names(&whole, p, false),
            NameAgreement::Exact
                | NameAgreement::Nickname
                | NameAgreement::Initial
                | NameAgreement::Unknown
        )
    })
}

/// Grades one known person against a query; `entry` is recorded in the match.
pub(crate) fn grade(
    q: &Query,
    p: &KnownPerson,
    entry: u32,
    stats: &NameStats,
    cfg: &IdentityConfig,
) -> Option<Match> {
    let pid_eq = q
        .person_id
        .as_ref()
        .is_some_and(|id| p.person_ids.contains(id));
    if q.person_id.is_some() && !p.person_ids.is_empty() && !pid_eq {
        return None;
    }
    let dob_eq = q.dob.is_some() && q.dob == p.dob;
    if q.dob.is_some() && p.dob.is_some() && !dob_eq && !pid_eq {
        return None;
    }
    let plate_eq = q.plate.as_ref().is_some_and(|v| p.plates.contains(v));
    let phone_eq = q.phone.as_ref().is_some_and(|v| p.phones.contains(v));
    let addr_eq = q
        .address
        .as_ref()
        .is_some_and(|v| p.addresses.iter().any(|a| a.agrees(v)));
    let other = pid_eq || dob_eq || plate_eq || phone_eq || addr_eq;

    let agreement = match &p.name {
        Some(pn) if q.name.is_some() => best_agreement(q, pn, cfg.allow_typos && other),
        _ => None,
    };
    // Same date of birth, surnames equal or one slip apart (short surnames too: "LEB" for
    // "LEE"), given names that start alike but are not a known nickname pair ("JAKE" for
    // "JACOB"): nicknames and typos are too many to list, and a date of birth with a
    // nearly equal name is strong evidence on its own.
    let loose = agreement == Some(NameAgreement::Conflict)
        && dob_eq
        && cfg.allow_typos
        && p.name
            .as_ref()
            .is_some_and(|pn| loose_given_name(q, pn, true));
    // A compound surname typed in part (`RUIZ, KEISHA` for `RUIZ-SANCHEZ, KEISHA`), the
    // given names agreeing, with the same date of birth: the person. Without the date, a
    // part of a compound surname is too common a name to say who.
    let part = agreement == Some(NameAgreement::Conflict)
        && dob_eq
        && p.name.as_ref().is_some_and(|pn| compound_part(q, pn));
    if agreement == Some(NameAgreement::Conflict) && !pid_eq && !loose && !part {
        return None;
    }

    let name_eq = agreement.is_some_and(|a| a != NameAgreement::Conflict) || loose || part;
    let fields = [pid_eq, name_eq, dob_eq, plate_eq, phone_eq, addr_eq]
        .into_iter()
        .enumerate()
        .fold(Fields::default(), |f, (i, agreed)| f.with(i, agreed));

    let name_ok = matches!(
        agreement,
        Some(
            NameAgreement::Exact
                | NameAgreement::Nickname
                | NameAgreement::Initial
                | NameAgreement::Typo
                | NameAgreement::Unknown
        )
    );
    let (kind, strength, sharing) = if pid_eq {
        (MatchKind::PersonId, 1.0, None)
    } else if dob_eq && part {
        // Before the loose reading, which a compound typed in part also satisfies: the
        // given names agree here, so the match is the surer of the two.
        (MatchKind::NameDob, 0.88, None)
    } else if dob_eq && loose {
        (MatchKind::NameDob, 0.75, None)
    } else if dob_eq && name_ok {
        let s = match agreement {
            Some(NameAgreement::Exact) => 0.97,
            Some(NameAgreement::Nickname) => 0.95,
            Some(NameAgreement::Initial | NameAgreement::Typo) => 0.88,
            _ => 0.8,
        };
        (MatchKind::NameDob, s, None)
    } else if plate_eq {
        (MatchKind::Plate, 0.9, None)
    } else if phone_eq {
        (MatchKind::Phone, 0.85, None)
    } else if addr_eq {
        (MatchKind::Address, 0.6, None)
    } else if matches!(
        agreement,
        Some(NameAgreement::Exact | NameAgreement::Nickname)
    ) {
        // Dates of birth cannot disagree here (that vetoed the match above): one side lacks it.
        let n = q.name.as_ref().map(|n| stats.sharing(n)).unwrap_or(1);
        (
            MatchKind::NameOnly,
            cfg.name_only_score / f64::from(n),
            Some(n),
        )
    } else {
        return None;
    };
    // Extra agreeing identifiers make any match a little surer.
    let extra = fields.len().saturating_sub(2) as f64 * 0.02;
    Some(Match {
        entry,
        kind,
        strength: (strength + extra).min(1.0),
        fields,
        name_agreement: if part {
            Some("surname_part")
        } else if loose {
            Some("approximate")
        } else {
            agreement.and_then(agreement_name)
        },
        people_sharing_name: sharing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::normalize::within_one_edit;
    use proptest::prelude::*;

    fn known(last: &str, first: &str, dob: Option<&str>, id: usize) -> KnownPerson {
        KnownPerson::from_fields(&PersonFields {
            person_ids: vec![format!("P{id}")],
            last_name: Some(last.to_string()),
            first_name: Some(first.to_string()),
            dob: dob.map(str::to_string),
            ..PersonFields::default()
        })
    }

    fn query(last: &str, first: &str, dob: &str) -> Query {
        Query::from_subject(&Subject {
            last_name: Some(last.into()),
            first_name: Some(first.into()),
            dob: Some(dob.into()),
            ..Subject::default()
        })
    }

    #[test]
    fn fields_are_listed_in_their_fixed_order_whatever_order_they_were_named() {
        let f = Fields::of(&["dob", "person_id", "no_such_field", "address"]);
        assert_eq!(f.len(), 3);
        assert!(!f.is_empty() && Fields::default().is_empty());
        assert_eq!(
            f.names().collect::<Vec<_>>(),
            ["person_id", "dob", "address"]
        );
        assert_eq!(
            serde_json::to_value(f).expect("serialises"),
            serde_json::json!(["person_id", "dob", "address"])
        );
    }

    /// A whole name of two words without a comma is read both ways; with a comma, or of
    /// three words, only as written.
    #[test]
    fn a_two_word_name_without_a_comma_is_read_both_ways() {
        let whole = |n: &str| {
            Query::from_subject(&Subject {
                name: Some(n.into()),
                ..Subject::default()
            })
        };
        let q = whole("SMITH DIANE");
        let lasts = |q: &Query| [&q.name, &q.swapped].map(|n| n.as_ref().map(|n| n.last.clone()));
        assert_eq!(lasts(&q), [Some("DIANE".into()), Some("SMITH".into())]);
        assert_eq!(lasts(&whole("SMITH, DIANE")), [Some("SMITH".into()), None]);
        assert_eq!(lasts(&whole("MARY ANN SMITH"))[1], None);
        let known = PersonIndex::build(vec![known("Smith", "Diane", None, 1)]);
        let mut found = Vec::new();
        known.find(
            &q,
            &NameStats::default(),
            &IdentityConfig::default(),
            &mut found,
        );
        assert_eq!(found.len(), 1);
    }

    /// What `find` must return: every known person graded, whatever index would find them.
    fn grade_everyone(ix: &PersonIndex, q: &Query) -> Vec<String> {
        let (stats, cfg) = (
            NameStats::build(ix.people().iter()),
            IdentityConfig::default(),
        );
        let mut all: Vec<String> = (0..ix.len() as u32)
            .filter_map(|i| grade(q, ix.person(i)?, i, &stats, &cfg))
            .map(|m| serde_json::json!([m.entry, m]).to_string())
            .collect();
        all.sort();
        all
    }

    fn found(ix: &PersonIndex, q: &Query) -> Vec<String> {
        let (stats, cfg) = (
            NameStats::build(ix.people().iter()),
            IdentityConfig::default(),
        );
        let mut out = Vec::new();
        ix.find(q, &stats, &cfg, &mut out);
        let mut all: Vec<String> = out
            .into_iter()
            .map(|m| serde_json::json!([m.entry, m]).to_string())
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_typo_with_the_date_of_birth_is_found_among_many_sharing_the_birthday() {
        let mut people: Vec<KnownPerson> = (0..200)
            .map(|i| known(&format!("BRAX{i:03}TON"), "KELLAN", Some("1980-04-02"), i))
            .collect();
        people.push(known("WALMORE", "DANA", Some("1980-04-02"), 900));
        people.push(known("ORLEMAW", "DANA", Some("1980-04-02"), 901));
        let ix = PersonIndex::build(people);
        for (last, first) in [
            ("WALMROE", "DANA"),  // transposed letters
            ("WALMORES", "DANA"), // one letter too many
            ("WALMRE", "DANA"),   // one letter missing
            ("WELMORE", "DANA"),  // one letter wrong
            ("DANA", "WALMORE"),  // the two boxes swapped
        ] {
            let q = query(last, first, "1980-04-02");
            let got = found(&ix, &q);
            assert_eq!(got, grade_everyone(&ix, &q), "{last} {first}");
            assert_eq!(got.len(), 1, "{last} {first}: {got:?}");
            assert!(got[0].starts_with("[200,"), "{last} {first}: {got:?}");
        }
        // Same letters, far more than one edit apart: not a slip of WALMORE.
        let q = query("ORLEMAW", "DANA", "1980-04-02");
        let got = found(&ix, &q);
        assert_eq!(got, grade_everyone(&ix, &q));
        assert!(got.iter().all(|m| m.starts_with("[201,")), "{got:?}");
    }

    #[test]
    fn a_person_without_a_name_is_still_graded_by_date_of_birth() {
        let nameless = KnownPerson::from_fields(&PersonFields {
            person_ids: vec!["P7".into()],
            dob: Some("1975-01-01".into()),
            addresses: vec!["12 ELM ST".into()],
            ..PersonFields::default()
        });
        let ix = PersonIndex::build(vec![nameless]);
        let mut q = query("QUILLON", "ARDEN", "1975-01-01");
        q.address = Address::parse("12 Elm Street");
        assert_eq!(found(&ix, &q), grade_everyone(&ix, &q));
    }

    /// A surname typed as one word of a compound, either side: the letters of the whole
    /// compound say nothing of its words. (Found by `find_equals_grading_everyone`: the
    /// query `F''0-É-1` holds the known surname `É` as one of its words.)
    #[test]
    fn a_word_of_a_compound_surname_is_within_reach() {
        for (known_last, typed_last) in [("É", "F''0-É-1"), ("GARCIA-LOPEZ", "GARCIA")] {
            let ix = PersonIndex::build(vec![known(known_last, "WALMORE", Some("1980-01-02"), 0)]);
            let q = query(typed_last, "", "1980-01-02");
            let want = grade_everyone(&ix, &q);
            assert!(!want.is_empty(), "{typed_last} grades {known_last}");
            assert_eq!(found(&ix, &q), want, "{typed_last} finds {known_last}");
        }
    }

    fn whole_query(name: &str, dob: &str) -> Query {
        Query::from_subject(&Subject {
            name: Some(name.into()),
            dob: Some(dob.into()),
            ..Subject::default()
        })
    }

    #[test]
    fn a_surname_typed_whole_into_a_name_field_with_the_birth_date_is_the_person() {
        let p = known("Ruiz-Sanchez", "Dean", Some("1961-04-27"), 1);
        let stats = NameStats::build(std::iter::once(&p));
        let cfg = IdentityConfig::default();
        let m = grade(
            &whole_query("RUIZ SANCHEZ", "1961-04-27"),
            &p,
            0,
            &stats,
            &cfg,
        );
        assert_eq!(m.map(|m| m.kind), Some(MatchKind::NameDob));
        // Another date, or the words in another order, are someone else.
        assert!(grade(
            &whole_query("RUIZ SANCHEZ", "1961-04-28"),
            &p,
            0,
            &stats,
            &cfg
        )
        .is_none());
        let q = whole_query("SANCHEZ RUIZ", "1961-04-27");
        let n = q.name.as_ref().expect("a name");
        assert!(!whole_name_is_surname(n, p.name.as_ref().expect("a name")));
        let particles = known("De La Cruz", "Dean", Some("1960-12-10"), 2);
        let q = whole_query("DE LA CRUZ", "1960-12-10");
        assert!(loose_given_name(
            &q,
            particles.name.as_ref().expect("a name"),
            true
        ));
    }

    #[test]
    fn a_nickname_the_broad_list_holds_is_the_person_only_with_the_birth_date() {
        let p = known("Walsh", "Roberta", Some("1957-09-10"), 1);
        let stats = NameStats::build(std::iter::once(&p));
        let cfg = IdentityConfig::default();
        let m = grade(&query("WALSH", "BOBBIE", "1957-09-10"), &p, 0, &stats, &cfg)
            .expect("matched with the date of birth");
        assert_eq!(m.name_agreement, Some("approximate"));
        let bare = Query::from_subject(&Subject {
            last_name: Some("WALSH".into()),
            first_name: Some("BOBBIE".into()),
            ..Subject::default()
        });
        assert!(
            grade(&bare, &p, 0, &stats, &cfg).is_none(),
            "no name-only match"
        );
        assert!(grade(&query("WALSH", "DONNA", "1957-09-10"), &p, 0, &stats, &cfg).is_none());
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("WALMORE".to_string()),
            Just("DANA".to_string()),
            Just("DANNA".to_string()),
            Just("JO".to_string()),
            "[A-Z]{1,8}",
            "[A-ZÉ0-9' -]{1,8}",
        ]
    }

    /// One edit of `w` at `at`: insert, delete, substitute or swap neighbours.
    fn edit(w: &str, op: u8, at: usize, c: char) -> String {
        let mut cs: Vec<char> = w.chars().collect();
        let i = at % (cs.len() + 1);
        match op % 4 {
            0 => cs.insert(i, c),
            1 if i < cs.len() => {
                cs.remove(i);
            }
            2 if i < cs.len() => cs[i] = c,
            3 if i + 1 < cs.len() => cs.swap(i, i + 1),
            _ => {}
        }
        cs.into_iter().collect()
    }

    proptest! {
        #[test]
        fn at_most_two_bits_is_a_count_of_ones(bits in any::<u64>(), shift in 0u32..64) {
            // Sparse words too: a random u64 has about 32 bits set.
            let two = 1u64 << shift | 1u64 << ((shift + 7) % 64);
            let three = two | 1u64 << ((shift + 30) % 64);
            for b in [bits, bits >> shift, bits & (bits >> shift), 1u64 << shift, two, three] {
                prop_assert_eq!(at_most_two_bits(b), b.count_ones() <= 2, "{:#x}", b);
            }
        }

        /// The letter filter never rules out a word one edit away.
        #[test]
        fn one_edit_is_always_within_reach(w in "[A-Z0-9É' -]{0,10}", op in 0u8..4,
                                           at in 0usize..12, c in "[A-Z0-9É]") {
            let c = c.chars().next().unwrap_or('A');
            let v = edit(&w, op, at, c);
            prop_assert!(within_one_edit(&w, &v));
            let l = Letters { last: letter_bits(&v), first: letter_bits("") };
            prop_assert!(l.within_reach(&[letter_bits(&w)]), "{w:?} {v:?}");
        }

        /// With a name and a date of birth, and everyone's date of birth on record (so
        /// that only those born that day can match at all), `find` answers exactly what
        /// grading every known person would: the letters only skip people grading vetoes.
        #[test]
        fn find_equals_grading_everyone(
            people in proptest::collection::vec((word(), word(), 0u8..3), 1..40),
            last in word(), first in word(), ops in (0u8..4, 0usize..10, "[A-Z]"),
            day in 0u8..3, typo in any::<bool>(),
        ) {
            let dob = |d: u8| format!("1980-01-0{}", d + 1);
            let ix = PersonIndex::build(
                people
                    .iter()
                    .enumerate()
                    .map(|(i, (l, f, d))| known(l, f, Some(dob(*d).as_str()), i))
                    .collect(),
            );
            let last = if typo {
                edit(&last, ops.0, ops.1, ops.2.chars().next().unwrap_or('A'))
            } else {
                last
            };
            let q = query(&last, &first, &dob(day));
            prop_assert_eq!(found(&ix, &q), grade_everyone(&ix, &q));
        }
    }
}
