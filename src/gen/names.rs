//! Word lists for the synthetic world: surnames, first names with their
//! nicknames, invented street names, and the small text helpers that turn a
//! record into the many ways a person types it.
//!
//! Everything here is common-name material or made up; combined at random it
//! yields invented people only. It must never hold a real person's full name,
//! address, plate or phone number, and it must not depend on randomness itself
//! (callers pass the RNG so output stays reproducible).

/// Surnames, most common first. Sampling weight falls off with rank so that a
/// few names (SMITH, JOHNSON, ...) are very common, as in real registries; that
/// heavy head is what makes name-only searches ambiguous.
pub(crate) const SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "García",
    "Miller",
    "Davis",
    "Rodríguez",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Pérez",
    "Thompson",
    "White",
    "Harris",
    "Sánchez",
    "Clark",
    "Ramírez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gómez",
    "Phillips",
    "Evans",
    "Turner",
    "Díaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutiérrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Watson",
    "Brooks",
    "Chávez",
    "Wood",
    "James",
    "Bennett",
    "Gray",
    "Mendoza",
    "Ruiz",
    "Hughes",
    "Price",
    "Álvarez",
    "Castillo",
    "Sanders",
    "Patel",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Jiménez",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Bell",
    "Coleman",
    "Butler",
    "Henderson",
    "Barnes",
    "Fisher",
    "Vásquez",
    "Simmons",
    "Romero",
    "Jordan",
    "Patterson",
    "Alexander",
    "Hamilton",
    "Graham",
    "Reynolds",
    "Griffin",
    "Wallace",
    "Moreno",
    "West",
    "Cole",
    "Hayes",
    "Bryant",
    "Herrera",
    "Gibson",
    "Ellis",
    "Tran",
    "Medina",
    "Aguilar",
    "Stevens",
    "Murray",
    "Ford",
    "Castro",
    "Marshall",
    "Owens",
    "Harrison",
    "Fernández",
    "McDonald",
    "Woods",
    "Washington",
    "Kennedy",
    "Wells",
    "Vargas",
    "Henry",
    "Chen",
    "Freeman",
    "Webb",
    "Tucker",
    "Guzmán",
    "Burns",
    "Crawford",
    "Olson",
    "Simpson",
    "Porter",
    "Hunter",
    "Gordon",
    "Méndez",
    "Silva",
    "Shaw",
    "Snyder",
    "Mason",
    "Dixon",
    "Muñoz",
    "Hunt",
    "Hicks",
    "Holmes",
    "Palmer",
    "Wagner",
    "Black",
    "Robertson",
    "Boyd",
    "Rose",
    "Stone",
    "Salazar",
    "Fox",
    "Warren",
    "Mills",
    "Meyer",
    "Rice",
    "Schmidt",
    "Ferguson",
    "Nichols",
    "Peña",
    "Núñez",
    "O'Brien",
    "O'Connor",
    "Müller",
    "Nowak",
    "Kowalski",
    "Lindqvist",
    "Okafor",
    "Mensah",
    "Haddad",
    "Nakamura",
    "Tanaka",
    "Singh",
    "Ivanov",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Lefèvre",
    "Fontaine",
];

