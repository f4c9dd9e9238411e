//! Saved baselines: `custodes baseline`, `audit --state`, and the promise that a nightly
//! run with saved state gives the same alerts as one run over every night at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{custodes, read_jsonl};

/// A generated 60-day world split into one file per UTC day, as a nightly export would be.
struct Nights {
    dir: tempfile::TempDir,
    refs: PathBuf,
    all: PathBuf,
    nights: Vec<PathBuf>,
}

fn nights(users: &str, days: &str) -> Nights {
    let dir = tempfile::tempdir().expect("tempdir");
    let world = dir.path().join("world");
    custodes()
        .args([
            "gen",
            "--profile",
            "classic",
            "--seed",
            "11",
            "--users",
            users,
            "--days",
            days,
            "--out",
        ])
        .arg(&world)
        .assert()
        .success();
    let all = world.join("events.jsonl");
    let text = std::fs::read_to_string(&all).expect("events");
    let mut by_day: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("json");
        let ts = chrono::DateTime::parse_from_rfc3339(v["ts"].as_str().expect("ts"))
            .expect("rfc3339")
            .with_timezone(&chrono::Utc);
        let e = by_day.entry(ts.date_naive().to_string()).or_default();
        e.push_str(line);
        e.push('\n');
    }
    let split = dir.path().join("nights");
    std::fs::create_dir_all(&split).expect("mkdir");
    let nights = by_day
        .into_iter()
        .map(|(d, lines)| {
            let p = split.join(format!("{d}.jsonl"));
            std::fs::write(&p, lines).expect("write");
            p
        })
        .collect();
    Nights {
        refs: world.join("refs"),
        all,
        nights,
        dir,
    }
}

impl Nights {
    /// Audits every event at once with `--state`; returns the state file.
    fn audited_state(&self) -> PathBuf {
        let state = self.dir.path().join("state.json");
        audit(
            &self.refs,
            &self.dir.path().join("a.jsonl"),
            Some(&state),
            &[&self.all],
        );
        state
    }
}

fn audit(refs: &Path, out: &Path, state: Option<&Path>, events: &[&Path]) -> Vec<Value> {
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"]).arg(refs);
    if let Some(s) = state {
        cmd.arg("--state").arg(s);
    }
    cmd.arg("--out").arg(out).args(events).assert().success();
    read_jsonl(out)
}

/// Alerts as comparable text, sorted.
fn canon(alerts: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = alerts.iter().map(Value::to_string).collect();
    v.sort();
    v
}

fn last_night(alerts: &[Value], night: &str) -> Vec<Value> {
    // An alert belongs to the night whose day closed it: its window ends on that day.
    alerts
        .iter()
        .filter(|a| {
            a["window_end"]
                .as_str()
                .unwrap_or_default()
                .starts_with(night)
        })
        .cloned()
        .collect()
}

#[test]
fn sixty_days_at_once_and_night_by_night_give_the_same_alerts() {
    let w = nights("40", "60");
    assert!(w.nights.len() >= 60, "{} nights", w.nights.len());
    let out = w.dir.path().join("all.jsonl");
    // With a state too: what is held over at the end waits in both for a later night.
    let at_once = audit(
        &w.refs,
        &out,
        Some(&w.dir.path().join("at-once.json")),
        &[&w.all],
    );

    let state = w.dir.path().join("state.json");
    let mut nightly = Vec::new();
    for (i, night) in w.nights.iter().enumerate() {
        let out = w.dir.path().join(format!("night-{i}.jsonl"));
        nightly.extend(audit(&w.refs, &out, Some(&state), &[night]));
    }
    // The last full night (the very last file may hold only a few minutes past midnight).
    let last = w
        .nights
        .iter()
        .rev()
        .find(|p| std::fs::read_to_string(p).map_or(0, |t| t.lines().count()) > 100)
        .and_then(|p| p.file_stem())
        .expect("a full night");
    let last = last.to_string_lossy().to_string();
    let a = last_night(&at_once, &last);
    let b = last_night(&nightly, &last);
    assert!(!a.is_empty(), "the last night should raise alerts");
    assert_eq!(canon(&a), canon(&b));
    // Not just the last night: every night agrees.
    assert_eq!(canon(&at_once), canon(&nightly));
    // And the behaviour detectors took part.
    assert!(at_once.iter().any(|a| a["detector"] == "odd_volume"));
    assert!(at_once.iter().any(|a| a["detector"] == "subject_surge"));
}

