"""Hits, results and how hits combine into one score.

A *hit* is one signal: a pattern of a family, or one of the role-play framing signals,
found in one string (``layer`` says whether it was plain text or revealed by
de-obfuscation). Scoring:

- within a family, a noisy-or in which every weight after the strongest counts half
  (two phrasings of one move are weaker evidence than two different moves);
- across families a noisy-or, ``1 - prod(1 - family_score)``;
- +0.1 when a family only shows up after de-obfuscation (hiding an instruction is itself
  a signal).

Weights are split in two classes: *strong* patterns are specific enough to block on
their own ("ignore all previous instructions", chat-template tokens); *weak* signals
(``weight < WEAK_CEILING``) never reach the medium threshold alone - they need a second,
independent signal. ``tests/policies/test_injection_weights.py`` holds every weak rule
to that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

INSTRUCTION_OVERRIDE = "instruction_override"
ROLEPLAY_JAILBREAK = "roleplay_jailbreak"
SYSTEM_PROMPT_EXFILTRATION = "system_prompt_exfiltration"
FAKE_DELIMITERS = "fake_delimiters"
TOOL_CALL_SMUGGLING = "tool_call_smuggling"
DATA_EXFILTRATION = "data_exfiltration"
# The n-gram model's second opinion (``model.py``): how attack text reads, not one move.
CLASSIFIER = "classifier"

FAMILIES: tuple[str, ...] = (
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
    FAKE_DELIMITERS,
    TOOL_CALL_SMUGGLING,
    DATA_EXFILTRATION,
    CLASSIFIER,
)

SENSITIVITY_THRESHOLDS: dict[str, float] = {"low": 0.85, "medium": 0.6, "high": 0.35}

OBFUSCATION_BONUS = 0.1
SAME_FAMILY_FACTOR = 0.5
# A weak signal stays below the medium threshold even when it was hidden (+0.1).
WEAK_CEILING = 0.5


@dataclass(frozen=True, slots=True)
class InjectionHit:
    family: str
    weight: float
    layer: str  # "text" or the de-obfuscation that revealed it (base64, unicode, ...)
    path: str = "$"
    location: str = "input"
    signal: str = ""  # the framing signals behind a role-play hit, e.g. "persona+no_limits"

    def as_dict(self) -> dict[str, Any]:
        data = {
            "family": self.family,
            "weight": self.weight,
            "layer": self.layer,
            "location": self.location,
            "path": self.path,
        }
        if self.signal:
            data["signal"] = self.signal
        return data


@dataclass(frozen=True, slots=True)
class InjectionResult:
    score: float
    families: tuple[str, ...]
    hits: tuple[InjectionHit, ...] = field(default=())

    @property
    def obfuscated(self) -> bool:
        return any(h.layer != "text" for h in self.hits)

    def exceeds(self, sensitivity: str = "medium", *, min_score: float | None = None) -> bool:
        threshold = SENSITIVITY_THRESHOLDS[sensitivity] if min_score is None else min_score
        return self.score >= threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "families": list(self.families),
            "obfuscated": self.obfuscated,
            "hits": [h.as_dict() for h in self.hits[:20]],
        }


CLEAN = InjectionResult(0.0, ())


def score_hits(hits: Iterable[InjectionHit]) -> InjectionResult:
    hits = tuple(hits)
    if not hits:
        return CLEAN
    # Framing hits (with a signal) and pattern hits are separate evidence even when they
    # report the same family.
    by_family: dict[tuple[str, bool], list[float]] = {}
    for h in hits:
        by_family.setdefault((h.family, bool(h.signal)), []).append(h.weight)
    remaining = 1.0
    for weights in by_family.values():
        ordered = sorted(weights, reverse=True)
        family_remaining = 1.0 - ordered[0]
        for w in ordered[1:]:
            family_remaining *= 1.0 - SAME_FAMILY_FACTOR * w
        remaining *= family_remaining
    score = 1.0 - remaining
    # An attack that only appears once de-obfuscated is more suspicious, not less.
    plain = {h.family for h in hits if h.layer == "text"}
    if any(h.layer != "text" and h.family not in plain for h in hits):
        score += OBFUSCATION_BONUS
    # A hit of weight 0 (the model's veto, kept so the result says who decided) is no family.
    present = {family for (family, _), weights in by_family.items() if max(weights) > 0}
    families = tuple(f for f in FAMILIES if f in present)
    return InjectionResult(round(min(score, 1.0), 3), families, hits)