/// Formal first names with a rough popularity weight. Records always carry
/// the formal name; nicknames appear only in what users type.
pub(crate) const FIRST_NAMES: &[(&str, u16)] = &[
    ("James", 40),
    ("John", 38),
    ("Robert", 36),
    ("Michael", 36),
    ("William", 30),
    ("David", 30),
    ("Richard", 22),
    ("Joseph", 22),
    ("Thomas", 20),
    ("Charles", 18),
    ("Christopher", 18),
    ("Daniel", 18),
    ("Matthew", 15),
    ("Anthony", 14),
    ("Mark", 13),
    ("Donald", 12),
    ("Steven", 12),
    ("Paul", 11),
    ("Andrew", 11),
    ("Joshua", 10),
    ("Kenneth", 10),
    ("Kevin", 10),
    ("Brian", 10),
    ("George", 9),
    ("Timothy", 9),
    ("Ronald", 9),
    ("Edward", 8),
    ("Jason", 8),
    ("Jeffrey", 8),
    ("Ryan", 8),
    ("Jacob", 7),
    ("Gary", 7),
    ("Nicholas", 7),
    ("Eric", 7),
    ("Jonathan", 7),
    ("Benjamin", 6),
    ("Samuel", 6),
    ("Gregory", 6),
    ("Alexander", 6),
    ("Patrick", 6),
    ("Raymond", 5),
    ("Henry", 5),
    ("Douglas", 5),
    ("Zachary", 4),
    ("Peter", 4),
    ("Walter", 4),
    ("Gerald", 4),
    ("Lawrence", 4),
    ("Eugene", 3),
    ("Vincent", 3),
    ("José", 6),
    ("André", 2),
    ("Juan", 5),
    ("Wei", 2),
    ("Tariq", 2),
    ("Kwame", 2),
    ("Mary", 36),
    ("Patricia", 24),
    ("Jennifer", 24),
    ("Linda", 20),
    ("Elizabeth", 22),
    ("Barbara", 16),
    ("Susan", 16),
    ("Jessica", 15),
    ("Sarah", 15),
    ("Karen", 13),
    ("Lisa", 12),
    ("Nancy", 12),
    ("Margaret", 12),
    ("Sandra", 10),
    ("Ashley", 10),
    ("Kimberly", 10),
    ("Emily", 10),
    ("Donna", 9),
    ("Michelle", 9),
    ("Carol", 8),
    ("Amanda", 8),
    ("Dorothy", 7),
    ("Melissa", 7),
    ("Deborah", 7),
    ("Stephanie", 7),
    ("Rebecca", 6),
    ("Laura", 6),
    ("Cynthia", 6),
    ("Katherine", 6),
    ("Angela", 6),
    ("Pamela", 5),
    ("Nicole", 5),
    ("Victoria", 5),
    ("Christina", 5),
    ("Jacqueline", 4),
    ("Abigail", 4),
    ("Judith", 4),
    ("Frances", 3),
    ("Virginia", 3),
    ("Rachel", 5),
    ("Heather", 5),
    ("Megan", 4),
    ("Hannah", 4),
    ("Grace", 4),
    ("Natalie", 3),
    ("María", 6),
    ("Zoë", 2),
    ("Renée", 2),
    ("Chloé", 2),
    ("Sofía", 2),
    ("Aiko", 1),
    ("Amara", 1),
    ("Ingrid", 1),
];

/// Nicknames users type for a formal first name. Public so a name matcher can
/// treat them as equal; no nickname belongs to two formal names here, and no
/// nickname is itself a formal name in `FIRST_NAMES`. ("Jon" is left out:
/// it is short for John and Jonathan alike.)
pub(crate) const NICKNAMES: &[(&str, &[&str])] = &[
    ("James", &["Jim", "Jimmy", "Jamie"]),
    ("John", &["Jack", "Johnny"]),
    ("Robert", &["Bob", "Rob", "Bobby"]),
    ("Michael", &["Mike", "Mikey"]),
    ("William", &["Bill", "Will", "Billy"]),
    ("David", &["Dave"]),
    ("Richard", &["Rick", "Dick", "Rich"]),
    ("Joseph", &["Joe", "Joey"]),
    ("Thomas", &["Tom", "Tommy"]),
    ("Charles", &["Chuck", "Charlie"]),
    ("Christopher", &["Chris"]),
    ("Daniel", &["Dan", "Danny"]),
    ("Matthew", &["Matt"]),
    ("Anthony", &["Tony"]),
    ("Donald", &["Don"]),
    ("Steven", &["Steve"]),
    ("Andrew", &["Andy", "Drew"]),
    ("Joshua", &["Josh"]),
    ("Kenneth", &["Ken", "Kenny"]),
    ("Timothy", &["Tim"]),
    ("Ronald", &["Ron"]),
    ("Edward", &["Ed", "Eddie", "Ted"]),
    ("Jeffrey", &["Jeff"]),
    ("Jacob", &["Jake"]),
    ("Nicholas", &["Nick"]),
    ("Benjamin", &["Ben"]),
    ("Samuel", &["Sam"]),
    ("Gregory", &["Greg"]),
    ("Alexander", &["Alex"]),
    ("Raymond", &["Ray"]),
    ("Henry", &["Hank"]),
    ("Douglas", &["Doug"]),
    ("Zachary", &["Zach"]),
    ("Peter", &["Pete"]),
    ("Walter", &["Walt"]),
    ("Gerald", &["Jerry"]),
    ("Lawrence", &["Larry"]),
    ("Eugene", &["Gene"]),
    ("Vincent", &["Vince"]),
    ("José", &["Pepe"]),
    ("Patricia", &["Pat", "Patty", "Trish"]),
    ("Jennifer", &["Jen", "Jenny"]),
    ("Elizabeth", &["Liz", "Beth", "Betty"]),
    ("Barbara", &["Barb"]),
    ("Susan", &["Sue", "Suzy"]),
    ("Jessica", &["Jess"]),
    ("Margaret", &["Peggy", "Maggie", "Meg"]),
    ("Sandra", &["Sandy"]),
    ("Kimberly", &["Kim"]),
    ("Michelle", &["Shelly"]),
    ("Amanda", &["Mandy"]),
    ("Dorothy", &["Dot"]),
    ("Melissa", &["Missy"]),
    ("Deborah", &["Debbie", "Deb"]),
    ("Stephanie", &["Steph"]),
    ("Rebecca", &["Becky"]),
    ("Cynthia", &["Cindy"]),
    ("Katherine", &["Kate", "Kathy", "Katie"]),
    ("Angela", &["Angie"]),
    ("Pamela", &["Pam"]),
    ("Nicole", &["Nikki"]),
    ("Victoria", &["Vicky", "Tori"]),
    ("Christina", &["Tina"]),
    ("Jacqueline", &["Jackie"]),
    ("Abigail", &["Abby"]),
    ("Judith", &["Judy"]),
    ("Frances", &["Fran"]),
    ("Virginia", &["Ginny"]),
    ("Natalie", &["Nat"]),
];

