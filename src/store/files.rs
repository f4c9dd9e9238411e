//! What the store keeps about followed files beyond one position: every generation of
//! each file (renamed, compressed or truncated versions the path has named), with how far
//! it was read, so that a restart finds and reads every generation from the checkpoint's
//! on; and the gaps, byte ranges that could not be read, which the workbench and
//! `/metrics` show.
//!
//! Like the rest of the store it holds the service's records as it is given them (a JSON
//! text per generation, keyed by a string naming the file) and never interprets them; it
//! must never drop a gap row once written.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{now_text, Batch, Store, StoreError};

/// Version 3: followed files' generations and the gaps in reading them.
pub(super) const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS source_files (
    source TEXT NOT NULL,
    -- Read order within the source.
    seq    INTEGER NOT NULL,
    -- The generation's identity (device, inode, truncation epoch), as the service names it.
    key    TEXT NOT NULL,
    -- The generation as the service's JSON (identity, name, first-bytes digest, mtime).
    record TEXT NOT NULL,
    -- Bytes of it read so far: the per-file progress.
    read   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, seq),
    UNIQUE (source, key)
);
CREATE TABLE IF NOT EXISTS source_gaps (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    -- The path the lost generation was last seen at.
    file     TEXT NOT NULL,
    -- Its identity, '' when unknown.
    key      TEXT NOT NULL,
    -- First byte not read, and the end of what is known to have existed (NULL: unknown).
    from_byte INTEGER NOT NULL,
    to_byte   INTEGER,
    reason   TEXT NOT NULL,
    found_at TEXT NOT NULL,
    -- Found again after a restart: one row.
    UNIQUE (source, key, file, from_byte)
);
";

/// A byte range of a followed file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredGap {
    pub source: String,
    pub file: String,
    pub from_byte: u64,
    /// End of what was known to exist; bytes after it may be lost too.
    pub to_byte: Option<u64>,
    pub reason: String,
    pub found_at: String,
}

/// Whether a followed file's generation is read for the first time (it is added after the
/// source's others) or was recorded before (its record, e.g. more of its first bytes, is
/// updated in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    New,
    Known,
}

impl Store {
    /// A source's generations, oldest first: (record, bytes read).
    pub fn generations(&self, source: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let doing = "reading a followed file's generations";
        let mut stmt = self
            .conn
            .prepare("SELECT record, read FROM source_files WHERE source = ?1 ORDER BY seq")
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([source], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }

    /// The position last recorded for a source (its JSON), if any.
    pub(crate) fn progress_of(&self, source: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT position FROM progress WHERE source = ?1",
                [source],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql("reading progress"))
    }

    /// Every gap, oldest first.
    pub fn gaps(&self) -> Result<Vec<StoredGap>, StoreError> {
        let doing = "reading gaps";
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source, file, from_byte, to_byte, reason, found_at FROM source_gaps
                 ORDER BY id",
            )
            .map_err(self.sql(doing))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredGap {
                    source: r.get(0)?,
                    file: r.get(1)?,
                    from_byte: r.get::<_, i64>(2)?.max(0) as u64,
                    to_byte: r.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                    reason: r.get(4)?,
                    found_at: r.get(5)?,
                })
            })
            .map_err(self.sql(doing))?;
        rows.collect::<Result<_, _>>().map_err(self.sql(doing))
    }
}

impl Batch<'_> {
    /// Records a generation: a new one goes after the source's others (a generation
    /// already recorded under `key` keeps its place); otherwise its record is updated.
    pub fn generation(
        &self,
        source: &str,
        key: &str,
        record: &str,
        seen: Seen,
    ) -> Result<(), StoreError> {
        let doing = "recording a followed file's generation";
        let sql = if seen == Seen::New {
            "INSERT INTO source_files (source, seq, key, record)
             VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM source_files WHERE source = ?1), ?2, ?3)
             ON CONFLICT (source, key) DO UPDATE SET record = excluded.record"
        } else {
            "UPDATE source_files SET record = ?3 WHERE source = ?1 AND key = ?2"
        };
        self.tx
            .prepare_cached(sql)
            .and_then(|mut s| s.execute(params![source, key, record]))
            .map_err(self.sql(doing))?;
        Ok(())
    }

    /// Records how far a generation has been read.
    pub(crate) fn generation_read(
        &self,
        source: &str,
        key: &str,
        read: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "UPDATE source_files SET read = max(read, ?3) WHERE source = ?1 AND key = ?2",
            )
            .and_then(|mut s| s.execute(params![source, key, read as i64]))
            .map_err(self.sql("recording a generation's progress"))?;
        Ok(())
    }

    /// Forgets generations more than `keep` before the one named `key` (the checkpoint's):
    /// a restart never reads them again; the last few still tell old files from new.
    pub(crate) fn prune_generations(
        &self,
        source: &str,
        key: &str,
        keep: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "DELETE FROM source_files WHERE source = ?1 AND seq <
                    (SELECT seq FROM source_files WHERE source = ?1 AND key = ?2) - ?3",
            )
            .and_then(|mut s| s.execute(params![source, key, keep as i64]))
            .map_err(self.sql("pruning a followed file's generations"))?;
        Ok(())
    }

    /// Records a gap; true when it is new (the same gap found again after a restart is
    /// one row).
    pub fn gap(
        &self,
        source: &str,
        key: &str,
        file: &str,
        from: u64,
        to: Option<u64>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO source_gaps
                    (source, file, key, from_byte, to_byte, reason, found_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    source,
                    file,
                    key,
                    from as i64,
                    to.map(|t| t as i64),
                    reason,
                    now_text()
                ])
            })
            .map_err(self.sql("recording a gap"))?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_keep_their_order_and_progress_and_gaps_are_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        let b = s.batch().unwrap();
        b.generation("f", "1:1", "{\"a\":1}", Seen::New).unwrap();
        b.generation("f", "1:2", "{\"a\":2}", Seen::New).unwrap();
        b.generation("f", "1:1", "{\"a\":3}", Seen::Known).unwrap();
        b.generation_read("f", "1:1", 40).unwrap();
        b.generation_read("f", "1:1", 10).unwrap();
        assert!(b.gap("f", "1:1", "f.1", 0, Some(40), "gone").unwrap());
        assert!(!b.gap("f", "1:1", "f.1", 0, Some(40), "gone").unwrap());
        b.commit().unwrap();
        assert_eq!(
            s.generations("f").unwrap(),
            [("{\"a\":3}".to_string(), 40), ("{\"a\":2}".to_string(), 0)]
        );
        assert_eq!(s.gaps().unwrap().len(), 1);
        let b = s.batch().unwrap();
        b.prune_generations("f", "1:2", 0).unwrap();
        b.commit().unwrap();
        assert_eq!(s.generations("f").unwrap().len(), 1);
    }
}
