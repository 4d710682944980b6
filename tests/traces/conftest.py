import uuid

import pytest
from django.db import connection

from traces.services import LedgerEvent, ledger_append


def make_trace(**overrides):
    trace = {
        "trace_id": str(uuid.uuid4()),
        "agent": "billing-bot",
        "tool": "database.query",
        "input": {"sql": "select 1", "user": "jane@example.com"},
        "output": {"rows": [[1]]},
        "status": "ok",
        "started_at": "2025-01-31T12:00:00.250000+00:00",
        "duration_ms": 12.5,
        "tokens": {"prompt": 10, "completion": 5},
        "cost": 0.0125,
        "metadata": {"run": "nightly"},
    }
    trace.update(overrides)
    return {k: v for k, v in trace.items() if v is not ...}


@pytest.fixture
def trace_factory():
    return make_trace


@pytest.fixture
def fill_ledger():
    """fill_ledger(org, n, agent=None) -> list of trace ids appended as completions."""

    def fill(organisation, n, agent=None, kind="completion", **kwargs):
        ids = [uuid.uuid4() for _ in range(n)]
        ledger_append(
            organisation=organisation,
            events=[
                LedgerEvent(
                    trace_id=t,
                    kind=kind,
                    agent=agent,
                    tool=f"tool.n{i % 7}",
                    input={"i": i},
                    output={"ok": True},
                    client={"status": "ok" if i % 3 else "error"},
                    **kwargs,
                )
                for i, t in enumerate(ids)
            ],
        )
        return ids

    return fill


def raw_sql(sql, params=()):
    """Run SQL as a database operator would: on PostgreSQL with triggers switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, list(params))
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
