//! Page parts shared by several pages: escaping and URLs, the pager, the filter form,
//! alert and event tables, evidence, and the small formatters of numbers, times and text.
//! Parts render what they are given; like the pages they never read the store.

use std::fmt::Write as _;

use super::*;

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
pub(crate) fn url_encode(s: &str) -> String {
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
pub(super) fn query(pairs: &[(&str, Option<&str>)]) -> String {
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
pub(crate) fn page_href(base: &str, f: &Filter, page: usize, per_page: usize) -> String {
    let mut pairs = f.pairs();
    pairs.push(("page", page.to_string()));
    if per_page != crate::workbench::view::DEFAULT_PAGE {
        pairs.push(("per_page", per_page.to_string()));
    }
    let refs: Vec<(&str, Option<&str>)> =
        pairs.iter().map(|(k, v)| (*k, Some(v.as_str()))).collect();
    format!("{base}{}", query(&refs))
}

/// "Rows 101–200 of 734" and the links to the previous and next pages.
pub(super) fn pager<T>(base: &str, f: &Filter, p: &Paged<T>, what: &str) -> String {
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

pub(super) fn alert_href(id: &str) -> String {
    format!("/alerts/{}", url_encode(id))
}

pub(super) fn timeline_href(user: &str, from: Option<&str>, to: Option<&str>) -> String {
    format!(
        "/users/{}/timeline{}",
        url_encode(user),
        query(&[("from", from), ("to", to)])
    )
}

/// The detector filter's suggestions: every detector custodes has
/// ([`crate::detect::registry`]), so a new one is offered without touching this page.
pub(super) fn detector_datalist() -> String {
    let mut names: Vec<&str> = crate::detect::registry().iter().map(|d| d.name).collect();
    names.sort_unstable();
    let mut s = String::from("<datalist id=\"detectors\">");
    for d in names {
        put!(s, "<option value=\"{d}\"></option>");
    }
    s.push_str("</datalist>\n");
    s
}

pub(super) fn filter_form(action: &str, f: &Filter) -> String {
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

pub(super) fn alert_table(rows: &[AlertRow], with_user: bool) -> String {
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

pub(super) fn alert_facts(a: &AlertRow) -> String {
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

pub(super) fn evidence_into(s: &mut String, v: &Value, depth: usize) {
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
pub(super) fn scalar_text(v: &Value) -> String {
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
pub(super) fn events_table(rows: &[(&Value, &[String], &[String])], with_alerts: bool) -> String {
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

pub(super) fn matches_text(r: &Exception) -> String {
    let any = |v: &Option<String>| v.clone().unwrap_or_else(|| "any".into());
    format!(
        "login {}, detector {}, kind {}",
        any(&r.user),
        any(&r.detector),
        any(&r.kind)
    )
}

pub(super) fn severity_badge(s: &str) -> String {
    let class = match s {
        "critical" | "high" | "medium" | "low" => s,
        _ => "other",
    };
    format!("<span class=\"badge sev-{class}\">{}</span>", escape(s))
}

pub(super) fn change(now: usize, then: usize) -> String {
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
pub(super) fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "—".into()
    }
}

/// At most `n` characters, the last an ellipsis when some were cut.
pub(super) fn truncate(s: &str, n: usize) -> String {
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

pub(super) fn window(start: &str, end: &str) -> String {
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
pub(super) fn range_bound(s: &str) -> Option<String> {
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

/// A login's line in a lookups table, page and export alike: employee, unit, lookups and
/// how many no case explains.
pub(crate) fn login_counts(l: &crate::lookups::LoginLookups) -> String {
    format!(
        "employee {} · unit {} · {} lookups, {} not explained by a case",
        escape(l.employee_id.as_deref().unwrap_or("?")),
        escape(l.unit.as_deref().unwrap_or("?")),
        l.lookups,
        l.unexplained
    )
}

/// The header of a table of lookups of one person ([`hit_row`] fills it).
pub(crate) const HIT_HEADER: &str = "<tr><th>When</th><th>Action</th><th>System</th><th>Searched</th><th>Match</th><th>Sure</th><th>From</th><th>Case</th></tr>";

/// One lookup of a person as a table row: the page and the evidence packet show the same
/// cells, so what an investigator saw on screen is what the packet records.
pub(crate) fn hit_row(h: &crate::lookups::Hit) -> String {
    format!(
        "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({}{})</td><td>{:.2}</td><td>{}</td><td>{}</td></tr>\n",
        escape(&h.ts),
        escape(&h.action),
        escape(h.system.as_deref().unwrap_or("")),
        escape(&crate::lookups::searched_text(&h.searched)),
        escape(h.matched.kind.describe()),
        escape(&h.matched.fields.names().collect::<Vec<_>>().join(", ")),
        escape(
            &h.matched
                .name_agreement
                .map(|a| format!("; name {a}"))
                .unwrap_or_default()
        ),
        h.matched.strength,
        escape(h.client.as_deref().or(h.ip.as_deref()).unwrap_or("")),
        escape(&h.case_phrase)
    )
}
