"""The report content: one JSON document, rendered as HTML, PDF and API output.

A ``Report`` stores this document verbatim (immutable) together with its
SHA-256 (:func:`content_hash`, canonical JSON: sorted keys, no whitespace,
UTF-8). Every renderer reads only this document, so the HTML page, the PDF and
``GET /api/v1/reports/<id>`` always say the same thing.

Schema ``execlave.compliance.report/2`` (``/1`` documents, generated before the statuses
below, are read through :func:`upgrade`)::

    {
      "schema": "execlave.compliance.report/2",
      "report": {"id": "42" | null,
                 "title": "Readiness evidence for SOC 2 (Type I/II audits)",
                 "disclaimer": "<what the report is not: an audit, an opinion, a claim of compliance>"},
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
      "summary": {"total": 61, "supports": 9, "partial": 14, "gap": 6, "not_tested": 2,
                  "outside_scope": 30, "not_applicable": 0,
                  "assessed": 29,              # supports + partial + gap
                  "applicable": 61,            # total - not_applicable
                  "readiness_pct": 55.2,       # (supports + partial/2) / assessed
                  "readiness_catalog_pct": 26.2},  # (supports + partial/2) / applicable
      "sections": [{"id": "CC6", "title": "...", "label": "CC6 Logical and Physical Access",
                    "counts": {"supports": 2, "partial": 3, "gap": 1, "not_tested": 0,
                               "outside_scope": 2, "not_applicable": 0}}],
      "highlights": ["<one-line key finding>", ...],
      "scope": [{"label": "Agents (active / total)", "value": "14 / 16"}, ...],
      "controls": [{
        "id": "CC6.1", "title": "...", "section": "CC6",
        "status": "supports" | "partial" | "gap" | "not_tested" | "outside_scope"
                  | "not_applicable",
        "reason": "<computed from data, e.g. 'PII policy active in block mode on
                   12 of 14 agents; 2 agents uncovered: billing-bot, crm-sync.'>",
        "findings": [{"rule": "policy.pii_access", "signal": "policy",
                      "role": "primary" | "supporting", "status": "...",
                      "reason": "...", "rationale": "<what this evidence proves>",
                      "limits": "<what it does not prove>"}],
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
      "rules": [{"id": "...", "signal": "...", "rationale": "...", "limits": "..."}],
      "applicability": [{"label": "...", "value": "..."}],   # what decided not applicable
      "application_dates": [{"date": "2026-08-02", "applies": "...", "source": "..."}],
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

from compliance.assess import (
    ASSESSED,
    GAP,
    NOT_APPLICABLE,
    OUTSIDE_SCOPE,
    PARTIAL,
    STATUSES,
    SUPPORTS,
)
from compliance.catalog import Framework

SCHEMA = "execlave.compliance.report/2"
LEGACY_SCHEMA = "execlave.compliance.report/1"
DISCLAIMER = (
    "This report is readiness evidence generated from the records Execlave holds about the "
    "organisation's AI agents. It is not an audit, an attestation or an auditor's opinion, and "
    "it does not state that the organisation complies with {framework}. Each status says how "
    "far Execlave's evidence goes for the period; an auditor forms their own view."
)
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
    """Counts by status and readiness two ways: over the controls Execlave's evidence can
    assess, and over every applicable control of the catalog (labelled so in reports)."""
    counts = {s: 0 for s in STATUSES}
    for c in controls:
        counts[c["status"]] += 1
    assessed = sum(counts[s] for s in ASSESSED)
    applicable = len(controls) - counts[NOT_APPLICABLE]
    score = counts[SUPPORTS] + counts[PARTIAL] / 2
    return {
        "total": len(controls),
        **counts,
        "assessed": assessed,
        "applicable": applicable,
        "readiness_pct": round(100.0 * score / assessed, 1) if assessed else 0.0,
        "readiness_catalog_pct": round(100.0 * score / applicable, 1) if applicable else 0.0,
    }


def summary_line(summary: Mapping[str, Any], sep: str = " · ") -> str:
    """A report's counts for people: "3 supported · 22 partial · 1 gap · 2 not tested" (reports
    stored before the "supports" status say "satisfied")."""
    gaps = summary.get("gap", 0)
    return sep.join(
        [
            f"{summary.get('supports', summary.get('satisfied', 0))} supported",
            f"{summary.get('partial', 0)} partial",
            f"{gaps} gap{'' if gaps == 1 else 's'}",
            f"{summary.get('not_tested', 0)} not tested",
        ]
    )


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
    supported = [c for c in controls if c["status"] == SUPPORTS]
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
            f"{len(partials)} control{'s' if len(partials) != 1 else ''} with partial evidence; "
            "see the remediation under each."
        )
    if supported:
        lines.append(
            f"{len(supported)} control{'s' if len(supported) != 1 else ''} where the evidence held "
            "in Execlave supports the control for the whole period."
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
    applicability: Sequence[Mapping[str, Any]] = (),
    highlights: Sequence[str] | None = None,
    report_id: str | None = None,
    sample: bool = False,
) -> dict[str, Any]:
    content = {
        "schema": SCHEMA,
        "report": {
            "id": report_id,
            "title": framework.report_title,
            "disclaimer": DISCLAIMER.format(framework=framework.name),
        },
        "framework": framework_header(framework),
        "organisation": dict(organisation),
        "period": dict(period),
        "generated_at": generated_at,
        "generated_by": generated_by,
        "summary": summarise(controls),
        "sections": section_counts(framework, controls),
        "highlights": list(highlights) if highlights is not None else default_highlights(controls),
        "scope": [dict(s) for s in scope],
        "applicability": [dict(a) for a in applicability],
        "application_dates": [
            {"date": date, "applies": applies, "source": source}
            for date, applies, source in framework.application_dates
        ],
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


def upgrade(content: Mapping[str, Any]) -> dict[str, Any]:
    """A stored ``/1`` document as ``/2`` for the renderers (stored content is never changed):
    "satisfied" becomes "supports", and "not applicable" outside Execlave's evidence becomes
    "outside scope"."""
    if content.get("schema") != LEGACY_SCHEMA:
        return dict(content)

    def status(entry: Mapping[str, Any]) -> str:
        if entry.get("status") == "satisfied":
            return SUPPORTS
        if entry.get("status") == NOT_APPLICABLE and entry.get("scope") == "outside":
            return OUTSIDE_SCOPE
        return entry.get("status", NOT_APPLICABLE)

    controls = [{**c, "status": status(c)} for c in content.get("controls", [])]
    for c in controls:
        c["findings"] = [{**f, "status": status(f)} for f in c.get("findings", [])]
    old = content.get("report") or {}
    return {
        **content,
        "schema": SCHEMA,
        "report": {
            **old,
            "title": str(old.get("title", "")).replace(
                "compliance assessment", "readiness evidence"
            ),
            "disclaimer": DISCLAIMER.format(
                framework=(content.get("framework") or {}).get("name", "")
            ),
        },
        "controls": controls,
        "summary": summarise(controls),
        "sections": [
            {
                **s,
                "counts": {
                    st: sum(1 for c in controls if c["section"] == s["id"] and c["status"] == st)
                    for st in STATUSES
                },
            }
            for s in content.get("sections", [])
        ],
    }


def status_of(content: Mapping[str, Any], control_id: str) -> str:
    for c in content["controls"]:
        if c["id"] == control_id:
            return c["status"]
    raise KeyError(control_id)


__all__ = [
    "SCHEMA",
    "upgrade",
    "MAX_TABLE_ROWS",
    "NOT_APPLICABLE",
    "build_content",
    "canonical_json",
    "content_hash",
    "default_highlights",
    "summarise",
    "validate_content",
]
