"""Invented name, street and town pools for the hospital world.

Every person in the world is a random combination of these pools; no real
person is described.  Common surnames are deliberately over-weighted so that
registration sees the many-results searches a real front desk sees.
"""

# (first name, sex, nicknames)
FIRST = [
    ("WILLIAM", "M", ["BILL", "WILL", "BILLY"]), ("ROBERT", "M", ["BOB", "ROB", "BOBBY"]),
    ("JAMES", "M", ["JIM", "JIMMY"]), ("JOHN", "M", ["JACK", "JOHNNY"]),
    ("MICHAEL", "M", ["MIKE", "MICKEY"]), ("DAVID", "M", ["DAVE"]),
    ("RICHARD", "M", ["RICK", "DICK", "RICH"]), ("JOSEPH", "M", ["JOE", "JOEY"]),
    ("THOMAS", "M", ["TOM", "TOMMY"]), ("CHARLES", "M", ["CHUCK", "CHARLIE"]),
    ("CHRISTOPHER", "M", ["CHRIS"]), ("DANIEL", "M", ["DAN", "DANNY"]),
    ("MATTHEW", "M", ["MATT"]), ("ANTHONY", "M", ["TONY"]),
    ("DONALD", "M", ["DON"]), ("STEVEN", "M", ["STEVE"]), ("ANDREW", "M", ["ANDY", "DREW"]),
    ("JOSHUA", "M", ["JOSH"]), ("KENNETH", "M", ["KEN", "KENNY"]),
    ("KEVIN", "M", []), ("BRIAN", "M", []), ("GEORGE", "M", []), ("TIMOTHY", "M", ["TIM"]),
    ("RONALD", "M", ["RON"]), ("EDWARD", "M", ["ED", "EDDIE", "TED"]),
    ("JASON", "M", []), ("JEFFREY", "M", ["JEFF"]), ("RYAN", "M", []), ("JACOB", "M", ["JAKE"]),
    ("GARY", "M", []), ("NICHOLAS", "M", ["NICK"]), ("ERIC", "M", []), ("JONATHAN", "M", ["JON"]),
    ("STEPHEN", "M", ["STEVE"]), ("LARRY", "M", []), ("JUSTIN", "M", []), ("SCOTT", "M", []),
    ("BENJAMIN", "M", ["BEN"]), ("SAMUEL", "M", ["SAM"]), ("GREGORY", "M", ["GREG"]),
    ("ALEXANDER", "M", ["ALEX"]), ("PATRICK", "M", ["PAT"]), ("JOSE", "M", ["PEPE"]),
    ("LUIS", "M", []), ("CARLOS", "M", []), ("JUAN", "M", []), ("MIGUEL", "M", []),
    ("DEANDRE", "M", ["DRE"]), ("TYRONE", "M", ["TY"]), ("MARCUS", "M", []),
    ("NGUYEN", "M", []), ("MINH", "M", []), ("TUAN", "M", []), ("ABDI", "M", []), ("MOHAMED", "M", []),
    ("OLUWASEUN", "M", ["SEUN"]), ("RAJESH", "M", ["RAJ"]), ("XAVIER", "M", []),
    ("GUNNAR", "M", []), ("LARS", "M", []), ("TRAVIS", "M", []), ("DUSTIN", "M", []),
    ("MARY", "F", ["MOLLY"]), ("PATRICIA", "F", ["PAT", "PATTY", "TRISH"]),
    ("JENNIFER", "F", ["JEN", "JENNY"]), ("LINDA", "F", []), ("ELIZABETH", "F", ["LIZ", "BETH", "BETSY"]),
    ("BARBARA", "F", ["BARB"]), ("SUSAN", "F", ["SUE", "SUSIE"]), ("JESSICA", "F", ["JESS"]),
    ("SARAH", "F", []), ("KAREN", "F", []), ("NANCY", "F", []), ("LISA", "F", []),
    ("MARGARET", "F", ["PEGGY", "MAGGIE", "MEG"]), ("SANDRA", "F", ["SANDY"]),
    ("ASHLEY", "F", []), ("KIMBERLY", "F", ["KIM"]), ("EMILY", "F", ["EM"]), ("DONNA", "F", []),
    ("MICHELLE", "F", ["SHELLY"]), ("DOROTHY", "F", ["DOT", "DOTTIE"]), ("CAROL", "F", []),
    ("AMANDA", "F", ["MANDY"]), ("MELISSA", "F", ["MEL", "MISSY"]), ("DEBORAH", "F", ["DEB", "DEBBIE"]),
    ("STEPHANIE", "F", ["STEPH"]), ("REBECCA", "F", ["BECKY", "BECCA"]), ("LAURA", "F", []),
    ("SHARON", "F", []), ("CYNTHIA", "F", ["CINDY"]), ("KATHLEEN", "F", ["KATHY", "KATE"]),
    ("AMY", "F", []), ("ANGELA", "F", ["ANGIE"]), ("HELEN", "F", []), ("ANNA", "F", ["ANNIE"]),
    ("BRENDA", "F", []), ("PAMELA", "F", ["PAM"]), ("NICOLE", "F", ["NIKKI"]),
    ("SAMANTHA", "F", ["SAM", "SAMMY"]), ("KATHERINE", "F", ["KATIE", "KATE", "KAT"]),
    ("CHRISTINE", "F", ["CHRIS", "TINA"]), ("DEBRA", "F", ["DEB"]), ("RACHEL", "F", []),
    ("MARIA", "F", []), ("GUADALUPE", "F", ["LUPE"]), ("ROSA", "F", []), ("XIOMARA", "F", []),
    ("LATOYA", "F", []), ("SHANICE", "F", []), ("IMANI", "F", []), ("FATIMA", "F", []),
    ("HODAN", "F", []), ("MAI", "F", []), ("LINH", "F", []), ("PRIYA", "F", []),
    ("INGRID", "F", []), ("KRISTIN", "F", ["KRIS"]), ("HEATHER", "F", []), ("TIFFANY", "F", []),
    ("BRITTANY", "F", ["BRITT"]), ("MADISON", "F", ["MADDIE"]), ("ABIGAIL", "F", ["ABBY"]),
    ("VICTORIA", "F", ["VICKY", "TORI"]), ("ALEXANDRA", "F", ["ALEX", "LEXI"]), ("JOAN", "F", []),
]

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

