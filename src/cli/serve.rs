//! `custodes serve`: the workbench over an alert store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use custodes::server::{self, ServeOptions};

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
/// store's hash-chained access log (`custodes verify-log`). Listens on loopback by default:
/// put a TLS-terminating proxy in front to serve it further.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The alert store.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// How long a login lasts, hours.
    #[arg(long, value_name = "HOURS", default_value_t = 8)]
    pub session_hours: i64,
    /// The access log's key file, made (0600) on first start when the log has none.
    /// Default: the store's path with `.logkey` added; keep it where whoever can write the
    /// store cannot (see `custodes verify-log`).
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.session_hours < 1 {
        anyhow::bail!("--session-hours must be at least 1");
    }
    server::run(ServeOptions {
        db: args.db,
        listen: args.listen,
        session_hours: args.session_hours,
        log_key: args.log_key,
    })?;
    Ok(ExitCode::SUCCESS)
}
