//! Issue 18: `custodes watch` reads every generation of a rotated file after a restart
//! (two renames while down, a rename before the first checkpoint, after one; dated and
//! compressed names; `copytruncate`), reports what it cannot read (WARN, the store,
//! `/metrics`, exit 2 for `--once`), and survives random SIGKILLs while a writer appends
//! and rotates, ending with the batch audit's alerts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::watch::{
    append, assert_same_as_batch, batch, http, metric, os, progress, query_i64, wait_for, world,
    Service,
};

/// A generated world and a followed file in a temporary directory.
struct Scene {
    _dir: tempfile::TempDir,
    d: PathBuf,
    lines: Vec<String>,
    want: std::collections::BTreeMap<String, Value>,
    live: PathBuf,
    db: PathBuf,
    refs: PathBuf,
}

fn scene(seed: u64, users: u32, days: u32) -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let lines = world(&d, seed, users, days);
    let want = batch(&d, &d.join("events.jsonl"));
    assert!(want.len() > 20, "the world raises alerts: {}", want.len());
    Scene {
        live: d.join("app.jsonl"),
        db: d.join("w.db"),
        refs: d.join("refs"),
        _dir: dir,
        d,
        lines,
        want,
    }
}

impl Scene {
    fn name(&self) -> String {
        self.live.display().to_string()
    }

    /// Follows the file (not `--once`), committing and polling often, every day close a
    /// checkpoint.
    fn follow(&self, extra: &[&str]) -> Service {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "--refs".as_ref(),
            self.refs.as_os_str(),
            "--db".as_ref(),
            self.db.as_os_str(),
            "--commit-ms".as_ref(),
            "20".as_ref(),
            "--poll-ms".as_ref(),
            "10".as_ref(),
            "--checkpoint-min".as_ref(),
            "0".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        args.push(self.live.as_os_str());
        Service::start(&args)
    }

    /// `watch --once` to the end; its exit status and log.
    fn once(&self) -> (std::process::ExitStatus, String) {
        Service::start(&os(&[
            &"--refs", &self.refs, &"--db", &self.db, &"--once", &self.live,
        ]))
        .finish(Duration::from_secs(180))
    }

    /// A third into the `n`th UTC day (0-based): a kill there leaves that day open.
    fn third_into_day(&self, n: usize) -> usize {
        let (a, b) = (self.day_start(n), self.day_start(n + 1));
        a + (b - a) / 3
    }

    /// The index of the first line of the `n`th UTC day (0-based) of the world (a line
    /// of an earlier day after it, slightly out of order, does not count).
    fn day_start(&self, n: usize) -> usize {
        let day = |l: &String| l.split("\"ts\":\"").nth(1).map(|t| t[..10].to_string());
        let mut seen = 0;
        let mut newest = day(&self.lines[0]);
        for i in 1..self.lines.len() {
            let d = day(&self.lines[i]);
            if d > newest {
                newest = d;
                seen += 1;
                if seen == n {
                    return i;
                }
            }
        }
        panic!("the world has fewer than {n} day boundaries");
    }

    fn bytes(&self, from: usize, to: usize) -> u64 {
        self.lines[from..to].iter().map(|l| l.len() as u64).sum()
    }

    /// Starts following, waits until `upto` bytes of the current file are committed,
    /// then SIGKILLs it.
    fn run_until_read_then_kill(&self, upto: u64) {
        let svc = self.follow(&[]);
        let name = self.name();
        wait_for(
            Duration::from_secs(120),
            || progress(&self.db, &name).is_some_and(|p| p.0 == upto),
            || svc.log(),
        );
        drop(svc);
    }
}

/// logrotate's numbered scheme: `NAME.n` -> `NAME.n+1` (compressed ones too), `NAME` ->
/// `NAME.1`; the writer then re-creates `NAME`. With `delaycompress`, `NAME.2` is
/// compressed once it is no longer the newest rotated file.
fn rotate(live: &Path, delaycompress: bool) {
    let with = |n: u32, gz: bool| {
        let mut s = live.as_os_str().to_owned();
        s.push(format!(".{n}{}", if gz { ".gz" } else { "" }));
        PathBuf::from(s)
    };
    let mut top = 1;
    while with(top, false).exists() || with(top, true).exists() {
        top += 1;
    }
    for n in (1..top).rev() {
        for gz in [false, true] {
            if with(n, gz).exists() {
                std::fs::rename(with(n, gz), with(n + 1, gz)).unwrap();
            }
        }
    }
    std::fs::rename(live, with(1, false)).unwrap();
    if delaycompress && with(2, false).exists() {
        gzip(&with(2, false));
    }
}

