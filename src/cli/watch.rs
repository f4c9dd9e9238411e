//! `custodes watch`: the streaming service (flags, logging, exit codes; the service itself
//! is `custodes::watch`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use custodes::watch::{self, WatchOptions};

const AFTER_HELP: &str = "\
Sources (JSON lines, one event per line, as in the contract; CSV, Parquet and gzip are read by
`custodes audit`):
  FILE        followed as it grows, across rotation (rename and re-create, dated names,
              gzip-compressed generations) and truncation (copytruncate); after a restart,
              reading resumes where the checkpoint says and reads every generation since
  -           standard input, until it closes (cannot be replayed after a crash)
  HTTP        with --listen and --http-token-file: POST /v1/events, a body of JSON lines,
              header `Authorization: Bearer TOKEN`; 200 with counts, 400 when no line was
              accepted, 401, 413 (body too large), 429 (too many lines waiting; retry after
              the Retry-After seconds), 503 (shutting down or the store cannot write)

Alerts:
  Every alert is written to the store (--db) as soon as it is found and updated while its
  window is open (identity alerts group a login's findings per person and UTC day); when
  the window closes the alert is final, with the same alert_id the batch audit gives, and
  is written to --out. Replays after a restart never duplicate an alert.

Sinks (--sink NAME, a [sinks.NAME] section of --config; see `custodes config`):
  Each final alert is queued for the sinks in the store, in the transaction that makes it
  final; a sender per sink delivers the queue in order and records in the store what the
  sink acknowledged (HTTP 2xx, file synced, syslog frame written). A sink that is down is
  retried with backoff while detection goes on; custodes_sink_backlog{sink} in /metrics
  says how many alerts it is owed. A restart (even after SIGKILL) sends exactly what was
  not acknowledged. A sink named for the first time receives the alerts made final from
  then on.

Operations:
  SIGTERM, SIGINT  commit and stop (exit 0); the next start resumes from the checkpoint
  SIGHUP           reload reference data (also done when its files change); a reload that
                   fails keeps the data in use
  GET /metrics     Prometheus metrics; GET /healthz  liveness (with --listen)
  CUSTODES_LOG     log filter (default info), e.g. CUSTODES_LOG=debug

Exit status:
  0  all sources ended and the last windows were flushed, or a signal stopped the service
  2  bad usage, unreadable reference data or store, a source that failed, an unknown or
     bad sink; once the sources ended, a sink that still failed after its max_attempts
     (its alerts stay owed in the store); or (when the
     sources ended) part of a followed file could not be read: a rotated generation was
     deleted or damaged before it was read (a gap; logged as a WARN with the file and byte
     range, kept in the store, counted in custodes_source_gaps_total)";

/// Run the detectors live over followed files, standard input or pushed events.
///
/// A long-running service: events are analysed as they arrive, alerts are committed to an
/// SQLite alert store, and checkpoints let a restart continue without losing or
/// duplicating anything. With --once (files) or when standard input closes, the service
/// flushes every open window and exits, giving exactly the alerts `custodes audit` gives
/// for the same events.
#[derive(Debug, Args)]
#[command(
    after_help = "Sources, alerts, sinks, signals and exit status: see --help.",
    after_long_help = AFTER_HELP
)]
pub struct WatchArgs {
    /// Reference data directory; reloaded on SIGHUP or change.
    ///
    /// As for `custodes audit`.
    #[arg(help_heading = "Inputs", long, value_name = "DIR")]
    pub refs: PathBuf,

    /// Configuration file (see `custodes config`).
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What the sources hold: auto, contract or a database log.
    ///
    /// What followed files and standard input hold: auto, contract, pgaudit, mariadb or
    /// percona. auto: each source by its first line; contract: custodes JSON events;
    /// pgaudit (PostgreSQL jsonlog records with pgAudit lines, log_destination = 'jsonlog'),
    /// mariadb (MariaDB server_audit lines) or percona (Percona Server audit_log JSON
    /// lines). MySQL Enterprise JSON records span lines: read them with `audit`. Pushed
    /// bodies are always contract events.
    #[arg(
        help_heading = "Inputs",
        long,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub format: custodes::source::FormatChoice,

    /// The alert store (SQLite; created 0600 when missing).
    ///
    /// It holds the alerts, their event ids, rejected lines, pushed events and checkpoints.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub db: PathBuf,

    /// Also write final alerts as JSON lines here, or `-` for standard output.
    ///
    /// Appended, created 0600. At least once: a crash between the store's commit and this
    /// write writes the alert again at the next start.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Read the files to their end, flush every window and stop.
    ///
    /// Instead of following the files as they grow.
    #[arg(help_heading = "Run", long)]
    pub once: bool,

    /// Address for /metrics, /healthz and POST /v1/events.
    ///
    /// Serves /metrics, /healthz and (with --http-token-file) POST /v1/events. For example
    /// 127.0.0.1:9400 (port 0 picks a free port; the log says which).
    #[arg(help_heading = "HTTP", long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// Bearer token file; enables POST /v1/events.
    ///
    /// The file holding the bearer token pushers must send. The token is the file's first
    /// line; keep the file 0600.
    #[arg(help_heading = "HTTP", long, value_name = "FILE", requires = "listen")]
    pub http_token_file: Option<PathBuf>,

    /// Seconds an event may arrive out of time order.
    ///
    /// Later ones are rejected and counted. Default: `stream.allowed_lateness_seconds`, 300.
    #[arg(help_heading = "Run", long, value_name = "SECONDS")]
    pub allowed_lateness: Option<i64>,

