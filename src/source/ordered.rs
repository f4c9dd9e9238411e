//! Reading every input in time order without holding every event, on every core.
//!
//! The batch audit needs events in time order, stable for equal timestamps (file order,
//! then line order) — what sorting all events would give. Logs are almost always written in
//! time order per file, so holding millions of events to sort them is waste:
//!
//! 1. each JSON-lines file is first scanned for its timestamps alone (cheap: only `ts` is
//!    parsed); a file in time order is **streamed**, any other file (or format) is read
//!    whole and sorted on its own, as before;
//! 2. streamed files are cut into blocks of lines; a pool of `threads` workers decodes each
//!    block and runs `prepare` (identity resolution) on its events, while one reader per file
//!    stays at most a few blocks ahead;
//! 3. the caller's thread merges the files' streams (a k-way merge keyed by timestamp, file
//!    position and line) and lends each event, with what `prepare` made of it, to `sink`;
//! 4. once a block has been merged, its events and what was prepared of them go back to the
//!    worker that decoded it, to be freed there: every event holds a few dozen small
//!    allocations, and an allocator frees a block on the thread that allocated it several
//!    times faster than on another (freeing on the merge thread cost about a fifth of it).
//!
//! Memory is then bounded by the blocks in flight, not by the input. The merge order does
//! not depend on the number of threads, so the output is byte-for-byte the same with one
//! thread or many (`tests/it/ordered.rs` checks it against the sorted read).
//!
//! What this module must not do: interpret events (that is `prepare`'s and the caller's
//! business), or drop a line: a line that does not decode reaches the reject sink, in the
//! order the merge reaches it.

use std::collections::BinaryHeap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::decode::parse_ts;
use super::jsonl::decode_line;
use super::{read_file, FileStats, Format, Inputs, ReadOptions, RejectSink, SourceError};
use crate::event::Event;

/// Lines per block handed to a worker: large enough that scheduling costs nothing, small
/// enough that blocks in flight stay a few megabytes.
const BLOCK_LINES: usize = 2048;
/// Blocks each streamed file may have decoded ahead of the merge.
const BLOCKS_AHEAD: usize = 16;

/// One decoded line, or why it could not be.
enum Item<T> {
    /// Boxed together: what `prepare` makes can be large (the audit's is about 900 bytes),
    /// and the merge moves each item several times.
    Event(Box<(Event, T)>),
    Reject {
        line: u64,
        field: String,
        error: String,
        raw: Vec<u8>,
    },
}

/// Lines of one file, as read: the bytes, and for each line its number and span.
struct Block {
    bytes: Vec<u8>,
    lines: Vec<(u64, usize, usize)>,
    /// A read error after these lines ("input ends unreadably here").
    error: Option<(u64, String)>,
}

/// Work for a pool thread, told which worker it runs on.
type Job<'a> = Box<dyn FnOnce(usize) + Send + 'a>;

/// A merged block's events, with what was prepared of them, on their way back to be freed.
type Spent<T> = Vec<Box<(Event, T)>>;

/// A decoded block: which worker made it (and frees it), and its items.
struct Decoded<T> {
    worker: usize,
    items: Vec<Item<T>>,
}

/// Only the timestamp of a record, for the order scan.
#[derive(Deserialize)]
struct TsOnly<'a> {
    #[serde(borrow, default)]
    ts: Option<std::borrow::Cow<'a, str>>,
}

fn open(path: &Path, gzip: bool) -> Result<Box<dyn BufRead + Send>, SourceError> {
    let file = std::fs::File::open(path).map_err(|source| SourceError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let raw: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 16, raw)))
}

