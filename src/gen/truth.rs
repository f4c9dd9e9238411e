//! Ground truth: which labels one generated query deserves, computed from
//! the world with the exact semantics the detectors implement (explained
//! queries, identity detectors, `no_case` order of checks).
//!
//! It knows the intended target, so it must only be asked about queries
//! whose typed identifiers really point at that target. It refuses
//! (returns `None`) when reasonable readings of dates disagree, so the
//! generator never emits a query whose label depends on time zone or on
//! whether an end date is inclusive.
//!
//! `shared_credential` is judged over sequences rather than single queries:
//! [`shared_credential`] replays the detector's rules over the finished,
//! ordered events. `odd_volume` is not judged here at all: its labels follow
//! the intent of each injected episode (see `scenario/volume.rs`).

use super::render::Carry;
use super::scenario::Ev;
use super::world::{day_of, midnight, Day, Role, Status, World};
use crate::config::SharedCredentialConfig;
use crate::detect::shared_credential::Travel;
use crate::refs::distance_km;

/// Exempt purposes: a query made for one of these needs no case.
pub(crate) const EXEMPT_PURPOSE: &str = "TRAFFIC_STOP";

/// What the truth needs to know about a generated query.
pub(crate) struct Facts<'a> {
    pub login: u32,
    pub t: i64,
    pub action: &'static str,
    pub case_id: Option<&'a str>,
    pub purpose: Option<&'static str>,
    pub target: Option<u32>,
    pub carry: &'a Carry,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Truth {
    pub explained: bool,
    pub labels: Vec<(&'static str, &'static str)>,
}

fn assigned(w: &World, case: u32, login: u32, day: Day, by_employee: bool) -> bool {
    let emp = w.logins[login as usize].emp;
    w.cases[case as usize].assigns.iter().any(|&a| {
        let a = &w.assigns[a as usize];
        (a.login == login || (by_employee && w.logins[a.login as usize].emp == emp))
            && a.from <= day
            && a.to.is_none_or(|to| day <= to)
    })
}

fn open(w: &World, case: u32, day: Day) -> bool {
    let c = &w.cases[case as usize];
    c.opened <= day && c.closed.is_none_or(|cl| day <= cl)
}

/// Labels under one reading: `day` is the calendar day the query is taken to
/// fall on, `by_employee` says whether an assignment to one login of an
/// employee covers their other logins.
fn evaluate(w: &World, f: &Facts<'_>, day: Day, by_employee: bool) -> Truth {
    let none = Truth {
        explained: false,
        labels: Vec::new(),
    };
    if f.action != "query" && f.action != "export" {
        return none;
    }
    let Some(target) = f.target else {
        return none;
    };
    let explained = w.cases_of_person[target as usize]
        .iter()
        .any(|&c| open(w, c, day) && assigned(w, c, f.login, day, by_employee));
    if explained {
        return Truth {
            explained: true,
            labels: Vec::new(),
        };
    }
    let mut labels = Vec::new();
    let identified = f.carry.kind();
    // Whether the query names someone the reference tables hold: staff, their associations,
    // the watch list, or a citizen some case lists.
    let known = identified.is_some()
        && (!matches!(w.persons[target as usize].role, Role::Citizen)
            || !w.cases_of_person[target as usize].is_empty());
    let emp_idx = w.logins[f.login as usize].emp;
    let emp = &w.employees[emp_idx as usize];
    match (w.persons[target as usize].role, identified) {
        (_, None) | (Role::Citizen, _) => {}
        (Role::Employee(te), Some(kind)) => {
            if te == emp_idx {
                labels.push(("self_query", kind));
            } else {
                let other = &w.employees[te as usize];
                let kind = if emp.supervisor == Some(te) {
                    "supervisor"
                } else if other.unit == emp.unit {
                    "same_unit"
                } else {
                    "other_unit"
                };
                labels.push(("coworker_lookup", kind));
            }
        }
        (Role::Associate(ai), Some(_)) => {
            let a = &w.assocs[ai as usize];
            let valid =
                a.valid_from.is_none_or(|v| v <= day) && a.valid_to.is_none_or(|v| day <= v);
            if a.emp == emp_idx && valid {
                labels.push(("association_lookup", a.relation));
            }
        }
        (Role::Watch(wi), Some(_)) => {
            labels.push(("watchlist_lookup", w.watch[wi as usize].category));
        }
    }
    if f.purpose != Some(EXEMPT_PURPOSE) {
        let kind = match f.case_id.filter(|c| !c.is_empty()) {
            None => "missing",
            Some(id) => match w.case_by_id.get(id) {
                None => "unknown_case",
                Some(&c) if !open(w, c, day) => "closed_case",
                Some(&c) if !assigned(w, c, f.login, day, by_employee) => "not_assigned",
                // A cover case leaves out someone the reference tables know; a stranger
                // searched under the user's own valid case is that case's work.
                Some(_) if known => "subject_not_in_case",
                Some(_) => "",
            },
        };
        if !kind.is_empty() {
            labels.push(("no_case", kind));
        }
    }
    Truth {
        explained: false,
        labels,
    }
}

