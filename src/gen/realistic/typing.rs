//! What people type. A query names its subject the way a person says it,
//! not the way the records system stores it: `489 South Kipling Street` for
//! `489 S KIPLING ST, EASTBROOK`, `Bill Walmore` for `WALMORE, WILLIAM`,
//! `walmore` alone, `03/14/1985`, `abc-1234`, `(720) 555-0142`, and case
//! numbers as `c-2024-001234`, `2024-001234` or `C2024001234`.
//!
//! A query's *form* fixes which identifiers it carries and how strong its
//! name is; the noise within the form is drawn at write time from the
//! event's seed. The form is what the ground truth reads: a nickname or a
//! typo only ever comes with a date of birth, so noise never changes who a
//! query identifies.

use super::clock::{fmt_day, fmt_day_us, Day};
use super::people::{
    pid, plate_record, upper_folded, Addr, Person, Population, CITIES, DIRECTIONS, M_ADDR, M_DOB,
    M_NAME, M_PHONE, M_PID, M_PLATE, STREET_KINDS,
};
use super::Mix;
use crate::gen::names::{fold_accents, title_case, NICKNAMES};
use crate::gen::world::weighted;
use rand::Rng;

/// Identifier bits of a form.
pub(super) const T_PID: u8 = 1;
pub(super) const T_DOB: u8 = 2;
pub(super) const T_PLATE: u8 = 4;
pub(super) const T_PHONE: u8 = 8;
pub(super) const T_ADDR: u8 = 16;

/// Name styles (the top three bits of a form).
pub(super) const N_NONE: u8 = 0;
/// Last and first name as recorded (case, order, accents vary).
pub(super) const N_EXACT: u8 = 1;
/// A nickname or a one-letter slip; only ever with a date of birth.
pub(super) const N_NOISY: u8 = 2;
/// First initial and last name.
pub(super) const N_INITIAL: u8 = 3;
/// Last name alone.
pub(super) const N_SURNAME: u8 = 4;

pub(super) const fn form(name: u8, bits: u8) -> u8 {
    (name << 5) | (bits & 0x1f)
}

pub(super) fn name_style(f: u8) -> u8 {
    f >> 5
}

/// Identity kinds in the contract's order of strength.
pub(super) const K_PID: u32 = 0;
pub(super) const K_NAME_DOB: u32 = 1;
pub(super) const K_PLATE: u32 = 2;
pub(super) const K_PHONE: u32 = 3;
pub(super) const K_ADDR: u32 = 4;
pub(super) const K_NAME_ONLY: u32 = 5;

/// How a query of form `f` identifies someone whose reference row holds the
/// identifiers in `mask`: the strongest identifier both have, or `None`
/// when it cannot single them out (an initial or a surname alone, a nickname
/// without a date of birth the row knows). A first initial with the surname and
/// the date of birth does: it is how records systems and the state switch are
/// searched (`QW.NAM/SMITH,J.DOB/...`), and a world written apart from this one
/// labels a cover case left out of such a search as `subject_not_in_case`.
pub(super) fn ident_kind(f: u8, mask: u8) -> Option<u32> {
    let style = name_style(f);
    let named = mask & M_NAME != 0;
    let full = named && (style == N_EXACT || style == N_NOISY || style == N_INITIAL);
    if f & T_PID != 0 && mask & M_PID != 0 {
        Some(K_PID)
    } else if full && f & T_DOB != 0 && mask & M_DOB != 0 {
        Some(K_NAME_DOB)
    } else if f & T_PLATE != 0 && mask & M_PLATE != 0 {
        Some(K_PLATE)
    } else if f & T_PHONE != 0 && mask & M_PHONE != 0 {
        Some(K_PHONE)
    } else if f & T_ADDR != 0 && mask & M_ADDR != 0 {
        Some(K_ADDR)
    } else if named && style == N_EXACT {
        Some(K_NAME_ONLY)
    } else {
        None
    }
}

/// A subject as typed.
#[derive(Clone, Debug, Default)]
pub(super) struct Typed {
    pub pid: Option<String>,
    pub last: Option<String>,
    pub first: Option<String>,
    pub name: Option<String>,
    pub dob: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub plate: Option<String>,
}

fn case_style(rng: &mut Mix, s: &str) -> String {
    match weighted(rng, &[45, 30, 15, 10]) {
        0 => s.to_uppercase(),
        1 => title_case(&s.to_lowercase()),
        2 => s.to_lowercase(),
        _ => s.to_string(),
    }
}

