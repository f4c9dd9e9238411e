//! One fixture and one golden output per detector kind (ruff's model): for every kind the
//! engine can raise, a small world holding lookups that must raise it and near misses that
//! must not, and an `insta` snapshot of the exact alerts of that kind — reason, evidence,
//! severity, score, window and event ids — as the real binary writes them. Reasons and
//! evidence are what investigators read, so any change to them shows up here as a diff.
//!
//! Fixtures live in `tests/fixtures/kinds/<detector>/<kind>/` (`events.jsonl`, and a
//! `custodes.toml` when the kind needs smaller thresholds than real work); their reference
//! data is the nearest `refs/` above them (`kinds/refs/` unless the detector needs its own).
//! Each line says why it is there in an extra `intent` field — kept as evidence by the
//! contract — starting `raises:` or `near miss:`; the test checks those first, then the
//! snapshot. The `fishing` kinds reuse `tests/fixtures/fishing/<kind>/`, which already
//! isolate one kind each; the volume kinds that need weeks of history are built by
//! `behaviour.rs`'s world builder.
//!
//! Nothing in an alert depends on the run (ids are derived from the input), so snapshots
//! redact nothing. Review changes with `cargo insta review` or by reading the `.snap.new`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::behaviour;
use crate::support::{custodes, fixtures, read_jsonl};

/// The fixture directory of a kind, under `tests/fixtures`.
fn fixture(rel: &str) -> PathBuf {
    fixtures().join(rel)
}

/// The nearest `refs/` at or above `dir`, within `tests/fixtures`.
fn refs_for(dir: &Path) -> PathBuf {
    dir.ancestors()
        .take_while(|d| d.starts_with(fixtures()))
        .map(|d| d.join("refs"))
        .find(|r| r.is_dir())
        .unwrap_or_else(|| panic!("no refs/ at or above {}", dir.display()))
}

/// Runs `custodes audit` on a fixture directory; every alert.
fn audit_dir(dir: &Path) -> Vec<Value> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("alerts.jsonl");
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"]).arg(refs_for(dir));
    let config = dir.join("custodes.toml");
    if config.is_file() {
        cmd.arg("--config").arg(config);
    }
    cmd.arg("--out")
        .arg(&out)
        .arg(dir.join("events.jsonl"))
        .assert()
        .success();
    read_jsonl(&out)
}

/// The alerts of one detector and kind, in the order the binary wrote them.
fn of_kind(alerts: &[Value], detector: &str, kind: &str) -> Vec<Value> {
    alerts
        .iter()
        .filter(|a| a["detector"] == detector && a["kind"] == kind)
        .cloned()
        .collect()
}

