//! Normal work: the roster (who is on shift when, at which workstation) and
//! each unit's lookups. Patrol answers 16-20 calls a shift, each an incident
//! case listing the people involved, with backup officers, a canvass now and
//! then and traffic stops; dispatchers look up the premise of an incident
//! (the address alone) under the incident that lists its resident, and
//! take calls of their own; detectives work long cases with many subjects;
//! records clerks answer requests and export thousands of rows; the port of
//! entry and traffic look people up under their exempt purposes; command
//! reviews reports; a few people spend a day at the academy.
//!
//! One typed query fans out to two or three systems in the same second.
//! Every lookup of a person under a case is of someone that case lists, by
//! someone assigned to it while it is open; lookups under an exempt purpose
//! are of citizens or strangers, and no citizen is looked up that way by
//! two logins within two days (so normal work never piles up on one person).
//! Normal work is built to carry no label; `truth` checks it.

use super::agency::{ClientKind, Unit, World, ACADEMY};
use super::cases::CaseBook;
use super::clock::{at_local, is_weekend, local_day, Day, HOUR, MINUTE};
use super::people::Person;
use super::typing::{
    form, N_EXACT, N_INITIAL, N_NOISY, N_NONE, N_SURNAME, T_ADDR, T_DOB, T_PHONE, T_PID, T_PLATE,
};
use super::{
    Ev, Target, A_EXPORT, A_LOGIN, A_LOGOUT, A_QUERY, CAD, CK_NONE, CK_REAL, DMV, F_NORMAL, JMS,
    NCIC, POE, RMS,
};
use crate::gen::world::{span, weighted, FastRng};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore};
use std::collections::BTreeMap;

/// Purposes as sources write them; index 0 writes no purpose.
pub(super) const PURPOSES: [Option<&str>; 16] = [
    None,
    Some("TRAFFIC_STOP"),
    Some("traffic stop"),
    Some("BORDER_INSPECTION"),
    Some("Border Inspection"),
    Some("CALL FOR SERVICE"),
    Some("INVESTIGATION"),
    Some("FOLLOW UP"),
    Some("PREMISE HISTORY"),
    Some("CRASH INVESTIGATION"),
    Some("RECORDS REQUEST"),
    Some("WARRANT CHECK"),
    Some("GENERAL INQUIRY"),
    Some("BACKGROUND"),
    Some("SUPERVISOR REVIEW"),
    Some("TRAINING"),
];
pub(super) const P_NONE: u8 = 0;
pub(super) const P_TRAFFIC: u8 = 1;
const P_TRAFFIC_SAID: u8 = 2;
pub(super) const P_BORDER: u8 = 3;
const P_BORDER_SAID: u8 = 4;
const P_CFS: u8 = 5;
pub(super) const P_INVESTIGATION: u8 = 6;
const P_FOLLOW_UP: u8 = 7;
const P_PREMISE: u8 = 8;
const P_CRASH: u8 = 9;
const P_RECORDS: u8 = 10;
const P_WARRANT: u8 = 11;
pub(super) const P_GENERAL: u8 = 12;
pub(super) const P_BACKGROUND: u8 = 13;
const P_REVIEW: u8 = 14;
const P_TRAINING: u8 = 15;

/// The agency's exempt purposes (`TRAFFIC_STOP`, `BORDER_INSPECTION`, in
/// any case or spacing).
pub(super) fn exempt(p: u8) -> bool {
    (P_TRAFFIC..=P_BORDER_SAID).contains(&p)
}

// ---------------------------------------------------------------- volume knobs

/// Patrol calls per hour on shift at pace 1: 16 in an 8-hour shift, 20 in a
/// 10-hour one, half to one and a half of that on a given day.
const CALLS_PER_HOUR: f64 = 2.0;
/// Chance a call gets a backup officer (also assigned).
const BACKUP_P: f64 = 0.9;
/// Chance a patrol shift includes a canvass: one incident with 10-15
/// people, most of them looked up within ten minutes.
const CANVASS_P: f64 = 0.04;
/// Most lookups of one canvass or warrant service (within ten minutes).
const CANVASS_MAX: usize = 36;
/// Traffic stops per hour: patrol, traffic unit.
const PATROL_STOPS_PER_HOUR: f64 = 0.5;
const TRAFFIC_STOPS_PER_HOUR: f64 = 2.6;
/// Crashes a traffic officer works per hour.
const CRASHES_PER_HOUR: f64 = 0.1;
/// Travellers a port-of-entry officer checks per hour.
const TRAVELLERS_PER_HOUR: f64 = 11.0;
/// Calls a dispatcher takes per hour that no officer is sent to.
const DISPATCH_CALLS_PER_HOUR: f64 = 17.0;
/// Share of patrol incidents whose premise a dispatcher looks up, and of
/// the dispatchers' own calls.
const PREMISE_P: f64 = 0.55;
const DISPATCH_PREMISE_P: f64 = 0.5;
/// Records requests per hour, bulk exports per shift.
const REQUESTS_PER_HOUR: f64 = 1.6;
/// No known citizen is looked up under an exempt purpose by two logins
/// within this many seconds.
pub(super) const SPACING: i64 = 48 * HOUR;

/// Systems one typed query fans out to.
const FAN_PATROL: [&[u8]; 4] = [&[RMS, NCIC], &[RMS, NCIC, DMV], &[NCIC, DMV], &[RMS]];
const FAN_PATROL_W: [u32; 4] = [25, 55, 15, 5];
const FAN_PREMISE: [&[u8]; 2] = [&[CAD, RMS], &[CAD]];
const FAN_STOP: [&[u8]; 3] = [&[DMV, NCIC], &[DMV, NCIC, RMS], &[NCIC, DMV]];
const FAN_DETECTIVE: [&[u8]; 4] = [&[RMS], &[RMS, NCIC], &[RMS, NCIC, JMS], &[RMS, JMS]];
const FAN_BORDER: [&[u8]; 2] = [&[POE, NCIC], &[POE, NCIC, DMV]];

