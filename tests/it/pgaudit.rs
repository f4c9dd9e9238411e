//! PostgreSQL + pgAudit logs through the real binary, on the committed sample logs (written
//! by PostgreSQL 15 + pgAudit 1.7 in its three destinations from one workload, invented
//! people only): `audit` with and without `--format`, `convert`, `watch`, bad lines and
//! bad settings. The same workload's facts per event are checked by the reader's unit
//! tests; the live server is driven by `pgaudit_e2e`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

fn pg(name: &str) -> PathBuf {
    fixtures().join("pgaudit").join(name)
}

/// The configuration of the sample database: `persons` names people, `rms.case_id` is
/// set by its clients.
const CONFIG: &str = r#"
[pgaudit]
case_settings = ["rms.case_id"]

[pgaudit.subject_columns]
"persons.person_id" = "person_id"
"persons.last_name" = "last_name"
"persons.first_name" = "first_name"
"persons.dob" = "dob"
"persons.address" = "address"
"persons.plate" = "plate"
"#;

fn config(dir: &Path) -> PathBuf {
    let p = dir.join("custodes.toml");
    std::fs::write(&p, CONFIG).unwrap();
    p
}

fn audit(dir: &Path, extra: &[&str], input: &Path, tag: &str) -> Vec<Value> {
    let out = dir.join(format!("alerts-{tag}.jsonl"));
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(pg("refs"))
        .arg("--config")
        .arg(config(dir))
        .args(extra)
        .arg("--out")
        .arg(&out)
        .arg(input)
        .assert()
        .success();
    read_jsonl(&out)
}

#[test]
fn every_destination_and_the_converted_events_give_the_same_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = audit(d, &[], &pg("postgresql.json"), "json");
    let want = alert_keys(&json);
    // Recognised by content, and forced.
    assert_eq!(
        alert_keys(&audit(d, &[], &pg("postgresql.csv"), "csv")),
        want
    );
    assert_eq!(
        alert_keys(&audit(d, &[], &pg("postgresql.log"), "log")),
        want
    );
    assert_eq!(
        alert_keys(&audit(
            d,
            &["--format", "pgaudit"],
            &pg("postgresql.json"),
            "forced"
        )),
        want
    );
    // convert, then audit the contract events: the converter alone is enough.
    let events = d.join("events.jsonl");
    custodes()
        .args(["convert", "--quiet", "--config"])
        .arg(config(d))
        .arg("--out")
        .arg(&events)
        .arg(pg("postgresql.json"))
        .assert()
        .success();
    assert_eq!(
        alert_keys(&audit(d, &["--format", "contract"], &events, "converted")),
        want
    );

    let got: Vec<(&str, &str, &str, usize)> = want
        .iter()
        .map(|(d, k, u, ids)| (d.as_str(), k.as_str(), u.as_str(), ids.len()))
        .collect();
    assert_eq!(
        got,
        vec![
            // officer_c updates person 3, O'BRIEN SEAN, their ex-partner (the earlier join
            // by surname and an address pattern alone is not enough to name him): a write,
            // so `record_change` (issue 16), and the lookup of the ex-partner it also is.
            ("association_lookup", "ex_partner", "officer_c", 1),
            ("association_lookup", "record_change", "officer_c", 1),
            // officer_b looks up person 1, who is officer_a, in the same unit: pgbench's
            // bound `$1` twice (extended and prepared) and psql's two-statement message.
            ("coworker_lookup", "same_unit", "officer_b", 3),
            // Patterns with no case (issue 16): officer_a's `plate LIKE 'ABC%'` and
            // officer_c's address pattern `LIKE '%"The Lodge"%'`, in a unit that never
            // searches so.
            ("fishing", "wildcard_sweep", "officer_a", 1),
            ("fishing", "wildcard_sweep", "officer_c", 1),
            // Lookups with no case at all, one alert per user and day.
            ("no_case", "missing", "officer_a", 6),
            ("no_case", "missing", "officer_b", 13),
            ("no_case", "missing", "officer_c", 4),
            // The Rust client's `case_id='C-2024-001'` comment names a case about JONES,
            // not SMITH (twice). The leading `/* case_id='C-2024-002' */` is a search by
            // surname alone of a person that case lists: case work, no alert.
            ("no_case", "subject_not_in_case", "officer_a", 2),
            // officer_a is SMITH JOHN born 1980-01-02 and looks that up: psql's literals,
            // then the Rust client's bound parameters (twice).
            ("self_query", "name_dob", "officer_a", 3),
        ]
    );
    // The self-lookup's evidence points at the very statement.
    let self_alert = json
        .iter()
        .find(|a| a["detector"] == "self_query" && a["user"] == "officer_a")
        .unwrap();
    let ids: Vec<&str> = self_alert["event_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(ids.contains(&"pg:6b0486d8.151b:1:1"), "{ids:?}");
}

