//! `odd_volume` and `subject_surge` on small worlds built here, day by day, so that each
//! test reads as the story it checks: three weeks of ordinary work, then one odd day.
//! The tricky cases are the ones the issue names: night-shift workers, overtime days, a
//! user's first week, a public holiday, events out of order within the allowed lateness.
//!
//! Ordinary work varies from day to day (±30 %) and repeats people within a day, as real
//! case work does; nothing here is tuned to the detectors' defaults beyond "clearly odd"
//! and "clearly ordinary".

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

use crate::support::{custodes, read_jsonl};

const START: &str = "2024-03-04";

fn day(n: i64) -> NaiveDate {
    START.parse::<NaiveDate>().expect("date") + Duration::days(n)
}

fn at(d: NaiveDate, hour: u32, min: u32) -> DateTime<Utc> {
    d.and_hms_opt(hour, min, 0).expect("time").and_utc()
}

/// A world under construction: personnel rows and events.
pub(crate) struct World {
    dir: tempfile::TempDir,
    personnel: String,
    events: Vec<(DateTime<Utc>, String)>,
    cases: Option<(String, String, String)>,
    next: usize,
}

impl World {
    fn new() -> Self {
        World {
            dir: tempfile::tempdir().expect("tempdir"),
            personnel: "user,employee_id,last_name,first_name,dob,unit,site,status\n".into(),
            events: Vec::new(),
            cases: None,
            next: 0,
        }
    }

    fn staff(&mut self, user: &str, unit: &str) {
        let n = self.personnel.lines().count();
        let _ = writeln!(
            self.personnel,
            "{user},E{n:04},Testperson{n},Staff,1980-01-{:02},{unit},HQ,active",
            n % 28 + 1
        );
    }

    /// One lookup; returns its id.
    fn lookup(&mut self, user: &str, ts: DateTime<Utc>, person: &str, rows: Option<u64>) -> String {
        self.next += 1;
        let id = format!("ev{:06}", self.next);
        let mut line = format!(
            r#"{{"id":"{id}","ts":"{}","user":"{user}","action":"query","system":"RMS","purpose":"TRAFFIC_STOP","subject_person_id":"{person}""#,
            ts.to_rfc3339()
        );
        if let Some(r) = rows {
            let _ = write!(line, r#","result_count":{r}"#);
        }
        line.push('}');
        self.events.push((ts, line));
        id
    }

    /// An ordinary working day: `count` lookups spread from `start_hour` over `hours`, about
    /// eight people, each looked up several times.
    fn workday(&mut self, user: &str, d: NaiveDate, count: u32, start_hour: u32, hours: u32) {
        let minutes = hours * 60;
        for k in 0..count {
            let offset = (u64::from(k) * u64::from(minutes) / u64::from(count.max(1))) as i64;
            let ts =
                at(d, 0, 0) + Duration::hours(i64::from(start_hour)) + Duration::minutes(offset);
            let person = format!("P-{user}-{}-{}", d.format("%m%d"), k % 8);
            self.lookup(user, ts, &person, Some(u64::from(k % 3 + 1)));
        }
    }

    /// Three weeks of ordinary days (weekdays) for `user`, `base` lookups ± 30 %.
    fn history(&mut self, user: &str, days: std::ops::Range<i64>, base: u32, start_hour: u32) {
        for n in days {
            let d = day(n);
            if matches!(d.format("%a").to_string().as_str(), "Sat" | "Sun") {
                continue;
            }
            // A fixed, irregular pattern of busier and quieter days.
            let wobble = [0.7, 1.0, 1.3, 0.9, 1.1, 0.8, 1.2][(n as usize * 3 + user.len()) % 7];
            self.workday(
                user,
                d,
                (f64::from(base) * wobble).round() as u32,
                start_hour,
                8,
            );
        }
    }

    pub(crate) fn write(&self) -> (PathBuf, PathBuf) {
        let refs = self.dir.path().join("refs");
        std::fs::create_dir_all(&refs).expect("mkdir");
        std::fs::write(refs.join("personnel.csv"), &self.personnel).expect("write");
        if let Some((cases, assignments, subjects)) = &self.cases {
            std::fs::write(refs.join("cases.csv"), cases).expect("write");
            std::fs::write(refs.join("case_assignments.csv"), assignments).expect("write");
            std::fs::write(refs.join("case_subjects.csv"), subjects).expect("write");
        }
        let mut events = self.events.clone();
        events.sort_by_key(|e| e.0);
        let path = self.dir.path().join("events.jsonl");
        let text: String = events.iter().map(|e| format!("{}\n", e.1)).collect();
        std::fs::write(&path, text).expect("write");
        (refs, path)
    }

    /// Audits everything at once; returns the behaviour alerts (other detectors' alerts
    /// about these synthetic lookups are not what these tests are about).
    fn audit(&self, extra: &[&str]) -> Vec<Value> {
        let (refs, events) = self.write();
        run_audit(self.dir.path(), &refs, &[events], extra)
    }
}

fn run_audit(dir: &Path, refs: &Path, events: &[PathBuf], extra: &[&str]) -> Vec<Value> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = dir.join(format!("alerts-{n}.jsonl"));
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(refs)
        .args(extra)
        .arg("--out")
        .arg(&out)
        .args(events)
        .assert()
        .success();
    read_jsonl(&out)
        .into_iter()
        .filter(|a| a["detector"] == "odd_volume" || a["detector"] == "subject_surge")
        .collect()
}

