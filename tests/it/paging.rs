//! The workbench's lists a page at a time (issue 13): pages follow each other, the total
//! is right, the page size is capped and bad paging is a clear 400; the filters, now run
//! in SQL, select exactly the rows the whole list shows for them; and the oversight role
//! pages and filters by pseudonyms as strictly as before.

use serde_json::Value;

use crate::serve::{add_user, header, http, login};
use crate::support::{audited_world, start_server};

/// GET `path` as `cookie`: (status, headers, body).
fn get(a: &str, cookie: &str, path: &str) -> (u16, Vec<(String, String)>, String) {
    http(a, "GET", path, &[("Cookie", cookie)], "")
}

/// The rows of a list answer and its `X-Total-Count`.
fn rows(a: &str, cookie: &str, path: &str) -> (Vec<Value>, usize) {
    let (s, h, b) = get(a, cookie, path);
    assert_eq!(s, 200, "{path}: {b}");
    let total = header(&h, "x-total-count")
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no X-Total-Count"));
    (serde_json::from_str(&b).unwrap(), total)
}

fn ids(v: &[Value]) -> Vec<String> {
    v.iter()
        .map(|r| r["alert_id"].as_str().unwrap().to_string())
        .collect()
}

fn text<'a>(r: &'a Value, k: &str) -> &'a str {
    r[k].as_str().unwrap_or("")
}

/// The list's order: score, then window start (latest first), then the id as shown.
fn assert_ranked(v: &[Value]) {
    for w in v.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let key = |r: &Value| {
            (
                -(r["score"].as_f64().unwrap() * 1e6) as i64,
                std::cmp::Reverse(text(r, "window_start").to_string()),
                text(r, "alert_id").to_string(),
            )
        };
        assert!(key(a) <= key(b), "out of order: {a} before {b}");
    }
}

