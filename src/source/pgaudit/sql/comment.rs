//! sqlcommenter tags: `key='value'` pairs in a statement's comments (`/*case_id='C-1'*/`,
//! or a hand-written `-- case_id = C-1`), read from the tokens, so that an application can
//! say which case a statement was run for.
//!
//! Reads comments only; it must not look at the statement itself, and a comment that does
//! not look like tags is ignored, never an error.

use super::*;

/// Parses the inside of one comment (without /* */) as sqlcommenter key='value' pairs; None if it does not look like one.
///
/// Lenient on purpose: besides sqlcommenter's own `k='v',k2='v2'` output,
/// hand-written comments like `-- case_id = C-1 (see ticket)` are accepted.
/// An unquoted value ends at whitespace or a comma; words without `=` are
/// skipped.
pub(crate) fn parse_sqlcommenter(comment: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut chars = comment.trim().chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != '=' && *c != ',') {
            key.push(c);
        }
        let mut ahead = chars.clone();
        while ahead.next_if(|c| c.is_whitespace()).is_some() {}
        if key.is_empty() {
            // A stray `=`: consume it so the loop always advances.
            chars.next();
            continue;
        }
        if ahead.next_if_eq(&'=').is_none() || key.contains(['\'', '"', '(', ')']) {
            continue;
        }
        chars = ahead;
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        match chars.next_if(|c| *c == '\'' || *c == '"') {
            Some(quote) => {
                while let Some(c) = chars.next() {
                    if c == quote {
                        break;
                    }
                    if c == '\\' && chars.peek() == Some(&quote) {
                        value.push(quote);
                        chars.next();
                    } else {
                        value.push(c);
                    }
                }
            }
            None => {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != ',') {
                    value.push(c);
                }
            }
        }
        out.push((percent_decode(&key).to_lowercase(), percent_decode(&value)));
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

/// Invalid `%` sequences stay as they are: a hand-written `100%` is not an error.
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|h| hex_digit(*h));
            let lo = bytes.get(i + 2).and_then(|l| hex_digit(*l));
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Every sqlcommenter pair in the comments among `tokens`, in order.
pub(super) fn collect_tags(tokens: &[Token]) -> Vec<(String, String)> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Whitespace(Whitespace::MultiLineComment(c))
            | Token::Whitespace(Whitespace::SingleLineComment { comment: c, .. }) => {
                parse_sqlcommenter(c)
            }
            _ => None,
        })
        .flatten()
        .collect()
}
