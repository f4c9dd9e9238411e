//! `custodes serve` in a real headless browser: Debian's `chromium`, driven over the W3C
//! WebDriver protocol by Debian's `chromium-driver`, spoken here as plain JSON over HTTP.
//!
//! Each role logs in through the login form, sees the overview, opens an alert and does
//! what it may: the investigator confirms it and takes its evidence packet, the admin
//! previews and adds an exception, the oversight role walks every page and API answer it
//! can reach, none of which may hold a login, a name or a date of birth of the world.
//! Every page must come whole from the binary: no script, no off-site `src`/`href`, and no
//! request from the browser to anywhere but the server. On the Lookups page (issue 16) the
//! investigator searches one person of `tests/fixtures/lookups` by a name variant, by plate
//! and by address and sees the lookups grouped by login; oversight is refused it.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` the tests skip themselves,
//! unless `CUSTODES_BROWSER_E2E=require` (set by `.ci/run`), when they fail instead.
//! `readme_screenshots` (ignored; run it by hand) redraws `docs/screenshots/*.png` from
//! `sample_logs/`.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::support::{custodes, reference_secrets, start_server};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The key of a web element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(15);

/// Whether the browser is installed; without it, a skip notice, or a failure when CI
/// requires the test.
fn browser_installed(test: &str) -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CUSTODES_BROWSER_E2E").as_deref() == Ok("require") {
        panic!(
            "CUSTODES_BROWSER_E2E=require but {} missing: apt-get install chromium chromium-driver",
            missing.join(" and ")
        );
    }
    eprintln!(
        "browser::{test}: skipped, {} missing (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    false
}

// ---- plain HTTP ----

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// One HTTP/1.1 exchange; the body is read by `Content-Length`, chunks or to the end.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    try_http(addr, method, path, headers, body)
        .unwrap_or_else(|e| panic!("{method} {addr}{path}: {e}"))
}

fn try_http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |k: &str| headers.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    // chromedriver keeps connections open whatever the request says: never read past the
    // answer.
    let mut body = Vec::new();
    if let Some(n) = get("content-length").and_then(|n| n.parse::<usize>().ok()) {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16)
                .map_err(|_| bad(format!("bad chunk size {line:?}")))?;
            if n == 0 {
                break;
            }
            let start = body.len();
            body.resize(start + n + 2, 0);
            r.read_exact(&mut body[start..])?;
            body.truncate(start + n);
        }
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `f` until it gives a value, failing with `what` after [`PATIENCE`].
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- the server ----

fn add_user(db: &Path, role: &str, name: &str) {
    custodes()
        .args(["user", "add", "--db"])
        .arg(db)
        .args(["--role", role, name])
        .write_stdin(format!("{}\n", password(name)))
        .assert()
        .success();
}

fn password(name: &str) -> String {
    format!("{name} has a long password")
}

fn audit(refs: &Path, events: &Path, db: &Path, out: &Path) {
    custodes()
        .args(["audit", "--quiet", "--refs"])
        .arg(refs)
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(out)
        .arg(events)
        .assert()
        .success();
}

// ---- WebDriver ----

/// A `chromedriver` on a free loopback port.
struct Driver {
    child: Child,
    addr: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver() -> Driver {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{CHROMEDRIVER}: {e}"));
    let driver = Driver {
        child,
        addr: format!("127.0.0.1:{port}"),
    };
    wait_for("chromedriver to start", || {
        TcpStream::connect(&driver.addr).ok()?;
        let r = http(&driver.addr, "GET", "/status", &[], b"");
        let v: Value = serde_json::from_slice(&r.body).ok()?;
        (v["value"]["ready"] == true).then_some(())
    });
    driver
}

/// One browser (its own profile and download folder) logged in or not, and every page
/// source it was seen to hold.
struct Browser<'a> {
    driver: &'a Driver,
    id: String,
    /// `http://ADDR` of the server.
    base: String,
    downloads: PathBuf,
    seen: RefCell<Vec<(String, String)>>,
    _dirs: tempfile::TempDir,
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        // Quits Chromium; must not panic (this also runs while a failed test unwinds).
        let path = format!("/session/{}", self.id);
        let _ = try_http(&self.driver.addr, "DELETE", &path, &[], b"");
    }
}

impl<'a> Browser<'a> {
    fn open(driver: &'a Driver, server: &str) -> Self {
        Self::open_with(driver, server, &[])
    }

