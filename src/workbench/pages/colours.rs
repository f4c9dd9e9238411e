//! Colours: one per detector, the same on every chart, and one per severity and triage
//! status (colour-blind safe palettes: Okabe–Ito and Paul Tol's).

/// Each detector's own colour (Okabe and Ito's palette, then Tol's): every detector in
/// [`crate::detect::registry`] has one (a test checks), so charts never give two of them
/// the same colour by chance.
pub(super) fn known_detector_color(d: &str) -> Option<&'static str> {
    Some(match d {
        "association_lookup" => "#d55e00",
        "coworker_lookup" => "#e69f00",
        "no_case" => "#56b4e9",
        "odd_volume" => "#009e73",
        "self_query" => "#cc79a7",
        "shared_credential" => "#0072b2",
        "subject_surge" => "#999933",
        "watchlist_lookup" => "#882255",
        "fishing" => "#332288",
        _ => return None,
    })
}

pub(super) fn detector_color(d: &str) -> &'static str {
    match known_detector_color(d) {
        Some(c) => c,
        None => {
            // A detector this build does not know (an alert from a newer custodes).
            const MORE: [&str; 5] = ["#44aa99", "#aa4499", "#117733", "#88ccee", "#ddcc77"];
            let h = d
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
            MORE[h % MORE.len()]
        }
    }
}

pub(super) fn severity_color(s: &str) -> &'static str {
    match s {
        "critical" => "#7f0000",
        "high" => "#d55e00",
        "medium" => "#e69f00",
        "low" => "#9aa3ab",
        _ => "#5b6670",
    }
}

pub(super) fn status_color(s: &str) -> &'static str {
    match s {
        "open" => "#b35806",
        "in_review" => "#e69f00",
        "confirmed" => "#7f0000",
        "benign" => "#009e73",
        "false_positive" => "#56b4e9",
        _ => "#5b6670",
    }
}
