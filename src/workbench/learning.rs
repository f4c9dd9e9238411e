//! Learning from triage in the workbench: the overview's table of how alerts were
//! disposed (per detector, kind and unit, with the precision it implies), and the
//! exceptions page's proposals — patterns marked benign at least
//! [`PROPOSE_AFTER_BENIGN`] times and never confirmed — each with the rule it suggests
//! and how many past alerts that rule would have hidden.
//!
//! What it must not do: create a rule (an admin does, with the ordinary form), or show
//! per-login rows to anyone but an admin. The disposition table names units only, and for
//! viewers without names small units are merged as everywhere else in the workbench.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::pages::escape;
use super::view::{Context, Views, MIN_UNIT_SIZE, SMALL_UNIT};
use crate::store::learning::{BenignPattern, Disposition, PROPOSE_AFTER_BENIGN};
use crate::store::workbench::{Exception, Role};
use crate::store::{Store, StoreError};

/// One row of the overview's disposition table, as this viewer may see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DispositionRow {
    pub detector: String,
    pub kind: String,
    pub unit: String,
    pub alerts: i64,
    pub confirmed: i64,
    pub benign: i64,
    pub false_positive: i64,
    /// Confirmed among decided (confirmed, benign, false positive); `None` before any
    /// decision.
    pub precision: Option<f64>,
}

/// The store's dispositions for this viewer: units of fewer than [`MIN_UNIT_SIZE`]
/// logins merged into one row for viewers without names, as the overview's unit charts do.
pub fn dispositions(v: &Views<'_>, ctx: &Context, rows: Vec<Disposition>) -> Vec<DispositionRow> {
    let names = v.viewer.role.sees_names();
    let mut merged: BTreeMap<(String, String, String), Disposition> = BTreeMap::new();
    for d in rows {
        let unit = match &d.unit {
            None => "(unknown)".to_string(),
            Some(u) if names || ctx.unit_sizes.get(u).copied().unwrap_or(0) >= MIN_UNIT_SIZE => {
                u.clone()
            }
            Some(_) => SMALL_UNIT.to_string(),
        };
        let e = merged
            .entry((d.detector.clone(), d.kind.clone(), unit))
            .or_insert_with(|| Disposition {
                alerts: 0,
                confirmed: 0,
                benign: 0,
                false_positive: 0,
                ..d.clone()
            });
        e.alerts += d.alerts;
        e.confirmed += d.confirmed;
        e.benign += d.benign;
        e.false_positive += d.false_positive;
    }
    merged
        .into_iter()
        .map(|((detector, kind, unit), d)| DispositionRow {
            detector,
            kind,
            unit,
            alerts: d.alerts,
            confirmed: d.confirmed,
            benign: d.benign,
            false_positive: d.false_positive,
            precision: d.precision(),
        })
        .collect()
}

/// A suggested exception rule and what it would have done.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub pattern: BenignPattern,
    /// The rule an admin would add: the pattern's login, detector and kind (exception rules
    /// match those; the unit follows from the login, the purpose is in the reason).
    pub rule: Exception,
    /// Past alerts in the store the rule would have hidden, by their latest decision
    /// (`open` for never triaged).
    pub would_hide: usize,
    pub would_hide_by_status: BTreeMap<String, usize>,
}

/// Proposals for an admin: benign patterns no active rule covers yet. Errors for anyone
/// else: the rows name logins.
pub fn proposals(
    v: &Views<'_>,
    store: &Store,
    ctx: &Context,
) -> Result<Option<Vec<Proposal>>, StoreError> {
    if v.viewer.role != Role::Admin {
        return Ok(None);
    }
    let mut out = Vec::new();
    for p in store.benign_patterns(PROPOSE_AFTER_BENIGN)? {
        let purpose = p.purpose.as_deref().map_or_else(
            || "no purpose given".to_string(),
            |x| format!("purpose {x}"),
        );
        let rule = Exception {
            id: 0,
            user: Some(p.user.clone()),
            detector: Some(p.detector.clone()),
            kind: Some(p.kind.clone()),
            owner: String::new(),
            reason: format!(
                "Proposed from triage: {} {}/{} alerts of {} ({}) marked benign, none confirmed, {} to {}.",
                p.benign,
                p.detector,
                p.kind,
                p.user,
                purpose,
                short_day(&p.first),
                short_day(&p.last)
            ),
            expires: None,
            created_by: String::new(),
            created_at: String::new(),
            revoked_at: None,
        };
        // Already covered by an active rule: nothing to propose.
        let covered = ctx.exceptions.iter().any(|e| {
            let same = |want: &Option<String>, got: &str| want.as_deref().is_none_or(|w| w == got);
            e.revoked_at.is_none()
                && same(&e.user, &p.user)
                && same(&e.detector, &p.detector)
                && same(&e.kind, &p.kind)
        });
        if covered {
            continue;
        }
        // Counted in the store, by the same rule matching as `alert::suppress::matches`.
        let by_status = store.rule_hits(&rule)?;
        out.push(Proposal {
            pattern: p,
            would_hide: by_status.values().sum(),
            would_hide_by_status: by_status,
            rule,
        });
    }
    Ok(Some(out))
}

