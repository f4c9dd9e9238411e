//! Writes the realistic world: the reference tables as the agency's systems
//! hold them (`refs/*.csv`), `custodes.toml` with the agency's exempt
//! purposes, `events.jsonl` with the typed text rendered from each event's
//! seed, and `labels.jsonl` (one label per event and detector/kind, in the
//! format of [`crate::eval::Label`]).

use super::agency::{World, SITES};
use super::cases::CaseBook;
use super::clock::{fmt_day, write_ts};
use super::people::{
    phone_record, pid, plate_record, Population, M_ADDR, M_DOB, M_PHONE, M_PID, M_PLATE,
};
use super::typing::{case_typed, no_case_typed, query_text, record_name, render, Typed};
use super::work::PURPOSES;
use super::{
    Ev, Mix, Simulated, Target, ACTIONS, A_EXPORT, A_LOGIN, A_LOGOUT, CAD, CK_NONE, CK_REAL,
    CONFIG, JMS, LABELS, NCIC, POE, RMS, SYSTEMS,
};
use crate::gen::{
    event_id, field, io_err, subject_json, write_events, GenError, GenSummary, LabelWriter,
};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn csv_file(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), GenError> {
    let path = dir.join(name);
    let csv_err = |source| GenError::Csv {
        path: path.clone(),
        source,
    };
    let mut wr = csv::Writer::from_path(&path).map_err(csv_err)?;
    wr.write_record(header).map_err(csv_err)?;
    for row in rows {
        wr.write_record(&row).map_err(csv_err)?;
    }
    wr.flush().map_err(io_err(&path))
}

fn opt_day(d: Option<i64>) -> String {
    d.map(fmt_day).unwrap_or_default()
}