fn kinds(alerts: &[Value]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = alerts
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or_default().to_string(),
                a["user"].as_str().unwrap_or_default().to_string(),
                a["window_start"].as_str().unwrap_or_default()[..10].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn k(kind: &str, user: &str, d: NaiveDate) -> (String, String, String) {
    (kind.into(), user.into(), d.to_string())
}

/// Six patrol officers working days, three weeks of history each.
fn patrol() -> World {
    let mut w = World::new();
    for (i, u) in ["ada", "ben", "cyd", "dee", "eli", "fay"]
        .iter()
        .enumerate()
    {
        w.staff(u, "PATROL");
        w.history(u, 0..21, 30 + 4 * i as u32, 8);
    }
    w
}

#[test]
fn ordinary_weeks_raise_nothing() {
    let w = patrol();
    assert_eq!(kinds(&w.audit(&[])), vec![]);
}

/// Monday of week 4: ada does seven times her usual; ben works a long day (1.6x).
pub(crate) fn daily_count_world() -> World {
    let mut w = patrol();
    w.workday("ada", day(21), 210, 8, 9);
    w.workday("ben", day(21), 55, 7, 12);
    for u in ["cyd", "dee", "eli", "fay"] {
        w.workday(u, day(21), 34, 8, 8);
    }
    w
}

#[test]
fn daily_count_flags_a_day_far_above_the_user_and_the_unit_but_not_overtime() {
    let alerts = daily_count_world().audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("daily_count", "ada", day(21))]);
    let a = &alerts[0];
    let reason = a["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("210 lookups on 2024-03-25; this user's median is ")
            && reason.contains(" over 15 active days and the unit PATROL's 95th percentile")
            && reason.contains("p = "),
        "{reason}"
    );
    assert_eq!(a["evidence"]["observed"], 210);
    assert_eq!(a["event_ids"].as_array().map(Vec::len), Some(210));
    assert!(a["evidence"]["p_value"].as_f64().unwrap_or(1.0) < 1e-6);
}

#[test]
fn a_new_users_first_days_are_judged_against_the_unit() {
    let mut w = patrol();
    w.staff("gus", "PATROL");
    w.staff("hal", "PATROL");
    // gus's first day: far beyond anything the unit does; hal's: an ordinary day.
    w.workday("gus", day(21), 240, 8, 8);
    w.workday("hal", day(21), 36, 8, 8);
    for u in ["ada", "ben", "cyd"] {
        w.workday(u, day(21), 33, 8, 8);
    }
    let alerts = w.audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("daily_count", "gus", day(21))]);
    let reason = alerts[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("too little history") && reason.contains("unit PATROL"),
        "{reason}"
    );
}

