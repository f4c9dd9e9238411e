//! Ground truth for the realistic world: the labels a lookup deserves, from
//! what the world means (who was really looked up, by whom, under which
//! case), with the same semantics as the classic world's `truth.rs`:
//!
//! * a lookup of a person is *explained* when a case the user is assigned
//!   to, open that day, lists the person; an explained lookup deserves
//!   nothing, whatever it is;
//! * otherwise a lookup that identifies (by the identifiers its reference
//!   row holds) the user, a colleague, one of the user's associations valid
//!   that day, or someone on the watchlist deserves that identity label;
//! * a write (update, delete, insert) to such a person's record deserves
//!   that detector's `record_change` label too, beside the lookup's kind (the
//!   contract's kinds say how the person was matched, and a write reads the
//!   record it alters);
//! * and, unless its purpose is exempt, a `no_case` label: `missing` (no
//!   case, or a placeholder), `unknown_case`, `closed_case`,
//!   `not_assigned`, or `subject_not_in_case` when the case is the user's
//!   but does not list a person the reference tables know. A stranger (in
//!   no table) under a valid case of the user's is normal work.
//!
//! Labels must not depend on how dates are read, so every lookup is judged
//! under each reading: its local or its UTC date, end dates inclusive or
//! exclusive, login assignments covering the employee's other logins or
//! not. Normal work is built to agree under all of them; injected lookups
//! are redrawn until they do; anything left ambiguous is dropped.

use super::agency::{World, CATEGORIES, RELATIONS};
use super::cases::{before_end, CaseBook};
use super::clock::{day_of, local_day};
use super::fishing::{N_ATTRS, N_PATTERN, N_SEQUENCE};
use super::people::Role;
use super::typing::{ident_kind, name_style, N_SURNAME};
use super::work::exempt;
use super::{
    bit, Ev, Target, CK_NONE, CK_REAL, CK_UNKNOWN, F_DROP, F_EXPLAINED, F_NORMAL, F_SURGE, L_ASSOC,
    L_COWORKER, L_FISH, L_NO_CASE, L_RECORD, L_SELF, L_WATCH,
};

/// What one reading of dates says about a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Verdict {
    pub labels: u64,
    /// Unexplained and identifying someone the reference tables know (what
    /// a `subject_surge` counts).
    pub surge: bool,
    pub explained: bool,
}

const NOTHING: Verdict = Verdict {
    labels: 0,
    surge: false,
    explained: false,
};

fn evaluate(
    w: &World,
    book: &CaseBook,
    ev: &Ev,
    local: bool,
    inclusive: bool,
    by_employee: bool,
) -> Verdict {
    if !ev.is_lookup() {
        return NOTHING;
    }
    let day = if local { local_day(ev.t) } else { day_of(ev.t) };
    let target = ev.target();
    if let Target::Person(p) = target {
        if book.explains(w, p, ev.login, day, inclusive, by_employee) {
            return Verdict {
                explained: true,
                ..NOTHING
            };
        }
    }
    let me = w.emp_index(ev.login);
    let mut labels = 0u64;
    let mut identified_known = false;
    if let Target::Person(p) = target {
        match w.pop.persons[p as usize].role {
            Role::Citizen => {}
            Role::Employee(te) => {
                if let Some(k) = ident_kind(ev.form, w.personnel_mask(te)) {
                    if te == me {
                        labels |= bit(L_SELF + k);
                    } else {
                        let mine = &w.employees[me as usize];
                        let theirs = &w.employees[te as usize];
                        let kind = if mine.supervisor == Some(te) {
                            2
                        } else if mine.unit == theirs.unit {
                            0
                        } else {
                            1
                        };
                        labels |= bit(L_COWORKER + kind);
                    }
                }
            }
            Role::Associate(ai) => {
                let a = &w.assocs[ai as usize];
                let valid = a.valid_from.is_none_or(|v| v <= day)
                    && a.valid_to.is_none_or(|v| before_end(day, v, inclusive));
                if a.emp == me && valid && ident_kind(ev.form, a.mask).is_some() {
                    if let Some(r) = RELATIONS.iter().position(|r| *r == a.relation) {
                        labels |= bit(L_ASSOC + r as u32);
                    }
                }
            }
            Role::Watch(wi) => {
                let x = &w.watch[wi as usize];
                if ident_kind(ev.form, x.mask).is_some() {
                    if let Some(c) = CATEGORIES.iter().position(|c| *c == x.category) {
                        labels |= bit(L_WATCH + c as u32);
                    }
                }
            }
        }
        let known = book.known[p as usize];
        identified_known = known != 0 && ident_kind(ev.form, known).is_some();
    }
    if ev.is_write() {
        labels |= record_change(labels);
    }
    labels |= fishing(w, book, ev, target, day, inclusive, by_employee);
    // A search that names nobody (a description) is not a lookup of a person:
    // it has no `no_case` label, whatever its case.
    let names_nobody = name_style(ev.form) == N_ATTRS;
    if !exempt(ev.purpose) && !names_nobody {
        let kind = match ev.case_kind {
            CK_NONE => Some(0),
            CK_UNKNOWN => Some(1),
            _ => {
                let c = ev.case;
                if !book.open_on(c, day, inclusive) {
                    Some(2)
                } else if !book.assigned_on(w, c, ev.login, day, inclusive, by_employee) {
                    Some(3)
                } else if identified_known {
                    Some(4)
                } else {
                    None
                }
            }
        };
        if let Some(k) = kind {
            labels |= bit(L_NO_CASE + k);
        }
    }
    Verdict {
        labels,
        surge: identified_known,
        explained: false,
    }
}

