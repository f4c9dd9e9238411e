//! The case's scene: people met while a case is being worked.
//!
//! A case's list of people is written before the work and corrected after it. A trooper at
//! a crash runs the driver the case lists, then the passenger and the witness it does not
//! list yet; a detective running the suspect the case lists also runs the associates the
//! interview names. Each such lookup is typed under the user's own open case, and the case
//! does not list the person (`no_case` `subject_not_in_case`), yet it is the case's work.
//! A cover case reads differently: an officer types their own case's number to look up
//! someone unrelated, at another time, without the case's people around it.
//!
//! So a lookup under the user's own case that does not list the person, who is none of the
//! agency's own (not the user, a colleague, the user's associate or a watch-listed person:
//! those are always judged), is held until the day ends. When the same login worked the same
//! case within [`SCENE`] before or after (a lookup of someone the case lists), the lookup is
//! the case's scene: counted, not raised, unless the login's day under the case holds more
//! such lookups than a scene has people ([`SCENE_LOOKUPS`]: a list worked down under a
//! case number), or its day under all its cases more than a shift's scenes do
//! ([`SCENE_LOOKUPS_A_DAY`]). Otherwise it goes on as before: a stranger to the day's
//! judgement of strangers ([`super::unlisted`]), anyone else raised.
//!
//! Only a lookup the case explains is its work here: a plate or a stranger under the case
//! cannot be shown to be the case's, and a scrape under a cover case is full of them (on
//! the realistic worlds, counting them set a hundred-lookup scrape aside).
//!
//! Measured, not guessed: on the highway-patrol and city-police worlds, written blind,
//! every unlabelled `subject_not_in_case` alert of the misconduct-free twins but a few
//! had the case worked within half an hour, and the labelled cover cases of the realistic
//! and police worlds almost never did. The hospital and corrections worlds model cover
//! cases typed amid the case's own work (a nurse opening an unrelated chart under her
//! patient's encounter): those are missed (docs/accuracy.md, eighteenth session).
//!
//! The lookups wait for the day's end, not for their scene to pass: the caps count the
//! whole day (a scrape's first lookups would otherwise pass before its count is known), and
//! strangers are judged then anyway.
//!
//! Limits: a scene is not carried across the engine's day (the work seen is forgotten when
//! it ends), so one that straddles midnight UTC is judged on its half of the day; and a
//! login that runs its case's people before it looks up an unrelated stranger under the
//! same case is not raised for that stranger. The identity detectors judge the person
//! whoever they are.
//!
//! This module keeps when each login worked each case that day and the lookups held; it must
//! not judge anything else (the [`Engine`](super::Engine) decides what is held and what a
//! released lookup becomes).

use rustc_hash::FxHashMap as HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{GroupKey, OpenAlert};

/// How long before or after a lookup the case's work makes it the case's scene.
pub(crate) const SCENE: Duration = Duration::minutes(30);

/// The most lookups of people its list leaves out that one login's day under one case can
/// hold and still be a scene: a crash's passengers and witnesses, each run on two or three
/// systems. Past it the login is working down a list under the case (a scrape of a hundred
/// people under one case number), and none of its later lookups is the scene's.
pub(crate) const SCENE_LOOKUPS: u32 = 10;

/// The most such lookups one login's day, under all its cases, can hold and still be its
/// scenes': a patrol shift's calls, each with a passenger or a witness. Past it the day is
/// a list worked down under case numbers drawn from the login's caseload (on the realistic
/// worlds, days of 33 to 113 such lookups; on the blind city-police world's busiest
/// misconduct-free days, 12).
pub(crate) const SCENE_LOOKUPS_A_DAY: u32 = 20;

/// A lookup held until the day ends.
pub(super) struct Held {
    pub key: GroupKey,
    pub alert: OpenAlert,
    /// A stranger's lookup ([`crate::identity::Resolved::stranger_not_listed`]), judged
    /// with the day's strangers if the scene does not explain it.
    pub stranger: bool,
    case_id: String,
    at: DateTime<Utc>,
}

/// When each login worked each case today, and the lookups held for the scene.
#[derive(Default)]
pub(super) struct CaseScene {
    /// Login as the events spell it → case id (as the cases table writes it) → the times,
    /// in order (the engine is fed in time order).
    worked: HashMap<String, HashMap<String, Vec<DateTime<Utc>>>>,
    held: Vec<Held>,
    /// How many lookups each alert's key has had held today ([`SCENE_LOOKUPS`]).
    today: HashMap<GroupKey, u32>,
    /// How many each login has had held today ([`SCENE_LOOKUPS_A_DAY`]).
    today_login: HashMap<String, u32>,
}

impl CaseScene {
    /// The login worked `case_id` at `ts`.
    pub(super) fn worked(&mut self, login: &str, case_id: &str, ts: DateTime<Utc>) {
        let cases = match self.worked.get_mut(login) {
            Some(c) => c,
            None => self.worked.entry(login.to_string()).or_default(),
        };
        match cases.get_mut(case_id) {
            Some(times) => times.push(ts),
            None => {
                cases.insert(case_id.to_string(), vec![ts]);
            }
        }
    }

