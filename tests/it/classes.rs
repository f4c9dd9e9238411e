//! One fixture per class of real data that a pilot on an agency's own logs showed the
//! detectors getting wrong (tests/fixtures/classes/NAME, or built here when the class is
//! about size). Each test is named after its class and asserts the exact alerts.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::support::{alert_keys, audit_fixture, custodes, read_jsonl};

type Key = (String, String, String, Vec<String>);

fn key(d: &str, k: &str, u: &str, ids: &[&str]) -> Key {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    (d.into(), k.into(), u.into(), ids)
}

fn assert_alerts(alerts: &[Value], mut expected: Vec<Key>) {
    expected.sort();
    assert_eq!(alert_keys(alerts), expected);
}

/// Officers type addresses as they say them; the records system writes the city and the
/// unit its own way. Premise lookups under the incident that lists the resident are
/// explained; a self-lookup and a neighbour lookup by address are found however typed; an
/// address that differs in a part both sides give (another apartment) is someone else.
#[test]
fn address_typed_not_copied() {
    let alerts = audit_fixture("classes/address_typed_not_copied", None);
    assert_alerts(
        &alerts,
        vec![
            key("self_query", "address", "dsp1", &["a07"]),
            key("association_lookup", "neighbor", "dsp1", &["a08"]),
            key("coworker_lookup", "other_unit", "dsp1", &["a10"]),
            key("no_case", "missing", "dsp1", &["a07", "a08"]),
            key("no_case", "subject_not_in_case", "dsp1", &["a09"]),
            key("no_case", "subject_not_in_case", "dsp1", &["a10"]),
        ],
    );
    let own = alerts
        .iter()
        .find(|a| a["detector"] == "self_query")
        .expect("self_query alert");
    assert_eq!(own["evidence"]["searched"]["address"], "12 Birch Street #3");
    assert_eq!(own["evidence"]["match"]["fields"][0], "address");
}

/// A case id that does not exist, a closed case or someone else's case is suspect whoever
/// was looked up — a plate or a name in no reference table included — and an exempt
/// purpose does not make a non-existent case acceptable (with no case at all it does).
#[test]
fn bad_case_whoever_was_looked_up() {
    let alerts = audit_fixture(
        "classes/bad_case_whoever_was_looked_up",
        Some("[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "unknown_case", "ptl1", &["b01"]),
            key("no_case", "not_assigned", "ptl1", &["b02"]),
            key("no_case", "unknown_case", "ptl1", &["b03"]),
            key("no_case", "closed_case", "ptl1", &["b05"]),
        ],
    );
}

/// `WALMORE` alone, or with an initial, is how a detective searches the person the case
/// typed with it lists; a given name or a date of birth that contradicts the listed person, and that
/// another case knows, is someone else under that case. A plate or a person id that no
/// table knows cannot be shown to be someone the case leaves out.
#[test]
fn surname_only_search() {
    let alerts = audit_fixture("classes/surname_only_search", None);
    assert_alerts(
        &alerts,
        vec![
            key(
                "no_case",
                "subject_not_in_case",
                "det1",
                &["s05", "s06", "s07"],
            ),
            // Without a case typed, a surname explains nothing.
            key("no_case", "missing", "det1", &["s03"]),
        ],
    );
}

