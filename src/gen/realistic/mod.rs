//! `custodes gen --profile realistic`: a synthetic agency written from a
//! description of how real agencies work, without reference to how the
//! detectors work.
//!
//! The agency has patrol (incident-driven, 16-20 calls a shift, each an
//! incident case), dispatch (premise history: address-only lookups under the
//! incident that lists the resident), investigations (long cases with many
//! subjects), records clerks (routine bulk exports), a port-of-entry unit
//! and traffic (lookups under the exempt purposes `BORDER_INSPECTION` and
//! `TRAFFIC_STOP`, written to `custodes.toml`), day and night shifts on a
//! UTC-7 wall clock, one typed query fanned out to two or three systems in
//! the same second, and people who type what they hear rather than copy
//! records (see [`typing`]).
//!
//! The pipeline: [`agency`] builds the people and the agency from the seed;
//! [`work`] draws the roster and every unit's normal work, creating the cases
//! it works under; [`cases`] closes and numbers them and indexes who is
//! assigned to what; [`records`] adds the writes to person records that
//! normal work makes; [`misuse`], [`volume`], [`credential`], [`fishing`]
//! and [`records`] inject misconduct; [`truth`] labels every lookup from
//! what the world means;
//! [`replay`] adds the sequence rules (`subject_surge`, `shared_credential`);
//! [`write`] renders the files.
//!
//! Output is a pure function of the options: the world comes from a
//! `ChaCha8Rng` seeded with the seed, traffic from a generator seeded from
//! that stream, typed text from a per-event seed, and no hash map decides
//! output order.

mod agency;
mod cases;
mod clock;
mod credential;
mod fishing;
mod misuse;
mod people;
mod records;
mod replay;
mod truth;
mod typing;
mod volume;
mod work;
mod write;

#[cfg(test)]
mod tests;

use super::{GenError, GenOptions, GenSummary};
use crate::gen::world::FastRng;
use chrono::Datelike;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// Every label the realistic world writes, as (detector, kind); an event's
/// labels are a bit set over this table, written in this order.
pub(super) const LABELS: [(&str, &str); 41] = [
    ("self_query", "person_id"),
    ("self_query", "name_dob"),
    ("self_query", "plate"),
    ("self_query", "phone"),
    ("self_query", "address"),
    ("self_query", "name_only"),
    ("coworker_lookup", "same_unit"),
    ("coworker_lookup", "other_unit"),
    ("coworker_lookup", "supervisor"),
    ("association_lookup", "ex_partner"),
    ("association_lookup", "partner"),
    ("association_lookup", "spouse"),
    ("association_lookup", "family"),
    ("association_lookup", "neighbor"),
    ("association_lookup", "associate"),
    ("association_lookup", "protected_party"),
    ("watchlist_lookup", "official"),
    ("watchlist_lookup", "celebrity"),
    ("watchlist_lookup", "journalist"),
    ("watchlist_lookup", "athlete"),
    ("no_case", "missing"),
    ("no_case", "unknown_case"),
    ("no_case", "closed_case"),
    ("no_case", "not_assigned"),
    ("no_case", "subject_not_in_case"),
    ("odd_volume", "daily_count"),
    ("odd_volume", "burst"),
    ("odd_volume", "off_hours"),
    ("odd_volume", "distinct_subjects"),
    ("odd_volume", "export"),
    ("shared_credential", "concurrent_clients"),
    ("shared_credential", "impossible_travel"),
    ("shared_credential", "inactive_account"),
    ("subject_surge", "many_users"),
    ("fishing", "wildcard_sweep"),
    ("fishing", "attribute_search"),
    ("fishing", "enumeration"),
    // Writes to a record; appended so that the bits above keep their places.
    ("self_query", "record_change"),
    ("coworker_lookup", "record_change"),
    ("association_lookup", "record_change"),
    ("watchlist_lookup", "record_change"),
];

/// Bit of the first label of each detector in [`LABELS`].
pub(super) const L_SELF: u32 = 0;
pub(super) const L_COWORKER: u32 = 6;
pub(super) const L_ASSOC: u32 = 9;
pub(super) const L_WATCH: u32 = 16;
pub(super) const L_NO_CASE: u32 = 20;
pub(super) const L_VOLUME: u32 = 25;
pub(super) const L_CRED: u32 = 30;
pub(super) const L_SURGE: u32 = 33;
pub(super) const L_FISH: u32 = 34;
/// `record_change` of `self_query`, `coworker_lookup`, `association_lookup`
/// and `watchlist_lookup`, in that order.
pub(super) const L_RECORD: u32 = 37;