#[test]
fn a_public_holiday_and_the_day_after_are_ordinary() {
    let mut w = patrol();
    // Monday a holiday (a few lookups each), Tuesday back to normal.
    for (i, u) in ["ada", "ben", "cyd", "dee", "eli", "fay"]
        .iter()
        .enumerate()
    {
        w.workday(u, day(21), 3 + i as u32, 10, 2);
        w.workday(u, day(22), 30 + 4 * i as u32, 8, 8);
    }
    assert_eq!(kinds(&w.audit(&[])), vec![]);
}

/// An alert's event ids, in its order.
fn event_ids(alert: &Value) -> Vec<String> {
    alert["event_ids"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn burst_flags_a_scripted_run_but_not_a_busy_few_minutes() {
    let mut w = patrol();
    let d = day(21);
    for u in ["ben", "cyd", "dee", "eli", "fay"] {
        w.workday(u, d, 30, 8, 8);
    }
    // ada: 60 lookups of six people in 5 minutes, her only work of the day (so the day's
    // count, twice her usual, is not itself odd). ben: 12 in 2 minutes (one case).
    let mut burst = Vec::new();
    for s in 0..60 {
        let person = format!("B-{}", s % 6);
        burst.push(w.lookup(
            "ada",
            at(d, 14, 0) + Duration::seconds(s * 5),
            &person,
            None,
        ));
    }
    for s in 0..12 {
        w.lookup(
            "ben",
            at(d, 15, 0) + Duration::seconds(s * 10),
            "CASE-PERSON",
            None,
        );
    }
    let alerts = w.audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("burst", "ada", d)]);
    assert_eq!(event_ids(&alerts[0]), burst);
    assert!(alerts[0]["reason"]
        .as_str()
        .unwrap_or_default()
        .starts_with("Up to 60 lookups within 10 minutes"));
}

/// With history, a burst is judged twice: against the user's usual pace by what they typed
/// (a query sent to several systems at once counts once), and against a pace nobody keeps
/// up by hand (`burst_no_baseline_lookups`, 60) by every system's answer. ada sends 25
/// queries in 8 minutes to three systems each: 75 lookups, though 25 typed queries are
/// under the 45 her usual pace allows (`burst_min_lookups`). ben's busy ten minutes, 15 queries sent to three
/// systems (45 lookups), are neither.
#[test]
fn burst_counts_every_system_against_a_pace_beyond_work_by_hand() {
    let mut w = patrol();
    let d = day(21);
    for u in ["ben", "cyd", "dee", "eli", "fay"] {
        w.workday(u, d, 30, 8, 8);
    }
    let mut scrape = Vec::new();
    for q in 0..25 {
        let ts = at(d, 14, 0) + Duration::seconds(q * 19);
        for _ in 0..3 {
            scrape.push(w.lookup("ada", ts, &format!("S-{}", q % 8), None));
        }
    }
    for q in 0..15 {
        let ts = at(d, 16, 0) + Duration::seconds(q * 38);
        for _ in 0..3 {
            w.lookup("ben", ts, &format!("T-{}", q % 8), None);
        }
    }
    let alerts = w.audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("burst", "ada", d)]);
    assert_eq!(event_ids(&alerts[0]), scrape);
    let e = &alerts[0]["evidence"];
    assert_eq!(e["peak_in_window"], 75);
    assert_eq!(e["typed_in_peak_window"], 25);
    assert_eq!(e["threshold"], 45);
    assert_eq!(e["threshold_all_systems"], 60);
    assert_eq!(e["baseline"], "own");
}

