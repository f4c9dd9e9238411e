//! What the workbench shows, built from the store for one viewer: the data behind every
//! page and every `/api/v1/` answer (the pages render these structs; the API serialises
//! them), so the two cannot disagree.
//!
//! Pseudonymisation happens here and only here. For a viewer whose role does not see names
//! (`oversight`), logins and people are replaced by stable keyed pseudonyms, and reasons,
//! evidence and events (which name people and dates of birth) are left out entirely rather
//! than redacted, so nothing can leak through a field someone forgot. This module reads
//! the store; it writes nothing but the store's own running count of events per day, and
//! it never reads every alert: lists come a page at a time
//! and counts as aggregates from the store's queries (`store::lists`).

use std::collections::{BTreeMap, HashMap};

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;

use crate::alert::Alert;
use crate::store::lists::{AlertQuery, Listed, Order, MAX_PAGE};
use crate::store::workbench::{Exception, Role, Triage};
use crate::store::{Store, StoreError};

/// Who is looking.
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub name: String,
    pub role: Role,
}

/// Keyed, stable pseudonyms: the same login or person always gets the same one in this
/// store, and without the store's key they cannot be reversed by guessing names.
#[derive(Clone)]
pub struct Pseudonyms {
    key: Vec<u8>,
}

/// Units with fewer people than this are not named to viewers who do not see names: a unit
/// of one or two people, next to a pseudonym or a count, says who it is.
pub(crate) const MIN_UNIT_SIZE: usize = 3;

/// What a unit too small to name is shown as.
pub(crate) const SMALL_UNIT: &str = "(small unit)";

impl Pseudonyms {
    pub fn new(key: Vec<u8>) -> Self {
        Pseudonyms { key }
    }

    /// `U-` or `P-` followed by 10 hex digits of HMAC-SHA256(key, kind + value).
    pub fn of(&self, prefix: &str, value: &str) -> String {
        self.keyed(prefix, value, 5)
    }

    /// The token that stands for an alert id where names are not seen: `T-` and 16 hex
    /// digits of HMAC-SHA256(key, "T" + id). Alert ids themselves are unkeyed digests of
    /// the login, the person and the day, so anyone with a staff list could recompute them;
    /// the token cannot be recomputed without the store's key.
    pub(crate) fn alert_token(&self, alert_id: &str) -> String {
        self.keyed("T", alert_id, 8)
    }

    fn keyed(&self, prefix: &str, value: &str, bytes: usize) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            // HMAC takes keys of any length; this arm cannot be reached.
            Err(_) => return format!("{prefix}-unknown"),
        };
        mac.update(prefix.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let out = mac.finalize().into_bytes();
        let mut s = format!("{prefix}-");
        for b in out.iter().take(bytes) {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// One alert as a row of a list.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    /// The alert id, or its keyed token (`T-…`) for viewers who do not see names.
    pub alert_id: String,
    pub detector: String,
    pub kind: String,
    pub severity: String,
    pub score: f64,
    /// The login, or its pseudonym.
    pub user: String,
    pub unit: Option<String>,
    pub window_start: String,
    pub window_end: String,
    pub events: usize,
    /// Latest triage status (`open` when never triaged).
    pub status: String,
    pub assignee: Option<String>,
    /// The alert's sentence; `None` for viewers who do not see names.
    pub reason: Option<String>,
    /// The person the alert is about, or their pseudonym, when the evidence names one.
    pub person: Option<String>,
}

/// One alert with everything behind it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertDetail {
    pub alert: AlertRow,
    /// The detector's evidence; `None` for viewers who do not see names.
    pub evidence: Option<Value>,
    /// The events the alert rests on (contract JSON); `None` for viewers who do not see
    /// names.
    pub events: Option<Vec<Value>>,
    pub event_ids: Vec<String>,
    pub triage: Vec<Triage>,
}

