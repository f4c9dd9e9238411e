//! Finding every generation of a followed file: after a restart, every file the path
//! named since the checkpoint (renamed `NAME.1`, dated `NAME-20240501`, compressed
//! `NAME.2.gz`, or the copy `copytruncate` left), in the order they were written; while
//! running, the generations a rotation may have skipped between two polls.
//!
//! A generation is known by its device, inode and truncation epoch ([`FileId`]) and, as
//! the store keeps it ([`Generation`]), by the SHA-256 of its first bytes, so that it is
//! found again when compression or a copy gave it another inode. Generations the store
//! does not know (rotated while the service was down) are the rotated names beside the
//! path modified no earlier than the first generation to resume, oldest first.
//!
//! This module only looks and plans: it opens files to read their first bytes, never
//! reads lines, and never writes. A generation that cannot be found is returned as a
//! [`Gap`] for the caller to report; nothing is skipped silently.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::item::{FileId, Gap, Generation, Position, HEAD_BYTES};

/// A file beside the followed path (or the path itself) that may be a generation.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    /// Its own inode (epoch 0).
    pub id: FileId,
    /// Compressed with gzip (read through a decoder; offsets are of the decompressed
    /// bytes).
    pub gz: bool,
    /// Size on disk (compressed for gzip).
    pub len: u64,
    pub mtime_ns: i64,
    /// Its first bytes (up to [`HEAD_BYTES`], decompressed for gzip), read through the
    /// same open file whose metadata gave `id`: a rename between looking at the name
    /// and reading it cannot pair one file's identity with another's content.
    pub first: Vec<u8>,
}

impl Found {
    /// The digest of its first `len` bytes; `None` when it is shorter.
    fn head(&self, len: u64) -> Option<String> {
        let len = usize::try_from(len).ok()?;
        self.first.get(..len).map(digest)
    }
}

/// One file to read, from a position, as one generation.
#[derive(Debug, Clone)]
pub struct Step {
    pub path: PathBuf,
    pub gz: bool,
    /// The identity its lines carry.
    pub generation: Generation,
    /// The file planned to be read (its own inode: a compressed or copied generation
    /// is another file than the generation's): opening `path` must find this file, or
    /// it was renamed meanwhile and is looked for again ([`locate`]).
    pub file: FileId,
    /// Not in the store yet: recorded before its lines.
    pub new: bool,
    pub from: Position,
    /// The file at the followed path: followed as it grows, not only read to its end.
    pub live: bool,
}

#[derive(Debug, Clone)]
pub enum Planned {
    Read(Step),
    Gap(Gap),
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

fn found(path: &Path) -> Option<Found> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let mut first = Vec::new();
    let r: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    // A damaged gzip head reads as fewer bytes: it matches no generation by content.
    let _ = r.take(HEAD_BYTES).read_to_end(&mut first);
    Some(Found {
        path: path.to_path_buf(),
        id: FileId::of(&meta),
        gz,
        len: meta.len(),
        mtime_ns: mtime_ns(&meta),
        first,
    })
}

/// The file at the followed path, if any.
pub fn current(path: &Path) -> Option<Found> {
    found(path).filter(|f| !f.gz)
}

/// What a rotated name adds to the base name, without a final `.gz`, if it looks like a
/// rotation suffix: a separator (`.`, `-`, `_`) then digits, possibly with date and time
/// separators (`.1`, `-20240501`, `-2024-05-01T10`). Anything else beside the file
/// (`NAME.bak`, `NAME.lock`) is not a generation.
fn rotation_suffix<'a>(base: &str, name: &'a str) -> Option<&'a str> {
    let rest = name.strip_prefix(base)?;
    let rest = rest.strip_suffix(".gz").unwrap_or(rest);
    let mut chars = rest.chars();
    let sep = chars.next()?;
    let body = chars.as_str();
    let ok = matches!(sep, '.' | '-' | '_')
        && body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | 'T' | ':'));
    ok.then_some(body)
}

