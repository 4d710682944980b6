"""scripts/check_locks.py: the lock files cover what pyproject.toml asks for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import check_locks  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_lock_files_are_in_step():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "scripts/check_locks.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_a_missing_or_out_of_range_pin_is_reported(tmp_path):
    lock = ROOT / "requirements/server.txt"
    found = check_locks.problems(lock, ["django>=5.2,<5.3", "left-pad>=1", "rich<1"])
    assert found[0].startswith("left-pad is not in requirements/server.txt")
    assert "does not satisfy rich<1" in found[1]
    assert len(found) == 2
