//! Who was looked up and under which case, on the hand-made tricky world
//! (tests/fixtures/identity_and_cases): nicknames, typos, a common name
//! shared by two employees, a namesake citizen, a cover case, an expired association,
//! closed/unknown/unassigned cases, exempt purposes, an internal-affairs lookup under an
//! assigned case, accents, phone and address spellings, offsets and out-of-order lines.

use serde_json::Value;

use crate::support::{alert_keys, audit_fixture, custodes, fixtures, read_jsonl};

fn run_tricky() -> Vec<Value> {
    audit_fixture("identity_and_cases", None)
}

fn key(d: &str, k: &str, u: &str, ids: &[&str]) -> (String, String, String, Vec<String>) {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    (d.into(), k.into(), u.into(), ids)
}

#[test]
fn tricky_world_gives_exactly_the_expected_alerts() {
    let alerts = run_tricky();
    let mut expected = vec![
        key("self_query", "name_dob", "avarga", &["t02", "t20"]),
        key("self_query", "name_dob", "avarga", &["t23"]),
        key("self_query", "plate", "avarga2", &["t03"]),
        key("self_query", "address", "avarga", &["t16"]),
        key("self_query", "name_only", "esmith", &["t08"]),
        key("self_query", "name_dob", "gtorv", &["t19"]),
        key("self_query", "person_id", "cholm", &["t24"]),
        key("self_query", "phone", "gtorv", &["t25"]),
        key("association_lookup", "ex_partner", "avarga", &["t04"]),
        key("association_lookup", "protected_party", "bnovak", &["t15"]),
        key("association_lookup", "family", "bnovak", &["t18"]),
        key("coworker_lookup", "supervisor", "bnovak", &["t06"]),
        key("coworker_lookup", "other_unit", "esmith", &["t08"]),
        key("coworker_lookup", "same_unit", "cholm", &["t17"]),
        key("coworker_lookup", "other_unit", "dkade", &["t21"]),
        key("watchlist_lookup", "celebrity", "bnovak", &["t14"]),
        key("no_case", "missing", "avarga", &["t02", "t05", "t20"]),
        key("no_case", "missing", "avarga", &["t23"]),
        key("no_case", "missing", "bnovak", &["t06", "t14", "t15"]),
        key("no_case", "subject_not_in_case", "avarga", &["t04"]),
        key("no_case", "not_assigned", "bnovak", &["t10"]),
        key("no_case", "closed_case", "avarga", &["t11"]),
        key("no_case", "unknown_case", "avarga", &["t12"]),
        key("no_case", "subject_not_in_case", "bnovak", &["t18"]),
        key("no_case", "subject_not_in_case", "dkade", &["t21"]),
    ];
    expected.sort();
    assert_eq!(alert_keys(&alerts), expected);
}

fn find<'a>(alerts: &'a [Value], detector: &str, kind: &str, user: &str) -> &'a Value {
    alerts
        .iter()
        .find(|a| a["detector"] == detector && a["kind"] == kind && a["user"] == user)
        .unwrap_or_else(|| panic!("no {detector}/{kind} alert for {user}"))
}

#[test]
fn reasons_are_plain_sentences_with_the_case_context() {
    let alerts = run_tricky();
    let a = find(&alerts, "association_lookup", "ex_partner", "avarga");
    assert_eq!(
        a["reason"],
        "Looked up HALVORSEN, MAREN (DOB 1984-07-19), who is listed as the user's ex-partner, by name and date of birth; under case C-1, which does not list this person."
    );
    assert_eq!(a["evidence"]["match"]["name_agreement"], "typo");
    assert_eq!(a["evidence"]["client"], "WS-N1");
    assert_eq!(
        a["evidence"]["source_fields"]["terminal_room"], "B2",
        "unknown fields are kept as evidence"
    );
    assert_eq!(a["employee_id"], "E1");
    let s = find(&alerts, "self_query", "name_dob", "avarga");
    assert!(
        s["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no case attached"),
        "{}",
        s["reason"]
    );
}

#[test]
fn cover_case_and_missing_case_raise_severity() {
    let alerts = run_tricky();
    let protected = find(&alerts, "association_lookup", "protected_party", "bnovak");
    assert_eq!(protected["severity"], "critical");
    let family = find(&alerts, "association_lookup", "family", "bnovak");
    assert_eq!(
        family["severity"], "critical",
        "family lookup under a cover case"
    );
}

