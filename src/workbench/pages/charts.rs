//! The inline SVG charts: weekly columns, horizontal bars, meters and the timeline. Each
//! says what it shows in `aria-label`, carries a `<title>` tooltip on every mark and text
//! labels, and draws from the numbers it is given only.

use std::fmt::Write as _;

use super::*;

/// A stacked column chart of alerts per ISO week, one colour per key of `by`, with its
/// legend; returns the keys in the order drawn.
pub(super) fn weekly_chart(
    b: &mut String,
    what: &str,
    by_week: &BTreeMap<String, BTreeMap<String, usize>>,
    color: fn(&str) -> &'static str,
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for per in by_week.values() {
        for k in per.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys.sort();
    let columns: Vec<Column> = by_week
        .iter()
        .map(|(week, per)| Column {
            label: week.clone(),
            parts: keys
                .iter()
                .filter_map(|k| {
                    per.get(k)
                        .filter(|n| **n > 0)
                        .map(|n| (k.clone(), *n as f64, color(k)))
                })
                .collect(),
        })
        .collect();
    let first = by_week.keys().next().map_or("", String::as_str);
    let last = by_week.keys().next_back().map_or("", String::as_str);
    b.push_str(&column_chart(
        &format!(
            "Stacked bar chart of alerts per ISO week by {what}, {} week(s) from {first} to {last}",
            by_week.len()
        ),
        &columns,
        220.0,
    ));
    b.push_str(&legend(
        &keys
            .iter()
            .map(|k| (k.clone(), color(k)))
            .collect::<Vec<_>>(),
    ));
    keys
}

pub(super) fn svg_open(label: &str, w: f64, h: f64) -> String {
    format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{0}\" viewBox=\"0 0 {w:.0} {h:.0}\" style=\"max-width: {w:.0}px\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title>{0}</title>",
        escape(label)
    )
}

/// An empty chart that says so (no scale to compute, nothing divided by zero).
pub(super) fn empty_chart(label: &str) -> String {
    let mut s = svg_open(label, 640.0, 40.0);
    s.push_str("<text x=\"8\" y=\"24\">No data yet.</text></svg>\n");
    s
}

pub(super) fn legend(items: &[(String, &'static str)]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = String::from("<ul class=\"legend\">");
    for (name, color) in items {
        put!(
            s,
            "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"></rect></svg>{}</li>",
            escape(color),
            escape(name)
        );
    }
    s.push_str("</ul>\n");
    s
}

/// A step of 1, 2 or 5 times a power of ten that cuts `0..=max` into about `ticks` parts
/// (at least 1: the charts count things).
pub(super) fn nice_step(max: f64, ticks: usize) -> f64 {
    if !max.is_finite() || max <= 0.0 || ticks == 0 {
        return 1.0;
    }
    let raw = max / ticks as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    } * mag;
    step.max(1.0)
}

pub(super) fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// One labelled horizontal bar.
pub(super) struct Bar {
    label: String,
    value: f64,
    color: &'static str,
}

impl Bar {
    pub(super) fn new(label: &str, value: f64, color: &'static str) -> Bar {
        Bar {
            label: label.to_string(),
            value: if value.is_finite() {
                value.max(0.0)
            } else {
                0.0
            },
            color,
        }
    }
}

/// Horizontal bars, one per row, with the label on the left and the value on the right.
pub(super) fn hbar_chart(label: &str, rows: &[Bar], unit: &str) -> String {
    if rows.is_empty() {
        return empty_chart(label);
    }
    let (w, label_w, bar_w, row_h) = (520.0, 160.0, 300.0, 22.0);
    let h = rows.len() as f64 * row_h + 8.0;
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let scale = if max > 0.0 { bar_w / max } else { 0.0 };
    let mut s = svg_open(label, w, h);
    for (i, r) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let len = (r.value * scale).max(if r.value > 0.0 { 1.0 } else { 0.0 });
        let shown = truncate(&r.label, 24);
        put!(
            s,
            "<g><title>{}: {}{}</title><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w:.1}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{:.1}\" fill=\"{}\"></rect><text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
            escape(&r.label),
            escape(&fmt_count(r.value)),
            escape(unit),
            label_w - 6.0,
            y + 15.0,
            escape(&shown),
            y + 3.0,
            row_h - 6.0,
            escape(r.color),
            label_w + len + 5.0,
            y + 15.0,
            escape(&fmt_count(r.value))
        );
    }
    put!(
        s,
        "<line class=\"axis\" x1=\"{label_w:.1}\" y1=\"2\" x2=\"{label_w:.1}\" y2=\"{:.1}\"></line></svg>\n",
        h - 2.0
    );
    s
}