fn write_refs(dir: &Path, w: &World, book: &CaseBook) -> Result<(), GenError> {
    let pop = &w.pop;
    csv_file(
        dir,
        "personnel.csv",
        crate::refs::columns::PERSONNEL,
        w.logins.iter().map(|l| {
            let e = &w.employees[l.emp as usize];
            let p = &pop.persons[e.person as usize];
            let phone = if p.phone != 0 {
                let x = phone_record(p.phone);
                format!("({}) {}", &x[..3], &x[4..])
            } else {
                String::new()
            };
            vec![
                l.name.clone(),
                e.emp_id.clone(),
                if e.pid_known {
                    pid(e.person)
                } else {
                    String::new()
                },
                pop.surname(p).to_string(),
                Population::first_name(p).to_string(),
                fmt_day(p.dob),
                pop.address_record(&p.addr, p.city_on_record),
                phone,
                if p.plate != 0 {
                    plate_record(p.plate)
                } else {
                    String::new()
                },
                e.unit.name().to_string(),
                e.supervisor
                    .map(|s| w.employees[s as usize].emp_id.clone())
                    .unwrap_or_default(),
                SITES[e.site as usize].0.to_string(),
                e.status.name().to_string(),
                opt_day(e.end),
            ]
        }),
    )?;
    csv_file(
        dir,
        "associations.csv",
        crate::refs::columns::ASSOCIATIONS,
        w.assocs.iter().map(|a| {
            let p = &pop.persons[a.person as usize];
            let has = |m: u8| a.mask & m != 0;
            vec![
                w.employees[a.emp as usize].emp_id.clone(),
                a.relation.to_string(),
                if has(M_PID) {
                    pid(a.person)
                } else {
                    String::new()
                },
                pop.surname(p).to_string(),
                Population::first_name(p).to_string(),
                if has(M_DOB) {
                    fmt_day(p.dob)
                } else {
                    String::new()
                },
                if has(M_ADDR) {
                    pop.address_record(&p.addr, true)
                } else {
                    String::new()
                },
                if has(M_PHONE) {
                    phone_record(p.phone).replace('-', ".")
                } else {
                    String::new()
                },
                if has(M_PLATE) {
                    plate_record(p.plate)
                } else {
                    String::new()
                },
                opt_day(a.valid_from),
                opt_day(a.valid_to),
                a.source.to_string(),
            ]
        }),
    )?;
    let mut numbered: Vec<u32> = (0..book.cases.len() as u32).collect();
    numbered.sort_by_key(|&c| {
        let x = &book.cases[c as usize];
        (x.year, x.seq)
    });
    csv_file(
        dir,
        "cases.csv",
        crate::refs::columns::CASES,
        numbered.iter().map(|&c| {
            let x = &book.cases[c as usize];
            vec![
                book.case_id(c),
                if x.closed.is_some() { "closed" } else { "open" }.to_string(),
                fmt_day(x.opened),
                opt_day(x.closed),
                x.unit.name().to_string(),
            ]
        }),
    )?;
    csv_file(
        dir,
        "case_assignments.csv",
        &["case_id", "user", "employee_id", "from", "to"],
        numbered.iter().flat_map(|&c| {
            book.assigns_of(c).iter().map(move |&a| {
                let a = &book.assigns[a as usize];
                let (user, emp) = if a.by_emp {
                    (String::new(), w.emp_of(a.login).emp_id.clone())
                } else {
                    (w.logins[a.login as usize].name.clone(), String::new())
                };
                vec![book.case_id(c), user, emp, fmt_day(a.from), opt_day(a.to)]
            })
        }),
    )?;
    csv_file(
        dir,
        "case_subjects.csv",
        crate::refs::columns::CASE_SUBJECTS,
        numbered.iter().flat_map(|&c| {
            book.subjects_of(c).iter().map(move |&p| {
                let person = &pop.persons[p as usize];
                let (last, first) = record_name(pop, person);
                vec![
                    book.case_id(c),
                    pid(p),
                    last,
                    first,
                    fmt_day(person.dob),
                    pop.address_record(&person.addr, person.city_on_record),
                    if person.phone != 0 {
                        phone_record(person.phone)
                    } else {
                        String::new()
                    },
                    if person.plate != 0 {
                        plate_record(person.plate)
                    } else {
                        String::new()
                    },
                ]
            })
        }),
    )?;
    csv_file(
        dir,
        "watchlist.csv",
        crate::refs::columns::WATCHLIST,
        w.watch.iter().map(|x| {
            let p = &pop.persons[x.person as usize];
            vec![
                if x.mask & M_PID != 0 {
                    pid(x.person)
                } else {
                    String::new()
                },
                pop.surname(p).to_string(),
                Population::first_name(p).to_string(),
                if x.mask & M_DOB != 0 {
                    fmt_day(p.dob)
                } else {
                    String::new()
                },
                x.category.to_string(),
            ]
        }),
    )?;
    csv_file(
        dir,
        "clients.csv",
        crate::refs::columns::CLIENTS,
        w.clients.iter().map(|c| match c.site {
            Some(s) => {
                let site = SITES[s as usize];
                vec![
                    c.name.clone(),
                    site.0.to_string(),
                    format!("{:.5}", site.2),
                    format!("{:.5}", site.3),
                ]
            }
            None => vec![c.name.clone(), String::new(), String::new(), String::new()],
        }),
    )
}

