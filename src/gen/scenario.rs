//! Traffic over the world: shifts, normal case work and traffic stops, and
//! (optionally) injected misuse with its ground-truth labels.
//!
//! Every query is built around an intended target person and handed to
//! [`truth`](super::truth) for its labels, so labels never drift from the
//! documented semantics. Normal traffic is constructed to be label-free;
//! injected episodes are retried until the truth confirms the label they aim
//! for. Nothing here may iterate a hash map into output order.
//!
//! Normal volume varies the way real desks do (see the constants below
//! `SURGE_WINDOW`); the `odd_volume` episodes live in [`volume`].

use super::names::name_key;
use super::render::{self, Carry, NameQ, Typed};
use super::truth::{self, Facts, EXEMPT_PURPOSE};
use super::world::{
    day_of, midnight, pick, span, weekday, weighted, Day, FastRng, Pattern, Person, Role, Status,
    Unit, World, CATEGORIES, LOCAL_OFFSET, RELATIONS,
};
use rand::seq::SliceRandom;
use rand::Rng;

mod volume;

/// One generated log line before it gets its id.
#[derive(Clone, Debug)]
pub(crate) struct Ev {
    pub t: i64,
    pub seq: u32,
    pub login: u32,
    pub action: &'static str,
    /// Some sources leave `action` out; readers default it to `query`.
    pub write_action: bool,
    pub system: &'static str,
    pub session: u64,
    pub client: u32,
    pub case_id: Option<String>,
    /// Write `"case_id": ""` rather than leaving the field out.
    pub case_empty: bool,
    pub purpose: Option<&'static str>,
    pub subject: Option<Typed>,
    pub target: Option<u32>,
    pub result_count: Option<u32>,
    pub query_text: Option<String>,
    pub labels: Vec<(&'static str, &'static str)>,
    pub explained: bool,
    /// Replaced by an injected episode; left out of the output.
    pub dropped: bool,
}

struct Shift {
    login: u32,
    start: i64,
    end: i64,
    client: u32,
    session: u64,
    night: bool,
}

/// A query about to be rendered.
struct Query {
    login: u32,
    shift: u32,
    t: i64,
    action: &'static str,
    system: &'static str,
    ctx: CtxOut,
    target: u32,
    carry: Carry,
    /// Rows returned, when the query is a known wide search or bulk export.
    rows: Option<u32>,
}

