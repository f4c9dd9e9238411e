//! `cases_per_login`: does detection slow down as the agency's case load grows?
//!
//! A patrol officer collects about a thousand open-ended incident cases in two months and a
//! detective's case lists dozens of people, so explaining a lookup ("is this person a
//! subject of a case the user works, open now?") must not cost more per event as cases per
//! login grow. This group builds, for each point of the sweep
//!
//! * cases per login: 10, 100, 1,000, 3,000 (every case open-ended, one assignee);
//! * subjects per case: 1, 5, 20;
//!
//! reference data for 50 logins (personnel, associations, a watchlist, clients, cases,
//! assignments, case subjects; invented people only) written as CSV in a temporary
//! directory and loaded with [`RefData::load`], as `custodes audit --refs` does, and a fixed
//! batch of 20,000 lookups (50 logins x 20 lookups x 20 days) decoded from JSON lines. The
//! largest point holds 3,000,000 case subjects. The batch is the same at every point except
//! for *which* of the user's cases and subjects a lookup picks (uniformly among the cases
//! and subjects that point has), so its mix is fixed:
//!
//! | share | lookup |
//! |---|---|
//! | 30 % | a subject of one of the user's cases, by person id |
//! | 20 % | a subject, by surname, given name and date of birth, typed in another case |
//! | 10 % | a subject, by surname only |
//! | 15 % | a subject, by address typed differently (`4817 North Kalvor Street #12` for `4817 N KALVOR ST APT 12, ASHFORD`) |
//! | 25 % | someone in no case (by person id, name and date of birth, or address), half under one of the user's own case ids, half with none |
//!
//! Names follow a long-tailed distribution (50,000 invented surnames, the commonest borne by
//! about 1 % of people, as in a real population), so common surnames have thousands of
//! bearers at the largest points.
//!
//! Only the engine is timed: a fresh [`Engine`] is fed the decoded events in time order and
//! finishes (days close, alerts are built and counted, not written). Writing the reference
//! data, loading and indexing it, and decoding the events happen once per point, before
//! measuring, and only for the points a criterion filter selects; each point's data is
//! dropped when it has been measured. Setup prints, per point, how long it took, how the
//! batch resolves (explained / `subject_not_in_case` / `missing`: the address and
//! surname-only lookups really are explained by the case subjects) and the mean cost of one
//! `Resolver::resolve` for each shape of lookup, explained or not (timed once per event,
//! so a rough guide to where the time goes, not a measurement).
//!
//! Every subject row is a distinct invented person (no one recurs across cases), which makes
//! posting lists as long as they can get for a given number of rows.
//!
//! Run: `cargo bench --bench pipeline -- cases_per_login` (about 4 minutes on 2 cores, of
//! which about a minute loads and indexes the 3,000,000 subjects of the largest point;
//! about 6 GB peak RSS there); one row of the sweep:
//! `cargo bench --bench pipeline -- 'cases_per_login/subjects_20/'`, one point:
//! `cargo bench --bench pipeline -- 'cases_per_login/subjects_5/1000$'`.

use std::collections::HashSet;
use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use serde_json::{json, Map, Value};

use custodes::config::Config;
use custodes::detect::Engine;
use custodes::event::Event;
use custodes::identity::{CaseStatus, Resolver};
use custodes::refs::RefData;
use custodes::source::{self, Format, RejectSink};

const LOGINS: u32 = 50;
const CASES_PER_LOGIN: [u32; 4] = [10, 100, 1_000, 3_000];
const SUBJECTS_PER_CASE: [u32; 3] = [1, 5, 20];
const DAYS: u32 = 20;
const LOOKUPS_PER_LOGIN_DAY: u32 = 20;
/// People in no case, looked up by the 25 % of the batch that no case explains.
const PUBLIC_PEOPLE: u32 = 20_000;

/// SplitMix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u32) as usize]
    }
}

