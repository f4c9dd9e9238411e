//! `odd_volume` episodes, labelled by intent (every lookup of an episode
//! gets its label, as the classic world's `scenario/volume.rs` does):
//!
//! * `burst`: a scrape of 90-115 people in under ten minutes from one
//!   login, every lookup typed under one of the user's real, open cases (a
//!   case number does not make a scrape legitimate);
//! * `daily_count`: a day of six to eight times the user's median day,
//!   spread over the shift; every lookup of that login's UTC day is
//!   labelled;
//! * `distinct_subjects`: a day spent on 60-90 unrelated people;
//! * `export`: a patrol officer exporting 10,000 rows with no case and
//!   80,960 under one of their cases from a patrol-car terminal (larger
//!   worlds add more);
//! * `off_hours`: a day worker doing 60-80 lookups between 01:00 and 04:00
//!   local time on a day off.
//!
//! An episode that takes its UTC day to three times the login's median day
//! also makes that whole day a `daily_count`, and one whose day holds at
//! least as many unrelated people as a `distinct_subjects` episode (and
//! three times the login's usual number of them) is `distinct_subjects`
//! too ([`spill`]), as in the classic world. Normal days vary
//! by at most ±50 % and busy legitimate moments hold at most about 40
//! lookups in ten minutes.

use super::agency::Unit;
use super::clock::{at_local, day_of, Day, HOUR, MINUTE};
use super::misuse::Plan;
use super::typing::{form, N_EXACT, T_DOB};
use super::work::{casework_form, Sim, P_GENERAL, P_INVESTIGATION, P_NONE, Q};
use super::{
    bit, Target, A_EXPORT, CK_NONE, CK_REAL, F_DROP, F_EXPLAINED, F_VOLUME, L_VOLUME, NCIC, RMS,
};
use crate::gen::world::{median, span, weighted, FastRng};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};

const DAILY: u32 = L_VOLUME;
const BURST: u32 = L_VOLUME + 1;
const OFF_HOURS: u32 = L_VOLUME + 2;
const DISTINCT: u32 = L_VOLUME + 3;
const EXPORT: u32 = L_VOLUME + 4;

/// A day at this many times the login's median day is a `daily_count`.
const SPILL: f64 = 3.0;
/// Unrelated people a `distinct_subjects` episode looks up.
const DISTINCT_PEOPLE: (i64, i64) = (60, 90);

/// `n` instants spread evenly (with jitter) over `[lo, hi]`.
fn stratified(rng: &mut impl Rng, lo: i64, hi: i64, n: usize) -> Vec<i64> {
    let step = (hi - lo) as f64 / n.max(1) as f64;
    (0..n)
        .map(|i| lo + (step * (i as f64 + rng.random::<f64>())) as i64)
        .collect()
}

/// Each login's volume before any episode: lookups per UTC day, and its
/// median day.
struct History {
    counts: Vec<BTreeMap<Day, u32>>,
    medians: Vec<f64>,
}

/// One of `open` to cite as cover, with probability `p` (none when there
/// is none).
fn cover_case(rng: &mut impl Rng, open: &[u32], p: f64) -> Option<u32> {
    if rng.random_bool(p) {
        open.get(rng.random_range(0..open.len().max(1))).copied()
    } else {
        None
    }
}

/// Lookups per UTC day of each login (not counting dropped events).
fn day_counts(sim: &Sim<'_>) -> Vec<BTreeMap<Day, u32>> {
    let mut v: Vec<BTreeMap<Day, u32>> = vec![BTreeMap::new(); sim.w.logins.len()];
    for e in &sim.events {
        if e.is_lookup() && e.flags & F_DROP == 0 {
            *v[e.login as usize].entry(day_of(e.t)).or_insert(0) += 1;
        }
    }
    v
}