fn event_ids(alerts: &[Value]) -> BTreeSet<String> {
    alerts
        .iter()
        .flat_map(|a| a["event_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The ids of the fixture's lines whose `intent` starts with `prefix`.
fn intended(dir: &Path, prefix: &str) -> BTreeSet<String> {
    read_jsonl(&dir.join("events.jsonl"))
        .iter()
        .filter(|e| e["intent"].as_str().is_some_and(|i| i.starts_with(prefix)))
        .filter_map(|e| e["id"].as_str().map(str::to_string))
        .collect()
}

/// The kind's alerts rest on every `raises:` line and on no `near miss:` line, and their
/// exact text matches the snapshot.
fn check_fixture(detector: &str, kind: &str, rel: &str) {
    let dir = fixture(rel);
    let alerts = of_kind(&audit_dir(&dir), detector, kind);
    assert!(!alerts.is_empty(), "{rel}: no {detector}/{kind} alert");
    let ids = event_ids(&alerts);
    let raises = intended(&dir, "raises:");
    let near = intended(&dir, "near miss:");
    assert!(
        raises.is_subset(&ids),
        "{rel}: lines meant to raise {kind} are missing: {:?}",
        raises.difference(&ids).collect::<Vec<_>>()
    );
    assert!(
        near.is_disjoint(&ids),
        "{rel}: near misses raised {kind}: {:?}",
        near.intersection(&ids).collect::<Vec<_>>()
    );
    snapshot(detector, kind, rel, &alerts);
}

fn snapshot(detector: &str, kind: &str, source: &str, alerts: &[Value]) {
    insta::with_settings!({
        snapshot_path => "snapshots/kinds",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => source,
    }, {
        insta::assert_json_snapshot!(format!("{detector}.{kind}"), alerts);
    });
}

/// A volume kind on a world built by `behaviour.rs`: the snapshot, and the kind raised at
/// least once (that world's own test says by whom and why the others are spared).
fn check_world(detector: &str, kind: &str, world: &behaviour::World, story: &str) {
    let (refs, events) = world.write();
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("alerts.jsonl");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(&refs)
        .arg("--out")
        .arg(&out)
        .arg(&events)
        .assert()
        .success();
    let alerts = of_kind(&read_jsonl(&out), detector, kind);
    assert!(!alerts.is_empty(), "{story}: no {detector}/{kind} alert");
    snapshot(detector, kind, story, &alerts);
}

/// One test per kind: `kind!(test_name, "detector", "kind", "fixture dir")`.
macro_rules! kind {
    ($name:ident, $detector:literal, $kind:literal, $dir:expr) => {
        #[test]
        fn $name() {
            check_fixture($detector, $kind, $dir);
        }
    };
    ($name:ident, $detector:literal, $kind:literal) => {
        kind!(
            $name,
            $detector,
            $kind,
            concat!("kinds/", $detector, "/", $kind)
        );
    };
}

kind!(self_query_person_id, "self_query", "person_id");
kind!(self_query_name_dob, "self_query", "name_dob");
kind!(self_query_plate, "self_query", "plate");
kind!(self_query_address, "self_query", "address");
kind!(self_query_phone, "self_query", "phone");
kind!(self_query_name_only, "self_query", "name_only");
kind!(self_query_record_change, "self_query", "record_change");

kind!(coworker_same_unit, "coworker_lookup", "same_unit");
kind!(coworker_other_unit, "coworker_lookup", "other_unit");
kind!(coworker_supervisor, "coworker_lookup", "supervisor");
kind!(coworker_record_change, "coworker_lookup", "record_change");

kind!(association_ex_partner, "association_lookup", "ex_partner");
kind!(association_partner, "association_lookup", "partner");
kind!(association_spouse, "association_lookup", "spouse");
kind!(association_family, "association_lookup", "family");
kind!(association_neighbor, "association_lookup", "neighbor");
kind!(association_associate, "association_lookup", "associate");
kind!(
    association_protected_party,
    "association_lookup",
    "protected_party"
);
// Any other relation is its own kind, named as associations.csv writes it.
kind!(association_other_relation, "association_lookup", "landlord");
kind!(
    association_record_change,
    "association_lookup",
    "record_change"
);

// The kind is the watch list's category; one category stands for all.
kind!(watchlist_category, "watchlist_lookup", "celebrity");
kind!(watchlist_record_change, "watchlist_lookup", "record_change");

kind!(no_case_missing, "no_case", "missing");
kind!(no_case_unknown_case, "no_case", "unknown_case");
kind!(no_case_closed_case, "no_case", "closed_case");
kind!(no_case_not_assigned, "no_case", "not_assigned");
kind!(
    no_case_subject_not_in_case,
    "no_case",
    "subject_not_in_case"
);

kind!(
    shared_credential_concurrent_clients,
    "shared_credential",
    "concurrent_clients"
);
kind!(
    shared_credential_impossible_travel,
    "shared_credential",
    "impossible_travel"
);
kind!(
    shared_credential_inactive_account,
    "shared_credential",
    "inactive_account"
);

kind!(odd_volume_burst, "odd_volume", "burst");
kind!(odd_volume_export, "odd_volume", "export");

#[test]
fn odd_volume_daily_count() {
    check_world(
        "odd_volume",
        "daily_count",
        &behaviour::daily_count_world(),
        "behaviour::daily_count_world: ada does seven times her usual day, ben works overtime",
    );
}

#[test]
fn odd_volume_off_hours() {
    check_world(
        "odd_volume",
        "off_hours",
        &behaviour::off_hours_world(),
        "behaviour::off_hours_world: a day worker at 2 am, night workers at night",
    );
}

#[test]
fn odd_volume_distinct_subjects() {
    check_world(
        "odd_volume",
        "distinct_subjects",
        &behaviour::distinct_subjects_world(),
        "behaviour::distinct_subjects_world: ada's usual volume, but 50 people instead of 8",
    );
}

kind!(subject_surge_many_users, "subject_surge", "many_users");

kind!(
    fishing_wildcard_sweep,
    "fishing",
    "wildcard_sweep",
    "fishing/wildcard_sweep"
);
kind!(
    fishing_attribute_search,
    "fishing",
    "attribute_search",
    "fishing/attribute_search"
);
kind!(
    fishing_enumeration,
    "fishing",
    "enumeration",
    "fishing/enumeration"
);

/// Every kind the registry names has a snapshot, so a new detector or kind without a
/// fixture fails here. Kinds written as prose in the registry (an open set: the relation,
/// the category) are stood for by one test each above.
#[test]
fn every_registered_kind_has_a_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots/kinds");
    let missing: Vec<String> = custodes::detect::registry()
        .iter()
        .flat_map(|d| d.kinds.iter().map(move |k| (d.name, *k)))
        .filter(|(_, k)| !k.starts_with('('))
        .filter(|(d, k)| !dir.join(format!("{d}.{k}.snap")).is_file())
        .map(|(d, k)| format!("{d}/{k}"))
        .collect();
    assert!(missing.is_empty(), "kinds without a snapshot: {missing:?}");
}