#[test]
fn baseline_from_files_equals_the_history_an_audit_builds() {
    let w = nights("30", "20");
    // History up to the last full night (the very last file may hold only a few minutes
    // past midnight), which is then audited with what follows it.
    let full = w
        .nights
        .iter()
        .rposition(|p| std::fs::read_to_string(p).map_or(0, |t| t.lines().count()) > 100)
        .expect("a full night");
    let (history, last) = w.nights.split_at(full);
    let hist_dir = w.dir.path().join("history");
    std::fs::create_dir_all(&hist_dir).expect("mkdir");
    for p in history {
        std::fs::copy(p, hist_dir.join(p.file_name().expect("name"))).expect("copy");
    }
    let built = w.dir.path().join("built.json");
    custodes()
        .args(["baseline", "--quiet", "--refs"])
        .arg(&w.refs)
        .arg("--state")
        .arg(&built)
        .arg(&hist_dir)
        .assert()
        .success();
    let audited = w.dir.path().join("audited.json");
    let out = w.dir.path().join("a.jsonl");
    audit(&w.refs, &out, Some(&audited), &[&hist_dir]);
    // The baseline saved the very state the audit saved: history rows, every detector's
    // learnt counts (the fishing detector's usual searches, an interface job's pace, the
    // agency's hours, screening desks, a unit's closed-case work, the
    // stretch of work at the end) and the windows open at the end; all but the lookups and
    // the busy days the audit held over for a later night to judge, since a baseline raises
    // nothing of the days it learns from, then or later.
    let (b, a) = (
        std::fs::read_to_string(&built).expect("built state"),
        std::fs::read_to_string(&audited).expect("audited state"),
    );
    let b: Value = serde_json::from_str(&b).expect("json");
    let mut saved: Value = serde_json::from_str(&a).expect("json");
    assert!(b["carry"]["detectors"].get("held_over").is_none());
    assert!(b["carry"]["detectors"]["odd_volume"]
        .get("held_days")
        .is_none());
    assert!(
        saved["carry"]["detectors"]["odd_volume"]
            .get("held_days")
            .is_some(),
        "the audit holds busy days of newcomers for the days after them"
    );
    if let Some(d) = saved["carry"]["detectors"].as_object_mut() {
        d.remove("held_over");
        if let Some(o) = d.get_mut("odd_volume").and_then(Value::as_object_mut) {
            o.remove("held_days");
        }
    }
    assert_eq!(b, saved);
    std::fs::write(&audited, saved.to_string()).expect("write the state without them");
    for learnt in ["fishing", "odd_volume", "closed_case_work"] {
        let v = &saved["carry"]["detectors"][learnt];
        assert!(
            v.as_object().is_some_and(|m| !m.is_empty())
                || v.as_array().is_some_and(|a| !a.is_empty()),
            "the audit saved nothing for {learnt}: {}",
            saved["carry"]["detectors"]
        );
    }

    // So the last night judged against either gives the same alerts, every one of them.
    let x = audit(
        &w.refs,
        &w.dir.path().join("x.jsonl"),
        Some(&built),
        &last.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
    );
    let y = audit(
        &w.refs,
        &w.dir.path().join("y.jsonl"),
        Some(&audited),
        &last.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
    );
    assert!(!x.is_empty(), "the last night should raise alerts");
    assert_eq!(canon(&x), canon(&y));
}

