"""A small linear model over word and character n-grams: the injection detector's second opinion.

The rules (``patterns``, ``framing``) know the moves of an attack by name; this model
knows how attack *text* reads (a persona sheet, a list of rules to obey, a message to the
AI reading a page), learned from labelled texts by ``scripts/train_injection_model.py``
and committed as ``model.json`` (the weights of the n-grams it kept). Nothing is fetched
at run time and it needs nothing but the standard library.

Features, each counted once, of the normalised text (and of what the normaliser revealed
under encodings):

- word unigrams and bigrams ("ignore", "no restrictions");
- character 3- to 5-grams inside each distinct word, the word padded with ``<`` and ``>``
  ("<jail", "brea", "ak>"): they carry misspellings, inflections, split or glued words and
  the shared roots of other languages that whole words miss.

A logistic regression over the two blocks in one L2-normalised binary vector. Scoring a
2 KB text is about two thousand dict look-ups (~0.5 ms).

The *embedding head* (``load_embedding_head``) is a third logistic regression, over the
sentence embedding of the text's first 128 tokens (all-MiniLM-L6-v2, ``policies.embeddings``):
it reads a text by meaning rather than by its words, and is asked, in the alone zone only,
about what the n-gram alone head did not call an attack. Its weights are in ``model.json``
too; the embedding itself is computed by the caller (this module stays standard library).

``addressed_to_reader`` is the cheap test for the one zone where the model may decide
alone (``__init__``): a text long enough that its wording means something, that speaks to
"you" - for an agent reading it, to the AI.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("model.json")
# "[a-z0-9][a-z0-9]*", not "[a-z0-9]+": ``re`` (CPython 3.11) skips to a character that can open a
# match only when the pattern opens with a character class, not a repeat of one. Same tokens;
# 5.6 % fewer instructions on /check's payload (callgrind, session 16).
_TOKEN = re.compile(r"[a-z0-9][a-z0-9]*(?:'[a-z]+)?")
MAX_TOKENS = 1500  # per text: the head of a long document says what it is
CHAR_SIZES = (3, 4, 5)

# The embedding head reads the text's head: the first 128 tokens never span more than this
# (a longer string is cut before it is tokenised, at run time and in training alike).
EMBED_CHARS = 8192

# A text that speaks to its reader: to an agent that reads it, the reader is the AI.
_YOU = re.compile(r"\byou(?:r|'re|rs|rself)?\b")


def tokens(folded: str) -> list[str]:
    return _TOKEN.findall(folded)[:MAX_TOKENS]


def features(texts: Iterable[str]) -> set[str]:
    """Unigrams and bigrams of normalised (lower-cased, folded) texts."""
    out: set[str] = set()
    for text in texts:
        words = tokens(text)
        out.update(words)
        out.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return out


def char_features(words: Iterable[str]) -> set[str]:
    """Character 3- to 5-grams inside the unigrams of ``words`` (bigrams are skipped),
    each word padded with ``<`` and ``>``."""
    out: set[str] = set()
    for word in words:
        if " " in word:
            continue
        padded = f"<{word}>"
        last = len(padded)
        for size in CHAR_SIZES:
            out.update(padded[i : i + size] for i in range(last - size + 1))
    return out


def addressed_to_reader(texts: Iterable[str]) -> bool:
    """True when one of the texts speaks to "you"."""
    # ``str.find`` first: the regex opens with ``\b`` and would be tried at every position
    # of a text that never says "you" (~30 us on /check's 1.5 KB input).
    return any("you" in t and _YOU.search(t) for t in texts)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic regression over binary n-grams, L2-normalised over all of the text's
    n-grams (kept or not). ``threshold``: where the alone head decides (1.0 for the second
    opinion, which never does)."""

    bias: float
    weights: dict[str, float]  # word n-grams
    version: str
    char_weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 1.0

    def probability(self, words: set[str], chars: set[str] = frozenset()) -> float:
        size = len(words) + len(chars)
        if not size:
            return 0.0
        # fsum: exact, so the result does not depend on the sets' (hash-seeded) order.
        total = math.fsum(
            [self.weights.get(f, 0.0) for f in words]
            + [self.char_weights.get(f, 0.0) for f in chars]
        )
        z = self.bias + total / math.sqrt(size)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def _data() -> dict | None:
    if not WEIGHTS.exists():
        return None
    return json.loads(WEIGHTS.read_text(encoding="utf-8"))


@cache
def load() -> LinearModel | None:
    """The second opinion: word n-grams only."""
    data = _data()
    if data is None:
        return None
    return LinearModel(float(data["bias"]), dict(data["weights"]), str(data["version"]))


@cache
def load_alone() -> LinearModel | None:
    """The head that may decide alone on a long text that speaks to its reader."""
    data = _data()
    if data is None or "alone" not in data:
        return None
    head = data["alone"]
    return LinearModel(
        float(head["bias"]),
        dict(head["weights"]),
        f"{data['version']}-alone",
        dict(head["char_weights"]),
        float(head["threshold"]),
    )


@dataclass(frozen=True, slots=True)
class EmbeddingHead:
    """A logistic regression over a unit-length sentence embedding; ``threshold`` is where
    it decides (chosen with the n-gram alone head, in the same validation)."""

    bias: float
    weights: tuple[float, ...]
    version: str
    threshold: float

    def probability(self, vector: Iterable[float]) -> float:
        # fsum over Python floats: exact and order-independent, no numpy needed here.
        z = self.bias + math.fsum(w * float(v) for w, v in zip(self.weights, vector, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def load_embedding_head() -> EmbeddingHead | None:
    """The alone zone's reading by meaning (None when ``model.json`` has none)."""
    data = _data()
    if data is None or "embedding" not in data:
        return None
    head = data["embedding"]
    return EmbeddingHead(
        float(head["bias"]),
        tuple(float(w) for w in head["weights"]),
        f"{data['version']}-embedding",
        float(head["threshold"]),
    )
