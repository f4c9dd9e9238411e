"""Time, formatting and 'typed-by-people' helpers for world j (stdlib only, deterministic)."""
import datetime as dt
import hashlib

EPOCH = dt.datetime(1970, 1, 1)
DAY_MS = 86400000
MIN_MS = 60000
H_MS = 3600000

# ---------------------------------------------------------------- time zone
# The agency runs on US Central time: UTC-06:00, UTC-05:00 in summer
# (US rule: second Sunday of March 02:00 local .. first Sunday of November 02:00 local).
_DST = {}


def _date_ms(d):
    return (d - dt.date(1970, 1, 1)).days * DAY_MS


def _dst_bounds(year):
    b = _DST.get(year)
    if b is None:
        d = dt.date(year, 3, 1)
        first_sun = d + dt.timedelta((6 - d.weekday()) % 7)
        start = _date_ms(first_sun + dt.timedelta(7)) + 8 * H_MS      # 02:00 CST = 08:00 UTC
        d = dt.date(year, 11, 1)
        first_sun = d + dt.timedelta((6 - d.weekday()) % 7)
        end = _date_ms(first_sun) + 7 * H_MS                          # 02:00 CDT = 07:00 UTC
        b = _DST[year] = (start, end)
    return b


def off_min(ms):
    year = (EPOCH + dt.timedelta(milliseconds=ms)).year
    s, e = _dst_bounds(year)
    return -300 if s <= ms < e else -360


def local_to_ms(day0_ms, k, minute):
    """UTC instant of local day k (from the window start) at minute-of-day (may exceed 1440)."""
    naive = day0_ms + k * DAY_MS + int(minute * MIN_MS)
    utc = naive + 360 * MIN_MS
    if off_min(utc) == -300:
        utc = naive + 300 * MIN_MS
    return utc


def local_hour(ms):
    return ((ms + off_min(ms) * MIN_MS) // H_MS) % 24


def local_minute_of_day(ms):
    return ((ms + off_min(ms) * MIN_MS) // MIN_MS) % 1440


def _dtparts(ms):
    d = EPOCH + dt.timedelta(milliseconds=ms)
    return "%04d-%02d-%02dT%02d:%02d:%02d" % (d.year, d.month, d.day, d.hour, d.minute, d.second)


def fmt_ts(ms, style):
    """style: Zms, Z, P00 (+00:00 no ms), OFF (local offset, no ms), OFFms."""
    if style == "Zms":
        return _dtparts(ms) + ".%03dZ" % (ms % 1000)
    if style == "Z":
        return _dtparts(ms) + "Z"
    if style == "P00":
        return _dtparts(ms) + "+00:00"
    off = off_min(ms)
    s = _dtparts(ms + off * MIN_MS)
    sign = "-" if off < 0 else "+"
    tz = "%s%02d:%02d" % (sign, abs(off) // 60, abs(off) % 60)
    if style == "OFFms":
        return s + ".%03d" % (ms % 1000) + tz
    return s + tz


def label_ts(ms):
    return _dtparts(ms) + ".%03dZ" % (ms % 1000)


def day_str(day0_ms, k):
    d = EPOCH + dt.timedelta(milliseconds=day0_ms + k * DAY_MS)
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def hid(*parts):
    return hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=8).hexdigest()


# ---------------------------------------------------------------- typing
def typo(rng, s):
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    r = rng.random()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]


def case_style(rng, s):
    r = rng.random()
    if r < 0.55:
        return s
    if r < 0.8:
        return s.lower()
    return s.title()


def type_tin(rng, tin):
    """Canonical '912345678' as typed from a form or read out on the phone."""
    r = rng.random()
    if r < 0.45:
        return "%s-%s-%s" % (tin[:3], tin[3:5], tin[5:])
    if r < 0.85:
        return tin
    if r < 0.95:
        return "%s %s %s" % (tin[:3], tin[3:5], tin[5:])
    return "%s-%s" % (tin[:5], tin[5:])


def type_plate(rng, p):
    r = rng.random()
    if r < 0.45:
        return p
    if r < 0.65:
        return p[:3] + " " + p[3:]
    if r < 0.8:
        return p[:3] + "-" + p[3:]
    if r < 0.92:
        return p.lower()
    return p[:3].lower() + " " + p[3:]


def type_phone(rng, ph):
    r = rng.random()
    if r < 0.25:
        return ph
    if r < 0.55:
        return "%s-%s-%s" % (ph[:3], ph[3:6], ph[6:])
    if r < 0.8:
        return "(%s) %s-%s" % (ph[:3], ph[3:6], ph[6:])
    if r < 0.9:
        return "%s.%s.%s" % (ph[:3], ph[3:6], ph[6:])
    return "1-%s-%s-%s" % (ph[:3], ph[3:6], ph[6:])


_DIR_LONG = {"N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST"}
_TYPE_LONG = {"ST": "STREET", "AVE": "AVENUE", "RD": "ROAD", "DR": "DRIVE", "LN": "LANE",
              "BLVD": "BOULEVARD", "CT": "COURT", "PL": "PLACE", "TER": "TERRACE",
              "PKWY": "PARKWAY", "CIR": "CIRCLE", "WAY": "WAY"}


def type_address(rng, addr, city_p=0.45):
    """Reference form '489 S KIPLING ST APT 4, EASTBROOK' -> as spoken/typed."""
    street, _, city = addr.partition(", ")
    toks = street.split(" ")
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in _DIR_LONG and i == 1:
            r = rng.random()
            out.append(_DIR_LONG[t] if r < 0.4 else (t + "." if r < 0.55 else t))
        elif t in _TYPE_LONG and (i + 1 == len(toks) or toks[i + 1] == "APT"):
            r = rng.random()
            out.append(_TYPE_LONG[t] if r < 0.45 else (t + "." if r < 0.55 else t))
        elif t == "APT" and i + 1 < len(toks):
            r = rng.random()
            n = toks[i + 1]
            out.append("#" + n if r < 0.4 else ("# " + n if r < 0.5 else ("APT " + n if r < 0.75 else
                                                                           ("UNIT " + n if r < 0.9 else "APT. " + n))))
            i += 1
        else:
            out.append(t)
        i += 1
    s = " ".join(out)
    r = rng.random()
    if r < city_p * 0.75:
        s = s + ", " + city
    elif r < city_p:
        s = s + " " + city
    r = rng.random()
    if r < 0.35:
        s = s.title()
    elif r < 0.55:
        s = s.lower()
    return s


def type_case(rng, cid):
    """Case numbers 'AUD-2026-004512', 'COL-26-0012345' as people type them."""
    pre, yr, num = cid.split("-")
    yr2 = yr[-2:]
    yr4 = yr if len(yr) == 4 else "20" + yr
    r = rng.random()
    if r < 0.52:
        return cid
    if r < 0.62:
        return cid.lower()
    if r < 0.69:
        return pre + yr + num
    if r < 0.76:
        return "%s-%s-%d" % (pre, yr, int(num))
    if r < 0.82:
        return "%s-%s-%s" % (pre, yr2 if len(yr) == 4 else yr4, num)
    if r < 0.86:
        return "%s %s %s" % (pre, yr, num)
    if r < 0.90:
        return "#" + cid
    if r < 0.95:
        return "%s-%s" % (yr, num)
    return "%d" % int(num)