fn short_day(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |p| format!("{:.0}%", p * 100.0))
}

/// The overview's section: how alerts were disposed and the precision it implies.
pub(crate) fn overview_section(rows: &[DispositionRow]) -> String {
    let mut b = String::from(
        "<h2>How alerts were disposed</h2>\n<p class=\"muted\">Per detector, kind and unit, the latest decision on each final alert. Precision is confirmed among decided (confirmed, benign, false positive); undecided alerts are not counted in it.</p>\n",
    );
    if rows.is_empty() {
        b.push_str("<p class=\"muted\">No alerts yet.</p>\n");
        return b;
    }
    b.push_str("<div class=\"scroll\"><table class=\"data\" id=\"dispositions\"><thead><tr><th>Detector</th><th>Kind</th><th>Unit</th><th class=\"num\">Alerts</th><th class=\"num\">Confirmed</th><th class=\"num\">Benign</th><th class=\"num\">False positive</th><th class=\"num\">Precision</th></tr></thead><tbody>\n");
    for r in rows {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&r.detector),
            escape(&r.kind),
            escape(&r.unit),
            r.alerts,
            r.confirmed,
            r.benign,
            r.false_positive,
            pct(r.precision)
        );
    }
    b.push_str("</tbody></table></div>\n");
    b
}

/// The exceptions page's section: each proposal with its preview and a form an admin may
/// submit (or ignore); the form is the ordinary "add a rule" form, pre-filled.
pub(crate) fn proposals_section(csrf: &str, proposals: &[Proposal]) -> String {
    let mut b = format!(
        "<h2 id=\"proposals\">Proposed from triage</h2>\n<p class=\"muted\">Patterns (login, unit, detector, kind, purpose) marked benign at least {PROPOSE_AFTER_BENIGN} times and never confirmed. Nothing is hidden until an admin adds the rule; the preview counts the past alerts it would have hidden.</p>\n"
    );
    if proposals.is_empty() {
        b.push_str("<p class=\"muted\">No proposal.</p>\n");
        return b;
    }
    for p in proposals {
        let pat = &p.pattern;
        let statuses: Vec<String> = p
            .would_hide_by_status
            .iter()
            .map(|(s, n)| format!("{n} {}", s.replace('_', " ")))
            .collect();
        let _ = writeln!(
            b,
            "<div class=\"proposal\"><p><strong>{}</strong> ({}) — {}/{}, {}: {} of {} alerts marked benign.</p>\
             <p>A rule for this login, detector and kind would have hidden <strong>{}</strong> past alert(s) ({}).</p>\
             <form class=\"stack\" method=\"post\" action=\"/exceptions\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <input type=\"hidden\" name=\"user\" value=\"{}\">\
             <input type=\"hidden\" name=\"detector\" value=\"{}\">\
             <input type=\"hidden\" name=\"kind\" value=\"{}\">\
             <label>Owner (who answers for the rule)<input name=\"owner\" required></label>\
             <label>Reason<textarea name=\"reason\" rows=\"2\" required>{}</textarea></label>\
             <label>Expires (YYYY-MM-DD, empty: never)<input name=\"expires\" placeholder=\"YYYY-MM-DD\"></label>\
             <div><button type=\"submit\">Accept: add this rule</button></div></form></div>",
            escape(&pat.user),
            escape(pat.unit.as_deref().unwrap_or("unit unknown")),
            escape(&pat.detector),
            escape(&pat.kind),
            escape(pat.purpose.as_deref().map_or("no purpose given", |x| x)),
            pat.benign,
            pat.alerts,
            p.would_hide,
            escape(&statuses.join(", ")),
            escape(csrf),
            escape(&pat.user),
            escape(&pat.detector),
            escape(&pat.kind),
            escape(&p.rule.reason),
        );
    }
    b
}
