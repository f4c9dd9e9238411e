"""How people type names, dates, addresses, plates, phones and case numbers into a terminal."""
import names as NM

DIRWORD = {d: w for d, w in NM.DIRECTIONS}
TYPEWORD = {a: b for a, b in NM.STREET_TYPES}
KEYB = {'A': 'SQ', 'B': 'VN', 'C': 'XV', 'D': 'SF', 'E': 'WR', 'F': 'DG', 'G': 'FH', 'H': 'GJ', 'I': 'UO',
        'J': 'HK', 'K': 'JL', 'L': 'K', 'M': 'N', 'N': 'BM', 'O': 'IP', 'P': 'O', 'Q': 'W', 'R': 'ET',
        'S': 'AD', 'T': 'RY', 'U': 'YI', 'V': 'CB', 'W': 'QE', 'X': 'ZC', 'Y': 'TU', 'Z': 'X'}


def casing(s, rng):
    r = rng.random()
    if r < 0.72:
        return s.upper()
    if r < 0.92:
        return s.title()
    return s.lower()


def typo(s, rng):
    """One-letter slip: neighbouring key, transposition or dropped letter."""
    idx = [i for i, ch in enumerate(s) if ch.isalpha()]
    if len(idx) < 4:
        return s
    i = rng.choice(idx[1:-1])
    r = rng.random()
    if r < 0.45:
        ch = s[i].upper()
        rep = rng.choice(KEYB.get(ch, 'E'))
        return s[:i] + (rep if s[i].isupper() else rep.lower()) + s[i + 1:]
    if r < 0.75 and i + 1 < len(s) and s[i + 1].isalpha() and s[i] != s[i + 1]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


def t_last(p, rng):
    last, cls = p.last, None
    if ' ' in last or '-' in last:
        parts = last.replace('-', ' ').split()
        r = rng.random()
        if '-' in last:
            if r < 0.30:
                last, cls = parts[0], 'typed_partial_surname'
            elif r < 0.40:
                last, cls = parts[-1], 'typed_partial_surname'
            elif r < 0.52:
                last, cls = ' '.join(parts), 'typed_partial_surname'
            elif r < 0.60:
                last, cls = ''.join(parts), 'typed_partial_surname'
        else:
            if r < 0.30:
                last, cls = ''.join(parts), 'typed_partial_surname'
            elif r < 0.45:
                last, cls = parts[-1], 'typed_partial_surname'
    elif "'" in last:
        r = rng.random()
        if r < 0.4:
            last = last.replace("'", '')
            cls = 'typed_partial_surname'
        elif r < 0.5:
            last = last.replace("'", ' ')
            cls = 'typed_partial_surname'
    if cls is None and rng.random() < 0.03:
        last, cls = typo(last, rng), 'typed_typo'
    return casing(last, rng), cls


def t_first(p, rng, allow_blank=True):
    f = p.first
    r = rng.random()
    if r < 0.08 and f in NM.NICKNAMES:
        return casing(rng.choice(NM.NICKNAMES[f]), rng), 'typed_nickname'
    if r < 0.13:
        return f[0], 'typed_initial'
    if r < 0.17 and allow_blank:
        return '', 'typed_surname_only'
    if r < 0.20:
        return casing(typo(f, rng), rng), 'typed_typo'
    return casing(f, rng), None


def whole(last, first, mid, rng):
    if not first:
        return last
    r = rng.random()
    up = last.isupper()
    if r < 0.35:
        return '%s, %s' % (last, first)
    if r < 0.55 and mid:
        return '%s, %s %s' % (last, first, mid)
    if r < 0.70:
        return '%s %s' % (first.title() if up else first, last.title() if up else last)
    if r < 0.85:
        return ('%s %s %s' % (last, first, mid)).strip()
    if r < 0.95:
        return '%s,%s' % (last, first)
    return ('%s %s %s' % (first, mid, last)).replace('  ', ' ')


def dob_text(dob, rng):
    r = rng.random()
    if r < 0.45:
        return dob.strftime('%m/%d/%Y')
    if r < 0.75:
        return dob.isoformat()
    if r < 0.92:
        return dob.strftime('%Y%m%d')
    return dob.strftime('%m%d%Y')


