//! End-to-end throughput on a generated world (seed 42, the default 300 users over 30 days,
//! about 139,000 events), reported by criterion as events per second:
//!
//! * `jsonl_end_to_end` — decode JSON lines, resolve identities, run every detector, write
//!   alerts (to `/dev/null`), with reference data already indexed, as in a long audit;
//! * `refs_load_and_index` — reading the reference tables and building the indexes, which a
//!   run pays once;
//! * `baseline/history_60d_400u` — `custodes baseline` over 60 days of a 400-user world
//!   (seed 42, about 330,000 events): decode, resolve, and the polars group-bys, reported as
//!   events per second and time per run.
//!
//! * `pgaudit/read_jsonlog` — the pgAudit reader alone on the same world written as a
//!   PostgreSQL jsonlog (an OBJECT and a SESSION line per lookup, `$n` parameters and a
//!   sqlcommenter case; one session per user and day): records, payload, SQL parse,
//!   merge; reported as lookups (statements) per second.
//!
//! Run: `cargo bench --bench pipeline`. `CUSTODES_BENCH_PGLOG=FILE` also keeps the
//! generated jsonlog in FILE, to time `custodes audit --format pgaudit` on it. Peak memory is measured on the whole binary with
//! `/usr/bin/time -v` (see the README).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use custodes::alert::sink::JsonLinesSink;
use custodes::baseline::{self, History};
use custodes::config::Config;
use custodes::detect::Engine;
use custodes::gen::{generate, GenOptions};
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::source::{self, Format, RejectSink};

fn load(world: &Path) -> Arc<Resolver> {
    let refs = RefData::load(&world.join("refs"), &mut RejectSink::counting()).expect("refs");
    Arc::new(Resolver::new(refs, Config::default()))
}

fn run_events(world: &Path, resolver: &Arc<Resolver>) -> u64 {
    let mut rejects = RejectSink::counting();
    let mut engine = Engine::new(Arc::clone(resolver));
    let mut sink = JsonLinesSink::file(Path::new("/dev/null")).expect("sink");
    let mut alerts = Vec::new();
    let mut events = 0u64;
    source::read_file(
        &world.join("events.jsonl"),
        Format::JsonLines { gzip: false },
        &source::ReadOptions::new(&Config::default()).expect("options"),
        &mut rejects,
        &mut |ev| {
            events += 1;
            engine.push(&ev, &mut alerts);
            for a in alerts.drain(..) {
                sink.write(&a).expect("write");
            }
        },
    )
    .expect("read");
    engine.finish(&mut alerts);
    for a in alerts.drain(..) {
        sink.write(&a).expect("write");
    }
    sink.finish().expect("flush");
    events
}

fn pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = GenOptions {
        seed: 42,
        ..GenOptions::default()
    };
    let summary = generate(&opts, dir.path()).expect("generate");
    let resolver = load(dir.path());
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(summary.events as u64));
    group.bench_function("jsonl_end_to_end", |b| {
        b.iter(|| black_box(run_events(dir.path(), &resolver)))
    });
    group.finish();
    let mut group = c.benchmark_group("refs");
    group.sample_size(10);
    group.bench_function("refs_load_and_index", |b| {
        b.iter(|| black_box(load(dir.path())))
    });
    group.finish();
}

