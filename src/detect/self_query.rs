//! `self_query`: a user looks up their own record.

use serde_json::json;

use super::{
    explained, identity_findings, strongest, Context, Detector, DetectorDoc, Finding, IdentityHit,
};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::{Match, Resolved, Resolver};
use crate::refs::Personnel;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "self_query",
    kinds: &["person_id", "name_dob", "plate", "address", "phone", "name_only", "record_change"],
    what: "A user looks up their own record: their person id, name and date of birth, plate, phone or address (any of the employee's logins). A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Checking one's own record (warrants, points, who else has looked) is a misuse of access in itself and a common first step before tampering.",
    false_positives: "Training exercises on one's own record; a name-only search for a common name that happens to be the user's (scored low, and lower the more known people share the name).",
    tuning: "`identity.name_only_score` sets how much a bare name counts; `alerts.min_score` hides weak alerts.",
    example: "Looked up their own record (VARGA, ILONA (DOB 1979-04-12)) by name and date of birth; no case attached.",
    needs: &[],
};

pub(crate) struct SelfQuery;

impl Detector for SelfQuery {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some((me, m, matched)) = employee_match(r, cx.resolver, Whose::Own) else {
            return;
        };
        identity_findings(
            ev,
            r,
            m,
            IdentityHit {
                kind: m.kind.as_str().to_string(),
                base: Severity::Medium,
                group: format!("employee:{}", me.employee_id),
                matched,
                what: format!("Looked up their own record ({matched})"),
                extra: vec![("employee_id", json!(me.employee_id))],
                among_many: false,
            },
            out,
        );
    }
}

/// Which employees looked up [`employee_match`] takes: the user's own record
/// (`self_query`) or the others (`coworker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Whose {
    Own,
    Others,
}

/// For an unexplained lookup by a user on the personnel list: the user, the strongest
/// match among the employees looked up that are `whose`, and that employee's displayed
/// name. Shared with `coworker`, which takes the other employees.
pub(super) fn employee_match<'a>(
    r: &'a Resolved<'a>,
    resolver: &'a Resolver,
    whose: Whose,
) -> Option<(&'a Personnel, &'a Match, &'a str)> {
    let me = r.personnel?;
    if explained(r) {
        return None;
    }
    let chosen = r.employees.iter().filter(|m| {
        resolver
            .employee(m.entry)
            .is_some_and(|e| (e.employee_id == me.employee_id) == (whose == Whose::Own))
    });
    let m = strongest(chosen)?;
    let matched = resolver
        .employee_person(m.entry)
        .map(|p| p.display.as_str())
        .unwrap_or_default();
    Some((me, m, matched))
}
