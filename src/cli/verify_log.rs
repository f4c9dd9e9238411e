//! `custodes verify-log`: check the access log's hash chain.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use custodes::store::Store;

/// Check that the access log of an alert store is whole.
///
/// Every page view and export of `custodes serve` that shows personal data is an entry of
/// an append-only, hash-chained log inside the store. This walks the chain and reports the
/// first entry whose link does not hold (removed, edited or re-ordered entries). Exit 0
/// when the chain is whole, 1 when it is broken, 2 when the store cannot be read.
#[derive(Debug, Args)]
pub struct VerifyLogArgs {
    /// The alert store.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
}

pub fn run(args: VerifyLogArgs) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        anyhow::bail!("{}: no such alert store", args.db.display());
    }
    let store = Store::open(&args.db)?;
    let report = store.verify_access_log()?;
    match report.first_broken {
        None => {
            println!(
                "{}: access log whole, {} entries",
                args.db.display(),
                report.entries
            );
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, why)) => {
            println!(
                "{}: access log BROKEN at entry {seq}: {why}",
                args.db.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}
