//! End to end against a real PostgreSQL 15 with pgAudit 1.7: a throwaway cluster on a
//! loopback port, officers and people from a generated world, a scripted workload of real
//! clients (psql, and pgbench -M extended for bound parameters), and custodes reading the
//! real logs in all three destinations (jsonlog, csvlog, stderr) must raise exactly the
//! alerts the scenario calls for.
//!
//! The cluster's life is `tests/pgaudit/run.sh` (its `setup.sql` and `workload.sh` say what
//! runs); this file chooses who looks up whom, writes it for the scripts, and checks what
//! custodes makes of the logs. The cluster is stopped and removed even when the test fails:
//! by the script's trap, and by [`Lab`]'s `Drop` should the script itself die.
//!
//! Needs the distribution's `postgresql-15` and `postgresql-15-pgaudit` (`.ci/run` installs
//! them and sets `CUSTODES_PG_E2E=require`, which turns their absence into a failure;
//! elsewhere the test says it is skipped and passes). About two seconds.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use chrono::{NaiveDate, Timelike, Utc};
use serde_json::Value;

use crate::support::{alert_keys, custodes, fixtures, read_jsonl};

const PGBIN: &str = "/usr/lib/postgresql/15/bin";
const PGAUDIT_LIB: &str = "/usr/lib/postgresql/15/lib/pgaudit.so";
/// The generated world; any seed whose world has the officers and people the scenario
/// needs would do (the choice below fails loudly otherwise). 20 is the generator's least
/// number of users.
pub(crate) const SEED: &str = "2024";
pub(crate) const USERS: &str = "20";
/// Lookups of persons the workload runs (`tests/pgaudit/workload.sh` counts them).
const LOOKUPS: usize = 11;

