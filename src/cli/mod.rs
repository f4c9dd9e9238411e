//! Subcommands and their flags. Help texts here are the user manual: keep them exact.

mod audit;
mod baseline;
mod convert;
mod detectors;
mod eval;
mod gen;
mod lookups;
mod serve;
mod user;
mod verify_log;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit status:
  0  the command ran (with or without alerts); `watch` stopped by a signal
  1  `audit --fail-on SEVERITY` found an alert at or above SEVERITY; `verify-log` found
     the access log's chain broken
  2  bad usage or unreadable input; the message names the file, line and field

Start with:  custodes audit --refs sample_logs/refs sample_logs/events.jsonl";

/// Audits who looked up whom in sensitive government databases.
///
/// custodes reads query logs and the organisation's reference data (personnel, known
/// associations, cases, watch lists, workstations) and reports, in plain sentences with
/// evidence, which lookups need a second look.
#[derive(Debug, Parser)]
#[command(name = "custodes", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Audit(audit::AuditArgs),
    Baseline(baseline::BaselineArgs),
    Watch(watch::WatchArgs),
    Convert(convert::ConvertArgs),
    Serve(serve::ServeArgs),
    User(user::UserArgs),
    VerifyLog(verify_log::VerifyLogArgs),
    Gen(gen::GenArgs),
    Eval(eval::EvalArgs),
    Lookups(lookups::LookupsArgs),
    Detectors(detectors::DetectorsArgs),
    /// Print the default configuration (custodes.toml) with every key documented.
    Config,
}

impl Command {
    /// Whether the command runs until it is stopped (`watch`, `serve`), rather than until
    /// its input ends.
    pub fn runs_until_stopped(&self) -> bool {
        matches!(self, Command::Watch(_) | Command::Serve(_))
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Audit(a) => audit::run(a),
        Command::Baseline(a) => baseline::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Serve(a) => serve::run(a),
        Command::User(a) => user::run(a),
        Command::VerifyLog(a) => verify_log::run(a),
        Command::Gen(a) => gen::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Lookups(a) => lookups::run(a),
        Command::Detectors(a) => detectors::run(a),
        Command::Config => {
            print!("{}", custodes::config::Config::default_toml());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--config FILE`, or the defaults.
pub fn load_config(path: Option<&PathBuf>) -> anyhow::Result<custodes::config::Config> {
    match path {
        Some(p) => Ok(custodes::config::Config::load(p)?),
        None => Ok(custodes::config::Config::default()),
    }
}

/// What readers need from the configuration, checked: errors name the file and the key.
pub fn read_options(
    config: &custodes::config::Config,
    path: Option<&PathBuf>,
) -> anyhow::Result<custodes::source::ReadOptions> {
    custodes::source::ReadOptions::new(config).map_err(|e| match path {
        Some(p) => anyhow::anyhow!("{}: {e}", p.display()),
        None => anyhow::anyhow!("default configuration: {e}"),
    })
}

/// The reference data, configuration and input format, as `audit`, `baseline` and
/// `lookups` take them (`watch` reads live sources, whose format is told differently).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Reference data directory (personnel.csv required).
    ///
    /// associations, cases, case_assignments, case_subjects, watchlist and clients are
    /// optional; each table is CSV or Parquet.
    #[arg(help_heading = "Inputs", long, value_name = "DIR")]
    pub refs: PathBuf,

    /// Configuration file (`custodes config` prints every key and its default).
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What the inputs are: auto, contract or a database log.
    ///
    /// auto, contract, pgaudit, mariadb, percona or mysql-enterprise. auto: by extension,
    /// and by content for .json, .csv and .log; contract: custodes
    /// events; pgaudit: PostgreSQL logs with pgAudit lines (see the [pgaudit] section of
    /// `custodes config`); mariadb: MariaDB server_audit logs (the [mariadb] section);
    /// percona: Percona Server audit_log JSON; mysql-enterprise: MySQL Enterprise Audit /
    /// audit_log_filter JSON (both the [mysql] section).
    #[arg(
        help_heading = "Inputs",
        long,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub format: custodes::source::FormatChoice,
}
