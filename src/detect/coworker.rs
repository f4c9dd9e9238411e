//! `coworker_lookup`: a user looks up another employee.
//!
//! A colleague's name is also a member of the public's: a taxpayer who shares it calls the
//! contact centre week after week, a traveller who shares it crosses at the booths. When a
//! colleague has been matched by name alone, in exempt work, by [`SERVED_LOGINS`] logins or
//! more on [`SERVED_DAYS`] days or more before today, the agency serves someone of that name
//! (or serves the colleague as a member of the public): a further such match is counted,
//! not raised. Curiosity about a colleague in the news comes in one day, and the name typed
//! with a date of birth or an id that agrees, a write, or work that is not exempt, is always
//! judged. Those matches are kept per colleague and login for `baseline.history_days`,
//! saved with the engine's state. So are the ids typed with a colleague's name where their
//! personnel row holds none to compare (a revenue agency's HR export without the
//! employees' taxpayer ids): two or more other ids typed with it make the name several
//! customers', and a further match by name alone in exempt work is counted, not raised
//! ([`NAMESAKE_IDS`]). Such a colleague's name on a record the user reached by its id,
//! typed alone (a caller's taxpayer id, keyed before the account screen shows the name),
//! was not the user's choice: in exempt work, a match by name alone carrying an id the
//! same login typed with no name in the [`REACHED_BY_ID_MINUTES`] before is counted, not
//! raised, a write to the record included. The ids each login typed alone are kept for
//! those minutes, saved with the engine's state. A common name is a namesake's most likely:
//! where one or more of the people the agency has looked up would bear the colleague's name
//! ([`NameCensus`], [`NAMESAKES_EXPECTED`], from [`CENSUS_MIN_PEOPLE`] people counted), a match by name alone in exempt work is
//! counted, not raised, unless other logins matched the colleague too within two days
//! ([`ATTENTION_OTHER_LOGINS`]). This module judges lookups that find a
//! colleague and must not judge anyone else (the user is `self_query`'s, relatives
//! `association_lookup`'s).

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap as HashMap;
use serde_json::json;

use super::name_census::NameCensus;
use super::self_query::{employee_match, Whose};
use super::window::{LoginsSeen, PairDays};
use super::{
    a_jobs_read, identity_findings, saved_value, unit_work_on_the_person, Context, DayNote,
    Detector, DetectorDoc, Finding, IdentityHit, SavedStateError,
};
use crate::alert::Severity;
use crate::event::{Event, Text};
use crate::identity::index::MatchKind;
use crate::identity::{CaseStatus, Resolved};

/// Logins that must have matched a colleague by name alone in exempt work before today.
const SERVED_LOGINS: usize = 3;

/// Days on which they did.
const SERVED_DAYS: usize = 3;

/// Other ids typed with a colleague's name (whose personnel row holds no id to compare)
/// within `baseline.history_days`: that many people of the name are the agency's
/// customers besides whoever bears this one.
const NAMESAKE_IDS: usize = 2;

/// How long an id typed alone names the record the user then opened: a call's or a
/// counter visit's length.
const REACHED_BY_ID_MINUTES: i64 = 30;

/// Ids kept per login: the records of one call, and those of the calls before it.
const REACHED_BY_ID_KEPT: usize = 8;

/// Bearers of a colleague's name expected among the people the agency looked up so far
/// ([`NameCensus`]) from which a match by that name alone, in exempt work, is more likely
/// a namesake's than the colleague's: one besides whoever the colleague is.
const NAMESAKES_EXPECTED: f64 = 1.0;

/// People the census must hold before it says how common a name is: among a handful, the
/// colleague's name typed twice with two dates of birth would be half the names.
const CENSUS_MIN_PEOPLE: usize = 1000;

/// Other logins that matched a colleague by name alone within this many days, today
/// included, that make a common name a colleague in the news rather than a namesake.
const ATTENTION_DAYS: i64 = 2;
/// How many other logins, within [`ATTENTION_DAYS`], that takes.
const ATTENTION_OTHER_LOGINS: usize = 2;

