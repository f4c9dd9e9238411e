//! `odd_volume`: work far outside a user's own pattern and their unit's — too many lookups
//! in a day or in a few minutes, at hours they never work, across too many unrelated
//! people, or returning too many records.
//!
//! Every judgement compares the day with the user's own earlier days
//! ([`crate::baseline::History`], the last `baseline.history_days`) and reports their
//! unit's members too (personnel `unit`; logins not in personnel form one group). A user
//! with fewer than `baseline.min_user_days` active days is judged against the unit, with
//! their own few days as a veto, so a new user is covered from their first day. Daily
//! counts (`daily_count`, `distinct_subjects`) use a negative binomial per user and per unit
//! with Benjamini–Hochberg across the users judged that day, each day's counts first
//! divided by how much busier than usual the agency as a whole was that day
//! ([`DayEffects`]: a filing deadline is everyone's day, not anyone's misuse); `burst`,
//! `off_hours` and `export` compare single events or windows with thresholds derived from
//! the same history at the start of the day. Every alert states the observed value, the
//! baseline and, where a model was used, the p-value.
//!
//! Thresholds are fixed for the whole day from the days before it, so the order of users
//! within a day never matters; nothing here reads the clock.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::day_recheck::{self, Held};
use super::{
    saved_field, Context, DayContext, DayFinding, DayNote, Detector, DetectorDoc, Finding,
    SavedStateError,
};
use crate::alert::Severity;
use crate::baseline::model::{
    benjamini_hochberg, binomial_upper, format_p, poisson_critical, poisson_upper_tail, quantile,
    sign_test_upper, CountModel, Swing,
};
use crate::baseline::tally::UserTally;
use crate::baseline::{DayTally, UserDay};
use crate::config::{BaselineConfig, Config, OddVolumeConfig};
use crate::event::{format_ts, Event, Text};
use crate::identity::{Resolved, Resolver};
use crate::refs::login_key;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "odd_volume",
    kinds: &["daily_count", "burst", "off_hours", "distinct_subjects", "export"],
    what: "A user's lookups in a day far above their own history (for a user with fewer than `min_user_days` active days, against their own few days as their level, with the day-to-day swing of their unit's members, each measured against their own usual day, or their own median spread where it is wider, so that one earlier busy day does not hide the next, but only on a day out of the ordinary for their unit too; for a user with none, against the unit, and while the unit's history spans fewer than `min_peer_distinct_days` days against its member-days so far (half of `min_peer_days` of them are enough), today's included and the user's own left out, the day then needing the minimum ratio above the unit's 95th percentile), by a negative binomial test with Benjamini–Hochberg control across the users of the day, a day on which more of the agency's users than chance allows were above their usual day (a filing deadline, a backlog) counting each day as a multiple of the median user's, and earlier such days likewise (`daily_count`); far more typed queries within `burst_window_minutes` than the user's (or unit's) usual hourly rate allows, a query sent to several systems within two seconds counting once, or `burst_no_baseline_lookups` lookups counting every system's answer, a pace beyond work by hand, and that many alone before any history, while a login whose ordinary days (the median of three or more) already run beyond that pace in their busiest window, an interface or a batch job, is judged against `burst_min_ratio` times its own usual run, and no person's bar is under twice their own busiest window on their median day (from three days of work: a title clerk's daily dealer batch of thirty is their work), nor under twice the busiest window of 99 in 100 of their unit's member-days (read from a hundred of them: a port's booth officers clear a bus of forty travellers in ten minutes every few days, a new hire on the first day too), and a service account (a personnel row naming no person: no person id, date of birth, address, phone or plate, where most rows name one) is judged that way whatever its pace, and not before it has three days of runs (`burst`); `off_hours_min_lookups` or more lookups in a day at hours of the day where the user (from three active days and a hundred lookups) has almost never worked, or (from two such days) never within two hours, or, short of that, at which none of the days of work by the user and their unit shows any work (a unit history spanning `min_user_days` days, or two of the user's own days in a younger one, however light), lookups in one stretch of work (no break over an hour, the time from a session's `login` to its `logout` counting as work however quiet, for up to twelve hours) with lookups at hours the history itself shows work in not counted (a shift held over for a double, or a call-in before it; counted in the summary), nor those of a stretch wholly at other hours lasting `off_hours_shift_hours` (a shift worked at other hours, overtime or a swap the roster explains; counted in the summary: misuse at night is a sitting, not a shift, and a whole night's browsing still shows in the day's count and its cases), a login's lookups after its holder left (terminated or on leave) not counted, since they are `inactive_account` and the holder's hours say nothing of whoever uses it, and none raised on a day when three or more members of one unit are off their hours together: the unit's shift changed, nor for a member of that unit off their hours in the week after at the hours the unit moved to (within an hour), while three or more other members still work mostly at them: on its new shift a day or more after the rest, nor, on a day when more users are off their hours than the earlier days' rate allows by chance, those whose hours come within an hour of three such users' own: the agency's hours moved, an overtime Saturday or a call-out (`off_hours`); many distinct people looked up without a case that explains it (people named by an identifier, a date of birth or a given name: a surname alone, with an initial or not, is a search and names nobody), against the user's usual breadth, an agency-wide busy day counted as for `daily_count`, and judged a second way by the people looked up under purposes the agency does not exempt, each way a test of its own across the users of the day and a day found either way one alert: a traffic officer's forty plates a day at stops hide sixty people browsed beside them in the first count, not in the second (`distinct_subjects`); one event returning far more records (`result_count`) than the user and their unit ever do, the unit judged from `min_peer_days` member-days over three days or more, and before that, at the end of the day, from `min_peer_days` member-days so far, today's included, against `export_young_ratio` times their largest result under `export_min_rows` unless a tenth of them reach it, a report on the user's own unit (see `no_case`) then being judged by the records its unit's cases hold instead, and while the unit has fewer than `min_peer_days` member-days, against `export_min_ratio` times the 99th percentile of the largest results of the agency's other member-days so far (from fifty, the user's own and service accounts' left out), and never under `export_min_ratio` times `export_min_rows`, and a service account's results against its own and its unit's only, without the bar of results always reported and not before either has a history (`export`). A day of counts that the user's own history was too short to judge, and that the unit let pass, is judged again a week on, once three or more of the user's active days after it and five in all can: against their mean and spread, at the bar of the first discovery among the users judged that day, the minimum ratio to their median day and twice the median of the days after it (a new level of work would have carried on), a day longer than a ten-hour shift and than any other of theirs counted at that length (a double shift), a day of theirs raised for the same kind (another misuse) left out of those days, a day set aside as their unit's incident kept; it is raised then, as the alert of its own day (`judged` in the summary), and dropped if four weeks bring too few days after it. A unit serves as a baseline for counts from `min_peer_distinct_days` days of its members' work, so a newcomer and a new deployment are judged from the first days. A case id does not make volume legitimate: every lookup counts. Three or more members of one unit raised for the same kind together (`burst` within an hour of each other, `daily_count` or `distinct_subjects` on the same day) are the unit's incident, such as a prison's lockdown, and are not raised (counted in the summary); one member alone is. A breadth most of whose people were looked up outside the agency's exempt purposes never is: a lockdown's people are counted under the unit's exempt work, and many people looked up outside any exempt purpose and any case, by several members on one day, are several members browsing.",
    why: "Browsing, bulk harvesting and exports for sale or for a third party show up as volume before anything else; hours nobody works are when misuse hopes not to be seen.",
    false_positives: "A new duty (a task force, a records backlog) or a permanent move to night shifts looks odd until the history catches up (`history_days`); a user with too little history is compared with a unit whose work differs from theirs; one-off legitimate bulk exports; a night of misuse kept up, without a break over an hour, for as long as `off_hours_shift_hours` reads as a shift at other hours (its day's count, its people and its cases are still judged). Public holidays and quiet days only make later days look less odd, never more.",
    tuning: "`[odd_volume]` sets the false discovery rate, minimum counts and ratios of every kind; `[baseline]` how much history is kept and needed. `custodes baseline` builds the history from earlier logs so the first audited night is judged too.",
    example: "412 lookups on 2024-05-14; this user's median is 61 over 44 active days and the unit PATROL's 95th percentile is 140; p = 3e-9 (negative binomial), a discovery at a 1% false discovery rate across the 380 users judged that day.",
    needs: &[],
};

/// Active days of a user's own that say what level they work at (below `min_user_days`,
/// only for a day out of the ordinary for their unit too).
const MIN_OWN_EVIDENCE: usize = 3;

/// A burst is more than this many times the login's usual busiest window (the median of its
/// earlier days' busiest `burst_window_minutes`, from [`MIN_OWN_EVIDENCE`] days). A title
/// clerk keys a dealer's batch of thirty in ten minutes most days, a dispatcher clears a
/// queue at shift change: a login's busiest minutes on an ordinary day are its work, and an
/// hourly rate, which averages them away, raised each of them. Twice that is no ordinary
/// day's: on the 98 labelled worlds, every labelled burst whose actor had three earlier days
/// ran 3.1 to 42 times the actor's usual busiest window (counted by UTC day; four that
/// straddle midnight in that count are found as before), and a pace beyond work by hand
/// stays an alert whatever the login's habit (`burst_no_baseline_lookups`).
const USUAL_PEAK_RATIO: f64 = 2.0;

/// A burst is beyond [`USUAL_PEAK_RATIO`] times the busiest `burst_window_minutes` of all
/// but one in a hundred of the user's unit's member-days ([`UNIT_PEAK_QUANTILE`], read from
/// [`UNIT_PEAK_MIN_DAYS`] member-days of the history): a port's booth officers clear a bus
/// of forty travellers in ten minutes every few days, and each of them, newcomer or not, is
/// judged against that.
const UNIT_PEAK_QUANTILE: f64 = 0.99;

/// How many member-days of a unit's busiest windows [`UNIT_PEAK_QUANTILE`] is read from.
const UNIT_PEAK_MIN_DAYS: usize = 100;

/// A user's own days that say which hours are unusual for them, with enough lookups (or
/// held in a young unit's hours of work): two days of day shifts put a night out of the
/// ordinary (three were asked before, and a day worker's night on their third or fifth day
/// went unjudged); one day could be the user's last on another shift.
const MIN_OWN_DAYS_FOR_HOURS: usize = 2;

/// The share of a young unit's member-days returning `export_min_rows` or more from which
/// such results are routine for it (see `judge_young_exports`).
const ROUTINE_LARGE_SHARE: f64 = 0.1;

/// A count that at least this share of the unit's member-days reach, and two of them at
/// least, is a day the unit's members have anyway: a user with a short history is not
/// judged on it. One earlier day (a colleague's own anomaly, perhaps) does not make it
/// ordinary: in a unit of three, a single day is several per cent of its history.
const UNIT_ORDINARY: f64 = 0.01;

/// The unit a login belongs to, for peer comparison (here and in `fishing`).
/// Members of one unit off their usual hours on the same day that make it the unit's shift
/// changing rather than anyone's habits (`off_hours`).
const ROTATION: usize = 3;

pub(super) fn unit_of(resolver: &Resolver, user: &str) -> String {
    resolver
        .personnel_for(user)
        .and_then(|p| p.unit.as_deref())
        .map(|u| u.trim().to_uppercase())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "(no unit)".into())
}

/// Hours at which (almost) no day shows any work: the days with a lookup within two hours
/// either side are fewer than `max_share` of `days`; with fewer than `1 / max_share` days,
/// hours at which no day shows any.
fn quiet_hours(window_days: &[u64; 24], days: usize, max_share: f64) -> [bool; 24] {
    let mut out = [false; 24];
    for (o, &w) in out.iter_mut().zip(window_days) {
        *o = w == 0 || (w as f64) < max_share * days as f64;
    }
    out
}

/// Hours of the day at which a histogram shows (almost) no work: the hour and the two
/// hours either side together hold less than `max_share` of all lookups. Two hours of slack
/// mean an early start, a late finish or an overtime evening is not "off hours"; the night
/// of a day worker is.
fn unusual_hours(hist: &[u64; 24], max_share: f64) -> [bool; 24] {
    let total: u64 = hist.iter().sum();
    let mut out = [false; 24];
    for (h, o) in out.iter_mut().enumerate() {
        let around: u64 = (0..5).map(|k| hist[(h + 22 + k) % 24]).sum();
        *o = around == 0 || (around as f64) < max_share * total as f64;
    }
    out
}

/// Hours at which a histogram shows work itself: at least `max_share` of all lookups (any,
/// when `max_share` is 0) in the hour, with no slack either side.
fn core_hours(hist: &[u64; 24], max_share: f64) -> [bool; 24] {
    let total: u64 = hist.iter().sum();
    let mut out = [false; 24];
    for (o, &n) in out.iter_mut().zip(hist) {
        *o = n > 0 && (n as f64) >= max_share * total as f64;
    }
    out
}

/// What one user's or one unit's earlier days say, for the checks made event by event.
#[derive(Debug, Clone)]
struct Norm {
    /// Active days (user) or member-days (unit).
    days: usize,
    /// Distinct calendar days those fall on.
    distinct_days: usize,
    /// 90th percentile of lookups per hour worked.
    rate_p90: f64,
    hours: [u64; 24],
    /// Days (member-days) with any lookup within two hours either side of each hour.
    window_days: [u64; 24],
    /// Usual largest result of a day (user: 95th percentile; unit: median of members').
    rows: f64,
    /// The 99th percentile of these days' largest results: what the heavier days reach,
    /// without letting one export (perhaps the very misuse to find) set the bar.
    max_rows: f64,
}

impl Norm {
    fn of_days<'a>(days: impl Iterator<Item = (NaiveDate, &'a UserDay)>) -> Norm {
        let mut rates = Vec::new();
        let mut rows = Vec::new();
        let mut hours = [0u64; 24];
        let mut window_days = [0u64; 24];
        let mut dates = Vec::new();
        for (date, d) in days {
            dates.push(date);
            rates.push(d.rate_per_active_hour());
            rows.push(d.max_rows as f64);
            for (h, n) in hours.iter_mut().zip(d.hours) {
                *h += u64::from(n);
            }
            for (h, w) in window_days.iter_mut().enumerate() {
                if (0..5).any(|k| d.hours[(h + 22 + k) % 24] > 0) {
                    *w += 1;
                }
            }
        }
        dates.sort_unstable();
        dates.dedup();
        Norm {
            days: rates.len(),
            distinct_days: dates.len(),
            rate_p90: quantile(&rates, 0.9),
            hours,
            window_days,
            max_rows: quantile(&rows, 0.99),
            rows: quantile(&rows, 0.95),
        }
    }
}

