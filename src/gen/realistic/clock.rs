//! Time in the realistic world: the county's wall clock (UTC-7, so a local
//! day and a UTC day differ by seven hours), day numbers, and the timestamp
//! text the sources write (some in UTC, some in local time with an offset).

pub(super) use crate::gen::world::{civil, day_of, midnight, weekday, Day};

/// Offset of the county's wall clock: a mountain-time UTC-7.
pub(super) const LOCAL_OFFSET: i64 = -7 * 3600;
const LOCAL_SUFFIX: &str = "-07:00";

pub(super) const MINUTE: i64 = 60;
pub(super) const HOUR: i64 = 3600;
pub(super) const DAY_SECS: i64 = 86_400;

/// Local calendar day of an instant.
pub(super) fn local_day(t: i64) -> Day {
    day_of(t + LOCAL_OFFSET)
}

/// The instant `secs` seconds after local midnight starting day `d`.
pub(super) fn at_local(d: Day, secs: i64) -> i64 {
    midnight(d) - LOCAL_OFFSET + secs
}

/// Seconds since local midnight.
#[cfg(test)]
pub(super) fn local_secs(t: i64) -> i64 {
    (t + LOCAL_OFFSET).rem_euclid(DAY_SECS)
}

/// Saturday or Sunday.
pub(super) fn is_weekend(d: Day) -> bool {
    weekday(d) >= 5
}

/// `YYYY-MM-DD`.
pub(super) fn fmt_day(d: Day) -> String {
    let (y, m, dd) = civil(d);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// `MM/DD/YYYY`, as some people type a date of birth.
pub(super) fn fmt_day_us(d: Day) -> String {
    let (y, m, dd) = civil(d);
    format!("{m:02}/{dd:02}/{y:04}")
}

/// Calendar year of a day.
pub(super) fn year_of(d: Day) -> i32 {
    civil(d).0 as i32
}

/// Day of the year, 0-based.
pub(super) fn day_of_year(d: Day) -> i64 {
    let y = civil(d).0;
    let mut jan1 = d - 366;
    while civil(jan1 + 1).0 < y {
        jan1 += 1;
    }
    // jan1 is now Dec 31 of the year before.
    d - jan1 - 1
}

/// Writes RFC 3339: UTC with `Z`, or the local wall clock with its offset.
pub(super) fn write_ts(out: &mut String, t: i64, local: bool) {
    let (tt, suffix) = if local {
        (t + LOCAL_OFFSET, LOCAL_SUFFIX)
    } else {
        (t, "Z")
    };
    let (y, m, d) = civil(day_of(tt));
    let s = tt.rem_euclid(DAY_SECS) as u64;
    let mut b = *b"0000-00-00T00:00:00";
    crate::gen::digits(&mut b[0..4], y.clamp(0, 9999) as u64);
    crate::gen::digits(&mut b[5..7], u64::from(m));
    crate::gen::digits(&mut b[8..10], u64::from(d));
    crate::gen::digits(&mut b[11..13], s / 3600);
    crate::gen::digits(&mut b[14..16], s / 60 % 60);
    crate::gen::digits(&mut b[17..19], s % 60);
    out.push_str(std::str::from_utf8(&b).unwrap_or("0000-00-00T00:00:00"));
    out.push_str(suffix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_utc_days_differ_in_the_evening() {
        let d = 738_000;
        let evening = at_local(d, 20 * HOUR);
        assert_eq!(local_day(evening), d);
        assert_eq!(day_of(evening), d + 1);
        assert_eq!(local_secs(evening), 20 * HOUR);
        let mut s = String::new();
        write_ts(&mut s, evening, true);
        assert!(s.ends_with("T20:00:00-07:00"), "{s}");
        s.clear();
        write_ts(&mut s, evening, false);
        assert!(s.ends_with("T03:00:00Z"), "{s}");
    }

    #[test]
    fn day_of_year_counts_from_january_first() {
        let jan1 = (1..400)
            .map(|k| 738_000 + k)
            .find(|&d| civil(d).1 == 1 && civil(d).2 == 1)
            .unwrap();
        assert_eq!(day_of_year(jan1), 0);
        assert_eq!(day_of_year(jan1 + 40), 40);
        assert_eq!(fmt_day_us(jan1 + 1), format!("01/02/{}", civil(jan1).0));
    }
}
