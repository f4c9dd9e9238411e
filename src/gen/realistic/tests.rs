//! Tests of the realistic world: determinism, the shape of normal work
//! (dense patrol case work, address-only premise history, typed variants,
//! fan-out, shifts), and labels that are complete, consistent and refer to
//! events that exist.

use super::agency::{Unit, World};
use super::clock::{day_of, local_day, local_secs, HOUR};
use super::*;
use crate::gen::{GenOptions, Profile};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;

fn opts(seed: u64, users: usize, days: u32, inject: bool) -> GenOptions {
    GenOptions {
        seed,
        users,
        days,
        inject,
        profile: Profile::Realistic,
        ..GenOptions::default()
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    crate::gen::tests::read_dir_bytes(dir, &["events.jsonl", "labels.jsonl", "custodes.toml"])
}

#[test]
fn same_seed_same_bytes_other_seed_other_world() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    crate::gen::generate(&opts(5, 25, 6, true), a.path()).unwrap();
    crate::gen::generate(&opts(5, 25, 6, true), b.path()).unwrap();
    crate::gen::generate(&opts(6, 25, 6, true), c.path()).unwrap();
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.len(), 10, "{:?}", fa.keys().collect::<Vec<_>>());
    assert_eq!(fa, fb);
    assert_ne!(fa["events.jsonl"], fc["events.jsonl"]);
    assert_ne!(fa["refs/personnel.csv"], fc["refs/personnel.csv"]);
    let toml = String::from_utf8(fa["custodes.toml"].clone()).unwrap();
    let cfg = crate::config::Config::parse(&toml).unwrap();
    assert_eq!(
        cfg.no_case.exempt_purposes,
        vec!["TRAFFIC_STOP".to_string(), "BORDER_INSPECTION".to_string()]
    );
}

#[test]
fn options_are_checked() {
    assert!(simulate(&opts(1, 5, 7, true)).is_err());
    assert!(simulate(&opts(1, 20, 0, true)).is_err());
    let o = GenOptions {
        queries_per_user_day: f64::NAN,
        ..opts(1, 20, 3, true)
    };
    assert!(simulate(&o).is_err());
    // Tiny worlds do not break.
    for (users, days) in [(20, 1), (20, 2), (21, 5)] {
        let s = simulate(&opts(3, users, days, true)).unwrap();
        assert!(!s.order.is_empty(), "{users} users, {days} days");
    }
}

/// Normal work alone carries no label, and no lookup of it had labels that
/// depended on how dates are read.
#[test]
fn normal_work_carries_no_label() {
    for seed in [1, 2] {
        let s = simulate(&opts(seed, 40, 12, false)).unwrap();
        assert_eq!(s.ambiguous, 0, "seed {seed}");
        let labelled: Vec<&Ev> = s.events.iter().filter(|e| e.labels != 0).collect();
        assert!(
            labelled.is_empty(),
            "seed {seed}: {:?}",
            &labelled[..labelled.len().min(5)]
        );
        assert!(s.events.len() > 20_000, "{}", s.events.len());
    }
}

fn lookups_of<'a>(s: &'a Simulated, unit: Unit) -> impl Iterator<Item = &'a Ev> + 'a {
    s.order
        .iter()
        .map(move |&i| &s.events[i as usize])
        .filter(move |e| e.is_lookup() && s.world.emp_of(e.login).unit == unit)
}

