//! Scores alerts against ground-truth labels (`custodes eval`).
//!
//! A label says "this event should raise detector D (kind K) for user U".
//! Detectors may group many events into one alert, so matching is by shared
//! event id: an alert is a true positive when some label with the same
//! detector and user (and, at kind level, kind) shares at least one of its
//! event ids, and a label is detected when some such alert exists. Scoring
//! is linear in the number of event ids so it scales to millions of events.
//!
//! This module only reads labels and alerts; it never looks at events or
//! reference data, and it never changes its inputs.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One ground-truth line of `labels.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Detector that should fire (contract §3 names).
    pub detector: String,
    /// The detector's finer reason.
    pub kind: String,
    /// Login the alert should be about.
    pub user: String,
    /// Every login of a finding about several (a surge written as one label): an alert
    /// about any of them, on the label's events, matches it. Empty for most labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Events that should raise it (the generator writes one per label).
    pub event_ids: Vec<String>,
    /// RFC 3339; informational, matching is by event id.
    pub window_start: String,
    /// RFC 3339; informational, matching is by event id.
    pub window_end: String,
}

/// The parts of an alert (contract §3) that scoring needs; other fields are
/// ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRef {
    /// Detector that raised the alert; required.
    pub detector: String,
    /// Finer reason; empty when absent.
    #[serde(default)]
    pub kind: String,
    /// Login the alert is about; required.
    pub user: String,
    /// Events the alert rests on; an alert without any matches nothing.
    #[serde(default)]
    pub event_ids: Vec<String>,
}

/// Why a labels or alerts file could not be read; names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// Opening or reading the file failed.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file at fault.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not the expected JSON object.
    #[error("{}:{line}: {source}", path.display())]
    Json {
        /// The file at fault.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A required field is empty.
    #[error("{}:{line}: field `{field}` must not be empty", path.display())]
    EmptyField {
        /// The file at fault.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The field at fault.
        field: &'static str,
    },
}

/// Reads JSON lines, skipping blank lines; errors name the file and the
/// 1-based line.
fn read_jsonl<T: for<'de> Deserialize<'de>>(
    path: &Path,
    check: impl Fn(&T) -> Option<&'static str>,
) -> Result<Vec<T>, EvalError> {
    let file = File::open(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let v: T = serde_json::from_str(&line).map_err(|source| EvalError::Json {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        })?;
        if let Some(field) = check(&v) {
            return Err(EvalError::EmptyField {
                path: path.to_path_buf(),
                line: i + 1,
                field,
            });
        }
        out.push(v);
    }
    Ok(out)
}

/// Reads `labels.jsonl` as written by `custodes gen`.
pub fn read_labels(path: &Path) -> Result<Vec<Label>, EvalError> {
    read_jsonl(path, |l: &Label| {
        if l.detector.is_empty() {
            Some("detector")
        } else if l.user.is_empty() && l.users.is_empty() {
            // A label about several logins (a surge) may name them in `users` alone.
            Some("user")
        } else if l.event_ids.is_empty() {
            Some("event_ids")
        } else {
            None
        }
    })
}

/// Reads an alerts file (contract §3), keeping only what scoring needs.
pub fn read_alerts(path: &Path) -> Result<Vec<AlertRef>, EvalError> {
    read_jsonl(path, |a: &AlertRef| {
        if a.detector.is_empty() {
            Some("detector")
        } else {
            None
        }
    })
}

/// Precision, recall and F1 for one detector or detector/kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// Alerts that share an event with a matching label.
    pub tp_alerts: usize,
    /// Alerts of this detector (or detector/kind).
    pub alerts: usize,
    /// Labels some matching alert covers.
    pub detected_labels: usize,
    /// Labels of this detector (or detector/kind).
    pub labels: usize,
    /// `tp_alerts / alerts`; 1.0 when there are no alerts (nothing was
    /// claimed, so nothing was wrong), whatever the labels.
    pub precision: f64,
    /// `detected_labels / labels`; 1.0 when there are no labels.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0.0 when both are 0.
    pub f1: f64,
}

#[derive(Clone, Copy, Default)]
struct Counts {
    tp_alerts: usize,
    alerts: usize,
    detected: usize,
    labels: usize,
}

