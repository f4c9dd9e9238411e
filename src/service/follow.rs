//! Line sources that read bytes: files followed as they grow (across rotation and
//! truncation, resuming from a saved position) and standard input.
//!
//! Each runs on its own thread (file reads block) and sends batches of [`Line`]s into the
//! bounded channel to the detection thread, waiting when it is full: backpressure, never
//! unbounded memory. A file is followed by its path: when the path comes to name another
//! file (renamed away and re-created: rotation), the old file is read to its end first;
//! when the file shrinks below what was read (truncated in place), reading starts again at
//! its beginning. After a restart, the saved position names the file by device and inode,
//! so a file rotated while the service was down is found beside the path and finished
//! before the new one is read. These readers never decode or drop lines: a line too long
//! to hold is cut, marked, and handed on to be rejected.
//!
//! Truncation is seen by size: a file truncated and written past the old read offset
//! between two polls looks like a file that grew (the `copytruncate` race every
//! size-based follower has); rotate by rename to avoid it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::Sender;
use tokio_util::sync::CancellationToken;

use super::item::{FileId, Item, Line, Position};
use super::metrics::Metrics;

/// How much of an over-long line is kept as evidence in the reject store.
const KEEP_OF_LONG_LINE: usize = 4096;
/// Bytes read at a time; the lines of one read are one batch (one channel slot).
const CHUNK: usize = 64 * 1024;

/// Cuts bytes into lines, tracking where each starts.
#[derive(Debug)]
pub struct Cutter {
    buf: Vec<u8>,
    /// Where `buf` starts.
    at: Position,
    max_line: usize,
    /// Inside an over-long line: its start and the part kept, until its newline.
    skipping: Option<(Position, Vec<u8>)>,
}

impl Cutter {
    pub fn new(at: Position, max_line: usize) -> Self {
        Self {
            buf: Vec::new(),
            at,
            max_line: max_line.max(1),
            skipping: None,
        }
    }

    /// Where the next unread byte's line starts (the position to resume from).
    pub fn position(&self) -> Position {
        self.skipping.as_ref().map_or(self.at, |(p, _)| *p)
    }

    /// Bytes of the input consumed so far (whole lines, the partial one, skipped bytes).
    pub fn read_offset(&self) -> u64 {
        self.at.offset + self.buf.len() as u64
    }

    /// Takes bytes; appends every completed line to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<Line>) {
        while !bytes.is_empty() {
            let newline = bytes.iter().position(|b| *b == b'\n');
            if let Some((start, kept)) = self.skipping.as_mut() {
                // `at.offset` runs ahead through the over-long line being skipped.
                let part = &bytes[..newline.unwrap_or(bytes.len())];
                let room = KEEP_OF_LONG_LINE.saturating_sub(kept.len());
                kept.extend_from_slice(&part[..part.len().min(room)]);
                let Some(i) = newline else {
                    self.at.offset += bytes.len() as u64;
                    return;
                };
                self.at.offset += i as u64 + 1;
                self.at.line += 1;
                let (start, kept) = (*start, std::mem::take(kept));
                self.skipping = None;
                out.push(self.too_long(start, kept));
                bytes = &bytes[i + 1..];
                continue;
            }
            match newline {
                Some(i) if self.buf.len() + i <= self.max_line => {
                    self.buf.extend_from_slice(&bytes[..=i]);
                    bytes = &bytes[i + 1..];
                    out.push(self.take_line());
                }
                Some(i) => {
                    let start = self.at;
                    let kept = self.keep(&bytes[..i]);
                    self.at.offset += (self.buf.len() + i + 1) as u64;
                    self.at.line += 1;
                    self.buf.clear();
                    out.push(self.too_long(start, kept));
                    bytes = &bytes[i + 1..];
                }
                None if self.buf.len() + bytes.len() <= self.max_line => {
                    self.buf.extend_from_slice(bytes);
                    return;
                }
                None => {
                    let start = self.at;
                    let kept = self.keep(bytes);
                    self.at.offset += (self.buf.len() + bytes.len()) as u64;
                    self.buf.clear();
                    self.skipping = Some((start, kept));
                    return;
                }
            }
        }
    }

    /// The evidence kept of an over-long line: the buffered part, then `more`, clipped.
    fn keep(&self, more: &[u8]) -> Vec<u8> {
        let mut kept = self.buf.clone();
        kept.extend_from_slice(&more[..more.len().min(KEEP_OF_LONG_LINE)]);
        kept.truncate(KEEP_OF_LONG_LINE);
        kept
    }

    fn too_long(&self, start: Position, kept: Vec<u8>) -> Line {
        Line {
            at: start,
            next: self.at,
            bytes: kept,
            problem: Some((
                "-".into(),
                format!(
                    "line longer than {} bytes (--max-line-bytes); its first {} bytes are kept",
                    self.max_line, KEEP_OF_LONG_LINE
                ),
            )),
        }
    }

    /// The input has ended: a last line without a newline is still a line.
    pub fn flush(&mut self, out: &mut Vec<Line>) {
        if let Some((start, kept)) = self.skipping.take() {
            self.at.line += 1;
            out.push(self.too_long(start, kept));
            return;
        }
        if !self.buf.is_empty() {
            out.push(self.take_line());
        }
    }

    /// The buffered bytes as a whole line; the position moves past it.
    fn take_line(&mut self) -> Line {
        let bytes = std::mem::take(&mut self.buf);
        let at = self.at;
        self.at.offset += bytes.len() as u64;
        self.at.line += 1;
        Line {
            at,
            next: self.at,
            bytes,
            problem: None,
        }
    }
}

