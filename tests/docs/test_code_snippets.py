"""Python snippets of docs/ that are not the README's (test_readme_blocks.py) nor the SDK
guides' (tests/sdk): each runs with the names its page says it takes and does what the page
says. docs/approvals.md's webhook verification runs on a real delivery in
tests/approvals/test_webhooks.py."""

from __future__ import annotations

import uuid

import pytest

from tests.docs.markdown import ROOT, blocks
from traces.models import LedgerEntry
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db


def _python_blocks(page: str) -> list[str]:
    return [
        b.code
        for b in blocks((ROOT / "docs" / page).read_text(encoding="utf-8"))
        if b.language == "python"
    ]


def test_every_python_snippet_of_the_docs_is_run_somewhere():
    pages = {
        p.name: len(_python_blocks(p.name))
        for p in sorted((ROOT / "docs").glob("*.md"))
        if _python_blocks(p.name) and not p.name.startswith(("detection", "performance"))
    }
    assert pages == {"approvals.md": 1, "ledger.md": 1}, "a new snippet: run it in a test"


def test_the_ledger_pages_append_example(org, agent):
    (code,) = _python_blocks("ledger.md")
    trace_id = uuid.uuid4()
    scope = {"org": org, "agent": agent, "trace_id": trace_id, "call_input": {"sql": "select 1"}}
    result_line = code.rstrip().splitlines()[-1]
    assert "# -> AppendResult(accepted=1, duplicates=0)" in result_line
    exec(code.replace("ledger_append(", "result = ledger_append(", 1), scope)  # noqa: S102
    assert repr(scope["result"]) == "AppendResult(accepted=1, duplicates=0)"
    entry = LedgerEntry.objects.get(organisation=org, trace_id=trace_id)
    assert (entry.kind, entry.decision, entry.tool) == ("decision", "block", "database.query")
    assert entry.policies == "|3|"  # what the admin's policy filter reads
    assert ledger_verify(organisation=org).ok
