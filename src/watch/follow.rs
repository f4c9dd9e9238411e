//! Line sources that read bytes: files followed as they grow (across rotation and
//! truncation, resuming from a saved position) and standard input.
//!
//! Each runs on its own thread (file reads block) and sends batches of [`Line`]s into the
//! bounded channel to the detection thread, waiting when it is full: backpressure, never
//! unbounded memory. A file is followed by its path: when the path comes to name another
//! file (renamed away and re-created: rotation), the old file is read to its end first,
//! then any generation rotated in between (two rotations within one poll), then the new
//! file; when the file shrinks below what was read (truncated in place), the rest is read
//! from the copy `copytruncate` made, if there is one, and the file again from its start.
//! After a restart, [`rotation::plan`] lists every generation from the checkpoint's
//! position to the current file (renamed, dated, compressed), and each is read in turn;
//! a generation that is gone is reported as a gap ([`Item::Gap`]), never skipped
//! silently. These readers never decode or drop lines: a line too long to hold is cut,
//! marked, and handed on to be rejected.
//!
//! Truncation is seen by size: a file truncated and written past the old read offset
//! between two polls looks like a file that grew (the `copytruncate` race every
//! size-based follower has); rotate by rename to avoid it.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::Sender;
use tokio_util::sync::CancellationToken;

use super::item::{FileId, Gap, Generation, Item, Line, Position, HEAD_BYTES};
use super::metrics::Metrics;
use super::rotation::{self, Planned, Step};
use crate::store::files::Seen;

/// How much of an over-long line is kept as evidence in the reject store.
const KEEP_OF_LONG_LINE: usize = 4096;
/// Bytes read at a time; the lines of one read are one batch (one channel slot).
const CHUNK: usize = 64 * 1024;

/// Cuts bytes into lines, tracking where each starts.
#[derive(Debug)]
pub(crate) struct Cutter {
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
    pub(crate) fn read_offset(&self) -> u64 {
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
    /// The generations of this file the store knows, oldest first.
    pub chain: Vec<Generation>,
}

/// What a generation is read through.
enum Src {
    /// A plain file: it may still grow, be truncated, or be renamed.
    File(File),
    /// A compressed generation (complete; read once to its end) or a copy.
    Stream(Box<dyn Read + Send>),
}

impl Src {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Src::File(f) => f.read(buf),
            Src::Stream(r) => r.read(buf),
        }
    }
}