/// Rotated names beside `path` (never `path` itself), as one consistent picture: the
/// directory is listed until two listings in a row name the same files (name and inode),
/// because a rotation running meanwhile (`NAME.1` -> `NAME.2`, `NAME` -> `NAME.1`) can
/// make one listing show a file twice, or not at all.
pub(crate) fn siblings(path: &Path) -> Vec<Found> {
    let names = |v: &[Found]| -> Vec<(PathBuf, FileId)> {
        let mut n: Vec<_> = v.iter().map(|f| (f.path.clone(), f.id)).collect();
        n.sort_by(|a, b| a.0.cmp(&b.0));
        n
    };
    let mut last = list_siblings(path);
    // A rotation takes milliseconds; a directory that never settles (a runaway writer)
    // is taken as last seen, and any file it hid is found by the next look.
    for _ in 0..50 {
        let again = list_siblings(path);
        if names(&again) == names(&last) {
            return again;
        }
        last = again;
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    last
}

fn list_siblings(path: &Path) -> Vec<Found> {
    let Some(base) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name();
            let name = name.to_str()?;
            rotation_suffix(base, name)?;
            found(&e.path())
        })
        .collect()
}

/// Older first: by modification time, then by name (`NAME.2` before `NAME.1`, dated
/// names in date order), so that files written within one clock tick still come in
/// rotation order.
fn rotation_order(base: &str, a: &Found, b: &Found) -> std::cmp::Ordering {
    let suffix = |f: &Found| {
        f.path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| rotation_suffix(base, n))
            .map(str::to_string)
            .unwrap_or_default()
    };
    a.mtime_ns
        .cmp(&b.mtime_ns)
        .then_with(|| name_order(base, a, b).unwrap_or_else(|| suffix(a).cmp(&suffix(b))))
}

/// Opens a generation for reading at `offset` (of its decompressed bytes for gzip).
/// Returns the reader and how many bytes could be skipped (less than `offset` when the
/// file is shorter).
pub(crate) fn open_at(
    path: &Path,
    gz: bool,
    offset: u64,
) -> std::io::Result<(Box<dyn Read + Send>, u64)> {
    read_from(File::open(path)?, gz, offset)
}

/// [`open_at`] for a file already open.
pub(crate) fn read_from(
    mut file: File,
    gz: bool,
    offset: u64,
) -> std::io::Result<(Box<dyn Read + Send>, u64)> {
    if gz {
        let mut r: Box<dyn Read + Send> = Box::new(flate2::read::MultiGzDecoder::new(
            std::io::BufReader::new(file),
        ));
        let skipped = std::io::copy(&mut r.by_ref().take(offset), &mut std::io::sink())?;
        return Ok((r, skipped));
    }
    let len = file.metadata()?.len();
    let at = offset.min(len);
    file.seek(SeekFrom::Start(at))?;
    Ok((Box::new(file), at))
}

/// The SHA-256 (16 hex digits) of a file's first `len` bytes; `None` when it is shorter
/// or cannot be read.
#[cfg(test)]
pub(crate) fn head_of(path: &Path, gz: bool, len: u64) -> Option<String> {
    let (r, _) = open_at(path, gz, 0).ok()?;
    let mut buf = Vec::with_capacity(len as usize);
    r.take(len).read_to_end(&mut buf).ok()?;
    (buf.len() as u64 == len).then(|| digest(&buf))
}

