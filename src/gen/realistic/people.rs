//! The county's people: invented names, addresses, phones and plates, the
//! canonical form the records system writes them in, and the uniqueness
//! rules that keep "who was looked up" unambiguous.
//!
//! Protected people (employees, the people they are connected to, the
//! watchlist) are drawn first and each gets a full name, a date of birth and
//! a building nobody else in the world has; citizens and strangers drawn
//! later are re-drawn when they would collide, so a lookup of a citizen can
//! never also be read as a lookup of a protected person. Phones and plates
//! are unique. Phones are `NXX-555-01xx`, street and city names are
//! generic or invented: no real person is described.

use super::clock::Day;
use super::Mix;
use crate::gen::names::{fold_accents, name_key, FIRST_NAMES, STREET_ENDS, STREET_STEMS, SURNAMES};
use crate::gen::world::weighted;
use rand::Rng;
use std::collections::HashSet;

/// Which identifiers a reference row holds (a bit mask).
pub(super) const M_PID: u8 = 1;
pub(super) const M_NAME: u8 = 2;
pub(super) const M_DOB: u8 = 4;
pub(super) const M_PLATE: u8 = 8;
pub(super) const M_PHONE: u8 = 16;
pub(super) const M_ADDR: u8 = 32;

/// Invented cities of the county.
pub(super) const CITIES: [&str; 6] = [
    "RIVERBEND",
    "EASTBROOK",
    "CAPITAL CITY",
    "WESTMERE",
    "LAKEHOLLOW",
    "ASHFORD JUNCTION",
];
const CITY_WEIGHTS: [u32; 6] = [34, 20, 22, 10, 9, 5];

/// Street types: as the records system abbreviates them, as people say them.
pub(super) const STREET_KINDS: [(&str, &str); 10] = [
    ("ST", "Street"),
    ("AVE", "Avenue"),
    ("RD", "Road"),
    ("DR", "Drive"),
    ("LN", "Lane"),
    ("CT", "Court"),
    ("BLVD", "Boulevard"),
    ("PL", "Place"),
    ("WAY", "Way"),
    ("CIR", "Circle"),
];
const STREET_KIND_WEIGHTS: [u32; 10] = [30, 25, 10, 10, 6, 6, 4, 4, 3, 2];

/// Directional prefixes: abbreviated, spelled out.
pub(super) const DIRECTIONS: [(&str, &str); 4] =
    [("N", "North"), ("S", "South"), ("E", "East"), ("W", "West")];

/// Generic street names (common to many towns); with invented cities and
/// numbers they describe no real address.
const GENERIC_STREETS: &[&str] = &[
    "Gold", "Juniper", "Park", "Kipling", "Maple", "Cedar", "Aspen", "Willow", "Spruce", "Birch",
    "Pine", "Elm", "Oak", "Lake", "Hill", "Ridge", "Meadow", "Canyon", "Mesa", "Prairie",
    "Granite", "Quartz", "Silver", "Copper", "Garnet", "Harbor", "Orchard", "Sunset", "Mill",
    "Church", "Market", "Depot", "Fox", "Hawk", "Sage",
];

/// Pieces of invented surnames ("Walmore", "Brimsley"), which widen the
/// name space beyond the common list so protected people can have names of
/// their own.
const SURNAME_HEADS: &[&str] = &[
    "Wal", "Ash", "Brim", "Cal", "Dor", "Fen", "Gar", "Hal", "Kel", "Lan", "Mar", "Nor", "Pem",
    "Quen", "Rad", "Sel", "Tam", "Vor", "Wes", "Yel", "Bran", "Cor", "Dun", "Elm", "Fair", "Gil",
    "Hart", "Ives", "Kirk", "Lom",
];
const SURNAME_TAILS: &[&str] = &[
    "more", "by", "wick", "ton", "ley", "ford", "stead", "brook", "worth", "ridge", "dale",
    "field", "ham", "sley", "mont", "ard",
];
/// Share of people with an invented rather than a common surname.
const INVENTED_SURNAME_SHARE: f64 = 0.38;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Citizen,
    Employee(u16),
    Associate(u32),
    Watch(u16),
}

