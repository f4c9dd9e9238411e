//! Learning from triage (issue 16): the overview's dispositions per detector, kind and unit
//! with the precision they imply, and the exceptions page's proposals — a pattern marked
//! benign five times and never confirmed is proposed with its preview; fewer times, or once
//! confirmed, it is not; nothing is hidden until an admin adds the rule; the oversight role
//! sees units only and no proposal.

use std::path::Path;

use serde_json::Value;

use crate::serve::{add_user, http, login};
use crate::support::{custodes, start_server};

/// Three records clerks and a patrol officer; each clerk looks someone up with no case,
/// purpose COURT_PREP, on seven days (one `no_case/missing` alert a day); the officer on
/// three days with no purpose.
fn world(dir: &Path) {
    let refs = dir.join("refs");
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(
        refs.join("personnel.csv"),
        "user,employee_id,person_id,last_name,first_name,dob,address,phone,plate,unit,supervisor,site,status,end_date\n\
         clerk1,E1,,Thistlewood,Ada,1970-01-01,,,,RECORDS,,NORTH,active,\n\
         clerk2,E2,,Ambersley,Bo,1971-02-02,,,,RECORDS,,NORTH,active,\n\
         clerk3,E3,,Coldharbour,Cy,1972-03-03,,,,RECORDS,,NORTH,active,\n\
         ptl1,E4,,Quillfeather,Anse,1985-03-03,,,,PATROL,,NORTH,active,\n",
    )
    .unwrap();
    let mut ev = String::new();
    let mut n = 0;
    for day in 1..=7 {
        for user in ["clerk1", "clerk2", "clerk3"] {
            n += 1;
            ev.push_str(&format!(
                "{{\"id\":\"l{n:03}\",\"ts\":\"2024-05-{day:02}T10:{n:02}:00Z\",\"user\":\"{user}\",\"purpose\":\"COURT_PREP\",\"subject_plate\":\"{day}CRT{n:03}\"}}\n"
            ));
        }
        if day <= 3 {
            n += 1;
            ev.push_str(&format!(
                "{{\"id\":\"l{n:03}\",\"ts\":\"2024-05-{day:02}T11:00:00Z\",\"user\":\"ptl1\",\"subject_plate\":\"{day}PTL{n:03}\"}}\n"
            ));
        }
    }
    std::fs::write(dir.join("events.jsonl"), ev).unwrap();
}

fn get(a: &str, cookie: &str, path: &str) -> (u16, Value) {
    let (s, _, body) = http(a, "GET", path, &[("Cookie", cookie)], "");
    (s, serde_json::from_str(&body).unwrap_or(Value::Null))
}

