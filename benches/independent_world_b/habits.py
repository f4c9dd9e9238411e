"""How the Halloran County Sheriff's Office writes and types things.

Everything here is invented: name lists are common given names and surnames
combined at random; streets and towns are made up; phones are NXX-555-01XX.
Every function that needs randomness takes an explicit random.Random.
"""

FIRST_M = """JAMES JOHN ROBERT MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHARLES
CHRISTOPHER DANIEL MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA KENNETH
KEVIN BRIAN GEORGE TIMOTHY RONALD EDWARD JASON JEFFREY RYAN JACOB GARY NICHOLAS
ERIC JONATHAN STEPHEN LARRY JUSTIN SCOTT BRANDON BENJAMIN SAMUEL GREGORY ALEXANDER
PATRICK FRANK RAYMOND JACK DENNIS JERRY TYLER AARON JOSE ADAM NATHAN HENRY DOUGLAS
ZACHARY PETER KYLE NOAH ETHAN JEREMY WALTER CHRISTIAN KEITH ROGER TERRY AUSTIN SEAN
GERALD CARL HAROLD DYLAN ARTHUR LAWRENCE JORDAN JESSE BRYAN BILLY BRUCE GABRIEL JOE
LOGAN ALBERT WILLIE ALAN EUGENE RUSSELL VINCENT PHILIP BOBBY JOHNNY BRADLEY ROY
RALPH CODY TRAVIS DUSTIN LUIS CARLOS MIGUEL JUAN DEREK MARCUS SHANE CLAYTON WESLEY""".split()

FIRST_F = """MARY PATRICIA JENNIFER LINDA ELIZABETH BARBARA SUSAN JESSICA SARAH KAREN
LISA NANCY BETTY MARGARET SANDRA ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA
DOROTHY MELISSA DEBORAH STEPHANIE REBECCA SHARON LAURA CYNTHIA KATHLEEN AMY ANGELA
SHIRLEY ANNA BRENDA PAMELA EMMA NICOLE HELEN SAMANTHA KATHERINE CHRISTINE DEBRA
RACHEL CAROLYN JANET CATHERINE MARIA HEATHER DIANE RUTH JULIE OLIVIA JOYCE VIRGINIA
VICTORIA KELLY LAUREN CHRISTINA JOAN EVELYN JUDITH MEGAN ANDREA CHERYL HANNAH JACQUELINE
MARTHA GLORIA TERESA ANN SARA MADISON FRANCES KATHRYN JANICE JEAN ABIGAIL ALICE JUDY
SOPHIA GRACE DENISE AMBER DORIS MARILYN DANIELLE BEVERLY ISABELLA THERESA DIANA
NATALIE BRITTANY CHARLOTTE MARIE KAYLA ALEXIS LORI TAMMY CRYSTAL ROSA MONICA LEAH""".split()