/// One login's ids typed with no name, and when, oldest first.
type TypedAlone = Vec<(Text, DateTime<Utc>)>;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "coworker_lookup",
    kinds: &["same_unit", "other_unit", "supervisor", "record_change"],
    what: "A user looks up another employee: their supervisor, someone in their unit, or someone elsewhere in the organisation. A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Colleagues' records are looked up out of curiosity, rivalry or to help someone else; a supervisor's record is a classic target in disputes.",
    false_positives: "Internal-affairs and vetting work (explained when the investigator is assigned to a case that lists the colleague); a citizen who shares a colleague's name, searched by name only (held back on an exempt lookup by a login that names strangers by name alone as routine, such as a court's screening desk, unless the colleague is looked up again that day). A service account's read under an exempt purpose (a data-match job's run), or under a real case that lists the person (an interface relaying a case's alert), is not raised: nobody's curiosity is in it; nor is anyone's exempt work typed under a case open at the time that lists the colleague (a pharmacist verifying an admitted colleague's order on their admission, a technician entering their result), a write included; with no such case typed, a write is raised as `record_change` too. Nor is an exempt lookup of a colleague whom a case of the user's own unit lists, open or closed in the last 30 days, by a user who does exempt work on at least half of their days: a clinic's front desk scheduling a colleague who is the clinic's patient, or booking her follow-up after the visit closed (the same rule as a prison's officers and the senator it holds, `watchlist_lookup`); staff of another unit, or whose exempt work is an odd day's, are still raised. Nor is a lookup under a closed case that lists the colleague where the user's unit works closed cases under the purpose (billing, coding, a records desk: at least half its lookups), or works them steadily and the user held that very case (a physician following up a colleague who was their patient), judged when the day ends with `no_case`'s `closed_case` and counted in the summary; a colleague's closed chart opened by someone who never held it is raised. Nor is a match by name alone in exempt work (not a write) of a colleague whom three or more logins matched so on three or more earlier days of `baseline.history_days`: the agency serves someone of that name (a taxpayer who shares it calling week after week, the colleague crossing the border as a traveller), counted in the summary; a colleague in the news draws curiosity in a day, and is raised. Nor, for a colleague whose personnel row holds no person id to compare, is such a match typed with an id no table knows once two or more other ids were typed with the name within `baseline.history_days`: the name is several customers' (taxpayers who share it, each typed with their own id), and a name alone cannot say which, if any, is the colleague; counted in the summary. Nor, for such a colleague, is a match by name alone in exempt work on a record the login opened by an id it typed alone in the 30 minutes before (a caller's taxpayer id keyed, the account screen then showing the name), a write to it included: the name was the system's answer, and nothing ties the id to the colleague; counted in the summary. Nor is a match by name alone in exempt work (not a write) of a colleague whose name one or more of the people the agency has looked up so far would bear, counting the distinct people typed with a surname and a given name, from a thousand of them (the surname's bearers times the given name's, over everyone; the alert's `name_census` says how many): a traveller named HERNANDEZ, JUAN at secondary inspection, counted in the summary, unless two or more other logins matched the colleague so within two days (a colleague in the news draws several at once); a rare name is raised from the first. A colleague whose row holds a person id is never matched by name against another id.",
    tuning: "Assign internal-affairs cases with their subjects in `case_subjects.csv`; `identity.name_only_score`.",
    example: "Looked up coworker NOVAK, PETRA (DOB 1985-09-30), the user's supervisor, by person id; no case attached.",
    needs: &[],
};

pub(crate) struct Coworker {
    /// (colleague's employee id, login) -> matches by name alone in exempt work, per day.
    served: PairDays<u32>,
    /// (colleague's employee id, id typed) -> matches by name alone of a colleague whose
    /// personnel row holds no person id, typed with an id no table knows, per day.
    namesakes: PairDays<u32>,
    /// Such matches not raised since the last day's notes.
    set_aside: u64,
    /// Matches not raised as one of several namesakes since the last day's notes.
    namesakes_set_aside: u64,
    /// login -> the ids it typed with no name, and when, oldest first: at most
    /// [`REACHED_BY_ID_KEPT`], none older than [`REACHED_BY_ID_MINUTES`] when read.
    typed_alone: HashMap<Text, TypedAlone>,
    /// Matches not raised as a record reached by its id since the last day's notes.
    reached_by_id_set_aside: u64,
    /// The people typed by name, for how common a colleague's name is among them.
    census: NameCensus,
    /// Colleague's employee id -> the logins that matched them by name alone, and when:
    /// attention from several logins at once is not a namesake's.
    attention: LoginsSeen,
    /// Matches not raised as a common name's since the last day's notes.
    common_name_set_aside: u64,
}

impl Coworker {
    pub(crate) fn new(history_days: u32) -> Self {
        Coworker {
            served: PairDays::new(history_days),
            namesakes: PairDays::new(history_days),
            set_aside: 0,
            namesakes_set_aside: 0,
            typed_alone: HashMap::default(),
            reached_by_id_set_aside: 0,
            census: NameCensus::default(),
            attention: LoginsSeen::default(),
            common_name_set_aside: 0,
        }
    }

