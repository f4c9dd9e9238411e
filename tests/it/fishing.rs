//! The `fishing` detector: one fixture per kind (tests/fixtures/fishing/NAME), each with
//! the look-alikes that must stay quiet (case work, a description under the user's own
//! case, lookups a case explains), and a busy records unit whose usual work is sweeps.

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

fn fishing(alerts: &[Value]) -> Vec<Value> {
    alerts
        .iter()
        .filter(|a| a["detector"] == "fishing")
        .cloned()
        .collect()
}

/// `GAR*` typed in a name field, `LIKE 'SMI%'` in SQL and a surname alone returning 140
/// records are one officer's sweep (a surname returning three records is not); the same
/// patterns under the detective's own case that lists GARCILASO and the PENHALLOWs are
/// case work, but a pattern that fits nobody that case lists, or under someone else's
/// case, is not.
#[test]
fn wildcard_sweep_vs_case_work() {
    let alerts = audit_fixture("fishing/wildcard_sweep", None);
    assert_alerts(
        &alerts,
        vec![
            key("fishing", "wildcard_sweep", "ptl1", &["w01", "w02", "w03"]),
            key("no_case", "missing", "ptl1", &["w01", "w03", "w04"]),
            key("fishing", "wildcard_sweep", "det1", &["w08", "w09"]),
            key("no_case", "not_assigned", "det1", &["w09"]),
        ],
    );
    let sweep = alerts
        .iter()
        .find(|a| a["detector"] == "fishing" && a["user"] == "ptl1")
        .expect("sweep alert");
    assert_eq!(sweep["severity"], "high");
    let criteria = sweep["evidence"]["criteria"].as_array().expect("criteria");
    assert_eq!(criteria[0]["patterns"][0]["pattern"], "GAR*");
    assert_eq!(criteria[1]["patterns"][0]["pattern"], "SMI%");
    assert_eq!(criteria[1]["attributes"]["sex"], "F");
    assert_eq!(criteria[2]["patterns"][0]["surname_only"], true);
    assert_eq!(criteria[2]["result_count"], 140);
    assert_eq!(sweep["evidence"]["usual"]["unit_name"], "PATROL");
    let det = alerts
        .iter()
        .find(|a| a["detector"] == "fishing" && a["user"] == "det1")
        .expect("det1 alert");
    assert!(
        det["reason"]
            .as_str()
            .is_some_and(|r| r.contains("WAL*") && r.contains("lists nobody it fits")),
        "{det}"
    );
}

/// Sex, race and age with no name and no case, a vehicle make and colour in source fields,
/// and an NCIC-style `SEX/F` under a case that does not exist are trawls; a description
/// under the detective's own case, attributes beside a full name, and a vehicle
/// description under an exempt traffic stop are not.
#[test]
fn attribute_search_without_person_or_case() {
    let alerts = audit_fixture("fishing/attribute_search", None);
    assert_alerts(
        &alerts,
        vec![key(
            "fishing",
            "attribute_search",
            "ptl1",
            &["a01", "a02", "a03"],
        )],
    );
    let a = &alerts[0];
    let criteria = a["evidence"]["criteria"].as_array().expect("criteria");
    assert_eq!(criteria[0]["attributes"]["race"], "W");
    assert_eq!(criteria[0]["attributes"]["age"], "25-30");
    assert_eq!(criteria[1]["attributes"]["vehicle_make"], "Toyota");
    assert_eq!(criteria[2]["case"]["status"], "unknown_case");
}

/// Four plates a step or two apart within minutes, and four houses of one street however
/// typed, are enumerations; a plate of the same series an hour later is not part of it,
/// unrelated plates in a busy hour are not a sequence, and consecutive person ids that the
/// user's case lists are case work.
#[test]
fn enumeration_of_plates_and_houses() {
    let alerts = audit_fixture("fishing/enumeration", None);
    assert_alerts(
        &alerts,
        vec![
            key(
                "fishing",
                "enumeration",
                "ptl1",
                &["e01", "e02", "e03", "e04"],
            ),
            key(
                "no_case",
                "missing",
                "ptl1",
                &["e01", "e02", "e03", "e04", "e05"],
            ),
            key(
                "fishing",
                "enumeration",
                "ptl2",
                &["h01", "h02", "h03", "h04"],
            ),
            key("no_case", "missing", "ptl2", &["h01", "h02", "h03", "h04"]),
        ],
    );
    let plates = alerts
        .iter()
        .find(|a| a["detector"] == "fishing" && a["user"] == "ptl1")
        .expect("plate run");
    let values = &plates["evidence"]["criteria"][0]["values"];
    assert_eq!(
        values,
        &serde_json::json!(["7KLM101", "7KLM102", "7KLM103", "7KLM105"])
    );
}