/// Two night workers with history, and one who starts today in the same night unit; ada
/// works her day, then 15 lookups between 02:00 and 03:00 the next night.
pub(crate) fn off_hours_world() -> World {
    let mut w = patrol();
    for u in ["nia", "ned"] {
        w.staff(u, "NIGHTS");
        w.history(u, 0..21, 30, 21);
    }
    w.staff("nat", "NIGHTS");
    let d = day(21);
    for u in ["nia", "ned", "nat"] {
        w.workday(u, d, 30, 21, 8);
    }
    w.workday("ada", d, 30, 8, 8);
    let night = day(22);
    for m in 0..15 {
        w.lookup("ada", at(night, 2, m * 4), &format!("N-{m}"), None);
    }
    w
}

#[test]
fn off_hours_spares_night_workers_and_flags_a_day_worker_at_night() {
    let alerts = off_hours_world().audit(&[]);
    let night = day(22);
    assert_eq!(kinds(&alerts), vec![k("off_hours", "ada", night)]);
    let reason = alerts[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.starts_with("15 lookups on 2024-03-26"), "{reason}");
}

/// ada keeps her usual volume but each lookup is someone new: 50 people instead of ~8.
pub(crate) fn distinct_subjects_world() -> World {
    let mut w = patrol();
    let d = day(21);
    for u in ["ben", "cyd", "dee", "eli", "fay"] {
        w.workday(u, d, 30, 8, 8);
    }
    for m in 0..50 {
        w.lookup(
            "ada",
            at(d, 9, 0) + Duration::minutes(m * 9),
            &format!("X-{m}"),
            None,
        );
    }
    w
}

#[test]
fn distinct_subjects_flags_browsing_many_people() {
    let d = day(21);
    let alerts = distinct_subjects_world().audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("distinct_subjects", "ada", d)]);
    assert_eq!(alerts[0]["evidence"]["observed"], 50);
    assert_eq!(alerts[0]["event_ids"].as_array().map(Vec::len), Some(50));
}

#[test]
fn export_flags_a_bulk_result_but_not_a_records_clerks_usual_one() {
    let mut w = patrol();
    // A records clerk whose days end with an export of about 10,000 rows.
    w.staff("rex", "PATROL");
    w.history("rex", 0..21, 20, 8);
    for n in 0..21 {
        let d = day(n);
        if !matches!(d.format("%a").to_string().as_str(), "Sat" | "Sun") {
            w.lookup("rex", at(d, 16, 30), "BULK", Some(9_000 + 100 * n as u64));
        }
    }
    let d = day(21);
    for u in ["ada", "ben", "cyd", "dee", "eli", "fay"] {
        w.workday(u, d, 30, 8, 8);
    }
    w.workday("rex", d, 20, 8, 8);
    w.lookup("rex", at(d, 16, 30), "BULK", Some(15_000));
    let big = w.lookup("cyd", at(d, 17, 5), "BULK", Some(48_000));
    let alerts = w.audit(&[]);
    assert_eq!(kinds(&alerts), vec![k("export", "cyd", d)]);
    assert_eq!(alerts[0]["event_ids"][0], big.as_str());
    assert_eq!(alerts[0]["severity"], "high");
}

#[test]
fn subject_surge_flags_every_login_converging_on_one_person() {
    let mut w = patrol();
    let d = day(21);
    let users = ["ada", "ben", "cyd", "dee", "eli", "fay"];
    for u in users {
        w.workday(u, d, 30, 8, 8);
    }
    // A victim in the news: all six look her up within three hours, none has a case.
    for (i, u) in users.iter().enumerate() {
        w.lookup(
            u,
            at(d, 11, 0) + Duration::minutes(30 * i as i64),
            "VICTIM-1",
            None,
        );
    }
    let alerts = w.audit(&[]);
    let surge: Vec<_> = kinds(&alerts);
    assert_eq!(
        surge,
        users
            .iter()
            .map(|u| k("many_users", u, d))
            .collect::<Vec<_>>()
    );
    assert!(alerts[0]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("as one of 6 people within 24 hours"));
}