pub fn digest(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether file `f` holds generation `g`: the same inode (and, when its first bytes are
/// known, the same first bytes: a truncated inode holds a new generation), or another
/// file with the same first bytes (a compressed or copied generation).
fn holds(f: &Found, g: &Generation, by_content: bool) -> bool {
    if f.id.same_inode(&g.id) && !f.gz {
        return g.head_len == 0 || f.head(g.head_len).as_deref() == Some(&g.head);
    }
    by_content && g.head_len > 0 && f.head(g.head_len).as_deref() == Some(&g.head)
}

/// What a restart reads, in order: the generation of `resume` from there (or, before any
/// checkpoint, the first generation the store knows from its start), every later
/// generation the store knows, the generations rotated while the service was down, and
/// the file at the path (last, `live`). A known generation that cannot be found is a gap.
/// With nothing known, the path from its start.
pub fn plan(path: &Path, resume: Option<Position>, chain: &[Generation]) -> Vec<Planned> {
    let name = path.display().to_string();
    let mut chain: Vec<Generation> = chain.to_vec();
    let (k, from) = match resume.and_then(|p| p.file.map(|f| (p, f))) {
        Some((p, f)) => match chain.iter().rposition(|g| g.id == f) {
            Some(k) => (k, p),
            None => {
                // A checkpoint from before the store kept generations: only its file.
                chain = vec![Generation {
                    id: f,
                    name: name.clone(),
                    head_len: 0,
                    head: String::new(),
                    mtime_ns: 0,
                    read: p.offset,
                }];
                (0, p)
            }
        },
        None if !chain.is_empty() => (0, Position::start(Some(chain[0].id))),
        None => {
            return current(path)
                .map(|c| Planned::Read(new_step(&c, &chain, Position::start(None), true)))
                .into_iter()
                .collect();
        }
    };
    let mut out = Vec::new();
    let mut files = siblings(path);
    let cur = current(path);
    let cur_at = cur.as_ref().map(|c| {
        files.push(c.clone());
        files.len() - 1
    });
    let mut used = vec![false; files.len()];
    // Generations before the resume point were read: their files are not new.
    for g in &chain[..k] {
        if let Some(i) = (0..files.len()).find(|&i| !used[i] && holds(&files[i], g, true)) {
            used[i] = true;
        }
    }
    let mut live = None;
    let mut threshold = None;
    // The file of the newest known generation: rotated names newer than it are new.
    let mut floor = None;
    for (j, g) in chain.iter().enumerate().skip(k) {
        let at = if j == k {
            from
        } else {
            Position::start(Some(g.id))
        };
        // The same inode first; then by content (compressed, copied).
        let i = (0..files.len())
            .find(|&i| !used[i] && holds(&files[i], g, false))
            .or_else(|| (0..files.len()).find(|&i| !used[i] && holds(&files[i], g, true)));
        let reference = if g.mtime_ns > 0 {
            g.mtime_ns
        } else {
            i.map_or(0, |i| files[i].mtime_ns)
        };
        threshold = Some(threshold.map_or(reference, |t: i64| t.min(reference)));
        let Some(i) = i else {
            out.push(Planned::Gap(Gap {
                file: g.name.clone(),
                id: Some(g.id),
                from: at.offset,
                to: Some(g.read.max(at.offset)),
                reason: "the generation is gone (deleted, or rotated out of reach, before it was read to its end)".into(),
            }));
            continue;
        };
        used[i] = true;
        floor = Some(i);
        let f = &files[i];
        if !f.gz && f.len < at.offset {
            out.push(Planned::Gap(Gap {
                file: f.path.display().to_string(),
                id: Some(g.id),
                from: f.len,
                to: Some(at.offset.max(g.read)),
                reason: "the file is shorter than where the last run stopped (truncated, and no copy was found)".into(),
            }));
            continue;
        }
        let mut generation = g.clone();
        generation.name = f.path.display().to_string();
        let step = Step {
            path: f.path.clone(),
            gz: f.gz,
            file: f.id,
            generation,
            new: false,
            from: at,
            live: Some(i) == cur_at,
        };
        if step.live {
            live = Some(step);
        } else {
            out.push(Planned::Read(step));
        }
    }
    let known: Vec<Generation> = chain.clone();
    // When the newest known generation is still at the path, nothing was rotated since.
    let unknown = if floor.is_some() && floor == cur_at {
        Vec::new()
    } else {
        let fl = floor.map(|i| files[i].clone());
        newer(
            path,
            &files,
            &used,
            cur_at,
            threshold.unwrap_or(0),
            fl.as_ref(),
        )
    };
    for f in unknown {
        out.push(Planned::Read(new_step(
            &f,
            &known,
            Position::start(None),
            false,
        )));
    }
    if let Some(step) = live {
        out.push(Planned::Read(step));
    } else if let Some(c) = cur {
        out.push(Planned::Read(new_step(
            &c,
            &known,
            Position::start(None),
            true,
        )));
    }
    out
}

/// The generations that came after `last` (a rotation was just seen, or a restart
/// found them): rotated names beside the path that no known generation is, modified no
/// earlier than `last` was when first read, oldest first. Not the path itself.
pub(crate) fn rotated_since(path: &Path, known: &[Generation], last: &Generation) -> Vec<Step> {
    let files = siblings(path);
    let mut used = vec![false; files.len()];
    for g in known {
        for (i, f) in files.iter().enumerate() {
            if !used[i] && holds(f, g, true) {
                used[i] = true;
            }
        }
    }
    let floor = (0..files.len())
        .find(|&i| holds(&files[i], last, true))
        .map(|i| files[i].clone());
    newer(path, &files, &used, None, last.mtime_ns, floor.as_ref())
        .into_iter()
        .map(|f| new_step(&f, known, Position::start(None), false))
        .collect()
}

fn newer(
    path: &Path,
    files: &[Found],
    used: &[bool],
    cur_at: Option<usize>,
    threshold: i64,
    floor: Option<&Found>,
) -> Vec<Found> {
    let base = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let mut v: Vec<Found> = files
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            if used[*i] || Some(*i) == cur_at {
                return false;
            }
            // Names say which generation is newer (numbers count back, dates forward),
            // whatever compression did to modification times; only names that cannot be
            // compared fall back on them.
            match floor.and_then(|fl| name_order(&base, f, fl)) {
                Some(o) => o == std::cmp::Ordering::Greater,
                None => f.mtime_ns >= threshold,
            }
        })
        .map(|(_, f)| f.clone())
        .collect();
    let comparable = v
        .windows(2)
        .all(|w| name_order(&base, &w[0], &w[1]).is_some());
    if comparable {
        v.sort_by(|a, b| name_order(&base, a, b).unwrap_or(std::cmp::Ordering::Equal));
    } else {
        v.sort_by(|a, b| rotation_order(&base, a, b));
    }
    v
}

