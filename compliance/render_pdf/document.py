"""The page furniture: status chips, headings with outline entries, the numbered canvas and
the document template (cover, running header, footer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
)

from compliance.render_pdf.style import (
    ACCENT,
    CONTENT_W,
    MARGIN_X,
    MUTED,
    NAVY,
    PAGE_H,
    PAGE_W,
    RULE,
    SANS,
    SANS_B,
    SHORT_LABELS,
    STATUS_COLORS,
    _dt,
    _period,
)

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
        size = min(
            7.0, (self.width - 1.5 * mm) / max(pdfmetrics.stringWidth(self.label, SANS_B, 1), 1)
        )
        c.setFont(SANS_B, size)
        c.drawCentredString(self.width / 2, self.height / 2 - size * 0.34, self.label)


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
            title=f"{(content.get('report') or {}).get('title') or framework['name']} — {organisation.get('name', '')}",
            author="Execlave",
            subject=f"{framework['name']} readiness evidence for {_period(content)}",
            creator="Execlave readiness-evidence reports",
            keywords=f"{framework['code']}, readiness evidence, {self.digest}",
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
            PAGE_W - MARGIN_X, top - 1 * mm, "AI-agent governance · Readiness evidence"
        )
        # title block: the framework name, shrunk to fit two lines at most
        c.setFillColor(colors.HexColor("#AAB4C5"))
        c.setFont(SANS_B, 9)
        c.drawString(x, PAGE_H - 50 * mm, "READINESS EVIDENCE REPORT")
        title = (content.get("report") or {}).get("title") or framework["name"]
        size = 26
        lines = _wrap_text(title, SANS_B, size, CONTENT_W)
        while len(lines) > 2 and size > 16:
            size -= 2
            lines = _wrap_text(title, SANS_B, size, CONTENT_W)
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
        c.drawString(x, PAGE_H - 111 * mm, f"Period {_period(content)}")
        # footer notice
        c.setFillColor(MUTED)
        c.setFont(SANS, 7.5)
        notice = (
            "CONFIDENTIAL — prepared for the organisation named above and its auditors. Generated automatically from "
            "data held in Execlave; readiness evidence for an audit, not an audit, an attestation or an auditor's "
            "opinion, and not a statement that the organisation complies."
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
            _fit(f"{content['framework']['name']} — readiness evidence", SANS, 7.5, room),
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
