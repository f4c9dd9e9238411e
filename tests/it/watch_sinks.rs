//! Issue 15: `custodes watch --sink` delivers final alerts with its progress in the store.
//! An HTTP receiver on loopback takes alerts, goes down (503) while detection goes on and
//! `/metrics` shows the backlog, `watch` is SIGKILLed, the receiver recovers and `watch`
//! restarts: the receiver ends with every alert of the batch audit exactly once. An OCSF
//! file sink over two `--once` runs on one store gets each final alert once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::support::{custodes, read_jsonl};
use crate::watch::{
    append, batch, http, metric, os, progress, query_i64, wait_for, world, Service,
};

/// What the receiver saw.
#[derive(Default)]
struct Seen {
    /// Alert ids of every batch answered 200, in arrival order (duplicates kept).
    taken: Vec<String>,
    /// Requests answered 503.
    refused: u32,
}

/// A webhook receiver on loopback; answers 503 while `down` is set.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Seen>>,
    down: Arc<AtomicBool>,
    _rt: tokio::runtime::Runtime,
}

impl Receiver {
    fn start() -> Receiver {
        use axum::extract::State;
        use axum::http::StatusCode;
        type St = (Arc<Mutex<Seen>>, Arc<AtomicBool>);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let seen = Arc::new(Mutex::new(Seen::default()));
        let down = Arc::new(AtomicBool::new(false));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        async fn take(State((seen, down)): State<St>, body: String) -> StatusCode {
            let mut s = seen.lock().expect("lock");
            if down.load(Ordering::SeqCst) {
                s.refused += 1;
                return StatusCode::SERVICE_UNAVAILABLE;
            }
            let batch: Vec<Value> = serde_json::from_str(&body).expect("a JSON array");
            for a in batch {
                s.taken
                    .push(a["alert_id"].as_str().expect("alert_id").to_string());
            }
            StatusCode::OK
        }
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(take))
            .with_state((Arc::clone(&seen), Arc::clone(&down)));
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            seen,
            down,
            _rt: rt,
        }
    }

    fn taken(&self) -> Vec<String> {
        self.seen.lock().expect("lock").taken.clone()
    }

    fn refused(&self) -> u32 {
        self.seen.lock().expect("lock").refused
    }
}

/// The index of the first line of the `n`th UTC day (0-based) of a generated world.
fn day_start(lines: &[String], n: usize) -> usize {
    let day = |l: &String| l.split("\"ts\":\"").nth(1).map(|t| t[..10].to_string());
    let mut days = 0;
    for i in 1..lines.len() {
        if day(&lines[i]) != day(&lines[i - 1]) {
            days += 1;
            if days == n {
                return i;
            }
        }
    }
    panic!("the world has no day {n}");
}

fn metrics(addr: &str) -> String {
    let (code, text) = http(addr, "GET", "/metrics", None, b"");
    assert_eq!(code, 200);
    text
}

/// Alerts in the outbox after the sink's watermark.
fn owed(db: &Path, sink: &str) -> i64 {
    query_i64(
        db,
        &format!(
            "SELECT count(*) FROM sink_outbox
             WHERE seq > (SELECT acked_seq FROM sink_progress WHERE sink = '{sink}')"
        ),
    )
}

