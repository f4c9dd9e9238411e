//! `custodes serve`: the investigators' workbench and the oversight dashboard, served over
//! the alert store that `custodes audit --db` and `custodes watch --db` fill.
//!
//! The parts: [`auth`] (passwords and tokens), [`view`] (what each page and API answer
//! shows, pseudonymised for the oversight role), [`pages`] (HTML), [`export`] (evidence
//! packets), [`api`] (the routes, sessions, CSRF and the access log). Every route but the
//! login answers 401 without a session; every view or export that shows personal data is
//! written to the store's hash-chained access log before it is sent. The store is only
//! touched from blocking threads: SQLite calls must not stall the async workers.

pub mod api;
pub mod auth;
pub mod conn;
pub mod export;
pub mod learning;
pub mod pages;
pub(crate) mod throttle;
pub mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use thiserror::Error;

pub(crate) use conn::Peer;

use crate::store::{Store, StoreError};

/// Longest session a login may ask for (`--session-hours`): a year.
pub const MAX_SESSION_HOURS: i64 = 24 * 366;

/// How long a shutdown waits for requests in flight before it ends them.
pub(crate) const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    Usage(String),
}

/// `custodes serve`'s settings.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    /// Reference data for the lookups page ("who looked up this person"); without it the
    /// page says so and searches nothing.
    pub resolver: Option<Arc<crate::identity::Resolver>>,
    pub listen: SocketAddr,
    /// How long a login lasts.
    pub session_hours: i64,
    /// The access log's key file (`None`: next to the store).
    pub log_key: Option<PathBuf>,
    /// A connection whose reads or writes make no progress for this long is closed.
    pub idle_timeout: std::time::Duration,
}

/// What every request handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Arc<Mutex<Store>>,
    pub pseudonyms: view::Pseudonyms,
    pub session_hours: i64,
    /// The argon2id hash of a random password, checked for unknown names so that a
    /// failed login takes as long whether the name exists or not.
    pub dummy_hash: Arc<str>,
    /// Failed logins per account name and per client address.
    pub throttle: Arc<throttle::Throttle>,
    /// Password checks running at once: argon2 takes memory and a core each, so a flood of
    /// logins waits here instead of starving the blocking threads that serve the store.
    pub verifiers: Arc<tokio::sync::Semaphore>,
    /// Reference data (`serve --refs`) for the lookups page.
    pub resolver: Option<Arc<crate::identity::Resolver>>,
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(opts: ServeOptions) -> Result<(), ServeError> {
    if !(1..=MAX_SESSION_HOURS).contains(&opts.session_hours) {
        return Err(ServeError::Usage(format!(
            "--session-hours {}: expected 1 to {MAX_SESSION_HOURS}",
            opts.session_hours
        )));
    }
    if opts.idle_timeout.is_zero() {
        return Err(ServeError::Usage(
            "the idle timeout must be at least 1 s".into(),
        ));
    }
    if !opts.db.exists() {
        return Err(ServeError::Usage(format!(
            "{}: no such alert store (fill one with `custodes audit --db` or `custodes watch --db`, and add accounts with `custodes user add`)",
            opts.db.display()
        )));
    }
    let mut store = Store::open(&opts.db)?;
    let key_path = opts
        .log_key
        .clone()
        .unwrap_or_else(|| crate::store::chain::default_key_path(&opts.db));
    let chain_key = store.use_log_key(&key_path, true)?;
    tracing::info!(key = %key_path.display(), from = chain_key.from, "Access log sealed with its key.");
    let key = store.pseudonym_key(auth::new_token)?;
    // Count the events per day the last runs added now, not in the first overview asked
    // for after a night's audit (the count is kept in the store and only grows after).
    let days = store.events_per_day()?;
    tracing::info!(days = days.len(), "Events per day counted.");
    let pseudonyms = view::Pseudonyms::new(key.into_bytes());
    // Lists for viewers without names are ordered, and their alerts found, by token in SQL.
    let tokens = pseudonyms.clone();
    store.set_alert_token(move |id| tokens.alert_token(id))?;
    let state = AppState {
        store: Arc::new(Mutex::new(store)),
        pseudonyms,
        session_hours: opts.session_hours,
        dummy_hash: Arc::from(auth::dummy_hash().map_err(|e| ServeError::Usage(e.to_string()))?),
        throttle: Arc::new(throttle::Throttle::default()),
        verifiers: Arc::new(tokio::sync::Semaphore::new(2)),
        resolver: opts.resolver.clone(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|source| ServeError::Listen {
                addr: opts.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServeError::Runtime)?;
        tracing::info!(%addr, db = %opts.db.display(), "Serving the workbench.");
        eprintln!("custodes: serving {} on http://{addr}/", opts.db.display());
        let listener = conn::TimedListener {
            inner: listener,
            idle: opts.idle_timeout,
        };
        // Graceful shutdown stops accepting and lets requests in flight finish, but it
        // would wait for every open connection; after the grace period the rest are cut.
        let stopping = Arc::new(tokio::sync::Notify::new());
        let signal = stopping.clone();
        let serve = axum::serve(
            listener,
            api::router(state).into_make_service_with_connect_info::<Peer>(),
        )
        .with_graceful_shutdown(async move {
            shutdown().await;
            signal.notify_one();
        });
        tokio::select! {
            r = serve => r.map_err(ServeError::Runtime),
            _ = async {
                stopping.notified().await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::info!("Connections still open after the grace period were closed.");
                Ok(())
            }
        }
    })
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