/// How many values a user's day is judged by ([`Pools::values`]).
const COLS: usize = 3;

/// The daily values of one day's count judgements ([`Pools::values`]: lookups, distinct
/// unrelated people, and those of them outside the agency's exempt purposes).
#[derive(Default)]
struct Pools<'a> {
    /// Unit -> its member-days over the history window (not today: a day is judged against
    /// the days before it, and a small unit's busiest member today must not widen the
    /// baseline they are judged by), and how many distinct days those span.
    units: HashMap<String, (Vec<[f64; COLS]>, usize)>,
    /// Unit -> its members' earlier days as multiples of each member's own median day, per
    /// value ([`Swing::ratios`]): how far a member's day swings in this unit.
    swing: HashMap<String, [Vec<f64>; COLS]>,
    unit_of: HashMap<&'a str, String>,
    /// User active today -> their own earlier days in the window.
    own: HashMap<&'a str, Vec<[f64; COLS]>>,
    /// How much busier than usual the agency was on each day; every value above is
    /// already divided by its day's effect.
    effects: DayEffects,
}

/// One user's earlier days in the window, with their [`Pools::values`].
type DatedValues = Vec<(NaiveDate, [f64; COLS])>;

/// How unlikely by chance the share of users above their usual day must be for a day to be
/// the agency's ([`DayEffects`]): on an ordinary day each user's day is as likely to fall
/// either side of their median, and a median of fifty ratios drifts a few per cent either
/// way, which must not move anyone's judgement (a light user's level of five lookups a
/// day, divided by 1.03, would no longer be a level at all).
const DAY_EFFECT_P: f64 = 0.001;

/// How much busier than usual the agency as a whole was on a day, per value of
/// [`Pools::values`]: the median, over the users at work that day who have a usual day of
/// their own ([`Swing::level`], from [`MIN_OWN_EVIDENCE`] days), of their day as a multiple
/// of it, once at least `min_peer_days` users say so and more of them are above their usual
/// day than chance allows (a sign test at [`DAY_EFFECT_P`]).
///
/// A benefits agency's filing deadline, a holiday weekend's backlog or a storm has every
/// caseworker and agent at two or three times their usual day. Each of them judged alone
/// would be a discovery, and together they are the agency's day, not anyone's misuse. So a
/// day's counts are divided by the day's effect before they are judged, and earlier days are
/// divided by theirs before they become a baseline, so that one deadline in the history
/// does not widen everyone's spread either. Half of the agency would have to misuse the
/// same day for the median to move. An effect is never below one: a quiet Saturday makes
/// nobody's day look busier than it was.
#[derive(Debug)]
struct DayEffects {
    by_date: HashMap<NaiveDate, [f64; COLS]>,
    /// Today's effect, and how many users' days it was measured on.
    today: [f64; COLS],
    today_users: [usize; COLS],
}

impl Default for DayEffects {
    fn default() -> Self {
        DayEffects {
            by_date: HashMap::default(),
            today: [1.0; COLS],
            today_users: [0; COLS],
        }
    }
}

impl DayEffects {
    fn measure<'a>(
        days: &[(&'a str, DatedValues)],
        today: impl Fn(&'a str) -> Option<[f64; COLS]>,
        min_users: usize,
    ) -> DayEffects {
        let mut by_date: HashMap<NaiveDate, [Vec<f64>; COLS]> = HashMap::default();
        let mut now: [Vec<f64>; COLS] = Default::default();
        for (u, own) in days {
            let today = today(u);
            for col in 0..COLS {
                let values: Vec<f64> = own.iter().map(|(_, v)| v[col]).collect();
                let Some(level) = Swing::level(&values, MIN_OWN_EVIDENCE) else {
                    continue;
                };
                for (d, v) in own {
                    by_date.entry(*d).or_default()[col].push(v[col] / level);
                }
                if let Some(t) = today {
                    now[col].push(t[col] / level);
                }
            }
        }
        let effect = |ratios: &[f64]| {
            let above = ratios.iter().filter(|&&r| r > 1.0).count() as u64;
            let below = ratios.iter().filter(|&&r| r < 1.0).count() as u64;
            if ratios.len() >= min_users.max(1) && sign_test_upper(above, below) < DAY_EFFECT_P {
                quantile(ratios, 0.5).max(1.0)
            } else {
                1.0
            }
        };
        DayEffects {
            by_date: by_date
                .into_iter()
                .map(|(d, r)| (d, std::array::from_fn(|c| effect(&r[c]))))
                .collect(),
            today: std::array::from_fn(|c| effect(&now[c])),
            today_users: std::array::from_fn(|c| now[c].len()),
        }
    }

    /// An earlier day's values as they would read on an ordinary day.
    fn adjust(&self, date: NaiveDate, v: [f64; COLS]) -> [f64; COLS] {
        match self.by_date.get(&date) {
            Some(f) => std::array::from_fn(|c| v[c] / f[c]),
            None => v,
        }
    }
}

impl Pools<'_> {
    fn values(d: &UserDay) -> [f64; COLS] {
        [
            f64::from(d.lookups),
            f64::from(d.subjects),
            f64::from(d.open_subjects.unwrap_or(d.subjects)),
        ]
    }
}

/// Which baseline a threshold came from, for reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Basis {
    Own,
    Unit,
    None,
}

/// What an `off_hours` judgement rests on.
#[derive(Debug, Clone)]
struct HoursBasis {
    unusual: [bool; 24],
    /// Hours at which the history itself shows work, without the two hours' slack of
    /// `unusual`: what makes a stretch of work one of the user's usual hours ([`Stretch`]).
    core: [bool; 24],
    basis: Basis,
    measure: HoursMeasure,
    /// The share under which an hour is unusual: `off_hours_max_share`, or none at all
    /// (0) for a user's own history of fewer than [`MIN_OWN_EVIDENCE`] days.
    max_share: f64,
    /// Days (member-days for a unit) behind it.
    days: usize,
}

/// How an hour's usualness was measured.
#[derive(Debug, Clone, Copy)]
enum HoursMeasure {
    /// Share of the user's own lookups (this many in all) within two hours either side.
    Lookups(u64),
    /// Share of days (the user's own and their unit's member-days) with any lookup within
    /// two hours either side.
    Presence,
}

/// A user's thresholds for the day, fixed at their first event.
#[derive(Debug, Clone)]
struct Limits {
    unit: String,
    burst: Option<BurstBar>,
    /// Off hours: which hours are unusual, and what says so.
    hours: Option<HoursBasis>,
    export: ExportBar,
}

/// What makes a `burst` for one user on one day.
#[derive(Debug, Clone, Copy)]
struct BurstBar {
    /// Typed queries needed in the window (a query sent to several systems counts once).
    need: u32,
    /// Lookups needed in the window, every system's answer counting: a pace beyond work
    /// by hand, unless the user's usual pace asks more.
    need_all: u32,
    /// Lookups a window holds at the usual rate (the Poisson mean).
    expected: f64,
    basis: Basis,
    /// The login's usual busiest window, when it is beyond work by hand (an interface or
    /// batch job): the bar is `burst_min_ratio` times it.
    machine_pace: Option<f64>,
    /// The login's usual busiest window, when [`USUAL_PEAK_RATIO`] times it set the bar
    /// for typed queries.
    usual_peak: Option<f64>,
    /// The unit's busy minutes ([`UNIT_PEAK_QUANTILE`] of its member-days' busiest
    /// windows), when they set the bar.
    unit_peak: Option<f64>,
    /// `need` and `need_all` as the login's own pace and rate set them, before the unit's
    /// busy minutes: how far beyond them a burst goes says how serious it is. The unit's
    /// busy minutes say whether a burst is the unit's ordinary work, not how grave one
    /// beyond them is.
    own_need: (u32, u32),
}

/// How large a result is an `export` for one user on one day.
#[derive(Debug, Clone)]
struct ExportBar {
    /// Rows needed; for a young unit, what makes an event a candidate until the day ends.
    need: u64,
    /// The user's usual largest result, from any own days.
    own: Option<f64>,
    /// The unit's usual largest result, once its history can say.
    unit: Option<f64>,
    /// The unit's history is too young to say: candidates are judged when the day ends,
    /// against the unit's member-days so far, today's included.
    young: bool,
    /// For a young unit, the ordinary member-days its largest result so far comes from.
    young_days: Option<usize>,
    /// For a young unit that cannot say yet, the agency's member-days so far: the 99th
    /// percentile of their largest results, and how many there are.
    agency: Option<(f64, usize)>,
    /// The login is a service account: no bar of results always reported.
    service: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Recent {
    ts: DateTime<Utc>,
    id: Text,
    flagged: bool,
    /// A hash of the person looked up (never the key itself: the state file should not
    /// hold names), to tell one typed query fanned out to several systems from new ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<u64>,
    /// The same typed query as the lookup before it, sent to another system.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    fan_out: bool,
}

/// Member-days with a result the agency needs, over its users (the exporter left out),
/// before their 99th percentile of a member-day's largest result bars a young unit's
/// export: enough that it is not one day's result alone.
const AGENCY_MEMBER_DAYS: usize = 50;

/// Events by one login about the same person this close together are one typed query sent
/// to several systems (records, the state database, the national index answer one search
/// within the same second): against the user's usual pace a burst counts what a person
/// typed, and against a pace nobody keeps up by hand it counts every system's answer.
const FAN_OUT_SECONDS: i64 = 2;

/// Lookups with no break longer than this are one stretch of work. Off-hours lookups in a
/// stretch that also holds lookups at the user's usual hours are a shift held over or
/// started early (a mandatory double, a call-in before the shift), not hours nobody works:
/// they are not counted as off hours. Misuse at night from home is a stretch of its own. The
/// usual hours here are those the history shows work in (`HoursBasis::core`), not the two
/// hours' slack around them, into which a night's misuse may run.
const STRETCH_GAP_MINUTES: i64 = 60;

/// A session's `login` and `logout` are presence too: from a login until its logout the
/// user is at the terminal however long between lookups (a port officer at a quiet booth,
/// a records clerk between requests), so the stretch of work runs on through the session.
/// A session whose logout never came is presence for no longer than this: a login left
/// open over a day off says nothing of the next night.
const SESSION_MAX_HOURS: i64 = 12;

/// The session actions (`CONTRACT.md`): presence at a terminal, not lookups.
const LOGIN: &str = "login";
const LOGOUT: &str = "logout";

/// The stretch of work a user is in ([`STRETCH_GAP_MINUTES`]); kept across midnight, and
/// in the saved state, since a double shift runs over it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Stretch {
    start: DateTime<Utc>,
    last: DateTime<Utc>,
    /// The stretch holds a lookup at the user's usual hours.
    usual: bool,
}

/// A session the user logged in to and has not logged out of ([`SESSION_MAX_HOURS`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    since: DateTime<Utc>,
    /// The event's `session`, where given: a single sign-on's logout at the old terminal
    /// after a login at the next one closes the old session, not the new.
    id: Option<Text>,
}

fn subject_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

/// One user's state: the open burst window (kept across days) and today's flagged events.
#[derive(Debug, Default)]
struct UserState {
    login: Text,
    limits: Option<Limits>,
    recent: VecDeque<Recent>,
    /// Entries of `recent` before this index are flagged (a burst flags the whole window
    /// at once, then each new lookup while it lasts, so flagged entries are a prefix).
    recent_flagged: usize,
    /// Entries of `recent` that are another system's answer to the query before them.
    recent_fan_out: usize,
    burst: Vec<(DateTime<Utc>, Text)>,
    /// The day's largest window: every lookup, and typed queries only.
    burst_peak: usize,
    burst_peak_typed: usize,
    /// The day's largest window, flagged or not: the login's pace ([`OddVolume::paces`]).
    day_peak: usize,
    off: Vec<(DateTime<Utc>, Text)>,
    /// The stretch of work the user is in, while their hours are judged.
    stretch: Option<Stretch>,
    /// The session the user is logged in to, if any: presence between lookups.
    session: Option<Session>,
    /// When the off-hours lookups of the day were that are in a stretch that holds usual
    /// hours too (not in `off`): not raised, but the user was at work off their hours, which
    /// counts when a unit's shift or the agency's hours move.
    held_over: Vec<DateTime<Utc>>,
    /// When the off-hours lookups of the day were that are in a stretch wholly off the
    /// user's hours lasting `off_hours_shift_hours`: a shift worked at other hours
    /// (overtime, a swap, a call-out), not raised but at work off their hours, as
    /// `held_over`.
    shifted: Vec<DateTime<Utc>>,
    exports: Vec<(DateTime<Utc>, Text, u64)>,
}

/// A stretch as long as a shift, wholly at other hours: overtime or a swap the roster
/// explains, not a sitting. Its off-hours lookups of the day (`off`) are not off hours.
fn shift_worked(
    st: &Stretch,
    off: &mut Vec<(DateTime<Utc>, Text)>,
    shifted: &mut Vec<DateTime<Utc>>,
) {
    let early = off.iter().position(|(ts, _)| *ts >= st.start);
    if let Some(at) = early {
        shifted.extend(off.drain(at..).map(|(ts, _)| ts));
    }
}

impl Session {
    /// The user was logged in to this session from the stretch's last sign of presence
    /// until `ts`.
    fn logged_in(&self, st: &Stretch, ts: DateTime<Utc>) -> bool {
        self.since <= st.last && ts - self.since <= Duration::hours(SESSION_MAX_HOURS)
    }
}