/// The labels for one query, or `None` when they depend on how dates are
/// read (the query day shifted by one either way, assignments per login or
/// per employee).
pub(crate) fn truth(w: &World, f: &Facts<'_>) -> Option<Truth> {
    let day = day_of(f.t);
    let base = evaluate(w, f, day, false);
    for (shift, by_employee) in [(-1, false), (1, false), (0, true), (-1, true), (1, true)] {
        if evaluate(w, f, day + shift, by_employee).labels != base.labels {
            return None;
        }
    }
    Some(base)
}

/// Concurrent-use window and returns of the `shared_credential` detector's default
/// configuration.
pub(crate) const CONCURRENT_SECS: i64 = 600;
pub(crate) const SAME_SITE_RETURNS: usize = 2;

/// `shared_credential` labels, replaying the detector's rules over the
/// events in output order: every event of a terminated or on-leave login
/// from the midnight (UTC) after its end date (`inactive_account`); an
/// event back at a workstation the login used at most [`CONCURRENT_SECS`]
/// earlier, with another site's workstation used in between, or the
/// [`SAME_SITE_RETURNS`]th such return between workstations of one site
/// (`concurrent_clients`); an event with coordinates sooner after the login's
/// last event with coordinates than the default configuration's travel allows
/// (`impossible_travel`, [`too_far`]).
pub(crate) fn shared_credential(w: &World, events: &mut [Ev], order: &[u32]) {
    let inactive: Vec<Option<i64>> = w
        .logins
        .iter()
        .map(|l| {
            let e = &w.employees[l.emp as usize];
            let active = matches!(e.status, Status::Active);
            inactive_from(active, e.end.map(|d| midnight(d + 1)))
        })
        .collect();
    let coords: Vec<Option<(f64, f64)>> = w.clients.iter().map(|c| c.written_coords()).collect();
    let mut seen = Whereabouts::new(w.logins.len());
    for &i in order {
        let ev = &mut events[i as usize];
        let l = ev.login as usize;
        if inactive[l].is_some_and(|from| ev.t >= from) {
            ev.labels.push(("shared_credential", "inactive_account"));
        }
        let site = w.clients[ev.client as usize].site;
        let (concurrent, travel) = seen.step(l, ev.t, ev.client, site, coords[ev.client as usize]);
        if concurrent {
            ev.labels.push(("shared_credential", "concurrent_clients"));
        }
        if travel {
            ev.labels.push(("shared_credential", "impossible_travel"));
        }
    }
}

/// When a login's events start to be `inactive_account`: never for an active login;
/// otherwise from `after_end` (the UTC midnight after its end date), or from the start
/// when it has no end date. Both worlds' truth use it.
pub(crate) fn inactive_from(active: bool, after_end: Option<i64>) -> Option<i64> {
    if active {
        None
    } else {
        Some(after_end.unwrap_or(i64::MIN))
    }
}

/// Whether a login seen at `there` and then at `here` (time, coordinates) moved sooner
/// than anyone can travel that far, by the detector's rule with its default configuration
/// (`impossible_travel`, [`Travel`]).
fn too_far(there: (i64, (f64, f64)), here: (i64, (f64, f64))) -> bool {
    let travel = Travel::of(&SharedCredentialConfig::default());
    travel.impossible(distance_km(there.1, here.1), here.0 - there.0)
}

