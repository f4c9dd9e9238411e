//! A generated world of more than 100,000 events: every identity detector and `no_case`
//! must reach precision and recall of at least 0.95 with the default configuration, and so
//! must `shared_credential` (recall ≥ 0.9 is what its issue asks; the world gives more).

use serde_json::Value;

use crate::support::custodes;

#[test]
fn generated_world_meets_precision_and_recall_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let world = dir.path().join("world");
    custodes()
        .args(["gen", "--seed", "20240514", "--out"])
        .arg(&world)
        .assert()
        .success();
    let events = world.join("events.jsonl");
    let n_events = std::fs::read_to_string(&events)
        .expect("events")
        .lines()
        .count();
    assert!(n_events >= 100_000, "only {n_events} events");

    let alerts = dir.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(world.join("refs"))
        .arg("--out")
        .arg(&alerts)
        .arg(&events)
        .assert()
        .success();
    let out = custodes()
        .args(["eval", "--json", "--labels"])
        .arg(world.join("labels.jsonl"))
        .arg("--alerts")
        .arg(&alerts)
        .arg("--events")
        .arg(&events)
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).expect("eval JSON");
    let mut failures = Vec::new();
    for d in [
        "self_query",
        "coworker_lookup",
        "association_lookup",
        "watchlist_lookup",
        "no_case",
        "shared_credential",
    ] {
        let s = &report["by_detector"][d];
        let p = s["precision"].as_f64().unwrap_or(0.0);
        let r = s["recall"].as_f64().unwrap_or(0.0);
        let labels = s["labels"].as_u64().unwrap_or(0);
        if labels < 10 || p < 0.95 || r < 0.95 {
            failures.push(format!(
                "{d}: precision {p:.3} recall {r:.3} labels {labels}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}\n{report:#}");
}
