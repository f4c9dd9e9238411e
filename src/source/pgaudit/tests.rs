//! The reader on real logs: the committed samples were written by PostgreSQL 15 +
//! pgAudit 1.7 in all three destinations from one workload (invented people only), so
//! the three must give the same events.

use std::path::PathBuf;
use std::sync::Arc;

use super::*;
use crate::config::Config;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pgaudit")
        .join(name)
}

fn settings(extra: &str) -> Arc<PgSettings> {
    let cases = if extra.contains("case_settings") {
        ""
    } else {
        "case_settings = [\"rms.case_id\"]"
    };
    let text = format!(
        "[pgaudit]\n{cases}\n{extra}\n[pgaudit.subject_columns]\n\"persons.person_id\" = \"person_id\"\n\"persons.last_name\" = \"last_name\"\n\"persons.first_name\" = \"first_name\"\n\"persons.dob\" = \"dob\"\n\"persons.address\" = \"address\"\n\"persons.plate\" = \"plate\"\n"
    );
    let config = Config::parse(&text).expect("config");
    Arc::new(PgSettings::new(&config.pgaudit).expect("settings"))
}

fn read_events(name: &str, s: &Arc<PgSettings>) -> (Vec<Event>, FileStats, RejectSink) {
    let mut rejects = RejectSink::counting();
    let mut events = Vec::new();
    let (stats, pg) = read(&fixture(name), s, &mut rejects, &mut |e| events.push(e)).expect("read");
    let mut stats = stats;
    stats.pgaudit = pg;
    (events, stats, rejects)
}

fn by_id<'a>(events: &'a [Event], id_suffix: &str, user: &str, app: &str) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|e| {
            e.id.ends_with(id_suffix)
                && e.user == user
                && e.extra.get("application_name").and_then(|v| v.as_str()) == Some(app)
        })
        .collect()
}

/// What must agree across destinations.
fn projection(e: &Event) -> String {
    format!(
        "{} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
        e.id,
        crate::event::format_ts(&e.ts),
        e.user,
        e.action,
        e.subject,
        e.case_id,
        e.purpose,
        e.result_count,
        e.query_text,
        e.ip
    )
}

#[test]
fn the_three_destinations_give_the_same_events() {
    let s = settings("");
    let (json, js, jr) = read_events("postgresql.json", &s);
    let (csv, cs, cr) = read_events("postgresql.csv", &s);
    let (log, ls, lr) = read_events("postgresql.log", &s);
    assert_eq!(
        (jr.count(), cr.count(), lr.count()),
        (0, 0, 0),
        "{:?}",
        lr.first()
    );
    assert!(json.len() > 30, "{}", json.len());
    let p = |v: &[Event]| v.iter().map(projection).collect::<Vec<_>>();
    assert_eq!(p(&json), p(&csv));
    assert_eq!(p(&json), p(&log));
    assert_eq!(js.pgaudit.audit_lines, 74);
    assert_eq!(cs.pgaudit, js.pgaudit);
    assert_eq!(ls.pgaudit.merged, js.pgaudit.merged);
}

