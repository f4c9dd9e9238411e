//! Bound parameters as pgAudit logs them: a parameter that holds an array (`{A,"B C",NULL}`)
//! is flattened into its elements so that `col = ANY($1)` binds each of them.
//!
//! Only parses the one logged value handed to it; it must not guess at a value that is not
//! an array literal (that is `None`, and the caller keeps the text as one value).

/// A PostgreSQL array literal such as `{A,"B C",NULL}`, flattened; `None`
/// elements are NULLs. `None` when the text is not an array literal.
pub(super) fn parse_pg_array(s: &str) -> Option<Vec<Option<String>>> {
    let s = s.trim();
    // Optional dimension decoration: `[1:2]={a,b}`.
    let s = match s.strip_prefix('[') {
        Some(_) => s.split_once('=').map(|(_, rest)| rest.trim())?,
        None => s,
    };
    if !s.starts_with('{') || !s.ends_with('}') {
        return None;
    }
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars
            .next_if(|c| *c == '{' || *c == '}' || *c == ',' || c.is_whitespace())
            .is_some()
        {}
        let Some(first) = chars.next() else { break };
        if first == '"' {
            let mut v = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => v.extend(chars.next()),
                    c => v.push(c),
                }
            }
            out.push(Some(v));
        } else {
            let mut v = String::new();
            let mut c = first;
            loop {
                if c == '\\' {
                    v.extend(chars.next());
                } else {
                    v.push(c);
                }
                match chars.next_if(|c| *c != ',' && *c != '}') {
                    Some(next) => c = next,
                    None => break,
                }
            }
            let v = v.trim_end().to_string();
            out.push((!v.eq_ignore_ascii_case("null")).then_some(v));
        }
    }
    Some(out)
}
