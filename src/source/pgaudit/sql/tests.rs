//! Unit tests of the SQL analysis, one per behaviour (numbered as the cases were found),
//! and property tests that nothing derived from the text panics.

use super::*;
use proptest::prelude::*;

fn cols() -> ColumnMap {
    ColumnMap::new([
        ("persons.person_id", "person_id"),
        ("persons.last_name", "last_name"),
        ("persons.first_name", "first_name"),
        ("persons.dob", "dob"),
        ("persons.address", "address"),
        ("persons.plate", "plate"),
    ])
    .unwrap()
}

fn run(sql: &str, params: &[&str]) -> Analysis {
    let params: Vec<String> = params.iter().map(|s| s.to_string()).collect();
    analyse(sql, &params, &cols())
}

fn one(sql: &str, params: &[&str]) -> StatementFacts {
    let a = run(sql, params);
    assert_eq!(a.method, Method::Parsed, "{sql}");
    assert_eq!(a.statements.len(), 1, "{sql}");
    a.statements.into_iter().next().unwrap()
}

/// Candidates as (column, value) pairs, for compact assertions.
fn pairs(f: &StatementFacts) -> Vec<Vec<(String, String)>> {
    f.candidates
        .iter()
        .map(|c| {
            c.criteria
                .iter()
                .map(|k| (k.column.clone(), k.value.clone()))
                .collect()
        })
        .collect()
}

fn p(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn t01_conjunction() {
    let f = one(
        "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-01-02';",
        &[],
    );
    assert_eq!(f.command, "SELECT");
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(
        pairs(&f),
        [p(&[
            ("persons.last_name", "SMITH"),
            ("persons.dob", "1980-01-02")
        ])]
    );
    let c = &f.candidates[0].criteria[0];
    assert_eq!(c.field, SubjectField::LastName);
    assert_eq!(c.op, Op::Eq);
    assert!(!c.wildcard);
    assert_eq!(c.param, None);
    assert!(f.unresolved.is_empty());
}

#[test]
fn t02_sqlcommenter_tags() {
    let a = run(
        "SELECT first_name, last_name, address FROM persons WHERE plate = 'XYZ789' /*action='lookup',application='rms',case_id='C-2024-001',purpose='traffic%20stop'*/;",
        &[],
    );
    assert_eq!(a.method, Method::Parsed);
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.plate", "XYZ789")])]);
    assert_eq!(
        a.tags,
        p(&[
            ("action", "lookup"),
            ("application", "rms"),
            ("case_id", "C-2024-001"),
            ("purpose", "traffic stop"),
        ])
    );
}

#[test]
fn t03_prepare_binds_params() {
    let f = one(
        "PREPARE find_person(text, date) AS SELECT * FROM persons WHERE last_name = $1 AND dob = $2;",
        &["JONES", "1975-06-30"],
    );
    assert_eq!(f.command, "PREPARE");
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(
        pairs(&f),
        [p(&[
            ("persons.last_name", "JONES"),
            ("persons.dob", "1975-06-30")
        ])]
    );
    assert_eq!(f.candidates[0].criteria[0].param, Some(1));
    assert_eq!(f.candidates[0].criteria[1].param, Some(2));
}

#[test]
fn t04_alias_join_multiline() {
    let f = one(
        "SELECT p.first_name,\n       p.last_name, p.address\nFROM persons p\nJOIN case_log c ON c.opened_by = 'officer_a'\nWHERE p.last_name = 'O''BRIEN'\n  AND p.address LIKE '%\"The Lodge\"%';",
        &[],
    );
    assert_eq!(f.tables, ["persons", "case_log"]);
    assert_eq!(f.candidates.len(), 1);
    let c = &f.candidates[0].criteria;
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].column.as_str(), c[0].value.as_str(), c[0].op),
        ("persons.last_name", "O'BRIEN", Op::Eq)
    );
    assert!(!c[0].wildcard);
    assert_eq!(
        (c[1].column.as_str(), c[1].value.as_str(), c[1].op),
        ("persons.address", "%\"The Lodge\"%", Op::Like)
    );
    assert!(c[1].wildcard);
}

#[test]
fn t05_plpgsql_variable_unresolved() {
    let f = one("SELECT * FROM persons WHERE last_name = p_last", &[]);
    assert!(f.candidates.is_empty());
    assert_eq!(f.unresolved, ["persons.last_name = p_last"]);
}

#[test]
fn t06_two_statements() {
    let a = run(
        "SELECT last_name FROM persons WHERE person_id=1; SELECT purpose FROM case_log WHERE case_id='C-2024-001'",
        &[],
    );
    assert_eq!(a.statements.len(), 2);
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "1")])]);
    assert_eq!(a.statements[1].tables, ["case_log"]);
    assert!(a.statements[1].candidates.is_empty());
}

