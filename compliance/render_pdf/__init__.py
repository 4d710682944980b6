"""Render report content (``compliance.content``) as a PDF with reportlab.

Layout: cover page; table of contents; 1 Executive summary (status tiles, a
doughnut of control status, status by section as stacked bars, key findings,
scope, priority remediation); 2 Scope and method; 3 Control assessments (one
section per control: status, assessment, evidence, evidence basis,
remediation); 4 Controls outside Execlave's scope; appendices A Ledger
verification proof, B Mapping rules applied, C Report integrity. Every page but
the cover has a running header and a "Page x of y" footer; the PDF outline
(bookmarks) lists every control.

Fonts are the Bitstream Vera faces shipped inside reportlab, so the output is
the same on every machine and covers the typography the content uses (en
dash, curly quotes, ≥).

Modules: ``style`` (look), ``document`` (page furniture), ``blocks`` (tables, charts),
``front`` (cover to method), ``controls``, ``appendices``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from reportlab.lib.styles import ParagraphStyle

from compliance.content import content_hash as compute_content_hash
from compliance.content import upgrade
from compliance.render_pdf.appendices import _appendix_integrity, _appendix_ledger, _appendix_rules
from compliance.render_pdf.controls import _assessments, _outside
from compliance.render_pdf.document import NumberedCanvas, ReportDocument
from compliance.render_pdf.front import _cover_story, _executive_summary, _method, _toc_story
from compliance.render_pdf.style import _register_fonts, _styles


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
    content = upgrade(content)  # reports stored as /1 are shown with /2 statuses
    buffer = io.BytesIO()
    document = ReportDocument(buffer, content, digest, styles)
    document.multiBuild(build_story(content, digest, styles), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


__all__ = ["build_story", "render_pdf"]
