//! `audit --db` writes each event's lookup-index keys as it stores the event (issue 13:
//! `audit --db` at most twice the plain audit), instead of reading every stored event back
//! afterwards. The store must hold exactly what it held when the index was built by reading
//! the events back (`lookups::index_store`, still the path for events stored without
//! keys): each test compares whole dumps of the store's tables, row by row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::support::{audit_into, custodes, fixtures, gen_world};

/// Every table of the store, row by row in rowid order (key order for tables without
/// rowids): table name -> rows, each row its values as text.
fn dump(db: &Path) -> BTreeMap<String, Vec<String>> {
    let c = Connection::open(db).unwrap();
    let tables: Vec<(String, String)> = c
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = BTreeMap::new();
    for (name, sql) in tables {
        let cols: Vec<String> = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{name}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let list = cols
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let query = if sql.to_uppercase().contains("WITHOUT ROWID") {
            format!("SELECT {list} FROM \"{name}\" ORDER BY {list}")
        } else {
            format!("SELECT rowid, {list} FROM \"{name}\" ORDER BY rowid")
        };
        let mut stmt = c.prepare(&query).unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut row = Vec::with_capacity(width);
                for i in 0..width {
                    row.push(format!("{:?}", r.get::<_, Value>(i)?));
                }
                Ok(row.join(" | "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.insert(name, rows);
    }
    out
}

/// A search of the store, which first indexes every stored event not indexed yet by
/// reading it back.
fn search(refs: &Path, db: &Path) {
    let out = custodes()
        .args(["lookups", "--json", "--refs"])
        .arg(refs)
        .arg("--db")
        .arg(db)
        .args(["--name", "NOBODY, NEVER"])
        .output()
        .expect("run lookups");
    assert!(
        out.status.success(),
        "lookups failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies a closed store (its write-ahead log is merged when the last connection closes).
fn copy_store(from: &Path, to: &Path) {
    assert!(
        !from.with_extension("sqlite-wal").exists(),
        "the store's log was not merged"
    );
    std::fs::copy(from, to).unwrap();
}

/// Empties the lookup index, as in a store whose events were kept without it (a `watch`
/// store never searched, a store of an earlier version, or a load that crashed before
/// writing its keys).
fn forget_index(db: &Path) {
    Connection::open(db)
        .unwrap()
        .execute_batch("DELETE FROM event_keys; DELETE FROM event_keys_done;")
        .unwrap();
}

/// Inputs with varied subjects: a generated world, and the hand-made fixtures whose events
/// type names in every way the decoder accepts (nested subjects, whole names, padding).
fn inputs(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let w = dir.join("world");
    gen_world(&w, 13, 4);
    let mut out = vec![(w.join("refs"), w.join("events.jsonl"))];
    for name in ["identity_and_cases", "lookups_recorded", "lookups"] {
        let f = fixtures().join(name);
        out.push((f.join("refs"), f.join("events.jsonl")));
    }
    out
}

#[test]
fn audit_db_stores_the_same_index_as_reading_the_events_back() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (refs, events)) in inputs(dir.path()).iter().enumerate() {
        let db = dir.path().join(format!("s{i}.sqlite"));
        audit_into(refs, events, None, &db);
        let written = dump(&db);
        assert!(
            !written["event_keys"].is_empty(),
            "{}: no lookup keys",
            events.display()
        );
        let reread = dir.path().join(format!("r{i}.sqlite"));
        copy_store(&db, &reread);
        forget_index(&reread);
        assert!(dump(&reread)["event_keys"].is_empty());
        search(refs, &reread);
        assert_eq!(dump(&reread), written, "{}", events.display());
    }
}

#[test]
fn audit_db_again_or_over_an_unindexed_store_gives_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("world");
    gen_world(&w, 14, 4);
    let (refs, events) = (w.join("refs"), w.join("events.jsonl"));
    let once = dir.path().join("once.sqlite");
    audit_into(&refs, &events, None, &once);
    let mut expected = dump(&once);
    // A second run records a second run, and nothing else.
    let runs = expected.remove("runs").unwrap();
    assert_eq!(runs.len(), 1);

    let twice = dir.path().join("twice.sqlite");
    copy_store(&once, &twice);
    audit_into(&refs, &events, None, &twice);
    let mut got = dump(&twice);
    assert_eq!(got.remove("runs").unwrap().len(), 2);
    assert_eq!(got, expected);

    let unindexed = dir.path().join("unindexed.sqlite");
    copy_store(&once, &unindexed);
    forget_index(&unindexed);
    audit_into(&refs, &events, None, &unindexed);
    let mut got = dump(&unindexed);
    assert_eq!(got.remove("runs").unwrap().len(), 2);
    assert_eq!(got, expected);
}

/// Half the events stored by one run whose keys never reached the index (a crash), the
/// whole file by the next: every event is indexed once, as in a store filled at once.
#[test]
fn events_after_an_unindexed_part_are_indexed_too() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("world");
    gen_world(&w, 15, 4);
    let (refs, events) = (w.join("refs"), w.join("events.jsonl"));
    let text = std::fs::read_to_string(&events).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let half = dir.path().join("half.jsonl");
    std::fs::write(&half, lines[..lines.len() / 2].join("\n") + "\n").unwrap();

    let whole = dir.path().join("whole.sqlite");
    audit_into(&refs, &events, None, &whole);
    let parts = dir.path().join("parts.sqlite");
    audit_into(&refs, &half, None, &parts);
    forget_index(&parts);
    audit_into(&refs, &events, None, &parts);

    let (a, b) = (dump(&whole), dump(&parts));
    // Rowids may differ (the half came first); the events and their keys may not.
    let by_id = |db: &Path| -> Vec<String> {
        let c = Connection::open(db).unwrap();
        let mut stmt = c
            .prepare(
                "SELECT event_id, ts, user, event, case_status, case_ref, name_sharing
                 FROM events ORDER BY event_id",
            )
            .unwrap();
        let width = stmt.column_count();
        stmt.query_map([], |r| {
            let mut row = Vec::with_capacity(width);
            for i in 0..width {
                row.push(format!("{:?}", r.get::<_, Value>(i)?));
            }
            Ok(row.join(" | "))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(by_id(&parts), by_id(&whole));
    assert_eq!(b["event_keys"], a["event_keys"]);
    let max_rowid = |db: &Path| -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT max(rowid) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        b["event_keys_done"],
        [format!(
            "Integer(1) | Integer(1) | Integer({})",
            max_rowid(&parts)
        )]
    );
}
