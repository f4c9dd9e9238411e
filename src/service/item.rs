//! What sources hand the detection thread: lines, with where each was read.
//!
//! A [`Position`] says where a line starts precisely enough to read it again after a
//! restart (the file's device and inode, the byte offset, the line number; or the HTTP
//! inbox id). Sources never decode: they cut lines and say where they were, so that the
//! detection thread alone decides what is an event, a reject or a replay.

use serde::{Deserialize, Serialize};

/// A file's identity on disk, which survives renames (rotation) but not re-creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

impl FileId {
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata) -> FileId {
        FileId { dev: 0, ino: 0 }
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
            Some(f) => format!("{source}@{}:{}:{}", f.dev, f.ino, self.offset),
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
}
