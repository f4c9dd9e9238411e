//! Injected misconduct of the identity and `no_case` kinds: officers
//! looking up themselves, colleagues, the people they are connected to and
//! people on the watchlist, with or without a cover case; lookups with no
//! case, a made-up case number, a closed case, someone else's case, or one's
//! own case that does not list the person; and surges of curiosity about a
//! person in the news.
//!
//! Each lookup is made from one of the user's real shifts (their own
//! workstation and session), is judged by [`truth`](super::truth) before it
//! is emitted, and is redrawn until the labels it was meant for come out
//! under every reading of dates. Rates are low and grow with the square root
//! of the world's size; the first episode of every kind falls in the first
//! two weeks.

use super::agency::{Unit, World, CATEGORIES, RELATIONS};
use super::clock::{at_local, local_day, year_of, Day, HOUR, MINUTE};
use super::people::{M_ADDR, M_DOB, M_PHONE, M_PID, M_PLATE};
use super::truth::Verdict;
use super::typing::{
    form, K_ADDR, K_NAME_DOB, K_NAME_ONLY, K_PHONE, K_PID, K_PLATE, N_EXACT, N_NOISY, N_NONE,
    T_ADDR, T_DOB, T_PHONE, T_PID, T_PLATE,
};
use super::work::{
    fan_patrol, Shift, Sim, P_BACKGROUND, P_BORDER, P_GENERAL, P_INVESTIGATION, P_NONE, P_TRAFFIC,
    Q,
};
use super::{
    bit, Target, CK_NONE, CK_REAL, CK_UNKNOWN, F_MISUSE, IDENTITY_BITS, L_ASSOC, L_COWORKER,
    L_NO_CASE, L_SELF, L_WATCH, NO_CASE_BITS,
};
use crate::gen::world::{span, weighted, FastRng};
use rand::seq::SliceRandom;
use rand::Rng;

/// How many episodes of each kind a world gets, and when.
pub(super) struct Plan {
    /// Square root of the world's size in units of 80 users x 14 days.
    k: f64,
    start: Day,
    end: Day,
}

impl Plan {
    pub(super) fn new(w: &World) -> Plan {
        let user_days = w.employees.len() as f64 * f64::from(w.days);
        Plan {
            k: (user_days / 1120.0).sqrt(),
            start: w.start,
            end: w.end,
        }
    }

    /// At least `floor` episodes, `per` per unit of size.
    pub(super) fn count(&self, floor: usize, per: f64) -> usize {
        floor.max((per * self.k).round() as usize)
    }

    /// The days the `i`-th episode of a kind may fall on: the first two
    /// weeks for the first, the whole window for the rest.
    pub(super) fn days(&self, i: usize) -> (Day, Day) {
        if i == 0 {
            (self.start, self.end.min(self.start + 13))
        } else {
            (self.start, self.end)
        }
    }
}

/// What case a misuse lookup is made under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    Missing,
    Exempt,
    Cover,
    Unknown,
    Closed,
    NotAssigned,
}

fn identity_ctx(rng: &mut impl Rng) -> Ctx {
    [
        Ctx::Missing,
        Ctx::Exempt,
        Ctx::Cover,
        Ctx::Unknown,
        Ctx::NotAssigned,
    ][weighted(rng, &[50, 15, 15, 12, 8])]
}

/// An identifying form for a reference row holding `mask`.
pub(super) fn form_for_mask(rng: &mut impl Rng, mask: u8) -> u8 {
    let mut options: Vec<u8> = vec![form(N_EXACT, 0)];
    if mask & M_PID != 0 {
        options.push(form(N_NONE, T_PID));
    }
    if mask & M_DOB != 0 {
        options.push(form(N_EXACT, T_DOB));
        options.push(form(N_NOISY, T_DOB));
    }
    if mask & M_PLATE != 0 {
        options.push(form(N_NONE, T_PLATE));
    }
    if mask & M_PHONE != 0 {
        options.push(form(N_NONE, T_PHONE));
    }
    if mask & M_ADDR != 0 {
        options.push(form(N_NONE, T_ADDR));
    }
    options[rng.random_range(0..options.len())]
}

/// `f` without the plate or phone `p` does not have; a date of birth and
/// name when nothing is left.
pub(super) fn fit_form(f: u8, p: &super::people::Person) -> u8 {
    let mut f = f;
    if p.plate == 0 {
        f &= !T_PLATE;
    }
    if p.phone == 0 {
        f &= !T_PHONE;
    }
    if f & 0x1f == 0 && super::typing::name_style(f) == N_NONE {
        form(N_EXACT, T_DOB)
    } else {
        f
    }
}

