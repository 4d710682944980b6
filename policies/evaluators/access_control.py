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
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field, model_validator

from policies.call import Call, Scan
from policies.evaluators.base import Violation, glob_match_any
from policies.evaluators.fields import (
    Choice,
    StringList,
    Text,
    TimeZone,
    hhmm_error,
    invalid,
    widget,
)
from policies.evaluators.settings import PolicySettings, Strict
from policies.types import PolicyType

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def HhMm(title: str) -> Any:  # noqa: N802 - a type factory
    return Text(5, hhmm_error, title=title, pattern=_HHMM, **widget("time"))


def _rules_shape(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise invalid("must be a non-empty list of rules")
    if len(value) > 200:
        raise invalid("must have at most 200 rules")
    return value


def _windows_shape(value: Any) -> Any:
    if not isinstance(value, list):
        raise invalid("must be a list of {days, start, end}")
    if len(value) > 50:
        raise invalid("must have at most 50 time windows")
    return value


class TimeWindow(Strict):
    """Days of the week and a time range; an end before the start spans midnight."""

    days: StringList(  # type: ignore[valid-type]
        non_empty=True, choices=DAYS, transform=lambda d: d.lower()[:3]
    ) = Field(
        list(DAYS),
        title="Days",
        examples=[["mon", "tue", "wed", "thu", "fri"]],
        json_schema_extra=widget("checkboxes"),
    )
    start: HhMm("From") = "00:00"  # type: ignore[valid-type]
    end: HhMm("Until") = "24:00"  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _not_empty(self) -> TimeWindow:
        if self.start == self.end:
            raise invalid("must differ from start", field="end")
        return self


class AccessRule(Strict):
    """Which agents may (allow) or may not (deny) call which tools, where and when."""

    agents: StringList(non_empty=True) = Field(  # type: ignore[valid-type]
        ["*"],
        title="Agents",
        description="Agent name patterns; * is every agent.",
        examples=[["ops-*"]],
        json_schema_extra=widget("agents"),
    )
    tools: StringList(non_empty=True) = Field(  # type: ignore[valid-type]
        ["*"],
        title="Tools",
        description="Tool name patterns such as deploy.* or *.delete; * is every tool.",
        examples=[["deploy.*"]],
        json_schema_extra=widget("tools"),
    )
    effect: Choice(("allow", "deny"), **widget("radio")) = Field(  # type: ignore[valid-type]
        "allow", title="Effect"
    )
    environments: StringList(max_length=64) = Field(  # type: ignore[valid-type]
        [],
        title="Only in environments",
        description="The call's context.environment must be one of these; empty is any.",
        examples=[["staging"]],
        json_schema_extra=widget("tags"),
    )
    time_windows: Annotated[list[TimeWindow], BeforeValidator(_windows_shape)] = Field(
        [],
        title="Only during",
        description="The rule holds only inside one of these windows; empty is always.",
        max_length=50,
        json_schema_extra=widget("time-windows"),
    )


class AccessControlSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.ACCESS_CONTROL
    summary: ClassVar[str] = (
        "Decide which agents may call which tools, in which environments and at what times."
    )
    example: ClassVar[dict[str, Any]] = {
        "rules": [{"agents": ["ops-*"], "tools": ["deploy.*"], "environments": ["staging"]}]
    }

    rules: Annotated[list[AccessRule], BeforeValidator(_rules_shape)] = Field(
        title="Rules",
        description="A matching deny rule refuses the call; otherwise an allow rule that names "
        "the agent and tool must have its conditions met.",
        min_length=1,
        max_length=200,
        json_schema_extra=widget("rules"),
    )
    default: Choice(("deny", "allow"), **widget("radio")) = Field(  # type: ignore[valid-type]
        "deny",
        title="When no rule names the agent and tool",
        description="deny refuses the call; allow lets it through.",
    )
    timezone: TimeZone = "UTC"


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def in_window(window: TimeWindow, local: datetime) -> bool:
    days = window.days
    start = _parse_hhmm(window.start)
    now_t = local.time().replace(tzinfo=None)
    day = DAYS[local.weekday()]
    previous_day = DAYS[(local.weekday() - 1) % 7]
    if window.end == "24:00":
        return day in days and now_t >= start
    end = _parse_hhmm(window.end)
    if start <= end:
        return day in days and start <= now_t < end
    # Overnight window: the part after midnight belongs to the day it started on.
    return (day in days and now_t >= start) or (previous_day in days and now_t < end)


def _describe_windows(windows: list[TimeWindow], tz: str) -> str:
    parts = []
    for w in windows:
        day_text = "every day" if len(w.days) == 7 else "/".join(w.days)
        parts.append(f"{day_text} {w.start}-{w.end}")
    return f"{', '.join(parts)} ({tz})"


def _unmet(rule: AccessRule, call: Call, local: datetime, tz: str) -> str | None:
    """Why the rule's conditions do not hold for this call, or ``None`` when they do."""
    environments = rule.environments
    if environments and call.environment not in environments:
        shown = call.environment or "none given"
        return f"only in environments {', '.join(environments)} (this call: {shown})"
    windows = rule.time_windows
    if windows and not any(in_window(w, local) for w in windows):
        return f"only during {_describe_windows(windows, tz)}; now is {local:%a %H:%M}"
    return None


def evaluate(config: AccessControlSettings, call: Call, scan: Scan) -> Violation | None:
    tz = config.timezone
    local = call.now.astimezone(ZoneInfo(tz))
    rules = [
        r
        for r in config.rules
        if glob_match_any(call.agent, r.agents) and glob_match_any(call.tool, r.tools)
    ]
    for rule in rules:
        if rule.effect == "deny" and _unmet(rule, call, local, tz) is None:
            return Violation(
                f"agent '{call.agent}' is denied '{call.tool}' by an access rule",
                {"rule": "deny", "agent": call.agent, "tool": call.tool},
            )
    allows = [r for r in rules if r.effect == "allow"]
    if not allows:
        if config.default == "allow":
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
