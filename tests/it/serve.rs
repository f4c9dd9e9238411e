//! `custodes serve` over HTTP: logins and roles, CSRF, triage, exceptions, exports with
//! their digests, the access log, and the oversight role never receiving a name, a login
//! or a date of birth in any answer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{audited_world, custodes, reference_secrets, start_server};

/// One HTTP/1.1 exchange: (status, headers lower-cased, body).
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    // A server that refuses a body too large answers and closes before reading it all: the
    // rest of the write then fails (a broken pipe), and the answer is still there to read.
    let wrote = s.write_all(req.as_bytes());
    let mut raw = Vec::new();
    let read = s.read_to_end(&mut raw);
    if raw.is_empty() {
        wrote.unwrap();
        read.unwrap();
    }
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, headers, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

pub(crate) fn header<'a>(h: &'a [(String, String)], k: &str) -> Option<&'a str> {
    h.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

/// Logs in and returns (cookie header value, csrf).
pub(crate) fn login(addr: &str, name: &str, password: &str) -> (String, String) {
    let body = serde_json::json!({"name": name, "password": password}).to_string();
    let (status, h, b) = http(
        addr,
        "POST",
        "/api/v1/login",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(status, 200, "{b}");
    let cookie = header(&h, "set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Strict")
    );
    let v: Value = serde_json::from_str(&b).unwrap();
    (
        cookie.split(';').next().unwrap().to_string(),
        v["csrf"].as_str().unwrap().to_string(),
    )
}

pub(crate) fn add_user(db: &Path, role: &str, name: &str) {
    custodes()
        .args(["user", "add", "--db"])
        .arg(db)
        .args(["--role", role, name])
        .write_stdin(format!("{name} has a long password\n"))
        .assert()
        .success();
}

