"""US Central wall clock (CST -06:00 / CDT -05:00) without tzdata.

DST starts the second Sunday of March at 02:00 local and ends the first Sunday
of November at 02:00 local (US rules since 2007).  Internally every instant is
an integer count of UTC seconds since 1970-01-01.
"""
import datetime as _dt

EPOCH_ORD = _dt.date(1970, 1, 1).toordinal()


def _nth_sunday(year, month, n):
    d = _dt.date(year, month, 1)
    first = d + _dt.timedelta(days=(6 - d.weekday()) % 7)
    return first + _dt.timedelta(days=7 * (n - 1))


class Clock:
    def __init__(self, start_date, days):
        self.start = start_date
        self.days = days
        self.day0 = start_date.toordinal() - EPOCH_ORD      # epoch days of local day 0
        self.rules = {}
        for y in range(start_date.year - 1, start_date.year + 3):
            s = _nth_sunday(y, 3, 2).toordinal() - EPOCH_ORD
            e = _nth_sunday(y, 11, 1).toordinal() - EPOCH_ORD
            # wall seconds of the switches, and the UTC instants
            self.rules[y] = (s * 86400 + 7200, e * 86400 + 7200,
                             s * 86400 + 7200 + 6 * 3600, e * 86400 + 7200 + 5 * 3600)
        self._datecache = {}
        # list of (utc_start, utc_end, offset_hours) covering the run generously
        self.spans = []
        for y in sorted(self.rules):
            ws, we, us, ue = self.rules[y]
            self.spans.append((us, ue))

    def date_of(self, day):
        return self.start + _dt.timedelta(days=day)

    def datestr(self, epoch_day):
        s = self._datecache.get(epoch_day)
        if s is None:
            s = _dt.date.fromordinal(epoch_day + EPOCH_ORD).isoformat()
            self._datecache[epoch_day] = s
        return s

    def day_str(self, day):
        return self.datestr(self.day0 + day)

    def is_dst_utc(self, t):
        for us, ue in self.spans:
            if us <= t < ue:
                return True
        return False

    def offset(self, t):
        return -5 if self.is_dst_utc(t) else -6

    def utc(self, day, sec):
        """UTC instant of local wall time `sec` seconds after local midnight of run day `day`.
        Non-existent spring-forward times move forward one hour; the repeated
        fall-back hour maps to its first (CDT) occurrence."""
        wall = (self.day0 + day) * 86400 + int(sec)
        y = _dt.date.fromordinal((self.day0 + day + int(sec) // 86400) + EPOCH_ORD).year
        ws, we, _, _ = self.rules[y]
        if wall < ws:
            return wall + 6 * 3600
        if wall < ws + 3600:
            return wall + 6 * 3600        # 02:xx does not exist: becomes 03:xx CDT
        if wall < we:
            return wall + 5 * 3600
        return wall + 6 * 3600

    def local(self, t):
        """(run_day, seconds after local midnight) of UTC instant t."""
        lt = t + self.offset(t) * 3600
        ed, s = divmod(lt, 86400)
        return ed - self.day0, s

    def local_day(self, t):
        lt = t + self.offset(t) * 3600
        return lt // 86400 - self.day0

    def fmt_local(self, t, ms=None):
        off = self.offset(t)
        lt = t + off * 3600
        ed, s = divmod(lt, 86400)
        h, r = divmod(s, 3600)
        m, sec = divmod(r, 60)
        frac = f".{ms:03d}" if ms is not None else ""
        return f"{self.datestr(ed)}T{h:02d}:{m:02d}:{sec:02d}{frac}-0{-off}:00"

    def fmt_utc(self, t, ms=None):
        ed, s = divmod(t, 86400)
        h, r = divmod(s, 3600)
        m, sec = divmod(r, 60)
        frac = f".{ms:03d}" if ms is not None else ""
        return f"{self.datestr(ed)}T{h:02d}:{m:02d}:{sec:02d}{frac}Z"
