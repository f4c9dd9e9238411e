//! Generated worlds of more than 100,000 events, audited with default settings (plus the
//! world's own exempt purposes).
//!
//! * The **realistic** profile (`gen --profile realistic`, written from how agencies record
//!   work, not from the matcher): every detector kind must reach precision and recall of at
//!   least 0.95, except the kinds listed in `KNOWN_GAPS` (open work of issue 12, each held
//!   at a floor just under what it measures so it cannot get worse unnoticed), the four
//!   `record_change` kinds included; its twin with
//!   nothing injected must raise at most 0.5 alerts per 10,000 events.
//! * The **classic** profile (the project's first world): every identity detector,
//!   `no_case` and `shared_credential` at 0.95; the behaviour kinds at 0.9, except
//!   `daily_count` (see `classic_world_meets_precision_and_recall_targets`); with nothing
//!   injected the behaviour detectors raise fewer than one alert per 100,000 events.

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
    let mut gen = custodes();
    gen.arg("gen");
    if !gen_args.contains(&"--profile") {
        gen.args(["--profile", "classic"]);
    }
    if !gen_args.contains(&"--seed") {
        gen.args(["--seed", "20240514"]);
    }
    gen.args(gen_args)
        .arg("--out")
        .arg(&world)
        .assert()
        .success();
    let config = world.join("custodes.toml");
    let events = world.join("events.jsonl");
    let n_events = std::fs::read_to_string(&events)
        .expect("events")
        .lines()
        .count();
    assert!(n_events >= 100_000, "only {n_events} events");
    let alerts = dir.path().join("alerts.jsonl");
    let mut audit = custodes();
    audit
        .args(["audit", "--quiet", "--refs"])
        .arg(world.join("refs"));
    // The realistic world writes its agency's exempt purposes; the classic world has none.
    if config.exists() {
        audit.arg("--config").arg(&config);
    }
    audit
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
fn classic_world_meets_precision_and_recall_targets() {
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
    for kind in ["burst", "off_hours", "export"] {
        check_kind(&report, "odd_volume", kind, 0.9, 0.9, &mut failures);
    }
    // Since `subject_not_in_case` needs someone the tables know, this world's labels (and so
    // its draws) changed. On this draw three injected busy days of users whose own days vary
    // from 4 to 42 lookups are not significant at a 1% false discovery rate (daily_count
    // recall 0.77), one legitimate internal-affairs day at 2.5x its median is (precision
    // 0.92), and days of unrelated people lose some recall (distinct_subjects recall 0.91).
    check_kind(
        &report,
        "odd_volume",
        "daily_count",
        0.9,
        0.75,
        &mut failures,
    );
    check_kind(
        &report,
        "odd_volume",
        "distinct_subjects",
        0.9,
        0.85,
        &mut failures,
    );
    check_kind(
        &report,
        "subject_surge",
        "many_users",
        0.9,
        0.9,
        &mut failures,
    );
    assert!(failures.is_empty(), "{failures:#?}\n{report:#}");
}

fn check_kind(
    report: &Value,
    detector: &str,
    kind: &str,
    min_p: f64,
    min_r: f64,
    failures: &mut Vec<String>,
) {
    let s = &report["by_kind"][format!("{detector}/{kind}")];
    let p = s["precision"].as_f64().unwrap_or(0.0);
    let r = s["recall"].as_f64().unwrap_or(0.0);
    let labels = s["labels"].as_u64().unwrap_or(0);
    if labels < 2 || p < min_p || r < min_r {
        failures.push(format!(
            "{detector}/{kind}: precision {p:.3} recall {r:.3} labels {labels}"
        ));
    }
}

/// Kinds of the realistic world that do not reach 0.95 yet, with the floor each is held at
/// (measured on this world, rounded down): (detector/kind, precision, recall, why).
const KNOWN_GAPS: &[(&str, f64, f64, &str)] = &[(
    "subject_surge/many_users",
    0.95,
    0.85,
    "a login that only typed a name other known people share, or whose bare-name \
         search a case of theirs listing someone of that name explains, is not tied to the \
         person (measured 0.922)",
)];

/// The identity detectors whose `record_change` kind the realistic world injects.
const RECORD_CHANGE: [&str; 4] = [
    "self_query",
    "coworker_lookup",
    "association_lookup",
    "watchlist_lookup",
];

fn eval_report(a: &Audited) -> Value {
    let out = custodes()
        .args(["eval", "--json", "--labels"])
        .arg(a.world.join("labels.jsonl"))
        .arg("--alerts")
        .arg(&a.alerts)
        .arg("--events")
        .arg(&a.events)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).expect("eval JSON")
}

#[test]
fn realistic_world_meets_precision_and_recall_targets() {
    let audited = generate_and_audit(&[
        "--profile",
        "realistic",
        "--users",
        "80",
        "--days",
        "14",
        "--seed",
        "3",
    ]);
    let report = eval_report(&audited);
    let Some(kinds) = report["by_kind"].as_object() else {
        panic!("no per-kind figures: {report:#}");
    };
    assert!(kinds.len() >= 30, "every kind is labelled: {report:#}");
    let mut failures = Vec::new();
    // Altered records (issue 16): each identity detector's `record_change` is labelled and
    // held at 0.95 like every other kind (the loop below), so none may go missing.
    for detector in RECORD_CHANGE {
        let name = format!("{detector}/record_change");
        if !kinds.contains_key(&name) {
            failures.push(format!("{name}: not labelled"));
        }
    }
    for name in kinds.keys() {
        let Some((detector, kind)) = name.split_once('/') else {
            continue;
        };
        let (min_p, min_r) = KNOWN_GAPS
            .iter()
            .find(|g| g.0 == name)
            .map_or((0.95, 0.95), |g| (g.1, g.2));
        check_kind(&report, detector, kind, min_p, min_r, &mut failures);
    }
    assert!(failures.is_empty(), "{failures:#?}\n{report:#}");
}

#[test]
fn realistic_world_without_misconduct_is_quiet() {
    let Audited {
        alerts, n_events, ..
    } = &generate_and_audit(&[
        "--profile",
        "realistic",
        "--users",
        "80",
        "--days",
        "14",
        "--seed",
        "3",
        "--no-inject",
    ]);
    let all = crate::support::read_jsonl(alerts);
    let per_10k = all.len() as f64 * 10_000.0 / *n_events as f64;
    assert!(
        per_10k <= 0.5,
        "{} alerts in {n_events} events ({per_10k:.2} per 10,000): {all:#?}",
        all.len()
    );
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
