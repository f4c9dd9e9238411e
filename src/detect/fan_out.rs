//! A typed query's fan-out: one search sent to several systems in the same second.
//!
//! A patrol terminal sends what the officer typed to the records system, the state's
//! criminal index and the motor-vehicle file at once, and each system logs its own line.
//! The records system's line carries the case as the records system links it
//! (`25-500267`); the others carry whatever their case field held: the dispatch incident's
//! number (`C250908-0167`), a note (`see CAD`), or nothing. Judged one line at a time, the
//! second and third lines are lookups under a case that does not exist, or under none
//! (`no_case` `unknown_case`, `missing`), though they are the same search as the first,
//! which the case explains.
//!
//! So a lookup with no case typed, or under a case the agency does not have, is the fan-out
//! of an explained lookup, counted and not raised, when the same login, at the same
//! workstation (in the same session when a line names none), within the [`FAN_OUT`] before
//! it, looked up under a case that explains it someone the two searches agree on: the same
//! person id, the same plate, or the same surname (one slip apart at most, either reading
//! of a whole name typed without a comma: the lines are one typing).
//!
//! Only an explained line makes a fan-out: a line under another case of the user's that
//! does not list the person, or under an exemption, shows no case the search was for.
//! A scrape typed once per person and fanned out stays a scrape: every line of it lacks
//! the case.
//!
//! Limits: only a line logged after its explained line is read so. Waiting for a later
//! explained line would hold every such lookup back (a live service would show it only
//! once another event came), and on the blind city-police world, whose fan-outs this
//! models, waiting for one set nothing more aside. A fan-out across midnight UTC is two
//! days' and is not joined.
//!
//! This module keeps each login's explained lookups of the last [`FAN_OUT`]; it must not
//! judge anything else (the [`Engine`](super::Engine) asks it of the lookups `no_case`
//! would raise). Nothing here outlives the engine's day, so saved state never holds it.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::event::{Event, Text};
use crate::identity::normalize::within_one_edit;
use crate::identity::Query;

/// How far apart in time the lines of one fan-out are logged: the systems answer within a
/// second or two of each other (the same window `odd_volume` counts a fan-out by).
pub(crate) const FAN_OUT: Duration = Duration::seconds(2);

/// Where a search was typed, and what it asked: the query is the one the resolver made
/// (shared, not copied: this runs for every explained lookup).
#[derive(Debug, Clone)]
struct Searched {
    client: Option<Text>,
    session: Option<Text>,
    query: Arc<Query>,
}

/// The surname, and the other reading of a whole name typed without a comma
/// (`ANDERSON RAYMOND` is Anderson or Raymond).
fn surnames(q: &Query) -> impl Iterator<Item = &str> {
    [&q.name, &q.swapped]
        .into_iter()
        .flatten()
        .map(|n| n.last.as_str())
        .filter(|l| !l.is_empty())
}

/// Whether a query names anything two lines of one search could agree on.
fn names_something(q: &Query) -> bool {
    q.person_id.is_some() || q.plate.is_some() || surnames(q).next().is_some()
}

impl Searched {
    /// Whether `q`, typed at `ev`'s workstation (in its session when either line names
    /// none: each system may log a session of its own), is this search: a person id,
    /// plate or surname in common.
    fn agrees(&self, ev: &Event, q: &Query) -> bool {
        fn same(a: &Option<String>, b: &Option<String>) -> bool {
            matches!((a, b), (Some(a), Some(b)) if a == b)
        }
        let here = match (&self.client, &ev.client) {
            (Some(a), Some(b)) => a == b,
            _ => self.session == ev.session,
        };
        let mine = &self.query;
        here && (same(&mine.person_id, &q.person_id)
            || same(&mine.plate, &q.plate)
            || surnames(mine).any(|a| surnames(q).any(|b| within_one_edit(a, b))))
    }
}

/// Each login's recent explained lookups.
#[derive(Default)]
pub(super) struct FanOut {
    /// Login → its explained lookups of the last [`FAN_OUT`], oldest first.
    explained: HashMap<Text, VecDeque<(DateTime<Utc>, Searched)>>,
}

