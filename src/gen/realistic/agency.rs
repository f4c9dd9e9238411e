//! The agency: units and ranks, employees and their logins (a few have a
//! second one), who supervises whom, who joins late or leaves, sites with
//! coordinates and the workstations at them, the people employees are
//! connected to (`associations.csv`), the watchlist, and the citizens.

use super::clock::Day;
use super::people::{Addr, Population, Role, Spec, M_ADDR, M_DOB, M_NAME, M_PHONE, M_PID, M_PLATE};
use crate::gen::names::fold_accents;
use crate::gen::world::{span, weighted};
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Unit {
    Patrol,
    Dispatch,
    Investigations,
    Traffic,
    Border,
    Records,
    Command,
}

impl Unit {
    pub(super) fn name(self) -> &'static str {
        match self {
            Unit::Patrol => "PATROL",
            Unit::Dispatch => "DISPATCH",
            Unit::Investigations => "INVESTIGATIONS",
            Unit::Traffic => "TRAFFIC",
            Unit::Border => "PORT_OF_ENTRY",
            Unit::Records => "RECORDS",
            Unit::Command => "COMMAND",
        }
    }

    /// Works a rotation (days or nights, weekends included) rather than
    /// office hours.
    pub(super) fn rotation(self) -> bool {
        matches!(
            self,
            Unit::Patrol | Unit::Dispatch | Unit::Traffic | Unit::Border
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rank {
    Officer,
    Sergeant,
    Lieutenant,
    Chief,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Active,
    Leave,
    Terminated,
}

impl Status {
    pub(super) fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Leave => "leave",
            Status::Terminated => "terminated",
        }
    }
}

/// Sites: name, short code, latitude, longitude. The districts lie within
/// 25 km of headquarters, the port of entry about 110 km north, the state
/// academy several hundred km away.
pub(super) const SITES: [(&str, &str, f64, f64); 7] = [
    ("HQ", "HQ", 40.0150, -105.2705),
    ("DISTRICT-1", "D1", 40.1672, -105.1019),
    ("DISTRICT-2", "D2", 39.9205, -105.0867),
    ("DISTRICT-3", "D3", 40.0456, -105.4510),
    ("COMM-CENTER", "CC", 40.0300, -105.2400),
    ("PORT-OF-ENTRY", "POE", 40.9850, -105.5600),
    ("ACADEMY", "ACA", 37.1000, -113.0000),
];
pub(super) const HQ: u8 = 0;
pub(super) const COMM: u8 = 4;
pub(super) const PORT: u8 = 5;
pub(super) const ACADEMY: u8 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClientKind {
    Desk,
    Mdt,
    Console,
    Booth,
    Lab,
    Vpn,
}

pub(super) struct Client {
    pub name: String,
    /// `None` for VPN clients (no site, no coordinates).
    pub site: Option<u8>,
    pub ip: String,
    pub kind: ClientKind,
}

impl Client {
    /// Coordinates as written to clients.csv (five decimals).
    pub(super) fn coords(&self) -> Option<(f64, f64)> {
        let s = SITES[self.site? as usize];
        let back = |v: f64| format!("{v:.5}").parse::<f64>().unwrap_or(v);
        Some((back(s.2), back(s.3)))
    }
}

pub(super) struct Employee {
    pub emp_id: String,
    pub person: u32,
    pub unit: Unit,
    pub rank: Rank,
    pub supervisor: Option<u16>,
    pub site: u8,
    pub desk: u16,
    pub status: Status,
    /// Last day of service (terminated) or first day of leave.
    pub end: Option<Day>,
    /// First day of work when the employee joined inside the window.
    pub joined: Option<Day>,
    /// Left before the window: in personnel, never active.
    pub gone: bool,
    pub night: bool,
    /// Four 10-hour shifts a week rather than five 8-hour ones.
    pub long_shifts: bool,
    pub team: u8,
    /// Personal pace (calls, stops, travellers per hour) around 1.
    pub pace: f64,
    pub logins: Vec<u16>,
    /// Case assignments name the employee id rather than a login.
    pub by_employee: bool,
    /// A day spent at the academy.
    pub training: Option<Day>,
    pub pid_known: bool,
}