/// The form that identifies by identity kind `k`.
fn form_for_kind(rng: &mut impl Rng, k: u32) -> u8 {
    match k {
        K_PID => {
            if rng.random_bool(0.7) {
                form(N_NONE, T_PID)
            } else {
                form(N_EXACT, T_PID)
            }
        }
        K_NAME_DOB => {
            if rng.random_bool(0.7) {
                form(N_EXACT, T_DOB)
            } else {
                form(N_NOISY, T_DOB)
            }
        }
        K_PLATE => form(N_NONE, T_PLATE),
        K_PHONE => form(N_NONE, T_PHONE),
        K_ADDR => form(N_NONE, T_ADDR),
        K_NAME_ONLY => form(N_EXACT, 0),
        _ => form(N_EXACT, T_DOB),
    }
}

/// What an attempt should come out as.
#[derive(Clone, Copy)]
pub(super) struct Want {
    /// Every one of these bits.
    pub all: u64,
    /// At least one of these (0: no condition).
    pub any: u64,
    /// None of these.
    pub none: u64,
}

impl Want {
    pub(super) fn accepts(&self, v: &Verdict) -> bool {
        v.labels & self.all == self.all
            && (self.any == 0 || v.labels & self.any != 0)
            && v.labels & self.none == 0
    }
}

