//! Integration tests: they drive the real `custodes` binary on files under `tests/`.
//! One test binary on purpose: every binary links polars, and each costs minutes to link.

mod bad_input;
mod baseline;
mod behaviour;
mod browser;
mod classes;
mod cli;
mod fishing;
mod formats;
mod hardening;
mod identity_and_cases;
mod kinds;
mod learning;
mod lookups;
mod lookups_recorded;
mod mariadb;
mod mariadb_e2e;
mod mysql;
mod ordered;
mod paging;
mod pgaudit;
mod pgaudit_e2e;
mod record_change;
mod rotation;
mod serve;
mod shared_credential;
mod sinks;
mod store_load;
mod support;
mod watch;
mod watch_sinks;
mod workbench;
mod world;
