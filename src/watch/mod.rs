//! `custodes watch`: the detection core run live, as a long-running service.
//!
//! ```text
//!  followed files ─ follow.rs (thread each) ─┐
//!  standard input ─ follow.rs (thread) ──────┤ bounded channel of line batches
//!  POST /v1/events ─ http.rs ─► store inbox ─┤   (sources wait when it is full)
//!                    http.rs inbox_reader ───┘
//!                                            ▼
//!                     pipeline.rs (one thread): decode, reorder, detect::Engine
//!                                            ▼ bounded channel of steps
//!                     writer.rs (one thread): one transaction per step (or a few in order)
//!                                            ▼
//!               store (SQLite): alerts, events, rejects, progress, checkpoints ──► --out
//!                                            │ sinks' outbox (same transaction)
//!                                            ▼
//!          deliver.rs (thread per --sink): batch ─► sink ─► ack ─► watermark in the store
//!  SIGHUP / refs change ─ reload ─► new Resolver, swapped in between steps
//!  SIGTERM / SIGINT ─ cancel token ─► commit, stop
//! ```
//!
//! Sources cut lines and say where they were read; the pipeline thread alone decodes,
//! orders and detects, so there is one order of events and one writer of alerts. The
//! same [`crate::detect::Engine`] as the batch audit gives the same alerts with the same
//! ids. This module wires the parts together; it holds no detection logic.
//!
//! The live readers (`follow.rs`, `http.rs`) are sources, but they live here rather than
//! in [`crate::source`]: they do not decode, they cut lines and say *where* each was read
//! (file generation, inode, byte offset; inbox row), and those positions are the
//! checkpoint protocol of this module (`item.rs`, `rotation.rs`, the store's progress).
//! `crate::source` holds the decoders both commands share and the batch readers of
//! whole files.

