//! Synthetic world generator behind `custodes gen --seed N --out DIR`.
//!
//! It invents an agency (staff, logins, units, cases, workstations), the
//! people staff are connected to, a watchlist and a citizen population, then
//! simulates a month of query-log traffic with realistic typing noise and,
//! unless told not to, injects misuse. It writes the contract's reference
//! files, `events.jsonl`, and `labels.jsonl` (the ground truth `custodes eval`
//! scores against).
//!
//! Every person, address, plate and phone is invented (phones are
//! 555-01x-xxxx, street names are made up). The same seed and options give
//! byte-identical output: the world is drawn from a `ChaCha8Rng` seeded with
//! the seed, the traffic from a fast generator seeded from that stream, and
//! no hash map decides output order. It must never read real data or the
//! network.
//!
//! Misuse includes shared credentials: accounts used after their owner left
//! or went on leave, a login used at two sites within minutes, and a login
//! used at the distant academy site too soon after use at home. VPN clients
//! (no site, no coordinates) appear in normal traffic and trip nothing.
//!
//! It also includes odd volumes (`odd_volume`: a day of 5-10x the user's
//! normal lookups, a scripted burst, a day worker's lookups at 01:00-04:30
//! local time, a day spent on many unrelated people, one huge export). Normal
//! traffic, injected or not, carries the legitimate variation a naive volume
//! detector trips on: overdispersed daily counts, overtime, quiet public
//! holidays, analysts at several times everyone's volume, staff who join
//! partway through the window, records clerks whose exports routinely return
//! thousands of rows, wide searches and short clusters of lookups on one
//! case. Normal days are capped so that one with 40 lookups or more stays
//! under 3x that user's median day, and no normal 10 minutes hold 30
//! lookups (the tests check both).
//!
//! Label semantics (what `labels.jsonl` promises) live in `truth.rs`, and for
//! `odd_volume` (labelled by the intent of each injected episode) in
//! `scenario/volume.rs`. The generator refuses to emit any query whose labels
//! would change if its day were read one day earlier or later (time zones,
//! inclusive end dates) or if case assignments were read per employee instead
//! of per login. One event may carry several labels, even several kinds of
//! one detector (a burst that also makes its day a `daily_count`).

mod names;
pub mod pgaudit;
mod realistic;
mod render;
mod scenario;
mod truth;
mod world;

use crate::eval::Label;
use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use scenario::{Ev, Sim};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use world::{civil, day_of, World, LOCAL_OFFSET};

/// Which world to generate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The world tuned alongside the detectors (the default).
    #[default]
    Classic,
    /// An agency written from a description of real ones, blind to the
    /// detectors: dense incident case work, dispatch premise history,
    /// exempt border and traffic checks, multi-system fan-out, typed rather
    /// than copied identifiers (see `realistic/mod.rs`).
    Realistic,
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenOptions {
    /// Same seed and options, same bytes.
    pub seed: u64,
    /// Number of employees (a few have a second login), 20..=2000.
    pub users: usize,
    /// Length of the simulated window in days.
    pub days: u32,
    /// First day of the window.
    pub start: NaiveDate,
    /// Mean queries per employee per calendar day (weekends are lighter).
    pub queries_per_user_day: f64,
    /// Inject misuse (and its labels); without it labels.jsonl is empty.
    pub inject: bool,
    /// Which world: classic (default) or realistic. The realistic world
    /// scales its volume by `queries_per_user_day` / 14.
    pub profile: Profile,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            seed: 0,
            users: 300,
            days: 30,
            start: NaiveDate::from_ymd_opt(2024, 5, 1).expect("2024-05-01 is a valid date"),
            queries_per_user_day: 14.0,
            inject: true,
            profile: Profile::Classic,
        }
    }
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GenSummary {
    /// Lines in events.jsonl.
    pub events: usize,
    /// Lines in labels.jsonl.
    pub labels: usize,
    /// Logins written to personnel.csv.
    pub users: usize,
    /// "detector/kind" -> number of labels.
    pub by_label: BTreeMap<String, usize>,
}

