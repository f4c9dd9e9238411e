//! `custodes.toml`: every tunable of a run, with its default.
//!
//! Each section is a typed struct with `deny_unknown_fields`, so a misspelt key is an error
//! naming the key rather than a setting silently ignored. The defaults are what a fresh
//! install uses; `custodes config` prints them as a commented file (see
//! [`Config::default_toml`]). This module must not read the environment or the clock.

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// TOML's own message names the line, the column and the key.
    #[error("{path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
}

/// The values a setting may take, checked as the file is read: a value outside them is an
/// error naming the file, the line and the key (exit 2), never a silent clamp. Defaults
/// are inside them (`default_toml_matches_defaults` reads the default file through these).
pub(crate) mod valid {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};

    fn check<'de, D, T>(d: D, ok: impl Fn(&T) -> bool, what: &str) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + std::fmt::Display,
    {
        let v = T::deserialize(d)?;
        if ok(&v) {
            Ok(v)
        } else {
            Err(D::Error::custom(format!("{v} is not {what}")))
        }
    }

    /// [`check`] for a value in `range`.
    fn within<'de, D, T>(
        d: D,
        range: std::ops::RangeInclusive<T>,
        what: &str,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + std::fmt::Display + PartialOrd,
    {
        check(d, |v: &T| range.contains(v), what)
    }

    /// A day count or a minimum that 0 would switch into nonsense.
    pub(crate) fn at_least_one_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        check(d, |v: &u32| *v >= 1, "at least 1")
    }

    pub(crate) fn at_least_one_usize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        check(d, |v: &usize| *v >= 1, "at least 1")
    }

    /// [`at_least_one_u32`] and its kin for a key inside a tagged section (`[sinks.NAME]`),
    /// whose errors the TOML reader cannot place: the message names the key itself.
    pub(crate) fn key_at_least_one<'de, D, T>(d: D, key: &str) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + std::fmt::Display + PartialOrd + From<u8>,
    {
        check(
            d,
            |v: &T| *v >= T::from(1),
            &format!("at least 1 (`{key}`)"),
        )
    }

    /// A window in hours: at least one, at most a year.
    pub fn hours<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        within(d, 1..=8_760, "from 1 to 8760 (a year)")
    }

    /// A window in minutes: at least one, at most a week.
    pub fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        within(d, 1..=10_080, "from 1 to 10080 (a week)")
    }

    /// A window in minutes that 0 switches off: at most a week.
    pub(crate) fn minutes_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        within(d, 0..=10_080, "from 0 to 10080 (a week)")
    }

    /// How late an event may arrive, in seconds: at most a week.
    pub(crate) fn lateness_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        within(d, 0..=604_800, "from 0 to 604800 (a week)")
    }

    /// Days of history: at least one, at most ten years.
    pub fn history_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        within(d, 1..=3_650, "from 1 to 3650 (ten years)")
    }

    /// A count that takes two to mean anything (logins converging, a run of lookups).
    pub(crate) fn at_least_two_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        check(d, |v: &u32| *v >= 2, "at least 2")
    }

    pub(crate) fn at_least_two_usize<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        check(d, |v: &usize| *v >= 2, "at least 2")
    }

    /// A false discovery rate or a p-value threshold: strictly between 0 and 1.
    pub(crate) fn probability<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        check(
            d,
            |v: &f64| *v > 0.0 && *v < 1.0,
            "a probability strictly between 0 and 1",
        )
    }

    /// A share or a score: from 0 to 1.
    pub fn share<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        check(d, |v: &f64| (0.0..=1.0).contains(v), "a number from 0 to 1")
    }

    /// A quantile: above 0, at most 1.
    pub(crate) fn quantile<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        check(
            d,
            |v: &f64| *v > 0.0 && *v <= 1.0,
            "a quantile above 0 and at most 1",
        )
    }

    /// A ratio or a speed (TOML's `nan` and `inf` are numbers too).
    pub fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        check(
            d,
            |v: &f64| v.is_finite() && *v > 0.0,
            "a finite number above 0",
        )
    }

    pub(crate) fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        check(
            d,
            |v: &f64| v.is_finite() && *v >= 0.0,
            "a finite number, 0 or more",
        )
    }
}

/// The whole configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub lookups: LookupConfig,
    pub no_case: NoCaseConfig,
    pub identity: IdentityConfig,
    pub shared_credential: SharedCredentialConfig,
    pub baseline: BaselineConfig,
    pub odd_volume: OddVolumeConfig,
    pub subject_surge: SubjectSurgeConfig,
    pub fishing: FishingConfig,
    pub stream: StreamConfig,
    pub alerts: AlertConfig,
    pub pgaudit: PgauditConfig,
    /// Where `audit --sink NAME` and `watch --sink NAME` send alerts: `[sinks.NAME]`, one
    /// typed section each.
    pub sinks: std::collections::BTreeMap<String, crate::alert::sink::config::SinkConfig>,
    pub mariadb: MariadbConfig,
    pub mysql: MysqlConfig,
}