#[test]
fn name_only_match_on_a_shared_name_scores_below_a_unique_name() {
    let alerts = run_tricky();
    let shared = find(&alerts, "self_query", "name_only", "esmith");
    assert_eq!(shared["evidence"]["match"]["people_sharing_name"], 2);
    assert_eq!(shared["severity"], "low");
    let unique = find(&alerts, "watchlist_lookup", "celebrity", "bnovak");
    assert_eq!(unique["evidence"]["match"]["people_sharing_name"], 1);
    let score = |a: &Value| a["score"].as_f64().unwrap_or(f64::NAN);
    assert!(
        score(shared) < score(unique) / 1.5,
        "{} vs {}",
        score(shared),
        score(unique)
    );
}

#[test]
fn alert_ids_are_stable_across_runs_and_input_order() {
    let first = run_tricky();
    let again = run_tricky();
    let ids = |v: &[Value]| {
        let mut ids: Vec<String> = v
            .iter()
            .map(|a| a["alert_id"].as_str().unwrap_or_default().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&first), ids(&again));
    // Reversing the file must not change anything: events are sorted before detection.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = std::fs::read_to_string(fixtures().join("identity_and_cases/events.jsonl"))
        .expect("fixture");
    let reversed: Vec<&str> = src.lines().rev().collect();
    let rev_path = dir.path().join("reversed.jsonl");
    std::fs::write(&rev_path, reversed.join("\n")).expect("write");
    let out = dir.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(fixtures().join("identity_and_cases/refs"))
        .arg("--out")
        .arg(&out)
        .arg(&rev_path)
        .assert()
        .success();
    assert_eq!(ids(&read_jsonl(&out)), ids(&first));
}

#[test]
fn summary_reports_explained_fraction_and_riskiest_users() {
    let t = fixtures().join("identity_and_cases");
    let assert = custodes()
        .args(["audit", "--refs"])
        .arg(t.join("refs"))
        .arg(t.join("events.jsonl"))
        .assert()
        .success();
    let out = assert.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 24 lookups (25 events, one login); explained: t07 and t09.
    assert!(stderr.contains("24 of 25 events"), "{stderr}");
    assert!(
        stderr.contains("explained by an assigned case 8.3% (2)"),
        "{stderr}"
    );
    assert!(stderr.contains("riskiest users"), "{stderr}");
    // Alerts went to standard output as JSON lines.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 25);
}

#[test]
fn without_optional_tables_detectors_switch_off_and_say_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    std::fs::create_dir(&refs).expect("mkdir");
    std::fs::copy(
        fixtures().join("identity_and_cases/refs/personnel.csv"),
        refs.join("personnel.csv"),
    )
    .expect("copy");
    let out = dir.path().join("alerts.jsonl");
    let assert = custodes()
        .args(["audit", "--refs"])
        .arg(&refs)
        .arg("--out")
        .arg(&out)
        .arg(fixtures().join("identity_and_cases/events.jsonl"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(
        stderr.matches("association_lookup is off").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("watchlist_lookup is off"), "{stderr}");
    let alerts = read_jsonl(&out);
    assert!(alerts
        .iter()
        .all(|a| a["detector"] != "association_lookup" && a["detector"] != "watchlist_lookup"));
    // Without cases, the IA lookup of a coworker is no longer explained.
    assert!(alerts.iter().any(|a| a["detector"] == "coworker_lookup"
        && a["user"] == "dkade"
        && a["event_ids"]
            .as_array()
            .is_some_and(|v| v.iter().any(|x| x == "t07"))));
}

#[test]
fn exempt_purposes_come_from_the_config_file() {
    let alerts = audit_fixture(
        "identity_and_cases",
        Some(
            "[no_case]
exempt_purposes = []
",
        ),
    );
    // t22 (a traffic stop on a stranger's plate) now lacks a case.
    assert!(alerts.iter().any(|a| a["detector"] == "no_case"
        && a["event_ids"]
            .as_array()
            .is_some_and(|v| v.iter().any(|x| x == "t22"))));
}

#[test]
fn logins_missing_from_personnel_are_reported() {
    let line =
        r#"{"id":"g1","ts":"2024-05-14T08:00:00Z","user":"ghost","subject_person_id":"P-E3"}"#;
    let out = custodes()
        .args(["audit", "--refs"])
        .arg(fixtures().join("identity_and_cases/refs"))
        .arg("-")
        .write_stdin(format!("{line}\n"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("1 events from 1 login(s) not in personnel: ghost"),
        "{stderr}"
    );
    // Without a personnel row there is no employee to compare with: only no_case fires.
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let alerts: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(
        alert_keys(&alerts),
        vec![key("no_case", "missing", "ghost", &["g1"])]
    );
}