    /// A browser with more Chromium flags.
    fn open_with(driver: &'a Driver, server: &str, flags: &[&str]) -> Self {
        let dirs = tempfile::tempdir().unwrap();
        let profile = dirs.path().join("profile");
        let downloads = dirs.path().join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1500",
        ]
        .iter()
        .chain(flags)
        .map(|f| f.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"performance": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let r = http(
            &driver.addr,
            "POST",
            "/session",
            &[("Content-Type", "application/json")],
            caps.to_string().as_bytes(),
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        let b = Browser {
            driver,
            id,
            base: format!("http://{server}"),
            downloads,
            seen: RefCell::new(Vec::new()),
            _dirs: dirs,
        };
        // Downloads land in our folder (headless Chromium may otherwise refuse them).
        let _ = b.try_cmd(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": "Browser.setDownloadBehavior", "params": {
                "behavior": "allow", "downloadPath": b.downloads.display().to_string()}}),
        );
        b
    }

    /// A WebDriver command of this session: its `value`, or the error's.
    fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, Value> {
        let body = if method == "GET" {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let r = http(
            &self.driver.addr,
            method,
            &format!("/session/{}{path}", self.id),
            &[("Content-Type", "application/json; charset=utf-8")],
            &body,
        );
        let v: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}: {}", r.text()));
        if r.status == 200 {
            Ok(v["value"].clone())
        } else {
            Err(v["value"].clone())
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        self.try_cmd(method, path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
    }

    /// Navigates to a path of the server (or an absolute URL) and returns the page.
    fn go(&self, path: &str) -> String {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        self.cmd("POST", "/url", json!({ "url": url }));
        self.source()
    }

    /// The path (and query) of the current page.
    fn path(&self) -> String {
        let url = self.cmd("GET", "/url", json!({}));
        let url = url.as_str().unwrap_or_default();
        url.strip_prefix(&self.base).unwrap_or(url).to_string()
    }

    /// The current page's source, remembered with its path.
    fn source(&self) -> String {
        let src = self.cmd("GET", "/source", json!({}));
        let src = src.as_str().unwrap_or_default().to_string();
        self.seen.borrow_mut().push((self.path(), src.clone()));
        src
    }

    fn title(&self) -> String {
        self.cmd("GET", "/title", json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn try_find(&self, css: &str) -> Option<String> {
        let v = self
            .try_cmd(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .ok()?;
        v[ELEMENT].as_str().map(str::to_string)
    }

    fn find(&self, css: &str) -> String {
        self.try_find(css).unwrap_or_else(|| {
            let src = self.source();
            panic!(
                "no `{css}` on {}: {}",
                self.path(),
                &src[..src.len().min(3000)]
            )
        })
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd(
            "POST",
            "/elements",
            json!({"using": "css selector", "value": css}),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn click(&self, el: &str) {
        self.cmd("POST", &format!("/element/{el}/click"), json!({}));
    }

    /// Clears a field and types into it.
    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), json!({}));
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        );
    }

    fn text(&self, el: &str) -> String {
        self.cmd("GET", &format!("/element/{el}/text"), json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn attr(&self, el: &str, name: &str) -> String {
        self.cmd("GET", &format!("/element/{el}/attribute/{name}"), json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Polls `f` until it gives a value; after [`PATIENCE`], fails showing the page the
    /// browser is on.
    fn wait<T>(&self, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = f() {
                return v;
            }
            if start.elapsed() > PATIENCE {
                let src = self.source();
                panic!(
                    "timed out waiting for {what}; the browser shows {}: {}",
                    self.path(),
                    &src[..src.len().min(3000)]
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks what `css` finds and waits for the page at a path starting with `to`.
    fn click_to(&self, css: &str, to: &str) -> String {
        let el = self.find(css);
        self.click(&el);
        self.wait(&format!("{to} after clicking {css}"), || {
            self.path().starts_with(to).then_some(())
        });
        self.source()
    }

    /// The JSON a route answers, as the browser shows it (Chromium renders JSON as text in
    /// a `<pre>`).
    fn json(&self, path: &str) -> Value {
        let src = self.go(path);
        assert!(src.contains("<pre"), "{path} is not shown as JSON: {src}");
        let text = self.text(&self.find("pre"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    /// The browser's cookies as a `Cookie` header, checking the session cookie's flags.
    fn cookie_header(&self) -> String {
        let cookies = self.cmd("GET", "/cookie", json!({}));
        let cookies = cookies.as_array().cloned().unwrap_or_default();
        let session = cookies
            .iter()
            .find(|c| c["name"] == "custodes_session")
            .unwrap_or_else(|| panic!("no session cookie: {cookies:?}"));
        assert_eq!(session["httpOnly"], true, "{session}");
        assert_eq!(session["secure"], true, "{session}");
        assert_eq!(session["sameSite"], "Strict", "{session}");
        cookies
            .iter()
            .map(|c| {
                format!(
                    "{}={}",
                    c["name"].as_str().unwrap(),
                    c["value"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A screenshot of the window, as PNG bytes.
    fn screenshot(&self) -> Vec<u8> {
        let v = self.cmd("GET", "/screenshot", json!({}));
        let png = base64_decode(v.as_str().expect("a base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        png
    }

    /// Every URL the page loads asked for since the last call (Chromium's network log).
    fn requested_urls(&self) -> Vec<String> {
        let log = self.cmd("POST", "/se/log", json!({"type": "performance"}));
        let mut urls = Vec::new();
        for entry in log.as_array().into_iter().flatten() {
            let Some(m) = entry["message"]
                .as_str()
                .and_then(|m| serde_json::from_str::<Value>(m).ok())
            else {
                continue;
            };
            if m["message"]["method"] == "Network.requestWillBeSent" {
                if let Some(u) = m["message"]["params"]["request"]["url"].as_str() {
                    urls.push(u.to_string());
                }
            }
        }
        urls
    }

    /// Waits for a downloaded file named `name` and returns its bytes.
    fn downloaded(&self, name: &str) -> Option<Vec<u8>> {
        let path = self.downloads.join(name);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            let partial = std::fs::read_dir(&self.downloads)
                .map(|d| {
                    d.flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
                })
                .unwrap_or(false);
            if !partial {
                if let Ok(b) = std::fs::read(&path) {
                    return Some(b);
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Logs in through the login form and lands on the overview.
    fn log_in(&self, name: &str) {
        let src = self.go("/login");
        assert!(src.contains("action=\"/login\""), "{src}");
        self.type_into("input[name=name]", name);
        self.type_into("input[name=password]", &password(name));
        let el = self.find("form[action='/login'] button[type=submit]");
        self.click(&el);
        self.wait(&format!("the overview after {name} logs in"), || {
            (self.path() == "/").then_some(())
        });
    }

    /// Logs out with the nav's button; the workbench then answers 401.
    fn log_out(&self) {
        self.click_to("header.top form[action='/logout'] button", "/login");
        let src = self.go("/");
        assert!(
            src.contains("<h1>401 Unauthorized</h1>") && src.contains("href=\"/login\""),
            "{src}"
        );
        assert!(self.title().starts_with("Unauthorized"), "{}", self.title());
        let cookies = self.cmd("GET", "/cookie", json!({}));
        assert!(
            !cookies.to_string().contains("custodes_session"),
            "{cookies}"
        );
    }

    /// Every page source seen so far.
    fn pages(&self) -> Vec<(String, String)> {
        self.seen.borrow().clone()
    }
}

/// Decodes standard base64 (with or without padding; whitespace ignored).
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 26,
            b'0'..=b'9' => (c - b'0') as u32 + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {:?}", c as char),
        }
    };
    let digits: Vec<u32> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (*d << (18 - 6 * i)));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

// ---- what every page must be ----

/// The values of every `src`, `href` and `action` attribute of a page.
fn links(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=", "href=", "action="] {
        let mut rest = src;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(q) {
                out.push(rest[1..=end].to_string());
            }
        }
    }
    out
}

/// A page of the workbench is whole: no script, nothing linked or loaded from elsewhere.
fn assert_self_contained(path: &str, src: &str) {
    assert!(!src.contains("<script"), "{path} has a script");
    assert!(!src.contains("@import"), "{path} imports a stylesheet");
    for l in links(src) {
        let local = (l.starts_with('/') && !l.starts_with("//"))
            || l.starts_with('#')
            || l.starts_with('?')
            || l.starts_with("data:");
        assert!(local, "{path} links off-site: {l}");
    }
}

/// Every request the browser made went to the server (or to Chromium itself).
fn assert_only_local_requests(b: &Browser) {
    for u in b.requested_urls() {
        let ok = u.starts_with(&format!("{}/", b.base))
            || u.starts_with("chrome:")
            || u.starts_with("chrome-untrusted:")
            || u.starts_with("data:")
            || u.starts_with("about:");
        assert!(ok, "the browser fetched {u}");
    }
}

/// The overview as each role first sees it.
fn check_overview(b: &Browser) {
    let src = b.source();
    assert_eq!(b.title(), "Overview · custodes");
    assert!(src.contains("<h1>Overview</h1>"), "{src}");
    assert!(src.contains("<svg"), "the overview has no chart");
    assert!(
        src.contains("<h2>How alerts were disposed</h2>") && src.contains("id=\"dispositions\""),
        "the overview has no dispositions table"
    );
}

/// Opens the alerts list from the nav, then the first alert of it; returns its id (for the
/// oversight role, the keyed token that stands for it).
fn open_first_alert(b: &Browser) -> String {
    let src = b.click_to("header.top a[href='/alerts']", "/alerts");
    assert!(src.contains("<h1>Alerts</h1>"), "{src}");
    let link = b.find("table.data tbody tr td.mono a");
    let id = b.text(&link);
    // Oversight navigates by alert tokens (issue 14), the others by alert ids.
    assert!(id.starts_with("al-") || id.starts_with("T-"), "{id}");
    b.click(&link);
    b.wait(&format!("alert {id}"), || {
        (b.path() == format!("/alerts/{id}")).then_some(())
    });
    let src = b.source();
    assert!(
        b.title().starts_with(&format!("Alert {id}")),
        "{}",
        b.title()
    );
    assert!(src.contains("<h2>Triage history</h2>"), "{src}");
    id
}

// ---- the test ----

#[test]
fn each_role_works_the_workbench_in_a_real_browser() {
    if !browser_installed("each_role_works_the_workbench_in_a_real_browser") {
        return;
    }
    let t0 = Instant::now();
    let lap = |what: &str| eprintln!("browser: {what} at {:.1}s", t0.elapsed().as_secs_f64());
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    custodes()
        .args([
            "gen",
            "--profile",
            "classic",
            "--seed",
            "31",
            "--users",
            "20",
            "--days",
            "8",
            "--out",
        ])
        .arg(w)
        .assert()
        .success();
    let db = w.join("alerts.db");
    audit(
        &w.join("refs"),
        &w.join("events.jsonl"),
        &db,
        &w.join("alerts.jsonl"),
    );
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "oversight", "ov_lindqvist");
    add_user(&db, "admin", "adm_okafor");
    let known = reference_secrets(&w.join("refs"));
    lap("world, store and accounts");
    let server = start_server(&db);
    let driver = start_driver();
    let mut every_page: Vec<(String, String)> = Vec::new();

    // The investigator: confirms an alert and takes its evidence packet.
    {
        let b = Browser::open(&driver, &server.addr);
        b.log_in("ia_nowak");
        lap("ia_nowak logged in");
        check_overview(&b);
        let id = open_first_alert(&b);
        b.click(&b.find("select[name=status] option[value=confirmed]"));
        b.type_into("textarea[name=note]", "checked in the browser");
        let form = format!("form[action='/alerts/{id}/triage']");
        let before = b.source().matches("<td>confirmed</td>").count();
        b.click(&b.find(&format!("{form} button[type=submit]")));
        let src = b.wait("the triage decision to show", || {
            let src = b.source();
            (b.path() == format!("/alerts/{id}") && src.contains("checked in the browser"))
                .then_some(src)
        });
        let history = src
            .split("<h2>Triage history</h2>")
            .nth(1)
            .and_then(|s| s.split("<h2>").next())
            .unwrap_or_default();
        assert!(
            history.contains("<td>confirmed</td>") && history.contains("<td>ia_nowak</td>"),
            "{history}"
        );
        assert_eq!(src.matches("<td>confirmed</td>").count(), before + 1);
        // The investigator sees names: the oversight check below can see one if it leaks.
        assert!(
            known.iter().any(|s| src.contains(s.as_str())),
            "the investigator's alert page names nobody"
        );

        // The evidence packet, through the page's own links.
        let cookie = b.cookie_header();
        let html_href = b.attr(&b.find("p.exports a[href$='/export.html']"), "href");
        let csv_href = b.attr(&b.find("p.exports a[href$='/export.csv']"), "href");
        let html_path = html_href.strip_prefix(&b.base).unwrap_or(&html_href);
        let csv_path = csv_href.strip_prefix(&b.base).unwrap_or(&csv_href);
        assert_eq!(html_path, format!("/alerts/{id}/export.html"));
        assert_eq!(csv_path, format!("/alerts/{id}/export.csv"));
        let fetch = |path: &str| {
            let r = http(
                &server.addr,
                "GET",
                path,
                &[("Cookie", cookie.as_str())],
                b"",
            );
            assert_eq!(r.status, 200, "{path}: {}", r.text());
            let digest = r.header("x-content-sha256").unwrap_or_default().to_string();
            assert_eq!(digest, sha256_hex(&r.body), "{path}: X-Content-SHA256");
            r
        };
        // Both links are attachments: the browser downloads them. Should it ever not, the
        // same URL is fetched with the browser's cookie.
        let packet = |path: &str, file: &str| -> Vec<u8> {
            b.go(path);
            if let Some(bytes) = b.downloaded(file) {
                eprintln!("browser: downloaded {path} ({} bytes)", bytes.len());
                bytes
            } else {
                eprintln!("browser: {path} was not downloaded; fetching it");
                fetch(path).body
            }
        };
        let html = packet(html_path, &format!("custodes-{id}.html"));
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains(&id), "the packet does not name {id}");
        assert_self_contained(html_path, &html);
        let csv = packet(csv_path, &format!("custodes-{id}.csv"));
        let csv_digest = sha256_hex(&csv);
        assert!(
            html.contains(&format!(">{csv_digest}<")),
            "the HTML packet does not state the CSV's SHA-256 {csv_digest}"
        );
        assert!(
            html.split(|c: char| !c.is_ascii_hexdigit())
                .any(|w| w.len() == 64),
            "no 64-hex digest in the packet"
        );
        // The server's digest header matches the same bytes fetched with the browser's cookie.
        assert_eq!(
            fetch(csv_path).body,
            csv,
            "the CSV changed between two exports"
        );
        fetch(html_path);

        lap("investigator's packet");
        b.go(&format!("/alerts/{id}"));
        b.log_out();
        assert_only_local_requests(&b);
        every_page.extend(b.pages());
        lap("investigator");
    }

    // The admin: previews and adds an exception for the login of an alert.
    {
        let b = Browser::open(&driver, &server.addr);
        b.log_in("adm_okafor");
        lap("adm_okafor logged in");
        check_overview(&b);
        open_first_alert(&b);
        let login = b.text(&b.find("dl.facts dd a[href^='/users/']"));
        assert!(!login.is_empty() && !login.starts_with("U-"), "{login}");
        let expected = b
            .json("/api/v1/alerts?per_page=1000")
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["user"] == login.as_str())
            .count();
        assert!(expected > 0);

        b.go("/");
        // The investigator's confirmation shows in the dispositions: precision 100% there.
        let dispositions = b
            .source()
            .split("id=\"dispositions\"")
            .nth(1)
            .and_then(|s| s.split("</table>").next())
            .unwrap_or_default()
            .to_string();
        assert!(
            dispositions.contains("<td class=\"num\">100%</td>"),
            "{dispositions}"
        );
        let src = b.click_to("header.top a[href='/exceptions']", "/exceptions");
        assert!(src.contains("<h1>Exceptions</h1>"), "{src}");
        // Nothing was marked benign: the section is there, with no proposal.
        assert!(
            src.contains("Proposed from triage") && src.contains("No proposal."),
            "{src}"
        );
        let preview = "form[method=get][action='/exceptions']";
        b.type_into(&format!("{preview} input[name=user]"), &login);
        b.click(&b.find(&format!("{preview} button[type=submit]")));
        let shown = b.wait("the preview's count", || {
            let el = b.try_find("div.notice[role=status] strong")?;
            b.text(&el).parse::<usize>().ok()
        });
        assert_eq!(shown, expected, "the preview of a rule for {login}");
        let api = b.json(&format!("/api/v1/exceptions/preview?user={login}"));
        assert_eq!(api["alerts"], shown);

        b.go("/exceptions");
        let add = "form[method=post][action='/exceptions']";
        b.type_into(&format!("{add} input[name=user]"), &login);
        b.type_into(&format!("{add} input[name=owner]"), "Background checks");
        b.type_into(
            &format!("{add} textarea[name=reason]"),
            "service account used by the nightly check",
        );
        b.type_into(&format!("{add} input[name=expires]"), "2099-12-31");
        b.click(&b.find(&format!("{add} button[type=submit]")));
        let row = b.wait("the new rule to be listed", || {
            let src = b.source();
            if b.path() != "/exceptions" {
                return None;
            }
            src.split("<tr>")
                .find(|r| r.contains("service account used by the nightly check"))
                .map(str::to_string)
        });
        for want in [
            login.as_str(),
            "Background checks",
            "2099-12-31",
            "adm_okafor",
            ">active<",
        ] {
            assert!(row.contains(want), "the listed rule lacks {want}: {row}");
        }
        b.log_out();
        assert_only_local_requests(&b);
        every_page.extend(b.pages());
        lap("admin");
    }

    // Oversight: every page and API answer it can reach, none naming anyone.
    {
        let b = Browser::open(&driver, &server.addr);
        b.log_in("ov_lindqvist");
        lap("ov_lindqvist logged in");
        check_overview(&b);
        let nav = b.find_all("header.top nav ul a");
        let hrefs: Vec<String> = nav.iter().map(|a| b.attr(a, "href")).collect();
        assert!(hrefs.len() >= 3, "{hrefs:?}");
        assert!(
            !hrefs.iter().any(|h| h.ends_with("/exceptions")),
            "oversight's nav links exceptions: {hrefs:?}"
        );
        for href in &hrefs {
            let path = href.strip_prefix(&b.base).unwrap_or(href).to_string();
            b.click_to(&format!("header.top nav ul a[href='{path}']"), &path);
        }
        let id = open_first_alert(&b);
        assert!(id.starts_with("T-"), "oversight sees the alert id {id}");
        let src = b.source();
        assert!(
            b.try_find("form[action$='/triage']").is_none()
                && b.try_find("select[name=status]").is_none()
                && !src.contains("/triage")
                && !src.contains("export."),
            "oversight is offered triage or exports: {src}"
        );
        b.click_to("header.top a[href='/users']", "/users");
        let link = b.find("table.data tbody tr td a[href^='/users/']");
        let who = b.text(&link);
        assert!(who.starts_with("U-"), "oversight sees the login {who}");
        b.click(&link);
        b.wait("a pseudonymous timeline", || {
            b.path()
                .starts_with(&format!("/users/{who}/timeline"))
                .then_some(())
        });
        let src = b.source();
        assert!(
            src.contains(&format!("<h1>Timeline of {who}</h1>")),
            "{src}"
        );
        // What the nav does not offer is refused, and names nobody either.
        for path in [
            "/exceptions".to_string(),
            format!("/alerts/{id}/export.html"),
            format!("/alerts/{id}/export.csv"),
        ] {
            let src = b.go(&path);
            assert!(src.contains("<h1>403 Forbidden</h1>"), "{path}: {src}");
        }
        for path in [
            "/api/v1/overview".to_string(),
            "/api/v1/alerts".into(),
            "/api/v1/users".into(),
            format!("/api/v1/alerts/{id}"),
            format!("/api/v1/users/{who}/timeline"),
        ] {
            let v = b.json(&path);
            assert!(v.is_object() || v.is_array(), "{path}: {v}");
            assert!(v.get("error").is_none(), "{path}: {v}");
        }
        let v = b.json("/api/v1/exceptions/proposals");
        assert!(
            v.get("error").is_some(),
            "oversight is given proposals: {v}"
        );
        lap("oversight's pages");
        b.go("/");
        b.log_out();
        assert_only_local_requests(&b);
        let pages = b.pages();
        assert!(pages.len() >= 15, "{}", pages.len());
        for (path, src) in &pages {
            let leaked: Vec<&String> = known.iter().filter(|s| src.contains(s.as_str())).collect();
            assert!(leaked.is_empty(), "oversight received {leaked:?} on {path}");
        }
        every_page.extend(pages);
    }

    // Every page of the workbench is whole (JSON answers are Chromium's viewer).
    let mut checked = 0;
    for (path, src) in &every_page {
        if path.starts_with("/api/") {
            continue;
        }
        assert_self_contained(path, src);
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
}

/// The `<h3>` headings of a Lookups answer: one per login, in the page's order.
fn lookup_groups(b: &Browser) -> Vec<String> {
    b.find_all("main h3").iter().map(|h| b.text(h)).collect()
}

/// Fills the Lookups form (every field cleared first) and submits it with its button.
fn search_lookups(b: &Browser, fields: &[(&str, &str)]) -> String {
    let form = "form[action='/lookups']";
    for name in [
        "person_id",
        "name",
        "dob",
        "plate",
        "phone",
        "address",
        "from",
        "to",
    ] {
        let value = fields
            .iter()
            .find(|(k, _)| *k == name)
            .map_or("", |(_, v)| *v);
        b.type_into(&format!("{form} input[name={name}]"), value);
    }
    // The page before may hold an answer already (a second search): wait for the new
    // address, or its elements go stale under the assertions.
    let before = b.path();
    b.click(&b.find(&format!("{form} button[type=submit]")));
    b.wait("the lookups answer", || {
        let path = b.path();
        let src = b.source();
        (path != before && path.starts_with("/lookups?") && src.contains(" lookups by "))
            .then_some(src)
    })
}

#[test]
fn investigator_searches_who_looked_up_a_person_in_a_real_browser() {
    if !browser_installed("investigator_searches_who_looked_up_a_person_in_a_real_browser") {
        return;
    }
    let fixture = crate::support::fixtures().join("lookups");
    let refs = fixture.join("refs");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alerts.db");
    audit(
        &refs,
        &fixture.join("events.jsonl"),
        &db,
        &dir.path().join("alerts.jsonl"),
    );
    add_user(&db, "investigator", "ia_nowak");
    add_user(&db, "oversight", "ov_lindqvist");
    let refs_arg = refs.to_string_lossy().into_owned();
    let server = crate::support::start_server_with(&db, &["--refs", &refs_arg]);
    let driver = start_driver();
    let mut every_page: Vec<(String, String)> = Vec::new();

    // The investigator: the nav's Lookups page, then three searches for one person.
    {
        let b = Browser::open(&driver, &server.addr);
        b.log_in("ia_nowak");
        let src = b.click_to("header.top a[href='/lookups']", "/lookups");
        assert_eq!(b.title(), "Lookups · custodes");
        assert!(src.contains("<h1>Who looked up this person</h1>"), "{src}");
        // The empty form searches nothing.
        assert!(!src.contains(" lookups by "), "{src}");

        // Her nickname and date of birth: every lookup of her under any variant (initial,
        // misspelt surname, name turned round, plate, address, person id, bare name), not
        // the namesake born in 1951; the ex-partner's login first (most unexplained).
        let src = search_lookups(&b, &[("name", "Beth Quarrington"), ("dob", "1988-05-14")]);
        assert!(src.contains("8 lookups by 4 logins"), "{src}");
        let groups = lookup_groups(&b);
        assert_eq!(groups.len(), 4, "{groups:?}");
        assert!(
            groups[0].starts_with("jdorsey") && groups[0].contains("5 not explained"),
            "{groups:?}"
        );
        for login in ["jdorsey", "mokoye", "tfinch", "rwolde"] {
            assert!(
                groups.iter().any(|g| g.starts_with(login)),
                "{login} is not listed: {groups:?}"
            );
        }
        let rows = b.find_all("table.lookups tbody tr");
        assert_eq!(rows.len(), 8);
        let text: Vec<String> = rows.iter().map(|r| b.text(r)).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("explained by assigned case C-41")),
            "{text:#?}"
        );
        assert!(!src.contains("1951-11-02"), "the namesake is listed: {src}");
        // A search is a link the investigator can keep: the form shows what was searched.
        assert!(b.path().contains("name=Beth+Quarrington"), "{}", b.path());

        // Her plate, typed with a space: the one lookup by plate.
        search_lookups(&b, &[("plate", "7 TRV 219")]);
        let groups = lookup_groups(&b);
        assert_eq!(groups.len(), 1, "{groups:?}");
        let rows: Vec<String> = b
            .find_all("table.lookups tbody tr")
            .iter()
            .map(|r| b.text(r))
            .collect();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].contains("plate"), "{rows:?}");

        // Her address as the reference row has it; the dispatcher typed it abbreviated.
        let src = search_lookups(
            &b,
            &[("address", "1408 North Larkspur Avenue Apt 3, Eastbrook")],
        );
        let rows: Vec<String> = b
            .find_all("table.lookups tbody tr")
            .iter()
            .map(|r| b.text(r))
            .collect();
        assert!(
            rows.iter()
                .any(|r| r.contains("1408 N Larkspur Ave #3") && r.contains("address")),
            "{rows:?}\n{src}"
        );
        assert!(lookup_groups(&b).iter().any(|g| g.starts_with("tfinch")));
        b.log_out();
        assert_only_local_requests(&b);
        every_page.extend(b.pages());
    }

    // Oversight: no Lookups in the nav, and the page and its API are refused.
    {
        let b = Browser::open(&driver, &server.addr);
        b.log_in("ov_lindqvist");
        let hrefs: Vec<String> = b
            .find_all("header.top nav ul a")
            .iter()
            .map(|a| b.attr(a, "href"))
            .collect();
        assert!(
            !hrefs.iter().any(|h| h.ends_with("/lookups")),
            "oversight's nav links lookups: {hrefs:?}"
        );
        for path in ["/lookups", "/lookups?name=Beth+Quarrington&dob=1988-05-14"] {
            let src = b.go(path);
            assert!(src.contains("<h1>403 Forbidden</h1>"), "{path}: {src}");
        }
        let v = b.json("/api/v1/lookups?person_id=P-9001");
        assert!(v.get("error").is_some(), "oversight is given lookups: {v}");
        b.go("/");
        b.log_out();
        assert_only_local_requests(&b);
        let known = reference_secrets(&refs);
        for (path, src) in b.pages() {
            let leaked: Vec<&String> = known.iter().filter(|s| src.contains(s.as_str())).collect();
            assert!(leaked.is_empty(), "oversight received {leaked:?} on {path}");
        }
        every_page.extend(b.pages());
    }
    for (path, src) in &every_page {
        if !path.starts_with("/api/") {
            assert_self_contained(path, src);
        }
    }
    drop(server);

    // Each of the investigator's three searches is in the access log; oversight's refusals
    // searched nothing.
    let c = rusqlite::Connection::open(&db).unwrap();
    let accounts: Vec<String> = c
        .prepare("SELECT account FROM access_log WHERE action = 'search_lookups' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(accounts, ["ia_nowak", "ia_nowak", "ia_nowak"]);
}

/// Redraws the screenshots of `docs/workbench.md` from `sample_logs/`:
/// `cargo test --test it browser::readme_screenshots -- --ignored`.
#[test]
#[ignore = "writes docs/screenshots/*.png; run by hand"]
fn readme_screenshots() {
    if !browser_installed("readme_screenshots") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = root.join("sample_logs");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("alerts.db");
    audit(
        &sample.join("refs"),
        &sample.join("events.jsonl"),
        &db,
        &dir.path().join("alerts.jsonl"),
    );
    add_user(&db, "investigator", "ia_nowak");
    let server = start_server(&db);
    let driver = start_driver();
    let b = Browser::open_with(&driver, &server.addr, &["--hide-scrollbars"]);
    b.cmd(
        "POST",
        "/window/rect",
        json!({"width": 1280, "height": 1000}),
    );
    b.log_in("ia_nowak");
    let out = root.join("docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let save = |name: &str| {
        let png = b.screenshot();
        std::fs::write(out.join(name), &png).unwrap();
        eprintln!("wrote docs/screenshots/{name} ({} bytes)", png.len());
    };

    check_overview(&b);
    save("overview.png");

    b.click_to("header.top a[href='/users']", "/users");
    let top = b.find("table.data tbody tr td a[href^='/users/']");
    let who = b.text(&top);
    b.click(&top);
    b.wait("the top user's timeline", || {
        b.path()
            .starts_with(&format!("/users/{who}/timeline"))
            .then_some(())
    });
    save("timeline.png");

    b.click_to("header.top a[href='/alerts']", "/alerts");
    let rows = b.find_all("table.data tbody tr");
    let serious = rows
        .iter()
        .find(|r| {
            let t = b.text(r);
            t.contains("critical") || t.contains("high")
        })
        .expect("a high or critical alert in sample_logs");
    let link = b.cmd(
        "POST",
        &format!("/element/{serious}/element"),
        json!({"using": "css selector", "value": "td.mono a"}),
    );
    let link = link[ELEMENT].as_str().unwrap().to_string();
    let id = b.text(&link);
    b.click(&link);
    b.wait(&format!("alert {id}"), || {
        (b.path() == format!("/alerts/{id}")).then_some(())
    });
    save("alert.png");
}