pub(crate) struct OddVolume {
    cfg: OddVolumeConfig,
    base: BaselineConfig,
    window: Duration,
    day: Option<NaiveDate>,
    users: HashMap<String, UserState>,
    /// Unit -> norm of its members' earlier days, computed once a day.
    units: HashMap<String, Norm>,
    /// Login key -> its busiest `burst_window_minutes` of each earlier day in the history
    /// window: the pace of an interface or batch job, which hourly rates cannot show (two
    /// hundred lookups in ten minutes once a night is a rate of two hundred an hour).
    paces: HashMap<String, BTreeMap<NaiveDate, u32>>,
    /// Unit -> its busy minutes ([`OddVolume::unit_peak`]), computed once a day.
    unit_peaks: HashMap<String, Option<f64>>,
    /// Day -> users whose hours were judged, and how many of them were off their hours:
    /// how often anyone is, for [`OddVolume::agency_hours`].
    hours_days: BTreeMap<NaiveDate, (u32, u32)>,
    /// What the last day's judgement set aside or adjusted, for the summary.
    notes: Vec<DayNote>,
    /// Days of counts let pass for want of the user's own history, judged again once the
    /// days after them can ([`day_recheck`]), in the order they were held.
    held: Vec<Held>,
    /// The days each user was raised for a kind of count (kind, login key, day), over the
    /// history window: a held day is judged by the user's usual days, not by another
    /// misuse of theirs ([`day_recheck::judge`]).
    raised_days: BTreeSet<(String, String, NaiveDate)>,
    /// Unit -> its latest shift change: the day `ROTATION` or more of its members were off
    /// their hours together, and the hours (one bit each, UTC) they were off at. A member
    /// who follows a day or more later is on the unit's new shift ([`SHIFT_FOLLOW_DAYS`]).
    shifts: BTreeMap<String, (NaiveDate, u32)>,
}

/// For how many days after a unit's shift change a member off their hours at the unit's new
/// hours is following it (a patrol member whose first night of the rotation falls a day
/// after the squad's, after a day off).
const SHIFT_FOLLOW_DAYS: i64 = 7;

/// The column of [`Pools::values`] that counts people outside the agency's exempt
/// purposes. A traffic officer's day holds dozens of people stopped, each exempt: a day of
/// browsing sixty more beside them does not reach three times all the people of their usual
/// day, but is many times those looked up for no exempt purpose. A day's breadth is judged
/// both ways, each way a test of its own across the users of the day; a day found either
/// way is one alert.
const OPEN: usize = 2;

/// A column's kind, minimum count and minimum ratio.
fn kind_of(col: usize, cfg: &OddVolumeConfig) -> (&'static str, u32, f64) {
    if col == 0 {
        ("daily_count", cfg.daily_min_lookups, cfg.daily_min_ratio)
    } else {
        (
            "distinct_subjects",
            cfg.distinct_min_subjects,
            cfg.distinct_min_ratio,
        )
    }
}

/// What a column counts, in an alert's reason.
fn noun_of(col: usize) -> &'static str {
    match col {
        0 => "lookups",
        OPEN => "distinct people looked up without a case that explains it, under purposes the agency does not exempt",
        _ => "distinct people looked up without a case that explains it",
    }
}

impl OddVolume {
    pub fn new(config: &Config) -> Self {
        let cfg = config.odd_volume.clone();
        Self {
            window: Duration::minutes(cfg.burst_window_minutes),
            cfg,
            base: config.baseline.clone(),
            day: None,
            users: HashMap::default(),
            units: HashMap::default(),
            paces: HashMap::default(),
            unit_peaks: HashMap::default(),
            hours_days: BTreeMap::new(),
            notes: Vec::new(),
            held: Vec::new(),
            raised_days: BTreeSet::new(),
            shifts: BTreeMap::new(),
        }
    }

    /// The busiest `burst_window_minutes` that all but one in a hundred of the unit's
    /// member-days before `day` stay within (people only: a service account's runs are a
    /// job's); `None` before the history holds [`UNIT_PEAK_MIN_DAYS`] of them.
    fn unit_peak(&mut self, unit: &str, day: NaiveDate, cx: &Context<'_>) -> Option<f64> {
        if let Some(p) = self.unit_peaks.get(unit) {
            return *p;
        }
        let mut peaks: Vec<f64> = self
            .paces
            .iter()
            .filter(|(u, _)| unit_of(cx.resolver, u) == unit && !cx.resolver.is_service_login(u))
            .flat_map(|(_, days)| days.range(..day).map(|(_, &n)| f64::from(n)))
            .collect();
        peaks.sort_by(f64::total_cmp);
        let p = (peaks.len() >= UNIT_PEAK_MIN_DAYS).then(|| quantile(&peaks, UNIT_PEAK_QUANTILE));
        self.unit_peaks.insert(unit.to_string(), p);
        p
    }

    fn unit_norm(&mut self, unit: &str, day: NaiveDate, cx: &Context<'_>) -> Norm {
        if let Some(n) = self.units.get(unit) {
            return n.clone();
        }
        let mut members: Vec<&str> = cx
            .history
            .users()
            .filter(|u| unit_of(cx.resolver, u) == unit)
            .collect();
        members.sort_unstable();
        let all = Norm::of_days(members.iter().flat_map(|u| cx.history.user_days(u, day)));
        // A unit's usual largest result is what its heavier members routinely return (the
        // 90th percentile of members' own usual largest): far beyond the unit means beyond
        // what its records clerks do too, while a unit of patrol officers keeps a low bar.
        let member_rows: Vec<f64> = members
            .iter()
            .map(|u| Norm::of_days(cx.history.user_days(u, day)))
            .filter(|n| n.days > 0)
            .map(|n| n.rows)
            .collect();
        // Until the unit's history spans as many days as a user's must, its heavier members'
        // usual is not yet known (a records clerk's bulk export comes every few days): the
        // 99th percentile of its member-days' largest results stands in for it.
        let rows = if all.distinct_days >= self.base.min_user_days {
            quantile(&member_rows, 0.9)
        } else {
            all.max_rows
        };
        let norm = Norm { rows, ..all };
        self.units.insert(unit.to_string(), norm.clone());
        norm
    }

    /// A young unit's candidate exports, judged when the day ends, against the largest
    /// ordinary result (under `export_min_rows`) of the unit's member-days so far, today's
    /// included, the user's own left out. A day of twenty patrol officers says what a
    /// patrol officer's result looks like; it may not yet say what a records clerk's weekly
    /// bulk run looks like, hence the wider `export_young_ratio`. A unit with fewer ordinary
    /// member-days than `min_peer_days` still reports only results of `export_always_rows`.
    fn judge_young_exports(
        &self,
        user: &str,
        exports: &[(DateTime<Utc>, Text, u64)],
        bar: &ExportBar,
        day: NaiveDate,
        pools: &Pools<'_>,
        cx: &DayContext<'_>,
    ) -> (Vec<(DateTime<Utc>, Text, u64)>, ExportBar) {
        let c = &self.cfg;
        let always = c.export_always_rows;
        let mut judged = ExportBar {
            need: always,
            ..bar.clone()
        };
        if exports.iter().all(|e| e.2 >= always) {
            return (exports.to_vec(), judged);
        }
        let me = crate::refs::login_key(user);
        let unit = pools.unit_of.get(me.as_str());
        let in_unit =
            |member: &str| member != me && unit.is_some() && pools.unit_of.get(member) == unit;
        let rows = largest_results(cx, day, in_unit);
        // The largest ordinary result: a member-day that is itself a candidate (from
        // `export_min_rows`) does not vouch for another, or two officers exporting on one
        // day would each set the other's bar. Unless such days are routine for the unit (a
        // tenth of its member-days or more: a records unit's bulk work), when nothing
        // below `export_always_rows` is news while its history is this young.
        let ordinary: Vec<f64> = rows
            .iter()
            .copied()
            .filter(|&r| r < c.export_min_rows as f64)
            .collect();
        let large = rows.len() - ordinary.len();
        let routine = large >= 2 && large as f64 >= ROUTINE_LARGE_SHARE * rows.len() as f64;
        if !routine && ordinary.len() >= self.base.min_peer_days {
            let unit_rows = ordinary.iter().copied().fold(0.0, f64::max);
            let mut need = (c.export_min_rows as f64).max(c.export_young_ratio * unit_rows);
            if let Some(o) = bar.own {
                need = need.max(c.export_min_ratio * o);
            }
            judged.need = (need.min(always as f64)).ceil() as u64;
            judged.unit = Some(unit_rows);
            judged.young_days = Some(ordinary.len());
        } else if !routine {
            // Before the unit can say what a result is, the agency can: its member-days so
            // far, today's included, the user's own and service accounts' left out (a job's
            // load says nothing of a person's). A result many times the 99th percentile of
            // a member-day's largest is news wherever it comes from: a two-person records
            // desk's address extract of 37,000 rows on its second day.
            let all = largest_results(cx, day, |member| {
                member != me && !cx.resolver.is_service_login(member)
            });
            if all.len() >= AGENCY_MEMBER_DAYS {
                let p99 = quantile(&all, 0.99);
                // Ten times, and never under ten times the smallest result that is an
                // export at all: the agency is a coarser measure than the user's own unit,
                // and a records desk's reports of a few thousand rows are its trade.
                let mut need = c.export_min_ratio * (c.export_min_rows as f64).max(p99);
                if let Some(o) = bar.own {
                    need = need.max(c.export_min_ratio * o);
                }
                if need < always as f64 {
                    judged.need = need.ceil() as u64;
                    judged.agency = Some((p99, all.len()));
                }
            }
        }
        let kept = exports
            .iter()
            .filter(|e| e.2 >= judged.need)
            .cloned()
            .collect();
        (kept, judged)
    }

    fn limits(&mut self, user: &str, day: NaiveDate, cx: &Context<'_>) -> Limits {
        let unit = unit_of(cx.resolver, user);
        let own_all = Norm::of_days(cx.history.user_days(user, day));
        // Even a few days of the user's own bulk work say more about their job than the
        // unit does: a records clerk's third export of the week is not news.
        let own_rows = (own_all.days > 0).then_some(own_all.rows);
        let own = (own_all.days >= self.base.min_user_days).then(|| own_all.clone());
        let unit_all = self.unit_norm(&unit, day, cx);
        // A unit is a baseline only once its history spans as many days as a user's must:
        // one busy first day of a unit says nothing about its usual hours.
        let peers = (unit_all.days >= self.base.min_peer_days
            && unit_all.distinct_days >= self.base.min_peer_distinct_days)
            .then(|| unit_all.clone());
        let unit_peak = self.unit_peak(&unit, day, cx);
        let c = &self.cfg;
        let minutes = self.window.num_minutes() as f64;
        let (rate, basis) = match (&own, &peers) {
            (Some(o), _) => (Some(o.rate_p90), Basis::Own),
            (None, Some(p)) => (Some(p.rate_p90), Basis::Unit),
            _ => (None, Basis::None),
        };
        let burst = match rate {
            Some(r) => {
                let expected = r * minutes / 60.0;
                let need = (c.burst_min_lookups as f64)
                    .max((c.burst_min_ratio * expected).ceil())
                    .max(poisson_critical(expected, c.burst_max_p) as f64)
                    as u32;
                Some(BurstBar {
                    need,
                    need_all: need.max(c.burst_no_baseline_lookups),
                    expected,
                    basis,
                    machine_pace: None,
                    usual_peak: None,
                    unit_peak: None,
                    own_need: (0, 0),
                })
            }
            // No history yet (a new agency, a new unit): a pace nobody keeps up by hand is
            // a scrape from the first day.
            None => {
                let need = c.burst_no_baseline_lookups.max(c.burst_min_lookups);
                Some(BurstBar {
                    need,
                    need_all: need,
                    expected: 0.0,
                    basis: Basis::None,
                    machine_pace: None,
                    usual_peak: None,
                    unit_peak: None,
                    own_need: (0, 0),
                })
            }
        };
        // A login whose ordinary day already runs beyond any pace of work by hand in its
        // busiest window (the median of at least [`MIN_OWN_EVIDENCE`] days) is an interface
        // or a batch job: its nightly run of two hundred is its job, and a burst is far more
        // than its own usual run. A person's usual busiest minutes never reach that pace, so
        // this never lowers, nor even changes, a person's bar.
        // A service account (a personnel row that names no person) is such a job whatever
        // its pace: a wage match of forty a run is the job's, not a clerk's. It is judged
        // against its own runs alone, and not before it has [`MIN_OWN_EVIDENCE`] of them:
        // no person's pace says what a job's first night should look like.
        let service = cx.resolver.is_service_login(user);
        // The login's busiest window on its median earlier day, from [`MIN_OWN_EVIDENCE`].
        let usual_peak = self.paces.get(user).and_then(|p| {
            let peaks: Vec<f64> = p.range(..day).map(|(_, &n)| f64::from(n)).collect();
            (peaks.len() >= MIN_OWN_EVIDENCE).then(|| quantile(&peaks, 0.5))
        });
        let machine_pace =
            usual_peak.filter(|&m| service || m >= f64::from(c.burst_no_baseline_lookups));
        let burst = if service {
            machine_pace.and(burst)
        } else {
            burst
        };
        let unit_peak = unit_peak.filter(|_| !service);
        let burst = burst.map(|mut b| {
            // The unit's busy minutes are its members' work, a newcomer's included: the bar
            // is never under twice what one in a hundred of their days reaches, as it is
            // never under twice the login's own busiest window. Once over it would be no
            // bar: one member-day in a hundred is above it by construction.
            let unit_bar = unit_peak.map(|p| (p, (USUAL_PEAK_RATIO * p).ceil() as u32));
            // A person's busiest minutes on an ordinary day are part of their work: the bar
            // is never below [`USUAL_PEAK_RATIO`] times them (a job's pace is judged below).
            if let (Some(m), false) = (usual_peak, service) {
                let bar = (USUAL_PEAK_RATIO * m).ceil() as u32;
                if bar > b.need {
                    b.need = bar;
                    b.usual_peak = Some(m);
                }
                b.need_all = b.need_all.max(bar);
            }
            if let Some(m) = machine_pace {
                let bar = (c.burst_min_ratio * m).ceil() as u32;
                if service {
                    // The job's own runs are its whole baseline: a person's hourly rate
                    // or the unit's says nothing of it.
                    b.need = c.burst_min_lookups.max(bar);
                    b.need_all = b.need;
                    b.basis = Basis::Own;
                } else {
                    b.need = b.need.max(bar);
                    b.need_all = b.need_all.max(bar);
                }
                b.machine_pace = Some(m);
            }
            b.own_need = (b.need, b.need_all);
            if let Some((p, bar)) = unit_bar {
                if bar > b.need {
                    b.need = bar;
                    b.unit_peak = Some(p);
                    b.usual_peak = None;
                }
                b.need_all = b.need_all.max(bar);
            }
            b
        });
        // Hours of work are a rhythm. Enough of the user's own lookups show it (a day
        // worker's three days say their nights are unusual). Short of that, the days
        // themselves do: the user's few days and their unit's member-days, as presence
        // (was anyone at work at that hour that day?) rather than lookups, because a day's
        // lookups come together and a part-timer's 40 lookups leave most hours empty.
        // A unit whose history spans as many days as a user's own must (`min_user_days`)
        // says so alone. A young unit counts only with two or more of the user's own days
        // in it ([`MIN_OWN_DAYS_FOR_HOURS`]), or a lone early-shift member of a new unit
        // would look odd every morning; but then however few lookups those days hold: a
        // commander's three light days and their colleagues' say as plainly as a clerk's
        // busy ones that nobody in the unit works at 02:00.
        // A share under `off_hours_max_share` means something only once the histogram holds
        // enough lookups for that share to be one lookup.
        let enough = |h: &[u64; 24]| h.iter().sum::<u64>() as f64 * c.off_hours_max_share >= 1.0;
        // Two days of work say which hours are the user's only where neither day comes
        // within two hours (a detective's evening runs later one day than the day before);
        // from three, hours with almost none of their lookups are unusual.
        let own_hours = own_all.days >= MIN_OWN_DAYS_FOR_HOURS && enough(&own_all.hours);
        let own_share = if own_all.days >= MIN_OWN_EVIDENCE {
            c.off_hours_max_share
        } else {
            0.0
        };
        let hours = if own_hours {
            Some(HoursBasis {
                unusual: unusual_hours(&own_all.hours, own_share),
                core: core_hours(&own_all.hours, own_share),
                basis: Basis::Own,
                measure: HoursMeasure::Lookups(own_all.hours.iter().sum()),
                max_share: own_share,
                days: own_all.days,
            })
        } else {
            let mature = unit_all.distinct_days >= self.base.min_user_days;
            (mature || own_all.days >= MIN_OWN_DAYS_FOR_HOURS).then(|| HoursBasis {
                unusual: quiet_hours(&unit_all.window_days, unit_all.days, c.off_hours_max_share),
                core: core_hours(&unit_all.hours, c.off_hours_max_share),
                basis: Basis::Unit,
                measure: HoursMeasure::Presence,
                max_share: c.off_hours_max_share,
                days: unit_all.days,
            })
        };
        // How large a result a unit returns needs no full week, only enough member-days over
        // a few days (a young unit's bar is what its member-days have reached, see
        // `unit_norm`): a patrol officer's 10,000-row export on the sixth day is as plain as
        // on the sixtieth, while two days of a records unit may not yet hold its bulk work.
        let unit_rows = (unit_all.days >= self.base.min_peer_days
            && unit_all.distinct_days >= MIN_OWN_EVIDENCE)
            .then_some(unit_all.rows);
        // Judged against the unit when it has a baseline (any own days can only raise the
        // bar), or against the user's own full history. With neither, results of
        // `export_min_rows` and more are candidates, judged at the end of the day against
        // the unit's member-days so far, today's included (`judge_young_exports`).
        let judged = unit_rows.is_some() || own.is_some();
        let floor = (c.export_min_rows as f64).min(c.export_always_rows as f64);
        let mut need = floor;
        for r in [own_rows, unit_rows].into_iter().flatten() {
            need = need.max(c.export_min_ratio * r);
        }
        // The bar of results always reported is a person's: a data-match job's weekly load
        // of a quarter of a million rows is the job. A service account's results are judged
        // against its own and its unit's, and not at all before either has a history.
        if !service {
            need = need.min(c.export_always_rows as f64);
        } else if !judged {
            need = f64::INFINITY;
        }
        Limits {
            unit,
            burst,
            hours,
            export: ExportBar {
                need: need.ceil() as u64,
                own: own_rows,
                unit: unit_rows,
                young: !judged && !service,
                young_days: None,
                agency: None,
                service,
            },
        }
    }

