"""PII detection by validated patterns, without any model.

Every finding names a type and where it was found (location + JSON path + character
span inside that string) but never the value itself, so findings can go into the ledger
and into violation details as they are.

Types and what makes a match (beyond the pattern):
- ``ssn``: US SSN, area not 000/666/9xx, group not 00, serial not 0000; the separated
  forms always, the bare nine digits only next to a keyword ("SSN", "social security").
- ``credit_card``: 12-19 digits, contiguous or grouped 4-4-4-4 / 4-6-5 / 4-6-4, an issuer
  range with that issuer's real lengths (``cards``: Visa, Mastercard incl. 2-series, Amex,
  Discover, Diners, JCB 15-19, UnionPay, Maestro 12-19, Mir, RuPay, Troy) and a valid
  Luhn checksum; a contiguous 12-digit run also needs card context.
- ``email``: RFC 5321-ish local part and a dotted domain with a 2-24 letter TLD.
- ``phone``: see ``phones``: North-American, international ``+CC``/``00CC``, national
  ``0...`` numbers, with extensions; bare digit runs only when the context says phone.
- ``iban``: country code with its registered length and the ISO 13616 mod-97 check.
- ``ip_address``: IPv4 with octet range checks (not right after "version"/"v"/"build");
  IPv6 validated by ``ipaddress``.
- ``us_passport``: nine digits or a letter and eight digits, next to "passport".
- ``date_of_birth``: a real calendar date next to "DOB", "date of birth", "born", ... or
  under a JSON key such as ``dob`` / ``birth_date``.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from policies.detectors import phones
from policies.detectors.cards import is_card_number, luhn_valid
from policies.detectors.walk import Leaf, iter_leaves

SSN = "ssn"
CREDIT_CARD = "credit_card"
EMAIL = "email"
PHONE = "phone"
IBAN = "iban"
IP_ADDRESS = "ip_address"
US_PASSPORT = "us_passport"
DATE_OF_BIRTH = "date_of_birth"

PII_TYPES: tuple[str, ...] = (
    SSN,
    CREDIT_CARD,
    EMAIL,
    PHONE,
    IBAN,
    IP_ADDRESS,
    US_PASSPORT,
    DATE_OF_BIRTH,
)

# When two candidates overlap, the more specific (validated) type wins.
_PRIORITY = {
    CREDIT_CARD: 0,
    IBAN: 1,
    SSN: 2,
    US_PASSPORT: 3,
    EMAIL: 4,
    IP_ADDRESS: 5,
    DATE_OF_BIRTH: 6,
    PHONE: 7,
}


class Match(NamedTuple):
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PiiFinding:
    type: str
    location: str  # "input" | "output"
    path: str  # JSON path of the string the finding is in
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe, value-free description."""
        return {"type": self.type, "location": self.location, "path": self.path}


# --- patterns -----------------------------------------------------------------------

# Both open with a character class, their look-behinds after it, so ``re`` skips to a digit instead
# of trying a match at every character; same matches as "(?<![\w-])(?!000|666|9\d\d)\d{3}..." and
# "(?<![\w-])(?:[A-Z]\d{8}|\d{9})..." (session 17: training texts, 100,000 random strings), 70 %
# and 62 % fewer instructions a search on the training texts (callgrind).
_SSN_RE = re.compile(
    r"\d(?<![\w-]\d)\d\d(?<!000|666|9\d\d)(?P<sep>[- ]?)(?!00)\d{2}(?P=sep)(?!0000)\d{4}(?![\w-])"
)
_SSN_CONTEXT = re.compile(r"\bssn\b|social[\s_-]*sec|\bsocial security\b|\bss#|\btaxpayer", re.I)

