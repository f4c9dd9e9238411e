//! `custodes baseline` as a run: earlier logs into the saved state, with no alert.
//!
//! Two ways to learn, chosen by where the events fall against what the state holds:
//! - **after it** (a new state, or days later than all it holds): [`learn`] runs the
//!   detectors over the events exactly as an audit would and drops their alerts, so the
//!   state saved is the one an audit of the same events saves (history rows, every
//!   detector's learnt counts, the windows open at the end);
//! - **earlier days** added to a state that already holds later ones: [`build`] reads and
//!   aggregates the history rows and the fishing detector's usual searches, which merge by
//!   day; what the other detectors learnt stays as saved (their counts are kept for the
//!   last days in time order and cannot be rebuilt out of order).
//!
//! It must not raise alerts or keep open windows that newer events have overtaken.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::baseline::{state, History, HistoryBuilder};
use crate::columnar::ColumnarError;
use crate::config::Config;
use crate::detect::{fishing, Engine, Prepared};
use crate::identity::Resolver;
use crate::source::ordered::Plan;
use crate::source::{self, FileStats, Inputs, ReadOptions, RejectSink, SourceError};

use super::RunError;

/// What a baseline run read, and the state it saved.
pub struct Outcome {
    pub events: u64,
    pub rejected: u64,
    /// Events that count as work (lookups and exports).
    pub counted: u64,
    /// How the state was learnt, for the summary.
    pub learnt: Learnt,
    /// The state as saved.
    pub saved: state::State,
}

/// How a baseline learnt (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Learnt {
    /// The detectors ran over the events in time order, as an audit's do.
    AsAnAudit,
    /// Earlier days than the state holds (or standard input added to a state that holds
    /// days already): history rows and usual searches merged.
    EarlierDays,
}

/// Adds `inputs` to the state at `state_path` (created when missing) and saves it. The
/// caller holds the state's lock.
pub fn run(
    inputs: &Inputs,
    opts: &ReadOptions,
    resolver: &Arc<Resolver>,
    config: &Arc<Config>,
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
    let plan = source::ordered::plan(inputs)?;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // A new state takes any events as coming after it; one that holds anything is
    // compared with the first event, which takes reading the inputs twice: standard input
    // can be read once only, so with it such a state is extended by rows.
    let stdin = inputs.files.iter().any(|(p, _)| p.as_os_str() == "-");
    let after = holds_nothing(&saved)
        || (!stdin
            && first_event(inputs, &plan, opts)?.is_some_and(|first| follows(&saved, first)));
    if after {
        let (engine, read, counted) = learn(
            inputs, &plan, opts, threads, resolver, config, saved, state_path, rejects,
        )?;
        rejects.flush().map_err(RunError::Rejects)?;
        let saved = engine.state();
        state::save(state_path, &saved)?;
        return Ok(Outcome {
            events: read.events,
            rejected: read.rejected,
            counted,
            learnt: Learnt::AsAnAudit,
            saved,
        });
    }
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
        learnt: Learnt::EarlierDays,
        saved,
    })
}

/// Whether events starting at `first` come after everything `saved` holds: a day later
/// than its last history day, and later than the last event its open windows saw.
fn follows(saved: &state::State, first: DateTime<Utc>) -> bool {
    saved
        .history
        .last_day()
        .is_none_or(|d| d < first.date_naive())
        && saved
            .carry
            .as_ref()
            .and_then(|c| c.last_event)
            .is_none_or(|l| l < first)
}

/// Whether `saved` holds neither history nor a last event (a new state, or one of days
/// all older than `history_days`).
fn holds_nothing(saved: &state::State) -> bool {
    saved.history.last_day().is_none()
        && saved.carry.as_ref().is_none_or(|c| c.last_event.is_none())
}

/// The time of the first event of `inputs` in time order. The reading stops at that
/// event: a file in time order costs its first block, a file out of order is read whole to
/// sort it. Rejects are not kept here: the run proper counts them.
fn first_event(
    inputs: &Inputs,
    plan: &Plan,
    opts: &ReadOptions,
) -> Result<Option<DateTime<Utc>>, SourceError> {
    let mut first = None;
    let mut uncounted = RejectSink::counting();
    // The sink's error stops the read at the first event; it carries nothing.
    let _stopped = source::ordered::for_each_in_time_order(
        inputs,
        plan,
        opts,
        1,
        &mut uncounted,
        &|_: &crate::event::Event| (),
        |ev, ()| {
            first = Some(ev.ts);
            Err(())
        },
    )?;
    Ok(first)
}

/// Runs the detectors over `inputs` in time order from the state `saved`, as an audit of
/// the same events would, and drops their alerts. Returns the engine after its last day,
/// what was read, and how many events count as work.
#[allow(clippy::too_many_arguments)]
fn learn(
    inputs: &Inputs,
    plan: &Plan,
    opts: &ReadOptions,
    threads: usize,
    resolver: &Arc<Resolver>,
    config: &Arc<Config>,
    saved: state::State,
    state_path: &Path,
    rejects: &mut RejectSink,
) -> Result<(Engine, FileStats, u64), RunError> {
    let mut engine = Engine::with_history(Arc::clone(resolver), Arc::clone(config), saved.history);
    if let Some(c) = &saved.carry {
        engine.restore(c).map_err(|source| RunError::Restore {
            path: state_path.to_path_buf(),
            source,
        })?;
    }
    let prepare = |ev: &crate::event::Event| Prepared::new(resolver, ev);
    let mut dropped = Vec::new();
    let mut counted = 0u64;
    let read = source::ordered::for_each_in_time_order(
        inputs,
        plan,
        opts,
        threads,
        rejects,
        &prepare,
        |ev, p| -> Result<(), std::convert::Infallible> {
            counted += u64::from(p.activity.is_some());
            engine.push_prepared(ev, p, &mut dropped);
            // A baseline raises nothing: what the detectors found is dropped as it closes.
            dropped.clear();
            Ok(())
        },
    )?;
    let read = match read {
        Ok(r) => r,
        Err(never) => match never {},
    };
    engine.finish(&mut dropped);
    // Nor later: what would be judged after the days learnt from is theirs, not an audit's.
    engine.forget_held_over();
    Ok((engine, read, counted))
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