impl Query {
    /// A query (not an export, no known row count) of `target` by `login`
    /// on `shift` at `t`.
    fn plain(
        login: u32,
        shift: u32,
        t: i64,
        system: &'static str,
        ctx: CtxOut,
        target: u32,
        carry: Carry,
    ) -> Query {
        Query {
            login,
            shift,
            t,
            action: "query",
            system,
            ctx,
            target,
            carry,
            rows: None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    Missing,
    Exempt,
    Cover,
    Unknown,
    Closed,
    NotAssigned,
}

/// Case and purpose a query is made under.
#[derive(Clone, Debug, Default)]
struct CtxOut {
    case_id: Option<String>,
    case_empty: bool,
    purpose: Option<&'static str>,
    /// A subject the context suggests (the closed or foreign case's subject).
    suggested: Option<u32>,
}

enum Want {
    Has(&'static str, &'static str),
    /// Traps: any `no_case` label is fine, identity labels are not.
    NoIdentity,
}

impl Want {
    fn accepts(&self, labels: &[(&'static str, &'static str)]) -> bool {
        match self {
            Want::Has(d, k) => labels.iter().any(|l| l.0 == *d && l.1 == *k),
            Want::NoIdentity => labels.iter().all(|l| l.0 == "no_case"),
        }
    }
}

pub(crate) const SELF_KINDS: [&str; 6] = [
    "person_id",
    "name_dob",
    "plate",
    "phone",
    "address",
    "name_only",
];

const CASE_PURPOSES: [&str; 4] = [
    "INVESTIGATION",
    "CASE FOLLOW-UP",
    "WARRANT",
    "INVESTIGATION",
];
const LOOSE_PURPOSES: [Option<&str>; 5] = [
    Some("INVESTIGATION"),
    Some("GENERAL INQUIRY"),
    Some("BACKGROUND CHECK"),
    Some("FOLLOW-UP"),
    None,
];

/// Distinct logins, among queries nobody's case explains, that make a burst
/// on one person within [`SURGE_WINDOW`] seconds a `subject_surge`.
pub(crate) const SURGE_USERS: usize = 5;
pub(crate) const SURGE_WINDOW: i64 = 86_400;

// ------------------------------------------------ legitimate volume variation
//
// Every knob below shapes normal (unlabelled) traffic so that a naive volume
// detector meets realistic false alarms, while no background user-day with 40
// or more lookups reaches 3x that user's median day (an `odd_volume/daily_count`
// alert must stay earned).

/// Standard deviation of the log of a worked day's volume multiplier: real
/// daily lookup counts are overdispersed (a Poisson fit is far too tight).
const DAY_SD: f64 = 0.35;
/// Clamp on the multiplier's z-score. The upper bound keeps an ordinary day's
/// expected volume below ~1.8x the user's mean ([`DAY_COUNT_CAP`] bounds the
/// draw itself).
const DAY_Z: (f64, f64) = (-2.5, 1.8);
/// Share of worked days that are overtime: a longer shift with more lookups.
const OVERTIME_P: f64 = 0.03;
/// How much longer an overtime shift is (before the hour clamps in
/// `work_shift`), and how much more volume it carries.
const OVERTIME_LENGTH: f64 = 1.5;
const OVERTIME_VOLUME: f64 = 1.6;
/// Cap on a day's multiplier (log-normal times overtime): a legitimate busy
/// day stays within about twice the user's norm.
const DAY_FACTOR_CAP: f64 = 2.0;
/// Most lookups a user's normal shift may hold, relative to the median of
/// their drawn days: a ceiling on the Poisson draw, because a high
/// multiplier and a lucky draw together would otherwise take some user-days
/// past 3x the user's median (a desk can only do so much). The median of
/// a user's UTC days sits a little lower than that of their shifts (a late
/// shift's last hour can land alone on the next UTC day), and a detector's
/// median over fewer, earlier days wanders, hence 2.4 and not 3.
const DAY_COUNT_CAP: f64 = 2.4;
/// Public holidays per day of window (2-3 in 60 days) and the share of
/// normal volume worked on them.
const HOLIDAYS_PER_DAY: f64 = 1.0 / 24.0;
const HOLIDAY_VOLUME: (f64, f64) = (0.2, 0.4);
/// Chance that a shift contains one short cluster of lookups on one case
/// ("working a case"), its size and length. Sized so that no legitimate
/// 10-minute window gets near 30 lookups even for an analyst.
const CLUSTER_P: f64 = 0.25;
const CLUSTER_SIZE: (i64, i64) = (5, 15);
const CLUSTER_SECS: i64 = 120;
const CLUSTER_MIN_N: usize = 6;
/// Share of lookups with a result count that are wide searches (partial
/// names, a street) returning many rows; keeps the "usual maximum" of every
/// user in the hundreds, not at 1.
const WIDE_SEARCH_P: f64 = 0.01;
const WIDE_SEARCH_ROWS: (u32, u32) = (50, 400);
/// Chance a records clerk's shift holds a bulk case export, and its rows:
/// about 1-2 a week, so a large export by them is their normal.
const CLERK_EXPORT_P: f64 = 0.3;
const CLERK_EXPORT_ROWS: (u32, u32) = (2_000, 20_000);

/// Standard normal deviate (Box-Muller on two uniforms).
fn std_normal(rng: &mut FastRng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Public holidays: distinct weekdays of the window, each with the share
/// of normal volume everyone works that day.
fn pick_holidays(rng: &mut FastRng, start: Day, days: i64) -> Vec<(Day, f64)> {
    let n = (days as f64 * HOLIDAYS_PER_DAY).round() as usize;
    let mut weekdays: Vec<Day> = (start..start + days).filter(|&d| weekday(d) < 5).collect();
    weekdays.shuffle(rng);
    let mut out: Vec<(Day, f64)> = weekdays
        .into_iter()
        .take(n)
        .map(|d| (d, rng.random_range(HOLIDAY_VOLUME.0..HOLIDAY_VOLUME.1)))
        .collect();
    out.sort_by_key(|h| h.0);
    out
}

fn poisson(rng: &mut FastRng, lambda: f64) -> usize {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p: f64 = rng.random();
        while p > limit {
            k += 1;
            p *= rng.random::<f64>();
        }
        k
    } else {
        // Normal approximation.
        let z = std_normal(rng);
        (lambda + lambda.sqrt() * z).round().max(0.0) as usize
    }
}

fn case_purpose(rng: &mut FastRng) -> Option<&'static str> {
    if rng.random_bool(0.1) {
        None
    } else {
        pick(rng, &CASE_PURPOSES).copied()
    }
}

/// Runs `attempt` until it has succeeded `want` times, giving up after
/// `tries_each` attempts per wanted success: episodes are placed by trial.
fn tries_until_made(want: usize, tries_each: usize, mut attempt: impl FnMut() -> bool) {
    let mut made = 0;
    for _ in 0..want * tries_each {
        if made >= want {
            break;
        }
        made += usize::from(attempt());
    }
}

/// The people on the watch list under `category`.
fn watched(w: &World, category: &str) -> Vec<u32> {
    w.watch
        .iter()
        .filter(|we| we.category == category)
        .map(|we| we.person)
        .collect()
}

/// A context citing case `c` that suggests one of its subjects to look up.
fn citing_case(rng: &mut FastRng, w: &World, c: u32) -> CtxOut {
    let case = &w.cases[c as usize];
    CtxOut {
        case_id: Some(case.id.clone()),
        purpose: case_purpose(rng),
        suggested: pick(rng, &case.subjects).copied(),
        ..CtxOut::default()
    }
}

/// Where and with what ordinary work on a citizen searches them: a system
/// of everyday case work and [`case_work_carry`] for it.
fn case_work_search(rng: &mut FastRng, w: &World, target: u32) -> (&'static str, Carry) {
    let system = ["CASEMGMT", "NCIC", "DMV"][weighted(rng, &[35, 30, 35])];
    (system, case_work_carry(rng, w, target, system))
}

/// What ordinary work on a citizen carries: [`normal_carry`], with the date of birth added
/// when it would otherwise be a bare name, which may also fit someone the user has a case for.
pub(crate) fn case_work_carry(rng: &mut FastRng, w: &World, target: u32, system: &str) -> Carry {
    let mut carry = normal_carry(rng, w, target, system);
    if carry.kind() == Some("name_only") {
        carry.dob = true;
    }
    carry
}

/// Identifier mix of everyday searches.
fn normal_carry(rng: &mut FastRng, w: &World, target: u32, system: &str) -> Carry {
    let p = &w.persons[target as usize];
    if system == "LPR" {
        return Carry {
            plate: true,
            ..Carry::NOTHING
        };
    }
    let protected = p.role != Role::Citizen;
    // An employee's address may be shared with their household; searching
    // it would be ambiguous, so such employees are never searched by address.
    let shared_addr = match p.role {
        Role::Employee(e) => w.employees[e as usize].household,
        Role::Associate(a) => w.assocs[a as usize].shares_address,
        _ => false,
    };
    let addr_w = if shared_addr { 0 } else { 1 };
    let mut c = match weighted(rng, &[20, 30, 5 * addr_w, 5, 15, 7, 8 * addr_w, 10]) {
        0 => pid_sometimes_named(rng),
        1 => Carry::name_dob(false, false),
        2 => Carry {
            addr: true,
            ..Carry::name_dob(false, false)
        },
        3 => Carry {
            name: NameQ::Last,
            dob: true,
            ..Carry::NOTHING
        },
        4 => Carry {
            plate: true,
            ..Carry::NOTHING
        },
        5 => Carry {
            phone: true,
            ..Carry::NOTHING
        },
        6 => Carry {
            addr: true,
            ..Carry::NOTHING
        },
        _ => {
            if protected || w.name_clash[target as usize] {
                Carry::name_dob(false, false)
            } else {
                Carry::name_only()
            }
        }
    };
    decorate(rng, &mut c, p, 0.12, 0.08);
    c
}

/// The full name as registered, with probability `p`; otherwise no name.
fn plain_name_sometimes(rng: &mut FastRng, p: f64) -> NameQ {
    if rng.random_bool(p) {
        NameQ::Full {
            nick: false,
            typo: false,
        }
    } else {
        NameQ::None
    }
}

/// A person id, with the full name as registered 30 % of the time.
fn pid_sometimes_named(rng: &mut FastRng) -> Carry {
    Carry {
        pid: true,
        name: plain_name_sometimes(rng, 0.3),
        ..Carry::NOTHING
    }
}

/// Adds a nickname or a typo to a full name, only when something else in
/// the query pins the person down.
fn decorate(rng: &mut FastRng, c: &mut Carry, p: &Person, nick_p: f64, typo_p: f64) {
    if let NameQ::Full { .. } = c.name {
        if c.has_anchor() {
            let nick = p.nick.is_some() && rng.random_bool(nick_p);
            let typo = !nick && rng.random_bool(typo_p);
            c.name = NameQ::Full { nick, typo };
        }
    }
}

/// How a snooping user searches for someone they know.
fn identity_carry(rng: &mut FastRng, p: &Person, allow_addr: bool) -> Carry {
    let mut c = match weighted(rng, &[20, 45, 20, 8, if allow_addr { 7 } else { 0 }]) {
        0 => pid_sometimes_named(rng),
        1 => Carry::name_dob(false, false),
        2 => Carry {
            plate: true,
            ..Carry::NOTHING
        },
        3 => Carry {
            phone: true,
            ..Carry::NOTHING
        },
        _ => Carry {
            addr: true,
            ..Carry::NOTHING
        },
    };
    decorate(rng, &mut c, p, 0.25, 0.15);
    c
}

fn self_carry(rng: &mut FastRng, p: &Person, kind: &str) -> Carry {
    let mut c = match kind {
        "person_id" => Carry {
            pid: true,
            name: plain_name_sometimes(rng, 0.4),
            ..Carry::NOTHING
        },
        "name_dob" => Carry::name_dob(false, false),
        "plate" => Carry {
            plate: true,
            name: plain_name_sometimes(rng, 0.25),
            ..Carry::NOTHING
        },
        "phone" => Carry {
            phone: true,
            name: plain_name_sometimes(rng, 0.2),
            ..Carry::NOTHING
        },
        "address" => Carry {
            addr: true,
            name: plain_name_sometimes(rng, 0.2),
            ..Carry::NOTHING
        },
        _ => Carry::name_only(),
    };
    if kind == "name_dob" {
        decorate(rng, &mut c, p, 0.25, 0.15);
    }
    c
}

fn system_for(rng: &mut FastRng, c: &Carry) -> &'static str {
    let plate_only = c.plate && !c.pid && c.name == NameQ::None && !c.phone && !c.addr;
    if plate_only {
        ["DMV", "LPR", "NCIC"][weighted(rng, &[60, 20, 20])]
    } else if c.pid {
        ["CASEMGMT", "NCIC"][weighted(rng, &[60, 40])]
    } else {
        ["DMV", "NCIC", "CASEMGMT"][weighted(rng, &[40, 35, 25])]
    }
}

/// A case id with one slip of the finger that matches no real case.
fn typo_case_id(rng: &mut FastRng, w: &World, id: &str) -> Option<String> {
    let chars: Vec<char> = id.chars().collect();
    let digits: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_ascii_digit())
        .collect();
    for _ in 0..20 {
        let mut v = chars.clone();
        let &i = pick(rng, &digits)?;
        match weighted(rng, &[40, 35, 25]) {
            0 => {
                if i + 1 < v.len() && v[i + 1].is_ascii_digit() && v[i] != v[i + 1] {
                    v.swap(i, i + 1);
                } else {
                    continue;
                }
            }
            1 => {
                let d = char::from(b'0' + rng.random_range(0..10u8));
                if d == v[i] {
                    continue;
                }
                v[i] = d;
            }
            _ => {
                v.remove(i);
            }
        }
        let s: String = v.into_iter().collect();
        if s != id && !w.case_by_id.contains_key(&s) {
            return Some(s);
        }
    }
    None
}