def t_addr(p, rng):
    if rng.random() < 0.4:
        a = p.addr if rng.random() < 0.5 else p.addr.rsplit(',', 1)[0]
        return casing(a, rng) if rng.random() < 0.3 else a, None
    parts = [str(p.num)]
    if p.dirc:
        r = rng.random()
        if r < 0.55:
            parts.append(DIRWORD[p.dirc])
        elif r < 0.85:
            parts.append(p.dirc)
    parts.append(p.street.title())
    r = rng.random()
    parts.append(TYPEWORD[p.stype] if r < 0.6 else (p.stype.title() if r < 0.9 else ''))
    s = ' '.join(x for x in parts if x)
    if p.apt:
        r = rng.random()
        s += (' #%s' % p.apt) if r < 0.4 else ((' Apt %s' % p.apt) if r < 0.7 else
                                               ((' Unit %s' % p.apt) if r < 0.85 else ''))
    r = rng.random()
    if r < 0.35:
        s += ', ' + p.hood.title()
    elif r < 0.45:
        s += ' ' + p.hood.title()
    elif r < 0.55:
        s += ', Harbor City'
    if rng.random() < 0.25:
        s = s.upper()
    return s, 'typed_address_spoken'


def t_plate(pl, rng):
    r = rng.random()
    if r < 0.5:
        return pl, None
    k = next((i for i in range(1, len(pl)) if pl[i].isdigit() != pl[i - 1].isdigit()), 3)
    if r < 0.65:
        return pl[:k] + ' ' + pl[k:], 'plate_format_variant'
    if r < 0.72:
        return pl.lower(), 'plate_format_variant'
    if r < 0.80:
        return pl[:k] + '-' + pl[k:], 'plate_format_variant'
    if r < 0.88:
        return 'HS ' + pl, 'plate_format_variant'
    if r < 0.92:
        return 'HS-' + pl, 'plate_format_variant'
    if r < 0.95:
        return 'HS/' + pl[:k] + ' ' + pl[k:], 'plate_format_variant'
    if r < 0.975:
        i = rng.randrange(len(pl))
        ch = pl[i]
        rep = str((int(ch) + 1) % 10) if ch.isdigit() else rng.choice(KEYB.get(ch, 'E'))
        return pl[:i] + rep + pl[i + 1:], 'typed_typo'
    return ' ' + pl, 'plate_format_variant'


def t_phone(ph, rng):
    r = rng.random()
    if r < 0.3:
        return ph
    if r < 0.6:
        return '(%s) %s-%s' % (ph[:3], ph[3:6], ph[6:])
    if r < 0.85:
        return '%s-%s-%s' % (ph[:3], ph[3:6], ph[6:])
    return '%s.%s.%s' % (ph[:3], ph[3:6], ph[6:])


def t_case(c, rng, careful=False):
    """Case number as typed into a free-text field (NCIC / DMV / CAD)."""
    cid = c.cid
    yy, seq = cid.split('-')
    r = rng.random()
    if careful:
        r = r * 0.5 if r < 0.9 else r
    if r < 0.58:
        return cid, None
    if r < 0.68:
        return yy + seq, 'case_id_variant'
    if r < 0.76:
        return 'HC-%s-%s' % (yy, seq), 'case_id_variant'
    if r < 0.80:
        return 'hc%s-%s' % (yy, seq), 'case_id_variant'
    if r < 0.84:
        return 'HC%s-%07d' % (yy, int(seq)), 'case_id_variant'
    if r < 0.87:
        return '20%s-%s' % (yy, seq), 'case_id_variant'
    if r < 0.89:
        return cid + ' ', 'case_id_variant'
    if r < 0.92 and c.cad:
        return c.cad, 'cad_number_as_case'
    if r < 0.973:
        return cid, None
    if r < 0.988:
        return '', 'case_id_placeholder'
    if r < 0.994:
        return 'N/A', 'case_id_placeholder'
    if r < 0.998:
        return 'see CAD', 'case_id_placeholder'
    return 'NONE', 'case_id_placeholder'
