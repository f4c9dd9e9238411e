//! `custodes baseline`: build or update the saved history that `audit --state` judges
//! new nights against, from earlier logs: the behaviour rows, and the fishing detector's
//! usual searches (the one detector whose history is its own). It raises no alert.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use custodes::baseline::state;
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::run;
use custodes::source::{self, RejectSink};

/// Build or update a behaviour baseline from earlier query logs.
///
/// Reads EVENTS (files or directories, any of the formats `audit` reads, in any order),
/// resolves each lookup against the reference data exactly as `audit` does, and aggregates
/// per user and day (lookups, hours, distinct unexplained people, largest result) and per
/// person and day (distinct logins) with polars group-bys, and counts each user's daily
/// pattern, attribute and sequence searches as the `fishing` detector does (their usual
/// day). The result is saved to the
/// state file (versioned JSON, created 0600, replaced atomically); rows for user-days in
/// EVENTS replace saved ones, and days older than `baseline.history_days` before the latest
/// are dropped. Then `custodes audit --state FILE` judges a night against this history
/// without re-reading it.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,

    /// The state file to create or update.
    #[arg(help_heading = "History", long, value_name = "FILE")]
    pub state: PathBuf,

    /// Write rejected input lines here (JSON lines).
    ///
    /// Default: none (they are counted and the first are printed).
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Do not print the summary on standard error.
    #[arg(help_heading = "Outputs", long, short)]
    pub quiet: bool,

    /// Earlier query-log files or directories.
    #[arg(help_heading = "Inputs", value_name = "EVENTS", required = true)]
    pub events: Vec<PathBuf>,
}

pub fn run(args: BaselineArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let config = super::load_config(args.read.config.as_ref())?;
    let mut rejects = match &args.rejects {
        Some(p) => RejectSink::to_file(p)
            .with_context(|| format!("{}: cannot create reject file", p.display()))?,
        None => RejectSink::counting(),
    };
    let refs = RefData::load(&args.read.refs, &mut rejects)?;
    for n in &refs.notes {
        eprintln!("custodes: {n}");
    }
    let _state_lock = state::StateLock::acquire(&args.state)?;
    let opts = super::read_options(&config, args.read.config.as_ref())?;
    let resolver = Resolver::new(refs, config.clone());
    let inputs = source::discover(&args.events, args.read.format)?;
    let outcome = run::baseline::run(
        &inputs,
        &opts,
        &resolver,
        &config,
        &args.state,
        &mut rejects,
    )?;
    let (read, rejected, counted, saved) = (
        outcome.events,
        outcome.rejected,
        outcome.counted,
        outcome.saved,
    );
    if !args.quiet {
        let users = saved.history.user_rows();
        let first = users.iter().map(|r| r.1).min();
        let last = users.iter().map(|r| r.1).max();
        eprintln!("custodes baseline summary");
        eprintln!(
            "  input      {read} events read from {} file(s), {rejected} rejected; {counted} lookups and exports counted",
            inputs.files.len()
        );
        match (first, last) {
            (Some(f), Some(l)) => eprintln!(
                "  history    {} user-days of {} users, {f} to {l}; {} person-days with several logins",
                users.len(),
                saved.history.users().count(),
                saved.history.person_rows().len()
            ),
            _ => eprintln!("  history    empty"),
        }
        for r in rejects.first() {
            eprintln!("  rejected   {r}");
        }
        eprintln!(
            "  state written to {} in {:.1} s",
            args.state.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