NICK = {
    "WILLIAM": ["BILL", "WILL", "BILLY"], "ROBERT": ["BOB", "ROB", "BOBBY"],
    "RICHARD": ["RICK", "DICK", "RICH"], "JAMES": ["JIM", "JIMMY", "JAMIE"],
    "JOHN": ["JACK", "JOHNNY"], "MICHAEL": ["MIKE"], "THOMAS": ["TOM", "TOMMY"],
    "JOSEPH": ["JOE", "JOEY"], "CHARLES": ["CHUCK", "CHARLIE"], "EDWARD": ["ED", "TED", "EDDIE"],
    "ANTHONY": ["TONY"], "DANIEL": ["DAN", "DANNY"], "CHRISTOPHER": ["CHRIS"],
    "NICHOLAS": ["NICK"], "STEVEN": ["STEVE"], "STEPHEN": ["STEVE"], "MATTHEW": ["MATT"],
    "ANDREW": ["ANDY", "DREW"], "ALEXANDER": ["ALEX"], "JONATHAN": ["JON"],
    "GREGORY": ["GREG"], "TIMOTHY": ["TIM"], "SAMUEL": ["SAM"], "BENJAMIN": ["BEN"],
    "KENNETH": ["KEN", "KENNY"], "DONALD": ["DON"], "RAYMOND": ["RAY"], "LAWRENCE": ["LARRY"],
    "GERALD": ["JERRY"], "DOUGLAS": ["DOUG"], "ZACHARY": ["ZACH"], "JEFFREY": ["JEFF"],
    "PATRICK": ["PAT"], "PHILIP": ["PHIL"], "RONALD": ["RON"], "JOSHUA": ["JOSH"],
    "NATHAN": ["NATE"], "FRANK": ["FRANKIE"], "ALBERT": ["AL"], "EUGENE": ["GENE"],
    "MARGARET": ["PEGGY", "MAGGIE", "MEG"], "ELIZABETH": ["BETH", "LIZ", "BETSY"],
    "KATHERINE": ["KATE", "KATHY", "KATIE"], "KATHLEEN": ["KATHY"], "PATRICIA": ["PATTY", "TRISH"],
    "JENNIFER": ["JEN", "JENNY"], "SUSAN": ["SUE"], "DEBORAH": ["DEBBIE", "DEB"],
    "DEBRA": ["DEBBIE"], "BARBARA": ["BARB"], "VICTORIA": ["VICKY", "TORI"],
    "REBECCA": ["BECKY"], "ABIGAIL": ["ABBY"], "CYNTHIA": ["CINDY"], "DOROTHY": ["DOT"],
    "CHRISTINE": ["CHRIS"], "CHRISTINA": ["TINA"], "SAMANTHA": ["SAM"], "PAMELA": ["PAM"],
    "JACQUELINE": ["JACKIE"], "JUDITH": ["JUDY"], "FRANCES": ["FRAN"], "KIMBERLY": ["KIM"],
    "THERESA": ["TERRI"], "TERESA": ["TERRI"], "STEPHANIE": ["STEPH"], "ALEXIS": ["LEXI"],
}

LAST_PLAIN = """SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ
HERNANDEZ LOPEZ GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ
THOMPSON WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING
WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL
MITCHELL CARTER ROBERTS GOMEZ PHILLIPS EVANS TURNER DIAZ PARKER CRUZ EDWARDS COLLINS
REYES STEWART MORRIS MORALES MURPHY COOK ROGERS GUTIERREZ ORTIZ MORGAN COOPER PETERSON
BAILEY REED KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON BROOKS CHAVEZ WOOD
BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS
FOSTER JIMENEZ POWELL JENKINS PERRY RUSSELL SULLIVAN BELL COLEMAN BUTLER HENDERSON
BARNES FISHER VASQUEZ SIMMONS ROMERO JORDAN PATTERSON HAMILTON GRAHAM REYNOLDS GRIFFIN
WALLACE MORENO WEST COLE HAYES BRYANT HERRERA GIBSON ELLIS TRAN MEDINA AGUILAR STEVENS
MURRAY FORD CASTRO MARSHALL OWENS HARRISON FERNANDEZ WOODS KENNEDY WELLS VARGAS HENRY
CHEN FREEMAN WEBB TUCKER GUZMAN BURNS CRAWFORD OLSON SIMPSON PORTER HUNTER GORDON
MENDEZ SILVA SHAW SNYDER MASON DIXON MUNOZ HUNT HICKS HOLMES PALMER WAGNER BLACK
ROBERTSON BOYD ROSE STONE SALAZAR FOX WARREN MILLS MEYER RICE SCHMIDT GARZA DANIELS
FERGUSON NICHOLS STEPHENS SOTO WEAVER RYAN GARDNER PAYNE GRANT DUNN KELLEY SPENCER
HAWKINS ARNOLD PIERCE HANSEN PETERS SANTOS HART BRADLEY KNIGHT ELLIOTT CUNNINGHAM
DUNCAN ARMSTRONG HUDSON CARROLL LANE RILEY ANDREWS BERRY PERKINS HOFFMAN JOHNSTON
MATTHEWS PENA RICHARDS CONTRERAS WILLIS CARPENTER LAWRENCE SANDOVAL KOWALSKI LINDQUIST
BECKER SCHULTZ WEBER HARTMAN PRUITT BOLTON KESSLER DRUMMOND""".split()

