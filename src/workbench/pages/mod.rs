//! The workbench's HTML pages (`custodes serve`): plain server-rendered HTML with forms
//! and inline SVG charts. No page needs JavaScript and none fetches anything from
//! elsewhere: one inline stylesheet ([`STYLE`]) serves every page, and every chart is SVG
//! drawn here, with a `<title>` tooltip on each mark, text labels, and `role="img"` with an
//! `aria-label` that says what it shows.
//!
//! This module only renders. It must not read the store and it must not decide who sees
//! what: it prints the view structs of [`super::view`] it is given, which are already
//! pseudonymised for viewers who do not see names, and it prints nothing that is not in
//! them. A field that is `None` (the reason, evidence and events an oversight viewer gets
//! none of) is left out, never shown as a placeholder. The only role checks here hide
//! controls the server would refuse anyway (triage, exports and exceptions for the
//! oversight role, changing exceptions for anyone but an admin).
//!
//! Every value put into HTML, text and attribute values alike, goes through [`escape`];
//! every value put into a URL goes through [`url_encode`] first.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::store::workbench::{Exception, Role, STATUSES};
use crate::workbench::view::{
    AlertDetail, AlertRow, Filter, Overview, Paged, RankedUser, Timeline, TimelineEvent, Viewer,
};

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! put {
    ($s:expr, $($t:tt)*) => {
        let _ = write!($s, $($t)*);
    };
}

/// Who is looking, and the session's CSRF token for the forms of the page.
pub struct Page<'a> {
    pub viewer: &'a Viewer,
    pub csrf: &'a str,
}

mod charts;
mod colours;
mod parts;
mod style;

use charts::*;
use colours::*;
pub use parts::*;
pub(crate) use style::{META_CSP, STYLE};

fn layout(p: Option<&Page>, title: &str, active: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + STYLE.len() + 2048);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str("<meta name=\"referrer\" content=\"same-origin\">\n");
    s.push_str("<meta name=\"robots\" content=\"noindex, nofollow\">\n");
    s.push_str(META_CSP);
    put!(s, "\n<title>{} · custodes</title>\n", escape(title));
    put!(s, "<style>{STYLE}</style>\n</head>\n<body>\n");
    if let Some(p) = p {
        s.push_str(&nav(p, active));
    }
    put!(s, "<main>\n{body}\n</main>\n");
    s.push_str(
        "<footer>custodes · every alert is a reason to look, never a finding of misconduct.</footer>\n</body>\n</html>\n",
    );
    s
}

fn nav(p: &Page, active: &str) -> String {
    let mut s = String::from(
        "<header class=\"top\"><nav aria-label=\"Main\"><a class=\"brand\" href=\"/\">custodes</a><ul>",
    );
    let mut items = vec![
        ("overview", "/", "Overview"),
        ("alerts", "/alerts", "Alerts"),
        ("users", "/users", "Users"),
    ];
    // Searching who looked up a person names people: not for the oversight role.
    if p.viewer.role.sees_names() {
        items.push(("lookups", "/lookups", "Lookups"));
    }
    // Exceptions are an admin's; the server refuses them to the other roles.
    if p.viewer.role == Role::Admin {
        items.push(("exceptions", "/exceptions", "Exceptions"));
    }
    for (key, href, label) in items {
        let current = if key == active {
            " aria-current=\"page\""
        } else {
            ""
        };
        put!(s, "<li><a href=\"{href}\"{current}>{label}</a></li>");
    }
    put!(
        s,
        "</ul><div class=\"who\"><span>{} · {}</span>\
         <form class=\"inline\" method=\"post\" action=\"/logout\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button type=\"submit\">Log out</button></form></div></nav></header>\n",
        escape(&p.viewer.name),
        escape(role_label(p.viewer.role)),
        escape(p.csrf)
    );
    s
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Investigator => "investigator",
        Role::Oversight => "oversight (pseudonymised)",
        Role::Admin => "admin",
    }
}

// ---------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------

/// "Who looked up this person" (issue 16): the search form (GET, so a search is a link an
/// investigator can keep) and, when a search ran, each login's lookups with how they
/// matched and their case. `note` says why no search ran (no reference data, bad input).
pub fn lookups(
    p: &Page,
    c: &crate::lookups::Criteria,
    r: Option<&crate::lookups::Report>,
    note: Option<&str>,
) -> String {
    let mut b = String::from("<h1>Who looked up this person</h1>\n");
    b.push_str("<p class=\"muted\">Every lookup that resolves to the person, graded as the detectors grade them. Each search is recorded in the access log with its criteria.</p>\n");
    b.push_str("<form class=\"filters\" method=\"get\" action=\"/lookups\">\n");
    let field = |b: &mut String, name: &str, label: &str, v: &Option<String>| {
        put!(
            b,
            "<label>{label}<input name=\"{name}\" value=\"{}\"></label>\n",
            escape(v.as_deref().unwrap_or(""))
        );
    };
    field(&mut b, "person_id", "Person id", &c.person_id);
    field(&mut b, "name", "Name", &c.name);
    field(&mut b, "dob", "Date of birth", &c.dob);
    field(&mut b, "plate", "Plate", &c.plate);
    field(&mut b, "phone", "Phone", &c.phone);
    field(&mut b, "address", "Address", &c.address);
    field(&mut b, "from", "From", &c.from);
    field(&mut b, "to", "To", &c.to);
    b.push_str("<button type=\"submit\">Search</button>\n</form>\n");
    if let Some(n) = note {
        put!(
            b,
            "<div class=\"notice\" role=\"status\">{}</div>\n",
            escape(n)
        );
    }
    if let Some(r) = r {
        put!(
            b,
            "<h2>{} lookups by {} logins</h2>\n<p>Person: {}</p>\n",
            r.lookups,
            r.logins.len(),
            escape(&r.person.join(" = "))
        );
        for l in &r.logins {
            put!(
                b,
                "<h3><a href=\"{}\">{}</a> · {}</h3>\n",
                escape(&timeline_href(&l.user, None, None)),
                escape(&l.user),
                login_counts(l)
            );
            put!(
                b,
                "<table class=\"data lookups\"><thead>{HIT_HEADER}</thead><tbody>\n"
            );
            for h in &l.hits {
                b.push_str(&hit_row(h));
            }
            b.push_str("</tbody></table>\n");
        }
    }
    layout(Some(p), "Lookups", "lookups", &b)
}