/// Invented street-name stems; glued to [`STREET_ENDS`] they give names like
/// "Quillbrook" or "Tansycroft" that are not meant to exist anywhere.
pub(crate) const STREET_STEMS: &[&str] = &[
    "Amber", "Bramble", "Cinder", "Copper", "Dapple", "Elder", "Fennel", "Glimmer", "Harrow",
    "Heron", "Juniper", "Kestrel", "Lantern", "Marrow", "Merrit", "Nettle", "Osier", "Pebble",
    "Quill", "Rook", "Saffron", "Sorrel", "Tansy", "Thistle", "Umber", "Vesper", "Wren", "Yarrow",
    "Corvid", "Larch",
];

/// Endings for [`STREET_STEMS`].
pub(crate) const STREET_ENDS: &[&str] = &[
    "brook", "field", "gate", "hollow", "mere", "ridge", "stone", "wick", "worth", "dale", "croft",
    "haven", "moor", "combe", "vale",
];

/// Street types as (long form, postal abbreviation); users type either.
pub(crate) const STREET_TYPES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Court", "Ct"),
    ("Boulevard", "Blvd"),
    ("Place", "Pl"),
    ("Terrace", "Ter"),
];

/// Folds the few accented letters the lists use to ASCII, so records and
/// typed text can be written with or without accents.
pub(crate) fn fold_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ç' => 'c',
            'Ç' => 'C',
            other => other,
        })
        .collect()
}

/// Comparison key for a name: accents folded, upper case, letters only. Used
/// to keep protected people's names distinct from each other.
pub(crate) fn name_key(s: &str) -> String {
    fold_accents(s)
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Name key of each formal name in [`NICKNAMES`] -> its index there.
pub(crate) fn nickname_table() -> std::collections::HashMap<String, u16> {
    NICKNAMES
        .iter()
        .enumerate()
        .filter_map(|(i, (formal, _))| Some((name_key(formal), u16::try_from(i).ok()?)))
        .collect()
}

/// Title case ("o'brien" -> "O'brien"): first letter of each word upper.
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == ' ' || c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn nicknames_are_unambiguous() {
        let formal: BTreeSet<String> = FIRST_NAMES.iter().map(|(n, _)| name_key(n)).collect();
        let mut seen = BTreeSet::new();
        for (name, nicks) in NICKNAMES {
            assert!(formal.contains(&name_key(name)), "{name} not a first name");
            for n in *nicks {
                assert!(seen.insert(name_key(n)), "nickname {n} listed twice");
                assert!(
                    !formal.contains(&name_key(n)),
                    "nickname {n} is a formal name"
                );
            }
        }
    }

    #[test]
    fn lists_have_no_duplicates() {
        let s: BTreeSet<String> = SURNAMES.iter().map(|n| name_key(n)).collect();
        assert_eq!(s.len(), SURNAMES.len());
        let f: BTreeSet<String> = FIRST_NAMES.iter().map(|(n, _)| name_key(n)).collect();
        assert_eq!(f.len(), FIRST_NAMES.len());
    }

    #[test]
    fn folding() {
        assert_eq!(fold_accents("Muñoz García"), "Munoz Garcia");
        assert_eq!(name_key("O'Brien"), "OBRIEN");
        assert_eq!(title_case("o'brien"), "O'brien");
    }
}
