"""``cost_limit``: no single call may cost more than ``max_cost_per_call``.

Input phase: ``context.estimated_cost``. Output phase: the reported ``context.cost``.
``require_estimate`` turns a missing estimate at the input phase into a violation.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from policies.call import INPUT, Call, Scan
from policies.evaluators.base import Violation
from policies.evaluators.fields import Flag, Money, widget
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType


class CostLimitSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.COST_LIMIT
    summary: ClassVar[str] = (
        "Refuse any single call that costs (or is estimated to cost) more than a limit."
    )
    example: ClassVar[dict[str, Any]] = {"max_cost_per_call": "0.50"}

    max_cost_per_call: Money = Field(
        title="Maximum cost per call",
        description="In the organisation's currency: the estimated cost before the call, "
        "the reported cost after it.",
        examples=["0.50"],
    )
    require_estimate: Flag = Field(
        False,
        title="Require a cost estimate",
        description="Refuse calls that send no context.estimated_cost.",
        json_schema_extra=widget("switch"),
    )


def evaluate(config: CostLimitSettings, call: Call, scan: Scan) -> Violation | None:
    limit = config.max_cost_per_call
    if call.phase == INPUT:
        cost, source = call.estimated_cost, "estimated_cost"
    else:
        cost, source = call.reported_cost, "cost"
    if cost is None:
        if call.phase == INPUT and config.require_estimate:
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
