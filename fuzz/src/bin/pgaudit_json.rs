//! AFL++ entry point for the `pgaudit_json` harness (see `custodes_fuzz::pgaudit_json`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::pgaudit_json(data);
    });
}