#[test]
fn convert_writes_private_contract_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let events = d.join("events.jsonl");
    let run = custodes()
        .args(["convert", "--config"])
        .arg(config(d))
        .arg("--out")
        .arg(&events)
        .arg(pg("postgresql.csv"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(err.contains("74 audit lines"), "{err}");
    let got = read_jsonl(&events);
    let copy = got
        .iter()
        .find(|e| e["action"] == "export")
        .expect("the COPY is an export");
    assert_eq!(copy["subject_last_name"], "SMITH");
    assert_eq!(copy["result_count"], 2);
    assert_eq!(copy["system"], "records");
    assert_eq!(copy["user"], "officer_b");
    let commented = got.iter().find(|e| e["subject_plate"] == "XYZ789").unwrap();
    assert_eq!(commented["case_id"], "C-2024-001");
    assert_eq!(commented["purpose"], "traffic stop");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&events).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn bad_pgaudit_lines_are_rejected_with_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = std::fs::read_to_string(pg("postgresql.json")).unwrap();
    let first_audit = good
        .lines()
        .find(|l| l.contains("AUDIT: OBJECT,1,1,READ,SELECT"))
        .unwrap();
    let log = d.join("broken.json");
    let mut f = std::fs::File::create(&log).unwrap();
    writeln!(f, "{first_audit}").unwrap();
    // 2: the payload's statement id is not a number.
    writeln!(f, "{}", first_audit.replace("OBJECT,1,1", "OBJECT,x,1")).unwrap();
    // 3: a zone abbreviation that means three different zones.
    writeln!(f, "{}", first_audit.replace(" UTC\"", " CST\"")).unwrap();
    // 4: not JSON at all (a line cut by a crash).
    writeln!(f, "{}", &first_audit[..40]).unwrap();
    drop(f);
    let out = d.join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--format", "pgaudit", "--refs"])
        .arg(pg("refs"))
        .arg("--config")
        .arg(config(d))
        .arg("--out")
        .arg(&out)
        .arg(&log)
        .assert()
        .success();
    let rejects = read_jsonl(&d.join("alerts.rejects.jsonl"));
    let got: Vec<(u64, String)> = rejects
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "message".to_string()),
            (3, "timestamp".to_string()),
            (4, "-".to_string())
        ]
    );
    assert!(rejects[1]["error"]
        .as_str()
        .unwrap()
        .contains("log_timezone"));
}

#[test]
fn bad_pgaudit_settings_are_exit_2_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (text, key) in [
        (
            "[pgaudit.subject_columns]\n\"persons\" = \"last_name\"\n",
            "pgaudit.subject_columns",
        ),
        (
            "[pgaudit.subject_columns]\n\"persons.x\" = \"surname\"\n",
            "pgaudit.subject_columns",
        ),
        (
            "[pgaudit]\nlog_line_prefix = \"%m [%p] \"\n",
            "pgaudit.log_line_prefix",
        ),
        (
            "[pgaudit]\napplication_name_pattern = \"case=(\"\n",
            "pgaudit.application_name_pattern",
        ),
        ("[pgaudit]\nclient = \"workstation\"\n", "client"),
    ] {
        let cfg = d.join("bad.toml");
        std::fs::write(&cfg, text).unwrap();
        let run = custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(pg("refs"))
            .arg("--config")
            .arg(&cfg)
            .arg(pg("postgresql.json"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
        assert!(
            err.contains("bad.toml") && err.contains(key),
            "{text}: {err}"
        );
    }
}

#[test]
fn watch_follows_a_jsonlog_file_with_the_audits_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let want = alert_keys(&audit(d, &[], &pg("postgresql.json"), "batch"));
    for format in ["pgaudit", "auto"] {
        let out = d.join(format!("watch-{format}.jsonl"));
        custodes()
            .args(["watch", "--once", "--format", format, "--refs"])
            .arg(pg("refs"))
            .arg("--config")
            .arg(config(d))
            .arg("--db")
            .arg(d.join(format!("{format}.db")))
            .arg("--out")
            .arg(&out)
            .arg(pg("postgresql.json"))
            .assert()
            .success();
        assert_eq!(alert_keys(&read_jsonl(&out)), want, "--format {format}");
    }
}

