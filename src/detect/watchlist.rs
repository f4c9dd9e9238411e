//! `watchlist_lookup`: a user looks up a person on the watch list (officials,
//! celebrities, journalists, crime victims in the news).

use serde_json::json;

use super::{
    a_jobs_read, explained, identity_findings, person_key, strongest, unit_work_on_the_person,
    Context, Detector, DetectorDoc, Finding, IdentityHit,
};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::{KnownPerson, Match, Resolved};

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "watchlist_lookup",
    kinds: &["(the watch-list category: official, celebrity, journalist, victim, ...)", "record_change"],
    what: "A user looks up someone on the watch list (watchlist.csv) without an assigned case that lists them. A write (insert, update, delete: `lookups.write_actions`) to that record is raised twice: as the lookup it also is, of the kind above, and as kind `record_change`, critical, with the statement and rows affected as evidence.",
    why: "Public figures and people in the news draw curiosity lookups and leaks to the press.",
    false_positives: "Protective details and genuine investigations that are not recorded as cases with subjects; a visitor who shares a listed person's name, searched by name only (held back on an exempt lookup by a login that names strangers by name alone as routine, such as a court's screening desk, unless the person is looked up again that day). A service account's read under an exempt purpose (a data-match job's run), or under a real case that lists the person (an interface relaying a case's alert), is not raised: nobody's curiosity is in it. Nor is an exempt lookup (custody work) of a watch-listed person a case of the user's own unit lists, open or closed in the last 30 days, by a user who does exempt work on at least half of their days: a prison holding a former senator (an investigator's lone traffic stop typed for an athlete their unit's case lists is still raised); nor exempt work typed under a case open at the time that lists the person (a radiographer imaging an admitted celebrity, a clerk registering the admission, typed under it), a write included.",
    tuning: "Add the cases that legitimately concern watch-listed people to cases/case_subjects.",
    example: "Looked up LINDQVIST, ARNE (DOB 1962-11-05), on the watch list as celebrity, by name only; no case attached.",
    needs: &["watchlist"],
};

pub(crate) struct WatchlistLookup;

impl Detector for WatchlistLookup {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // The match first: almost no lookup finds a listed person, and the exemptions
        // below read the user's history and their unit's cases.
        let Some((m, entry, person)) =
            listed_match(r, &r.watchlist, |e| cx.resolver.watch_entry(e))
        else {
            return;
        };
        if a_jobs_read(ev, r, cx)
            || unit_work_on_the_person(ev, r, cx)
            || r.exempt_under_the_persons_case()
        {
            return;
        }
        identity_findings(
            ev,
            r,
            m,
            IdentityHit {
                kind: entry.category.clone(),
                base: Severity::High,
                group: format!("watch:{}", person_key(&person.person_ids, &person.display)),
                matched: &person.display,
                what: format!(
                    "Looked up {}, on the watch list as {},",
                    person.display, entry.category
                ),
                extra: vec![("category", json!(entry.category))],
                among_many: true,
            },
            out,
        );
    }
}

/// For an unexplained lookup: the strongest of the matches `ms` against a reference list,
/// with the list's entry and person for it (`find`, the resolver's look-up into that list).
/// Shared with `association_lookup`.
pub(super) fn listed_match<'a, E>(
    r: &Resolved<'_>,
    ms: &'a [Match],
    find: impl FnOnce(u32) -> Option<(E, &'a KnownPerson)>,
) -> Option<(&'a Match, E, &'a KnownPerson)> {
    if explained(r) {
        return None;
    }
    let m = strongest(ms.iter())?;
    let (entry, person) = find(m.entry)?;
    Some((m, entry, person))
}
