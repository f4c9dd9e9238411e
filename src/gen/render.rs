//! How a person gets typed into a query: which identifiers a search carries
//! and the noise in each (case, nicknames, middle initials, accents, plate
//! and phone punctuation, street abbreviations, one-letter typos).
//!
//! Noise here must never change who a query identifies: a typo'd name is only
//! produced when the query also carries another identifier that agrees, and a
//! nickname only with a date of birth or another identifier. The ground truth
//! relies on that.

use super::names::{fold_accents, name_key, title_case, NICKNAMES, STREET_TYPES};
use super::world::{civil, pick, weighted, Address, FastRng, Person};
use rand::Rng;

/// What a query says about the name of the person searched for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum NameQ {
    None,
    /// Last and first name, possibly a nickname or one typo.
    Full {
        nick: bool,
        typo: bool,
    },
    /// Last name only (with a date of birth in practice).
    Last,
}

/// The identifiers a query carries; all of them belong to the target person
/// (a typo'd name still "agrees" fuzzily).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Carry {
    pub pid: bool,
    pub name: NameQ,
    pub dob: bool,
    pub plate: bool,
    pub phone: bool,
    pub addr: bool,
}

impl Carry {
    pub(crate) const NOTHING: Carry = Carry {
        pid: false,
        name: NameQ::None,
        dob: false,
        plate: false,
        phone: false,
        addr: false,
    };

    pub(crate) fn only_pid() -> Carry {
        Carry {
            pid: true,
            ..Carry::NOTHING
        }
    }

    pub(crate) fn name_dob(nick: bool, typo: bool) -> Carry {
        Carry {
            name: NameQ::Full { nick, typo },
            dob: true,
            ..Carry::NOTHING
        }
    }

    pub(crate) fn name_only() -> Carry {
        Carry {
            name: NameQ::Full {
                nick: false,
                typo: false,
            },
            ..Carry::NOTHING
        }
    }

    /// The strongest identifier carried, in the contract's order for
    /// `self_query` kinds; `None` when the query cannot identify anyone.
    pub(crate) fn kind(&self) -> Option<&'static str> {
        let full = matches!(self.name, NameQ::Full { .. });
        if self.pid {
            Some("person_id")
        } else if full && self.dob {
            Some("name_dob")
        } else if self.plate {
            Some("plate")
        } else if self.phone {
            Some("phone")
        } else if self.addr {
            Some("address")
        } else if self.name
            == (NameQ::Full {
                nick: false,
                typo: false,
            })
        {
            Some("name_only")
        } else {
            None
        }
    }

    /// Whether something besides the name pins the person down, which is
    /// what makes a typo or nickname in the name tolerable.
    pub(crate) fn has_anchor(&self) -> bool {
        self.pid || self.dob || self.plate || self.phone || self.addr
    }
}

/// A subject as typed; `nested` puts the fields in a `"subject": {...}`
/// object instead of `subject_*` columns.
#[derive(Clone, Debug, Default)]
pub(crate) struct Typed {
    pub nested: bool,
    pub person_id: Option<String>,
    pub last: Option<String>,
    pub first: Option<String>,
    pub name: Option<String>,
    pub dob: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub plate: Option<String>,
}

fn case_style(rng: &mut FastRng, s: &str) -> String {
    match weighted(rng, &[40, 20, 25, 15]) {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        2 => title_case(s),
        _ => s.to_string(),
    }
}

