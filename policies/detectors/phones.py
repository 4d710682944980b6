"""Phone numbers as people write them.

- North American: ``(909)451-3674``, ``909.451.3674``, ``+1-909-451-3674``,
  ``001-909-451-3674``, ``1 (786) 834-4978``; area code and exchange start with 2-9.
- International: ``+44(0)115 4960914``, ``+33 1 83 41 77 76``, ``+919141777631``,
  ``0049 30 1234567``: a country code, then 7-14 more digits in any grouping.
- National with a trunk 0: ``(0161) 4960066``, ``07 88 35 33 74``, ``0261863037``;
  Japanese ``080-9141-7776`` and Brazilian ``61 9141-7776`` groupings.
- Any of these with an extension: ``x3081``, ``ext. 12``, ``extension 7``, ``#204``.
- Only when the context says phone (a keyword before it in the same sentence, or a JSON
  key such as ``phone``/``mobile``): bare runs of 10-12 digits (``9094513674``) and other
  groupings (``12 3915-0008``). Unlabelled, those are as likely order ids or timestamps.
"""

from __future__ import annotations

import re

_EXT = r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?"
_END = r"(?![\w-])(?![.-]\d)"
_START = r"(?<![\w+-])(?<!\d[ .])"  # not the tail of a longer run of digit groups

ALWAYS = re.compile(
    _START + r"(?:"
    r"(?:(?:\+|00)?1[ .-]?)?(?:\(\s*[1-9]\d{2}\s*\)[ .-]?|[1-9]\d{2}[ .-])\d{3}[ .-]\d{4}"
    r"|(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,6}"
    r"|\(0\d{1,4}\)[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){0,3}"
    r"|0\d{1,4}(?:[ .-]\d{2,4}){2,4}"
    r"|0\d{2,4}[ .-]\d{5,8}"
    # A trunk 0 then a non-zero digit, 10-11 digits in a row (06 12 34 56 78 unspaced);
    # 2-4-4 with dashes (Japan) and 2 4-4 (Brazil).
    r"|0[1-9]\d{8,9}"
    r"|\d{2,4}-\d{4}-\d{4}"
    r"|\(?\d{2}\)? \d{4,5}-\d{4}"
    r")" + _EXT + _END,
    re.I,
)

WITH_CONTEXT = re.compile(
    _START + r"(?:\d{9,12}|\(?\d{2,4}\)?(?:[ .-]\d{2,5}){1,4})" + _EXT + _END,
    re.I,
)

CONTEXT = re.compile(
    r"\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|call|calling|ring|dial|text|sms|"
    r"whatsapp|contact|reach|hotline|landline|ph|mob)\b|☎|📞",
    re.I,
)
CONTEXT_KEY = re.compile(r"phone|tel|mobile|cell|fax|contact_number|msisdn", re.I)

_NOT_DIGITS = re.compile(r"\D")
_TRUNK = re.compile(r"\(0\)")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension|#)\s*\d{1,6}$", re.I)


def digit_count(candidate: str) -> int:
    """Digits of the number itself: no ``(0)`` trunk marker, no extension."""
    body = _EXTENSION.sub("", _TRUNK.sub("", candidate))
    return len(_NOT_DIGITS.sub("", body))


# Shapes that are something else: an SSN (3-2-4), a date or a date-time.
_NOT_A_PHONE = re.compile(
    r"\d{3}-\d{2}-\d{4}$|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}\b"
)
_NANP_SHAPE = re.compile(r"(?:(?:\+|00)?1[ .-]?)?\(?(\d)\d{2}\)?[ .-]?\d{3}[ .-]\d{4}")


def plausible(candidate: str, *, contextual: bool) -> bool:
    body = _EXTENSION.sub("", candidate)
    if _NOT_A_PHONE.match(body):
        return False
    nanp = _NANP_SHAPE.fullmatch(body)
    if nanp and nanp.group(1) == "0":
        return False  # North-American shape, but no area code starts with 0
    n = digit_count(candidate)
    if contextual:
        return 9 <= n <= 13
    return 9 <= n <= 15
