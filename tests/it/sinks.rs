//! `audit --sink` and `audit --metrics-file` end to end: the real binary sends the tricky
//! world's alerts (plus one lookup typed with hostile characters) to receivers this test
//! starts on loopback — a syslog collector (plain TCP and TLS), an HTTP receiver that fails
//! and then recovers — and writes OCSF findings that the published OCSF schema validates.
//!
//! The schema check runs `tests/ocsf/validate.py` (the reference validator) with Python's
//! `ocsf-json-schema` and `jsonschema` (`.ci/run` installs them with pip and sets
//! `CUSTODES_OCSF_E2E=require`, which turns their absence into a failure; elsewhere the
//! check says it is skipped). The TLS test makes its certificates with `openssl`
//! (`CUSTODES_TLS_E2E=require` in CI, likewise).

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::support::{custodes, fixtures, read_jsonl};

/// A lookup typed with every character CEF must escape, by a known login without a case,
/// on a day of its own (alerts group a login's lookups per day), so that `no_case`
/// reports it alone and its reason carries the hostile text.
const HOSTILE: &str = r#"{"id":"h01","ts":"2024-05-20T23:00:00Z","user":"avarga","subject_name":"O'BRIEN|X=Y\\Z\nCEF:0|fake|","system":"NCIC"}"#;

struct Run {
    dir: tempfile::TempDir,
    alerts: Vec<Value>,
    status: i32,
    stderr: String,
}