pub(super) struct Login {
    pub name: String,
    pub emp: u16,
}

pub(super) struct Assoc {
    pub emp: u16,
    pub relation: &'static str,
    pub person: u32,
    pub valid_from: Option<Day>,
    pub valid_to: Option<Day>,
    pub source: &'static str,
    /// Identifiers the associations row holds.
    pub mask: u8,
}

pub(super) struct Watch {
    pub person: u32,
    pub category: &'static str,
    pub mask: u8,
}

/// The relations of associations.csv, as in the classic world (the weights differ).
pub(super) use crate::gen::world::RELATIONS;
const RELATION_WEIGHTS: [u32; 7] = [15, 8, 22, 30, 12, 6, 7];
pub(super) const CATEGORIES: [&str; 4] = ["official", "celebrity", "journalist", "athlete"];
const CATEGORY_WEIGHTS: [u32; 4] = [35, 30, 20, 15];
const SOURCES: [&str; 5] = [
    "HR disclosure",
    "court order",
    "background check",
    "self-declared",
    "IA file",
];

pub(super) struct World {
    pub start: Day,
    /// Last day of the window (inclusive).
    pub end: Day,
    pub days: u32,
    pub pop: Population,
    pub employees: Vec<Employee>,
    pub logins: Vec<Login>,
    pub clients: Vec<Client>,
    pub desks: Vec<Vec<u16>>,
    pub mdts: Vec<Vec<u16>>,
    pub consoles: Vec<u16>,
    pub booths: Vec<u16>,
    pub labs: Vec<u16>,
    pub vpn: Vec<u16>,
    pub assocs: Vec<Assoc>,
    pub watch: Vec<Watch>,
    /// Citizens (people of no protected role); the first `frequent` of them
    /// turn up in cases far more often than the rest.
    pub citizens: Vec<u32>,
    pub frequent: usize,
}

impl World {
    pub(super) fn emp_of(&self, login: u16) -> &Employee {
        &self.employees[self.logins[login as usize].emp as usize]
    }

    pub(super) fn emp_index(&self, login: u16) -> u16 {
        self.logins[login as usize].emp
    }

    /// Identifiers a personnel row holds.
    pub(super) fn personnel_mask(&self, e: u16) -> u8 {
        let emp = &self.employees[e as usize];
        let p = &self.pop.persons[emp.person as usize];
        let mut m = M_NAME | M_DOB | M_ADDR;
        if emp.pid_known {
            m |= M_PID;
        }
        if p.phone != 0 {
            m |= M_PHONE;
        }
        if p.plate != 0 {
            m |= M_PLATE;
        }
        m
    }

    /// Whether the employee may work on day `d` (joined, not yet gone).
    pub(super) fn on_staff(&self, e: u16, d: Day) -> bool {
        let emp = &self.employees[e as usize];
        !emp.gone && emp.joined.is_none_or(|j| d >= j) && emp.end.is_none_or(|x| d < x)
    }
}

fn unit_counts(n: usize) -> Vec<(Unit, usize)> {
    let command = ((n as f64 * 0.035).round() as usize).max(2);
    let mut out = vec![(Unit::Command, command)];
    let mut used = command;
    for (u, share) in [
        (Unit::Dispatch, 0.12),
        (Unit::Investigations, 0.10),
        (Unit::Traffic, 0.09),
        (Unit::Border, 0.11),
        (Unit::Records, 0.05),
    ] {
        let k = ((n as f64 * share).round() as usize).max(2);
        out.push((u, k));
        used += k;
    }
    out.push((Unit::Patrol, n.saturating_sub(used).max(4)));
    out
}

