"""scripts/injection_neighbours.py: the reference rows (one per near-duplicate cluster) and the
margins computed from them, as ``neighbours.bin`` will hold them."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from injection_neighbours import cluster_out_margins, cv_margins, representatives  # noqa: E402


def _unit(*rows: list[float]) -> np.ndarray:
    x = np.array(rows, dtype=np.float64)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_one_representative_per_cluster_its_first_text():
    keep = representatives([0, 1, 0, 2, 1, 3])
    assert keep.tolist() == [True, True, False, True, False, True]


def test_only_kept_rows_are_references():
    # Rows 0 and 1: near-copies of one attack; row 2 another attack, far off; 3, 4 benign.
    x = _unit([1, 0, 0], [1, 0.01, 0], [0, 0, 1], [0, 1, 0], [0, 1, 0.1], [0.9, 0.1, 0])
    y = np.array([1, 1, 1, 0, 0, 1])
    folds = [(np.array([0, 1, 2, 3, 4]), np.array([5]))]
    keep = np.array([True, False, True, True, True, True])
    # k = 2: the near-copy no longer stands in for a second neighbour.
    assert cv_margins(x, y, folds, k=2, keep=keep)[5] < cv_margins(x, y, folds, k=2)[5] - 0.4
    # k = 1: the kept copy is as near as the dropped one.
    assert cv_margins(x, y, folds, k=1, keep=keep)[5] == pytest.approx(
        cv_margins(x, y, folds, k=1)[5], abs=0.01
    )


def test_the_proxy_leaves_out_the_own_cluster_and_unkept_rows():
    x = _unit([1, 0], [1, 0.01], [0, 1], [0.7, 0.7])
    y = np.array([1, 1, 0, 0])
    cluster = np.array([0, 0, 1, 2])
    # Row 0 scored without its cluster (rows 0, 1): no attack left but none from other clusters.
    margins = cluster_out_margins(x, y, cluster, np.array([0]), k=1)
    assert margins[0] < 0
    keep = np.array([True, True, True, False])
    kept = cluster_out_margins(x, y, cluster, np.array([3]), k=1, keep=keep)
    full = cluster_out_margins(x, y, cluster, np.array([3]), k=1)
    assert kept[0] == full[0]  # row 3 is its own cluster: left out either way