const BUSY_CONFIG: &str = "[no_case]\nexempt_purposes = [\"RECORDS_REQUEST\", \"TRAFFIC_STOP\"]\n";

/// A records unit searches surnames alone all day (three a day each, five on the last):
/// from the second day that is their usual work, and a newcomer to the unit doing the same
/// is judged by the unit. Only the first day (no history at all) and the patrol officer
/// whose unit never sweeps (three surnames in ten minutes, under the records unit's
/// purpose: two would be that work's imprecision) are reported.
#[test]
fn busy_but_legitimate_records_unit() {
    let alerts = fishing(&audit_fixture(
        "fishing/busy_but_legitimate",
        Some(BUSY_CONFIG),
    ));
    assert_alerts(
        &alerts,
        vec![
            key(
                "fishing",
                "wildcard_sweep",
                "rec1",
                &["b0001", "b0002", "b0003"],
            ),
            key(
                "fishing",
                "wildcard_sweep",
                "rec2",
                &["b0004", "b0005", "b0006"],
            ),
            key(
                "fishing",
                "wildcard_sweep",
                "ptl1",
                &["b0149", "b0150", "b0151"],
            ),
        ],
    );
    let ptl = alerts.iter().find(|a| a["user"] == "ptl1").expect("ptl1");
    assert_eq!(ptl["evidence"]["usual"]["user_days"], 13);
    assert_eq!(
        ptl["severity"], "medium",
        "an exempt purpose is not no case"
    );
}

/// The busy-but-legitimate world cut at its last day, with the files a night-by-night run
/// needs in `dir`.
struct Split {
    world: std::path::PathBuf,
    cfg: std::path::PathBuf,
    /// The thirteen days before the last.
    early: std::path::PathBuf,
    /// The last day.
    late: std::path::PathBuf,
    /// Where the state goes (not written yet).
    state: std::path::PathBuf,
}

fn split_last_day(dir: &Path) -> Split {
    let world = fixtures().join("fishing/busy_but_legitimate");
    let cfg = dir.join("custodes.toml");
    std::fs::write(&cfg, BUSY_CONFIG).expect("config");
    let text = std::fs::read_to_string(world.join("events.jsonl")).expect("events");
    let (before, last): (Vec<&str>, Vec<&str>) =
        text.lines().partition(|l| !l.contains("\"2024-05-14T"));
    let early = dir.join("early.jsonl");
    let late = dir.join("late.jsonl");
    std::fs::write(&early, before.join("\n") + "\n").expect("write");
    std::fs::write(&late, last.join("\n") + "\n").expect("write");
    Split {
        world,
        cfg,
        early,
        late,
        state: dir.join("state.json"),
    }
}

/// The usual day is learnt from audited nights and saved with the state: auditing the
/// last day alone on the state of the thirteen before gives the last day's alerts of one
/// long run.
#[test]
fn usual_searches_survive_night_by_night_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Split {
        world,
        cfg,
        early,
        late,
        state,
    } = split_last_day(dir.path());
    let run = |events: &Path, out: &str| {
        let out = dir.path().join(out);
        custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(world.join("refs"))
            .arg("--config")
            .arg(&cfg)
            .arg("--state")
            .arg(&state)
            .arg("--out")
            .arg(&out)
            .arg(events)
            .assert()
            .success();
        fishing(&read_jsonl(&out))
    };
    run(&early, "a.jsonl");
    let nightly = run(&late, "b.jsonl");
    assert_alerts(
        &nightly,
        vec![key(
            "fishing",
            "wildcard_sweep",
            "ptl1",
            &["b0149", "b0150", "b0151"],
        )],
    );
}

/// `custodes baseline` learns the usual searches too (issue 16): built from the thirteen
/// days before, the state judges the last day as one long run does. The records clerks,
/// whose usual work is surname sweeps, raise nothing; the patrol officer, whose history
/// holds none, still raises `wildcard_sweep`.
#[test]
fn baseline_learns_usual_searches_for_the_next_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Split {
        world,
        cfg,
        early,
        late,
        state,
    } = split_last_day(dir.path());
    custodes()
        .args(["baseline", "--quiet", "--refs"])
        .arg(world.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--state")
        .arg(&state)
        .arg(&early)
        .assert()
        .success();
    let out = dir.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(world.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--state")
        .arg(&state)
        .arg("--out")
        .arg(&out)
        .arg(&late)
        .assert()
        .success();
    let nightly = fishing(&read_jsonl(&out));
    assert_alerts(
        &nightly,
        vec![key(
            "fishing",
            "wildcard_sweep",
            "ptl1",
            &["b0149", "b0150", "b0151"],
        )],
    );
    let ptl = &nightly[0];
    assert_eq!(ptl["evidence"]["usual"]["user_days"], 13, "{ptl}");
}

/// The fishing part of a state file (`carry.detectors.fishing`).
fn fishing_state(state: &Path) -> Value {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(state).expect("state")).expect("state json");
    v["carry"]["detectors"]["fishing"].clone()
}

