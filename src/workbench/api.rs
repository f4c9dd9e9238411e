//! The routes: HTML pages at `/…` and the same data as JSON at `/api/v1/…`, behind one
//! session check, one CSRF check and one access log.
//!
//! A request carries its session in the `custodes_session` cookie (HttpOnly, Secure,
//! SameSite=Strict); without a valid one every route but the login answers 401. Every
//! state-changing request must also carry the session's CSRF token (form field `csrf`, or
//! header `X-CSRF-Token`), and a cross-site `Origin` is refused outright. What a route
//! shows comes from [`super::view`], already pseudonymised for the viewer's role; what it
//! may change depends on the role (oversight changes nothing, exceptions are admin's).

use std::collections::HashMap;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::view::{Context, Filter, Paged, Viewer, Views};
use super::{auth, export, pages, AppState, Peer};
use crate::store::workbench::{Exception, Role, Triage, STATUSES};
use crate::store::Store;

const COOKIE: &str = "custodes_session";
const OPENAPI: &str = include_str!("openapi.json");

/// Largest login body: a name of 64 characters and a long passphrase fit many times over;
/// anything bigger is refused (413) before it is read.
pub(crate) const LOGIN_BODY_BYTES: usize = 4 * 1024;
/// Largest body of any other POST (a triage note, an exception's reason).
pub(crate) const FORM_BODY_BYTES: usize = 64 * 1024;
/// Longest access-log target built from what a request asked for (filters, periods).
pub(crate) const LOGGED_TARGET_CHARS: usize = 512;