_CARD_RE = re.compile(
    r"(?<![\w-])(?:"
    r"(?P<bare>\d{12,19})"
    r"|\d{4}(?P<s1>[ -])\d{4}(?P=s1)\d{4}(?:(?P=s1)\d{1,4}(?:(?P=s1)\d{1,3})?)?"
    r"|\d{4}(?P<s2>[ -])\d{6}(?P=s2)\d{4,5}"
    r")(?![\w-])"
)
_CARD_CONTEXT = re.compile(
    r"card|maestro|visa|mastercard|amex|debit|credit|\bcc\b|\bpan\b|pay|charge|billing|bill\b|purchase",
    re.I,
)

_EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)


_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![a-z0-9])")

# Registered IBAN lengths (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?\d)(?!\w)")
# "version 1.2.3.4", "build 10.0.0.1": dotted version numbers, not addresses.
_VERSION_BEFORE = re.compile(
    r"(?:\bversion|\bver\.?|\brelease|\bbuild|\bfirmware|\brev\.?|\bv|\bsdk|\bapi)\s*[:=]?\s*$",
    re.I,
)
# image@2x.png is a file name, not an address.
_FILE_TLDS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "css", "js", "ts",
     "json", "xml", "txt", "pdf", "zip", "gz", "mp3", "mp4", "mov", "wav", "py", "rb", "go"}
)  # fmt: skip
_IPV6_RE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|"
    + _OCTET
    + r"(?:\."
    + _OCTET
    + r"){3})?(?:%[\w.]+)?(?![\w:])"
)

_PASSPORT_RE = re.compile(r"[A-Z\d](?<![\w-][A-Z\d])\d{8}(?![\w-])")  # see _SSN_RE
_PASSPORT_CONTEXT = re.compile(r"passport", re.I)

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>(?:19|20)\d{2}|\d{2})"
    rf"|(?P<td>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<tm>{_MONTH_ALT})\.?,?\s+(?P<ty>(?:19|20)\d{{2}})"
    rf"|(?P<um>{_MONTH_ALT})\.?\s+(?P<ud>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<uy>(?:19|20)\d{{2}})"
    r")(?![\w/-])",
    re.I,
)
_DOB_CONTEXT = re.compile(
    r"\bdob\b|d\.o\.b|date\s+of\s+birth|birth\s*date|birthdate|birthday|\bborn\b|\bb\.\s|"
    r"geburtsdatum|n[ée]e?\s+le|fecha\s+de\s+nacimiento",
    re.I,
)
_DOB_KEY = re.compile(r"dob|birth", re.I)

_CONTEXT_WINDOW = 48


# --- validators ---------------------------------------------------------------------


