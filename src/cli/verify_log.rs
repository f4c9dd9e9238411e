//! `custodes verify-log`: check the access log's hash chain, its key's seals and an
//! anchored head; export the head to anchor it elsewhere.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use custodes::store::chain::{default_key_path, ChainKey, Head};
use custodes::store::Store;

/// Check that the access log of an alert store is whole.
///
/// Every page view and export of `custodes serve` that shows personal data is an entry of
/// an append-only, hash-chained log inside the store. This walks the chain and reports the
/// first entry whose link does not hold (removed, edited or re-ordered entries). Entries
/// written since `custodes serve` made the log's key (FILE.logkey, or --log-key) carry an
/// HMAC seal that nobody without the key can recompute, so a log rewritten by someone who
/// could write the store file fails too. Entries cut off the end show only against a head
/// exported earlier (--export-head) to a place the store's writer cannot change, checked
/// with --head. Exit 0 when the log holds, 1 when it is broken, 2 when the store or a file
/// cannot be read.
///
/// Example: custodes verify-log --db alerts.db --head /mnt/worm/head-2026-11-30 --export-head /mnt/worm/head-2026-12-01
#[derive(Debug, Args)]
pub struct VerifyLogArgs {
    /// The alert store.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The access log's key file (default: the store's path with `.logkey` added).
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// An anchor written earlier by --export-head: the log must still hold that entry.
    #[arg(long, value_name = "FILE")]
    pub head: Option<PathBuf>,
    /// When the log holds, write its last entry (number and hash) to FILE (0600, never
    /// overwritten; `-` for standard output), to keep somewhere write-once.
    #[arg(long, value_name = "FILE")]
    pub export_head: Option<PathBuf>,
}

pub fn run(args: VerifyLogArgs) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        anyhow::bail!("{}: no such alert store", args.db.display());
    }
    let store = Store::open(&args.db)?;
    let key_path = args
        .log_key
        .clone()
        .unwrap_or_else(|| default_key_path(&args.db));
    let key = if key_path.exists() {
        Some(ChainKey::load(&key_path)?)
    } else if args.log_key.is_some() {
        anyhow::bail!("{}: no such key file", key_path.display());
    } else if store.log_is_keyed()? {
        anyhow::bail!(
            "{}: the access log is sealed with a key, and there is no key file at {} (give it with --log-key)",
            args.db.display(),
            key_path.display()
        );
    } else {
        None
    };
    let report = store.verify_access_log(key.as_ref())?;
    let db = args.db.display();
    if let Some((seq, why)) = report.first_broken {
        println!("{db}: access log BROKEN at entry {seq}: {why}");
        return Ok(ExitCode::from(1));
    }
    if let Some(path) = &args.head {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the head", path.display()))?;
        let head = Head::parse(&text, path)?;
        if let Some(why) = store.check_head(&head)? {
            println!(
                "{db}: access log BROKEN against the head in {}: {why}",
                path.display()
            );
            return Ok(ExitCode::from(1));
        }
    }
    let sealed = match &key {
        Some(k) => format!(
            ", {} sealed with the key (entries {} on)",
            report.sealed, k.from
        ),
        None => ", none sealed with a key".to_string(),
    };
    let anchored = match &args.head {
        Some(p) => format!(", holds the head in {}", p.display()),
        None => String::new(),
    };
    println!(
        "{db}: access log whole, {} entries{sealed}{anchored}",
        report.entries
    );
    if let Some(out) = &args.export_head {
        let Some(head) = &report.head else {
            anyhow::bail!("{db}: the access log is empty: no head to export");
        };
        let text = head.to_text(&custodes::event::format_ts(&chrono::Utc::now()));
        if out.as_os_str() == "-" {
            std::io::stdout().write_all(text.as_bytes())?;
        } else {
            let mut f = custodes::output::create_new_private(out)
                .with_context(|| format!("{}: cannot create the head file", out.display()))?;
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .with_context(|| format!("{}: cannot write the head", out.display()))?;
            eprintln!(
                "custodes: head (entry {}) written to {}",
                head.seq,
                out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
