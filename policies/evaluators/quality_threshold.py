"""``quality_threshold``: the output's quality score must be at least ``min_score``.

The score is read from ``score_field`` (dotted path, default ``quality_score``) in the
output, then in the context, then in ``context.metadata``. ``missing`` decides what a
call without a score does: ``ignore`` (default) or ``violate``.
"""

from __future__ import annotations

from typing import Any

from policies.call import Call, Scan, to_decimal
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation


def reported_score(config: dict[str, Any], call: Call) -> Any:
    path = config.get("score_field", "quality_score")
    for source in (call.output, call.context, call.context.get("metadata")):
        if isinstance(source, dict):
            value = get_path(source, path)
            if value is not None:
                return value
    return None


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    minimum = to_decimal(config["min_score"])
    score = to_decimal(reported_score(config, call))
    field_name = config.get("score_field", "quality_score")
    if score is None:
        if config.get("missing", "ignore") == "violate":
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