pub mod deliver;
pub mod follow;
pub mod http;
pub mod item;
pub mod metrics;
pub mod pipeline;
pub mod rotation;
pub mod writer;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use thiserror::Error;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::alert::sink::JsonLinesSink;
use crate::config::Config;
use crate::identity::Resolver;
use crate::refs::RefData;
use crate::source::mariadb::MariaSettings;
use crate::source::pgaudit::PgSettings;
use crate::source::{FormatChoice, RejectSink};
use crate::store::Store;
use item::Position;
use metrics::Metrics;
use pipeline::{Outcome, Pipeline, PipelineSpec, SourceInfo, SourceKind};

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    State(#[from] crate::baseline::state::StateError),
    #[error(transparent)]
    Refs(#[from] crate::refs::RefError),
    #[error("{}: the checkpoint cannot be used: {message}", path.display())]
    Checkpoint { path: PathBuf, message: String },
    #[error("source {name}: {error}")]
    Source { name: String, error: String },
    #[error("writing alerts to --out: {0}")]
    Out(std::io::Error),
    #[error("{}: cannot open --out: {source}", path.display())]
    OutOpen {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sink(#[from] crate::alert::sink::deliver::SinkError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error("cannot start the store writer thread: {0}")]
    Thread(std::io::Error),
    #[error("the store writer thread stopped unexpectedly")]
    WriterGone,
}

/// Everything `custodes watch` needs; the CLI fills it from flags.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub refs: PathBuf,
    pub config: Config,
    pub db: PathBuf,
    /// `-` for standard output.
    pub out: Option<PathBuf>,
    /// Read files to their end and stop, instead of following them.
    pub once: bool,
    /// Files to follow; `-` is standard input.
    pub inputs: Vec<PathBuf>,
    /// What the followed files hold.
    pub format: FormatChoice,
    pub listen: Option<SocketAddr>,
    /// Enables `POST /v1/events`.
    pub token: Option<String>,
    pub lateness: chrono::Duration,
    pub poll: Duration,
    /// How often to look for changed reference files; zero: only on SIGHUP.
    pub refs_poll: Duration,
    pub commit_every: Duration,
    /// The least time between two day-boundary checkpoints.
    pub checkpoint_min: Duration,
    pub max_body: usize,
    pub max_line: usize,
    pub max_backlog: u64,
    /// Channel slots (line batches) between sources and the detection thread.
    pub queue: std::num::NonZeroUsize,
    /// `--sink NAME`: the `[sinks.NAME]` sections final alerts are delivered to.
    pub sinks: Vec<String>,
}

/// Runs the service until every source has ended or a signal stops it.
pub fn run(opts: WatchOptions) -> Result<Outcome, ServiceError> {
    if opts.inputs.is_empty() && opts.token.is_none() {
        return Err(ServiceError::Usage(
            "nothing to watch: give files to follow, `-` for standard input, or --http-token-file to accept pushed events".into(),
        ));
    }
    if opts.token.is_some() && opts.listen.is_none() {
        return Err(ServiceError::Usage(
            "--http-token-file needs --listen ADDR".into(),
        ));
    }
    if opts.once && opts.token.is_some() {
        return Err(ServiceError::Usage(
            "--once reads files to their end and stops; it cannot be combined with the HTTP push endpoint".into(),
        ));
    }
    if opts.format == FormatChoice::MysqlEnterprise {
        return Err(ServiceError::Usage(
            "watch cannot follow MySQL Enterprise JSON audit logs (a record spans lines, which \
             the follower's restart positions do not model); read them with `custodes audit \
             --format mysql-enterprise`"
                .into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = opts.inputs.iter().find(|p| !seen.insert(p.as_path())) {
        return Err(ServiceError::Usage(format!(
            "source {} is given more than once",
            twice.display()
        )));
    }
    let mut sinks = Vec::new();
    for name in &opts.sinks {
        let cfg = opts.config.sinks.get(name).ok_or_else(|| {
            crate::alert::sink::deliver::SinkError::Unknown {
                name: name.clone(),
                known: if opts.config.sinks.is_empty() {
                    "none".into()
                } else {
                    let known: Vec<&str> = opts.config.sinks.keys().map(String::as_str).collect();
                    known.join(", ")
                },
            }
        })?;
        if !sinks.iter().any(|(n, _)| n == name) {
            sinks.push((name.clone(), cfg.clone()));
        }
    }
    let mut ref_rejects = RejectSink::counting();
    let refs = RefData::load(&opts.refs, &mut ref_rejects)?;
    for n in &refs.notes {
        tracing::info!(note = %n, "Reference data.");
    }
    let rejected_at_start = refs.rows_rejected;
    let resolver = Arc::new(Resolver::new(refs, opts.config.clone()));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServiceError::Runtime)?;

    let mut sources: Vec<SourceInfo> = opts
        .inputs
        .iter()
        .map(|p| SourceInfo {
            name: Arc::from(p.display().to_string()),
            kind: if p.as_os_str() == "-" {
                SourceKind::Stdin
            } else {
                SourceKind::File
            },
        })
        .collect();
    if opts.token.is_some() {
        sources.push(SourceInfo {
            name: Arc::from("http"),
            kind: SourceKind::Http,
        });
    }
    let names: Vec<String> = sources.iter().map(|s| s.name.to_string()).collect();
    let sink_names: Vec<String> = sinks.iter().map(|(n, _)| n.clone()).collect();
    let metrics = Arc::new(Metrics::with_sinks(&names, &sink_names));
    let out = match &opts.out {
        None => None,
        Some(p) if p.as_os_str() == "-" => Some(JsonLinesSink::stdout()),
        Some(p) => {
            let (sink, cut) = JsonLinesSink::append(p).map_err(|source| ServiceError::OutOpen {
                path: p.clone(),
                source,
            })?;
            if cut > 0 {
                tracing::warn!(out = %p.display(), bytes = cut, "The last line of --out was torn by a crash and is cut; its alert is written again.");
            }
            Some(sink)
        }
    };
    let store = Store::open(&opts.db)?;
    let cancel = CancellationToken::new();
    // After the store is open (and migrated): the senders keep their progress in it.
    let mut delivery = deliver::Delivery::build(&opts.db, &sinks, metrics.clone(), cancel.clone())?;
    let (pipeline, starts) = Pipeline::new(
        PipelineSpec {
            sources: sources.clone(),
            lateness: opts.lateness,
            out,
            wake: delivery.wake(),
            endless: opts.token.is_some(),
            checkpoint_min: opts.checkpoint_min,
            format: opts.format,
            pgaudit: Arc::new(
                PgSettings::new(&opts.config.pgaudit)
                    .map_err(|e| ServiceError::Usage(e.to_string()))?,
            ),
            mariadb: Arc::new(
                MariaSettings::new(&opts.config.mariadb)
                    .map_err(|e| ServiceError::Usage(e.to_string()))?,
            ),
            mysql: Arc::new(
                MariaSettings::for_mysql(&opts.config.mysql)
                    .map_err(|e| ServiceError::Usage(e.to_string()))?,
            ),
            config: Arc::new(opts.config.clone()),
        },
        store,
        resolver.clone(),
        metrics.clone(),
    )?;

    let (tx, rx) = mpsc::channel(opts.queue.get());
    for (i, s) in sources.iter().enumerate() {
        match s.kind {
            SourceKind::File => {
                let spec = follow::FollowSpec {
                    source: i,
                    path: PathBuf::from(&*s.name),
                    once: opts.once,
                    poll: opts.poll,
                    max_line: opts.max_line,
                    resume: starts[i].resume,
                    chain: starts[i].chain.clone(),
                };
                let (tx, cancel, m) = (tx.clone(), cancel.clone(), metrics.clone());
                std::thread::Builder::new()
                    .name(format!("follow-{i}"))
                    .spawn(move || follow::follow(spec, tx, cancel, m))
                    .map_err(ServiceError::Runtime)?;
            }
            SourceKind::Stdin => {
                let (tx, m, max_line) = (tx.clone(), metrics.clone(), opts.max_line);
                // Not joined: a read of standard input cannot be interrupted; the process
                // exit ends it.
                std::thread::Builder::new()
                    .name("stdin".into())
                    .spawn(move || follow::read_stdin(i, max_line, tx, m))
                    .map_err(ServiceError::Runtime)?;
            }
            SourceKind::Http => {}
        }
    }

    let mut push = None;
    if let Some(token) = &opts.token {
        let i = sources.len() - 1;
        let start = starts[i]
            .resume
            .map_or(1, |p: Position| p.offset.max(1) as i64);
        let p = Arc::new(http::Push::new(
            token,
            Store::open(&opts.db)?,
            opts.max_body,
            opts.max_backlog,
            i,
            start,
        )?);
        let reader = Store::open(&opts.db)?;
        runtime.spawn(http::inbox_reader(
            p.clone(),
            reader,
            tx.clone(),
            cancel.clone(),
            metrics.clone(),
        ));
        push = Some(p);
    }
    if let Some(addr) = opts.listen {
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr))
            .map_err(|source| ServiceError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| ServiceError::Bind { addr, source })?;
        tracing::info!(addr = %bound, push = push.is_some(), "Listening.");
        let app = http::router(http::HttpState {
            metrics: metrics.clone(),
            push,
            cancel: cancel.clone(),
        });
        let c = cancel.clone();
        runtime.spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { c.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "HTTP server failed.");
            }
        });
    }
    drop(tx);

    let (refs_tx, refs_rx) = watch::channel(resolver);
    runtime.spawn(signals_and_reloads(
        cancel.clone(),
        refs_tx,
        opts.refs.clone(),
        opts.config.clone(),
        opts.refs_poll,
        rejected_at_start,
        metrics.clone(),
    ));

    delivery.spawn()?;
    let outcome = pipeline.run(
        rx,
        cancel.clone(),
        refs_rx,
        runtime.handle().clone(),
        opts.commit_every,
    );
    // Sources ended: the sinks get what they are owed before the service stops (a
    // signal still stops them at once). Otherwise they stop now and the next start
    // sends what is left.
    let sinks_failed = match &outcome {
        Ok(o) if o.finished => delivery.finish(),
        _ => {
            cancel.cancel();
            delivery.join()
        }
    };
    cancel.cancel();
    runtime.shutdown_timeout(Duration::from_secs(2));
    let mut outcome = outcome?;
    outcome.sinks_failed = sinks_failed;
    tracing::info!(
        events = outcome.events,
        rejected = outcome.rejected,
        late = outcome.late,
        replayed_and_skipped = outcome.skipped_replayed,
        final_alerts = outcome.final_alerts,
        finished = outcome.finished,
        "Watch stopped."
    );
    Ok(outcome)
}

