//! `shared_credential`: one login used where its owner cannot be — from two sites at once,
//! from places too far apart for the time between, or after the account should have gone
//! quiet (termination, leave).
//!
//! Two facts are kept apart. A login that comes back to a workstation minutes after being
//! used somewhere else was in use at two places at once (`concurrent_clients`): the owner
//! never left. A single move to a place too far away for the time between is
//! `impossible_travel`, whether or not the login comes back; one episode can be both. A
//! single move to a nearby site is neither: people walk to another building.
//!
//! Going back and forth between two workstations of one site is how some people work: a
//! manager between the office and a counter, a technician between two benches of one lab.
//! A login that did so between the same two on two or more earlier days of the last four
//! weeks ([`PRACTICE_EARLIER_DAYS`], [`PRACTICE_DAYS`]) is not raised for it again (counted
//! in the summary); its first days are, and so is any other pair, and any use at another
//! site in between, which no habit explains. Going back and forth between two workstations
//! of one site that two or more other logins went back and forth between in the same four
//! weeks is how the place works ([`POOL_OTHER_LOGINS`]): a ward's nurses and doctors move
//! between its workstations all shift. So is going back and forth between two banks of
//! workstations that three or more other logins did ([`BANK_POOL_OTHER_LOGINS`]): a lab's
//! technicians between any of its benches, a precinct's officers writing reports at
//! whichever desk is free while their car's terminal is still signed in. A bank is a
//! workstation's name without the number at its end ([`bank`]: `PCT1-WS04` and
//! `PCT1-WS10` are the desks `PCT1-WS`, every `MDT-…` is a car's terminal), so that the
//! desk each officer happens to take does not hide the practice they share. Pools are kept
//! as pairs, of workstations or of banks, never joined into larger pools through one they
//! share: a cart on wheels visits every ward. Measured: on the blind city-police world's
//! misconduct-free twins, 64 and 819 alerts of officers at a precinct desk with their
//! car's terminal signed in became 19 and 12; no labelled sharing on any world was lost
//! (a stranger at the next counter, a trainee at the training desk, a student at
//! registration are banks no one else moves between; with two other logins for banks, as
//! for a pair, the sheriff's 400-login world lost 3 of its 34 labelled episodes).
//!
//! Too far is a matter of how people travel ([`Travel`]): by road, or by air once they
//! have got to an airport and from one. An airliner's speed alone let a deputy's login
//! cross 28 km of county in two and a half minutes.
//!
//! What the login did at the far place after such a move joins its alert, without counting
//! as another move: the lookups of whoever used it there are what an investigator needs
//! ([`Away`]). The far place is never the site personnel gives the login, nor the place a
//! way back returns to: the owner's own work there is not the episode's.
//!
//! State is per login and holds the workstations it used within the concurrency window
//! (one or two, in practice) and its last event with coordinates, so memory grows with the
//! number of logins, not events. Workstations come from
//! clients.csv; a client it does not list, or lists without coordinates (VPN, mobile), is
//! skipped for the check that needs the missing fact rather than guessed.

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap as HashMap;
use serde_json::json;

