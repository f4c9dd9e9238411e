"""How people at the patrol type things into a query screen.

Every function takes the caller's random stream, so a world is reproducible.
A login has habits (drawn once); each query follows the habit most of the
time and strays some of the time.
"""
import world_data as W

NAME_STYLES = ["LF", "LFM", "FL", "LFsp", "L"]
DOB_STYLES = ["iso", "mdy4", "mdy2", "ymd", "dmonY", "mdy4dash"]
PLATE_STYLES = ["plain", "space", "dash", "lower", "state_suffix", "state_prefix"]
PHONE_STYLES = ["paren", "dash", "plain", "dot", "local"]
CASE_STYLES = ["canon", "noprefix", "nodash", "lower", "nozeros", "short_year"]
DL_STYLES = ["dash", "plain", "space"]


def draw_habit(rng):
    dom_name = rng.choice(["LF", "LF", "LFM", "FL", "LFsp"])
    return {
        "name": dom_name,
        "casing": rng.choice(["upper"] * 5 + ["title"] * 2 + ["lower"]),
        "nick_p": rng.choice([0.0, 0.02, 0.05, 0.12, 0.25]),
        "typo_p": rng.choice([0.0, 0.01, 0.02, 0.04, 0.07]),
        "compound_p": rng.choice([0.2, 0.4, 0.7]),
        "dob": rng.choice(DOB_STYLES),
        "plate": rng.choice(PLATE_STYLES),
        "phone": rng.choice(PHONE_STYLES),
        "case": rng.choice(CASE_STYLES),
        "case_auto": rng.choice([0.2, 0.5, 0.8, 0.95]),  # MDT/CAD fills the case field
        "dl": rng.choice(DL_STYLES),
        "addr_long": rng.choice([0.05, 0.3, 0.7]),
        "addr_city": rng.choice([0.1, 0.5, 0.9]),
        "addr_unit": rng.choice(["APT", "#", "UNIT", "Apt.", "drop"]),
        "purpose": rng.choice(["code", "code", "text", "short"]),
        "stick": rng.choice([0.6, 0.75, 0.9]),
    }


def _pick(rng, habit, key, options):
    if rng.random() < habit["stick"]:
        return habit[key]
    return rng.choice(options)


def apply_case(s, casing):
    if casing == "upper":
        return s.upper()
    if casing == "lower":
        return s.lower()
    return " ".join(w[:1].upper() + w[1:].lower() if w else w for w in s.split(" ")).replace(
        "-", "-")


def typo(rng, s):
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    if rng.random() < 0.5 and s[i].isalpha() and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


def surname_variant(rng, last):
    """How a compound or particle surname gets typed."""
    if "-" in last:
        a, b = last.split("-", 1)
        return rng.choice([last.replace("-", " "), last.replace("-", ""), a, last])
    if last.startswith("O'"):
        return rng.choice([last.replace("'", ""), last.replace("'", " "), last])
    if last.startswith("ST. "):
        return rng.choice(["ST " + last[4:], "SAINT " + last[4:], "ST" + last[4:], last])
    parts = last.split(" ")
    if len(parts) > 1:
        return rng.choice(["".join(parts), parts[-1], " ".join(parts[:-2] + [parts[-2] + parts[-1]])
                           if len(parts) > 2 else "".join(parts), last])
    return last


def typed_name(rng, habit, p, style=None, allow_nick=True, force_nick=False):
    """Return (last, first, middle, whole) as typed for person p."""
    last = p["last"]
    if (" " in last or "-" in last or "'" in last or last.startswith("ST.")) and \
            rng.random() < habit["compound_p"]:
        last = surname_variant(rng, last)
    first = p["first"]
    nicks = W.NICK.get(first)
    if nicks and (force_nick or (allow_nick and rng.random() < habit["nick_p"])):
        first = rng.choice(nicks)
    if rng.random() < habit["typo_p"]:
        if rng.random() < 0.6:
            last = typo(rng, last)
        else:
            first = typo(rng, first)
    mid = p.get("mid", "")
    style = style or _pick(rng, habit, "name", ["LF", "LFM", "FL", "LFsp"])
    if rng.random() < 0.03 and style != "L":
        style = "L"
    casing = habit["casing"] if rng.random() < 0.9 else rng.choice(["upper", "title", "lower"])
    L, F, M = apply_case(last, casing), apply_case(first, casing), apply_case(mid, casing)
    if style == "LF":
        whole = f"{L}, {F}"
        M = ""
    elif style == "LFM":
        whole = f"{L}, {F} {M}".rstrip()
    elif style == "FL":
        whole = f"{F} {L}"
        M = ""
    elif style == "LFsp":
        whole = f"{L} {F} {M}".rstrip()
    else:
        whole, F, M = L, "", ""
    return L, F, M, whole


