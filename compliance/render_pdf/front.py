"""The front matter: cover, table of contents, executive summary, scope and method."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from compliance.assess import GAP, NOT_APPLICABLE, PARTIAL, SATISFIED
from compliance.render_pdf.blocks import _doughnut, _kv_table, _section_bars, _status_tiles, _table
from compliance.render_pdf.document import Heading, StatusChip
from compliance.render_pdf.style import CONTENT_W, _dt, _period, _t

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