/// One event as a JSON object (written by hand, as the classic world does,
/// for speed); typed text goes through `json_str`.
fn event_json(out: &mut String, w: &World, book: &CaseBook, ev: &Ev, n: usize) {
    let pop = &w.pop;
    let system = SYSTEMS[ev.system as usize];
    out.push_str("{\"id\":\"");
    out.push_str(&event_id(n));
    out.push_str("\",\"ts\":\"");
    write_ts(out, ev.t, matches!(ev.system, RMS | CAD | JMS));
    out.push_str("\",\"user\":\"");
    out.push_str(&w.logins[ev.login as usize].name);
    out.push('"');
    // NCIC leaves the action out of ordinary queries (readers default it).
    if !(ev.system == NCIC && ev.action == super::A_QUERY) {
        out.push_str(",\"action\":\"");
        out.push_str(ACTIONS[ev.action as usize]);
        out.push('"');
    }
    out.push_str(",\"system\":\"");
    out.push_str(system);
    let _ = write!(
        out,
        "\",\"session\":\"{}-{:07x}\"",
        system.to_lowercase(),
        ev.session
    );
    let client = &w.clients[ev.client as usize];
    out.push_str(",\"client\":\"");
    out.push_str(&client.name);
    out.push_str("\",\"ip\":\"");
    out.push_str(&client.ip);
    out.push('"');
    if ev.action == A_LOGIN || ev.action == A_LOGOUT {
        out.push('}');
        return;
    }
    let mut rng = Mix::new(ev.seed);
    let case = match ev.case_kind {
        CK_NONE => no_case_typed(&mut rng).map(str::to_string),
        CK_REAL => {
            let c = &book.cases[ev.case as usize];
            Some(case_typed(&mut rng, c.year, c.seq))
        }
        _ => {
            let (y, s) = book
                .unknown
                .get(ev.case as usize)
                .copied()
                .unwrap_or((2000, 1));
            Some(case_typed(&mut rng, y, s))
        }
    };
    if let Some(c) = &case {
        field(out, "case_id", c);
    }
    if let Some(p) = PURPOSES[ev.purpose as usize] {
        field(out, "purpose", p);
    }
    if ev.is_write() {
        let (typed, statement, table) = super::records::render(ev, pop, &mut rng);
        if let Some(t) = &typed {
            subject_fields(out, t, false);
        }
        field(out, "table_name", table);
        let _ = write!(out, ",\"rows_affected\":{}", ev.result);
        field(out, "query_text", &statement);
        out.push('}');
        return;
    }
    if super::fishing::is_fishing_form(ev.form) {
        let (typed, q, extra) = super::fishing::render(ev, pop, system);
        if let Some(t) = &typed {
            subject_fields(out, t, false);
        }
        for (k, v) in extra {
            field(out, k, &v);
        }
        if ev.result != u32::MAX {
            let _ = write!(out, ",\"result_count\":{}", ev.result);
        }
        field(out, "query_text", &q);
        out.push('}');
        return;
    }
    let typed = match ev.target() {
        Target::Person(p) => Some(render(
            &mut rng,
            pop,
            &pop.persons[p as usize],
            Some(p),
            ev.form,
        )),
        Target::Stranger(s) => Some(render(&mut rng, pop, &pop.stranger(s), None, ev.form)),
        Target::None => None,
    };
    if let Some(t) = &typed {
        subject_fields(out, t, ev.system == POE);
    }
    if ev.result != u32::MAX {
        let _ = write!(out, ",\"result_count\":{}", ev.result);
    }
    match &typed {
        Some(t) => field(out, "query_text", &query_text(system, t)),
        None if ev.action == A_EXPORT => {
            let q = match &case {
                Some(c) if ev.case_kind != CK_NONE => {
                    format!("EXPORT PERSON RECORDS WHERE CASE = '{}'", c.trim())
                }
                _ => "EXPORT PERSON RECORDS WHERE DISTRICT IN (1, 2, 3)".to_string(),
            };
            field(out, "query_text", &q);
        }
        None => {}
    }
    out.push('}');
}

fn subject_fields(out: &mut String, t: &Typed, nested: bool) {
    let parts = [
        ("subject_person_id", &t.pid),
        ("subject_last_name", &t.last),
        ("subject_first_name", &t.first),
        ("subject_name", &t.name),
        ("subject_dob", &t.dob),
        ("subject_address", &t.address),
        ("subject_phone", &t.phone),
        ("subject_plate", &t.plate),
    ];
    subject_json(out, &parts, nested);
}

pub(super) fn write_all(out: &Path, s: &Simulated) -> Result<GenSummary, GenError> {
    let (w, book) = (&s.world, &s.book);
    let refs = out.join("refs");
    fs::create_dir_all(&refs).map_err(io_err(&refs))?;
    write_refs(&refs, w, book)?;
    let path = out.join("custodes.toml");
    fs::write(&path, CONFIG).map_err(io_err(&path))?;

    write_events(&out.join("events.jsonl"), s.order.len(), |chunk, pos| {
        event_json(chunk, w, book, &s.events[s.order[pos] as usize], pos + 1);
    })?;

    let mut labels = LabelWriter::create(out.join("labels.jsonl"))?;
    for (pos, &i) in s.order.iter().enumerate() {
        let ev = &s.events[i as usize];
        if ev.labels == 0 {
            continue;
        }
        let mut ts = String::with_capacity(20);
        write_ts(&mut ts, ev.t, false);
        for (b, (detector, kind)) in LABELS.iter().enumerate() {
            if ev.labels & (1u64 << b) == 0 {
                continue;
            }
            let user = &w.logins[ev.login as usize].name;
            labels.write(detector, kind, user, pos, &ts)?;
        }
    }
    let (n_labels, by_label) = labels.finish()?;
    Ok(GenSummary {
        events: s.order.len(),
        labels: n_labels,
        users: w.logins.len(),
        by_label,
    })
}