#[test]
fn pgaudit_logs_of_a_real_server_give_exactly_the_scenarios_alerts() {
    if !prerequisites() {
        return;
    }
    // Alerts are grouped per UTC day: keep the few seconds of workload on one day.
    let to_midnight = 86_400 - i64::from(Utc::now().num_seconds_from_midnight());
    if to_midnight < 30 {
        std::thread::sleep(std::time::Duration::from_secs(
            to_midnight.unsigned_abs() + 1,
        ));
    }
    let today = Utc::now().date_naive();

    let scratch = tempfile::tempdir().expect("tempdir");
    // CUSTODES_PG_E2E_KEEP=1 keeps the world, the scenario, the logs and what custodes
    // made of them, for a look after a failure (the cluster itself is always removed).
    let tmp: PathBuf = if std::env::var_os("CUSTODES_PG_E2E_KEEP").is_some() {
        let kept = scratch.keep();
        eprintln!("pgaudit_e2e: keeping {}", kept.display());
        kept
    } else {
        scratch.path().to_path_buf()
    };
    let world_dir = tmp.join("world");
    custodes()
        .args([
            "gen",
            "--profile",
            "classic",
            "--seed",
            SEED,
            "--users",
            USERS,
            "--days",
            "1",
            "--out",
        ])
        .arg(&world_dir)
        .assert()
        .success();
    let refs = world_dir.join("refs");
    let world = World::load(&refs, today);
    let sc = Scenario::choose(&world);

    let work = tmp.join("work");
    std::fs::create_dir(&work).expect("work dir");
    sc.write(&world, &work);

    let logs = tmp.join("logs");
    run_cluster(&work, &logs);

    // First what the reader made of the logs: one event per statement, with its case
    // context and bound parameters, the same from every destination.
    let events = convert(&tmp, &logs, "json");
    check_events(&events, &sc);
    // The events themselves agree across destinations (ids, actions, case context,
    // subjects): only the framing of the log lines differs.
    let gist = |evs: &[Value]| -> Vec<String> {
        let mut v: Vec<String> = evs
            .iter()
            .map(|e| {
                let subject: BTreeMap<&str, &str> = SUBJECT_FIELDS
                    .iter()
                    .filter_map(|f| subject_field(e, f).map(|v| (*f, v)))
                    .collect();
                format!(
                    "{} {} {} case={:?} purpose={:?} {subject:?}",
                    str_of(e, "id"),
                    str_of(e, "user"),
                    str_of(e, "action"),
                    e["case_id"].as_str(),
                    e["purpose"].as_str()
                )
            })
            .collect();
        v.sort();
        v
    };
    for dest in ["csv", "log"] {
        assert_eq!(
            gist(&convert(&tmp, &logs, dest)),
            gist(&events),
            "events of postgresql.{dest} vs postgresql.json"
        );
    }

    let event_ids: BTreeSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();

    let config = fixtures().join("pgaudit/custodes.toml");
    let mut by_destination = Vec::new();
    for dest in ["json", "csv", "log"] {
        let input = logs.join(format!("postgresql.{dest}"));
        let out = tmp.join(format!("alerts-{dest}.jsonl"));
        custodes()
            .args(["audit", "--quiet", "--format", "pgaudit", "--refs"])
            .arg(&refs)
            .arg("--config")
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .arg(&input)
            .assert()
            .success();
        by_destination.push((dest, read_jsonl(&out)));
    }

    let (x, s, n) = (
        sc.ex.login.as_str(),
        sc.selfq.login.as_str(),
        sc.nocase.login.as_str(),
    );
    let mut expected: Vec<(&str, &str, &str)> = vec![
        // a) S searched their own surname and date of birth.
        ("self_query", "name_dob", s),
        // a) ... with no case: every lookup without a case id is `missing`.
        ("no_case", "missing", s),
        // b) X searched the ex-partner listed (valid today) in X's associations.
        ("association_lookup", "ex_partner", x),
        // b) ... under X's own open assigned case, whose subjects do not include the
        //    ex-partner: a cover case.
        ("no_case", "subject_not_in_case", x),
        // c) N's three lookups without a case: one alert, as one user's lookups of one kind
        //    under one case id (none) in a UTC day are grouped.
        ("no_case", "missing", n),
        // d) W1's and W2's lookups of their own cases' subjects are explained (whatever the
        //    case id typed, or none): no alert. e) A failed login is not a lookup: no alert.
        //    The officers' logins, the superuser's setup connections and the SET LOCAL are
        //    not lookups either.
    ];
    expected.sort();

    for (dest, alerts) in &by_destination {
        let mut got: Vec<(&str, &str, &str)> = alerts
            .iter()
            .map(|a| (str_of(a, "detector"), str_of(a, "kind"), str_of(a, "user")))
            .collect();
        got.sort();
        assert_eq!(
            got,
            expected,
            "alerts from postgresql.{dest}:\n{}",
            pretty(alerts)
        );
        for a in alerts {
            let ids = a["event_ids"].as_array().expect("event_ids");
            assert!(!ids.is_empty(), "{dest}: an alert without events: {a}");
            for id in ids {
                let id = id.as_str().expect("an event id is a string");
                assert!(
                    id.starts_with("pg:") && event_ids.contains(id),
                    "{dest}: event id {id} is not one of the converted events: {a}"
                );
            }
        }
        check_evidence(dest, alerts, &sc);
    }
    // The three destinations of the same server give the same alerts on the same events.
    let json_keys = alert_keys(&by_destination[0].1);
    for (dest, alerts) in &by_destination[1..] {
        assert_eq!(
            alert_keys(alerts),
            json_keys,
            "postgresql.{dest} vs postgresql.json"
        );
    }
}

/// True when the server and pgAudit are installed; otherwise skips (returns false), or
/// fails when `CUSTODES_PG_E2E=require` (CI).
fn prerequisites() -> bool {
    let needed = [
        (format!("{PGBIN}/initdb"), "postgresql-15"),
        (PGAUDIT_LIB.to_string(), "postgresql-15-pgaudit"),
    ];
    let missing: Vec<String> = needed
        .iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(path, package)| format!("{package} (no {path})"))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var("CUSTODES_PG_E2E").as_deref() == Ok("require") {
        panic!(
            "CUSTODES_PG_E2E=require, but not installed: {missing}; install them as .ci/run \
             does (apt-get install postgresql-15 postgresql-15-pgaudit)"
        );
    }
    eprintln!(
        "pgaudit_e2e: SKIPPED, not installed: {missing} (CUSTODES_PG_E2E=require makes this \
         a failure)"
    );
    false
}