impl Counts {
    fn score(self) -> Score {
        let precision = if self.alerts == 0 {
            1.0
        } else {
            self.tp_alerts as f64 / self.alerts as f64
        };
        let recall = if self.labels == 0 {
            1.0
        } else {
            self.detected as f64 / self.labels as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Score {
            tp_alerts: self.tp_alerts,
            alerts: self.alerts,
            detected_labels: self.detected,
            labels: self.labels,
            precision,
            recall,
            f1,
        }
    }
}

/// Scores per detector and per "detector/kind".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// Number of events the alerts were computed over, when known.
    pub events: Option<usize>,
    /// Every detector seen in labels or alerts.
    pub by_detector: BTreeMap<String, Score>,
    /// Every "detector/kind" seen in labels or alerts.
    pub by_kind: BTreeMap<String, Score>,
    /// All alerts (any detector) per 10,000 events; `None` without a
    /// positive event count.
    pub alerts_per_10k_events: Option<f64>,
}

/// Matches `alerts` against `labels`; `events` (when known) gives the alert
/// rate per 10,000 events.
pub fn evaluate(labels: &[Label], alerts: &[AlertRef], events: Option<usize>) -> EvalReport {
    // Event id -> labels on it; a label usually names one event, so this is
    // one entry per label event and alert matching is a lookup per alert id.
    let mut by_event: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, l) in labels.iter().enumerate() {
        for e in &l.event_ids {
            let v = by_event.entry(e.as_str()).or_default();
            // A label listing the same event twice must count once.
            if v.last() != Some(&(i as u32)) {
                v.push(i as u32);
            }
        }
    }
    let mut det_hit = vec![false; labels.len()];
    let mut kind_hit = vec![false; labels.len()];
    let mut det: BTreeMap<String, Counts> = BTreeMap::new();
    let mut kind: BTreeMap<String, Counts> = BTreeMap::new();
    let key = |d: &str, k: &str| format!("{d}/{k}");

    for l in labels {
        det.entry(l.detector.clone()).or_default().labels += 1;
        kind.entry(key(&l.detector, &l.kind)).or_default().labels += 1;
    }
    for a in alerts {
        let mut tp_det = false;
        let mut tp_kind = false;
        for e in &a.event_ids {
            let Some(ls) = by_event.get(e.as_str()) else {
                continue;
            };
            for &li in ls {
                let l = &labels[li as usize];
                if l.detector == a.detector && (l.user == a.user || l.users.contains(&a.user)) {
                    tp_det = true;
                    det_hit[li as usize] = true;
                    if l.kind == a.kind {
                        tp_kind = true;
                        kind_hit[li as usize] = true;
                    }
                }
            }
        }
        let d = det.entry(a.detector.clone()).or_default();
        d.alerts += 1;
        d.tp_alerts += usize::from(tp_det);
        let k = kind.entry(key(&a.detector, &a.kind)).or_default();
        k.alerts += 1;
        k.tp_alerts += usize::from(tp_kind);
    }
    for (i, l) in labels.iter().enumerate() {
        if det_hit[i] {
            if let Some(c) = det.get_mut(&l.detector) {
                c.detected += 1;
            }
        }
        if kind_hit[i] {
            if let Some(c) = kind.get_mut(&key(&l.detector, &l.kind)) {
                c.detected += 1;
            }
        }
    }
    EvalReport {
        events,
        by_detector: det.into_iter().map(|(k, c)| (k, c.score())).collect(),
        by_kind: kind.into_iter().map(|(k, c)| (k, c.score())).collect(),
        alerts_per_10k_events: events
            .filter(|&n| n > 0)
            .map(|n| alerts.len() as f64 * 10_000.0 / n as f64),
    }
}