/// LSD radix sort of u64 keys, 16 bits a pass; the generic sort is the
/// slowest step of finishing a large world in a debug build.
fn radix_sort(keys: &mut Vec<u64>) {
    let mut tmp = vec![0u64; keys.len()];
    let mut counts = vec![0usize; 1 << 16];
    for pass in 0..4 {
        let shift = pass * 16;
        counts.iter_mut().for_each(|c| *c = 0);
        for &k in keys.iter() {
            counts[((k >> shift) & 0xffff) as usize] += 1;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        for &k in keys.iter() {
            let b = ((k >> shift) & 0xffff) as usize;
            tmp[counts[b]] = k;
            counts[b] += 1;
        }
        std::mem::swap(keys, &mut tmp);
    }
}

pub(crate) struct Sim<'w> {
    w: &'w World,
    events: Vec<Ev>,
    shifts: Vec<Shift>,
    shifts_of_login: Vec<Vec<u32>>,
    abusers: Vec<u32>,
    /// Times of lookups per person that no case explains and that were
    /// drawn at random (traffic stops, bulk lookups): kept a day apart so
    /// that chance never piles them up into a `subject_surge`.
    stops: Vec<Vec<i64>>,
    /// Public holidays (local date) and the share of volume worked on them.
    pub(crate) holidays: Vec<(Day, f64)>,
    /// Events before this index are normal traffic.
    normal_end: usize,
    /// Login-days whose every lookup is labelled `odd_volume/daily_count`
    /// in [`Sim::finish`] (which sees lookups added after the episode too).
    volume_days: Vec<(u32, Day)>,
    /// Event indices per login, kept only while volume episodes need it
    /// (scanning every event per question made injection slow).
    of_login: Option<Vec<Vec<u32>>>,
}

impl<'w> Sim<'w> {
    pub(crate) fn new(w: &'w World) -> Self {
        Sim {
            w,
            events: Vec::new(),
            shifts: Vec::new(),
            shifts_of_login: vec![Vec::new(); w.logins.len()],
            abusers: Vec::new(),
            stops: vec![Vec::new(); w.persons.len()],
            holidays: Vec::new(),
            normal_end: 0,
            volume_days: Vec::new(),
            of_login: None,
        }
    }

    fn push(&mut self, mut ev: Ev) {
        ev.seq = self.events.len() as u32;
        if let Some(idx) = &mut self.of_login {
            idx[ev.login as usize].push(ev.seq);
        }
        self.events.push(ev);
    }

    /// Lists `shift` among its login's shifts: normal work, where
    /// injections look for moments to use.
    fn list_shift(&mut self, shift: u32) {
        let login = self.shifts[shift as usize].login;
        self.shifts_of_login[login as usize].push(shift);
    }

    /// A new session of `login`, unlisted: other injections must not reuse
    /// it (someone else at the keyboard, or an account used after it should
    /// have gone quiet) unless [`Sim::list_shift`] lists it.
    fn new_shift(
        &mut self,
        rng: &mut FastRng,
        login: u32,
        start: i64,
        end: i64,
        client: u32,
        night: bool,
    ) -> u32 {
        let idx = self.shifts.len() as u32;
        self.shifts.push(Shift {
            login,
            start,
            end,
            client,
            session: rng.random::<u64>() >> 16,
            night,
        });
        idx
    }

    fn session_event(&mut self, shift: u32, t: i64, action: &'static str) {
        let s = &self.shifts[shift as usize];
        let ev = Ev {
            t,
            seq: 0,
            login: s.login,
            action,
            write_action: true,
            system: "PORTAL",
            session: s.session,
            client: s.client,
            case_id: None,
            case_empty: false,
            purpose: None,
            subject: None,
            target: None,
            result_count: None,
            query_text: None,
            labels: Vec::new(),
            explained: false,
            dropped: false,
        };
        self.push(ev);
    }

    /// Renders a query and attaches its truth; `None` when the truth is
    /// ambiguous under some reading of dates.
    fn build(&self, rng: &mut FastRng, q: Query) -> Option<Ev> {
        let w = self.w;
        let tr = truth::truth(
            w,
            &Facts {
                login: q.login,
                t: q.t,
                action: q.action,
                case_id: q.ctx.case_id.as_deref(),
                purpose: q.ctx.purpose,
                target: Some(q.target),
                carry: &q.carry,
            },
        )?;
        let p = &w.persons[q.target as usize];
        let typed = render::render(rng, p, &q.carry);
        let result_count = match q.rows {
            Some(n) => Some(n),
            None => rng.random_bool(0.4).then(|| {
                if rng.random_bool(WIDE_SEARCH_P) {
                    rng.random_range(WIDE_SEARCH_ROWS.0..=WIDE_SEARCH_ROWS.1)
                } else if q.carry.kind() == Some("name_only") {
                    rng.random_range(1..30)
                } else if q.carry.addr && !q.carry.pid {
                    rng.random_range(1..5)
                } else {
                    1
                }
            }),
        };
        let query_text = rng
            .random_bool(0.25)
            .then(|| render::query_text(q.system, &typed));
        let s = &self.shifts[q.shift as usize];
        Some(Ev {
            t: q.t,
            seq: 0,
            login: q.login,
            action: q.action,
            // A missing action reads as `query`; exports always say so.
            write_action: !rng.random_bool(0.04) || q.action != "query",
            system: q.system,
            session: s.session,
            client: s.client,
            case_id: q.ctx.case_id,
            case_empty: q.ctx.case_empty,
            purpose: q.ctx.purpose,
            subject: Some(typed),
            target: Some(q.target),
            result_count,
            query_text,
            labels: tr.labels,
            explained: tr.explained,
            dropped: false,
        })
    }

    // ---------------------------------------------------------------- normal

    /// Shifts and everyday queries: about `users * days * q_mean` of them.
    ///
    /// Volume varies the way real desks do, so that volume detectors meet
    /// their false alarms: each worked day draws a clamped log-normal
    /// multiplier, some days are overtime, public holidays are quiet,
    /// analysts work at several times everyone's volume, late joiners start
    /// partway, and short clusters of lookups on one case are common.
    pub(crate) fn normal_traffic(
        &mut self,
        rng: &mut FastRng,
        users: usize,
        days: u32,
        q_mean: f64,
    ) {
        let w = self.w;
        self.holidays = pick_holidays(rng, w.start, i64::from(days));
        let mut plans: Vec<(u32, Day, f64, bool)> = Vec::new();
        for (ei, e) in w.employees.iter().enumerate() {
            // Stay two days clear of an end date so no reading of it makes
            // normal work look like use of an inactive account.
            let last = e.end.map(|d| d - 2);
            let (pw, pe) = e.unit.work_odds();
            for k in 0..i64::from(days) {
                let d = w.start + k;
                if last.is_some_and(|l| d > l) {
                    break;
                }
                let weekday = weekday(d) < 5;
                if !rng.random_bool(if weekday { pw } else { pe }) {
                    continue;
                }
                if e.joined.is_some_and(|j| d < j) {
                    continue;
                }
                let holiday = self.holidays.iter().find(|h| h.0 == d).map_or(1.0, |h| h.1);
                let z = std_normal(rng).clamp(DAY_Z.0, DAY_Z.1);
                let mut f = (DAY_SD * z - DAY_SD * DAY_SD / 2.0).exp();
                let overtime = rng.random_bool(OVERTIME_P);
                if overtime {
                    f *= OVERTIME_VOLUME;
                }
                let f = f.min(DAY_FACTOR_CAP);
                let base = if weekday { 1.1 } else { 0.75 };
                plans.push((ei as u32, d, e.activity * base * holiday * f, overtime));
            }
        }
        let total: f64 = plans.iter().map(|p| p.2).sum();
        let k = if total > 0.0 {
            users as f64 * f64::from(days) * q_mean / total
        } else {
            0.0
        };
        let counts: Vec<usize> = plans.iter().map(|p| poisson(rng, k * p.2)).collect();
        // Plans come employee by employee: cap each run at a multiple of its
        // median worked day.
        let mut i = 0;
        while i < plans.len() {
            let ei = plans[i].0;
            let mut j = i;
            while j < plans.len() && plans[j].0 == ei {
                j += 1;
            }
            let mut worked: Vec<usize> = counts[i..j].iter().copied().filter(|&n| n > 0).collect();
            worked.sort_unstable();
            // The lower median: with few days the two middle ones can be far apart.
            let median = worked
                .get(worked.len().saturating_sub(1) / 2)
                .copied()
                .unwrap_or(0);
            let cap = ((DAY_COUNT_CAP * median as f64).floor() as usize).max(3);
            for p in i..j {
                let (_, d, _, overtime) = plans[p];
                self.work_shift(rng, ei, d, counts[p].min(cap), overtime);
            }
            i = j;
        }
        self.normal_end = self.events.len();
    }