/// Patrol is dense: 16-20 calls a shift, each an incident case with the
/// officer assigned, and backups: about 1,000 case assignments per patrol
/// login over 60 days. Dispatchers mostly look up addresses alone.
#[test]
fn work_has_the_shape_of_an_agency() {
    let s = simulate(&opts(11, 60, 14, false)).unwrap();
    let w = &s.world;
    let mut shifts: HashMap<u16, HashSet<i64>> = HashMap::new();
    for e in s.order.iter().map(|&i| &s.events[i as usize]) {
        if e.action == A_LOGIN {
            shifts.entry(e.login).or_default().insert(e.t);
        }
    }
    let mut per_login: HashMap<u16, usize> = HashMap::new();
    for a in &s.book.assigns {
        let logins: Vec<u16> = if a.by_emp {
            w.emp_of(a.login).logins.clone()
        } else {
            vec![a.login]
        };
        for l in logins {
            *per_login.entry(l).or_default() += 1;
        }
    }
    let patrol: Vec<u16> = (0..w.logins.len() as u16)
        .filter(|&l| {
            let e = w.emp_of(l);
            e.unit == Unit::Patrol && e.rank == agency::Rank::Officer && e.logins.len() == 1
        })
        .filter(|l| shifts.get(l).is_some_and(|v| v.len() >= 4))
        .collect();
    assert!(patrol.len() >= 10);
    let per_shift: f64 = patrol
        .iter()
        .map(|l| per_login.get(l).copied().unwrap_or(0) as f64 / shifts[l].len() as f64)
        .sum::<f64>()
        / patrol.len() as f64;
    let shifts_per_day: f64 = patrol.iter().map(|l| shifts[l].len() as f64).sum::<f64>()
        / patrol.len() as f64
        / f64::from(w.days);
    let per_60_days = per_shift * shifts_per_day * 60.0;
    eprintln!("patrol: {per_shift:.1} cases a shift, {shifts_per_day:.2} shifts a day, {per_60_days:.0} in 60 days");
    assert!((20.0..=40.0).contains(&per_shift), "{per_shift}");
    assert!((700.0..=1400.0).contains(&per_60_days), "{per_60_days}");

    // Dispatch: premise history is address-only, and most of their work.
    let disp: Vec<&Ev> = lookups_of(&s, Unit::Dispatch).collect();
    let addr_only = disp
        .iter()
        .filter(|e| e.form == typing::form(typing::N_NONE, typing::T_ADDR))
        .count();
    let share = addr_only as f64 / disp.len() as f64;
    eprintln!("dispatch: {} lookups, {share:.2} address-only", disp.len());
    assert!(share > 0.6, "{share}");
    for e in &disp {
        assert_eq!(e.case_kind, CK_REAL);
        assert!(e.flags & F_EXPLAINED != 0, "{e:?}");
    }

    // Border and traffic work under their exempt purposes, with no case.
    for unit in [Unit::Border, Unit::Traffic] {
        let evs: Vec<&Ev> = lookups_of(&s, unit).collect();
        let exempt = evs.iter().filter(|e| work::exempt(e.purpose)).count();
        assert!(exempt as f64 > 0.8 * evs.len() as f64, "{unit:?}");
    }

    // One typed query fans out to several systems in the same second.
    let mut groups: HashMap<(u64, i64), BTreeSet<u8>> = HashMap::new();
    for e in s.events.iter().filter(|e| e.is_lookup()) {
        groups.entry((e.seed, e.t)).or_default().insert(e.system);
    }
    let multi = groups.values().filter(|g| g.len() >= 2).count();
    assert!(
        multi as f64 > 0.5 * groups.len() as f64,
        "{multi} of {}",
        groups.len()
    );

    // Every shift lies inside one UTC day; day workers never work between
    // midnight and 05:00 local time.
    for e in &s.events {
        let emp = w.emp_of(e.login);
        if !emp.night {
            assert!(local_secs(e.t) >= 5 * HOUR, "{e:?}");
        }
    }
    // Records clerks export thousands of rows; nobody else exports.
    let exports: Vec<&Ev> = s.events.iter().filter(|e| e.action == A_EXPORT).collect();
    assert!(!exports.is_empty());
    for e in exports {
        assert_eq!(w.emp_of(e.login).unit, Unit::Records);
        assert!((1000..=20_000).contains(&e.result), "{}", e.result);
    }
}

/// Legitimate volume varies (±50 % a day, busy moments of up to about 40
/// lookups in ten minutes) but normal days stay well under three times a
/// login's median day.
#[test]
fn legitimate_volume_varies_within_bounds() {
    let s = simulate(&opts(12, 60, 21, false)).unwrap();
    let mut days: BTreeMap<(u16, i64), Vec<i64>> = BTreeMap::new();
    for &i in &s.order {
        let e = &s.events[i as usize];
        if e.is_lookup() {
            days.entry((e.login, day_of(e.t))).or_default().push(e.t);
        }
    }
    let mut by_login: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    let mut max_10 = 0;
    for ((login, _), ts) in &days {
        by_login.entry(*login).or_default().push(ts.len());
        let mut lo = 0;
        for hi in 0..ts.len() {
            while ts[hi] - ts[lo] >= 600 {
                lo += 1;
            }
            max_10 = max_10.max(hi - lo + 1);
        }
    }
    // (Command staff, with a handful of lookups a day, vary more.)
    let mut worst: f64 = 0.0;
    for counts in by_login.values().filter(|v| v.len() >= 8) {
        let mut v = counts.clone();
        v.sort_unstable();
        let med = v[v.len() / 2] as f64;
        if med >= 10.0 {
            worst = worst.max(*v.last().unwrap() as f64 / med);
        }
    }
    eprintln!("most in 10 minutes {max_10}, worst day {worst:.2}x median");
    assert!((25..=45).contains(&max_10), "{max_10}");
    assert!(worst < 2.8, "{worst}");
}

