//! Identifiers other than names and dates: plates, phone numbers, person ids (and the
//! placeholders typed for "no id") and the words of an address.
//!
//! It must not compare addresses part by part (that is `identity::address`) nor decide who
//! an identifier belongs to; it only puts each one in a comparable form.

use super::*;

/// Plates: fold and keep only letters and digits ("xy 123-cd" -> "XY123CD"), without the
/// state or province a plate may be written with ("MO CWD3966", "MO/CWD3966",
/// "CWD3966 MO" -> "CWD3966"): records systems keep the jurisdiction in a field of its own
/// or in the plate, and people type it or not. Only a code of a US state or territory or a
/// Canadian province, set apart from the rest by a separator, is dropped, and only when
/// what is left still reads as a plate (four or more letters and digits, one a digit).
/// None if nothing is left.
pub(crate) fn normalize_plate(s: &str) -> Option<String> {
    read_plate(s, is_jurisdiction).0
}

/// The plate without a two-letter code of any kind set apart at its start or its end
/// ("HS MDS6378", "HS/MDS 6378", "MDS6378 HS" -> "MDS6378"), when one is there and what is
/// left still reads as a plate; None otherwise. An agency's own jurisdiction may be one
/// [`normalize_plate`]'s list does not know (a territory's, another country's, a records
/// system's code for "in state"): the resolver tries this form only when the plate as
/// typed is one no table knows and this one is ([`crate::identity::Resolver`]), so it never
/// turns a known plate into another.
pub(crate) fn plate_without_code(s: &str) -> Option<String> {
    match read_plate(s, |c| c.bytes().all(|b| b.is_ascii_alphabetic())) {
        (Some(p), true) => Some(p),
        _ => None,
    }
}

/// Folds a plate and drops a two-letter run set apart at its start or end that `code`
/// accepts (see [`normalize_plate`]); whether one was dropped.
fn read_plate(s: &str, code: impl Fn(&str) -> bool) -> (Option<String>, bool) {
    let mut out = String::with_capacity(s.len().min(16));
    // Where the second and the last separated runs of letters and digits start in `out`.
    let (mut second, mut last, mut runs) = (None, 0, 0);
    let mut apart = true;
    let mut push = |b: u8, out: &mut String, apart: &mut bool| {
        if b.is_ascii_alphanumeric() {
            if *apart {
                if runs == 1 {
                    second = Some(out.len());
                }
                last = out.len();
                runs += 1;
                *apart = false;
            }
            out.push(char::from(b.to_ascii_uppercase()));
        } else {
            *apart = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c as u8, &mut out, &mut apart);
        } else if c.is_alphanumeric() {
            if let Some(t) = deunicode_char(c) {
                t.bytes().for_each(|b| push(b, &mut out, &mut apart));
            }
        } else {
            apart = true;
        }
    }
    let mut dropped = false;
    if let Some(second) = second {
        let plate_like = |p: &str| p.len() >= 4 && p.bytes().any(|b| b.is_ascii_digit());
        if second == 2 && code(&out[..2]) && plate_like(&out[2..]) {
            out.drain(..2);
            dropped = true;
        } else if out.len() - last == 2 && code(&out[last..]) && plate_like(&out[..last]) {
            out.truncate(last);
            dropped = true;
        }
    }
    ((!out.is_empty()).then_some(out), dropped)
}

