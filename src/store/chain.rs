//! The access log's key and anchors: what makes its hash chain hold against someone who can
//! write the store file.
//!
//! An unkeyed chain only shows edits made by someone who does not recompute it: whoever can
//! write the file can change an entry and re-hash everything after it. So entries are
//! sealed with HMAC-SHA256 under a key kept in a separate file (0600, never inside the
//! store): without the key, a changed, inserted or re-ordered entry cannot be given a
//! valid seal. The key file also says from which entry on the log is keyed (entries
//! written before the key existed keep their plain SHA-256), so that number cannot be
//! moved by editing the store.
//!
//! A key does not show entries cut off the end. For that, [`Head`] is the last entry's
//! number and seal, exported (`custodes verify-log --export-head`) to somewhere the store's
//! writer cannot change, and checked later (`--head`): a log that no longer reaches the
//! anchored entry, or holds a different one there, fails. This module reads and writes
//! those two small files; it must not touch the database.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::StoreError;

const KEY_FORMAT: &str = "custodes-log-key 1";
const HEAD_FORMAT: &str = "custodes-log-head 1";

/// The access log's key: 32 random bytes, and the first entry sealed with it.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey {
    key: Vec<u8>,
    /// Entries with this number or higher are sealed with the key.
    pub from: i64,
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself: it would end up in logs.
        f.debug_struct("ChainKey")
            .field("fingerprint", &self.fingerprint())
            .field("from", &self.from)
            .finish()
    }
}

fn key_err(path: &Path, message: impl Into<String>) -> StoreError {
    StoreError::LogKey {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl ChainKey {
    /// A fresh key from 32 bytes of the operating system's generator.
    pub fn generate(from: i64) -> ChainKey {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut key = vec![0u8; 32];
        OsRng.fill_bytes(&mut key);
        ChainKey { key, from }
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<ChainKey, StoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| key_err(path, e.to_string()))?;
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FORMAT) {
            return Err(key_err(
                path,
                format!("not a key file (expected `{KEY_FORMAT}`)"),
            ));
        }
        let (mut key, mut from) = (None, None);
        for l in lines {
            match l.split_once(' ') {
                Some(("key", v)) => key = unhex(v.trim()),
                Some(("from", v)) => from = v.trim().parse::<i64>().ok(),
                _ => {}
            }
        }
        match (key, from) {
            (Some(key), Some(from)) if key.len() >= 32 && from >= 1 => Ok(ChainKey { key, from }),
            _ => Err(key_err(
                path,
                "damaged: needs `key <64 hex digits>` and `from <entry>`",
            )),
        }
    }

    /// Writes a new key file (0600); an existing file is never overwritten.
    pub(crate) fn save_new(&self, path: &Path) -> Result<(), StoreError> {
        let mut f = crate::output::create_new_private(path)
            .map_err(|e| key_err(path, format!("cannot create: {e}")))?;
        let text = format!("{KEY_FORMAT}\nkey {}\nfrom {}\n", hex(&self.key), self.from);
        f.write_all(text.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| key_err(path, format!("cannot write: {e}")))
    }

    /// A name for the key that does not reveal it: the store records it, so that a server
    /// started with another key file refuses to write.
    pub(crate) fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"custodes access-log key fingerprint\0");
        h.update(&self.key);
        hex(&h.finalize()[..8])
    }

    /// The seal of one entry: HMAC-SHA256 over the same length-prefixed fields as the
    /// unkeyed hash.
    pub fn seal(&self, parts: &[&str]) -> String {
        // HMAC takes keys of any length; `new_from_slice` cannot fail here.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        hex(&mac.finalize().into_bytes())
    }
}

/// The default place of a store's key file: next to it, `FILE.logkey`. Keeping it on
/// another machine or disk (`--log-key`) protects against more: see `docs/workbench.md`.
pub fn default_key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".logkey");
    PathBuf::from(p)
}

/// An anchor: the log's last entry as it was when exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    pub fn to_text(&self, at: &str) -> String {
        format!(
            "{HEAD_FORMAT}\nseq {}\nhash {}\nexported {at}\n",
            self.seq, self.hash
        )
    }

    pub fn parse(text: &str, path: &Path) -> Result<Head, StoreError> {
        let bad = || StoreError::LogKey {
            path: path.to_path_buf(),
            message: format!("not a head file (`{HEAD_FORMAT}`, `seq N`, `hash H`)"),
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEAD_FORMAT) {
            return Err(bad());
        }
        let (mut seq, mut hash) = (None, None);
        for l in lines {
            match l.split_once(' ') {
                Some(("seq", v)) => seq = v.trim().parse().ok(),
                Some(("hash", v)) => hash = Some(v.trim().to_string()),
                _ => {}
            }
        }
        match (seq, hash) {
            (Some(seq), Some(hash)) => Ok(Head { seq, hash }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_are_never_overwritten_and_seal_differently() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        let k = ChainKey::generate(7);
        k.save_new(&p).unwrap();
        assert_eq!(ChainKey::load(&p).unwrap(), k);
        assert!(
            ChainKey::generate(1).save_new(&p).is_err(),
            "never overwritten"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = ChainKey::generate(7);
        assert_ne!(k.seal(&["a", "b"]), other.seal(&["a", "b"]));
        assert_ne!(k.seal(&["a", "b"]), k.seal(&["ab", ""]));
        assert!(!format!("{k:?}").contains(&hex(&k.key)));
        std::fs::write(&p, "custodes-log-key 1\nkey zz\nfrom 1\n").unwrap();
        assert!(ChainKey::load(&p).is_err());
    }

    #[test]
    fn heads_round_trip() {
        let h = Head {
            seq: 12,
            hash: "ab".into(),
        };
        assert_eq!(Head::parse(&h.to_text("now"), Path::new("h")).unwrap(), h);
        assert!(Head::parse("seq 1", Path::new("h")).is_err());
    }
}
