//! The service's HTTP side: `POST /v1/events` for systems that push, `GET /metrics` and
//! `GET /healthz` for operators.
//!
//! A push is durable before it is acknowledged: every line of an accepted body is stored
//! in the alert store's inbox in one transaction, then answered 200; the inbox reader
//! ([`inbox_reader`]) hands stored lines to the detection thread in id order, and a
//! restart replays them from the checkpoint. Lines that do not decode are answered
//! line by line and kept in the reject store; a body over the size limit is refused
//! whole (413) and recorded there too. When the inbox holds more unread lines than
//! allowed the endpoint answers 429 with `Retry-After`, and 503 while shutting down or
//! when the store fails: a pusher is told to retry, never silently dropped.
//!
//! The push endpoint needs `Authorization: Bearer TOKEN`; the token is compared by its
//! SHA-256 digest in constant time. `/metrics` and `/healthz` carry no personal data.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;

use super::item::{Item, Line, Position};
use super::metrics::Metrics;
use crate::source::jsonl::decode_line;
use crate::source::rejects::clip_raw;
use crate::store::{Store, StoredReject};

/// How many line errors a response lists (all are in the reject store).
const ERRORS_LISTED: usize = 20;

/// The push endpoint's settings and shared state.
pub(crate) struct Push {
    token_digest: [u8; 32],
    store: Mutex<Store>,
    pub max_body: usize,
    pub max_backlog: u64,
    /// The inbox id the next stored line gets.
    next_id: AtomicI64,
    /// The inbox id the reader will send next.
    pub next_unsent: Arc<AtomicI64>,
    pub notify: Arc<Notify>,
    pub source: usize,
    pub name: Arc<str>,
}

impl Push {
    pub fn new(
        token: &str,
        store: Store,
        max_body: usize,
        max_backlog: u64,
        source: usize,
        start: i64,
    ) -> Result<Push, crate::store::StoreError> {
        let next_id = store.inbox_next_id()?;
        Ok(Push {
            token_digest: Sha256::digest(token.as_bytes()).into(),
            store: Mutex::new(store),
            max_body,
            max_backlog,
            next_id: AtomicI64::new(next_id),
            next_unsent: Arc::new(AtomicI64::new(start)),
            notify: Arc::new(Notify::new()),
            source,
            name: Arc::from("http"),
        })
    }

    fn authorised(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return false;
        };
        let d: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
        d.iter()
            .zip(self.token_digest.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

#[derive(Clone)]
pub(crate) struct HttpState {
    pub metrics: Arc<Metrics>,
    pub push: Option<Arc<Push>>,
    pub cancel: CancellationToken,
}

pub(crate) fn router(state: HttpState) -> Router {
    Router::new()
        .route("/v1/events", post(post_events))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(state)
}

async fn metrics(State(st): State<HttpState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        st.metrics.render(),
    )
        .into_response()
}

async fn healthz(State(st): State<HttpState>) -> Response {
    if st.cancel.is_cancelled() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "stopping"})),
        )
            .into_response();
    }
    axum::Json(json!({"status": "ok", "events": st.metrics.total_events()})).into_response()
}

fn answer(metrics: &Metrics, status: StatusCode, body: serde_json::Value) -> Response {
    metrics.http(status.as_u16());
    (status, axum::Json(body)).into_response()
}

