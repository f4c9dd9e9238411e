//! Injected fishing, written from how the practice is described rather than
//! from any detector: officers who trawl the records for people they cannot
//! or should not name —
//!
//! * a name pattern typed into the name field (`GAR*`, `WAL%`) with no case;
//! * a search by sex, race and age range, or by vehicle make and colour,
//!   that names nobody, with no case;
//! * a run of plates typed one after another, the last digits counting up,
//!   within a quarter of an hour, with no case;
//!
//! and their legitimate look-alikes, which carry no label: a detective's
//! pattern under the open case they work that lists the person the pattern
//! is for (they remember only how the name starts), and a suspect
//! description searched under the user's own open case.
//!
//! The ground truth ([`super::truth`]) labels these from what they are (the
//! name style of the form says which), together with a surname typed alone
//! returning many records that no case of the user's explains. Nothing here
//! reads custodes' configuration or detector code.

use super::clock::{Day, MINUTE};
use super::misuse::Plan;
use super::people::Population;
use super::typing::{form, query_text, record_name, Typed};
use super::work::{Sim, P_INVESTIGATION, P_NONE, Q};
use super::{bit, Ev, Mix, Target, CK_NONE, CK_REAL, DMV, F_MISUSE, L_FISH, RMS};
use crate::gen::world::{span, FastRng};
use rand::{Rng, RngCore};

/// Name styles of fishing searches (the top three bits of a form; the
/// ordinary styles use 0..=4).
pub(super) const N_PATTERN: u8 = 5;
pub(super) const N_ATTRS: u8 = 6;
pub(super) const N_SEQUENCE: u8 = 7;

/// Sexes, races, makes and colours as records systems code them.
const SEXES: [&str; 2] = ["F", "M"];
const RACES: [&str; 5] = ["W", "B", "H", "A", "I"];
const MAKES: [&str; 6] = ["TOYOTA", "HONDA", "FORD", "CHEVROLET", "NISSAN", "BMW"];
const COLOURS: [&str; 6] = ["RED", "BLUE", "BLACK", "WHITE", "SILVER", "GREEN"];

impl Sim<'_> {
    pub(super) fn inject_fishing(&mut self, rng: &mut FastRng, plan: &Plan) {
        let logins = self.working_logins();
        if logins.is_empty() {
            return;
        }
        for i in 0..plan.count(2, 3.0) {
            let n = span(rng, 2, 5) as usize;
            self.fishing_episode(rng, plan.days(i), &logins, N_PATTERN, n);
        }
        for i in 0..plan.count(2, 2.0) {
            let n = span(rng, 1, 3) as usize;
            self.fishing_episode(rng, plan.days(i), &logins, N_ATTRS, n);
        }
        for i in 0..plan.count(2, 2.0) {
            let n = span(rng, 4, 7) as usize;
            self.fishing_episode(rng, plan.days(i), &logins, N_SEQUENCE, n);
        }
        for i in 0..plan.count(3, 4.0) {
            self.casework_lookalike(rng, plan.days(i), &logins, N_PATTERN);
        }
        for i in 0..plan.count(2, 2.0) {
            self.casework_lookalike(rng, plan.days(i), &logins, N_ATTRS);
        }
    }

    /// `n` fishing searches of one style in a shift of one of `logins` on one
    /// of `days`, no case.
    fn fishing_episode(
        &mut self,
        rng: &mut FastRng,
        days: (Day, Day),
        logins: &[u16],
        style: u8,
        n: usize,
    ) {
        self.place_on_shift(rng, logins, days, 40, |sim, rng, _, sh| {
            let end = sh.end - 20 * MINUTE;
            let start = sh.start + 10 * MINUTE;
            if end <= start + 20 * MINUTE {
                return false;
            }
            // A run of plates is typed within a quarter of an hour; patterns and
            // descriptions are spread over the shift.
            let mut times: Vec<i64> = if style == N_SEQUENCE {
                let t0 = span(rng, start, end - 16 * MINUTE);
                let mut t = t0;
                (0..n)
                    .map(|_| {
                        t += span(rng, 40, 150);
                        t
                    })
                    .collect()
            } else {
                (0..n).map(|_| span(rng, start, end)).collect()
            };
            times.sort_unstable();
            let run = rng.next_u64() >> 16;
            let q0 = Q {
                target: Target::None,
                form: form(style, 0),
                case_kind: CK_NONE,
                purpose: P_NONE,
                flags: F_MISUSE,
                ..Q::on(&sh, times[0])
            };
            let want = bit(L_FISH + (style - N_PATTERN) as u32);
            if sim.probe(&q0).is_none_or(|v| v.labels & want == 0) {
                return false;
            }
            for (k, &t) in times.iter().enumerate() {
                let q = Q {
                    rows: Some(rows(rng, style)),
                    ..Q { t, ..q0 }
                };
                let system = match style {
                    N_SEQUENCE => DMV,
                    N_ATTRS if rng.random_bool(0.5) => DMV,
                    _ => RMS,
                };
                // The run id and the position in it make the typed text: one
                // pattern or description per search, one plate per step.
                let seed = (run << 8) | k as u64;
                sim.events.push(q.event(system, seed, q.rows.unwrap_or(0)));
            }
            true
        });
    }

    /// A pattern or description under an open case the user works, for a
    /// person that case lists.
    fn casework_lookalike(
        &mut self,
        rng: &mut FastRng,
        days: (Day, Day),
        logins: &[u16],
        style: u8,
    ) {
        self.place_on_shift(rng, logins, days, 60, |sim, rng, login, sh| {
            let open = sim.open_cases(login, sh.day);
            let Some(&(case, _)) = open.get(rng.random_range(0..open.len().max(1))) else {
                return false;
            };
            let subjects = sim.book.subjects_of(case);
            let p = subjects[rng.random_range(0..subjects.len())];
            if sh.end - sh.start < 40 * MINUTE {
                return false;
            }
            let t = span(rng, sh.start + 10 * MINUTE, sh.end - 10 * MINUTE);
            let q = Q {
                target: if style == N_PATTERN {
                    Target::Person(p)
                } else {
                    Target::None
                },
                form: form(style, 0),
                case_kind: CK_REAL,
                case,
                purpose: P_INVESTIGATION,
                rows: Some(rows(rng, style)),
                ..Q::on(&sh, t)
            };
            // Case work in every reading of dates, and nothing to label.
            if sim.probe(&q).is_none_or(|v| v.labels != 0) {
                return false;
            }
            let seed = rng.next_u64() & !0xff;
            sim.events.push(q.event(RMS, seed, q.rows.unwrap_or(0)));
            true
        });
    }
}