/// Runs `tests/pgaudit/run.sh` on a free loopback port: the cluster, the setup, the
/// workload, the logs copied to `logs`, the cluster removed.
fn run_cluster(work: &Path, logs: &Path) {
    for attempt in 1..=3 {
        // A free port: bind, read it, let it go. Another process may take it before the
        // server binds it; then the server says so and the next attempt takes another.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let lab = Lab {
            dir: std::env::temp_dir()
                .join(format!("custodes-pgaudit-{}-{port}", std::process::id())),
        };
        let run = Process::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pgaudit/run.sh"))
            .arg(&lab.dir)
            .arg(port.to_string())
            .arg(work)
            .arg(logs)
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        if !run.status.success() && stderr.contains("Address already in use") && attempt < 3 {
            eprintln!("pgaudit_e2e: port {port} was taken, trying another");
            continue;
        }
        assert!(
            run.status.success(),
            "tests/pgaudit/run.sh failed ({}):\n{}{stderr}",
            run.status,
            String::from_utf8_lossy(&run.stdout),
        );
        assert!(
            !lab.dir.exists(),
            "run.sh left {} behind",
            lab.dir.display()
        );
        return;
    }
}

/// The cluster's directory: should `run.sh` die before its own cleanup, this stops the
/// server and removes the directory.
struct Lab {
    dir: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if data.join("postmaster.pid").exists() {
            let pg_ctl = format!("{PGBIN}/pg_ctl");
            let mut cmd = if is_root() {
                let mut c = Process::new("runuser");
                c.args(["-u", "postgres", "--", &pg_ctl]);
                c
            } else {
                Process::new(&pg_ctl)
            };
            let _ = cmd
                .arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "-t", "30", "stop"])
                .stdout(std::process::Stdio::null())
                .status();
        }
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub(crate) fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

// ---------------------------------------------------------------------------------------
// The generated world, read back from its CSV files.

type Row = BTreeMap<String, String>;

fn read_csv(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("header line").clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect()
        })
        .collect()
}

fn get<'a>(r: &'a Row, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or("")
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An interval of dates given as `from`..`to` (either open) that holds `today`.
fn holds(from: &str, to: &str, today: NaiveDate) -> bool {
    let after_start = from.is_empty() || date(from).is_some_and(|d| d <= today);
    let before_end = to.is_empty() || date(to).is_some_and(|d| d >= today);
    after_start && before_end
}

