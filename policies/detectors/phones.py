"""Phone numbers as people write them.

- North American: ``(909)451-3674``, ``909.451.3674``, ``+1-909-451-3674``,
  ``001-909-451-3674``, ``1 (786) 834-4978``; area code and exchange start with 2-9.
- International: ``+44(0)115 4960914``, ``+33 1 83 41 77 76``, ``+919141777631``,
  ``0049 30 1234567``: a country code, then 7-14 more digits in any grouping.
- National with a trunk 0: ``(0161) 4960066``, ``07 88 35 33 74``, ``080-9141-7776``.
- Any of these with an extension: ``x3081``, ``ext. 12``, ``extension 7``, ``#204``.
- Only when the context says phone (a keyword before it in the same sentence, or a JSON
  key such as ``phone``/``mobile``): bare runs of 10-12 digits (``9094513674``) and other
  groupings (``12 3915-0008``). Unlabelled, those are as likely order ids or timestamps.
"""

from __future__ import annotations

import re

_EXT = r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?"
_END = r"(?![\w-])"
_START = r"(?<![\w+-])"

ALWAYS = re.compile(
    _START + r"(?:"
    r"(?:(?:\+|00)?1[ .-]?)?(?:\(\s*[2-9]\d{2}\s*\)[ .-]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}"
    r"|(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,6}"
    r"|\(0\d{1,4}\)[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){0,3}"
    r"|0\d{1,4}(?:[ .-]\d{2,4}){2,4}"
    r")" + _EXT + _END,
    re.I,
)

WITH_CONTEXT = re.compile(
    _START + r"(?:\d{10,12}|\(?\d{2,4}\)?(?:[ .-]\d{2,5}){1,4})" + _EXT + _END,
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


_NANP_SHAPE = re.compile(r"(?:(?:\+|00)?1[ .-]?)?\(?(\d)\d{2}\)?[ .-]?(\d)\d{2}[ .-]\d{4}")


def plausible(candidate: str, *, contextual: bool) -> bool:
    nanp = _NANP_SHAPE.fullmatch(_EXTENSION.sub("", candidate))
    if nanp and (nanp.group(1) in "01" or nanp.group(2) in "01"):
        return False  # North-American shape, but no area code or exchange starts with 0/1
    n = digit_count(candidate)
    if contextual:
        return 9 <= n <= 13
    return 9 <= n <= 15