/// The generation being read now.
struct Reading {
    src: Src,
    path: PathBuf,
    generation: Generation,
    cutter: Cutter,
    /// The file at the followed path, followed as it grows; otherwise an older generation
    /// read to its end.
    live: bool,
    /// A new generation that was empty when opened: recorded in the store once its first
    /// bytes are read, since a record without them would match by inode alone any later
    /// file that reuses the inode after this one is deleted (`compress` deletes).
    unrecorded: bool,
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
        let _ = tx.blocking_send(Item::Failed {
            source,
            error: error.to_string(),
        });
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

/// Why a planned generation could not be started.
enum StartError {
    /// The followed path is not there (yet).
    Missing,
    /// An older generation cannot be read: a gap to report.
    Gap(Gap),
    /// The followed path cannot be read: the source fails.
    Fatal(FollowError),
}

/// Why a followed file's source stops: the service stops with it, naming the file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FollowError {
    /// `--once` over a path that is not there.
    #[error("{path}: no such file")]
    NoSuchFile { path: String },
    /// The live file cannot be opened.
    #[error("{path}: cannot open: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The live file cannot be read any further.
    #[error("{path}: read failed: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Opens a file as a step plans to read it: the source, where it stands, and the opened
/// file's own identity.
fn open_step(step: &Step) -> std::io::Result<(Src, u64, FileId)> {
    let mut f = File::open(&step.path)?;
    let meta = f.metadata()?;
    let id = FileId::of(&meta);
    if step.gz {
        let (r, at) = rotation::read_from(f, true, step.from.offset)?;
        return Ok((Src::Stream(r), at, id));
    }
    let at = step.from.offset.min(meta.len());
    f.seek(SeekFrom::Start(at))?;
    Ok((Src::File(f), at, id))
}

/// Opens a planned generation at its position. The name it was planned under may name
/// another file by now (a rotation ran between planning and opening, or `delaycompress`
/// compressed it): then the planned file is looked for again by identity and content,
/// and only when it is nowhere is it a gap (or, for a file never read, missing).
fn start(
    followed: &std::path::Path,
    mut step: Step,
    generation: u64,
    max_line: usize,
) -> Result<Reading, StartError> {
    let mut opened = open_step(&step);
    // Each retry follows one more rename; a directory rotating faster than this is
    // reported rather than read from the wrong file.
    for _ in 0..5 {
        let moved = match &opened {
            Ok((_, _, id)) => !id.same_inode(&step.file),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        if !moved {
            break;
        }
        let Some(f) = rotation::locate(followed, &step) else {
            opened = Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the file planned to be read is no longer beside the path",
            ));
            break;
        };
        tracing::debug!(planned = %step.path.display(), now = %f.path.display(), "A generation was renamed after it was planned; reading it under its new name.");
        step.path = f.path;
        step.gz = f.gz;
        step.file = f.id;
        opened = open_step(&step);
    }
    let shown = step.path.display().to_string();
    let gap = |from: u64, reason: String| Gap {
        file: shown.clone(),
        id: Some(step.generation.id),
        from,
        to: Some(step.from.offset.max(step.generation.read)),
        reason,
    };
    let (src, at) = match opened {
        Ok((src, at, id)) if id.same_inode(&step.file) => (src, at),
        // A file never read that is gone: the next look at the path finds what is there.
        Ok(_) if step.live && step.new => return Err(StartError::Missing),
        Ok(_) => {
            return Err(StartError::Gap(gap(
                step.from.offset,
                "the generation was renamed away faster than it could be found".into(),
            )))
        }
        Err(e) if step.live && step.new && e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StartError::Missing)
        }
        Err(e) if step.live && e.kind() != std::io::ErrorKind::NotFound => {
            return Err(StartError::Fatal(FollowError::Open {
                path: shown.to_string(),
                source: e,
            }))
        }
        Err(e) => {
            return Err(StartError::Gap(gap(
                step.from.offset,
                format!("the generation cannot be read: {e}"),
            )))
        }
    };
    if at < step.from.offset {
        return Err(StartError::Gap(gap(
            at,
            "the file is shorter than where the last run stopped".into(),
        )));
    }
    Ok(Reading {
        src,
        path: step.path,
        generation: step.generation,
        cutter: Cutter::new(
            Position {
                generation,
                ..step.from
            },
            max_line,
        ),
        live: step.live,
        unrecorded: false,
    })
}

/// A plain file's first bytes (up to [`HEAD_BYTES`]), read without moving its offset.
#[cfg(unix)]
fn head_of_open(file: &File) -> Option<(u64, String)> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; HEAD_BYTES as usize];
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(_) => return None,
        }
    }
    Some((n as u64, rotation::digest(&buf[..n])))
}

#[cfg(not(unix))]
fn head_of_open(_file: &File) -> Option<(u64, String)> {
    None
}

