//! Reading the stderr destination: `log_line_prefix` as a pattern, and records made of a
//! prefixed line plus its continuation lines.
//!
//! PostgreSQL writes each record as `<prefix><SEVERITY>:  <message>`, and every newline
//! inside the message is followed by a TAB. The prefix is the server's `log_line_prefix`,
//! so the reader must be told it (`pgaudit.log_line_prefix`); this module compiles it into
//! a matcher. It must not guess a prefix it was not given: a line that does not match is a
//! reject, named as such.

use super::record::{known, parse_pg_ts, split_host_port, LogRecord};
use crate::source::decode::FieldError;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Escape(char),
    /// `%q`: non-session processes stop the prefix here.
    SessionOnly,
}

/// A compiled `log_line_prefix`.
#[derive(Debug, Clone)]
pub struct Prefix {
    parts: Vec<Part>,
    text: String,
}

/// Severities PostgreSQL writes after the prefix.
const SEVERITIES: &[&str] = &[
    "DEBUG1",
    "DEBUG2",
    "DEBUG3",
    "DEBUG4",
    "DEBUG5",
    "DEBUG",
    "INFO",
    "NOTICE",
    "WARNING",
    "ERROR",
    "LOG",
    "FATAL",
    "PANIC",
    "DETAIL",
    "HINT",
    "QUERY",
    "CONTEXT",
    "LOCATION",
    "STATEMENT",
];

/// Why a `log_line_prefix` cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrefixError {
    #[error("log_line_prefix `{text}` ends with a lone %")]
    LonePercent { text: String },
    #[error("log_line_prefix `{text}`: escape %{escape} is not supported (padding such as %-10u neither)")]
    Unsupported { text: String, escape: char },
    #[error("log_line_prefix `{text}` lacks {missing}: set e.g. log_line_prefix = '%m [%p] %c %l %u@%d %h app=[%a] ' on the server and here")]
    Lacks { text: String, missing: String },
}

impl Prefix {
    /// Compiles a prefix; it must let a record name its time, user and session.
    pub fn new(text: &str) -> Result<Prefix, PrefixError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                lit.push(c);
                continue;
            }
            // Padding (`%-10u`) makes widths depend on values; not worth reading.
            let e = chars.next().ok_or_else(|| PrefixError::LonePercent {
                text: text.to_string(),
            })?;
            if e == '%' {
                lit.push('%');
                continue;
            }
            if !"aubdrhpPtmnicslvxeqQ".contains(e) {
                return Err(PrefixError::Unsupported {
                    text: text.to_string(),
                    escape: e,
                });
            }
            if !lit.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut lit)));
            }
            parts.push(if e == 'q' {
                Part::SessionOnly
            } else {
                Part::Escape(e)
            });
        }
        if !lit.is_empty() {
            parts.push(Part::Literal(lit));
        }
        let has = |set: &str| {
            parts
                .iter()
                .any(|p| matches!(p, Part::Escape(e) if set.contains(*e)))
        };
        let mut missing = Vec::new();
        if !has("mtn") {
            missing.push("a time (%m, %t or %n)");
        }
        if !has("u") {
            missing.push("the user (%u)");
        }
        if !has("cp") {
            missing.push("the session (%c or %p)");
        }
        if !missing.is_empty() {
            return Err(PrefixError::Lacks {
                text: text.to_string(),
                missing: missing.join(", "),
            });
        }
        Ok(Prefix {
            parts,
            text: text.to_string(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Reads the prefix and severity of a line; `None` when the line does not start with
    /// this prefix (a continuation line, or a stranger's line).
    pub fn parse(&self, line: &str) -> Option<Result<LogRecord, FieldError>> {
        let full = self.parse_parts(line, &self.parts);
        let matched = full.or_else(|| {
            let cut = self.parts.iter().position(|p| *p == Part::SessionOnly)?;
            self.parse_parts(line, &self.parts[..cut])
        });
        let (values, rest) = matched?;
        let (severity, message) = split_severity(rest)?;
        let mut r = LogRecord {
            severity: severity.to_string(),
            message: message.to_string(),
            ..LogRecord::default()
        };
        for (e, v) in values {
            let v = v.to_string();
            match e {
                'a' => r.application_name = known(Some(v)),
                'u' => r.user = known(Some(v)),
                'd' => r.database = known(Some(v)),
                'h' => r.remote_host = known(Some(v)),
                'r' => (r.remote_host, r.remote_port) = split_host_port(&v),
                'p' => r.pid = v.parse().ok(),
                'c' => r.session_id = known(Some(v)),
                'v' => r.vxid = known(Some(v)),
                'e' => r.state_code = known(Some(v)).filter(|c| c != "00000"),
                'm' | 't' | 'n' => match parse_pg_ts(&v) {
                    Ok(ts) => r.ts = Some(ts),
                    Err(e) => return Some(Err(FieldError::new("timestamp", e))),
                },
                _ => {}
            }
        }
        Some(Ok(r))
    }

    /// Matches `parts` at the start of `line`: the escapes' values and the rest.
    fn parse_parts<'a>(
        &self,
        line: &'a str,
        parts: &[Part],
    ) -> Option<(Vec<(char, &'a str)>, &'a str)> {
        let mut values = Vec::new();
        let mut rest = line;
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Literal(l) => rest = rest.strip_prefix(l.as_str())?,
                Part::SessionOnly => {}
                Part::Escape(e) => {
                    let len = match e {
                        // Date, time and zone: three words (`2026-11-23 18:32:56.606 UTC`).
                        'm' | 't' | 's' => nth_space(rest, 3)?,
                        _ => match parts.get(i + 1) {
                            Some(Part::Literal(next)) => rest.find(next.as_str())?,
                            // Last escape, or one followed by another escape: one word.
                            _ => rest.find(' ').unwrap_or(rest.len()),
                        },
                    };
                    values.push((*e, &rest[..len]));
                    rest = &rest[len..];
                }
            }
        }
        Some((values, rest))
    }
}

