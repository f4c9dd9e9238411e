"""Invented name and place pools for independent_world_e (a state DMV).

Every person built from these pools is invented: first and last names are drawn
independently, and dates of birth, addresses, plates, VINs and phone numbers are random.
Phones use the 555 exchange. Town names are invented combinations.
"""

# (first name, nicknames staff might type instead)
MALE_FIRST = [
    ("JAMES", ["JIM", "JIMMY"]), ("JOHN", ["JACK", "JOHNNY"]), ("ROBERT", ["BOB", "ROB", "BOBBY"]),
    ("MICHAEL", ["MIKE", "MIKEY"]), ("WILLIAM", ["BILL", "WILL", "BILLY"]), ("DAVID", ["DAVE"]),
    ("RICHARD", ["RICK", "DICK", "RICH"]), ("JOSEPH", ["JOE", "JOEY"]), ("THOMAS", ["TOM", "TOMMY"]),
    ("CHARLES", ["CHUCK", "CHARLIE"]), ("CHRISTOPHER", ["CHRIS"]), ("DANIEL", ["DAN", "DANNY"]),
    ("MATTHEW", ["MATT"]), ("ANTHONY", ["TONY"]), ("MARK", []), ("DONALD", ["DON"]),
    ("STEVEN", ["STEVE"]), ("PAUL", []), ("ANDREW", ["ANDY", "DREW"]), ("JOSHUA", ["JOSH"]),
    ("KENNETH", ["KEN", "KENNY"]), ("KEVIN", []), ("BRIAN", []), ("GEORGE", []),
    ("TIMOTHY", ["TIM"]), ("RONALD", ["RON"]), ("EDWARD", ["ED", "EDDIE", "TED"]), ("JASON", []),
    ("JEFFREY", ["JEFF"]), ("RYAN", []), ("JACOB", ["JAKE"]), ("GARY", []), ("NICHOLAS", ["NICK"]),
    ("ERIC", []), ("JONATHAN", ["JON"]), ("STEPHEN", ["STEVE"]), ("LARRY", []), ("JUSTIN", []),
    ("SCOTT", []), ("BRANDON", []), ("BENJAMIN", ["BEN"]), ("SAMUEL", ["SAM"]),
    ("GREGORY", ["GREG"]), ("ALEXANDER", ["ALEX"]), ("PATRICK", ["PAT"]), ("FRANK", []),
    ("RAYMOND", ["RAY"]), ("JACK", []), ("DENNIS", []), ("JERRY", []), ("TYLER", []),
    ("AARON", []), ("JOSE", ["PEPE"]), ("ADAM", []), ("NATHAN", ["NATE"]), ("HENRY", ["HANK"]),
    ("ZACHARY", ["ZACH"]), ("DOUGLAS", ["DOUG"]), ("PETER", ["PETE"]), ("KYLE", []),
    ("NOAH", []), ("ETHAN", []), ("JEREMY", []), ("WALTER", ["WALT"]), ("CHRISTIAN", []),
    ("KEITH", []), ("ROGER", []), ("TERRY", []), ("AUSTIN", []), ("SEAN", []), ("GERALD", ["JERRY"]),
    ("CARL", []), ("HAROLD", ["HAL"]), ("DYLAN", []), ("ARTHUR", ["ART"]), ("LAWRENCE", ["LARRY"]),
    ("JORDAN", []), ("JESSE", []), ("BRYAN", []), ("BILLY", []), ("BRUCE", []), ("GABRIEL", ["GABE"]),
    ("JOE", []), ("LOGAN", []), ("ALAN", []), ("JUAN", []), ("ALBERT", ["AL"]), ("WILLIE", []),
    ("ELIJAH", ["ELI"]), ("WAYNE", []), ("RANDY", []), ("VINCENT", ["VINCE"]), ("MASON", []),
    ("ROY", []), ("RALPH", []), ("BOBBY", []), ("RUSSELL", ["RUSS"]), ("BRADLEY", ["BRAD"]),
    ("PHILIP", ["PHIL"]), ("EUGENE", ["GENE"]), ("LUIS", []), ("CARLOS", []), ("MIGUEL", []),
    ("DERRICK", []), ("TREVOR", []), ("DUSTIN", []), ("CODY", []), ("TRAVIS", []),
    ("MARCUS", []), ("DARNELL", []), ("TERRENCE", ["TERRY"]), ("DESHAWN", []), ("ANDRE", []),
    ("KWAME", []), ("OMAR", []), ("HASSAN", []), ("TUAN", []), ("MINH", []), ("HIEU", []),
    ("RAJESH", ["RAJ"]), ("ARJUN", []), ("DMITRI", []), ("IVAN", []), ("LARS", []), ("SVEN", []),
    ("ELMER", []), ("DALE", []), ("GLENN", []), ("LYLE", []), ("DUANE", []), ("CLAYTON", ["CLAY"]),
    ("WESLEY", ["WES"]), ("LEROY", ["ROY"]), ("MAURICE", []), ("FRANCISCO", ["PACO", "FRANK"]),
    ("ALEJANDRO", ["ALEX"]), ("RAFAEL", ["RAFA"]), ("EMMANUEL", ["MANNY"]), ("OWEN", []),
    ("CALEB", []), ("LUKE", []), ("ISAAC", ["IKE"]), ("LEVI", []), ("COLTON", []),
]

