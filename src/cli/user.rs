//! `custodes user`: accounts of the workbench, stored in the alert store: add, disable,
//! enable, reset a password, revoke sessions.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};

use custodes::store::workbench::Role;
use custodes::store::Store;
use custodes::workbench::auth;

/// Manage the accounts of `custodes serve`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    Add(AddArgs),
    Disable(NameArgs),
    Enable(NameArgs),
    ResetPassword(NameArgs),
    Revoke(NameArgs),
}

/// An existing account.
///
/// disable: the account can no longer log in and its sessions end at once (its history
/// stays). enable: it can log in again. reset-password: a new password, read like `add`
/// reads one, and every session of the account ends. revoke: every session ends (logged-in
/// browsers and scripts must log in again).
#[derive(Debug, Args)]
pub struct NameArgs {
    /// The alert store.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The access log's key file, to record the change in the sealed log (default: the
    /// store's path with `.logkey` added, when it exists).
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// The account's login name.
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// Create an account.
///
/// The password is read from standard input when it is not a terminal (the first line),
/// otherwise asked for twice without echo. It needs at least 12 characters, must not be a
/// common password, a repetition or a keyboard run, and is stored only as an argon2id hash. Roles: investigator (sees names), oversight (aggregates and
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
    /// The access log's key file, to record the new account in the sealed log (default:
    /// the store's path with `.logkey` added, when it exists).
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// The account's login name.
    #[arg(value_name = "NAME")]
    pub name: String,
}

pub fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        UserCommand::Add(a) => add(a),
        UserCommand::Disable(a) => change(a, Change::Disable),
        UserCommand::Enable(a) => change(a, Change::Enable),
        UserCommand::ResetPassword(a) => change(a, Change::Password),
        UserCommand::Revoke(a) => change(a, Change::Revoke),
    }
}

/// Account changes go into the access log like changes made in the server; a log sealed
/// with a key needs that key, so it is found before anything changes.
fn use_log_key(
    store: &mut Store,
    db: &std::path::Path,
    given: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let key_path = given
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| custodes::store::chain::default_key_path(db));
    if key_path.exists() || given.is_some() || store.log_is_keyed()? {
        store.use_log_key(&key_path, false)?;
    }
    Ok(())
}

/// Who the access log names for a change made with `custodes user`.
const CLI_ACCOUNT: &str = "(custodes user)";

enum Change {
    Disable,
    Enable,
    Password,
    Revoke,
}

fn change(args: NameArgs, what: Change) -> anyhow::Result<ExitCode> {
    if !args.db.exists() {
        bail!("{}: no such alert store", args.db.display());
    }
    let name = args.name.trim();
    let mut store = Store::open(&args.db)?;
    use_log_key(&mut store, &args.db, args.log_key.as_deref())?;
    let db = args.db.display();
    let missing = || anyhow::anyhow!("{db}: no account named `{name}`");
    let (action, done) = match what {
        Change::Disable => {
            if !store.set_account_disabled(name, true)? {
                return Err(missing());
            }
            (
                "account_disabled",
                "disabled; its sessions ended".to_string(),
            )
        }
        Change::Enable => {
            if !store.set_account_disabled(name, false)? {
                return Err(missing());
            }
            ("account_enabled", "enabled".to_string())
        }
        Change::Password => {
            if store.account(name)?.is_none() {
                return Err(missing());
            }
            let hash = auth::hash_password(&read_password(name)?)?;
            if !store.set_password(name, &hash)? {
                return Err(missing());
            }
            (
                "password_reset",
                "has a new password; its sessions ended".to_string(),
            )
        }
        Change::Revoke => {
            if store.account(name)?.is_none() {
                return Err(missing());
            }
            let n = store.revoke_sessions(name)?;
            (
                "sessions_revoked",
                format!("logged out: {n} session(s) ended"),
            )
        }
    };
    store.log_access(CLI_ACCOUNT, action, name)?;
    eprintln!("custodes: account `{name}` in {db} {done}");
    Ok(ExitCode::SUCCESS)
}

/// A password from standard input (its first line) when it is not a terminal, else asked
/// twice without echo.
fn read_password(name: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))
            .context("reading the password")?;
        let again = rpassword::prompt_password("Again: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
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
    let password = read_password(name)?;
    let hash = auth::hash_password(&password)?;
    let mut store = Store::open(&args.db)?;
    use_log_key(&mut store, &args.db, args.log_key.as_deref())?;
    if !store.add_account(name, args.role, &hash)? {
        bail!(
            "{}: an account named `{name}` already exists",
            args.db.display()
        );
    }
    store.log_access(
        CLI_ACCOUNT,
        "account_added",
        &format!("{name} {}", args.role.as_str()),
    )?;
    eprintln!(
        "custodes: account `{name}` ({}) created in {}",
        args.role.as_str(),
        args.db.display()
    );
    Ok(ExitCode::SUCCESS)
}