/// The login form (POST `/login`, fields `name` and `password`). It carries no CSRF token:
/// there is no session yet, and the server refuses cross-site posts by their `Origin`.
pub fn login(error: Option<&str>) -> String {
    let mut b = String::from("<div class=\"login\">\n<h1>custodes</h1>\n");
    b.push_str("<p class=\"muted\">Audit of who looked up whom. Sign in to continue.</p>\n");
    if let Some(e) = error {
        put!(
            b,
            "<div class=\"notice warn\" role=\"alert\">{}</div>\n",
            escape(e)
        );
    }
    b.push_str(
        "<form class=\"stack\" method=\"post\" action=\"/login\">\n\
         <label for=\"name\">Name<input id=\"name\" name=\"name\" autocomplete=\"username\" required autofocus></label>\n\
         <label for=\"password\">Password<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\n\
         <div><button type=\"submit\">Log in</button></div>\n</form>\n</div>",
    );
    layout(None, "Log in", "", &b)
}

/// Counts and charts over the whole store.
pub fn overview(p: &Page, o: &Overview) -> String {
    let mut b = String::from("<h1>Overview</h1>\n");
    let open = o.by_status.get("open").copied().unwrap_or(0);
    let triaged: usize = o
        .by_status
        .iter()
        .filter(|(k, _)| k.as_str() != "open")
        .map(|(_, n)| n)
        .sum();
    b.push_str("<div class=\"cards\">\n");
    let explained = o
        .explained_fraction
        .filter(|f| f.is_finite())
        .map_or_else(|| "unknown".to_string(), |f| format!("{:.1}%", f * 100.0));
    for (n, l) in [
        (o.alerts.to_string(), "alerts"),
        (open.to_string(), "open (never triaged or reopened)"),
        (triaged.to_string(), "triaged"),
        (o.events.to_string(), "events kept"),
        (explained, "lookups explained by a case"),
        (o.suppressed_rules.to_string(), "active exception rules"),
        (o.source_gaps.len().to_string(), "gaps in followed files"),
    ] {
        put!(
            b,
            "<div class=\"card\"><div class=\"n\">{}</div><div class=\"l\">{}</div></div>\n",
            escape(&n),
            escape(l)
        );
    }
    b.push_str("</div>\n");
    if !o.source_gaps.is_empty() {
        b.push_str("<h2>Input that could not be read</h2>\n<p class=\"muted\">Alerts resting on these bytes may be missing.</p>\n<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Source</th><th>File</th><th class=\"num\">From byte</th><th class=\"num\">To byte</th><th>Reason</th><th>Found</th></tr></thead><tbody>");
        for g in &o.source_gaps {
            put!(
                b,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(&g.source),
                escape(&g.file),
                g.from_byte,
                g.to_byte.map_or_else(|| "unknown".to_string(), |t| t.to_string()),
                escape(&g.reason),
                escape(&g.found_at)
            );
        }
        b.push_str("</tbody></table></div>\n");
    }

    // Alerts over time, stacked by detector.
    b.push_str("<h2>Alerts per ISO week, by detector</h2>\n");
    let detectors = weekly_chart(&mut b, "detector", &o.by_week, detector_color);
    if !o.by_week.is_empty() {
        b.push_str("<details><summary>The numbers behind the chart</summary><div class=\"scroll\"><table class=\"data\"><thead><tr><th>Week</th>");
        for d in &detectors {
            put!(b, "<th class=\"num\">{}</th>", escape(d));
        }
        b.push_str("<th class=\"num\">total</th></tr></thead><tbody>");
        for (week, per) in &o.by_week {
            put!(b, "<tr><td>{}</td>", escape(week));
            for d in &detectors {
                put!(
                    b,
                    "<td class=\"num\">{}</td>",
                    per.get(d).copied().unwrap_or(0)
                );
            }
            put!(
                b,
                "<td class=\"num\">{}</td></tr>",
                per.values().sum::<usize>()
            );
        }
        b.push_str("</tbody></table></div></details>\n");
    }

    b.push_str("<div class=\"grid2\"><section>\n<h2>Alerts per ISO week, by severity</h2>\n");
    weekly_chart(&mut b, "severity", &o.by_week_severity, severity_color);
    b.push_str("</section><section>\n<h2>Alerts per ISO week, by unit</h2>\n");
    weekly_chart(&mut b, "unit", &o.by_week_unit, detector_color);
    b.push_str("</section></div>\n");

    b.push_str(&super::learning::overview_section(&o.dispositions));

    // Latest week against the calendar week before.
    b.push_str("<h2>Week over week</h2>\n");
    if o.week_over_week.is_empty() {
        b.push_str("<p class=\"muted\">No weeks with alerts yet.</p>\n");
    } else {
        let this = o
            .by_week
            .keys()
            .next_back()
            .map_or("latest week", |w| w.as_str());
        let before_key = crate::workbench::view::previous_week(this);
        let before = before_key.as_deref().unwrap_or("week before");
        put!(
            b,
            "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Detector</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">change</th></tr></thead><tbody>\n",
            escape(this),
            escape(before)
        );
        for (d, (now, then)) in &o.week_over_week {
            put!(
                b,
                "<tr><td>{}</td><td class=\"num\">{now}</td><td class=\"num\">{then}</td><td class=\"num\">{}</td></tr>\n",
                escape(d),
                escape(&change(*now, *then))
            );
        }
        b.push_str("</tbody></table></div>\n");
    }

    b.push_str("<div class=\"grid2\"><section>\n<h2>By severity</h2>\n");
    let mut sev: Vec<(&String, &usize)> = o.by_severity.iter().collect();
    sev.sort_by_key(|(s, _)| std::cmp::Reverse(crate::alert::Severity::rank_of(s)));
    let rows: Vec<Bar> = sev
        .iter()
        .map(|(s, n)| Bar::new(s, **n as f64, severity_color(s)))
        .collect();
    b.push_str(&hbar_chart("Alerts by severity", &rows, ""));

    b.push_str("</section><section>\n<h2>Open and triaged</h2>\n");
    let mut statuses: Vec<(&String, &usize)> = o.by_status.iter().collect();
    statuses.sort_by_key(|(s, _)| {
        STATUSES
            .iter()
            .position(|k| k == &s.as_str())
            .unwrap_or(STATUSES.len())
    });
    let rows: Vec<Bar> = statuses
        .iter()
        .map(|(s, n)| Bar::new(s, **n as f64, status_color(s)))
        .collect();
    b.push_str(&hbar_chart("Alerts by triage status", &rows, ""));
    b.push_str("</section></div>\n");

    b.push_str("<div class=\"grid2\"><section>\n<h2>By unit</h2>\n");
    let mut units: Vec<(&String, &usize)> = o.by_unit.iter().collect();
    units.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    const MAX_UNITS: usize = 20;
    let mut rows: Vec<Bar> = units
        .iter()
        .take(MAX_UNITS)
        .map(|(u, n)| Bar::new(u, **n as f64, "#0b5cad"))
        .collect();
    if units.len() > MAX_UNITS {
        let rest: usize = units.iter().skip(MAX_UNITS).map(|(_, n)| **n).sum();
        rows.push(Bar::new(
            &format!("{} other units", units.len() - MAX_UNITS),
            rest as f64,
            "#8c8c8c",
        ));
    }
    b.push_str(&hbar_chart("Alerts by unit of the login", &rows, ""));

    b.push_str("</section><section>\n<h2>Lookups explained by a case</h2>\n");
    match o.explained_fraction.filter(|f| f.is_finite()) {
        Some(f) => b.push_str(&meter(
            "Share of lookups explained by an assigned case",
            f,
            "explained",
            "without a case that explains them",
        )),
        None => b.push_str(
            "<p class=\"muted\">Unknown: no run that filled this store recorded how many lookups a case explained.</p>\n",
        ),
    }
    b.push_str("</section></div>\n");

    put!(b, "<h2>Events per day</h2>\n");
    let days: Vec<Column> = o
        .events_by_day
        .iter()
        .map(|(d, n)| Column {
            label: d.clone(),
            parts: vec![("events".to_string(), (*n).max(0) as f64, "#5b7fa6")],
        })
        .collect();
    let first = o.events_by_day.first().map_or("", |d| d.0.as_str());
    let last = o.events_by_day.last().map_or("", |d| d.0.as_str());
    b.push_str(&column_chart(
        &format!(
            "Bar chart of events kept per UTC day, {} day(s) from {first} to {last}, {} events in all",
            o.events_by_day.len(),
            o.events
        ),
        &days,
        120.0,
    ));
    put!(
        b,
        "<p class=\"muted\">{} active exception rule(s) hide the alerts they match{}.</p>\n",
        o.suppressed_rules,
        if p.viewer.role == Role::Admin {
            " (see <a href=\"/exceptions\">Exceptions</a>)"
        } else {
            ""
        }
    );
    layout(Some(p), "Overview", "overview", &b)
}