pub(super) fn fan_patrol(rng: &mut impl Rng) -> &'static [u8] {
    FAN_PATROL[weighted(rng, &FAN_PATROL_W)]
}

fn fan_stop(rng: &mut impl Rng) -> &'static [u8] {
    FAN_STOP[weighted(rng, &[45, 35, 20])]
}

fn fan_detective(rng: &mut impl Rng) -> &'static [u8] {
    FAN_DETECTIVE[weighted(rng, &[25, 35, 25, 15])]
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Shift {
    pub login: u16,
    pub emp: u16,
    pub unit: Unit,
    pub start: i64,
    pub end: i64,
    pub client: u16,
    pub session: u32,
    /// Local date the shift starts on.
    pub day: Day,
    pub training: bool,
}

/// A shift's work on one case, allowed by the login's assignment `a` to it:
/// what every lookup under that case shares.
#[derive(Clone, Copy)]
struct CaseWork {
    sh: Shift,
    case: u32,
    a: u32,
}

/// A query about to be emitted (once per system it fans out to).
#[derive(Clone, Copy, Debug)]
pub(super) struct Q {
    pub t: i64,
    pub login: u16,
    pub client: u16,
    pub session: u32,
    pub target: Target,
    pub form: u8,
    pub case_kind: u8,
    pub case: u32,
    pub purpose: u8,
    pub action: u8,
    /// Rows returned, when fixed (exports); else drawn per system.
    pub rows: Option<u32>,
    pub flags: u8,
    pub labels: u64,
}

impl Q {
    pub(super) fn event(&self, system: u8, seed: u64, result: u32) -> Ev {
        Ev {
            t: self.t,
            labels: self.labels,
            seed,
            target: self.target.pack(),
            case: self.case,
            result,
            session: self.session,
            login: self.login,
            client: self.client,
            form: self.form,
            case_kind: self.case_kind,
            system,
            action: self.action,
            purpose: self.purpose,
            flags: self.flags,
        }
    }

    /// A lookup of `target`, written as `form`, for `purpose`, under no
    /// case: what exempt purposes allow.
    fn look(sh: &Shift, t: i64, target: Target, form: u8, purpose: u8) -> Q {
        Q {
            target,
            form,
            purpose,
            ..Q::on(sh, t)
        }
    }

    pub(super) fn on(sh: &Shift, t: i64) -> Q {
        Q {
            t,
            login: sh.login,
            client: sh.client,
            session: sh.session,
            target: Target::None,
            form: 0,
            case_kind: CK_NONE,
            case: 0,
            purpose: P_NONE,
            action: A_QUERY,
            rows: None,
            flags: F_NORMAL,
            labels: 0,
        }
    }
}

pub(super) struct Sim<'w> {
    pub w: &'w World,
    pub book: CaseBook,
    pub events: Vec<Ev>,
    pub shifts: Vec<Shift>,
    /// Shift indices of each login, in time order.
    pub login_shifts: Vec<Vec<u32>>,
    /// Cases (and the assignment) each login works, as assigned.
    pub login_cases: Vec<Vec<(u32, u32)>>,
    /// Per person: lookups no case explains, as (time, login).
    pub seen: Vec<Vec<(i64, u16)>>,
    /// Patrol incidents: (call time, case), sorted after road work.
    pub incidents: Vec<(i64, u32)>,
    /// Login-days (UTC) holding an injected volume episode, and those
    /// labelled `daily_count` as a whole.
    pub episodes: Vec<(u16, Day)>,
    pub daily_days: Vec<(u16, Day)>,
    next_stranger: u32,
    pub scale: f64,
}

/// A day's pace: between half and one and a half of the usual.
fn day_factor(rng: &mut impl Rng) -> f64 {
    0.5 + (rng.random::<f64>() + rng.random::<f64>()) / 2.0
}

/// A whole number with mean `m`.
fn count(rng: &mut impl Rng, m: f64) -> usize {
    if m <= 0.0 {
        return 0;
    }
    let base = m.floor();
    (base + f64::from(u8::from(rng.random_bool((m - base).clamp(0.0, 1.0))))) as usize
}

fn sorted_times(rng: &mut impl Rng, lo: i64, hi: i64, n: usize) -> Vec<i64> {
    let mut v: Vec<i64> = (0..n).map(|_| span(rng, lo, hi)).collect();
    v.sort_unstable();
    v
}

/// The form of a case-work lookup of `p`, as patrol and detectives type it.
pub(super) fn casework_form(rng: &mut impl Rng, p: &Person, detective: bool) -> u8 {
    let w: [u32; 9] = if detective {
        [26, 10, 8, 5, 12, 8, 7, 8, 16]
    } else {
        [32, 14, 8, 6, 12, 9, 5, 8, 6]
    };
    match weighted(rng, &w) {
        0 => form(N_EXACT, T_DOB),
        1 => form(N_NOISY, T_DOB),
        2 => form(N_EXACT, 0),
        3 => form(N_INITIAL, T_DOB),
        4 => form(N_SURNAME, 0),
        5 if p.plate != 0 => form(N_NONE, T_PLATE),
        6 if p.phone != 0 => form(N_NONE, T_PHONE),
        7 => form(N_NONE, T_ADDR),
        8 => form(N_NONE, T_PID),
        _ => form(N_EXACT, T_DOB),
    }
}

