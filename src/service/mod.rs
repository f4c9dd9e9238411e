//! placeholder
pub mod follow;
pub mod item;
pub mod metrics;