fn baseline_build(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = GenOptions {
        seed: 42,
        users: 400,
        days: 60,
        ..GenOptions::default()
    };
    let summary = generate(&opts, dir.path()).expect("generate");
    let resolver = load(dir.path());
    let inputs = source::discover(
        &[dir.path().join("events.jsonl")],
        source::FormatChoice::Auto,
    )
    .expect("inputs");
    let read_opts = source::ReadOptions::new(&Config::default()).expect("options");
    let mut group = c.benchmark_group("baseline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(summary.events as u64));
    group.bench_function("history_60d_400u", |b| {
        b.iter(|| {
            let mut history = History::new(90);
            let stats = baseline::build(
                &inputs,
                &read_opts,
                &resolver,
                &mut RejectSink::counting(),
                &mut history,
            )
            .expect("build");
            black_box((stats.counted, history.user_rows().len()))
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline, baseline_build, pgaudit_read);
criterion_main!(benches);

/// The world's events as PostgreSQL 15 + pgAudit would log them: each user's day is one
/// session; each lookup a SELECT on `persons` with bound parameters, logged as an OBJECT
/// and a SESSION line, with its case in a sqlcommenter comment.
fn world_as_jsonlog(events: &Path, out: &Path) -> u64 {
    use std::io::{BufRead, Write};
    let input = std::io::BufReader::new(std::fs::File::open(events).expect("events"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(out).expect("jsonlog"));
    let mut sessions: std::collections::HashMap<(String, String), (String, u64)> =
        Default::default();
    let mut statements = 0u64;
    for line in input.lines() {
        let line = line.expect("line");
        let ev: serde_json::Value = serde_json::from_str(&line).expect("json");
        let ts = ev["ts"].as_str().expect("ts");
        let user = ev["user"].as_str().expect("user").to_string();
        let subject = |k: &str| {
            ev.get(format!("subject_{k}"))
                .or_else(|| ev.get("subject").and_then(|s| s.get(k)))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let when = chrono::DateTime::parse_from_rfc3339(ts)
            .expect("ts")
            .with_timezone(&chrono::Utc);
        let stamp = when.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string();
        let n = sessions.len();
        let (sid, next) = sessions
            .entry((user.clone(), when.format("%F").to_string()))
            .or_insert_with(|| (format!("{:x}.{:x}", when.timestamp(), n), 0));
        *next += 1;
        let (text, params) = match (
            subject("last_name"),
            subject("dob"),
            subject("person_id"),
            subject("plate"),
        ) {
            (Some(l), Some(d), _, _) => (
                "SELECT * FROM persons WHERE lower(last_name) = lower($1) AND dob = $2::date",
                vec![l, d],
            ),
            (Some(l), None, _, _) => ("SELECT * FROM persons WHERE last_name = $1", vec![l]),
            (_, _, Some(p), _) => ("SELECT * FROM persons WHERE person_id = $1", vec![p]),
            (_, _, _, Some(p)) => ("SELECT * FROM persons p WHERE p.plate = $1", vec![p]),
            _ => ("SELECT count(*) FROM persons", vec![]),
        };
        let case = ev["case_id"].as_str().unwrap_or_default();
        let text = if case.is_empty() {
            text.to_string()
        } else {
            format!("{text} /*case_id='{case}',purpose='lookup'*/")
        };
        let mut pw = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let p = if params.is_empty() {
            "<none>".to_string()
        } else {
            pw.write_record(&params).expect("params");
            String::from_utf8(pw.into_inner().expect("params"))
                .expect("utf8")
                .trim_end()
                .to_string()
        };
        for kind in ["OBJECT", "SESSION"] {
            let mut rw = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            rw.write_record([
                kind,
                &next.to_string(),
                "1",
                "READ",
                "SELECT",
                "TABLE",
                "public.persons",
                &text,
                &p,
                "1",
            ])
            .expect("payload");
            let payload = String::from_utf8(rw.into_inner().expect("payload")).expect("utf8");
            let rec = serde_json::json!({
                "timestamp": stamp, "user": user, "dbname": "records", "pid": 4000 + n,
                "remote_host": ev["ip"].as_str().unwrap_or("10.0.0.1"), "session_id": sid,
                "vxid": format!("3/{next}"), "error_severity": "LOG",
                "message": format!("AUDIT: {}", payload.trim_end()),
                "application_name": ev["client"].as_str().unwrap_or("rms"),
                "backend_type": "client backend",
            });
            writeln!(w, "{rec}").expect("write");
        }
        statements += 1;
    }
    w.flush().expect("flush");
    statements
}

fn pgaudit_read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = GenOptions {
        seed: 42,
        ..GenOptions::default()
    };
    generate(&opts, dir.path()).expect("generate");
    let log = match std::env::var_os("CUSTODES_BENCH_PGLOG") {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("postgresql.json"),
    };
    let statements = world_as_jsonlog(&dir.path().join("events.jsonl"), &log);
    let config = Config::parse(
        "[pgaudit.subject_columns]\n\"persons.person_id\" = \"person_id\"\n\"persons.last_name\" = \"last_name\"\n\"persons.dob\" = \"dob\"\n\"persons.plate\" = \"plate\"\n",
    )
    .expect("config");
    let read_opts = source::ReadOptions::new(&config).expect("options");
    let mut group = c.benchmark_group("pgaudit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(statements));
    group.bench_function("read_jsonlog", |b| {
        b.iter(|| {
            let mut n = 0u64;
            source::read_file(
                &log,
                Format::Pgaudit,
                &read_opts,
                &mut RejectSink::counting(),
                &mut |_| n += 1,
            )
            .expect("read");
            assert_eq!(n, statements);
            black_box(n)
        })
    });
    group.finish();
}
