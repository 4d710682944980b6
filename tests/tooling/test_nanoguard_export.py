"""scripts/nanoguard_export.py (session 24): NanoGuard's reading R as committed data - float16
weights with the stacks, T, k, the margin cut and zone, and the wheel's tokenizer as JSON - read
back without torch or the wheel; the tokenizer is built with nothing downloaded. Needs the wheel
and tiktoken (skipped without them, so in the project venv):
``<venv>/bin/python -m pytest --noconftest tests/tooling/test_nanoguard_export.py``."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
pytest.importorskip("tiktoken")

import nanoguard_export  # noqa: E402
import nanoguard_numpy  # noqa: E402

REFERENCE = json.loads(Path(__file__).with_name("nanoguard_reference.json").read_text())["texts"]
TEXTS = [r["text"] for r in REFERENCE] + [" ".join(r["text"] for r in REFERENCE) * 2]


@pytest.fixture(scope="module")
def guard():
    if nanoguard_numpy.load() is None:
        pytest.skip("metatronnanoguard not installed")
    return nanoguard_numpy.load()


def write(guard, folder: Path, states: list[dict], *, length=128, top=2, threshold=9.5):
    saved = nanoguard_export.export(
        guard.state, states, length=length, top=top, heads=4, threshold=threshold,
        zone="no-you", source="test",
    )  # fmt: skip
    np.savez_compressed(folder / nanoguard_export.WEIGHTS, **saved)
    data = nanoguard_export.tokenizer_data(guard.encoding)
    (folder / nanoguard_export.TOKENIZER).write_text(json.dumps(data))
    return nanoguard_numpy.read_export(
        folder / nanoguard_export.WEIGHTS, folder / nanoguard_export.TOKENIZER
    )


def test_the_tokenizer_data_builds_the_wheels_encoding_with_nothing_downloaded(
    guard, tmp_path, monkeypatch
):
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))

    def no_network(*args, **kwargs):
        raise AssertionError("the tokenizer reached for the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    data = json.loads(json.dumps(nanoguard_export.tokenizer_data(guard.encoding)))
    encoding = nanoguard_numpy.encoding_from_data(data)
    assert encoding.n_vocab == guard.encoding.n_vocab == 8192
    assert encoding.encode_single_token(nanoguard_numpy.BOS) == guard.bos
    for text in TEXTS + ["naïve café 東京 ```py\nx = 1\n```", "\t\n  \r\n"]:
        assert encoding.encode_ordinary(text) == guard.encoding.encode_ordinary(text)
    assert not any(cache.iterdir())


def test_the_float16_file_reads_as_the_float32_stacks(guard, tmp_path):
    rng = np.random.default_rng(0)
    changed = {
        k: (v * (1 + 0.1 * rng.standard_normal(v.shape))).astype(np.float32)
        for k, v in guard.state.items() if k.startswith(("transformer.h.3.", "cls_head."))
    }  # fmt: skip
    states = [guard.state, changed]
    loaded = write(guard, tmp_path, states)
    exact = guard.reading_r(length=128, top=2, states=states)
    assert (loaded.length, loaded.threshold, len(loaded.stacks)) == (128, 9.5, 2)
    assert len(loaded.lower) == 2 and loaded.wte.dtype == np.float16
    with np.load(tmp_path / nanoguard_export.WEIGHTS) as saved:
        assert str(saved["zone"]) == "no-you" and int(saved["top"]) == 2
        assert saved["stack.1.transformer.h.3.mlp.c_fc.weight"].dtype == np.float16
        assert "stack.0.transformer.h.1.mlp.c_fc.weight" not in saved.files  # shared, once
    for text in TEXTS:
        assert loaded.ids(text) == exact.ids(text)
        assert loaded.margins(text) == pytest.approx(exact.margins(text), abs=2e-3)
        assert loaded.probability(text) == pytest.approx(exact.probability(text), abs=1e-3)


def test_a_fold_file_is_checked_against_the_shipped_model(guard, tmp_path):
    path = tmp_path / "fold.npz"
    top = {k: v for k, v in guard.state.items() if k.startswith(("transformer.h.3.", "cls_"))}
    np.savez(path, first_layer=np.array(2), T=np.array(256), **top)
    assert set(nanoguard_export.fold_state(path, guard.state, 2, 256)) == set(top)
    with pytest.raises(SystemExit, match="T != 128"):
        nanoguard_export.fold_state(path, guard.state, 2, 128)
    lower = guard.state["transformer.h.0.mlp.c_fc.weight"] + 1e-3
    np.savez(path, **{"transformer.h.0.mlp.c_fc.weight": lower})
    with pytest.raises(SystemExit, match="differs from the shipped model"):
        nanoguard_export.fold_state(path, guard.state, 2, 256)
    np.savez(path, **{"transformer.h.9.mlp.c_fc.weight": lower})
    with pytest.raises(SystemExit, match="is not a NanoGuard tensor"):
        nanoguard_export.fold_state(path, guard.state, 2, 256)