/// Counts for the overview.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Overview {
    pub alerts: usize,
    pub by_status: BTreeMap<String, usize>,
    pub by_detector: BTreeMap<String, usize>,
    pub by_severity: BTreeMap<String, usize>,
    pub by_unit: BTreeMap<String, usize>,
    /// ISO week (`2026-W47`) -> detector -> alerts whose window starts that week.
    pub by_week: BTreeMap<String, BTreeMap<String, usize>>,
    /// The same by severity, and by the login's unit.
    pub by_week_severity: BTreeMap<String, BTreeMap<String, usize>>,
    pub by_week_unit: BTreeMap<String, BTreeMap<String, usize>>,
    /// Detector -> (this week, the week before), for the latest week with alerts.
    pub week_over_week: BTreeMap<String, (usize, usize)>,
    /// Events kept in the store, and per UTC day.
    pub events: i64,
    pub events_by_day: Vec<(String, i64)>,
    /// Share of lookups explained by a case (from the runs that filled the store), when
    /// known.
    pub explained_fraction: Option<f64>,
    pub suppressed_rules: usize,
    /// Parts of followed files `custodes watch` could not read (issue 18): alerts
    /// resting on those bytes may be missing.
    pub source_gaps: Vec<crate::store::StoredGap>,
    /// How alerts were disposed per detector, kind and unit (issue 16).
    pub dispositions: Vec<super::learning::DispositionRow>,
}

/// One login's risk, for the ranked list.
#[derive(Debug, Clone, Serialize)]
pub struct RankedUser {
    pub user: String,
    pub unit: Option<String>,
    /// Sum of the alerts' scores: many serious alerts rank first.
    pub risk: f64,
    pub alerts: usize,
    pub worst: String,
    /// `detector/kind` -> alerts, the reasons for the rank.
    pub reasons: BTreeMap<String, usize>,
}

/// One login's activity on a time axis.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub user: String,
    pub unit: Option<String>,
    pub from: String,
    pub to: String,
    /// The login's events (contract JSON, oldest first) with the alerts each is part of;
    /// `None` for viewers who do not see names.
    pub events: Option<Vec<TimelineEvent>>,
    /// How many events the period holds (`events` is one page of them); `None` with
    /// `events`.
    pub events_total: Option<usize>,
    /// Which page of the events `events` is.
    pub page: usize,
    pub per_page: usize,
    pub alerts: Vec<AlertRow>,
}

/// Events a timeline page shows when the viewer does not say: a busy login's month is
/// thousands of lookups, and a page must stay well under a megabyte.
pub(crate) const TIMELINE_PAGE: usize = 500;

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEvent {
    pub event: Value,
    pub alert_ids: Vec<String>,
    /// For each of `alert_ids`, in order: who the lookup matched and how, as the alert's
    /// evidence says (`self_query/name_dob: SMITH, JOHN (DOB 1980-01-02), by name, dob`).
    pub matched: Vec<String>,
}

/// The rows of a list page a viewer asked for at most, when they do not say.
pub(crate) const DEFAULT_PAGE: usize = 100;

/// The filters of the alert list and the ranked users, and which page of them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    pub user: Option<String>,
    pub unit: Option<String>,
    pub detector: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    /// RFC 3339 date or time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The page (1 for the first); text, so that a bad value gets this module's message.
    pub page: Option<String>,
    /// Rows per page, 1 to [`MAX_PAGE`] ([`DEFAULT_PAGE`] when not given).
    pub per_page: Option<String>,
}

/// Which rows of a list: the page (from 1) and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    pub fn offset(&self) -> usize {
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }
}

/// One page of a list, with how many rows the whole list has.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub(crate) fn has_next(&self) -> bool {
        self.page.saturating_mul(self.per_page) < self.total
    }

    /// The position (from 1) of the page's first row.
    pub fn first(&self) -> usize {
        self.page
            .saturating_sub(1)
            .saturating_mul(self.per_page)
            .saturating_add(1)
    }
}

