"""The report content: one JSON document, rendered as HTML, PDF and API output.

A ``Report`` stores this document verbatim (immutable) together with its
SHA-256 (:func:`content_hash`, canonical JSON: sorted keys, no whitespace,
UTF-8). Every renderer reads only this document, so the HTML page, the PDF and
``GET /api/v1/reports/<id>`` always say the same thing.

Schema ``execlave.compliance.report/1``::

    {
      "schema": "execlave.compliance.report/1",
      "report": {"id": "42" | null, "title": "SOC 2 compliance assessment"},
      "framework": {
        "code": "soc2", "name": "...", "title": "...", "version": "...",
        "publisher": "...", "source": "<citation>", "source_url": "...",
        "id_format": "...", "title_note": "..."
      },
      "organisation": {"id": "...", "name": "...", "slug": "...", "plan": "pro",
                       "retention_days": 90 | null},          # null = unlimited
      "period": {"start": "<ISO 8601>", "end": "<ISO 8601>"},
      "generated_at": "<ISO 8601>",
      "generated_by": "alice@example.com" | null,              # null = schedule
      "summary": {"total": 61, "satisfied": 9, "partial": 14, "gap": 6,
                  "not_applicable": 32, "outside_scope": 30, "assessed": 29,
                  "readiness_pct": 55.2},   # (satisfied + partial/2) / assessed
      "sections": [{"id": "CC6", "title": "...", "label": "CC6 Logical and Physical Access",
                    "counts": {"satisfied": 2, "partial": 3, "gap": 1,
                               "not_applicable": 2}}],
      "highlights": ["<one-line key finding>", ...],
      "scope": [{"label": "Agents (active / total)", "value": "14 / 16"}, ...],
      "controls": [{
        "id": "CC6.1", "title": "...", "section": "CC6",
        "status": "satisfied" | "partial" | "gap" | "not_applicable",
        "scope": "execlave" | "outside",   # outside = no Execlave evidence maps here
        "reason": "<computed from data, e.g. 'PII policy active in block mode on
                   12 of 14 agents; 2 agents uncovered: billing-bot, crm-sync.'>",
        "findings": [{"rule": "policy.pii_access", "signal": "policy",
                      "role": "primary" | "supporting", "status": "...",
                      "reason": "...", "rationale": "<why this evidence applies>"}],
        "evidence": [                                # see EVIDENCE KINDS below
          {"kind": "metric", "label": "...", "value": "...", "rule": "..."},
          {"kind": "table", "label": "...", "columns": [...], "rows": [[...]],
           "rule": "..."},
          {"kind": "note", "label": "...", "value": "...", "rule": "..."}
        ],
        "remediation": ["<specific action>", ...],
        "overrides": [{"action": "add" | "remove", "rule": "...", "by": "...",
                       "at": "<ISO 8601>", "note": "..."}]   # officer overrides
      }],
      "rules": [{"id": "...", "signal": "...", "rationale": "..."}],
      "appendix": {
        "ledger": {
          "ok": true, "entries": 1000000, "first_break": null |
              {"entry": "...", "kind": "altered|missing|reordered|foreign"},
          "verified_at": "<ISO 8601>", "head": "<entry hash>" | null,
          "checkpoint": null | {"sequence": 999999, "entry_hash": "...",
                                "created_at": "<ISO 8601>", "algorithm": "...",
                                "key_id": "...", "signature": "<base64/hex>"},
          "retention_checkpoint": null | {"removed": 1234, "last_hash": "...",
                                          "at": "<ISO 8601>"}
        }
      },
      "sample": false        # true only for the built-in design sample
    }

EVIDENCE KINDS: ``metric`` is a label with a short value, ``table`` a small
sample (at most :data:`MAX_TABLE_ROWS` rows; the collector says how many there
were in the label), ``note`` free text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from compliance.assess import GAP, NOT_APPLICABLE, PARTIAL, SATISFIED, SCOPE_OUTSIDE, STATUSES
from compliance.catalog import Framework

SCHEMA = "execlave.compliance.report/1"
MAX_TABLE_ROWS = 10
EVIDENCE_KINDS = ("metric", "table", "note")


def canonical_json(content: Any) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical JSON of the content."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def framework_header(framework: Framework) -> dict[str, str]:
    return {
        "code": framework.code,
        "name": framework.name,
        "title": framework.title,
        "version": framework.version,
        "publisher": framework.publisher,
        "source": framework.source_citation,
        "source_url": framework.source_url,
        "id_format": framework.id_format,
        "title_note": framework.title_note,
    }


def summarise(controls: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {s: 0 for s in STATUSES}
    outside = 0
    for c in controls:
        counts[c["status"]] += 1
        if c.get("scope") == SCOPE_OUTSIDE:
            outside += 1
    assessed = counts[SATISFIED] + counts[PARTIAL] + counts[GAP]
    readiness = (
        round(100.0 * (counts[SATISFIED] + counts[PARTIAL] / 2) / assessed, 1) if assessed else 0.0
    )
    return {
        "total": len(controls),
        **counts,
        "outside_scope": outside,
        "assessed": assessed,
        "readiness_pct": readiness,
    }


def section_counts(
    framework: Framework, controls: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    result = []
    for section in framework.sections:
        counts = {s: 0 for s in STATUSES}
        for c in controls:
            if c["section"] == section.id:
                counts[c["status"]] += 1
        if any(counts.values()):
            result.append(
                {"id": section.id, "title": section.title, "label": section.label, "counts": counts}
            )
    return result


def default_highlights(controls: Sequence[Mapping[str, Any]], limit: int = 6) -> list[str]:
    """Key findings for the executive summary: gaps first, then partials."""
    lines: list[str] = []
    gaps = [c for c in controls if c["status"] == GAP]
    partials = [c for c in controls if c["status"] == PARTIAL]
    satisfied = [c for c in controls if c["status"] == SATISFIED]
    if gaps:
        lines.append(
            f"{len(gaps)} control{'s' if len(gaps) != 1 else ''} with a gap: "
            + ", ".join(c["id"] for c in gaps[:8])
            + ("…" if len(gaps) > 8 else "")
            + "."
        )
    # Controls failing for the same reason (e.g. Art. 19 and Art. 26 on log retention) share a line.
    by_reason: dict[str, list[Mapping[str, Any]]] = {}
    for c in gaps:
        by_reason.setdefault(c["reason"], []).append(c)
    for reason, group in list(by_reason.items())[: max(0, limit - 2)]:
        names = ", ".join(f"{c['id']} {c['title']}" if len(group) == 1 else c["id"] for c in group)
        lines.append(f"{names}: {reason}")
    if partials:
        lines.append(
            f"{len(partials)} control{'s' if len(partials) != 1 else ''} partially satisfied; "
            "see the remediation under each."
        )
    if satisfied:
        lines.append(
            f"{len(satisfied)} control{'s' if len(satisfied) != 1 else ''} satisfied by evidence held in Execlave."
        )
    return lines[:limit]


def build_content(
    *,
    framework: Framework,
    organisation: Mapping[str, Any],
    period: Mapping[str, str],
    generated_at: str,
    generated_by: str | None,
    controls: Sequence[Mapping[str, Any]],
    rules: Iterable[Mapping[str, Any]],
    scope: Sequence[Mapping[str, Any]],
    ledger: Mapping[str, Any],
    highlights: Sequence[str] | None = None,
    report_id: str | None = None,
    sample: bool = False,
) -> dict[str, Any]:
    content = {
        "schema": SCHEMA,
        "report": {"id": report_id, "title": f"{framework.name} compliance assessment"},
        "framework": framework_header(framework),
        "organisation": dict(organisation),
        "period": dict(period),
        "generated_at": generated_at,
        "generated_by": generated_by,
        "summary": summarise(controls),
        "sections": section_counts(framework, controls),
        "highlights": list(highlights) if highlights is not None else default_highlights(controls),
        "scope": [dict(s) for s in scope],
        "controls": [dict(c) for c in controls],
        "rules": [dict(r) for r in rules],
        "appendix": {"ledger": dict(ledger)},
        "sample": sample,
    }
    problems = validate_content(content)
    if problems:
        raise ValueError("invalid report content: " + "; ".join(problems))
    return content


def validate_content(content: Mapping[str, Any]) -> list[str]:
    """Structural check of a content document; returns the problems found."""
    problems: list[str] = []
    if content.get("schema") != SCHEMA:
        problems.append(f"schema must be {SCHEMA}")
    for key in ("framework", "organisation", "period", "summary", "controls", "appendix"):
        if key not in content:
            problems.append(f"missing {key}")
    for c in content.get("controls", []):
        if c.get("status") not in STATUSES:
            problems.append(f"control {c.get('id')}: bad status {c.get('status')!r}")
        for item in c.get("evidence", []):
            if item.get("kind") not in EVIDENCE_KINDS:
                problems.append(f"control {c.get('id')}: bad evidence kind {item.get('kind')!r}")
            if item.get("kind") == "table" and len(item.get("rows", [])) > MAX_TABLE_ROWS:
                problems.append(f"control {c.get('id')}: evidence table over {MAX_TABLE_ROWS} rows")
    if "ledger" not in content.get("appendix", {}):
        problems.append("appendix.ledger missing")
    return problems


def status_of(content: Mapping[str, Any], control_id: str) -> str:
    for c in content["controls"]:
        if c["id"] == control_id:
            return c["status"]
    raise KeyError(control_id)


__all__ = [
    "SCHEMA",
    "MAX_TABLE_ROWS",
    "NOT_APPLICABLE",
    "build_content",
    "canonical_json",
    "content_hash",
    "default_highlights",
    "summarise",
    "validate_content",
]
