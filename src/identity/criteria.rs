//! What a query's own text says about whom it searched for: the criteria that message
//! formats spell out in `query_text` — NCIC and NLETS messages (`QW.NAM/CRUZ,WESLEY
//! B.DOB/04151956.SEX/M`, `RQ.LIC/946JSP.LIS/MO`) and `KEY=VALUE` searches (`MNI SEARCH
//! LN=CRUZ FN=WESLEY DOB=1956-04-15`, `PLATE=943 ZXE`).
//!
//! Sources split some criteria into the `subject_*` fields and leave others in the text:
//! a court's screening terminal logs the name it searched and keeps the date of birth in
//! the message only. That date says the visitor is not the colleague of the same name, so
//! the matcher must see it. [`completed`] fills the subject fields a source left empty
//! from the text; it never overrides a field the source gave, never makes a lookup of an
//! event that searched nobody, and leaves SQL alone (statements are the `pgaudit` and
//! MySQL sources' to read). The event itself is not changed: what was logged stays the
//! evidence.

use std::borrow::Cow;

use crate::event::{Subject, Text};

/// A criterion a message can carry, and the keys that name it (NCIC's three-letter
/// message field codes and the plain words search forms use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// A whole name, `LAST,FIRST MIDDLE` (NCIC `NAM`).
    Name,
    LastName,
    FirstName,
    Dob,
    Plate,
    Phone,
    PersonId,
    Address,
}

fn field_of(key: &str) -> Option<Field> {
    // Compared without case and without building an upper-case copy: this runs for
    // every key of every message.
    const NAMES: [(&str, Field); 28] = [
        ("NAM", Field::Name),
        ("NAME", Field::Name),
        ("LN", Field::LastName),
        ("LNAME", Field::LastName),
        ("LAST", Field::LastName),
        ("LAST_NAME", Field::LastName),
        ("LASTNAME", Field::LastName),
        ("SURNAME", Field::LastName),
        ("FN", Field::FirstName),
        ("FNAME", Field::FirstName),
        ("FIRST", Field::FirstName),
        ("FIRST_NAME", Field::FirstName),
        ("FIRSTNAME", Field::FirstName),
        ("GIVEN", Field::FirstName),
        ("DOB", Field::Dob),
        ("BIRTHDATE", Field::Dob),
        ("BIRTH_DATE", Field::Dob),
        ("DATE_OF_BIRTH", Field::Dob),
        ("LIC", Field::Plate),
        ("PLATE", Field::Plate),
        ("TAG", Field::Plate),
        ("LPN", Field::Plate),
        ("PHN", Field::Phone),
        ("PHONE", Field::Phone),
        ("TEL", Field::Phone),
        ("PID", Field::PersonId),
        ("PERSON_ID", Field::PersonId),
        ("PERSONID", Field::PersonId),
    ];
    const ADDRESS: [&str; 3] = ["ADR", "ADDR", "ADDRESS"];
    if ADDRESS.iter().any(|a| a.eq_ignore_ascii_case(key)) {
        return Some(Field::Address);
    }
    NAMES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|&(_, f)| f)
}

/// The subject an event searched for: `subject`, with the fields it leaves empty filled
/// from what `query_text` spells out (see the module's documentation). Borrowed when the
/// text adds nothing.
pub(crate) fn completed<'s>(subject: &'s Subject, query_text: Option<&str>) -> Cow<'s, Subject> {
    let Some(text) = query_text else {
        return Cow::Borrowed(subject);
    };
    if subject.is_empty() || !text.bytes().any(|b| b == b'/' || b == b'=') || is_sql(text) {
        return Cow::Borrowed(subject);
    }
    let mut out: Option<Subject> = None;
    for_each_criterion(text, |field, value| {
        if given(subject, field) {
            return;
        }
        let slot = slot(out.get_or_insert_with(|| subject.clone()), field);
        // The first value a message gives for a field is the one kept.
        if slot.is_none() {
            *slot = Some(value.into());
        }
    });
    out.map_or(Cow::Borrowed(subject), Cow::Owned)
}