/// One login's workstations within [`CONCURRENT_SECS`]: the last use of each (client,
/// site, time), oldest first, and its returns between workstations of one site. `C` and
/// `S` are indices in the generator and the strings of the files in its tests.
#[derive(Clone, Default)]
pub(crate) struct Workstations<C, S> {
    uses: Vec<(C, S, i64)>,
    returns: Vec<i64>,
}

impl<C: PartialEq, S: PartialEq> Workstations<C, S> {
    /// The login's next use, at `t` of `client` at `site`: whether it is back at a
    /// workstation after another site's in between, or the [`SAME_SITE_RETURNS`]th return
    /// within one site (`concurrent_clients`).
    pub(crate) fn back(&mut self, t: i64, client: C, site: S) -> bool {
        let mut concurrent = false;
        self.uses.retain(|u| t - u.2 <= CONCURRENT_SECS);
        self.returns.retain(|&r| t - r <= CONCURRENT_SECS);
        if let Some(pos) = self.uses.iter().position(|u| u.0 == client) {
            let between = &self.uses[pos + 1..];
            if between.iter().any(|u| u.1 != site) {
                concurrent = true;
            } else if !between.is_empty() {
                self.returns.push(t);
                concurrent = self.returns.len() >= SAME_SITE_RETURNS;
            }
            self.uses.remove(pos);
        }
        self.uses.push((client, site, t));
        concurrent
    }
}

/// Where each login was last seen, for the `concurrent_clients` and `impossible_travel`
/// rules replayed over events in output order; both worlds' truth use it.
pub(crate) struct Whereabouts {
    /// Per login: the last use of each workstation (client, site, time) within
    /// [`CONCURRENT_SECS`], oldest first, and its returns within one site.
    recent: Vec<Workstations<u32, u32>>,
    last_coords: Vec<Option<(i64, (f64, f64))>>,
}

impl Whereabouts {
    pub(crate) fn new(logins: usize) -> Self {
        Whereabouts {
            recent: vec![Workstations::default(); logins],
            last_coords: vec![None; logins],
        }
    }

    /// Takes login `l`'s next event (at `t`, from `client` at `site` and `here` when
    /// known) and says whether it is `concurrent_clients` and whether it is
    /// `impossible_travel`.
    pub(crate) fn step(
        &mut self,
        l: usize,
        t: i64,
        client: u32,
        site: Option<u32>,
        here: Option<(f64, f64)>,
    ) -> (bool, bool) {
        let mut concurrent = false;
        if let Some(site) = site {
            concurrent = self.recent[l].back(t, client, site);
        }
        let Some(here) = here else {
            return (concurrent, false);
        };
        let travel = self.last_coords[l].is_some_and(|last| too_far(last, (t, here)));
        self.last_coords[l] = Some((t, here));
        (concurrent, travel)
    }
}

/// The `concurrent_clients` and `impossible_travel` rules over the written files, for the
/// generators' tests: keyed by the strings in the files, so it shares the rules with
/// [`Whereabouts`] and none of its indices.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct RuleReplay {
    recent: std::collections::HashMap<String, Workstations<String, String>>,
    last_xy: std::collections::HashMap<String, (i64, (f64, f64))>,
}

#[cfg(test)]
impl RuleReplay {
    /// `user`'s next event at `t` from `client` (at `site`, `xy` when known): whether it
    /// is `concurrent_clients` and whether it is `impossible_travel`.
    pub(crate) fn step(
        &mut self,
        user: &str,
        t: i64,
        client: &str,
        site: Option<&str>,
        xy: Option<(f64, f64)>,
    ) -> (bool, bool) {
        let mut concurrent = false;
        if let Some(site) = site {
            concurrent = self.recent.entry(user.to_string()).or_default().back(
                t,
                client.to_string(),
                site.to_string(),
            );
        }
        let mut travel = false;
        if let Some(xy) = xy {
            travel = self
                .last_xy
                .get(user)
                .is_some_and(|&last| too_far(last, (t, xy)));
            self.last_xy.insert(user.to_string(), (t, xy));
        }
        (concurrent, travel)
    }
}
