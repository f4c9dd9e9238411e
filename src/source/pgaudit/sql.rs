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

use std::collections::{HashMap, HashSet};

use sqlparser::ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

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

/// `[pgaudit.subject_columns]`: "table.column" (table as logged, without schema) -> field.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    entries: Vec<ColumnEntry>,
}

impl ColumnMap {
    /// Errors name the offending key or value, e.g. `"persons" is not table.column` or `"person" is not a subject field (expected one of ...)`.
    pub fn new<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ColumnMap, String> {
        let mut out: Vec<ColumnEntry> = Vec::new();
        for (key, value) in entries {
            let key = key.trim();
            let mut parts = key.split('.').map(str::trim);
            let (table, column) = match (parts.next(), parts.next(), parts.next()) {
                (Some(t), Some(c), None) if !t.is_empty() && !c.is_empty() => {
                    (t.to_lowercase(), c.to_lowercase())
                }
                _ => return Err(format!("\"{key}\" is not table.column")),
            };
            let field = SubjectField::parse(value).ok_or_else(|| {
                let names: Vec<&str> = SubjectField::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "\"{value}\" is not a subject field (expected one of {}), for \"{key}\"",
                    names.join(", ")
                )
            })?;
            if let Some(seen) = out.iter().find(|e| e.table == table && e.column == column) {
                if seen.field != field {
                    return Err(format!(
                        "\"{key}\" is configured twice, as {} and as {}",
                        seen.field.as_str(),
                        field.as_str()
                    ));
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
pub enum Dialect {
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
pub fn analyse_in(dialect: Dialect, sql: &str, params: &[String], columns: &ColumnMap) -> Analysis {
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

/// Parses the inside of one comment (without /* */) as sqlcommenter key='value' pairs; None if it does not look like one.
///
/// Lenient on purpose: besides sqlcommenter's own `k='v',k2='v2'` output,
/// hand-written comments like `-- case_id = C-1 (see ticket)` are accepted.
/// An unquoted value ends at whitespace or a comma; words without `=` are
/// skipped.
pub fn parse_sqlcommenter(comment: &str) -> Option<Vec<(String, String)>> {
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
fn percent_decode(s: &str) -> String {
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

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
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

fn collect_tags(tokens: &[Token]) -> Vec<(String, String)> {
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

/// An upper bound on how deep sqlparser's expression trees for the text can
/// get, if above the limit.
///
/// Within one comma-separated segment of one parenthesis level, operators
/// chain (`a + b + c` nests once per operator); a parenthesised operand adds
/// its own depth; commas end a chain (list items are siblings). Set
/// operations chain across commas, so they are counted per statement.
/// Subscripts chain too (`a[1][1]`), so `[` counts as an operator.
fn nesting_overload(tokens: &[Token]) -> Option<usize> {
    #[derive(Default)]
    struct Level {
        /// Operators in the current segment.
        ops: usize,
        /// Deepest closed parenthesis in the current segment.
        inner: usize,
        /// Deepest finished segment.
        best: usize,
    }
    let mut stack = vec![Level::default()];
    // Sum of `ops + inner` over the open levels, kept incrementally so that
    // deep nesting stays linear.
    let mut path = 0usize;
    let mut set_ops = 0usize;
    let mut worst = 0usize;
    for t in tokens {
        let is_operator = match t {
            Token::LParen => {
                stack.push(Level::default());
                false
            }
            Token::LBracket => {
                if let Some(top) = stack.last_mut() {
                    top.ops += 1;
                    path += 1;
                }
                stack.push(Level::default());
                false
            }
            Token::RParen | Token::RBracket => {
                // An unmatched `)` at the top level is ignored.
                let child = if stack.len() > 1 { stack.pop() } else { None };
                if let Some(child) = child {
                    let current = child.ops + child.inner;
                    path = path.saturating_sub(current);
                    if let Some(top) = stack.last_mut() {
                        let value = child.best.max(current);
                        if value > top.inner {
                            path += value - top.inner;
                            top.inner = value;
                        }
                    }
                }
                false
            }
            Token::Comma => {
                if let Some(top) = stack.last_mut() {
                    let current = top.ops + top.inner;
                    top.best = top.best.max(current);
                    path = path.saturating_sub(current);
                    top.ops = 0;
                    top.inner = 0;
                }
                false
            }
            Token::SemiColon => {
                stack.clear();
                stack.push(Level::default());
                path = 0;
                set_ops = 0;
                false
            }
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT
                ) =>
            {
                set_ops += 1;
                worst = worst.max(set_ops);
                false
            }
            Token::Word(w) => matches!(
                w.keyword,
                Keyword::AND
                    | Keyword::OR
                    | Keyword::NOT
                    | Keyword::IS
                    | Keyword::LIKE
                    | Keyword::ILIKE
                    | Keyword::SIMILAR
                    | Keyword::COLLATE
                    | Keyword::AT
                    | Keyword::BETWEEN
                    | Keyword::IN
                    | Keyword::ESCAPE
                    | Keyword::OVERLAPS
                    | Keyword::DIV
                    | Keyword::XOR
            ),
            Token::Whitespace(_) | Token::Period | Token::EOF | Token::Placeholder(_) => false,
            t => literal_token(t).is_none(),
        };
        if let (true, Some(top)) = (is_operator, stack.last_mut()) {
            top.ops += 1;
            path += 1;
        }
        worst = worst.max(path);
    }
    (worst > MAX_NESTING).then_some(worst)
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

/// A PostgreSQL array literal such as `{A,"B C",NULL}`, flattened; `None`
/// elements are NULLs. `None` when the text is not an array literal.
fn parse_pg_array(s: &str) -> Option<Vec<Option<String>>> {
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

/// Disjunctive normal form: each candidate is a conjunction; empty means
/// "nothing known", which is neutral under AND.
type Dnf = Vec<Candidate>;

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

fn same_candidate(a: &Candidate, b: &Candidate) -> bool {
    a.criteria.len() == b.criteria.len() && a.criteria.iter().all(|c| b.criteria.contains(c))
}

/// What a value expression turned out to be.
enum Val {
    Known {
        value: String,
        param: Option<usize>,
    },
    /// NULL or a boolean: never a search for a person.
    Ignore,
    /// Another column: a join condition, not a search.
    Column,
    Unknown,
}

enum ColumnRef<'c> {
    Configured(&'c ColumnEntry),
    Other,
    Unknown,
}

/// One FROM item as seen by column references.
struct Source {
    /// Alias, or the table name when there is none; "" for an unaliased subquery.
    name: String,
    /// The configured tables behind it (several for a CTE or subquery).
    /// Others are left out: only these can resolve a column, and keeping the
    /// list short keeps resolution cheap on huge FROM lists.
    tables: Vec<String>,
}

#[derive(Default)]
struct Scope<'p> {
    sources: Vec<Source>,
    /// First source of each name, and first source reading each configured
    /// table: a FROM list can be long, and every column reference looks here.
    by_name: HashMap<String, usize>,
    by_table: HashMap<String, usize>,
    /// Sources with configured tables, in FROM order.
    configured: Vec<usize>,
    ctes: HashMap<String, Vec<String>>,
    parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    fn child(parent: &'p Scope<'p>) -> Scope<'p> {
        Scope {
            parent: Some(parent),
            ..Scope::default()
        }
    }

    fn with_sources(sources: Vec<Source>, parent: &'p Scope<'p>) -> Scope<'p> {
        let mut scope = Scope::child(parent);
        for (i, src) in sources.iter().enumerate() {
            if !src.name.is_empty() {
                scope.by_name.entry(src.name.clone()).or_insert(i);
            }
            for t in &src.tables {
                scope.by_table.entry(t.clone()).or_insert(i);
            }
            if !src.tables.is_empty() {
                scope.configured.push(i);
            }
        }
        scope.sources = sources;
        scope
    }

    fn levels(&self) -> impl Iterator<Item = &Scope<'p>> {
        std::iter::successors(Some(self), |s| s.parent)
    }

    fn cte(&self, name: &str) -> Option<&[String]> {
        self.levels()
            .find_map(|l| l.ctes.get(name))
            .map(Vec::as_slice)
    }
}

fn ident_lower(i: &ast::Ident) -> String {
    i.value.to_lowercase()
}

fn object_parts(name: &ast::ObjectName) -> Vec<&ast::Ident> {
    name.0.iter().filter_map(|p| p.as_ident()).collect()
}

fn last_part_lower(name: &ast::ObjectName) -> Option<String> {
    name.0.last().and_then(|p| p.as_ident()).map(ident_lower)
}

fn function_name(f: &ast::Function) -> String {
    last_part_lower(&f.name).unwrap_or_default()
}

fn function_args(f: &ast::Function) -> Vec<&ast::Expr> {
    match &f.args {
        ast::FunctionArguments::List(list) => arg_exprs(&list.args),
        _ => Vec::new(),
    }
}

fn arg_exprs(args: &[ast::FunctionArg]) -> Vec<&ast::Expr> {
    args.iter()
        .filter_map(|a| match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))
            | ast::FunctionArg::Named {
                arg: ast::FunctionArgExpr::Expr(e),
                ..
            }
            | ast::FunctionArg::ExprNamed {
                arg: ast::FunctionArgExpr::Expr(e),
                ..
            } => Some(e),
            _ => None,
        })
        .collect()
}

/// Operands of a chain of the same binary operator, in text order, without
/// recursion: sqlparser builds such chains left-deep and they can be long.
fn flatten<'e>(e: &'e ast::Expr, op: &ast::BinaryOperator) -> Vec<&'e ast::Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        match x {
            ast::Expr::BinaryOp { left, op: o, right } if o == op => {
                stack.push(right);
                stack.push(left);
            }
            ast::Expr::Nested(inner) if matches!(inner.as_ref(), ast::Expr::BinaryOp { op: o, .. } if o == op) =>
            {
                stack.push(inner);
            }
            other => out.push(other),
        }
    }
    out
}

/// `(a, b)` or `ROW(a, b)`.
fn row_items(e: &ast::Expr) -> Option<Vec<&ast::Expr>> {
    match e {
        ast::Expr::Tuple(items) => Some(items.iter().collect()),
        ast::Expr::Function(f) if function_name(f) == "row" => Some(function_args(f)),
        _ => None,
    }
}

fn select_item_expr(item: &ast::SelectItem) -> Option<&ast::Expr> {
    match item {
        ast::SelectItem::UnnamedExpr(e)
        | ast::SelectItem::ExprWithAlias { expr: e, .. }
        | ast::SelectItem::ExprWithAliases { expr: e, .. } => Some(e),
        _ => None,
    }
}

fn join_condition(op: &ast::JoinOperator) -> Option<&ast::Expr> {
    use ast::JoinOperator as J;
    let constraint = match op {
        J::Join(c)
        | J::Inner(c)
        | J::Left(c)
        | J::LeftOuter(c)
        | J::Right(c)
        | J::RightOuter(c)
        | J::FullOuter(c)
        | J::CrossJoin(c)
        | J::Semi(c)
        | J::LeftSemi(c)
        | J::RightSemi(c)
        | J::Anti(c)
        | J::LeftAnti(c)
        | J::RightAnti(c)
        | J::StraightJoin(c)
        | J::AsOf { constraint: c, .. } => c,
        _ => return None,
    };
    match constraint {
        ast::JoinConstraint::On(e) => Some(e),
        _ => None,
    }
}

/// Direct sub-expressions, for the walk that only looks for subqueries and
/// `set_config` calls.
fn children(e: &ast::Expr) -> Vec<&ast::Expr> {
    use ast::Expr as E;
    match e {
        E::IsFalse(x)
        | E::IsNotFalse(x)
        | E::IsTrue(x)
        | E::IsNotTrue(x)
        | E::IsNull(x)
        | E::IsNotNull(x)
        | E::IsUnknown(x)
        | E::IsNotUnknown(x)
        | E::UnaryOp { expr: x, .. }
        | E::Cast { expr: x, .. }
        | E::Convert { expr: x, .. }
        | E::Extract { expr: x, .. }
        | E::Ceil { expr: x, .. }
        | E::Floor { expr: x, .. }
        | E::Collate { expr: x, .. }
        | E::Nested(x)
        | E::Named { expr: x, .. }
        | E::Prefixed { value: x, .. }
        | E::JsonAccess { value: x, .. }
        | E::CompoundFieldAccess { root: x, .. } => vec![x],
        E::IsDistinctFrom(a, b)
        | E::IsNotDistinctFrom(a, b)
        | E::AnyOp {
            left: a, right: b, ..
        }
        | E::AllOp {
            left: a, right: b, ..
        }
        | E::RLike {
            expr: a,
            pattern: b,
            ..
        }
        | E::Position { expr: a, r#in: b }
        | E::AtTimeZone {
            timestamp: a,
            time_zone: b,
        } => vec![a, b],
        E::BinaryOp { op, .. } => flatten(e, op),
        E::In { expr, target, .. } => {
            let mut v: Vec<&ast::Expr> = vec![expr];
            match target {
                ast::InTarget::List(l) => v.extend(l.iter()),
                ast::InTarget::Unnest(x) => v.push(x),
                _ => {}
            }
            v
        }
        E::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        E::Like {
            expr,
            pattern,
            escape_char,
            ..
        }
        | E::ILike {
            expr,
            pattern,
            escape_char,
            ..
        }
        | E::SimilarTo {
            expr,
            pattern,
            escape_char,
            ..
        } => {
            let mut v: Vec<&ast::Expr> = vec![expr, pattern];
            v.extend(escape_char.as_deref());
            v
        }
        E::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            let mut v: Vec<&ast::Expr> = vec![expr];
            v.extend(substring_from.as_deref());
            v.extend(substring_for.as_deref());
            v
        }
        E::Trim {
            expr,
            trim_what,
            trim_characters,
            ..
        } => {
            let mut v: Vec<&ast::Expr> = vec![expr];
            v.extend(trim_what.as_deref());
            v.extend(trim_characters.iter().flatten());
            v
        }
        E::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => {
            let mut v: Vec<&ast::Expr> = vec![expr, overlay_what, overlay_from];
            v.extend(overlay_for.as_deref());
            v
        }
        E::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let mut v: Vec<&ast::Expr> = Vec::new();
            v.extend(operand.as_deref());
            for c in conditions {
                v.push(&c.condition);
                v.push(&c.result);
            }
            v.extend(else_result.as_deref());
            v
        }
        E::Tuple(items) => items.iter().collect(),
        E::Array(a) => a.elem.iter().collect(),
        E::Interval(i) => vec![&i.value],
        E::Function(f) => function_args(f),
        _ => Vec::new(),
    }
}

