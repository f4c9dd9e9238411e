//! Writes to person records (update, delete, insert), written from how a
//! records management system logs an edit rather than from any detector:
//! the audit row names the record changed (its person id and, most of the
//! time, the name and date of birth on it), the statement and the rows it
//! affected.
//!
//! Normal work ([`Sim::record_upkeep`]) edits records the way agencies do:
//! a records clerk answering a request on an older incident corrects an
//! address, enters a disposition or seals an arrest; a detective adds an
//! alias or a caution flag to a subject of their case; a patrol officer
//! updates the address of someone in their incident. Each write follows a
//! lookup of the same person under the same case a few minutes earlier and
//! keeps that case in the case field about two times in three (people leave
//! it empty or type `N/A` once the record is open). The records unit also
//! runs bulk corrections (a misspelt city, expired licences) under the
//! request that asked for them, naming nobody. None of these carries a
//! label: they are explained by the case the user works.
//!
//! Injected misconduct ([`Sim::inject_record_changes`]) is an officer who
//! edits their own record (clears a warrant flag, changes an address), a
//! coworker's, the record of someone they are connected to (an ex-partner
//! given a caution flag) or a watch-list person's, with no case, a cover
//! case of their own, a made-up case or someone else's; most of the time
//! they open the record first. The ground truth labels the write with the
//! identity detector's `record_change` ([`super::truth`]).
//!
//! Nothing here reads custodes' configuration or detector code, and the
//! writes of normal work come from their own random stream so that nothing
//! else in the world changes because of them.

use super::agency::Unit;
use super::clock::{fmt_day, MINUTE};
use super::misuse::{fit_form, form_for_mask, Ctx, Plan, Want};
use super::people::{pid, Population, CITIES};
use super::typing::{form, record_name, Typed, N_EXACT, N_NONE, T_DOB, T_PID};
use super::work::{Sim, Q};
use super::{
    bit, Ev, Mix, Target, A_DELETE, A_EXPORT, A_INSERT, A_QUERY, A_UPDATE, CK_NONE, CK_REAL,
    F_MISUSE, F_NORMAL, L_RECORD, RMS,
};
use crate::gen::world::{span, weighted, FastRng};
use rand::{Rng, RngCore};

/// Normal work by `e`'s user in `e`'s session, `dt` after it; what it
/// does and to whom is filled in by the caller.
fn follow_up(e: &Ev, dt: i64) -> Q {
    Q {
        t: e.t + dt,
        login: e.login,
        client: e.client,
        session: e.session,
        target: Target::None,
        form: 0,
        case_kind: CK_NONE,
        case: 0,
        purpose: 0,
        action: A_QUERY,
        rows: None,
        flags: F_NORMAL,
        labels: 0,
    }
}

/// Mixed into the seed for the stream that draws normal work's writes.
pub(super) const UPKEEP_STREAM: u64 = 0x5245_434f_5244_5321;

/// Bits of the four `record_change` labels.
const RECORD_BITS: u64 = 0xf << L_RECORD;

/// Share of a unit's case lookups of a person that lead to an edit of the
/// record: records clerks edit as they answer requests, detectives and
/// patrol now and then.
fn edit_share(unit: Unit) -> f64 {
    match unit {
        Unit::Records => 0.2,
        Unit::Investigations => 0.05,
        Unit::Patrol => 0.015,
        _ => 0.0,
    }
}

/// How a write shows the record it changed: the person id always when the
/// system keys rows by it, with the name and date of birth on the record
/// most of the time.
fn write_form(rng: &mut impl Rng) -> u8 {
    [
        form(N_EXACT, T_PID | T_DOB),
        form(N_NONE, T_PID),
        form(N_EXACT, T_PID),
        form(N_EXACT, T_DOB),
    ][weighted(rng, &[55, 25, 10, 10])]
}

