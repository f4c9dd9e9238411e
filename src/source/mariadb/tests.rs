//! The reader on the real log MariaDB 10.11 wrote (`tests/fixtures/mariadb/`, invented
//! people) and on hand-made lines for what that log does not show.

use std::sync::Arc;

use serde_json::Value;

use super::*;
use crate::config::MariadbConfig;

const REAL_LOG: &str = include_str!("../../../tests/fixtures/mariadb/server_audit.log");

fn config() -> MariadbConfig {
    let mut c = MariadbConfig::default();
    for col in [
        "person_id",
        "last_name",
        "first_name",
        "dob",
        "address",
        "plate",
    ] {
        c.subject_columns
            .insert(format!("persons.{col}"), col.to_string());
    }
    c
}

fn read_text(text: &str, c: &MariadbConfig) -> (Vec<Event>, FileStats, Vec<String>) {
    let settings = Arc::new(MariaSettings::new(c).unwrap());
    let mut rejects = RejectSink::counting();
    let mut events = Vec::new();
    let stats = read_from(
        "audit.log",
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        &settings,
        &mut rejects,
        &mut |e| events.push(e),
    )
    .unwrap();
    let rejected = rejects.first().iter().map(|r| r.to_string()).collect();
    (events, stats, rejected)
}

fn by_id<'a>(events: &'a [Event], id: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no event {id}: {:#?}", ids(events)))
}

