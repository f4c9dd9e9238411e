//! The `custodes` command line: argument parsing and error reporting only. Each subcommand
//! lives in `cli/` and calls the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Events are decoded and resolved on worker threads and dropped on the detection thread;
/// glibc's allocator spends a third of an audit on such cross-thread frees, mimalloc does not.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`custodes audit ... | head`) is not worth a message.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("custodes: error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each cause once: the library's errors already say their cause
/// in their own message (`FILE: cannot read: No such file or directory`), and anyhow's
/// alternate form would repeat it.
fn message(e: &anyhow::Error) -> String {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    msg
}