#[test]
fn t07_copy_query_to_stdout() {
    let f = one(
        "COPY (SELECT * FROM persons WHERE last_name='SMITH') TO STDOUT WITH CSV",
        &[],
    );
    assert_eq!(f.command, "COPY");
    assert!(f.copy_to);
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "SMITH")])]);

    let f = one("COPY public.persons TO STDOUT", &[]);
    assert!(f.copy_to);
    assert_eq!(f.tables, ["persons"]);
    let f = one("COPY persons FROM STDIN", &[]);
    assert!(!f.copy_to);
}

#[test]
fn t08_or_gives_two_candidates() {
    let f = one(
        "SELECT person_id FROM persons WHERE address = $1 OR last_name = $2;",
        &["12 Elm St, Springfield", "say \"hi\""],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.address", "12 Elm St, Springfield")]),
            p(&[("persons.last_name", "say \"hi\"")]),
        ]
    );
}

#[test]
fn t09_functions_casts_and_tags() {
    let a = run(
        "SELECT * FROM persons WHERE lower(last_name) = lower($1) AND dob = $2::text::date /*application='rms-web',case_id='C-2024-001',officer='officer_a',purpose='warrant%20check'*/",
        &["SMITH", "1980-01-02"],
    );
    assert_eq!(a.method, Method::Parsed);
    assert_eq!(
        pairs(&a.statements[0]),
        [p(&[
            ("persons.last_name", "SMITH"),
            ("persons.dob", "1980-01-02")
        ])]
    );
    assert!(a.tags.contains(&("case_id".into(), "C-2024-001".into())));
    assert!(a.tags.contains(&("officer".into(), "officer_a".into())));
    assert!(a.tags.contains(&("purpose".into(), "warrant check".into())));
}

#[test]
fn t10_like_wildcard() {
    let f = one(
        "SELECT last_name, plate FROM persons WHERE plate LIKE 'ABC%'",
        &[],
    );
    let c = &f.candidates[0].criteria[0];
    assert_eq!(
        (c.op, c.value.as_str(), c.wildcard),
        (Op::Like, "ABC%", true)
    );

    let f = one("SELECT * FROM persons WHERE last_name LIKE 'SMITH'", &[]);
    let c = &f.candidates[0].criteria[0];
    assert_eq!((c.op, c.wildcard), (Op::Like, false));

    let f = one("SELECT * FROM persons WHERE last_name LIKE 'SMITH\\_'", &[]);
    assert!(!f.candidates[0].criteria[0].wildcard);
    let f = one(
        "SELECT * FROM persons WHERE last_name LIKE 'SM!%' ESCAPE '!'",
        &[],
    );
    assert!(!f.candidates[0].criteria[0].wildcard);
    let f = one(
        "SELECT * FROM persons WHERE last_name LIKE '%' || $1 || '%'",
        &["MITH"],
    );
    let c = &f.candidates[0].criteria[0];
    assert_eq!(
        (c.value.as_str(), c.wildcard, c.param),
        ("%MITH%", true, Some(1))
    );
}

#[test]
fn t11_settings() {
    let f = one("SET LOCAL rms.case_id = 'C-2024-007';", &[]);
    assert_eq!(f.command, "SET");
    assert_eq!(
        f.settings,
        [Setting {
            name: "rms.case_id".into(),
            value: "C-2024-007".into(),
            local: true
        }]
    );
    let f = one("SELECT set_config('app.case_id', $1, false)", &["C-9"]);
    assert_eq!(
        f.settings,
        [Setting {
            name: "app.case_id".into(),
            value: "C-9".into(),
            local: false
        }]
    );
    let f = one("SELECT set_config('app.case_id', 'C-1', true)", &[]);
    assert_eq!(
        f.settings,
        [Setting {
            name: "app.case_id".into(),
            value: "C-1".into(),
            local: true
        }]
    );
    let f = one("SET App.Case_Id TO 'C-1'", &[]);
    assert_eq!(
        f.settings,
        [Setting {
            name: "app.case_id".into(),
            value: "C-1".into(),
            local: false
        }]
    );
    let f = one("SET SESSION app.case_id = 'C-2'", &[]);
    assert!(!f.settings[0].local);
    let f = one(
        "SELECT p.* FROM persons p WHERE p.person_id = 4 AND set_config('app.purpose', 'audit', true) IS NOT NULL",
        &[],
    );
    assert_eq!(f.settings[0].name, "app.purpose");
    assert_eq!(pairs(&f), [p(&[("persons.person_id", "4")])]);
}

