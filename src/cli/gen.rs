//! `custodes gen`: write a synthetic world with ground truth.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::gen::{generate, GenOptions, Profile};

/// Which world `custodes gen` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileArg {
    /// The world tuned alongside the detectors (~14 lookups per user and day).
    Classic,
    /// An agency written from a description of real ones: patrol calls as incident cases,
    /// dispatch premise history, investigations, records exports, border and traffic checks
    /// under exempt purposes, fan-out to several systems, typed rather than copied
    /// identifiers; about 100 events per user and day. Also writes DIR/custodes.toml.
    Realistic,
}

/// Write a synthetic world with its ground truth.
///
/// Writes reference data (DIR/refs/*.csv), events (DIR/events.jsonl) and the ground truth
/// (DIR/labels.jsonl) for `custodes eval`. Only invented people; the same seed and options
/// give the same bytes, with every kind of misuse injected unless `--no-inject`.
///
/// The default world is an agency modelled on real ones (about 2.4 million events for 400
/// users over 60 days) and comes with DIR/custodes.toml holding its exempt purposes
/// (TRAFFIC_STOP, BORDER_INSPECTION); audit it with `--config DIR/custodes.toml`.
/// `--profile classic` writes the world tuned alongside the detectors (about 300 users over
/// 30 days, ~140,000 events).
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Random seed.
    #[arg(help_heading = "World", long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (created).
    #[arg(help_heading = "Output", long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of employees.
    #[arg(help_heading = "World", long)]
    pub users: Option<usize>,
    /// Number of days of activity.
    #[arg(help_heading = "World", long)]
    pub days: Option<u32>,
    /// First day (YYYY-MM-DD).
    #[arg(help_heading = "World", long)]
    pub start: Option<chrono::NaiveDate>,
    /// Mean lookups per user per working day.
    ///
    /// The realistic profile scales its volume by N / 14.
    #[arg(help_heading = "World", long, value_name = "N")]
    pub rate: Option<f64>,
    /// Which world.
    #[arg(help_heading = "World", long, value_enum, default_value_t = ProfileArg::Realistic)]
    pub profile: ProfileArg,
    /// Generate only normal work, no injected abuse.
    #[arg(help_heading = "World", long)]
    pub no_inject: bool,
    /// Also write the events as PostgreSQL + pgAudit would log them.
    ///
    /// DIR/pgaudit/postgresql.json (jsonlog), with the configuration that reads them
    /// (DIR/pgaudit/custodes.toml).
    #[arg(help_heading = "Output", long)]
    pub pgaudit: bool,
}

pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    let mut opts = GenOptions {
        seed: args.seed,
        inject: !args.no_inject,
        profile: match args.profile {
            ProfileArg::Classic => Profile::Classic,
            ProfileArg::Realistic => Profile::Realistic,
        },
        ..GenOptions::default()
    };
    if let Some(u) = args.users {
        opts.users = u;
    }
    if let Some(d) = args.days {
        opts.days = d;
    }
    if let Some(s) = args.start {
        opts.start = s;
    }
    if let Some(r) = args.rate {
        opts.queries_per_user_day = r;
    }
    let s = generate(&opts, &args.out)?;
    eprintln!(
        "custodes: wrote {} events, {} labels for {} users to {}",
        s.events,
        s.labels,
        s.users,
        args.out.display()
    );
    for (k, n) in &s.by_label {
        eprintln!("  {k:<40} {n}");
    }
    if args.profile == ProfileArg::Realistic {
        eprintln!(
            "custodes: wrote {} (exempt purposes TRAFFIC_STOP, BORDER_INSPECTION); audit with --config {}",
            args.out.join("custodes.toml").display(),
            args.out.join("custodes.toml").display()
        );
    }
    if args.pgaudit {
        let dir = args.out.join("pgaudit");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
        let log = dir.join("postgresql.json");
        let events = std::fs::File::open(args.out.join("events.jsonl"))
            .with_context(|| format!("{}: cannot read", args.out.display()))?;
        let out = custodes::output::create_private(&log)
            .with_context(|| format!("{}: cannot create", log.display()))?;
        let n = custodes::gen::pgaudit::write_jsonlog(
            std::io::BufReader::new(events),
            std::io::BufWriter::new(out),
        )
        .with_context(|| format!("{}: cannot write", log.display()))?;
        let cfg = dir.join("custodes.toml");
        // The world's own settings (the realistic agency's exempt purposes) apply to its
        // PostgreSQL log as much as to its events.
        let mut text = custodes::gen::pgaudit::CONFIG.to_string();
        let world_cfg = args.out.join("custodes.toml");
        if world_cfg.is_file() {
            let own = std::fs::read_to_string(&world_cfg)
                .with_context(|| format!("{}: cannot read", world_cfg.display()))?;
            text.push('\n');
            text.push_str(&own);
        }
        std::fs::write(&cfg, text).with_context(|| format!("{}: cannot write", cfg.display()))?;
        eprintln!(
            "custodes: wrote {n} statements as a pgAudit jsonlog to {} (read it with --config {})",
            log.display(),
            cfg.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
