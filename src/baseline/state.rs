//! The saved baseline: history rows and detector carry-over in one versioned file.
//!
//! `custodes baseline` writes it; `custodes audit --state FILE` reads it, judges the new
//! days against it, and writes it back with those days added. The file is JSON with a
//! `format` and `version` header checked before anything else, so an old, foreign or
//! damaged file is a clear error naming the file (and line), never a panic or a silently
//! empty history. A run holds [`StateLock`] from loading to saving, so two runs at once
//! cannot lose each other's days. It holds personal data (logins, people looked up): it is written 0600,
//! to a temporary file renamed over the old one, so a crash mid-write leaves the previous
//! state intact.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::{History, UserDay};

pub const FORMAT: &str = "custodes-baseline";
/// Bump on any change of meaning; [`load`] refuses other versions.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Error)]
pub enum StateError {
    #[error("{}: cannot read the state file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write the state file: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a custodes baseline state file (line {line}, column {column}: {message})", path.display())]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: not a custodes baseline state file (field `format` is {found:?}, expected {FORMAT:?})", path.display())]
    Foreign { path: PathBuf, found: String },
    #[error("{}: state file version {found} is not supported by this custodes (it reads version {VERSION}); rebuild it with `custodes baseline`", path.display())]
    Version { path: PathBuf, found: u64 },
    #[error("{}: invalid state file: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: another custodes run is using this state file (lock {} is held); try again when it has finished", path.display(), lock.display())]
    Busy { path: PathBuf, lock: PathBuf },
    #[error("{}: cannot lock the state file: {source}", lock.display())]
    Lock {
        lock: PathBuf,
        source: std::io::Error,
    },
}

/// Exclusive use of a state file for a whole run (load, audit, save), so that two runs at
/// once cannot both start from the same history and have the second save drop the first
/// one's days. Held on a `FILE.lock` beside it, released when dropped (or when the process
/// dies: the lock is the operating system's, not the file's existence).
#[derive(Debug)]
pub struct StateLock {
    _file: std::fs::File,
}