/// Whether a JSON-lines file's readable timestamps never go backwards. Lines that do not
/// decode are skipped here (they become rejects when the file is read).
fn in_time_order(path: &Path, gzip: bool) -> Result<bool, SourceError> {
    let mut r = open(path, gzip)?;
    let scan = TsScan::new();
    let mut last: Option<DateTime<Utc>> = None;
    let mut in_order = true;
    let mut check = |line: &[u8]| {
        let line = trim_eol(line);
        let ts = match scan.leading_ts(line) {
            Some(text) => parse_ts(text).ok(),
            None => serde_json::from_slice::<TsOnly<'_>>(line)
                .ok()
                .and_then(|rec| rec.ts.and_then(|t| parse_ts(&t).ok())),
        };
        if let Some(ts) = ts {
            if last.is_some_and(|l| ts < l) {
                in_order = false;
            }
            last = Some(ts);
        }
        in_order
    };
    // Whole buffers are cut at line ends in place; only a line that straddles two reads is
    // copied. The scan is on the critical path of every batch audit.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let chunk = match r.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(chunk) => chunk,
        };
        let n = chunk.len();
        let mut rest = chunk;
        if !carry.is_empty() {
            match memchr::memchr(b'\n', rest) {
                Some(i) => {
                    carry.extend_from_slice(&rest[..=i]);
                    rest = &rest[i + 1..];
                    if !check(&carry) {
                        return Ok(false);
                    }
                    carry.clear();
                }
                None => {
                    carry.extend_from_slice(rest);
                    r.consume(n);
                    continue;
                }
            }
        }
        while let Some(i) = memchr::memchr(b'\n', rest) {
            if !check(&rest[..=i]) {
                return Ok(false);
            }
            rest = &rest[i + 1..];
        }
        carry.extend_from_slice(rest);
        r.consume(n);
    }
    if !carry.is_empty() && !check(&carry) {
        return Ok(false);
    }
    Ok(true)
}

/// The order scan's fast path: the timestamp of a line written `{"ts":"…", …}` (most
/// shippers put `ts` first) or `{"id":"…","ts":"…", …}` (custodes' generator and contract
/// writer put `id` first; the id's value must hold no quote or escape), without parsing
/// the rest.
///
/// It must give the timestamp the full decoder would, or nothing (then the line is
/// parsed as JSON): the value holds no escape, and no other key of the line can be `ts`:
/// the rest holds no `"ts"` and no escape that could spell one (`\u0074`, `\u0073`). A
/// line that is not JSON at all is a reject for the decoder; counting its timestamp here
/// can only make a file look out of order (then it is sorted, which is always correct),
/// never the reverse.
struct TsScan {
    again: memchr::memmem::Finder<'static>,
    escaped_t: memchr::memmem::Finder<'static>,
    escaped_s: memchr::memmem::Finder<'static>,
}

impl TsScan {
    fn new() -> Self {
        Self {
            again: memchr::memmem::Finder::new(b"\"ts\""),
            escaped_t: memchr::memmem::Finder::new(b"\\u0074"),
            escaped_s: memchr::memmem::Finder::new(b"\\u0073"),
        }
    }

    fn leading_ts<'l>(&self, line: &'l [u8]) -> Option<&'l str> {
        let ws = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_whitespace()).count();
        let mut at = ws(line);
        if !line[at..].starts_with(b"{") {
            return None;
        }
        at += 1;
        at += ws(&line[at..]);
        // An `"id":"…",` first (custodes' own writer puts `id` before `ts`): its value
        // holds no quote or escape, so it cannot hide a `ts` key.
        if line[at..].starts_with(b"\"id\"") {
            at += 4;
            at += ws(&line[at..]);
            for token in [&b":"[..], b"\""] {
                if !line.get(at..)?.starts_with(token) {
                    return None;
                }
                at += token.len();
                if token != b"\"" {
                    at += ws(&line[at..]);
                }
            }
            at += memchr::memchr2(b'"', b'\\', &line[at..])?;
            if line[at] != b'"' {
                return None;
            }
            at += 1;
            at += ws(&line[at..]);
            if !line.get(at..)?.starts_with(b",") {
                return None;
            }
            at += 1;
            at += ws(&line[at..]);
        }
        for token in [&b"\"ts\""[..], b":", b"\""] {
            if !line.get(at..)?.starts_with(token) {
                return None;
            }
            at += token.len();
            if token != b"\"" {
                at += ws(&line[at..]);
            }
        }
        let len = memchr::memchr2(b'"', b'\\', &line[at..])?;
        let end = at + len;
        if line[end] != b'"' {
            return None;
        }
        let rest = &line[end..];
        if self.again.find(rest).is_some()
            || self.escaped_t.find(rest).is_some()
            || self.escaped_s.find(rest).is_some()
        {
            return None;
        }
        std::str::from_utf8(&line[at..end]).ok()
    }
}

