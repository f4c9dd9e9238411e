//! Dates of birth as typed: ISO order with any separator or none, US order (and day first
//! when the first field cannot be a month), `DD.MM.YYYY`, and a timestamp's date part.
//!
//! It must not guess: two-digit years are refused (the century would be a guess), and
//! anything that is not one real day is `None`.

use super::*;

pub(super) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses at most 4 ASCII digits, so it can neither overflow nor accept
/// signs or spaces the way `str::parse` would.
pub(super) fn small_number(s: &str) -> Option<u32> {
    if s.len() > 4 || !all_digits(s) {
        return None;
    }
    Some(
        s.bytes()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')),
    )
}

pub(super) fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    // Year 0 does not exist on a birth certificate; "0000-..." is a filler.
    if y == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Dates of birth: accepts YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, MMDDYYYY,
/// MM/DD/YYYY and MM-DD-YYYY (US order when ambiguous, day first when the
/// first field cannot be a month), DD.MM.YYYY, and a timestamp whose date
/// part is taken as typed ("1981-02-03T00:00:00Z", "02/03/1981 00:00"), and a
/// day, an English month name and a year as NCIC messages and military forms write them
/// ("10JAN1969", "10-Jan-1969", "10 January 1969").
/// Two-digit years are refused: the century is a guess. None if not a real
/// date.
/// `10JAN1969`, `10-Jan-1969`, `10 January 1969`: one or two digits of day, a month's
/// English name or its first three letters or more, four digits of year; `None` for
/// anything else.
fn day_month_name_year(s: &str) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "JANUARY",
        "FEBRUARY",
        "MARCH",
        "APRIL",
        "MAY",
        "JUNE",
        "JULY",
        "AUGUST",
        "SEPTEMBER",
        "OCTOBER",
        "NOVEMBER",
        "DECEMBER",
    ];
    let seps: &[char] = &[' ', '-', '/', '.', ','];
    let day_len = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&day_len) {
        return None;
    }
    let rest = s.get(day_len..)?.trim_start_matches(seps);
    let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if name_len < 3 {
        return None;
    }
    let name = rest.get(..name_len)?.to_ascii_uppercase();
    let month = MONTHS.iter().position(|m| m.starts_with(&name))?;
    let year = rest.get(name_len..)?.trim_start_matches(seps);
    if year.len() != 4 || !all_digits(year) {
        return None;
    }
    ymd(
        small_number(year)?,
        u32::try_from(month + 1).ok()?,
        small_number(s.get(..day_len)?)?,
    )
}

pub(crate) fn normalize_dob(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = day_month_name_year(s) {
        return Some(d);
    }
    let date = match s.find(|c: char| c == 'T' || c == 't' || c.is_whitespace()) {
        Some(i) => {
            let rest = s.get(i + 1..).unwrap_or("").trim_start();
            // Only a time may follow; "1981-02-03 garbage" is not a date.
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            s.get(..i).unwrap_or("")
        }
        None => s,
    };

    if date.len() == 8 && all_digits(date) {
        let part = |r: std::ops::Range<usize>| date.get(r).and_then(small_number);
        // YYYYMMDD, else MMDDYYYY as US forms and NCIC messages write it: a year from
        // 1900 to 2099 puts 19 or 20 where YYYYMMDD's month would be, so only one reads.
        return ymd(part(0..4)?, part(4..6)?, part(6..8)?)
            .or_else(|| ymd(part(4..8)?, part(0..2)?, part(2..4)?));
    }

    let sep = date.bytes().find(|b| !b.is_ascii_digit())?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let mut parts = date.split(char::from(sep));
    let (p0, p1, p2) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (n0, n1, n2) = (small_number(p0)?, small_number(p1)?, small_number(p2)?);

    if p0.len() == 4 && p1.len() <= 2 && p2.len() <= 2 {
        return ymd(n0, n1, n2);
    }
    if p2.len() != 4 || p0.len() > 2 || p1.len() > 2 {
        return None;
    }
    if sep == b'.' {
        ymd(n2, n1, n0).or_else(|| ymd(n2, n0, n1))
    } else if n0 > 12 {
        ymd(n2, n1, n0)
    } else {
        ymd(n2, n0, n1)
    }
}