fn ids(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

#[test]
fn the_real_log_one_event_per_data_statement_and_connection() {
    let (events, stats, rejected) = read_text(REAL_LOG, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    let count = |a: &str| events.iter().filter(|e| e.action == a).count();
    // 12 connections logged in; one more failed (1045) and its DISCONNECT is no logout.
    assert_eq!(count("login"), 12);
    assert_eq!(count("logout"), 12);
    assert_eq!(count("login_failed"), 1);
    let failed = events.iter().find(|e| e.action == "login_failed").unwrap();
    assert_eq!(failed.user, "officer_b");
    assert_eq!(failed.extra["error_code"], 1045);
    // Reads and writes of data: 15 statements; SET, PREPARE, DDL, GRANT, SELECT
    // @@sql_mode are not lookups.
    let statements: Vec<&Event> = events
        .iter()
        .filter(|e| !e.action.starts_with("log"))
        .collect();
    assert_eq!(statements.len(), 15, "{:#?}", ids(&events));
    assert_eq!(stats.mariadb.statements, 29);
    assert_eq!(stats.mariadb.truncated, 1);
    assert_eq!(stats.mariadb.table_lines, 37);

    // Literals, unescaped: `\'O\'\'BRIEN\'` is O'BRIEN; the LIKE pattern is evidence only.
    let e = by_id(&events, "mariadb:vm:20261123T184055Z:5:10");
    assert_eq!(e.user, "officer_a");
    assert_eq!(e.subject.last_name.as_deref(), Some("O'BRIEN"));
    assert_eq!(e.subject.address, None);
    assert_eq!(e.extra["subject_patterns"]["address"], "%\"The Lodge\"%");
    assert_eq!(e.system.as_deref(), Some("records"));
    assert_eq!(e.extra["objects"], serde_json::json!(["records.persons"]));
    assert!(e.query_text.as_deref().unwrap().contains('\n'));

    // The case and purpose from a trailing sqlcommenter comment, percent-decoded.
    let e = by_id(&events, "mariadb:vm:20261123T184100Z:8:19");
    assert_eq!(e.subject.plate.as_deref(), Some("XYZ789"));
    assert_eq!(e.case_id.as_deref(), Some("C-2024-001"));
    assert_eq!(e.purpose.as_deref(), Some("traffic stop"));
    assert_eq!(e.extra["case_source"], "comment");

    // Binary-protocol and SQL EXECUTE statements: only `?` is logged, the values are lost.
    let e = by_id(&events, "mariadb:vm:20261123T184110Z:12:32");
    assert!(e.subject.is_empty(), "{e:?}");
    assert_eq!(
        e.extra["subject_unresolved"],
        serde_json::json!(["persons.last_name = ?", "persons.dob = ?"])
    );
    assert_eq!(e.case_id.as_deref(), Some("C-2024-009"));

    // server_audit_query_log_limit = 60 (set in the log itself) cut this one: marked, and
    // no subject from what is left.
    let e = by_id(&events, "mariadb:vm:20261123T184100Z:10:24");
    assert_eq!(e.extra["query_truncated"], true);
    assert_eq!(e.extra["query_log_limit"], 60);
    assert!(e.subject.is_empty());
    // ... and the limit went back to 1024 afterwards: the next statements are whole.
    let e = by_id(&events, "mariadb:vm:20261123T184110Z:13:41");
    assert!(e.extra.get("query_truncated").is_none());
    assert_eq!(e.subject.last_name.as_deref(), Some("SMITH"));

    // A denied statement (1142) is an attempt, kept apart from lookups that ran.
    let e = by_id(&events, "mariadb:vm:20261123T184055Z:7:17");
    assert_eq!(e.action, "query_failed");
    assert_eq!(e.extra["error_code"], 1142);

    // A write: its subject is the row it names.
    let e = by_id(&events, "mariadb:vm:20261123T184055Z:5:14");
    assert_eq!(e.action, "update");
    assert_eq!(e.subject.person_id.as_deref(), Some("3"));

    // After the restart the connection ids repeat; the ids do not.
    let unique: std::collections::HashSet<&str> = ids(&events).into_iter().collect();
    assert_eq!(unique.len(), events.len());
    // Times are the server's clock read in the configured zone (UTC here).
    let e = by_id(&events, "mariadb:vm:20261123T184121Z:3:1");
    assert_eq!(e.ts.to_rfc3339(), "2026-11-23T18:41:21+00:00");
    assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
    assert_eq!(e.ip.as_deref(), Some("127.0.0.1"));
}

const H: &str = "20261123 10:00:00,db1,officer_a,10.1.2.3";

#[test]
fn a_case_variable_holds_for_the_rest_of_its_connection_only() {
    let log = format!(
        "{H},7,0,CONNECT,records,,0\n\
         {H},7,1,QUERY,records,'SET @case_id = \\'C-7\\', @purpose = \\'warrant check\\'',0\n\
         {H},7,2,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P1\\'',0\n\
         {H},7,3,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P2\\' /*case_id=\\'C-8\\'*/',0\n\
         {H},8,0,CONNECT,records,,0\n\
         {H},8,4,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P3\\'',0\n\
         {H},7,5,QUERY,records,'SET @case_id = NULL',0\n\
         {H},7,6,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P4\\'',0\n\
         {H},7,7,QUERY,records,'SET @case_id = \\'C-9\\'',1064\n\
         {H},7,8,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P5\\'',0\n"
    );
    let (events, _, rejected) = read_text(&log, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    let case = |pid: &str| {
        let e = events
            .iter()
            .find(|e| e.subject.person_id.as_deref() == Some(pid))
            .unwrap();
        (
            e.case_id.as_deref().map(str::to_string),
            e.purpose.as_deref().map(str::to_string),
            e.extra
                .get("case_source")
                .and_then(Value::as_str)
                .map(str::to_string),
        )
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(case("P1"), (s("C-7"), s("warrant check"), s("variable")));
    // A comment on the statement wins over the variable.
    assert_eq!(case("P2"), (s("C-8"), None, s("comment")));
    // Another connection does not see the variable.
    assert_eq!(case("P3"), (None, None, None));
    // NULL clears the case; the purpose stays.
    assert_eq!(case("P4"), (None, s("warrant check"), s("variable")));
    // A SET that failed set nothing.
    assert_eq!(case("P5"), (None, s("warrant check"), s("variable")));
}

#[test]
fn a_statement_as_long_as_the_limit_is_cut_and_never_half_matched() {
    let mut c = config();
    c.query_log_limit = 64;
    // Cut inside the second value: `'19` must not become a date of birth, and the
    // complete `last_name = 'SMITH'` must not make a name-only match either.
    let stmt = "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-01-02'";
    let cut = plugin_cut(stmt, 64);
    assert!(cut.ends_with("\\'19"), "{cut}");
    let log = format!("{H},7,2,QUERY,records,'{cut}',0\n");
    let (events, stats, rejected) = read_text(&log, &c);
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(stats.mariadb.truncated, 1);
    let e = &events[0];
    assert_eq!(e.extra["query_truncated"], true);
    assert!(e.subject.is_empty(), "{e:?}");
    assert_eq!(
        e.extra["subject_partial"],
        serde_json::json!([{"column": "persons.last_name", "value": "SMITH"}])
    );
    // The same statement whole, under the same limit: matched.
    let log =
        format!("{H},7,2,QUERY,records,'SELECT * FROM persons WHERE last_name = \\'SMITH\\'',0\n");
    let (events, _, _) = read_text(&log, &c);
    assert_eq!(events[0].subject.last_name.as_deref(), Some("SMITH"));
    assert!(events[0].extra.get("query_truncated").is_none());
    // With no limit (0), nothing is taken as cut.
    c.query_log_limit = 0;
    let log = format!("{H},7,2,QUERY,records,'{cut}',0\n");
    let (events, _, _) = read_text(&log, &c);
    assert!(events[0].extra.get("query_truncated").is_none());
}

/// What the plugin writes of a statement under a limit: whole escapes only, at most
/// `limit` bytes.
fn plugin_cut(stmt: &str, limit: usize) -> String {
    let mut out = String::new();
    for c in stmt.chars() {
        let piece = line::escape(&c.to_string());
        if out.len() + piece.len() > limit {
            break;
        }
        out.push_str(&piece);
    }
    out
}

#[test]
fn local_times_are_read_in_the_configured_zone() {
    let mut c = config();
    c.timezone = "Europe/Berlin".into();
    let line = |t: &str| format!("{t},db1,u,h,1,0,CONNECT,records,,0\n");
    let (events, _, _) = read_text(&line("20260701 12:00:00"), &c);
    assert_eq!(events[0].ts.to_rfc3339(), "2026-07-01T10:00:00+00:00");
    let (events, _, _) = read_text(&line("20260101 12:00:00"), &c);
    assert_eq!(events[0].ts.to_rfc3339(), "2026-01-01T11:00:00+00:00");
    // 02:30 on the last Sunday of March does not exist in Berlin: rejected, named.
    let (events, stats, rejected) = read_text(&line("20260329 02:30:00"), &c);
    assert!(events.is_empty());
    assert_eq!(stats.rejected, 1);
    assert!(rejected[0].contains("timestamp"), "{rejected:?}");
    // 02:30 on the last Sunday of October happens twice: the first, and said so.
    let (events, _, _) = read_text(&line("20261025 02:30:00"), &c);
    assert_eq!(events[0].ts.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    assert!(events[0].extra.contains_key("time_ambiguous"));
    c.timezone = "+05:30".into();
    let (events, _, _) = read_text(&line("20260701 12:00:00"), &c);
    assert_eq!(events[0].ts.to_rfc3339(), "2026-07-01T06:30:00+00:00");
    c.timezone = "Mars/Olympus".into();
    let err = MariaSettings::new(&c).unwrap_err();
    assert_eq!(err.key, "mariadb.timezone", "{err}");
}

#[test]
fn bad_lines_are_rejected_with_line_and_field_and_reading_goes_on() {
    let log = format!(
        "{H},7,1,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P1\\'',0\n\
         {H},seven,2,QUERY,records,'SELECT 1',0\n\
         garbage\n\
         {H},7,3,QUERY,records,'SELECT * FROM persons WHERE person_id = \\'P2\\'',0\n"
    );
    let (events, stats, rejected) = read_text(&log, &config());
    assert_eq!(events.len(), 2);
    assert_eq!(stats.rejected, 2);
    assert!(
        rejected[0].contains(":2") && rejected[0].contains("connectionid"),
        "{rejected:?}"
    );
    assert!(rejected[1].contains(":3"), "{rejected:?}");
}

#[test]
fn sniffing_tells_server_audit_logs_from_others() {
    assert!(sniff(REAL_LOG.as_bytes()));
    assert!(sniff(
        b"\n2026-11-23T18:40:55+00:00 vm mysql-server_auditing:  vm,root,localhost,3,1,QUERY,,'SELECT 1',0\n"
    ));
    assert!(!sniff(
        b"2026-11-23 18:32:56.606 UTC [5403] LOG:  connection received\n"
    ));
    assert!(!sniff(
        b"{\"ts\":\"2026-11-23T18:40:55Z\",\"user\":\"a\"}\n"
    ));
}

/// Found by the `mariadb` fuzz harness: a user or statement padded with spaces became an
/// event that changed when its contract JSON (`custodes convert`) was read back, which
/// trims. Events now leave the reader trimmed; a user that is only spaces is rejected.
#[test]
fn fuzz_mariadb_padded_fields_are_trimmed_like_the_contract() {
    let text = "20261123 18:40:55,vm, officer_a ,localhost,4,8,QUERY,records,' SELECT * FROM persons WHERE plate = \\'ABC123\\' ',0\n\
                20261123 18:40:56,vm,   ,localhost,5,0,CONNECT,records,,0\n";
    let (events, stats, rejected) = read_text(text, &config());
    assert_eq!(events.len(), 1, "{events:#?}");
    let ev = &events[0];
    assert_eq!(ev.user, "officer_a");
    assert_eq!(
        ev.query_text.as_deref(),
        Some("SELECT * FROM persons WHERE plate = 'ABC123'")
    );
    let json = Value::Object(ev.to_contract_json()).to_string();
    let back = crate::source::jsonl::decode_line(&Arc::from("x"), 1, json.as_bytes()).unwrap();
    assert_eq!(
        back,
        Event {
            origin: back.origin.clone(),
            ..ev.clone()
        }
    );
    assert_eq!(stats.rejected, 1, "{rejected:?}");
    assert!(rejected[0].contains("field `user`"), "{rejected:?}");
}

/// Found by the `mariadb` fuzz harness: `dob = '1902'` made an event whose contract JSON
/// the contract reader refuses (a `dob` that is no date). The lookup stays an event; the
/// value stays in its `subject_match` evidence, not in the subject.
#[test]
fn fuzz_mariadb_a_dob_that_is_no_date_stays_evidence_not_subject() {
    let text = "20261123 18:40:55,vm,officer_a,localhost,4,8,QUERY,records,'SELECT * FROM persons WHERE last_name = \\'SMITH\\' AND dob = \\'1902\\'',0\n";
    let (events, _, rejected) = read_text(text, &config());
    assert!(rejected.is_empty(), "{rejected:?}");
    let ev = &events[0];
    assert_eq!(ev.subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(ev.subject.dob, None);
    assert!(ev.extra["subject_match"].to_string().contains("1902"));
    let json = Value::Object(ev.to_contract_json()).to_string();
    let back = crate::source::jsonl::decode_line(&Arc::from("x"), 1, json.as_bytes());
    assert!(back.is_ok(), "{json}: {back:?}");
}
