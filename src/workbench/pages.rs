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

/// Escapes text for HTML element content and for double- or single-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a URL path segment or query value (everything but `A-Za-z0-9-_.~`).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            put!(out, "%{b:02X}");
        }
    }
    out
}

/// `?k=v&…` of the pairs with a non-empty value, encoded; empty when there are none.
fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push(if out.is_empty() { '?' } else { '&' });
            put!(out, "{}={}", url_encode(k), url_encode(v));
        }
    }
    out
}

/// The link to one page of a list with the same filters (`base` is `/alerts`, `/users`
/// or their API paths).
pub fn page_href(base: &str, f: &Filter, page: usize, per_page: usize) -> String {
    let mut pairs = f.pairs();
    pairs.push(("page", page.to_string()));
    if per_page != super::view::DEFAULT_PAGE {
        pairs.push(("per_page", per_page.to_string()));
    }
    let refs: Vec<(&str, Option<&str>)> =
        pairs.iter().map(|(k, v)| (*k, Some(v.as_str()))).collect();
    format!("{base}{}", query(&refs))
}

/// "Rows 101–200 of 734" and the links to the previous and next pages.
fn pager<T>(base: &str, f: &Filter, p: &Paged<T>, what: &str) -> String {
    let mut s = String::from("<nav class=\"pager\" aria-label=\"Pages\">");
    if p.rows.is_empty() {
        put!(
            s,
            "<span>Page {} is past the end: {} in all (page{} 1 to {})</span>",
            p.page,
            p.total,
            if p.pages() > 1 { "s" } else { "" },
            p.pages()
        );
    } else {
        put!(
            s,
            "<span>{what} {}–{} of {} (page {} of {})</span>",
            p.first(),
            p.first().saturating_add(p.rows.len() - 1),
            p.total,
            p.page,
            p.pages()
        );
    }
    if p.page > 1 {
        // Past the end, "previous" is the last page there is.
        let prev = (p.page - 1).min(p.pages());
        put!(
            s,
            " <a rel=\"prev\" href=\"{}\">← Previous</a>",
            escape(&page_href(base, f, prev, p.per_page))
        );
    }
    if p.has_next() {
        put!(
            s,
            " <a rel=\"next\" href=\"{}\">Next →</a>",
            escape(&page_href(base, f, p.page + 1, p.per_page))
        );
    }
    s.push_str("</nav>\n");
    s
}

fn alert_href(id: &str) -> String {
    format!("/alerts/{}", url_encode(id))
}

fn timeline_href(user: &str, from: Option<&str>, to: Option<&str>) -> String {
    format!(
        "/users/{}/timeline{}",
        url_encode(user),
        query(&[("from", from), ("to", to)])
    )
}