use super::window::LoginsSeen;
use super::{
    add_event_context, saved_field, saved_value, Context, DayNote, Detector, DetectorDoc, Finding,
    SavedStateError,
};
use crate::alert::Severity;
use crate::config::SharedCredentialConfig;
use crate::event::{format_ts, Event};
use crate::identity::Resolved;
use crate::refs::{distance_km, Status};

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "shared_credential",
    kinds: &["concurrent_clients", "impossible_travel", "inactive_account"],
    what: "One login back at a workstation within `concurrent_window_minutes` of its last use there after use at another site in between, or going back and forth `same_site_returns` times between two workstations of one site, unless the login did so between the same two on two or more earlier days of the last four weeks (how it works: a manager between the office and a counter, a technician between two benches) or two or more other logins did in the last four weeks, today's earlier hours included (a pool the place's staff move between: a ward's workstations), or three or more between the same two banks of workstations there (a workstation's name without its closing number: `PCT1-WS04` is of the bank `PCT1-WS`; a precinct's desks and its cars' terminals) (`concurrent_clients`; a `logout` is never a return: single sign-on writes one at the old workstation when the login badges in at another); consecutive activity from sites at least `min_distance_km` apart sooner than anyone could travel between them: by road at `max_ground_speed_kmh`, or by air at `max_speed_kmh` after an hour and a half to and from airports, whichever is quicker, the alert holding what the login then did at the far place, away from the site personnel gives it, until it is used elsewhere: the lookups of whoever used it there (`impossible_travel`); activity by a login whose personnel status is terminated (after `end_date`) or leave (after `end_date` when given) (`inactive_account`).",
    why: "Logins shared with relatives or colleagues, or kept after someone has left, break the link between a lookup and a person, which every other check relies on.",
    false_positives: "Workstations listed at the wrong site in clients.csv; a login's first days of going back and forth between two workstations of one room, before they are its practice or the room's (a room's banks of workstations named without a shared stem and number); a remote desktop session that logs the server as the client; personnel data not updated when someone returns from leave.",
    tuning: "`shared_credential.concurrent_window_minutes`, `same_site_returns`, `max_speed_kmh`, `max_ground_speed_kmh`, `min_distance_km`; keep clients.csv and personnel status current. A single move to another site is never concurrent use; clients without a site are skipped for concurrency and clients without coordinates for travel.",
    example: "Login jdoe was used at WS-N1 (site NORTH), at WS-S1 (site SOUTH) 3 minutes later, and back at WS-N1 2 minutes after that.",
    needs: &["clients (for concurrent_clients and impossible_travel)"],
};

/// The action that ends a session (`CONTRACT.md`): a record of the session, not a use of
/// the workstation.
const LOGOUT: &str = "logout";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Seen {
    id: String,
    ts: DateTime<Utc>,
    client: String,
    site: String,
    coords: Option<(f64, f64)>,
}

/// One login's workstations within the concurrency window.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Recent {
    /// The last use of each workstation (at a known site), oldest first.
    uses: Vec<Seen>,
    /// When the login came back to a workstation after another one at the same site.
    returns: Vec<DateTime<Utc>>,
}

/// Time to get to and from airports around a flight: a login seen at one office cannot be
/// seen at another by air in less than this and the flight.
const FLIGHT_OVERHEAD_HOURS: f64 = 1.5;

/// How fast anyone gets from one site to another: by road, or by air after getting to and
/// from airports, whichever is quicker for the distance. The generators' truth uses the
/// same rule with the default configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Travel {
    pub ground_kmh: f64,
    pub air_kmh: f64,
    /// Sites closer than this are never too far (coordinates are approximate).
    pub min_km: f64,
}

impl Travel {
    pub(crate) fn of(cfg: &SharedCredentialConfig) -> Travel {
        Travel {
            ground_kmh: cfg.max_ground_speed_kmh,
            air_kmh: cfg.max_speed_kmh,
            min_km: cfg.min_distance_km,
        }
    }

    /// The least time, in hours, a move of `km` takes.
    pub(crate) fn least_hours(&self, km: f64) -> f64 {
        (km / self.ground_kmh).min(FLIGHT_OVERHEAD_HOURS + km / self.air_kmh)
    }

    /// Whether a move of `km` in `secs` seconds is impossible travel.
    pub(crate) fn impossible(&self, km: f64, secs: i64) -> bool {
        km >= self.min_km && (secs.max(1) as f64 / 3600.0) < self.least_hours(km)
    }
}

pub(crate) struct SharedCredential {
    window_secs: i64,
    same_site_returns: usize,
    travel: Travel,
    /// Per login: the workstations used within the window, and the last event with
    /// coordinates.
    recent: HashMap<String, Recent>,
    last_coords: HashMap<String, Seen>,
    /// Per login: the pairs of workstations of one site it went back and forth between, with
    /// the days it did (the last [`PRACTICE_DAYS`] days, pruned at its next back-and-forth),
    /// to tell a habit from an episode.
    pairs: HashMap<String, std::collections::BTreeMap<String, Vec<NaiveDate>>>,
    /// Per pair of workstations of one site, and per pair of their banks ([`bank`]): the
    /// logins that came back to one after the other within the window, even once, each
    /// with the last day it did (the last [`PRACTICE_DAYS`] days): where several people do,
    /// the two are a pool that the place's staff move between (a ward's workstations, a
    /// lab's benches, a precinct's desks and its cars' terminals).
    /// Kept per pair, never joined into pools through one two pairs share: a cart on
    /// wheels links every ward it visits, and a login used on one ward's cart while its
    /// owner works on another is the sharing this detector is for.
    roamed: LoginsSeen,
    /// Back-and-forth findings set aside as the login's practice since the last day's notes.
    set_aside: u64,
    /// Back-and-forth findings set aside as the place's practice since the last day's notes.
    pool_set_aside: u64,
    /// Per login: the far place of its last `impossible_travel` move, while it is used
    /// there.
    away: HashMap<String, Away>,
}

