//! `custodes lookups`: who looked up this person, from query logs or from the alert store.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::identity::Resolver;
use custodes::lookups::{self, Criteria, Report, Target};
use custodes::refs::RefData;
use custodes::source::{self, RejectSink};

/// List every lookup of one person: who ran it, when, from where, under which case, and
/// how it matched.
///
/// The person is named by what an investigator has: a person id, a name (with or without a
/// date of birth), a plate, a phone or an address, typed any way. Reference records that
/// are surely the same person (same person id, or same name and date of birth) add their
/// identifiers, so a search by person id also finds lookups typed by name, plate or
/// address. Each lookup is graded with the detectors' matcher (`match.kind`, `strength` 0–1,
/// the fields that agreed, how the names compared); a namesake with another date of birth is
/// not listed, a bare name is listed as a weak `name_only` match. Lookups are grouped by
/// login, those with the most lookups no case explains first.
///
/// Read EVENTS (files or directories, as `audit` reads them), or the alert store with
/// --db (the events `audit --db` and `watch` kept; the store's lookup index is brought up
/// to date first). From the store, each lookup's case status is the one the audit recorded
/// (the case tables are not loaded, which is what makes the search fast); when the
/// reference data or settings changed since, the report says so and marks those lookups,
/// and --recompute-cases computes every status from --refs instead. The output names
/// people: write it only where investigators may read it.
#[derive(Debug, Args)]
pub struct LookupsArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,

    /// The person's id in the queried systems.
    #[arg(help_heading = "Who", long, value_name = "ID")]
    pub person_id: Option<String>,

    /// The person's name as typed (`SMITH, JANE`, `Jane Smith`).
    #[arg(help_heading = "Who", long, value_name = "NAME")]
    pub name: Option<String>,

    /// Date of birth (with --name): a namesake born another day is someone else.
    #[arg(help_heading = "Who", long, value_name = "DATE", requires = "name")]
    pub dob: Option<String>,

    /// A vehicle plate (any spacing and case).
    #[arg(help_heading = "Who", long, value_name = "PLATE")]
    pub plate: Option<String>,

    /// A phone number (any punctuation).
    #[arg(help_heading = "Who", long, value_name = "PHONE")]
    pub phone: Option<String>,

    /// A street address (abbreviated or not).
    #[arg(help_heading = "Who", long, value_name = "ADDRESS")]
    pub address: Option<String>,

    /// Only lookups at or after this time (YYYY-MM-DD or RFC 3339).
    #[arg(help_heading = "When", long, value_name = "TIME")]
    pub from: Option<String>,

    /// Only lookups before the end of this day or before this time.
    ///
    /// A day (YYYY-MM-DD): before its end; a time (RFC 3339): before it.
    #[arg(help_heading = "When", long, value_name = "TIME")]
    pub to: Option<String>,

    /// Print JSON instead of the table.
    #[arg(help_heading = "Output", long)]
    pub json: bool,

    /// Also write an evidence packet to this directory.
    ///
    /// lookups.html and lookups.csv, created 0600, with their SHA-256 digests printed on
    /// standard error.
    #[arg(help_heading = "Output", long, value_name = "DIR")]
    pub packet: Option<PathBuf>,

    /// Search the alert store instead of EVENTS.
    #[arg(
        help_heading = "Inputs",
        long,
        value_name = "FILE",
        conflicts_with = "events"
    )]
    pub db: Option<PathBuf>,

    /// With --db: compute case statuses from --refs now.
    ///
    /// Compute each lookup's case status from --refs and --config now (loading the whole
    /// case tables) instead of reading the status the audit recorded.
    #[arg(help_heading = "Inputs", long, requires = "db")]
    pub recompute_cases: bool,

    /// Query-log files or directories (not with --db).
    #[arg(
        help_heading = "Inputs",
        value_name = "EVENTS",
        required_unless_present = "db"
    )]
    pub events: Vec<PathBuf>,
}

pub fn run(args: LookupsArgs) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.read.config.as_ref())?;
    let opts = super::read_options(&config, args.read.config.as_ref())?;
    let mut rejects = RejectSink::counting();
    let criteria = Criteria {
        person_id: args.person_id,
        name: args.name,
        dob: args.dob,
        plate: args.plate,
        phone: args.phone,
        address: args.address,
        from: args.from,
        to: args.to,
    }
    .cleaned();
    let report = match &args.db {
        Some(db) => {
            let mut store = custodes::store::Store::open(db)?;
            let (report, basis) = lookups::search_recorded(
                &mut store,
                &args.read.refs,
                config,
                criteria,
                args.recompute_cases,
            )?;
            if let lookups::Basis::Computed { unrecorded } = basis {
                if unrecorded > 0 {
                    eprintln!(
                        "custodes: {unrecorded} of the events searched were stored before case statuses were recorded (store version 7): every status was computed from the reference data given"
                    );
                }
            }
            report
        }
        None => {
            let refs = RefData::load(&args.read.refs, &mut rejects)?;
            let resolver = Resolver::new(refs, config);
            let target = Target::new(&criteria, &resolver)?;
            let inputs = source::discover(&args.events, args.read.format)?;
            for (s, why) in &inputs.skipped {
                eprintln!("custodes: skipped {} ({why})", s.display());
            }
            let mut hits = Vec::new();
            let mut rejected = 0;
            for (path, format) in &inputs.files {
                let stats = source::read_file(path, *format, &opts, &mut rejects, &mut |ev| {
                    if let Some(h) = target.check(&ev, &resolver) {
                        hits.push(h);
                    }
                })?;
                rejected += stats.rejected;
            }
            if rejected > 0 {
                eprintln!(
                    "custodes: {rejected} input lines could not be read and were not searched (`custodes audit --rejects FILE` names them)"
                );
            }
            Report::build(criteria, &target, hits)
        }
    };
    if let Some(dir) = &args.packet {
        write_packet(dir, &report)?;
    }
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        s
    } else {
        report.table()
    };
    {
        use std::io::Write as _;
        // A closed pipe ends quietly (main recognises the error).
        std::io::stdout().lock().write_all(text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_packet(dir: &std::path::Path, report: &Report) -> anyhow::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the packet directory", dir.display()))?;
    let who = std::env::var("USER").unwrap_or_else(|_| "custodes lookups".into());
    let now = custodes::event::format_ts(&chrono::Utc::now());
    let p = custodes::workbench::export::lookups_packet(report, &who, &now);
    for (name, body) in [("lookups.html", &p.html), ("lookups.csv", &p.csv)] {
        let path = dir.join(name);
        let mut f = custodes::output::create_private(&path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        f.write_all(body.as_bytes())
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    eprintln!(
        "custodes: packet written to {} (lookups.html sha256 {}, lookups.csv sha256 {})",
        dir.display(),
        p.html_sha256,
        p.csv_sha256
    );
    Ok(())
}