fn rows(rng: &mut FastRng, style: u8) -> u32 {
    match style {
        N_SEQUENCE => span(rng, 0, 1) as u32,
        N_ATTRS => span(rng, 40, 900) as u32,
        _ => span(rng, 20, 400) as u32,
    }
}

/// What a fishing search (name style [`N_PATTERN`], [`N_ATTRS`] or
/// [`N_SEQUENCE`]) shows in the log: the subject typed (if any), the raw
/// query and extra source fields.
pub(super) fn render(
    ev: &Ev,
    pop: &Population,
    system: &str,
) -> (Option<Typed>, String, Vec<(&'static str, String)>) {
    let mut rng = Mix::new(ev.seed >> 8);
    let style = super::typing::name_style(ev.form);
    match style {
        N_PATTERN => {
            let mut rng = Mix::new(ev.seed);
            let p = match ev.target() {
                Target::Person(p) => p as usize,
                _ => rng.random_range(0..pop.persons.len().max(1)),
            };
            let surname = pop
                .persons
                .get(p)
                .map(|x| record_name(pop, x).0)
                .unwrap_or_else(|| "SMITH".into());
            let keep = surname
                .len()
                .saturating_sub(1)
                .clamp(1, rng.random_range(3..=4));
            let stem: String = surname.chars().take(keep).collect();
            let wild = if rng.random_bool(0.6) { '*' } else { '%' };
            let typed = Typed {
                last: Some(format!("{stem}{wild}")),
                ..Typed::default()
            };
            let q = query_text(system, &typed);
            (Some(typed), q, Vec::new())
        }
        N_ATTRS => {
            let mut rng = Mix::new(ev.seed);
            if system == "DMV" {
                let make = MAKES[rng.random_range(0..MAKES.len())];
                let colour = COLOURS[rng.random_range(0..COLOURS.len())];
                let q = format!("DMV INQ make={make} color={colour}");
                (
                    None,
                    q,
                    vec![
                        ("vehicle_make", make.into()),
                        ("vehicle_color", colour.into()),
                    ],
                )
            } else {
                let sex = SEXES[rng.random_range(0..SEXES.len())];
                let race = RACES[rng.random_range(0..RACES.len())];
                let from = rng.random_range(18..45);
                let q = format!(
                    "PERSON SEARCH sex={sex} race={race} age={from}-{}",
                    from + 10
                );
                (None, q, Vec::new())
            }
        }
        _ => {
            // One series for the run, counting up from its base.
            let letters: String = (0..3)
                .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
                .collect();
            let lead = rng.random_range(1..10u32);
            let base = rng.random_range(100..900u32);
            let plate = format!("{lead}{letters}{:03}", base + (ev.seed & 0xff) as u32);
            let typed = Typed {
                plate: Some(plate),
                ..Typed::default()
            };
            let q = query_text(system, &typed);
            (Some(typed), q, Vec::new())
        }
    }
}

/// Whether a form is a fishing search's.
pub(super) fn is_fishing_form(f: u8) -> bool {
    super::typing::name_style(f) >= N_PATTERN
}
