"""Building blocks: tables, status tiles and the charts of the executive summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.doughnut import Doughnut
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from compliance.assess import (
    GAP,
    NOT_APPLICABLE,
    NOT_TESTED,
    PARTIAL,
    STATUS_LABELS,
    STATUSES,
    SUPPORTS,
)
from compliance.render_pdf.document import _fit
from compliance.render_pdf.style import (
    CONTENT_W,
    INK,
    MUTED,
    NAVY,
    PANEL,
    RULE,
    SANS,
    SANS_B,
    STATUS_COLORS,
    STATUS_TINTS,
    _num,
    _t,
)

# ----------------------------------------------------------------------------- building blocks

#: Statuses drawn in the charts: how far the evidence goes, and where nothing could be tested.
CHARTED = (SUPPORTS, PARTIAL, GAP, NOT_TESTED)


def _table(
    rows, col_widths, *, header: bool = True, zebra: bool = True, extra: Sequence = ()
) -> Table:
    table = Table(rows, colWidths=col_widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        style += [
            ("LINEBELOW", (0, 0), (-1, 0), 0.9, MUTED),
            ("BACKGROUND", (0, 0), (-1, 0), colors.white),
        ]
    if zebra:
        for r in range(1 if header else 0, len(rows)):
            if r % 2 == 0:
                style.append(("BACKGROUND", (0, r), (-1, r), PANEL))
    table.setStyle(TableStyle(style + list(extra)))
    return table


def _kv_table(
    pairs: Sequence[tuple[str, Any]],
    styles,
    *,
    key_width: float = 48 * mm,
    mono_keys: Sequence[str] = (),
) -> Table:
    rows = []
    for key, value in pairs:
        value_para = (
            value
            if isinstance(value, Flowable)
            else Paragraph(_t(value), styles["mono"] if key in mono_keys else styles["cell"])
        )
        rows.append([Paragraph(_t(key), styles["cell_b"]), value_para])
    return _table(rows, [key_width, CONTENT_W - key_width], header=False, zebra=False)


def _status_tiles(summary: Mapping[str, Any], styles) -> Table:
    tiles = [(s, summary.get(s, 0), STATUS_LABELS[s]) for s in STATUSES]
    number = ParagraphStyle(
        "tile_n", parent=styles["body"], fontName=SANS_B, fontSize=18, leading=22, spaceAfter=0
    )
    label = ParagraphStyle(
        "tile_l", parent=styles["small"], fontName=SANS_B, fontSize=6, leading=7.6, spaceAfter=0
    )
    gap = 2.5 * mm
    width = (CONTENT_W - (len(tiles) - 1) * gap) / len(tiles)
    cells: list = []
    widths: list[float] = []
    style = [
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for i, (status, count, text) in enumerate(tiles):
        col = 2 * i
        if i:
            cells.append("")
            widths.append(gap)
        color = STATUS_COLORS[status].hexval()[2:]
        cells.append(
            [
                Paragraph(f'<font color="#{color}">{_num(count)}</font>', number),
                Paragraph(text.upper(), label),
            ]
        )
        widths.append(width)
        style += [
            ("BACKGROUND", (col, 0), (col, 0), STATUS_TINTS[status]),
            ("LINEBEFORE", (col, 0), (col, 0), 3, STATUS_COLORS[status]),
        ]
    table = Table([cells], colWidths=widths, hAlign="LEFT", spaceBefore=2, spaceAfter=2)
    table.setStyle(TableStyle(style))
    return table


def _doughnut(summary: Mapping[str, Any]) -> Drawing:
    size = 62 * mm
    drawing = Drawing(size, size)
    order = list(CHARTED)
    values = [summary.get(s, 0) for s in order]
    if not any(values):
        values, order = [1], [NOT_APPLICABLE]
    chart = Doughnut()
    chart.x = chart.y = 4 * mm
    chart.width = chart.height = size - 8 * mm
    chart.data = values
    chart.labels = None
    chart.innerRadiusFraction = 0.62
    chart.strokeColor = colors.white
    chart.strokeWidth = 1.2
    chart.startAngle = 90
    chart.direction = "clockwise"
    for i, status in enumerate(order):
        chart.slices[i].fillColor = STATUS_COLORS[status]
        chart.slices[i].strokeColor = colors.white
    drawing.add(chart)
    centre = size / 2
    drawing.add(
        String(
            centre,
            centre + 1,
            f"{summary.get('readiness_pct', 0):.0f}%",
            fontName=SANS_B,
            fontSize=18,
            fillColor=NAVY,
            textAnchor="middle",
        )
    )
    drawing.add(
        String(
            centre,
            centre - 11,
            "readiness over",
            fontName=SANS,
            fontSize=7.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    drawing.add(
        String(
            centre,
            centre - 20,
            f"{summary.get('assessed', 0)} assessable controls",
            fontName=SANS,
            fontSize=6.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def _section_bars(sections: Sequence[Mapping[str, Any]], width: float) -> Drawing | None:
    rows = [s for s in sections if sum(s["counts"].get(k, 0) for k in CHARTED)]
    if not rows:
        return None
    rows = list(reversed(rows))  # reportlab draws the first category at the bottom
    bar_h = 8.5
    height = len(rows) * (bar_h + 7) + 34
    drawing = Drawing(width, height)
    label_w = 41 * mm
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 22
    chart.width, chart.height = width - label_w - 8, height - 30
    order = list(CHARTED)
    chart.data = [[r["counts"].get(s, 0) for r in rows] for s in order]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [_bar_label(r) for r in rows]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    maximum = max(sum(col) for col in zip(*chart.data, strict=True))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(maximum, 1)
    chart.valueAxis.valueStep = max(1, round(maximum / 5))
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E8EBF0")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.barWidth = bar_h
    chart.groupSpacing = 7
    chart.barSpacing = 0
    for i, status in enumerate(order):
        chart.bars[i].fillColor = STATUS_COLORS[status]
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.5
    drawing.add(chart)
    # legend
    x = label_w
    for status in order:
        drawing.add(Rect(x, 2, 7, 7, fillColor=STATUS_COLORS[status], strokeColor=None))
        drawing.add(
            String(x + 10, 3, STATUS_LABELS[status], fontName=SANS, fontSize=7, fillColor=MUTED)
        )
        x += 10 + pdfmetrics.stringWidth(STATUS_LABELS[status], SANS, 7) + 14
    return drawing


def _bar_label(section: Mapping[str, Any]) -> str:
    return _fit(section.get("label") or f"{section['id']} {section['title']}", SANS, 7, 38 * mm)