# surnames with particles / apostrophes; the first spelling is how a records
# system may register it, the others are other registered spellings
LAST_SPECIAL = [
    ["O'NEIL", "ONEIL"], ["O'BRIEN", "OBRIEN"], ["O'CONNOR", "OCONNOR"], ["D'ANGELO", "DANGELO"],
    ["DE LA CRUZ", "DELACRUZ"], ["DE LEON", "DELEON"], ["DEL RIO", "DELRIO"],
    ["VAN DER BERG", "VANDERBERG"], ["VAN HORN", "VANHORN"], ["MC DONALD", "MCDONALD"],
    ["MCCARTHY", "MC CARTHY"], ["MAC KENZIE", "MACKENZIE"], ["ST JOHN", "SAINT JOHN"],
    ["LA ROSA", "LAROSA"], ["DU BOIS", "DUBOIS"], ["MC KINNEY", "MCKINNEY"],
]
SUFFIXES = ["JR", "SR", "II", "III", "IV"]

# --------------------------------------------------------------------- places
CITIES = ["LINDEN GROVE", "OSAGE BEND", "KESTREL RIDGE", "PAXTON MILLS", "DRY BRANCH",
          "SALT CREEK", "HARMON CITY", "WHITLOCK", "FARRINGTON", "BLUE HERON", "CALDER SPRINGS",
          "NORTH FORK"]
CITY_W = [30, 14, 9, 8, 5, 6, 12, 6, 5, 3, 4, 5]
STREET_NAMES = """MAPLE OAK PINE CEDAR ELM WALNUT HICKORY SYCAMORE WILLOW LOCUST MAIN CHURCH
MILL SPRING RIVER LAKE RIDGE PRAIRIE ORCHARD BLUFF MEADOW HOLLOW FOREST SUNSET HILLCREST
VALLEY CREEK BIRCH ASPEN CHERRY POPLAR MAGNOLIA DOGWOOD REDBUD JUNIPER CYPRESS LAUREL
HAWTHORN CHESTNUT BUCKEYE COTTONWOOD MULBERRY PERSIMMON QUAIL PHEASANT CARDINAL
BLUEBIRD SPARROW FALCON HERON KINGFISHER LARK WREN OSAGE KESTREL HARMON PAXTON CALDER
WHITLOCK FARRINGTON GRANGER TANNER FULTON PRESTON WEBSTER DALTON MONROE JEFFERSON
FRANKLIN LINCOLN JACKSON COLLEGE SCHOOL DEPOT RAILROAD MARKET COMMERCE INDUSTRIAL
PLEASANT LIBERTY UNION HIGHLAND PARK GROVE GARDEN MEADOWLARK STONEGATE BRIARWOOD
FOXRUN DEERFIELD""".split()
ORDINALS = {"1ST": "FIRST", "2ND": "SECOND", "3RD": "THIRD", "4TH": "FOURTH", "5TH": "FIFTH",
            "6TH": "SIXTH", "7TH": "SEVENTH", "8TH": "EIGHTH", "9TH": "NINTH", "10TH": "TENTH",
            "11TH": "ELEVENTH", "12TH": "TWELFTH"}
STYPES = {"ST": ["Street", "St", "St.", "ST"], "AVE": ["Avenue", "Ave", "Ave.", "AV"],
          "RD": ["Road", "Rd", "Rd."], "DR": ["Drive", "Dr", "Dr."], "LN": ["Lane", "Ln"],
          "CT": ["Court", "Ct"], "BLVD": ["Boulevard", "Blvd", "Blvd."], "PL": ["Place", "Pl"],
          "WAY": ["Way"], "CIR": ["Circle", "Cir"], "TER": ["Terrace", "Ter"],
          "PKWY": ["Parkway", "Pkwy"], "TRL": ["Trail", "Trl"]}