#[test]
fn t12_update() {
    let f = one(
        "UPDATE persons SET address = 'Flat 2, \"Annex\"' WHERE person_id = 3;",
        &[],
    );
    assert_eq!(f.command, "UPDATE");
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(pairs(&f), [p(&[("persons.person_id", "3")])]);
    let f = one("DELETE FROM public.persons WHERE last_name = 'X'", &[]);
    assert_eq!(f.command, "DELETE");
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "X")])]);
}

#[test]
fn t13_value_forms() {
    let f = one(
        "SELECT * FROM persons WHERE plate IN ('ABC123', $1)",
        &["DEF456"],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.plate", "ABC123")]),
            p(&[("persons.plate", "DEF456")])
        ]
    );
    assert_eq!(f.candidates[0].criteria[0].op, Op::In);
    assert_eq!(f.candidates[1].criteria[0].param, Some(1));

    let f = one("SELECT * FROM persons WHERE last_name = E'O\\'BRIEN'", &[]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "O'BRIEN")])]);
    let f = one("SELECT * FROM persons WHERE last_name = $$SMITH$$", &[]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "SMITH")])]);
    let f = one("SELECT * FROM persons WHERE last_name = $tag$O'B$tag$", &[]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "O'B")])]);

    let f = one("SELECT * FROM persons WHERE first_name ILIKE 'jo%'", &[]);
    let c = &f.candidates[0].criteria[0];
    assert_eq!((c.op, c.wildcard), (Op::ILike, true));

    let f = one(
        "SELECT * FROM persons WHERE (last_name, dob) = ('X', '1990-01-01')",
        &[],
    );
    assert_eq!(
        pairs(&f),
        [p(&[
            ("persons.last_name", "X"),
            ("persons.dob", "1990-01-01")
        ])]
    );

    let f = one(
        "SELECT * FROM persons WHERE last_name = ANY($1)",
        &["{A,B}"],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.last_name", "A")]),
            p(&[("persons.last_name", "B")])
        ]
    );
    assert!(f.candidates.iter().all(|c| c.criteria[0].param == Some(1)));
    let f = one(
        "SELECT * FROM persons WHERE last_name = ANY($1::text[])",
        &["{A,\"B C\",NULL}"],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.last_name", "A")]),
            p(&[("persons.last_name", "B C")])
        ]
    );
    let f = one(
        "SELECT * FROM persons WHERE last_name = ANY(ARRAY['a','b'])",
        &[],
    );
    assert_eq!(f.candidates.len(), 2);
    let f = one("SELECT * FROM persons WHERE last_name = ANY('{x}')", &[]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "x")])]);

    let f = one(
        "SELECT * FROM persons WHERE 'SMITH' = last_name AND dob = DATE '1980-01-02'",
        &[],
    );
    assert_eq!(
        pairs(&f),
        [p(&[
            ("persons.last_name", "SMITH"),
            ("persons.dob", "1980-01-02")
        ])]
    );
    let f = one(
        "SELECT * FROM persons WHERE dob = CAST($1 AS date) AND trim(first_name) = TRIM(' Al ')",
        &["1970-01-01"],
    );
    assert_eq!(
        pairs(&f),
        [p(&[
            ("persons.dob", "1970-01-01"),
            ("persons.first_name", " Al ")
        ])]
    );
    let f = one(
        "SELECT * FROM persons WHERE last_name COLLATE \"C\" = ((('Z')))",
        &[],
    );
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "Z")])]);
    let f = one(
        "SELECT * FROM persons WHERE last_name ~* '^sm' OR plate SIMILAR TO 'AB%'",
        &[],
    );
    assert_eq!(f.candidates.len(), 2);
    assert!(f.candidates.iter().all(|c| c.criteria[0].wildcard));
    assert_eq!(f.candidates[0].criteria[0].op, Op::Regex);
    assert_eq!(f.candidates[1].criteria[0].op, Op::Similar);
    let f = one(
        "SELECT * FROM persons WHERE (last_name, dob) IN (('A', '1'), ('B', '2'))",
        &[],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.last_name", "A"), ("persons.dob", "1")]),
            p(&[("persons.last_name", "B"), ("persons.dob", "2")]),
        ]
    );
}

#[test]
fn t13b_ignored_predicates() {
    let f = one(
        "SELECT * FROM persons WHERE last_name IS NULL AND dob BETWEEN '1980-01-01' AND '1990-01-01' AND dob > '1970-01-01' AND last_name NOT LIKE 'A%' AND NOT (first_name = 'X') AND last_name <> 'Y' AND last_name = NULL AND plate = TRUE",
        &[],
    );
    assert!(f.candidates.is_empty(), "{:?}", f.candidates);
    assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
}

