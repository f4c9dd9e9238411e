//! `custodes user add`: accounts of the workbench, stored in the alert store.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use custodes::server::auth;
use custodes::store::workbench::Role;
use custodes::store::Store;

/// Manage the accounts of `custodes serve`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    Add(AddArgs),
}

/// Create an account.
///
/// The password is read from standard input when it is not a terminal (the first line),
/// otherwise asked for twice without echo. It needs at least 12 characters and is stored
/// only as an argon2id hash. Roles: investigator (sees names), oversight (aggregates and
/// pseudonyms only), admin (accounts and exceptions). An existing name is an error.
///
/// Example: printf '%s\n' "$PASSWORD" | custodes user add --db alerts.db --role investigator jdoe
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The alert store (created when missing, 0600).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// investigator, oversight or admin.
    #[arg(long, value_name = "ROLE")]
    pub role: Role,
    /// The account's login name.
    #[arg(value_name = "NAME")]
    pub name: String,
}

pub fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        UserCommand::Add(a) => add(a),
    }
}

fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let name = args.name.trim();
    if name.is_empty()
        || name.len() > 64
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        bail!(
            "account name `{}`: 1 to 64 characters, no spaces or control characters",
            args.name
        );
    }
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))
            .context("reading the password")?;
        let again = rpassword::prompt_password("Again: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    let hash = auth::hash_password(&password)?;
    let store = Store::open(&args.db)?;
    if !store.add_account(name, args.role, &hash)? {
        bail!(
            "{}: an account named `{name}` already exists",
            args.db.display()
        );
    }
    eprintln!(
        "custodes: account `{name}` ({}) created in {}",
        args.role.as_str(),
        args.db.display()
    );
    Ok(ExitCode::SUCCESS)
}