/// Why a list's filter or page was refused; its text is the answer's message (HTTP 400).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("`{name}` = `{shown}` is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-23T08:00:00Z)")]
    NotATime { name: &'static str, shown: String },
    #[error("`from` ({from}) is after `to` ({to})")]
    Reversed { from: String, to: String },
    #[error("`{name}` = `{shown}` is out of range: expected 1 to {max}")]
    OutOfRange {
        name: &'static str,
        shown: String,
        max: usize,
    },
    #[error("`{name}` = `{shown}` is not a whole number of 1 or more")]
    NotANumber { name: &'static str, shown: String },
}

impl Filter {
    /// Refuses a `from` or `to` that is neither a date (`YYYY-MM-DD`) nor an RFC 3339 time
    /// (compared as text, it would silently filter everything or nothing), and a page or
    /// page size that is not a number in range.
    pub fn validate(&self) -> Result<(), FilterError> {
        let c = self.cleaned();
        for (name, v) in [("from", &self.from), ("to", &self.to)] {
            let Some(t) = v.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                continue;
            };
            let ok = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
                || chrono::DateTime::parse_from_rfc3339(t).is_ok();
            if !ok {
                let shown: String = t.chars().take(40).collect();
                return Err(FilterError::NotATime { name, shown });
            }
        }
        if let (Some(f), Some(t)) = (&c.from, &c.to) {
            if f > t {
                return Err(FilterError::Reversed {
                    from: f.clone(),
                    to: t.clone(),
                });
            }
        }
        self.paging().map(|_| ())
    }

    /// The page asked for: `page` from 1, `per_page` from 1 to [`MAX_PAGE`].
    pub fn paging(&self) -> Result<Paging, FilterError> {
        let number = |name: &'static str, v: &Option<String>, default: usize, max: usize| {
            let Some(t) = v.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                return Ok(default);
            };
            let shown: String = t.chars().take(40).collect();
            match t.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                Ok(_) if max < usize::MAX => Err(FilterError::OutOfRange { name, shown, max }),
                _ => Err(FilterError::NotANumber { name, shown }),
            }
        };
        Ok(Paging {
            page: number("page", &self.page, 1, usize::MAX)?,
            per_page: number("per_page", &self.per_page, DEFAULT_PAGE, MAX_PAGE)?,
        })
    }

    /// HTML forms send every field, empty ones as `""`: an empty field filters nothing.
    pub fn cleaned(&self) -> Filter {
        let c = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s != "any")
        };
        Filter {
            user: c(&self.user),
            unit: c(&self.unit),
            detector: c(&self.detector),
            kind: c(&self.kind),
            severity: c(&self.severity),
            status: c(&self.status),
            from: c(&self.from),
            to: c(&self.to).map(|t| end_of_day(&t)),
            page: c(&self.page),
            per_page: c(&self.per_page),
        }
    }

    /// The filters as given (trimmed, empty ones left out), for links to other pages of
    /// the same list: `to` stays as typed, not widened to the end of its day.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (k, v) in [
            ("user", &self.user),
            ("unit", &self.unit),
            ("detector", &self.detector),
            ("kind", &self.kind),
            ("severity", &self.severity),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                out.push((k, v.to_string()));
            }
        }
        out
    }
}

/// A date given as the end of a period means the whole day.
pub(crate) fn end_of_day(t: &str) -> String {
    if t.len() == 10 {
        format!("{t}T23:59:59.999999Z")
    } else {
        t.to_string()
    }
}

/// The small tables every view needs, read once per request: logins and their units, and
/// the exception rules. They grow with the agency's staff and its admins' rules, never
/// with alerts; alerts are read from the store a page, a count or one alert at a time.
pub struct Context {
    pub units: HashMap<String, String>,
    /// Unit -> how many people (employees) it has.
    pub unit_sizes: HashMap<String, usize>,
    pub exceptions: Vec<Exception>,
}

impl Context {
    pub fn read(store: &Store) -> Result<Context, StoreError> {
        Ok(Context {
            units: store.units()?,
            unit_sizes: store.unit_sizes()?,
            exceptions: store.exceptions()?,
        })
    }
}