#[test]
fn issue13_lists_are_paged_and_filtered_in_the_store() {
    let (_dir, db, _refs) = audited_world(9);
    add_user(&db, "investigator", "ia_paging");
    add_user(&db, "oversight", "ov_paging");
    let server = start_server(&db);
    let a = server.addr.as_str();
    let (ic, csrf) = login(a, "ia_paging", "ia_paging has a long password");
    let (oc, _) = login(a, "ov_paging", "ov_paging has a long password");

    // The whole list in one page, ordered as before.
    let (all, total) = rows(a, &ic, "/api/v1/alerts?per_page=1000");
    assert!(total > 25 && total <= 1000, "{total}");
    assert_eq!(all.len(), total);
    assert_ranked(&all);
    // The default page is 100 rows.
    let (first, t) = rows(a, &ic, "/api/v1/alerts");
    assert_eq!((first.len(), t), (total.min(100), total));

    // Pages of 7 follow each other; the links name the neighbours, with the filters kept.
    let mut paged = Vec::new();
    let pages = total.div_ceil(7);
    for page in 1..=pages {
        let path = format!("/api/v1/alerts?per_page=7&page={page}");
        let (s, h, b) = get(a, &ic, &path);
        assert_eq!(s, 200);
        let link = header(&h, "link").unwrap_or("");
        assert_eq!(
            link.contains("rel=\"next\""),
            page < pages,
            "{page}: {link}"
        );
        assert_eq!(link.contains("rel=\"prev\""), page > 1, "{page}: {link}");
        if page < pages {
            assert!(
                link.contains(&format!("page={}", page + 1)) && link.contains("per_page=7"),
                "{link}"
            );
        }
        let v: Vec<Value> = serde_json::from_str(&b).unwrap();
        assert!(!v.is_empty() && v.len() <= 7);
        paged.extend(v);
    }
    assert_eq!(ids(&paged), ids(&all), "pages concatenated are the list");
    let (v, t) = rows(
        a,
        &ic,
        &format!("/api/v1/alerts?per_page=7&page={}", pages + 1),
    );
    assert!(
        v.is_empty() && t == total,
        "past the end: empty, same total"
    );
    let huge = format!("page={}", u64::MAX);
    let (v, t) = rows(a, &ic, &format!("/api/v1/alerts?{huge}"));
    assert!(
        v.is_empty() && t == total,
        "a huge page is past the end too"
    );
    let (s, _, page) = get(a, &ic, &format!("/alerts?{huge}"));
    assert_eq!(s, 200);
    assert!(page.contains("is past the end"), "{page}");

    // Bad paging: a clear 400, as JSON from the API and as a page from the HTML.
    for (q, needle) in [
        ("per_page=1001", "1 to 1000"),
        ("per_page=0", "1 to 1000"),
        ("page=0", "`page`"),
        ("page=two", "`page` = `two` is not a whole number"),
        ("page=-1", "`page`"),
    ] {
        let (s, _, b) = get(a, &ic, &format!("/api/v1/alerts?{q}"));
        assert_eq!(s, 400, "{q}: {b}");
        let e: Value = serde_json::from_str(&b).unwrap();
        assert!(e["error"].as_str().unwrap().contains(needle), "{q}: {b}");
        for html in ["/alerts", "/users"] {
            let (s, _, b) = get(a, &ic, &format!("{html}?{q}"));
            assert_eq!(s, 400, "{html}?{q}");
            assert!(b.contains(needle), "{html}?{q}: {b}");
        }
        assert_eq!(get(a, &ic, &format!("/api/v1/users?{q}")).0, 400, "{q}");
    }

    // The HTML page says where it is and links on, filters kept.
    let detector = text(&all[0], "detector").to_string();
    let of_detector = all
        .iter()
        .filter(|r| text(r, "detector") == detector)
        .count();
    let (s, _, page) = get(a, &ic, &format!("/alerts?detector={detector}&per_page=2"));
    assert_eq!(s, 200);
    assert!(
        page.contains(&format!("of {of_detector} (page 1 of")),
        "{page}"
    );
    if of_detector > 2 {
        assert!(
            page.contains(&format!(
                "rel=\"next\" href=\"/alerts?detector={detector}&amp;page=2&amp;per_page=2\""
            )),
            "{page}"
        );
    }

    // Triage a few alerts, so that status filters have more than `open` to find.
    let ok = [
        ("Cookie", ic.as_str()),
        ("Content-Type", "application/json"),
        ("X-CSRF-Token", csrf.as_str()),
    ];
    for (r, st) in all
        .iter()
        .step_by(5)
        .zip(["confirmed", "benign", "in_review"].iter().cycle())
    {
        let body = format!("{{\"status\":\"{st}\"}}");
        let id = text(r, "alert_id");
        let (s, _, _) = http(
            a,
            "POST",
            &format!("/api/v1/alerts/{id}/triage"),
            &ok,
            &body,
        );
        assert_eq!(s, 200);
    }
    let (all, _) = rows(a, &ic, "/api/v1/alerts?per_page=1000");

    // Each filter selects exactly the rows of the whole list that show what it asks.
    let user = text(&all[all.len() / 2], "user").to_string();
    let unit = all
        .iter()
        .find_map(|r| r["unit"].as_str())
        .unwrap()
        .to_string();
    let kind = text(&all[0], "kind").to_string();
    let day = text(&all[all.len() / 3], "window_start")[..10].to_string();
    type Pick = Box<dyn Fn(&Value) -> bool>;
    let checks: Vec<(String, Pick)> = vec![
        (format!("user={user}"), {
            let u = user.clone();
            Box::new(move |r| text(r, "user") == u)
        }),
        (format!("unit={unit}"), {
            let u = unit.clone();
            Box::new(move |r| text(r, "unit") == u)
        }),
        (format!("detector={detector}&kind={kind}"), {
            let (d, k) = (detector.clone(), kind.clone());
            Box::new(move |r| text(r, "detector") == d && text(r, "kind") == k)
        }),
        (
            "severity=high".into(),
            Box::new(|r| text(r, "severity") == "high"),
        ),
        (
            "status=open".into(),
            Box::new(|r| text(r, "status") == "open"),
        ),
        (
            "status=confirmed".into(),
            Box::new(|r| text(r, "status") == "confirmed"),
        ),
        (format!("from={day}&to={day}"), {
            let d = day.clone();
            Box::new(move |r| {
                text(r, "window_end") >= d.as_str()
                    && text(r, "window_start") <= format!("{d}T23:59:59.999999Z").as_str()
            })
        }),
        (format!("user={user}&status=open&from={day}"), {
            let (u, d) = (user.clone(), day.clone());
            Box::new(move |r| {
                text(r, "user") == u
                    && text(r, "status") == "open"
                    && text(r, "window_end") >= d.as_str()
            })
        }),
        ("user=nobody_at_all".into(), Box::new(|_| false)),
    ];
    let mut found = 0;
    for (q, pick) in &checks {
        let want: Vec<String> = ids(&all.iter().filter(|r| pick(r)).cloned().collect::<Vec<_>>());
        let (got, t) = rows(a, &ic, &format!("/api/v1/alerts?per_page=1000&{q}"));
        assert_eq!(ids(&got), want, "{q}");
        assert_eq!(t, want.len(), "{q}");
        found += t;
    }
    assert!(found > total, "the filters select something: {found}");

    // Ranked users: paged too, and every alert counted once.
    let (users, n) = rows(a, &ic, "/api/v1/users?per_page=1000");
    assert_eq!(users.len(), n);
    let counted: u64 = users.iter().map(|u| u["alerts"].as_u64().unwrap()).sum();
    assert_eq!(counted as usize, all.len());
    let (second, t) = rows(a, &ic, "/api/v1/users?per_page=3&page=2");
    assert_eq!(t, n);
    let name =
        |v: &[Value]| -> Vec<String> { v.iter().map(|u| text(u, "user").to_string()).collect() };
    assert_eq!(name(&second), name(&users[3..6.min(n)]));
    let (s, _, page) = get(a, &ic, "/users?per_page=3&page=2");
    assert_eq!(s, 200);
    assert!(
        page.contains("rel=\"prev\" href=\"/users?page=1&amp;per_page=3\""),
        "{page}"
    );

    // Oversight: the same list under pseudonyms and tokens, paged the same way, ordered
    // by what its rows show; filters by pseudonym resolve, real logins do not.
    let (oall, ototal) = rows(a, &oc, "/api/v1/alerts?per_page=1000");
    assert_eq!(ototal, total);
    assert_ranked(&oall);
    assert!(oall.iter().all(|r| text(r, "alert_id").starts_with("T-")));
    let mut opaged = Vec::new();
    for page in 1..=total.div_ceil(9) {
        let (v, t) = rows(a, &oc, &format!("/api/v1/alerts?per_page=9&page={page}"));
        assert_eq!(t, total);
        opaged.extend(v);
    }
    assert_eq!(ids(&opaged), ids(&oall));
    let pseudonym = text(&oall[oall.len() / 2], "user").to_string();
    assert!(pseudonym.starts_with("U-"), "{pseudonym}");
    let want: Vec<Value> = oall
        .iter()
        .filter(|r| text(r, "user") == pseudonym)
        .cloned()
        .collect();
    let (got, t) = rows(
        a,
        &oc,
        &format!("/api/v1/alerts?per_page=2&user={pseudonym}"),
    );
    assert_eq!(
        (ids(&got), t),
        (ids(&want[..2.min(want.len())]), want.len())
    );
    let (got, t) = rows(a, &oc, &format!("/api/v1/alerts?per_page=1000&user={user}"));
    assert!(
        got.is_empty() && t == 0,
        "a real login is not a filter for oversight"
    );
    for shown in oall.iter().filter_map(|r| r["unit"].as_str()) {
        let want = oall.iter().filter(|r| text(r, "unit") == shown).count();
        let (_, t) = rows(
            a,
            &oc,
            &format!(
                "/api/v1/alerts?per_page=1&unit={}",
                shown.replace(' ', "%20")
            ),
        );
        assert_eq!(t, want, "unit {shown}");
    }
    let (ousers, _) = rows(a, &oc, "/api/v1/users?per_page=1000");
    assert!(ousers.iter().all(|u| text(u, "user").starts_with("U-")));
    let (s, _, b) = get(
        a,
        &oc,
        &format!("/api/v1/alerts/{}", text(&oall[oall.len() - 1], "alert_id")),
    );
    assert_eq!(s, 200, "the last alert's token finds it: {b}");
}

