//! The pgAudit payload: the CSV record after `AUDIT: ` in a log message.
//!
//! `AUDIT_TYPE,STATEMENT_ID,SUBSTATEMENT_ID,CLASS,COMMAND,OBJECT_TYPE,OBJECT_NAME,STATEMENT,
//! PARAMETER[,ROWS]`. The statement and the parameter list are CSV-quoted only when they
//! need it, and the parameter list is itself a CSV record (so values holding commas or
//! quotes are quoted twice). Both levels are read with `csv-core` (the `csv` crate's own
//! state machine, reused: building a reader per line cost more than everything else
//! together), never split by hand. This module must not interpret the statement.

use std::cell::RefCell;

use csv_core::ReadRecordResult;

use crate::source::decode::FieldError;

thread_local! {
    static CSV: RefCell<csv_core::Reader> = RefCell::new(csv_core::Reader::new());
}

/// The first CSV record of `input` (RFC 4180 quoting, as pgAudit writes it), and whether
/// anything other than a line ending follows it.
fn first_record(input: &str) -> (Vec<String>, bool) {
    CSV.with(|cell| {
        let mut rdr = cell.borrow_mut();
        rdr.reset();
        let mut out = vec![0u8; input.len() + 16];
        let mut ends = vec![0usize; 16];
        let mut rest = input.as_bytes();
        let (mut nout, mut nends) = (0, 0);
        let mut at_eof = false;
        loop {
            let (res, i, o, e) = rdr.read_record(rest, &mut out[nout..], &mut ends[nends..]);
            rest = &rest[i..];
            nout += o;
            nends += e;
            match res {
                ReadRecordResult::InputEmpty if !at_eof && rest.is_empty() => at_eof = true,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        let mut fields = Vec::with_capacity(nends);
        let mut start = 0;
        for &end in &ends[..nends] {
            fields.push(String::from_utf8_lossy(&out[start..end]).into_owned());
            start = end;
        }
        let more = rest.iter().any(|b| *b != b'\n' && *b != b'\r');
        (fields, more)
    })
}

/// The statement or parameters field: text, or one of pgAudit's placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged<T> {
    Value(T),
    /// `<previously logged>`: an earlier line of the same statement carried it
    /// (`pgaudit.log_statement_once`).
    PreviouslyLogged,
    /// `<none>` (no parameters) or `<not logged>` (`pgaudit.log_parameter` off).
    Absent,
}

/// One pgAudit line's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// `SESSION` or `OBJECT`.
    pub audit_type: String,
    pub statement_id: u64,
    pub substatement_id: u64,
    /// `READ`, `WRITE`, `FUNCTION`, `ROLE`, `DDL`, `MISC`, `MISC_SET`.
    pub class: String,
    /// `SELECT`, `UPDATE`, `COPY`, `SET`, `PREPARE`, …
    pub command: String,
    pub object_type: String,
    /// `public.persons`; empty for statements without a relation.
    pub object_name: String,
    pub statement: Logged<String>,
    /// Values in order (`$1` first); NULL and '' both arrive as "".
    pub params: Logged<Vec<String>>,
    /// Rows returned or affected (`pgaudit.log_rows`).
    pub rows: Option<u64>,
}

/// The payload of `message`, if the message is a pgAudit line at all.
pub fn parse(message: &str) -> Option<Result<Payload, FieldError>> {
    let body = message.strip_prefix("AUDIT: ")?;
    Some(parse_body(body))
}

fn parse_body(body: &str) -> Result<Payload, FieldError> {
    let err = |p: String| FieldError::new("message", p);
    let (rec, more) = first_record(body);
    if rec.len() < 9 {
        return Err(err(format!(
            "a pgAudit payload has 9 or 10 fields, this one has {}",
            rec.len()
        )));
    }
    // A record that continues past its end is a payload the reader would misread.
    if more {
        return Err(err(
            "the pgAudit payload holds more than one CSV record".into()
        ));
    }
    let f = |i: usize| rec.get(i).map(String::as_str).unwrap_or_default();
    let id = |i: usize, name: &str| {
        f(i).parse::<u64>()
            .map_err(|_| err(format!("pgAudit {name} `{}` is not a number", f(i))))
    };
    let audit_type = f(0).to_string();
    if audit_type != "SESSION" && audit_type != "OBJECT" {
        return Err(err(format!(
            "pgAudit audit type `{audit_type}` is neither SESSION nor OBJECT"
        )));
    }
    let statement = match f(7) {
        "<previously logged>" => Logged::PreviouslyLogged,
        s => Logged::Value(s.to_string()),
    };
    let params = match f(8) {
        "<previously logged>" => Logged::PreviouslyLogged,
        "<none>" | "<not logged>" => Logged::Absent,
        p => Logged::Value(split_params(p).map_err(err)?),
    };
    let rows = match rec.get(9).map(String::as_str) {
        None | Some("") => None,
        Some(r) => Some(
            r.parse()
                .map_err(|_| err(format!("pgAudit row count `{r}` is not a number")))?,
        ),
    };
    Ok(Payload {
        audit_type,
        statement_id: id(1, "statement id")?,
        substatement_id: id(2, "substatement id")?,
        class: f(3).to_string(),
        command: f(4).to_string(),
        object_type: f(5).to_string(),
        object_name: f(6).to_string(),
        statement,
        params,
        rows,
    })
}