STYPE_W = [("ST", 30), ("AVE", 20), ("RD", 10), ("DR", 12), ("LN", 6), ("CT", 6), ("BLVD", 3),
           ("PL", 3), ("WAY", 3), ("CIR", 3), ("TER", 2), ("PKWY", 1), ("TRL", 1)]
DIRS = {"N": ["North", "N", "N."], "S": ["South", "S", "S."], "E": ["East", "E", "E."],
        "W": ["West", "W", "W."]}
STATE_HWYS = [7, 9, 13, 52, 64, 71, 112]
PLATE_STATES = ["MO"] * 12 + ["KS", "KS", "AR", "OK", "IL", "IA", "NE", "TN"]


class Address:
    __slots__ = ("num", "predir", "name", "stype", "unit", "city", "kind", "road")

    def __init__(self, kind, num, predir, name, stype, unit, city, road=0):
        self.kind = kind          # 'st', 'cr', 'rr', 'hwy'
        self.num = num            # house number (rr: route number)
        self.predir = predir
        self.name = name
        self.stype = stype
        self.unit = unit          # ('APT','3B') or None
        self.city = city
        self.road = road          # cr road number, rr box, hwy number

    def building_key(self):
        if self.kind == "st":
            return ("st", self.num, self.name)
        return (self.kind, self.num, self.road)

    def rms(self):
        """How the records system normalises it (reference rows)."""
        if self.kind == "st":
            s = f"{self.num} {self.predir + ' ' if self.predir else ''}{self.name} {self.stype}"
        elif self.kind == "cr":
            s = f"{self.num} COUNTY ROAD {self.road}"
        elif self.kind == "rr":
            s = f"RR {self.num} BOX {self.road}"
        else:
            s = f"{self.num} STATE HIGHWAY {self.road}"
        if self.unit:
            s += f" {self.unit[0]} {self.unit[1]}"
        return s + ", " + self.city

    def hr(self):
        """How HR / personnel forms write it."""
        if self.kind == "st":
            s = f"{self.num} {self.predir + ' ' if self.predir else ''}{title(self.name)} {STYPES[self.stype][min(1, len(STYPES[self.stype]) - 1)]}"
        elif self.kind == "cr":
            s = f"{self.num} CR {self.road}"
        elif self.kind == "rr":
            s = f"Rural Route {self.num} Box {self.road}"
        else:
            s = f"{self.num} Hwy {self.road}"
        if self.unit:
            s += f" {title(self.unit[0])} {self.unit[1]}"
        return s + ", " + title(self.city)


def title(s):
    out = []
    for w in s.split(" "):
        if not w:
            continue
        if "'" in w:
            a, b = w.split("'", 1)
            out.append(a.capitalize() + "'" + b.capitalize())
        elif w.startswith("MC") and len(w) > 3:
            out.append("Mc" + w[2:].capitalize())
        elif "-" in w:
            out.append("-".join(p.capitalize() for p in w.split("-")))
        elif w in ("II", "III", "IV"):
            out.append(w)
        elif w[0].isdigit():
            out.append(w.lower())
        else:
            out.append(w.capitalize())
    return " ".join(out)


def apply_case(s, case):
    if case == 0:
        return s.upper()
    if case == 1:
        return title(s.upper())
    return s.lower()


def typo(s, rng):
    """One-letter slip: substitution, transposition or a dropped letter."""
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    if not s[i].isalpha() or not s[i + 1].isalpha():
        return s
    r = rng.random()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r < 0.7:
        near = "AEIOU" if s[i] in "AEIOU" else "RSTNLMDCKBP"
        c = rng.choice(near)
        return s[:i] + c + s[i + 1:]
    return s[:i] + s[i + 1:]