/// An address: building (number, direction, street, city) and unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Addr {
    pub number: u16,
    pub street: u16,
    /// 0 none, 1..=4 an index into [`DIRECTIONS`] plus one.
    pub dir: u8,
    /// 0 none.
    pub unit: u16,
    pub city: u8,
}

impl Addr {
    /// The building (the address without its unit).
    pub(super) fn building(&self) -> u64 {
        ((u64::from(self.city) * 8192 + u64::from(self.street)) * 8 + u64::from(self.dir)) * 16_384
            + u64::from(self.number)
    }
}

#[derive(Clone, Debug)]
pub(super) struct Person {
    pub last: u16,
    pub first: u16,
    pub dob: Day,
    pub addr: Addr,
    /// 0 when the person has none.
    pub phone: u32,
    /// 0 when the person has none.
    pub plate: u32,
    pub role: Role,
    /// Whether the records system wrote the city after the street.
    pub city_on_record: bool,
}

impl Person {
    /// The identifiers this person has, as a case-subject row lists them.
    pub(super) fn mask(&self) -> u8 {
        let mut m = M_PID | M_NAME | M_DOB | M_ADDR;
        if self.phone != 0 {
            m |= M_PHONE;
        }
        if self.plate != 0 {
            m |= M_PLATE;
        }
        m
    }
}

pub(super) struct Street {
    /// As people write it: "Kipling", "64th", "Quillbrook".
    pub name: String,
    pub kind: u8,
    /// Whether addresses on it carry a directional prefix.
    pub dirs: bool,
}

/// What to draw for a new person.
pub(super) struct Spec {
    pub role: Role,
    /// Age range in years on the first day of the window.
    pub age: (i64, i64),
    pub last: Option<u16>,
    pub addr: Option<Addr>,
    pub phone_p: f64,
    pub plate_p: f64,
}

pub(super) struct Population {
    pub persons: Vec<Person>,
    pub surnames: Vec<String>,
    surname_cdf: Vec<f64>,
    first_cdf: Vec<f64>,
    pub streets: Vec<Street>,
    sens_names: HashSet<u32>,
    sens_dobs: HashSet<Day>,
    sens_buildings: HashSet<u64>,
    phones: HashSet<u32>,
    plates: HashSet<u32>,
    name_dobs: HashSet<(u32, Day)>,
    salt: u64,
    today: Day,
    citizens_started: bool,
}

fn cdf(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut v: Vec<f64> = weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    for x in &mut v {
        *x /= acc.max(f64::MIN_POSITIVE);
    }
    v
}

fn sample(rng: &mut impl Rng, cdf: &[f64]) -> usize {
    let x: f64 = rng.random();
    cdf.partition_point(|&c| c < x)
        .min(cdf.len().saturating_sub(1))
}

fn name_pair(last: u16, first: u16) -> u32 {
    (u32::from(last) << 16) | u32::from(first)
}

