//! Sending CEF alerts to a syslog collector: RFC 5424 messages over TCP with octet counting
//! (RFC 6587), and over TLS (RFC 5425) when a certificate authority is configured.
//!
//! A connection that fails is re-opened and the message re-sent, waiting longer each time,
//! until `max_attempts`; then the sink gives up and says so. TCP syslog has no
//! acknowledgement: a message is delivered once the kernel accepted it, and one written
//! just before a connection broke may be lost or, re-sent, arrive twice (collectors
//! deduplicate on `externalId`, the alert id). The HTTP sink is the one that knows what the
//! receiver took. This module must not format messages (that is `cef.rs`).

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_rustls::rustls;

use super::config::CefSyslogConfig;
use super::deliver::{backoff, SinkError};
use crate::alert::Alert;

/// A built syslog sink: the configuration checked, TLS prepared.
pub(crate) struct SyslogSink {
    pub name: String,
    cfg: CefSyslogConfig,
    tls: Option<(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    )>,
}

/// A connection to the collector, plain or TLS.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}
type Conn = Box<dyn Stream>;

impl SyslogSink {
    pub fn build(name: &str, cfg: &CefSyslogConfig) -> Result<Self, SinkError> {
        let bad = |message: String| SinkError::Config {
            sink: name.to_string(),
            message,
        };
        if !super::cef::header_field_ok(&cfg.hostname, 255) {
            return Err(bad(format!(
                "hostname `{}` must be 1 to 255 printable ASCII characters without spaces",
                cfg.hostname
            )));
        }
        if !super::cef::header_field_ok(&cfg.app_name, 48) {
            return Err(bad(format!(
                "app_name `{}` must be 1 to 48 printable ASCII characters without spaces",
                cfg.app_name
            )));
        }
        if cfg.facility > 23 {
            return Err(bad(format!("facility {} is not 0 to 23", cfg.facility)));
        }
        if cfg.max_attempts == 0 || cfg.queue == 0 {
            return Err(bad("max_attempts and queue must be at least 1".into()));
        }
        let host = match cfg.address.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && p.parse::<u16>().is_ok() => {
                h.trim_start_matches('[').trim_end_matches(']').to_string()
            }
            _ => return Err(bad(format!("address `{}` is not host:port", cfg.address))),
        };
        let tls = match &cfg.tls_ca_file {
            None => None,
            Some(ca) => {
                use rustls::pki_types::pem::PemObject;
                use rustls::pki_types::{CertificateDer, ServerName};
                let mut roots = rustls::RootCertStore::empty();
                let certs = CertificateDer::pem_file_iter(ca)
                    .map_err(|e| bad(format!("{}: cannot read certificates: {e}", ca.display())))?;
                for c in certs {
                    let c = c.map_err(|e| {
                        bad(format!("{}: not a PEM certificate: {e}", ca.display()))
                    })?;
                    roots
                        .add(c)
                        .map_err(|e| bad(format!("{}: unusable certificate: {e}", ca.display())))?;
                }
                if roots.is_empty() {
                    return Err(bad(format!("{}: holds no certificate", ca.display())));
                }
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| bad(format!("TLS: {e}")))?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                let server = cfg.tls_server_name.clone().unwrap_or(host);
                let server = ServerName::try_from(server.clone())
                    .map_err(|_| bad(format!("`{server}` is not a valid TLS server name")))?;
                Some((tokio_rustls::TlsConnector::from(Arc::new(config)), server))
            }
        };
        Ok(Self {
            name: name.to_string(),
            cfg: cfg.clone(),
            tls,
        })
    }

    pub fn queue(&self) -> usize {
        self.cfg.queue
    }

    async fn connect(&self) -> std::io::Result<Conn> {
        let tcp = tokio::time::timeout(
            Duration::from_secs(10),
            TcpStream::connect(&self.cfg.address),
        )
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))??;
        tcp.set_nodelay(true)?;
        match &self.tls {
            None => Ok(Box::new(tcp)),
            Some((connector, server)) => {
                let s = connector.connect(server.clone(), tcp).await?;
                Ok(Box::new(s))
            }
        }
    }

    /// Writes one alert's frame, connecting first when there is no connection; on an error
    /// the connection is dropped (the next write opens a new one).
    async fn write_frame(&self, conn: &mut Option<Conn>, alert: &Alert) -> std::io::Result<()> {
        let frame = super::cef::frame(
            alert,
            self.cfg.facility,
            &self.cfg.hostname,
            &self.cfg.app_name,
            chrono::Utc::now(),
        );
        let result = async {
            if conn.is_none() {
                *conn = Some(self.connect().await?);
            }
            match conn.as_mut() {
                Some(c) => {
                    c.write_all(&frame).await?;
                    c.flush().await
                }
                None => Ok(()),
            }
        }
        .await;
        if result.is_err() {
            *conn = None;
        }
        result
    }

    /// Sends every alert received until the channel closes; returns how many were sent.
    pub async fn run(self, mut rx: mpsc::Receiver<Alert>) -> Result<u64, SinkError> {
        let mut conn: Option<Conn> = None;
        let mut sent = 0u64;
        while let Some(alert) = rx.recv().await {
            let mut attempt = 0u32;
            while let Err(e) = self.write_frame(&mut conn, &alert).await {
                attempt += 1;
                if attempt >= self.cfg.max_attempts {
                    return Err(SinkError::GaveUp {
                        sink: self.name.clone(),
                        attempts: attempt,
                        last: format!("{}: {e}", self.cfg.address),
                        delivered: sent,
                    });
                }
                tracing::warn!(sink = %self.name, attempt, error = %e, "Syslog collector unreachable; retrying.");
                tokio::time::sleep(backoff(
                    attempt,
                    self.cfg.backoff_initial_ms,
                    self.cfg.backoff_max_ms,
                ))
                .await;
            }
            sent += 1;
        }
        close(conn).await;
        Ok(sent)
    }

    /// A connection kept across batches, for `watch` (`batch.rs`).
    pub fn link(self) -> SyslogLink {
        SyslogLink {
            sink: self,
            conn: None,
        }
    }

    pub fn config(&self) -> &CefSyslogConfig {
        &self.cfg
    }
}

/// Closes a connection cleanly.
async fn close(conn: Option<Conn>) {
    if let Some(mut c) = conn {
        // A clean close (TLS close_notify), then read what the collector still sends
        // (TLS 1.3 session tickets, its own close) until it closes: a socket closed
        // with unread data is reset, and a reset can cost the collector the last frames.
        let _ = c.shutdown().await;
        let mut sink = [0u8; 4096];
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            while let Ok(n) = c.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }
}

/// A syslog sink with its connection, sending batches one attempt at a time.
pub(crate) struct SyslogLink {
    sink: SyslogSink,
    conn: Option<Conn>,
}

impl SyslogLink {
    /// Writes the batch's frames in order. On an error, how many frames the kernel took
    /// before it (they count as delivered: TCP syslog has no acknowledgement) and why.
    pub async fn send(&mut self, alerts: &[Alert]) -> Result<(), (usize, String)> {
        for (i, a) in alerts.iter().enumerate() {
            if let Err(e) = self.sink.write_frame(&mut self.conn, a).await {
                return Err((i, format!("{}: {e}", self.sink.cfg.address)));
            }
        }
        Ok(())
    }

    /// Closes the connection cleanly (at the end of a run).
    pub async fn close(self) {
        close(self.conn).await;
    }
}
