//! One fixture per class of real data that a pilot on an agency's own logs showed the
//! detectors getting wrong (tests/fixtures/classes/NAME, or built here when the class is
//! about size). Each test is named after its class and asserts the exact alerts.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::support::{alert_keys, audit_fixture, custodes, fixtures, read_jsonl};

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

/// Audits a fixture once over all its events and returns the alerts with the run's summary
/// (standard error); `config` is written to a `custodes.toml` when given.
fn audit_with_summary(world: &str, config: Option<&str>) -> (Vec<Value>, String) {
    let dir = fixtures().join(world);
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("alerts.jsonl");
    let mut cmd = custodes();
    cmd.args(["audit", "--refs"]).arg(dir.join("refs"));
    if let Some(text) = config {
        let cfg = work.path().join("custodes.toml");
        write(&cfg, text);
        cmd.arg("--config").arg(cfg);
    }
    let run = cmd
        .arg("--out")
        .arg(&out)
        .arg(dir.join("events.jsonl"))
        .assert()
        .success();
    let summary = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    (read_jsonl(&out), summary)
}

/// Audits a fixture night by night: each UTC day's events alone, in order, the state carried
/// between the runs (`--state`), as a nightly cron does. The alerts of every night, and those
/// the last night's state still holds over for a later night to judge, as the alerts one run
/// over every night raises of them at its end (it saves no state).
fn audit_night_by_night(world: &str, config: Option<&str>) -> Vec<Value> {
    let dir = fixtures().join(world);
    let work = tempfile::tempdir().expect("tempdir");
    let state = work.path().join("state.json");
    let cfg = work.path().join("custodes.toml");
    if let Some(text) = config {
        write(&cfg, text);
    }
    let text = std::fs::read_to_string(dir.join("events.jsonl")).expect("events");
    let mut days: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("\"ts\":\"").nth(1).map(|t| &t[..10]))
        .collect();
    days.dedup();
    let mut nightly = Vec::new();
    for day in days {
        let events = work.path().join(format!("{day}.jsonl"));
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&format!("\"ts\":\"{day}")))
            .collect();
        write(&events, &(lines.join("\n") + "\n"));
        let out = work.path().join(format!("{day}-alerts.jsonl"));
        let mut cmd = custodes();
        cmd.args(["audit", "--quiet", "--refs"])
            .arg(dir.join("refs"));
        if config.is_some() {
            cmd.arg("--config").arg(&cfg);
        }
        cmd.arg("--state")
            .arg(&state)
            .arg("--out")
            .arg(&out)
            .arg(&events)
            .assert()
            .success();
        nightly.extend(read_jsonl(&out));
    }
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    if let Some(held) = saved["carry"]["detectors"]["held_over"].as_array() {
        nightly.extend(held.iter().map(|h| {
            serde_json::json!({
                "detector": h["detector"],
                "kind": h["kind"],
                "user": h["user"],
                "event_ids": h["alert"]["event_ids"],
            })
        }));
    }
    nightly
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

/// A slip in the first letter of a long street name (`Gawthorne` for `HAWTHORNE`) is one
/// slip like any other: the dispatcher's own address typed so is a self-lookup (c02), and
/// a slip at the end still finds the neighbour (c03). Another apartment is someone else
/// (c04), and the incident's resident typed with the same kind of slip is its work (c01).
#[test]
fn street_typed_with_a_slip_in_its_first_letter() {
    let alerts = audit_fixture("classes/street_typed_with_a_slip_in_its_first_letter", None);
    assert_alerts(
        &alerts,
        vec![
            key("self_query", "address", "dsp1", &["c02"]),
            key("association_lookup", "neighbor", "dsp1", &["c03"]),
            key("no_case", "missing", "dsp1", &["c02", "c03", "c04"]),
        ],
    );
}

/// A case id that does not exist, a closed case or someone else's case is suspect whoever
/// was looked up — a plate or a name in no reference table included, or the subject of
/// another case of the user's (b08–b10: Arno Kettleby, whom ptl1's C-100 lists) — and an
/// exempt purpose does not make a non-existent case acceptable (with no case at all it
/// does). With no case typed, the user's C-100 explains the lookup of Kettleby (b11).
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
            key("no_case", "not_assigned", "ptl1", &["b02", "b10"]),
            key("no_case", "unknown_case", "ptl1", &["b03"]),
            key("no_case", "closed_case", "ptl1", &["b05", "b09"]),
            key("no_case", "unknown_case", "ptl1", &["b08"]),
        ],
    );
}

/// `WALMORE` alone, or with an initial, is how a detective searches the person the case
/// typed with it lists; a given name or a date of birth that contradicts the listed person, and that
/// another case knows, is someone else under that case. A plate that no table knows cannot
/// be shown to be someone the case leaves out (a car at the scene); a person id no table
/// knows, under a case whose people all carry one and none a slip away, is no one it lists
/// (s09, joining the case's alert).
/// The other case's people (s05–s07) are typed over an hour after the case's own lookups:
/// amid them they would be the case's scene (`people_met_at_the_scene_of_the_users_case`).
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
                &["s05", "s06", "s07", "s09"],
            ),
            // Without a case typed, a surname explains nothing.
            key("no_case", "missing", "det1", &["s03"]),
        ],
    );
}

/// `c-2024-001234`, `C2024001234`, `2024-001234`, ` C 2024 001234 `, `c-2024-1234` and
/// `2024 1234` are one case; a blank and `N/A` are both no case. Alerts group by the case as compared, and keep what was
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
            key("no_case", "not_assigned", "ptl1", &["k14"]),
        ],
    );
    // A number typed without its padding finds its case: the other case's, here.
    let other = alerts
        .iter()
        .find(|a| a["kind"] == "not_assigned")
        .expect("not_assigned alert");
    assert_eq!(other["evidence"]["case"]["case_id"], "C-2024-000009");
    assert_eq!(other["evidence"]["case_id"], "C-2024-9");
    let cover = alerts
        .iter()
        .find(|a| a["kind"] == "subject_not_in_case")
        .expect("cover-case alert");
    assert_eq!(cover["evidence"]["case"]["case_id"], "C-2024-001234");
    assert_eq!(cover["evidence"]["case_id"], "c-2024-001234");
}

/// An incident report lists HARPER, ROBERTA born 1983-07-31 without an id; another case
/// knows her as P-77. The officer on the incident looks her up by P-77, typing the case or
/// not: that is the person the case lists. P-78, another Roberta Harper born elsewhen, is
/// not. The report also lists P-90, FERNANDEZ, CEDRIC without a birth date (another case
/// has it), found by a typo of his name with that date, and HUNT, ADAM with neither id nor
/// birth date, looked up by the id another case gives an Adam Hunt.
/// The lookup raised (h03) is typed an hour after the case's own: amid them it would be
/// the case's scene (`people_met_at_the_scene_of_the_users_case`).
#[test]
fn case_lists_the_person_without_their_id() {
    let alerts = audit_fixture("classes/case_lists_the_person_without_their_id", None);
    assert_alerts(
        &alerts,
        vec![key("no_case", "subject_not_in_case", "ptl1", &["h03"])],
    );
}