FEMALE_FIRST = [
    ("MARY", []), ("PATRICIA", ["PAT", "PATTY", "TRISH"]), ("JENNIFER", ["JEN", "JENNY"]),
    ("LINDA", []), ("ELIZABETH", ["LIZ", "BETH", "BETSY", "LIZZIE"]), ("BARBARA", ["BARB"]),
    ("SUSAN", ["SUE", "SUSIE"]), ("JESSICA", ["JESS"]), ("SARAH", []), ("KAREN", []),
    ("LISA", []), ("NANCY", []), ("BETTY", []), ("MARGARET", ["MAGGIE", "PEGGY", "MEG"]),
    ("SANDRA", ["SANDY"]), ("ASHLEY", []), ("KIMBERLY", ["KIM"]), ("EMILY", ["EM"]),
    ("DONNA", []), ("MICHELLE", ["SHELLY"]), ("CAROL", []), ("AMANDA", ["MANDY"]),
    ("DOROTHY", ["DOT"]), ("MELISSA", ["MISSY", "MEL"]), ("DEBORAH", ["DEB", "DEBBIE"]),
    ("STEPHANIE", ["STEPH"]), ("REBECCA", ["BECKY", "BECCA"]), ("SHARON", []), ("LAURA", []),
    ("CYNTHIA", ["CINDY"]), ("KATHLEEN", ["KATHY", "KATE"]), ("AMY", []), ("ANGELA", ["ANGIE"]),
    ("SHIRLEY", []), ("ANNA", []), ("BRENDA", []), ("PAMELA", ["PAM"]), ("EMMA", []),
    ("NICOLE", ["NIKKI"]), ("HELEN", []), ("SAMANTHA", ["SAM"]), ("KATHERINE", ["KATE", "KATIE", "KAT"]),
    ("CHRISTINE", ["CHRIS", "TINA"]), ("DEBRA", ["DEB"]), ("RACHEL", []), ("CAROLYN", []),
    ("JANET", []), ("CATHERINE", ["CATHY", "CAT"]), ("MARIA", []), ("HEATHER", []),
    ("DIANE", []), ("RUTH", []), ("JULIE", []), ("OLIVIA", ["LIV"]), ("JOYCE", []),
    ("VIRGINIA", ["GINNY"]), ("VICTORIA", ["VICKY", "TORI"]), ("KELLY", []), ("LAUREN", []),
    ("CHRISTINA", ["TINA", "CHRISSY"]), ("JOAN", []), ("EVELYN", ["EVIE"]), ("JUDITH", ["JUDY"]),
    ("MEGAN", ["MEG"]), ("ANDREA", []), ("CHERYL", []), ("HANNAH", []), ("JACQUELINE", ["JACKIE"]),
    ("MARTHA", ["MARTY"]), ("GLORIA", []), ("TERESA", ["TERRI", "TESS"]), ("ANN", []),
    ("SARA", []), ("MADISON", ["MADDIE"]), ("FRANCES", ["FRAN"]), ("KATHRYN", ["KATHY"]),
    ("JANICE", []), ("JEAN", []), ("ABIGAIL", ["ABBY"]), ("ALICE", []), ("JULIA", []),
    ("JUDY", []), ("SOPHIA", []), ("GRACE", []), ("DENISE", []), ("AMBER", []),
    ("DORIS", []), ("MARILYN", []), ("DANIELLE", ["DANI"]), ("BEVERLY", ["BEV"]),
    ("ISABELLA", ["BELLA"]), ("THERESA", ["TERRI"]), ("DIANA", []), ("NATALIE", []),
    ("BRITTANY", []), ("CHARLOTTE", []), ("MARIE", []), ("KAYLA", []), ("ALEXIS", ["LEXI"]),
    ("LORI", []), ("TAMMY", []), ("TONYA", []), ("CRYSTAL", []), ("CONNIE", []),
    ("LATOYA", []), ("KEISHA", []), ("TANISHA", []), ("IMANI", []), ("AALIYAH", []),
    ("GUADALUPE", ["LUPE"]), ("ROSA", []), ("ALEJANDRA", ["ALE"]), ("YOLANDA", []),
    ("XIOMARA", []), ("LINH", []), ("MAI", []), ("THUY", []), ("PRIYA", []), ("ANJALI", []),
    ("SVETLANA", ["LANA"]), ("INGRID", []), ("ASTRID", []), ("GRETCHEN", []), ("LOIS", []),
    ("MARCIA", []), ("BONNIE", []), ("DARLENE", []), ("RHONDA", []), ("WANDA", []),
    ("KRISTEN", ["KRIS"]), ("ERIN", []), ("COURTNEY", []), ("BAILEY", []), ("HAILEY", []),
    ("MACKENZIE", ["KENZIE"]), ("BROOKE", []), ("PAIGE", []), ("SIERRA", []), ("JADE", []),
]