    /// Holds a lookup under `case_id` at `at` until the day ends.
    pub(super) fn hold(
        &mut self,
        key: GroupKey,
        alert: OpenAlert,
        stranger: bool,
        case_id: String,
        at: DateTime<Utc>,
    ) {
        *self.today.entry(key.clone()).or_default() += 1;
        *self.today_login.entry(key.user.clone()).or_default() += 1;
        self.held.push(Held {
            key,
            alert,
            stranger,
            case_id,
            at,
        });
    }

    /// Hands `each` the day's held lookups, in the order they were held, with whether each
    /// is the case's scene; then forgets the day, so that a scene never spans two days and
    /// a run resumed from saved state the next day judges as one long run does.
    pub(super) fn end_day(&mut self, mut each: impl FnMut(Held, bool)) {
        for h in std::mem::take(&mut self.held) {
            let amid = self.amid(&h);
            each(h, amid);
        }
        self.worked.clear();
        self.today.clear();
        self.today_login.clear();
    }

    /// Whether the login worked the lookup's case within [`SCENE`] either side, on a day
    /// that holds no more such lookups than scenes do.
    fn amid(&self, h: &Held) -> bool {
        let few = self.today.get(&h.key).is_none_or(|&n| n <= SCENE_LOOKUPS)
            && self
                .today_login
                .get(&h.key.user)
                .is_none_or(|&n| n <= SCENE_LOOKUPS_A_DAY);
        few && self
            .worked
            .get(&h.key.user)
            .and_then(|cases| cases.get(&h.case_id))
            .is_some_and(|times| {
                let from = times.partition_point(|&t| t < h.at - SCENE);
                times.get(from).is_some_and(|&t| t <= h.at + SCENE)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 3, 14, 0, 0)
            .single()
            .expect("a valid time")
            + Duration::minutes(min)
    }

    fn key(user: &str) -> GroupKey {
        GroupKey {
            detector: "no_case",
            kind: "subject_not_in_case".into(),
            user: user.into(),
            group: "case:HP-1".into(),
            day: Some(at(0).date_naive()),
        }
    }

    fn alert(ts: DateTime<Utc>) -> OpenAlert {
        OpenAlert {
            employee_id: None,
            first: ts,
            last: ts,
            event_ids: vec!["e".into()],
            times: vec![ts],
            findings: 1,
            severity: crate::alert::Severity::Medium,
            strength: 1.0,
            reason: String::new(),
            evidence: serde_json::Value::Null,
            dirty: true,
        }
    }

    fn released(s: &mut CaseScene) -> Vec<bool> {
        let mut out = Vec::new();
        s.end_day(|_, amid| out.push(amid));
        out
    }

    #[test]
    fn work_on_the_case_before_or_after_within_the_scene_explains_it() {
        let mut s = CaseScene::default();
        s.worked("trooper", "HP-1", at(0));
        s.hold(key("trooper"), alert(at(20)), false, "HP-1".into(), at(20));
        // The case worked after the lookup: the witness run before the driver.
        s.hold(
            key("trooper"),
            alert(at(100)),
            false,
            "HP-1".into(),
            at(100),
        );
        s.worked("trooper", "HP-1", at(125));
        // Work on each side of a lookup, but not within the scene of it.
        s.hold(key("trooper"), alert(at(60)), false, "HP-1".into(), at(60));
        assert_eq!(released(&mut s), vec![true, true, false]);
    }

    #[test]
    fn another_case_another_login_or_a_long_gap_does_not() {
        let mut s = CaseScene::default();
        s.worked("trooper", "HP-2", at(0));
        s.worked("partner", "HP-1", at(0));
        s.worked("trooper", "HP-1", at(0));
        s.hold(key("trooper"), alert(at(31)), false, "HP-1".into(), at(31));
        s.hold(key("trooper"), alert(at(40)), false, "HP-2".into(), at(40));
        s.hold(key("partner"), alert(at(45)), false, "HP-2".into(), at(45));
        assert_eq!(released(&mut s), vec![false, false, false]);
    }

    #[test]
    fn a_list_worked_down_under_the_case_is_no_scene() {
        let mut s = CaseScene::default();
        s.worked("scraper", "HP-1", at(0));
        for i in 0..=SCENE_LOOKUPS {
            let t = at(1) + Duration::seconds(i64::from(i));
            s.hold(key("scraper"), alert(t), false, "HP-1".into(), t);
        }
        let amid = released(&mut s);
        assert_eq!(amid.len(), SCENE_LOOKUPS as usize + 1);
        assert!(amid.iter().all(|a| !a), "{amid:?}");
    }

    #[test]
    fn a_day_of_lists_worked_down_under_many_cases_is_no_scene() {
        let mut s = CaseScene::default();
        for i in 0..=SCENE_LOOKUPS_A_DAY {
            let case = format!("HP-{i}");
            let t = at(1) + Duration::seconds(i64::from(i));
            s.worked("scraper", &case, t);
            let mut k = key("scraper");
            k.group = format!("case:{case}");
            s.hold(k, alert(t), false, case, t);
        }
        let amid = released(&mut s);
        assert!(amid.iter().all(|a| !a), "{amid:?}");
    }

    #[test]
    fn a_new_day_starts_without_the_work_of_the_last() {
        let mut s = CaseScene::default();
        s.worked("trooper", "HP-1", at(0));
        assert!(released(&mut s).is_empty());
        s.hold(key("trooper"), alert(at(10)), false, "HP-1".into(), at(10));
        assert_eq!(released(&mut s), vec![false]);
    }
}
