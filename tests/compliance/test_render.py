"""The PDF and HTML renderings of report content (no database)."""

from __future__ import annotations

import io
import re

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from compliance.assess import OUTSIDE_SCOPE, STATUSES
from compliance.content import SCHEMA, content_hash, upgrade, validate_content
from compliance.presentation import report_view_model
from compliance.render_pdf import render_pdf
from compliance.sample import sample_content

FRAMEWORKS = ["soc2", "hipaa", "gdpr", "iso27001", "eu_ai_act"]


def pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("code", FRAMEWORKS)
def test_sample_content_is_valid(code):
    content = sample_content(code)
    assert content["schema"] == SCHEMA
    assert validate_content(content) == []
    s = content["summary"]
    assert s["total"] == sum(s[status] for status in STATUSES)
    assert s["assessed"] == s["supports"] + s["partial"] + s["gap"]
    assert s["applicable"] == s["total"] - s["not_applicable"]
    assert s["readiness_catalog_pct"] <= s["readiness_pct"]
    assert content["report"]["title"].startswith("Readiness evidence for")
    assert "not an audit" in content["report"]["disclaimer"]


def test_content_hash_is_canonical():
    content = sample_content("gdpr")
    reordered = dict(reversed(list(content.items())))
    assert content_hash(content) == content_hash(reordered)
    changed = {**content, "generated_by": "mallory@example.com"}
    assert content_hash(changed) != content_hash(content)


@pytest.fixture(scope="module")
def eu_pdf():
    content = sample_content("eu_ai_act")
    return content, render_pdf(content)


def test_pdf_opens_and_has_every_section(eu_pdf):
    content, pdf = eu_pdf
    assert pdf.startswith(b"%PDF-")
    reader, text = pdf_text(pdf)
    assert len(reader.pages) >= 8
    for heading in (
        "READINESS EVIDENCE REPORT",
        "Contents",
        "1 Executive summary",
        "Key findings",
        "2 Scope and method",
        "3 Control assessments",
        "4 Controls outside Execlave's scope",
        "When the obligations apply",
        "WHAT IT DOES NOT PROVE",
        "Appendix A Ledger verification proof",
        "Latest signed checkpoint",
        "Appendix B Mapping rules applied",
        "Appendix C Report integrity",
    ):
        assert heading in text, heading
    assert content["organisation"]["name"] in text
    assert "not an audit, an attestation or an auditor's opinion" in text
    assert "2027-08-02" in text and "Art. 113(c)" in text  # dates ISO-like, as on every page
    assert "compliance assessment" not in text.lower()
    assert content_hash(content) in text.replace(" ", "")
    assert f"Page 2 of {len(reader.pages)}" in text


def test_pdf_has_a_section_per_assessed_control(eu_pdf):
    content, pdf = eu_pdf
    _, text = pdf_text(pdf)
    for control in content["controls"]:
        assert control["id"] in text, control["id"]
        if control["status"] != OUTSIDE_SCOPE:
            assert control["reason"][:60] in text, control["id"]
    # The retention gap and its remediation are spelled out under Art. 26(6) (the sample
    # organisation deploys; Art. 19 is a provider's duty and shows as not applicable).
    controls_section = text.split("3 Control assessments")[-1]
    art26_6 = controls_section.split("for at least six months (paragraph 6)")[1]
    assert art26_6.lstrip().startswith("GAP")
    art19 = controls_section.split("Art. 19 Automatically generated logs")[1]
    assert art19.lstrip().startswith("N/A")
    assert "at least 184 days" in text
    # Not applicable with its reason: a provider article for a deployer.
    assert "the organisation's EU AI Act role is deployer" in text
    # Ledger proof: verdict, entries, checkpoint signature.
    appendix = text.split("Appendix A Ledger verification proof")[-1]
    assert "INTACT" in appendix and "1,000,000" in appendix
    assert content["appendix"]["ledger"]["checkpoint"]["key_id"] in appendix


def test_pdf_outline_lists_every_assessed_control(eu_pdf):
    content, pdf = eu_pdf
    reader = PdfReader(io.BytesIO(pdf))

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = list(titles(reader.outline))
    assert "1 Executive summary" in outline
    for control in content["controls"]:
        if control["status"] != OUTSIDE_SCOPE:
            assert f"{control['id']} {control['title']}" in outline


@pytest.mark.parametrize("code", ["soc2", "iso27001"])
def test_pdf_renders_for_large_catalogs(code):
    reader, text = pdf_text(render_pdf(sample_content(code)))
    assert "3 Control assessments" in text
    assert len(reader.pages) > 10


def test_pdf_survives_awkward_text_and_a_broken_chain():
    content = sample_content("gdpr")
    content["organisation"]["name"] = "Ünïcode & <Sons> “Ltd” ≥ 1"
    content["appendix"]["ledger"] = {
        "ok": False,
        "entries": 10,
        "first_break": {"entry": 7, "kind": "altered"},
        "checkpoint": None,
    }
    content["controls"][0]["evidence"] = [
        {"kind": "table", "label": "Empty", "columns": [], "rows": []}
    ]
    _, text = pdf_text(render_pdf(content))
    assert "BROKEN" in text and "entry 7 (altered)" in text
    assert "Ünïcode & <Sons>" in text


def test_html_report_renders_the_same_content():
    content = sample_content("eu_ai_act")
    html = render_to_string(
        "compliance/report.html", {**report_view_model(content), "pdf_url": "/x.pdf"}
    )
    for heading in (
        "1 Executive summary",
        "3 Control assessments",
        "Appendix A Ledger verification proof",
    ):
        assert heading in html
    assert content_hash(content) in html
    for control in content["controls"]:
        assert control["id"] in html
    assert 'href="/x.pdf"' in html
    for label in (
        "Evidence supports",
        "Not tested",
        "Outside Execlave&#x27;s scope",
        "Not applicable",
    ):
        assert label in html, label
    assert "readiness over the whole catalog" in html
    assert "Does not prove:" in html
    assert "&lt;script&gt;" not in html  # nothing suspicious in the sample
    content["organisation"]["name"] = "<script>alert(1)</script>"
    html = render_to_string("compliance/report.html", report_view_model(content))
    assert "<script>alert(1)</script>" not in html


def test_a_report_stored_before_the_new_statuses_still_renders():
    """Stored content is immutable: a /1 document is shown with the /2 statuses."""
    legacy = sample_content("gdpr")
    legacy["schema"] = "execlave.compliance.report/1"
    legacy["report"]["title"] = "GDPR compliance assessment"
    for c in legacy["controls"]:
        if c["status"] == "supports":
            c["status"] = "satisfied"
        elif c["status"] == OUTSIDE_SCOPE:
            c["status"], c["scope"] = "not_applicable", "outside"
    upgraded = upgrade(legacy)
    assert upgraded["summary"] == sample_content("gdpr")["summary"]
    assert upgraded["report"]["title"] == "GDPR readiness evidence"
    html = render_to_string(
        "compliance/report.html", report_view_model(legacy, content_hash="abc123")
    )
    assert "Evidence supports" in html and "abc123" in html
    _, text = pdf_text(render_pdf(legacy, content_hash="abc123"))
    assert "SUPPORTS" in text
