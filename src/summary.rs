//! Run statistics and the human summary printed on standard error.
//!
//! Every number here is a count of events or alerts the run actually saw, so each can be
//! traced back: the explained fraction is explained lookups over lookups, and the riskiest
//! users are ranked by the sum of their alerts' scores.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use chrono::NaiveDate;

use crate::alert::{Alert, Severity};
use crate::detect::DayNote;
use crate::event::Event;
use crate::identity::{CaseStatus, Resolved};

#[derive(Debug, Default, Clone, Serialize)]
pub struct UserRisk {
    pub user: String,
    pub alerts: u64,
    pub score: f64,
    pub worst: Option<Severity>,
}

/// What the detection core counted.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RunStats {
    pub events: u64,
    /// Events that looked a person up (not logins, not empty searches).
    pub lookups: u64,
    /// Lookups explained by an assigned open case listing the person.
    pub explained: u64,
    /// Lookups exempt from needing a case (purpose, system or action).
    pub exempt: u64,
    /// Lookups with no valid case behind them.
    pub without_case: u64,
    /// Events from logins that personnel.csv does not list (their own records, coworkers
    /// and associations cannot be checked).
    pub unknown_login_events: u64,
    pub alerts: u64,
    /// detector -> severity -> count
    pub by_detector: BTreeMap<String, BTreeMap<String, u64>>,
    #[serde(skip)]
    users: HashMap<String, UserRisk>,
    /// Logins not in personnel.csv, for the summary.
    pub unknown_logins: BTreeSet<String>,
    /// Lookups without a case (no case id at all) by (config key, value): which purpose,
    /// system or action carries them, so the summary can point at an exemption the agency
    /// may have forgotten to configure.
    #[serde(skip)]
    pub missing_case_by: BTreeMap<(&'static str, String), u64>,
    /// Lookups with no case id at all.
    pub missing_case: u64,
    /// Name-only matches on exempt lookups held back as namesakes: the login names
    /// strangers by name alone routinely under that purpose, and did not look the person
    /// up again that day (`detect::routine`).
    pub name_alone_set_aside: u64,
    /// `off_hours` findings not raised because a unit's shift changed or the agency's hours
    /// moved that day (`detect::odd_volume`).
    pub off_hours_set_aside: u64,
    /// Lookups at a user's unusual hours not counted as off hours: they were in a stretch of
    /// work (no break over an hour) that also held lookups at the user's usual hours, a
    /// shift held over or started early (`detect::odd_volume`).
    pub off_hours_held_over: u64,
    /// Lookups at a user's unusual hours not counted as off hours: they were in a stretch of
    /// work wholly at other hours as long as a shift (`off_hours_shift_hours`), overtime or a
    /// swap (`detect::odd_volume`).
    pub off_hours_shift: u64,
    /// `burst`, `daily_count` and `distinct_subjects` findings not raised because three or more members of one
    /// unit were raised for the same kind together: the unit's incident (`detect::odd_volume`).
    pub unit_incident_set_aside: u64,
    /// Surname searches not counted as sweeps: the same login looked up one person of that
    /// surname within five minutes (`detect::fishing`).
    pub sweeps_narrowed: u64,
    /// Days of one or two pattern or surname searches, each under work that says why (an
    /// exempt purpose or a case of the user's), not raised (`detect::fishing`).
    pub sweeps_in_work: u64,
    /// `daily_count` and `distinct_subjects` findings on a day its own judgement let pass
    /// for want of the user's history, raised once the days after it could judge it
    /// (`detect::day_recheck`).
    pub counts_judged_later: u64,
    /// Such days dropped unjudged: the user had too few days after them within four weeks,
    /// or the run ended before they could be judged and saved no state to carry them.
    pub counts_not_judged: u64,
    /// Such days still waiting at the end, carried in the saved state to the next run.
    pub counts_carried: u64,
    /// `not_assigned` lookups not raised because they were under the case of a colleague of
    /// the user's unit, two or more of whose cases the user worked that day: the unit
    /// working that colleague's caseload (`Resolver::unit_holders`).
    pub coverage_set_aside: u64,
    /// `closed_case` lookups of people the closed case lists, not raised because the user's
    /// unit works people of closed cases by trade under that purpose (a records unit's
    /// requests; `detect::closed_work`).
    pub closed_case_set_aside: u64,
    /// `not_assigned` lookups of people the case lists, not raised because the login's work
    /// under that purpose is other people's cases (a resident seeing an attending's
    /// patients; `detect::others_cases`).
    pub others_case_set_aside: u64,
    /// `subject_not_in_case` lookups of strangers (people no table knows, typed in full)
    /// under the user's own case, not raised because the login looks up people its cases do
    /// not list on two or more days of the window (a parole officer's households), or
    /// because its day swept three or more of its cases' strangers (`odd_volume`'s to judge
    /// by breadth; `detect::unlisted`).
    pub unlisted_set_aside: u64,
    pub unlisted_sweep_set_aside: u64,
    /// `subject_not_in_case` lookups under the user's own case of people who are none of
    /// the agency's own, not raised because the login worked the same case within half an
    /// hour either side: the case's scene, whose passenger or witness the case does not
    /// list yet (`detect::case_scene`).
    pub case_scene_set_aside: u64,
    /// `no_case` `missing` and `unknown_case` lookups not raised because the same login, at
    /// the same workstation, in the two seconds before, looked up the same person, plate or surname
    /// under a case that explains it: one search sent to several systems, whose other lines
    /// carry a dispatch number, a note or nothing in the case field (`detect::fan_out`).
    pub fan_out_set_aside: u64,
    /// `many_users` alerts of surges made mostly of exempt work, not raised because more
    /// than five people that day each drew as many logins as the surge's bar (in the
    /// calendar day, or in a surge of served people of their own): the day's
    /// service (a refund-delay announcement's callers, a BOLO at every booth), not attention
    /// to one person (`detect::subject_surge`).
    pub service_wave_set_aside: u64,
    /// `many_users` alerts of surges made mostly of exempt work, their bar the agency's
    /// service floor, whose logins all but one work in one unit: that unit's service to
    /// whoever presents themselves (a caller put through to rep after rep of the contact
    /// centre), not curiosity, which spreads through the agency (`detect::subject_surge`).
    pub unit_service_set_aside: u64,
    /// `many_users` alerts of surges in which every login (all but one in ten at most)
    /// typed a case that lists the person, someone none of the agency's own: the case
    /// worked by many hands (an Amber alert, a BOLO) (`detect::subject_surge`).
    pub case_broadcast_set_aside: u64,
    /// `not_assigned` lookups of a person under a case that lists them, in such a surge
    /// (`detect::Engine`'s settling of other people's cases).
    pub case_broadcast_lookups_set_aside: u64,
    /// `coworker_lookup` matches by name alone in exempt work, not raised because three or
    /// more logins on three or more earlier days matched the same colleague so: the agency
    /// serves someone of that name (`detect::coworker`).
    pub colleague_name_served: u64,
    /// `coworker_lookup` matches by name alone in exempt work, typed with an id no table
    /// knows, of a colleague whose personnel row holds no id, not raised because two or
    /// more other ids were typed with the name in the window: the name is several
    /// customers' (`detect::coworker`).
    pub colleague_namesakes: u64,
    /// `coworker_lookup` matches by name alone in exempt work, of a colleague whose
    /// personnel row holds no id, on a record the login opened by an id it typed alone in
    /// the minutes before: the name was the system's answer (`detect::coworker`).
    pub colleague_reached_by_id: u64,
    /// `coworker_lookup` matches by name alone in exempt work of a colleague whose name one
    /// or more of the people the agency looked up would bear: a likely namesake
    /// (`detect::name_census`, `detect::coworker`).
    pub colleague_common_name: u64,
    /// `coworker_lookup` findings of a colleague under a closed case that lists them, not
    /// raised because the user's unit works closed cases under the purpose (billing, coding,
    /// a records desk), or works them steadily and the user held that case: the colleague
    /// served as a patient or a party like anyone else (`detect::Engine`'s settling of
    /// closed work).
    pub colleague_closed_case_set_aside: u64,
    /// The logins those were set aside for: a reviewer checks that each is a role that
    /// works other people's cases (a resident, a scribe), not someone who made a habit of
    /// borrowing them.
    pub others_case_logins: std::collections::BTreeSet<String>,
    /// `not_assigned` lookups of people the case lists, not raised because the user held
    /// the case until the week before and wrapped up two or more such cases that day: a
    /// caseload handed over (`detect::Engine`'s wrap-up rule).
    pub wrap_up_set_aside: u64,
    /// `missing` lookups by a supervisor of people an open case of a direct report lists,
    /// not raised because neither the person drew a surge of attention that day nor were the
    /// supervisor's other lookups with no case raised: a review of the report's case with the
    /// number left blank (`detect::Engine`'s review rule).
    pub review_set_aside: u64,
    /// `many_users` alerts not raised because the login's lookups of the person were part of
    /// its day's sweep, raised as `daily_count` or `distinct_subjects` or held as a breadth
    /// to judge later, and those of surges
    /// that fell below their threshold without such logins (`detect::surge_in_sweep`).
    pub surge_in_sweep_set_aside: u64,
    /// `concurrent_clients` back-and-forth findings between two workstations of one site
    /// not raised because the login went back and forth between the same two on two or more
    /// earlier days in the last four weeks: how it works (`detect::shared_credential`).
    pub same_site_practice: u64,
    /// `concurrent_clients` back-and-forth findings between two workstations of one site
    /// that two or more other logins went back and forth between in the last four weeks:
    /// a pool the place's staff move between (`detect::shared_credential`).
    pub same_site_pool: u64,
    /// `unknown_case` lookups typed with another system's number, of a form five or more
    /// other logins type for people their own cases list, for a person the user's own case
    /// lists (`detect::no_case`).
    pub foreign_number: u64,
    /// `not_assigned` lookups of people an open case of the user's own unit lists, that
    /// five or more other people were assigned: the unit's shared case, a
    /// ward's inpatient (`detect::no_case`).
    pub team_case_set_aside: u64,
    /// `unknown_case` lookups of people no table knows (a plate, a caller) under a number
    /// of a form five or more other logins typed for people their own cases list in the last
    /// four weeks: the dispatch incident the user is at (`detect::no_case`).
    pub stranger_under_number: u64,
    /// `closed_case` and `not_assigned` lookups of people the case lists, by units or logins
    /// the logs had known for under a week, or on a day that looked like the login's work is
    /// other people's cases, held over until their practice could be judged
    /// (`detect::held_over`); of those, set aside once it showed (also counted above),
    /// raised when judged without it, and raised at the run's end unjudged (a run that
    /// saves no state).
    pub held_over: u64,
    pub held_over_set_aside: u64,
    pub held_over_raised: u64,
    pub held_over_unjudged: u64,
    /// Lookups still held over at the end, carried in the saved state to the next run.
    pub held_over_carried: u64,
    /// Days whose counts were judged at the agency's pace, with the day's effect (the
    /// median user's multiple of their usual day).
    pub agency_days: Vec<(NaiveDate, f64)>,
}