/// One-letter slip (substitution, swap or dropped letter) that really
/// changes the name.
fn typo(rng: &mut Mix, s: &str) -> String {
    let base: Vec<char> = fold_accents(s).chars().collect();
    let letters: Vec<usize> = (0..base.len())
        .filter(|&i| base[i].is_ascii_alphabetic())
        .collect();
    if letters.len() < 3 {
        return format!("{}{}", fold_accents(s), 'h');
    }
    for _ in 0..12 {
        let mut v = base.clone();
        let i = letters[rng.random_range(0..letters.len())];
        match weighted(rng, &[40, 30, 30]) {
            0 => {
                let c = char::from(b'a' + rng.random_range(0..26u8));
                v[i] = if base[i].is_ascii_uppercase() {
                    c.to_ascii_uppercase()
                } else {
                    c
                };
            }
            1 if i + 1 < v.len() && v[i + 1].is_ascii_alphabetic() => {
                let (a, b) = (v[i], v[i + 1]);
                v[i] = if a.is_ascii_uppercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
                v[i + 1] = if b.is_ascii_uppercase() {
                    a.to_ascii_uppercase()
                } else {
                    a.to_ascii_lowercase()
                };
            }
            _ => {
                v.remove(i);
            }
        }
        let out: String = v.into_iter().collect();
        if !out.eq_ignore_ascii_case(&fold_accents(s)) {
            return out;
        }
    }
    format!("{}{}", fold_accents(s), 'h')
}

fn nickname(rng: &mut Mix, first: &str) -> Option<&'static str> {
    let nicks = NICKNAMES.iter().find(|(f, _)| *f == first)?.1;
    nicks.get(rng.random_range(0..nicks.len())).copied()
}

/// A date of birth as typed: mostly ISO, sometimes `03/14/1985`.
pub(super) fn dob_typed(rng: &mut Mix, d: Day) -> String {
    if rng.random_bool(0.12) {
        fmt_day_us(d)
    } else {
        fmt_day(d)
    }
}

/// Address as said: `489 South Kipling Street`, `6793 Gold Ave. #16`,
/// `3731 juniper st apt 15`, with or without the city.
pub(super) fn address_typed(
    rng: &mut Mix,
    pop: &Population,
    a: &Addr,
    city_on_record: bool,
) -> String {
    let st = &pop.streets[a.street as usize];
    let mut s = a.number.to_string();
    if a.dir > 0 {
        let (ab, long) = DIRECTIONS[(a.dir - 1) as usize];
        s.push(' ');
        match weighted(rng, &[40, 45, 15]) {
            0 => s.push_str(long),
            1 => s.push_str(ab),
            _ => {
                s.push_str(ab);
                s.push('.');
            }
        }
    }
    s.push(' ');
    s.push_str(&st.name);
    let (abbr, long) = STREET_KINDS[st.kind as usize];
    s.push(' ');
    match weighted(rng, &[40, 40, 20]) {
        0 => s.push_str(long),
        1 => s.push_str(&title_case(&abbr.to_lowercase())),
        _ => {
            s.push_str(&title_case(&abbr.to_lowercase()));
            s.push('.');
        }
    }
    if a.unit > 0 {
        let n = a.unit;
        let unit = match weighted(rng, &[30, 25, 10, 10, 10, 5, 10]) {
            0 => format!(" Apt {n}"),
            1 => format!(" #{n}"),
            2 => format!(" APT {n}"),
            3 => format!(" Unit {n}"),
            4 => format!(" Apt. {n}"),
            5 => format!(", Apt {n}"),
            _ => String::new(),
        };
        s.push_str(&unit);
    }
    // The city is said when it is not recorded and left out when it is,
    // about as often as the other way round.
    if rng.random_bool(if city_on_record { 0.3 } else { 0.25 }) {
        s.push_str(", ");
        s.push_str(&title_case(&CITIES[a.city as usize].to_lowercase()));
    }
    match weighted(rng, &[50, 30, 20]) {
        0 => s,
        1 => s.to_uppercase(),
        _ => s.to_lowercase(),
    }
}

