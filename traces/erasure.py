"""Erasure of data-subject values from the ledger (GDPR Art. 17): with retention, the one code
path that changes a ledger row.

An erased payload becomes a redaction marker, canonical JSON that starts with ``{"redacted":``::

    {"redacted": {"at": ..., "reason": ..., "request": 12, "requests": [7, 12], "values": 3},
     "remaining": {"input": ..., "output": ...}}

``remaining`` is the payload with only the erased values replaced by ``ERASED`` (absent when
the whole payload was erased). ``payload_hash`` and every hashed field stay as they were, so
the chain still verifies and shows that something was erased, when and under which request;
each erasure is recorded as a ``LedgerRedaction`` (entry, request, who, when), which
verification requires of every redacted payload. Deciding *what* to erase (matching the
subject's identifiers) is the privacy app's job; this module only writes.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from governance.audit import AuditAction
from governance.models import DataSubjectRequest, Organisation
from governance.services import actor_label, audit_log_write, require_capability

from . import chain
from .models import LedgerEntry, LedgerRedaction
from .services import _maintenance

ERASED = "[erased]"
WHOLE = None  # a redaction that erases the whole payload


def remaining_payload(entry_payload: str) -> dict | None:
    """The erasable content of a stored payload: ``{"input", "output"}``, what is left of it
    after earlier erasures, or None when it was erased whole."""
    data = json.loads(entry_payload)
    if chain.is_redacted(entry_payload):
        return data.get("remaining")
    return data


def _marker(*, previous: str, request_id: int, now, reason: str, values: int, remaining) -> str:
    earlier = []
    if chain.is_redacted(previous):
        before = json.loads(previous)["redacted"]
        earlier = before.get("requests") or ([before["request"]] if "request" in before else [])
    meta = {
        "at": chain.format_time(now),
        "reason": reason,
        "request": request_id,
        "requests": sorted({*earlier, request_id}),
        "values": values,
    }
    body: dict[str, Any] = {"redacted": meta}
    if remaining is not WHOLE:
        body["remaining"] = remaining
    text = chain.canonical(body)
    assert chain.is_redacted(text)  # "redacted" sorts before "remaining"
    return text


@transaction.atomic
def ledger_payloads_redact(
    *,
    organisation: Organisation,
    request: DataSubjectRequest,
    actor,
    redactions: dict[int, tuple[dict | None, int]],
    reason: str = "data-subject erasure (GDPR Art. 17)",
) -> int:
    """Replace the payloads of the given entries: ``{entry_id: (remaining, values)}`` where
    ``remaining`` is the payload with the subject's values replaced (``WHOLE`` to erase it
    all) and ``values`` how many values were erased. Entries of another organisation are
    ignored. Records a ``LedgerRedaction`` per entry and one audit row; returns how many
    entries were changed."""
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    if request.organisation_id != organisation.pk:
        raise ValueError("the request belongs to another organisation")
    now = timezone.now()
    current = dict(
        LedgerEntry.objects.filter(organisation=organisation, id__in=list(redactions)).values_list(
            "id", "payload"
        )
    )
    rows = []
    for entry_id, previous in current.items():
        remaining, values = redactions[entry_id]
        rows.append(
            (
                _marker(
                    previous=previous,
                    request_id=request.pk,
                    now=now,
                    reason=reason,
                    values=values,
                    remaining=remaining,
                ),
                entry_id,
            )
        )
    with _maintenance("erasure"), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE traces_ledgerentry SET payload = %s WHERE id = %s AND organisation_id = %s",
            [(text, entry_id, organisation.pk) for text, entry_id in rows],
        )
    hashes = dict(
        LedgerEntry.objects.filter(id__in=list(current)).values_list("id", "payload_hash")
    )
    label = actor_label(actor)[:200]
    LedgerRedaction.objects.bulk_create(
        [
            LedgerRedaction(
                organisation=organisation,
                entry_id=entry_id,
                request=request,
                payload_hash=hashes[entry_id],
                redacted_at=now,
                actor_label=label,
            )
            for entry_id in current
        ]
    )
    if current:
        audit_log_write(
            organisation=organisation,
            actor=actor,
            action=AuditAction.LEDGER_ERASED,
            obj=request,
            after={
                "subject_request": request.pk,
                "ledger_entries_erased": len(current),
                "values_erased": sum(redactions[i][1] for i in current),
                "whole_payloads": sum(1 for i in current if redactions[i][0] is WHOLE),
            },
        )
    return len(current)