#[test]
fn benign_five_times_never_confirmed_is_proposed_and_nothing_is_hidden_without_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    world(w);
    let db = w.join("alerts.db");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(w.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(w.join("alerts.jsonl"))
        .arg(w.join("events.jsonl"))
        .assert()
        .success();
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "oversight", "ov_lindqvist");
    add_user(&db, "admin", "adm_okafor");
    let server = start_server(&db);
    let a = server.addr.as_str();

    let (cookie, csrf) = login(a, "ia_nowak", "ia_nowak has a long password");
    let (s, rows) = get(a, &cookie, "/api/v1/alerts?per_page=1000");
    assert_eq!(s, 200);
    let ids = |user: &str| -> Vec<String> {
        let mut v: Vec<(String, String)> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["user"] == user && r["detector"] == "no_case")
            .map(|r| {
                (
                    r["window_start"].as_str().unwrap().to_string(),
                    r["alert_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    };
    let (c1, c2, c3, p1) = (ids("clerk1"), ids("clerk2"), ids("clerk3"), ids("ptl1"));
    assert_eq!((c1.len(), c2.len(), c3.len(), p1.len()), (7, 7, 7, 3));
    let triage = |id: &str, status: &str| {
        let body = format!(r#"{{"status":"{status}","note":"checked"}}"#);
        let h = [
            ("Cookie", cookie.as_str()),
            ("Content-Type", "application/json"),
            ("X-CSRF-Token", csrf.as_str()),
        ];
        let (s, _, b) = http(a, "POST", &format!("/api/v1/alerts/{id}/triage"), &h, &body);
        assert_eq!(s, 200, "{b}");
    };
    // clerk1: benign five times (one first confirmed, then re-decided benign: the latest
    // decision counts), two never triaged. Proposed.
    triage(&c1[0], "confirmed");
    for id in &c1[..5] {
        triage(id, "benign");
    }
    // clerk2: benign six times but confirmed once. Not proposed.
    for id in &c2[..6] {
        triage(id, "benign");
    }
    triage(&c2[6], "confirmed");
    // clerk3: benign four times, one false positive. Not proposed (below the threshold).
    for id in &c3[..4] {
        triage(id, "benign");
    }
    triage(&c3[4], "false_positive");
    // ptl1: confirmed twice.
    triage(&p1[0], "confirmed");
    triage(&p1[1], "confirmed");

    // The overview: per detector, kind and unit, with the precision implied.
    let (s, o) = get(a, &cookie, "/api/v1/overview");
    assert_eq!(s, 200);
    let d = o["dispositions"].as_array().expect("dispositions");
    let row = |unit: &str| {
        d.iter()
            .find(|r| r["detector"] == "no_case" && r["kind"] == "missing" && r["unit"] == unit)
            .unwrap_or_else(|| panic!("no row for {unit}: {d:?}"))
            .clone()
    };
    let rec = row("RECORDS");
    assert_eq!(
        (
            &rec["alerts"],
            &rec["confirmed"],
            &rec["benign"],
            &rec["false_positive"]
        ),
        (&21.into(), &1.into(), &15.into(), &1.into())
    );
    assert!((rec["precision"].as_f64().unwrap() - 1.0 / 17.0).abs() < 1e-9);
    let pat = row("PATROL");
    assert_eq!((&pat["alerts"], &pat["confirmed"]), (&3.into(), &2.into()));
    assert_eq!(pat["precision"], 1.0);
    let (s, _, page) = http(a, "GET", "/", &[("Cookie", cookie.as_str())], "");
    assert_eq!(s, 200);
    assert!(
        page.contains("id=\"dispositions\"") && page.contains("6%"),
        "{page}"
    );

    // Proposals are the admin's.
    assert_eq!(get(a, &cookie, "/api/v1/exceptions/proposals").0, 403);
    let (admin, admin_csrf) = login(a, "adm_okafor", "adm_okafor has a long password");
    let (s, p) = get(a, &admin, "/api/v1/exceptions/proposals");
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["min_benign"], 5);
    let proposals = p["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 1, "{proposals:?}");
    let one = &proposals[0];
    assert_eq!(one["pattern"]["user"], "clerk1");
    assert_eq!(one["pattern"]["unit"], "RECORDS");
    assert_eq!(one["pattern"]["purpose"], "COURT_PREP");
    assert_eq!(one["pattern"]["benign"], 5);
    assert_eq!(one["rule"]["user"], "clerk1");
    assert_eq!(one["rule"]["detector"], "no_case");
    assert_eq!(one["rule"]["kind"], "missing");
    // The preview: every past clerk1 no_case/missing alert, by its latest decision.
    assert_eq!(one["would_hide"], 7);
    assert_eq!(one["would_hide_by_status"]["benign"], 5);
    assert_eq!(one["would_hide_by_status"]["open"], 2);
    let (s, _, page) = http(a, "GET", "/exceptions", &[("Cookie", admin.as_str())], "");
    assert_eq!(s, 200);
    assert!(
        page.contains("Proposed from triage") && page.contains("Accept: add this rule"),
        "{page}"
    );

    // Nothing is hidden until the admin accepts: the night's audit still writes all 24.
    let audit = |out: &str| {
        let out = w.join(out);
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
        crate::support::read_jsonl(&out).len()
    };
    assert_eq!(audit("again.jsonl"), 24);
    let body = serde_json::json!({
        "user": "clerk1", "detector": "no_case", "kind": "missing",
        "owner": "Records supervisor", "reason": one["rule"]["reason"],
    })
    .to_string();
    let h = [
        ("Cookie", admin.as_str()),
        ("Content-Type", "application/json"),
        ("X-CSRF-Token", admin_csrf.as_str()),
    ];
    let (s, _, b) = http(a, "POST", "/api/v1/exceptions", &h, &body);
    assert_eq!(s, 200, "{b}");
    // Accepted: the next audit hides clerk1's seven.
    assert_eq!(audit("after.jsonl"), 17);
    // Accepted: no longer proposed.
    let (_, p) = get(a, &admin, "/api/v1/exceptions/proposals");
    assert_eq!(p["proposals"].as_array().unwrap().len(), 0, "{p}");

    // Oversight: units only, no proposal, no exceptions page.
    let (ov, _) = login(a, "ov_lindqvist", "ov_lindqvist has a long password");
    assert_eq!(get(a, &ov, "/api/v1/exceptions/proposals").0, 403);
    assert_eq!(
        http(a, "GET", "/exceptions", &[("Cookie", ov.as_str())], "").0,
        403
    );
    let (s, o) = get(a, &ov, "/api/v1/overview");
    assert_eq!(s, 200);
    let text = o["dispositions"].to_string();
    assert!(
        !text.contains("clerk") && !text.contains("ptl1"),
        "oversight sees a login: {text}"
    );
    // PATROL has one login: merged as a small unit for oversight.
    assert!(
        text.contains("(small unit)") && text.contains("RECORDS"),
        "{text}"
    );
}
