//! Alert sinks: where finished alerts go. Here, JSON lines to a file or standard output;
//! beside it (`sink/`), the SIEM sinks a run may add with `--sink NAME`: OCSF findings in a
//! file (`ocsf`), CEF over syslog (`cef`, `syslog`) and HTTP (`http`), configured by
//! `[sinks.NAME]` (`config`) and run by `deliver` (for `audit`) or one acknowledged batch
//! at a time by `batch` (for `watch`, which keeps its progress in the store).
//!
//! Files are created 0600 because alerts name people. A closed pipe on standard output
//! (`custodes audit ... | head`) is not an error: the sink reports it so the caller can stop
//! quietly.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::Alert;

pub mod batch;
pub mod cef;
pub mod config;
pub mod deliver;
pub mod http;
pub mod ocsf;
pub mod syslog;

pub struct JsonLinesSink {
    out: BufWriter<Box<dyn Write + Send>>,
    written: u64,
}

impl JsonLinesSink {
    pub fn stdout() -> Self {
        Self {
            out: BufWriter::new(Box::new(io::stdout())),
            written: 0,
        }
    }

    pub fn file(path: &Path) -> io::Result<Self> {
        let f = crate::output::create_private(path)?;
        Ok(Self {
            out: BufWriter::new(Box::new(f)),
            written: 0,
        })
    }

    /// Appends to `path` (created 0600 when missing): the service's `--out`, which a
    /// restart continues. A line torn by a crash is cut first; returns the sink and the
    /// bytes cut.
    pub fn append(path: &Path) -> io::Result<(Self, u64)> {
        let (f, cut) = crate::output::append_private(path)?;
        Ok((
            Self {
                out: BufWriter::new(Box::new(f)),
                written: 0,
            },
            cut,
        ))
    }

    pub fn write(&mut self, alert: &Alert) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, alert).map_err(io::Error::other)?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
