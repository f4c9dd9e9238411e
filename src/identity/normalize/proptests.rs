//! Property tests: every normaliser is total, idempotent where it should be, and folds
//! to the documented alphabet, whatever the Unicode.

use super::*;
use proptest::prelude::*;

fn is_folded(s: &str) -> bool {
    !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.bytes()
            .all(|b| b == b' ' || b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// Name-ish text: mostly letters with the punctuation people type.
fn name_text() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ ,.'\\-]{0,30}"
}

/// A plausible given or family name that is not a title, suffix,
/// particle or single initial, so that word order is unambiguous.
fn plain_word() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{3,8}".prop_filter("not an affix", |w| {
        let u = w.to_ascii_uppercase();
        !is_title(&u) && !is_suffix(&u) && !is_particle(&u)
    })
}

fn person() -> impl Strategy<Value = PersonName> {
    let word = prop_oneof![
        Just(String::new()),
        Just("J".to_owned()),
        Just("JANE".to_owned()),
        Just("JNAE".to_owned()),
        Just("BOB".to_owned()),
        Just("ROBERT".to_owned()),
        Just("SMITH".to_owned()),
        Just("SMYTH".to_owned()),
        "[A-Z]{1,6}",
    ];
    (word.clone(), word).prop_map(|(last, first)| PersonName {
        first_canonical: canonical_first(&first),
        last,
        first,
        middle: Vec::new(),
        last_parts: Vec::new(),
    })
}

/// Insert one of `seps` at each position chosen by `picks`.
fn sprinkle(s: &str, picks: &[(usize, usize)], seps: &[&str]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        for (pos, which) in picks {
            if pos % (chars.len() + 1) == i {
                out.push_str(seps[which % seps.len()]);
            }
        }
        out.push(*c);
    }
    out
}

