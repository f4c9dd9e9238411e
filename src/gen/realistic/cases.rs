//! Cases: incident and investigation cases with their subjects and
//! assignments, how they are closed and numbered (`C-2024-001234`, numbers
//! rising with time within a year), and the indexes the ground truth needs
//! (the cases of a person, the assignments of a case, the cases of an
//! employee, what the reference tables know about each person).

use super::agency::{Unit, World};
use super::clock::{day_of_year, local_day, year_of, Day};
use crate::gen::world::span;
use rand::Rng;
use std::collections::{BTreeMap, HashSet};

pub(super) struct Case {
    pub opened_t: i64,
    /// Local date the case was opened.
    pub opened: Day,
    pub closed: Option<Day>,
    pub unit: Unit,
    pub subj_start: u32,
    pub subj_len: u16,
    /// Last local day anyone worked it (closing comes at least two days later).
    pub last: Day,
    pub year: i32,
    pub seq: u32,
    /// Chance the case gets closed after its last activity.
    pub close_p: f32,
}

pub(super) struct Assign {
    pub case: u32,
    pub login: u16,
    /// Written with the employee id (covers every login of the employee).
    pub by_emp: bool,
    pub from: Day,
    pub to: Option<Day>,
    /// Last local day this assignee worked the case.
    pub last: Day,
}

#[derive(Default)]
pub(super) struct CaseBook {
    pub cases: Vec<Case>,
    pub subjects: Vec<u32>,
    pub assigns: Vec<Assign>,
    /// Case numbers that exist nowhere, as (year, number), referred to by
    /// `Ev::case` for `CK_UNKNOWN` events.
    pub unknown: Vec<(i32, u32)>,
    person_off: Vec<u32>,
    person_cases: Vec<u32>,
    case_off: Vec<u32>,
    case_assigns: Vec<u32>,
    emp_off: Vec<u32>,
    emp_cases: Vec<u32>,
    existing: HashSet<(i32, u32)>,
    max_seq: BTreeMap<i32, u32>,
    /// Per person: the identifiers some reference table holds about them
    /// (0: the person is in no table).
    pub known: Vec<u8>,
}

/// `day <= end` (inclusive reading) or `day < end` (exclusive reading).
pub(super) fn before_end(day: Day, end: Day, inclusive: bool) -> bool {
    if inclusive {
        day <= end
    } else {
        day < end
    }
}