#[test]
fn t13c_dnf_semantics() {
    let f = one(
        "SELECT * FROM persons WHERE (last_name = 'A' OR last_name = 'B') AND (dob = '1' OR dob = '2')",
        &[],
    );
    assert_eq!(f.candidates.len(), 4);
    let f = one(
        "SELECT * FROM persons WHERE last_name = 'A' AND last_name = 'B'",
        &[],
    );
    assert_eq!(
        pairs(&f),
        [p(&[("persons.last_name", "A"), ("persons.last_name", "B")])]
    );
    let f = one(
        "SELECT * FROM persons WHERE last_name = 'A' OR last_name = 'A'",
        &[],
    );
    assert_eq!(f.candidates.len(), 1);
    let list: Vec<String> = (0..100).map(|i| format!("'N{i}'")).collect();
    let f = one(
        &format!(
            "SELECT * FROM persons WHERE last_name IN ({})",
            list.join(",")
        ),
        &[],
    );
    assert_eq!(f.candidates.len(), 64);
    assert_eq!(f.unresolved, ["candidate limit reached"]);
    let f = one(
        "SELECT * FROM persons WHERE last_name = 'A' AND status = 'x'",
        &[],
    );
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "A")])]);
}

#[test]
fn t13d_unbound_and_functions() {
    let f = one("SELECT * FROM persons WHERE last_name = $3", &["a"]);
    assert!(f.candidates.is_empty());
    assert_eq!(f.unresolved, ["persons.last_name = $3"]);
    let f = one("SELECT * FROM persons WHERE last_name = md5('x')", &[]);
    assert_eq!(f.unresolved, ["persons.last_name = md5('x')"]);
    let f = one("SELECT * FROM persons WHERE last_name = $1", &[""]);
    assert!(f.candidates.is_empty());
}

#[test]
fn t13e_subqueries_and_ctes() {
    let f = one(
        "WITH p AS (SELECT * FROM persons WHERE last_name = 'A') SELECT * FROM p WHERE p.dob = '1'",
        &[],
    );
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(
        pairs(&f),
        [p(&[("persons.last_name", "A"), ("persons.dob", "1")])]
    );
    let f = one(
        "SELECT * FROM case_log c WHERE c.person_id IN (SELECT person_id FROM persons WHERE plate = 'P1')",
        &[],
    );
    assert_eq!(f.tables, ["case_log", "persons"]);
    assert_eq!(pairs(&f), [p(&[("persons.plate", "P1")])]);
    let f = one(
        "SELECT * FROM (SELECT * FROM public.persons) x WHERE x.last_name = 'Q' UNION SELECT * FROM persons WHERE first_name = 'R'",
        &[],
    );
    assert_eq!(
        pairs(&f),
        [
            p(&[("persons.last_name", "Q")]),
            p(&[("persons.first_name", "R")])
        ]
    );
    let f = one(
        "SELECT * FROM case_log WHERE EXISTS (SELECT 1 FROM persons pp WHERE pp.person_id = case_log.subject AND pp.last_name = 'E')",
        &[],
    );
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "E")])]);
    let f = one("EXPLAIN SELECT * FROM persons WHERE last_name = 'X'", &[]);
    assert_eq!(f.command, "EXPLAIN");
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "X")])]);
    let f = one(
        "INSERT INTO audit_copy SELECT * FROM persons WHERE plate = 'Z'",
        &[],
    );
    assert_eq!(f.command, "INSERT");
    assert_eq!(f.tables, ["audit_copy", "persons"]);
    assert_eq!(pairs(&f), [p(&[("persons.plate", "Z")])]);
}

#[test]
fn t14_truncated_literal_scan() {
    let a = run(
        "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-",
        &[],
    );
    assert!(
        matches!(a.method, Method::LiteralScan { .. }),
        "{:?}",
        a.method
    );
    let f = &a.statements[0];
    assert_eq!(f.command, "SELECT");
    assert_eq!(f.tables, ["persons"]);
    assert_eq!(pairs(f), [p(&[("persons.last_name", "SMITH")])]);
}

