"""What makes a large dry-run fast never changes its counts (issue 13).

The calls are recorded by ``/api/v1/check`` over HTTP; then a dry-run split over several
task parts, a dry-run read through the scope pre-filter and one read through the memo of
identical calls are each compared with the plain single pass over the same rows.
"""

from __future__ import annotations

import inspect
import uuid

import pytest
from django.test import override_settings

from policies import replay, testing
from policies.evaluators import EVALUATORS
from policies.models import DryRun
from policies.services import policy_create
from policies.testing import dry_run_execute, dry_run_start, policy_draft, policy_dry_run

pytestmark = pytest.mark.django_db

# Three workers, and parts as small as one call: the split's thresholds, not its code, change.
SPLIT_3 = {"Q_CLUSTER": {"workers": 3, "sync": True, "orm": "default"},
           "POLICY_DRY_RUN_PART_MIN": 1}  # fmt: skip
PII = {"name": "No SSNs", "type": "pii_access", "mode": "block", "phase": "both",
       "threshold": {"denied_pii_types": ["ssn"]}}  # fmt: skip


@pytest.fixture
def check_client(org, api_client_for):
    return api_client_for(org, scopes=["check"])


def _check(client, agent, tool, data, output=None, cost=None):
    body = {"trace_id": str(uuid.uuid4()), "agent": agent, "tool": tool, "input": data,
            "context": {"estimated_cost": cost} if cost else {}}  # fmt: skip
    response = client.post("/api/v1/check", body, format="json")
    assert response.status_code == 200, response.content
    if output is not None:
        body.update(phase="output", output=output, input=data)
        assert client.post("/api/v1/check", body, format="json").status_code == 200


