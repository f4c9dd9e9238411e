//! The synthetic world: employees and their logins, the people they are
//! connected to, a watchlist, a population of citizens, cases with their
//! subjects and assignments, sites and workstations, and the work patterns
//! that shape volume (analysts, records clerks, staff who joined partway
//! through the window).
//!
//! Building it is pure (all randomness comes from the caller's seeded RNG and
//! only ordered collections decide output order). Every person is invented,
//! and the builder guarantees the properties the ground truth relies on:
//! identifiers (person id, plate, phone, address) are unique across the world
//! except for household members, protected people (employees, associations,
//! watchlist) have distinct names, and no citizen shares a date of birth with a
//! protected person, so no citizen can accidentally match one by name and dob.

use super::names::{
    fold_accents, name_key, nickname_table, FIRST_NAMES, STREET_ENDS, STREET_STEMS, STREET_TYPES,
    SURNAMES,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};

pub(crate) type Rng8 = ChaCha8Rng;

/// xoshiro256++ for the traffic simulation, seeded from the world's ChaCha8
/// stream. Traffic draws millions of numbers and ChaCha8 without
/// optimisation (tests run debug builds) made generation several times
/// slower; output stays a pure function of the seed.
#[derive(Clone, Debug)]
pub(crate) struct FastRng {
    s: [u64; 4],
}

impl FastRng {
    pub(crate) fn from_chacha(rng: &mut Rng8) -> Self {
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = rng.random();
        }
        if s == [0; 4] {
            s[0] = 0x9E37_79B9_7F4A_7C15;
        }
        FastRng { s }
    }
}

impl rand::RngCore for FastRng {
    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
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

/// A calendar day as days from 0001-01-01 (chrono's `num_days_from_ce`),
/// so interval checks are integer comparisons.
pub(crate) type Day = i64;

/// Offset of the jurisdiction's wall clock (a summer UTC-5); shifts are
/// planned in local time and some sources log in it.
pub(crate) const LOCAL_OFFSET: i64 = -5 * 3600;
const CE_EPOCH: i64 = 719_163;

/// UTC calendar day of a Unix timestamp.
pub(crate) fn day_of(t: i64) -> Day {
    t.div_euclid(86_400) + CE_EPOCH
}

/// Unix timestamp of midnight UTC starting `d`.
pub(crate) fn midnight(d: Day) -> i64 {
    (d - CE_EPOCH) * 86_400
}

/// Monday = 0 ... Sunday = 6.
pub(crate) fn weekday(d: Day) -> i64 {
    (d - CE_EPOCH + 3).rem_euclid(7)
}

/// (year, month, day) of a day number; Hinnant's civil-from-days, cheaper
/// than chrono formatting on hundreds of thousands of timestamps.
pub(crate) fn civil(d: Day) -> (i64, u32, u32) {
    let z = d - CE_EPOCH + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let dd = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, dd as u32)
}

/// `YYYY-MM-DD`.
pub(crate) fn fmt_day(d: Day) -> String {
    let (y, m, dd) = civil(d);
    format!("{y:04}-{m:02}-{dd:02}")
}

fn fmt_opt_day(d: Option<Day>) -> String {
    d.map(fmt_day).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Unit {
    Patrol,
    Detectives,
    Traffic,
    Records,
    Dispatch,
    Narcotics,
    InternalAffairs,
}

impl Unit {
    pub(crate) const ALL: [Unit; 7] = [
        Unit::Patrol,
        Unit::Detectives,
        Unit::Traffic,
        Unit::Records,
        Unit::Dispatch,
        Unit::Narcotics,
        Unit::InternalAffairs,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Unit::Patrol => "PATROL",
            Unit::Detectives => "DETECTIVES",
            Unit::Traffic => "TRAFFIC",
            Unit::Records => "RECORDS",
            Unit::Dispatch => "DISPATCH",
            Unit::Narcotics => "NARCOTICS",
            Unit::InternalAffairs => "INTERNAL_AFFAIRS",
        }
    }

    fn share(self) -> f64 {
        match self {
            Unit::Patrol => 0.36,
            Unit::Detectives => 0.18,
            Unit::Traffic => 0.11,
            Unit::Records => 0.08,
            Unit::Dispatch => 0.12,
            Unit::Narcotics => 0.10,
            Unit::InternalAffairs => 0.05,
        }
    }

    fn case_prefix(self) -> &'static str {
        match self {
            Unit::Patrol => "PT",
            Unit::Detectives => "DT",
            Unit::Traffic => "TR",
            Unit::Records => "RC",
            Unit::Dispatch => "DP",
            Unit::Narcotics => "NC",
            Unit::InternalAffairs => "IA",
        }
    }

    /// Share of a worked shift's queries that are traffic stops rather than
    /// case work; street units run many plates.
    pub(crate) fn traffic_share(self) -> f64 {
        match self {
            Unit::Patrol => 0.50,
            Unit::Traffic => 0.72,
            Unit::Dispatch => 0.80,
            Unit::Detectives | Unit::Narcotics => 0.04,
            Unit::Records | Unit::InternalAffairs => 0.0,
        }
    }

    /// Probability of working a weekday and a weekend day.
    pub(crate) fn work_odds(self) -> (f64, f64) {
        match self {
            Unit::Patrol | Unit::Dispatch | Unit::Traffic => (0.78, 0.55),
            _ => (0.90, 0.10),
        }
    }
}

/// Legitimate work patterns that look unusual to a naive volume detector.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pattern {
    Regular,
    /// A crime or records analyst: several times everyone else's volume,
    /// every working day, on cases with many subjects.
    Analyst,
    /// A records clerk whose case exports routinely return thousands of rows.
    Clerk,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Active,
    Leave,
    Terminated,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Leave => "leave",
            Status::Terminated => "terminated",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Address {
    pub number: u32,
    pub street: String,
    pub kind: usize,
    pub apt: Option<u16>,
}

