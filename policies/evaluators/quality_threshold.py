"""``quality_threshold``: the output's quality score must be at least ``min_score``.

The score is read from ``score_field`` (dotted path, default ``quality_score``) in the
output, then in the context, then in ``context.metadata``. ``missing`` decides what a
call without a score does: ``ignore`` (default) or ``violate``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from policies.call import Call, Scan, to_decimal
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation
from policies.evaluators.fields import Choice, Real, Text, widget
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType


class QualityThresholdSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.QUALITY_THRESHOLD
    summary: ClassVar[str] = "Flag tool output whose reported quality score is below a minimum."
    example: ClassVar[dict[str, Any]] = {"min_score": 0.8}

    min_score: Real(-1e9, 1e9, **widget("number")) = Field(  # type: ignore[valid-type]
        title="Minimum score",
        description="Outputs scoring below this are a violation.",
        examples=[0.8],
    )
    score_field: Text(100, **widget("json-path")) = Field(  # type: ignore[valid-type]
        "quality_score",
        title="Score field",
        description="Dotted path of the score in the output, the context or context.metadata.",
    )
    missing: Choice(("ignore", "violate"), **widget("radio")) = Field(  # type: ignore[valid-type]
        "ignore",
        title="When no score is reported",
        description="ignore lets the call through; violate counts it as a violation.",
    )


def reported_score(config: QualityThresholdSettings, call: Call) -> Any:
    path = config.score_field
    for source in (call.output, call.context, call.context.get("metadata")):
        if isinstance(source, dict):
            value = get_path(source, path)
            if value is not None:
                return value
    return None


def evaluate(config: QualityThresholdSettings, call: Call, scan: Scan) -> Violation | None:
    minimum = to_decimal(config.min_score)
    score = to_decimal(reported_score(config, call))
    field_name = config.score_field
    if score is None:
        if config.missing == "violate":
            return Violation(
                f"no quality score ('{field_name}') was reported for this output",
                {"score": None, "min_score": str(minimum)},
            )
        return None
    if score < minimum:
        return Violation(
            f"quality score {score} is below the minimum of {minimum}",
            {"score": str(score), "min_score": str(minimum)},
        )
    return None
