//! Analysis of one SQL text as a database audit log recorded it (PostgreSQL +
//! pgAudit, or MariaDB/MySQL in their dialect, see [`Dialect`]): which tables
//! it read or wrote, which people it searched for (through the configured
//! subject columns), which session settings it made (`SET`, `set_config`),
//! and which sqlcommenter tags its comments carried.
//!
//! This module only analyses the one text (and the logged parameter values)
//! handed to it. It must not read files, configuration, the environment or
//! clocks, and it keeps no state between calls: the caller owns all I/O and
//! builds the [`ColumnMap`]. Logged SQL is untrusted (truncated, malformed,
//! huge, hostile), so nothing here may panic or recurse without bound on
//! anything derived from the text.
//!
//! One file per mechanism: `comment.rs` (sqlcommenter tags), `params.rs` (bound-parameter
//! arrays), `depth.rs` (the nesting estimate before parsing, and `Depth`, the walk's
//! recursion guard), `walk.rs` (the AST walk), `scan.rs` (the literal scan when a text does not
//! parse), `tests.rs`; this file holds the public types and [`analyse_in`], which chooses
//! between the walk and the scan.

use std::collections::{HashMap, HashSet};

use sqlparser::ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

mod comment;
mod depth;
mod params;
mod scan;
#[cfg(test)]
mod tests;
mod walk;

use comment::*;
use depth::*;
use params::*;
use scan::*;
use walk::*;

/// Texts longer than this are only literal-scanned, on this many bytes:
/// parsing megabytes of SQL buys nothing for an audit and costs time.
const MAX_TEXT: usize = 1 << 20;
/// Our own walk stops descending here; sqlparser bounds its own recursion.
const MAX_DEPTH: usize = 64;
const MAX_CANDIDATES: usize = 64;
const MAX_CRITERIA: usize = 64;
/// Keeps a pathological IN list of variables from producing a huge report.
const MAX_UNRESOLVED: usize = 64;
/// sqlparser builds `a + b + c ...`, `x AND y AND ...`, `a[1][1]...` and
/// UNION chains as deep trees without counting recursion; tens of thousands
/// of levels overflow the stack when the tree is built, displayed or dropped.
/// Texts whose estimated nesting (see `nesting_overload`) exceeds this are
/// literal-scanned instead of parsed.
const MAX_NESTING: usize = 5000;
const MAX_REASON: usize = 160;
const MAX_RENDERED: usize = 200;
const CANDIDATE_LIMIT: &str = "candidate limit reached";
const UNRESOLVED_LIMIT: &str = "unresolved limit reached";

/// Functions that do not change which person is meant: `lower(last_name) =
/// lower($1)` still searches for `$1`.
const TRANSPARENT_FUNCTIONS: &[&str] = &["lower", "upper", "trim", "btrim", "ltrim", "rtrim"];

/// A contract subject field a configured column maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectField {
    PersonId,
    LastName,
    FirstName,
    Name,
    Dob,
    Address,
    Phone,
    Plate,
}

impl SubjectField {
    pub const ALL: [SubjectField; 8] = [
        SubjectField::PersonId,
        SubjectField::LastName,
        SubjectField::FirstName,
        SubjectField::Name,
        SubjectField::Dob,
        SubjectField::Address,
        SubjectField::Phone,
        SubjectField::Plate,
    ];

    pub fn parse(s: &str) -> Option<SubjectField> {
        SubjectField::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectField::PersonId => "person_id",
            SubjectField::LastName => "last_name",
            SubjectField::FirstName => "first_name",
            SubjectField::Name => "name",
            SubjectField::Dob => "dob",
            SubjectField::Address => "address",
            SubjectField::Phone => "phone",
            SubjectField::Plate => "plate",
        }
    }
}

#[derive(Debug, Clone)]
struct ColumnEntry {
    table: String,
    column: String,
    key: String,
    field: SubjectField,
}

/// Why a `subject_columns` setting cannot be used; each names the offending key or value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ColumnMapError {
    #[error("\"{key}\" is not table.column")]
    NotTableColumn { key: String },
    #[error("\"{value}\" is not a subject field (expected one of {expected}), for \"{key}\"")]
    NotSubjectField {
        value: String,
        key: String,
        expected: String,
    },
    #[error("\"{key}\" is configured twice, as {first} and as {second}")]
    Twice {
        key: String,
        first: &'static str,
        second: &'static str,
    },
}

