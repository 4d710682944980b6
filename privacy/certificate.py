"""The completion certificate of a data-subject request (PDF, reportlab): the request, its
deadline, what was found where, what was done, and the ledger verification result recorded
right after the action. Built from the stored request, so it reads the same every time."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance.models import DataSubjectRequest

from .selectors import identity_verification, request_identifiers

_STYLES = getSampleStyleSheet()
_TABLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(str(text)), _STYLES[style])


def _kv_table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[_p(k), _p(v)] for k, v in rows], colWidths=[50 * mm, 120 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _verification_text(request: DataSubjectRequest) -> str:
    verification = identity_verification(request)
    if verification is None:
        return "no (nothing was disclosed, erased or changed)"
    return (
        f"{verification['at']:%Y-%m-%d %H:%M} UTC"
        + (f" by {verification['by']}" if verification["by"] else "")
        + (f": {verification['how']}" if verification["how"] else "")
    )


def render(request: DataSubjectRequest) -> bytes:
    result = request.result or {}
    found = result.get("found") or {}
    verification = result.get("verification") or {}
    story = [
        _p(f"Certificate of completion — {request.reference}", "Title"),
        _p(f"{request.organisation.name}: data-subject request handled with Execlave."),
        Spacer(1, 4 * mm),
        _kv_table(
            [
                ("Request", f"{request.reference} — {request.get_kind_display()}"),
                ("Jurisdiction", request.get_jurisdiction_display()),
                ("Status", request.get_status_display()),
                ("Received", f"{request.received_at:%Y-%m-%d %H:%M} UTC"),
                (
                    "Due",
                    f"{request.due_at:%Y-%m-%d}"
                    + (
                        f" (extended {request.extended_at:%Y-%m-%d}: {request.extension_reason})"
                        if request.extended_at
                        else ""
                    ),
                ),
                (
                    "Completed",
                    f"{request.completed_at:%Y-%m-%d %H:%M} UTC" if request.completed_at else "—",
                ),
                (
                    "On time",
                    "yes"
                    if request.completed_at and request.completed_at <= request.due_at
                    else "no",
                ),
                ("Identity verified", _verification_text(request)),
                (
                    "Handled by",
                    (request.handled_by.email or request.handled_by.get_username())
                    if request.handled_by
                    else "—",
                ),
                (
                    "Identifiers searched",
                    "; ".join(
                        f"{i['type']}: {i['value']}" + (f" ({i['key']})" if i.get("key") else "")
                        for i in request_identifiers(request)
                    ),
                ),
            ]
        ),
        Spacer(1, 5 * mm),
        _p("What was found", "Heading2"),
    ]
    if found:
        story.append(
            _p(
                f"{found.get('entries', 0)} ledger entries in {found.get('traces', 0)} traces "
                f"hold the subject's identifiers ({found.get('erasable_entries', 0)} in input or "
                f"output, {found.get('metadata_only_entries', 0)} only in hashed metadata)."
            )
        )
        rows = [["Agent", "Tool", "Entries", "Traces"]] + [
            [g["agent"], g["tool"], str(g["entries"]), str(g["traces"])]
            for g in found.get("by_agent_tool", [])[:40]
        ]
        if len(rows) > 1:
            table = Table(rows, hAlign="LEFT", colWidths=[50 * mm, 70 * mm, 25 * mm, 25 * mm])
            table.setStyle(_TABLE)
            story.append(table)
    else:
        story.append(_p("No search was recorded for this request."))
    story += [Spacer(1, 5 * mm), _p("What was done", "Heading2")]
    action = result.get("action")
    if request.status == DataSubjectRequest.Status.REJECTED:
        story.append(_p(f"Rejected: {request.rejection_reason}"))
    elif action == "erasure":
        story.append(
            _p(
                f"{result.get('values_erased', 0)} value(s) erased in "
                f"{result.get('ledger_entries_erased', 0)} ledger entries"
                + (" (whole payloads)" if result.get("whole_payloads") else " (exact values only)")
                + ". Each erased payload keeps its hash, so the chain still verifies and shows"
                " what was erased, when and under this request."
            )
        )
        not_erasable = result.get("not_erasable") or []
        if not_erasable:
            story.append(
                _p(
                    f"{len(not_erasable)} entries hold the identifiers in hashed client "
                    "metadata, which cannot be erased without breaking the chain: "
                    + ", ".join(
                        f"#{e['seq']} ({', '.join(e['places'])})" for e in not_erasable[:30]
                    )
                )
            )
    elif action in ("access", "portability"):
        bundle = result.get("bundle") or {}
        story.append(
            _p(
                f"Data bundle {bundle.get('filename', '')} (SHA-256 {bundle.get('sha256', '')}, "
                f"{bundle.get('size', 0)} bytes) made for the subject and kept until "
                f"{bundle.get('expires_at', '')[:10]}. Execlave does not send it: the "
                "organisation downloads it and gives it to the subject."
            )
        )
    elif action == "rectification":
        story.append(
            _p(
                f"Correction entry appended to the ledger (trace {result.get('correction_trace')}) "
                f"for {len(result.get('corrected', []))} entries; correct value: "
                f"{result.get('correct_value', '')}."
            )
        )
    elif action == "objection":
        story.append(_p(f"Measures taken: {result.get('measures', '')}"))
    story += [Spacer(1, 5 * mm), _p("Ledger verification after the action", "Heading2")]
    if verification:
        story.append(
            _p(
                ("The ledger verifies" if verification.get("ok") else "The ledger does NOT verify")
                + f": {verification.get('entries', 0)} entries checked, "
                f"{verification.get('redacted', 0)} erased payloads accounted for"
                + (
                    f"; first break {verification['first_break']}"
                    if verification.get("first_break")
                    else ""
                )
                + f" (at {verification.get('at', '')})."
            )
        )
    else:
        story.append(_p("Not recorded."))
    story += [
        Spacer(1, 8 * mm),
        _p(f"Issued {timezone.now():%Y-%m-%d %H:%M} UTC by Execlave.", "Italic"),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Certificate {request.reference}",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    ).build(story)
    return buffer.getvalue()