/// SIGTERM/SIGINT cancel everything; SIGHUP, or a change of the reference files, reloads
/// reference data.
async fn signals_and_reloads(
    cancel: CancellationToken,
    refs_tx: watch::Sender<Arc<Resolver>>,
    dir: PathBuf,
    config: Config,
    poll: Duration,
    rejected_at_start: u64,
    metrics: Arc<Metrics>,
) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) else {
            tracing::error!("Cannot install signal handlers; stop the service with SIGKILL only after a checkpoint.");
            return;
        };
        let mut seen = fingerprint(&dir);
        let tick = if poll.is_zero() {
            Duration::from_secs(3600 * 24 * 365)
        } else {
            poll
        };
        loop {
            let reload = tokio::select! {
                _ = cancel.cancelled() => return,
                _ = term.recv() => { tracing::info!("SIGTERM: stopping."); cancel.cancel(); return; }
                _ = int.recv() => { tracing::info!("SIGINT: stopping."); cancel.cancel(); return; }
                _ = hup.recv() => { tracing::info!("SIGHUP: reloading reference data."); true }
                _ = tokio::time::sleep(tick) => {
                    let now = fingerprint(&dir);
                    let changed = now != seen;
                    if changed {
                        tracing::info!(dir = %dir.display(), "Reference files changed: reloading.");
                    }
                    changed
                }
            };
            if !reload {
                continue;
            }
            seen = fingerprint(&dir);
            let (d, c) = (dir.clone(), config.clone());
            let loaded = tokio::task::spawn_blocking(move || load_refs(&d, c, rejected_at_start))
                .await
                .unwrap_or_else(|e| Err(ReloadError::Task(e)));
            match loaded {
                Ok(r) => {
                    tracing::info!("Reference data reloaded.");
                    let _ = refs_tx.send(Arc::new(r));
                }
                Err(why) => {
                    metrics.reloads_failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(reason = %why, "Reference data reload failed; keeping the data in use.");
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (refs_tx, dir, config, poll, rejected_at_start, metrics);
        let _ = tokio::signal::ctrl_c().await;
        cancel.cancel();
    }
}

/// Why a reload of reference data was refused; the data in use stays.
#[derive(Debug, Error)]
enum ReloadError {
    #[error(transparent)]
    Refs(#[from] crate::refs::RefError),
    /// More rows rejected than at start: a file caught half written.
    #[error("{rejected} rows rejected, {at_start} at start{}", first.as_ref().map(|r| format!(" (first: {r})")).unwrap_or_default())]
    MoreRejects {
        rejected: u64,
        at_start: u64,
        first: Option<String>,
    },
    #[error("the loading task failed: {0}")]
    Task(tokio::task::JoinError),
}

/// Loads reference data for a reload. It fails (and the data in use stays) when a table
/// cannot be read, or when more rows are rejected than at start: a file caught half
/// written must not replace good data.
fn load_refs(dir: &Path, config: Config, rejected_at_start: u64) -> Result<Resolver, ReloadError> {
    let mut rejects = RejectSink::counting();
    let refs = RefData::load(dir, &mut rejects)?;
    if refs.rows_rejected > rejected_at_start {
        return Err(ReloadError::MoreRejects {
            rejected: refs.rows_rejected,
            at_start: rejected_at_start,
            first: rejects.first().first().map(|r| r.to_string()),
        });
    }
    Ok(Resolver::new(refs, config))
}

/// Names, sizes and modification times of the reference files.
fn fingerprint(dir: &Path) -> Vec<(String, u64, Option<SystemTime>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((
                e.file_name().to_string_lossy().into_owned(),
                m.len(),
                m.modified().ok(),
            ))
        })
        .collect();
    v.sort();
    v
}