    /// One worked day: a shift of `ei`'s primary login with `n` lookups,
    /// perhaps an overtime one.
    fn work_shift(&mut self, rng: &mut FastRng, ei: u32, day: Day, n: usize, overtime: bool) {
        let w = self.w;
        let e = &w.employees[ei as usize];
        let Some(&login) = e.logins.first() else {
            return;
        };
        let local_midnight = midnight(day) - LOCAL_OFFSET;
        let (mut start_h, mut len_h) = if e.night {
            (21.5 + rng.random::<f64>() * 1.5, 8.0 + rng.random::<f64>())
        } else {
            (
                6.5 + rng.random::<f64>() * 3.0,
                8.0 + rng.random::<f64>() * 2.5,
            )
        };
        if overtime {
            // Half as long again, started a little early, but inside the
            // hours normal shifts cover (day 06:00-20:00, night from 20:30
            // to 08:00): a double shift that ran past midnight would put a
            // day worker's lookups into hours their history never saw, which
            // is what `off_hours` is for.
            let (earliest, latest) = if e.night { (20.5, 32.0) } else { (6.0, 20.0) };
            let early = if e.night { 1.0 } else { 0.0 } + rng.random::<f64>();
            start_h = (start_h - early).max(earliest);
            len_h = (len_h * OVERTIME_LENGTH).min(latest - start_h);
        }
        let start = local_midnight + (start_h * 3600.0) as i64;
        let end = start + (len_h * 3600.0) as i64;
        let client = if rng.random_bool(0.95) {
            e.desk
        } else {
            pick(rng, &w.site_clients[e.site as usize])
                .copied()
                .unwrap_or(e.desk)
        };
        // Desk units sometimes work from home over the VPN: no site, no
        // coordinates, so neither location check can fire on it.
        let remote_ok = matches!(
            e.unit,
            Unit::Detectives | Unit::Records | Unit::InternalAffairs | Unit::Narcotics
        );
        let client = if remote_ok && !e.night && rng.random_bool(0.05) {
            pick(rng, &w.vpn_clients).copied().unwrap_or(client)
        } else {
            client
        };
        let shift = self.new_shift(rng, login, start, end, client, e.night);
        self.list_shift(shift);
        if rng.random_bool(0.02) {
            self.session_event(shift, start - span(rng, 20, 120), "login_failed");
        }
        self.session_event(shift, start, "login");
        let live = w.live_cases(login, day_of(start) - 1, day_of(end) + 1);
        // (time, case worked on when it is part of a cluster)
        let mut plan: Vec<(i64, Option<u32>)> = (0..n)
            .map(|_| (span(rng, start + 300, end - 300), None))
            .collect();
        if n >= CLUSTER_MIN_N && !live.is_empty() && rng.random_bool(CLUSTER_P) {
            // Working one case: a handful of lookups within two minutes,
            // taken from the day's volume rather than added to it. The times
            // were drawn independently, so the first few are a random pick.
            let size = span(rng, CLUSTER_SIZE.0, CLUSTER_SIZE.1.min(n as i64)) as usize;
            let t0 = span(rng, start + 300, end - 300 - CLUSTER_SECS);
            let case = pick(rng, &live).copied();
            for p in plan.iter_mut().take(size) {
                *p = (t0 + span(rng, 0, CLUSTER_SECS), case);
            }
        }
        plan.sort_unstable();
        let traffic = e.unit.traffic_share();
        for (t, cluster) in plan {
            let mut ev = None;
            if let Some(c) = cluster {
                ev = self.case_query(rng, shift, t, c, None);
            } else if !live.is_empty() && !rng.random_bool(traffic) {
                if let Some(&c) = pick(rng, &live) {
                    ev = self.case_query(rng, shift, t, c, None);
                }
            }
            if ev.is_none() {
                ev = self.traffic_query(rng, shift, t);
            }
            if let Some(ev) = ev {
                self.push(ev);
            }
        }
        // Records clerks export case files routinely, thousands of rows at
        // a time, so a big export by them is ordinary.
        if e.pattern == Pattern::Clerk && !live.is_empty() && rng.random_bool(CLERK_EXPORT_P) {
            let t = span(rng, start + 600, end - 600);
            let rows = rng.random_range(CLERK_EXPORT_ROWS.0..=CLERK_EXPORT_ROWS.1);
            if let Some(&c) = pick(rng, &live) {
                if let Some(ev) = self.case_query(rng, shift, t, c, Some(rows)) {
                    self.push(ev);
                }
            }
        }
        if rng.random_bool(0.92) {
            self.session_event(shift, end, "logout");
        }
        // A second login (a DMV terminal account, say) runs a few plates.
        if let Some(&second) = e.logins.get(1) {
            if rng.random_bool(0.3) {
                let s2 = span(rng, start + 3600, end - 7200);
                let e2 = s2 + span(rng, 1200, 3600);
                let sh2 = self.new_shift(rng, second, s2, e2, client, e.night);
                self.list_shift(sh2);
                self.session_event(sh2, s2, "login");
                for _ in 0..span(rng, 3, 8) {
                    let t = span(rng, s2 + 60, e2 - 60);
                    if let Some(ev) = self.traffic_query(rng, sh2, t) {
                        self.push(ev);
                    }
                }
                self.session_event(sh2, e2, "logout");
            }
        }
    }

    /// A lookup of a subject of `case` made for it; `export_rows` makes it
    /// an export of that many rows.
    fn case_query(
        &self,
        rng: &mut FastRng,
        shift: u32,
        t: i64,
        case: u32,
        export_rows: Option<u32>,
    ) -> Option<Ev> {
        let w = self.w;
        let c = &w.cases[case as usize];
        let &target = pick(rng, &c.subjects)?;
        let system = ["CASEMGMT", "NCIC", "DMV", "LPR"][weighted(rng, &[30, 25, 35, 10])];
        let carry = normal_carry(rng, w, target, system);
        let purpose = if c.unit == Unit::InternalAffairs {
            Some("INTERNAL_INVESTIGATION")
        } else if w.emp_of_login(self.shifts[shift as usize].login).unit == Unit::Records
            && rng.random_bool(0.5)
        {
            Some("RECORDS REQUEST")
        } else {
            case_purpose(rng)
        };
        let action = if rng.random_bool(0.005) || export_rows.is_some() {
            "export"
        } else {
            "query"
        };
        self.build(
            rng,
            Query {
                login: self.shifts[shift as usize].login,
                shift,
                t,
                action,
                system,
                ctx: CtxOut {
                    case_id: Some(c.id.clone()),
                    purpose,
                    ..CtxOut::default()
                },
                target,
                carry,
                rows: export_rows,
            },
        )
    }