#[test]
fn one_event_per_statement_with_its_subject() {
    let s = settings("");
    let (ev, stats, _) = read_events("postgresql.json", &s);
    // OBJECT + SESSION lines of a literal lookup: one event.
    let first = by_id(&ev, ":1:1", "officer_a", "psql");
    let lit = first
        .iter()
        .find(|e| e.subject.dob.as_deref() == Some("1980-01-02"))
        .expect("literal lookup");
    assert_eq!(lit.subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(lit.action, "query");
    assert_eq!(lit.result_count, Some(1));
    assert_eq!(lit.system.as_deref(), Some("records"));
    assert_eq!(lit.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(lit.client.as_deref(), Some("127.0.0.1"));
    assert_eq!(lit.case_id, None);
    assert_eq!(
        ev.iter().filter(|e| e.id == lit.id).count(),
        1,
        "OBJECT and SESSION lines must merge"
    );
    assert!(stats.pgaudit.merged >= 30, "{:?}", stats.pgaudit);
}

#[test]
fn cases_come_from_sqlcommenter_and_comments() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let plate = ev
        .iter()
        .find(|e| e.subject.plate.as_deref() == Some("XYZ789"))
        .expect("plate lookup");
    assert_eq!(plate.case_id.as_deref(), Some("C-2024-001"));
    assert_eq!(plate.purpose.as_deref(), Some("traffic stop"));
    assert_eq!(plate.extra["case_source"], "comment");
    let jones = ev
        .iter()
        .find(|e| {
            e.query_text
                .as_deref()
                .is_some_and(|q| q.contains("count(*)"))
        })
        .expect("leading comment");
    assert_eq!(jones.case_id.as_deref(), Some("C-2024-002"));
    let inside = ev
        .iter()
        .find(|e| {
            e.query_text
                .as_deref()
                .is_some_and(|q| q.contains("C-2024-004"))
        })
        .expect("line comment");
    assert_eq!(inside.case_id.as_deref(), Some("C-2024-004"));
    assert_eq!(inside.subject.person_id.as_deref(), Some("2"));
    // psql drops `--` comments before a statement in a script: nothing to find.
    let mary = ev
        .iter()
        .find(|e| e.subject.first_name.as_deref() == Some("MARY"))
        .expect("MARY");
    assert_eq!(mary.case_id, None);
}

#[test]
fn prepared_statements_bind_their_parameters() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let dispatch: Vec<&Event> = ev
        .iter()
        .filter(|e| {
            e.extra.get("application_name").and_then(|v| v.as_str()) == Some("dispatch-console")
        })
        .filter(|e| e.action == "query")
        .collect();
    // PREPARE itself reads nothing; the two EXECUTEs are the lookups.
    let subjects: Vec<(Option<&str>, Option<&str>)> = dispatch
        .iter()
        .map(|e| (e.subject.last_name.as_deref(), e.subject.dob.as_deref()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            (Some("JONES"), Some("1975-06-30")),
            (Some("SMITH"), Some("1982-03-04"))
        ]
    );
    let extended = by_id(&ev, ":2:1", "officer_b", "pgbench-extended");
    assert_eq!(extended.len(), 1);
    assert_eq!(extended[0].subject.last_name.as_deref(), Some("O'BRIEN"));
    assert_eq!(extended[0].subject.dob.as_deref(), Some("1990-12-24"));
    let by_pid = by_id(&ev, ":1:1", "officer_b", "pgbench-extended");
    assert_eq!(by_pid[0].subject.person_id.as_deref(), Some("1"));
}

#[test]
fn either_or_searches_are_one_event_per_person() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let tricky: Vec<&Event> = ev
        .iter()
        .filter(|e| !e.action.starts_with("log"))
        .filter(|e| {
            e.extra.get("application_name").and_then(|v| v.as_str()) == Some("pgbench-tricky")
        })
        .collect();
    assert_eq!(tricky.len(), 2, "{tricky:#?}");
    assert_eq!(
        tricky[0].subject.address.as_deref(),
        Some("12 Elm St, Springfield")
    );
    assert_eq!(tricky[1].subject.last_name.as_deref(), Some("say \"hi\""));
    assert!(tricky[0].id.ends_with("/1") && tricky[1].id.ends_with("/2"));
}

#[test]
fn exports_patterns_writes_and_several_statements_in_one_message() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let copy: Vec<&Event> = ev
        .iter()
        .filter(|e| !e.action.starts_with("log"))
        .filter(|e| e.extra.get("application_name").and_then(|v| v.as_str()) == Some("psql-copy"))
        .collect();
    assert_eq!(copy.len(), 1, "the COPY wrapper line is the same statement");
    assert_eq!(copy[0].action, "export");
    assert_eq!(copy[0].subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(copy[0].result_count, Some(2));

    let like = ev
        .iter()
        .find(|e| {
            e.extra.get("application_name").and_then(|v| v.as_str()) == Some("night-shift-laptop")
        })
        .expect("socket lookup");
    assert!(
        like.subject.is_empty(),
        "a pattern is not a plate: {:?}",
        like.subject
    );
    assert_eq!(like.extra["subject_patterns"]["plate"], "ABC%");
    assert_eq!(like.ip, None, "a Unix socket has no address");
    assert_eq!(like.client.as_deref(), Some("[local]"));

    let update = ev.iter().find(|e| e.action == "update").expect("UPDATE");
    assert_eq!(update.subject.person_id.as_deref(), Some("3"));

    let multi: Vec<&Event> = ev
        .iter()
        .filter(|e| !e.action.starts_with("log"))
        .filter(|e| e.extra.get("application_name").and_then(|v| v.as_str()) == Some("psql-multi"))
        .collect();
    assert_eq!(multi.len(), 2);
    assert_eq!(multi[0].subject.person_id.as_deref(), Some("1"));
    assert!(multi[1].subject.is_empty(), "case_log names nobody");
}

#[test]
fn statement_once_lines_take_the_text_of_the_first_line() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let join = ev
        .iter()
        .find(|e| {
            e.query_text
                .as_deref()
                .is_some_and(|q| q.starts_with("SELECT p.last_name, c.case_id"))
        })
        .expect("join");
    assert_eq!(join.subject.last_name.as_deref(), Some("SMITH"));
    assert_eq!(
        ev.iter().filter(|e| e.id == join.id).count(),
        1,
        "<previously logged> lines fold into the first"
    );
}

