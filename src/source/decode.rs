//! Turns one record (a JSON object, a CSV row, a Parquet row) into an [`Event`].
//!
//! Every reader funnels through [`decode_record`], so the rules for types, defaults and
//! timestamps are written once. Decoding never panics and never guesses: a value of the
//! wrong type or a timestamp without an explicit offset is an error naming the field, and
//! the caller sends the line to the reject sink.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::event::{Event, Origin, Subject, Text};

/// Why one record could not become an event. The reader adds file and line.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("field `{field}`: {problem}")]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// Runs `append` (a database reader's handling of one record) and brings the events it
/// appended into the contract's canonical form: every event leaves a reader that way.
pub(crate) fn canonical(
    out: &mut Vec<Event>,
    append: impl FnOnce(&mut Vec<Event>) -> Result<(), FieldError>,
) -> Result<(), FieldError> {
    let start = out.len();
    append(out)?;
    canonicalise_from(out, start)
}

/// Brings the events a database reader appended from `start` on into the contract's
/// canonical form (what the contract reader would make of their JSON); on a field that
/// cannot be, the record's events are withdrawn and the field is the record's error.
fn canonicalise_from(out: &mut Vec<Event>, start: usize) -> Result<(), FieldError> {
    for ev in out.iter_mut().skip(start) {
        if let Err((field, problem)) = ev.canonicalise() {
            out.truncate(start);
            return Err(FieldError::new(field, problem));
        }
    }
    Ok(())
}

/// Accepts RFC 3339 (with `T` or a space between date and time, any offset or `Z`).
/// A timestamp without an offset is refused: guessing a time zone would move every
/// query by hours and corrupt off-hours and ordering decisions.
pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty timestamp".into());
    }
    // RFC 3339, or ISO 8601 with a basic offset (`+0200`), which many log shippers write:
    // both state the offset, so nothing is guessed.
    let parsed = DateTime::parse_from_rfc3339(t)
        .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%z"));
    match parsed {
        Ok(dt) if crate::event::ts_is_writable(&dt.with_timezone(&Utc)) => {
            Ok(dt.with_timezone(&Utc))
        }
        Ok(_) => Err(format!(
            "`{}` falls outside the years 0000 to 9999 once in UTC",
            clip(t)
        )),
        Err(_) => {
            let looks_naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                || NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").is_ok();
            if looks_naive {
                Err(format!(
                    "timestamp `{}` has no UTC offset; write it as RFC 3339 with `Z` or `+hh:mm`",
                    clip(t)
                ))
            } else {
                Err(format!(
                    "`{}` is not an RFC 3339 timestamp (expected e.g. 2024-05-14T09:30:00Z)",
                    clip(t)
                ))
            }
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(57).collect();
        c.push_str("...");
        c
    }
}

/// A string field: strings are trimmed (empty means absent), numbers are accepted and
/// written as typed (ids and phone numbers often arrive as JSON numbers), anything else is
/// a type error.
fn opt_string(field: &str, v: FieldValue<'_>) -> Result<Option<Text>, FieldError> {
    let v = match v {
        FieldValue::Str(s) => {
            // Built from the borrowed text: a short value is held inline (no allocation),
            // and a long one owned by the line's decoder is taken as it is.
            let t = s.trim();
            return Ok(if t.is_empty() {
                None
            } else if t.len() == s.len() {
                Some(Text::from(s))
            } else {
                Some(Text::from(t))
            });
        }
        FieldValue::Object(_) => {
            return Err(FieldError::new(field, "expected a string, found an object"))
        }
        FieldValue::Json(v) => v,
    };
    match v {
        Value::Null => Ok(None),
        Value::String(s) => opt_string(field, FieldValue::Str(Cow::Owned(s))),
        Value::Number(n) => Ok(Some(Text::from(n.to_string()))),
        Value::Bool(_) => Err(FieldError::new(field, "expected a string, found a boolean")),
        Value::Array(_) => Err(FieldError::new(field, "expected a string, found an array")),
        Value::Object(_) => Err(FieldError::new(field, "expected a string, found an object")),
    }
}

