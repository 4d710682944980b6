"""Telling people about requests: email and the organisation's Slack-compatible webhook.

Services call ``enqueue`` inside their transaction; the django-q2 task is queued only when the
transaction commits (``robust``: a broker outage is logged, never turned into a failed
``/check``). The task sends the emails, then delivers the webhook once and, on failure,
schedules retries with exponential backoff through django-q2 ``ONCE`` schedules.

Webhook requests carry
- ``X-Execlave-Event``: requested, escalated, partially_approved, approved, denied, expired, cancelled;
- ``X-Execlave-Delivery``: the delivery id (the same on every retry, for de-duplication);
- ``X-Execlave-Timestamp``: Unix seconds when this attempt was signed;
- ``X-Execlave-Signature``: ``sha256=`` + hex HMAC-SHA256 of ``"{timestamp}.{body}"`` keyed
  with ``Organisation.webhook_secret`` (omitted when the organisation has no secret).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from governance.links import public_url
from governance.models import Membership
from governance.roles import ORGANISATION_WIDE_ROLES, Role, roles_with

logger = logging.getLogger(__name__)

EVENTS = (
    "requested",
    "escalated",
    "partially_approved",
    "approved",
    "denied",
    "expired",
    "cancelled",
)
MAX_ATTEMPTS = 6
SIGNATURE_HEADER = "X-Execlave-Signature"
TIMESTAMP_HEADER = "X-Execlave-Timestamp"


def retry_base_seconds() -> float:
    return float(getattr(settings, "APPROVALS_WEBHOOK_RETRY_BASE", 15))


def backoff_seconds(attempts: int) -> float:
    """Delay before the next attempt after ``attempts`` failures: 15 s, 30 s, 1 min, 2 min, 4 min."""
    return retry_base_seconds() * 2 ** max(0, attempts - 1)


def enqueue(*, approval_id, event: str) -> None:
    def send() -> None:
        from django_q.tasks import async_task

        async_task(
            "approvals.tasks.approval_notify",
            str(approval_id),
            event,
            task_name=f"approval-{event}-{approval_id}",
        )

    transaction.on_commit(send, robust=True)


# --- signing ------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (documented for integrators; used by the tests' receiver)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


# --- content ------------------------------------------------------------------------------------


def queue_url(approval) -> str:
    return public_url(f"/approvals/?focus={approval.pk}")


def ledger_url(approval) -> str:
    """The call's trace in the console's ledger, which every member may read: an outcome goes to
    the agent's owner, often a developer, for whom the queue holds nothing (and it lists only
    pending requests). The address names the organisation, so it opens this trace for a member
    of several whichever they last worked in."""
    return public_url(
        reverse(
            "admin:traces_ledgerentry_trace",
            kwargs={"organisation": approval.organisation.slug, "trace_id": approval.trace_id},
        )
    )


PENDING_EVENTS = ("requested", "escalated", "partially_approved")


def event_url(approval, event: str) -> str:
    """Where a notification of ``event`` leads, in e-mails and webhooks alike: while the request
    waits, the queue where it is decided; once it is final, the call's trace in the ledger."""
    return queue_url(approval) if event in PENDING_EVENTS else ledger_url(approval)


def summary(approval, event: str, *, slack: bool = False) -> str:
    """One line on the request. Plain text, for e-mails; with ``slack``, Slack's mrkdwn (the tool
    as code, the agent in bold) with every value escaped, so that a name, reason or comment
    holding ``<``, ``>`` or ``&`` shows as typed and cannot turn into a link or an ``<!channel>``."""
    value = _slack_escaped if slack else str
    tool, agent = value(approval.tool), value(approval.agent.name)
    what = f"`{tool}` by agent *{agent}*" if slack else f"{tool} by agent {agent}"
    rule = f" (policy: {value(approval.policy_name)})" if approval.policy_name else ""
    expires = f"Expires {approval.expires_at:%Y-%m-%d %H:%M:%S %Z}."
    if event == "requested":
        return f"Approval needed: {what}{rule}. {value(approval.reason)} {expires}"
    if event == "escalated":
        return f"Escalated, still pending: {what}{rule}. {expires}"
    if event == "partially_approved":
        return (
            f"Approved {approval.approvals_count} of {approval.approvers_required}: {what}{rule}."
        )
    if event == "expired":
        return f"Expired without a decision: {what}{rule} (on timeout: {approval.on_timeout})."
    by = f" by {value(approval.decided_by_label)}" if approval.decided_by_label else ""
    said = f' — "{value(approval.comment)}"' if approval.comment else ""
    return f"{event.capitalize()}{by}: {what}{rule}{said}"


