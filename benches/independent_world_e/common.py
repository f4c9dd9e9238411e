"""Shared helpers: seeded random streams, event ids, the agency calendar and local time.

All randomness comes from random.Random seeded with a string (Python hashes str seeds with
SHA-512, so nothing depends on PYTHONHASHSEED). The agency is in the US Central time zone;
the daylight-saving rule is computed here so no tz database is needed.
"""
import datetime as dt
import hashlib
import random

START = dt.date(2025, 10, 20)          # a Monday
EPOCH = dt.datetime(1970, 1, 1)


def rng(*parts):
    return random.Random("|".join(str(p) for p in parts))


def make_id(*parts):
    h = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def short_hash(*parts, n=8):
    return hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=8).hexdigest()[:n]


# ---------------------------------------------------------------- time ---------------------------

def _nth_weekday(year, month, weekday, n):
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(weekday - d.weekday()) % 7)
    return d + dt.timedelta(days=7 * (n - 1))


def _last_weekday(year, month, weekday):
    d = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() - weekday) % 7)


def dst_bounds(year):
    """Local wall-clock start and end of daylight time (US rule, 02:00 local)."""
    s = _nth_weekday(year, 3, 6, 2)
    e = _nth_weekday(year, 11, 6, 1)
    return dt.datetime(s.year, s.month, s.day, 2), dt.datetime(e.year, e.month, e.day, 2)


def utc_offset_hours(local):
    s, e = dst_bounds(local.year)
    return -5 if s <= local < e else -6


def local_to_epoch(local):
    """Naive local wall time -> UTC epoch seconds (ambiguous hour: first occurrence)."""
    utc = local - dt.timedelta(hours=utc_offset_hours(local))
    return int((utc - EPOCH).total_seconds())


def day_date(d):
    return START + dt.timedelta(days=d)


def at(d, seconds):
    """Epoch seconds for local day index d at `seconds` after local midnight (wall clock)."""
    base = day_date(d)
    seconds = max(0, min(int(seconds), 86399))
    local = dt.datetime(base.year, base.month, base.day) + dt.timedelta(seconds=seconds)
    return local_to_epoch(local)


def hm(h, m=0, s=0):
    return h * 3600 + m * 60 + s


def fmt_ts(epoch):
    return (EPOCH + dt.timedelta(seconds=epoch)).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date_of_epoch(epoch):
    utc = EPOCH + dt.timedelta(seconds=epoch)
    local = utc + dt.timedelta(hours=-6)
    local2 = utc + dt.timedelta(hours=utc_offset_hours(local))
    return local2.date()


# ---------------------------------------------------------------- calendar -----------------------

def state_holidays(year):
    return {
        dt.date(year, 1, 1): "New Year's Day",
        _nth_weekday(year, 1, 0, 3): "Martin Luther King Jr. Day",
        _nth_weekday(year, 2, 0, 3): "Presidents' Day",
        _last_weekday(year, 5, 0): "Memorial Day",
        dt.date(year, 7, 4): "Independence Day",
        _nth_weekday(year, 9, 0, 1): "Labor Day",
        dt.date(year, 11, 11): "Veterans Day",
        _nth_weekday(year, 11, 3, 4): "Thanksgiving",
        _nth_weekday(year, 11, 3, 4) + dt.timedelta(days=1): "Day after Thanksgiving",
        dt.date(year, 12, 25): "Christmas Day",
    }


class Calendar:
    """Which days the agency works, peaks, outages and backlogs over a window of D days."""

    def __init__(self, days):
        self.days = days
        self.holidays = {}
        for y in range(START.year, day_date(days).year + 1):
            self.holidays.update(state_holidays(y))
        self.dates = [day_date(d) for d in range(days)]
        self.business = [self.is_business(d) for d in range(days)]
        # month-end registration renewal peak: last 3 business days of a month, first 2 of the next
        self.peak = set()
        for d in range(days):
            if not self.business[d]:
                continue
            date = self.dates[d]
            ahead = [x for x in range(d + 1, d + 12) if self._biz_date(day_date(x))
                     and day_date(x).month == date.month]
            behind = [x for x in range(d - 12, d) if self._biz_date(day_date(x))
                      and day_date(x).month == date.month]
            if len(ahead) < 3 or len(behind) < 2:
                self.peak.add(d)
        # a mainframe outage in the early afternoon, about every 29 days, then a backlog day
        self.outage = {}
        self.backlog = set()
        d = 8
        while d < days - 1:
            x = d
            while x < days - 1 and not (self.business[x] and self.dates[x].weekday() < 5):
                x += 1
            if x < days - 1:
                self.outage[x] = (hm(10, 40), hm(13, 55))
                y = x + 1
                while y < days and not (self.business[y] and self.dates[y].weekday() < 5):
                    y += 1
                if y < days:
                    self.backlog.add(y)
            d += 29
        self.first_business_of_month = set()
        seen = set()
        for d in range(days):
            if self.business[d] and self.dates[d].weekday() < 5:
                key = (self.dates[d].year, self.dates[d].month)
                if key not in seen:
                    seen.add(key)
                    if self.dates[d].day <= 7:
                        self.first_business_of_month.add(d)

    def _biz_date(self, date):
        return date.weekday() < 5 and date not in self.holidays

    def is_business(self, d):
        return self._biz_date(day_date(d))

    def weekday(self, d):
        return self.dates[d].weekday()

    def is_saturday(self, d):
        return self.dates[d].weekday() == 5 and self.dates[d] not in self.holidays

    def office_open(self, d):
        return self.business[d] or self.is_saturday(d)

    def dst_change(self, d):
        date = self.dates[d]
        s, e = dst_bounds(date.year)
        return date == s.date() or date == e.date()

    def describe(self):
        out = []
        for d in range(self.days):
            tags = []
            if self.dates[d] in self.holidays:
                tags.append("holiday: " + self.holidays[self.dates[d]])
            if d in self.peak:
                tags.append("month-end peak")
            if d in self.outage:
                tags.append("mainframe outage 10:40-13:55")
            if d in self.backlog:
                tags.append("outage backlog")
            if d in self.first_business_of_month:
                tags.append("first business day of month")
            if self.dst_change(d):
                tags.append("DST change")
            out.append("day %2d %s %s %s" % (d, self.dates[d].isoformat(),
                                            self.dates[d].strftime("%a"), "; ".join(tags)))
        return out
