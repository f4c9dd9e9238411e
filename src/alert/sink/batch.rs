//! Sinks that say what they took: one batch, one attempt, and an answer the caller can
//! commit. `custodes watch` moves a sink's watermark in its store only on that answer, so
//! this is where "acknowledged" is defined for each kind of sink:
//!
//! * `http`: the receiver answered 2xx to the batch (nothing of a refused batch counts);
//! * `ocsf_file`: the lines were written and the file synced (a failed write is cut off
//!   again, so a retry never follows half a line);
//! * `cef_syslog`: the kernel took the frame. TCP syslog has no acknowledgement, so a frame
//!   taken just before the connection broke may never reach the collector.
//!
//! This module makes one attempt per call and never waits or retries: backoff, giving up
//! and the watermark are the caller's. It must not change an alert (the formats are
//! `http.rs`, `ocsf.rs`, `cef.rs`).

use std::io::{Seek, Write};

use super::config::SinkConfig;
use super::deliver::SinkError;
use super::http::HttpSink;
use super::syslog::{SyslogLink, SyslogSink};
use crate::alert::Alert;

/// One failed attempt.
#[derive(Debug)]
pub struct Failed {
    /// Alerts at the head of the batch the sink took before the failure (syslog frames the
    /// kernel accepted); the rest must be sent again.
    pub taken: usize,
    /// Another attempt may succeed (a receiver down, a network error, 408, 429, 5xx); false
    /// when the receiver refused the batch itself (another 4xx), which points at the
    /// configuration. The caller retries both, but says which.
    pub retry: bool,
    pub why: String,
}

/// The retry settings of a sink's section.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub batch_size: usize,
    pub max_attempts: u32,
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
}

enum Kind {
    File {
        path: std::path::PathBuf,
        file: std::fs::File,
    },
    Syslog(SyslogLink),
    Http(HttpSink),
}

/// A sink built for batch-at-a-time delivery.
pub(crate) struct BatchSink {
    pub name: String,
    pub kind: &'static str,
    retry: Retry,
    out: Kind,
}

/// Batch size for the sinks whose section has none: a file is synced once per batch, a
/// syslog connection writes frame by frame anyway.
const DEFAULT_BATCH: usize = 100;

impl BatchSink {
    /// Builds the sink of section `name`. An HTTP sink needs a tokio runtime entered.
    /// A file sink always appends here (`append = false` would wipe what an earlier run of
    /// the service delivered).
    pub fn build(name: &str, cfg: &SinkConfig) -> Result<BatchSink, SinkError> {
        let (out, retry) = match cfg {
            SinkConfig::OcsfFile(c) => {
                let (file, _cut) =
                    crate::output::append_private(&c.path).map_err(|source| SinkError::Io {
                        path: c.path.display().to_string(),
                        source,
                    })?;
                (
                    Kind::File {
                        path: c.path.clone(),
                        file,
                    },
                    Retry {
                        batch_size: DEFAULT_BATCH,
                        max_attempts: 8,
                        backoff_initial_ms: 500,
                        backoff_max_ms: 30_000,
                    },
                )
            }
            SinkConfig::CefSyslog(c) => {
                let s = SyslogSink::build(name, c)?;
                let c = s.config();
                let retry = Retry {
                    batch_size: DEFAULT_BATCH,
                    max_attempts: c.max_attempts,
                    backoff_initial_ms: c.backoff_initial_ms,
                    backoff_max_ms: c.backoff_max_ms,
                };
                (Kind::Syslog(s.link()), retry)
            }
            SinkConfig::Http(c) => {
                let s = HttpSink::build(name, c)?;
                let c = s.config();
                let retry = Retry {
                    batch_size: c.batch_size,
                    max_attempts: c.max_attempts,
                    backoff_initial_ms: c.backoff_initial_ms,
                    backoff_max_ms: c.backoff_max_ms,
                };
                (Kind::Http(s), retry)
            }
        };
        Ok(BatchSink {
            name: name.to_string(),
            kind: cfg.type_name(),
            retry,
            out,
        })
    }