    /// The `off_hours` findings of a day on which the agency's hours moved: an overtime
    /// Saturday, a storm or an emergency call-out brings people in at hours they never work,
    /// from every unit at once. When more users are off their hours (beyond those a unit's
    /// shift change explains) than the earlier days' rate of it allows by chance (a
    /// binomial test at [`DAY_EFFECT_P`], the rate from at least `min_peer_distinct_days`
    /// earlier days, with one off and one not added so a clean history is not a rate of
    /// zero), the findings whose hours come within an hour of
    /// those of [`ROTATION`] or more of the day's findings, their own included, are the
    /// agency's hours and are not raised. One user's night at other hours, the misuse this
    /// kind is for, is still raised on such a day.
    fn agency_hours(&self, day: NaiveDate, judged: u32, off_at: &[(usize, u32)]) -> Vec<usize> {
        let days = self.hours_days.range(..day).count();
        if off_at.len() < ROTATION || days < self.base.min_peer_distinct_days {
            return Vec::new();
        }
        let (n, k) = self
            .hours_days
            .range(..day)
            .fold((0u64, 0u64), |(n, k), (_, &(dn, dk))| {
                (n + u64::from(dn), k + u64::from(dk))
            });
        let rate = (k + 1) as f64 / (n + 2) as f64;
        if binomial_upper(off_at.len() as u64, u64::from(judged), rate) >= DAY_EFFECT_P {
            return Vec::new();
        }
        off_at
            .iter()
            .filter(|(_, at)| {
                let around = within_an_hour(*at);
                off_at.iter().filter(|(_, b)| around & b != 0).count() >= ROTATION
            })
            .map(|(i, _)| *i)
            .collect()
    }

    /// A `login` or `logout`: presence at a terminal, which carries the user's stretch of
    /// work on between lookups ([`SESSION_MAX_HOURS`]). Nothing else here reads sessions.
    fn session_event(&mut self, ev: &Event, r: &Resolved<'_>) {
        let login = ev.action.trim().eq_ignore_ascii_case(LOGIN);
        if !login && !ev.action.trim().eq_ignore_ascii_case(LOGOUT) {
            return;
        }
        let key = login_key(&ev.user);
        if r.personnel.is_some_and(|p| p.away_at(ev.ts)) {
            if let Some(s) = self.users.get_mut(&key) {
                s.session = None;
            }
            return;
        }
        let s = self.users.entry(key).or_default();
        let gap = Duration::minutes(STRETCH_GAP_MINUTES);
        // A logout of the open session (or of one the log does not name).
        let closes = !login
            && s.session
                .as_ref()
                .is_some_and(|o| o.id.is_none() || ev.session.is_none() || o.id == ev.session);
        if let Some(st) = s.stretch.as_mut() {
            // Presence within the stretch, or the logout that closes the session it ran
            // in: it runs on to here. A login after a longer break is a new session, not
            // the last one's: whenever that ended, the stretch did too (a sitting at night
            // left open, then the usual shift logged in to). The first lookup of a new
            // stretch starts it at its session's login.
            let session = closes && s.session.as_ref().is_some_and(|o| o.logged_in(st, ev.ts));
            if ev.ts - st.last <= gap || session {
                st.last = st.last.max(ev.ts);
            }
        }
        if login {
            s.session = Some(Session {
                since: ev.ts,
                id: ev.session.clone(),
            });
            return;
        }
        if closes {
            s.session = None;
        }
        // A logout may end a stretch that has, by now, lasted a shift.
        let shift = Duration::hours(i64::from(self.cfg.off_hours_shift_hours));
        if let Some(st) = s.stretch {
            if !st.usual && st.last - st.start >= shift {
                shift_worked(&st, &mut s.off, &mut s.shifted);
            }
        }
    }

    fn new_day(&mut self, day: NaiveDate) {
        if self.day != Some(day) {
            self.day = Some(day);
            self.units.clear();
            self.unit_peaks.clear();
            for s in self.users.values_mut() {
                s.limits = None;
            }
        }
    }

    /// Gathers, in one pass over the history, every value the day's count judgements need.
    fn pools<'a>(&self, day: NaiveDate, cx: &'a DayContext<'a>) -> Pools<'a> {
        let mut pools = Pools::default();
        let mut dates: HashMap<String, Vec<NaiveDate>> = HashMap::default();
        let mut everyone: Vec<&str> = cx.history.users().collect();
        everyone.extend(cx.tally.users.keys().map(String::as_str));
        everyone.sort_unstable();
        everyone.dedup();
        let days: Vec<(&str, DatedValues)> = everyone
            .into_iter()
            .map(|u| {
                let days = cx
                    .history
                    .user_days(u, day)
                    .map(|(d, r)| (d, Pools::values(r)))
                    .collect();
                (u, days)
            })
            .collect();
        pools.effects = DayEffects::measure(
            &days,
            |u| cx.tally.users.get(u).map(|t| Pools::values(&t.row())),
            self.base.min_peer_days,
        );
        for (u, days) in days {
            let unit = unit_of(cx.resolver, u);
            let sample = pools.units.entry(unit.clone()).or_default();
            let unit_dates = dates.entry(unit.clone()).or_default();
            let active_today = cx.tally.users.contains_key(u);
            let mut own = Vec::new();
            for (d, v) in days {
                let v = pools.effects.adjust(d, v);
                sample.0.push(v);
                unit_dates.push(d);
                own.push(v);
            }
            let swing = pools.swing.entry(unit.clone()).or_default();
            for (col, ratios) in swing.iter_mut().enumerate() {
                let days: Vec<f64> = own.iter().map(|v| v[col]).collect();
                ratios.extend(Swing::ratios(&days, MIN_OWN_EVIDENCE));
            }
            if active_today {
                pools.own.insert(u, own);
            }
            pools.unit_of.insert(u, unit);
        }
        for (unit, mut d) in dates {
            d.sort_unstable();
            d.dedup();
            if let Some(sample) = pools.units.get_mut(&unit) {
                sample.1 = d.len();
            }
        }
        pools
    }

    /// Judges the days held by [`judge_counts`](Self::judge_counts) that the user's days up
    /// to `today`'s end can judge ([`day_recheck::judge`]), drops those held too long, and
    /// raises (into `out`, each with its own day) those found whose unit's day is settled,
    /// or sets them aside as the unit's incident.
    fn judge_held(
        &mut self,
        today: NaiveDate,
        pools: &Pools<'_>,
        cx: &DayContext<'_>,
        out: &mut Vec<DayFinding>,
    ) {
        if self.held.is_empty() {
            return;
        }
        let mut dropped = 0u64;
        let mut newly_raised = Vec::new();
        let mut held = std::mem::take(&mut self.held);
        held.retain_mut(|h| {
            if h.found.is_some() {
                return true;
            }
            let raised: Vec<NaiveDate> = self
                .raised_days
                .range((h.kind.clone(), h.user.clone(), NaiveDate::MIN)..)
                .take_while(|(k, u, _)| *k == h.kind && *u == h.user)
                .map(|(.., d)| *d)
                .collect();
            // Raised since it was held, by its own day's other view of the kind.
            if raised.contains(&h.day) {
                return false;
            }
            let (col, bar) = self.recheck_bar(h);
            let as_judged = |d: NaiveDate, r: &UserDay| {
                let v = pools.effects.adjust(d, Pools::values(r))[col];
                (d, v, day_recheck::span_hours(&r.hours))
            };
            let mut days: Vec<day_recheck::Day> = cx
                .history
                .user_days(&h.user, today)
                .filter(|(d, _)| *d >= h.day)
                .map(|(d, r)| as_judged(d, r))
                .collect();
            if let Some(t) = cx.tally.users.get(&h.user) {
                let r = t.row();
                let v = Pools::values(&r)[col] / pools.effects.today[col];
                days.push((today, v, day_recheck::span_hours(&r.hours)));
            }
            days.extend(
                cx.history
                    .user_days(&h.user, h.day)
                    .map(|(d, r)| as_judged(d, r)),
            );
            match day_recheck::judge(h, &days, &raised, today, bar) {
                Some(j) if j.stands_out => {
                    h.found = Some(self.held_finding(h, &j, today));
                    newly_raised.push((h.kind.clone(), h.user.clone(), h.day));
                    true
                }
                Some(_) => false,
                None if day_recheck::expired(h.day, today) => {
                    dropped += 1;
                    false
                }
                None => true,
            }
        });
        self.raised_days.extend(newly_raised);
        let mut settled = Vec::new();
        let mut incident = 0u64;
        for (members, is_incident) in day_recheck::settled_groups(&held, ROTATION) {
            if is_incident {
                incident += members.len() as u64;
            }
            settled.extend(members.into_iter().map(|i| (i, !is_incident)));
        }
        settled.sort_unstable();
        let mut raised = 0u64;
        for (i, raise) in settled.into_iter().rev() {
            let h = held.remove(i);
            let Some(f) = h.found else {
                continue;
            };
            if !raise {
                continue;
            }
            raised += 1;
            out.push(DayFinding {
                on: Some(h.day),
                kind: h.kind.clone(),
                severity: f.severity,
                strength: f.strength,
                user: h.login,
                group: h.kind,
                first: h.first,
                last: h.last,
                event_ids: h.event_ids,
                reason: f.reason,
                evidence: f.evidence,
            });
        }
        self.held = held;
        for (kind, count) in [
            ("unit_incident", incident),
            ("counts_judged_later", raised),
            ("counts_not_judged", dropped),
        ] {
            if count > 0 {
                self.notes.push(DayNote::SetAside { kind, count });
            }
        }
    }

    /// The column of [`Pools::values`] and the bar of a held day's kind.
    fn recheck_bar(&self, h: &Held) -> (usize, day_recheck::Bar) {
        let col = match (h.kind.as_str(), h.outside_exempt) {
            ("daily_count", _) => 0,
            (_, false) => 1,
            (_, true) => OPEN,
        };
        let (_, min_count, min_ratio) = kind_of(col, &self.cfg);
        let bar = day_recheck::Bar {
            min_count,
            min_ratio,
            fdr: self.cfg.fdr,
        };
        (col, bar)
    }