#[test]
fn the_workbench_answers_each_role_as_it_may() {
    let (_dir, db, refs) = audited_world(9);
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "oversight", "ov_lindqvist");
    add_user(&db, "admin", "adm_okafor");
    let server = start_server(&db);
    let a = server.addr.as_str();

    // Nothing without a session; no session for a wrong password.
    for path in [
        "/",
        "/alerts",
        "/api/v1/overview",
        "/api/v1/alerts",
        "/api/v1/openapi.json",
    ] {
        assert_eq!(http(a, "GET", path, &[], "").0, 401, "{path}");
    }
    let wrong =
        serde_json::json!({"name": "ia_nowak", "password": "not the password at all"}).to_string();
    assert_eq!(
        http(
            a,
            "POST",
            "/api/v1/login",
            &[("Content-Type", "application/json")],
            &wrong
        )
        .0,
        401
    );

    // The investigator sees names, triages with the CSRF token, exports with a digest.
    let (cookie, csrf) = login(a, "ia_nowak", "ia_nowak has a long password");
    let c = [("Cookie", cookie.as_str())];
    let (s, _, body) = http(a, "GET", "/api/v1/alerts?per_page=1000", &c, "");
    assert_eq!(s, 200);
    let rows: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert!(rows.len() > 10, "{}", rows.len());
    assert!(rows.iter().all(|r| r["reason"].is_string()));
    let id = rows[0]["alert_id"].as_str().unwrap().to_string();
    let (s, _, body) = http(a, "GET", &format!("/api/v1/alerts/{id}"), &c, "");
    assert_eq!(s, 200);
    let d: Value = serde_json::from_str(&body).unwrap();
    assert!(d["evidence"].is_object() && !d["events"].as_array().unwrap().is_empty());
    let triage = r#"{"status":"confirmed","assignee":"ia_nowak","note":"spoke to the supervisor"}"#;
    let json = ("Content-Type", "application/json");
    let path = format!("/api/v1/alerts/{id}/triage");
    assert_eq!(
        http(a, "POST", &path, &[c[0], json], triage).0,
        403,
        "no CSRF token"
    );
    assert_eq!(
        http(
            a,
            "POST",
            &path,
            &[c[0], json, ("X-CSRF-Token", "forged")],
            triage
        )
        .0,
        403
    );
    let cross = [
        c[0],
        json,
        ("X-CSRF-Token", csrf.as_str()),
        ("Origin", "http://evil.example"),
    ];
    assert_eq!(http(a, "POST", &path, &cross, triage).0, 403, "cross-site");
    let ok = [c[0], json, ("X-CSRF-Token", csrf.as_str())];
    assert_eq!(http(a, "POST", &path, &ok, triage).0, 200);
    let bad = r#"{"status":"closed"}"#;
    assert_eq!(http(a, "POST", &path, &ok, bad).0, 400);
    let (_, _, body) = http(a, "GET", &format!("/api/v1/alerts/{id}"), &c, "");
    let d: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(d["alert"]["status"], "confirmed");
    assert_eq!(d["triage"][0]["by"], "ia_nowak");
    let (s, h, csv) = http(
        a,
        "GET",
        &format!("/api/v1/alerts/{id}/export?format=csv"),
        &c,
        "",
    );
    assert_eq!(s, 200);
    let digest: String = Sha256::digest(csv.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(header(&h, "x-content-sha256"), Some(digest.as_str()));
    let (s, _, page) = http(a, "GET", &format!("/alerts/{id}"), &c, "");
    assert_eq!(s, 200);
    assert!(page.contains("confirmed"));
    // The timeline says, for each lookup in an alert, who it matched and how.
    let login0 = rows[0]["user"].as_str().unwrap();
    let (s, _, body) = http(
        a,
        "GET",
        &format!("/api/v1/users/{login0}/timeline"),
        &c,
        "",
    );
    assert_eq!(s, 200);
    let t: Value = serde_json::from_str(&body).unwrap();
    let hit = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| !e["alert_ids"].as_array().unwrap().is_empty())
        .expect("an event inside an alert");
    assert_eq!(
        hit["matched"].as_array().unwrap().len(),
        hit["alert_ids"].as_array().unwrap().len()
    );
    assert!(hit["matched"][0].as_str().unwrap().contains('/'), "{hit}");

    // Oversight: aggregates and pseudonyms only, in every answer; no triage, no export.
    let (ocookie, ocsrf) = login(a, "ov_lindqvist", "ov_lindqvist has a long password");
    let oc = [("Cookie", ocookie.as_str())];
    let (_, _, body) = http(a, "GET", "/api/v1/alerts?per_page=1000", &oc, "");
    let orows: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(orows.len(), rows.len());
    let user = orows[0]["user"].as_str().unwrap().to_string();
    assert!(user.starts_with("U-"), "{user}");
    // Oversight knows alerts by keyed tokens, not by their ids (issue 14).
    let oid = orows[0]["alert_id"].as_str().unwrap().to_string();
    assert!(oid.starts_with("T-"), "{oid}");
    let mut bodies = vec![body];
    for path in [
        "/".to_string(),
        "/alerts".into(),
        "/users".into(),
        format!("/alerts/{oid}"),
        format!("/users/{user}/timeline"),
        "/api/v1/overview".into(),
        "/api/v1/users".into(),
        format!("/api/v1/alerts/{oid}"),
        format!("/api/v1/users/{user}/timeline"),
    ] {
        let (s, _, b) = http(a, "GET", &path, &oc, "");
        assert_eq!(s, 200, "{path}: {b}");
        bodies.push(b);
    }
    for path in [
        format!("/api/v1/alerts/{id}/export?format=html"),
        "/api/v1/exceptions".into(),
    ] {
        let (s, _, b) = http(a, "GET", &path, &oc, "");
        assert_eq!(s, 403, "{path}");
        bodies.push(b);
    }
    let ook = [oc[0], json, ("X-CSRF-Token", ocsrf.as_str())];
    let (s, _, b) = http(a, "POST", &path, &ook, triage);
    assert_eq!(s, 403);
    bodies.push(b);
    let all = bodies.join("\n");
    let known = reference_secrets(&refs);
    let leaked: Vec<&String> = known.iter().filter(|s| all.contains(s.as_str())).collect();
    assert!(leaked.is_empty(), "oversight received {leaked:?}");

    // Admin: an exception with its preview.
    let (acookie, acsrf) = login(a, "adm_okafor", "adm_okafor has a long password");
    let ac = [("Cookie", acookie.as_str())];
    let login0 = rows[0]["user"].as_str().unwrap();
    let (s, _, b) = http(
        a,
        "GET",
        &format!("/api/v1/exceptions/preview?user={login0}"),
        &ac,
        "",
    );
    assert_eq!(s, 200, "{b}");
    let n = serde_json::from_str::<Value>(&b).unwrap()["alerts"]
        .as_u64()
        .unwrap();
    let expected = rows.iter().filter(|r| r["user"] == login0).count() as u64;
    assert_eq!(n, expected);
    let rule = serde_json::json!({"user": login0, "owner": "Background checks", "reason": "service account", "expires": "2099-12-31"}).to_string();
    let aok = [ac[0], json, ("X-CSRF-Token", acsrf.as_str())];
    assert_eq!(http(a, "POST", "/api/v1/exceptions", &aok, &rule).0, 200);
    assert_eq!(
        http(a, "POST", "/api/v1/exceptions", &ok, &rule).0,
        403,
        "investigators cannot"
    );
    let (_, _, b) = http(a, "GET", "/api/v1/access-log?limit=1000", &ac, "");
    let log: Vec<Value> = serde_json::from_str(&b).unwrap();
    assert!(log
        .iter()
        .any(|e| e["action"] == "export" && e["account"] == "ia_nowak"));
    assert!(log
        .iter()
        .any(|e| e["action"] == "view_alert" && e["target"] == id.as_str()));
    drop(server);
    let run = custodes()
        .args(["verify-log", "--db"])
        .arg(&db)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&run.get_output().stdout).contains("whole"));
}