/// `c-2024-001234`, `C2024001234`, `2024-001234` and ` C 2024 001234 ` are one case; a blank
/// and `N/A` are both no case. Alerts group by the case as compared, and keep what was
/// typed as evidence.
#[test]
fn typed_case_id_forms() {
    let alerts = audit_fixture("classes/typed_case_id_forms", None);
    assert_alerts(
        &alerts,
        vec![
            key(
                "no_case",
                "subject_not_in_case",
                "ptl1",
                &["k10", "k11", "k12", "k13"],
            ),
            key("no_case", "missing", "ptl1", &["k20", "k21", "k22"]),
        ],
    );
    let cover = alerts
        .iter()
        .find(|a| a["kind"] == "subject_not_in_case")
        .expect("cover-case alert");
    assert_eq!(cover["evidence"]["case"]["case_id"], "C-2024-001234");
    assert_eq!(cover["evidence"]["case_id"], "c-2024-001234");
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const PERSONNEL_HEADER: &str =
    "user,employee_id,person_id,last_name,first_name,dob,address,phone,plate,unit,supervisor,site,status,end_date\n";

/// A patrol officer with 3,000 incident cases, almost all still listed as assigned: the
/// lookup of a subject of one of them is explained, whatever case id is typed, and the
/// lookup of someone none lists is not.
#[test]
fn dense_case_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    write(
        &refs.join("personnel.csv"),
        &format!(
            "{PERSONNEL_HEADER}ptl1,E1,P-E1,Ravensworth,Odo,1979-11-20,,,,PATROL,,NORTH,active,\nptl2,E2,P-E2,Quillfeather,Ines,1985-03-02,,,,PATROL,,NORTH,active,\n"
        ),
    );
    let (mut cases, mut assigned, mut subjects) = (
        String::from("case_id,status,opened,closed,unit\n"),
        String::from("case_id,user,from,to\n"),
        String::from("case_id,person_id,last_name,first_name,dob,address,phone,plate\n"),
    );
    for i in 0..3000 {
        let _ = writeln!(cases, "INC-{i:05},open,2024-03-01,,PATROL");
        // Every tenth assignment ended; the rest are open-ended, as records systems leave them.
        let to = if i % 10 == 0 { "2024-04-01" } else { "" };
        let _ = writeln!(assigned, "INC-{i:05},ptl1,2024-03-01,{to}");
        let _ = writeln!(
            subjects,
            "INC-{i:05},P-{i},Person{i},Alex,1980-01-01,\"{} ELM ST APT 2, EASTBROOK\",,",
            1000 + i
        );
    }
    write(&refs.join("cases.csv"), &cases);
    write(&refs.join("case_assignments.csv"), &assigned);
    write(&refs.join("case_subjects.csv"), &subjects);
    let events = [
        // listed by INC-02345, typed without a case
        r#"{"id":"d1","ts":"2024-05-14T08:00:00Z","user":"ptl1","subject_person_id":"P-2345"}"#,
        // listed by INC-02346, under another case of theirs, by address as said
        r#"{"id":"d2","ts":"2024-05-14T08:01:00Z","user":"ptl1","subject_address":"3346 Elm Street #2","case_id":"INC-00007"}"#,
        // listed by INC-02340, whose assignment ended: not explained
        r#"{"id":"d3","ts":"2024-05-14T08:02:00Z","user":"ptl1","subject_person_id":"P-2340"}"#,
        // listed nowhere
        r#"{"id":"d4","ts":"2024-05-14T08:03:00Z","user":"ptl1","subject_person_id":"P-999999"}"#,
        // another officer, none of whose cases lists anyone
        r#"{"id":"d5","ts":"2024-05-14T08:04:00Z","user":"ptl2","subject_person_id":"P-2345"}"#,
    ];
    let ev_path = dir.path().join("events.jsonl");
    write(&ev_path, &(events.join("\n") + "\n"));
    let out = dir.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(&refs)
        .arg("--out")
        .arg(&out)
        .arg(&ev_path)
        .assert()
        .success();
    assert_alerts(
        &read_jsonl(&out),
        vec![
            key("no_case", "missing", "ptl1", &["d3", "d4"]),
            key("no_case", "missing", "ptl2", &["d5"]),
        ],
    );
}

