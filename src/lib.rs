//! custodes — audits who looked up whom in sensitive government databases.
//!
//! The library is organised the way data flows through it:
//!
//! * [`source`] reads query-log events (JSON lines, CSV, Parquet) and decodes them into
//!   [`event::Event`]s in time order, sending malformed lines to a reject sink;
//! * [`refs`] loads the organisation's reference data (personnel, associations, cases,
//!   watch list, workstations);
//! * [`identity`] normalises identifiers and resolves who each query was about;
//! * [`baseline`] keeps each user's, unit's and person's earlier days for the behaviour
//!   detectors, and saves them between runs;
//! * [`lookups`] answers "who looked up this person" from events or the store;
//! * [`detect`] is the detection core: one engine that sees events one at a time, in time
//!   order, and hands each to every detector behind one trait;
//! * [`alert`] is the alert model and its sinks;
//! * [`store`] is the SQLite alert store (alerts, rejects, checkpoints);
//! * [`watch`] is `custodes watch`: live sources, the detection thread, the store writer,
//!   HTTP intake and metrics;
//! * [`workbench`] is `custodes serve`: the investigators' web workbench and its API over
//!   the store, behind authentication;
//! * [`columnar`] is the one place polars is used: Parquet in and out, history group-bys;
//! * [`config`] is `custodes.toml`, one typed section per component;
//! * [`output`] creates the private (0600) files every output is written to;
//! * [`run`] runs the engine over the inputs into the alert file, the sinks, the store and
//!   the saved state: the batch audit, with everything `custodes audit` decides;
//! * [`summary`] tallies what a run saw for the human summary;
//! * [`gen`] and [`eval`] build synthetic worlds with ground truth and score alerts against it.
//!
//! The `custodes` binary (in `src/main.rs` and `src/cli/`) is a thin layer over these.

pub mod alert;
pub mod baseline;
pub mod columnar;
pub mod config;
pub mod detect;
pub mod eval;
pub mod event;
pub mod gen;
pub mod identity;
pub mod lookups;
pub mod output;
pub mod refs;
pub mod run;
pub mod source;
pub mod store;
pub mod summary;
pub mod watch;
pub mod workbench;