def iban_valid(compact: str) -> bool:
    """ISO 13616: registered length and ``int(rearranged) % 97 == 1``."""
    compact = compact.upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _date_is_valid(m: re.Match[str]) -> bool:
    g = m.groupdict()
    if g["iy"]:
        return _valid_date(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["y"]:
        y = int(g["y"])
        if y < 100:
            y += 1900 if y > 30 else 2000
        a, b = int(g["a"]), int(g["b"])
        return _valid_date(y, a, b) or _valid_date(y, b, a)  # US or day-first
    if g["ty"]:
        return _valid_date(int(g["ty"]), _MONTHS[g["tm"].lower()], int(g["td"]))
    return _valid_date(int(g["uy"]), _MONTHS[g["um"].lower()], int(g["ud"]))


_ABBREVIATIONS = frozenset({"no", "nr", "num", "tel", "ph", "ext", "dob", "b", "d.o.b", "e.g", "i.e",
                            "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "approx", "acct", "ref"})  # fmt: skip


def _sentence_start(text: str, lo: int, start: int) -> int:
    """Where the sentence holding ``start`` begins, looking back no further than ``lo``.

    Context keywords must be in the same sentence or line: "SSN: 123-45-6789. Passport
    340020013" must not make the passport number an SSN. Abbreviations ("no.", "D.O.B.")
    do not end a sentence.
    """
    cut = lo
    newline = text.rfind("\n", lo, start)
    if newline >= 0:
        cut = newline + 1
    for sep in (". ", "; ", "! ", "? "):
        i = text.rfind(sep, cut, start)
        while i >= cut:
            if sep != ". ":
                cut = i + len(sep)
                break
            word_start = i
            while word_start > cut and (
                text[word_start - 1].isalpha() or text[word_start - 1] == "."
            ):
                word_start -= 1
            if text[word_start:i].lower() not in _ABBREVIATIONS:
                cut = i + len(sep)
                break
            i = text.rfind(sep, cut, i)
    return cut


def _context_before(text: str, start: int, pattern: re.Pattern[str]) -> bool:
    lo = _sentence_start(text, max(0, start - _CONTEXT_WINDOW), start)
    return pattern.search(text, lo, start) is not None


# --- detection ----------------------------------------------------------------------
#
# Running nine regular expressions over every string is what makes pattern-based PII
# scanners slow (Python's ``re`` costs 10-30 ns per character per pattern). Nearly every
# type here is anchored on digits, so one pass finds the digit runs, runs that are only
# separators apart are merged into clusters, and the specific expressions run only on a
# small window around a cluster whose digit count fits the type. E-mail addresses are
# found from their ``@`` and IPv6 addresses from groups of colons, both located with
# ``str.find``.

# "[0-9][0-9]*", not "[0-9]+": ``re`` (CPython 3.11) skips to the characters that can open a
# match only when the pattern opens with a character class, not with a repeat of one; "[0-9]+"
# made it try a match at every character of the text (~175 instructions each: ~0.27 M of a
# ``/check`` on its 1.5 KB payload, session 16). Both match the same spans.
_CLUSTER_RE = re.compile(r"[0-9][0-9]*(?:[ \-./():+,]{1,3}[0-9]+)*")
_NON_DIGITS = str.maketrans("", "", " -./():+,")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_MARGIN = 14

# Cheap substring gates: the context expressions only run when one of these occurs.
_DOB_HINTS = ("dob", "birth", "born", "d.o.b", "geburt", "nacimiento", "né", "nee le", "b. ")
_SSN_HINTS = ("ssn", "social", "ss#", "taxpayer")


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) by a margin and stop the right edge on a non-word character.

    ``re`` lets look-behind see before ``pos`` but look-ahead treats ``endpos`` as the end
    of the string, so the right edge must not cut a token in two.
    """
    ws = max(0, start - _MARGIN)
    we = min(len(text), end + _MARGIN)
    limit = min(len(text), we + 64)
    while we < limit and (text[we - 1].isalnum() or text[we - 1] in "-_"):
        we += 1
    return ws, we


def _emails(text: str) -> Iterable[Match]:
    at = text.find("@")
    resume = 0
    while at >= 0:
        lo = max(0, at - 64)
        i = at
        while i > lo and text[i - 1] in _LOCAL_CHARS:
            i -= 1
        while i < at and not text[i].isalnum():
            i += 1
        m = _EMAIL_RE.match(text, i) if i < at else None
        if m and m.group().rsplit(".", 1)[-1].lower() in _FILE_TLDS:
            m = None
        if m:
            resume = m.end()
            yield Match(EMAIL, m.start(), m.end())
        at = text.find("@", max(at + 1, resume))


@functools.lru_cache(maxsize=4096)
def _key_context(key: str) -> tuple[bool, bool, bool, bool]:
    """What a JSON key says: (date of birth, SSN, passport, phone). Keys repeat from string to
    string and call to call, so each is read once (four expressions per string before)."""
    if not key:
        return False, False, False, False
    return (
        _DOB_KEY.search(key) is not None,
        _SSN_CONTEXT.search(key.replace("_", " ")) is not None,
        "passport" in key.lower(),
        phones.CONTEXT_KEY.search(key) is not None,
    )


def _candidates(text: str, key: str, wanted: Collection[str]) -> Iterable[Match]:
    if EMAIL in wanted and "@" in text:
        yield from _emails(text)

    if IP_ADDRESS in wanted and text.count(":") >= 2:
        yield from _ipv6_candidates(text)

    clusters = _CLUSTER_RE.finditer(text)
    first = next(clusters, None)
    if first is None:
        return  # no digits: nothing else can match

    key_dob, key_ssn, key_passport, key_phone = _key_context(key)
    # Read from the text only once a cluster has the digits to be PII (most strings with a
    # digit have none: "q3", "12", "3pm").
    want_dob = want_passport = None

    for cluster in itertools.chain((first,), clusters):
        s, e = cluster.span()
        body = cluster.group()
        if IBAN in wanted and s >= 2 and text[s - 2 : s].isupper() and text[s - 2 : s].isalpha():
            m = _IBAN_RE.match(text, s - 2)
            if m:
                span = _iban_span(text, m.start(), m.end())
                if span:
                    yield Match(IBAN, *span)
        digits = len(body.translate(_NON_DIGITS)) if len(body) > 3 else len(body)
        if digits < 4:
            continue
        if want_dob is None:
            lowered = text.lower()
            want_dob = DATE_OF_BIRTH in wanted and (
                key_dob or any(h in lowered for h in _DOB_HINTS)
            )
            want_passport = US_PASSPORT in wanted and (key_passport or "passport" in lowered)
        ws, we = _window(text, s, e)
        if digits >= 12 and CREDIT_CARD in wanted:
            for m in _CARD_RE.finditer(text, ws, we):
                number = m.group().translate(_NON_DIGITS)
                if not is_card_number(number):
                    continue
                if (
                    len(number) == 12
                    and m.group("bare")
                    and not _context_before(text, m.start(), _CARD_CONTEXT)
                ):
                    continue  # a bare 12-digit run is as likely an order id
                yield Match(CREDIT_CARD, m.start(), m.end())
        if digits >= 9 and SSN in wanted:
            for m in _SSN_RE.finditer(text, ws, we):
                if m.group("sep") or key_ssn or _context_before(text, m.start(), _SSN_CONTEXT):
                    yield Match(SSN, m.start(), m.end())
        if (
            want_passport
            and digits >= 8
            and (key_passport or _context_before(text, s, _PASSPORT_CONTEXT))
        ):
            for m in _PASSPORT_RE.finditer(text, ws, we):
                yield Match(US_PASSPORT, m.start(), m.end())
        if IP_ADDRESS in wanted and "." in body:
            for m in _IPV4_RE.finditer(text, ws, we):
                if _VERSION_BEFORE.search(text, max(0, m.start() - 12), m.start()) is None:
                    yield Match(IP_ADDRESS, m.start(), m.end())
        if want_dob and (key_dob or _context_before(text, s, _DOB_CONTEXT)):
            # Month names sit between day and year ("5 March 1990"): look further left.
            for m in _DATE_RE.finditer(text, max(0, ws - 16), we):
                if m.start() <= s < m.end() and _date_is_valid(m):
                    yield Match(DATE_OF_BIRTH, m.start(), m.end())
        if digits >= 9 and PHONE in wanted:
            found = False
            for m in phones.ALWAYS.finditer(text, ws, we):
                if phones.plausible(m.group(), contextual=False):
                    found = True
                    yield Match(PHONE, m.start(), m.end())
            if not found and (key_phone or _context_before(text, s, phones.CONTEXT)):
                for m in phones.WITH_CONTEXT.finditer(text, ws, we):
                    if phones.plausible(m.group(), contextual=True):
                        yield Match(PHONE, m.start(), m.end())


def _ipv6_candidates(text: str) -> Iterable[Match]:
    colons: list[int] = []
    pos = text.find(":")
    while pos >= 0:
        colons.append(pos)
        pos = text.find(":", pos + 1)
    group_start = 0
    for i in range(1, len(colons) + 1):
        if i < len(colons) and colons[i] - colons[i - 1] <= 5:
            continue
        if i - group_start >= 2:
            ws, we = _window(text, colons[group_start] - 4, colons[i - 1] + 1)
            for m in _IPV6_RE.finditer(text, max(0, ws), we):
                candidate = m.group().split("%", 1)[0]
                if any(c.isalnum() for c in candidate) and _is_ipv6(candidate):
                    yield Match(IP_ADDRESS, m.start(), m.end())
        group_start = i


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _iban_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a greedy IBAN candidate to its country's registered length, then validate."""
    expected = IBAN_LENGTHS.get(text[start : start + 2])
    if expected is None:
        return None
    count = 0
    pos = start
    while pos < end and count < expected:
        if text[pos] != " ":
            count += 1
        pos += 1
    if count != expected:
        return None
    if pos < len(text) and text[pos].isalnum() and text[pos - 1] != " " and text[pos] != " ":
        return None  # the IBAN would end in the middle of a longer token
    compact = text[start:pos].replace(" ", "")
    return (start, pos) if iban_valid(compact) else None


def find_pii(text: str, *, key: str = "", types: Collection[str] | None = None) -> list[Match]:
    """Non-overlapping PII matches in ``text``, ordered by position.

    ``key`` is the JSON key the text sits under; it supplies context (``dob``,
    ``passport_number``, ``ssn``) that the text alone lacks.
    """
    wanted = PII_TYPES if types is None else types
    found = list(_candidates(text, key, wanted))
    if len(found) <= 1:
        return found
    found.sort(key=lambda c: (c.start, _PRIORITY[c.type]))
    kept: list[Match] = []
    for cand in found:
        # Overlaps can only involve the most recent kept matches; the more specific type wins.
        while kept and cand.start < kept[-1].end:
            if _wins(cand, kept[-1]):
                kept.pop()
            else:
                break
        else:
            kept.append(cand)
    return kept


_CHECKSUMMED = frozenset({CREDIT_CARD, IBAN})


def _wins(challenger: Match, holder: Match) -> bool:
    """Resolve two overlapping matches.

    A checksummed match that contains the other wins (a Luhn-valid run inside an IBAN is
    a one-in-ten accident); otherwise the more specific type does.
    """
    if (
        holder.type in _CHECKSUMMED
        and holder.start <= challenger.start
        and challenger.end <= holder.end
    ):
        return False
    if (
        challenger.type in _CHECKSUMMED
        and challenger.start <= holder.start
        and holder.end <= challenger.end
    ):
        return True
    return _PRIORITY[challenger.type] < _PRIORITY[holder.type]


def scan_leaves(
    leaves: Iterable[Leaf], *, location: str, types: Collection[str] | None = None
) -> list[PiiFinding]:
    findings: list[PiiFinding] = []
    for leaf in leaves:
        for m in find_pii(leaf.text, key=leaf.key, types=types):
            findings.append(PiiFinding(m.type, location, leaf.path, m.start, m.end))
    return findings


def scan_pii(
    value: Any, *, location: str, types: Collection[str] | None = None
) -> list[PiiFinding]:
    """All PII findings in a JSON value (strings and numbers, at any depth)."""
    return scan_leaves(iter_leaves(value), location=location, types=types)


def summarise(findings: Iterable[PiiFinding]) -> dict[str, list[dict[str, Any]]]:
    """``{type: [{location, path}, ...]}`` without duplicates, for reasons and details."""
    out: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str, str]] = set()
    for f in findings:
        marker = (f.type, f.location, f.path)
        if marker in seen:
            continue
        seen.add(marker)
        out.setdefault(f.type, []).append({"location": f.location, "path": f.path})
    return out


__all__ = [
    "PII_TYPES",
    "IBAN_LENGTHS",
    "Match",
    "PiiFinding",
    "find_pii",
    "iban_valid",
    "luhn_valid",
    "scan_leaves",
    "scan_pii",
    "summarise",
]