    fn traffic_query(&mut self, rng: &mut FastRng, shift: u32, t: i64) -> Option<Ev> {
        let w = self.w;
        // Stops of one driver are a day apart at least: random stops must not
        // pile up into something that looks like a surge of interest.
        let mut target = None;
        for _ in 0..10 {
            let &c = pick(rng, &w.citizens)?;
            if self.stops[c as usize]
                .iter()
                .all(|&s| (s - t).abs() >= SURGE_WINDOW)
            {
                target = Some(c);
                break;
            }
        }
        let target = target?;
        self.stops[target as usize].push(t);
        let system = ["DMV", "NCIC", "LPR"][weighted(rng, &[60, 25, 15])];
        let carry = if system == "LPR" || rng.random_bool(0.85) {
            Carry {
                plate: true,
                ..Carry::NOTHING
            }
        } else {
            let mut c = Carry::name_dob(false, false);
            decorate(rng, &mut c, &w.persons[target as usize], 0.1, 0.05);
            c
        };
        let login = self.shifts[shift as usize].login;
        let cx = CtxOut {
            purpose: Some(EXEMPT_PURPOSE),
            ..CtxOut::default()
        };
        self.build(
            rng,
            Query::plain(login, shift, t, system, cx, target, carry),
        )
    }

    // ------------------------------------------------------------- injection

    fn random_moment(&self, rng: &mut FastRng, login: u32) -> Option<(u32, i64)> {
        let &shift = pick(rng, &self.shifts_of_login[login as usize])?;
        let s = &self.shifts[shift as usize];
        Some((shift, span(rng, s.start + 600, s.end - 600)))
    }

    /// A login for a misuse episode: mostly one of the few habitual abusers,
    /// sometimes anyone, always someone who works in the window.
    fn pick_login(
        &self,
        rng: &mut FastRng,
        pool_share: f64,
        ok: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        if rng.random_bool(pool_share) {
            let c: Vec<u32> = self.abusers.iter().copied().filter(|&l| ok(l)).collect();
            if let Some(&l) = pick(rng, &c) {
                return Some(l);
            }
        }
        let c: Vec<u32> = (0..self.w.logins.len() as u32)
            .filter(|&l| !self.shifts_of_login[l as usize].is_empty() && ok(l))
            .collect();
        pick(rng, &c).copied()
    }

    fn abuse_ctx(&self, rng: &mut FastRng, login: u32) -> Ctx {
        if !self.w.logins[login as usize].primary {
            return if rng.random_bool(0.7) {
                Ctx::Missing
            } else {
                Ctx::Exempt
            };
        }
        [
            Ctx::Missing,
            Ctx::Exempt,
            Ctx::Cover,
            Ctx::Unknown,
            Ctx::Closed,
            Ctx::NotAssigned,
        ][weighted(rng, &[45, 15, 25, 5, 5, 5])]
    }

    fn context(&self, rng: &mut FastRng, login: u32, t: i64, ctx: Ctx) -> Option<CtxOut> {
        let w = self.w;
        let d = day_of(t);
        let mine = || {
            w.assigns_of_login[login as usize]
                .iter()
                .map(|&a| w.assigns[a as usize].case)
        };
        Some(match ctx {
            Ctx::Missing => CtxOut {
                case_empty: rng.random_bool(0.3),
                purpose: pick(rng, &LOOSE_PURPOSES).copied().flatten(),
                ..CtxOut::default()
            },
            Ctx::Exempt => CtxOut {
                purpose: Some(EXEMPT_PURPOSE),
                ..CtxOut::default()
            },
            Ctx::Cover => {
                let live = w.live_cases(login, d - 2, d + 2);
                let &c = pick(rng, &live)?;
                CtxOut {
                    case_id: Some(w.cases[c as usize].id.clone()),
                    purpose: case_purpose(rng),
                    ..CtxOut::default()
                }
            }
            Ctx::Unknown => {
                let all: Vec<u32> = mine().collect();
                let &c = pick(rng, &all)?;
                CtxOut {
                    case_id: Some(typo_case_id(rng, w, &w.cases[c as usize].id)?),
                    purpose: case_purpose(rng),
                    ..CtxOut::default()
                }
            }
            Ctx::Closed => {
                let old: Vec<u32> = mine()
                    .filter(|&c| w.cases[c as usize].closed.is_some_and(|cl| cl < d - 2))
                    .collect();
                let &c = pick(rng, &old)?;
                citing_case(rng, w, c)
            }
            Ctx::NotAssigned => {
                let emp = w.logins[login as usize].emp;
                let unit = w.employees[emp as usize].unit;
                let mut found = None;
                for _ in 0..80 {
                    let c = rng.random_range(0..w.cases.len()) as u32;
                    let case = &w.cases[c as usize];
                    if case.unit == Unit::InternalAffairs
                        || (case.unit != unit && rng.random_bool(0.7))
                        || !w.case_open_over(c, d - 2, d + 2)
                    {
                        continue;
                    }
                    let near = case.assigns.iter().any(|&a| {
                        let a = &w.assigns[a as usize];
                        w.logins[a.login as usize].emp == emp
                            && a.from <= d + 2
                            && a.to.is_none_or(|to| to >= d - 2)
                    });
                    if !near {
                        found = Some(c);
                        break;
                    }
                }
                let c = found?;
                citing_case(rng, w, c)
            }
        })
    }

    fn ordinary_citizen(&self, rng: &mut FastRng) -> Option<u32> {
        let w = self.w;
        pick(rng, &w.citizens[w.namesakes.len()..]).copied()
    }

    /// Keeps drafting until `n` events satisfy `want` (or attempts run out).
    fn run(
        &mut self,
        rng: &mut FastRng,
        n: usize,
        want: Want,
        mut draft: impl FnMut(&Self, &mut FastRng) -> Option<Ev>,
    ) -> usize {
        let mut made = 0;
        for _ in 0..n * 80 {
            if made >= n {
                break;
            }
            let Some(ev) = draft(self, rng) else {
                continue;
            };
            if want.accepts(&ev.labels) {
                self.push(ev);
                made += 1;
            }
        }
        made
    }

    fn misuse(
        &self,
        rng: &mut FastRng,
        login: u32,
        target: u32,
        carry: Carry,
        ctx: Ctx,
    ) -> Option<Ev> {
        let (shift, t) = self.random_moment(rng, login)?;
        self.misuse_at(rng, login, shift, t, target, carry, ctx)
    }

    #[allow(clippy::too_many_arguments)]
    fn misuse_at(
        &self,
        rng: &mut FastRng,
        login: u32,
        shift: u32,
        t: i64,
        target: u32,
        carry: Carry,
        ctx: Ctx,
    ) -> Option<Ev> {
        let cx = self.context(rng, login, t, ctx)?;
        let system = system_for(rng, &carry);
        let action = if rng.random_bool(0.03) {
            "export"
        } else {
            "query"
        };
        let query = Query::plain(login, shift, t, system, cx, target, carry);
        self.build(rng, Query { action, ..query })
    }

    fn draft_self(&self, rng: &mut FastRng, kind: &str) -> Option<Ev> {
        let w = self.w;
        let login = self.pick_login(rng, 0.8, |l| {
            kind != "address" || !w.emp_of_login(l).household
        })?;
        let target = w.emp_of_login(login).person;
        if kind == "name_only" && self.name_in_own_cases(login, target) {
            // Their own name alone would also match a subject of one of
            // their cases, which could fairly be read as case work.
            return None;
        }
        let carry = self_carry(rng, &w.persons[target as usize], kind);
        let ctx = self.abuse_ctx(rng, login);
        self.misuse(rng, login, target, carry, ctx)
    }

