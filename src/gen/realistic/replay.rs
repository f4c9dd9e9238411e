//! Rules over the ordered events: the output order itself, `subject_surge`
//! (five or more logins looking one person up within 24 hours, none of them
//! explained by a case, every such lookup labelled) and `shared_credential`
//! (the same rules and defaults as the classic world's truth: every event of
//! a terminated or on-leave login from the UTC midnight after its end date;
//! an event at a site other than the login's previous event at a site within
//! ten minutes; otherwise an event at least 50 km from the login's previous
//! located event and faster than 900 km/h).

use super::agency::{Status, World};
use super::clock::midnight;
use super::{bit, Ev, Target, F_DROP, F_SURGE, L_CRED, L_SURGE};
use crate::gen::truth::{inactive_from, Whereabouts};

/// Distinct logins within [`SURGE_WINDOW`] seconds that make a surge.
pub(super) const SURGE_USERS: usize = 5;
pub(super) const SURGE_WINDOW: i64 = 86_400;

/// Output order: events not dropped, by time, ties in generation order.
pub(super) fn order(events: &[Ev]) -> Vec<u32> {
    let t0 = events.iter().map(|e| e.t).min().unwrap_or(0);
    let mut keys: Vec<u64> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.flags & F_DROP == 0)
        .map(|(i, e)| (((e.t - t0) as u64) << 32) | i as u64)
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|k| (k & 0xFFFF_FFFF) as u32).collect()
}

/// Labels `subject_surge`/`many_users` on every unexplained lookup of a known
/// person that falls in a 24-hour window holding five or more logins.
pub(super) fn surge(events: &mut [Ev], order: &[u32]) {
    let mut by_person: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for &i in order {
        let e = &events[i as usize];
        if e.flags & F_SURGE != 0 {
            if let Target::Person(p) = e.target() {
                by_person.entry(p).or_default().push(i);
            }
        }
    }
    let mut marked: Vec<u32> = Vec::new();
    for list in by_person.values() {
        if list.len() < SURGE_USERS {
            continue;
        }
        let mut per_login: std::collections::BTreeMap<u16, u32> = Default::default();
        let mut lo = 0;
        let mut done = 0;
        for hi in 0..list.len() {
            let eh = events[list[hi] as usize];
            *per_login.entry(eh.login).or_insert(0) += 1;
            while eh.t - events[list[lo] as usize].t > SURGE_WINDOW {
                let l = events[list[lo] as usize].login;
                if let Some(c) = per_login.get_mut(&l) {
                    *c -= 1;
                    if *c == 0 {
                        per_login.remove(&l);
                    }
                }
                lo += 1;
            }
            if per_login.len() >= SURGE_USERS {
                marked.extend_from_slice(&list[lo.max(done)..=hi]);
                done = hi + 1;
            }
        }
    }
    for i in marked {
        events[i as usize].labels |= bit(L_SURGE);
    }
}

/// `shared_credential` labels by the rules, over events in output order.
pub(super) fn shared_credential(w: &World, events: &mut [Ev], order: &[u32]) {
    let inactive: Vec<Option<i64>> = w
        .logins
        .iter()
        .map(|l| {
            let e = &w.employees[l.emp as usize];
            let active = matches!(e.status, Status::Active);
            inactive_from(active, e.end.map(|d| midnight(d + 1)))
        })
        .collect();
    let coords: Vec<Option<(f64, f64)>> = w.clients.iter().map(|c| c.coords()).collect();
    let mut seen = Whereabouts::new(w.logins.len());
    for &i in order {
        let ev = &mut events[i as usize];
        let l = ev.login as usize;
        if inactive[l].is_some_and(|from| ev.t >= from) {
            ev.labels |= bit(L_CRED + 2);
        }
        let site = w.clients[ev.client as usize].site.map(u32::from);
        let (concurrent, travel) =
            seen.step(l, ev.t, ev.client as u32, site, coords[ev.client as usize]);
        if concurrent {
            ev.labels |= bit(L_CRED);
        }
        if travel {
            ev.labels |= bit(L_CRED + 1);
        }
    }
}
