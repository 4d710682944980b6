"""Fault injection against the loopback stand-in: what a healthy live server will not do on demand."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from execlave import ActionBlocked, ApprovalDenied, AuthenticationError, OutputBlocked
from execlave.spool import Spool


def test_batches_respect_batch_size_and_flush_delivers_everything(standin, make_client):
    client = make_client(
        api_key=standin.api_key, base_url=standin.base_url, batch_size=10, flush_interval=5
    )

    @client.tool("demo.allowed")
    def echo(i: int) -> int:
        return i

    for i in range(35):
        echo(i)
    assert client.flush(timeout=5) is True
    posts = standin.state.trace_posts
    assert sum(len(p) for p in posts) == 35
    assert max(len(p) for p in posts) <= 10
    assert len(posts) <= 5  # batched, not one request per trace
    assert [standin.state.traces[t]["input"]["i"] for p in posts for t in p] == list(range(35))


def test_retry_after_is_honoured_and_nothing_is_duplicated(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url)
    standin.fail(429, retry_after="1", path="/api/v1/traces")

    with client.action("demo.allowed", input={"n": 1}) as action:
        action.record(output="done")
    started = time.monotonic()
    deadline = started + 10
    while not standin.state.traces and time.monotonic() < deadline:
        time.sleep(0.02)
    trace_calls = [t for p, t in standin.state.request_times if p == "/api/v1/traces"]
    assert len(trace_calls) == 2
    assert trace_calls[1] - trace_calls[0] >= 0.95  # not before Retry-After
    assert list(standin.state.traces) == [action.trace_id]
    assert client.stats()["spool_pending"] == 0


def test_server_errors_are_retried_with_backoff_until_delivered(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url)
    standin.fail(503, times=3, path="/api/v1/traces")
    with client.action("demo.allowed", input={}) as action:
        action.record(output=1)
    deadline = time.monotonic() + 15
    while action.trace_id not in standin.state.traces and time.monotonic() < deadline:
        time.sleep(0.05)
    assert action.trace_id in standin.state.traces
    calls = [t for p, t in standin.state.request_times if p == "/api/v1/traces"]
    gaps = [b - a for a, b in zip(calls, calls[1:], strict=False)]
    assert len(calls) == 4 and all(g > 0.1 for g in gaps)  # jittered backoff, never a hot loop


def test_a_rejected_trace_is_isolated_and_the_rest_of_the_batch_delivered(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url, flush_interval=5)
    standin.state.reject_tools.add("demo.poison")
    ids = []
    for tool in ("demo.allowed", "demo.poison", "demo.allowed"):
        with client.action(tool, input={}) as action:
            pass
        ids.append(action.trace_id)
    assert client.flush(timeout=5) is True
    assert set(standin.state.traces) == {ids[0], ids[2]}
    assert client.stats()["rejected"] == 1


def test_breaker_opens_after_failures_and_stops_calling_the_server(standin, make_client):
    client = make_client(
        api_key=standin.api_key, base_url=standin.base_url, breaker_threshold=2, breaker_cooldown=60
    )
    standin.fail(503, times=2, path="/api/v1/check")

    @client.tool("demo.allowed")
    def noop() -> None:
        return None

    for _ in range(50):
        noop()
    checks = [p for p, _ in standin.state.request_times if p == "/api/v1/check"]
    assert len(checks) == 2
    assert client.stats()["breaker"] == "open"
    client.flush(timeout=5)
    ungoverned = [
        t for t in standin.state.traces.values() if t["metadata"]["execlave"].get("ungoverned")
    ]
    assert len(ungoverned) == 50


def test_429_on_check_opens_the_breaker_for_retry_after(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url, breaker_threshold=5)
    standin.fail(429, retry_after="1", path="/api/v1/check")
    assert client.check("demo.allowed").ungoverned is True
    assert client.check("demo.allowed").ungoverned is True  # no request: Retry-After not over
    assert len([p for p, _ in standin.state.request_times if p == "/api/v1/check"]) == 1
    time.sleep(1.1)
    assert client.check("demo.allowed").ungoverned is False


def test_wrong_key_raises_even_when_fail_open(standin, make_client):
    client = make_client(api_key="exk_wrong", base_url=standin.base_url)
    with pytest.raises(AuthenticationError, match="401"):
        client.check("demo.allowed")


def test_async_tools_are_governed_without_blocking_the_loop(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url)

    @client.tool("demo.allowed")
    async def fetch(url: str) -> str:
        await asyncio.sleep(0.01)
        return f"<html>{url}</html>"

    @client.tool("demo.blocked")
    async def wipe() -> None:
        raise AssertionError("must not run")

    @client.tool("demo.output")
    async def leak() -> str:
        return "the SECRET"

    async def main():
        results = await asyncio.gather(*(fetch(f"u{i}") for i in range(5)))
        with pytest.raises(ActionBlocked):
            await wipe()
        with pytest.raises(OutputBlocked):
            await leak()
        return results

    assert asyncio.run(main())[0] == "<html>u0</html>"
    client.flush(timeout=5)
    statuses = sorted(t["status"] for t in standin.state.traces.values())
    assert statuses == ["blocked", "blocked"] + ["ok"] * 5


def test_async_approval_wait_does_not_block_other_tasks(standin, make_client):
    client = make_client(api_key=standin.api_key, base_url=standin.base_url)

    @client.tool("demo.approval")
    async def pay(amount: int) -> str:
        return "paid"

    async def reviewer():
        for _ in range(200):
            await asyncio.sleep(0.02)
            pending = [a for a in standin.state.approvals.values() if a["status"] == "pending"]
            if pending:
                standin.decide(pending[0]["id"], "denied", comment="over budget")
                return

    async def main():
        task = asyncio.create_task(reviewer())
        with pytest.raises(ApprovalDenied, match="over budget"):
            await pay(5000)
        await task

    asyncio.run(main())


def test_spool_full_drop_oldest_and_drop_newest(tmp_path):
    body = "x" * 1000
    oldest = Spool(tmp_path / "a.sqlite3", stream="s", max_bytes=5000, full_policy="drop_oldest")
    oldest.append([(f"t{i}", body) for i in range(8)])
    assert [tid for _, tid, _ in oldest.head(100)] == ["t3", "t4", "t5", "t6", "t7"]
    assert oldest.dropped == 3
    newest = Spool(tmp_path / "b.sqlite3", stream="s", max_bytes=5000, full_policy="drop_newest")
    newest.append([(f"t{i}", body) for i in range(8)])
    assert [tid for _, tid, _ in newest.head(100)] == ["t0", "t1", "t2", "t3", "t4"]
    assert newest.dropped == 3
    # the API key is never on disk: rows carry only a hash of (server, key)
    dump = "\n".join(sqlite3.connect(tmp_path / "a.sqlite3").iterdump())
    assert "exk_" not in dump
