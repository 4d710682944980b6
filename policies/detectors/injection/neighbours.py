"""Nearest neighbours by meaning: a reading of the alone zone, validated, not asked (session 13).

Real-world jailbreaks come in families (DAN, AIM, Developer Mode, two personas side by
side, a game whose rules allow anything): a new one reads like its siblings more than like a
direction a linear head learned. This head keeps the all-MiniLM-L6-v2 embeddings of the
training texts (``neighbours.bin``, written by ``scripts/train_injection_model.py``) and
scores a zone text by how much closer in meaning it is to the nearest attacks than to the
nearest benign texts: the mean cosine of its ``k`` nearest training attacks minus that of its
``k`` nearest benign texts (``margin``). At or above the stored threshold (chosen in the
training script's validation, as the other heads' are) the text is called an attack.

The file: an 8-byte little-endian header length, a JSON header (version, k, threshold, rows,
dimensions), one float32 scale per row, one label byte per row (1: attack), then the vectors
quantised to int8 (``vector / scale`` rounded, ``scale = max|vector| / 127``), row after
row. It is read once, lazily, by the first zone text that gets this far, and held
dequantised (float32): scoring one text is one matrix-vector product over the rows.
Needs numpy, as the embedding does. Not wired into the detector: session 14 validated it
(k = 1, margin >= 0.25: 56 more zone catches at the same benign budget), wired it after the
embedding head about the same vector (commit 2c79471) and measured it once: in the wild 381 of
485 (+1), written held-out benign 4 of 562 (+1), so it was unwired (docs/detection-history.md,
"Session 14 ... `neigh14`"). ``git checkout 2c79471 -- policies/detectors/injection/__init__.py
tests/policies/test_injection_neighbours.py`` and a committed ``neighbours.bin`` wire it again.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

FILE = Path(__file__).with_name("neighbours.bin")
_lock = threading.Lock()


def margin(attack_sims: np.ndarray, benign_sims: np.ndarray, k: int) -> np.ndarray:
    """Mean of the ``k`` largest cosines to attacks minus the same to benign texts, per row
    of the two (texts x references) similarity matrices."""
    top_attack = -np.partition(-attack_sims, k - 1, axis=1)[:, :k]
    top_benign = -np.partition(-benign_sims, k - 1, axis=1)[:, :k]
    return top_attack.mean(axis=1) - top_benign.mean(axis=1)


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 rows, float32 scale per row)."""
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(vectors / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def dequantise(rows: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return rows.astype(np.float32) * scale[:, None]


def write(path: Path, vectors: np.ndarray, attack: np.ndarray, k: int, threshold: float) -> str:
    """Write the reference set; returns its version (a digest of the contents)."""
    import hashlib

    rows, scale = quantise(vectors)
    labels = attack.astype(np.uint8)
    body = scale.tobytes() + labels.tobytes() + rows.tobytes()
    version = (
        "knn-"
        + hashlib.sha1(body + f"{k} {threshold}".encode(), usedforsecurity=False).hexdigest()[:12]
    )
    header = json.dumps(
        {
            "version": version,
            "k": k,
            "threshold": threshold,
            "rows": len(rows),
            "dimensions": rows.shape[1],
        },
        sort_keys=True,
    ).encode()
    path.write_bytes(len(header).to_bytes(8, "little") + header + body)
    return version


@dataclass(frozen=True, slots=True)
class Neighbours:
    attacks: np.ndarray  # float32, one dequantised training attack per row
    benign: np.ndarray
    k: int
    threshold: float
    version: str

    def score(self, vector: np.ndarray) -> float:
        query = np.asarray(vector, dtype=np.float32)
        attack_sims, benign_sims = self.attacks @ query, self.benign @ query
        return float(margin(attack_sims[None, :], benign_sims[None, :], self.k)[0])


def read(path: Path) -> Neighbours:
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    n, dims = int(header["rows"]), int(header["dimensions"])
    offset = 8 + size
    scale = np.frombuffer(raw, dtype=np.float32, count=n, offset=offset)
    labels = np.frombuffer(raw, dtype=np.uint8, count=n, offset=offset + 4 * n)
    rows = np.frombuffer(raw, dtype=np.int8, count=n * dims, offset=offset + 5 * n)
    vectors = dequantise(rows.reshape(n, dims), scale)
    attack = labels == 1
    return Neighbours(
        np.ascontiguousarray(vectors[attack]),
        np.ascontiguousarray(vectors[~attack]),
        int(header["k"]),
        float(header["threshold"]),
        str(header["version"]),
    )


@cache
def _loaded() -> Neighbours | None:
    with _lock:
        return read(FILE) if FILE.exists() else None


def load() -> Neighbours | None:
    """The reference set, read on first use (None without ``neighbours.bin``)."""
    return _loaded()