fn field<'a>(v: &'a serde_json::Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(|x| x.as_str())
}

/// What people type shows up in the events: addresses as said, names in
/// every order and case, case numbers in several forms and placeholders.
#[test]
fn events_carry_typed_variants() {
    let dir = tempfile::tempdir().unwrap();
    crate::gen::generate(&opts(13, 40, 7, true), dir.path()).unwrap();
    let text = fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hit = |k: &'static str, yes: bool| {
        if yes {
            *seen.entry(k).or_default() += 1;
        }
    };
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let sub = v.get("subject");
        let get =
            |k: &str| field(&v, &format!("subject_{k}")).or_else(|| sub.and_then(|s| field(s, k)));
        if let Some(a) = get("address") {
            hit(
                "address spelled out",
                a.contains(" Street") || a.contains(" Avenue"),
            );
            hit(
                "address abbreviated with a period",
                a.contains(" St.") || a.contains(" Ave."),
            );
            hit("unit as #", a.contains(" #"));
            hit("unit as Apt", a.contains("Apt") || a.contains("APT"));
            hit("address lower case", a == a.to_lowercase());
            hit(
                "directional spelled out",
                ["North ", "South ", "East ", "West "]
                    .iter()
                    .any(|d| a.contains(d)),
            );
            hit(
                "city said",
                CITIES_TITLE.iter().any(|c| a.to_lowercase().contains(c)),
            );
        }
        if let Some(n) = get("name") {
            hit("LAST, FIRST", n.contains(", ") && n == n.to_uppercase());
            hit("First Last", !n.contains(','));
        }
        hit(
            "surname only",
            get("last_name").is_some() && get("first_name").is_none() && get("dob").is_none(),
        );
        if let Some(f) = get("first_name") {
            hit("initial only", f.trim_end_matches('.').len() == 1);
            hit(
                "nickname",
                crate::gen::names::NICKNAMES
                    .iter()
                    .any(|(_, n)| n.iter().any(|x| x.eq_ignore_ascii_case(f))),
            );
        }
        if let Some(d) = get("dob") {
            hit("dob as MM/DD/YYYY", d.contains('/'));
        }
        if let Some(p) = get("plate") {
            hit("plate with a separator", p.contains(' ') || p.contains('-'));
        }
        if let Some(p) = get("phone") {
            hit("phone with parentheses", p.starts_with('('));
            hit("phone as digits", p.chars().all(|c| c.is_ascii_digit()));
        }
        if let Some(c) = field(&v, "case_id") {
            hit("case canonical", c.starts_with("C-"));
            hit("case lower case", c.starts_with("c-"));
            hit("case without prefix", c.starts_with("20"));
            hit(
                "case compact",
                c.starts_with('C') && !c.contains('-') && !c.contains(' '),
            );
            hit("case with spaces", c.starts_with(' ') || c.contains("C 20"));
            hit("case N/A", c == "N/A" || c == "n/a");
            hit("case NONE", c == "NONE");
            hit("case blank", c.is_empty());
        }
        hit("nested subject", sub.is_some());
        hit(
            "local offset",
            field(&v, "ts").is_some_and(|t| t.ends_with("-07:00")),
        );
        hit("UTC", field(&v, "ts").is_some_and(|t| t.ends_with('Z')));
        hit(
            "border purpose",
            field(&v, "purpose") == Some("BORDER_INSPECTION"),
        );
        hit(
            "traffic purpose",
            field(&v, "purpose") == Some("TRAFFIC_STOP"),
        );
    }
    let want = [
        "address spelled out",
        "address abbreviated with a period",
        "unit as #",
        "unit as Apt",
        "address lower case",
        "directional spelled out",
        "city said",
        "LAST, FIRST",
        "First Last",
        "surname only",
        "initial only",
        "nickname",
        "dob as MM/DD/YYYY",
        "plate with a separator",
        "phone with parentheses",
        "phone as digits",
        "case canonical",
        "case lower case",
        "case without prefix",
        "case compact",
        "case with spaces",
        "case N/A",
        "case NONE",
        "case blank",
        "nested subject",
        "local offset",
        "UTC",
        "border purpose",
        "traffic purpose",
    ];
    for k in want {
        assert!(
            seen.get(k).copied().unwrap_or(0) > 0,
            "no `{k}` in {seen:?}"
        );
    }
    // Records hold the canonical forms.
    let subjects = fs::read_to_string(dir.path().join("refs/case_subjects.csv")).unwrap();
    assert!(subjects.lines().skip(1).all(|l| l == l.to_uppercase()));
    assert!(subjects.contains(" APT "));
}

