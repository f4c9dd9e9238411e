//! Sending alerts over HTTP in batches: Splunk's HTTP Event Collector, or any webhook that
//! takes a JSON array with a bearer token.
//!
//! Delivery is at least once: a batch counts as delivered only when the receiver answers
//! 2xx; a connection error, a timeout, 408, 429 or 5xx is retried with exponential backoff
//! (the same batch, the same alert ids, so a receiver that took it before a lost answer
//! can deduplicate); any other answer is a configuration problem and stops the sink.
//! Memory is bounded by `queue` alerts waiting plus one batch in flight: when the receiver
//! is down, detection waits rather than piling alerts up. This module must not change an
//! alert: what is sent is the contract's JSON or its OCSF finding.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::config::{HttpConfig, HttpFormat, Payload};
use super::deliver::{backoff, SinkError};
use crate::alert::Alert;

/// Why one attempt at posting failed.
#[derive(Debug)]
pub(crate) struct Attempt {
    /// A connection error, a timeout, 408, 429 or 5xx: the same batch may be taken later.
    pub retry: bool,
    /// The receiver's answer, when there was one.
    pub status: Option<u16>,
    /// What went wrong (the start of the receiver's answer).
    pub why: String,
}

pub(crate) struct HttpSink {
    pub name: String,
    cfg: HttpConfig,
    token: Option<String>,
    client: reqwest::Client,
}

impl HttpSink {
    pub fn build(name: &str, cfg: &HttpConfig) -> Result<Self, SinkError> {
        let bad = |message: String| SinkError::Config {
            sink: name.to_string(),
            message,
        };
        let url =
            reqwest::Url::parse(&cfg.url).map_err(|e| bad(format!("url `{}`: {e}", cfg.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(format!("url `{}` is neither http nor https", cfg.url)));
        }
        if cfg.batch_size == 0
            || cfg.max_attempts == 0
            || cfg.queue == 0
            || cfg.timeout_seconds == 0
        {
            return Err(bad(
                "batch_size, max_attempts, queue and timeout_seconds must be at least 1".into(),
            ));
        }
        let token = match &cfg.token_file {
            None => None,
            Some(p) => {
                let t = std::fs::read_to_string(p).map_err(|source| SinkError::Io {
                    path: p.display().to_string(),
                    source,
                })?;
                let t = t.trim_end().to_string();
                if t.is_empty() || t.contains(['\n', '\r']) {
                    return Err(bad(format!(
                        "{}: the token file must hold one non-empty line",
                        p.display()
                    )));
                }
                Some(t)
            }
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(cfg.timeout_seconds))
            .user_agent(concat!("custodes/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| bad(format!("HTTP client: {e}")))?;
        Ok(Self {
            name: name.to_string(),
            cfg: cfg.clone(),
            token,
            client,
        })
    }

    pub fn queue(&self) -> usize {
        self.cfg.queue
    }

    pub fn config(&self) -> &HttpConfig {
        &self.cfg
    }

    fn payload(&self, a: &Alert) -> Value {
        match self.cfg.payload {
            Payload::Alert => serde_json::to_value(a).unwrap_or(Value::Null),
            Payload::Ocsf => super::ocsf::finding(a),
        }
    }

    /// The request body for a batch.
    pub fn body(&self, batch: &[Alert]) -> String {
        match self.cfg.format {
            // HEC takes several event objects one after another in one body.
            HttpFormat::SplunkHec => batch
                .iter()
                .map(|a| {
                    let time = chrono::DateTime::parse_from_rfc3339(&a.window_end)
                        .map(|t| t.timestamp_millis() as f64 / 1000.0)
                        .unwrap_or(0.0);
                    json!({
                        "time": time,
                        "source": "custodes",
                        "sourcetype": self.cfg.sourcetype,
                        "event": self.payload(a),
                        "fields": {"alert_id": a.alert_id, "detector": a.detector, "severity": a.severity},
                    })
                    .to_string()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            HttpFormat::Webhook => {
                Value::Array(batch.iter().map(|a| self.payload(a)).collect()).to_string()
            }
        }
    }

    /// One attempt at posting a request body: `Ok` when the receiver answered 2xx (it took
    /// the batch), else whether the failure is worth retrying and why.
    pub async fn attempt(&self, body: &str) -> Result<(), Attempt> {
        let mut req = self
            .client
            .post(&self.cfg.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        if let Some(t) = &self.token {
            req = match self.cfg.format {
                HttpFormat::SplunkHec => {
                    req.header(reqwest::header::AUTHORIZATION, format!("Splunk {t}"))
                }
                HttpFormat::Webhook => req.bearer_auth(t),
            };
        }
        match req.send().await {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => {
                let status = r.status();
                let retry = status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT;
                let text = r.text().await.unwrap_or_default();
                let text: String = text.chars().take(200).collect();
                Err(Attempt {
                    retry,
                    status: Some(status.as_u16()),
                    why: if retry {
                        format!("HTTP {status}: {text}")
                    } else {
                        text
                    },
                })
            }
            Err(e) => {
                // reqwest's own message ("error sending request") hides the cause
                // (refused, reset, TLS) in its sources.
                let mut why = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    why.push_str(": ");
                    why.push_str(&c.to_string());
                    cause = c.source();
                }
                Err(Attempt {
                    retry: true,
                    status: None,
                    why,
                })
            }
        }
    }

    /// Posts one batch until it is taken; returns how many attempts it needed.
    async fn post(&self, batch: &[Alert], delivered: u64) -> Result<u32, SinkError> {
        let body = self.body(batch);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let why = match self.attempt(&body).await {
                Ok(()) => return Ok(attempt),
                Err(Attempt {
                    retry: false,
                    status,
                    why,
                }) => {
                    return Err(SinkError::Refused {
                        sink: self.name.clone(),
                        status: status.unwrap_or_default(),
                        body: why,
                        delivered,
                    })
                }
                Err(a) => a.why,
            };
            if attempt >= self.cfg.max_attempts {
                return Err(SinkError::GaveUp {
                    sink: self.name.clone(),
                    attempts: attempt,
                    last: why,
                    delivered,
                });
            }
            tracing::warn!(sink = %self.name, attempt, error = %why, "HTTP receiver did not take the batch; retrying.");
            tokio::time::sleep(backoff(
                attempt,
                self.cfg.backoff_initial_ms,
                self.cfg.backoff_max_ms,
            ))
            .await;
        }
    }

    /// Sends every alert received until the channel closes, in batches of what is waiting
    /// (at most `batch_size`); returns how many alerts the receiver took.
    pub async fn run(self, mut rx: mpsc::Receiver<Alert>) -> Result<u64, SinkError> {
        let mut delivered = 0u64;
        let mut batch = Vec::with_capacity(self.cfg.batch_size);
        while let Some(first) = rx.recv().await {
            batch.push(first);
            while batch.len() < self.cfg.batch_size {
                match rx.try_recv() {
                    Ok(a) => batch.push(a),
                    Err(_) => break,
                }
            }
            self.post(&batch, delivered).await?;
            delivered += batch.len() as u64;
            batch.clear();
        }
        Ok(delivered)
    }
}