# Surnames roughly by frequency (the head of the list is drawn much more often).
SURNAMES = [
    "SMITH", "JOHNSON", "MILLER", "ANDERSON", "WILLIAMS", "BROWN", "JONES", "NELSON", "PETERSON",
    "OLSON", "GARCIA", "MARTINEZ", "DAVIS", "WILSON", "SCHMIDT", "MEYER", "MOORE", "TAYLOR",
    "THOMPSON", "LARSON", "HANSEN", "THOMAS", "JACKSON", "WHITE", "MARTIN", "CLARK", "LEWIS",
    "RODRIGUEZ", "HERNANDEZ", "LOPEZ", "NGUYEN", "CHRISTENSEN", "JENSEN", "SCHULTZ", "WAGNER",
    "BECKER", "HOFFMAN", "KOCH", "KRUEGER", "MUELLER", "WEBER", "FISCHER", "SCHNEIDER",
    "HALL", "ALLEN", "YOUNG", "KING", "WRIGHT", "SCOTT", "GREEN", "BAKER", "ADAMS", "HILL",
    "CAMPBELL", "MITCHELL", "ROBERTS", "CARTER", "PHILLIPS", "EVANS", "TURNER", "TORRES",
    "PARKER", "COLLINS", "EDWARDS", "STEWART", "FLORES", "MORRIS", "MURPHY", "COOK", "ROGERS",
    "GONZALEZ", "PEREZ", "SANCHEZ", "RAMIREZ", "RIVERA", "REYES", "CRUZ", "MORALES", "ORTIZ",
    "GUTIERREZ", "CHAVEZ", "RAMOS", "RUIZ", "ALVAREZ", "MENDOZA", "CASTILLO", "VASQUEZ",
    "MORGAN", "PETERS", "BELL", "MURRAY", "FOSTER", "BUTLER", "SIMMONS", "BRYANT", "RUSSELL",
    "GRIFFIN", "HAYES", "MYERS", "FORD", "HAMILTON", "GRAHAM", "SULLIVAN", "WALLACE", "WOODS",
    "COLE", "WEST", "JORDAN", "OWENS", "REYNOLDS", "FISHER", "ELLIS", "HARRISON", "GIBSON",
    "MCDONALD", "MCCARTHY", "MCLAUGHLIN", "MACKENZIE", "MCMAHON", "O'BRIEN", "O'CONNOR",
    "O'NEIL", "O'MALLEY", "D'AMATO", "DELEON", "DE LA CRUZ", "VAN DYKE", "VANDERBERG",
    "VAN HOUTEN", "ST CLAIR", "LAROCHE", "LEBLANC", "DUBOIS", "FONTAINE",
    "KOWALSKI", "NOWAK", "WISNIEWSKI", "LEWANDOWSKI", "ZIELINSKI", "NOVAK", "SVOBODA",
    "DVORAK", "HORVATH", "KOVACS", "PETROV", "IVANOV", "SOKOLOV", "ERIKSSON", "LINDQUIST",
    "BERGSTROM", "SODERBERG", "HOLM", "DAHL", "HAUGEN", "BERG", "STRAND", "NYGAARD",
    "KIM", "PARK", "LEE", "CHOI", "TRAN", "PHAM", "LE", "VU", "HOANG", "CHEN", "WANG", "LI",
    "ZHANG", "LIU", "HUANG", "PATEL", "SHAH", "SINGH", "KUMAR", "DESAI", "MEHTA",
    "OKAFOR", "ADEYEMI", "MENSAH", "OSEI", "HAILE", "TESFAYE", "ABDI", "HASSAN", "ALI",
    "WASHINGTON", "JEFFERSON", "BANKS", "FREEMAN", "HOLMES", "PRICE", "BENNETT", "WOOD",
    "BARNES", "ROSS", "HENDERSON", "COLEMAN", "JENKINS", "PERRY", "POWELL", "LONG",
    "PATTERSON", "HUGHES", "WASHBURN", "STONE", "WARD", "COX", "HOWARD", "RICHARDSON",
    "BROOKS", "WATSON", "SANDERS", "PRICE", "KELLY", "HOWELL", "BISHOP", "WEAVER",
    "HUNT", "PALMER", "BLACK", "LANE", "MASON", "DUNN", "PIERCE", "ARNOLD", "HART", "KNIGHT",
    "BURKE", "FRANKLIN", "HARPER", "RILEY", "CARPENTER", "SHAW", "GORDON", "SPENCER",
    "STEPHENS", "HUDSON", "PORTER", "CRAWFORD", "BOYD", "MASON", "WARREN", "DIXON", "MILLS",
    "NICHOLS", "GRANT", "WELLS", "WEBB", "HOPKINS", "BRADLEY", "LAWSON", "FIELDS", "DOUGLAS",
    "CARLSON", "SWANSON", "GUSTAFSON", "NORDSTROM", "AMUNDSON", "HALVORSON", "TOLLEFSON",
    "BRANDT", "ZIMMERMAN", "HARTMANN", "VOGEL", "FRANK", "KRAUSE", "LANGE", "HAHN", "BAUER",
    "ENGEL", "SCHROEDER", "NEUMANN", "SCHWARTZ", "KLEIN", "WOLF", "ROTH", "STEIN",
    "QUINTANA", "SALAZAR", "DOMINGUEZ", "ESPINOZA", "NAVARRO", "CONTRERAS", "AGUILAR",
    "VALENCIA", "CERVANTES", "IBARRA", "FUENTES", "CABRERA", "MIRANDA", "ZAMORA",
]