/// `gzip FILE`: FILE.gz replaces FILE.
fn gzip(path: &Path) {
    let data = std::fs::read(path).unwrap();
    let mut gz = path.as_os_str().to_owned();
    gz.push(".gz");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(PathBuf::from(gz)).unwrap(),
        flate2::Compression::fast(),
    );
    e.write_all(&data).unwrap();
    e.finish().unwrap();
    std::fs::remove_file(path).unwrap();
}

fn checkpoints(db: &Path) -> i64 {
    query_i64(db, "SELECT count(*) FROM checkpoint")
}

fn events_kept(db: &Path) -> i64 {
    query_i64(db, "SELECT count(*) FROM events")
}

/// Issue 18, case 1: a checkpoint, then two renames while the service is down.
#[test]
fn issue18_two_rotations_while_down_lose_nothing() {
    let sc = scene(18, 30, 6);
    let a = sc.third_into_day(2);
    let (b, c) = (sc.day_start(3), sc.third_into_day(4));
    append(&sc.live, &sc.lines[..a]);
    sc.run_until_read_then_kill(sc.bytes(0, a));
    assert_eq!(checkpoints(&sc.db), 1, "a day closed before the kill");
    // While down: more lines, rotate, a new file, rotate again, a third file.
    append(&sc.live, &sc.lines[a..b]);
    rotate(&sc.live, false);
    append(&sc.live, &sc.lines[b..c]);
    rotate(&sc.live, false);
    append(&sc.live, &sc.lines[c..]);
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert!(log.contains("Reading a rotated generation"), "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
    assert_eq!(events_kept(&sc.db), sc.lines.len() as i64);
    assert_eq!(query_i64(&sc.db, "SELECT count(*) FROM source_gaps"), 0);
}

/// Issue 18, case 2: a rename before the first checkpoint (the first day of a new store).
#[test]
fn issue18_a_rotation_before_the_first_checkpoint_loses_nothing() {
    let sc = scene(19, 30, 5);
    let a = sc.day_start(1) - 5;
    let b = sc.day_start(2) + 3;
    append(&sc.live, &sc.lines[..a]);
    sc.run_until_read_then_kill(sc.bytes(0, a));
    assert_eq!(checkpoints(&sc.db), 0, "no day closed before the kill");
    append(&sc.live, &sc.lines[a..b]);
    rotate(&sc.live, false);
    append(&sc.live, &sc.lines[b..]);
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
    assert_eq!(events_kept(&sc.db), sc.lines.len() as i64);
}

/// Issue 18, case 3: one rename after a checkpoint (this worked before; it must still).
#[test]
fn issue18_one_rotation_after_a_checkpoint_loses_nothing() {
    let sc = scene(20, 30, 5);
    let a = sc.third_into_day(2);
    let b = sc.third_into_day(3);
    append(&sc.live, &sc.lines[..a]);
    sc.run_until_read_then_kill(sc.bytes(0, a));
    assert_eq!(checkpoints(&sc.db), 1);
    append(&sc.live, &sc.lines[a..b]);
    rotate(&sc.live, false);
    append(&sc.live, &sc.lines[b..]);
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
}

/// logrotate `compress` + `delaycompress`, dated names too: the checkpoint's file is
/// compressed (another inode) by the time the service restarts, and found by content.
#[test]
fn compressed_and_dated_generations_are_read_in_order() {
    let sc = scene(21, 30, 6);
    let a = sc.third_into_day(2);
    let (b, c, e) = (sc.day_start(3), sc.day_start(4), sc.day_start(5) - 3);
    append(&sc.live, &sc.lines[..a]);
    sc.run_until_read_then_kill(sc.bytes(0, a));
    assert_eq!(checkpoints(&sc.db), 1);
    append(&sc.live, &sc.lines[a..b]);
    rotate(&sc.live, true);
    append(&sc.live, &sc.lines[b..c]);
    rotate(&sc.live, true);
    // The checkpoint's file is now `app.jsonl.2.gz`; then a dated rotation.
    assert!(sc.d.join("app.jsonl.2.gz").exists());
    append(&sc.live, &sc.lines[c..e]);
    std::thread::sleep(Duration::from_millis(20));
    std::fs::rename(&sc.live, sc.d.join("app.jsonl-20240501")).unwrap();
    append(&sc.live, &sc.lines[e..]);
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert!(log.contains("app.jsonl.2.gz"), "{log}");
    assert_eq!(events_kept(&sc.db), sc.lines.len() as i64, "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
    assert_eq!(events_kept(&sc.db), sc.lines.len() as i64);
}

/// logrotate `copytruncate`, live and while down: the lines the service had not read
/// yet are read from the copy, then the truncated file from its start.
#[test]
fn copytruncate_live_and_while_down_loses_nothing() {
    let sc = scene(22, 30, 6);
    let name = sc.name();
    let a = sc.third_into_day(2);
    let (b, c) = (a + 40, a + 45);
    let copytruncate = |to: &str| {
        std::fs::copy(&sc.live, sc.d.join(to)).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&sc.live)
            .unwrap()
            .set_len(0)
            .unwrap();
    };
    append(&sc.live, &sc.lines[..a]);
    let svc = sc.follow(&[]);
    wait_for(
        Duration::from_secs(120),
        || progress(&sc.db, &name).is_some_and(|p| p.0 == sc.bytes(0, a)),
        || svc.log(),
    );
    // Frozen, so that it cannot read the next lines before the copy and truncation.
    svc.signal("-STOP");
    append(&sc.live, &sc.lines[a..b]);
    copytruncate("app.jsonl.1");
    append(&sc.live, &sc.lines[b..c]);
    svc.signal("-CONT");
    wait_for(
        Duration::from_secs(120),
        || progress(&sc.db, &name).is_some_and(|p| p.0 == sc.bytes(b, c)),
        || svc.log(),
    );
    assert!(svc.log().contains("copytruncate"), "{}", svc.log());
    // Now while down: the next lines, a copy (then compressed), the truncated file.
    let d2 = sc.third_into_day(4);
    let d3 = d2 + 30;
    append(&sc.live, &sc.lines[c..d2]);
    wait_for(
        Duration::from_secs(120),
        || progress(&sc.db, &name).is_some_and(|p| p.0 == sc.bytes(b, d2)),
        || svc.log(),
    );
    drop(svc);
    append(&sc.live, &sc.lines[d2..d3]);
    std::fs::rename(sc.d.join("app.jsonl.1"), sc.d.join("app.jsonl.2")).unwrap();
    copytruncate("app.jsonl.1");
    gzip(&sc.d.join("app.jsonl.1"));
    append(&sc.live, &sc.lines[d3..]);
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
    assert_eq!(events_kept(&sc.db), sc.lines.len() as i64);
}

/// A generation deleted before it was read: a WARN naming the file and the bytes, a row
/// in the store, exit 2 for `--once`, and `custodes_source_gaps_total` in `/metrics`.
#[test]
fn a_generation_deleted_before_it_was_read_is_reported_never_silent() {
    let sc = scene(23, 30, 5);
    let a = sc.third_into_day(2);
    let b = sc.day_start(3);
    append(&sc.live, &sc.lines[..a]);
    sc.run_until_read_then_kill(sc.bytes(0, a));
    assert_eq!(checkpoints(&sc.db), 1);
    append(&sc.live, &sc.lines[a..b]);
    rotate(&sc.live, false);
    std::fs::remove_file(sc.d.join("app.jsonl.1")).unwrap();
    append(&sc.live, &sc.lines[b..]);
    let (status, log) = sc.once();
    assert_eq!(status.code(), Some(2), "{log}");
    let warn = log
        .lines()
        .find(|l| l.contains("WARN") && l.contains("cannot be read"))
        .unwrap_or_else(|| panic!("no WARN: {log}"));
    assert!(
        warn.contains("app.jsonl") && warn.contains("from_byte="),
        "{warn}"
    );
    let gap = rusqlite::Connection::open(&sc.db)
        .unwrap()
        .query_row(
            "SELECT file, from_byte, to_byte FROM source_gaps",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            },
        )
        .unwrap();
    assert!(gap.0.contains("app.jsonl"), "{gap:?}");
    // At least what the last run had read of it is named as lost.
    assert!(
        gap.2.unwrap_or(0) >= sc.bytes(0, a) as i64 && gap.1 <= gap.2.unwrap_or(0),
        "{gap:?}"
    );
    // The rest was read: the alerts of the days after the lost file are there.
    assert!(query_i64(&sc.db, "SELECT count(*) FROM alerts") > 0);
    // The service shows the gap in /metrics.
    let svc = sc.follow(&["--listen", "127.0.0.1:0"]);
    let addr = svc.addr();
    let (code, text) = http(&addr, "GET", "/metrics", None, b"");
    assert_eq!(code, 200);
    let m = metric(
        &text,
        &format!("custodes_source_gaps_total{{source=\"{}\"}}", sc.name()),
    );
    assert_eq!(m, 1.0, "{text}");
    svc.signal("-TERM");
    assert!(svc.wait(Duration::from_secs(60)).success());
}

