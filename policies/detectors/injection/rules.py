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
from dataclasses import dataclass

ANCHOR_BEFORE = 240  # the longest exfiltration pattern spans ~170 characters before its target
ANCHOR_AFTER = 120

_PUNCT_TO_SPACE = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


def word_set(text: str) -> set[str]:
    return set(text.translate(_PUNCT_TO_SPACE).split())


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

    def gate(self, words: set[str], text: str) -> bool:
        if self.needles and not any(n in text for n in self.needles):
            return False
        if self.anchors and not any(a in text for a in self.anchors):
            return False
        return all(not words.isdisjoint(ws) for ws in self.words)

    def search(self, text: str) -> bool:
        if not self.anchors:
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


def rule(
    family: str,
    weight: float,
    regex: str,
    *words: Iterable[str] | str,
    needles: Iterable[str] = (),
    anchors: Iterable[str] = (),
    name: str = "",
) -> Rule:
    sets = tuple(frozenset([w] if isinstance(w, str) else w) for w in words)
    return Rule(
        family,
        weight,
        re.compile(regex, re.MULTILINE),
        sets,
        tuple(needles),
        tuple(anchors),
        name,
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
        self.index_words = frozenset(self.by_word)
        self.gate_words = frozenset(w for r in self.rules for ws in r.words for w in ws)

    def matches(self, text: str, words: set[str]) -> list[Rule]:
        candidates: set[int] = set()
        for w in self.index_words.intersection(words):
            candidates.update(self.by_word[w])
        for needle, ix in self.by_needle.items():
            if needle in text:
                candidates.update(ix)
        found: list[Rule] = []
        for i in sorted(candidates):
            r = self.rules[i]
            if r.gate(words, text) and r.search(text):
                found.append(r)
        return found