impl Sim<'_> {
    /// Logins whose employee works some shift in the window.
    pub(super) fn working_logins(&self) -> Vec<u16> {
        (0..self.w.logins.len() as u16)
            .filter(|&l| !self.login_shifts[l as usize].is_empty())
            .collect()
    }

    /// A random ordinary shift of `login` starting on a day in `[lo, hi]`.
    pub(super) fn shift_of(&self, rng: &mut impl Rng, login: u16, lo: Day, hi: Day) -> Option<u32> {
        let v: Vec<u32> = self.login_shifts[login as usize]
            .iter()
            .copied()
            .filter(|&s| {
                let sh = &self.shifts[s as usize];
                !sh.training && (lo..=hi).contains(&sh.day)
            })
            .collect();
        v.get(rng.random_range(0..v.len().max(1))).copied()
    }

    /// Places an episode on a shift starting in `days` of a login drawn
    /// from `logins`: up to `tries` times draws a login and a shift of it
    /// and calls `place`, which says whether it placed the episode there.
    /// Gives up at once when there is no login to draw.
    pub(super) fn place_on_shift(
        &mut self,
        rng: &mut FastRng,
        logins: &[u16],
        (lo, hi): (Day, Day),
        tries: usize,
        mut place: impl FnMut(&mut Self, &mut FastRng, u16, Shift) -> bool,
    ) {
        for _ in 0..tries {
            let Some(&login) = logins.get(rng.random_range(0..logins.len().max(1))) else {
                return;
            };
            let Some(s) = self.shift_of(rng, login, lo, hi) else {
                continue;
            };
            if place(self, rng, login, self.shifts[s as usize]) {
                return;
            }
        }
    }

    /// A known citizen `login` may look up at `t` without making a surge.
    pub(super) fn known_citizen(&self, rng: &mut impl Rng, login: u16, t: i64) -> Option<u32> {
        for _ in 0..40 {
            let p = self.any_citizen(rng);
            if self.book.known[p as usize] != 0 && self.spaced(p, login, t) {
                return Some(p);
            }
        }
        None
    }

    /// Fills in case and purpose for `ctx`; `None` when the user has no case
    /// of that sort. Returns the case's subjects too (to pick a target from).
    pub(super) fn resolve(
        &mut self,
        rng: &mut impl Rng,
        ctx: Ctx,
        login: u16,
        t: i64,
    ) -> Option<(u8, u32, u8)> {
        let w = self.w;
        let day = local_day(t);
        let loose =
            [P_NONE, P_GENERAL, P_BACKGROUND, P_INVESTIGATION][weighted(rng, &[35, 30, 15, 20])];
        Some(match ctx {
            Ctx::Missing => (CK_NONE, 0, loose),
            Ctx::Exempt => {
                let p = if w.emp_of(login).unit == Unit::Border {
                    P_BORDER
                } else {
                    P_TRAFFIC
                };
                (CK_NONE, 0, p)
            }
            Ctx::Cover => {
                let open = self.open_cases(login, day - 1);
                let &(c, _) = open.get(rng.random_range(0..open.len().max(1)))?;
                (CK_REAL, c, P_INVESTIGATION)
            }
            Ctx::Unknown => (
                CK_UNKNOWN,
                self.book.unknown_case(rng, year_of(day)),
                P_INVESTIGATION,
            ),
            Ctx::Closed => {
                let mine: Vec<u32> = self
                    .book
                    .cases_of_emp(w.emp_index(login))
                    .iter()
                    .copied()
                    .filter(|&c| {
                        self.book.cases[c as usize]
                            .closed
                            .is_some_and(|x| x <= day - 2)
                            && !self.book.subjects_of(c).is_empty()
                    })
                    .collect();
                let c = if let Some(&c) = mine.get(rng.random_range(0..mine.len().max(1))) {
                    c
                } else {
                    let n = self.book.cases.len();
                    (0..300)
                        .map(|_| rng.random_range(0..n.max(1)) as u32)
                        .find(|&c| {
                            self.book.cases.get(c as usize).is_some_and(|x| {
                                x.closed.is_some_and(|cl| cl <= day - 2)
                                    && !self.book.subjects_of(c).is_empty()
                            })
                        })?
                };
                (CK_REAL, c, loose)
            }
            Ctx::NotAssigned => {
                let mine = self.book.cases_of_emp(w.emp_index(login));
                let n = self.book.cases.len();
                let c = (0..300)
                    .map(|_| rng.random_range(0..n.max(1)) as u32)
                    .find(|&c| {
                        self.book.cases.get(c as usize).is_some_and(|x| {
                            x.opened < day - 1
                                && x.closed.is_none_or(|cl| cl > day + 1)
                                && !self.book.subjects_of(c).is_empty()
                        }) && mine.binary_search(&c).is_err()
                    })?;
                (CK_REAL, c, P_INVESTIGATION)
            }
        })
    }

    /// One misuse lookup by one of `logins` (any of them) on days `days`,
    /// of `target` (or, when `None`, of a subject of the context's case or a
    /// known citizen), typed as `form_of` says, under `ctx`. Redrawn until
    /// the truth says `want`; returns whether one was emitted.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn misuse(
        &mut self,
        rng: &mut FastRng,
        logins: &[u16],
        days: (Day, Day),
        target: Option<Target>,
        form_of: &dyn Fn(&mut FastRng) -> u8,
        ctx_of: &dyn Fn(&mut FastRng) -> Ctx,
        want: Want,
        window: Option<(i64, i64)>,
    ) -> bool {
        for _ in 0..60 {
            let Some(&login) = logins.get(rng.random_range(0..logins.len().max(1))) else {
                return false;
            };
            let Some(s) = self.shift_of(rng, login, days.0, days.1) else {
                continue;
            };
            let sh = self.shifts[s as usize];
            let (lo, hi) = match window {
                Some((a, b)) => (a.max(sh.start + 10 * MINUTE), b.min(sh.end - 10 * MINUTE)),
                None => (sh.start + 10 * MINUTE, sh.end - 10 * MINUTE),
            };
            if hi <= lo {
                continue;
            }
            let t = span(rng, lo, hi);
            let ctx = ctx_of(rng);
            let Some((case_kind, case, purpose)) = self.resolve(rng, ctx, login, t) else {
                continue;
            };
            let target = match target {
                Some(x) => x,
                None => {
                    let from_case =
                        case_kind == CK_REAL && matches!(ctx, Ctx::Closed | Ctx::NotAssigned);
                    if from_case && rng.random_bool(0.75) {
                        let subj = self.book.subjects_of(case);
                        let p = subj[rng.random_range(0..subj.len())];
                        if !self.spaced(p, login, t) {
                            continue;
                        }
                        Target::Person(p)
                    } else if ctx != Ctx::Cover && rng.random_bool(0.3) {
                        self.new_stranger()
                    } else {
                        match self.known_citizen(rng, login, t) {
                            Some(p) => Target::Person(p),
                            None => continue,
                        }
                    }
                }
            };
            let f = match target {
                // Someone in no table is typed from their licence or plate.
                Target::Stranger(_) => [
                    form(N_EXACT, T_DOB),
                    form(N_NOISY, T_DOB),
                    form(N_NONE, T_PLATE),
                ][weighted(rng, &[50, 20, 30])],
                Target::Person(p) => fit_form(form_of(rng), &self.w.pop.persons[p as usize]),
                Target::None => form_of(rng),
            };
            let q = Q {
                target,
                form: f,
                case_kind,
                case,
                purpose,
                flags: F_MISUSE,
                ..Q::on(&sh, t)
            };
            let Some(v) = self.probe(&q).filter(|v| want.accepts(v)) else {
                continue;
            };
            let fan = fan_patrol(rng);
            self.emit(rng, &q, fan);
            if let (Target::Person(p), false) = (target, v.explained) {
                self.seen[p as usize].push((t, login));
            }
            return true;
        }
        false
    }

    pub(super) fn inject_misuse(&mut self, rng: &mut FastRng, plan: &Plan) {
        let w = self.w;
        let logins = self.working_logins();
        if logins.is_empty() {
            return;
        }
        // Self lookups, one identifier at a time.
        for k in [K_PID, K_NAME_DOB, K_PLATE, K_PHONE, K_ADDR, K_NAME_ONLY] {
            for i in 0..plan.count(2, 1.3) {
                for _ in 0..20 {
                    let login = logins[rng.random_range(0..logins.len())];
                    let person = w.emp_of(login).person;
                    let ok = self.misuse(
                        rng,
                        &[login],
                        plan.days(i),
                        Some(Target::Person(person)),
                        &|r| form_for_kind(r, k),
                        &|r| identity_ctx(r),
                        Want {
                            all: bit(L_SELF + k),
                            any: 0,
                            none: IDENTITY_BITS & !bit(L_SELF + k),
                        },
                        None,
                    );
                    if ok {
                        break;
                    }
                }
            }
        }
        // Colleagues: one's supervisor, someone of the same unit, of another.
        for kind in 0..3u32 {
            for i in 0..plan.count(2, 1.5) {
                for _ in 0..20 {
                    let login = logins[rng.random_range(0..logins.len())];
                    let me = w.emp_index(login);
                    let emp = &w.employees[me as usize];
                    let target = match kind {
                        2 => emp.supervisor,
                        _ => {
                            let same = kind == 0;
                            let pool: Vec<u16> = (0..w.employees.len() as u16)
                                .filter(|&o| {
                                    let e = &w.employees[o as usize];
                                    o != me
                                        && Some(o) != emp.supervisor
                                        && (e.unit == emp.unit) == same
                                })
                                .collect();
                            pool.get(rng.random_range(0..pool.len().max(1))).copied()
                        }
                    };
                    let Some(te) = target else {
                        continue;
                    };
                    let person = w.employees[te as usize].person;
                    let mask = w.personnel_mask(te);
                    let ok = self.misuse(
                        rng,
                        &[login],
                        plan.days(i),
                        Some(Target::Person(person)),
                        &|r| form_for_mask(r, mask),
                        &|r| identity_ctx(r),
                        Want {
                            all: bit(L_COWORKER + kind),
                            any: 0,
                            none: IDENTITY_BITS & !bit(L_COWORKER + kind),
                        },
                        None,
                    );
                    if ok {
                        break;
                    }
                }
            }
        }
        // The people one is connected to.
        for (r, relation) in RELATIONS.iter().enumerate() {
            let pool: Vec<usize> = (0..w.assocs.len())
                .filter(|&a| {
                    let x = &w.assocs[a];
                    x.relation == *relation
                        && w.employees[x.emp as usize]
                            .logins
                            .iter()
                            .any(|&l| !self.login_shifts[l as usize].is_empty())
                })
                .collect();
            if pool.is_empty() {
                continue;
            }
            for i in 0..plan.count(2, 1.2) {
                for _ in 0..20 {
                    let a = &w.assocs[pool[rng.random_range(0..pool.len())]];
                    let mine: Vec<u16> = w.employees[a.emp as usize].logins.clone();
                    let mask = a.mask;
                    let ok = self.misuse(
                        rng,
                        &mine,
                        plan.days(i),
                        Some(Target::Person(a.person)),
                        &|r| form_for_mask(r, mask),
                        &|r| identity_ctx(r),
                        Want {
                            all: bit(L_ASSOC + r as u32),
                            any: 0,
                            none: IDENTITY_BITS & !bit(L_ASSOC + r as u32),
                        },
                        None,
                    );
                    if ok {
                        break;
                    }
                }
            }
        }
        // The watchlist.
        for (c, category) in CATEGORIES.iter().enumerate() {
            let pool: Vec<usize> = (0..w.watch.len())
                .filter(|&x| w.watch[x].category == *category)
                .collect();
            if pool.is_empty() {
                continue;
            }
            for i in 0..plan.count(2, 1.2) {
                let x = &w.watch[pool[rng.random_range(0..pool.len())]];
                let mask = x.mask;
                self.misuse(
                    rng,
                    &logins,
                    plan.days(i),
                    Some(Target::Person(x.person)),
                    &|r| form_for_mask(r, mask),
                    &|r| identity_ctx(r),
                    Want {
                        all: bit(L_WATCH + c as u32),
                        any: 0,
                        none: IDENTITY_BITS & !bit(L_WATCH + c as u32),
                    },
                    None,
                );
            }
        }
        // Ordinary people, no case that holds.
        for (k, ctx) in [
            Ctx::Missing,
            Ctx::Unknown,
            Ctx::Closed,
            Ctx::NotAssigned,
            Ctx::Cover,
        ]
        .into_iter()
        .enumerate()
        {
            for i in 0..plan.count(3, 2.5) {
                self.misuse(
                    rng,
                    &logins,
                    plan.days(i),
                    None,
                    &|r| {
                        [
                            form(N_EXACT, T_DOB),
                            form(N_NOISY, T_DOB),
                            form(N_NONE, T_PID),
                            form(N_NONE, T_PLATE),
                            form(N_NONE, T_ADDR),
                            form(N_EXACT, 0),
                        ][weighted(r, &[35, 15, 15, 15, 10, 10])]
                    },
                    &|_| ctx,
                    Want {
                        all: bit(L_NO_CASE + k as u32),
                        any: 0,
                        none: IDENTITY_BITS,
                    },
                    None,
                );
            }
        }
        self.surges(rng, plan);
    }

    /// People in the news: a watchlisted person, and an ordinary citizen (a
    /// crime victim), each looked up by many logins within a few hours.
    fn surges(&mut self, rng: &mut FastRng, plan: &Plan) {
        let w = self.w;
        let n_watch = plan.count(1, 0.6);
        let n_citizen = plan.count(1, 0.4);
        for i in 0..n_watch + n_citizen {
            let (lo, hi) = plan.days(if i == 0 || i == n_watch { 0 } else { 1 });
            let day = span(rng, lo, hi);
            let news = at_local(day, 10 * HOUR);
            let window = (news, news + 6 * HOUR);
            let (target, mask, want) = if i < n_watch {
                let Some(x) = w.watch.get(rng.random_range(0..w.watch.len().max(1))) else {
                    continue;
                };
                let c = CATEGORIES
                    .iter()
                    .position(|c| *c == x.category)
                    .unwrap_or(0);
                (
                    x.person,
                    x.mask,
                    Want {
                        all: bit(L_WATCH + c as u32),
                        any: 0,
                        none: IDENTITY_BITS & !bit(L_WATCH + c as u32),
                    },
                )
            } else {
                let mut found = None;
                for _ in 0..100 {
                    let p = self.any_citizen(rng);
                    let quiet = self.seen[p as usize]
                        .iter()
                        .all(|&(t, _)| (t - news).abs() > 3 * super::work::SPACING);
                    if self.book.known[p as usize] != 0 && quiet {
                        found = Some(p);
                        break;
                    }
                }
                let Some(p) = found else {
                    continue;
                };
                (
                    p,
                    M_DOB | super::people::M_NAME | M_PID,
                    Want {
                        all: 0,
                        any: NO_CASE_BITS,
                        none: IDENTITY_BITS,
                    },
                )
            };
            // Day-shift logins on duty during the news.
            let mut cands: Vec<u16> = self
                .shifts
                .iter()
                .filter(|sh| !sh.training && sh.start < window.1 - HOUR && sh.end > window.0 + HOUR)
                .map(|sh| sh.login)
                .collect();
            cands.sort_unstable();
            cands.dedup();
            cands.shuffle(rng);
            let wanted = span(rng, 7, 11) as usize;
            let mut done = 0;
            for login in cands {
                if done >= wanted {
                    break;
                }
                let mut any = false;
                for _ in 0..span(rng, 1, 2) {
                    let ok = self.misuse(
                        rng,
                        &[login],
                        (day - 1, day),
                        Some(Target::Person(target)),
                        &|r| form_for_mask(r, mask & !(M_ADDR | M_PLATE | M_PHONE)),
                        &|r| [Ctx::Missing, Ctx::Cover, Ctx::Exempt][weighted(r, &[60, 25, 15])],
                        want,
                        Some(window),
                    );
                    any |= ok;
                }
                done += usize::from(any);
            }
        }
    }
}
