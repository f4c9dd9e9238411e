//! `custodes serve`: the workbench over an alert store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use custodes::workbench::{self, ServeOptions};

/// Serve the investigators' workbench and the oversight dashboard.
///
/// Reads the alert store that `custodes audit --db` and `custodes watch --db` fill. Pages:
/// the overview (alerts over time by detector, severity and unit, the explained fraction,
/// open and reviewed alerts, week over week), ranked users, a user's timeline, alert detail
/// with triage, exceptions, and evidence packets (HTML and CSV with their SHA-256). The
/// same data is JSON under /api/v1/ (OpenAPI at /api/v1/openapi.json; scripts log in with
/// POST /api/v1/login). Accounts come from `custodes user add`; every route but the login
/// answers 401 without a session. The oversight role sees aggregates and stable pseudonyms,
/// never names or dates of birth. Every view or export of personal data is written to the
/// store's hash-chained access log (`custodes verify-log`), sealed with HMAC under a key
/// file made on first start (--log-key; default: the store's path with `.logkey` added).
/// Failed logins are throttled per name and per address (429 with Retry-After); idle and
/// half-sent connections are closed after --idle-timeout. Listens on loopback by default:
/// put a TLS-terminating proxy in front to serve it further.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The alert store.
    #[arg(help_heading = "Store", long, value_name = "FILE")]
    pub db: PathBuf,
    /// Address to listen on.
    #[arg(
        help_heading = "Server",
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,
    /// How long a login lasts, hours (1 to 8784, a year).
    #[arg(help_heading = "Server", long, value_name = "HOURS", default_value_t = 8,
          value_parser = clap::value_parser!(i64).range(1..=workbench::MAX_SESSION_HOURS))]
    pub session_hours: i64,
    /// Seconds without progress before a connection is closed.
    ///
    /// A connection whose reads or writes make no progress for this many seconds is closed
    /// (idle keep-alive connections, half-sent requests, clients that stop reading).
    #[arg(help_heading = "Server", long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// The access log's key file (made on first start, 0600).
    ///
    /// Made when the log has none. Default: the store's path with `.logkey` added; keep it
    /// where whoever can write the store cannot (see `custodes verify-log`).
    #[arg(help_heading = "Store", long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// Reference data directory: enables the Lookups page.
    ///
    /// As for `audit`. The Lookups page ("who looked up this person") grades the store's
    /// events against it.
    #[arg(help_heading = "Lookups page", long, value_name = "DIR")]
    pub refs: Option<PathBuf>,
    /// Configuration file for the Lookups page.
    ///
    /// Its identity and case settings, as the detectors use them.
    #[arg(
        help_heading = "Lookups page",
        long,
        value_name = "FILE",
        requires = "refs"
    )]
    pub config: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let resolver = match &args.refs {
        Some(dir) => {
            let config = super::load_config(args.config.as_ref())?;
            let refs =
                custodes::refs::RefData::load(dir, &mut custodes::source::RejectSink::counting())?;
            Some(std::sync::Arc::new(custodes::identity::Resolver::new(
                refs, config,
            )))
        }
        None => None,
    };
    workbench::run(ServeOptions {
        resolver,
        db: args.db,
        listen: args.listen,
        session_hours: args.session_hours,
        log_key: args.log_key,
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
    })?;
    Ok(ExitCode::SUCCESS)
}
