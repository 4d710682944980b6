"""What the queue shows of a request: plain values for the templates, PII masked by default."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from policies.detectors.masking import mask_pii

from .models import Approval, ApprovalDecision, ApprovalStatus, Verdict
from .rights import decidable

MAX_INPUT_CHARS = 20_000
# Private-use code points around each placeholder, so only real masks get highlighted.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MASK_RE = re.compile(f"{_OPEN}([A-Z_]+){_CLOSE}")


def _placeholder(pii_type: str) -> str:
    return f"{_OPEN}{pii_type.upper()}{_CLOSE}"


def input_html(value: Any, *, revealed: bool) -> tuple[SafeString, bool]:
    """Pretty-printed JSON as safe HTML, PII replaced by highlighted ``[TYPE]`` unless revealed.
    Returns (html, whether anything was masked)."""
    shown = value if revealed else mask_pii(value, placeholder=_placeholder)
    text = json.dumps(shown, indent=2, ensure_ascii=False, default=str)
    truncated = len(text) > MAX_INPUT_CHARS
    if truncated:
        text = text[:MAX_INPUT_CHARS]
    masked = _OPEN in text
    html = _MASK_RE.sub(r'<mark class="pii" title="masked \1">[\1]</mark>', escape(text))
    if truncated:
        html += f'\n<span class="truncated">… (first {MAX_INPUT_CHARS:,} characters shown)</span>'
    return mark_safe(html), masked  # noqa: S308 - built from escaped text and fixed markup


@dataclass
class Card:
    approval: Approval
    input_html: SafeString
    masked: bool
    revealed: bool
    decisions: list[ApprovalDecision]
    you_approved: bool
    errors: dict[str, list[str]] = field(default_factory=dict)
    comment: str = ""
    notice: str = ""
    # Decided or expired while this reviewer had it open: kept in place, not dropped (see
    # views._list_context).
    kept: bool = False

    @property
    def id(self) -> str:
        return str(self.approval.pk)

    @property
    def is_pending(self) -> bool:
        return self.approval.status == ApprovalStatus.PENDING

    @property
    def seconds_left(self) -> int:
        return self.approval.seconds_left()

    @property
    def time_left(self) -> str:
        return humanise_seconds(self.seconds_left)

    @property
    def reason(self) -> str:
        """The reason without the policy name the decision service puts in front of it."""
        reason, name = self.approval.reason or "", self.approval.policy_name
        return reason[len(name) + 2 :] if name and reason.startswith(f"{name}: ") else reason

    @property
    def expires_iso(self) -> str:
        return self.approval.expires_at.isoformat()


def humanise_seconds(seconds: int) -> str:
    if seconds <= 0:
        return "expired"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:  # "6d 23h", not "167h 32m": requests may wait up to a week
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def card(
    approval: Approval,
    *,
    user,
    revealed: bool = False,
    errors: dict | None = None,
    comment: str = "",
    notice: str = "",
    kept: bool = False,
) -> Card:
    html, masked = input_html(approval.input, revealed=revealed)
    decisions = list(approval.decisions.all())
    return Card(
        approval=approval,
        input_html=html,
        masked=masked,
        revealed=revealed,
        decisions=decisions,
        you_approved=any(d.user_id == user.pk and d.verdict == Verdict.APPROVE for d in decisions),
        errors=errors or {},
        comment=comment,
        notice=notice,
        kept=kept,
    )


def policy_names(*, user, organisation) -> list[str]:
    queryset = decidable(Approval.objects.all(), user=user, organisation=organisation)
    # Distinct names in SQL, alphabetically: with the model's ordering (requested_at) the
    # DISTINCT kept one row per request, so the latest 500 requests decided which policies the
    # filter offered, and a policy whose requests were older was missing.
    names = (
        queryset.exclude(policy_name="")
        .order_by("policy_name")
        .values_list("policy_name", flat=True)
        .distinct()
    )
    return list(names[:100])


def flash(approval: Approval, user) -> str:
    what = f"{approval.tool} ({approval.agent.name})"
    if approval.status == ApprovalStatus.PENDING:
        return f"Your approval of {what} is recorded: {approval.approvals_count} of {approval.approvers_required}."
    return f"{approval.get_status_display()}: {what}."


def left_while_open(approval: Approval) -> str:
    """What the reviewer is told when a request they had open stops waiting without them."""
    what = f"{approval.tool} ({approval.agent.name})"
    if approval.status == ApprovalStatus.EXPIRED:
        return (
            f"{what} expired while you had it open: nobody decided it in time, and the agent "
            f"was told to {approval.on_timeout}. Your comment was not sent."
        )
    who = approval.decided_by_label or "the system"
    return (
        f"{what} was {approval.get_status_display().lower()} by {who} while you had it open. "
        "Your comment was not sent."
    )


def local(dt: datetime | None) -> datetime | None:
    return timezone.localtime(dt) if dt else None