#[test]
fn t14b_literal_scan_rules() {
    let a = run(
        "SELEC * FROM persons p WHERE p.last_name = 'A' AND dob = $1 OR x",
        &["1999"],
    );
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    assert_eq!(
        pairs(&a.statements[0]),
        [p(&[("persons.last_name", "A"), ("persons.dob", "1999")])]
    );
    let a = run(
        "SELEC * FROM persons WHERE last_name = 'A' OR last_name ILIKE 'B%' (",
        &[],
    );
    assert_eq!(
        pairs(&a.statements[0]),
        [
            p(&[("persons.last_name", "A")]),
            p(&[("persons.last_name", "B%")])
        ]
    );
    assert!(a.statements[0].candidates[1].criteria[0].wildcard);
    let a = run(
        "UPDATE persons SET address = 'x' WHERE person_id = 5 garbage garbage",
        &[],
    );
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "5")])]);
    let a = run(
        "SELECT set_config('app.case_id', 'C-7', true) FROM persons WHERE last_name = v_name garbage(",
        &[],
    );
    let f = &a.statements[0];
    assert_eq!(f.settings[0].value, "C-7");
    assert!(f.settings[0].local);
    assert_eq!(f.unresolved, ["persons.last_name = v_name"]);
}

#[test]
fn t14c_literal_scan_function_wrappers() {
    let a = run(
        "RETURN QUERY SELECT * FROM persons p WHERE p.last_name = p_last AND extract(year FROM p.dob) = 1980 AND lower(p.plate) = lower('Q') ||",
        &[],
    );
    let f = &a.statements[0];
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    assert_eq!(pairs(f), [p(&[("persons.plate", "Q")])]);
    assert_eq!(f.unresolved, ["persons.last_name = p_last"]);
    let a = run(
        "COPY (SELECT * FROM persons WHERE last_name='SMITH' garbage) TO STDOUT",
        &[],
    );
    assert!(a.statements[0].copy_to);
    let a = run("SET LOCAL app.case_id = 'C-1' garbage", &[]);
    assert_eq!(
        a.statements[0].settings,
        [Setting {
            name: "app.case_id".into(),
            value: "C-1".into(),
            local: true
        }]
    );
}

#[test]
fn t15_line_comment_tag() {
    let a = run(
        "SELECT last_name -- case_id=C-2024-004 inside statement\nFROM persons WHERE person_id = 2;",
        &[],
    );
    assert_eq!(a.method, Method::Parsed);
    assert_eq!(a.tags, p(&[("case_id", "C-2024-004")]));
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "2")])]);
}

#[test]
fn t16_two_configured_tables() {
    let map = ColumnMap::new([
        ("persons.person_id", "person_id"),
        ("persons.last_name", "last_name"),
        ("vehicles.plate", "plate"),
        ("vehicles.owner_id", "person_id"),
    ])
    .unwrap();
    let a = analyse(
        "SELECT p.last_name, v.plate FROM persons p JOIN vehicles v ON v.owner_id = p.person_id WHERE v.plate = 'AB12CDE'",
        &[],
        &map,
    );
    let f = &a.statements[0];
    assert_eq!(f.tables, ["persons", "vehicles"]);
    assert_eq!(pairs(f), [p(&[("vehicles.plate", "AB12CDE")])]);
    assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
    let a = analyse(
        "SELECT * FROM vehicles JOIN persons ON true WHERE person_id = 7",
        &[],
        &map,
    );
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "7")])]);
    // Unqualified and configured in both: the first table in FROM order.
    let both = ColumnMap::new([("persons.plate", "plate"), ("vehicles.plate", "plate")]).unwrap();
    let a = analyse(
        "SELECT * FROM vehicles v JOIN persons p ON true WHERE plate = 'X'",
        &[],
        &both,
    );
    assert_eq!(pairs(&a.statements[0]), [p(&[("vehicles.plate", "X")])]);
    let a = analyse(
        "SELECT * FROM persons p, vehicles v WHERE plate = 'X'",
        &[],
        &both,
    );
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.plate", "X")])]);
}

#[test]
fn column_map_errors_and_lookup() {
    let e = ColumnMap::new([("persons", "last_name")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"persons\" is not table.column"), "{e}");
    let e = ColumnMap::new([("persons.x", "person")])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("\"person\" is not a subject field (expected one of person_id,"),
        "{e}"
    );
    assert!(ColumnMap::new([("a.b.c", "dob")]).is_err());
    assert!(ColumnMap::new([("a.b", "dob"), ("A.B", "name")]).is_err());
    let m = ColumnMap::new([("Persons.Last_Name", "last_name")]).unwrap();
    assert!(!m.is_empty());
    assert!(ColumnMap::default().is_empty());
    assert_eq!(
        m.field("public.PERSONS", "last_NAME"),
        Some(SubjectField::LastName)
    );
    assert_eq!(m.field("persons", "dob"), None);
    for f in SubjectField::ALL {
        assert_eq!(SubjectField::parse(f.as_str()), Some(f));
    }
    assert_eq!(SubjectField::parse("nope"), None);
}

