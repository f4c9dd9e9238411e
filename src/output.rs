//! Creating output files that may hold personal data.
//!
//! Alerts, rejects and generated worlds name people, so every file custodes writes is
//! created owner-read/write only (0600 on Unix). Nothing else in the crate opens files for
//! writing directly.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates (or truncates) a file readable and writable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    open_private(path, opts)
}

/// Opens a file for appending (creating it), readable and writable by its owner only: a
/// long-running service's output, which a restart must not truncate.
pub fn append_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.append(true).create(true);
    open_private(path, opts)
}

fn open_private(path: &Path, mut opts: OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path)?;
    // An existing file keeps its old mode through `open`; tighten it explicitly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}