/// Rows a lookup returns on one system.
fn rows_for(rng: &mut impl Rng, f: u8, target: Target, system: u8) -> u32 {
    if matches!(target, Target::Stranger(_)) {
        return u32::from(system == DMV && rng.random_bool(0.6));
    }
    match super::typing::name_style(f) {
        N_SURNAME => span(rng, 20, 400) as u32,
        N_INITIAL => span(rng, 1, 6) as u32,
        N_EXACT if f & 0x1f == 0 => span(rng, 1, 30) as u32,
        _ if f & T_ADDR != 0 => span(rng, 1, 25) as u32,
        _ => {
            if system == NCIC && rng.random_bool(0.7) {
                0
            } else {
                span(rng, 1, 2) as u32
            }
        }
    }
}

impl<'w> Sim<'w> {
    pub(super) fn new(w: &'w World, scale: f64) -> Sim<'w> {
        Sim {
            w,
            book: CaseBook::default(),
            events: Vec::new(),
            shifts: Vec::new(),
            login_shifts: vec![Vec::new(); w.logins.len()],
            login_cases: vec![Vec::new(); w.logins.len()],
            seen: vec![Vec::new(); w.pop.persons.len()],
            incidents: Vec::new(),
            episodes: Vec::new(),
            daily_days: Vec::new(),
            next_stranger: 0,
            scale,
        }
    }

    /// Emits `q` once per system, all with the same typing seed.
    pub(super) fn emit(&mut self, rng: &mut FastRng, q: &Q, systems: &[u8]) {
        let seed = rng.next_u64();
        for &system in systems {
            let result = match q.rows {
                Some(r) => r,
                None if q.action == A_QUERY => rows_for(rng, q.form, q.target, system),
                None => u32::MAX,
            };
            self.events.push(q.event(system, seed, result));
        }
    }

    /// The verdict of the ground truth on `q`, before emitting it.
    pub(super) fn probe(&self, q: &Q) -> Option<super::truth::Verdict> {
        super::truth::judge(self.w, &self.book, &q.event(RMS, 0, 0))
    }

    pub(super) fn new_stranger(&mut self) -> Target {
        self.next_stranger += 1;
        Target::Stranger(self.next_stranger)
    }

    /// A random citizen, a fifth of the time one of the frequent ones.
    pub(super) fn any_citizen(&self, rng: &mut impl Rng) -> u32 {
        let w = self.w;
        let n = if w.frequent > 0 && rng.random_bool(0.4) {
            w.frequent
        } else {
            w.citizens.len()
        };
        w.citizens[rng.random_range(0..n.max(1))]
    }

    /// `k` distinct citizens for a new case.
    fn draw_subjects(&self, rng: &mut impl Rng, k: usize) -> Vec<u32> {
        let mut v: Vec<u32> = Vec::with_capacity(k);
        while v.len() < k {
            let p = self.any_citizen(rng);
            if !v.contains(&p) {
                v.push(p);
            }
        }
        v
    }

    /// Whether `login` may look `p` up at `t` with no case explaining it
    /// without another login having done so within [`SPACING`].
    pub(super) fn spaced(&self, p: u32, login: u16, t: i64) -> bool {
        self.seen[p as usize]
            .iter()
            .all(|&(t2, l2)| l2 == login || (t - t2).abs() > SPACING)
    }

    /// A citizen `login` may look up at `t` under an exempt purpose.
    fn exempt_citizen(&mut self, rng: &mut impl Rng, login: u16, t: i64) -> Option<u32> {
        for _ in 0..6 {
            let p = self.w.citizens[rng.random_range(0..self.w.citizens.len().max(1))];
            if self.spaced(p, login, t) {
                self.seen[p as usize].push((t, login));
                return Some(p);
            }
        }
        None
    }

    /// Assigns `login` to `case` from `from` (by employee id for those whose
    /// cases are assigned that way, and now and then for others too).
    pub(super) fn assign_login(
        &mut self,
        rng: &mut impl Rng,
        case: u32,
        login: u16,
        from: Day,
    ) -> u32 {
        let by_emp = self.w.emp_of(login).by_employee || rng.random_bool(0.08);
        let a = self.book.assign(case, login, by_emp, from);
        if by_emp {
            for &l in &self.w.emp_of(login).logins {
                self.login_cases[l as usize].push((case, a));
            }
        } else {
            self.login_cases[login as usize].push((case, a));
        }
        a
    }

    /// A lookup of `target` under the case `on` works on, at `t`.
    #[allow(clippy::too_many_arguments)]
    fn case_lookup(
        &mut self,
        rng: &mut FastRng,
        on: CaseWork,
        t: i64,
        target: Target,
        f: u8,
        purpose: u8,
        systems: &[u8],
    ) {
        let q = Q {
            case_kind: CK_REAL,
            case: on.case,
            ..Q::look(&on.sh, t, target, f, purpose)
        };
        self.emit(rng, &q, systems);
        self.book.touch(on.case, Some(on.a), t);
    }

    // ------------------------------------------------------------- roster

    fn roster(&mut self, rng: &mut FastRng) {
        let w = self.w;
        let mut session = 0x10_0000u32;
        for (e, emp) in w.employees.iter().enumerate() {
            if emp.gone {
                continue;
            }
            for d in w.start..=w.end {
                if !w.on_staff(e as u16, d) {
                    continue;
                }
                let training = emp.training == Some(d);
                let weekend = is_weekend(d);
                let works = if training {
                    true
                } else if emp.unit.rotation() {
                    let k = (d + i64::from(emp.team)).rem_euclid(7);
                    k < if emp.long_shifts { 4 } else { 5 }
                        && !(weekend && rng.random_bool(0.2))
                        && !rng.random_bool(0.05)
                } else if weekend {
                    emp.unit == Unit::Investigations && rng.random_bool(0.04)
                } else {
                    !rng.random_bool(0.08)
                };
                if !works {
                    continue;
                }
                // Every shift lies inside one UTC day: day shifts end by
                // 16:30 local (23:30 UTC), night shifts start at 21:00 local
                // or later (04:00 UTC) and end by 08:00 (15:00 UTC).
                let (start, len) = if training {
                    (8 * HOUR, 8 * HOUR)
                } else if emp.unit.rotation() {
                    let len = if emp.long_shifts { 10 * HOUR } else { 8 * HOUR };
                    if emp.night {
                        (21 * HOUR + span(rng, 0, 2) * 30 * MINUTE, len)
                    } else {
                        (6 * HOUR + span(rng, 0, 2) * 15 * MINUTE, len)
                    }
                } else {
                    (
                        7 * HOUR + span(rng, 0, 3) * 15 * MINUTE,
                        8 * HOUR + 30 * MINUTE,
                    )
                };
                let login = match emp.logins.as_slice() {
                    [one] => *one,
                    [first, second, ..] => {
                        if rng.random_bool(0.7) {
                            *second
                        } else {
                            *first
                        }
                    }
                    [] => continue,
                };
                let pick = |rng: &mut FastRng, v: &[u16]| {
                    v.get(rng.random_range(0..v.len().max(1))).copied()
                };
                let client = if training {
                    pick(rng, &w.labs)
                } else {
                    match emp.unit {
                        Unit::Patrol | Unit::Traffic => pick(rng, &w.mdts[emp.site as usize]),
                        Unit::Dispatch => pick(rng, &w.consoles),
                        Unit::Border => pick(rng, &w.booths),
                        Unit::Investigations if rng.random_bool(0.08) => pick(rng, &w.vpn),
                        _ => Some(emp.desk),
                    }
                }
                .unwrap_or(emp.desk);
                session += 1 + rng.random_range(0..7u32);
                let idx = self.shifts.len() as u32;
                self.shifts.push(Shift {
                    login,
                    emp: e as u16,
                    unit: emp.unit,
                    start: at_local(d, start),
                    end: at_local(d, start + len),
                    client,
                    session,
                    day: d,
                    training,
                });
                self.login_shifts[login as usize].push(idx);
            }
        }
    }

    // -------------------------------------------------------------- units

    /// Draws the roster and every unit's work.
    pub(super) fn normal_work(&mut self, rng: &mut FastRng) {
        self.roster(rng);
        self.detective_caseloads(rng);
        let n = self.shifts.len() as u32;
        let mut road_by_day: BTreeMap<Day, Vec<u32>> = BTreeMap::new();
        for s in 0..n {
            let sh = self.shifts[s as usize];
            if !sh.training && sh.unit == Unit::Patrol {
                road_by_day.entry(sh.day).or_default().push(s);
            }
        }
        for s in 0..n {
            let sh = self.shifts[s as usize];
            if sh.training {
                continue;
            }
            match sh.unit {
                Unit::Patrol => self.patrol_shift(rng, s, &road_by_day),
                Unit::Traffic => self.traffic_shift(rng, s),
                _ => {}
            }
        }
        self.incidents.sort_unstable();
        self.premise_history(rng);
        for s in 0..n {
            let sh = self.shifts[s as usize];
            if sh.training {
                self.training_shift(rng, s);
                continue;
            }
            match sh.unit {
                Unit::Dispatch => self.dispatch_shift(rng, s),
                Unit::Investigations => self.detective_shift(rng, s),
                Unit::Records => self.records_shift(rng, s),
                Unit::Border => self.border_shift(rng, s),
                Unit::Command => self.command_shift(rng, s),
                Unit::Patrol | Unit::Traffic => {}
            }
        }
        for s in 0..n {
            let sh = self.shifts[s as usize];
            let system = match sh.unit {
                Unit::Dispatch => CAD,
                Unit::Border => POE,
                _ => RMS,
            };
            for (t, action) in [
                (sh.start + span(rng, 0, 240), A_LOGIN),
                (sh.end - span(rng, 0, 600), A_LOGOUT),
            ] {
                let q = Q {
                    action,
                    ..Q::on(&sh, t)
                };
                self.emit(rng, &q, &[system]);
            }
        }
    }

    fn patrol_shift(&mut self, rng: &mut FastRng, s: u32, road_by_day: &BTreeMap<Day, Vec<u32>>) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        let pace = w.employees[sh.emp as usize].pace;
        let hours = (sh.end - sh.start) as f64 / HOUR as f64;
        let f = day_factor(rng);
        let n = count(rng, pace * CALLS_PER_HOUR * hours * f * self.scale);
        let times = sorted_times(rng, sh.start + 10 * MINUTE, sh.end - 40 * MINUTE, n);
        let canvass = rng
            .random_bool(CANVASS_P)
            .then(|| rng.random_range(0..n.max(1)));
        // Calls come one after another: a call starts when the last one's
        // lookups are done.
        let mut next_free = sh.start;
        for (i, &t0) in times.iter().enumerate() {
            let t = t0.max(next_free);
            if t > sh.end - 40 * MINUTE {
                break;
            }
            let big = canvass == Some(i);
            let k = if big {
                span(rng, 10, 15) as usize
            } else {
                [1, 2, 3, 4][weighted(rng, &[35, 40, 18, 7])]
            };
            let subjects = self.draw_subjects(rng, k);
            let case = self.book.new_case(t, Unit::Patrol, &subjects, 0.15);
            let a = self.assign_login(rng, case, sh.login, local_day(t));
            let on = CaseWork { sh, case, a };
            self.incidents.push((t, case));
            let mut tt = t + span(rng, 60, 300);
            if big {
                // A canvass: most of the people are looked up within ten
                // minutes, at most 32 lookups in all.
                let step = (9 * MINUTE) / subjects.len() as i64;
                let mut total = 0;
                for &p in &subjects {
                    let fan: &[u8] = if total + 3 <= CANVASS_MAX && rng.random_bool(0.3) {
                        &[RMS, NCIC, DMV]
                    } else if total + 2 <= CANVASS_MAX {
                        &[RMS, NCIC]
                    } else {
                        break;
                    };
                    total += fan.len();
                    let fm = casework_form(rng, &w.pop.persons[p as usize], false);
                    self.case_lookup(rng, on, tt, Target::Person(p), fm, P_CFS, fan);
                    tt += step.max(5);
                }
                next_free = tt + span(rng, 2 * MINUTE, 6 * MINUTE);
                continue;
            }
            for &p in &subjects {
                for _ in 0..if rng.random_bool(0.8) { 2 } else { 1 } {
                    let fm = casework_form(rng, &w.pop.persons[p as usize], false);
                    let purpose = [P_CFS, P_NONE, P_INVESTIGATION][weighted(rng, &[50, 35, 15])];
                    let fan = fan_patrol(rng);
                    self.case_lookup(rng, on, tt, Target::Person(p), fm, purpose, fan);
                    tt += span(rng, 20, 150);
                }
            }
            if rng.random_bool(0.12) {
                // A car at the scene that belongs to nobody on file.
                let stranger = self.new_stranger();
                self.case_lookup(
                    rng,
                    on,
                    tt,
                    stranger,
                    form(N_NONE, T_PLATE),
                    P_CFS,
                    &[DMV, NCIC],
                );
                tt += span(rng, 20, 90);
            }
            next_free = tt + span(rng, 2 * MINUTE, 6 * MINUTE);
            if rng.random_bool(BACKUP_P) {
                self.backup(rng, s, t, case, road_by_day);
            }
            if rng.random_bool(0.2) {
                // Writing the report at the end of the shift.
                let tr = (sh.end - span(rng, 5 * MINUTE, 50 * MINUTE)).max(tt + MINUTE);
                if tr < sh.end - MINUTE {
                    let p = subjects[rng.random_range(0..subjects.len())];
                    let fm = casework_form(rng, &w.pop.persons[p as usize], false);
                    self.case_lookup(rng, on, tr, Target::Person(p), fm, P_FOLLOW_UP, &[RMS]);
                }
            }
        }
        let stops = count(rng, pace * PATROL_STOPS_PER_HOUR * hours * f * self.scale);
        for _ in 0..stops {
            let t = span(rng, sh.start + 15 * MINUTE, sh.end - 30 * MINUTE);
            self.traffic_stop(rng, &sh, t);
        }
    }