/// Letters, digits and dashes only: safe to write into SQL literals, comments and shell.
pub(crate) fn plain(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn plate_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Person {
    pub(crate) pid: String,
    pub(crate) last: String,
    pub(crate) first: String,
    pub(crate) dob: String,
    pub(crate) address: String,
    pub(crate) plate: String,
}

impl Person {
    fn from_row(r: &Row) -> Self {
        Person {
            pid: get(r, "person_id").to_string(),
            last: get(r, "last_name").to_string(),
            first: get(r, "first_name").to_string(),
            dob: get(r, "dob").to_string(),
            address: get(r, "address").to_string(),
            plate: get(r, "plate").to_string(),
        }
    }

    /// How custodes names a known person in evidence (`refs::PersonFields::display`).
    fn display(&self) -> String {
        format!(
            "{}, {} (DOB {})",
            self.last.to_uppercase(),
            self.first.to_uppercase(),
            self.dob
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Officer {
    pub(crate) login: String,
    pub(crate) employee_id: String,
    pub(crate) person: Person,
}

pub(crate) struct World {
    today: NaiveDate,
    personnel: Vec<Row>,
    associations: Vec<Row>,
    cases: Vec<Row>,
    assignments: Vec<Row>,
    subjects: Vec<Row>,
    watchlist: Vec<Row>,
}

impl World {
    pub(crate) fn load(refs: &Path, today: NaiveDate) -> Self {
        let t = |name: &str| read_csv(&refs.join(format!("{name}.csv")));
        World {
            today,
            personnel: t("personnel"),
            associations: t("associations"),
            cases: t("cases"),
            assignments: t("case_assignments"),
            subjects: t("case_subjects"),
            watchlist: t("watchlist"),
        }
    }

    /// Every person of every table, as the tables list them (the same person may be listed
    /// several times).
    fn known(&self) -> impl Iterator<Item = Person> + '_ {
        self.personnel
            .iter()
            .chain(&self.associations)
            .chain(&self.subjects)
            .chain(&self.watchlist)
            .map(Person::from_row)
    }

    /// Active officers with a login usable as a role name, by login.
    fn officers(&self) -> Vec<Officer> {
        let mut v: Vec<Officer> = self
            .personnel
            .iter()
            .filter(|r| get(r, "status") == "active" && get(r, "end_date").is_empty())
            .filter(|r| {
                let l = get(r, "user");
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && plain(get(r, "person_id"))
            })
            .map(|r| Officer {
                login: get(r, "user").to_string(),
                employee_id: get(r, "employee_id").to_string(),
                person: Person::from_row(r),
            })
            .collect();
        v.sort_by(|a, b| a.login.cmp(&b.login));
        v
    }

    fn is_employee(&self, pid: &str) -> bool {
        self.personnel.iter().any(|r| get(r, "person_id") == pid)
    }

    fn is_watched(&self, pid: &str) -> bool {
        self.watchlist.iter().any(|r| get(r, "person_id") == pid)
    }

    /// Whether the officer's associations list the person at all (any relation, any dates).
    fn associated(&self, o: &Officer, pid: &str) -> bool {
        self.associations
            .iter()
            .any(|r| get(r, "employee_id") == o.employee_id && get(r, "person_id") == pid)
    }

    fn case_open(&self, case: &str) -> bool {
        self.cases.iter().any(|r| {
            get(r, "case_id") == case
                && get(r, "status") == "open"
                && holds(get(r, "opened"), get(r, "closed"), self.today)
        })
    }

    /// The open cases the officer is assigned to today (by login or employee id), by id.
    fn worked_cases(&self, o: &Officer) -> Vec<String> {
        let mut v: Vec<String> = self
            .assignments
            .iter()
            .filter(|r| {
                let who = [get(r, "user"), get(r, "employee_id")];
                who.contains(&o.login.as_str()) || who.contains(&o.employee_id.as_str())
            })
            .filter(|r| holds(get(r, "from"), get(r, "to"), self.today))
            .map(|r| get(r, "case_id").to_string())
            .filter(|c| plain(c) && self.case_open(c))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn case_subjects(&self, case: &str) -> Vec<Person> {
        let mut v: Vec<Person> = self
            .subjects
            .iter()
            .filter(|r| get(r, "case_id") == case)
            .map(Person::from_row)
            .collect();
        v.sort_by(|a, b| a.pid.cmp(&b.pid));
        v
    }

    /// Whether any case the officer works lists the person (which would explain a lookup).
    fn in_own_cases(&self, o: &Officer, pid: &str) -> bool {
        self.worked_cases(o)
            .iter()
            .any(|c| self.case_subjects(c).iter().any(|p| p.pid == pid))
    }

    /// No one else (another person id) shares the date of birth: a search by surname and
    /// date of birth can only find this person, however loosely names are compared.
    fn dob_unique(&self, p: &Person) -> bool {
        date(&p.dob).is_some()
            && !p.last.is_empty()
            && self.known().all(|k| k.pid == p.pid || k.dob != p.dob)
    }

    /// No one else (another person id) has the plate.
    fn plate_unique(&self, p: &Person) -> bool {
        plain(&p.plate)
            && self
                .known()
                .all(|k| k.pid == p.pid || plate_key(&k.plate) != plate_key(&p.plate))
    }

    /// A citizen the officer has no reason to be alerted about or explained for: not an
    /// employee, not on the watch list, not in the officer's associations, not in the
    /// officer's cases.
    fn stranger_to(&self, o: &Officer, p: &Person) -> bool {
        plain(&p.pid)
            && !self.is_employee(&p.pid)
            && !self.is_watched(&p.pid)
            && !self.associated(o, &p.pid)
            && !self.in_own_cases(o, &p.pid)
    }

    /// A subject of the officer's own case that only the case can explain: not an
    /// employee, not on the watch list, not in the officer's associations.
    fn plain_subject(&self, o: &Officer, p: &Person) -> bool {
        plain(&p.pid)
            && !self.is_employee(&p.pid)
            && !self.is_watched(&p.pid)
            && !self.associated(o, &p.pid)
    }
}

// ---------------------------------------------------------------------------------------
// Who looks up whom.

pub(crate) struct Scenario {
    /// a) looks themselves up.
    pub(crate) selfq: Officer,
    /// b) looks up their ex-partner under a cover case.
    pub(crate) ex: Officer,
    pub(crate) ex_partner: Person,
    pub(crate) cover_case: String,
    /// c) looks up three strangers without a case: by person id, by plate, by plate.
    pub(crate) nocase: Officer,
    pub(crate) strangers: [Person; 3],
    /// d) ordinary work on subjects of their own cases.
    pub(crate) w1: Officer,
    pub(crate) w1_case: String,
    /// By person id (comment), by plate (pgbench + comment), by person id (SET LOCAL);
    /// the export (COPY) is of the first again.
    pub(crate) w1_subjects: [Person; 3],
    /// e) mistypes the password once, then works like W1: by plate (comment), by surname
    /// and date of birth (pgbench + comment).
    pub(crate) w2: Officer,
    pub(crate) w2_case: String,
    pub(crate) w2_subjects: [Person; 2],
}

impl Scenario {
    /// Chooses the officers and people deterministically (in login and person id order)
    /// so that each lookup can raise only the alerts intended.
    pub(crate) fn choose(w: &World) -> Self {
        let officers = w.officers();
        let mut used: BTreeSet<String> = BTreeSet::new();
        let free = |used: &BTreeSet<String>| -> Vec<Officer> {
            officers
                .iter()
                .filter(|o| !used.contains(&o.employee_id))
                .cloned()
                .collect()
        };

        // b) An ex-partner listed today, and an own open case with subjects not listing them.
        let (ex, ex_partner, cover_case) = free(&used)
            .into_iter()
            .find_map(|o| {
                let partner = w
                    .associations
                    .iter()
                    .filter(|r| {
                        get(r, "employee_id") == o.employee_id
                            && get(r, "relation") == "ex_partner"
                            && holds(get(r, "valid_from"), get(r, "valid_to"), w.today)
                    })
                    .map(Person::from_row)
                    .find(|p| {
                        plain(&p.pid)
                            && w.dob_unique(p)
                            && !w.is_employee(&p.pid)
                            && !w.is_watched(&p.pid)
                            && !w.in_own_cases(&o, &p.pid)
                            && w.associations
                                .iter()
                                .filter(|r| {
                                    get(r, "employee_id") == o.employee_id
                                        && get(r, "person_id") == p.pid
                                })
                                .count()
                                == 1
                    })?;
                let cover = w
                    .worked_cases(&o)
                    .into_iter()
                    .find(|c| !w.case_subjects(c).is_empty())?;
                Some((o, partner, cover))
            })
            .expect("the generated world has an officer with an ex-partner and an open case");
        used.insert(ex.employee_id.clone());

        // d) Officers with an open case listing subjects that only the case explains: W1
        //    needs one with a plate no one else has and two more; W2 one with such a plate
        //    and one whose date of birth no one else has.
        let worker = |used: &BTreeSet<String>, w1: bool| -> (Officer, String, Vec<Person>) {
            free(used)
                .into_iter()
                .find_map(|o| {
                    w.worked_cases(&o).into_iter().find_map(|c| {
                        let mut subjects: Vec<Person> = w
                            .case_subjects(&c)
                            .into_iter()
                            .filter(|p| w.plain_subject(&o, p))
                            .collect();
                        let by_plate =
                            subjects.remove(subjects.iter().position(|p| w.plate_unique(p))?);
                        let chosen = if w1 {
                            let mut rest = subjects.into_iter();
                            vec![rest.next()?, by_plate, rest.next()?]
                        } else {
                            let by_name = subjects.into_iter().find(|p| w.dob_unique(p))?;
                            vec![by_plate, by_name]
                        };
                        Some((o.clone(), c, chosen))
                    })
                })
                .expect("the generated world has officers with open cases and subjects")
        };
        let (w1, w1_case, s) = worker(&used, true);
        used.insert(w1.employee_id.clone());
        let w1_subjects = [s[0].clone(), s[1].clone(), s[2].clone()];
        let (w2, w2_case, s) = worker(&used, false);
        used.insert(w2.employee_id.clone());
        let w2_subjects = [s[0].clone(), s[1].clone()];

        // a) An officer whose own record only they match.
        let selfq = free(&used)
            .into_iter()
            .find(|o| {
                w.dob_unique(&o.person)
                    && !w.is_watched(&o.person.pid)
                    && !w.associated(o, &o.person.pid)
                    && !w.in_own_cases(o, &o.person.pid)
            })
            .expect("the generated world has an officer for the self-lookup");
        used.insert(selfq.employee_id.clone());

        // c) An officer and three strangers to them, two with a plate only they have.
        let (nocase, strangers) = free(&used)
            .into_iter()
            .find_map(|o| {
                let mut pool: Vec<Person> = w
                    .subjects
                    .iter()
                    .map(Person::from_row)
                    .filter(|p| w.stranger_to(&o, p))
                    .collect();
                pool.sort_by(|a, b| a.pid.cmp(&b.pid));
                pool.dedup_by(|a, b| a.pid == b.pid);
                let by_plate: Vec<Person> = pool
                    .iter()
                    .filter(|p| w.plate_unique(p))
                    .take(2)
                    .cloned()
                    .collect();
                let by_id = pool.iter().find(|p| !by_plate.contains(p))?.clone();
                (by_plate.len() == 2)
                    .then(|| (o, [by_id, by_plate[0].clone(), by_plate[1].clone()]))
            })
            .expect("the generated world has an officer and three strangers to them");

        let sc = Scenario {
            selfq,
            ex,
            ex_partner,
            cover_case,
            nocase,
            strangers,
            w1,
            w1_case,
            w1_subjects,
            w2,
            w2_case,
            w2_subjects,
        };
        eprintln!(
            "pgaudit_e2e: self {} | ex-partner {} -> {} under cover {} | no case {} -> {} {} {} \
             | work {} on {} and {} on {}",
            sc.selfq.login,
            sc.ex.login,
            sc.ex_partner.pid,
            sc.cover_case,
            sc.nocase.login,
            sc.strangers[0].pid,
            sc.strangers[1].pid,
            sc.strangers[2].pid,
            sc.w1.login,
            sc.w1_case,
            sc.w2.login,
            sc.w2_case
        );
        sc
    }

    fn officers(&self) -> [&Officer; 5] {
        [&self.selfq, &self.ex, &self.nocase, &self.w1, &self.w2]
    }

    fn password(o: &Officer) -> String {
        format!("pw-{}", o.login)
    }

    /// Writes what run.sh, setup.sql and workload.sh read.
    pub(crate) fn write(&self, w: &World, dir: &Path) {
        // persons.csv: everyone the reference data names, once per person id.
        let mut seen = BTreeSet::new();
        let mut out = csv::Writer::from_path(dir.join("persons.csv")).expect("persons.csv");
        out.write_record([
            "person_id",
            "last_name",
            "first_name",
            "dob",
            "address",
            "plate",
        ])
        .expect("header");
        for p in w.known() {
            if p.pid.is_empty() || !seen.insert(p.pid.clone()) {
                continue;
            }
            let dob = if date(&p.dob).is_some() {
                p.dob.as_str()
            } else {
                ""
            };
            out.write_record([&p.pid, &p.last, &p.first, dob, &p.address, &p.plate])
                .expect("row");
        }
        out.flush().expect("flush persons.csv");

        let mut out = csv::Writer::from_path(dir.join("officers.csv")).expect("officers.csv");
        out.write_record(["login", "password"]).expect("header");
        for o in self.officers() {
            out.write_record([o.login.clone(), Self::password(o)])
                .expect("row");
        }
        out.flush().expect("flush officers.csv");

        // W2 alone is asked for a password, so that a wrong one fails.
        std::fs::write(
            dir.join("pg_hba.prepend"),
            format!(
                "host records {} 127.0.0.1/32 scram-sha-256\n",
                self.w2.login
            ),
        )
        .expect("pg_hba.prepend");

        let [st1, st2, st3] = &self.strangers;
        let [w1a, w1b, w1c] = &self.w1_subjects;
        let [w2a, w2b] = &self.w2_subjects;
        let vars: Vec<(&str, &str)> = vec![
            ("SELF_USER", &self.selfq.login),
            ("SELF_LAST", &self.selfq.person.last),
            ("SELF_DOB", &self.selfq.person.dob),
            ("EX_USER", &self.ex.login),
            ("EX_LAST", &self.ex_partner.last),
            ("EX_DOB", &self.ex_partner.dob),
            ("EX_COVER_CASE", &self.cover_case),
            ("NC_USER", &self.nocase.login),
            ("NC_PID_1", &st1.pid),
            ("NC_PLATE_2", &st2.plate),
            ("NC_PLATE_3", &st3.plate),
            ("W1_USER", &self.w1.login),
            ("W1_CASE", &self.w1_case),
            ("W1_PID_A", &w1a.pid),
            ("W1_PLATE_B", &w1b.plate),
            ("W1_PID_C", &w1c.pid),
            ("W1_PID_D", &w1a.pid),
            ("W2_USER", &self.w2.login),
            ("W2_CASE", &self.w2_case),
            ("W2_PLATE_A", &w2a.plate),
            ("W2_LAST_B", &w2b.last),
            ("W2_DOB_B", &w2b.dob),
        ];
        let mut env = String::new();
        for (k, v) in vars {
            // Ids and plates go into SQL and comments as they are: plain() was checked.
            if k.ends_with("_CASE") || k.contains("_PID_") || k.contains("_PLATE_") {
                assert!(plain(v), "{k}={v:?} is not plain");
            }
            env.push_str(&format!("{k}='{}'\n", v.replace('\'', r"'\''")));
        }
        let pw = Self::password(&self.w2);
        env.push_str(&format!("W2_PASSWORD='{pw}'\n"));
        std::fs::write(dir.join("scenario.env"), env).expect("scenario.env");
    }
}

// ---------------------------------------------------------------------------------------
// What custodes made of the logs.

pub(crate) const SUBJECT_FIELDS: [&str; 8] = [
    "person_id",
    "last_name",
    "first_name",
    "name",
    "dob",
    "address",
    "phone",
    "plate",
];

pub(crate) fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

pub(crate) fn pretty(vs: &[Value]) -> String {
    vs.iter()
        .map(|v| serde_json::to_string(v).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A subject field of a contract event, flat (`subject_dob`) or nested (`subject.dob`).
pub(crate) fn subject_field<'a>(ev: &'a Value, f: &str) -> Option<&'a str> {
    ev.get(format!("subject_{f}"))
        .or_else(|| ev.get("subject").and_then(|s| s.get(f)))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn convert(tmp: &Path, logs: &Path, dest: &str) -> Vec<Value> {
    let out = tmp.join(format!("events-{dest}.jsonl"));
    custodes()
        .args(["convert", "--quiet", "--format", "pgaudit", "--config"])
        .arg(fixtures().join("pgaudit/custodes.toml"))
        .arg(logs.join(format!("postgresql.{dest}")))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    read_jsonl(&out)
}

fn eq_ci(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// Each alert names the right person and case.
pub(crate) fn check_evidence(dest: &str, alerts: &[Value], sc: &Scenario) {
    let find = |det: &str, kind: &str, user: &str| -> &Value {
        alerts
            .iter()
            .find(|a| {
                str_of(a, "detector") == det
                    && str_of(a, "kind") == kind
                    && str_of(a, "user") == user
            })
            .unwrap_or_else(|| panic!("{dest}: no {det}/{kind} alert for {user}"))
    };
    let ids = |a: &Value| -> Vec<String> {
        a["event_ids"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };

    let s = &sc.selfq;
    let me = find("self_query", "name_dob", &s.login);
    assert_eq!(
        me["evidence"]["matched_person"],
        s.person.display().as_str(),
        "{dest}: {me}"
    );
    let missing = find("no_case", "missing", &s.login);
    assert_eq!(
        ids(me),
        ids(missing),
        "{dest}: one self-lookup: {me} {missing}"
    );
    assert_eq!(ids(me).len(), 1, "{dest}: {me}");
    let searched = &missing["evidence"]["searched"];
    assert!(
        eq_ci(searched["last_name"].as_str(), &s.person.last),
        "{dest}: {missing}"
    );
    assert_eq!(searched["dob"], s.person.dob.as_str(), "{dest}: {missing}");

    let (x, e) = (&sc.ex, &sc.ex_partner);
    let assoc = find("association_lookup", "ex_partner", &x.login);
    assert_eq!(
        assoc["evidence"]["matched_person"],
        e.display().as_str(),
        "{dest}: {assoc}"
    );
    assert_eq!(
        assoc["evidence"]["association"]["relation"], "ex_partner",
        "{dest}: {assoc}"
    );
    let cover = find("no_case", "subject_not_in_case", &x.login);
    assert_eq!(
        ids(assoc),
        ids(cover),
        "{dest}: one ex-partner lookup: {assoc} {cover}"
    );
    assert_eq!(ids(assoc).len(), 1, "{dest}: {assoc}");
    assert_eq!(
        cover["evidence"]["case"]["status"], "subject_not_in_case",
        "{dest}: {cover}"
    );
    assert_eq!(
        cover["evidence"]["case"]["case_id"],
        sc.cover_case.as_str(),
        "{dest}: {cover}"
    );
    let searched = &cover["evidence"]["searched"];
    assert!(
        eq_ci(searched["last_name"].as_str(), &e.last),
        "{dest}: {cover}"
    );
    assert_eq!(searched["dob"], e.dob.as_str(), "{dest}: {cover}");

    let n = find("no_case", "missing", &sc.nocase.login);
    assert_eq!(
        ids(n).len(),
        3,
        "{dest}: N's three lookups in one alert: {n}"
    );
    // The evidence is the first lookup's: by person id.
    assert_eq!(
        n["evidence"]["searched"]["person_id"],
        sc.strangers[0].pid.as_str(),
        "{dest}: {n}"
    );
}

/// The events behind the alerts: one per statement, with their case context and bound
/// parameters.
fn check_events(events: &[Value], sc: &Scenario) {
    let all = pretty(events);
    let mut ids = BTreeSet::new();
    for e in events {
        let id = str_of(e, "id");
        assert!(id.starts_with("pg:"), "event id {id:?}: {e}");
        assert!(ids.insert(id), "event id {id} twice:\n{all}");
    }
    let lookups: Vec<&Value> = events
        .iter()
        .filter(|e| matches!(str_of(e, "action"), "query" | "export"))
        .collect();
    assert_eq!(
        lookups.len(),
        LOOKUPS,
        "one event per lookup statement (OBJECT and SESSION lines are one statement):\n{}",
        pretty(&lookups.iter().map(|e| (*e).clone()).collect::<Vec<_>>())
    );
    let only = |what: &str, f: &dyn Fn(&Value) -> bool| -> &Value {
        let found: Vec<&&Value> = lookups.iter().filter(|e| f(e)).collect();
        assert_eq!(found.len(), 1, "one event for {what}:\n{all}");
        found[0]
    };

    // b) The ex-partner: subject from the bound parameters, case and purpose from the
    //    sqlcommenter comment (percent-decoded).
    let (x, e) = (&sc.ex, &sc.ex_partner);
    let ev = only("the ex-partner lookup", &|v| str_of(v, "user") == x.login);
    assert_eq!(
        subject_field(ev, "last_name"),
        Some(e.last.as_str()),
        "{ev}"
    );
    assert_eq!(subject_field(ev, "dob"), Some(e.dob.as_str()), "{ev}");
    assert_eq!(str_of(ev, "case_id"), sc.cover_case, "{ev}");
    assert_eq!(str_of(ev, "purpose"), "warrant check", "{ev}");

    // c) The plate N searched by a bound parameter.
    let n = &sc.nocase;
    let ev = only("N's bound plate", &|v| {
        str_of(v, "user") == n.login
            && subject_field(v, "plate") == Some(sc.strangers[1].plate.as_str())
    });
    assert_eq!(str_of(ev, "case_id"), "", "{ev}");

    // d) SET LOCAL rms.case_id gives the next statement of the transaction its case.
    let w1 = &sc.w1;
    let ev = only("W1's lookup after SET LOCAL", &|v| {
        str_of(v, "user") == w1.login
            && str_of(v, "action") == "query"
            && subject_field(v, "person_id") == Some(sc.w1_subjects[2].pid.as_str())
    });
    assert_eq!(str_of(ev, "case_id"), sc.w1_case, "{ev}");
    // ... the bound plate with a comment ...
    let ev = only("W1's bound plate", &|v| {
        str_of(v, "user") == w1.login && subject_field(v, "plate").is_some()
    });
    assert_eq!(
        subject_field(ev, "plate"),
        Some(sc.w1_subjects[1].plate.as_str()),
        "{ev}"
    );
    assert_eq!(str_of(ev, "case_id"), sc.w1_case, "{ev}");
    assert_eq!(str_of(ev, "purpose"), "case work", "{ev}");
    // ... and COPY ... TO STDOUT is an export.
    let ev = only("W1's COPY", &|v| str_of(v, "action") == "export");
    assert_eq!(str_of(ev, "user"), w1.login, "{ev}");
    assert_eq!(
        subject_field(ev, "person_id"),
        Some(sc.w1_subjects[0].pid.as_str()),
        "{ev}"
    );
    assert_eq!(str_of(ev, "case_id"), sc.w1_case, "{ev}");
    assert_eq!(str_of(ev, "purpose"), "case export", "{ev}");

    // e) The failed login.
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| str_of(e, "action") == "login_failed")
        .collect();
    assert_eq!(failed.len(), 1, "one failed login:\n{all}");
    assert_eq!(str_of(failed[0], "user"), sc.w2.login, "{}", failed[0]);
}