    /// Whether someone else with `person`'s name is a subject of a case any
    /// login of `login`'s employee is assigned to.
    fn name_in_own_cases(&self, login: u32, person: u32) -> bool {
        let w = self.w;
        let p = &w.persons[person as usize];
        let key = (name_key(&p.last), name_key(&p.first));
        w.emp_of_login(login).logins.iter().any(|&l| {
            w.assigns_of_login[l as usize].iter().any(|&a| {
                w.cases[w.assigns[a as usize].case as usize]
                    .subjects
                    .iter()
                    .any(|&s| {
                        let q = &w.persons[s as usize];
                        s != person && (name_key(&q.last), name_key(&q.first)) == key
                    })
            })
        })
    }

    fn draft_coworker(&self, rng: &mut FastRng, kind: &str) -> Option<Ev> {
        let w = self.w;
        let login = self.pick_login(rng, 0.7, |l| {
            kind != "supervisor" || w.emp_of_login(l).supervisor.is_some()
        })?;
        let me = w.logins[login as usize].emp;
        let e = &w.employees[me as usize];
        let te = match kind {
            "supervisor" => e.supervisor?,
            "same_unit" => {
                let c: Vec<u32> = (0..w.employees.len() as u32)
                    .filter(|&o| {
                        o != me && Some(o) != e.supervisor && w.employees[o as usize].unit == e.unit
                    })
                    .collect();
                *pick(rng, &c)?
            }
            _ => {
                let c: Vec<u32> = (0..w.employees.len() as u32)
                    .filter(|&o| w.employees[o as usize].unit != e.unit)
                    .collect();
                *pick(rng, &c)?
            }
        };
        let target_emp = &w.employees[te as usize];
        let carry = identity_carry(
            rng,
            &w.persons[target_emp.person as usize],
            !target_emp.household,
        );
        let ctx = self.abuse_ctx(rng, login);
        self.misuse(rng, login, target_emp.person, carry, ctx)
    }

    fn draft_assoc(&self, rng: &mut FastRng, by_rel: &[u32], stale: bool) -> Option<Ev> {
        let w = self.w;
        let in_pool = |a: &u32| {
            w.employees[w.assocs[*a as usize].emp as usize]
                .logins
                .iter()
                .any(|l| self.abusers.contains(l))
        };
        let pool: Vec<u32> = by_rel.iter().copied().filter(in_pool).collect();
        let &ai = if !pool.is_empty() && rng.random_bool(0.6) {
            pick(rng, &pool)?
        } else {
            pick(rng, by_rel)?
        };
        let a = &w.assocs[ai as usize];
        let emp = &w.employees[a.emp as usize];
        let login = if emp.logins.len() > 1 && rng.random_bool(0.15) {
            emp.logins[1]
        } else {
            *emp.logins.first()?
        };
        let (shift, t) = self.random_moment(rng, login)?;
        let d = day_of(t);
        let valid_over = |lo: Day, hi: Day| {
            a.valid_from.is_none_or(|v| v <= lo) && a.valid_to.is_none_or(|v| hi <= v)
        };
        let expired =
            a.valid_to.is_some_and(|v| v < d - 1) || a.valid_from.is_some_and(|v| v > d + 1);
        if (stale && !expired) || (!stale && !valid_over(d - 1, d + 1)) {
            return None;
        }
        let p = &w.persons[a.person as usize];
        // Household members share the employee's address: search them only
        // by person id or name and dob, which cannot be mistaken for the
        // employee.
        let carry = if a.shares_address {
            if rng.random_bool(0.3) {
                Carry::only_pid()
            } else {
                let mut c = Carry::name_dob(false, false);
                decorate(rng, &mut c, p, 0.25, 0.15);
                c
            }
        } else {
            identity_carry(rng, p, true)
        };
        let ctx = if stale {
            [Ctx::Missing, Ctx::Cover, Ctx::Exempt][weighted(rng, &[50, 30, 20])]
        } else {
            self.abuse_ctx(rng, login)
        };
        self.misuse_at(rng, login, shift, t, a.person, carry, ctx)
    }

    fn watch_carry(rng: &mut FastRng, p: &Person) -> Carry {
        let mut c = if rng.random_bool(0.35) {
            Carry {
                name: if rng.random_bool(0.5) {
                    NameQ::Full {
                        nick: false,
                        typo: false,
                    }
                } else {
                    NameQ::None
                },
                ..Carry::only_pid()
            }
        } else {
            Carry::name_dob(false, false)
        };
        decorate(rng, &mut c, p, 0.15, 0.1);
        c
    }

    fn draft_watch(&self, rng: &mut FastRng, category: &str) -> Option<Ev> {
        let w = self.w;
        let people = watched(w, category);
        let &target = pick(rng, &people)?;
        let login = self.pick_login(rng, 0.4, |_| true)?;
        let carry = Self::watch_carry(rng, &w.persons[target as usize]);
        let ctx = self.abuse_ctx(rng, login);
        self.misuse(rng, login, target, carry, ctx)
    }

    /// A person in the news: several users look them up within hours.
    fn surge(&mut self, rng: &mut FastRng, category: &'static str) {
        let w = self.w;
        let people = watched(w, category);
        let Some(&target) = pick(rng, &people) else {
            return;
        };
        let days = w.end - w.start + 1;
        let day = w.start + span(rng, 1, days - 2);
        let news = midnight(day) - LOCAL_OFFSET + 10 * 3600;
        let (lo, hi) = (news, news + 6 * 3600);
        let mut cands: Vec<u32> = (0..self.shifts.len() as u32)
            .filter(|&s| {
                let sh = &self.shifts[s as usize];
                !sh.night && sh.start < hi - 1800 && sh.end > lo + 1800
            })
            .collect();
        cands.shuffle(rng);
        let wanted = span(rng, 8, 11) as usize;
        let mut users: Vec<u32> = Vec::new();
        for s in cands {
            if users.len() >= wanted {
                break;
            }
            let (login, a, b) = {
                let sh = &self.shifts[s as usize];
                (sh.login, sh.start.max(lo), sh.end.min(hi))
            };
            if users.contains(&login) {
                continue;
            }
            let mut any = false;
            for _ in 0..span(rng, 1, 2) {
                let t = span(rng, a, b);
                let carry = Self::watch_carry(rng, &w.persons[target as usize]);
                let ctx = self.abuse_ctx(rng, login);
                if let Some(ev) = self.misuse_at(rng, login, s, t, target, carry, ctx) {
                    if Want::Has("watchlist_lookup", category).accepts(&ev.labels) {
                        self.push(ev);
                        any = true;
                    }
                }
            }
            if any {
                users.push(login);
            }
        }
    }

    fn draft_nocase(&self, rng: &mut FastRng, kind: &str) -> Option<Ev> {
        let w = self.w;
        let ctx = match kind {
            "missing" => Ctx::Missing,
            "unknown_case" => Ctx::Unknown,
            "closed_case" => Ctx::Closed,
            "not_assigned" => Ctx::NotAssigned,
            _ => Ctx::Cover,
        };
        let login = self.pick_login(rng, 0.3, |l| {
            ctx == Ctx::Missing || w.logins[l as usize].primary
        })?;
        let (shift, t) = self.random_moment(rng, login)?;
        let cx = self.context(rng, login, t, ctx)?;
        let target = match cx.suggested {
            Some(s) => s,
            None => self.ordinary_citizen(rng)?,
        };
        let (system, carry) = case_work_search(rng, w, target);
        self.build(
            rng,
            Query::plain(login, shift, t, system, cx, target, carry),
        )
    }