fn trim_eol(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &b[..end]
}

/// Reads blocks of lines from `r` until it ends, handing each to `out`.
fn read_blocks(mut r: Box<dyn BufRead + Send>, mut out: impl FnMut(Block) -> bool) {
    let mut line_no = 0u64;
    loop {
        let mut block = Block {
            bytes: Vec::with_capacity(BLOCK_LINES * 256),
            lines: Vec::with_capacity(BLOCK_LINES),
            error: None,
        };
        let mut done = false;
        while block.lines.len() < BLOCK_LINES {
            let start = block.bytes.len();
            match r.read_until(b'\n', &mut block.bytes) {
                Ok(0) => {
                    done = true;
                    break;
                }
                Ok(_) => {
                    line_no += 1;
                    let end = block.bytes.len();
                    if block.bytes[start..end]
                        .iter()
                        .all(|b| b.is_ascii_whitespace())
                    {
                        block.bytes.truncate(start);
                        continue;
                    }
                    block.lines.push((line_no, start, end));
                }
                Err(e) => {
                    block.bytes.truncate(start);
                    block.error = Some((line_no + 1, format!("input ends unreadably here: {e}")));
                    done = true;
                    break;
                }
            }
        }
        if (!block.lines.is_empty() || block.error.is_some()) && !out(block) {
            return;
        }
        if done {
            return;
        }
    }
}

fn decode_block<T>(
    name: &Arc<str>,
    block: &Block,
    prepare: &(dyn Fn(&Event) -> T + Sync),
) -> Vec<Item<T>> {
    // The block's own copy of the file's name: every event holds it, and counting the
    // references of one copy from two workers at once bounces its cache line between
    // the cores.
    let name: Arc<str> = Arc::from(&**name);
    let mut items = Vec::with_capacity(block.lines.len() + 1);
    for &(line, start, end) in &block.lines {
        let raw = &block.bytes[start..end];
        match decode_line(&name, line, raw) {
            Ok(ev) => {
                let t = prepare(&ev);
                items.push(Item::Event(Box::new((ev, t))));
            }
            Err(e) => items.push(Item::Reject {
                line,
                field: e.field.to_string(),
                error: e.problem,
                raw: raw.to_vec(),
            }),
        }
    }
    if let Some((line, error)) = &block.error {
        items.push(Item::Reject {
            line: *line,
            field: "-".into(),
            error: error.clone(),
            raw: Vec::new(),
        });
    }
    items
}

/// One input's place in the merge: its items, in order, and where it stands.
struct Stream<T> {
    name: String,
    /// Decoded blocks, in order, each a receiver a worker will answer.
    blocks: Option<Receiver<Receiver<Decoded<T>>>>,
    /// An input read whole and sorted: its events in order (prepared as they are merged).
    loaded: std::vec::IntoIter<Event>,
    current: std::vec::IntoIter<Item<T>>,
    /// The current block's events the merge is done with.
    spent: Spent<T>,
    /// The worker that decoded the current block (`None`: events prepared on this thread).
    worker: Option<usize>,
    /// Where each worker takes back what it decoded.
    graves: Vec<std::sync::mpsc::Sender<Spent<T>>>,
    stats: FileStats,
}

impl<T> Stream<T> {
    /// The merge is done with an event of this input's current block.
    fn spend(&mut self, item: Box<(Event, T)>) {
        if self.worker.is_some() {
            self.spent.push(item);
        }
    }

    /// Sends what the merge is done with back to the worker that decoded it (dropped here
    /// when that worker has already ended).
    fn bury_block(&mut self) {
        if self.spent.is_empty() {
            return;
        }
        let spent = std::mem::take(&mut self.spent);
        if let Some(grave) = self.worker.and_then(|w| self.graves.get(w)) {
            let _ = grave.send(spent);
        }
    }

