"""The offline judge's reading of a plain-English prohibition *by meaning*.

A rule such as "Never share customer data with competitors such as Globex" is read as an
**action** (share) and an **object** (customer data with competitors such as Globex).
A call violates it when

1. its action is the same kind of action - the tool name and the payload are matched
   against families of verbs (delete/remove/drop/rm; send/share/forward/e-mail/export;
   transfer/pay/wire; ...), so "remove_account" is a deletion and "email.send" a share;
   a rule without a recognisable verb skips this step; and
2. what it acts on means what the rule names: the all-MiniLM-L6-v2 sentence embedding
   (``policies.embeddings``) of the rule's object is compared with the embedding of a
   short rendering of the call ("crm remove account: account acme"); a named entity or
   domain from the rule found in the call ("Globex") counts as the same meaning.

Keyword overlap plays no part in 2: "our client list" matches "customer data" and
"delete the cache file" does not match "customer records".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policies import embeddings
from policies.detectors.walk import Leaf, iter_leaves


def _verbs(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Families of actions, by the words that name them in tool names, payloads and rules.
ACTIONS: dict[str, frozenset[str]] = {
    "delete": _verbs(
        "delete deletes deleting deleted remove removes removing removed drop drops dropping "
        "erase erases erasing destroy destroys purge purges wipe wipes rm rmdir truncate unlink "
        "del shred"
    ),
    "share": _verbs(
        "send sends sending sent share shares sharing shared forward forwards forwarding email "
        "emails mail mails post posts posting upload uploads uploading transmit export exports "
        "exporting disclose disclosing publish publishes leak leaks give giving provide reply "
        "tweet tweets message messages dm attach attached attachment cc bcc"
    ),
    "pay": _verbs(
        "transfer transfers transferring pay pays paying payment payments payout payouts wire "
        "wires wiring refund refunds remit withdraw withdrawal charge charges money"
    ),
    "run": _verbs("run runs execute executes exec shell bash command commands spawn"),
    "reveal": _verbs(
        "reveal reveals revealing show shows print prints expose exposes display tell tells "
        "output outputs reply replies say says answer"
    ),
    "change": _verbs(
        "update updates modify modifies edit edits change changes set patch rename alter "
        "grant grants revoke"
    ),
    "create": _verbs("create creates add adds insert inserts register open opens new"),
    "read": _verbs(
        "read reads get gets fetch fetches list lists view views search searches query lookup "
        "select download downloads"
    ),
}
# Families whose meanings overlap: showing a secret is sharing it; a payout is a transfer.
_RELATED = {"share": {"reveal"}, "reveal": {"share"}}

_PROHIBITION_LEAD = re.compile(
    r"^\s*(?:(?:the |an? |our )?(?:agents?|assistants?|bots?|models?|ai|it|you|we|users?)\s+)?"
    r"(?:must|should|may|can|shall|will)?\s*(?:never|not|no longer)?\s*"
    r"(?:do not|don't|must not|mustn't|should not|shouldn't|cannot|can't|may not|never|"
    r"are not allowed to|is not allowed to|not allowed to|are forbidden to|is forbidden to|"
    r"forbidden to|no one may|nobody may|avoid|prevent|refuse to|stop)?\s*",
    re.I,
)
# "[a-z][a-z]*", not "[a-z]+" (and "[^A-Za-z0-9][^A-Za-z0-9]*" below): ``re`` (CPython 3.11) skips to
# a character that can open a match only when the pattern opens with a character class, not a
# repeat of one. Same words; 8.9 % (and 33 % on a tool name) fewer instructions (session 16).
_WORD = re.compile(r"[a-z][a-z]*")
# ``_WORD.findall`` and "has a letter" for ASCII text, by C string methods (session 16: re tries
# ``[a-z]+`` at every character, and a generator asks each character ``isalpha``).
_NOT_A_TO_Z = bytes.maketrans(bytes(c for c in range(256) if not 97 <= c <= 122), b" " * (256 - 26))
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _words_of(lowered: str) -> list[str]:
    """``_WORD.findall(lowered)``."""
    if lowered.isascii():
        return lowered.encode("ascii").translate(_NOT_A_TO_Z).decode("ascii").split()
    return _WORD.findall(lowered)


def _has_letter(text: str) -> bool:
    """``any(c.isalpha() for c in text)``."""
    if text.isascii():
        return _ASCII_LETTER.search(text) is not None
    return any(c.isalpha() for c in text)


_ENTITY = re.compile(r"\b[A-Z][a-zA-Z0-9]{2,}\b|\b[a-z0-9-]+\.[a-z]{2,24}\b")
_COMMON_CAPITALISED = frozenset(
    {"Never", "Do", "Don", "Agents", "Agent", "The", "No", "Only", "Any", "All", "Our", "We",
     "You", "It", "Must", "Not", "Avoid", "Nobody"}
)  # fmt: skip
_SUMMARY_WORDS = 40

# Cosine similarity of the rule's object and the call above which they mean the same:
# all-MiniLM-L6-v2 scores a phrase against a related field at 0.23-0.55 and an unrelated one at
# -0.05-0.22 (a short phrase against a field scores lower than two sentences do). Calibrated on
# tests/policies/test_offline_judge.py's table of rules and calls.
SAME_MEANING = 0.225


_CAMEL_HUMP = re.compile(r"([a-z])([A-Z])")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9][^A-Za-z0-9]*")  # not "...+": see ``_WORD``


def _split_words(name: str) -> tuple[str, ...]:
    # Tool names and payload keys repeat from call to call: short ones are cached.
    return _split_short_words(name) if len(name) <= 120 else _split_any_words(name)


def _split_any_words(name: str) -> tuple[str, ...]:
    name = _CAMEL_HUMP.sub(r"\1 \2", name)
    return tuple(w for w in _NOT_ALNUM.split(name.lower()) if w)


_split_short_words = functools.lru_cache(maxsize=4096)(_split_any_words)


def actions_in(words: list[str]) -> set[str]:
    present = set(words)
    return {family for family, verbs in ACTIONS.items() if not verbs.isdisjoint(present)}


@dataclass(frozen=True, slots=True)
class Prohibition:
    clause: str  # the rule without its "never"/"do not"
    actions: frozenset[str]
    object: str  # the clause without its verbs: what the rule is about
    entities: tuple[str, ...]


@functools.lru_cache(maxsize=1024)
def read_prohibition(rule: str) -> Prohibition:
    clause = _PROHIBITION_LEAD.sub("", rule.strip().rstrip(".")).strip() or rule
    words = _WORD.findall(clause.lower())
    # The action is what the rule's first verbs say ("share", "delete", "run ... that remove").
    head = words[:3]
    actions = actions_in(head) or actions_in(words)
    verbs = set().union(*(ACTIONS[a] for a in actions)) if actions else set()
    obj = " ".join(w for w in words if w not in verbs) or clause
    entities = tuple(e.lower() for e in _ENTITY.findall(rule) if e not in _COMMON_CAPITALISED)
    return Prohibition(clause, frozenset(actions), obj, entities)


MAX_PARTS = 6


def call_words_and_parts(
    tool: str, payload: Any, leaves: Sequence[Leaf] | None = None
) -> tuple[list[str], list[str]]:
    """The call's words (tool name and payload), and the short texts to compare by meaning:
    the tool name, each field ("key value", cut to a few words) and the whole call.
    ``leaves``: the payload's, when the caller has them (``Call.leaves``)."""
    tool_words = _split_words(tool)
    fields: list[str] = []
    words: list[str] = list(tool_words)
    for leaf in iter_leaves(payload) if leaves is None else leaves:
        key_words = _split_words(leaf.key) if leaf.key else ()
        value = leaf.text[:200]
        words += key_words
        words += _words_of(value.lower())
        if len(fields) < MAX_PARTS and _has_letter(value):
            fields.append(" ".join([*key_words, *value.split()][: _SUMMARY_WORDS // 2]))
    summary = " ".join(tool_words) + ": " + "; ".join(fields)
    parts = [" ".join(tool_words), *fields, " ".join(summary.split()[:_SUMMARY_WORDS])]
    return words, list(dict.fromkeys(p for p in parts if p.strip()))


@dataclass(frozen=True, slots=True)
class MeaningVerdict:
    violates: bool
    similarity: float | None  # None: not computed (the action differs, or an entity decided)
    rule_actions: tuple[str, ...]
    call_actions: tuple[str, ...]
    entity: str | None
    summary: str

    def explain(self) -> str:
        if self.rule_actions and not set(self.rule_actions) & _expand(set(self.call_actions)):
            return (
                f"the call does not {'/'.join(self.rule_actions)} (it does "
                f"{'/'.join(self.call_actions) or 'something else'})"
            )
        if self.entity:
            return f"the call involves {self.entity}, which the rule names"
        verb = "matches" if self.violates else "does not match"
        return (
            f"what the call acts on {verb} what the rule names (similarity {self.similarity:.2f})"
        )


def _expand(actions: set[str]) -> set[str]:
    out = set(actions)
    for a in actions:
        out |= _RELATED.get(a, set())
    return out


def judge_meaning(
    rule: str, tool: str, payload: Any, *, leaves: Sequence[Leaf] | None = None
) -> MeaningVerdict | None:
    """A verdict by meaning, or ``None`` when the embedding model is not installed."""
    if not embeddings.available():
        return None
    reading = read_prohibition(rule)
    words, parts = call_words_and_parts(tool, payload, leaves)
    summary = parts[-1]
    call_actions = actions_in(words)
    if reading.actions and not reading.actions & _expand(call_actions):
        return MeaningVerdict(
            False, None, tuple(sorted(reading.actions)), tuple(sorted(call_actions)), None, summary
        )
    haystack = " ".join(words) + " " + summary.lower()
    entity = next((e for e in reading.entities if e in haystack), None)
    if entity is not None:
        # Decided: the call involves what the rule names. The embeddings would only
        # confirm it, and they are the cost of a judgement (tens of ms uncached).
        return MeaningVerdict(
            True, None, tuple(sorted(reading.actions)), tuple(sorted(call_actions)), entity, summary
        )
    vectors = embeddings.embed_many([reading.object, *parts]) or []
    similarity = max((float(vectors[0] @ v) for v in vectors[1:]), default=0.0)
    return MeaningVerdict(
        similarity >= SAME_MEANING,
        round(similarity, 3),
        tuple(sorted(reading.actions)),
        tuple(sorted(call_actions)),
        entity,
        summary,
    )
