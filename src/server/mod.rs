//! `custodes serve`: the investigators' workbench and the oversight dashboard, served over
//! the alert store that `custodes audit --db` and `custodes watch --db` fill.
//!
//! Built in steps; so far: [`auth`] (passwords, tokens). Every route that shows personal
//! data will require a session and write to the store's access log.

pub mod auth;