    /// The next item of this input, waiting for its block when needed.
    fn next(&mut self, prepare: &(dyn Fn(&Event) -> T + Sync)) -> Option<Item<T>> {
        loop {
            if let Some(it) = self.current.next() {
                return Some(it);
            }
            if let Some(ev) = self.loaded.next() {
                let t = prepare(&ev);
                return Some(Item::Event(Box::new((ev, t))));
            }
            // Every event of the finished block has been spent (the merge spends an event
            // before it asks for the next): its worker may free them while this one waits.
            self.bury_block();
            let blocks = self.blocks.as_ref()?;
            match blocks.recv().ok().and_then(|answer| answer.recv().ok()) {
                Some(Decoded { worker, items }) => {
                    self.current = items.into_iter();
                    self.worker = Some(worker);
                }
                None => {
                    self.blocks = None;
                    return None;
                }
            }
        }
    }
}

/// Heap entry: the next event of input `file`, ordered by (time, file, sequence) reversed
/// for a min-heap.
struct Head {
    ts: DateTime<Utc>,
    file: usize,
    seq: u64,
}

impl PartialEq for Head {
    fn eq(&self, o: &Self) -> bool {
        (self.ts, self.file, self.seq) == (o.ts, o.file, o.seq)
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Head {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (o.ts, o.file, o.seq).cmp(&(self.ts, self.file, self.seq))
    }
}

/// Which inputs can be streamed: JSON-lines files already in time order. The scan reads
/// every such file once, so [`plan`] is a step of its own that a caller can run while it
/// does other work (the batch audit loads reference data meanwhile).
#[derive(Debug, Clone)]
pub struct Plan {
    streamed: Vec<bool>,
}

/// Scans `inputs` for the files that are in time order (see [`Plan`]).
pub fn plan(inputs: &Inputs) -> Result<Plan, SourceError> {
    let mut streamed = vec![false; inputs.files.len()];
    for (i, (path, format)) in inputs.files.iter().enumerate() {
        if let Format::JsonLines { gzip } = format {
            if path.as_os_str() != "-" {
                streamed[i] = in_time_order(path, *gzip)?;
            }
        }
    }
    Ok(Plan { streamed })
}

/// Hands every event of `inputs` to `sink` in time order (stable: file order, then line
/// order), with what `prepare` made of it on a worker thread. `plan` is [`plan`]'s answer
/// for the same inputs. Rejects go to `rejects` as the merge reaches them. `threads` is the
/// number of workers (1: everything on this thread but the readers). Returns the read
/// statistics; `sink`'s first error stops the run.
pub(crate) fn for_each_in_time_order<T: Send, E>(
    inputs: &Inputs,
    plan: &Plan,
    opts: &ReadOptions,
    threads: usize,
    rejects: &mut RejectSink,
    prepare: &(dyn Fn(&Event) -> T + Sync),
    mut sink: impl FnMut(&Event, &mut T) -> Result<(), E>,
) -> Result<Result<FileStats, E>, SourceError> {
    let streamed = &plan.streamed;
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = sync_channel::<Job<'_>>(threads.max(1) * BLOCKS_AHEAD);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let mut graves = Vec::with_capacity(threads.max(1));
        for worker in 0..threads.max(1) {
            let rx = Arc::clone(&job_rx);
            let (grave_tx, grave_rx) = std::sync::mpsc::channel::<Spent<T>>();
            graves.push(grave_tx);
            scope.spawn(move || loop {
                // Spent blocks are freed between jobs; those left when the merge ends go
                // with `grave_rx`, on this thread too.
                while let Ok(spent) = grave_rx.try_recv() {
                    drop(spent);
                }
                let job = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(worker),
                    Err(_) => return,
                }
            });
        }
        let mut streams: Vec<Stream<T>> = Vec::with_capacity(inputs.files.len());
        for (i, (path, format)) in inputs.files.iter().enumerate() {
            let name = path.display().to_string();
            let mut stream = Stream {
                name: name.clone(),
                blocks: None,
                loaded: Vec::new().into_iter(),
                current: Vec::new().into_iter(),
                spent: Vec::new(),
                worker: None,
                graves: graves.clone(),
                stats: FileStats::default(),
            };
            if streamed.get(i).copied().unwrap_or(false) {
                let Format::JsonLines { gzip } = format else {
                    continue;
                };
                let reader = open(path, *gzip)?;
                let (tx, rx) = sync_channel::<Receiver<Decoded<T>>>(BLOCKS_AHEAD);
                let jobs = job_tx.clone();
                let file: Arc<str> = Arc::from(name.as_str());
                scope.spawn(move || {
                    read_blocks(reader, |block| {
                        let (answer_tx, answer_rx): (SyncSender<Decoded<T>>, _) = sync_channel(1);
                        let file = Arc::clone(&file);
                        let job: Job<'_> = Box::new(move |worker| {
                            let items = decode_block(&file, &block, prepare);
                            let _ = answer_tx.send(Decoded { worker, items });
                        });
                        // The merge gone (an error stopped it) ends the reader.
                        tx.send(answer_rx).is_ok() && jobs.send(job).is_ok()
                    });
                });
                stream.blocks = Some(rx);
            } else {
                // Read whole and sorted on its own, as every input used to be.
                let mut events = Vec::new();
                let stats = read_file(path, *format, opts, rejects, &mut |ev| events.push(ev))?;
                if !events.is_sorted_by(|a, b| a.ts <= b.ts) {
                    events.sort_by_key(|e| e.ts);
                }
                // Its rejects were written while reading; its events are counted as merged.
                stream.stats = FileStats { events: 0, ..stats };
                stream.loaded = events.into_iter();
            }
            streams.push(stream);
        }
        drop(job_tx);
        drop(graves);
        let result = merge(&mut streams, rejects, prepare, &mut sink);
        // Readers blocked on a full queue end when their receivers go.
        for s in &mut streams {
            s.blocks = None;
            s.bury_block();
            s.graves.clear();
        }
        result
    })
}