/// Why generation failed; each variant names the option or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// An option is out of range.
    #[error("invalid generator option `{field}`: {reason}")]
    InvalidOption {
        /// The option at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Creating a directory or writing a file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file at fault.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing a reference CSV failed.
    #[error("cannot write CSV {}: {source}", path.display())]
    Csv {
        /// The file at fault.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// Encoding a label failed.
    #[error("cannot encode a label for {}: {source}", path.display())]
    Json {
        /// The file at fault.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// Bounds keep identifier spaces (100k phone numbers) far from exhaustion
/// and leave every unit at least two people.
const MIN_USERS: usize = 20;
const MAX_USERS: usize = 2000;
/// Events are held in memory (a few hundred bytes each) before sorting.
const MAX_EXPECTED_QUERIES: f64 = 20_000_000.0;

fn validate(o: &GenOptions) -> Result<(), GenError> {
    let bad = |field, reason: String| Err(GenError::InvalidOption { field, reason });
    if !(MIN_USERS..=MAX_USERS).contains(&o.users) {
        return bad(
            "users",
            format!("{} is outside {MIN_USERS}..={MAX_USERS}", o.users),
        );
    }
    if !(1..=3660).contains(&o.days) {
        return bad("days", format!("{} is outside 1..=3660", o.days));
    }
    if !o.queries_per_user_day.is_finite() || !(0.0..=10_000.0).contains(&o.queries_per_user_day) {
        return bad(
            "queries_per_user_day",
            format!("{} is not within 0..=10000", o.queries_per_user_day),
        );
    }
    let expected = o.users as f64 * f64::from(o.days) * o.queries_per_user_day;
    if expected > MAX_EXPECTED_QUERIES {
        return bad(
            "queries_per_user_day",
            format!("users * days * queries_per_user_day = {expected:.0} exceeds {MAX_EXPECTED_QUERIES:.0}"),
        );
    }
    if !(1950..=2200).contains(&o.start.year()) {
        return bad("start", format!("{} is outside years 1950..=2200", o.start));
    }
    Ok(())
}

/// Generates the world and traffic described by `opts` into `out`
/// (created if needed): `refs/*.csv`, `events.jsonl`, `labels.jsonl`; the
/// realistic profile also writes `custodes.toml` (its exempt purposes).
pub fn generate(opts: &GenOptions, out: &Path) -> Result<GenSummary, GenError> {
    if opts.profile == Profile::Realistic {
        return realistic::generate(opts, out);
    }
    let s = simulate(opts)?;
    write_all(out, &s.world, &s.events, &s.order)
}

/// A world and its finished traffic, before anything is written.
struct Simulated {
    world: World,
    events: Vec<Ev>,
    order: Vec<u32>,
    /// Public holidays (local date) and the share of volume worked on them.
    #[cfg_attr(not(test), allow(dead_code))]
    holidays: Vec<(world::Day, f64)>,
}

fn simulate(opts: &GenOptions) -> Result<Simulated, GenError> {
    validate(opts)?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let world = world::build(
        &mut rng,
        &world::WorldSpec {
            seed_users: opts.users,
            start: i64::from(opts.start.num_days_from_ce()),
            days: opts.days,
        },
    );
    let mut rng = world::FastRng::from_chacha(&mut rng);
    let mut sim = Sim::new(&world);
    sim.normal_traffic(&mut rng, opts.users, opts.days, opts.queries_per_user_day);
    if opts.inject {
        let scale = (opts.users as f64 * f64::from(opts.days)) / 9000.0;
        sim.inject(&mut rng, scale);
    }
    let holidays = sim.holidays.clone();
    let (events, order) = sim.finish();
    Ok(Simulated {
        world,
        events,
        order,
        holidays,
    })
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |source| GenError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `path` (events.jsonl) through a 1 MiB buffer: `n` lines, the one at output
/// position `pos` rendered by `render(buf, pos)` (without its newline). Both worlds.
pub(crate) fn write_events(
    path: &Path,
    n: usize,
    mut render: impl FnMut(&mut String, usize),
) -> Result<(), GenError> {
    let file = File::create(path).map_err(io_err(path))?;
    let mut wr = BufWriter::with_capacity(1 << 20, file);
    let mut chunk = String::with_capacity(1 << 20);
    for pos in 0..n {
        render(&mut chunk, pos);
        chunk.push('\n');
        if chunk.len() > (1 << 20) - 4096 {
            wr.write_all(chunk.as_bytes()).map_err(io_err(path))?;
            chunk.clear();
        }
    }
    wr.write_all(chunk.as_bytes()).map_err(io_err(path))?;
    wr.flush().map_err(io_err(path))
}

/// labels.jsonl as it is written, one label a line, with the counts [`GenSummary`]
/// reports. Both worlds.
pub(crate) struct LabelWriter {
    path: PathBuf,
    wr: BufWriter<File>,
    by_label: BTreeMap<String, usize>,
    n: usize,
}

impl LabelWriter {
    pub(crate) fn create(path: PathBuf) -> Result<Self, GenError> {
        let file = File::create(&path).map_err(io_err(&path))?;
        Ok(LabelWriter {
            path,
            wr: BufWriter::new(file),
            by_label: BTreeMap::new(),
            n: 0,
        })
    }

    /// A label of `user`'s event at output position `pos` (0-based), timed `ts`.
    pub(crate) fn write(
        &mut self,
        detector: &str,
        kind: &str,
        user: &str,
        pos: usize,
        ts: &str,
    ) -> Result<(), GenError> {
        let label = Label {
            detector: detector.to_string(),
            kind: kind.to_string(),
            user: user.to_string(),
            users: Vec::new(),
            event_ids: vec![event_id(pos + 1)],
            window_start: ts.to_string(),
            window_end: ts.to_string(),
        };
        serde_json::to_writer(&mut self.wr, &label).map_err(|source| GenError::Json {
            path: self.path.clone(),
            source,
        })?;
        self.wr.write_all(b"\n").map_err(io_err(&self.path))?;
        *self
            .by_label
            .entry(format!("{detector}/{kind}"))
            .or_insert(0) += 1;
        self.n += 1;
        Ok(())
    }

    /// Flushes the file; gives back how many labels it holds and how many of each kind.
    pub(crate) fn finish(mut self) -> Result<(usize, BTreeMap<String, usize>), GenError> {
        self.wr.flush().map_err(io_err(&self.path))?;
        Ok((self.n, self.by_label))
    }
}

fn write_all(out: &Path, w: &World, events: &[Ev], order: &[u32]) -> Result<GenSummary, GenError> {
    let refs = out.join("refs");
    fs::create_dir_all(&refs).map_err(io_err(&refs))?;
    for table in world::ref_tables(w) {
        let path = refs.join(table.name);
        let csv_err = |source| GenError::Csv {
            path: path.clone(),
            source,
        };
        let mut wr = csv::Writer::from_path(&path).map_err(csv_err)?;
        wr.write_record(table.header).map_err(csv_err)?;
        for row in &table.rows {
            wr.write_record(row).map_err(csv_err)?;
        }
        wr.flush().map_err(io_err(&path))?;
    }

    write_events(&out.join("events.jsonl"), order.len(), |chunk, pos| {
        event_json(chunk, w, &events[order[pos] as usize], pos + 1);
    })?;

    let mut labels = LabelWriter::create(out.join("labels.jsonl"))?;
    for (pos, &i) in order.iter().enumerate() {
        let ev = &events[i as usize];
        for &(detector, kind) in &ev.labels {
            let ts = fmt_ts(ev.t, false);
            let user = &w.logins[ev.login as usize].name;
            labels.write(detector, kind, user, pos, &ts)?;
        }
    }
    let (n_labels, by_label) = labels.finish()?;
    Ok(GenSummary {
        events: events.len(),
        labels: n_labels,
        users: w.logins.len(),
        by_label,
    })
}

fn event_id(n: usize) -> String {
    if n < 10_000_000 {
        let mut b = *b"ev-0000000";
        digits(&mut b[3..], n as u64);
        String::from_utf8_lossy(&b).into_owned()
    } else {
        format!("ev-{n}")
    }
}

/// Writes `v` as exactly `buf.len()` decimal digits (zero-padded); the
/// formatting machinery costs more than the rest of an event in debug builds.
fn digits(buf: &mut [u8], mut v: u64) {
    for b in buf.iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// RFC 3339 with `Z`, or wall-clock time with the local offset.
fn write_ts(out: &mut String, t: i64, local: bool) {
    let (tt, suffix) = if local {
        (t + LOCAL_OFFSET, "-05:00")
    } else {
        (t, "Z")
    };
    let (y, m, d) = civil(day_of(tt));
    let s = tt.rem_euclid(86_400) as u64;
    let mut b = *b"0000-00-00T00:00:00";
    digits(&mut b[0..4], y.clamp(0, 9999) as u64);
    digits(&mut b[5..7], u64::from(m));
    digits(&mut b[8..10], u64::from(d));
    digits(&mut b[11..13], s / 3600);
    digits(&mut b[14..16], s / 60 % 60);
    digits(&mut b[17..19], s % 60);
    out.push_str(std::str::from_utf8(&b).unwrap_or("0000-00-00T00:00:00"));
    out.push_str(suffix);
}

fn fmt_ts(t: i64, local: bool) -> String {
    let mut s = String::with_capacity(25);
    write_ts(&mut s, t, local);
    s
}

/// True when some byte of `s` may need escaping in JSON. Word-at-a-time
/// (false positives allowed, never false negatives): a byte loop over tens of
/// megabytes dominated debug-build generation time.
fn may_need_escape(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        if x.wrapping_sub(ONES * 0x20) & !x & HIGHS != 0
            || has_zero(x ^ (ONES * u64::from(b'"')))
            || has_zero(x ^ (ONES * u64::from(b'\\')))
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b == b'"' || b == b'\\' || b < 0x20)
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    if !may_need_escape(s) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A subject's typed fields: `subject_*` columns, or with `nested` one `"subject"` object
/// whose keys drop the prefix. Both generators write subjects through it.
fn subject_json(out: &mut String, parts: &[(&str, &Option<String>)], nested: bool) {
    if !nested {
        for (k, v) in parts {
            if let Some(v) = v {
                field(out, k, v);
            }
        }
        return;
    }
    out.push_str(",\"subject\":{");
    let mut first = true;
    for (k, v) in parts {
        if let Some(v) = v {
            if !first {
                out.push(',');
            }
            first = false;
            json_str(out, k.strip_prefix("subject_").unwrap_or(k));
            out.push(':');
            json_str(out, v);
        }
    }
    out.push('}');
}

fn field(out: &mut String, key: &str, value: &str) {
    out.push_str(",\"");
    out.push_str(key);
    out.push_str("\":");
    json_str(out, value);
}

/// One event as a JSON object. Written by hand: serde_json in a debug build
/// was the slowest part of generating a large world. Ids, timestamps, logins,
/// hosts, case ids and codes are built by the generator from ASCII letters,
/// digits and `-._` and go out unescaped; typed subject text goes through
/// [`json_str`].
fn event_json(out: &mut String, w: &World, ev: &Ev, n: usize) {
    let emp = &w.employees[w.logins[ev.login as usize].emp as usize];
    let client = &w.clients[ev.client as usize];
    out.push_str("{\"id\":\"");
    out.push_str(&event_id(n));
    out.push_str("\",\"ts\":\"");
    write_ts(out, ev.t, emp.local_ts);
    out.push_str("\",\"user\":\"");
    out.push_str(&w.logins[ev.login as usize].name);
    if ev.write_action {
        out.push_str("\",\"action\":\"");
        out.push_str(ev.action);
    }
    out.push_str("\",\"system\":\"");
    out.push_str(ev.system);
    out.push_str("\",\"session\":\"S");
    let mut hex = [0u8; 12];
    for (i, b) in hex.iter_mut().enumerate() {
        *b = b"0123456789abcdef"[((ev.session >> (44 - 4 * i)) & 0xf) as usize];
    }
    out.push_str(std::str::from_utf8(&hex).unwrap_or("000000000000"));
    out.push_str("\",\"client\":\"");
    out.push_str(&client.name);
    out.push_str("\",\"ip\":\"");
    out.push_str(&client.ip);
    out.push('"');
    match (&ev.case_id, ev.case_empty) {
        (Some(c), _) => field(out, "case_id", c),
        (None, true) => out.push_str(",\"case_id\":\"\""),
        (None, false) => {}
    }
    if let Some(p) = ev.purpose {
        field(out, "purpose", p);
    }
    if let Some(s) = &ev.subject {
        let parts = [
            ("subject_person_id", &s.person_id),
            ("subject_last_name", &s.last),
            ("subject_first_name", &s.first),
            ("subject_name", &s.name),
            ("subject_dob", &s.dob),
            ("subject_address", &s.address),
            ("subject_phone", &s.phone),
            ("subject_plate", &s.plate),
        ];
        subject_json(out, &parts, s.nested);
    }
    if let Some(n) = ev.result_count {
        let _ = write!(out, ",\"result_count\":{n}");
    }
    if let Some(q) = &ev.query_text {
        field(out, "query_text", q);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    fn small(seed: u64) -> GenOptions {
        GenOptions {
            seed,
            users: 60,
            days: 10,
            ..GenOptions::default()
        }
    }

    const WORLD_FILES: &[&str] = &["events.jsonl", "labels.jsonl"];

    /// The bytes of a generated world: the top-level files `names` and every reference table.
    /// The realistic world's tests read theirs through it too.
    pub(in crate::gen) fn read_dir_bytes(dir: &Path, names: &[&str]) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for name in names {
            out.insert(name.to_string(), fs::read(dir.join(name)).unwrap());
        }
        for entry in fs::read_dir(dir.join("refs")).unwrap() {
            let entry = entry.unwrap();
            out.insert(
                format!("refs/{}", entry.file_name().to_string_lossy()),
                fs::read(entry.path()).unwrap(),
            );
        }
        out
    }

    #[test]
    fn same_seed_same_bytes_different_seed_differs() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        generate(&small(11), a.path()).unwrap();
        generate(&small(11), b.path()).unwrap();
        generate(&small(12), c.path()).unwrap();
        let (fa, fb, fc) = (
            read_dir_bytes(a.path(), WORLD_FILES),
            read_dir_bytes(b.path(), WORLD_FILES),
            read_dir_bytes(c.path(), WORLD_FILES),
        );
        assert_eq!(fa.len(), 9);
        assert_eq!(fa, fb);
        assert_ne!(fa["events.jsonl"], fc["events.jsonl"]);
        assert_ne!(fa["refs/personnel.csv"], fc["refs/personnel.csv"]);
    }

    #[test]
    fn rejects_bad_options() {
        let dir = tempfile::tempdir().unwrap();
        let o = GenOptions {
            users: 3,
            ..GenOptions::default()
        };
        let err = generate(&o, dir.path()).unwrap_err();
        assert!(err.to_string().contains("users"), "{err}");
        let o = GenOptions {
            queries_per_user_day: f64::NAN,
            ..GenOptions::default()
        };
        assert!(generate(&o, dir.path()).is_err());
    }

    #[test]
    fn tiny_worlds_do_not_break() {
        for (users, days) in [(20, 1), (20, 2), (25, 7)] {
            let dir = tempfile::tempdir().unwrap();
            let o = GenOptions {
                seed: 5,
                users,
                days,
                ..GenOptions::default()
            };
            let s = generate(&o, dir.path()).unwrap();
            assert!(s.events > 0, "{users} users, {days} days");
        }
    }

    #[test]
    fn no_inject_means_no_labels() {
        let dir = tempfile::tempdir().unwrap();
        let s = generate(
            &GenOptions {
                inject: false,
                ..small(3)
            },
            dir.path(),
        )
        .unwrap();
        assert_eq!(s.labels, 0);
        assert!(!s
            .by_label
            .keys()
            .any(|k| k.starts_with("shared_credential/")));
        assert!(s.events > 1000);
        assert!(fs::read(dir.path().join("labels.jsonl"))
            .unwrap()
            .is_empty());
    }

    /// `shared_credential` recomputed from the written files alone
    /// (personnel.csv, clients.csv, events.jsonl), with the detector's
    /// default rules: the set of (kind, event id) it should flag.
    fn replay_shared_credential(dir: &Path) -> BTreeSet<(String, String)> {
        use chrono::{DateTime, NaiveDate, Utc};
        let mut inactive: HashMap<String, Option<DateTime<Utc>>> = HashMap::new();
        let mut r = csv::Reader::from_path(dir.join("refs/personnel.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let col = |name: &str| h.iter().position(|c| c == name).unwrap();
        let (user, status, end) = (col("user"), col("status"), col("end_date"));
        for rec in r.records() {
            let rec = rec.unwrap();
            if rec[status] == *"terminated" || rec[status] == *"leave" {
                let from = (!rec[end].is_empty()).then(|| {
                    let d = NaiveDate::parse_from_str(&rec[end], "%Y-%m-%d").unwrap();
                    (d + chrono::Days::new(1))
                        .and_hms_opt(0, 0, 0)
                        .unwrap()
                        .and_utc()
                });
                inactive.insert(rec[user].to_string(), from);
            }
        }
        type Where = (Option<String>, Option<(f64, f64)>);
        let mut clients: HashMap<String, Where> = HashMap::new();
        let mut r = csv::Reader::from_path(dir.join("refs/clients.csv")).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            let site = (!rec[1].is_empty()).then(|| rec[1].to_string());
            let coords = (!rec[2].is_empty() && !rec[3].is_empty())
                .then(|| (rec[2].parse().unwrap(), rec[3].parse().unwrap()));
            clients.insert(rec[0].to_string(), (site, coords));
        }
        // Fields up to `client` come in a fixed order before any typed text.
        let field = |line: &str, key: &str| -> String {
            let pat = format!("\"{key}\":\"");
            let at = line.find(&pat).unwrap() + pat.len();
            line[at..at + line[at..].find('"').unwrap()].to_string()
        };
        let mut out = BTreeSet::new();
        let mut rules = truth::RuleReplay::default();
        let text = fs::read_to_string(dir.join("events.jsonl")).unwrap();
        for line in text.lines() {
            let (id, user, client) = (
                field(line, "id"),
                field(line, "user"),
                field(line, "client"),
            );
            let ts = DateTime::parse_from_rfc3339(&field(line, "ts"))
                .unwrap()
                .with_timezone(&Utc);
            if let Some(from) = inactive.get(&user) {
                if from.is_none_or(|f| ts >= f) {
                    out.insert(("inactive_account".to_string(), id.clone()));
                }
            }
            let Some((site, coords)) = clients.get(&client) else {
                continue;
            };
            let (concurrent, travel) =
                rules.step(&user, ts.timestamp(), &client, site.as_deref(), *coords);
            if concurrent {
                out.insert(("concurrent_clients".to_string(), id.clone()));
            }
            if travel {
                out.insert(("impossible_travel".to_string(), id.clone()));
            }
        }
        out
    }

    fn shared_labels(dir: &Path) -> BTreeSet<(String, String)> {
        crate::eval::read_labels(&dir.join("labels.jsonl"))
            .unwrap()
            .into_iter()
            .filter(|l| l.detector == "shared_credential")
            .map(|l| (l.kind, l.event_ids[0].clone()))
            .collect()
    }

    /// Normal traffic alone (default size, so night shifts, VPN sessions and
    /// second logins all occur) gives the detector nothing to find.
    #[test]
    fn normal_traffic_never_trips_shared_credential() {
        let dir = tempfile::tempdir().unwrap();
        let s = generate(
            &GenOptions {
                inject: false,
                seed: 8,
                ..GenOptions::default()
            },
            dir.path(),
        )
        .unwrap();
        assert_eq!(s.labels, 0);
        let text = fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
        assert!(
            text.contains("\"client\":\"VPN-"),
            "some VPN sessions expected"
        );
        assert!(replay_shared_credential(dir.path()).is_empty());
    }

    /// The labels are exactly what the detector's rules find in the files,
    /// and refer to events that exist.
    #[test]
    fn shared_credential_labels_match_the_rules() {
        for (seed, users, days) in [(21, 120, 20), (22, 300, 30)] {
            let dir = tempfile::tempdir().unwrap();
            let s = generate(
                &GenOptions {
                    seed,
                    users,
                    days,
                    ..GenOptions::default()
                },
                dir.path(),
            )
            .unwrap();
            let want = replay_shared_credential(dir.path());
            let got = shared_labels(dir.path());
            assert_eq!(got, want, "seed {seed}");
            for kind in [
                "inactive_account",
                "concurrent_clients",
                "impossible_travel",
            ] {
                let n = got.iter().filter(|g| g.0 == kind).count();
                assert!(n >= if users == 300 { 10 } else { 2 }, "{kind}: {n}");
            }
            for (_, id) in &got {
                let n: usize = id.trim_start_matches("ev-").parse().unwrap();
                assert!((1..=s.events).contains(&n), "{id}");
            }
        }
    }

    /// The clients file holds sites far enough apart for impossible travel
    /// and VPN clients without site or coordinates.
    #[test]
    fn clients_include_a_far_site_and_vpn() {
        let dir = tempfile::tempdir().unwrap();
        generate(&small(4), dir.path()).unwrap();
        let mut r = csv::Reader::from_path(dir.path().join("refs/clients.csv")).unwrap();
        let mut coords = Vec::new();
        let mut vpn = 0;
        for rec in r.records() {
            let rec = rec.unwrap();
            if rec[1].is_empty() {
                assert!(rec[2].is_empty() && rec[3].is_empty());
                vpn += 1;
            } else {
                coords.push((
                    rec[2].parse::<f64>().unwrap(),
                    rec[3].parse::<f64>().unwrap(),
                ));
            }
        }
        assert!(vpn > 0);
        let far = coords
            .iter()
            .flat_map(|a| coords.iter().map(move |b| crate::refs::distance_km(*a, *b)))
            .fold(0.0, f64::max);
        assert!(far >= 500.0, "{far}");
    }

    fn cases_csv(dir: &Path) -> HashMap<String, Vec<String>> {
        let mut r = csv::Reader::from_path(dir.join("refs/cases.csv")).unwrap();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (rec[0].to_string(), rec.iter().map(String::from).collect())
            })
            .collect()
    }

    /// The default world: big enough, ordered, labels consistent with events
    /// and with the contract's rules that can be checked from the files.
    #[test]
    fn default_world_is_large_ordered_and_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let t0 = std::time::Instant::now();
        let summary = generate(&GenOptions::default(), dir.path()).unwrap();
        eprintln!("default world: {summary:?} in {:?}", t0.elapsed());
        assert!(summary.events >= 100_000, "{}", summary.events);
        for key in [
            "self_query/person_id",
            "self_query/name_dob",
            "self_query/plate",
            "self_query/phone",
            "self_query/address",
            "self_query/name_only",
            "coworker_lookup/supervisor",
            "coworker_lookup/same_unit",
            "coworker_lookup/other_unit",
            "association_lookup/ex_partner",
            "association_lookup/partner",
            "association_lookup/spouse",
            "association_lookup/family",
            "association_lookup/neighbor",
            "association_lookup/associate",
            "association_lookup/protected_party",
            "watchlist_lookup/official",
            "watchlist_lookup/celebrity",
            "watchlist_lookup/journalist",
            "watchlist_lookup/victim",
            "no_case/missing",
            "no_case/unknown_case",
            "no_case/closed_case",
            "no_case/not_assigned",
            "no_case/subject_not_in_case",
            "subject_surge/many_users",
            "shared_credential/inactive_account",
            "shared_credential/concurrent_clients",
            "shared_credential/impossible_travel",
            "odd_volume/daily_count",
            "odd_volume/burst",
            "odd_volume/off_hours",
            "odd_volume/distinct_subjects",
        ] {
            let n = summary.by_label.get(key).copied().unwrap_or(0);
            assert!(n >= 10, "{key}: only {n} labels");
        }
        // One event per export episode.
        let n = summary
            .by_label
            .get("odd_volume/export")
            .copied()
            .unwrap_or(0);
        assert!(n >= 5, "odd_volume/export: only {n} labels");

        let cases = cases_csv(dir.path());
        // Parsing 140k lines into JSON values is slow in a debug build: check
        // order from the `ts` text and parse only the labelled lines.
        let text = fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), summary.events);
        let mut prev = None;
        for (i, line) in lines.iter().enumerate() {
            let prefix = format!("{{\"id\":\"ev-{:07}\",\"ts\":\"", i + 1);
            assert!(line.starts_with(&prefix), "{line}");
            let ts = &line[prefix.len()..];
            let ts = &ts[..ts.find('"').unwrap()];
            let ts = chrono::DateTime::parse_from_rfc3339(ts).unwrap();
            if let Some(p) = prev {
                assert!(p <= ts, "events out of order at line {}", i + 1);
            }
            prev = Some(ts);
        }
        assert!(text.contains("-05:00\""), "some local offsets expected");
        assert!(
            text.contains("\"subject\":{"),
            "some nested subjects expected"
        );
        let event = |id: &str| -> serde_json::Value {
            let n: usize = id.trim_start_matches("ev-").parse().unwrap();
            serde_json::from_str(lines[n - 1]).unwrap()
        };

        let labels = crate::eval::read_labels(&dir.path().join("labels.jsonl")).unwrap();
        assert_eq!(labels.len(), summary.labels);
        let mut seen = BTreeSet::new();
        for l in &labels {
            assert_eq!(l.event_ids.len(), 1);
            let ev = event(&l.event_ids[0]);
            assert_eq!(ev["user"].as_str(), Some(l.user.as_str()));
            let action = ev["action"].as_str().unwrap_or("query");
            // Only shared_credential judges sessions (login, logout) too.
            assert!(
                action == "query" || action == "export" || l.detector == "shared_credential",
                "{l:?}"
            );
            // An event may carry several kinds of one detector (a burst that
            // also makes its day a daily_count), never the same one twice.
            assert!(seen.insert((l.detector.clone(), l.kind.clone(), l.event_ids[0].clone())));
            if l.detector == "shared_credential" {
                let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
                assert_eq!(at(&l.window_start), at(ev["ts"].as_str().unwrap()), "{l:?}");
            }
            if l.detector == "no_case" {
                assert_ne!(ev["purpose"].as_str(), Some("TRAFFIC_STOP"));
                let case = ev["case_id"].as_str().unwrap_or("");
                match l.kind.as_str() {
                    "missing" => assert!(case.is_empty()),
                    "unknown_case" => assert!(!cases.contains_key(case)),
                    _ => assert!(cases.contains_key(case), "{l:?}"),
                }
            }
        }
    }

    // ------------------------------------------------------------ odd_volume

    fn is_lookup(e: &Ev) -> bool {
        e.action == "query" || e.action == "export"
    }

    fn median(mut v: Vec<usize>) -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        v.sort_unstable();
        let n = v.len();
        (v[(n - 1) / 2] + v[n / 2]) as f64 / 2.0
    }

    /// What a naive volume detector would see in the traffic, leaving out
    /// `ignored` events; days around holidays are left out of the ratios.
    /// "Trailing" medians are over at least 10 earlier active days of the
    /// last 90, as the detector judges; "flagged" counts user-days.
    #[derive(Debug, Default)]
    struct VolumeFigures {
        /// Largest "lookups / median of the login's active days" on a day
        /// with at least 40 lookups (median over the whole window).
        max_ratio: f64,
        /// The same with the trailing median, and the days with 40+ lookups
        /// at 3x or more of it.
        max_trailing_ratio: f64,
        daily_flagged: usize,
        /// Most lookups of one login within 10 minutes.
        max_10min: usize,
        /// Most lookups of one login in a day at UTC hours where its
        /// history had under 1 % of its lookups, the hour taken with its
        /// neighbours (their sum), and the days with 8+ such lookups.
        max_rare_hour: usize,
        rare_hour_flagged: usize,
        /// The same with the stricter reading (the neighbours' average).
        max_rare_hour_strict: usize,
        rare_hour_strict_flagged: usize,
        /// Largest "distinct people no case explains / trailing median (at
        /// least 1)" on a day with 30+ of them, and the days at 3x or more.
        max_distinct_ratio: f64,
        distinct_flagged: usize,
        /// Largest result count of a login that is not a records clerk's,
        /// and the smallest and largest bulk export of a clerk.
        max_rows_regular: u32,
        clerk_rows: (u32, u32),
    }

    fn volume_figures(s: &Simulated, ignored: impl Fn(&Ev) -> bool) -> VolumeFigures {
        use world::{day_of, Pattern};
        let w = &s.world;
        let mut by_login: Vec<BTreeMap<world::Day, Vec<&Ev>>> =
            vec![BTreeMap::new(); w.logins.len()];
        let mut f = VolumeFigures {
            clerk_rows: (u32::MAX, 0),
            ..VolumeFigures::default()
        };
        for &i in &s.order {
            let e = &s.events[i as usize];
            if !is_lookup(e) || ignored(e) {
                continue;
            }
            by_login[e.login as usize]
                .entry(day_of(e.t))
                .or_default()
                .push(e);
            let rows = e.result_count.unwrap_or(0);
            if w.emp_of_login(e.login).pattern == Pattern::Clerk && rows >= 1000 {
                f.clerk_rows = (f.clerk_rows.0.min(rows), f.clerk_rows.1.max(rows));
            } else {
                f.max_rows_regular = f.max_rows_regular.max(rows);
            }
        }
        let holiday = |d: world::Day| s.holidays.iter().any(|h| h.0 == d || h.0 + 1 == d);
        let hour = |e: &Ev| e.t.rem_euclid(86_400) as usize / 3600;
        for days in &by_login {
            let whole = median(days.values().map(Vec::len).collect());
            let mut past: Vec<(world::Day, usize, usize, [usize; 24])> = Vec::new();
            for (&day, evs) in days {
                let n = evs.len();
                let mut people: Vec<u32> = evs
                    .iter()
                    .filter(|e| !e.explained)
                    .filter_map(|e| e.target)
                    .collect();
                people.sort_unstable();
                people.dedup();
                let mut hours = [0usize; 24];
                for e in evs {
                    hours[hour(e)] += 1;
                }
                let mut lo = 0;
                for (hi, e) in evs.iter().enumerate() {
                    while e.t - evs[lo].t >= 600 {
                        lo += 1;
                    }
                    f.max_10min = f.max_10min.max(hi - lo + 1);
                }
                if !holiday(day) && n >= 40 {
                    f.max_ratio = f.max_ratio.max(n as f64 / whole);
                }
                let recent: Vec<_> = past.iter().filter(|p| p.0 >= day - 90).collect();
                if recent.len() >= 10 {
                    let med = median(recent.iter().map(|p| p.1).collect());
                    if !holiday(day) && n >= 40 {
                        let r = n as f64 / med;
                        f.max_trailing_ratio = f.max_trailing_ratio.max(r);
                        f.daily_flagged += usize::from(r >= 3.0);
                    }
                    let med = median(recent.iter().map(|p| p.2).collect()).max(1.0);
                    if people.len() >= 30 {
                        let r = people.len() as f64 / med;
                        f.max_distinct_ratio = f.max_distinct_ratio.max(r);
                        f.distinct_flagged += usize::from(r >= 3.0);
                    }
                    let mut hist = [0usize; 24];
                    for p in &recent {
                        for (h, c) in p.3.iter().enumerate() {
                            hist[h] += c;
                        }
                    }
                    let total: usize = hist.iter().sum();
                    let near = |h: usize| hist[(h + 23) % 24] + hist[h] + hist[(h + 1) % 24];
                    let odd = |limit: f64| -> usize {
                        (0..24)
                            .filter(|&h| (near(h) as f64) < limit * total as f64)
                            .map(|h| hours[h])
                            .sum()
                    };
                    let (sum, avg) = (odd(0.01), odd(0.03));
                    f.max_rare_hour = f.max_rare_hour.max(sum);
                    f.rare_hour_flagged += usize::from(sum >= 8);
                    f.max_rare_hour_strict = f.max_rare_hour_strict.max(avg);
                    f.rare_hour_strict_flagged += usize::from(avg >= 8);
                }
                past.push((day, n, people.len(), hours));
            }
        }
        f
    }

    /// Normal traffic (default world, no injection) is varied but gives a
    /// volume detector nothing it should report.
    #[test]
    fn background_volume_is_varied_but_unremarkable() {
        let s = simulate(&GenOptions {
            inject: false,
            seed: 8,
            ..GenOptions::default()
        })
        .unwrap();
        assert!(s.events.iter().all(|e| e.labels.is_empty()));
        let f = volume_figures(&s, |_| false);
        eprintln!("{f:?}");
        assert!(f.max_ratio < 3.0, "{f:?}");
        assert!(f.daily_flagged <= 3, "{f:?}");
        assert!(f.max_10min < 30, "{f:?}");
        assert!(f.max_rare_hour < 8, "{f:?}");
        assert!(f.distinct_flagged <= 3, "{f:?}");
        // Day workers never work between 00:00 and 05:00 local time.
        assert!(s.events.iter().all(|e| {
            let local = (e.t + world::LOCAL_OFFSET).rem_euclid(86_400);
            s.world.emp_of_login(e.login).night || local >= 5 * 3600
        }));
        assert!((50..=400).contains(&f.max_rows_regular), "{f:?}");
        assert!(f.clerk_rows.0 >= 2000 && f.clerk_rows.1 <= 20_000, "{f:?}");
        // The traps are there: analysts, overtime-sized days, clusters.
        assert!(s
            .world
            .employees
            .iter()
            .any(|e| e.pattern == world::Pattern::Analyst));
        assert!(s.world.employees.iter().any(|e| e.joined.is_some()));
        assert!(f.max_ratio > 2.0 && f.max_10min >= 10, "{f:?}");
        assert!(!s.holidays.is_empty());
    }

    /// Every `odd_volume` kind is injected even in a small world, each
    /// episode has the shape its kind promises, and what is left unlabelled
    /// is as unremarkable as normal traffic.
    #[test]
    fn odd_volume_episodes_have_their_shape() {
        for (seed, users, days) in [(31, 60, 10), (32, 300, 30)] {
            let s = simulate(&GenOptions {
                seed,
                users,
                days,
                ..GenOptions::default()
            })
            .unwrap();
            let mut episodes: BTreeMap<(&str, u32, world::Day), Vec<&Ev>> = BTreeMap::new();
            for &i in &s.order {
                let e = &s.events[i as usize];
                for l in e.labels.iter().filter(|l| l.0 == "odd_volume") {
                    assert!(is_lookup(e), "{e:?}");
                    episodes
                        .entry((l.1, e.login, world::day_of(e.t)))
                        .or_default()
                        .push(e);
                }
            }
            for kind in [
                "daily_count",
                "burst",
                "off_hours",
                "distinct_subjects",
                "export",
            ] {
                let n = episodes.keys().filter(|k| k.0 == kind).count();
                assert!(n >= 3, "seed {seed}: {n} {kind} episodes");
            }
            // A couple of daily_count days fall on a late joiner's first days.
            let newcomer = episodes.iter().any(|((kind, login, day), _)| {
                let joined = s.world.emp_of_login(*login).joined;
                *kind == "daily_count" && joined.is_some_and(|j| (*day - j) <= 4)
            });
            assert!(
                newcomer || users < 300,
                "seed {seed}: no newcomer daily_count"
            );
            for ((kind, login, _), evs) in &episodes {
                let emp = s.world.emp_of_login(*login);
                let span = evs.last().unwrap().t - evs[0].t;
                match *kind {
                    "burst" => assert!(evs.len() >= 40 && span <= 600, "{login} {span}"),
                    "export" => {
                        assert_eq!(evs.len(), 1);
                        assert_eq!(evs[0].action, "export");
                        assert!(evs[0].write_action);
                        assert!(evs[0].result_count.unwrap() >= 5000);
                    }
                    "off_hours" => {
                        assert!(!emp.night && (10..=30).contains(&evs.len()));
                        for e in evs {
                            let local = (e.t + world::LOCAL_OFFSET).rem_euclid(86_400);
                            assert!((3600..=4 * 3600 + 1800).contains(&local), "{e:?}");
                        }
                    }
                    "distinct_subjects" => {
                        let mut people: Vec<u32> = evs.iter().filter_map(|e| e.target).collect();
                        people.sort_unstable();
                        people.dedup();
                        assert!(people.len() >= 40, "{}", people.len());
                        assert!(evs.iter().all(|e| !e.explained));
                    }
                    _ => assert!(evs.len() >= 30, "{login}: {}", evs.len()),
                }
                // No identity detector should fire on the lookups an episode
                // adds (a daily_count day also labels what else that day held).
                for e in evs.iter().filter(|e| {
                    e.labels
                        .iter()
                        .any(|l| l.0 == "odd_volume" && l.1 != "daily_count")
                }) {
                    assert!(
                        e.labels
                            .iter()
                            .all(|l| matches!(l.0, "odd_volume" | "no_case" | "subject_surge")),
                        "{e:?}"
                    );
                }
            }
            let f = volume_figures(&s, |e| e.labels.iter().any(|l| l.0 == "odd_volume"));
            eprintln!("seed {seed}: unlabelled {f:?}");
            assert!(f.max_10min < 30, "{f:?}");
            assert!(f.max_rare_hour < 8, "{f:?}");
            if users == 300 {
                assert!(f.max_ratio < 3.0, "{f:?}");
            }
        }
    }

    /// Figures behind the generator's description of volume traffic; run
    /// with `cargo test --release -- --ignored --nocapture volume_report`.
    #[test]
    #[ignore]
    fn volume_report() {
        for (users, days) in [(300, 30), (400, 60)] {
            for inject in [false, true] {
                let t0 = std::time::Instant::now();
                let s = simulate(&GenOptions {
                    seed: 20_240_514,
                    users,
                    days,
                    inject,
                    ..GenOptions::default()
                })
                .unwrap();
                let took = t0.elapsed();
                let f = volume_figures(&s, |e| e.labels.iter().any(|l| l.0 == "odd_volume"));
                let mut by: BTreeMap<String, usize> = BTreeMap::new();
                for e in &s.events {
                    for l in &e.labels {
                        *by.entry(format!("{}/{}", l.0, l.1)).or_default() += 1;
                    }
                }
                by.retain(|k, _| k.starts_with("odd_volume"));
                eprintln!(
                    "{users} users x {days} days, inject {inject}: {} events in {took:?}\n  {by:?}\n  {f:?}",
                    s.events.len()
                );
            }
        }
    }
}
