"""Shared helpers: seeded RNG streams, local time (America/Chicago), event ids,
and the many ways hospital staff type identifiers."""
import datetime as dt
import hashlib
import random

START = dt.date(2025, 10, 20)      # Monday; window covers month-end and the DST change (Nov 2)


def rng(*parts):
    """A random.Random seeded with a string (independent of PYTHONHASHSEED)."""
    return random.Random("|".join(str(p) for p in parts))


def day_date(day):
    return START + dt.timedelta(days=day)


# ---------------------------------------------------------------- time zone
def _nth_sunday(year, month, n):
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + dt.timedelta(days=7 * (n - 1))


_DST_CACHE = {}


def _dst_bounds(year):
    if year not in _DST_CACHE:
        _DST_CACHE[year] = (dt.datetime.combine(_nth_sunday(year, 3, 2), dt.time(2)),
                            dt.datetime.combine(_nth_sunday(year, 11, 1), dt.time(2)))
    return _DST_CACHE[year]


def utc_offset_hours(local_naive):
    """Central time: -5 during DST, -6 otherwise (fall-back hour resolved as CST)."""
    a, b = _dst_bounds(local_naive.year)
    if a <= local_naive < b - dt.timedelta(hours=1):
        return -5
    return -6


def local_to_utc(local_naive):
    return local_naive - dt.timedelta(hours=utc_offset_hours(local_naive))


def utc_to_local(utc_naive):
    cdt = utc_naive - dt.timedelta(hours=5)
    if utc_offset_hours(cdt) == -5:
        return cdt
    return utc_naive - dt.timedelta(hours=6)


def local_dt(day, minutes):
    """Local naive datetime `minutes` after local midnight of window day `day`."""
    return dt.datetime.combine(day_date(day), dt.time(0)) + dt.timedelta(minutes=minutes)


def fmt_utc(utc_naive):
    return utc_naive.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_minutes_to_ts(day, minutes):
    """minutes (float ok) after local midnight of `day` -> RFC3339 UTC string."""
    t = local_dt(day, 0) + dt.timedelta(seconds=int(minutes * 60))
    return fmt_utc(local_to_utc(t))


def ts_add(ts, seconds):
    t = dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ") + dt.timedelta(seconds=seconds)
    return fmt_utc(t)


def parse_ts(ts):
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")


def night_hours_in_shift(day):
    """Length in hours of a 19:00->07:00 night shift starting on `day` (DST aware)."""
    a = local_to_utc(local_dt(day, 19 * 60))
    b = local_to_utc(local_dt(day + 1, 7 * 60))
    return (b - a).total_seconds() / 3600


# ---------------------------------------------------------------- ids
class IdMaker:
    def __init__(self, seed, stream):
        self.prefix = f"{seed}|{stream}|"
        self.n = 0

    def next(self):
        self.n += 1
        h = hashlib.md5((self.prefix + str(self.n)).encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def short_hash(*parts, n=8):
    return hashlib.md5("|".join(str(p) for p in parts).encode()).hexdigest()[:n]


# ---------------------------------------------------------------- typing
def mrn_variant(mrn, style, r=None):
    """mrn is canonical 8 digits (e.g. 00412345)."""
    bare = mrn.lstrip("0") or "0"
    if style == "canon":
        return mrn
    if style == "bare":
        return bare
    if style == "mrn":
        return "MRN" + bare
    if style == "mrn_dash":
        return "MRN-" + mrn
    if style == "sbr":
        return "SBR" + bare
    if style == "e":
        return "E" + mrn
    return mrn


MRN_STYLES = ["canon", "bare", "mrn", "mrn_dash"]


def enc_variant(enc, style, r):
    """enc canonical like IP-2025-104417 ; ROI-2025-00412 etc."""
    if not enc:
        return ""
    pre, yr, num = enc.split("-")
    short = num.lstrip("0") or "0"
    if style == "canon":
        return enc
    if style == "nodash":
        return pre + yr + num
    if style == "lower":
        return enc.lower()
    if style == "space":
        return f"{pre} {yr} {num}"
    if style == "num":
        return short
    if style == "yearnum":
        return yr + num
    if style == "mixed":
        return r.choice([enc, enc.lower(), pre + yr + num, short])
    return enc


ENC_STYLES = ["canon", "canon", "nodash", "lower", "space", "num", "yearnum", "mixed"]


def name_case(s, style):
    if style == "upper":
        return s.upper()
    if style == "lower":
        return s.lower()
    if style == "title":
        out = []
        for w in s.split(" "):
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
        s2 = " ".join(out)
        if "'" in s2:
            i = s2.index("'")
            s2 = s2[:i + 1] + s2[i + 1:i + 2].upper() + s2[i + 2:]
        if s2.startswith("Mc") and len(s2) > 2:
            s2 = "Mc" + s2[2].upper() + s2[3:]
        return s2
    return s


def typed_last(last, r, typo=0.02):
    """How a person types a recorded surname into a search box."""
    x = last
    p = r.random()
    if "-" in x and p < 0.45:
        x = r.choice([x.split("-")[0], x.replace("-", " "), x.split("-")[1]] if p < 0.1 else
                     [x.split("-")[0], x.replace("-", " ")])
    elif "'" in x and p < 0.5:
        x = r.choice([x.replace("'", ""), x.replace("'", " ")])
    elif " " in x and p < 0.5:
        x = x.replace(" ", "")
    elif "." in x and p < 0.6:
        x = x.replace(".", "").replace("ST ", "SAINT ") if r.random() < 0.3 else x.replace(".", "")
    if r.random() < typo and len(x) > 4:
        i = r.randrange(1, len(x) - 1)
        x = x[:i] + x[i + 1] + x[i] + x[i + 2:]
    return x


def typed_first(first, nicks, r, typo=0.02):
    p = r.random()
    if nicks and p < 0.12:
        return r.choice(nicks)
    if p < 0.16:
        return first[0]
    if r.random() < typo and len(first) > 4:
        i = r.randrange(1, len(first) - 1)
        return first[:i] + first[i + 1:]
    return first


def phone_variant(phone, r):
    """phone canonical '608-555-0142'."""
    a, b, c = phone.split("-")
    return r.choice([phone, f"({a}) {b}-{c}", a + b + c, f"{a}.{b}.{c}", f"{b}-{c}",
                     f"1{a}{b}{c}"])


def address_text(addr, r=None, style="canon"):
    """addr: dict num, dir, street, stype, apt, town, zip."""
    d = addr
    if style == "canon" or r is None:
        s = f"{d['num']} {d['dir'][0] + ' ' if d['dir'] else ''}{d['street']} {d['stype'][0]}"
        if d["apt"]:
            s += f" APT {d['apt']}"
        return s
    dirx = ""
    if d["dir"]:
        dirx = (d["dir"][0] if r.random() < 0.6 else d["dir"][1]) + " "
    stype = d["stype"][0] if r.random() < 0.65 else d["stype"][1]
    s = f"{d['num']} {dirx}{d['street']} {stype}"
    if d["apt"]:
        s += r.choice([f" APT {d['apt']}", f" #{d['apt']}", f" UNIT {d['apt']}", ""])
    if r.random() < 0.3:
        s += f", {d['town']}"
    return s


def full_address(addr):
    return f"{address_text(addr)}, {addr['town']}, WI {addr['zip']}"