SUFFIXES = ["JR", "SR", "II", "III", "IV"]

MIDDLE_INITIALS = "ABCDEFGHIJKLMNOPRSTW"

# Town names are built from these halves; all invented.
TOWN_A = [
    "ASH", "BIRCH", "CEDAR", "ELM", "MAPLE", "OAK", "PINE", "WILLOW", "ALDER", "LINDEN",
    "MARLOW", "KETTLE", "HARLAN", "BRISTOW", "DUNMORE", "FALLON", "GRANGER", "HOLLIS",
    "JUNIPER", "KINGSLEY", "LOCKWOOD", "MILLBROOK", "NORWOOD", "OSGOOD", "PRESCOTT",
    "QUINCY", "REDWING", "SHELBY", "THORNTON", "UPTON", "VERNON", "WHITFIELD", "YARDLEY",
    "ELKHORN", "FOXBORO", "GLENWOOD", "HAWTHORN", "IRONDALE", "LARKIN", "MEADOW",
]
TOWN_B = [" FALLS", " SPRINGS", " GROVE", " CITY", " RIDGE", "VILLE", " CENTER", " JUNCTION",
          " HEIGHTS", " CROSSING", "TON", " PRAIRIE", " BLUFF", " RAPIDS", " LAKE", " HOLLOW"]

