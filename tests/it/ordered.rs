//! The batch audit streams files that are in time order and merges them, on worker threads:
//! the alerts must be byte-for-byte what one sorted pass gives, whatever the number of
//! threads, however the events are split across files, and with `--stream`.

use std::path::Path;

use crate::support::{custodes, gen_world};

fn audit(refs: &Path, out: &Path, extra: &[&str], inputs: &[&Path]) -> Vec<u8> {
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(refs)
        .args(extra)
        .arg("--out")
        .arg(out)
        .args(inputs)
        .assert()
        .success();
    std::fs::read(out).expect("alerts")
}

#[test]
fn threads_files_and_stream_give_the_same_alerts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let world = dir.path().join("world");
    gen_world(&world, 11, 12);
    let refs = world.join("refs");
    let events = world.join("events.jsonl");
    let text = std::fs::read_to_string(&events).expect("events");
    let lines: Vec<&str> = text.lines().collect();
    // Four consecutive stretches of the log, as a log rotated four times leaves it.
    let rotated = dir.path().join("rotated");
    std::fs::create_dir_all(&rotated).expect("mkdir");
    let quarter = lines.len().div_ceil(4);
    for (k, chunk) in lines.chunks(quarter).enumerate() {
        let part: String = chunk.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(rotated.join(format!("part{k}.jsonl")), part).expect("write");
    }
    // The same with the last stretch's lines in reverse (read whole and sorted).
    let mixed = dir.path().join("mixed");
    std::fs::create_dir_all(&mixed).expect("mkdir");
    for (k, chunk) in lines.chunks(quarter).enumerate() {
        let mut chunk = chunk.to_vec();
        if k == 3 {
            chunk.reverse();
        }
        let part: String = chunk.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(mixed.join(format!("part{k}.jsonl")), part).expect("write");
    }
    let text_of = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 alerts");
    let out = |n: &str| dir.path().join(n);

    let one = text_of(audit(&refs, &out("a1"), &["--threads", "1"], &[&events]));
    assert!(!one.is_empty(), "the world raises alerts");
    let two = text_of(audit(&refs, &out("a2"), &["--threads", "2"], &[&events]));
    assert!(one == two, "--threads 1 and 2 differ");
    let parts = text_of(audit(&refs, &out("a3"), &["--threads", "2"], &[&rotated]));
    assert!(
        one == parts,
        "the rotated files differ from the single file"
    );
    let stream = text_of(audit(&refs, &out("a4"), &["--stream"], &[&events]));
    assert!(one == stream, "--stream differs");
    let mixed_1 = text_of(audit(&refs, &out("a5"), &["--threads", "1"], &[&mixed]));
    let mixed_3 = text_of(audit(&refs, &out("a6"), &["--threads", "3"], &[&mixed]));
    assert!(
        mixed_1 == mixed_3,
        "an unsorted file: --threads 1 and 3 differ"
    );
}

#[test]
fn threads_must_be_at_least_one() {
    custodes()
        .args(["audit", "--threads", "0", "--refs", "x", "y.jsonl"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--threads"));
}
