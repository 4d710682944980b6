"""The data bundle of an access or portability request (GDPR Art. 15 and 20: "structured,
commonly used and machine-readable"): a ZIP holding

* ``manifest.json`` — who, which request, when, the identifiers searched, the files with their
  SHA-256 and row counts, and how to read them;
* ``data.json`` — every ledger entry where the subject appears: agent, tool, when, where the
  identifiers were found, and the entry's input, output and metadata;
* ``entries.csv`` — the same entries one per row (the JSON columns as JSON text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.utils import timezone

from governance.models import DataSubjectRequest
from traces.models import LedgerEntry

from .selectors import EntryMatch, request_identifiers

FORMAT_VERSION = 1
CSV_COLUMNS = [
    "seq",
    "trace_id",
    "kind",
    "agent",
    "tool",
    "occurred_at",
    "recorded_at",
    "found_in",
    "input",
    "output",
    "metadata",
]


@dataclass(frozen=True)
class Built:
    filename: str
    content: bytes
    sha256: str


def _rows(request: DataSubjectRequest, matches: list[EntryMatch]) -> list[dict]:
    clients = dict(
        LedgerEntry.objects.filter(
            organisation=request.organisation, id__in=[m.entry_id for m in matches]
        ).values_list("id", "client")
    )
    rows = []
    for m in matches:
        payload = m.payload or {}
        rows.append(
            {
                "seq": m.seq,
                "trace_id": m.trace_id,
                "kind": m.kind,
                "agent": m.agent,
                "tool": m.tool,
                "occurred_at": m.occurred_at,
                "recorded_at": m.recorded_at,
                "found_in": sorted({h.path for h in m.hits}),
                "input": payload.get("input"),
                "output": payload.get("output"),
                "metadata": json.loads(clients.get(m.entry_id) or "{}"),
            }
        )
    return rows


def build(*, request: DataSubjectRequest, matches: list[EntryMatch]) -> Built:
    rows = _rows(request, matches)
    data = json.dumps(
        {"request": request.reference, "entries": rows}, indent=2, ensure_ascii=False
    ).encode()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                json.dumps(row[c], ensure_ascii=False)
                if c in ("found_in", "input", "output", "metadata")
                else row[c]
                for c in CSV_COLUMNS
            ]
        )
    entries_csv = out.getvalue().encode()
    files = {"data.json": data, "entries.csv": entries_csv}
    manifest = {
        "format": "execlave-dsr-bundle",
        "format_version": FORMAT_VERSION,
        "request": request.reference,
        "kind": request.kind,
        "jurisdiction": request.jurisdiction,
        "organisation": request.organisation.name,
        "received_at": request.received_at.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "identifiers": [
            {"type": i["type"], "value": i["value"], "key": i.get("key", "")}
            for i in request_identifiers(request)
        ],
        "entries": len(rows),
        "files": [
            {
                "name": name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "bytes": len(content),
                "media_type": "application/json" if name.endswith(".json") else "text/csv",
            }
            for name, content in files.items()
        ],
        "reading": (
            "data.json and entries.csv list the same ledger entries in which the subject's "
            "identifiers were found (found_in names the fields). Values erased earlier read "
            "'[erased]'. occurred_at is when the agent acted, recorded_at when Execlave "
            "recorded it (later for calls reported after an outage). Times are UTC ISO 8601."
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        )
        for name, content in files.items():
            archive.writestr(name, content)
    content = buffer.getvalue()
    return Built(
        filename=f"{request.reference.lower()}-{request.kind}.zip",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