/// How far back the days of a login's back-and-forth between two workstations count.
const PRACTICE_DAYS: i64 = 28;

/// On how many earlier days a login must have gone back and forth between the same two
/// workstations of one site for it to be how the login works (a manager between the office
/// and a counter, a technician between two benches of one lab), not two people.
const PRACTICE_EARLIER_DAYS: usize = 2;

/// How many other logins must have gone back and forth between the same two banks of
/// workstations of one site in the last [`PRACTICE_DAYS`] days (today's earlier hours included) for the
/// two to be a pool the place's staff move between, not one login in two hands. One other
/// login may be the owner's partner in the same sharing; two are how the room works.
const POOL_OTHER_LOGINS: usize = 2;

/// How many other logins must have gone back and forth between the same two banks of
/// workstations of one site ([`bank`]) in the last [`PRACTICE_DAYS`] days for the banks to
/// be a pool: one more than for a single pair, because a pair of banks gathers every pair
/// of their workstations, and at a large site shared logins meet there too (a sheriff's
/// headquarters desks, its dispatch positions: three labelled episodes in four weeks by
/// different logins on the sheriff's 400-login world, two of them before the third).
const BANK_POOL_OTHER_LOGINS: usize = 3;

impl SharedCredential {
    pub fn new(cfg: &SharedCredentialConfig) -> Self {
        Self {
            window_secs: cfg.concurrent_window_minutes * 60,
            same_site_returns: cfg.same_site_returns as usize,
            travel: Travel::of(cfg),
            recent: HashMap::default(),
            last_coords: HashMap::default(),
            pairs: HashMap::default(),
            roamed: LoginsSeen::default(),
            set_aside: 0,
            pool_set_aside: 0,
            away: HashMap::default(),
        }
    }
}

/// A finding about a fact (not a graded match): the event's context is added to the
/// evidence here, only when there is something to report, and an earlier event the finding
/// rests on joins the alert.
fn fact(
    ev: &Event,
    kind: &str,
    severity: Severity,
    group: String,
    reason: String,
    mut evidence: serde_json::Value,
    earlier: Option<&Seen>,
) -> Finding {
    if let Some(obj) = evidence.as_object_mut() {
        add_event_context(obj, ev);
    }
    Finding {
        kind: kind.to_string(),
        severity,
        strength: 1.0,
        group,
        reason,
        evidence,
        also: earlier.map(|e| e.id.clone()).into_iter().collect(),
        since: earlier.map(|e| e.ts),
        name_alone_exempt: false,
        unit_holders: Vec::new(),
        closed_case_of_the_person: false,
        others_case_of_the_person: false,
        review_of_a_reports_case: false,
        stranger_not_in_case: false,
        unlisted_in_own_case: false,
        continues: false,
    }
}

/// Where a login was used after a move no one could make, away from the site personnel
/// gives it: what it did there joins the `impossible_travel` alert of the move (the
/// lookups whoever used it there made), until it is used at another place.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Away {
    place: String,
    group: String,
    day: NaiveDate,
}

/// An event at the far place of an `impossible_travel` move, joining its alert.
fn carried_on(ev: &Event, group: &str) -> Finding {
    let mut f = fact(
        ev,
        "impossible_travel",
        Severity::High,
        group.to_string(),
        String::new(),
        json!({}),
        None,
    );
    f.continues = true;
    f
}

/// Overwrites `seen` with the event, reusing its strings.
fn overwrite(seen: &mut Seen, ev: &Event, client: &str, site: &str, coords: Option<(f64, f64)>) {
    seen.id.clear();
    seen.id.push_str(&ev.id);
    seen.ts = ev.ts;
    seen.client.clear();
    seen.client.push_str(client);
    seen.site.clear();
    seen.site.push_str(site);
    seen.coords = coords;
}

fn seen(ev: &Event, client: &str, site: &str, coords: Option<(f64, f64)>) -> Seen {
    Seen {
        id: ev.id.to_string(),
        ts: ev.ts,
        client: client.to_string(),
        site: site.to_string(),
        coords,
    }
}