/// Builds views for one viewer.
pub struct Views<'a> {
    pub viewer: &'a Viewer,
    pub pseudonyms: &'a Pseudonyms,
}

impl Views<'_> {
    fn names(&self) -> bool {
        self.viewer.role.sees_names()
    }

    /// The login as this viewer may see it.
    pub fn login(&self, user: &str) -> String {
        if self.names() {
            user.to_string()
        } else {
            self.pseudonyms.of("U", user)
        }
    }

    /// The alert id as this viewer may see it: the id itself, or its keyed token.
    pub(crate) fn alert_ref(&self, alert_id: &str) -> String {
        if self.names() {
            alert_id.to_string()
        } else {
            self.pseudonyms.alert_token(alert_id)
        }
    }

    /// The final alert behind what this viewer typed: an alert id for viewers who see
    /// names, a token for the others. A viewer without names gets nothing for a raw alert
    /// id, so guessed ids cannot be confirmed one by one.
    pub(crate) fn resolve_alert(
        &self,
        store: &Store,
        shown: &str,
    ) -> Result<Option<Listed>, StoreError> {
        if self.names() {
            store.alert_by_id(shown)
        } else if shown.starts_with("T-") {
            store.alert_by_token(shown)
        } else {
            Ok(None)
        }
    }

    /// A unit as this viewer may see it: viewers without names do not learn the name of a
    /// unit too small to hide anyone in.
    fn unit_shown(&self, unit: &str, ctx: &Context) -> String {
        if self.names() || ctx.unit_sizes.get(unit).copied().unwrap_or(0) >= MIN_UNIT_SIZE {
            unit.to_string()
        } else {
            SMALL_UNIT.to_string()
        }
    }

    /// A login's unit as this viewer may see it.
    pub fn unit(&self, user: &str, ctx: &Context) -> Option<String> {
        ctx.units.get(user).map(|u| self.unit_shown(u, ctx))
    }

    /// A window bound as this viewer may see it: viewers without names get the UTC day
    /// (its start or its end), since an exact minute can be matched against a duty roster.
    fn window(&self, ts: &str, end: bool) -> String {
        if self.names() {
            return ts.to_string();
        }
        match ts.get(..10) {
            Some(day) if end => format!("{day}T23:59:59Z"),
            Some(day) => format!("{day}T00:00:00Z"),
            None => String::new(),
        }
    }

    /// The real logins behind what this viewer typed (a login, or a pseudonym for viewers
    /// without names): those of the store's final alerts and of its known logins whose
    /// pseudonym it is. Only the distinct logins are read, never the alerts.
    fn logins_shown_as(
        &self,
        store: &Store,
        ctx: &Context,
        shown: &str,
    ) -> Result<Vec<String>, StoreError> {
        if self.names() {
            return Ok(vec![shown.to_string()]);
        }
        let mut out = Vec::new();
        for u in store.alert_logins()? {
            if self.pseudonyms.of("U", &u) == shown && store.login_has_final_alert(&u)? {
                out.push(u);
            }
        }
        let mut known: Vec<&String> = ctx.units.keys().collect();
        known.sort();
        for u in known {
            if !out.contains(u) && self.pseudonyms.of("U", u) == shown {
                out.push(u.clone());
            }
        }
        Ok(out)
    }

    /// The real login behind what this viewer typed (a login or a pseudonym).
    pub(crate) fn resolve_login(
        &self,
        store: &Store,
        ctx: &Context,
        shown: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self.logins_shown_as(store, ctx, shown)?.into_iter().next())
    }

    /// A triage decision as this viewer may see it: notes and assignees can name people,
    /// and the investigators' own names are not the oversight office's business either.
    fn triage(&self, t: Triage) -> Triage {
        if self.names() {
            return t;
        }
        Triage {
            alert_id: self.alert_ref(&t.alert_id),
            by: self.pseudonyms.of("A", &t.by),
            assignee: None,
            note: None,
            at: self.window(&t.at, false),
            ..t
        }
    }

    pub fn row(&self, l: &Listed, ctx: &Context) -> AlertRow {
        let a = &l.alert;
        let person = a
            .evidence
            .get("matched_person")
            .and_then(Value::as_str)
            .map(|p| {
                if self.names() {
                    p.to_string()
                } else {
                    self.pseudonyms.of("P", p)
                }
            });
        AlertRow {
            alert_id: self.alert_ref(&a.alert_id),
            detector: a.detector.clone(),
            kind: a.kind.clone(),
            severity: a.severity.as_str().to_string(),
            score: a.score,
            user: self.login(&a.user),
            unit: self.unit(&a.user, ctx),
            window_start: self.window(&a.window_start, false),
            window_end: self.window(&a.window_end, true),
            events: a.event_ids.len(),
            status: l.status.clone(),
            assignee: l.assignee.clone().filter(|_| self.names()),
            reason: self.names().then(|| a.reason.clone()),
            person,
        }
    }

    /// The filter as a store query over real logins and units: a pseudonym is resolved to
    /// its login, and a unit name to the units this viewer sees under it (for viewers
    /// without names, `(small unit)` stands for every small unit and a small unit's own
    /// name for none). What resolves to nothing matches nothing.
    fn query(&self, store: &Store, ctx: &Context, f: &Filter) -> Result<AlertQuery, StoreError> {
        let f = f.cleaned();
        let users = match &f.user {
            Some(u) => Some(self.logins_shown_as(store, ctx, u)?),
            None => None,
        };
        let units = f.unit.as_deref().map(|shown| {
            let mut v: Vec<String> = ctx
                .unit_sizes
                .keys()
                .filter(|u| self.unit_shown(u, ctx) == shown)
                .cloned()
                .collect();
            v.sort();
            v
        });
        Ok(AlertQuery {
            users,
            units,
            detector: f.detector,
            kind: f.kind,
            severity: f.severity,
            status: f.status,
            from: f.from,
            to: f.to,
        })
    }

    /// One page of the alerts matching the filter, most serious first, and their number.
    /// Viewers without names get them ordered only by what their rows show (score, day,
    /// token), as the store's exact times and raw ids must not show through the order.
    pub fn alerts(
        &self,
        store: &Store,
        ctx: &Context,
        f: &Filter,
        paging: Paging,
    ) -> Result<Paged<AlertRow>, StoreError> {
        let q = self.query(store, ctx, f)?;
        let order = if self.names() {
            Order::Serious
        } else {
            Order::SeriousByDayAndToken
        };
        let (total, rows) = store.list_alerts(&q, order, paging.offset(), paging.per_page)?;
        Ok(Paged {
            rows: rows.iter().map(|l| self.row(l, ctx)).collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }

    pub fn detail(
        &self,
        store: &Store,
        ctx: &Context,
        id: &str,
    ) -> Result<Option<AlertDetail>, StoreError> {
        let Some(l) = self.resolve_alert(store, id)? else {
            return Ok(None);
        };
        let a = &l.alert;
        let events = if self.names() {
            Some(
                store
                    .events_by_id(&a.event_ids)?
                    .iter()
                    .filter_map(|e| serde_json::from_str(e).ok())
                    .collect(),
            )
        } else {
            None
        };
        Ok(Some(AlertDetail {
            alert: self.row(&l, ctx),
            evidence: self.names().then(|| a.evidence.clone()),
            events,
            event_ids: if self.names() {
                a.event_ids.clone()
            } else {
                Vec::new()
            },
            triage: store
                .triage_history(&a.alert_id)?
                .into_iter()
                .map(|t| self.triage(t))
                .collect(),
        }))
    }

    /// The overview, from the store's aggregates: final alerts counted per day, detector,
    /// severity and unit in SQL, folded here into weeks and into what this viewer may see.
    pub fn overview(&self, store: &Store, ctx: &Context) -> Result<Overview, StoreError> {
        let mut o = Overview {
            by_status: store.alert_statuses()?,
            ..Overview::default()
        };
        for c in store.alert_counts()? {
            let n = c.alerts;
            o.alerts += n;
            *o.by_detector.entry(c.detector.clone()).or_default() += n;
            *o.by_severity.entry(c.severity.clone()).or_default() += n;
            let unit = c
                .unit
                .as_deref()
                .map_or_else(|| "(unknown)".into(), |u| self.unit_shown(u, ctx));
            *o.by_unit.entry(unit.clone()).or_default() += n;
            if let Some(w) = iso_week(&c.day) {
                *o.by_week
                    .entry(w.clone())
                    .or_default()
                    .entry(c.detector)
                    .or_default() += n;
                *o.by_week_severity
                    .entry(w.clone())
                    .or_default()
                    .entry(c.severity)
                    .or_default() += n;
                *o.by_week_unit
                    .entry(w)
                    .or_default()
                    .entry(unit)
                    .or_default() += n;
            }
        }
        if let Some(last) = o.by_week.keys().next_back().cloned() {
            let this = &o.by_week[&last];
            let before = previous_week(&last).and_then(|w| o.by_week.get(&w));
            let mut wow = BTreeMap::new();
            for d in o.by_detector.keys() {
                let now = this.get(d).copied().unwrap_or(0);
                let then = before.and_then(|b| b.get(d)).copied().unwrap_or(0);
                wow.insert(d.clone(), (now, then));
            }
            o.week_over_week = wow;
        }
        o.events_by_day = store.events_per_day()?;
        o.events = o.events_by_day.iter().map(|(_, n)| n).sum();
        o.explained_fraction = store.explained_fraction()?;
        o.suppressed_rules = ctx
            .exceptions
            .iter()
            .filter(|e| e.revoked_at.is_none())
            .count();
        o.source_gaps = store.gaps()?;
        o.dispositions = super::learning::dispositions(self, ctx, store.dispositions()?);
        Ok(o)
    }

    /// One page of the logins ranked by risk. Summed in the store per login, detector and
    /// kind (rows bounded by logins, not alerts), ranked here by what this viewer sees.
    pub fn ranked(
        &self,
        store: &Store,
        ctx: &Context,
        f: &Filter,
        paging: Paging,
    ) -> Result<Paged<RankedUser>, StoreError> {
        let q = self.query(store, ctx, f)?;
        let mut by: BTreeMap<String, RankedUser> = BTreeMap::new();
        for s in store.user_kind_sums(&q)? {
            let shown = self.login(&s.user);
            let r = by.entry(shown.clone()).or_insert_with(|| RankedUser {
                user: shown,
                unit: self.unit(&s.user, ctx),
                risk: 0.0,
                alerts: 0,
                worst: "low".into(),
                reasons: BTreeMap::new(),
            });
            r.risk += s.score;
            r.alerts += s.alerts;
            let worst = crate::alert::Severity::from_rank(s.worst).as_str();
            if crate::alert::Severity::rank_of(worst) > crate::alert::Severity::rank_of(&r.worst) {
                r.worst = worst.to_string();
            }
            *r.reasons
                .entry(format!("{}/{}", s.detector, s.kind))
                .or_default() += s.alerts;
        }
        let mut v: Vec<RankedUser> = by.into_values().collect();
        v.sort_by(|a, b| b.risk.total_cmp(&a.risk).then_with(|| a.user.cmp(&b.user)));
        let total = v.len();
        let rows = v
            .into_iter()
            .skip(paging.offset())
            .take(paging.per_page)
            .collect();
        Ok(Paged {
            rows,
            total,
            page: paging.page,
            per_page: paging.per_page,
        })
    }

    pub fn timeline(
        &self,
        store: &Store,
        ctx: &Context,
        login: &str,
        from: &str,
        to: &str,
        paging: Paging,
    ) -> Result<Timeline, StoreError> {
        let alerts = store.alerts_of_login(login, from, to)?;
        let events_total = if self.names() {
            Some(store.count_events_of(login, from, to)?)
        } else {
            None
        };
        let events = if self.names() {
            let mut of_event: HashMap<&str, Vec<(String, String)>> = HashMap::new();
            for l in &alerts {
                let a = &l.alert;
                let how = match_text(a);
                for id in &a.event_ids {
                    of_event
                        .entry(id.as_str())
                        .or_default()
                        .push((a.alert_id.clone(), how.clone()));
                }
            }
            Some(
                store
                    .events_of(login, from, to, paging.offset(), paging.per_page)?
                    .iter()
                    .filter_map(|e| serde_json::from_str::<Value>(e).ok())
                    .map(|event| {
                        let hits = event
                            .get("id")
                            .and_then(Value::as_str)
                            .and_then(|id| of_event.get(id))
                            .cloned()
                            .unwrap_or_default();
                        let (alert_ids, matched) = hits.into_iter().unzip();
                        TimelineEvent {
                            event,
                            alert_ids,
                            matched,
                        }
                    })
                    .collect(),
            )
        } else {
            None
        };
        let mut rows: Vec<AlertRow> = alerts.iter().map(|l| self.row(l, ctx)).collect();
        if !self.names() {
            // The store's order breaks ties by the raw alert id and by the exact time; in
            // what a viewer without names receives, order only by what the rows show.
            rows.sort_by(|a, b| {
                a.window_start
                    .cmp(&b.window_start)
                    .then_with(|| a.alert_id.cmp(&b.alert_id))
            });
        }
        Ok(Timeline {
            user: self.login(login),
            unit: self.unit(login, ctx),
            from: from.to_string(),
            to: to.to_string(),
            events,
            events_total,
            page: paging.page,
            per_page: paging.per_page,
            alerts: rows,
        })
    }
}

/// Who an alert's lookups matched and how, from its evidence.
fn match_text(a: &Alert) -> String {
    let e = &a.evidence;
    let mut s = format!("{}/{}", a.detector, a.kind);
    if let Some(p) = e.get("matched_person").and_then(Value::as_str) {
        s.push_str(": ");
        s.push_str(p);
    }
    let fields: Vec<&str> = e
        .pointer("/match/fields")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !fields.is_empty() {
        s.push_str(", by ");
        s.push_str(&fields.join(", "));
    }
    s
}

/// The calendar week before an ISO week key (`2026-W01` -> `2025-W52`).
pub(crate) fn previous_week(key: &str) -> Option<String> {
    use chrono::Datelike;
    let (y, w) = key.split_once("-W")?;
    let monday =
        chrono::NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)?;
    let before = (monday - chrono::Duration::days(7)).iso_week();
    Some(format!("{}-W{:02}", before.year(), before.week()))
}

