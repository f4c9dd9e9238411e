//! `custodes convert`: decode inputs (PostgreSQL + pgAudit logs above all) into contract
//! events, so other tools can use the readers without the detectors.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::output::create_private;
use custodes::source::{self, FileStats, FormatChoice, RejectSink};

/// Convert query logs into contract events (JSON lines).
///
/// Reads INPUTS exactly as `custodes audit` does (same formats, same --format, [pgaudit],
/// [mariadb] and [mysql] settings) and writes one contract event per line, in file order, with the reader's
/// evidence fields (for pgAudit: the statement's class, command, object, parameters, how the
/// subject and the case were found). Lines that cannot be decoded are counted, reported and
/// written to the reject file; the run goes on. The events hold personal data: the output is
/// created 0600.
///
/// Example: custodes convert --config custodes.toml --out events.jsonl postgresql.json
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// What the inputs are: auto, contract or a database log.
    ///
    /// auto (by extension, and by content for .json, .csv and .log), contract (custodes
    /// events), pgaudit (PostgreSQL logs with pgAudit lines), mariadb (MariaDB server_audit
    /// logs), percona (Percona Server audit_log JSON) or mysql-enterprise (MySQL Enterprise
    /// Audit / audit_log_filter JSON).
    #[arg(
        help_heading = "Inputs",
        long,
        value_name = "FORMAT",
        default_value = "auto"
    )]
    pub format: FormatChoice,

    /// Configuration file (which columns name people, where cases are written).
    ///
    /// The [pgaudit], [mariadb] and [mysql] sections say which columns name people and where
    /// cases are written.
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Write events here (created 0600); `-` for standard output.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub out: PathBuf,

    /// Write rejected input lines here (JSON lines).
    ///
    /// Default: beside --out as NAME.rejects.jsonl; none when events go to standard output.
    #[arg(help_heading = "Outputs", long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Do not print the summary on standard error.
    #[arg(help_heading = "Outputs", long, short)]
    pub quiet: bool,

    /// Input files or directories.
    #[arg(help_heading = "Inputs", value_name = "INPUTS", required = true)]
    pub inputs: Vec<PathBuf>,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let config = super::load_config(args.config.as_ref())?;
    let opts = super::read_options(&config, args.config.as_ref())?;
    let to_stdout = args.out.as_os_str() == "-";
    let reject_path = args.rejects.clone().or_else(|| {
        (!to_stdout).then(|| {
            let stem = args
                .out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "events".into());
            args.out.with_file_name(format!("{stem}.rejects.jsonl"))
        })
    });
    let mut rejects = match &reject_path {
        Some(p) => RejectSink::to_file(p)
            .with_context(|| format!("{}: cannot create reject file", p.display()))?,
        None => RejectSink::counting(),
    };
    let inputs = source::discover(&args.inputs, args.format)?;
    let mut out: Box<dyn Write> = if to_stdout {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        let f = create_private(&args.out)
            .with_context(|| format!("{}: cannot create", args.out.display()))?;
        Box::new(BufWriter::new(f))
    };
    let mut total = FileStats::default();
    let mut write_error: Option<std::io::Error> = None;
    for (path, format) in &inputs.files {
        let stats = source::read_file(path, *format, &opts, &mut rejects, &mut |ev| {
            if write_error.is_some() {
                return;
            }
            let line = serde_json::Value::Object(ev.to_contract_json()).to_string();
            if let Err(e) = writeln!(out, "{line}") {
                write_error = Some(e);
            }
        })?;
        total.add(&stats);
        if let Some(e) = write_error.take() {
            return Err(e).with_context(|| format!("{}: cannot write", args.out.display()));
        }
    }
    out.flush()
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    rejects.flush().context("writing the reject file")?;
    if !args.quiet {
        let pg = &total.pgaudit;
        eprintln!(
            "custodes convert: {} files, {} events written, {} lines rejected",
            inputs.files.len(),
            total.events,
            total.rejected
        );
        if pg.audit_lines > 0 {
            eprintln!(
                "  pgAudit: {} audit lines; {} folded into a statement already written (OBJECT/SESSION, one per table), {} not reads or writes (SET, PREPARE, DDL, …), {} subjects found by the literal scan",
                pg.audit_lines, pg.merged, pg.not_lookups, pg.literal_scans
            );
        }
        let m = &total.mariadb;
        if m.statements > 0 {
            eprintln!(
                "  MariaDB server_audit: {} statements ({} table lines folded in), {} not reads or writes (SET, PREPARE, DDL, …), {} cut by server_audit_query_log_limit and given no subject, {} subjects found by the literal scan",
                m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
            );
        }
        let m = &total.mysql;
        if m.statements > 0 {
            eprintln!(
                "  MySQL JSON audit: {} statements ({} table records folded in), {} not reads or writes (SET, PREPARE, DDL, …), {} as long as mysql.query_log_limit and given no subject, {} subjects found by the literal scan",
                m.statements, m.table_lines, m.not_lookups, m.truncated, m.literal_scans
            );
        }
        for (s, why) in &inputs.skipped {
            eprintln!("  skipped {} ({why})", s.display());
        }
        for r in rejects.first() {
            eprintln!("  rejected: {r}");
        }
        if let Some(p) = &reject_path {
            if rejects.count() > 0 {
                eprintln!("  rejected lines written to {}", p.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
