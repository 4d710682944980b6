"""The matching engine: gated regular expressions (their dispatch index: ``rule_index``).

Python's ``re`` spends 10-30 ns per character on a pattern that does not start with a
literal, so running ~80 of them over every 2 KB string would cost milliseconds. Each
rule therefore carries a *gate*: sets of words that must all be present (one word of
each set) or literal needles; the text's word set is built once (``str.translate`` +
``split``, both in C) and a rule only runs when its gate opens.

Texts are matched lower-cased with runs of spaces/tabs collapsed (newlines kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from policies.detectors.injection.regex_gates import (
    LINE_START,
    Need,
    compile_parsed,
    literal_starts_of,
    opens_at_word_boundary_of,
    parse,
    required_substrings_of,
    top_level_alternatives,
    word_needs,
)

ANCHOR_BEFORE = 240  # the longest exfiltration pattern spans ~170 characters before its target
ANCHOR_AFTER = 120


_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in _PUNCTUATION})
_PUNCT_TO_SPACE_BYTES = bytes.maketrans(_PUNCTUATION.encode(), b" " * len(_PUNCTUATION))


def word_set(text: str) -> set[str]:
    if text.isascii():
        # The same translation on the bytes: a table lookup per byte, where ``str.translate``
        # looks each character up in a dict (session 16: ~35 k instructions on 1.5 KB).
        spaced = text.encode("ascii").translate(_PUNCT_TO_SPACE_BYTES).decode("ascii")
        return set(spaced.split())
    return set(text.translate(_PUNCT_TO_SPACE).split())


# ASCII characters that are neither word characters, nor punctuation, nor whitespace.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_NOT_CONTROL = bytes(c for c in range(128) if _CONTROL.match(chr(c)) is None)


def whole_words(text: str, words: set[str]) -> set[str] | None:
    """Every maximal run of word characters (``\\w+``) of ``text`` that has no "_", when
    ``words`` (``word_set(text)``) is known to hold them all, else ``None``.

    In ASCII text without control characters every character that is no ``\\w`` is
    whitespace or punctuation, which ``word_set`` splits at; elsewhere (an accent, an emoji,
    a guillemet next to a word) a word can be glued to its neighbour, and the gates then
    look for every needle with ``str.find`` as before."""
    # Deleting every other ASCII character leaves nothing: a C loop over the bytes, where the
    # character class of a regex search costs ~40 instructions a character (session 13: 64 k
    # instructions on the 1.5 KB ``/check`` payload, twice, a fifth of what the gates cost).
    if text.isascii() and not text.encode("ascii").translate(None, _NOT_CONTROL):
        return words
    return None


# What the rule tables read of one text: its whole words, their token line and their heads
# (``text_reading``), or three Nones.
Reading = tuple[set[str] | None, str | None, set[str] | None]


def text_reading(text: str, words: set[str]) -> Reading:
    """``whole_words``, its ``token_line`` and ``word_heads`` (or three Nones): what every rule
    table asks of one text, so the detector reads it once per variant and hands it to each table."""
    tokens = whole_words(text, words)
    if tokens is None:
        return None, None, None
    return tokens, token_line(tokens), word_heads(tokens)


def word_heads(tokens: set[str]) -> set[str]:
    """Each word and its first two characters: a literal start that opens a word is in the text
    only if the word it opens with is one, or, when the start is that word's beginning only,
    if its first two characters head one (``start_key``); one set lookup instead of a search
    of the token line."""
    heads = {w[:2] for w in tokens}
    heads.update(tokens)
    return heads


def token_line(tokens: set[str]) -> str:
    """The distinct words of a text, each between spaces: where a needle's words are looked
    for (``needle_in``) instead of in the text itself, which repeats them."""
    return " " + " ".join(tokens) + " "


# What a text's words say about a needle: words it must hold whole, pieces its token line must
# hold, and whether those settle that the needle is in the text (``needle_probe``).
Probe = tuple[frozenset[str], tuple[str, ...], bool]
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_NEVER: Probe = (frozenset(), ("\x00",), False)  # no token line holds a control character
_PROBES: dict[str, Probe] = {}


def needle_probe(needle: str) -> Probe:
    """Where a needle can be in an ASCII text without control characters, read from its words.

    There every character is a letter or digit, punctuation or whitespace, so the text's words
    (``word_set``) are exactly its maximal runs of letters and digits. Each such run of the
    needle is, in the text, a whole word when a separator of the needle stands on both sides of
    it, the start of a word when one stands only before it, the end of one when only after it,
    and part of one otherwise. The text then holds the needle only if its words hold each run
    so: one set lookup, or one search of the token line (" word word ... ": " run" for a start,
    "run " for an end), which is shorter than the text. A needle that is one run and nothing
    else is in the text exactly when a word holds it: that settles it. A needle beyond ASCII or
    with a control character is in no such text."""
    probe = _PROBES.get(needle)
    if probe is not None:
        return probe
    if not needle.isascii() or _CONTROL.search(needle):
        probe = _NEVER
    else:
        whole: set[str] = set()
        pieces: list[str] = []
        for m in _ALNUM_RUN.finditer(needle):
            after_separator, before_separator = m.start() > 0, m.end() < len(needle)
            if after_separator and before_separator:
                whole.add(m.group())
            else:
                pieces.append(
                    (" " if after_separator else "") + m.group() + (" " if before_separator else "")
                )
        probe = (frozenset(whole), tuple(pieces), _ALNUM_RUN.fullmatch(needle) is not None)
    _PROBES[needle] = probe
    return probe


def needle_in(needle: str, text: str, tokens: set[str] | None, line: str | None) -> bool:
    """``needle in text``; ``tokens`` is ``whole_words(text, ...)`` and ``line`` its
    ``token_line``, or both None (then the text is searched)."""
    # ruled_out's loop again: calling it costs +2 % instructions per detector call (session 14).
    if line is not None:
        whole, pieces, settled = _PROBES.get(needle) or needle_probe(needle)
        if whole and not tokens.issuperset(whole):  # type: ignore[union-attr]
            return False
        for piece in pieces:
            if piece not in line:
                return False
        if settled:
            return True
    return needle in text


def ruled_out(needle: str, tokens: set[str], line: str) -> bool:
    """Whether the words of a text (``tokens``, ``line`` as for ``needle_in``) show that
    ``needle`` is not in it."""
    whole, pieces, _ = _PROBES.get(needle) or needle_probe(needle)
    if whole and not tokens.issuperset(whole):
        return True
    for piece in pieces:  # noqa: SIM110 - a plain loop: any() over a generator costs more
        if piece not in line:
            return True
    return False


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
    # Every match starts a word (a \b before anything the regex consumes, lookbehinds aside):
    # a literal start inside a word is not tried, nor one no word of the text begins with.
    boundary_start: bool = False
    # A pattern every match contains that is cheaper to find than a match's start (one
    # that opens at any quote or bracket): the rule runs only where it is found.
    requires: Rule | None = None
    # ``needs`` read as words (see ``regex_gates.word_needs``): per alternative, one set per
    # group whose needles are all whole words at a match, holding one such word of each needle.
    word_needs: tuple[tuple[frozenset[str], ...], ...] = ()
    # Per literal start of a rule whose matches open a word (``boundary_start``): the word it
    # opens with, or that word's first two characters, or "" (``start_key``). In an ASCII text
    # without control characters a match opens a word there, so a start whose key is not in
    # ``word_heads`` is not tried, and a rule none of whose keys is (``start_heads``: every
    # start keyed) cannot match.
    start_keys: tuple[str, ...] = ()
    start_heads: frozenset[str] | None = None

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
        line: str | None = None,
        opened: bool = False,
    ) -> bool:
        """``gate`` without ``requires``; ``tokens`` (``whole_words``) and ``line`` (its
        ``token_line``), when given, settle most needles from the text's words. ``opened``: the
        rule is a candidate of its ``RuleIndex`` for this text, which has tested its word sets,
        one of its needles when it has no words, and with ``tokens`` the word sets of its one
        alternative's ``word_needs`` (``_token_clauses``): not tested again (session 16)."""
        # Plain loops, not any()/all() over generators: this runs for ~50 rules per string
        # and was the detector's largest cost.
        if self.needles and not (opened and not self.words):
            for n in self.needles:
                if needle_in(n, text, tokens, line):
                    break
            else:
                return False
        if self.anchors:
            for a in self.anchors:
                if needle_in(a, text, tokens, line):
                    break
            else:
                return False
        if not opened:
            for ws in self.words:
                if words.isdisjoint(ws):
                    return False
        if not self.needs:
            return True
        if tokens is not None and self.word_needs and not (opened and len(self.word_needs) == 1):
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
                        hit = present[n] = needle_in(n, text, tokens, line)
                    if hit:
                        break
                else:
                    break  # no member of this group: the alternative cannot match
            else:
                return True
        return False

    def search(
        self,
        text: str,
        present: dict[str, bool] | None = None,
        tokens: set[str] | None = None,
        line: str | None = None,
        heads: set[str] | None = None,
    ) -> bool:
        """Whether the regex matches; ``present`` as for ``_gate`` (prefixes found absent
        before, by this rule or another reading the same text, are not looked for again),
        ``tokens``, ``line`` and ``heads`` too (``text_reading``: prefixes the text's words
        rule out are not looked for)."""
        if (
            heads is not None
            and self.start_heads is not None
            and heads.isdisjoint(self.start_heads)
        ):
            return False  # no start of a match heads a word of the text
        if not self.anchors:
            if self.starts:
                return self._search_from_starts(
                    text, {} if present is None else present, tokens, line, heads
                )
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
        if self.starts and LINE_START not in self.starts:
            return self._search_windows_from_starts(
                text, merged, {} if present is None else present, tokens, line, heads
            )
        return any(self.regex.search(text, lo, hi) for lo, hi in merged)

    def _search_windows_from_starts(
        self,
        text: str,
        windows: list[list[int]],
        present: dict[str, bool],
        tokens: set[str] | None,
        line: str | None,
        heads: set[str] | None = None,
    ) -> bool:
        """``regex.search(text, lo, hi)`` for each window, tried only where a literal start
        lies in it (``match(text, pos, hi)`` sees the text around ``pos`` as the search does):
        an exfiltration rule opening on a verb otherwise scans every character of the ~360
        around each "http" or "@" (session 13)."""
        match = self.regex.match
        boundary = self.boundary_start
        keys = self.start_keys if heads is not None else ()
        for i, prefix in enumerate(self.starts):
            if keys and keys[i] and keys[i] not in heads:  # type: ignore[operator]
                continue  # no word opens with it (not noted in ``present``: mid-word it may be)
            if present.get(prefix) is False:
                continue
            if line and tokens is not None and ruled_out(prefix, tokens, line):
                present[prefix] = False
                continue
            for lo, hi in windows:
                pos = text.find(prefix, lo, hi)
                while pos >= 0:
                    if (not boundary or pos == 0 or not text[pos - 1].isalnum()) and match(
                        text, pos, hi
                    ):
                        return True
                    pos = text.find(prefix, pos + 1, hi)
        return False

    def _search_from_starts(
        self,
        text: str,
        present: dict[str, bool],
        tokens: set[str] | None,
        line: str | None,
        heads: set[str] | None = None,
    ) -> bool:
        match = self.regex.match
        boundary = self.boundary_start
        known = present.get
        keys = self.start_keys if heads is not None else ()
        for i, prefix in enumerate(self.starts):
            if keys and keys[i] and keys[i] not in heads:  # type: ignore[operator]
                continue  # no word opens with it (not noted in ``present``: mid-word it may be)
            if prefix == LINE_START:
                pos = 0  # ^ holds at 0 and one past each newline
                while True:
                    if match(text, pos):
                        return True
                    pos = text.find("\n", pos) + 1
                    if not pos:
                        break
                continue
            known_here = known(prefix)
            if known_here is False:
                continue
            if (
                known_here is None
                and line
                and tokens is not None
                and ruled_out(prefix, tokens, line)
            ):
                present[prefix] = False  # ruled out by the words: never searched for
                continue
            pos = text.find(prefix)
            present[prefix] = pos >= 0
            while pos >= 0:
                if (not boundary or pos == 0 or not text[pos - 1].isalnum()) and match(text, pos):
                    return True
                pos = text.find(prefix, pos + 1)
        return False


