//! AFL++ entry point for the `csv` harness (see `custodes_fuzz::csv`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::csv(data);
    });
}
