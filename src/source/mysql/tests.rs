//! The readers on the committed fixtures (`tests/fixtures/mysql/`, written from the
//! vendors' documented record shapes, invented people) and on hand-made records for what
//! they do not show; property tests that no input panics and that statements with quotes
//! and escapes come through whole.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::config::MysqlConfig;

const PERCONA: &str = include_str!("../../../tests/fixtures/mysql/percona/audit.log");
const ENTERPRISE: &str = include_str!("../../../tests/fixtures/mysql/enterprise/audit.json");

fn config() -> MysqlConfig {
    let mut c = MysqlConfig {
        query_log_limit: 145,
        ..MysqlConfig::default()
    };
    for col in ["person_id", "last_name", "first_name", "dob", "plate"] {
        c.subject_columns
            .insert(format!("persons.{col}"), col.to_string());
    }
    c
}

fn read_text(text: &str, kind: Kind, c: &MysqlConfig) -> (Vec<Event>, FileStats, Vec<String>) {
    let settings = Arc::new(MariaSettings::for_mysql(c).unwrap());
    let mut rejects = RejectSink::counting();
    let mut events = Vec::new();
    let stats = read_from(
        "audit",
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        kind,
        &settings,
        &mut rejects,
        &mut |e| events.push(e),
    )
    .unwrap();
    let rejected = rejects.first().iter().map(|r| r.to_string()).collect();
    (events, stats, rejected)
}

fn by_id<'a>(events: &'a [Event], id: &str) -> &'a Event {
    events.iter().find(|e| e.id == id).unwrap_or_else(|| {
        panic!(
            "no event {id}: {:?}",
            events.iter().map(|e| &e.id).collect::<Vec<_>>()
        )
    })
}

fn actions(events: &[Event]) -> Vec<(&str, &str)> {
    events
        .iter()
        .map(|e| (e.user.as_str(), e.action.as_str()))
        .collect()
}

/// Both fixtures hold the same session, so both readers must make the same events of it.
const SESSION: &[(&str, &str)] = &[
    ("officer_a", "login"),
    ("officer_a", "query"),
    ("officer_a", "query"),
    ("officer_a", "query"),
    ("officer_a", "logout"),
    ("officer_b", "login_failed"),
    ("officer_b", "login"),
    ("officer_b", "query"),
    ("officer_b", "query_failed"),
    ("officer_b", "logout"),
    ("officer_c", "login"),
    ("officer_c", "query"),
    ("officer_c", "logout"),
];