struct Analyzer<'a> {
    params: &'a [String],
    columns: &'a ColumnMap,
    facts: StatementFacts,
    seen_tables: HashSet<String>,
    overflow: bool,
}

impl<'a> Analyzer<'a> {
    fn new(params: &'a [String], columns: &'a ColumnMap) -> Self {
        Analyzer {
            params,
            columns,
            facts: StatementFacts::default(),
            seen_tables: HashSet::new(),
            overflow: false,
        }
    }

    fn start(&mut self, command: String) {
        self.facts = StatementFacts {
            command,
            ..StatementFacts::default()
        };
        self.seen_tables.clear();
        self.overflow = false;
    }

    fn finish(&mut self, candidates: Dnf) -> StatementFacts {
        let mut facts = std::mem::take(&mut self.facts);
        facts.candidates = candidates;
        if self.overflow {
            facts.unresolved.push(CANDIDATE_LIMIT.to_string());
        }
        facts
    }

    fn analyse_statement(&mut self, s: &ast::Statement) -> StatementFacts {
        self.start(command_of(s));
        let root = Scope::default();
        let dnf = self.statement(s, &root, 0);
        self.finish(dnf)
    }

    fn add_table(&mut self, table: &str) {
        if !table.is_empty() && self.seen_tables.insert(table.to_string()) {
            self.facts.tables.push(table.to_string());
        }
    }

    /// Tables a FROM item can resolve columns through: configured ones only.
    fn configured_tables(&self, tables: impl IntoIterator<Item = String>) -> Vec<String> {
        dedup(tables.into_iter().filter(|t| self.columns.has_table(t)))
    }

    fn push_unresolved(&mut self, text: String) {
        let list = &mut self.facts.unresolved;
        if list.contains(&text) {
            return;
        }
        if list.len() < MAX_UNRESOLVED {
            list.push(text);
        } else if list.len() == MAX_UNRESOLVED {
            list.push(UNRESOLVED_LIMIT.to_string());
        }
    }

    fn push_candidate(&mut self, out: &mut Dnf, c: Candidate) {
        if c.criteria.is_empty() || out.iter().any(|o| same_candidate(o, &c)) {
            return;
        }
        if out.len() >= MAX_CANDIDATES {
            self.overflow = true;
            return;
        }
        out.push(c);
    }

    fn and(&mut self, a: Dnf, b: Dnf) -> Dnf {
        if a.is_empty() {
            return b;
        }
        if b.is_empty() {
            return a;
        }
        let mut out = Vec::new();
        for x in &a {
            for y in &b {
                let mut c = x.clone();
                for crit in &y.criteria {
                    if c.criteria.contains(crit) {
                        continue;
                    }
                    // Also bounds the quadratic cost of `a AND b AND ...`
                    // chains with thousands of terms.
                    if c.criteria.len() >= MAX_CRITERIA {
                        self.overflow = true;
                        break;
                    }
                    c.criteria.push(crit.clone());
                }
                self.push_candidate(&mut out, c);
            }
        }
        out
    }

    fn or(&mut self, mut a: Dnf, b: Dnf) -> Dnf {
        for c in b {
            self.push_candidate(&mut a, c);
        }
        a
    }

    fn single(
        &self,
        entry: &ColumnEntry,
        op: Op,
        value: String,
        param: Option<usize>,
        escape: Option<char>,
    ) -> Dnf {
        if value.is_empty() {
            // An empty value (or a NULL parameter, logged as "") names nobody.
            return Vec::new();
        }
        let wildcard = match op {
            Op::Eq | Op::In => false,
            Op::Similar | Op::Regex => true,
            Op::Like | Op::ILike => like_has_wildcard(&value, escape),
        };
        vec![Candidate {
            criteria: vec![Criterion {
                field: entry.field,
                column: entry.key.clone(),
                op,
                value,
                wildcard,
                param,
            }],
        }]
    }

    // ---- statements and queries ----

    fn statement(&mut self, s: &ast::Statement, scope: &Scope, depth: usize) -> Dnf {
        use ast::Statement as S;
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        match s {
            S::Query(q) => self.query(q, scope, depth).0,
            S::Insert(ins) => {
                if let ast::TableObject::TableName(name) = &ins.table {
                    if let Some(t) = last_part_lower(name) {
                        self.add_table(&t);
                    }
                }
                match &ins.source {
                    Some(q) => self.query(q, scope, depth).0,
                    None => Vec::new(),
                }
            }
            S::Update(u) => {
                let mut items: Vec<&ast::TableWithJoins> = vec![&u.table];
                if let Some(
                    ast::UpdateTableFromKind::BeforeSet(v) | ast::UpdateTableFromKind::AfterSet(v),
                ) = &u.from
                {
                    items.extend(v.iter());
                }
                let side: Vec<&ast::Expr> = u.assignments.iter().map(|a| &a.value).collect();
                self.filtered(&items, &side, &[u.selection.as_ref()], scope, depth)
                    .0
            }
            S::Delete(d) => {
                let mut items: Vec<&ast::TableWithJoins> = match &d.from {
                    ast::FromTable::WithFromKeyword(v) | ast::FromTable::WithoutKeyword(v) => {
                        v.iter().collect()
                    }
                };
                items.extend(d.using.iter().flatten());
                self.filtered(&items, &[], &[d.selection.as_ref()], scope, depth)
                    .0
            }
            S::Copy { source, to, .. } => {
                if *to {
                    self.facts.copy_to = true;
                }
                match source {
                    ast::CopySource::Table { table_name, .. } => {
                        if let Some(t) = last_part_lower(table_name) {
                            self.add_table(&t);
                        }
                        Vec::new()
                    }
                    ast::CopySource::Query(q) => self.query(q, scope, depth).0,
                }
            }
            S::Prepare { statement, .. } | S::Explain { statement, .. } => {
                self.statement(statement, scope, depth)
            }
            S::Set(set) => {
                self.set_statement(set, scope, depth);
                Vec::new()
            }
            S::Execute { parameters, .. } => {
                let mut acc = Vec::new();
                for p in parameters {
                    let d = self.generic(p, scope, depth);
                    acc = self.or(acc, d);
                }
                acc
            }
            S::Declare { stmts, .. } => {
                let mut acc = Vec::new();
                for q in stmts.iter().filter_map(|d| d.for_query.as_ref()) {
                    let d = self.query(q, scope, depth).0;
                    acc = self.or(acc, d);
                }
                acc
            }
            S::CreateTable(ct) => match &ct.query {
                Some(q) => {
                    if let Some(t) = last_part_lower(&ct.name) {
                        self.add_table(&t);
                    }
                    self.query(q, scope, depth).0
                }
                None => Vec::new(),
            },
            S::CreateView(cv) => self.query(&cv.query, scope, depth).0,
            S::Call(f) => self.function(f, scope, depth),
            _ => Vec::new(),
        }
    }

    fn set_statement(&mut self, set: &ast::Set, scope: &Scope, depth: usize) {
        let (name, values, local) = match set {
            ast::Set::SingleAssignment {
                scope: modifier,
                variable,
                values,
                ..
            } => {
                let name: Vec<String> = object_parts(variable)
                    .into_iter()
                    .map(ident_lower)
                    .collect();
                (
                    name.join("."),
                    values.iter().collect::<Vec<_>>(),
                    matches!(modifier, Some(ast::ContextModifier::Local)),
                )
            }
            ast::Set::SetTimeZone { local, value } => ("timezone".to_string(), vec![value], *local),
            // MySQL's `SET @a = 1, @b = 2`: each assignment is a setting of its own.
            ast::Set::MultipleAssignments { assignments } => {
                for a in assignments {
                    let one = ast::Set::SingleAssignment {
                        scope: a.scope,
                        hivevar: false,
                        variable: a.name.clone(),
                        values: vec![a.value.clone()],
                    };
                    self.set_statement(&one, scope, depth);
                }
                return;
            }
            _ => return,
        };
        let mut parts = Vec::new();
        for v in &values {
            match self.setting_value(v, scope, depth) {
                Some(text) => parts.push(text),
                None => {
                    self.push_unresolved(format!("SET {name} = {}", render(v)));
                    return;
                }
            }
        }
        self.facts.settings.push(Setting {
            name,
            value: parts.join(", "),
            local,
        });
    }