/// How much history the behaviour detectors keep and need.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineConfig {
    /// Days of history kept and used (a day is judged against the days before it).
    #[serde(deserialize_with = "valid::history_days")]
    pub history_days: u32,
    /// Active days (days with at least one lookup) a user needs before they are judged
    /// against their own history; before that, against their unit's peers only.
    #[serde(deserialize_with = "valid::at_least_one_usize")]
    pub min_user_days: usize,
    /// Member-days a unit needs before it can serve as a peer group.
    #[serde(deserialize_with = "valid::at_least_one_usize")]
    pub min_peer_days: usize,
    /// Distinct days those member-days must span. Few days do not make the tests eager:
    /// the count tests widen a short baseline's variance by a confidence bound, and
    /// nothing is raised below the minimum ratio to the unit's median day; a newcomer in
    /// the first week of a deployment is judged all the same.
    #[serde(deserialize_with = "valid::at_least_one_usize")]
    pub min_peer_distinct_days: usize,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        Self {
            history_days: 90,
            min_user_days: 10,
            min_peer_days: 10,
            min_peer_distinct_days: 3,
        }
    }
}

/// Thresholds of the `odd_volume` detector.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OddVolumeConfig {
    /// False discovery rate (Benjamini–Hochberg q) across the users judged each day, for
    /// `daily_count` and `distinct_subjects`.
    #[serde(deserialize_with = "valid::probability")]
    pub fdr: f64,
    /// `daily_count`: never fewer lookups than this in the day.
    pub daily_min_lookups: u32,
    /// `daily_count`: at least this many times the user's median day (the unit's median for
    /// a user without enough history).
    #[serde(deserialize_with = "valid::positive")]
    pub daily_min_ratio: f64,
    /// `burst`: length of the sliding window, minutes.
    #[serde(deserialize_with = "valid::minutes")]
    pub burst_window_minutes: i64,
    /// `burst`: never fewer typed queries than this within the window (a query sent to
    /// several systems within 2 s counts once). Work by hand reaches about forty in its
    /// busiest ten minutes (a bus of travellers at a booth, a busy call), so the floor is
    /// above that; a scrape runs to a hundred and more.
    pub burst_min_lookups: u32,
    /// `burst`: at least this many times the user's usual rate for such a window.
    #[serde(deserialize_with = "valid::positive")]
    pub burst_min_ratio: f64,
    /// `burst`: Poisson tail probability the window's count must fall below.
    #[serde(deserialize_with = "valid::probability")]
    pub burst_max_p: f64,
    /// `burst`: lookups within the window counting every system a query was sent to, a pace
    /// beyond work by hand: a burst however few queries were typed (unless the user's usual
    /// rate asks more), and the only bar with no history at all (neither the user's nor the
    /// unit's).
    pub burst_no_baseline_lookups: u32,
    /// `off_hours`: lookups in a day at unusual hours needed for an alert.
    pub off_hours_min_lookups: u32,
    /// `off_hours`: an hour is unusual when the user's lookups in it and the two hours either
    /// side are below this share of all their lookups.
    #[serde(deserialize_with = "valid::share")]
    pub off_hours_max_share: f64,
    /// `off_hours`: a stretch of work (no break over an hour) wholly at other hours that
    /// lasts this many hours is a shift worked at other hours (overtime, a swap, a call-out),
    /// not a session: its lookups are counted in the summary, not raised.
    pub off_hours_shift_hours: u32,
    /// `distinct_subjects`: never fewer distinct unexplained people than this in the day.
    /// A day spent on many unrelated people is a day's browsing: fifty and more. Thirty or
    /// forty strangers fit in one sitting (a scrape, a night), which `burst` and `off_hours`
    /// report as what it is; a second alert on the same lookups tells an investigator nothing.
    pub distinct_min_subjects: u32,
    /// `distinct_subjects`: at least this many times the user's median breadth.
    #[serde(deserialize_with = "valid::positive")]
    pub distinct_min_ratio: f64,
    /// `export`: never fewer rows (`result_count`) than this.
    pub export_min_rows: u64,
    /// `export`: at least this many times both the user's and the unit's usual largest result.
    #[serde(deserialize_with = "valid::positive")]
    pub export_min_ratio: f64,
    /// `export` before a unit's history spans three days: at least this many times the
    /// largest ordinary result (under `export_min_rows`) of its member-days so far, today's
    /// included. A first day or two may not yet hold a records unit's periodic bulk work,
    /// so the margin is wider than `export_min_ratio`.
    #[serde(deserialize_with = "valid::positive")]
    pub export_young_ratio: f64,
    /// `export`: a result this large is always reported, whatever the history (and even
    /// before there is any).
    pub export_always_rows: u64,
}

impl Default for OddVolumeConfig {
    fn default() -> Self {
        Self {
            fdr: 0.01,
            daily_min_lookups: 30,
            daily_min_ratio: 3.0,
            burst_window_minutes: 10,
            burst_min_lookups: 45,
            burst_min_ratio: 4.0,
            burst_max_p: 1e-6,
            burst_no_baseline_lookups: 60,
            off_hours_min_lookups: 8,
            off_hours_max_share: 0.01,
            off_hours_shift_hours: 4,
            distinct_min_subjects: 50,
            distinct_min_ratio: 3.0,
            export_min_rows: 1000,
            export_min_ratio: 10.0,
            export_young_ratio: 100.0,
            export_always_rows: 100_000,
        }
    }
}

