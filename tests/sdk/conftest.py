"""Fixtures for the SDK tests: clients with a private spool, the loopback stand-in, the live server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SDK_SRC = Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"
try:  # installed with `pip install -e ./sdk/python` (make install); else straight from the tree
    import execlave  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(SDK_SRC))

from execlave import Execlave  # noqa: E402

from tests.sdk.standin import Standin  # noqa: E402


@pytest.fixture
def standin() -> Iterator[Standin]:
    server = Standin()
    yield server
    server.stop()


@pytest.fixture(params=["live", "standin"])
def server(request):
    """The server a behaviour test runs against: the live Execlave server, and the stand-in.

    The live server is the one that matters; the stand-in run keeps each behaviour
    pinned to the wire protocol alone (and records arrival order for the replay test).
    """
    if request.param == "standin":
        server = Standin()
        yield server
        server.stop()
        return
    from tests.sdk.live import LiveBackend

    live = request.getfixturevalue("live")
    live.require("POST", "/api/v1/check")
    yield LiveBackend(live)


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., Execlave]]:
    """Build clients with a private spool file (unless given) and close them after the test."""
    clients: list[Execlave] = []

    def make(**kwargs) -> Execlave:
        kwargs.setdefault("spool_path", tmp_path / "spool.sqlite3")
        kwargs.setdefault("agent", "billing-bot")
        kwargs.setdefault("flush_interval", 0.05)
        kwargs.setdefault("environ", {})
        client = Execlave(**kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close(timeout=2)


@pytest.fixture(scope="session")
def live_server_proc():
    """The live Execlave server for this test session (see tests/sdk/live.py)."""
    from tests.sdk.live import live_server

    with live_server("sdk-acme") as server:
        try:
            server.control("setup_policies", organisation_id=server.keys["organisation_id"])
        except RuntimeError as exc:  # policies not migrated yet in this checkout
            server.policies_error = str(exc)
        yield server


@pytest.fixture
def live(live_server_proc):
    """The live server, guaranteed running at the start and the end of each test."""
    if not live_server_proc.running:
        live_server_proc.start()
    yield live_server_proc
    if not live_server_proc.running:
        live_server_proc.start()