impl Sim<'_> {
    /// Logins of `units` with at least `min_days` active days, only day
    /// workers when `day_workers`.
    fn volume_logins(
        &self,
        h: &History,
        units: &[Unit],
        min_days: usize,
        day_workers: bool,
    ) -> Vec<u16> {
        (0..self.w.logins.len() as u16)
            .filter(|&l| {
                let e = self.w.emp_of(l);
                units.contains(&e.unit)
                    && h.counts[l as usize].len() >= min_days
                    && (!day_workers || !e.night)
            })
            .collect()
    }

    /// Logins that may be given a `daily_count` or `off_hours` episode: day
    /// workers with six active days, outside dispatch and the port of entry.
    fn day_episode_logins(&self, h: &History) -> Vec<u16> {
        let units = [
            Unit::Investigations,
            Unit::Records,
            Unit::Command,
            Unit::Traffic,
            Unit::Patrol,
        ];
        self.volume_logins(h, &units, 6, true)
    }

    /// Days for an episode: after the user has some history when the window
    /// allows it.
    fn episode_days(&self, plan: &Plan, i: usize) -> (Day, Day) {
        let (lo, hi) = plan.days(i);
        let warm = lo + (i64::from(self.w.days) / 3).min(6);
        (warm.min(hi), hi)
    }

    /// The cases `login` works on that are open on `day`, without their
    /// assignments.
    fn open_case_ids(&self, login: u16, day: Day) -> Vec<u32> {
        self.open_cases(login, day)
            .into_iter()
            .map(|x| x.0)
            .collect()
    }

    /// A lookup for an episode: of a known citizen no other login has looked
    /// up lately (or a stranger), with no case or under `cover`.
    fn episode_lookup(
        &mut self,
        rng: &mut FastRng,
        q: Q,
        cover: Option<u32>,
        label: u32,
        system: u8,
    ) -> bool {
        for _ in 0..8 {
            let target = if rng.random_bool(0.1) {
                self.new_stranger()
            } else {
                match self.known_citizen(rng, q.login, q.t) {
                    Some(p) => Target::Person(p),
                    None => continue,
                }
            };
            let (case_kind, case, purpose) = match cover {
                Some(c) => (CK_REAL, c, P_INVESTIGATION),
                None => (CK_NONE, 0, [P_NONE, P_GENERAL][weighted(rng, &[60, 40])]),
            };
            let f = match target {
                Target::Stranger(_) => form(N_EXACT, T_DOB),
                Target::Person(p) => casework_form(rng, &self.w.pop.persons[p as usize], false),
                Target::None => form(N_EXACT, T_DOB),
            };
            let q = Q {
                target,
                form: f,
                case_kind,
                case,
                purpose,
                flags: F_VOLUME,
                labels: bit(label),
                ..q
            };
            let Some(v) = self.probe(&q) else {
                continue;
            };
            self.emit(rng, &q, &[system]);
            if let (Target::Person(p), false) = (target, v.explained) {
                self.seen[p as usize].push((q.t, q.login));
            }
            return true;
        }
        false
    }

    pub(super) fn inject_volume(&mut self, rng: &mut FastRng, plan: &Plan) {
        let counts = day_counts(self);
        let medians: Vec<f64> = counts
            .iter()
            .map(|m| median(m.values().copied().collect()))
            .collect();
        let h = History { counts, medians };
        let n = plan.count(1, 0.45);
        for i in 0..n {
            self.burst(rng, plan, i, &h);
            self.daily(rng, plan, i, &h);
            self.distinct(rng, plan, i, &h);
            self.off_hours(rng, plan, i, &h);
        }
        for i in 0..plan.count(2, 0.5) {
            self.export(rng, plan, i);
        }
    }

    fn burst(&mut self, rng: &mut FastRng, plan: &Plan, i: usize, h: &History) {
        let cands = self.volume_logins(
            h,
            &[Unit::Patrol, Unit::Investigations, Unit::Traffic],
            5,
            false,
        );
        let days = self.episode_days(plan, i);
        self.place_on_shift(rng, &cands, days, 40, |sim, rng, login, sh| {
            let open = sim.open_cases(login, sh.day - 1);
            let Some(&(case, _)) = open.get(rng.random_range(0..open.len().max(1))) else {
                return false;
            };
            let n = span(rng, 90, 115) as usize;
            let dur = span(rng, 480, 560);
            let t0 = span(rng, sh.start + 30 * MINUTE, sh.end - 30 * MINUTE - dur);
            let system = if rng.random_bool(0.5) { RMS } else { NCIC };
            for t in stratified(rng, t0, t0 + dur, n) {
                sim.episode_lookup(rng, Q::on(&sh, t), Some(case), BURST, system);
            }
            sim.episodes.push((login, day_of(t0)));
            true
        });
    }

    fn daily(&mut self, rng: &mut FastRng, plan: &Plan, i: usize, h: &History) {
        let cands: Vec<u16> = self
            .day_episode_logins(h)
            .into_iter()
            .filter(|&l| (8.0..=60.0).contains(&h.medians[l as usize]))
            .collect();
        let days = self.episode_days(plan, i);
        self.place_on_shift(rng, &cands, days, 40, |sim, rng, login, sh| {
            let day = day_of(sh.start);
            let normal = f64::from(h.counts[login as usize].get(&day).copied().unwrap_or(0));
            let med = h.medians[login as usize];
            let extra = (med * rng.random_range(6.0..8.0) - normal).max(5.0 * med) as usize;
            let open = sim.open_case_ids(login, sh.day - 1);
            for t in stratified(rng, sh.start + 10 * MINUTE, sh.end - 10 * MINUTE, extra) {
                let cover = cover_case(rng, &open, 0.5);
                let system = if rng.random_bool(0.6) { RMS } else { NCIC };
                sim.episode_lookup(rng, Q::on(&sh, t), cover, DAILY, system);
            }
            sim.daily_days.push((login, day));
            true
        });
    }

    fn distinct(&mut self, rng: &mut FastRng, plan: &Plan, i: usize, h: &History) {
        let cands = self.volume_logins(
            h,
            &[
                Unit::Patrol,
                Unit::Investigations,
                Unit::Traffic,
                Unit::Records,
            ],
            5,
            false,
        );
        let days = self.episode_days(plan, i);
        self.place_on_shift(rng, &cands, days, 40, |sim, rng, login, sh| {
            let open = sim.open_case_ids(login, sh.day - 1);
            let people = span(rng, DISTINCT_PEOPLE.0, DISTINCT_PEOPLE.1) as usize;
            let times = stratified(rng, sh.start + 20 * MINUTE, sh.end - 40 * MINUTE, people);
            for t in times {
                let cover = cover_case(rng, &open, 0.4);
                let before = sim.events.len();
                sim.episode_lookup(rng, Q::on(&sh, t), cover, DISTINCT, RMS);
                if sim.events.len() > before && rng.random_bool(0.3) {
                    // A second look at the same person a little later.
                    let mut again = sim.events[before];
                    again.t += span(rng, 60, 15 * MINUTE);
                    again.system = NCIC;
                    sim.events.push(again);
                }
            }
            sim.episodes.push((login, day_of(sh.start)));
            true
        });
    }

    fn off_hours(&mut self, rng: &mut FastRng, plan: &Plan, i: usize, h: &History) {
        let w = self.w;
        let cands = self.day_episode_logins(h);
        for _ in 0..60 {
            let Some(&login) = cands.get(rng.random_range(0..cands.len().max(1))) else {
                return;
            };
            let (lo, hi) = self.episode_days(plan, i);
            let day = span(rng, lo, hi);
            let worked = self.login_shifts[login as usize]
                .iter()
                .any(|&s| self.shifts[s as usize].day == day);
            let emp = w.emp_index(login);
            if worked || !w.on_staff(emp, day) {
                continue;
            }
            let employee = &w.employees[emp as usize];
            let client = if rng.random_bool(0.5) {
                w.vpn[rng.random_range(0..w.vpn.len())]
            } else {
                employee.desk
            };
            let Some(&home) = self.login_shifts[login as usize].first() else {
                continue;
            };
            let mut sh = self.shifts[home as usize];
            sh.client = client;
            sh.session = 0x0F00_0000 + rng.random_range(0..0x00FF_FFFFu32);
            let open = self.open_case_ids(login, day - 1);
            let n = span(rng, 60, 80) as usize;
            for t in stratified(rng, at_local(day, HOUR), at_local(day, 4 * HOUR), n) {
                let explained = !open.is_empty() && rng.random_bool(0.4);
                if explained {
                    let c = open[rng.random_range(0..open.len())];
                    let subj = self.book.subjects_of(c);
                    let p = subj[rng.random_range(0..subj.len())];
                    let q = Q {
                        target: Target::Person(p),
                        form: casework_form(rng, &w.pop.persons[p as usize], true),
                        case_kind: CK_REAL,
                        case: c,
                        purpose: P_INVESTIGATION,
                        flags: F_VOLUME,
                        labels: bit(OFF_HOURS),
                        ..Q::on(&sh, t)
                    };
                    if self.probe(&q).is_some() {
                        self.emit(rng, &q, &[RMS]);
                        continue;
                    }
                }
                self.episode_lookup(rng, Q::on(&sh, t), None, OFF_HOURS, RMS);
            }
            self.episodes.push((login, day_of(at_local(day, HOUR))));
            return;
        }
    }

    /// A patrol officer's bulk export from a patrol-car terminal.
    fn export(&mut self, rng: &mut FastRng, plan: &Plan, i: usize) {
        let w = self.w;
        let cands: Vec<u16> = self
            .working_logins()
            .into_iter()
            .filter(|&l| w.emp_of(l).unit == Unit::Patrol)
            .collect();
        let days = self.episode_days(plan, i);
        self.place_on_shift(rng, &cands, days, 40, |sim, rng, login, sh| {
            let t = span(rng, sh.start + HOUR, sh.end - HOUR);
            let rows = match i {
                0 => 10_000,
                1 => 80_960,
                _ => (5_000.0 * 30f64.powf(rng.random::<f64>())) as u32,
            };
            let (case_kind, case, purpose) = if i.is_multiple_of(2) {
                (CK_NONE, 0, P_NONE)
            } else {
                let open = sim.open_cases(login, sh.day - 1);
                let Some(&(c, _)) = open.get(rng.random_range(0..open.len().max(1))) else {
                    return false;
                };
                (CK_REAL, c, P_INVESTIGATION)
            };
            let q = Q {
                action: A_EXPORT,
                case_kind,
                case,
                purpose,
                rows: Some(rows),
                flags: F_VOLUME,
                labels: bit(EXPORT),
                ..Q::on(&sh, t)
            };
            if sim.probe(&q).is_none() {
                return false;
            }
            sim.emit(rng, &q, &[RMS]);
            true
        });
    }
}

