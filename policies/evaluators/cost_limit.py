"""``cost_limit``: no single call may cost more than ``max_cost_per_call``.

Input phase: ``context.estimated_cost``. Output phase: the reported ``context.cost``.
``require_estimate`` turns a missing estimate at the input phase into a violation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from policies.call import INPUT, Call, Scan
from policies.evaluators.base import Violation


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    limit = Decimal(str(config["max_cost_per_call"]))
    if call.phase == INPUT:
        cost, source = call.estimated_cost, "estimated_cost"
    else:
        cost, source = call.reported_cost, "cost"
    if cost is None:
        if call.phase == INPUT and config.get("require_estimate"):
            return Violation(
                "no estimated_cost in the context, and this policy requires one",
                {"source": source, "limit": str(limit)},
            )
        return None
    if cost > limit:
        label = "estimated cost" if source == "estimated_cost" else "reported cost"
        return Violation(
            f"{label} {cost} exceeds the limit of {limit} per call",
            {"source": source, "cost": str(cost), "limit": str(limit)},
        )
    return None
