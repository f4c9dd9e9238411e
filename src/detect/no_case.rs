//! `no_case`: a lookup with no valid case behind it.

use serde_json::json;

use super::window::LoginsSeen;
use super::{saved_value, Context, DayNote, Detector, DetectorDoc, Finding, SavedStateError};
use crate::alert::Severity;
use crate::event::Event;
use crate::identity::{CaseStatus, Resolved};

pub(crate) const DOC: DetectorDoc = DetectorDoc {
    name: "no_case",
    kinds: &["missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"],
    what: "A lookup (or a bulk export, which may name nobody) that no case explains: no case id, a case id that does not exist, a case not open at the time, a case the user is not assigned to, or a valid case that does not list the person looked up (a cover case). A surname with an initial (`SALINAS, T`) that no case typed places is the person of a case given to the user in the last two days that lists a name it fits, open and theirs: the call they are at; not when more than 60 cases were given to them then (a caseload handed over), nor when the name also fits a colleague, anyone's associate or a watch-listed person, nor for a surname alone. So is a full name with no case typed that finds no one the case tables list, nor a colleague, an associate or a watch-listed person, and is one typing slip (a letter dropped, added, changed or two swapped, in the surname or the given name) from a person such a case lists: `SALNAS, TERRENCE` for the call's SALINAS, TERRENCE, typed in haste at the scene. A person no table knows, typed in full (a name with the date of birth, or a person id) under the user's own case, is judged against the people the case lists, read loosely (a subject born on the day typed is them, whatever the name; a person id may be a subject listed without one): one that agrees with none is `subject_not_in_case` too, held until the day ends and not raised when the login looks up such strangers on two or more days of `baseline.history_days` (a parole officer meeting a parolee's household, an investigator an employer; a first day's are held over a week for a second day to show it) or types three or more of its cases over strangers that day (a sweep, `odd_volume`'s to judge by breadth), both counted in the summary. A lookup under the user's own case that does not list the person, who is none of the agency's own (not the user, a colleague, the user's associate or a watch-listed person), is the case's scene when the same login looked up someone the case lists within 30 minutes before or after it, that day: a crash's passenger or witness whom the case does not list yet; held until the day ends and not raised (counted in the summary), unless the login's day holds more than 10 such lookups under the case or 20 under all its cases (a list worked down under case numbers); a cover case typed in the middle of the case's own work (an unrelated chart opened under the encounter of the patient being seen) is missed so. A plate or a bare name no table knows is never raised so: a car at the scene, anyone. A bulk export that names nobody and whose `KEY=VALUE` criteria scope it to the user's own personnel unit (`REPORT=UNIT_CASELOAD UNIT=CAP-SNAP`) is a view of the unit's own work and needs no case; its size is still judged by `odd_volume` `export`. A case's serial typed alone, two digits or more (`1858` for `PP-2024-001858`, `#97` for a fraud unit's `INV-2025-0097`), is read as the case the context names: the user's own, else one listing the person looked up; a serial the context does not settle names no case. A real case typed by a service account (a personnel row naming no person) or with exempt work is a reference, judged for existence and for whom it lists, not for whose it is; a number there that names no case is made up only when written as the agency writes its case numbers (the letters before its digits those of one of its case ids): another system's number (a port's inspection ticket `T250303-0297` where cases are `HP-…`) or a note (`see CAD`) is that work's own reference, not a case; a service account's bulk export that names nobody needs no case at all (a nightly claims file is the job's run; its size is `odd_volume` `export`'s to judge, against the job's own runs). With any other work, a number not written as the agency's, or a note, that names no case, typed for a person a case the user works lists, is not raised once five or more other logins have typed the same form (its letters and its runs of digits: `C|6|4` for a dispatch incident's `C250908-0033`; a note's letters) for people their own cases list in the last four weeks: another system's reference the agency's staff type routinely, the call's beside the case's (counted in the summary); a form few type (another agency's number `INV-88-6672`, `ASDF`) is raised whoever was looked up. Under a number of such a routine form (a number, not a note), a lookup of someone no table knows (a plate, a caller's name) is not raised either (counted in the summary): the car or the caller at the incident the officer is at; over a note (`see CAD`), or of a person some table knows whom no case of the user's lists, it is raised. A case whose assignment starts within the week after the lookup is the user's (a handover worked before it was keyed); a case whose assignment to the user ended within the week before is held until the day ends and not raised when the user works two or more such cases that day (a caseload handed over, wrapped up after the transfer was keyed; counted in the summary), while one case looked at again is. A lookup under a unit colleague's case that lists the person, none of the agency's own and never a case the user once held, is held until the day ends and not raised when the user worked two or more of that colleague's cases that day: the unit working a colleague's caseload, covering a vacation HR never recorded or a night's cross-cover of the day team's patients, whether or not the colleague is at work (counted in the summary); one case of a colleague's is raised. A lookup under a closed case that lists the person is held until the day ends and not raised when such lookups are the work of the user's unit under that purpose (at least three, by two or more of its logins, and at least half of all its lookups under the purpose over `baseline.history_days`): a records unit answering requests about discharged cases; or, when fewer, when they are steady (on five or more days, and on at least half of the days the unit worked under the purpose): a desk re-issuing a copy on one of its closed requests, a records office releasing the charts of any ward's discharged patients, though not of the user, a colleague, an associate or a watch-listed person; one login alone makes either a practice only over five days or more (a clinic's one physician reading results that reach closed visits); all counted in the summary. A lookup under an open case of the user's own unit (the case's `unit` the user's personnel `unit`) that lists the person and that five or more other people were assigned is the unit's shared work, not raised (counted in the summary): a ward's inpatient, whose nurses change every shift, opened by the nurse relieving a colleague for a break; a case of one or two holders (an officer's, an investigator's, a ward's admission of the day) is judged as any, and so is the user, a colleague, an associate or a watch-listed person. A lookup under someone else's case that lists the person is held until the day ends and not raised when the login's work under the purpose is other people's cases (on five or more days, on at least half of the days it worked under the purpose, and a third or more of its lookups under it): a role the assignment table does not name, such as a resident seeing the patients of the attending they rotate with, whose case it is then says nothing about (counted in the summary); a lookup of the user, a colleague, an associate or a watch-listed person is always raised. That work is judged over the login's latest days under the purpose, as many as it takes, so a role taken up within the window (a resident's new rotation) is recognised once it has gone on five days. Either practice shows only over days of work, so a lookup its day would raise is held over (counted in the summary) when the unit or login is new to the logs (known for under a week, with fewer than five days of work under the purpose) or, for other people's cases, when a third or more of the login's lookups under the purpose that day were under such cases: it is set aside once the practice shows, and raised with its own day's window when five days of work under the purpose, or a week, have passed without it. A run that saves no state (`--state`) raises what it still holds at its end; a nightly run carries it in the state. A supervisor's lookup with no case typed (blank, `N/A`) of a person an open case of one of their direct reports (personnel `supervisor`) lists is held until the day ends and not raised, a review of the report's case with the number left blank (counted in the summary), unless the person drew a surge of attention that day (`subject_surge` `many_users`) or the supervisor's other lookups with no case that day are raised; with the report's case typed it is never raised. A lookup with no case typed, or under a case the agency does not have, is not raised (counted in the summary) when the same login, at the same workstation (in the same session when a line names none), in the two seconds before it, looked up the same person id, plate or surname (one slip apart, either reading of a whole name) under a case that explains it: one search sent to several systems at once, whose other lines carry a dispatch number, a note or nothing in the case field. A case's closing date and an assignment's end date, given as days, last until that day has ended everywhere (12:00 UTC the next day): the reference tables write the agency's own calendar, and its evening shift west of UTC works past UTC midnight. That grace is the case's holders' only: for anyone else a case whose closing day has ended in UTC is closed (`closed_case`, and judged as closed work is), not open and someone else's: a coder abstracting the visit the morning after discharge.",
    why: "Inspections found searches with no case or purpose behind them and no supervisory review; a documented purpose is what makes a lookup defensible.",
    false_positives: "Work that needs no case but is not configured as exempt (roadside checks, dispatch); case-subject lists that are incomplete (`subject_not_in_case`), such as a witness an officer looks up once under their own incident, hours from the incident's other lookups, the login's only stranger in the window; a records unit's first requests on closed cases, before three by two of its clerks make them its work; one case of a colleague's worked for them (a caseload is set aside, a single case is not); a resident's or a scribe's first four days under other people's cases, before they make a practice; a ward nurse covering a break for a patient admitted that day, whom fewer than five people were assigned yet.",
    tuning: "`no_case.exempt_purposes`, `no_case.exempt_systems`, `no_case.exempt_actions`, `no_case.check_subjects`.",
    example: "Lookup of SMITH, JON under case C-2024-0113, to which the user is not assigned.",
    needs: &[],
};

