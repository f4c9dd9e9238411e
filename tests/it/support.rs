//! Shared helpers: run the binary, read alerts back.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn custodes() -> Command {
    Command::cargo_bin("custodes").expect("binary builds")
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}: bad JSON {e}: {l}", path.display()))
        })
        .collect()
}

/// (detector, kind, user, sorted event ids) for each alert, sorted.
pub fn alert_keys(alerts: &[Value]) -> Vec<(String, String, String, Vec<String>)> {
    let mut keys: Vec<_> = alerts
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            let mut ids: Vec<String> = a["event_ids"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            ids.sort();
            (s("detector"), s("kind"), s("user"), ids)
        })
        .collect();
    keys.sort();
    keys
}

/// Runs `custodes audit --quiet` on a fixture world (`tests/fixtures/NAME/{refs,events.jsonl}`),
/// optionally with a configuration file's text, and returns the alerts.
pub fn audit_fixture(name: &str, config: Option<&str>) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("alerts.jsonl");
    let world = fixtures().join(name);
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"])
        .arg(world.join("refs"));
    if let Some(text) = config {
        let cfg = dir.path().join("custodes.toml");
        std::fs::write(&cfg, text).expect("write config");
        cmd.arg("--config").arg(cfg);
    }
    cmd.arg("--out")
        .arg(&out)
        .arg(world.join("events.jsonl"))
        .assert()
        .success();
    read_jsonl(&out)
}

/// A running `custodes serve`, killed when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Sends SIGTERM and waits up to `within` for the process to end; its exit status, or
    /// `None` when it was still running (it is killed then).
    #[cfg(unix)]
    pub fn terminate(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        let until = std::time::Instant::now() + within;
        while std::time::Instant::now() < until {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return Some(st);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }
}

/// Starts `custodes serve` on a free loopback port and waits until it says where.
pub fn start_server(db: &Path) -> Server {
    start_server_with(db, &[])
}

/// The same, with more arguments for `serve`.
pub fn start_server_with(db: &Path, extra: &[&str]) -> Server {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("custodes"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(extra)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("custodes serve starts");
    let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr is piped"));
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            err.read_line(&mut line).expect("stderr") > 0,
            "serve exited early"
        );
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.trim().trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    Server { child, addr }
}

/// Every login, last name, first name and date of birth the reference data knows (4
/// characters or more): what the oversight role must never receive.
pub fn reference_secrets(refs: &Path) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for f in [
        "personnel.csv",
        "associations.csv",
        "case_subjects.csv",
        "watchlist.csv",
    ] {
        let Ok(mut r) = csv::Reader::from_path(refs.join(f)) else {
            continue;
        };
        let headers = r.headers().expect("header row").clone();
        for row in r.records() {
            let row = row.expect("CSV row");
            for (h, v) in headers.iter().zip(row.iter()) {
                if ["user", "last_name", "first_name", "dob"].contains(&h) && v.len() >= 4 {
                    out.insert(v.to_string());
                }
            }
        }
    }
    out
}

/// Writes a generated world of 20 users (`custodes gen`) into `dir`.
pub fn gen_world(dir: &Path, seed: u64, days: u32) {
    custodes()
        .args(["gen", "--profile", "classic", "--seed", &seed.to_string()])
        .args(["--users", "20"])
        .args(["--days", &days.to_string(), "--out"])
        .arg(dir)
        .assert()
        .success();
}

/// A generated world (`gen_world(dir, seed, 8)`) audited into a store: (dir, store, refs).
pub fn audited_world(seed: u64) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().to_path_buf();
    gen_world(&w, seed, 8);
    let db = w.join("alerts.db");
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(w.join("refs"))
        .arg("--db")
        .arg(&db)
        .arg(w.join("events.jsonl"))
        .assert()
        .success();
    (dir, db, w.join("refs"))
}

/// Runs `custodes audit --quiet --refs REFS [--config C] --db DB EVENTS`, its alerts beside
/// the store, and fails the test on a failed audit.
pub fn audit_into(refs: &Path, events: &Path, config: Option<&Path>, db: &Path) {
    let mut cmd = custodes();
    cmd.args(["audit", "--quiet", "--refs"]).arg(refs);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(db.with_extension("alerts.jsonl"))
        .arg(events)
        .output()
        .expect("run audit");
    assert!(
        out.status.success(),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
