"""The dry-run's engine: replay a policy (and the version it would replace) over a stretch of
the organisation's recorded calls and count what it would have decided (issue 13).

Decisions come from the decision's own code (``policies.evaluation``: scope, phase,
evaluators, ``combine``), so the counts are what ``/api/v1/check`` decides for the same
recorded inputs. What makes a million calls fast is only in how rows are read:

* rows outside the policy's scope (agents, tool patterns) are not read at all: the tools
  in the window are matched in Python with the scope's own glob code and the query asks
  for those tools (and agents) only; every other row is allowed, as ``applies_to`` says;
* only the columns the type looks at: the context and the time are parsed for the types
  that read them (``PAYLOAD_ONLY`` lists those that never do);
* identical calls are decided once: for ``PAYLOAD_ONLY`` types the decision depends on the
  agent, the tool, the phase and the payload alone, so it is memoised on their raw text;
* a stretch is a ``seq`` range, so a large run splits over several django-q2 tasks
  (``policies.testing``) whose partial results ``merge`` into exactly the single pass's.

Read-only: nothing here writes anything.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from governance.models import Organisation
from governance.wire import wire_time
from policies.call import Call, Scan
from policies.evaluation import PASSED, VIOLATION, Outcome, combine, evaluate_one
from policies.evaluators import Violation, budget_cap
from policies.evaluators.base import glob_match_any
from policies.selectors import ActivePolicy
from policies.types import Decision, Phase, PolicyType
from traces import chain
from traces.models import LedgerEntry

FLAGGED = (Decision.BLOCK, Decision.REQUIRE_APPROVAL, Decision.WARN)
RANK = {Decision.ALLOW: 0, Decision.WARN: 1, Decision.REQUIRE_APPROVAL: 2, Decision.BLOCK: 3}
MAX_EXAMPLES = 20
CHUNK = 10_000
PROGRESS_EVERY = 20_000
MEMO_MAX = 50_000  # distinct calls remembered per run (a few MB)

# Types whose evaluators read only the agent, the tool, the phase and the payload: never the
# context (costs, environment, scores), the time, the LLM judge or earlier calls. A test
# holds each listed evaluator's source to that.
PAYLOAD_ONLY = frozenset(
    {
        PolicyType.RECORD_COUNT_LIMIT,
        PolicyType.PII_ACCESS,
        PolicyType.PROMPT_INJECTION,
        PolicyType.ACTION_APPROVAL,
        PolicyType.EXTERNAL_API,
        PolicyType.DATA_RESTRICTION,
        PolicyType.OUTPUT_CLASSIFICATION,
    }
)
# A budget cap's decision depends on the calls before it: one pass, in ledger order.
SEQUENTIAL = frozenset({PolicyType.BUDGET_CAP})

Progress = Callable[[int, int], None]


def kinds(policy: ActivePolicy) -> list[str]:
    """The ledger entries a policy of this phase is decided on."""
    if policy.phase == Phase.BOTH:
        return ["decision", "output_decision"]
    return ["output_decision"] if policy.phase == Phase.OUTPUT else ["decision"]


def window(
    organisation: Organisation, policies: Iterable[ActivePolicy], since: datetime,
    seq_range: tuple[int, int] | None = None,
):  # fmt: skip
    """The recorded calls of the last days that these policies are decided on."""
    wanted = sorted({k for p in policies for k in kinds(p)})
    rows = LedgerEntry.objects.filter(
        organisation=organisation, kind__in=wanted, occurred_at__gte=since
    )
    if seq_range is not None:
        rows = rows.filter(seq__gte=seq_range[0], seq__lte=seq_range[1])
    return rows.order_by()


def sequential(policies: Iterable[ActivePolicy]) -> bool:
    return any(p.type in SEQUENTIAL for p in policies)


def _scope(policy: ActivePolicy, tools: list[str]) -> Q | None:
    """The rows ``policy.applies_to`` may accept, as a filter (``None``: every row)."""
    if not policy.agent_ids and not policy.tool_patterns:
        return None
    q = Q()
    if policy.agent_ids:
        q &= Q(agent_id__in=sorted(policy.agent_ids))
    if policy.tool_patterns:
        q &= Q(tool__in=[t for t in tools if glob_match_any(t, policy.tool_patterns)])
    return q


def scope_filter(rows, policies: list[ActivePolicy]) -> Q | None:
    """Rows in scope of any of the policies; a row outside every scope is allowed by all."""
    if any(not p.agent_ids and not p.tool_patterns for p in policies):
        return None
    tools = list(rows.values_list("tool", flat=True).distinct())
    q = Q(pk__in=[])
    for policy in policies:
        q |= _scope(policy, tools)
    return q


class Replayer:
    """One policy over recorded calls, in ledger order; budget caps count their own simulated
    reservations per window (starting from nothing spent)."""

    def __init__(self, policy: ActivePolicy):
        self.policy = policy
        self.spent: dict[tuple[str, Any], Decimal] = defaultdict(Decimal)

    def decide(self, agent_id: int | None, call: Call) -> str:
        policy = self.policy
        if not policy.applies_to(agent_id=agent_id or 0, tool=call.tool) or not policy.runs_in(
            call.phase
        ):
            return Decision.ALLOW
        scan = Scan(call)
        if policy.type != PolicyType.BUDGET_CAP:
            return combine([evaluate_one(policy, call, scan)])
        try:
            config = policy.config()
            key = (
                budget_cap.scope_key(config, call),
                budget_cap.period_window(config, call.now)[0],
            )
        except Exception:  # noqa: BLE001 - invalid stored settings fail closed, as on /check
            return combine([evaluate_one(policy, call, scan)])
        outcome = budget_outcome(policy, call, scan, self.spent[key])
        decision = combine([outcome])
        if decision != Decision.BLOCK:
            self.spent[key] += budget_cap.reservation_amount(config, call)
        return decision


def budget_outcome(policy: ActivePolicy, call: Call, scan: Scan, spent: Decimal) -> Outcome:
    config = policy.config()
    try:
        violation = budget_cap.evaluate(config, call, scan, spent=spent)
    except Exception as exc:  # noqa: BLE001 - as the decision path: fail closed
        violation = Violation(f"the budget could not be evaluated ({type(exc).__name__})", {})
    return Outcome(policy, VIOLATION if violation else PASSED, violation)


def payload(text: str) -> dict:
    data = json.loads(text)
    if chain.is_redacted(text):
        return data.get("remaining") or {}
    return data


def context(client_text: str) -> dict:
    try:
        value = json.loads(client_text).get("context")
    except (ValueError, AttributeError):
        return {}
    return value if isinstance(value, dict) else {}


def replay(
    *,
    organisation: Organisation,
    policy: ActivePolicy,
    baseline: ActivePolicy | None,
    since: datetime,
    seq_range: tuple[int, int] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Replay over the calls since ``since`` (within ``seq_range``): a partial result
    (JSON-safe) that ``merge`` completes. Examples carry ``seq``; ``merge`` names the trace."""
    policies = [policy] + ([baseline] if baseline else [])
    rows = window(organisation, policies, since, seq_range)
    if seq_range is None:  # calls recorded while it runs are not part of it
        top = rows.aggregate(top=Max("seq"))["top"]
        rows = rows.filter(seq__lte=top or 0)
    total = rows.count()
    scope = scope_filter(rows, policies) if total else None
    todo = rows.filter(scope).count() if scope is not None else total
    payload_only = all(p.type in PAYLOAD_ONLY for p in policies)
    columns = ["seq", "kind", "agent_id", "agent_name", "tool", "payload"]
    if not payload_only:
        columns += ["client", "occurred_at"]
    now = timezone.now()  # what a payload-only evaluator is never shown
    new, old = Replayer(policy), (Replayer(baseline) if baseline else None)
    memo: dict[tuple, tuple[str, str | None]] = {}
    totals = {d: 0 for d in (Decision.ALLOW, *FLAGGED)}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    change = {"newly": {d: 0 for d in FLAGGED}, "no_longer": {d: 0 for d in FLAGGED}}
    change_examples: dict[str, list[list]] = defaultdict(list)
    done = 0
    if progress:
        progress(0, total)
    selected = (rows.filter(scope) if scope is not None else rows).order_by("seq")
    for row in selected.values_list(*columns).iterator(chunk_size=CHUNK):
        seq, kind, agent_id, agent_name, tool, text = row[:6]
        key = (agent_id, agent_name, tool, kind, text) if payload_only else None
        decided = memo.get(key) if key else None
        if decided is None:
            data = payload(text)
            call = Call(
                agent=agent_name or "", tool=tool,
                phase=Phase.OUTPUT if kind == "output_decision" else Phase.INPUT,
                input=data.get("input"), output=data.get("output"),
                context=context(row[6]) if not payload_only else {},
                now=row[7] if not payload_only else now,
            )  # fmt: skip
            decided = (new.decide(agent_id, call), old.decide(agent_id, call) if old else None)
            if key and len(memo) < MEMO_MAX:
                memo[key] = decided
        decision, before = decided
        totals[decision] += 1
        if decision != Decision.ALLOW:
            group = groups.get((agent_name or "", tool))
            if group is None:
                group = groups[(agent_name or "", tool)] = {
                    "agent": agent_name or "", "tool": tool, **{d: 0 for d in FLAGGED},
                    "examples": [],
                }  # fmt: skip
            group[decision] += 1
            if len(group["examples"]) < MAX_EXAMPLES:
                group["examples"].append([seq, decision])
        if old is not None and before != decision:
            if RANK[decision] > RANK[before]:
                label = f"newly_{decision}"
                change["newly"][decision] += 1
            else:
                label = f"no_longer_{before}"
                change["no_longer"][before] += 1
            if len(change_examples[label]) < MAX_EXAMPLES:
                change_examples[label].append([seq, before, decision])
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(min(total, done * total // todo), total)
    # Rows outside every scope: allowed by both versions.
    skipped = total - todo
    totals[Decision.ALLOW] += skipped
    if progress:
        progress(done + skipped, done + skipped)
    return {
        "scanned": done + skipped,
        "totals": totals,
        "groups": list(groups.values()),
        "change": change if old is not None else None,
        "change_examples": dict(change_examples),
    }


def merge(
    organisation: Organisation, partials: list[Mapping[str, Any]], *, days: int, since: datetime
) -> dict[str, Any]:
    """The dry-run's result from the partial results of consecutive stretches: counts add
    up, examples are the first 20 in ledger order, as one pass over all of them."""
    totals = {d: 0 for d in (Decision.ALLOW, *FLAGGED)}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    change = None
    change_examples: dict[str, list] = defaultdict(list)
    for part in partials:
        for decision, n in part["totals"].items():
            totals[decision] += n
        for g in part["groups"]:
            into = groups.setdefault(
                (g["agent"], g["tool"]),
                {"agent": g["agent"], "tool": g["tool"], **{d: 0 for d in FLAGGED},
                 "examples": []},
            )  # fmt: skip
            for decision in FLAGGED:
                into[decision] += g[decision]
            into["examples"] += g["examples"]
        if part["change"] is not None:
            change = change or {"newly": {d: 0 for d in FLAGGED},
                                "no_longer": {d: 0 for d in FLAGGED}}  # fmt: skip
            for which in ("newly", "no_longer"):
                for decision, n in part["change"][which].items():
                    change[which][decision] += n
        for label, examples in part["change_examples"].items():
            change_examples[label] += examples
    for g in groups.values():
        g["examples"] = sorted(g["examples"])[:MAX_EXAMPLES]
    for label in change_examples:
        change_examples[label] = sorted(change_examples[label])[:MAX_EXAMPLES]
    traces = _trace_ids(
        organisation,
        {e[0] for g in groups.values() for e in g["examples"]}
        | {e[0] for examples in change_examples.values() for e in examples},
    )
    by_agent_tool = [
        {
            "agent": g["agent"], "tool": g["tool"], **{d: g[d] for d in FLAGGED},
            "example_traces": [
                {"trace_id": traces[seq], "seq": seq, "decision": decision}
                for seq, decision in g["examples"]
            ],
        }
        for g in sorted(
            groups.values(),
            key=lambda g: (-g[Decision.BLOCK], -g[Decision.REQUIRE_APPROVAL], -g[Decision.WARN],
                           g["agent"], g["tool"]),
        )
    ]  # fmt: skip
    result: dict[str, Any] = {
        "days": days,
        "since": wire_time(since),
        "scanned": sum(part["scanned"] for part in partials),
        "totals": totals,
        "by_agent_tool": by_agent_tool,
    }
    if change is not None:
        result["diff"] = {
            **change,
            "example_traces": {
                label: [
                    {"trace_id": traces[seq], "seq": seq, "before": before, "after": after}
                    for seq, before, after in examples
                ]
                for label, examples in change_examples.items()
            },
            "summary": diff_summary(change),
        }
    return result


def _trace_ids(organisation: Organisation, seqs: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(seqs)
    for start in range(0, len(ordered), 500):
        found.update(
            (seq, str(trace))
            for seq, trace in LedgerEntry.objects.filter(
                organisation=organisation, seq__in=ordered[start : start + 500]
            ).values_list("seq", "trace_id")
        )
    return found


def diff_summary(change: Mapping[str, Mapping[str, int]]) -> str:
    """'would newly block 37 calls that the current version allows; ...' in plain English."""
    words = {Decision.BLOCK: "block", Decision.REQUIRE_APPROVAL: "pause for approval",
             Decision.WARN: "warn on"}  # fmt: skip
    parts = []
    for decision in FLAGGED:
        n = change["newly"][decision]
        if n:
            parts.append(
                f"would newly {words[decision]} {n} call{'s' if n != 1 else ''} "
                "that the current version treats more leniently"
            )
    for decision in FLAGGED:
        n = change["no_longer"][decision]
        if n:
            parts.append(
                f"would no longer {words[decision]} {n} call{'s' if n != 1 else ''} "
                "that the current version does"
            )
    return "; ".join(parts) or "no recorded call would be decided differently"
