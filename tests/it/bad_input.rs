//! Bad input never stops a run and is never silently dropped: each malformed line is
//! counted, named by file, line and field, and written to the reject file.

use crate::support::{custodes, fixtures, read_jsonl};

#[test]
fn malformed_lines_are_rejected_with_file_line_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("alerts.jsonl");
    let bad = fixtures().join("bad");
    let assert = custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg("--out")
        .arg(&out)
        .arg(bad.join("mixed.jsonl"))
        .arg(bad.join("empty.jsonl"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    // Default reject file sits beside --out.
    let rejects = read_jsonl(&dir.path().join("alerts.rejects.jsonl"));
    let got: Vec<(String, u64, String)> = rejects
        .iter()
        .map(|r| {
            let file = r["file"].as_str().unwrap_or_default();
            let name = file.rsplit('/').next().unwrap_or_default().to_string();
            (
                name,
                r["line"].as_u64().unwrap_or(0),
                r["field"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expect = |f: &str, l: u64, field: &str| (f.to_string(), l, field.to_string());
    assert_eq!(
        got,
        vec![
            // two personnel rows: missing user, impossible dob
            expect("personnel.csv", 3, "user"),
            expect("personnel.csv", 4, "dob"),
            expect("mixed.jsonl", 2, "-"),            // truncated JSON
            expect("mixed.jsonl", 3, "result_count"), // wrong type
            expect("mixed.jsonl", 4, "ts"),           // missing ts
            expect("mixed.jsonl", 5, "ts"),           // unknown timestamp format
            expect("mixed.jsonl", 7, "user"),         // object instead of string
            expect("mixed.jsonl", 8, "-"),            // not JSON
            expect("mixed.jsonl", 9, "-"),            // not an object
        ]
    );
    assert!(rejects[2]["error"]
        .as_str()
        .unwrap_or_default()
        .contains("truncated JSON"));
    assert!(rejects[2]["raw"]
        .as_str()
        .unwrap_or_default()
        .contains("subject_pl"));
    assert!(
        stderr.contains("2 events read from 2 file(s), 7 rejected"),
        "{stderr}"
    );
    assert!(
        stderr.contains("mixed.jsonl:3: field `result_count`"),
        "{stderr}"
    );
}

#[test]
fn csv_rows_are_rejected_individually() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rej = dir.path().join("rej.jsonl");
    let bad = fixtures().join("bad");
    let assert = custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg("--rejects")
        .arg(&rej)
        .arg(bad.join("events.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let rejects = read_jsonl(&rej);
    let events: Vec<(u64, &str)> = rejects
        .iter()
        .filter(|r| {
            r["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("events.csv"))
        })
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["field"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(events, vec![(3, "result_count"), (4, "ts"), (5, "-")]);
    assert!(stderr.contains("2 events read"), "{stderr}");
}

#[test]
fn unreadable_input_exits_2_naming_the_file() {
    let bad = fixtures().join("bad");
    custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg("/nonexistent/events.jsonl")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/nonexistent/events.jsonl"));
    custodes()
        .args(["audit", "--refs", "/nonexistent/refs"])
        .arg(bad.join("mixed.jsonl"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/nonexistent/refs"));
    let dir = tempfile::tempdir().expect("tempdir");
    let odd = dir.path().join("events.txt");
    std::fs::write(&odd, "hello\n").expect("write");
    custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown input format"));
}

#[test]
fn bad_config_keys_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("custodes.toml");
    std::fs::write(&cfg, "[no_case]\nexempt_purpose = [\"X\"]\n").expect("write");
    let bad = fixtures().join("bad");
    custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg(bad.join("empty.jsonl"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("exempt_purpose"));
}

/// A value outside its range is refused as the file is read, naming the file, the line and
/// the key, instead of being clamped to something the user did not write.
#[test]
fn config_values_out_of_range_exit_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("custodes.toml");
    std::fs::write(&cfg, "[subject_surge]\nwindow_hours = 0\n").expect("write");
    let bad = fixtures().join("bad");
    custodes()
        .args(["audit", "--refs"])
        .arg(bad.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg(bad.join("empty.jsonl"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("custodes.toml"))
        .stderr(predicates::str::contains("line 2"))
        .stderr(predicates::str::contains("window_hours"))
        .stderr(predicates::str::contains(
            "0 is not from 1 to 8760 (a year)",
        ));
}

#[test]
fn outputs_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("alerts.jsonl");
    let bad = fixtures().join("bad");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(bad.join("refs"))
        .arg("--out")
        .arg(&out)
        .arg(bad.join("mixed.jsonl"))
        .assert()
        .success();
    for f in [out.clone(), dir.path().join("alerts.rejects.jsonl")] {
        let mode = std::fs::metadata(&f).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}