proptest! {
    #[test]
    fn fold_total_idempotent_and_clean(s in any::<String>()) {
        let f = fold(&s);
        prop_assert!(is_folded(&f), "{f:?}");
        prop_assert_eq!(fold(&f), f);
    }

    #[test]
    fn names_total_and_well_formed(s in any::<String>(), t in any::<String>()) {
        for n in [parse_full_name(&s), name_from_parts(&s, &t)].into_iter().flatten() {
            prop_assert!(!n.last.is_empty());
            prop_assert!(n.last.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert!(n.first.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert_eq!(&n.first_canonical, &canonical_first(&n.first));
            prop_assert!(n.middle.iter().all(|m| !m.is_empty() && is_folded(m) && !m.contains(' ')));
            let _ = name_key(&n);
        }
    }

    #[test]
    fn names_total_on_name_like_text(s in name_text(), t in name_text()) {
        if let (Some(a), Some(b)) = (parse_full_name(&s), name_from_parts(&s, &t)) {
            let _ = compare_names(&a, &b, true);
        }
    }

    #[test]
    fn comma_and_natural_order_agree(first in plain_word(), last in plain_word()) {
        let a = parse_full_name(&format!("{last}, {first}"));
        let b = parse_full_name(&format!("{first} {last}"));
        let c = name_from_parts(&last, &first);
        prop_assert!(a.is_some());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }

    #[test]
    fn canonical_first_idempotent(s in "[A-Z]{0,9}") {
        let c = canonical_first(&s);
        prop_assert_eq!(canonical_first(&c), c);
    }

    #[test]
    fn dob_total(s in any::<String>()) {
        let _ = normalize_dob(&s);
    }

    #[test]
    fn dob_round_trips_every_format(days in 0i64..80_000) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1)
            .and_then(|base| base.checked_add_signed(chrono::TimeDelta::days(days)));
        prop_assume!(date.is_some());
        let date = date.unwrap_or_default();
        for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%m%d%Y", "%d%b%Y", "%d-%B-%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%SZ"] {
            let typed = date.and_hms_opt(0, 0, 0).unwrap_or_default().format(fmt).to_string();
            prop_assert_eq!(normalize_dob(&typed), Some(date), "{}", typed);
        }
    }

    #[test]
    fn plate_total_and_idempotent(s in any::<String>()) {
        if let Some(p) = normalize_plate(&s) {
            prop_assert!(p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
            prop_assert_eq!(normalize_plate(&p), Some(p.clone()));
        }
    }

    #[test]
    fn plate_ignores_separators_and_case(
        s in "[A-Za-z0-9]{1,10}",
        picks in prop::collection::vec((0usize..20, 0usize..4), 0..5),
    ) {
        let noisy = sprinkle(&s.to_ascii_lowercase(), &picks, &[" ", "-", ".", "  "]);
        let whole = s.to_ascii_uppercase();
        let got = normalize_plate(&noisy);
        // The same letters and digits, but for a state code set apart at either end.
        let state_dropped = |rest: &str| {
            rest.len() >= 4
                && rest.bytes().any(|b| b.is_ascii_digit())
                && got.as_deref() == Some(rest)
        };
        prop_assert!(
            got.as_deref() == Some(whole.as_str())
                || (whole.len() > 2 && state_dropped(&whole[2..]))
                || (whole.len() > 2 && state_dropped(&whole[..whole.len() - 2])),
            "{} -> {:?}",
            noisy,
            got
        );
    }

    #[test]
    fn plate_reads_the_same_with_or_without_its_state(
        plate in "[A-Z]{0,3}[0-9]{1,4}[A-Z]{0,3}",
        state in prop::sample::select(vec!["MO", "TX", "ON", "ca"]),
        form in 0usize..4,
    ) {
        prop_assume!(plate.len() >= 4);
        let typed = match form {
            0 => format!("{state} {plate}"),
            1 => format!("{state}/{plate}"),
            2 => format!("{plate} {state}"),
            _ => format!("{plate} ({state})"),
        };
        prop_assert_eq!(normalize_plate(&typed), normalize_plate(&plate));
    }

    #[test]
    fn plate_without_any_code_reads_the_plate(
        plate in "[A-Z]{0,3}[0-9]{1,4}[A-Z]{0,3}",
        code in "[A-Za-z]{2}",
        form in 0usize..4,
    ) {
        prop_assume!(plate.len() >= 4);
        let typed = match form {
            0 => format!("{code} {plate}"),
            1 => format!("{code}/{plate}"),
            2 => format!("{plate} {code}"),
            _ => format!("{plate} ({code})"),
        };
        prop_assert_eq!(plate_without_code(&typed), normalize_plate(&plate));
        // Nothing set apart, nothing dropped.
        prop_assert_eq!(plate_without_code(&plate), None);
    }

    #[test]
    fn phone_total_and_idempotent(s in any::<String>()) {
        if let Some(p) = normalize_phone(&s) {
            prop_assert!(p.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!((7..=15).contains(&p.len()));
            prop_assert_eq!(normalize_phone(&p), Some(p.clone()));
        }
    }

    #[test]
    fn phone_ignores_separators(
        s in "\\+?[0-9]{0,16}",
        picks in prop::collection::vec((0usize..20, 0usize..6), 0..6),
    ) {
        let noisy = sprinkle(&s, &picks, &[" ", "-", ".", "(", ")", "/"]);
        prop_assert_eq!(normalize_phone(&noisy), normalize_phone(&s));
    }

    #[test]
    fn address_total_and_idempotent(s in any::<String>()) {
        if let Some(a) = normalize_address(&s) {
            // Folded words; the city alone follows a ", ".
            prop_assert!(is_folded(&a.replacen(", ", " ", 1)), "{a:?}");
            prop_assert_eq!(normalize_address(&a), Some(a.clone()));
        }
    }

    #[test]
    fn address_idempotent_on_address_like_text(
        s in "[0-9]{0,4}([ -]{0,2}(North|South|East|W|-|apt|No|#|Unit|St|Street|Ave|[A-Za-z0-9]{1,4}|,|\\.)){0,8}"
    ) {
        if let Some(a) = normalize_address(&s) {
            prop_assert_eq!(normalize_address(&a), Some(a.clone()), "from {:?}", s);
        }
    }

    #[test]
    fn edit_symmetric(a in any::<String>(), b in any::<String>()) {
        prop_assert_eq!(within_one_edit(&a, &b), within_one_edit(&b, &a));
    }

    #[test]
    fn edit_symmetric_on_close_strings(a in "[AB]{0,5}", b in "[AB]{0,5}") {
        prop_assert_eq!(within_one_edit(&a, &b), within_one_edit(&b, &a));
    }

    #[test]
    fn single_edit_is_within_one(
        s in "[ -~]{0,12}",
        kind in 0u8..4,
        pos in 0usize..13,
        c in proptest::char::range(' ', '~'),
    ) {
        let mut v: Vec<char> = s.chars().collect();
        let len = v.len();
        match kind {
            0 => v.insert(pos % (len + 1), c),
            1 if len > 0 => { v.remove(pos % len); }
            2 if len > 0 => { if let Some(x) = v.get_mut(pos % len) { *x = c; } }
            3 if len > 1 => v.swap(pos % (len - 1), pos % (len - 1) + 1),
            _ => {}
        }
        let edited: String = v.into_iter().collect();
        prop_assert!(within_one_edit(&s, &edited), "{:?} vs {:?}", s, edited);
        prop_assert!(within_one_edit(&s, &s));
    }

    #[test]
    fn two_substitutions_are_not_within_one(
        s in "[a-z]{3,12}",
        i in 0usize..12,
        gap in 0usize..12,
    ) {
        let mut v: Vec<char> = s.chars().collect();
        // Two non-adjacent positions, so no transposition can explain it.
        let i = i % (v.len() - 2);
        let j = i + 2 + gap % (v.len() - i - 2);
        if let Some(x) = v.get_mut(i) { *x = 'X'; }
        if let Some(x) = v.get_mut(j) { *x = 'Y'; }
        let edited: String = v.into_iter().collect();
        prop_assert!(!within_one_edit(&s, &edited));
    }

    #[test]
    fn compare_names_symmetric(a in person(), b in person(), typo in any::<bool>()) {
        prop_assert_eq!(compare_names(&a, &b, typo), compare_names(&b, &a, typo));
    }

    #[test]
    fn compare_names_reflexive(a in person()) {
        let got = compare_names(&a, &a, false);
        if a.last.is_empty() {
            prop_assert_eq!(got, NameAgreement::Conflict);
        } else if a.first.is_empty() {
            prop_assert_eq!(got, NameAgreement::Unknown);
        } else {
            prop_assert_eq!(got, NameAgreement::Exact);
        }
    }
}
