//! Reading a log line by line, for the readers of database logs (pgAudit, MariaDB,
//! Percona): line numbers, blank lines skipped, line endings trimmed, and a read error
//! mid-file kept as one reject, in one place. It must not decode anything: what a line
//! means is each reader's.

use std::io::BufRead;

use super::{FileStats, RejectSink, SourceError};

/// Calls `each` with every non-blank line (1-based number, bytes without the ending); a
/// read error mid-file is one reject for the remainder. With `tab_lines`, a line that
/// starts with a TAB is never blank: on stderr it continues a statement, whose blank
/// lines are part of its text.
pub(crate) fn for_each_line(
    name: &str,
    mut reader: Box<dyn BufRead>,
    tab_lines: bool,
    stats: &mut FileStats,
    rejects: &mut RejectSink,
    mut each: impl FnMut(&mut FileStats, &mut RejectSink, u64, &[u8]) -> Result<(), SourceError>,
) -> Result<(), SourceError> {
    let mut buf = Vec::with_capacity(1024);
    let mut n: u64 = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                let msg = format!("input ends unreadably here: {e}");
                return stats.reject(rejects, name, n + 1, "-", msg, b"");
            }
        }
        n += 1;
        if buf.iter().all(u8::is_ascii_whitespace) && !(tab_lines && buf.first() == Some(&b'\t')) {
            continue;
        }
        each(stats, rejects, n, trim_line_end(&buf))?;
    }
}

/// `line` without the line ending(s) it ends with (`\n`, `\r\n`, or several).
pub(crate) fn trim_line_end(line: &[u8]) -> &[u8] {
    let ending = line
        .iter()
        .rev()
        .take_while(|b| **b == b'\n' || **b == b'\r')
        .count();
    &line[..line.len() - ending]
}