/// Records the event as the login's latest, reusing the stored strings: this runs for
/// every event with a known workstation.
fn remember(
    map: &mut HashMap<String, Seen>,
    ev: &Event,
    client: &str,
    site: &str,
    coords: Option<(f64, f64)>,
) {
    match map.get_mut(ev.user.as_str()) {
        Some(s) => overwrite(s, ev, client, site, coords),
        None => {
            map.insert(ev.user.to_string(), seen(ev, client, site, coords));
        }
    }
}

/// One group per unordered pair, so A→B and B→A on one day are one alert.
fn pair_key(what: &str, a: &str, b: &str) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{what}:{a}|{b}")
}

/// How the pools' keys begin: `banks:` and the site, then the pair of banks.
const BANKS: &str = "banks:";

/// The bank a workstation belongs to: its name without the number at its end
/// (`PCT1-WS04` → `PCT1-WS`, `MDT-109` → `MDT-`), the whole name when it ends in none.
fn bank(client: &str) -> &str {
    let cut = client.trim_end_matches(|c: char| c.is_ascii_digit());
    if cut.is_empty() {
        client
    } else {
        cut
    }
}

/// Where a workstation is, for grouping: its site, or the workstation itself when
/// clients.csv gives it none.
fn place<'a>(site: &'a str, client: &'a str) -> &'a str {
    if site.is_empty() {
        client
    } else {
        site
    }
}

fn minutes(secs: i64) -> String {
    if secs < 120 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", secs / 60)
    }
}

impl SharedCredential {
    /// The `concurrent_clients` check for an event at workstation `client` of `site`, and
    /// the bookkeeping of the login's workstations.
    fn concurrent(&mut self, ev: &Event, client: &str, site: &str, out: &mut Vec<Finding>) {
        if self.window_secs == 0 {
            return;
        }
        let window = self.window_secs;
        let rec = match self.recent.get_mut(ev.user.as_str()) {
            Some(r) => r,
            None => self.recent.entry(ev.user.to_string()).or_default(),
        };
        rec.uses.retain(|u| (ev.ts - u.ts).num_seconds() <= window);
        rec.returns.retain(|t| (ev.ts - *t).num_seconds() <= window);
        let Some(pos) = rec.uses.iter().position(|u| u.client == client) else {
            rec.uses.push(seen(ev, client, site, None));
            return;
        };
        // Back at a workstation used within the window, after others in between.
        let between = &rec.uses[pos + 1..];
        if let Some(last) = between.last() {
            let own = &rec.uses[pos];
            let finding = match between.iter().rev().find(|u| u.site != site) {
                Some(away) => Some(back_from(ev, own, away, Severity::High, None, window)),
                None => {
                    rec.returns.push(ev.ts);
                    let day = ev.ts.date_naive();
                    let pair = pair_key("clients", &own.client, &last.client);
                    // The place's practice is its pair's, or its banks' (any desk of the
                    // precinct and a patrol car's terminal); the login's its own pair's.
                    let banks = pair_key(
                        &format!("{BANKS}{site}"),
                        bank(&own.client),
                        bank(&last.client),
                    );
                    let by_banks = self.roamed.saw(&banks, &ev.user, day, PRACTICE_DAYS);
                    let by_pair = self.roamed.saw(&pair, &ev.user, day, PRACTICE_DAYS);
                    if rec.returns.len() >= self.same_site_returns {
                        let n = rec.returns.len();
                        let pairs = self.pairs.entry(ev.user.to_string()).or_default();
                        // Pairs the login has not gone back and forth between for four
                        // weeks are forgotten, so that the map holds its recent habits only.
                        pairs.retain(|_, days| {
                            days.retain(|d| (day - *d).num_days() <= PRACTICE_DAYS);
                            !days.is_empty()
                        });
                        let days = pairs.entry(pair).or_default();
                        let earlier = days.iter().filter(|d| **d < day).count();
                        if days.last() != Some(&day) {
                            days.push(day);
                        }
                        // The login's practice, not two people: counted, not raised.
                        if earlier >= PRACTICE_EARLIER_DAYS {
                            self.set_aside += 1;
                            None
                        } else if by_pair >= POOL_OTHER_LOGINS || by_banks >= BANK_POOL_OTHER_LOGINS
                        {
                            self.pool_set_aside += 1;
                            None
                        } else {
                            Some(back_from(ev, own, last, Severity::Medium, Some(n), window))
                        }
                    } else {
                        None
                    }
                }
            };
            out.extend(finding);
        }
        let mut mine = rec.uses.remove(pos);
        overwrite(&mut mine, ev, client, site, None);
        rec.uses.push(mine);
    }
}

