//! The same events in every input format give the same alerts: JSON lines, gzip, CSV,
//! Parquet, a directory mixing them, and standard input.

use std::io::Write;

use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

const COLUMNS: [&str; 16] = [
    "id",
    "ts",
    "user",
    "action",
    "system",
    "client",
    "case_id",
    "purpose",
    "subject_person_id",
    "subject_last_name",
    "subject_first_name",
    "subject_name",
    "subject_dob",
    "subject_address",
    "subject_phone",
    "subject_plate",
];

/// The tricky events flattened to the contract's columns (nested `subject` objects become
/// `subject_*` columns), as rows of optional strings.
fn flat_rows() -> Vec<Vec<Option<String>>> {
    let src = std::fs::read_to_string(fixtures().join("identity_and_cases/events.jsonl"))
        .expect("fixture");
    src.lines()
        .map(|l| {
            let mut v: serde_json::Map<String, Value> = serde_json::from_str(l).expect("json");
            if let Some(Value::Object(sub)) = v.remove("subject") {
                for (k, x) in sub {
                    v.insert(format!("subject_{k}"), x);
                }
            }
            COLUMNS
                .iter()
                .map(|c| v.get(*c).and_then(|x| x.as_str()).map(str::to_string))
                .collect()
        })
        .collect()
}

fn audit(inputs: &[&std::path::Path]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("alerts.jsonl");
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"])
        .arg(fixtures().join("identity_and_cases/refs"))
        .arg("--out")
        .arg(&out);
    for i in inputs {
        cmd.arg(i);
    }
    cmd.assert().success();
    read_jsonl(&out)
}

#[test]
fn csv_parquet_gzip_and_jsonl_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = flat_rows();
    let headers: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();

    let csv_path = dir.path().join("events.csv");
    let mut w = csv::Writer::from_path(&csv_path).expect("csv");
    w.write_record(&headers).expect("header");
    for r in &rows {
        w.write_record(r.iter().map(|c| c.clone().unwrap_or_default()))
            .expect("row");
    }
    w.flush().expect("flush");

    let pq_path = dir.path().join("events.parquet");
    custodes::columnar::write_string_parquet(&pq_path, &headers, &rows).expect("parquet");

    let gz_path = dir.path().join("events.jsonl.gz");
    let src = std::fs::read(fixtures().join("identity_and_cases/events.jsonl")).expect("fixture");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).expect("gz"),
        flate2::Compression::fast(),
    );
    gz.write_all(&src).expect("gz write");
    gz.finish().expect("gz finish");

    let reference = alert_keys(&audit(&[
        &fixtures().join("identity_and_cases/events.jsonl")
    ]));
    assert_eq!(reference.len(), 25);
    assert_eq!(alert_keys(&audit(&[&csv_path])), reference, "csv");
    assert_eq!(alert_keys(&audit(&[&pq_path])), reference, "parquet");
    assert_eq!(alert_keys(&audit(&[&gz_path])), reference, "gzip");
}

#[test]
fn a_directory_of_split_files_is_merged_in_time_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = std::fs::read_to_string(fixtures().join("identity_and_cases/events.jsonl"))
        .expect("fixture");
    let lines: Vec<&str> = src.lines().collect();
    // Odd and even lines in two files, nested one level down, plus a stray README.
    std::fs::create_dir(dir.path().join("day")).expect("mkdir");
    let odd: Vec<&str> = lines.iter().step_by(2).copied().collect();
    let even: Vec<&str> = lines.iter().skip(1).step_by(2).copied().collect();
    std::fs::write(dir.path().join("b.jsonl"), odd.join("\n")).expect("write");
    std::fs::write(dir.path().join("day/a.ndjson"), even.join("\n")).expect("write");
    std::fs::write(dir.path().join("README.txt"), "not events").expect("write");
    let reference = alert_keys(&audit(&[
        &fixtures().join("identity_and_cases/events.jsonl")
    ]));
    assert_eq!(alert_keys(&audit(&[dir.path()])), reference);
}

#[test]
fn standard_input_is_read_as_json_lines() {
    let src = std::fs::read(fixtures().join("identity_and_cases/events.jsonl")).expect("fixture");
    let out = custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(fixtures().join("identity_and_cases/refs"))
        .arg("-")
        .write_stdin(src)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(stdout.lines().count(), 25);
}