fn opt_count(field: &str, v: FieldValue<'_>) -> Result<Option<u64>, FieldError> {
    let v = match v {
        FieldValue::Str(s) => Value::String(s.into_owned()),
        FieldValue::Object(_) => {
            return Err(FieldError::new(
                field,
                "expected an integer, found an object",
            ))
        }
        FieldValue::Json(v) => v,
    };
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| FieldError::new(field, format!("`{n}` is not a non-negative integer"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s.trim().parse::<u64>().map(Some).map_err(|_| {
            FieldError::new(
                field,
                format!("`{}` is not a non-negative integer", clip(&s)),
            )
        }),
        other => Err(FieldError::new(
            field,
            format!("expected an integer, found {}", type_name(&other)),
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The subject field a contract name refers to (`last_name`, `dob`...).
fn subject_slot<'s>(subject: &'s mut Subject, key: &str) -> Option<&'s mut Option<Text>> {
    Some(match key {
        "person_id" => &mut subject.person_id,
        "last_name" => &mut subject.last_name,
        "first_name" => &mut subject.first_name,
        "name" => &mut subject.name,
        "dob" => &mut subject.dob,
        "address" => &mut subject.address,
        "phone" => &mut subject.phone,
        "plate" => &mut subject.plate,
        _ => return None,
    })
}

/// A record's fields in input order. Keys and string values borrow from the input where
/// they can, so that the contract's field names and its strings cost no allocation until an
/// event keeps them; only unknown keys are copied.
pub(crate) type Fields<'a> = Vec<(Cow<'a, str>, FieldValue<'a>)>;

/// A field's value as read: a string (borrowed from the input when it holds no escape), a
/// nested object as its own fields (the contract's `subject`), anything else as JSON.
/// Building `serde_json::Value`s for every field cost a map and a copied key per nested
/// subject field and a string per timestamp, on every event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldValue<'a> {
    Str(Cow<'a, str>),
    Object(Fields<'a>),
    Json(Value),
}

impl FieldValue<'_> {
    /// The value as JSON, for [`Event::extra`]. A repeated key of a nested object keeps its
    /// last value, as a JSON map does.
    fn into_json(self) -> Value {
        match self {
            FieldValue::Str(s) => Value::String(s.into_owned()),
            FieldValue::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_json()))
                    .collect(),
            ),
            FieldValue::Json(v) => v,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            FieldValue::Str(_) => "a string",
            FieldValue::Object(_) => "an object",
            FieldValue::Json(v) => type_name(v),
        }
    }
}

impl From<Value> for FieldValue<'static> {
    fn from(v: Value) -> Self {
        match v {
            Value::String(s) => FieldValue::Str(Cow::Owned(s)),
            Value::Object(m) => FieldValue::Object(fields_from_map(m)),
            other => FieldValue::Json(other),
        }
    }
}

