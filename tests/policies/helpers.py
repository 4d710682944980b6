"""Plain builders for evaluator tests (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from policies.call import Call, Scan
from policies.evaluators import EVALUATORS, Violation
from policies.thresholds import parse_settings

NOW = datetime(2025, 3, 12, 10, 30, tzinfo=UTC)  # a Wednesday


def make_call(tool: str = "database.query", *, phase: str = "input", agent: str = "billing-bot",
              input: Any = None, output: Any = None, context: dict | None = None,
              now: datetime = NOW, environment: str = "") -> Call:  # fmt: skip
    return Call(
        agent=agent,
        tool=tool,
        phase=phase,
        input=input if input is not None else {},
        output=output,
        context=context or {},
        now=now,
        environment=environment,
    )


def run(policy_type: str, threshold: dict, call: Call, **scan_kw) -> Violation | None:
    """Validate the threshold like a save would, then evaluate."""
    config = parse_settings(policy_type, threshold)
    return EVALUATORS[policy_type](config, call, Scan(call, **scan_kw))
