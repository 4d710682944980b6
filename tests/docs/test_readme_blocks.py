"""The README's code blocks work as written.

Shell blocks run in order against a live server's database (``manage.py`` commands for real;
``make`` lines are checked against the Makefile's targets — running them would install and serve);
Python blocks then run in a fresh interpreter against that live server, with the key the README's
own ``apikey create`` printed, and the test reads the ledger back over the API. Any other block
must be marked ``<!-- readme-test: fragment (why) -->`` on the line before it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time

import pytest

from tests.docs.markdown import ROOT, blocks

README = ROOT / "README.md"
RUNNABLE = {"python", "bash", "sh", "shell"}


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


def _commands(code: str) -> list[list[str]]:
    """Shell lines as argument lists (continuations joined, comments dropped)."""
    joined = re.sub(r"\\\n\s*", " ", code)
    out = []
    for line in joined.splitlines():
        argv = shlex.split(line, comments=True)
        if argv:
            out.append(argv)
    return out


def test_every_block_is_runnable_or_marked_as_a_fragment():
    unmarked = [
        f"README.md:{b.line} ({b.language or 'no language'})"
        for b in blocks(README.read_text())
        if b.language not in RUNNABLE and not b.fragment
    ]
    assert unmarked == []


def test_the_readme_has_blocks_to_test():
    kinds = {b.language for b in blocks(README.read_text()) if not b.fragment}
    assert {"python", "bash"} <= kinds


def test_make_lines_name_existing_targets():
    targets = _makefile_targets()
    assert "run" in targets and "test" in targets
    for block in blocks(README.read_text()):
        if block.language in RUNNABLE - {"python"} and not block.fragment:
            for argv in _commands(block.code):
                if argv[0] == "make":
                    assert set(argv[1:]) <= targets, f"README.md:{block.line}: {argv}"


@pytest.fixture(scope="module")
def live():
    from tests.sdk.live import live_server

    # The README's walkthrough uses the demo organisation and its agent `billing-bot`.
    with live_server("demo") as server:
        yield server


def _run_shell_block(live, block) -> list[str]:
    """Run each ``manage.py`` line against the live server's database; return their outputs."""
    outputs = []
    for argv in _commands(block.code):
        if argv[0] == "make":
            continue  # checked against the Makefile above
        if argv[0] == "export":  # the key printed and the reader's server: set below
            assert [a.split("=")[0] for a in argv[1:]] in (
                ["EXECLAVE_API_KEY"],
                ["EXECLAVE_BASE_URL"],
            ), f"README.md:{block.line}: {argv}"
            continue
        if argv[:2] not in ([".venv/bin/python", "manage.py"], ["python", "manage.py"]):
            pytest.fail(
                f"README.md:{block.line}: this test does not know how to run {argv[0]!r}; "
                "teach it, or mark the block as a fragment"
            )
        done = subprocess.run(
            [live.python, *argv[1:]],
            cwd=ROOT,
            env=live.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"README.md:{block.line}: {argv}\n{done.stderr}"
        outputs.append(done.stdout.strip())
    return outputs


def test_the_readme_walkthrough_runs_against_a_live_server(live, tmp_path):
    shell_outputs: list[str] = []
    python_blocks = []
    for block in blocks(README.read_text()):
        if block.fragment:
            continue
        if block.language == "python":
            python_blocks.append(block)
        else:
            shell_outputs += _run_shell_block(live, block)
    # `apikey create` prints the key alone: the Python blocks use the key the README made.
    keys = [out for out in shell_outputs if out.startswith("exk_live_")]
    assert keys, "the README no longer shows how to create an API key"
    key = keys[-1]

    started = time.time()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXECLAVE_", "DJANGO_"))}
    env |= {
        "EXECLAVE_API_KEY": key,
        "EXECLAVE_BASE_URL": live.base_url,
        "EXECLAVE_SPOOL_PATH": str(tmp_path / "spool.sqlite3"),
        "PYTHONPATH": str(ROOT / "sdk" / "python" / "src"),
    }
    for block in python_blocks:
        script = tmp_path / f"readme_block_{block.line}.py"
        script.write_text(block.code)
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"README.md:{block.line}\n{done.stdout}\n{done.stderr}"
        assert "ungoverned" not in done.stderr, done.stderr

    # What the README promises: the calls were checked and recorded in the ledger.
    status, body = live.api("GET", "/api/v1/traces?agent=billing-bot", key=key)
    assert status == 200, body
    tools = {t["tool"] for t in body["traces"]}
    assert {"database.query", "email.send"} <= tools, body
    for trace in body["traces"]:
        kinds = {e["kind"] for e in trace["events"]}
        assert {"decision", "completion"} <= kinds, trace
    assert time.time() - started < 120
