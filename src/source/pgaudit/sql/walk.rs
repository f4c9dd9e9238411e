//! The AST walk: a statement parsed by sqlparser, walked to find which tables it touched,
//! which people it searched for (predicates on the configured subject columns, in
//! disjunctive normal form, `$n` bound to the logged parameters) and which settings it
//! made (`SET`, `set_config`).
//!
//! Walks only what the parser produced; it must not re-read the text (that is the literal
//! scan's job, `scan.rs`), and every recursive step goes through [`Depth`].

use super::*;

/// Disjunctive normal form: each candidate is a conjunction; empty means
/// "nothing known", which is neutral under AND.
pub(super) type Dnf = Vec<Candidate>;

pub(super) fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

pub(super) fn same_candidate(a: &Candidate, b: &Candidate) -> bool {
    a.criteria.len() == b.criteria.len() && a.criteria.iter().all(|c| b.criteria.contains(c))
}

/// What a value expression turned out to be.
pub(super) enum Val {
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

pub(super) enum ColumnRef<'c> {
    Configured(&'c ColumnEntry),
    Other,
    Unknown,
}

/// One FROM item as seen by column references.
pub(super) struct Source {
    /// Alias, or the table name when there is none; "" for an unaliased subquery.
    name: String,
    /// The configured tables behind it (several for a CTE or subquery).
    /// Others are left out: only these can resolve a column, and keeping the
    /// list short keeps resolution cheap on huge FROM lists.
    tables: Vec<String>,
}

#[derive(Default)]
pub(super) struct Scope<'p> {
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
    pub(super) fn child(parent: &'p Scope<'p>) -> Scope<'p> {
        Scope {
            parent: Some(parent),
            ..Scope::default()
        }
    }

    pub(super) fn with_sources(sources: Vec<Source>, parent: &'p Scope<'p>) -> Scope<'p> {
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

    pub(super) fn levels(&self) -> impl Iterator<Item = &Scope<'p>> {
        std::iter::successors(Some(self), |s| s.parent)
    }

    pub(super) fn cte(&self, name: &str) -> Option<&[String]> {
        self.levels()
            .find_map(|l| l.ctes.get(name))
            .map(Vec::as_slice)
    }
}

pub(super) fn ident_lower(i: &ast::Ident) -> String {
    i.value.to_lowercase()
}

pub(super) fn object_parts(name: &ast::ObjectName) -> Vec<&ast::Ident> {
    name.0.iter().filter_map(|p| p.as_ident()).collect()
}

pub(super) fn last_part_lower(name: &ast::ObjectName) -> Option<String> {
    name.0.last().and_then(|p| p.as_ident()).map(ident_lower)
}

pub(super) fn function_name(f: &ast::Function) -> String {
    last_part_lower(&f.name).unwrap_or_default()
}

pub(super) fn function_args(f: &ast::Function) -> Vec<&ast::Expr> {
    match &f.args {
        ast::FunctionArguments::List(list) => arg_exprs(&list.args),
        _ => Vec::new(),
    }
}

pub(super) fn arg_exprs(args: &[ast::FunctionArg]) -> Vec<&ast::Expr> {
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
pub(super) fn flatten<'e>(e: &'e ast::Expr, op: &ast::BinaryOperator) -> Vec<&'e ast::Expr> {
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
pub(super) fn row_items(e: &ast::Expr) -> Option<Vec<&ast::Expr>> {
    match e {
        ast::Expr::Tuple(items) => Some(items.iter().collect()),
        ast::Expr::Function(f) if function_name(f) == "row" => Some(function_args(f)),
        _ => None,
    }
}

pub(super) fn select_item_expr(item: &ast::SelectItem) -> Option<&ast::Expr> {
    match item {
        ast::SelectItem::UnnamedExpr(e)
        | ast::SelectItem::ExprWithAlias { expr: e, .. }
        | ast::SelectItem::ExprWithAliases { expr: e, .. } => Some(e),
        _ => None,
    }
}

