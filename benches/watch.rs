//! `custodes watch` measured from outside, as an operator sees it: the real binary, a real
//! SQLite store, real sockets and files.
//!
//! * **followed file**: a generated world (seed 42, 300 users × 30 days, ~140,000 events)
//!   appended at once to a file the service follows; events per second from the write to
//!   the store's progress row saying the last byte is committed;
//! * **HTTP**: the same events pushed to `POST /v1/events` in bodies of 2,000 lines by one
//!   client; events per second from the first request to the last line committed;
//! * **latency**: 200 self-lookups, one at a time 20 ms apart, through each source; for
//!   each, the time from the moment it was written (file) or sent (HTTP) to the moment its
//!   alert was first committed to the store (the store stamps rows with the wall clock),
//!   median and 99th percentile. Allowed lateness is 0 here: with lateness L an event waits
//!   for one L seconds later (or L seconds of quiet) before it is analysed.
//!
//! Run: `cargo bench --bench watch` (it builds the binary in release mode first). Not a
//! criterion benchmark: percentiles of single events and one long sustained run are what
//! an operator asks about.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use custodes::gen::{generate, GenOptions};

const BIN: &str = env!("CARGO_BIN_EXE_custodes");
const TOKEN: &str = "bench-token-0123456789";

struct Service {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Service {
    fn start(args: &[String]) -> Service {
        let mut child = Command::new(BIN)
            .arg("watch")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start custodes watch");
        let log = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().expect("stderr");
        let l = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut g = l.lock().expect("log");
                g.push_str(&line);
                g.push('\n');
            }
        });
        Service { child, log }
    }

    fn addr(&self) -> String {
        let start = Instant::now();
        loop {
            let log = self.log.lock().expect("log").clone();
            if let Some(at) = log.find("addr=") {
                return log[at + 5..]
                    .split_whitespace()
                    .next()
                    .expect("addr")
                    .to_string();
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no address: {log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    let code = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, resp)
}

fn progress_offset(db: &Path, source: &str) -> u64 {
    let Ok(c) = rusqlite::Connection::open(db) else {
        return 0;
    };
    let text: String = c
        .query_row(
            "SELECT position FROM progress WHERE source = ?1",
            [source],
            |r| r.get(0),
        )
        .unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["offset"].as_u64())
        .unwrap_or(0)
}

fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Self-lookup lines for the first `n` officers of the world, one second apart.
fn self_lookups(refs: &Path, n: usize, tag: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(refs.join("personnel.csv")).expect("personnel");
    let headers = r.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (u, l, f, d) = (col("user"), col("last_name"), col("first_name"), col("dob"));
    r.records()
        .take(n)
        .enumerate()
        .map(|(i, rec)| {
            let rec = rec.expect("row");
            let id = format!("{tag}-{i}");
            let ts = format!("2030-01-01T10:{:02}:{:02}Z", i / 60, i % 60);
            let line = serde_json::json!({
                "id": id, "ts": ts, "user": &rec[u],
                "subject_last_name": &rec[l], "subject_first_name": &rec[f], "subject_dob": &rec[d],
            });
            (id, format!("{line}\n"))
        })
        .collect()
}

/// First-commit time of the alert behind each event id.
fn committed_us(db: &Path, ids: &[String]) -> Vec<Option<i64>> {
    let c = rusqlite::Connection::open(db).expect("db");
    ids.iter()
        .map(|id| {
            c.query_row(
                "SELECT min(a.first_committed_us) FROM alert_events e JOIN alerts a USING (alert_id)
                 WHERE e.event_id = ?1 AND a.detector = 'self_query'",
                [id],
                |r| r.get::<_, Option<i64>>(0),
            )
            .ok()
            .flatten()
        })
        .collect()
}

fn report_latency(what: &str, sent: &[i64], committed: &[Option<i64>]) {
    let mut ms: Vec<f64> = sent
        .iter()
        .zip(committed)
        .filter_map(|(s, c)| c.map(|c| (c - s) as f64 / 1000.0))
        .collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        println!("watch/latency/{what}: no alert committed");
        return;
    }
    println!(
        "watch/latency/{what}: {} of {} alerts; arrival -> alert committed: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        sent.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms[ms.len() - 1]
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would too: run only for bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let world = dir.path().join("world");
    generate(
        &GenOptions {
            seed: 42,
            ..GenOptions::default()
        },
        &world,
    )
    .expect("generate");
    let refs = world.join("refs");
    let events = std::fs::read(world.join("events.jsonl")).expect("events");
    let n = events.iter().filter(|b| **b == b'\n').count();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).expect("token");
    let s = |p: &Path| p.display().to_string();

    // Followed file, sustained.
    let live = dir.path().join("live.jsonl");
    std::fs::write(&live, b"").expect("live");
    let db = dir.path().join("file.db");
    let svc = Service::start(&["--refs".into(), s(&refs), "--db".into(), s(&db), s(&live)]);
    std::thread::sleep(Duration::from_millis(500));
    let t0 = Instant::now();
    std::fs::write(&live, &events).expect("append");
    wait_until(Duration::from_secs(600), || {
        progress_offset(&db, &s(&live)) == events.len() as u64
    });
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "watch/followed_file: {n} events in {secs:.2} s = {:.0} events/s (written at once, until the last byte's progress was committed)",
        n as f64 / secs
    );
    svc.stop();

    // HTTP, sustained.
    let db = dir.path().join("http.db");
    let svc = Service::start(&[
        "--refs".into(),
        s(&refs),
        "--db".into(),
        s(&db),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--http-token-file".into(),
        s(&token_file),
    ]);
    let addr = svc.addr();
    let lines: Vec<&[u8]> = events.split_inclusive(|b| *b == b'\n').collect();
    let t0 = Instant::now();
    let mut retries = 0;
    for chunk in lines.chunks(2000) {
        let body: Vec<u8> = chunk.concat();
        loop {
            let (code, resp) = http(&addr, "POST", "/v1/events", &body);
            match code {
                200 => break,
                429 | 503 => {
                    retries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => panic!("push failed: {resp}"),
            }
        }
    }
    let accepted = t0.elapsed().as_secs_f64();
    wait_until(Duration::from_secs(600), || {
        progress_offset(&db, "http") as usize == n + 1
    });
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "watch/http: {n} events in {secs:.2} s = {:.0} events/s committed (all bodies of 2,000 lines accepted after {accepted:.2} s = {:.0} events/s stored; {retries} retries after 429)",
        n as f64 / secs,
        n as f64 / accepted
    );
    svc.stop();

    // Latency, HTTP.
    let db = dir.path().join("lat-http.db");
    let svc = Service::start(&[
        "--refs".into(),
        s(&refs),
        "--db".into(),
        s(&db),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--http-token-file".into(),
        s(&token_file),
        "--allowed-lateness".into(),
        "0".into(),
    ]);
    let addr = svc.addr();
    let probes = self_lookups(&refs, 200, "lat-http");
    let mut sent = Vec::new();
    for (_, line) in &probes {
        sent.push(now_us());
        let (code, resp) = http(&addr, "POST", "/v1/events", line.as_bytes());
        assert_eq!(code, 200, "{resp}");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    svc.stop();
    let ids: Vec<String> = probes.iter().map(|p| p.0.clone()).collect();
    report_latency("http", &sent, &committed_us(&db, &ids));

    // Latency, followed file (default poll interval, 200 ms).
    let db = dir.path().join("lat-file.db");
    let live = dir.path().join("lat.jsonl");
    std::fs::write(&live, b"").expect("live");
    let svc = Service::start(&[
        "--refs".into(),
        s(&refs),
        "--db".into(),
        s(&db),
        "--allowed-lateness".into(),
        "0".into(),
        s(&live),
    ]);
    std::thread::sleep(Duration::from_millis(500));
    let probes = self_lookups(&refs, 200, "lat-file");
    let mut sent = Vec::new();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .expect("open");
    for (_, line) in &probes {
        sent.push(now_us());
        f.write_all(line.as_bytes()).expect("append");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1000));
    svc.stop();
    let ids: Vec<String> = probes.iter().map(|p| p.0.clone()).collect();
    report_latency(
        "followed_file (poll 200 ms)",
        &sent,
        &committed_us(&db, &ids),
    );
}