    /// Another patrol officer on shift at the same site joins the call.
    fn backup(
        &mut self,
        rng: &mut FastRng,
        s: u32,
        t: i64,
        case: u32,
        road_by_day: &BTreeMap<Day, Vec<u32>>,
    ) {
        let me = self.shifts[s as usize];
        let Some(cands) = road_by_day.get(&me.day) else {
            return;
        };
        let site = self.w.clients[me.client as usize].site;
        for _ in 0..16 {
            let o = cands[rng.random_range(0..cands.len())];
            let other = self.shifts[o as usize];
            if other.emp == me.emp
                || self.w.clients[other.client as usize].site != site
                || other.start > t
                || t + 30 * MINUTE > other.end
            {
                continue;
            }
            let a = self.assign_login(rng, case, other.login, local_day(t));
            let backup = CaseWork { sh: other, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let mut tt = t + span(rng, 3 * MINUTE, 12 * MINUTE);
            for _ in 0..span(rng, 0, 2) {
                let p = subjects[rng.random_range(0..subjects.len())];
                let fm = casework_form(rng, &self.w.pop.persons[p as usize], false);
                let fan = fan_patrol(rng);
                self.case_lookup(rng, backup, tt, Target::Person(p), fm, P_CFS, fan);
                tt += span(rng, 30, 240);
            }
            return;
        }
    }

    /// A traffic stop: the plate, then the driver's licence.
    fn traffic_stop(&mut self, rng: &mut FastRng, sh: &Shift, t: i64) {
        let driver = if rng.random_bool(0.4) {
            self.exempt_citizen(rng, sh.login, t)
        } else {
            None
        };
        let (target, plate) = match driver {
            Some(p) => (Target::Person(p), self.w.pop.persons[p as usize].plate != 0),
            None => (self.new_stranger(), true),
        };
        let purpose = if rng.random_bool(0.06) {
            P_TRAFFIC_SAID
        } else {
            P_TRAFFIC
        };
        let mut tt = t;
        if plate {
            let fan = fan_stop(rng);
            self.emit(
                rng,
                &Q::look(sh, tt, target, form(N_NONE, T_PLATE), purpose),
                fan,
            );
            tt += span(rng, 40, 180);
        }
        if !plate || rng.random_bool(0.85) {
            let name = if rng.random_bool(0.75) {
                N_EXACT
            } else {
                N_NOISY
            };
            let fan = fan_stop(rng);
            self.emit(
                rng,
                &Q::look(sh, tt, target, form(name, T_DOB), purpose),
                fan,
            );
        }
    }

    fn traffic_shift(&mut self, rng: &mut FastRng, s: u32) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        let pace = w.employees[sh.emp as usize].pace;
        let hours = (sh.end - sh.start) as f64 / HOUR as f64;
        let f = day_factor(rng);
        let stops = count(rng, pace * TRAFFIC_STOPS_PER_HOUR * hours * f * self.scale);
        for t in sorted_times(rng, sh.start + 15 * MINUTE, sh.end - 20 * MINUTE, stops) {
            self.traffic_stop(rng, &sh, t);
        }
        let crashes = count(rng, CRASHES_PER_HOUR * hours * f * self.scale);
        for t in sorted_times(rng, sh.start + 20 * MINUTE, sh.end - 90 * MINUTE, crashes) {
            let subjects = {
                let k = span(rng, 2, 3) as usize;
                self.draw_subjects(rng, k)
            };
            let case = self.book.new_case(t, Unit::Traffic, &subjects, 0.3);
            let a = self.assign_login(rng, case, sh.login, local_day(t));
            let on = CaseWork { sh, case, a };
            let mut tt = t + span(rng, 5 * MINUTE, 20 * MINUTE);
            for &p in &subjects {
                let person = &w.pop.persons[p as usize];
                let name = if rng.random_bool(0.8) {
                    N_EXACT
                } else {
                    N_NOISY
                };
                let fan = fan_stop(rng);
                self.case_lookup(
                    rng,
                    on,
                    tt,
                    Target::Person(p),
                    form(name, T_DOB),
                    P_CRASH,
                    fan,
                );
                tt += span(rng, 30, 120);
                if person.plate != 0 {
                    self.case_lookup(
                        rng,
                        on,
                        tt,
                        Target::Person(p),
                        form(N_NONE, T_PLATE),
                        P_CRASH,
                        &[DMV, NCIC],
                    );
                    tt += span(rng, 30, 120);
                }
            }
        }
    }