/// Per form of another system's number ([`crate::identity::Resolved::foreign_number`]):
/// the logins that typed one for a person their own case lists, with the last day each did.
#[derive(Debug, Default)]
pub(crate) struct NoCase {
    typed_by: LoginsSeen,
    /// Lookups set aside as another system's routine number since the last day's notes.
    set_aside: u64,
    /// Lookups set aside as the user's unit's shared case since the last day's notes.
    team_cases: u64,
    /// Lookups of strangers set aside under another system's routine number since the
    /// last day's notes.
    strangers_under_numbers: u64,
}

/// How far back the logins typing a form of number count.
const ROUTINE_DAYS: i64 = 28;

/// Other logins that must have typed numbers of one form, each for a person their own case
/// lists, for the form to be another system's number the agency's staff type routinely (a
/// dispatch incident's, beside the case's) rather than a made-up or borrowed case: one
/// officer's cover number, another agency's, is typed by one login or a few.
const ROUTINE_LOGINS: usize = 5;

impl Detector for NoCase {
    fn name(&self) -> &'static str {
        DOC.name
    }

    fn day_notes(&mut self) -> Vec<DayNote> {
        DayNote::set_aside([
            ("foreign_number", std::mem::take(&mut self.set_aside)),
            ("team_case", std::mem::take(&mut self.team_cases)),
            (
                "stranger_under_number",
                std::mem::take(&mut self.strangers_under_numbers),
            ),
        ])
    }

    fn save(&self) -> Option<serde_json::Value> {
        Some(json!({ "typed_by": self.typed_by }))
    }

    fn restore(&mut self, saved: &serde_json::Value) -> Result<(), SavedStateError> {
        // States saved before the forms were kept start learning them afresh.
        if let Some(v) = saved.get("typed_by") {
            self.typed_by = saved_value(v, "typed_by")?;
        }
        Ok(())
    }

    fn observe(&mut self, ev: &Event, r: &Resolved<'_>, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(kind) = r.case.no_case_kind() else {
            return;
        };
        // Made only for a number of another system's: most findings type none.
        let login = || crate::refs::login_key(&ev.user);
        let day = ev.ts.date_naive();
        if let Some(form) = &r.foreign_number {
            if self.typed_by.saw(form, &login(), day, ROUTINE_DAYS) >= ROUTINE_LOGINS {
                self.set_aside += 1;
                return;
            }
        }
        // Someone no table knows (a car at the call, a caller) under a number of the form
        // staff type routinely for their own cases' people: the dispatch incident the
        // officer is at. It does not teach the form: only people a case explains do.
        if let Some(form) = &r.stranger_number {
            if self.typed_by.others(form, &login(), day, ROUTINE_DAYS) >= ROUTINE_LOGINS {
                self.strangers_under_numbers += 1;
                return;
            }
        }
        if !r.names_the_agencys_own() && cx.resolver.team_case_of_unit(ev, r) {
            // The unit's shared case (a ward's inpatient): its staff all work it, whoever
            // holds it this shift. The user, a colleague, an associate or a watch-listed
            // person is still raised.
            self.team_cases += 1;
            return;
        }
        let base = match r.case {
            CaseStatus::Missing => Severity::Low,
            _ => Severity::Medium,
        };
        // The one event that is not a lookup yet has a case status is a bulk export that
        // names nobody (`Resolver::resolve`): it is reported by what it took out.
        let what = if !r.is_lookup {
            match ev.result_count {
                Some(n) => format!("Export of {n} records"),
                None => "Export of records".to_string(),
            }
        } else {
            format!("Lookup of {}", searched(ev))
        };
        let mut evidence = json!({
            "case": r.case,
            "case_id": ev.case_id,
            "searched": ev.subject,
        });
        if let Some(obj) = evidence.as_object_mut() {
            super::add_event_context(obj, ev);
        }
        // Grouped by the case as compared, not as typed: `c-7` and `C-7`, or a blank and
        // `N/A`, are one situation. The typed id is in the evidence (`case_id`).
        let case = r.case.case_id().unwrap_or_default().to_string();
        out.push(Finding {
            kind: kind.to_string(),
            severity: base,
            strength: 1.0,
            group: format!("case:{case}"),
            reason: match r.case {
                CaseStatus::Missing => format!("{what} with no case attached."),
                _ => format!("{what} {}.", r.case.phrase()),
            },
            evidence,
            also: Vec::new(),
            since: None,
            name_alone_exempt: false,
            unit_holders: cx.resolver.unit_holders(ev, r),
            closed_case_of_the_person: r.closed_case_lists(),
            others_case_of_the_person: r.not_assigned_lists() && !r.names_the_agencys_own(),
            review_of_a_reports_case: r.reviews_a_reports_case && !r.names_the_agencys_own(),
            stranger_not_in_case: r.stranger_not_listed(),
            unlisted_in_own_case: matches!(r.case, CaseStatus::SubjectNotInCase { .. })
                && !r.names_the_agencys_own(),
            continues: false,
        });
    }
}

/// How the search reads in a sentence: the name typed, else the identifier.
fn searched(ev: &Event) -> String {
    let s = &ev.subject;
    if let Some(l) = &s.last_name {
        match &s.first_name {
            Some(f) => format!("{}, {}", l.to_uppercase(), f.to_uppercase()),
            None => l.as_str().to_uppercase(),
        }
    } else if let Some(n) = &s.name {
        n.as_str().to_uppercase()
    } else if let Some(p) = &s.plate {
        format!("plate {}", p.to_uppercase())
    } else if let Some(p) = &s.person_id {
        format!("person {p}")
    } else if let Some(p) = &s.phone {
        format!("phone {p}")
    } else if let Some(a) = &s.address {
        format!("address {}", a.to_uppercase())
    } else {
        "an unspecified subject".to_string()
    }
}