#[test]
fn sqlcommenter_parsing() {
    assert_eq!(parse_sqlcommenter(" just a note "), None);
    assert_eq!(parse_sqlcommenter(""), None);
    assert_eq!(
        parse_sqlcommenter("Case_ID = 'C-1' , note=\"a b\", x='it\\'s', bad=%zz%4"),
        Some(p(&[
            ("case_id", "C-1"),
            ("note", "a b"),
            ("x", "it's"),
            ("bad", "%zz%4")
        ]))
    );
    assert_eq!(
        parse_sqlcommenter("v='%ff%fe'"),
        Some(vec![("v".to_string(), "\u{fffd}\u{fffd}".to_string())])
    );
}

#[test]
fn pg_array_literals() {
    assert_eq!(
        parse_pg_array("{A,\"B C\",NULL, d ,\"e\\\"f\"}"),
        Some(vec![
            Some("A".into()),
            Some("B C".into()),
            None,
            Some("d".into()),
            Some("e\"f".into())
        ])
    );
    assert_eq!(
        parse_pg_array("{{a},{b}}"),
        Some(vec![Some("a".into()), Some("b".into())])
    );
    assert_eq!(parse_pg_array("{}"), Some(vec![]));
    assert_eq!(parse_pg_array("plain"), None);
}

#[test]
fn huge_and_deep_inputs_do_not_crash() {
    let big = format!(
        "SELECT * FROM persons WHERE last_name = 'A' AND {}",
        "x = 1 AND ".repeat(120_000)
    );
    assert!(big.len() > MAX_TEXT);
    let a = run(&big, &[]);
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    assert_eq!(pairs(&a.statements[0]), [p(&[("persons.last_name", "A")])]);
    let chain = format!(
        "SELECT 1 FROM persons WHERE {}last_name = 'A'",
        "1 + ".repeat(20_000)
    );
    let a = run(&chain, &[]);
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    let ands = format!(
        "SELECT 1 FROM persons WHERE {}last_name = 'Z'",
        "dob > '1' AND ".repeat(1000)
    );
    let f = one(&ands, &[]);
    assert_eq!(pairs(&f), [p(&[("persons.last_name", "Z")])]);
    let parens = format!(
        "SELECT 1 FROM persons WHERE {}last_name = 'A'{}",
        "(".repeat(500),
        ")".repeat(500)
    );
    let _ = run(&parens, &[]);
    let subs = format!("SELECT {}1{}", "(SELECT ".repeat(300), ")".repeat(300));
    let _ = run(&subs, &[]);
    let unions = format!(
        "{} SELECT * FROM persons WHERE last_name = 'U'",
        "SELECT * FROM persons WHERE plate = 'P' UNION ".repeat(200)
    );
    let f = one(&unions, &[]);
    assert_eq!(f.candidates.len(), 2);
    // Left-deep chains the parser builds without counting recursion.
    for chain in [
        "1 + ".repeat(60_000) + "1",
        "1".to_string() + &"::int".repeat(60_000),
        "a".to_string() + &"[1]".repeat(60_000),
        "a IS NULL ".repeat(30_000),
        "x COLLATE \"C\" ".repeat(30_000),
        "f(1, 2) || ".repeat(30_000) + "1",
    ] {
        let a = run(
            &format!("SELECT {chain} FROM persons WHERE last_name = 'A'"),
            &[],
        );
        assert!(matches!(a.method, Method::LiteralScan { .. }));
    }
    let a = run(&"SELECT 1 UNION ".repeat(60_000), &[]);
    assert!(matches!(a.method, Method::LiteralScan { .. }));
    // Long lists are siblings, not chains: still parsed.
    let list: Vec<String> = (0..60_000).map(|i| format!("-{i}::int")).collect();
    let f = one(
        &format!(
            "SELECT * FROM persons WHERE person_id IN ({})",
            list.join(", ")
        ),
        &[],
    );
    assert_eq!(f.candidates.len(), 64);
    assert_eq!(f.candidates[1].criteria[0].value, "-1");
    let _ = run("'unterminated", &[]);
    let _ = run("/* unterminated", &[]);
    let _ = run("$$ unterminated", &[]);
    let _ = run("SELECT E'\\", &[]);
    let _ = run("\u{0}\u{ffff}é€𝄞", &[]);
}

