"""scripts/nanoguard_numpy.py (session 23): NanoGuard's forward pass in numpy, its weights read from
the wheel's ``model.pt`` without torch, against the p that torch gave for 20 texts written here
(``nanoguard_reference.json``, in no evaluation set). Needs the wheel and tiktoken (bench venv with
``metatronnanoguard``, bench/requirements.txt); skipped without them, so in the project venv. There:
``<venv>/bin/python -m pytest --noconftest tests/tooling/test_nanoguard_numpy.py``."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
pytest.importorskip("tiktoken")

import nanoguard_numpy  # noqa: E402

REFERENCE = json.loads(Path(__file__).with_name("nanoguard_reference.json").read_text())["texts"]


@pytest.fixture(scope="module")
def guard():
    if nanoguard_numpy.load() is None:
        pytest.skip("metatronnanoguard not installed")
    return nanoguard_numpy.load()


def test_the_numpy_pass_gives_torchs_probability(guard):
    assert len(REFERENCE) >= 20
    for row in REFERENCE:
        assert nanoguard_numpy.probability(row["text"]) == pytest.approx(row["p"], abs=1e-3)
    worst = max(abs(nanoguard_numpy.probability(r["text"]) - r["p"]) for r in REFERENCE)
    assert worst < 1e-5  # measured 3.8e-7 on 26 training texts


def test_the_checkpoint_reader_builds_only_tensors(guard, tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("ran",))

    import zipfile

    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("m/data.pkl", pickle.dumps({"x": Evil()}))
    with pytest.raises(pickle.UnpicklingError, match="builtins.print is not read"):
        nanoguard_numpy.read_checkpoint(path)


def test_every_text_is_read_as_512_tokens_after_a_bos(guard):
    ids = guard.ids("word " * 2000)
    assert len(ids) == 512 and ids[0] == guard.bos