    fn setting_value(&self, e: &ast::Expr, scope: &Scope, depth: usize) -> Option<String> {
        match e {
            // PostgreSQL folds unquoted identifiers given as setting values.
            ast::Expr::Identifier(i) if i.quote_style.is_none() => Some(ident_lower(i)),
            ast::Expr::Identifier(i) => Some(i.value.clone()),
            ast::Expr::CompoundIdentifier(parts) => Some(
                parts
                    .iter()
                    .map(|i| {
                        if i.quote_style.is_none() {
                            ident_lower(i)
                        } else {
                            i.value.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            ast::Expr::Value(v) if matches!(v.value, ast::Value::Boolean(_)) => {
                Some(v.value.to_string())
            }
            // `SET @case_id = NULL` (MySQL) clears a variable: an empty value says so.
            ast::Expr::Value(v) if matches!(v.value, ast::Value::Null) => Some(String::new()),
            _ => match self.value(e, scope, depth) {
                Val::Known { value, .. } => Some(value),
                _ => None,
            },
        }
    }

    /// Returns the candidates and the real tables behind the query's output
    /// (so that `FROM (subquery) x` and CTE names can resolve `x.col`).
    fn query(&mut self, q: &ast::Query, parent: &Scope, depth: usize) -> (Dnf, Vec<String>) {
        if depth > MAX_DEPTH {
            return (Vec::new(), Vec::new());
        }
        let depth = depth + 1;
        let mut scope = Scope::child(parent);
        let mut dnf = Vec::new();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let name = ident_lower(&cte.alias.name);
                if with.recursive {
                    // The body of a recursive CTE names itself; that is not a table.
                    scope.ctes.insert(name.clone(), Vec::new());
                }
                let (d, tables) = self.query(&cte.query, &scope, depth);
                dnf = self.and(dnf, d);
                scope.ctes.insert(name, tables);
            }
        }
        let (d, tables) = self.set_expr(&q.body, &scope, depth);
        (self.and(dnf, d), tables)
    }

    fn set_expr(&mut self, e: &ast::SetExpr, scope: &Scope, depth: usize) -> (Dnf, Vec<String>) {
        use ast::SetExpr as X;
        if depth > MAX_DEPTH {
            return (Vec::new(), Vec::new());
        }
        let depth = depth + 1;
        match e {
            X::Select(s) => self.select(s, scope, depth),
            X::Query(q) => self.query(q, scope, depth),
            X::SetOperation { .. } => {
                // UNION chains are left-deep; walk them without recursion.
                let mut branches = Vec::new();
                let mut stack = vec![e];
                while let Some(x) = stack.pop() {
                    match x {
                        X::SetOperation { left, right, .. } => {
                            stack.push(right);
                            stack.push(left);
                        }
                        other => branches.push(other),
                    }
                }
                let mut dnf = Vec::new();
                let mut tables = Vec::new();
                for b in branches {
                    let (d, t) = self.set_expr(b, scope, depth);
                    dnf = self.or(dnf, d);
                    tables.extend(t);
                }
                (dnf, dedup(tables))
            }
            X::Values(values) => {
                let mut dnf = Vec::new();
                for row in &values.rows {
                    for v in row.iter() {
                        let d = self.generic(v, scope, depth);
                        dnf = self.or(dnf, d);
                    }
                }
                (dnf, Vec::new())
            }
            X::Insert(s) | X::Update(s) | X::Delete(s) | X::Merge(s) => {
                (self.statement(s, scope, depth), Vec::new())
            }
            X::Table(t) => {
                let name = t.table_name.as_ref().map(ident_lower).unwrap_or_default();
                if let Some(tables) = scope.cte(&name) {
                    return (Vec::new(), tables.to_vec());
                }
                self.add_table(&name);
                (Vec::new(), self.configured_tables([name]))
            }
        }
    }

    fn select(&mut self, s: &ast::Select, parent: &Scope, depth: usize) -> (Dnf, Vec<String>) {
        let items: Vec<&ast::TableWithJoins> = s.from.iter().collect();
        let side: Vec<&ast::Expr> = s.projection.iter().filter_map(select_item_expr).collect();
        self.filtered(
            &items,
            &side,
            &[s.selection.as_ref(), s.having.as_ref()],
            parent,
            depth,
        )
    }

    /// The common shape of SELECT, UPDATE and DELETE: FROM items (whose
    /// subqueries and ON conditions narrow the rows), filters that narrow
    /// them too, and side expressions (projection, assignments) whose
    /// subqueries are separate lookups.
    fn filtered(
        &mut self,
        items: &[&ast::TableWithJoins],
        side: &[&ast::Expr],
        filters: &[Option<&ast::Expr>],
        parent: &Scope,
        depth: usize,
    ) -> (Dnf, Vec<String>) {
        if depth > MAX_DEPTH {
            return (Vec::new(), Vec::new());
        }
        let depth = depth + 1;
        let mut sources = Vec::new();
        let mut ons = Vec::new();
        let mut dnf = Vec::new();
        for item in items {
            self.add_from_item(item, &mut sources, parent, &mut ons, &mut dnf, depth);
        }
        let tables = dedup(sources.iter().flat_map(|s| s.tables.iter().cloned()));
        let scope = Scope::with_sources(sources, parent);
        for f in ons.into_iter().chain(filters.iter().flatten().copied()) {
            let d = self.pred(f, &scope, depth);
            dnf = self.and(dnf, d);
        }
        for e in side {
            let d = self.generic(e, &scope, depth);
            dnf = self.or(dnf, d);
        }
        (dnf, tables)
    }

    fn add_from_item<'q>(
        &mut self,
        item: &'q ast::TableWithJoins,
        sources: &mut Vec<Source>,
        scope: &Scope,
        ons: &mut Vec<&'q ast::Expr>,
        dnf: &mut Dnf,
        depth: usize,
    ) {
        self.table_factor(&item.relation, sources, scope, ons, dnf, depth);
        for join in &item.joins {
            self.table_factor(&join.relation, sources, scope, ons, dnf, depth);
            ons.extend(join_condition(&join.join_operator));
        }
    }

    fn table_factor<'q>(
        &mut self,
        tf: &'q ast::TableFactor,
        sources: &mut Vec<Source>,
        scope: &Scope,
        ons: &mut Vec<&'q ast::Expr>,
        dnf: &mut Dnf,
        depth: usize,
    ) {
        use ast::TableFactor as T;
        if depth > MAX_DEPTH {
            return;
        }
        let depth = depth + 1;
        let alias_name =
            |alias: &Option<ast::TableAlias>| alias.as_ref().map(|a| ident_lower(&a.name));
        let walk = |this: &mut Self, exprs: Vec<&ast::Expr>, dnf: &mut Dnf| {
            for e in exprs {
                let d = this.generic(e, scope, depth);
                *dnf = this.and(std::mem::take(dnf), d);
            }
        };
        match tf {
            T::Table {
                name, alias, args, ..
            } => {
                if let Some(args) = args {
                    // `FROM f(...)`: a function, not a table.
                    walk(self, arg_exprs(&args.args), dnf);
                    return;
                }
                let Some(table) = last_part_lower(name) else {
                    return;
                };
                let qualifier = alias_name(alias).unwrap_or_else(|| table.clone());
                let cte = if name.0.len() == 1 {
                    scope.cte(&table)
                } else {
                    None
                };
                if let Some(tables) = cte {
                    sources.push(Source {
                        name: qualifier,
                        tables: tables.to_vec(),
                    });
                    return;
                }
                self.add_table(&table);
                sources.push(Source {
                    name: qualifier,
                    tables: self.configured_tables([table]),
                });
            }
            T::Derived {
                subquery, alias, ..
            } => {
                let (d, tables) = self.query(subquery, scope, depth);
                *dnf = self.and(std::mem::take(dnf), d);
                sources.push(Source {
                    name: alias_name(alias).unwrap_or_default(),
                    tables,
                });
            }
            T::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let start = sources.len();
                self.add_from_item(table_with_joins, sources, scope, ons, dnf, depth);
                if let Some(name) = alias_name(alias) {
                    let tables = dedup(
                        sources
                            .get(start..)
                            .unwrap_or_default()
                            .iter()
                            .flat_map(|s| s.tables.iter().cloned()),
                    );
                    sources.push(Source { name, tables });
                }
            }
            T::Function { args, .. } => walk(self, arg_exprs(args), dnf),
            T::TableFunction { expr, .. } => walk(self, vec![expr], dnf),
            T::UNNEST { array_exprs, .. } => walk(self, array_exprs.iter().collect(), dnf),
            _ => {}
        }
    }

    // ---- predicates ----

    fn pred(&mut self, e: &ast::Expr, scope: &Scope, depth: usize) -> Dnf {
        use ast::BinaryOperator as B;
        use ast::Expr as E;
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        match e {
            E::BinaryOp { op: B::And, .. } => {
                let mut acc = Vec::new();
                for part in flatten(e, &B::And) {
                    let d = self.pred(part, scope, depth);
                    acc = self.and(acc, d);
                }
                acc
            }
            E::BinaryOp { op: B::Or, .. } => {
                let mut acc = Vec::new();
                for part in flatten(e, &B::Or) {
                    let d = self.pred(part, scope, depth);
                    acc = self.or(acc, d);
                }
                acc
            }
            E::Nested(inner) => self.pred(inner, scope, depth),
            E::BinaryOp { left, op, right } => {
                let op = match op {
                    B::Eq => Op::Eq,
                    B::PGRegexMatch | B::PGRegexIMatch => Op::Regex,
                    B::PGLikeMatch => Op::Like,
                    B::PGILikeMatch => Op::ILike,
                    B::NotEq
                    | B::PGRegexNotMatch
                    | B::PGRegexNotIMatch
                    | B::PGNotLikeMatch
                    | B::PGNotILikeMatch => return self.discard(e, scope, depth),
                    _ => return self.generic(e, scope, depth),
                };
                self.compare(left, right, op, None, scope, depth)
            }
            E::IsNotDistinctFrom(left, right) => {
                self.compare(left, right, Op::Eq, None, scope, depth)
            }
            E::Like {
                negated: false,
                any,
                expr,
                pattern,
                escape_char,
            } => self.like(
                expr,
                pattern,
                *any,
                escape_char.as_deref(),
                Op::Like,
                scope,
                depth,
            ),
            E::ILike {
                negated: false,
                any,
                expr,
                pattern,
                escape_char,
            } => self.like(
                expr,
                pattern,
                *any,
                escape_char.as_deref(),
                Op::ILike,
                scope,
                depth,
            ),
            E::SimilarTo {
                negated: false,
                expr,
                pattern,
                ..
            } => self.compare(expr, pattern, Op::Similar, None, scope, depth),
            E::In {
                expr,
                target,
                negated: false,
                ..
            } => self.in_list(expr, target, scope, depth),
            E::AnyOp {
                left,
                compare_op: B::Eq,
                right,
                ..
            } => self.any(left, right, Op::In, None, scope, depth),
            E::Exists {
                subquery,
                negated: false,
            } => self.query(subquery, scope, depth).0,
            E::UnaryOp {
                op: ast::UnaryOperator::Not,
                ..
            }
            | E::Like { negated: true, .. }
            | E::ILike { negated: true, .. }
            | E::SimilarTo { negated: true, .. }
            | E::In { negated: true, .. }
            | E::Exists { negated: true, .. } => self.discard(e, scope, depth),
            _ => self.generic(e, scope, depth),
        }
    }

    /// A negated search is not a search for a person, but its subqueries
    /// still read tables and may still call `set_config`.
    fn discard(&mut self, e: &ast::Expr, scope: &Scope, depth: usize) -> Dnf {
        self.generic(e, scope, depth);
        Vec::new()
    }

    fn column_of(&self, e: &ast::Expr, scope: &Scope, depth: usize) -> Option<&'a ColumnEntry> {
        use ast::Expr as E;
        if depth > MAX_DEPTH {
            return None;
        }
        let depth = depth + 1;
        match e {
            E::Nested(x)
            | E::Cast { expr: x, .. }
            | E::Collate { expr: x, .. }
            | E::Trim { expr: x, .. } => self.column_of(x, scope, depth),
            E::Function(f) if TRANSPARENT_FUNCTIONS.contains(&function_name(f).as_str()) => {
                function_args(f)
                    .first()
                    .and_then(|x| self.column_of(x, scope, depth))
            }
            E::Identifier(i) => match self.resolve(std::slice::from_ref(i), scope) {
                ColumnRef::Configured(c) => Some(c),
                _ => None,
            },
            E::CompoundIdentifier(parts) => match self.resolve(parts, scope) {
                ColumnRef::Configured(c) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    fn resolve(&self, parts: &[ast::Ident], scope: &Scope) -> ColumnRef<'a> {
        let columns: &'a ColumnMap = self.columns;
        let Some(column) = parts.last().map(ident_lower) else {
            return ColumnRef::Unknown;
        };
        let in_source = |level: &Scope, i: usize| {
            level
                .sources
                .get(i)
                .and_then(|src| src.tables.iter().find_map(|t| columns.entry(t, &column)))
                .map_or(ColumnRef::Other, ColumnRef::Configured)
        };
        let Some(qualifier) = parts.iter().rev().nth(1).map(ident_lower) else {
            // Unqualified: the first table in scope (innermost first, then FROM
            // order) that has this column configured.
            for level in scope.levels() {
                for &i in &level.configured {
                    if let ColumnRef::Configured(c) = in_source(level, i) {
                        return ColumnRef::Configured(c);
                    }
                }
            }
            return ColumnRef::Unknown;
        };
        for level in scope.levels() {
            if let Some(&i) = level.by_name.get(&qualifier) {
                return in_source(level, i);
            }
        }
        // Lenient: a table named despite having an alias, or a reference
        // outside any FROM (RETURNING, PL/pgSQL) to a configured table.
        for level in scope.levels() {
            if let Some(&i) = level.by_table.get(&qualifier) {
                return in_source(level, i);
            }
        }
        match columns.entry(&qualifier, &column) {
            Some(c) => ColumnRef::Configured(c),
            None => ColumnRef::Unknown,
        }
    }

    /// `l op r` where one side may be a configured column and the other the
    /// value searched for.
    fn compare(
        &mut self,
        left: &ast::Expr,
        right: &ast::Expr,
        op: Op,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        let equality = matches!(op, Op::Eq | Op::In);
        let rows = if equality {
            (row_items(left), row_items(right))
        } else {
            (None, None)
        };
        if let (Some(ls), Some(rs)) = rows {
            if ls.len() != rs.len() {
                return Vec::new();
            }
            let mut acc = Vec::new();
            for (l, r) in ls.into_iter().zip(rs) {
                let d = self.compare(l, r, op, None, scope, depth);
                acc = self.and(acc, d);
            }
            return acc;
        }
        let lc = self.column_of(left, scope, depth);
        let rc = self.column_of(right, scope, depth);
        match (lc, rc) {
            (Some(_), Some(_)) => Vec::new(),
            (Some(entry), None) => self.criterion(entry, op, right, escape, scope, depth),
            (None, Some(entry)) if equality => {
                self.criterion(entry, op, left, escape, scope, depth)
            }
            _ => {
                let a = self.generic(left, scope, depth);
                let b = self.generic(right, scope, depth);
                self.or(a, b)
            }
        }
    }

    fn criterion(
        &mut self,
        entry: &ColumnEntry,
        op: Op,
        value: &ast::Expr,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        match self.value(value, scope, depth) {
            Val::Known { value, param } => {
                let escape = self.escape_char(escape, scope, depth);
                self.single(entry, op, value, param, escape)
            }
            Val::Ignore | Val::Column => Vec::new(),
            Val::Unknown => {
                let text = match op {
                    Op::In => format!("{} IN ({})", entry.key, render(value)),
                    op => format!("{} {} {}", entry.key, op.sql(), render(value)),
                };
                self.push_unresolved(text);
                self.generic(value, scope, depth)
            }
        }
    }

    fn escape_char(&self, escape: Option<&ast::Expr>, scope: &Scope, depth: usize) -> Option<char> {
        match escape {
            None => Some('\\'),
            Some(e) => match self.value(e, scope, depth) {
                Val::Known { value, .. } => value.chars().next(),
                _ => Some('\\'),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn like(
        &mut self,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        any: bool,
        escape: Option<&ast::Expr>,
        op: Op,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        if any {
            self.any(expr, pattern, op, escape, scope, depth)
        } else {
            self.compare(expr, pattern, op, escape, scope, depth)
        }
    }

    fn in_list(
        &mut self,
        expr: &ast::Expr,
        target: &ast::InTarget,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        match target {
            ast::InTarget::List(items) => {
                let row = row_items(expr).is_some();
                let entry = self.column_of(expr, scope, depth);
                if !row && entry.is_none() {
                    return self.generic_all(std::iter::once(expr).chain(items), scope, depth);
                }
                let mut acc = Vec::new();
                for item in items {
                    let d = match entry {
                        Some(entry) if !row => {
                            self.criterion(entry, Op::In, item, None, scope, depth)
                        }
                        _ => self.compare(expr, item, Op::In, None, scope, depth),
                    };
                    acc = self.or(acc, d);
                }
                acc
            }
            ast::InTarget::Subquery(q) => self.subquery_values(expr, q, "IN", scope, depth),
            ast::InTarget::Unnest(array) => self.any(expr, array, Op::In, None, scope, depth),
            ast::InTarget::Table { .. } => Vec::new(),
        }
    }

    /// `col IN (SELECT ...)` / `col = ANY(SELECT ...)`: the subquery's own
    /// searches count; the value compared is unknown unless it had some.
    fn subquery_values(
        &mut self,
        expr: &ast::Expr,
        q: &ast::Query,
        how: &str,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        let d = self.query(q, scope, depth).0;
        if d.is_empty() {
            if let Some(entry) = self.column_of(expr, scope, depth) {
                self.push_unresolved(format!("{} {how} ({})", entry.key, render(q)));
            }
        }
        d
    }

    /// `col = ANY(list)` and `col LIKE ANY(list)`: one candidate per element.
    fn any(
        &mut self,
        expr: &ast::Expr,
        list: &ast::Expr,
        op: Op,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        let mut inner = list;
        while let ast::Expr::Nested(x) = inner {
            inner = x;
        }
        if let ast::Expr::Subquery(q) = inner {
            return self.subquery_values(expr, q, "= ANY", scope, depth);
        }
        let Some(entry) = self.column_of(expr, scope, depth) else {
            return self.generic_all([expr, list], scope, depth);
        };
        let escape = self.escape_char(escape, scope, depth);
        let mut items = Vec::new();
        self.list_values(list, scope, depth, &mut items);
        let mut acc = Vec::new();
        for item in items {
            let d = match item {
                ListItem::Known { value, param } => self.single(entry, op, value, param, escape),
                ListItem::Skip => Vec::new(),
                ListItem::Unknown(text) => {
                    let sym = if op == Op::In { "=" } else { op.sql() };
                    self.push_unresolved(format!("{} {sym} ANY({text})", entry.key));
                    Vec::new()
                }
            };
            acc = self.or(acc, d);
        }
        acc
    }

    fn list_values(&self, e: &ast::Expr, scope: &Scope, depth: usize, out: &mut Vec<ListItem>) {
        use ast::Expr as E;
        if depth > MAX_DEPTH {
            return;
        }
        let depth = depth + 1;
        match e {
            E::Nested(x) | E::Cast { expr: x, .. } => self.list_values(x, scope, depth, out),
            E::Tuple(items) => {
                for i in items {
                    self.list_values(i, scope, depth, out);
                }
            }
            E::Array(a) => {
                for i in &a.elem {
                    self.list_values(i, scope, depth, out);
                }
            }
            _ => match self.value(e, scope, depth) {
                Val::Known { value, param } => match parse_pg_array(&value) {
                    Some(elements) => out.extend(elements.into_iter().map(|v| match v {
                        Some(value) => ListItem::Known { value, param },
                        None => ListItem::Skip,
                    })),
                    None => out.push(ListItem::Known { value, param }),
                },
                Val::Ignore | Val::Column => out.push(ListItem::Skip),
                Val::Unknown => out.push(ListItem::Unknown(render(e))),
            },
        }
    }

    // ---- values ----

    fn value(&self, e: &ast::Expr, scope: &Scope, depth: usize) -> Val {
        use ast::Expr as E;
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        let depth = depth + 1;
        match e {
            E::Nested(x)
            | E::Cast { expr: x, .. }
            | E::Collate { expr: x, .. }
            | E::Trim { expr: x, .. } => self.value(x, scope, depth),
            E::TypedString(ts) => self.literal(&ts.value.value),
            E::Value(v) => self.literal(&v.value),
            E::UnaryOp {
                op: ast::UnaryOperator::Plus,
                expr,
            } => self.value(expr, scope, depth),
            E::UnaryOp {
                op: ast::UnaryOperator::Minus,
                expr,
            } => match self.value(expr, scope, depth) {
                Val::Known { value, param } if value.parse::<f64>().is_ok() => Val::Known {
                    value: format!("-{value}"),
                    param,
                },
                _ => Val::Unknown,
            },
            E::BinaryOp {
                op: ast::BinaryOperator::StringConcat,
                ..
            } => self.concat(
                flatten(e, &ast::BinaryOperator::StringConcat),
                false,
                scope,
                depth,
            ),
            E::Function(f) => {
                let name = function_name(f);
                let args = function_args(f);
                if TRANSPARENT_FUNCTIONS.contains(&name.as_str()) {
                    match args.first() {
                        Some(x) => self.value(x, scope, depth),
                        None => Val::Unknown,
                    }
                } else if name == "concat" {
                    self.concat(args, true, scope, depth)
                } else {
                    Val::Unknown
                }
            }
            E::Identifier(i) => match self.resolve(std::slice::from_ref(i), scope) {
                ColumnRef::Configured(_) | ColumnRef::Other => Val::Column,
                ColumnRef::Unknown => Val::Unknown,
            },
            E::CompoundIdentifier(parts) => match self.resolve(parts, scope) {
                ColumnRef::Configured(_) | ColumnRef::Other => Val::Column,
                ColumnRef::Unknown => Val::Unknown,
            },
            _ => Val::Unknown,
        }
    }

    /// `'%' || $1 || '%'` and `concat(...)`: ORMs build LIKE patterns this way.
    /// `||` with a NULL is NULL; `concat` skips NULLs.
    fn concat(&self, parts: Vec<&ast::Expr>, skip_nulls: bool, scope: &Scope, depth: usize) -> Val {
        let mut value = String::new();
        let mut param = None;
        for p in parts {
            match self.value(p, scope, depth) {
                Val::Known { value: v, param: p } => {
                    value.push_str(&v);
                    param = param.or(p);
                }
                Val::Ignore if skip_nulls => {}
                Val::Ignore => return Val::Ignore,
                Val::Column | Val::Unknown => return Val::Unknown,
            }
        }
        Val::Known { value, param }
    }

    fn literal(&self, v: &ast::Value) -> Val {
        match v {
            ast::Value::Null | ast::Value::Boolean(_) => Val::Ignore,
            ast::Value::Placeholder(p) => self.bind(p),
            ast::Value::Number(n, _) => Val::Known {
                value: n.to_string(),
                param: None,
            },
            other => match other.clone().into_string() {
                Some(value) => Val::Known { value, param: None },
                None => Val::Unknown,
            },
        }
    }

    fn bind(&self, placeholder: &str) -> Val {
        let bound = placeholder
            .strip_prefix('$')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| {
                let value = self.params.get(n.checked_sub(1)?)?;
                Some(Val::Known {
                    value: value.clone(),
                    param: Some(n),
                })
            });
        bound.unwrap_or(Val::Unknown)
    }

    // ---- everything else: subqueries and set_config ----

    fn generic_all<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e ast::Expr>,
        scope: &Scope,
        depth: usize,
    ) -> Dnf {
        let mut acc = Vec::new();
        for e in exprs {
            let d = self.generic(e, scope, depth);
            acc = self.or(acc, d);
        }
        acc
    }

    /// Walks an expression that is not itself a search, for the subqueries
    /// (separate lookups) and `set_config` calls inside it.
    fn generic(&mut self, e: &ast::Expr, scope: &Scope, depth: usize) -> Dnf {
        use ast::Expr as E;
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        match e {
            E::Subquery(q) => self.query(q, scope, depth).0,
            E::Exists { subquery, negated } => {
                let d = self.query(subquery, scope, depth).0;
                if *negated {
                    Vec::new()
                } else {
                    d
                }
            }
            E::In {
                expr,
                target: ast::InTarget::Subquery(q),
                ..
            } => {
                let a = self.generic(expr, scope, depth);
                let b = self.query(q, scope, depth).0;
                self.or(a, b)
            }
            E::Function(f) => self.function(f, scope, depth),
            _ => self.generic_all(children(e), scope, depth),
        }
    }

    fn function(&mut self, f: &ast::Function, scope: &Scope, depth: usize) -> Dnf {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let depth = depth + 1;
        if function_name(f) == "set_config" {
            self.set_config(f, scope, depth);
        }
        let mut acc = self.generic_all(function_args(f), scope, depth);
        if let ast::FunctionArguments::Subquery(q) = &f.args {
            let d = self.query(q, scope, depth).0;
            acc = self.or(acc, d);
        }
        if let Some(filter) = &f.filter {
            let d = self.generic(filter, scope, depth);
            acc = self.or(acc, d);
        }
        acc
    }

    fn set_config(&mut self, f: &ast::Function, scope: &Scope, depth: usize) {
        let args = function_args(f);
        let (Some(name), Some(value)) = (args.first(), args.get(1)) else {
            return;
        };
        let local = args.get(2).is_some_and(|e| self.truthy(e, scope, depth));
        let name = self.value(name, scope, depth);
        let value = self.value(value, scope, depth);
        match (name, value) {
            (Val::Known { value: name, .. }, Val::Known { value, .. }) => {
                self.facts.settings.push(Setting {
                    name: name.to_lowercase(),
                    value,
                    local,
                });
            }
            (Val::Known { value: name, .. }, Val::Ignore) => {
                self.facts.settings.push(Setting {
                    name: name.to_lowercase(),
                    value: String::new(),
                    local,
                });
            }
            _ => self.push_unresolved(render(f)),
        }
    }

    fn truthy(&self, e: &ast::Expr, scope: &Scope, depth: usize) -> bool {
        let mut inner = e;
        while let ast::Expr::Nested(x) | ast::Expr::Cast { expr: x, .. } = inner {
            inner = x;
        }
        if let ast::Expr::Value(ast::ValueWithSpan {
            value: ast::Value::Boolean(b),
            ..
        }) = inner
        {
            return *b;
        }
        match self.value(e, scope, depth) {
            Val::Known { value, .. } => is_true_text(&value),
            _ => false,
        }
    }

    // ---- fallback: literal scan of the tokens ----

    fn literal_scan(&mut self, tokens: &[Token]) -> StatementFacts {
        let nt: Vec<&Token> = tokens
            .iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect();
        let command = nt
            .iter()
            .find_map(|t| match t {
                Token::Word(w) => Some(w.value.to_uppercase()),
                _ => None,
            })
            .unwrap_or_default();
        self.start(command);
        let tables = self.scan_tables(&nt);
        self.scan_settings(&nt);

        let mut found: Vec<(usize, usize, Criterion)> = Vec::new();
        let mut in_set_clause = false;
        let mut i = 0;
        while let Some(tok) = nt.get(i) {
            match tok {
                Token::Word(w) if w.keyword == Keyword::SET && i > 0 => in_set_clause = true,
                Token::Word(w)
                    if matches!(
                        w.keyword,
                        Keyword::WHERE | Keyword::FROM | Keyword::RETURNING
                    ) =>
                {
                    in_set_clause = false
                }
                Token::SemiColon => in_set_clause = false,
                _ => {}
            }
            // `UPDATE t SET col = v` assigns, it does not search.
            let predicate = if in_set_clause {
                None
            } else {
                self.scan_predicate(&nt, i, &tables)
            };
            if let Some((start, end, crit)) = predicate {
                found.extend(crit.map(|c| (start, end, c)));
                i = end.max(i + 1);
                continue;
            }
            i += 1;
        }

        let all_and = found.windows(2).all(|pair| match pair {
            [(_, end, _), (start, _, _)] => {
                let between = nt.get(*end..*start).unwrap_or_default();
                let mut ands = 0;
                let mut others = 0;
                for t in between {
                    match t {
                        Token::Word(w) if w.keyword == Keyword::AND => ands += 1,
                        Token::Word(w) if is_separator(w.keyword) => others += 1,
                        Token::SemiColon | Token::Comma => others += 1,
                        _ => {}
                    }
                }
                ands > 0 && others == 0
            }
            _ => true,
        });
        let mut dnf = Vec::new();
        if all_and {
            let mut c = Candidate::default();
            for (_, _, crit) in found {
                if c.criteria.contains(&crit) {
                    continue;
                }
                if c.criteria.len() >= MAX_CRITERIA {
                    self.overflow = true;
                    break;
                }
                c.criteria.push(crit);
            }
            self.push_candidate(&mut dnf, c);
        } else {
            for (_, _, crit) in found {
                self.push_candidate(
                    &mut dnf,
                    Candidate {
                        criteria: vec![crit],
                    },
                );
            }
        }
        self.finish(dnf)
    }

    fn scan_tables(&mut self, nt: &[&Token]) -> HashSet<String> {
        let mut ctes = HashSet::new();
        for (i, t) in nt.iter().enumerate() {
            let before_as_paren = matches!(nt.get(i + 1), Some(Token::Word(a)) if a.keyword == Keyword::AS)
                && matches!(nt.get(i + 2), Some(Token::LParen));
            match t {
                Token::Word(w) if before_as_paren => {
                    ctes.insert(w.value.to_lowercase());
                }
                _ => {}
            }
        }
        // Whether each open parenthesis is a function call's, where FROM is
        // part of the syntax (`extract(year FROM dob)`), not a table clause.
        let mut function_parens: Vec<bool> = Vec::new();
        let mut top_level_to = false;
        let mut tables = HashSet::new();
        for (i, t) in nt.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|p| nt.get(p));
            match t {
                Token::LParen => function_parens
                    .push(matches!(prev, Some(Token::Word(w)) if !opens_subquery(w.keyword))),
                Token::RParen => {
                    function_parens.pop();
                }
                Token::Word(w) if w.keyword == Keyword::TO && function_parens.is_empty() => {
                    top_level_to = true
                }
                Token::Word(w)
                    if matches!(
                        w.keyword,
                        Keyword::FROM
                            | Keyword::JOIN
                            | Keyword::UPDATE
                            | Keyword::INTO
                            | Keyword::COPY
                    ) && !function_parens.last().copied().unwrap_or(false)
                        && !matches!(prev, Some(Token::Word(p)) if matches!(p.keyword, Keyword::FOR | Keyword::DO)) =>
                {
                    let mut j = i + 1;
                    if matches!(nt.get(j), Some(Token::Word(o)) if o.keyword == Keyword::ONLY) {
                        j += 1;
                    }
                    // `FROM a x, b AS y, c`: follow the comma-separated list.
                    while let Some((name, next)) = read_name(nt, j) {
                        let is_function = matches!(w.keyword, Keyword::FROM | Keyword::JOIN)
                            && matches!(nt.get(next), Some(Token::LParen));
                        if is_function {
                            break;
                        }
                        if !ctes.contains(&name) {
                            self.add_table(&name);
                            tables.insert(name);
                        }
                        if w.keyword != Keyword::FROM {
                            break;
                        }
                        j = next;
                        if matches!(nt.get(j), Some(Token::Word(a)) if a.keyword == Keyword::AS) {
                            j += 1;
                        }
                        if matches!(nt.get(j), Some(Token::Word(a)) if a.keyword == Keyword::NoKeyword || a.quote_style.is_some())
                        {
                            j += 1;
                        }
                        if !matches!(nt.get(j), Some(Token::Comma)) {
                            break;
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
        }
        if self.facts.command == "COPY" && top_level_to {
            self.facts.copy_to = true;
        }
        tables
    }

    /// `set_config('name', 'value', local)` and a leading `SET [LOCAL] name = value`.
    fn scan_settings(&mut self, nt: &[&Token]) {
        for i in 0..nt.len() {
            let word_is = |j: usize, s: &str| matches!(nt.get(j), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case(s));
            if !word_is(i, "set_config") || !matches!(nt.get(i + 1), Some(Token::LParen)) {
                continue;
            }
            let name = self.scan_atom(nt.get(i + 2).copied());
            let value = self.scan_atom(nt.get(i + 4).copied());
            let commas = matches!(nt.get(i + 3), Some(Token::Comma))
                && matches!(nt.get(i + 5), Some(Token::Comma));
            let local = match nt.get(i + 6) {
                Some(Token::Word(w)) => w.keyword == Keyword::TRUE,
                t => matches!(self.scan_atom(t.copied()), ScanVal::Known(v, _) if is_true_text(&v)),
            };
            if let (true, ScanVal::Known(name, _), ScanVal::Known(value, _)) = (commas, name, value)
            {
                self.facts.settings.push(Setting {
                    name: name.to_lowercase(),
                    value,
                    local,
                });
            }
        }
        if self.facts.command != "SET" {
            return;
        }
        let mut j = 1;
        let mut local = false;
        match nt.get(j) {
            Some(Token::Word(w)) if matches!(w.keyword, Keyword::LOCAL | Keyword::SESSION) => {
                local = w.keyword == Keyword::LOCAL;
                j += 1;
            }
            _ => {}
        }
        let Some((_, mut k)) = read_name(nt, j) else {
            return;
        };
        let name: Vec<String> = nt
            .get(j..k)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w.value.to_lowercase()),
                _ => None,
            })
            .collect();
        match nt.get(k) {
            // `:=` is MySQL's other assignment operator.
            Some(Token::Eq) | Some(Token::Assignment) => k += 1,
            Some(Token::Word(w)) if w.keyword == Keyword::TO => k += 1,
            _ => return,
        }
        let value = match nt.get(k) {
            Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_lowercase()),
            Some(Token::Word(w)) => Some(w.value.clone()),
            t => match self.scan_atom(t.copied()) {
                ScanVal::Known(v, _) => Some(v),
                _ => None,
            },
        };
        if let Some(value) = value {
            self.facts.settings.push(Setting {
                name: name.join("."),
                value,
                local,
            });
        }
    }

    /// `[qualifier.]column (= | LIKE | ILIKE | SIMILAR TO | ~ | ~*) value` at
    /// token `i`: (start, end, criterion) when `i` is a configured column
    /// followed by such an operator.
    fn scan_predicate(
        &mut self,
        nt: &[&Token],
        i: usize,
        tables: &HashSet<String>,
    ) -> Option<(usize, usize, Option<Criterion>)> {
        let Some(Token::Word(w)) = nt.get(i) else {
            return None;
        };
        let column = w.value.to_lowercase();
        let qualifier = match (
            i.checked_sub(1).and_then(|p| nt.get(p)),
            i.checked_sub(2).and_then(|p| nt.get(p)),
        ) {
            (Some(Token::Period), Some(Token::Word(q))) => Some(q.value.to_lowercase()),
            _ => None,
        };
        let columns: &'a ColumnMap = self.columns;
        let entry = qualifier
            .as_deref()
            .and_then(|q| columns.entry(q, &column))
            .or_else(|| {
                columns
                    .entries
                    .iter()
                    .find(|e| e.column == column && tables.contains(&e.table))
            })
            .or_else(|| columns.entries.iter().find(|e| e.column == column))?;
        let start = if qualifier.is_some() {
            i.saturating_sub(2)
        } else {
            i
        };
        // Only parentheses opened right before the column, bare or by
        // `lower(` and the like, may be skipped after it: in
        // `extract(year FROM dob) = 1980` the value is not a dob.
        let mut opens = 0;
        let mut b = start;
        let at = |k: Option<usize>| k.and_then(|k| nt.get(k));
        while matches!(at(b.checked_sub(1)), Some(Token::LParen)) {
            opens += 1;
            b -= 1;
            if matches!(at(b.checked_sub(1)), Some(Token::Word(w)) if TRANSPARENT_FUNCTIONS.contains(&w.value.to_lowercase().as_str()))
            {
                b -= 1;
            }
        }
        let mut j = i + 1;
        loop {
            match nt.get(j) {
                Some(Token::RParen) if opens > 0 => {
                    opens -= 1;
                    j += 1
                }
                Some(Token::DoubleColon) => {
                    j += 2;
                    while matches!(nt.get(j), Some(Token::LBracket | Token::RBracket)) {
                        j += 1;
                    }
                }
                Some(Token::Word(c)) if c.keyword == Keyword::COLLATE => j += 2,
                _ => break,
            }
        }
        let op = match nt.get(j)? {
            Token::Eq => Op::Eq,
            Token::Tilde | Token::TildeAsterisk => Op::Regex,
            Token::DoubleTilde => Op::Like,
            Token::Word(o) if o.keyword == Keyword::LIKE => Op::Like,
            Token::Word(o) if o.keyword == Keyword::ILIKE => Op::ILike,
            Token::Word(o)
                if o.keyword == Keyword::SIMILAR
                    && matches!(nt.get(j + 1), Some(Token::Word(t)) if t.keyword == Keyword::TO) =>
            {
                j += 1;
                Op::Similar
            }
            _ => return None,
        };
        let mut k = j + 1;
        loop {
            match nt.get(k) {
                Some(Token::LParen) => k += 1,
                Some(Token::Word(f))
                    if TRANSPARENT_FUNCTIONS.contains(&f.value.to_lowercase().as_str())
                        && matches!(nt.get(k + 1), Some(Token::LParen)) =>
                {
                    k += 2
                }
                Some(Token::Word(f))
                    if matches!(
                        f.keyword,
                        Keyword::DATE | Keyword::TIMESTAMP | Keyword::TIME
                    ) && nt.get(k + 1).is_some_and(|t| literal_token(t).is_some()) =>
                {
                    k += 1
                }
                _ => break,
            }
        }
        let mut value = self.scan_atom(nt.get(k).copied());
        let mut end = k + 1;
        if let ScanVal::Minus = value {
            value = match self.scan_atom(nt.get(k + 1).copied()) {
                ScanVal::Known(n, p) if n.parse::<f64>().is_ok() => {
                    ScanVal::Known(format!("-{n}"), p)
                }
                _ => ScanVal::Unknown("-".to_string()),
            };
            end += 1;
        }
        while let ScanVal::Known(v, p) = &mut value {
            if !matches!(nt.get(end), Some(Token::StringConcat)) {
                break;
            }
            let ScanVal::Known(more, q) = self.scan_atom(nt.get(end + 1).copied()) else {
                break;
            };
            v.push_str(&more);
            *p = p.or(q);
            end += 2;
        }
        let crit = match value {
            ScanVal::Known(value, param) => self
                .single(entry, op, value, param, Some('\\'))
                .pop()
                .and_then(|c| c.criteria.into_iter().next()),
            ScanVal::Ignore => None,
            ScanVal::Minus | ScanVal::Unknown(_) | ScanVal::Missing => {
                let text = match value {
                    ScanVal::Unknown(t) => t,
                    _ => "<missing>".to_string(),
                };
                self.push_unresolved(format!("{} {} {text}", entry.key, op.sql()));
                None
            }
        };
        Some((start, end, crit))
    }

    fn scan_atom(&self, t: Option<&Token>) -> ScanVal {
        let Some(t) = t else { return ScanVal::Missing };
        if let Some(v) = literal_token(t) {
            return ScanVal::Known(v, None);
        }
        match t {
            Token::Placeholder(p) => match self.bind(p) {
                Val::Known { value, param } => ScanVal::Known(value, param),
                _ => ScanVal::Unknown(p.clone()),
            },
            Token::Minus => ScanVal::Minus,
            Token::Word(w)
                if matches!(w.keyword, Keyword::NULL | Keyword::TRUE | Keyword::FALSE) =>
            {
                ScanVal::Ignore
            }
            Token::Word(w) => ScanVal::Unknown(w.value.clone()),
            Token::EOF => ScanVal::Missing,
            other => ScanVal::Unknown(truncate_chars(&other.to_string(), MAX_RENDERED)),
        }
    }
}