/// The two-letter codes of the US states, DC and territories, and of Canada's provinces
/// and territories: the jurisdictions a North American plate is issued by.
fn is_jurisdiction(code: &str) -> bool {
    const CODES: &[&str] = &[
        "AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA",
        "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT",
        "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC",
        "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY", "AB", "BC", "MB", "NB",
        "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    ];
    CODES.contains(&code)
}

/// E.164 caps a full international number at 15 digits.
pub(super) const MAX_PHONE_DIGITS: usize = 15;
pub(super) const MIN_PHONE_DIGITS: usize = 7;

/// Phones: digits only. Leading "00" international prefixes are stripped
/// (a "+" is just punctuation), and an 11-digit number starting with 1 loses
/// that 1, so "+1 (555) 010-2030", "1-555-010-2030" and "555.010.2030" all
/// become "5550102030". Other country codes stay as digits. Anything after
/// the first letter, '#', ',' or ';' that follows a digit is an extension or
/// dial pause and is dropped ("x123", "ext. 12"). None if fewer than 7 or
/// more than 15 digits remain (the latter is usually two numbers in one
/// field, which would otherwise form a key that matches nothing).
pub(crate) fn normalize_phone(s: &str) -> Option<String> {
    let mut digits = String::with_capacity(16);
    for c in s.chars() {
        let d = if c.is_ascii_digit() {
            Some(c)
        } else if !c.is_ascii() && c.is_numeric() {
            // Full-width and other script digits typed on non-US keyboards.
            deunicode_char(c)
                .filter(|t| t.len() == 1 && all_digits(t))
                .and_then(|t| t.chars().next())
        } else {
            None
        };
        match d {
            Some(d) => digits.push(d),
            // Labels before the number ("Tel:", "cell") are skipped.
            None if digits.is_empty() => {}
            None if c.is_alphabetic() || matches!(c, '#' | ',' | ';') => break,
            None => {}
        }
    }

    // Iterate to a fixed point so that the output, fed back in, is
    // unchanged (e.g. "10012345678" -> "0012345678" -> "12345678").
    let mut start = 0;
    loop {
        let rest = digits.get(start..).unwrap_or("");
        if rest.starts_with("00") {
            start += 2;
        } else if rest.len() == 11 && rest.starts_with('1') {
            start += 1;
        } else {
            break;
        }
    }
    digits.drain(..start.min(digits.len()));
    (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS)
        .contains(&digits.len())
        .then_some(digits)
}

/// A person id that identifies nobody: empty, punctuation only, all zeros, or a word
/// people type to fill the field. Sources that log `0` or `N/A` for "no record" must not
/// make every such lookup one person.
pub(crate) fn is_placeholder_id(id: &str) -> bool {
    let id = id.trim();
    id.chars().all(|c| c == '0' || !c.is_ascii_alphanumeric())
        || ["NULL", "NONE", "NA", "N/A", "UNKNOWN", "TBD"]
            .iter()
            .any(|w| id.eq_ignore_ascii_case(w))
}

/// Person ids as compared: trimmed and upper-cased (`p01073897` is `P01073897`: records
/// systems print ids one way and people type them another). None for a placeholder.
pub(crate) fn normalize_person_id(s: &str) -> Option<String> {
    let id = s.trim();
    (!is_placeholder_id(id)).then(|| id.to_ascii_uppercase())
}

/// Splits an address-folded string into words, reporting whether each word
/// is glued to the next by a hyphen.
pub(super) struct Words<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, bool);

    fn next(&mut self) -> Option<(&'a str, bool)> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find([' ', '-']).unwrap_or(self.rest.len());
        let word = self.rest.get(..end).unwrap_or("");
        let glued = self.rest.as_bytes().get(end) == Some(&b'-');
        self.rest = self.rest.get(end + 1..).unwrap_or("");
        Some((word, glued))
    }
}

/// The words of one comma-separated part of an address, folded (upper-case ASCII, `#` a
/// word of its own), each with whether a hyphen glues it to the next (`4-B`). The parsing
/// itself is [`crate::identity::address::Address::parse`].
pub(crate) fn fold_address_words(s: &str) -> Vec<(String, bool)> {
    let folded = fold_mode(s, Mode::Address);
    Words { rest: &folded }
        .filter(|(w, _)| !w.is_empty())
        .map(|(w, g)| (w.to_string(), g))
        .collect()
}

/// Addresses in canonical form: house number, directionals and street types as USPS
/// abbreviations (STREET -> ST, NORTH -> N ...), the unit as "UNIT" plus its id (APARTMENT,
/// APT, UNIT, SUITE, STE, "#", and NO when a number follows; "Apt. 4-B" -> "UNIT 4B"), and
/// the city after ", ". So "123 Main Street, Apt. 4B", "123 MAIN ST #4b" and "123 main st
/// unit 4B" all give "123 MAIN ST UNIT 4B". Ordinals stay as typed ("5TH"); a designator
/// with nothing after it is dropped. None if empty. Comparing addresses is
/// [`super::address::Address::agrees`], not string equality: a city or unit on one side only
/// is no conflict.
#[cfg(test)]
pub(crate) fn normalize_address(s: &str) -> Option<String> {
    crate::identity::address::Address::parse(s).map(|a| a.canonical())
}
