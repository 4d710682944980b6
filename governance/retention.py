"""The retention conflict: a high-risk agent on a plan whose ledger retention is under six months.

The EU AI Act asks that the logs a high-risk AI system generates be kept for at least six
months (Art. 19(1) for providers, Art. 26(6) for deployers). Execlave's ledger is that log and
its retention follows the organisation's plan (7 days on Free, 90 on Pro). Six calendar months
are 181 to 184 days depending on the month they start in, so only a retention of at least
:data:`SIX_MONTHS_DAYS` (184) covers every start.

The governance services that change a plan or an agent's risk class call
``governance.services.retention_conflict_check`` inside their transaction; when the change creates the conflict
the owners are e-mailed once the transaction commits and the audit log records the warning.
The console shows the conflict as a banner while it lasts (``governance.context_processors``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail

from .models import Agent, Membership, Organisation, RiskClass
from .roles import Role

LOG_MONTHS = 6
#: The longest six calendar months (e.g. 1 March to 1 September): a retention this long keeps
#: every entry for six calendar months, whatever day it was recorded on.
SIX_MONTHS_DAYS = 184


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day if it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def days_covering_months(start: datetime | date, end: datetime | date, months: int) -> int:
    """The retention in days that keeps an entry recorded on any day of [start, end) for
    ``months`` calendar months."""
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    longest, day = 0, first
    while day <= last:
        longest = max(longest, (add_months(day, months) - day).days)
        day += timedelta(days=1)
    return longest


@dataclass(frozen=True)
class RetentionConflict:
    organisation_id: int
    plan: str
    retention_days: int
    agents: tuple[str, ...]  # names; inactive ones marked

    @property
    def message(self) -> str:
        names = ", ".join(self.agents[:5]) + (
            f" and {len(self.agents) - 5} more" if len(self.agents) > 5 else ""
        )
        return (
            f"High-risk agent{'s' if len(self.agents) != 1 else ''} {names} "
            f"{'are' if len(self.agents) != 1 else 'is'} on the {self.plan} plan, whose ledger "
            f"retention is {self.retention_days} days: the EU AI Act asks that a high-risk AI "
            f"system's logs be kept for at least six months (Art. 19(1), Art. 26(6)). Move to a "
            f"plan keeping at least {SIX_MONTHS_DAYS} days, or export the ledger monthly and keep "
            "the exports for six months."
        )


def retention_conflict(organisation: Organisation) -> RetentionConflict | None:
    days = organisation.retention_days
    if days is None or days >= SIX_MONTHS_DAYS:
        return None
    agents = list(
        Agent.objects.filter(organisation=organisation, risk_class=RiskClass.HIGH)
        .order_by("name")
        .values_list("name", "is_active")
    )
    if not agents:
        return None
    return RetentionConflict(
        organisation_id=organisation.pk,
        plan=organisation.get_plan_display(),
        retention_days=days,
        agents=tuple(name if active else f"{name} (inactive)" for name, active in agents),
    )


def notify_owners(*, organisation_id: int, cause: str) -> int:
    """E-mail the organisation's owners about its retention conflict, if it still stands."""
    organisation = Organisation.objects.get(pk=organisation_id)
    conflict = retention_conflict(organisation)
    if conflict is None:
        return 0
    owners = Membership.objects.filter(organisation=organisation, role=Role.OWNER).select_related(
        "user"
    )
    addresses = sorted({m.user.email for m in owners if m.user.email})
    if not addresses:
        return 0
    return send_mail(
        f"[Execlave] {organisation.name}: high-risk agent logs are kept under six months",
        f"{conflict.message}\n\nWhat changed: {cause}.\n",
        settings.DEFAULT_FROM_EMAIL,
        addresses,
        fail_silently=True,
    )