    /// The alert's words and evidence for a held day found to stand out on `today`.
    fn held_finding(
        &self,
        h: &Held,
        j: &day_recheck::Judgement,
        today: NaiveDate,
    ) -> day_recheck::Found {
        let (col, bar) = self.recheck_bar(h);
        let noun = noun_of(col);
        let longer = if j.length > 1.0 {
            format!(
                " (over {:.1} times the hours of their longest other day, so judged as {})",
                j.length,
                fmt_num((h.judged_as as f64 / j.length).round())
            )
        } else {
            String::new()
        };
        let reason = format!(
            "{} {noun} on {}{longer}, judged on {today} once the days after it could: this user's median is {} over {} other active days ({} before it, {} after it), and the days after it did not keep that pace (their median {}); p = {} (negative binomial), under the bar of the first discovery at a {}% false discovery rate across the {} users judged that day.",
            h.observed,
            h.day,
            fmt_num(j.median),
            j.before + j.after,
            j.before,
            j.after,
            fmt_num(j.after_median),
            format_p(j.p),
            bar.fdr * 100.0,
            h.users_judged,
        );
        let mut evidence = json!({
            "observed": h.observed,
            "day": h.day.to_string(),
            "judged_on": today.to_string(),
            "judged_as": h.judged_as,
            "user_baseline": model_json(&j.model),
            "days_before": j.before,
            "day_length_ratio": round2(j.length),
            "days_after": j.after,
            "median_after": round2(j.after_median),
            "unit": h.unit,
            "p_value": j.p,
            "test": format!("a day let pass on its own day for want of the user's own history (fewer than min_user_days active days), judged again by the user's other days once {} of them, {} after it, could: negative binomial upper tail against their mean and variance, at p <= fdr / users judged that day, the minimum ratio to their median, and {} times the median of the days after it", day_recheck::AROUND_DAYS, day_recheck::AFTER_DAYS, day_recheck::NEW_LEVEL_RATIO),
            "fdr": bar.fdr,
            "users_judged": h.users_judged,
        });
        if let (OPEN, Some(obj)) = (col, evidence.as_object_mut()) {
            obj.insert("outside_exempt_purposes".into(), json!(true));
        }
        day_recheck::Found {
            severity: day_recheck::severity(h.judged_as as f64, j.median, bar.min_ratio),
            strength: strength_of(j.p),
            reason,
            evidence,
        }
    }

    /// Daily counts (`daily_count`, `distinct_subjects`): every user active today is tested
    /// against their own days and the unit's member-days; discoveries are decided together.
    ///
    /// Returns the days let pass for want of the user's own history, at the kind's
    /// minimum count or more, to judge again once the days after them can
    /// ([`day_recheck`]).
    fn judge_counts(
        &self,
        col: usize,
        day: NaiveDate,
        pools: &Pools<'_>,
        cx: &DayContext<'_>,
        out: &mut Vec<DayFinding>,
    ) -> Vec<Held> {
        // The kind, minimum count, minimum ratio, and what is counted.
        let (kind, min_abs, min_ratio) = kind_of(col, &self.cfg);
        let noun = noun_of(col);
        let mut users: Vec<&String> = cx.tally.users.keys().collect();
        users.sort_unstable();
        // Each unit's member-days over the history window, fitted once: the cost stays
        // linear in the history however large a unit is. The judged user's earlier days are
        // part of their unit's sample; with many members that barely matters, and with few
        // it only makes the unit test more lenient.
        let unit_models: HashMap<&str, (CountModel, Vec<f64>)> = pools
            .units
            .iter()
            .filter_map(|(unit, (sample, days))| {
                let mut sample: Vec<f64> = sample.iter().map(|v| v[col]).collect();
                // A unit is a baseline once its members' days span `min_peer_distinct_days`:
                // many members' days say more about a unit's usual day than one user's ten.
                // A short baseline's variance is widened ([`CountModel::upper_tail`]) and the
                // minimum ratio to its median still applies, so a new deployment's first
                // week is judged without the unit's weekly rhythm being taken as news.
                let m = CountModel::fit(&sample, self.base.min_peer_days)
                    .filter(|_| *days >= self.base.min_peer_distinct_days)?;
                sample.sort_by(f64::total_cmp);
                Some((unit.as_str(), (m, sample)))
            })
            .collect();
        // A unit too young for a baseline (its history spans fewer than
        // `min_peer_distinct_days` days) is judged by its member-days so far, today's
        // included: a first day of twenty patrol officers says what a patrol officer's day
        // looks like, and a colleague's seven times that stands out of it as plainly as on
        // the sixtieth day. Today's days share the day's own rhythm (a quiet Sunday, logs
        // that start at noon), so the comparison is of like with like.
        // The judged user's own day is left out of the sample they are judged against
        // (below): one member's anomaly must not widen the spread that should show it.
        // Half the member-days an established unit needs are enough on a first day, since
        // the day must then be the minimum ratio above the busier members (the 95th
        // percentile, near the busiest of a few): a detective who spends the logs' first
        // day on ninety strangers while seven colleagues look up a handful each is as plain
        // as in a unit of twenty. Fewer than that too often lack the unit's one heavy role
        // (a dispatcher's 400 lookups beside four colleagues' 80 each is their job).
        let young_min = self.base.min_peer_days.div_ceil(2);
        let mut young_samples: HashMap<&str, Vec<f64>> = HashMap::default();
        for (u, t) in &cx.tally.users {
            if let Some(unit) = pools.unit_of.get(u.as_str()) {
                if !unit_models.contains_key(unit.as_str()) {
                    young_samples
                        .entry(unit.as_str())
                        .or_default()
                        .push(Pools::values(&t.row())[col] / pools.effects.today[col]);
                }
            }
        }
        for (unit, sample) in young_samples.iter_mut() {
            if let Some((earlier, _)) = pools.units.get(*unit) {
                sample.extend(earlier.iter().map(|v| v[col]));
            }
        }
        // Each unit's day-to-day swing, from `min_peer_days` member-days or more.
        let unit_swing: HashMap<&str, Swing> = pools
            .swing
            .iter()
            .filter_map(|(unit, ratios)| {
                Swing::of_ratios(&ratios[col], self.base.min_peer_days).map(|s| (unit.as_str(), s))
            })
            .collect();
        struct Judged<'a> {
            user: &'a str,
            swing: Option<Swing>,
            v: u32,
            /// The count as judged: `v` over the day's effect.
            x: u64,
            p: f64,
            own: Option<CountModel>,
            peer: Option<CountModel>,
            unit: String,
            /// The unit is judged by its member-days so far, today's included.
            young: bool,
            big_enough: bool,
            /// The user's own days were enough to judge by alone.
            own_full: bool,
            /// The user's median day so far, when they have any.
            own_level: Option<f64>,
        }
        let mut judged = Vec::new();
        // Users with neither days of their own nor a unit to judge them by.
        let mut unjudged: Vec<(&str, u32, u64, String)> = Vec::new();
        for u in users {
            let Some(t) = cx.tally.users.get(u) else {
                continue;
            };
            let v = Pools::values(&t.row())[col] as u32;
            // The day as it would read on an ordinary day of the agency's ([`DayEffects`]).
            let vf = f64::from(v) / pools.effects.today[col];
            let own_sample: Vec<f64> = pools
                .own
                .get(u.as_str())
                .map(|days| days.iter().map(|x| x[col]).collect())
                .unwrap_or_default();
            // A few days of the user's own work say what level they work at (see below).
            let min_own = MIN_OWN_EVIDENCE.min(self.base.min_user_days);
            // A short history is read by its median spread (one earlier anomaly among five
            // days must not make the next look ordinary).
            let own = if own_sample.len() < self.base.min_user_days {
                CountModel::fit_short(&own_sample, min_own)
            } else {
                CountModel::fit(&own_sample, min_own)
            };
            let own_full = own.as_ref().is_some_and(|o| o.n >= self.base.min_user_days);
            let unit = pools.unit_of.get(u.as_str()).cloned().unwrap_or_default();
            let young = !unit_models.contains_key(unit.as_str());
            let young_fit = young
                .then(|| young_samples.get(unit.as_str()))
                .flatten()
                .and_then(|sample| {
                    let mut others = sample.clone();
                    if let Some(i) = others.iter().position(|&x| x == vf) {
                        others.swap_remove(i);
                    }
                    let m = CountModel::fit(&others, young_min)?;
                    others.sort_by(f64::total_cmp);
                    Some((m, others))
                });
            let unit_days = unit_models.get(unit.as_str()).or(young_fit.as_ref());
            let peer = unit_days.map(|(m, _)| m.clone());
            let x = vf.round() as u64;
            // A user with enough history is judged by it: their own days model their job
            // better than a unit mixing analysts and part-timers. The unit is quoted for
            // context. Without any history of their own the unit judges.
            let mut swing = None;
            let (p, reference) = match (&own, &peer) {
                (Some(o), _) if own_full => (o.upper_tail(x), o.median),
                // A few days of the user's own say what level they work at, not yet how
                // far their days swing: a newcomer finding their feet, or a part-timer's
                // first full shift, looks extreme against three quiet days. So the own
                // days judge only a day out of the ordinary for the unit too, one its
                // members do not reach anyway (then p = 1); the minimum ratio is to the
                // user's own median day, as with a full history. A quiet member of a busy
                // unit is judged by their own level, not by the busiest colleagues'.
                // Two or three days say little of how far the user's days swing: the
                // unit's members do, each measured against their own usual day
                // ([`Swing`]); the user's level stays their own.
                (Some(o), Some(_)) => {
                    let days = unit_days.map_or(&[][..], |(_, d)| d.as_slice());
                    let p = if share_reaching(days, vf) >= UNIT_ORDINARY {
                        1.0
                    } else if let Some(s) = unit_swing.get(unit.as_str()) {
                        swing = Some(s.clone());
                        o.at_level_with(s).upper_tail(x)
                    } else {
                        o.upper_tail(x)
                    };
                    (p, o.median)
                }
                // One or two days of the user's own are too few to test against, but they
                // still say what level the user works at: the day must be the minimum ratio
                // above it too (a busy detective's third day in a quiet unit is not news).
                // In a unit too young for a baseline the user may be one of its heavy
                // members, unknown as yet: the day must be the minimum ratio above what its
                // busier members do (the 95th percentile), not merely above its median.
                (None, Some(pm)) => {
                    let level = if young { pm.p95 } else { pm.median };
                    (pm.upper_tail(x), level.max(quantile(&own_sample, 0.5)))
                }
                // No unit to compare with (a unit of one, a login outside personnel): a few
                // days of the user's own are all there is, and the minimum ratio guards them.
                (Some(o), None) => (o.upper_tail(x), o.median),
                _ => {
                    unjudged.push((u.as_str(), v, x, unit));
                    continue;
                }
            };
            let big_enough = v >= min_abs && vf >= min_ratio * reference.max(1.0);
            judged.push(Judged {
                user: u,
                swing,
                v,
                x,
                p,
                own,
                peer,
                unit,
                young,
                big_enough,
                own_full,
                own_level: (!own_sample.is_empty()).then(|| quantile(&own_sample, 0.5)),
            });
        }
        let ps: Vec<f64> = judged.iter().map(|j| j.p).collect();
        let found = benjamini_hochberg(&ps, self.cfg.fdr);
        let n_judged = judged.len();
        let event_ids_of = |t: &crate::baseline::tally::UserTally| match col {
            0 => t.ids.to_vec(),
            // Every lookup of the unrelated people, not only the first of each: the
            // repeats and the same search on other systems are part of the day.
            OPEN => t.open_ids(),
            _ => t.unexplained_ids(),
        };
        // Each unit's members raised for the kind today, for the held days' incident rule.
        let mut raised_in: HashMap<&str, usize> = HashMap::default();
        for (j, hit) in judged.iter().zip(&found) {
            let browsing = cx
                .tally
                .users
                .get(j.user)
                .is_some_and(|t| browsing(kind, t));
            if *hit && j.big_enough && !browsing {
                *raised_in.entry(j.unit.as_str()).or_default() += 1;
            }
        }
        // The days let pass for want of the user's own history, to judge again later: those
        // the minimum ratio above the user's level so far, if they have one (a day no
        // higher than that is their work, whatever the days after it say).
        let passed = judged
            .iter()
            .zip(&found)
            .filter(|(j, hit)| !(j.own_full || **hit && j.big_enough))
            .filter(|(j, _)| {
                j.own_level
                    .is_none_or(|m| j.x as f64 >= min_ratio * m.max(1.0))
            })
            .map(|(j, _)| (j.user, j.v, j.x, j.unit.clone()))
            .chain(unjudged);
        let mut held = Vec::new();
        for (user, v, x, unit) in passed {
            let Some(t) = cx.tally.users.get(user) else {
                continue;
            };
            let (Some(first), Some(last)) = (t.first, t.last) else {
                continue;
            };
            if v < min_abs {
                continue;
            }
            held.push(Held {
                kind: kind.into(),
                outside_exempt: col == OPEN,
                browsing: browsing(kind, t),
                user: user.to_string(),
                login: t.login.clone(),
                raised_with: raised_in.get(unit.as_str()).copied().unwrap_or(0),
                unit,
                day,
                observed: v,
                judged_as: x,
                users_judged: n_judged.max(1),
                span: day_recheck::span_hours(&t.hours),
                first,
                last,
                event_ids: event_ids_of(t),
                found: None,
            });
        }
        for (j, hit) in judged.into_iter().zip(found) {
            if !hit || !j.big_enough {
                continue;
            }
            let Some(t) = cx.tally.users.get(j.user) else {
                continue;
            };
            let mut basis = Vec::new();
            if let Some(o) = &j.own {
                basis.push(format!(
                    "this user's median is {} over {} active days{}",
                    fmt_num(o.median),
                    o.n,
                    match &j.swing {
                        Some(s) => format!(
                            " (too few to judge by alone: their days are taken to swing as the unit's members' do, ±{:.0}%)",
                            s.cv * 100.0
                        ),
                        None if o.n < self.base.min_user_days => {
                            " (too few to judge by alone)".to_string()
                        }
                        None => String::new(),
                    }
                ));
            } else {
                basis.push("this user has too little history to compare with".to_string());
            }
            if let Some(pm) = &j.peer {
                basis.push(format!(
                    "the unit {}'s 95th percentile is {}{}",
                    j.unit,
                    fmt_num(pm.p95),
                    if j.young {
                        format!(
                            " over its {} other member-days so far, today's included",
                            pm.n
                        )
                    } else {
                        String::new()
                    }
                ));
            }
            let effect = pools.effects.today[col];
            let agency_day = if effect > 1.0 {
                format!(
                    ", {} at the agency's usual pace (the users at work that day did {:.1} times their usual day, the median of {})",
                    j.x, effect, pools.effects.today_users[col]
                )
            } else {
                String::new()
            };
            let reason = format!(
                "{} {noun} on {day}{agency_day}; {}; p = {} (negative binomial), a discovery at a {}% false discovery rate across the {n_judged} users judged that day.",
                j.v,
                basis.join(" and "),
                format_p(j.p),
                self.cfg.fdr * 100.0,
            );
            let reference = j.own.as_ref().or(j.peer.as_ref()).map_or(1.0, |m| m.median);
            let severity = day_recheck::severity(j.x as f64, reference, min_ratio);
            let event_ids = event_ids_of(t);
            let (Some(first), Some(last)) = (t.first, t.last) else {
                continue;
            };
            let mut evidence = json!({
                "observed": j.v,
                "day": day.to_string(),
                "user_baseline": j.own.as_ref().map(model_json),
                "unit": j.unit,
                "unit_baseline": j.peer.as_ref().map(model_json),
                "unit_swing": j.swing.as_ref().map(|s| json!({"cv": round2(s.cv), "member_days": s.days})),
                "p_value": j.p,
                "test": format!("negative binomial upper tail against the user's own days (with fewer than min_user_days of them, their level with the day-to-day swing of the unit's members, and only a count out of the ordinary for the unit too, one reached by under {UNIT_ORDINARY} of the unit's member-days or by fewer than two of them, is judged; with none, against the unit's member-days); each day's counts, today's and the history's, first divided by that day's effect across the agency where more users than chance allows were above their usual day, see agency_day; Benjamini-Hochberg across the users judged that day"),
                "unit_p_value": j.peer.as_ref().map(|m| m.upper_tail(j.x)),
                "fdr": self.cfg.fdr,
                "users_judged": n_judged,
            });
            // Said only when it holds, so mature units' evidence reads as before.
            if let (true, Some(_), Some(obj)) = (j.young, &j.peer, evidence.as_object_mut()) {
                obj.insert("unit_baseline_includes_today".into(), json!(true));
            }
            if let (OPEN, Some(obj)) = (col, evidence.as_object_mut()) {
                obj.insert("outside_exempt_purposes".into(), json!(true));
            }
            if let (true, Some(obj)) = (effect > 1.0, evidence.as_object_mut()) {
                obj.insert(
                    "agency_day".into(),
                    json!({
                        "effect": round2(effect),
                        "users": pools.effects.today_users[col],
                        "judged_as": j.x,
                    }),
                );
            }
            out.push(DayFinding {
                on: None,
                kind: kind.into(),
                severity,
                strength: strength_of(j.p),
                user: t.login.clone(),
                group: kind.into(),
                first,
                last,
                event_ids,
                reason,
                evidence,
            });
        }
        held
    }
}

