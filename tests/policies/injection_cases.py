"""The injection detector's verdict on one text, asserted for its tests: allowed, caught by the rules
(on the rules alone and with the model), or caught with the model. A failure says which judge, the
text, its score and its hits."""

from __future__ import annotations

from functools import cache

from policies.detectors.injection import SENSITIVITY_THRESHOLDS, InjectionResult, score_text

MEDIUM = SENSITIVITY_THRESHOLDS["medium"]
EVIDENCE = 0.2  # the rules' score from which the model is asked


@cache
def rules_only_score(text: str) -> float:
    """``score_text(text, use_model=False).score``, once per text and test process: the training
    corpora's 7,864 attacks are scored on the rules alone by two tests (test_injection_model's
    alone head, test_injection_wild_personas' floor; session 14: 28-39 s each at load 6)."""
    return score_text(text, use_model=False).score


def _verdict(result: InjectionResult, text: str, *, use_model: bool) -> str:
    judge = "with the model" if use_model else "on the rules alone"
    hits = "; ".join(
        f"{h.family}{'/' + h.signal if h.signal else ''} {h.weight:g} ({h.layer})"
        for h in result.hits
    )
    return f"{judge}: score {result.score:g} (medium {MEDIUM}) for {text!r}; hits: {hits or 'none'}"


def _assert_score(text: str, *, use_model: bool, caught: bool) -> None:
    result = score_text(text, use_model=use_model)
    assert (result.score >= MEDIUM) is caught, _verdict(result, text, use_model=use_model)


def assert_allowed(text: str, *, rules_alone: bool = True, with_model: bool = True) -> None:
    """Below the medium threshold on the rules alone and with the model (either check can be
    turned off where a test asserts only the other)."""
    if rules_alone:
        _assert_score(text, use_model=False, caught=False)
    if with_model:
        _assert_score(text, use_model=True, caught=False)


def assert_caught_by_rules(text: str, *, with_model: bool = True) -> None:
    """At or above the medium threshold on the rules alone, and with the model unless
    ``with_model=False`` (the model may veto some rules-only blocks)."""
    _assert_score(text, use_model=False, caught=True)
    if with_model:
        _assert_score(text, use_model=True, caught=True)


def assert_caught_with_the_model(text: str) -> None:
    """At or above the medium threshold with the model (the rules alone may stay below)."""
    _assert_score(text, use_model=True, caught=True)


def assert_rules_evidence(text: str, signal: str) -> None:
    """On the rules alone, at least ``EVIDENCE`` (the model is asked) with ``signal`` among the
    signals of the hits (a hit's ``signal`` may join several with "+")."""
    result = score_text(text, use_model=False)
    assert result.score >= EVIDENCE, result
    found = {s for h in result.hits for s in h.signal.split("+")}
    assert signal in found, result
