"""One pure evaluator per policy type: ``evaluate(config, call, scan) -> Violation | None``.

``config`` is the policy's validated ``threshold``; evaluators read nothing else and
touch no database. ``budget_cap`` also takes ``spent=`` (read under a lock by the
decision service); alone it only refuses a call that could never fit the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from policies.call import Call, Scan
from policies.evaluators import (
    access_control,
    action_approval,
    budget_cap,
    cost_limit,
    custom,
    data_restriction,
    external_api,
    output_classification,
    pii_access,
    prompt_injection,
    quality_threshold,
    record_count_limit,
)
from policies.evaluators.base import ApprovalParams, Violation, approval_params
from policies.types import PolicyType

Evaluator = Callable[[dict[str, Any], Call, Scan], Violation | None]

EVALUATORS: dict[str, Evaluator] = {
    PolicyType.COST_LIMIT: cost_limit.evaluate,
    PolicyType.RECORD_COUNT_LIMIT: record_count_limit.evaluate,
    PolicyType.PII_ACCESS: pii_access.evaluate,
    PolicyType.PROMPT_INJECTION: prompt_injection.evaluate,
    PolicyType.ACTION_APPROVAL: action_approval.evaluate,
    PolicyType.EXTERNAL_API: external_api.evaluate,
    PolicyType.DATA_RESTRICTION: data_restriction.evaluate,
    PolicyType.ACCESS_CONTROL: access_control.evaluate,
    PolicyType.BUDGET_CAP: budget_cap.evaluate,
    PolicyType.QUALITY_THRESHOLD: quality_threshold.evaluate,
    PolicyType.OUTPUT_CLASSIFICATION: output_classification.evaluate,
    PolicyType.CUSTOM: custom.evaluate,
}


def evaluate(policy_type: str, config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    return EVALUATORS[policy_type](config, call, scan)


__all__ = ["EVALUATORS", "ApprovalParams", "Evaluator", "Violation", "approval_params", "evaluate"]
