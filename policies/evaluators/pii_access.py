"""``pii_access``: the payload may not contain the ``denied_pii_types``.

Reports which types were found where (input/output and JSON path), never the values.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from policies.call import Call, Scan
from policies.detectors.pii import PII_TYPES, summarise
from policies.evaluators.base import Violation, join_human
from policies.evaluators.fields import StringList, widget
from policies.evaluators.settings import PolicySettings, ScanWhere
from policies.types import PolicyType

# What a person reads beside each checkbox.
PII_LABELS = {
    "ssn": "US social security number",
    "credit_card": "Payment card number",
    "email": "E-mail address",
    "phone": "Phone number",
    "iban": "Bank account (IBAN)",
    "ip_address": "IP address",
    "us_passport": "US passport number",
    "date_of_birth": "Date of birth",
}


class PiiAccessSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.PII_ACCESS
    summary: ClassVar[str] = (
        "Refuse calls whose input or output contains the personal data types you tick."
    )
    example: ClassVar[dict[str, Any]] = {"denied_pii_types": ["ssn", "credit_card"], "scan": "both"}

    denied_pii_types: StringList(non_empty=True, choices=PII_TYPES, transform=str.lower) = Field(  # type: ignore[valid-type]
        title="Personal data types to refuse",
        description="The personal data the detector finds, by type.",
        examples=[["ssn", "credit_card"]],
        json_schema_extra=widget(
            "checkboxes",
            enum_labels={t: PII_LABELS.get(t, t.replace("_", " ").capitalize()) for t in PII_TYPES},
        ),
    )
    scan: ScanWhere = Field("both", title="Look in")  # type: ignore[valid-type]

    @property
    def denied(self) -> frozenset[str]:
        return frozenset(self.denied_pii_types)


def evaluate(config: PiiAccessSettings, call: Call, scan: Scan) -> Violation | None:
    denied = config.denied
    findings = [
        f
        for location in scan.locations(config.scan)
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