/// The first `shown` items joined with commas, and how many more there are.
fn first_of(items: impl ExactSizeIterator<Item = String>, shown: usize) -> String {
    let more = items.len().saturating_sub(shown);
    let listed: Vec<String> = items.take(shown).collect();
    if more > 0 {
        format!("{} and {more} more", listed.join(", "))
    } else {
        listed.join(", ")
    }
}

/// One purpose, system or action carrying at least this share of the lookups without a case
/// id is named in the summary as a possible exemption.
const EXEMPTION_HINT_SHARE: f64 = 0.5;
/// ... and at least this many of them: a handful proves nothing about policy.
const EXEMPTION_HINT_MIN: u64 = 100;

impl RunStats {
    /// Counts findings under closed cases that list the person, set aside as the unit's
    /// closed work: `no_case`'s lookups and `coworker_lookup`'s colleagues apart, so that
    /// neither line counts one lookup twice.
    pub(crate) fn closed_work_set_aside(&mut self, detector: &str, findings: u64) {
        if detector == crate::detect::coworker::DOC.name {
            self.colleague_closed_case_set_aside += findings;
        } else {
            self.closed_case_set_aside += findings;
        }
    }

    pub(crate) fn record_event(&mut self, ev: &Event, r: &Resolved<'_>) {
        self.events += 1;
        if r.personnel.is_none() {
            self.unknown_login_events += 1;
            self.unknown_logins.insert(ev.user.to_string());
        }
        if !r.is_lookup {
            return;
        }
        self.lookups += 1;
        match r.case {
            CaseStatus::Explained { .. } => self.explained += 1,
            CaseStatus::Exempt { .. } => self.exempt += 1,
            _ if r.case.lacks_case() => self.without_case += 1,
            _ => {}
        }
        if r.case == CaseStatus::Missing {
            self.missing_case += 1;
            let keys = [
                ("exempt_purposes", ev.purpose.as_deref()),
                ("exempt_systems", ev.system.as_deref()),
                ("exempt_actions", Some(ev.action.as_str())),
            ];
            for (key, v) in keys {
                if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                    let v = if key == "exempt_actions" {
                        v.trim().to_ascii_lowercase()
                    } else {
                        crate::identity::resolve::code_key(v)
                    };
                    *self.missing_case_by.entry((key, v)).or_default() += 1;
                }
            }
        }
    }

    /// Purposes, systems or actions that carry most lookups without a case id: for each, the
    /// `[no_case]` key that would exempt it and how many lookups it carries. custodes never
    /// exempts anything on its own; this only makes the policy question visible.
    pub(crate) fn exemption_hints(&self) -> Vec<String> {
        if self.missing_case < EXEMPTION_HINT_MIN {
            return Vec::new();
        }
        self.missing_case_by
            .iter()
            // Plain `query` is what every lookup is; exempting it would exempt everything.
            .filter(|((key, v), _)| !(*key == "exempt_actions" && v == "query"))
            .filter(|(_, n)| **n as f64 >= EXEMPTION_HINT_SHARE * self.missing_case as f64)
            .map(|((key, v), n)| {
                format!(
                    "{n} of the {} lookups with no case id ({:.0}%) carry {} {v}; if this agency's policy needs no case for that work, exempt it with `[no_case] {key} = [\"{v}\"]` (nothing is exempted unless configured)",
                    self.missing_case,
                    *n as f64 * 100.0 / self.missing_case as f64,
                    match *key {
                        "exempt_purposes" => "purpose",
                        "exempt_systems" => "system",
                        _ => "action",
                    },
                )
            })
            .collect()
    }

    pub(crate) fn record_note(&mut self, note: DayNote) {
        match note {
            DayNote::SetAside { kind, count } => {
                if kind == "off_hours" {
                    self.off_hours_set_aside += count;
                } else if kind == "off_hours_held_over" {
                    self.off_hours_held_over += count;
                } else if kind == "off_hours_shift" {
                    self.off_hours_shift += count;
                } else if kind == "unit_incident" {
                    self.unit_incident_set_aside += count;
                } else if kind == "wildcard_narrowed" {
                    self.sweeps_narrowed += count;
                } else if kind == "sweep_in_work" {
                    self.sweeps_in_work += count;
                } else if kind == "counts_judged_later" {
                    self.counts_judged_later += count;
                } else if kind == "counts_not_judged" {
                    self.counts_not_judged += count;
                } else if kind == "same_site_practice" {
                    self.same_site_practice += count;
                } else if kind == "same_site_pool" {
                    self.same_site_pool += count;
                } else if kind == "foreign_number" {
                    self.foreign_number += count;
                } else if kind == "stranger_under_number" {
                    self.stranger_under_number += count;
                } else if kind == "team_case" {
                    self.team_case_set_aside += count;
                } else if kind == "service_wave" {
                    self.service_wave_set_aside += count;
                } else if kind == "unit_service" {
                    self.unit_service_set_aside += count;
                } else if kind == "case_broadcast" {
                    self.case_broadcast_set_aside += count;
                } else if kind == "colleague_name_served" {
                    self.colleague_name_served += count;
                } else if kind == "colleague_namesakes" {
                    self.colleague_namesakes += count;
                } else if kind == "colleague_reached_by_id" {
                    self.colleague_reached_by_id += count;
                } else if kind == "colleague_common_name" {
                    self.colleague_common_name += count;
                }
            }
            DayNote::AgencyDay { day, effect } => self.agency_days.push((day, effect)),
        }
    }

    pub(crate) fn record_alert(&mut self, a: &Alert) {
        self.alerts += 1;
        *self
            .by_detector
            .entry(a.detector.clone())
            .or_default()
            .entry(a.severity.as_str().to_string())
            .or_default() += 1;
        let u = self
            .users
            .entry(a.user.clone())
            .or_insert_with(|| UserRisk {
                user: a.user.clone(),
                ..UserRisk::default()
            });
        u.alerts += 1;
        u.score += a.score;
        u.worst = u.worst.max(Some(a.severity));
    }

    /// Explained lookups over all lookups (0 when there were none).
    pub(crate) fn explained_fraction(&self) -> f64 {
        if self.lookups == 0 {
            0.0
        } else {
            self.explained as f64 / self.lookups as f64
        }
    }

    /// The `n` users with the highest summed alert score (ties by name).
    pub fn riskiest(&self, n: usize) -> Vec<UserRisk> {
        let mut v: Vec<UserRisk> = self.users.values().cloned().collect();
        v.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.user.cmp(&b.user))
        });
        v.truncate(n);
        v
    }
}