/// The bit of a label.
pub(super) const fn bit(i: u32) -> u64 {
    1u64 << i
}

/// Bits of every identity label (self, coworker, association, watchlist).
pub(super) const IDENTITY_BITS: u64 = (1u64 << L_NO_CASE) - 1;
/// Bits of the `no_case` kinds.
pub(super) const NO_CASE_BITS: u64 = ((1u64 << L_VOLUME) - 1) & !IDENTITY_BITS;

/// Index of a (detector, kind) in [`LABELS`].
#[cfg(test)]
pub(super) fn label_index(detector: &str, kind: &str) -> Option<u32> {
    LABELS
        .iter()
        .position(|l| l.0 == detector && l.1 == kind)
        .map(|i| i as u32)
}

/// Who a query is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// No subject (an export, a session event).
    None,
    /// A person of the world (index into the population).
    Person(u32),
    /// Someone in no table at all (a driver from out of state, a traveller);
    /// the number seeds who they are.
    Stranger(u32),
}

const NO_TARGET: u32 = u32::MAX;
const STRANGER_BIT: u32 = 1 << 31;

impl Target {
    fn pack(self) -> u32 {
        match self {
            Target::None => NO_TARGET,
            Target::Person(p) => p,
            Target::Stranger(n) => STRANGER_BIT | (n & !STRANGER_BIT),
        }
    }

    fn unpack(v: u32) -> Target {
        if v == NO_TARGET {
            Target::None
        } else if v & STRANGER_BIT != 0 {
            Target::Stranger(v & !STRANGER_BIT)
        } else {
            Target::Person(v)
        }
    }
}

/// Systems a query can run on; RMS, CAD and JMS log local wall-clock time.
pub(super) const SYSTEMS: [&str; 6] = ["RMS", "NCIC", "DMV", "CAD", "JMS", "POE"];
pub(super) const RMS: u8 = 0;
pub(super) const NCIC: u8 = 1;
pub(super) const DMV: u8 = 2;
pub(super) const CAD: u8 = 3;
pub(super) const JMS: u8 = 4;
pub(super) const POE: u8 = 5;

/// Actions; the writes (update, delete, insert) come last.
pub(super) const A_QUERY: u8 = 0;
pub(super) const A_EXPORT: u8 = 1;
pub(super) const A_LOGIN: u8 = 2;
pub(super) const A_LOGOUT: u8 = 3;
pub(super) const A_UPDATE: u8 = 4;
pub(super) const A_DELETE: u8 = 5;
pub(super) const A_INSERT: u8 = 6;
pub(super) const ACTIONS: [&str; 7] = [
    "query", "export", "login", "logout", "update", "delete", "insert",
];

/// How the case field was filled.
pub(super) const CK_NONE: u8 = 0;
pub(super) const CK_REAL: u8 = 1;
pub(super) const CK_UNKNOWN: u8 = 2;

/// Where an event came from (for tests and statistics; never written).
pub(super) const F_NORMAL: u8 = 1;
pub(super) const F_MISUSE: u8 = 2;
pub(super) const F_VOLUME: u8 = 4;
pub(super) const F_CRED: u8 = 8;
/// An unexplained lookup that identifies a person the reference tables know
/// (what a `subject_surge` counts); set by [`truth::judge_all`].
pub(super) const F_SURGE: u8 = 16;
/// Explained by a case the user is assigned to that lists the person.
pub(super) const F_EXPLAINED: u8 = 32;
/// Left out of the output.
pub(super) const F_DROP: u8 = 64;

/// One log line before it gets its id. Typed text is not stored: it is
/// rendered at write time from `seed`, so the events of one fanned-out query
/// (same seed) carry the same text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ev {
    pub t: i64,
    pub labels: u64,
    pub seed: u64,
    target: u32,
    /// Case index (`CK_REAL`) or packed unknown number (`CK_UNKNOWN`).
    pub case: u32,
    /// `u32::MAX` when the source writes no result count.
    pub result: u32,
    pub session: u32,
    pub login: u16,
    pub client: u16,
    pub form: u8,
    pub case_kind: u8,
    pub system: u8,
    pub action: u8,
    pub purpose: u8,
    pub flags: u8,
}

impl Ev {
    pub(super) fn target(&self) -> Target {
        Target::unpack(self.target)
    }

    /// Queries, exports and writes: a write shows the record it changes,
    /// so it is a lookup of that person too.
    pub(super) fn is_lookup(&self) -> bool {
        self.action == A_QUERY || self.action == A_EXPORT || self.is_write()
    }

    /// An update, delete or insert on a record.
    pub(super) fn is_write(&self) -> bool {
        self.action >= A_UPDATE
    }
}

