//! `custodes lookups --db` with the case statuses the audit recorded (issue 16's "under a
//! second"): the store keeps each event's case status and name statistics, and the search
//! loads no case index. The answer must be the full search's, to the byte: each test runs
//! the fast path, the full path (`--recompute-cases`, which loads every case table and
//! computes every status now) and, on the fixture, the search of the event files, and
//! compares the JSON reports.
//!
//! tests/fixtures/lookups_recorded: Odette Marlowe (P-7001, born 1979-03-22) is known only
//! as a case subject (listed by K-1 and by the closed K-2, the same row twice); her plate and
//! address are in that row alone. Two namesakes (born 1990, and of unknown birth) are
//! subjects of other cases, so a bare name is shared by three people; Femi Okonkwo shares
//! her date of birth. She is looked up under every case status (missing, exempt,
//! not_assigned, unknown_case, closed_case, valid, subject_not_in_case, explained by her
//! case and by a namesake's case), by an initial, a surname alone, the name the wrong way
//! round, her plate and her address typed differently.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{audit_into, custodes, fixtures};

fn fixture() -> PathBuf {
    fixtures().join("lookups_recorded")
}

/// Runs `custodes lookups --refs REFS --json ARGS...`: (report, standard error).
fn lookups(refs: &Path, config: Option<&Path>, args: &[&str]) -> (Value, String) {
    let mut cmd = custodes();
    cmd.arg("lookups").arg("--refs").arg(refs).arg("--json");
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd.args(args).output().expect("run lookups");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "lookups {args:?} failed: {stderr}");
    let report = serde_json::from_slice(&out.stdout).expect("JSON report");
    (report, stderr)
}