/// One column of a (stacked) column chart.
pub(super) struct Column {
    pub(super) label: String,
    /// (series, value, colour), stacked bottom to top.
    pub(super) parts: Vec<(String, f64, &'static str)>,
}

/// Vertical (stacked) columns on a value axis, the columns labelled below (as many labels
/// as fit).
pub(super) fn column_chart(label: &str, cols: &[Column], plot_h: f64) -> String {
    if cols.is_empty() {
        return empty_chart(label);
    }
    let (w, left, right, top, bottom) = (720.0, 46.0, 10.0, 10.0, 26.0);
    let plot_w = w - left - right;
    let h = top + plot_h + bottom;
    let totals: Vec<f64> = cols
        .iter()
        .map(|c| {
            c.parts
                .iter()
                .map(|p| if p.1.is_finite() { p.1.max(0.0) } else { 0.0 })
                .sum()
        })
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let step = nice_step(max, 4);
    let axis_max = ((max / step).ceil() * step).max(step);
    let y_of = |v: f64| top + plot_h - v / axis_max * plot_h;
    let mut s = svg_open(label, w, h);
    // Value axis and grid.
    let mut v = 0.0;
    while v <= axis_max + 1e-9 {
        let y = y_of(v);
        put!(
            s,
            "<line class=\"grid\" x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"></line><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 5.0,
            y + 4.0,
            fmt_count(v)
        );
        v += step;
    }
    let n = cols.len() as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.72).clamp(1.0, 48.0);
    let max_labels = (plot_w / 78.0).floor().max(1.0) as usize;
    let every = cols.len().div_ceil(max_labels).max(1);
    for (i, (c, total)) in cols.iter().zip(&totals).enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        put!(s, "<g><title>{}: {}", escape(&c.label), fmt_count(*total));
        if c.parts.len() > 1 {
            for (series, value, _) in &c.parts {
                put!(s, "\n{}: {}", escape(series), fmt_count(*value));
            }
        }
        s.push_str("</title>");
        let mut base = 0.0;
        for (_, value, color) in &c.parts {
            let value = if value.is_finite() {
                value.max(0.0)
            } else {
                0.0
            };
            if value <= 0.0 {
                continue;
            }
            let (y1, y0) = (y_of(base + value), y_of(base));
            put!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"></rect>",
                (y0 - y1).max(0.5),
                escape(color)
            );
            base += value;
        }
        // An invisible full-height target so that the tooltip shows over small columns.
        put!(
            s,
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{slot:.1}\" height=\"{plot_h:.1}\" fill=\"transparent\"></rect></g>",
            left + slot * i as f64
        );
        if i % every == 0 {
            // Kept inside the chart: about 6.5 units per character at this size.
            let half = c.label.chars().count() as f64 * 3.25;
            let cx = (x + bar / 2.0).min(w - half - 1.0).max(half + 1.0);
            put!(
                s,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                top + plot_h + 16.0,
                escape(&c.label)
            );
        }
    }
    put!(
        s,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"></line></svg>\n",
        top + plot_h,
        w - right
    );
    s
}

