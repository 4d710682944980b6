"""A small linear model over word n-grams: the injection detector's second opinion.

The rules (``patterns``, ``framing``) know the moves of an attack by name; this model
knows how attack *text* reads (a persona sheet, a list of rules to obey, a message to the
AI reading a page), learned from labelled texts by ``scripts/train_injection_model.py``
and committed as ``model.json`` (weights of the n-grams it kept, a few hundred KB).
Nothing is fetched at run time and it needs nothing but the standard library.

Features are the word unigrams and bigrams of the normalised text (and of what the
normaliser revealed under encodings), each counted once, in an L2-normalised binary
vector: a logistic regression over that. Scoring one 2 KB text is a few hundred dict
look-ups.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("model.json")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_TOKENS = 1500  # per text: the head of a long document says what it is


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


@dataclass(frozen=True, slots=True)
class LinearModel:
    bias: float
    weights: dict[str, float]
    version: str

    def probability(self, feats: set[str]) -> float:
        if not feats:
            return 0.0
        # fsum: exact, so the result does not depend on the set's (hash-seeded) order.
        total = math.fsum(self.weights.get(f, 0.0) for f in feats)
        z = self.bias + total / math.sqrt(len(feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def load() -> LinearModel | None:
    if not WEIGHTS.exists():
        return None
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return LinearModel(float(data["bias"]), dict(data["weights"]), str(data["version"]))
