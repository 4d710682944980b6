"""Generated ledgers for the dashboard's tests and its benchmark: calls through the real ledger
service with a known mix of decisions, violations, costs and ungoverned calls."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from traces.services import LedgerEvent, ledger_append

DECISIONS = ["allow"] * 14 + ["warn", "block", "require_approval"]


@dataclass
class Expected:
    """What the generator wrote, counted in Python as it went (independent of the SQL)."""

    calls: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    violating: dict[str, int] = field(default_factory=dict)
    spend: dict[str, Decimal] = field(default_factory=dict)
    ungoverned: dict[str, int] = field(default_factory=dict)
    policy_violations: dict[int, int] = field(default_factory=dict)


def generate(
    *,
    organisation,
    agents,
    calls: int,
    start: datetime,
    span: timedelta,
    policies: list[tuple[int, str]],
    seed: int = 7,
    batch: int = 5_000,
    expected: Expected | None = None,
    progress=None,
) -> Expected:
    """``calls`` calls spread over ``span`` from ``start``: each a decision and a completion,
    except one in 25, which the SDK ran ungoverned (a completion only, marked as the Python
    SDK marks it)."""
    rnd = random.Random(seed)
    expected = expected or Expected()
    events: list[LedgerEvent] = []
    step = span / max(calls, 1)
    for i in range(calls):
        agent = agents[i % len(agents)]
        at = start + step * i
        trace_id = uuid.UUID(int=rnd.getrandbits(128), version=4)
        name = agent.name
        expected.calls[name] = expected.calls.get(name, 0) + 1
        ungoverned = i % 25 == 24
        cost = Decimal(rnd.randint(1, 5000)) / Decimal(10000)
        if not ungoverned:
            decision = DECISIONS[rnd.randrange(len(DECISIONS))]
            expected.decisions[decision] = expected.decisions.get(decision, 0) + 1
            results = []
            for pid, pname in policies:
                violated = decision != "allow" and rnd.random() < 0.5 or rnd.random() < 0.02
                outcome = "violation" if violated else "pass"
                if violated:
                    expected.policy_violations[pid] = expected.policy_violations.get(pid, 0) + 1
                results.append(
                    {"id": pid, "name": pname, "mode": "block", "outcome": outcome, "reason": ""}
                )
            if decision != "allow":
                expected.violating[name] = expected.violating.get(name, 0) + 1
            events.append(
                LedgerEvent(
                    trace_id=trace_id,
                    kind="decision",
                    agent=agent,
                    tool="database.query",
                    input={"sql": f"select {i}"},
                    client={"agent": name, "tool": "database.query"},
                    server={"decision": decision, "policies": results},
                    occurred_at=at,
                )
            )
        metadata = {"execlave": {"sdk": "python/test"}}
        if ungoverned:
            metadata["execlave"].update(ungoverned=True, reason="server unreachable")
            expected.ungoverned[name] = expected.ungoverned.get(name, 0) + 1
        client = {"status": "ok", "duration_ms": 3.5, "metadata": metadata}
        if i % 4:  # three calls in four report a cost (as a string, as the SDK sends a Decimal)
            client["cost"] = str(cost)
            expected.spend[name] = expected.spend.get(name, Decimal(0)) + cost
        events.append(
            LedgerEvent(
                trace_id=trace_id,
                kind="completion",
                agent=agent,
                tool="database.query",
                input={"sql": f"select {i}"},
                output={"rows": i % 7},
                client=client,
                occurred_at=at + timedelta(milliseconds=5),
            )
        )
        if len(events) >= batch:
            ledger_append(organisation=organisation, events=events)
            if progress:
                progress(len(events))
            events = []
    if events:
        ledger_append(organisation=organisation, events=events)
        if progress:
            progress(len(events))
    return expected
