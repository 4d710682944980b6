"""Reads of the privacy app: the requests a person may see, and where a data subject appears in
the ledger.

Finding a subject in a million ledger entries: the identifier index (``identifier_index``:
hashed e-mails, ids and phone-number digits per entry, filled off the append path and brought up
to date before each search) gives the few entries that may hold an identifier; identifiers it
cannot cover (no digit and no "@") fall back to one pass over the organisation's entries with a
cheap SQL pre-filter (the lower-cased text, or a phone number's digits once separators are
stripped). Either way the exact rules of ``matching`` then decide on the candidates in Python:
the look-up's and the pre-filter's recall is a superset of the exact rules, so nothing is
missed, and the exact rules decide, so nothing is over-matched.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from governance.audit import AuditAction
from governance.identifiers import guess_type, normalise
from governance.models import DataSubjectRequest, Organisation
from governance.selectors import audit_logs_for, has_capability
from traces import chain
from traces.models import LedgerEntry

from . import identifier_index, matching
from .matching import Hit, Needle

EXAMPLES_PER_GROUP = 3
_CANDIDATE_CHUNK = 2000


def requests_for(*, user, organisation: Organisation | None) -> QuerySet[DataSubjectRequest]:
    """The organisation's requests when the user may read them (Owner, Admin, Compliance
    officer); none otherwise (their pages answer 404)."""
    if organisation is None or not has_capability(
        user=user, organisation=organisation, capability="dsr.read"
    ):
        return DataSubjectRequest.objects.none()
    return DataSubjectRequest.objects.filter(organisation=organisation).select_related("handled_by")


def request_identifiers(request: DataSubjectRequest) -> list[dict]:
    """The request's identifiers; requests filed before identifiers existed have only a
    subject, read as one identifier of the guessed type."""
    if request.identifiers:
        return list(request.identifiers)
    kind = guess_type(request.subject)
    try:
        normalised = normalise(kind, request.subject)
    except Exception:  # noqa: BLE001 — an old free-text subject: search it as given
        kind, normalised = "customer_id", request.subject.strip()
    return [{"type": kind, "value": request.subject, "key": "", "normalised": normalised}]


def identity_verification(request: DataSubjectRequest) -> dict | None:
    """When, by whom and how the subject's identity was verified (GDPR Art. 12(6)), from the
    audit row that recorded it; None while it is not."""
    if request.identity_verified_at is None:
        return None
    row = (
        audit_logs_for(organisation=request.organisation)
        .filter(
            object_type="governance.datasubjectrequest",
            object_id=str(request.pk),
            action=AuditAction.DSR_IDENTITY_VERIFIED,
        )
        .order_by("-created_at")
        .first()
    )
    return {
        "at": request.identity_verified_at,
        "by": row.actor_label if row else "",
        "how": ((row.after or {}).get("how") or "") if row else "",
    }


def needles_for(request: DataSubjectRequest) -> list[Needle]:
    return [matching.needle_for(i) for i in request_identifiers(request)]


@dataclass
class EntryMatch:
    entry_id: int
    seq: int
    trace_id: str
    kind: str
    agent: str
    tool: str
    recorded_at: str
    # When the agent acted (the SDK's time; a call spooled during an outage is recorded later).
    occurred_at: str = ""
    payload_hits: list[Hit] = field(default_factory=list)  # erasable (input/output)
    other_hits: list[Hit] = field(default_factory=list)  # hashed metadata: not erasable
    payload: dict | None = None  # the erasable payload as it stands

    @property
    def hits(self) -> list[Hit]:
        return self.payload_hits + self.other_hits


def _candidate_sql(needles: list[Needle]) -> tuple[str, list]:
    text = "(e.payload || e.client || e.server)"
    if connection.vendor == "postgresql":
        contains = "strpos({col}, %s) > 0"
        digits_col = "translate(" + text + ", %s, '')"
        digits_params = [matching.PHONE_SEPARATORS]
    else:
        contains = "instr({col}, %s) > 0"
        digits_col = text
        for _sep in matching.PHONE_SEPARATORS:
            digits_col = f"replace({digits_col}, %s, '')"
        digits_params = list(matching.PHONE_SEPARATORS)
    clauses, params = [], []
    for needle in needles:
        if needle.probe_digits:
            clauses.append(contains.format(col=digits_col))
            params += [*digits_params, needle.probe]
        elif needle.kind == "email":  # case-insensitive (e-mails are indexed: rarely scanned)
            clauses.append(contains.format(col=f"lower{text}"))
            params.append(chain.json_str(needle.probe)[1:-1])
        else:  # ids and other identifiers compare case-sensitively: no lower() to pay for
            clauses.append(contains.format(col=text))
            params.append(chain.json_str(needle.value)[1:-1])
    where = " OR ".join(clauses)  # fixed SQL around placeholders only
    sql = (
        "SELECT e.id, e.seq, e.trace_id, e.kind, e.agent_name, e.tool, e.recorded_at,"  # noqa: S608
        f" e.occurred_at, e.payload, e.client, e.server FROM traces_ledgerentry e"
        f" WHERE e.organisation_id = %s AND ({where}) ORDER BY e.seq"
    )
    return sql, params


_COLUMNS = (
    "id",
    "seq",
    "trace_id",
    "kind",
    "agent_name",
    "tool",
    "recorded_at",
    "occurred_at",
    "payload",
    "client",
    "server",
)


def _scan(organisation: Organisation, needles: list[Needle]) -> Iterator[tuple]:
    sql, params = _candidate_sql(needles)
    # A plain cursor, not a named one: PostgreSQL plans a parallel scan only for the former,
    # and the candidates are few.
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, *params])
        while rows := cursor.fetchmany(_CANDIDATE_CHUNK):
            yield from rows


def _candidates(organisation: Organisation, needles: list[Needle]) -> Iterator[tuple]:
    """Rows that may hold a needle: looked up in the identifier index for the needles it
    covers (brought up to date first), scanned for the others."""
    identifier_index.index_pending(organisation=organisation)
    keys = [matching.needle_key(n) for n in needles]
    ids = identifier_index.candidate_ids(
        organisation=organisation, keys=[k for k in keys if k is not None]
    )
    seen = set()
    for start in range(0, len(ids), _CANDIDATE_CHUNK):
        chunk = ids[start : start + _CANDIDATE_CHUNK]
        rows = LedgerEntry.objects.filter(organisation=organisation, id__in=chunk).values_list(
            *_COLUMNS
        )
        for row in rows:
            seen.add(row[0])
            yield row
    unindexed = [n for n, k in zip(needles, keys, strict=True) if k is None]
    if unindexed:
        for row in _scan(organisation, unindexed):
            if row[0] not in seen:
                yield row


def ledger_matches(*, organisation: Organisation, needles: list[Needle]) -> list[EntryMatch]:
    """Every ledger entry of the organisation where one of the needles matches exactly, with
    where (input/output: erasable; client metadata or server fields: not)."""
    if not needles:
        return []
    found = []
    for row in sorted(_candidates(organisation, needles), key=lambda r: r[1]):
        entry_id, seq, trace_id, kind, agent, tool, recorded_at, occurred_at = row[:8]
        payload, client, server = row[8:]
        erasable = json.loads(payload)
        if chain.is_redacted(payload):
            erasable = erasable.get("remaining") or {}
        payload_hits = matching.find(erasable, needles)
        other_hits = matching.find(json.loads(client), needles, "metadata") + matching.find(
            json.loads(server), needles, "server"
        )
        if payload_hits or other_hits:
            found.append(
                EntryMatch(
                    entry_id=entry_id,
                    seq=seq,
                    trace_id=str(uuid.UUID(str(trace_id))),  # SQLite: 32 hex digits
                    kind=kind,
                    agent=agent or "—",
                    tool=tool,
                    recorded_at=_time_text(recorded_at),
                    occurred_at=_time_text(occurred_at),
                    payload_hits=payload_hits,
                    other_hits=other_hits,
                    payload=erasable,
                )
            )
    return found


def _time_text(value) -> str:
    if isinstance(value, str):  # SQLite hands raw text back to a raw cursor
        value = parse_datetime(value) or value
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return chain.format_time(value)
    return str(value)


def summarise(matches: list[EntryMatch]) -> dict:
    """Counts per agent and tool with a few examples; what the request page and the API show."""
    groups: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"entries": 0, "traces": set(), "erasable": 0, "metadata_only": 0, "examples": []}
    )
    for m in matches:
        group = groups[(m.agent, m.tool)]
        group["entries"] += 1
        group["traces"].add(m.trace_id)
        if m.payload_hits:
            group["erasable"] += 1
        else:
            group["metadata_only"] += 1
        if len(group["examples"]) < EXAMPLES_PER_GROUP:
            group["examples"].append(
                {
                    "seq": m.seq,
                    "trace_id": m.trace_id,
                    "kind": m.kind,
                    "recorded_at": m.recorded_at,
                    "places": sorted({h.path for h in m.hits}),
                }
            )
    rows = [
        {
            "agent": agent,
            "tool": tool,
            "entries": g["entries"],
            "traces": len(g["traces"]),
            "erasable": g["erasable"],
            "metadata_only": g["metadata_only"],
            "examples": g["examples"],
        }
        for (agent, tool), g in sorted(groups.items(), key=lambda kv: (-kv[1]["entries"], kv[0]))
    ]
    return {
        "entries": len(matches),
        "traces": len({m.trace_id for m in matches}),
        "erasable_entries": sum(1 for m in matches if m.payload_hits),
        "metadata_only_entries": sum(1 for m in matches if not m.payload_hits),
        "values": sum(len(m.payload_hits) for m in matches),
        "by_agent_tool": rows,
    }
