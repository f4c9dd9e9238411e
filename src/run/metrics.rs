//! The figures of a batch audit in the Prometheus text format (0.0.4), for
//! node_exporter's textfile collector (`audit --metrics-file`): counts only, no logins or
//! names, so that the file can be read by monitoring that must not see personal data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::alert::sink::deliver::Delivered;
use crate::alert::Severity;
use crate::summary::InputStats;

/// The run's figures in the Prometheus text format (0.0.4) for node_exporter's textfile
/// collector: counts only, no logins or names.
pub fn prometheus(
    input: &InputStats,
    rejected_lines: u64,
    alerts: &BTreeMap<(String, String, Severity), u64>,
    delivered: &[Delivered],
    took: std::time::Duration,
    finished: chrono::DateTime<chrono::Utc>,
) -> String {
    let esc = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    };
    let mut o = String::new();
    let family = |o: &mut String, name: &str, kind: &str, help: &str| {
        let _ = writeln!(o, "# HELP {name} {help}");
        let _ = writeln!(o, "# TYPE {name} {kind}");
    };
    let plain = [
        (
            "custodes_audit_events_read",
            "Events decoded by the last audit run.",
            input.events_read,
        ),
        (
            "custodes_audit_events_rejected",
            "Events rejected by the last audit run (malformed, too late).",
            input.events_rejected,
        ),
        (
            "custodes_audit_rejected_lines",
            "Lines the last audit run wrote to its reject file (events and reference rows).",
            rejected_lines,
        ),
        (
            "custodes_audit_input_files",
            "Input files the last audit run read.",
            input.files,
        ),
        (
            "custodes_audit_reference_rows_rejected",
            "Reference rows rejected by the last audit run.",
            input.ref_rows_rejected,
        ),
    ];
    for (name, help, v) in plain {
        family(&mut o, name, "gauge", help);
        let _ = writeln!(o, "{name} {v}");
    }
    family(
        &mut o,
        "custodes_audit_alerts",
        "gauge",
        "Alerts the last audit run raised, by detector, kind and severity.",
    );
    for ((d, k, s), n) in alerts {
        let _ = writeln!(
            o,
            "custodes_audit_alerts{{detector=\"{}\",kind=\"{}\",severity=\"{}\"}} {n}",
            esc(d),
            esc(k),
            s.as_str()
        );
    }
    if !delivered.is_empty() {
        family(
            &mut o,
            "custodes_audit_sink_delivered",
            "gauge",
            "Alerts each sink delivered in the last audit run.",
        );
        for d in delivered {
            let n = match &d.result {
                Ok(n) => *n,
                Err(crate::alert::sink::deliver::SinkError::GaveUp { delivered, .. })
                | Err(crate::alert::sink::deliver::SinkError::Refused { delivered, .. }) => {
                    *delivered
                }
                Err(_) => 0,
            };
            let _ = writeln!(
                o,
                "custodes_audit_sink_delivered{{sink=\"{}\",type=\"{}\"}} {n}",
                esc(&d.name),
                d.kind
            );
        }
        family(
            &mut o,
            "custodes_audit_sink_failed",
            "gauge",
            "1 when the sink gave up during the last audit run.",
        );
        for d in delivered {
            let _ = writeln!(
                o,
                "custodes_audit_sink_failed{{sink=\"{}\",type=\"{}\"}} {}",
                esc(&d.name),
                d.kind,
                u8::from(d.result.is_err())
            );
        }
    }
    family(
        &mut o,
        "custodes_audit_duration_seconds",
        "gauge",
        "Wall-clock duration of the last audit run.",
    );
    let _ = writeln!(
        o,
        "custodes_audit_duration_seconds {:.3}",
        took.as_secs_f64()
    );
    family(
        &mut o,
        "custodes_audit_last_run_timestamp_seconds",
        "gauge",
        "When the last audit run finished (Unix time), to alert on a cron job that stopped.",
    );
    let _ = writeln!(
        o,
        "custodes_audit_last_run_timestamp_seconds {}",
        finished.timestamp()
    );
    o
}