def _slack_escaped(text: str) -> str:
    # The three characters Slack's message formatting asks to escape (api.slack.com, "Escaping text").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(approval, event: str) -> dict[str, Any]:
    text = summary(approval, event, slack=True)
    url = event_url(approval, event)
    link = f"<{url}|{'Open the queue' if event in PENDING_EVENTS else 'Open the trace'}>"
    return {
        # Slack (and Mattermost, Rocket.Chat, Teams' Slack-compatible connectors) read these two.
        "text": f"{text} {link}",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"{text}\n{link}"}}],
        # Everything else is for programs.
        "event": event,
        "approval": {
            "id": str(approval.pk),
            "organisation": approval.organisation.slug,
            "trace_id": str(approval.trace_id),
            "agent": approval.agent.name,
            "tool": approval.tool,
            "policy": approval.policy_name or None,
            "reason": approval.reason,
            "status": approval.status,
            "requested_at": approval.requested_at.isoformat(),
            "expires_at": approval.expires_at.isoformat(),
            "on_timeout": approval.on_timeout,
            "approvals": approval.approvals_count,
            "approvers_required": approval.approvers_required,
            "decided_by": approval.decided_by_label or None,
            "comment": approval.comment or None,
            "url": url,
        },
    }


# --- recipients ---------------------------------------------------------------------------------


def decider_emails(approval) -> list[str]:
    from .rights import can_decide, roles_at_least

    roles = set(roles_with("approvals.decide")) & set(roles_at_least(approval.required_role))
    members = Membership.objects.filter(
        organisation=approval.organisation, role__in=roles
    ).select_related("user")
    return sorted(
        {
            m.user.email
            for m in members
            if m.user.email and can_decide(user=m.user, approval=approval)
        }
    )


def _emails_of_roles(organisation, roles) -> set[str]:
    members = Membership.objects.filter(organisation=organisation, role__in=roles).select_related(
        "user"
    )
    return {m.user.email for m in members if m.user.email}


def escalation_emails(approval) -> list[str]:
    """Contacts named by the policy: email addresses, or role names meaning every member in that role.
    Without contacts: the organisation's owners and admins."""
    emails: set[str] = set()
    for contact in approval.escalation_contacts or []:
        if contact in Role.values:
            emails |= _emails_of_roles(approval.organisation, [contact])
        elif "@" in contact:
            emails.add(contact)
    return sorted(emails or _emails_of_roles(approval.organisation, ORGANISATION_WIDE_ROLES))


def outcome_emails(approval) -> list[str]:
    """Who hears the outcome: the agent's owner, else the organisation's owners."""
    owner = approval.agent.owner
    if owner is not None and owner.email:
        return [owner.email]
    return sorted(_emails_of_roles(approval.organisation, [Role.OWNER]))


def recipients(approval, event: str) -> list[str]:
    if event == "requested":
        return decider_emails(approval)
    if event == "escalated":
        return escalation_emails(approval)
    if event == "partially_approved":
        return []
    return outcome_emails(approval)


def send_emails(approval, event: str) -> int:
    to = recipients(approval, event)
    if not to:
        return 0
    subject = f"[Execlave] {event.replace('_', ' ')}: {approval.tool} ({approval.agent.name})"
    where = "Input and decision" if event in PENDING_EVENTS else "The call in the ledger"
    body = f"{summary(approval, event)}\n\n{where}: {event_url(approval, event)}\n"
    # One message per recipient: reviewers must not learn each other's addresses.
    sent = 0
    for address in to:
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    return sent


# --- webhook delivery ---------------------------------------------------------------------------


def deliver_once(delivery, secret: str, timeout: float = 5.0) -> tuple[bool, int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Execlave-Webhooks/1",
        "X-Execlave-Event": delivery.event,
        "X-Execlave-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    request = urllib.request.Request(delivery.url, data=body, headers=headers, method="POST")  # noqa: S310 - URL set by an owner
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return 200 <= response.status < 300, response.status, ""
    except urllib.error.HTTPError as exc:
        return False, exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return False, None, str(getattr(exc, "reason", exc))[:500]


def next_attempt_at(attempts: int):
    return timezone.now() + timedelta(seconds=backoff_seconds(attempts))
