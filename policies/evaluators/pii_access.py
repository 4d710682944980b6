"""``pii_access``: the payload may not contain the ``denied_pii_types``.

Reports which types were found where (input/output and JSON path), never the values.
"""

from __future__ import annotations

from typing import Any

from policies.call import Call, Scan
from policies.detectors.pii import summarise
from policies.evaluators.base import Violation, join_human


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    denied = set(config["denied_pii_types"])
    findings = [
        f
        for location in scan.locations(config.get("scan", "both"))
        for f in scan.pii(location)
        if f.type in denied
    ]
    if not findings:
        return None
    found = summarise(findings)
    where = [
        f"{pii_type} at {join_human(sorted({p['location'] + ' ' + p['path'] for p in places}), 3)}"
        for pii_type, places in sorted(found.items())
    ]
    return Violation(f"denied PII found: {'; '.join(where)}", {"found": found})