#[test]
fn subject_surge_spares_a_case_and_a_person_who_always_draws_attention() {
    let mut w = patrol();
    let users = ["ada", "ben", "cyd", "dee", "eli", "fay"];
    // A wanted person three officers check every day; today all six do.
    for n in 0..21 {
        for u in &users[..3] {
            w.lookup(u, at(day(n), 9, 0), "WANTED-1", None);
        }
    }
    let d = day(21);
    for (i, u) in users.iter().enumerate() {
        w.workday(u, d, 30, 8, 8);
        w.lookup(u, at(d, 10, i as u32), "WANTED-1", None);
    }
    // A case lists CASE-SUBJECT and assigns all six: their lookups are explained.
    w.cases = Some((
        "case_id,status,opened,closed,unit\nC-1,open,2024-01-01,,PATROL\n".into(),
        format!(
            "case_id,user,from,to\n{}",
            users
                .iter()
                .map(|u| format!("C-1,{u},2024-01-01,\n"))
                .collect::<String>()
        ),
        "case_id,person_id\nC-1,CASE-SUBJECT\n".into(),
    ));
    for (i, u) in users.iter().enumerate() {
        let ts = at(d, 12, i as u32);
        w.next += 1;
        let id = format!("ev{:06}", w.next);
        w.events.push((
            ts,
            format!(
                r#"{{"id":"{id}","ts":"{}","user":"{u}","case_id":"C-1","subject_person_id":"CASE-SUBJECT"}}"#,
                ts.to_rfc3339()
            ),
        ));
    }
    assert_eq!(kinds(&w.audit(&[])), vec![]);
}

#[test]
fn stream_mode_within_allowed_lateness_gives_the_batch_alerts_and_keeps_late_events() {
    let mut w = patrol();
    let d = day(21);
    w.workday("ada", d, 210, 8, 9);
    for s in 0..60 {
        w.lookup(
            "ben",
            at(d, 14, 0) + Duration::seconds(s * 5),
            &format!("B-{s}"),
            None,
        );
    }
    let (refs, sorted) = w.write();
    let batch = run_audit(w.dir.path(), &refs, std::slice::from_ref(&sorted), &[]);
    assert!(!batch.is_empty());
    // The same events, each pair of neighbours swapped, and one event of the Friday before
    // arriving at the very end.
    let text = std::fs::read_to_string(&sorted).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    for pair in lines.chunks_mut(2) {
        pair.reverse();
    }
    let stray_at = lines
        .iter()
        .position(|l| l.contains(&format!("\"ts\":\"{}", day(18))))
        .expect("an event of an earlier day");
    let stray = lines.remove(stray_at);
    lines.push(stray);
    let shuffled = w.dir.path().join("shuffled.jsonl");
    std::fs::write(&shuffled, lines.join("\n") + "\n").expect("write");
    let rejects = w.dir.path().join("late.jsonl");
    let mut args = vec!["--stream", "--allowed-lateness", "600", "--rejects"];
    let r = rejects.to_string_lossy().to_string();
    args.push(&r);
    let streamed = run_audit(w.dir.path(), &refs, &[shuffled], &args);
    let ids = |v: &[Value]| {
        let mut x: Vec<String> = v.iter().map(|a| a["alert_id"].to_string()).collect();
        x.sort();
        x
    };
    // The stray event belongs to a day already judged; everything else agrees.
    assert_eq!(ids(&streamed), ids(&batch));
    let late = read_jsonl(&rejects);
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0]["field"], "ts");
    assert!(late[0]["error"]
        .as_str()
        .unwrap_or_default()
        .contains("allowed lateness 600 s"));
    assert_eq!(late[0]["line"], lines.len() as u64);
}

#[test]
fn a_placeholder_person_id_is_nobody_not_a_surge() {
    let mut w = patrol();
    let d = day(21);
    let users = ["ada", "ben", "cyd", "dee", "eli", "fay"];
    for (i, u) in users.iter().enumerate() {
        w.workday(u, d, 30, 8, 8);
        // A source that logs "0" or "N/A" when the search found no record.
        w.lookup(u, at(d, 11, i as u32), "0", None);
        w.lookup(u, at(d, 12, i as u32), "N/A", None);
    }
    assert_eq!(kinds(&w.audit(&[])), vec![]);
}
