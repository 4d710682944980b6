"""The README's examples run as written against the live server (each reads EXECLAVE_*)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sdk.adapters.conftest import need
from tests.sdk.live import LiveBackend

EXAMPLES = Path(__file__).resolve().parents[3] / "sdk" / "python" / "examples"
FRAMEWORK = {
    "langchain_agent.py": "langchain.agents",
    "crewai_crew.py": "crewai",
    "ag2_agent.py": "ag2",
}
TOOL = {
    "quickstart.py": "database.query",
    "langchain_agent.py": "orders.lookup",
    "crewai_crew.py": "orders.lookup_order",
    "ag2_agent.py": "orders.lookup",
}


@pytest.mark.parametrize("example", ["quickstart.py", *FRAMEWORK])
def test_example_runs(example, live, tmp_path, since):
    if example in FRAMEWORK:
        need(FRAMEWORK[example])
    live.require("POST", "/api/v1/check")
    server = LiveBackend(live)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECLAVE_")}
    env.update(
        EXECLAVE_API_KEY=server.api_key,
        EXECLAVE_BASE_URL=server.base_url,
        EXECLAVE_AGENT="billing-bot",
        EXECLAVE_SPOOL_PATH=str(tmp_path / "spool.sqlite3"),
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / example)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert server.traces(tool=TOOL[example], since=since)[-1]["status"] == "ok"
