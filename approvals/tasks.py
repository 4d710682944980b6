"""django-q2 tasks: they take ids, load objects and call services (HackSoft)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import Approval, ApprovalStatus, WebhookDelivery

logger = logging.getLogger(__name__)

BATCH = 500


def approval_notify(approval_id: str, event: str) -> dict:
    approval = (
        Approval.objects.select_related("organisation", "agent", "agent__owner")
        .filter(pk=approval_id)
        .first()
    )
    if approval is None:
        return {"skipped": "no such approval"}
    emails = notifications.send_emails(approval, event)
    delivery_id = None
    url = approval.organisation.webhook_url
    if url:
        delivery = WebhookDelivery.objects.create(
            organisation=approval.organisation,
            approval=approval,
            event=event,
            url=url,
            payload=notifications.webhook_payload(approval, event),
        )
        delivery_id = delivery.pk
        webhook_deliver(delivery.pk)
    return {"emails": emails, "webhook_delivery": delivery_id}


def webhook_deliver(delivery_id: int) -> str:
    """One attempt; on failure, a django-q2 schedule runs the next one after a backoff."""
    from django_q.models import Schedule
    from django_q.tasks import schedule

    delivery = WebhookDelivery.objects.select_related("organisation").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "nothing to do"
    ok, code, error = notifications.deliver_once(delivery, delivery.organisation.webhook_secret)
    attempts = delivery.attempts + 1
    if ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            last_status_code=code,
            last_error="",
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
        return "delivered"
    if attempts >= notifications.MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED,
            attempts=attempts,
            last_status_code=code,
            last_error=error,
            next_attempt_at=None,
        )
        logger.warning(
            "webhook delivery %s failed %s times, giving up: %s", delivery.pk, attempts, error
        )
        return "failed"
    next_run = notifications.next_attempt_at(attempts)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_status_code=code,
            last_error=error,
            next_attempt_at=next_run,
        )
        schedule(
            "approvals.tasks.webhook_deliver",
            delivery.pk,
            name=f"approvals-webhook-{delivery.pk}-{attempts}",
            schedule_type=Schedule.ONCE,
            next_run=next_run,
        )
    return f"retry at {next_run.isoformat()}"


def expire_overdue() -> int:
    """Expire every pending request past its deadline, one conditional UPDATE each."""
    from .services import approval_expire_if_overdue

    ids = list(
        Approval.objects.filter(status=ApprovalStatus.PENDING, expires_at__lte=timezone.now())
        .order_by("expires_at")
        .values_list("id", flat=True)[:BATCH]
    )
    return sum(approval_expire_if_overdue(approval_id=i) for i in ids)


def escalate_due() -> int:
    from .services import approval_escalate

    now = timezone.now()
    ids = list(
        Approval.objects.filter(
            status=ApprovalStatus.PENDING,
            escalate_at__lte=now,
            escalated_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("escalate_at")
        .values_list("id", flat=True)[:BATCH]
    )
    return sum(approval_escalate(approval_id=i) for i in ids)