/// The alert list: a filter form and a table, one page at a time.
pub fn alerts(p: &Page, list: &Paged<AlertRow>, f: &Filter) -> String {
    let rows = &list.rows;
    let mut b = String::from("<h1>Alerts</h1>\n");
    b.push_str(&filter_form("/alerts", f));
    put!(
        b,
        "<p class=\"muted\">{} alert(s), most serious first.</p>\n",
        list.total
    );
    if rows.is_empty() && list.total == 0 {
        b.push_str("<p>No alert matches these filters.</p>\n");
    } else {
        b.push_str(&pager("/alerts", f, list, "Alerts"));
        if rows.is_empty() {
            b.push_str("<p>No alert on this page.</p>\n");
        } else {
            b.push_str(&alert_table(rows, true));
            b.push_str(&pager("/alerts", f, list, "Alerts"));
        }
    }
    layout(Some(p), "Alerts", "alerts", &b)
}

/// Logins ranked by risk, with the same filter form, one page at a time.
pub fn ranked(p: &Page, list: &Paged<RankedUser>, f: &Filter) -> String {
    let users = &list.rows;
    let mut b = String::from("<h1>Users by risk</h1>\n");
    b.push_str(&filter_form("/users", f));
    b.push_str("<p class=\"muted\">Risk is the sum of the scores of a login's alerts: many serious alerts rank first.</p>\n");
    if users.is_empty() && list.total == 0 {
        b.push_str("<p>No login has an alert matching these filters.</p>\n");
        return layout(Some(p), "Users", "users", &b);
    }
    b.push_str(&pager("/users", f, list, "Logins"));
    if users.is_empty() {
        b.push_str("<p>No login on this page.</p>\n");
        return layout(Some(p), "Users", "users", &b);
    }
    if list.page == 1 {
        let top: Vec<Bar> = users
            .iter()
            .take(15)
            .map(|u| Bar::new(&u.user, u.risk, severity_color(&u.worst)))
            .collect();
        b.push_str(&hbar_chart(
            &format!(
                "Risk of the {} riskiest login(s), coloured by their worst alert",
                top.len()
            ),
            &top,
            "",
        ));
    }
    b.push_str("<div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"num\">#</th><th>Login</th><th>Unit</th><th class=\"num\">Risk</th><th class=\"num\">Alerts</th><th>Worst</th><th>Why</th></tr></thead><tbody>\n");
    for (i, u) in users.iter().enumerate() {
        let reasons: Vec<String> = u
            .reasons
            .iter()
            .map(|(k, n)| format!("{} ×{n}", escape(k)))
            .collect();
        put!(
            b,
            "<tr><td class=\"num\">{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
            list.first() + i,
            escape(&timeline_href(&u.user, f.from.as_deref(), f.to.as_deref())),
            escape(&u.user),
            escape(u.unit.as_deref().unwrap_or("")),
            num(u.risk, 2),
            u.alerts,
            severity_badge(&u.worst),
            reasons.join("<br>")
        );
    }
    b.push_str("</tbody></table></div>\n");
    b.push_str(&pager("/users", f, list, "Logins"));
    layout(Some(p), "Users", "users", &b)
}