pub(crate) fn router(state: AppState) -> Router {
    let login_limit = DefaultBodyLimit::max(LOGIN_BODY_BYTES);
    Router::new()
        .route("/", get(overview_page))
        .route(
            "/login",
            get(login_page).post(login_form).layer(login_limit),
        )
        .route("/logout", post(logout_form))
        .route("/alerts", get(alerts_page))
        .route("/alerts/{id}", get(alert_page))
        .route("/alerts/{id}/triage", post(triage_form))
        .route("/alerts/{id}/export.html", get(alert_export_html))
        .route("/alerts/{id}/export.csv", get(alert_export_csv))
        .route("/users", get(users_page))
        .route("/users/{user}/timeline", get(timeline_page))
        .route("/users/{user}/export.html", get(user_export_html))
        .route("/users/{user}/export.csv", get(user_export_csv))
        .route("/exceptions", get(exceptions_page).post(exception_form))
        .route("/lookups", get(lookups_page))
        .route("/api/v1/lookups", get(lookups_api))
        .route("/exceptions/{id}/revoke", post(revoke_form))
        .route("/api/v1/login", post(login_api).layer(login_limit))
        .route("/api/v1/logout", post(logout_api))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/overview", get(overview_api))
        .route("/api/v1/alerts", get(alerts_api))
        .route("/api/v1/alerts/{id}", get(alert_api))
        .route("/api/v1/alerts/{id}/triage", post(triage_api))
        .route("/api/v1/alerts/{id}/export", get(alert_export_api))
        .route("/api/v1/users", get(users_api))
        .route("/api/v1/users/{user}/timeline", get(timeline_api))
        .route("/api/v1/users/{user}/export", get(user_export_api))
        .route(
            "/api/v1/exceptions",
            get(exceptions_api).post(exception_api),
        )
        .route("/api/v1/exceptions/preview", get(preview_api))
        .route("/api/v1/exceptions/proposals", get(proposals_api))
        .route("/api/v1/exceptions/{id}/revoke", post(revoke_api))
        .route("/api/v1/access-log", get(access_log_api))
        .layer(DefaultBodyLimit::max(FORM_BODY_BYTES))
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

/// Headers for every answer (refusals included), and the refusal of cross-site writes.
async fn guard(req: axum::extract::Request, next: Next) -> Response {
    let mut res = if req.method() == Method::POST && !same_origin(req.headers()) {
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::CACHE_CONTROL, "no-store");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    res
}

/// An `Origin` header, when the browser sends one, must name this server.
fn same_origin(h: &HeaderMap) -> bool {
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = h
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split("://").nth(1).unwrap_or(origin);
    origin != "null" && origin_host == host
}

/// Why a request failed; rendered as JSON under `/api/` and as a page elsewhere.
#[derive(Debug)]
pub(crate) enum Fail {
    Unauthorized,
    Forbidden(String),
    NotFound(String),
    BadRequest(String),
    /// Too many failed logins: seconds until the next attempt may be made.
    TooMany(u64),
    Internal(String),
}

impl From<super::view::FilterError> for Fail {
    fn from(e: super::view::FilterError) -> Fail {
        Fail::BadRequest(e.to_string())
    }
}

impl Fail {
    fn status(&self) -> StatusCode {
        match self {
            Fail::Unauthorized => StatusCode::UNAUTHORIZED,
            Fail::Forbidden(_) => StatusCode::FORBIDDEN,
            Fail::NotFound(_) => StatusCode::NOT_FOUND,
            Fail::BadRequest(_) => StatusCode::BAD_REQUEST,
            Fail::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            Fail::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn text(&self) -> String {
        match self {
            Fail::Unauthorized => "log in first".into(),
            Fail::Forbidden(t) | Fail::NotFound(t) | Fail::BadRequest(t) => t.clone(),
            Fail::TooMany(s) => {
                format!(
                    "too many failed logins for this name or from this address; try again in {s} s"
                )
            }
            Fail::Internal(t) => {
                tracing::error!(error = %t, "Request failed.");
                "the server could not answer; see its log".into()
            }
        }
    }

    fn json(self) -> Response {
        let retry = self.retry_after();
        let mut res = (self.status(), Json(json!({"error": self.text()}))).into_response();
        if let Some(v) = retry {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }

    fn page(self) -> Response {
        let status = self.status();
        let retry = self.retry_after();
        let title = status.canonical_reason().unwrap_or("Error").to_string();
        let mut res = (
            status,
            Html(pages::message(None, status.as_u16(), &title, &self.text())),
        )
            .into_response();
        if let Some(v) = retry {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }

    fn retry_after(&self) -> Option<HeaderValue> {
        match self {
            Fail::TooMany(s) => Some(HeaderValue::from(*s)),
            _ => None,
        }
    }
}

impl From<crate::store::StoreError> for Fail {
    fn from(e: crate::store::StoreError) -> Self {
        Fail::Internal(e.to_string())
    }
}

/// Runs store work on a blocking thread.
async fn db<T, F>(state: &AppState, f: F) -> Result<T, Fail>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, Fail> + Send + 'static,
{
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || {
        let mut s = store
            .lock()
            .map_err(|_| Fail::Internal("the store's lock is poisoned".into()))?;
        f(&mut s)
    })
    .await
    .map_err(|e| Fail::Internal(e.to_string()))?
}

/// A logged-in request.
pub(crate) struct Authed {
    pub viewer: Viewer,
    pub csrf: String,
    token_sha256: String,
}

impl Authed {
    fn check_csrf(&self, given: Option<&str>) -> Result<(), Fail> {
        match given {
            Some(t) if auth::same_secret(t, &self.csrf) => Ok(()),
            _ => Err(Fail::Forbidden(
                "missing or wrong CSRF token (reload the page)".into(),
            )),
        }
    }

    fn may_triage(&self) -> Result<(), Fail> {
        if self.viewer.role == Role::Oversight {
            return Err(Fail::Forbidden(
                "the oversight role cannot triage alerts".into(),
            ));
        }
        Ok(())
    }

    fn admin(&self) -> Result<(), Fail> {
        if self.viewer.role != Role::Admin {
            return Err(Fail::Forbidden(
                "only an admin can change exceptions".into(),
            ));
        }
        Ok(())
    }

    fn page(&self) -> pages::Page<'_> {
        pages::Page {
            viewer: &self.viewer,
            csrf: &self.csrf,
        }
    }
}

fn cookie_token(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let api = parts.uri.path().starts_with("/api/");
        let reject = |f: Fail| if api { f.json() } else { f.page() };
        let Some(token) = cookie_token(&parts.headers) else {
            return Err(reject(Fail::Unauthorized));
        };
        let hash = auth::token_sha256(&token);
        let now = crate::event::format_ts(&chrono::Utc::now());
        let h = hash.clone();
        let session = db(state, move |s| Ok(s.session(&h, &now)?))
            .await
            .map_err(reject)?;
        match session {
            Some(s) => Ok(Authed {
                viewer: Viewer {
                    name: s.account,
                    role: s.role,
                },
                csrf: s.csrf,
                token_sha256: hash,
            }),
            None => Err(reject(Fail::Unauthorized)),
        }
    }
}

/// Records a view of personal data (only viewers who see names see any). The target is
/// built from what the request asked for, so it is cut to [`LOGGED_TARGET_CHARS`].
fn log_view(s: &mut Store, who: &Authed, action: &str, target: &str) -> Result<(), Fail> {
    if who.viewer.role.sees_names() {
        s.log_access(&who.viewer.name, action, &clip(target, LOGGED_TARGET_CHARS))?;
    }
    Ok(())
}

/// At most `max` characters of `s`, control characters replaced, and a mark when cut: what
/// the append-only log keeps of text a request supplied.
fn clip(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

// ---- login ----

#[derive(Deserialize)]
pub(crate) struct LoginBody {
    pub name: String,
    pub password: String,
}

/// Checks a password and opens a session: the cookie's token and the CSRF token.
///
/// Throttled names and addresses are refused before any hashing. The stored hash is read
/// under the store's lock, but argon2 runs after the lock is released, on a blocking thread
/// and behind [`AppState::verifiers`], so a flood of wrong passwords does not stall the
/// logged-in users' requests.
async fn open_session(
    state: &AppState,
    name: String,
    password: String,
    peer: std::net::SocketAddr,
) -> Result<(String, String, Role), Fail> {
    let address = peer.ip().to_string();
    let throttle = state.throttle.clone();
    // The throttle's key is the name as the log keeps it: no account name is longer, and
    // the table must not hold kilobytes per guess.
    let key = logged_name(&name);
    if let Some(wait) = throttle.wait(&key, &address, std::time::Instant::now()) {
        return Err(Fail::TooMany(wait));
    }
    let hours = state.session_hours;
    let dummy = state.dummy_hash.clone();
    let n = name.clone();
    let account = db(state, move |s| Ok(s.account(&n)?)).await?;
    let permit = state
        .verifiers
        .acquire()
        .await
        .map_err(|e| Fail::Internal(e.to_string()))?;
    // Again under the permit: attempts that were waiting for it while others failed must
    // not slip past the limit.
    if let Some(wait) = throttle.wait(&key, &address, std::time::Instant::now()) {
        return Err(Fail::TooMany(wait));
    }
    // Verify against a dummy hash when the name is unknown (or disabled), so that timing
    // does not tell which names exist.
    let (phc, role) = match &account {
        Some(a) if !a.disabled => (a.password.clone(), Some(a.role)),
        _ => (dummy.to_string(), None),
    };
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&phc, &password))
        .await
        .map_err(|e| Fail::Internal(e.to_string()))?;
    drop(permit);
    let Some(role) = role.filter(|_| ok) else {
        throttle.failed(&key, &address, std::time::Instant::now());
        db(state, move |s| {
            s.log_access(&key, "login_failed", &address)?;
            Ok(())
        })
        .await?;
        return Err(Fail::Unauthorized);
    };
    throttle.succeeded(&key);
    db(state, move |s| {
        let token = auth::new_token();
        let csrf = auth::new_token();
        let expires =
            crate::event::format_ts(&(chrono::Utc::now() + chrono::Duration::hours(hours)));
        s.create_session(&auth::token_sha256(&token), &name, &csrf, &expires)?;
        s.log_access(&name, "login", role.as_str())?;
        Ok((token, csrf, role))
    })
    .await
}

/// Longest submitted name written to the access log for a failed login: the name comes
/// from anyone on the network, and the log is append-only.
pub(crate) const LOGGED_NAME_CHARS: usize = 64;

/// A submitted name as the access log keeps it: at most [`LOGGED_NAME_CHARS`] characters,
/// control characters replaced, and a mark when it was cut.
fn logged_name(name: &str) -> String {
    clip(name, LOGGED_NAME_CHARS)
}

fn session_cookie(token: &str, hours: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={}",
        hours * 3600
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("custodes_session=; Path=/; Max-Age=0"))
}

