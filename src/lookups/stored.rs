//! Searching the alert store without the case index: what `custodes lookups --db` runs.
//!
//! A search needs three things of the reference data besides the person's own records:
//! each hit's case status, the name statistics that grade a name-only match, and the case
//! subjects that are surely the person. Building the case index for the first two costs
//! an agency's whole case load (hundreds of thousands of cases, assignments and subjects)
//! for a search that grades a few hundred events. So the store records both with each
//! event when it is analysed ([`super::event_facts`], schema version 7), and this module
//! reads them back. Of the case tables it reads `case_subjects` alone, and keeps only the
//! rows that could be surely the person (the same person id or the same date of birth as
//! the criteria: [`crate::identity::Resolver::records_of`] accepts nothing else); a search
//! with neither reads no case table at all.
//!
//! What it must not do: give an answer other than the full search's
//! ([`super::search_store`] with the whole reference data). Events stored before version 7
//! have no recorded status, so a search that meets one falls back to the full search;
//! statuses recorded from other reference files or settings than the search is given are
//! kept (they are what the audit saw), and the report says so and which.

use std::path::Path;

use super::{index_store, search_store, stored_event, Criteria, LookupError, Report, Target};
use crate::config::Config;
use crate::identity::normalize::{normalize_dob, normalize_person_id};
use crate::identity::{CaseStatus, NameStats, Query, Resolver};
use crate::refs::{table::Row, CaseTables, RefData};
use crate::source::RejectSink;
use crate::store::{RecordedFacts, Store};

/// How a search of the store came by its case statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Read from what the audit recorded with each event; the case tables were not loaded.
    Recorded,
    /// Computed now from the whole reference data: asked for, or `unrecorded` candidate
    /// events were stored before statuses were recorded.
    Computed { unrecorded: usize },
}

/// Whether a case-subject row could be surely the person `q` describes: only the same
/// person id, or the same date of birth, makes a record surely someone's
/// ([`Resolver::records_of`]: a person-id match, or a name-and-date-of-birth match).
/// Decided on the row as read, with the matcher's own normalisation, before it is typed.
fn could_be_sure(q: &Query, row: &Row<'_>) -> bool {
    let by_id = q.person_id.as_ref().is_some_and(|id| {
        crate::refs::cells(row.get("person_id"))
            .any(|p| normalize_person_id(p).as_ref() == Some(id))
    });
    by_id
        || q.dob
            .is_some_and(|d| row.get("dob").and_then(normalize_dob) == Some(d))
}

/// Reference data for grading the store's events: every table but the case tables, and
/// the case subjects that could be surely the person. Its resolver's case index and name
/// statistics are partial, so it is never asked to resolve an event; only its personnel,
/// workstations, settings and [`Resolver::records_of`] (for these criteria) are used.
struct SearchRefs {
    resolver: Resolver,
}

impl SearchRefs {
    fn load(dir: &Path, config: Config, criteria: &Criteria) -> Result<Self, LookupError> {
        let q = Query::from_subject(&criteria.subject());
        // Without a person id or a name with a date of birth, nothing can be surely the
        // person in any table: the case subjects are not read at all.
        let wanted = q.person_id.is_some() || (q.dob.is_some() && q.name.is_some());
        let keep = move |row: &Row<'_>| could_be_sure(&q, row);
        let tables = if wanted {
            CaseTables::SubjectsWhere(&keep)
        } else {
            CaseTables::None
        };
        let refs = RefData::load_with(dir, &mut RejectSink::counting(), tables)?;
        Ok(SearchRefs {
            resolver: Resolver::new(refs, config),
        })
    }
}

/// Grades one stored event with the facts recorded for it.
fn check_recorded(
    target: &Target,
    ev: &crate::event::Event,
    refs: &SearchRefs,
    facts: &RecordedFacts,
) -> Result<Option<super::Hit>, String> {
    if !target.in_period(ev) || facts.case_status == "not_a_lookup" {
        return Ok(None);
    }
    let Some(query) = refs.resolver.lookup_query(ev) else {
        return Ok(None);
    };
    let case = CaseStatus::from_parts(&facts.case_status, facts.case_ref.clone())
        .ok_or_else(|| format!("recorded case status `{}` is unknown", facts.case_status))?;
    // The name statistics of this event's name alone, as recorded: all that grading reads
    // of them (the divisor of a name-only match).
    let names = match (&query.name, facts.name_sharing) {
        (Some(n), Some(k)) => NameStats::single(n, k),
        _ => NameStats::default(),
    };
    let mut hit = target.hit(ev, &refs.resolver, &query, case, &names);
    if let Some(h) = &mut hit {
        h.case_from_other_refs = facts.refs != refs.resolver.fingerprint();
    }
    Ok(hit)
}

/// The parts of `now` (`file size mtime; ...; settings digest`) that `then` does not have:
/// the names of the files (or `settings`) that changed.
fn changed_parts(then: &str, now: &str) -> Vec<String> {
    let old: Vec<&str> = then.split("; ").collect();
    now.split("; ")
        .filter(|p| !old.contains(p))
        .map(|p| p.split(' ').next().unwrap_or(p).to_string())
        .collect()
}