/// Phone as typed: `(720) 555-0142`, `720.555.0142`, `7205550142`, ...
pub(super) fn phone_typed(rng: &mut Mix, v: u32) -> String {
    let (a, x) = (v / 100, v % 100);
    match weighted(rng, &[25, 20, 15, 15, 10, 10, 5]) {
        0 => format!("({a}) 555-01{x:02}"),
        1 => format!("{a}-555-01{x:02}"),
        2 => format!("{a}.555.01{x:02}"),
        3 => format!("{a}55501{x:02}"),
        4 => format!("+1 {a} 555 01{x:02}"),
        5 => format!("{a} 555 01{x:02}"),
        _ => format!("1-{a}-555-01{x:02}"),
    }
}

/// Plate as typed: `ABC1234`, `ABC 1234`, `abc-1234`, `7 ABC 123`.
pub(super) fn plate_typed(rng: &mut Mix, v: u32) -> String {
    let p = plate_record(v);
    match weighted(rng, &[40, 20, 25, 15]) {
        0 => p,
        1 => p.to_lowercase(),
        _ => {
            let sep = if rng.random_bool(0.5) { ' ' } else { '-' };
            let lower = rng.random_bool(0.3);
            let mut out = String::with_capacity(p.len() + 2);
            let mut prev: Option<bool> = None;
            for c in p.chars() {
                let digit = c.is_ascii_digit();
                if prev.is_some_and(|d| d != digit) {
                    out.push(sep);
                }
                prev = Some(digit);
                out.push(if lower { c.to_ascii_lowercase() } else { c });
            }
            out
        }
    }
}

/// Renders what a query of form `f` carries about `p` (`index`: the
/// person's index, for the person id; `None` for a stranger).
pub(super) fn render(
    rng: &mut Mix,
    pop: &Population,
    p: &Person,
    index: Option<u32>,
    f: u8,
) -> Typed {
    let mut t = Typed::default();
    if f & T_PID != 0 {
        if let Some(i) = index {
            let id = pid(i);
            t.pid = Some(if rng.random_bool(0.15) {
                id.to_lowercase()
            } else {
                id
            });
        }
    }
    let last_rec = pop.surname(p);
    let first_rec = Population::first_name(p);
    let keep_accents = rng.random_bool(0.4);
    let plain = |s: &str| {
        if keep_accents {
            s.to_string()
        } else {
            fold_accents(s)
        }
    };
    let (mut last, mut first) = (plain(last_rec), plain(first_rec));
    let style = name_style(f);
    if style == N_NOISY {
        match nickname(rng, first_rec) {
            Some(n) if rng.random_bool(0.6) => first = n.to_string(),
            _ => {
                if rng.random_bool(0.6) {
                    last = typo(rng, &last);
                } else {
                    first = typo(rng, &first);
                }
            }
        }
    }
    if style == N_INITIAL {
        let c = first.chars().next().unwrap_or('J');
        first = if rng.random_bool(0.4) {
            format!("{c}.")
        } else {
            c.to_string()
        };
    }
    match style {
        N_NONE => {}
        N_SURNAME => {
            let l = case_style(rng, &last);
            if rng.random_bool(0.6) {
                t.last = Some(l);
            } else {
                t.name = Some(l);
            }
        }
        _ => {
            let (l, fi) = (case_style(rng, &last), case_style(rng, &first));
            if rng.random_bool(0.55) {
                t.last = Some(l);
                t.first = Some(fi);
            } else {
                t.name = Some(match weighted(rng, &[40, 35, 25]) {
                    0 => format!("{}, {}", l.to_uppercase(), fi.to_uppercase()),
                    1 => format!("{fi} {l}"),
                    _ => format!("{l}, {fi}"),
                });
            }
        }
    }
    if f & T_DOB != 0 {
        t.dob = Some(dob_typed(rng, p.dob));
    }
    if f & T_ADDR != 0 {
        t.address = Some(address_typed(rng, pop, &p.addr, p.city_on_record));
    }
    if f & T_PHONE != 0 && p.phone != 0 {
        t.phone = Some(phone_typed(rng, p.phone));
    }
    if f & T_PLATE != 0 && p.plate != 0 {
        t.plate = Some(plate_typed(rng, p.plate));
    }
    t
}

/// A real (or non-existent) case number as typed.
pub(super) fn case_typed(rng: &mut Mix, year: i32, seq: u32) -> String {
    match weighted(rng, &[55, 8, 12, 10, 5, 5, 5]) {
        0 => format!("C-{year}-{seq:06}"),
        1 => format!("c-{year}-{seq:06}"),
        2 => format!("{year}-{seq:06}"),
        3 => format!("C{year}{seq:06}"),
        4 => format!("C {year} {seq:06}"),
        5 => format!(" C-{year}-{seq:06} "),
        _ => format!("c{year}-{seq:06}"),
    }
}