# ------------------------------------------------------------------ names
def typed_last(last, rng, allow_partial=True):
    """A surname as an officer types it (upper case; casing applied later)."""
    forms = [last]
    if "'" in last:
        forms += [last.replace("'", ""), last.replace("'", " ")]
    if " " in last:
        forms += [last.replace(" ", "")]
    if last.startswith("MC") and " " not in last and len(last) > 4:
        forms += ["MC " + last[2:]]
    if last.startswith("VAN") and " " not in last:
        forms += ["VAN " + last[3:]]
    if "-" in last:
        a, b = last.split("-", 1)
        forms += [a + " " + b, a + b]
        if allow_partial:
            forms += [a, a, b]
    if len(forms) == 1:
        return last
    return forms[0] if rng.random() < 0.45 else rng.choice(forms[1:])


def typed_first(first, rng, nick_rate=0.12):
    n = NICK.get(first)
    if n and rng.random() < nick_rate:
        return rng.choice(n)
    return first


# ---------------------------------------------------------------- addresses
def typed_address(a, rng, case=None, city_rate=0.35, unit_rate=0.6):
    """An address as someone types it into a search box."""
    if case is None:
        case = rng.choice((0, 0, 1, 1, 2))
    parts = []
    if a.kind == "st":
        parts.append(str(a.num))
        if a.predir and rng.random() < 0.85:
            parts.append(rng.choice(DIRS[a.predir]))
        nm = a.name
        if nm in ORDINALS and rng.random() < 0.4:
            nm = ORDINALS[nm]
        parts.append(nm)
        if rng.random() < 0.85:
            parts.append(rng.choice(STYPES[a.stype]))
    elif a.kind == "cr":
        parts.append(str(a.num))
        parts.append(rng.choice(["CR", "County Road", "Co Rd", "CO. RD.", "county rd"]) + f" {a.road}")
    elif a.kind == "rr":
        parts.append(rng.choice(["RR", "Rural Route", "R.R.", "RR"]) + f" {a.num}")
        parts.append(rng.choice(["Box", "BOX", "Bx"]) + f" {a.road}")
    else:
        parts.append(str(a.num))
        parts.append(rng.choice(["HWY", "Highway", "State Route", "SR", "St Hwy", "State Hwy"]) + f" {a.road}")
    if a.unit and rng.random() < unit_rate:
        u = a.unit[1]
        parts.append(rng.choice([f"#{u}", f"{a.unit[0]} {u}", f"{title(a.unit[0])} {u}",
                                 f"Unit {u}", f"{a.unit[0]}. {u}"]))
    s = " ".join(parts)
    if rng.random() < city_rate:
        s += rng.choice([", ", " "]) + title(a.city)
    return apply_case(s, case)


# ------------------------------------------------------------------- phones
def phone_fmt(digits, style):
    a, b, c = digits[:3], digits[3:6], digits[6:]
    if style == 0:
        return f"{a}-{b}-{c}"
    if style == 1:
        return f"({a}) {b}-{c}"
    if style == 2:
        return digits
    if style == 3:
        return f"{a}.{b}.{c}"
    if style == 4:
        return f"{a} {b} {c}"
    if style == 5:
        return f"+1 {a}-{b}-{c}"
    if style == 6:
        return f"1-{a}-{b}-{c}"
    return f"({a}){b}-{c}"


def typed_plate(plate, state, rng):
    r = rng.random()
    if r < 0.35:
        return plate
    if r < 0.45:
        return plate.lower()
    if len(plate) == 7 and plate[:3].isalpha():
        body = plate[:3] + rng.choice([" ", "-"]) + plate[3:]
    else:
        body = plate[:3] + " " + plate[3:]
    if r < 0.7:
        return body
    if r < 0.85:
        return f"{state} {plate}"
    return f"{state}/{plate}"


