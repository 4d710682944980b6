"""Exceptions raised by the Execlave SDK.

Everything the SDK raises derives from :class:`ExeclaveError`, so ``except
ExeclaveError`` catches governance outcomes and SDK failures alike. The
governance outcomes (:class:`ActionBlocked`, :class:`ApprovalDenied`,
:class:`ApprovalExpired`) mean "the policy said no": the tool did not run (or,
for :class:`OutputBlocked`, its result was withheld).
"""

from __future__ import annotations

from typing import Any


class ExeclaveError(Exception):
    """Base class of every exception raised by the SDK."""


class ConfigurationError(ExeclaveError, ValueError):
    """The client was configured with a missing or invalid setting."""


class ExeclaveUnavailable(ExeclaveError):
    """The Execlave server could not be reached and the client is fail-closed.

    Raised before the tool runs; the tool has not been executed. ``reason`` says why
    (connection refused, timeout, 5xx); ``trace_id`` is the refused call's trace.
    """

    def __init__(
        self,
        message: str,
        *,
        tool: str | None = None,
        trace_id: str | None = None,
        reason: str | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.tool = tool
        self.trace_id = trace_id
        self.reason = reason
        self.base_url = base_url
        self.violations: list[dict[str, Any]] = []
        self.policy: str | None = None


class AuthenticationError(ExeclaveError):
    """The server refused the API key (401) or its scopes (403).

    Raised whatever the fail mode: a revoked or wrong key is a configuration
    problem, not an outage, and running silently ungoverned would hide it.
    """

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class ApiError(ExeclaveError):
    """The server answered with an unexpected client error (400, 404, 413)."""

    def __init__(self, message: str, *, status: int, errors: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors


class _Refusal(ExeclaveError):
    """``policy`` and ``reason`` of the first violation, on every refusal."""

    violations: list[dict[str, Any]]

    @property
    def policy(self) -> str | None:
        first = self.violations[0] if self.violations else {}
        name = first.get("name") or first.get("policy")
        return None if name is None else str(name)

    @property
    def reason(self) -> str | None:
        first = self.violations[0] if self.violations else {}
        return first.get("reason") or first.get("name")


class ActionBlocked(_Refusal):
    """A policy blocked the action; the tool did not run.

    ``violations`` is the list the server returned: each a dict with
    ``policy`` (id), ``name``, ``type``, ``mode`` and ``reason``.
    """

    def __init__(self, tool: str, violations: list[dict[str, Any]], *, trace_id: str) -> None:
        self.tool = tool
        self.violations = violations
        self.trace_id = trace_id
        reasons = "; ".join(str(v.get("reason") or v.get("name") or v) for v in violations)
        super().__init__(f"{tool} blocked by policy" + (f": {reasons}" if reasons else ""))


class OutputBlocked(ActionBlocked):
    """An output policy blocked the tool's result; the result is withheld.

    The tool *did* run (its side effects happened); only its output is not
    returned to the caller.
    """

    def __init__(self, tool: str, violations: list[dict[str, Any]], *, trace_id: str) -> None:
        super().__init__(tool, violations, trace_id=trace_id)
        self.args = (f"output of {self.args[0]}",)


class ApprovalDenied(_Refusal):
    """A reviewer denied the approval request; the tool did not run."""

    def __init__(
        self,
        tool: str,
        *,
        approval_id: str,
        trace_id: str,
        decided_by: Any = None,
        comment: str | None = None,
        violations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.tool = tool
        self.approval_id = approval_id
        self.trace_id = trace_id
        self.decided_by = decided_by
        self.comment = comment
        self.violations = violations or []
        who = f" by {decided_by}" if decided_by else ""
        why = f": {comment}" if comment else ""
        super().__init__(f"{tool}: approval {approval_id} denied{who}{why}")


class ApprovalExpired(_Refusal):
    """No decision was taken in time; the tool did not run.

    ``client_timeout`` is True when the client's own ``approval_timeout`` ran
    out before the approval's server-side expiry.
    """

    def __init__(
        self,
        tool: str,
        *,
        approval_id: str,
        trace_id: str,
        client_timeout: bool = False,
        violations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.tool = tool
        self.approval_id = approval_id
        self.trace_id = trace_id
        self.client_timeout = client_timeout
        self.violations = violations or []
        how = "client approval_timeout reached" if client_timeout else "expired"
        super().__init__(f"{tool}: approval {approval_id} {how} without a decision")