enum ListItem {
    Known { value: String, param: Option<usize> },
    Skip,
    Unknown(String),
}

enum ScanVal {
    Known(String, Option<usize>),
    Ignore,
    Minus,
    Unknown(String),
    Missing,
}

fn is_true_text(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "t" | "true" | "on" | "yes" | "y" | "1"
    )
}

/// Keywords before `(` that open a subquery or a list rather than call a function.
fn opens_subquery(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::IN
            | Keyword::EXISTS
            | Keyword::FROM
            | Keyword::JOIN
            | Keyword::AS
            | Keyword::ANY
            | Keyword::ALL
            | Keyword::SOME
            | Keyword::LATERAL
            | Keyword::ON
            | Keyword::WHERE
            | Keyword::AND
            | Keyword::OR
            | Keyword::NOT
            | Keyword::SELECT
            | Keyword::UNION
            | Keyword::INTERSECT
            | Keyword::EXCEPT
            | Keyword::VALUES
            | Keyword::USING
            | Keyword::COPY
            | Keyword::WITH
            | Keyword::EXPLAIN
            | Keyword::HAVING
    )
}

/// Keywords that, between two found criteria, mean they may not hold together.
fn is_separator(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::OR
            | Keyword::NOT
            | Keyword::SELECT
            | Keyword::FROM
            | Keyword::WHERE
            | Keyword::UNION
            | Keyword::INTERSECT
            | Keyword::EXCEPT
            | Keyword::JOIN
            | Keyword::ON
            | Keyword::HAVING
            | Keyword::WHEN
            | Keyword::THEN
            | Keyword::ELSE
            | Keyword::CASE
            | Keyword::END
            | Keyword::IN
            | Keyword::EXISTS
            | Keyword::SET
            | Keyword::VALUES
    )
}

