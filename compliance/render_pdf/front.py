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

from compliance.assess import GAP, PARTIAL, STATUS_MEANINGS, STATUSES, SUPPORTS
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
        ("Period", _period(content)),
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
        Spacer(1, 5 * mm),
        Paragraph(_t(report.get("disclaimer", "")), styles["small"]),
        Spacer(1, 4 * mm),
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
            f"This report sets out the evidence Execlave holds on <b>{_t(organisation.get('name'))}</b>'s AI agents for "
            f"<b>{_t(framework['name'])}</b> over the period {_t(_period(content))}: policies and their enforcement, "
            "the hash-chained ledger of agent actions, human approvals, the audit log, members, roles and API keys, "
            "retention and data-subject requests, each as it stood throughout the period. Of the "
            f"{s['total']} controls in the catalog, the evidence <b>supports {s[SUPPORTS]}</b>, is <b>partial for "
            f"{s[PARTIAL]}</b> and shows <b>{s[GAP]} gap{'s' if s[GAP] != 1 else ''}</b>; {s.get('not_tested', 0)} could not "
            f"be tested (nothing happened in the period), {s.get('outside_scope', 0)} need evidence Execlave does not "
            f"hold and {s.get('not_applicable', 0)} do not apply. Readiness is <b>{s['readiness_pct']:.0f}%</b> over "
            f"the {s['assessed']} controls Execlave's evidence can assess and <b>{s.get('readiness_catalog_pct', 0):.0f}%"
            f"</b> over the whole catalog ({s.get('applicable', s['total'])} applicable controls).",
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
    story.append(Paragraph("STATUS OF ASSESSABLE CONTROLS, OVERALL AND BY SECTION", styles["h3"]))
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
            "itself to controls by its type, and the compliance officer's overrides of the default mapping are recorded in "
            "the audit log and listed under the control. Policies (with their versions), agents (with their risk class) and "
            "memberships are rebuilt from the audit log for every stretch of the period between two changes, so a policy "
            "created after the period does not count for it and one enabled halfway counts from that day only; API keys are "
            "read by their own lifetimes. A rule over ledger entries is partial, with the date, when retention has removed "
            "the start of the period.",
            styles["body"],
        )
    )
    story.append(
        Paragraph(
            "<b>Primary</b> evidence can carry a control for the AI agents Execlave governs when it holds for the whole "
            "period; <b>supporting</b> evidence contributes but cannot carry it, so a control with supporting evidence only "
            "is at best partial. Every rule states what it proves and what it does not (Appendix B). Alternative evidence "
            "(for example several policy types that each restrict access) counts once, by its best result. A HIPAA standard "
            "is at best partial while a required implementation specification under it is outside scope or a gap.",
            styles["body"],
        )
    )
    rows = [[Paragraph(h, styles["cell_head"]) for h in ("STATUS", "MEANING")]]
    for status in STATUSES:
        rows.append(
            [
                StatusChip(status, width=22 * mm, height=4.8 * mm),
                Paragraph(STATUS_MEANINGS[status], styles["cell"]),
            ]
        )
    story.append(_table(rows, [26 * mm, CONTENT_W - 26 * mm], zebra=False))
    if content.get("applicability"):
        story.append(Paragraph("Applicability", styles["h2"]))
        story.append(
            _kv_table(
                [(i["label"], i["value"]) for i in content["applicability"]],
                styles,
                key_width=70 * mm,
            )
        )
    if content.get("application_dates"):
        story.append(Paragraph("When the obligations apply", styles["h2"]))
        dates = [[Paragraph(h, styles["cell_head"]) for h in ("FROM", "WHAT APPLIES", "SOURCE")]]
        for d in content["application_dates"]:
            dates.append(
                [
                    Paragraph(_t(_dt(d["date"] + "T00:00:00", with_time=False)), styles["cell"]),
                    Paragraph(_t(d["applies"]), styles["cell"]),
                    Paragraph(_t(d["source"]), styles["cell"]),
                ]
            )
        story.append(_table(dates, [28 * mm, CONTENT_W - 78 * mm, 50 * mm]))
    story.append(Paragraph("Limitations", styles["h2"]))
    story.append(
        Paragraph(
            "This report is generated automatically from data recorded in Execlave and is readiness evidence for an audit. It "
            "is not an audit, an attestation, a certification or an auditor's opinion, and it does not state that the "
            "organisation complies with the framework. It covers the AI agents routed through Execlave; "
            "controls over people, premises, suppliers and other systems must be evidenced separately. Figures are as recorded "
            "at generation time; the report content is immutable and its SHA-256 is recorded in Execlave's audit log.",
            styles["body"],
        )
    )
    story.append(PageBreak())
    return story