    /// Dispatchers on duty look up the premise of patrol incidents: the
    /// address alone, under the incident, to which they are assigned.
    fn premise_history(&mut self, rng: &mut FastRng) {
        let mut by_day: BTreeMap<Day, Vec<u32>> = BTreeMap::new();
        for (s, sh) in self.shifts.iter().enumerate() {
            if sh.unit == Unit::Dispatch && !sh.training {
                by_day.entry(sh.day).or_default().push(s as u32);
            }
        }
        for i in 0..self.incidents.len() {
            let (t, case) = self.incidents[i];
            if !rng.random_bool(PREMISE_P) {
                continue;
            }
            let d = local_day(t);
            let cands: Vec<u32> = [d - 1, d]
                .iter()
                .filter_map(|k| by_day.get(k))
                .flatten()
                .copied()
                .filter(|&s| {
                    let sh = &self.shifts[s as usize];
                    sh.start + 5 * MINUTE <= t && t + 10 * MINUTE <= sh.end
                })
                .collect();
            let Some(&s) = cands.get(rng.random_range(0..cands.len().max(1))) else {
                continue;
            };
            let sh = self.shifts[s as usize];
            let a = self.assign_login(rng, case, sh.login, local_day(t));
            let on = CaseWork { sh, case, a };
            let resident = self.book.subjects_of(case)[0];
            let purpose = if rng.random_bool(0.6) {
                P_PREMISE
            } else {
                P_NONE
            };
            let fan = FAN_PREMISE[weighted(rng, &[70, 30])];
            let tt = t + span(rng, 5, 90);
            self.case_lookup(
                rng,
                on,
                tt,
                Target::Person(resident),
                form(N_NONE, T_ADDR),
                purpose,
                fan,
            );
        }
    }

