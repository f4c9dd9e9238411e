"""How DMV staff actually type search criteria.

Every employee gets Habits (drawn once from the world stream). The typing functions take the
person or identifier, the habits and the caller's random stream, and return what lands in the
log: names in any case with nicknames, initials, suffixes, cut or spaced compound surnames,
typos; licence numbers with and without dashes; plates with or without spaces; VINs in either
case, partial or mistyped; addresses abbreviated or spelled out; phones in several formats;
request/case numbers in many forms or blank.
"""
import names as NM

STREET_TYPE_FULL = dict(NM.STREET_TYPES)
DIR_FULL = dict(NM.DIRECTIONS)


class Habits:
    __slots__ = ("case_style", "nick", "initial", "middle", "no_dob", "typo", "dl_style",
                 "plate_space", "addr_spell", "addr_city", "addr_unit", "phone_style",
                 "case_form", "blank_case", "surname_only", "whole_name_style", "suffix_in_last")

    def __init__(self, r):
        self.case_style = r.choices(["upper", "title", "lower", "mixed"], weights=[62, 20, 10, 8])[0]
        self.nick = r.choice([0.0, 0.03, 0.08, 0.15])
        self.initial = r.choice([0.0, 0.02, 0.05])
        self.middle = r.choice([0.0, 0.2, 0.5])
        self.no_dob = r.choice([0.05, 0.12, 0.2, 0.3])
        self.typo = r.choice([0.005, 0.015, 0.03])
        self.dl_style = r.choice(["dash", "dash", "plain", "space", "mixed"])
        self.plate_space = r.choice([0.0, 0.2, 0.6])
        self.addr_spell = r.choice([0.05, 0.2, 0.5])
        self.addr_city = r.choice([0.0, 0.2, 0.5])
        self.addr_unit = r.choice([0.5, 0.8, 0.95])
        self.phone_style = r.choice(["paren", "dash", "plain", "dot", "mixed"])
        self.case_form = r.choice(["full", "full", "short", "noprefix", "mixed"])
        self.blank_case = r.choice([0.0, 0.01, 0.02, 0.04])
        self.surname_only = r.choice([0.01, 0.03, 0.06])
        self.whole_name_style = r.choice(["comma", "comma", "natural", "plain"])
        self.suffix_in_last = r.choice([0.3, 0.6, 0.9])


def apply_case(s, style, r):
    if style == "mixed":
        style = r.choice(["upper", "upper", "title", "lower"])
    if style == "upper":
        return s.upper()
    if style == "lower":
        return s.lower()
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" "))


def typo(s, r):
    if len(s) < 4:
        return s
    i = r.randrange(1, len(s) - 1)
    k = r.random()
    if k < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if k < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]


def type_last(p, h, r):
    last = p.last
    if "-" in last:
        last = r.choices([last, last.split("-")[0], last.replace("-", " "), last.replace("-", "")],
                         weights=[45, 30, 15, 10])[0]
    if "'" in last:
        last = r.choices([last, last.replace("'", ""), last.replace("'", " ")], weights=[40, 45, 15])[0]
    if last.startswith(("DE LA ", "VAN ", "ST ")):
        last = r.choices([last, last.replace(" ", "")], weights=[60, 40])[0]
    if p.suffix and r.random() < h.suffix_in_last:
        last = last + r.choice([" ", " ", ", "]) + p.suffix
    if r.random() < h.typo:
        last = typo(last, r)
    return last


def type_first(p, h, r):
    x = r.random()
    if p.nicks and x < h.nick:
        first = r.choice(p.nicks)
    elif x < h.nick + h.initial:
        first = p.first[0]
    else:
        first = p.first
    if p.middle and r.random() < h.middle:
        first = first + " " + p.middle
    if r.random() < h.typo:
        first = typo(first, r)
    return first


def type_name(p, h, r, whole=False, allow_surname_only=True, with_dob=None):
    """Name search fields as typed. whole=True gives one `subject_name` box."""
    out = {}
    last = type_last(p, h, r)
    first = type_first(p, h, r)
    surname_only = allow_surname_only and r.random() < h.surname_only
    if whole:
        style = h.whole_name_style
        if surname_only:
            s = last
        elif style == "comma":
            s = "%s, %s" % (last, first)
        elif style == "natural":
            s = "%s %s" % (first, last)
        else:
            s = "%s %s" % (last, first)
        out["subject_name"] = apply_case(s, h.case_style, r)
    else:
        out["subject_last_name"] = apply_case(last, h.case_style, r)
        if not surname_only:
            out["subject_first_name"] = apply_case(first, h.case_style, r)
    if with_dob is None:
        with_dob = not surname_only and r.random() >= h.no_dob
    if with_dob:
        out["subject_dob"] = p.dob
    if surname_only:
        out["__surname_only"] = True
    return out


