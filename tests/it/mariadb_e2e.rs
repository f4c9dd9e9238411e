//! End to end against a real MariaDB server from Debian's packages with its `server_audit`
//! plugin: a throwaway server on a loopback port, officers and people from a generated
//! world, a scripted workload of the real `mariadb` client, and custodes reading the real
//! audit log must raise exactly the alerts the scenario calls for — the same scenario as
//! the PostgreSQL test (`pgaudit_e2e`, whose world and choice of people it shares).
//!
//! The server's life is `tests/mariadb/run.sh` (its `setup.sql` and `workload.sh` say
//! what runs); this file checks what custodes makes of the log. The server is stopped and
//! its directory removed even when the test fails: by the script's trap, and by [`Lab`]'s
//! `Drop` should the script itself die.
//!
//! Needs Debian's `mariadb-server` (`.ci/run` installs it and sets
//! `CUSTODES_MARIADB_E2E=require`, which turns its absence into a failure; elsewhere the
//! test says it is skipped and passes). A few seconds.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use chrono::{Timelike, Utc};
use serde_json::Value;

use crate::pgaudit_e2e::{
    check_evidence, plain, pretty, str_of, subject_field, Scenario, World, SEED, USERS,
};
use crate::support::{custodes, fixtures, read_jsonl};

const NEEDED: [(&str, &str); 4] = [
    ("/usr/sbin/mariadbd", "mariadb-server-core"),
    ("/usr/bin/mariadb-install-db", "mariadb-server"),
    ("/usr/lib/mysql/plugin/server_audit.so", "mariadb-server"),
    ("/usr/bin/mariadb", "mariadb-client"),
];
/// Statements of the workload that read persons (`tests/mariadb/workload.sh` counts them).
const STATEMENTS: usize = 11;

#[test]
fn server_audit_log_of_a_real_server_gives_exactly_the_scenarios_alerts() {
    if !prerequisites() {
        return;
    }
    // Alerts are grouped per UTC day: keep the few seconds of workload on one day.
    let to_midnight = 86_400 - i64::from(Utc::now().num_seconds_from_midnight());
    if to_midnight < 60 {
        std::thread::sleep(std::time::Duration::from_secs(
            to_midnight.unsigned_abs() + 1,
        ));
    }
    let today = Utc::now().date_naive();

    let scratch = tempfile::tempdir().expect("tempdir");
    // CUSTODES_MARIADB_E2E_KEEP=1 keeps the world, the scenario, the log and what custodes
    // made of it (the server itself is always removed).
    let tmp: PathBuf = if std::env::var_os("CUSTODES_MARIADB_E2E_KEEP").is_some() {
        let kept = scratch.keep();
        eprintln!("mariadb_e2e: keeping {}", kept.display());
        kept
    } else {
        scratch.path().to_path_buf()
    };
    let world_dir = tmp.join("world");
    custodes()
        .args([
            "gen",
            "--profile",
            "classic",
            "--seed",
            SEED,
            "--users",
            USERS,
            "--days",
            "1",
            "--out",
        ])
        .arg(&world_dir)
        .assert()
        .success();
    let refs = world_dir.join("refs");
    let world = World::load(&refs, today);
    let sc = Scenario::choose(&world);
    let work = tmp.join("work");
    std::fs::create_dir(&work).expect("work dir");
    sc.write(&world, &work);
    for o in [&sc.selfq, &sc.ex, &sc.nocase, &sc.w1, &sc.w2] {
        assert!(plain(&o.login), "login {:?} is not plain", o.login);
    }

    let logs = tmp.join("logs");
    run_server(&work, &logs);
    let log = logs.join("server_audit.log");

    let config = fixtures().join("mariadb/custodes.toml");
    let events_out = tmp.join("events.jsonl");
    custodes()
        .args(["convert", "--quiet", "--config"])
        .arg(&config)
        .arg(&log)
        .arg("--out")
        .arg(&events_out)
        .assert()
        .success();
    let events = read_jsonl(&events_out);
    check_events(&events, &sc);
    let event_ids: BTreeSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();

    // Recognised by content (--format auto), as an agency's nightly run would.
    let out = tmp.join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(&refs)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .arg(&log)
        .assert()
        .success();
    let alerts = read_jsonl(&out);

    let (x, s, n) = (
        sc.ex.login.as_str(),
        sc.selfq.login.as_str(),
        sc.nocase.login.as_str(),
    );
    let mut expected: Vec<(&str, &str, &str)> = vec![
        // a) S searched their own surname and date of birth, with no case.
        ("self_query", "name_dob", s),
        ("no_case", "missing", s),
        // b) X searched the ex-partner under X's own open case, which does not list them.
        ("association_lookup", "ex_partner", x),
        ("no_case", "subject_not_in_case", x),
        // c) N's three lookups without a case: one alert (grouped per user, kind, day).
        ("no_case", "missing", n),
        // d) W1's and W2's lookups of their own cases' subjects are explained, whether the
        //    case came in a comment or a user variable: no alert; W1's cut statement names
        //    nobody. e) A failed login is not a lookup.
    ];
    expected.sort();
    let mut got: Vec<(&str, &str, &str)> = alerts
        .iter()
        .map(|a| (str_of(a, "detector"), str_of(a, "kind"), str_of(a, "user")))
        .collect();
    got.sort();
    assert_eq!(got, expected, "alerts:\n{}", pretty(&alerts));
    for a in &alerts {
        for id in a["event_ids"].as_array().expect("event_ids") {
            let id = id.as_str().expect("an event id is a string");
            assert!(
                id.starts_with("mariadb:") && event_ids.contains(id),
                "event id {id} is not one of the converted events: {a}"
            );
        }
    }
    check_evidence("server_audit.log", &alerts, &sc);
}