STREETS = [
    "MAIN", "MAPLE", "OAK", "ELM", "PINE", "CEDAR", "WALNUT", "CHESTNUT", "HICKORY", "BIRCH",
    "WASHINGTON", "LINCOLN", "JEFFERSON", "MADISON", "MONROE", "JACKSON", "GRANT", "FRANKLIN",
    "PARK", "LAKE", "HILL", "RIVER", "MILL", "CHURCH", "SCHOOL", "HIGH", "CENTER", "UNION",
    "PRAIRIE", "MEADOW", "ORCHARD", "SUNSET", "SUNRISE", "HIGHLAND", "RIDGE", "VALLEY",
    "COTTONWOOD", "SYCAMORE", "WILLOW", "ASPEN", "SPRUCE", "LOCUST", "MULBERRY", "DOGWOOD",
    "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH",
    "TENTH", "TWELFTH", "FIFTEENTH", "BRIARWOOD", "FOXRIDGE", "DEER CREEK", "STONEBRIDGE",
    "HARVEST", "TIMBER", "COUNTRY CLUB", "COLLEGE", "UNIVERSITY", "RAILROAD", "DEPOT",
    "BLUFF", "CANYON", "SILO", "WINDMILL", "CREEKSIDE", "HERITAGE", "LIBERTY", "PIONEER",
    "SADDLEBROOK", "KINGSTON", "WESTGATE", "EASTWOOD", "NORTHVIEW", "SOUTHPOINTE",
]

# (abbreviation, spelled out)
STREET_TYPES = [("ST", "STREET"), ("AVE", "AVENUE"), ("RD", "ROAD"), ("DR", "DRIVE"),
                ("LN", "LANE"), ("CT", "COURT"), ("BLVD", "BOULEVARD"), ("PL", "PLACE"),
                ("CIR", "CIRCLE"), ("WAY", "WAY"), ("TER", "TERRACE"), ("PKWY", "PARKWAY")]
DIRECTIONS = [("N", "NORTH"), ("S", "SOUTH"), ("E", "EAST"), ("W", "WEST")]

AREA_CODES = ["319", "515", "563", "641", "712", "402", "608", "507", "309", "815", "217",
              "618", "573", "660", "816", "417"]

# Real manufacturer identifiers (not people) with some models.
VEHICLES = [
    ("1FT", "FORD", ["F150", "F250", "RANGER"]), ("1FA", "FORD", ["MUSTANG", "FUSION"]),
    ("1FM", "FORD", ["EXPLORER", "ESCAPE", "EDGE"]), ("1GC", "CHEVROLET", ["SILVERADO", "COLORADO"]),
    ("1G1", "CHEVROLET", ["MALIBU", "IMPALA", "CRUZE"]), ("1GN", "CHEVROLET", ["EQUINOX", "TAHOE", "TRAVERSE"]),
    ("1C6", "RAM", ["1500", "2500"]), ("1C4", "JEEP", ["CHEROKEE", "WRANGLER", "GRAND CHEROKEE"]),
    ("2T1", "TOYOTA", ["COROLLA", "MATRIX"]), ("4T1", "TOYOTA", ["CAMRY", "AVALON"]),
    ("5TD", "TOYOTA", ["HIGHLANDER", "SIENNA"]), ("JTD", "TOYOTA", ["PRIUS", "YARIS"]),
    ("1HG", "HONDA", ["ACCORD", "CIVIC"]), ("5J6", "HONDA", ["CR-V", "HR-V"]), ("5FN", "HONDA", ["ODYSSEY", "PILOT"]),
    ("1N4", "NISSAN", ["ALTIMA", "SENTRA"]), ("5N1", "NISSAN", ["ROGUE", "PATHFINDER"]),
    ("KMH", "HYUNDAI", ["ELANTRA", "SONATA", "TUCSON"]), ("KNA", "KIA", ["SORENTO", "SOUL", "FORTE"]),
    ("JF2", "SUBARU", ["FORESTER", "OUTBACK", "CROSSTREK"]), ("WBA", "BMW", ["330I", "X3", "X5"]),
    ("WVW", "VOLKSWAGEN", ["JETTA", "PASSAT", "GOLF"]), ("1GT", "GMC", ["SIERRA", "CANYON"]),
    ("3GN", "CHEVROLET", ["TRAX", "BLAZER"]), ("5YJ", "TESLA", ["MODEL 3", "MODEL Y"]),
    ("2HK", "HONDA", ["CR-V"]), ("1J4", "JEEP", ["LIBERTY", "PATRIOT"]), ("JM1", "MAZDA", ["MAZDA3", "CX-5"]),
    ("1B3", "DODGE", ["CHARGER", "DART"]), ("2C4", "CHRYSLER", ["PACIFICA", "TOWN AND COUNTRY"]),
]

