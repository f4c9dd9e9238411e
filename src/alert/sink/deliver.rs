//! Running the configured sinks of a run: `[sinks.NAME]` sections built into writers (files)
//! and tasks (network), fed one alert at a time by the caller, finished with a report per
//! sink.
//!
//! Network sinks run on a small tokio runtime of their own, each behind a bounded channel:
//! the caller (detection) waits when a sink's queue is full, so memory stays bounded. A sink
//! that gives up is reported and left out of the rest of the run; the others, and
//! detection, go on. This module must not decide which alerts go out (the caller does) and
//! must not format them (`ocsf.rs`, `cef.rs`, `http.rs`).

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::time::Duration;

use thiserror::Error;
use tokio::sync::mpsc;

use super::config::SinkConfig;
use crate::alert::Alert;

#[derive(Debug, Error)]
pub enum SinkError {
    #[error("sink `{name}` is not configured (configured: {known}); add a [sinks.{name}] section to the configuration file")]
    Unknown { name: String, known: String },
    #[error("sink `{sink}`: {message}")]
    Config { sink: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("sink `{sink}`: gave up after {attempts} attempts ({delivered} alerts delivered before): {last}")]
    GaveUp {
        sink: String,
        attempts: u32,
        last: String,
        delivered: u64,
    },
    #[error("sink `{sink}`: the receiver refused the batch with HTTP {status} ({delivered} alerts delivered before): {body}")]
    Refused {
        sink: String,
        status: u16,
        body: String,
        delivered: u64,
    },
    #[error("sink `{sink}`: its task failed unexpectedly")]
    Crashed { sink: String },
}

/// The wait before retry `attempt` (1-based): `initial` doubled each time, at most `max`.
pub fn backoff(attempt: u32, initial_ms: u64, max_ms: u64) -> Duration {
    let factor = 1u64
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u64::MAX);
    Duration::from_millis(initial_ms.saturating_mul(factor).min(max_ms))
}

/// What one sink did in a run.
#[derive(Debug)]
pub struct Delivered {
    pub name: String,
    pub kind: &'static str,
    /// Alerts written or taken by the receiver, or why the sink stopped.
    pub result: Result<u64, SinkError>,
}

enum Out {
    File {
        path: String,
        w: BufWriter<std::fs::File>,
        written: u64,
    },
    Task {
        tx: Option<mpsc::Sender<Alert>>,
        task: tokio::task::JoinHandle<Result<u64, SinkError>>,
    },
    /// Stopped during the run; the error is reported at the end.
    Failed(SinkError),
}

struct Named {
    name: String,
    kind: &'static str,
    out: Out,
}

/// The sinks of one run.
pub struct Sinks {
    rt: Option<tokio::runtime::Runtime>,
    outs: Vec<Named>,
}