/// A busy login's timeline is thousands of lookups: its events come a page at a time, the
/// pages concatenated are the whole period in time order, every page carries the period's
/// alerts and the total, and bad paging is a 400. Oversight gets no events and no total.
#[test]
fn issue13_a_timeline_pages_its_events() {
    let (_dir, db, _refs) = audited_world(9);
    add_user(&db, "investigator", "ia_tl");
    add_user(&db, "oversight", "ov_tl");
    let server = start_server(&db);
    let a = server.addr.as_str();
    let (ic, _) = login(a, "ia_tl", "ia_tl has a long password");
    let (oc, _) = login(a, "ov_tl", "ov_tl has a long password");

    // The login with the most alerts, and the first page of its timeline (500 by default).
    let (users, _) = rows(a, &ic, "/api/v1/users?per_page=1");
    let user = text(&users[0], "user").to_string();
    let whole = |q: &str| -> Value {
        let (s, _, b) = get(a, &ic, &format!("/api/v1/users/{user}/timeline{q}"));
        assert_eq!(s, 200, "{q}: {b}");
        serde_json::from_str(&b).unwrap()
    };
    let all = whole("");
    let total = all["events_total"].as_u64().unwrap() as usize;
    let events = all["events"].as_array().unwrap();
    assert!(total > 20, "a busy login: {total}");
    assert_eq!(events.len(), total.min(500));
    assert_eq!(
        (all["page"].as_u64(), all["per_page"].as_u64()),
        (Some(1), Some(500))
    );

    // Pages of 9 follow each other and keep the alerts and the total.
    let mut paged: Vec<Value> = Vec::new();
    for page in 1..=total.div_ceil(9) {
        let p = whole(&format!("?per_page=9&page={page}"));
        assert_eq!(p["events_total"].as_u64(), Some(total as u64));
        assert_eq!(
            p["alerts"], all["alerts"],
            "every page has the period's alerts"
        );
        let v = p["events"].as_array().unwrap();
        assert!(!v.is_empty() && v.len() <= 9, "page {page}: {}", v.len());
        paged.extend(v.iter().cloned());
    }
    let id = |e: &Value| e["event"]["id"].as_str().unwrap().to_string();
    let want: Vec<String> = events.iter().map(id).collect();
    let got: Vec<String> = paged.iter().map(id).collect();
    assert_eq!(
        got[..want.len()],
        want[..],
        "pages concatenated are the period"
    );
    assert_eq!(got.len(), total);
    let past = whole(&format!("?per_page=9&page={}", total.div_ceil(9) + 1));
    assert_eq!(past["events"].as_array().map(Vec::len), Some(0));

    // The page shows where it is and links to the next page, with the period kept.
    let (s, _, html) = get(
        a,
        &ic,
        &format!("/users/{user}/timeline?from=2024-01-01&per_page=9"),
    );
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("Events 1–9 of {total}")),
        "pager shown"
    );
    assert!(
        html.contains("from=2024-01-01") && html.contains("page=2") && html.contains("per_page=9"),
        "next link keeps the period"
    );

    for bad in ["?page=0", "?per_page=1001", "?per_page=x"] {
        let (s, _, b) = get(a, &ic, &format!("/api/v1/users/{user}/timeline{bad}"));
        assert_eq!(s, 400, "{bad}: {b}");
        assert!(b.contains("page"), "{bad}: the parameter is named: {b}");
    }

    // Oversight: no events, no total, whatever the page.
    let (ou, _) = rows(a, &oc, "/api/v1/users?per_page=1");
    let shown = text(&ou[0], "user").to_string();
    let (s, _, b) = get(
        a,
        &oc,
        &format!("/api/v1/users/{shown}/timeline?per_page=5"),
    );
    assert_eq!(s, 200, "{b}");
    let t: Value = serde_json::from_str(&b).unwrap();
    assert!(t["events"].is_null() && t["events_total"].is_null(), "{b}");
}