/// `concurrent_clients`: the login is back at `own`'s workstation after `away` was used
/// in between; `returns` counts the back-and-forth at one site.
fn back_from(
    ev: &Event,
    own: &Seen,
    away: &Seen,
    severity: Severity,
    returns: Option<usize>,
    window: i64,
) -> Finding {
    let gap = (ev.ts - away.ts).num_seconds();
    let span = (ev.ts - own.ts).num_seconds();
    let mut evidence = json!({
        "sites": [own.site, away.site],
        "clients": [own.client, away.client],
        "seconds_apart": gap,
        "seconds_between_uses_here": span,
        "window_seconds": window,
        "earlier_event": {"id": away.id, "ts": format_ts(&away.ts)},
        "earlier_here": {"id": own.id, "ts": format_ts(&own.ts)},
    });
    if let (Some(n), Some(obj)) = (returns, evidence.as_object_mut()) {
        obj.insert("same_site_returns".into(), json!(n));
    }
    let (group, reason) = match returns {
        None => (
            pair_key("sites", &own.site, &away.site),
            format!(
                "Login {} was used at {} (site {}), at {} (site {}) and back at {} {} later: in use at two places at once.",
                ev.user, own.client, own.site, away.client, away.site, own.client, minutes(span)
            ),
        ),
        Some(n) => (
            pair_key("clients", &own.client, &away.client),
            format!(
                "Login {} went back and forth between workstations {} and {} at site {}, {n} times within {}: two sessions in use at once.",
                ev.user, own.client, away.client, own.site, minutes(window)
            ),
        ),
    };
    let mut f = fact(
        ev,
        "concurrent_clients",
        severity,
        group,
        reason,
        evidence,
        Some(away),
    );
    if own.id != away.id {
        // In time order, as an alert lists its events: the earlier use here, then the one
        // in between.
        let at = usize::from(own.ts > away.ts).min(f.also.len());
        f.also.insert(at, own.id.clone());
        f.since = Some(own.ts.min(away.ts));
    }
    f
}

impl Detector for SharedCredential {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let resolver = cx.resolver;
        if let Some(p) = r.personnel {
            let state = match p.status {
                _ if !p.away_at(ev.ts) => None,
                Status::Terminated => Some(("terminated", Severity::High)),
                Status::Leave => Some(("on leave", Severity::Medium)),
                _ => None,
            };
            if let Some((state, severity)) = state {
                let since = p
                    .end_date
                    .map(|d| {
                        format!(
                            " since {}",
                            d.date_naive().pred_opt().unwrap_or(d.date_naive())
                        )
                    })
                    .unwrap_or_default();
                let evidence = json!({
                    "status": state,
                    "end_date": p.end_date.map(|d| d.date_naive().pred_opt().unwrap_or(d.date_naive()).to_string()),
                });
                let reason = format!(
                    "Login {} was used ({}) while its owner is {state}{since} according to personnel records.",
                    ev.user, ev.action
                );
                let group = "account".to_string();
                out.push(fact(
                    ev,
                    "inactive_account",
                    severity,
                    group,
                    reason,
                    evidence,
                    None,
                ));
            }
        }

        let Some(client_id) = ev.client.as_deref() else {
            return;
        };
        let Some(client) = resolver.client(client_id) else {
            return;
        };
        // Used again where an impossible move took it, the same day: what it did there is
        // the move's. Used anywhere else, or on another day, the episode is over (the way
        // back is a move of its own).
        let here_place = place(client.site.as_deref().unwrap_or(""), client_id);
        let mut left: Option<String> = None;
        if let Some(a) = self.away.get(ev.user.as_str()) {
            if a.place == here_place && a.day == ev.ts.date_naive() {
                out.push(carried_on(ev, &a.group));
            } else {
                left = self.away.remove(ev.user.as_str()).map(|a| a.group);
            }
        }
        // A logout ends a session; it is no return to the workstation. Single sign-on
        // writes one when the login badges in elsewhere (a nurse's session roaming from the
        // station to a bedside computer), after the login there: counted as a use, it made
        // every such move look like coming back to the first workstation. It still places
        // the login for `impossible_travel`: a session ended far away is still far away.
        let returns = !ev.action.eq_ignore_ascii_case(LOGOUT);
        if let (true, Some(site)) = (returns, client.site.as_deref()) {
            self.concurrent(ev, client_id, site, out);
        }