/// An aligned plain-text table: detectors first, then detector/kind rows.
pub fn render_table(r: &EvalReport) -> String {
    let header = [
        "detector / kind",
        "labels",
        "detected",
        "recall",
        "alerts",
        "tp",
        "precision",
        "f1",
    ];
    let row = |name: String, s: &Score| -> [String; 8] {
        [
            name,
            s.labels.to_string(),
            s.detected_labels.to_string(),
            format!("{:.3}", s.recall),
            s.alerts.to_string(),
            s.tp_alerts.to_string(),
            format!("{:.3}", s.precision),
            format!("{:.3}", s.f1),
        ]
    };
    let mut rows: Vec<Option<[String; 8]>> = Vec::new();
    let detectors: BTreeSet<&String> = r.by_detector.keys().collect();
    for d in detectors {
        if let Some(s) = r.by_detector.get(d) {
            rows.push(Some(row(d.clone(), s)));
        }
        let prefix = format!("{d}/");
        for (k, s) in r.by_kind.range(prefix.clone()..) {
            let Some(rest) = k.strip_prefix(&prefix) else {
                break;
            };
            rows.push(Some(row(format!("  {rest}"), s)));
        }
        rows.push(None);
    }
    let mut width = header.map(str::len);
    for r in rows.iter().flatten() {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            if i == 0 {
                out.push_str(&format!("{c:<w$}"));
            } else {
                out.push_str(&format!("  {c:>w$}"));
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &header.map(String::from));
    let total: usize = width.iter().sum::<usize>() + 2 * (width.len() - 1);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for r in &rows {
        match r {
            Some(cells) => line(&mut out, cells),
            None => out.push('\n'),
        }
    }
    match (r.events, r.alerts_per_10k_events) {
        (Some(n), Some(rate)) => {
            out.push_str(&format!("{n} events, {rate:.2} alerts per 10k events\n"))
        }
        (Some(n), None) => out.push_str(&format!("{n} events\n")),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn label(d: &str, k: &str, u: &str, ev: &str) -> Label {
        Label {
            detector: d.into(),
            kind: k.into(),
            user: u.into(),
            users: Vec::new(),
            event_ids: vec![ev.into()],
            window_start: "2024-05-01T00:00:00Z".into(),
            window_end: "2024-05-01T00:00:00Z".into(),
        }
    }

    fn alert(d: &str, k: &str, u: &str, evs: &[&str]) -> AlertRef {
        AlertRef {
            detector: d.into(),
            kind: k.into(),
            user: u.into(),
            event_ids: evs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn grouped_alert_covers_several_labels() {
        let labels = vec![
            label("no_case", "missing", "amy", "e1"),
            label("no_case", "missing", "amy", "e2"),
            label("no_case", "missing", "amy", "e3"),
        ];
        let alerts = vec![alert("no_case", "missing", "amy", &["e1", "e2", "e9"])];
        let r = evaluate(&labels, &alerts, Some(20_000));
        let s = &r.by_detector["no_case"];
        assert_eq!(
            (s.tp_alerts, s.alerts, s.detected_labels, s.labels),
            (1, 1, 2, 3)
        );
        assert_eq!(s.precision, 1.0);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.f1 - 0.8).abs() < 1e-12);
        assert_eq!(r.by_kind["no_case/missing"], *s);
        assert_eq!(r.alerts_per_10k_events, Some(0.5));
    }

    #[test]
    fn a_label_naming_several_logins_matches_an_alert_about_any_of_them() {
        // One label for a surge of three logins, each alerted on its own lookup.
        let mut surge = label("subject_surge", "many_users", "amy", "e1");
        surge.event_ids = vec!["e1".into(), "e2".into(), "e3".into()];
        surge.users = vec!["amy".into(), "bob".into(), "cat".into()];
        let alerts = vec![
            alert("subject_surge", "many_users", "amy", &["e1"]),
            alert("subject_surge", "many_users", "bob", &["e2"]),
            alert("subject_surge", "many_users", "dan", &["e3"]),
        ];
        let r = evaluate(&[surge], &alerts, None);
        let s = &r.by_kind["subject_surge/many_users"];
        assert_eq!(
            (s.tp_alerts, s.alerts, s.detected_labels, s.labels),
            (2, 3, 1, 1)
        );
        // The field is read from the labels file, and absent labels read as before.
        let l: Label = serde_json::from_str(
            r#"{"detector":"d","kind":"k","user":"u","event_ids":["e"],"window_start":"","window_end":"","users":["u","v"]}"#,
        )
        .expect("label with users");
        assert_eq!(l.users, vec!["u", "v"]);
        // A label about several logins may name them in `users` alone; a label naming
        // nobody is an error.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("labels.jsonl");
        let several = r#"{"detector":"d","kind":"k","user":"","event_ids":["e"],"window_start":"","window_end":"","users":["u","v"]}"#;
        std::fs::write(&path, format!("{several}\n")).expect("write");
        let read = read_labels(&path).expect("label of several logins, no single user");
        assert_eq!(read[0].users, vec!["u", "v"]);
        let nobody = several.replace(r#","users":["u","v"]"#, "");
        std::fs::write(&path, format!("{nobody}\n")).expect("write");
        assert!(matches!(
            read_labels(&path),
            Err(EvalError::EmptyField { field: "user", .. })
        ));
    }

    #[test]
    fn wrong_user_is_a_false_positive() {
        let labels = vec![label("self_query", "plate", "amy", "e1")];
        let alerts = vec![alert("self_query", "plate", "bob", &["e1"])];
        let r = evaluate(&labels, &alerts, None);
        let s = &r.by_detector["self_query"];
        assert_eq!((s.tp_alerts, s.detected_labels), (0, 0));
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 0.0, 0.0));
        assert_eq!(r.alerts_per_10k_events, None);
    }

    #[test]
    fn wrong_kind_counts_at_detector_level_only() {
        let labels = vec![label("coworker_lookup", "supervisor", "amy", "e1")];
        let alerts = vec![alert("coworker_lookup", "same_unit", "amy", &["e1"])];
        let r = evaluate(&labels, &alerts, None);
        assert_eq!(r.by_detector["coworker_lookup"].f1, 1.0);
        let want = &r.by_kind["coworker_lookup/supervisor"];
        assert_eq!((want.labels, want.detected_labels, want.alerts), (1, 0, 0));
        assert_eq!((want.precision, want.recall), (1.0, 0.0));
        let got = &r.by_kind["coworker_lookup/same_unit"];
        assert_eq!((got.labels, got.alerts, got.tp_alerts), (0, 1, 0));
        assert_eq!((got.precision, got.recall), (0.0, 1.0));
    }

    #[test]
    fn wrong_detector_and_empty_inputs() {
        let labels = vec![label("self_query", "plate", "amy", "e1")];
        let alerts = vec![alert("odd_volume", "burst", "amy", &["e1"])];
        let r = evaluate(&labels, &alerts, Some(0));
        assert_eq!(r.by_detector["odd_volume"].precision, 0.0);
        assert_eq!(r.by_detector["self_query"].recall, 0.0);
        assert_eq!(r.alerts_per_10k_events, None);
        let r = evaluate(&[], &[], Some(10));
        assert!(r.by_detector.is_empty());
        assert_eq!(r.alerts_per_10k_events, Some(0.0));
        let s = Counts::default().score();
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0));
    }

    #[test]
    fn two_alerts_on_one_label() {
        let labels = vec![label("watchlist_lookup", "celebrity", "amy", "e1")];
        let alerts = vec![
            alert("watchlist_lookup", "celebrity", "amy", &["e1"]),
            alert("watchlist_lookup", "celebrity", "amy", &["e1", "e2"]),
            alert("watchlist_lookup", "celebrity", "amy", &["e3"]),
        ];
        let s = &evaluate(&labels, &alerts, None).by_detector["watchlist_lookup"];
        assert_eq!(
            (s.tp_alerts, s.alerts, s.detected_labels, s.labels),
            (2, 3, 1, 1)
        );
    }

    #[test]
    fn readers_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.jsonl");
        let mut f = File::create(&p).unwrap();
        writeln!(
            f,
            r#"{{"alert_id":"a1","detector":"no_case","kind":"missing","user":"amy","event_ids":["e1"],"severity":"low","evidence":{{"x":1}}}}"#
        )
        .unwrap();
        writeln!(f).unwrap();
        writeln!(f, r#"{{"detector":"no_case","user":"amy""#).unwrap();
        drop(f);
        let err = read_alerts(&p).unwrap_err().to_string();
        assert!(err.contains("alerts.jsonl:3"), "{err}");

        let p = dir.path().join("labels.jsonl");
        std::fs::write(
            &p,
            "{\"detector\":\"no_case\",\"kind\":\"missing\",\"user\":\"amy\",\"event_ids\":[\"e1\"],\"window_start\":\"a\",\"window_end\":\"b\"}\n\
             {\"detector\":\"no_case\",\"kind\":\"missing\",\"user\":\"amy\",\"event_ids\":[],\"window_start\":\"a\",\"window_end\":\"b\"}\n",
        )
        .unwrap();
        let err = read_labels(&p).unwrap_err().to_string();
        assert!(
            err.contains("labels.jsonl:2") && err.contains("event_ids"),
            "{err}"
        );
        let err = read_labels(&dir.path().join("nope.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope.jsonl"), "{err}");
    }

    #[test]
    fn table_is_aligned() {
        let labels = vec![
            label("self_query", "plate", "amy", "e1"),
            label("self_query", "name_only", "amy", "e2"),
        ];
        let alerts = vec![alert("self_query", "plate", "amy", &["e1"])];
        let t = render_table(&evaluate(&labels, &alerts, Some(100)));
        assert!(t.contains("self_query"));
        assert!(t.contains("  plate"));
        assert!(t.contains("  name_only"));
        assert!(t.contains("100 events"));
        let lines: Vec<&str> = t
            .lines()
            .filter(|l| l.contains("0.") && !l.contains("events"))
            .collect();
        let ends: BTreeSet<usize> = lines.iter().map(|l| l.len()).collect();
        assert_eq!(ends.len(), 1, "{t}");
    }
}
