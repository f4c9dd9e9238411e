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
//! So a lookup with no case typed, or under a case the agency does not have, is held for
//! [`FAN_OUT`] of event time. It is the fan-out of an explained lookup, counted and not
//! raised, when the same login, at the same workstation (in the same session when a line
//! names none), within [`FAN_OUT`] either side,
//! looked up under a case that explains it someone the two searches agree on: the same
//! person id, the same plate, or the same surname (one slip apart at most: the two lines
//! are one typing). Otherwise it is raised as it would have been, [`FAN_OUT`] later.
//!
//! Only an explained line makes a fan-out: a line under another case of the user's that
//! does not list the person, or under an exemption, shows no case the search was for.
//! A scrape typed once per person and fanned out stays a scrape: every line of it lacks
//! the case.
//!
//! This module keeps each login's explained lookups of the last [`FAN_OUT`] and the lookups
//! held; it must not judge anything else (the [`Engine`](super::Engine) decides what is
//! held and raises what this module lets go). Nothing here outlives the engine's day, so
//! saved state never holds it.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use super::{GroupKey, OpenAlert};
use crate::event::Event;
use crate::identity::normalize::within_one_edit;
use crate::identity::Query;

/// How far apart in time the lines of one fan-out are logged: the systems answer within a
/// second or two of each other (the same window `odd_volume` counts a fan-out by).
pub(crate) const FAN_OUT: Duration = Duration::seconds(2);

/// What a search was about, as far as two lines of one fan-out must agree.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Searched {
    client: Option<String>,
    session: Option<String>,
    person_id: Option<String>,
    plate: Option<String>,
    /// The surname, and the other reading of a whole name typed without a comma
    /// (`ANDERSON RAYMOND` is Anderson or Raymond).
    surnames: [Option<String>; 2],
}

impl Searched {
    fn of(ev: &Event, q: &Query) -> Option<Self> {
        let s = Searched {
            client: ev.client.clone(),
            session: ev.session.clone(),
            person_id: q.person_id.clone(),
            plate: q.plate.clone(),
            surnames: [&q.name, &q.swapped]
                .map(|n| n.as_ref().map(|n| n.last.clone()).filter(|l| !l.is_empty())),
        };
        let names = s.surnames.iter().any(Option::is_some);
        (s.person_id.is_some() || s.plate.is_some() || names).then_some(s)
    }

    /// Whether two lines are one search: typed at the same workstation (in the same
    /// session when either line names none: each system may log a session of its own),
    /// with a person id, plate or surname in common.
    fn agrees(&self, other: &Searched) -> bool {
        fn same(a: &Option<String>, b: &Option<String>) -> bool {
            matches!((a, b), (Some(a), Some(b)) if a == b)
        }
        let here = match (&self.client, &other.client) {
            (Some(a), Some(b)) => a == b,
            _ => self.session == other.session,
        };
        here && (same(&self.person_id, &other.person_id)
            || same(&self.plate, &other.plate)
            || self.surnames.iter().flatten().any(|a| {
                other
                    .surnames
                    .iter()
                    .flatten()
                    .any(|b| within_one_edit(a, b))
            }))
    }
}

/// A lookup held for its fan-out.
pub(super) struct Held {
    pub key: GroupKey,
    pub alert: OpenAlert,
    at: DateTime<Utc>,
    searched: Searched,
}

/// Each login's recent explained lookups, and the lookups held.
#[derive(Default)]
pub(super) struct FanOut {
    /// Login → its explained lookups of the last [`FAN_OUT`], oldest first.
    explained: HashMap<String, VecDeque<(DateTime<Utc>, Searched)>>,
    /// Held lookups, in time order (the engine is fed in time order).
    held: VecDeque<Held>,
    /// Held lookups found to be a fan-out, since the engine last asked.
    pub set_aside: u64,
}

impl FanOut {
    /// The login looked up, at `ev.ts`, someone the case explains.
    pub(super) fn explained(&mut self, ev: &Event, q: &Query) {
        let Some(searched) = Searched::of(ev, q) else {
            return;
        };
        // A held line of the same search, earlier in the window, is its fan-out.
        let before = self.held.len();
        self.held.retain(|h| {
            !(h.key.user == ev.user && ev.ts - h.at <= FAN_OUT && h.searched.agrees(&searched))
        });
        self.set_aside += (before - self.held.len()) as u64;
        let recent = match self.explained.get_mut(&ev.user) {
            Some(r) => r,
            None => self.explained.entry(ev.user.clone()).or_default(),
        };
        while recent.front().is_some_and(|(t, _)| ev.ts - *t > FAN_OUT) {
            recent.pop_front();
        }
        recent.push_back((ev.ts, searched));
    }

    /// Holds a lookup with no case, or an unknown one, for its fan-out; `None` when it is
    /// one already (an explained line of the same search came first) or names nothing the
    /// lines could agree on (then it is the caller's to raise now).
    pub(super) fn hold(
        &mut self,
        ev: &Event,
        q: &Query,
        key: GroupKey,
        alert: OpenAlert,
    ) -> Option<(GroupKey, OpenAlert)> {
        let Some(searched) = Searched::of(ev, q) else {
            return Some((key, alert));
        };
        let sibling = self.explained.get(&ev.user).is_some_and(|recent| {
            recent
                .iter()
                .any(|(t, s)| ev.ts - *t <= FAN_OUT && s.agrees(&searched))
        });
        if sibling {
            self.set_aside += alert.findings as u64;
            return None;
        }
        self.held.push_back(Held {
            key,
            alert,
            at: ev.ts,
            searched,
        });
        None
    }

