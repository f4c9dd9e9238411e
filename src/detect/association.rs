//! `association_lookup`: a user looks up someone in their own known associations
//! (ex-partners, family, neighbours...), while the association is valid.

use serde_json::json;

use super::watchlist::listed_match;
use super::{
    a_jobs_read, identity_findings, person_key, Context, Detector, DetectorDoc, Finding,
    IdentityHit,
};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::Resolved;

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "association_lookup",
    kinds: &["ex_partner", "partner", "spouse", "family", "neighbor", "associate", "protected_party", "(any other relation)", "record_change"],
    what: "A user looks up a person listed in their own associations (associations.csv), at a time the association is valid (valid_from..valid_to). A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Looking up ex-partners, family and neighbours is the most documented abuse of these systems, and the one that most often precedes harassment or stalking.",
    false_positives: "A relative who is genuinely part of a case the user works (explained when the case lists them); stale association lists. A service account's read under an exempt purpose (a data-match job's run), or under a real case that lists the person (an interface relaying a case's alert), is not raised: nobody's curiosity is in it.",
    tuning: "Keep associations.csv current; set valid_to when a relationship ends being relevant.",
    example: "Looked up HALVORSEN, MAREN (DOB 1984-07-19), listed as the user's ex_partner, by name and date of birth; no case attached.",
    needs: &["associations"],
};

/// Base severity by relation: protected parties (protection orders) are the gravest.
fn base(relation: &str) -> Severity {
    match relation {
        "protected_party" => Severity::Critical,
        "ex_partner" | "partner" | "spouse" | "family" => Severity::High,
        _ => Severity::Medium,
    }
}

pub(crate) struct AssociationLookup;

impl Detector for AssociationLookup {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if a_jobs_read(ev, r, cx) {
            return;
        }
        let Some((m, assoc, person)) =
            listed_match(r, &r.associations, |e| cx.resolver.association(e))
        else {
            return;
        };
        identity_findings(
            ev,
            r,
            m,
            IdentityHit {
                kind: assoc.relation.clone(),
                base: base(&assoc.relation),
                group: format!(
                    "association:{}",
                    person_key(&person.person_ids, &person.display)
                ),
                matched: &person.display,
                what: format!(
                    "Looked up {}, who is listed as the user's {},",
                    person.display,
                    assoc.relation.replace('_', "-")
                ),
                extra: vec![(
                    "association",
                    json!({"employee_id": assoc.employee_id, "relation": assoc.relation, "source": assoc.source}),
                )],
                among_many: false,
            },
            out,
        );
    }
}