    pub fn retry(&self) -> Retry {
        self.retry
    }

    /// One attempt at delivering `alerts` (at most [`Retry::batch_size`] of them).
    pub async fn send(&mut self, alerts: &[Alert]) -> Result<(), Failed> {
        match &mut self.out {
            Kind::File { path, file } => write_synced(file, alerts).map_err(|e| Failed {
                taken: 0,
                retry: true,
                why: format!("{}: {e}", path.display()),
            }),
            Kind::Syslog(link) => link.send(alerts).await.map_err(|(taken, why)| Failed {
                taken,
                retry: true,
                why,
            }),
            Kind::Http(h) => h.attempt(&h.body(alerts)).await.map_err(|a| Failed {
                taken: 0,
                retry: a.retry,
                why: match a.status {
                    Some(code) if !a.retry => format!("refused with HTTP {code}: {}", a.why),
                    _ => a.why,
                },
            }),
        }
    }

    /// Ends the sink cleanly (a syslog connection is closed).
    pub async fn close(self) {
        if let Kind::Syslog(link) = self.out {
            link.close().await;
        }
    }
}

/// Appends one OCSF finding per alert and syncs; on an error the file is cut back to where
/// the batch began, so that the retry does not follow a torn line.
fn write_synced(file: &mut std::fs::File, alerts: &[Alert]) -> std::io::Result<()> {
    let start = file.seek(std::io::SeekFrom::End(0))?;
    let mut buf = Vec::new();
    for a in alerts {
        serde_json::to_writer(&mut buf, &super::ocsf::finding(a)).map_err(std::io::Error::other)?;
        buf.push(b'\n');
    }
    let written = file.write_all(&buf).and_then(|()| file.sync_data());
    if written.is_err() {
        let _ = file.set_len(start);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::sink::config::{HttpConfig, HttpFormat, OcsfFileConfig, Payload};

    fn alert(id: &str) -> Alert {
        Alert {
            alert_id: id.into(),
            detector: "self_query".into(),
            kind: "person_id".into(),
            severity: crate::alert::Severity::High,
            score: 0.8,
            user: "u1".into(),
            employee_id: None,
            window_start: "2024-05-01T09:00:00Z".into(),
            window_end: "2024-05-01T10:00:00Z".into(),
            event_ids: vec!["e1".into()],
            reason: "r".into(),
            evidence: serde_json::json!({}),
        }
    }

    #[test]
    fn a_file_sink_appends_one_finding_per_alert() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, "{\"earlier\":1}\n").unwrap();
        let cfg = SinkConfig::OcsfFile(OcsfFileConfig {
            path: path.clone(),
            append: false,
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut s = BatchSink::build("f", &cfg).unwrap();
        rt.block_on(s.send(&[alert("a1"), alert("a2")])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "appended, never replaced: {text}");
        assert!(lines[2].contains("\"uid\":\"a2\""), "{}", lines[2]);
    }

    #[test]
    fn an_http_receiver_that_is_down_is_a_retryable_failure_with_nothing_taken() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let cfg = SinkConfig::Http(HttpConfig {
            url: format!("http://127.0.0.1:{port}/x"),
            format: HttpFormat::Webhook,
            payload: Payload::Alert,
            token_file: None,
            sourcetype: "s".into(),
            batch_size: 3,
            timeout_seconds: 2,
            max_attempts: 4,
            backoff_initial_ms: 1,
            backoff_max_ms: 2,
            queue: 1,
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let mut s = BatchSink::build("hook", &cfg).unwrap();
        assert_eq!(s.retry().batch_size, 3);
        assert_eq!(s.retry().max_attempts, 4);
        let e = rt.block_on(s.send(&[alert("a1")])).unwrap_err();
        assert!(e.retry);
        assert_eq!(e.taken, 0);
    }
}