/// The labels a write adds to a lookup's identity labels: each detector's
/// `record_change`, beside the kind the lookup has (a write reads the record too).
fn record_change(identity: u64) -> u64 {
    let mut out = 0;
    for (i, (lo, hi)) in [
        (L_SELF, L_COWORKER),
        (L_COWORKER, L_ASSOC),
        (L_ASSOC, L_WATCH),
        (L_WATCH, L_NO_CASE),
    ]
    .into_iter()
    .enumerate()
    {
        let range = (bit(hi) - 1) & !(bit(lo) - 1);
        if identity & range != 0 {
            out |= bit(L_RECORD + i as u32);
        }
    }
    out
}

/// The `fishing` labels of an unexplained search, from what it is:
///
/// * a name pattern, or a surname typed alone (which returns many records),
///   is a sweep unless the user's own open case it was typed under lists
///   someone with a name it fits;
/// * a description (sex, race, age, vehicle) that names nobody is an
///   attribute search unless made under the user's own open case or an
///   exempt purpose;
/// * a run of plates counting up is an enumeration, unless typed under the
///   user's own open case or an exempt purpose.
fn fishing(
    w: &World,
    book: &CaseBook,
    ev: &Ev,
    target: Target,
    day: i64,
    inclusive: bool,
    by_employee: bool,
) -> u64 {
    let own_case = ev.case_kind == CK_REAL
        && book.open_on(ev.case, day, inclusive)
        && book.assigned_on(w, ev.case, ev.login, day, inclusive, by_employee);
    let style = name_style(ev.form);
    let surname_alone =
        style == N_SURNAME && ev.form & 0x1f == 0 && matches!(target, Target::Person(_));
    if style == N_PATTERN || surname_alone {
        // Whom the searcher had in mind: the pattern is for their surname.
        let fits = |q: u32| match target {
            Target::Person(p) => {
                w.pop.surname(&w.pop.persons[q as usize])
                    == w.pop.surname(&w.pop.persons[p as usize])
            }
            _ => false,
        };
        if own_case && book.subjects_of(ev.case).iter().any(|&q| fits(q)) {
            return 0;
        }
        return bit(L_FISH);
    }
    if style == N_ATTRS {
        if own_case || exempt(ev.purpose) {
            return 0;
        }
        return bit(L_FISH + 1);
    }
    if style == N_SEQUENCE {
        if own_case || exempt(ev.purpose) {
            return 0;
        }
        return bit(L_FISH + 2);
    }
    0
}

/// The verdict on one event, or `None` when readings of dates disagree on
/// its labels. (Whether it is explained may differ between readings when
/// that changes no label, e.g. a traffic stop of someone whose incident the
/// officer opens later that night; the local-day reading then decides.)
pub(super) fn judge(w: &World, book: &CaseBook, ev: &Ev) -> Option<Verdict> {
    let base = evaluate(w, book, ev, true, true, false);
    for (local, inclusive, by_employee) in [
        (true, false, false),
        (false, true, false),
        (false, false, false),
        (true, true, true),
        (true, false, true),
        (false, true, true),
        (false, false, true),
    ] {
        if evaluate(w, book, ev, local, inclusive, by_employee).labels != base.labels {
            return None;
        }
    }
    Some(base)
}

/// Labels every event; drops those whose labels depend on a reading of
/// dates and returns how many of them were normal work (expected: none).
pub(super) fn judge_all(w: &World, book: &CaseBook, events: &mut [Ev]) -> usize {
    let mut ambiguous = 0;
    let mut last: Option<((u64, i64, u16), Option<Verdict>)> = None;
    for ev in events.iter_mut() {
        if !ev.is_lookup() {
            continue;
        }
        // The events of one fanned-out query share their verdict.
        let key = (ev.seed, ev.t, ev.login);
        let verdict = match last {
            Some((k, v)) if k == key => v,
            _ => {
                let v = judge(w, book, ev);
                last = Some((key, v));
                v
            }
        };
        match verdict {
            Some(v) => {
                ev.labels |= v.labels;
                if v.surge {
                    ev.flags |= F_SURGE;
                }
                if v.explained {
                    ev.flags |= F_EXPLAINED;
                }
            }
            None => {
                if ev.flags & F_NORMAL != 0 {
                    ambiguous += 1;
                }
                ev.flags |= F_DROP;
            }
        }
    }
    ambiguous
}