/// Searches the store for one person with the case statuses the audit recorded, reading of
/// `dir` only what the search needs; falls back to the full search ([`search_store`] with
/// all of `dir` loaded) when a candidate event has no recorded status or `recompute` asks
/// for statuses computed from `dir` now.
pub fn search_recorded(
    store: &mut Store,
    dir: &Path,
    config: Config,
    criteria: Criteria,
    recompute: bool,
) -> Result<(Report, Basis), LookupError> {
    let full = |store: &mut Store, config: Config, criteria: Criteria, unrecorded| {
        let refs = RefData::load(dir, &mut RejectSink::counting())?;
        let resolver = Resolver::new(refs, config);
        let report = search_store(store, &resolver, criteria)?;
        Ok((report, Basis::Computed { unrecorded }))
    };
    if recompute {
        return full(store, config, criteria, 0);
    }
    let refs = SearchRefs::load(dir, config.clone(), &criteria)?;
    let target = Target::with_records(&criteria, |q| refs.resolver.records_of(q))?;
    index_store(store)?;
    let events = store.events_with_keys(&target.keys())?;
    let unrecorded = events.iter().filter(|e| e.facts.is_none()).count();
    if unrecorded > 0 {
        return full(store, config, criteria, unrecorded);
    }
    let mut hits = Vec::new();
    let mut other: Vec<&str> = Vec::new();
    for e in &events {
        let ev = stored_event(store, &e.id, &e.json)?;
        let Some(facts) = &e.facts else { continue };
        let hit =
            check_recorded(&target, &ev, &refs, facts).map_err(|message| LookupError::Damaged {
                path: store.path().to_path_buf(),
                event_id: e.id.clone(),
                message,
            })?;
        if let Some(h) = hit {
            if h.case_from_other_refs && !other.contains(&facts.refs.as_str()) {
                other.push(&facts.refs);
            }
            hits.push(h);
        }
    }
    let mut report = Report::build(criteria, &target, hits);
    let stale = report
        .logins
        .iter()
        .flat_map(|l| &l.hits)
        .filter(|h| h.case_from_other_refs)
        .count();
    if stale > 0 {
        let mut changed: Vec<String> = Vec::new();
        for then in &other {
            for p in changed_parts(then, refs.resolver.fingerprint()) {
                if !changed.contains(&p) {
                    changed.push(p);
                }
            }
        }
        report.notes.push(format!(
            "the case status of {stale} of these lookups (marked) is the one recorded when they were audited, from other reference data or settings than this search was given ({} changed since); `--recompute-cases` computes it from the reference data given",
            if changed.is_empty() { "unknown".to_string() } else { changed.join(", ") }
        ));
    }
    Ok((report, Basis::Recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference data without the case index finds the same records surely the person,
    /// in the same order, as the whole of it.
    #[test]
    fn search_refs_find_the_records_the_full_resolver_finds() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lookups_recorded/refs");
        let full = Resolver::new(
            RefData::load(&dir, &mut RejectSink::counting()).expect("refs"),
            Config::default(),
        );
        let searches = [
            Criteria {
                person_id: Some("p-7001".into()),
                ..Criteria::default()
            },
            Criteria {
                name: Some("Odette Marlowe".into()),
                dob: Some("1979-03-22".into()),
                ..Criteria::default()
            },
            Criteria {
                name: Some("MARLOWE, O".into()),
                dob: Some("03/22/1979".into()),
                ..Criteria::default()
            },
            Criteria {
                name: Some("Marlowe Odette".into()),
                dob: Some("1990-07-07".into()),
                ..Criteria::default()
            },
            Criteria {
                name: Some("Femi Okonkwo".into()),
                dob: Some("1979-03-22".into()),
                ..Criteria::default()
            },
            Criteria {
                name: Some("Lukas Sorensen".into()),
                dob: Some("1982-02-14".into()),
                ..Criteria::default()
            },
            Criteria {
                plate: Some("4KZP318".into()),
                ..Criteria::default()
            },
        ];
        for c in searches {
            let light = SearchRefs::load(&dir, Config::default(), &c).expect("search refs");
            let q = Query::from_subject(&c.subject());
            let shown = |r: &Resolver| -> Vec<String> {
                r.records_of(&q).into_iter().map(|p| p.display).collect()
            };
            assert_eq!(shown(&light.resolver), shown(&full), "{c:?}");
            assert_eq!(light.resolver.fingerprint(), full.fingerprint());
        }
    }

    #[test]
    fn case_statuses_read_back_as_written() {
        for s in [
            CaseStatus::NotALookup,
            CaseStatus::Missing,
            CaseStatus::Explained {
                case_id: "K-1".into(),
            },
            CaseStatus::Exempt {
                by: "purpose traffic stop".into(),
            },
            CaseStatus::UnknownCase {
                case_id: "K-9".into(),
            },
            CaseStatus::ClosedCase {
                case_id: "K-2".into(),
            },
            CaseStatus::NotAssigned {
                case_id: "K-4".into(),
            },
            CaseStatus::SubjectNotInCase {
                case_id: "K-3".into(),
            },
            CaseStatus::Valid {
                case_id: "K-5".into(),
            },
        ] {
            let (tag, arg) = s.parts();
            // The tag is the JSON report's `status`.
            assert_eq!(serde_json::to_value(&s).expect("json")["status"], tag);
            assert_eq!(
                CaseStatus::from_parts(tag, arg.map(str::to_string)),
                Some(s.clone())
            );
        }
        assert_eq!(CaseStatus::from_parts("explained", None), None);
        assert_eq!(CaseStatus::from_parts("bogus", None), None);
    }

    #[test]
    fn changed_parts_name_the_files_and_settings_that_differ() {
        let then = "personnel.csv 10 1.0; cases -; case_subjects.csv 5 2.0; settings ab";
        let now = "personnel.csv 10 1.0; cases -; case_subjects.csv 6 3.0; settings cd";
        assert_eq!(changed_parts(then, now), ["case_subjects.csv", "settings"]);
        assert!(changed_parts(now, now).is_empty());
    }
}
