"""``prompt_injection``: block direct (input) and indirect (tool output) injection.

``sensitivity`` low / medium / high selects the score threshold (0.85 / 0.6 / 0.35);
``min_score`` overrides it.
"""

from __future__ import annotations

from typing import Any

from policies.call import Call, Scan
from policies.detectors.injection import SENSITIVITY_THRESHOLDS, score_hits
from policies.evaluators.base import Violation


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    sensitivity = config.get("sensitivity", "medium")
    threshold = config.get("min_score")
    threshold = float(threshold) if threshold is not None else SENSITIVITY_THRESHOLDS[sensitivity]
    locations = scan.locations(config.get("scan", "both"))
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