impl Population {
    pub(super) fn new(rng: &mut impl Rng, today: Day) -> Population {
        let mut surnames: Vec<String> = SURNAMES.iter().map(|s| s.to_string()).collect();
        let mut keys: HashSet<String> = surnames.iter().map(|s| name_key(s)).collect();
        let common = surnames.len();
        for h in SURNAME_HEADS {
            for t in SURNAME_TAILS {
                let s = format!("{h}{t}");
                if keys.insert(name_key(&s)) {
                    surnames.push(s);
                }
            }
        }
        let invented = (surnames.len() - common).max(1) as f64;
        let head: f64 = (0..common).map(|i| 1.0 / (i as f64 + 6.0)).sum();
        let surname_cdf = cdf((0..surnames.len()).map(|i| {
            if i < common {
                (1.0 - INVENTED_SURNAME_SHARE) / (i as f64 + 6.0) / head
            } else {
                INVENTED_SURNAME_SHARE / invented
            }
        }));
        let first_cdf = cdf(FIRST_NAMES.iter().map(|f| f64::from(f.1)));
        let mut streets = Vec::new();
        for g in GENERIC_STREETS {
            streets.push(Street {
                name: (*g).to_string(),
                kind: weighted(rng, &STREET_KIND_WEIGHTS) as u8,
                dirs: rng.random_bool(0.35),
            });
        }
        for n in 1..=80u32 {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            streets.push(Street {
                name: format!("{n}{suffix}"),
                kind: if rng.random_bool(0.6) { 1 } else { 0 },
                dirs: rng.random_bool(0.5),
            });
        }
        for stem in STREET_STEMS {
            for end in STREET_ENDS.iter().take(7) {
                streets.push(Street {
                    name: format!("{stem}{end}"),
                    kind: weighted(rng, &STREET_KIND_WEIGHTS) as u8,
                    dirs: rng.random_bool(0.15),
                });
            }
        }
        Population {
            persons: Vec::new(),
            surnames,
            surname_cdf,
            first_cdf,
            streets,
            sens_names: HashSet::new(),
            sens_dobs: HashSet::new(),
            sens_buildings: HashSet::new(),
            phones: HashSet::new(),
            plates: HashSet::new(),
            name_dobs: HashSet::new(),
            salt: rng.random(),
            today,
            citizens_started: false,
        }
    }

    pub(super) fn draw_surname(&self, rng: &mut impl Rng) -> u16 {
        sample(rng, &self.surname_cdf) as u16
    }

    fn draw_first(&self, rng: &mut impl Rng) -> u16 {
        sample(rng, &self.first_cdf) as u16
    }

    fn draw_dob(&self, rng: &mut impl Rng, age: (i64, i64)) -> Day {
        let years = rng.random_range(age.0..=age.1.max(age.0));
        self.today - years * 365 - years / 4 - rng.random_range(0..365)
    }

    pub(super) fn draw_addr(&self, rng: &mut impl Rng) -> Addr {
        let street = rng.random_range(0..self.streets.len()) as u16;
        let dir = if self.streets[street as usize].dirs {
            rng.random_range(1..=4u8)
        } else {
            0
        };
        Addr {
            number: rng.random_range(100..9990u16),
            street,
            dir,
            unit: if rng.random_bool(0.3) {
                rng.random_range(1..=48u16)
            } else {
                0
            },
            city: weighted(rng, &CITY_WEIGHTS) as u8,
        }
    }

    fn draw_phone(&mut self, rng: &mut impl Rng) -> u32 {
        for _ in 0..24 {
            let v = rng.random_range(201..=989u32) * 100 + rng.random_range(0..100u32);
            if self.phones.insert(v) {
                return v;
            }
        }
        0
    }

    fn random_plate(rng: &mut impl Rng) -> u32 {
        if rng.random_bool(0.7) {
            rng.random_range(0..17_576u32) * 10_000 + rng.random_range(1..10_000u32)
        } else {
            200_000_000
                + rng.random_range(1..10u32) * 17_576_000
                + rng.random_range(0..17_576u32) * 1000
                + rng.random_range(0..1000u32)
        }
    }

    fn draw_plate(&mut self, rng: &mut impl Rng) -> u32 {
        for _ in 0..24 {
            let v = Self::random_plate(rng);
            if self.plates.insert(v) {
                return v;
            }
        }
        0
    }

