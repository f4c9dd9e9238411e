"""Hand-written name, street, place and business lists for the revenue-agency world (j).

Everyone built from these lists is invented: first names and surnames are combined
at random with invented dates of birth, addresses, phones, plates and taxpayer ids.
"""

FIRST_M = [
    "AARON", "ADAM", "ALAN", "ALBERT", "ANDREW", "ANTHONY", "ARTHUR", "AUSTIN",
    "BENJAMIN", "BRADLEY", "BRANDON", "BRIAN", "BRUCE", "CALEB", "CARL", "CHAD",
    "CHARLES", "CHRISTOPHER", "CLIFFORD", "COREY", "CRAIG", "CURTIS", "DALE",
    "DANIEL", "DARRELL", "DAVID", "DEAN", "DENNIS", "DEREK", "DONALD", "DOUGLAS",
    "DUANE", "DUSTIN", "EDWARD", "ERIC", "ERIK", "EVAN", "FRANCIS", "FRANKLIN",
    "GARRETT", "GERALD", "GLENN", "GREGORY", "HAROLD", "HENRY", "IAN", "ISAAC",
    "JACOB", "JAMES", "JARED", "JEFFREY", "JEREMY", "JESSE", "JOEL", "JOHN",
    "JONATHAN", "JOSEPH", "JOSHUA", "KEITH", "KENNETH", "KYLE", "LANCE", "LAWRENCE",
    "LEONARD", "LOGAN", "LUCAS", "MARCUS", "MARTIN", "MATTHEW", "MICHAEL",
    "MITCHELL", "NATHAN", "NICHOLAS", "OWEN", "PATRICK", "PHILIP", "RANDALL",
    "RAYMOND", "RICHARD", "ROBERT", "RODNEY", "ROGER", "RONALD", "RUSSELL",
    "SAMUEL", "SCOTT", "SHANE", "STEVEN", "THEODORE", "THOMAS", "TIMOTHY",
    "TODD", "TRAVIS", "TYLER", "VINCENT", "WALTER", "WAYNE", "WILLIAM", "ZACHARY",
    "JOSE", "LUIS", "CARLOS", "MIGUEL", "JAVIER", "ALEJANDRO", "DESHAWN",
    "MALIK", "TERRELL", "DARNELL", "HUNG", "MINH", "OMAR", "TARIQ", "ARJUN",
]
FIRST_F = [
    "ABIGAIL", "ALICIA", "ALLISON", "AMANDA", "AMBER", "AMY", "ANDREA", "ANGELA",
    "ANNA", "APRIL", "ASHLEY", "BARBARA", "BETHANY", "BONNIE", "BRENDA", "BRITTANY",
    "CAROL", "CAROLYN", "CATHERINE", "CHELSEA", "CHERYL", "CHRISTINA", "CHRISTINE",
    "CINDY", "COURTNEY", "CRYSTAL", "DANIELLE", "DARLENE", "DAWN", "DEBORAH",
    "DENISE", "DIANE", "DONNA", "DOROTHY", "ELAINE", "ELIZABETH", "EMILY", "ERIN",
    "EVELYN", "GAIL", "GLORIA", "HANNAH", "HEATHER", "HOLLY", "JACQUELINE", "JANET",
    "JEAN", "JENNIFER", "JESSICA", "JILL", "JOAN", "JOANNE", "JODI", "JUDITH",
    "JULIE", "KAREN", "KATHERINE", "KATHLEEN", "KATHY", "KAYLA", "KELLY", "KIMBERLY",
    "KRISTEN", "KRISTIN", "LAURA", "LAUREN", "LESLIE", "LINDA", "LISA", "LORI",
    "MADISON", "MARGARET", "MARIE", "MARILYN", "MARY", "MEGAN", "MELANIE", "MELISSA",
    "MICHELLE", "MOLLY", "NANCY", "NATALIE", "NICOLE", "OLIVIA", "PAMELA", "PATRICIA",
    "PEGGY", "RACHEL", "REBECCA", "RENEE", "ROBIN", "RUTH", "SABRINA", "SANDRA",
    "SARAH", "SHANNON", "SHARON", "SHEILA", "STACY", "STEPHANIE", "SUSAN", "TAMARA",
    "TERESA", "TIFFANY", "TRACY", "VALERIE", "VICTORIA", "WENDY", "MARIA", "ROSA",
    "GUADALUPE", "LATOYA", "KEISHA", "LAKISHA", "THANH", "LINH", "PRIYA", "FATIMA",
]
SURNAMES = [
    "ANDERSON", "JOHNSON", "SMITH", "MILLER", "BROWN", "WILLIAMS", "JONES", "DAVIS",
    "WILSON", "MOORE", "TAYLOR", "THOMAS", "JACKSON", "WHITE", "HARRIS", "MARTIN",
    "THOMPSON", "CLARK", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING",
    "WRIGHT", "SCOTT", "HILL", "GREEN", "ADAMS", "BAKER", "NELSON", "CARTER",
    "MITCHELL", "ROBERTS", "TURNER", "PHILLIPS", "CAMPBELL", "PARKER", "EVANS",
    "EDWARDS", "COLLINS", "STEWART", "MORRIS", "MURPHY", "COOK", "ROGERS", "MORGAN",
    "PETERSON", "COOPER", "REED", "BAILEY", "BELL", "KELLY", "HOWARD", "WARD",
    "COX", "RICHARDSON", "WOOD", "WATSON", "BROOKS", "BENNETT", "GRAY", "HUGHES",
    "PRICE", "SANDERS", "MYERS", "LONG", "ROSS", "FOSTER", "POWELL", "JENKINS",
    "PERRY", "RUSSELL", "SULLIVAN", "FISHER", "HENDERSON", "COLEMAN", "SIMMONS",
    "PATTERSON", "JORDAN", "REYNOLDS", "HAMILTON", "GRAHAM", "WALLACE", "WEST",
    "COLE", "HAYES", "GIBSON", "ELLIS", "STEVENS", "MURRAY", "FORD", "MARSHALL",
    "OWENS", "HARRISON", "FERGUSON", "WAGNER", "SCHMIDT", "SCHNEIDER", "MUELLER",
    "BECKER", "HOFFMAN", "SCHROEDER", "KOCH", "KLEIN", "WEBER", "MEYER", "FISCHER",
    "HANSEN", "LARSON", "OLSON", "NIELSEN", "JOHANNSEN", "SORENSEN", "LINDGREN",
    "BERGSTROM", "NOVAK", "KOWALCZYK", "WISNIEWSKI", "DVORAK", "HORVATH", "KRAUS",
    "O'CONNOR", "O'NEILL", "MCCARTHY", "MCDONALD", "MACKENZIE", "FITZGERALD",
    "GARCIA", "MARTINEZ", "RODRIGUEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "PEREZ",
    "SANCHEZ", "RAMIREZ", "TORRES", "FLORES", "RIVERA", "CASTILLO", "DE LA ROSA",
    "VAN DER BERG", "VAN HOUTEN", "DE VRIES", "NGUYEN", "TRAN", "PHAM", "LE",
    "KIM", "PARK", "PATEL", "SHAH", "KHAN", "WASHINGTON", "JEFFERSON", "BANKS",
    "BOOKER", "DUNBAR", "HOLLOWAY", "PRUITT", "STAPLETON", "WHITAKER", "KINCAID",
    "YODER", "STOLTZFUS", "HOCHSTETLER", "BONTRAGER", "ZIMMERMAN", "EICHELBERGER",
]
# rarer surnames reserved for watchlist people (public figures)
RARE_SURNAMES = [
    "ASHBOURNE", "BLACKTHORNE", "CALLOWAY-REESE", "DRUMMOND", "ELLSWORTH",
    "FAIRCHILD", "GALLOWAY", "HALLORAN", "IVERSEN", "JARDINE", "KESSELRING",
    "LANGSTAFF", "MONTCLAIR", "NORTHROP", "ORMSBY", "PEMBERTON", "QUINLIVAN",
    "RAVENSCROFT", "STANHOPE", "THORNBURY", "UNDERHILL", "VANDERMEER",
    "WESTBROOK", "YARBOROUGH", "ZABRISKIE", "AINSWORTH", "BRIGHTWATER",
    "CORNWALLIS", "DEVEREAUX", "EVERHART", "FOXWORTH", "GREYSTONE", "HAVILAND",
    "INGLEBY", "KILLINGSWORTH", "LOCKRIDGE", "MARCHBANKS", "NETHERCOTT",
    "OVERSTREET", "PRESCOTT-HALE", "RUTHERFORD", "SEDGWICK",
]
NICK = {
    "ROBERT": ["BOB", "ROB", "BOBBY"], "WILLIAM": ["BILL", "WILL", "BILLY"],
    "JAMES": ["JIM", "JIMMY", "JAMIE"], "MICHAEL": ["MIKE", "MIKEY"], "JOSEPH": ["JOE", "JOEY"],
    "THOMAS": ["TOM", "TOMMY"], "RICHARD": ["RICK", "DICK", "RICH"], "DANIEL": ["DAN", "DANNY"],
    "ANTHONY": ["TONY"], "CHRISTOPHER": ["CHRIS"], "CHRISTINE": ["CHRIS", "CHRISSY"],
    "CHRISTINA": ["TINA", "CHRIS"], "ELIZABETH": ["LIZ", "BETH", "BETSY"],
    "KATHERINE": ["KATE", "KATIE", "KATHY"], "KATHLEEN": ["KATHY", "KATIE"],
    "MARGARET": ["MAGGIE", "PEGGY", "MEG"], "JENNIFER": ["JEN", "JENNY"],
    "REBECCA": ["BECKY", "BECCA"], "PATRICIA": ["PAT", "PATTY", "TRISH"],
    "EDWARD": ["ED", "EDDIE", "TED"], "SAMUEL": ["SAM"], "BENJAMIN": ["BEN"],
    "NICHOLAS": ["NICK"], "STEVEN": ["STEVE"], "TIMOTHY": ["TIM"], "KENNETH": ["KEN", "KENNY"],
    "MATTHEW": ["MATT"], "ANDREW": ["ANDY", "DREW"], "JONATHAN": ["JON"], "SUSAN": ["SUE", "SUSIE"],
    "DEBORAH": ["DEB", "DEBBIE"], "KIMBERLY": ["KIM"], "JESSICA": ["JESS", "JESSIE"],
    "BARBARA": ["BARB"], "DONALD": ["DON"], "DOUGLAS": ["DOUG"], "GREGORY": ["GREG"],
    "GERALD": ["JERRY"], "LAWRENCE": ["LARRY"], "RAYMOND": ["RAY"], "RONALD": ["RON"],
    "THEODORE": ["TED", "TEDDY"], "ZACHARY": ["ZACH"], "PHILIP": ["PHIL"], "RANDALL": ["RANDY"],
    "ALEJANDRO": ["ALEX"], "GUADALUPE": ["LUPE"], "PAMELA": ["PAM"], "SANDRA": ["SANDY"],
    "CATHERINE": ["CATHY", "KATE"], "CAROLYN": ["CAROL"], "JACQUELINE": ["JACKIE"],
    "VICTORIA": ["VICKY", "TORI"], "ABIGAIL": ["ABBY"], "MELISSA": ["MISSY"],
    "STEPHANIE": ["STEPH"], "ALBERT": ["AL", "BERT"], "FRANCIS": ["FRANK"], "LEONARD": ["LEN"],
}
STREETS = [
    "KIPLING", "MAIN", "OAK", "ELM", "MAPLE", "WALNUT", "CHESTNUT", "HICKORY",
    "SYCAMORE", "COTTONWOOD", "PRAIRIE", "MEADOW", "HARVEST", "WHEATLAND", "SUNFLOWER",
    "BLUESTEM", "SANTA FE", "CHISHOLM", "RAILROAD", "DEPOT", "MILL", "RIVER", "LAKE",
    "PARK", "LINCOLN", "WASHINGTON", "JEFFERSON", "MADISON", "MONROE", "JACKSON",
    "GRANT", "SHERMAN", "KANSAS", "MISSOURI", "PLATTE", "OSAGE", "CHEROKEE", "PAWNEE",
    "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "TENTH", "TWELFTH",
    "COLLEGE", "CHURCH", "SCHOOL", "HIGHLAND", "RIDGE", "VALLEY", "ORCHARD", "BIRCH",
    "WILLOW", "CEDAR", "ASPEN", "LINDEN", "HARRISON", "GARFIELD", "QUINCY", "VINE",
]
STREET_TYPES = ["ST", "AVE", "RD", "DR", "LN", "BLVD", "CT", "PL", "TER", "PKWY", "CIR", "WAY"]
DIRS = ["N", "S", "E", "W"]
# cities of the invented state, grouped by the service region they belong to
CITIES = {
    "MAR": ["MARLOW", "NORTH MARLOW", "KESTREL", "ASHBY", "TILLMAN"],
    "PVS": ["PORT VESEY", "EASTBROOK", "HALDEN", "WREN CREEK"],
    "GRF": ["GRANITE FALLS", "LINDEN PRAIRIE", "COLDWATER", "BRISCOE"],
    "OXB": ["OXBOW", "CARVER JUNCTION", "PELL CITY", "SUMNER"],
}
AREA = {"MAR": ["785", "913"], "PVS": ["316"], "GRF": ["620"], "OXB": ["417", "620"]}
BUSINESS_A = [
    "PRAIRIE", "KESTREL", "BLUESTEM", "HEARTLAND", "MIDWAY", "SUNFLOWER", "IRONHORSE",
    "RIVERBEND", "TALLGRASS", "CROSSROADS", "HIGH PLAINS", "GOLDEN WHEAT", "OXBOW",
    "GRANITE", "TRI-COUNTY", "FRONTIER", "LIMESTONE", "MEADOWLARK", "COTTONWOOD", "RED BARN",
]
BUSINESS_B = [
    "ROOFING", "AUTO REPAIR", "DENTAL", "FEED & SUPPLY", "LAWN CARE", "PLUMBING",
    "TRUCKING", "CONSTRUCTION", "DINER", "HARDWARE", "ELECTRIC", "CLEANING SERVICES",
    "REALTY", "INSURANCE AGENCY", "GRAIN CO", "MACHINE SHOP", "BAKERY", "SALON",
    "CHIROPRACTIC", "TAX & BOOKKEEPING", "HVAC", "LANDSCAPING", "BODY SHOP", "FLOORING",
]
BUSINESS_C = ["LLC", "INC", "CO", "LLC", "LLC", "CORP", ""]
# watchlist roles: (category, public description used only in notes)
WATCH_ROLES = [
    ("official", "governor"), ("official", "lieutenant governor"), ("official", "state treasurer"),
    ("official", "state senator"), ("official", "state senator"), ("official", "state representative"),
    ("official", "state representative"), ("official", "mayor of Marlow"), ("official", "mayor of Port Vesey"),
    ("official", "county commissioner"), ("official", "attorney general"),
    ("athlete", "pro quarterback"), ("athlete", "pro pitcher"), ("athlete", "college basketball coach"),
    ("athlete", "olympic wrestler"), ("athlete", "race car driver"), ("athlete", "pro linebacker"),
    ("celebrity", "country singer"), ("celebrity", "tv chef"), ("celebrity", "film actor"),
    ("celebrity", "talk radio host"), ("celebrity", "influencer"), ("celebrity", "rock drummer"),
    ("celebrity", "lottery winner"), ("celebrity", "reality tv star"),
    ("judge", "state supreme court justice"), ("judge", "district judge"), ("judge", "tax court judge"),
    ("judge", "district judge"),
    ("journalist", "newspaper columnist"), ("journalist", "tv news anchor"), ("journalist", "investigative reporter"),
    ("journalist", "radio reporter"), ("journalist", "statehouse reporter"), ("journalist", "podcast host"),
]
