"""Prompt-injection detection without a model.

For every string:

1. ``normalise`` - undo Unicode tricks and encodings (base64, hex, URL, HTML entities,
   ``\\u`` escapes, ROT13, spaced letters, leetspeak, split string pieces): every variant
   that could hide an instruction.
2. ``patterns`` - rules by family on each variant: instruction override, role-play
   jailbreaks by name (DAN), system-prompt exfiltration, fake delimiters and chat-role
   tags, tool-call smuggling, data exfiltration through links and images.
3. ``framing`` - the structure of persona and role-play jailbreaks: a persona assigned,
   the rules removed, two answers side by side, a fictional world whose rules allow
   anything, simulated AIs, "developer mode", threats to stay in character.
4. ``model`` - a second opinion on strings the rules found worth a look (score >= 0.2):
   a linear model over word n-grams, trained here on labelled texts. When the text reads
   like an attack it adds a weak hit (at most 0.5: enough, with the rules' evidence, to
   reach the medium threshold, never on its own); when it firmly reads as benign (a
   persona prompt, a system prompt) the rules' weaker evidence counts half.
5. ``scoring`` - hits combine per family and across families into one score; the
   sensitivity picks the threshold (low 0.85, medium 0.6, high 0.35). No weak signal
   reaches the medium threshold alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from policies.detectors.injection import framing, model
from policies.detectors.injection.normalise import MAX_SCAN_CHARS, variant_sets, variants
from policies.detectors.injection.patterns import INDEX, SQUASHED
from policies.detectors.injection.scoring import (
    CLASSIFIER,
    CLEAN,
    DATA_EXFILTRATION,
    FAKE_DELIMITERS,
    FAMILIES,
    INSTRUCTION_OVERRIDE,
    OBFUSCATION_BONUS,
    ROLEPLAY_JAILBREAK,
    SENSITIVITY_THRESHOLDS,
    SYSTEM_PROMPT_EXFILTRATION,
    TOOL_CALL_SMUGGLING,
    WEAK_CEILING,
    InjectionHit,
    InjectionResult,
    score_hits,
)
from policies.detectors.injection.signals import FOLLOW_PIECES
from policies.detectors.walk import Leaf, iter_leaves

SPLIT_PAYLOAD_WEIGHT = 0.6
# Below this the strings are not scanned one by one to locate the hits (high is 0.35).
RESCAN_FLOOR = 0.2
MIN_LENGTH = 8  # shorter strings cannot hold an instruction worth matching
# The model is asked only about strings the rules already found worth a look (benign
# traffic mostly scores 0 and never pays for it). Its opinion works both ways:
# - it agrees (probability >= MODEL_FROM): a hit of up to MODEL_WEIGHT, which at medium
#   sensitivity needs at least MODEL_FLOOR of the rules' evidence beside it to block;
# - it disagrees firmly (probability < MODEL_VETO): the string's hits count at
#   VETO_FACTOR of their weight - unless the rules are sure on their own (a string score
#   of VETO_OVERRULED or more, e.g. "ignore all previous instructions").
MODEL_FLOOR = 0.2
MODEL_WEIGHT = 0.5
MODEL_FROM, MODEL_FULL = 0.5, 0.8  # probability where its weight starts and where it is full
MODEL_VETO = 0.2
VETO_FACTOR = 0.5
VETO_OVERRULED = 0.85


def model_weight(probability: float) -> float:
    if probability <= MODEL_FROM:
        return 0.0
    return round(MODEL_WEIGHT * min(1.0, (probability - MODEL_FROM) / (MODEL_FULL - MODEL_FROM)), 3)


def _second_opinion(hits: list[InjectionHit], folded: Iterable[str]) -> list[InjectionHit]:
    learned = model.load()
    if learned is None or not hits:
        return hits
    score = score_hits(hits).score
    if score < MODEL_FLOOR or score >= VETO_OVERRULED:
        return hits  # nothing to weigh in on, or the rules are sure either way
    feats = model.features(folded)
    probability = learned.probability(feats)
    signal = f"{learned.version} p={probability:.2f}"
    if probability < MODEL_VETO:
        return [replace(h, weight=round(h.weight * VETO_FACTOR, 3)) for h in hits] + [
            InjectionHit(CLASSIFIER, 0.0, "text", hits[0].path, hits[0].location, signal)
        ]
    weight = model_weight(probability)
    if not weight:
        return hits
    return [*hits, InjectionHit(CLASSIFIER, weight, "text", hits[0].path, hits[0].location, signal)]


def _match_squashed(text: str) -> list[tuple[str, float]]:
    squashed = "".join(c for c in text if c.isalpha())
    return [(family, weight) for family, weight, phrase in SQUASHED if phrase in squashed]


def analyse_text(
    text: str, *, path: str = "$", location: str = "input", use_model: bool = True
) -> list[InjectionHit]:
    if len(text) < MIN_LENGTH:
        return []
    hits: list[InjectionHit] = []
    seen: set[object] = set()

    def add(family: str, weight: float, layer: str, signal: str = "", key: object = None) -> None:
        # A rule counts once, from the first (plainest) layer it matches in.
        marker = key if key is not None else (family, weight, layer, signal)
        if marker not in seen:
            seen.add(marker)
            hits.append(InjectionHit(family, weight, layer, path, location, signal))

    plain_signals: set[str] = set()
    sets = variant_sets(text)
    for layer, folded, words, squashed in sets:
        for r in INDEX.matches(folded, words):
            add(r.family, r.weight, layer, key=r)
        if squashed:
            for family, weight in _match_squashed(folded):
                add(family, weight, layer)
        signals = framing.signals_in(folded, words)
        if layer == "text" or layer == "unicode":
            plain_signals |= signals
        elif layer == "split" and FOLLOW_PIECES in plain_signals:
            # Pieces the text tells the model to join and follow: payload splitting.
            add(INSTRUCTION_OVERRIDE, SPLIT_PAYLOAD_WEIGHT, layer, "split_payload")
        if signals:
            described = framing.describe(signals)
            add(
                framing.family_of(signals),
                framing.framing_score(signals),
                layer,
                described,
                key=("framing", described),  # the same signals under an encoding add nothing
            )
    if not use_model:
        return hits
    return _second_opinion(hits, (folded for _, folded, _, _ in sets))


def detect_injection_in_leaves(leaves: Iterable[Leaf], *, location: str) -> InjectionResult:
    """Score the strings of a JSON value as one.

    The strings are first scanned together, joined by blank lines (one normalisation and
    one pass of the gates instead of one per string); only when that finds something are
    they scanned one by one, to say at which JSON path.
    """
    texts = [leaf for leaf in leaves if len(leaf.text) >= MIN_LENGTH and not leaf.text.isdigit()]
    if not texts:
        return CLEAN
    if len(texts) > 1:
        joined = score_hits(
            analyse_text("\n\n".join(leaf.text for leaf in texts), location=location)
        )
        if joined.score < RESCAN_FLOOR:
            # Too weak to matter at any sensitivity: not worth a second pass to say where.
            return joined
    hits: list[InjectionHit] = []
    for leaf in texts:
        hits.extend(analyse_text(leaf.text, path=leaf.path, location=location))
    return score_hits(hits)


def detect_injection(value: Any, *, location: str = "input") -> InjectionResult:
    """Score every string in a JSON value; one combined result for the value."""
    return detect_injection_in_leaves(iter_leaves(value), location=location)


def score_text(text: str, *, use_model: bool = True) -> InjectionResult:
    return score_hits(analyse_text(text, use_model=use_model))


__all__ = [
    "CLASSIFIER",
    "CLEAN",
    "DATA_EXFILTRATION",
    "FAKE_DELIMITERS",
    "FAMILIES",
    "INSTRUCTION_OVERRIDE",
    "MAX_SCAN_CHARS",
    "MIN_LENGTH",
    "OBFUSCATION_BONUS",
    "ROLEPLAY_JAILBREAK",
    "SENSITIVITY_THRESHOLDS",
    "SYSTEM_PROMPT_EXFILTRATION",
    "TOOL_CALL_SMUGGLING",
    "WEAK_CEILING",
    "InjectionHit",
    "InjectionResult",
    "analyse_text",
    "detect_injection",
    "detect_injection_in_leaves",
    "score_hits",
    "score_text",
    "variants",
]