        let Some(here) = client.lat.zip(client.lon) else {
            return;
        };
        if let Some(prev) = self.last_coords.get(ev.user.as_str()) {
            if let Some(there) = prev.coords {
                let km = distance_km(there, here);
                let secs = (ev.ts - prev.ts).num_seconds().max(1);
                let kmh = km / (secs as f64 / 3600.0);
                if self.travel.impossible(km, secs) {
                    let least = self.travel.least_hours(km);
                    let evidence = json!({
                        "from": {"client": prev.client, "site": prev.site, "lat": there.0, "lon": there.1, "event": prev.id, "ts": format_ts(&prev.ts)},
                        "to": {"client": client_id, "site": client.site, "lat": here.0, "lon": here.1},
                        "distance_km": (km * 10.0).round() / 10.0,
                        "seconds_apart": secs,
                        "implied_speed_kmh": kmh.round(),
                        "least_minutes": (least * 60.0).round(),
                        "max_ground_speed_kmh": self.travel.ground_kmh,
                        "max_speed_kmh": self.travel.air_kmh,
                    });
                    let reason = format!(
                        "Login {} was used at {} and then, {} later, at {} {:.0} km away ({:.0} km/h); the journey takes at least {} ({:.0} km/h by road, or by air at {:.0} km/h after an hour and a half to and from airports).",
                        ev.user,
                        prev.client,
                        minutes(secs),
                        client_id,
                        km,
                        kmh,
                        minutes((least * 3600.0).round() as i64),
                        self.travel.ground_kmh,
                        self.travel.air_kmh
                    );
                    // One alert per pair of places a day: there and back is one episode.
                    let group = pair_key(
                        "travel",
                        place(&prev.site, &prev.client),
                        place(client.site.as_deref().unwrap_or(""), client_id),
                    );
                    let kind = "impossible_travel";
                    // The far place is where the login is not at home (personnel's site),
                    // and never the way back from the last far place.
                    let home = r
                        .personnel
                        .and_then(|p| p.site.as_deref())
                        .is_some_and(|site| site.eq_ignore_ascii_case(here_place));
                    if !home && left.as_deref() != Some(group.as_str()) {
                        self.away.insert(
                            ev.user.to_string(),
                            Away {
                                place: here_place.to_string(),
                                group: group.clone(),
                                day: ev.ts.date_naive(),
                            },
                        );
                    }
                    out.push(fact(
                        ev,
                        kind,
                        Severity::High,
                        group,
                        reason,
                        evidence,
                        Some(prev),
                    ));
                }
            }
        }
        let site = client.site.as_deref().unwrap_or("");
        remember(&mut self.last_coords, ev, client_id, site, Some(here));
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        DayNote::set_aside([
            ("same_site_practice", std::mem::take(&mut self.set_aside)),
            ("same_site_pool", std::mem::take(&mut self.pool_set_aside)),
        ])
    }

    fn save(&self) -> Option<serde_json::Value> {
        let sorted = |m: &HashMap<String, Seen>| -> std::collections::BTreeMap<String, Seen> {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        Some(json!({
            "recent": self.recent.iter().collect::<std::collections::BTreeMap<_, _>>(),
            "last_coords": sorted(&self.last_coords),
            "pairs": self.pairs.iter().collect::<std::collections::BTreeMap<_, _>>(),
            "roamed": self.roamed,
            "away": self.away.iter().collect::<std::collections::BTreeMap<_, _>>(),
        }))
    }

    fn restore(&mut self, saved: &serde_json::Value) -> Result<(), SavedStateError> {
        let take = |key: &'static str| -> Result<HashMap<String, Seen>, SavedStateError> {
            let m: std::collections::BTreeMap<String, Seen> = saved_field(saved, key)?;
            Ok(m.into_iter().collect())
        };
        // States saved before `recent` hold each login's last site only.
        self.recent = match saved.get("recent") {
            Some(v) => saved_value::<std::collections::BTreeMap<String, Recent>>(v, "recent")?
                .into_iter()
                .collect(),
            None => take("last_site")?
                .into_iter()
                .map(|(user, s)| {
                    (
                        user,
                        Recent {
                            uses: vec![s],
                            returns: Vec::new(),
                        },
                    )
                })
                .collect(),
        };
        self.last_coords = take("last_coords")?;
        // States saved before the pairs were kept start learning them afresh.
        if let Some(v) = saved.get("pairs") {
            self.pairs = saved_value::<
                std::collections::BTreeMap<
                    String,
                    std::collections::BTreeMap<String, Vec<NaiveDate>>,
                >,
            >(v, "pairs")?
            .into_iter()
            .collect();
        }
        // States saved before the pools were kept start learning them afresh.
        if let Some(v) = saved.get("roamed") {
            self.roamed = saved_value(v, "roamed")?;
        }
        // States saved before the far places were kept carry none.
        if let Some(v) = saved.get("away") {
            self.away = saved_value::<std::collections::BTreeMap<String, Away>>(v, "away")?
                .into_iter()
                .collect();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{
        bank, distance_km, pair_key, LoginsSeen, SharedCredentialConfig, Travel, PRACTICE_DAYS,
    };
    use chrono::NaiveDate;

    #[test]
    fn a_bank_is_the_name_without_its_closing_number() {
        assert_eq!(bank("PCT1-WS04"), "PCT1-WS");
        assert_eq!(bank("PCT1-WS10"), "PCT1-WS");
        assert_eq!(bank("MDT-109"), "MDT-");
        assert_eq!(bank("SBR-LAB-03"), "SBR-LAB-");
        // A name with no number, or nothing but one, is its own bank.
        assert_eq!(bank("FRONT-DESK"), "FRONT-DESK");
        assert_eq!(bank("1234"), "1234");
    }

    /// Other logins count for four weeks, the login itself never, and a pair is one
    /// whichever workstation comes first.
    #[test]
    fn a_pool_counts_other_logins_of_the_last_four_weeks() {
        let day = |d: i64| {
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default() + chrono::Duration::days(d)
        };
        let ab = pair_key("clients", "A", "B");
        let mut p = LoginsSeen::default();
        let w = PRACTICE_DAYS;
        assert_eq!(p.saw(&ab, "n1", day(0), w), 0);
        assert_eq!(p.saw(&ab, "n1", day(1), w), 0);
        assert_eq!(p.saw(&pair_key("clients", "B", "A"), "n2", day(2), w), 1);
        assert_eq!(p.saw(&pair_key("clients", "A", "C"), "n3", day(2), w), 0);
        assert_eq!(p.saw(&ab, "n3", day(3), w), 2);
        // n1 was last seen on day 1: gone once the window has passed it.
        assert_eq!(p.saw(&ab, "n4", day(1 + w + 1), w), 2);
    }

    #[test]
    fn haversine_matches_known_distances() {
        // One degree of latitude is about 111.2 km anywhere.
        assert!((distance_km((10.0, 20.0), (11.0, 20.0)) - 111.2).abs() < 0.5);
        assert!(distance_km((59.33, 18.06), (59.33, 18.06)) < 1e-9);
        // Antipodes: half the circumference.
        assert!((distance_km((0.0, 0.0), (0.0, 180.0)) - 20015.1).abs() < 1.0);
    }

    #[test]
    fn travel_is_by_road_or_by_air_whichever_is_quicker() {
        let t = Travel::of(&SharedCredentialConfig::default());
        // 28 km: eleven minutes by road; nobody flies it.
        assert!((t.least_hours(28.0) * 60.0 - 11.2).abs() < 1e-9);
        assert!(t.impossible(28.0, 144), "two and a half minutes");
        assert!(!t.impossible(28.0, 25 * 60), "a drive of 25 minutes");
        // 1,000 km: an hour and a half to and from airports and 67 minutes in the air.
        assert!((t.least_hours(1000.0) - (1.5 + 1000.0 / 900.0)).abs() < 1e-9);
        assert!(t.impossible(1000.0, 2 * 3600));
        assert!(!t.impossible(1000.0, 3 * 3600));
        // Under `min_distance_km`, however quick: buildings of one campus.
        assert!(!t.impossible(3.0, 1));
    }
}