    /// Hands `each` the held lookups whose window has passed by `now` (all of them when
    /// `now` is `None`: the day's end), in the order they were held; forgets the explained
    /// lookups too at the day's end.
    pub(super) fn release(&mut self, now: Option<DateTime<Utc>>, mut each: impl FnMut(Held)) {
        while let Some(h) = self.held.front() {
            if now.is_some_and(|t| t - h.at <= FAN_OUT) {
                break;
            }
            if let Some(h) = self.held.pop_front() {
                each(h);
            }
        }
        if now.is_none() {
            self.explained.clear();
        } else if self.explained.len() > 4096 {
            // Logins long quiet hold nothing of use: dropped now and then, not per event.
            let t = now.unwrap_or_default();
            self.explained
                .retain(|_, r| r.back().is_some_and(|(at, _)| t - *at <= FAN_OUT));
        }
    }

    /// Whether a lookup is held (for the engine's cheap check before releasing).
    pub(super) fn holds_any(&self) -> bool {
        !self.held.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(user: &str, sec: i64, session: &str) -> Event {
        Event {
            id: format!("{user}-{sec}"),
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

    fn surname(last: &str) -> Query {
        Query {
            name: crate::identity::normalize::name_from_parts(last, ""),
            ..Query::default()
        }
    }

    fn key(user: &str) -> GroupKey {
        GroupKey {
            detector: "no_case",
            kind: "unknown_case".into(),
            user: user.into(),
            group: "case:C250908-0167".into(),
            day: None,
        }
    }

    fn alert() -> OpenAlert {
        OpenAlert {
            employee_id: None,
            first: Utc::now(),
            last: Utc::now(),
            event_ids: vec!["e".into()],
            times: vec![Utc::now()],
            findings: 1,
            severity: crate::alert::Severity::Medium,
            strength: 1.0,
            reason: String::new(),
            evidence: serde_json::Value::Null,
            dirty: true,
        }
    }

    fn released(f: &mut FanOut, now: Option<DateTime<Utc>>) -> usize {
        let mut n = 0;
        f.release(now, |_| n += 1);
        n
    }

    #[test]
    fn a_line_of_an_explained_search_is_set_aside_whichever_comes_first() {
        let mut f = FanOut::default();
        // The records system's line first, then the index's under the incident number.
        f.explained(&ev("tallen", 0, "s1"), &surname("WOODS"));
        assert!(f
            .hold(
                &ev("tallen", 0, "s1"),
                &surname("WOODS"),
                key("tallen"),
                alert()
            )
            .is_none());
        assert_eq!(f.set_aside, 1);
        // The index's line first: held, then the explained line sets it aside.
        f.hold(
            &ev("tallen", 60, "s1"),
            &surname("TRUJILO"),
            key("tallen"),
            alert(),
        );
        f.explained(&ev("tallen", 61, "s1"), &surname("TRUJILLO"));
        assert_eq!(f.set_aside, 2);
        assert_eq!(released(&mut f, None), 0);
    }

    #[test]
    fn another_search_session_login_or_second_is_raised() {
        let mut f = FanOut::default();
        f.explained(&ev("tallen", 0, "s1"), &surname("WOODS"));
        // Another surname, another session, another login, three seconds on.
        f.hold(
            &ev("tallen", 1, "s1"),
            &surname("HUGHES"),
            key("tallen"),
            alert(),
        );
        f.hold(
            &ev("tallen", 1, "s2"),
            &surname("WOODS"),
            key("tallen"),
            alert(),
        );
        f.hold(&ev("bo", 1, "s1"), &surname("WOODS"), key("bo"), alert());
        f.hold(
            &ev("tallen", 3, "s1"),
            &surname("WOODS"),
            key("tallen"),
            alert(),
        );
        assert_eq!(f.set_aside, 0);
        // Each goes once its window has passed, not before.
        let t = |sec| Some(ev("x", sec, "s").ts);
        assert_eq!(released(&mut f, t(3)), 0);
        assert_eq!(released(&mut f, t(4)), 3);
        assert_eq!(released(&mut f, None), 1);
        assert!(!f.holds_any());
    }

    #[test]
    fn a_whole_name_without_a_comma_agrees_read_either_way() {
        let mut f = FanOut::default();
        f.explained(&ev("sjones", 0, "s1"), &surname("ANDERSON"));
        let typed = crate::event::Subject {
            name: Some("ANDERSON RAYMOND".into()),
            ..Default::default()
        };
        let q = Query::from_subject(&typed);
        assert!(f
            .hold(&ev("sjones", 1, "s1"), &q, key("sjones"), alert())
            .is_none());
        assert_eq!(f.set_aside, 1);
    }

    #[test]
    fn a_search_that_names_nothing_is_not_held() {
        let mut f = FanOut::default();
        let back = f.hold(
            &ev("tallen", 0, "s1"),
            &Query::default(),
            key("tallen"),
            alert(),
        );
        assert!(back.is_some());
        assert!(!f.holds_any());
    }
}
