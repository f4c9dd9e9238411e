//! The command line itself: help, exit codes, `--fail-on`, the detector registry.

use crate::support::{custodes, fixtures};
use predicates::str::contains;

#[test]
fn help_documents_exit_codes_and_every_subcommand() {
    custodes()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit status"))
        .stdout(contains("audit"))
        .stdout(contains("gen"))
        .stdout(contains("eval"));
    custodes()
        .args(["audit", "--help"])
        .assert()
        .success()
        .stdout(contains("--refs"))
        .stdout(contains("--rejects"))
        .stdout(contains("--fail-on"));
}

/// `custodes ARGS` at 100 columns (the widest help custodes prints), as text.
fn help_text(args: &[&str]) -> String {
    let out = custodes()
        .args(args)
        .env("COLUMNS", "100")
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).to_string()
}

/// `-h` is one line per flag under headings; `--help` adds the details.
#[test]
fn short_help_is_one_line_per_flag_under_headings() {
    let commands: [(&str, &[&str]); 7] = [
        ("audit", &["Inputs:", "Outputs:", "Run:", "History:"]),
        (
            "watch",
            &["Inputs:", "Outputs:", "Run:", "HTTP:", "Tuning:"],
        ),
        ("lookups", &["Inputs:", "Who:", "When:", "Output:"]),
        ("serve", &["Store:", "Server:", "Lookups page:"]),
        ("baseline", &["Inputs:", "History:", "Outputs:"]),
        ("gen", &["World:", "Output:"]),
        ("convert", &["Inputs:", "Outputs:"]),
    ];
    for (command, headings) in commands {
        let short = help_text(&[command, "-h"]);
        for heading in headings {
            assert!(short.contains(heading), "{command} -h: {heading}\n{short}");
        }
        // Under a heading, every line is a flag or an argument: no help wraps onto a second
        // line. The catch-all "Options:" holds `-h, --help` alone.
        for line in short.lines().filter(|l| l.starts_with("  ")) {
            let item = line.trim_start();
            assert!(
                item.starts_with('-') || item.starts_with('<') || item.starts_with('['),
                "{command} -h: a help text wraps onto `{line}`\n{short}"
            );
        }
        let options = short.split("Options:\n").nth(1).expect("Options:");
        let first_block = options.split("\n\n").next().unwrap_or_default();
        assert_eq!(
            first_block.trim(),
            "-h, --help  Print help (see more with '--help')"
        );
        let long = help_text(&[command, "--help"]);
        assert!(
            short.lines().count() * 2 < long.lines().count(),
            "{command}: --help should add the details\n{short}"
        );
    }
    let short = help_text(&["audit", "-h"]);
    assert!(!short.contains("FILE.lock"), "{short}");
    assert!(help_text(&["audit", "--help"]).contains("FILE.lock"));
    // watch's sources, sinks, signals and exit status are in --help only.
    assert!(!help_text(&["watch", "-h"]).contains("SIGHUP           reload"));
    assert!(help_text(&["watch", "--help"]).contains("SIGHUP           reload"));
}

#[test]
fn bad_usage_exits_2() {
    custodes().args(["audit"]).assert().code(2);
    custodes()
        .args(["audit", "--refs", "x", "--fail-on", "severe", "e.jsonl"])
        .assert()
        .code(2);
    custodes().args(["frobnicate"]).assert().code(2);
}

/// `watch`'s tuning flags have no meaning at zero (a poll every 0 ms, a queue of no slots):
/// exit 2 naming the flag, where the value was once raised to 1 without a word.
#[test]
fn watch_refuses_zero_for_its_tuning_flags() {
    for flag in ["--poll-ms", "--commit-ms", "--max-backlog", "--queue"] {
        custodes()
            .args([
                "watch", "--refs", "refs", "--db", "s.db", flag, "0", "e.jsonl",
            ])
            .assert()
            .code(2)
            .stderr(contains(format!("invalid value '0' for '{flag}")));
    }
}

#[test]
fn fail_on_turns_serious_alerts_into_exit_1() {
    let t = fixtures().join("identity_and_cases");
    custodes()
        .args(["audit", "--quiet", "--fail-on", "critical", "--refs"])
        .arg(t.join("refs"))
        .arg(t.join("events.jsonl"))
        .assert()
        .code(1);
    let bad = fixtures().join("bad");
    custodes()
        .args(["audit", "--quiet", "--fail-on", "low", "--refs"])
        .arg(bad.join("refs"))
        .arg(bad.join("empty.jsonl"))
        .assert()
        .code(0);
}

#[test]
fn detectors_lists_every_contract_detector() {
    let out = custodes()
        .args(["detectors", "--markdown"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for d in [
        "self_query",
        "coworker_lookup",
        "association_lookup",
        "watchlist_lookup",
        "no_case",
    ] {
        assert!(text.contains(&format!("### `{d}`")), "{d}");
    }
    for section in [
        "What it detects",
        "Why it matters",
        "Known false positives",
        "Tuning",
        "Example",
    ] {
        assert!(text.contains(section), "{section}");
    }
}

#[test]
fn default_config_prints_and_parses() {
    let out = custodes().arg("config").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("exempt_purposes = [\"TRAFFIC_STOP\"]"));
}

#[test]
fn readme_detector_section_is_the_registry_output() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let start = readme
        .find("<!-- detectors:start -->")
        .expect("start marker")
        + "<!-- detectors:start -->".len();
    let end = readme.find("<!-- detectors:end -->").expect("end marker");
    let out = custodes()
        .args(["detectors", "--markdown"])
        .assert()
        .success();
    let generated = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(
        readme[start..end].trim(),
        generated.trim(),
        "README is stale: regenerate the section with `custodes detectors --markdown`"
    );
}