    /// Keeps the id of a lookup typed with no name, by login.
    fn keep_typed_alone(&mut self, login: &str, id: &str, ts: DateTime<Utc>) {
        let ids = match self.typed_alone.get_mut(login) {
            Some(ids) => ids,
            None => self.typed_alone.entry(Text::from(login)).or_default(),
        };
        ids.retain(|(kept, _)| kept.as_str() != id);
        if ids.len() >= REACHED_BY_ID_KEPT {
            ids.remove(0);
        }
        ids.push((Text::from(id), ts));
    }

    /// Whether `login` typed `id` with no name in the [`REACHED_BY_ID_MINUTES`] before `ts`
    /// (strictly before: the lines of one screen, written in the same second, are one
    /// lookup, whichever carries the name).
    fn reached_by_id(&self, login: &str, id: &str, ts: DateTime<Utc>) -> bool {
        let since = ts - chrono::Duration::minutes(REACHED_BY_ID_MINUTES);
        self.typed_alone.get(login).is_some_and(|ids| {
            ids.iter()
                .any(|(kept, at)| kept.as_str() == id && *at < ts && *at >= since)
        })
    }

    /// Records a match by name alone in exempt work; whether the agency already served
    /// someone of the colleague's name before `day` ([`SERVED_LOGINS`], [`SERVED_DAYS`]).
    fn served_before(&mut self, colleague: &str, login: &str, day: NaiveDate) -> bool {
        let before = day
            .pred_opt()
            .map(|d| self.served.breadth(colleague, d))
            .unwrap_or((0, 0));
        self.served.count(colleague, login, day, |n| *n += 1);
        before.0 >= SERVED_LOGINS && before.1 >= SERVED_DAYS
    }

    /// Records the id typed with a match by name alone; whether [`NAMESAKE_IDS`] or more
    /// other ids were typed with the colleague's name within the window, earlier today
    /// included: the records hold that many other people of the name.
    fn among_namesakes(&mut self, colleague: &str, id: &str, day: NaiveDate) -> bool {
        let (ids, _) = self.namesakes.breadth(colleague, day);
        let this_one = usize::from(self.namesakes.within(colleague, id, day).next().is_some());
        self.namesakes.count(colleague, id, day, |n| *n += 1);
        ids.saturating_sub(this_one) >= NAMESAKE_IDS
    }

    /// Whether the name typed is one that [`NAMESAKES_EXPECTED`] or more of the people the
    /// agency looked up so far would bear ([`NameCensus`]).
    fn common_name(&self, r: &Resolved<'_>) -> bool {
        self.census.people() >= CENSUS_MIN_PEOPLE
            && r.query.name.as_ref().is_some_and(|n| {
                self.census.expected_bearers(&n.last, &n.first_canonical) >= NAMESAKES_EXPECTED
            })
    }
}

impl Detector for Coworker {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        DayNote::set_aside([
            ("colleague_name_served", std::mem::take(&mut self.set_aside)),
            (
                "colleague_namesakes",
                std::mem::take(&mut self.namesakes_set_aside),
            ),
            (
                "colleague_reached_by_id",
                std::mem::take(&mut self.reached_by_id_set_aside),
            ),
            (
                "colleague_common_name",
                std::mem::take(&mut self.common_name_set_aside),
            ),
        ])
    }

    fn save(&self) -> Option<serde_json::Value> {
        let served = self.served.save().ok()?;
        let namesakes = self.namesakes.save().ok()?;
        // In login order, so that a state saved twice is written the same.
        let mut typed_alone: Vec<_> = self.typed_alone.iter().collect();
        typed_alone.sort_by(|a, b| a.0.cmp(b.0));
        Some(json!({
            "served": served,
            "namesakes": namesakes,
            "typed_alone": typed_alone,
            "name_census": self.census.save(),
            "attention": self.attention,
        }))
    }

    fn restore(&mut self, saved: &serde_json::Value) -> Result<(), SavedStateError> {
        // States saved before these matches were kept start counting afresh.
        if let Some(v) = saved.get("served") {
            self.served.restore(v, "served")?;
        }
        if let Some(v) = saved.get("namesakes") {
            self.namesakes.restore(v, "namesakes")?;
        }
        if let Some(v) = saved.get("typed_alone") {
            let rows: Vec<(Text, TypedAlone)> = saved_value(v, "typed_alone")?;
            self.typed_alone = rows.into_iter().collect();
        }
        if let Some(v) = saved.get("name_census") {
            self.census.restore(v)?;
        }
        if let Some(v) = saved.get("attention") {
            self.attention = saved_value(v, "attention")?;
        }
        Ok(())
    }

    /// The matches are all learnt: those of days before `before` are taken back, and the
    /// days audited again are counted afresh.
    fn restore_learnt(
        &mut self,
        saved: &serde_json::Value,
        before: NaiveDate,
    ) -> Result<(), SavedStateError> {
        self.restore(saved)?;
        self.served.forget_days_from(before);
        self.namesakes.forget_days_from(before);
        for ids in self.typed_alone.values_mut() {
            ids.retain(|(_, at)| at.date_naive() < before);
        }
        Ok(())
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if r.is_lookup && r.query.name.is_none() {
            if let Some(id) = r.query.person_id.as_deref() {
                self.keep_typed_alone(&ev.user, id, ev.ts);
            }
        }
        self.judge(ev, r, cx, out);
        // Counted after the judgement: a name is weighed against the people before it.
        if let (true, Some(n)) = (r.is_lookup, r.query.name.as_ref()) {
            self.census.count(&n.last, &n.first_canonical, r.query.dob);
        }
    }
}