/// One-letter slip: substitution, transposition or a dropped letter. Folds
/// accents first so the slip is a plain ASCII edit.
pub(crate) fn typo(rng: &mut FastRng, s: &str) -> String {
    let base: Vec<char> = fold_accents(s).chars().collect();
    let letters: Vec<usize> = (0..base.len())
        .filter(|&i| base[i].is_ascii_alphabetic())
        .collect();
    for _ in 0..12 {
        let mut v = base.clone();
        let op = if letters.len() >= 4 {
            weighted(rng, &[40, 30, 30])
        } else {
            0
        };
        let Some(&i) = pick(rng, &letters) else {
            break;
        };
        match op {
            0 => {
                let c = char::from(b'a' + rng.random_range(0..26u8));
                v[i] = if base[i].is_ascii_uppercase() {
                    c.to_ascii_uppercase()
                } else {
                    c
                };
            }
            1 => {
                if i + 1 >= v.len() || !v[i + 1].is_ascii_alphabetic() {
                    continue;
                }
                v.swap(i, i + 1);
                let (a, b) = (v[i], v[i + 1]);
                v[i] = if base[i].is_ascii_uppercase() {
                    a.to_ascii_uppercase()
                } else {
                    a.to_ascii_lowercase()
                };
                v[i + 1] = if base[i + 1].is_ascii_uppercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
            _ => {
                v.remove(i);
            }
        }
        let out: String = v.into_iter().collect();
        if name_key(&out) != name_key(s) && name_key(&out).len() >= 2 {
            return out;
        }
    }
    format!("{}x", fold_accents(s))
}

fn full_name(rng: &mut FastRng, last: &str, first: &str, middle: Option<char>) -> String {
    let mi = |sep: &str| middle.map(|m| format!("{sep}{m}")).unwrap_or_default();
    match weighted(rng, &[30, 20, 25, 15, 10]) {
        0 => format!(
            "{}, {}{}",
            last.to_uppercase(),
            first.to_uppercase(),
            mi(" ")
        ),
        1 => format!("{}, {}", title_case(last), title_case(first)),
        2 => format!(
            "{}{} {}",
            title_case(first),
            middle.map(|m| format!(" {m}.")).unwrap_or_default(),
            title_case(last)
        ),
        3 => format!("{}, {}", last.to_lowercase(), first.to_lowercase()),
        _ => format!(
            "{}{} {}",
            first.to_uppercase(),
            mi(" "),
            last.to_uppercase()
        ),
    }
}

/// Plate as typed: case and separators vary ("ab 123-cd").
pub(crate) fn plate_style(rng: &mut FastRng, plate: &str) -> String {
    match weighted(rng, &[35, 20, 45]) {
        0 => plate.to_string(),
        1 => plate.to_lowercase(),
        _ => {
            let lower = rng.random_bool(0.5);
            let mut out = String::with_capacity(plate.len() + 3);
            let mut prev: Option<bool> = None;
            for c in plate.chars() {
                let digit = c.is_ascii_digit();
                if prev.is_some_and(|p| p != digit) {
                    out.push(if rng.random_bool(0.5) { ' ' } else { '-' });
                }
                prev = Some(digit);
                out.push(if lower { c.to_ascii_lowercase() } else { c });
            }
            out
        }
    }
}

/// Phone as typed: "(555) 010-2030", "+1 555 010 2030", ...
pub(crate) fn phone_style(rng: &mut FastRng, phone: u32) -> String {
    let (x, l) = (phone / 10_000, phone % 10_000);
    match weighted(rng, &[25, 20, 20, 15, 10, 10]) {
        0 => format!("(555) {x:03}-{l:04}"),
        1 => format!("+1 555 {x:03} {l:04}"),
        2 => format!("555-{x:03}-{l:04}"),
        3 => format!("555{x:03}{l:04}"),
        4 => format!("555.{x:03}.{l:04}"),
        _ => format!("1-555-{x:03}-{l:04}"),
    }
}

/// Address as typed: "123 Quillbrook Street Apt 4" vs "123 QUILLBROOK ST #4".
pub(crate) fn addr_style(rng: &mut FastRng, a: &Address) -> String {
    let (long, abbr) = STREET_TYPES
        .get(a.kind)
        .copied()
        .unwrap_or(("Street", "St"));
    let kind = match weighted(rng, &[45, 40, 15]) {
        0 => long.to_string(),
        1 => abbr.to_string(),
        _ => format!("{abbr}."),
    };
    let unit = a
        .apt
        .map(|n| match weighted(rng, &[40, 30, 15, 15]) {
            0 => format!(" Apt {n}"),
            1 => format!(" #{n}"),
            2 => format!(", Apt {n}"),
            _ => format!(" Apt. {n}"),
        })
        .unwrap_or_default();
    let s = format!("{} {} {}{}", a.number, a.street, kind, unit);
    match weighted(rng, &[40, 20, 40]) {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        _ => s,
    }
}

pub(crate) fn dob_str(d: i64) -> String {
    let (y, m, dd) = civil(d);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// Renders what the query carries about `p`, with typing noise.
pub(crate) fn render(rng: &mut FastRng, p: &Person, c: &Carry) -> Typed {
    let mut t = Typed {
        nested: rng.random_bool(0.15),
        ..Typed::default()
    };
    if c.pid {
        t.person_id = Some(p.pid.clone());
    }
    let strip = rng.random_bool(0.5) && !(p.last.is_ascii() && p.first.is_ascii());
    let mut last = if strip {
        fold_accents(&p.last)
    } else {
        p.last.clone()
    };
    match c.name {
        NameQ::None => {}
        NameQ::Last => {
            // No typos here: a last name and a dob are a weak enough match.
            t.last = Some(case_style(rng, &last));
        }
        NameQ::Full { nick, typo: slip } => {
            let mut first = match (nick, p.nick) {
                (true, Some(i)) => NICKNAMES
                    .get(usize::from(i))
                    .and_then(|(_, n)| pick(rng, n).copied())
                    .unwrap_or(p.first.as_str())
                    .to_string(),
                _ => p.first.clone(),
            };
            if strip {
                first = fold_accents(&first);
            }
            if slip {
                // Slips only in names of five letters or more: on shorter
                // ones a one-letter change makes a different name ("LI" and
                // "LE"), not a recognisable typo, and matchers rightly refuse.
                let long = |s: &str| name_key(s).len() >= 5;
                match (long(&last), long(&first)) {
                    (true, true) if rng.random_bool(0.5) => last = typo(rng, &last),
                    (true, true) | (false, true) => first = typo(rng, &first),
                    (true, false) => last = typo(rng, &last),
                    (false, false) => {}
                }
            }
            if rng.random_bool(0.5) {
                t.last = Some(case_style(rng, &last));
                t.first = Some(case_style(rng, &first));
            } else {
                let middle = p.middle.filter(|_| rng.random_bool(0.4));
                t.name = Some(full_name(rng, &last, &first, middle));
            }
        }
    }
    if c.dob {
        t.dob = Some(dob_str(p.dob));
    }
    if c.plate {
        t.plate = Some(plate_style(rng, &p.plate));
    }
    if c.phone {
        t.phone = Some(phone_style(rng, p.phone));
    }
    if c.addr {
        t.address = Some(addr_style(rng, &p.addr));
    }
    t
}

/// A raw-query string in the style of the source, built from the typed
/// values so it never contradicts the structured fields.
pub(crate) fn query_text(system: &str, t: &Typed) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = &t.person_id {
        parts.push(format!("PID={v}"));
    }
    match (&t.name, &t.last, &t.first) {
        (Some(n), _, _) => parts.push(format!("NAM={n}")),
        (None, Some(l), Some(f)) => parts.push(format!("NAM={l},{f}")),
        (None, Some(l), None) => parts.push(format!("NAM={l}")),
        _ => {}
    }
    if let Some(v) = &t.dob {
        parts.push(format!("DOB={v}"));
    }
    if let Some(v) = &t.plate {
        parts.push(format!("LIC={v}"));
    }
    if let Some(v) = &t.phone {
        parts.push(format!("PHN={v}"));
    }
    if let Some(v) = &t.address {
        parts.push(format!("ADR={v}"));
    }
    let verb = match system {
        "DMV" => "DQ",
        "NCIC" => "QW",
        "LPR" => "HIT",
        _ => "SEARCH",
    };
    format!("{verb}/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::world::Rng8;
    use rand::SeedableRng;

    #[test]
    fn kind_order() {
        let mut c = Carry::name_dob(false, false);
        assert_eq!(c.kind(), Some("name_dob"));
        c.pid = true;
        assert_eq!(c.kind(), Some("person_id"));
        assert_eq!(Carry::name_only().kind(), Some("name_only"));
        let plate_and_name = Carry {
            plate: true,
            ..Carry::name_only()
        };
        assert_eq!(plate_and_name.kind(), Some("plate"));
        let last_only = Carry {
            name: NameQ::Last,
            dob: true,
            ..Carry::NOTHING
        };
        assert_eq!(last_only.kind(), None);
    }

    #[test]
    fn typos_change_exactly_something() {
        let mut rng = FastRng::from_chacha(&mut Rng8::seed_from_u64(1));
        for name in ["Smith", "Lee", "Muñoz", "O'Brien", "Christopher"] {
            for _ in 0..50 {
                let t = typo(&mut rng, name);
                assert_ne!(name_key(&t), name_key(name));
                let d = name_key(&t).len() as i64 - name_key(name).len() as i64;
                assert!((-1..=1).contains(&d), "{name} -> {t}");
            }
        }
    }

    #[test]
    fn plate_noise_keeps_characters() {
        let mut rng = FastRng::from_chacha(&mut Rng8::seed_from_u64(2));
        for _ in 0..100 {
            let s = plate_style(&mut rng, "AB123CD");
            let norm: String = s
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            assert_eq!(norm, "AB123CD");
        }
    }
}
