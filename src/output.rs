//! Creating output files that may hold personal data.
//!
//! Alerts, rejects and generated worlds name people, so every file custodes writes is
//! created owner-read/write only (0600 on Unix). Nothing else in the crate opens files for
//! writing directly.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Creates (or truncates) a file readable and writable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    open_private(path, opts)
}

/// Replaces `path` with `contents` atomically: written to a temporary file beside it, synced,
/// then renamed over it, so a reader (node_exporter's textfile collector) sees the old file
/// or the new one, never half of one. Readable by all (0644): only for files that hold no
/// personal data (counts, never names), read by another service's account.
pub fn replace_readable(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o644);
    }
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates a new file readable and writable by its owner only; an existing one is an
/// error, never overwritten (keys).
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    open_private(path, opts)
}

/// Opens a file of lines for appending (creating it), readable and writable by its owner
/// only: a long-running service's output, which a restart must not truncate. A last line
/// without its newline (torn by a crash mid-write) is cut off first, so that readers
/// never meet half a line; returns how many bytes were cut. The writer must be able to
/// write that line again (the service re-writes alerts not marked as written).
pub(crate) fn append_private(path: &Path) -> io::Result<(File, u64)> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    let mut file = open_private(path, opts)?;
    let cut = cut_torn_tail(&mut file)?;
    file.seek(SeekFrom::End(0))?;
    Ok((file, cut))
}

/// Truncates `file` after its last newline; returns the bytes removed.
fn cut_torn_tail(file: &mut File) -> io::Result<u64> {
    let len = file.metadata()?.len();
    let mut end = len;
    let mut buf = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|b| *b == b'\n') {
            let keep = start + i as u64 + 1;
            if keep < len {
                file.set_len(keep)?;
            }
            return Ok(len - keep);
        }
        end = start;
    }
    if len > 0 {
        file.set_len(0)?;
    }
    Ok(len)
}

fn open_private(path: &Path, mut opts: OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path)?;
    // An existing file keeps its old mode through `open`; tighten it explicitly. Only a
    // regular file: `--out /dev/null` or a named pipe belongs to the system, and making
    // /dev/null root-only breaks every other program on the machine.
    #[cfg(unix)]
    if file.metadata()?.is_file() {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[cfg(unix)]
    #[test]
    fn existing_files_are_tightened_but_devices_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.jsonl");
        std::fs::write(&p, "x").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_private(&p).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), 0o600);
        let null = Path::new("/dev/null");
        let before = mode(null);
        create_private(null).unwrap();
        append_private(null).unwrap();
        assert_eq!(mode(null), before);
    }

    #[test]
    fn appending_cuts_a_torn_last_line_and_keeps_whole_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        std::fs::write(&p, "{\"a\":1}\n{\"b\":2}\n{\"c\":").unwrap();
        let (mut f, cut) = append_private(&p).unwrap();
        assert_eq!(cut, 5);
        f.write_all(b"{\"c\":3}\n").unwrap();
        drop(f);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"
        );
        let (_, cut) = append_private(&p).unwrap();
        assert_eq!(cut, 0);
        let q = dir.path().join("torn-only.jsonl");
        std::fs::write(&q, "x".repeat(9000)).unwrap();
        assert_eq!(append_private(&q).unwrap().1, 9000);
        assert_eq!(std::fs::metadata(&q).unwrap().len(), 0);
    }
}
