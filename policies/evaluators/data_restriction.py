"""``data_restriction``: restricted words (whole words, case-insensitive) and patterns.

Patterns are regular expressions validated when the policy is saved and matched with a
time limit (see ``policies.regex_safety``); a pattern that runs out of time on a string
counts as matched. Each string is scanned up to ``MAX_SCAN_CHARS``. The reason names the
word or the pattern's number and the JSON path, never the matched text.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

from pydantic import Field, model_validator

from policies.call import Call, Scan
from policies.evaluators.base import Violation, join_human
from policies.evaluators.fields import StringList, invalid, widget
from policies.evaluators.settings import PolicySettings, ScanWhere
from policies.regex_safety import MAX_PATTERNS, TimedOut, guarded_search, pattern_error
from policies.types import PolicyType

MAX_SCAN_CHARS = 100_000


class DataRestrictionSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.DATA_RESTRICTION
    summary: ClassVar[str] = (
        "Refuse calls that mention restricted words (code names, secrets) or match your patterns."
    )
    example: ClassVar[dict[str, Any]] = {
        "restricted_words": ["merger", "Project Falcon"],
        "restricted_patterns": ["\\bACCT-\\d{6}\\b"],
    }

    restricted_words: StringList() = Field(  # type: ignore[valid-type]
        [],
        title="Restricted words",
        description="Whole words or phrases, matched case-insensitively.",
        examples=[["merger", "Project Falcon"]],
        json_schema_extra=widget("tags"),
    )
    restricted_patterns: StringList(  # type: ignore[valid-type]
        max_items=MAX_PATTERNS, max_length=1000, check=pattern_error
    ) = Field(
        [],
        title="Restricted patterns (regular expressions)",
        description="Python regular expressions; patterns that could run away (nested "
        "repeats, back-references) are refused when saved.",
        examples=[["\\bACCT-\\d{6}\\b"]],
        json_schema_extra=widget("patterns"),
    )
    scan: ScanWhere = Field("both", title="Look in")  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _something_to_check(self) -> DataRestrictionSettings:
        if not (self.restricted_words or self.restricted_patterns):
            raise invalid("set restricted_words or restricted_patterns", field="restricted_words")
        return self


@functools.lru_cache(maxsize=1024)
def words_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    words = tuple(w for w in words if w.strip())
    if not words:
        return None
    alternation = "|".join(re.escape(w.strip()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def ascii_needles(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words lower-cased, when all are ASCII: in ASCII text a case-insensitive whole-word
    match needs one of them as a substring of the lower-cased text, which ``in`` rules out
    several times faster than the regex can. ``None`` when that does not hold (non-ASCII
    letters fold in ways ``str.lower`` does not: the long s matches "s")."""
    needles = tuple(w.strip().lower() for w in words if w.strip())
    return needles if all(n.isascii() for n in needles) else None


def _any_match(
    word_re: re.Pattern[str] | None,
    needles: tuple[str, ...] | None,
    patterns: tuple[str, ...],
    text: str,
) -> bool:
    if word_re is not None:
        lowered = text.lower() if needles is not None and text.isascii() else None
        if (lowered is None or any(n in lowered for n in needles)) and word_re.search(text):
            return True
    for pattern in patterns:
        try:
            if guarded_search(pattern, text):
                return True
        except TimedOut:
            return True
    return False


def evaluate(config: DataRestrictionSettings, call: Call, scan: Scan) -> Violation | None:
    words = tuple(config.restricted_words)
    patterns = tuple(config.restricted_patterns)
    word_re = words_regex(words)
    needles = ascii_needles(words)
    lowered_words = {w.strip().lower(): w for w in words}
    found_words: dict[str, set[str]] = {}
    found_patterns: dict[int, set[str]] = {}
    timed_out: set[int] = set()
    for location in scan.locations(config.scan):
        leaves = scan.leaves(location)
        if len(leaves) > 1 and not _any_match(
            word_re, needles, patterns, "\n".join(leaf.text[:MAX_SCAN_CHARS] for leaf in leaves)
        ):
            continue  # one pass over everything; per-string passes only to say where
        for leaf in leaves:
            text = leaf.text[:MAX_SCAN_CHARS]
            where = f"{location} {leaf.path}"
            if word_re is not None:
                for m in word_re.finditer(text):
                    word = lowered_words.get(m.group().lower(), m.group().lower())
                    found_words.setdefault(word, set()).add(where)
            for index, pattern in enumerate(patterns):
                try:
                    hit = guarded_search(pattern, text)
                except TimedOut:
                    hit = True
                    timed_out.add(index)
                if hit:
                    found_patterns.setdefault(index, set()).add(where)
    if not found_words and not found_patterns:
        return None
    parts = [
        f"restricted word '{w}' at {join_human(sorted(p), 3)}"
        for w, p in sorted(found_words.items())
    ]
    parts += [
        f"restricted pattern #{i + 1} at {join_human(sorted(p), 3)}"
        for i, p in sorted(found_patterns.items())
    ]
    return Violation(
        "; ".join(parts),
        {
            "words": {w: sorted(p) for w, p in sorted(found_words.items())},
            "patterns": [
                {
                    "index": i,
                    "pattern": patterns[i],
                    "where": sorted(p),
                    "timed_out": i in timed_out,
                }
                for i, p in sorted(found_patterns.items())
            ],
        },
    )