impl Address {
    /// The form records hold: "1234 Quillbrook St Apt 4".
    pub(crate) fn record(&self) -> String {
        let abbr = STREET_TYPES.get(self.kind).map_or("St", |t| t.1);
        match self.apt {
            Some(a) => format!("{} {} {} Apt {}", self.number, self.street, abbr, a),
            None => format!("{} {} {}", self.number, self.street, abbr),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    Citizen,
    Employee(u32),
    Associate(u32),
    Watch(u32),
}

#[derive(Clone, Debug)]
pub(crate) struct Person {
    pub pid: String,
    pub last: String,
    pub first: String,
    pub nick: Option<u16>,
    pub middle: Option<char>,
    pub dob: Day,
    pub addr: Address,
    /// exchange * 10000 + line; the number is 555-<exchange>-<line>.
    pub phone: u32,
    pub plate: String,
    pub role: Role,
}

impl Person {
    pub(crate) fn phone_record(&self) -> String {
        format!("555-{:03}-{:04}", self.phone / 10_000, self.phone % 10_000)
    }

    /// The person's identifiers as the personnel and association tables
    /// write them: person id, last and first name, date of birth, address,
    /// phone and plate.
    fn id_columns(&self) -> [String; 7] {
        [
            self.pid.clone(),
            self.last.clone(),
            self.first.clone(),
            fmt_day(self.dob),
            self.addr.record(),
            self.phone_record(),
            self.plate.clone(),
        ]
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Employee {
    pub emp_id: String,
    pub person: u32,
    pub unit: Unit,
    pub supervisor: Option<u32>,
    pub site: u32,
    pub status: Status,
    /// Last working day for leave/terminated staff.
    pub end: Option<Day>,
    pub logins: Vec<u32>,
    pub night: bool,
    /// Their sources log wall-clock time with an offset instead of `Z`.
    pub local_ts: bool,
    /// Mean daily volume relative to colleagues (0.5-1.8; analysts 4.6-6.9).
    pub activity: f64,
    /// What kind of desk work shapes their volume (analysts, records clerks).
    pub pattern: Pattern,
    /// First working day for staff who joined partway through the window;
    /// they have no traffic before it. personnel.csv does not say so (many
    /// HR exports carry no start date), so a detector meets them cold.
    pub joined: Option<Day>,
    /// Someone in their associations shares their address, so an address
    /// search for them is ambiguous and is never generated.
    pub household: bool,
    pub desk: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Login {
    pub name: String,
    pub emp: u32,
    pub primary: bool,
}

#[derive(Clone, Debug)]
pub struct Association {
    pub emp: u32,
    pub relation: &'static str,
    pub person: u32,
    pub valid_from: Option<Day>,
    pub valid_to: Option<Day>,
    pub source: &'static str,
    pub shares_address: bool,
}

#[derive(Clone, Debug)]
pub struct WatchEntry {
    pub person: u32,
    pub category: &'static str,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub opened: Day,
    /// Only set when the closure falls on or before the last generated day:
    /// the reference export is a snapshot taken at the end of the window.
    pub closed: Option<Day>,
    pub unit: Unit,
    pub subjects: Vec<u32>,
    pub assigns: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct Assignment {
    pub case: u32,
    pub login: u32,
    pub from: Day,
    pub to: Option<Day>,
}

#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Clone, Debug)]
pub struct Client {
    pub name: String,
    /// `None` for VPN clients: clients.csv lists them with empty site and
    /// coordinates, so location checks skip them.
    pub site: Option<u32>,
    pub coords: Option<(f64, f64)>,
    pub ip: String,
}

impl Client {
    /// Coordinates as written to clients.csv (five decimals) and read back,
    /// so the truth uses exactly what a reader of the file sees.
    pub(crate) fn written_coords(&self) -> Option<(f64, f64)> {
        let (lat, lon) = self.coords?;
        let back = |v: f64| format!("{v:.5}").parse::<f64>().unwrap_or(v);
        Some((back(lat), back(lon)))
    }
}

pub(crate) const RELATIONS: [&str; 7] = [
    "ex_partner",
    "partner",
    "spouse",
    "family",
    "neighbor",
    "associate",
    "protected_party",
];

pub(crate) const CATEGORIES: [&str; 4] = ["official", "celebrity", "journalist", "victim"];

pub(crate) struct World {
    pub start: Day,
    pub end: Day,
    pub persons: Vec<Person>,
    pub employees: Vec<Employee>,
    pub logins: Vec<Login>,
    pub assocs: Vec<Association>,
    pub watch: Vec<WatchEntry>,
    pub cases: Vec<Case>,
    pub assigns: Vec<Assignment>,
    pub sites: Vec<Site>,
    pub clients: Vec<Client>,
    pub site_clients: Vec<Vec<u32>>,
    /// VPN clients: no site, no coordinates.
    pub vpn_clients: Vec<u32>,
    /// A site no one is based at, hundreds of kilometres from the others.
    pub far_site: u32,
    pub citizens: Vec<u32>,
    /// Citizens whose name equals some protected person's: a name-only search
    /// for them would be ambiguous, so normal traffic never does one.
    pub name_clash: Vec<bool>,
    pub namesakes: Vec<u32>,
    pub case_by_id: HashMap<String, u32>,
    pub cases_of_person: Vec<Vec<u32>>,
    pub assigns_of_login: Vec<Vec<u32>>,
}

impl World {
    pub(crate) fn emp_of_login(&self, login: u32) -> &Employee {
        &self.employees[self.logins[login as usize].emp as usize]
    }

    /// True when `case` is open on every day of `[lo, hi]`.
    pub(crate) fn case_open_over(&self, case: u32, lo: Day, hi: Day) -> bool {
        let c = &self.cases[case as usize];
        c.opened <= lo && c.closed.is_none_or(|cl| hi <= cl)
    }

    /// Cases `login` is assigned to, and which are open, on every day of
    /// `[lo, hi]`: the cases a query in that span can be made for without any
    /// reading of dates or time zones disagreeing.
    pub(crate) fn live_cases(&self, login: u32, lo: Day, hi: Day) -> Vec<u32> {
        let mut out = Vec::new();
        for &a in &self.assigns_of_login[login as usize] {
            let asg = &self.assigns[a as usize];
            if asg.from <= lo
                && asg.to.is_none_or(|to| hi <= to)
                && self.case_open_over(asg.case, lo, hi)
                && !out.contains(&asg.case)
            {
                out.push(asg.case);
            }
        }
        out
    }
}

#[derive(Default)]
struct Uniq {
    pids: HashSet<String>,
    plates: HashSet<String>,
    phones: HashSet<u32>,
    /// (number, street): the street type and apartment are left out so that
    /// even a sloppy address matcher cannot confuse two households.
    addrs: HashSet<(u32, String)>,
    prot_names: HashSet<(String, String)>,
    prot_dobs: HashSet<Day>,
}

struct Builder<'r> {
    rng: &'r mut Rng8,
    start: Day,
    uniq: Uniq,
    persons: Vec<Person>,
    surname_cdf: Vec<f64>,
    first_cdf: Vec<f64>,
    nick_keys: HashMap<String, u16>,
}

fn cdf(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut v: Vec<f64> = weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    if acc > 0.0 {
        for x in &mut v {
            *x /= acc;
        }
    }
    v
}

fn sample_cdf(rng: &mut Rng8, cdf: &[f64]) -> usize {
    let u: f64 = rng.random();
    cdf.partition_point(|&c| c < u)
        .min(cdf.len().saturating_sub(1))
}

/// Index drawn with the given integer weights.
pub(crate) fn weighted<R: Rng + ?Sized>(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut x = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Uniform element of a non-empty slice, `None` when empty.
pub(crate) fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, s: &'a [T]) -> Option<&'a T> {
    if s.is_empty() {
        None
    } else {
        s.get(rng.random_range(0..s.len()))
    }
}

/// Random integer in `[lo, hi]`, tolerating `hi < lo` (returns `lo`), which
/// keeps tiny test worlds from panicking on empty ranges.
pub(crate) fn span<R: Rng + ?Sized>(rng: &mut R, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// The median of `v` (the mean of the middle two when their number is
/// even), 0 when empty: the `odd_volume` episodes' usual day of a user.
pub(crate) fn median(mut v: Vec<u32>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        f64::from(v[n / 2])
    } else {
        (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0
    }
}

struct PersonSpec {
    role: Role,
    age: (i64, i64),
    last: Option<String>,
    first: Option<String>,
    addr: Option<Address>,
    protected: bool,
}

impl Builder<'_> {
    fn surname(&mut self) -> String {
        let i = sample_cdf(self.rng, &self.surname_cdf);
        SURNAMES.get(i).copied().unwrap_or("Smith").to_string()
    }

    fn first_name(&mut self) -> String {
        let i = sample_cdf(self.rng, &self.first_cdf);
        FIRST_NAMES.get(i).map_or("Mary", |f| f.0).to_string()
    }

    fn pid(&mut self) -> String {
        loop {
            let p = format!("P{:08}", self.rng.random_range(10_000_000u32..100_000_000));
            if self.uniq.pids.insert(p.clone()) {
                return p;
            }
        }
    }

    fn plate(&mut self) -> String {
        const L: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
        fn letter(rng: &mut Rng8) -> char {
            char::from(L[rng.random_range(0..L.len())])
        }
        loop {
            let r = &mut *self.rng;
            let p = match weighted(r, &[50, 30, 20]) {
                0 => {
                    let (a, b, c) = (letter(r), letter(r), letter(r));
                    format!("{a}{b}{c}{:04}", r.random_range(0..10_000))
                }
                1 => {
                    let (a, b, c) = (letter(r), letter(r), letter(r));
                    let d = r.random_range(1..10);
                    format!("{d}{a}{b}{c}{:03}", r.random_range(0..1000))
                }
                _ => {
                    let (a, b, c, d) = (letter(r), letter(r), letter(r), letter(r));
                    format!("{a}{b}{:03}{c}{d}", r.random_range(0..1000))
                }
            };
            if self.uniq.plates.insert(p.clone()) {
                return p;
            }
        }
    }

    fn phone(&mut self) -> u32 {
        loop {
            let p = self.rng.random_range(10u32..20) * 10_000 + self.rng.random_range(0..10_000);
            if self.uniq.phones.insert(p) {
                return p;
            }
        }
    }

    fn address(&mut self) -> Address {
        loop {
            let stem = STREET_STEMS[self.rng.random_range(0..STREET_STEMS.len())];
            let end = STREET_ENDS[self.rng.random_range(0..STREET_ENDS.len())];
            let street = format!("{stem}{end}");
            let number = self.rng.random_range(10..9900);
            if self.uniq.addrs.insert((number, street.clone())) {
                let kind = self.rng.random_range(0..STREET_TYPES.len());
                let apt = self
                    .rng
                    .random_bool(0.25)
                    .then(|| self.rng.random_range(1..60));
                return Address {
                    number,
                    street,
                    kind,
                    apt,
                };
            }
        }
    }

    fn dob(&mut self, age: (i64, i64), protected: bool) -> Day {
        loop {
            let years = span(self.rng, age.0, age.1);
            let d = self.start - years * 365 - self.rng.random_range(0..365);
            if protected {
                self.uniq.prot_dobs.insert(d);
                return d;
            }
            if !self.uniq.prot_dobs.contains(&d) {
                return d;
            }
        }
    }

    fn person(&mut self, spec: PersonSpec) -> u32 {
        let mut last = spec.last.clone().unwrap_or_else(|| self.surname());
        let mut first = spec.first.clone().unwrap_or_else(|| self.first_name());
        if spec.protected {
            // Protected names must be distinct so that a name-only search
            // points at one protected person at most.
            let mut tries = 0;
            while self
                .uniq
                .prot_names
                .contains(&(name_key(&last), name_key(&first)))
            {
                tries += 1;
                first = self.first_name();
                // A forced surname (a spouse taking the employee's name) can
                // run out of free first names in a big world; then give up
                // the shared surname rather than loop.
                if tries > 40 && (spec.last.is_none() || tries > 300) {
                    last = self.surname();
                }
            }
            self.uniq
                .prot_names
                .insert((name_key(&last), name_key(&first)));
        }
        let nick = self.nick_keys.get(&name_key(&first)).copied();
        // Half the records with accents store them folded, as many systems do.
        if self.rng.random_bool(0.5) && !(last.is_ascii() && first.is_ascii()) {
            last = fold_accents(&last);
            first = fold_accents(&first);
        }
        let middle = self
            .rng
            .random_bool(0.7)
            .then(|| char::from(b'A' + self.rng.random_range(0..26u8)));
        let dob = self.dob(spec.age, spec.protected);
        let addr = match spec.addr {
            Some(a) => a,
            None => self.address(),
        };
        let pid = self.pid();
        let phone = self.phone();
        let plate = self.plate();
        let idx = self.persons.len() as u32;
        self.persons.push(Person {
            pid,
            last,
            first,
            nick,
            middle,
            dob,
            addr,
            phone,
            plate,
            role: spec.role,
        });
        idx
    }
}

/// Sizes a world is built with.
pub(crate) struct WorldSpec {
    pub seed_users: usize,
    pub start: Day,
    pub days: u32,
}

/// The last site is the state training academy, about 700 km from the
/// others: nobody is based there, but a login used there shortly after (or
/// before) use at home is impossible travel.
const SITES: [(&str, f64, f64); 6] = [
    ("HQ", 0.0, 0.0),
    ("NORTH", 0.061, 0.012),
    ("SOUTH", -0.068, -0.021),
    ("EAST", 0.009, 0.094),
    ("WEST", -0.012, -0.083),
    ("ACADEMY", 1.52, 8.05),
];
const FAR_SITE: u32 = 5;
const VPN_CLIENTS: u32 = 12;
const CENTER: (f64, f64) = (40.4413, -86.9127);

pub(crate) fn build(rng: &mut Rng8, spec: &WorldSpec) -> World {
    let start = spec.start;
    let end = start + i64::from(spec.days.max(1)) - 1;
    let n = spec.seed_users;
    let mut b = Builder {
        rng,
        start,
        uniq: Uniq::default(),
        persons: Vec::new(),
        surname_cdf: cdf((0..SURNAMES.len()).map(|r| 1.0 / ((r + 1) as f64).powf(0.9))),
        first_cdf: cdf(FIRST_NAMES.iter().map(|f| f64::from(f.1))),
        nick_keys: nickname_table(),
    };

    let sites: Vec<Site> = SITES
        .iter()
        .map(|&(name, dlat, dlon)| Site {
            name,
            lat: CENTER.0 + dlat,
            lon: CENTER.1 + dlon,
        })
        .collect();

    // --- employees, unit by unit -------------------------------------------
    let mut counts: Vec<usize> = Unit::ALL
        .iter()
        .map(|u| ((n as f64 * u.share()).round() as usize).max(2))
        .collect();
    let total: usize = counts.iter().sum();
    if total > n {
        counts[0] = counts[0].saturating_sub(total - n).max(2);
    } else {
        counts[0] += n - total;
    }
    let mut employees: Vec<Employee> = Vec::new();
    let mut emp_ids = HashSet::new();
    for (ui, &unit) in Unit::ALL.iter().enumerate() {
        let size = counts[ui];
        let first_idx = employees.len() as u32;
        let n_sgt = size
            .div_ceil(7)
            .saturating_sub(1)
            .min(size.saturating_sub(1));
        for k in 0..size {
            let emp_idx = employees.len() as u32;
            let person = b.person(PersonSpec {
                role: Role::Employee(emp_idx),
                age: (22, 62),
                last: None,
                first: None,
                addr: None,
                protected: true,
            });
            let supervisor = if k == 0 {
                None
            } else if k <= n_sgt {
                Some(first_idx)
            } else if n_sgt > 0 {
                Some(first_idx + 1 + b.rng.random_range(0..n_sgt as u32))
            } else {
                Some(first_idx)
            };
            let site = match unit {
                Unit::Patrol | Unit::Traffic => b.rng.random_range(1..5),
                Unit::Detectives if b.rng.random_bool(0.3) => b.rng.random_range(1..5),
                _ => 0,
            };
            let emp_id = loop {
                let id = format!("E{:05}", b.rng.random_range(10_000..100_000));
                if emp_ids.insert(id.clone()) {
                    break id;
                }
            };
            let night_p = match unit {
                Unit::Patrol => 0.2,
                Unit::Dispatch => 0.3,
                Unit::Traffic => 0.05,
                _ => 0.0,
            };
            let night = b.rng.random_bool(night_p);
            let (status, end_day) = if k > 0 && b.rng.random_bool(0.05) {
                let st = if b.rng.random_bool(0.6) {
                    Status::Leave
                } else {
                    Status::Terminated
                };
                let d = if b.rng.random_bool(0.25) {
                    start - span(b.rng, 5, 90)
                } else {
                    start + span(b.rng, 3, i64::from(spec.days) - 4)
                };
                (st, Some(d))
            } else {
                (Status::Active, None)
            };
            let local_ts = b.rng.random_bool(0.12);
            let activity = 0.5 + b.rng.random::<f64>() * 1.3;
            employees.push(Employee {
                emp_id,
                person,
                unit,
                supervisor,
                site,
                status,
                end: end_day,
                logins: Vec::new(),
                night,
                local_ts,
                activity,
                pattern: Pattern::Regular,
                joined: None,
                household: false,
                desk: 0,
            });
        }
    }

    // --- logins ---------------------------------------------------------------
    let mut logins: Vec<Login> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (ei, e) in employees.iter_mut().enumerate() {
        let p = &b.persons[e.person as usize];
        let last: String = name_key(&p.last).to_ascii_lowercase();
        let first: String = name_key(&p.first).to_ascii_lowercase();
        let fi = first.chars().next().unwrap_or('x');
        let mut cands = vec![format!("{fi}{last}")];
        if let Some(m) = p.middle {
            cands.push(format!("{fi}{}{last}", m.to_ascii_lowercase()));
        }
        cands.push(format!(
            "{}{last}",
            first.chars().take(2).collect::<String>()
        ));
        cands.push(format!("{first}.{last}"));
        let base = cands
            .into_iter()
            .find(|c| !taken.contains(c))
            .unwrap_or_else(|| format!("{fi}{last}{}", &e.emp_id[3..]));
        taken.insert(base.clone());
        e.logins.push(logins.len() as u32);
        logins.push(Login {
            name: base.clone(),
            emp: ei as u32,
            primary: true,
        });
        if b.rng.random_bool(0.05) {
            let second = [format!("{base}2"), format!("{base}_adm")]
                .into_iter()
                .find(|c| !taken.contains(c));
            if let Some(s) = second {
                taken.insert(s.clone());
                e.logins.push(logins.len() as u32);
                logins.push(Login {
                    name: s,
                    emp: ei as u32,
                    primary: false,
                });
            }
        }
    }

    // --- sites and clients -----------------------------------------------------
    let mut staff = vec![0usize; sites.len()];
    for e in &employees {
        staff[e.site as usize] += 1;
    }
    let mut clients: Vec<Client> = Vec::new();
    let mut site_clients: Vec<Vec<u32>> = vec![Vec::new(); sites.len()];
    for (si, s) in sites.iter().enumerate() {
        let nc = (staff[si] * 2 / 5 + 1).max(3);
        for k in 0..nc {
            site_clients[si].push(clients.len() as u32);
            clients.push(Client {
                name: format!("WS-{}-{:03}", s.name, k + 1),
                site: Some(si as u32),
                coords: Some((
                    s.lat + (b.rng.random::<f64>() - 0.5) * 0.004,
                    s.lon + (b.rng.random::<f64>() - 0.5) * 0.004,
                )),
                ip: format!("10.{}.{}.{}", si + 1, k / 200, k % 200 + 20),
            });
        }
    }
    for e in &mut employees {
        let list = &site_clients[e.site as usize];
        e.desk = list[b.rng.random_range(0..list.len())];
    }
    let mut vpn_clients = Vec::new();
    for k in 0..VPN_CLIENTS {
        vpn_clients.push(clients.len() as u32);
        clients.push(Client {
            name: format!("VPN-{:04}", k + 1),
            site: None,
            coords: None,
            ip: format!("172.20.0.{}", k + 10),
        });
    }

    // --- associations ---------------------------------------------------------
    let mut assocs: Vec<Association> = Vec::new();
    for (ei, e) in employees.iter().enumerate() {
        let count = weighted(b.rng, &[20, 30, 25, 15, 10]);
        let emp_person = e.person as usize;
        let emp_dob = b.persons[emp_person].dob;
        let emp_age = (start - emp_dob) / 365;
        let emp_last = b.persons[emp_person].last.clone();
        let emp_addr = b.persons[emp_person].addr.clone();
        let mut have_couple = false;
        let mut have_pp = false;
        for _ in 0..count {
            let mut rel = RELATIONS[weighted(b.rng, &[18, 10, 18, 24, 12, 12, 6])];
            if (rel == "spouse" || rel == "partner") && have_couple {
                rel = "family";
            }
            if rel == "protected_party" && have_pp {
                rel = "neighbor";
            }
            have_couple |= rel == "spouse" || rel == "partner";
            have_pp |= rel == "protected_party";
            // Validity: mostly current, some expired, a few not yet started.
            let v = weighted(b.rng, &[70, 15, 5, 10]);
            let (valid_from, valid_to) = match v {
                0 => (
                    b.rng
                        .random_bool(0.6)
                        .then(|| start - span(b.rng, 30, 3000)),
                    None,
                ),
                1 => {
                    let to = if b.rng.random_bool(0.8) || spec.days < 8 {
                        start - span(b.rng, 10, 700)
                    } else {
                        start + span(b.rng, 2, i64::from(spec.days) - 5)
                    };
                    (Some(to - span(b.rng, 100, 3000)), Some(to))
                }
                2 => (
                    Some(start + span(b.rng, 3, i64::from(spec.days) + 20)),
                    None,
                ),
                _ => (
                    Some(start - span(b.rng, 30, 2000)),
                    Some(end + span(b.rng, 5, 400)),
                ),
            };
            let current = v == 0 || v == 3;
            let shares = current
                && match rel {
                    "spouse" => b.rng.random_bool(0.8),
                    "partner" => b.rng.random_bool(0.4),
                    "family" => b.rng.random_bool(0.35),
                    _ => false,
                };
            let same_last = match rel {
                "spouse" => b.rng.random_bool(0.6),
                "family" => b.rng.random_bool(0.75),
                "ex_partner" => b.rng.random_bool(0.2),
                _ => false,
            };
            let age = match rel {
                "spouse" | "partner" | "ex_partner" => ((emp_age - 8).max(19), emp_age + 8),
                "family" => match weighted(b.rng, &[35, 35, 30]) {
                    0 => (emp_age + 22, emp_age + 35),
                    1 => ((emp_age - 35).max(16), (emp_age - 18).max(17)),
                    _ => ((emp_age - 6).max(18), emp_age + 6),
                },
                _ => (20, 80),
            };
            let source = match rel {
                "protected_party" => "PROTECTIVE_ORDER",
                "ex_partner" if b.rng.random_bool(0.4) => "COURT_RECORD",
                "neighbor" => "SELF_REPORTED",
                "associate" => {
                    if b.rng.random_bool(0.5) {
                        "IA_FILE"
                    } else {
                        "SELF_REPORTED"
                    }
                }
                _ => "HR_DISCLOSURE",
            };
            let ai = assocs.len() as u32;
            let person = b.person(PersonSpec {
                role: Role::Associate(ai),
                age,
                last: same_last.then(|| emp_last.clone()),
                first: None,
                addr: shares.then(|| emp_addr.clone()),
                protected: true,
            });
            assocs.push(Association {
                emp: ei as u32,
                relation: rel,
                person,
                valid_from,
                valid_to,
                source,
                shares_address: shares,
            });
        }
    }

    // --- watchlist ---------------------------------------------------------
    let mut watch: Vec<WatchEntry> = Vec::new();
    for (ci, &count) in [9usize, 8, 6, 7].iter().enumerate() {
        for _ in 0..count {
            let wi = watch.len() as u32;
            let age = if CATEGORIES[ci] == "victim" {
                (16, 70)
            } else {
                (28, 75)
            };
            let person = b.person(PersonSpec {
                role: Role::Watch(wi),
                age,
                last: None,
                first: None,
                addr: None,
                protected: true,
            });
            watch.push(WatchEntry {
                person,
                category: CATEGORIES[ci],
            });
        }
    }

    // --- citizens ----------------------------------------------------------
    let mut citizens: Vec<u32> = Vec::new();
    let mut namesakes: Vec<u32> = Vec::new();
    let n_namesakes = (employees.len() / 8).max(2);
    let mut order: Vec<usize> = (0..employees.len()).collect();
    rand::seq::SliceRandom::shuffle(order.as_mut_slice(), b.rng);
    for &ei in order.iter().take(n_namesakes) {
        let ep = &b.persons[employees[ei].person as usize];
        // The namesake shares the formal name (accents may differ) but
        // nothing else, so only a name-only match could confuse them.
        let (last, first) = (ep.last.clone(), ep.first.clone());
        let p = b.person(PersonSpec {
            role: Role::Citizen,
            age: (18, 80),
            last: Some(last),
            first: Some(first),
            addr: None,
            protected: false,
        });
        citizens.push(p);
        namesakes.push(p);
    }
    for _ in 0..n * 20 {
        let p = b.person(PersonSpec {
            role: Role::Citizen,
            age: (16, 85),
            last: None,
            first: None,
            addr: None,
            protected: false,
        });
        citizens.push(p);
    }

    // --- cases --------------------------------------------------------------
    let mut cases: Vec<Case> = Vec::new();
    let mut assigns: Vec<Assignment> = Vec::new();
    let mut counters: HashMap<&'static str, u32> = HashMap::new();
    let days = i64::from(spec.days);
    let mut ongoing: Vec<u32> = Vec::new();
    let unit_logins = |u: Unit, emps: &[Employee], logins: &[Login]| -> Vec<u32> {
        logins
            .iter()
            .enumerate()
            .filter(|(_, l)| l.primary && emps[l.emp as usize].unit == u)
            .map(|(i, _)| i as u32)
            .collect()
    };
    let by_unit: Vec<Vec<u32>> = Unit::ALL
        .iter()
        .map(|&u| unit_logins(u, &employees, &logins))
        .collect();

    let mut new_case = |rng: &mut Rng8,
                        cases: &mut Vec<Case>,
                        unit: Unit,
                        opened: Day,
                        closed: Option<Day>|
     -> u32 {
        let prefix = unit.case_prefix();
        let counter = counters
            .entry(prefix)
            .or_insert_with(|| rng.random_range(1000..4000));
        *counter += rng.random_range(1..8);
        let (year, _, _) = civil(opened);
        let id = if unit == Unit::InternalAffairs {
            format!("{prefix}-{:02}-{:04}", year % 100, counter)
        } else {
            format!("{prefix}-{:02}-{:05}", year % 100, counter)
        };
        cases.push(Case {
            id,
            opened,
            closed: closed.filter(|&c| c <= end),
            unit,
            subjects: Vec::new(),
            assigns: Vec::new(),
        });
        (cases.len() - 1) as u32
    };
    let assign = |cases: &mut Vec<Case>,
                  assigns: &mut Vec<Assignment>,
                  case: u32,
                  login: u32,
                  from: Day,
                  to: Option<Day>| {
        cases[case as usize].assigns.push(assigns.len() as u32);
        assigns.push(Assignment {
            case,
            login,
            from,
            to,
        });
    };

    for (li, l) in logins.iter().enumerate() {
        let e = &employees[l.emp as usize];
        if !l.primary || e.unit == Unit::InternalAffairs {
            continue;
        }
        if e.end.is_some_and(|d| d < start + 2) {
            continue;
        }
        let li = li as u32;
        let mut mine: Vec<u32> = Vec::new();
        let n_ongoing = if matches!(e.unit, Unit::Records | Unit::Dispatch) {
            2
        } else {
            3
        };
        for _ in 0..n_ongoing {
            let opened = start - span(b.rng, 3, 400);
            let c = new_case(b.rng, &mut cases, e.unit, opened, None);
            let to =
                (days >= 8 && b.rng.random_bool(0.1)).then(|| start + span(b.rng, 2, days - 3));
            assign(&mut cases, &mut assigns, c, li, opened, to);
            if to.is_none() {
                ongoing.push(c);
            }
            mine.push(c);
        }
        if days >= 6 {
            let opened = start - span(b.rng, 10, 300);
            let closed = start + span(b.rng, 2, days - 3);
            let c = new_case(b.rng, &mut cases, e.unit, opened, Some(closed));
            assign(&mut cases, &mut assigns, c, li, opened, None);
            mine.push(c);
            let opened = start + span(b.rng, 2, days - 3);
            let c = new_case(b.rng, &mut cases, e.unit, opened, None);
            assign(&mut cases, &mut assigns, c, li, opened, None);
            mine.push(c);
        }
        for _ in 0..2 {
            let opened = start - span(b.rng, 300, 900);
            let closed = (opened + span(b.rng, 20, 290)).min(start - 3);
            let c = new_case(b.rng, &mut cases, e.unit, opened, Some(closed));
            assign(&mut cases, &mut assigns, c, li, opened, Some(closed));
            mine.push(c);
        }
        // Colleagues from the same unit join some cases.
        let peers: Vec<u32> = by_unit[Unit::ALL.iter().position(|&u| u == e.unit).unwrap_or(0)]
            .iter()
            .copied()
            .filter(|&p| p != li)
            .collect();
        for &c in &mine {
            let extra = weighted(b.rng, &[55, 35, 10]);
            for _ in 0..extra {
                let Some(&peer) = pick(b.rng, &peers) else {
                    break;
                };
                let case = &cases[c as usize];
                if case
                    .assigns
                    .iter()
                    .any(|&a| assigns[a as usize].login == peer)
                {
                    continue;
                }
                let from = case.opened + span(b.rng, 0, 25);
                let to = case
                    .closed
                    .or_else(|| b.rng.random_bool(0.15).then(|| from + span(b.rng, 10, 120)));
                assign(&mut cases, &mut assigns, c, peer, from, to);
            }
        }
        for &c in &mine {
            let k = 1 + weighted(b.rng, &[35, 35, 20, 10]);
            for _ in 0..k {
                let Some(&s) = pick(b.rng, &citizens[namesakes.len()..]) else {
                    break;
                };
                let subj = &mut cases[c as usize].subjects;
                if !subj.contains(&s) {
                    subj.push(s);
                }
            }
        }
    }

    // Internal-affairs cases: their subjects are employees.
    let ia_unit = Unit::ALL
        .iter()
        .position(|&u| u == Unit::InternalAffairs)
        .unwrap_or(6);
    let ia_logins = by_unit[ia_unit].clone();
    let non_ia: Vec<u32> = (0..employees.len() as u32)
        .filter(|&e| employees[e as usize].unit != Unit::InternalAffairs)
        .collect();
    for &li in &ia_logins {
        let e = &employees[logins[li as usize].emp as usize];
        if e.end.is_some_and(|d| d < start + 2) {
            continue;
        }
        for k in 0..3 {
            let opened = start - span(b.rng, 10, 250);
            let closed = (k == 2 && days >= 6).then(|| start + span(b.rng, 2, days - 3));
            let c = new_case(b.rng, &mut cases, Unit::InternalAffairs, opened, closed);
            assign(&mut cases, &mut assigns, c, li, opened, None);
            if b.rng.random_bool(0.3) {
                if let Some(&peer) = pick(b.rng, &ia_logins) {
                    if peer != li {
                        assign(
                            &mut cases,
                            &mut assigns,
                            c,
                            peer,
                            opened + span(b.rng, 0, 10),
                            None,
                        );
                    }
                }
            }
            for _ in 0..1 + weighted(b.rng, &[60, 40]) {
                if let Some(&te) = pick(b.rng, &non_ia) {
                    let p = employees[te as usize].person;
                    if !cases[c as usize].subjects.contains(&p) {
                        cases[c as usize].subjects.push(p);
                    }
                }
            }
            if b.rng.random_bool(0.5) {
                if let Some(&s) = pick(b.rng, &citizens[namesakes.len()..]) {
                    cases[c as usize].subjects.push(s);
                }
            }
        }
    }

    // Cases that stay open and staffed all window long.
    let steady: Vec<u32> = ongoing
        .iter()
        .copied()
        .filter(|&c| {
            let case = &cases[c as usize];
            case.opened < start - 2
                && case.closed.is_none()
                && case.assigns.iter().any(|&a| {
                    let a = &assigns[a as usize];
                    a.from < start - 2 && a.to.is_none()
                })
        })
        .collect();
    let steady_det: Vec<u32> = steady
        .iter()
        .copied()
        .filter(|&c| cases[c as usize].unit == Unit::Detectives)
        .collect();
    // Namesakes of employees turn up as real case subjects too.
    for &ns in &namesakes {
        if b.rng.random_bool(0.6) {
            if let Some(&c) = pick(b.rng, &steady) {
                cases[c as usize].subjects.push(ns);
            }
        }
    }
    // Crime victims in the news are subjects of a detectives' case.
    for w in &watch {
        if w.category == "victim" {
            let pool = if steady_det.is_empty() {
                &steady
            } else {
                &steady_det
            };
            if let Some(&c) = pick(b.rng, pool) {
                cases[c as usize].subjects.push(w.person);
            }
        }
    }

    work_patterns(
        b.rng,
        &mut employees,
        &logins,
        &mut cases,
        &assigns,
        &citizens[namesakes.len()..],
        start,
        days,
    );

    let persons = b.persons;
    let mut household = vec![false; employees.len()];
    for a in &assocs {
        if a.shares_address {
            household[a.emp as usize] = true;
        }
    }
    for (e, h) in employees.iter_mut().zip(household) {
        e.household = h;
    }
    let prot: HashSet<(String, String)> = b.uniq.prot_names;
    let name_clash: Vec<bool> = persons
        .iter()
        .map(|p| p.role == Role::Citizen && prot.contains(&(name_key(&p.last), name_key(&p.first))))
        .collect();
    let mut case_by_id = HashMap::new();
    let mut cases_of_person = vec![Vec::new(); persons.len()];
    for (ci, c) in cases.iter().enumerate() {
        case_by_id.insert(c.id.clone(), ci as u32);
        for &s in &c.subjects {
            cases_of_person[s as usize].push(ci as u32);
        }
    }
    let mut assigns_of_login = vec![Vec::new(); logins.len()];
    for (ai, a) in assigns.iter().enumerate() {
        assigns_of_login[a.login as usize].push(ai as u32);
    }
    World {
        start,
        end,
        persons,
        employees,
        logins,
        assocs,
        watch,
        cases,
        assigns,
        sites,
        clients,
        site_clients,
        vpn_clients,
        far_site: FAR_SITE,
        citizens,
        name_clash,
        namesakes,
        case_by_id,
        cases_of_person,
        assigns_of_login,
    }
}

/// Share of staff who are crime or records analysts (4-6x everyone's
/// volume every day): enough of them that a "top volume" rule or a unit
/// peer comparison meets them.
const ANALYST_SHARE: f64 = 0.04;
/// Analyst volume relative to the mean regular activity (1.15).
const ANALYST_VOLUME: (f64, f64) = (4.0, 6.0);
/// Share of the records unit who are clerks with routine bulk exports.
const CLERK_SHARE: f64 = 0.2;
/// Share of staff who join partway through the window (new accounts with no
/// history, judged against their peers).
const JOINER_SHARE: f64 = 0.03;

/// Draws analysts, records clerks and late joiners. Runs after everything
/// else in [`build`], so the rest of the world is drawn as it was before
/// these patterns existed.
/// Analysts' open cases get extra subjects: an analyst's volume is case
/// work on many people, not the same three subjects a hundred times a day.
#[allow(clippy::too_many_arguments)]
fn work_patterns(
    rng: &mut Rng8,
    employees: &mut [Employee],
    logins: &[Login],
    cases: &mut [Case],
    assigns: &[Assignment],
    ordinary: &[u32],
    start: Day,
    days: i64,
) {
    let n = employees.len();
    let steady = |e: &Employee| e.status == Status::Active && !e.night;
    let of_unit = |unit: Unit, rng: &mut Rng8, emps: &[Employee]| -> Vec<u32> {
        let mut v: Vec<u32> = (0..emps.len() as u32)
            .filter(|&i| emps[i as usize].unit == unit && steady(&emps[i as usize]))
            .collect();
        rand::seq::SliceRandom::shuffle(v.as_mut_slice(), rng);
        v
    };
    let records = of_unit(Unit::Records, rng, employees);
    let detectives = of_unit(Unit::Detectives, rng, employees);
    let n_analysts = ((n as f64 * ANALYST_SHARE).round() as usize).max(1);
    // About half from records (at most 40 % of it), the rest detectives'
    // crime analysts.
    let from_records = n_analysts
        .div_ceil(2)
        .min(records.len() * 2 / 5)
        .min(records.len());
    let analysts: Vec<u32> = records
        .iter()
        .take(from_records)
        .chain(detectives.iter().take(n_analysts - from_records))
        .copied()
        .collect();
    for &a in &analysts {
        let e = &mut employees[a as usize];
        e.pattern = Pattern::Analyst;
        e.activity = 1.15 * rng.random_range(ANALYST_VOLUME.0..ANALYST_VOLUME.1);
    }
    let n_clerks = ((records.len() as f64 * CLERK_SHARE).round() as usize).max(1);
    for &c in records.iter().skip(from_records).take(n_clerks) {
        employees[c as usize].pattern = Pattern::Clerk;
    }
    if days >= 5 {
        let mut rest: Vec<u32> = (0..n as u32)
            .filter(|&i| {
                let e = &employees[i as usize];
                e.pattern == Pattern::Regular && e.status == Status::Active
            })
            .collect();
        rand::seq::SliceRandom::shuffle(rest.as_mut_slice(), rng);
        let k = ((n as f64 * JOINER_SHARE).round() as usize).max(1);
        for &j in rest.iter().take(k) {
            employees[j as usize].joined = Some(start + span(rng, days / 5, days - days / 4));
        }
    }
    for c in cases.iter_mut() {
        let analyst_case = c.closed.is_none()
            && c.assigns.iter().any(|&a| {
                let a = &assigns[a as usize];
                a.to.is_none()
                    && employees[logins[a.login as usize].emp as usize].pattern == Pattern::Analyst
            });
        if analyst_case {
            for _ in 0..span(rng, 8, 20) {
                if let Some(&s) = pick(rng, ordinary) {
                    if !c.subjects.contains(&s) {
                        c.subjects.push(s);
                    }
                }
            }
        }
    }
}

/// Rows of each reference file, in the contract's column order.
pub(crate) struct RefTables {
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

pub(crate) fn ref_tables(w: &World) -> Vec<RefTables> {
    let mut personnel = Vec::new();
    for l in &w.logins {
        let e = &w.employees[l.emp as usize];
        let p = &w.persons[e.person as usize];
        personnel.push(
            [
                vec![l.name.clone(), e.emp_id.clone()],
                p.id_columns().to_vec(),
                vec![
                    e.unit.name().to_string(),
                    e.supervisor
                        .map(|s| w.employees[s as usize].emp_id.clone())
                        .unwrap_or_default(),
                    w.sites[e.site as usize].name.to_string(),
                    e.status.name().to_string(),
                    fmt_opt_day(e.end),
                ],
            ]
            .concat(),
        );
    }
    let associations = w
        .assocs
        .iter()
        .map(|a| {
            let p = &w.persons[a.person as usize];
            [
                vec![
                    w.employees[a.emp as usize].emp_id.clone(),
                    a.relation.to_string(),
                ],
                p.id_columns().to_vec(),
                vec![
                    fmt_opt_day(a.valid_from),
                    fmt_opt_day(a.valid_to),
                    a.source.to_string(),
                ],
            ]
            .concat()
        })
        .collect();
    let cases = w
        .cases
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                if c.closed.is_some() { "closed" } else { "open" }.to_string(),
                fmt_day(c.opened),
                fmt_opt_day(c.closed),
                c.unit.name().to_string(),
            ]
        })
        .collect();
    let assignments = w
        .assigns
        .iter()
        .map(|a| {
            vec![
                w.cases[a.case as usize].id.clone(),
                w.logins[a.login as usize].name.clone(),
                fmt_day(a.from),
                fmt_opt_day(a.to),
            ]
        })
        .collect();
    let mut subjects = Vec::new();
    for c in &w.cases {
        for &s in &c.subjects {
            let p = &w.persons[s as usize];
            // Records systems shout: case files carry upper-case names.
            subjects.push(vec![
                c.id.clone(),
                p.pid.clone(),
                p.last.to_uppercase(),
                p.first.to_uppercase(),
                fmt_day(p.dob),
                p.addr.record().to_uppercase(),
                p.phone_record(),
                p.plate.clone(),
            ]);
        }
    }
    let watchlist = w
        .watch
        .iter()
        .map(|we| {
            let p = &w.persons[we.person as usize];
            vec![
                p.pid.clone(),
                p.last.clone(),
                p.first.clone(),
                fmt_day(p.dob),
                we.category.to_string(),
            ]
        })
        .collect();
    let clients = w
        .clients
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.site
                    .map(|s| w.sites[s as usize].name.to_string())
                    .unwrap_or_default(),
                c.coords.map(|p| format!("{:.5}", p.0)).unwrap_or_default(),
                c.coords.map(|p| format!("{:.5}", p.1)).unwrap_or_default(),
            ]
        })
        .collect();
    vec![
        RefTables {
            name: "personnel.csv",
            header: crate::refs::columns::PERSONNEL,
            rows: personnel,
        },
        RefTables {
            name: "associations.csv",
            header: crate::refs::columns::ASSOCIATIONS,
            rows: associations,
        },
        RefTables {
            name: "cases.csv",
            header: crate::refs::columns::CASES,
            rows: cases,
        },
        RefTables {
            name: "case_assignments.csv",
            header: &["case_id", "user", "from", "to"],
            rows: assignments,
        },
        RefTables {
            name: "case_subjects.csv",
            header: crate::refs::columns::CASE_SUBJECTS,
            rows: subjects,
        },
        RefTables {
            name: "watchlist.csv",
            header: crate::refs::columns::WATCHLIST,
            rows: watchlist,
        },
        RefTables {
            name: "clients.csv",
            header: crate::refs::columns::CLIENTS,
            rows: clients,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn small() -> World {
        let mut rng = Rng8::seed_from_u64(7);
        build(
            &mut rng,
            &WorldSpec {
                seed_users: 300,
                start: 739_007,
                days: 30,
            },
        )
    }

    #[test]
    fn civil_matches_chrono() {
        for d in [1, 700_000, 738_000, 739_007, 740_000] {
            let nd = chrono::NaiveDate::from_num_days_from_ce_opt(d as i32).unwrap();
            assert_eq!(fmt_day(d), nd.format("%Y-%m-%d").to_string());
            use chrono::Datelike;
            assert_eq!(weekday(d), i64::from(nd.weekday().num_days_from_monday()));
        }
    }

    #[test]
    fn no_citizen_collides_with_a_protected_person() {
        let w = small();
        let mut prot_ids = HashSet::new();
        let mut prot_name_dob = HashSet::new();
        let mut prot_dobs = HashSet::new();
        for p in w.persons.iter().filter(|p| p.role != Role::Citizen) {
            prot_ids.insert(p.pid.clone());
            prot_ids.insert(p.plate.clone());
            prot_ids.insert(p.phone_record());
            prot_ids.insert(format!("{}|{}", p.addr.number, p.addr.street));
            prot_name_dob.insert((name_key(&p.last), name_key(&p.first), p.dob));
            prot_dobs.insert(p.dob);
        }
        let mut seen = HashSet::new();
        for &c in &w.citizens {
            let p = &w.persons[c as usize];
            for id in [
                p.pid.clone(),
                p.plate.clone(),
                p.phone_record(),
                format!("{}|{}", p.addr.number, p.addr.street),
            ] {
                assert!(!prot_ids.contains(&id), "citizen shares {id}");
                assert!(seen.insert(id.clone()), "two citizens share {id}");
            }
            assert!(!prot_dobs.contains(&p.dob));
            assert!(!prot_name_dob.contains(&(name_key(&p.last), name_key(&p.first), p.dob)));
        }
        assert!(w.namesakes.len() >= 2);
        for &n in &w.namesakes {
            assert!(w.name_clash[n as usize]);
        }
    }

    #[test]
    fn structure_is_sane() {
        let w = small();
        assert_eq!(w.employees.len(), 300);
        assert!(w.logins.len() > 300);
        let ia = w
            .employees
            .iter()
            .filter(|e| e.unit == Unit::InternalAffairs)
            .count();
        assert!((10..=20).contains(&ia));
        for e in &w.employees {
            if let Some(s) = e.supervisor {
                assert_eq!(w.employees[s as usize].unit, e.unit);
                assert_ne!(w.employees[s as usize].emp_id, e.emp_id);
            }
        }
        for a in &w.assocs {
            assert!(matches!(
                w.persons[a.person as usize].role,
                Role::Associate(_)
            ));
        }
        assert_eq!(w.watch.len(), 30);
        assert!(w.citizens.len() >= 6000);
    }
}