    /// A citizen who shares an employee's name, searched with the citizen's
    /// own date of birth: it must raise no identity alert.
    fn draft_namesake(&self, rng: &mut FastRng) -> Option<Ev> {
        let w = self.w;
        let &ns = pick(rng, &w.namesakes)?;
        let p = &w.persons[ns as usize];
        let key = (name_key(&p.last), name_key(&p.first));
        let owner = w.logins.iter().position(|l| {
            let q = &w.persons[w.employees[l.emp as usize].person as usize];
            l.primary
                && (
                    super::names::name_key(&q.last),
                    super::names::name_key(&q.first),
                ) == key
        });
        let login = match owner {
            Some(o) if rng.random_bool(0.5) && !self.shifts_of_login[o].is_empty() => o as u32,
            _ => self.pick_login(rng, 0.3, |_| true)?,
        };
        let (shift, t) = self.random_moment(rng, login)?;
        let d = day_of(t);
        let legit = w
            .live_cases(login, d - 2, d + 2)
            .into_iter()
            .find(|&c| w.cases[c as usize].subjects.contains(&ns));
        let cx = match legit {
            Some(c) => CtxOut {
                case_id: Some(w.cases[c as usize].id.clone()),
                purpose: case_purpose(rng),
                ..CtxOut::default()
            },
            None => {
                let ctx = if rng.random_bool(0.6) {
                    Ctx::Missing
                } else {
                    Ctx::Exempt
                };
                self.context(rng, login, t, ctx)?
            }
        };
        let carry = Carry {
            addr: rng.random_bool(0.3),
            ..Carry::name_dob(false, false)
        };
        let system = system_for(rng, &carry);
        self.build(rng, Query::plain(login, shift, t, system, cx, ns, carry))
    }

    fn pick_abusers(&mut self, rng: &mut FastRng) {
        let w = self.w;
        let mut primaries: Vec<u32> = (0..w.logins.len() as u32)
            .filter(|&l| {
                w.logins[l as usize].primary && self.shifts_of_login[l as usize].len() >= 3
            })
            .collect();
        primaries.shuffle(rng);
        let n = (primaries.len() * 7 / 100).max(3);
        let mut abusers = Vec::new();
        for &l in primaries.iter().take(n) {
            for &x in &w.emp_of_login(l).logins {
                if !self.shifts_of_login[x as usize].is_empty() {
                    abusers.push(x);
                }
            }
        }
        abusers.sort_unstable();
        self.abusers = abusers;
    }

    /// Injects the misuse mix; `scale` is the world's size relative to the
    /// default (300 users over 30 days).
    pub(crate) fn inject(&mut self, rng: &mut FastRng, scale: f64) {
        let w = self.w;
        self.pick_abusers(rng);
        let q = |base: f64| ((base * scale).ceil() as usize).max(1);
        for kind in SELF_KINDS {
            self.run(rng, q(14.0), Want::Has("self_query", kind), |s, r| {
                s.draft_self(r, kind)
            });
        }
        for (kind, base) in [
            ("supervisor", 14.0),
            ("same_unit", 18.0),
            ("other_unit", 18.0),
        ] {
            self.run(rng, q(base), Want::Has("coworker_lookup", kind), |s, r| {
                s.draft_coworker(r, kind)
            });
        }
        for (rel, base) in RELATIONS
            .iter()
            .zip([20.0, 12.0, 12.0, 14.0, 12.0, 12.0, 12.0])
        {
            let by_rel: Vec<u32> = (0..w.assocs.len() as u32)
                .filter(|&a| w.assocs[a as usize].relation == *rel)
                .collect();
            self.run(
                rng,
                q(base),
                Want::Has("association_lookup", rel),
                |s, r| s.draft_assoc(r, &by_rel, false),
            );
        }
        // Traps: expired or not-yet-valid associations.
        let stale: Vec<u32> = (0..w.assocs.len() as u32)
            .filter(|&a| {
                let a = &w.assocs[a as usize];
                a.valid_to.is_some_and(|v| v < w.end) || a.valid_from.is_some_and(|v| v > w.start)
            })
            .collect();
        self.run(rng, q(16.0), Want::NoIdentity, |s, r| {
            s.draft_assoc(r, &stale, true)
        });
        for (cat, base) in CATEGORIES.iter().zip([12.0, 4.0, 12.0, 6.0]) {
            self.run(rng, q(base), Want::Has("watchlist_lookup", cat), |s, r| {
                s.draft_watch(r, cat)
            });
        }
        let celeb_surges = ((w.end - w.start + 1) as f64 * scale / 15.0)
            .round()
            .max(1.0) as usize;
        for _ in 0..celeb_surges {
            self.surge(rng, "celebrity");
        }
        self.surge(rng, "victim");
        for (kind, base) in [
            ("missing", 20.0),
            ("unknown_case", 15.0),
            ("closed_case", 15.0),
            ("not_assigned", 15.0),
            ("subject_not_in_case", 12.0),
        ] {
            self.run(rng, q(base), Want::Has("no_case", kind), |s, r| {
                s.draft_nocase(r, kind)
            });
        }
        self.run(rng, q(14.0), Want::NoIdentity, |s, r| s.draft_namesake(r));
        // Before shared credentials, whose episodes look for quiet moments
        // and so keep clear of the volume episodes.
        self.inject_odd_volume(rng, scale);
        self.inject_shared_credential(rng, &q);
    }

    // ------------------------------------------------------ shared credential

    /// A lookup inside a session: a traffic stop, or a search of an ordinary
    /// citizen with no case; labelled like any other query.
    fn plain_query(&mut self, rng: &mut FastRng, shift: u32, t: i64) -> Option<Ev> {
        if rng.random_bool(0.6) {
            return self.traffic_query(rng, shift, t);
        }
        let w = self.w;
        let login = self.shifts[shift as usize].login;
        let target = self.ordinary_citizen(rng)?;
        let (system, carry) = case_work_search(rng, w, target);
        let cx = self.context(rng, login, t, Ctx::Missing)?;
        self.build(
            rng,
            Query::plain(login, shift, t, system, cx, target, carry),
        )
    }

    fn push_opt(&mut self, ev: Option<Ev>, busy: &mut [Vec<i64>]) {
        if let Some(ev) = ev {
            busy[ev.login as usize].push(ev.t);
            self.push(ev);
        }
    }

    fn session_at(&mut self, shift: u32, t: i64, action: &'static str, busy: &mut [Vec<i64>]) {
        busy[self.shifts[shift as usize].login as usize].push(t);
        self.session_event(shift, t, action);
    }

    /// `shared_credential` episodes: accounts used after their owner left,
    /// a login used at two sites within minutes, and a login used at the
    /// far-away academy too soon after (or before) use at home. The labels
    /// themselves are computed in [`Sim::finish`] by [`truth::shared_credential`].
    fn inject_shared_credential(&mut self, rng: &mut FastRng, q: &dyn Fn(f64) -> usize) {
        let w = self.w;
        let mut busy: Vec<Vec<i64>> = vec![Vec::new(); w.logins.len()];
        for e in &self.events {
            busy[e.login as usize].push(e.t);
        }
        for (status, base) in [(Status::Terminated, 3.0), (Status::Leave, 2.0)] {
            let mut cands: Vec<u32> = (0..w.employees.len() as u32)
                .filter(|&ei| {
                    let e = &w.employees[ei as usize];
                    e.status == status
                        && !e.logins.is_empty()
                        && e.end.is_some_and(|d| d >= w.start && d + 2 <= w.end)
                })
                .collect();
            cands.shuffle(rng);
            for &ei in cands.iter().take(q(base)) {
                self.after_end(rng, ei, &mut busy);
            }
        }
        let listed = self.shifts.len() as u32;
        tries_until_made(q(8.0), 80, || {
            self.concurrent_episode(rng, listed, &mut busy)
        });
        tries_until_made(q(8.0), 80, || self.travel_episode(rng, listed, &mut busy));
    }

    /// A few sessions at the employee's own desk on 1-3 days at least two
    /// days after their end date (so no reading of the date disagrees).
    fn after_end(&mut self, rng: &mut FastRng, ei: u32, busy: &mut [Vec<i64>]) {
        let w = self.w;
        let e = &w.employees[ei as usize];
        let (Some(end), Some(&login)) = (e.end, e.logins.first()) else {
            return;
        };
        let mut days: Vec<Day> = (end + 2..=w.end).collect();
        if days.is_empty() {
            return;
        }
        days.shuffle(rng);
        let k = span(rng, 1, days.len().min(3) as i64) as usize;
        days.truncate(k);
        days.sort_unstable();
        for day in days {
            let start = midnight(day) - LOCAL_OFFSET + span(rng, 8 * 3600, 16 * 3600);
            let shift = self.new_shift(rng, login, start, start + 3600, e.desk, false);
            self.session_at(shift, start, "login", busy);
            let mut t = start;
            for _ in 0..span(rng, 1, 3) {
                t += span(rng, 120, 600);
                let ev = self.plain_query(rng, shift, t);
                self.push_opt(ev, busy);
            }
            if rng.random_bool(0.7) {
                self.session_at(shift, t + span(rng, 60, 300), "logout", busy);
            }
        }
    }

