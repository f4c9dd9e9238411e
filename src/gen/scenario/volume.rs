//! `odd_volume` episodes: a day of far too many lookups (`daily_count`), a
//! scripted burst (`burst`), a day worker's lookups in the middle of the
//! night (`off_hours`), a day spent on many unrelated people
//! (`distinct_subjects`) and one huge export (`export`).
//!
//! Labels follow the injected intent, not a detector's thresholds. The
//! episodes are made of lookups that normal work also produces (case work,
//! traffic stops) or of lookups of ordinary citizens that no case explains,
//! retried until the truth confirms they carry no identity label; they use
//! the user's own session and desk, so they cannot look like shared
//! credentials; and random citizens are drawn through the same
//! one-a-day rule as traffic stops, so they cannot pile up into a
//! `subject_surge`.
//!
//! An event may carry several `odd_volume` labels: a burst or a day of
//! many distinct people that also takes the day past [`SPILL`] times the
//! user's median is labelled `daily_count` on every lookup of that day as
//! well, and a scripted bulk lookup of unrelated people that takes the
//! day's unexplained people past [`SPILL`] times the user's median of them
//! is labelled `distinct_subjects` too.
//!
//! "Day" is the UTC day, and "the user" is one login, as in the detector's
//! contract; an episode's events all fall inside that day.

use super::{case_work_search, tries_until_made, Ctx, Ev, Query, Sim, Want, SURGE_WINDOW};
use crate::gen::render::Carry;
use crate::gen::world::{
    day_of, median, midnight, pick, span, weighted, Day, FastRng, Pattern, Status, Unit,
    LOCAL_OFFSET,
};
use rand::Rng;
use std::collections::BTreeSet;

const DETECTOR: &str = "odd_volume";

/// Episodes of each kind per 9,000 user-days (300 users over 30 days), and
/// the floor in any world: a handful, enough to score recall.
const EPISODES: f64 = 6.0;
const MIN_EPISODES: usize = 3;
/// `daily_count` episodes on a new login's first days (no history of its
/// own, judged against peers); "a couple" per default world.
const NEWCOMER_EPISODES: f64 = 2.0;
/// Active days (days with a lookup) a user has before an episode, so the
/// episode stands out against their own history. Short worlds cannot give
/// 12; there the bar drops to 60 % of the window.
const HISTORY_DAYS: usize = 12;
/// A `daily_count` day is 5-10 times the user's median day.
const DAILY_FACTOR: (f64, f64) = (5.0, 10.0);
/// Medians a `daily_count` user may have: below 8 the day would be too small
/// to matter; above 45 it would be an implausible 450 lookups.
const DAILY_MEDIAN: (f64, f64) = (8.0, 45.0);
/// Most lookups a `daily_count` day may add per 10 minutes: the extra work is
/// spread over the shift and must not look like a burst.
const DAILY_MAX_PER_10MIN: f64 = 12.0;
/// A burst: 40-150 lookups within 3-10 minutes.
const BURST_SIZE: (i64, i64) = (40, 150);
const BURST_SECS: (i64, i64) = (180, 600);
/// Share of bursts that are a script run over a list of unrelated people
/// (the rest re-query the user's own case subjects).
const SCRAPE_P: f64 = 0.5;
/// Off-hours lookups: 10-30 of them, between 01:00 and 04:30 local time,
/// but no more than 0.8 of the user's median day (at least 10), on a day
/// whose normal work is at most 1.3 times the median: the day's total stays
/// near twice normal, so the episode is about the hour and not the volume.
const OFF_SIZE: (i64, i64) = (10, 30);
const OFF_WINDOW_H: (f64, f64) = (1.0, 4.5);
const OFF_OVER_MEDIAN: f64 = 0.8;
const OFF_DAY_AS_USUAL: f64 = 1.3;
/// Distinct unrelated people in a `distinct_subjects` day, and the share
/// looked up twice.
const DISTINCT_SIZE: (i64, i64) = (60, 150);
const DISTINCT_TWICE_P: f64 = 0.3;
/// Median day from which 60 people, each looked up once, plus the few normal
/// lookups kept, stay under 3x the median (no `daily_count` spill).
const DISTINCT_QUIET_MEDIAN: f64 = 22.0;
/// The episode's distinct people must be at least this many times the
/// user's median of distinct unexplained people a day.
const DISTINCT_OVER_USUAL: f64 = 3.5;
/// Share of the user's normal lookups that day kept (the rest are replaced).
const DISTINCT_KEEP: (f64, f64) = (0.1, 0.5);
/// Rows of an injected export (log-uniform), and the most rows its user may
/// ever have seen returned (wide searches reach 400).
const EXPORT_ROWS: (f64, f64) = (5_000.0, 200_000.0);
const EXPORT_USER_MAX_ROWS: u32 = 1_000;
/// An injected episode that takes its day to this many times the user's
/// median also gets `daily_count` labels (and a scripted bulk lookup that
/// takes the day's unexplained people this far, `distinct_subjects`).
const SPILL: f64 = 3.0;

