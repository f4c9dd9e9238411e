"""Eastern-time helpers: all internal times are integer UTC milliseconds."""
import time
from datetime import date, datetime, timedelta, timezone

UTC = timezone.utc
_DST = {}
EPOCH_ORD = date(1970, 1, 1).toordinal()


def _nth_sunday(year, month, n):
    d = date(year, month, 1)
    d += timedelta(days=(6 - d.weekday()) % 7)
    return d + timedelta(days=7 * (n - 1))


def dst_range(year):
    r = _DST.get(year)
    if r is None:
        s = _nth_sunday(year, 3, 2)
        e = _nth_sunday(year, 11, 1)
        r = (int(datetime(s.year, s.month, s.day, 7, tzinfo=UTC).timestamp()),
             int(datetime(e.year, e.month, e.day, 6, tzinfo=UTC).timestamp()))
        _DST[year] = r
    return r


def offset_at(sec):
    """UTC offset (seconds) of US Eastern time at UTC instant sec."""
    a, b = dst_range(time.gmtime(sec).tm_year)
    return -14400 if a <= sec < b else -18000


def local_to_utc(lsec):
    """lsec: local wall-clock seconds expressed as if UTC -> true UTC seconds."""
    t = lsec + 14400
    if offset_at(t) == -14400:
        return t
    return lsec + 18000


def local_date(ms):
    sec = ms // 1000
    return date.fromordinal(EPOCH_ORD + (sec + offset_at(sec)) // 86400)


def local_hour(ms):
    sec = ms // 1000
    return ((sec + offset_at(sec)) % 86400) / 3600.0


def fmt_local(ms, with_ms):
    sec, m = divmod(ms, 1000)
    off = offset_at(sec)
    s = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(sec + off))
    if with_ms:
        s += '.%03d' % m
    return s + ('-04:00' if off == -14400 else '-05:00')


def fmt_z(ms, with_ms):
    sec, m = divmod(ms, 1000)
    s = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(sec))
    if with_ms:
        s += '.%03d' % m
    return s + 'Z'


def parse_ts(s):
    """RFC 3339 -> UTC ms (used by check.py and by the label writer)."""
    if s.endswith('Z'):
        base, off = s[:-1], 0
    else:
        base, o = s[:-6], s[-6:]
        sign = -1 if o[0] == '-' else 1
        off = sign * (int(o[1:3]) * 3600 + int(o[4:6]) * 60)
    if '.' in base:
        b, frac = base.split('.')
        ms = int((frac + '000')[:3])
    else:
        b, ms = base, 0
    dt = datetime.strptime(b, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=UTC)
    return (int(dt.timestamp()) - off) * 1000 + ms