/// A single horizontal bar split into a share and the rest.
pub(super) fn meter(label: &str, fraction: f64, yes: &str, no: &str) -> String {
    let f = fraction.clamp(0.0, 1.0);
    let (w, bar_w) = (640.0, 600.0);
    let mut s = svg_open(
        &format!(
            "{label}: {:.1}% {yes}, {:.1}% {no}",
            f * 100.0,
            (1.0 - f) * 100.0
        ),
        w,
        58.0,
    );
    put!(
        s,
        "<g><title>{:.1}% {}</title><rect x=\"0\" y=\"4\" width=\"{:.1}\" height=\"24\" fill=\"#009e73\"></rect></g>\
         <g><title>{:.1}% {}</title><rect x=\"{:.1}\" y=\"4\" width=\"{:.1}\" height=\"24\" fill=\"#d9dee3\"></rect></g>\
         <text x=\"0\" y=\"48\">{:.1}% {}</text><text x=\"{bar_w:.1}\" y=\"48\" text-anchor=\"end\">{:.1}% {}</text></svg>\n",
        f * 100.0,
        escape(yes),
        f * bar_w,
        (1.0 - f) * 100.0,
        escape(no),
        f * bar_w,
        (1.0 - f) * bar_w,
        f * 100.0,
        escape(yes),
        (1.0 - f) * 100.0,
        escape(no)
    );
    s
}

/// An alert's window on the time axis.
type Band<'a> = (DateTime<Utc>, DateTime<Utc>, &'a AlertRow);

