//! MySQL's JSON audit logs through the real binary: Percona Server's `audit_log` and MySQL
//! Enterprise Audit (`tests/fixtures/mysql/`, written from the vendors' documented record
//! shapes — Debian ships neither server — with invented people): `audit` recognising each
//! by content and giving exactly the scenario's alerts, `--format`, a directory of rotated
//! files through `convert`, `watch` following Percona's lines and refusing Enterprise's,
//! and bad settings. Per-record facts are checked by the reader's unit tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("mysql").join(name)
}

fn audit(d: &Path, extra: &[&str], input: &Path, tag: &str) -> (Vec<Value>, String) {
    let out = d.join(format!("alerts-{tag}.jsonl"));
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(fixture("refs"))
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

fn facts(alerts: &[Value]) -> Vec<(String, String, String, Value)> {
    let mut got: Vec<(String, String, String, Value)> = alerts
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (s("detector"), s("kind"), s("user"), a["event_ids"].clone())
        })
        .collect();
    got.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    got
}

/// The scenario's alerts, given the ids of the self-lookup, the other case's person
/// looked up without a case, and the ex-partner's lookup.
fn expected(me: &str, no_case: &str, ex: &str) -> Vec<(String, String, String, Value)> {
    let row = |d: &str, k: &str, u: &str, id: &str| {
        (
            d.to_string(),
            k.to_string(),
            u.to_string(),
            serde_json::json!([id]),
        )
    };
    let mut v = vec![
        // officer_c looked up their ex-partner under a cover case they are assigned to...
        row("association_lookup", "ex_partner", "officer_c", ex),
        // ... whose subjects do not include them.
        row("no_case", "subject_not_in_case", "officer_c", ex),
        // officer_a looked themself up, with no case.
        row("no_case", "missing", "officer_a", me),
        // officer_b looked up the subject of another officer's case, with no case.
        row("no_case", "missing", "officer_b", no_case),
        row("self_query", "name_dob", "officer_a", me),
        // officer_a's case work (C-2024-001) and the cut statement raise nothing.
    ];
    v.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    v
}

#[test]
fn percona_json_is_recognised_and_gives_exactly_its_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (alerts, summary) = audit(d, &[], &fixture("percona/audit.log"), "auto");
    assert_eq!(
        facts(&alerts),
        expected(
            "percona:3_2026-11-23T18:40:00",
            "percona:9_2026-11-23T18:40:00",
            "percona:14_2026-11-23T18:40:00"
        ),
        "{alerts:#?}"
    );
    let me = alerts
        .iter()
        .find(|a| a["detector"] == "self_query")
        .unwrap();
    assert_eq!(
        me["evidence"]["matched_person"],
        "SMITH, JOHN (DOB 1980-01-02)"
    );
    assert!(
        summary.contains("MySQL JSON audit: 7 statements")
            && summary.contains("1 as long as mysql.query_log_limit"),
        "{summary}"
    );
    // Forced, under a name that says nothing: the same alerts.
    let renamed = d.join("export.txt");
    std::fs::copy(fixture("percona/audit.log"), &renamed).unwrap();
    let (forced, _) = audit(d, &["--format", "percona"], &renamed, "forced");
    assert_eq!(alert_keys(&forced), alert_keys(&alerts));
}

#[test]
fn mysql_enterprise_json_is_recognised_and_gives_exactly_its_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (alerts, summary) = audit(d, &[], &fixture("enterprise/audit.json"), "auto");
    assert_eq!(
        facts(&alerts),
        expected(
            "mysql:20261123T184002Z:1",
            "mysql:20261123T184008Z:1",
            "mysql:20261123T184013Z:2"
        ),
        "{alerts:#?}"
    );
    assert!(
        summary.contains("MySQL JSON audit: 7 statements (5 table records folded in)"),
        "{summary}"
    );
    let renamed = d.join("audit-export.txt");
    std::fs::copy(fixture("enterprise/audit.json"), &renamed).unwrap();
    let (forced, _) = audit(d, &["--format", "mysql-enterprise"], &renamed, "forced");
    assert_eq!(alert_keys(&forced), alert_keys(&alerts));
}

#[test]
fn a_directory_of_rotated_logs_is_read_by_content_and_other_files_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // Percona rotates audit.log to audit.log.1 …; MySQL to audit.TIMESTAMP.json.
    std::fs::copy(fixture("percona/audit.log"), logs.join("audit.log.1")).unwrap();
    std::fs::copy(
        fixture("enterprise/audit.json"),
        logs.join("audit.20261123T184016.json"),
    )
    .unwrap();
    std::fs::write(logs.join("notes.log"), "not an audit log\n").unwrap();
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
    let prefixes: Vec<&str> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().split(':').next().unwrap())
        .collect();
    assert_eq!(prefixes.iter().filter(|p| **p == "percona").count(), 13);
    assert_eq!(prefixes.iter().filter(|p| **p == "mysql").count(), 13);
    assert!(
        stderr.contains("skipped") && stderr.contains("notes.log"),
        "{stderr}"
    );
    let cut: Vec<&Value> = events
        .iter()
        .filter(|e| e["query_truncated"] == true)
        .collect();
    assert_eq!(cut.len(), 2);
    assert!(cut.iter().all(|e| e.get("subject_last_name").is_none()));
}

#[test]
fn watch_follows_percona_lines_and_refuses_enterprise_records() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (batch, _) = audit(d, &[], &fixture("percona/audit.log"), "batch");
    for format in ["percona", "auto"] {
        let out = d.join(format!("watch-{format}.jsonl"));
        custodes()
            .args(["watch", "--once", "--format", format, "--refs"])
            .arg(fixture("refs"))
            .arg("--config")
            .arg(fixture("custodes.toml"))
            .arg("--db")
            .arg(d.join(format!("{format}.db")))
            .arg("--out")
            .arg(&out)
            .arg(fixture("percona/audit.log"))
            .assert()
            .success();
        assert_eq!(
            alert_keys(&read_jsonl(&out)),
            alert_keys(&batch),
            "--format {format}"
        );
    }
    let run = custodes()
        .args(["watch", "--once", "--format", "mysql-enterprise", "--refs"])
        .arg(fixture("refs"))
        .arg("--db")
        .arg(d.join("enterprise.db"))
        .arg(fixture("enterprise/audit.json"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        err.contains("custodes audit --format mysql-enterprise"),
        "{err}"
    );
    // Under auto, each of its lines is rejected saying why, not as a bad contract event.
    let db = d.join("enterprise-auto.db");
    custodes()
        .args(["watch", "--once", "--refs"])
        .arg(fixture("refs"))
        .arg("--db")
        .arg(&db)
        .arg(fixture("enterprise/audit.json"))
        .assert()
        .success();
    let errors: Vec<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT error FROM rejects")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!errors.is_empty());
    assert!(
        errors.iter().all(|e| e.contains("watch cannot follow it")),
        "{errors:?}"
    );
}

#[test]
fn bad_mysql_settings_are_exit_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (text, key) in [
        (
            "[mysql.subject_columns]\n\"persons\" = \"last_name\"\n",
            "mysql.subject_columns",
        ),
        ("[mysql]\ntimezone = \"UTC\"\n", "timezone"),
    ] {
        let cfg = d.join("bad.toml");
        std::fs::write(&cfg, text).unwrap();
        let run = custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(fixture("refs"))
            .arg("--config")
            .arg(&cfg)
            .arg(fixture("percona/audit.log"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
        assert!(
            err.contains("bad.toml") && err.contains(key),
            "{text}: {err}"
        );
    }
}