impl Sim<'_> {
    /// The writes of normal work, following the first `n` events (normal
    /// work's, the same with and without misconduct).
    pub(super) fn record_upkeep(&mut self, rng: &mut FastRng, n: usize) {
        let mut last_seed = None;
        for i in 0..n.min(self.events.len()) {
            let e = self.events[i];
            if e.flags & F_NORMAL == 0 || e.case_kind != CK_REAL {
                continue;
            }
            // The events of one fanned-out query share their seed: one edit at most.
            if last_seed == Some(e.seed) {
                continue;
            }
            last_seed = Some(e.seed);
            let unit = self.w.emp_of(e.login).unit;
            match (e.action, e.target()) {
                (A_QUERY, Target::Person(_)) => {
                    let share = edit_share(unit);
                    if share > 0.0 && rng.random_bool(share) {
                        self.edit_after(rng, &e, unit);
                    }
                }
                (A_EXPORT, Target::None) if unit == Unit::Records && rng.random_bool(0.25) => {
                    self.bulk_correction(rng, &e);
                }
                _ => {}
            }
        }
    }

    /// An edit of the record `e` looked up, by the same user a few minutes
    /// later, emitted only when nothing about it deserves a label.
    fn edit_after(&mut self, rng: &mut FastRng, e: &Ev, unit: Unit) {
        let action = match unit {
            // Clerks seal arrests (deletes) and enter dispositions.
            Unit::Records => [A_UPDATE, A_DELETE, A_INSERT][weighted(rng, &[65, 15, 20])],
            _ => [A_UPDATE, A_DELETE, A_INSERT][weighted(rng, &[60, 5, 35])],
        };
        let keep_case = rng.random_bool(0.65);
        let f = write_form(rng);
        let dt = span(rng, 40, 8 * MINUTE);
        let rows = if rng.random_bool(0.05) { 0 } else { 1 };
        let seed = rng.next_u64();
        let q = Q {
            target: e.target(),
            form: f,
            case_kind: if keep_case { CK_REAL } else { CK_NONE },
            case: if keep_case { e.case } else { 0 },
            purpose: if keep_case { e.purpose } else { 0 },
            action,
            rows: Some(rows),
            ..follow_up(e, dt)
        };
        if self.probe(&q).is_some_and(|v| v.labels == 0) {
            self.events.push(q.event(RMS, seed, rows));
        }
    }

    /// A bulk correction by the records unit under the request its export
    /// answered.
    fn bulk_correction(&mut self, rng: &mut FastRng, e: &Ev) {
        let dt = span(rng, 5 * MINUTE, 40 * MINUTE);
        let rows = (30.0 * 60f64.powf(rng.random::<f64>())) as u32;
        let seed = rng.next_u64();
        let q = Q {
            case_kind: e.case_kind,
            case: e.case,
            purpose: e.purpose,
            action: A_UPDATE,
            rows: Some(rows),
            ..follow_up(e, dt)
        };
        if self.probe(&q).is_some_and(|v| v.labels == 0) {
            self.events.push(q.event(RMS, seed, rows));
        }
    }

    /// Officers editing their own record, a coworker's, an associate's or a
    /// watch-list person's.
    pub(super) fn inject_record_changes(&mut self, rng: &mut FastRng, plan: &Plan) {
        let w = self.w;
        let logins = self.working_logins();
        if logins.is_empty() {
            return;
        }
        for family in 0..4u32 {
            for i in 0..plan.count(2, 2.0) {
                for _ in 0..20 {
                    let (login, person, mask) = match family {
                        0 => {
                            let login = logins[rng.random_range(0..logins.len())];
                            let me = w.emp_index(login);
                            (login, w.emp_of(login).person, w.personnel_mask(me))
                        }
                        1 => {
                            let login = logins[rng.random_range(0..logins.len())];
                            let me = w.emp_index(login);
                            let other = rng.random_range(0..w.employees.len()) as u16;
                            if other == me || w.employees[other as usize].gone {
                                continue;
                            }
                            (
                                login,
                                w.employees[other as usize].person,
                                w.personnel_mask(other),
                            )
                        }
                        2 => {
                            let Some(a) = w.assocs.get(rng.random_range(0..w.assocs.len().max(1)))
                            else {
                                break;
                            };
                            let mine: Vec<u16> = w.employees[a.emp as usize]
                                .logins
                                .iter()
                                .copied()
                                .filter(|&l| !self.login_shifts[l as usize].is_empty())
                                .collect();
                            let Some(&login) = mine.get(rng.random_range(0..mine.len().max(1)))
                            else {
                                continue;
                            };
                            (login, a.person, a.mask)
                        }
                        _ => {
                            let Some(x) = w.watch.get(rng.random_range(0..w.watch.len().max(1)))
                            else {
                                break;
                            };
                            let login = logins[rng.random_range(0..logins.len())];
                            (login, x.person, x.mask)
                        }
                    };
                    if self.record_misconduct(rng, login, plan.days(i), person, mask, family) {
                        break;
                    }
                }
            }
        }
    }

    /// One write by `login` to `person`'s record on days `days`, labelled
    /// `record_change` of `family` (beside the lookup's identity kind of the
    /// same family), most of the time after opening the record; whether it
    /// was emitted.
    fn record_misconduct(
        &mut self,
        rng: &mut FastRng,
        login: u16,
        days: (i64, i64),
        person: u32,
        mask: u8,
        family: u32,
    ) -> bool {
        let want = Want {
            all: bit(L_RECORD + family),
            any: 0,
            none: RECORD_BITS & !bit(L_RECORD + family),
        };
        for _ in 0..20 {
            let Some(s) = self.shift_of(rng, login, days.0, days.1) else {
                return false;
            };
            let sh = self.shifts[s as usize];
            if sh.end - sh.start < 60 * MINUTE {
                continue;
            }
            let t = span(rng, sh.start + 20 * MINUTE, sh.end - 15 * MINUTE);
            let ctx = [Ctx::Missing, Ctx::Cover, Ctx::Unknown, Ctx::NotAssigned]
                [weighted(rng, &[60, 25, 10, 5])];
            let Some((case_kind, case, purpose)) = self.resolve(rng, ctx, login, t) else {
                continue;
            };
            let action = [A_UPDATE, A_DELETE, A_INSERT][weighted(rng, &[60, 20, 20])];
            let rows = span(rng, 1, 2) as u32;
            let q = Q {
                target: Target::Person(person),
                form: write_form(rng),
                case_kind,
                case,
                purpose,
                action,
                rows: Some(rows),
                flags: F_MISUSE,
                ..Q::on(&sh, t)
            };
            let Some(v) = self.probe(&q).filter(|v| want.accepts(v)) else {
                continue;
            };
            // The record is opened first, most of the time, under the same case.
            if rng.random_bool(0.6) {
                let p = &self.w.pop.persons[person as usize];
                let look = Q {
                    t: t - span(rng, 40, 10 * MINUTE),
                    form: fit_form(form_for_mask(rng, mask), p),
                    action: A_QUERY,
                    rows: None,
                    ..q
                };
                if look.t > sh.start && self.probe(&look).is_some() {
                    self.emit(rng, &look, &[RMS]);
                }
            }
            let seed = rng.next_u64();
            self.events.push(q.event(RMS, seed, rows));
            if !v.explained {
                self.seen[person as usize].push((t, login));
            }
            return true;
        }
        false
    }
}