/// The deepest nestings the parser accepts must also be safe to walk on
/// a small stack (debug builds use much more stack per frame).
#[test]
fn deepest_parsable_nesting_on_small_stack() {
    let shapes: [(&str, &str); 5] = [
        (
            "EXISTS (SELECT 1 FROM persons WHERE last_name = 'A' AND ",
            ")",
        ),
        ("(", ")"),
        ("last_name IN (SELECT last_name FROM persons WHERE ", ")"),
        ("lower(", ")"),
        ("NOT (", ")"),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut parsed = 0;
            for (open, close) in shapes {
                for n in 1..80 {
                    let sql = format!(
                        "SELECT * FROM persons WHERE {}last_name = 'Z'{}",
                        open.repeat(n),
                        close.repeat(n)
                    );
                    let a = analyse(&sql, &[], &cols());
                    if a.method == Method::Parsed {
                        parsed += 1;
                    }
                }
            }
            parsed
        })
        .unwrap();
    assert!(handle.join().unwrap() > 20);
}

fn vocab() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "ANY",
        "ARRAY",
        "LIKE",
        "ILIKE",
        "SIMILAR",
        "TO",
        "UPDATE",
        "SET",
        "LOCAL",
        "DELETE",
        "INSERT",
        "INTO",
        "VALUES",
        "COPY",
        "PREPARE",
        "AS",
        "EXECUTE",
        "EXPLAIN",
        "WITH",
        "UNION",
        "JOIN",
        "ON",
        "EXISTS",
        "NULL",
        "TRUE",
        "CAST",
        "DATE",
        "COLLATE",
        "ESCAPE",
        "persons",
        "p",
        "p.last_name",
        "last_name",
        "dob",
        "plate",
        "person_id",
        "public.persons",
        "set_config",
        "lower",
        "trim",
        "row",
        "(",
        ")",
        ",",
        ";",
        "=",
        "~",
        "~*",
        "||",
        "::",
        "::text",
        "[",
        "]",
        "{",
        "}",
        "'",
        "''",
        "'SMITH'",
        "E'O\\'B'",
        "$$x$$",
        "$1",
        "$2",
        "$9",
        "42",
        "-",
        "*",
        "/*",
        "*/",
        "/* case_id='C-1' */",
        "-- k=v\n",
        "--",
        "\n",
        "\"",
        "\"q\"",
        "%",
        "%2",
        "\\",
    ])
    .prop_map(|s| s.to_string())
}