impl Run {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `custodes audit` on the tricky world and the hostile lookup, with `config` (where
/// `$DIR` stands for the run's scratch directory) and extra arguments.
fn audit(config: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let world = fixtures().join("identity_and_cases");
    let mut events = std::fs::read_to_string(world.join("events.jsonl")).expect("events");
    events.push_str(HOSTILE);
    events.push('\n');
    std::fs::write(dir.path().join("events.jsonl"), events).expect("write events");
    let cfg = dir.path().join("custodes.toml");
    std::fs::write(
        &cfg,
        config.replace("$DIR", &dir.path().display().to_string()),
    )
    .expect("write config");
    let out = custodes()
        .args(["audit", "--refs"])
        .arg(world.join("refs"))
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(dir.path().join("alerts.jsonl"))
        .args(args)
        .arg(dir.path().join("events.jsonl"))
        .output()
        .expect("custodes runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // A run stopped by bad usage writes no alert file.
    let alerts = if dir.path().join("alerts.jsonl").exists() {
        read_jsonl(&dir.path().join("alerts.jsonl"))
    } else {
        Vec::new()
    };
    Run {
        dir,
        alerts,
        status: out.status.code().unwrap_or(-1),
        stderr,
    }
}

fn ids(alerts: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = alerts
        .iter()
        .map(|a| a["alert_id"].as_str().unwrap_or_default().to_string())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn ocsf_findings_carry_each_alert_and_pass_the_published_schema() {
    let cfg = "[sinks.ocsf]\ntype = \"ocsf_file\"\npath = \"$DIR/findings.jsonl\"\n";
    let run = audit(cfg, &["--sink", "ocsf", "--quiet"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let findings = read_jsonl(&run.path("findings.jsonl"));
    assert!(run.alerts.len() > 20, "{}", run.alerts.len());
    assert_eq!(findings.len(), run.alerts.len());
    #[cfg(unix)]
    assert_eq!(mode(&run.path("findings.jsonl")), 0o600);
    let kinds: std::collections::BTreeSet<&str> = run
        .alerts
        .iter()
        .filter_map(|a| a["detector"].as_str())
        .collect();
    assert!(kinds.len() >= 5, "{kinds:?}");
    for (a, f) in run.alerts.iter().zip(&findings) {
        assert_eq!(f["class_uid"], 2004);
        assert_eq!(f["finding_info"]["uid"], a["alert_id"]);
        assert_eq!(f["evidences"][0]["actor"]["user"]["name"], a["user"]);
        assert_eq!(f["evidences"][0]["data"], a["evidence"]);
        assert_eq!(f["message"], a["reason"]);
        let sev = match a["severity"].as_str() {
            Some("low") => 2,
            Some("medium") => 3,
            Some("high") => 4,
            _ => 5,
        };
        assert_eq!(f["severity_id"], sev);
        if a["evidence"].get("matched_person").is_some() {
            assert_eq!(f["resources"][0]["name"], a["evidence"]["matched_person"]);
        }
    }
    // Appending (the default): a second run adds its findings after the first's.
    let run2 = audit(
        &format!(
            "[sinks.ocsf]\ntype = \"ocsf_file\"\npath = \"{}\"\n",
            run.path("findings.jsonl").display()
        ),
        &["--sink", "ocsf", "--quiet"],
    );
    assert_eq!(run2.status, 0, "{}", run2.stderr);
    assert_eq!(
        read_jsonl(&run.path("findings.jsonl")).len(),
        2 * findings.len()
    );
    validate_with_ocsf_schema(&findings, run.dir.path());
}

/// Runs the reference validator on every finding; skipped (loudly) when Python's packages
/// are missing, unless `CUSTODES_OCSF_E2E=require`.
fn validate_with_ocsf_schema(findings: &[Value], dir: &Path) {
    let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ocsf/validate.py");
    let have_python = Process::new("python3")
        .args(["-c", "import ocsf_json_schema, jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_python || !validator.exists() {
        let missing = if have_python {
            format!("{} missing", validator.display())
        } else {
            "python3 with ocsf-json-schema and jsonschema missing (pip install ocsf-json-schema jsonschema)".into()
        };
        if std::env::var("CUSTODES_OCSF_E2E").as_deref() == Ok("require") {
            panic!("CUSTODES_OCSF_E2E=require but {missing}");
        }
        eprintln!("sinks: OCSF schema check SKIPPED: {missing} (CUSTODES_OCSF_E2E=require makes this a failure)");
        return;
    }
    let mut files = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let p = dir.join(format!("finding-{i:03}.json"));
        std::fs::write(&p, f.to_string()).expect("write finding");
        files.push(p);
    }
    let out = Process::new("python3")
        .arg(&validator)
        .arg(custodes::alert::sink::ocsf::OCSF_VERSION)
        .args(&files)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let valid = text
        .lines()
        .filter(|l| l.ends_with(": VALID") && l.contains("class=detection_finding"))
        .count();
    assert_eq!(valid, findings.len(), "{text}");
}

/// Reads octet-counted frames (`LEN SP MSG`) from a byte stream until it ends.
pub(crate) fn frames(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let sp = rest
            .iter()
            .position(|b| *b == b' ')
            .expect("a frame length");
        let len: usize = std::str::from_utf8(&rest[..sp])
            .expect("ASCII length")
            .parse()
            .expect("a decimal length");
        let msg = &rest[sp + 1..sp + 1 + len];
        out.push(String::from_utf8(msg.to_vec()).expect("UTF-8 message"));
        rest = &rest[sp + 1 + len..];
    }
    out
}

/// Checks the collector's frames against the alerts: one RFC 5424 message each, CEF
/// inside, every field where the spec puts it however hostile the values.
fn check_cef_frames(msgs: &[String], alerts: &[Value]) {
    assert_eq!(msgs.len(), alerts.len());
    let by_id: BTreeMap<&str, &Value> = alerts
        .iter()
        .map(|a| (a["alert_id"].as_str().unwrap_or_default(), a))
        .collect();
    let mut seen = Vec::new();
    for m in msgs {
        // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
        let parts: Vec<&str> = m.splitn(8, ' ').collect();
        assert_eq!(parts.len(), 8, "{m}");
        assert!(parts[0].starts_with('<') && parts[0].ends_with(">1"), "{m}");
        assert!(
            chrono::DateTime::parse_from_rfc3339(parts[1]).is_ok(),
            "{m}"
        );
        assert_eq!(&parts[2..7], ["-", "custodes", parts[4], "alert", "-"]);
        let cef = parts[7];
        assert!(!cef.contains('\n') && !cef.contains('\r'), "{cef}");
        assert!(cef.starts_with("CEF:0|custodes|custodes|"), "{cef}");
        // The header: seven unescaped pipes.
        let mut pipes = Vec::new();
        let b = cef.as_bytes();
        let mut i = 0;
        while i < b.len() && pipes.len() < 7 {
            match b[i] {
                b'\\' => i += 2,
                b'|' => {
                    pipes.push(i);
                    i += 1
                }
                _ => i += 1,
            }
        }
        assert_eq!(pipes.len(), 7, "{cef}");
        let ext = custodes::alert::sink::cef::parse_extension(&cef[pipes[6] + 1..]);
        let get = |k: &str| {
            ext.iter()
                .find(|(kk, _)| kk == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let id = get("externalId");
        let a = by_id
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{id}: {cef}"));
        let pri: u32 = parts[0][1..parts[0].len() - 2].parse().expect("PRI");
        let sev = match a["severity"].as_str() {
            Some("critical") => 2,
            Some("high") => 3,
            Some("medium") => 4,
            _ => 5,
        };
        assert_eq!(pri, 13 * 8 + sev, "{m}");
        assert_eq!(get("suser"), a["user"].as_str().unwrap_or_default());
        assert_eq!(get("msg"), a["reason"].as_str().unwrap_or_default());
        assert_eq!(get("cs1"), a["kind"].as_str().unwrap_or_default());
        assert_eq!(get("cat"), a["detector"].as_str().unwrap_or_default());
        seen.push(id);
    }
    seen.sort();
    assert_eq!(seen, ids(alerts));
    // The hostile lookup is among them, its reason intact through the escaping.
    assert!(
        alerts
            .iter()
            .any(|a| a["reason"].as_str().unwrap_or_default().contains("X=Y\\Z")),
        "the hostile lookup raised no alert"
    );
}

#[test]
fn cef_over_tcp_syslog_reaches_a_collector_in_octet_counted_frames() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let collector = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let cfg = format!("[sinks.siem]\ntype = \"cef_syslog\"\naddress = \"{addr}\"\n");
    let run = audit(&cfg, &["--sink", "siem"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("sink siem (cef_syslog):"),
        "{}",
        run.stderr
    );
    let bytes = collector.join().expect("collector");
    check_cef_frames(&frames(&bytes), &run.alerts);
}

#[test]
fn cef_over_tls_syslog_checks_the_collectors_certificate() {
    let Some(certs) = Certs::make() else {
        if std::env::var("CUSTODES_TLS_E2E").as_deref() == Ok("require") {
            panic!("CUSTODES_TLS_E2E=require but openssl, needed to make the test's certificates, is missing");
        }
        eprintln!("sinks: TLS test SKIPPED: openssl not found (CUSTODES_TLS_E2E=require makes this a failure)");
        return;
    };
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&certs.leaf)
        .expect("leaf")
        .collect::<Result<_, _>>()
        .expect("leaf pem");
    let key = PrivateKeyDer::from_pem_file(&certs.key).expect("key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let acceptor_wrong = acceptor.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let collector = std::thread::spawn(move || {
        rt.block_on(async move {
            use tokio::io::AsyncReadExt;
            let (tcp, _) = listener.accept().await.expect("accept");
            let mut tls = acceptor.accept(tcp).await.expect("TLS handshake");
            let mut bytes = Vec::new();
            tls.read_to_end(&mut bytes).await.expect("read");
            bytes
        })
    });
    let cfg = format!(
        "[sinks.siem]\ntype = \"cef_syslog\"\naddress = \"{addr}\"\ntls_ca_file = \"{}\"\ntls_server_name = \"collector.test\"\n",
        certs.ca.display()
    );
    let run = audit(&cfg, &["--sink", "siem", "--quiet"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let bytes = collector.join().expect("collector");
    check_cef_frames(&frames(&bytes), &run.alerts);

    // A certificate for another name is refused: the sink gives up and the run says so
    // (exit 2), its alert file complete all the same.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handshakes = std::thread::spawn(move || {
        rt.block_on(async move {
            let mut ok = 0;
            // The sink tries twice; each handshake must fail on the client's check.
            for _ in 0..2 {
                let (tcp, _) = listener.accept().await.expect("accept");
                if acceptor_wrong.accept(tcp).await.is_ok() {
                    ok += 1;
                }
            }
            ok
        })
    });
    let cfg = format!(
        "[sinks.siem]\ntype = \"cef_syslog\"\naddress = \"{addr}\"\ntls_ca_file = \"{}\"\ntls_server_name = \"other.test\"\nmax_attempts = 2\nbackoff_initial_ms = 10\n",
        certs.ca.display()
    );
    let failed = audit(&cfg, &["--sink", "siem", "--quiet"]);
    assert_eq!(handshakes.join().expect("collector"), 0);
    assert_eq!(failed.status, 2, "{}", failed.stderr);
    assert!(
        failed
            .stderr
            .contains("sink `siem`: gave up after 2 attempts"),
        "{}",
        failed.stderr
    );
    assert_eq!(failed.alerts.len(), run.alerts.len());
}

struct Certs {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    leaf: PathBuf,
    key: PathBuf,
}

impl Certs {
    /// A throwaway authority and a certificate it signs for `collector.test`.
    fn make() -> Option<Certs> {
        let dir = tempfile::tempdir().ok()?;
        let d = dir.path().to_path_buf();
        let run = |args: &[&str]| {
            Process::new("openssl")
                .args(args)
                .current_dir(&d)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let ok = run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=custodes test CA",
        ]) && run(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=collector.test",
        ]) && {
            std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:collector.test\n").is_ok()
        } && run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        ok.then(|| Certs {
            ca: d.join("ca.pem"),
            leaf: d.join("leaf.pem"),
            key: d.join("leaf.key"),
            _dir: dir,
        })
    }
}

/// What the HTTP receiver saw.
#[derive(Default)]
struct Received {
    requests: u32,
    failed: u32,
    /// (path, Authorization header, body) of each request answered 200.
    taken: Vec<(String, String, String)>,
}

/// An HTTP receiver on loopback that answers 503 to its first `fail` requests, then 200.
fn receiver(fail: u32) -> (String, Arc<Mutex<Received>>, tokio::runtime::Runtime) {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, Uri};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let seen = Arc::new(Mutex::new(Received::default()));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    async fn take(
        State((seen, fail)): State<(Arc<Mutex<Received>>, u32)>,
        uri: Uri,
        headers: HeaderMap,
        body: String,
    ) -> StatusCode {
        let mut s = seen.lock().expect("lock");
        s.requests += 1;
        if s.requests <= fail {
            s.failed += 1;
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        s.taken.push((uri.path().to_string(), auth, body));
        StatusCode::OK
    }
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::post(take))
        .with_state((Arc::clone(&seen), fail));
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen, rt)
}

#[test]
fn http_sinks_deliver_every_alert_once_after_the_receiver_recovers() {
    let (base, seen, _rt) = receiver(3);
    let token_dir = tempfile::tempdir().expect("tempdir");
    let token = token_dir.path().join("token");
    std::fs::write(&token, "s3cret-token\n").expect("token");
    let cfg = format!(
        "[sinks.splunk]\ntype = \"http\"\nurl = \"{base}/services/collector/event\"\nformat = \"splunk_hec\"\n\
         token_file = \"{t}\"\nbatch_size = 4\nbackoff_initial_ms = 20\nbackoff_max_ms = 200\n\
         [sinks.hook]\ntype = \"http\"\nurl = \"{base}/hook\"\nformat = \"webhook\"\npayload = \"ocsf\"\n\
         token_file = \"{t}\"\nbatch_size = 7\nbackoff_initial_ms = 20\nbackoff_max_ms = 200\n",
        t = token.display()
    );
    let run = audit(&cfg, &["--sink", "splunk", "--sink", "hook"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let want = ids(&run.alerts);
    let s = seen.lock().expect("lock");
    assert_eq!(s.failed, 3);
    let mut hec = Vec::new();
    let mut hook = Vec::new();
    for (path, auth, body) in &s.taken {
        if path == "/services/collector/event" {
            assert_eq!(auth, "Splunk s3cret-token");
            let events: Vec<Value> = serde_json::Deserializer::from_str(body)
                .into_iter::<Value>()
                .collect::<Result<_, _>>()
                .expect("HEC events");
            assert!(!events.is_empty() && events.len() <= 4, "{}", events.len());
            for e in events {
                assert_eq!(e["sourcetype"], "custodes:alert");
                assert_eq!(e["fields"]["alert_id"], e["event"]["alert_id"]);
                assert!(e["time"].as_f64().is_some_and(|t| t > 1.7e9), "{e}");
                hec.push(
                    e["event"]["alert_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        } else {
            assert_eq!(path, "/hook");
            assert_eq!(auth, "Bearer s3cret-token");
            let arr: Vec<Value> = serde_json::from_str(body).expect("a JSON array");
            assert!(!arr.is_empty() && arr.len() <= 7);
            for f in arr {
                assert_eq!(f["class_uid"], 2004);
                hook.push(
                    f["finding_info"]["uid"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
        }
    }
    hec.sort();
    hook.sort();
    // Every alert, each once: the failed requests were not taken, the retries were.
    assert_eq!(hec, want);
    assert_eq!(hook, want);
    assert!(
        run.stderr.contains(&format!(
            "sink splunk (http): {} alert(s) delivered",
            want.len()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_sink_that_stays_down_is_reported_and_the_run_goes_on() {
    // A port nobody listens on: bound, then released.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let cfg = format!(
        "[sinks.down]\ntype = \"http\"\nurl = \"http://127.0.0.1:{port}/x\"\nformat = \"webhook\"\n\
         max_attempts = 3\nbackoff_initial_ms = 10\nqueue = 2\nbatch_size = 2\n\
         [sinks.ocsf]\ntype = \"ocsf_file\"\npath = \"$DIR/f.jsonl\"\n"
    );
    let run = audit(&cfg, &["--sink", "down", "--sink", "ocsf", "--quiet"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("sink `down`: gave up after 3 attempts (0 alerts delivered before)"),
        "{}",
        run.stderr
    );
    assert!(run.alerts.len() > 20);
    assert_eq!(read_jsonl(&run.path("f.jsonl")).len(), run.alerts.len());

    let unknown = audit(&cfg, &["--sink", "nope", "--quiet"]);
    assert_eq!(unknown.status, 2);
    assert!(
        unknown
            .stderr
            .contains("sink `nope` is not configured (configured: down, ocsf)"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn the_metrics_file_holds_the_runs_figures_for_the_textfile_collector() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prom = dir.path().join("custodes.prom");
    let run = audit(
        "",
        &["--metrics-file", prom.to_str().expect("utf-8"), "--quiet"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&prom).expect("metrics file");
    #[cfg(unix)]
    assert_eq!(mode(&prom), 0o644);
    // Nothing left beside it: the temporary file was renamed.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            assert!(
                line.starts_with("# HELP ") || line.starts_with("# TYPE "),
                "{line}"
            );
            continue;
        }
        let (name, value) = line.rsplit_once(' ').expect("name value");
        let v: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        samples.insert(name.to_string(), v);
    }
    let events = std::fs::read_to_string(fixtures().join("identity_and_cases/events.jsonl"))
        .expect("events")
        .lines()
        .count()
        + 1;
    assert_eq!(samples["custodes_audit_events_read"], events as f64);
    assert_eq!(samples["custodes_audit_events_rejected"], 0.0);
    let mut want: BTreeMap<String, f64> = BTreeMap::new();
    for a in &run.alerts {
        let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
        *want
            .entry(format!(
                "custodes_audit_alerts{{detector=\"{}\",kind=\"{}\",severity=\"{}\"}}",
                s("detector"),
                s("kind"),
                s("severity")
            ))
            .or_default() += 1.0;
    }
    let got: BTreeMap<String, f64> = samples
        .iter()
        .filter(|(k, _)| k.starts_with("custodes_audit_alerts{"))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(got, want);
    assert!(samples["custodes_audit_duration_seconds"] >= 0.0);
    assert!(samples["custodes_audit_last_run_timestamp_seconds"] > 1.7e9);
}
