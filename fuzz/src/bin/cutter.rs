//! AFL++ entry point for the `cutter` harness (see `custodes_fuzz::cutter`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::cutter(data);
    });
}