/// The events behind the alerts: one per statement, case from comments and variables,
/// the cut statement marked, the failed login.
fn check_events(events: &[Value], sc: &Scenario) {
    let all = pretty(events);
    let mut ids = BTreeSet::new();
    for e in events {
        let id = str_of(e, "id");
        assert!(id.starts_with("mariadb:"), "event id {id:?}: {e}");
        assert!(ids.insert(id), "event id {id} twice:\n{all}");
    }
    let statements: Vec<&Value> = events
        .iter()
        .filter(|e| str_of(e, "action") == "query")
        .collect();
    assert_eq!(
        statements.len(),
        STATEMENTS,
        "one event per statement:\n{all}"
    );
    let only = |what: &str, f: &dyn Fn(&Value) -> bool| -> &Value {
        let found: Vec<&&Value> = statements.iter().filter(|e| f(e)).collect();
        assert_eq!(found.len(), 1, "one event for {what}:\n{all}");
        found[0]
    };

    // b) Name and date of birth as literals; case and purpose from the comment.
    let (x, e) = (&sc.ex, &sc.ex_partner);
    let ev = only("the ex-partner lookup", &|v| str_of(v, "user") == x.login);
    assert_eq!(
        subject_field(ev, "last_name"),
        Some(e.last.as_str()),
        "{ev}"
    );
    assert_eq!(subject_field(ev, "dob"), Some(e.dob.as_str()), "{ev}");
    assert_eq!(str_of(ev, "case_id"), sc.cover_case, "{ev}");
    assert_eq!(str_of(ev, "purpose"), "warrant check", "{ev}");

    // d) SET @case_id carries the case to the connection's next statements.
    let w1 = &sc.w1;
    for (field, value) in [
        ("plate", sc.w1_subjects[1].plate.as_str()),
        ("person_id", sc.w1_subjects[2].pid.as_str()),
    ] {
        let ev = only("W1's lookup after SET @case_id", &|v| {
            str_of(v, "user") == w1.login && subject_field(v, field) == Some(value)
        });
        assert_eq!(str_of(ev, "case_id"), sc.w1_case, "{ev}");
        assert_eq!(str_of(ev, "purpose"), "case work", "{ev}");
        assert_eq!(ev["case_source"], "variable", "{ev}");
    }
    // ... and the statement the log cut is marked, with no subject from half its text.
    let ev = only("W1's cut statement", &|v| v["query_truncated"] == true);
    assert_eq!(str_of(ev, "user"), w1.login, "{ev}");
    assert_eq!(ev["query_log_limit"], 1024, "{ev}");
    assert!(
        crate::pgaudit_e2e::SUBJECT_FIELDS
            .iter()
            .all(|f| subject_field(ev, f).is_none()),
        "{ev}"
    );
    assert!(str_of(ev, "query_text").len() <= 1024, "{ev}");

    // e) The failed login, with MariaDB's error number.
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| str_of(e, "action") == "login_failed")
        .collect();
    assert_eq!(failed.len(), 1, "one failed login:\n{all}");
    assert_eq!(str_of(failed[0], "user"), sc.w2.login, "{}", failed[0]);
    assert_eq!(failed[0]["error_code"], 1045, "{}", failed[0]);
}

/// True when the server is installed; otherwise skips (returns false), or fails when
/// `CUSTODES_MARIADB_E2E=require` (CI).
fn prerequisites() -> bool {
    let missing: Vec<String> = NEEDED
        .iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(path, package)| format!("{package} (no {path})"))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var("CUSTODES_MARIADB_E2E").as_deref() == Ok("require") {
        panic!(
            "CUSTODES_MARIADB_E2E=require, but not installed: {missing}; install them as \
             .ci/run does (apt-get install mariadb-server)"
        );
    }
    eprintln!(
        "mariadb_e2e: SKIPPED, not installed: {missing} (CUSTODES_MARIADB_E2E=require makes \
         this a failure)"
    );
    false
}

/// Runs `tests/mariadb/run.sh` on a free loopback port: the server, the setup, the
/// workload, the log copied to `logs`, the server removed.
fn run_server(work: &Path, logs: &Path) {
    for attempt in 1..=3 {
        // A free port: bind, read it, let it go. Another process may take it before the
        // server binds it; then the server says so and the next attempt takes another.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let lab = Lab {
            dir: std::env::temp_dir()
                .join(format!("custodes-mariadb-{}-{port}", std::process::id())),
        };
        let run = Process::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mariadb/run.sh"))
            .arg(&lab.dir)
            .arg(port.to_string())
            .arg(work)
            .arg(logs)
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        if !run.status.success() && stderr.contains("Address already in use") && attempt < 3 {
            eprintln!("mariadb_e2e: port {port} was taken, trying another");
            continue;
        }
        assert!(
            run.status.success(),
            "tests/mariadb/run.sh failed ({}):\n{}{stderr}",
            run.status,
            String::from_utf8_lossy(&run.stdout),
        );
        assert!(
            !lab.dir.exists(),
            "run.sh left {} behind",
            lab.dir.display()
        );
        return;
    }
}

/// The server's directory: should `run.sh` die before its own cleanup, this stops the
/// server (by the pid it wrote) and removes the directory.
struct Lab {
    dir: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.join("mariadbd.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok());
        if let Some(pid) = pid {
            let _ = Process::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(std::process::Stdio::null())
                .status();
        }
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
