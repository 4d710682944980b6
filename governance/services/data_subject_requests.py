"""Data-subject requests: intake and closing (fulfilment is the privacy app's)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import deadlines
from governance.audit import AuditAction
from governance.identifiers import clean_identifiers
from governance.models import (
    DataSubjectRequest,
    Jurisdiction,
    Organisation,
)

from .audit_log import Actor, User, actor_label, audit_log_write, require_capability, snapshot

DSR_FIELDS = [
    "kind",
    "jurisdiction",
    "subject",
    "identifiers",
    "status",
    "received_at",
    "due_at",
    "extended_at",
    "extension_reason",
    "completed_at",
    "rejection_reason",
    "notes",
    "handled_by_id",
]


@transaction.atomic
def data_subject_request_create(
    *,
    organisation: Organisation,
    kind: str,
    actor: Actor,
    subject: str = "",
    identifiers: list[dict] | None = None,
    jurisdiction: str = Jurisdiction.GDPR,
    notes: str = "",
    received_at: datetime | None = None,
    handled_by: User | None = None,
) -> DataSubjectRequest:
    """Record a request; its due date follows its jurisdiction (governance.deadlines).
    ``identifiers`` (see ``identifiers.clean_identifiers``) default to one guessed from
    ``subject``; ``subject`` defaults to the first identifier."""
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    errors = {}
    if kind not in DataSubjectRequest.Kind.values:
        errors["kind"] = [f"Choose one of {', '.join(DataSubjectRequest.Kind.values)}."]
    if jurisdiction not in Jurisdiction.values:
        errors["jurisdiction"] = [f"Choose one of {', '.join(Jurisdiction.values)}."]
    subject = (subject or "").strip()
    if identifiers is None:
        if not subject:
            errors["subject"] = ["Name the data subject (an email or identifier)."]
        identifiers = [{"value": subject}] if subject else []
        try:  # a subject alone: its guessed type, else searched exactly as written
            clean_identifiers(identifiers)
        except ValidationError:
            identifiers = [{"type": "customer_id", "value": subject}]
    try:
        cleaned = clean_identifiers(identifiers) if identifiers or not errors else []
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = []
    if received_at is not None and received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = ["The request cannot be received in the future."]
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    request = DataSubjectRequest.objects.create(
        organisation=organisation,
        kind=kind,
        jurisdiction=jurisdiction,
        subject=(subject or cleaned[0]["value"])[:254],
        identifiers=cleaned,
        notes=notes,
        received_at=received_at,
        due_at=deadlines.due_date(jurisdiction=jurisdiction, received_at=received_at),
        handled_by=handled_by,
        filed_by=actor_label(actor)[:200],
    )
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.DSR_RECEIVED,
        obj=request,
        after=snapshot(request, DSR_FIELDS),
    )
    return request


DSR_CLOSED = {
    DataSubjectRequest.Status.COMPLETED: AuditAction.DSR_COMPLETED,
    DataSubjectRequest.Status.REJECTED: AuditAction.DSR_REJECTED,
}


@transaction.atomic
def data_subject_request_close(
    *,
    request: DataSubjectRequest,
    actor: Actor,
    status: str,
    result: dict | None = None,
    notes: str = "",
    rejection_reason: str = "",
) -> DataSubjectRequest:
    require_capability(actor=actor, organisation=request.organisation, capability="dsr.manage")
    if status not in (DataSubjectRequest.Status.COMPLETED, DataSubjectRequest.Status.REJECTED):
        raise ValidationError({"status": "Close a request as completed or rejected."})
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError({"status": "This request is already closed."})
    before = snapshot(request, DSR_FIELDS)
    request.rejection_reason = rejection_reason.strip()
    request.status = status
    request.completed_at = timezone.now()
    request.result = result or {}
    request.notes = (request.notes + "\n" + notes).strip() if notes else request.notes
    if request.handled_by_id is None and isinstance(actor, User):
        request.handled_by = actor
    request.save()
    audit_log_write(
        organisation=request.organisation,
        actor=actor,
        action=DSR_CLOSED[status],
        obj=request,
        before=before,
        after=snapshot(request, DSR_FIELDS),
    )
    return request