fn baseline(refs: &Path, cfg: Option<&Path>, state: &Path, events: &[&Path]) {
    let mut cmd = custodes();
    cmd.args(["baseline", "--quiet", "--refs"])
        .arg(refs)
        .arg("--state")
        .arg(state);
    if let Some(c) = cfg {
        cmd.arg("--config").arg(c);
    }
    cmd.args(events).assert().success();
}

/// `custodes baseline` saves the usual searches an audit of the same days saves (issue 16),
/// however its inputs are ordered (a sequence of plates is only one in time order, so a
/// file written backwards must give the same counts) and however the days are split
/// between runs extending one state.
#[test]
fn baseline_learns_what_an_audit_learns_in_any_order_and_any_split() {
    for (name, config) in [
        ("busy_but_legitimate", Some(BUSY_CONFIG)),
        ("enumeration", None),
    ] {
        let world = fixtures().join("fishing").join(name);
        let refs = world.join("refs");
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config.map(|c| {
            let p = dir.path().join("custodes.toml");
            std::fs::write(&p, c).expect("config");
            p
        });
        let text = std::fs::read_to_string(world.join("events.jsonl")).expect("events");
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_by_key(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            v["ts"].as_str().unwrap_or_default().to_string()
        });
        // Runs extend a state by whole days (a user-day read again replaces the saved one,
        // as history rows do): cut at the day boundary nearest the middle.
        let day = |l: &str| l.split("\"ts\": \"").nth(1).map(|t| t[..10].to_string());
        let mid = day(lines[lines.len() / 2]);
        let cut = lines.iter().position(|l| day(l) >= mid).unwrap_or(0);
        let write = |file: &str, lines: &[&str]| {
            let p = dir.path().join(file);
            std::fs::write(&p, lines.join("\n") + "\n").expect("write");
            p
        };
        let all = write("all.jsonl", &lines);
        let backwards: Vec<&str> = lines.iter().rev().copied().collect();
        let backwards = write("backwards.jsonl", &backwards);
        let first = write("first.jsonl", &lines[..cut]);
        let second = write("second.jsonl", &lines[cut..]);

        let audited = dir.path().join("audited.json");
        let mut cmd = custodes();
        cmd.args(["audit", "--quiet", "--refs"])
            .arg(&refs)
            .arg("--state")
            .arg(&audited)
            .arg("--out")
            .arg(dir.path().join("alerts.jsonl"));
        if let Some(c) = &cfg {
            cmd.arg("--config").arg(c);
        }
        cmd.arg(&all).assert().success();
        let want = fishing_state(&audited);
        assert!(
            want["counts"].as_object().is_some_and(|m| !m.is_empty()),
            "{name}: the audit counted no fishing at all: {want}"
        );

        let once = dir.path().join("once.json");
        baseline(&refs, cfg.as_deref(), &once, &[&backwards]);
        assert_eq!(fishing_state(&once), want, "{name}: backwards");

        let reversed_files = dir.path().join("reversed_files.json");
        baseline(&refs, cfg.as_deref(), &reversed_files, &[&second, &first]);
        assert_eq!(fishing_state(&reversed_files), want, "{name}: files");

        if cut == 0 {
            // One day only: nothing to split.
            continue;
        }
        let twice = dir.path().join("twice.json");
        baseline(&refs, cfg.as_deref(), &twice, &[&first]);
        baseline(&refs, cfg.as_deref(), &twice, &[&second]);
        assert_eq!(fishing_state(&twice), want, "{name}: two runs");
        // The second half first, then the first: the earlier days are added, none lost.
        let back_first = dir.path().join("back_first.json");
        baseline(&refs, cfg.as_deref(), &back_first, &[&second]);
        baseline(&refs, cfg.as_deref(), &back_first, &[&first]);
        assert_eq!(
            fishing_state(&back_first),
            want,
            "{name}: earlier days later"
        );
    }
}
