//! `custodes lookups` (issue 16, part 1): who looked up this person, from logs and from the
//! store, on tests/fixtures/lookups — one person looked up under a nickname, an initial, a
//! misspelt surname, the name typed the wrong way round, her plate and her address (each
//! typed differently from the reference row), under the case that lists her, and by a bare
//! name; a namesake born another day (l08) must not be listed.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{custodes, fixtures};

fn lookups(args: &[&str]) -> Value {
    let dir = fixtures().join("lookups");
    let out = custodes()
        .arg("lookups")
        .arg("--refs")
        .arg(dir.join("refs"))
        .arg("--json")
        .args(args)
        .output()
        .expect("run custodes");
    assert!(
        out.status.success(),
        "lookups failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// event id -> (login, match kind, name agreement, strength, explained)
fn hits(report: &Value) -> BTreeMap<String, (String, String, String, f64, bool)> {
    let mut out = BTreeMap::new();
    for l in report["logins"].as_array().expect("logins") {
        for h in l["hits"].as_array().expect("hits") {
            assert_eq!(h["user"], l["user"], "a hit is grouped under its own login");
            out.insert(
                h["event_id"].as_str().expect("id").to_string(),
                (
                    h["user"].as_str().expect("user").to_string(),
                    h["match"]["kind"].as_str().expect("kind").to_string(),
                    h["match"]["name_agreement"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    h["match"]["strength"].as_f64().expect("strength"),
                    h["explained"].as_bool().expect("explained"),
                ),
            );
        }
    }
    out
}

fn events() -> String {
    fixtures()
        .join("lookups/events.jsonl")
        .to_string_lossy()
        .into_owned()
}

fn check_the_person(report: &Value) {
    check_the_person_as(report, true);
}

/// `by_reference`: the search named her reference record, so name agreements are graded
/// against ELIZABETH (a search typed as BETH finds BETH exact).
fn check_the_person_as(report: &Value, by_reference: bool) {
    let h = hits(report);
    let ids: Vec<&str> = h.keys().map(String::as_str).collect();
    // l08 is a namesake born in 1951; l10 someone else; l11 a logout.
    assert_eq!(
        ids,
        ["l01", "l02", "l03", "l04", "l05", "l06", "l07", "l09"],
        "{report:#}"
    );
    let kind = |id: &str| (h[id].1.as_str(), h[id].2.as_str());
    if by_reference {
        assert_eq!(kind("l01"), ("name_dob", "nickname"));
        assert_eq!(kind("l03"), ("name_dob", "typo"));
    }
    assert_eq!(kind("l02"), ("name_dob", "initial"));
    assert_eq!(kind("l04").0, "name_dob");
    assert_eq!(kind("l05").0, "plate");
    assert_eq!(kind("l06").0, "address");
    assert_eq!(kind("l07").0, "person_id");
    // A bare name shared with the namesake is listed, graded weak.
    assert_eq!(kind("l09").0, "name_only");
    assert!(
        h["l09"].3 < 0.5,
        "a shared bare name is weak: {}",
        h["l09"].3
    );
    assert!(h["l01"].3 > 0.9);
    // Only the detective's lookup under the case that lists her is explained.
    let explained: Vec<&str> = h
        .iter()
        .filter(|(_, v)| v.4)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(explained, ["l07"]);
    // The ex-partner's login comes first: most lookups no case explains.
    let first = &report["logins"][0];
    assert_eq!(first["user"], "jdorsey");
    assert_eq!(first["unexplained"], 5);
    assert_eq!(report["lookups"], 8);
}

#[test]
fn lookups_by_person_id_find_every_variant_and_not_the_namesake() {
    let r = lookups(&["--person-id", "p-9001", &events()]);
    check_the_person(&r);
}

#[test]
fn lookups_by_nickname_and_dob_find_the_same_person() {
    // "Beth" with her date of birth is surely her: the reference rows add her plate and
    // address, so those lookups are found too.
    let r = lookups(&[
        "--name",
        "Beth Quarrington",
        "--dob",
        "1988-05-14",
        &events(),
    ]);
    check_the_person_as(&r, false);
}

#[test]
fn lookups_by_plate_alone_and_by_period() {
    let r = lookups(&["--plate", "7 TRV 219", &events()]);
    assert_eq!(hits(&r).keys().collect::<Vec<_>>(), ["l05"]);
    let r = lookups(&[
        "--person-id",
        "P-9001",
        "--from",
        "2024-05-09",
        "--to",
        "2024-05-09",
        &events(),
    ]);
    assert_eq!(hits(&r).keys().collect::<Vec<_>>(), ["l05", "l06"]);
}

#[test]
fn lookups_without_an_identifier_is_a_usage_error() {
    let dir = fixtures().join("lookups");
    let out = custodes()
        .arg("lookups")
        .arg("--refs")
        .arg(dir.join("refs"))
        .args(["--from", "2024-05-01", &events()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--person-id"));
}

#[test]
fn lookups_from_the_store_match_lookups_from_the_logs_and_write_a_packet() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let dir = fixtures().join("lookups");
    let st = custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(dir.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("alerts.jsonl"))
        .arg(dir.join("events.jsonl"))
        .output()
        .expect("audit");
    assert!(st.status.success());
    let packet = tmp.path().join("packet");
    let db_s = db.to_string_lossy().into_owned();
    let packet_s = packet.to_string_lossy().into_owned();
    let r = lookups(&[
        "--person-id",
        "P-9001",
        "--db",
        &db_s,
        "--packet",
        &packet_s,
    ]);
    check_the_person(&r);
    let from_logs = lookups(&["--person-id", "P-9001", &events()]);
    assert_eq!(hits(&r), hits(&from_logs));
    let csv = std::fs::read_to_string(packet.join("lookups.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 1 + 8, "{csv}");
    let html = std::fs::read_to_string(packet.join("lookups.html")).expect("html");
    assert!(html.contains("jdorsey") && html.contains("7trv-219"));
    // The packet's rows are the page's: how the name agreed is recorded, not only shown.
    assert!(html.contains("; name nickname"), "{html}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(packet.join("lookups.csv"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn the_store_index_catches_up_with_events_written_before_it() {
    // An index emptied (as in a store written before issue 16, or by `watch` since the
    // last search) is rebuilt by the search itself.
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let dir = fixtures().join("lookups");
    assert!(custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(dir.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("alerts.jsonl"))
        .arg(dir.join("events.jsonl"))
        .output()
        .expect("audit")
        .status
        .success());
    let c = rusqlite::Connection::open(&db).expect("open");
    c.execute_batch("DELETE FROM event_keys; DELETE FROM event_keys_done;")
        .expect("empty the index");
    drop(c);
    let db_s = db.to_string_lossy().into_owned();
    check_the_person(&lookups(&["--person-id", "P-9001", "--db", &db_s]));
}

/// The workbench's Lookups page and API: investigators and admins search, every search is
/// in the access log with its criteria, and the oversight role gets 403 and no link.
#[test]
fn lookups_workbench_page_for_investigators_not_oversight() {
    use crate::serve::{http, login};
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.sqlite");
    let dir = fixtures().join("lookups");
    assert!(custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(dir.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg("--out")
        .arg(tmp.path().join("alerts.jsonl"))
        .arg(dir.join("events.jsonl"))
        .output()
        .expect("audit")
        .status
        .success());
    for (name, role) in [("ia_ng", "investigator"), ("ov_park", "oversight")] {
        custodes()
            .args(["user", "add", "--db"])
            .arg(&db)
            .args(["--role", role, name])
            .write_stdin("a long enough passphrase\n")
            .assert()
            .success();
    }
    let refs = dir.join("refs").to_string_lossy().into_owned();
    let server = crate::support::start_server_with(&db, &["--refs", &refs]);
    let addr = server.addr.clone();

    let (cookie, _) = login(&addr, "ia_ng", "a long enough passphrase");
    let h = [("Cookie", cookie.as_str())];
    let (status, _, body) = http(&addr, "GET", "/api/v1/lookups?person_id=P-9001", &h, "");
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).expect("json");
    check_the_person(&report);
    let (status, _, page) = http(
        &addr,
        "GET",
        "/lookups?person_id=&name=Beth+Quarrington&dob=1988-05-14&plate=&phone=&address=&from=&to=",
        &h,
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("8 lookups by 4 logins"), "{page}");
    assert!(page.contains("7trv-219") && page.contains("explained by assigned case C-41"));
    let (_, _, overview) = http(&addr, "GET", "/", &h, "");
    assert!(overview.contains("href=\"/lookups\""));

    let (cookie, _) = login(&addr, "ov_park", "a long enough passphrase");
    let o = [("Cookie", cookie.as_str())];
    for path in [
        "/lookups?person_id=P-9001",
        "/api/v1/lookups?person_id=P-9001",
        "/lookups",
    ] {
        let (status, _, body) = http(&addr, "GET", path, &o, "");
        assert_eq!(status, 403, "{path}: {body}");
        assert!(!body.contains("QUARRINGTON") && !body.contains("jdorsey"));
    }
    let (_, _, overview) = http(&addr, "GET", "/", &o, "");
    assert!(!overview.contains("href=\"/lookups\""));
    drop(server);

    // Each investigator search is logged with its criteria; oversight's refusals searched
    // nothing.
    let c = rusqlite::Connection::open(&db).expect("open");
    let mut stmt = c
        .prepare(
            "SELECT account, target FROM access_log WHERE action = 'search_lookups' ORDER BY seq",
        )
        .expect("prepare");
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|(a, _)| a == "ia_ng"));
    assert!(rows[0].1.contains("P-9001"));
    assert!(rows[1].1.contains("Beth Quarrington") && rows[1].1.contains("1988-05-14"));
}
