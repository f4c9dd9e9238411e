//! Normalisers and comparators for identity fields (names, dates of birth,
//! plates, phones, addresses) as they are typed into search screens and as
//! they are stored in person records.
//!
//! Everything here runs once or more per audited event, so it is pure,
//! allocation-light (no regex, static tables only) and total: every function
//! accepts arbitrary Unicode and never panics.
//!
//! What this module must not do: decide whether a lookup is suspicious, hold
//! any state, log or echo its inputs (they are personal data), or reach for
//! fuzzy matching beyond a single edit. It only says how two typed values
//! compare; the scoring and its thresholds belong to the callers.

use chrono::NaiveDate;
use deunicode::deunicode_char;

// ---------------------------------------------------------------------------
// Folding engine
// ---------------------------------------------------------------------------

/// Separator waiting to be written before the next alphanumeric byte.
/// Separators are written lazily so that runs collapse and the output is
/// trimmed without a second pass.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
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
enum Mode {
    Plain,
    Name,
    Address,
}

/// How one punctuation byte (ASCII, or the ASCII transliteration of a
/// Unicode punctuation character) affects folding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Punct {
    /// Vanishes without splitting the word: apostrophes in "O'Brien", and
    /// combining marks that deunicode maps to "".
    Join,
    Sep(Sep),
    /// A `#` in an address is a word of its own.
    Hash,
}