/// Earlier days added to a state that holds later ones: the history rows and the fishing
/// detector's usual searches are merged by day, and what the other detectors learnt in
/// time order (here an interface job's pace and a unit's closed-case work) is kept as
/// saved, not replaced by counts of the earlier days alone. The summary says which.
#[test]
fn earlier_days_added_to_a_baseline_keep_what_it_learnt() {
    let w = nights("30", "20");
    let (early, late) = w.nights.split_at(w.nights.len() / 2);
    let dir = |name: &str, files: &[PathBuf]| {
        let d = w.dir.path().join(name);
        std::fs::create_dir_all(&d).expect("mkdir");
        for p in files {
            std::fs::copy(p, d.join(p.file_name().expect("name"))).expect("copy");
        }
        d
    };
    let (early, late) = (dir("early", early), dir("late", late));
    let state = w.dir.path().join("state.json");
    let baseline = |events: &Path| {
        let out = custodes()
            .args(["baseline", "--refs"])
            .arg(&w.refs)
            .arg("--state")
            .arg(&state)
            .arg(events)
            .output()
            .expect("run");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let first = baseline(&late);
    assert!(first.contains("learnt     as an audit"), "{first}");
    let read = || -> Value {
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json")
    };
    let after_late = read();
    let second = baseline(&early);
    assert!(
        second.contains("learnt     history rows and the fishing"),
        "{second}"
    );
    let after_both = read();
    for kept in ["odd_volume", "closed_case_work", "name_routines"] {
        assert_eq!(
            after_both["carry"]["detectors"][kept], after_late["carry"]["detectors"][kept],
            "{kept}"
        );
    }
    assert_eq!(
        after_both["carry"]["last_event"],
        after_late["carry"]["last_event"]
    );
    // The earlier days' rows were added.
    let days = |v: &Value| {
        v["users"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| r["day"].as_str().map(str::to_string))
                    .collect::<std::collections::BTreeSet<_>>()
            })
            .unwrap_or_default()
    };
    assert!(days(&after_both).len() > days(&after_late).len());
    assert!(days(&after_both).is_superset(&days(&after_late)));
}

/// Standard input can be read once only: a baseline that reads it onto a state holding days
/// already cannot first look for where its events start, so it adds them as rows (and
/// says so), with none lost; onto a new state it runs the detectors as from files.
#[test]
fn a_baseline_from_standard_input_reads_it_once() {
    let w = nights("20", "6");
    let state = w.dir.path().join("state.json");
    let from_stdin = |night: &Path| {
        let out = custodes()
            .args(["baseline", "--refs"])
            .arg(&w.refs)
            .arg("--state")
            .arg(&state)
            .arg("-")
            .write_stdin(std::fs::read_to_string(night).expect("night"))
            .output()
            .expect("run");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let first = from_stdin(&w.nights[0]);
    assert!(first.contains("learnt     as an audit"), "{first}");
    let second = from_stdin(&w.nights[1]);
    assert!(second.contains("standard input"), "{second}");
    let lines = std::fs::read_to_string(&w.nights[1])
        .expect("night")
        .lines()
        .count();
    assert!(
        second.contains(&format!("input      {lines} events read")),
        "{second}"
    );
}

/// Auditing again a night the state already holds (after a fix to the reference data, say)
/// replaces that night's rows and keeps everything the detectors learnt of the nights
/// before it: the state after the rerun holds what it held before, learnt part by learnt
/// part (only the windows open at the end, which the rerun could not continue, may differ).
#[test]
fn a_night_audited_again_keeps_what_was_learnt() {
    let w = nights("30", "12");
    let state = w.dir.path().join("state.json");
    let last = w.nights.len() - 2;
    for (i, night) in w.nights[..=last].iter().enumerate() {
        let out = w.dir.path().join(format!("n{i}.jsonl"));
        audit(&w.refs, &out, Some(&state), &[night]);
    }
    let read = || -> Value {
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json")
    };
    let before = read();
    audit(
        &w.refs,
        &w.dir.path().join("again.jsonl"),
        Some(&state),
        &[&w.nights[last]],
    );
    let after = read();
    assert_eq!(after["users"], before["users"]);
    assert_eq!(after["persons"], before["persons"]);
    assert!(
        before["carry"]["detectors"]["odd_volume"]["paces"]
            .as_object()
            .is_some_and(|m| !m.is_empty()),
        "the world learnt no pace"
    );
    for (part, path) in [
        ("usual searches", &["fishing"][..]),
        ("paces", &["odd_volume", "paces"]),
        ("the agency's hours", &["odd_volume", "off_hours_days"]),
        ("screening desks", &["name_routines"]),
        ("closed-case work", &["closed_case_work"]),
    ] {
        let at = |v: &Value| {
            path.iter()
                .fold(v["carry"]["detectors"].clone(), |v, k| v[*k].clone())
        };
        assert_eq!(at(&after), at(&before), "{part}");
    }
}

#[test]
fn a_state_file_is_private_and_bad_ones_are_clear_errors() {
    let w = nights("20", "3");
    let state = w.audited_state();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state)
            .expect("state")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cases = [
        (
            "{\"format\":\"custodes-baseline\",\"version\":99}",
            "version 99",
        ),
        (
            "{\"format\":\"custodes-baseline\",\n\"version\":1,\"users\":[",
            "line 2",
        ),
        ("[1,2,3]", "not a custodes baseline state file"),
        ("", "not a custodes baseline state file"),
    ];
    for (text, needle) in cases {
        std::fs::write(&state, text).expect("write");
        let out = custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(&w.refs)
            .arg("--state")
            .arg(&state)
            .arg(&w.all)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains("state.json") && err.contains(needle),
            "{needle}: {err}"
        );
        // A bad state is never overwritten: the investigator may need to see it.
        assert_eq!(std::fs::read_to_string(&state).expect("state"), text);
    }
}