pub(super) fn join_condition(op: &ast::JoinOperator) -> Option<&ast::Expr> {
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
pub(super) fn children(e: &ast::Expr) -> Vec<&ast::Expr> {
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

pub(super) struct Analyzer<'a> {
    pub(super) params: &'a [String],
    pub(super) columns: &'a ColumnMap,
    pub(super) facts: StatementFacts,
    pub(super) seen_tables: HashSet<String>,
    pub(super) overflow: bool,
}

impl<'a> Analyzer<'a> {
    pub(super) fn new(params: &'a [String], columns: &'a ColumnMap) -> Self {
        Analyzer {
            params,
            columns,
            facts: StatementFacts::default(),
            seen_tables: HashSet::new(),
            overflow: false,
        }
    }

    pub(super) fn start(&mut self, command: String) {
        self.facts = StatementFacts {
            command,
            ..StatementFacts::default()
        };
        self.seen_tables.clear();
        self.overflow = false;
    }

    pub(super) fn finish(&mut self, candidates: Dnf) -> StatementFacts {
        let mut facts = std::mem::take(&mut self.facts);
        facts.candidates = candidates;
        if self.overflow {
            facts.unresolved.push(CANDIDATE_LIMIT.to_string());
        }
        facts
    }

    pub(super) fn analyse_statement(&mut self, s: &ast::Statement) -> StatementFacts {
        self.start(command_of(s));
        let root = Scope::default();
        let dnf = self.statement(s, &root, Depth::TOP);
        self.finish(dnf)
    }

    pub(super) fn add_table(&mut self, table: &str) {
        if !table.is_empty() && self.seen_tables.insert(table.to_string()) {
            self.facts.tables.push(table.to_string());
        }
    }

    /// Tables a FROM item can resolve columns through: configured ones only.
    pub(super) fn configured_tables(
        &self,
        tables: impl IntoIterator<Item = String>,
    ) -> Vec<String> {
        dedup(tables.into_iter().filter(|t| self.columns.has_table(t)))
    }

    pub(super) fn push_unresolved(&mut self, text: String) {
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

    pub(super) fn push_candidate(&mut self, out: &mut Dnf, c: Candidate) {
        if c.criteria.is_empty() || out.iter().any(|o| same_candidate(o, &c)) {
            return;
        }
        if out.len() >= MAX_CANDIDATES {
            self.overflow = true;
            return;
        }
        out.push(c);
    }

    pub(super) fn and(&mut self, a: Dnf, b: Dnf) -> Dnf {
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

    pub(super) fn or(&mut self, mut a: Dnf, b: Dnf) -> Dnf {
        for c in b {
            self.push_candidate(&mut a, c);
        }
        a
    }

    pub(super) fn single(
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

    pub(super) fn statement(&mut self, s: &ast::Statement, scope: &Scope, depth: Depth) -> Dnf {
        use ast::Statement as S;
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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

    pub(super) fn set_statement(&mut self, set: &ast::Set, scope: &Scope, depth: Depth) {
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

    pub(super) fn setting_value(
        &self,
        e: &ast::Expr,
        scope: &Scope,
        depth: Depth,
    ) -> Option<String> {
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
    pub(super) fn query(
        &mut self,
        q: &ast::Query,
        parent: &Scope,
        depth: Depth,
    ) -> (Dnf, Vec<String>) {
        let Some(depth) = depth.deeper() else {
            return (Vec::new(), Vec::new());
        };
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

    pub(super) fn set_expr(
        &mut self,
        e: &ast::SetExpr,
        scope: &Scope,
        depth: Depth,
    ) -> (Dnf, Vec<String>) {
        use ast::SetExpr as X;
        let Some(depth) = depth.deeper() else {
            return (Vec::new(), Vec::new());
        };
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

    pub(super) fn select(
        &mut self,
        s: &ast::Select,
        parent: &Scope,
        depth: Depth,
    ) -> (Dnf, Vec<String>) {
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
    pub(super) fn filtered(
        &mut self,
        items: &[&ast::TableWithJoins],
        side: &[&ast::Expr],
        filters: &[Option<&ast::Expr>],
        parent: &Scope,
        depth: Depth,
    ) -> (Dnf, Vec<String>) {
        let Some(depth) = depth.deeper() else {
            return (Vec::new(), Vec::new());
        };
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

    pub(super) fn add_from_item<'q>(
        &mut self,
        item: &'q ast::TableWithJoins,
        sources: &mut Vec<Source>,
        scope: &Scope,
        ons: &mut Vec<&'q ast::Expr>,
        dnf: &mut Dnf,
        depth: Depth,
    ) {
        self.table_factor(&item.relation, sources, scope, ons, dnf, depth);
        for join in &item.joins {
            self.table_factor(&join.relation, sources, scope, ons, dnf, depth);
            ons.extend(join_condition(&join.join_operator));
        }
    }

    pub(super) fn table_factor<'q>(
        &mut self,
        tf: &'q ast::TableFactor,
        sources: &mut Vec<Source>,
        scope: &Scope,
        ons: &mut Vec<&'q ast::Expr>,
        dnf: &mut Dnf,
        depth: Depth,
    ) {
        use ast::TableFactor as T;
        let Some(depth) = depth.deeper() else {
            return;
        };
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

    pub(super) fn pred(&mut self, e: &ast::Expr, scope: &Scope, depth: Depth) -> Dnf {
        use ast::BinaryOperator as B;
        use ast::Expr as E;
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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
    pub(super) fn discard(&mut self, e: &ast::Expr, scope: &Scope, depth: Depth) -> Dnf {
        self.generic(e, scope, depth);
        Vec::new()
    }

    pub(super) fn column_of(
        &self,
        e: &ast::Expr,
        scope: &Scope,
        depth: Depth,
    ) -> Option<&'a ColumnEntry> {
        use ast::Expr as E;
        let depth = depth.deeper()?;
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

    pub(super) fn resolve(&self, parts: &[ast::Ident], scope: &Scope) -> ColumnRef<'a> {
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
    pub(super) fn compare(
        &mut self,
        left: &ast::Expr,
        right: &ast::Expr,
        op: Op,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: Depth,
    ) -> Dnf {
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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

    pub(super) fn criterion(
        &mut self,
        entry: &ColumnEntry,
        op: Op,
        value: &ast::Expr,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: Depth,
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

    pub(super) fn escape_char(
        &self,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: Depth,
    ) -> Option<char> {
        match escape {
            None => Some('\\'),
            Some(e) => match self.value(e, scope, depth) {
                Val::Known { value, .. } => value.chars().next(),
                _ => Some('\\'),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn like(
        &mut self,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        any: bool,
        escape: Option<&ast::Expr>,
        op: Op,
        scope: &Scope,
        depth: Depth,
    ) -> Dnf {
        if any {
            self.any(expr, pattern, op, escape, scope, depth)
        } else {
            self.compare(expr, pattern, op, escape, scope, depth)
        }
    }

    pub(super) fn in_list(
        &mut self,
        expr: &ast::Expr,
        target: &ast::InTarget,
        scope: &Scope,
        depth: Depth,
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
    pub(super) fn subquery_values(
        &mut self,
        expr: &ast::Expr,
        q: &ast::Query,
        how: &str,
        scope: &Scope,
        depth: Depth,
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
    pub(super) fn any(
        &mut self,
        expr: &ast::Expr,
        list: &ast::Expr,
        op: Op,
        escape: Option<&ast::Expr>,
        scope: &Scope,
        depth: Depth,
    ) -> Dnf {
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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

    pub(super) fn list_values(
        &self,
        e: &ast::Expr,
        scope: &Scope,
        depth: Depth,
        out: &mut Vec<ListItem>,
    ) {
        use ast::Expr as E;
        let Some(depth) = depth.deeper() else {
            return;
        };
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

    pub(super) fn value(&self, e: &ast::Expr, scope: &Scope, depth: Depth) -> Val {
        use ast::Expr as E;
        let Some(depth) = depth.deeper() else {
            return Val::Unknown;
        };
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
    pub(super) fn concat(
        &self,
        parts: Vec<&ast::Expr>,
        skip_nulls: bool,
        scope: &Scope,
        depth: Depth,
    ) -> Val {
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

    pub(super) fn literal(&self, v: &ast::Value) -> Val {
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

    pub(super) fn bind(&self, placeholder: &str) -> Val {
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

    pub(super) fn generic_all<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e ast::Expr>,
        scope: &Scope,
        depth: Depth,
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
    pub(super) fn generic(&mut self, e: &ast::Expr, scope: &Scope, depth: Depth) -> Dnf {
        use ast::Expr as E;
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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

    pub(super) fn function(&mut self, f: &ast::Function, scope: &Scope, depth: Depth) -> Dnf {
        let Some(depth) = depth.deeper() else {
            return Vec::new();
        };
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

    pub(super) fn set_config(&mut self, f: &ast::Function, scope: &Scope, depth: Depth) {
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

    pub(super) fn truthy(&self, e: &ast::Expr, scope: &Scope, depth: Depth) -> bool {
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
}

pub(super) fn command_of(s: &ast::Statement) -> String {
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
