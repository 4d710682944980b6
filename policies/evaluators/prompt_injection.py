"""``prompt_injection``: block direct (input) and indirect (tool output) injection.

``sensitivity`` low / medium / high selects the score threshold (0.85 / 0.6 / 0.35);
``min_score`` overrides it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from policies.call import Call, Scan
from policies.detectors.injection import SENSITIVITY_THRESHOLDS, score_hits
from policies.evaluators.base import Violation
from policies.evaluators.fields import Choice, Real, widget
from policies.evaluators.settings import PolicySettings, ScanWhere
from policies.types import PolicyType


class PromptInjectionSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.PROMPT_INJECTION
    summary: ClassVar[str] = (
        "Catch instructions smuggled into the input (direct) or into a tool's output (indirect)."
    )
    example: ClassVar[dict[str, Any]] = {"sensitivity": "medium"}

    sensitivity: Choice(tuple(SENSITIVITY_THRESHOLDS), **widget("radio")) = Field(  # type: ignore[valid-type]
        "medium",
        title="Sensitivity",
        description="low, medium or high: how suspicious a text must look to count "
        "(scores of at least 0.85, 0.6 or 0.35).",
    )
    scan: ScanWhere = Field("both", title="Look in")  # type: ignore[valid-type]
    min_score: Real(0.05, 1) | None = Field(  # type: ignore[valid-type]
        None,
        title="Score threshold (expert)",
        description="Overrides the sensitivity: the detector score from which a text counts.",
        examples=[0.5],
        json_schema_extra=widget("slider", step=0.05),
    )

    @property
    def threshold(self) -> float:
        if self.min_score is not None:
            return float(self.min_score)
        return SENSITIVITY_THRESHOLDS[self.sensitivity]


def evaluate(config: PromptInjectionSettings, call: Call, scan: Scan) -> Violation | None:
    sensitivity = config.sensitivity
    threshold = config.threshold
    locations = scan.locations(config.scan)
    if not locations:
        return None
    results = [scan.injection(location) for location in locations]
    result = results[0] if len(results) == 1 else score_hits(h for r in results for h in r.hits)
    if result.score < threshold:
        return None
    layers = sorted({h.layer for h in result.hits if h.layer != "text"})
    hidden = f", hidden with {', '.join(layers)}" if layers else ""
    where = "tool output (indirect injection)" if locations == ("output",) else "input"
    return Violation(
        f"possible prompt injection in the {where}: {', '.join(result.families)}"
        f" (score {result.score:.2f} >= {threshold:.2f}{hidden})",
        {**result.as_dict(), "threshold": threshold, "sensitivity": sensitivity},
    )