fn where_clause() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "last_name = 'X'",
        "p.dob = $1",
        "plate IN ('A', $2, NULL)",
        "first_name LIKE 'A%'",
        "address ~* 'x'",
        "person_id = ANY($3)",
        "last_name = v_x",
        "EXISTS (SELECT 1 FROM persons q WHERE q.last_name = 'Y' OR q.plate = $2)",
        "(last_name, dob) = ('a', 'b')",
        "set_config('app.case_id', $1, true) IS NOT NULL",
        "person_id > 1",
        "last_name IS NULL",
        "lower(first_name) = lower('Al')",
        "p.person_id IN (SELECT person_id FROM persons WHERE plate = 'Z')",
    ])
    .prop_map(|s| s.to_string());
    leaf.prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            inner.prop_map(|a| format!("EXISTS (SELECT 1 FROM persons WHERE {a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn prop_never_panics_on_strings(s in "\\PC{0,200}", params in prop::collection::vec("\\PC{0,10}", 0..3)) {
        let _ = analyse(&s, &params, &cols());
    }

    #[test]
    fn prop_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = analyse(&s, &["{a,\"b".to_string()], &cols());
        let _ = parse_sqlcommenter(&s);
        let _ = parse_pg_array(&s);
    }

    #[test]
    fn prop_never_panics_on_token_soup(words in prop::collection::vec(vocab(), 0..60), spaced in any::<bool>()) {
        let sep = if spaced { " " } else { "" };
        let sql = words.join(sep);
        let _ = analyse(&sql, &["{A,B}".to_string(), "x".to_string()], &cols());
        let sql2 = format!("SELECT * FROM persons WHERE {}", words.join(" "));
        let _ = analyse(&sql2, &[], &cols());
    }

    #[test]
    fn prop_generated_queries_hold_invariants(w in where_clause(), shape in 0..4u8) {
        let sql = match shape {
            0 => format!("SELECT * FROM persons p WHERE {w}"),
            1 => format!("WITH c AS (SELECT * FROM persons p WHERE {w}) SELECT * FROM c"),
            2 => format!("SELECT * FROM persons p WHERE {w} UNION SELECT * FROM persons p WHERE {w}"),
            _ => format!("UPDATE persons p SET address = 'a' WHERE {w}"),
        };
        let params = ["1980-01-01".to_string(), "B".to_string(), "{1,2}".to_string()];
        let a = analyse(&sql, &params, &cols());
        prop_assert_eq!(&a.method, &Method::Parsed, "{}", sql);
        for f in &a.statements {
            prop_assert!(f.candidates.len() <= MAX_CANDIDATES);
            prop_assert!(f.unresolved.len() <= MAX_UNRESOLVED + 2);
            for (i, c) in f.candidates.iter().enumerate() {
                prop_assert!(!c.criteria.is_empty());
                prop_assert!(c.criteria.len() <= MAX_CRITERIA);
                prop_assert!(f.candidates.iter().skip(i + 1).all(|o| !same_candidate(o, c)));
            }
        }
    }

    #[test]
    fn prop_literal_round_trip(s in "[^\u{0}]{1,60}") {
        let sql = format!("SELECT * FROM persons WHERE last_name = '{}'", s.replace('\'', "''"));
        let a = analyse(&sql, &[], &cols());
        prop_assert_eq!(&a.method, &Method::Parsed);
        prop_assert_eq!(a.statements.len(), 1);
        let f = &a.statements[0];
        prop_assert_eq!(f.candidates.len(), 1);
        prop_assert_eq!(f.candidates[0].criteria.len(), 1);
        prop_assert_eq!(&f.candidates[0].criteria[0].value, &s);

        let a = analyse("SELECT * FROM persons WHERE last_name = $1", std::slice::from_ref(&s), &cols());
        let f = &a.statements[0];
        prop_assert_eq!(f.candidates.len(), 1);
        prop_assert_eq!(&f.candidates[0].criteria[0].value, &s);
        prop_assert_eq!(f.candidates[0].criteria[0].param, Some(1));
    }

    #[test]
    fn prop_sqlcommenter_round_trip(pairs_in in prop::collection::vec(("\\PC{1,12}", "\\PC{0,20}"), 1..5)) {
        fn enc(s: &str) -> String {
            s.bytes()
                .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
                .collect()
        }
        let comment = pairs_in
            .iter()
            .map(|(k, v)| format!("{}='{}'", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join(",");
        let expected: Vec<(String, String)> = pairs_in.iter().map(|(k, v)| (k.to_lowercase(), v.clone())).collect();
        prop_assert_eq!(parse_sqlcommenter(&comment), Some(expected.clone()));
        let sql = format!("SELECT 1 /*{comment}*/");
        prop_assert_eq!(analyse(&sql, &[], &cols()).tags, expected);
    }
}

fn my(sql: &str) -> Analysis {
    analyse_in(Dialect::MySql, sql, &[], &cols())
}

#[test]
fn mysql_backslash_escapes_backquotes_and_double_quoted_strings() {
    let a = my(
        r#"SELECT * FROM `persons` p WHERE p.`last_name` = 'O\'BRIEN' AND p.address LIKE "%\"The Lodge\"%""#,
    );
    assert_eq!(a.method, Method::Parsed);
    let f = &a.statements[0];
    assert_eq!(f.tables, vec!["persons".to_string()]);
    assert_eq!(
        pairs(f),
        vec![p(&[
            ("persons.last_name", "O'BRIEN"),
            ("persons.address", "%\"The Lodge\"%")
        ])]
    );
}

#[test]
fn mysql_question_mark_placeholders_are_unresolved_not_guessed() {
    let a = my("SELECT * FROM persons WHERE last_name = ? AND dob = ?");
    assert_eq!(a.method, Method::Parsed);
    let f = &a.statements[0];
    assert!(f.candidates.iter().all(|c| c.criteria.is_empty()), "{f:?}");
    assert_eq!(f.unresolved.len(), 2, "{f:?}");
}

#[test]
fn mysql_user_variables_are_settings_one_per_assignment() {
    let f = &my("SET @case_id = 'C-2024-001', @purpose = 'warrant check'").statements[0];
    assert_eq!(f.command, "SET");
    let got: Vec<(&str, &str)> = f
        .settings
        .iter()
        .map(|s| (s.name.as_str(), s.value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![("@case_id", "C-2024-001"), ("@purpose", "warrant check")]
    );
    let f = &my("SET @case_id = NULL").statements[0];
    assert_eq!(f.settings.len(), 1);
    assert_eq!(f.settings[0].value, "");
    let f = &my("SET @CASE_ID := 'C-9'").statements[0];
    assert_eq!(f.settings[0].name, "@case_id");
}

#[test]
fn mysql_sqlcommenter_tags() {
    let a = my(
        r"SELECT * FROM persons WHERE plate = 'XYZ789' /*case_id='C-2024-001',purpose='traffic%20stop'*/",
    );
    assert_eq!(
        a.tags,
        vec![
            ("case_id".into(), "C-2024-001".into()),
            ("purpose".into(), "traffic stop".into())
        ]
    );
    assert_eq!(
        pairs(&a.statements[0]),
        vec![p(&[("persons.plate", "XYZ789")])]
    );
}