    /// Adds a person. Protected people (any role but citizen) must all be
    /// added before the first citizen.
    pub(super) fn add(&mut self, rng: &mut impl Rng, spec: Spec) -> u32 {
        let protected = spec.role != Role::Citizen;
        if !protected {
            self.citizens_started = true;
        }
        debug_assert!(!(protected && self.citizens_started));
        let mut last = spec.last.unwrap_or_else(|| self.draw_surname(rng));
        let mut first = self.draw_first(rng);
        for attempt in 0..400 {
            if !self.sens_names.contains(&name_pair(last, first)) {
                break;
            }
            if spec.last.is_none() && attempt % 4 == 3 {
                last = self.draw_surname(rng);
            }
            first = self.draw_first(rng);
        }
        let mut dob = self.draw_dob(rng, spec.age);
        while self.sens_dobs.contains(&dob) {
            dob = self.draw_dob(rng, spec.age);
        }
        let addr = match spec.addr {
            Some(a) => a,
            None => {
                let mut a = self.draw_addr(rng);
                while self.sens_buildings.contains(&a.building()) {
                    a = self.draw_addr(rng);
                }
                a
            }
        };
        if protected {
            self.sens_names.insert(name_pair(last, first));
            self.sens_dobs.insert(dob);
            self.sens_buildings.insert(addr.building());
        }
        self.name_dobs.insert((name_pair(last, first), dob));
        let phone = if rng.random_bool(spec.phone_p) {
            self.draw_phone(rng)
        } else {
            0
        };
        let plate = if rng.random_bool(spec.plate_p) {
            self.draw_plate(rng)
        } else {
            0
        };
        self.persons.push(Person {
            last,
            first,
            dob,
            addr,
            phone,
            plate,
            role: spec.role,
            city_on_record: rng.random_bool(0.8),
        });
        (self.persons.len() - 1) as u32
    }

    /// A building near `a` on the same street that no protected person
    /// lives in yet (a neighbour's house).
    pub(super) fn near(&self, rng: &mut impl Rng, a: &Addr) -> Addr {
        for _ in 0..50 {
            let step = rng.random_range(1..=20u16) * 2;
            let number = if rng.random_bool(0.5) {
                a.number.saturating_add(step).min(9998)
            } else {
                a.number.saturating_sub(step).max(100)
            };
            let b = Addr {
                number,
                unit: 0,
                ..*a
            };
            if !self.sens_buildings.contains(&b.building()) {
                return b;
            }
        }
        let mut b = self.draw_addr(rng);
        while self.sens_buildings.contains(&b.building()) {
            b = self.draw_addr(rng);
        }
        b
    }

    /// Someone in no table at all (a traveller, a driver from elsewhere):
    /// the same `n` always gives the same person, who shares no protected
    /// name or date of birth, no known plate and no name-and-birthday with
    /// anyone in the world.
    pub(super) fn stranger(&self, n: u32) -> Person {
        let mut rng = Mix::new(self.salt ^ u64::from(n).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let mut p = Person {
            last: 0,
            first: 0,
            dob: 0,
            addr: self.draw_addr(&mut rng),
            phone: 0,
            plate: 0,
            role: Role::Citizen,
            city_on_record: false,
        };
        for _ in 0..200 {
            p.last = self.draw_surname(&mut rng);
            p.first = self.draw_first(&mut rng);
            p.dob = self.draw_dob(&mut rng, (17, 80));
            let pair = name_pair(p.last, p.first);
            if !self.sens_names.contains(&pair)
                && !self.sens_dobs.contains(&p.dob)
                && !self.name_dobs.contains(&(pair, p.dob))
            {
                break;
            }
        }
        for _ in 0..200 {
            p.plate = Self::random_plate(&mut rng);
            if !self.plates.contains(&p.plate) {
                break;
            }
        }
        p
    }

    pub(super) fn surname(&self, p: &Person) -> &str {
        self.surnames
            .get(p.last as usize)
            .map_or("Smith", |s| s.as_str())
    }

    pub(super) fn first_name(p: &Person) -> &'static str {
        FIRST_NAMES.get(p.first as usize).map_or("John", |f| f.0)
    }

    /// Street part as the records system writes it: `489 S KIPLING ST`.
    pub(super) fn street_record(&self, a: &Addr) -> String {
        let st = &self.streets[a.street as usize];
        let kind = STREET_KINDS[st.kind as usize].0;
        let name = st.name.to_uppercase();
        if a.dir > 0 {
            let d = DIRECTIONS[(a.dir - 1) as usize].0;
            format!("{} {d} {name} {kind}", a.number)
        } else {
            format!("{} {name} {kind}", a.number)
        }
    }

