//! MariaDB `server_audit` logs through the real binary, on the committed log that
//! MariaDB 10.11's plugin wrote (`tests/fixtures/mariadb/server_audit.log`, invented
//! people: the same records and officers as the pgAudit samples, whose reference data it
//! shares): `audit` recognising the format by content, `convert`, a rotated file name,
//! bad lines and bad settings. Per-event facts are checked by the reader's unit tests;
//! the live server is driven by `mariadb_e2e`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("mariadb").join(name)
}

/// Shared with the pgAudit samples: officer_a is SMITH, JOHN (1980-01-02).
fn refs() -> PathBuf {
    fixtures().join("pgaudit/refs")
}

fn audit(d: &Path, extra: &[&str], input: &Path, tag: &str) -> (Vec<Value>, String) {
    let out = d.join(format!("alerts-{tag}.jsonl"));
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(refs())
        .arg("--config")
        .arg(fixture("custodes.toml"))
        .args(extra)
        .arg("--out")
        .arg(&out)
        .arg(input)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    (read_jsonl(&out), stderr)
}

#[test]
fn the_real_log_is_recognised_and_gives_exactly_its_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (alerts, summary) = audit(d, &[], &fixture("server_audit.log"), "auto");
    let mut got: Vec<(&str, &str, &str)> = alerts
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default();
            (s("detector"), s("kind"), s("user"))
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            // The address pattern `LIKE '%"The Lodge"%'` with no case is a pattern search
            // above officer_a's usual day of none (`fishing`, issue 16).
            ("fishing", "wildcard_sweep", "officer_a"),
            // officer_a and officer_b searched people with no case (grouped per day)...
            ("no_case", "missing", "officer_a"),
            ("no_case", "missing", "officer_b"),
            // ... and officer_a searched their own surname and date of birth.
            ("self_query", "name_dob", "officer_a"),
        ],
        "{alerts:#?}"
    );
    let me = alerts
        .iter()
        .find(|a| a["detector"] == "self_query")
        .unwrap();
    assert_eq!(
        me["event_ids"],
        serde_json::json!(["mariadb:vm:20261123T184055Z:4:8"])
    );
    assert_eq!(
        me["evidence"]["matched_person"],
        "SMITH, JOHN (DOB 1980-01-02)"
    );
    // The lookups that a case explains (C-2024-001, officer_a's) raise nothing; the one
    // the log cut is counted in the summary.
    assert!(
        summary.contains("MariaDB server_audit: 29 statements")
            && summary.contains("1 cut by server_audit_query_log_limit"),
        "{summary}"
    );

    // Forced, and with a name that says nothing: the same alerts.
    let renamed = d.join("audit-export.txt");
    std::fs::copy(fixture("server_audit.log"), &renamed).unwrap();
    let (forced, _) = audit(d, &["--format", "mariadb"], &renamed, "forced");
    assert_eq!(alert_keys(&forced), alert_keys(&alerts));
}

#[test]
fn rotated_files_in_a_directory_are_read_and_other_files_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // server_audit_file_rotations renames the file to server_audit.log.1, .2, ...
    std::fs::copy(fixture("server_audit.log"), logs.join("server_audit.log.1")).unwrap();
    std::fs::write(logs.join("README.log"), "not an audit log\n").unwrap();
    let out = dir.path().join("events.jsonl");
    let run = custodes()
        .args(["convert", "--config"])
        .arg(fixture("custodes.toml"))
        .arg("--out")
        .arg(&out)
        .arg(&logs)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    let events = read_jsonl(&out);
    assert_eq!(events.len(), 40, "{stderr}");
    assert!(
        stderr.contains("skipped") && stderr.contains("README.log"),
        "{stderr}"
    );
    let cut: Vec<&Value> = events
        .iter()
        .filter(|e| e["query_truncated"] == true)
        .collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0]["query_log_limit"], 60);
    assert!(cut[0].get("subject_last_name").is_none(), "{}", cut[0]);
}

#[test]
fn bad_lines_are_rejected_with_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let log = d.join("server_audit.log");
    let mut f = std::fs::File::create(&log).unwrap();
    let good = "20261123 18:40:55,vm,officer_a,localhost,4,8,QUERY,records,'SELECT * FROM persons WHERE last_name = \\'SMITH\\' AND dob = \\'1980-01-02\\'',0";
    writeln!(f, "{good}").unwrap();
    // 2: the connection id is not a number.
    writeln!(f, "{}", good.replace(",4,8,", ",four,8,")).unwrap();
    // 3: a line cut inside the statement (a crash mid-write).
    writeln!(f, "{}", &good[..90]).unwrap();
    // 4: traditional syslog time, which has no year.
    writeln!(
        f,
        "Nov 23 18:40:55 vm mysql-server_auditing:  vm,officer_a,localhost,4,9,QUERY,records,'SELECT 1',0"
    )
    .unwrap();
    drop(f);
    let out = d.join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--format", "mariadb", "--refs"])
        .arg(refs())
        .arg("--config")
        .arg(fixture("custodes.toml"))
        .arg("--out")
        .arg(&out)
        .arg(&log)
        .assert()
        .success();
    let rejects = read_jsonl(&d.join("alerts.rejects.jsonl"));
    let got: Vec<(u64, &str)> = rejects
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![(2, "connectionid"), (3, "object"), (4, "timestamp")]
    );
    assert!(rejects[2]["error"].as_str().unwrap().contains("RFC 3339"));
    // The good line still counted: officer_a's self-lookup.
    let alerts = read_jsonl(&out);
    assert!(
        alerts.iter().any(|a| a["detector"] == "self_query"),
        "{alerts:?}"
    );
}

#[test]
fn bad_mariadb_settings_are_exit_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (text, key) in [
        (
            "[mariadb]\ntimezone = \"Mars/Olympus\"\n",
            "mariadb.timezone",
        ),
        (
            "[mariadb.subject_columns]\n\"persons\" = \"last_name\"\n",
            "mariadb.subject_columns",
        ),
        ("[mariadb]\nquery_limit = 10\n", "query_limit"),
    ] {
        let cfg = d.join("bad.toml");
        std::fs::write(&cfg, text).unwrap();
        let run = custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(refs())
            .arg("--config")
            .arg(&cfg)
            .arg(fixture("server_audit.log"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
        assert!(
            err.contains("bad.toml") && err.contains(key),
            "{text}: {err}"
        );
    }
}