# ----------------------------------------------------------------- dates
MON = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def dob_text(d, style):
    if style == 0:
        return f"{d.year:04d}{d.month:02d}{d.day:02d}"
    if style == 1:
        return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"
    if style == 2:
        return f"{d.day:02d}{MON[d.month - 1]}{d.year:04d}"
    if style == 3:
        return d.isoformat()
    if style == 4:
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    return f"{d.month:02d}{d.day:02d}{d.year:04d}"


# ------------------------------------------------------------- case numbers
PLACEHOLDERS = ["", "", "N/A", "NA", "none", "-", "0", "PENDING", "n/a", "NONE", None, None]


def canon_rms(yy, seq):
    return f"SO{yy:02d}-{seq:07d}"


def typed_case(cid, kind, style, rng):
    """A canonical case number as a person types it. style: the person's habit."""
    if rng.random() < 0.25:
        style = rng.randrange(8)
    if kind in ("rms", "warrant"):
        yy, seq = cid[2:4], int(cid[5:])
        v = style % 9
        return [cid, cid.lower(), f"SO{yy}-{seq}", f"so{yy}-{seq}", f"SO {yy} {seq:07d}",
                f"{yy}-{seq}", f"#20{yy}-{seq}", f"20{yy}-{seq:07d}", f"#SO{yy}-{seq}"][v]
    if kind == "cad":
        body = cid[3:]                     # yymmdd-nnnn
        d6, n4 = body.split("-")
        v = style % 6
        return [cid, body, f"{d6}-{int(n4)}", f"cfs {body}", f"#{body}", f"CFS{d6}{n4}"][v]
    if kind == "booking":
        v = style % 5
        return [cid, cid, f"BK{cid}", f"bk {cid}", f"#{cid}"][v]
    if kind == "civil":
        yy, seq = cid[2:4], int(cid[5:])
        v = style % 4
        return [cid, f"cv{yy}-{seq}", f"CV {yy}-{seq}", f"#CV{yy}-{seq:05d}"][v]
    if kind == "tf":
        yy, seq = cid[4:6], int(cid[7:])
        v = style % 4
        return [cid, f"NTF{yy}-{seq}", f"ntf {yy}-{seq:03d}", f"NTF-{yy}-{seq}"][v]
    return cid


def normalize_case(s):
    """The key an investigator compares (documented in README; used by --check)."""
    import re
    if s is None:
        return None
    t = s.strip().upper()
    if t in ("", "N/A", "NA", "NONE", "-", "0", "PENDING"):
        return None
    toks = re.findall(r"[A-Z]+|\d+", t)
    letters = [x for x in toks if x.isalpha()]
    nums = [x for x in toks if x.isdigit()]
    pre = letters[0] if letters else ""
    if len(letters) > 1:
        return "?" + t
    if pre in ("", "SO") and len(nums) == 2 and len(nums[0]) in (2, 4) and len(nums[1]) <= 7:
        return f"SO{int(nums[0]) % 100:02d}-{int(nums[1]):07d}"
    if pre == "SO" and len(nums) == 1 and len(nums[0]) == 9:
        return f"SO{nums[0][:2]}-{nums[0][2:]}"
    if pre in ("", "CFS") and len(nums) == 2 and len(nums[0]) == 6 and len(nums[1]) <= 4:
        return f"CFS{nums[0]}-{int(nums[1]):04d}"
    if pre == "CFS" and len(nums) == 1 and len(nums[0]) == 10:
        return f"CFS{nums[0][:6]}-{nums[0][6:]}"
    if pre in ("", "BK") and len(nums) == 1 and len(nums[0]) == 8:
        return nums[0]
    if pre == "CV" and len(nums) == 2:
        return f"CV{int(nums[0]):02d}-{int(nums[1]):05d}"
    if pre == "NTF" and len(nums) == 2:
        return f"NTF-{int(nums[0]):02d}-{int(nums[1]):04d}"
    return "?" + t