/// Whether the source gave the field itself; a name given even in part (a surname alone)
/// is what was typed, and is not completed from another reading of it.
fn given(s: &Subject, field: Field) -> bool {
    match field {
        Field::Name | Field::LastName | Field::FirstName => {
            s.name.is_some() || s.last_name.is_some() || s.first_name.is_some()
        }
        Field::Dob => s.dob.is_some(),
        Field::Plate => s.plate.is_some(),
        Field::Phone => s.phone.is_some(),
        Field::PersonId => s.person_id.is_some(),
        Field::Address => s.address.is_some(),
    }
}

fn slot(s: &mut Subject, field: Field) -> &mut Option<Text> {
    match field {
        Field::Name => &mut s.name,
        Field::LastName => &mut s.last_name,
        Field::FirstName => &mut s.first_name,
        Field::Dob => &mut s.dob,
        Field::Plate => &mut s.plate,
        Field::Phone => &mut s.phone,
        Field::PersonId => &mut s.person_id,
        Field::Address => &mut s.address,
    }
}

/// A statement rather than a message: its `col='value'` pairs are not search criteria.
fn is_sql(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    [
        "SELECT", "UPDATE", "INSERT", "DELETE", "WITH", "MERGE", "CALL", "EXEC",
    ]
    .iter()
    .any(|w| first.eq_ignore_ascii_case(w))
}

/// Calls `found` with each `KEY/value` or `KEY=value` of the text whose key names a
/// criterion, its value trimmed ([`for_each_key_value`]).
fn for_each_criterion<'t>(text: &'t str, mut found: impl FnMut(Field, &'t str)) {
    for_each_key_value(text, |key, value| {
        if let Some(field) = field_of(key) {
            found(field, value);
        }
    });
}