/// Volume needs no long history to be obvious: 104 lookups in 9 minutes on the first day of
/// the logs is a scrape (all typed under one real case id), while a legitimately busy 10
/// minutes — 25 typed queries, each fanned out to three systems within a second (75 events)
/// — is not.
#[test]
fn volume_without_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    let mut personnel = PERSONNEL_HEADER.to_string();
    for u in 0..6 {
        let _ = writeln!(
            personnel,
            "ptl{u},E{u},P-E{u},Officer{u},Sam,1980-01-0{},,,,PATROL,,NORTH,active,",
            u + 1
        );
    }
    write(&refs.join("personnel.csv"), &personnel);
    write(
        &refs.join("cases.csv"),
        "case_id,status,opened,closed,unit\nINC-1,open,2024-05-01,,PATROL\nINC-2,open,2024-05-01,,PATROL\n",
    );
    write(
        &refs.join("case_assignments.csv"),
        "case_id,user,from,to\nINC-1,ptl0,2024-05-01,\nINC-2,ptl1,2024-05-01,\n",
    );
    let mut subjects =
        String::from("case_id,person_id,last_name,first_name,dob,address,phone,plate\n");
    for p in 0..25 {
        let _ = writeln!(subjects, "INC-2,Q-{p},,,,,,");
    }
    write(&refs.join("case_subjects.csv"), &subjects);
    let mut ev = String::new();
    // ptl0: 104 lookups between 10:00:00 and 10:08:51, all under INC-1.
    for i in 0..104 {
        let s = i * 511 / 100;
        let _ = writeln!(
            ev,
            r#"{{"id":"v{i:03}","ts":"2024-05-14T10:{:02}:{:02}Z","user":"ptl0","subject_person_id":"R-{i}","case_id":"INC-1"}}"#,
            s / 60,
            s % 60
        );
    }
    // ptl1: 25 typed queries in under 10 minutes, each sent to three systems at once.
    for q in 0..25 {
        for (n, sys) in ["RMS", "NCIC", "DMV"].iter().enumerate() {
            let s = q * 23 + n / 2;
            let _ = writeln!(
                ev,
                r#"{{"id":"f{q:02}{n}","ts":"2024-05-14T11:{:02}:{:02}Z","user":"ptl1","system":"{sys}","subject_person_id":"Q-{q}","case_id":"INC-2"}}"#,
                s / 60,
                s % 60
            );
        }
    }
    let ev_path = dir.path().join("events.jsonl");
    write(&ev_path, &ev);
    let out = dir.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(&refs)
        .arg("--out")
        .arg(&out)
        .arg(&ev_path)
        .assert()
        .success();
    let alerts = read_jsonl(&out);
    let mut got: Vec<(String, String, String)> = alerts
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (s("detector"), s("kind"), s("user"))
        })
        .collect();
    got.sort();
    got.dedup();
    assert_eq!(
        got,
        vec![("odd_volume".into(), "burst".into(), "ptl0".into())]
    );
    let burst = alerts
        .iter()
        .find(|a| a["kind"] == "burst")
        .expect("burst alert");
    assert_eq!(burst["event_ids"].as_array().map(Vec::len), Some(104));
    assert_eq!(burst["evidence"]["baseline"], "none");
    assert!(burst["evidence"]["p_value"].is_null());
}

/// An agency that did not configure its port-of-entry purpose as exempt is told which key
/// would, with the count — and nothing is exempted until it does.
#[test]
fn exemption_policy_is_per_agency() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    write(
        &refs.join("personnel.csv"),
        &format!(
            "{PERSONNEL_HEADER}poe1,E1,P-E1,Ravensworth,Odo,1979-11-20,,,,PORT,,SOUTH,active,\n"
        ),
    );
    write(
        &refs.join("cases.csv"),
        "case_id,status,opened,closed,unit\nC-1,open,2024-05-01,,PORT\n",
    );
    let mut ev = String::new();
    for i in 0..150 {
        let _ = writeln!(
            ev,
            r#"{{"id":"p{i:03}","ts":"2024-05-14T{:02}:{:02}:00Z","user":"poe1","subject_plate":"ABC {i:03}","purpose":"Border Inspection","system":"BORDER"}}"#,
            8 + i / 60,
            i % 60
        );
    }
    let ev_path = dir.path().join("events.jsonl");
    write(&ev_path, &ev);
    let out = dir.path().join("alerts.jsonl");
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(&refs)
        .arg("--out")
        .arg(&out)
        .arg(&ev_path)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains(
            "150 of the 150 lookups with no case id (100%) carry purpose BORDER_INSPECTION"
        ) && stderr.contains("`[no_case] exempt_purposes = [\"BORDER_INSPECTION\"]`"),
        "{stderr}"
    );
    assert!(stderr.contains("carry system BORDER"), "{stderr}");
    assert_eq!(read_jsonl(&out).len(), 1, "one no_case alert for the day");
    let cfg = dir.path().join("custodes.toml");
    write(
        &cfg,
        "[no_case]\nexempt_purposes = [\"BORDER_INSPECTION\"]\n",
    );
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(&refs)
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(&out)
        .arg(&ev_path)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(!stderr.contains("exempt_purposes"), "{stderr}");
    assert!(read_jsonl(&out).is_empty());
}
