"""Shape report content for the HTML template (grouping, chart geometry, labels).

Pure functions over the content document (``compliance.content``); the PDF
renderer applies the same grouping on its own, so both show the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from compliance.assess import (
    GAP,
    NOT_APPLICABLE,
    NOT_TESTED,
    OUTSIDE_SCOPE,
    PARTIAL,
    STATUS_LABELS,
    STATUS_MEANINGS,
    STATUSES,
    SUPPORTS,
)
from compliance.content import content_hash as compute_content_hash
from compliance.content import upgrade

#: Statuses drawn in the charts: how far the evidence goes, and where nothing could be tested.
CHARTED = (SUPPORTS, PARTIAL, GAP, NOT_TESTED)
CHIP_LABELS = {
    SUPPORTS: "Supports",
    PARTIAL: "Partial",
    GAP: "Gap",
    NOT_TESTED: "Not tested",
    OUTSIDE_SCOPE: "Outside scope",
    NOT_APPLICABLE: "N/A",
}
# The web page's (templates/compliance/report.html): white chip text on each reaches WCAG AA's
# 4.5:1 (axe's color-contrast); the PDF keeps its print colours (render_pdf/style.py).
STATUS_COLORS = {
    SUPPORTS: "#2E7D4F",
    PARTIAL: "#8F6100",
    GAP: "#C0392B",
    NOT_TESTED: "#4F6A96",
    OUTSIDE_SCOPE: "#66708A",
    NOT_APPLICABLE: "#B7BECA",
}


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _donut_css(summary: Mapping[str, Any]) -> str:
    total = sum(summary.get(s, 0) for s in CHARTED)
    if not total:
        return f"conic-gradient({STATUS_COLORS[NOT_APPLICABLE]} 0 100%)"
    stops, start = [], 0.0
    for status in CHARTED:
        end = start + 100.0 * summary.get(status, 0) / total
        stops.append(f"{STATUS_COLORS[status]} {start:.2f}% {end:.2f}%")
        start = end
    return "conic-gradient(" + ", ".join(stops) + ")"


def _control(control: Mapping[str, Any]) -> dict[str, Any]:
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for item in control.get("evidence", []):
        by_rule.setdefault(item.get("rule", ""), []).append(item)
    findings = []
    for finding in control.get("findings", []):
        items = by_rule.get(finding["rule"], [])
        findings.append(
            {
                **finding,
                "status_label": CHIP_LABELS.get(finding["status"], finding["status"]),
                "show_reason": bool(finding.get("reason"))
                and finding["reason"] not in (control.get("reason") or ""),
                "metrics": [i for i in items if i.get("kind") == "metric"],
                "tables": [i for i in items if i.get("kind") == "table"],
                "notes": [i for i in items if i.get("kind") == "note"],
            }
        )
    return {
        **control,
        "status_label": STATUS_LABELS.get(control["status"], control["status"]),
        "chip_label": CHIP_LABELS.get(control["status"], control["status"]),
        "anchor": "c-" + "".join(ch if ch.isalnum() else "-" for ch in control["id"]).strip("-"),
        "findings_view": findings,
    }


def report_view_model(
    content: Mapping[str, Any], *, content_hash: str | None = None
) -> dict[str, Any]:
    # The hash is of the stored document; reports stored as /1 are shown with /2 statuses.
    content_hash = content_hash or compute_content_hash(content)
    content = upgrade(content)
    summary = content["summary"]
    sections = []
    for section in content.get("sections", []):
        assessed = sum(section["counts"].get(s, 0) for s in CHARTED)
        if not assessed:
            continue
        sections.append(
            {
                **section,
                "assessed": assessed,
                "segments": [
                    {
                        "status": s,
                        "count": section["counts"].get(s, 0),
                        "pct": round(100.0 * section["counts"].get(s, 0) / assessed, 2),
                    }
                    for s in CHARTED
                    if section["counts"].get(s, 0)
                ],
            }
        )
    widest = max((s["assessed"] for s in sections), default=1)
    for s in sections:
        s["width_pct"] = round(100.0 * s["assessed"] / widest, 2)

    titles = {s["id"]: s.get("label") or s["title"] for s in content.get("sections", [])}
    groups: list[dict[str, Any]] = []
    outside = []
    for control in content["controls"]:
        if control["status"] == OUTSIDE_SCOPE:
            outside.append(
                {**control, "section_title": titles.get(control["section"], control["section"])}
            )
            continue
        if not groups or groups[-1]["id"] != control["section"]:
            groups.append(
                {
                    "id": control["section"],
                    "title": titles.get(control["section"], control["section"]),
                    "controls": [],
                }
            )
        groups[-1]["controls"].append(_control(control))

    priority = [
        _control(c) for c in content["controls"] if c["status"] == GAP and c.get("remediation")
    ]
    priority += [
        _control(c) for c in content["controls"] if c["status"] == PARTIAL and c.get("remediation")
    ]
    ledger = (content.get("appendix") or {}).get("ledger") or {}
    return {
        "content": content,
        "content_hash": content_hash,
        "summary": summary,
        "generated_at": _when(content.get("generated_at")),
        "period_start": _when((content.get("period") or {}).get("start")),
        "period_end": _when((content.get("period") or {}).get("end")),
        "donut_css": _donut_css(summary),
        "chart_sections": sections,
        "groups": groups,
        "outside": outside,
        "priority": priority,
        "ledger": ledger,
        "ledger_verified_at": _when(ledger.get("verified_at")),
        "status_labels": STATUS_LABELS,
        "status_legend": [
            {
                "status": s,
                "label": STATUS_LABELS[s],
                "meaning": STATUS_MEANINGS[s],
                "count": summary.get(s, 0),
            }
            for s in STATUSES
        ],
        "charted_legend": [{"status": s, "label": STATUS_LABELS[s]} for s in CHARTED],
    }