# very common surnames (drawn far more often)
COMMON_LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "GARCIA",
               "RODRIGUEZ", "WILSON", "MARTINEZ", "ANDERSON", "TAYLOR", "THOMAS", "MOORE",
               "JACKSON", "MARTIN", "LEE", "THOMPSON", "WHITE", "NELSON", "OLSON", "PETERSON"]

LAST = [
    "HERNANDEZ", "LOPEZ", "GONZALEZ", "PEREZ", "SANCHEZ", "RAMIREZ", "TORRES", "FLORES",
    "RIVERA", "GOMEZ", "DIAZ", "REYES", "CRUZ", "MORALES", "ORTIZ", "GUTIERREZ", "CHAVEZ",
    "HARRIS", "CLARK", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT",
    "SCOTT", "HILL", "GREEN", "ADAMS", "BAKER", "HALL", "CAMPBELL", "MITCHELL", "CARTER",
    "ROBERTS", "PHILLIPS", "EVANS", "TURNER", "PARKER", "COLLINS", "EDWARDS", "STEWART",
    "MORRIS", "MURPHY", "COOK", "ROGERS", "MORGAN", "COOPER", "PETERSON", "BAILEY", "REED",
    "KELLY", "HOWARD", "COX", "WARD", "RICHARDSON", "WATSON", "BROOKS", "WOOD", "JAMES",
    "BENNETT", "GRAY", "HUGHES", "PRICE", "SANDERS", "MYERS", "LONG", "ROSS", "FOSTER",
    "SCHMIDT", "SCHULTZ", "MUELLER", "KOWALSKI", "NOWAK", "WOJCIK", "LARSON", "HANSEN",
    "JOHNSRUD", "HALVORSEN", "LINDQVIST", "BERGSTROM", "KRUEGER", "VOLKMANN", "ZIMMERMANN",
    "NGUYEN", "TRAN", "PHAM", "LE", "VANG", "XIONG", "HER", "YANG", "LOR", "MOUA",
    "ABDULLAHI", "HASSAN", "WARSAME", "OKAFOR", "ADEYEMI", "PATEL", "SHAH", "REDDY",
    "KIM", "PARK", "CHEN", "WANG", "LIU", "SATO",
    "O'BRIEN", "O'CONNOR", "O'NEILL", "D'ANGELO", "D'SOUZA", "DE LA CRUZ", "VAN DYKE",
    "VAN DER BERG", "MCDONALD", "MACKENZIE", "ST. JOHN", "DEL RIO",
    "GARCIA-LOPEZ", "SMITH-JONES", "MARTINEZ-RUIZ", "HALL-WINTERS", "LEE-PARK",
    "BRANDT-OLSEN", "ROJAS-MEDINA", "KOWALCZYK", "THORNQUIST", "ASHGROVE", "PELLEGRINO",
    "QUINTANILLA", "BLACKWOOD", "FAIRBANKS", "HOLLOWAY", "VOSS", "WEBER", "FISCHER", "WAGNER",
    "BECKER", "HOFFMAN", "KOCH", "RICHTER", "KLEIN", "WOLF", "SCHRODER", "NEUMANN",
    "DUBOIS", "LAMBERT", "FONTAINE", "MERCIER", "GIRARD", "BOUCHER", "CHRISTENSEN",
]