/// Words drawn with weight `1 / (rank + offset)`: a long tail like real names.
struct Pool {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Pool {
    fn new(words: Vec<String>, offset: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0 + offset);
                total
            })
            .collect();
        Pool { words, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c <= x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

/// `n` distinct invented upper-case words of `syllables` syllables.
fn invented_words(seed: u64, n: usize, syllables: &[usize]) -> Vec<String> {
    const ONSETS: [&str; 26] = [
        "B", "BR", "C", "CH", "D", "DR", "F", "G", "GR", "H", "K", "KR", "L", "M", "N", "P", "PR",
        "R", "S", "SH", "ST", "T", "TR", "V", "W", "Z",
    ];
    const VOWELS: [&str; 8] = ["A", "E", "I", "O", "U", "AI", "EA", "OU"];
    const CODAS: [&str; 10] = ["", "N", "R", "L", "S", "M", "ND", "RT", "LK", "X"];
    let mut rng = Rng::new(seed);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let k = syllables[rng.below(syllables.len() as u32) as usize];
        let mut w = String::new();
        for _ in 0..k {
            w.push_str(rng.pick(&ONSETS));
            w.push_str(rng.pick(&VOWELS));
            w.push_str(rng.pick(&CODAS));
        }
        if w.len() >= 4 && seen.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

const STREET_TYPES: [(&str, &str); 9] = [
    ("ST", "Street"),
    ("AVE", "Avenue"),
    ("RD", "Road"),
    ("BLVD", "Boulevard"),
    ("DR", "Drive"),
    ("LN", "Lane"),
    ("CT", "Court"),
    ("PL", "Place"),
    ("WAY", "Way"),
];
const DIRECTIONS: [(&str, &str); 4] =
    [("N", "North"), ("S", "South"), ("E", "East"), ("W", "West")];
const CITIES: [&str; 12] = [
    "ASHFORD",
    "MILLBANK",
    "NORTHGATE",
    "STONEHAVEN",
    "LAKEMONT",
    "BRIARWOOD",
    "FENWICK",
    "HOLLOWAY",
    "KESTREL FALLS",
    "MARLOW",
    "OAKRIDGE",
    "PELHAM",
];

struct Addr {
    number: u32,
    predir: Option<usize>,
    street: String,
    kind: usize,
    unit: Option<u32>,
    city: usize,
}

impl Addr {
    /// As records systems write it: `4817 N KALVOR ST APT 12, ASHFORD`.
    fn records(&self) -> String {
        let mut s = self.number.to_string();
        if let Some(d) = self.predir {
            s.push(' ');
            s.push_str(DIRECTIONS[d].0);
        }
        s.push(' ');
        s.push_str(&self.street);
        s.push(' ');
        s.push_str(STREET_TYPES[self.kind].0);
        if let Some(u) = self.unit {
            s.push_str(&format!(" APT {u}"));
        }
        s.push_str(", ");
        s.push_str(CITIES[self.city]);
        s
    }

    /// As an officer types it: `4817 North Kalvor Street #12`, no city.
    fn typed(&self) -> String {
        let mut s = self.number.to_string();
        if let Some(d) = self.predir {
            s.push(' ');
            s.push_str(DIRECTIONS[d].1);
        }
        s.push(' ');
        s.push_str(&title(&self.street));
        s.push(' ');
        s.push_str(STREET_TYPES[self.kind].1);
        if let Some(u) = self.unit {
            s.push_str(&format!(" #{u}"));
        }
        s
    }
}

struct Person {
    pid: String,
    last: String,
    first: String,
    dob: String,
    addr: Addr,
    phone: Option<String>,
    plate: Option<String>,
}

/// The invented population every point draws from.
struct Names {
    surnames: Pool,
    given: Pool,
    streets: Pool,
}

impl Names {
    fn new() -> Self {
        Names {
            // The commonest of 50,000 surnames is borne by about 1 % of people, the top ten
            // by about 8 %, as in a real population.
            surnames: Pool::new(invented_words(11, 50_000, &[2, 2, 3]), 10.0),
            given: Pool::new(invented_words(12, 3_000, &[2]), 5.0),
            streets: Pool::new(invented_words(13, 4_000, &[2]), 400.0),
        }
    }

    /// The person with this key: the same key gives the same person at every point.
    fn person(&self, key: u64, pid: String) -> Person {
        let mut rng = Rng::new(key.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
        let last = self.surnames.pick(&mut rng).to_string();
        let first = self.given.pick(&mut rng).to_string();
        let dob = format!(
            "{}-{:02}-{:02}",
            1940 + rng.below(66),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let addr = Addr {
            number: 1 + rng.below(9_999),
            predir: rng.chance(0.2).then(|| rng.below(4) as usize),
            street: self.streets.pick(&mut rng).to_string(),
            kind: rng.below(STREET_TYPES.len() as u32) as usize,
            unit: rng.chance(0.3).then(|| 1 + rng.below(60)),
            city: rng.below(CITIES.len() as u32) as usize,
        };
        let phone = rng
            .chance(0.5)
            .then(|| format!("555-{:03}-{:04}", rng.below(1000), rng.below(10_000)));
        let plate = rng.chance(0.3).then(|| {
            let l = |r: &mut Rng| char::from(b'A' + r.below(26) as u8);
            format!(
                "{}{}{}{}{:03}",
                rng.below(10),
                l(&mut rng),
                l(&mut rng),
                l(&mut rng),
                rng.below(1000)
            )
        });
        Person {
            pid,
            last,
            first,
            dob,
            addr,
            phone,
            plate,
        }
    }

    fn subject(&self, login: u32, case: u32, n: u32) -> Person {
        let key = (1u64 << 40) | (u64::from(login) << 24) | (u64::from(case) << 8) | u64::from(n);
        self.person(key, format!("P1{login:02}{case:04}{n:02}"))
    }

    fn public(&self, i: u32) -> Person {
        self.person((2u64 << 40) | u64::from(i), format!("P2{i:08}"))
    }

    fn employee(&self, login: u32) -> Person {
        self.person((3u64 << 40) | u64::from(login), format!("P3{login:08}"))
    }
}

const UNITS: [&str; 5] = ["PATROL", "DETECTIVES", "NARCOTICS", "TRAFFIC", "RECORDS"];
const SITES: [(&str, f64, f64); 5] = [
    ("HQ", 39.74, -104.99),
    ("NORTH", 39.86, -104.98),
    ("SOUTH", 39.62, -104.97),
    ("EAST", 39.73, -104.83),
    ("WEST", 39.72, -105.13),
];

fn login_name(names: &Names, l: u32) -> String {
    let p = names.employee(l);
    format!(
        "{}{}{l}",
        p.first[..1].to_ascii_lowercase(),
        p.last.to_ascii_lowercase()
    )
}

fn case_id(l: u32, k: u32) -> String {
    format!("C-24-{l:02}{k:04}")
}

/// When case `k` of login `l` was opened: some day of 2023 or early 2024, before every event.
fn case_opened(l: u32, k: u32) -> String {
    let day = (l * 7_919 + k * 104_729) % 420;
    let d = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("date")
        + chrono::Days::new(u64::from(day));
    d.format("%Y-%m-%d").to_string()
}

fn person_row<'a>(p: &'a Person, rec_addr: &'a str) -> [&'a str; 8] {
    [
        &p.pid,
        &p.last,
        &p.first,
        &p.dob,
        rec_addr,
        p.phone.as_deref().unwrap_or(""),
        p.plate.as_deref().unwrap_or(""),
        "",
    ]
}

/// Writes the reference tables for one point of the sweep; returns the case-subject rows.
fn write_refs(names: &Names, dir: &Path, cases: u32, subjects: u32) -> csv::Result<u64> {
    let mut w = csv::Writer::from_path(dir.join("personnel.csv"))?;
    w.write_record(custodes::refs::columns::PERSONNEL)?;
    for l in 0..LOGINS {
        let p = names.employee(l);
        let addr = p.addr.records();
        let supervisor = if l % 10 == 0 {
            String::new()
        } else {
            format!("E{:05}", l - l % 10)
        };
        let [pid, last, first, dob, addr, phone, plate, _] = person_row(&p, &addr);
        w.write_record([
            login_name(names, l).as_str(),
            &format!("E{l:05}"),
            pid,
            last,
            first,
            dob,
            addr,
            phone,
            plate,
            UNITS[(l % 5) as usize],
            &supervisor,
            SITES[(l % 5) as usize].0,
            "active",
            "",
        ])?;
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("associations.csv"))?;
    w.write_record(custodes::refs::columns::ASSOCIATIONS)?;
    for l in 0..LOGINS {
        for (j, relation) in ["family", "ex_partner", "neighbor"].iter().enumerate() {
            let p = names.person(
                (4u64 << 40) | u64::from(l * 3 + j as u32),
                format!("P4{:08}", l * 3 + j as u32),
            );
            let addr = p.addr.records();
            let [pid, last, first, dob, addr, phone, plate, _] = person_row(&p, &addr);
            w.write_record([
                format!("E{l:05}").as_str(),
                relation,
                pid,
                last,
                first,
                dob,
                addr,
                phone,
                plate,
                "2020-01-01",
                "",
                "hr_disclosure",
            ])?;
        }
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("watchlist.csv"))?;
    w.write_record(custodes::refs::columns::WATCHLIST)?;
    for i in 0..200u32 {
        let p = names.person((5u64 << 40) | u64::from(i), format!("P5{i:08}"));
        let category = ["official", "celebrity", "journalist"][(i % 3) as usize];
        w.write_record([&p.pid, &p.last, &p.first, &p.dob, category])?;
    }
    w.flush()?;

    let mut w = csv::Writer::from_path(dir.join("clients.csv"))?;
    w.write_record(custodes::refs::columns::CLIENTS)?;
    for l in 0..LOGINS {
        let (site, lat, lon) = SITES[(l % 5) as usize];
        w.write_record([&client(l), site, &lat.to_string(), &lon.to_string()])?;
    }
    w.flush()?;

    let mut cw = csv::Writer::from_path(dir.join("cases.csv"))?;
    cw.write_record(custodes::refs::columns::CASES)?;
    let mut aw = csv::Writer::from_path(dir.join("case_assignments.csv"))?;
    aw.write_record(["case_id", "user", "from", "to"])?;
    let mut sw = csv::Writer::from_path(dir.join("case_subjects.csv"))?;
    sw.write_record(custodes::refs::columns::CASE_SUBJECTS)?;
    let mut rows = 0u64;
    for l in 0..LOGINS {
        let login = login_name(names, l);
        for k in 0..cases {
            let id = case_id(l, k);
            let opened = case_opened(l, k);
            cw.write_record([&id, "open", &opened, "", UNITS[(l % 5) as usize]])?;
            aw.write_record([id.as_str(), &login, &opened, ""])?;
            for s in 0..subjects {
                let p = names.subject(l, k, s);
                let addr = p.addr.records();
                let [pid, last, first, dob, addr, phone, plate, _] = person_row(&p, &addr);
                sw.write_record([id.as_str(), pid, last, first, dob, addr, phone, plate])?;
                rows += 1;
            }
        }
    }
    cw.flush()?;
    aw.flush()?;
    sw.flush()?;
    Ok(rows)
}

fn client(l: u32) -> String {
    format!("WS-{}-{l:03}", SITES[(l % 5) as usize].0)
}

/// Writes the batch of lookups as contract JSON lines, in time order.
fn write_events(names: &Names, path: &Path, cases: u32, subjects: u32) -> std::io::Result<usize> {
    let logins: Vec<String> = (0..LOGINS).map(|l| login_name(names, l)).collect();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 4)
        .expect("date")
        .and_hms_opt(8, 0, 0)
        .expect("time")
        .and_utc();
    // One generator for the skeleton (who, when, what kind of lookup), whatever the point:
    // only the case and subject picked from the user's own depend on the point's sizes.
    let mut rng = Rng::new(20_240_304);
    let mut events: Vec<(chrono::DateTime<chrono::Utc>, u32, Map<String, Value>)> =
        Vec::with_capacity((LOGINS * DAYS * LOOKUPS_PER_LOGIN_DAY) as usize);
    for day in 0..DAYS {
        for (l, login) in logins.iter().enumerate() {
            let l = l as u32;
            for _ in 0..LOOKUPS_PER_LOGIN_DAY {
                let ts = start
                    + chrono::Days::new(u64::from(day))
                    + chrono::Duration::seconds(i64::from(rng.below(9 * 3600)));
                let mut m = Map::new();
                m.insert("ts".into(), json!(custodes::event::format_ts(&ts)));
                m.insert("user".into(), json!(login));
                m.insert("action".into(), json!("query"));
                m.insert(
                    "system".into(),
                    json!(rng.pick(&["RMS", "DMV", "NCIC", "CASEMGMT"])),
                );
                m.insert("session".into(), json!(format!("S-{login}-{day}")));
                m.insert("client".into(), json!(client(l)));
                m.insert("purpose".into(), json!("INVESTIGATION"));
                m.insert("result_count".into(), json!(1 + rng.below(3)));
                let k = rng.below(cases);
                let s = rng.below(subjects);
                let typed_case = rng.chance(0.85);
                let upper = rng.chance(0.5);
                let style = |x: &str| if upper { x.to_string() } else { title(x) };
                let roll = rng.below(100);
                if roll < 75 {
                    // A subject of one of the user's own cases.
                    let p = names.subject(l, k, s);
                    match roll {
                        0..30 => {
                            m.insert("subject_person_id".into(), json!(p.pid));
                        }
                        30..50 => {
                            m.insert("subject_last_name".into(), json!(style(&p.last)));
                            m.insert("subject_first_name".into(), json!(style(&p.first)));
                            m.insert("subject_dob".into(), json!(p.dob));
                        }
                        50..60 => {
                            m.insert("subject_last_name".into(), json!(style(&p.last)));
                        }
                        _ => {
                            m.insert("subject_address".into(), json!(p.addr.typed()));
                        }
                    }
                    if typed_case {
                        m.insert("case_id".into(), json!(case_id(l, k)));
                    }
                } else {
                    // Someone in no case: under one of the user's own case ids, or none.
                    let p = names.public(rng.below(PUBLIC_PEOPLE));
                    match roll % 3 {
                        0 => {
                            m.insert("subject_person_id".into(), json!(p.pid));
                        }
                        1 => {
                            m.insert("subject_last_name".into(), json!(style(&p.last)));
                            m.insert("subject_first_name".into(), json!(style(&p.first)));
                            m.insert("subject_dob".into(), json!(p.dob));
                        }
                        _ => {
                            m.insert("subject_address".into(), json!(p.addr.typed()));
                        }
                    }
                    if roll.is_multiple_of(2) {
                        m.insert("case_id".into(), json!(case_id(l, k)));
                    }
                }
                events.push((ts, l, m));
            }
        }
    }
    events.sort_by_key(|(ts, l, _)| (*ts, *l));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (i, (_, _, mut m)) in events.into_iter().enumerate() {
        m.insert("id".into(), json!(format!("ev-{:07}", i + 1)));
        serde_json::to_writer(&mut out, &m)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok((LOGINS * DAYS * LOOKUPS_PER_LOGIN_DAY) as usize)
}

/// One point of the sweep, ready to measure.
struct World {
    resolver: Arc<Resolver>,
    events: Vec<Event>,
}

fn build_world(names: &Names, cases: u32, subjects: u32) -> World {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let refs = dir.path().join("refs");
    std::fs::create_dir(&refs).expect("refs dir");
    let rows = write_refs(names, &refs, cases, subjects).expect("write refs");
    let events_path = dir.path().join("events.jsonl");
    let written = write_events(names, &events_path, cases, subjects).expect("write events");
    let written_at = started.elapsed();

    let mut rejects = RejectSink::counting();
    let data = RefData::load(&refs, &mut rejects).expect("load refs");
    assert_eq!(rejects.count(), 0, "reference rows rejected");
    let resolver = Arc::new(Resolver::new(data, Config::default()));
    let indexed_at = started.elapsed();

    let mut events = Vec::with_capacity(written);
    source::read_file(
        &events_path,
        Format::JsonLines { gzip: false },
        &source::ReadOptions::new(&Config::default()).expect("options"),
        &mut rejects,
        &mut |ev| events.push(ev),
    )
    .expect("read events");
    assert_eq!(rejects.count(), 0, "events rejected");
    assert_eq!(events.len(), written);
    drop(dir);

    // How the batch resolves (most of it must be explained by the user's cases), and what
    // one `resolve` costs for each shape of lookup: where the time goes when it grows.
    let (mut explained, mut not_in_case, mut missing, mut other) = (0usize, 0, 0, 0);
    // [person id, name + dob, surname only, address] x [explained, not explained]
    let mut cost = [[(0u32, Duration::ZERO); 2]; 4];
    for ev in &events {
        let s = &ev.subject;
        let shape = if s.person_id.is_some() {
            0
        } else if s.address.is_some() {
            3
        } else if s.dob.is_some() {
            1
        } else {
            2
        };
        let t = Instant::now();
        let case = resolver.resolve(ev).case;
        let dt = t.elapsed();
        let by_case = matches!(case, CaseStatus::Explained { .. });
        match case {
            CaseStatus::Explained { .. } => explained += 1,
            CaseStatus::SubjectNotInCase { .. } => not_in_case += 1,
            CaseStatus::Missing => missing += 1,
            _ => other += 1,
        }
        let c = &mut cost[shape][usize::from(!by_case)];
        c.0 += 1;
        c.1 += dt;
    }
    let pct = |n: usize| 100.0 * n as f64 / events.len() as f64;
    let us = |(n, d): (u32, Duration)| {
        if n == 0 {
            "-".to_string()
        } else {
            format!("{:.1}", d.as_secs_f64() * 1e6 / f64::from(n))
        }
    };
    let mut costs = String::new();
    for (i, name) in ["person id", "name+dob", "surname only", "address"]
        .iter()
        .enumerate()
    {
        costs.push_str(&format!(
            "{}{name} {}/{}",
            if i == 0 { "" } else { ", " },
            us(cost[i][0]),
            us(cost[i][1])
        ));
    }
    eprintln!(
        "cases_per_login: {LOGINS} logins x {cases} cases x {subjects} subjects = {rows} case \
         subjects; CSV written in {:.1} s, loaded and indexed in {:.1} s; {} events: \
         {:.1} % explained, {:.1} % subject_not_in_case, {:.1} % missing, {:.1} % other; \
         one resolve, mean us (explained/not): {costs}",
        written_at.as_secs_f64(),
        (indexed_at - written_at).as_secs_f64(),
        events.len(),
        pct(explained),
        pct(not_in_case),
        pct(missing),
        pct(other),
    );
    assert!(
        pct(explained) > 70.0,
        "the case subjects in the batch should be explained"
    );
    World { resolver, events }
}

/// Feeds the whole batch to a fresh engine; returns the number of alerts.
fn run(world: &World) -> usize {
    let mut engine = Engine::new(Arc::clone(&world.resolver), Arc::new(Config::default()));
    let mut alerts = Vec::new();
    let mut n = 0;
    for ev in &world.events {
        engine.push(ev, &mut alerts);
        n += alerts.len();
        alerts.clear();
    }
    engine.finish(&mut alerts);
    n + black_box(alerts).len()
}

pub fn cases_per_login(c: &mut Criterion) {
    let names = Names::new();
    let mut group = c.benchmark_group("cases_per_login");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(u64::from(
            LOGINS * DAYS * LOOKUPS_PER_LOGIN_DAY,
        )));
    for subjects in SUBJECTS_PER_CASE {
        for cases in CASES_PER_LOGIN {
            // Built on the first call, which criterion makes only for a selected point;
            // dropped with the closure once the point is measured.
            let mut world: Option<World> = None;
            group.bench_function(
                BenchmarkId::new(format!("subjects_{subjects}"), cases),
                |b| {
                    let w = world.get_or_insert_with(|| build_world(&names, cases, subjects));
                    b.iter(|| black_box(run(w)))
                },
            );
        }
    }
    group.finish();
}
