//! JSON lines reader (`.jsonl`, `.ndjson`, `.json`, optionally gzip-compressed, or `-`).
//!
//! Streams line by line through `serde_json` without loading the whole file. A line that is
//! not a JSON object, or whose fields do not decode, goes to the reject sink with its line
//! number; blank lines are skipped (they carry nothing to lose). A read error mid-file (a
//! truncated gzip stream) is recorded as a reject of the remainder, not a crash.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use super::decode::{decode_record, FieldError, JsonFields};
use super::{FileStats, RejectSink, SourceError};
use crate::event::{Event, Origin};

pub fn read(
    path: &Path,
    gzip: bool,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let shown = path.display().to_string();
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|source| SourceError::Io {
            path: shown.clone(),
            source,
        })?)
    };
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, raw))
    };
    read_lines(&shown, reader, rejects, emit)
}

/// Reads JSON lines from any buffered reader; `name` is used for ids and messages.
pub(crate) fn read_lines(
    name: &str,
    mut reader: impl BufRead,
    rejects: &mut RejectSink,
    emit: &mut dyn FnMut(Event),
) -> Result<FileStats, SourceError> {
    let mut stats = FileStats::default();
    let file: Arc<str> = Arc::from(name);
    let mut buf = Vec::with_capacity(1024);
    let mut line_no: u64 = 0;
    loop {
        buf.clear();
        let n = match reader.read_until(b'\n', &mut buf) {
            Ok(n) => n,
            Err(e) => {
                let msg = format!("input ends unreadably here: {e}");
                stats.reject(rejects, name, line_no + 1, "-", msg, b"")?;
                break;
            }
        };
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let decoded = decode_line(&file, line_no, &buf);
        stats.settle(decoded, rejects, name, line_no, || buf.clone(), emit)?;
    }
    Ok(stats)
}