/// The time axis of a timeline: one lane per detector with the alert windows as bands
/// (coloured by severity, linked to the alert), one strip with a mark per event, and a
/// time axis with ticks at round times.
pub(super) fn timeline_svg(t: &Timeline) -> String {
    let events: Vec<(DateTime<Utc>, &TimelineEvent)> = t
        .events
        .iter()
        .flatten()
        .filter_map(|e| {
            e.event
                .get("ts")
                .and_then(Value::as_str)
                .and_then(parse_time)
                .map(|ts| (ts, e))
        })
        .collect();
    let bands: Vec<Band> = t
        .alerts
        .iter()
        .filter_map(|a| {
            let s = parse_time(&a.window_start)?;
            let e = parse_time(&a.window_end).unwrap_or(s);
            Some((s, e.max(s), a))
        })
        .collect();
    let data_min = events
        .iter()
        .map(|e| e.0)
        .chain(bands.iter().map(|b| b.0))
        .min();
    let data_max = events
        .iter()
        .map(|e| e.0)
        .chain(bands.iter().map(|b| b.1))
        .max();
    let from = parse_time(&t.from).or(data_min);
    let to = parse_time(&t.to).or(data_max);
    let label = format!(
        "Timeline of {} from {} to {}: {} alert(s){}",
        t.user,
        from.map_or_else(
            || t.from.clone(),
            |f| f.format("%Y-%m-%d %H:%M UTC").to_string()
        ),
        to.map_or_else(
            || t.to.clone(),
            |f| f.format("%Y-%m-%d %H:%M UTC").to_string()
        ),
        t.alerts.len(),
        t.events
            .as_ref()
            .map_or(String::new(), |e| format!(", {} event(s)", e.len()))
    );
    let (Some(mut from), Some(mut to)) = (from, to) else {
        return empty_chart(&label);
    };
    if to <= from {
        from -= chrono::Duration::minutes(30);
        to = from + chrono::Duration::hours(1);
    }
    let span_ms = ((to - from).num_milliseconds() as f64).max(1.0);
    let (w, left, right, top) = (960.0, 190.0, 12.0, 8.0);
    let plot_w = w - left - right;
    let x_of = |ts: DateTime<Utc>| -> f64 {
        let ms = (ts - from).num_milliseconds() as f64;
        left + (ms / span_ms).clamp(0.0, 1.0) * plot_w
    };
    let mut lanes: BTreeMap<String, Vec<&Band>> = BTreeMap::new();
    for b in &bands {
        lanes
            .entry(format!("{}/{}", b.2.detector, b.2.kind))
            .or_default()
            .push(b);
    }
    let lane_h = 20.0;
    let strip_h = 30.0;
    let lanes_h = lanes.len() as f64 * (lane_h + 4.0);
    let strip_top = top + lanes_h + if lanes.is_empty() { 0.0 } else { 6.0 };
    let axis_y = strip_top
        + if t.events.is_some() {
            strip_h + 6.0
        } else {
            0.0
        };
    let h = axis_y + 30.0;
    let mut s = svg_open(&label, w, h);
    for (i, (detector, bs)) in lanes.iter().enumerate() {
        let y = top + i as f64 * (lane_h + 4.0);
        put!(
            s,
            "<rect x=\"{left:.1}\" y=\"{y:.1}\" width=\"{plot_w:.1}\" height=\"{lane_h:.1}\" fill=\"#f3f5f7\"></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 14.0,
            escape(&truncate(detector, 30))
        );
        for (start, end, a) in bs {
            let x1 = x_of(*start);
            let x2 = x_of(*end);
            let bw = (x2 - x1).max(3.0);
            put!(
                s,
                "<a href=\"{}\"><g><title>{} · {}/{} · {} · {}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"0.75\" stroke=\"{}\"></rect></g></a>",
                escape(&alert_href(&a.alert_id)),
                escape(&a.alert_id),
                escape(&a.detector),
                escape(&a.kind),
                escape(&a.severity),
                escape(&window(&a.window_start, &a.window_end)),
                x1.min(left + plot_w - bw),
                y + 2.0,
                lane_h - 4.0,
                severity_color(&a.severity),
                severity_color(&a.severity)
            );
        }
    }
    if t.events.is_some() {
        put!(
            s,
            "<rect x=\"{left:.1}\" y=\"{strip_top:.1}\" width=\"{plot_w:.1}\" height=\"{strip_h:.1}\" fill=\"#fafbfc\" stroke=\"#e3e7eb\"></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">lookups</text>",
            left - 6.0,
            strip_top + 19.0
        );
        for (ts, e) in &events {
            let x = x_of(*ts);
            let hit = !e.alert_ids.is_empty();
            let subject = subject_summary(&e.event);
            put!(
                s,
                "<g><title>{} · {}{}{}</title><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"{}\"></line></g>",
                escape(&ts.format("%Y-%m-%d %H:%M:%S").to_string()),
                escape(&event_field(&e.event, "action").unwrap_or_default()),
                if subject.is_empty() { String::new() } else { format!(" · {}", escape(&subject)) },
                if hit { format!(" · in {}", escape(&e.alert_ids.join(", "))) } else { String::new() },
                strip_top + if hit { 2.0 } else { 8.0 },
                strip_top + strip_h - if hit { 2.0 } else { 8.0 },
                if hit { "#a4161a" } else { "#5b6670" },
                if hit { "1.6" } else { "1" }
            );
        }
    }
    // The time axis.
    put!(
        s,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\"></line>",
        left + plot_w
    );
    let span_s = span_ms / 1000.0;
    const STEPS: [i64; 16] = [
        60,
        300,
        900,
        1800,
        3600,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        86_400,
        2 * 86_400,
        7 * 86_400,
        14 * 86_400,
        30 * 86_400,
        91 * 86_400,
        365 * 86_400,
        3650 * 86_400,
    ];
    let step = STEPS
        .iter()
        .copied()
        .find(|st| span_s / *st as f64 <= 10.0)
        .unwrap_or(36_500 * 86_400);
    let fmt = if step >= 86_400 {
        "%Y-%m-%d"
    } else if span_s > 86_400.0 {
        "%m-%d %H:%M"
    } else {
        "%H:%M"
    };
    let first = from.timestamp().div_euclid(step) * step
        + if from.timestamp() % step == 0 {
            0
        } else {
            step
        };
    let mut tick = first;
    let mut drawn = 0;
    while tick <= to.timestamp() && drawn < 40 {
        if let Some(ts) = DateTime::<Utc>::from_timestamp(tick, 0) {
            let x = x_of(ts);
            put!(
                s,
                "<line class=\"axis\" x1=\"{x:.1}\" y1=\"{axis_y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"></line><line class=\"grid\" x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{axis_y:.1}\" stroke-dasharray=\"2 3\"></line><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                axis_y + 5.0,
                axis_y + 18.0,
                escape(&ts.format(fmt).to_string())
            );
        }
        tick += step;
        drawn += 1;
    }
    s.push_str("</svg>\n");
    s
}