/// The stylesheet of every page (and of nothing else: no page loads another).
pub(crate) const STYLE: &str = r#"
:root { --ink: #1d232a; --muted: #5b6670; --line: #d5dbe1; --soft: #f3f5f7; --accent: #0b5cad; --bad: #a4161a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:hover { text-decoration: none; }
header.top { background: #16202b; color: #fff; }
header.top nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1.25rem; max-width: 1280px; margin: 0 auto; padding: .55rem 1.25rem; }
header.top .brand { color: #fff; font-weight: 700; letter-spacing: .04em; text-decoration: none; margin-right: .5rem; }
header.top ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top ul a { color: #d6e4f0; text-decoration: none; padding: .2rem 0; border-bottom: 2px solid transparent; }
header.top ul a[aria-current="page"] { color: #fff; border-bottom-color: #7fb8ef; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; color: #c5d0da; font-size: .9rem; }
header.top .who button { background: transparent; color: #fff; border: 1px solid #7d8b99; border-radius: 4px; padding: .2rem .6rem; font: inherit; cursor: pointer; }
main { max-width: 1280px; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p.muted, .muted { color: var(--muted); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
table.data { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
table.data th { background: var(--soft); font-weight: 600; white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tr.hit td { background: #fff4f2; }
.scroll { overflow-x: auto; }
.nw { white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .75rem; margin: 0 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card .n { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: .85rem; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 2rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 980px; font-family: inherit; }
svg.chart text { font-size: 11px; fill: #333; }
svg.chart .axis { stroke: #8a949e; stroke-width: 1; }
svg.chart .grid { stroke: #e3e7eb; stroke-width: 1; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: .25rem 0 .75rem; font-size: .85rem; }
ul.legend svg { vertical-align: -1px; margin-right: .3rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.sev-critical { color: #7f0000; background: #fde8e8; }
.sev-high { color: #a33a00; background: #fff0e6; }
.sev-medium { color: #7a5200; background: #fff7e0; }
.sev-low { color: #4a4f55; background: #f0f1f2; }
.sev-other { color: #333; background: #f0f1f2; }
nav.pager { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; margin: .5rem 0; color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem .75rem; padding: .75rem; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; margin-bottom: 1rem; }
form label { display: flex; flex-direction: column; font-size: .82rem; color: var(--muted); gap: .15rem; }
form.stack { display: grid; gap: .6rem; max-width: 560px; }
form.inline { display: inline; margin: 0; }
input, select, textarea { font: inherit; font-size: .95rem; color: var(--ink); padding: .3rem .45rem; border: 1px solid #aab4bd; border-radius: 4px; background: #fff; }
textarea { min-height: 4.5rem; }
button { font: inherit; padding: .35rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); padding: .15rem .6rem; font-size: .85rem; }
.notice { border-left: 4px solid var(--accent); background: #eef5fc; padding: .6rem .8rem; margin: .75rem 0; }
.warn { border-left-color: var(--bad); background: #fdf0f0; }
.reason { font-size: 1.05rem; border-left: 4px solid #a33a00; background: #fff7f2; padding: .6rem .9rem; margin: .5rem 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .25rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
dl.evidence { margin: .25rem 0; padding-left: .75rem; border-left: 2px solid var(--line); display: grid; grid-template-columns: max-content 1fr; gap: .15rem .9rem; }
dl.evidence dt { font-weight: 600; }
dl.evidence dd { margin: 0; word-break: break-word; }
.exports a { margin-right: 1rem; }
.login { max-width: 360px; margin: 4rem auto; }
footer { max-width: 1280px; margin: 2rem auto 1rem; padding: 0 1.25rem; color: var(--muted); font-size: .8rem; }
@media print {
  header.top, form, .exports, footer { display: none !important; }
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  table.data { font-size: 9pt; }
  h2 { break-after: avoid; }
  tr, svg { break-inside: avoid; }
}
"#;

/// A Content-Security-Policy that forbids every script and every fetch: pages and packets
/// are self-contained, so anything else would be an injection.
pub(crate) const META_CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'\">";

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
                "<h3><a href=\"{}\">{}</a> · employee {} · unit {} · {} lookups, {} not explained by a case</h3>\n",
                escape(&timeline_href(&l.user, None, None)),
                escape(&l.user),
                escape(l.employee_id.as_deref().unwrap_or("?")),
                escape(l.unit.as_deref().unwrap_or("?")),
                l.lookups,
                l.unexplained
            );
            b.push_str("<table class=\"data lookups\"><thead><tr><th>When</th><th>Action</th><th>System</th><th>Searched</th><th>Match</th><th>Sure</th><th>From</th><th>Case</th></tr></thead><tbody>\n");
            for h in &l.hits {
                put!(
                    b,
                    "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({}{})</td><td>{:.2}</td><td>{}</td><td>{}</td></tr>\n",
                    escape(&h.ts),
                    escape(&h.action),
                    escape(h.system.as_deref().unwrap_or("")),
                    escape(&crate::lookups::searched_text(&h.searched)),
                    escape(h.matched.kind.describe()),
                    escape(&h.matched.fields.join(", ")),
                    escape(&h.matched.name_agreement.map(|a| format!("; name {a}")).unwrap_or_default()),
                    h.matched.strength,
                    escape(h.client.as_deref().or(h.ip.as_deref()).unwrap_or("")),
                    escape(&h.case_phrase)
                );
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
    sev.sort_by_key(|(s, _)| std::cmp::Reverse(severity_rank(s)));
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

// ---------------------------------------------------------------------------------------
// Page parts
// ---------------------------------------------------------------------------------------

/// The detector filter's suggestions: every detector custodes has
/// ([`crate::detect::registry`]), so a new one is offered without touching this page.
fn detector_datalist() -> String {
    let mut names: Vec<&str> = crate::detect::registry().iter().map(|d| d.name).collect();
    names.sort_unstable();
    let mut s = String::from("<datalist id=\"detectors\">");
    for d in names {
        put!(s, "<option value=\"{d}\"></option>");
    }
    s.push_str("</datalist>\n");
    s
}

fn filter_form(action: &str, f: &Filter) -> String {
    let v = |o: &Option<String>| escape(o.as_deref().unwrap_or(""));
    let mut s = String::new();
    put!(
        s,
        "<form class=\"filters\" method=\"get\" action=\"{}\">\
         <label>Login<input name=\"user\" value=\"{}\" size=\"14\"></label>\
         <label>Unit<input name=\"unit\" value=\"{}\" size=\"12\"></label>\
         <label>Detector<input name=\"detector\" value=\"{}\" list=\"detectors\" size=\"16\"></label>\
         <label>Kind<input name=\"kind\" value=\"{}\" size=\"12\"></label>\
         <label>Severity<select name=\"severity\"><option value=\"\">any</option>",
        escape(action),
        v(&f.user),
        v(&f.unit),
        v(&f.detector),
        v(&f.kind)
    );
    let current = f.severity.as_deref().unwrap_or("");
    let mut found = current.is_empty();
    for sev in ["critical", "high", "medium", "low"] {
        let sel = if sev == current {
            found = true;
            " selected"
        } else {
            ""
        };
        put!(s, "<option value=\"{sev}\"{sel}>{sev}</option>");
    }
    if !found {
        put!(
            s,
            "<option value=\"{0}\" selected>{0}</option>",
            escape(current)
        );
    }
    s.push_str(
        "</select></label><label>Status<select name=\"status\"><option value=\"\">any</option>",
    );
    let current = f.status.as_deref().unwrap_or("");
    let mut found = current.is_empty();
    for st in STATUSES {
        let sel = if st == current {
            found = true;
            " selected"
        } else {
            ""
        };
        put!(
            s,
            "<option value=\"{}\"{sel}>{}</option>",
            escape(st),
            escape(&st.replace('_', " "))
        );
    }
    if !found {
        put!(
            s,
            "<option value=\"{0}\" selected>{0}</option>",
            escape(current)
        );
    }
    put!(
        s,
        "</select></label>\
         <label>From<input name=\"from\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"12\"></label>\
         <label>To<input name=\"to\" value=\"{}\" placeholder=\"YYYY-MM-DD\" size=\"12\"></label>\
         <button type=\"submit\">Filter</button> <a href=\"{}\">Clear</a></form>\n",
        v(&f.from),
        v(&f.to),
        escape(action)
    );
    s.push_str(&detector_datalist());
    s
}

fn alert_table(rows: &[AlertRow], with_user: bool) -> String {
    let reasons = rows.iter().any(|r| r.reason.is_some());
    let mut s = String::from("<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Alert</th><th>Severity</th><th class=\"num\">Score</th><th>Detector / kind</th>");
    if with_user {
        s.push_str("<th>Login</th><th>Unit</th>");
    }
    s.push_str("<th>Person</th><th>Window (UTC)</th><th class=\"num\">Events</th><th>Status</th><th>Assignee</th>");
    if reasons {
        s.push_str("<th>Reason</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
    for r in rows {
        put!(
            s,
            "<tr><td class=\"mono nw\"><a href=\"{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td>{}<br><span class=\"muted\">{}</span></td>",
            escape(&alert_href(&r.alert_id)),
            escape(&r.alert_id),
            severity_badge(&r.severity),
            num(r.score, 2),
            escape(&r.detector),
            escape(&r.kind)
        );
        if with_user {
            put!(
                s,
                "<td><a href=\"{}\">{}</a></td><td>{}</td>",
                escape(&timeline_href(
                    &r.user,
                    r.window_start.get(..10),
                    r.window_end.get(..10)
                )),
                escape(&r.user),
                escape(r.unit.as_deref().unwrap_or(""))
            );
        }
        put!(
            s,
            "<td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>",
            escape(r.person.as_deref().unwrap_or("")),
            escape(&window(&r.window_start, &r.window_end)),
            r.events,
            escape(&r.status.replace('_', " ")),
            escape(r.assignee.as_deref().unwrap_or(""))
        );
        if reasons {
            put!(s, "<td>{}</td>", escape(r.reason.as_deref().unwrap_or("")));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

fn alert_facts(a: &AlertRow) -> String {
    let mut s = String::from("<dl class=\"facts\">");
    put!(
        s,
        "<dt>Detector</dt><dd>{} / {}</dd><dt>Score</dt><dd>{}</dd>",
        escape(&a.detector),
        escape(&a.kind),
        num(a.score, 2)
    );
    put!(
        s,
        "<dt>Login</dt><dd><a href=\"{}\">{}</a></dd>",
        escape(&timeline_href(
            &a.user,
            a.window_start.get(..10),
            a.window_end.get(..10)
        )),
        escape(&a.user)
    );
    if let Some(u) = &a.unit {
        put!(s, "<dt>Unit</dt><dd>{}</dd>", escape(u));
    }
    if let Some(person) = &a.person {
        put!(s, "<dt>Person</dt><dd>{}</dd>", escape(person));
    }
    put!(
        s,
        "<dt>Window (UTC)</dt><dd>{}</dd><dt>Events</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd>",
        escape(&window(&a.window_start, &a.window_end)),
        a.events,
        escape(&a.status.replace('_', " "))
    );
    if let Some(who) = &a.assignee {
        put!(s, "<dt>Assignee</dt><dd>{}</dd>", escape(who));
    }
    s.push_str("</dl>\n");
    s
}

/// A readable, nested definition list of a JSON value (the detector's evidence).
pub(crate) fn evidence_html(v: &Value) -> String {
    let mut s = String::new();
    evidence_into(&mut s, v, 0);
    s
}

fn evidence_into(s: &mut String, v: &Value, depth: usize) {
    const MAX_DEPTH: usize = 8;
    match v {
        Value::Object(m) if depth < MAX_DEPTH => {
            if m.is_empty() {
                s.push_str("<span class=\"muted\">(empty)</span>");
                return;
            }
            s.push_str("<dl class=\"evidence\">");
            for (k, v) in m {
                put!(s, "<dt>{}</dt><dd>", escape(&k.replace('_', " ")));
                evidence_into(s, v, depth + 1);
                s.push_str("</dd>");
            }
            s.push_str("</dl>");
        }
        Value::Array(a) if depth < MAX_DEPTH => {
            if a.iter().all(|x| !x.is_object() && !x.is_array()) {
                let parts: Vec<String> = a.iter().map(scalar_text).collect();
                if parts.is_empty() {
                    s.push_str("<span class=\"muted\">(none listed)</span>");
                } else {
                    s.push_str(&escape(&parts.join(", ")));
                }
            } else {
                s.push_str("<ol>");
                for x in a {
                    s.push_str("<li>");
                    evidence_into(s, x, depth + 1);
                    s.push_str("</li>");
                }
                s.push_str("</ol>");
            }
        }
        Value::Object(_) | Value::Array(_) => {
            put!(
                s,
                "<code>{}</code>",
                escape(&serde_json::to_string(v).unwrap_or_default())
            );
        }
        other => s.push_str(&escape(&scalar_text(other))),
    }
}

/// A scalar as text: strings as they are, numbers and booleans as JSON writes them,
/// null as a dash (never the word).
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

/// One field of a contract event as text (`None` when absent, null or empty).
pub(crate) fn event_field(ev: &Value, key: &str) -> Option<String> {
    match ev.get(key)? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other @ (Value::Number(_) | Value::Bool(_)) => Some(other.to_string()),
        other => serde_json::to_string(other).ok(),
    }
}

/// Who a lookup was about, from the contract's `subject_*` fields.
pub(crate) fn subject_summary(ev: &Value) -> String {
    let f = |k: &str| event_field(ev, k);
    let mut parts = Vec::new();
    let name =
        f("subject_name").or_else(|| match (f("subject_last_name"), f("subject_first_name")) {
            (Some(l), Some(g)) => Some(format!("{l}, {g}")),
            (Some(l), None) => Some(l),
            (None, Some(g)) => Some(g),
            (None, None) => None,
        });
    if let Some(n) = name {
        parts.push(n);
    }
    for (key, label) in [
        ("subject_dob", "DOB "),
        ("subject_person_id", "id "),
        ("subject_plate", "plate "),
        ("subject_phone", "phone "),
        ("subject_address", "address "),
    ] {
        if let Some(v) = f(key) {
            parts.push(format!("{label}{v}"));
        }
    }
    parts.join("; ")
}

/// Triage decisions, oldest first (the alert page and the evidence packet).
pub(crate) fn triage_table(triage: &[crate::store::workbench::Triage]) -> String {
    let mut b = String::from("<table class=\"data\"><thead><tr><th>When (UTC)</th><th>Status</th><th>Assignee</th><th>Note</th><th>By</th></tr></thead><tbody>\n");
    for t in triage {
        put!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&short_ts(&t.at)),
            escape(&t.status),
            escape(t.assignee.as_deref().unwrap_or("")),
            escape(t.note.as_deref().unwrap_or("")),
            escape(&t.by)
        );
    }
    b.push_str("</tbody></table>");
    b
}

/// The events table of the alert and timeline pages: each event with the alerts it is part
/// of (linked) when `with_alerts`.
/// `matched[i]`, when given, says who the lookup matched in alert `alert_ids[i]` and how.
fn events_table(rows: &[(&Value, &[String], &[String])], with_alerts: bool) -> String {
    let mut s = String::from("<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Time (UTC)</th><th>Action</th><th>System</th><th>Client</th><th>Subject</th><th>Case</th><th>Purpose</th><th class=\"num\">Results</th><th>Query</th>");
    if with_alerts {
        s.push_str("<th>Alerts</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
    for (ev, alert_ids, matched) in rows {
        let f = |k: &str| escape(&event_field(ev, k).unwrap_or_default());
        let query_text = event_field(ev, "query_text").unwrap_or_default();
        let short = truncate(&query_text, 60);
        let class = if alert_ids.is_empty() {
            ""
        } else {
            " class=\"hit\""
        };
        put!(
            s,
            "<tr{class}><td class=\"mono nw\" title=\"{}\">{}</td><td>{}</td><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"mono\" title=\"{}\">{}</td>",
            f("id"),
            escape(&short_ts(&event_field(ev, "ts").unwrap_or_default())),
            f("action"),
            f("system"),
            f("client"),
            escape(&subject_summary(ev)),
            f("case_id"),
            f("purpose"),
            f("result_count"),
            escape(&query_text),
            escape(&short)
        );
        if with_alerts {
            let links: Vec<String> = alert_ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let how = matched
                        .get(i)
                        .map(|m| format!("<br><small>{}</small>", escape(m)))
                        .unwrap_or_default();
                    format!(
                        "<a class=\"mono\" href=\"{}\">{}</a>{how}",
                        escape(&alert_href(id)),
                        escape(id)
                    )
                })
                .collect();
            put!(s, "<td class=\"nw\">{}</td>", links.join("<br>"));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

fn matches_text(r: &Exception) -> String {
    let any = |v: &Option<String>| v.clone().unwrap_or_else(|| "any".into());
    format!(
        "login {}, detector {}, kind {}",
        any(&r.user),
        any(&r.detector),
        any(&r.kind)
    )
}

fn severity_badge(s: &str) -> String {
    let class = match s {
        "critical" | "high" | "medium" | "low" => s,
        _ => "other",
    };
    format!("<span class=\"badge sev-{class}\">{}</span>", escape(s))
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

fn change(now: usize, then: usize) -> String {
    let diff = now as i64 - then as i64;
    let sign = if diff > 0 { "+" } else { "" };
    if then == 0 {
        if now == 0 {
            "0".into()
        } else {
            format!("{sign}{diff} (new)")
        }
    } else {
        format!(
            "{sign}{diff} ({sign}{:.0}%)",
            diff as f64 / then as f64 * 100.0
        )
    }
}

/// A number with `digits` decimals, or a dash when it is not finite.
fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "—".into()
    }
}

/// At most `n` characters, the last an ellipsis when some were cut.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// `2024-05-02T07:39:02Z` -> `2024-05-02 07:39:02`.
pub(crate) fn short_ts(ts: &str) -> String {
    ts.replacen('T', " ", 1).trim_end_matches('Z').to_string()
}

fn window(start: &str, end: &str) -> String {
    if start == end {
        short_ts(start)
    } else if start.get(..10).is_some() && start.get(..10) == end.get(..10) {
        format!(
            "{} – {}",
            short_ts(start),
            short_ts(end).get(11..).unwrap_or("")
        )
    } else {
        format!("{} – {}", short_ts(start), short_ts(end))
    }
}

/// A bound of a timeline's range as a person typed it: `None` for an open bound (the
/// server's `0000` and `9999`), a date for the last instant of that date.
fn range_bound(s: &str) -> Option<String> {
    parse_time(s)?;
    match s.strip_suffix("T23:59:59.999999Z") {
        Some(d) if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() => Some(d.to_string()),
        _ => Some(s.to_string()),
    }
}

/// An RFC 3339 time, or a date (its midnight, UTC).
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

// ---------------------------------------------------------------------------------------
// Colours
// ---------------------------------------------------------------------------------------

/// One colour per detector, the same on every chart (colour-blind safe palettes:
/// Okabe–Ito and Paul Tol's).
/// A stacked column chart of alerts per ISO week, one colour per key of `by`, with its
/// legend; returns the keys in the order drawn.
fn weekly_chart(
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

/// Each detector's own colour (Okabe and Ito's palette, then Tol's): every detector in
/// [`crate::detect::registry`] has one (a test checks), so charts never give two of them
/// the same colour by chance.
fn known_detector_color(d: &str) -> Option<&'static str> {
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

fn detector_color(d: &str) -> &'static str {
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

fn severity_color(s: &str) -> &'static str {
    match s {
        "critical" => "#7f0000",
        "high" => "#d55e00",
        "medium" => "#e69f00",
        "low" => "#9aa3ab",
        _ => "#5b6670",
    }
}

fn status_color(s: &str) -> &'static str {
    match s {
        "open" => "#b35806",
        "in_review" => "#e69f00",
        "confirmed" => "#7f0000",
        "benign" => "#009e73",
        "false_positive" => "#56b4e9",
        _ => "#5b6670",
    }
}

// ---------------------------------------------------------------------------------------
// Charts (inline SVG)
// ---------------------------------------------------------------------------------------

fn svg_open(label: &str, w: f64, h: f64) -> String {
    format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{0}\" viewBox=\"0 0 {w:.0} {h:.0}\" style=\"max-width: {w:.0}px\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title>{0}</title>",
        escape(label)
    )
}

/// An empty chart that says so (no scale to compute, nothing divided by zero).
fn empty_chart(label: &str) -> String {
    let mut s = svg_open(label, 640.0, 40.0);
    s.push_str("<text x=\"8\" y=\"24\">No data yet.</text></svg>\n");
    s
}

fn legend(items: &[(String, &'static str)]) -> String {
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
fn nice_step(max: f64, ticks: usize) -> f64 {
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

fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// One labelled horizontal bar.
struct Bar {
    label: String,
    value: f64,
    color: &'static str,
}

impl Bar {
    fn new(label: &str, value: f64, color: &'static str) -> Bar {
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
fn hbar_chart(label: &str, rows: &[Bar], unit: &str) -> String {
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
struct Column {
    label: String,
    /// (series, value, colour), stacked bottom to top.
    parts: Vec<(String, f64, &'static str)>,
}

/// Vertical (stacked) columns on a value axis, the columns labelled below (as many labels
/// as fit).
fn column_chart(label: &str, cols: &[Column], plot_h: f64) -> String {
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
fn meter(label: &str, fraction: f64, yes: &str, no: &str) -> String {
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
fn timeline_svg(t: &Timeline) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every detector has its own colour, and no two share one.
    #[test]
    fn every_detector_has_a_colour_of_its_own() {
        let mut seen = std::collections::BTreeMap::new();
        for d in crate::detect::registry() {
            let c = known_detector_color(d.name)
                .unwrap_or_else(|| panic!("{} has no colour in known_detector_color", d.name));
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