fn is_lookup(e: &Ev) -> bool {
    e.action == "query" || e.action == "export"
}

/// One login's volume before any `odd_volume` episode.
#[derive(Default)]
struct Vol {
    /// Active days in order: (day, lookups, distinct people no case explains).
    days: Vec<(Day, u32, u32)>,
    median: f64,
    median_unexplained: f64,
    max_rows: u32,
}

/// Where an episode goes: a listed shift of `login` and the part of it that
/// falls inside UTC day `day`, `[lo, hi]`.
struct Slot {
    login: u32,
    shift: u32,
    day: Day,
    lo: i64,
    hi: i64,
    /// Cases the login works on from the day before to the day after: what
    /// an episode made of ordinary case work draws on.
    live: Vec<u32>,
}

impl Slot {
    fn has_cases(&self) -> bool {
        !self.live.is_empty()
    }
}

/// What episodes of every kind are placed against: each login's volume
/// before any episode, and the login-days already given one.
struct Placing<'a> {
    stats: &'a [Vol],
    used: BTreeSet<(u32, Day)>,
}

impl Placing<'_> {
    /// Gives `sl`'s login-day its episode, keeping later ones a day away.
    fn take(&mut self, sl: &Slot) {
        self.used.insert((sl.login, sl.day));
    }
}

#[derive(Clone, Copy)]
enum When {
    /// At least this many active days before the episode.
    Seasoned(usize),
    /// On one of the first three active days of a login that joined late.
    Newcomer,
}

/// `n` times in `[lo, hi]`, one in each of `n` equal slices: evenly spread
/// and sorted.
fn stratified(rng: &mut FastRng, lo: i64, hi: i64, n: usize) -> Vec<i64> {
    let step = (hi - lo).max(1) as f64 / n.max(1) as f64;
    (0..n)
        .map(|i| lo + (step * (i as f64 + rng.random::<f64>())) as i64)
        .collect()
}

/// Adds `daily_count` to every lookup on the given login-days.
pub(super) fn label_days(events: &mut [Ev], days: &[(u32, Day)]) {
    if days.is_empty() {
        return;
    }
    let set: BTreeSet<(u32, Day)> = days.iter().copied().collect();
    for e in events.iter_mut() {
        if is_lookup(e)
            && set.contains(&(e.login, day_of(e.t)))
            && !e.labels.contains(&(DETECTOR, "daily_count"))
        {
            e.labels.push((DETECTOR, "daily_count"));
        }
    }
}