/// Thresholds of the `subject_surge` detector.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SubjectSurgeConfig {
    /// Length of the sliding window, hours.
    #[serde(deserialize_with = "valid::hours")]
    pub window_hours: i64,
    /// Distinct logins, none with a case that explains the lookup, needed within the window.
    #[serde(deserialize_with = "valid::at_least_two_u32")]
    pub min_users: u32,
    /// ...and at least this many times the logins that usually look the person up in a day
    /// (the median day of their history).
    #[serde(deserialize_with = "valid::positive")]
    pub attention_ratio: f64,
}

impl Default for SubjectSurgeConfig {
    fn default() -> Self {
        Self {
            window_hours: 24,
            min_users: 5,
            attention_ratio: 3.0,
        }
    }
}

/// Thresholds of the `fishing` detector.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FishingConfig {
    /// Searches of one kind in a day (not explained by a case) needed before an alert, at
    /// the least; a user or unit that usually makes such searches needs more (below).
    #[serde(deserialize_with = "valid::at_least_one_u32")]
    pub min_searches: u32,
    /// The usual day of the user and of their unit is this quantile of their earlier active
    /// days' counts (the unit's member-days); the larger of the two is the norm.
    #[serde(deserialize_with = "valid::quantile")]
    pub usual_quantile: f64,
    /// A day is fishing when its count exceeds the norm times this ratio.
    #[serde(deserialize_with = "valid::positive")]
    pub usual_ratio: f64,
    /// A surname with no other criteria is a sweep when it returns at least this many
    /// records (`result_count`).
    pub surname_min_results: u64,
    /// Sequential plates, ids or house numbers must fall within this many minutes.
    #[serde(deserialize_with = "valid::minutes")]
    pub enumeration_window_minutes: i64,
    /// Distinct values in one sequence needed for `enumeration`.
    #[serde(deserialize_with = "valid::at_least_two_usize")]
    pub enumeration_min_run: usize,
    /// Largest step between neighbouring values of a sequence of plates or ids.
    pub enumeration_max_gap: u64,
    /// Largest step between neighbouring house numbers of one street (one side of a street
    /// steps by two).
    pub enumeration_max_house_gap: u64,
    /// Search fields (source fields or `key=value` criteria in `query_text`) that describe
    /// people or vehicles rather than name them; compared lower-case.
    pub attribute_fields: Vec<String>,
}

impl Default for FishingConfig {
    fn default() -> Self {
        Self {
            min_searches: 1,
            usual_quantile: 0.9,
            usual_ratio: 2.0,
            surname_min_results: 20,
            enumeration_window_minutes: 30,
            enumeration_min_run: 4,
            enumeration_max_gap: 2,
            enumeration_max_house_gap: 10,
            attribute_fields: [
                "sex",
                "gender",
                "race",
                "ethnicity",
                "age",
                "age_min",
                "age_max",
                "age_from",
                "age_to",
                "age_range",
                "birth_year",
                "hair",
                "hair_color",
                "eyes",
                "eye_color",
                "height",
                "weight",
                "make",
                "model",
                "vehicle_make",
                "vehicle_model",
                "color",
                "colour",
                "vehicle_color",
                "vehicle_colour",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// Live input (stdin, tailed files, network).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StreamConfig {
    /// Events may arrive this many seconds out of time order and are still analysed in
    /// order; later ones are rejected (counted and kept in the reject file), not dropped.
    #[serde(deserialize_with = "valid::lateness_seconds")]
    pub allowed_lateness_seconds: i64,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            allowed_lateness_seconds: 300,
        }
    }
}

/// Where the contract's `client` of a PostgreSQL event comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PgClient {
    /// The client address (`remote_host`, `%h`): the workstation as the server saw it.
    Host,
    /// `application_name`, which the client chooses (and can forge).
    ApplicationName,
}

/// Reading PostgreSQL + pgAudit logs (`--format pgaudit`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PgauditConfig {
    /// Where an event's `client` comes from.
    pub client: PgClient,
    /// The server's `log_line_prefix`, needed to read the stderr destination only.
    pub log_line_prefix: String,
    /// sqlcommenter keys (`/*case_id='C-1'*/`) that carry the case id, first found wins.
    pub case_keys: Vec<String>,
    /// sqlcommenter keys that carry the purpose.
    pub purpose_keys: Vec<String>,
    /// Settings (`SET [LOCAL] name = '…'`, `set_config('name', '…', …)`) that carry the
    /// case id; seen only with `pgaudit.log` including `misc_set` (or as a logged SELECT).
    pub case_settings: Vec<String>,
    /// Settings that carry the purpose.
    pub purpose_settings: Vec<String>,
    /// A regular expression over `application_name` with a named group `case` (and
    /// optionally `purpose`); empty = off. The client sets this name: a hint, not proof.
    pub application_name_pattern: String,
    /// "table.column" (table as logged, without schema) -> contract subject field.
    pub subject_columns: std::collections::BTreeMap<String, String>,
}

