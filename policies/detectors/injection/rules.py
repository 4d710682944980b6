"""The matching engine: gated regular expressions and the dispatch index.

Python's ``re`` spends 10-30 ns per character on a pattern that does not start with a
literal, so running ~80 of them over every 2 KB string would cost milliseconds. Each
rule therefore carries a *gate*: sets of words that must all be present (one word of
each set) or literal needles; the text's word set is built once (``str.translate`` +
``split``, both in C) and a rule only runs when its gate opens.

Texts are matched lower-cased with runs of spaces/tabs collapsed (newlines kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from policies.detectors.injection.regex_gates import (
    LINE_START,
    Need,
    literal_starts,
    required_substrings,
    word_needs,
)

ANCHOR_BEFORE = 240  # the longest exfiltration pattern spans ~170 characters before its target
ANCHOR_AFTER = 120


_PUNCT_TO_SPACE = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


def word_set(text: str) -> set[str]:
    return set(text.translate(_PUNCT_TO_SPACE).split())


# ASCII characters that are neither word characters, nor punctuation, nor whitespace.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def whole_words(text: str, words: set[str]) -> set[str] | None:
    """Every maximal run of word characters (``\\w+``) of ``text`` that has no "_", when
    ``words`` (``word_set(text)``) is known to hold them all, else ``None``.

    In ASCII text without control characters every character that is no ``\\w`` is
    whitespace or punctuation, which ``word_set`` splits at; elsewhere (an accent, an emoji,
    a guillemet next to a word) a word can be glued to its neighbour, and the gates then
    look for every needle with ``str.find`` as before."""
    if text.isascii() and _CONTROL.search(text) is None:
        return words
    return None


@dataclass(frozen=True, slots=True)
class Rule:
    family: str
    weight: float
    regex: re.Pattern[str]
    words: tuple[frozenset[str], ...] = ()  # every set must share a word with the text
    needles: tuple[str, ...] = ()  # or: one of these substrings must occur
    # When set, the pattern only runs on windows around these substrings (a destination
    # such as "http" or "@"): long benign texts mention "send" and "data" all the time.
    anchors: tuple[str, ...] = ()
    name: str = ""  # for signals: the framing feature this rule evidences
    # Literal prefixes one of which every match starts with (derived from the regex):
    # matching then tries only where ``str.find`` finds one, instead of scanning.
    starts: tuple[str, ...] = field(default=())
    # Substrings a match must contain, per top-level alternative of the regex (derived):
    # for some alternative, each any-of set must have one member in the text.
    # Each needle comes with the words every match holds it as whole words
    # (``regex_gates.required_substrings``).
    needs: tuple[tuple[tuple[Need, ...], ...], ...] = field(default=())
    boundary_start: bool = False  # the regex opens with \b: a match starts a word
    # A pattern every match contains that is cheaper to find than a match's start (one
    # that opens at any quote or bracket): the rule runs only where it is found.
    requires: Rule | None = None
    # ``needs`` read as words (see ``regex_gates.word_needs``): per alternative, one set per
    # group whose needles are all whole words at a match, holding one such word of each needle.
    word_needs: tuple[tuple[frozenset[str], ...], ...] = ()

    def gate(self, words: set[str], text: str, present: dict[str, bool] | None = None) -> bool:
        if not self._gate(words, text, present):
            return False
        return self.requires is None or self.requires.search(text)

    def _gate(
        self,
        words: set[str],
        text: str,
        present: dict[str, bool] | None,
        tokens: set[str] | None = None,
    ) -> bool:
        # Plain loops, not any()/all() over generators: this runs for ~50 rules per string
        # and was the detector's largest cost.
        if self.needles:
            for n in self.needles:
                if n in text:
                    break
            else:
                return False
        if self.anchors:
            for a in self.anchors:
                if a in text:
                    break
            else:
                return False
        for ws in self.words:
            if words.isdisjoint(ws):
                return False
        if not self.needs:
            return True
        if tokens is not None and self.word_needs:
            # One set lookup per group instead of one per needle: an alternative one of whose
            # groups has none of its words in the text is skipped by the loop below too (each
            # needle's whole words missing), so when every alternative has such a group the
            # gate is closed. Benign text closes most gates that get this far here.
            for sets in self.word_needs:
                for ws in sets:
                    if tokens.isdisjoint(ws):
                        break
                else:
                    break  # this alternative may match: read its needles below
            else:
                return False
        if present is None:
            present = {}
        get = present.get
        for alternative in self.needs:
            for group in alternative:
                for n, whole in group:
                    # A needle whose whole words the text lacks cannot be where a match
                    # holds it (a set lookup instead of a scan of the text). Not cached in
                    # ``present``: the needle may still be in the text, inside other words.
                    if whole and tokens is not None and not tokens.issuperset(whole):
                        continue
                    hit = get(n)
                    if hit is None:
                        hit = present[n] = n in text
                    if hit:
                        break
                else:
                    break  # no member of this group: the alternative cannot match
            else:
                return True
        return False

    def search(self, text: str, present: dict[str, bool] | None = None) -> bool:
        """Whether the regex matches; ``present`` as for ``_gate`` (prefixes found absent
        before, by this rule or another reading the same text, are not looked for again)."""
        if not self.anchors:
            if self.starts:
                return self._search_from_starts(text, {} if present is None else present)
            return self.regex.search(text) is not None
        windows: list[list[int]] = []
        for anchor in self.anchors:
            pos = text.find(anchor)
            count = 0
            while pos >= 0 and count < 50:
                lo, hi = max(0, pos - ANCHOR_BEFORE), min(len(text), pos + ANCHOR_AFTER)
                windows.append([lo, hi])
                pos = text.find(anchor, pos + 1)
                count += 1
        windows.sort()
        merged: list[list[int]] = []
        for lo, hi in windows:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return any(self.regex.search(text, lo, hi) for lo, hi in merged)

    def _search_from_starts(self, text: str, present: dict[str, bool]) -> bool:
        match = self.regex.match
        boundary = self.boundary_start
        known = present.get
        for prefix in self.starts:
            if prefix == LINE_START:
                pos = 0  # ^ holds at 0 and one past each newline
                while True:
                    if match(text, pos):
                        return True
                    pos = text.find("\n", pos) + 1
                    if not pos:
                        break
                continue
            if known(prefix) is False:
                continue
            pos = text.find(prefix)
            present[prefix] = pos >= 0
            while pos >= 0:
                if (not boundary or pos == 0 or not text[pos - 1].isalnum()) and match(text, pos):
                    return True
                pos = text.find(prefix, pos + 1)
        return False


def rule(
    family: str,
    weight: float,
    regex: str,
    *words: Iterable[str] | str,
    needles: Iterable[str] = (),
    anchors: Iterable[str] = (),
    name: str = "",
    requires: str = "",
) -> Rule:
    sets = tuple(frozenset([w] if isinstance(w, str) else w) for w in words)
    needs = required_substrings(regex)
    return Rule(
        family,
        weight,
        re.compile(regex, re.MULTILINE),
        sets,
        tuple(needles),
        tuple(anchors),
        name,
        literal_starts(regex),
        needs,
        regex.startswith("\\b") and all(p[:1].isalnum() for p in literal_starts(regex)),
        rule(family, 0.0, requires) if requires else None,
        word_needs(needs),
    )


class RuleIndex:
    """Dispatch tables for a rule table: gate word -> rules, needle -> needle-only rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        by_word: dict[str, list[int]] = {}
        by_needle: dict[str, list[int]] = {}
        for i, r in enumerate(self.rules):
            if r.words:
                for w in r.words[0]:
                    by_word.setdefault(w, []).append(i)
            else:
                for n in r.needles:
                    by_needle.setdefault(n, []).append(i)
        self.by_word = {w: tuple(ix) for w, ix in by_word.items()}
        self.by_needle = {n: tuple(ix) for n, ix in by_needle.items()}
        # Needles grouped by a character they hold that ordinary prose often lacks ("<", "_",
        # "[", an emoji; "" when all are letters, digits or spaces): a needle cannot be in a
        # text without each of its characters, and one scan for the character rules out the
        # group (most needles are absent from most texts).
        groups: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for n, ix in self.by_needle.items():
            rare = next((c for c in n if not (c.isascii() and (c.isalnum() or c == " "))), "")
            groups.setdefault(rare, []).append((n, ix))
        self.needle_groups = tuple((c, tuple(items)) for c, items in groups.items())
        # An ASCII text holds no needle with a character beyond ASCII: it skips those groups
        # without a scan each (the Chinese, Japanese, Korean and Cyrillic needles of session 11
        # are ~190 such groups).
        self.ascii_needle_groups = tuple(g for g in self.needle_groups if g[0].isascii())
        self.index_words = frozenset(self.by_word)
        self.gate_words = frozenset(w for r in self.rules for ws in r.words for w in ws)

    def candidates(self, text: str, words: set[str]) -> set[int]:
        """The rules this text opens: one of its index words is a word of the text, or (for
        a rule without words) one of its needles is in the text."""
        candidates: set[int] = set()
        for w in self.index_words.intersection(words):
            candidates.update(self.by_word[w])
        groups = self.ascii_needle_groups if text.isascii() else self.needle_groups
        for rare, items in groups:
            if rare and rare not in text:
                continue
            for needle, ix in items:
                if needle in text:
                    candidates.update(ix)
        return candidates

    def matches(
        self, text: str, words: set[str], present: dict[str, bool] | None = None
    ) -> list[Rule]:
        """The rules that match ``text``; ``words`` is ``word_set(text)``. ``present`` (which
        needles are in the text) may be shared by the rule tables that read the same text."""
        found: list[Rule] = []
        if present is None:
            present = {}
        tokens = whole_words(text, words)
        rules = self.rules
        for i in sorted(self.candidates(text, words)):
            r = rules[i]
            if not r._gate(words, text, present, tokens):
                continue
            if (r.requires is None or r.requires.search(text, present)) and r.search(text, present):
                found.append(r)
        return found