/// What fills the case field when there is no case: `None` leaves the
/// field out.
pub(super) fn no_case_typed(rng: &mut Mix) -> Option<&'static str> {
    match weighted(rng, &[40, 25, 20, 10, 5]) {
        0 => None,
        1 => Some(""),
        2 => Some("N/A"),
        3 => Some("NONE"),
        _ => Some("n/a"),
    }
}

/// The raw search a source logs, built from what was typed.
pub(super) fn query_text(system: &str, t: &Typed) -> String {
    let name = t.name.clone().or_else(|| match (&t.last, &t.first) {
        (Some(l), Some(f)) => Some(format!("{l}, {f}")),
        (Some(l), None) => Some(l.clone()),
        _ => None,
    });
    let mut parts: Vec<String> = Vec::new();
    let fields: [(&str, &Option<String>); 6] = [
        ("PID", &t.pid),
        ("NAM", &name),
        ("DOB", &t.dob),
        ("LIC", &t.plate),
        ("PHN", &t.phone),
        ("ADR", &t.address),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            parts.push(match system {
                "NCIC" => format!("{k}/{v}"),
                _ => format!("{}={v}", k.to_lowercase()),
            });
        }
    }
    match system {
        "NCIC" => format!("QW.{}", parts.join(".")),
        "DMV" => format!("DMV INQ {}", parts.join(" ")),
        "CAD" => format!("PREMISE HIST {}", parts.join(" ")),
        "POE" => format!("TRAVELER {}", parts.join(" ")),
        "JMS" => format!("BOOKING SEARCH {}", parts.join(" ")),
        _ => format!("PERSON SEARCH {}", parts.join(" ")),
    }
}

/// A records-system row's name: `WALMORE` / `WILLIAM` (upper case, accents
/// folded) as case subjects are written.
pub(super) fn record_name(pop: &Population, p: &Person) -> (String, String) {
    (
        upper_folded(pop.surname(p)),
        upper_folded(Population::first_name(p)),
    )
}

/// What a mask says a row holds, for the tests' reading of forms.
#[cfg(test)]
pub(super) const FULL_MASK: u8 = M_PID | M_NAME | M_DOB | M_PLATE | M_PHONE | M_ADDR;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_identify_by_their_strongest_identifier() {
        let all = FULL_MASK;
        assert_eq!(ident_kind(form(N_EXACT, T_DOB), all), Some(K_NAME_DOB));
        assert_eq!(ident_kind(form(N_NOISY, T_DOB), all), Some(K_NAME_DOB));
        assert_eq!(ident_kind(form(N_EXACT, 0), all), Some(K_NAME_ONLY));
        assert_eq!(ident_kind(form(N_NOISY, 0), all), None);
        assert_eq!(ident_kind(form(N_SURNAME, 0), all), None);
        assert_eq!(ident_kind(form(N_INITIAL, T_DOB), all), Some(K_NAME_DOB));
        assert_eq!(ident_kind(form(N_INITIAL, 0), all), None);
        assert_eq!(ident_kind(form(N_NONE, T_ADDR), all), Some(K_ADDR));
        assert_eq!(ident_kind(form(N_NONE, T_ADDR), M_NAME | M_DOB), None);
        // A row without a date of birth is matched on the name alone.
        assert_eq!(ident_kind(form(N_EXACT, T_DOB), M_NAME), Some(K_NAME_ONLY));
        assert_eq!(ident_kind(form(N_EXACT, T_PID | T_DOB), all), Some(K_PID));
    }

    #[test]
    fn typed_variants_keep_their_meaning() {
        let mut rng = Mix::new(7);
        for _ in 0..200 {
            let c = case_typed(&mut rng, 2024, 1234);
            let digits: String = c.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits, "2024001234", "{c}");
            let p = phone_typed(&mut rng, 72_042);
            let d: String = p.chars().filter(char::is_ascii_digit).collect();
            assert!(d.ends_with("7205550142"), "{p}");
            let t = typo(&mut rng, "Walmore");
            assert_ne!(t.to_uppercase(), "WALMORE");
        }
        assert_eq!(
            query_text(
                "NCIC",
                &Typed {
                    last: Some("WALMORE".into()),
                    first: Some("BILL".into()),
                    dob: Some("1985-03-14".into()),
                    ..Typed::default()
                }
            ),
            "QW.NAM/WALMORE, BILL.DOB/1985-03-14"
        );
    }
}