fn csr(n: usize, pairs: &mut [(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    pairs.sort_unstable();
    let mut off = vec![0u32; n + 1];
    for &(k, _) in pairs.iter() {
        off[k as usize + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    (off, pairs.iter().map(|p| p.1).collect())
}

impl CaseBook {
    /// Opens a case at `t` about `subjects` (the first is where it happened).
    pub(super) fn new_case(&mut self, t: i64, unit: Unit, subjects: &[u32], close_p: f32) -> u32 {
        let opened = local_day(t);
        self.cases.push(Case {
            opened_t: t,
            opened,
            closed: None,
            unit,
            subj_start: self.subjects.len() as u32,
            subj_len: subjects.len() as u16,
            last: opened,
            year: 0,
            seq: 0,
            close_p,
        });
        self.subjects.extend_from_slice(subjects);
        (self.cases.len() - 1) as u32
    }

    /// A case already closed on `closed`.
    pub(super) fn closed_case(&mut self, t: i64, unit: Unit, subjects: &[u32], closed: Day) -> u32 {
        let c = self.new_case(t, unit, subjects, 0.0);
        self.cases[c as usize].closed = Some(closed);
        c
    }

    /// Assigns `login` (or, with `by_emp`, its employee) from day `from`.
    pub(super) fn assign(&mut self, case: u32, login: u16, by_emp: bool, from: Day) -> u32 {
        self.assigns.push(Assign {
            case,
            login,
            by_emp,
            from,
            to: None,
            last: from,
        });
        (self.assigns.len() - 1) as u32
    }

    /// Records work on `case` (and by `assign`) at `t`.
    pub(super) fn touch(&mut self, case: u32, assign: Option<u32>, t: i64) {
        let d = local_day(t);
        let c = &mut self.cases[case as usize];
        c.last = c.last.max(d);
        if let Some(a) = assign {
            let a = &mut self.assigns[a as usize];
            a.last = a.last.max(d);
        }
    }

    pub(super) fn subjects_of(&self, c: u32) -> &[u32] {
        let c = &self.cases[c as usize];
        let s = c.subj_start as usize;
        &self.subjects[s..s + c.subj_len as usize]
    }

    pub(super) fn cases_of_person(&self, p: u32) -> &[u32] {
        let p = p as usize;
        match (self.person_off.get(p), self.person_off.get(p + 1)) {
            (Some(&a), Some(&b)) => &self.person_cases[a as usize..b as usize],
            _ => &[],
        }
    }

    pub(super) fn assigns_of(&self, c: u32) -> &[u32] {
        let c = c as usize;
        match (self.case_off.get(c), self.case_off.get(c + 1)) {
            (Some(&a), Some(&b)) => &self.case_assigns[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Cases some login of employee `e` is (or was) assigned to.
    pub(super) fn cases_of_emp(&self, e: u16) -> &[u32] {
        let e = e as usize;
        match (self.emp_off.get(e), self.emp_off.get(e + 1)) {
            (Some(&a), Some(&b)) => &self.emp_cases[a as usize..b as usize],
            _ => &[],
        }
    }

    pub(super) fn open_on(&self, c: u32, day: Day, inclusive: bool) -> bool {
        let c = &self.cases[c as usize];
        c.opened <= day && c.closed.is_none_or(|cl| before_end(day, cl, inclusive))
    }

    /// Whether `login` is assigned to `c` on `day`. Assignments written with
    /// an employee id cover every login of the employee; `by_employee` reads
    /// login assignments that way too.
    pub(super) fn assigned_on(
        &self,
        w: &World,
        c: u32,
        login: u16,
        day: Day,
        inclusive: bool,
        by_employee: bool,
    ) -> bool {
        let emp = w.emp_index(login);
        self.assigns_of(c).iter().any(|&a| {
            let a = &self.assigns[a as usize];
            let who =
                a.login == login || ((a.by_emp || by_employee) && w.emp_index(a.login) == emp);
            who && a.from <= day && a.to.is_none_or(|to| before_end(day, to, inclusive))
        })
    }

    /// Whether a case `login` is assigned to and that is open on `day` lists
    /// person `p`.
    pub(super) fn explains(
        &self,
        w: &World,
        p: u32,
        login: u16,
        day: Day,
        inclusive: bool,
        by_employee: bool,
    ) -> bool {
        self.cases_of_person(p).iter().any(|&c| {
            self.open_on(c, day, inclusive)
                && self.assigned_on(w, c, login, day, inclusive, by_employee)
        })
    }

    /// `C-2024-001234`.
    pub(super) fn case_id(&self, c: u32) -> String {
        let c = &self.cases[c as usize];
        format!("C-{}-{:06}", c.year, c.seq)
    }

    /// A case number of `year` (or the year before) that does not exist;
    /// returns its index in `unknown`.
    pub(super) fn unknown_case(&mut self, rng: &mut impl Rng, year: i32) -> u32 {
        loop {
            let y = if rng.random_bool(0.85) {
                year
            } else {
                year - 1
            };
            let max = self.max_seq.get(&y).copied().unwrap_or(1000);
            let seq = max + span(rng, 2_000, 400_000) as u32;
            if !self.existing.contains(&(y, seq)) {
                self.unknown.push((y, seq));
                return (self.unknown.len() - 1) as u32;
            }
        }
    }

    /// After normal work: closes cases and ends assignments some days after
    /// their last activity, numbers cases in the order they were opened, and
    /// builds the indexes.
    pub(super) fn finish(&mut self, rng: &mut impl Rng, w: &World) {
        for c in &mut self.cases {
            if c.closed.is_none() && rng.random_bool(f64::from(c.close_p).clamp(0.0, 1.0)) {
                let cl = c.last + span(rng, 2, 25);
                if cl <= w.end {
                    c.closed = Some(cl);
                }
            }
        }
        for a in &mut self.assigns {
            if a.to.is_none() && rng.random_bool(0.18) {
                let to = a.last.max(a.from) + span(rng, 2, 30);
                if to <= w.end {
                    a.to = Some(to);
                }
            }
        }
        let mut order: Vec<u32> = (0..self.cases.len() as u32).collect();
        order.sort_by_key(|&c| (self.cases[c as usize].opened_t, c));
        let mut counter: BTreeMap<i32, u32> = BTreeMap::new();
        for c in order {
            let case = &mut self.cases[c as usize];
            let y = year_of(case.opened);
            let e = counter
                .entry(y)
                .or_insert_with(|| 100 + day_of_year(case.opened) as u32 * 7);
            // Cases from before the window are a sparse sample of history.
            *e += if case.opened < w.start {
                span(rng, 3, 60) as u32
            } else {
                1
            };
            case.year = y;
            case.seq = *e;
            self.existing.insert((y, *e));
        }
        self.max_seq = counter;

        let n_persons = w.pop.persons.len();
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.subjects.len());
        for c in 0..self.cases.len() as u32 {
            for &p in self.subjects_of(c) {
                pairs.push((p, c));
            }
        }
        pairs.dedup();
        (self.person_off, self.person_cases) = csr(n_persons, &mut pairs);
        let mut pairs: Vec<(u32, u32)> = self
            .assigns
            .iter()
            .enumerate()
            .map(|(i, a)| (a.case, i as u32))
            .collect();
        (self.case_off, self.case_assigns) = csr(self.cases.len(), &mut pairs);
        let mut pairs: Vec<(u32, u32)> = self
            .assigns
            .iter()
            .map(|a| (u32::from(w.emp_index(a.login)), a.case))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        (self.emp_off, self.emp_cases) = csr(w.employees.len(), &mut pairs);

        let mut known = vec![0u8; n_persons];
        for &p in &self.subjects {
            known[p as usize] |= w.pop.persons[p as usize].mask();
        }
        for (i, e) in w.employees.iter().enumerate() {
            known[e.person as usize] |= w.personnel_mask(i as u16);
        }
        for a in &w.assocs {
            known[a.person as usize] |= a.mask;
        }
        for x in &w.watch {
            known[x.person as usize] |= x.mask;
        }
        self.known = known;
    }
}
