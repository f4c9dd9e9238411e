//! Running the detection engine over inputs into outputs: the batch audit ([`audit`]), with
//! what it owes the store ([`store`]) and the metrics file ([`metrics`]), and the
//! baseline that builds the history an audit starts from ([`baseline`]).
//!
//! `custodes audit` parses its flags, loads the configuration and reference data, and hands
//! a typed [`audit::Audit`] to [`audit::run`]; everything the run decides (saved state taken
//! up or not, events in time order, exception rules of the store, late events rejected,
//! alerts before state) happens here, so that a test or another front end gets the same
//! run. `custodes watch` keeps its own loop in [`crate::watch::pipeline`]: it commits alerts,
//! rejects and progress step by step in one transaction and checkpoints at day boundaries,
//! which a batch run does not; both push events through the same [`crate::detect::Engine`]
//! and hide alerts with the same [`crate::alert::suppress::hides`].
//!
//! This module must not print, parse flags or choose exit codes (the CLI's), nor read the
//! wall clock for anything the detectors see.

pub mod audit;
pub mod baseline;
pub mod metrics;
pub mod store;

use std::path::PathBuf;

use thiserror::Error;

/// Why a run stopped. Each variant names what was being done; the cause follows it.
#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    State(#[from] crate::baseline::state::StateError),
    #[error(transparent)]
    Lookups(#[from] crate::lookups::LookupError),
    #[error("{}: cannot use the saved state", path.display())]
    Restore {
        path: PathBuf,
        #[source]
        source: crate::detect::RestoreError,
    },
    #[error("writing alerts")]
    Alerts(#[source] std::io::Error),
    #[error("writing the reject file")]
    Rejects(#[source] std::io::Error),
    #[error("storing events")]
    StoreEvents(#[source] crate::store::StoreError),
    #[error("storing events: the writer thread failed")]
    WriterFailed,
    #[error(transparent)]
    Build(#[from] baseline::BuildError),
    #[error("{}: cannot extend the saved state: the saved fishing history is not readable", path.display())]
    FishingHistory {
        path: PathBuf,
        #[source]
        source: crate::detect::SavedStateError,
    },
}
