"""Custom policies judged by an LLM over a real chat-completions server on loopback."""

from __future__ import annotations

import socket
import time

import pytest

from policies.call import Scan
from policies.evaluators import custom
from policies.llm import LLMJudge, OfflineJudge, TTLCache, judge_from_settings, parse_answer
from tests.policies.helpers import make_call, run

RULE = {"rule": "Never send emails to addresses outside example.com"}


def judge_for(server, **kw) -> LLMJudge:
    return LLMJudge(base_url=server.base_url, model="judge-model", api_key="sk-test", **kw)


def email(to: str):
    return make_call("email.send", input={"to": to, "subject": "Q3", "body": "numbers attached"})


def test_violation_and_pass_from_the_model(llm_server):
    judge = judge_for(llm_server)
    v = run("custom", RULE, email("bob@gmail.com"), judge=judge)
    assert v.reason == "LLM judge: recipient is outside example.com"
    assert v.details == {"judge": "llm", "cached": False}
    assert run("custom", RULE, email("bob@example.com"), judge=judge) is None

    request = llm_server.requests[0]
    assert request["model"] == "judge-model" and request["temperature"] == 0
    assert request["messages"][0]["role"] == "system"
    assert "Never send emails" in request["messages"][1]["content"]
    assert '"tool": "email.send"' in request["messages"][1]["content"]
    assert llm_server.headers[0]["authorization"] == "Bearer sk-test"


def test_identical_questions_are_cached(llm_server):
    judge = judge_for(llm_server)
    first = run("custom", RULE, email("bob@gmail.com"), judge=judge)
    second = run("custom", RULE, email("bob@gmail.com"), judge=judge)
    assert len(llm_server.requests) == 1
    assert first.details["cached"] is False and second.details["cached"] is True
    run("custom", RULE, email("eve@gmail.com"), judge=judge)  # different call, new question
    run(
        "custom", {"rule": RULE["rule"] + "."}, email("bob@gmail.com"), judge=judge
    )  # different rule
    assert len(llm_server.requests) == 3


def test_cache_expires(llm_server):
    judge = LLMJudge(base_url=llm_server.base_url, model="m", cache_ttl=0.2)
    run("custom", RULE, email("bob@gmail.com"), judge=judge)
    time.sleep(0.3)
    run("custom", RULE, email("bob@gmail.com"), judge=judge)
    assert len(llm_server.requests) == 2


def test_timeout_fails_closed_by_default(llm_server):
    llm_server.behaviour, llm_server.delay = "slow", 3
    judge = judge_for(llm_server, timeout=0.3)
    start = time.monotonic()
    v = run("custom", RULE, email("bob@example.com"), judge=judge)
    assert time.monotonic() - start < 2.5
    assert (
        v.reason
        == "the LLM judge is unavailable (timed out after 0.3s) and this policy fails closed"
    )
    assert v.details["fail_mode"] == "closed"


def test_timeout_fails_open_with_a_note(llm_server):
    llm_server.behaviour, llm_server.delay = "slow", 3
    judge = judge_for(llm_server, timeout=5)
    call = email("bob@gmail.com")
    scan = Scan(call, judge=judge)
    config = {**RULE, "fail_mode": "open", "timeout": 0.3, "scan": "both"}
    assert (
        custom.evaluate(custom.CustomSettings(**config), call, scan) is None
    )  # the policy's own timeout wins
    assert scan.notes == [
        {
            "message": "LLM judge unavailable (timed out after 0.3s); the policy fails open",
            "judge": "llm",
            "error": "timed out after 0.3s",
        }
    ]


def test_unreachable_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    judge = LLMJudge(base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=2)
    v = run("custom", RULE, email("bob@example.com"), judge=judge)
    assert "unreachable" in v.reason and "fails closed" in v.reason
    assert (
        run("custom", {**RULE, "fail_mode": "open"}, email("bob@example.com"), judge=judge) is None
    )


def test_server_error_and_unreadable_answers(llm_server):
    judge = judge_for(llm_server)
    llm_server.behaviour = "error"
    assert "HTTP 500" in run("custom", RULE, email("a@gmail.com"), judge=judge).reason
    llm_server.behaviour = "garbage"
    assert (
        "could not be read as a verdict"
        in run("custom", RULE, email("b@gmail.com"), judge=judge).reason
    )
    assert run("custom", {**RULE, "fail_mode": "open"}, email("c@gmail.com"), judge=judge) is None
    llm_server.behaviour = "fenced"
    assert run("custom", RULE, email("d@gmail.com"), judge=judge).reason.startswith("LLM judge:")


def test_failures_are_not_cached(llm_server):
    judge = judge_for(llm_server)
    llm_server.behaviour = "error"
    run("custom", RULE, email("bob@gmail.com"), judge=judge)
    llm_server.behaviour = "judge"
    assert run("custom", RULE, email("bob@gmail.com"), judge=judge).details["cached"] is False


def test_judge_from_settings(settings, llm_server):
    settings.EXECLAVE_LLM_BASE_URL = ""
    assert isinstance(judge_from_settings(), OfflineJudge)
    settings.EXECLAVE_LLM_BASE_URL = llm_server.base_url
    settings.EXECLAVE_LLM_MODEL = "from-settings"
    settings.EXECLAVE_LLM_API_KEY = "sk-settings"
    settings.EXECLAVE_LLM_TIMEOUT = 4
    judge = judge_from_settings()
    assert isinstance(judge, LLMJudge) and judge.model == "from-settings" and judge.timeout == 4
    assert judge_from_settings() is judge  # one judge (and one cache) per configuration
    v = run("custom", RULE, email("bob@gmail.com"))  # no judge on the scan: settings decide
    assert v.reason.startswith("LLM judge:")
    assert llm_server.requests[-1]["model"] == "from-settings"
    settings.EXECLAVE_LLM_BASE_URL = ""
    assert "offline judge" in run("custom", RULE, email("bob@gmail.com")).reason


@pytest.mark.parametrize(
    ("content", "verdict"),
    [
        ('{"violation": true, "reason": "x"}', True),
        ('{"violation": "false", "reason": "x"}', False),
        ('```json\n{"violates": true}\n```', True),
        ('{"decision": "allow", "reason": "fine"}', False),
        ("VIOLATION: sends data out", True),
        ("Compliant.", False),
    ],
)
def test_parse_answer(content, verdict):
    assert parse_answer(content)[0] is verdict


def test_ttl_cache_is_lru_bounded():
    cache = TTLCache(maxsize=2, ttl=60)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.get("a")
    cache.set("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and len(cache) == 2
