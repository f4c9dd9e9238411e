//! `shared_credential` on hand-made tricky data: two workstations in one room (one walk
//! back, then real back-and-forth), a move to a nearby building, use at a nearby building
//! while the owner goes on working, a VPN client without coordinates, a night worker
//! crossing midnight, a terminated account's failed login the day after its end date,
//! leave that starts on a date, an unlisted workstation.

use serde_json::Value;

use crate::support::{alert_keys, audit_fixture};

fn run() -> Vec<Value> {
    audit_fixture("shared_credential", None)
}

fn key(k: &str, u: &str, ids: &[&str]) -> (String, String, String, Vec<String>) {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    ("shared_credential".into(), k.into(), u.into(), ids)
}

#[test]
fn shared_credential_kinds_on_tricky_data() {
    let alerts = run();
    let mut expected = vec![
        // NORTH -> SOUTH -> back at WS-N1 in 7 minutes: in use at two places at once, and
        // 400 km in 3 minutes each way (one travel alert for the pair of sites).
        key("concurrent_clients", "hruiz", &["s01", "s03", "s04"]),
        key("impossible_travel", "hruiz", &["s02", "s03", "s04"]),
        // SOUTH -> (VPN, skipped) -> FAR: ~1000 km in 45 minutes, and no way back.
        key("impossible_travel", "wlund", &["s05", "s07"]),
        // Terminated on 2024-05-10: the 10th itself is fine, a failed login on the 11th is not.
        key("inactive_account", "okline", &["s10"]),
        key("inactive_account", "okline", &["s11"]),
        key("inactive_account", "pvance", &["s13"]),
        // mdesk walks to WS-N2 and back once: nothing. tpair goes back and forth twice.
        key("concurrent_clients", "tpair", &["s24", "s25", "s26"]),
        // mmove moves to EAST (3 km) and stays: nothing. kshare is back at WS-N1 after EAST.
        key("concurrent_clients", "kshare", &["s30", "s31", "s32"]),
    ];
    expected.sort();
    assert_eq!(alert_keys(&alerts), expected);
}

#[test]
fn evidence_shows_the_sites_and_the_speed() {
    let alerts = run();
    let travel = alerts
        .iter()
        .find(|a| a["kind"] == "impossible_travel" && a["user"] == "wlund")
        .expect("travel alert");
    let speed = travel["evidence"]["implied_speed_kmh"]
        .as_f64()
        .unwrap_or(0.0);
    assert!(speed > 900.0, "{travel:#}");
    assert_eq!(travel["window_start"], "2024-05-14T09:00:00Z");
    let conc = alerts
        .iter()
        .find(|a| a["kind"] == "concurrent_clients" && a["user"] == "hruiz")
        .expect("concurrent alert");
    assert_eq!(
        conc["evidence"]["sites"],
        serde_json::json!(["NORTH", "SOUTH"])
    );
    assert_eq!(
        conc["reason"],
        "Login hruiz was used at WS-N1 (site NORTH), at WS-S1 (site SOUTH) and back at WS-N1 7 minutes later: in use at two places at once."
    );
    let room = alerts
        .iter()
        .find(|a| a["kind"] == "concurrent_clients" && a["user"] == "tpair")
        .expect("same-room alert");
    assert_eq!(room["severity"], "medium", "{room:#}");
    assert_eq!(room["evidence"]["same_site_returns"], 2, "{room:#}");
}

#[test]
fn the_concurrency_window_comes_from_the_config() {
    // slowr is back at WS-N1 15 minutes after its last use there, with EAST in between:
    // concurrent with a 30-minute window only.
    let slow = key("concurrent_clients", "slowr", &["s33", "s34", "s35"]);
    assert!(!alert_keys(&run()).contains(&slow));
    let keys = alert_keys(&audit_fixture(
        "shared_credential",
        Some("[shared_credential]\nconcurrent_window_minutes = 30\n"),
    ));
    assert!(keys.contains(&slow), "{keys:#?}");
    // 0 switches concurrency off; travel stays.
    let keys = alert_keys(&audit_fixture(
        "shared_credential",
        Some("[shared_credential]\nconcurrent_window_minutes = 0\n"),
    ));
    assert!(
        !keys.iter().any(|k| k.1 == "concurrent_clients"),
        "{keys:#?}"
    );
    assert!(keys.iter().any(|k| k.1 == "impossible_travel"), "{keys:#?}");
}

#[test]
fn one_return_within_a_room_is_enough_when_configured() {
    let keys = alert_keys(&audit_fixture(
        "shared_credential",
        Some("[shared_credential]\nsame_site_returns = 1\n"),
    ));
    assert!(
        keys.contains(&key("concurrent_clients", "mdesk", &["s20", "s21", "s22"])),
        "{keys:#?}"
    );
}
