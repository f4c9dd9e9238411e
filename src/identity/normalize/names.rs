//! Person names: whole names as typed (`SMITH, JON A`, `Jon Smith Jr.`) parsed into
//! surname and given names, nicknames mapped to one canonical given name, names graded
//! against each other (exact, nickname, initial, one typo) and the key names are indexed by;
//! and the single-edit distance the typo grade rests on.
//!
//! It must not decide whether two records are the same person: it grades names only, and
//! the matcher weighs the grade with the other identifiers.

use super::*;

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
    /// The words of a compound surname as typed apart ("RUIZ-SANCHEZ" -> "RUIZ",
    /// "SANCHEZ"; "de la Cruz" -> "DE", "LA", "CRUZ"), for a surname typed in part; empty
    /// for a surname of one word, so most names hold nothing here.
    pub last_parts: Vec<String>,
}

/// Nickname -> canonical given name, sorted by nickname for binary search.
/// Ambiguous nicknames (SAM, PAT, CHRIS, TED) map to one canonical name on
/// purpose: a wrong merge only lowers a grade to `Nickname`, never to `Exact`.
pub(super) const NICKNAMES: &[(&str, &str)] = &[
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

/// Short forms that stand for more than one given name, beside the one [`NICKNAMES`]
/// maps them to: `JON` is typed for Jonathan as often as for John, `CHRIS` for Christina
/// as for Christopher. Pairs (short form, other canonical given name), sorted. They grade
/// `Nickname` like the table's own pairs, and the person index lists a known name under
/// each given name it may stand for ([`alternative_keys`]).
pub(super) const ALSO_SHORT_FOR: &[(&str, &str)] = &[
    ("ALEX", "ALEXANDRA"),
    ("ALEX", "ALEXIS"),
    ("ANDY", "ANDREA"),
    ("CHARLIE", "CHARLOTTE"),
    ("CHRIS", "CHRISTIAN"),
    ("CHRIS", "CHRISTINA"),
    ("CHRIS", "CHRISTINE"),
    ("DANNY", "DANIELLE"),
    ("FRAN", "FRANCIS"),
    ("FREDDIE", "FREDERICA"),
    ("GABE", "GABRIELLE"),
    ("JACKIE", "JACK"),
    ("JESS", "JESSE"),
    ("JO", "JOSEPHINE"),
    ("JON", "JONATHAN"),
    ("NICK", "NICOLE"),
    ("NIKKI", "NICOLA"),
    ("PAT", "PATRICK"),
    ("PATTY", "PATRICK"),
    ("RONNIE", "VERONICA"),
    ("SAM", "SAMANTHA"),
    ("SAMMY", "SAMANTHA"),
    ("TED", "THEODORE"),
    ("TEDDY", "THEODORE"),
    ("TERRY", "TERESA"),
    ("TONY", "ANTONIO"),
    ("VAL", "VALENTINA"),
];

/// Whether `short` (folded, as typed) is also a short form of the canonical given name
/// `canon` ([`ALSO_SHORT_FOR`]).
pub(super) fn also_short_for(short: &str, canon: &str) -> bool {
    let from = ALSO_SHORT_FOR.partition_point(|(s, _)| *s < short);
    ALSO_SHORT_FOR[from..]
        .iter()
        .take_while(|(s, _)| *s == short)
        .any(|(_, c)| *c == canon)
}

/// Allocation-free form of [`canonical_first`] for the hot path: the
/// canonical given name for a folded first name, or the input itself.
pub(crate) fn canonical_first_ref(first_folded: &str) -> &str {
    // Every typed given name is looked up here: one hash and one comparison, where the
    // binary search over the table was nine comparisons (2 % of decoding and resolving).
    static BY_NICKNAME: std::sync::OnceLock<rustc_hash::FxHashMap<&str, &str>> =
        std::sync::OnceLock::new();
    BY_NICKNAME
        .get_or_init(|| NICKNAMES.iter().copied().collect())
        .get(first_folded)
        .copied()
        .unwrap_or(first_folded)
}

/// Canonical given name for a folded first name ("BOB" -> "ROBERT"); names
/// without a known nickname come back unchanged. Expects folded input.
pub(crate) fn canonical_first(first_folded: &str) -> String {
    canonical_first_ref(first_folded).to_owned()
}

pub(super) fn is_title(tok: &str) -> bool {
    matches!(tok, "MR" | "MRS" | "MS" | "MISS" | "MX" | "DR" | "PROF")
}

/// "V" is deliberately absent: in "SMITH, JOHN V" it is far more often a
/// middle initial than a generational suffix.
pub(super) fn is_suffix(tok: &str) -> bool {
    matches!(
        tok,
        "JR" | "SR" | "II" | "III" | "IV" | "2ND" | "3RD" | "ESQ"
    )
}

/// Surname particles that belong to the surname when a name is
/// typed "First Last" ("Jan van der Berg", "Maria de la Cruz").
pub(super) fn is_particle(tok: &str) -> bool {
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

pub(super) fn has_letter(tok: &str) -> bool {
    tok.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Words of a name segment that carry a name: no empty pieces and no pure
/// numbers (badge numbers, dates pasted into the name box).
pub(super) fn name_words(seg: &str) -> impl DoubleEndedIterator<Item = &str> + Clone {
    seg.split(' ').filter(|t| has_letter(t))
}

/// Drop leading titles and trailing generational suffixes from one
/// comma-free segment of a name-folded string.
pub(super) fn trim_affixes(seg: &str) -> &str {
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

pub(super) fn split_first_word(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(s.split_once(' ').unwrap_or((s, "")))
}

pub(super) fn split_last_word(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(s.rsplit_once(' ').unwrap_or(("", s)))
}

/// Append a surname word with its hyphens dropped.
pub(super) fn push_surname_word(name: &mut PersonName, word: &str) {
    name.last.extend(word.chars().filter(|c| *c != '-'));
    name.last_parts
        .extend(word.split('-').filter(|p| has_letter(p)).map(str::to_owned));
}

/// Keeps the surname's parts only when there are several (see [`PersonName::last_parts`]).
fn sealed(mut name: PersonName) -> PersonName {
    if name.last_parts.len() < 2 {
        name.last_parts = Vec::new();
    }
    name
}

/// Fill `first` and `middle` from given-name words. Hyphenated given names
/// are split ("MARY-JANE" -> first "MARY", middle "JANE") so that a record
/// holding just "MARY" still agrees exactly.
pub(super) fn fill_given<'a>(name: &mut PersonName, words: impl Iterator<Item = &'a str>) {
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
pub(crate) fn parse_full_name(s: &str) -> Option<PersonName> {
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
            push_surname_word(&mut name, w);
        }
        fill_given(
            &mut name,
            name_words(second).chain(segs.flat_map(name_words)),
        );
        return Some(sealed(name));
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
            push_surname_word(&mut name, w);
        }
        fill_given(&mut name, it);
        return Some(sealed(name));
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
        push_surname_word(&mut name, w);
    }
    fill_given(&mut name, words.take(given_len));
    (!name.last.is_empty()).then(|| sealed(name))
}

/// Build a name from separate surname and given-name fields. `first` may
/// hold middle names or initials ("Jane A."); `last` may carry a suffix
/// ("Smith Jr"). When `first` is blank and `last` holds a comma, the whole
/// name was typed into the surname box and is parsed as such.
/// None if the surname is empty after folding.
pub(crate) fn name_from_parts(last: &str, first: &str) -> Option<PersonName> {
    let folded_first = fold_mode(first, Mode::Name);
    let folded_last = fold_mode(last, Mode::Name);
    let first_blank = !has_letter(&folded_first);
    if first_blank && folded_last.contains(',') {
        return parse_full_name(last);
    }

    let mut name = PersonName::default();
    for seg in folded_last.split(',') {
        for w in name_words(trim_affixes(seg)) {
            push_surname_word(&mut name, w);
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
    Some(sealed(name))
}

/// How well two names agree: the four matching grades strongest first, then
/// `Conflict` (different people, as far as the names go) and `Unknown` (the
/// surnames agree but one side has no given name to compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NameAgreement {
    Exact,
    Nickname,
    Initial,
    Typo,
    Conflict,
    Unknown,
}

impl NameAgreement {
    /// True for the grades that identify the same person (Exact down to Typo).
    pub(crate) fn is_match(self) -> bool {
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
pub(super) const MIN_TYPO_LEN: usize = 4;

/// A typo is only believable between names long enough to be told apart: the longer
/// has at least four letters and the shorter at least three ("JHN" for "JOHN").
pub(super) fn long_enough(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    la.max(lb) >= MIN_TYPO_LEN && la.min(lb) >= MIN_TYPO_LEN - 1
}

pub(super) fn surname_grade(a: &str, b: &str, allow_typo: bool) -> NameAgreement {
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
pub(super) struct Given<'a> {
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

pub(super) fn given_grade(a: Given<'_>, b: Given<'_>, allow_typo: bool) -> NameAgreement {
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
    if ca == cb || also_short_for(fa, cb) || also_short_for(fb, ca) {
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
pub(super) fn reading(
    sa: &str,
    sb: &str,
    ga: Given<'_>,
    gb: Given<'_>,
    allow_typo: bool,
) -> NameAgreement {
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
pub(crate) fn compare_names(a: &PersonName, b: &PersonName, allow_typo: bool) -> NameAgreement {
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
pub(super) fn canonical_of(n: &PersonName) -> &str {
    Given::of(n).canonical()
}

/// The other keys a known person's name is indexed under, so that a short form of several
/// given names finds each of them ([`ALSO_SHORT_FOR`]): `HARRIS, JON` also under
/// `HARRIS|JONATHAN`, and `HARRIS, JONATHAN` also under `HARRIS|JOHN` (the key `JON` is
/// typed with). Empty for most names; the query side keeps its one key.
pub(crate) fn alternative_keys(n: &PersonName) -> Vec<String> {
    let canon = canonical_of(n);
    let mut out: Vec<String> = Vec::new();
    for &(short, other) in ALSO_SHORT_FOR {
        let key = if n.first == short {
            Some(other)
        } else if canon == other {
            Some(canonical_first_ref(short))
        } else {
            None
        };
        if let Some(first) = key.filter(|f| *f != canon) {
            let k = format!("{}|{first}", n.last);
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    out
}

/// A hashable key for exact name lookup: "LAST|FIRSTCANONICAL".
pub(crate) fn name_key(n: &PersonName) -> String {
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
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
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