    /// Calls a dispatcher takes that no officer is sent to.
    fn dispatch_shift(&mut self, rng: &mut FastRng, s: u32) {
        let sh = self.shifts[s as usize];
        let pace = self.w.employees[sh.emp as usize].pace;
        let hours = (sh.end - sh.start) as f64 / HOUR as f64;
        let f = day_factor(rng);
        let n = count(rng, pace * DISPATCH_CALLS_PER_HOUR * hours * f * self.scale);
        for t in sorted_times(rng, sh.start + 5 * MINUTE, sh.end - 10 * MINUTE, n) {
            let k = if rng.random_bool(0.5) { 1 } else { 2 };
            let subjects = self.draw_subjects(rng, k);
            let case = self.book.new_case(t, Unit::Dispatch, &subjects, 0.3);
            let premise = rng.random_bool(DISPATCH_PREMISE_P);
            let caller = rng.random_bool(0.12);
            if !premise && !caller {
                // Handled without a lookup; the call-taker is recorded on
                // the case now and then.
                if rng.random_bool(0.3) {
                    self.assign_login(rng, case, sh.login, local_day(t));
                }
                continue;
            }
            let a = self.assign_login(rng, case, sh.login, local_day(t));
            let on = CaseWork { sh, case, a };
            if premise {
                let fan = FAN_PREMISE[weighted(rng, &[70, 30])];
                let purpose = if rng.random_bool(0.6) {
                    P_PREMISE
                } else {
                    P_NONE
                };
                let tt = t + span(rng, 5, 60);
                self.case_lookup(
                    rng,
                    on,
                    tt,
                    Target::Person(subjects[0]),
                    form(N_NONE, T_ADDR),
                    purpose,
                    fan,
                );
            }
            if caller {
                let p = subjects[subjects.len() - 1];
                let person = &self.w.pop.persons[p as usize];
                let fm = if person.phone != 0 && rng.random_bool(0.4) {
                    form(N_NONE, T_PHONE)
                } else {
                    form(N_EXACT, T_DOB)
                };
                let tt = t + span(rng, 60, 240);
                self.case_lookup(rng, on, tt, Target::Person(p), fm, P_CFS, &[CAD, RMS]);
            }
        }
    }

