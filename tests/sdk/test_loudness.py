"""Never silently ungoverned, and approval waits that say what they wait for (caplog).

Against the live server: the WARNING on the first ungoverned call (naming the base URL and
the reason), no line per call after it, one line when the server is back; the start-up
check (``verify=True``); the INFO line, progress and hook of a paused call.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from execlave import (
    ActionBlocked,
    ApiError,
    ApprovalPending,
    AuthenticationError,
    ConfigurationError,
    ExeclaveUnavailable,
)
from execlave import approvals as approvals_module
from execlave.outage import OutageReporter

from tests.sdk.live import LiveBackend, free_port

# The SDK's log lines do not depend on the server's database: make test's SQLite pass runs them.
pytestmark = pytest.mark.sqlite_pass_only


@pytest.fixture
def backend(live):
    live.require("POST", "/api/v1/check")
    return LiveBackend(live)


def _messages(caplog, level):
    return [r.getMessage() for r in caplog.records if r.name == "execlave" and r.levelno == level]


def test_first_ungoverned_call_warns_with_base_url_and_reason_then_one_line_when_back(
    backend, make_client, caplog
):
    client = make_client(
        api_key=backend.api_key,
        base_url=backend.base_url,
        breaker_threshold=1,
        breaker_cooldown=1,
        timeout=1,
    )
    caplog.set_level(logging.INFO, logger="execlave")
    backend.stop()
    try:
        for i in range(5):
            with client.action("database.blocked", input={"i": i}) as action:
                pass
            assert action.ungoverned
    finally:
        backend.start()
    warnings = _messages(caplog, logging.WARNING)
    assert len(warnings) == 1, warnings  # one line, not one per call
    assert "UNGOVERNED" in warnings[0] and backend.base_url in warnings[0]
    assert "unreachable" in warnings[0] and "database.blocked" in warnings[0]
    time.sleep(1.1)  # the breaker's cool-down: the next call asks the server again
    with pytest.raises(ActionBlocked), client.action("database.blocked", input={}):
        pass
    back = [m for m in _messages(caplog, logging.INFO) if "reachable again" in m]
    assert len(back) == 1 and "5 ran ungoverned" in back[0] and backend.base_url in back[0]
    assert client.stats()["ungoverned_calls"] == 0  # counted per outage


def test_one_summary_line_a_minute_while_it_lasts(caplog):
    caplog.set_level(logging.INFO, logger="execlave")
    reporter = OutageReporter("http://127.0.0.1:9", interval=0.2)
    for _ in range(13):
        reporter.ungoverned("orders.lookup", "server unreachable: refused")
    deadline = time.monotonic() + 10
    while len(_messages(caplog, logging.WARNING)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # quiet intervals add no line
    reporter.recovered()
    warnings = _messages(caplog, logging.WARNING)
    assert len(warnings) == 2, warnings
    assert warnings[1].startswith("execlave: 12 calls ran ungoverned in the last minute")
    assert "13 ran ungoverned" in _messages(caplog, logging.INFO)[0]


def test_verify_fails_fast_on_a_wrong_url_or_key_and_passes_on_the_right_ones(backend, make_client):
    ok = make_client(api_key=backend.api_key, base_url=backend.base_url, verify=True)
    assert sorted(ok.verify()["scopes"]) == ["check", "ingest", "read"]
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ExeclaveUnavailable, match=dead.replace(".", r"\.")):
        make_client(api_key="exk_live_x", base_url=dead, verify=True, spool_path=False)
    with pytest.raises(AuthenticationError):
        make_client(api_key="exk_live_wrong", base_url=backend.base_url, verify=True)
    with pytest.raises(ConfigurationError, match="belongs to agent 'billing-bot'"):
        make_client(
            api_key=backend.api_key, base_url=backend.base_url, agent="other-bot", verify=True
        )
    with pytest.raises(AuthenticationError):  # EXECLAVE_VERIFY=1 does the same
        make_client(
            api_key="exk_live_wrong",
            base_url=backend.base_url,
            environ={"EXECLAVE_VERIFY": "1"},
        )


@pytest.mark.parametrize("suffix", ["/api/v1", "/elsewhere"])
def test_a_base_url_that_is_not_the_servers_root_is_named_not_quoted(backend, make_client, suffix):
    # Session 16's tryout: EXECLAVE_BASE_URL=http://host:port/api/v1 raised an ApiError quoting
    # 500 characters of the 404 page's HTML (or a bare "Not found.").
    client = make_client(api_key=backend.api_key, base_url=backend.base_url + suffix)
    with (
        pytest.raises(ApiError) as raised,
        client.action("database.query", input={"sql": "select 1"}),
    ):
        pass
    message = str(raised.value)
    assert raised.value.status == 404 and "<" not in message
    assert f"{backend.base_url}{suffix} answered with a web page, not Execlave's API" in message
    assert "without /api/v1" in message


def test_a_paused_call_logs_its_approval_id_and_reviewer_url_with_progress_and_calls_the_hook(
    backend, make_client, caplog, monkeypatch
):
    monkeypatch.setattr(approvals_module, "LONG_POLL_MAX", 1.0)  # progress every second, not 30
    caplog.set_level(logging.INFO, logger="execlave")
    pending: list[ApprovalPending] = []
    client = make_client(
        api_key=backend.api_key,
        base_url=backend.base_url,
        approval_timeout=60,
        on_approval_pending=pending.append,
    )

    def decide_later():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            approval_id = backend.pending_approval()
            if approval_id:
                time.sleep(2.6)
                backend.decide(approval_id, "approved")
                return
            time.sleep(0.05)

    threading.Thread(target=decide_later, daemon=True).start()
    with client.action("payments.approval", input={"amount": 5000}) as action:
        action.record(output="paid")
    assert len(pending) == 1
    info = pending[0]
    assert info.tool == "payments.approval" and info.trace_id == action.trace_id
    assert info.review_url == f"{backend.base_url}/approvals/{info.approval_id}/"
    # The wait is a WARNING, so Python's default logging shows it (session 17's walk-through:
    # at INFO a script paused for approval printed nothing while it waited).
    warnings = _messages(caplog, logging.WARNING)
    paused = [m for m in warnings if "paused for approval" in m]
    assert len(paused) == 1 and info.approval_id in paused[0] and info.review_url in paused[0]
    assert any("still waiting for approval" in m for m in warnings), warnings
    assert any("approved; payments.approval runs" in m for m in _messages(caplog, logging.INFO))


def test_refusals_carry_policy_reason_and_trace_id(backend, make_client):
    client = make_client(api_key=backend.api_key, base_url=backend.base_url)
    with pytest.raises(ActionBlocked) as info, client.action("database.blocked", input={}):
        pass
    assert info.value.policy == "Block *.blocked"
    assert "restricted action" in info.value.reason
    closed = make_client(
        api_key=backend.api_key, base_url=f"http://127.0.0.1:{free_port()}", fail_mode="closed"
    )
    trace_id = "8c1d7a52-55c4-4a55-9f3f-0c6a4f0f7b11"
    with (
        pytest.raises(ExeclaveUnavailable) as down,
        closed.action("orders.lookup", input={}, trace_id=trace_id),
    ):
        pass
    assert down.value.trace_id == trace_id and down.value.tool == "orders.lookup"
    assert "unreachable" in down.value.reason and closed.settings.base_url in str(down.value)
