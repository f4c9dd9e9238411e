//! `custodes baseline`: build or update the saved state that `audit --state` judges new
//! nights against, from earlier logs, raising no alert.

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
/// resolves each lookup against the reference data exactly as `audit` does, and saves what
/// an audit of the same events would have saved, without raising an alert: the rows per
/// user and day (lookups, hours, distinct unexplained people, largest result) and per
/// person and day (distinct logins; aggregated with polars group-bys when days are added
/// out of order), what each detector learns in time order (usual
/// searches, an interface job's pace, the agency's hours, screening desks,
/// a unit's closed-case work, the stretch of work at the end) and the windows open at the
/// last event. The next `custodes audit --state FILE` then judges a night exactly as it
/// would after auditing these days itself.
///
/// Days earlier than the state already holds can be added too: their rows and usual
/// searches are merged by day (rows for user-days in EVENTS replace saved ones), and what
/// the other detectors learnt stays as saved; the summary says which way a run learnt.
/// Days older than `baseline.history_days` before the latest are dropped. The state file is
/// versioned JSON, created 0600 and replaced atomically.
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
    let resolver = std::sync::Arc::new(Resolver::new(refs, config.clone()));
    let config = std::sync::Arc::new(config);
    let inputs = source::discover(&args.events, args.read.format)?;
    let outcome = run::baseline::run(
        &inputs,
        &opts,
        &resolver,
        &config,
        &args.state,
        &mut rejects,
    )?;
    let (read, rejected, counted, learnt, saved) = (
        outcome.events,
        outcome.rejected,
        outcome.counted,
        outcome.learnt,
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
        match learnt {
            run::baseline::Learnt::AsAnAudit => eprintln!(
                "  learnt     as an audit of these events would (every detector's counts and the windows open at the end; no alert raised)"
            ),
            run::baseline::Learnt::EarlierDays => eprintln!(
                "  learnt     history rows and the fishing detector's usual searches only: the events start before the state's last day or event (or come from standard input, read once, onto a state that holds days already), so what the other detectors count by time order (screening desks, an interface job's pace, the agency's hours, a unit's closed-case work, the stretch of work at the end) stays as saved"
            ),
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
