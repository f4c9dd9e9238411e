//! Normalisers and comparators for identity fields (names, dates of birth,
//! plates, phones, addresses) as they are typed into search screens and as
//! they are stored in person records.
//!
//! Everything here runs once or more per audited event, so it is pure,
//! allocation-light (no regex, static tables only) and total: every function
//! accepts arbitrary Unicode and never panics.
//!
//! What this module must not do: decide whether a lookup is suspicious, hold
//! any state, log or echo its inputs (they are personal data), or reach for
//! fuzzy matching beyond a single edit. It only says how two typed values
//! compare; the scoring and its thresholds belong to the callers.
//!
//! One file per kind of field: `fold.rs` (the folding engine every other file uses),
//! `names.rs` (names, nicknames, name grades, one-edit distance), `dates.rs` (dates of
//! birth), `contacts.rs` (plates, phones, person ids, address words); `tests.rs` and
//! `proptests.rs`.

use chrono::NaiveDate;
use deunicode::deunicode_char;

mod contacts;
mod dates;
mod fold;
mod names;
mod nicknames;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub(crate) use contacts::*;
pub(crate) use dates::*;
pub use fold::*;
pub(crate) use names::*;
pub(crate) use nicknames::may_be_one_persons_with_a_slip;