    /// A listed shift of an active employee's primary login at their own
    /// site, at least `min_len` seconds long.
    fn episode_shift(&self, rng: &mut FastRng, listed: u32, min_len: i64) -> Option<u32> {
        let w = self.w;
        let shift = rng.random_range(0..listed.max(1));
        let s = self.shifts.get(shift as usize)?;
        let l = &w.logins[s.login as usize];
        let e = &w.employees[l.emp as usize];
        let ok = l.primary
            && e.status == Status::Active
            && w.clients[s.client as usize].site == Some(e.site)
            && s.end - s.start >= min_len;
        ok.then_some(shift)
    }

    /// The login of `shift`, and when it starts and ends.
    fn shift_span(&self, shift: u32) -> (u32, i64, i64) {
        let s = &self.shifts[shift as usize];
        (s.login, s.start, s.end)
    }

    fn quiet(busy: &[Vec<i64>], login: u32, lo: i64, hi: i64) -> bool {
        !busy[login as usize].iter().any(|&t| lo <= t && t <= hi)
    }

    /// Someone else logs in with the password at a workstation of another
    /// (nearby) site while the owner is working: 2-4 alternating events a
    /// few minutes apart.
    fn concurrent_episode(
        &mut self,
        rng: &mut FastRng,
        listed: u32,
        busy: &mut [Vec<i64>],
    ) -> bool {
        let w = self.w;
        let Some(shift) = self.episode_shift(rng, listed, 4 * 3600) else {
            return false;
        };
        let (login, ss, se) = self.shift_span(shift);
        let home = w.emp_of_login(login).site;
        let t0 = span(rng, ss + 900, se - 1800);
        let t1 = t0 + span(rng, 60, 300);
        let mut plan = vec![(t0, true), (t1, false)];
        let mut t = t1;
        let mut own = true;
        for _ in 0..span(rng, 1, 3) {
            t += span(rng, 45, 240);
            plan.push((t, own));
            own = !own;
        }
        if !Self::quiet(busy, login, t0 - 700, t + 700) {
            return false;
        }
        let others: Vec<u32> = (0..w.sites.len() as u32)
            .filter(|&x| x != home && x != w.far_site && !w.site_clients[x as usize].is_empty())
            .collect();
        let Some(&site) = pick(rng, &others) else {
            return false;
        };
        let Some(&client) = pick(rng, &w.site_clients[site as usize]) else {
            return false;
        };
        let borrowed = self.new_shift(rng, login, t1, t + 60, client, false);
        for (t, own) in plan {
            if own {
                let ev = self.plain_query(rng, shift, t);
                self.push_opt(ev, busy);
            } else if t == t1 {
                self.session_at(borrowed, t, "login", busy);
            } else {
                let ev = self.plain_query(rng, borrowed, t);
                self.push_opt(ev, busy);
            }
        }
        true
    }

    /// The login is used at home, then 12-25 minutes later at the academy
    /// about 700 km away, and often back home as quickly: too far for the
    /// time, yet too far apart in time to count as concurrent.
    fn travel_episode(&mut self, rng: &mut FastRng, listed: u32, busy: &mut [Vec<i64>]) -> bool {
        let w = self.w;
        let Some(shift) = self.episode_shift(rng, listed, 4 * 3600) else {
            return false;
        };
        let (login, ss, se) = self.shift_span(shift);
        let t0 = span(rng, ss + 900, se - 5400);
        let t1 = t0 + span(rng, 12 * 60, 25 * 60);
        let mut far_times = vec![t1];
        let mut t = t1;
        for _ in 0..span(rng, 1, 2) {
            t += span(rng, 60, 300);
            far_times.push(t);
        }
        let back = rng
            .random_bool(0.8)
            .then(|| t + span(rng, 12 * 60, 25 * 60));
        let hi = back.unwrap_or(t);
        if !Self::quiet(busy, login, t0 - 700, hi + 700) {
            return false;
        }
        let Some(&client) = pick(rng, &w.site_clients[w.far_site as usize]) else {
            return false;
        };
        let ev = self.plain_query(rng, shift, t0);
        self.push_opt(ev, busy);
        let away = self.new_shift(rng, login, t1, t + 60, client, false);
        for (i, &t) in far_times.iter().enumerate() {
            if i == 0 {
                self.session_at(away, t, "login", busy);
            } else {
                let ev = self.plain_query(rng, away, t);
                self.push_opt(ev, busy);
            }
        }
        if let Some(tb) = back {
            let ev = self.plain_query(rng, shift, tb);
            self.push_opt(ev, busy);
        }
        true
    }

    /// Drops events that volume episodes replaced, adds `daily_count`,
    /// `subject_surge` and `shared_credential` labels, and returns the
    /// events with their time order (indices into the events; the events
    /// themselves are large and are not moved).
    pub(crate) fn finish(self) -> (Vec<Ev>, Vec<u32>) {
        let mut events = self.events;
        events.retain(|e| !e.dropped);
        for (i, e) in events.iter_mut().enumerate() {
            e.seq = i as u32;
        }
        volume::label_days(&mut events, &self.volume_days);
        // seq is the index; pack (time, seq) into one u64 when it fits, as a
        // plain integer sort is markedly cheaper in debug builds.
        let t0 = events.iter().map(|e| e.t).min().unwrap_or(0);
        let t1 = events.iter().map(|e| e.t).max().unwrap_or(0);
        let order: Vec<u32> = if events.len() < (1 << 26) && t1 - t0 < (1 << 37) {
            let mut keyed: Vec<u64> = events
                .iter()
                .map(|e| (((e.t - t0) as u64) << 26) | u64::from(e.seq))
                .collect();
            radix_sort(&mut keyed);
            keyed
                .into_iter()
                .map(|k| (k & ((1 << 26) - 1)) as u32)
                .collect()
        } else {
            let mut keyed: Vec<(i64, u32)> = events.iter().map(|e| (e.t, e.seq)).collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|k| k.1).collect()
        };
        let mut by_person: Vec<Vec<u32>> = vec![Vec::new(); self.w.persons.len()];
        for &i in &order {
            let e = &events[i as usize];
            if (e.action == "query" || e.action == "export") && !e.explained {
                if let Some(t) = e.target {
                    by_person[t as usize].push(i);
                }
            }
        }
        let mut surge = vec![false; events.len()];
        let mut per_login = vec![0u32; self.w.logins.len()];
        for list in &by_person {
            if list.len() < SURGE_USERS {
                continue;
            }
            let ev = |k: usize| &events[list[k] as usize];
            let mut lo = 0;
            let mut marked = 0;
            let mut distinct = 0;
            for hi in 0..list.len() {
                let c = &mut per_login[ev(hi).login as usize];
                *c += 1;
                distinct += usize::from(*c == 1);
                while ev(hi).t - ev(lo).t > SURGE_WINDOW {
                    let c = &mut per_login[ev(lo).login as usize];
                    *c -= 1;
                    distinct -= usize::from(*c == 0);
                    lo += 1;
                }
                if distinct >= SURGE_USERS {
                    for &k in &list[lo.max(marked)..=hi] {
                        surge[k as usize] = true;
                    }
                    marked = hi + 1;
                }
            }
            for &i in &list[lo..] {
                per_login[events[i as usize].login as usize] = 0;
            }
        }
        for (e, s) in events.iter_mut().zip(surge) {
            if s {
                e.labels.push(("subject_surge", "many_users"));
            }
        }
        truth::shared_credential(self.w, &mut events, &order);
        (events, order)
    }
}