impl Default for PgauditConfig {
    fn default() -> Self {
        Self {
            client: PgClient::Host,
            log_line_prefix: "%m [%p] %c %l %u@%d %h app=[%a] ".into(),
            case_keys: vec!["case_id".into()],
            purpose_keys: vec!["purpose".into()],
            case_settings: vec!["app.case_id".into()],
            purpose_settings: vec!["app.purpose".into()],
            application_name_pattern: String::new(),
            subject_columns: Default::default(),
        }
    }
}

/// Reading MariaDB `server_audit` logs (`--format mariadb`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MariadbConfig {
    /// The zone of the server's clock: the file destination writes local time without an
    /// offset. "UTC", an IANA name ("Europe/Berlin") or a fixed offset ("+01:00").
    pub timezone: String,
    /// The server's `server_audit_query_log_limit` (bytes; 0 = no limit). A statement
    /// logged this long is taken as cut and gets no subject. `SET GLOBAL
    /// server_audit_query_log_limit = N` statements in the log are followed.
    pub query_log_limit: u64,
    /// sqlcommenter keys (`/*case_id='C-1'*/`) that carry the case id, first found wins.
    pub case_keys: Vec<String>,
    /// sqlcommenter keys that carry the purpose.
    pub purpose_keys: Vec<String>,
    /// User variables (`SET @case_id = 'C-1'`) that carry the case id for the rest of
    /// the connection (until set again, or to NULL).
    pub case_variables: Vec<String>,
    /// User variables that carry the purpose.
    pub purpose_variables: Vec<String>,
    /// "table.column" (table as written, without database) -> contract subject field.
    pub subject_columns: std::collections::BTreeMap<String, String>,
}

impl Default for MariadbConfig {
    fn default() -> Self {
        Self {
            timezone: "UTC".into(),
            query_log_limit: 1024,
            case_keys: vec!["case_id".into()],
            purpose_keys: vec!["purpose".into()],
            case_variables: vec!["@case_id".into()],
            purpose_variables: vec!["@purpose".into()],
            subject_columns: Default::default(),
        }
    }
}

/// Reading MySQL's JSON audit logs: Percona Server's `audit_log` plugin
/// (`--format percona`) and MySQL Enterprise Audit / `audit_log_filter`
/// (`--format mysql-enterprise`). Both write UTC, so there is no zone to set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MysqlConfig {
    /// Bytes (0 = none). Neither server cuts statements by a documented length, but a
    /// pipeline in between may (a syslog relay's message size, a filter's `replace`); a
    /// statement logged this long is taken as cut, marked `query_truncated` and given no
    /// subject.
    pub query_log_limit: u64,
    /// sqlcommenter keys (`/*case_id='C-1'*/`) that carry the case id, first found wins.
    pub case_keys: Vec<String>,
    /// sqlcommenter keys that carry the purpose.
    pub purpose_keys: Vec<String>,
    /// User variables (`SET @case_id = 'C-1'`) that carry the case id for the rest of
    /// the connection (until set again, or to NULL).
    pub case_variables: Vec<String>,
    /// User variables that carry the purpose.
    pub purpose_variables: Vec<String>,
    /// "table.column" (table as written, without database) -> contract subject field.
    pub subject_columns: std::collections::BTreeMap<String, String>,
}

impl Default for MysqlConfig {
    fn default() -> Self {
        Self {
            query_log_limit: 0,
            case_keys: vec!["case_id".into()],
            purpose_keys: vec!["purpose".into()],
            case_variables: vec!["@case_id".into()],
            purpose_variables: vec!["@purpose".into()],
            subject_columns: Default::default(),
        }
    }
}

/// One login used from places one person cannot be (`shared_credential` detector).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SharedCredentialConfig {
    /// A login back at a workstation within this many minutes of its last use there, after
    /// being used at another site in between, was in use at two places at once
    /// (`concurrent_clients`). 0 switches the check off.
    #[serde(deserialize_with = "valid::minutes_or_none")]
    pub concurrent_window_minutes: i64,
    /// Two workstations at one site count as concurrent only when the login goes back and
    /// forth between them this many times within the window: one walk to a colleague's
    /// desk and back is not sharing.
    #[serde(deserialize_with = "valid::at_least_one_u32")]
    pub same_site_returns: u32,
    /// Fastest plausible travel between sites by air, km/h, after the time it takes to get
    /// to and from airports (`impossible_travel`).
    #[serde(deserialize_with = "valid::positive")]
    pub max_speed_kmh: f64,
    /// Fastest plausible travel between sites by road, km/h: a move quicker than this
    /// allows and than a flight allows is impossible travel.
    #[serde(deserialize_with = "valid::positive")]
    pub max_ground_speed_kmh: f64,
    /// Sites closer than this are never impossible travel (coordinates are approximate).
    #[serde(deserialize_with = "valid::non_negative")]
    pub min_distance_km: f64,
}