def _word_sets(words: Iterable[Iterable[str] | str]) -> tuple[frozenset[str], ...]:
    """A rule's word sets as ``rule`` and ``rule_spec`` take them: each a word or an iterable of
    words, frozen."""
    return tuple(frozenset([w] if isinstance(w, str) else w) for w in words)


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
    sets = _word_sets(words)
    # One parse for the compiled regex and every gate read from it (session 15: each was a
    # parse of its own, four per rule, ~70 % of importing the detector).
    tree = parse(regex, re.MULTILINE)
    needs = required_substrings_of(tree)
    starts = literal_starts_of(tree)
    boundary = opens_at_word_boundary_of(tree) and all(p[:1].isalnum() for p in starts)
    keys = tuple(start_key(p) for p in starts) if boundary else ()
    return Rule(
        family,
        weight,
        compile_parsed(regex, tree, re.MULTILINE),
        sets,
        tuple(needles),
        tuple(anchors),
        name,
        starts,
        needs,
        boundary,
        rule(family, 0.0, requires) if requires else None,
        word_needs(needs),
        keys if any(keys) else (),
        frozenset(keys) if keys and all(keys) else None,
    )


def start_key(prefix: str) -> str:
    """What ``word_heads`` must hold for ``prefix`` to open a word: its leading run of ASCII
    letters and digits when something follows it in the prefix (then that run is a whole word of
    the text: "with" of "with no"), else the run's first two characters ("fo" of "forget"), or
    "" when the run is shorter (then the start is looked for as before)."""
    m = _ALNUM_RUN.match(prefix)
    if m is None:
        return ""
    if m.end() < len(prefix):
        return m.group()
    return prefix[:2] if m.end() >= 2 else ""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule not built yet: ``rule``'s arguments (its word sets already frozen). ``built``
    makes one ``Rule`` per top-level alternative of the regex, so each alternative gets its own
    literal prefixes and substring gates and one that cannot match costs nothing; the whole
    regex is never compiled nor read for gates of its own (session 15: the signal rules were
    built whole, then each alternative rebuilt; the 133 wholes cost a third as much again as
    the 845 rules kept)."""

    family: str
    weight: float
    pattern: str
    words: tuple[frozenset[str], ...] = ()
    needles: tuple[str, ...] = ()
    name: str = ""
    requires: str = ""

    def built(self) -> tuple[Rule, ...]:
        return tuple(
            rule(
                self.family,
                self.weight,
                alternative,
                *self.words,
                needles=self.needles,
                name=self.name,
                requires=self.requires,
            )
            for alternative in top_level_alternatives(self.pattern)
        )


def rule_spec(
    family: str,
    weight: float,
    regex: str,
    *words: Iterable[str] | str,
    needles: Iterable[str] = (),
    name: str = "",
    requires: str = "",
) -> RuleSpec:
    """``rule``'s arguments kept for ``RuleSpec.built``."""
    return RuleSpec(
        family,
        weight,
        regex,
        _word_sets(words),
        tuple(needles),
        name,
        requires,
    )