    /// Detectives' caseloads at the start of the window: open cases opened
    /// weeks or months before, a few closed ones, now and then a case whose
    /// victim is a colleague or someone on the watchlist.
    fn detective_caseloads(&mut self, rng: &mut FastRng) {
        let w = self.w;
        for (e, emp) in w.employees.iter().enumerate() {
            if emp.gone || emp.unit != Unit::Investigations {
                continue;
            }
            let Some(&login) = emp.logins.first() else {
                continue;
            };
            for _ in 0..span(rng, 6, 14) {
                let opened = w.start - span(rng, 5, 240);
                let t = at_local(opened, span(rng, 8 * HOUR, 17 * HOUR));
                let mut subjects = {
                    let k = span(rng, 4, 12) as usize;
                    self.draw_subjects(rng, k)
                };
                let special = weighted(rng, &[90, 5, 5]);
                if special == 1 {
                    // A colleague's car was broken into: they are the victim.
                    let other = rng.random_range(0..w.employees.len());
                    if other != e && !w.employees[other].gone {
                        subjects.insert(0, w.employees[other].person);
                    }
                } else if special == 2 && !w.watch.is_empty() {
                    let x = &w.watch[rng.random_range(0..w.watch.len())];
                    subjects.insert(0, x.person);
                }
                let case = self.book.new_case(t, Unit::Investigations, &subjects, 0.12);
                let from = emp.joined.map_or(opened, |j| j.max(opened));
                self.assign_login(rng, case, login, from);
            }
            for _ in 0..span(rng, 2, 5) {
                let opened = w.start - span(rng, 60, 400);
                let closed = (w.start - span(rng, 2, 50)).max(opened + 5);
                let t = at_local(opened, span(rng, 8 * HOUR, 17 * HOUR));
                let subjects = {
                    let k = span(rng, 3, 8) as usize;
                    self.draw_subjects(rng, k)
                };
                let case = self
                    .book
                    .closed_case(t, Unit::Investigations, &subjects, closed);
                let a = self.assign_login(rng, case, login, opened);
                self.book.assigns[a as usize].to = Some(closed);
            }
        }
    }

    /// The open cases about someone that `login` works on `day` (opened
    /// before it, assignment running, not one closed before the window).
    pub(super) fn open_cases(&self, login: u16, day: Day) -> Vec<(u32, u32)> {
        self.login_cases[login as usize]
            .iter()
            .copied()
            .filter(|&(c, a)| {
                let case = &self.book.cases[c as usize];
                let asg = &self.book.assigns[a as usize];
                case.closed.is_none()
                    && case.opened < day
                    && asg.to.is_none()
                    && asg.from < day
                    && case.subj_len > 0
            })
            .collect()
    }

    fn detective_shift(&mut self, rng: &mut FastRng, s: u32) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        let mut open: Vec<(u32, u32)> = self.open_cases(sh.login, sh.day);
        if rng.random_bool((0.25 * self.scale).clamp(0.0, 1.0)) || open.is_empty() {
            let t = span(rng, sh.start + 30 * MINUTE, sh.start + 3 * HOUR);
            let subjects = {
                let k = span(rng, 4, 12) as usize;
                self.draw_subjects(rng, k)
            };
            let case = self.book.new_case(t, Unit::Investigations, &subjects, 0.12);
            let a = self.assign_login(rng, case, sh.login, local_day(t));
            let on = CaseWork { sh, case, a };
            let mut tt = t + span(rng, 5 * MINUTE, 30 * MINUTE);
            for &p in subjects.iter().take(4) {
                let fm = casework_form(rng, &w.pop.persons[p as usize], true);
                let fan = fan_detective(rng);
                self.case_lookup(rng, on, tt, Target::Person(p), fm, P_INVESTIGATION, fan);
                tt += span(rng, 2 * MINUTE, 10 * MINUTE);
            }
        }
        if open.is_empty() {
            return;
        }
        let f = day_factor(rng);
        if rng.random_bool(0.03) {
            // Warrant day: a dozen people on one case within ten minutes.
            let (case, a) = open[rng.random_range(0..open.len())];
            let on = CaseWork { sh, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let mut tt = span(rng, sh.start + HOUR, sh.end - 2 * HOUR);
            let mut total = 0;
            for &p in subjects.iter().cycle().take(span(rng, 10, 14) as usize) {
                let fan = fan_detective(rng);
                if total + fan.len() > CANVASS_MAX {
                    break;
                }
                total += fan.len();
                let fm = casework_form(rng, &w.pop.persons[p as usize], true);
                self.case_lookup(rng, on, tt, Target::Person(p), fm, P_WARRANT, fan);
                tt += span(rng, 25, 50);
            }
        }
        let k = count(rng, 3.0 * f * self.scale).clamp(1, open.len());
        let (chosen, _) = open.partial_shuffle(rng, k);
        let chosen = chosen.to_vec();
        for (case, a) in chosen {
            let on = CaseWork { sh, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let n = span(rng, 3, 9) as usize;
            for t in sorted_times(rng, sh.start + 20 * MINUTE, sh.end - 20 * MINUTE, n) {
                let p = subjects[rng.random_range(0..subjects.len())];
                let fm = casework_form(rng, &w.pop.persons[p as usize], true);
                let purpose = [P_INVESTIGATION, P_FOLLOW_UP, P_NONE][weighted(rng, &[55, 20, 25])];
                let fan = fan_detective(rng);
                self.case_lookup(rng, on, t, Target::Person(p), fm, purpose, fan);
            }
        }
    }

    /// Records requests on older incidents, and bulk exports.
    fn records_shift(&mut self, rng: &mut FastRng, s: u32) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        let pace = w.employees[sh.emp as usize].pace;
        let hours = (sh.end - sh.start) as f64 / HOUR as f64;
        let f = day_factor(rng);
        let older = self
            .incidents
            .partition_point(|x| x.0 < sh.start - 24 * HOUR);
        let n = if older == 0 {
            0
        } else {
            count(rng, pace * REQUESTS_PER_HOUR * hours * f * self.scale)
        };
        for t in sorted_times(rng, sh.start + 15 * MINUTE, sh.end - 15 * MINUTE, n) {
            let (_, case) = self.incidents[rng.random_range(0..older)];
            let a = self.assign_login(rng, case, sh.login, sh.day);
            let on = CaseWork { sh, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let mut tt = t;
            for _ in 0..span(rng, 1, 2) {
                let p = subjects[rng.random_range(0..subjects.len())];
                let fm = [
                    form(N_EXACT, T_DOB),
                    form(N_NONE, T_PID),
                    form(N_SURNAME, 0),
                ][weighted(rng, &[50, 35, 15])];
                self.case_lookup(rng, on, tt, Target::Person(p), fm, P_RECORDS, &[RMS]);
                tt += span(rng, 30, 300);
            }
        }
        if self.scale > 0.0 {
            for _ in 0..span(rng, 1, 3) {
                let t = span(rng, sh.start + 30 * MINUTE, sh.end - 30 * MINUTE);
                let case = self.book.new_case(t - 10 * MINUTE, Unit::Records, &[], 0.5);
                let a = self.assign_login(rng, case, sh.login, local_day(t - 10 * MINUTE));
                let rows = (1000.0 * 20f64.powf(rng.random::<f64>())) as u32;
                let q = Q {
                    action: A_EXPORT,
                    case_kind: CK_REAL,
                    case,
                    purpose: P_RECORDS,
                    rows: Some(rows),
                    ..Q::on(&sh, t)
                };
                self.emit(rng, &q, &[RMS]);
                self.book.touch(case, Some(a), t);
            }
        }
    }

    /// Travellers at the port of entry, under `BORDER_INSPECTION`.
    fn border_shift(&mut self, rng: &mut FastRng, s: u32) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        let pace = w.employees[sh.emp as usize].pace;
        let hours = (sh.end - sh.start) as f64 / HOUR as f64;
        let f = day_factor(rng);
        let n = count(rng, pace * TRAVELLERS_PER_HOUR * hours * f * self.scale);
        for t in sorted_times(rng, sh.start + 5 * MINUTE, sh.end - 10 * MINUTE, n) {
            let known = if rng.random_bool(0.25) {
                self.exempt_citizen(rng, sh.login, t)
            } else {
                None
            };
            let target = known.map_or_else(|| self.new_stranger(), Target::Person);
            let purpose = if rng.random_bool(0.05) {
                P_BORDER_SAID
            } else {
                P_BORDER
            };
            let name = [N_EXACT, N_NOISY, N_INITIAL][weighted(rng, &[70, 20, 10])];
            let fan = FAN_BORDER[weighted(rng, &[75, 25])];
            self.emit(
                rng,
                &Q::look(&sh, t, target, form(name, T_DOB), purpose),
                fan,
            );
            let has_plate = known.is_none_or(|p| w.pop.persons[p as usize].plate != 0);
            if has_plate && rng.random_bool(0.45) {
                let fan: &[u8] = if rng.random_bool(0.5) {
                    &[POE, NCIC]
                } else {
                    &[POE, DMV]
                };
                let tp = t + span(rng, 10, 60);
                self.emit(
                    rng,
                    &Q::look(&sh, tp, target, form(N_NONE, T_PLATE), purpose),
                    fan,
                );
            }
            if rng.random_bool(0.04) {
                // Secondary inspection.
                let mut tt = t + span(rng, 3 * MINUTE, 8 * MINUTE);
                for _ in 0..span(rng, 1, 3) {
                    let fm = match known {
                        Some(p) if w.pop.persons[p as usize].phone != 0 && rng.random_bool(0.4) => {
                            form(N_NONE, T_PHONE)
                        }
                        Some(_) if rng.random_bool(0.5) => form(N_NONE, T_PID),
                        _ => form(N_NOISY, T_DOB),
                    };
                    self.emit(rng, &Q::look(&sh, tt, target, fm, purpose), &[POE, NCIC]);
                    tt += span(rng, 30, 120);
                }
            }
        }
    }

