"""``access_control``: which agents may call which tools, when and where.

``rules`` is a list of ``{agents, tools, effect, environments, time_windows}``:
``agents``/``tools`` are patterns (default ``*``), ``effect`` is ``allow`` (default) or
``deny``, ``environments`` limits the rule to those environments (the call's
``context.environment``), ``time_windows`` to ``{days, start, end}`` windows in the
policy's ``timezone`` (``end`` before ``start`` spans midnight).

A matching ``deny`` rule whose conditions hold refuses the call. Otherwise, when some
``allow`` rule names the agent and the tool, one of them must have its conditions met.
When no rule names them, ``default`` decides (``deny`` unless set to ``allow``).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from policies.call import Call, Scan
from policies.evaluators.base import Violation, glob_match_any

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_window(window: dict[str, Any], local: datetime) -> bool:
    days = window.get("days") or DAYS
    start = _parse_hhmm(window.get("start", "00:00"))
    end_raw = window.get("end", "24:00")
    now_t = local.time().replace(tzinfo=None)
    day = DAYS[local.weekday()]
    previous_day = DAYS[(local.weekday() - 1) % 7]
    if end_raw == "24:00":
        return day in days and now_t >= start
    end = _parse_hhmm(end_raw)
    if start <= end:
        return day in days and start <= now_t < end
    # Overnight window: the part after midnight belongs to the day it started on.
    return (day in days and now_t >= start) or (previous_day in days and now_t < end)


def _describe_windows(windows: list[dict[str, Any]], tz: str) -> str:
    parts = []
    for w in windows:
        days = w.get("days") or DAYS
        day_text = "every day" if len(days) == 7 else "/".join(days)
        parts.append(f"{day_text} {w.get('start', '00:00')}-{w.get('end', '24:00')}")
    return f"{', '.join(parts)} ({tz})"


def _unmet(rule: dict[str, Any], call: Call, local: datetime, tz: str) -> str | None:
    """Why the rule's conditions do not hold for this call, or ``None`` when they do."""
    environments = rule.get("environments") or []
    if environments and call.environment not in environments:
        shown = call.environment or "none given"
        return f"only in environments {', '.join(environments)} (this call: {shown})"
    windows = rule.get("time_windows") or []
    if windows and not any(in_window(w, local) for w in windows):
        return f"only during {_describe_windows(windows, tz)}; now is {local:%a %H:%M}"
    return None


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    tz = config.get("timezone", "UTC")
    local = call.now.astimezone(ZoneInfo(tz))
    rules = [
        r
        for r in config.get("rules", [])
        if glob_match_any(call.agent, r.get("agents") or ["*"])
        and glob_match_any(call.tool, r.get("tools") or ["*"])
    ]
    for rule in rules:
        if rule.get("effect", "allow") == "deny" and _unmet(rule, call, local, tz) is None:
            return Violation(
                f"agent '{call.agent}' is denied '{call.tool}' by an access rule",
                {"rule": "deny", "agent": call.agent, "tool": call.tool},
            )
    allows = [r for r in rules if r.get("effect", "allow") == "allow"]
    if not allows:
        if config.get("default", "deny") == "allow":
            return None
        return Violation(
            f"agent '{call.agent}' is not allowed to call '{call.tool}': no access rule allows it",
            {"rule": "default_deny", "agent": call.agent, "tool": call.tool},
        )
    reasons = [_unmet(r, call, local, tz) for r in allows]
    if any(reason is None for reason in reasons):
        return None
    return Violation(
        f"agent '{call.agent}' may call '{call.tool}' {reasons[0]}",
        {
            "rule": "conditions",
            "agent": call.agent,
            "tool": call.tool,
            "environment": call.environment or None,
        },
    )