/// A state whose detector part was edited by hand (or written by another version) stops
/// the audit with the file, the detector and the key, and is left as it was.
#[test]
fn a_detector_state_that_does_not_read_names_the_detector_and_the_key() {
    let w = nights("20", "3");
    let state = w.dir.path().join("state.json");
    let first: Vec<&Path> = w.nights[..2].iter().map(PathBuf::as_path).collect();
    audit(&w.refs, &w.dir.path().join("a.jsonl"), Some(&state), &first);
    let mut saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    saved["carry"]["detectors"]["odd_volume"]["burst_windows"] = Value::from(5);
    let text = saved.to_string();
    std::fs::write(&state, &text).expect("write");
    let out = custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(&w.refs)
        .arg("--state")
        .arg(&state)
        .arg(&w.nights[2])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    for needle in [
        "state.json",
        "detector odd_volume",
        "`burst_windows` does not read",
        "expected a map",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&state).expect("state"), text);
}

#[test]
fn baseline_help_explains_the_command() {
    let out = custodes().args(["baseline", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for needle in ["--state", "--refs", "polars", "audit --state"] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn a_night_without_events_keeps_the_saved_history_and_windows() {
    let w = nights("20", "3");
    let state = w.audited_state();
    let before: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    let empty = w.dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    let alerts = audit(
        &w.refs,
        &w.dir.path().join("b.jsonl"),
        Some(&state),
        &[&empty],
    );
    assert!(alerts.is_empty());
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    assert_eq!(before, after);
}

#[test]
fn two_runs_on_one_state_at_once_do_not_overwrite_each_other() {
    let w = nights("20", "3");
    let state = w.audited_state();
    let saved = std::fs::read_to_string(&state).expect("state");
    // Another run (here: this test) holds the state's lock.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(w.dir.path().join("state.json.lock"))
        .expect("the audit left its lock file");
    lock.try_lock().expect("nobody else holds it");
    for args in [
        vec!["audit", "--quiet", "--state"],
        vec!["baseline", "--quiet", "--state"],
    ] {
        let out = custodes()
            .args(&args)
            .arg(&state)
            .arg("--refs")
            .arg(&w.refs)
            .arg(&w.all)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("another custodes run"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&state).expect("state"), saved);
    drop(lock);
    audit(
        &w.refs,
        &w.dir.path().join("b.jsonl"),
        Some(&state),
        &[&w.all],
    );
}