/// One alert: its facts, reason, evidence, events, triage history and triage form.
pub fn alert(p: &Page, d: &AlertDetail) -> String {
    let a = &d.alert;
    let mut b = String::new();
    put!(
        b,
        "<h1>Alert <span class=\"mono\">{}</span> {}</h1>\n",
        escape(&a.alert_id),
        severity_badge(&a.severity)
    );
    b.push_str(&alert_facts(a));
    if let Some(r) = &a.reason {
        put!(
            b,
            "<h2>Reason</h2>\n<p class=\"reason\">{}</p>\n",
            escape(r)
        );
    }
    if let Some(ev) = &d.evidence {
        b.push_str("<h2>Evidence</h2>\n");
        b.push_str(&evidence_html(ev));
        put!(
            b,
            "<details><summary>Evidence as JSON</summary><pre>{}</pre></details>\n",
            escape(&serde_json::to_string_pretty(ev).unwrap_or_default())
        );
    }
    if let Some(events) = &d.events {
        put!(b, "<h2>Events ({})</h2>\n", events.len());
        if events.len() < d.event_ids.len() {
            put!(
                b,
                "<p class=\"notice warn\">The alert rests on {} events; the store keeps {} of them.</p>\n",
                d.event_ids.len(),
                events.len()
            );
        }
        let rows: Vec<(&Value, &[String], &[String])> =
            events.iter().map(|e| (e, &[][..], &[][..])).collect();
        b.push_str(&events_table(&rows, false));
    }
    if a.reason.is_none() && d.evidence.is_none() && d.events.is_none() {
        b.push_str("<p class=\"notice\">The reason, the evidence and the events of this alert name people; they are not part of this view.</p>\n");
    }

    b.push_str("<h2>Triage history</h2>\n");
    if d.triage.is_empty() {
        b.push_str("<p class=\"muted\">No decision recorded yet: the alert is open.</p>\n");
    } else {
        put!(
            b,
            "<div class=\"scroll\">{}</div>\n",
            triage_table(&d.triage)
        );
    }

    if p.viewer.role != Role::Oversight {
        b.push_str("<h2>Record a decision</h2>\n");
        put!(
            b,
            "<form class=\"stack\" method=\"post\" action=\"{}/triage\">\n<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n<label>Status<select name=\"status\">",
            escape(&alert_href(&a.alert_id)),
            escape(p.csrf)
        );
        for s in STATUSES {
            let sel = if s == a.status { " selected" } else { "" };
            put!(
                b,
                "<option value=\"{}\"{sel}>{}</option>",
                escape(s),
                escape(&s.replace('_', " "))
            );
        }
        put!(
            b,
            "</select></label>\n<label>Assignee<input name=\"assignee\" value=\"{}\" autocomplete=\"off\"></label>\n<label>Note<textarea name=\"note\" rows=\"3\"></textarea></label>\n<div><button type=\"submit\">Record decision</button></div>\n</form>\n",
            escape(a.assignee.as_deref().unwrap_or(""))
        );
        let href = alert_href(&a.alert_id);
        put!(
            b,
            "<h2>Evidence packet</h2>\n<p class=\"exports\"><a href=\"{0}/export.html\">Download as HTML</a><a href=\"{0}/export.csv\">Download events as CSV</a></p>\n<p class=\"muted\">Every export is recorded, with its SHA-256, in the access log.</p>\n",
            escape(&href)
        );
    }
    layout(Some(p), &format!("Alert {}", a.alert_id), "alerts", &b)
}