impl Default for SharedCredentialConfig {
    fn default() -> Self {
        Self {
            concurrent_window_minutes: 10,
            same_site_returns: 2,
            max_speed_kmh: 900.0,
            max_ground_speed_kmh: 150.0,
            min_distance_km: 10.0,
        }
    }
}

/// Which events count as lookups of a person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LookupConfig {
    /// Actions that are not lookups (sessions opening and closing). Every other action,
    /// including source-specific verbs, is treated as a lookup.
    pub non_lookup_actions: Vec<String>,
    /// Actions that change the record looked up (contract `action` verbs, and the pgAudit
    /// reader's write commands, lower-cased): on the user's own record, a coworker's, an
    /// association's or a watch-list person's they are `record_change` alerts, critical,
    /// beside the alert of the lookup each also is.
    pub write_actions: Vec<String>,
}

impl Default for LookupConfig {
    fn default() -> Self {
        Self {
            non_lookup_actions: vec!["login".into(), "logout".into(), "login_failed".into()],
            write_actions: vec![
                "insert".into(),
                "update".into(),
                "delete".into(),
                "merge".into(),
            ],
        }
    }
}

/// What needs no case (`no_case` detector). Matching ignores case and punctuation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NoCaseConfig {
    /// Purposes that justify a lookup without a case (e.g. a roadside check).
    pub exempt_purposes: Vec<String>,
    /// Systems whose lookups never need a case.
    pub exempt_systems: Vec<String>,
    /// Actions that never need a case (in addition to non-lookup actions).
    pub exempt_actions: Vec<String>,
    /// Raise `subject_not_in_case` when a valid, assigned case does not list the person
    /// looked up. Off makes sense when case-subject lists are known to be incomplete.
    pub check_subjects: bool,
    /// Case ids that people type to fill a mandatory field; they count as no case at all.
    pub placeholder_case_ids: Vec<String>,
}

impl Default for NoCaseConfig {
    fn default() -> Self {
        Self {
            exempt_purposes: vec!["TRAFFIC_STOP".into()],
            exempt_systems: Vec::new(),
            exempt_actions: Vec::new(),
            check_subjects: true,
            placeholder_case_ids: [
                "N/A", "NA", "NONE", "NULL", "-", "--", "0", "TBD", "UNKNOWN", "X", "PENDING",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        }
    }
}

/// How identities are matched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityConfig {
    /// Tolerate a one-letter typo in a name when another identifier (dob, id, plate, phone,
    /// address) agrees.
    pub allow_typos: bool,
    /// Score of a name-only match to a name that exactly one known person has; it is divided
    /// by the number of known people sharing the name.
    #[serde(deserialize_with = "valid::share")]
    pub name_only_score: f64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self {
            allow_typos: true,
            name_only_score: 0.5,
        }
    }
}

/// How findings become alerts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AlertConfig {
    /// Group repeated hits of one user on one person (or, for `no_case`, one user's lookups
    /// of the same kind under the same case) within a UTC day into one alert.
    pub group_by_day: bool,
    /// Alerts scoring below this are not written (0 writes everything).
    #[serde(deserialize_with = "valid::share")]
    pub min_score: f64,
}

impl Default for AlertConfig {
    fn default() -> Self {
        Self {
            group_by_day: true,
            min_score: 0.0,
        }
    }
}

impl Config {
    /// Reads a configuration file; absent keys take their defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text).map_err(|source| ConfigError::Parse {
            path: shown,
            source,
        })
    }

    /// Parses a configuration's text; absent keys take their defaults.
    pub fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// The default configuration as a documented TOML file.
    pub fn default_toml() -> &'static str {
        DEFAULT_TOML
    }
}

/// Kept in sync with the `Default` impls by the `default_toml_matches_defaults` test.
const DEFAULT_TOML: &str = r#"# custodes.toml — every key with its default value.

[lookups]
# Actions that are not lookups of a person; every other action (query, export, and any
# source-specific verb) is.
non_lookup_actions = ["login", "logout", "login_failed"]
# Actions that change a person's record (compared lower-case). A write to the user's own
# record, a coworker's, an association's or a watch-list person's is a `record_change`
# alert of that identity detector, critical, beside the alert of the lookup it also is;
# a write is a lookup for every other detector too (a write without a case is `no_case`).
write_actions = ["insert", "update", "delete", "merge"]

[no_case]
# Purposes that justify a lookup without a case. Compared as upper-case words joined by
# `_`, so "traffic stop" and "Traffic-Stop" match TRAFFIC_STOP.
exempt_purposes = ["TRAFFIC_STOP"]
# Systems whose lookups never need a case.
exempt_systems = []
# Actions that never need a case.
exempt_actions = []
# Raise `subject_not_in_case` when a valid, assigned case does not list the person looked up.
check_subjects = true
# Case ids typed only to fill the field; they count as no case (kind `missing`).
placeholder_case_ids = ["N/A", "NA", "NONE", "NULL", "-", "--", "0", "TBD", "UNKNOWN", "X", "PENDING"]

[identity]
# Tolerate a one-letter typo in a name when another identifier agrees.
allow_typos = true
# Score of a name-only match to a name one known person has; divided by how many share it.
name_only_score = 0.5

