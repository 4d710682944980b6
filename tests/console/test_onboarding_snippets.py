"""The first-agent snippets the onboarding page hands a new developer run as written: copied
into a file, with the SDK installed as its line says, against a live server, each governs its
call and its trace reaches the ledger."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from console.views.onboarding import snippets
from tests.sdk.live import ROOT, live_server

pytestmark = pytest.mark.sqlite_pass_only  # a subprocess server on its own SQLite file

TYPESCRIPT = ROOT / "sdk" / "typescript"


@pytest.fixture(scope="module")
def server():
    with live_server("snippets", agent="first-agent") as live:
        yield live


def _greetings(server) -> int:
    rows = server.control(
        "sql",
        query="SELECT count(*) FROM traces_ledgerentry WHERE organisation_id = %s AND tool = %s",
        params=[server.keys["organisation_id"], "demo.greet"],
    )
    return rows[0][0]


def _wait_for_more(server, before: int) -> int:
    for _ in range(100):
        now = _greetings(server)
        if now > before:
            return now
        time.sleep(0.1)
    return _greetings(server)


def _snippet(server, language: str) -> str:
    return snippets(base_url=server.base_url, agent="first-agent", key=server.keys["sdk_key"])[
        language
    ]


def test_the_python_snippet_runs_as_written(server, tmp_path):
    (tmp_path / "agent.py").write_text(_snippet(server, "python"))
    before = _greetings(server)
    run = subprocess.run(
        [sys.executable, "agent.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Hello, world!"
    assert _wait_for_more(server, before) > before


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.skipif(
    not (TYPESCRIPT / "dist" / "esm" / "index.js").is_file(),
    reason="the TypeScript SDK is not built (make test builds it)",
)
def test_the_typescript_snippet_runs_as_written_with_node(server, tmp_path):
    # The package as the install line leaves it: node_modules/@execlave/sdk.
    (tmp_path / "node_modules" / "@execlave").mkdir(parents=True)
    (tmp_path / "node_modules" / "@execlave" / "sdk").symlink_to(TYPESCRIPT)
    (tmp_path / "agent.mjs").write_text(_snippet(server, "typescript"))
    before = _greetings(server)
    run = subprocess.run(
        ["node", "agent.mjs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Hello, world!"
    assert _wait_for_more(server, before) > before
