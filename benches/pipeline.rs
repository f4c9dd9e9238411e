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
//!   PostgreSQL jsonlog by `custodes::gen::pgaudit` (an OBJECT and a SESSION line per
//!   lookup, `$n` parameters, a sqlcommenter case, connection lines): records, payload,
//!   SQL parse, merge; reported as events (statements and connection events) per second.
//!
//! * `cases_per_login/subjects_{1,5,20}/{10,100,1000,3000}` — the detection engine alone over
//!   a fixed batch of 20,000 lookups while each of 50 logins holds 10 to 3,000 open cases of
//!   1 to 20 subjects each (up to 3,000,000 case subjects): events per second should not
//!   fall as the case load grows. The worlds and the lookup mix are described in
//!   `benches/case_load/mod.rs`; run that group alone with
//!   `cargo bench --bench pipeline -- cases_per_login`.
//!
//! Run: `cargo bench --bench pipeline`. `CUSTODES_BENCH_PGLOG=FILE` also keeps the
//! generated jsonlog in FILE, to time `custodes audit --format pgaudit` on it. Peak memory is measured on the whole binary with
//! `/usr/bin/time -v` (see the README).

mod case_load;

/// The allocator the `custodes` binary uses (`src/main.rs`), so that what is timed here is
/// what ships: under glibc's allocator a fifth of the engine's time was `malloc` and `free`.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use custodes::alert::sink::JsonLinesSink;
use custodes::baseline::History;
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
    let mut engine = Engine::new(Arc::clone(resolver), Arc::new(Config::default()));
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
            let stats = custodes::run::baseline::build(
                &inputs,
                &read_opts,
                &resolver,
                &Config::default(),
                &mut RejectSink::counting(),
                &mut history,
            )
            .expect("build");
            black_box((stats.counted, history.user_rows().len()))
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    pipeline,
    baseline_build,
    pgaudit_read,
    case_load::cases_per_login
);
criterion_main!(benches);

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
    let events = std::fs::File::open(dir.path().join("events.jsonl")).expect("events");
    let out = std::fs::File::create(&log).expect("jsonlog");
    let statements = custodes::gen::pgaudit::write_jsonlog(
        std::io::BufReader::new(events),
        std::io::BufWriter::new(out),
    )
    .expect("jsonlog");
    let config = Config::parse(custodes::gen::pgaudit::CONFIG).expect("config");
    let read_opts = source::ReadOptions::new(&config).expect("options");
    // Statements and connection lines both become events.
    let mut events = 0u64;
    source::read_file(
        &log,
        Format::Pgaudit,
        &read_opts,
        &mut RejectSink::counting(),
        &mut |_| events += 1,
    )
    .expect("read");
    assert!(events >= statements);
    let mut group = c.benchmark_group("pgaudit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
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
            assert_eq!(n, events);
            black_box(n)
        })
    });
    group.finish();
}