[shared_credential]
# A login back at a workstation within this many minutes, after use at another site in
# between, was in use at two places at once (0 switches the check off).
concurrent_window_minutes = 10
# Back-and-forth returns between two workstations of one site that count as concurrent use.
same_site_returns = 2
# Fastest plausible travel between sites by air (km/h), after an hour and a half to and
# from airports, and by road (km/h): a move quicker than both allow is impossible travel.
max_speed_kmh = 900.0
max_ground_speed_kmh = 150.0
# Sites closer than this (km) are never impossible travel.
min_distance_km = 10.0

[baseline]
# Days of history kept and used; a day is judged against the days before it.
history_days = 90
# Active days a user needs before being judged against their own history (before that,
# against the peers of their unit).
min_user_days = 10
# Member-days a unit needs before it can serve as a peer group.
min_peer_days = 10
# Distinct days those member-days must span (a short baseline's variance is widened, and the
# minimum ratios to the unit's median day still apply).
min_peer_distinct_days = 3

[odd_volume]
# False discovery rate (Benjamini–Hochberg q) across the users judged each day.
fdr = 0.01
# daily_count: at least this many lookups, and this many times the user's median day.
daily_min_lookups = 30
daily_min_ratio = 3.0
# burst: sliding window (minutes); at least this many typed queries in it (a query sent
# to several systems within 2 s counts once; work by hand reaches about forty in its
# busiest ten minutes), this many times the user's usual rate, and a Poisson tail
# probability below burst_max_p.
burst_window_minutes = 10
burst_min_lookups = 45
burst_min_ratio = 4.0
burst_max_p = 1e-6
# burst: lookups in the window counting every system a query was sent to, a pace beyond
# work by hand: a burst however few were typed (unless the usual rate asks more), and the
# only bar before there is any history (the user's or the unit's).
burst_no_baseline_lookups = 60
# off_hours: lookups in a day at hours where the user (two hours either side included)
# made less than off_hours_max_share of their lookups.
off_hours_min_lookups = 8
off_hours_max_share = 0.01
# off_hours: a stretch of work (no break over an hour) wholly at such hours that lasts this
# long is a shift worked at other hours (overtime, a swap), counted and not raised.
off_hours_shift_hours = 4
# distinct_subjects: distinct people looked up without a case explaining it; a day's
# browsing holds fifty and more, one sitting's (a scrape, a night) is burst or off_hours.
distinct_min_subjects = 50
distinct_min_ratio = 3.0
# export: rows returned by one event, against the user's and the unit's usual largest.
export_min_rows = 1000
export_min_ratio = 10.0
# export before a unit's history spans three days: times the largest result under
# export_min_rows of its member-days so far, today's included (wider: the first days may
# lack periodic bulk work).
export_young_ratio = 100.0
# export: a result this large is always reported, even before there is any history.
export_always_rows = 100000

[subject_surge]
# Distinct logins looking one person up within window_hours, with no case explaining it,
# and attention_ratio times the logins that usually look them up in a day (median day).
window_hours = 24
min_users = 5
attention_ratio = 3.0

[fishing]
# Searches of one kind (wildcard_sweep, attribute_search, enumeration) in a day, not
# explained by a case, needed before an alert at the least...
min_searches = 1
# ...and more than usual_ratio times the usual day: the usual_quantile of the user's own
# earlier active days (once they have baseline.min_user_days of them) and of their unit's
# member-days, whichever is larger.
usual_quantile = 0.9
usual_ratio = 2.0
# A surname with no other criteria is a sweep when it returns this many records or more.
surname_min_results = 20
# enumeration: enumeration_min_run distinct plates, person ids or house numbers of one
# street within enumeration_window_minutes, each within max_gap of the next.
enumeration_window_minutes = 30
enumeration_min_run = 4
enumeration_max_gap = 2
enumeration_max_house_gap = 10
# attribute_search: fields that describe rather than name (source fields, or key=value,
# key/value or key:value criteria in query_text).
attribute_fields = ["sex", "gender", "race", "ethnicity", "age", "age_min", "age_max", "age_from", "age_to", "age_range", "birth_year", "hair", "hair_color", "eyes", "eye_color", "height", "weight", "make", "model", "vehicle_make", "vehicle_model", "color", "colour", "vehicle_color", "vehicle_colour"]

[stream]
# Seconds an event may arrive out of time order and still be analysed in order.
allowed_lateness_seconds = 300

[alerts]
# Group one user's repeated hits on one person within a UTC day into one alert.
group_by_day = true
# Alerts scoring below this are not written.
min_score = 0.0

