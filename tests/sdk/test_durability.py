"""Nothing lost, nothing duplicated: flush at exit, the spool across a restart, replay in order.

Each test runs agent *processes* (tests/sdk/child_agent.py) so exit and restart are real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("child_agent.py")


def run_child(server, spool: Path, *args: str, fail_mode: str = "open") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECLAVE_")}
    env.update(
        EXECLAVE_BASE_URL=server.base_url,
        EXECLAVE_API_KEY=server.api_key,
        EXECLAVE_AGENT="billing-bot",
        EXECLAVE_SPOOL_PATH=str(spool),
        EXECLAVE_FAIL_MODE=fail_mode,
        EXECLAVE_FLUSH_INTERVAL="5",
        EXECLAVE_TIMEOUT="2",
    )
    done = subprocess.run(
        [sys.executable, str(CHILD), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_traces_are_delivered_at_exit_without_an_explicit_flush(server, tmp_path):
    out = run_child(server, tmp_path / "spool.sqlite3", "produce", "25")
    # flush_interval is 5 s and the process exited at once: only the atexit flush sent these
    assert all(server.stored(t) == 1 for t in out["trace_ids"])


def test_spool_survives_restart_and_replays_once_in_order(server, tmp_path):
    spool = tmp_path / "spool.sqlite3"
    server.stop()
    out = run_child(server, spool, "produce", "30")  # server down: fail-open, spooled at exit
    assert out["ungoverned"] is True
    ids = out["trace_ids"]
    assert all(server.stored(t) == 0 for t in ids)

    server.start()
    replay = run_child(server, spool, "replay")  # a new process finds the spool and sends it
    assert replay["delivered"] is True
    assert replay["stats"]["spool_pending"] == 0
    assert [server.stored(t) for t in ids] == [1] * 30

    again = run_child(server, spool, "replay")  # and a third process has nothing left to send
    assert again["stats"]["spool_pending"] == 0
    assert [server.stored(t) for t in ids] == [1] * 30
    assert server.arrival_order(ids) == ids  # replayed in the order they happened