VANITY_WORDS = ["GOHAWKS", "CYCLONE", "LUVMYDOG", "FARMGRL", "BIGRED", "NANA2", "RUNFAST",
                "COFFEE", "TRUCKN", "CORNFED", "PRAIRIE", "DRMR", "BEEKPR", "GRANDPA", "TEACH",
                "NURSE1", "HOGWILD", "LAKELIF", "SNOWDAY", "GOFISH", "4EVER", "JESUS1", "BADGER",
                "STORMY", "MOOSE", "TATER", "RDTRIP", "GRN THM", "HAYDAY", "OLDBLUE"]

DEALER_A = ["SUNRISE", "PRAIRIE", "HEARTLAND", "RIVERSIDE", "TRI-COUNTY", "VALLEY", "CROSSROADS",
            "MIDWEST", "GOLDEN", "PIONEER", "LIBERTY", "CAPITAL", "NORTHLAND", "TWIN RIVERS",
            "BLUE STEM", "IRONWOOD", "FRONTIER", "LAKESIDE"]
DEALER_B = ["AUTO SALES", "MOTORS", "AUTO GROUP", "CHEVROLET", "FORD", "TOYOTA", "HONDA",
            "PRE-OWNED", "CAR COMPANY", "TRUCK CENTER", "AUTO MART", "MOTOR CO"]
DEALER_C = ["LLC", "INC", "", "CO", "CORP"]

INSURERS = ["HEARTLAND MUTUAL", "PRAIRIE STATE CASUALTY", "GREAT PLAINS INSURANCE",
            "NORTHSTAR AUTO INS", "RIVER VALLEY MUTUAL", "FARMSTEAD GENERAL",
            "CORNERSTONE P&C", "MIDLANDS INDEMNITY", "TRUEWAY DIRECT", "BLUE HORIZON INS",
            "SENTRY OAK MUTUAL", "KEYSTONE PLAINS"]

AGENCIES = ["STATE PATROL DIST {n}", "{town} POLICE DEPT", "{town} COUNTY SHERIFF",
            "{town} DISTRICT COURT", "COUNTY ATTORNEY {town}", "DRUG TASK FORCE {n}"]

REQUESTERS = ["{ins} CLAIMS", "LAW OFFICE OF {last} & {last2}", "{a} TOWING", "{a} RECOVERY",
              "{last} LEGAL GROUP", "{a} PARKING ENFORCEMENT", "UNIVERSITY PARKING SVCS"]

TOW_A = ["BIG JIM'S", "AAA1", "DEPENDABLE", "ACE", "CITY WIDE", "ROADRUNNER", "K&L", "HOOK EM"]

# Public figures (all invented). category -> (last, first, sex, age, note)
WATCHLIST = {
    "celebrity": [("DAWSON", "CALLIE", "F", 34, "country singer"),
                  ("OKONKWO", "DESMOND", "M", 29, "pro football running back"),
                  ("VANTERPOOL", "SKYE", "F", 41, "TV morning host"),
                  ("MARCHETTI", "LUCA", "M", 52, "celebrity chef"),
                  ("BRIGHTWATER", "JUNE", "F", 27, "olympic swimmer"),
                  ("HOLLOWAY", "RHETT", "M", 45, "film actor")],
    "official": [("PRUITT", "GORDON", "M", 61, "state senator"),
                 ("ABERNATHY", "CLAIRE", "F", 55, "lieutenant governor"),
                 ("STROUD", "MALCOLM", "M", 58, "county sheriff"),
                 ("YBARRA", "ELENA", "F", 47, "state representative"),
                 ("KESSLER", "WARD", "M", 66, "state supreme court justice")],
    "journalist": [("VELASQUEZ", "NORA", "F", 38, "investigative reporter, Courier"),
                   ("ASHGROVE", "TOBIAS", "M", 44, "TV news anchor"),
                   ("MBEKI", "SAFIYA", "F", 31, "public-radio reporter")],
}