/// (event id, match kind, strength, people sharing the name, case status) of every hit.
fn hits(report: &Value) -> Vec<(String, String, f64, Option<u64>, String)> {
    let mut out = Vec::new();
    for l in report["logins"].as_array().expect("logins") {
        for h in l["hits"].as_array().expect("hits") {
            out.push((
                h["event_id"].as_str().expect("id").to_string(),
                h["match"]["kind"].as_str().expect("kind").to_string(),
                h["match"]["strength"].as_f64().expect("strength"),
                h["match"]["people_sharing_name"].as_u64(),
                h["case"]["status"].as_str().expect("status").to_string(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The fast path, the full path and (when given) the event files answer alike; returns the
/// fast path's report.
fn same_answer(
    refs: &Path,
    config: Option<&Path>,
    db: &Path,
    events: Option<&Path>,
    criteria: &[&str],
) -> Value {
    let db = db.to_string_lossy().into_owned();
    let mut fast_args = criteria.to_vec();
    fast_args.extend(["--db", db.as_str()]);
    let (fast, stderr) = lookups(refs, config, &fast_args);
    assert!(
        !stderr.contains("stored before case statuses were recorded"),
        "{criteria:?}: the fast path fell back: {stderr}"
    );
    let mut full_args = fast_args.clone();
    full_args.push("--recompute-cases");
    let (full, _) = lookups(refs, config, &full_args);
    assert_eq!(
        fast, full,
        "{criteria:?}: recorded statuses vs the full search"
    );
    assert!(fast.get("notes").is_none(), "{fast:#}");
    if let Some(events) = events {
        let events = events.to_string_lossy().into_owned();
        let mut log_args = criteria.to_vec();
        log_args.push(events.as_str());
        let (from_logs, _) = lookups(refs, config, &log_args);
        assert_eq!(
            fast, from_logs,
            "{criteria:?}: the store vs the event files"
        );
    }
    fast
}

#[test]
fn recorded_case_statuses_answer_as_the_full_search_on_tricky_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let (refs, events) = (fixture().join("refs"), fixture().join("events.jsonl"));
    audit_into(&refs, &events, None, &db);
    let same = |criteria: &[&str]| same_answer(&refs, None, &db, Some(&events), criteria);

    let by_name_dob = same(&["--name", "Odette Marlowe", "--dob", "1979-03-22"]);
    let h = hits(&by_name_dob);
    let ids: Vec<&str> = h.iter().map(|x| x.0.as_str()).collect();
    // r09 is the namesake born in 1990, r17 the other person born that day, r13 a logout.
    assert_eq!(
        ids,
        [
            "r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r10", "r11", "r12", "r14",
            "r15", "r16"
        ],
        "{by_name_dob:#}"
    );
    let status = |id: &str| {
        h.iter()
            .find(|x| x.0 == id)
            .map(|x| x.4.as_str())
            .unwrap_or("")
    };
    // Every case status a lookup can have, each from the recorded audit.
    assert_eq!(status("r01"), "missing");
    assert_eq!(status("r04"), "exempt");
    assert_eq!(status("r05"), "explained");
    assert_eq!(status("r06"), "closed_case");
    assert_eq!(status("r07"), "explained", "by the namesake's case K-3");
    assert_eq!(status("r10"), "not_assigned");
    assert_eq!(status("r11"), "unknown_case");
    assert_eq!(status("r12"), "subject_not_in_case");
    assert_eq!(status("r15"), "valid");
    // Her plate and address come from her case-subject row alone.
    let kind = |id: &str| h.iter().find(|x| x.0 == id).map(|x| x.1.clone());
    assert_eq!(kind("r03").as_deref(), Some("plate"));
    assert_eq!(kind("r15").as_deref(), Some("address"));
    // A bare name borne by three known people is a third as sure as a unique one.
    let bare = h.iter().find(|x| x.0 == "r08").expect("r08");
    assert_eq!((bare.1.as_str(), bare.3), ("name_only", Some(3)));
    assert!((bare.2 - 0.5 / 3.0).abs() < 1e-9, "{bare:?}");

    // The same person by her id; by her plate and address alone (no record is surely hers
    // then, and no case table is read); and the bare name, which lists every namesake's
    // lookups with the name statistics of the name as each was typed (r16 typed it the
    // other way round: a name nobody else bears).
    assert_eq!(hits(&same(&["--person-id", "p-7001"])), h);
    let plate = hits(&same(&["--plate", "4KZ P318"]));
    assert_eq!(
        plate.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["r03", "r11"]
    );
    let address = hits(&same(&["--address", "12 Fenwick Street, Harlow"]));
    assert_eq!(
        address.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["r04", "r15"]
    );
    let bare = hits(&same(&["--name", "MARLOWE, ODETTE"]));
    let sharing: Vec<(&str, Option<u64>)> = bare.iter().map(|x| (x.0.as_str(), x.3)).collect();
    assert!(sharing.contains(&("r09", Some(3))), "{sharing:?}");
    assert!(sharing.contains(&("r16", Some(1))), "{sharing:?}");
    // A namesake's own search finds her lookups and not Odette born 1979's.
    let namesake = hits(&same(&["--name", "Marlowe, Odette", "--dob", "1990-07-07"]));
    assert!(namesake.iter().any(|x| x.0 == "r09"));
    assert!(!namesake.iter().any(|x| x.0 == "r01"));
    // Someone else born the same day is not pulled in by the date of birth.
    let femi = hits(&same(&["--name", "Femi Okonkwo", "--dob", "1979-03-22"]));
    assert_eq!(
        femi.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["r17"]
    );
}

#[test]
fn watch_records_case_statuses_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let (refs, events) = (fixture().join("refs"), fixture().join("events.jsonl"));
    custodes()
        .args(["watch", "--once", "--refs"])
        .arg(&refs)
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("watch.jsonl"))
        .arg(&events)
        .assert()
        .success();
    let r = same_answer(&refs, None, &db, Some(&events), &["--person-id", "P-7001"]);
    assert_eq!(r["lookups"], 14);
}

#[test]
fn a_store_without_recorded_statuses_falls_back_to_the_full_search() {
    // Events stored before version 7 have no recorded status: the search loads the whole
    // reference data for them and says so, with the same answer.
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let (refs, events) = (fixture().join("refs"), fixture().join("events.jsonl"));
    audit_into(&refs, &events, None, &db);
    let db_s = db.to_string_lossy().into_owned();
    let criteria = [
        "--name",
        "Odette Marlowe",
        "--dob",
        "1979-03-22",
        "--db",
        &db_s,
    ];
    let (before, _) = lookups(&refs, None, &criteria);
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute(
            "UPDATE events SET case_status = NULL, case_ref = NULL, name_sharing = NULL, refs_version = NULL WHERE event_id IN ('r06', 'r12')",
            [],
        )
        .expect("forget two statuses");
    let (after, stderr) = lookups(&refs, None, &criteria);
    assert!(
        stderr.contains("stored before case statuses were recorded"),
        "{stderr}"
    );
    assert_eq!(before, after);
}

#[test]
fn changed_reference_data_is_named_and_its_lookups_marked() {
    // The status recorded is the audit's; when the case tables changed since, the report
    // says which files changed and marks the lookups, and --recompute-cases answers from
    // the tables as they are now.
    let tmp = tempfile::tempdir().expect("tempdir");
    let refs = tmp.path().join("refs");
    std::fs::create_dir(&refs).expect("mkdir");
    for f in std::fs::read_dir(fixture().join("refs")).expect("read fixture") {
        let f = f.expect("entry").path();
        std::fs::copy(&f, refs.join(f.file_name().expect("name"))).expect("copy");
    }
    let db = tmp.path().join("store.sqlite");
    audit_into(&refs, &fixture().join("events.jsonl"), None, &db);
    // K-3 now lists her: dpike's lookup under K-3 (r12) is explained.
    let mut subjects = std::fs::read_to_string(refs.join("case_subjects.csv")).expect("read");
    subjects.push_str("K-3,P-7001,Marlowe,Odette,1979-03-22,,,\n");
    std::fs::write(refs.join("case_subjects.csv"), subjects).expect("write");

    let db_s = db.to_string_lossy().into_owned();
    let (recorded, _) = lookups(&refs, None, &["--person-id", "P-7001", "--db", &db_s]);
    let notes = recorded["notes"].to_string();
    assert!(
        notes.contains("case_subjects.csv") && notes.contains("14 of these lookups"),
        "{recorded:#}"
    );
    let status_of = |r: &Value, id: &str| -> (String, bool) {
        r["logins"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|l| l["hits"].as_array().into_iter().flatten())
            .find(|h| h["event_id"] == id)
            .map(|h| {
                (
                    h["case"]["status"].as_str().unwrap_or("").to_string(),
                    h["case_from_other_refs"].as_bool().unwrap_or(false),
                )
            })
            .expect("hit")
    };
    assert_eq!(
        status_of(&recorded, "r12"),
        ("subject_not_in_case".to_string(), true)
    );
    let (now, _) = lookups(
        &refs,
        None,
        &["--person-id", "P-7001", "--db", &db_s, "--recompute-cases"],
    );
    assert_eq!(status_of(&now, "r12"), ("explained".to_string(), false));
    assert!(now.get("notes").is_none());

    // The table says it too.
    let out = custodes()
        .arg("lookups")
        .arg("--refs")
        .arg(&refs)
        .args(["--person-id", "P-7001", "--db", &db_s])
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Note: the case status of 14"), "{table}");
    assert!(table.contains("does not list this person (*)"), "{table}");

    // Other settings than the audit's are named as such.
    let config = tmp.path().join("custodes.toml");
    std::fs::write(
        &config,
        "[no_case]\nexempt_purposes = [\"BORDER_INSPECTION\"]\n",
    )
    .expect("write config");
    let (other, _) = lookups(&refs, Some(&config), &["--plate", "4KZP318", "--db", &db_s]);
    assert!(other["notes"].to_string().contains("settings"), "{other:#}");
}

/// The plates, addresses, person ids, names and dates of birth of a generated world's
/// case subjects and employees, as searches: the first few of each kind.
fn world_searches(refs: &Path) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut names: std::collections::BTreeMap<String, usize> = Default::default();
    for table in ["case_subjects.csv", "personnel.csv", "associations.csv"] {
        let mut r = csv::Reader::from_path(refs.join(table)).expect("table");
        let headers = r.headers().expect("header").clone();
        let col = |row: &csv::StringRecord, c: &str| {
            headers
                .iter()
                .position(|h| h == c)
                .and_then(|i| row.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut taken = 0;
        for row in r.records() {
            let row = row.expect("row");
            let (last, first) = (col(&row, "last_name"), col(&row, "first_name"));
            if let (Some(l), Some(f)) = (&last, &first) {
                *names.entry(format!("{l}, {f}")).or_default() += 1;
            }
            if taken >= 3 {
                continue;
            }
            let (dob, pid) = (col(&row, "dob"), col(&row, "person_id"));
            let (plate, address) = (col(&row, "plate"), col(&row, "address"));
            if let (Some(l), Some(f), Some(d), Some(p), Some(pl), Some(a)) =
                (last, first, dob, pid, plate, address)
            {
                taken += 1;
                out.push(vec!["--name".into(), format!("{f} {l}"), "--dob".into(), d]);
                out.push(vec!["--person-id".into(), p]);
                out.push(vec![
                    "--plate".into(),
                    pl.split(';').next().unwrap_or("").into(),
                ]);
                out.push(vec![
                    "--address".into(),
                    a.split(';').next().unwrap_or("").into(),
                ]);
            }
        }
    }
    // The most shared name, searched bare.
    if let Some((name, _)) = names
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(*n)))
    {
        out.push(vec!["--name".into(), name.clone()]);
    }
    out
}

#[test]
fn recorded_case_statuses_answer_as_the_full_search_on_a_generated_world() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let w = tmp.path().join("w");
    custodes()
        .args(["gen", "--profile", "realistic", "--seed", "5"])
        .args(["--users", "20", "--days", "6", "--out"])
        .arg(&w)
        .assert()
        .success();
    let (refs, config) = (w.join("refs"), w.join("custodes.toml"));
    let db = tmp.path().join("store.sqlite");
    audit_into(&refs, &w.join("events.jsonl"), Some(&config), &db);
    let searches = world_searches(&refs);
    assert!(searches.len() >= 20, "{searches:?}");
    let mut found = 0;
    let mut statuses = std::collections::BTreeSet::new();
    for s in &searches {
        let s: Vec<&str> = s.iter().map(String::as_str).collect();
        let r = same_answer(&refs, Some(&config), &db, None, &s);
        for h in hits(&r) {
            statuses.insert(h.4);
            found += 1;
        }
    }
    // The comparison is worth something only if the searches find lookups of several kinds.
    assert!(found >= 50, "{found} lookups found");
    assert!(statuses.len() >= 3, "{statuses:?}");
}
