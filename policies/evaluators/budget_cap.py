"""``budget_cap``: total spend per period (day, week, month) and scope (agent, organisation).

The cap is shared by concurrent calls, so the decision itself needs the database: the
decision service locks the budget row, reads what is already spent or reserved in the
current window and calls :func:`evaluate` with it, then reserves
:func:`reservation_amount`. This module holds the pure parts: the amount to reserve, the
period window in the policy's time zone, the scope key, and the comparison.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from policies.call import Call, Scan
from policies.evaluators.base import Violation, money_text
from policies.evaluators.fields import Choice, Money, MoneyOrZero, TimeZone, widget
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType

PERIODS: tuple[str, ...] = ("day", "week", "month")
SCOPES: tuple[str, ...] = ("agent", "organisation")


class BudgetCapSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.BUDGET_CAP
    summary: ClassVar[str] = (
        "Cap total spend per day, week or month, for the organisation or for each agent."
    )
    example: ClassVar[dict[str, Any]] = {
        "amount": "500",
        "period": "month",
        "scope": "organisation",
    }

    amount: Money = Field(
        title="Budget",
        description="The most that may be spent (and reserved by calls in flight) per period, "
        "in the organisation's currency.",
        examples=["500"],
    )
    period: Choice(PERIODS, **widget("period")) = Field(  # type: ignore[valid-type]
        "month",
        title="Per",
        description="day, week (from Monday) or month, in the policy's time zone.",
    )
    scope: Choice(SCOPES, **widget("radio")) = Field(  # type: ignore[valid-type]
        "organisation",
        title="Counted for",
        description="organisation: one budget shared by every agent; agent: one budget each.",
    )
    default_estimate: MoneyOrZero = Field(
        Decimal("0"),
        title="Default estimate",
        description="Reserved for a call that sends no context.estimated_cost.",
        examples=["0.05"],
    )
    timezone: TimeZone = "UTC"


def reservation_amount(config: BudgetCapSettings, call: Call) -> Decimal:
    """What this call reserves: ``context.estimated_cost``, else the policy's default."""
    estimate = call.estimated_cost
    if estimate is None:
        estimate = config.default_estimate
    return max(estimate, Decimal(0))


def period_window(config: BudgetCapSettings, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the period containing ``now``, computed in the policy's time zone."""
    tz = ZoneInfo(config.timezone)
    local = now.astimezone(tz)
    period = config.period
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        start_naive, end_naive = midnight, midnight + timedelta(days=1)
    elif period == "week":
        start_naive = midnight - timedelta(days=local.weekday())
        end_naive = start_naive + timedelta(days=7)
    else:
        start_naive = midnight.replace(day=1)
        end_naive = (start_naive + timedelta(days=32)).replace(day=1)
    # Re-attach the zone on the wall-clock values so DST changes inside the period hold.
    start = start_naive.replace(tzinfo=None).replace(tzinfo=tz)
    end = end_naive.replace(tzinfo=None).replace(tzinfo=tz)
    return start, end


def scope_key(config: BudgetCapSettings, call: Call) -> str:
    if config.scope == "agent":
        return f"agent:{call.agent}"
    return "organisation"


def evaluate(
    config: BudgetCapSettings, call: Call, scan: Scan, *, spent: Decimal = Decimal(0)
) -> Violation | None:
    """Would reserving this call's amount on top of ``spent`` exceed the cap?"""
    cap = config.amount
    amount = reservation_amount(config, call)
    if spent + amount <= cap:
        return None
    start, end = period_window(config, call.now)
    period = config.period
    scope = config.scope
    remaining = max(cap - spent, Decimal(0))
    adjective = {"day": "daily", "week": "weekly", "month": "monthly"}[period]
    m = money_text
    return Violation(
        f"the {adjective} budget of {m(cap)} for this {scope} would be exceeded: "
        f"{m(spent)} already spent or reserved, {m(amount)} requested, {m(remaining)} left",
        {
            "amount": m(cap),
            "period": period,
            "scope": scope_key(config, call),
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
            "spent": m(spent),
            "requested": m(amount),
            "remaining": m(remaining),
        },
    )