/// What a write shows in the log: the record it changed (as the records
/// system holds it, not as anyone typed it), the statement and the table
/// it changed. `rng` continues the event's typing stream; the rows affected
/// are the event's result.
pub(super) fn render(
    ev: &Ev,
    pop: &Population,
    rng: &mut Mix,
) -> (Option<Typed>, String, &'static str) {
    let Target::Person(p) = ev.target() else {
        return bulk(rng);
    };
    let person = &pop.persons[p as usize];
    let id = pid(p);
    let (last, first) = record_name(pop, person);
    let style = super::typing::name_style(ev.form);
    let mut typed = Typed::default();
    let mut key: Vec<String> = Vec::new();
    if ev.form & T_PID != 0 {
        typed.pid = Some(id.clone());
        key.push(format!("PERSON_ID = '{id}'"));
    }
    if style == N_EXACT {
        if ev.form & T_PID == 0 {
            key.push(format!("LAST_NAME = '{last}' AND FIRST_NAME = '{first}'"));
        }
        typed.last = Some(last);
        typed.first = Some(first);
    }
    if ev.form & T_DOB != 0 {
        let dob = fmt_day(person.dob);
        if ev.form & T_PID == 0 {
            key.push(format!("DOB = '{dob}'"));
        }
        typed.dob = Some(dob);
    }
    let key = key.join(" AND ");
    let (table, statement) = match ev.action {
        A_DELETE => match weighted(rng, &[40, 35, 25]) {
            0 => (
                "PERSON_FLAG",
                format!("DELETE FROM PERSON_FLAG WHERE {key} AND FLAG_TYPE = 'WARRANT'"),
            ),
            1 => (
                "ARREST",
                format!(
                    "DELETE FROM ARREST WHERE {key} AND ARREST_NO = '{}'",
                    rng.random_range(10_000..99_999u32)
                ),
            ),
            _ => (
                "FIELD_INTERVIEW",
                format!(
                    "DELETE FROM FIELD_INTERVIEW WHERE {key} AND FI_NO = '{}'",
                    rng.random_range(1_000..9_999u32)
                ),
            ),
        },
        A_INSERT => {
            let (table, cols, value) = match weighted(rng, &[35, 35, 30]) {
                0 => (
                    "PERSON_FLAG",
                    "FLAG_TYPE",
                    ["CAUTION", "ARMED", "MENTAL_HEALTH", "GANG"][rng.random_range(0..4)]
                        .to_string(),
                ),
                1 => (
                    "PERSON_NOTE",
                    "NOTE",
                    [
                        "CONTACT AT RESIDENCE",
                        "SEE SUPPLEMENT",
                        "KNOWN TO CARRY",
                        "PHONE UPDATED PER SUBJECT",
                    ][rng.random_range(0..4)]
                    .to_string(),
                ),
                _ => (
                    "PERSON_ALIAS",
                    "ALIAS",
                    ["JJ", "SMOKEY", "TEE", "BIG MIKE", "LIL D"][rng.random_range(0..5)]
                        .to_string(),
                ),
            };
            let who = typed.pid.clone().unwrap_or_else(|| key.clone());
            (
                table,
                format!("INSERT INTO {table} (PERSON_ID, {cols}) VALUES ('{who}', '{value}')"),
            )
        }
        _ => {
            let set = match weighted(rng, &[25, 30, 15, 10, 10, 10]) {
                0 => "WARRANT_FLAG = 'N'".to_string(),
                1 => format!(
                    "ADDRESS = '{} {} ST', CITY = '{}'",
                    rng.random_range(100..9_999u32),
                    ["OAK", "ELM", "PINE", "MAPLE", "CEDAR", "WALNUT"][rng.random_range(0..6)],
                    CITIES[rng.random_range(0..CITIES.len())].to_uppercase()
                ),
                2 => format!("PHONE = '720-555-01{:02}'", rng.random_range(0..100u32)),
                3 => "CAUTION_CODE = NULL".to_string(),
                4 => "DL_STATUS = 'VALID'".to_string(),
                _ => format!(
                    "DISPOSITION = '{}'",
                    ["DISMISSED", "CONVICTED", "DEFERRED"][rng.random_range(0..3)]
                ),
            };
            ("PERSON", format!("UPDATE PERSON SET {set} WHERE {key}"))
        }
    };
    (Some(typed), statement, table)
}

/// A bulk correction that names nobody.
fn bulk(rng: &mut Mix) -> (Option<Typed>, String, &'static str) {
    let statement = if rng.random_bool(0.6) {
        let city = CITIES[rng.random_range(0..CITIES.len())].to_uppercase();
        let cut: String = city.chars().take(city.len().saturating_sub(2)).collect();
        format!("UPDATE PERSON SET CITY = '{city}' WHERE CITY IN ('{cut}', '{city} CO')")
    } else {
        format!(
            "UPDATE PERSON SET DL_STATUS = 'EXPIRED' WHERE DL_EXPIRES < '20{:02}-01-01'",
            rng.random_range(20..25u32)
        )
    };
    (None, statement, "PERSON")
}