/// Makes a whole day a `daily_count` when an episode took it to [`SPILL`]
/// times the login's median day, and labels every lookup of the
/// `daily_count` days.
pub(super) fn spill(sim: &mut Sim<'_>) {
    let counts = day_counts(sim);
    let episode_days: BTreeSet<(u16, Day)> = sim
        .episodes
        .iter()
        .chain(sim.daily_days.iter())
        .copied()
        .collect();
    let mut days: BTreeSet<(u16, Day)> = sim.daily_days.iter().copied().collect();
    for &(login, day) in &sim.episodes {
        let usual = median(
            counts[login as usize]
                .iter()
                .filter(|(d, _)| !episode_days.contains(&(login, **d)))
                .map(|(_, &n)| n)
                .collect(),
        );
        let n = counts[login as usize].get(&day).copied().unwrap_or(0);
        if usual > 0.0 && f64::from(n) >= SPILL * usual {
            days.insert((login, day));
        }
    }
    let distinct = distinct_spill(sim, &episode_days);
    if days.is_empty() && distinct.is_empty() {
        return;
    }
    let episode = bit(DAILY) | bit(BURST) | bit(OFF_HOURS) | bit(DISTINCT) | bit(EXPORT);
    for e in &mut sim.events {
        if !e.is_lookup() || e.flags & F_DROP != 0 {
            continue;
        }
        let key = (e.login, day_of(e.t));
        if days.contains(&key) {
            e.labels |= bit(DAILY);
        }
        // The lookups of unrelated people, not the day's case work.
        let unexplained_person = e.flags & F_EXPLAINED == 0 && !matches!(e.target(), Target::None);
        if distinct.contains(&key) && e.labels & episode != 0 && unexplained_person {
            e.labels |= bit(DISTINCT);
        }
    }
}