/// `name` or `schema.name` at `j`: the last part lower-cased, and the index after it.
fn read_name(nt: &[&Token], j: usize) -> Option<(String, usize)> {
    let Some(Token::Word(first)) = nt.get(j) else {
        return None;
    };
    if matches!(
        first.keyword,
        Keyword::SELECT
            | Keyword::LATERAL
            | Keyword::VALUES
            | Keyword::WITH
            | Keyword::SET
            | Keyword::NOWAIT
            | Keyword::SKIP
            | Keyword::OF
    ) && first.quote_style.is_none()
    {
        return None;
    }
    let mut name = first.value.to_lowercase();
    let mut k = j + 1;
    while let (Some(Token::Period), Some(Token::Word(next))) = (nt.get(k), nt.get(k + 1)) {
        name = next.value.to_lowercase();
        k += 2;
    }
    Some((name, k))
}

fn command_of(s: &ast::Statement) -> String {
    use ast::Statement as S;
    let verb = match s {
        S::Query(q) => match q.body.as_ref() {
            ast::SetExpr::Insert(_) => "INSERT",
            ast::SetExpr::Update(_) => "UPDATE",
            ast::SetExpr::Delete(_) => "DELETE",
            ast::SetExpr::Merge(_) => "MERGE",
            _ => "SELECT",
        },
        S::Insert(_) => "INSERT",
        S::Update(_) => "UPDATE",
        S::Delete(_) => "DELETE",
        S::Merge(_) => "MERGE",
        S::Copy { .. } => "COPY",
        S::Set(_) => "SET",
        S::Prepare { .. } => "PREPARE",
        S::Execute { .. } => "EXECUTE",
        S::Explain { .. } => "EXPLAIN",
        S::Deallocate { .. } => "DEALLOCATE",
        S::Declare { .. } => "DECLARE",
        S::Call(_) => "CALL",
        other => {
            return other
                .to_string()
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_uppercase();
        }
    };
    verb.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cols() -> ColumnMap {
        ColumnMap::new([
            ("persons.person_id", "person_id"),
            ("persons.last_name", "last_name"),
            ("persons.first_name", "first_name"),
            ("persons.dob", "dob"),
            ("persons.address", "address"),
            ("persons.plate", "plate"),
        ])
        .unwrap()
    }

    fn run(sql: &str, params: &[&str]) -> Analysis {
        let params: Vec<String> = params.iter().map(|s| s.to_string()).collect();
        analyse(sql, &params, &cols())
    }

    fn one(sql: &str, params: &[&str]) -> StatementFacts {
        let a = run(sql, params);
        assert_eq!(a.method, Method::Parsed, "{sql}");
        assert_eq!(a.statements.len(), 1, "{sql}");
        a.statements.into_iter().next().unwrap()
    }

    /// Candidates as (column, value) pairs, for compact assertions.
    fn pairs(f: &StatementFacts) -> Vec<Vec<(String, String)>> {
        f.candidates
            .iter()
            .map(|c| {
                c.criteria
                    .iter()
                    .map(|k| (k.column.clone(), k.value.clone()))
                    .collect()
            })
            .collect()
    }

    fn p(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn t01_conjunction() {
        let f = one(
            "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-01-02';",
            &[],
        );
        assert_eq!(f.command, "SELECT");
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(
            pairs(&f),
            [p(&[
                ("persons.last_name", "SMITH"),
                ("persons.dob", "1980-01-02")
            ])]
        );
        let c = &f.candidates[0].criteria[0];
        assert_eq!(c.field, SubjectField::LastName);
        assert_eq!(c.op, Op::Eq);
        assert!(!c.wildcard);
        assert_eq!(c.param, None);
        assert!(f.unresolved.is_empty());
    }

    #[test]
    fn t02_sqlcommenter_tags() {
        let a = run(
            "SELECT first_name, last_name, address FROM persons WHERE plate = 'XYZ789' /*action='lookup',application='rms',case_id='C-2024-001',purpose='traffic%20stop'*/;",
            &[],
        );
        assert_eq!(a.method, Method::Parsed);
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.plate", "XYZ789")])]);
        assert_eq!(
            a.tags,
            p(&[
                ("action", "lookup"),
                ("application", "rms"),
                ("case_id", "C-2024-001"),
                ("purpose", "traffic stop"),
            ])
        );
    }

    #[test]
    fn t03_prepare_binds_params() {
        let f = one(
            "PREPARE find_person(text, date) AS SELECT * FROM persons WHERE last_name = $1 AND dob = $2;",
            &["JONES", "1975-06-30"],
        );
        assert_eq!(f.command, "PREPARE");
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(
            pairs(&f),
            [p(&[
                ("persons.last_name", "JONES"),
                ("persons.dob", "1975-06-30")
            ])]
        );
        assert_eq!(f.candidates[0].criteria[0].param, Some(1));
        assert_eq!(f.candidates[0].criteria[1].param, Some(2));
    }

    #[test]
    fn t04_alias_join_multiline() {
        let f = one(
            "SELECT p.first_name,\n       p.last_name, p.address\nFROM persons p\nJOIN case_log c ON c.opened_by = 'officer_a'\nWHERE p.last_name = 'O''BRIEN'\n  AND p.address LIKE '%\"The Lodge\"%';",
            &[],
        );
        assert_eq!(f.tables, ["persons", "case_log"]);
        assert_eq!(f.candidates.len(), 1);
        let c = &f.candidates[0].criteria;
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].column.as_str(), c[0].value.as_str(), c[0].op),
            ("persons.last_name", "O'BRIEN", Op::Eq)
        );
        assert!(!c[0].wildcard);
        assert_eq!(
            (c[1].column.as_str(), c[1].value.as_str(), c[1].op),
            ("persons.address", "%\"The Lodge\"%", Op::Like)
        );
        assert!(c[1].wildcard);
    }

    #[test]
    fn t05_plpgsql_variable_unresolved() {
        let f = one("SELECT * FROM persons WHERE last_name = p_last", &[]);
        assert!(f.candidates.is_empty());
        assert_eq!(f.unresolved, ["persons.last_name = p_last"]);
    }

    #[test]
    fn t06_two_statements() {
        let a = run(
            "SELECT last_name FROM persons WHERE person_id=1; SELECT purpose FROM case_log WHERE case_id='C-2024-001'",
            &[],
        );
        assert_eq!(a.statements.len(), 2);
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "1")])]);
        assert_eq!(a.statements[1].tables, ["case_log"]);
        assert!(a.statements[1].candidates.is_empty());
    }

    #[test]
    fn t07_copy_query_to_stdout() {
        let f = one(
            "COPY (SELECT * FROM persons WHERE last_name='SMITH') TO STDOUT WITH CSV",
            &[],
        );
        assert_eq!(f.command, "COPY");
        assert!(f.copy_to);
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "SMITH")])]);

        let f = one("COPY public.persons TO STDOUT", &[]);
        assert!(f.copy_to);
        assert_eq!(f.tables, ["persons"]);
        let f = one("COPY persons FROM STDIN", &[]);
        assert!(!f.copy_to);
    }

    #[test]
    fn t08_or_gives_two_candidates() {
        let f = one(
            "SELECT person_id FROM persons WHERE address = $1 OR last_name = $2;",
            &["12 Elm St, Springfield", "say \"hi\""],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.address", "12 Elm St, Springfield")]),
                p(&[("persons.last_name", "say \"hi\"")]),
            ]
        );
    }

    #[test]
    fn t09_functions_casts_and_tags() {
        let a = run(
            "SELECT * FROM persons WHERE lower(last_name) = lower($1) AND dob = $2::text::date /*application='rms-web',case_id='C-2024-001',officer='officer_a',purpose='warrant%20check'*/",
            &["SMITH", "1980-01-02"],
        );
        assert_eq!(a.method, Method::Parsed);
        assert_eq!(
            pairs(&a.statements[0]),
            [p(&[
                ("persons.last_name", "SMITH"),
                ("persons.dob", "1980-01-02")
            ])]
        );
        assert!(a.tags.contains(&("case_id".into(), "C-2024-001".into())));
        assert!(a.tags.contains(&("officer".into(), "officer_a".into())));
        assert!(a.tags.contains(&("purpose".into(), "warrant check".into())));
    }

    #[test]
    fn t10_like_wildcard() {
        let f = one(
            "SELECT last_name, plate FROM persons WHERE plate LIKE 'ABC%'",
            &[],
        );
        let c = &f.candidates[0].criteria[0];
        assert_eq!(
            (c.op, c.value.as_str(), c.wildcard),
            (Op::Like, "ABC%", true)
        );

        let f = one("SELECT * FROM persons WHERE last_name LIKE 'SMITH'", &[]);
        let c = &f.candidates[0].criteria[0];
        assert_eq!((c.op, c.wildcard), (Op::Like, false));

        let f = one("SELECT * FROM persons WHERE last_name LIKE 'SMITH\\_'", &[]);
        assert!(!f.candidates[0].criteria[0].wildcard);
        let f = one(
            "SELECT * FROM persons WHERE last_name LIKE 'SM!%' ESCAPE '!'",
            &[],
        );
        assert!(!f.candidates[0].criteria[0].wildcard);
        let f = one(
            "SELECT * FROM persons WHERE last_name LIKE '%' || $1 || '%'",
            &["MITH"],
        );
        let c = &f.candidates[0].criteria[0];
        assert_eq!(
            (c.value.as_str(), c.wildcard, c.param),
            ("%MITH%", true, Some(1))
        );
    }

    #[test]
    fn t11_settings() {
        let f = one("SET LOCAL rms.case_id = 'C-2024-007';", &[]);
        assert_eq!(f.command, "SET");
        assert_eq!(
            f.settings,
            [Setting {
                name: "rms.case_id".into(),
                value: "C-2024-007".into(),
                local: true
            }]
        );
        let f = one("SELECT set_config('app.case_id', $1, false)", &["C-9"]);
        assert_eq!(
            f.settings,
            [Setting {
                name: "app.case_id".into(),
                value: "C-9".into(),
                local: false
            }]
        );
        let f = one("SELECT set_config('app.case_id', 'C-1', true)", &[]);
        assert_eq!(
            f.settings,
            [Setting {
                name: "app.case_id".into(),
                value: "C-1".into(),
                local: true
            }]
        );
        let f = one("SET App.Case_Id TO 'C-1'", &[]);
        assert_eq!(
            f.settings,
            [Setting {
                name: "app.case_id".into(),
                value: "C-1".into(),
                local: false
            }]
        );
        let f = one("SET SESSION app.case_id = 'C-2'", &[]);
        assert!(!f.settings[0].local);
        let f = one(
            "SELECT p.* FROM persons p WHERE p.person_id = 4 AND set_config('app.purpose', 'audit', true) IS NOT NULL",
            &[],
        );
        assert_eq!(f.settings[0].name, "app.purpose");
        assert_eq!(pairs(&f), [p(&[("persons.person_id", "4")])]);
    }

    #[test]
    fn t12_update() {
        let f = one(
            "UPDATE persons SET address = 'Flat 2, \"Annex\"' WHERE person_id = 3;",
            &[],
        );
        assert_eq!(f.command, "UPDATE");
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(pairs(&f), [p(&[("persons.person_id", "3")])]);
        let f = one("DELETE FROM public.persons WHERE last_name = 'X'", &[]);
        assert_eq!(f.command, "DELETE");
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "X")])]);
    }

    #[test]
    fn t13_value_forms() {
        let f = one(
            "SELECT * FROM persons WHERE plate IN ('ABC123', $1)",
            &["DEF456"],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.plate", "ABC123")]),
                p(&[("persons.plate", "DEF456")])
            ]
        );
        assert_eq!(f.candidates[0].criteria[0].op, Op::In);
        assert_eq!(f.candidates[1].criteria[0].param, Some(1));

        let f = one("SELECT * FROM persons WHERE last_name = E'O\\'BRIEN'", &[]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "O'BRIEN")])]);
        let f = one("SELECT * FROM persons WHERE last_name = $$SMITH$$", &[]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "SMITH")])]);
        let f = one("SELECT * FROM persons WHERE last_name = $tag$O'B$tag$", &[]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "O'B")])]);

        let f = one("SELECT * FROM persons WHERE first_name ILIKE 'jo%'", &[]);
        let c = &f.candidates[0].criteria[0];
        assert_eq!((c.op, c.wildcard), (Op::ILike, true));

        let f = one(
            "SELECT * FROM persons WHERE (last_name, dob) = ('X', '1990-01-01')",
            &[],
        );
        assert_eq!(
            pairs(&f),
            [p(&[
                ("persons.last_name", "X"),
                ("persons.dob", "1990-01-01")
            ])]
        );

        let f = one(
            "SELECT * FROM persons WHERE last_name = ANY($1)",
            &["{A,B}"],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.last_name", "A")]),
                p(&[("persons.last_name", "B")])
            ]
        );
        assert!(f.candidates.iter().all(|c| c.criteria[0].param == Some(1)));
        let f = one(
            "SELECT * FROM persons WHERE last_name = ANY($1::text[])",
            &["{A,\"B C\",NULL}"],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.last_name", "A")]),
                p(&[("persons.last_name", "B C")])
            ]
        );
        let f = one(
            "SELECT * FROM persons WHERE last_name = ANY(ARRAY['a','b'])",
            &[],
        );
        assert_eq!(f.candidates.len(), 2);
        let f = one("SELECT * FROM persons WHERE last_name = ANY('{x}')", &[]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "x")])]);

        let f = one(
            "SELECT * FROM persons WHERE 'SMITH' = last_name AND dob = DATE '1980-01-02'",
            &[],
        );
        assert_eq!(
            pairs(&f),
            [p(&[
                ("persons.last_name", "SMITH"),
                ("persons.dob", "1980-01-02")
            ])]
        );
        let f = one(
            "SELECT * FROM persons WHERE dob = CAST($1 AS date) AND trim(first_name) = TRIM(' Al ')",
            &["1970-01-01"],
        );
        assert_eq!(
            pairs(&f),
            [p(&[
                ("persons.dob", "1970-01-01"),
                ("persons.first_name", " Al ")
            ])]
        );
        let f = one(
            "SELECT * FROM persons WHERE last_name COLLATE \"C\" = ((('Z')))",
            &[],
        );
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "Z")])]);
        let f = one(
            "SELECT * FROM persons WHERE last_name ~* '^sm' OR plate SIMILAR TO 'AB%'",
            &[],
        );
        assert_eq!(f.candidates.len(), 2);
        assert!(f.candidates.iter().all(|c| c.criteria[0].wildcard));
        assert_eq!(f.candidates[0].criteria[0].op, Op::Regex);
        assert_eq!(f.candidates[1].criteria[0].op, Op::Similar);
        let f = one(
            "SELECT * FROM persons WHERE (last_name, dob) IN (('A', '1'), ('B', '2'))",
            &[],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.last_name", "A"), ("persons.dob", "1")]),
                p(&[("persons.last_name", "B"), ("persons.dob", "2")]),
            ]
        );
    }

    #[test]
    fn t13b_ignored_predicates() {
        let f = one(
            "SELECT * FROM persons WHERE last_name IS NULL AND dob BETWEEN '1980-01-01' AND '1990-01-01' AND dob > '1970-01-01' AND last_name NOT LIKE 'A%' AND NOT (first_name = 'X') AND last_name <> 'Y' AND last_name = NULL AND plate = TRUE",
            &[],
        );
        assert!(f.candidates.is_empty(), "{:?}", f.candidates);
        assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
    }

    #[test]
    fn t13c_dnf_semantics() {
        let f = one(
            "SELECT * FROM persons WHERE (last_name = 'A' OR last_name = 'B') AND (dob = '1' OR dob = '2')",
            &[],
        );
        assert_eq!(f.candidates.len(), 4);
        let f = one(
            "SELECT * FROM persons WHERE last_name = 'A' AND last_name = 'B'",
            &[],
        );
        assert_eq!(
            pairs(&f),
            [p(&[("persons.last_name", "A"), ("persons.last_name", "B")])]
        );
        let f = one(
            "SELECT * FROM persons WHERE last_name = 'A' OR last_name = 'A'",
            &[],
        );
        assert_eq!(f.candidates.len(), 1);
        let list: Vec<String> = (0..100).map(|i| format!("'N{i}'")).collect();
        let f = one(
            &format!(
                "SELECT * FROM persons WHERE last_name IN ({})",
                list.join(",")
            ),
            &[],
        );
        assert_eq!(f.candidates.len(), 64);
        assert_eq!(f.unresolved, ["candidate limit reached"]);
        let f = one(
            "SELECT * FROM persons WHERE last_name = 'A' AND status = 'x'",
            &[],
        );
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "A")])]);
    }

    #[test]
    fn t13d_unbound_and_functions() {
        let f = one("SELECT * FROM persons WHERE last_name = $3", &["a"]);
        assert!(f.candidates.is_empty());
        assert_eq!(f.unresolved, ["persons.last_name = $3"]);
        let f = one("SELECT * FROM persons WHERE last_name = md5('x')", &[]);
        assert_eq!(f.unresolved, ["persons.last_name = md5('x')"]);
        let f = one("SELECT * FROM persons WHERE last_name = $1", &[""]);
        assert!(f.candidates.is_empty());
    }

    #[test]
    fn t13e_subqueries_and_ctes() {
        let f = one(
            "WITH p AS (SELECT * FROM persons WHERE last_name = 'A') SELECT * FROM p WHERE p.dob = '1'",
            &[],
        );
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(
            pairs(&f),
            [p(&[("persons.last_name", "A"), ("persons.dob", "1")])]
        );
        let f = one(
            "SELECT * FROM case_log c WHERE c.person_id IN (SELECT person_id FROM persons WHERE plate = 'P1')",
            &[],
        );
        assert_eq!(f.tables, ["case_log", "persons"]);
        assert_eq!(pairs(&f), [p(&[("persons.plate", "P1")])]);
        let f = one(
            "SELECT * FROM (SELECT * FROM public.persons) x WHERE x.last_name = 'Q' UNION SELECT * FROM persons WHERE first_name = 'R'",
            &[],
        );
        assert_eq!(
            pairs(&f),
            [
                p(&[("persons.last_name", "Q")]),
                p(&[("persons.first_name", "R")])
            ]
        );
        let f = one(
            "SELECT * FROM case_log WHERE EXISTS (SELECT 1 FROM persons pp WHERE pp.person_id = case_log.subject AND pp.last_name = 'E')",
            &[],
        );
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "E")])]);
        let f = one("EXPLAIN SELECT * FROM persons WHERE last_name = 'X'", &[]);
        assert_eq!(f.command, "EXPLAIN");
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "X")])]);
        let f = one(
            "INSERT INTO audit_copy SELECT * FROM persons WHERE plate = 'Z'",
            &[],
        );
        assert_eq!(f.command, "INSERT");
        assert_eq!(f.tables, ["audit_copy", "persons"]);
        assert_eq!(pairs(&f), [p(&[("persons.plate", "Z")])]);
    }

    #[test]
    fn t14_truncated_literal_scan() {
        let a = run(
            "SELECT * FROM persons WHERE last_name = 'SMITH' AND dob = '1980-",
            &[],
        );
        assert!(
            matches!(a.method, Method::LiteralScan { .. }),
            "{:?}",
            a.method
        );
        let f = &a.statements[0];
        assert_eq!(f.command, "SELECT");
        assert_eq!(f.tables, ["persons"]);
        assert_eq!(pairs(f), [p(&[("persons.last_name", "SMITH")])]);
    }

    #[test]
    fn t14b_literal_scan_rules() {
        let a = run(
            "SELEC * FROM persons p WHERE p.last_name = 'A' AND dob = $1 OR x",
            &["1999"],
        );
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        assert_eq!(
            pairs(&a.statements[0]),
            [p(&[("persons.last_name", "A"), ("persons.dob", "1999")])]
        );
        let a = run(
            "SELEC * FROM persons WHERE last_name = 'A' OR last_name ILIKE 'B%' (",
            &[],
        );
        assert_eq!(
            pairs(&a.statements[0]),
            [
                p(&[("persons.last_name", "A")]),
                p(&[("persons.last_name", "B%")])
            ]
        );
        assert!(a.statements[0].candidates[1].criteria[0].wildcard);
        let a = run(
            "UPDATE persons SET address = 'x' WHERE person_id = 5 garbage garbage",
            &[],
        );
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "5")])]);
        let a = run(
            "SELECT set_config('app.case_id', 'C-7', true) FROM persons WHERE last_name = v_name garbage(",
            &[],
        );
        let f = &a.statements[0];
        assert_eq!(f.settings[0].value, "C-7");
        assert!(f.settings[0].local);
        assert_eq!(f.unresolved, ["persons.last_name = v_name"]);
    }

    #[test]
    fn t14c_literal_scan_function_wrappers() {
        let a = run(
            "RETURN QUERY SELECT * FROM persons p WHERE p.last_name = p_last AND extract(year FROM p.dob) = 1980 AND lower(p.plate) = lower('Q') ||",
            &[],
        );
        let f = &a.statements[0];
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        assert_eq!(pairs(f), [p(&[("persons.plate", "Q")])]);
        assert_eq!(f.unresolved, ["persons.last_name = p_last"]);
        let a = run(
            "COPY (SELECT * FROM persons WHERE last_name='SMITH' garbage) TO STDOUT",
            &[],
        );
        assert!(a.statements[0].copy_to);
        let a = run("SET LOCAL app.case_id = 'C-1' garbage", &[]);
        assert_eq!(
            a.statements[0].settings,
            [Setting {
                name: "app.case_id".into(),
                value: "C-1".into(),
                local: true
            }]
        );
    }

    #[test]
    fn t15_line_comment_tag() {
        let a = run(
            "SELECT last_name -- case_id=C-2024-004 inside statement\nFROM persons WHERE person_id = 2;",
            &[],
        );
        assert_eq!(a.method, Method::Parsed);
        assert_eq!(a.tags, p(&[("case_id", "C-2024-004")]));
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "2")])]);
    }

    #[test]
    fn t16_two_configured_tables() {
        let map = ColumnMap::new([
            ("persons.person_id", "person_id"),
            ("persons.last_name", "last_name"),
            ("vehicles.plate", "plate"),
            ("vehicles.owner_id", "person_id"),
        ])
        .unwrap();
        let a = analyse(
            "SELECT p.last_name, v.plate FROM persons p JOIN vehicles v ON v.owner_id = p.person_id WHERE v.plate = 'AB12CDE'",
            &[],
            &map,
        );
        let f = &a.statements[0];
        assert_eq!(f.tables, ["persons", "vehicles"]);
        assert_eq!(pairs(f), [p(&[("vehicles.plate", "AB12CDE")])]);
        assert!(f.unresolved.is_empty(), "{:?}", f.unresolved);
        let a = analyse(
            "SELECT * FROM vehicles JOIN persons ON true WHERE person_id = 7",
            &[],
            &map,
        );
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.person_id", "7")])]);
        // Unqualified and configured in both: the first table in FROM order.
        let both =
            ColumnMap::new([("persons.plate", "plate"), ("vehicles.plate", "plate")]).unwrap();
        let a = analyse(
            "SELECT * FROM vehicles v JOIN persons p ON true WHERE plate = 'X'",
            &[],
            &both,
        );
        assert_eq!(pairs(&a.statements[0]), [p(&[("vehicles.plate", "X")])]);
        let a = analyse(
            "SELECT * FROM persons p, vehicles v WHERE plate = 'X'",
            &[],
            &both,
        );
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.plate", "X")])]);
    }

    #[test]
    fn column_map_errors_and_lookup() {
        let e = ColumnMap::new([("persons", "last_name")]).unwrap_err();
        assert!(e.contains("\"persons\" is not table.column"), "{e}");
        let e = ColumnMap::new([("persons.x", "person")]).unwrap_err();
        assert!(
            e.starts_with("\"person\" is not a subject field (expected one of person_id,"),
            "{e}"
        );
        assert!(ColumnMap::new([("a.b.c", "dob")]).is_err());
        assert!(ColumnMap::new([("a.b", "dob"), ("A.B", "name")]).is_err());
        let m = ColumnMap::new([("Persons.Last_Name", "last_name")]).unwrap();
        assert!(!m.is_empty());
        assert!(ColumnMap::default().is_empty());
        assert_eq!(
            m.field("public.PERSONS", "last_NAME"),
            Some(SubjectField::LastName)
        );
        assert_eq!(m.field("persons", "dob"), None);
        for f in SubjectField::ALL {
            assert_eq!(SubjectField::parse(f.as_str()), Some(f));
        }
        assert_eq!(SubjectField::parse("nope"), None);
    }

    #[test]
    fn sqlcommenter_parsing() {
        assert_eq!(parse_sqlcommenter(" just a note "), None);
        assert_eq!(parse_sqlcommenter(""), None);
        assert_eq!(
            parse_sqlcommenter("Case_ID = 'C-1' , note=\"a b\", x='it\\'s', bad=%zz%4"),
            Some(p(&[
                ("case_id", "C-1"),
                ("note", "a b"),
                ("x", "it's"),
                ("bad", "%zz%4")
            ]))
        );
        assert_eq!(
            parse_sqlcommenter("v='%ff%fe'"),
            Some(vec![("v".to_string(), "\u{fffd}\u{fffd}".to_string())])
        );
    }

    #[test]
    fn pg_array_literals() {
        assert_eq!(
            parse_pg_array("{A,\"B C\",NULL, d ,\"e\\\"f\"}"),
            Some(vec![
                Some("A".into()),
                Some("B C".into()),
                None,
                Some("d".into()),
                Some("e\"f".into())
            ])
        );
        assert_eq!(
            parse_pg_array("{{a},{b}}"),
            Some(vec![Some("a".into()), Some("b".into())])
        );
        assert_eq!(parse_pg_array("{}"), Some(vec![]));
        assert_eq!(parse_pg_array("plain"), None);
    }

    #[test]
    fn huge_and_deep_inputs_do_not_crash() {
        let big = format!(
            "SELECT * FROM persons WHERE last_name = 'A' AND {}",
            "x = 1 AND ".repeat(120_000)
        );
        assert!(big.len() > MAX_TEXT);
        let a = run(&big, &[]);
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        assert_eq!(pairs(&a.statements[0]), [p(&[("persons.last_name", "A")])]);
        let chain = format!(
            "SELECT 1 FROM persons WHERE {}last_name = 'A'",
            "1 + ".repeat(20_000)
        );
        let a = run(&chain, &[]);
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        let ands = format!(
            "SELECT 1 FROM persons WHERE {}last_name = 'Z'",
            "dob > '1' AND ".repeat(1000)
        );
        let f = one(&ands, &[]);
        assert_eq!(pairs(&f), [p(&[("persons.last_name", "Z")])]);
        let parens = format!(
            "SELECT 1 FROM persons WHERE {}last_name = 'A'{}",
            "(".repeat(500),
            ")".repeat(500)
        );
        let _ = run(&parens, &[]);
        let subs = format!("SELECT {}1{}", "(SELECT ".repeat(300), ")".repeat(300));
        let _ = run(&subs, &[]);
        let unions = format!(
            "{} SELECT * FROM persons WHERE last_name = 'U'",
            "SELECT * FROM persons WHERE plate = 'P' UNION ".repeat(200)
        );
        let f = one(&unions, &[]);
        assert_eq!(f.candidates.len(), 2);
        // Left-deep chains the parser builds without counting recursion.
        for chain in [
            "1 + ".repeat(60_000) + "1",
            "1".to_string() + &"::int".repeat(60_000),
            "a".to_string() + &"[1]".repeat(60_000),
            "a IS NULL ".repeat(30_000),
            "x COLLATE \"C\" ".repeat(30_000),
            "f(1, 2) || ".repeat(30_000) + "1",
        ] {
            let a = run(
                &format!("SELECT {chain} FROM persons WHERE last_name = 'A'"),
                &[],
            );
            assert!(matches!(a.method, Method::LiteralScan { .. }));
        }
        let a = run(&"SELECT 1 UNION ".repeat(60_000), &[]);
        assert!(matches!(a.method, Method::LiteralScan { .. }));
        // Long lists are siblings, not chains: still parsed.
        let list: Vec<String> = (0..60_000).map(|i| format!("-{i}::int")).collect();
        let f = one(
            &format!(
                "SELECT * FROM persons WHERE person_id IN ({})",
                list.join(", ")
            ),
            &[],
        );
        assert_eq!(f.candidates.len(), 64);
        assert_eq!(f.candidates[1].criteria[0].value, "-1");
        let _ = run("'unterminated", &[]);
        let _ = run("/* unterminated", &[]);
        let _ = run("$$ unterminated", &[]);
        let _ = run("SELECT E'\\", &[]);
        let _ = run("\u{0}\u{ffff}é€𝄞", &[]);
    }

    /// The deepest nestings the parser accepts must also be safe to walk on
    /// a small stack (debug builds use much more stack per frame).
    #[test]
    fn deepest_parsable_nesting_on_small_stack() {
        let shapes: [(&str, &str); 5] = [
            (
                "EXISTS (SELECT 1 FROM persons WHERE last_name = 'A' AND ",
                ")",
            ),
            ("(", ")"),
            ("last_name IN (SELECT last_name FROM persons WHERE ", ")"),
            ("lower(", ")"),
            ("NOT (", ")"),
        ];
        let handle = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let mut parsed = 0;
                for (open, close) in shapes {
                    for n in 1..80 {
                        let sql = format!(
                            "SELECT * FROM persons WHERE {}last_name = 'Z'{}",
                            open.repeat(n),
                            close.repeat(n)
                        );
                        let a = analyse(&sql, &[], &cols());
                        if a.method == Method::Parsed {
                            parsed += 1;
                        }
                    }
                }
                parsed
            })
            .unwrap();
        assert!(handle.join().unwrap() > 20);
    }

    fn vocab() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "SELECT",
            "FROM",
            "WHERE",
            "AND",
            "OR",
            "NOT",
            "IN",
            "ANY",
            "ARRAY",
            "LIKE",
            "ILIKE",
            "SIMILAR",
            "TO",
            "UPDATE",
            "SET",
            "LOCAL",
            "DELETE",
            "INSERT",
            "INTO",
            "VALUES",
            "COPY",
            "PREPARE",
            "AS",
            "EXECUTE",
            "EXPLAIN",
            "WITH",
            "UNION",
            "JOIN",
            "ON",
            "EXISTS",
            "NULL",
            "TRUE",
            "CAST",
            "DATE",
            "COLLATE",
            "ESCAPE",
            "persons",
            "p",
            "p.last_name",
            "last_name",
            "dob",
            "plate",
            "person_id",
            "public.persons",
            "set_config",
            "lower",
            "trim",
            "row",
            "(",
            ")",
            ",",
            ";",
            "=",
            "~",
            "~*",
            "||",
            "::",
            "::text",
            "[",
            "]",
            "{",
            "}",
            "'",
            "''",
            "'SMITH'",
            "E'O\\'B'",
            "$$x$$",
            "$1",
            "$2",
            "$9",
            "42",
            "-",
            "*",
            "/*",
            "*/",
            "/* case_id='C-1' */",
            "-- k=v\n",
            "--",
            "\n",
            "\"",
            "\"q\"",
            "%",
            "%2",
            "\\",
        ])
        .prop_map(|s| s.to_string())
    }

    fn where_clause() -> impl Strategy<Value = String> {
        let leaf = prop::sample::select(vec![
            "last_name = 'X'",
            "p.dob = $1",
            "plate IN ('A', $2, NULL)",
            "first_name LIKE 'A%'",
            "address ~* 'x'",
            "person_id = ANY($3)",
            "last_name = v_x",
            "EXISTS (SELECT 1 FROM persons q WHERE q.last_name = 'Y' OR q.plate = $2)",
            "(last_name, dob) = ('a', 'b')",
            "set_config('app.case_id', $1, true) IS NOT NULL",
            "person_id > 1",
            "last_name IS NULL",
            "lower(first_name) = lower('Al')",
            "p.person_id IN (SELECT person_id FROM persons WHERE plate = 'Z')",
        ])
        .prop_map(|s| s.to_string());
        leaf.prop_recursive(6, 64, 4, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
                inner.clone().prop_map(|a| format!("NOT ({a})")),
                inner.prop_map(|a| format!("EXISTS (SELECT 1 FROM persons WHERE {a})")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn prop_never_panics_on_strings(s in "\\PC{0,200}", params in prop::collection::vec("\\PC{0,10}", 0..3)) {
            let _ = analyse(&s, &params, &cols());
        }

        #[test]
        fn prop_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let s = String::from_utf8_lossy(&bytes);
            let _ = analyse(&s, &["{a,\"b".to_string()], &cols());
            let _ = parse_sqlcommenter(&s);
            let _ = parse_pg_array(&s);
        }

        #[test]
        fn prop_never_panics_on_token_soup(words in prop::collection::vec(vocab(), 0..60), spaced in any::<bool>()) {
            let sep = if spaced { " " } else { "" };
            let sql = words.join(sep);
            let _ = analyse(&sql, &["{A,B}".to_string(), "x".to_string()], &cols());
            let sql2 = format!("SELECT * FROM persons WHERE {}", words.join(" "));
            let _ = analyse(&sql2, &[], &cols());
        }

        #[test]
        fn prop_generated_queries_hold_invariants(w in where_clause(), shape in 0..4u8) {
            let sql = match shape {
                0 => format!("SELECT * FROM persons p WHERE {w}"),
                1 => format!("WITH c AS (SELECT * FROM persons p WHERE {w}) SELECT * FROM c"),
                2 => format!("SELECT * FROM persons p WHERE {w} UNION SELECT * FROM persons p WHERE {w}"),
                _ => format!("UPDATE persons p SET address = 'a' WHERE {w}"),
            };
            let params = ["1980-01-01".to_string(), "B".to_string(), "{1,2}".to_string()];
            let a = analyse(&sql, &params, &cols());
            prop_assert_eq!(&a.method, &Method::Parsed, "{}", sql);
            for f in &a.statements {
                prop_assert!(f.candidates.len() <= MAX_CANDIDATES);
                prop_assert!(f.unresolved.len() <= MAX_UNRESOLVED + 2);
                for (i, c) in f.candidates.iter().enumerate() {
                    prop_assert!(!c.criteria.is_empty());
                    prop_assert!(c.criteria.len() <= MAX_CRITERIA);
                    prop_assert!(f.candidates.iter().skip(i + 1).all(|o| !same_candidate(o, c)));
                }
            }
        }

        #[test]
        fn prop_literal_round_trip(s in "[^\u{0}]{1,60}") {
            let sql = format!("SELECT * FROM persons WHERE last_name = '{}'", s.replace('\'', "''"));
            let a = analyse(&sql, &[], &cols());
            prop_assert_eq!(&a.method, &Method::Parsed);
            prop_assert_eq!(a.statements.len(), 1);
            let f = &a.statements[0];
            prop_assert_eq!(f.candidates.len(), 1);
            prop_assert_eq!(f.candidates[0].criteria.len(), 1);
            prop_assert_eq!(&f.candidates[0].criteria[0].value, &s);

            let a = analyse("SELECT * FROM persons WHERE last_name = $1", std::slice::from_ref(&s), &cols());
            let f = &a.statements[0];
            prop_assert_eq!(f.candidates.len(), 1);
            prop_assert_eq!(&f.candidates[0].criteria[0].value, &s);
            prop_assert_eq!(f.candidates[0].criteria[0].param, Some(1));
        }

        #[test]
        fn prop_sqlcommenter_round_trip(pairs_in in prop::collection::vec(("\\PC{1,12}", "\\PC{0,20}"), 1..5)) {
            fn enc(s: &str) -> String {
                s.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
                    .collect()
            }
            let comment = pairs_in
                .iter()
                .map(|(k, v)| format!("{}='{}'", enc(k), enc(v)))
                .collect::<Vec<_>>()
                .join(",");
            let expected: Vec<(String, String)> = pairs_in.iter().map(|(k, v)| (k.to_lowercase(), v.clone())).collect();
            prop_assert_eq!(parse_sqlcommenter(&comment), Some(expected.clone()));
            let sql = format!("SELECT 1 /*{comment}*/");
            prop_assert_eq!(analyse(&sql, &[], &cols()).tags, expected);
        }
    }

    fn my(sql: &str) -> Analysis {
        analyse_in(Dialect::MySql, sql, &[], &cols())
    }

    #[test]
    fn mysql_backslash_escapes_backquotes_and_double_quoted_strings() {
        let a = my(
            r#"SELECT * FROM `persons` p WHERE p.`last_name` = 'O\'BRIEN' AND p.address LIKE "%\"The Lodge\"%""#,
        );
        assert_eq!(a.method, Method::Parsed);
        let f = &a.statements[0];
        assert_eq!(f.tables, vec!["persons".to_string()]);
        assert_eq!(
            pairs(f),
            vec![p(&[
                ("persons.last_name", "O'BRIEN"),
                ("persons.address", "%\"The Lodge\"%")
            ])]
        );
    }

    #[test]
    fn mysql_question_mark_placeholders_are_unresolved_not_guessed() {
        let a = my("SELECT * FROM persons WHERE last_name = ? AND dob = ?");
        assert_eq!(a.method, Method::Parsed);
        let f = &a.statements[0];
        assert!(f.candidates.iter().all(|c| c.criteria.is_empty()), "{f:?}");
        assert_eq!(f.unresolved.len(), 2, "{f:?}");
    }

    #[test]
    fn mysql_user_variables_are_settings_one_per_assignment() {
        let f = &my("SET @case_id = 'C-2024-001', @purpose = 'warrant check'").statements[0];
        assert_eq!(f.command, "SET");
        let got: Vec<(&str, &str)> = f
            .settings
            .iter()
            .map(|s| (s.name.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("@case_id", "C-2024-001"), ("@purpose", "warrant check")]
        );
        let f = &my("SET @case_id = NULL").statements[0];
        assert_eq!(f.settings.len(), 1);
        assert_eq!(f.settings[0].value, "");
        let f = &my("SET @CASE_ID := 'C-9'").statements[0];
        assert_eq!(f.settings[0].name, "@case_id");
    }

    #[test]
    fn mysql_sqlcommenter_tags() {
        let a = my(
            r"SELECT * FROM persons WHERE plate = 'XYZ789' /*case_id='C-2024-001',purpose='traffic%20stop'*/",
        );
        assert_eq!(
            a.tags,
            vec![
                ("case_id".into(), "C-2024-001".into()),
                ("purpose".into(), "traffic stop".into())
            ]
        );
        assert_eq!(
            pairs(&a.statements[0]),
            vec![p(&[("persons.plate", "XYZ789")])]
        );
    }
}