/// SplitMix64: a tiny generator for per-event typing and strangers, seeded
/// by a stored number so the same text comes back every time.
pub(super) struct Mix(u64);

impl Mix {
    pub(super) fn new(seed: u64) -> Mix {
        Mix(seed)
    }
}

impl rand::RngCore for Mix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// The exempt purposes of the realistic agency, as written to
/// `custodes.toml`.
pub(super) const CONFIG: &str = "# The realistic agency's exempt purposes (custodes gen --profile realistic).\n[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\", \"BORDER_INSPECTION\"]\n";

/// Users x days x this bounds the events held in memory.
const EVENTS_PER_USER_DAY: f64 = 120.0;
const MAX_EXPECTED_EVENTS: f64 = 20_000_000.0;

fn validate(o: &GenOptions) -> Result<f64, GenError> {
    let bad = |field, reason: String| Err(GenError::InvalidOption { field, reason });
    if !(20..=2000).contains(&o.users) {
        return bad("users", format!("{} is outside 20..=2000", o.users));
    }
    if !(1..=3660).contains(&o.days) {
        return bad("days", format!("{} is outside 1..=3660", o.days));
    }
    if !o.queries_per_user_day.is_finite() || !(0.0..=10_000.0).contains(&o.queries_per_user_day) {
        return bad(
            "queries_per_user_day",
            format!("{} is not within 0..=10000", o.queries_per_user_day),
        );
    }
    if !(1950..=2200).contains(&o.start.year()) {
        return bad("start", format!("{} is outside years 1950..=2200", o.start));
    }
    // `--rate` scales the realistic world's volume around the classic default.
    let scale = o.queries_per_user_day / GenOptions::default().queries_per_user_day;
    let expected = o.users as f64 * f64::from(o.days) * EVENTS_PER_USER_DAY * scale;
    if expected > MAX_EXPECTED_EVENTS {
        return bad(
            "days",
            format!(
                "users x days x rate would give about {expected:.0} events, over {MAX_EXPECTED_EVENTS:.0}"
            ),
        );
    }
    Ok(scale)
}

/// A finished world and its traffic, before anything is written.
struct Simulated {
    world: agency::World,
    book: cases::CaseBook,
    events: Vec<Ev>,
    /// Output order (indices into `events`, dropped events left out).
    order: Vec<u32>,
    /// Normal events left out because their labels depended on how dates
    /// are read (expected to be none).
    #[cfg_attr(not(test), allow(dead_code))]
    ambiguous: usize,
}

fn simulate(opts: &GenOptions) -> Result<Simulated, GenError> {
    let scale = validate(opts)?;
    let mut chacha = ChaCha8Rng::seed_from_u64(opts.seed);
    let start = i64::from(opts.start.num_days_from_ce());
    let world = agency::build(&mut chacha, opts.users, start, opts.days);
    let mut rng = FastRng::from_chacha(&mut chacha);
    let mut sim = work::Sim::new(&world, scale);
    sim.normal_work(&mut rng);
    sim.finish_cases(&mut rng);
    let normal_events = sim.events.len();
    if opts.inject {
        let plan = misuse::Plan::new(&world);
        sim.inject_misuse(&mut rng, &plan);
        sim.inject_volume(&mut rng, &plan);
        sim.inject_credentials(&mut rng, &plan);
        // Last, so that the worlds of the earlier injections stay as they were.
        sim.inject_fishing(&mut rng, &plan);
        sim.inject_record_changes(&mut rng, &plan);
    }
    // The writes of normal work come from their own stream and only follow
    // normal work's lookups, so that the world with and without misconduct
    // hold the same ones and nothing drawn before changes.
    let mut upkeep = FastRng::from_chacha(&mut ChaCha8Rng::seed_from_u64(
        opts.seed ^ records::UPKEEP_STREAM,
    ));
    sim.record_upkeep(&mut upkeep, normal_events);
    let ambiguous = truth::judge_all(&world, &sim.book, &mut sim.events);
    volume::spill(&mut sim);
    let work::Sim { book, events, .. } = sim;
    let mut events = events;
    let order = replay::order(&events);
    replay::surge(&mut events, &order);
    replay::shared_credential(&world, &mut events, &order);
    Ok(Simulated {
        world,
        book,
        events,
        order,
        ambiguous,
    })
}

/// Generates the realistic world into `out`: `refs/*.csv`, `events.jsonl`,
/// `labels.jsonl` and `custodes.toml`.
pub(super) fn generate(opts: &GenOptions, out: &Path) -> Result<GenSummary, GenError> {
    let s = simulate(opts)?;
    write::write_all(out, &s)
}