/// A records clerk works a case assigned to their main login under their second login
/// (`rec1.rms`, the same employee in personnel): it is their case, typed or not. A
/// colleague's login is not covered.
#[test]
fn case_worked_under_a_second_login() {
    let alerts = audit_fixture("classes/case_worked_under_a_second_login", None);
    assert_alerts(
        &alerts,
        vec![key("no_case", "not_assigned", "rec2", &["s04"])],
    );
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
/// minutes — 16 typed queries, each fanned out to three systems within a second (48 lookups,
/// a little above the "about 40" the pilot saw at its busiest) — is not.
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
    // ptl1: 16 typed queries in under 10 minutes, each sent to three systems at once.
    for q in 0..16 {
        for (n, sys) in ["RMS", "NCIC", "DMV"].iter().enumerate() {
            let s = q * 35 + n / 2;
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

/// A scrape typed once per person but sent to four systems at once, as a records terminal
/// does (the national index a moment later, each system's own way of writing the name, the
/// date and the case id), on the first day of the logs: 28 people in 9 minutes are 106
/// lookups, each system answering with its records. A colleague's busy ten minutes on the
/// same day, 13 people each sent to three systems (39 lookups), is work.
#[test]
fn scrape_fanned_out_to_several_systems() {
    let refs = vec![
        (
            "personnel.csv",
            format!(
                "{PERSONNEL_HEADER}rec0,E0,P-E0,Clerkson,Dana,1981-02-03,,,,RECORDS,,HQ,active,\n\
                 rec1,E1,P-E1,Filer,Rory,1979-04-05,,,,RECORDS,,HQ,active,\n"
            ),
        ),
        (
            "cases.csv",
            "case_id,status,opened,closed,unit\nC-2024-011211,open,2024-05-01,,RECORDS\nC-2024-011300,open,2024-05-01,,RECORDS\n".to_string(),
        ),
        (
            "case_assignments.csv",
            "case_id,user,from,to\nC-2024-011211,rec0,2024-05-01,\nC-2024-011300,rec1,2024-05-01,\n".to_string(),
        ),
    ];
    let hms = |t: u32| format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    let mut ev = String::new();
    let mut scrape = Vec::new();
    let case_forms = ["C-2024-011211", "c-2024-11211", "2024 011211"];
    for p in 0..28u32 {
        let at = hms(11 * 3600 + 16 * 60 + p * 19);
        let case = case_forms[p as usize % 3];
        let (last, first, day) = (format!("Surname{p}"), format!("Given{p}"), p + 1);
        let mut lines = vec![
            format!(
                r#""id":"r{p:02}a","ts":"2024-05-14T{at}Z","system":"RMS","subject_last_name":"{last}","subject_first_name":"{first}","subject_dob":"1970-01-{day:02}""#
            ),
            format!(
                r#""id":"r{p:02}b","ts":"2024-05-14T{at}.671Z","system":"NCIC","subject_name":"{}, {}","subject_dob":"1970-01-{day:02}""#,
                last.to_uppercase(),
                first.to_uppercase()
            ),
            format!(
                r#""id":"r{p:02}c","ts":"2024-05-14T{at}Z","system":"DMV","subject_last_name":"{last}","subject_first_name":"{first}","subject_dob":"01/{day:02}/1970""#
            ),
        ];
        // One query in five is not sent to the jail system.
        if p % 5 != 0 {
            lines.push(format!(r#""id":"r{p:02}d","ts":"2024-05-14T{at}Z","system":"JMS","subject_last_name":"{last}","subject_first_name":"{first}","subject_dob":"1970-01-{day:02}""#));
        }
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(ev, r#"{{{line},"user":"rec0","case_id":"{case}"}}"#);
            scrape.push(format!("r{p:02}{}", ["a", "b", "c", "d"][k]));
        }
    }
    for q in 0..13u32 {
        let at = hms(14 * 3600 + q * 45);
        for (n, sys) in ["RMS", "NCIC", "DMV"].iter().enumerate() {
            let _ = writeln!(
                ev,
                r#"{{"id":"w{q:02}{n}","ts":"2024-05-14T{at}Z","user":"rec1","system":"{sys}","subject_person_id":"W-{q}","case_id":"C-2024-011300"}}"#
            );
        }
    }
    let (_dir, alerts) = audit_built(&refs, &ev);
    scrape.sort();
    let ids: Vec<&str> = scrape.iter().map(String::as_str).collect();
    assert_eq!(ids.len(), 106);
    assert_alerts(&alerts, vec![key("odd_volume", "burst", "rec0", &ids)]);
    assert_eq!(alerts[0]["evidence"]["baseline"], "none");
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
    let alerts = read_jsonl(&out);
    let of = |d: &str| alerts.iter().filter(|a| a["detector"] == d).count();
    assert_eq!(of("no_case"), 1, "one no_case alert for the day");
    // 150 plates `ABC 000` to `ABC 149`, one a minute, with no case and no exemption are
    // also a sequence (issue 16); the exemption below covers them.
    assert_eq!((of("fishing"), alerts.len()), (1, 2), "{alerts:?}");
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

/// Writes `refs` (file name, text) and `events` into a temporary directory, audits them and
/// returns the directory (kept alive) with the alerts.
fn audit_built(refs: &[(&str, String)], events: &str) -> (tempfile::TempDir, Vec<Value>) {
    audit_built_with_config(refs, events, "")
}

/// The summary (stderr) of auditing again, without `--quiet`, what [`audit_built`] wrote.
fn summary_of(dir: &tempfile::TempDir) -> String {
    let run = custodes()
        .args(["audit", "--refs"])
        .arg(dir.path().join("refs"))
        .arg("--out")
        .arg(dir.path().join("again.jsonl"))
        .arg(dir.path().join("events.jsonl"))
        .assert()
        .success();
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

/// [`audit_built`] with a configuration file of `config` (none when empty).
fn audit_built_with_config(
    refs: &[(&str, String)],
    events: &str,
    config: &str,
) -> (tempfile::TempDir, Vec<Value>) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in refs {
        write(&dir.path().join("refs").join(name), text);
    }
    let ev_path = dir.path().join("events.jsonl");
    write(&ev_path, events);
    let out = dir.path().join("alerts.jsonl");
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"])
        .arg(dir.path().join("refs"));
    if !config.is_empty() {
        let cfg_path = dir.path().join("custodes.toml");
        write(&cfg_path, config);
        cmd.arg("--config").arg(cfg_path);
    }
    cmd.arg("--out").arg(&out).arg(&ev_path).assert().success();
    let alerts = read_jsonl(&out);
    (dir, alerts)
}

/// The (kind, user) pairs of a run's `odd_volume` alerts, sorted.
fn volume_kinds(alerts: &[Value]) -> Vec<(String, String)> {
    let mut got: Vec<(String, String)> = alerts
        .iter()
        .filter(|a| a["detector"] == "odd_volume")
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (s("kind"), s("user"))
        })
        .collect();
    got.sort();
    got
}

/// One lookup line; every lookup carries a case id so that `no_case` stays out of the way.
fn lookup(ev: &mut String, id: &str, ts: &str, user: &str, person: &str, rows: u32) {
    let _ = writeln!(
        ev,
        r#"{{"id":"{id}","ts":"{ts}","user":"{user}","subject_person_id":"{person}","case_id":"C-1","result_count":{rows}}}"#
    );
}

fn unit_refs(users: &[&str], unit: &str) -> Vec<(&'static str, String)> {
    let mut personnel = PERSONNEL_HEADER.to_string();
    for (i, u) in users.iter().enumerate() {
        let _ = writeln!(
            personnel,
            "{u},E{i},P-E{i},Member{i},Alex,1980-01-{:02},,,,{unit},,HQ,active,",
            i + 1
        );
    }
    let mut assignments = String::from("case_id,user,from,to\n");
    for u in users {
        let _ = writeln!(assignments, "C-1,{u},2024-01-01,");
    }
    vec![
        ("personnel.csv", personnel),
        (
            "cases.csv",
            format!("case_id,status,opened,closed,unit\nC-1,open,2024-01-01,,{unit}\n"),
        ),
        ("case_assignments.csv", assignments),
    ]
}

/// Three commanders' week of a handful of lookups a day, always in office hours, then the
/// first one's night of 70 lookups on the eighth day.
fn quiet_week_then_a_night(users: &[&str]) -> String {
    let mut ev = String::new();
    let mut n = 0;
    for day in 1..=7 {
        for u in users {
            for k in 0..5 {
                n += 1;
                let ts = format!("2024-05-{day:02}T{:02}:{:02}:00Z", 14 + k * 2, 7 * k);
                lookup(&mut ev, &format!("d{n:04}"), &ts, u, &format!("R-{n}"), 2);
            }
        }
    }
    for k in 0..70 {
        let ts = format!("2024-05-08T{:02}:{:02}:00Z", 8 + k / 30, (k % 30) * 2);
        let id = format!("n{k:03}");
        lookup(&mut ev, &id, &ts, users[0], &format!("S-{k}"), 2);
    }
    ev
}

/// A commander who makes a handful of lookups a day, always in office hours, spends a
/// night on 70 lookups in the second week. Their own few lookups cannot say which hours
/// are usual (under a hundred in all), but the days can: on none of the 21 days of work by
/// them and their unit was anyone at work at that hour.
#[test]
fn quiet_day_worker_at_night() {
    let users = ["cmd1", "cmd2", "cmd3"];
    let mut ev = quiet_week_then_a_night(&users);
    // cmd2's eighth day is an ordinary one.
    for k in 0..5 {
        let ts = format!("2024-05-08T{:02}:10:00Z", 14 + k * 2);
        lookup(&mut ev, &format!("o{k}"), &ts, "cmd2", &format!("T-{k}"), 2);
    }
    let (_dir, alerts) = audit_built(&unit_refs(&users, "COMMAND"), &ev);
    let kinds = volume_kinds(&alerts);
    assert!(
        kinds.contains(&("off_hours".into(), "cmd1".into())),
        "{kinds:?}"
    );
    assert!(kinds.iter().all(|(_, u)| u == "cmd1"), "{kinds:?}");
    let off = alerts
        .iter()
        .find(|a| a["kind"] == "off_hours")
        .expect("off_hours alert");
    assert_eq!(off["event_ids"].as_array().map(Vec::len), Some(70));
    assert_eq!(off["evidence"]["measure"], "share of days with any work");
    assert_eq!(off["evidence"]["baseline_days"], 21);
}

/// The same night as `quiet_day_worker_at_night`, but the commander left the day before:
/// whoever uses the login now is `shared_credential/inactive_account` on every lookup, and
/// the commander's usual hours say nothing about them, so no `off_hours` joins it (the
/// day's volume still does).
#[test]
fn terminated_login_used_at_night() {
    let users = ["cmd1", "cmd2", "cmd3"];
    let ev = quiet_week_then_a_night(&users);
    let mut refs = unit_refs(&users, "COMMAND");
    for (name, text) in refs.iter_mut() {
        if *name == "personnel.csv" {
            let left: Vec<String> = text
                .lines()
                .map(|l| match l.strip_suffix(",active,") {
                    Some(head) if l.starts_with("cmd1,") => {
                        format!("{head},terminated,2024-05-07")
                    }
                    _ => l.to_string(),
                })
                .collect();
            *text = left.join("\n") + "\n";
        }
    }
    let (_dir, alerts) = audit_built(&refs, &ev);
    // How much the login did still counts (a day of 70 against the holder's five); only
    // the hours of day are the holder's own habit.
    let volume = volume_kinds(&alerts);
    assert!(
        volume.iter().all(|(k, u)| k != "off_hours" && u == "cmd1"),
        "{volume:?}"
    );
    let inactive: Vec<&Value> = alerts
        .iter()
        .filter(|a| a["kind"] == "inactive_account")
        .collect();
    assert_eq!(inactive.len(), 1, "{alerts:#?}");
    assert_eq!(inactive[0]["user"], "cmd1");
    assert_eq!(
        inactive[0]["event_ids"].as_array().map(Vec::len),
        Some(70),
        "every lookup after the last day"
    );
}

/// Five days of an investigator's history, one of them an ordinary busy day (77 against a
/// usual 30-odd): the busy day must not make a day of 230 look ordinary.
#[test]
fn short_history_with_a_busy_day() {
    let users = ["inv1", "inv2", "inv3", "inv4"];
    let own = [32, 38, 77, 32, 28, 230];
    let ev = days_of_volume(&users, 6, |day, i| match i {
        0 => own[day - 1],
        _ => 30 + (day * 7 + i * 5) % 15,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "INVESTIGATIONS"), &ev);
    let a = only_daily_count(&alerts, "inv1");
    assert_eq!(a["evidence"]["observed"], 230);
    assert!(a["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("median is 32 over 5 active days"));
}

/// Asserts that the only volume alert is one `daily_count` of `user`, and returns it.
fn only_daily_count<'a>(alerts: &'a [Value], user: &str) -> &'a Value {
    assert_eq!(
        volume_kinds(alerts),
        vec![("daily_count".to_string(), user.to_string())],
        "{alerts:#?}"
    );
    alerts
        .iter()
        .find(|a| a["kind"] == "daily_count")
        .expect("daily_count alert")
}

/// `count(day, member)` lookups by each member of `users` on days `1..=days` (zero: not at
/// work), one every 30 s from 14:00: no burst, no odd hour, only the day's volume.
fn days_of_volume(users: &[&str], days: usize, count: impl Fn(usize, usize) -> usize) -> String {
    let mut ev = String::new();
    for day in 1..=days {
        for (i, u) in users.iter().enumerate() {
            for k in 0..count(day, i) {
                let s = k * 30 + i;
                let ts = format!(
                    "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
                    14 + s / 3600,
                    s / 60 % 60,
                    s % 60
                );
                lookup(&mut ev, &format!("{u}-{day}-{k:03}"), &ts, u, "R-1", 2);
            }
        }
    }
    ev
}

/// A traffic officer who works at 40-odd lookups a day, in a unit whose members work at
/// 60 to 200, does 280 on the eighth day: against the busiest colleagues the day is merely
/// high, against their own level it is six times their usual. A few days of their own say
/// what level they work at; the unit only has to agree that the day is out of its ordinary
/// (above every member-day it has, and the minimum ratio above its median day).
#[test]
fn quiet_member_of_a_busy_unit() {
    let users = ["trf1", "trf2", "trf3", "trf4"];
    let ev = days_of_volume(&users, 8, |day, i| match (day, i) {
        (8, 0) => 280,
        (_, 0) => 36 + (day * 7) % 15,
        (_, 1) => 60 + (day * 13) % 20,
        (_, 2) => 90 + (day * 7) % 20,
        _ => 160 + (day * 11) % 40,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "TRAFFIC"), &ev);
    let a = only_daily_count(&alerts, "trf1");
    assert_eq!(a["evidence"]["observed"], 280);
    let reason = a["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("this user's median is 43 over 7 active days"),
        "{reason}"
    );
}

/// A records clerk's second login has three days before the ninth: the tail of a shift (4
/// lookups) and two days of 41 and 40. Two days that nearly coincide say the clerk's level,
/// not how far their days swing; the unit's members, each against their own usual day,
/// say that (about 15 %). 187 lookups, four and a half times the level, is a day to look
/// at; a day of 48 is not.
#[test]
fn login_with_a_shift_fragment_in_its_first_days() {
    let users = ["rec1", "rec2", "rec3", "rec4"];
    let ev = days_of_volume(&users, 9, |day, i| match (day, i) {
        (1, 0) => 4,
        (3, 0) => 41,
        (6, 0) => 40,
        (8, 0) => 48,
        (9, 0) => 187,
        (_, 0) => 0,
        (_, 1) => 18 + (day * 7) % 6,
        (_, 2) => 30 + (day * 5) % 9,
        _ => 35 + (day * 3) % 8,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "RECORDS"), &ev);
    let a = only_daily_count(&alerts, "rec1");
    assert_eq!(a["evidence"]["observed"], 187);
    let reason = a["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("their days are taken to swing as the unit's members' do"),
        "{reason}"
    );
}

/// A unit of three commanders who do a handful of lookups a day; one of them did 40 on the
/// first day of the logs (nothing came before it to judge it by on the day). A week later
/// another does 38, five times their usual. One earlier day of a colleague's (perhaps their
/// own misuse) does not make such a day ordinary for the unit, nor make every day swing as
/// widely. The colleague's day is raised too, judged a week on by their days after it.
#[test]
fn busy_day_after_a_colleagues_anomaly() {
    let users = ["cmd1", "cmd2", "cmd3"];
    let ev = days_of_volume(&users, 10, |day, i| match (day, i) {
        (9, 0) => 38,
        (1, 1) => 40,
        (_, 0) => 5 + (day * 7) % 5,
        (_, 1) => 8 + (day * 3) % 5,
        _ => 6 + (day * 5) % 6,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "COMMAND"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![
            ("daily_count".to_string(), "cmd1".to_string()),
            ("daily_count".to_string(), "cmd2".to_string())
        ],
        "{alerts:#?}"
    );
    let of = |user: &str| {
        alerts
            .iter()
            .find(|a| a["user"] == user)
            .map(|a| a["evidence"].clone())
            .unwrap_or_default()
    };
    assert_eq!(of("cmd1")["observed"], 38);
    let late = of("cmd2");
    assert_eq!(late["day"], "2024-05-01", "{late:#}");
    assert_eq!(late["judged_on"], "2024-05-08", "{late:#}");
}

/// The same officer's busiest day at 80, in a unit whose members reach 80 and more every
/// week: twice their own few days, but a day the unit has anyway, so not news.
#[test]
fn quiet_member_on_a_day_the_unit_has() {
    let users = ["inv1", "inv2", "inv3", "inv4", "inv5"];
    let ev = days_of_volume(&users, 9, |day, i| match (day, i) {
        (9, 0) => 80,
        (_, 0) => 25 + (day * 7) % 10,
        _ => 30 + (day * 13 + i * 29) % 60,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "INVESTIGATIONS"), &ev);
    assert_eq!(volume_kinds(&alerts), vec![], "{alerts:#?}");
}

/// A records clerk starts on the sixth day of the logs (19 lookups) and does 160 on the
/// seventh, in a unit of four whose members do 15 to 45: the unit has six days of work,
/// enough to judge a newcomer by in the first week.
#[test]
fn newcomer_in_the_first_week() {
    let users = ["rec1", "rec2", "rec3", "rec4"];
    let ev = days_of_volume(&users, 7, |day, i| match (day, i) {
        (7, 0) => 160,
        (6, 0) => 19,
        (_, 0) => 0,
        _ => 15 + (day * 13 + i * 11) % 30,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "RECORDS"), &ev);
    let a = only_daily_count(&alerts, "rec1");
    let reason = a["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("the unit RECORDS's 95th percentile"),
        "{reason}"
    );
}

/// A detective who works at 80-odd lookups a day joins a unit whose members do 15 to 35.
/// Their first day (74, three times the unit's usual, with nothing of their own to go by)
/// is worth a look; their third (160) is not: two days of their own are too few to test
/// against, but enough to say that twice their level is not news, however far above the
/// unit it is.
#[test]
fn busy_member_of_a_quiet_unit() {
    let users = ["det1", "det2", "det3", "det4"];
    let ev = days_of_volume(&users, 7, |day, i| match (day, i) {
        (7, 0) => 160,
        (5, 0) => 74,
        (6, 0) => 98,
        (_, 0) => 0,
        _ => 15 + (day * 13 + i * 11) % 20,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "DETECTIVES"), &ev);
    let a = only_daily_count(&alerts, "det1");
    assert_eq!(a["evidence"]["day"], "2024-05-05");
}

/// A newcomer's first three days are training (five lookups a day); their fourth is an
/// ordinary day for the unit (45). Against their own three days it is nine times their
/// usual, but a day every member of the unit has is not an anomaly.
#[test]
fn newcomer_finding_their_feet() {
    let users = ["ptl1", "ptl2", "ptl3", "ptl4", "ptl5"];
    let ev = days_of_volume(&users, 8, |day, i| match (day, i) {
        (8, 0) => 45,
        (5..=7, 0) => 5,
        (_, 0) => 0,
        _ => 35 + (day * 13 + i * 11) % 20,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(volume_kinds(&alerts), vec![], "{alerts:#?}");
}

/// A patrol officer exports 10,000 rows on the unit's fifth day: the unit's member-days
/// already say what a patrol officer's largest result is, without a week of history.
#[test]
fn export_in_the_first_week() {
    let users = ["ptl1", "ptl2", "ptl3", "ptl4", "ptl5", "ptl6"];
    let mut ev = String::new();
    for day in 1..=5 {
        for (i, u) in users.iter().enumerate() {
            for k in 0..20 {
                let ts = format!("2024-05-{day:02}T{:02}:{:02}:{i:02}Z", 15 + k / 10, k * 5);
                let rows = 1 + ((day * 31 + i * 17 + k * 13) % 300) as u32;
                lookup(&mut ev, &format!("{u}-{day}-{k:02}"), &ts, u, "R-1", rows);
            }
        }
    }
    lookup(&mut ev, "x1", "2024-05-05T20:00:00Z", "ptl3", "R-1", 10_000);
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("export".to_string(), "ptl3".to_string())]
    );
    let export = alerts
        .iter()
        .find(|a| a["kind"] == "export")
        .expect("export alert");
    assert_eq!(export["event_ids"], serde_json::json!(["x1"]));
}

/// Six officers look up a young woman in the news by name and date of birth; her name is
/// common (the reference data holds two people of that name), so a bare-name search alone
/// never starts or counts towards a surge. With `daily_bare_searches`, two other logins
/// search that bare name, with no case, on each of the twelve days before. Returns each
/// login's `many_users` alert as (login, event ids, reason).
fn surge_world(daily_bare_searches: bool) -> Vec<(String, Vec<String>, String)> {
    let users = [
        "ofc1", "ofc2", "ofc3", "ofc4", "ofc5", "ofc6", "ofc7", "ofc8", "ofc9",
    ];
    let mut refs = unit_refs(&users, "PATROL");
    refs.push((
        "case_subjects.csv",
        "case_id,person_id,last_name,first_name,dob,address,phone,plate\n\
         C-8,P-100,WILLIAMS,PATRICIA,2006-01-13,,,\n\
         C-9,P-200,WILLIAMS,PATRICIA,1944-10-27,,,\n"
            .to_string(),
    ));
    refs[1].1.push_str(
        "C-8,closed,2023-01-01,2023-02-01,PATROL\nC-9,closed,2023-01-01,2023-02-01,PATROL\n",
    );
    let mut ev = String::new();
    let line = |ev: &mut String, id: &str, ts: &str, user: &str, name: &str, dob: &str| {
        let dob = if dob.is_empty() {
            String::new()
        } else {
            format!(r#","subject_dob":"{dob}""#)
        };
        let _ = writeln!(
            ev,
            r#"{{"id":"{id}","ts":"{ts}","user":"{user}","subject_name":"{name}"{dob},"purpose":"TRAFFIC_STOP"}}"#
        );
    };
    if daily_bare_searches {
        for day in 1..=12 {
            for (u, hour) in [("ofc8", 9), ("ofc9", 15)] {
                let ts = format!("2024-05-{day:02}T{hour:02}:00:00Z");
                line(
                    &mut ev,
                    &format!("h{day}{u}"),
                    &ts,
                    u,
                    "WILLIAMS, PATRICIA",
                    "",
                );
            }
        }
    }
    // ofc7 searches only the bare name, before the surge starts.
    line(
        &mut ev,
        "b0",
        "2024-05-13T16:00:00Z",
        "ofc7",
        "Williams, Patricia",
        "",
    );
    // ofc1 searches the bare name first, then the record, then the bare name again.
    line(
        &mut ev,
        "b1",
        "2024-05-13T17:00:00Z",
        "ofc1",
        "Williams, Patricia",
        "",
    );
    for (i, u) in users[..6].iter().enumerate() {
        let ts = format!("2024-05-13T{:02}:10:00Z", 18 + i / 3);
        line(
            &mut ev,
            &format!("s{u}"),
            &ts,
            u,
            "WILLIAMS, PATRICIA",
            "2006-01-13",
        );
    }
    line(
        &mut ev,
        "b2",
        "2024-05-13T21:00:00Z",
        "ofc1",
        "PATRICIA WILLIAMS",
        "",
    );
    // ofc7 again, and ofc8, once the surge is under way: bare names only.
    line(
        &mut ev,
        "b3",
        "2024-05-13T21:05:00Z",
        "ofc7",
        "WILLIAMS, PATRICIA",
        "",
    );
    line(
        &mut ev,
        "b4",
        "2024-05-13T21:30:00Z",
        "ofc8",
        "williams, patricia",
        "",
    );
    // A day and a half after the surge's last lookup: it is over.
    line(
        &mut ev,
        "b5",
        "2024-05-15T09:00:00Z",
        "ofc9",
        "WILLIAMS, PATRICIA",
        "",
    );
    let cfg = "[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\"]\n";
    let (_dir, alerts) = audit_built_with_config(&refs, &ev, cfg);
    let mut surge: Vec<(String, Vec<String>, String)> = alerts
        .iter()
        .filter(|a| a["kind"] == "many_users")
        .map(|a| {
            let ids = a["event_ids"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let reason = a["reason"].as_str().unwrap_or_default().to_string();
            (
                a["user"].as_str().unwrap_or_default().to_string(),
                ids,
                reason,
            )
        })
        .collect();
    surge.sort();
    surge
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The officers who typed the record have their bare-name searches of her in the same
/// hours in their alert. Logins that typed only her bare name, before or during the surge,
/// join it with alerts that say so, because nobody searches that name alone on an
/// ordinary day; a bare search after the surge is over does not.
#[test]
fn surge_with_bare_name_searches() {
    let surge = surge_world(false);
    let who: Vec<(String, Vec<String>)> = surge
        .iter()
        .map(|(u, i, _)| (u.clone(), i.clone()))
        .collect();
    assert_eq!(
        who,
        vec![
            ("ofc1".into(), ids(&["b1", "sofc1", "b2"])),
            ("ofc2".into(), ids(&["sofc2"])),
            ("ofc3".into(), ids(&["sofc3"])),
            ("ofc4".into(), ids(&["sofc4"])),
            ("ofc5".into(), ids(&["sofc5"])),
            ("ofc6".into(), ids(&["sofc6"])),
            ("ofc7".into(), ids(&["b0", "b3"])),
            ("ofc8".into(), ids(&["b4"])),
        ]
    );
    let reason = |u: &str| &surge.iter().find(|s| s.0 == u).expect(u).2;
    assert!(
        reason("ofc7").starts_with(
            "Searched the bare name Williams, Patricia on 2024-05-13 (2 lookups, 2024-05-13T16:00:00Z to 2024-05-13T21:05:00Z) with no case that lists the person, while 6 people looked up"
        ),
        "{}",
        reason("ofc7")
    );
    assert!(
        reason("ofc2").starts_with(
            "Looked up WILLIAMS, PATRICIA (DOB 2006-01-13) on 2024-05-13 (1 lookup, at "
        ),
        "{}",
        reason("ofc2")
    );
}

/// Two women of one name are in the news the same day, each looked up with her date of
/// birth by five officers: a bare search of the name says neither, and joins no surge.
#[test]
fn surge_bare_name_of_two_surged_namesakes_joins_neither() {
    let users = [
        "ofc1", "ofc2", "ofc3", "ofc4", "ofc5", "ofc6", "ofc7", "ofc8", "ofc9", "ofc10", "ofc11",
    ];
    let refs = unit_refs(&users, "PATROL");
    let mut ev = String::new();
    let mut line = |id: &str, ts: &str, user: &str, dob: &str| {
        let dob = if dob.is_empty() {
            String::new()
        } else {
            format!(r#","subject_dob":"{dob}""#)
        };
        let _ = writeln!(
            ev,
            r#"{{"id":"{id}","ts":"{ts}","user":"{user}","subject_name":"WILLIAMS, PATRICIA"{dob},"purpose":"TRAFFIC_STOP"}}"#
        );
    };
    for (i, u) in users[..5].iter().enumerate() {
        line(
            &format!("a{u}"),
            &format!("2024-05-13T1{i}:00:00Z"),
            u,
            "2006-01-13",
        );
    }
    for (i, u) in users[5..10].iter().enumerate() {
        line(
            &format!("b{u}"),
            &format!("2024-05-13T1{i}:30:00Z"),
            u,
            "1944-10-27",
        );
    }
    line("bare", "2024-05-13T16:00:00Z", "ofc11", "");
    let cfg = "[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\"]\n";
    let (_dir, alerts) = audit_built_with_config(&refs, &ev, cfg);
    let surged: Vec<&str> = alerts
        .iter()
        .filter(|a| a["kind"] == "many_users")
        .filter_map(|a| a["user"].as_str())
        .collect();
    assert_eq!(surged.len(), 10, "{surged:?}");
    assert!(!surged.contains(&"ofc11"), "{surged:?}");
}

/// The same surge where two logins search the bare name, with no case, every day: a bare
/// search of it is nobody in particular, and only the officers who typed the record (with
/// their own bare searches) are in the surge.
#[test]
fn surge_bare_name_searched_every_day_joins_nothing() {
    let who: Vec<(String, Vec<String>)> = surge_world(true)
        .into_iter()
        .map(|(u, i, _)| (u, i))
        .collect();
    assert_eq!(
        who,
        vec![
            ("ofc1".into(), ids(&["b1", "sofc1", "b2"])),
            ("ofc2".into(), ids(&["sofc2"])),
            ("ofc3".into(), ids(&["sofc3"])),
            ("ofc4".into(), ids(&["sofc4"])),
            ("ofc5".into(), ids(&["sofc5"])),
            ("ofc6".into(), ids(&["sofc6"])),
        ]
    );
}

/// A young unit's day: `members` each do six lookups a day on `days` days with results of
/// up to `usual` rows, plus the `(day, member, rows)` extra results.
fn young_unit_rows(
    members: &[&str],
    days: usize,
    usual: u32,
    extra: &[(usize, usize, u32)],
) -> String {
    let mut ev = String::new();
    for day in 1..=days {
        for (i, u) in members.iter().enumerate() {
            for k in 0..6u32 {
                let rows = 1 + (k * 37 + i as u32 * 11 + day as u32 * 5) % usual;
                let ts = format!("2024-05-{day:02}T{:02}:{:02}:00Z", 14 + k, i);
                lookup(&mut ev, &format!("{u}-{day}-{k}"), &ts, u, "R-1", rows);
            }
        }
        for &(d, i, rows) in extra.iter().filter(|e| e.0 == day) {
            let ts = format!("2024-05-{d:02}T21:{i:02}:00Z");
            lookup(&mut ev, &format!("x-{d}-{i}"), &ts, members[i], "R-1", rows);
        }
    }
    ev
}

/// Two patrol officers of a unit of twelve export 58,776 and 42,493 rows on the first day
/// of the logs, where every other result of the unit is under 160: a day of the unit's
/// work is enough to see it, and one export does not vouch for the other.
#[test]
fn export_on_the_first_day_of_the_logs() {
    let users: Vec<String> = (0..12).map(|i| format!("pat{i:02}")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    let ev = young_unit_rows(&users, 1, 160, &[(1, 0, 58_776), (1, 1, 42_493)]);
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![
            ("export".to_string(), "pat00".to_string()),
            ("export".to_string(), "pat01".to_string())
        ],
        "{alerts:#?}"
    );
    let a = alerts
        .iter()
        .find(|a| a["user"] == "pat00" && a["kind"] == "export")
        .expect("pat00's export");
    assert_eq!(a["evidence"]["ratio"], 100.0, "{a:#}");
    assert_eq!(a["event_ids"], serde_json::json!(["x-1-0"]), "{a:#}");
}

/// A bulk export names nobody, but the case behind it is checked as a lookup's is: one
/// without a case (80,960 rows from a patrol car) is `missing`, one under a case that does
/// not exist is `unknown_case`, one under the user's own open case raises nothing from
/// `no_case`; logins and logouts are not lookups at all.
#[test]
fn export_without_a_case() {
    let users = ["pat1", "pat2"];
    let ev = [
        r#"{"id":"x1","ts":"2024-05-14T09:00:00Z","user":"pat1","action":"login"}"#,
        r#"{"id":"x2","ts":"2024-05-14T09:10:00Z","user":"pat1","action":"export","system":"RMS","result_count":80960}"#,
        r#"{"id":"x3","ts":"2024-05-14T09:20:00Z","user":"pat1","action":"export","system":"RMS","result_count":400,"case_id":"C-404"}"#,
        r#"{"id":"x4","ts":"2024-05-14T09:30:00Z","user":"pat2","action":"export","system":"RMS","result_count":400,"case_id":"c-1"}"#,
        r#"{"id":"x5","ts":"2024-05-14T09:40:00Z","user":"pat1","action":"logout"}"#,
    ]
    .join("\n");
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    let no_case: Vec<Value> = alerts
        .into_iter()
        .filter(|a| a["detector"] == "no_case")
        .collect();
    assert_alerts(
        &no_case,
        vec![
            key("no_case", "missing", "pat1", &["x2"]),
            key("no_case", "unknown_case", "pat1", &["x3"]),
        ],
    );
    let missing = no_case
        .iter()
        .find(|a| a["kind"] == "missing")
        .expect("missing alert");
    assert_eq!(
        missing["reason"],
        "Export of 80960 records with no case attached."
    );
}

/// A records unit's first bulk run (18,349 rows) comes on the third day, when the unit's
/// results so far reach 362: a hundred times that is the bar while the unit's history is
/// this young, so the run is not news; 40,000 rows the same day would be.
#[test]
fn records_bulk_run_in_the_first_days() {
    let users: Vec<String> = (0..12).map(|i| format!("rec{i:02}")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    let ev = young_unit_rows(&users, 3, 362, &[(3, 0, 18_349)]);
    let (_dir, alerts) = audit_built(&unit_refs(&users, "RECORDS"), &ev);
    assert_eq!(volume_kinds(&alerts), vec![], "{alerts:#?}");
    let ev = young_unit_rows(&users, 3, 362, &[(3, 0, 40_000)]);
    let (_dir, alerts) = audit_built(&unit_refs(&users, "RECORDS"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("export".to_string(), "rec00".to_string())],
        "{alerts:#?}"
    );
}

/// `JON` is typed for Jonathan as often as for John, `CHRIS` for Christina as for
/// Christopher: a short form that stands for several given names matches each of them
/// under the case that lists the person, and only those (not `JON` for Joanna). A John
/// Harwick and a John Dunmore on another case make the names known to the reference data,
/// as in an agency, where a common name always is.
#[test]
fn short_form_of_several_given_names() {
    let alerts = audit_fixture("classes/short_form_of_several_given_names", None);
    assert_alerts(
        &alerts,
        vec![key("no_case", "subject_not_in_case", "pat1", &["n03"])],
    );
}

/// A compound surname typed in part: `RUIZ, GWEN` for the `RUIZ-SANCHEZ, GWEN` the case
/// lists, `KATHERINE GARCIA LOPEZ` (no hyphen, given name first) and a surname search for
/// `GARCIA` under a case listing `GARCIA-LOPEZ` are case work; a part of the surname with
/// another given name (`SANCHEZ, ROSA`) is not. Namesakes on another case make each name
/// known to the reference data.
/// The lookup raised (m05) is typed over an hour after the case's own: amid them it would
/// be the case's scene (`people_met_at_the_scene_of_the_users_case`).
#[test]
fn compound_surname_typed_in_part() {
    let alerts = audit_fixture("classes/compound_surname_typed_in_part", None);
    assert_alerts(
        &alerts,
        vec![key("no_case", "subject_not_in_case", "pat1", &["m05"])],
    );
}

/// A given name one typing slip away from the one the typed case lists (`LARA` for
/// `LAURA`) is case work when nothing else contradicts it; a birth date of another Lara
/// Douglas does, and `LINDA` is not a slip.
#[test]
fn name_one_slip_away() {
    let alerts = audit_fixture("classes/name_one_slip_away", None);
    assert_alerts(
        &alerts,
        vec![key(
            "no_case",
            "subject_not_in_case",
            "pat1",
            &["t02", "t03"],
        )],
    );
}

/// Twelve patrol officers on the first day of the logs, each at 35 to 60 lookups; one does
/// 300. Nothing came before, but the unit's day itself says what a patrol officer's day
/// looks like: judged against its member-days so far, today's included.
#[test]
fn busy_day_on_the_first_day_of_the_logs() {
    let users: Vec<String> = (0..12).map(|i| format!("pat{i:02}")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    let ev = days_of_volume(&users, 1, |_, i| match i {
        0 => 300,
        _ => 35 + (i * 7) % 26,
    });
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    let a = only_daily_count(&alerts, "pat00");
    assert_eq!(a["evidence"]["unit_baseline_includes_today"], true, "{a:#}");
    let reason = a["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("today's included"), "{reason}");
}

/// The same unit's first day without the outlier, members spread from 20 to 110 lookups
/// (a part-timer, a sergeant, a busy officer): nothing stands out, nothing is raised.
#[test]
fn uneven_unit_on_the_first_day_of_the_logs() {
    let users: Vec<String> = (0..12).map(|i| format!("pat{i:02}")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    let ev = days_of_volume(&users, 1, |_, i| 20 + (i * 37) % 91);
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(volume_kinds(&alerts), vec![], "{alerts:#?}");
}

/// People type the name a person goes by, and a short nickname table cannot hold them
/// all: `BOBBIE` for Roberta, `LEXI` for Alexis (the broad nickname list relates them).
/// With the birth date typed too, the person is found: the ex-partner the user declared,
/// the user herself, a colleague whose compound surname alone was typed into the
/// whole-name field (`RUIZ SANCHEZ`); and under the case that lists them, a nickname, a
/// slip in the surname beside one, or a nickname with no birth date on either side, is
/// case work. Without the birth date, or with a given name that is none of hers (`DONNA`),
/// it is nobody in particular; a Donna Walsh the case does not list is raised.
/// The lookup raised under the case (g04) is typed over an hour after the case's own:
/// amid them it would be the case's scene (`people_met_at_the_scene_of_the_users_case`).
#[test]
fn given_name_a_short_table_does_not_hold() {
    let alerts = audit_fixture("classes/given_name_a_short_table_does_not_hold", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "subject_not_in_case", "pat1", &["g04"]),
            key("association_lookup", "ex_partner", "pat1", &["g05"]),
            key("self_query", "name_dob", "pat1", &["g08"]),
            key("coworker_lookup", "other_unit", "pat1", &["g09"]),
        ],
    );
}

/// The person index finds a declared associate by a short form of several given names,
/// either way round: `JON HARWICK` for the Jonathan Harwick the user declared as
/// ex-partner, `Christina Dunmore` for the Chris Dunmore declared as family; `Joanna` is
/// not Jonathan.
#[test]
fn short_form_finds_an_associate() {
    let alerts = audit_fixture("classes/short_form_finds_an_associate", None);
    assert_alerts(
        &alerts,
        vec![
            key("association_lookup", "ex_partner", "pat1", &["a01"]),
            key("association_lookup", "family", "pat1", &["a02"]),
        ],
    );
}

/// A compound surname typed in part finds a declared associate when the birth date is
/// typed too: `RUIZ, KEISHA` born 1986-09-12 is the Keisha Ruiz-Sanchez the user declared
/// as ex-partner (a first part reads as a shortened surname, as before), `LOPEZ, TOMAS`
/// the Tomas Garcia Lopez declared as family (a second part did not match). Without the
/// date, with another given name or another date, it is nobody in particular.
#[test]
fn compound_surname_finds_an_associate() {
    let alerts = audit_fixture("classes/compound_surname_finds_an_associate", None);
    assert_alerts(
        &alerts,
        vec![
            key("association_lookup", "ex_partner", "pat1", &["c01"]),
            key("association_lookup", "family", "pat1", &["c02"]),
        ],
    );
    let family = alerts
        .iter()
        .find(|a| a["kind"] == "family")
        .expect("family alert");
    assert_eq!(
        family["evidence"]["match"]["name_agreement"], "surname_part",
        "{family:#}"
    );
}

/// A patrol unit that works around the clock, and two members who joined it on its seventh
/// day. `new1` worked two day shifts (14:00 to 20:00 UTC, 50 lookups each), then does 30
/// lookups between 04:00 and 06:00: the unit's night shift works those hours, but two days
/// of the user's own, with nothing within two hours, say they are not theirs. `new2`'s
/// evening runs later than the day before (one lookup at 19:30, then 19:00 to 22:00): within
/// two hours of their own work, so not off hours however little of it there was.
#[test]
fn night_after_two_day_shifts_in_a_unit_that_works_nights() {
    let users = ["ngt1", "ngt2", "ngt3", "day1", "day2", "new1", "new2"];
    let mut ev = String::new();
    let at = |day: usize, minute: usize, sec: usize| {
        format!(
            "2024-05-{day:02}T{:02}:{:02}:{sec:02}Z",
            minute / 60,
            minute % 60
        )
    };
    for day in 1..=8usize {
        for (i, u) in users.iter().take(5).enumerate() {
            // Three night workers from 02:00, two day workers from 14:00, 50 lookups each.
            let start = if i < 3 { 2 * 60 } else { 14 * 60 };
            for k in 0..50usize {
                let ts = at(day, start + k * 7, i);
                lookup(
                    &mut ev,
                    &format!("{u}-{day}-{k}"),
                    &ts,
                    u,
                    &format!("R-{u}"),
                    2,
                );
            }
        }
    }
    for day in 7..=8usize {
        for k in 0..50usize {
            let ts = at(day, 14 * 60 + k * 7, 10);
            lookup(
                &mut ev,
                &format!("new1-{day}-{k}"),
                &ts,
                "new1",
                "R-new1",
                2,
            );
            let ts = at(day, 14 * 60 + k * 5, 20);
            lookup(
                &mut ev,
                &format!("new2-{day}-{k}"),
                &ts,
                "new2",
                "R-new2",
                2,
            );
        }
    }
    lookup(
        &mut ev,
        "new2-late",
        "2024-05-08T19:30:00Z",
        "new2",
        "R-new2",
        2,
    );
    for k in 0..30usize {
        let ts = at(9, 4 * 60 + k * 4, 10);
        lookup(
            &mut ev,
            &format!("new1-night-{k}"),
            &ts,
            "new1",
            "R-new1",
            2,
        );
        let ts = at(9, 19 * 60 + k * 6, 20);
        lookup(&mut ev, &format!("new2-eve-{k}"), &ts, "new2", "R-new2", 2);
    }
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("off_hours".to_string(), "new1".to_string())],
        "{alerts:#?}"
    );
    let off = alerts
        .iter()
        .find(|a| a["kind"] == "off_hours")
        .expect("off_hours alert");
    assert_eq!(off["event_ids"].as_array().map(Vec::len), Some(30));
    assert_eq!(off["evidence"]["baseline"], "own");
    assert_eq!(off["evidence"]["baseline_days"], 2);
}

/// The issue's "73 lookups between 01:00 and 04:00 by a day worker", by a commander: three
/// commanders of a new deployment look up two to five people a day between 08:00 and 16:00
/// for three days; on the fifth day `cmd1` does 40 lookups between 01:00 and 04:00. Their
/// light days hold far fewer than a hundred lookups, and the unit's eight member-days fewer
/// than `min_user_days`; but three of their own days and their colleagues' all say that
/// nobody in the unit works at night. `cmd2`'s nine lookups from 17:00 the same day come
/// within two hours of the unit's afternoons, and are not off hours.
#[test]
fn night_of_a_light_user_in_a_young_unit() {
    let users = ["cmd1", "cmd2", "cmd3"];
    let mut ev = String::new();
    // (user, day, hours of their lookups): eight member-days, 08:00 to 16:00.
    let days: [(&str, usize, &[usize]); 8] = [
        ("cmd1", 1, &[10, 11, 12, 12, 15]),
        ("cmd1", 2, &[8, 13]),
        ("cmd1", 3, &[8, 9, 12]),
        ("cmd2", 1, &[10, 15, 15]),
        ("cmd2", 2, &[9, 11, 12]),
        ("cmd2", 3, &[9, 11, 13, 14]),
        ("cmd3", 2, &[8, 9, 10]),
        ("cmd3", 3, &[9, 16]),
    ];
    for (u, day, hours) in days {
        for (k, h) in hours.iter().enumerate() {
            let ts = format!("2024-05-{day:02}T{h:02}:{:02}:00Z", 7 * k);
            lookup(
                &mut ev,
                &format!("{u}-{day}-{k}"),
                &ts,
                u,
                &format!("R-{u}"),
                1,
            );
        }
    }
    for k in 0..40usize {
        let m = 60 + k * 4;
        let ts = format!("2024-05-05T{:02}:{:02}:00Z", m / 60, m % 60);
        lookup(
            &mut ev,
            &format!("cmd1-night-{k}"),
            &ts,
            "cmd1",
            "R-cmd1",
            1,
        );
    }
    for k in 0..9usize {
        let ts = format!("2024-05-05T17:{:02}:00Z", 6 * k);
        lookup(&mut ev, &format!("cmd2-eve-{k}"), &ts, "cmd2", "R-cmd2", 1);
    }
    let (_dir, alerts) = audit_built(&unit_refs(&users, "COMMAND"), &ev);
    let off: Vec<&Value> = alerts.iter().filter(|a| a["kind"] == "off_hours").collect();
    assert_eq!(off.len(), 1, "{alerts:#?}");
    assert_eq!(off[0]["user"], "cmd1");
    assert_eq!(off[0]["event_ids"].as_array().map(Vec::len), Some(40));
    assert_eq!(off[0]["evidence"]["baseline"], "unit");
    assert_eq!(off[0]["evidence"]["baseline_days"], 8);
}

/// Eight days of each of `names`' ordinary work: thirty lookups of their own three people a
/// day, one every quarter of an hour from 08:00 (no case here lists them).
fn patrol_days(names: &[&str]) -> String {
    let mut ev = String::new();
    for day in 1..=8usize {
        for u in names {
            for k in 0..30usize {
                let m = 8 * 60 + k * 15;
                let ts = format!("2024-05-{day:02}T{:02}:{:02}:00Z", m / 60, m % 60);
                let id = format!("{u}-{day}-{k}");
                lookup(&mut ev, &id, &ts, u, &format!("R-{u}-{}", k % 3), 1);
            }
        }
    }
    ev
}

/// A patrol officer's week of thirty lookups a day of three people each, then, on the eighth
/// morning, forty-six strangers in nine minutes beside the day's work. That is a scrape,
/// past the busiest ten minutes of work by hand (about forty), and `burst` says so; 46
/// strangers are one sitting's, not a day spent on many unrelated people
/// (`distinct_subjects` asks fifty), so the same lookups are not reported twice.
#[test]
fn scrape_of_forty_six_strangers_is_one_finding() {
    let names = ["ptl0", "ptl1", "ptl2", "ptl3", "ptl4", "ptl5"];
    let mut ev = patrol_days(&names);
    for k in 0..46usize {
        let ts = format!("2024-05-08T16:{:02}:{:02}Z", k * 12 / 60, k * 12 % 60);
        lookup(
            &mut ev,
            &format!("scrape-{k}"),
            &ts,
            "ptl0",
            &format!("S-{k}"),
            1,
        );
    }
    let (_dir, alerts) = audit_built(&unit_refs(&names, "PATROL"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("burst".to_string(), "ptl0".to_string())],
        "{alerts:#?}"
    );
}

/// Realistic seeds 22 and 34: a night of 44 strangers, typed with their dates of birth, and
/// seven surname searches (`CLARK`, `ROSS`: a surname alone, or with an initial) counted
/// 51 people, one over `distinct_min_subjects`. A surname names nobody (it is a search
/// returning many, `fishing`'s to judge): `ptl0`'s 44 people and 8 surname searches, with
/// the three people of their usual work (no case here lists anyone), are 47 people, not a
/// day of breadth; `ptl1`'s 52 people, each named, make 55. The alert lists every
/// unexplained lookup of the day as evidence.
#[test]
fn surname_searches_are_not_people() {
    let names = ["ptl0", "ptl1", "ptl2", "ptl3", "ptl4", "ptl5"];
    let mut ev = patrol_days(&names);
    let at = |k: usize, sec: usize| {
        let m = 9 * 60 + k * 5;
        format!("2024-05-08T{:02}:{:02}:{sec:02}Z", m / 60, m % 60)
    };
    let person = |ev: &mut String, id: &str, ts: &str, user: &str, k: usize| {
        let _ = writeln!(
            ev,
            r#"{{"id":"{id}","ts":"{ts}","user":"{user}","subject_last_name":"STRANGER{k}","subject_first_name":"ALEX","subject_dob":"1970-01-{:02}","case_id":"C-1"}}"#,
            k % 28 + 1
        );
    };
    for k in 0..44usize {
        person(&mut ev, &format!("p0-{k}"), &at(k, 10), "ptl0", k);
    }
    for (k, (last, first)) in [
        ("CLARK", ""),
        ("ROSS", ""),
        ("GARCIA", ""),
        ("KENNEDY", "M."),
        ("PEREZ", ""),
        ("THOMPSON", "J"),
        ("CORLEY", ""),
        ("WELLS", ""),
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            ev,
            r#"{{"id":"s0-{k}","ts":"{}","user":"ptl0","subject_last_name":"{last}","subject_first_name":"{first}","case_id":"C-1"}}"#,
            at(44 + k, 10)
        );
    }
    for k in 0..52usize {
        person(&mut ev, &format!("p1-{k}"), &at(k, 20), "ptl1", k);
    }
    let (_dir, alerts) = audit_built(&unit_refs(&names, "PATROL"), &ev);
    let wide: Vec<&Value> = alerts
        .iter()
        .filter(|a| a["kind"] == "distinct_subjects")
        .collect();
    assert_eq!(wide.len(), 1, "{alerts:#?}");
    assert_eq!(wide[0]["user"], "ptl1");
    assert_eq!(wide[0]["evidence"]["observed"], 55);
    assert_eq!(wide[0]["event_ids"].as_array().map(Vec::len), Some(30 + 52));
}

/// The logs' first day in a unit of eight detectives: seven look up four people each, sixty
/// times over the shift; `det0`, as many lookups, spends them on sixty people no case
/// explains. Seven colleagues' days are fewer than an established unit's `min_peer_days`
/// but enough for a first day, the day then needing three times their busiest: sixty
/// strangers beside a handful each is `distinct_subjects` from the first morning.
#[test]
fn broad_first_day_in_a_small_unit() {
    let users: Vec<String> = (0..8).map(|i| format!("det{i}")).collect();
    let names: Vec<&str> = users.iter().map(String::as_str).collect();
    let mut ev = String::new();
    for (i, u) in names.iter().enumerate() {
        for k in 0..60usize {
            let m = 8 * 60 + k * 8;
            let ts = format!("2024-05-01T{:02}:{:02}:{i:02}Z", m / 60, m % 60);
            let person = if i == 0 {
                format!("S-{k}")
            } else {
                format!("R-{u}-{}", k % 4)
            };
            lookup(&mut ev, &format!("{u}-{k}"), &ts, u, &person, 1);
        }
    }
    let (_dir, alerts) = audit_built(&unit_refs(&names, "INVESTIGATIONS"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("distinct_subjects".to_string(), "det0".to_string())],
        "{alerts:#?}"
    );
    let a = alerts
        .iter()
        .find(|a| a["kind"] == "distinct_subjects")
        .expect("distinct_subjects alert");
    assert_eq!(a["evidence"]["observed"], 60);
    assert_eq!(a["evidence"]["unit_baseline"]["days"], 7);
    assert_eq!(a["evidence"]["unit_baseline_includes_today"], true);
}

/// The logs' first day in a dispatch centre of five: `disp0` answers 400 lookups over the
/// shift, their four colleagues 80 each. A heavy role is a unit's ordinary day, and four
/// colleagues' days are too few to say the unit has none: nothing is raised.
#[test]
fn heavy_role_among_four_colleagues_on_the_first_day() {
    let names = ["disp0", "disp1", "disp2", "disp3", "disp4"];
    let mut ev = String::new();
    for (i, u) in names.iter().enumerate() {
        let n = if i == 0 { 400 } else { 80 };
        for k in 0..n {
            let s = 8 * 3600 + k * (8 * 3600 / n);
            let ts = format!(
                "2024-05-01T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            lookup(
                &mut ev,
                &format!("{u}-{k}"),
                &ts,
                u,
                &format!("R-{u}-{}", k % 3),
                1,
            );
        }
    }
    let (_dir, alerts) = audit_built(&unit_refs(&names, "DISPATCH"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        Vec::<(String, String)>::new(),
        "{alerts:#?}"
    );
}

/// A new deployment's fourth day: six day workers of one unit, 14:00 to 20:00 UTC; one of
/// them, with two days of their own, does 30 lookups between 08:00 and 10:00 on a day off.
/// Two of their own days in the unit's young history are enough to say that those hours
/// are nobody's.
#[test]
fn night_on_a_day_off_in_a_new_deployment() {
    let users = ["day1", "day2", "day3", "day4", "day5", "day6"];
    let mut ev = String::new();
    for day in 1..=4usize {
        for (i, u) in users.iter().enumerate() {
            if i == 0 && day > 2 {
                continue;
            }
            for k in 0..12usize {
                let ts = format!(
                    "2024-05-{day:02}T{:02}:{:02}:{i:02}Z",
                    14 + k / 2,
                    (k % 2) * 30
                );
                lookup(&mut ev, &format!("{u}-{day}-{k}"), &ts, u, "R-1", 2);
            }
        }
    }
    for k in 0..30usize {
        let ts = format!("2024-05-04T{:02}:{:02}:00Z", 8 + k / 15, (k % 15) * 4);
        lookup(&mut ev, &format!("night-{k}"), &ts, "day1", "R-1", 2);
    }
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("off_hours".to_string(), "day1".to_string())],
        "{alerts:#?}"
    );
}

/// Records systems print `SO24-0038042`; people type `2024-0038042` or `#2024-38042`, the
/// year with four digits and the number without its padding (y00–y03, all the user's
/// case). Another's case typed so is still another's (y04); a wrong year is no case
/// (y07). `PENDING` is typed for "no case yet": a lookup with no case (y05), which an
/// exempt purpose covers (y06).
#[test]
fn case_id_typed_with_another_year_form() {
    let alerts = audit_fixture(
        "classes/case_id_typed_with_another_year_form",
        Some("[no_case]\nexempt_purposes = [\"COURT_SCREENING\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "dep1", &["y04"]),
            key("no_case", "missing", "dep1", &["y05"]),
            key("no_case", "unknown_case", "dep1", &["y07"]),
        ],
    );
    let other = alerts
        .iter()
        .find(|a| a["kind"] == "not_assigned")
        .expect("not_assigned alert");
    assert_eq!(other["evidence"]["case"]["case_id"], "SO23-0022152");
}

/// A plate is kept with its state in one table (`MO 615RUV`) and without it in another,
/// and typed either way (`MO/CWD3966`, `KFY 4170 (MO)`): the officer's own plate and an
/// ex-partner's are found, and a plate the user's case lists explains its lookup.
#[test]
fn plate_typed_with_its_state() {
    let alerts = audit_fixture("classes/plate_typed_with_its_state", None);
    assert_alerts(
        &alerts,
        vec![
            key("self_query", "plate", "dep1", &["p00"]),
            key("association_lookup", "ex_partner", "dep1", &["p01"]),
            key("no_case", "missing", "dep1", &["p00", "p01"]),
        ],
    );
}

/// An Amber alert: six officers of five units check the suspect's plate under the case's
/// number within half an hour (a1–a6), none assigned to it: every login that looked the
/// suspect up typed the case that lists him, its number given out to all. The surge and
/// the six `not_assigned` lookups are set aside (counted). The next day five officers look
/// up a colleague, the victim of a case, under its number (v1–v5): one of the agency's own
/// is always attention, raised as `many_users`, `coworker_lookup` and `not_assigned`. The
/// day after, six look up a homicide victim in the news, five of them under the case's
/// number copied from the screen (h1–h6): the number did not come with all of the
/// attention (one in ten at most may lack it), raised as a surge (and `not_assigned` or
/// `missing` each). Audited night by night, the same.
#[test]
fn amber_alert_worked_by_every_car() {
    let mut expected = Vec::new();
    for (i, u) in ["po1", "po2", "po3", "po4", "po5"].iter().enumerate() {
        let v = format!("v{}", i + 1);
        expected.push(key("subject_surge", "many_users", u, &[&v]));
        expected.push(key("coworker_lookup", "other_unit", u, &[&v]));
        expected.push(key("no_case", "not_assigned", u, &[&v]));
    }
    for (i, u) in ["po1", "po2", "po3", "po4", "po5", "po6"]
        .iter()
        .enumerate()
    {
        let h = format!("h{}", i + 1);
        expected.push(key("subject_surge", "many_users", u, &[&h]));
        let kind = if i < 5 { "not_assigned" } else { "missing" };
        expected.push(key("no_case", kind, u, &[&h]));
    }
    assert_set_aside_with(
        "classes/amber_alert_worked_by_every_car",
        None,
        expected,
        &[
            "set aside  6 many_users alert(s) of surges in which every login (all but one in ten at most) typed a case that lists the person",
            "set aside  6 not_assigned lookup(s) of a person under a case that lists them, in such a surge",
        ],
    );
}

/// An internal-affairs case lists the respondent, a colleague, by person id alone; her
/// plate is on her personnel row. The investigator assigned to the case runs the plate
/// (r1, and with the state's code, r2): the same person the case lists, explained. Another
/// colleague's plate under the case, which does not list him (x1), is raised as
/// `coworker_lookup` and `subject_not_in_case`; the respondent's plate by an investigator
/// the case is not assigned to (n1), as `coworker_lookup` and `not_assigned`.
#[test]
fn respondent_found_by_plate_under_the_internal_affairs_case() {
    let alerts = audit_fixture(
        "classes/respondent_found_by_plate_under_the_internal_affairs_case",
        None,
    );
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "other_unit", "ia1", &["x1"]),
            key("no_case", "subject_not_in_case", "ia1", &["x1"]),
            key("coworker_lookup", "other_unit", "ia2", &["n1"]),
            key("no_case", "not_assigned", "ia2", &["n1"]),
        ],
    );
}

/// The same internal-affairs case lists the respondent as personnel does, by name, date of
/// birth, address and phone, with no person id; her plate is on her personnel row. The
/// investigator assigned to the case runs it (r1): the person the case lists, explained. A
/// colleague whose name the case also lists, born on another day (d1), is someone else:
/// raised as `coworker_lookup` and `subject_not_in_case`; the respondent's plate by an
/// investigator the case is not assigned to (n1), as `coworker_lookup` and `not_assigned`.
#[test]
fn respondent_listed_by_name_and_birth_date_found_by_plate() {
    let alerts = audit_fixture(
        "classes/respondent_listed_by_name_and_birth_date_found_by_plate",
        None,
    );
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "other_unit", "ia1", &["d1"]),
            key("no_case", "subject_not_in_case", "ia1", &["d1"]),
            key("coworker_lookup", "other_unit", "ia2", &["n1"]),
            key("no_case", "not_assigned", "ia2", &["n1"]),
        ],
    );
}

/// A city's officers type plates with their state's code, `HS`, which no list of
/// jurisdictions holds (`HS MDS6378`, `HS/MDS 6378`, `MDS6378 HS`); the tables write the
/// plate alone. Where only the plate without the code is known, it is searched so: the
/// user's own case explains its person (h1–h3), a plate the tables know as typed is never
/// cut (h4: `HS 4410` is the case's `HS4410`, not the user's own `4410`), a colleague's plate typed with the code and no case is the colleague
/// (c1: `coworker_lookup` beside `missing`), and another unit's case typed for its person
/// is `not_assigned` (n1).
#[test]
fn plate_typed_with_a_state_code_no_list_knows() {
    let alerts = audit_fixture("classes/plate_typed_with_a_state_code_no_list_knows", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "missing", "ofc1", &["c1"]),
            key("coworker_lookup", "other_unit", "ofc1", &["c1"]),
            key("no_case", "not_assigned", "ofc2", &["n1"]),
        ],
    );
}