async fn post_events(State(st): State<HttpState>, headers: HeaderMap, body: Body) -> Response {
    let m = &st.metrics;
    let Some(push) = st.push.clone() else {
        return answer(
            m,
            StatusCode::NOT_FOUND,
            json!({"error": "pushing events is off: start custodes watch with --http-token-file"}),
        );
    };
    if !push.authorised(&headers) {
        let mut r = answer(
            m,
            StatusCode::UNAUTHORIZED,
            json!({"error": "missing or wrong bearer token (Authorization: Bearer TOKEN)"}),
        );
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return r;
    }
    if st.cancel.is_cancelled() {
        return answer(
            m,
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "the service is shutting down; retry later"}),
        );
    }
    let backlog = push.next_id.load(Ordering::Relaxed) - push.next_unsent.load(Ordering::Relaxed);
    if backlog >= push.max_backlog as i64 {
        let mut r = answer(
            m,
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": format!("{backlog} pushed lines are waiting to be analysed (limit {}); retry later", push.max_backlog)}),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_big = |what: String| {
        let push = push.clone();
        let m = st.metrics.clone();
        async move {
            m.http_rejected_bodies.fetch_add(1, Ordering::Relaxed);
            let error = format!(
                "request body {what} exceeds the limit of {} bytes (--max-body-bytes); nothing in it was accepted: send it in smaller parts",
                push.max_body
            );
            let r = StoredReject {
                source: push.name.to_string(),
                key: None,
                line: None,
                field: "body".into(),
                error: error.clone(),
                raw: String::new(),
            };
            let stored = tokio::task::spawn_blocking(move || match push.store.lock() {
                Ok(mut s) => s.put_reject(&r).is_ok(),
                Err(_) => false,
            })
            .await
            .unwrap_or(false);
            if !stored {
                m.store_errors.fetch_add(1, Ordering::Relaxed);
            }
            answer(&m, StatusCode::PAYLOAD_TOO_LARGE, json!({"error": error}))
        }
    };
    if let Some(n) = declared.filter(|n| *n > push.max_body as u64) {
        return too_big(format!("of {n} bytes")).await;
    }
    let bytes = match axum::body::to_bytes(body, push.max_body).await {
        Ok(b) => b,
        Err(e) => {
            let e = e.into_inner();
            if e.is::<http_body_util::LengthLimitError>() {
                return too_big("sent without a declared length".to_string()).await;
            }
            return answer(
                m,
                StatusCode::BAD_REQUEST,
                json!({"error": format!("cannot read the request body: {e}")}),
            );
        }
    };
    let mut good: Vec<Vec<u8>> = Vec::new();
    let mut bad: Vec<StoredReject> = Vec::new();
    let mut listed = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let n = i as u64 + 1;
        match decode_line(&push.name, n, line) {
            Ok(_) => good.push(line.to_vec()),
            Err(e) => {
                if listed.len() < ERRORS_LISTED {
                    listed.push(json!({"line": n, "field": e.field, "error": e.problem}));
                }
                bad.push(StoredReject {
                    source: push.name.to_string(),
                    key: None,
                    line: Some(n),
                    field: e.field,
                    error: format!("request line {n}: {}", e.problem),
                    raw: clip_raw(line),
                });
            }
        }
    }
    let (accepted, rejected) = (good.len(), bad.len());
    let p = push.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut s = p
            .store
            .lock()
            .map_err(|_| "the store lock is poisoned".to_string())?;
        let refs: Vec<&[u8]> = good.iter().map(|l| l.as_slice()).collect();
        s.inbox_push(&refs, &bad).map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match stored {
        Ok(Some(first)) => {
            push.next_id
                .fetch_max(first + accepted as i64, Ordering::Relaxed);
            push.notify.notify_one();
        }
        Ok(None) => {}
        Err(e) => {
            st.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
            tracing::error!(error = %e, "Cannot store pushed events.");
            return answer(
                m,
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": "the alert store cannot take the events now; nothing was accepted; retry later"}),
            );
        }
    }
    if let Some(s) = st.metrics.sources.get(push.source) {
        s.rejected.fetch_add(rejected as u64, Ordering::Relaxed);
    }
    let status = if accepted == 0 && rejected > 0 {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    answer(
        m,
        status,
        json!({"accepted": accepted, "rejected": rejected, "errors": listed}),
    )
}

