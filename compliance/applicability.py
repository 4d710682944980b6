"""Whether a control applies to the organisation, and the HIPAA cap of a standard by its
required specifications. Pure: no Django, no database.

* EU AI Act articles marked ``high_risk`` in the catalog apply only when the organisation had
  a high-risk agent at some time in the period (inactive agents included: their logs and
  oversight duties do not end when they stop).
* An article whose ``applies_to`` does not include the organisation's role (Organisation
  settings: deployer, provider or both) does not apply. With no role set, both are assessed
  and the report says so.
* A HIPAA standard cannot be better than ``partial`` while a *required* implementation
  specification under it is outside Execlave's scope or has a gap: the standard is met only
  through its required specifications (45 CFR 164.306(d)(2)).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from compliance.assess import GAP, NOT_APPLICABLE, OUTSIDE_SCOPE, PARTIAL, STATUS_LABELS, SUPPORTS
from compliance.catalog import Control

ROLE_LABELS = {"deployer": "deployer", "provider": "provider", "both": "provider and deployer"}


def not_applicable_reason(
    control: Control, *, ai_act_role: str, high_risk_agents: Sequence[str]
) -> str | None:
    """Why the control does not apply, or None when it does."""
    attributes = control.attributes
    if attributes.get("high_risk") and not high_risk_agents:
        return (
            f"{control.id} states obligations for high-risk AI systems, and no agent was "
            "classified high-risk at any time in the period (inactive agents included)."
        )
    applies_to = attributes.get("applies_to")
    if applies_to and ai_act_role in ("provider", "deployer") and ai_act_role not in applies_to:
        whose = " and ".join(f"{r}s" for r in applies_to)
        return (
            f"{control.id} states obligations of {whose}; the organisation's EU AI Act role is "
            f"{ROLE_LABELS[ai_act_role]} (Organisation settings)."
        )
    return None


def applicability_facts(*, ai_act_role: str, high_risk_agents: Sequence[str]) -> list[dict]:
    """What decided applicability, for the report's scope section."""
    role = ROLE_LABELS.get(ai_act_role, "not set — assessed as both provider and deployer")
    names = ", ".join(high_risk_agents[:8]) + ("…" if len(high_risk_agents) > 8 else "")
    return [
        {"label": "EU AI Act role (Organisation settings)", "value": role},
        {
            "label": "High-risk agents in the period (active or not)",
            "value": f"{len(high_risk_agents)}" + (f": {names}" if names else ""),
        },
    ]


def not_applicable_entry(control: Control, reason: str) -> dict[str, Any]:
    return {
        "id": control.id,
        "title": control.title,
        "section": control.section,
        "status": NOT_APPLICABLE,
        "reason": reason,
        "findings": [],
        "evidence": [],
        "remediation": [],
    }


def cap_hipaa_standards(
    controls: Sequence[Control], entries: Sequence[MutableMapping[str, Any]]
) -> None:
    """Lower each supported HIPAA standard to partial when a required specification under it
    (the specifications that follow it in catalog order) is outside scope or a gap. In place."""
    by_id: Mapping[str, MutableMapping[str, Any]] = {e["id"]: e for e in entries}
    standard: Control | None = None
    under: dict[str, list[Control]] = {}
    for control in controls:
        kind = control.attributes.get("kind")
        if kind == "standard":
            standard = control
            under[control.id] = []
        elif kind == "implementation_specification" and standard is not None:
            under[standard.id].append(control)
    for standard_id, specifications in under.items():
        entry = by_id.get(standard_id)
        if entry is None or entry["status"] != SUPPORTS:
            continue
        blocking = [
            s
            for s in specifications
            if s.attributes.get("requirement") == "required"
            and by_id[s.id]["status"] in (OUTSIDE_SCOPE, GAP)
        ]
        if not blocking:
            continue
        listed = "; ".join(
            f"{s.id} {s.title} ({STATUS_LABELS[by_id[s.id]['status']].lower()})" for s in blocking
        )
        entry["status"] = PARTIAL
        entry["capped_by"] = [s.id for s in blocking]
        entry["reason"] = (
            f"Capped at partial: the standard is met only through its required implementation "
            f"specifications, and {listed} {'is' if len(blocking) == 1 else 'are'} not supported "
            f"by Execlave's evidence. {entry['reason']}"
        )
