"""Scans rewritten to open with a character class or a literal (session 16, regex16; session 17,
tidy17: three that opened with a look-behind, now after their first character) match exactly
what their old forms matched.

CPython 3.11's ``re`` skips ahead to where a match can start only when a pattern opens with a
literal or a character class; ``X+``, ``X{2,}`` and ``(?:...){n,}`` made it try a match at every
character. Each rewrite (``X X*``, ``X X+``, one repeat unrolled) was checked on 100,000 random
strings and the training texts; this test keeps a fixed random sample of that check.
"""

from __future__ import annotations

import random
import re

import pytest

from policies import llm, semantic_rules
from policies.detectors import injection, pii
from policies.detectors.injection import model, normalise
from policies.evaluators import action_approval

OLD_AND_NEW = [
    (r"[a-z0-9]+(?:'[a-z]+)?", model._TOKEN),
    (r"[a-z0-9]+(?:[.@][a-z0-9]+)*", llm._TOKEN),
    (r"[a-z]+", semantic_rules._WORD),
    (r"[^A-Za-z0-9]+", semantic_rules._NOT_ALNUM),
    (r"[._\-/:\s]+", action_approval._SEGMENT_SPLIT),
    (r"[ \t\f\v\u00a0]+", normalise._HSPACE),
    (r"(?:[0-9a-fA-F]{2}){8,}", normalise._HEX_RUN),
    (r"(?:\\x[0-9a-fA-F]{2}){4,}", normalise._HEX_ESCAPES),
    (r"(?:\\u[0-9a-fA-F]{4}){3,}", normalise._UNICODE_ESCAPES),
    (r"(?:\S {1,3}){5,}\S", normalise._SPACED_RUN),
    (r"\s{2,}", injection._SPACES),
]

_CHARS = list("aAzZeExXuUbf09358 \t\n\r\f\v\u00a0.!?'@%+-_/:=\\,;\"()#*") + list(
    "éßİıжЖ中٣²ⅷﬁ\u200b\u2028🙂ǅ"
)
_PIECES = ["@", "user.name@", "ex-ample.", "com", "a ", "b  ", "c   ", "'s", "don't", "\\x4a",
           "\\u00e9", "\\x4a\\x41\\x42", "\\xZ", "0f1e2d3c4b5a6978", "1 ", "  ", "Ж "]  # fmt: skip


def _texts(n: int) -> list[str]:
    rng = random.Random(16)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(0, 10)):
            r = rng.random()
            if r < 0.4:
                parts.append("".join(rng.choice(_CHARS) for _ in range(rng.randrange(1, 8))))
            elif r < 0.7:
                parts.append("".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 8))))
            else:
                parts.append(rng.choice(_CHARS + _PIECES) * rng.randrange(1, 30))
        out.append("".join(parts))
    return out


TEXTS = _texts(1500)


@pytest.mark.parametrize(("old", "new"), OLD_AND_NEW, ids=[p.pattern for _, p in OLD_AND_NEW])
def test_the_rewritten_scan_matches_what_the_old_one_did(old: str, new: re.Pattern[str]) -> None:
    before = re.compile(old, new.flags)
    assert before.pattern != new.pattern
    matches = 0
    for text in TEXTS:
        spans = [(m.span(), m.groups()) for m in new.finditer(text)]
        assert spans == [(m.span(), m.groups()) for m in before.finditer(text)], text
        matches += len(spans)
    assert matches > 20  # the sample exercises the pattern


@pytest.mark.parametrize(
    "new", [p for _, p in OLD_AND_NEW], ids=[p.pattern for _, p in OLD_AND_NEW]
)
def test_the_rewritten_scan_opens_with_a_class_or_a_literal(new: re.Pattern[str]) -> None:
    from re import _constants, _parser

    op, _ = _parser.parse(new.pattern, new.flags).data[0]
    assert op in (_constants.IN, _constants.LITERAL)


# Session 17: a look-behind moved after the character (and separator) it guards, which it then
# also sees: "(?<!X)Y" is "Y(?<!XY)" when Y is one character.
LOOK_BEHIND_MOVED = [
    (r"(?<!\w)(?:\w[ .\-_*·]{1,2}){4,}\w(?!\w)", normalise._SPACED),
    (
        r"(?<![\w-])(?!000|666|9\d\d)\d{3}(?P<sep>[- ]?)(?!00)\d{2}(?P=sep)(?!0000)\d{4}(?![\w-])",
        pii._SSN_RE,
    ),
    (r"(?<![\w-])(?:[A-Z]\d{8}|\d{9})(?![\w-])", pii._PASSPORT_RE),
]
_DIGIT_PIECES = ["123-45-6789", "000-12-3456", "666 12 3456", "912345678", "078051120", "A12345678",
                 "s p a c e d", "w.o.r.d.s", "a  b  c  d  e", "x-y-z-w-v", "٣", "-", "_", "·", "*"]  # fmt: skip


def _digit_texts(n: int) -> list[str]:
    rng = random.Random(17)
    chars = list("0123456789" * 3 + "AZaz .-_*·@\n") + ["é", "٣"]
    out = []
    for _ in range(n):
        parts = [
            rng.choice(_DIGIT_PIECES)
            if rng.random() < 0.4
            else "".join(rng.choice(chars) for _ in range(rng.randrange(0, 12)))
            for _ in range(rng.randrange(1, 7))
        ]
        out.append("".join(parts))
    return out


DIGIT_TEXTS = _digit_texts(1500)


@pytest.mark.parametrize(
    ("old", "new"), LOOK_BEHIND_MOVED, ids=[p.pattern for _, p in LOOK_BEHIND_MOVED]
)
def test_a_look_behind_moved_after_its_character_matches_what_it_did(
    old: str, new: re.Pattern[str]
) -> None:
    from re import _constants, _parser

    before = re.compile(old, new.flags)
    assert _parser.parse(new.pattern, new.flags).data[0][0] is _constants.IN
    matches = 0
    rng = random.Random(17)
    for text in DIGIT_TEXTS:
        spans = [(m.span(), m.groups()) for m in new.finditer(text)]
        assert spans == [(m.span(), m.groups()) for m in before.finditer(text)], text
        # pii scans a window of the text: the look-behind sees before it in both forms
        lo = rng.randrange(len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        window = [m.span() for m in new.finditer(text, lo, hi)]
        assert window == [m.span() for m in before.finditer(text, lo, hi)], (text, lo, hi)
        matches += len(spans)
    assert matches > 20  # the sample exercises the pattern