@pytest.fixture
def history(org, agent, check_client):
    """36 calls and 12 output checks over 3 agents and 3 tools; a third carry an SSN, and the
    same inputs repeat (agents repeat calls)."""
    agents, tools = ("billing-bot", "support-bot", "ops-bot"), ("crm.search", "email.send",
                                                                 "database.query")  # fmt: skip
    for i in range(36):
        n = (i // 9) % 2  # each agent and tool sees the same two inputs twice
        data = {"query": f"SSN 123-45-670{n}" if i % 3 == 0 else f"order {n}"}
        output = {"rows": f"SSN 123-45-68{i:02d}" if i % 2 else "none"} if i % 3 == 1 else None
        _check(check_client, agents[i % 3], tools[(i // 3) % 3], data, output, cost="0.40")


def _comparable(result):
    return {k: v for k, v in result.items() if k != "since"}


def _run_as_tasks(org, definition, baseline_id=None, days=7):
    policy = policy_draft(organisation=org, definition=definition, policy_id=baseline_id)
    run = dry_run_start(organisation=org, policy=policy, days=days, baseline_id=baseline_id)
    return DryRun.objects.get(pk=run.pk)


@override_settings(**SPLIT_3)
def test_split_over_tasks_merges_to_the_single_pass(org, history, monkeypatch):
    monkeypatch.setattr(replay, "MAX_EXAMPLES", 3)  # examples must come from several parts
    run = _run_as_tasks(org, PII)
    assert len(run.parts) == 3 and run.status == "done"
    assert [p["from"] for p in run.parts] == sorted(p["from"] for p in run.parts)
    single = policy_dry_run(organisation=org, definition=PII, days=7)
    assert _comparable(run.result) == _comparable(single)
    assert single["scanned"] == 48 and single["totals"]["block"] > 0
    # The examples are the first three in ledger order, as one pass keeps them.
    for group in single["by_agent_tool"]:
        seqs = [e["seq"] for e in group["example_traces"]]
        assert seqs == sorted(seqs) and len(seqs) == min(3, group["block"])
    assert run.done == run.total == 48 and all(p["result"] is None for p in run.parts)


@override_settings(**SPLIT_3)
def test_split_diff_against_the_current_version_merges_to_the_single_pass(
    org, history, monkeypatch
):
    current = policy_create(organisation=org, actor=None, name="No SSNs", type="data_restriction",
                            mode="warn", threshold={"restricted_words": ["order"]})  # fmt: skip
    run = _run_as_tasks(org, PII, baseline_id=current.pk)
    assert len(run.parts) == 3
    single = testing.policy_dry_run_diff(organisation=org, policy=current, definition=PII, days=7)
    assert _comparable(run.result) == _comparable(single)
    assert single["diff"]["newly"]["block"] > 0 and single["diff"]["no_longer"]["warn"] > 0


@override_settings(**SPLIT_3)
def test_parts_report_progress_and_the_last_one_merges(org, history, monkeypatch):
    queued = []
    monkeypatch.setattr(testing, "async_task", lambda *args: queued.append(args))
    run = _run_as_tasks(org, PII)
    assert run.status == "queued" and run.total == 48 and len(queued) == 3
    for n, (_name, run_id, part) in enumerate(queued, start=1):
        dry_run_execute(run_id=run_id, part=part)
        run.refresh_from_db()
        assert run.done == sum(p["done"] for p in run.parts)
        if n < 3:
            assert run.status == "running" and run.result is None and 0 < run.done < 48
    assert run.status == "done" and run.done == 48
    assert run.result["totals"] == policy_dry_run(organisation=org, definition=PII,
                                                  days=7)["totals"]  # fmt: skip


@override_settings(**SPLIT_3)
def test_a_failed_part_leaves_the_run_failed(org, history, monkeypatch):
    queued = []
    monkeypatch.setattr(testing, "async_task", lambda *args: queued.append(args))
    run = _run_as_tasks(org, PII)
    DryRun.objects.filter(pk=run.pk).update(status="failed", error="part 0: OperationalError")
    for _name, run_id, part in queued:
        dry_run_execute(run_id=run_id, part=part)
    run.refresh_from_db()
    assert run.status == "failed" and run.result is None


@override_settings(**SPLIT_3)
def test_a_budget_cap_is_never_split(org, history, monkeypatch):
    budget = {"name": "cap", "type": "budget_cap", "mode": "block",
              "threshold": {"amount": "2", "period": "month", "scope": "organisation"}}  # fmt: skip
    run = _run_as_tasks(org, budget)
    assert len(run.parts) == 1
    single = policy_dry_run(organisation=org, definition=budget, days=7)
    assert _comparable(run.result) == _comparable(single)
    assert single["totals"]["block"] > 0 and single["totals"]["allow"] == 5  # 5 x 0.40 fit in 2


@pytest.mark.parametrize(
    "scope",
    [
        {"tool_patterns": ["crm.*", "email.send"]},
        {"agents": ["support-bot"]},
        {"agents": ["support-bot", "ops-bot"], "tool_patterns": ["*.query"]},
        {"tool_patterns": ["nothing.matches"]},
    ],
)
def test_scope_prefilter_never_changes_counts(org, history, monkeypatch, scope):
    definition = {**PII, **scope}
    decided = []
    decide = replay.Replayer.decide

    def counting(self, agent_id, call):
        decided.append(call.tool)
        return decide(self, agent_id, call)

    monkeypatch.setattr(replay.Replayer, "decide", counting)
    filtered = policy_dry_run(organisation=org, definition=definition, days=7)
    read_filtered = len(decided)
    decided.clear()
    monkeypatch.setattr(replay, "scope_filter", lambda rows, policies: None)
    monkeypatch.setattr(replay, "MEMO_MAX", 0)
    everything = policy_dry_run(organisation=org, definition=definition, days=7)
    assert _comparable(filtered) == _comparable(everything)
    assert everything["scanned"] == filtered["scanned"] == 48
    assert read_filtered < len(decided) == 48  # rows out of scope were not read


def test_diff_prefilter_reads_the_union_of_both_scopes(org, history, monkeypatch):
    current = policy_create(organisation=org, actor=None, name="No SSNs", type="pii_access",
                            tool_patterns=["email.*"],
                            threshold={"denied_pii_types": ["ssn"]})  # fmt: skip
    edited = {**PII, "tool_patterns": ["crm.*"]}
    filtered = testing.policy_dry_run_diff(organisation=org, policy=current, definition=edited,
                                           days=7)  # fmt: skip
    monkeypatch.setattr(replay, "scope_filter", lambda rows, policies: None)
    everything = testing.policy_dry_run_diff(organisation=org, policy=current,
                                             definition=edited, days=7)  # fmt: skip
    assert _comparable(filtered) == _comparable(everything)
    assert filtered["diff"]["newly"]["block"] > 0 and filtered["diff"]["no_longer"]["block"] > 0


def test_identical_calls_are_decided_once_with_the_same_counts(org, history, monkeypatch):
    definition = {**PII, "phase": "input"}
    decided = []
    decide = replay.Replayer.decide

    def counting(self, agent_id, call):
        decided.append(1)
        return decide(self, agent_id, call)

    monkeypatch.setattr(replay.Replayer, "decide", counting)
    memoised = policy_dry_run(organisation=org, definition=definition, days=7)
    calls = len(decided)
    decided.clear()
    monkeypatch.setattr(replay, "MEMO_MAX", 0)
    plain = policy_dry_run(organisation=org, definition=definition, days=7)
    assert _comparable(memoised) == _comparable(plain) and plain["scanned"] == 36
    assert calls < len(decided) == 36


@pytest.mark.parametrize("policy_type", sorted(replay.PAYLOAD_ONLY))
def test_payload_only_types_read_neither_context_nor_time(policy_type):
    """The replay skips the context and the time for these types; their evaluators must not
    look at them (a new evaluator that does belongs outside PAYLOAD_ONLY)."""
    source = inspect.getsource(inspect.getmodule(EVALUATORS[policy_type]))
    for word in ("context", "call.now", "environment", "estimated_cost", "reported_cost",
                 "judge", "spent"):  # fmt: skip
        assert word not in source, f"{policy_type} reads {word}"