/// The soak: random SIGKILLs (some during the replay right after a start) while a writer
/// appends in random chunks and rotates (numbered, compressed with delaycompress, some
/// rotations twice in a row while the service is down). The final alerts equal the batch
/// audit's and every event is in the store. The schedule is seeded from the clock and the
/// seed printed; the timing of kills varies anyway, and the property must hold whatever
/// they are. Issue 18's residual (a generation created and rotated away while the
/// reader waited for the path, never read) was found by this test.
#[test]
fn soak_random_sigkills_with_rotation_end_with_the_batch_alerts() {
    let sc = scene(24, 40, 8);
    // The schedule changes from run to run; a failing one is replayed (up to the timing
    // of kills) with CUSTODES_SOAK_SEED set to the seed printed here.
    let seed = std::env::var("CUSTODES_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(18, |d| d.as_nanos() as u64)
        });
    eprintln!("soak schedule: CUSTODES_SOAK_SEED={seed}");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // CI kills 16 times; issue 18's soak of 100 is `CUSTODES_SOAK_KILLS=100` (the chunks
    // written between kills shrink so that the world lasts that long).
    let kills: usize = std::env::var("CUSTODES_SOAK_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&k| k > 0)
        .unwrap_or(16);
    eprintln!("soak kills: {kills}");
    let n = sc.lines.len();
    let chunk = (n / (kills * 3).max(60)).max(1);
    let mut next = 0usize;
    let mut killed = 0usize;
    let mut twice_while_down = 0usize;
    let rotations = std::cell::Cell::new(0usize);
    let rotate = |path: &std::path::Path, compress: bool| {
        rotations.set(rotations.get() + 1);
        rotate(path, compress);
    };
    let write = |rng: &mut rand_chacha::ChaCha8Rng, next: &mut usize| {
        let k = rng.random_range(1..=chunk).min(n - *next);
        append(&sc.live, &sc.lines[*next..*next + k]);
        *next += k;
    };
    for round in 0..kills {
        if next >= n {
            break;
        }
        // While down: sometimes more lines and one or two rotations.
        if round > 0 && rng.random_bool(0.5) {
            let times = rng.random_range(1..=2);
            for _ in 0..times {
                write(&mut rng, &mut next);
                rotate(&sc.live, rng.random_bool(0.5));
            }
            twice_while_down += usize::from(times == 2);
        }
        write(&mut rng, &mut next);
        let svc = sc.follow(&[]);
        if round == 0 {
            // A new store knows no file yet: rotated names beside the path are history
            // it does not read, and a file rotated before the first look is one of them.
            // The soak starts once the store knows the first file.
            let name = sc.name();
            wait_for(
                Duration::from_secs(60),
                || progress(&sc.db, &name).is_some_and(|p| p.0 > 0 && p.1.is_some()),
                || svc.log(),
            );
        }
        // A quarter of the kills come right after the start (during the replay).
        if rng.random_bool(0.25) {
            std::thread::sleep(Duration::from_millis(rng.random_range(50..300)));
        } else {
            for _ in 0..rng.random_range(2..6) {
                if next >= n {
                    break;
                }
                write(&mut rng, &mut next);
                if rng.random_bool(0.3) {
                    rotate(&sc.live, rng.random_bool(0.5));
                }
                std::thread::sleep(Duration::from_millis(rng.random_range(30..250)));
            }
        }
        drop(svc); // SIGKILL
        killed += 1;
    }
    eprintln!(
        "soak: {killed} SIGKILLs, {} rotations, {twice_while_down} times two rotations while down",
        rotations.get()
    );
    if next < n {
        append(&sc.live, &sc.lines[next..]);
    }
    let (status, log) = sc.once();
    assert!(status.success(), "{log}");
    assert_eq!(
        query_i64(&sc.db, "SELECT count(*) FROM source_gaps"),
        0,
        "{log}"
    );
    // Every event first: a lost stretch of a file shows here even when, by chance, it
    // raised no alert of its own (it changes the scores of later days).
    assert_eq!(events_kept(&sc.db), n as i64, "{log}");
    assert_same_as_batch(&sc.db, &sc.want);
}
