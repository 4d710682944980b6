"""Docs that run: every code block of sdk/python/README.md, against the live server.

``python`` blocks run as written in a fresh interpreter with EXECLAVE_* pointing at the live
server; ``python fragment:NAME`` blocks are completed by ``readme/NAME.py`` (it defines the
model — a scripted fake, no LLM) and need that framework (installed in .venv-sdk); ``bash``
blocks are checked: ``pip install`` targets and extras exist, ``export`` lines set what the
SDK reads, other commands name files that exist. Each run must leave the traces it promises.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from tests.sdk.adapters.conftest import need
from tests.sdk.live import LiveBackend

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "sdk" / "python" / "README.md"
PRELUDES = Path(__file__).with_name("readme")
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)
BLOCKS = [
    (m.group(1), (re.search(r"fragment:([\w-]+)", m.group(2)) or [None, None])[1], m.group(3))
    for m in BLOCK.finditer(README.read_text())
]
FRAMEWORK = {
    "langchain": "langchain.agents",
    "crewai": "crewai",
    "ag2": "ag2",
    "openai-agents": "agents",
}
# The README's blocks do not depend on the server's database: make test's SQLite pass runs them.
pytestmark = pytest.mark.sqlite_pass_only
# What each runnable block must leave in the ledger (a tool name per governed call).
TOOLS = {
    "payments.refund",
    "support.refund_order",
    "shop.refund_order",
    "database.query",
    "web.fetch",
    "email.send",
    "payments.approval",
}


def test_every_block_is_python_or_bash():
    assert len(BLOCKS) >= 10
    assert {lang for lang, _, _ in BLOCKS} == {"python", "bash"}
    for _lang, fragment, _ in BLOCKS:
        assert fragment is None or fragment in FRAMEWORK, fragment


def _make_targets() -> set[str]:
    """The Makefile's targets with its variables expanded (`$(SDK_STAMP)` is
    `.venv-sdk/.installed`)."""
    text = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^(\w+)\s*[:?]?=\s*(.*?)\s*$", text, re.M))

    def expand(value: str) -> str:
        while "$(" in value:
            value = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), ""), value)
        return value

    rules = re.findall(r"^([^\s#:=][^:=]*?)\s*:(?!=)", text, re.M)
    return {target for rule in rules for target in expand(rule).split()}


def test_bash_blocks_name_real_paths_extras_and_variables():
    extras = set(
        tomllib.loads((ROOT / "sdk" / "python" / "pyproject.toml").read_text())["project"][
            "optional-dependencies"
        ]
    )
    sdk_vars = set(
        re.findall(
            r'"(EXECLAVE_[A-Z_]+)"', (ROOT / "sdk/python/src/execlave/config.py").read_text()
        )
    )
    for lang, _, code in BLOCKS:
        if lang != "bash":
            continue
        for line in re.sub(r"\\\n\s*", " ", code).splitlines():
            argv = shlex.split(line, comments=True)
            if not argv:
                continue
            if argv[0] == "export":
                name = argv[1].split("=", 1)[0]
                assert name in sdk_vars, name
            elif "install" in argv:
                for target in argv[argv.index("install") + 1 :]:
                    if target.startswith("./"):
                        path, _, extra = target.partition("[")
                        assert (ROOT / path).exists(), target
                        assert not extra or set(extra.rstrip("]").split(",")) <= extras, target
            elif argv[0] == "make":
                assert set(argv[1:]) <= _make_targets(), argv
            elif argv[0].startswith((".venv", "python")):
                for arg in argv[1:]:
                    if "/" in arg and not arg.startswith(("-", "./sdk/python[")):
                        assert (ROOT / arg.split("::")[0]).exists(), arg


RUNNABLE = [(i, f, c) for i, (lang, f, c) in enumerate(BLOCKS) if lang == "python"]


def test_no_block_names_an_agent_of_its_own():
    """The quickstart exports EXECLAVE_AGENT for the agent its key was made for, and a key bound
    to one agent is refused for another (403): a block naming ``agent="billing-bot"`` stopped
    there for a reader holding the console's key for support-bot."""
    named = [index for index, _, code in RUNNABLE if re.search(r"\bagent\s*=\s*[\"']", code)]
    assert named == [], f"blocks {named} name an agent instead of reading EXECLAVE_AGENT"


@pytest.mark.parametrize(
    ("index", "fragment", "code"), RUNNABLE, ids=[f"block{i}" for i, *_ in RUNNABLE]
)
def test_python_block_runs_against_the_live_server(index, fragment, code, live, tmp_path, since):
    if fragment:
        need(FRAMEWORK[fragment])
        code = (PRELUDES / f"{fragment}.py").read_text() + "\n" + code
    live.require("POST", "/api/v1/check")
    server = LiveBackend(live)
    script = tmp_path / f"block{index}.py"
    script.write_text(code)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXECLAVE_")}
    env.update(
        EXECLAVE_API_KEY=server.api_key,
        EXECLAVE_BASE_URL=server.base_url,
        EXECLAVE_AGENT="billing-bot",
        EXECLAVE_SPOOL_PATH=str(tmp_path / "spool.sqlite3"),
        PYTHONPATH=os.pathsep.join(
            [str(ROOT / "sdk" / "python" / "src"), env.get("PYTHONPATH", "")]
        ),
    )
    approved: list[str] = []
    if "payments.approval" in code:  # the reviewer in the console

        def approve():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                approval_id = server.pending_approval()
                if approval_id:
                    server.decide(approval_id, "approved")
                    approved.append(approval_id)
                    return
                time.sleep(0.05)

        threading.Thread(target=approve, daemon=True).start()
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    promised = {tool for tool in TOOLS if f'"{tool}"' in code}
    promised |= {f"{prefix}.refund_order" for prefix in re.findall(r'prefix="(\w+)"', code)}
    assert promised, f"block {index} governs no tool this test knows"
    missing = {tool for tool in promised if not server.traces(tool=tool, since=since)}
    assert not missing, f"block {index} left no trace of {missing}"
    if "payments.approval" in code:  # it waited for the reviewer, as the README says
        assert approved, f"block {index} ran without waiting for an approval"
        (trace,) = server.traces(tool="payments.approval", since=since)
        assert "approval" in {e["kind"] for e in trace["events"]}, trace