/// A courthouse screening terminal logs the name it searched and keeps the date of birth
/// in its NCIC message (`QW.NAM/FREEMAN,CHRISTINA.DOB/1985-11-14`) or search line
/// (`LN=… DOB=…`). A visitor born in 1985 is not the colleague born in 1963 (q00, q02);
/// the colleague's own date, written MMDDYYYY, is her (q01). A name alone is still raised
/// as one (q03: an SQL statement's values are not search criteria).
#[test]
fn birth_date_in_the_query_text() {
    let alerts = audit_fixture(
        "classes/birth_date_in_the_query_text",
        Some("[no_case]\nexempt_purposes = [\"COURT_SCREENING\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key("coworker_lookup", "other_unit", "cs1", &["q01", "q03"])],
    );
}

/// Six jail deputies check an inmate under the jail's exempt purpose: the booking case of
/// their unit (`DETENTION`, theirs being `DETENTION 2`) lists him, and no surge is raised
/// on them. Five patrol officers looking him up with no case are a surge.
#[test]
fn inmates_looked_up_by_the_jail() {
    let alerts = audit_fixture(
        "classes/inmates_looked_up_by_the_jail",
        Some("[no_case]\nexempt_purposes = [\"INMATE_MGMT\"]\n"),
    );
    let mut expected = Vec::new();
    for (u, id) in [
        ("pt1", "j06"),
        ("pt2", "j07"),
        ("pt3", "j08"),
        ("pt4", "j09"),
        ("pt5", "j10"),
    ] {
        expected.push(key("subject_surge", "many_users", u, &[id]));
        expected.push(key("no_case", "missing", u, &[id]));
    }
    assert_alerts(&alerts, expected);
}

/// Six officers of a patrol squad work nights for six days; on the seventh four of them
/// rotate to days together (the squad's shift changed: nothing raised). The fifth had the
/// seventh off and starts days on the eighth, at the squad's new hours: on its new shift a
/// day after the rest, not raised. The sixth, still on nights on the seventh, works
/// evenings on the eighth, hours the squad did not move to: raised.
#[test]
fn officer_joining_the_squads_rotation_a_day_later() {
    let world = "classes/officer_joining_the_squads_rotation_a_day_later";
    let only_sq6 = vec![("off_hours".to_string(), "sq6".to_string())];
    assert_eq!(volume_kinds(&audit_fixture(world, None)), only_sq6);
    // The squad's change is remembered across nights (`--state`).
    assert_eq!(volume_kinds(&audit_night_by_night(world, None)), only_sq6);
}

/// Four officers of a patrol squad work nights for five days, then the squad rotates to
/// days together: none of them is off their hours, the squad's shift changed. One officer
/// moving alone to days while the squad stays on nights is still raised.
#[test]
fn patrol_squad_rotating_to_days() {
    let users = ["sq1", "sq2", "sq3", "sq4"];
    let at = |day: usize, minute: usize, sec: usize| {
        format!(
            "2024-05-{day:02}T{:02}:{:02}:{sec:02}Z",
            minute / 60,
            minute % 60
        )
    };
    let week = |movers: &[&str]| {
        let mut ev = String::new();
        for day in 1..=6usize {
            for (i, u) in users.iter().enumerate() {
                let start = if day == 6 && movers.contains(u) {
                    14 * 60
                } else {
                    2 * 60
                };
                for k in 0..50usize {
                    let id = format!("{u}-{day}-{k}");
                    lookup(&mut ev, &id, &at(day, start + k * 4, i), u, "R-1", 2);
                }
            }
        }
        ev
    };
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL D"), &week(&users));
    assert_eq!(volume_kinds(&alerts), Vec::<(String, String)>::new());
    let (_dir, alerts) = audit_built(&unit_refs(&users, "PATROL D"), &week(&["sq1"]));
    assert_eq!(
        volume_kinds(&alerts),
        vec![("off_hours".to_string(), "sq1".to_string())]
    );
}

/// A case typed before it was opened: someone else's (o01, dep2's C-9) is `not_assigned`,
/// which says more than that it was not open; the user's own (o02, C-8, which dep1 works
/// from its opening) is `closed_case`, as is a case closed before the lookup, whoever's it
/// was (o03). Once open, the user's case explains the lookup (o04).
#[test]
fn case_typed_before_it_opened() {
    let alerts = audit_fixture("classes/case_typed_before_it_opened", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "dep1", &["o01"]),
            key("no_case", "closed_case", "dep1", &["o02"]),
            key("no_case", "closed_case", "dep1", &["o03"]),
        ],
    );
}

