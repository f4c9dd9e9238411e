//! Altered records (issue 16, part 3): a write (insert, update, delete) to the record of
//! the user themself, a coworker, an association or a watch-list person is the identity
//! detector's kind `record_change`, critical, with the statement and the rows affected as
//! evidence, and also the lookup it is, of the kind that says how the person was matched
//! (the contract's kinds: `person_id`, `same_unit`, `spouse`, `journalist`); a write under
//! an assigned case that lists the person raises nothing. One fixture per case in
//! tests/fixtures/record_change, and pgAudit's real UPDATE.

use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

fn audit(events: &str) -> Vec<Value> {
    let dir = fixtures().join("record_change");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(dir.join("refs"))
        .arg("--out")
        .arg(&out)
        .arg(dir.join(events))
        .assert()
        .success();
    read_jsonl(&out)
}

fn keys(alerts: &[Value]) -> Vec<(String, String, String, Vec<String>)> {
    alert_keys(alerts)
}

fn k(d: &str, kind: &str, u: &str, ids: &[&str]) -> (String, String, String, Vec<String>) {
    (
        d.into(),
        kind.into(),
        u.into(),
        ids.iter().map(|s| s.to_string()).collect(),
    )
}

fn the_change<'a>(alerts: &'a [Value], detector: &str) -> &'a Value {
    let a = alerts
        .iter()
        .find(|a| a["detector"] == detector && a["kind"] == "record_change")
        .unwrap_or_else(|| panic!("no {detector}/record_change in {alerts:#?}"));
    assert_eq!(a["severity"], "critical");
    assert!(a["reason"].as_str().unwrap_or("").starts_with("Altered ("));
    a
}

#[test]
fn record_change_own_record_is_critical_and_a_lookup_too() {
    let alerts = audit("own_record.jsonl");
    let mut want = vec![
        k("no_case", "missing", "kclerk", &["w01", "w02"]),
        k("self_query", "person_id", "kclerk", &["w01", "w02"]),
        k("self_query", "record_change", "kclerk", &["w02"]),
    ];
    want.sort();
    assert_eq!(keys(&alerts), want);
    let a = the_change(&alerts, "self_query");
    assert_eq!(
        a["evidence"]["statement"],
        "UPDATE persons SET warrant_flag = false WHERE person_id = 'P-E10'"
    );
    assert_eq!(a["evidence"]["rows_affected"], 1);
    assert_eq!(a["evidence"]["lookup_kind"], "person_id");
    assert_eq!(a["evidence"]["action"], "UPDATE");
}

#[test]
fn record_change_coworker() {
    let alerts = audit("coworker.jsonl");
    let mut want = vec![
        k("no_case", "missing", "mbossk", &["w10"]),
        k("coworker_lookup", "same_unit", "mbossk", &["w10"]),
        k("coworker_lookup", "record_change", "mbossk", &["w10"]),
    ];
    want.sort();
    assert_eq!(keys(&alerts), want);
    // The lookup alert of the write says it was one and points to the change.
    let lookup = alerts
        .iter()
        .find(|a| a["kind"] == "same_unit")
        .expect("the lookup");
    assert_eq!(lookup["evidence"]["also_raised_as"], "record_change");
    assert!(
        lookup["reason"]
            .as_str()
            .unwrap_or("")
            .contains("in a write ("),
        "{lookup}"
    );
    let a = the_change(&alerts, "coworker_lookup");
    assert_eq!(a["evidence"]["rows_affected"], 3);
    assert_eq!(a["evidence"]["lookup_kind"], "same_unit");
}

#[test]
fn record_change_association() {
    let alerts = audit("association.jsonl");
    let mut want = vec![
        k("no_case", "missing", "kclerk", &["w20"]),
        k("association_lookup", "spouse", "kclerk", &["w20"]),
        k("association_lookup", "record_change", "kclerk", &["w20"]),
    ];
    want.sort();
    assert_eq!(keys(&alerts), want);
    let a = the_change(&alerts, "association_lookup");
    assert_eq!(a["evidence"]["lookup_kind"], "spouse");
    assert!(a["evidence"]["statement"]
        .as_str()
        .unwrap_or("")
        .starts_with("INSERT INTO vehicle_notes"));
}

#[test]
fn record_change_watchlist() {
    let alerts = audit("watchlist.jsonl");
    let mut want = vec![
        k("no_case", "missing", "mbossk", &["w30"]),
        k("watchlist_lookup", "journalist", "mbossk", &["w30"]),
        k("watchlist_lookup", "record_change", "mbossk", &["w30"]),
    ];
    want.sort();
    assert_eq!(keys(&alerts), want);
    assert_eq!(
        the_change(&alerts, "watchlist_lookup")["evidence"]["lookup_kind"],
        "journalist"
    );
}

#[test]
fn record_change_under_a_case_that_lists_the_person_raises_nothing() {
    assert_eq!(keys(&audit("under_case.jsonl")), vec![]);
}

#[test]
fn record_change_from_pgaudit_carries_the_statement() {
    let dir = fixtures().join("pgaudit");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--config"])
        .arg(dir.join("custodes.toml"))
        .arg("--refs")
        .arg(dir.join("refs"))
        .arg("--out")
        .arg(&out)
        .arg(dir.join("postgresql.json"))
        .assert()
        .success();
    let alerts = read_jsonl(&out);
    let a = the_change(&alerts, "association_lookup");
    assert_eq!(a["user"], "officer_c");
    assert_eq!(a["evidence"]["lookup_kind"], "ex_partner");
    assert!(a["evidence"]["statement"]
        .as_str()
        .unwrap_or("")
        .starts_with("UPDATE persons SET address"));
    assert_eq!(a["evidence"]["rows_affected"], 1);
}
