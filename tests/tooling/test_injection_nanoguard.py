"""scripts/injection_nanoguard.py (session 23): NanoGuard's scores of the training rows kept by
text, read back per row (unscored rows never pass a cut), and its cut grid compared on the logit
margin, so rows at a float32 p of 1.0 stay ordered above the grid of ``injection_layers``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
pytest.importorskip("rich")

from injection_nanoguard import EXTRA_CUTS, logit, margins_of, row_key  # noqa: E402


@dataclass
class Row:
    text: str


def test_margins_are_read_back_by_text_and_unscored_rows_never_pass(tmp_path):
    rows = [Row("a jailbreak"), Row("a recipe"), Row("never scored")]
    path = tmp_path / "scores.npz"
    np.savez(
        path,
        keys=np.array([row_key("a recipe"), row_key("a jailbreak")]),
        p=np.array([0.01, 1.0]),
        margin=np.array([-4.6, 21.5]),
    )
    margins = margins_of(path, rows)
    assert margins[:2].tolist() == [21.5, -4.6]
    assert margins[2] == -np.inf
    assert not (margins >= logit(np.array([0.5]))[0])[2]


def test_the_extra_cuts_sit_above_the_grid_and_order_on_the_margin():
    from injection_layers import CUTS

    assert EXTRA_CUTS.min() > CUTS.max()
    margins = logit(np.concatenate([CUTS, EXTRA_CUTS]))
    assert np.all(np.diff(margins) > 0)  # float32 would call the last ones 1.0
    assert logit(np.array([1 - 1e-12]))[0] == pytest.approx(27.631, abs=1e-3)