/// Numbered roads are said several ways: the incident lists `2653 STATE HIGHWAY 64`, the
/// dispatcher types `2653 HIGHWAY 64` or `2653 Route 64` (h01, h02: the incident's
/// resident, explained), and `6152 Cr 328` is the dispatcher's own `6152 COUNTY ROAD 328`
/// (h03). Highway 46 is another road (h04: nobody known).
#[test]
fn numbered_road_said_another_way() {
    let alerts = audit_fixture("classes/numbered_road_said_another_way", None);
    assert_alerts(
        &alerts,
        vec![
            key("self_query", "address", "dsp1", &["h03"]),
            key("no_case", "missing", "dsp1", &["h03"]),
        ],
    );
}

/// A court's security desk runs the name of everyone who comes through, by name alone
/// (s01–s30). Later that day a visitor shares a colleague's name (d01) and another an
/// official's (d02): one name-only match among the many a desk meets is a namesake until
/// something else says otherwise, and neither is raised. The same colleague searched again
/// that day (d03, d04; d01 and d06, the second with the date of birth) is raised with both
/// lookups. Not held back: the user's own ex-partner (d05: one of the few names that are
/// the user's own), a patrol officer's name-only match at a traffic stop (p01: the
/// officer's stops give dates of birth, names alone are not its routine), and a desk in its
/// first hour (n04: three visitors are too few to call a routine).
#[test]
fn name_alone_at_a_screening_desk() {
    let alerts = audit_fixture(
        "classes/name_alone_at_a_screening_desk",
        Some("[no_case]\nexempt_purposes = [\"COURT_SCREENING\", \"TRAFFIC_STOP\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "other_unit", "desk1", &["d01", "d06"]),
            key("coworker_lookup", "other_unit", "desk1", &["d03", "d04"]),
            key("association_lookup", "ex_partner", "desk1", &["d05"]),
            key("coworker_lookup", "other_unit", "pat1", &["p01"]),
            key("coworker_lookup", "other_unit", "desk2", &["n04"]),
        ],
    );
}

/// The desk's routine is remembered from one night's audit to the next (`--state`): the
/// first visitor of the second day who shares a colleague's name is held back as on the
/// first, as one long run over both days holds it back. Without the saved state the
/// second night knows no routine yet and raises it.
#[test]
fn name_alone_at_a_screening_desk_night_by_night() {
    let fixture = crate::support::fixtures().join("classes/name_alone_at_a_screening_desk");
    let refs = fixture.join("refs");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("custodes.toml");
    write(
        &config,
        "[no_case]\nexempt_purposes = [\"COURT_SCREENING\", \"TRAFFIC_STOP\"]\n",
    );
    let first_day: String = std::fs::read_to_string(fixture.join("events.jsonl"))
        .expect("fixture")
        .lines()
        .filter(|l| l.contains("\"id\": \"s"))
        .map(|l| format!("{l}\n"))
        .collect();
    let night1 = dir.path().join("night1.jsonl");
    let night2 = dir.path().join("night2.jsonl");
    write(&night1, &first_day);
    write(
        &night2,
        "{\"id\": \"m01\", \"ts\": \"2024-05-15T08:05:00Z\", \"user\": \"desk1\", \"system\": \"SWITCH\", \"purpose\": \"COURT_SCREENING\", \"subject\": {\"name\": \"KYLE MARSHALL\"}}\n",
    );
    let run = |state: Option<&Path>, files: &[&Path], out: &str| -> Vec<Value> {
        let out = dir.path().join(out);
        let mut cmd = custodes();
        cmd.args(["audit", "--quiet", "--refs"])
            .arg(&refs)
            .arg("--config")
            .arg(&config);
        if let Some(s) = state {
            cmd.arg("--state").arg(s);
        }
        cmd.arg("--out").arg(&out).args(files).assert().success();
        read_jsonl(&out)
    };
    let state = dir.path().join("state.json");
    assert_alerts(&run(Some(&state), &[&night1], "a1.jsonl"), vec![]);
    assert_alerts(&run(Some(&state), &[&night2], "a2.jsonl"), vec![]);
    assert_alerts(&run(None, &[&night1, &night2], "long.jsonl"), vec![]);
    assert_alerts(
        &run(None, &[&night2], "alone.jsonl"),
        vec![key("coworker_lookup", "other_unit", "desk1", &["m01"])],
    );
}

/// Rural route boxes are said several ways: the incident lists `RR 3 BOX 170`, the
/// dispatcher types `RURAL ROUTE 3 BOX 170` or `R.r. 3 Box 170` (r01, r02: the incident's
/// resident, explained), and `R.R. 6 BOX 89` is the dispatcher's own `Rural Route 6 Box 89`
/// (r03). Box 171 is another house on the route (r04: nobody known).
#[test]
fn rural_route_box_said_another_way() {
    let alerts = audit_fixture("classes/rural_route_box_said_another_way", None);
    assert_alerts(
        &alerts,
        vec![
            key("self_query", "address", "dsp1", &["r03"]),
            key("no_case", "missing", "dsp1", &["r03"]),
        ],
    );
}

/// A contact-centre agent verifies whoever calls, a purpose the agency exempts from needing
/// a case, and types the claim number the caller reads out: someone else's open claim (c01)
/// or the caller's closed one (c02). Work that needs no case is not judged by the real case
/// typed with it; a claim number that does not exist refers to nothing and is still
/// `unknown_case` (c05). The same claims typed as the justification of work that needs one
/// are someone else's (c03, `not_assigned`) and closed (c04, `closed_case`).
#[test]
fn claim_number_read_out_by_a_caller() {
    let alerts = audit_fixture(
        "classes/claim_number_read_out_by_a_caller",
        Some("[no_case]\nexempt_purposes = [\"CALLER_VERIFICATION\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "agent1", &["c03"]),
            key("no_case", "closed_case", "agent1", &["c04"]),
            key("no_case", "unknown_case", "agent1", &["c05"]),
        ],
    );
}

/// A supervisor reviews a report's claim (cw1's CLM-0000101, personnel `supervisor` E10)
/// and opens the claimant it lists (v01): the team's work is the supervisor's too. The same
/// claim typed for someone it does not list (v02) is borrowed, and a claim of someone the
/// supervisor does not supervise (v03) is not theirs.
#[test]
fn supervisor_reviewing_a_reports_case() {
    let alerts = audit_fixture("classes/supervisor_reviewing_a_reports_case", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "sup1", &["v02"]),
            key("no_case", "not_assigned", "sup1", &["v03"]),
        ],
    );
}

/// A supervisor reviews a report's claims with the case number left blank or `N/A`: the
/// claimant of cw1's open claim, by person id (w01) and by name and date of birth (w02),
/// is the supervisor's review, as it is with the claim typed: set aside (counted). Nobody
/// reports to cw2, whose blank-case lookup of cw1's claimant (w05) is raised. Two days on,
/// the supervisor looks up a claimant of someone they do not supervise (w03) and one of a
/// report's claim closed since April (w04) with no case: raised, and the same day's
/// blank-case lookup of cw1's claimant (w06) is judged with them, one of the day's lookups
/// with no case. On 20 May four officers with no case and the supervisor (x05) look up the
/// same claimant within half an hour: a surge of attention (`many_users`), in which a blank
/// case tells no review from curiosity, so the supervisor's lookup is raised as `missing`
/// with the officers'.
#[test]
fn supervisor_reviewing_a_reports_case_with_no_case_typed() {
    let world = "classes/supervisor_reviewing_a_reports_case_with_no_case_typed";
    let alerts = audit_fixture(world, None);
    let mut expected = vec![
        key("no_case", "missing", "sup1", &["w03", "w04", "w06"]),
        key("no_case", "missing", "cw2", &["w05"]),
        key("no_case", "missing", "sup1", &["x05"]),
        key("subject_surge", "many_users", "sup1", &["x05"]),
    ];
    for i in 1..=4 {
        let (user, id) = (format!("ofc{i}"), format!("x0{i}"));
        expected.push(key("no_case", "missing", &user, &[&id]));
        expected.push(key("subject_surge", "many_users", &user, &[&id]));
    }
    assert_alerts(&alerts, expected);
    let (_, summary) = audit_with_summary(world, None);
    assert!(
        summary.contains("set aside  2 missing lookup(s) by supervisors of people an open case of one of their direct reports lists"),
        "{summary}"
    );
}

/// An inpatient's admission is worked by other trades besides the care team: two
/// pharmacists verify orders, two technicians enter results and a radiographer images the
/// patient (P-500), each under their exempt work, typed under the patient's own open
/// admission (a1–a5). Five people in a morning is the admission's work, not a surge of
/// attention: nothing is raised. The same five on another inpatient with no admission
/// typed (b1–b5), or typed under an admission closed ten days before (c1–c5), have nothing
/// to say whose work it was: each a surge (`many_users`), raised.
#[test]
fn staff_of_other_trades_on_an_inpatients_admission() {
    let config =
        "[no_case]\nexempt_purposes = [\"PHARMACY_VERIFICATION\", \"RESULT_ENTRY\", \"IMAGING\"]\n";
    let alerts = audit_fixture(
        "classes/staff_of_other_trades_on_an_inpatients_admission",
        Some(config),
    );
    let mut expected = Vec::new();
    for (i, user) in ["ph1", "ph2", "lab1", "lab2", "rad1"].iter().enumerate() {
        for tag in ["b", "c"] {
            let id = format!("{tag}{}", i + 1);
            expected.push(key("subject_surge", "many_users", user, &[&id]));
        }
    }
    assert_alerts(&alerts, expected);
}

/// A motor-vehicle office serves one customer (P-700) at five counters in a morning: each
/// clerk looks the customer up and then issues what they came for (a renewal, an ID card)
/// under the same exempt purpose (a1–a5, each with its change a1w–a5w), and a manager
/// reviews one transaction (a6). Five people on one person in an hour is the customer's
/// own business with the office: nothing is raised. The next day five clerks look up
/// another customer (b1–b5) before any of them has served them: for a moment a surge, which
/// dissolves as the first of them renews the registration (b1w–b5w). A famous customer
/// looked up by four clerks and the manager, none serving them (c1–c5), is a surge; so is
/// one looked up by four (d1–d4) and changed by a fifth with no purpose or case at all
/// (d5, also `missing`): a change under no exempt work serves nobody. A clerk who renewed a
/// licence just before midnight (e1, e1w) and opens it again after it (e2) is still serving
/// that customer when four others look them up (e3–e6): four people's attention, not five,
/// the same when each night is audited alone with `--state`.
#[test]
fn customer_served_at_several_counters() {
    let config = "[no_case]\nexempt_purposes = [\"DL_RENEWAL\", \"REGISTRATION_RENEWAL\", \"ID_CARD\", \"TRANSACTION_REVIEW\", \"CUSTOMER_SERVICE\"]\n";
    let world = "classes/customer_served_at_several_counters";
    let alerts = audit_fixture(world, Some(config));
    let mut expected = vec![key("no_case", "missing", "k5", &["d5"])];
    for (i, user) in ["k1", "k2", "k3", "k4", "mgr1"].iter().enumerate() {
        expected.push(key(
            "subject_surge",
            "many_users",
            user,
            &[&format!("c{}", i + 1)],
        ));
    }
    for (i, user) in ["k1", "k2", "k3", "k4", "k5"].iter().enumerate() {
        expected.push(key(
            "subject_surge",
            "many_users",
            user,
            &[&format!("d{}", i + 1)],
        ));
    }
    assert_alerts(&alerts, expected.clone());
    assert_alerts(&audit_night_by_night(world, Some(config)), expected);
}

/// A nurse's single sign-on session roams: logged in at the ward station (r1, r2), she badges
/// into the clinic's exam-room computer (r3) and the system writes her logout at the ward
/// station a minute later (r4), then she works on in the clinic (r5). The logout ends the
/// old session; it is no return to the ward station, so nothing is raised. A login used at
/// the ward, then the clinic, then the ward again within five minutes (s1–s3) is in use at
/// two places at once: raised, and the session's logout at the clinic after it (s4) is no
/// further return.
#[test]
fn sign_on_roaming_between_workstations() {
    let config = "[no_case]\nexempt_purposes = [\"TREATMENT\"]\n";
    let alerts = audit_fixture("classes/sign_on_roaming_between_workstations", Some(config));
    assert_alerts(
        &alerts,
        vec![key(
            "shared_credential",
            "concurrent_clients",
            "sh1",
            &["s1", "s2", "s3"],
        )],
    );
}

/// A nurse of the hospital (rn9) is admitted, and so is a celebrity on the watch list
/// (P-950). The pharmacist verifying rn9's order (c1) and the radiographer imaging the
/// celebrity (c2), each under exempt work typed under the patient's own open admission, do
/// the admission's work: not raised. The same two with no admission typed (c3, c4) are a
/// look at a colleague and at a listed person: raised. A technician's write of a result to
/// the colleague's record under the admission (c5) is the admission's work too: entering a
/// result is the trade's; the same write with no admission typed (c6) is a colleague's
/// record altered, raised as the lookup it is and as `record_change`.
#[test]
fn colleague_and_celebrity_admitted_and_seen_by_other_trades() {
    let config =
        "[no_case]\nexempt_purposes = [\"PHARMACY_VERIFICATION\", \"RESULT_ENTRY\", \"IMAGING\"]\n";
    let alerts = audit_fixture(
        "classes/colleague_and_celebrity_admitted_and_seen_by_other_trades",
        Some(config),
    );
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "other_unit", "ph1", &["c3"]),
            key("watchlist_lookup", "celebrity", "rad1", &["c4"]),
            key("coworker_lookup", "other_unit", "lab1", &["c6"]),
            key("coworker_lookup", "record_change", "lab1", &["c6"]),
        ],
    );
}

/// A benefits agency's filing deadline: twelve caseworkers work about 40 lookups a day for
/// eight days, then all of them about three and a half times that on the deadline (day 9).
/// Nobody is raised for it: it is the agency's day, not anyone's. On that day cw01 does 600,
/// fifteen times their usual and over four times the deadline's pace, and is raised; the
/// deadline in the history does not hide cw12's 150 lookups on the ordinary day after it
/// either. (Ten times their usual would be under three times the deadline's pace, the
/// minimum ratio: on such a day it is not out of the ordinary enough.)
#[test]
fn filing_deadline_day_across_the_agency() {
    let users: Vec<String> = (1..=12).map(|i| format!("cw{i:02}")).collect();
    let names: Vec<&str> = users.iter().map(String::as_str).collect();
    let mut ev = String::new();
    for day in 1..=10usize {
        for (i, u) in names.iter().enumerate() {
            let usual = 40 + (i * 7 + day * 3) % 9 - 4;
            let n = match (day, *u) {
                (9, "cw01") => 600,
                (9, _) => usual * 7 / 2,
                (10, "cw12") => 150,
                _ => usual,
            };
            // Spread over nine hours of the working day: no burst, no odd hour.
            let step = 9 * 3600 / n;
            for k in 0..n {
                let s = 8 * 3600 + k * step + i;
                let ts = format!(
                    "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
                    s / 3600,
                    s / 60 % 60,
                    s % 60
                );
                lookup(&mut ev, &format!("{u}-{day}-{k}"), &ts, u, "R-1", 2);
            }
        }
    }
    let (dir, alerts) = audit_built(&unit_refs(&names, "CLAIMS"), &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![
            ("daily_count".to_string(), "cw01".to_string()),
            ("daily_count".to_string(), "cw12".to_string()),
        ]
    );
    // The summary says which day was judged at the agency's pace.
    let summary = summary_of(&dir);
    assert!(
        summary.contains("daily counts judged at the agency's pace on 1 day(s) when most users were busier than usual: 2024-05-09 (3."),
        "{summary}"
    );
    // The deadline is stated in cw01's reason and evidence.
    let cw01 = alerts
        .iter()
        .find(|a| a["user"] == "cw01" && a["kind"] == "daily_count")
        .expect("cw01's alert");
    let effect = cw01["evidence"]["agency_day"]["effect"]
        .as_f64()
        .unwrap_or_else(|| panic!("agency_day.effect in {}", cw01["evidence"]));
    assert!((3.0..4.0).contains(&effect), "{effect}");
    assert_eq!(cw01["evidence"]["agency_day"]["users"], 12);
    assert!(
        cw01["reason"]
            .as_str()
            .is_some_and(|r| r.contains("at the agency's usual pace")),
        "{}",
        cw01["reason"]
    );
}