impl Sim<'_> {
    /// Injects every `odd_volume` kind; `scale` is the world's size relative
    /// to the default (300 users over 30 days).
    pub(super) fn inject_odd_volume(&mut self, rng: &mut FastRng, scale: f64) {
        let n = ((EPISODES * scale).ceil() as usize).max(MIN_EPISODES);
        let days = (self.w.end - self.w.start + 1) as usize;
        let when = When::Seasoned(HISTORY_DAYS.min(days * 3 / 5));
        let stats = self.volume_stats();
        let mut of_login = vec![Vec::new(); self.w.logins.len()];
        for (i, e) in self.events.iter().enumerate() {
            of_login[e.login as usize].push(i as u32);
        }
        self.of_login = Some(of_login);
        let mut plan = Placing {
            stats: &stats,
            used: BTreeSet::new(),
        };
        let newcomers = ((NEWCOMER_EPISODES * scale).ceil() as usize).max(2);
        // The most demanding kinds pick their users first.
        for (kind, want) in [
            ("distinct_subjects", n),
            ("off_hours", n),
            ("burst", n),
            ("daily_count", n),
            ("newcomer", newcomers),
            ("export", n),
        ] {
            let p = &mut plan;
            tries_until_made(want, 40, || match kind {
                "distinct_subjects" => self.distinct_episode(rng, p, when),
                "off_hours" => self.off_hours_episode(rng, p, when),
                "burst" => self.burst_episode(rng, p, when),
                "daily_count" => self.daily_episode(rng, p, when),
                "newcomer" => self.daily_episode(rng, p, When::Newcomer),
                _ => self.export_episode(rng, p, when),
            });
        }
        self.of_login = None;
    }

    /// Per login: lookups and distinct unexplained people per UTC day, and
    /// the largest result count, over everything generated so far.
    fn volume_stats(&self) -> Vec<Vol> {
        let mut rows: Vec<(u32, Day, u32)> = Vec::new();
        let mut out: Vec<Vol> = (0..self.w.logins.len()).map(|_| Vol::default()).collect();
        for e in self.events.iter().filter(|e| is_lookup(e) && !e.dropped) {
            let who = if e.explained {
                u32::MAX
            } else {
                e.target.unwrap_or(u32::MAX)
            };
            rows.push((e.login, day_of(e.t), who));
            let v = &mut out[e.login as usize];
            v.max_rows = v.max_rows.max(e.result_count.unwrap_or(0));
        }
        rows.sort_unstable();
        let mut i = 0;
        while i < rows.len() {
            let (login, day, _) = rows[i];
            let mut j = i;
            let mut distinct = 0;
            while j < rows.len() && rows[j].0 == login && rows[j].1 == day {
                if rows[j].2 != u32::MAX && (j == i || rows[j].2 != rows[j - 1].2) {
                    distinct += 1;
                }
                j += 1;
            }
            out[login as usize]
                .days
                .push((day, (j - i) as u32, distinct));
            i = j;
        }
        for v in &mut out {
            v.median = median(v.days.iter().map(|d| d.1).collect());
            v.median_unexplained = median(v.days.iter().map(|d| d.2).collect());
        }
        out
    }

    /// Lookups of `login` on `day` now, and distinct people among them no
    /// case explains.
    fn day_counts(&self, login: u32, day: Day) -> (usize, usize) {
        let mut n = 0;
        let mut people: Vec<u32> = Vec::new();
        for e in self.login_events(login) {
            if !e.dropped && is_lookup(e) && day_of(e.t) == day {
                n += 1;
                if !e.explained {
                    people.extend(e.target);
                }
            }
        }
        people.sort_unstable();
        people.dedup();
        (n, people.len())
    }

    /// Events of `login` so far (all events when no index is kept).
    fn login_events(&self, login: u32) -> impl Iterator<Item = &Ev> + '_ {
        let all = self.of_login.is_none().then(|| self.events.iter());
        let some = self.of_login.as_ref().map(|idx| {
            idx[login as usize]
                .iter()
                .map(|&i| &self.events[i as usize])
        });
        all.into_iter()
            .flatten()
            .chain(some.into_iter().flatten())
            .filter(move |e| e.login == login)
    }

    fn holiday_near(&self, day: Day) -> bool {
        // A night shift of a holiday's local date falls on the next UTC day.
        self.holidays.iter().any(|h| h.0 == day || h.0 + 1 == day)
    }

    /// A shift for an episode: a primary login of an active employee, not
    /// yet used within a day of `day`, passing `ok`, on a day that meets
    /// `when`, away from holidays. Logins not used at all are tried first.
    fn slot(
        &self,
        rng: &mut FastRng,
        plan: &Placing<'_>,
        when: When,
        ok: impl Fn(u32, &Vol) -> bool,
    ) -> Option<Slot> {
        let w = self.w;
        let (stats, used) = (plan.stats, &plan.used);
        let cands: Vec<u32> = (0..w.logins.len() as u32)
            .filter(|&l| {
                let e = w.emp_of_login(l);
                w.logins[l as usize].primary
                    && e.status == Status::Active
                    && (!matches!(when, When::Newcomer) || e.joined.is_some())
                    && ok(l, &stats[l as usize])
            })
            .collect();
        let fresh: Vec<u32> = cands
            .iter()
            .copied()
            .filter(|&l| !used.iter().any(|u| u.0 == l))
            .collect();
        for pool in [&fresh, &cands] {
            for _ in 0..20 {
                let &login = pick(rng, pool)?;
                let v = &stats[login as usize];
                let mut shifts: Vec<Slot> = Vec::new();
                for &sh in &self.shifts_of_login[login as usize] {
                    let s = &self.shifts[sh as usize];
                    let day = day_of(s.start);
                    let before = v.days.partition_point(|d| d.0 < day);
                    let fits = match when {
                        When::Seasoned(need) => before >= need,
                        When::Newcomer => before < 3,
                    };
                    let lo = s.start + 300;
                    let hi = s.end.min(midnight(day + 1)) - 300;
                    if fits
                        && hi - lo >= 4 * 3600
                        && !self.holiday_near(day)
                        && !used.iter().any(|u| u.0 == login && (u.1 - day).abs() <= 1)
                    {
                        shifts.push(Slot {
                            login,
                            shift: sh,
                            day,
                            lo,
                            hi,
                            live: Vec::new(),
                        });
                    }
                }
                if !shifts.is_empty() {
                    let k = rng.random_range(0..shifts.len());
                    let mut sl = shifts.swap_remove(k);
                    sl.live = w.live_cases(login, sl.day - 1, sl.day + 1);
                    return Some(sl);
                }
            }
        }
        None
    }

    /// An ordinary citizen in no case at all, not looked up at random by
    /// anyone within a day of `t` (see [`Sim::stops`]); reserves `t`.
    fn fresh_citizen(&mut self, rng: &mut FastRng, t: i64, taken: &[u32]) -> Option<u32> {
        let w = self.w;
        for _ in 0..20 {
            let c = self.ordinary_citizen(rng)?;
            if w.cases_of_person[c as usize].is_empty()
                && !taken.contains(&c)
                && self.stops[c as usize]
                    .iter()
                    .all(|&s| (s - t).abs() >= SURGE_WINDOW)
            {
                self.stops[c as usize].push(t);
                return Some(c);
            }
        }
        None
    }

    /// A lookup of an unrelated citizen under a context no case supports,
    /// accepted only without identity labels and unexplained.
    #[allow(clippy::too_many_arguments)]
    fn unrelated_lookup(
        &self,
        rng: &mut FastRng,
        shift: u32,
        t: i64,
        target: u32,
        ctx: Ctx,
        fixed: Option<(&'static str, Carry)>,
        action: &'static str,
        rows: Option<u32>,
    ) -> Option<Ev> {
        let w = self.w;
        let login = self.shifts[shift as usize].login;
        let (system, carry) = match fixed {
            Some(f) => f,
            None => case_work_search(rng, w, target),
        };
        let cx = self.context(rng, login, t, ctx)?;
        let query = Query::plain(login, shift, t, system, cx, target, carry);
        let ev = self.build(
            rng,
            Query {
                action,
                rows,
                ..query
            },
        )?;
        (!ev.explained && Want::NoIdentity.accepts(&ev.labels)).then_some(ev)
    }

    /// A lookup for one of `live` (cases the login works on), explained.
    fn casework(
        &self,
        rng: &mut FastRng,
        shift: u32,
        t: i64,
        live: &[u32],
        rows: Option<u32>,
    ) -> Option<Ev> {
        for _ in 0..4 {
            let &c = pick(rng, live)?;
            if let Some(ev) = self.case_query(rng, shift, t, c, rows) {
                if ev.explained && ev.labels.is_empty() {
                    return Some(ev);
                }
            }
        }
        None
    }

    /// Adds an episode's events, each labelled as the `odd_volume` `kind`
    /// it was injected as.
    fn push_labelled(&mut self, evs: Vec<Ev>, kind: &'static str) {
        for mut ev in evs {
            ev.labels.push((DETECTOR, kind));
            self.push(ev);
        }
    }

    /// Marks `login`'s whole `day` for `daily_count` labels when it has
    /// reached [`SPILL`] times the median.
    fn spill(&mut self, login: u32, day: Day, med: f64) {
        if self.day_counts(login, day).0 as f64 >= SPILL * med {
            self.volume_days.push((login, day));
        }
    }

    /// One day with 5-10 times the user's median volume, all of it ordinary
    /// case work spread over the shift. Every lookup that day is labelled.
    fn daily_episode(&mut self, rng: &mut FastRng, plan: &mut Placing<'_>, when: When) -> bool {
        let w = self.w;
        let Some(sl) = self
            .slot(rng, plan, when, |l, v| {
                (DAILY_MEDIAN.0..=DAILY_MEDIAN.1).contains(&v.median)
                    && w.emp_of_login(l).pattern != Pattern::Analyst
            })
            .filter(Slot::has_cases)
        else {
            return false;
        };
        let med = plan.stats[sl.login as usize].median;
        let (now, _) = self.day_counts(sl.login, sl.day);
        let target = (rng.random_range(DAILY_FACTOR.0..DAILY_FACTOR.1) * med).round() as usize;
        let extra = target.saturating_sub(now);
        let room = (sl.hi - sl.lo) as f64 / 600.0 * DAILY_MAX_PER_10MIN;
        if (extra as f64) < 2.0 * med || extra as f64 > room {
            return false;
        }
        let mut evs = Vec::with_capacity(extra);
        for t in stratified(rng, sl.lo, sl.hi, extra) {
            evs.extend(self.casework(rng, sl.shift, t, &sl.live, None));
        }
        if evs.len() + now < (DAILY_FACTOR.0 * med) as usize {
            return false;
        }
        for ev in evs {
            self.push(ev);
        }
        self.volume_days.push((sl.login, sl.day));
        plan.take(&sl);
        true
    }

    /// 40-150 lookups within 3-10 minutes inside the user's shift: a script
    /// over a list of unrelated people, or re-querying the user's own case
    /// subjects over and over.
    fn burst_episode(&mut self, rng: &mut FastRng, plan: &mut Placing<'_>, when: When) -> bool {
        let w = self.w;
        let Some(sl) = self.slot(rng, plan, when, |l, _| {
            w.emp_of_login(l).pattern != Pattern::Analyst
        }) else {
            return false;
        };
        let v = &plan.stats[sl.login as usize];
        let (med, med_unexplained) = (v.median, v.median_unexplained);
        let n = span(rng, BURST_SIZE.0, BURST_SIZE.1) as usize;
        let secs = span(rng, BURST_SECS.0, BURST_SECS.1);
        let t0 = span(rng, sl.lo + 600, sl.hi - secs - 600);
        let times = stratified(rng, t0, t0 + secs, n);
        let scrape = rng.random_bool(SCRAPE_P);
        let mut evs: Vec<Ev> = Vec::with_capacity(n);
        if scrape {
            // One system and one kind of identifier for the whole list, as
            // a script would: plates, person ids, or names with dates.
            let fixed = match weighted(rng, &[40, 30, 30]) {
                0 => (
                    "DMV",
                    Carry {
                        plate: true,
                        ..Carry::NOTHING
                    },
                ),
                1 => ("NCIC", Carry::only_pid()),
                _ => ("NCIC", Carry::name_dob(false, false)),
            };
            let ctx = if rng.random_bool(0.7) {
                Ctx::Missing
            } else {
                Ctx::Exempt
            };
            let mut taken = Vec::with_capacity(n);
            for t in times {
                let Some(c) = self.fresh_citizen(rng, t, &taken) else {
                    continue;
                };
                taken.push(c);
                evs.extend(self.unrelated_lookup(
                    rng,
                    sl.shift,
                    t,
                    c,
                    ctx,
                    Some(fixed),
                    "query",
                    None,
                ));
            }
        } else {
            if !sl.has_cases() {
                return false;
            }
            for t in times {
                evs.extend(self.casework(rng, sl.shift, t, &sl.live, None));
            }
        }
        if evs.len() < BURST_SIZE.0 as usize {
            return false;
        }
        let first = self.events.len();
        self.push_labelled(evs, "burst");
        if scrape {
            let (_, people) = self.day_counts(sl.login, sl.day);
            if people as f64 >= SPILL * med_unexplained {
                for ev in &mut self.events[first..] {
                    ev.labels.push((DETECTOR, "distinct_subjects"));
                }
            }
        }
        self.spill(sl.login, sl.day, med);
        plan.take(&sl);
        true
    }

    /// A day worker (no night in their history) looks people up between
    /// 01:00 and 04:30 local time, at their own desk; the rest of the day is
    /// their normal shift.
    fn off_hours_episode(&mut self, rng: &mut FastRng, plan: &mut Placing<'_>, when: When) -> bool {
        let w = self.w;
        let Some(sl) = self
            .slot(rng, plan, when, |l, _| {
                let e = w.emp_of_login(l);
                !e.night && e.pattern != Pattern::Analyst
            })
            .filter(Slot::has_cases)
        else {
            return false;
        };
        let med = plan.stats[sl.login as usize].median;
        if self.day_counts(sl.login, sl.day).0 as f64 > OFF_DAY_AS_USUAL * med {
            return false;
        }
        let most = ((OFF_OVER_MEDIAN * med).round() as i64).max(OFF_SIZE.0);
        let n = span(rng, OFF_SIZE.0, OFF_SIZE.1).min(most) as usize;
        // The day shift's local date is its UTC day (it starts after 06:00).
        let local0 = midnight(sl.day) - LOCAL_OFFSET;
        let (lo, hi) = (
            local0 + (OFF_WINDOW_H.0 * 3600.0) as i64,
            local0 + (OFF_WINDOW_H.1 * 3600.0) as i64,
        );
        let secs = span(rng, 20 * 60, 100 * 60);
        let s0 = span(rng, lo, hi - secs);
        let login = sl.login;
        let busy = self
            .login_events(login)
            .any(|e| (s0 - 3600..=s0 + secs + 3600).contains(&e.t));
        if busy {
            return false;
        }
        let desk = w.emp_of_login(login).desk;
        let shift = self.new_shift(rng, login, s0, s0 + secs, desk, false);
        let mut times: Vec<i64> = (0..n).map(|_| span(rng, s0 + 60, s0 + secs - 60)).collect();
        times.sort_unstable();
        let mut evs: Vec<Ev> = Vec::with_capacity(n);
        let mut taken = Vec::new();
        for t in times {
            let ev = if rng.random_bool(0.85) {
                self.casework(rng, shift, t, &sl.live, None)
            } else {
                match self.fresh_citizen(rng, t, &taken) {
                    Some(c) => {
                        taken.push(c);
                        self.unrelated_lookup(rng, shift, t, c, Ctx::Missing, None, "query", None)
                    }
                    None => None,
                }
            };
            evs.extend(ev);
        }
        if evs.len() < OFF_SIZE.0 as usize {
            return false;
        }
        self.session_event(shift, s0, "login");
        self.push_labelled(evs, "off_hours");
        if rng.random_bool(0.8) {
            self.session_event(shift, s0 + secs, "logout");
        }
        self.spill(login, sl.day, med);
        plan.take(&sl);
        true
    }

    /// A day spent on 60-150 unrelated people, each once or twice, in place
    /// of most of the user's normal work that day.
    fn distinct_episode(&mut self, rng: &mut FastRng, plan: &mut Placing<'_>, when: When) -> bool {
        let w = self.w;
        // Half the time a user busy enough that the day can stay within
        // about twice their normal volume (a pure `distinct_subjects` day);
        // otherwise anyone, and the day may well become a `daily_count` too.
        let quiet = rng.random_bool(0.5);
        let least = if quiet { DISTINCT_QUIET_MEDIAN } else { 10.0 };
        let Some(sl) = self.slot(rng, plan, when, |l, v| {
            v.median >= least && w.emp_of_login(l).pattern == Pattern::Regular
        }) else {
            return false;
        };
        let v = &plan.stats[sl.login as usize];
        let med = v.median;
        // A quiet day stays within about twice normal (`DISTINCT_SIZE.0`
        // people at the least) and looks people up twice only while there is
        // room for it.
        let (k, twice) = if quiet {
            let most = ((2.0 * med) as i64).clamp(DISTINCT_SIZE.0, DISTINCT_SIZE.1);
            let k = span(rng, DISTINCT_SIZE.0, most) as usize;
            (k, (2.0 * med / k as f64 - 1.0).clamp(0.0, DISTINCT_TWICE_P))
        } else {
            let k = span(rng, DISTINCT_SIZE.0, DISTINCT_SIZE.1) as usize;
            (k, DISTINCT_TWICE_P)
        };
        if (k as f64) < DISTINCT_OVER_USUAL * v.median_unexplained {
            return false;
        }
        let mut evs: Vec<Ev> = Vec::new();
        let mut taken = Vec::with_capacity(k);
        for t in stratified(rng, sl.lo, sl.hi - 1800, k) {
            let Some(c) = self.fresh_citizen(rng, t, &taken) else {
                continue;
            };
            taken.push(c);
            let ctx = [Ctx::Missing, Ctx::Exempt, Ctx::Cover][weighted(rng, &[60, 25, 15])];
            let Some(ev) = self.unrelated_lookup(rng, sl.shift, t, c, ctx, None, "query", None)
            else {
                continue;
            };
            evs.push(ev);
            if rng.random_bool(twice) {
                let t2 = t + span(rng, 60, 1800);
                evs.extend(self.unrelated_lookup(rng, sl.shift, t2, c, ctx, None, "query", None));
            }
        }
        if taken.len() < DISTINCT_SIZE.0 as usize * 9 / 10 {
            return false;
        }
        // Replace most of the day's normal lookups.
        let login = sl.login;
        let normal_end = self.normal_end as u32;
        let mut normal: Vec<usize> = self
            .login_events(login)
            .filter(|e| {
                e.seq < normal_end && is_lookup(e) && e.labels.is_empty() && day_of(e.t) == sl.day
            })
            .map(|e| e.seq as usize)
            .collect();
        let room = if quiet { (2.0 * med) as usize } else { 0 };
        let keep = room.saturating_sub(evs.len()).clamp(
            (normal.len() as f64 * DISTINCT_KEEP.0).ceil() as usize,
            (normal.len() as f64 * DISTINCT_KEEP.1).ceil() as usize,
        );
        rand::seq::SliceRandom::shuffle(normal.as_mut_slice(), rng);
        for &i in normal.iter().skip(keep) {
            self.events[i].dropped = true;
        }
        self.push_labelled(evs, "distinct_subjects");
        self.spill(login, sl.day, med);
        plan.take(&sl);
        true
    }

    /// One export of 5,000-200,000 rows by a user whose searches never
    /// return more than a few hundred, outside the records unit (whose
    /// clerks export thousands of rows routinely).
    fn export_episode(&mut self, rng: &mut FastRng, plan: &mut Placing<'_>, when: When) -> bool {
        let w = self.w;
        let Some(sl) = self.slot(rng, plan, when, |l, v| {
            let e = w.emp_of_login(l);
            e.unit != Unit::Records
                && e.pattern == Pattern::Regular
                && v.max_rows < EXPORT_USER_MAX_ROWS
        }) else {
            return false;
        };
        let t = span(rng, sl.lo, sl.hi);
        let (lo, hi) = (EXPORT_ROWS.0.ln(), EXPORT_ROWS.1.ln());
        let rows = rng.random_range(lo..hi).exp().round() as u32;
        let ev = if sl.has_cases() && rng.random_bool(0.7) {
            self.casework(rng, sl.shift, t, &sl.live, Some(rows))
        } else {
            match self.fresh_citizen(rng, t, &[]) {
                Some(c) => self.unrelated_lookup(
                    rng,
                    sl.shift,
                    t,
                    c,
                    Ctx::Missing,
                    None,
                    "export",
                    Some(rows),
                ),
                None => None,
            }
        };
        let Some(ev) = ev else {
            return false;
        };
        self.push_labelled(vec![ev], "export");
        plan.take(&sl);
        true
    }
}
