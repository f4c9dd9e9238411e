//! The service's counters, shared by every task, and their Prometheus text rendering for
//! `GET /metrics`.
//!
//! Counters are plain atomics updated where things happen (sources, the detection thread,
//! the HTTP endpoint); nothing here holds personal data (no logins, no names), so the
//! endpoint may be scraped without the push token. Only the detection thread moves event
//! time; wall-clock readings are taken at render time for ages and lags.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Per-source counters.
#[derive(Debug, Default)]
pub struct SourceMetrics {
    pub name: String,
    pub events: AtomicU64,
    pub rejected: AtomicU64,
    pub late: AtomicU64,
    /// Bytes (files) or lines (HTTP inbox) not read yet.
    pub backlog: AtomicU64,
    /// Parts of the followed file that could not be read, as the store records them
    /// (the count at start, then each new one).
    pub gaps: AtomicU64,
}

/// Per-sink counters (`watch --sink NAME`).
#[derive(Debug, Default)]
pub struct SinkMetrics {
    pub name: String,
    /// Final alerts owed to the sink: in the store's outbox after its watermark.
    pub backlog: AtomicU64,
    /// Alerts the sink acknowledged in this process.
    pub delivered: AtomicU64,
    /// Delivery attempts that failed in this process.
    pub failures: AtomicU64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    pub sources: Vec<SourceMetrics>,
    pub sinks: Vec<SinkMetrics>,
    /// Final alerts committed, by detector.
    alerts: Mutex<BTreeMap<String, u64>>,
    /// Newest event time analysed, Unix milliseconds (0: none yet).
    pub event_time_ms: AtomicI64,
    /// Wall clock of the last committed step and of the last checkpoint, Unix ms.
    pub last_commit_ms: AtomicI64,
    pub last_checkpoint_ms: AtomicI64,
    /// Events analysed since the checkpoint: what a restart would replay.
    pub replay_events: AtomicU64,
    pub http_requests: Mutex<BTreeMap<u16, u64>>,
    pub http_rejected_bodies: AtomicU64,
    pub reloads_ok: AtomicU64,
    pub reloads_failed: AtomicU64,
    pub store_errors: AtomicU64,
    /// Final alerts not raised because an exception rule of the store hides them.
    pub suppressed_alerts: AtomicU64,
    /// Items waiting in the channel to the detection thread.
    pub queue_depth: AtomicI64,
}

impl Metrics {
    pub fn new(source_names: &[String]) -> Self {
        Self::with_sinks(source_names, &[])
    }

    pub(crate) fn with_sinks(source_names: &[String], sink_names: &[String]) -> Self {
        Self {
            sinks: sink_names
                .iter()
                .map(|n| SinkMetrics {
                    name: n.clone(),
                    ..SinkMetrics::default()
                })
                .collect(),
            sources: source_names
                .iter()
                .map(|n| SourceMetrics {
                    name: n.clone(),
                    ..SourceMetrics::default()
                })
                .collect(),
            ..Self::default()
        }
    }

    pub fn alert(&self, detector: &str, n: u64) {
        if let Ok(mut m) = self.alerts.lock() {
            *m.entry(detector.to_string()).or_default() += n;
        }
    }

    pub fn http(&self, status: u16) {
        if let Ok(mut m) = self.http_requests.lock() {
            *m.entry(status).or_default() += 1;
        }
    }