fn counts(ids: &[String]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for i in ids {
        *m.entry(i.clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn issue15_sigkill_while_the_sink_is_down_loses_and_duplicates_nothing_at_the_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = world(d, 21, 30, 6);
    let want = batch(d, &d.join("events.jsonl"));
    assert!(want.len() > 20, "the world raises alerts: {}", want.len());
    let rx = Receiver::start();
    let cfg = d.join("custodes.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sinks.hook]\ntype = \"http\"\nurl = \"{}\"\nformat = \"webhook\"\n\
             batch_size = 4\nbackoff_initial_ms = 20\nbackoff_max_ms = 200\n",
            rx.url
        ),
    )
    .unwrap();
    let live = d.join("live.jsonl");
    let db = d.join("w.db");
    let refs = d.join("refs");
    let name = live.display().to_string();
    let follow = [
        &"--refs" as &dyn AsRef<std::ffi::OsStr>,
        &refs,
        &"--config",
        &cfg,
        &"--db",
        &db,
        &"--sink",
        &"hook",
        &"--listen",
        &"127.0.0.1:0",
        &"--commit-ms",
        &"50",
        &"--poll-ms",
        &"20",
        &live,
    ];
    let read_to = |upto: usize| -> u64 { lines[..upto].iter().map(|l| l.len() as u64).sum() };

    // 1. The receiver is up: the first two days' alerts are delivered and acknowledged.
    let a = day_start(&lines, 2) + 40;
    append(&live, &lines[..a]);
    let svc = Service::start(&os(&follow));
    let addr = svc.addr();
    wait_for(
        Duration::from_secs(120),
        || progress(&db, &name).is_some_and(|p| p.0 == read_to(a)),
        || svc.log(),
    );
    wait_for(
        Duration::from_secs(60),
        || {
            let m = metrics(&addr);
            metric(&m, "custodes_sink_backlog{sink=\"hook\"}") == 0.0
                && metric(&m, "custodes_sink_delivered_total{sink=\"hook\"}") > 0.0
                && owed(&db, "hook") == 0
        },
        || svc.log(),
    );
    let before = rx.taken();
    assert!(!before.is_empty());
    assert_eq!(
        before.len() as i64,
        query_i64(&db, "SELECT count(*) FROM sink_outbox"),
        "every alert made final so far was delivered"
    );

    // 2. The receiver goes down; two more days are read and analysed all the same, and
    //    /metrics shows what the sink is owed.
    rx.down.store(true, Ordering::SeqCst);
    let b = day_start(&lines, 4) + 40;
    append(&live, &lines[a..b]);
    wait_for(
        Duration::from_secs(120),
        || progress(&db, &name).is_some_and(|p| p.0 == read_to(b)),
        || svc.log(),
    );
    wait_for(
        Duration::from_secs(60),
        || {
            let m = metrics(&addr);
            let backlog = metric(&m, "custodes_sink_backlog{sink=\"hook\"}");
            backlog > 0.0
                && backlog == owed(&db, "hook") as f64
                && metric(&m, "custodes_sink_failures_total{sink=\"hook\"}") >= 2.0
        },
        || format!("{}\n{}", metrics(&addr), svc.log()),
    );
    assert!(rx.refused() >= 2);
    let m = metrics(&addr);
    assert!(
        metric(&m, &format!("custodes_events_total{{source=\"{name}\"}}")) > 0.0,
        "{m}"
    );
    assert!(
        svc.log().contains("Sink did not take the batch; retrying"),
        "{}",
        svc.log()
    );
    let owed_at_kill = owed(&db, "hook");
    assert!(owed_at_kill > 0);
    assert_eq!(rx.taken(), before, "nothing was taken while down");
    drop(svc); // SIGKILL, with alerts owed to the sink.

    // 3. The receiver recovers, the rest of the log arrives, and watch runs again.
    rx.down.store(false, Ordering::SeqCst);
    append(&live, &lines[b..]);
    let once = [
        &"--refs" as &dyn AsRef<std::ffi::OsStr>,
        &refs,
        &"--config",
        &cfg,
        &"--db",
        &db,
        &"--sink",
        &"hook",
        &"--once",
        &live,
    ];
    let second = Service::start(&os(&once));
    let (status, log) = second.finish(Duration::from_secs(180));
    assert!(status.success(), "{log}");
    assert!(log.contains(&format!("backlog={owed_at_kill}")), "{log}");

    let got = counts(&rx.taken());
    let twice: Vec<(&String, &usize)> = got.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "alerts the receiver got twice: {twice:?}");
    let missing: Vec<&String> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(owed(&db, "hook"), 0);
    assert_eq!(
        query_i64(
            &db,
            "SELECT delivered FROM sink_progress WHERE sink = 'hook'"
        ),
        want.len() as i64
    );
}