/// (detector, kind, user, events, severity, score, window start) of every alert, sorted.
fn alert_facts(alerts: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = alerts
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {} {} {:.6} {}",
                a["detector"].as_str().unwrap(),
                a["kind"].as_str().unwrap(),
                a["user"].as_str().unwrap(),
                a["event_ids"].as_array().unwrap().len(),
                a["severity"].as_str().unwrap(),
                a["score"].as_f64().unwrap(),
                a["window_start"].as_str().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A whole generated world, every kind of misuse in it, written as PostgreSQL + pgAudit
/// would log it (`gen --pgaudit`: bound parameters, sqlcommenter cases, OBJECT and SESSION
/// lines, connection lines): the pgAudit path must hand the detectors the same facts as
/// the contract events, so the alerts are the same but for the event ids.
#[test]
fn a_generated_world_logged_by_pgaudit_gives_the_contract_events_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    custodes()
        .args([
            "gen",
            "--profile",
            "classic",
            "--seed",
            "3",
            "--users",
            "30",
            "--days",
            "8",
            "--pgaudit",
            "--out",
        ])
        .arg(w)
        .assert()
        .success();
    let run = |config: Option<PathBuf>, input: PathBuf, out: &str| {
        let out = w.join(out);
        let mut cmd = custodes();
        cmd.args(["audit", "--quiet", "--refs"]).arg(w.join("refs"));
        if let Some(c) = config {
            cmd.arg("--config").arg(c);
        }
        cmd.arg("--out").arg(&out).arg(input).assert().success();
        read_jsonl(&out)
    };
    let contract = run(None, w.join("events.jsonl"), "contract.jsonl");
    let pg = run(
        Some(w.join("pgaudit/custodes.toml")),
        w.join("pgaudit/postgresql.json"),
        "pgaudit.jsonl",
    );
    assert!(
        contract.len() > 20,
        "the world raises alerts: {}",
        contract.len()
    );
    assert_eq!(alert_facts(&pg), alert_facts(&contract));
    assert!(pg
        .iter()
        .all(|a| a["event_ids"][0].as_str().unwrap().starts_with("pg:")));
}

/// A directory of mixed logs: PostgreSQL logs are recognised by their first line, contract
/// events by their extension, a stranger's `.log` is skipped and named (not rejected line
/// by line), and of one server's log in several destinations only the jsonlog is read.
#[test]
fn a_directory_mixing_postgresql_logs_contract_events_and_other_logs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let logs = d.join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::copy(pg("postgresql.json"), logs.join("a.json")).unwrap();
    std::fs::copy(pg("postgresql.csv"), logs.join("a.csv")).unwrap();
    std::fs::copy(pg("postgresql.log"), logs.join("b.log")).unwrap();
    std::fs::write(
        logs.join("cron.log"),
        "Nov 23 18:00:01 host CRON[1]: job ran\n",
    )
    .unwrap();
    // A contract event: officer_a looks themselves up by person id.
    std::fs::write(
        logs.join("c.jsonl"),
        "{\"id\":\"x1\",\"ts\":\"2026-11-23T19:00:00Z\",\"user\":\"officer_a\",\"subject_person_id\":\"1\"}\n",
    )
    .unwrap();
    let out = d.join("alerts.jsonl");
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(pg("refs"))
        .arg("--config")
        .arg(config(d))
        .arg("--out")
        .arg(&out)
        .arg(&logs)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(err.contains("cron.log (unknown format)"), "{err}");
    assert!(
        err.contains("a.csv (the same server's log as") && err.contains("a.json, in another"),
        "{err}"
    );
    assert!(err.contains("0 rejected"), "{err}");
    assert!(err.contains("148 audit lines"), "both logs are read: {err}");
    let alerts = read_jsonl(&out);
    let self_ids: Vec<&str> = alerts
        .iter()
        .filter(|a| a["detector"] == "self_query" && a["kind"] == "person_id")
        .flat_map(|a| a["event_ids"].as_array().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(self_ids, vec!["x1"]);
}