/// `[pgaudit.subject_columns]`: "table.column" (table as logged, without schema) -> field.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    entries: Vec<ColumnEntry>,
}

impl ColumnMap {
    /// Errors name the offending key or value, e.g. `"persons" is not table.column` or `"person" is not a subject field (expected one of ...)`.
    pub fn new<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ColumnMap, ColumnMapError> {
        let mut out: Vec<ColumnEntry> = Vec::new();
        for (key, value) in entries {
            let key = key.trim();
            let mut parts = key.split('.').map(str::trim);
            let (table, column) = match (parts.next(), parts.next(), parts.next()) {
                (Some(t), Some(c), None) if !t.is_empty() && !c.is_empty() => {
                    (t.to_lowercase(), c.to_lowercase())
                }
                _ => {
                    return Err(ColumnMapError::NotTableColumn {
                        key: key.to_string(),
                    })
                }
            };
            let field = SubjectField::parse(value).ok_or_else(|| {
                let names: Vec<&str> = SubjectField::ALL.iter().map(|f| f.as_str()).collect();
                ColumnMapError::NotSubjectField {
                    value: value.to_string(),
                    key: key.to_string(),
                    expected: names.join(", "),
                }
            })?;
            if let Some(seen) = out.iter().find(|e| e.table == table && e.column == column) {
                if seen.field != field {
                    return Err(ColumnMapError::Twice {
                        key: key.to_string(),
                        first: seen.field.as_str(),
                        second: field.as_str(),
                    });
                }
                continue;
            }
            out.push(ColumnEntry {
                table,
                column,
                key: key.to_string(),
                field,
            });
        }
        Ok(ColumnMap { entries: out })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Field for a column of a table (both compared case-insensitively; a schema prefix on the table, like `public.persons`, is ignored).
    pub fn field(&self, table: &str, column: &str) -> Option<SubjectField> {
        let table = table.rsplit('.').next().unwrap_or(table);
        self.entry(&table.trim().to_lowercase(), &column.trim().to_lowercase())
            .map(|e| e.field)
    }

    /// Lower-case argument.
    fn has_table(&self, table: &str) -> bool {
        self.entries.iter().any(|e| e.table == table)
    }

    /// Both arguments already lower-case.
    fn entry(&self, table: &str, column: &str) -> Option<&ColumnEntry> {
        self.entries
            .iter()
            .find(|e| e.table == table && e.column == column)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    In,
    Like,
    ILike,
    Similar,
    Regex,
}

impl Op {
    fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::In => "IN",
            Op::Like => "LIKE",
            Op::ILike => "ILIKE",
            Op::Similar => "SIMILAR TO",
            Op::Regex => "~",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub field: SubjectField,
    /// The configured key it matched, e.g. "persons.last_name".
    pub column: String,
    pub op: Op,
    /// The value searched for, unescaped (quotes removed, `''` -> `'`, E'' escapes decoded, dollar quotes removed), after binding `$n`.
    pub value: String,
    /// True when the value is a pattern with wildcards (LIKE/ILIKE with unescaped % or _, SIMILAR TO, regex ~, ~*).
    pub wildcard: bool,
    /// `Some(n)` when the value came from placeholder `$n`.
    pub param: Option<usize>,
}

/// One person searched for: criteria that hold together (a conjunction).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Candidate {
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Lower-cased, e.g. "app.case_id".
    pub name: String,
    pub value: String,
    pub local: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementFacts {
    /// Upper-case verb: SELECT, INSERT, UPDATE, DELETE, COPY, SET, PREPARE, EXECUTE, ... ("" if unknown).
    pub command: String,
    /// Tables read or written, lower-case, without schema, deduplicated, in order of appearance (CTE names are NOT tables).
    pub tables: Vec<String>,
    /// People searched for (disjunction of conjunctions).
    pub candidates: Vec<Candidate>,
    /// `COPY ... TO` (a file or STDOUT), i.e. an export.
    pub copy_to: bool,
    /// `SET [LOCAL|SESSION] name = 'v'` / `SET name TO v`, and `set_config('name', 'v', is_local)` calls anywhere in the statement.
    pub settings: Vec<Setting>,
    /// Predicates on configured columns whose value could not be known, rendered as SQL text.
    pub unresolved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Parsed,
    LiteralScan { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub method: Method,
    /// One per statement in the text (a text may hold several: "A; B").
    pub statements: Vec<StatementFacts>,
    /// Key/value pairs from sqlcommenter-style comments anywhere in the text, decoded, in order.
    pub tags: Vec<(String, String)>,
}

/// The SQL dialect a text is read in: quoting, escapes, placeholders and `SET` differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Dialect {
    /// PostgreSQL: `$n` placeholders, `E''` escapes, `SET [LOCAL] name = value`.
    #[default]
    PostgreSql,
    /// MariaDB and MySQL: `?` placeholders (whose values their audit logs never carry),
    /// backslash escapes, backquoted names, `SET @var = value, @other = value`.
    MySql,
}

impl Dialect {
    fn sqlparser(self) -> Box<dyn sqlparser::dialect::Dialect> {
        match self {
            Dialect::PostgreSql => Box::new(PostgreSqlDialect {}),
            Dialect::MySql => Box::new(MySqlDialect {}),
        }
    }
}

/// `params` are the logged parameter values in order ($1 is params[0]); NULL and '' both arrive as "".
pub fn analyse(sql: &str, params: &[String], columns: &ColumnMap) -> Analysis {
    analyse_in(Dialect::PostgreSql, sql, params, columns)
}

/// [`analyse`] in a given dialect.
pub(crate) fn analyse_in(
    dialect: Dialect,
    sql: &str,
    params: &[String],
    columns: &ColumnMap,
) -> Analysis {
    let (text, oversized) = if sql.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while end > 0 && !sql.is_char_boundary(end) {
            end -= 1;
        }
        (sql.get(..end).unwrap_or(""), true)
    } else {
        (sql, false)
    };
    let parser_dialect = dialect.sqlparser();
    let tokens = tokenize_prefix(parser_dialect.as_ref(), text);
    let tags = collect_tags(&tokens);
    let mut analyzer = Analyzer::new(params, columns);
    let scan = |analyzer: &mut Analyzer, reason: String| Analysis {
        method: Method::LiteralScan { reason },
        statements: vec![analyzer.literal_scan(&tokens)],
        tags: tags.clone(),
    };
    if oversized {
        return scan(
            &mut analyzer,
            "text longer than 1 MiB; only its first 1 MiB was scanned".to_string(),
        );
    }
    if let Some(count) = nesting_overload(&tokens) {
        return scan(
            &mut analyzer,
            format!("expression nesting too deep to parse (about {count} levels)"),
        );
    }
    match Parser::parse_sql(parser_dialect.as_ref(), text) {
        Ok(statements) => Analysis {
            method: Method::Parsed,
            statements: statements
                .iter()
                .map(|s| analyzer.analyse_statement(s))
                .collect(),
            tags,
        },
        Err(e) => scan(&mut analyzer, truncate_chars(&e.to_string(), MAX_REASON)),
    }
}

/// On a tokenizer error (an unterminated quote in a truncated log line) the
/// tokens before the error are still worth scanning.
fn tokenize_prefix(dialect: &dyn sqlparser::dialect::Dialect, text: &str) -> Vec<Token> {
    let mut buf = Vec::new();
    // The error is deliberately dropped: whatever was tokenized is kept.
    let _ = Tokenizer::new(dialect, text).tokenize_with_location_into_buf(&mut buf);
    buf.into_iter().map(|t| t.token).collect()
}

fn literal_token(t: &Token) -> Option<String> {
    match t {
        Token::SingleQuotedString(s)
        | Token::EscapedStringLiteral(s)
        | Token::NationalStringLiteral(s)
        | Token::UnicodeStringLiteral(s)
        | Token::TripleSingleQuotedString(s)
        | Token::HexStringLiteral(s)
        | Token::SingleQuotedByteStringLiteral(s) => Some(s.clone()),
        Token::DollarQuotedString(d) => Some(d.value.clone()),
        Token::Number(n, _) => Some(n.clone()),
        _ => None,
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s.to_string(),
    }
}

fn render(e: &impl std::fmt::Display) -> String {
    truncate_chars(&e.to_string(), MAX_RENDERED)
}

/// True when a LIKE pattern has a `%` or `_` not preceded by the escape character.
fn like_has_wildcard(pattern: &str, escape: Option<char>) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            chars.next();
        } else if c == '%' || c == '_' {
            return true;
        }
    }
    false
}
