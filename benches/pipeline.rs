//! End-to-end throughput: decode JSON lines, resolve identities, run every detector and
//! write alerts, on a generated world. Reports events per second (criterion's throughput).
//!
//! Run: `cargo bench --bench pipeline`. The world is generated once into a temporary
//! directory (seed 42, 300 users, 30 days: the default world of `custodes gen`).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use custodes::alert::sink::JsonLinesSink;
use custodes::config::Config;
use custodes::detect::Engine;
use custodes::gen::{generate, GenOptions};
use custodes::identity::Resolver;
use custodes::refs::RefData;
use custodes::source::{self, Format, RejectSink};

fn run_once(world: &Path) -> u64 {
    let mut rejects = RejectSink::counting();
    let refs = RefData::load(&world.join("refs"), &mut rejects).expect("refs");
    let mut engine = Engine::new(Resolver::new(refs, Config::default()));
    let mut sink = JsonLinesSink::file(Path::new("/dev/null")).expect("sink");
    let mut alerts = Vec::new();
    let mut events = 0u64;
    source::read_file(
        &world.join("events.jsonl"),
        Format::JsonLines { gzip: false },
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
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(summary.events as u64));
    group.bench_function("jsonl_end_to_end", |b| {
        b.iter(|| black_box(run_once(dir.path())))
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
