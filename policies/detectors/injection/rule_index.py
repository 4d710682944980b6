"""The dispatch index of a rule table (split from ``rules.py`` in session 19): which rules a
text's words can open, tested for all rules at once on bit masks, so only those gates run."""

from __future__ import annotations

from collections.abc import Sequence

from policies.detectors.injection.rules import Reading, Rule, needle_in, text_reading

# Per position k, the words of each rule's k-th word set as bit masks over the rules: a text
# meets the k-th sets of the rules in the union of its words' masks (and of ``vacuous``, the
# rules with fewer sets). ``RuleIndex._meeting``.
Slot = tuple[frozenset[str], dict[str, int], int]


def _slots(clauses: Sequence[Sequence[frozenset[str]]]) -> tuple[Slot, ...]:
    slots = []
    for k in range(max(map(len, clauses), default=0)):
        masks: dict[str, int] = {}
        vacuous = 0
        for i, sets in enumerate(clauses):
            if k >= len(sets):
                vacuous |= 1 << i
                continue
            for w in sets[k]:
                masks[w] = masks.get(w, 0) | 1 << i
        slots.append((frozenset(masks), masks, vacuous))
    return tuple(slots)


def _token_clauses(r: Rule) -> tuple[frozenset[str], ...]:
    """Word sets an ASCII text must meet for ``r``'s gate to open, read from ``word_needs``: a
    text that meets no set of an alternative's ``word_needs`` has that alternative skipped, so
    each set of a rule with one alternative, and with several the union of each one's first
    set (when each has one), must be met."""
    if not r.word_needs:
        return ()
    if len(r.word_needs) == 1:
        return r.word_needs[0]
    if not all(r.word_needs):
        return ()
    return (frozenset().union(*(sets[0] for sets in r.word_needs)),)


class RuleIndex:
    """Dispatch tables for a rule table: gate word -> rules, needle -> needle-only rules.

    A rule with words is a candidate when the text meets every one of its word sets, and in an
    ASCII text without control characters also the sets ``word_needs`` requires
    (``_token_clauses``): each is a test its gate makes first, here made for all rules at once
    on bit masks, so a gate only runs where it has a chance (session 13: of the 132 gates the
    ``/check`` payload opened by a set of words, 85 closed at these tests)."""

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
        self.worded = sum(1 << i for i, r in enumerate(self.rules) if r.words)
        self.needle_masks = {n: sum(1 << i for i in ix) for n, ix in self.by_needle.items()}
        self.word_slots = _slots([r.words for r in self.rules])
        self.token_slots = _slots([_token_clauses(r) for r in self.rules])

    @staticmethod
    def _meeting(slots: tuple[Slot, ...], words: set[str], alive: int) -> int:
        """The rules of ``alive`` whose every set in ``slots`` meets ``words``."""
        for slot_words, masks, vacuous in slots:
            met = vacuous
            for w in words.intersection(slot_words):
                met |= masks[w]
            alive &= met
            if not alive:
                break
        return alive

    def candidates(
        self,
        text: str,
        words: set[str],
        tokens: set[str] | None = None,
        line: str | None = None,
    ) -> list[int]:
        """The rules this text opens, in order: the text meets each of its word sets, or (for
        a rule without words) one of its needles is in the text; with ``tokens`` and ``line``
        (as for ``Rule._gate``) also the sets of ``_token_clauses``."""
        alive = self._meeting(self.word_slots, words, self.worded)
        groups = self.ascii_needle_groups if text.isascii() else self.needle_groups
        for rare, items in groups:
            if rare and rare not in text:
                continue
            for needle, _ in items:
                if needle_in(needle, text, tokens, line):
                    alive |= self.needle_masks[needle]
        if tokens is not None:
            alive = self._meeting(self.token_slots, tokens, alive)
        out = []
        while alive:
            low = alive & -alive
            out.append(low.bit_length() - 1)
            alive ^= low
        return out

    def matches(
        self,
        text: str,
        words: set[str],
        present: dict[str, bool] | None = None,
        reading: Reading | None = None,
    ) -> list[Rule]:
        """The rules that match ``text``; ``words`` is ``word_set(text)``. ``present`` (which
        needles are in the text) may be shared by the rule tables that read the same text, and
        ``reading`` (``text_reading``) computed once for them."""
        found: list[Rule] = []
        if present is None:
            present = {}
        tokens, line, heads = text_reading(text, words) if reading is None else reading
        rules = self.rules
        for i in self.candidates(text, words, tokens, line):
            r = rules[i]
            if not r._gate(words, text, present, tokens, line, opened=True):
                continue
            if (
                r.requires is None or r.requires.search(text, present, tokens, line, heads)
            ) and r.search(text, present, tokens, line, heads):
                found.append(r)
        return found