/// Which of two rotated names is newer, when both follow one scheme: numbered (`.1` is
/// newer than `.2`) or dated (later dates sort later). `Less`: `a` is older.
fn name_order(base: &str, a: &Found, b: &Found) -> Option<std::cmp::Ordering> {
    match (rank(base, a)?, rank(base, b)?) {
        (Rank::Number(x), Rank::Number(y)) => Some(y.cmp(&x)),
        (Rank::Date(x), Rank::Date(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

/// A rotated name's place in its scheme.
#[derive(Debug, PartialEq, Eq)]
enum Rank {
    /// logrotate's default `NAME.1`, `NAME.2.gz`: a small number after a dot, counting
    /// back in time.
    Number(u64),
    /// `dateext` and the like (`NAME-20240501`): sorts forward in time as text.
    Date(String),
}

fn rank(base: &str, f: &Found) -> Option<Rank> {
    let name = f.path.file_name()?.to_str()?;
    let body = rotation_suffix(base, name)?;
    let dotted = name.get(base.len()..).is_some_and(|r| r.starts_with('.'));
    match body.parse::<u64>() {
        Ok(n) if dotted && body.len() <= 5 => Some(Rank::Number(n)),
        _ => Some(Rank::Date(body.to_string())),
    }
}

/// A generation not read before: its identity (a truncated inode gets the next epoch).
pub(crate) fn new_step(f: &Found, known: &[Generation], from: Position, live: bool) -> Step {
    let epoch = known
        .iter()
        .filter(|g| g.id.same_inode(&f.id))
        .map(|g| g.id.epoch + 1)
        .max()
        .unwrap_or(0);
    let id = FileId { epoch, ..f.id };
    let (head_len, head) = (f.first.len() as u64, digest(&f.first));
    Step {
        path: f.path.clone(),
        gz: f.gz,
        file: f.id,
        generation: Generation {
            id,
            name: f.path.display().to_string(),
            head_len,
            head,
            mtime_ns: f.mtime_ns,
            read: 0,
        },
        new: true,
        from: Position {
            file: Some(id),
            ..from
        },
        live,
    }
}

/// Where the file a step planned to read is now, when its name names another file or
/// none (renamed, or compressed by `delaycompress`, since it was planned): the same
/// inode beside the path or at it, else a file holding the generation's first bytes.
pub(crate) fn locate(path: &Path, step: &Step) -> Option<Found> {
    let mut files = siblings(path);
    files.extend(current(path));
    let g = &step.generation;
    let same = |f: &Found| {
        f.id.same_inode(&step.file)
            && (g.head_len == 0 || f.head(g.head_len) == Some(g.head.clone()))
    };
    if let Some(i) = files.iter().position(same) {
        return Some(files.swap_remove(i));
    }
    (g.head_len > 0)
        .then(|| {
            files
                .into_iter()
                .find(|f| f.head(g.head_len).as_deref() == Some(&g.head))
        })
        .flatten()
}

/// The copy `copytruncate` made of generation `g` before truncating it (plain or
/// compressed), if one is beside the path.
pub(crate) fn copy_of(path: &Path, g: &Generation) -> Option<Found> {
    if g.head_len == 0 {
        return None;
    }
    siblings(path)
        .into_iter()
        .find(|f| !f.id.same_inode(&g.id) && f.head(g.head_len).as_deref() == Some(&g.head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_suffixes_are_recognised_and_other_files_are_not() {
        for n in [
            "app.log.1",
            "app.log.12.gz",
            "app.log-20240501",
            "app.log-2024-05-01T10",
            "app.log_3",
        ] {
            assert!(rotation_suffix("app.log", n).is_some(), "{n}");
        }
        for n in [
            "app.log",
            "app.log.bak",
            "app.log.lock",
            "app.logx.1",
            "app.log.",
            "app.log.gz",
        ] {
            assert!(rotation_suffix("app.log", n).is_none(), "{n}");
        }
    }

    #[test]
    fn numbered_names_of_one_tick_sort_oldest_first() {
        let f = |n: &str| Found {
            path: PathBuf::from(n),
            id: FileId {
                dev: 0,
                ino: 0,
                epoch: 0,
            },
            gz: false,
            len: 0,
            mtime_ns: 5,
            first: Vec::new(),
        };
        assert_eq!(
            name_order("a.log", &f("a.log-20240502"), &f("a.log.1")),
            None,
            "a date is not a number"
        );
        assert_eq!(
            name_order("a.log", &f("a.log-20240501"), &f("a.log-20240502")),
            Some(std::cmp::Ordering::Less)
        );
        let mut v = [f("a.log.1"), f("a.log.10"), f("a.log.2.gz")];
        v.sort_by(|a, b| rotation_order("a.log", a, b));
        let names: Vec<_> = v.iter().map(|f| f.path.display().to_string()).collect();
        assert_eq!(names, ["a.log.10", "a.log.2.gz", "a.log.1"]);
    }

    #[test]
    fn a_gzip_generation_is_read_from_an_offset_of_its_content() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.log.1.gz");
        let mut e = flate2::write::GzEncoder::new(
            File::create(&p).unwrap(),
            flate2::Compression::default(),
        );
        e.write_all(b"one\ntwo\n").unwrap();
        e.finish().unwrap();
        let (mut r, skipped) = open_at(&p, true, 4).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!((skipped, s.as_str()), (4, "two\n"));
        let (_, short) = open_at(&p, true, 100).unwrap();
        assert_eq!(short, 8);
        assert_eq!(head_of(&p, true, 8), Some(digest(b"one\ntwo\n")));
        assert_eq!(head_of(&p, true, 9), None);
    }
}
