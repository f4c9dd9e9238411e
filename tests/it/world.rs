//! A generated world of more than 100,000 events: every identity detector and `no_case`
//! must reach precision and recall of at least 0.95 with the default configuration, and so
//! must `shared_credential` (recall ≥ 0.9 is what its issue asks; the world gives more).
//! Every behaviour kind (`odd_volume`'s five, `subject_surge`) must reach recall 0.9 and
//! precision 0.9, and on the same world with nothing injected the behaviour detectors must
//! raise fewer than one alert per 100,000 events.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::custodes;

/// A generated world (seed 20240514, plus `gen_args`) audited with the default
/// configuration: the temporary directory, the world directory, its events, the alerts
/// file and the number of events.
struct Audited {
    _dir: tempfile::TempDir,
    world: PathBuf,
    events: PathBuf,
    alerts: PathBuf,
    n_events: usize,
}

fn generate_and_audit(gen_args: &[&str]) -> Audited {
    let dir = tempfile::tempdir().expect("tempdir");
    let world = dir.path().join("world");
    custodes()
        .args(["gen", "--seed", "20240514"])
        .args(gen_args)
        .arg("--out")
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
    Audited {
        _dir: dir,
        world,
        events,
        alerts,
        n_events,
    }
}

#[test]
fn generated_world_meets_precision_and_recall_targets() {
    let Audited {
        world,
        events,
        alerts,
        ..
    } = &generate_and_audit(&[]);
    let out = custodes()
        .args(["eval", "--json", "--labels"])
        .arg(world.join("labels.jsonl"))
        .arg("--alerts")
        .arg(alerts)
        .arg("--events")
        .arg(events)
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
    for kind in [
        "daily_count",
        "burst",
        "off_hours",
        "distinct_subjects",
        "export",
    ] {
        check_kind(&report, "odd_volume", kind, &mut failures);
    }
    check_kind(&report, "subject_surge", "many_users", &mut failures);
    assert!(failures.is_empty(), "{failures:#?}\n{report:#}");
}

fn check_kind(report: &Value, detector: &str, kind: &str, failures: &mut Vec<String>) {
    let s = &report["by_kind"][format!("{detector}/{kind}")];
    let p = s["precision"].as_f64().unwrap_or(0.0);
    let r = s["recall"].as_f64().unwrap_or(0.0);
    let labels = s["labels"].as_u64().unwrap_or(0);
    if labels < 5 || p < 0.9 || r < 0.9 {
        failures.push(format!(
            "{detector}/{kind}: precision {p:.3} recall {r:.3} labels {labels}"
        ));
    }
}

#[test]
fn behaviour_detectors_stay_quiet_on_a_world_without_misuse() {
    let Audited {
        alerts, n_events, ..
    } = &generate_and_audit(&["--no-inject"]);
    let behaviour: Vec<Value> = crate::support::read_jsonl(alerts)
        .into_iter()
        .filter(|a| a["detector"] == "odd_volume" || a["detector"] == "subject_surge")
        .collect();
    let per_100k = behaviour.len() as f64 * 100_000.0 / *n_events as f64;
    assert!(
        per_100k < 1.0,
        "{} behaviour alerts in {n_events} events ({per_100k:.2} per 100,000): {behaviour:#?}",
        behaviour.len()
    );
}