    /// Command staff review recent incident reports, assigned as reviewers.
    fn command_shift(&mut self, rng: &mut FastRng, s: u32) {
        let sh = self.shifts[s as usize];
        let upto = self.incidents.partition_point(|x| x.0 < sh.start - HOUR);
        let from = self
            .incidents
            .partition_point(|x| x.0 < sh.start - 72 * HOUR);
        if upto <= from {
            return;
        }
        let k = span(rng, 0, 5) as usize;
        for t in sorted_times(rng, sh.start + 30 * MINUTE, sh.end - 30 * MINUTE, k) {
            let (_, case) = self.incidents[rng.random_range(from..upto)];
            let a = self.assign_login(rng, case, sh.login, sh.day);
            let on = CaseWork { sh, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let p = subjects[rng.random_range(0..subjects.len())];
            self.case_lookup(
                rng,
                on,
                t,
                Target::Person(p),
                form(N_EXACT, T_DOB),
                P_REVIEW,
                &[RMS],
            );
        }
    }

    /// A day at the academy: a few lookups on one's own open cases.
    fn training_shift(&mut self, rng: &mut FastRng, s: u32) {
        let w = self.w;
        let sh = self.shifts[s as usize];
        debug_assert_eq!(w.clients[sh.client as usize].site, Some(ACADEMY));
        debug_assert_eq!(w.clients[sh.client as usize].kind, ClientKind::Lab);
        let open = self.open_cases(sh.login, sh.day);
        if open.is_empty() {
            return;
        }
        let k = span(rng, 1, 3) as usize;
        for t in sorted_times(rng, sh.start + HOUR, sh.end - HOUR, k) {
            let (case, a) = open[rng.random_range(0..open.len())];
            let on = CaseWork { sh, case, a };
            let subjects = self.book.subjects_of(case).to_vec();
            let p = subjects[rng.random_range(0..subjects.len())];
            let fm = casework_form(rng, &w.pop.persons[p as usize], true);
            self.case_lookup(rng, on, t, Target::Person(p), fm, P_TRAINING, &[RMS]);
        }
    }

    /// Closes, numbers and indexes the cases once normal work is done.
    pub(super) fn finish_cases(&mut self, rng: &mut FastRng) {
        self.book.finish(rng, self.w);
    }
}