impl FanOut {
    /// The login looked up, at `ev.ts`, someone the case explains.
    pub(super) fn explained(&mut self, ev: &Event, q: &Arc<Query>) {
        if !names_something(q) {
            return;
        }
        let recent = match self.explained.get_mut(&ev.user) {
            Some(r) => r,
            None => self.explained.entry(ev.user.clone()).or_default(),
        };
        while recent.front().is_some_and(|(t, _)| ev.ts - *t > FAN_OUT) {
            recent.pop_front();
        }
        recent.push_back((
            ev.ts,
            Searched {
                client: ev.client.clone(),
                session: ev.session.clone(),
                query: Arc::clone(q),
            },
        ));
    }

    /// Whether a lookup with no case, or an unknown one, is a line of a search whose
    /// explained line the same login logged within the [`FAN_OUT`] before it.
    pub(super) fn of_explained(&self, ev: &Event, q: &Query) -> bool {
        names_something(q)
            && self.explained.get(&ev.user).is_some_and(|recent| {
                recent
                    .iter()
                    .any(|(t, s)| ev.ts - *t <= FAN_OUT && s.agrees(ev, q))
            })
    }

    /// Forgets the day's explained lookups.
    pub(super) fn end_day(&mut self) {
        self.explained.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(user: &str, sec: i64, session: &str) -> Event {
        Event {
            id: format!("{user}-{sec}").into(),
            ts: Utc
                .with_ymd_and_hms(2025, 9, 8, 11, 24, 0)
                .single()
                .expect("a valid time")
                + Duration::seconds(sec),
            user: user.into(),
            action: "query".into(),
            system: None,
            session: Some(session.into()),
            client: None,
            ip: None,
            case_id: None,
            purpose: None,
            subject: crate::event::Subject::default(),
            result_count: None,
            query_text: None,
            extra: serde_json::Map::new(),
            origin: crate::event::Origin {
                file: "t".into(),
                line: 1,
            },
        }
    }

    fn surname(last: &str) -> Arc<Query> {
        Arc::new(Query {
            name: crate::identity::normalize::name_from_parts(last, ""),
            ..Query::default()
        })
    }

    #[test]
    fn a_line_after_its_explained_line_is_a_fan_out() {
        let mut f = FanOut::default();
        // The records system's line first, then the index's under the incident number,
        // with a slip in the surname.
        f.explained(&ev("tallen", 0, "s1"), &surname("TRUJILLO"));
        assert!(f.of_explained(&ev("tallen", 0, "s1"), &surname("TRUJILLO")));
        assert!(f.of_explained(&ev("tallen", 2, "s1"), &surname("TRUJILO")));
        // Logged before its explained line: not read so.
        let f = FanOut::default();
        assert!(!f.of_explained(&ev("tallen", 0, "s1"), &surname("HUGHES")));
    }

    #[test]
    fn another_search_session_login_or_second_is_not() {
        let mut f = FanOut::default();
        f.explained(&ev("tallen", 0, "s1"), &surname("WOODS"));
        assert!(!f.of_explained(&ev("tallen", 1, "s1"), &surname("HUGHES")));
        assert!(!f.of_explained(&ev("tallen", 1, "s2"), &surname("WOODS")));
        assert!(!f.of_explained(&ev("bo", 1, "s1"), &surname("WOODS")));
        assert!(!f.of_explained(&ev("tallen", 3, "s1"), &surname("WOODS")));
        f.end_day();
        assert!(!f.of_explained(&ev("tallen", 1, "s1"), &surname("WOODS")));
    }

    #[test]
    fn a_whole_name_without_a_comma_agrees_read_either_way() {
        let mut f = FanOut::default();
        f.explained(&ev("sjones", 0, "s1"), &surname("ANDERSON"));
        let typed = crate::event::Subject {
            name: Some("ANDERSON RAYMOND".into()),
            ..Default::default()
        };
        assert!(f.of_explained(&ev("sjones", 1, "s1"), &Query::from_subject(&typed)));
    }

    #[test]
    fn a_search_that_names_nothing_is_no_fan_out() {
        let mut f = FanOut::default();
        f.explained(&ev("tallen", 0, "s1"), &Arc::new(Query::default()));
        assert!(!f.of_explained(&ev("tallen", 0, "s1"), &Query::default()));
    }
}