/// A supervisor's standing reports name nobody and carry no case: the caseload of their
/// own unit (u01, `UNIT=CAP-SNAP`) and its callback queue (u02, `TEAM='cap snap'`, the same
/// code however written) are views of the unit's own work, as a case would be. Another
/// unit's caseload (u03) is not theirs; a records clerk's free-text person export (u04)
/// names no unit even though its words include `RECORDS`, the clerk's unit; a lookup of a
/// person (u05) is a lookup whatever else its text says. A report scoped to the clerk's
/// own section (u06) is theirs.
#[test]
fn report_on_the_users_own_unit() {
    let alerts = audit_fixture("classes/report_on_the_users_own_unit", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "missing", "rec1", &["u04"]),
            key("no_case", "missing", "sup1", &["u03", "u05"]),
        ],
    );
}

/// An interface job's nightly batches: 200 lookups in under seven minutes on each of
/// `nights`, then, if `runaway`, 1,000 in ten minutes on the night after.
fn interface_job_nights(nights: std::ops::RangeInclusive<usize>, runaway: bool) -> String {
    let mut ev = String::new();
    let last = *nights.end();
    let runs = nights
        .map(|day| (day, 200, 2.0))
        .chain(runaway.then_some((last + 1, 1000, 0.6)));
    for (day, n, step) in runs {
        for k in 0..n {
            let s = (3.0 * 3600.0 + k as f64 * step) as usize;
            let ts = format!(
                "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            lookup(&mut ev, &format!("j{day}-{k}"), &ts, "svc1", "R-1", 1);
        }
    }
    ev
}

/// The days (`YYYY-MM-DD`) of a run's `burst` alerts, in order.
fn burst_days(alerts: &[Value]) -> Vec<String> {
    alerts
        .iter()
        .filter(|a| a["kind"] == "burst")
        .map(|a| a["window_start"].as_str().unwrap_or_default()[..10].to_string())
        .collect()
}

/// An interface job's login runs its nightly batch: 200 lookups in under seven minutes,
/// every night. Its first three nights are raised, as any such pace is with nothing to
/// compare it with; from the fourth, its own ordinary nights say that this pace is its job.
/// On the eighth night it runs 1,000 in ten minutes, five times its usual run, and is raised
/// again.
#[test]
fn nightly_interface_job_at_machine_pace() {
    let ev = interface_job_nights(1..=7, true);
    let (_dir, alerts) = audit_built(&unit_refs(&["svc1"], "IT-BATCH"), &ev);
    assert_eq!(
        burst_days(&alerts),
        vec!["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-08"]
    );
    let last = alerts
        .iter()
        .rfind(|a| a["kind"] == "burst")
        .expect("the eighth night's burst");
    assert_eq!(last["evidence"]["machine_pace"], 200.0);
    assert_eq!(last["evidence"]["threshold_all_systems"], 800);
}

/// The same job audited night by night with `--state`: the state carries the job's pace,
/// so its fourth night is as quiet as in one long run.
#[test]
fn nightly_interface_job_at_machine_pace_night_by_night() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in unit_refs(&["svc1"], "IT-BATCH") {
        write(&dir.path().join("refs").join(name), &text);
    }
    let state = dir.path().join("state.json");
    let run = |nights: std::ops::RangeInclusive<usize>, name: &str| -> Vec<Value> {
        let events = dir.path().join(format!("{name}.jsonl"));
        write(&events, &interface_job_nights(nights, false));
        let out = dir.path().join(format!("{name}-alerts.jsonl"));
        custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(dir.path().join("refs"))
            .arg("--state")
            .arg(&state)
            .arg("--out")
            .arg(&out)
            .arg(&events)
            .assert()
            .success();
        read_jsonl(&out)
    };
    assert_eq!(
        burst_days(&run(1..=3, "first")),
        vec!["2024-05-01", "2024-05-02", "2024-05-03"]
    );
    assert_eq!(burst_days(&run(4..=4, "fourth")), Vec::<String>::new());
}

/// An overtime Saturday: twelve caseworkers in four units work 14:00–22:00 (UTC) on five
/// weekdays; on the Saturday one from each unit comes in from 08:00 to 11:00, hours none of
/// them ever works. Four users off their hours at the same hours, from four units (so no
/// unit's shift changed), on a day when the weekdays saw nobody off their hours, is the
/// agency's schedule: none of them is raised. A fifth user's twelve lookups at 02:00 that
/// Saturday, at hours nobody shares, is still raised.
#[test]
fn overtime_saturday_across_units() {
    let users: Vec<String> = (1..=12).map(|i| format!("cw{i:02}")).collect();
    let mut personnel = PERSONNEL_HEADER.to_string();
    let mut assignments = String::from("case_id,user,from,to\n");
    for (i, u) in users.iter().enumerate() {
        let _ = writeln!(
            personnel,
            "{u},E{i},P-E{i},Member{i},Alex,1980-01-{:02},,,,UNIT {},,HQ,active,",
            i + 1,
            i % 4
        );
        let _ = writeln!(assignments, "C-1,{u},2024-01-01,");
    }
    let refs = vec![
        ("personnel.csv", personnel),
        (
            "cases.csv",
            "case_id,status,opened,closed,unit\nC-1,open,2024-01-01,,UNIT 0\n".to_string(),
        ),
        ("case_assignments.csv", assignments),
    ];
    let at = |day: usize, minute: usize, sec: usize| {
        format!(
            "2024-05-{day:02}T{:02}:{:02}:{sec:02}Z",
            minute / 60,
            minute % 60
        )
    };
    let mut ev = String::new();
    // Monday 6 May to Friday 10 May: 40 lookups each between 14:00 and 22:00.
    for day in 6..=10usize {
        for (i, u) in users.iter().enumerate() {
            for k in 0..40usize {
                let id = format!("{u}-{day}-{k}");
                lookup(&mut ev, &id, &at(day, 14 * 60 + k * 12, i), u, "R-1", 2);
            }
        }
    }
    // Saturday 11 May: cw01–cw04 (one from each unit) from 08:00, cw05 at 02:00.
    for (i, u) in users.iter().enumerate().take(5) {
        let start = if i == 4 { 2 * 60 } else { 8 * 60 };
        for k in 0..12usize {
            let id = format!("{u}-11-{k}");
            lookup(&mut ev, &id, &at(11, start + k * 4, i), u, "R-1", 2);
        }
    }
    let (dir, alerts) = audit_built(&refs, &ev);
    assert_eq!(
        volume_kinds(&alerts),
        vec![("off_hours".to_string(), "cw05".to_string())]
    );
    // Nothing is set aside without a word: the summary counts the four.
    let summary = summary_of(&dir);
    assert!(
        summary.contains("set aside  4 off_hours finding(s) on days when a unit's shift changed or the agency's hours moved"),
        "{summary}"
    );
}

/// The logs' first day: ten caseworkers of the unit CAP-SNAP return a handful of rows a
/// lookup, and their supervisor runs the unit's caseload report (1,200 rows). With no
/// history to say what is usual, the report is judged by its scope: the unit's 300 cases
/// list 1,500 people, so 1,200 rows are within it and not an `export`. The same report
/// returning 20,000 rows is more than the unit holds, and a caseworker's free-text export
/// of 1,200 person records names no unit, so it is no report on their own: both are
/// raised.
#[test]
fn caseload_report_on_the_logs_first_day() {
    let mut personnel = PERSONNEL_HEADER.to_string();
    let mut assignments = String::from("case_id,user,from,to\n");
    let mut cases = String::from("case_id,status,opened,closed,unit\n");
    let mut subjects =
        String::from("case_id,person_id,last_name,first_name,dob,address,phone,plate\n");
    let workers: Vec<String> = (1..=10).map(|i| format!("cw{i:02}")).collect();
    for (i, u) in workers
        .iter()
        .chain(["sup1".to_string()].iter())
        .enumerate()
    {
        let _ = writeln!(
            personnel,
            "{u},E{i},P-E{i},Member{i},Alex,1980-01-{:02},,,,CAP-SNAP,,CAP,active,",
            i + 1
        );
    }
    let _ = writeln!(
        personnel,
        "cw11,E90,P-E90,Clerk,Sam,1975-03-04,,,,CAP-SNAP,,CAP,active,"
    );
    for c in 0..300 {
        let _ = writeln!(cases, "C-{c},open,2024-01-01,,CAP-SNAP");
        let _ = writeln!(assignments, "C-{c},{},2024-01-01,", workers[c % 10]);
        for k in 0..5 {
            let _ = writeln!(subjects, "C-{c},R-{c}-{k},Person{c},Kim{k},1990-01-01,,,");
        }
    }
    let refs = vec![
        ("personnel.csv", personnel),
        ("cases.csv", cases),
        ("case_assignments.csv", assignments),
        ("case_subjects.csv", subjects),
    ];
    let mut ev = String::new();
    for (i, u) in workers.iter().enumerate() {
        for k in 0..20 {
            let c = i + 10 * k;
            let _ = writeln!(
                ev,
                r#"{{"id":"{u}-{k}","ts":"2024-05-06T{:02}:{:02}:00Z","user":"{u}","subject_person_id":"R-{c}-0","case_id":"C-{c}","result_count":{}}}"#,
                14 + k / 6,
                (k % 6) * 10,
                1 + k % 8
            );
        }
    }
    let report = |id: &str, user: &str, minute: u32, rows: u32, text: &str| {
        format!(
            r#"{{"id":"{id}","ts":"2024-05-06T15:{minute:02}:00Z","user":"{user}","action":"export","purpose":"MANAGEMENT_REPORT","result_count":{rows},"query_text":"{text}"}}"#
        )
    };
    let _ = writeln!(
        ev,
        "{}",
        report("x01", "sup1", 5, 1200, "REPORT=UNIT_CASELOAD UNIT=CAP-SNAP")
    );
    let _ = writeln!(
        ev,
        "{}",
        report(
            "x02",
            "sup1",
            7,
            20000,
            "REPORT=UNIT_CASELOAD UNIT=CAP-SNAP"
        )
    );
    let _ = writeln!(
        ev,
        "{}",
        report(
            "x03",
            "cw11",
            9,
            1200,
            "EXPORT PERSON RECORDS WHERE CITY=CAP"
        )
    );
    let (_dir, alerts) = audit_built(&refs, &ev);
    let exports: Vec<(String, Vec<String>)> = alerts
        .iter()
        .filter(|a| a["kind"] == "export")
        .map(|a| {
            let ids = a["event_ids"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            (a["user"].as_str().unwrap_or_default().to_string(), ids)
        })
        .collect();
    assert_eq!(
        exports,
        vec![
            ("sup1".to_string(), vec!["x02".to_string()]),
            ("cw11".to_string(), vec!["x03".to_string()]),
        ]
    );
}

/// A data-match job's login: a personnel row that names no person (no person id, date of
/// birth, address, phone or plate), beside three people whose rows do. Every night it runs
/// 150 lookups in five minutes under the exempt purpose `BATCH_MATCH` and writes a 20,000-row
/// result; on the fourth night its run meets a celebrity, and on the sixth its weekly load
/// returns 150,000 rows. None of that is raised: a job's first nights have no person's pace
/// to be judged against, its load is judged against its own results rather than the bar of
/// results always reported (a person's), and a job's run is nobody's curiosity. What is
/// raised: the eighth night's runaway of 1,000 lookups in ten minutes, against the job's own
/// runs (a burst, and a day of 6.7 times its usual count and breadth), and a lookup of the
/// celebrity on the job's login with no purpose: someone using it by hand.
#[test]
fn data_match_job_on_a_service_account() {
    let mut personnel = PERSONNEL_HEADER.to_string();
    for i in 1..=3 {
        let _ = writeln!(
            personnel,
            "cw{i},E{i},P-E{i},Member{i},Alex,1980-01-0{i},,,,ELIG,,HQ,active,"
        );
    }
    personnel
        .push_str("svc_match,SVC-MATCH,,SERVICE ACCOUNT,WAGE MATCH JOB,,,,,IT-BATCH,,DC,active,\n");
    let refs = vec![
        ("personnel.csv", personnel),
        (
            "watchlist.csv",
            "person_id,last_name,first_name,dob,category\nP-STAR,Brightwater,Celestine,1975-06-01,celebrity\n"
                .to_string(),
        ),
    ];
    let mut ev = String::new();
    let line = |ev: &mut String, id: &str, ts: &str, person: &str, purpose: &str, rows: u32| {
        let _ = writeln!(
            ev,
            r#"{{"id":"{id}","ts":"{ts}","user":"svc_match","subject_person_id":"{person}","purpose":"{purpose}","result_count":{rows}}}"#
        );
    };
    for day in 1..=8usize {
        let (n, step) = if day == 8 { (1000, 0.6) } else { (150, 2.0) };
        for k in 0..n {
            let s = (3.0 * 3600.0 + k as f64 * step) as usize;
            let ts = format!(
                "2024-05-{day:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            let person = if day == 4 && k == 7 {
                "P-STAR".to_string()
            } else {
                format!("P-{day}-{k}")
            };
            line(
                &mut ev,
                &format!("j{day}-{k}"),
                &ts,
                &person,
                "BATCH_MATCH",
                1,
            );
        }
        let rows = if day == 6 { 150_000 } else { 20_000 };
        line(
            &mut ev,
            &format!("load{day}"),
            &format!("2024-05-{day:02}T04:00:00Z"),
            "",
            "BATCH_MATCH",
            rows,
        );
    }
    line(&mut ev, "byhand", "2024-05-08T14:00:00Z", "P-STAR", "", 1);
    let config = "[no_case]\nexempt_purposes = [\"BATCH_MATCH\"]\n";
    let (dir, alerts) = audit_built_with_config(&refs, &ev, config);
    let kinds: Vec<(String, String, String)> = alerts
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or_default().to_string(),
                a["window_start"].as_str().unwrap_or_default()[..10].to_string(),
                a["event_ids"][0].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("burst".into(), "2024-05-08".into(), "j8-0".into()),
            (
                "distinct_subjects".into(),
                "2024-05-08".into(),
                "j8-0".into()
            ),
            ("daily_count".into(), "2024-05-08".into(), "j8-0".into()),
            ("missing".into(), "2024-05-08".into(), "byhand".into()),
            ("celebrity".into(), "2024-05-08".into(), "byhand".into()),
        ],
        "{alerts:#?}"
    );
    let burst = &alerts[0];
    assert_eq!(burst["evidence"]["machine_pace"], 150.0);
    assert_eq!(burst["evidence"]["threshold_all_systems"], 600);
    assert!(
        summary_of(&dir).contains("1 login(s) name no person")
            && summary_of(&dir).contains("svc_match"),
        "the run says which logins it judged as service accounts"
    );
}

/// A contact-centre agent's emergency contacts are known only by name and a phone
/// (Marisol) or an address (Ondine), a name other known people bear too. Callers of those
/// names are looked up by person id, or by name and date of birth. The record opened says
/// who each is: a caller whose claim lists another phone (a01, and a06 by name and date of
/// birth) or another home (a03) is someone else of that name and raises nothing; one whose
/// claim lists the relative's phone (a02) or home (a05) is the relative; one whose record
/// carries nothing to compare (a04) is judged by the name, as before.
#[test]
fn caller_sharing_a_relatives_name() {
    let alerts = audit_fixture(
        "classes/caller_sharing_a_relatives_name",
        Some("[no_case]\nexempt_purposes = [\"CALLER_VERIFICATION\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("association_lookup", "family", "agent1", &["a02", "a04"]),
            key("association_lookup", "family", "agent1", &["a05"]),
        ],
    );
}

/// Officers type their case's serial alone: `1858` for `PP-2024-001858`, though another
/// kind of case (`IN-2020-001858`) has the same serial. The serial is read as the case the
/// context names: the user's own (s01, explained), else one listing the person looked up (s02:
/// a colleague's case, `not_assigned`); a serial no case has is `unknown_case` (s03), and so
/// is one the context does not settle (s06: `999` typed to fill the field, though a
/// colleague's case of that serial lists someone else); the user's own case typed for
/// someone it does not list is a cover (s04). The colleague's own lookup under the same
/// serial is explained (s05). A small unit's serial has two digits: `#97` for the officer's
/// own `INV-2025-0097` is that case (s07, explained); `24`, the serial of a colleague's case
/// that lists someone else, is settled by nothing and stays `unknown_case` (s08).
/// The lookup under the user's own case that does not list the person (s04) is typed an
/// hour and three quarters after the case's own: amid them it would be the case's scene
/// (`people_met_at_the_scene_of_the_users_case`).
#[test]
fn case_serial_typed_alone() {
    let alerts = audit_fixture("classes/case_serial_typed_alone", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "ppo1", &["s02"]),
            key("no_case", "unknown_case", "ppo1", &["s03"]),
            key("no_case", "unknown_case", "ppo1", &["s06"]),
            key("no_case", "unknown_case", "ppo1", &["s08"]),
            key("no_case", "subject_not_in_case", "ppo1", &["s04"]),
        ],
    );
    let s02 = alerts
        .iter()
        .find(|a| a["kind"] == "not_assigned")
        .expect("s02");
    assert_eq!(s02["evidence"]["case"]["case_id"], "PP-2023-000572");
    assert_eq!(s02["evidence"]["case_id"], "572", "the id as typed is kept");
}

/// An ankle-monitor interface (a personnel row that names no person) relays each alert
/// under the supervision case of the offender: no case is assigned to a job, so the case
/// is a reference, judged for existence and for whom it lists, not for whose it is (g01
/// raises nothing). The case typed for someone it does not list (g02) and a case that does
/// not exist (g03) are raised; the same case typed by a person who is not assigned to it
/// (g04) is still `not_assigned`.
#[test]
fn ankle_monitor_interface_names_the_supervision_case() {
    let alerts = audit_fixture(
        "classes/ankle_monitor_interface_names_the_supervision_case",
        None,
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "subject_not_in_case", "svc_gps", &["g02"]),
            key("no_case", "unknown_case", "svc_gps", &["g03"]),
            key("no_case", "not_assigned", "ppo2", &["g04"]),
        ],
    );
}

/// Custody officers type the DOC number as it comes: `291859`, `doc 291859`, `0291859`
/// for the `DOC-291859` the watch list writes. Each is that person, the one known id that
/// reads so; an id no table knows in any form (d04) is nobody known.
#[test]
fn doc_number_typed_without_its_prefix() {
    let alerts = audit_fixture("classes/doc_number_typed_without_its_prefix", None);
    assert_alerts(
        &alerts,
        vec![
            key(
                "watchlist_lookup",
                "official",
                "co1",
                &["d01", "d02", "d03"],
            ),
            key("no_case", "missing", "co1", &["d01", "d02", "d03", "d04"]),
        ],
    );
}

/// A probation officer works a unit colleague's caseload: on Monday ppo1 looks up the
/// offenders two of ppo2's cases list, under those cases (c01, c02), and on Thursday at
/// 05:00 UTC two more (c13, c14), though ppo2 worked until 23:30 the evening before: a
/// caseload, whether its officer is on a vacation HR never recorded or asleep after a late
/// visit, set aside and counted in the summary. What is still raised is a case, not a
/// caseload: ppo3's one case on Monday (c03, judged when the day ends); ppo2's one case on
/// Tuesday (c08) and on Wednesday, twice (c11, c12); an absent colleague's case typed for
/// someone it does not list (c04); and another unit's officer (c05). A caseload handed over
/// on 1 March to ppo4 is ppo4's the week before (c09), not ten days before (c10). Audited
/// night by night with `--state`, the alerts are the same.
#[test]
fn caseload_of_a_unit_colleague() {
    assert_set_aside(
        "classes/caseload_of_a_unit_colleague",
        vec![
            key("no_case", "not_assigned", "ppo1", &["c03"]),
            key("no_case", "not_assigned", "ppo1", &["c04"]),
            key("no_case", "not_assigned", "ppo4", &["c05"]),
            key("no_case", "not_assigned", "ppo1", &["c08"]),
            key("no_case", "not_assigned", "ppo4", &["c10"]),
            key("no_case", "not_assigned", "ppo1", &["c11", "c12"]),
        ],
        &["set aside  4 not_assigned lookup(s) of people listed by the cases of a colleague"],
    );
}

/// A records unit answers courts', employers' and victims' requests about discharged cases:
/// every lookup is under a closed case, of the person that case lists. On the first day
/// three such requests by two of its clerks (r01, r02, r03: the case and the purpose typed
/// every way) make it the unit's work under `RECORDS_REQUEST`, and they are set aside when
/// the day ends; so is a request two days later (r09), audited night by night or not. An
/// officer running a discharged offender under the old case (r04), a clerk typing a closed
/// case that does not list the person (r05), and one archivist alone doing the same work
/// (r06–r08: one login's habit is no unit's practice) are raised.
#[test]
fn records_requests_on_closed_cases() {
    assert_closed_work(
        "classes/records_requests_on_closed_cases",
        vec![
            key("no_case", "closed_case", "ppo1", &["r04"]),
            key("no_case", "closed_case", "rec3", &["r05"]),
            key("no_case", "closed_case", "arc1", &["r06"]),
            key("no_case", "closed_case", "arc1", &["r07"]),
            key("no_case", "closed_case", "arc1", &["r08"]),
        ],
        4,
    );
}

/// The closed-case fixtures' promise: exactly `expected` raised, `set_aside` lookups counted
/// in the summary as a unit's practice, and the same alerts night by night (the unit's
/// counts carried in the state).
fn assert_closed_work(world: &str, expected: Vec<Key>, set_aside: u32) {
    assert_set_aside(
        world,
        expected,
        &[&format!("set aside  {set_aside} closed_case lookup(s)")],
    );
}