#[test]
fn plpgsql_variables_are_unresolved_not_guessed() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let inner = ev
        .iter()
        .find(|e| e.query_text.as_deref() == Some("SELECT * FROM persons WHERE last_name = p_last"))
        .expect("function body");
    assert!(inner.subject.is_empty());
    assert!(
        inner.extra.contains_key("subject_unresolved"),
        "{:?}",
        inner.extra
    );
}

#[test]
fn connections_become_login_and_failed_login_events() {
    let s = settings("");
    let (ev, _, _) = read_events("postgresql.json", &s);
    let failed: Vec<&Event> = ev.iter().filter(|e| e.action == "login_failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].user, "officer_c");
    assert_eq!(failed[0].extra["state_code"], "28P01");
    assert!(ev
        .iter()
        .any(|e| e.action == "login" && e.user == "officer_a"));
    assert!(ev.iter().any(|e| e.action == "logout"));
}

#[test]
fn set_local_holds_for_its_transaction_and_application_names_can_carry_cases() {
    let s =
        settings("application_name_pattern = \"case=(?P<case>[^/]+)/purpose=(?P<purpose>[^/]+)\"");
    let (ev, _, rejects) = read_events("misc_set_appname.json", &s);
    assert_eq!(rejects.count(), 0);
    let lookups: Vec<&Event> = ev.iter().filter(|e| e.action == "query").collect();
    assert_eq!(lookups.len(), 2, "{lookups:#?}");
    assert_eq!(lookups[0].case_id.as_deref(), Some("C-2024-007"));
    assert_eq!(lookups[0].extra["case_source"], "set_local");
    // The next transaction has no SET LOCAL, and the application name changed.
    assert_eq!(lookups[1].case_id, None);
    assert_eq!(lookups[1].extra.get("case_source"), None);

    // Not reading SET LOCAL, the first lookup's case comes from the application name
    // (as truncated by the server), and the second's name carries none.
    let s = settings(
        "case_settings = []\napplication_name_pattern = \"case=(?P<case>[^/]+)/purpose=(?P<purpose>[^/]+)\"",
    );
    let (ev, _, _) = read_events("misc_set_appname.json", &s);
    let lookups: Vec<&Event> = ev.iter().filter(|e| e.action == "query").collect();
    assert_eq!(lookups[0].case_id.as_deref(), Some("C-2024-001"));
    assert_eq!(lookups[0].purpose.as_deref(), Some("traffic-stop"));
    assert_eq!(lookups[0].extra["case_source"], "application_name");
    assert_eq!(lookups[1].case_id, None);
}

mod properties {
    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;

    fn read_bytes(bytes: &[u8], dest: Destination) -> (Vec<Event>, FileStats, RejectSink) {
        let mut rejects = RejectSink::counting();
        let mut events = Vec::new();
        let reader: Box<dyn BufRead> = Box::new(Cursor::new(bytes.to_vec()));
        let (stats, _) = read_from("p", reader, dest, &settings(""), &mut rejects, &mut |e| {
            events.push(e)
        })
        .expect("reading from memory cannot fail");
        (events, stats, rejects)
    }

    /// Found by the `pgaudit_json` fuzz harness: a year `-026` was read, and the event's
    /// timestamp (`-0026-…`) could not be read back from its contract JSON. Such a line is
    /// now a reject naming `ts`; the contract reader refuses the like (year 10000 in UTC).
    #[test]
    fn fuzz_pgaudit_json_a_year_rfc3339_cannot_write_is_a_reject() {
        let line = serde_json::json!({
            "timestamp": "-026-11-23 18:44:17.358 UTC", "user": "officer_a",
            "dbname": "records", "pid": 5403, "remote_host": "127.0.0.1",
            "session_id": "6b048981.5afd", "error_severity": "LOG",
            "message": "disconnection: session time: 0:00:00.010 user=officer_a database=records host=127.0.0.1 port=36908",
        });
        let (events, stats, rejects) =
            read_bytes(format!("{line}\n").as_bytes(), Destination::Json);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(stats.rejected, 1);
        assert_eq!(rejects.first()[0].field, "ts", "{:?}", rejects.first());
        let far = crate::source::decode::parse_ts("9999-12-31T23:30:00-01:00");
        assert!(far.is_err(), "{far:?}");
        assert!(crate::source::decode::parse_ts("9999-12-31T23:30:00+01:00").is_ok());
    }

    fn csv_record(fields: &[String]) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(fields).expect("write");
        let mut s = String::from_utf8(w.into_inner().expect("flush")).expect("utf8");
        s.pop();
        s
    }

    /// One statement as pgAudit would log it: its payload, and the same record in the
    /// three destinations.
    fn logged(n: u64, text: &str, params: &[String]) -> (String, String, String) {
        let p = if params.is_empty() {
            "<none>".to_string()
        } else {
            csv_record(params)
        };
        let payload = csv_record(&[
            "SESSION".into(),
            n.to_string(),
            "1".into(),
            "READ".into(),
            "SELECT".into(),
            "TABLE".into(),
            "public.persons".into(),
            text.into(),
            p,
            "1".into(),
        ]);
        let message = format!("AUDIT: {payload}");
        let json = serde_json::json!({
            "timestamp": "2026-11-23 18:32:56.606 UTC", "user": "officer_a",
            "dbname": "records", "pid": 5403, "remote_host": "127.0.0.1",
            "session_id": "6b0486d8.151b", "vxid": "3/1", "error_severity": "LOG",
            "message": message, "application_name": "psql",
        })
        .to_string();
        let mut cols = vec![String::new(); 26];
        cols[0] = "2026-11-23 18:32:56.606 UTC".into();
        cols[1] = "officer_a".into();
        cols[2] = "records".into();
        cols[3] = "5403".into();
        cols[4] = "127.0.0.1:48402".into();
        cols[5] = "6b0486d8.151b".into();
        cols[9] = "3/1".into();
        cols[11] = "LOG".into();
        cols[12] = "00000".into();
        cols[13] = message.clone();
        cols[22] = "psql".into();
        let csv = csv_record(&cols);
        let stderr = format!(
            "2026-11-23 18:32:56.606 UTC [5403] 6b0486d8.151b 3 officer_a@records 127.0.0.1 app=[psql] LOG:  {}",
            message.replace('\n', "\n\t")
        );
        (json, csv, stderr)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random bytes in any destination: no panic, and every record is either an
        /// event, a reject with a line number inside the input, or not an audit line.
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let lines = bytes.split(|b| *b == b'\n').count() as u64;
            for dest in [Destination::Json, Destination::Csv, Destination::Stderr] {
                let (_, stats, rejects) = read_bytes(&bytes, dest);
                prop_assert_eq!(stats.rejected, rejects.count());
                for r in rejects.first() {
                    prop_assert!(r.line >= 1 && r.line <= lines + 1, "{:?}", r);
                    prop_assert!(!r.field.is_empty());
                }
            }
        }

        /// Lines that look almost right: a jsonlog record whose message is random text
        /// after `AUDIT: `.
        #[test]
        fn random_payloads_are_events_or_clean_rejects(payload in "[ -~\n]{0,200}") {
            let line = serde_json::json!({
                "timestamp": "2026-11-23 18:32:56.606 UTC", "user": "u",
                "session_id": "s", "error_severity": "LOG",
                "message": format!("AUDIT: {payload}"),
            })
            .to_string();
            let (events, stats, rejects) = read_bytes(line.as_bytes(), Destination::Json);
            prop_assert!(events.len() as u64 + rejects.count() <= 64);
            if rejects.count() > 0 {
                prop_assert_eq!(rejects.first()[0].field.as_str(), "message");
            }
            prop_assert_eq!(stats.rejected, rejects.count());
        }

        /// Well-formed statements with awkward text and parameters come out whole, the same
        /// from every destination.
        #[test]
        fn well_formed_records_keep_text_and_parameters(
            stmts in proptest::collection::vec(
                ("[ -~\t\n]{1,80}", proptest::collection::vec("[ -~]{0,20}", 0..4)),
                1..6,
            )
        ) {
            let mut js = String::new();
            let mut cs = String::new();
            let mut ls = String::new();
            for (i, (text, params)) in stmts.iter().enumerate() {
                // Every statement is logged twice (OBJECT/SESSION style duplicates).
                for _ in 0..2 {
                    let (j, c, l) = logged(i as u64 + 1, text, params);
                    js.push_str(&j);
                    js.push('\n');
                    cs.push_str(&c);
                    cs.push('\n');
                    ls.push_str(&l);
                    ls.push('\n');
                }
            }
            for (bytes, dest) in [
                (js, Destination::Json),
                (cs, Destination::Csv),
                (ls, Destination::Stderr),
            ] {
                let (events, _, rejects) = read_bytes(bytes.as_bytes(), dest);
                prop_assert_eq!(rejects.count(), 0, "{:?} {:?}", dest, rejects.first());
                let ids: std::collections::BTreeSet<String> = events
                    .iter()
                    .map(|e| e.id.split('/').next().unwrap_or_default().to_string())
                    .collect();
                prop_assert_eq!(ids.len(), stmts.len(), "{:?}", dest);
                for e in &events {
                    let n: usize = e.id.split(':').nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
                    let (text, params) = &stmts[n - 1];
                    // Kept as written, trimmed like every contract string (blank = absent).
                    let kept = Some(text.trim()).filter(|t| !t.is_empty());
                    prop_assert_eq!(e.query_text.as_deref(), kept, "{:?}", dest);
                    if params.is_empty() {
                        prop_assert!(!e.extra.contains_key("params"));
                    } else {
                        prop_assert_eq!(&e.extra["params"], &serde_json::json!(params));
                    }
                }
            }
        }
    }
}