SUFFIXES = ["JR", "SR", "II", "III"]

STREETS = [
    "MAPLE", "OAK", "ELM", "CEDAR", "PINE", "BIRCH", "WILLOW", "ASPEN", "HICKORY", "WALNUT",
    "LAKEVIEW", "RIVERSIDE", "HILLCREST", "PRAIRIE", "ORCHARD", "MEADOW", "SUNSET", "PARK",
    "MILL", "CHURCH", "MAIN", "WASHINGTON", "LINCOLN", "JEFFERSON", "MADISON", "FRANKLIN",
    "COUNTY ROAD K", "HIGHLAND", "BROOKSIDE", "FOREST", "GLENWAY", "HARBOR", "DEPOT",
    "CARDINAL", "HERON", "BLUFF", "QUARRY", "SCHOOL", "GRANT", "MONROE", "SPRING",
    "WINDSOR", "KESSLING", "ALDER", "BRENNAN", "TAMARACK", "JUNIPER", "STONEFIELD",
]
STREET_TYPES = [("ST", "STREET"), ("AVE", "AVENUE"), ("RD", "ROAD"), ("DR", "DRIVE"),
                ("LN", "LANE"), ("CT", "COURT"), ("BLVD", "BOULEVARD"), ("WAY", "WAY"),
                ("PL", "PLACE"), ("CIR", "CIRCLE")]
DIRECTIONS = [("N", "NORTH"), ("S", "SOUTH"), ("E", "EAST"), ("W", "WEST")]

# invented towns of an invented county (town, zip prefix digits, weight)
TOWNS = [
    ("BRENNAN FALLS", "537", 30), ("KESSLING", "535", 14), ("PORT ALDER", "541", 10),
    ("MARROW CREEK", "536", 8), ("LAKESHORE", "538", 12), ("WESTFIELD HEIGHTS", "537", 9),
    ("NORTHGATE", "537", 8), ("CEDAR HILL", "539", 6), ("OSWIN", "535", 4),
    ("PINE RIDGE", "544", 5), ("TAMARACK", "544", 3), ("HOLLIS", "536", 3),
]

AREA_CODES = ["608", "608", "608", "920", "715", "262"]

CAR_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"

# invented public figures (watchlist); the names are random pool combinations
# chosen at world build, only the roles are fixed here
VIP_ROLES = [
    ("celebrity", "evening news anchor, Channel 7"),
    ("celebrity", "professional hockey player (Brennan Blizzard)"),
    ("celebrity", "country singer, lives near Cedar Hill"),
    ("official", "mayor of Brennan Falls"),
    ("official", "state senator, 14th district"),
    ("official", "county sheriff"),
    ("board_member", "hospital board of trustees, chair"),
    ("board_member", "hospital foundation donor"),
]
