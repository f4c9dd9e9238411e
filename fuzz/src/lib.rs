//! Fuzz harnesses for custodes' readers: one function per reader, each taking arbitrary
//! bytes through the library's public decoding entry points, as a file or a followed
//! stream would deliver them. The binaries in `src/bin/` hand them to AFL++ (afl.rs).
//!
//! A harness must not lower its guard to make a crash go away: a panic here is a bug in
//! the library, fixed there with a regression test. Besides "does not panic", each harness
//! checks properties the library documents (counts add up, the line cutter loses no byte,
//! an event read back from its contract JSON is the same event), so that the fuzzer finds
//! wrong answers and not only crashes. Nothing here may touch the file system or the
//! network: every input is in memory.

use std::io::BufRead;
use std::sync::{Arc, OnceLock};

use custodes::config::{MariadbConfig, PgauditConfig};
use custodes::event::Event;
use custodes::source::mariadb::{self, MariaSettings};
use custodes::source::pgaudit::sql::{self, ColumnMap, Dialect};
use custodes::source::pgaudit::{self, Destination, PgSettings};
use custodes::source::{jsonl, RejectSink};
use custodes::watch::follow::Cutter;
use custodes::watch::item::{Line, Position};

/// The subject columns of the test fixtures' records database (`tests/fixtures/*/custodes.toml`).
const COLUMNS: [(&str, &str); 6] = [
    ("persons.person_id", "person_id"),
    ("persons.last_name", "last_name"),
    ("persons.first_name", "first_name"),
    ("persons.dob", "dob"),
    ("persons.address", "address"),
    ("persons.plate", "plate"),
];

fn columns() -> std::collections::BTreeMap<String, String> {
    COLUMNS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Built once per process: AFL's persistent mode runs many inputs in one process.
fn pg_settings() -> &'static Arc<PgSettings> {
    static S: OnceLock<Arc<PgSettings>> = OnceLock::new();
    S.get_or_init(|| {
        let c = PgauditConfig {
            // Exercises the application_name path as well as sqlcommenter and settings.
            application_name_pattern: r"case=(?P<case>[^/;]+)(;purpose=(?P<purpose>.+))?".into(),
            subject_columns: columns(),
            ..PgauditConfig::default()
        };
        Arc::new(PgSettings::new(&c).expect("the harness's pgaudit settings are valid"))
    })
}

fn maria_settings() -> &'static Arc<MariaSettings> {
    static S: OnceLock<Arc<MariaSettings>> = OnceLock::new();
    S.get_or_init(|| {
        let c = MariadbConfig {
            // A zone with daylight saving time: local times that do not exist or exist
            // twice must be handled, not panicked on.
            timezone: "Europe/Berlin".into(),
            subject_columns: columns(),
            ..MariadbConfig::default()
        };
        Arc::new(MariaSettings::new(&c).expect("the harness's mariadb settings are valid"))
    })
}

fn column_map() -> &'static ColumnMap {
    static S: OnceLock<ColumnMap> = OnceLock::new();
    S.get_or_init(|| ColumnMap::new(COLUMNS).expect("the harness's columns are valid"))
}

/// The contract's promise (`Event::to_contract_json`): reading an event's contract JSON
/// back gives the same event, apart from its origin. `custodes convert` relies on it.
fn check_round_trip(ev: &Event) {
    let json = serde_json::Value::Object(ev.to_contract_json()).to_string();
    let name: Arc<str> = Arc::from("round-trip");
    let back = match jsonl::decode_line(&name, 1, json.as_bytes()) {
        Ok(back) => back,
        Err(e) => panic!("an event's contract JSON does not read back: {e:?}\n{json}\n{ev:?}"),
    };
    let mut expected = ev.clone();
    expected.origin = back.origin.clone();
    assert_eq!(back, expected, "round trip changed the event\n{json}");
}

/// Runs a reader over `data`, checks its counts and every event it emits.
fn read_all(
    read: impl FnOnce(
        &mut RejectSink,
        &mut dyn FnMut(Event),
    ) -> Result<custodes::source::FileStats, custodes::source::SourceError>,
) {
    let mut rejects = RejectSink::counting();
    let mut events = 0u64;
    let stats = read(&mut rejects, &mut |ev| {
        events += 1;
        check_round_trip(&ev);
    })
    .expect("a counting reject sink never fails and the input is in memory");
    assert_eq!(stats.events, events, "events counted vs emitted");
    assert_eq!(stats.rejected, rejects.count(), "rejects counted vs sunk");
}

/// Contract JSON lines (`.jsonl`, `-`).
pub fn jsonl(data: &[u8]) {
    read_all(|rejects, emit| jsonl::read_lines("fuzz.jsonl", data, rejects, emit));
}

