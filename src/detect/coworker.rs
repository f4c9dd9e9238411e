//! `coworker_lookup`: a user looks up another employee.

use serde_json::json;

use super::self_query::{employee_match, Whose};
use super::{
    a_jobs_read, identity_findings, unit_work_on_the_person, Context, Detector, DetectorDoc,
    Finding, IdentityHit,
};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::Resolved;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "coworker_lookup",
    kinds: &["same_unit", "other_unit", "supervisor", "record_change"],
    what: "A user looks up another employee: their supervisor, someone in their unit, or someone elsewhere in the organisation. A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Colleagues' records are looked up out of curiosity, rivalry or to help someone else; a supervisor's record is a classic target in disputes.",
    false_positives: "Internal-affairs and vetting work (explained when the investigator is assigned to a case that lists the colleague); a citizen who shares a colleague's name, searched by name only (held back on an exempt lookup by a login that names strangers by name alone as routine, such as a court's screening desk, unless the colleague is looked up again that day). A service account's read under an exempt purpose (a data-match job's run), or under a real case that lists the person (an interface relaying a case's alert), is not raised: nobody's curiosity is in it; nor is anyone's exempt work typed under a case open at the time that lists the colleague (a pharmacist verifying an admitted colleague's order on their admission, a technician entering their result), a write included; with no such case typed, a write is raised as `record_change` too. Nor is an exempt lookup of a colleague whom a case of the user's own unit lists, open or closed in the last 30 days, by a user who does exempt work on at least half of their days: a clinic's front desk scheduling a colleague who is the clinic's patient, or booking her follow-up after the visit closed (the same rule as a prison's officers and the senator it holds, `watchlist_lookup`); staff of another unit, or whose exempt work is an odd day's, are still raised.",
    tuning: "Assign internal-affairs cases with their subjects in `case_subjects.csv`; `identity.name_only_score`.",
    example: "Looked up coworker NOVAK, PETRA (DOB 1985-09-30), the user's supervisor, by person id; no case attached.",
    needs: &[],
};

pub(crate) struct Coworker;

impl Detector for Coworker {
    fn name(&self) -> &'static str {
        DOC.name
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
        let (kind, base, relation) =
            if me.supervisor.as_deref() == Some(target.employee_id.as_str()) {
                ("supervisor", Severity::High, "the user's supervisor")
            } else if me.unit.is_some() && me.unit == target.unit {
                ("same_unit", Severity::Medium, "in the same unit")
            } else {
                ("other_unit", Severity::Medium, "in another unit")
            };
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
    }
}