/// The byte offset after `n` space-separated words.
fn nth_space(s: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b' ' {
            seen += 1;
            if seen == n {
                return Some(i);
            }
        }
    }
    (seen == n - 1 && !s.is_empty()).then_some(s.len())
}

/// `LOG:  AUDIT: …` -> (`LOG`, `AUDIT: …`).
fn split_severity(rest: &str) -> Option<(&str, &str)> {
    let (sev, msg) = rest.split_once(":  ")?;
    SEVERITIES.contains(&sev).then_some((sev, msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Prefix {
        Prefix::new("%m [%p] %c %l %u@%d %h app=[%a] ").unwrap()
    }

    #[test]
    fn reads_the_reference_prefix() {
        let line = "2026-11-23 18:32:56.629 UTC [5405] 6b0486d8.151d 3 officer_a@records 127.0.0.1 app=[RMS Desktop/4.2] LOG:  AUDIT: OBJECT,1,1,READ,SELECT,TABLE,public.persons,x,<none>,1";
        let r = sample().parse(line).unwrap().unwrap();
        assert_eq!(r.user.as_deref(), Some("officer_a"));
        assert_eq!(r.database.as_deref(), Some("records"));
        assert_eq!(r.session_id.as_deref(), Some("6b0486d8.151d"));
        assert_eq!(r.pid, Some(5405));
        assert_eq!(r.remote_host.as_deref(), Some("127.0.0.1"));
        assert_eq!(r.application_name.as_deref(), Some("RMS Desktop/4.2"));
        assert_eq!(r.severity, "LOG");
        assert!(r.message.starts_with("AUDIT: OBJECT,1,1"));
        assert_eq!(r.ts.unwrap().to_rfc3339(), "2026-11-23T18:32:56.629+00:00");
    }

    #[test]
    fn pre_authentication_lines_have_no_user() {
        let line = "2026-11-23 18:32:56.600 UTC [5403] 6b0486d8.151b 1 [unknown]@[unknown] 127.0.0.1 app=[[unknown]] LOG:  connection received: host=127.0.0.1 port=48402";
        let r = sample().parse(line).unwrap().unwrap();
        assert_eq!(r.user, None);
        assert_eq!(r.message, "connection received: host=127.0.0.1 port=48402");
    }

    #[test]
    fn continuation_and_foreign_lines_do_not_match() {
        assert!(sample().parse("\t       p.last_name, p.address").is_none());
        assert!(sample().parse("Segmentation fault (core dumped)").is_none());
    }

    #[test]
    fn q_ends_the_prefix_of_non_session_processes() {
        let p = Prefix::new("%m [%p] %q%c %u@%d ").unwrap();
        let r = p
            .parse("2026-11-23 18:32:33.580 UTC [4452] LOG:  starting PostgreSQL 15.18")
            .unwrap()
            .unwrap();
        assert_eq!(r.pid, Some(4452));
        assert_eq!(r.user, None);
    }

    #[test]
    fn prefixes_that_cannot_identify_a_record_are_refused() {
        let e = Prefix::new("%m [%p] ").unwrap_err().to_string();
        assert!(e.contains("the user (%u)"), "{e}");
        assert!(Prefix::new("%m %-10u %c ").is_err());
        assert!(Prefix::new("%m %u %c %").is_err());
    }

    #[test]
    fn a_bad_zone_is_an_error_naming_the_timestamp() {
        let line = "2026-11-23 18:32:56.629 CET [5405] 6b0486d8.151d 3 officer_a@records 127.0.0.1 app=[psql] LOG:  x";
        let e = sample().parse(line).unwrap().unwrap_err();
        assert_eq!(e.field, "timestamp");
    }
}