/// Hands stored pushed lines to the detection thread in inbox order, from `start`.
pub(crate) async fn inbox_reader(
    push: Arc<Push>,
    reader: Store,
    tx: mpsc::Sender<Item>,
    cancel: CancellationToken,
    metrics: Arc<Metrics>,
) {
    let reader = Arc::new(Mutex::new(reader));
    loop {
        let from = push.next_unsent.load(Ordering::Relaxed);
        let r = reader.clone();
        let rows = tokio::task::spawn_blocking(move || match r.lock() {
            Ok(s) => s.inbox_read(from, 1024).map_err(|e| e.to_string()),
            Err(_) => Err("the store lock is poisoned".to_string()),
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        let rows = match rows {
            Ok(r) => r,
            Err(error) => {
                let _ = tx
                    .send(Item::Failed {
                        source: push.source,
                        error,
                    })
                    .await;
                return;
            }
        };
        if rows.is_empty() {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = push.notify.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            continue;
        }
        let last = rows.last().map_or(from, |r| r.0);
        let lines = rows
            .into_iter()
            .map(|(id, bytes)| {
                let id = id.max(0) as u64;
                Line {
                    at: Position {
                        file: None,
                        offset: id,
                        line: id,
                        generation: 0,
                    },
                    next: Position {
                        file: None,
                        offset: id + 1,
                        line: id + 1,
                        generation: 0,
                    },
                    bytes,
                    problem: None,
                }
            })
            .collect();
        metrics.queue_depth.fetch_add(1, Ordering::Relaxed);
        tokio::select! {
            _ = cancel.cancelled() => return,
            sent = tx.send(Item::Lines { source: push.source, lines }) => {
                if sent.is_err() {
                    return;
                }
            }
        }
        push.next_unsent.store(last + 1, Ordering::Relaxed);
        let backlog = push.next_id.load(Ordering::Relaxed) - (last + 1);
        metrics.sources[push.source]
            .backlog
            .store(backlog.max(0) as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn post(addr: std::net::SocketAddr, token: &str, body: &str) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!(
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        let code = out.split_whitespace().nth(1).unwrap().parse().unwrap();
        (code, out)
    }

    /// A body sent in chunks, with no length declared, is cut off at the limit and
    /// refused whole, and the refusal is kept in the reject store.
    #[tokio::test]
    async fn an_oversized_chunked_body_is_refused_and_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let token = "0123456789abcdef-token";
        let push = Arc::new(Push::new(token, Store::open(&db).unwrap(), 100, 1000, 0, 1).unwrap());
        let metrics = Arc::new(Metrics::new(&["http".to_string()]));
        let app = router(HttpState {
            metrics: metrics.clone(),
            push: Some(push),
            cancel: CancellationToken::new(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let chunk = "x".repeat(80);
        let req = format!(
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n50\r\n{chunk}\r\n50\r\n{chunk}\r\n0\r\n\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.1 413"), "{out}");
        assert!(out.contains("without a declared length"), "{out}");
        let rejects = Store::open(&db).unwrap().rejects().unwrap();
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].field, "body");
        assert!(Store::open(&db)
            .unwrap()
            .inbox_read(1, 10)
            .unwrap()
            .is_empty());
    }

    /// With nobody draining the inbox, the endpoint says "retry later" once the backlog
    /// is full, and "unavailable" while shutting down; nothing is accepted then.
    #[tokio::test]
    async fn a_full_inbox_answers_429_and_shutdown_503() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let token = "0123456789abcdef-token";
        let push = Arc::new(Push::new(token, Store::open(&db).unwrap(), 1 << 20, 2, 0, 1).unwrap());
        let metrics = Arc::new(Metrics::new(&["http".to_string()]));
        let cancel = CancellationToken::new();
        let app = router(HttpState {
            metrics: metrics.clone(),
            push: Some(push),
            cancel: cancel.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let line = r#"{"ts":"2024-05-01T10:00:00Z","user":"u1"}"#;
        let two = format!("{line}\n{line}\n");
        assert_eq!(post(addr, token, &two).await.0, 200);
        let (code, text) = post(addr, token, line).await;
        assert_eq!(code, 429, "{text}");
        assert!(
            text.to_ascii_lowercase().contains("retry-after: 1"),
            "{text}"
        );
        cancel.cancel();
        assert_eq!(post(addr, token, line).await.0, 503);
        let store = Store::open(&db).unwrap();
        assert_eq!(store.inbox_read(1, 10).unwrap().len(), 2);
    }
}