const CLEAR_COOKIE: &str =
    "custodes_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0";

async fn login_api(
    State(state): State<AppState>,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    Json(b): Json<LoginBody>,
) -> Response {
    match open_session(&state, b.name.clone(), b.password, peer).await {
        Ok((token, csrf, role)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&token, state.session_hours),
            )],
            Json(json!({"name": b.name, "role": role, "csrf": csrf})),
        )
            .into_response(),
        Err(f) => f.json(),
    }
}

async fn login_page() -> Html<String> {
    Html(pages::login(None))
}

async fn login_form(
    State(state): State<AppState>,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    Form(b): Form<LoginBody>,
) -> Response {
    match open_session(&state, b.name, b.password, peer).await {
        Ok((token, _, _)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&token, state.session_hours),
            )],
            Redirect::to("/"),
        )
            .into_response(),
        Err(Fail::Unauthorized) => (
            StatusCode::UNAUTHORIZED,
            Html(pages::login(Some("Wrong name or password."))),
        )
            .into_response(),
        Err(Fail::TooMany(wait)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, HeaderValue::from(wait))],
            Html(pages::login(Some(&format!(
                "Too many failed logins for this name or from this address. Try again in {} minute(s).",
                wait.div_ceil(60)
            )))),
        )
            .into_response(),
        Err(f) => f.page(),
    }
}

async fn close_session(state: &AppState, who: &Authed) -> Result<(), Fail> {
    let hash = who.token_sha256.clone();
    let name = who.viewer.name.clone();
    db(state, move |s| {
        s.delete_session(&hash)?;
        s.log_access(&name, "logout", "")?;
        Ok(())
    })
    .await
}

async fn logout_api(State(state): State<AppState>, who: Authed, headers: HeaderMap) -> Response {
    let run = async {
        who.check_csrf(csrf_header(&headers))?;
        close_session(&state, &who).await
    };
    match run.await {
        Ok(()) => (
            [(header::SET_COOKIE, CLEAR_COOKIE)],
            Json(json!({"ok": true})),
        )
            .into_response(),
        Err(f) => f.json(),
    }
}

async fn logout_form(
    State(state): State<AppState>,
    who: Authed,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let run = async {
        who.check_csrf(f.get("csrf").map(String::as_str))?;
        close_session(&state, &who).await
    };
    match run.await {
        Ok(()) => ([(header::SET_COOKIE, CLEAR_COOKIE)], Redirect::to("/login")).into_response(),
        Err(f) => f.page(),
    }
}