/// The k-way merge. Holds one pending event per input.
fn merge<T, E>(
    streams: &mut [Stream<T>],
    rejects: &mut RejectSink,
    prepare: &(dyn Fn(&Event) -> T + Sync),
    sink: &mut impl FnMut(&Event, &mut T) -> Result<(), E>,
) -> Result<Result<FileStats, E>, SourceError> {
    let mut pending: Vec<Option<Box<(Event, T)>>> = Vec::with_capacity(streams.len());
    let mut heap = BinaryHeap::with_capacity(streams.len());
    let mut seq = 0u64;
    for (i, s) in streams.iter_mut().enumerate() {
        let next = advance(s, rejects, prepare)?;
        if let Some(item) = &next {
            heap.push(Head {
                ts: item.0.ts,
                file: i,
                seq,
            });
            seq += 1;
        }
        pending.push(next);
    }
    while let Some(head) = heap.pop() {
        let Some(mut item) = pending.get_mut(head.file).and_then(Option::take) else {
            continue;
        };
        let (ev, t) = &mut *item;
        let sunk = sink(ev, t);
        if let Some(s) = streams.get_mut(head.file) {
            s.spend(item);
        }
        if let Err(e) = sunk {
            return Ok(Err(e));
        }
        if let Some(s) = streams.get_mut(head.file) {
            let next = advance(s, rejects, prepare)?;
            if let Some(item) = &next {
                heap.push(Head {
                    ts: item.0.ts,
                    file: head.file,
                    seq,
                });
                seq += 1;
            }
            pending[head.file] = next;
        }
    }
    let mut total = FileStats::default();
    for s in streams.iter() {
        total.add(&s.stats);
    }
    Ok(Ok(total))
}