/// A followed file's settings.
#[derive(Debug, Clone)]
pub struct FollowSpec {
    /// Index of the source (its metrics, its lines' tag).
    pub source: usize,
    pub path: PathBuf,
    /// Read to the end and stop, instead of following.
    pub once: bool,
    /// How often to look for new data, rotation and truncation at the end of the file.
    pub poll: Duration,
    pub max_line: usize,
    /// Where the last run's checkpoint says to resume.
    pub resume: Option<Position>,
}

/// The file being read now.
struct Reading {
    file: File,
    id: FileId,
    cutter: Cutter,
    /// This is an older file (rotated away); at its end, move on to the path.
    draining: bool,
}

/// Follows one file until cancelled (or, with `once`, to its end). Runs on its own thread.
pub fn follow(
    spec: FollowSpec,
    tx: Sender<Item>,
    cancel: CancellationToken,
    metrics: Arc<Metrics>,
) {
    let source = spec.source;
    if let Err(error) = follow_inner(&spec, &tx, &cancel, &metrics) {
        tracing::error!(source = %spec.path.display(), %error, "Followed file failed.");
        let _ = tx.blocking_send(Item::Failed { source, error });
    }
}

/// Sends a batch; false when the detection thread has gone (shutting down).
fn send(tx: &Sender<Item>, source: usize, lines: &mut Vec<Line>, metrics: &Metrics) -> bool {
    if lines.is_empty() {
        return true;
    }
    metrics.queue_depth.fetch_add(1, Ordering::Relaxed);
    let ok = tx
        .blocking_send(Item::Lines {
            source,
            lines: std::mem::take(lines),
        })
        .is_ok();
    if !ok {
        metrics.queue_depth.fetch_sub(1, Ordering::Relaxed);
    }
    ok
}

fn open_at(
    path: &Path,
    resume: Option<Position>,
    generation: u64,
    max_line: usize,
) -> Result<Option<Reading>, String> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot open: {e}", path.display())),
    };
    let meta = file
        .metadata()
        .map_err(|e| format!("{}: cannot read metadata: {e}", path.display()))?;
    let id = FileId::of(&meta);
    let mut at = Position {
        generation,
        ..Position::start(Some(id))
    };
    if let Some(p) = resume.filter(|p| p.file == Some(id)) {
        if meta.len() >= p.offset {
            at = Position { generation, ..p };
        } else {
            tracing::warn!(
                source = %path.display(),
                saved_offset = p.offset,
                size = meta.len(),
                "The file is shorter than where the last run stopped (truncated while the service was down); reading it from its start."
            );
        }
    }
    file.seek(SeekFrom::Start(at.offset))
        .map_err(|e| format!("{}: cannot seek: {e}", path.display()))?;
    Ok(Some(Reading {
        file,
        id,
        cutter: Cutter::new(at, max_line),
        draining: false,
    }))
}

/// The file beside `path` that has identity `id` (where a rotated file went).
fn find_by_id(path: &Path, id: FileId) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let p = e.path();
        let m = std::fs::metadata(&p).ok()?;
        (m.is_file() && FileId::of(&m) == id).then_some(p)
    })
}

