//! `shared_credential` on hand-made tricky data: two workstations in one room, a VPN client
//! without coordinates, a night worker crossing midnight, a terminated account's failed
//! login the day after its end date, leave that starts on a date, an unlisted workstation.

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
        // Same room (WS-N1, WS-N2) is normal; NORTH -> SOUTH -> NORTH in minutes is not.
        key("concurrent_clients", "hruiz", &["s02", "s03", "s04"]),
        // SOUTH -> (VPN, skipped) -> FAR: ~1000 km in 45 minutes.
        key("impossible_travel", "wlund", &["s05", "s07"]),
        // Terminated on 2024-05-10: the 10th itself is fine, a failed login on the 11th is not.
        key("inactive_account", "okline", &["s10"]),
        key("inactive_account", "okline", &["s11"]),
        key("inactive_account", "pvance", &["s13"]),
    ];
    expected.sort();
    assert_eq!(alert_keys(&alerts), expected);
}

#[test]
fn evidence_shows_the_sites_and_the_speed() {
    let alerts = run();
    let travel = alerts
        .iter()
        .find(|a| a["kind"] == "impossible_travel")
        .expect("travel alert");
    let speed = travel["evidence"]["implied_speed_kmh"]
        .as_f64()
        .unwrap_or(0.0);
    assert!(speed > 900.0, "{travel:#}");
    assert_eq!(travel["window_start"], "2024-05-14T09:00:00Z");
    let conc = alerts
        .iter()
        .find(|a| a["kind"] == "concurrent_clients")
        .expect("concurrent alert");
    assert_eq!(
        conc["evidence"]["sites"],
        serde_json::json!(["NORTH", "SOUTH"])
    );
    assert!(
        conc["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("3 minutes apart"),
        "{}",
        conc["reason"]
    );
}

#[test]
fn the_concurrency_window_comes_from_the_config() {
    // 30 minutes makes SOUTH -> VPN (REMOTE) and VPN -> FAR concurrent (two site pairs, two
    // alerts); an event already reported as concurrent is not reported as travel too.
    let keys = alert_keys(&audit_fixture(
        "shared_credential",
        Some("[shared_credential]\nconcurrent_window_minutes = 30\n"),
    ));
    assert!(
        keys.contains(&key("concurrent_clients", "wlund", &["s05", "s06"])),
        "{keys:#?}"
    );
    assert!(
        keys.contains(&key("concurrent_clients", "wlund", &["s06", "s07"])),
        "{keys:#?}"
    );
    assert!(
        !keys.iter().any(|k| k.1 == "impossible_travel"),
        "{keys:#?}"
    );
}
