"""Deadline reminders: an e-mail to the handler (or, with no handler, to every Owner and Admin)
7 days and 1 day before a request's due date and on the day it becomes overdue.

Run hourly by django-q2 (``privacy.tasks.send_reminders``). Each reminder is claimed by
inserting its ``Reminder`` row (unique per request, kind and due date) in the transaction that
sends it, so it goes out exactly once however many workers run the schedule; a failed send
rolls the claim back and the next run tries again. An extension moves the due date, so the
reminders of the new date are sent in their turn.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from governance.links import public_url
from governance.models import DataSubjectRequest
from governance.roles import ORGANISATION_WIDE_ROLES

from .models import Reminder

User = get_user_model()


def reminder_due(request: DataSubjectRequest, now: datetime) -> str | None:
    """Which reminder, if any, a request calls for now."""
    left = request.due_at - now
    if left < timedelta(0):
        return Reminder.Kind.OVERDUE
    if left <= timedelta(days=1):
        return Reminder.Kind.DAY
    if left <= timedelta(days=7):
        return Reminder.Kind.WEEK
    return None


def _recipients(request: DataSubjectRequest) -> list[str]:
    if request.handled_by is not None and request.handled_by.email:
        return [request.handled_by.email]
    return sorted(
        User.objects.filter(
            memberships__organisation=request.organisation,
            memberships__role__in=ORGANISATION_WIDE_ROLES,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _message(request: DataSubjectRequest, kind: str) -> tuple[str, str]:
    due = f"{request.due_at:%Y-%m-%d}"
    what = {
        Reminder.Kind.WEEK: f"is due in 7 days ({due})",
        Reminder.Kind.DAY: f"is due tomorrow ({due})",
        Reminder.Kind.OVERDUE: f"is OVERDUE since {due}",
    }[kind]
    subject = f"[Execlave] {request.reference} ({request.get_kind_display().split(' (')[0]}) {what}"
    body = (
        f"The data-subject request {request.reference} of {request.organisation.name} {what}.\n\n"
        f"Kind: {request.get_kind_display()}\nLaw: {request.get_jurisdiction_display()}\n"
        f"Status: {request.get_status_display()}\nReceived: {request.received_at:%Y-%m-%d}\n\n"
        f"Open it: {public_url(reverse('privacy:request', args=[request.pk]))}\n"
    )
    return subject, body


def reminders_send(*, now: datetime | None = None) -> int:
    """Send every reminder that is due; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    candidates = DataSubjectRequest.objects.filter(
        status__in=DataSubjectRequest.OPEN_STATUSES, due_at__lte=now + timedelta(days=7)
    ).select_related("organisation", "handled_by")
    for request in candidates.iterator():
        kind = reminder_due(request, now)
        if kind is None:
            continue
        recipients = _recipients(request)
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    request=request, kind=kind, due_at=request.due_at, recipients=recipients
                )
                if recipients:
                    subject, body = _message(request, kind)
                    send_mail(subject, body, None, recipients)
        except IntegrityError:
            continue  # already sent (by this or another worker)
        sent += 1
    return sent