fn csrf_header(h: &HeaderMap) -> Option<&str> {
    h.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

async fn openapi(_who: Authed) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

// ---- reading ----

/// Builds a view from the store, on a blocking thread: the small tables every view needs
/// are read first ([`Context`]), alerts only as the view asks for them.
async fn read<T, F>(state: &AppState, who: &Authed, f: F) -> Result<T, Fail>
where
    T: Send + 'static,
    F: FnOnce(&mut Store, &Context, &Views<'_>, &Authed) -> Result<T, Fail> + Send + 'static,
{
    let viewer = who.viewer.clone();
    let who = Authed {
        viewer: viewer.clone(),
        csrf: who.csrf.clone(),
        token_sha256: who.token_sha256.clone(),
    };
    let pseudonyms = state.pseudonyms.clone();
    db(state, move |s| {
        let ctx = Context::read(s)?;
        let views = Views {
            viewer: &viewer,
            pseudonyms: &pseudonyms,
        };
        f(s, &ctx, &views, &who)
    })
    .await
}

fn query_text(f: &Filter) -> String {
    serde_json::to_string(&json!({
        "user": f.user, "unit": f.unit, "detector": f.detector, "kind": f.kind,
        "severity": f.severity, "status": f.status, "from": f.from, "to": f.to,
        "page": f.page, "per_page": f.per_page,
    }))
    .unwrap_or_default()
}

async fn overview_api(State(state): State<AppState>, who: Authed) -> Response {
    read(&state, &who, |s, ctx, v, _| Ok(v.overview(s, ctx)?))
        .await
        .map_or_else(Fail::json, |o| Json(o).into_response())
}

async fn overview_page(State(state): State<AppState>, who: Authed) -> Response {
    match read(&state, &who, |s, ctx, v, _| Ok(v.overview(s, ctx)?)).await {
        Ok(o) => Html(pages::overview(&who.page(), &o)).into_response(),
        Err(f) => f.page(),
    }
}

async fn list_alerts(
    state: &AppState,
    who: &Authed,
    f: Filter,
) -> Result<Paged<super::view::AlertRow>, Fail> {
    f.validate().map_err(Fail::from)?;
    let paging = f.paging().map_err(Fail::from)?;
    read(state, who, move |s, ctx, v, who| {
        let rows = v.alerts(s, ctx, &f, paging)?;
        log_view(s, who, "list_alerts", &query_text(&f))?;
        Ok(rows)
    })
    .await
}

/// A page of a list as the API answers it: the rows as a JSON array (as before paging),
/// the list's size in `X-Total-Count`, and the neighbouring pages in `Link` (RFC 8288).
fn paged_json<T: serde::Serialize>(base: &str, f: &Filter, p: &Paged<T>) -> Response {
    let mut res = Json(&p.rows).into_response();
    let h = res.headers_mut();
    h.insert("x-total-count", HeaderValue::from(p.total));
    let mut links = Vec::new();
    if p.page > 1 {
        // Past the end, "previous" is the last page there is.
        let prev = (p.page - 1).min(p.pages());
        links.push(format!(
            "<{}>; rel=\"prev\"",
            pages::page_href(base, f, prev, p.per_page)
        ));
    }
    if p.has_next() {
        links.push(format!(
            "<{}>; rel=\"next\"",
            pages::page_href(base, f, p.page + 1, p.per_page)
        ));
    }
    if let Ok(v) = HeaderValue::from_str(&links.join(", ")) {
        if !links.is_empty() {
            h.insert(header::LINK, v);
        }
    }
    res
}

async fn alerts_api(
    State(state): State<AppState>,
    who: Authed,
    Query(f): Query<Filter>,
) -> Response {
    match list_alerts(&state, &who, f.clone()).await {
        Ok(p) => paged_json("/api/v1/alerts", &f, &p),
        Err(e) => e.json(),
    }
}

async fn alerts_page(
    State(state): State<AppState>,
    who: Authed,
    Query(f): Query<Filter>,
) -> Response {
    match list_alerts(&state, &who, f.clone()).await {
        Ok(rows) => Html(pages::alerts(&who.page(), &rows, &f)).into_response(),
        Err(e) => e.page(),
    }
}

async fn alert_detail(
    state: &AppState,
    who: &Authed,
    id: String,
) -> Result<super::view::AlertDetail, Fail> {
    read(state, who, move |s, ctx, v, who| {
        let d = v
            .detail(s, ctx, &id)?
            .ok_or_else(|| Fail::NotFound(format!("no alert {id}")))?;
        log_view(s, who, "view_alert", &id)?;
        Ok(d)
    })
    .await
}

async fn alert_api(State(state): State<AppState>, who: Authed, Path(id): Path<String>) -> Response {
    alert_detail(&state, &who, id)
        .await
        .map_or_else(Fail::json, |d| Json(d).into_response())
}

async fn alert_page(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> Response {
    match alert_detail(&state, &who, id).await {
        Ok(d) => Html(pages::alert(&who.page(), &d)).into_response(),
        Err(f) => f.page(),
    }
}

async fn ranked(
    state: &AppState,
    who: &Authed,
    f: Filter,
) -> Result<Paged<super::view::RankedUser>, Fail> {
    f.validate().map_err(Fail::from)?;
    let paging = f.paging().map_err(Fail::from)?;
    read(state, who, move |s, ctx, v, who| {
        let users = v.ranked(s, ctx, &f, paging)?;
        log_view(s, who, "list_users", &query_text(&f))?;
        Ok(users)
    })
    .await
}

async fn users_api(
    State(state): State<AppState>,
    who: Authed,
    Query(f): Query<Filter>,
) -> Response {
    match ranked(&state, &who, f.clone()).await {
        Ok(p) => paged_json("/api/v1/users", &f, &p),
        Err(e) => e.json(),
    }
}

async fn users_page(
    State(state): State<AppState>,
    who: Authed,
    Query(f): Query<Filter>,
) -> Response {
    match ranked(&state, &who, f.clone()).await {
        Ok(u) => Html(pages::ranked(&who.page(), &u, &f)).into_response(),
        Err(e) => e.page(),
    }
}

/// Events a user's evidence packet holds at most.
const PACKET_EVENTS: usize = 5000;

#[derive(Deserialize, Default, Clone)]
pub struct Range {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
    /// Which page of a timeline's events (from 1), and how many per page (1 to 1000,
    /// [`super::view::TIMELINE_PAGE`] when not given).
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl Range {
    fn filter(&self) -> Filter {
        let per_page = self
            .per_page
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| super::view::TIMELINE_PAGE.to_string());
        Filter {
            from: self.from.clone(),
            to: self.to.clone(),
            page: self.page.clone(),
            per_page: Some(per_page),
            ..Filter::default()
        }
    }

    /// Refuses a `from` or `to` that is neither a date nor an RFC 3339 time, and a page or
    /// page size out of range.
    fn validate(&self) -> Result<(), Fail> {
        self.filter().validate().map_err(Fail::from)
    }

    /// The page of events asked for.
    fn paging(&self) -> Result<super::view::Paging, Fail> {
        self.filter().paging().map_err(Fail::from)
    }

    /// The period as store bounds: empty fields are open ends; a date `to` is the whole
    /// day.
    fn bounds(&self) -> (String, String) {
        let f = Filter {
            from: self.from.clone(),
            to: self.to.clone(),
            ..Filter::default()
        }
        .cleaned();
        (
            f.from.unwrap_or_else(|| "0000".into()),
            f.to.unwrap_or_else(|| "9999".into()),
        )
    }
}

async fn timeline(
    state: &AppState,
    who: &Authed,
    user: String,
    r: Range,
) -> Result<super::view::Timeline, Fail> {
    r.validate()?;
    read(state, who, move |s, ctx, v, who| {
        let login = v
            .resolve_login(s, ctx, &user)?
            .ok_or_else(|| Fail::NotFound(format!("no login {user}")))?;
        let (from, to) = r.bounds();
        let paging = r.paging()?;
        let t = v.timeline(s, ctx, &login, &from, &to, paging)?;
        log_view(s, who, "view_timeline", &format!("{login} {from}..{to}"))?;
        Ok(t)
    })
    .await
}

async fn timeline_api(
    State(state): State<AppState>,
    who: Authed,
    Path(user): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    timeline(&state, &who, user, r)
        .await
        .map_or_else(Fail::json, |t| Json(t).into_response())
}

async fn timeline_page(
    State(state): State<AppState>,
    who: Authed,
    Path(user): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    match timeline(&state, &who, user, r).await {
        Ok(t) => Html(pages::timeline(&who.page(), &t)).into_response(),
        Err(f) => f.page(),
    }
}

// ---- who looked up this person ----

/// Searches the store's events for one person. Investigators and admins only: the answer
/// names the person and everyone who looked them up. Every search is written to the access
/// log with its criteria before the answer is built (a search is itself a lookup of a
/// person). `None`: no criteria yet (the empty form).
async fn search_lookups(
    state: &AppState,
    who: &Authed,
    c: crate::lookups::Criteria,
) -> Result<Option<crate::lookups::Report>, Fail> {
    if !who.viewer.role.sees_names() {
        return Err(Fail::Forbidden(
            "searching who looked up a person names people: the oversight role cannot".into(),
        ));
    }
    let c = c.cleaned();
    if c.person_id.is_none()
        && c.name.is_none()
        && c.plate.is_none()
        && c.phone.is_none()
        && c.address.is_none()
    {
        return Ok(None);
    }
    let Some(resolver) = state.resolver.clone() else {
        return Err(Fail::BadRequest(
            "lookups need reference data: start the server with `custodes serve --refs DIR`".into(),
        ));
    };
    let name = who.viewer.name.clone();
    db(state, move |s| {
        s.log_access(
            &name,
            "search_lookups",
            &clip(&c.describe(), LOGGED_TARGET_CHARS),
        )?;
        crate::lookups::search_store(s, &resolver, c)
            .map(Some)
            .map_err(|e| match e {
                crate::lookups::LookupError::Store(e) => Fail::from(e),
                crate::lookups::LookupError::Damaged { .. } => Fail::Internal(e.to_string()),
                other => Fail::BadRequest(other.to_string()),
            })
    })
    .await
}

async fn lookups_api(
    State(state): State<AppState>,
    who: Authed,
    Query(c): Query<crate::lookups::Criteria>,
) -> Response {
    match search_lookups(&state, &who, c).await {
        Ok(Some(r)) => Json(r).into_response(),
        Ok(None) => Fail::BadRequest("give person_id, name, plate, phone or address".into()).json(),
        Err(f) => f.json(),
    }
}

async fn lookups_page(
    State(state): State<AppState>,
    who: Authed,
    Query(c): Query<crate::lookups::Criteria>,
) -> Response {
    let shown = c.clone().cleaned();
    match search_lookups(&state, &who, c).await {
        Ok(r) => {
            let note = if state.resolver.is_none() {
                Some("This server was started without reference data (`custodes serve --refs DIR`): it cannot search lookups.")
            } else {
                None
            };
            Html(pages::lookups(&who.page(), &shown, r.as_ref(), note)).into_response()
        }
        Err(Fail::BadRequest(m)) if who.viewer.role.sees_names() => {
            Html(pages::lookups(&who.page(), &shown, None, Some(&m))).into_response()
        }
        Err(f) => f.page(),
    }
}

// ---- exports ----

/// Builds a packet and records it, with its digest, in the access log before it is sent.
async fn packet(state: &AppState, who: &Authed, of: PacketOf) -> Result<export::Packet, Fail> {
    if !who.viewer.role.sees_names() {
        return Err(Fail::Forbidden(
            "evidence packets name people: the oversight role cannot export them".into(),
        ));
    }
    if let PacketOf::User(_, r) = &of {
        r.validate()?;
    }
    read(state, who, move |s, ctx, v, who| {
        let now = crate::event::format_ts(&chrono::Utc::now());
        let (p, target) = match of {
            PacketOf::Alert(id) => {
                let d = v
                    .detail(s, ctx, &id)?
                    .ok_or_else(|| Fail::NotFound(format!("no alert {id}")))?;
                (
                    export::alert_packet(&d, &who.viewer.name, &now),
                    format!("alert {id}"),
                )
            }
            PacketOf::User(shown, r) => {
                let user = v
                    .resolve_login(s, ctx, &shown)?
                    .ok_or_else(|| Fail::NotFound(format!("no login {shown}")))?;
                let (from, to) = r.bounds();
                // A packet holds the period's first events up to the cap it always had,
                // not one page of the timeline.
                let first = super::view::Paging {
                    page: 1,
                    per_page: PACKET_EVENTS,
                };
                let t = v.timeline(s, ctx, &user, &from, &to, first)?;
                (
                    export::user_packet(&t, &who.viewer.name, &now),
                    format!("user {user} {from}..{to}"),
                )
            }
        };
        s.log_access(
            &who.viewer.name,
            "export",
            &format!(
                "{target} html_sha256={} csv_sha256={}",
                p.html_sha256, p.csv_sha256
            ),
        )?;
        Ok(p)
    })
    .await
}

enum PacketOf {
    Alert(String),
    User(String, Range),
}

fn packet_response(p: export::Packet, csv: bool, name: &str) -> Response {
    let (body, kind, digest, ext) = if csv {
        (p.csv, "text/csv; charset=utf-8", p.csv_sha256, "csv")
    } else {
        (p.html, "text/html; charset=utf-8", p.html_sha256, "html")
    };
    let disposition = format!("attachment; filename=\"custodes-{name}.{ext}\"");
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&digest) {
        h.insert("x-content-sha256", v);
    }
    res
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn alert_export(state: AppState, who: Authed, id: String, csv: bool, api: bool) -> Response {
    match packet(&state, &who, PacketOf::Alert(id.clone())).await {
        Ok(p) => packet_response(p, csv, &safe_name(&id)),
        Err(f) => {
            if api {
                f.json()
            } else {
                f.page()
            }
        }
    }
}

async fn alert_export_html(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> Response {
    alert_export(state, who, id, false, false).await
}

async fn alert_export_csv(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> Response {
    alert_export(state, who, id, true, false).await
}

async fn alert_export_api(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    let csv = r.format.as_deref() == Some("csv");
    alert_export(state, who, id, csv, true).await
}

async fn user_export(
    state: AppState,
    who: Authed,
    user: String,
    r: Range,
    csv: bool,
    api: bool,
) -> Response {
    match packet(&state, &who, PacketOf::User(user.clone(), r)).await {
        Ok(p) => packet_response(p, csv, &safe_name(&user)),
        Err(f) => {
            if api {
                f.json()
            } else {
                f.page()
            }
        }
    }
}

async fn user_export_html(
    State(state): State<AppState>,
    who: Authed,
    Path(user): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    user_export(state, who, user, r, false, false).await
}

async fn user_export_csv(
    State(state): State<AppState>,
    who: Authed,
    Path(user): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    user_export(state, who, user, r, true, false).await
}

async fn user_export_api(
    State(state): State<AppState>,
    who: Authed,
    Path(user): Path<String>,
    Query(r): Query<Range>,
) -> Response {
    let csv = r.format.as_deref() == Some("csv");
    user_export(state, who, user, r, csv, true).await
}

// ---- triage ----

#[derive(Deserialize)]
pub(crate) struct TriageBody {
    pub status: String,
    pub assignee: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub csrf: Option<String>,
}

async fn triage(state: &AppState, who: &Authed, id: String, b: TriageBody) -> Result<Triage, Fail> {
    who.may_triage()?;
    if !STATUSES.contains(&b.status.as_str()) {
        return Err(Fail::BadRequest(format!(
            "unknown status `{}` (expected one of {})",
            b.status,
            STATUSES.join(", ")
        )));
    }
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let t = Triage {
        alert_id: id.clone(),
        status: b.status,
        assignee: clean(b.assignee),
        note: clean(b.note),
        by: who.viewer.name.clone(),
        at: crate::event::format_ts(&chrono::Utc::now()),
    };
    let row = t.clone();
    db(state, move |s| {
        if !s.alert_exists(&id)? {
            return Err(Fail::NotFound(format!("no alert {id}")));
        }
        s.add_triage(&row)?;
        Ok(())
    })
    .await?;
    Ok(t)
}

async fn triage_api(
    State(state): State<AppState>,
    who: Authed,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<TriageBody>,
) -> Response {
    if let Err(f) = who.check_csrf(csrf_header(&headers)) {
        return f.json();
    }
    triage(&state, &who, id, b)
        .await
        .map_or_else(Fail::json, |t| Json(t).into_response())
}

async fn triage_form(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    Form(b): Form<TriageBody>,
) -> Response {
    if let Err(f) = who.check_csrf(b.csrf.as_deref()) {
        return f.page();
    }
    match triage(&state, &who, id.clone(), b).await {
        Ok(_) => Redirect::to(&format!("/alerts/{}", pages::url_encode(&id))).into_response(),
        Err(f) => f.page(),
    }
}

// ---- exceptions ----

#[derive(Deserialize, Default)]
pub(crate) struct ExceptionBody {
    pub user: Option<String>,
    pub detector: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub reason: Option<String>,
    pub expires: Option<String>,
    #[serde(default)]
    pub csrf: Option<String>,
    #[serde(default)]
    pub preview: Option<String>,
}

fn opt(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn rule_of(b: &ExceptionBody, who: &Authed) -> Result<Exception, Fail> {
    let owner =
        opt(&b.owner).ok_or_else(|| Fail::BadRequest("an exception needs an owner".into()))?;
    let reason =
        opt(&b.reason).ok_or_else(|| Fail::BadRequest("an exception needs a reason".into()))?;
    let expires = opt(&b.expires);
    if let Some(e) = &expires {
        let ok = chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").is_ok()
            || chrono::DateTime::parse_from_rfc3339(e).is_ok();
        if !ok {
            return Err(Fail::BadRequest(format!(
                "expires `{e}` is not a date (YYYY-MM-DD) or an RFC 3339 time"
            )));
        }
    }
    let rule = Exception {
        id: 0,
        user: opt(&b.user),
        detector: opt(&b.detector),
        kind: opt(&b.kind),
        owner,
        reason,
        expires,
        created_by: who.viewer.name.clone(),
        created_at: crate::event::format_ts(&chrono::Utc::now()),
        revoked_at: None,
    };
    if rule.user.is_none() && rule.detector.is_none() && rule.kind.is_none() {
        return Err(Fail::BadRequest(
            "an exception must name a login, a detector or a kind: one matching everything would hide every alert".into(),
        ));
    }
    Ok(rule)
}

/// How many alerts in the store a rule would have hidden (counted in the store).
fn would_hide(s: &Store, rule: &Exception) -> Result<usize, Fail> {
    Ok(s.rule_hits(rule)?.values().sum())
}

/// The rules, for admins only (as `docs/workbench.md` says), and the reading is logged:
/// the rules name logins.
async fn exceptions_list(state: &AppState, who: &Authed) -> Result<Vec<Exception>, Fail> {
    if who.viewer.role != Role::Admin {
        return Err(Fail::Forbidden(
            "exceptions are an admin's: they name logins and what is hidden about them".into(),
        ));
    }
    let name = who.viewer.name.clone();
    db(state, move |s| {
        let rules = s.exceptions()?;
        s.log_access(&name, "list_exceptions", &format!("{} rules", rules.len()))?;
        Ok(rules)
    })
    .await
}

async fn exceptions_api(State(state): State<AppState>, who: Authed) -> Response {
    exceptions_list(&state, &who)
        .await
        .map_or_else(Fail::json, |r| Json(r).into_response())
}

async fn preview_api(
    State(state): State<AppState>,
    who: Authed,
    Query(b): Query<ExceptionBody>,
) -> Response {
    let run = async {
        who.admin()?;
        let mut rule = ExceptionBody {
            owner: Some("-".into()),
            reason: Some("-".into()),
            ..b
        };
        rule.csrf = None;
        let rule = rule_of(&rule, &who)?;
        read(&state, &who, move |s, _, _, _| would_hide(s, &rule)).await
    };
    run.await
        .map_or_else(Fail::json, |n| Json(json!({"alerts": n})).into_response())
}

async fn exceptions_page(
    State(state): State<AppState>,
    who: Authed,
    Query(b): Query<ExceptionBody>,
) -> Response {
    let run = async {
        let rules = exceptions_list(&state, &who).await?;
        let preview = if b.preview.is_some() && who.viewer.role == Role::Admin {
            let probe = ExceptionBody {
                owner: opt(&b.owner).or(Some("(preview)".into())),
                reason: opt(&b.reason).or(Some("(preview)".into())),
                user: b.user.clone(),
                detector: b.detector.clone(),
                kind: b.kind.clone(),
                expires: b.expires.clone(),
                ..ExceptionBody::default()
            };
            let rule = rule_of(&probe, &who)?;
            let r = rule.clone();
            let n = read(&state, &who, move |s, _, _, _| would_hide(s, &r)).await?;
            Some((rule, n))
        } else {
            None
        };
        let proposals = proposals_of(&state, &who).await?;
        Ok::<_, Fail>((rules, preview, proposals))
    };
    match run.await {
        Ok((rules, preview, proposals)) => Html(pages::exceptions(
            &who.page(),
            &rules,
            preview.as_ref().map(|(r, n)| (r, *n)),
            proposals.as_deref(),
        ))
        .into_response(),
        Err(f) => f.page(),
    }
}

/// Rules proposed from triage (admins only; the reading is logged, as the proposals name
/// logins).
async fn proposals_of(
    state: &AppState,
    who: &Authed,
) -> Result<Option<Vec<super::learning::Proposal>>, Fail> {
    let name = who.viewer.name.clone();
    read(state, who, move |s, ctx, v, _| {
        let found = super::learning::proposals(v, s, ctx)?;
        if let Some(p) = &found {
            s.log_access(&name, "list_proposals", &format!("{} proposals", p.len()))?;
        }
        Ok(found)
    })
    .await
}

async fn proposals_api(State(state): State<AppState>, who: Authed) -> Response {
    let run = async {
        who.admin()?;
        proposals_of(&state, &who).await
    };
    run.await.map_or_else(Fail::json, |p| {
        Json(json!({
            "min_benign": crate::store::learning::PROPOSE_AFTER_BENIGN,
            "proposals": p.unwrap_or_default(),
        }))
        .into_response()
    })
}

async fn add_exception(
    state: &AppState,
    who: &Authed,
    b: ExceptionBody,
) -> Result<Exception, Fail> {
    who.admin()?;
    let mut rule = rule_of(&b, who)?;
    let r = rule.clone();
    let name = who.viewer.name.clone();
    rule.id = db(state, move |s| {
        let id = s.add_exception(&r)?;
        s.log_access(&name, "add_exception", &format!("{id}"))?;
        Ok(id)
    })
    .await?;
    Ok(rule)
}

async fn exception_api(
    State(state): State<AppState>,
    who: Authed,
    headers: HeaderMap,
    Json(b): Json<ExceptionBody>,
) -> Response {
    if let Err(f) = who.check_csrf(csrf_header(&headers)) {
        return f.json();
    }
    add_exception(&state, &who, b)
        .await
        .map_or_else(Fail::json, |r| Json(r).into_response())
}

async fn exception_form(
    State(state): State<AppState>,
    who: Authed,
    Form(b): Form<ExceptionBody>,
) -> Response {
    if let Err(f) = who.check_csrf(b.csrf.as_deref()) {
        return f.page();
    }
    match add_exception(&state, &who, b).await {
        Ok(_) => Redirect::to("/exceptions").into_response(),
        Err(f) => f.page(),
    }
}

async fn revoke(state: &AppState, who: &Authed, id: i64) -> Result<(), Fail> {
    who.admin()?;
    let name = who.viewer.name.clone();
    db(state, move |s| {
        let now = crate::event::format_ts(&chrono::Utc::now());
        if !s.revoke_exception(id, &now)? {
            return Err(Fail::NotFound(format!("no active exception {id}")));
        }
        s.log_access(&name, "revoke_exception", &id.to_string())?;
        Ok(())
    })
    .await
}

async fn revoke_api(
    State(state): State<AppState>,
    who: Authed,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Err(f) = who.check_csrf(csrf_header(&headers)) {
        return f.json();
    }
    revoke(&state, &who, id)
        .await
        .map_or_else(Fail::json, |()| Json(json!({"ok": true})).into_response())
}

async fn revoke_form(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if let Err(e) = who.check_csrf(f.get("csrf").map(String::as_str)) {
        return e.page();
    }
    match revoke(&state, &who, id).await {
        Ok(()) => Redirect::to("/exceptions").into_response(),
        Err(e) => e.page(),
    }
}

#[derive(Deserialize)]
pub(crate) struct Limit {
    pub limit: Option<usize>,
}

async fn access_log_api(
    State(state): State<AppState>,
    who: Authed,
    Query(l): Query<Limit>,
) -> Response {
    let run = async {
        if who.viewer.role != Role::Admin {
            return Err(Fail::Forbidden("only an admin reads the access log".into()));
        }
        let name = who.viewer.name.clone();
        db(&state, move |s| {
            let limit = l.limit.unwrap_or(100).min(10_000);
            // Reading the log is itself logged: who looked at who looked.
            s.log_access(&name, "read_access_log", &format!("last {limit}"))?;
            Ok(s.access_log(limit)?)
        })
        .await
    };
    run.await
        .map_or_else(Fail::json, |r| Json(r).into_response())
}