/// One login's activity between two times: a time axis, its alerts and its events.
pub fn timeline(p: &Page, t: &Timeline) -> String {
    let mut b = String::new();
    put!(b, "<h1>Timeline of {}</h1>\n", escape(&t.user));
    let mut facts = String::from("<dl class=\"facts\">");
    if let Some(u) = &t.unit {
        put!(facts, "<dt>Unit</dt><dd>{}</dd>", escape(u));
    }
    let shown_from = range_bound(&t.from);
    let shown_to = range_bound(&t.to);
    put!(
        facts,
        "<dt>From</dt><dd>{}</dd><dt>To</dt><dd>{}</dd><dt>Alerts</dt><dd>{}</dd>",
        escape(
            shown_from
                .as_deref()
                .map_or("the first event kept".into(), short_ts)
                .as_str()
        ),
        escape(
            shown_to
                .as_deref()
                .map_or("the last event kept".into(), short_ts)
                .as_str()
        ),
        t.alerts.len()
    );
    if let Some(ev) = &t.events {
        put!(
            facts,
            "<dt>Events</dt><dd>{}</dd>",
            t.events_total.unwrap_or(ev.len())
        );
    }
    facts.push_str("</dl>\n");
    b.push_str(&facts);
    put!(
        b,
        "<form class=\"filters\" method=\"get\" action=\"/users/{}/timeline\">\
         <label>From<input name=\"from\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"22\"></label>\
         <label>To<input name=\"to\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"22\"></label>\
         <button type=\"submit\">Show</button></form>\n",
        escape(&url_encode(&t.user)),
        escape(shown_from.as_deref().unwrap_or("")),
        escape(shown_to.as_deref().unwrap_or(""))
    );
    b.push_str(&timeline_svg(t));
    b.push_str(&legend(&[
        ("critical".into(), severity_color("critical")),
        ("high".into(), severity_color("high")),
        ("medium".into(), severity_color("medium")),
        ("low".into(), severity_color("low")),
    ]));

    put!(b, "<h2>Alerts ({})</h2>\n", t.alerts.len());
    if t.alerts.is_empty() {
        b.push_str("<p class=\"muted\">No alert in this range.</p>\n");
    } else {
        b.push_str(&alert_table(&t.alerts, false));
    }
    if let Some(events) = &t.events {
        let total = t.events_total.unwrap_or(events.len());
        put!(b, "<h2>Events ({})</h2>\n", total);
        if total > events.len() || t.page > 1 {
            // A busy login's period is thousands of lookups: one page of them at a time.
            let f = Filter {
                from: shown_from.clone(),
                to: shown_to.clone(),
                ..Filter::default()
            };
            let paged = Paged {
                rows: events.iter().collect::<Vec<_>>(),
                total,
                page: t.page,
                per_page: t.per_page,
            };
            let base = format!("/users/{}/timeline", url_encode(&t.user));
            b.push_str(&pager(&base, &f, &paged, "Events"));
        }
        if events.is_empty() {
            b.push_str("<p class=\"muted\">No event kept in this range.</p>\n");
        } else {
            let rows: Vec<(&Value, &[String], &[String])> = events
                .iter()
                .map(|e: &TimelineEvent| (&e.event, e.alert_ids.as_slice(), e.matched.as_slice()))
                .collect();
            b.push_str(&events_table(&rows, true));
        }
    }
    if p.viewer.role.sees_names() {
        let q = query(&[("from", Some(t.from.as_str())), ("to", Some(t.to.as_str()))]);
        let base = format!("/users/{}", url_encode(&t.user));
        put!(
            b,
            "<h2>Evidence packet</h2>\n<p class=\"exports\"><a href=\"{0}\">Download as HTML</a><a href=\"{1}\">Download events as CSV</a></p>\n<p class=\"muted\">Every export is recorded, with its SHA-256, in the access log.</p>\n",
            escape(&format!("{base}/export.html{q}")),
            escape(&format!("{base}/export.csv{q}"))
        );
    }
    layout(Some(p), &format!("Timeline of {}", t.user), "users", &b)
}

