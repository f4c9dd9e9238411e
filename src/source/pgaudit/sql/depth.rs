//! The two guards that keep hostile SQL from exhausting the stack: before parsing, an
//! estimate of how deep sqlparser's expression tree would get (a text above
//! `MAX_NESTING` is scanned instead of parsed); during the walk, a [`Depth`] carried down
//! every recursive call, which stops descending past `MAX_DEPTH`.
//!
//! Both only count; they must not decide what a statement means. Stopping early costs at
//! most the criteria below the limit, never a panic.

use super::*;

/// How deep the AST walk has gone. Every recursive step of the walk takes one with
/// [`Depth::deeper`], which refuses past `MAX_DEPTH`, so the walk's recursion is bounded
/// whatever the text (one type instead of the check written out at each step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Depth(usize);

impl Depth {
    /// A statement's top level.
    pub(super) const TOP: Depth = Depth(0);

    /// One level down, or `None` when this level is already past the limit: the caller
    /// then returns what it knows so far (nothing).
    pub(super) fn deeper(self) -> Option<Depth> {
        (self.0 <= MAX_DEPTH).then_some(Depth(self.0 + 1))
    }
}

/// An upper bound on how deep sqlparser's expression trees for the text can
/// get, if above the limit.
///
/// Within one comma-separated segment of one parenthesis level, operators
/// chain (`a + b + c` nests once per operator); a parenthesised operand adds
/// its own depth; commas end a chain (list items are siblings). Set
/// operations chain across commas, so they are counted per statement.
/// Subscripts chain too (`a[1][1]`), so `[` counts as an operator.
pub(super) fn nesting_overload(tokens: &[Token]) -> Option<usize> {
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
