//! The workbench's store and its commands: `audit --db`, `user add`, `verify-log`.

use std::path::Path;

use rusqlite::Connection;

use crate::support::{custodes, gen_world, read_jsonl};

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn audit_fills_the_store_with_its_alerts_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    gen_world(w, 4, 4);
    let db = w.join("alerts.db");
    let out = w.join("alerts.jsonl");
    for _ in 0..2 {
        custodes()
            .args(["audit", "--quiet", "--refs"])
            .arg(w.join("refs"))
            .arg("--db")
            .arg(&db)
            .arg("--out")
            .arg(&out)
            .arg(w.join("events.jsonl"))
            .assert()
            .success();
    }
    let alerts = read_jsonl(&out);
    assert!(!alerts.is_empty());
    // Twice the same night: the same rows, not twice as many.
    assert_eq!(
        count(&db, "SELECT count(*) FROM alerts WHERE final = 1"),
        alerts.len() as i64
    );
    let events = std::fs::read_to_string(w.join("events.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(count(&db, "SELECT count(*) FROM events"), events as i64);
    // Every event an alert rests on is in the store.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alert_events ae LEFT JOIN events e ON e.event_id = ae.event_id WHERE e.event_id IS NULL"
        ),
        0
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    custodes()
        .args(["user", "add", "--db"])
        .arg(&db)
        .args(["--role", "investigator", "ia_kowalski"])
        .write_stdin("a long enough passphrase\n")
        .assert()
        .success();
    let hash: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT password FROM accounts WHERE name = 'ia_kowalski'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("passphrase"));
    for (role, name, stdin, needle) in [
        (
            "investigator",
            "ia_kowalski",
            "another long passphrase\n",
            "already exists",
        ),
        ("oversight", "ov_1", "short\n", "at least 12 characters"),
        ("root", "x", "a long enough passphrase\n", "unknown role"),
    ] {
        let run = custodes()
            .args(["user", "add", "--db"])
            .arg(&db)
            .args(["--role", role, name])
            .write_stdin(stdin)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn verify_log_finds_the_first_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut s = custodes::store::Store::open(&db).unwrap();
        for i in 0..6 {
            s.log_access("ia_kowalski", "view_alert", &format!("al-{i}"))
                .unwrap();
        }
    }
    let run = custodes()
        .args(["verify-log", "--db"])
        .arg(&db)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&run.get_output().stdout).contains("whole, 6 entries"));
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER access_log_append_only_update;
             UPDATE access_log SET account = 'someone_else' WHERE seq = 4;",
        )
        .unwrap();
    let run = custodes()
        .args(["verify-log", "--db"])
        .arg(&db)
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(out.contains("BROKEN at entry 4"), "{out}");
    custodes()
        .args(["verify-log", "--db"])
        .arg(dir.path().join("missing.db"))
        .assert()
        .code(2);
}

#[test]
fn exception_rules_of_the_store_hide_their_alerts_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    gen_world(w, 4, 4);
    let run = |db: &Path, out: &Path| {
        let r = custodes()
            .args(["audit", "--refs"])
            .arg(w.join("refs"))
            .arg("--db")
            .arg(db)
            .arg("--out")
            .arg(out)
            .arg(w.join("events.jsonl"))
            .assert()
            .success();
        String::from_utf8_lossy(&r.get_output().stderr).to_string()
    };
    let before = w.join("before.jsonl");
    run(&w.join("a.db"), &before);
    let alerts = read_jsonl(&before);
    let user = alerts[0]["user"].as_str().unwrap().to_string();
    let of_user = alerts.iter().filter(|a| a["user"] == user.as_str()).count();
    let db = w.join("b.db");
    let store = custodes::store::Store::open(&db).unwrap();
    let rule = |user: Option<&str>| custodes::store::workbench::Exception {
        id: 0,
        user: user.map(str::to_string),
        detector: None,
        kind: None,
        owner: "Background checks".into(),
        reason: "service account".into(),
        expires: None,
        created_by: "adm".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
        revoked_at: None,
    };
    store.add_exception(&rule(Some(&user))).unwrap();
    // A revoked rule (this one would match everything) hides nothing.
    let id = store.add_exception(&rule(None)).unwrap();
    store.revoke_exception(id, "2000-01-01T00:00:00Z").unwrap();
    drop(store);
    let after = w.join("after.jsonl");
    let err = run(&db, &after);
    let kept = read_jsonl(&after);
    assert_eq!(kept.len(), alerts.len() - of_user);
    assert!(kept.iter().all(|a| a["user"] != user.as_str()));
    assert!(
        err.contains(&format!(
            "#1 (service account, owner Background checks): {of_user}"
        )),
        "{err}"
    );
}

#[test]
fn watch_applies_the_stores_exception_rules_too() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    gen_world(w, 4, 4);
    let batch = w.join("batch.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(w.join("refs"))
        .arg("--out")
        .arg(&batch)
        .arg(w.join("events.jsonl"))
        .assert()
        .success();
    let alerts = read_jsonl(&batch);
    let user = alerts[0]["user"].as_str().unwrap().to_string();
    let db = w.join("live.db");
    custodes::store::Store::open(&db)
        .unwrap()
        .add_exception(&custodes::store::workbench::Exception {
            id: 0,
            user: Some(user.clone()),
            detector: None,
            kind: None,
            owner: "Background checks".into(),
            reason: "service account".into(),
            expires: None,
            created_by: "adm".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
        })
        .unwrap();
    let out = w.join("live.jsonl");
    custodes()
        .args(["watch", "--once", "--refs"])
        .arg(w.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .arg(w.join("events.jsonl"))
        .assert()
        .success();
    let live = read_jsonl(&out);
    let expected = alerts.iter().filter(|a| a["user"] != user.as_str()).count();
    assert_eq!(live.len(), expected);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM alerts WHERE user = '{user}'")
        ),
        0
    );
    // The events behind the timeline are kept as they are analysed.
    let events = std::fs::read_to_string(w.join("events.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(count(&db, "SELECT count(*) FROM events"), events as i64);
}
