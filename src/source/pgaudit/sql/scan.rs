//! The fallback when a statement does not parse (truncated, another dialect, too deeply
//! nested): a scan of its tokens for configured columns compared with literals, tables
//! after FROM/JOIN/UPDATE/INTO, and settings.
//!
//! A scan is a guess and says so (`Method::LiteralScan` with the reason); it must not
//! recurse, and must not report what it cannot tie to a configured column.

use super::*;

impl<'a> Analyzer<'a> {
    // ---- fallback: literal scan of the tokens ----

    pub(super) fn literal_scan(&mut self, tokens: &[Token]) -> StatementFacts {
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

    pub(super) fn scan_tables(&mut self, nt: &[&Token]) -> HashSet<String> {
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
    pub(super) fn scan_settings(&mut self, nt: &[&Token]) {
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
    pub(super) fn scan_predicate(
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

    pub(super) fn scan_atom(&self, t: Option<&Token>) -> ScanVal {
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

pub(super) enum ListItem {
    Known { value: String, param: Option<usize> },
    Skip,
    Unknown(String),
}

pub(super) enum ScanVal {
    Known(String, Option<usize>),
    Ignore,
    Minus,
    Unknown(String),
    Missing,
}

pub(super) fn is_true_text(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "t" | "true" | "on" | "yes" | "y" | "1"
    )
}

/// Keywords before `(` that open a subquery or a list rather than call a function.
pub(super) fn opens_subquery(k: Keyword) -> bool {
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
pub(super) fn is_separator(k: Keyword) -> bool {
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
pub(super) fn read_name(nt: &[&Token], j: usize) -> Option<(String, usize)> {
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
