//! `custodes eval`: score alerts against ground-truth labels.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use custodes::eval::{evaluate, read_alerts, read_labels, render_table};

/// Print precision, recall and F1 per detector and per kind, and alerts per 10,000 events.
///
/// An alert is correct when a label has the same detector (and kind, for the per-kind rows)
/// and user and shares an event id with it; a label is found when such an alert exists. A
/// label may list several logins in `users` (a surge written as one finding): an alert
/// about any of them matches it.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Ground truth (labels.jsonl from `custodes gen`).
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Alerts (JSON lines from `custodes audit`).
    #[arg(long, value_name = "FILE")]
    pub alerts: PathBuf,
    /// The events file the alerts came from, to report alerts per 10,000 events.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let labels = read_labels(&args.labels)?;
    let alerts = read_alerts(&args.alerts)?;
    let events = match &args.events {
        Some(p) => Some(count_lines(p)?),
        None => None,
    };
    let report = evaluate(&labels, &alerts, events);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render_table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn count_lines(p: &PathBuf) -> anyhow::Result<usize> {
    use std::io::BufRead;
    let f =
        std::fs::File::open(p).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", p.display()))?;
    let mut n = 0;
    for line in std::io::BufReader::new(f).lines() {
        let line = line.map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", p.display()))?;
        if !line.trim().is_empty() {
            n += 1;
        }
    }
    Ok(n)
}
