//! Shared credentials: an account used after its owner was terminated or
//! went on leave, a login used at a second site while its owner goes on
//! working at their own workstation, and a login used at the academy, hundreds of kilometres
//! away, a quarter of an hour after a lookup at home.
//!
//! The injected lookups themselves are unremarkable (strangers under an
//! exempt purpose, or the user's own cases), so they carry no other label;
//! the `shared_credential` labels come from [`replay`](super::replay), which
//! applies the rules to the finished, ordered events.

use super::agency::Status;
use super::clock::{at_local, HOUR, MINUTE};
use super::misuse::Plan;
use super::typing::{form, N_EXACT, T_DOB};
use super::work::{casework_form, Shift, Sim, P_INVESTIGATION, P_NONE, P_TRAFFIC, Q};
use super::{Target, A_LOGIN, CK_NONE, CK_REAL, F_CRED, NCIC, RMS};
use crate::gen::world::{span, FastRng};
use rand::seq::SliceRandom;
use rand::Rng;

impl Sim<'_> {
    /// An unremarkable lookup by the shift's login at `t`: a subject of one
    /// of its open cases, else a stranger under an exempt purpose.
    fn quiet_lookup(&mut self, rng: &mut FastRng, sh: &Shift, t: i64) {
        let w = self.w;
        let open = self.open_cases(sh.login, super::clock::local_day(t) - 1);
        if let Some(&(c, _)) = open.get(rng.random_range(0..open.len().max(1))) {
            let subj = self.book.subjects_of(c);
            let p = subj[rng.random_range(0..subj.len())];
            let q = Q {
                target: Target::Person(p),
                form: casework_form(rng, &w.pop.persons[p as usize], false),
                case_kind: CK_REAL,
                case: c,
                purpose: P_INVESTIGATION,
                flags: F_CRED,
                ..Q::on(sh, t)
            };
            if self.probe(&q).is_some_and(|v| v.labels == 0) {
                self.emit(rng, &q, &[RMS]);
                return;
            }
        }
        let target = self.new_stranger();
        let q = Q {
            target,
            form: form(N_EXACT, T_DOB),
            purpose: P_TRAFFIC,
            flags: F_CRED,
            ..Q::on(sh, t)
        };
        self.emit(rng, &q, &[NCIC]);
    }

    pub(super) fn inject_credentials(&mut self, rng: &mut FastRng, plan: &Plan) {
        let w = self.w;
        // Event times of each login, to find quiet moments.
        let mut times: Vec<Vec<i64>> = vec![Vec::new(); w.logins.len()];
        for e in &self.events {
            times[e.login as usize].push(e.t);
        }
        for v in &mut times {
            v.sort_unstable();
        }

        // Accounts used after their owner left.
        let mut gone: Vec<u16> = (0..w.employees.len() as u16)
            .filter(|&e| {
                let emp = &w.employees[e as usize];
                !emp.gone
                    && emp.status != Status::Active
                    && emp.end.is_some_and(|x| x + 2 <= w.end)
                    && emp
                        .logins
                        .iter()
                        .any(|&l| !self.login_shifts[l as usize].is_empty())
            })
            .collect();
        gone.shuffle(rng);
        gone.truncate(plan.count(1, 0.7));
        for e in gone {
            let emp = &w.employees[e as usize];
            let Some(end) = emp.end else {
                continue;
            };
            let Some(&login) = emp.logins.first() else {
                continue;
            };
            let Some(&last) = self.login_shifts[login as usize].last() else {
                continue;
            };
            for _ in 0..span(rng, 1, 3) {
                let day = span(rng, end + 2, w.end);
                let mut sh = self.shifts[last as usize];
                sh.client = if rng.random_bool(0.5) {
                    w.vpn[rng.random_range(0..w.vpn.len())]
                } else {
                    emp.desk
                };
                sh.session = 0x0E00_0000 + rng.random_range(0..0x00FF_FFFFu32);
                let mut t = at_local(day, span(rng, 9 * HOUR, 15 * HOUR));
                let q = Q {
                    action: A_LOGIN,
                    flags: F_CRED,
                    ..Q::on(&sh, t)
                };
                self.emit(rng, &q, &[RMS]);
                for _ in 0..span(rng, 3, 12) {
                    t += span(rng, MINUTE, 6 * MINUTE);
                    let target = match self.known_citizen(rng, login, t) {
                        Some(p) => Target::Person(p),
                        None => self.new_stranger(),
                    };
                    let f = match target {
                        Target::Person(p) => casework_form(rng, &w.pop.persons[p as usize], false),
                        _ => form(N_EXACT, T_DOB),
                    };
                    let q = Q {
                        target,
                        form: f,
                        case_kind: CK_NONE,
                        purpose: P_NONE,
                        flags: F_CRED,
                        ..Q::on(&sh, t)
                    };
                    if let Some(v) = self.probe(&q) {
                        self.emit(rng, &q, &[RMS]);
                        if let (Target::Person(p), false) = (target, v.explained) {
                            self.seen[p as usize].push((t, login));
                        }
                    }
                }
            }
        }

        let logins: Vec<u16> = self
            .working_logins()
            .into_iter()
            .filter(|&l| !w.emp_of(l).night)
            .collect();
        if logins.is_empty() {
            return;
        }
        // The same login at another site while its owner goes on working.
        for i in 0..plan.count(2, 1.0) {
            for _ in 0..40 {
                let login = logins[rng.random_range(0..logins.len())];
                let (lo, hi) = plan.days(i);
                let Some(s) = self.shift_of(rng, login, lo, hi) else {
                    continue;
                };
                let sh = self.shifts[s as usize];
                let Some(home) = w.clients[sh.client as usize].site else {
                    continue;
                };
                let others: Vec<u16> = w
                    .desks
                    .iter()
                    .enumerate()
                    .filter(|(site, _)| {
                        *site as u8 != home && *site as u8 != super::agency::ACADEMY
                    })
                    .flat_map(|(_, d)| d.iter().copied())
                    .collect();
                let Some(&away) = others.get(rng.random_range(0..others.len().max(1))) else {
                    continue;
                };
                let t0 = span(rng, sh.start + 30 * MINUTE, sh.end - HOUR);
                self.quiet_lookup(rng, &sh, t0);
                let mut t = t0 + span(rng, 60, 4 * MINUTE);
                let mut other = sh;
                other.client = away;
                other.session = 0x0D00_0000 + rng.random_range(0..0x00FF_FFFFu32);
                for _ in 0..span(rng, 1, 3) {
                    self.quiet_lookup(rng, &other, t);
                    t += span(rng, 20, 90);
                }
                // The owner, still at their desk, looks someone up before nine
                // minutes have passed since their last lookup there.
                self.quiet_lookup(rng, &sh, t);
                break;
            }
        }
        // The same login at the academy a quarter of an hour after a lookup
        // at home, with nothing else in between.
        for i in 0..plan.count(1, 0.8) {
            for _ in 0..60 {
                let login = logins[rng.random_range(0..logins.len())];
                let (lo, hi) = plan.days(i);
                let Some(s) = self.shift_of(rng, login, lo, hi) else {
                    continue;
                };
                let sh = self.shifts[s as usize];
                if w.clients[sh.client as usize].site.is_none() {
                    continue;
                }
                let t0 = span(rng, sh.start + 30 * MINUTE, sh.end - 2 * HOUR);
                let t1 = t0 + span(rng, 15 * MINUTE, 25 * MINUTE);
                let tl = &times[login as usize];
                let a = tl.partition_point(|&x| x <= t0);
                let b = tl.partition_point(|&x| x <= t1 + 11 * MINUTE);
                if a != b {
                    continue;
                }
                self.quiet_lookup(rng, &sh, t0);
                let mut far = sh;
                far.client = w.labs[rng.random_range(0..w.labs.len())];
                far.session = 0x0C00_0000 + rng.random_range(0..0x00FF_FFFFu32);
                let mut t = t1;
                for _ in 0..span(rng, 1, 3) {
                    self.quiet_lookup(rng, &far, t);
                    t += span(rng, 20, 90);
                }
                break;
            }
        }
    }
}