[pgaudit]
# Where an event's `client` comes from: "host" (the client address) or "application_name"
# (chosen by the client program, so a hint rather than proof).
client = "host"
# The server's log_line_prefix; only the stderr destination needs it. It must contain
# %m (or %t or %n), %u and %c (or %p); %d, %h (or %r), %a and %v are used when present.
log_line_prefix = "%m [%p] %c %l %u@%d %h app=[%a] "
# sqlcommenter keys (`/*case_id='C-1',purpose='warrant%20check'*/`) for case and purpose.
case_keys = ["case_id"]
purpose_keys = ["purpose"]
# Settings that carry them: `SET [LOCAL] app.case_id = 'C-1'` (logged with
# pgaudit.log = 'misc_set') or `SELECT set_config('app.case_id', 'C-1', true)`.
case_settings = ["app.case_id"]
purpose_settings = ["app.purpose"]
# A regular expression over application_name with a named group `case` (and optionally
# `purpose`), e.g. "case=(?P<case>[^/]+)"; empty = off.
application_name_pattern = ""

# Which columns name the person looked up: "table.column" (the table as logged, without
# schema) = a subject field (person_id, last_name, first_name, name, dob, address, phone,
# plate). Without any, PostgreSQL events carry no subject. For example:
#   "persons.last_name" = "last_name"
#   "persons.dob" = "dob"
[pgaudit.subject_columns]

[mariadb]
# The zone of the MariaDB server's clock: server_audit's file output writes local time
# with no offset. "UTC", an IANA name ("Europe/Berlin") or a fixed offset ("+01:00").
timezone = "UTC"
# The server's server_audit_query_log_limit (bytes; 0 = none). A statement logged this
# long is taken as cut: it is marked `query_truncated` and gets no subject, since half a
# WHERE clause must not match anyone. Changes logged as SET GLOBAL are followed.
query_log_limit = 1024
# sqlcommenter keys for case and purpose, as for [pgaudit].
case_keys = ["case_id"]
purpose_keys = ["purpose"]
# User variables that carry them for the rest of the connection: `SET @case_id = 'C-1'`.
case_variables = ["@case_id"]
purpose_variables = ["@purpose"]

# Which columns name the person looked up, as for [pgaudit] (the table without database).
[mariadb.subject_columns]

[mysql]
# Percona Server's and MySQL Enterprise's JSON audit logs (times are UTC). Bytes (0 = none):
# a statement logged this long is taken as cut by whatever carried the log (a syslog
# relay's message size), marked `query_truncated` and given no subject.
query_log_limit = 0
# sqlcommenter keys and user variables for case and purpose, as for [mariadb].
case_keys = ["case_id"]
purpose_keys = ["purpose"]
case_variables = ["@case_id"]
purpose_variables = ["@purpose"]

# Which columns name the person looked up, as for [mariadb].
[mysql.subject_columns]