impl Coworker {
    fn judge(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if a_jobs_read(ev, r, cx) || r.exempt_under_the_persons_case() {
            return;
        }
        let resolver = cx.resolver;
        let Some((me, m, matched)) = employee_match(r, resolver, Whose::Others) else {
            return;
        };
        // Only now: almost no lookup finds a colleague, and this reads the user's history
        // and their unit's cases.
        if unit_work_on_the_person(ev, r, cx) {
            return;
        }
        let Some(target) = resolver.employee(m.entry) else {
            return;
        };
        let day = ev.ts.date_naive();
        // An id typed with the name, where the colleague's row holds none to compare, is
        // whoever bears it: recorded from every such match, exempt or not.
        let unlinked_id = r
            .query
            .person_id
            .as_deref()
            .filter(|_| m.kind == MatchKind::NameOnly && target.person.person_ids.is_empty());
        let namesakes =
            unlinked_id.is_some_and(|id| self.among_namesakes(&target.employee_id, id, day));
        let exempt = matches!(r.case, CaseStatus::Exempt { .. });
        // The record was opened by its id, typed alone a moment before: the name on it was
        // the system's answer, not the user's choice, and nothing ties the id to the
        // colleague. Its writes are that record's processing (a return posted by its id).
        if exempt && unlinked_id.is_some_and(|id| self.reached_by_id(&ev.user, id, ev.ts)) {
            self.reached_by_id_set_aside += 1;
            return;
        }
        // Other logins that matched the colleague by name alone in the last two days: a
        // colleague in the news, whose name is no namesake's however common.
        let noticed = if m.kind == MatchKind::NameOnly {
            self.attention
                .saw(&target.employee_id, &ev.user, day, ATTENTION_DAYS)
                >= ATTENTION_OTHER_LOGINS
        } else {
            false
        };
        if m.kind == MatchKind::NameOnly && exempt && !r.is_write {
            let served = self.served_before(&target.employee_id, &ev.user, day);
            if served || namesakes {
                if namesakes && !served {
                    self.namesakes_set_aside += 1;
                } else {
                    self.set_aside += 1;
                }
                return;
            }
            if !noticed && self.common_name(r) {
                self.common_name_set_aside += 1;
                return;
            }
        }
        let (kind, base, relation) =
            if me.supervisor.as_deref() == Some(target.employee_id.as_str()) {
                ("supervisor", Severity::High, "the user's supervisor")
            } else if me.unit.is_some() && me.unit == target.unit {
                ("same_unit", Severity::Medium, "in the same unit")
            } else {
                ("other_unit", Severity::Medium, "in another unit")
            };
        // What a name alone rests on: how many of the people looked up so far would bear it.
        let mut extra = vec![
            ("coworker_employee_id", json!(target.employee_id)),
            ("coworker_unit", json!(target.unit)),
            ("user_unit", json!(me.unit)),
        ];
        if let (MatchKind::NameOnly, Some(n)) = (m.kind, r.query.name.as_ref()) {
            let expected = self.census.expected_bearers(&n.last, &n.first_canonical);
            extra.push((
                "name_census",
                json!({
                    "expected_bearers": (expected * 100.0).round() / 100.0,
                    "people_counted": self.census.people(),
                }),
            ));
        }
        let first = out.len();
        identity_findings(
            ev,
            r,
            m,
            IdentityHit {
                kind: kind.to_string(),
                base,
                group: format!("employee:{}", target.employee_id),
                matched,
                what: format!("Looked up coworker {matched}, {relation},"),
                extra,
                among_many: true,
            },
            out,
        );
        // Under a closed case that lists the colleague, whether the unit works closed
        // cases (billing, coding, a records desk, or steadily and this very case the
        // user's) is known when the day ends: the engine holds the findings until then.
        let closed = r.closed_case_lists();
        for f in &mut out[first..] {
            f.closed_case_of_the_person = closed;
        }
    }
}