fn rank(sep: Sep, mode: Mode) -> u8 {
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

struct Folder<'a> {
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

fn classify_ascii_punct(b: u8, mode: Mode) -> Punct {
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

fn fold_into(s: &str, mode: Mode, out: &mut String) {
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

fn fold_mode(s: &str, mode: Mode) -> String {
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

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/// A parsed person name. `last` is the folded surname with
/// spaces/hyphens/apostrophes removed ("O'Brien" -> "OBRIEN",
/// "van der Berg" -> "VANDERBERG", "Smith-Jones" -> "SMITHJONES").
/// `first` is the folded first given name as typed ("BOB"),
/// `first_canonical` its nickname-canonical form ("ROBERT"), and `middle`
/// holds further given names or initials, folded ("A", "ANNE").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PersonName {
    pub last: String,
    pub first: String,
    pub first_canonical: String,
    pub middle: Vec<String>,
}

/// Nickname -> canonical given name, sorted by nickname for binary search.
/// Ambiguous nicknames (SAM, PAT, CHRIS, TED) map to one canonical name on
/// purpose: a wrong merge only lowers a grade to `Nickname`, never to `Exact`.
const NICKNAMES: &[(&str, &str)] = &[
    ("ABBIE", "ABIGAIL"),
    ("ABBY", "ABIGAIL"),
    ("ABE", "ABRAHAM"),
    ("ADDIE", "ADELAIDE"),
    ("AGGIE", "AGNES"),
    ("AL", "ALBERT"),
    ("ALBIE", "ALBERT"),
    ("ALEX", "ALEXANDER"),
    ("ALF", "ALFRED"),
    ("ALFIE", "ALFRED"),
    ("ANDIE", "ANDREA"),
    ("ANDY", "ANDREW"),
    ("ANGIE", "ANGELA"),
    ("ANN", "ANNE"),
    ("ANNIE", "ANNE"),
    ("ANTONY", "ANTHONY"),
    ("ARCHIE", "ARCHIBALD"),
    ("ART", "ARTHUR"),
    ("ARTIE", "ARTHUR"),
    ("BARB", "BARBARA"),
    ("BARNEY", "BARNABY"),
    ("BEA", "BEATRICE"),
    ("BECCA", "REBECCA"),
    ("BECKIE", "REBECCA"),
    ("BECKY", "REBECCA"),
    ("BEE", "BEATRICE"),
    ("BELLA", "ISABEL"),
    ("BEN", "BENJAMIN"),
    ("BENNY", "BENJAMIN"),
    ("BERNIE", "BERNARD"),
    ("BERT", "ALBERT"),
    ("BESS", "ELIZABETH"),
    ("BESSIE", "ELIZABETH"),
    ("BETH", "ELIZABETH"),
    ("BETSY", "ELIZABETH"),
    ("BETTY", "ELIZABETH"),
    ("BILL", "WILLIAM"),
    ("BILLY", "WILLIAM"),
    ("BOB", "ROBERT"),
    ("BOBBY", "ROBERT"),
    ("BRAD", "BRADLEY"),
    ("CAL", "CALVIN"),
    ("CAM", "CAMERON"),
    ("CARRIE", "CAROLINE"),
    ("CASS", "CASSANDRA"),
    ("CASSIE", "CASSANDRA"),
    ("CATHERINE", "KATHERINE"),
    ("CATHY", "KATHERINE"),
    ("CHARLIE", "CHARLES"),
    ("CHELO", "CONSUELO"),
    ("CHEPE", "JOSE"),
    ("CHET", "CHESTER"),
    ("CHRIS", "CHRISTOPHER"),
    ("CHRISSY", "CHRISTINA"),
    ("CHRISTY", "CHRISTINA"),
    ("CHUCK", "CHARLES"),
    ("CHUY", "JESUS"),
    ("CINDY", "CYNTHIA"),
    ("CLEM", "CLEMENT"),
    ("CLIFF", "CLIFFORD"),
    ("CONCHA", "CONCEPCION"),
    ("CONNIE", "CONSTANCE"),
    ("CURT", "CURTIS"),
    ("DAN", "DANIEL"),
    ("DANI", "DANIELLE"),
    ("DANNY", "DANIEL"),
    ("DAVE", "DAVID"),
    ("DAVEY", "DAVID"),
    ("DEB", "DEBORAH"),
    ("DEBBIE", "DEBORAH"),
    ("DEBRA", "DEBORAH"),
    ("DEE", "DEIRDRE"),
    ("DENNY", "DENNIS"),
    ("DES", "DESMOND"),
    ("DICK", "RICHARD"),
    ("DICKIE", "RICHARD"),
    ("DOLLY", "DOROTHY"),
    ("DOM", "DOMINIC"),
    ("DON", "DONALD"),
    ("DONNIE", "DONALD"),
    ("DOT", "DOROTHY"),
    ("DOTTIE", "DOROTHY"),
    ("DOTTY", "DOROTHY"),
    ("DOUG", "DOUGLAS"),
    ("DREW", "ANDREW"),
    ("ED", "EDWARD"),
    ("EDDIE", "EDWARD"),
    ("EDDY", "EDWARD"),
    ("EFFIE", "EUPHEMIA"),
    ("ELISE", "ELIZABETH"),
    ("ELIZA", "ELIZABETH"),
    ("ELLIE", "ELEANOR"),
    ("ELSIE", "ELIZABETH"),
    ("EMMIE", "EMILY"),
    ("EMMY", "EMILY"),
    ("ERNIE", "ERNEST"),
    ("EVIE", "EVELYN"),
    ("FLO", "FLORENCE"),
    ("FLOSSIE", "FLORENCE"),
    ("FRAN", "FRANCES"),
    ("FRANK", "FRANCIS"),
    ("FRANKIE", "FRANCIS"),
    ("FRANNIE", "FRANCES"),
    ("FRED", "FREDERICK"),
    ("FREDDIE", "FREDERICK"),
    ("FREDDY", "FREDERICK"),
    ("GABBY", "GABRIELLE"),
    ("GABE", "GABRIEL"),
    ("GENE", "EUGENE"),
    ("GEOFF", "JEFFREY"),
    ("GEOFFREY", "JEFFREY"),
    ("GERRY", "GERALD"),
    ("GINGER", "VIRGINIA"),
    ("GINNY", "VIRGINIA"),
    ("GREG", "GREGORY"),
    ("GRETA", "MARGARET"),
    ("GRETCHEN", "MARGARET"),
    ("GUS", "AUGUSTUS"),
    ("GWEN", "GWENDOLYN"),
    ("HAL", "HAROLD"),
    ("HANK", "HENRY"),
    ("HARRY", "HAROLD"),
    ("HATTIE", "HARRIET"),
    ("HERB", "HERBERT"),
    ("IKE", "ISAAC"),
    ("ISABELLA", "ISABEL"),
    ("ISOBEL", "ISABEL"),
    ("IZZY", "ISABEL"),
    ("JACK", "JOHN"),
    ("JACKIE", "JACQUELINE"),
    ("JACKY", "JACQUELINE"),
    ("JAKE", "JACOB"),
    ("JAKOB", "JACOB"),
    ("JAMIE", "JAMES"),
    ("JAN", "JANET"),
    ("JANIE", "JANE"),
    ("JEFF", "JEFFREY"),
    ("JEFFERY", "JEFFREY"),
    ("JEN", "JENNIFER"),
    ("JENNY", "JENNIFER"),
    ("JERRY", "GERALD"),
    ("JESS", "JESSICA"),
    ("JESSIE", "JESSICA"),
    ("JILL", "JILLIAN"),
    ("JIM", "JAMES"),
    ("JIMMY", "JAMES"),
    ("JO", "JOANNA"),
    ("JODY", "JOSEPHINE"),
    ("JOE", "JOSEPH"),
    ("JOEY", "JOSEPH"),
    ("JOHNNIE", "JOHN"),
    ("JOHNNY", "JOHN"),
    ("JON", "JOHN"),
    ("JOSEFA", "JOSEFINA"),
    ("JOSH", "JOSHUA"),
    ("JOSIE", "JOSEPHINE"),
    ("JUDY", "JUDITH"),
    ("JULES", "JULIUS"),
    ("JULIE", "JULIA"),
    ("KAT", "KATHERINE"),
    ("KATE", "KATHERINE"),
    ("KATHLEEN", "KATHERINE"),
    ("KATHRYN", "KATHERINE"),
    ("KATHY", "KATHERINE"),
    ("KATIE", "KATHERINE"),
    ("KATY", "KATHERINE"),
    ("KAY", "KATHERINE"),
    ("KEN", "KENNETH"),
    ("KENNY", "KENNETH"),
    ("KIM", "KIMBERLY"),
    ("KIT", "CHRISTOPHER"),
    ("KITTY", "KATHERINE"),
    ("LALO", "EDUARDO"),
    ("LARRY", "LAWRENCE"),
    ("LAURENCE", "LAWRENCE"),
    ("LEN", "LEONARD"),
    ("LENNY", "LEONARD"),
    ("LEO", "LEONARD"),
    ("LEW", "LEWIS"),
    ("LIBBY", "ELIZABETH"),
    ("LIZ", "ELIZABETH"),
    ("LIZA", "ELIZABETH"),
    ("LIZZIE", "ELIZABETH"),
    ("LIZZY", "ELIZABETH"),
    ("LOU", "LOUIS"),
    ("LOUIE", "LOUIS"),
    ("LUKE", "LUCAS"),
    ("LULU", "LOUISE"),
    ("LUPE", "GUADALUPE"),
    ("MADDIE", "MADELINE"),
    ("MADDY", "MADELINE"),
    ("MAGGIE", "MARGARET"),
    ("MAMIE", "MARY"),
    ("MANDI", "AMANDA"),
    ("MANDY", "AMANDA"),
    ("MANNY", "MANUEL"),
    ("MARGE", "MARGARET"),
    ("MARGIE", "MARGARET"),
    ("MARGO", "MARGARET"),
    ("MARTY", "MARTIN"),
    ("MATT", "MATTHEW"),
    ("MAX", "MAXIMILIAN"),
    ("MEG", "MARGARET"),
    ("MEL", "MELVIN"),
    ("MEMO", "GUILLERMO"),
    ("MICK", "MICHAEL"),
    ("MICKEY", "MICHAEL"),
    ("MIKE", "MICHAEL"),
    ("MIKEY", "MICHAEL"),
    ("MILLIE", "MILDRED"),
    ("MIMI", "MIRIAM"),
    ("MINNIE", "WILHELMINA"),
    ("MISSY", "MELISSA"),
    ("MITCH", "MITCHELL"),
    ("MO", "MAURICE"),
    ("MOE", "MAURICE"),
    ("MOLLY", "MARY"),
    ("MONTY", "MONTGOMERY"),
    ("NACHO", "IGNACIO"),
    ("NAN", "ANNE"),
    ("NAT", "NATHANIEL"),
    ("NATE", "NATHAN"),
    ("NATTIE", "NATALIE"),
    ("NED", "EDWARD"),
    ("NELL", "ELEANOR"),
    ("NELLIE", "ELEANOR"),
    ("NESSA", "VANESSA"),
    ("NESSIE", "AGNES"),
    ("NICK", "NICHOLAS"),
    ("NICKI", "NICOLE"),
    ("NICKY", "NICHOLAS"),
    ("NICOLA", "NICOLE"),
    ("NICOLAS", "NICHOLAS"),
    ("NIKKI", "NICOLE"),
    ("OLLIE", "OLIVER"),
    ("OZZIE", "OSWALD"),
    ("PACO", "FRANCISCO"),
    ("PADDY", "PATRICK"),
    ("PAM", "PAMELA"),
    ("PANCHO", "FRANCISCO"),
    ("PAT", "PATRICIA"),
    ("PATSY", "PATRICIA"),
    ("PATTI", "PATRICIA"),
    ("PATTY", "PATRICIA"),
    ("PAULIE", "PAUL"),
    ("PEG", "MARGARET"),
    ("PEGGY", "MARGARET"),
    ("PENNY", "PENELOPE"),
    ("PEPE", "JOSE"),
    ("PERCY", "PERCIVAL"),
    ("PETE", "PETER"),
    ("PHIL", "PHILIP"),
    ("PHILLIP", "PHILIP"),
    ("PILI", "PILAR"),
    ("POLLY", "MARY"),
    ("QUIQUE", "ENRIQUE"),
    ("RAFA", "RAFAEL"),
    ("RANDY", "RANDOLPH"),
    ("RAY", "RAYMOND"),
    ("REG", "REGINALD"),
    ("REGGIE", "REGINALD"),
    ("RICH", "RICHARD"),
    ("RICHIE", "RICHARD"),
    ("RICK", "RICHARD"),
    ("RICKY", "RICHARD"),
    ("RIKKI", "ERICA"),
    ("RITA", "MARGARITA"),
    ("ROB", "ROBERT"),
    ("ROBBIE", "ROBERT"),
    ("ROBBY", "ROBERT"),
    ("RON", "RONALD"),
    ("RONI", "VERONICA"),
    ("RONNI", "VERONICA"),
    ("RONNIE", "RONALD"),
    ("ROSIE", "ROSE"),
    ("ROXY", "ROXANNE"),
    ("RUDY", "RUDOLPH"),
    ("RUSS", "RUSSELL"),
    ("SADIE", "SARAH"),
    ("SALLY", "SARAH"),
    ("SAM", "SAMUEL"),
    ("SAMMY", "SAMUEL"),
    ("SANDY", "SANDRA"),
    ("SARA", "SARAH"),
    ("SHELLEY", "MICHELLE"),
    ("SHELLY", "MICHELLE"),
    ("SHERRY", "SHARON"),
    ("SID", "SIDNEY"),
    ("SOPHIE", "SOPHIA"),
    ("STAN", "STANLEY"),
    ("STEFFI", "STEPHANIE"),
    ("STEPH", "STEPHANIE"),
    ("STEPHEN", "STEVEN"),
    ("STEVE", "STEVEN"),
    ("STEVIE", "STEVEN"),
    ("STU", "STUART"),
    ("SUE", "SUSAN"),
    ("SUKI", "SUSAN"),
    ("SUSANNA", "SUSAN"),
    ("SUSANNAH", "SUSAN"),
    ("SUSIE", "SUSAN"),
    ("SUZANNE", "SUSAN"),
    ("SUZIE", "SUSAN"),
    ("SUZY", "SUSAN"),
    ("SYD", "SYDNEY"),
    ("TAMMY", "TAMARA"),
    ("TASHA", "NATASHA"),
    ("TED", "EDWARD"),
    ("TEDDY", "EDWARD"),
    ("TERESA", "THERESA"),
    ("TERRY", "TERENCE"),
    ("TESS", "THERESA"),
    ("TESSA", "THERESA"),
    ("THEO", "THEODORE"),
    ("TIM", "TIMOTHY"),
    ("TIMMY", "TIMOTHY"),
    ("TINA", "CHRISTINA"),
    ("TOBY", "TOBIAS"),
    ("TOM", "THOMAS"),
    ("TOMMY", "THOMAS"),
    ("TONI", "ANTONIA"),
    ("TONO", "ANTONIO"),
    ("TONY", "ANTHONY"),
    ("TORI", "VICTORIA"),
    ("TRICIA", "PATRICIA"),
    ("TRINA", "KATRINA"),
    ("TRISH", "PATRICIA"),
    ("TRIXIE", "BEATRICE"),
    ("TRUDY", "GERTRUDE"),
    ("VAL", "VALERIE"),
    ("VERN", "VERNON"),
    ("VIC", "VICTOR"),
    ("VICKI", "VICTORIA"),
    ("VICKY", "VICTORIA"),
    ("VINCE", "VINCENT"),
    ("VINNIE", "VINCENT"),
    ("VINNY", "VINCENT"),
    ("WALLY", "WALTER"),
    ("WALT", "WALTER"),
    ("WES", "WESLEY"),
    ("WILL", "WILLIAM"),
    ("WILLIE", "WILLIAM"),
    ("WILLY", "WILLIAM"),
    ("WILMA", "WILHELMINA"),
    ("WINNIE", "WINIFRED"),
    ("XANDER", "ALEXANDER"),
    ("ZACH", "ZACHARY"),
    ("ZACK", "ZACHARY"),
    ("ZEKE", "EZEKIEL"),
];

/// Allocation-free form of [`canonical_first`] for the hot path: the
/// canonical given name for a folded first name, or the input itself.
pub fn canonical_first_ref(first_folded: &str) -> &str {
    match NICKNAMES.binary_search_by(|(nick, _)| (*nick).cmp(first_folded)) {
        Ok(i) => NICKNAMES.get(i).map_or(first_folded, |(_, canon)| *canon),
        Err(_) => first_folded,
    }
}

/// Canonical given name for a folded first name ("BOB" -> "ROBERT"); names
/// without a known nickname come back unchanged. Expects folded input.
pub fn canonical_first(first_folded: &str) -> String {
    canonical_first_ref(first_folded).to_owned()
}

fn is_title(tok: &str) -> bool {
    matches!(tok, "MR" | "MRS" | "MS" | "MISS" | "MX" | "DR" | "PROF")
}

/// "V" is deliberately absent: in "SMITH, JOHN V" it is far more often a
/// middle initial than a generational suffix.
fn is_suffix(tok: &str) -> bool {
    matches!(
        tok,
        "JR" | "SR" | "II" | "III" | "IV" | "2ND" | "3RD" | "ESQ"
    )
}

/// Surname particles that belong to the surname when a name is
/// typed "First Last" ("Jan van der Berg", "Maria de la Cruz").
fn is_particle(tok: &str) -> bool {
    matches!(
        tok,
        "DA" | "DAL"
            | "DAS"
            | "DE"
            | "DEL"
            | "DELA"
            | "DELLA"
            | "DEN"
            | "DER"
            | "DES"
            | "DI"
            | "DOS"
            | "DU"
            | "LA"
            | "LE"
            | "MAC"
            | "MC"
            | "ST"
            | "TEN"
            | "TER"
            | "VAN"
            | "VON"
    )
}

fn has_letter(tok: &str) -> bool {
    tok.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Words of a name segment that carry a name: no empty pieces and no pure
/// numbers (badge numbers, dates pasted into the name box).
fn name_words(seg: &str) -> impl DoubleEndedIterator<Item = &str> + Clone {
    seg.split(' ').filter(|t| has_letter(t))
}

/// Drop leading titles and trailing generational suffixes from one
/// comma-free segment of a name-folded string.
fn trim_affixes(seg: &str) -> &str {
    let mut s = seg;
    while let Some((head, rest)) = split_first_word(s) {
        if is_title(head) || !has_letter(head) {
            s = rest;
        } else {
            break;
        }
    }
    while let Some((rest, tail)) = split_last_word(s) {
        if is_suffix(tail) || !has_letter(tail) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn split_first_word(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(s.split_once(' ').unwrap_or((s, "")))
}

fn split_last_word(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(s.rsplit_once(' ').unwrap_or(("", s)))
}

/// Append a surname word with its hyphens dropped.
fn push_surname_word(out: &mut String, word: &str) {
    out.extend(word.chars().filter(|c| *c != '-'));
}

/// Fill `first` and `middle` from given-name words. Hyphenated given names
/// are split ("MARY-JANE" -> first "MARY", middle "JANE") so that a record
/// holding just "MARY" still agrees exactly.
fn fill_given<'a>(name: &mut PersonName, words: impl Iterator<Item = &'a str>) {
    for part in words.flat_map(|w| w.split('-')).filter(|p| has_letter(p)) {
        if name.first.is_empty() {
            name.first.push_str(part);
        } else {
            name.middle.push(part.to_owned());
        }
    }
    name.first_canonical = canonical_first(&name.first);
}

/// Parse a whole name as typed: "SMITH, JON A", "Smith,Jon", "Jon A. Smith",
/// "jon smith", "Dr. Jane Smith Jr.", "Smith" (surname only, `first`
/// empty). Titles (Mr Mrs Ms Miss Mx Dr Prof) and suffixes (Jr Sr II III IV
/// Esq) are dropped, as are purely numeric words.
///
/// Without a comma the order is "First \[Middle\] Last", with two exceptions:
/// surname particles before the last word join the surname ("Jan van der
/// Berg" -> "VANDERBERG"), and a single-letter final word is read as a
/// middle initial of the records-system order "LAST FIRST M" ("SMITH JON A").
/// Returns None when nothing alphabetic is left.
pub fn parse_full_name(s: &str) -> Option<PersonName> {
    // A comma before any name (", Jane") means the surname was left blank;
    // folding drops leading separators, so look at the raw text.
    if s.chars()
        .take_while(|c| !c.is_alphanumeric())
        .any(|c| matches!(c, ',' | '\u{FF0C}'))
    {
        return None;
    }
    let folded = fold_mode(s, Mode::Name);
    // Segments without letters are noise (an ID pasted before the name);
    // a surname segment that only held a title ("Dr., Jane") is not.
    let mut segs = folded
        .split(',')
        .filter(|g| has_letter(g))
        .map(trim_affixes);
    let head = segs.next().filter(|h| has_letter(h))?;
    let mut segs = segs.filter(|g| has_letter(g));
    let mut name = PersonName::default();

    if let Some(second) = segs.next() {
        for w in name_words(head) {
            push_surname_word(&mut name.last, w);
        }
        fill_given(
            &mut name,
            name_words(second).chain(segs.flat_map(name_words)),
        );
        return Some(name);
    }

    let words = name_words(head);
    let n = words.clone().count();
    let last_is_initial = words
        .clone()
        .next_back()
        .is_some_and(|w| w.len() == 1 && n >= 2);
    if last_is_initial {
        let mut it = words;
        if let Some(w) = it.next() {
            push_surname_word(&mut name.last, w);
        }
        fill_given(&mut name, it);
        return Some(name);
    }

    // Surname = last word plus any particles right before it, but always
    // leave at least one word for the given name ("Van Quillby").
    let mut surname_len = 1;
    for w in words.clone().rev().skip(1) {
        if surname_len + 1 < n && is_particle(w) {
            surname_len += 1;
        } else {
            break;
        }
    }
    let given_len = n.saturating_sub(surname_len);
    for w in words.clone().skip(given_len) {
        push_surname_word(&mut name.last, w);
    }
    fill_given(&mut name, words.take(given_len));
    (!name.last.is_empty()).then_some(name)
}

/// Build a name from separate surname and given-name fields. `first` may
/// hold middle names or initials ("Jane A."); `last` may carry a suffix
/// ("Smith Jr"). When `first` is blank and `last` holds a comma, the whole
/// name was typed into the surname box and is parsed as such.
/// None if the surname is empty after folding.
pub fn name_from_parts(last: &str, first: &str) -> Option<PersonName> {
    let folded_first = fold_mode(first, Mode::Name);
    let folded_last = fold_mode(last, Mode::Name);
    let first_blank = !has_letter(&folded_first);
    if first_blank && folded_last.contains(',') {
        return parse_full_name(last);
    }

    let mut name = PersonName::default();
    for seg in folded_last.split(',') {
        for w in name_words(trim_affixes(seg)) {
            push_surname_word(&mut name.last, w);
        }
    }
    if name.last.is_empty() {
        return None;
    }
    fill_given(
        &mut name,
        folded_first
            .split(',')
            .flat_map(|seg| name_words(trim_affixes(seg))),
    );
    Some(name)
}

/// How well two names agree: the four matching grades strongest first, then
/// `Conflict` (different people, as far as the names go) and `Unknown` (the
/// surnames agree but one side has no given name to compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameAgreement {
    Exact,
    Nickname,
    Initial,
    Typo,
    Conflict,
    Unknown,
}

impl NameAgreement {
    /// True for the grades that identify the same person (Exact down to Typo).
    pub fn is_match(self) -> bool {
        matches!(
            self,
            NameAgreement::Exact
                | NameAgreement::Nickname
                | NameAgreement::Initial
                | NameAgreement::Typo
        )
    }

    /// Strength for picking the better of two readings; the enum order is
    /// the documented one, not this ranking (Unknown beats Conflict).
    fn strength(self) -> u8 {
        match self {
            NameAgreement::Exact => 5,
            NameAgreement::Nickname => 4,
            NameAgreement::Initial => 3,
            NameAgreement::Typo => 2,
            NameAgreement::Unknown => 1,
            NameAgreement::Conflict => 0,
        }
    }
}

/// Typos are only credible on longer words: "LI" vs "LE" or "ANN" vs "AN"
/// are different names, not slips of the finger.
const MIN_TYPO_LEN: usize = 4;

/// A typo is only believable between names long enough to be told apart: the longer
/// has at least four letters and the shorter at least three ("JHN" for "JOHN").
fn long_enough(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    la.max(lb) >= MIN_TYPO_LEN && la.min(lb) >= MIN_TYPO_LEN - 1
}

fn surname_grade(a: &str, b: &str, allow_typo: bool) -> NameAgreement {
    if a.is_empty() || b.is_empty() {
        NameAgreement::Conflict
    } else if a == b {
        NameAgreement::Exact
    } else if allow_typo && long_enough(a, b) && within_one_edit(a, b) {
        NameAgreement::Typo
    } else {
        NameAgreement::Conflict
    }
}

/// A given name as seen by one reading of a comparison. `canonical` is None
/// when the word came from a surname field and has no stored canonical form;
/// it is then looked up only if the cheaper checks fail.
#[derive(Clone, Copy)]
struct Given<'a> {
    folded: &'a str,
    canonical: Option<&'a str>,
}

impl<'a> Given<'a> {
    fn of(n: &'a PersonName) -> Self {
        let canonical = (!n.first_canonical.is_empty()).then_some(n.first_canonical.as_str());
        Given {
            folded: &n.first,
            canonical,
        }
    }

    fn from_surname(s: &'a str) -> Self {
        Given {
            folded: s,
            canonical: None,
        }
    }

    fn canonical(self) -> &'a str {
        self.canonical
            .unwrap_or_else(|| canonical_first_ref(self.folded))
    }
}

fn given_grade(a: Given<'_>, b: Given<'_>, allow_typo: bool) -> NameAgreement {
    let (fa, fb) = (a.folded, b.folded);
    if fa.is_empty() || fb.is_empty() {
        return NameAgreement::Unknown;
    }
    if fa == fb {
        return NameAgreement::Exact;
    }
    // Checked before nicknames because it needs no table lookup; the order
    // cannot change a grade since no canonical name is a single letter.
    let initial_of = |short: &str, long: &str| {
        short.len() == 1 && long.as_bytes().first() == short.as_bytes().first()
    };
    if initial_of(fa, fb) || initial_of(fb, fa) {
        return NameAgreement::Initial;
    }
    let (ca, cb) = (a.canonical(), b.canonical());
    if ca == cb {
        return NameAgreement::Nickname;
    }
    // A short form typed for a long one ("DOT" for "DOROTHY", "ALEX" for "ALEXANDRA")
    // that no table lists is graded like a typo: believable only with other evidence.
    let short_form = |x: &str, y: &str| x.len() >= 3 && x.len() < y.len() && y.starts_with(x);
    if allow_typo
        && ((long_enough(fa, fb) && within_one_edit(fa, fb))
            || (long_enough(ca, cb) && within_one_edit(ca, cb))
            || short_form(fa, fb)
            || short_form(fb, fa))
    {
        return NameAgreement::Typo;
    }
    NameAgreement::Conflict
}

/// One reading of a comparison: which strings are compared as surnames and
/// which as given names. The given names are only graded once the surnames
/// agree, which keeps the (common) non-matching case cheap.
fn reading(sa: &str, sb: &str, ga: Given<'_>, gb: Given<'_>, allow_typo: bool) -> NameAgreement {
    match surname_grade(sa, sb, allow_typo) {
        NameAgreement::Conflict => NameAgreement::Conflict,
        surname => match given_grade(ga, gb, allow_typo) {
            g @ (NameAgreement::Conflict | NameAgreement::Unknown) => g,
            _ if surname == NameAgreement::Typo => NameAgreement::Typo,
            g => g,
        },
    }
}

/// Compare two parsed names. Surnames must be equal, or within one edit when
/// `allow_typo` (4+ letters), else `Conflict`. Given names grade as:
/// equal -> `Exact`; same canonical -> `Nickname`; one side a single initial
/// of the other -> `Initial`; within one edit (folded or canonical, 4+
/// letters) with `allow_typo` -> `Typo`; one side missing -> `Unknown`;
/// otherwise `Conflict`. A surname typo caps the result at `Typo`.
///
/// When the direct reading conflicts, first and last swapped on one side
/// ("JANE" in the surname box, "SMITH" in the given-name box) is tried and
/// accepted at the grade it earns. The swapped reading is tried with either
/// crossed pair as the surname so that the function stays symmetric in its
/// arguments.
pub fn compare_names(a: &PersonName, b: &PersonName, allow_typo: bool) -> NameAgreement {
    let (ga, gb) = (Given::of(a), Given::of(b));
    let direct = reading(&a.last, &b.last, ga, gb, allow_typo);
    if direct != NameAgreement::Conflict || a.first.is_empty() || b.first.is_empty() {
        return direct;
    }

    // Crossed pairs: (a.last, b.first) and (a.first, b.last).
    let swapped_1 = reading(
        &a.last,
        &b.first,
        ga,
        Given::from_surname(&b.last),
        allow_typo,
    );
    let swapped_2 = reading(
        &a.first,
        &b.last,
        Given::from_surname(&a.last),
        gb,
        allow_typo,
    );
    let mut best = direct;
    for s in [swapped_1, swapped_2] {
        if s.is_match() && s.strength() > best.strength() {
            best = s;
        }
    }
    best
}

/// The stored canonical form, or a fresh lookup for hand-built names that
/// left it empty.
fn canonical_of(n: &PersonName) -> &str {
    Given::of(n).canonical()
}

/// A hashable key for exact name lookup: "LAST|FIRSTCANONICAL".
pub fn name_key(n: &PersonName) -> String {
    let canon = canonical_of(n);
    let mut key = String::with_capacity(n.last.len() + 1 + canon.len());
    key.push_str(&n.last);
    key.push('|');
    key.push_str(canon);
    key
}

// ---------------------------------------------------------------------------
// Edit distance
// ---------------------------------------------------------------------------

/// True when `a` and `b` differ by at most one insertion, deletion,
/// substitution or adjacent transposition (optimal string alignment
/// distance <= 1), compared by `char`. O(n), no allocation.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // A char is at most 4 bytes, so a byte gap over 8 means at least three
    // chars of difference: cheap early exit before walking anything.
    if a.len().abs_diff(b.len()) > 8 {
        return false;
    }
    let mut prefix = 0;
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            break;
        }
        prefix += x.len_utf8();
    }
    let (a, b) = (a.get(prefix..).unwrap_or(""), b.get(prefix..).unwrap_or(""));
    let mut suffix = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        suffix += x.len_utf8();
    }
    // After removing the longest common prefix and then suffix, a single
    // edit leaves at most one char per side, or a swapped pair.
    let a = a.get(..a.len().saturating_sub(suffix)).unwrap_or("");
    let b = b.get(..b.len().saturating_sub(suffix)).unwrap_or("");
    match (a.chars().take(3).count(), b.chars().take(3).count()) {
        (0 | 1, 0 | 1) => true,
        (2, 2) => {
            let mut ai = a.chars();
            let mut bi = b.chars();
            match (ai.next(), ai.next(), bi.next(), bi.next()) {
                (Some(x), Some(y), Some(u), Some(v)) => x == v && y == u,
                _ => false,
            }
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Dates of birth
// ---------------------------------------------------------------------------

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses at most 4 ASCII digits, so it can neither overflow nor accept
/// signs or spaces the way `str::parse` would.
fn small_number(s: &str) -> Option<u32> {
    if s.len() > 4 || !all_digits(s) {
        return None;
    }
    Some(
        s.bytes()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0')),
    )
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    // Year 0 does not exist on a birth certificate; "0000-..." is a filler.
    if y == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// Dates of birth: accepts YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD,
/// MM/DD/YYYY and MM-DD-YYYY (US order when ambiguous, day first when the
/// first field cannot be a month), DD.MM.YYYY, and a timestamp whose date
/// part is taken as typed ("1981-02-03T00:00:00Z", "02/03/1981 00:00").
/// Two-digit years are refused: the century is a guess. None if not a real
/// date.
pub fn normalize_dob(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let date = match s.find(|c: char| c == 'T' || c == 't' || c.is_whitespace()) {
        Some(i) => {
            let rest = s.get(i + 1..).unwrap_or("").trim_start();
            // Only a time may follow; "1981-02-03 garbage" is not a date.
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            s.get(..i).unwrap_or("")
        }
        None => s,
    };

    if date.len() == 8 && all_digits(date) {
        return ymd(
            small_number(date.get(0..4)?)?,
            small_number(date.get(4..6)?)?,
            small_number(date.get(6..8)?)?,
        );
    }

    let sep = date.bytes().find(|b| !b.is_ascii_digit())?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let mut parts = date.split(char::from(sep));
    let (p0, p1, p2) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (n0, n1, n2) = (small_number(p0)?, small_number(p1)?, small_number(p2)?);

    if p0.len() == 4 && p1.len() <= 2 && p2.len() <= 2 {
        return ymd(n0, n1, n2);
    }
    if p2.len() != 4 || p0.len() > 2 || p1.len() > 2 {
        return None;
    }
    if sep == b'.' {
        ymd(n2, n1, n0).or_else(|| ymd(n2, n0, n1))
    } else if n0 > 12 {
        ymd(n2, n1, n0)
    } else {
        ymd(n2, n0, n1)
    }
}

// ---------------------------------------------------------------------------
// Plates, phones, addresses
// ---------------------------------------------------------------------------

/// Plates: fold and keep only letters and digits ("ab 123-cd" -> "AB123CD").
/// None if nothing is left.
pub fn normalize_plate(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len().min(16));
    let mut push = |b: u8| {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_uppercase()));
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c as u8);
        } else if c.is_alphanumeric() {
            if let Some(t) = deunicode_char(c) {
                t.bytes().for_each(&mut push);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// E.164 caps a full international number at 15 digits.
const MAX_PHONE_DIGITS: usize = 15;
const MIN_PHONE_DIGITS: usize = 7;

/// Phones: digits only. Leading "00" international prefixes are stripped
/// (a "+" is just punctuation), and an 11-digit number starting with 1 loses
/// that 1, so "+1 (555) 010-2030", "1-555-010-2030" and "555.010.2030" all
/// become "5550102030". Other country codes stay as digits. Anything after
/// the first letter, '#', ',' or ';' that follows a digit is an extension or
/// dial pause and is dropped ("x123", "ext. 12"). None if fewer than 7 or
/// more than 15 digits remain (the latter is usually two numbers in one
/// field, which would otherwise form a key that matches nothing).
pub fn normalize_phone(s: &str) -> Option<String> {
    let mut digits = String::with_capacity(16);
    for c in s.chars() {
        let d = if c.is_ascii_digit() {
            Some(c)
        } else if !c.is_ascii() && c.is_numeric() {
            // Full-width and other script digits typed on non-US keyboards.
            deunicode_char(c)
                .filter(|t| t.len() == 1 && all_digits(t))
                .and_then(|t| t.chars().next())
        } else {
            None
        };
        match d {
            Some(d) => digits.push(d),
            // Labels before the number ("Tel:", "cell") are skipped.
            None if digits.is_empty() => {}
            None if c.is_alphabetic() || matches!(c, '#' | ',' | ';') => break,
            None => {}
        }
    }

    // Iterate to a fixed point so that the output, fed back in, is
    // unchanged (e.g. "10012345678" -> "0012345678" -> "12345678").
    let mut start = 0;
    loop {
        let rest = digits.get(start..).unwrap_or("");
        if rest.starts_with("00") {
            start += 2;
        } else if rest.len() == 11 && rest.starts_with('1') {
            start += 1;
        } else {
            break;
        }
    }
    digits.drain(..start.min(digits.len()));
    (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS)
        .contains(&digits.len())
        .then_some(digits)
}

/// A person id that identifies nobody: empty, punctuation only, all zeros, or a word
/// people type to fill the field. Sources that log `0` or `N/A` for "no record" must not
/// make every such lookup one person.
pub fn is_placeholder_id(id: &str) -> bool {
    let id = id.trim();
    id.chars().all(|c| c == '0' || !c.is_ascii_alphanumeric())
        || ["NULL", "NONE", "NA", "N/A", "UNKNOWN", "TBD"]
            .iter()
            .any(|w| id.eq_ignore_ascii_case(w))
}

/// Person ids as compared: trimmed and upper-cased (`p01073897` is `P01073897`: records
/// systems print ids one way and people type them another). None for a placeholder.
pub fn normalize_person_id(s: &str) -> Option<String> {
    let id = s.trim();
    (!is_placeholder_id(id)).then(|| id.to_ascii_uppercase())
}

/// Splits an address-folded string into words, reporting whether each word
/// is glued to the next by a hyphen.
struct Words<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, bool);

    fn next(&mut self) -> Option<(&'a str, bool)> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find([' ', '-']).unwrap_or(self.rest.len());
        let word = self.rest.get(..end).unwrap_or("");
        let glued = self.rest.as_bytes().get(end) == Some(&b'-');
        self.rest = self.rest.get(end + 1..).unwrap_or("");
        Some((word, glued))
    }
}