/// A set of hours of the day (bit `h` for hour `h`, UTC) widened by an hour either side,
/// midnight wrapping round.
fn within_an_hour(at: u32) -> u32 {
    (at | at << 1 | at >> 1 | (at & 1) << 23 | (at >> 23 & 1)) & 0x00FF_FFFF
}

/// The hours of the day (UTC, one bit each) from `first` to `last`, round midnight when
/// they fall on two days.
fn hours_between(first: DateTime<Utc>, last: DateTime<Utc>) -> u32 {
    let (a, b) = (first.hour(), last.hour());
    let span = |from: u32, to: u32| (from..=to).fold(0u32, |m, h| m | 1 << h);
    if first.date_naive() == last.date_naive() && a <= b {
        span(a, b)
    } else if last - first >= Duration::hours(24) {
        0x00FF_FFFF
    } else {
        span(a, 23) | span(0, b)
    }
}

/// Whether a finding of `kind` on the user's day is a breadth most of whose people were
/// looked up outside the agency's exempt purposes: never part of a unit's incident. A
/// lockdown's people are counted under the unit's exempt work (housing counts); many people
/// looked up outside any exempt purpose and any case, by several members on one day, are
/// several members browsing.
fn browsing(kind: &str, t: &UserTally) -> bool {
    kind == "distinct_subjects" && t.mostly_outside_exempt()
}

/// The day's `burst`, `daily_count` and `distinct_subjects` findings (indexes into `out`,
/// sorted) that are a unit's incident: [`ROTATION`] or more members of one unit raised for
/// the same kind, within an hour of each other for `burst`, on the day for the counts, a
/// breadth only when most of its people were looked up under exempt work. A lockdown has
/// a prison's officers all at once at several times their usual day and pace; a scrape or
/// a day of browsing is one login's.
fn unit_incident(out: &[DayFinding], resolver: &Resolver, tally: &DayTally) -> Vec<usize> {
    let found: Vec<(usize, &str, String, u32)> = out
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            matches!(
                f.kind.as_str(),
                "burst" | "daily_count" | "distinct_subjects"
            ) && !tally
                .users
                .get(&login_key(&f.user))
                .is_some_and(|t| browsing(&f.kind, t))
        })
        .map(|(i, f)| {
            let at = if f.kind == "burst" {
                hours_between(f.first, f.last)
            } else {
                0x00FF_FFFF
            };
            (i, f.kind.as_str(), unit_of(resolver, &f.user), at)
        })
        .filter(|(_, _, unit, _)| unit != "(no unit)")
        .collect();
    found
        .iter()
        .filter(|(_, kind, unit, at)| {
            let around = within_an_hour(*at);
            let together = found
                .iter()
                .filter(|(_, k, u, b)| k == kind && u == unit && around & b != 0)
                .count();
            together >= ROTATION
        })
        .map(|(i, ..)| *i)
        .collect()
}

/// A burst's evidence with the login's usual busiest window and its machine pace, each said
/// only when it set the bar (so that everyone else's evidence reads as before).
fn with_paces(
    mut evidence: Value,
    usual_peak: Option<f64>,
    machine_pace: Option<f64>,
    unit_peak: Option<f64>,
) -> Value {
    if let Some(obj) = evidence.as_object_mut() {
        for (key, v) in [
            ("usual_peak", usual_peak),
            ("machine_pace", machine_pace),
            ("unit_peak", unit_peak),
        ] {
            if let Some(m) = v {
                obj.insert(key.into(), json!(m));
            }
        }
    }
    evidence
}

/// The share of a unit's member-days (ascending) that reach `v`: how often the unit's
/// members have such a day anyway; 0 when fewer than two do ([`UNIT_ORDINARY`]). Counted,
/// not fitted: a fitted tail is thinnest exactly where this question is asked.
fn share_reaching(sorted: &[f64], v: f64) -> f64 {
    let reaching = sorted.len() - sorted.partition_point(|&d| d < v);
    if reaching < 2 {
        return 0.0;
    }
    reaching as f64 / sorted.len() as f64
}

