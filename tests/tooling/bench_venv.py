"""Running a script in the bench venv (``.venv-bench``, bench/requirements.txt;
``EXECLAVE_BENCH_PYTHON`` names another) with every network connection refused, so that
whatever the script calls must work offline. The script reads its input as JSON on stdin and
prints its result as JSON on its last line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH_PYTHON = Path(
    os.environ.get("EXECLAVE_BENCH_PYTHON", ROOT / ".venv-bench" / "bin" / "python")
)

OFFLINE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("the bench tried to reach the network")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = refuse
"""


def run_offline(script: str, payload) -> dict:
    """``script`` run after ``OFFLINE`` in the bench venv, given ``payload``; its last line, read."""
    if not BENCH_PYTHON.exists():
        pytest.skip("no .venv-bench (bench/requirements.txt)")
    done = subprocess.run(
        [str(BENCH_PYTHON), "-c", OFFLINE + script],
        cwd=ROOT,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