/// The promise of a fixture whose lookups are held until the day ends: exactly `expected`
/// raised, each of `summary` in the run's summary (what was set aside, and why), and the
/// same alerts night by night (what decides it carried in the state).
fn assert_set_aside(world: &str, expected: Vec<Key>, summary: &[&str]) {
    assert_set_aside_with(world, None, expected, summary);
}

/// [`assert_set_aside`] with the world's configuration.
fn assert_set_aside_with(
    world: &str,
    config: Option<&str>,
    mut expected: Vec<Key>,
    summary: &[&str],
) {
    let alerts = audit_fixture(world, config);
    let keys = alert_keys(&alerts);
    expected.sort();
    assert_eq!(keys, expected, "{alerts:#?}");
    let (_, said) = audit_with_summary(world, config);
    for line in summary {
        assert!(said.contains(line), "{said}");
    }
    assert_eq!(alert_keys(&audit_night_by_night(world, config)), keys);
}

/// A motor-vehicle agency's records desk (rc1, rc2) answers ten open requests a day and,
/// every day, re-issues a certified copy on one of its own closed requests (r1–r7): one
/// lookup in eleven, far from half its work, but steady. Four days are no routine yet (an
/// occasion of misuse can last as long), and the desk is new to the logs: the first four
/// days' re-issues are held over until it has worked five days (`held over`), and from the
/// fifth, with re-issues on five of five days by both clerks, all seven are set aside
/// (counted); so is a clerk's request on another unit's closed fraud case that lists its
/// person (x1): a records desk answers for any closed case. The same desk typing a closed
/// fraud case for the colleague it lists (x2, a fraud investigator) is raised: a colleague
/// is never a unit's routine. Audited night by night, the same.
#[test]
fn reissues_on_a_desks_own_closed_requests() {
    assert_closed_work(
        "classes/reissues_on_a_desks_own_closed_requests",
        vec![
            key("coworker_lookup", "other_unit", "rc2", &["x2"]),
            key("no_case", "closed_case", "rc2", &["x2"]),
        ],
        8,
    );
}

/// A clinic's one physician (doc1) sees six patients of open visits a day and, every day,
/// reads a result that reached one of the clinic's closed visits (r1–r7): one login alone,
/// so a practice only once it has gone on five days. The clinic is new to the logs, so the
/// first four are held over until then, and all seven are set aside (counted), as is a
/// result reaching a closed intensive-care stay of another unit's on the seventh day (x1).
/// The closed stay of an intensive-care nurse, a colleague, looked up the same evening (x2)
/// is raised.
#[test]
fn results_on_a_lone_physicians_closed_visits() {
    assert_closed_work(
        "classes/results_on_a_lone_physicians_closed_visits",
        vec![
            key("coworker_lookup", "other_unit", "doc1", &["x2"]),
            key("no_case", "closed_case", "doc1", &["x2"]),
        ],
        8,
    );
}

/// A colleague is a patient like anyone else once a case of her care lists her. The
/// clinic's physician (doc1, the previous fixture's lone physician, reading results that
/// reach closed visits as his steady practice) saw an intensive-care nurse (nur2) in a visit
/// closed the week before, and reads her result on the seventh day (y1): his own patient's
/// visit, the case he held, so neither the colleague nor the closed case is raised. The
/// business office (bill1, bill2) works nothing but discharged visits under `BILLING`, its
/// trade from the first day (b1–b7); her visit's statement among them (y2) is the office's
/// work too. The other nurse's intensive-care stay, which doc1 never held, is still raised
/// (x2). Audited night by night, the same.
#[test]
fn colleague_patient_followed_up_and_billed() {
    assert_set_aside(
        "classes/colleague_patient_followed_up_and_billed",
        vec![
            key("coworker_lookup", "other_unit", "doc1", &["x2"]),
            key("no_case", "closed_case", "doc1", &["x2"]),
        ],
        &[
            "set aside  17 closed_case lookup(s)",
            "set aside  2 coworker_lookup finding(s) of a colleague under a closed case",
        ],
    );
}

/// A resident (res1) sees the patient an attending (att1) admits each day, for seven days:
/// the assignment table never names residents, so every one of their lookups is under a case
/// they are not assigned to. Four days are no practice yet (a borrowed case can go on as
/// long), and the resident is new to the logs: the first four days are held over until the
/// fifth, when, with all their work on five of five days under other people's cases, all
/// seven lookups are their role's routine and set aside (counted). On the sixth day the
/// resident opens the chart of an ICU nurse admitted under the attending (r-nur1): a
/// colleague is never routine work, raised as `not_assigned` and `other_unit`. A physician
/// (doc2) with three patients of his own a day opens one of the attending's on his first
/// day in the logs (x-doc2-first): held over too, and raised on his fifth day of work, when
/// his work has shown no such practice, with its own day's window; and another on the sixth
/// (x-doc2): a borrowed case, raised that night. Audited night by night, the same.
#[test]
fn residents_on_an_attendings_patients() {
    assert_set_aside(
        "classes/residents_on_an_attendings_patients",
        vec![
            key("no_case", "not_assigned", "doc2", &["x-doc2-first"]),
            key("no_case", "not_assigned", "res1", &["r-nur1"]),
            key("coworker_lookup", "other_unit", "res1", &["r-nur1"]),
            key("no_case", "not_assigned", "doc2", &["x-doc2"]),
        ],
        &[
            "set aside  7 not_assigned lookup(s) of people the case lists",
            "held over  5 closed_case or not_assigned lookup(s)",
            "4 set aside once it showed (counted above), 1 raised without it",
            "other people's cases are the work of 1 login(s), to confirm they are such a role: res1\n",
        ],
    );
}

/// A resident (res2) works the patients of a team that lists them for eight days, then starts
/// a new rotation with an attending (att1) whose team never names residents: from the ninth
/// day every lookup is under the attending's cases (r9-0 to r14-2). Judged over the whole
/// window, eight days of their own patients would hide the new work for weeks; judged over
/// its latest days, it is their work once it has gone on five days, and each day that looked
/// like it (a third or more of the day under other people's cases) is held over until then:
/// all eighteen set aside. A cardiologist (doc3) of three patients of his own a day opens two
/// of the attending's on the ninth (x-doc3-0, x-doc3-1): a day that looks like it too, held
/// over, and raised on his fifth day of work after it, when nothing followed. (Another
/// physician of the attending's own unit doing so would be working a colleague's caseload:
/// `caseload_of_a_unit_colleague`.) Audited night by night, the same.
#[test]
fn resident_starting_a_new_rotation() {
    assert_set_aside(
        "classes/resident_starting_a_new_rotation",
        vec![
            key("no_case", "not_assigned", "doc3", &["x-doc3-0"]),
            key("no_case", "not_assigned", "doc3", &["x-doc3-1"]),
        ],
        &[
            "set aside  18 not_assigned lookup(s) of people the case lists",
            "held over  14 closed_case or not_assigned lookup(s)",
            "12 set aside once it showed (counted above), 2 raised without it",
            "other people's cases are the work of 1 login(s), to confirm they are such a role: res2\n",
        ],
    );
}

/// Six officers type a celebrity's name alone (`MONROE, TAYLOR`, no birth date) within three
/// hours, with no case. One namesake, a case subject born in 1936, bears the name too: the
/// name is still the celebrity's to a surge, and each officer is raised as `many_users`.
/// The same six typing an official's name that two case subjects also bear (`KING, ROSE`)
/// make no surge: the name alone says nobody in particular (each lookup of a watch-listed
/// name is still `watchlist_lookup`'s).
#[test]
fn celebrity_searched_by_name_alone_with_a_namesake() {
    let alerts = audit_fixture(
        "classes/celebrity_searched_by_name_alone_with_a_namesake",
        None,
    );
    let surges: Vec<Value> = alerts
        .iter()
        .filter(|a| a["kind"] == "many_users")
        .cloned()
        .collect();
    let expected = (1..=6)
        .map(|i| {
            let user = format!("pat{i}");
            let id = format!("m{i:02}");
            key("subject_surge", "many_users", &user, &[&id])
        })
        .collect();
    assert_alerts(&surges, expected);
}

/// A port's inspectors type the inspection ticket in the case field (`T250303-0297`), a
/// dispatcher a note (`see CAD`), under work the agency exempts: that work's own reference,
/// not a case, so not a case that does not exist. Written as the agency writes its case
/// numbers (`hp-2025-999999`, the agency's being `HP-…` and `CIB-…`) and matching none, it
/// is made up, exempt work or not; and work that is not exempt needs a case, whatever was
/// typed (t04).
#[test]
fn inspection_ticket_typed_in_the_case_field() {
    let config = "[no_case]\nexempt_purposes = [\"PORT_INSPECTION\", \"DISPATCH\"]\n";
    let alerts = audit_fixture(
        "classes/inspection_ticket_typed_in_the_case_field",
        Some(config),
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "unknown_case", "insp1", &["t03"]),
            key("no_case", "unknown_case", "tpr1", &["t04"]),
        ],
    );
}

/// Officers type the call's dispatch number (`C250908-0011`) in the case field, where the
/// agency's cases are numbered `25-500101`, each for the person their own case lists. The
/// first five are raised: a number that names no case is a made-up one until others show
/// the form is another system's. Once five other logins have typed numbers of that form
/// for their own cases' people, the sixth officer's (a6), and the first officer's next
/// (a7), are that system's number typed routinely: not raised, also night by night. A
/// number of that form for a person no case of the officer's lists (c2), one written as the
/// agency's that names no case (c3), and another agency's number no one else types, for
/// the officer's own case's person (c4), are raised whoever was looked up. Someone no table
/// knows under a number of the routine form, a car at the call (s1, `XKJ 4411`) or a
/// caller (s2), is the call's too: not raised. Raised: a plate no table knows under such a
/// number before the form was routine (s0), under a note (s3, `see CAD`), and under a form
/// no one else types (s4).
#[test]
fn dispatch_incident_number_typed_for_the_calls_person() {
    let world = "classes/dispatch_incident_number_typed_for_the_calls_person";
    let mut expected: Vec<_> = (1..=5)
        .map(|i| (format!("ofc{i}"), format!("a{i}")))
        .collect();
    expected.push(("ofc1".into(), "c2".into()));
    expected.push(("ofc1".into(), "c3".into()));
    expected.push(("ofc2".into(), "c4".into()));
    expected.push(("ofc9".into(), "s0".into()));
    expected.push(("ofc3".into(), "s3".into()));
    expected.push(("ofc4".into(), "s4".into()));
    let expected: Vec<_> = expected
        .iter()
        .map(|(user, id)| key("no_case", "unknown_case", user, &[id.as_str()]))
        .collect();
    assert_alerts(&audit_fixture(world, None), expected.clone());
    assert_alerts(&audit_night_by_night(world, None), expected);
}

/// A patrol officer types a surname and an initial (`SALINAS, T`) with no case for the man
/// on the call they are at: a case given to them today lists SALINAS, TERRENCE (i1), so the
/// lookup is that call's work, not raised. Raised: the same form for a person of a case
/// given to them five days before (i2, no longer a current call), a surname alone (i3),
/// a given name in full that is not the call's person's (i4), an initial and date of birth
/// that fit a colleague, COLE, TINA, even though a call of the day lists a COLE, TERRY
/// with no date of birth (i5, also `coworker_lookup`), and an initial fitting one of the
/// 61 cases handed over to another login that day (i6: a caseload, not a shift's calls).
/// Audited night by night, the same.
#[test]
fn initial_typed_for_the_person_of_a_current_call() {
    let world = "classes/initial_typed_for_the_person_of_a_current_call";
    let expected = vec![
        key("no_case", "missing", "ofc1", &["i2", "i3", "i4", "i5"]),
        key("coworker_lookup", "same_unit", "ofc1", &["i5"]),
        key("no_case", "missing", "ofc3", &["i6"]),
    ];
    assert_alerts(&audit_fixture(world, None), expected.clone());
    assert_alerts(&audit_night_by_night(world, None), expected);
}

/// A patrol officer types the full name of the man on the call they are at with a slip
/// and no case: a letter dropped (`SALNAS, TERRENCE`, t1), two swapped with the name in one
/// field and `N/A` for the case (`SALINSA TERRENCE`, t2), a neighbouring key in the given
/// name (`TERRWNCE`, t3). The name finds no one, and a case given to them today lists
/// SALINAS, TERRENCE: the call's work, not raised. Raised: a slip of the name of a person
/// of a case given five days before (t4, no longer a current call), a given name more than
/// a slip away (t5), the slip under a case that does not exist (t6, `unknown_case`), and a
/// slip of a person of the 61 cases handed over to another login that day (t7: a caseload,
/// not a shift's calls). Audited night by night, the same.
#[test]
fn full_name_typed_with_a_slip_for_a_current_call() {
    let world = "classes/full_name_typed_with_a_slip_for_a_current_call";
    let expected = vec![
        key("no_case", "missing", "ofc1", &["t4", "t5"]),
        key("no_case", "unknown_case", "ofc1", &["t6"]),
        key("no_case", "missing", "ofc3", &["t7"]),
    ];
    assert_alerts(&audit_fixture(world, None), expected.clone());
    assert_alerts(&audit_night_by_night(world, None), expected);
}

/// A revenue agency's contact centre serves taxpayers who share a colleague's name,
/// RODRIGUEZ, ROBERT, whose personnel row holds no id to compare theirs with: each caller
/// typed with their own taxpayer id. The first id typed with the name (n1) and the second
/// (n2) are raised; from the third (n3), and the first caller's again (n4), two other ids
/// have been typed with the name: it is several taxpayers', and a name alone cannot say
/// which, if any, is the colleague (set aside, counted). Work that is not exempt (n5, with
/// no case: `missing` too) and a write to the record (n6, `record_change` too) are raised
/// whatever the namesakes. A colleague whose name only one other id was typed with (m1, m2)
/// is raised. Audited night by night, the same.
#[test]
fn colleague_name_borne_by_several_taxpayers() {
    assert_set_aside_with(
        "classes/colleague_name_borne_by_several_taxpayers",
        Some("[no_case]\nexempt_purposes = [\"TAXPAYER CALL\"]\n"),
        vec![
            key("coworker_lookup", "other_unit", "rep1", &["n1"]),
            key("coworker_lookup", "other_unit", "rep2", &["n2"]),
            key("coworker_lookup", "other_unit", "rep1", &["m1"]),
            key("coworker_lookup", "other_unit", "rep2", &["n5", "n6"]),
            key("no_case", "missing", "rep2", &["n5"]),
            key("coworker_lookup", "record_change", "rep2", &["n6"]),
            key("coworker_lookup", "other_unit", "rep3", &["m2"]),
        ],
        &["set aside  2 coworker_lookup match(es) by name alone in exempt work, typed with an id no table knows"],
    );
}

/// A case's closing day, written without a time, lasts until it has ended everywhere, so
/// that its holders' evening shift in the agency's own zone is still its work (h1, the
/// physician who held the visit, at 03:00 UTC the next day: nothing). For anyone else the
/// day is over once it is over in UTC: the coder who abstracts the visit at 11:54 UTC the
/// morning after discharge (c1) works a closed case (`closed_case`, which the closed-work
/// practice of a coding unit judges), not an open case someone else holds; on the closing
/// day itself (n1) the visit was open and not the coder's (`not_assigned`).
#[test]
fn visit_closed_yesterday_opened_the_next_morning() {
    let alerts = audit_fixture(
        "classes/visit_closed_yesterday_opened_the_next_morning",
        None,
    );
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "not_assigned", "coder1", &["n1"]),
            key("no_case", "closed_case", "coder1", &["c1"]),
        ],
    );
}

/// A revenue agency's contact centre types a caller's taxpayer id alone (s1), and the
/// account screen then shows the taxpayer's name, a colleague's (RODRIGUEZ, ROBERT, whose
/// personnel row holds no id to compare): the view (v1) and the address change posted to
/// the record (u1) are set aside (counted), the name the system's answer, not the user's
/// choice. Raised: a name with an id typed alone nowhere before it (v2); an id typed alone
/// an hour before, not in this call (v3); the lines of one screen written in the same
/// second (s4, v4), one lookup; work that is not exempt, whatever opened the record (v5,
/// `no_case` too). An id typed alone five minutes before midnight opens the record after
/// it (v7): set aside, and the same audited night by night (the ids are saved with the
/// state).
#[test]
fn colleague_name_on_a_record_opened_by_its_id() {
    assert_set_aside_with(
        "classes/colleague_name_on_a_record_opened_by_its_id",
        Some("[no_case]\nexempt_purposes = [\"TAXPAYER CALL\"]\n"),
        vec![
            key("coworker_lookup", "other_unit", "rep2", &["v2"]),
            key("coworker_lookup", "other_unit", "rep3", &["v3"]),
            key("coworker_lookup", "other_unit", "rep4", &["v4"]),
            key("coworker_lookup", "other_unit", "rep5", &["v5"]),
            key("no_case", "missing", "rep5", &["s5", "v5"]),
        ],
        &["set aside  3 coworker_lookup match(es) by name alone in exempt work, of a colleague whose personnel row holds no id to compare, on a record the login opened by an id"],
    );
}

