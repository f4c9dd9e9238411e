//! The query-log event: one lookup (or login) as custodes sees it after decoding.
//!
//! Every reader produces this type and every detector consumes it; it mirrors §1 of the
//! data contract. It holds what the source said, untouched apart from timestamp
//! normalisation to UTC: identity normalisation happens later, in [`crate::identity`], so
//! that the evidence shown to an investigator is what the user actually typed.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// An event's text field: held inline up to 24 bytes (a login, an id, a plate, a date, a
/// case number), so that decoding a line allocates nothing for most of its fields and the
/// thread that frees the event frees nothing either. It reads as a `&str`.
pub type Text = compact_str::CompactString;

/// Where an event came from, for error messages and default ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The input file as given on the command line (or `-` for standard input); shared by
    /// every event of the file.
    pub file: Arc<str>,
    /// 1-based line (JSON lines, CSV) or row (Parquet, counting the header as line 1).
    pub line: u64,
}

/// The person a query was about, as typed. All fields are optional: sources carry
/// whatever the user entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Text>,
    /// A whole name when the source does not split it (`SMITH, JON A`, `Jon Smith`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plate: Option<Text>,
}

impl Subject {
    /// True when the query carried nothing that could identify a person.
    pub fn is_empty(&self) -> bool {
        self.person_id.is_none()
            && self.last_name.is_none()
            && self.first_name.is_none()
            && self.name.is_none()
            && self.dob.is_none()
            && self.address.is_none()
            && self.phone.is_none()
            && self.plate.is_none()
    }
}

/// The contract's event fields (§1), in the order custodes writes them: the one list the
/// writers below, the evidence packet's CSV and the tests that keep the decoder in step
/// are built from. A field added to the contract is added here first; the test
/// `contract_fields_are_what_the_writers_write` then names every writer that lacks it.
pub(crate) const CONTRACT_FIELDS: [&str; 20] = [
    "id",
    "ts",
    "user",
    "action",
    "system",
    "session",
    "client",
    "ip",
    "case_id",
    "purpose",
    "subject_person_id",
    "subject_last_name",
    "subject_first_name",
    "subject_name",
    "subject_dob",
    "subject_address",
    "subject_phone",
    "subject_plate",
    "result_count",
    "query_text",
];

/// One decoded query-log event (contract §1).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The source's id, or `<file>:<line>` when the source had none.
    pub id: Text,
    pub ts: DateTime<Utc>,
    pub user: Text,
    /// `query` when the source did not say.
    pub action: Text,
    pub system: Option<Text>,
    pub session: Option<Text>,
    pub client: Option<Text>,
    pub ip: Option<Text>,
    pub case_id: Option<Text>,
    pub purpose: Option<Text>,
    pub subject: Subject,
    pub result_count: Option<u64>,
    pub query_text: Option<Text>,
    /// Fields the contract does not name, kept as evidence.
    pub extra: Map<String, Value>,
    pub origin: Origin,
}

/// Event ids in the order they came, end to end in one buffer: a day's tally of a login
/// (`crate::baseline::tally`) and a store load's staged keys hold one per event, where a
/// string apiece cost an allocation and a free per event.
#[derive(Debug, Clone, Default)]
pub struct EventIds {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
}

impl EventIds {
    /// Appends `id`; its position.
    pub fn push(&mut self, id: &str) -> usize {
        self.text.push_str(id);
        self.ends.push(self.text.len());
        self.ends.len() - 1
    }

