//! `custodes baseline` as a run: earlier logs into the saved state's history and the
//! fishing detector's usual searches, with no alert: [`build`] reads and aggregates (the
//! rows themselves are [`crate::baseline`]'s), [`run`] decides what the saved state becomes.
//!
//! It must not raise alerts or keep open windows that newer events have overtaken.

use std::path::Path;

use crate::baseline::{state, History, HistoryBuilder};
use crate::columnar::ColumnarError;
use crate::config::Config;
use crate::detect::fishing;
use crate::identity::Resolver;
use crate::source::{self, Inputs, ReadOptions, RejectSink, SourceError};

use super::RunError;

/// What a baseline run read, and the state it saved.
pub struct Outcome {
    pub events: u64,
    pub rejected: u64,
    /// Events that count as work (lookups and exports).
    pub counted: u64,
    /// The state as saved.
    pub saved: state::State,
}

/// Adds `inputs` to the state at `state_path` (created when missing) and saves it. The
/// caller holds the state's lock.
pub fn run(
    inputs: &Inputs,
    opts: &ReadOptions,
    resolver: &Resolver,
    config: &Config,
    state_path: &Path,
    rejects: &mut RejectSink,
) -> Result<Outcome, RunError> {
    let days = config.baseline.history_days;
    let mut saved = if state_path.exists() {
        state::load(state_path, days)?
    } else {
        state::State {
            history: History::new(days),
            carry: None,
        }
    };
    let built = build(inputs, opts, resolver, config, rejects, &mut saved.history)?;
    rejects.flush().map_err(RunError::Rejects)?;
    let last_day = saved.history.last_day();
    saved.carry = Some(
        carry_with_fishing(
            saved.carry.take(),
            &built.fishing,
            built.latest,
            days,
            last_day,
        )
        .map_err(|source| RunError::FishingHistory {
            path: state_path.to_path_buf(),
            source,
        })?,
    );
    state::save(state_path, &saved)?;
    Ok(Outcome {
        events: built.events,
        rejected: built.rejected,
        counted: built.counted,
        saved,
    })
}

/// The carry a baseline saves: the fishing detector's usual searches, learnt from the
/// events read and merged with those already saved. Open windows an audit saved stay valid
/// only if nothing newer than its last event was added; otherwise they are dropped and the
/// carry holds history alone (`last_event` none), which any later audit can take up.
fn carry_with_fishing(
    earlier: Option<state::Carry>,
    learnt: &fishing::Learnt,
    latest: Option<chrono::DateTime<chrono::Utc>>,
    history_days: u32,
    last_day: Option<chrono::NaiveDate>,
) -> Result<state::Carry, crate::detect::SavedStateError> {
    let mut carry = match earlier {
        Some(c) if c.last_event.is_some_and(|l| latest.is_some_and(|t| t > l)) => state::Carry {
            last_event: None,
            detectors: c
                .detectors
                .into_iter()
                .filter(|(name, _)| name == fishing::DOC.name)
                .collect(),
        },
        Some(c) => c,
        None => state::Carry::default(),
    };
    let merged = learnt.merge_into(
        carry.detectors.get(fishing::DOC.name),
        history_days,
        last_day,
    )?;
    carry
        .detectors
        .insert(fishing::DOC.name.to_string(), merged);
    Ok(carry)
}

/// Why history could not be built from files.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("aggregating history: {0}")]
    Aggregate(#[from] ColumnarError),
}

/// What [`build`] read and learnt besides the history rows.
#[derive(Debug, Default, Clone)]
pub struct BuildStats {
    pub events: u64,
    pub rejected: u64,
    /// Events that count as work (lookups and exports).
    pub counted: u64,
    pub latest: Option<chrono::DateTime<chrono::Utc>>,
    /// The `fishing` detector's usual searches over the same events (its own history,
    /// which the group-bys cannot compute: a sequence depends on the order of searches),
    /// to merge into the saved state's carry ([`crate::detect::fishing::Learnt::merge_into`]).
    pub fishing: crate::detect::fishing::Learnt,
}

/// Reads every input (any order: they are merged into time order, which the fishing
/// detector's sequences need), resolves each event as an audit would, adds the aggregated
/// rows to `history` and learns the fishing detector's usual searches (the
/// `custodes baseline` path). Resolution runs on worker threads, one per core.
pub fn build(
    inputs: &Inputs,
    opts: &ReadOptions,
    resolver: &Resolver,
    config: &Config,
    rejects: &mut RejectSink,
    history: &mut History,
) -> Result<BuildStats, BuildError> {
    let mut builder = HistoryBuilder::default();
    let mut learner = crate::detect::fishing::Learner::new(config);
    let mut stats = BuildStats::default();
    let plan = source::ordered::plan(inputs)?;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let prepare = |ev: &crate::event::Event| crate::detect::Prepared::new(resolver, ev);
    let read = source::ordered::for_each_in_time_order(
        inputs,
        &plan,
        opts,
        threads,
        rejects,
        &prepare,
        |ev, p| -> Result<(), std::convert::Infallible> {
            stats.latest = stats.latest.max(Some(ev.ts));
            if let Some(a) = &p.activity {
                builder.push(a);
            }
            learner.observe(ev, &p.resolved, resolver, p.activity.as_ref());
            Ok(())
        },
    )?;
    let read = match read {
        Ok(r) => r,
        Err(never) => match never {},
    };
    stats.events = read.events;
    stats.rejected = read.rejected;
    stats.counted = builder.len() as u64;
    stats.fishing = learner.finish(resolver);
    builder.finish(history)?;
    Ok(stats)
}
