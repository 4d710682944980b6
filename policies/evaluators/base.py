"""What evaluators return, and small helpers they share."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class ApprovalParams:
    """How a paused call is approved; built from a policy's settings, which hold the defaults
    (``policies.evaluators.settings.PolicySettings``)."""

    approval_timeout: int  # seconds
    required_role: str
    on_timeout: str
    approvers_required: int
    escalate_after: int | None  # seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "approval_timeout": self.approval_timeout,
            "required_role": self.required_role,
            "on_timeout": self.on_timeout,
            "approvers_required": self.approvers_required,
            "escalate_after": self.escalate_after,
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """A policy's finding on a call.

    ``reason`` is for people (shown to the agent and in the queue); ``details`` is
    JSON-safe structured evidence for the ledger. Neither ever contains a raw PII value:
    detectors report types and JSON paths.
    """

    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    approval: ApprovalParams | None = None
    # Added to ``reason`` only where the policy pauses for approval: the same finding under a
    # block, warn or monitor policy must not say that a person will decide.
    approval_clause: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"reason": self.reason, "details": self.details}
        if self.approval is not None:
            data["approval"] = self.approval.as_dict()
        return data


def approval_params(settings: Any) -> ApprovalParams:
    """Approval settings of a policy's (typed) settings; any type may carry them."""
    return settings.approval_params()


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


def glob_match(value: str, pattern: str) -> bool:
    """Shell-style match, case-sensitive: ``database.*``, ``*.delete``, ``email.send``."""
    if pattern == "*" or pattern == value:
        return True
    if not any(c in pattern for c in "*?["):
        return False
    return _glob(pattern).match(value) is not None


def glob_match_any(value: str, patterns: Iterable[str]) -> bool:
    return any(glob_match(value, p) for p in patterns)


def money_text(value: Decimal) -> str:
    """``10.00000000`` -> ``10``, ``2.50`` -> ``2.5``: amounts as people write them."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def join_human(items: Iterable[str], limit: int = 6) -> str:
    items = list(items)
    if len(items) > limit:
        items = items[:limit] + [f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