    /// Poll interval of a followed file at its end (ms).
    ///
    /// How often a followed file at its end is checked for new data, in milliseconds.
    /// Rotation and truncation are noticed at the same checks.
    #[arg(
        help_heading = "Tuning",
        long,
        value_name = "MS",
        default_value_t = 200,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub poll_ms: u64,

    /// Seconds between checks of --refs (0: SIGHUP only).
    ///
    /// How often the reference files are checked for changes, in seconds (0: only on SIGHUP).
    #[arg(
        help_heading = "Tuning",
        long,
        value_name = "SECONDS",
        default_value_t = 5
    )]
    pub refs_poll: u64,

    /// Longest gap between two store commits (ms).
    ///
    /// Longest time between two commits to the store while events flow, in milliseconds. A
    /// step is also committed whenever the input pauses.
    #[arg(
        help_heading = "Tuning",
        long,
        value_name = "MS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub commit_ms: u64,

    /// Least time between two checkpoints, in seconds.
    ///
    /// A checkpoint is taken when a UTC day closes in event time (live, once a day); when catching up on weeks of logs,
    /// days close faster than this and only some are saved (a crash then replays a few
    /// days instead of one).
    #[arg(
        help_heading = "Tuning",
        long,
        value_name = "SECONDS",
        default_value_t = 10
    )]
    pub checkpoint_min: u64,

    /// Largest request body accepted by POST /v1/events.
    #[arg(help_heading = "HTTP", long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Longest input line; a longer one is rejected.
    ///
    /// Its start is kept in the reject, and reading goes on.
    #[arg(help_heading = "Tuning", long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_line_bytes: usize,

    /// Pushed lines that may wait before pushes get 429.
    ///
    /// Pushed lines allowed to wait for analysis before POST /v1/events answers 429.
    #[arg(
        help_heading = "HTTP",
        long,
        value_name = "LINES",
        default_value_t = 1_000_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_backlog: u64,

    /// Batches waiting for detection before sources wait.
    ///
    /// Batches of lines that may wait for the detection thread before sources wait.
    #[arg(
        help_heading = "Tuning",
        long,
        value_name = "N",
        default_value_t = std::num::NonZeroUsize::new(64).expect("64 is not zero")
    )]
    pub queue: std::num::NonZeroUsize,

    /// Also deliver final alerts to the sink NAME of the configuration (repeatable).
    ///
    /// A [sinks.NAME] section of the configuration file: OCSF findings in a file, CEF over
    /// syslog, Splunk HEC or a webhook (see `custodes config`). Delivery progress is kept in the store:
    /// a sink that is down is retried while detection goes on, and a restart sends what it
    /// had not acknowledged.
    #[arg(help_heading = "Outputs", long = "sink", value_name = "NAME")]
    pub sinks: Vec<String>,

    /// Files to follow, or `-` for standard input.
    #[arg(help_heading = "Inputs", value_name = "SOURCES")]
    pub sources: Vec<PathBuf>,
}

pub fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let config = super::load_config(args.config.as_ref())?;
    if !args.sinks.is_empty() && args.config.is_none() {
        anyhow::bail!(
            "--sink needs --config FILE with a [sinks.NAME] section for each sink (see `custodes config`)"
        );
    }
    let token = match &args.http_token_file {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read the token file", p.display()))?;
            let t = text.lines().next().unwrap_or("").trim().to_string();
            if t.len() < 16 {
                anyhow::bail!(
                    "{}: the token must be at least 16 characters on the first line",
                    p.display()
                );
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if let Ok(m) = std::fs::metadata(p) {
                    if m.permissions().mode() & 0o077 != 0 {
                        tracing::warn!(file = %p.display(), "The token file is readable by others; make it 0600.");
                    }
                }
            }
            Some(t)
        }
    };
    let lateness = chrono::Duration::seconds(
        args.allowed_lateness
            .unwrap_or(config.stream.allowed_lateness_seconds)
            .max(0),
    );
    let opts = WatchOptions {
        refs: args.refs,
        config,
        db: args.db,
        out: args.out,
        once: args.once,
        inputs: args.sources,
        format: args.format,
        listen: args.listen,
        token,
        lateness,
        poll: Duration::from_millis(args.poll_ms),
        refs_poll: Duration::from_secs(args.refs_poll),
        commit_every: Duration::from_millis(args.commit_ms),
        checkpoint_min: Duration::from_secs(args.checkpoint_min),
        max_body: args.max_body_bytes,
        max_line: args.max_line_bytes,
        max_backlog: args.max_backlog,
        queue: args.queue,
        sinks: args.sinks,
    };
    let config_path = args.config.clone();
    let outcome = watch::run(opts).map_err(|e| match (&e, &config_path) {
        (watch::ServiceError::Sink(_), Some(p)) => anyhow::anyhow!("{}: {e}", p.display()),
        _ => anyhow::Error::new(e),
    })?;
    let mut failed = false;
    if !outcome.sinks_failed.is_empty() {
        for why in &outcome.sinks_failed {
            eprintln!("custodes watch: {why}");
        }
        eprintln!("custodes watch: the alerts are in the store (--db) and owed to the sink(s) above; the next start sends them; exit 2");
        failed = true;
    }
    if outcome.finished && outcome.gaps > 0 {
        // The alerts are complete for what could be read; a cron job must still learn
        // that part of the input could not be.
        eprintln!(
            "custodes watch: {} part(s) of followed files could not be read (see the WARN lines above and the store's source_gaps); exit 2",
            outcome.gaps
        );
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CUSTODES_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