/// A port of entry inspects a thousand travellers once on its first day and two commuters
/// at six booths each: two in a thousand of its people-days draw six logins. On the second
/// day six booths inspecting a traveller new to the logs is that attention again, not a
/// surge; eight logins on one traveller are more than any of its people-days drew, and each
/// of the eight is raised with the agency's floor in the reason. Audited night by night,
/// the same.
#[test]
fn daily_commuter_inspected_at_many_booths() {
    let world = "classes/daily_commuter_inspected_at_many_booths";
    let config = "[no_case]\nexempt_purposes = [\"PRIMARY\"]\n";
    let expected: Vec<_> = (1..=8)
        .map(|i| {
            let id = format!("e{:05}", 1018 + i);
            key(
                "subject_surge",
                "many_users",
                &format!("bo{i}"),
                &[id.as_str()],
            )
        })
        .collect();
    let alerts = audit_fixture(world, Some(config));
    assert_alerts(&alerts, expected.clone());
    assert!(
        alerts
            .iter()
            .all(|a| a["evidence"]["agency_attention_floor"] == 7
                && a["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("one in a thousand"))),
        "{alerts:?}"
    );
    assert_alerts(&audit_night_by_night(world, Some(config)), expected);
}

/// Ten booth officers clear twenty travellers a shift, and on two of their hundred days a
/// bus of forty in ten minutes. The second bus (po6, day 7) comes when the port's logs hold
/// sixty member-days, too few to say what its busy minutes are, but forty in ten minutes is
/// within the busiest work by hand (`burst_min_lookups`, 45): not raised. With a hundred, a
/// new hire's first day clearing a bus of 38 (day 11) is the port's work: not raised; an
/// officer's 104 lookups in nine minutes that day is far beyond it, raised with twice the
/// port's busiest ten minutes (80) as the bar. Only `burst` is asserted: a bus day's
/// volume is `daily_count`'s to judge.
#[test]
fn bus_of_travellers_cleared_at_a_booth() {
    let world = "classes/bus_of_travellers_cleared_at_a_booth";
    let config = "[no_case]\nexempt_purposes = [\"PRIMARY\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let bursts: Vec<_> = alerts
        .iter()
        .filter(|a| a["kind"] == "burst")
        .cloned()
        .collect();
    let users: Vec<_> = bursts
        .iter()
        .map(|a| a["user"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(users, ["po4"], "{bursts:?}");
    assert_eq!(bursts[0]["evidence"]["unit_peak"], 40.0, "{bursts:?}");
    assert_eq!(bursts[0]["evidence"]["threshold"], 80, "{bursts:?}");
}

/// People no table knows, typed in full under the user's own case, which lists others.
/// An officer's one stranger under their case (s1, the login's only one) is a cover case:
/// held a week, then raised. A parole officer meets the parolee's household, whom the case
/// does not list, on two days (p1, p2): the first is held over and set aside once the
/// second day shows it is the login's work, the second set aside on its day. Three cases
/// typed over strangers in one day (w1–w3) are a sweep, `odd_volume`'s to judge by breadth.
/// So is a person id no table knows under a case whose people all carry one (i1); under a
/// case listing someone without an id (i2) it may be them. A plate (c1) or a bare name
/// (n1) no table knows cannot be shown to be someone the case leaves out (a car at the
/// scene, anyone), and a stranger born the day the case's subject was (b1) may be her,
/// however the name was typed. Audited night by night, the same.
#[test]
fn stranger_under_the_users_own_case() {
    assert_set_aside(
        "classes/stranger_under_the_users_own_case",
        vec![
            key("no_case", "subject_not_in_case", "pat1", &["s1"]),
            key("no_case", "subject_not_in_case", "pat6", &["i1"]),
        ],
        &[
            "set aside  2 subject_not_in_case lookup(s) of strangers (no table knows them; typed in full) under the user's own case, by logins that look up people their cases do not list on two or more days",
            "set aside  3 subject_not_in_case lookup(s) of strangers under the user's own case on days the login swept three or more",
            "1 set aside once it showed (counted above), 2 raised without it",
        ],
    );
}

/// A trooper at a crash (tr1) runs a witness no table knows (w1), the driver the crash's
/// case lists (d1) and the passenger, known from another trooper's case (q1), all under
/// the crash's case within a quarter of an hour: the case's scene, whose list does not name
/// the witness and the passenger yet; both set aside (counted). The same trooper's case
/// typed for someone else hours later (k1) is raised, as is a known person under a case of
/// tr2's that was not worked that day (c1), and eleven people of another case run beside the
/// case's own subject by tr3 (x1–x11): a list worked down, no scene. A colleague run beside
/// the case's subject (f2, tr4) is always judged: raised as `subject_not_in_case` and
/// `coworker_lookup`. Audited night by night, the same.
#[test]
fn people_met_at_the_scene_of_the_users_case() {
    let scraped: Vec<String> = (1..=11).map(|i| format!("x{i}")).collect();
    let scraped: Vec<&str> = scraped.iter().map(String::as_str).collect();
    assert_set_aside(
        "classes/people_met_at_the_scene_of_the_users_case",
        vec![
            key("no_case", "subject_not_in_case", "tr2", &["c1"]),
            key("no_case", "subject_not_in_case", "tr3", &scraped),
            key("coworker_lookup", "other_unit", "tr4", &["f2"]),
            key("no_case", "subject_not_in_case", "tr4", &["f2"]),
            key("no_case", "subject_not_in_case", "tr1", &["k1"]),
        ],
        &["set aside  2 subject_not_in_case lookup(s) under the user's own case of people who are none of the agency's own"],
    );
}

/// A contact centre on the day of a refund-delay announcement: seven taxpayers are each put
/// through to the same five reps (TAXPAYER CALL, exempt): five people each, a surge's bar,
/// on a day when more than five people reach it: the day's service, all 35 alerts set aside
/// (counted). A colleague drawing the same five reps that day is attention however the
/// lookups were typed: raised as `many_users` and `coworker_lookup`. One taxpayer drawing
/// five reps the next, ordinary, day is raised. Six callers put through to five reps across
/// midnight UTC the day after (three reps before, two after: no calendar day holds five)
/// make six surges of served people in a day: set aside too (30 alerts). Audited night by
/// night, the same.
#[test]
fn callers_put_through_to_rep_after_rep() {
    let world = "classes/callers_put_through_to_rep_after_rep";
    let config = "[no_case]\nexempt_purposes = [\"TAXPAYER CALL\"]\n";
    let reps = ["rep1", "rep2", "rep3", "rep4", "rep5"];
    let mut expected: Vec<Key> = Vec::new();
    for r in reps {
        let colleague = format!("20-{r}");
        expected.push(key("subject_surge", "many_users", r, &[&colleague]));
        expected.push(key("coworker_lookup", "other_unit", r, &[&colleague]));
        expected.push(key("subject_surge", "many_users", r, &[&format!("08-{r}")]));
    }
    assert_set_aside_with(
        world,
        Some(config),
        expected,
        &["set aside  65 many_users alert(s) of surges made mostly of exempt work"],
    );
}

/// A contact centre's six days of calls (167 callers a day, each put through to one rep,
/// and one caller to four): the agency's served people draw up to four logins, so a surge
/// of calls needs five (the service floor). On the eighth day a caller is put through to
/// five reps of the centre (08) and another to four reps and the returns clerk who posted
/// their return (10): the unit's service, set aside (counted, 10 alerts). A third draws
/// three reps, the clerk and an examiner (09): attention that spreads through the agency,
/// raised. Audited night by night, the same.
#[test]
fn caller_served_by_one_units_reps() {
    let world = "classes/caller_served_by_one_units_reps";
    let config = "[no_case]\nexempt_purposes = [\"TAXPAYER CALL\"]\n";
    let expected: Vec<Key> = ["rep1", "rep2", "rep3", "clerk1", "ex1"]
        .iter()
        .map(|u| key("subject_surge", "many_users", u, &[&format!("09-{u}")]))
        .collect();
    assert_set_aside_with(
        world,
        Some(config),
        expected,
        &["set aside  10 many_users alert(s) of surges made mostly of exempt work whose logins all work in one unit but at most one"],
    );
}

/// A taxpayer who shares a colleague's name (Robert Rodriguez, whose personnel row carries
/// no taxpayer id) calls the contact centre day after day, each time put through to another
/// rep, who types the caller's id and name (TAXPAYER CALL, exempt): the first three (n1–n3)
/// are raised, the fourth (n4) set aside (counted): three reps on three earlier days matched
/// the colleague by name alone in calls, the agency serves someone of that name. The
/// colleague's own date of birth typed with the name (d4) is raised, and so are four reps
/// looking up another colleague by name alone on one day (m1–m4): curiosity comes in a day.
/// Audited night by night, the same.
#[test]
fn colleagues_namesake_served_week_after_week() {
    let world = "classes/colleagues_namesake_served_week_after_week";
    let config = "[no_case]\nexempt_purposes = [\"TAXPAYER CALL\"]\n";
    let expected = vec![
        key("coworker_lookup", "other_unit", "rep1", &["n1"]),
        key("coworker_lookup", "other_unit", "rep2", &["n2"]),
        key("coworker_lookup", "other_unit", "rep3", &["n3"]),
        key("coworker_lookup", "other_unit", "rep5", &["d4"]),
        key("coworker_lookup", "other_unit", "rep1", &["m1"]),
        key("coworker_lookup", "other_unit", "rep2", &["m2"]),
        key("coworker_lookup", "other_unit", "rep3", &["m3"]),
        key("coworker_lookup", "other_unit", "rep4", &["m4"]),
    ];
    assert_set_aside_with(
        world,
        Some(config),
        expected,
        &["set aside  1 coworker_lookup match(es) by name alone in exempt work"],
    );
}

/// A driver-review analyst (mv1) hands four cases over to a colleague (mv2) on 4 March; the
/// day after, mv1 wraps three of them up (w1–w3): a caseload handed over, worked after the
/// transfer is keyed, set aside (counted). One of them looked at again alone four days on,
/// in the night (x4), is one case taken back, raised; so is mv3's look at the one case taken
/// from them (y9), and mv1's two old cases two weeks on (z1, z2), beyond the week. mv2 works
/// the cases every day, so no absence makes the lookups coverage. Audited night by night,
/// the same.
#[test]
fn caseload_wrapped_up_after_a_transfer() {
    assert_set_aside(
        "classes/caseload_wrapped_up_after_a_transfer",
        vec![
            key("no_case", "not_assigned", "mv1", &["x4"]),
            key("no_case", "not_assigned", "mv3", &["y9"]),
            key("no_case", "not_assigned", "mv1", &["z1"]),
            key("no_case", "not_assigned", "mv1", &["z2"]),
        ],
        &["set aside  3 not_assigned lookup(s) of people listed by cases the user held until the week before"],
    );
}

/// A counter's manager has a second login for overrides (mgr_adm, the same employee E55 in
/// personnel). Four clerks and both of the manager's logins look up customer C-7001 in a
/// day: four people, one short of a surge, nothing raised. Four clerks and the override
/// login alone look up C-7002: five people, each raised as `many_users`, and the reason
/// counts people.
#[test]
fn second_login_of_one_person_in_a_surge() {
    let world = "classes/second_login_of_one_person_in_a_surge";
    let config = "[no_case]\nexempt_purposes = [\"COUNTER_SERVICE\"]\n";
    let alerts = audit_fixture(world, Some(config));
    assert_alerts(
        &alerts,
        ["ck1", "ck2", "ck3", "ck4", "mgr_adm"]
            .iter()
            .enumerate()
            .map(|(k, u)| key("subject_surge", "many_users", u, &[&format!("b{k}")]))
            .collect(),
    );
    assert!(
        alerts.iter().all(|a| a["reason"]
            .as_str()
            .is_some_and(|r| r.contains("as one of 5 people within 24 hours"))),
        "{alerts:#?}"
    );
}

/// A claims job (svc_claims: a personnel row that names no person) exports the night's
/// claims file every night with no case, 47 to 133 records: the job's run, not raised. On
/// the twelfth night it writes 9,000 records: raised as `export`, against its own runs. A
/// billing clerk who exports the file by hand with no case (hand1) is raised as `missing`:
/// a person's export needs a case.
#[test]
fn claims_file_exported_nightly_by_a_job() {
    let alerts = audit_fixture("classes/claims_file_exported_nightly_by_a_job", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "missing", "bill1", &["hand1"]),
            key("odd_volume", "export", "svc_claims", &["claims12"]),
        ],
    );
}

/// Three officers of one housing unit work 14:00–22:00 UTC for four days. On the fifth, co1
/// is held over for a double and works on without a break to 06:00; co3 is called in at
/// 08:00 and works on through the shift: their hours outside the usual ones are one stretch
/// of work with the usual hours, not a night of their own, and are not raised (counted in
/// the summary). co2 goes home at 22:00 and is back at the terminal alone from 02:00 to
/// 03:30: raised. Audited night by night, the double that runs over midnight is the same.
#[test]
fn shift_held_over_into_the_night() {
    let world = "classes/shift_held_over_into_the_night";
    let config = "[no_case]\nexempt_purposes = [\"HOUSING\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let keys = alert_keys(&alerts);
    let co2: Vec<String> = (0..9)
        .map(|i| format!("co2-0308T{:02}{:02}", 2 + i / 6, (i % 6) * 10))
        .collect();
    let co2: Vec<&str> = co2.iter().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![key("odd_volume", "off_hours", "co2", &co2)],
        "{alerts:#?}"
    );
    let (_, summary) = audit_with_summary(world, Some(config));
    assert!(summary.contains("not off   32 lookup(s)"), "{summary}");
    // Night by night, the stretch of work carried in the state over midnight.
    assert_eq!(alert_keys(&audit_night_by_night(world, Some(config))), keys);
}

/// Three officers of one housing unit work 14:00–22:00 UTC for four days. On the fifth, ot1
/// comes in for an overtime shift from 01:00 to 07:00, a lookup every quarter hour with no
/// break over an hour: a shift worked at other hours, as long as one, which the roster
/// explains; not raised (counted in the summary). ot2 is back at the terminal alone from
/// 02:00 to 04:30 (the session the issue's day worker ran from 01:00 to 04:00): raised.
/// Night by night the same.
#[test]
fn overtime_shift_worked_at_other_hours() {
    let world = "classes/overtime_shift_worked_at_other_hours";
    let config = "[no_case]\nexempt_purposes = [\"HOUSING\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let keys = alert_keys(&alerts);
    let ot2: Vec<String> = (0..16)
        .map(|i| format!("ot2-0307T{:02}{:02}", 2 + i / 6, (i % 6) * 10))
        .collect();
    let ot2: Vec<&str> = ot2.iter().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![key("odd_volume", "off_hours", "ot2", &ot2)],
        "{alerts:#?}"
    );
    let (_, summary) = audit_with_summary(world, Some(config));
    assert!(summary.contains("not off   25 lookup(s)"), "{summary}");
    assert!(summary.contains("as long as a shift"), "{summary}");
    assert_eq!(alert_keys(&audit_night_by_night(world, Some(config))), keys);
    // A shorter bar makes ot2's sitting a shift too.
    let shorter = format!("{config}[odd_volume]\noff_hours_shift_hours = 2\n");
    assert!(audit_fixture(world, Some(&shorter)).is_empty());
}

/// Three port officers work 14:00–22:00 UTC for four days, each day one single sign-on
/// session. On the fifth, pb1 comes in for an overtime shift from 02:00 to 10:30 in three
/// sessions, quiet at the booth for hours between lookups (14 from 02:30, six from 09:00):
/// logged in all along, one stretch of work as long as a shift; not raised (counted). pb2
/// logs in at 02:00 for seventy minutes of lookups and logs out: raised. pb3, of another
/// unit, logs in at 04:00 for an hour of lookups and never logs out; the usual shift's
/// login at 13:55 is a new session, not the night's carried on: raised, not a shift
/// started early. The build before sessions counted as presence raised pb1 too; one that
/// let the night's open session run on into the shift let pb3 pass. Night by night the
/// same.
#[test]
fn overtime_shift_quiet_between_lookups() {
    let world = "classes/overtime_shift_quiet_between_lookups";
    let config = "[no_case]\nexempt_purposes = [\"PRIMARY\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let keys = alert_keys(&alerts);
    let pb2: Vec<String> = (0..15)
        .map(|i| {
            format!(
                "pb2-0411T{:02}{:02}",
                2 + (5 + i * 5) / 60,
                (5 + i * 5) % 60
            )
        })
        .collect();
    let pb2: Vec<&str> = pb2.iter().map(String::as_str).collect();
    let pb3: Vec<String> = (0..11)
        .map(|i| format!("pb3-0411T04{:02}", 5 + i * 5))
        .collect();
    let pb3: Vec<&str> = pb3.iter().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec![
            key("odd_volume", "off_hours", "pb2", &pb2),
            key("odd_volume", "off_hours", "pb3", &pb3),
        ],
        "{alerts:#?}"
    );
    let (_, summary) = audit_with_summary(world, Some(config));
    assert!(summary.contains("not off   20 lookup(s)"), "{summary}");
    assert!(!summary.contains("held over or started early"), "{summary}");
    assert_eq!(alert_keys(&audit_night_by_night(world, Some(config))), keys);
}

/// A port's secondary officers type 1,080 travellers by name and date of birth over three
/// days, a quarter of them HERNANDEZ and one in ten JUAN. On the fourth, so1 types
/// HERNANDEZ, JUAN alone: a cargo officer's name, and one that about ten of the port's
/// travellers would bear: a namesake, most likely (set aside, counted). so2 types
/// WRIGHT-HENRY, JACK alone, the other cargo officer's name, which nobody else bears:
/// raised. On the fifth the cargo officer is in the news and all three type the name alone
/// within the hour: the third login is attention, not a namesake (raised); the first two
/// are not yet.
#[test]
fn traveller_bearing_a_colleagues_common_name() {
    let world = "classes/traveller_bearing_a_colleagues_common_name";
    let config = "[no_case]\nexempt_purposes = [\"SECONDARY\"]\n";
    assert_set_aside_with(
        world,
        Some(config),
        vec![
            key("coworker_lookup", "other_unit", "so2", &["so2-wrighthenry"]),
            key("coworker_lookup", "other_unit", "so3", &["so3-news"]),
        ],
        &["set aside  3 coworker_lookup match(es) by name alone in exempt work of a colleague whose name"],
    );
    // The evidence says what the name rests on: nobody else of the port's bears it.
    let alerts = audit_fixture(world, Some(config));
    let rare = alerts
        .iter()
        .find(|a| a["user"] == "so2")
        .map(|a| a["evidence"]["name_census"]["expected_bearers"].clone());
    assert_eq!(rare, Some(serde_json::json!(0.0)), "{alerts:#?}");
}

/// The lockdown's day again, but the three HRCC officers' hundreds of lookups after 16:00
/// are under no purpose: people looked up outside any exempt work and any case, by three
/// members on one day, are three members browsing, not the unit's incident. Their breadth
/// is raised (`distinct_subjects`, with the lookups no case explains and the run of
/// consecutive numbers); their bursts and day's counts are still the unit's together (set
/// aside, counted). nf1's burst is raised as before.
#[test]
fn three_members_browsing_on_one_day() {
    let world = "classes/three_members_browsing_on_one_day";
    let config = "[no_case]\nexempt_purposes = [\"HOUSING\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let mut got: Vec<(String, String, String)> = alert_keys(&alerts)
        .into_iter()
        .map(|(d, k, u, _)| (d, k, u))
        .collect();
    got.sort();
    let mut expected = vec![(
        "odd_volume".to_string(),
        "burst".to_string(),
        "nf1".to_string(),
    )];
    for u in ["hr1", "hr2", "hr3"] {
        for (d, k) in [
            ("fishing", "enumeration"),
            ("no_case", "missing"),
            ("odd_volume", "distinct_subjects"),
        ] {
            expected.push((d.to_string(), k.to_string(), u.to_string()));
        }
    }
    expected.sort();
    assert_eq!(got, expected, "{alerts:#?}");
    let (_, summary) = audit_with_summary(world, Some(config));
    assert!(
        summary.contains("set aside  6 burst, daily_count and distinct_subjects finding(s)"),
        "{summary}"
    );
}

/// HRCC locks down at 16:00 after an incident: three of its custody officers (hr1–hr3) count
/// the whole unit cell by cell, 45 lookups in ten minutes each and hundreds in the day, nine
/// times their usual day. That is the unit's incident, not three scrapes: none of their
/// `burst`, `daily_count` or `distinct_subjects` findings is raised (counted in the
/// summary). An officer of another prison doing the same alone that afternoon (nf1) is.
#[test]
fn lockdown_of_one_facility() {
    let world = "classes/lockdown_of_one_facility";
    let config = "[no_case]\nexempt_purposes = [\"HOUSING\"]\n";
    let alerts = audit_fixture(world, Some(config));
    let keys = alert_keys(&alerts);
    assert_eq!(keys.len(), 1, "{alerts:#?}");
    assert_eq!(
        (keys[0].0.as_str(), keys[0].1.as_str(), keys[0].2.as_str()),
        ("odd_volume", "burst", "nf1"),
        "{alerts:#?}"
    );
    let (_, summary) = audit_with_summary(world, Some(config));
    assert!(
        summary.contains("set aside  9 burst, daily_count and distinct_subjects finding(s)"),
        "{summary}"
    );
}

/// A motor-vehicle agency's customer is served in one day by two counter clerks, a title
/// clerk and a contact-centre agent, and read by the nightly insurance-verification job: four
/// people and a job, not five logins' curiosity, and no surge (the job is a service account:
/// a personnel row naming no person). Five people looking another customer up the next day
/// are still a surge, each of them raised.
#[test]
fn data_match_job_among_a_customers_clerks() {
    let alerts = audit_fixture(
        "classes/data_match_job_among_a_customers_clerks",
        Some(
            "[no_case]\nexempt_purposes = [\"DL_RENEWAL\", \"REAL_ID\", \"TITLE_TRANSFER\", \"PHONE_INQUIRY\", \"INSURANCE_VERIFICATION\"]\n",
        ),
    );
    assert_alerts(
        &alerts,
        vec![
            key("subject_surge", "many_users", "clk1", &["s11"]),
            key("subject_surge", "many_users", "clk2", &["s12"]),
            key("subject_surge", "many_users", "clk3", &["s13"]),
            key("subject_surge", "many_users", "clk4", &["s14"]),
            key("subject_surge", "many_users", "clk5", &["s15"]),
        ],
    );
}

/// A counter clerk finds the customer in front of them by surname, then picks them from the
/// list: `BRYANT` (sent to two systems, n01 n02), then `BRYANT, JOSEPH` with a birth date
/// (n03); `Anderson` then `Anderson-novak, C` (n04 n05). A contact-centre agent does the same
/// with `wolf` (n06 n07). None is a sweep. A surname whose next lookup is someone else (n08,
/// then n09), or whose person comes only ten minutes later (n11, n12), still counts, and
/// with a third surname that no one follows (n13) the counter's day is three searches: a
/// list, even under the counter's work (two would be its imprecision:
/// `surname_typed_at_a_traffic_stop`).
#[test]
fn surname_searched_then_the_customer_picked() {
    let alerts = audit_fixture(
        "classes/surname_searched_then_the_customer_picked",
        Some("[no_case]\nexempt_purposes = [\"REAL_ID\", \"ADDRESS_CHANGE\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key(
            "fishing",
            "wildcard_sweep",
            "ctr2",
            &["n08", "n11", "n13"],
        )],
    );
}

/// A patrol officer types a driver's surname alone at a traffic stop, twice in a shift
/// (`LOPEZ`, `Parks`, t01 t02: the driver had no licence on them), and a detective types a
/// surname alone under her own case (t07): one or two such searches under work that says
/// why are that work's imprecision, not a list, and are counted in the summary. A surname
/// typed under no case at all (t03) is raised on its own, and three under stops in one
/// morning (t04–t06) are a list.
#[test]
fn surname_typed_at_a_traffic_stop() {
    assert_set_aside_with(
        "classes/surname_typed_at_a_traffic_stop",
        Some("[no_case]\nexempt_purposes = [\"TRAFFIC STOP\"]\n"),
        vec![
            key("fishing", "wildcard_sweep", "ptl2", &["t03"]),
            key("no_case", "missing", "ptl2", &["t03"]),
            key("fishing", "wildcard_sweep", "ptl3", &["t04", "t05", "t06"]),
        ],
        &["not swept 2 user-day(s) of only one or two pattern or surname searches"],
    );
}

/// The customer picked from the list is typed as people type: with a slip (`GRAHAM`, then
/// `GRAHM, ASHLEY`, m01 m02), after a slip in the surname searched (`FISEHR`, then
/// `FISHER, MARY J`, m03 m04), given name first on a contact centre's one name field
/// (`PETERSON`, then `SCOTT PETERSON`, m05 m06), or by one word of a compound surname
/// (`patel-jackson`, then `patel, kelly`, m07 m08). None is a sweep. Still counted: a
/// surname too short for a slip to say anything (`LI`, then `LU, WEI`, m09), one two slips
/// from the next lookup's (`GRAHAM`, then `GRANTHAM, PAUL`, m11), and one the next lookup
/// has only as the start of a given name (`JOHNSON`, then `JOHN SMITH`, m13).
#[test]
fn surname_searched_then_the_customer_picked_with_a_slip() {
    let alerts = audit_fixture(
        "classes/surname_searched_then_the_customer_picked_with_a_slip",
        Some("[no_case]\nexempt_purposes = [\"REAL_ID\", \"ADDRESS_CHANGE\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key(
            "fishing",
            "wildcard_sweep",
            "ctr2",
            &["m09", "m11", "m13"],
        )],
    );
}

/// An ankle-monitor interface (`svc_gps`, a personnel row naming no person) relays the
/// alerts of a supervised offender who is on the watch list, under his supervision case,
/// typed and sent to two systems (g01, g02): the job reading the person its case lists, not
/// anyone's curiosity. The same login under a case that does not list him (g03), or used by
/// hand with no case at a district terminal (g04), is raised.
#[test]
fn ankle_monitor_interface_reads_a_watch_listed_offender() {
    let alerts = audit_fixture(
        "classes/ankle_monitor_interface_reads_a_watch_listed_offender",
        None,
    );
    assert_alerts(
        &alerts,
        vec![
            key("watchlist_lookup", "celebrity", "svc_gps", &["g03", "g04"]),
            key("no_case", "subject_not_in_case", "svc_gps", &["g03"]),
            key("no_case", "missing", "svc_gps", &["g04"]),
        ],
    );
}

