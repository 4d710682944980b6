"""``output_classification``: the output may not be classified above ``max_level``.

Levels: public < internal < confidential < restricted, by markers, secret patterns and
PII present (see ``policies.detectors.classification``). ``extra_markers`` adds the
organisation's own phrases per level (``{"confidential": ["Project Falcon"]}``).
"""

from __future__ import annotations

from typing import Any

from policies.call import OUTPUT, Call, Scan
from policies.detectors.classification import RANK, classify_texts
from policies.evaluators.base import Violation


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    if call.phase != OUTPUT:
        return None
    max_level = config["max_level"]
    extra = config.get("extra_markers")
    if extra:
        result = classify_texts(
            scan.strings(OUTPUT), pii_types=sorted(scan.pii_types(OUTPUT)), extra_markers=extra
        )
    else:
        result = scan.classification(OUTPUT)
    if RANK[result.level] <= RANK[max_level]:
        return None
    return Violation(
        f"output is classified {result.level} ({', '.join(result.reasons)}), above the allowed {max_level}",
        {**result.as_dict(), "max_level": max_level},
    )
