"""What the Python SDK reports after running a tool while the server was unreachable, and how
the dashboard counts it: the real SDK fails open with the server down, keeps the trace in its
spool, delivers it once the (real) server is up, and the dashboard shows one ungoverned call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console import selectors
from governance.services import api_key_create
from tests.approvals import servers
from tests.factories import AgentFactory
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_call_run_while_the_server_was_down_counts_as_ungoverned(org, tmp_path, monkeypatch):
    from execlave import Execlave

    AgentFactory(organisation=org, name="night-bot")
    _, key = api_key_create(organisation=org, name="k", actor=None, scopes=("check", "ingest"))
    port = servers.free_port()
    base_url = f"http://127.0.0.1:{port}"
    options = dict(
        api_key=key,
        base_url=base_url,
        agent="night-bot",
        spool_path=str(tmp_path / "spool.sqlite3"),
        timeout=1.0,
        flush_timeout=1.0,
    )

    # 1. Nothing listens on the port: the SDK fails open, the tool runs, the trace is spooled.
    down = Execlave(**options)

    @down.tool("files.cleanup")
    def cleanup(path: str) -> str:
        return f"cleaned {path}"

    assert cleanup("/tmp/x") == "cleaned /tmp/x"
    down.close(timeout=1.0)
    assert not LedgerEntry.objects.filter(organisation=org).exists()

    # 2. The server comes back on the same address; a new client delivers the spool.
    monkeypatch.setattr(servers, "free_port", lambda: port)
    server = servers.AsgiServer()
    try:
        up = Execlave(**options)
        assert up.flush(timeout=20)
        up.close(timeout=5)
    finally:
        server.stop()

    entries = list(LedgerEntry.objects.filter(organisation=org))
    assert [(e.kind, e.opens_trace) for e in entries] == [("completion", True)]
    assert selectors.UNGOVERNED_MARK in entries[0].client
    today = datetime.now(UTC).date()
    rng = selectors.range_from_days(today - timedelta(days=1), today)
    row = next(
        r for r in selectors.agents_activity(organisation=org, rng=rng) if r.name == "night-bot"
    )
    assert (row.calls, row.ungoverned, row.violations) == (1, 1, 0)
    series = selectors.calls_over_time(organisation=org, rng=rng)
    assert series.totals[selectors.UNCHECKED] == 1 and series.totals["allow"] == 0