#[test]
fn issue15_a_file_sink_gets_each_final_alert_once_over_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = world(d, 22, 20, 4);
    let want = batch(d, &d.join("events.jsonl"));
    let findings = d.join("findings.jsonl");
    let cfg = d.join("custodes.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sinks.ocsf]\ntype = \"ocsf_file\"\npath = \"{}\"\n",
            findings.display()
        ),
    )
    .unwrap();
    let live = d.join("live.jsonl");
    let run = |sink: &[&str]| {
        custodes()
            .args(["watch", "--once", "--refs"])
            .arg(d.join("refs"))
            .arg("--config")
            .arg(&cfg)
            .arg("--db")
            .arg(d.join("w.db"))
            .args(sink)
            .arg(&live)
            .assert()
            .success();
    };
    // Half the log, then all of it: the second run replays the open day and delivers only
    // what became final since.
    append(&live, &lines[..day_start(&lines, 2)]);
    run(&["--sink", "ocsf"]);
    let first = read_jsonl(&findings).len();
    assert!(first > 0);
    append(&live, &lines[day_start(&lines, 2)..]);
    run(&["--sink", "ocsf"]);
    let got: Vec<String> = read_jsonl(&findings)
        .iter()
        .map(|f| f["finding_info"]["uid"].as_str().unwrap().to_string())
        .collect();
    assert!(got.len() > first);
    let got = counts(&got);
    assert!(got.values().all(|n| *n == 1), "{got:?}");
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&findings).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An unknown sink is a usage error naming the configured ones.
    let out = custodes()
        .args(["watch", "--once", "--refs"])
        .arg(d.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(d.join("w.db"))
        .args(["--sink", "nope"])
        .arg(&live)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sink `nope` is not configured (configured: ocsf)"),
        "{err}"
    );
}

#[test]
fn issue15_once_with_a_sink_that_stays_down_exits_2_and_keeps_its_alerts_owed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    world(d, 23, 20, 3);
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let cfg = d.join("custodes.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sinks.down]\ntype = \"http\"\nurl = \"http://127.0.0.1:{port}/x\"\nformat = \"webhook\"\n\
             max_attempts = 3\nbackoff_initial_ms = 10\nbackoff_max_ms = 20\n"
        ),
    )
    .unwrap();
    let db = d.join("w.db");
    let out = custodes()
        .args(["watch", "--once", "--refs"])
        .arg(d.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(&db)
        .args(["--sink", "down"])
        .arg(d.join("events.jsonl"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let finals = query_i64(&db, "SELECT count(*) FROM alerts WHERE final");
    assert!(finals > 0);
    assert!(
        err.contains("sink `down`: gave up after 3 attempts in a row: error sending request")
            && err.contains(&format!("{finals} alert(s) stay owed in the store")),
        "{err}"
    );
    // Detection was complete all the same, and every final alert is still owed.
    assert_eq!(query_i64(&db, "SELECT count(*) FROM sink_outbox"), finals);
    assert_eq!(owed(&db, "down"), finals);
}

#[test]
fn issue15_watch_sends_cef_over_syslog_one_frame_per_final_alert() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    world(d, 24, 20, 3);
    let want = batch(d, &d.join("events.jsonl"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let collector = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let cfg = d.join("custodes.toml");
    std::fs::write(
        &cfg,
        format!("[sinks.siem]\ntype = \"cef_syslog\"\naddress = \"{addr}\"\n"),
    )
    .unwrap();
    custodes()
        .args(["watch", "--once", "--refs"])
        .arg(d.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(d.join("w.db"))
        .args(["--sink", "siem"])
        .arg(d.join("events.jsonl"))
        .assert()
        .success();
    // The connection was closed cleanly at the end, so the collector read every frame.
    let msgs = crate::sinks::frames(&collector.join().unwrap());
    let ids: Vec<String> = msgs
        .iter()
        .map(|m| {
            m.split("externalId=")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .expect("externalId")
                .to_string()
        })
        .collect();
    let got = counts(&ids);
    assert!(got.values().all(|n| *n == 1), "{got:?}");
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    assert!(msgs.iter().all(|m| m.contains("CEF:0|custodes|custodes|")));
}
