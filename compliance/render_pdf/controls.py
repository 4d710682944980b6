"""The control assessments and the controls outside Execlave's evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from compliance.assess import OUTSIDE_SCOPE
from compliance.render_pdf.blocks import _kv_table, _table
from compliance.render_pdf.document import Heading, OutlineAnchor, StatusChip
from compliance.render_pdf.style import (
    ACCENT,
    CONTENT_W,
    MUTED,
    PANEL,
    STATUS_COLORS,
    STATUS_TINTS,
    _dt,
    _t,
)


def _evidence_items(items: Sequence[Mapping[str, Any]], styles) -> list:
    flows: list = []
    metrics = [e for e in items if e.get("kind") == "metric"]
    if metrics:
        flows.append(
            _kv_table([(e["label"], e["value"]) for e in metrics], styles, key_width=82 * mm)
        )
    for item in items:
        if item.get("kind") == "table":
            columns = item.get("columns") or []
            if not columns:
                continue
            rows = [[Paragraph(_t(c).upper(), styles["cell_head"]) for c in columns]]
            rows += [
                [Paragraph(_t(v), styles["cell"]) for v in row] for row in item.get("rows", [])
            ]
            flows.append(Spacer(1, 2 * mm))
            flows.append(Paragraph(_t(item["label"]), styles["caption"]))
            flows.append(_table(rows, _col_widths(columns, item.get("rows", []))))
        elif item.get("kind") == "note":
            flows.append(
                Paragraph(f"<b>{_t(item['label'])}.</b> {_t(item.get('value'))}", styles["body"])
            )
    return flows


def _evidence_flowables(control, styles) -> list:
    """Evidence grouped by the rule that produced it, each with its result."""
    by_rule: dict[str, list] = {}
    for item in control.get("evidence", []):
        by_rule.setdefault(item.get("rule", ""), []).append(item)
    flows: list = []
    for finding in control.get("findings", []):
        caption = Table(
            [
                [
                    StatusChip(finding["status"], width=17 * mm, height=4.2 * mm),
                    Paragraph(
                        f"<b>{_t(finding['rule'])}</b>  <font color='#{MUTED.hexval()[2:]}'>{_t(finding['role'])} evidence</font>",
                        styles["cell"],
                    ),
                ]
            ],
            colWidths=[20 * mm, CONTENT_W - 20 * mm],
            hAlign="LEFT",
        )
        caption.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        head = [caption]
        if finding.get("reason") and finding["reason"] not in (control.get("reason") or ""):
            head.append(Paragraph(_t(finding["reason"]), styles["finding"]))
        if finding.get("rationale"):
            basis = f"<b>Proves:</b> {_t(finding['rationale'])}"
            if finding.get("limits"):
                basis += f" <b>Does not prove:</b> {_t(finding['limits'])}"
            head.append(Paragraph(basis, styles["small"]))
        items = _evidence_items(by_rule.get(finding["rule"], []), styles)
        if items:
            head.append(items.pop(0))
        flows.append(KeepTogether(head))
        flows.extend(items)
    return flows


def _col_widths(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Share the width by the longest text in each column, within sensible bounds."""
    lengths = []
    for i, name in enumerate(columns):
        longest = max([len(str(name))] + [len(str(r[i])) for r in rows if i < len(r)])
        lengths.append(min(max(longest, 6), 48))
    total = sum(lengths)
    return [CONTENT_W * n / total for n in lengths]