fn follow_inner(
    spec: &FollowSpec,
    tx: &Sender<Item>,
    cancel: &CancellationToken,
    metrics: &Metrics,
) -> Result<(), FollowError> {
    let path = spec.path.as_path();
    let shown = path.display().to_string();
    let source = spec.source;
    let mut known = spec.chain.clone();
    let mut queue: VecDeque<Planned> = rotation::plan(path, spec.resume, &spec.chain).into();
    if spec.once && queue.is_empty() {
        return Err(FollowError::NoSuchFile { path: shown });
    }
    // Orders positions across the generations read in this run.
    let mut generation = 0u64;
    let mut reading: Option<Reading> = None;
    // The generation read last, and whether its reading has just ended: before the file
    // at the path, generations rotated after it are read (a file can be created and
    // rotated away between two looks, while an older generation was being read or the
    // path was missing).
    let mut last: Option<Generation> = None;
    let mut look_back = false;
    let mut chunk = vec![0u8; CHUNK];
    let mut lines = Vec::new();
    let mut waiting_logged = false;
    loop {
        if cancel.is_cancelled() {
            return Ok(());
        }
        let Some(r) = reading.as_mut() else {
            match queue.pop_front() {
                Some(Planned::Gap(gap)) => {
                    if tx.blocking_send(Item::Gap { source, gap }).is_err() {
                        return Ok(());
                    }
                }
                Some(Planned::Read(step)) => {
                    let (new, g, live) = (step.new, step.generation.clone(), step.live);
                    let older = !live || step.from.offset > 0 || step.gz;
                    let name = step.path.display().to_string();
                    match start(path, step, generation, spec.max_line) {
                        Ok(r) => {
                            if !live {
                                tracing::info!(source = %shown, file = %name, from = r.cutter.position().offset, "Reading a rotated generation of the file.");
                            } else if older && !known.is_empty() {
                                tracing::info!(source = %shown, from = r.cutter.position().offset, "Resuming the file.");
                            }
                            let mut r = r;
                            if new {
                                known.push(g.clone());
                                if g.head_len == 0 {
                                    r.unrecorded = true;
                                } else {
                                    let item = Item::Generation {
                                        source,
                                        generation: g,
                                        seen: Seen::New,
                                    };
                                    if tx.blocking_send(item).is_err() {
                                        return Ok(());
                                    }
                                }
                            }
                            waiting_logged = false;
                            last = Some(r.generation.clone());
                            reading = Some(r);
                        }
                        Err(StartError::Missing) => {}
                        Err(StartError::Fatal(e)) => return Err(e),
                        Err(StartError::Gap(gap)) => {
                            if tx.blocking_send(Item::Gap { source, gap }).is_err() {
                                return Ok(());
                            }
                        }
                    }
                }
                None => {
                    let cur = rotation::current(path);
                    if let Some(l) = last.as_ref().filter(|_| look_back || cur.is_some()) {
                        look_back = false;
                        queue.extend(
                            rotation::rotated_since(path, &known, l)
                                .into_iter()
                                .map(Planned::Read),
                        );
                        if !queue.is_empty() {
                            continue;
                        }
                    }
                    match cur {
                        Some(c) => {
                            let step = rotation::new_step(&c, &known, Position::start(None), true);
                            queue.push_back(Planned::Read(step));
                        }
                        None if spec.once => {
                            metrics.sources[source].backlog.store(0, Ordering::Relaxed);
                            let _ = tx.blocking_send(Item::End { source });
                            return Ok(());
                        }
                        None => {
                            if !waiting_logged {
                                tracing::info!(source = %shown, "Waiting for the file to appear.");
                                waiting_logged = true;
                            }
                            std::thread::sleep(spec.poll);
                        }
                    }
                }
            }
            continue;
        };
        let n = match r.src.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if r.live => {
                return Err(FollowError::Read {
                    path: shown.clone(),
                    source: e,
                })
            }
            Err(e) => {
                // A damaged older generation: what was read stands, the rest is a gap.
                r.cutter.flush(&mut lines);
                let gap = Gap {
                    file: r.path.display().to_string(),
                    id: Some(r.generation.id),
                    from: r.cutter.read_offset(),
                    to: None,
                    reason: format!("the generation cannot be read to its end: {e}"),
                };
                reading = None;
                generation += 1;
                if !send(tx, source, &mut lines, metrics)
                    || tx.blocking_send(Item::Gap { source, gap }).is_err()
                {
                    return Ok(());
                }
                continue;
            }
        };
        if n > 0 {
            if r.unrecorded {
                r.unrecorded = false;
                if let Src::File(f) = &r.src {
                    if let Some((len, head)) = head_of_open(f) {
                        r.generation.head_len = len;
                        r.generation.head = head;
                    }
                }
                if let Some(k) = known.iter_mut().rev().find(|g| g.id == r.generation.id) {
                    *k = r.generation.clone();
                }
                let item = Item::Generation {
                    source,
                    generation: r.generation.clone(),
                    seen: Seen::New,
                };
                if tx.blocking_send(item).is_err() {
                    return Ok(());
                }
            }
            r.cutter.feed(&chunk[..n], &mut lines);
            if !send(tx, source, &mut lines, metrics) {
                return Ok(());
            }
            // Learn more of a young generation's first bytes, which find it again after
            // compression or a copy.
            if r.generation.head_len < HEAD_BYTES && r.cutter.read_offset() > r.generation.head_len
            {
                if let Src::File(f) = &r.src {
                    if let Some((len, head)) = head_of_open(f) {
                        if len > r.generation.head_len {
                            r.generation.head_len = len;
                            r.generation.head = head;
                            let item = Item::Generation {
                                source,
                                generation: r.generation.clone(),
                                seen: Seen::Known,
                            };
                            if tx.blocking_send(item).is_err() {
                                return Ok(());
                            }
                        }
                    }
                }
            }
            continue;
        }
        // At the end of what is there now.
        if !r.live {
            r.cutter.flush(&mut lines);
            if !send(tx, source, &mut lines, metrics) {
                return Ok(());
            }
            last = Some(r.generation.clone());
            look_back = true;
            reading = None;
            generation += 1;
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
            Ok(m) if !FileId::of(&m).same_inode(&r.generation.id) => {
                tracing::info!(source = %shown, "The file was rotated; finishing the old file, then reading the new one.");
                // One more read of the old file catches what was written just before the
                // rename; then the generations rotated since, then the new file.
                r.live = false;
            }
            Ok(m) if m.len() < r.cutter.read_offset() => {
                // Truncated in place. With `copytruncate`, what was written after the
                // last read is in the copy: read it there, then the file again.
                let copy = rotation::copy_of(path, &r.generation).and_then(|c| {
                    rotation::open_at(&c.path, c.gz, r.cutter.read_offset())
                        .ok()
                        .filter(|(_, at)| *at == r.cutter.read_offset())
                        .map(|(rd, _)| (c.path, rd))
                });
                let next = rotation::current(path)
                    .map(|c| rotation::new_step(&c, &known, Position::start(None), true));
                match copy {
                    Some((p, rd)) => {
                        tracing::info!(source = %shown, copy = %p.display(), read = r.cutter.read_offset(), "The file was truncated after a copy (copytruncate); finishing the copy, then reading the file again from its start.");
                        r.src = Src::Stream(rd);
                        r.path = p;
                        r.live = false;
                    }
                    None => {
                        tracing::warn!(source = %shown, read = r.cutter.read_offset(), size = m.len(), "The file was truncated; reading it again from its start.");
                        r.cutter.flush(&mut lines);
                        if !send(tx, source, &mut lines, metrics) {
                            return Ok(());
                        }
                        reading = None;
                        generation += 1;
                    }
                }
                if let Some(step) = next {
                    queue.push_front(Planned::Read(step));
                }
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
pub(crate) fn read_stdin(source: usize, max_line: usize, tx: Sender<Item>, metrics: Arc<Metrics>) {
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
    use std::path::Path;

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
            chain: Vec::new(),
        }
    }

    fn collect(rx: &mut tokio::sync::mpsc::Receiver<Item>, want: usize) -> Vec<Line> {
        use tokio::sync::mpsc::error::TryRecvError;
        // Lines that never come fail the test's assertion instead of hanging it.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        while got.len() < want && std::time::Instant::now() < deadline {
            match rx.try_recv() {
                Ok(Item::Lines { lines, .. }) => got.extend(lines),
                Ok(Item::End { .. }) | Err(TryRecvError::Disconnected) => break,
                Ok(Item::Failed { error, .. }) => panic!("{error}"),
                Ok(Item::Generation { .. } | Item::Gap { .. }) => {}
                Err(TryRecvError::Empty) => std::thread::sleep(Duration::from_millis(5)),
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

    /// Issue 18, the soak's residual: after a restart read the last rotated generation,
    /// the path was missing; a file then created and rotated away before the reader
    /// looked again (here created directly under its rotated name) was never read,
    /// silently, because the reader only looked back after a rotation it had seen itself.
    #[test]
    fn issue18_a_generation_rotated_while_waiting_for_the_path_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        let one = dir.path().join("app.log.1");
        std::fs::write(&p, "1\n2\n").unwrap();
        let id = FileId::of(&std::fs::metadata(&p).unwrap());
        std::fs::rename(&p, &one).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let cancel = CancellationToken::new();
        let metrics = Arc::new(Metrics::new(&["app.log".into()]));
        let s = spec(&p, false, Some(Position::start(Some(id))));
        let (c2, m2) = (cancel.clone(), metrics.clone());
        let t = std::thread::spawn(move || follow(s, tx, c2, m2));
        assert_eq!(collect(&mut rx, 2).len(), 2);
        // The reader is now waiting for the path.
        std::thread::sleep(Duration::from_millis(100));
        std::fs::rename(&one, dir.path().join("app.log.2")).unwrap();
        std::fs::write(&one, "3\n").unwrap();
        std::fs::write(&p, "4\n").unwrap();
        let got = collect(&mut rx, 2);
        let texts: Vec<&[u8]> = got.iter().map(|l| l.bytes.as_slice()).collect();
        assert_eq!(texts, [&b"3\n"[..], b"4\n"]);
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