/// A motor-vehicle agency's records desk is two clerks on the logs' second day: too young
/// for its own results to set a bar. Its clerk's address extracts of 25,320 and 37,196 rows
/// (x02, x03) are raised against the agency's other member-days so far, whose largest results
/// reach about 400 at the 99th percentile (ten times that, and at least ten times the 1,000
/// rows that make an export). The other clerk's weekly recall list of 1,353 rows (x01) is not.
/// Before, nothing under the 100,000 rows always reported was raised.
#[test]
fn address_extract_by_a_young_records_desk() {
    let alerts = audit_fixture(
        "classes/address_extract_by_a_young_records_desk",
        Some("[no_case]\nexempt_purposes = [\"DL_RENEWAL\", \"RECORDS_REQUEST\", \"RECALL_NOTICE\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key("odd_volume", "export", "rec1", &["x02", "x03"])],
    );
    let reason = alerts[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("the threshold was 10000 rows"), "{reason}");
}

/// A hospital in Chicago writes its encounters' and care teams' dates as its own calendar's
/// days. The emergency department's evening shift works an encounter closed on 20 October,
/// and a nurse's assignment that ends that day, at 19:00 local: 00:00 and 02:15 UTC on the
/// 21st (v02, v03). That is still the 20th, and not raised. The next afternoon (v04, v05),
/// when the 20th has ended everywhere, the same lookups are raised.
#[test]
fn evening_shift_past_utc_midnight() {
    let alerts = audit_fixture("classes/evening_shift_past_utc_midnight", None);
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "closed_case", "rn1", &["v04"]),
            key("no_case", "not_assigned", "rn2", &["v05"]),
        ],
    );
}

/// A hospital's patient index writes medical record numbers as numbers alone (`00397338`);
/// the billing screen logs them with their label (`MRN397338`). A nurse's patient so typed
/// is the patient her encounter lists (m01: not raised). A colleague's own record typed so
/// under the same encounter is her colleague's (m02: `same_unit`, and the encounter does not
/// list her). A number no table knows stays nobody's, but under an encounter whose patient
/// carries another it is no one the encounter lists either (m03, joining m02's alert).
#[test]
fn mrn_typed_with_its_label() {
    let alerts = audit_fixture("classes/mrn_typed_with_its_label", None);
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "same_unit", "rn1", &["m02"]),
            key("no_case", "subject_not_in_case", "rn1", &["m02", "m03"]),
        ],
    );
}

/// A former senator is admitted to the prison HRCC (an open case of the unit HRCC lists
/// him). Its custody officers look him up at every count and cell move, exempt work (h01,
/// h02): the facility holding him, not curiosity. An officer of another prison doing the
/// same (h03), or a look with no purpose at all by one of his own officers (h04), is raised.
#[test]
fn watch_listed_inmate_held_by_the_officers_facility() {
    let alerts = audit_fixture(
        "classes/watch_listed_inmate_held_by_the_officers_facility",
        Some("[no_case]\nexempt_purposes = [\"HOUSING\", \"DISCIPLINE\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("watchlist_lookup", "official", "co2", &["h03"]),
            key("watchlist_lookup", "official", "co1", &["h04"]),
            key("no_case", "missing", "co1", &["h04"]),
        ],
    );
}

/// A nurse (rn9) is a patient of the family-medicine clinic NGC-FM: an open visit of the
/// clinic's lists her. The clinic's front desk (fd1), whose work is scheduling (exempt) every
/// day, looks her up by nickname and date of birth to book it (s01): the clinic's own work on
/// its patient, not raised. What is still raised: the desk looking up a colleague no case of
/// the clinic lists (s02); the clinic's physician, whose work is treatment under his own
/// visits, typing one scheduling lookup of her (s03: an odd day's exempt work); another
/// clinic's desk (s04); and the desk's look at her with no purpose at all (s05, also
/// `missing`). A colleague whose visit with the clinic closed a week before (rn7) is still
/// its patient when the desk books her follow-up (s06): not raised. One whose last visit
/// there closed two months before (rn6) is not (s07): raised.
#[test]
fn colleague_scheduled_by_the_clinic_she_is_a_patient_of() {
    let alerts = audit_fixture(
        "classes/colleague_scheduled_by_the_clinic_she_is_a_patient_of",
        Some("[no_case]\nexempt_purposes = [\"SCHEDULING\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![
            key("coworker_lookup", "other_unit", "fd1", &["s02"]),
            key("coworker_lookup", "other_unit", "doc1", &["s03"]),
            key("coworker_lookup", "other_unit", "fd2", &["s04"]),
            key("coworker_lookup", "other_unit", "fd1", &["s05"]),
            key("no_case", "missing", "fd1", &["s05"]),
            key("coworker_lookup", "other_unit", "fd1", &["s07"]),
        ],
    );
}

/// A title clerk (tc1) keys a dealer's batch of 32 titles in ten minutes on most days,
/// beside her ordinary lookups; her two colleagues work at an even pace. Against the unit's
/// hourly rate each batch was a burst; from her fourth day her own busiest ten minutes (32 on
/// her median day) say it is her work, and the bar is twice that: the batches of the fifth
/// to tenth days are not raised, and the ninth day's 80 in nine minutes is, with the bar and
/// her usual busiest window in the reason and evidence (`usual_peak`).
#[test]
fn batches_keyed_on_most_days() {
    let alerts = audit_fixture(
        "classes/batches_keyed_on_most_days",
        Some("[no_case]\nexempt_purposes = [\"TITLE_APPLICATION\"]\n"),
    );
    let batch: Vec<String> = (100..180).map(|i| format!("tc1-03-11-{i:03}")).collect();
    let batch: Vec<&str> = batch.iter().map(String::as_str).collect();
    assert_alerts(&alerts, vec![key("odd_volume", "burst", "tc1", &batch)]);
    let reason = alerts[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(
            "64 typed queries (twice this login's busiest 10 minutes on its median day, 32)"
        ),
        "{reason}"
    );
    assert_eq!(alerts[0]["evidence"]["usual_peak"], serde_json::json!(32.0));
}

/// A probation officer's sister is known to HR by name and date of birth only (an
/// emergency contact), and is on supervision under a colleague's case as DOC-329020. The
/// officer opens her record by that number (r01, and r02 typed `0329020`) under a case of
/// their own: the record the number opens is hers, so it is `family`, by person id, and the
/// cover case is `subject_not_in_case`. Another Renata Alvarado, born another day (r03),
/// is only the cover case.
#[test]
fn relative_looked_up_by_doc_number() {
    let alerts = audit_fixture("classes/relative_looked_up_by_doc_number", None);
    assert_alerts(
        &alerts,
        vec![
            key("association_lookup", "family", "ppo1", &["r01", "r02"]),
            key(
                "no_case",
                "subject_not_in_case",
                "ppo1",
                &["r01", "r02", "r03"],
            ),
        ],
    );
    let family = alerts
        .iter()
        .find(|a| a["kind"] == "family")
        .expect("family");
    assert_eq!(family["evidence"]["match"]["kind"], "person_id");
}

/// A claim lists `MILLER, JASMINE` (born 7 August 1975) in the `SMITH` household; she has
/// taken the household's name, and the caseworker verifies her as `SMITH, JASMINE` with her
/// date of birth (m01): the person the claim lists. Another Jasmine Smith, born the next
/// day (m02), and a Jasmine Jones born the same day, a surname the claim does not list
/// (m03), are not on it.
#[test]
fn married_name_of_the_household() {
    let alerts = audit_fixture("classes/married_name_of_the_household", None);
    assert_alerts(
        &alerts,
        vec![key(
            "no_case",
            "subject_not_in_case",
            "cw1",
            &["m02", "m03"],
        )],
    );
}

/// A colleague in the news is searched at a screening desk whose one name box takes the
/// name either way: `CLARK KYLE` (surname first, no comma, n01) as well as `Kyle Clark`
/// (n02). Both are the colleague; another given name (n03) is nobody known.
#[test]
fn whole_name_typed_surname_first() {
    let alerts = audit_fixture(
        "classes/whole_name_typed_surname_first",
        Some("[no_case]\nexempt_purposes = [\"VISITOR_SCREENING\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key("coworker_lookup", "same_unit", "co1", &["n01", "n02"])],
    );
}

/// A patrol officer (pat0) makes 38 lookups on the logs' first day and 4 to 9 on each day
/// after it. On the day itself nothing of their own could judge it, and their unit has a
/// member (pat1) at 30 to 40 a day, so it was not raised; a week on, their own days after it
/// say it was no level of theirs, and it is raised then, as the alert of its own day with
/// its 38 events. Not raised: a newcomer's first heavy day that their days after it keep up
/// (pat2: three days of 5, then 38, then 32 to 39: a new level of work), and a double shift
/// (pat3: 40 lookups from 06:00 to 21:36 on the second day against 10 from 08:00 to 16:06),
/// judged at the length of a shift. Audited night by night, the same.
#[test]
fn busy_first_day_judged_by_the_days_after_it() {
    let ids: Vec<String> = (0..38).map(|k| format!("pat0-1-{k:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert_set_aside(
        "classes/busy_first_day_judged_by_the_days_after_it",
        vec![key("odd_volume", "daily_count", "pat0", &ids)],
        &["judged     1 daily_count and distinct_subjects alert(s)"],
    );
    let alerts = audit_fixture("classes/busy_first_day_judged_by_the_days_after_it", None);
    let evidence = &alerts[0]["evidence"];
    assert_eq!(evidence["day"], "2025-05-01", "{evidence:#}");
    assert_eq!(evidence["judged_on"], "2025-05-08", "{evidence:#}");
    assert_eq!(evidence["days_after"], 7, "{evidence:#}");
}

/// The patrol officer of `busy_first_day_judged_by_the_days_after_it` (pat0: 38 lookups on
/// the logs' first day, 4 to 7 on each day after it) also does 80 on the fifth day, beyond
/// anything their unit does, and is raised for it that day. A week on, the first day is
/// judged by their usual days: the fifth, a misuse raised, is not one of them (counted
/// among them, its spread let the first day pass). Both days are raised, each with its own
/// events; the new level of work (pat2) and the double shift (pat3) still are not. Audited
/// night by night, the same.
#[test]
fn held_day_beside_another_raised_day() {
    let first: Vec<String> = (0..38).map(|k| format!("pat0-1-{k:02}")).collect();
    let fifth: Vec<String> = (0..80).map(|k| format!("pat0-5-{k:02}")).collect();
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let fifth: Vec<&str> = fifth.iter().map(String::as_str).collect();
    assert_set_aside(
        "classes/held_day_beside_another_raised_day",
        vec![
            key("odd_volume", "daily_count", "pat0", &first),
            key("odd_volume", "daily_count", "pat0", &fifth),
        ],
        &["judged     1 daily_count and distinct_subjects alert(s)"],
    );
}

/// Six traffic officers (tr0–tr5) run 34 to 46 plates a day at traffic stops, an exempt
/// purpose and no case: that many unrelated people on every day. On their sixth day tr0
/// also looks up sixty people by name and date of birth under `GENERAL INQUIRY`, with no
/// case (b00–b59): a hundred people against their usual forty, under three times as many,
/// so a day's breadth over all its people does not show it; over the people looked up for
/// no exempt purpose it is sixty against none, and it is raised (with the `no_case` alert
/// of the same lookups). Not raised: tr1's day of eighty stops (a closed highway), all
/// exempt. Audited night by night, the same.
#[test]
fn traffic_officer_browsing_beside_a_day_of_stops() {
    let world = "classes/traffic_officer_browsing_beside_a_day_of_stops";
    let config = "[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\"]\n";
    let ids: Vec<String> = (0..60).map(|k| format!("tr0-6-b{k:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let alerts = audit_fixture(world, Some(config));
    assert_alerts(
        &alerts,
        vec![
            key("no_case", "missing", "tr0", &ids),
            key("odd_volume", "distinct_subjects", "tr0", &ids),
        ],
    );
    let breadth = alerts
        .iter()
        .find(|a| a["kind"] == "distinct_subjects")
        .expect("the day's breadth");
    assert_eq!(breadth["evidence"]["observed"], 60, "{breadth:#}");
    assert_eq!(
        breadth["evidence"]["outside_exempt_purposes"], true,
        "{breadth:#}"
    );
    assert_eq!(
        alert_keys(&audit_night_by_night(world, Some(config))),
        alert_keys(&alerts)
    );
}

/// Two investigators (inv1, inv3) work their case C-1 for five days; inv3, on the traffic
/// detail too, also runs a plate at a stop every shift. On the fifth evening each looks up
/// an athlete on the watch list whom their unit's case C-9 (inv2's) lists, typed as a
/// traffic stop with no case. inv3's stop is their daily exempt work, as a prison's counts
/// are its custody officers' (`watch_listed_inmate_held_by_the_officers_facility`): not
/// raised. inv1 never typed a traffic stop before: the unit's case is no cover for it, and
/// the lookup (a01) is raised.
#[test]
fn exempt_purpose_typed_off_the_users_work() {
    let alerts = audit_fixture(
        "classes/exempt_purpose_typed_off_the_users_work",
        Some("[no_case]\nexempt_purposes = [\"TRAFFIC_STOP\"]\n"),
    );
    assert_alerts(
        &alerts,
        vec![key("watchlist_lookup", "athlete", "inv1", &["a01"])],
    );
}

/// A deputy (dep1) logs out at headquarters and, two and a half minutes later, logs in at
/// the south station 28 km away: 700 km/h, slower than an airliner but faster than any
/// road, and nobody flies 28 km. The alert holds what the login did at the south station
/// after the move (t04, t11), the lookups of whoever used it there; not its use back at
/// headquarters fifty minutes later (t12, a drive), nor at the south station after that
/// (t13): the episode is over. Another deputy's login (dep5) is at the south station two
/// minutes after headquarters and back three minutes later: both moves are one alert, with
/// the lookup made at the south station between them (u03) and not the one after the
/// return to headquarters, where personnel places the deputy (u05); the return within
/// minutes of the last use there is also `concurrent_clients`. Not raised: a colleague who drives the same way in 25
/// minutes (dep2); one seen 400 km north two and a half hours later (dep3), which a flight
/// allows; one at the annex 3 km away two minutes later (dep4), under `min_distance_km`.
#[test]
fn deputy_login_across_the_county_in_minutes() {
    let alerts = audit_fixture("classes/deputy_login_across_the_county_in_minutes", None);
    assert_alerts(
        &alerts,
        vec![
            key(
                "shared_credential",
                "impossible_travel",
                "dep1",
                &["t02", "t03", "t04", "t11"],
            ),
            key(
                "shared_credential",
                "impossible_travel",
                "dep5",
                &["u01", "u02", "u03", "u04"],
            ),
            key(
                "shared_credential",
                "concurrent_clients",
                "dep5",
                &["u01", "u03", "u04"],
            ),
        ],
    );
    let occurrences: Vec<_> = alerts
        .iter()
        .filter(|a| a["kind"] == "impossible_travel")
        .map(|a| (a["user"].clone(), a["evidence"]["occurrences"].clone()))
        .collect();
    assert_eq!(
        occurrences,
        [
            (serde_json::json!("dep1"), serde_json::json!(1)),
            (serde_json::json!("dep5"), serde_json::json!(2))
        ],
        "a lookup at the far place is no repetition of the move"
    );
    let evidence = &alerts[0]["evidence"];
    assert_eq!(alerts[0]["user"], "dep1");
    assert_eq!(evidence["least_minutes"], 11.0, "{evidence:#}");
    assert_eq!(evidence["max_ground_speed_kmh"], 150.0, "{evidence:#}");
}

/// Three nurses of a ward each go back and forth between its two workstations, W5-NS01
/// and W5-NS02, twice within ten minutes on one morning. The first two are raised: one
/// other login doing the same may be the other hand of a shared password. The third, after
/// two other logins did, is how the ward works (its staff move between the two), and so is
/// the first nurse's next morning: counted, not raised, also night by night. The fourth
/// nurse's back-and-forth between W5-NS01 and the other ward's W4-NS01, which nobody else
/// moves between, is raised.
#[test]
fn ward_workstations_its_nurses_move_between() {
    let config = "[no_case]\nexempt_purposes = [\"TREATMENT\"]\n";
    let world = "classes/ward_workstations_its_nurses_move_between";
    let expected = vec![
        key(
            "shared_credential",
            "concurrent_clients",
            "n1",
            &["a2", "a3", "a4"],
        ),
        key(
            "shared_credential",
            "concurrent_clients",
            "n2",
            &["b2", "b3", "b4"],
        ),
        key(
            "shared_credential",
            "concurrent_clients",
            "n4",
            &["e2", "e3", "e4"],
        ),
    ];
    assert_alerts(&audit_fixture(world, Some(config)), expected.clone());
    assert_alerts(&audit_night_by_night(world, Some(config)), expected);
}

/// A patrol terminal sends one typed search to the records system, the criminal index and
/// the motor-vehicle file at once. The records system's line carries the case (25-500267,
/// which lists the person); the index's carries the dispatch incident's number
/// (C250908-0167), the motor-vehicle file's nothing. Those lines (f2, f3), logged within
/// two seconds after the explained one, are the same search: counted, not raised. Raised:
/// an index line under a note (`see CAD`) logged half a second before its explained line
/// (g1: only a line after its explained one is read so, or every such lookup would wait),
/// an index line under the incident number with no explained line in the two seconds
/// before it (h1: the records search came five seconds later), and a line of the same
/// surname at another workstation (i2, the precinct's desk, while the car's terminal ran
/// the records search).
#[test]
fn one_search_sent_to_three_systems_under_the_dispatch_number() {
    let world = "classes/one_search_sent_to_three_systems_under_the_dispatch_number";
    let expected = vec![
        key("no_case", "unknown_case", "tallen", &["g1"]),
        key("no_case", "unknown_case", "tallen", &["h1"]),
        key("no_case", "missing", "tallen", &["i2"]),
    ];
    assert_set_aside(
        world,
        expected,
        &["2 no_case lookup(s) with no case, or one the agency does not have, within two seconds"],
    );
}

/// Officers write their reports at whichever precinct desk is free while their car's
/// terminal is still signed in: each goes back and forth between their own MDT and a desk
/// twice within ten minutes. The desks differ (PCT1-WS04, WS10, WS07, WS02), and so do the
/// cars, yet the banks are the same: a precinct desk and a car's terminal. The first three
/// officers are raised (two other logins at a pair of banks, which gathers every pair of
/// their workstations, may still be shared logins); the fourth, after three other logins
/// did, is how the precinct works: counted, not raised. A desk of another bank (the report
/// room's PCT1-RPT02), which nobody else moves to from a car, and the same pair of banks at
/// another precinct are raised.
#[test]
fn precinct_desks_beside_a_signed_in_car_terminal() {
    let world = "classes/precinct_desks_beside_a_signed_in_car_terminal";
    let back_and_forth = |user: &str, p: &str| {
        let ids: Vec<String> = (2..=4).map(|i| format!("{p}{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        key("shared_credential", "concurrent_clients", user, &ids)
    };
    let expected = vec![
        back_and_forth("p101", "a"),
        back_and_forth("p102", "b"),
        back_and_forth("p103", "c"),
        back_and_forth("p105", "e"),
        back_and_forth("p201", "f"),
    ];
    assert_alerts(&audit_fixture(world, None), expected.clone());
    assert_alerts(&audit_night_by_night(world, None), expected);
}

/// A field-office manager goes back and forth between the office (FO1-MGR01) and counter 5
/// twice within ten minutes, every morning. The first two mornings are raised: nothing yet
/// tells a habit from a second person. From the third, the pair is how the login works and
/// is counted, not raised, also when the days are audited night by night. On the fourth
/// day the same back-and-forth with counter 9 (a pair not yet its practice) is raised, and
/// so is a use at the other office 30 km away between two uses of the office (m21–m23),
/// which no habit explains (and which is impossible travel too).
#[test]
fn manager_between_the_office_and_a_counter() {
    let config = "[no_case]\nexempt_purposes = [\"DL_RENEWAL\"]\n";
    let world = "classes/manager_between_the_office_and_a_counter";
    let expected = vec![
        key(
            "shared_credential",
            "concurrent_clients",
            "mgr1",
            &["m02", "m03", "m04"],
        ),
        key(
            "shared_credential",
            "concurrent_clients",
            "mgr1",
            &["m06", "m07", "m08"],
        ),
        key(
            "shared_credential",
            "concurrent_clients",
            "mgr1",
            &["m18", "m19", "m20"],
        ),
        key(
            "shared_credential",
            "concurrent_clients",
            "mgr1",
            &["m21", "m22", "m23"],
        ),
        key(
            "shared_credential",
            "impossible_travel",
            "mgr1",
            &["m21", "m22", "m23"],
        ),
    ];
    assert_alerts(&audit_fixture(world, Some(config)), expected.clone());
    assert_alerts(&audit_night_by_night(world, Some(config)), expected);
}

/// A ward's inpatient (P-101, admission ADM-0101) is cared for by a different nurse each
/// shift and by the hospitalist: four of the ward's nurses besides rn1 and a hospitalist
/// were assigned the admission in five days, rn1 herself the day before. Relieving a colleague for a break, rn1 opens the chart
/// under the admission (w1): the ward's shared work, set aside and counted. Still raised:
/// the ward's new admission that only two colleagues hold yet (w2, one colleague's case,
/// not the ward's), the ward's patient who is a colleague (w3, rn7: the agency's own are
/// never set aside so, and `coworker_lookup` says who she is), the same inpatient opened by
/// a nurse of another ward (w4), a patient the admission does not list (w5), and a
/// discharged patient's closed admission (w6).
#[test]
fn break_relief_on_the_ward() {
    assert_set_aside_with(
        "classes/break_relief_on_the_ward",
        None,
        vec![
            key("no_case", "not_assigned", "rn1", &["w2"]),
            key("no_case", "not_assigned", "rn1", &["w3"]),
            key("coworker_lookup", "same_unit", "rn1", &["w3"]),
            key("no_case", "not_assigned", "rn8", &["w4"]),
            key("no_case", "not_assigned", "rn3", &["w5"]),
            key("no_case", "closed_case", "rn1", &["w6"]),
        ],
        &["set aside  1 not_assigned lookup(s) of people an open case of the user's own unit lists, a case five or more other people were assigned"],
    );
}