def typed_dob(rng, habit, d):
    style = _pick(rng, habit, "dob", DOB_STYLES)
    if style == "iso":
        return d.isoformat()
    if style == "mdy4":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "mdy2":
        return f"{d.month}/{d.day}/{d.year % 100:02d}" if rng.random() < 0.5 else \
            f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}"
    if style == "ymd":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    if style == "dmonY":
        return f"{d.day:02d}{W.MONTHS[d.month - 1]}{d.year}"
    return f"{d.month:02d}-{d.day:02d}-{d.year}"


def _plate_split(plate):
    for i in range(1, len(plate)):
        if plate[i - 1].isalpha() != plate[i].isalpha():
            return plate[:i], plate[i:]
    return plate[:3], plate[3:]


def typed_plate(rng, habit, plate, st="CO"):
    style = _pick(rng, habit, "plate", PLATE_STYLES)
    a, b = _plate_split(plate)
    if style == "plain":
        return plate
    if style == "space":
        return f"{a} {b}"
    if style == "dash":
        return f"{a}-{b}"
    if style == "lower":
        return plate.lower()
    if style == "state_suffix":
        return f"{plate} {st}"
    return f"{st} {plate}"


def typed_phone(rng, habit, ph):
    style = _pick(rng, habit, "phone", PHONE_STYLES)
    a, b, c = ph[:3], ph[3:6], ph[6:]
    return {"paren": f"({a}) {b}-{c}", "dash": f"{a}-{b}-{c}", "plain": ph,
            "dot": f"{a}.{b}.{c}", "local": f"{b}-{c}"}[style]


def typed_dl(rng, habit, pid):
    style = _pick(rng, habit, "dl", DL_STYLES)
    if not pid[:2].isdigit():  # out-of-state number, e.g. TX41234567
        st, num = pid[:2], pid[2:]
        return rng.choice([num, f"{st} {num}", pid])
    if style == "dash":
        return pid
    if style == "plain":
        return pid.replace("-", "")
    return pid.replace("-", " ")


def typed_address(rng, habit, p):
    longp = habit["addr_long"]
    parts = [str(p["num"])]
    if p["dir"]:
        r = rng.random()
        if r < 0.08:
            pass
        elif r < 0.08 + longp:
            parts.append(dict(W.DIRS)[p["dir"]])
        else:
            parts.append(p["dir"])
    street = p["street"]
    if street.startswith("COUNTY ROAD "):
        n = street.split()[-1]
        street = rng.choice([street, f"CR {n}", f"COUNTY RD {n}", f"RD {n}"])
        parts.append(street)
    else:
        parts.append(street)
        if p["suf"]:
            r = rng.random()
            if r < 0.08:
                pass
            elif r < 0.08 + longp:
                parts.append(dict(W.SUFFIXES)[p["suf"]])
            else:
                parts.append(p["suf"])
    s = " ".join(parts)
    if p["unit"]:
        u = habit["addr_unit"] if rng.random() < 0.8 else rng.choice(["APT", "#", "UNIT", "drop"])
        if u == "#":
            s += f" #{p['unit']}"
        elif u != "drop":
            s += f" {u} {p['unit']}"
    if rng.random() < habit["addr_city"]:
        s += rng.choice([", ", " "]) + p["city"]
    casing = habit["casing"] if rng.random() < 0.85 else rng.choice(["upper", "title", "lower"])
    return apply_case(s, casing)


def typed_case(rng, habit, canon):
    """canon like HP-2025-004812 / CIB-2024-0412."""
    if rng.random() < habit["case_auto"]:
        return canon
    style = _pick(rng, habit, "case", CASE_STYLES)
    pre, yr, num = canon.split("-")
    if style == "canon":
        return canon
    if style == "noprefix":
        return f"{yr}-{num}"
    if style == "nodash":
        return f"{pre}{yr}{num}"
    if style == "lower":
        return canon.lower()
    if style == "nozeros":
        return f"{pre}-{yr}-{int(num)}"
    return f"{pre}{yr[2:]}-{num}"


def missing_case(rng):
    return rng.choice(["", "", "", "N/A", "NA", "none", "see CAD", "-", "n/a"])
