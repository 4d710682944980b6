"""`make run`'s supervisor (scripts/serve.py): Ctrl-C stops the app, the task worker and the
timekeeper cleanly and at once, as the README says."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sdk.live import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.sqlite_pass_only  # its own SQLite file whichever pass runs it


def _lines_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline and proc.poll() is None:
        if select.select([proc.stdout], [], [], 0.5)[0]:
            seen += proc.stdout.readline()
    return seen


def test_ctrl_c_stops_the_server_the_worker_and_the_timekeeper_at_once(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EXECLAVE_", "PYTEST_", "Q_"))
        and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",  # as make run serves it
        SQLITE_PATH=str(tmp_path / "run.sqlite3"),
        Q_CLUSTER_NAME=f"serve-test-{os.getpid()}",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=600)
    serve = [sys.executable, "scripts/serve.py", "127.0.0.1", str(free_port())]
    proc = subprocess.Popen(
        serve, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        started = _lines_until(proc, "Press Ctrl-C to stop.", timeout=180)
        assert "Press Ctrl-C to stop." in started, started
        time.sleep(2)  # the worker's processes are up
        # The terminal's Ctrl-C reaches the supervisor alone (its children run in their own sessions).
        stopping_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - stopping_at
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "Execlave stopped." in out
    # django-q2's cluster ends itself (with SIGTERM sent to its whole group it hung until
    # the supervisor's SIGKILL at 10 s: 12 s in all).
    assert re.search(r"Q Cluster \S+ has stopped", out), out
    assert took < 8, f"stopping took {took:.1f} s"