/// `2026-11-23T…` -> `2026-W48`.
fn iso_week(ts: &str) -> Option<String> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(ts.get(..10)?, "%Y-%m-%d").ok()?;
    let w = d.iso_week();
    Some(format!("{}-W{:02}", w.year(), w.week()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_typed() {
        let p = Pseudonyms::new(b"key one".to_vec());
        let q = Pseudonyms::new(b"key two".to_vec());
        assert_eq!(p.of("U", "jdoe"), p.of("U", "jdoe"));
        assert_ne!(p.of("U", "jdoe"), p.of("P", "jdoe"));
        assert_ne!(p.of("U", "jdoe"), q.of("U", "jdoe"));
        assert!(p.of("U", "jdoe").starts_with("U-") && p.of("U", "jdoe").len() == 12);
    }

    #[test]
    fn weeks_are_iso_weeks() {
        assert_eq!(
            iso_week("2026-11-23T18:00:00Z").as_deref(),
            Some("2026-W48")
        );
        assert_eq!(
            iso_week("2027-01-01T00:00:00Z").as_deref(),
            Some("2026-W53")
        );
        assert_eq!(iso_week("garbage"), None);
        assert_eq!(previous_week("2026-W01").as_deref(), Some("2025-W52"));
        assert_eq!(previous_week("2026-W48").as_deref(), Some("2026-W47"));
    }
}
