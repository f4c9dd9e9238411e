//! The folding engine: any typed text to upper-case ASCII words separated by single
//! spaces (accents transliterated, punctuation dropped or turned into separators by mode),
//! in one pass and without allocating beyond its output.
//!
//! Folding only; it must not know what the text is (a name, a street): the callers choose
//! the mode.

use super::*;

/// Separator waiting to be written before the next alphanumeric byte.
/// Separators are written lazily so that runs collapse and the output is
/// trimmed without a second pass.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sep {
    None,
    Space,
    Hyphen,
    Comma,
}

/// Which punctuation survives folding. `fold` keeps nothing; names keep
/// hyphens and commas because they carry structure ("Smith-Jones",
/// "SMITH, JON"); addresses keep `#` (a unit designator) and hyphens (to
/// rejoin "4-B" after a unit designator).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Plain,
    Name,
    Address,
}

/// How one punctuation byte (ASCII, or the ASCII transliteration of a
/// Unicode punctuation character) affects folding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Punct {
    /// Vanishes without splitting the word: apostrophes in "O'Brien", and
    /// combining marks that deunicode maps to "".
    Join,
    Sep(Sep),
    /// A `#` in an address is a word of its own.
    Hash,
}

pub(super) fn rank(sep: Sep, mode: Mode) -> u8 {
    match (sep, mode) {
        (Sep::None, _) => 0,
        // In addresses a hyphen only glues when it sits directly between two
        // characters ("4-B"); "Apt - 4" must not become one word.
        (Sep::Hyphen, Mode::Address) => 1,
        (Sep::Space, Mode::Address) => 2,
        // In names "Smith - Jones" is still a double-barrelled surname.
        (Sep::Space, _) => 1,
        (Sep::Hyphen, _) => 2,
        (Sep::Comma, _) => 3,
    }
}

pub(super) struct Folder<'a> {
    out: &'a mut String,
    pending: Sep,
    mode: Mode,
}

impl Folder<'_> {
    fn sep(&mut self, sep: Sep) {
        if rank(sep, self.mode) > rank(self.pending, self.mode) {
            self.pending = sep;
        }
    }

    fn byte(&mut self, b: u8) {
        if !self.out.is_empty() {
            match self.pending {
                Sep::None => {}
                Sep::Space => self.out.push(' '),
                Sep::Hyphen => self.out.push('-'),
                Sep::Comma => self.out.push(','),
            }
        }
        self.pending = Sep::None;
        self.out.push(char::from(b.to_ascii_uppercase()));
    }

    fn punct(&mut self, p: Punct) {
        match p {
            Punct::Join => {}
            Punct::Sep(s) => self.sep(s),
            Punct::Hash => {
                self.sep(Sep::Space);
                self.byte(b'#');
                self.pending = Sep::Space;
            }
        }
    }

    /// Feed an ASCII transliteration (or an ASCII char itself).
    fn ascii(&mut self, b: u8) {
        if b.is_ascii_alphanumeric() {
            self.byte(b);
        } else {
            self.punct(classify_ascii_punct(b, self.mode));
        }
    }
}

pub(super) fn classify_ascii_punct(b: u8, mode: Mode) -> Punct {
    match (b, mode) {
        // `fold` is specified as "every non-alphanumeric run -> one space", so
        // a typed apostrophe splits there; only names and addresses glue.
        (b'\'' | b'`', Mode::Name | Mode::Address) => Punct::Join,
        (b'-', Mode::Name | Mode::Address) => Punct::Sep(Sep::Hyphen),
        (b',', Mode::Name) => Punct::Sep(Sep::Comma),
        (b'#', Mode::Address) => Punct::Hash,
        _ => Punct::Sep(Sep::Space),
    }
}

pub(super) fn fold_into(s: &str, mode: Mode, out: &mut String) {
    let mut f = Folder {
        out,
        pending: Sep::None,
        mode,
    };
    for c in s.chars() {
        if c.is_ascii() {
            f.ascii(c as u8);
        } else if c.is_alphanumeric() {
            match deunicode_char(c) {
                Some(t) => {
                    for b in t.bytes() {
                        // Transliterations such as Cyrillic "ь" -> "'" are
                        // artefacts inside a word, never typed punctuation.
                        if b == b'\'' {
                            continue;
                        }
                        f.ascii(b);
                    }
                }
                None => f.sep(Sep::Space),
            }
        } else {
            // Non-alphanumeric Unicode: honour what it looks like ("’" is an
            // apostrophe, "–" a hyphen, U+0301 nothing at all) but never let a
            // symbol's transliterated *name* into the text: deunicode turns
            // emoji into words ("grinning") that would pollute names.
            match deunicode_char(c) {
                Some("") => {}
                Some(t) if t.bytes().all(|b| !b.is_ascii_alphanumeric()) => {
                    for b in t.bytes() {
                        f.punct(classify_ascii_punct(b, mode));
                    }
                }
                _ => f.sep(Sep::Space),
            }
        }
    }
}

pub(super) fn fold_mode(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, mode, &mut out);
    out
}

/// Uppercase ASCII fold: deunicode (accents -> ASCII), uppercase, every run
/// of non-alphanumeric chars -> one space, trimmed.
///
/// Non-alphanumeric Unicode symbols (emoji, dingbats) count as separators
/// rather than being transliterated to their English names.
pub fn fold(s: &str) -> String {
    fold_mode(s, Mode::Plain)
}
