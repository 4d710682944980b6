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
from typing import Any
from zoneinfo import ZoneInfo

from policies.call import Call, Scan
from policies.evaluators.base import Violation, money_text

PERIODS: tuple[str, ...] = ("day", "week", "month")
SCOPES: tuple[str, ...] = ("agent", "organisation")


def reservation_amount(config: dict[str, Any], call: Call) -> Decimal:
    """What this call reserves: ``context.estimated_cost``, else the policy's default."""
    estimate = call.estimated_cost
    if estimate is None:
        estimate = Decimal(str(config.get("default_estimate", "0")))
    return max(estimate, Decimal(0))


def period_window(config: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the period containing ``now``, computed in the policy's time zone."""
    tz = ZoneInfo(config.get("timezone", "UTC"))
    local = now.astimezone(tz)
    period = config.get("period", "month")
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


def scope_key(config: dict[str, Any], call: Call) -> str:
    if config.get("scope", "organisation") == "agent":
        return f"agent:{call.agent}"
    return "organisation"


def evaluate(
    config: dict[str, Any], call: Call, scan: Scan, *, spent: Decimal = Decimal(0)
) -> Violation | None:
    """Would reserving this call's amount on top of ``spent`` exceed the cap?"""
    cap = Decimal(str(config["amount"]))
    amount = reservation_amount(config, call)
    if spent + amount <= cap:
        return None
    start, end = period_window(config, call.now)
    period = config.get("period", "month")
    scope = "agent" if config.get("scope", "organisation") == "agent" else "organisation"
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
