"""The decisions, end to end: allow, block, approvals, warn, output checks, fail-open, fail-closed.

Tool names carry the decision the server is set up to take (see the ``server`` fixture):
``*.blocked`` is blocked, ``*.warned`` warned, ``*.approval`` needs an approval,
``*.output`` has an output policy that blocks results containing "SECRET".
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from execlave import (
    ActionBlocked,
    ApprovalDenied,
    ApprovalExpired,
    ExeclaveUnavailable,
    OutputBlocked,
    current_action,
)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_allowed_tool_runs_and_its_trace_arrives(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url)

    @client.tool("orders.lookup")
    def lookup(order_id: int, verbose: bool = False) -> dict:
        current_action().record(cost=0.002, tokens={"prompt": 12, "completion": 30})
        return {"order_id": order_id, "status": "shipped"}

    assert lookup(42) == {"order_id": 42, "status": "shipped"}
    with client.action("email.send", input={"to": "a@example.com"}) as action:
        action.record(output={"sent": True}, cost=0.01)
    assert client.flush(timeout=10)
    trace = server.trace(action.trace_id)
    assert trace["status"] == "ok"
    assert trace["tool"] == "email.send"
    assert server.stored(action.trace_id) == 1


def test_blocked_tool_does_not_run(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    ran = []

    @client.tool("database.blocked")
    def drop(table: str) -> None:
        ran.append(table)

    with pytest.raises(ActionBlocked) as info:
        drop("users")
    assert ran == []
    assert info.value.violations and info.value.violations[0]["reason"]
    assert client.flush(timeout=10)
    assert server.trace(info.value.trace_id)["status"] == "blocked"


def test_warned_tool_runs_and_logs(server, make_client, caplog):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    with (
        caplog.at_level(logging.WARNING, logger="execlave"),
        client.action("crm.warned", input={"q": "x"}) as action,
    ):
        action.record(output="fine")
    assert action.decision.decision == "warn"
    assert any("allowed with warnings" in r.message for r in caplog.records)


def test_approval_approved_then_the_tool_runs(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url, approval_timeout=60)
    threading.Thread(
        target=lambda: server.decide(wait_for(server.pending_approval), "approved"), daemon=True
    ).start()
    ran = []

    @client.tool("payments.approval")
    def pay(amount: int) -> str:
        ran.append(amount)
        return "paid"

    assert pay(5000) == "paid"
    assert ran == [5000]


def test_approval_denied_raises_and_the_tool_does_not_run(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url, approval_timeout=60)
    threading.Thread(
        target=lambda: server.decide(
            wait_for(server.pending_approval), "denied", comment="not today"
        ),
        daemon=True,
    ).start()
    ran = []

    @client.tool("payments.approval")
    def pay(amount: int) -> str:
        ran.append(amount)
        return "paid"

    with pytest.raises(ApprovalDenied, match="not today") as info:
        pay(5000)
    assert ran == []
    assert client.flush(timeout=10)
    assert server.trace(info.value.trace_id)["status"] == "denied"


def test_approval_not_decided_in_time_expires(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url, approval_timeout=1.5)
    started = time.monotonic()
    with pytest.raises(ApprovalExpired), client.action("payments.approval", input={"amount": 1}):
        raise AssertionError("must not run")
    assert 1.0 < time.monotonic() - started < 10


def test_approval_expiring_on_the_server_raises_expired(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    with (
        pytest.raises(ApprovalExpired) as info,
        client.action("payments.expiring", input={"amount": 1}),
    ):
        raise AssertionError("must not run")
    assert info.value.client_timeout is False
    assert client.flush(timeout=10)
    assert server.trace(info.value.trace_id)["status"] == "denied"


def test_approval_expiring_with_on_timeout_allow_runs_the_action(server, make_client):
    """The policy, not the SDK, says what expiry means: on_timeout=allow lets the action run."""
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    ran = []
    with client.action("payments.lenient", input={"amount": 1}):
        ran.append(True)
    assert ran == [True]


def test_blocked_output_is_withheld(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url)

    @client.tool("vault.output")
    def read(key: str) -> str:
        return f"the SECRET for {key}"

    @client.tool("vault.output")
    def read_public(key: str) -> str:
        return "public value"

    assert read_public("k") == "public value"
    with pytest.raises(OutputBlocked) as info:
        read("k")
    assert client.flush(timeout=10)
    trace = server.trace(info.value.trace_id)
    assert trace["status"] == "blocked"
    assert trace["output"] is None  # the withheld output is not written to the ledger either


def test_fail_open_runs_ungoverned_and_the_breaker_stops_calling(server, make_client):
    """Its cost per call is measured in bench/sdk.py; here: no network while it is open."""
    client = make_client(
        api_key=server.api_key,
        base_url=server.base_url,
        breaker_threshold=1,
        breaker_cooldown=120,
        timeout=1,
    )
    server.stop()
    ran = []

    @client.tool("database.blocked")  # would be blocked — but the server is down and we fail open
    def drop(table: str) -> str:
        ran.append(table)
        return current_action().trace_id

    first = drop("first")  # one refused connection opens the breaker
    assert client.stats()["breaker"] == "open"
    server.start()
    # The server is back, but within the cool-down no check is attempted: still ungoverned.
    later = [drop(str(i)) for i in range(20)]
    assert len(ran) == 21
    assert client.flush(timeout=10)
    for trace_id in (first, *later):
        meta = server.trace(trace_id)["metadata"]["execlave"]
        assert meta["ungoverned"] is True
        assert "unreachable" in meta["reason"] or "breaker" in meta["reason"]
    assert "breaker" in server.trace(later[-1])["metadata"]["execlave"]["reason"]


def test_fail_closed_raises_and_the_tool_does_not_run(server, make_client):
    client = make_client(
        api_key=server.api_key, base_url=server.base_url, fail_mode="closed", timeout=1
    )
    server.stop()
    ran = []

    @client.tool("orders.lookup")
    def lookup(order_id: int) -> None:
        ran.append(order_id)

    with pytest.raises(ExeclaveUnavailable, match="fail-closed"):
        lookup(1)
    assert ran == []