/// Contract CSV.
pub fn csv(data: &[u8]) {
    read_all(|rejects, emit| custodes::source::csv::read_from("fuzz.csv", data, rejects, emit));
}

fn boxed(data: &[u8]) -> Box<dyn BufRead> {
    Box::new(std::io::Cursor::new(data.to_vec()))
}

fn pgaudit(data: &[u8], dest: Destination) {
    read_all(|rejects, emit| {
        pgaudit::read_from("fuzz.log", boxed(data), dest, pg_settings(), rejects, emit)
            .map(|(stats, _)| stats)
    });
}

/// pgAudit in the stderr destination (`log_line_prefix`, TAB-continued statements).
pub fn pgaudit_stderr(data: &[u8]) {
    pgaudit(data, Destination::Stderr);
}

/// pgAudit in the csvlog destination.
pub fn pgaudit_csv(data: &[u8]) {
    pgaudit(data, Destination::Csv);
}

/// pgAudit in the jsonlog destination: the file reader, then the line decoder that
/// `watch --format pgaudit` uses, line by line.
pub fn pgaudit_json(data: &[u8]) {
    pgaudit(data, Destination::Json);
    let mut dec = pgaudit::LineDecoder::new(pg_settings().clone());
    let name: Arc<str> = Arc::from("fuzz.json");
    let mut out = Vec::new();
    for (i, line) in data.split_inclusive(|b| *b == b'\n').enumerate() {
        out.clear();
        if dec.decode(&name, i as u64 + 1, line, &mut out).is_ok() {
            out.iter().for_each(check_round_trip);
        }
    }
}

/// MariaDB `server_audit` (file and syslog destinations).
pub fn mariadb(data: &[u8]) {
    read_all(|rejects, emit| {
        mariadb::read_from("fuzz.log", boxed(data), maria_settings(), rejects, emit)
    });
}

/// The SQL analysis: the first byte picks the dialect; NUL bytes separate the statement
/// from the logged parameter values.
pub fn sql(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let dialect = if first & 1 == 0 {
        Dialect::PostgreSql
    } else {
        Dialect::MySql
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let statement = parts.next().unwrap_or("");
    let params: Vec<String> = parts.map(str::to_string).collect();
    let _ = sql::analyse_in(dialect, statement, &params, column_map());
    let _ = sql::parse_sqlcommenter(statement);
}

/// The line cutter of followed files. The first two bytes choose the longest line kept
/// (small, to reach the over-long path often), the third how the rest is split into
/// reads. Checks: the same lines whatever the reads; lines follow each other without gap
/// or overlap; whole lines are exactly the input; an over-long line keeps a prefix of
/// itself, at most 4 KiB; nothing is lost at the end.
pub fn cutter(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let max_line = 1 + usize::from(u16::from_le_bytes([data[0], data[1]])) % 6000;
    let mut step = usize::from(data[2]);
    let input = &data[3..];
    let start = Position::start(None);

    let whole = {
        let mut c = Cutter::new(start, max_line);
        let mut out = Vec::new();
        c.feed(input, &mut out);
        c.flush(&mut out);
        out
    };
    let mut c = Cutter::new(start, max_line);
    let mut chunked = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        // A cheap varying read size, 1..=64 bytes.
        step = step.wrapping_mul(29).wrapping_add(7);
        let n = (1 + step % 64).min(rest.len());
        c.feed(&rest[..n], &mut chunked);
        rest = &rest[n..];
        assert_eq!(c.read_offset(), (input.len() - rest.len()) as u64);
    }
    c.flush(&mut chunked);
    assert_eq!(whole, chunked, "lines depend on how the input was read");
    check_lines(input, start, &whole);
}

fn check_lines(input: &[u8], start: Position, lines: &[Line]) {
    let mut at = start;
    for l in lines {
        assert_eq!(l.at, at, "a gap or an overlap between lines");
        assert_eq!(l.next.line, l.at.line + 1, "one line, one line number");
        let a = usize::try_from(l.at.offset).expect("offset fits");
        let b = usize::try_from(l.next.offset).expect("offset fits");
        let original = &input[a..b];
        match &l.problem {
            None => assert_eq!(l.bytes, original, "a whole line is its bytes"),
            Some(_) => {
                assert!(
                    l.bytes.len() <= 4096,
                    "an over-long line keeps at most 4 KiB"
                );
                assert!(
                    original.starts_with(&l.bytes),
                    "kept bytes are the line's start"
                );
            }
        }
        if b < input.len() {
            assert_eq!(
                input[b - 1],
                b'\n',
                "a line inside the input ends with its newline"
            );
        }
        at = l.next;
    }
    assert_eq!(at.offset, input.len() as u64, "bytes lost at the end");
}
