//! AFL++ entry point for the `pgaudit_stderr` harness (see `custodes_fuzz::pgaudit_stderr`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::pgaudit_stderr(data);
    });
}
