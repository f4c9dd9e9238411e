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
//! saved with the engine's state. This module judges lookups that find a colleague and
//! must not judge anyone else (the user is `self_query`'s, relatives `association_lookup`'s).

use chrono::NaiveDate;
use serde_json::json;

use super::self_query::{employee_match, Whose};
use super::window::PairDays;
use super::{
    a_jobs_read, identity_findings, unit_work_on_the_person, Context, DayNote, Detector,
    DetectorDoc, Finding, IdentityHit, SavedStateError,
};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::index::MatchKind;
use crate::identity::{CaseStatus, Resolved};

/// Logins that must have matched a colleague by name alone in exempt work before today.
const SERVED_LOGINS: usize = 3;

/// Days on which they did.
const SERVED_DAYS: usize = 3;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "coworker_lookup",
    kinds: &["same_unit", "other_unit", "supervisor", "record_change"],
    what: "A user looks up another employee: their supervisor, someone in their unit, or someone elsewhere in the organisation. A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Colleagues' records are looked up out of curiosity, rivalry or to help someone else; a supervisor's record is a classic target in disputes.",
    false_positives: "Internal-affairs and vetting work (explained when the investigator is assigned to a case that lists the colleague); a citizen who shares a colleague's name, searched by name only (held back on an exempt lookup by a login that names strangers by name alone as routine, such as a court's screening desk, unless the colleague is looked up again that day). A service account's read under an exempt purpose (a data-match job's run), or under a real case that lists the person (an interface relaying a case's alert), is not raised: nobody's curiosity is in it; nor is anyone's exempt work typed under a case open at the time that lists the colleague (a pharmacist verifying an admitted colleague's order on their admission, a technician entering their result), a write included; with no such case typed, a write is raised as `record_change` too. Nor is an exempt lookup of a colleague whom a case of the user's own unit lists, open or closed in the last 30 days, by a user who does exempt work on at least half of their days: a clinic's front desk scheduling a colleague who is the clinic's patient, or booking her follow-up after the visit closed (the same rule as a prison's officers and the senator it holds, `watchlist_lookup`); staff of another unit, or whose exempt work is an odd day's, are still raised. Nor is a lookup under a closed case that lists the colleague where the user's unit works closed cases under the purpose (billing, coding, a records desk: at least half its lookups), or works them steadily and the user held that very case (a physician following up a colleague who was their patient), judged when the day ends with `no_case`'s `closed_case` and counted in the summary; a colleague's closed chart opened by someone who never held it is raised. Nor is a match by name alone in exempt work (not a write) of a colleague whom three or more logins matched so on three or more earlier days of `baseline.history_days`: the agency serves someone of that name (a taxpayer who shares it calling week after week, the colleague crossing the border as a traveller), counted in the summary; a colleague in the news draws curiosity in a day, and is raised.",
    tuning: "Assign internal-affairs cases with their subjects in `case_subjects.csv`; `identity.name_only_score`.",
    example: "Looked up coworker NOVAK, PETRA (DOB 1985-09-30), the user's supervisor, by person id; no case attached.",
    needs: &[],
};

pub(crate) struct Coworker {
    /// (colleague's employee id, login) -> matches by name alone in exempt work, per day.
    served: PairDays<u32>,
    /// Such matches not raised since the last day's notes.
    set_aside: u64,
}

impl Coworker {
    pub(crate) fn new(history_days: u32) -> Self {
        Coworker {
            served: PairDays::new(history_days),
            set_aside: 0,
        }
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
}

impl Detector for Coworker {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        let count = std::mem::take(&mut self.set_aside);
        if count == 0 {
            return Vec::new();
        }
        vec![DayNote::SetAside {
            kind: "colleague_name_served",
            count,
        }]
    }

    fn save(&self) -> Option<serde_json::Value> {
        self.served.save().ok().map(|v| json!({ "served": v }))
    }

    fn restore(&mut self, saved: &serde_json::Value) -> Result<(), SavedStateError> {
        // States saved before these matches were kept start counting afresh.
        if let Some(v) = saved.get("served") {
            self.served.restore(v, "served")?;
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
        Ok(())
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
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
        if m.kind == MatchKind::NameOnly
            && matches!(r.case, CaseStatus::Exempt { .. })
            && !r.is_write
            && self.served_before(&target.employee_id, &ev.user, ev.ts.date_naive())
        {
            self.set_aside += 1;
            return;
        }
        let (kind, base, relation) =
            if me.supervisor.as_deref() == Some(target.employee_id.as_str()) {
                ("supervisor", Severity::High, "the user's supervisor")
            } else if me.unit.is_some() && me.unit == target.unit {
                ("same_unit", Severity::Medium, "in the same unit")
            } else {
                ("other_unit", Severity::Medium, "in another unit")
            };
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
                extra: vec![
                    ("coworker_employee_id", json!(target.employee_id)),
                    ("coworker_unit", json!(target.unit)),
                    ("user_unit", json!(me.unit)),
                ],
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