fn model_json(m: &CountModel) -> Value {
    json!({"days": m.n, "mean": round2(m.mean), "variance": round2(m.var), "median": m.median, "p95": round2(m.p95)})
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

/// How sure a p-value makes us, 0.5–1, for ranking.
fn strength_of(p: f64) -> f64 {
    (-p.max(1e-300).log10() / 12.0).clamp(0.5, 1.0)
}

fn span(events: &[(DateTime<Utc>, Text)]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = events.iter().map(|e| e.0).min()?;
    let last = events.iter().map(|e| e.0).max()?;
    Some((first, last))
}

fn basis_phrase(b: Basis, unit: &str) -> String {
    match b {
        Basis::Own => "this user's".into(),
        Basis::Unit => format!("the unit {unit}'s (this user has too little history)"),
        Basis::None => "no".into(),
    }
}

impl Detector for OddVolume {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, _out: &mut Vec<Finding>) {
        let Some(a) = cx.activity else {
            self.session_event(ev, r);
            return;
        };
        let day = a.day();
        self.new_day(day);
        if self.users.get(&a.user).is_none_or(|s| s.limits.is_none()) {
            let l = self.limits(&a.user, day, cx);
            self.users.entry(a.user.clone()).or_default().limits = Some(l);
        }
        let window = self.window;
        let Some(s) = self.users.get_mut(&a.user) else {
            return;
        };
        let Some(limits) = s.limits.as_ref() else {
            return;
        };
        if s.login.is_empty() {
            s.login = ev.user.clone();
        }
        // burst: the window slides per user and may run across midnight.
        while s.recent.front().is_some_and(|r| a.ts - r.ts >= window) {
            if s.recent.pop_front().is_some_and(|r| r.fan_out) {
                s.recent_fan_out = s.recent_fan_out.saturating_sub(1);
            }
            s.recent_flagged = s.recent_flagged.saturating_sub(1);
        }
        let subject = a.subject.as_ref().map(|k| subject_hash(&k.key));
        let fan_out = subject.is_some()
            && s.recent.back().is_some_and(|r| {
                r.subject == subject && (a.ts - r.ts).num_seconds() <= FAN_OUT_SECONDS
            });
        s.recent.push_back(Recent {
            ts: a.ts,
            id: ev.id.clone(),
            flagged: false,
            subject,
            fan_out,
        });
        s.recent_fan_out += usize::from(fan_out);
        // The login's pace is kept whether or not it is judged today: a service account's
        // first nights are not judged, and are what it is judged against later.
        let all = s.recent.len();
        s.day_peak = s.day_peak.max(all);
        if let Some(bar) = limits.burst {
            // Against the user's usual pace, what they typed: a busy few minutes sends each
            // query to two or three systems. Against a pace nobody keeps up by hand, every
            // system's answer: a scrape sent to four systems pulls four records a person.
            let typed = all.saturating_sub(s.recent_fan_out);
            if typed >= bar.need as usize || all >= bar.need_all as usize {
                s.burst_peak = s.burst_peak.max(all);
                s.burst_peak_typed = s.burst_peak_typed.max(typed);
                for r in s.recent.iter_mut().skip(s.recent_flagged) {
                    r.flagged = true;
                    s.burst.push((r.ts, r.id.clone()));
                }
                s.recent_flagged = s.recent.len();
            }
        }
        // A login used after its holder left is `shared_credential/inactive_account`, every
        // lookup of it; the holder's usual hours say nothing about whoever uses it now.
        let holder_away = r.personnel.is_some_and(|p| p.away_at(ev.ts));
        match (&limits.hours, holder_away) {
            (Some(h), false) => {
                let gap = Duration::minutes(STRETCH_GAP_MINUTES);
                let shift = Duration::hours(i64::from(self.cfg.off_hours_shift_hours));
                let present = |st: &Stretch| {
                    a.ts - st.last <= gap
                        || s.session.as_ref().is_some_and(|o| o.logged_in(st, a.ts))
                };
                // A stretch begins at the session's login, where the user logged in first.
                let logged_in = s.session.as_ref().map(|o| o.since).filter(|since| {
                    *since <= a.ts && a.ts - *since <= Duration::hours(SESSION_MAX_HOURS)
                });
                let mut st = match s.stretch {
                    Some(st) if present(&st) => st,
                    _ => Stretch {
                        start: logged_in.unwrap_or(a.ts),
                        last: a.ts,
                        usual: false,
                    },
                };
                st.last = a.ts;
                if h.core[a.hour()] {
                    if !st.usual {
                        // Work that ran on into the usual hours started early: its off-hours
                        // lookups (today's; a judged day stays judged) are not off hours.
                        let early = s.off.iter().position(|(ts, _)| *ts >= st.start);
                        if let Some(at) = early {
                            s.held_over.extend(s.off.drain(at..).map(|(ts, _)| ts));
                        }
                    }
                    st.usual = true;
                } else if !h.unusual[a.hour()] {
                    // Within two hours of the usual ones: neither off hours nor the usual
                    // hours themselves (a night's misuse may run on into them).
                } else if st.usual {
                    s.held_over.push(a.ts);
                } else if st.last - st.start >= shift {
                    shift_worked(&st, &mut s.off, &mut s.shifted);
                    s.shifted.push(a.ts);
                } else {
                    s.off.push((a.ts, ev.id.clone()));
                }
                s.stretch = Some(st);
            }
            _ => s.stretch = None,
        }
        if let Some(rows) = a.rows {
            // With no history to say how large a result is usual, a report on the user's own
            // unit is judged by its scope: no more than the records the unit's cases hold (a
            // supervisor's first caseload report of the logs). Once there is history, the
            // history judges it as any other result.
            let within_scope = || {
                limits.export.young
                    && cx
                        .resolver
                        .unit_report_records(ev, r)
                        .is_some_and(|n| rows <= n)
            };
            // The scope is read from the query text only for a result over the bar.
            if rows >= limits.export.need && !within_scope() {
                s.exports.push((a.ts, ev.id.clone(), rows));
            }
        }
    }

    fn close_day(&mut self, day: NaiveDate, cx: &DayContext<'_>, out: &mut Vec<DayFinding>) {
        let pools = self.pools(day, cx);
        if pools.effects.today[0] > 1.0 {
            self.notes.push(DayNote::AgencyDay {
                day,
                effect: pools.effects.today[0],
            });
        }
        let mut passed = self.judge_counts(0, day, &pools, cx, out);
        let broad_from = out.len();
        passed.extend(self.judge_counts(1, day, &pools, cx, out));
        // A day's breadth outside exempt work ([`OPEN`]): one alert a day, so a user found
        // by all their unrelated people is not raised again by those outside exempt work,
        // nor held for it; one found by those alone is no longer held for all of them.
        let open_from = out.len();
        let open_held = self.judge_counts(OPEN, day, &pools, cx, out);
        let broad: HashSet<String> = out[broad_from..open_from]
            .iter()
            .map(|f| f.user.clone())
            .collect();
        let open_found: Vec<DayFinding> = out
            .drain(open_from..)
            .filter(|f| !broad.contains(&f.user))
            .collect();
        out.extend(open_found);
        let open: HashSet<String> = out[open_from..].iter().map(|f| f.user.clone()).collect();
        passed.retain(|h| h.kind != "distinct_subjects" || !open.contains(&h.login));
        let held_broad: HashSet<String> = passed
            .iter()
            .filter(|h| h.kind == "distinct_subjects")
            .map(|h| h.login.clone())
            .collect();
        passed.extend(
            open_held
                .into_iter()
                .filter(|h| !broad.contains(&h.login) && !held_broad.contains(&h.login)),
        );
        let mut users: Vec<&String> = self.users.keys().collect();
        users.sort_unstable();
        let minutes = self.window.num_minutes();
        // Where each off_hours finding of the day is in `out`, and its unit.
        let mut off_hours: Vec<(usize, String)> = Vec::new();
        // Users whose hours were judged today, and each finding's index with the hours of
        // the day (UTC) its lookups fall in, as a bit set.
        let mut hours_judged = 0u32;
        let mut off_at: Vec<(usize, u32)> = Vec::new();
        let mut not_raised = 0usize;
        for u in users {
            let Some(s) = self.users.get(u) else {
                continue;
            };
            let Some(l) = &s.limits else {
                continue;
            };
            if let (Some(bar), Some((first, last))) = (l.burst, span(&s.burst)) {
                let BurstBar {
                    need,
                    need_all,
                    expected,
                    basis,
                    machine_pace,
                    usual_peak,
                    unit_peak,
                    own_need,
                } = bar;
                let need_said = match (usual_peak, unit_peak) {
                    (Some(m), _) => format!(
                        "{need} typed queries (twice this login's busiest {minutes} minutes on its median day, {})",
                        fmt_num(m)
                    ),
                    (None, Some(p)) => format!(
                        "{need} typed queries (twice the unit {}'s busiest {minutes} minutes on 99 in 100 of its members' days, {})",
                        l.unit,
                        fmt_num(p)
                    ),
                    (None, None) => format!("{need} typed queries"),
                };
                // Without a baseline there is no model, hence no p-value to state. The
                // usual rate counts every lookup, so the window does too.
                let p_value = (basis != Basis::None)
                    .then(|| poisson_upper_tail(expected, s.burst_peak as u64));
                let p = p_value.unwrap_or(1.0);
                let typed = if s.burst_peak_typed < s.burst_peak {
                    format!(
                        ", {} typed queries at most, the others the same query sent to other systems",
                        s.burst_peak_typed
                    )
                } else {
                    String::new()
                };
                out.push(DayFinding {
                    on: None,
                    kind: "burst".into(),
                    severity: if s.burst_peak_typed as f64 >= 2.0 * f64::from(own_need.0)
                        || s.burst_peak as f64 >= 2.0 * f64::from(own_need.1)
                    {
                        Severity::High
                    } else {
                        Severity::Medium
                    },
                    strength: p_value.map_or(0.8, strength_of),
                    user: s.login.to_string(),
                    group: "burst".into(),
                    first,
                    last,
                    event_ids: s.burst.iter().map(|e| e.1.to_string()).collect(),
                    reason: format!(
                        "Up to {} lookups within {minutes} minutes on {day}{typed} ({} lookups in bursts between {} and {}); {}",
                        s.burst_peak,
                        s.burst.len(),
                        format_ts(&first),
                        format_ts(&last),
                        if let Some(m) = machine_pace {
                            format!("this login's ordinary days already run {} lookups in their busiest {minutes} minutes (the median day), beyond any pace of work by hand, as an interface or a batch job does; {need_all} is the alert threshold.", fmt_num(m))
                        } else if basis == Basis::None {
                            format!("there is no history yet to compare with, and {need_all} lookups in {minutes} minutes (one every {} seconds) is beyond any pace of work by hand.", minutes * 60 / i64::from(need_all.max(1)))
                        } else {
                            format!("at {} usual rate about {} would be expected, and {need_said}, or {need_all} lookups counting every system a query was sent to, is the alert threshold; p = {} (Poisson).",
                                basis_phrase(basis, &l.unit),
                                fmt_num((expected * 10.0).round() / 10.0),
                                format_p(p))
                        },
                    ),
                    evidence: with_paces(json!({
                        "peak_in_window": s.burst_peak,
                        "typed_in_peak_window": s.burst_peak_typed,
                        "window_minutes": minutes,
                        "lookups_in_bursts": s.burst.len(),
                        "expected_in_window": round2(expected),
                        "threshold": need,
                        "threshold_all_systems": need_all,
                        "baseline": basis,
                        "unit": l.unit,
                        "p_value": p_value,
                    }), usual_peak, machine_pace, unit_peak),
                });
            }
            hours_judged += u32::from(l.hours.is_some());
            // At work off their hours, held over or not: what a unit's shift change and the
            // agency's hours are judged on. Raised only for lookups of a stretch of their own.
            let min = self.cfg.off_hours_min_lookups as usize;
            let at_work_off = s.off.len() + s.held_over.len() + s.shifted.len();
            if l.hours.is_some() && s.off.len() < min && at_work_off >= min {
                let at = s.off.iter().map(|(ts, _)| ts);
                let at = at.chain(&s.held_over).chain(&s.shifted);
                let at = at.fold(0u32, |m, ts| m | 1 << ts.hour());
                // An index no finding has: counted, never removed from `out`.
                not_raised += 1;
                off_at.push((usize::MAX - not_raised, at));
                if l.unit != "(no unit)" {
                    off_hours.push((usize::MAX - not_raised, l.unit.clone()));
                }
            }
            if let (Some(h), Some((first, last))) = (&l.hours, span(&s.off)) {
                if s.off.len() >= min {
                    let at = s.off.iter().map(|(ts, _)| ts);
                    let at = at.chain(&s.held_over).chain(&s.shifted);
                    let at = at.fold(0u32, |m, ts| m | 1 << ts.hour());
                    off_at.push((out.len(), at));
                    let hours: Vec<usize> = (0..24).filter(|&i| h.unusual[i]).collect();
                    let share = h.max_share * 100.0;
                    let days = h.days;
                    let (basis_text, baseline_lookups) = match h.measure {
                        HoursMeasure::Lookups(total) => (
                            format!(
                                "{} {total} lookups over {days} days include {}",
                                basis_phrase(h.basis, &l.unit),
                                if h.max_share > 0.0 {
                                    format!("almost none (under {share}% within two hours either side)")
                                } else {
                                    "none within two hours either side".to_string()
                                }
                            ),
                            Some(total),
                        ),
                        HoursMeasure::Presence => (
                            format!(
                                "{} of the {days} days of work by this user and the unit {} show any work (within two hours either side)",
                                if (days as f64) * self.cfg.off_hours_max_share < 1.0 {
                                    "none".to_string()
                                } else {
                                    format!("under {share}%")
                                },
                                l.unit
                            ),
                            None,
                        ),
                    };
                    if l.unit != "(no unit)" {
                        off_hours.push((out.len(), l.unit.clone()));
                    }
                    out.push(DayFinding {
                        on: None,
                        kind: "off_hours".into(),
                        severity: Severity::Medium,
                        strength: 1.0,
                        user: s.login.to_string(),
                        group: "off_hours".into(),
                        first,
                        last,
                        event_ids: s.off.iter().map(|e| e.1.to_string()).collect(),
                        reason: format!(
                            "{} lookups on {day} between {} and {} (UTC), hours at which {basis_text}.",
                            s.off.len(),
                            format_ts(&first),
                            format_ts(&last),
                        ),
                        evidence: json!({
                            "lookups_off_hours": s.off.len(),
                            "unusual_hours_utc": hours,
                            "baseline": h.basis,
                            "measure": match h.measure {
                                HoursMeasure::Lookups(_) => "share of lookups",
                                HoursMeasure::Presence => "share of days with any work",
                            },
                            "baseline_lookups": baseline_lookups,
                            "baseline_days": days,
                            "unit": l.unit,
                            "max_share": h.max_share,
                        }),
                    });
                }
            }
            let (exports, bar) = if l.export.young {
                self.judge_young_exports(u, &s.exports, &l.export, day, &pools, cx)
            } else {
                (s.exports.clone(), l.export.clone())
            };
            if let Some(first) = exports.iter().map(|e| e.0).min() {
                let last = exports.iter().map(|e| e.0).max().unwrap_or(first);
                let largest = exports.iter().map(|e| e.2).max().unwrap_or(0);
                let ExportBar {
                    need,
                    own,
                    unit,
                    young_days,
                    agency,
                    ..
                } = bar;
                let mut parts = Vec::new();
                if let Some(o) = own {
                    parts.push(format!(
                        "this user's usual largest result is {}",
                        fmt_num(o)
                    ));
                }
                match (unit, young_days) {
                    (Some(u), Some(n)) => parts.push(format!(
                        "the largest ordinary result of the unit {} so far is {} ({n} ordinary member-days, today's included; the bar is {}× that while its history spans under three days)",
                        l.unit,
                        fmt_num(u),
                        self.cfg.export_young_ratio
                    )),
                    (Some(u), None) => {
                        parts.push(format!("the unit {}'s {}", l.unit, fmt_num(u)))
                    }
                    _ => {}
                }
                if let Some((p99, n)) = agency {
                    parts.push(format!(
                        "the unit {} has too little history to say, and the agency's other {n} member-days so far (today's included) have a largest result of {} at the 99th percentile; the bar is {}× that",
                        l.unit,
                        fmt_num(p99),
                        self.cfg.export_min_ratio
                    ));
                }
                if need >= self.cfg.export_always_rows && !bar.service {
                    parts.push(format!(
                        "results of {} rows or more are always reported",
                        self.cfg.export_always_rows
                    ));
                } else {
                    parts.push(format!("the threshold was {need} rows"));
                }
                let basis = parts.join("; ");
                let mut evidence = json!({
                    "result_counts": exports.iter().map(|e| e.2).collect::<Vec<_>>(),
                    "threshold_rows": need,
                    "user_usual_rows": own,
                    "unit_usual_rows": unit,
                    "unit": l.unit,
                    "ratio": self.cfg.export_min_ratio,
                });
                if let (Some(n), Some(obj)) = (young_days, evidence.as_object_mut()) {
                    obj.insert("unit_member_days_so_far".into(), json!(n));
                    obj.insert("ratio".into(), json!(self.cfg.export_young_ratio));
                }
                if let (Some((p99, n)), Some(obj)) = (agency, evidence.as_object_mut()) {
                    obj.insert("agency_p99_rows".into(), json!(round2(p99)));
                    obj.insert("agency_member_days_so_far".into(), json!(n));
                }
                out.push(DayFinding {
                    on: None,
                    kind: "export".into(),
                    severity: Severity::High,
                    strength: 1.0,
                    user: s.login.to_string(),
                    group: "export".into(),
                    first,
                    last,
                    event_ids: exports.iter().map(|e| e.1.to_string()).collect(),
                    reason: format!(
                        "{} on {day} returned {largest} records{}; {basis}.",
                        if exports.len() == 1 {
                            "One event".to_string()
                        } else {
                            format!("{} events", exports.len())
                        },
                        if exports.len() == 1 { "" } else { " at most" },
                    ),
                    evidence,
                });
            }
        }
        // A unit whose members move to new hours together has changed its shift (a patrol
        // rotation from days to nights), not broken its habits: when `ROTATION` or more of
        // a unit's members are off their usual hours on one day, none of them is raised.
        // One member alone at night, the misuse this kind is for, is still raised.
        let mut per_unit: HashMap<&str, usize> = HashMap::default();
        for (_, unit) in &off_hours {
            *per_unit.entry(unit.as_str()).or_default() += 1;
        }
        // The hours each finding was off at, for the units' shift changes.
        let hours_of = |i: usize| {
            off_at
                .iter()
                .find(|(j, _)| *j == i)
                .map_or(0, |(_, at)| *at)
        };
        // Each unit's shift change today, with the hours it moved to: remembered for the
        // members who follow it a day or more later (a day off between the old shift and the
        // new): off their own hours at the hours the unit moved to, within an hour, they are
        // on its new shift.
        let mut rotated: Vec<usize> = Vec::new();
        let mut changed: BTreeMap<String, u32> = BTreeMap::new();
        for (i, unit) in &off_hours {
            if per_unit.get(unit.as_str()).is_some_and(|&n| n >= ROTATION) {
                rotated.push(*i);
                *changed.entry(unit.clone()).or_default() |= hours_of(*i);
            }
        }
        // A change holds while its members keep to the new hours: members of the unit who
        // worked mostly at them today. Several members off their hours on one night, back
        // at their usual hours the next day, changed no shift.
        let on_new_hours = |unit: &str, hours: u32| -> usize {
            let hours = within_an_hour(hours);
            cx.tally
                .users
                .values()
                .filter(|t| {
                    let at: u32 = (0..24)
                        .filter(|h| hours >> h & 1 == 1)
                        .map(|h| t.hours[h])
                        .sum();
                    let all: u32 = t.hours.iter().sum();
                    all > 0 && 2 * at >= all && unit_of(cx.resolver, &t.login) == unit
                })
                .count()
        };
        for (i, unit) in &off_hours {
            if rotated.contains(i) {
                continue;
            }
            let following = self.shifts.get(unit.as_str()).is_some_and(|&(on, hours)| {
                let after = (day - on).num_days();
                let at = hours_of(*i);
                (1..=SHIFT_FOLLOW_DAYS).contains(&after)
                    && at != 0
                    && at & !within_an_hour(hours) == 0
                    // The user is one of them: the change holds with the others alone.
                    && on_new_hours(unit, hours) > ROTATION
            });
            if following {
                rotated.push(*i);
            }
        }
        for (unit, hours) in changed {
            self.shifts.insert(unit, (day, hours));
        }
        self.shifts
            .retain(|_, (on, _)| (day - *on).num_days() < SHIFT_FOLLOW_DAYS);
        // What the units' shifts explain is not counted again as the agency's hours, nor in
        // how often anyone is off their hours: a rotating squad is not twenty people's nights.
        off_at.retain(|(i, _)| !rotated.contains(i));
        rotated.extend(self.agency_hours(day, hours_judged, &off_at));
        rotated.sort_unstable();
        let set_aside = rotated.iter().filter(|&&i| i < out.len()).count();
        if set_aside > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "off_hours",
                count: set_aside as u64,
            });
            let mut i = 0;
            out.retain(|_| {
                let keep = rotated.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
        // A unit's incident (a prison's lockdown, a mass arrest's booking) has several of its
        // members bursting in the same hours and at several times their usual day: none of
        // them is raised, one member alone still is.
        let incident = unit_incident(out, cx.resolver, cx.tally);
        if !incident.is_empty() {
            self.notes.push(DayNote::SetAside {
                kind: "unit_incident",
                count: incident.len() as u64,
            });
            let mut i = 0;
            out.retain(|_| {
                let keep = incident.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
        // The counts raised today, for the held days' judgements. One set aside as the
        // unit's incident is not: a day the whole unit was busy is how far the user's days
        // swing.
        for f in out.iter() {
            if f.on.is_none() && matches!(f.kind.as_str(), "daily_count" | "distinct_subjects") {
                self.raised_days
                    .insert((f.kind.clone(), login_key(&f.user), day));
            }
        }
        let oldest_raised = day - Duration::days(i64::from(self.base.history_days));
        self.raised_days.retain(|(_, _, d)| *d >= oldest_raised);
        // Days let pass earlier for want of the user's history, judged by the days after
        // them; today's join them after, to be judged by days to come.
        self.judge_held(day, &pools, cx, out);
        self.held.extend(passed);
        // Each login's pace today, and how many were off their hours, kept over the
        // history window.
        let oldest = day - Duration::days(i64::from(self.base.history_days));
        if hours_judged > 0 {
            let off = u32::try_from(off_at.len()).unwrap_or(u32::MAX);
            self.hours_days.insert(day, (hours_judged, off));
        }
        self.hours_days.retain(|d, _| *d > oldest);
        for (u, s) in &self.users {
            if s.day_peak > 0 {
                let paces = self.paces.entry(u.clone()).or_default();
                paces.insert(day, u32::try_from(s.day_peak).unwrap_or(u32::MAX));
            }
        }
        self.paces.retain(|_, p| {
            p.retain(|d, _| *d > oldest);
            !p.is_empty()
        });
        let held_over: u64 = self.users.values().map(|s| s.held_over.len() as u64).sum();
        if held_over > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "off_hours_held_over",
                count: held_over,
            });
        }
        let shifted: u64 = self.users.values().map(|s| s.shifted.len() as u64).sum();
        if shifted > 0 {
            self.notes.push(DayNote::SetAside {
                kind: "off_hours_shift",
                count: shifted,
            });
        }
        // The day is judged: keep only what the next day needs (open burst windows).
        self.users.retain(|_, s| {
            s.day_peak = 0;
            s.burst.clear();
            s.burst_peak = 0;
            s.burst_peak_typed = 0;
            s.off.clear();
            s.held_over.clear();
            s.shifted.clear();
            s.exports.clear();
            s.limits = None;
            // A stretch and a session run over midnight (a night shift, a double).
            !s.recent.is_empty() || s.stretch.is_some() || s.session.is_some()
        });
        self.units.clear();
        self.unit_peaks.clear();
        self.day = None;
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        std::mem::take(&mut self.notes)
    }

    fn forget_held(&mut self) {
        self.held.clear();
    }

    fn held(&self) -> u64 {
        self.held.len() as u64
    }

    fn held_breadth(&self, day: NaiveDate) -> Vec<(String, Vec<String>)> {
        self.held
            .iter()
            .filter(|h| h.day == day && h.kind == "distinct_subjects")
            .map(|h| (h.login.clone(), h.event_ids.clone()))
            .collect()
    }

    fn save(&self) -> Option<Value> {
        let mut users: Vec<(&String, &UserState)> = self
            .users
            .iter()
            .filter(|(_, s)| !s.recent.is_empty() || s.stretch.is_some() || s.session.is_some())
            .collect();
        users.sort_by(|a, b| a.0.cmp(b.0));
        let saved: serde_json::Map<String, Value> = users
            .into_iter()
            .map(|(u, s)| {
                let mut v = json!({"login": s.login, "recent": s.recent});
                if let (Some(st), Some(o)) = (s.stretch, v.as_object_mut()) {
                    o.insert("stretch".into(), json!(st));
                }
                if let (Some(se), Some(o)) = (&s.session, v.as_object_mut()) {
                    o.insert("session".into(), json!(se));
                }
                (u.clone(), v)
            })
            .collect();
        // Sorted by login so that a state file is the same for the same history.
        let paces: BTreeMap<&String, &BTreeMap<NaiveDate, u32>> = self.paces.iter().collect();
        let mut state = json!({
            "burst_windows": saved,
            "paces": paces,
            "off_hours_days": self.hours_days,
        });
        // Left out while nothing is held, so such a state is what it was before.
        if let (false, Some(o)) = (self.held.is_empty(), state.as_object_mut()) {
            o.insert("held_days".into(), json!(self.held));
        }
        if let (false, Some(o)) = (self.raised_days.is_empty(), state.as_object_mut()) {
            o.insert("raised_days".into(), json!(self.raised_days));
        }
        if let (false, Some(o)) = (self.shifts.is_empty(), state.as_object_mut()) {
            o.insert("shift_changes".into(), json!(self.shifts));
        }
        Some(state)
    }

    fn restore(&mut self, saved: &Value) -> Result<(), SavedStateError> {
        #[derive(Deserialize)]
        struct Saved {
            login: Text,
            recent: VecDeque<Recent>,
            /// States saved before stretches were kept have none.
            #[serde(default)]
            stretch: Option<Stretch>,
            /// And before sessions were.
            #[serde(default)]
            session: Option<Session>,
        }
        let windows: std::collections::BTreeMap<String, Saved> =
            saved_field(saved, "burst_windows")?;
        for (u, s) in windows {
            let st = self.users.entry(login_key(&u)).or_default();
            st.login = s.login;
            st.recent_flagged = s.recent.iter().take_while(|r| r.flagged).count();
            st.recent_fan_out = s.recent.iter().filter(|r| r.fan_out).count();
            st.recent = s.recent;
            st.stretch = s.stretch;
            st.session = s.session;
        }
        // States saved before paces were kept have none: they are learnt again.
        if saved.get("paces").is_some() {
            let paces: BTreeMap<String, BTreeMap<NaiveDate, u32>> = saved_field(saved, "paces")?;
            self.paces = paces.into_iter().collect();
        }
        if saved.get("off_hours_days").is_some() {
            self.hours_days = saved_field(saved, "off_hours_days")?;
        }
        if saved.get("held_days").is_some() {
            self.held = saved_field(saved, "held_days")?;
        }
        if saved.get("raised_days").is_some() {
            self.raised_days = saved_field(saved, "raised_days")?;
        }
        if saved.get("shift_changes").is_some() {
            self.shifts = saved_field(saved, "shift_changes")?;
        }
        Ok(())
    }

    /// Each login's busiest window per day and the agency's hours per day, before `before`;
    /// not the burst windows or the stretch of work, which are open windows.
    fn restore_learnt(&mut self, saved: &Value, before: NaiveDate) -> Result<(), SavedStateError> {
        if saved.get("paces").is_some() {
            let mut paces: BTreeMap<String, BTreeMap<NaiveDate, u32>> =
                saved_field(saved, "paces")?;
            for days in paces.values_mut() {
                days.split_off(&before);
            }
            paces.retain(|_, days| !days.is_empty());
            self.paces = paces.into_iter().collect();
        }
        if saved.get("off_hours_days").is_some() {
            self.hours_days = saved_field(saved, "off_hours_days")?;
            self.hours_days.split_off(&before);
        }
        // Days held from before the days audited again; a held day already found there is
        // judged again with them.
        if saved.get("held_days").is_some() {
            let mut held: Vec<Held> = saved_field(saved, "held_days")?;
            held.retain(|h| h.day < before);
            for h in &mut held {
                h.found = None;
            }
            self.held = held;
        }
        if saved.get("raised_days").is_some() {
            let mut raised: BTreeSet<(String, String, NaiveDate)> =
                saved_field(saved, "raised_days")?;
            raised.retain(|(_, _, d)| *d < before);
            self.raised_days = raised;
        }
        Ok(())
    }
}

