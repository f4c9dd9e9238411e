//! The `[sinks.NAME]` sections of `custodes.toml`: one typed section per sink, chosen by
//! `type`, every field documented with its default.
//!
//! These structs only describe; building a sink from one (opening a file, reading a token,
//! checking a host name) is `deliver::Sinks::build`'s job, so that a configuration parses
//! the same on any machine.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One sink, by its `type`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SinkConfig {
    /// OCSF Detection Findings as JSON lines in a file (an agent ships it to the SIEM).
    OcsfFile(OcsfFileConfig),
    /// CEF messages over syslog (RFC 5424, TCP with octet counting, optionally TLS).
    CefSyslog(CefSyslogConfig),
    /// Batches of alerts POSTed to Splunk's HTTP Event Collector or a generic webhook.
    Http(HttpConfig),
}

impl SinkConfig {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            SinkConfig::OcsfFile(_) => "ocsf_file",
            SinkConfig::CefSyslog(_) => "cef_syslog",
            SinkConfig::Http(_) => "http",
        }
    }
}

/// `type = "ocsf_file"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OcsfFileConfig {
    /// The file (created 0600).
    pub path: PathBuf,
    /// Append to the file (nightly runs add to what the shipping agent follows) rather
    /// than replace it. Default true. `watch` always appends.
    #[serde(default = "yes")]
    pub append: bool,
}

/// `type = "cef_syslog"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CefSyslogConfig {
    /// The collector, `host:port`.
    pub address: String,
    /// PEM file of the certificate authority that signed the collector's certificate:
    /// given, the connection is TLS (RFC 5425) and the collector's certificate is checked.
    #[serde(default)]
    pub tls_ca_file: Option<PathBuf>,
    /// The name the collector's certificate must carry; default the host of `address`.
    #[serde(default)]
    pub tls_server_name: Option<String>,
    /// RFC 5424 HOSTNAME of this machine (printable ASCII, no spaces); default `-` (none).
    #[serde(default = "nil")]
    pub hostname: String,
    /// RFC 5424 APP-NAME. Default `custodes`.
    #[serde(default = "app")]
    pub app_name: String,
    /// Syslog facility 0–23. Default 13 (log audit).
    #[serde(default = "audit_facility")]
    pub facility: u8,
    /// Attempts to connect and send before the sink gives up. Default 8. `watch` retries
    /// for as long as it runs and gives up only once its sources ended.
    #[serde(default = "attempts", deserialize_with = "attempts_at_least_one")]
    pub max_attempts: u32,
    /// First wait between attempts, milliseconds; doubled each time up to `backoff_max_ms`.
    /// Default 500.
    #[serde(default = "backoff_initial")]
    pub backoff_initial_ms: u64,
    /// Longest wait between attempts, milliseconds. Default 30000.
    #[serde(default = "backoff_max")]
    pub backoff_max_ms: u64,
    /// Alerts waiting to be sent at most; detection waits when it is full. Default 1000.
    /// `audit` only: `watch` keeps what a sink is owed in its store.
    #[serde(default = "queue")]
    pub queue: usize,
}

/// What an HTTP sink speaks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HttpFormat {
    /// Splunk HTTP Event Collector (`/services/collector/event`): one `{"time", "host",
    /// "source", "sourcetype", "event"}` object per alert, `Authorization: Splunk TOKEN`.
    SplunkHec,
    /// A JSON array of alerts, `Authorization: Bearer TOKEN`.
    Webhook,
}

/// What each alert is sent as.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Payload {
    /// The alert as the data contract has it (§3).
    Alert,
    /// The alert as an OCSF Detection Finding.
    Ocsf,
}

/// `type = "http"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Where to POST (http or https).
    pub url: String,
    /// `splunk_hec` or `webhook`.
    pub format: HttpFormat,
    /// `alert` (the contract's JSON) or `ocsf`. Default `alert`.
    #[serde(default = "alert_payload")]
    pub payload: Payload,
    /// File holding the token (HEC token or bearer token), trailing whitespace ignored;
    /// kept out of this file so the configuration can be shared. Default: no token.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// HEC `sourcetype`. Default `custodes:alert`.
    #[serde(default = "sourcetype")]
    pub sourcetype: String,
    /// Alerts per request at most. Default 100.
    #[serde(default = "batch", deserialize_with = "batch_size_at_least_one")]
    pub batch_size: usize,
    /// Seconds one request may take. Default 10.
    #[serde(default = "timeout", deserialize_with = "timeout_at_least_one")]
    pub timeout_seconds: u64,
    /// Attempts per batch before the sink gives up (connection errors, 408, 429 and 5xx
    /// are retried; other answers are not). Default 8. `watch` retries for as long as it
    /// runs and gives up after this many failures in a row only once its sources ended.
    #[serde(default = "attempts", deserialize_with = "attempts_at_least_one")]
    pub max_attempts: u32,
    /// First wait between attempts, milliseconds; doubled each time up to `backoff_max_ms`.
    /// Default 500.
    #[serde(default = "backoff_initial")]
    pub backoff_initial_ms: u64,
    /// Longest wait between attempts, milliseconds. Default 30000.
    #[serde(default = "backoff_max")]
    pub backoff_max_ms: u64,
    /// Alerts waiting to be sent at most (besides the batch in flight); detection waits
    /// when it is full, so memory stays bounded however long the receiver is down.
    /// Default 1000. `audit` only: `watch` keeps what a sink is owed in its store.
    #[serde(default = "queue")]
    pub queue: usize,
}

fn yes() -> bool {
    true
}
fn nil() -> String {
    "-".into()
}
fn app() -> String {
    "custodes".into()
}
fn audit_facility() -> u8 {
    13
}
fn attempts() -> u32 {
    8
}
fn backoff_initial() -> u64 {
    500
}
fn backoff_max() -> u64 {
    30_000
}
fn queue() -> usize {
    1000
}
fn alert_payload() -> Payload {
    Payload::Alert
}
fn sourcetype() -> String {
    "custodes:alert".into()
}
fn batch() -> usize {
    100
}
fn timeout() -> u64 {
    10
}

fn batch_size_at_least_one<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    crate::config::valid::key_at_least_one(d, "batch_size")
}

fn timeout_at_least_one<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    crate::config::valid::key_at_least_one(d, "timeout_seconds")
}

fn attempts_at_least_one<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    crate::config::valid::key_at_least_one(d, "max_attempts")
}
