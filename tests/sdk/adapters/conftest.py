"""Framework adapter tests run where the framework is installed (``.venv-sdk``, see the SDK README).

In the project's ``.venv`` the frameworks are absent and these tests skip, naming the
missing package; ``make test`` runs them again in ``.venv-sdk`` with
EXECLAVE_REQUIRE_FRAMEWORKS=1, where a missing framework is an error, not a skip.
"""

from __future__ import annotations

import importlib
import os
from datetime import UTC, datetime, timedelta

import pytest

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("CREWAI_TRACING_ENABLED", "false")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")


def need(module: str):
    if os.environ.get("EXECLAVE_REQUIRE_FRAMEWORKS") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(
        module, reason=f"{module} is installed in .venv-sdk (make test runs it there)"
    )


@pytest.fixture
def since() -> datetime:
    """A moment just before the test: traces it makes started after this."""
    return datetime.now(UTC) - timedelta(seconds=1)


def latest_by_tool(server, since: datetime, *tools: str) -> dict[str, dict]:
    """The most recent trace of each tool since the test began (missing tools are left out)."""
    found = {}
    for tool in tools:
        traces = server.traces(tool=tool, since=since)
        if traces:
            found[tool] = traces[-1]
    return found