    pub(crate) fn total_events(&self) -> u64 {
        self.sources
            .iter()
            .map(|s| s.events.load(Ordering::Relaxed))
            .sum()
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self) -> String {
        let now = chrono::Utc::now().timestamp_millis();
        let mut o = String::new();
        let family = |o: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(o, "# HELP {name} {help}");
            let _ = writeln!(o, "# TYPE {name} {kind}");
        };
        let per_source = [
            (
                "custodes_events_total",
                "counter",
                "Events decoded and analysed (or held for ordering), by source.",
                0usize,
            ),
            (
                "custodes_rejected_total",
                "counter",
                "Input lines rejected (malformed, too long, too late), by source; each is in the store's rejects table.",
                1,
            ),
            (
                "custodes_late_events_total",
                "counter",
                "Events that arrived later than the allowed lateness (also counted as rejected), by source.",
                2,
            ),
            (
                "custodes_source_backlog",
                "gauge",
                "Input not read yet: bytes for followed files, lines for the HTTP inbox.",
                3,
            ),
            (
                "custodes_source_gaps_total",
                "counter",
                "Parts of followed files that could not be read (a rotated generation deleted or unreadable before it was read), by source; each is in the store's source_gaps table and was logged as a WARN.",
                4,
            ),
        ];
        for (name, kind, help, which) in per_source {
            family(&mut o, name, kind, help);
            for s in &self.sources {
                let v = match which {
                    0 => s.events.load(Ordering::Relaxed),
                    1 => s.rejected.load(Ordering::Relaxed),
                    2 => s.late.load(Ordering::Relaxed),
                    3 => s.backlog.load(Ordering::Relaxed),
                    _ => s.gaps.load(Ordering::Relaxed),
                };
                let _ = writeln!(o, "{name}{{source=\"{}\"}} {v}", escape(&s.name));
            }
        }
        let per_sink = [
            (
                "custodes_sink_backlog",
                "gauge",
                "Final alerts the sink has not acknowledged yet (kept in the store's outbox, sent in order).",
                0usize,
            ),
            (
                "custodes_sink_delivered_total",
                "counter",
                "Alerts the sink acknowledged (HTTP 2xx, file synced, syslog frame written), by sink.",
                1,
            ),
            (
                "custodes_sink_failures_total",
                "counter",
                "Delivery attempts that failed, by sink; each is retried with backoff.",
                2,
            ),
        ];
        for (name, kind, help, which) in per_sink {
            if self.sinks.is_empty() {
                break;
            }
            family(&mut o, name, kind, help);
            for s in &self.sinks {
                let v = match which {
                    0 => s.backlog.load(Ordering::Relaxed),
                    1 => s.delivered.load(Ordering::Relaxed),
                    _ => s.failures.load(Ordering::Relaxed),
                };
                let _ = writeln!(o, "{name}{{sink=\"{}\"}} {v}", escape(&s.name));
            }
        }
        family(
            &mut o,
            "custodes_alerts_total",
            "counter",
            "Final alerts (window closed) newly committed to the store by this process, by detector.",
        );
        if let Ok(m) = self.alerts.lock() {
            for (d, n) in m.iter() {
                let _ = writeln!(o, "custodes_alerts_total{{detector=\"{}\"}} {n}", escape(d));
            }
        }
        let event_ms = self.event_time_ms.load(Ordering::Relaxed);
        family(
            &mut o,
            "custodes_event_lag_seconds",
            "gauge",
            "Wall clock minus the newest event time analysed (-1 before the first event).",
        );
        let lag = if event_ms > 0 {
            (now - event_ms) as f64 / 1000.0
        } else {
            -1.0
        };
        let _ = writeln!(o, "custodes_event_lag_seconds {lag}");
        for (name, help, at) in [
            (
                "custodes_last_commit_age_seconds",
                "Seconds since the last committed step (alerts, rejects, progress); -1 before the first.",
                self.last_commit_ms.load(Ordering::Relaxed),
            ),
            (
                "custodes_checkpoint_age_seconds",
                "Seconds since the last checkpoint (detection state at a closed day); -1 before the first.",
                self.last_checkpoint_ms.load(Ordering::Relaxed),
            ),
        ] {
            family(&mut o, name, "gauge", help);
            let v = if at > 0 {
                (now - at) as f64 / 1000.0
            } else {
                -1.0
            };
            let _ = writeln!(o, "{name} {v}");
        }
        let gauges = [
            (
                "custodes_replay_events",
                "gauge",
                "Events analysed since the checkpoint: what a restart replays.",
                self.replay_events.load(Ordering::Relaxed) as i64,
            ),
            (
                "custodes_queue_depth",
                "gauge",
                "Batches of lines waiting for the detection thread (bounded; sources wait when full).",
                self.queue_depth.load(Ordering::Relaxed),
            ),
            (
                "custodes_http_rejected_bodies_total",
                "counter",
                "Request bodies refused whole (too large, unreadable).",
                self.http_rejected_bodies.load(Ordering::Relaxed) as i64,
            ),
            (
                "custodes_store_errors_total",
                "counter",
                "Alert store operations that failed.",
                self.store_errors.load(Ordering::Relaxed) as i64,
            ),
            (
                "custodes_suppressed_alerts_total",
                "counter",
                "Final alerts hidden by an exception rule of the store (custodes serve, Exceptions).",
                self.suppressed_alerts.load(Ordering::Relaxed) as i64,
            ),
        ];
        for (name, kind, help, v) in gauges {
            family(&mut o, name, kind, help);
            let _ = writeln!(o, "{name} {v}");
        }
        family(
            &mut o,
            "custodes_refs_reloads_total",
            "counter",
            "Reference data reloads, by result (a failed reload keeps the data in use).",
        );
        let _ = writeln!(
            o,
            "custodes_refs_reloads_total{{result=\"ok\"}} {}",
            self.reloads_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            o,
            "custodes_refs_reloads_total{{result=\"failed\"}} {}",
            self.reloads_failed.load(Ordering::Relaxed)
        );
        family(
            &mut o,
            "custodes_http_requests_total",
            "counter",
            "Requests to POST /v1/events, by status code.",
        );
        if let Ok(m) = self.http_requests.lock() {
            for (code, n) in m.iter() {
                let _ = writeln!(o, "custodes_http_requests_total{{code=\"{code}\"}} {n}");
            }
        }
        o
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_with_labels_escaped() {
        let m = Metrics::with_sinks(
            &["/var/log/a\"b.jsonl".to_string(), "http".to_string()],
            &["splunk".to_string()],
        );
        m.sources[0].events.fetch_add(5, Ordering::Relaxed);
        m.sinks[0].backlog.store(7, Ordering::Relaxed);
        m.sinks[0].failures.fetch_add(2, Ordering::Relaxed);
        m.alert("self_query", 2);
        m.http(429);
        let text = m.render();
        assert!(text.contains("custodes_events_total{source=\"/var/log/a\\\"b.jsonl\"} 5"));
        assert!(text.contains("custodes_alerts_total{detector=\"self_query\"} 2"));
        assert!(text.contains("custodes_http_requests_total{code=\"429\"} 1"));
        assert!(text.contains("custodes_event_lag_seconds -1"));
        assert!(text.contains("custodes_sink_backlog{sink=\"splunk\"} 7"));
        assert!(text.contains("custodes_sink_failures_total{sink=\"splunk\"} 2"));
        assert!(text.contains("custodes_sink_delivered_total{sink=\"splunk\"} 0"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