fn follow_inner(
    spec: &FollowSpec,
    tx: &Sender<Item>,
    cancel: &CancellationToken,
    metrics: &Metrics,
) -> Result<(), String> {
    let path = spec.path.as_path();
    let shown = path.display().to_string();
    let mut generation = 0u64;
    let mut reading = match spec.resume.and_then(|p| p.file.map(|f| (p, f))) {
        Some((p, saved)) => {
            let current = std::fs::metadata(path).ok().map(|m| FileId::of(&m));
            if current == Some(saved) {
                open_at(path, Some(p), generation, spec.max_line)?
            } else if let Some(old) = find_by_id(path, saved) {
                tracing::info!(source = %shown, rotated_to = %old.display(), "The file was rotated while the service was down; finishing the old file first.");
                let mut r = open_at(&old, Some(p), generation, spec.max_line)?;
                if let Some(r) = r.as_mut() {
                    r.draining = true;
                }
                r
            } else {
                tracing::warn!(source = %shown, "The file read last is gone (rotated away and removed while the service was down); reading the path from its start.");
                open_at(path, None, generation, spec.max_line)?
            }
        }
        None => open_at(path, None, generation, spec.max_line)?,
    };
    if reading.is_none() && spec.once {
        return Err(format!("{shown}: no such file"));
    }
    let source = spec.source;
    let mut chunk = vec![0u8; CHUNK];
    let mut lines = Vec::new();
    let mut waiting_logged = false;
    loop {
        if cancel.is_cancelled() {
            return Ok(());
        }
        let Some(r) = reading.as_mut() else {
            if !waiting_logged {
                tracing::info!(source = %shown, "Waiting for the file to appear.");
                waiting_logged = true;
            }
            std::thread::sleep(spec.poll);
            reading = open_at(path, None, generation, spec.max_line)?;
            continue;
        };
        let n = r
            .file
            .read(&mut chunk)
            .map_err(|e| format!("{shown}: read failed: {e}"))?;
        if n > 0 {
            r.cutter.feed(&chunk[..n], &mut lines);
            if !send(tx, source, &mut lines, metrics) {
                return Ok(());
            }
            continue;
        }
        // At the end of what is there now.
        if r.draining {
            r.cutter.flush(&mut lines);
            if !send(tx, source, &mut lines, metrics) {
                return Ok(());
            }
            generation += 1;
            reading = open_at(path, None, generation, spec.max_line)?;
            continue;
        }
        if spec.once {
            r.cutter.flush(&mut lines);
            if !send(tx, source, &mut lines, metrics) {
                return Ok(());
            }
            metrics.sources[source].backlog.store(0, Ordering::Relaxed);
            let _ = tx.blocking_send(Item::End { source });
            return Ok(());
        }
        match std::fs::metadata(path) {
            Ok(m) if FileId::of(&m) != r.id => {
                tracing::info!(source = %shown, "The file was rotated; finishing the old file, then reading the new one.");
                // One more read of the old file catches what was written just before the
                // rename; then the new file.
                r.draining = true;
            }
            Ok(m) if m.len() < r.cutter.read_offset() => {
                tracing::warn!(source = %shown, read = r.cutter.read_offset(), size = m.len(), "The file was truncated; reading it again from its start.");
                r.cutter.flush(&mut lines);
                if !send(tx, source, &mut lines, metrics) {
                    return Ok(());
                }
                generation += 1;
                r.file
                    .seek(SeekFrom::Start(0))
                    .map_err(|e| format!("{shown}: cannot seek: {e}"))?;
                r.cutter = Cutter::new(
                    Position {
                        generation,
                        ..Position::start(Some(r.id))
                    },
                    spec.max_line,
                );
            }
            Ok(m) => {
                metrics.sources[source].backlog.store(
                    m.len().saturating_sub(r.cutter.read_offset()),
                    Ordering::Relaxed,
                );
                std::thread::sleep(spec.poll);
            }
            // Renamed away and not re-created yet: keep reading the old file meanwhile.
            Err(_) => std::thread::sleep(spec.poll),
        }
    }
}

