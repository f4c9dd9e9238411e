//! What sources hand the detection thread: lines, with where each was read.
//!
//! A [`Position`] says where a line starts precisely enough to read it again after a
//! restart (the file's device and inode, the byte offset, the line number; or the HTTP
//! inbox id). Sources never decode: they cut lines and say where they were, so that the
//! detection thread alone decides what is an event, a reject or a replay.

use serde::{Deserialize, Serialize};

/// A generation of a followed file: its identity on disk, which survives renames
/// (rotation) but not re-creation, and how many times that inode was truncated and
/// written anew (`copytruncate`), since each truncation starts a new generation whose
/// byte offsets mean something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
    /// Truncations of this inode seen before this generation; absent (0) in checkpoints
    /// written before it existed, which therefore keep their meaning.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub epoch: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl FileId {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            epoch: 0,
        }
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata) -> FileId {
        FileId {
            dev: 0,
            ino: 0,
            epoch: 0,
        }
    }

    /// The same file on disk, whatever generation of its content.
    pub(crate) fn same_inode(&self, other: &FileId) -> bool {
        (self.dev, self.ino) == (other.dev, other.ino)
    }
}

/// Where a line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The file holding the line (followed files only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileId>,
    /// Byte offset in the file or standard input; the inbox id for HTTP.
    pub offset: u64,
    /// 1-based line number in the file or standard input; the inbox id for HTTP.
    pub line: u64,
    /// How many times this run's source has moved to another file (rotation, truncation):
    /// orders positions across files within one run. Not saved.
    #[serde(skip)]
    pub generation: u64,
}

impl Position {
    pub fn start(file: Option<FileId>) -> Position {
        Position {
            file,
            offset: 0,
            line: 1,
            generation: 0,
        }
    }

    /// The order of positions read in one run.
    pub fn order(&self) -> (u64, u64) {
        (self.generation, self.offset)
    }

    /// A key naming this line in the reject store, stable across replays.
    pub fn key(&self, source: &str) -> String {
        match self.file {
            // Epoch 0 keeps the key older stores used.
            Some(f) if f.epoch == 0 => format!("{source}@{}:{}:{}", f.dev, f.ino, self.offset),
            Some(f) => format!("{source}@{}:{}~{}:{}", f.dev, f.ino, f.epoch, self.offset),
            None => format!("{source}@{}", self.offset),
        }
    }
}

/// One line as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at: Position,
    /// Where the next line starts.
    pub next: Position,
    pub bytes: Vec<u8>,
    /// Set when the source could not cut a proper line here (too long, unreadable):
    /// (field, error). `bytes` then holds what was kept of it.
    pub problem: Option<(String, String)>,
}

/// What a source sends.
#[derive(Debug)]
pub enum Item {
    Lines {
        source: usize,
        lines: Vec<Line>,
    },
    /// The source has no more lines: standard input closed, or a file read to its end
    /// with `--once`.
    End {
        source: usize,
    },
    /// The source cannot go on (a followed file became unreadable); the service stops.
    Failed {
        source: usize,
        error: String,
    },
    /// A followed file's source starts reading a generation it has not read before
    /// (`Seen::New`), or has learnt more of a known one's first bytes; the store keeps the
    /// list so that a restart can find every generation again. Sent before its lines.
    Generation {
        source: usize,
        generation: Generation,
        seen: crate::store::files::Seen,
    },
    /// Part of a followed file can no longer be read (a rotated generation deleted or
    /// unreadable before it was read to its end).
    Gap {
        source: usize,
        gap: Gap,
    },
}

/// One generation of a followed file, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub id: FileId,
    /// Where it was last seen (for messages: the path a generation had may be taken by
    /// the next one).
    pub name: String,
    /// How many of its first bytes `head` covers (at most [`HEAD_BYTES`]), and their
    /// SHA-256 (hex, 16 digits): found again by content after compression or a copy.
    pub head_len: u64,
    pub head: String,
    /// Its modification time when first read (nanoseconds since the Unix epoch): files
    /// beside it older than this were rotated before it and are not read.
    pub mtime_ns: i64,
    /// How far the service has read it (the per-file progress): a gap in it is
    /// reported up to here at least.
    #[serde(default)]
    pub read: u64,
}

/// How many leading bytes identify a generation by content.
pub(crate) const HEAD_BYTES: u64 = 1024;

/// A byte range of a followed file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The path the lost generation was last seen at.
    pub file: String,
    pub id: Option<FileId>,
    /// First byte not read.
    pub from: u64,
    /// End of what is known to have existed (the last run's reading), when known; bytes
    /// after it may have been lost too.
    pub to: Option<u64>,
    pub reason: String,
}
