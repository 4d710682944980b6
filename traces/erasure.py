"""Erasure of data-subject payloads from the ledger (GDPR Art. 17): the one code path besides
retention that changes a ledger row. The payload is replaced by a redaction marker and
``payload_hash`` is kept, so the chain still verifies."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.models import DataSubjectRequest, Organisation
from governance.services import (
    actor_label,
    audit_log_write,
    data_subject_request_close,
    require_capability,
)

from . import chain
from .models import LedgerEntry, LedgerRedaction
from .services import _maintenance


def _erasure_matches(organisation: Organisation, subject: str):
    return LedgerEntry.objects.filter(
        organisation=organisation, payload__icontains=subject
    ).exclude(payload__startswith=chain.REDACTED_PREFIX)


@transaction.atomic
def erasure_execute(*, request: DataSubjectRequest, actor) -> dict:
    """Carry out an erasure request on the ledger.

    Every entry whose input or output mentions the subject has its payload replaced by a
    redaction marker naming the request; ``payload_hash`` and every hashed field stay, so the
    chain still verifies and shows that something was erased, when and under which request.
    Writes an audit row and closes the request as completed. Entries that mention the subject
    only in their client metadata cannot be erased without breaking the chain: they are
    counted in the result (``not_erasable``) for the officer to handle."""
    organisation = request.organisation
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    if request.kind != DataSubjectRequest.Kind.ERASURE:
        raise ValidationError({"kind": "Only an erasure request erases ledger payloads."})
    if request.status in (DataSubjectRequest.Status.COMPLETED, DataSubjectRequest.Status.REJECTED):
        raise ValidationError({"status": "This request is already closed."})
    subject = (request.subject or "").strip()
    if len(subject) < 3:
        raise ValidationError(
            {"subject": "The subject is too short to search for safely (3 characters at least)."}
        )
    now = timezone.now()
    marker = chain.canonical(
        {
            "redacted": {
                "at": chain.format_time(now),
                "request": request.pk,
                "reason": "data-subject erasure (GDPR Art. 17)",
            }
        }
    )
    matches = list(
        _erasure_matches(organisation, subject).values_list("id", "payload_hash", "trace_id")
    )
    label = actor_label(actor)[:200]
    with _maintenance("erasure"), connection.cursor() as cursor:
        for start in range(0, len(matches), 500):
            ids = [m[0] for m in matches[start : start + 500]]
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"UPDATE traces_ledgerentry SET payload = %s WHERE id IN ({placeholders})",  # noqa: S608 — placeholders only
                [marker, *ids],
            )
    LedgerRedaction.objects.bulk_create(
        [
            LedgerRedaction(
                organisation=organisation,
                entry_id=entry_id,
                request=request,
                payload_hash=payload_hash,
                redacted_at=now,
                actor_label=label,
            )
            for entry_id, payload_hash, _ in matches
        ]
    )
    not_erasable = (
        LedgerEntry.objects.filter(organisation=organisation)
        .filter(Q(client__icontains=subject) | Q(server__icontains=subject))
        .exclude(id__in=[m[0] for m in matches])
        .count()
    )
    trace_ids = sorted({str(m[2]) for m in matches})
    result = {
        "ledger_entries_erased": len(matches),
        "traces": trace_ids[:1000],
        "not_erasable": not_erasable,
    }
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action="ledger.erased",
        obj=request,
        after={"subject_request": request.pk, **result},
    )
    data_subject_request_close(
        request=request,
        actor=actor,
        status=DataSubjectRequest.Status.COMPLETED,
        result=result,
        notes=f"Ledger: {len(matches)} payload(s) erased; chain intact (payload hashes kept).",
    )
    return result