fn login_base(pop: &Population, person: u32) -> String {
    let p = &pop.persons[person as usize];
    let first = Population::first_name(p);
    let last = pop.surname(p);
    let mut s = String::new();
    if let Some(c) = fold_accents(first).chars().next() {
        s.push(c.to_ascii_lowercase());
    }
    s.extend(
        fold_accents(last)
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase()),
    );
    s
}

/// Builds the agency and the county for `users` employees over `days` days
/// from `start`.
pub(super) fn build(rng: &mut impl Rng, users: usize, start: Day, days: u32) -> World {
    let end = start + i64::from(days) - 1;
    let mut pop = Population::new(rng, start);

    // Employees, unit by unit; the first members of a unit are its sergeants.
    let mut employees: Vec<Employee> = Vec::new();
    for (unit, k) in unit_counts(users) {
        let sergeants = if unit == Unit::Command || k < 3 {
            0
        } else {
            (k / 9).max(1)
        };
        for i in 0..k {
            let idx = employees.len() as u16;
            let person = pop.add(
                rng,
                Spec {
                    role: Role::Employee(idx),
                    age: (22, 60),
                    last: None,
                    addr: None,
                    phone_p: 1.0,
                    plate_p: 0.85,
                },
            );
            let rank = match (unit, i) {
                (Unit::Command, 0) => Rank::Chief,
                (Unit::Command, _) => Rank::Lieutenant,
                (_, i) if i < sergeants => Rank::Sergeant,
                _ => Rank::Officer,
            };
            let night_p = match unit {
                Unit::Patrol | Unit::Border => 0.3,
                Unit::Dispatch => 0.35,
                Unit::Traffic => 0.15,
                _ => 0.0,
            };
            let site = match unit {
                Unit::Patrol | Unit::Traffic => [HQ, 1, 2, 3][weighted(rng, &[15, 30, 30, 25])],
                Unit::Dispatch => COMM,
                Unit::Border => PORT,
                _ => HQ,
            };
            let mut pace = rng.random_range(0.75..1.3);
            if rank == Rank::Sergeant {
                pace *= 0.5;
            }
            employees.push(Employee {
                emp_id: String::new(),
                person,
                unit,
                rank,
                supervisor: None,
                site,
                desk: 0,
                status: Status::Active,
                end: None,
                joined: None,
                gone: false,
                night: rng.random_bool(night_p),
                long_shifts: unit.rotation() && rng.random_bool(0.5),
                team: rng.random_range(0..7u8),
                pace,
                logins: Vec::new(),
                by_employee: false,
                training: None,
                pid_known: rng.random_bool(0.9),
            });
        }
    }
    let n = employees.len();

    // Employee ids: unique five-digit numbers in no particular order.
    let mut ids: Vec<u32> = (0..n as u32).map(|i| 10_000 + i * 7 + 3).collect();
    ids.shuffle(rng);
    for (e, id) in employees.iter_mut().zip(ids) {
        e.emp_id = format!("E{id:05}");
    }

    // Supervision: officers report to a sergeant of their unit (or a
    // lieutenant), sergeants to a lieutenant, lieutenants to the chief.
    let of_rank = |emps: &[Employee], r: Rank, u: Option<Unit>| -> Vec<u16> {
        (0..emps.len() as u16)
            .filter(|&i| {
                let e = &emps[i as usize];
                e.rank == r && u.is_none_or(|u| e.unit == u)
            })
            .collect()
    };
    let chief = of_rank(&employees, Rank::Chief, None);
    let lieutenants = of_rank(&employees, Rank::Lieutenant, None);
    for i in 0..n {
        let (rank, unit) = (employees[i].rank, employees[i].unit);
        let sup = match rank {
            Rank::Chief => None,
            Rank::Lieutenant => chief.first().copied(),
            Rank::Sergeant => crate::gen::world::pick(rng, &lieutenants)
                .or(chief.first())
                .copied(),
            Rank::Officer => {
                let sergeants = of_rank(&employees, Rank::Sergeant, Some(unit));
                crate::gen::world::pick(rng, &sergeants)
                    .or(crate::gen::world::pick(rng, &lieutenants))
                    .or(chief.first())
                    .copied()
            }
        };
        employees[i].supervisor = sup.filter(|&s| s as usize != i);
    }

    // Who left before the window, who leaves or goes on leave inside it, who
    // joins partway through, who spends a day at the academy.
    let mut eligible: Vec<u16> = (0..n as u16)
        .filter(|&i| employees[i as usize].rank == Rank::Officer)
        .collect();
    eligible.shuffle(rng);
    let mut take = |k: usize| -> Vec<u16> {
        let at = eligible.len().saturating_sub(k);
        eligible.split_off(at)
    };
    let share = |s: f64| ((n as f64 * s).round() as usize).max(1);
    for e in take(share(0.01)) {
        let emp = &mut employees[e as usize];
        emp.gone = true;
        emp.status = Status::Terminated;
        emp.end = Some(start - span(rng, 15, 200));
    }
    if days >= 6 {
        let lo = (f64::from(days) * 0.3) as i64;
        let hi = (f64::from(days) * 0.7) as i64;
        for (k, status) in [
            (share(0.012), Status::Terminated),
            (share(0.012), Status::Leave),
        ] {
            for e in take(k) {
                let emp = &mut employees[e as usize];
                emp.status = status;
                emp.end = Some(start + span(rng, lo.max(2), hi.max(3)));
            }
        }
        for e in take(share(0.03)) {
            employees[e as usize].joined = Some(start + span(rng, 2, (i64::from(days) / 2).max(3)));
        }
        for e in take(share(0.04)) {
            let emp = &mut employees[e as usize];
            if !emp.night
                && matches!(
                    emp.unit,
                    Unit::Patrol | Unit::Investigations | Unit::Traffic
                )
            {
                emp.training = Some(start + span(rng, 3, i64::from(days) - 2));
            }
        }
    }

    // Logins; a few people also have a second one (a patrol car's mobile
    // terminal, a dispatch console, a second system account). Their cases
    // are assigned by employee id.
    let mut logins: Vec<Login> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut unique = |base: String| -> String {
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}{k}");
            k += 1;
        }
        name
    };
    let second_k = share(0.07);
    let mut second: Vec<u16> = eligible.iter().copied().take(second_k).collect();
    second.sort_unstable();
    for (i, emp) in employees.iter_mut().enumerate() {
        let base = unique(login_base(&pop, emp.person));
        logins.push(Login {
            name: base.clone(),
            emp: i as u16,
        });
        emp.logins.push((logins.len() - 1) as u16);
        if second.binary_search(&(i as u16)).is_ok() {
            let suffix = match emp.unit {
                Unit::Patrol | Unit::Traffic => "mdt",
                Unit::Dispatch => "cad",
                Unit::Border => "poe",
                _ => "rms",
            };
            logins.push(Login {
                name: unique(format!("{base}.{suffix}")),
                emp: i as u16,
            });
            emp.logins.push((logins.len() - 1) as u16);
            emp.by_employee = true;
        }
    }

    // Workstations.
    let mut clients: Vec<Client> = Vec::new();
    let mut desks: Vec<Vec<u16>> = vec![Vec::new(); SITES.len()];
    let mut mdts: Vec<Vec<u16>> = vec![Vec::new(); SITES.len()];
    let staff_at = |s: u8, f: &dyn Fn(&Employee) -> bool| {
        employees.iter().filter(|e| e.site == s && f(e)).count()
    };
    for s in 0..SITES.len() as u8 {
        let k = (staff_at(s, &|_| true) / 2 + 1).max(2);
        for i in 0..k {
            clients.push(Client {
                name: format!("WS-{}-{:03}", SITES[s as usize].1, i + 1),
                site: Some(s),
                ip: format!("10.{}.{}.{}", 10 + s, i / 200, 20 + i % 200),
                kind: if s == ACADEMY {
                    ClientKind::Lab
                } else {
                    ClientKind::Desk
                },
            });
            desks[s as usize].push((clients.len() - 1) as u16);
        }
    }
    let mut mdt_no = 1000;
    for s in [HQ, 1, 2, 3] {
        let road = staff_at(s, &|e| matches!(e.unit, Unit::Patrol | Unit::Traffic));
        for i in 0..(road * 3 / 5 + 1).max(2) {
            mdt_no += 1;
            clients.push(Client {
                name: format!("MDT-{mdt_no}"),
                site: Some(s),
                ip: format!("172.{}.{}.{}", 20 + s, i / 200, 10 + i % 200),
                kind: ClientKind::Mdt,
            });
            mdts[s as usize].push((clients.len() - 1) as u16);
        }
    }
    let mut consoles = Vec::new();
    for i in 0..(staff_at(COMM, &|_| true) / 2 + 1).max(3) {
        clients.push(Client {
            name: format!("CAD-{:02}", i + 1),
            site: Some(COMM),
            ip: format!("10.40.{}.{}", i / 200, 10 + i % 200),
            kind: ClientKind::Console,
        });
        consoles.push((clients.len() - 1) as u16);
    }
    let mut booths = Vec::new();
    for i in 0..(staff_at(PORT, &|_| true) / 2 + 1).max(3) {
        clients.push(Client {
            name: format!("POE-LANE-{:02}", i + 1),
            site: Some(PORT),
            ip: format!("10.50.{}.{}", i / 200, 10 + i % 200),
            kind: ClientKind::Booth,
        });
        booths.push((clients.len() - 1) as u16);
    }
    let labs = desks[ACADEMY as usize].clone();
    let mut vpn = Vec::new();
    for i in 0..12u32 {
        clients.push(Client {
            name: format!("VPN-{:04X}", 0x1A00 + i * 37),
            site: None,
            ip: format!("100.64.{}.{}", 10 + i, 100 + i * 3),
            kind: ClientKind::Vpn,
        });
        vpn.push((clients.len() - 1) as u16);
    }
    for e in &mut employees {
        let pool = &desks[e.site as usize];
        e.desk = pool[rng.random_range(0..pool.len())];
    }

    // The people each employee is connected to.
    let mut assocs: Vec<Assoc> = Vec::new();
    for e in 0..n as u16 {
        let (emp_addr, emp_last) = {
            let p = &pop.persons[employees[e as usize].person as usize];
            (p.addr, p.last)
        };
        let mut partnered = false;
        for _ in 0..weighted(rng, &[10, 25, 30, 20, 15]) {
            let mut relation = RELATIONS[weighted(rng, &RELATION_WEIGHTS)];
            if matches!(relation, "spouse" | "partner") {
                if partnered {
                    relation = "family";
                }
                partnered = true;
            }
            let idx = assocs.len() as u32;
            let shares_home =
                relation == "spouse" || (relation == "partner" && rng.random_bool(0.5));
            let (age, last, addr): ((i64, i64), Option<u16>, Option<Addr>) = match relation {
                "spouse" | "partner" => (
                    (24, 62),
                    rng.random_bool(0.6).then_some(emp_last),
                    shares_home.then_some(emp_addr),
                ),
                "family" => ((5, 85), rng.random_bool(0.7).then_some(emp_last), None),
                "neighbor" => ((20, 85), None, Some(pop.near(rng, &emp_addr))),
                _ => ((20, 70), None, None),
            };
            let person = pop.add(
                rng,
                Spec {
                    role: Role::Associate(idx),
                    age,
                    last,
                    addr,
                    phone_p: 0.85,
                    plate_p: 0.6,
                },
            );
            let p = &pop.persons[person as usize];
            let mut mask = M_NAME;
            let mut maybe = |bit: u8, prob: f64, has: bool| {
                if has && rng.random_bool(prob) {
                    mask |= bit;
                }
            };
            let (dob_p, addr_p, phone_p, plate_p, pid_p) = match relation {
                "spouse" | "partner" => (1.0, 0.0, 0.7, 0.5, 0.3),
                "family" => (0.85, 0.6, 0.6, 0.3, 0.3),
                "ex_partner" => (0.9, 0.7, 0.7, 0.5, 0.3),
                "neighbor" => (0.5, 1.0, 0.3, 0.2, 0.1),
                "protected_party" => (1.0, 0.5, 0.4, 0.3, 0.5),
                _ => (1.0, 0.2, 0.5, 0.3, 0.2),
            };
            // A partner who shares the employee's home is never listed with
            // that address: the row would describe the employee's own home.
            let addr_p = if addr == Some(emp_addr) { 0.0 } else { addr_p };
            maybe(M_DOB, dob_p, true);
            maybe(M_ADDR, addr_p, true);
            maybe(M_PHONE, phone_p, p.phone != 0);
            maybe(M_PLATE, plate_p, p.plate != 0);
            maybe(M_PID, pid_p, true);
            let days_i = i64::from(days);
            let (valid_from, valid_to) = match relation {
                "ex_partner" => (
                    rng.random_bool(0.7).then(|| start - span(rng, 30, 3000)),
                    None,
                ),
                "spouse" | "partner" => (
                    rng.random_bool(0.6).then(|| start - span(rng, 200, 9000)),
                    None,
                ),
                "neighbor" => (
                    None,
                    rng.random_bool(0.2).then(|| start - span(rng, 30, 400)),
                ),
                "protected_party" => (
                    Some(start - span(rng, 10, 700)),
                    rng.random_bool(0.25)
                        .then(|| start + span(rng, days_i / 3, days_i + 200)),
                ),
                _ => (None, None),
            };
            assocs.push(Assoc {
                emp: e,
                relation,
                person,
                valid_from,
                valid_to,
                source: SOURCES[rng.random_range(0..SOURCES.len())],
                mask,
            });
        }
    }

    // The watchlist.
    let mut watch = Vec::new();
    for i in 0..(users / 5).max(12) {
        let person = pop.add(
            rng,
            Spec {
                role: Role::Watch(i as u16),
                age: (25, 80),
                last: None,
                addr: None,
                phone_p: 0.5,
                plate_p: 0.5,
            },
        );
        let mut mask = M_NAME;
        if rng.random_bool(0.8) {
            mask |= M_DOB;
        }
        if rng.random_bool(0.65) {
            mask |= M_PID;
        }
        watch.push(Watch {
            person,
            // Two of each category first, then as they come.
            category: CATEGORIES
                .get(i / 2)
                .copied()
                .unwrap_or_else(|| CATEGORIES[weighted(rng, &CATEGORY_WEIGHTS)]),
            mask,
        });
    }

    // Citizens, in households.
    let total = (users * 125).max(4000);
    let mut citizens = Vec::new();
    let mut prev: Option<u32> = None;
    while pop.persons.len() < total {
        let (last, addr) = match prev {
            Some(p) if rng.random_bool(0.45) => {
                let q = &pop.persons[p as usize];
                (rng.random_bool(0.6).then_some(q.last), Some(q.addr))
            }
            _ => (None, None),
        };
        let p = pop.add(
            rng,
            Spec {
                role: Role::Citizen,
                age: (16, 88),
                last,
                addr,
                phone_p: 0.8,
                plate_p: 0.6,
            },
        );
        citizens.push(p);
        prev = Some(p);
    }
    citizens.shuffle(rng);
    let frequent = citizens.len() * 12 / 100;

    World {
        start,
        end,
        days,
        pop,
        employees,
        logins,
        clients,
        desks,
        mdts,
        consoles,
        booths,
        labs,
        vpn,
        assocs,
        watch,
        citizens,
        frequent,
    }
}
