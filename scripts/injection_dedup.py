"""Near-duplicate texts across the training collections, for the injection model's CV.

The same jailbreaks ship in many registry packages (DAN and jailbreakchat prompts copied
from one collection to the next), and templated rows differ only by a payload, so a
"left-out" package is not unseen when a near-copy of its text sits in a training fold.
``near_duplicate_pairs`` finds texts whose character 5-gram shingles (of the text
lower-cased, runs of non-alphanumerics folded to one space) overlap with a Jaccard
similarity of at least ``JACCARD`` (0.7): MinHash signatures (128 seeded hash functions)
and LSH banding (32 bands of 4) propose candidate pairs, and the exact Jaccard of the two
shingle sets confirms each one. ``dedup_groups`` then gives each near-duplicate cluster
(connected component) one CV group, the group of its largest collection, so the whole
cluster falls in one fold with that collection; texts with no near-copy keep their own.
Deterministic: shingles hashed by CRC-32, hash functions from a fixed seed.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict

import numpy as np

JACCARD = 0.7
SHINGLE = 5
PERMUTATIONS = 128
BANDS = 32  # of 4 rows: a pair at Jaccard 0.7 becomes a candidate with p > 0.999
_PRIME = (1 << 61) - 1
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def shingles(text: str) -> np.ndarray:
    """The distinct CRC-32 hashes of the normalised text's character 5-grams."""
    norm = normalise(text)
    if len(norm) < SHINGLE:
        norm = norm.ljust(SHINGLE)
    grams = {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}
    return np.unique(np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64))


def signatures(sets: list[np.ndarray]) -> np.ndarray:
    rng = np.random.default_rng(20261203)
    a = rng.integers(1, 1 << 31, PERMUTATIONS, dtype=np.uint64)
    b = rng.integers(0, 1 << 31, PERMUTATIONS, dtype=np.uint64)
    out = np.empty((len(sets), PERMUTATIONS), dtype=np.uint64)
    for i, s in enumerate(sets):
        # (a*x + b) mod p with x < 2^32, a, b < 2^31: no overflow in 64 bits.
        out[i] = ((np.outer(s, a) + b) % _PRIME).min(axis=0)
    return out


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    inter = np.intersect1d(x, y, assume_unique=True).size
    return inter / (x.size + y.size - inter)


def near_duplicate_pairs(texts: list[str], threshold: float = JACCARD) -> list[tuple[int, int]]:
    """Pairs (i < j) of texts whose shingle sets have a Jaccard similarity >= threshold."""
    sets = [shingles(t) for t in texts]
    sig = signatures(sets)
    rows = PERMUTATIONS // BANDS
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for i, key in enumerate(sig[:, band * rows : (band + 1) * rows]):
            buckets[key.tobytes()].append(i)
        for members in buckets.values():
            if len(members) > 1:
                candidates.update((m, n) for k, m in enumerate(members) for n in members[k + 1 :])
    pairs = []
    for i, j in sorted(candidates):
        # The signatures estimate the similarity; only plausible pairs pay the exact one.
        if (sig[i] == sig[j]).mean() >= threshold - 0.15 and _jaccard(
            sets[i], sets[j]
        ) >= threshold:
            pairs.append((i, j))
    return pairs


def components(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Union-find: each row's cluster id (the smallest row index in it)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(n)]


def dedup_groups(groups: list[str], cluster: list[int]) -> list[str]:
    """Each near-duplicate cluster's rows take the group that holds most of the cluster
    (ties: the first by name), so a fold never holds a near-copy of a training text."""
    members: dict[int, Counter[str]] = defaultdict(Counter)
    for g, c in zip(groups, cluster, strict=True):
        members[c][g] += 1
    owner = {c: min(n, key=lambda g: (-n[g], g)) for c, n in members.items()}
    return [owner[c] for c in cluster]


def cluster_weights(cluster: list[int]) -> np.ndarray:
    """1 / cluster size: each near-duplicate cluster weighs like one text."""
    size = Counter(cluster)
    return np.array([1.0 / size[c] for c in cluster])
