//! Identity resolution: who was each query about, and how sure are we?
//!
//! * [`address`] parses street addresses into parts (number, directionals, street, type,
//!   unit, city) that compare as a dispatcher would, city or unit given or not;
//! * [`cases`] indexes cases, assignments and case subjects so that "which of this user's
//!   open cases lists this person?" is answered from the smaller side;
//! * [`criteria`] reads what a query's own text spells out (`QW.NAM/…DOB/…`,
//!   `LN=… DOB=…`) for the subject fields a source left empty;
//! * [`normalize`] turns names, dates of birth, plates, phones and addresses as people type
//!   them into comparable forms;
//! * [`person_ids`] completes a person id typed another way (`291859`, `DOC291859`) to the
//!   one known id it stands for (`DOC-291859`);
//! * [`index`] holds known people (employees, associations, case subjects, the watch list)
//!   in hash indexes and matches a query against them, grading each match;
//! * [`resolve`] builds those indexes from reference data and, for each event, works out the
//!   user's employee record, every match, and whether an assigned case explains the lookup.
//!
//! Nothing here decides whether a lookup is suspicious: that is the detectors' job.

pub mod address;
pub mod cases;
pub(crate) mod criteria;
pub mod index;
pub(crate) mod normalize;
pub(crate) mod person_ids;
pub mod resolve;

pub use index::Query;
pub(crate) use index::{KnownPerson, Match, MatchKind, NameStats, PersonIndex};
pub(crate) use resolve::{code_key, Resolved, SearchCase};
pub use resolve::{CaseStatus, Resolver};

/// A short name for the person behind a match: their first id, or the name shown. Used in
/// reasons and group keys by the detectors and in the behaviour history's person rows.
pub(crate) fn person_key(ids: &[String], display: &str) -> String {
    ids.first().cloned().unwrap_or_else(|| display.to_string())
}