/// Suppression rules; for an admin, the forms to preview, add and revoke them.
pub fn exceptions(
    p: &Page,
    rules: &[Exception],
    preview: Option<(&Exception, usize)>,
    proposals: Option<&[super::learning::Proposal]>,
) -> String {
    let admin = p.viewer.role == Role::Admin;
    let mut b = String::from("<h1>Exceptions</h1>\n<p class=\"muted\">An exception hides the alerts it matches that start before it expires; a revoked rule hides nothing from its revocation on, and stays listed: rules are history.</p>\n");
    if let Some((rule, n)) = preview {
        put!(
            b,
            "<div class=\"notice\" role=\"status\">A rule matching {} would have hidden <strong>{n}</strong> past alert(s) in this store.</div>\n",
            escape(&matches_text(rule))
        );
    }
    if rules.is_empty() {
        b.push_str("<p>No rule yet.</p>\n");
    } else {
        put!(
            b,
            "<div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"num\">#</th><th>Matches</th><th>Owner</th><th>Reason</th><th>Expires</th><th>Created</th><th>State</th>{}</tr></thead><tbody>\n",
            if admin { "<th></th>" } else { "" }
        );
        for r in rules {
            let state = match &r.revoked_at {
                Some(at) => format!("revoked {}", short_ts(at)),
                None => "active".to_string(),
            };
            put!(
                b,
                "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} at {}</td><td>{}</td>",
                r.id,
                escape(&matches_text(r)),
                escape(&r.owner),
                escape(&r.reason),
                escape(r.expires.as_deref().unwrap_or("never")),
                escape(&r.created_by),
                escape(&short_ts(&r.created_at)),
                escape(&state)
            );
            if admin {
                b.push_str("<td>");
                if r.revoked_at.is_none() {
                    put!(
                        b,
                        "<form class=\"inline\" method=\"post\" action=\"/exceptions/{}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button class=\"danger\" type=\"submit\">Revoke</button></form>",
                        r.id,
                        escape(p.csrf)
                    );
                }
                b.push_str("</td>");
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</tbody></table></div>\n");
    }
    if admin {
        let pre = preview.map(|(r, _)| r);
        let v = |f: fn(&Exception) -> Option<&String>| -> String {
            escape(pre.and_then(f).map_or("", String::as_str))
        };
        let (user, detector, kind) = (
            v(|r| r.user.as_ref()),
            v(|r| r.detector.as_ref()),
            v(|r| r.kind.as_ref()),
        );
        // The preview is a GET: it is a form of its own so that the CSRF token of the
        // POST form never ends up in a URL.
        put!(
            b,
            "<h2>Preview a rule</h2>\n<p class=\"muted\">See how many past alerts a rule would have hidden before adding it. Leave a field empty to match anything.</p>\n\
             <form class=\"filters\" method=\"get\" action=\"/exceptions\"><input type=\"hidden\" name=\"preview\" value=\"1\">\
             <label>Login<input name=\"user\" value=\"{user}\"></label>\
             <label>Detector<input name=\"detector\" value=\"{detector}\" list=\"detectors\"></label>\
             <label>Kind<input name=\"kind\" value=\"{kind}\"></label>\
             <button class=\"secondary\" type=\"submit\">Preview</button></form>\n"
        );
        put!(
            b,
            "<h2>Add a rule</h2>\n<form class=\"stack\" method=\"post\" action=\"/exceptions\">\n<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n\
             <label>Login (empty: any)<input name=\"user\" value=\"{user}\"></label>\n\
             <label>Detector (empty: any)<input name=\"detector\" value=\"{detector}\" list=\"detectors\"></label>\n\
             <label>Kind (empty: any)<input name=\"kind\" value=\"{kind}\"></label>\n\
             <label>Owner (who answers for the rule)<input name=\"owner\" required></label>\n\
             <label>Reason<textarea name=\"reason\" rows=\"2\" required></textarea></label>\n\
             <label>Expires (YYYY-MM-DD, empty: never)<input name=\"expires\" placeholder=\"YYYY-MM-DD\"></label>\n\
             <div><button type=\"submit\">Add rule</button></div>\n</form>\n",
            escape(p.csrf)
        );
        b.push_str(&detector_datalist());
    }
    if let Some(proposals) = proposals {
        b.push_str(&super::learning::proposals_section(p.csrf, proposals));
    }
    layout(Some(p), "Exceptions", "exceptions", &b)
}

/// An error, "not found" or "log in first" page.
pub fn message(p: Option<&Page>, status: u16, title: &str, text: &str) -> String {
    let mut b = String::new();
    put!(
        b,
        "<h1>{} {}</h1>\n<p>{}</p>\n",
        status,
        escape(title),
        escape(text)
    );
    if status == 401 {
        b.push_str("<p><a href=\"/login\">Log in</a></p>\n");
    } else {
        b.push_str("<p><a href=\"/\">Back to the overview</a></p>\n");
    }
    layout(p, title, "", &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every detector has its own colour, and no two share one.
    #[test]
    fn every_detector_has_a_colour_of_its_own() {
        let mut seen = std::collections::BTreeMap::new();
        for d in crate::detect::registry() {
            let c = crate::detect::colour_of(d.name)
                .unwrap_or_else(|| panic!("{} has no colour in detect::FAMILIES", d.name));
            if let Some(other) = seen.insert(c, d.name) {
                panic!("{} and {other} share {c}", d.name);
            }
        }
        assert!(detector_datalist().contains("value=\"fishing\""));
    }
    use crate::store::workbench::Triage;
    use serde_json::json;

    fn paged<T>(rows: Vec<T>, total: usize) -> Paged<T> {
        Paged {
            rows,
            total,
            page: 1,
            per_page: 100,
        }
    }

    fn viewer(role: Role) -> Viewer {
        Viewer {
            name: "ia1".into(),
            role,
        }
    }

    fn row(reason: Option<&str>) -> AlertRow {
        AlertRow {
            alert_id: "al-9d48db9bfb64df5d".into(),
            detector: "association_lookup".into(),
            kind: "protected_party".into(),
            severity: "critical".into(),
            score: 0.85,
            user: "jromero".into(),
            unit: Some("TRAFFIC".into()),
            window_start: "2024-05-02T07:39:02Z".into(),
            window_end: "2024-05-02T07:39:02Z".into(),
            events: 1,
            status: "open".into(),
            assignee: None,
            reason: reason.map(str::to_string),
            person: Some("DAVIS, JOHN (DOB 2002-11-17)".into()),
        }
    }

    fn event() -> Value {
        json!({
            "id": "ev-0000706", "ts": "2024-05-02T07:39:02Z", "user": "jromero",
            "action": "query", "system": "CASEMGMT", "client": "WS-EAST-003",
            "subject_last_name": "DAVIS", "subject_first_name": "JOHN",
            "subject_phone": "1-555-014-9648", "result_count": 1,
            "query_text": "SELECT * FROM persons WHERE phone = '1-555-014-9648' AND note = \"<b>\""
        })
    }

    fn oversight_detail() -> AlertDetail {
        let mut r = row(None);
        r.user = "U-0a1b2c3d4e".into();
        r.person = Some("P-5f6a7b8c9d".into());
        r.unit = None;
        AlertDetail {
            alert: r,
            evidence: None,
            events: None,
            event_ids: vec![],
            triage: vec![],
        }
    }

    /// Every `<svg`, `<table`, `<form`, `<dl` and `<select` is closed, in order.
    fn assert_balanced(html: &str) {
        for tag in [
            "svg", "table", "form", "dl", "select", "details", "main", "html",
        ] {
            let open = html.matches(&format!("<{tag}>")).count()
                + html.matches(&format!("<{tag} ")).count();
            let close = html.matches(&format!("</{tag}>")).count();
            assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
        }
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("NaN") && !html.contains("inf\""), "{html}");
        assert!(!html.contains("<script"), "no script");
        let elsewhere = html.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !elsewhere.contains("http://") && !elsewhere.contains("https://"),
            "nothing fetched from elsewhere"
        );
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        let v = viewer(Role::Investigator);
        let p = Page {
            viewer: &v,
            csrf: "tok\"en",
        };
        let mut r = row(Some("Looked up <script>alert(1)</script> & more"));
        r.alert_id = "al-\"><img src=x>".into();
        let f = Filter {
            user: Some("\"><script>alert(2)</script>".into()),
            ..Filter::default()
        };
        let html = alerts(&p, &paged(vec![r.clone()], 1), &f);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("Looked up &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\""));
        assert!(!html.contains("<img src=x>"));
        assert!(html.contains("href=\"/alerts/al-%22%3E%3Cimg%20src%3Dx%3E\""));
        assert!(
            html.contains("value=\"tok&quot;en\""),
            "the csrf field is escaped"
        );
        assert_balanced(&html);

        let d = AlertDetail {
            alert: r,
            evidence: Some(
                json!({"matched_person": "<b>X</b>", "n": [1, 2], "nested": {"a": null}}),
            ),
            events: Some(vec![event()]),
            event_ids: vec!["ev-0000706".into()],
            triage: vec![Triage {
                alert_id: "al-1".into(),
                status: "in_review".into(),
                assignee: Some("ia2".into()),
                note: Some("<i>call</i>".into()),
                by: "ia1".into(),
                at: "2024-05-03T10:00:00Z".into(),
            }],
        };
        let html = alert(&p, &d);
        assert!(!html.contains("<b>X</b>") && html.contains("&lt;b&gt;X&lt;/b&gt;"));
        assert!(!html.contains("<i>call</i>"));
        assert!(html.contains("title=\"SELECT * FROM persons WHERE phone = &#39;1-555-014-9648&#39; AND note = &quot;&lt;b&gt;&quot;\""));
        assert!(html.contains("DAVIS, JOHN; phone 1-555-014-9648"));
        assert!(html.contains("action=\"/alerts/al-%22%3E%3Cimg%20src%3Dx%3E/triage\""));
        for s in STATUSES {
            assert!(html.contains(&format!("<option value=\"{s}\"")));
        }
        assert!(html.contains("/export.html\"") && html.contains("/export.csv\""));
        assert_balanced(&html);
    }

    #[test]
    fn url_encoding_of_path_segments() {
        assert_eq!(
            url_encode("j romero/../x?y#z"),
            "j%20romero%2F..%2Fx%3Fy%23z"
        );
        assert_eq!(url_encode("é"), "%C3%A9");
        assert_eq!(
            timeline_href("a b", Some("2024-05-01"), None),
            "/users/a%20b/timeline?from=2024-05-01"
        );
    }

    #[test]
    fn an_oversight_detail_leaks_no_placeholders_and_offers_no_triage() {
        let v = viewer(Role::Oversight);
        let p = Page {
            viewer: &v,
            csrf: "c",
        };
        let html = alert(&p, &oversight_detail());
        for leak in ["None", "null", "Some(", "undefined", "DAVIS", "jromero"] {
            assert!(!html.contains(leak), "`{leak}` in {html}");
        }
        assert!(html.contains("U-0a1b2c3d4e") && html.contains("P-5f6a7b8c9d"));
        assert!(!html.contains("/triage\""), "oversight cannot triage");
        assert!(!html.contains("export.csv"), "oversight cannot export");
        assert!(!html.contains("href=\"/exceptions\""));
        assert_balanced(&html);

        let t = Timeline {
            user: "U-0a1b2c3d4e".into(),
            unit: None,
            from: "0000".into(),
            to: "9999".into(),
            events: None,
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![oversight_detail().alert],
        };
        let html = timeline(&p, &t);
        for leak in ["None", "null", "Some(", ">0000", "\"0000", "9999"] {
            assert!(!html.contains(leak), "`{leak}` in {html}");
        }
        assert_balanced(&html);
    }

    #[test]
    fn every_page_is_well_formed() {
        for role in [Role::Investigator, Role::Oversight, Role::Admin] {
            let v = viewer(role);
            let p = Page {
                viewer: &v,
                csrf: "c",
            };
            let mut o = Overview {
                alerts: 3,
                explained_fraction: Some(0.706),
                suppressed_rules: 1,
                events: 30,
                events_by_day: vec![("2024-05-01".into(), 10), ("2024-05-02".into(), 20)],
                ..Overview::default()
            };
            o.by_status.insert("open".into(), 2);
            o.by_status.insert("confirmed".into(), 1);
            o.by_detector.insert("no_case".into(), 2);
            o.by_detector.insert("self_query".into(), 1);
            o.by_severity.insert("high".into(), 1);
            o.by_severity.insert("medium".into(), 2);
            o.by_unit.insert("TRAFFIC".into(), 3);
            o.by_week
                .entry("2024-W18".into())
                .or_default()
                .insert("no_case".into(), 2);
            o.by_week
                .entry("2024-W19".into())
                .or_default()
                .insert("self_query".into(), 1);
            o.week_over_week.insert("no_case".into(), (0, 2));
            o.week_over_week.insert("self_query".into(), (1, 0));
            o.source_gaps.push(crate::store::StoredGap {
                source: "/var/log/q.jsonl".into(),
                file: "/var/log/q.jsonl.1<".into(),
                from_byte: 10,
                to_byte: None,
                reason: "gone".into(),
                found_at: "2024-05-02T00:00:00Z".into(),
            });
            let html = overview(&p, &o);
            assert!(html.contains("70.6%") && html.contains("2024-W19"));
            assert!(
                html.contains("Input that could not be read") && html.contains("q.jsonl.1&lt;")
            );
            assert!(html.contains("role=\"img\"") && html.contains("aria-label="));
            assert!(html.contains("action=\"/logout\""));
            assert_balanced(&html);

            let users = vec![RankedUser {
                user: "j romero".into(),
                unit: None,
                risk: 1.7,
                alerts: 2,
                worst: "critical".into(),
                reasons: [("no_case/missing".to_string(), 2)].into_iter().collect(),
            }];
            let html = ranked(&p, &paged(users, 1), &Filter::default());
            assert!(html.contains("href=\"/users/j%20romero/timeline\""));
            assert_balanced(&html);

            let t = Timeline {
                user: "jromero".into(),
                unit: Some("TRAFFIC".into()),
                from: "2024-05-01".into(),
                to: "2024-05-03T23:59:59.999999Z".into(),
                events: Some(vec![
                    TimelineEvent {
                        event: event(),
                        alert_ids: vec!["al-9d48db9bfb64df5d".into()],
                        matched: vec![],
                    },
                    TimelineEvent {
                        event: json!({"id": "ev-2", "ts": "2024-05-03T12:00:00Z", "action": "query"}),
                        alert_ids: vec![],
                        matched: vec![],
                    },
                ]),
                events_total: None,
                page: 1,
                per_page: crate::workbench::view::TIMELINE_PAGE,
                alerts: vec![row(Some("r"))],
            };
            let html = timeline(&p, &t);
            assert!(html.contains("href=\"/alerts/al-9d48db9bfb64df5d\""));
            assert_eq!(
                html.contains(
                    "/users/jromero/export.csv?from=2024-05-01&amp;to=2024-05-03T23%3A59%3A59.999999Z"
                ),
                role.sees_names()
            );
            assert_eq!(
                html.contains("/users/jromero/export.html?from="),
                role.sees_names()
            );
            assert_balanced(&html);

            let rule = Exception {
                id: 7,
                user: Some("svc_bg".into()),
                detector: None,
                kind: None,
                owner: "Background checks".into(),
                reason: "service account".into(),
                expires: None,
                created_by: "admin".into(),
                created_at: "2024-05-01T00:00:00Z".into(),
                revoked_at: None,
            };
            let html = exceptions(&p, std::slice::from_ref(&rule), Some((&rule, 12)), None);
            assert!(html.contains("<strong>12</strong>"));
            assert_eq!(
                html.contains("action=\"/exceptions/7/revoke\""),
                role == Role::Admin
            );
            assert_eq!(html.contains("name=\"owner\""), role == Role::Admin);
            if role == Role::Admin {
                let get = html.find("method=\"get\" action=\"/exceptions\"").unwrap();
                let form = &html[get..get + html[get..].find("</form>").unwrap()];
                assert!(!form.contains("csrf"), "the preview GET carries no token");
                assert!(form.contains("name=\"preview\" value=\"1\""));
            }
            assert_balanced(&html);

            let html = message(Some(&p), 404, "Not Found", "no alert al-x");
            assert_balanced(&html);
        }
        let html = message(None, 401, "Unauthorized", "log in first");
        assert!(html.contains("href=\"/login\"") && !html.contains("/logout"));
        assert_balanced(&html);
        let html = login(Some("Wrong <name>"));
        assert!(html.contains("action=\"/login\"") && html.contains("name=\"password\""));
        assert!(html.contains("Wrong &lt;name&gt;") && !html.contains("csrf"));
        assert_balanced(&html);
    }

    #[test]
    fn charts_with_empty_or_degenerate_data_do_not_divide_by_zero() {
        let v = viewer(Role::Oversight);
        let p = Page {
            viewer: &v,
            csrf: "c",
        };
        let html = overview(&p, &Overview::default());
        assert!(html.contains("No data yet."));
        assert!(html.contains("Unknown: no run"));
        assert_balanced(&html);
        let mut o = Overview {
            explained_fraction: Some(f64::NAN),
            events_by_day: vec![("2024-05-01".into(), 0)],
            ..Overview::default()
        };
        o.by_severity.insert("low".into(), 0);
        o.by_week.insert("2024-W18".into(), BTreeMap::new());
        let html = overview(&p, &o);
        assert_balanced(&html);
        assert!(html.contains("explained by a case") && html.contains("unknown"));

        let html = ranked(&p, &paged(vec![], 0), &Filter::default());
        assert_balanced(&html);
        let html = alerts(&p, &paged(vec![], 0), &Filter::default());
        assert!(html.contains("No alert matches"));
        assert_balanced(&html);
        // An instantaneous range and an empty one.
        let mut t = Timeline {
            user: "U-1".into(),
            unit: None,
            from: "2024-05-02T07:39:02Z".into(),
            to: "2024-05-02T07:39:02Z".into(),
            events: Some(vec![]),
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![row(None)],
        };
        assert_balanced(&timeline(&p, &t));
        t.alerts.clear();
        t.from = "0000".into();
        t.to = "9999".into();
        let html = timeline(&p, &t);
        assert!(html.contains("No data yet."));
        assert_balanced(&html);
        assert_eq!(nice_step(0.0, 4), 1.0);
        assert_eq!(nice_step(80.0, 4), 20.0);
        assert_eq!(nice_step(3.0, 4), 1.0);
        assert_eq!(change(3, 0), "+3 (new)");
        assert_eq!(change(1, 2), "-1 (-50%)");
    }

    #[test]
    fn timeline_ticks_and_marks_fall_inside_the_axis() {
        let v = viewer(Role::Investigator);
        let p = Page {
            viewer: &v,
            csrf: "c",
        };
        let t = Timeline {
            user: "jromero".into(),
            unit: None,
            from: "2024-05-01".into(),
            to: "2024-05-08".into(),
            events: Some(vec![TimelineEvent {
                event: event(),
                alert_ids: vec![],
                matched: vec![],
            }]),
            // A window reaching past the range is clipped to it.
            events_total: None,
            page: 1,
            per_page: crate::workbench::view::TIMELINE_PAGE,
            alerts: vec![AlertRow {
                window_start: "2024-04-20T00:00:00Z".into(),
                window_end: "2024-05-20T00:00:00Z".into(),
                ..row(None)
            }],
        };
        let svg = timeline_svg(&t);
        assert!(svg.contains(">2024-05-02<") && svg.contains(">2024-05-08<"));
        for x in svg.split(" x=\"").skip(1) {
            let x: f64 = x[..x.find('"').unwrap()].parse().unwrap();
            assert!((0.0..=960.0).contains(&x), "x = {x}");
        }
        assert!(timeline(&p, &t).contains("lookups"));
    }
}
