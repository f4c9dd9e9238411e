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

#[test]
fn fail_on_turns_serious_alerts_into_exit_1() {
    let t = fixtures().join("tricky");
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

#[test]
fn readme_configuration_block_is_the_default_config() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let section = readme
        .find("## Configuration")
        .expect("configuration section");
    let start =
        section + readme[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").expect("block end");
    let out = custodes().arg("config").assert().success();
    let printed = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(
        readme[start..end],
        printed,
        "README is stale: paste `custodes config`"
    );
}

/// A missing file is named once, with its cause once (the library's message already holds
/// the cause; the binary must not print it a second time).
#[test]
fn a_missing_config_is_named_with_its_cause_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nowhere.toml");
    let out = custodes()
        .args(["audit", "--refs"])
        .arg(fixtures().join("shared/refs"))
        .arg("--config")
        .arg(&missing)
        .arg(fixtures().join("shared/events.jsonl"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("nowhere.toml: cannot read"), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}
