"""The tuned reading: all-MiniLM-L6-v2's layers fine-tuned on the jailbreak task, with numpy.

``scripts/injection_tuning.py --final`` fine-tunes the model's top layers (``--top``; session 18's
validated candidate: the top three for 3 epochs) and a linear head over their mean-pooled,
unit-length output, and writes them as float16 ``tuned.npz`` beside ``model.json`` (the layers
under their ``model.safetensors`` names, the head, the first layer tuned and the head's cut). Here
they run as ``policies.embeddings`` runs the packaged model: the same WordPiece ids (the text's
first 128 tokens), the packaged embedding layer (never tuned) and the packaged layers below the
first tuned one, then the tuned layers. It is asked in the alone zone after the embedding head says
no (``__init__`` asks it only when ``tuned.npz`` is committed), and starts from the hidden states
entering its first tuned layer that the embedding pass kept for the same text (session 20: the
packaged layers below it are not run twice); without them it runs a pass of its own from the tokens.
Its probability is cached by text like the embeddings.

Without the file or the packaged model, :func:`probability` is None and the zone is read as
before. numpy is imported only when a zone text asks.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

WEIGHTS = Path(__file__).with_name("tuned.npz")

_lock = threading.Lock()


class TunedEncoder:
    """The tuned layers and head over the packaged model's lower layers (``model``:
    ``policies.embeddings``' loaded model, whose embedding layer and tokeniser it shares)."""

    def __init__(self, model: Any, saved: dict) -> None:
        import numpy as np

        from policies.embeddings import prepare_layers

        self.model = model
        self.first = int(saved["first_layer"])
        self.threshold = float(saved["threshold"])
        w = {
            k: np.asarray(v, dtype=np.float32) for k, v in saved.items() if k.startswith("encoder.")
        }
        self.w = w
        self.qkv = prepare_layers(w, range(self.first, model.layers))
        self.head_weight = np.asarray(saved["head.weight"], dtype=np.float32)
        self.head_bias = float(np.asarray(saved["head.bias"], dtype=np.float32).reshape(-1)[0])

    def logits_encoded(self, encoded: list[list[int]]):
        """The head's logit for each tokenised text (ids as ``WordPiece.encode`` gives them)."""
        from policies.embeddings import run_layer

        model = self.model
        x, segments = model.embedding_output(encoded)
        for i in range(self.first):  # the packaged layers below the tuned ones
            x = run_layer(x, segments, model.qkv[i], model.w, f"encoder.layer.{i}.", model.heads)
        return self.logits_from(x, segments)

    def logits_from(self, x, segments: list[tuple[int, int]]):
        """The head's logits from the packed hidden states entering the first tuned layer
        (``x``, each text's tokens at ``segments``): the tuned layers, pooling and the head."""
        import numpy as np

        from policies.embeddings import mean_pool, run_layer

        model = self.model
        for j, i in enumerate(range(self.first, model.layers)):
            x = run_layer(x, segments, self.qkv[j], self.w, f"encoder.layer.{i}.", model.heads)
        pooled = mean_pool(x, [end - start for start, end in segments])
        return pooled.astype(np.float64) @ self.head_weight.astype(np.float64) + self.head_bias

    def probabilities(self, texts: list[str]):
        """Each text's probability, by a pass of its own from the tokens up."""
        return _sigmoid(self.logits_encoded([self.model.tokenizer.encode(t) for t in texts]))

    def probability(self, text: str) -> float:
        """One text's probability, from the hidden states the embedding pass kept for it
        (``embeddings.embed(text, keep=self.first)``: the same tokens through the same packaged
        layers, so the same value to the bit) when it did, else by :meth:`probabilities`."""
        from policies import embeddings

        states = embeddings.take_states(text, self.first)
        if states is None:
            return float(self.probabilities([text])[0])
        return float(_sigmoid(self.logits_from(states, [(0, len(states))]))[0])


def _sigmoid(logits):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))


def installed() -> bool:
    """The weights file is there (committed only when the tuned reading shipped)."""
    return WEIGHTS.is_file()


def load_file(path: Path) -> TunedEncoder | None:
    """A tuned encoder from a weights file (None without it or without the packaged model)."""
    if not path.is_file():
        return None
    from policies import embeddings

    model = embeddings.load_model()
    if model is None:
        return None
    import numpy as np

    with np.load(path) as saved:
        return TunedEncoder(model, dict(saved))


_encoder: list[TunedEncoder | None] = []


def load() -> TunedEncoder | None:
    """The committed tuned encoder, loaded once per process on first use (None without
    ``tuned.npz`` or the packaged model, or with ``EXECLAVE_EMBEDDINGS=off``)."""
    if not _encoder:
        with _lock:
            if not _encoder:
                encoder = load_file(WEIGHTS)
                if encoder is None:  # asked again next time: the model may be switched on
                    return None
                _encoder.append(encoder)
    return _encoder[0]


@functools.lru_cache(maxsize=4096)
def probability(text: str) -> float | None:
    """The tuned head's probability that ``text`` (its first 128 tokens) is an attack."""
    encoder = load()
    if encoder is None:
        return None
    return encoder.probability(text)


def first_layer() -> int | None:
    """The first tuned layer: the embedding pass keeps the states entering it for
    :func:`probability` (None without the tuned reading, when nothing need be kept)."""
    if not installed():
        return None
    encoder = load()
    return None if encoder is None else encoder.first


def threshold() -> float | None:
    encoder = load()
    return None if encoder is None else encoder.threshold