/// The largest result of each member-day of the logins `whose` keeps: their days in the
/// history window ending `day`, and today's so far. Only member-days with a result reported
/// say how large a result is: a unit whose queries carry no `result_count` has shown
/// nothing to compare with.
fn largest_results(cx: &DayContext<'_>, day: NaiveDate, whose: impl Fn(&str) -> bool) -> Vec<f64> {
    let mut rows: Vec<f64> = Vec::new();
    for member in cx.history.users() {
        if whose(member) {
            rows.extend(
                cx.history
                    .user_days(member, day)
                    .filter(|(_, d)| d.max_rows > 0)
                    .map(|(_, d)| d.max_rows as f64),
            );
        }
    }
    for (key, t) in &cx.tally.users {
        if t.max_rows > 0 && whose(key) {
            rows.push(t.max_rows as f64);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve users' ordinary days (about 40) on the 1st to 8th, all of them at three
    /// times that on the 9th; `today` is the 10th.
    fn twelve_users(today: impl Fn(usize) -> f64) -> DayEffects {
        let names: Vec<String> = (0..12).map(|i| format!("u{i}")).collect();
        let days: Vec<(&str, DatedValues)> = names
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let own = (1..=9)
                    .map(|d| {
                        let usual = 40.0 + ((i * 7 + d * 3) % 9) as f64 - 4.0;
                        let v = if d == 9 { 3.0 * usual } else { usual };
                        (
                            NaiveDate::from_ymd_opt(2024, 5, d as u32).unwrap(),
                            [v, 0.0, 0.0],
                        )
                    })
                    .collect();
                (u.as_str(), own)
            })
            .collect();
        DayEffects::measure(
            &days,
            |u| {
                let i: usize = u[1..].parse().ok()?;
                Some([today(i), 0.0, 0.0])
            },
            10,
        )
    }

    /// What the detector learns day by day beyond the shared history (logins' paces, how
    /// many were off their hours) survives a save and a restore, as `--state` and `watch`
    /// checkpoints need; a state saved before they were kept restores with none.
    #[test]
    fn paces_and_hours_tallies_survive_a_saved_state() {
        let config = Config::default();
        let mut v = OddVolume::new(&config);
        let d = |n: u32| NaiveDate::from_ymd_opt(2024, 5, n).unwrap();
        v.paces
            .entry("svc1".into())
            .or_default()
            .extend([(d(1), 200), (d(2), 180)]);
        v.hours_days.extend([(d(1), (30, 0)), (d(2), (29, 1))]);
        let saved = v.save().expect("saved");
        let mut back = OddVolume::new(&config);
        back.restore(&saved).expect("restored");
        assert_eq!(back.paces, v.paces);
        assert_eq!(back.hours_days, v.hours_days);
        let mut old = OddVolume::new(&config);
        old.restore(&json!({ "burst_windows": {} }))
            .expect("an older state");
        assert!(old.paces.is_empty() && old.hours_days.is_empty());
    }

    #[test]
    fn a_session_carries_a_stretch_for_at_most_twelve_hours_from_its_login() {
        let t = |h: i64| {
            DateTime::parse_from_rfc3339("2025-04-10T00:00:00Z")
                .map(|d| d.with_timezone(&Utc) + Duration::hours(h))
        };
        let (Ok(t1), Ok(t2), Ok(t3), Ok(t4), Ok(t12), Ok(t14)) =
            (t(1), t(2), t(3), t(4), t(12), t(14))
        else {
            panic!("timestamps");
        };
        let st = Stretch {
            start: t1,
            last: t2,
            usual: false,
        };
        let open = Session {
            since: t1,
            id: None,
        };
        assert!(open.logged_in(&st, t12));
        assert!(!open.logged_in(&st, t14), "left open over a day off");
        // A session logged in to after the stretch's last sign of presence carries
        // nothing from before it.
        let later = Session {
            since: t3,
            id: None,
        };
        assert!(!later.logged_in(&st, t4));
    }

    #[test]
    fn hours_within_an_hour_wrap_round_midnight() {
        let hours = |v: &[u32]| v.iter().fold(0u32, |m, h| m | 1 << h);
        assert_eq!(within_an_hour(hours(&[10])), hours(&[9, 10, 11]));
        assert_eq!(within_an_hour(hours(&[0])), hours(&[23, 0, 1]));
        assert_eq!(within_an_hour(hours(&[23])), hours(&[22, 23, 0]));
        assert_eq!(within_an_hour(0), 0);
    }

    #[test]
    fn a_day_most_of_the_agency_is_busier_is_the_agencys() {
        let e = twelve_users(|_| 41.0);
        let deadline = NaiveDate::from_ymd_opt(2024, 5, 9).unwrap();
        let ordinary = NaiveDate::from_ymd_opt(2024, 5, 8).unwrap();
        let f = e.by_date[&deadline][0];
        assert!((2.8..3.2).contains(&f), "{f}");
        assert_eq!(e.adjust(ordinary, [40.0, 3.0, 2.0]), [40.0, 3.0, 2.0]);
        // Values nobody has a level for (a column of zeros) are never scaled.
        assert_eq!(e.by_date[&deadline][1], 1.0);
        // An ordinary today: about half above their level, half below.
        assert_eq!(e.today, [1.0; COLS]);
        assert_eq!(e.today_users, [12, 0, 0]);
    }

    #[test]
    fn a_few_users_busier_do_not_make_the_agencys_day() {
        // Three of twelve at five times their day: the median user is at their usual.
        let e = twelve_users(|i| if i < 3 { 200.0 } else { 40.0 });
        assert_eq!(e.today[0], 1.0);
        // Everyone a little busier, by chance as often as not: no effect either.
        let e = twelve_users(|i| if i % 2 == 0 { 44.0 } else { 37.0 });
        assert_eq!(e.today[0], 1.0);
        // Too few users to say: with a minimum of ten, nine busy users are nobody's day.
        let names: Vec<String> = (0..9).map(|i| format!("u{i}")).collect();
        let days: Vec<(&str, DatedValues)> = names
            .iter()
            .map(|u| {
                let own = (1..=5)
                    .map(|d| {
                        (
                            NaiveDate::from_ymd_opt(2024, 5, d).unwrap(),
                            [40.0, 0.0, 0.0],
                        )
                    })
                    .collect();
                (u.as_str(), own)
            })
            .collect();
        let e = DayEffects::measure(&days, |_| Some([120.0, 0.0, 0.0]), 10);
        assert_eq!(e.today[0], 1.0);
    }

    #[test]
    fn night_workers_nights_are_usual_and_their_afternoons_are_not() {
        let mut hist = [0u64; 24];
        for h in [22, 23, 0, 1, 2, 3, 4, 5] {
            hist[h] = 100;
        }
        let u = unusual_hours(&hist, 0.01);
        assert!(!u[2] && !u[23] && !u[6] && !u[7] && !u[20]);
        assert!(u[14] && u[10] && u[8]);
    }
}
