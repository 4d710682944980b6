"""Colours, fonts, paragraph styles and text formatting of the PDF report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from compliance.assess import GAP, NOT_APPLICABLE, NOT_TESTED, OUTSIDE_SCOPE, PARTIAL, SUPPORTS

# ----------------------------------------------------------------------------- look

INK = colors.HexColor("#1B2333")
NAVY = colors.HexColor("#14213D")
ACCENT = colors.HexColor("#2A9D8F")
MUTED = colors.HexColor("#5B6472")
RULE = colors.HexColor("#D5DAE1")
PANEL = colors.HexColor("#F3F5F8")
STATUS_COLORS = {
    SUPPORTS: colors.HexColor("#2E7D4F"),
    PARTIAL: colors.HexColor("#C98A12"),
    GAP: colors.HexColor("#C0392B"),
    NOT_TESTED: colors.HexColor("#5E7AA8"),
    OUTSIDE_SCOPE: colors.HexColor("#8A94A6"),
    NOT_APPLICABLE: colors.HexColor("#A3ABB8"),
}
STATUS_TINTS = {
    SUPPORTS: colors.HexColor("#E6F2EA"),
    PARTIAL: colors.HexColor("#FBF1DC"),
    GAP: colors.HexColor("#F8E3E0"),
    NOT_TESTED: colors.HexColor("#E8EEF7"),
    OUTSIDE_SCOPE: colors.HexColor("#EEF0F3"),
    NOT_APPLICABLE: colors.HexColor("#F5F6F8"),
}
SHORT_LABELS = {
    SUPPORTS: "SUPPORTS",
    PARTIAL: "PARTIAL",
    GAP: "GAP",
    NOT_TESTED: "NOT TESTED",
    OUTSIDE_SCOPE: "OUT OF SCOPE",
    NOT_APPLICABLE: "N/A",
}

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
    day = f"{moment:%Y-%m-%d}"
    if not with_time:
        return day
    offset = moment.utcoffset()
    zone = "UTC" if offset is None or not offset else moment.strftime("UTC%z")
    return f"{day} {moment:%H:%M} {zone}"


def _period(content: Mapping[str, Any]) -> str:
    period = content.get("period") or {}
    return (
        f"{_dt(period.get('start'), with_time=False)} – {_dt(period.get('end'), with_time=False)}"
    )


def _num(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