/// The next event of an input, writing the rejects met on the way.
fn advance<T>(
    s: &mut Stream<T>,
    rejects: &mut RejectSink,
    prepare: &(dyn Fn(&Event) -> T + Sync),
) -> Result<Option<Box<(Event, T)>>, SourceError> {
    while let Some(item) = s.next(prepare) {
        match item {
            Item::Event(item) => {
                s.stats.events += 1;
                return Ok(Some(item));
            }
            Item::Reject {
                line,
                field,
                error,
                raw,
            } => {
                let name = s.name.clone();
                s.stats.reject(rejects, &name, line, &field, error, &raw)?;
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The timestamp the full decoder reads from a line, if it decodes.
    fn decoded_ts(line: &[u8]) -> Option<DateTime<Utc>> {
        let name: Arc<str> = Arc::from("t");
        decode_line(&name, 1, line).ok().map(|ev| ev.ts)
    }

    #[test]
    fn the_fast_timestamp_is_the_decoders_or_none() {
        let scan = TsScan::new();
        let fast = |l: &'static str| scan.leading_ts(l.as_bytes());
        assert_eq!(
            fast(r#"{"ts":"2024-05-14T09:30:00Z","user":"u"}"#),
            Some("2024-05-14T09:30:00Z")
        );
        assert_eq!(
            fast(r#" { "ts" : "2024-05-14T09:30:00+02:00" , "user":"u"}"#),
            Some("2024-05-14T09:30:00+02:00")
        );
        assert_eq!(
            fast(r#"{"id":"ev-0000001","ts":"2024-05-01T06:00:00-07:00","user":"u"}"#),
            Some("2024-05-01T06:00:00-07:00")
        );
        // An id with an escape (it could spell anything) or not a plain string: parsed.
        for other in [
            r#"{"id":"a"","ts":"2024-05-14T09:30:00Z","user":"u"}"#,
            r#"{"id":1,"ts":"2024-05-14T09:30:00Z","user":"u"}"#,
        ] {
            assert_eq!(fast(other), None, "{other}");
        }
        // A later `ts` wins in the decoder, however it is spelt: the scan steps aside.
        for twice in [
            r#"{"ts":"2024-05-14T09:30:00Z","user":"u","ts":"2024-05-13T09:30:00Z"}"#,
            r#"{"ts":"2024-05-14T09:30:00Z","user":"u","t\u0073":"2024-05-13T09:30:00Z"}"#,
            r#"{"ts":"2024-05-14T09:30:00Z","user":"u","\u0074s":"2024-05-13T09:30:00Z"}"#,
        ] {
            assert_eq!(fast(twice), None, "{twice}");
            assert_eq!(
                decoded_ts(twice.as_bytes()).map(|t| crate::event::format_ts(&t)),
                Some("2024-05-13T09:30:00Z".to_string()),
                "{twice}"
            );
        }
        // Not first, escaped, nested: parsed as JSON instead.
        for other in [
            r#"{"user":"u","ts":"2024-05-14T09:30:00Z"}"#,
            r#"{"ts":"2024-05-14T09:30:00\u005a","user":"u"}"#,
            r#"{"ts":{"at":"2024-05-14T09:30:00Z"}}"#,
            r#"["ts"]"#,
            "",
        ] {
            assert_eq!(fast(other), None, "{other}");
        }
    }

    proptest! {
        /// Whenever the fast path answers, it gives the timestamp the decoder reads.
        #[test]
        fn the_fast_timestamp_agrees_with_the_decoder(
            secs in 0u32..86_400,
            offset in prop::sample::select(vec!["Z", "+02:00", "-05:30", "z"]),
            pad in prop::sample::select(vec!["", " ", "\t"]),
            id in prop::sample::select(vec![
                "", r#""id":"ev-1","#, r#""id" : "e\"ts\"","#, r#""id":"a\u0074s","#,
                r#""id":7,"#, r#""id":"x""#, r#""id":"ts","#,
            ]),
            tail in prop::collection::vec(
                prop::sample::select(vec![
                    r#","user":"u""#, r#","ts":"2024-05-13T01:00:00Z""#,
                    r#","t\u0073":"2024-05-13T02:00:00Z""#, r#","q":"\"ts\"""#,
                    r#","q":"a\\u0074b""#, r#","subject":{"ts":"x"}"#, r#","n":1"#,
                ]),
                0..4,
            ),
        ) {
            let mut line = format!(
                "{pad}{{{pad}{id}\"ts\"{pad}:{pad}\"2024-05-14T{:02}:{:02}:{:02}{offset}\"",
                secs / 3600, (secs / 60) % 60, secs % 60
            );
            for t in &tail {
                line.push_str(t);
            }
            line.push_str(r#","user":"u"}"#);
            let scan = TsScan::new();
            if let Some(text) = scan.leading_ts(line.as_bytes()) {
                // Every line here decodes (it has a user); a line that does not is a
                // reject, whose timestamp the scan may count (see `TsScan`).
                prop_assert_eq!(parse_ts(text).ok(), decoded_ts(line.as_bytes()), "{}", line);
            }
        }
    }

    /// Writes each file's (timestamp second, junk?) lines and returns the inputs.
    fn write_files(dir: &Path, files: &[Vec<(u32, bool)>]) -> Inputs {
        let mut paths = Vec::new();
        for (f, lines) in files.iter().enumerate() {
            let path = dir.join(format!("f{f}.jsonl"));
            let mut text = String::new();
            for (n, (sec, junk)) in lines.iter().enumerate() {
                if *junk {
                    text.push_str("{not json\n");
                } else {
                    text.push_str(&format!(
                        "{{\"id\":\"f{f}-{n}\",\"ts\":\"2024-05-14T{:02}:{:02}:{:02}Z\",\"user\":\"u\"}}\n",
                        sec / 3600,
                        (sec / 60) % 60,
                        sec % 60
                    ));
                }
            }
            std::fs::write(&path, text).expect("write");
            paths.push(path);
        }
        Inputs {
            files: paths
                .into_iter()
                .map(|p| (p, Format::JsonLines { gzip: false }))
                .collect(),
            skipped: Vec::new(),
        }
    }

    fn read_ordered(inputs: &Inputs, threads: usize) -> (Vec<String>, FileStats, u64) {
        let opts = ReadOptions::new(&crate::config::Config::default()).expect("options");
        let mut rejects = RejectSink::counting();
        let mut ids = Vec::new();
        let plan = plan(inputs).expect("scannable");
        let stats = for_each_in_time_order(
            inputs,
            &plan,
            &opts,
            threads,
            &mut rejects,
            &|_ev: &Event| (),
            |ev, ()| {
                ids.push(ev.id.to_string());
                Ok::<(), ()>(())
            },
        )
        .expect("readable")
        .expect("sink never fails");
        (ids, stats, rejects.count())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever the files and whether each is in time order, the merge gives what
        /// reading everything and sorting it stably gives, with any number of threads.
        #[test]
        fn the_merge_is_the_stable_sort(
            files in proptest::collection::vec(
                proptest::collection::vec((0u32..5000, proptest::bool::weighted(0.05)), 0..300),
                1..4,
            ),
            sort_some in proptest::collection::vec(any::<bool>(), 4),
            threads in 1usize..4,
        ) {
            let mut files = files;
            for (f, sorted) in files.iter_mut().zip(&sort_some) {
                if *sorted {
                    f.sort_by_key(|l| l.0);
                }
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let inputs = write_files(dir.path(), &files);
            let mut expected: Vec<(u32, String)> = Vec::new();
            for (f, lines) in files.iter().enumerate() {
                for (n, (sec, junk)) in lines.iter().enumerate() {
                    if !junk {
                        expected.push((*sec, format!("f{f}-{n}")));
                    }
                }
            }
            expected.sort_by_key(|e| e.0);
            let junk: u64 = files.iter().flatten().filter(|l| l.1).count() as u64;
            let (ids, stats, rejected) = read_ordered(&inputs, threads);
            let want: Vec<String> = expected.into_iter().map(|e| e.1).collect();
            prop_assert_eq!(&ids, &want);
            prop_assert_eq!(stats.events, want.len() as u64);
            prop_assert_eq!(stats.rejected, junk);
            prop_assert_eq!(rejected, junk);
        }
    }

    #[test]
    fn blocks_are_cut_at_line_ends_and_keep_line_numbers() {
        let text: String = (0..(BLOCK_LINES * 2 + 7))
            .map(|i| {
                if i % 5 == 0 {
                    "\n".to_string()
                } else {
                    format!("{i}\n")
                }
            })
            .collect();
        let mut seen = Vec::new();
        read_blocks(Box::new(std::io::Cursor::new(text.into_bytes())), |b| {
            for &(line, s, e) in &b.lines {
                seen.push((
                    line,
                    String::from_utf8_lossy(&b.bytes[s..e]).trim().to_string(),
                ));
            }
            true
        });
        assert!(seen
            .iter()
            .all(|(line, text)| text == &(line - 1).to_string()));
        assert_eq!(
            seen.len(),
            BLOCK_LINES * 2 + 7 - (BLOCK_LINES * 2 + 7).div_ceil(5)
        );
    }
}