# Sinks: where `custodes audit --sink NAME` and `custodes watch --sink NAME` (repeatable)
# also send alerts, besides --out. None by default. Each is a [sinks.NAME] section whose
# `type` says what it is. `watch` keeps each sink's progress in its store and retries a
# sink that is down for as long as it runs; there, max_attempts counts only once the
# sources have ended, and queue is not used (the store is the queue).
#
#   # OCSF 1.5.0 Detection Findings (class 2004) as JSON lines, for an agent to ship.
#   [sinks.ocsf]
#   type = "ocsf_file"
#   path = "/var/lib/custodes/findings.ocsf.jsonl"  # created 0600
#   append = true                                   # false: replace it each audit run
#
#   # CEF over syslog: RFC 5424 over TCP with octet counting; TLS with tls_ca_file.
#   [sinks.siem]
#   type = "cef_syslog"
#   address = "collector.example:6514"              # host:port
#   tls_ca_file = "/etc/custodes/collector-ca.pem"  # omit for plain TCP
#   tls_server_name = "collector.example"           # default: the host of address
#   hostname = "-"                                  # RFC 5424 HOSTNAME of this machine
#   app_name = "custodes"
#   facility = 13                                   # 13 = log audit
#   max_attempts = 8                                # connect/send attempts, then give up
#   backoff_initial_ms = 500                        # doubled each attempt ...
#   backoff_max_ms = 30000                          # ... up to this
#   queue = 1000                                    # alerts waiting at most
#
#   # HTTP: Splunk HEC ("splunk_hec") or a JSON-array webhook with a bearer token
#   # ("webhook"); batched, retried on errors, 408, 429 and 5xx with backoff.
#   [sinks.splunk]
#   type = "http"
#   url = "https://splunk.example:8088/services/collector/event"
#   format = "splunk_hec"
#   payload = "alert"                               # or "ocsf"
#   token_file = "/etc/custodes/hec.token"          # one line; omit for no token
#   sourcetype = "custodes:alert"                   # HEC only
#   batch_size = 100
#   timeout_seconds = 10
#   max_attempts = 8
#   backoff_initial_ms = 500
#   backoff_max_ms = 30000
#   queue = 1000
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// Nonsense is refused, naming the key and the line; the edges of each range are not.
    #[test]
    fn values_outside_their_range_are_refused_naming_the_key() {
        let refused = [
            ("baseline", "history_days", "0"),
            ("baseline", "min_user_days", "0"),
            ("odd_volume", "fdr", "0.0"),
            ("odd_volume", "fdr", "1.0"),
            ("odd_volume", "burst_max_p", "1.5"),
            ("odd_volume", "burst_window_minutes", "0"),
            ("odd_volume", "daily_min_ratio", "-2.0"),
            ("odd_volume", "export_min_ratio", "nan"),
            ("odd_volume", "export_young_ratio", "0.0"),
            ("odd_volume", "off_hours_max_share", "1.01"),
            ("subject_surge", "window_hours", "-24"),
            ("subject_surge", "attention_ratio", "inf"),
            ("subject_surge", "window_hours", "9000"),
            ("subject_surge", "min_users", "1"),
            ("fishing", "enumeration_min_run", "1"),
            ("odd_volume", "burst_window_minutes", "20000"),
            ("baseline", "history_days", "100000"),
            ("stream", "allowed_lateness_seconds", "9999999"),
            ("fishing", "min_searches", "0"),
            ("fishing", "usual_quantile", "0.0"),
            ("fishing", "enumeration_window_minutes", "0"),
            ("stream", "allowed_lateness_seconds", "-1"),
            ("shared_credential", "concurrent_window_minutes", "-10"),
            ("shared_credential", "max_speed_kmh", "0.0"),
            ("shared_credential", "min_distance_km", "-1.0"),
            ("shared_credential", "same_site_returns", "0"),
            ("identity", "name_only_score", "2.0"),
            ("alerts", "min_score", "-0.1"),
        ];
        for (section, key, value) in refused {
            let text = format!("# a comment\n[{section}]\n{key} = {value}\n");
            let err = Config::parse(&text)
                .expect_err(&format!("{key} = {value} is refused"))
                .to_string();
            assert!(err.contains(key), "{key} = {value}: {err}");
            assert!(err.contains("line 3"), "{key} = {value}: {err}");
        }
        let accepted = [
            ("odd_volume", "fdr", "0.5"),
            ("odd_volume", "off_hours_max_share", "0.0"),
            ("odd_volume", "off_hours_max_share", "1.0"),
            ("fishing", "usual_quantile", "1.0"),
            ("stream", "allowed_lateness_seconds", "0"),
            ("shared_credential", "concurrent_window_minutes", "0"),
            ("shared_credential", "min_distance_km", "0.0"),
            ("subject_surge", "window_hours", "1"),
            ("alerts", "min_score", "1.0"),
        ];
        for (section, key, value) in accepted {
            let text = format!("[{section}]\n{key} = {value}\n");
            Config::parse(&text).unwrap_or_else(|e| panic!("{key} = {value}: {e}"));
        }
        let sink =
            "[sinks.s]\ntype = \"http\"\nurl = \"https://x.example/\"\nformat = \"splunk_hec\"\n";
        for bad in ["batch_size = 0", "timeout_seconds = 0", "max_attempts = 0"] {
            let err = Config::parse(&format!("{sink}{bad}\n"))
                .expect_err(bad)
                .to_string();
            let key = bad.split(' ').next().unwrap_or_default();
            assert!(err.contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn default_toml_matches_defaults() {
        let parsed = Config::parse(Config::default_toml()).expect("default file parses");
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn the_documented_sink_examples_parse_with_their_defaults() {
        use crate::alert::sink::config::SinkConfig;
        // The commented examples of `custodes config`, uncommented, must be a valid file
        // whose explicit values are the defaults of the keys left out.
        let examples: String = Config::default_toml()
            .split_once("# Sinks:")
            .map(|(_, t)| t)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.strip_prefix("#   "))
            .map(|l| format!("{l}\n"))
            .collect();
        let parsed = Config::parse(&examples).expect("the sink examples parse");
        assert_eq!(parsed.sinks.len(), 3);
        let minimal = Config::parse(
            "[sinks.siem]\ntype = \"cef_syslog\"\naddress = \"collector.example:6514\"\n\
             [sinks.splunk]\ntype = \"http\"\nurl = \"https://splunk.example:8088/services/collector/event\"\nformat = \"splunk_hec\"\n",
        )
        .expect("minimal sinks parse");
        match (&parsed.sinks["siem"], &minimal.sinks["siem"]) {
            (SinkConfig::CefSyslog(full), SinkConfig::CefSyslog(min)) => {
                assert_eq!(full.hostname, min.hostname);
                assert_eq!(full.app_name, min.app_name);
                assert_eq!(full.facility, min.facility);
                assert_eq!(full.max_attempts, min.max_attempts);
                assert_eq!(full.backoff_initial_ms, min.backoff_initial_ms);
                assert_eq!(full.backoff_max_ms, min.backoff_max_ms);
                assert_eq!(full.queue, min.queue);
            }
            other => panic!("{other:?}"),
        }
        match (&parsed.sinks["splunk"], &minimal.sinks["splunk"]) {
            (SinkConfig::Http(full), SinkConfig::Http(min)) => {
                let mut full = full.clone();
                full.token_file = None;
                assert_eq!(&full, min);
            }
            other => panic!("{other:?}"),
        }
        let err = Config::parse("[sinks.x]\ntype = \"ocsf_file\"\npath = \"a\"\npaht = \"b\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("paht"), "{err}");
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err = Config::parse("[no_case]\nexempt_purpose = [\"X\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("exempt_purpose"), "{err}");
    }
}