/// A jsonlog AUDIT line of session `s`, in transaction `vxid` (if the log says).
fn audit_line(n: u64, class: &str, command: &str, text: &str, vxid: Option<&str>) -> String {
    let object = if class == "READ" {
        "public.persons"
    } else {
        ""
    };
    let kind = if class == "READ" { "TABLE" } else { "" };
    let text = if text.contains(',') || text.contains('"') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    };
    let mut rec = serde_json::json!({
        "timestamp": format!("2026-11-23 18:00:{:02}.000 UTC", n), "user": "officer_a",
        "dbname": "records", "pid": 77, "remote_host": "10.1.2.3", "session_id": "s1",
        "error_severity": "LOG",
        "message": format!("AUDIT: SESSION,{n},1,{class},{command},{kind},{object},{text},<none>,1"),
    });
    if let Some(v) = vxid {
        rec["vxid"] = serde_json::json!(v);
    }
    rec.to_string()
}

fn cases_after_sets(with_vxid: bool) -> Vec<(Option<String>, Option<String>)> {
    let v = |x: &'static str| with_vxid.then_some(x);
    let lines = [
        audit_line(1, "MISC", "SET", "SET LOCAL rms.case_id = 'A';", v("3/1")),
        audit_line(
            2,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '1'",
            v("3/1"),
        ),
        audit_line(
            3,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '2'",
            v("3/1"),
        ),
        audit_line(
            4,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '3'",
            v("3/2"),
        ),
        audit_line(5, "MISC", "SET", "SET rms.case_id = 'S';", v("3/3")),
        audit_line(6, "MISC", "SET", "SET LOCAL rms.case_id = 'L';", v("3/4")),
        audit_line(7, "MISC", "SET", "SET rms.case_id TO 'S2';", v("3/4")),
        audit_line(
            8,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '4'",
            v("3/4"),
        ),
        audit_line(
            9,
            "READ",
            "SELECT",
            "SELECT set_config('rms.case_id', 'F', true), 1",
            v("3/5"),
        ),
        audit_line(
            10,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '5'",
            v("3/5"),
        ),
        audit_line(
            11,
            "READ",
            "SELECT",
            "SELECT * FROM persons WHERE person_id = '6'",
            v("3/6"),
        ),
    ];
    let mut rejects = RejectSink::counting();
    let mut events = Vec::new();
    let reader: Box<dyn BufRead> = Box::new(std::io::Cursor::new(lines.join("\n").into_bytes()));
    read_from(
        "t",
        reader,
        Destination::Json,
        &settings(""),
        &mut rejects,
        &mut |e| events.push(e),
    )
    .expect("read");
    assert_eq!(rejects.count(), 0, "{:?}", rejects.first());
    events
        .iter()
        .filter(|e| e.subject.person_id.is_some())
        .map(|e| {
            (
                e.case_id.as_deref().map(str::to_string),
                e.extra
                    .get("case_source")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn set_local_holds_for_its_transaction_and_a_plain_set_wins() {
    let c = |case: &str, src: &str| (Some(case.to_string()), Some(src.to_string()));
    assert_eq!(
        cases_after_sets(true),
        vec![
            c("A", "set_local"),
            c("A", "set_local"),
            (None, None),
            c("S2", "set"),
            c("F", "set_local"),
            c("S2", "set"),
        ]
    );
}

#[test]
fn without_transaction_ids_set_local_explains_the_next_statement_only() {
    let c = |case: &str, src: &str| (Some(case.to_string()), Some(src.to_string()));
    assert_eq!(
        cases_after_sets(false),
        vec![
            c("A", "set_local"),
            // Could be the same transaction or not: the log does not say, so no case.
            (None, None),
            (None, None),
            c("S2", "set"),
            c("F", "set_local"),
            c("S2", "set"),
        ]
    );
}
