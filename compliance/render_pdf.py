"""Render report content (``compliance.content``) as a PDF with reportlab.

Layout: cover page; table of contents; 1 Executive summary (status tiles, a
doughnut of control status, status by section as stacked bars, key findings,
scope, priority remediation); 2 Scope and method; 3 Control assessments (one
section per control: status, assessment, evidence, evidence basis,
remediation); 4 Controls outside Execlave's evidence; appendices A Ledger
verification proof, B Mapping rules applied, C Report integrity. Every page but
the cover has a running header and a "Page x of y" footer; the PDF outline
(bookmarks) lists every control.

Fonts are the Bitstream Vera faces shipped inside reportlab, so the output is
the same on every machine and covers the typography the content uses (en
dash, curly quotes, ≥).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.doughnut import Doughnut
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from compliance.assess import GAP, NOT_APPLICABLE, PARTIAL, SATISFIED, SCOPE_OUTSIDE, STATUS_LABELS
from compliance.content import content_hash as compute_content_hash

# ----------------------------------------------------------------------------- look

INK = colors.HexColor("#1B2333")
NAVY = colors.HexColor("#14213D")
ACCENT = colors.HexColor("#2A9D8F")
MUTED = colors.HexColor("#5B6472")
RULE = colors.HexColor("#D5DAE1")
PANEL = colors.HexColor("#F3F5F8")
STATUS_COLORS = {
    SATISFIED: colors.HexColor("#2E7D4F"),
    PARTIAL: colors.HexColor("#C98A12"),
    GAP: colors.HexColor("#C0392B"),
    NOT_APPLICABLE: colors.HexColor("#8A94A6"),
}
STATUS_TINTS = {
    SATISFIED: colors.HexColor("#E6F2EA"),
    PARTIAL: colors.HexColor("#FBF1DC"),
    GAP: colors.HexColor("#F8E3E0"),
    NOT_APPLICABLE: colors.HexColor("#EEF0F3"),
}
SHORT_LABELS = {SATISFIED: "SATISFIED", PARTIAL: "PARTIAL", GAP: "GAP", NOT_APPLICABLE: "N/A"}

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

SANS, SANS_B, SANS_I, SANS_BI = "ExSans", "ExSans-Bold", "ExSans-Oblique", "ExSans-BoldOblique"
MONO = "Courier"


def _register_fonts() -> None:
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = Path(reportlab.__file__).parent / "fonts"
    for name, file in (
        (SANS, "Vera.ttf"),
        (SANS_B, "VeraBd.ttf"),
        (SANS_I, "VeraIt.ttf"),
        (SANS_BI, "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_B, italic=SANS_I, boldItalic=SANS_BI)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=SANS, fontSize=9.2, leading=13.2, textColor=INK, spaceAfter=5
    )
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=10.2, leading=15, spaceAfter=8),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10.6, textColor=MUTED, spaceAfter=2
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.2, leading=10.6, spaceAfter=0),
        "cell_b": ParagraphStyle(
            "cell_b", parent=base, fontName=SANS_B, fontSize=8.2, leading=10.6, spaceAfter=0
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=base,
            fontName=SANS_B,
            fontSize=7.4,
            leading=9.5,
            textColor=MUTED,
            spaceAfter=0,
        ),
        "mono": ParagraphStyle(
            "mono", parent=base, fontName=MONO, fontSize=7.6, leading=9.6, spaceAfter=0
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=SANS_B,
            fontSize=17,
            leading=22,
            textColor=NAVY,
            spaceBefore=0,
            spaceAfter=10,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=SANS_B,
            fontSize=12,
            leading=16,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=6,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=SANS_B,
            fontSize=7.6,
            leading=10,
            textColor=MUTED,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "control_id": ParagraphStyle(
            "control_id", parent=base, fontName=SANS_B, fontSize=10.5, leading=13, textColor=NAVY
        ),
        "control_title": ParagraphStyle(
            "control_title", parent=base, fontName=SANS_B, fontSize=10.5, leading=13
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=3
        ),
        "toc0": ParagraphStyle(
            "toc0", parent=base, fontName=SANS_B, fontSize=10, leading=16, spaceBefore=4
        ),
        "toc1": ParagraphStyle(
            "toc1", parent=base, fontSize=9, leading=13, leftIndent=14, textColor=MUTED
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=SANS_I,
            fontSize=7.8,
            leading=10,
            textColor=MUTED,
            spaceAfter=2,
        ),
        "finding": ParagraphStyle(
            "finding", parent=base, fontSize=8.4, leading=11.4, textColor=INK, spaceAfter=3
        ),
        "center_small": ParagraphStyle(
            "center_small",
            parent=base,
            fontSize=7.6,
            leading=10,
            alignment=TA_CENTER,
            textColor=MUTED,
        ),
    }


def _t(text: Any) -> str:
    """Escape plain text for a reportlab Paragraph."""
    return escape("" if text is None else str(text))


def _dt(value: str | None, *, with_time: bool = True) -> str:
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    day = f"{moment.day} {moment:%B %Y}"
    if not with_time:
        return day
    offset = moment.utcoffset()
    zone = "UTC" if offset is None or not offset else moment.strftime("UTC%z")
    return f"{day}, {moment:%H:%M} {zone}"


def _period(content: Mapping[str, Any]) -> str:
    period = content.get("period") or {}
    return (
        f"{_dt(period.get('start'), with_time=False)} – {_dt(period.get('end'), with_time=False)}"
    )


def _num(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


# ----------------------------------------------------------------------------- flowables


class StatusChip(Flowable):
    """A rounded status label, e.g. [ GAP ]."""

    def __init__(
        self,
        status: str,
        *,
        width: float = 24 * mm,
        height: float = 5.6 * mm,
        label: str | None = None,
    ):
        super().__init__()
        self.status, self.width, self.height = status, width, height
        self.label = label or SHORT_LABELS.get(status, status.upper())

    def wrap(self, aw, ah):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.setFillColor(STATUS_COLORS.get(self.status, MUTED))
        c.roundRect(0, 0, self.width, self.height, 1.6 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(SANS_B, 7)
        c.drawCentredString(self.width / 2, self.height / 2 - 2.4, self.label)


class Heading(Paragraph):
    """A heading that becomes a bookmark and, up to level 1, a TOC entry."""

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        level: int,
        key: str,
        toc: bool = True,
        outline: str | None = None,
    ):
        super().__init__(text, style)
        self.toc_level, self.toc_key, self.in_toc = level, key, toc
        self.outline_text = outline


class OutlineAnchor(Flowable):
    """Invisible marker: a PDF bookmark for a control (not a TOC entry)."""

    def __init__(self, title: str, key: str, level: int):
        super().__init__()
        self.title, self.key, self.level = title, key, level

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


class NumberedCanvas(pdfcanvas.Canvas):
    """Defers page output so each footer can say "Page x of y"."""

    def __init__(self, *args, **kwargs):
        self._footer_text = kwargs.pop("footer_text", "")
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                self.setFont(SANS, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(
                    PAGE_W - MARGIN_X, 12 * mm, f"Page {self._pageNumber} of {total}"
                )
            super().showPage()
        super().save()


# ----------------------------------------------------------------------------- document


class ReportDocument(BaseDocTemplate):
    def __init__(
        self, buffer, content: Mapping[str, Any], digest: str, styles: dict[str, ParagraphStyle]
    ):
        self.content, self.digest, self.styles = content, digest, styles
        framework = content["framework"]
        organisation = content["organisation"]
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=24 * mm,
            bottomMargin=22 * mm,
            title=f"{framework['name']} compliance assessment — {organisation.get('name', '')}",
            author="Execlave",
            subject=f"{framework['name']} assessment for {_period(content)}",
            creator="Execlave compliance reports",
            keywords=f"{framework['code']}, compliance, audit evidence, {self.digest}",
        )
        body = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
        )
        cover = Frame(
            self.leftMargin,
            30 * mm,
            self.width,
            PAGE_H - 160 * mm,
            id="cover",
            leftPadding=0,
            rightPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self._draw_cover),
                PageTemplate(id="body", frames=[body], onPage=self._draw_body_page),
            ]
        )

    # -- page decoration

    def _watermark(self, c) -> None:
        if not self.content.get("sample"):
            return
        c.saveState()
        c.setFillColor(colors.Color(0.75, 0.2, 0.15, alpha=0.08))
        c.setFont(SANS_B, 96)
        c.translate(PAGE_W / 2, PAGE_H / 2)
        c.rotate(35)
        c.drawCentredString(0, -30, "SAMPLE")
        c.restoreState()

    def _draw_cover(self, c, doc) -> None:
        content = self.content
        framework, organisation = content["framework"], content["organisation"]
        c.saveState()
        band_h = 122 * mm
        c.setFillColor(NAVY)
        c.rect(0, PAGE_H - band_h, PAGE_W, band_h, stroke=0, fill=1)
        c.setFillColor(ACCENT)
        c.rect(0, PAGE_H - band_h - 2.2 * mm, PAGE_W, 2.2 * mm, stroke=0, fill=1)
        # wordmark
        x, top = MARGIN_X, PAGE_H - 24 * mm
        c.setFillColor(ACCENT)
        c.rect(x, top - 1.5 * mm, 4 * mm, 4 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(SANS_B, 11)
        c.drawString(x + 6.5 * mm, top - 1 * mm, "EXECLAVE")
        c.setFont(SANS, 8)
        c.setFillColor(colors.HexColor("#AAB4C5"))
        c.drawRightString(
            PAGE_W - MARGIN_X, top - 1 * mm, "AI-agent governance · Compliance evidence"
        )
        # title block: the framework name, shrunk to fit two lines at most
        c.setFillColor(colors.HexColor("#AAB4C5"))
        c.setFont(SANS_B, 9)
        c.drawString(x, PAGE_H - 50 * mm, "COMPLIANCE ASSESSMENT REPORT")
        size = 26
        lines = _wrap_text(framework["name"], SANS_B, size, CONTENT_W)
        while len(lines) > 2 and size > 16:
            size -= 2
            lines = _wrap_text(framework["name"], SANS_B, size, CONTENT_W)
        y = PAGE_H - 50 * mm - size * 1.35
        c.setFillColor(colors.white)
        c.setFont(SANS_B, size)
        for line in lines[:2]:
            c.drawString(x, y, line)
            y -= size * 1.2
        c.setFont(SANS, 10.5)
        c.setFillColor(colors.HexColor("#D9DFEA"))
        y -= 1 * mm
        for line in _wrap_text(framework.get("title") or "", SANS, 10.5, CONTENT_W)[:2]:
            c.drawString(x, y, line)
            y -= 14
        c.setStrokeColor(colors.HexColor("#3A4866"))
        c.setLineWidth(0.6)
        c.line(x, PAGE_H - 95 * mm, PAGE_W - MARGIN_X, PAGE_H - 95 * mm)
        c.setFont(SANS_B, 14)
        c.setFillColor(colors.white)
        c.drawString(x, PAGE_H - 104 * mm, organisation.get("name", ""))
        c.setFont(SANS, 10)
        c.setFillColor(colors.HexColor("#D9DFEA"))
        c.drawString(x, PAGE_H - 111 * mm, f"Assessment period {_period(content)}")
        # footer notice
        c.setFillColor(MUTED)
        c.setFont(SANS, 7.5)
        notice = (
            "CONFIDENTIAL — prepared for the organisation named above and its auditors. Generated automatically from "
            "data held in Execlave; supporting evidence for an audit, not an attestation or an auditor's opinion."
        )
        for i, line in enumerate(_wrap_text(notice, SANS, 7.5, CONTENT_W)):
            c.drawString(x, 18 * mm - i * 10, line)
        c.restoreState()
        self._watermark(c)

    def _draw_body_page(self, c, doc) -> None:
        content = self.content
        c.saveState()
        top = PAGE_H - 13 * mm
        c.setFillColor(ACCENT)
        c.rect(MARGIN_X, top - 0.6 * mm, 2.6 * mm, 2.6 * mm, stroke=0, fill=1)
        c.setFillColor(NAVY)
        c.setFont(SANS_B, 7.5)
        c.drawString(MARGIN_X + 4.2 * mm, top, "EXECLAVE")
        c.setFont(SANS, 7.5)
        c.setFillColor(MUTED)
        right = f"{content['organisation'].get('name', '')} · {_period(content)}"
        c.drawRightString(PAGE_W - MARGIN_X, top, right)
        room = CONTENT_W - 20 * mm - pdfmetrics.stringWidth(right, SANS, 7.5) - 6 * mm
        c.drawString(
            MARGIN_X + 20 * mm,
            top,
            _fit(f"{content['framework']['name']} — compliance assessment", SANS, 7.5, room),
        )
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN_X, top - 3 * mm, PAGE_W - MARGIN_X, top - 3 * mm)
        c.line(MARGIN_X, 16 * mm, PAGE_W - MARGIN_X, 16 * mm)
        c.setFont(SANS, 7.5)
        report_id = (content.get("report") or {}).get("id") or "—"
        c.drawString(
            MARGIN_X,
            12 * mm,
            f"Confidential · Report {report_id} · Generated {_dt(content.get('generated_at'))} · SHA-256 {self.digest[:16]}…",
        )
        c.restoreState()
        self._watermark(c)

    # -- TOC and outline

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            key = flowable.toc_key
            text = flowable.outline_text or flowable.getPlainText()
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(
                text, key, level=flowable.toc_level, closed=flowable.toc_level >= 1
            )
            if flowable.in_toc:
                self.notify("TOCEntry", (flowable.toc_level, text, self.page, key))
        elif isinstance(flowable, OutlineAnchor):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(
                flowable.title, flowable.key, level=flowable.level, closed=True
            )


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Truncate one line with an ellipsis so it fits the width."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip(" ,—-") + "…"


def _wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


# ----------------------------------------------------------------------------- building blocks


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
    tiles = [
        (SATISFIED, summary.get(SATISFIED, 0), "Satisfied"),
        (PARTIAL, summary.get(PARTIAL, 0), "Partially satisfied"),
        (GAP, summary.get(GAP, 0), "Gaps"),
        (NOT_APPLICABLE, summary.get(NOT_APPLICABLE, 0), "Not applicable / outside scope"),
    ]
    number = ParagraphStyle(
        "tile_n", parent=styles["body"], fontName=SANS_B, fontSize=22, leading=26, spaceAfter=0
    )
    label = ParagraphStyle(
        "tile_l", parent=styles["small"], fontName=SANS_B, fontSize=7, leading=9, spaceAfter=0
    )
    gap = 3.5 * mm
    width = (CONTENT_W - 3 * gap) / 4
    cells: list = []
    widths: list[float] = []
    style = [
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
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
    order = [SATISFIED, PARTIAL, GAP]
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
            "readiness",
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
            f"{summary.get('assessed', 0)} controls assessed",
            fontName=SANS,
            fontSize=6.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def _section_bars(sections: Sequence[Mapping[str, Any]], width: float) -> Drawing | None:
    rows = [s for s in sections if sum(s["counts"].get(k, 0) for k in (SATISFIED, PARTIAL, GAP))]
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
    order = [SATISFIED, PARTIAL, GAP]
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


# ----------------------------------------------------------------------------- story


def _cover_story(content, digest, styles) -> list:
    framework, organisation = content["framework"], content["organisation"]
    report = content.get("report") or {}
    retention = organisation.get("retention_days")
    pairs = [
        ("Organisation", f"{organisation.get('name', '')} ({organisation.get('slug', '')})"),
        ("Framework", f"{framework['name']} — version {framework.get('version', '')}"),
        ("Source", framework.get("source", "")),
        ("Assessment period", _period(content)),
        (
            "Generated",
            f"{_dt(content.get('generated_at'))} by {content.get('generated_by') or 'scheduled generation'}",
        ),
        (
            "Plan / ledger retention",
            f"{organisation.get('plan', '—')} / {'unlimited' if retention is None else f'{retention} days'}",
        ),
        ("Report ID", report.get("id") or "—"),
        ("Content SHA-256", digest),
    ]
    return [
        Spacer(1, 6 * mm),
        _kv_table(pairs, styles, key_width=44 * mm, mono_keys=("Content SHA-256",)),
        Spacer(1, 8 * mm),
        _status_tiles(content["summary"], styles),
        NextPageTemplate("body"),
        PageBreak(),
    ]


def _toc_story(styles) -> list:
    toc = TableOfContents()
    toc.levelStyles = [styles["toc0"], styles["toc1"]]
    toc.dotsMinLevel = 0
    return [Paragraph("Contents", styles["h1"]), Spacer(1, 2 * mm), toc, PageBreak()]


def _executive_summary(content, styles) -> list:
    s = content["summary"]
    framework, organisation = content["framework"], content["organisation"]
    story: list = [Heading("1 Executive summary", styles["h1"], level=0, key="summary")]
    story.append(
        Paragraph(
            f"This report assesses <b>{_t(organisation.get('name'))}</b> against <b>{_t(framework['name'])}</b> for the "
            f"period {_t(_period(content))}, using evidence recorded in Execlave: active policies and their enforcement, "
            "the hash-chained ledger of agent actions, human approvals, the audit log, members, roles and API keys, "
            f"retention and data-subject requests. Of the {s['total']} controls in the catalog, {s['assessed']} are "
            f"assessed from that evidence: <b>{s[SATISFIED]} satisfied</b>, <b>{s[PARTIAL]} partially satisfied</b> and "
            f"<b>{s[GAP]} with a gap</b>. {s['outside_scope']} controls concern matters Execlave holds no evidence for "
            "and must be evidenced separately.",
            styles["lead"],
        )
    )
    story.append(_status_tiles(s, styles))
    story.append(Spacer(1, 4 * mm))
    bars = _section_bars(content.get("sections", []), CONTENT_W - 66 * mm)
    chart_row = [[_doughnut(s), bars or Spacer(1, 1)]]
    charts = Table(chart_row, colWidths=[66 * mm, CONTENT_W - 66 * mm], hAlign="LEFT")
    charts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(Paragraph("STATUS OF ASSESSED CONTROLS, OVERALL AND BY SECTION", styles["h3"]))
    story.append(charts)
    if content.get("highlights"):
        story.append(Paragraph("Key findings", styles["h2"]))
        for line in content["highlights"]:
            story.append(Paragraph(_t(line), styles["bullet"], bulletText="•"))
    priority = [c for c in content["controls"] if c["status"] == GAP and c.get("remediation")] + [
        c for c in content["controls"] if c["status"] == PARTIAL and c.get("remediation")
    ]
    if priority:
        story.append(CondPageBreak(50 * mm))
        story.append(Paragraph("Priority remediation", styles["h2"]))
        rows = [[Paragraph(h, styles["cell_head"]) for h in ("CONTROL", "STATUS", "FIRST ACTION")]]
        for c in priority[:12]:
            action = c["remediation"][0]
            rows.append(
                [
                    Paragraph(f"<b>{_t(c['id'])}</b><br/>{_t(c['title'])}", styles["cell"]),
                    StatusChip(c["status"], width=18 * mm, height=4.8 * mm),
                    Paragraph(_t(action), styles["cell"]),
                ]
            )
        story.append(_table(rows, [52 * mm, 22 * mm, CONTENT_W - 74 * mm]))
        if len(priority) > 12:
            story.append(
                Paragraph(
                    f"{len(priority) - 12} further controls need action; see section 3.",
                    styles["small"],
                )
            )
    if content.get("scope"):
        story.append(CondPageBreak(45 * mm))
        story.append(Paragraph("Evidence in scope", styles["h2"]))
        story.append(
            _kv_table(
                [(i["label"], i["value"]) for i in content["scope"]], styles, key_width=70 * mm
            )
        )
    story.append(PageBreak())
    return story


def _method(content, styles) -> list:
    framework = content["framework"]
    story: list = [Heading("2 Scope and method", styles["h1"], level=0, key="method")]
    story.append(Paragraph("Framework and source", styles["h2"]))
    pairs = [
        ("Framework", framework.get("title") or framework["name"]),
        ("Version", framework.get("version")),
        ("Publisher", framework.get("publisher")),
        ("Source", framework.get("source")),
    ]
    if framework.get("source_url"):
        pairs.append(("Reference", framework["source_url"]))
    if framework.get("id_format"):
        pairs.append(("Control identifiers", framework["id_format"]))
    if framework.get("title_note"):
        pairs.append(("Control titles", framework["title_note"]))
    story.append(_kv_table(pairs, styles, key_width=40 * mm))
    story.append(Paragraph("How controls are assessed", styles["h2"]))
    story.append(
        Paragraph(
            "Each control is linked by mapping rules to kinds of evidence Execlave holds. The rules are data: a policy maps "
            "itself to controls by its type, so a policy created during the period is counted without manual tagging, and the "
            "compliance officer's overrides of the default mapping are recorded in the audit log and listed under the control. "
            "For the period, every rule is evaluated once against the organisation's records, aggregated in the database; the "
            "result, with the figures and samples behind it, is shown under each control it maps to.",
            styles["body"],
        )
    )
    story.append(
        Paragraph(
            "<b>Primary</b> evidence can satisfy a control on its own; <b>supporting</b> evidence contributes to a control but "
            "cannot satisfy it alone, so a control with supporting evidence only is at best partially satisfied. Alternative "
            "evidence (for example several policy types that each restrict access) counts once, by its best result.",
            styles["body"],
        )
    )
    rows = [[Paragraph(h, styles["cell_head"]) for h in ("STATUS", "MEANING")]]
    meanings = {
        SATISFIED: "Every primary evidence requirement of the control is met for the whole period.",
        PARTIAL: "Some evidence is present but incomplete: partial coverage of agents, non-enforcing modes, weak hygiene, or "
        "supporting evidence only.",
        GAP: "The evidence the control needs is missing or failed (for example no policy of the required type, or a "
        "retention period below the legal minimum).",
        NOT_APPLICABLE: "No mapped evidence applies in the period (for example no high-risk agent, or no request of that "
        "kind was received), or Execlave holds no evidence for the control at all (listed in section 4).",
    }
    for status in (SATISFIED, PARTIAL, GAP, NOT_APPLICABLE):
        rows.append(
            [
                StatusChip(status, width=20 * mm, height=4.8 * mm),
                Paragraph(meanings[status], styles["cell"]),
            ]
        )
    story.append(_table(rows, [26 * mm, CONTENT_W - 26 * mm], zebra=False))
    story.append(Paragraph("Limitations", styles["h2"]))
    story.append(
        Paragraph(
            "This report is generated automatically from data recorded in Execlave and is supporting evidence for an audit. It "
            "is not an attestation, a certification or an auditor's opinion. It covers the AI agents routed through Execlave; "
            "controls over people, premises, suppliers and other systems must be evidenced separately. Figures are as recorded "
            "at generation time; the report content is immutable and its SHA-256 is recorded in Execlave's audit log.",
            styles["body"],
        )
    )
    story.append(PageBreak())
    return story


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
    in_scope = [c for c in content["controls"] if c.get("scope") != SCOPE_OUTSIDE]
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
    outside = [c for c in content["controls"] if c.get("scope") == SCOPE_OUTSIDE]
    story: list = [
        Heading("4 Controls outside Execlave's evidence", styles["h1"], level=0, key="outside")
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
            f"The {len(outside)} controls below concern matters Execlave holds no evidence for — for example physical "
            "security, personnel, suppliers, business continuity or the organisation's wider documentation. They are "
            "reported as not applicable to this evidence set, not as met or unmet; assess them with evidence from the "
            "systems and processes that implement them.",
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


def _appendix_ledger(content, styles) -> list:
    ledger = (content.get("appendix") or {}).get("ledger") or {}
    story: list = [
        Heading("Appendix A Ledger verification proof", styles["h1"], level=0, key="ledger")
    ]
    ok = ledger.get("ok")
    story.append(
        Paragraph(
            "Execlave records every policy decision, approval and completed agent action in an append-only ledger. Each entry's "
            "hash covers the previous entry's hash, the entry's fields and the hash of its payload, so altering, removing or "
            "reordering any entry changes every later hash. The chain was verified end to end when this report was generated.",
            styles["body"],
        )
    )
    status = SATISFIED if ok else GAP
    verdict = Table(
        [
            [
                StatusChip(status, label="INTACT" if ok else "BROKEN", width=22 * mm),
                Paragraph(
                    f"<b>{'The chain verifies' if ok else 'The chain does not verify'}</b> — {_num(ledger.get('entries', 0))} entries "
                    f"checked on {_t(_dt(ledger.get('verified_at')))}.",
                    styles["body"],
                ),
            ]
        ],
        colWidths=[28 * mm, CONTENT_W - 28 * mm],
        hAlign="LEFT",
    )
    verdict.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, -1), STATUS_TINTS[status]),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    story.append(verdict)
    story.append(Spacer(1, 3 * mm))
    first_break = ledger.get("first_break")
    pairs = [
        ("Result", "intact" if ok else "broken"),
        ("Entries checked", _num(ledger.get("entries", 0))),
        (
            "First break",
            "none"
            if not first_break
            else f"entry {first_break.get('entry')} ({first_break.get('kind')})",
        ),
        ("Chain head", ledger.get("head") or "—"),
        ("Verified at", _dt(ledger.get("verified_at"))),
    ]
    reused = ledger.get("reused")
    if reused:
        pairs.append(
            (
                "Verified in two steps",
                f"entries up to #{_num(reused.get('up_to_seq'))} were verified by report {reused.get('report')} on "
                f"{_dt(reused.get('verified_at'))}; the {_num(reused.get('tail_entries', 0))} entries appended since were "
                "verified for this report, continuing from the hash that verification ended on.",
            )
        )
    story.append(_kv_table(pairs, styles, key_width=44 * mm, mono_keys=("Chain head",)))
    checkpoint = ledger.get("checkpoint")
    story.append(Paragraph("Latest signed checkpoint", styles["h2"]))
    if checkpoint:
        story.append(
            _kv_table(
                [
                    ("Sequence", _num(checkpoint.get("sequence"))),
                    ("Entry hash", checkpoint.get("entry_hash")),
                    ("Signed at", _dt(checkpoint.get("created_at"))),
                    ("Algorithm", checkpoint.get("algorithm") or "—"),
                    ("Key ID", checkpoint.get("key_id") or "—"),
                    ("Signature", checkpoint.get("signature")),
                ],
                styles,
                key_width=44 * mm,
                mono_keys=("Entry hash", "Signature", "Key ID"),
            )
        )
    else:
        story.append(
            Paragraph(
                "No signed checkpoint exists yet for this organisation's chain.", styles["body"]
            )
        )
    retention = ledger.get("retention_checkpoint")
    if retention:
        story.append(Paragraph("Retention checkpoint", styles["h2"]))
        story.append(
            Paragraph(
                "Entries older than the retention period were removed as a prefix of the chain; the checkpoint keeps the last "
                "removed hash so the remaining chain still verifies from it.",
                styles["body"],
            )
        )
        story.append(
            _kv_table(
                [
                    ("Entries removed", _num(retention.get("removed"))),
                    ("Last removed hash", retention.get("last_hash")),
                    ("Removed at", _dt(retention.get("at"))),
                ],
                styles,
                key_width=44 * mm,
                mono_keys=("Last removed hash",),
            )
        )
    story.append(Paragraph("Verifying independently", styles["h2"]))
    story.append(
        Paragraph(
            "An auditor can repeat the verification without trusting this report: call <font face='Courier'>GET "
            "/api/v1/ledger/verify</font> with a read-only key, or export the ledger (<font face='Courier'>manage.py "
            "export_traces</font>) and check the export offline with <font face='Courier'>manage.py verify_export</font>, "
            "which recomputes every entry hash and link and checks the checkpoints. Checkpoint signatures are "
            "HMAC-SHA256 under the ledger signing key named by its key ID above.",
            styles["body"],
        )
    )
    story.append(PageBreak())
    return story


def _appendix_rules(content, styles) -> list:
    rules = content.get("rules") or []
    story: list = [Heading("Appendix B Mapping rules applied", styles["h1"], level=0, key="rules")]
    story.append(
        Paragraph(
            f"The {len(rules)} rules below link Execlave evidence to controls of this framework. They ship as data with "
            "Execlave (compliance/mappings) and are the same for every organisation, except where an officer's override is "
            "shown under a control.",
            styles["body"],
        )
    )
    rows = [
        [
            Paragraph(h, styles["cell_head"])
            for h in ("RULE", "EVIDENCE", "WHY IT SPEAKS TO THE CONTROLS")
        ]
    ]
    for r in rules:
        rows.append(
            [
                Paragraph(f"<b>{_t(r['id'])}</b>", styles["cell"]),
                Paragraph(_t(r["signal"]), styles["cell"]),
                Paragraph(_t(r["rationale"]), styles["cell"]),
            ]
        )
    story.append(_table(rows, [44 * mm, 30 * mm, CONTENT_W - 74 * mm]))
    story.append(PageBreak())
    return story


def _appendix_integrity(content, digest, styles) -> list:
    report = content.get("report") or {}
    story: list = [Heading("Appendix C Report integrity", styles["h1"], level=0, key="integrity")]
    story.append(
        Paragraph(
            "The report's content is stored once, when it is generated, and never changed. Its SHA-256 digest is written to "
            "Execlave's audit log at that moment. To check that this document matches the stored report, fetch the content "
            "from <font face='Courier'>GET /api/v1/reports/&lt;id&gt;</font>, serialise it as canonical JSON (keys sorted, no "
            "insignificant whitespace, UTF-8) and compare its SHA-256 with the value below and with the audit-log entry.",
            styles["body"],
        )
    )
    story.append(
        _kv_table(
            [
                ("Report ID", report.get("id") or "—"),
                ("Schema", content.get("schema")),
                ("Content SHA-256", digest),
                ("Generated", _dt(content.get("generated_at"))),
            ],
            styles,
            key_width=44 * mm,
            mono_keys=("Content SHA-256",),
        )
    )
    story.append(Spacer(1, 10 * mm))
    story.append(Paragraph("— End of report —", styles["center_small"]))
    return story


def build_story(content: Mapping[str, Any], digest: str, styles: dict[str, ParagraphStyle]) -> list:
    return [
        *_cover_story(content, digest, styles),
        *_toc_story(styles),
        *_executive_summary(content, styles),
        *_method(content, styles),
        *_assessments(content, styles),
        *_outside(content, styles),
        *_appendix_ledger(content, styles),
        *_appendix_rules(content, styles),
        *_appendix_integrity(content, digest, styles),
    ]


def render_pdf(content: Mapping[str, Any], *, content_hash: str | None = None) -> bytes:
    """The PDF for a report's content, as bytes."""
    _register_fonts()
    styles = _styles()
    digest = content_hash or compute_content_hash(content)
    buffer = io.BytesIO()
    document = ReportDocument(buffer, content, digest, styles)
    document.multiBuild(build_story(content, digest, styles), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


__all__ = ["render_pdf"]