#[test]
fn readme_quick_start_runs_on_the_sample_logs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = custodes()
        .current_dir(root)
        .args([
            "audit",
            "--refs",
            "sample_logs/refs",
            "sample_logs/events.jsonl",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        stdout.lines().count() > 10,
        "the sample world should raise alerts"
    );
    // The sample world carries its ground truth; the default configuration finds it.
    let dir = tempfile::tempdir().expect("tempdir");
    let alerts = dir.path().join("alerts.jsonl");
    std::fs::write(&alerts, stdout).expect("write");
    let eval = custodes()
        .current_dir(root)
        .args([
            "eval",
            "--json",
            "--labels",
            "sample_logs/labels.jsonl",
            "--alerts",
        ])
        .arg(&alerts)
        .assert()
        .success();
    let report: serde_json::Value =
        serde_json::from_slice(&eval.get_output().stdout).expect("json");
    assert!(
        report["by_detector"]["self_query"]["recall"]
            .as_f64()
            .unwrap_or(0.0)
            > 0.9,
        "{report:#}"
    );
}

/// `docs/configuration.md` holds the default configuration exactly as `custodes config` prints it.
#[test]
fn docs_configuration_block_is_the_default_config() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let guide = std::fs::read_to_string(&path).expect("docs/configuration.md");
    let section = guide.find("# Configuration").expect("configuration title");
    let start =
        section + guide[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let end = start + guide[start..].find("```").expect("block end");
    let out = custodes().arg("config").assert().success();
    let printed = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(
        guide[start..end],
        printed,
        "docs/configuration.md is stale: paste `custodes config`"
    );
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation other than `-` and
/// `_` dropped (so `PostgreSQL + pgAudit logs` is `postgresql--pgaudit-logs`).
fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push(line);
        }
    }
    out
}

/// Every anchor the headings of a Markdown text give; a repeated heading gets `-1`, `-2`...
fn heading_anchors(text: &str) -> std::collections::HashSet<String> {
    let mut seen = std::collections::HashMap::new();
    let mut anchors = std::collections::HashSet::new();
    for line in prose_lines(text) {
        let level = line.len() - line.trim_start_matches('#').len();
        if (1..=6).contains(&level) && line[level..].starts_with(' ') {
            let slug = github_slug(&line[level..]);
            let n: &mut usize = seen.entry(slug.clone()).or_default();
            anchors.insert(if *n == 0 {
                slug.clone()
            } else {
                format!("{slug}-{n}")
            });
            *n += 1;
        }
    }
    anchors
}

/// The targets of the Markdown links and images `[text](target)` outside code blocks that
/// point inside the repository (no scheme).
fn relative_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    for line in prose_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") && !target.is_empty() {
                links.push(target.to_string());
            }
            rest = &rest[end..];
        }
    }
    links
}

/// The README links to every guide in `docs/`, and every relative link of the README and
/// the guides reaches a file, and a heading of it when the link names one.
#[test]
fn readme_links_to_every_guide_and_each_link_resolves() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let readme = read(&root.join("README.md"));
    let mut guides: Vec<_> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    guides.sort();
    assert!(!guides.is_empty(), "no guide in docs/");
    let readme_links = relative_links(&readme);
    for guide in &guides {
        let name = format!("docs/{}", guide.file_name().unwrap().to_string_lossy());
        assert!(
            readme_links
                .iter()
                .any(|l| l.split('#').next() == Some(name.as_str())),
            "README.md does not link to {name}"
        );
    }
    let mut broken = Vec::new();
    for file in std::iter::once(root.join("README.md")).chain(guides) {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for link in relative_links(&read(&file)) {
            let (path, anchor) = match link.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                file.clone()
            } else {
                file.parent().expect("parent").join(path)
            };
            if !target.exists() {
                broken.push(format!("{shown}: ({link}): no such file"));
            } else if let Some(anchor) = anchor {
                if target.extension().is_none_or(|x| x != "md") {
                    broken.push(format!(
                        "{shown}: ({link}): an anchor into a non-Markdown file"
                    ));
                } else if !heading_anchors(&read(&target)).contains(anchor) {
                    broken.push(format!("{shown}: ({link}): no heading gives #{anchor}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// A missing file is named once, with its cause once (the library's message already holds
/// the cause; the binary must not print it a second time).
#[test]
fn a_missing_config_is_named_with_its_cause_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nowhere.toml");
    let out = custodes()
        .args(["audit", "--refs"])
        .arg(fixtures().join("shared_credential/refs"))
        .arg("--config")
        .arg(&missing)
        .arg(fixtures().join("shared_credential/events.jsonl"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("nowhere.toml: cannot read"), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}