impl<'de> Deserialize<'de> for FieldValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(FieldValue::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldValue::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldValue::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(FieldValue::Json(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(FieldValue::Json(Value::Number(v.into())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(FieldValue::Json(Value::Number(v.into())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // As `serde_json::Value` reads it (JSON has no NaN or infinity).
                Ok(FieldValue::Json(
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
                ))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FieldValue::Json(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(FieldValue::Json(Value::Null))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                FieldValue::deserialize(d)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    items.push(v);
                }
                Ok(FieldValue::Json(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some((k, v)) = m.next_entry::<Key<'de>, FieldValue<'de>>()? {
                    fields.push((k.0, v));
                }
                Ok(FieldValue::Object(fields))
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON object read straight into [`Fields`], without building an intermediate map:
/// decoding is most of the cost of a batch audit.
pub(crate) struct JsonFields<'a>(pub Fields<'a>);

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for JsonFields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object per line")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<JsonFields<'de>, A::Error> {
                let mut fields = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some((k, v)) = m.next_entry::<Key<'de>, FieldValue<'de>>()? {
                    fields.push((k.0, v));
                }
                Ok(JsonFields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// Converts a JSON map (Parquet rows, nested objects) into [`Fields`].
pub(crate) fn fields_from_map(map: Map<String, Value>) -> Fields<'static> {
    map.into_iter()
        .map(|(k, v)| (Cow::Owned(k), FieldValue::from(v)))
        .collect()
}

/// Decodes one record. Whatever the contract does not name is kept in [`Event::extra`].
/// When a field appears twice the last one wins, as in a JSON object.
pub(crate) fn decode_record(fields: Fields<'_>, origin: Origin) -> Result<Event, FieldError> {
    let mut ts = None;
    let mut user = None;
    let mut id = None;
    let mut action = None;
    let mut system = None;
    let mut session = None;
    let mut client = None;
    let mut ip = None;
    let mut case_id = None;
    let mut purpose = None;
    let mut query_text = None;
    let mut result_count = None;
    let mut subject = Subject::default();
    let mut nested: Option<Fields<'_>> = None;
    let mut extra = Map::new();
    for (key, v) in fields {
        let k: &str = &key;
        match k {
            "ts" => {
                ts = match v {
                    FieldValue::Json(Value::Null) => None,
                    FieldValue::Str(s) => Some(parse_ts(&s).map_err(|p| FieldError::new("ts", p))?),
                    other => {
                        return Err(FieldError::new(
                            "ts",
                            format!("expected an RFC 3339 string, found {}", other.type_name()),
                        ))
                    }
                }
            }
            "user" => user = opt_string(k, v)?,
            "id" => id = opt_string(k, v)?,
            "action" => action = opt_string(k, v)?,
            "system" => system = opt_string(k, v)?,
            "session" => session = opt_string(k, v)?,
            "client" => client = opt_string(k, v)?,
            "ip" => ip = opt_string(k, v)?,
            "case_id" => case_id = opt_string(k, v)?,
            "purpose" => purpose = opt_string(k, v)?,
            "query_text" => query_text = opt_string(k, v)?,
            "result_count" => result_count = opt_count(k, v)?,
            "subject" => match v {
                FieldValue::Object(fields) => nested = Some(fields),
                FieldValue::Json(Value::Null) => {}
                other => {
                    return Err(FieldError::new(
                        "subject",
                        format!("expected an object, found {}", other.type_name()),
                    ))
                }
            },
            _ => {
                let short = k.strip_prefix("subject_").unwrap_or("");
                if subject_slot(&mut subject, short).is_some() {
                    let value = opt_string(k, v)?;
                    if let (Some(slot), Some(value)) = (subject_slot(&mut subject, short), value) {
                        *slot = Some(value);
                    }
                } else {
                    extra.insert(key.into_owned(), v.into_json());
                }
            }
        }
    }
    // Flat `subject_*` columns win over the nested object when both are given, because
    // flat columns are what CSV and Parquet exports carry.
    if let Some(mut map) = nested {
        // Read as a JSON map would give it: a repeated key's last value, keys in order.
        map.reverse();
        map.sort_by(|a, b| a.0.cmp(&b.0));
        map.dedup_by(|dropped, kept| dropped.0 == kept.0);
        let mut unknown = Map::new();
        for (k, v) in map {
            if subject_slot(&mut subject, &k).is_some() {
                // The field is named only when it is wrong: no string is built per field.
                let value = opt_string(&k, v).map_err(|e| FieldError {
                    field: format!("subject.{k}"),
                    ..e
                })?;
                if let Some(slot) = subject_slot(&mut subject, &k) {
                    if slot.is_none() {
                        *slot = value;
                    }
                }
            } else {
                unknown.insert(k.into_owned(), v.into_json());
            }
        }
        if !unknown.is_empty() {
            extra.insert("subject".into(), Value::Object(unknown));
        }
    }
    let ts = ts.ok_or_else(|| FieldError::new("ts", "missing (required)"))?;
    let user = user.ok_or_else(|| FieldError::new("user", "missing or empty (required)"))?;
    if let Some(dob) = &subject.dob {
        if !looks_like_date(dob) {
            return Err(FieldError::new(
                "subject_dob",
                format!("`{}` is not a date (expected YYYY-MM-DD)", clip(dob)),
            ));
        }
    }
    let id = id.unwrap_or_else(|| compact_str::format_compact!("{}:{}", origin.file, origin.line));
    Ok(Event {
        id,
        ts,
        user,
        action: action.unwrap_or_else(|| Text::const_new("query")),
        system,
        session,
        client,
        ip,
        case_id,
        purpose,
        subject,
        result_count,
        query_text,
        extra,
        origin,
    })
}

/// Contract dates are `YYYY-MM-DD`; people also type `MM/DD/YYYY` and similar, which the
/// identity normaliser understands. This only refuses values that are plainly not dates.
pub(crate) fn looks_like_date(s: &str) -> bool {
    // The normaliser first: it reads the contract's form without a format string to
    // interpret, and this runs for every typed date of birth.
    crate::identity::normalize::normalize_dob(s).is_some()
        || NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        || s.chars().filter(|c| c.is_ascii_digit()).count() >= 6
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn origin() -> Origin {
        Origin {
            file: "t.jsonl".into(),
            line: 7,
        }
    }

    fn obj(v: Value) -> Fields<'static> {
        match v {
            Value::Object(m) => fields_from_map(m),
            _ => Vec::new(),
        }
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let ev = decode_record(
            obj(json!({"ts": "2024-05-14T09:30:00-05:00", "user": "u1"})),
            origin(),
        )
        .expect("decodes");
        assert_eq!(crate::event::format_ts(&ev.ts), "2024-05-14T14:30:00Z");
        assert_eq!(ev.action, "query");
        for same in [
            "2024-05-14T16:30:00+02:00",
            "2024-05-14T16:30:00+0200",
            "2024-05-14 14:30:00Z",
            "2024-05-14T14:30:00.000z",
        ] {
            assert_eq!(
                parse_ts(same).map(|t| crate::event::format_ts(&t)),
                Ok("2024-05-14T14:30:00Z".to_string()),
                "{same}"
            );
        }
        assert_eq!(ev.id, "t.jsonl:7");
    }

    #[test]
    fn naive_and_unknown_timestamps_are_refused_by_field() {
        for bad in ["2024-05-14 09:30:00", "14/05/2024 09:30", "yesterday", ""] {
            let err = decode_record(obj(json!({"ts": bad, "user": "u1"})), origin()).unwrap_err();
            assert_eq!(err.field, "ts", "{bad}");
        }
        let err =
            decode_record(obj(json!({"ts": 1715678000, "user": "u1"})), origin()).unwrap_err();
        assert_eq!(err.field, "ts");
    }

    #[test]
    fn missing_required_fields_are_named() {
        let err = decode_record(obj(json!({"user": "u1"})), origin()).unwrap_err();
        assert_eq!(err.field, "ts");
        let err = decode_record(obj(json!({"ts": "2024-05-14T09:30:00Z"})), origin()).unwrap_err();
        assert_eq!(err.field, "user");
    }

    #[test]
    fn wrong_types_are_named() {
        let err = decode_record(
            obj(json!({"ts": "2024-05-14T09:30:00Z", "user": "u1", "result_count": "many"})),
            origin(),
        )
        .unwrap_err();
        assert_eq!(err.field, "result_count");
        let err = decode_record(
            obj(json!({"ts": "2024-05-14T09:30:00Z", "user": ["u1"]})),
            origin(),
        )
        .unwrap_err();
        assert_eq!(err.field, "user");
        let err = decode_record(
            obj(json!({"ts": "2024-05-14T09:30:00Z", "user": "u1", "subject": {"plate": true}})),
            origin(),
        )
        .unwrap_err();
        assert_eq!(err.field, "subject.plate");
    }

    #[test]
    fn nested_subject_and_unknown_fields_are_kept() {
        let ev = decode_record(
            obj(
                json!({"ts": "2024-05-14T09:30:00Z", "user": "u1", "terminal_room": "B2",
                "subject": {"last_name": "Varga", "dob": "1981-02-03", "eye_colour": "grey"},
                "subject_phone": 5550102030u64, "result_count": "3"}),
            ),
            origin(),
        )
        .expect("decodes");
        assert_eq!(ev.subject.last_name.as_deref(), Some("Varga"));
        assert_eq!(ev.subject.phone.as_deref(), Some("5550102030"));
        assert_eq!(ev.result_count, Some(3));
        assert_eq!(ev.extra.get("terminal_room"), Some(&json!("B2")));
        assert_eq!(
            ev.extra.get("subject"),
            Some(&json!({"eye_colour": "grey"}))
        );
    }
}