def _control_block(control, styles, index: int) -> list:
    key = f"control-{index}"
    header = Table(
        [
            [
                Paragraph(_t(control["id"]), styles["control_id"]),
                Paragraph(_t(control["title"]), styles["control_title"]),
                StatusChip(control["status"]),
            ]
        ],
        colWidths=[30 * mm, CONTENT_W - 30 * mm - 28 * mm, 28 * mm],
        hAlign="LEFT",
    )
    header.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), STATUS_TINTS[control["status"]]),
                ("LINEBEFORE", (0, 0), (0, 0), 3, STATUS_COLORS[control["status"]]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (0, 0), 8),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
            ]
        )
    )
    head = [
        OutlineAnchor(f"{control['id']} {control['title']}", key, level=2),
        header,
        Paragraph("ASSESSMENT", styles["h3"]),
        Paragraph(_t(control.get("reason")), styles["body"]),
    ]
    body: list = []
    evidence = _evidence_flowables(control, styles)
    if evidence:
        body.append(Paragraph("EVIDENCE", styles["h3"]))
        body.extend(evidence)
    if control.get("remediation"):
        items = [Paragraph("REMEDIATION", styles["h3"])]
        for n, action in enumerate(control["remediation"], 1):
            items.append(Paragraph(_t(action), styles["bullet"], bulletText=f"{n}."))
        box = Table([[items]], colWidths=[CONTENT_W], hAlign="LEFT")
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                    ("LINEBEFORE", (0, 0), (0, -1), 2, ACCENT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        body.append(Spacer(1, 2 * mm))
        body.append(box)
    for override in control.get("overrides") or []:
        body.append(
            Paragraph(
                f"Mapping override: {_t(override.get('action'))} rule {_t(override.get('rule'))} by {_t(override.get('by'))} "
                f"on {_t(_dt(override.get('at')))}. {_t(override.get('note') or '')}",
                styles["small"],
            )
        )
    return [CondPageBreak(40 * mm), KeepTogether(head), *body, Spacer(1, 7 * mm)]


def _assessments(content, styles) -> list:
    story: list = [Heading("3 Control assessments", styles["h1"], level=0, key="controls")]
    story.append(
        Paragraph(
            "One section per control that Execlave's evidence addresses, in the catalog's order: its status; the assessment "
            "computed from the organisation's data; the evidence behind it, grouped by the mapping rule that produced it "
            "(with that rule's own result and whether it is primary or supporting evidence); and what to do where it falls "
            "short.",
            styles["body"],
        )
    )
    in_scope = [c for c in content["controls"] if c["status"] != OUTSIDE_SCOPE]
    titles = {s["id"]: s["title"] for s in content.get("sections", [])}
    current = None
    for index, control in enumerate(in_scope):
        if control["section"] != current:
            current = control["section"]
            title = titles.get(current, current)
            heading = f"{current} {title}" if not title.lower().startswith("chapter") else title
            story.append(CondPageBreak(70 * mm))
            story.append(Heading(_t(heading), styles["h2"], level=1, key=f"section-{current}"))
        story.extend(_control_block(control, styles, index))
    story.append(PageBreak())
    return story


def _outside(content, styles) -> list:
    outside = [c for c in content["controls"] if c["status"] == OUTSIDE_SCOPE]
    story: list = [
        Heading("4 Controls outside Execlave's scope", styles["h1"], level=0, key="outside")
    ]
    if not outside:
        story.append(
            Paragraph(
                "Every control in the catalog is addressed by Execlave evidence.", styles["body"]
            )
        )
        story.append(PageBreak())
        return story
    story.append(
        Paragraph(
            f"The {len(outside)} controls below need evidence Execlave does not hold — for example physical "
            "security, personnel, suppliers, business continuity or the organisation's wider documentation. They are "
            "neither met nor unmet in this report; evidence them from the systems and processes that implement them.",
            styles["body"],
        )
    )
    titles = {s["id"]: s["title"] for s in content.get("sections", [])}
    rows = [[Paragraph(h, styles["cell_head"]) for h in ("CONTROL", "TITLE", "SECTION")]]
    for c in outside:
        rows.append(
            [
                Paragraph(f"<b>{_t(c['id'])}</b>", styles["cell"]),
                Paragraph(_t(c["title"]), styles["cell"]),
                Paragraph(_t(titles.get(c["section"], c["section"])), styles["cell"]),
            ]
        )
    story.append(_table(rows, [32 * mm, CONTENT_W - 32 * mm - 52 * mm, 52 * mm]))
    story.append(PageBreak())
    return story