def type_dl(dl, h, r):
    style = h.dl_style if h.dl_style != "mixed" else r.choice(["dash", "plain", "space"])
    if style == "plain" or r.random() < 0.1:
        s = dl.replace("-", "")
    elif style == "space":
        s = dl.replace("-", " ")
    else:
        s = dl
    if r.random() < 0.12:
        s = s.lower()
    if r.random() < h.typo:
        s = typo(s, r)
    return s


def type_plate(plate, h, r):
    s = plate
    if len(s) == 6 and s[:3].isalpha() and s[3:].isdigit():
        if r.random() < h.plate_space:
            s = s[:3] + r.choice([" ", " ", "-"]) + s[3:]
    if r.random() < 0.08:
        s = s.lower()
    if r.random() < h.typo:
        s = s.replace("0", "O", 1) if "0" in s and r.random() < 0.5 else typo(s, r)
    return s


def type_vin(vin, h, r):
    x = r.random()
    if x < 0.12:
        s = vin[-8:]
    elif x < 0.2:
        s = vin[-6:]
    else:
        s = vin
    if r.random() < 0.25:
        s = s.lower()
    if r.random() < h.typo * 2:
        swaps = [("0", "O"), ("1", "I"), ("5", "S"), ("8", "B")]
        a, b = r.choice(swaps)
        s = s.replace(a, b, 1) if a in s else typo(s, r)
    return s


def type_address(a, h, r, with_unit=None, with_city=None):
    spell = r.random() < h.addr_spell
    parts = [str(a.no)]
    if a.pre and r.random() < 0.85:
        parts.append(DIR_FULL[a.pre] if spell else a.pre)
    parts.append(a.street)
    st_abbr, st_full = NM.STREET_TYPES[a.stype]
    if r.random() < 0.9:
        parts.append(st_full if spell else (st_abbr + ("." if r.random() < 0.05 else "")))
    s = " ".join(parts)
    if a.unit and (with_unit if with_unit is not None else r.random() < h.addr_unit):
        s += r.choice([" APT ", " APT ", " #", " UNIT ", ", APT "]) + a.unit
    if with_city if with_city is not None else r.random() < h.addr_city:
        s += r.choice([", ", " "]) + a.town
        if r.random() < 0.3:
            s += " " + a.zip
    if r.random() < h.typo:
        s = typo(s, r)
    return apply_case(s, h.case_style, r)


def format_phone(ph, style, r):
    if style == "mixed":
        style = r.choice(["paren", "dash", "plain", "dot", "local", "intl"])
    a, b, c = ph[:3], ph[3:6], ph[6:]
    return {"paren": "(%s) %s-%s" % (a, b, c), "dash": "%s-%s-%s" % (a, b, c),
            "plain": ph, "dot": "%s.%s.%s" % (a, b, c), "local": "%s-%s" % (b, c),
            "intl": "+1 %s %s %s" % (a, b, c)}[style]


def type_phone(ph, h, r):
    return format_phone(ph, h.phone_style, r)


def case_forms(case_id):
    """The ways a case/request number gets typed. case ids look like LE-25-04417,
    RR-2025-01234, INV-2025-0123, MR-25-0412, DI-25-1187, DLR-0342."""
    parts = case_id.split("-")
    prefix, rest = parts[0], parts[1:]
    num = rest[-1]
    short = str(int(num))
    forms = {"full": [case_id]}
    if len(rest) == 2:
        yr = rest[0]
        yr2 = yr[-2:]
        yr4 = yr if len(yr) == 4 else "20" + yr
        forms["short"] = ["%s-%s-%s" % (prefix, yr, short), "%s%s-%s" % (prefix, yr2, short),
                          "%s%s%s" % (prefix, yr, num), "%s-%s-%s" % (prefix, yr4, num),
                          "%s %s-%s" % (prefix, yr2, short)]
        forms["noprefix"] = ["%s-%s" % (yr2, short), "%s-%s" % (yr, num), short, "#" + short]
    else:
        forms["short"] = ["%s%s" % (prefix, num), "%s %s" % (prefix, short), "%s-%s" % (prefix, short)]
        forms["noprefix"] = [num, short, "#" + short]
    return forms


def type_case(case_id, h, r):
    """Returns (typed, is_blank)."""
    if not case_id:
        return "", True
    if r.random() < h.blank_case:
        return r.choice(["", "", "N/A", "NA", "none", "-", "n/a"]), True
    forms = case_forms(case_id)
    style = h.case_form
    if style == "mixed":
        style = r.choice(["full", "short", "noprefix"])
    if style == "noprefix" and r.random() < 0.5:
        style = "short"
    if style != "full" and r.random() < 0.35:
        style = "full"
    s = r.choice(forms[style])
    if r.random() < 0.1:
        s = s.lower()
    return s, False


def is_short_case_form(typed):
    return bool(typed) and not any(c.isalpha() for c in typed)
