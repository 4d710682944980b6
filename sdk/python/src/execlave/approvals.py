"""Waiting for a human decision: long-poll ``GET /api/v1/approvals/<id>?wait=``, visibly.

An INFO line when a call pauses (approval id, reviewer URL, expiry), a progress line every
30 s while it waits, the client's ``on_approval_pending`` hook, and the outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .decision import Decision
from .errors import ApiError, ApprovalDenied, ApprovalExpired, ExeclaveUnavailable
from .transport import Response, Transport, TransportError

logger = logging.getLogger("execlave")

LONG_POLL_MAX = 30.0  # seconds per request (server max 60); also the progress line's period
EXPIRY_GRACE = 5.0  # seconds past expires_at before the client gives up on a silent server


@dataclass(frozen=True)
class ApprovalPending:
    """What ``on_approval_pending`` receives when a call pauses for a human decision."""

    approval_id: str
    tool: str
    trace_id: str
    review_url: str
    expires_at: str | None
    violations: list[dict[str, Any]] = field(default_factory=list)


def review_url(base_url: str, approval_id: str) -> str:
    return f"{base_url}/approvals/{approval_id}/"


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def wait_for_approval(
    settings: Settings,
    transport: Transport,
    raise_for_client_error: Callable[[Response, str], None],
    tool: str,
    decision: Decision,
    on_pending: Callable[[ApprovalPending], Any] | None = None,
) -> None:
    """Long-poll the approval until approved (return) or denied/expired (raise)."""
    approval = decision.approval or {}
    approval_id = str(approval.get("id") or "")
    if not approval_id:
        raise ApiError("check answered require_approval without an approval id", status=200)
    kwargs = {
        "approval_id": approval_id,
        "trace_id": decision.trace_id,
        "violations": decision.violations,
    }
    url = review_url(settings.base_url, approval_id)
    start = time.monotonic()
    client_deadline = start + settings.approval_timeout if settings.approval_timeout else math.inf
    expires_at = approval.get("expires_at")
    expires = _parse_time(expires_at)
    server_deadline = (
        start + max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + EXPIRY_GRACE
        if expires
        else math.inf
    )
    status, body = str(approval.get("status") or "pending"), approval
    if status == "pending":
        # WARNING, not INFO: with Python's default logging a program that waits for a person
        # would otherwise sit silent (the TypeScript SDK prints the same line to the console).
        logger.warning(
            "execlave: %s is paused for approval %s%s; a reviewer decides at %s",
            tool,
            approval_id,
            f" (expires {expires_at})" if expires_at else "",
            url,
        )
        if on_pending is not None:
            try:
                on_pending(
                    ApprovalPending(
                        approval_id=approval_id,
                        tool=tool,
                        trace_id=decision.trace_id,
                        review_url=url,
                        expires_at=expires_at if isinstance(expires_at, str) else None,
                        violations=list(decision.violations),
                    )
                )
            except Exception:  # noqa: BLE001 - a broken hook must not break the agent
                logger.exception("execlave: on_approval_pending hook failed")
    failures = 0
    last_progress = start
    while True:
        if status == "approved":
            if time.monotonic() - start > 1.0:
                logger.info("execlave: approval %s approved; %s runs", approval_id, tool)
            return
        if status in ("denied", "cancelled"):
            raise ApprovalDenied(
                tool, decided_by=body.get("decided_by"), comment=body.get("comment"), **kwargs
            )
        if status == "expired":
            if body.get("on_timeout") == "allow":  # the policy lets an unanswered request run
                logger.warning(
                    "execlave: approval %s expired; the policy allows %s to run", approval_id, tool
                )
                return
            raise ApprovalExpired(tool, **kwargs)
        now = time.monotonic()
        deadline = min(client_deadline, server_deadline)
        if now >= deadline:
            raise ApprovalExpired(tool, client_timeout=client_deadline <= server_deadline, **kwargs)
        if now - last_progress >= LONG_POLL_MAX - 0.5:
            last_progress = now
            left = "" if deadline == math.inf else f", {math.ceil(deadline - now)} s left"
            logger.warning(
                "execlave: still waiting for approval %s of %s (%d s so far%s); %s",
                approval_id,
                tool,
                round(now - start),
                left,
                url,
            )
        wait = max(1, math.ceil(min(deadline - now, LONG_POLL_MAX)))
        try:
            resp = transport.request(
                "GET",
                f"/api/v1/approvals/{approval_id}?wait={wait}",
                timeout=wait + settings.timeout,
            )
        except TransportError as exc:
            # The server asked for a human decision: an outage now is never read as a yes.
            failures += 1
            if time.monotonic() + 0.01 >= deadline:
                raise ExeclaveUnavailable(
                    f"{tool} not run: lost contact with Execlave while waiting for approval"
                    f" {approval_id} ({exc})",
                    tool=tool,
                    trace_id=decision.trace_id,
                    reason=str(exc),
                    base_url=settings.base_url,
                ) from exc
            time.sleep(min(0.25 * 2 ** min(failures, 6), max(deadline - time.monotonic(), 0.01)))
            continue
        if resp.status == 429 or resp.status >= 500:
            failures += 1
            time.sleep(
                min(
                    resp.retry_after or 0.25 * 2 ** min(failures, 6),
                    max(deadline - time.monotonic(), 0.01),
                )
            )
            continue
        raise_for_client_error(resp, "approval wait")
        failures = 0
        body = resp.body if isinstance(resp.body, dict) else {}
        status = str(body.get("status") or "pending")