/// What the audit read, for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct InputStats {
    pub files: u64,
    pub events_read: u64,
    pub events_rejected: u64,
    pub ref_rows: u64,
    pub ref_rows_rejected: u64,
}

/// Renders the human summary.
pub fn render(
    input: &InputStats,
    stats: &RunStats,
    rejects: &[crate::source::Reject],
    notes: &[String],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "custodes audit summary");
    let _ = writeln!(
        s,
        "  input      {} events read from {} file(s), {} rejected; {} reference rows, {} rejected",
        input.events_read,
        input.files,
        input.events_rejected,
        input.ref_rows,
        input.ref_rows_rejected
    );
    let _ = writeln!(
        s,
        "  lookups    {} of {} events; explained by an assigned case {:.1}% ({}), exempt {}, without a valid case {}",
        stats.lookups,
        stats.events,
        stats.explained_fraction() * 100.0,
        stats.explained,
        stats.exempt,
        stats.without_case
    );
    if stats.unknown_login_events > 0 {
        let shown: Vec<&str> = stats
            .unknown_logins
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        let more = stats.unknown_logins.len().saturating_sub(shown.len());
        let _ = writeln!(
            s,
            "  unknown    {} events from {} login(s) not in personnel: {}{}",
            stats.unknown_login_events,
            stats.unknown_logins.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(s, "  alerts     {}", stats.alerts);
    // What the run set aside as routine, or did not count as odd, each with its count.
    let set_aside: [(u64, &str, &str); 33] = [
        (
            stats.name_alone_set_aside,
            "set aside  ",
            "name-only match(es) on exempt lookups by logins whose work there names strangers by name alone (a screening desk): namesakes, most likely; looking the same person up again that day raises them",
        ),
        (
            stats.off_hours_set_aside,
            "set aside  ",
            "off_hours finding(s) on days when a unit's shift changed or the agency's hours moved (three or more off their hours together), or of members who followed their unit's change within a week, at its new hours",
        ),
        (
            stats.off_hours_held_over,
            "not off   ",
            "lookup(s) at a user's unusual hours in a stretch of work (no break over an hour) that also held their usual hours: a shift held over or started early",
        ),
        (
            stats.off_hours_shift,
            "not off   ",
            "lookup(s) at a user's unusual hours in a stretch of work wholly at other hours as long as a shift (`off_hours_shift_hours`): overtime or a swap the roster explains, not a sitting",
        ),
        (
            stats.sweeps_narrowed,
            "not swept ",
            "surname search(es) followed within five minutes by the same login's lookup of one person of that surname (a given name with a date of birth, or an id): finding someone, not trawling",
        ),
        (
            stats.sweeps_in_work,
            "not swept ",
            "user-day(s) of only one or two pattern or surname searches, each under an exempt purpose or a case of the user's: the work's own imprecision (a driver without a licence, a caller's surname), not a list",
        ),
        (
            stats.unit_incident_set_aside,
            "set aside  ",
            "burst, daily_count and distinct_subjects finding(s) of three or more members of one unit together (bursts within an hour of each other, counts on the same day; a breadth only under exempt work): the unit's incident, such as a lockdown",
        ),
        (
            stats.counts_judged_later,
            "judged     ",
            "daily_count and distinct_subjects alert(s) on a day too few of the user's own days could judge, raised once the days after it did not keep that pace (the alert names its own day)",
        ),
        (
            stats.counts_not_judged,
            "unjudged   ",
            "busy day(s) too few of the user's own days could judge, dropped unjudged: four weeks brought too few days after them, or the run ended first and saved no state (--state) to carry them",
        ),
        (
            stats.coverage_set_aside,
            "set aside  ",
            "not_assigned lookup(s) of people listed by the cases of a colleague of the user's unit, two or more of that colleague's cases worked by the user that day: the unit working a colleague's caseload (coverage, a night's cross-cover)",
        ),
        (
            stats.closed_case_set_aside,
            "set aside  ",
            "closed_case lookup(s) of people the closed case lists, under a purpose whose work in the user's unit is about closed cases (at least half of all its lookups under the purpose: a records unit answering requests; or steady, most days, on the unit's own closed cases: a desk re-issuing copies; by two or more logins, or by one over five days or more)",
        ),
        (
            stats.others_case_set_aside,
            "set aside  ",
            "not_assigned lookup(s) of people the case lists, by logins whose work under the purpose is other people's cases (a third of their lookups, on five days or more and on half the days they worked it: a resident seeing an attending's patients); never of the user, a colleague, an associate or a watch-listed person",
        ),
        (
            stats.unlisted_set_aside,
            "set aside  ",
            "subject_not_in_case lookup(s) of strangers (no table knows them; typed in full) under the user's own case, by logins that look up people their cases do not list on two or more days of the window: their cases' lists are short of the people their work meets (a parole officer's households)",
        ),
        (
            stats.unlisted_sweep_set_aside,
            "set aside  ",
            "subject_not_in_case lookup(s) of strangers under the user's own case on days the login swept three or more of its cases' strangers: a sweep, judged by odd_volume's breadth, not a cover case apiece",
        ),
        (
            stats.case_scene_set_aside,
            "set aside  ",
            "subject_not_in_case lookup(s) under the user's own case of people who are none of the agency's own (not the user, a colleague, the user's associate or a watch-listed person), within half an hour of the same login working the same case: the case's scene, a passenger or a witness its list does not name yet",
        ),
        (
            stats.fan_out_set_aside,
            "set aside  ",
            "no_case lookup(s) with no case, or one the agency does not have, within two seconds after the same login, at the same workstation, looked up the same person, plate or surname under a case that explains it: one search sent to several systems, the others' lines carrying a dispatch number, a note or nothing as the case",
        ),
        (
            stats.service_wave_set_aside,
            "set aside  ",
            "many_users alert(s) of surges made mostly of exempt work on days when more than five people each drew as many logins as the surge's bar, or drew such a surge: the day's service (callers put through to rep after rep after an announcement, a BOLO checked at every booth), not attention to one person",
        ),
        (
            stats.unit_service_set_aside,
            "set aside  ",
            "many_users alert(s) of surges made mostly of exempt work whose logins all work in one unit but at most one, where the agency's days show the people it serves drawing as many logins: the unit's service to someone who presented themselves (a caller put through to rep after rep of the contact centre, a traveller at booth after booth of one port), not curiosity, which spreads through the agency",
        ),
        (
            stats.case_broadcast_set_aside,
            "set aside  ",
            "many_users alert(s) of surges in which every login (all but one in ten at most) typed a case that lists the person, none of the agency's own: the case worked by many hands, its number given out to all (an Amber alert's suspect, a BOLO's car), not attention",
        ),
        (
            stats.case_broadcast_lookups_set_aside,
            "set aside  ",
            "not_assigned lookup(s) of a person under a case that lists them, in such a surge: the case's work by whoever was on duty, not a case borrowed",
        ),
        (
            stats.colleague_name_served,
            "set aside  ",
            "coworker_lookup match(es) by name alone in exempt work of a colleague whom three or more logins matched so on three or more earlier days: the agency serves someone of that name (a namesake who calls week after week, the colleague crossing as a traveller)",
        ),
        (
            stats.colleague_namesakes,
            "set aside  ",
            "coworker_lookup match(es) by name alone in exempt work, typed with an id no table knows, of a colleague whose personnel row holds no id to compare, when two or more other ids were typed with the name within baseline.history_days: the name is several customers' (a taxpayer's id among namesakes')",
        ),
        (
            stats.colleague_reached_by_id,
            "set aside  ",
            "coworker_lookup match(es) by name alone in exempt work, of a colleague whose personnel row holds no id to compare, on a record the login opened by an id it typed alone in the 30 minutes before: the name was the system's answer (a caller's taxpayer id keyed, then the account screen)",
        ),
        (
            stats.colleague_common_name,
            "set aside  ",
            "coworker_lookup match(es) by name alone in exempt work of a colleague whose name one or more of the people the agency has looked up would bear (surname and given name counted among them): a namesake, most likely; two or more other logins matching the colleague within two days raise them",
        ),
        (
            stats.colleague_closed_case_set_aside,
            "set aside  ",
            "coworker_lookup finding(s) of a colleague under a closed case that lists them, where the user's unit works closed cases under the purpose (at least half its lookups under it: billing, coding, a records desk), or works them steadily and the user held that very case (a physician following up a colleague who was their patient): the colleague served as anyone else the case lists",
        ),
        (
            stats.wrap_up_set_aside,
            "set aside  ",
            "not_assigned lookup(s) of people listed by cases the user held until the week before, two or more of them in a day: wrapping up a caseload handed over (one case looked at again is still raised)",
        ),
        (
            stats.review_set_aside,
            "set aside  ",
            "missing lookup(s) by supervisors of people an open case of one of their direct reports lists: a review of the report's case with the number left blank (raised when the person drew a surge of attention that day, or with the supervisor's other lookups with no case that day when those are raised)",
        ),
        (
            stats.surge_in_sweep_set_aside,
            "set aside  ",
            "many_users alert(s) of logins whose lookups of the person were part of their day's sweep, raised as odd_volume daily_count or distinct_subjects or held as a breadth to judge by the days after it (one of hundreds of people, not attention to this one), and of the surges that fell below their threshold without those logins",
        ),
        (
            stats.same_site_practice,
            "set aside  ",
            "concurrent_clients back-and-forth(s) between two workstations of one site that the login went back and forth between on two or more earlier days of the last four weeks: how it works (a manager between the office and a counter), not two people",
        ),
        (
            stats.same_site_pool,
            "set aside  ",
            "concurrent_clients back-and-forth(s) between two workstations of one site that two or more other logins also went back and forth between in the last four weeks: a pool the place's staff move between (a ward's or a lab's workstations), not two people",
        ),
        (
            stats.foreign_number,
            "set aside  ",
            "unknown_case lookup(s) typed with a number not written as the agency's case numbers, of a form five or more other logins typed for people their own cases list in the last four weeks (a dispatch incident's number beside the case's), for a person a case the user works lists",
        ),
        (
            stats.stranger_under_number,
            "set aside  ",
            "unknown_case lookup(s) of someone no table knows (a plate, a caller) under a number not written as the agency's case numbers, of a form five or more other logins typed for people their own cases list in the last four weeks: the dispatch incident the user is at",
        ),
        (
            stats.team_case_set_aside,
            "set aside  ",
            "not_assigned lookup(s) of people an open case of the user's own unit lists, a case five or more other people were assigned: the unit's shared work (a ward's inpatient, whose nurses change every shift), not one colleague's case",
        ),
    ];
    for (n, label, what) in set_aside {
        if n > 0 {
            let _ = writeln!(s, "  {label}{n} {what}");
        }
    }
    if stats.held_over > 0 {
        let _ = writeln!(
            s,
            "  held over  {} closed_case or not_assigned lookup(s) of people the case lists, by units or logins new to the logs (under a week) or on a day that looked like other people's cases were their work, and subject_not_in_case lookups of strangers (a colleague's coworker_lookup under such a closed case counted with them), until their practice could be judged (five days of work, or a week): {} set aside once it showed (counted above), {} raised without it",
            stats.held_over, stats.held_over_set_aside, stats.held_over_raised,
        );
    }
    if stats.held_over_unjudged > 0 {
        let _ = writeln!(
            s,
            "  raised     {} lookup(s) still held over at the end, unjudged: a run that saves no state (--state) can neither judge them later nor carry them",
            stats.held_over_unjudged,
        );
    }
    if stats.held_over_carried > 0 {
        let _ = writeln!(
            s,
            "  carried    {} lookup(s) still held over at the end, in the saved state: the next run judges them",
            stats.held_over_carried,
        );
    }
    if stats.counts_carried > 0 {
        let _ = writeln!(
            s,
            "  carried    {} busy day(s) too few of the user's own days could judge, in the saved state: the next runs judge them by the days after them",
            stats.counts_carried,
        );
    }
    if !stats.others_case_logins.is_empty() {
        let _ = writeln!(
            s,
            "  note: other people's cases are the work of {} login(s), to confirm they are such a role: {}",
            stats.others_case_logins.len(),
            first_of(stats.others_case_logins.iter().cloned(), 10),
        );
    }
    if !stats.agency_days.is_empty() {
        let _ = writeln!(
            s,
            "  note: daily counts judged at the agency's pace on {} day(s) when most users were busier than usual: {}",
            stats.agency_days.len(),
            first_of(
                stats.agency_days.iter().map(|(d, e)| format!("{d} ({e:.1}×)")),
                5
            ),
        );
    }
    if !stats.by_detector.is_empty() {
        let _ = writeln!(
            s,
            "    {:<22} {:>6} {:>6} {:>6} {:>8}",
            "detector", "low", "medium", "high", "critical"
        );
        for (d, sev) in &stats.by_detector {
            let get = |k: Severity| sev.get(k.as_str()).copied().unwrap_or(0);
            let _ = writeln!(
                s,
                "    {:<22} {:>6} {:>6} {:>6} {:>8}",
                d,
                get(Severity::Low),
                get(Severity::Medium),
                get(Severity::High),
                get(Severity::Critical)
            );
        }
    }
    let top = stats.riskiest(10);
    if !top.is_empty() {
        let _ = writeln!(s, "  riskiest users (sum of alert scores)");
        for u in top {
            let _ = writeln!(
                s,
                "    {:<16} {:>3} alert(s)  score {:>6.2}  worst {}",
                u.user,
                u.alerts,
                u.score,
                u.worst.map(|w| w.as_str()).unwrap_or("-")
            );
        }
    }
    if !rejects.is_empty() {
        let _ = writeln!(s, "  first rejected lines");
        for r in rejects {
            let _ = writeln!(s, "    {r}");
        }
    }
    for n in notes.iter().cloned().chain(stats.exemption_hints()) {
        let _ = writeln!(s, "  note: {n}");
    }
    s
}
