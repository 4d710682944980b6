"""Appendices: ledger verification proof, mapping rules applied, report integrity."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from compliance.assess import GAP, SUPPORTS
from compliance.render_pdf.blocks import _kv_table, _table
from compliance.render_pdf.document import Heading, StatusChip
from compliance.render_pdf.style import CONTENT_W, STATUS_TINTS, _dt, _num, _t


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
    status = SUPPORTS if ok else GAP
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
            for h in ("RULE", "WHAT IT PROVES", "WHAT IT DOES NOT PROVE")
        ]
    ]
    for r in rules:
        rows.append(
            [
                Paragraph(
                    f"<b>{_t(r['id'])}</b><br/><font size='7'>{_t(r['signal'])}</font>",
                    styles["cell"],
                ),
                Paragraph(_t(r["rationale"]), styles["cell"]),
                Paragraph(_t(r.get("limits") or "—"), styles["cell"]),
            ]
        )
    story.append(_table(rows, [40 * mm, (CONTENT_W - 40 * mm) / 2, (CONTENT_W - 40 * mm) / 2]))
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