    /// The id at position `at`.
    pub fn get(&self, at: usize) -> Option<&str> {
        let end = *self.ends.get(at)?;
        let start = match at.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every id, in order, written out (an alert's `event_ids`).
    pub fn to_vec(&self) -> Vec<String> {
        (0..self.len())
            .filter_map(|at| self.get(at).map(str::to_string))
            .collect()
    }
}

/// Whether [`format_ts`] writes `ts` as RFC 3339 that reads back: a four-digit year.
/// Found by fuzzing: a log's year `-026` or `9999-12-31T23:30:00-01:00` became a
/// timestamp no contract reader accepts.
pub(crate) fn ts_is_writable(ts: &DateTime<Utc>) -> bool {
    (0..=9999).contains(&chrono::Datelike::year(ts))
}

/// Formats a timestamp the way every custodes output does: RFC 3339, UTC, `Z`.
pub fn format_ts(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Event {
    /// Puts the event in the contract's canonical form, the one a contract reader gives
    /// and [`Event::to_contract_json`] reads back as itself: strings trimmed, empty ones
    /// absent, an empty `action` is `query`, a `dob` that is plainly not a date absent.
    /// Readers that build events themselves
    /// (pgAudit, MariaDB) call it; before, an event with a padded user or statement
    /// changed when `custodes convert` output was read back (found by fuzzing).
    /// Errs with the field at fault and why: a required field (`user`, `id`) empty once
    /// trimmed, or a `ts` outside the years RFC 3339 can write (0000 to 9999 in UTC).
    pub(crate) fn canonicalise(&mut self) -> Result<(), (&'static str, &'static str)> {
        if !ts_is_writable(&self.ts) {
            return Err((
                "ts",
                "outside the years 0000 to 9999 (UTC) that RFC 3339 can write",
            ));
        }
        fn required(s: &mut Text, name: &'static str) -> Result<(), (&'static str, &'static str)> {
            if s.trim().len() != s.len() {
                *s = Text::from(s.trim());
            }
            if s.is_empty() {
                return Err((name, "empty (required)"));
            }
            Ok(())
        }
        fn optional(v: &mut Option<Text>) {
            if let Some(s) = v {
                let t = s.trim();
                if t.is_empty() {
                    *v = None;
                } else if t.len() != s.len() {
                    *v = Some(Text::from(t));
                }
            }
        }
        required(&mut self.id, "id")?;
        required(&mut self.user, "user")?;
        if required(&mut self.action, "action").is_err() {
            self.action = Text::const_new("query");
        }
        for v in [
            &mut self.system,
            &mut self.session,
            &mut self.client,
            &mut self.ip,
            &mut self.case_id,
            &mut self.purpose,
            &mut self.query_text,
        ] {
            optional(v);
        }
        let s = &mut self.subject;
        for v in [
            &mut s.person_id,
            &mut s.last_name,
            &mut s.first_name,
            &mut s.name,
            &mut s.dob,
            &mut s.address,
            &mut s.phone,
            &mut s.plate,
        ] {
            optional(v);
        }
        // The contract reader refuses a whole record for a `dob` that is plainly not a
        // date; a statement comparing `dob` with `'1902'` is still a lookup, so the value
        // leaves the subject (the reader's `subject_match` evidence keeps it) instead.
        if s.dob
            .as_deref()
            .is_some_and(|d| !crate::source::decode::looks_like_date(d))
        {
            s.dob = None;
        }
        Ok(())
    }

    /// The event as a contract JSON object (§1): the fields the source gave, subject
    /// fields flattened as `subject_*`, then the extra fields (which never override a
    /// contract field). Reading it back gives the same event, apart from its origin.
    pub fn to_contract_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
        };
        put("id", Some(self.id.as_str()));
        put("ts", Some(&format_ts(&self.ts)));
        put("user", Some(self.user.as_str()));
        put("action", Some(self.action.as_str()));
        put("system", self.system.as_deref());
        put("session", self.session.as_deref());
        put("client", self.client.as_deref());
        put("ip", self.ip.as_deref());
        put("case_id", self.case_id.as_deref());
        put("purpose", self.purpose.as_deref());
        let s = &self.subject;
        put("subject_person_id", s.person_id.as_deref());
        put("subject_last_name", s.last_name.as_deref());
        put("subject_first_name", s.first_name.as_deref());
        put("subject_name", s.name.as_deref());
        put("subject_dob", s.dob.as_deref());
        put("subject_address", s.address.as_deref());
        put("subject_phone", s.phone.as_deref());
        put("subject_plate", s.plate.as_deref());
        let count = self.result_count.map(|n| n.to_string());
        put("result_count", count.as_deref());
        put("query_text", self.query_text.as_deref());
        if let Some(n) = self.result_count {
            m.insert("result_count".into(), Value::from(n));
        }
        // `extra.subject` holds the nested subject's unknown keys (the known ones are
        // flattened above): written back as `subject`, it reads back as the same. Leaving it
        // out lost them in `custodes convert` (found by the `jsonl` fuzz harness).
        for (k, v) in &self.extra {
            if !m.contains_key(k) && (k != "subject" || v.is_object()) {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }

    /// [`Event::to_contract_json`] as text, byte for byte what
    /// `Value::Object(ev.to_contract_json()).to_string()` gives, written directly: the
    /// batch audit stores every event's JSON (`audit --db`), and building the map first
    /// (a copy of every field, then freed) cost a third of that.
    pub(crate) fn contract_json_text(&self) -> String {
        /// The object written so far and the keys in it.
        struct Obj {
            out: Vec<u8>,
            keys: Vec<&'static str>,
        }
        impl Obj {
            fn key(&mut self, k: &str) {
                self.out.push(if self.out.is_empty() { b'{' } else { b',' });
                write_json_str(&mut self.out, k);
                self.out.push(b':');
            }
            fn put(&mut self, k: &'static str, v: Option<&str>) {
                if let Some(v) = v {
                    self.key(k);
                    write_json_str(&mut self.out, v);
                    self.keys.push(k);
                }
            }
        }
        let mut o = Obj {
            out: Vec::with_capacity(384),
            keys: Vec::with_capacity(20),
        };
        let s = &self.subject;
        o.put("id", Some(self.id.as_str()));
        o.put("ts", Some(&format_ts(&self.ts)));
        o.put("user", Some(self.user.as_str()));
        o.put("action", Some(self.action.as_str()));
        o.put("system", self.system.as_deref());
        o.put("session", self.session.as_deref());
        o.put("client", self.client.as_deref());
        o.put("ip", self.ip.as_deref());
        o.put("case_id", self.case_id.as_deref());
        o.put("purpose", self.purpose.as_deref());
        o.put("subject_person_id", s.person_id.as_deref());
        o.put("subject_last_name", s.last_name.as_deref());
        o.put("subject_first_name", s.first_name.as_deref());
        o.put("subject_name", s.name.as_deref());
        o.put("subject_dob", s.dob.as_deref());
        o.put("subject_address", s.address.as_deref());
        o.put("subject_phone", s.phone.as_deref());
        o.put("subject_plate", s.plate.as_deref());
        if let Some(count) = self.result_count {
            // A number where `to_contract_json` puts one (it replaces the text in place).
            o.key("result_count");
            o.out.extend_from_slice(count.to_string().as_bytes());
            o.keys.push("result_count");
        }
        o.put("query_text", self.query_text.as_deref());
        for (k, v) in &self.extra {
            if !o.keys.contains(&k.as_str()) && (k != "subject" || v.is_object()) {
                o.key(k);
                // Writing a `Value` to memory cannot fail.
                let _ = serde_json::to_writer(&mut o.out, v);
            }
        }
        o.out.push(b'}');
        // Only JSON text was written, from `str`s: valid UTF-8.
        String::from_utf8(o.out).unwrap_or_default()
    }
}

/// A JSON string as serde_json escapes it.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    // Writing to memory cannot fail.
    let _ = serde_json::to_writer(out, s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_keep_each_id_in_order() {
        let mut ids = EventIds::default();
        assert!(ids.is_empty() && ids.get(0).is_none());
        for (n, id) in ["ev-1", "", "é-3", "ev-4"].iter().enumerate() {
            assert_eq!(ids.push(id), n);
        }
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.get(1), Some(""));
        assert_eq!(ids.get(2), Some("é-3"));
        assert_eq!(ids.get(4), None);
        assert_eq!(ids.to_vec(), ["ev-1", "", "é-3", "ev-4"]);
    }
    use proptest::prelude::*;
    use serde_json::json;

    fn decode_lines(text: &str) -> Vec<Event> {
        let mut rejects = crate::source::RejectSink::counting();
        let mut events = Vec::new();
        crate::source::jsonl::read_lines("t.jsonl", text.as_bytes(), &mut rejects, &mut |e| {
            events.push(e)
        })
        .expect("in-memory read");
        events
    }

    /// Every contract field set, each to a value naming it, and one extra field.
    fn every_field() -> String {
        let mut line = serde_json::Map::new();
        for f in CONTRACT_FIELDS {
            let v = match f {
                "ts" => json!("2024-05-14T09:30:00Z"),
                "subject_dob" => json!("1990-12-24"),
                "result_count" => json!(3),
                other => json!(format!("v-{other}")),
            };
            line.insert(f.to_string(), v);
        }
        line.insert("shift".into(), json!("night"));
        Value::Object(line).to_string()
    }

    /// The table and the writers cannot drift apart: an event holding every field writes
    /// exactly [`CONTRACT_FIELDS`], in that order, then its extra fields, through both
    /// writers; and the decoder reads every one of them back as a field of the event, not
    /// as an extra.
    #[test]
    fn contract_fields_are_what_the_writers_write() {
        let events = decode_lines(&every_field());
        let ev = &events[0];
        assert!(
            ev.extra.keys().eq(["shift"]),
            "decoded as extras: {:?}",
            ev.extra
        );
        let written: Vec<String> = ev.to_contract_json().keys().cloned().collect();
        let mut expected: Vec<String> = CONTRACT_FIELDS.iter().map(|f| f.to_string()).collect();
        expected.push("shift".into());
        assert_eq!(written, expected, "to_contract_json");
        let text: Map<String, Value> =
            serde_json::from_str(&ev.contract_json_text()).expect("contract_json_text is JSON");
        assert_eq!(
            text.keys().cloned().collect::<Vec<_>>(),
            expected,
            "contract_json_text"
        );
    }

    fn same_text(ev: &Event) {
        let expected = Value::Object(ev.to_contract_json()).to_string();
        assert_eq!(ev.contract_json_text(), expected);
    }

    /// Every event of the hand-made fixtures (nested subjects, whole names, extra fields,
    /// padding, counts) is written as the map would be.
    #[test]
    fn contract_json_text_is_the_maps_text_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seen = 0;
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|e| e == "jsonl") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    for ev in decode_lines(&text) {
                        same_text(&ev);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 100, "only {seen} fixture events");
    }

    proptest! {
        /// Any text in any field, extra fields (some named like known ones), a nested
        /// subject: the same bytes.
        #[test]
        fn contract_json_text_is_the_maps_text(
            user in "\\PC{1,8}",
            name in proptest::option::of(".{0,12}"),
            plate in proptest::option::of("[ -~\\n\"\\\\]{0,8}"),
            count in proptest::option::of(any::<u64>()),
            extra_key in "(system|subject|result_count|note|[a-z\u{e9}\"]{1,6})",
            extra_value in ".{0,10}",
        ) {
            let mut line = serde_json::json!({
                "ts": "2024-05-01T08:00:00+02:00",
                "user": user,
                "subject": {"last_name": name, "eye colour": "grey"},
                "subject_plate": plate,
            });
            if let Some(c) = count {
                line["result_count"] = Value::from(c);
            }
            line[extra_key.as_str()] = Value::from(extra_value);
            for ev in decode_lines(&format!("{line}\n")) {
                same_text(&ev);
            }
        }
    }
}
