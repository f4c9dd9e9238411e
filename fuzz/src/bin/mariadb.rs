//! AFL++ entry point for the `mariadb` harness (see `custodes_fuzz::mariadb`).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        custodes_fuzz::mariadb(data);
    });
}
