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
    if !args.command.runs_until_stopped() {
        keep_freed_memory();
    }
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

/// mimalloc's `mi_option_purge_delay` (the sixteenth of its options in v2 and v3, which
/// `libmimalloc-sys` names no constant for).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A run that ends with its input (an audit, a baseline) keeps the memory it frees for its
/// own reuse. It frees and allocates hundreds of megabytes as it goes (events decoded on
/// the workers and dropped on the detection thread, each day's windows), and mimalloc
/// hands freed pages back to the system moments before they are wanted again: on the
/// realistic 400 × 60 world, 62,000 to 86,000 page faults, the kernel zeroing each page
/// again, where 1,300 remain now (about 4 % of the audit's wall time at the medians,
/// `docs/performance.md`). The peak grows by a few percent. `watch` and `serve`, which run
/// for months, keep mimalloc's default and give memory back.
fn keep_freed_memory() {
    // SAFETY: `mi_option_set` is not synchronised; this runs once, on the main thread,
    // before any other thread exists. -1 is "never purge", a value the option documents.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
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
