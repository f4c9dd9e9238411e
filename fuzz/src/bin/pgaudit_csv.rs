//! AFL++ entry point for the `pgaudit_csv` harness (see `custodes_fuzz::pgaudit_csv`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::pgaudit_csv(data);
    });
}