/// The parameter field's inner CSV list.
fn split_params(p: &str) -> Result<Vec<String>, String> {
    let (fields, more) = first_record(p);
    if more {
        return Err("the pgAudit parameter list holds more than one CSV record".into());
    }
    Ok(if fields.is_empty() {
        vec![String::new()]
    } else {
        fields
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<T: std::fmt::Debug>(l: Logged<T>) -> T {
        match l {
            Logged::Value(v) => v,
            other => panic!("expected a value, got {other:?}"),
        }
    }

    #[test]
    fn literal_statement_without_parameters() {
        let p = parse("AUDIT: OBJECT,1,1,READ,SELECT,TABLE,public.persons,SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-01-02';,<none>,1").unwrap().unwrap();
        assert_eq!(p.audit_type, "OBJECT");
        assert_eq!((p.statement_id, p.substatement_id), (1, 1));
        assert_eq!(p.object_name, "public.persons");
        assert_eq!(
            value(p.statement),
            "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-01-02';"
        );
        assert_eq!(p.params, Logged::Absent);
        assert_eq!(p.rows, Some(1));
    }

    #[test]
    fn quoted_parameters_nested_twice() {
        // As logged by pgbench -M extended with `12 Elm St, Springfield` and `say "hi"`.
        let p = parse(r#"AUDIT: OBJECT,1,1,READ,SELECT,TABLE,public.persons,SELECT person_id FROM persons WHERE address = $1 OR last_name = $2;,"""12 Elm St, Springfield"",""say """"hi""""""",2"#).unwrap().unwrap();
        assert_eq!(
            value(p.params),
            vec![
                "12 Elm St, Springfield".to_string(),
                "say \"hi\"".to_string()
            ]
        );
        assert_eq!(p.rows, Some(2));
    }

    #[test]
    fn single_unquoted_parameter_and_null_or_empty_ones() {
        let p = parse("AUDIT: SESSION,3,1,READ,SELECT,TABLE,public.persons,SELECT 1 FROM persons WHERE person_id = $1,2,1").unwrap().unwrap();
        assert_eq!(value(p.params), vec!["2".to_string()]);
        let p = parse(r#"AUDIT: SESSION,3,1,READ,SELECT,TABLE,public.persons,"SELECT $1, $2, $3",",,""12 Elm St, Springfield""",1"#).unwrap().unwrap();
        assert_eq!(
            value(p.params),
            vec![
                String::new(),
                String::new(),
                "12 Elm St, Springfield".to_string()
            ]
        );
    }

    #[test]
    fn multi_line_statement_with_doubled_quotes() {
        let msg = "AUDIT: OBJECT,1,1,READ,SELECT,TABLE,public.persons,\"SELECT p.first_name\nFROM persons p\nWHERE p.last_name = 'O''BRIEN'\n  AND p.address LIKE '%\"\"The Lodge\"\"%';\",<none>,1";
        let p = parse(msg).unwrap().unwrap();
        assert_eq!(
            value(p.statement),
            "SELECT p.first_name\nFROM persons p\nWHERE p.last_name = 'O''BRIEN'\n  AND p.address LIKE '%\"The Lodge\"%';"
        );
    }

    #[test]
    fn placeholders_and_missing_rows() {
        let p = parse("AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.case_log,<previously logged>,<previously logged>")
            .unwrap()
            .unwrap();
        assert_eq!(p.statement, Logged::PreviouslyLogged);
        assert_eq!(p.params, Logged::PreviouslyLogged);
        assert_eq!(p.rows, None);
        let p = parse(
            "AUDIT: SESSION,1,1,MISC,SET,,,SET LOCAL rms.case_id = 'C-2024-007';,<not logged>,0",
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.params, Logged::Absent);
        assert_eq!(p.class, "MISC");
    }

    #[test]
    fn other_messages_are_not_payloads_and_broken_ones_are_errors() {
        assert!(parse("connection authorized: user=officer_a").is_none());
        assert!(parse("AUDIT: SESSION,x,1,READ,SELECT,,,q,<none>,1")
            .unwrap()
            .is_err());
        assert!(parse("AUDIT: SESSION,1,1,READ").unwrap().is_err());
        assert!(parse("AUDIT: NOPE,1,1,READ,SELECT,,,q,<none>,1")
            .unwrap()
            .is_err());
        assert!(parse("AUDIT: SESSION,1,1,READ,SELECT,,,\"q")
            .unwrap()
            .is_err());
    }
}