const CITIES_TITLE: [&str; 3] = [", riverbend", ", eastbrook", ", capital city"];

/// The injected world: every detector and kind is labelled, labels refer
/// to events that exist and agree with what the files show, and the only
/// labels on normal work are those a whole day or a sequence rule gives it.
#[test]
fn labels_are_complete_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(21, 60, 14, true);
    let s = simulate(&o).unwrap();
    assert_eq!(s.ambiguous, 0);
    let w: &World = &s.world;
    // Every kind is injected.
    let mut by_bit = [0usize; LABELS.len()];
    for e in &s.events {
        for (b, n) in by_bit.iter_mut().enumerate() {
            if e.flags & F_DROP == 0 && e.labels & bit(b as u32) != 0 {
                *n += 1;
            }
        }
    }
    for (b, n) in by_bit.iter().enumerate() {
        assert!(*n > 0, "no {:?}", LABELS[b]);
    }
    // Normal work only carries labels a day or a sequence gives it.
    let allowed = bit(L_VOLUME) | bit(L_CRED) | bit(L_CRED + 1) | bit(L_CRED + 2);
    for e in s.events.iter().filter(|e| e.flags & F_NORMAL != 0) {
        assert_eq!(e.labels & !allowed, 0, "{e:?}");
    }
    // Identity labels only on lookups that the world says are about that person.
    for e in s.events.iter().filter(|e| e.labels & IDENTITY_BITS != 0) {
        let Target::Person(p) = e.target() else {
            panic!("{e:?}");
        };
        let role = w.pop.persons[p as usize].role;
        let me = w.emp_index(e.login);
        if e.labels & ((1 << L_COWORKER) - 1) != 0 {
            assert_eq!(role, people::Role::Employee(me));
        }
        if e.labels & (((1 << L_WATCH) - 1) & !((1 << L_ASSOC) - 1)) != 0 {
            let people::Role::Associate(a) = role else {
                panic!("{e:?}");
            };
            assert_eq!(w.assocs[a as usize].emp, me);
        }
        assert!(e.flags & F_EXPLAINED == 0);
    }
    // Volume episodes are all labelled by intent.
    for e in s
        .events
        .iter()
        .filter(|e| e.flags & F_VOLUME != 0 && e.flags & F_DROP == 0)
    {
        assert_ne!(e.labels & (0x1f << L_VOLUME), 0, "{e:?}");
    }
    // A burst is over 90 lookups within ten minutes, under one real case.
    let mut bursts: BTreeMap<u16, Vec<&Ev>> = BTreeMap::new();
    for &i in &s.order {
        let e = &s.events[i as usize];
        if e.labels & bit(L_VOLUME + 1) != 0 {
            bursts.entry(e.login).or_default().push(e);
        }
    }
    assert!(!bursts.is_empty());
    for evs in bursts.values() {
        assert!(evs.len() >= 90 && evs[evs.len() - 1].t - evs[0].t <= 600);
        assert!(evs
            .iter()
            .all(|e| e.case_kind == CK_REAL && e.case == evs[0].case));
    }
    // Off-hours lookups are by day workers between 01:00 and 04:00 local.
    for e in s
        .events
        .iter()
        .filter(|e| e.labels & bit(L_VOLUME + 2) != 0)
    {
        assert!(!w.emp_of(e.login).night);
        assert!((HOUR..=4 * HOUR).contains(&local_secs(e.t)), "{e:?}");
    }
    // The first two weeks hold every identity and no_case kind.
    let early = s.events.iter().filter(|e| local_day(e.t) < w.start + 14);
    let early_bits = early.fold(0u64, |acc, e| acc | e.labels);
    assert_eq!(
        early_bits & (IDENTITY_BITS | NO_CASE_BITS),
        IDENTITY_BITS | NO_CASE_BITS
    );

    // The files: labels name existing events of the same user, and no_case
    // kinds agree with the case field and cases.csv.
    write::write_all(dir.path(), &s).unwrap();
    let text = fs::read_to_string(dir.path().join("events.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut cases: HashSet<String> = HashSet::new();
    for r in csv::Reader::from_path(dir.path().join("refs/cases.csv"))
        .unwrap()
        .records()
    {
        cases.insert(r.unwrap()[0].chars().filter(char::is_ascii_digit).collect());
    }
    let labels = crate::eval::read_labels(&dir.path().join("labels.jsonl")).unwrap();
    assert!(!labels.is_empty());
    let mut keys = BTreeSet::new();
    for l in &labels {
        assert_eq!(l.event_ids.len(), 1);
        let n: usize = l.event_ids[0].trim_start_matches("ev-").parse().unwrap();
        assert!((1..=lines.len()).contains(&n), "{l:?}");
        let v: serde_json::Value = serde_json::from_str(lines[n - 1]).unwrap();
        assert_eq!(field(&v, "id"), Some(l.event_ids[0].as_str()));
        assert_eq!(field(&v, "user"), Some(l.user.as_str()));
        assert!(keys.insert((l.detector.clone(), l.kind.clone(), n)));
        let action = field(&v, "action").unwrap_or("query");
        // Writes are lookups of the record they change (issue 16).
        let lookup = ["query", "export", "update", "delete", "insert"].contains(&action);
        assert!(lookup || l.detector == "shared_credential", "{l:?}");
        if l.detector == "no_case" {
            let purpose = field(&v, "purpose").unwrap_or("");
            assert!(!purpose
                .to_uppercase()
                .replace(' ', "_")
                .contains("TRAFFIC_STOP"));
            assert!(!purpose
                .to_uppercase()
                .replace(' ', "_")
                .contains("BORDER_INSPECTION"));
            let case = field(&v, "case_id").unwrap_or("");
            let digits: String = case.chars().filter(char::is_ascii_digit).collect();
            match l.kind.as_str() {
                "missing" => assert!(["", "N/A", "n/a", "NONE"].contains(&case), "{case}"),
                "unknown_case" => assert!(!digits.is_empty() && !cases.contains(&digits), "{case}"),
                _ => assert!(cases.contains(&digits), "{l:?} {case}"),
            }
        }
    }
    let summary: usize = labels.len();
    assert_eq!(
        summary,
        s.events
            .iter()
            .filter(|e| e.flags & F_DROP == 0)
            .map(|e| e.labels.count_ones() as usize)
            .sum::<usize>()
    );
    assert!(label_index("odd_volume", "export").is_some());
}

/// `shared_credential` labels are exactly what the rules find in the files.
#[test]
fn shared_credential_labels_follow_the_rules_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    crate::gen::generate(&opts(22, 50, 14, true), dir.path()).unwrap();
    let mut inactive: HashMap<String, i64> = HashMap::new();
    for r in csv::Reader::from_path(dir.path().join("refs/personnel.csv"))
        .unwrap()
        .records()
    {
        let r = r.unwrap();
        if &r[12] != "active" {
            let d = chrono::NaiveDate::parse_from_str(&r[13], "%Y-%m-%d").unwrap();
            let from = (d + chrono::Days::new(1))
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp();
            inactive.insert(r[0].to_string(), from);
        }
    }
    let mut sites: HashMap<String, (String, (f64, f64))> = HashMap::new();
    for r in csv::Reader::from_path(dir.path().join("refs/clients.csv"))
        .unwrap()
        .records()
    {
        let r = r.unwrap();
        if !r[1].is_empty() {
            sites.insert(
                r[0].to_string(),
                (
                    r[1].to_string(),
                    (r[2].parse().unwrap(), r[3].parse().unwrap()),
                ),
            );
        }
    }
    let mut want = BTreeSet::new();
    let mut rules = crate::gen::truth::RuleReplay::default();
    for line in fs::read_to_string(dir.path().join("events.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (id, user, client) = (
            field(&v, "id").unwrap(),
            field(&v, "user").unwrap().to_string(),
            field(&v, "client").unwrap(),
        );
        let t = chrono::DateTime::parse_from_rfc3339(field(&v, "ts").unwrap())
            .unwrap()
            .timestamp();
        if inactive.get(&user).is_some_and(|&f| t >= f) {
            want.insert(("inactive_account".to_string(), id.to_string()));
        }
        let Some((site, xy)) = sites.get(client) else {
            continue;
        };
        let (concurrent, travel) = rules.step(&user, t, client, Some(site), Some(*xy));
        if concurrent {
            want.insert(("concurrent_clients".to_string(), id.to_string()));
        }
        if travel {
            want.insert(("impossible_travel".to_string(), id.to_string()));
        }
    }
    let got: BTreeSet<(String, String)> =
        crate::eval::read_labels(&dir.path().join("labels.jsonl"))
            .unwrap()
            .into_iter()
            .filter(|l| l.detector == "shared_credential")
            .map(|l| (l.kind, l.event_ids[0].clone()))
            .collect();
    assert_eq!(got, want);
    for kind in [
        "inactive_account",
        "concurrent_clients",
        "impossible_travel",
    ] {
        assert!(got.iter().any(|g| g.0 == kind), "no {kind}");
    }
}