impl Sinks {
    /// Builds the sinks named (in that order) from the configuration's sections.
    pub fn build(
        configs: &BTreeMap<String, SinkConfig>,
        names: &[String],
    ) -> Result<Sinks, SinkError> {
        let mut rt = None;
        let mut outs = Vec::new();
        for name in names {
            let cfg = configs.get(name).ok_or_else(|| SinkError::Unknown {
                name: name.clone(),
                known: if configs.is_empty() {
                    "none".into()
                } else {
                    configs.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            })?;
            if outs.iter().any(|o: &Named| &o.name == name) {
                continue;
            }
            let runtime = |rt: &mut Option<tokio::runtime::Runtime>| -> Result<tokio::runtime::Handle, SinkError> {
                if rt.is_none() {
                    *rt = Some(
                        tokio::runtime::Builder::new_multi_thread()
                            .worker_threads(1)
                            .thread_name("custodes-sink")
                            .enable_all()
                            .build()
                            .map_err(|e| SinkError::Config {
                                sink: name.clone(),
                                message: format!("cannot start the sender runtime: {e}"),
                            })?,
                    );
                }
                rt.as_ref().map(|r| r.handle().clone()).ok_or_else(|| SinkError::Crashed { sink: name.clone() })
            };
            let out = match cfg {
                SinkConfig::OcsfFile(c) => {
                    let io = |source| SinkError::Io {
                        path: c.path.display().to_string(),
                        source,
                    };
                    let f = if c.append {
                        crate::output::append_private(&c.path).map_err(io)?.0
                    } else {
                        crate::output::create_private(&c.path).map_err(io)?
                    };
                    Out::File {
                        path: c.path.display().to_string(),
                        w: BufWriter::new(f),
                        written: 0,
                    }
                }
                SinkConfig::CefSyslog(c) => {
                    let s = super::syslog::SyslogSink::build(name, c)?;
                    let (tx, rx) = mpsc::channel(s.queue());
                    let task = runtime(&mut rt)?.spawn(s.run(rx));
                    Out::Task { tx: Some(tx), task }
                }
                SinkConfig::Http(c) => {
                    let s = {
                        // reqwest's client must be built inside a runtime.
                        let h = runtime(&mut rt)?;
                        let _guard = h.enter();
                        super::http::HttpSink::build(name, c)?
                    };
                    let (tx, rx) = mpsc::channel(s.queue());
                    let task = runtime(&mut rt)?.spawn(s.run(rx));
                    Out::Task { tx: Some(tx), task }
                }
            };
            outs.push(Named {
                name: name.clone(),
                kind: cfg.type_name(),
                out,
            });
        }
        Ok(Sinks { rt, outs })
    }

    pub fn is_empty(&self) -> bool {
        self.outs.is_empty()
    }

    /// Hands one alert to every sink still running. Waits while a network sink's queue is
    /// full. Never fails: a sink that stopped is reported by [`Sinks::finish`].
    pub fn send(&mut self, alert: &Alert) {
        for n in &mut self.outs {
            let failed = match &mut n.out {
                Out::File { path, w, written } => {
                    let r = serde_json::to_writer(&mut *w, &super::ocsf::finding(alert))
                        .map_err(std::io::Error::other)
                        .and_then(|()| w.write_all(b"\n"));
                    match r {
                        Ok(()) => {
                            *written += 1;
                            None
                        }
                        Err(source) => Some(SinkError::Io {
                            path: path.clone(),
                            source,
                        }),
                    }
                }
                Out::Task { tx, task } => {
                    let sent = tx
                        .as_ref()
                        .is_some_and(|t| t.blocking_send(alert.clone()).is_ok());
                    if sent {
                        None
                    } else {
                        // The task ended early: its result says why.
                        *tx = None;
                        Some(match self.rt.as_ref().map(|rt| rt.block_on(&mut *task)) {
                            Some(Ok(Err(e))) => e,
                            _ => SinkError::Crashed {
                                sink: n.name.clone(),
                            },
                        })
                    }
                }
                Out::Failed(_) => None,
            };
            if let Some(e) = failed {
                tracing::error!(sink = %n.name, error = %e, "Sink stopped; the run goes on without it.");
                n.out = Out::Failed(e);
            }
        }
    }

    /// Flushes the files, lets the network sinks send what is queued, and reports.
    pub fn finish(mut self) -> Vec<Delivered> {
        let mut report = Vec::new();
        for n in std::mem::take(&mut self.outs) {
            let result = match n.out {
                Out::File {
                    path,
                    mut w,
                    written,
                } => w
                    .flush()
                    .and_then(|()| w.get_ref().sync_all())
                    .map(|()| written)
                    .map_err(|source| SinkError::Io { path, source }),
                Out::Task { tx, task } => {
                    drop(tx);
                    match self.rt.as_ref().map(|rt| rt.block_on(task)) {
                        Some(Ok(r)) => r,
                        _ => Err(SinkError::Crashed {
                            sink: n.name.clone(),
                        }),
                    }
                }
                Out::Failed(e) => Err(e),
            };
            report.push(Delivered {
                name: n.name,
                kind: n.kind,
                result,
            });
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        assert_eq!(backoff(1, 100, 1000), Duration::from_millis(100));
        assert_eq!(backoff(2, 100, 1000), Duration::from_millis(200));
        assert_eq!(backoff(4, 100, 1000), Duration::from_millis(800));
        assert_eq!(backoff(5, 100, 1000), Duration::from_millis(1000));
        assert_eq!(backoff(200, 100, 1000), Duration::from_millis(1000));
    }

    #[test]
    fn an_unknown_sink_names_the_configured_ones() {
        let e = Sinks::build(&BTreeMap::new(), &["siem".into()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("`siem` is not configured (configured: none)"),
            "{e}"
        );
    }
}
