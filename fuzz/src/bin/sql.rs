//! AFL++ entry point for the `sql` harness (see `custodes_fuzz::sql`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::sql(data);
    });
}
