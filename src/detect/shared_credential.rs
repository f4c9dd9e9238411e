//! `shared_credential`: one login used where its owner cannot be — from two sites at once,
//! from places too far apart for the time between, or after the account should have gone
//! quiet (termination, leave).
//!
//! State is per login and holds only the last event seen (and the last with coordinates),
//! so memory grows with the number of logins, not events. Workstations come from
//! clients.csv; a client it does not list, or lists without coordinates (VPN, mobile), is
//! skipped for the check that needs the missing fact rather than guessed.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap as HashMap;
use serde_json::json;

use super::{
    add_event_context, saved_field, Context, Detector, DetectorDoc, Finding, SavedStateError,
};
use crate::alert::Severity;
use crate::config::SharedCredentialConfig;
use crate::event::{format_ts, Event};
use crate::identity::Resolved;
use crate::refs::Status;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "shared_credential",
    kinds: &["concurrent_clients", "impossible_travel", "inactive_account"],
    what: "One login active at two different sites within `concurrent_window_minutes` (`concurrent_clients`); consecutive activity from sites farther apart than `max_speed_kmh` allows in the time between (`impossible_travel`); activity by a login whose personnel status is terminated (after `end_date`) or leave (after `end_date` when given) (`inactive_account`).",
    why: "Logins shared with relatives or colleagues, or kept after someone has left, break the link between a lookup and a person, which every other check relies on.",
    false_positives: "Workstations listed at the wrong site in clients.csv; a remote desktop session that logs the server as the client; personnel data not updated when someone returns from leave.",
    tuning: "`shared_credential.concurrent_window_minutes`, `max_speed_kmh`, `min_distance_km`; keep clients.csv and personnel status current. Two workstations at one site never count; clients without coordinates are skipped for travel.",
    example: "Login jdoe was used at site NORTH (WS-N1) and site SOUTH (WS-S1) 3 minutes apart.",
    needs: &["clients (for concurrent_clients and impossible_travel)"],
};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Seen {
    id: String,
    ts: DateTime<Utc>,
    client: String,
    site: String,
    coords: Option<(f64, f64)>,
}

pub(crate) struct SharedCredential {
    window_secs: i64,
    max_speed_kmh: f64,
    min_distance_km: f64,
    /// Per login: the last event at a known site, and the last with coordinates.
    last_site: HashMap<String, Seen>,
    last_coords: HashMap<String, Seen>,
}

impl SharedCredential {
    pub fn new(cfg: &SharedCredentialConfig) -> Self {
        Self {
            window_secs: cfg.concurrent_window_minutes * 60,
            max_speed_kmh: cfg.max_speed_kmh,
            min_distance_km: cfg.min_distance_km,
            last_site: HashMap::default(),
            last_coords: HashMap::default(),
        }
    }
}

/// Great-circle distance in km (haversine, mean Earth radius).
pub(crate) fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().clamp(0.0, 1.0).asin()
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
    match map.get_mut(&ev.user) {
        Some(s) => {
            s.id.clear();
            s.id.push_str(&ev.id);
            s.ts = ev.ts;
            s.client.clear();
            s.client.push_str(client);
            s.site.clear();
            s.site.push_str(site);
            s.coords = coords;
        }
        None => {
            map.insert(
                ev.user.clone(),
                Seen {
                    id: ev.id.clone(),
                    ts: ev.ts,
                    client: client.to_string(),
                    site: site.to_string(),
                    coords,
                },
            );
        }
    }
}

/// One group per unordered pair, so A→B and B→A on one day are one alert.
fn pair_key(what: &str, a: &str, b: &str) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{what}:{a}|{b}")
}

fn minutes(secs: i64) -> String {
    if secs < 120 {
        format!("{secs} seconds")
    } else {
        format!("{} minutes", secs / 60)
    }
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
        let mut concurrent = false;
        if let Some(site) = client.site.as_deref() {
            if let Some(prev) = self.last_site.get(&ev.user) {
                let gap = (ev.ts - prev.ts).num_seconds();
                if prev.site != site && gap <= self.window_secs {
                    concurrent = true;
                    let evidence = json!({
                        "sites": [prev.site, site],
                        "clients": [prev.client, client_id],
                        "seconds_apart": gap,
                        "window_seconds": self.window_secs,
                        "earlier_event": {"id": prev.id, "ts": format_ts(&prev.ts)},
                    });
                    out.push(fact(
                        ev,
                        "concurrent_clients",
                        Severity::High,
                        pair_key("sites", &prev.site, site),
                        format!(
                            "Login {} was used at site {} ({}) and site {} ({}) {} apart.",
                            ev.user,
                            prev.site,
                            prev.client,
                            site,
                            client_id,
                            minutes(gap)
                        ),
                        evidence,
                        Some(prev),
                    ));
                }
            }
            remember(
                &mut self.last_site,
                ev,
                client_id,
                site,
                client.lat.zip(client.lon),
            );
        }

        let Some(here) = client.lat.zip(client.lon) else {
            return;
        };
        if let Some(prev) = self.last_coords.get(&ev.user) {
            if let Some(there) = prev.coords {
                let km = distance_km(there, here);
                let secs = (ev.ts - prev.ts).num_seconds().max(1);
                let kmh = km / (secs as f64 / 3600.0);
                if !concurrent && km >= self.min_distance_km && kmh > self.max_speed_kmh {
                    let evidence = json!({
                        "from": {"client": prev.client, "site": prev.site, "lat": there.0, "lon": there.1, "event": prev.id, "ts": format_ts(&prev.ts)},
                        "to": {"client": client_id, "site": client.site, "lat": here.0, "lon": here.1},
                        "distance_km": (km * 10.0).round() / 10.0,
                        "seconds_apart": secs,
                        "implied_speed_kmh": kmh.round(),
                        "max_speed_kmh": self.max_speed_kmh,
                    });
                    let reason = format!(
                        "Login {} was used at {} and then, {} later, at {} {:.0} km away ({:.0} km/h; the limit is {:.0} km/h).",
                        ev.user,
                        prev.client,
                        minutes(secs),
                        client_id,
                        km,
                        kmh,
                        self.max_speed_kmh
                    );
                    let group = pair_key("travel", &prev.client, client_id);
                    let kind = "impossible_travel";
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

    fn save(&self) -> Option<serde_json::Value> {
        let sorted = |m: &HashMap<String, Seen>| -> std::collections::BTreeMap<String, Seen> {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        Some(json!({
            "last_site": sorted(&self.last_site),
            "last_coords": sorted(&self.last_coords),
        }))
    }

    fn restore(&mut self, saved: &serde_json::Value) -> Result<(), SavedStateError> {
        let take = |key: &'static str| -> Result<HashMap<String, Seen>, SavedStateError> {
            let m: std::collections::BTreeMap<String, Seen> = saved_field(saved, key)?;
            Ok(m.into_iter().collect())
        };
        self.last_site = take("last_site")?;
        self.last_coords = take("last_coords")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::distance_km;

    #[test]
    fn haversine_matches_known_distances() {
        // One degree of latitude is about 111.2 km anywhere.
        assert!((distance_km((10.0, 20.0), (11.0, 20.0)) - 111.2).abs() < 0.5);
        assert!(distance_km((59.33, 18.06), (59.33, 18.06)) < 1e-9);
        // Antipodes: half the circumference.
        assert!((distance_km((0.0, 0.0), (0.0, 180.0)) - 20015.1).abs() < 1.0);
    }
}
