"""Plain builders for evaluator tests (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from policies.call import Call, Scan
from policies.detectors.injection import framing as framing_module
from policies.detectors.injection.normalise import variant_sets
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


def framing_signals(text: str, *, variants: int = 2) -> set[str]:
    """The framing signals found in a text's first ``variants`` normalised variants (the raw and
    the folded; ``variants=1``: the raw text only)."""
    found: set[str] = set()
    for _, folded, words, _ in variant_sets(text)[:variants]:
        found |= framing_module.signals_in(folded, words)
    return found