    /// The whole address as records hold it: `6793 GOLD AVE APT 16, RIVERBEND`.
    pub(super) fn address_record(&self, a: &Addr, with_city: bool) -> String {
        let mut s = self.street_record(a);
        if a.unit > 0 {
            s.push_str(&format!(" APT {}", a.unit));
        }
        if with_city {
            s.push_str(", ");
            s.push_str(CITIES[a.city as usize]);
        }
        s
    }
}

/// Person id as the queried systems know it.
pub(super) fn pid(p: u32) -> String {
    format!("P{:08}", u64::from(p) + 1_040_000)
}

/// Surname as the records system writes it: upper case, accents folded.
pub(super) fn upper_folded(s: &str) -> String {
    fold_accents(s).to_uppercase()
}

/// Phone as records hold it: `720-555-0142`.
pub(super) fn phone_record(v: u32) -> String {
    format!("{}-555-01{:02}", v / 100, v % 100)
}

fn letters(i: u32) -> String {
    let a = (b'A' + (i / 676 % 26) as u8) as char;
    let b = (b'A' + (i / 26 % 26) as u8) as char;
    let c = (b'A' + (i % 26) as u8) as char;
    format!("{a}{b}{c}")
}

/// Plate as records hold it: `ABC1234` or `7ABC123`.
pub(super) fn plate_record(v: u32) -> String {
    if v >= 200_000_000 {
        let x = v - 200_000_000;
        let d = x / 17_576_000;
        let rest = x % 17_576_000;
        format!("{d}{}{:03}", letters(rest / 1000), rest % 1000)
    } else {
        format!("{}{:04}", letters(v / 10_000), v % 10_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn records_are_written_the_way_records_systems_write_them() {
        assert_eq!(phone_record(72_042), "720-555-0142");
        assert_eq!(plate_record(10_042), "AAB0042");
        assert_eq!(
            plate_record(200_000_000 + 7 * 17_576_000 + 2 * 1000 + 5),
            "7AAC005"
        );
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut pop = Population::new(&mut rng, 739_000);
        pop.streets[0].kind = 1;
        let a = Addr {
            number: 6793,
            street: 0,
            dir: 0,
            unit: 16,
            city: 0,
        };
        assert_eq!(
            pop.address_record(&a, true),
            "6793 GOLD AVE APT 16, RIVERBEND"
        );
        assert_eq!(pop.address_record(&a, false), "6793 GOLD AVE APT 16");
    }

    #[test]
    fn citizens_never_share_a_protected_name_dob_or_building() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
        let mut pop = Population::new(&mut rng, 739_000);
        let spec = |role| Spec {
            role,
            age: (20, 60),
            last: None,
            addr: None,
            phone_p: 1.0,
            plate_p: 1.0,
        };
        for i in 0..300 {
            pop.add(&mut rng, spec(Role::Employee(i)));
        }
        for _ in 0..5000 {
            pop.add(&mut rng, spec(Role::Citizen));
        }
        let (prot, cit) = pop.persons.split_at(300);
        let names: HashSet<u32> = prot.iter().map(|p| name_pair(p.last, p.first)).collect();
        let dobs: HashSet<Day> = prot.iter().map(|p| p.dob).collect();
        let bldg: HashSet<u64> = prot.iter().map(|p| p.addr.building()).collect();
        assert_eq!(names.len(), 300);
        for c in cit {
            assert!(!names.contains(&name_pair(c.last, c.first)));
            assert!(!dobs.contains(&c.dob));
            assert!(!bldg.contains(&c.addr.building()));
        }
        for n in 0..200 {
            let s = pop.stranger(n);
            assert_eq!(s.last, pop.stranger(n).last);
            assert!(!names.contains(&name_pair(s.last, s.first)));
            assert!(!pop.plates.contains(&s.plate));
        }
    }
}