/// Figures of the two target shapes; run with
/// `cargo test --release --lib -- --ignored --nocapture realistic_report`.
#[test]
#[ignore]
fn realistic_report() {
    for (users, days) in [(80, 14), (400, 60)] {
        for inject in [true, false] {
            let t0 = std::time::Instant::now();
            let s = simulate(&opts(1, users, days, inject)).unwrap();
            let took = t0.elapsed();
            let people: HashSet<u32> = s.book.subjects.iter().copied().collect();
            let labelled = s
                .order
                .iter()
                .filter(|&&i| s.events[i as usize].labels != 0)
                .count();
            let normal_labelled = s
                .order
                .iter()
                .map(|&i| &s.events[i as usize])
                .filter(|e| e.flags & F_NORMAL != 0 && e.labels != 0)
                .count();
            eprintln!(
                "{users} users x {days} days, inject {inject}: {} events, {} cases, {} assignments, {} case subjects, {} people, {labelled} labelled events ({normal_labelled} of normal work), {} ambiguous normal lookups dropped, simulated in {took:?}",
                s.order.len(),
                s.book.cases.len(),
                s.book.assigns.len(),
                s.book.subjects.len(),
                people.len(),
                s.ambiguous
            );
        }
    }
}

/// Writes to person records (issue 16): normal work edits records under the cases that
/// list their people and carries no label, the same with and without misconduct; the
/// injected edits of one's own record, a coworker's, an associate's and a watch-list
/// person's each carry their detector's `record_change` and the lookup's kind.
#[test]
fn record_changes_are_labelled_and_upkeep_is_not() {
    let plain = simulate(&opts(3, 80, 14, false)).unwrap();
    let writes = |s: &Simulated| -> Vec<(i64, u16, u8, u32)> {
        s.order
            .iter()
            .map(|&i| &s.events[i as usize])
            .filter(|e| e.is_write() && e.flags & F_NORMAL != 0)
            .map(|e| (e.t, e.login, e.action, e.result))
            .collect()
    };
    let upkeep = writes(&plain);
    for action in [A_UPDATE, A_DELETE, A_INSERT] {
        assert!(
            upkeep.iter().any(|w| w.2 == action),
            "no {} in normal work",
            ACTIONS[action as usize]
        );
    }
    // Bulk corrections name nobody and change many rows.
    assert!(plain
        .events
        .iter()
        .any(|e| e.is_write() && e.target() == Target::None && e.result >= 30));
    for e in plain.events.iter().filter(|e| e.is_write()) {
        assert_eq!(e.labels, 0, "{e:?}");
    }

    let injected = simulate(&opts(3, 80, 14, true)).unwrap();
    assert_eq!(
        writes(&injected),
        upkeep,
        "misconduct changed normal work's writes"
    );
    let record_bits = 0xfu64 << L_RECORD;
    let mut per_family = [0usize; 4];
    for &i in &injected.order {
        let e = &injected.events[i as usize];
        if e.labels & record_bits != 0 {
            assert!(e.is_write(), "{e:?}");
            assert_ne!(e.labels & IDENTITY_BITS, 0, "{e:?}");
            assert_eq!(e.flags & F_MISUSE, F_MISUSE, "{e:?}");
            for (f, n) in per_family.iter_mut().enumerate() {
                *n += usize::from(e.labels & bit(L_RECORD + f as u32) != 0);
            }
        }
        if e.is_write() && e.flags & F_MISUSE != 0 {
            assert_ne!(e.labels & record_bits, 0, "{e:?}");
        }
    }
    assert!(per_family.iter().all(|&n| n >= 2), "{per_family:?}");
}