/// Reads standard input to its end. Runs on its own thread.
pub fn read_stdin(source: usize, max_line: usize, tx: Sender<Item>, metrics: Arc<Metrics>) {
    let mut stdin = std::io::stdin().lock();
    let mut cutter = Cutter::new(Position::start(None), max_line);
    let mut chunk = vec![0u8; CHUNK];
    let mut lines = Vec::new();
    loop {
        match stdin.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                cutter.feed(&chunk[..n], &mut lines);
                if !send(&tx, source, &mut lines, &metrics) {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.blocking_send(Item::Failed {
                    source,
                    error: format!("standard input: read failed: {e}"),
                });
                return;
            }
        }
    }
    cutter.flush(&mut lines);
    if send(&tx, source, &mut lines, &metrics) {
        let _ = tx.blocking_send(Item::End { source });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cut(chunks: &[&[u8]], max: usize) -> Vec<Line> {
        let mut c = Cutter::new(Position::start(None), max);
        let mut out = Vec::new();
        for ch in chunks {
            c.feed(ch, &mut out);
        }
        c.flush(&mut out);
        out
    }

    #[test]
    fn lines_split_across_reads_are_whole_and_positions_chain() {
        let out = cut(&[b"ab", b"c\nde\n", b"f"], 100);
        let texts: Vec<&[u8]> = out.iter().map(|l| l.bytes.as_slice()).collect();
        assert_eq!(texts, [&b"abc\n"[..], b"de\n", b"f"]);
        assert_eq!(out[1].at.offset, 4);
        assert_eq!(out[1].at.line, 2);
        assert_eq!(out[2].next.offset, 8);
        for w in out.windows(2) {
            assert_eq!(w[0].next, w[1].at);
        }
    }

    #[test]
    fn an_over_long_line_is_cut_marked_and_the_next_line_survives() {
        let long = [b'x'; 50];
        let out = cut(&[b"ok\n", &long[..20], &long[20..], b"\nnext\n"], 10);
        assert_eq!(out.len(), 3);
        assert!(out[0].problem.is_none());
        assert!(out[1]
            .problem
            .as_ref()
            .unwrap()
            .1
            .contains("longer than 10 bytes"));
        assert_eq!(out[1].at.offset, 3);
        assert_eq!(out[1].next.offset, 54);
        assert_eq!(out[2].bytes, b"next\n");
        assert_eq!(out[2].at.line, 3);
    }

    proptest! {
        /// However the input is split into reads, the lines and their positions are the
        /// same, every byte is accounted for, and positions chain without gaps.
        #[test]
        fn cutting_does_not_depend_on_read_sizes(
            text in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'a'), Just(b'{')], 0..300),
            splits in proptest::collection::vec(1usize..40, 0..20),
            max in 1usize..30,
        ) {
            let whole = cut(&[&text], max);
            let mut chunks = Vec::new();
            let mut rest = &text[..];
            for s in splits {
                let k = s.min(rest.len());
                chunks.push(&rest[..k]);
                rest = &rest[k..];
            }
            chunks.push(rest);
            let parts = cut(&chunks, max);
            prop_assert_eq!(&whole, &parts);
            let end = whole.last().map_or(0, |l| l.next.offset);
            prop_assert_eq!(end, text.len() as u64);
            for w in whole.windows(2) {
                prop_assert_eq!(w[0].next, w[1].at);
            }
        }
    }

    fn spec(path: &Path, once: bool, resume: Option<Position>) -> FollowSpec {
        FollowSpec {
            source: 0,
            path: path.to_path_buf(),
            once,
            poll: Duration::from_millis(10),
            max_line: 1 << 20,
            resume,
        }
    }

    fn collect(rx: &mut tokio::sync::mpsc::Receiver<Item>, want: usize) -> Vec<Line> {
        let mut got = Vec::new();
        while got.len() < want {
            match rx.blocking_recv() {
                Some(Item::Lines { lines, .. }) => got.extend(lines),
                Some(Item::End { .. }) | None => break,
                Some(Item::Failed { error, .. }) => panic!("{error}"),
            }
        }
        got
    }

    #[test]
    fn follows_across_rotation_and_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        std::fs::write(&p, "1\n2\n").unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let cancel = CancellationToken::new();
        let metrics = Arc::new(Metrics::new(&["app.log".into()]));
        let s = spec(&p, false, None);
        let (c2, m2) = (cancel.clone(), metrics.clone());
        let t = std::thread::spawn(move || follow(s, tx, c2, m2));
        assert_eq!(collect(&mut rx, 2).len(), 2);
        // Rotation: a line written to the old file just before the rename is still read.
        {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
            f.write_all(b"3\n").unwrap();
        }
        std::fs::rename(&p, dir.path().join("app.log.1")).unwrap();
        std::fs::write(&p, "4\n").unwrap();
        let got = collect(&mut rx, 2);
        let texts: Vec<&[u8]> = got.iter().map(|l| l.bytes.as_slice()).collect();
        assert_eq!(texts, [&b"3\n"[..], b"4\n"]);
        assert!(got[1].at.generation > got[0].at.generation);
        // Truncation in place (copytruncate): read again from the start.
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(0)
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        std::fs::write(&p, "5\n").unwrap();
        let got = collect(&mut rx, 1);
        assert_eq!(got[0].bytes, b"5\n");
        assert_eq!(got[0].at.offset, 0);
        cancel.cancel();
        t.join().unwrap();
    }

    #[test]
    fn resumes_in_a_file_rotated_while_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        std::fs::write(&p, "1\n2\n3\n").unwrap();
        let id = FileId::of(&std::fs::metadata(&p).unwrap());
        let resume = Position {
            file: Some(id),
            offset: 2,
            line: 2,
            generation: 0,
        };
        std::fs::rename(&p, dir.path().join("app.log.1")).unwrap();
        std::fs::write(&p, "4\n").unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let metrics = Arc::new(Metrics::new(&["app.log".into()]));
        follow(
            spec(&p, true, Some(resume)),
            tx,
            CancellationToken::new(),
            metrics,
        );
        let got = collect(&mut rx, 10);
        let texts: Vec<&[u8]> = got.iter().map(|l| l.bytes.as_slice()).collect();
        assert_eq!(texts, [&b"2\n"[..], b"3\n", b"4\n"]);
        assert_eq!(got[0].at.line, 2);
    }
}
