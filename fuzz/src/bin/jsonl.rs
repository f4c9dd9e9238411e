//! AFL++ entry point for the `jsonl` harness (see `custodes_fuzz::jsonl`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::jsonl(data);
    });
}