/// Calls `found` with each `KEY/value` or `KEY=value` of the text, the key as written and
/// the value trimmed (never empty). A key is a word of letters (and `_`) at the start of
/// the text or after a space, `.`, `;`, `,` or `|`, directly followed by `/` or `=`; its
/// value runs to the next key (`DOB/4/15/56` keeps its slashes: `15` is no key). Nothing is
/// allocated: a key's value is handed over when the next key (or the end) is found.
pub(crate) fn for_each_key_value<'t>(text: &'t str, mut found: impl FnMut(&'t str, &'t str)) {
    let bytes = text.as_bytes();
    // The last key seen, and where its value starts.
    let mut pending: Option<(&'t str, usize)> = None;
    let mut emit = |pending: Option<(&'t str, usize)>, end: usize| {
        if let Some((key, value_start)) = pending {
            let value = text[value_start..end]
                .trim_end_matches(['.', ';', ',', '|'])
                .trim();
            if !value.is_empty() {
                found(key, value);
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0 || matches!(bytes[i - 1], b' ' | b'.' | b';' | b',' | b'|');
        if at_boundary && bytes[i].is_ascii_alphabetic() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_alphabetic() || bytes[j] == b'_') {
                j += 1;
            }
            if j - i <= 16 && j < bytes.len() && matches!(bytes[j], b'/' | b'=') {
                emit(pending.take(), i);
                pending = Some((&text[i..j], j + 1));
                i = j + 1;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    emit(pending, text.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject_name(name: &str) -> Subject {
        Subject {
            name: Some(name.into()),
            ..Subject::default()
        }
    }

    #[test]
    fn an_ncic_message_gives_the_date_of_birth_the_fields_left_out() {
        let s = subject_name("christina freeman");
        let got = completed(&s, Some("QW.NAM/FREEMAN,CHRISTINA.DOB/1985-11-14.SEX/F"));
        assert_eq!(got.dob.as_deref(), Some("1985-11-14"));
        // The name the source split out stays as it was typed.
        assert_eq!(got.name.as_deref(), Some("christina freeman"));
        let got = completed(&s, Some("QW.NAM/CRUZ,WESLEY B.DOB/4/15/56.SEX/M"));
        assert_eq!(got.dob.as_deref(), Some("4/15/56"));
    }

    #[test]
    fn key_value_searches_and_plates_with_spaces() {
        let s = Subject {
            plate: Some("943 ZXE".into()),
            ..Subject::default()
        };
        let got = completed(&s, Some("HOTLIST/HISTORY PLATE=943 ZXE OWNER=SMITH"));
        assert!(matches!(got, Cow::Borrowed(_)), "nothing to add: {got:?}");
        let s = Subject {
            last_name: Some("CASTRO".into()),
            ..Subject::default()
        };
        let got = completed(&s, Some("MNI SEARCH LN=CASTRO FN=ROSA DOB=1987-03-14"));
        assert_eq!(got.dob.as_deref(), Some("1987-03-14"));
        // A name the source gave in part is not completed from another reading of it.
        assert_eq!(got.first_name, None);
    }

    #[test]
    fn a_field_the_source_gave_is_never_overridden() {
        let s = Subject {
            name: Some("HAYES, EVELYN".into()),
            dob: Some("1981-04-13".into()),
            ..Subject::default()
        };
        let got = completed(&s, Some("QW.NAM/HAYES,EVELYN.DOB/04131982.SEX/F"));
        assert_eq!(got.dob.as_deref(), Some("1981-04-13"));
    }

    #[test]
    fn sql_unknown_keys_and_empty_subjects_add_nothing() {
        let s = subject_name("OBRIEN, SHARON");
        for text in [
            "UPDATE mni_person SET dob='1970-01-01' WHERE mni_id='M6528523'",
            "select * from people where dob=1970",
            "ANI/ALI LOOKUP (831)555-0115",
            "PREM HIST 27232 CO. RD. 433 DRY BRANCH",
            "DOB",
            "",
        ] {
            assert!(
                matches!(completed(&s, Some(text)), Cow::Borrowed(_)),
                "{text}"
            );
        }
        // An event that searched nobody stays a search of nobody.
        let nobody = Subject::default();
        let got = completed(&nobody, Some("QW.NAM/FREEMAN,CHRISTINA.DOB/1985-11-14"));
        assert!(got.is_empty());
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Keys and values written out (values of words and dashes, a second word or not,
        /// quoted or not) are read back in order, key as written and value whole.
        #[test]
        fn key_values_read_back_what_was_written(
            pairs in proptest::collection::vec(
                ("[A-Z][A-Z_]{0,7}", "[0-9-][A-Za-z0-9-]{0,9}( [0-9][A-Za-z0-9]{0,4})?", any::<bool>()),
                0..6,
            ),
            sep in prop_oneof![Just(" "), Just(","), Just(";"), Just("|")],
        ) {
            let text: Vec<String> = pairs
                .iter()
                .map(|(k, v, quoted)| if *quoted { format!("{k}='{v}'") } else { format!("{k}={v}") })
                .collect();
            let text = text.join(sep);
            let mut got = Vec::new();
            for_each_key_value(&text, |k, v| got.push((k.to_string(), v.to_string())));
            let want: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v, quoted)| (k.clone(), if *quoted { format!("'{v}'") } else { v.clone() }))
                .collect();
            prop_assert_eq!(got, want);
        }

        /// Whatever the text, the fields a source gave are kept as given, nothing is read
        /// into a subject that searched nobody, and a value read is one the text holds.
        #[test]
        fn completes_only_what_was_left_empty(
            text in r"[A-Za-z=/. ,;|0-9_#-]{0,60}",
            name in proptest::option::of("[A-Z]{1,8}"),
            dob in proptest::option::of("19[5-9][0-9]-0[1-9]-1[0-9]"),
        ) {
            let s = Subject { name: name.clone().map(Into::into), dob: dob.clone().map(Into::into), ..Subject::default() };
            let got = completed(&s, Some(&text));
            if s.is_empty() {
                prop_assert!(got.is_empty());
            }
            if name.is_some() {
                prop_assert_eq!(got.name.as_deref(), name.as_deref());
                prop_assert_eq!(&got.last_name, &None);
                prop_assert_eq!(&got.first_name, &None);
            }
            if dob.is_some() {
                prop_assert_eq!(got.dob.as_deref(), dob.as_deref());
            }
            let read = [
                (&s.dob, &got.dob),
                (&s.plate, &got.plate),
                (&s.phone, &got.phone),
                (&s.person_id, &got.person_id),
                (&s.address, &got.address),
            ];
            for (given, v) in read {
                if let (None, Some(v)) = (given, v) {
                    prop_assert!(text.contains(v.as_str()), "{:?} from {:?}", v, text);
                }
            }
        }
    }
}