/// Episode days that are also days spent on many unrelated people: the day's distinct
/// people that no case explains reach [`SPILL`] times the login's usual number of them and
/// at least [`DISTINCT_PEOPLE`]`.0` (the least a `distinct_subjects` episode holds). A scrape
/// of a hundred strangers is such a day whatever it was meant as; its episode's lookups get
/// `distinct_subjects` too, as the classic world's do.
fn distinct_spill(sim: &Sim<'_>, episode_days: &BTreeSet<(u16, Day)>) -> BTreeSet<(u16, Day)> {
    let mut people: Vec<BTreeMap<Day, BTreeSet<u32>>> = vec![BTreeMap::new(); sim.w.logins.len()];
    for e in &sim.events {
        if !e.is_lookup() || e.flags & (F_DROP | F_EXPLAINED) != 0 {
            continue;
        }
        let who = match e.target() {
            Target::Person(p) => p,
            Target::Stranger(s) => s | (1 << 31),
            Target::None => continue,
        };
        people[e.login as usize]
            .entry(day_of(e.t))
            .or_default()
            .insert(who);
    }
    let mut out = BTreeSet::new();
    for &(login, day) in episode_days {
        let days = &people[login as usize];
        let usual = median(
            days.iter()
                .filter(|(d, _)| !episode_days.contains(&(login, **d)))
                .map(|(_, s)| s.len() as u32)
                .collect(),
        );
        let n = days.get(&day).map_or(0, BTreeSet::len) as f64;
        if n >= DISTINCT_PEOPLE.0 as f64 && n >= SPILL * usual {
            out.insert((login, day));
        }
    }
    out
}