/// The words of one comma-separated part of an address, folded (upper-case ASCII, `#` a
/// word of its own), each with whether a hyphen glues it to the next (`4-B`). The parsing
/// itself is [`super::address::Address::parse`].
pub fn fold_address_words(s: &str) -> Vec<(String, bool)> {
    let folded = fold_mode(s, Mode::Address);
    Words { rest: &folded }
        .filter(|(w, _)| !w.is_empty())
        .map(|(w, g)| (w.to_string(), g))
        .collect()
}

/// Addresses in canonical form: house number, directionals and street types as USPS
/// abbreviations (STREET -> ST, NORTH -> N ...), the unit as "UNIT" plus its id (APARTMENT,
/// APT, UNIT, SUITE, STE, "#", and NO when a number follows; "Apt. 4-B" -> "UNIT 4B"), and
/// the city after ", ". So "123 Main Street, Apt. 4B", "123 MAIN ST #4b" and "123 main st
/// unit 4B" all give "123 MAIN ST UNIT 4B". Ordinals stay as typed ("5TH"); a designator
/// with nothing after it is dropped. None if empty. Comparing addresses is
/// [`super::address::Address::agrees`], not string equality: a city or unit on one side only
/// is no conflict.
pub fn normalize_address(s: &str) -> Option<String> {
    super::address::Address::parse(s).map(|a| a.canonical())
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn name(s: &str) -> PersonName {
        parse_full_name(s).unwrap_or_default()
    }

    #[test]
    fn fold_accents_case_and_punctuation() {
        assert_eq!(fold("Zoë Núñez"), "ZOE NUNEZ");
        assert_eq!(fold("  o'brien--SMITH  "), "O BRIEN SMITH");
        assert_eq!(fold("Straße"), "STRASSE");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" \t\n "), "");
        assert_eq!(fold("...,,,"), "");
    }

    #[test]
    fn fold_decomposed_accents_do_not_split_words() {
        // "Núñez" typed with combining marks (NFD), as macOS often sends it.
        assert_eq!(fold("Nu\u{303}n\u{303}ez"), "NUNEZ");
    }

    #[test]
    fn fold_treats_emoji_as_separators() {
        assert_eq!(fold("Ann😀Lee"), "ANN LEE");
        assert_eq!(fold("😀"), "");
    }

    #[test]
    fn fold_transliterated_apostrophe_stays_inside_word() {
        assert_eq!(fold("Ольга"), "OLGA");
    }

    #[test]
    fn parse_comma_forms() {
        let n = name("SMITH, JON A");
        assert_eq!(n.last, "SMITH");
        assert_eq!(n.first, "JON");
        assert_eq!(n.first_canonical, "JOHN");
        assert_eq!(n.middle, vec!["A".to_owned()]);
        assert_eq!(name("Smith,Jon"), name("smith , jon"));
        assert_eq!(name("Smith,Jon").first, "JON");
    }

    #[test]
    fn parse_first_last_forms() {
        let n = name("jon a. smith");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("SMITH", "JON"));
        assert_eq!(n.middle, vec!["A".to_owned()]);
        assert_eq!(name("Jon A. Smith"), n);
        let n = name("Jane Anne Quill");
        assert_eq!(n.middle, vec!["ANNE".to_owned()]);
    }

    #[test]
    fn parse_records_order_with_trailing_initial() {
        let n = name("SMITH JON A");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("SMITH", "JON"));
        assert_eq!(n.middle, vec!["A".to_owned()]);
    }

    #[test]
    fn parse_titles_and_suffixes() {
        let n = name("Dr. Jane Smith Jr.");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("SMITH", "JANE"));
        assert!(n.middle.is_empty());
        assert_eq!(name("Mrs Jane Smith III"), n);
        assert_eq!(name("Smith Jr., Jane"), n);
        assert_eq!(name("Smith, Dr. Jane"), n);
        assert_eq!(name("Jane Smith, Jr."), n);
        assert_eq!(name("Mr. Smith").last, "SMITH");
        assert_eq!(name("Mr. Smith").first, "");
    }

    #[test]
    fn parse_surname_only() {
        let n = name("Smith");
        assert_eq!(n.last, "SMITH");
        assert!(n.first.is_empty() && n.first_canonical.is_empty());
    }

    #[test]
    fn parse_apostrophes_hyphens_particles() {
        assert_eq!(name("O'BRIEN, PAT").last, "OBRIEN");
        assert_eq!(name("Pat O’Brien").last, "OBRIEN");
        assert_eq!(name("Jane Smith-Jones").last, "SMITHJONES");
        assert_eq!(name("Jane Smith - Jones").last, "SMITHJONES");
        assert_eq!(name("Smith-Jones, Jane").last, "SMITHJONES");
        assert_eq!(name("Jan van der Berg").last, "VANDERBERG");
        assert_eq!(name("van der Berg, Jan").last, "VANDERBERG");
        let n = name("Van Quillby");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("QUILLBY", "VAN"));
    }

    #[test]
    fn parse_accents_and_hyphenated_given_name() {
        let n = name("Zoë Núñez");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("NUNEZ", "ZOE"));
        let n = name("Núñez, Mary-Jane");
        assert_eq!(n.first, "MARY");
        assert_eq!(n.middle, vec!["JANE".to_owned()]);
    }

    #[test]
    fn parse_rejects_nothing_alphabetic() {
        assert_eq!(parse_full_name(""), None);
        assert_eq!(parse_full_name("   "), None);
        assert_eq!(parse_full_name("😀😀"), None);
        assert_eq!(parse_full_name("12345"), None);
        assert_eq!(parse_full_name(", ,"), None);
        assert_eq!(parse_full_name("Dr. Jr."), None);
        // The given name must not be promoted to a surname.
        assert_eq!(parse_full_name(", Jane"), None);
        assert_eq!(parse_full_name("Dr., Jane"), None);
    }

    #[test]
    fn parse_drops_numeric_noise() {
        assert_eq!(name("4471, SMITH, JANE"), name("SMITH, JANE"));
        let n = name("SMITH, JANE 4471");
        assert_eq!((n.last.as_str(), n.first.as_str()), ("SMITH", "JANE"));
        assert!(n.middle.is_empty());
    }

    #[test]
    fn parts_basic() {
        let n = name_from_parts("Smith Jr", "Jane A.");
        assert_eq!(n, Some(name("Smith, Jane A")));
        let n = name_from_parts("O'Brien", "bob");
        assert_eq!(
            n.as_ref()
                .map(|n| (n.last.as_str(), n.first_canonical.as_str())),
            Some(("OBRIEN", "ROBERT"))
        );
        assert_eq!(
            name_from_parts("van der Berg", "Jan").map(|n| n.last),
            Some("VANDERBERG".to_owned())
        );
    }

    #[test]
    fn parts_empty_surname_is_none() {
        assert_eq!(name_from_parts("", "Jane"), None);
        assert_eq!(name_from_parts("  .. ", "Jane"), None);
        assert_eq!(name_from_parts("Jr", "Jane"), None);
        let n = name_from_parts("Smith", "");
        assert_eq!(n.map(|n| n.first), Some(String::new()));
    }

    #[test]
    fn parts_whole_name_in_surname_box() {
        assert_eq!(
            name_from_parts("Smith, Jane", ""),
            Some(name("Smith, Jane"))
        );
    }

    #[test]
    fn nickname_table_is_sorted_and_canonicals_are_fixed_points() {
        for pair in NICKNAMES.windows(2) {
            if let [a, b] = pair {
                assert!(a.0 < b.0, "{} !< {}", a.0, b.0);
            }
        }
        for (nick, canon) in NICKNAMES {
            assert_ne!(nick, canon);
            assert_eq!(
                canonical_first_ref(canon),
                *canon,
                "{canon} is also a nickname"
            );
            assert_eq!(fold(nick), *nick);
        }
    }

    #[test]
    fn canonical_first_examples() {
        for n in ["BOB", "ROB", "ROBBIE", "BOBBY", "ROBERT"] {
            assert_eq!(canonical_first(n), "ROBERT");
        }
        assert_eq!(canonical_first("JON"), "JOHN");
        assert_eq!(canonical_first("STEPHEN"), "STEVEN");
        assert_eq!(canonical_first("GEOFFREY"), "JEFFREY");
        assert_eq!(canonical_first("CATHERINE"), "KATHERINE");
        assert_eq!(canonical_first("ZELDORA"), "ZELDORA");
        assert_eq!(canonical_first(""), "");
    }

    #[test]
    fn name_key_uses_canonical() {
        assert_eq!(name_key(&name("Smith, Bob")), "SMITH|ROBERT");
        assert_eq!(name_key(&name("Robert Smith")), "SMITH|ROBERT");
        assert_eq!(name_key(&name("Smith")), "SMITH|");
        let hand_built = PersonName {
            last: "SMITH".into(),
            first: "BOB".into(),
            ..PersonName::default()
        };
        assert_eq!(name_key(&hand_built), "SMITH|ROBERT");
    }

    #[test]
    fn compare_grades() {
        use NameAgreement::*;
        let c = |a: &str, b: &str, t: bool| compare_names(&name(a), &name(b), t);
        assert_eq!(c("Smith, Jane", "JANE SMITH", false), Exact);
        assert_eq!(c("Smith, Bob", "Robert Smith", false), Nickname);
        assert_eq!(c("Smith, Bob", "Rob Smith", false), Nickname);
        assert_eq!(c("Smith, J", "Jane Smith", false), Initial);
        assert_eq!(c("Smith, Jane", "Smith, Jnae", true), Typo);
        assert_eq!(c("Smith, Jane", "Smith, Jnae", false), Conflict);
        assert_eq!(c("Smith, Jane", "Smyth, Jane", true), Typo);
        assert_eq!(c("Smith, Jane", "Smyth, Jane", false), Conflict);
        assert_eq!(c("Smith", "Jane Smith", false), Unknown);
        assert_eq!(c("Smith, Jane", "Jones, Jane", true), Conflict);
        assert_eq!(c("Smith, Jane", "Smith, Mary", true), Conflict);
        assert_eq!(c("Smith, J", "Smith, M", true), Conflict);
    }

    #[test]
    fn compare_short_names_are_not_typos() {
        use NameAgreement::*;
        let c = |a: &str, b: &str| compare_names(&name(a), &name(b), true);
        assert_eq!(c("Li, Ann", "Le, Ann"), Conflict);
        // Three letters against four is believable once another identifier agrees
        // (allow_typo): "JHN" for "JOHN", "GAY" for "GRAY", a short form "ANN" for "ANNA".
        assert_eq!(c("Quill, Ann", "Quill, Anna"), Typo);
        assert_eq!(c("Lopez, Jhn", "Lopez, John"), Typo);
        assert_eq!(c("Gay, William", "Gray, William"), Typo);
        assert_eq!(c("Anderson, Dot", "Anderson, Dorothy"), Nickname);
        assert_eq!(c("Vance, Cord", "Vance, Cordelia"), Typo);
        assert_eq!(
            compare_names(&name("Quill, Ann"), &name("Quill, Anna"), false),
            Conflict
        );
        assert_eq!(c("Quill, Eve", "Quill, Eva"), Conflict);
        assert_eq!(c("Li, Al", "Li, Ed"), Conflict);
        assert_eq!(c("Quill, Johanna", "Quill, Johanne"), Typo);
    }

    #[test]
    fn compare_surname_typo_caps_grade() {
        use NameAgreement::*;
        let c = |a: &str, b: &str| compare_names(&name(a), &name(b), true);
        assert_eq!(c("Smith, Bob", "Smyth, Robert"), Typo);
        assert_eq!(c("Smith", "Smyth, Robert"), Unknown);
    }

    #[test]
    fn compare_swapped_order() {
        use NameAgreement::*;
        let typed_swapped = name_from_parts("Jane", "Smith").unwrap_or_default();
        let record = name("Smith, Jane");
        assert_eq!(compare_names(&record, &typed_swapped, false), Exact);
        assert_eq!(compare_names(&typed_swapped, &record, false), Exact);
        let nick_swapped = name_from_parts("Bob", "Smith").unwrap_or_default();
        let robert = name("Smith, Robert");
        assert_eq!(compare_names(&robert, &nick_swapped, false), Nickname);
        assert_eq!(compare_names(&nick_swapped, &robert, false), Nickname);
        // A swap does not rescue unrelated names.
        let other = name_from_parts("Mary", "Jones").unwrap_or_default();
        assert_eq!(compare_names(&record, &other, true), Conflict);
    }

    #[test]
    fn compare_empty_hand_built_names() {
        let empty = PersonName::default();
        assert_eq!(compare_names(&empty, &empty, true), NameAgreement::Conflict);
    }

    #[test]
    fn edit_distance_cases() {
        assert!(within_one_edit("", ""));
        assert!(within_one_edit("", "A"));
        assert!(!within_one_edit("", "AB"));
        assert!(within_one_edit("SMITH", "SMYTH"));
        assert!(within_one_edit("SMITH", "SMTIH"));
        assert!(within_one_edit("SMITH", "SMIT"));
        assert!(within_one_edit("SMITH", "SSMITH"));
        assert!(within_one_edit("AAB", "AB"));
        assert!(!within_one_edit("SMITH", "SMYTHE"));
        assert!(!within_one_edit("ABC", "CBA"));
        assert!(!within_one_edit("ABCD", "BADC"));
        assert!(within_one_edit("NÚÑEZ", "NUÑEZ"));
        assert!(within_one_edit("ZOË", "ZOËS"));
        assert!(!within_one_edit("Z", "ZOË😀"));
    }

    #[test]
    fn dob_formats() {
        let want = d(1981, 2, 3);
        for s in [
            "1981-02-03",
            "1981/02/03",
            "1981.2.3",
            "19810203",
            "02/03/1981",
            "2/3/1981",
            "02-03-1981",
            "03.02.1981",
            "1981-02-03T00:00:00Z",
            "1981-02-03T23:59:59+05:00",
            "1981-02-03 00:00:00",
            "02/03/1981 12:00 AM",
            "  1981-02-03  ",
        ] {
            assert_eq!(normalize_dob(s), want, "{s}");
        }
        // Day-first when the first field cannot be a month.
        assert_eq!(normalize_dob("13/02/1981"), d(1981, 2, 13));
        // Dotted but month-first when day-first is impossible.
        assert_eq!(normalize_dob("02.13.1981"), d(1981, 2, 13));
    }

    #[test]
    fn dob_rejects() {
        for s in [
            "",
            "   ",
            "1981-02-30",
            "1981-13-01",
            "00000000",
            "0000-01-01",
            "02/03/81",
            "1981-02",
            "1981-02-03-04",
            "1981-02/03",
            "1981-02-03 garbage",
            "+1981-02-03",
            "1981-+2-03",
            "19810230",
            "1981-002-03",
            "😀",
            "February 3, 1981",
        ] {
            assert_eq!(normalize_dob(s), None, "{s}");
        }
        assert_eq!(normalize_dob("1980-02-29"), d(1980, 2, 29));
        assert_eq!(normalize_dob("1981-02-29"), None);
    }

    #[test]
    fn plates() {
        assert_eq!(normalize_plate("ab 123-cd"), Some("AB123CD".to_owned()));
        assert_eq!(normalize_plate("AB.123.CD"), Some("AB123CD".to_owned()));
        assert_eq!(normalize_plate("äb123"), Some("AB123".to_owned()));
        assert_eq!(normalize_plate(" - . "), None);
        assert_eq!(normalize_plate(""), None);
        assert_eq!(normalize_plate("🚗"), None);
    }

    #[test]
    fn phones() {
        let want = Some("5550102030".to_owned());
        for s in [
            "+1 (555) 010-2030",
            "1-555-010-2030",
            "555.010.2030",
            "(555) 010 2030",
            "001 555 010 2030",
            "555-010-2030 x123",
            "555-010-2030 ext. 12",
            "555-010-2030#4",
            "Tel: 555 010 2030",
            "５５５０１０２０３０",
        ] {
            assert_eq!(normalize_phone(s), want, "{s}");
        }
        assert_eq!(
            normalize_phone("+44 20 7946 0000"),
            Some("442079460000".to_owned())
        );
        assert_eq!(
            normalize_phone("0044 20 7946 0000"),
            Some("442079460000".to_owned())
        );
        assert_eq!(normalize_phone("010-2030"), Some("0102030".to_owned()));
        assert_eq!(normalize_phone("010-203"), None);
        assert_eq!(normalize_phone(""), None);
        assert_eq!(normalize_phone("x1234567"), Some("1234567".to_owned()));
        assert_eq!(normalize_phone("555 010 2030 / 555 010 2031"), None);
    }

    #[test]
    fn addresses_that_must_agree() {
        let want = Some("123 MAIN ST UNIT 4B".to_owned());
        for s in [
            "123 Main Street, Apt. 4B",
            "123 MAIN ST #4b",
            "123 main st unit 4B",
            "123 Main St., Suite 4B",
            "123 Main St Ste 4-B",
            "123 Main St Apt #4B",
            "123 Main St No. 4B",
            "123 Main St Apartment 4 b",
            "123 Main Str. # 4B",
        ] {
            let got = normalize_address(s);
            if s == "123 Main St Apartment 4 b" {
                // A lone letter after a unit id is part of it.
                assert_eq!(got, want, "{s}");
            } else {
                assert_eq!(got, want, "{s}");
            }
        }
        assert_eq!(
            normalize_address("500 North-East Parkway"),
            Some("500 NE PKWY".to_owned())
        );
        assert_eq!(
            normalize_address("500 Northeast Boulevard"),
            Some("500 NE BLVD".to_owned())
        );
        assert_eq!(
            normalize_address("12 5th Avenue"),
            Some("12 5TH AVE".to_owned())
        );
        assert_eq!(
            normalize_address("12 Fifth Ave."),
            Some("12 FIFTH AVE".to_owned())
        );
        assert_eq!(
            normalize_address("9 O'Neil Court"),
            Some("9 ONEIL CT".to_owned())
        );
    }

    #[test]
    fn addresses_that_must_differ() {
        let a = normalize_address("123 Main St");
        assert_ne!(a, normalize_address("123 Main St Unit 4"));
        assert_ne!(a, normalize_address("123 Main Ave"));
        assert_ne!(a, normalize_address("123 N Main St"));
        assert_ne!(
            normalize_address("123 Main St Unit 4"),
            normalize_address("123 Main St Unit 40")
        );
        assert_eq!(
            normalize_address("7 No Name Road"),
            Some("7 NO NAME RD".to_owned())
        );
    }

    #[test]
    fn addresses_edge_cases() {
        assert_eq!(normalize_address(""), None);
        assert_eq!(normalize_address(" ,. "), None);
        assert_eq!(normalize_address("#"), None);
        assert_eq!(
            normalize_address("123 Main St Apt"),
            Some("123 MAIN ST".to_owned())
        );
        assert_eq!(normalize_address("Apt - 4"), Some("UNIT 4".to_owned()));
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn is_folded(s: &str) -> bool {
        !s.starts_with(' ')
            && !s.ends_with(' ')
            && !s.contains("  ")
            && s.bytes()
                .all(|b| b == b' ' || b.is_ascii_digit() || b.is_ascii_uppercase())
    }

    /// Name-ish text: mostly letters with the punctuation people type.
    fn name_text() -> impl Strategy<Value = String> {
        "[A-Za-zÀ-ÿ ,.'\\-]{0,30}"
    }

    /// A plausible given or family name that is not a title, suffix,
    /// particle or single initial, so that word order is unambiguous.
    fn plain_word() -> impl Strategy<Value = String> {
        "[A-Z][a-z]{3,8}".prop_filter("not an affix", |w| {
            let u = w.to_ascii_uppercase();
            !is_title(&u) && !is_suffix(&u) && !is_particle(&u)
        })
    }

    fn person() -> impl Strategy<Value = PersonName> {
        let word = prop_oneof![
            Just(String::new()),
            Just("J".to_owned()),
            Just("JANE".to_owned()),
            Just("JNAE".to_owned()),
            Just("BOB".to_owned()),
            Just("ROBERT".to_owned()),
            Just("SMITH".to_owned()),
            Just("SMYTH".to_owned()),
            "[A-Z]{1,6}",
        ];
        (word.clone(), word).prop_map(|(last, first)| PersonName {
            first_canonical: canonical_first(&first),
            last,
            first,
            middle: Vec::new(),
        })
    }

    /// Insert one of `seps` at each position chosen by `picks`.
    fn sprinkle(s: &str, picks: &[(usize, usize)], seps: &[&str]) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            for (pos, which) in picks {
                if pos % (chars.len() + 1) == i {
                    out.push_str(seps[which % seps.len()]);
                }
            }
            out.push(*c);
        }
        out
    }

    proptest! {
        #[test]
        fn fold_total_idempotent_and_clean(s in any::<String>()) {
            let f = fold(&s);
            prop_assert!(is_folded(&f), "{f:?}");
            prop_assert_eq!(fold(&f), f);
        }

        #[test]
        fn names_total_and_well_formed(s in any::<String>(), t in any::<String>()) {
            for n in [parse_full_name(&s), name_from_parts(&s, &t)].into_iter().flatten() {
                prop_assert!(!n.last.is_empty());
                prop_assert!(n.last.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
                prop_assert!(n.first.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
                prop_assert_eq!(&n.first_canonical, &canonical_first(&n.first));
                prop_assert!(n.middle.iter().all(|m| !m.is_empty() && is_folded(m) && !m.contains(' ')));
                let _ = name_key(&n);
            }
        }

        #[test]
        fn names_total_on_name_like_text(s in name_text(), t in name_text()) {
            if let (Some(a), Some(b)) = (parse_full_name(&s), name_from_parts(&s, &t)) {
                let _ = compare_names(&a, &b, true);
            }
        }

        #[test]
        fn comma_and_natural_order_agree(first in plain_word(), last in plain_word()) {
            let a = parse_full_name(&format!("{last}, {first}"));
            let b = parse_full_name(&format!("{first} {last}"));
            let c = name_from_parts(&last, &first);
            prop_assert!(a.is_some());
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &c);
        }

        #[test]
        fn canonical_first_idempotent(s in "[A-Z]{0,9}") {
            let c = canonical_first(&s);
            prop_assert_eq!(canonical_first(&c), c);
        }

        #[test]
        fn dob_total(s in any::<String>()) {
            let _ = normalize_dob(&s);
        }

        #[test]
        fn dob_round_trips_every_format(days in 0i64..80_000) {
            let date = NaiveDate::from_ymd_opt(1900, 1, 1)
                .and_then(|base| base.checked_add_signed(chrono::TimeDelta::days(days)));
            prop_assume!(date.is_some());
            let date = date.unwrap_or_default();
            for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%SZ"] {
                let typed = date.and_hms_opt(0, 0, 0).unwrap_or_default().format(fmt).to_string();
                prop_assert_eq!(normalize_dob(&typed), Some(date), "{}", typed);
            }
        }

        #[test]
        fn plate_total_and_idempotent(s in any::<String>()) {
            if let Some(p) = normalize_plate(&s) {
                prop_assert!(p.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
                prop_assert_eq!(normalize_plate(&p), Some(p.clone()));
            }
        }

        #[test]
        fn plate_ignores_separators_and_case(
            s in "[A-Za-z0-9]{1,10}",
            picks in prop::collection::vec((0usize..20, 0usize..4), 0..5),
        ) {
            let noisy = sprinkle(&s.to_ascii_lowercase(), &picks, &[" ", "-", ".", "  "]);
            prop_assert_eq!(normalize_plate(&noisy), normalize_plate(&s.to_ascii_uppercase()));
        }

        #[test]
        fn phone_total_and_idempotent(s in any::<String>()) {
            if let Some(p) = normalize_phone(&s) {
                prop_assert!(p.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!((7..=15).contains(&p.len()));
                prop_assert_eq!(normalize_phone(&p), Some(p.clone()));
            }
        }

        #[test]
        fn phone_ignores_separators(
            s in "\\+?[0-9]{0,16}",
            picks in prop::collection::vec((0usize..20, 0usize..6), 0..6),
        ) {
            let noisy = sprinkle(&s, &picks, &[" ", "-", ".", "(", ")", "/"]);
            prop_assert_eq!(normalize_phone(&noisy), normalize_phone(&s));
        }

        #[test]
        fn address_total_and_idempotent(s in any::<String>()) {
            if let Some(a) = normalize_address(&s) {
                // Folded words; the city alone follows a ", ".
                prop_assert!(is_folded(&a.replacen(", ", " ", 1)), "{a:?}");
                prop_assert_eq!(normalize_address(&a), Some(a.clone()));
            }
        }

        #[test]
        fn address_idempotent_on_address_like_text(
            s in "[0-9]{0,4}([ -]{0,2}(North|South|East|W|-|apt|No|#|Unit|St|Street|Ave|[A-Za-z0-9]{1,4}|,|\\.)){0,8}"
        ) {
            if let Some(a) = normalize_address(&s) {
                prop_assert_eq!(normalize_address(&a), Some(a.clone()), "from {:?}", s);
            }
        }

        #[test]
        fn edit_symmetric(a in any::<String>(), b in any::<String>()) {
            prop_assert_eq!(within_one_edit(&a, &b), within_one_edit(&b, &a));
        }

        #[test]
        fn edit_symmetric_on_close_strings(a in "[AB]{0,5}", b in "[AB]{0,5}") {
            prop_assert_eq!(within_one_edit(&a, &b), within_one_edit(&b, &a));
        }

        #[test]
        fn single_edit_is_within_one(
            s in "[ -~]{0,12}",
            kind in 0u8..4,
            pos in 0usize..13,
            c in proptest::char::range(' ', '~'),
        ) {
            let mut v: Vec<char> = s.chars().collect();
            let len = v.len();
            match kind {
                0 => v.insert(pos % (len + 1), c),
                1 if len > 0 => { v.remove(pos % len); }
                2 if len > 0 => { if let Some(x) = v.get_mut(pos % len) { *x = c; } }
                3 if len > 1 => v.swap(pos % (len - 1), pos % (len - 1) + 1),
                _ => {}
            }
            let edited: String = v.into_iter().collect();
            prop_assert!(within_one_edit(&s, &edited), "{:?} vs {:?}", s, edited);
            prop_assert!(within_one_edit(&s, &s));
        }

        #[test]
        fn two_substitutions_are_not_within_one(
            s in "[a-z]{3,12}",
            i in 0usize..12,
            gap in 0usize..12,
        ) {
            let mut v: Vec<char> = s.chars().collect();
            // Two non-adjacent positions, so no transposition can explain it.
            let i = i % (v.len() - 2);
            let j = i + 2 + gap % (v.len() - i - 2);
            if let Some(x) = v.get_mut(i) { *x = 'X'; }
            if let Some(x) = v.get_mut(j) { *x = 'Y'; }
            let edited: String = v.into_iter().collect();
            prop_assert!(!within_one_edit(&s, &edited));
        }

        #[test]
        fn compare_names_symmetric(a in person(), b in person(), typo in any::<bool>()) {
            prop_assert_eq!(compare_names(&a, &b, typo), compare_names(&b, &a, typo));
        }

        #[test]
        fn compare_names_reflexive(a in person()) {
            let got = compare_names(&a, &a, false);
            if a.last.is_empty() {
                prop_assert_eq!(got, NameAgreement::Conflict);
            } else if a.first.is_empty() {
                prop_assert_eq!(got, NameAgreement::Unknown);
            } else {
                prop_assert_eq!(got, NameAgreement::Exact);
            }
        }
    }
}