#[test]
fn percona_fixture_one_event_per_statement_and_connection() {
    let (events, stats, rejected) = read_text(PERCONA, Kind::Percona, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(actions(&events), SESSION);
    assert_eq!(stats.mysql.statements, 7);
    assert_eq!(stats.mysql.not_lookups, 1); // SET @case_id
    assert_eq!(stats.mysql.truncated, 1);
    // Audit, Prepare, NoAudit.
    assert_eq!(stats.mysql.other_lines, 3);

    let e = by_id(&events, "percona:3_2026-11-23T18:40:00");
    // `user` on statements is `officer_a[officer_a] @  [10.0.0.7]`: the login is the name.
    assert_eq!(e.user, "officer_a");
    assert_eq!(e.ts.to_rfc3339(), "2026-11-23T18:40:02+00:00");
    assert_eq!(e.subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(e.subject.dob.as_deref(), Some("1980-01-02"));
    assert_eq!(e.case_id, None);
    assert_eq!(e.ip.as_deref(), Some("10.0.0.7"));
    assert_eq!(e.system.as_deref(), Some("records"));
    assert_eq!(e.session.as_deref(), Some("4"));
    assert_eq!(e.extra["mysql_command"], "SELECT");

    let e = by_id(&events, "percona:4_2026-11-23T18:40:00");
    assert_eq!(e.subject.plate.as_deref(), Some("XYZ789"));
    assert_eq!(e.case_id.as_deref(), Some("C-2024-001"));
    assert_eq!(e.purpose.as_deref(), Some("traffic stop"));
    assert_eq!(e.extra["case_source"], "comment");

    // As long as query_log_limit: marked, no subject, what it showed kept as evidence.
    let e = by_id(&events, "percona:5_2026-11-23T18:40:00");
    assert_eq!(e.extra["query_truncated"], true);
    assert_eq!(e.extra["query_log_limit"], 145);
    assert!(e.subject.is_empty(), "{e:?}");
    assert_eq!(e.extra["subject_partial"][0]["value"], "JONES");

    let e = by_id(&events, "percona:7_2026-11-23T18:40:00");
    assert_eq!(e.action, "login_failed");
    assert_eq!(e.extra["error_code"], 1045);

    let e = by_id(&events, "percona:10_2026-11-23T18:40:00");
    assert_eq!(e.action, "query_failed");
    assert_eq!(e.extra["error_code"], 1142);
    assert_eq!(e.subject.person_id.as_deref(), Some("2"));

    // The cover case from `SET @case_id`, and quotes escaped two ways.
    let e = by_id(&events, "percona:14_2026-11-23T18:40:00");
    assert_eq!(e.subject.last_name.as_deref(), Some("O'BRIEN"));
    assert_eq!(e.subject.first_name.as_deref(), Some("SEAN"));
    assert_eq!(e.case_id.as_deref(), Some("C-2024-010"));
    assert_eq!(e.extra["case_source"], "variable");
}

#[test]
fn enterprise_fixture_gives_the_same_session() {
    let (events, stats, rejected) = read_text(ENTERPRISE, Kind::Enterprise, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(actions(&events), SESSION);
    // The statement logged as received and as done counts once.
    assert_eq!(stats.mysql.statements, 7);
    assert_eq!(stats.mysql.table_lines, 5);
    assert_eq!(stats.mysql.truncated, 1);

    let e = by_id(&events, "mysql:20261123T184002Z:1");
    assert_eq!(e.user, "officer_a");
    assert_eq!(e.subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(e.result_count, Some(1));
    assert_eq!(e.extra["objects"], json!(["records.persons"]));
    // The database comes from the connection's connect record.
    assert_eq!(e.system.as_deref(), Some("records"));

    let e = by_id(&events, "mysql:20261123T184006Z:0");
    assert_eq!(
        (e.action.as_str(), e.user.as_str()),
        ("login_failed", "officer_b")
    );
    assert_eq!(e.extra["error_code"], 1045);

    // The `status` record of the statement received at 18:40:13 (id 0) replaced it.
    let e = by_id(&events, "mysql:20261123T184013Z:2");
    assert_eq!(e.subject.last_name.as_deref(), Some("O'BRIEN"));
    assert_eq!(e.case_id.as_deref(), Some("C-2024-010"));
    assert!(events.iter().all(|e| e.id != "mysql:20261123T184013Z:0"));
}

fn enterprise_record(id: u64, class: &str, event: &str, conn: u64, data: Value) -> Value {
    let mut r = json!({
        "timestamp": "2026-11-23 18:40:00", "id": id, "class": class, "event": event,
        "connection_id": conn,
        "account": {"user": "officer_a", "host": "%"},
        "login": {"user": "officer_a", "os": "", "ip": "10.0.0.7", "proxy": ""},
    });
    if let (Some(o), Some(d)) = (r.as_object_mut(), data.as_object()) {
        o.extend(d.clone());
    }
    r
}

fn query(id: u64, conn: u64, event: &str, sql: &str, status: i64) -> Value {
    enterprise_record(
        id,
        "general",
        event,
        conn,
        json!({"general_data": {"command": "Query", "sql_command": "select", "query": sql, "status": status}}),
    )
}

#[test]
fn a_received_statement_without_outcome_is_still_an_event_and_a_failed_outcome_wins() {
    let sql = "SELECT * FROM persons WHERE last_name = 'SMITH'";
    // Compact, one per line, in an array left open (the server is still writing).
    let text = [
        "[".to_string(),
        format!("{},", query(0, 4, "log", sql, 0)),
        // USE switches the connection's database for the statements after it.
        format!("{},", query(1, 4, "status", "USE `archive`", 0)),
        format!("{},", query(2, 4, "log", sql, 0)),
        format!("{},", query(3, 4, "status", sql, 1142)),
        format!("{}", query(4, 4, "log", sql, 0)),
    ]
    .join("\n");
    let (events, _, rejected) = read_text(&text, Kind::Enterprise, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    let got: Vec<(&str, &str, Option<&str>)> = events
        .iter()
        .map(|e| (e.id.as_str(), e.action.as_str(), e.system.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            // No outcome came before the next statement: the received one stands.
            ("mysql:20261123T184000Z:0", "query", None),
            ("mysql:20261123T184000Z:3", "query_failed", Some("archive")),
            // Held to the end of the input, then emitted.
            ("mysql:20261123T184000Z:4", "query", Some("archive")),
        ]
    );
}

#[test]
fn bad_records_are_rejected_naming_line_and_field_and_the_rest_is_read() {
    let good = query(
        0,
        4,
        "status",
        "SELECT * FROM persons WHERE person_id = 1",
        0,
    );
    let mut no_time = good.clone();
    no_time["timestamp"] = json!("23/11/2026 18:40");
    let mut no_data = good.clone();
    no_data.as_object_mut().unwrap().remove("general_data");
    let text = format!(
        "[\n{good},\n{no_time},\n{no_data},\nnot json at all\n{good},\n{{\"timestamp\": \"2026-11-23 18:41:00\", \"id\": 9, \"class\": \"general\""
    );
    let (events, stats, rejected) = read_text(&text, Kind::Enterprise, &config());
    assert_eq!(events.len(), 2, "{rejected:?}");
    assert_eq!(stats.rejected, 4);
    assert!(
        rejected[0].contains(":3") && rejected[0].contains("timestamp"),
        "{rejected:?}"
    );
    assert!(
        rejected[1].contains(":4") && rejected[1].contains("general_data"),
        "{rejected:?}"
    );
    assert!(rejected[2].contains(":5"), "{rejected:?}");
    assert!(
        rejected[3].contains(":7") && rejected[3].contains("cut"),
        "{rejected:?}"
    );

    let text = "{\"audit_record\":{\"name\":\"Query\",\"record\":\"1_x\",\"timestamp\":\"2026-11-23 18:40:00\",\"connection_id\":\"4\",\"status\":0,\"sqltext\":\"SELECT 1\",\"user\":\"a\"}}\n{\"audit_record\":{\"name\":\"Query\",\"record\":\"2_x\",\"timestamp\":\"2026-11-23T18:40:00 UTC\",\"connection_id\":\"four\"}}\n{\"name\":\"Query\"}\n";
    let (_, stats, rejected) = read_text(text, Kind::Percona, &config());
    assert_eq!(stats.rejected, 3);
    assert!(
        rejected[0].contains("audit_record.timestamp"),
        "{rejected:?}"
    );
    assert!(
        rejected[1].contains("audit_record.connection_id"),
        "{rejected:?}"
    );
    assert!(rejected[2].contains("audit_record"), "{rejected:?}");
}

#[test]
fn sniffing_tells_the_formats_apart_from_each_other_and_from_contract_events() {
    assert_eq!(sniff(PERCONA.as_bytes()), Some(Kind::Percona));
    assert_eq!(sniff(ENTERPRISE.as_bytes()), Some(Kind::Enterprise));
    // A head cut inside its first record.
    assert_eq!(sniff(&ENTERPRISE.as_bytes()[..120]), Some(Kind::Enterprise));
    assert_eq!(sniff(&PERCONA.as_bytes()[..40]), Some(Kind::Percona));
    assert_eq!(
        sniff(br#"{"ts":"2026-11-23T18:40:00Z","user":"a","class":"x"}"#),
        None
    );
    assert_eq!(
        sniff(b"20261123 18:40:55,vm,officer_a,localhost,4,0,CONNECT,,,0\n"),
        None
    );
    assert!(is_percona_line(PERCONA.lines().next().unwrap().as_bytes()));
    assert!(!is_percona_line(b"{\"ts\":\"2026-11-23T18:40:00Z\"}"));
}

#[test]
fn login_names_drop_the_privilege_and_host_parts() {
    assert_eq!(record::login_name("root[root] @ localhost []"), "root");
    assert_eq!(
        record::login_name("officer_a[officer_a] @  [10.0.0.7]"),
        "officer_a"
    );
    assert_eq!(record::login_name("officer_b"), "officer_b");
    assert_eq!(record::login_name(""), "");
}

/// SQL text with the characters that need escaping in JSON and in SQL.
fn sql_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("'".to_string()),
            Just("\\'".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("{".to_string()),
            Just("}]".to_string()),
            Just("/*".to_string()),
            "[a-zA-Z0-9 ,=()é]{0,8}",
        ],
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn no_input_panics_either_reader(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = read_text(&text, Kind::Percona, &config());
        let _ = read_text(&text, Kind::Enterprise, &config());
        let _ = sniff(&bytes);
    }

    #[test]
    fn no_record_shaped_input_panics(
        sql in sql_text(),
        conn in any::<u64>(),
        status in any::<i64>(),
        event in prop_oneof![Just("log"), Just("status"), Just("connect"), Just("read")],
        class in prop_oneof![Just("general"), Just("connection"), Just("table_access")],
    ) {
        let r = json!({
            "timestamp": "2026-11-23 18:40:00", "id": 1, "class": class, "event": event,
            "connection_id": conn, "login": {"user": sql, "ip": sql},
            "general_data": {"command": "Query", "query": sql, "status": status},
            "connection_data": {"status": status, "db": sql},
            "table_access_data": {"db": sql, "table": sql},
        });
        let _ = read_text(&format!("[{r},{r}"), Kind::Enterprise, &config());
        let p = json!({"audit_record": {"name": "Query", "record": sql, "timestamp": "2026-11-23T18:40:00 UTC",
            "connection_id": conn.to_string(), "status": status, "sqltext": sql, "user": sql}});
        let _ = read_text(&format!("{p}\n"), Kind::Percona, &config());
    }

    #[test]
    fn statements_with_quotes_and_escapes_come_through_whole(sql in sql_text(), pretty in any::<bool>()) {
        let stmt = format!("SELECT * FROM persons WHERE last_name = 'X' /* {sql} */");
        let p = json!({"audit_record": {"name": "Query", "record": "1_2026-11-23T18:40:00",
            "timestamp": "2026-11-23T18:40:00 UTC", "connection_id": "4", "status": 0,
            "sqltext": stmt, "user": "officer_a[officer_a] @  [10.0.0.7]", "ip": "10.0.0.7", "db": "records"}});
        let (events, _, rejected) = read_text(&format!("{p}\n"), Kind::Percona, &MysqlConfig::default());
        prop_assert!(rejected.is_empty(), "{:?}", rejected);
        prop_assert_eq!(events.len(), 1);
        prop_assert_eq!(events[0].query_text.as_deref(), Some(stmt.as_str()));

        let r = query(0, 4, "status", &stmt, 0);
        let body = if pretty { serde_json::to_string_pretty(&r).unwrap() } else { r.to_string() };
        let text = format!("[\n{body},\n{body}\n]\n");
        let (events, _, rejected) = read_text(&text, Kind::Enterprise, &MysqlConfig::default());
        prop_assert!(rejected.is_empty(), "{:?}", rejected);
        prop_assert_eq!(events.len(), 2);
        prop_assert_eq!(events[1].query_text.as_deref(), Some(stmt.as_str()));
    }
}
