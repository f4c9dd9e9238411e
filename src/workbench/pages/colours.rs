//! Colours: one per detector, the same on every chart, and one per severity and triage
//! status (colour-blind safe palettes: Okabe–Ito and Paul Tol's).

/// Each detector's own colour, from its row of the detectors' table
/// ([`crate::detect::colour_of`]), so that charts never give two of them the same colour by
/// chance.
pub(super) fn detector_color(d: &str) -> &'static str {
    match crate::detect::colour_of(d) {
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