impl StateLock {
    pub fn acquire(path: &Path) -> Result<StateLock, StateError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        let lock = path.with_file_name(format!("{name}.lock"));
        let lock_err = |source| StateError::Lock {
            lock: lock.clone(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&lock).map_err(lock_err)?;
        match file.try_lock() {
            Ok(()) => Ok(StateLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StateError::Busy {
                path: path.to_path_buf(),
                lock,
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(lock_err(e)),
        }
    }
}

/// Detector state that spans the end of one run and the start of the next (open sliding
/// windows, the last site of each login), so that running night by night gives the same
/// alerts as running over all nights at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carry {
    /// The last event the state has seen; `None` when the carry holds no open window, only
    /// history (`custodes baseline` saves the fishing detector's usual searches so), and any
    /// later run may take it up.
    pub last_event: Option<DateTime<Utc>>,
    /// Detector name -> its saved state.
    pub detectors: BTreeMap<String, Value>,
}

/// A loaded or to-be-saved state.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub history: History,
    /// None in a state saved before `custodes baseline` learnt the fishing history (it
    /// then saved no carry).
    pub carry: Option<Carry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRow {
    user: String,
    day: NaiveDate,
    lookups: u32,
    hours: Vec<u32>,
    subjects: u32,
    /// Written since a day's people outside exempt work are counted apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open_subjects: Option<u32>,
    max_rows: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonRow {
    person: String,
    day: NaiveDate,
    users: u32,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    history_days: u32,
    /// The last day with history.
    through: Option<NaiveDate>,
    users: Vec<UserRow>,
    persons: Vec<PersonRow>,
    /// The first day whose bare-name searches are in `persons`; absent in files of an
    /// earlier custodes, which did not count them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    names_from: Option<NaiveDate>,
    carry: Option<Carry>,
}

/// Reads a state file; `history_days` is the window of the run that will use it.
pub fn load(path: &Path, history_days: u32) -> Result<State, StateError> {
    let text = std::fs::read_to_string(path).map_err(|source| StateError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    decode(&text, path, history_days)
}

/// Reads a state from its JSON text (the file's content, or a checkpoint kept in the alert
/// store); `path` names where it came from in errors.
pub fn decode(text: &str, path: &Path, history_days: u32) -> Result<State, StateError> {
    let corrupt = |e: serde_json::Error| StateError::Corrupt {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let header: Header = serde_json::from_str(text).map_err(corrupt)?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        other => {
            return Err(StateError::Foreign {
                path: path.to_path_buf(),
                found: other.unwrap_or("(missing)").to_string(),
            })
        }
    }
    match header.version {
        Some(v) if v == u64::from(VERSION) => {}
        other => {
            return Err(StateError::Version {
                path: path.to_path_buf(),
                found: other.unwrap_or(0),
            })
        }
    }
    let file: File = serde_json::from_str(text).map_err(corrupt)?;
    let mut history = History::new(history_days);
    for (i, r) in file.users.into_iter().enumerate() {
        let hours: [u32; 24] = r
            .hours
            .try_into()
            .map_err(|h: Vec<u32>| StateError::Invalid {
                path: path.to_path_buf(),
                message: format!("users[{i}].hours has {} values, expected 24", h.len()),
            })?;
        if hours.iter().sum::<u32>() != r.lookups {
            return Err(StateError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "users[{i}] ({} on {}): hours add up to {}, lookups says {}",
                    r.user,
                    r.day,
                    hours.iter().sum::<u32>(),
                    r.lookups
                ),
            });
        }
        history.set_user_day(
            &r.user,
            r.day,
            UserDay {
                lookups: r.lookups,
                hours,
                subjects: r.subjects,
                open_subjects: r.open_subjects,
                max_rows: r.max_rows,
            },
        );
    }
    for r in file.persons {
        history.set_person_day(&r.person, r.day, r.users);
    }
    if let Some(d) = file.names_from {
        history.names_counted_from(d);
    }
    Ok(State {
        history,
        carry: file.carry,
    })
}

/// Writes a state file atomically (temporary file, then rename), readable by the owner only.
pub fn save(path: &Path, state: &State) -> Result<(), StateError> {
    let file = to_file(state);
    let write_err = |source| StateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let f = crate::output::create_private(&tmp)?;
        let mut w = std::io::BufWriter::new(f);
        serde_json::to_writer(&mut w, &file)?;
        w.write_all(b"\n")?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

/// The state as the JSON text [`decode`] reads back.
pub(crate) fn encode(state: &State) -> String {
    // Serialising plain structs of strings and numbers to a String cannot fail.
    serde_json::to_string(&to_file(state)).unwrap_or_default()
}

fn to_file(state: &State) -> File {
    let h = &state.history;
    File {
        format: FORMAT.into(),
        version: VERSION,
        history_days: h.history_days(),
        through: h.last_day(),
        users: h
            .user_rows()
            .into_iter()
            .map(|(u, d, r)| UserRow {
                user: u.to_string(),
                day: d,
                lookups: r.lookups,
                hours: r.hours.to_vec(),
                subjects: r.subjects,
                open_subjects: r.open_subjects,
                max_rows: r.max_rows,
            })
            .collect(),
        persons: h
            .person_rows()
            .into_iter()
            .map(|(p, d, n)| PersonRow {
                person: p.to_string(),
                day: d,
                users: n,
            })
            .collect(),
        names_from: h.names_from(),
        carry: state.carry.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        let mut h = History::new(90);
        let mut hours = [0; 24];
        hours[9] = 3;
        hours[10] = 2;
        h.set_user_day(
            "jdoe",
            "2024-05-01".parse().unwrap(),
            UserDay {
                lookups: 5,
                hours,
                subjects: 4,
                open_subjects: Some(3),
                max_rows: 12,
            },
        );
        h.set_person_day("id:P1", "2024-05-01".parse().unwrap(), 3);
        State {
            history: h,
            carry: Some(Carry::default()),
        }
    }

    #[test]
    fn saves_and_loads_the_same_history() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        let s = sample();
        save(&p, &s).unwrap();
        let back = load(&p, 90).unwrap();
        assert_eq!(back.history, s.history);
        assert_eq!(back.carry, s.carry);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn one_run_at_a_time_holds_a_state_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        let first = StateLock::acquire(&p).unwrap();
        let e = StateLock::acquire(&p).unwrap_err().to_string();
        assert!(e.contains("another custodes run"), "{e}");
        drop(first);
        assert!(StateLock::acquire(&p).is_ok());
    }

    #[test]
    fn old_foreign_and_damaged_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        std::fs::write(&p, r#"{"format":"custodes-baseline","version":0}"#).unwrap();
        let e = load(&p, 90).unwrap_err().to_string();
        assert!(
            e.contains("version 0") && e.contains("custodes baseline"),
            "{e}"
        );
        std::fs::write(&p, r#"{"format":"something-else","version":1}"#).unwrap();
        let e = load(&p, 90).unwrap_err().to_string();
        assert!(e.contains("something-else"), "{e}");
        std::fs::write(
            &p,
            "{\"format\":\"custodes-baseline\",\n\"version\":1,\"users\":[",
        )
        .unwrap();
        let e = load(&p, 90).unwrap_err().to_string();
        assert!(e.contains("state.json") && e.contains("line 2"), "{e}");
        let good = serde_json::to_string(&serde_json::json!({
            "format": FORMAT, "version": 1, "history_days": 90, "through": null,
            "users": [{"user": "u", "day": "2024-05-01", "lookups": 5, "hours": [1, 2],
                       "subjects": 0, "max_rows": 0}],
            "persons": [], "carry": null
        }))
        .unwrap();
        std::fs::write(&p, good).unwrap();
        let e = load(&p, 90).unwrap_err().to_string();
        assert!(e.contains("users[0].hours has 2 values"), "{e}");
    }
}
