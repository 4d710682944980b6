"""Streaming export of a chain range and its offline verification.

JSONL layout (one JSON object per line, compact, keys in a fixed order):

1. ``{"type":"header", ...}`` — format, organisation id and slug, range, time of export;
2. ``{"type":"checkpoint", ...}`` — every signed head checkpoint that falls inside the range;
3. ``{"type":"entry", ...}`` — every entry of the range in chain order, with all hashed fields,
   the payload (or its redaction marker), ``payload_hash``, ``prev_hash`` and ``entry_hash``;
4. ``{"type":"seal", ...}`` — a checkpoint signed at export time over the last entry and the
   SHA-256 of the header line: the "covering" checkpoint;
5. ``{"type":"end","entries":N}``.

Both directions are streaming: memory does not grow with the number of entries.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring as _json_str

from django.utils import timezone

from governance.models import Organisation

from . import chain, signing
from .models import CheckpointKind, LedgerCheckpoint, LedgerEntry, LedgerRedaction
from .selectors import retention_base
from .verification import Break, ChainWalker, Row, iter_rows

FORMAT = "execlave-ledger-export/1"


class ExportBroken(Exception):
    def __init__(self, broken: Break):
        super().__init__(f"the chain is broken at #{broken.seq} ({broken.kind}): {broken.detail}")
        self.broken = broken


@dataclass
class ExportRange:
    first_seq: int
    last_seq: int

    @property
    def count(self) -> int:
        return max(0, self.last_seq - self.first_seq + 1)


def export_range(
    *, organisation: Organisation, since: datetime | None = None, until: datetime | None = None
) -> ExportRange:
    """The contiguous seq range recorded in [since, until)."""
    base = retention_base(organisation=organisation)
    entries = LedgerEntry.objects.filter(organisation=organisation, seq__gt=base.seq if base else 0)
    first = entries.filter(recorded_at__gte=since) if since else entries
    last = entries.filter(recorded_at__lt=until) if until else entries
    first_seq = first.order_by("seq").values_list("seq", flat=True).first()
    last_seq = last.order_by("-seq").values_list("seq", flat=True).first()
    if first_seq is None or last_seq is None:
        return ExportRange(1, 0)
    return ExportRange(first_seq, last_seq)


def entry_line(row: Row) -> str:
    return (
        '{"type":"entry","seq":'
        + str(row.seq)
        + ',"trace_id":"'
        + row.trace_id
        + '","kind":'
        + _json_str(row.kind)
        + ',"agent":'
        + ("null" if row.agent is None else _json_str(row.agent))
        + ',"tool":'
        + _json_str(row.tool)
        + ',"status":'
        + _json_str(row.status)
        + ',"decision":'
        + _json_str(row.decision)
        + ',"policies":'
        + _json_str(row.policies)
        + ',"opens_trace":'
        + ("true" if row.opens_trace else "false")
        + ',"occurred_at":"'
        + row.occurred_at
        + '","recorded_at":"'
        + row.recorded_at
        + '","client":'
        + row.client
        + ',"server":'
        + row.server
        + ',"payload":'
        + row.payload
        + ',"payload_hash":"'
        + row.payload_hash
        + '","prev_hash":"'
        + row.prev_hash
        + '","entry_hash":"'
        + row.entry_hash
        + '"}'
    )


def _line(obj: dict) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _checkpoint_line(kind: str, statement: dict, signature: str) -> str:
    return _line({"type": kind, **statement, "signature": signature})


def export_jsonl(
    *,
    organisation: Organisation,
    since: datetime | None = None,
    until: datetime | None = None,
    progress=None,
    chunk: int = 5_000,
) -> Iterator[str]:
    """Lines (without newline) of a verified, signed export. Raises ExportBroken (before the
    seal is written) when the exported range does not verify: a broken range is never sealed."""
    span = export_range(organisation=organisation, since=since, until=until)
    header = _line(
        {
            "type": "header",
            "format": FORMAT,
            "organisation": organisation.pk,
            "slug": organisation.slug,
            "since": chain.format_time(since) if since else None,
            "until": chain.format_time(until) if until else None,
            "first_seq": span.first_seq,
            "last_seq": span.last_seq,
            "exported_at": chain.format_time(timezone.now()),
        }
    )
    yield header
    checkpoints = {}
    for checkpoint in LedgerCheckpoint.objects.filter(
        organisation=organisation,
        kind=CheckpointKind.HEAD,
        seq__gte=span.first_seq,
        seq__lte=span.last_seq,
    ).order_by("seq"):
        checkpoints[checkpoint.seq] = checkpoint.entry_hash
        yield _checkpoint_line("checkpoint", checkpoint.statement(), checkpoint.signature)
    walker = None
    last = None
    if span.count:
        first_prev = (
            LedgerEntry.objects.filter(organisation=organisation, seq=span.first_seq)
            .values_list("prev_hash", flat=True)
            .first()
        )
        walker = ChainWalker(
            organisation_id=organisation.pk,
            start_seq=span.first_seq - 1,
            start_hash=first_prev or "",
            checkpoints=checkpoints,
            redacted_ids=set(
                LedgerRedaction.objects.filter(organisation=organisation).values_list(
                    "entry_id", flat=True
                )
            ),
        )
        for rows in iter_rows(
            organisation.pk, after_seq=span.first_seq - 1, up_to_seq=span.last_seq, chunk=chunk
        ):
            broken = walker.feed(rows)
            if broken is not None:
                raise ExportBroken(broken)
            for row in rows:
                yield entry_line(row)
            last = rows[-1]
            if progress is not None:
                progress(len(rows))
        if walker.expected - 1 != span.last_seq:
            raise ExportBroken(
                Break(
                    seq=walker.expected,
                    kind="missing",
                    detail="entries are missing at the end of the range",
                )
            )
    statement = {
        "organisation": organisation.pk,
        "kind": "export",
        "seq": last.seq if last else span.first_seq - 1,
        "entry_hash": last.entry_hash if last else "",
        "removed": 0,
        "created_at": chain.format_time(timezone.now()),
        "key_id": signing.key_id(),
        "header_sha256": hashlib.sha256(header.encode("utf-8")).hexdigest(),
    }
    yield _checkpoint_line("seal", statement, signing.sign(statement))
    yield _line({"type": "end", "entries": walker.entries if walker else 0})


CSV_COLUMNS = [
    "seq",
    "trace_id",
    "kind",
    "agent",
    "tool",
    "status",
    "decision",
    "policies",
    "opens_trace",
    "occurred_at",
    "recorded_at",
    "client",
    "server",
    "payload",
    "payload_hash",
    "prev_hash",
    "entry_hash",
]


def export_csv(
    *, organisation: Organisation, since=None, until=None, progress=None, chunk: int = 5_000
) -> Iterator[str]:
    """CSV rows (with line endings) of the range, for spreadsheets; not self-verifying."""
    span = export_range(organisation=organisation, since=since, until=until)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    if not span.count:
        return
    for rows in iter_rows(
        organisation.pk, after_seq=span.first_seq - 1, up_to_seq=span.last_seq, chunk=chunk
    ):
        for r in rows:
            writer.writerow(
                [
                    r.seq,
                    r.trace_id,
                    r.kind,
                    r.agent or "",
                    r.tool,
                    r.status,
                    r.decision,
                    r.policies,
                    "true" if r.opens_trace else "false",
                    r.occurred_at,
                    r.recorded_at,
                    r.client,
                    r.server,
                    r.payload,
                    r.payload_hash,
                    r.prev_hash,
                    r.entry_hash,
                ]
            )
        yield flush()
        if progress is not None:
            progress(len(rows))


# --- offline verification ---------------------------------------------------------------------------


@dataclass
class ExportVerification:
    ok: bool
    entries: int = 0
    organisation: int | None = None
    slug: str = ""
    first_seq: int | None = None
    last_seq: int | None = None
    seal: dict | None = None
    checkpoints: int = 0
    redacted: int = 0
    error: str = ""
    line: int | None = None


class _Invalid(Exception):
    pass


def _row_from(obj: dict) -> Row:
    try:
        return Row(
            id=None,
            seq=int(obj["seq"]),
            trace_id=obj["trace_id"],
            kind=obj["kind"],
            agent=obj["agent"],
            tool=obj["tool"],
            status=obj["status"],
            decision=obj["decision"],
            policies=obj["policies"],
            opens_trace=obj["opens_trace"],
            occurred_at=obj["occurred_at"],
            recorded_at=obj["recorded_at"],
            client=chain.canonical(obj["client"]),
            server=chain.canonical(obj["server"]),
            payload=chain.canonical(obj["payload"]),
            payload_hash=obj["payload_hash"],
            prev_hash=obj["prev_hash"],
            entry_hash=obj["entry_hash"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _Invalid(f"malformed entry ({exc.__class__.__name__}: {exc})") from None


def _signature_problem(what: str, statement: dict, key: bytes | None) -> str:
    current = signing.key_id(key)
    if statement.get("key_id") != current:
        return (
            f"{what} was signed with key {statement.get('key_id')}, not with the key configured"
            f" here ({current}): set LEDGER_SIGNING_KEY to the key that signed it"
        )
    return f"{what} has an invalid signature (the line was altered)"


def verify_export_lines(lines, key: bytes | None = None, progress=None) -> ExportVerification:
    """Verify an export from its lines alone (no database): every entry's hashes and links,
    every checkpoint's signature and position, the seal over the last entry and the header."""
    result = ExportVerification(ok=False)
    number = 0
    try:
        walker = None
        header_line = None
        seal = None
        ended = False
        checkpoints: dict[int, str] = {}
        pending: list[Row] = []

        def flush():
            broken = walker.feed(pending)
            pending.clear()
            if broken is not None:
                raise _Invalid(f"entry #{broken.seq} {broken.kind}: {broken.detail}")

        for number, raw in enumerate(lines, start=1):
            line = raw[:-1] if raw.endswith("\n") else raw
            if ended:
                raise _Invalid("content after the end line")
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise _Invalid("not an object")
            kind = obj.get("type")
            if number == 1:
                if kind != "header" or obj.get("format") != FORMAT:
                    raise _Invalid(f"not an {FORMAT} file")
                header_line = line
                result.organisation, result.slug = int(obj["organisation"]), obj.get("slug", "")
                result.first_seq, result.last_seq = int(obj["first_seq"]), int(obj["last_seq"])
                continue
            if kind == "checkpoint":
                if walker is not None:
                    raise _Invalid("checkpoint after the entries began")
                signature = obj.pop("signature", "")
                obj.pop("type")
                if _checkpoint_line("checkpoint", obj, signature) != line:
                    raise _Invalid("checkpoint line is not in its canonical form")
                if obj.get("organisation") != result.organisation:
                    raise _Invalid("checkpoint of another organisation")
                if not signing.signature_valid(obj, signature, key):
                    raise _Invalid(_signature_problem(f"checkpoint at #{obj.get('seq')}", obj, key))
                checkpoints[int(obj["seq"])] = obj["entry_hash"]
                result.checkpoints += 1
            elif kind == "entry":
                row = _row_from(obj)
                if entry_line(row) != line:
                    raise _Invalid(f"entry #{row.seq} is not in its canonical form (edited)")
                if walker is None:
                    if row.seq != result.first_seq:
                        raise _Invalid(
                            f"the first entry is #{row.seq}, the header says #{result.first_seq}"
                        )
                    if row.seq == 1 and row.prev_hash != chain.genesis_hash(result.organisation):
                        raise _Invalid(
                            "entry #1 does not start from the organisation's genesis hash"
                        )
                    walker = ChainWalker(
                        organisation_id=result.organisation,
                        start_seq=row.seq - 1,
                        start_hash=row.prev_hash,
                        checkpoints=checkpoints,
                    )
                pending.append(row)
                if len(pending) >= 2000:
                    flush()
                    if progress is not None:
                        progress(2000)
            elif kind == "seal":
                if walker is not None and pending:
                    flush()
                signature = obj.pop("signature", "")
                obj.pop("type")
                if _checkpoint_line("seal", obj, signature) != line:
                    raise _Invalid("seal line is not in its canonical form")
                if not signing.signature_valid(obj, signature, key):
                    raise _Invalid(_signature_problem("the seal", obj, key))
                if (
                    obj.get("header_sha256")
                    != hashlib.sha256(header_line.encode("utf-8")).hexdigest()
                ):
                    raise _Invalid("the header was altered after the export was sealed")
                last_seq = walker.expected - 1 if walker else result.first_seq - 1
                last_hash = walker.head if walker else ""
                if obj.get("seq") != last_seq or obj.get("entry_hash") != last_hash:
                    raise _Invalid(
                        "the seal does not cover the last entry: entries were added or removed"
                    )
                if obj.get("organisation") != result.organisation:
                    raise _Invalid("the seal names another organisation")
                seal = {"signature": signature, **obj}
            elif kind == "end":
                entries = walker.entries if walker else 0
                if seal is None:
                    raise _Invalid("no signed seal covers the export")
                if obj != {"type": "end", "entries": entries} or _line(obj) != line:
                    raise _Invalid(f"the end line does not match the {entries} entries read")
                ended = True
            else:
                raise _Invalid(f"unknown line type {kind!r}")
        if number == 0:
            raise _Invalid("empty file")
        if not ended:
            raise _Invalid("the file is truncated (no end line)")
        if walker is not None and (walker.expected - 1) != result.last_seq:
            raise _Invalid("the entries do not reach the last seq named in the header")
        result.ok = True
        result.entries = walker.entries if walker else 0
        result.redacted = walker.redacted if walker else 0
        result.seal = seal
    except _Invalid as exc:
        result.error, result.line = str(exc), number
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        result.error, result.line = f"unreadable line ({exc.__class__.__name__}: {exc})", number
    return result
