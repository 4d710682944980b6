"""One module per policy type: its settings schema and its pure evaluator.

``evaluate(settings, call, scan) -> Violation | None``: ``settings`` is the policy's typed,
validated settings object (the type's ``Settings`` model, parsed once per policy load);
evaluators read nothing else and touch no database. ``budget_cap`` also takes ``spent=``
(read under a lock by the decision service); alone it only refuses a call that could never
fit the cap.

:data:`POLICY_TYPES` is the registry the API schema, the admin and the policy wizard read:
per type its label, one-line summary, a valid example, the settings model and the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType

Evaluator = Callable[[Any, Call, Scan], Violation | None]


@dataclass(frozen=True)
class PolicyTypeSpec:
    type: str
    label: str
    summary: str
    example: dict[str, Any]
    settings: type[PolicySettings]
    evaluate: Evaluator

    def json_schema(self) -> dict[str, Any]:
        """The settings' JSON Schema (validation side), for form generation."""
        return self.settings.model_json_schema(mode="validation")


_MODULES = {
    PolicyType.COST_LIMIT: (cost_limit, cost_limit.CostLimitSettings),
    PolicyType.RECORD_COUNT_LIMIT: (
        record_count_limit,
        record_count_limit.RecordCountLimitSettings,
    ),
    PolicyType.PII_ACCESS: (pii_access, pii_access.PiiAccessSettings),
    PolicyType.PROMPT_INJECTION: (prompt_injection, prompt_injection.PromptInjectionSettings),
    PolicyType.ACTION_APPROVAL: (action_approval, action_approval.ActionApprovalSettings),
    PolicyType.EXTERNAL_API: (external_api, external_api.ExternalApiSettings),
    PolicyType.DATA_RESTRICTION: (data_restriction, data_restriction.DataRestrictionSettings),
    PolicyType.ACCESS_CONTROL: (access_control, access_control.AccessControlSettings),
    PolicyType.BUDGET_CAP: (budget_cap, budget_cap.BudgetCapSettings),
    PolicyType.QUALITY_THRESHOLD: (quality_threshold, quality_threshold.QualityThresholdSettings),
    PolicyType.OUTPUT_CLASSIFICATION: (
        output_classification,
        output_classification.OutputClassificationSettings,
    ),
    PolicyType.CUSTOM: (custom, custom.CustomSettings),
}

POLICY_TYPES: dict[str, PolicyTypeSpec] = {
    policy_type.value: PolicyTypeSpec(
        type=policy_type.value,
        label=policy_type.label,
        summary=settings.summary,
        example=settings.example,
        settings=settings,
        evaluate=module.evaluate,
    )
    for policy_type, (module, settings) in _MODULES.items()
}
EVALUATORS: dict[str, Evaluator] = {t: spec.evaluate for t, spec in POLICY_TYPES.items()}
SETTINGS: dict[str, type[PolicySettings]] = {t: spec.settings for t, spec in POLICY_TYPES.items()}


def evaluate(policy_type: str, config: PolicySettings, call: Call, scan: Scan) -> Violation | None:
    return EVALUATORS[policy_type](config, call, scan)


__all__ = [
    "EVALUATORS",
    "POLICY_TYPES",
    "SETTINGS",
    "ApprovalParams",
    "Evaluator",
    "PolicySettings",
    "PolicyTypeSpec",
    "Violation",
    "approval_params",
    "evaluate",
]