/// Decodes one JSON line (its line ending may still be attached); `name` and `line` become
/// the event's origin and, when the record has no `id`, its id.
pub(crate) fn decode_line(name: &Arc<str>, line: u64, buf: &[u8]) -> Result<Event, FieldError> {
    // Without its line ending, a line cut short reads as "EOF" rather than as a control
    // character inside a string, which is the message a person can act on.
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    // A line checked as UTF-8 once, whole, is parsed without checking each string again
    // (a fifth of decoding went to those checks); a line that is not UTF-8 is parsed from
    // its bytes, for the parser's own message about where.
    let line_bytes = &buf[..end];
    let parsed = match std::str::from_utf8(line_bytes) {
        Ok(text) => serde_json::from_str::<JsonFields<'_>>(text),
        Err(_) => serde_json::from_slice::<JsonFields<'_>>(line_bytes),
    };
    let fields = parsed.map_err(|e| {
        let what = if e.is_eof() {
            "truncated JSON"
        } else if e.is_data() {
            "not a JSON object"
        } else {
            "invalid JSON"
        };
        FieldError::new("-", format!("{what}: {e}"))
    })?;
    decode_record(
        fields.0,
        Origin {
            file: Arc::clone(name),
            line,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_bytes(bytes: &[u8]) -> (Vec<Event>, FileStats, u64) {
        let mut rejects = RejectSink::counting();
        let mut events = Vec::new();
        let stats = read_lines("mem.jsonl", bytes, &mut rejects, &mut |e| events.push(e))
            .expect("in-memory read");
        (events, stats, rejects.count())
    }

    /// Found by the `jsonl` fuzz harness: unknown keys of a nested `subject` object were
    /// kept in the event but left out of its contract JSON, so `custodes convert` lost them.
    #[test]
    fn fuzz_jsonl_unknown_nested_subject_keys_survive_the_contract_round_trip() {
        let line = br#"{"ts":"2024-05-17T18:46:22Z","user":"u1","subject":{"last_name":"SMITH","eye_colour":"grey"}}"#;
        let (events, _, _) = read_bytes(line);
        let ev = &events[0];
        assert_eq!(
            ev.extra.get("subject"),
            Some(&serde_json::json!({"eye_colour": "grey"}))
        );
        let json = serde_json::Value::Object(ev.to_contract_json()).to_string();
        let (back, _, _) = read_bytes(json.as_bytes());
        assert_eq!(back[0].extra, ev.extra, "{json}");
        assert_eq!(back[0].subject, ev.subject, "{json}");
    }

    /// The fuzzer's `jsonl` finding: an unknown field holding an integer above 2^64 is
    /// kept as a float, and without correctly rounded parsing (`serde_json`'s
    /// `float_roundtrip`) the float written back could differ in its last digit.
    #[test]
    fn fuzz_jsonl_an_integer_above_2_pow_64_in_an_unknown_field_survives_the_contract_round_trip() {
        for n in [
            "11100000110000000000000000111",
            "11101100000000000000000000111",
            "11100000000000001101000000011",
            "18446744073709551616",
        ] {
            let line = format!(r#"{{"ts":"2024-05-17T18:46:22Z","user":"u1","n":{n}}}"#);
            let (events, _, _) = read_bytes(line.as_bytes());
            let ev = &events[0];
            let json = serde_json::Value::Object(ev.to_contract_json()).to_string();
            let (back, _, _) = read_bytes(json.as_bytes());
            assert_eq!(back[0].extra, ev.extra, "{n}: {json}");
            let again = serde_json::Value::Object(back[0].to_contract_json()).to_string();
            assert_eq!(again, json, "{n}");
        }
    }

    /// A line is checked as UTF-8 whole before it is parsed: a byte that is not UTF-8
    /// inside a string still rejects the line, with the parser's message of where, and
    /// the next line is read; accented names decode as typed.
    #[test]
    fn a_line_that_is_not_utf8_is_rejected_where_the_parser_says() {
        let good =
            "{\"ts\":\"2024-05-17T18:46:22Z\",\"user\":\"u1\",\"subject_last_name\":\"NÚÑEZ\"}";
        let mut bad =
            br#"{"ts":"2024-05-17T18:46:22Z","user":"u1","subject_last_name":"N"#.to_vec();
        bad.extend_from_slice(b"\xff\xfeEZ\"}\n");
        let bytes = [bad.as_slice(), good.as_bytes()].concat();
        let (events, stats, rejected) = read_bytes(&bytes);
        assert_eq!((events.len(), rejected, stats.rejected), (1, 1, 1));
        assert_eq!(events[0].subject.last_name.as_deref(), Some("NÚÑEZ"));
        let err = decode_line(&Arc::from("mem.jsonl"), 1, &bad).expect_err("not UTF-8");
        assert!(
            err.problem
                .starts_with("invalid JSON: invalid unicode code point"),
            "{}",
            err.problem
        );
    }

    proptest! {
        /// Any bytes at all: no panic, and every non-blank line is either an event or a reject.
        #[test]
        fn random_bytes_never_panic_and_nothing_is_lost(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let (events, stats, rejected) = read_bytes(&bytes);
            let non_blank = bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(|b| b.is_ascii_whitespace()))
                .count() as u64;
            prop_assert_eq!(events.len() as u64, stats.events);
            prop_assert_eq!(rejected, stats.rejected);
            prop_assert_eq!(stats.events + stats.rejected, non_blank);
        }

        /// Well-formed records with arbitrary text fields and offsets decode to the same
        /// instant and keep every value as written.
        #[test]
        fn well_formed_records_round_trip(
            user in "[a-z][a-z0-9._-]{0,11}",
            last in "\\PC{0,20}",
            secs in 0i64..4_000_000_000,
            offset_min in -720i32..=840,
        ) {
            let ts = chrono::DateTime::from_timestamp(secs, 0).expect("in range");
            let off = chrono::FixedOffset::east_opt(offset_min * 60).expect("offset");
            let line = serde_json::json!({
                "ts": ts.with_timezone(&off).to_rfc3339(),
                "user": user,
                "subject_last_name": last,
            });
            let (events, stats, _) = read_bytes(format!("{line}\n").as_bytes());
            prop_assert_eq!(stats.events, 1);
            prop_assert_eq!(events[0].ts, ts);
            prop_assert_eq!(&events[0].user, &user);
            let expect_last = if last.trim().is_empty() { None } else { Some(last.trim().to_string()) };
            prop_assert_eq!(events[0].subject.last_name.as_deref().map(str::to_string), expect_last);
        }

        /// Fields are read without building a JSON map (strings borrowed from the line):
        /// every record gives the event it gives through `serde_json`'s own map, and a
        /// record refused one way is refused the other. Values of every JSON type, strings
        /// with escapes and spaces, repeated keys and nested subjects with unknown keys.
        #[test]
        fn fields_read_in_place_decode_as_a_json_map_does(
            pairs in proptest::collection::vec(field(&["client", "case_id", "subject_last_name"], &["shift", "note"]), 0..10),
            nested in proptest::collection::vec(field(&["last_name", "first_name", "plate"], &["eye_colour", "aa"]), 0..6),
            with_nested in any::<bool>(),
        ) {
            let mut text = String::from(r#"{"ts":"2024-05-17T18:46:22Z","user":"u1""#);
            // A key repeated at the top level is read in line order (a bad first value is
            // refused even when a later one is good), as it was before fields were read in
            // place; only a nested subject is read as a map.
            let mut seen = std::collections::HashSet::new();
            let pairs: Vec<_> = pairs.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
            for (k, v) in &pairs {
                text.push_str(&format!(",{}:{v}", serde_json::to_string(k).expect("key")));
            }
            if with_nested {
                let inner: Vec<String> = nested
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).expect("key")))
                    .collect();
                text.push_str(&format!(r#","subject":{{{}}}"#, inner.join(",")));
            }
            text.push('}');
            let name: Arc<str> = Arc::from("mem.jsonl");
            let in_place = decode_line(&name, 1, text.as_bytes());
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&text).expect("valid JSON");
            let origin = Origin { file: Arc::clone(&name), line: 1 };
            let via_map = crate::source::decode::decode_record(
                crate::source::decode::fields_from_map(map),
                origin,
            );
            match (in_place, via_map) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(_), Err(_)) => {}
                (a, b) => prop_assert!(false, "{text}: in place {a:?}, via a map {b:?}"),
            }
        }
    }

    /// A field of a record: one of `strings` (a contract string field) with a string or a
    /// number, now and then anything; or one of `others` (unknown to the contract) with any
    /// value. Mostly valid, so that most records decode and their events are compared.
    fn field(
        strings: &'static [&'static str],
        others: &'static [&'static str],
    ) -> impl Strategy<Value = (String, String)> {
        let string_field = (
            proptest::sample::select(strings),
            prop_oneof![9 => text_value(), 1 => value(2)],
        );
        let other_field = (proptest::sample::select(others), value(2));
        prop_oneof![string_field, other_field].prop_map(|(k, v)| (k.to_string(), v))
    }

    fn text_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ a-zA-Z0-9\\-]{0,8}".prop_map(|s| serde_json::to_string(&s).expect("string")),
            Just(r#""a\u0062c""#.to_string()),
            Just(r#"" padded ""#.to_string()),
            (0u64..100_000).prop_map(|n| n.to_string()),
            Just("null".to_string()),
        ]
    }

    /// A JSON value as text, nested up to `depth`.
    fn value(depth: u32) -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            text_value(),
            Just("true".to_string()),
            Just("-3".to_string()),
            Just("1.5".to_string()),
        ];
        leaf.prop_recursive(depth, 8, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec(("[a-z]{1,3}", inner), 0..3).prop_map(|v| {
                    let fields: Vec<String> =
                        v.iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                    format!("{{{}}}", fields.join(","))
                }),
            ]
        })
    }
}
