"""One governed execution of a tool: a check, the work, a trace (see :class:`Action`)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Literal, Protocol

from ._version import __version__
from .config import Settings, validate_tool_name
from .decision import Decision
from .delivery import Delivery
from .encoding import to_jsonable
from .errors import (
    ActionBlocked,
    ApprovalDenied,
    ApprovalExpired,
    ConfigurationError,
    ExeclaveUnavailable,
    OutputBlocked,
)

logger = logging.getLogger("execlave")

_UNSET: Any = object()

_current_action: contextvars.ContextVar[Action | None] = contextvars.ContextVar(
    "execlave_current_action", default=None
)
_scoped_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "execlave_context", default=MappingProxyType({})
)


def current_action() -> Action | None:
    """The governed action the calling code runs inside, if any.

    Inside a ``@client.tool`` function, ``current_action().record(cost=..., tokens=...)``
    attaches cost and token counts to the trace.
    """
    return _current_action.get()


class Governor(Protocol):
    """What an :class:`Action` asks of its client (``Execlave`` is the one implementation):
    declared here so that this module does not import the client that imports it."""

    settings: Settings
    _delivery: Delivery

    def _check(
        self,
        tool: str,
        tool_input: Any,
        context: Mapping[str, Any],
        trace_id: str,
        phase: str = "input",
        output: Any = None,
    ) -> Decision: ...

    async def _acheck(
        self,
        tool: str,
        tool_input: Any,
        context: Mapping[str, Any],
        trace_id: str,
        phase: str = "input",
        output: Any = None,
    ) -> Decision: ...

    def _wait_for_approval(self, tool: str, decision: Decision) -> None: ...


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Action:
    """One governed execution of a tool: a check, the work, a trace.

    Use it as ``with client.action("email.send", input={...}) as action:`` (or
    ``async with``). Entering runs the check and raises if the policy says
    no; inside, call :meth:`record` with the result (the output check runs
    there); leaving queues the trace — ``error`` if the block raised.
    """

    def __init__(
        self,
        client: Governor,
        tool: str,
        *,
        input: Any,
        context: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
    ) -> None:
        self._client = client
        self.tool = validate_tool_name(tool)
        self.trace_id = trace_id or str(uuid.uuid4())
        self.input = to_jsonable(input) if input is not None else {}
        self.context = {**_scoped_context.get(), **(context or {})}
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.decision: Decision | None = None
        self.output: Any = None
        self.cost: Any = None
        self.tokens: dict[str, int] | None = None
        self._sdk_meta: dict[str, Any] = {}
        self._requested_at = _now()
        self._started_at: dt.datetime | None = None
        self._t0 = 0.0
        self._finished = False
        self._token: contextvars.Token[Action | None] | None = None

    # -- properties ------------------------------------------------------------
    @property
    def violations(self) -> list[dict[str, Any]]:
        return self.decision.violations if self.decision else []

    @property
    def ungoverned(self) -> bool:
        return bool(self.decision and self.decision.ungoverned)

    # -- sync protocol ---------------------------------------------------------
    def __enter__(self) -> Action:
        t = time.perf_counter()
        with self._on_unavailable("blocked"):
            decision = self._client._check(self.tool, self.input, self.context, self.trace_id)
        if self._gate(decision):
            self._approval(decision, lambda: self._client._wait_for_approval(self.tool, decision))
        self._start(t)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        self._leave(exc)
        return False

    def record(
        self,
        *,
        output: Any = _UNSET,
        cost: Any = None,
        tokens: Mapping[str, int] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Any:
        """Attach the result (checked against output policies), cost, tokens, metadata.

        Returns the output, or raises :class:`OutputBlocked` when an output
        policy blocks it (the trace then records ``blocked``).
        """
        self._set(cost=cost, tokens=tokens, metadata=metadata)
        if output is _UNSET:
            return None
        value = to_jsonable(output)
        if self.decision is not None and self.decision.output_check:
            with self._on_unavailable("blocked", output=True):
                decision = self._client._check(
                    self.tool, self.input, self.context, self.trace_id, phase="output", output=value
                )
            if self._output_gate(decision):
                self._output_approval(lambda: self._client._wait_for_approval(self.tool, decision))
        self.output = value
        return output

    # -- async protocol --------------------------------------------------------
    async def __aenter__(self) -> Action:
        t = time.perf_counter()
        with self._on_unavailable("blocked"):
            decision = await self._client._acheck(
                self.tool, self.input, self.context, self.trace_id
            )
        if self._gate(decision):
            error: BaseException | None = None
            try:
                await asyncio.to_thread(self._client._wait_for_approval, self.tool, decision)
            except BaseException as exc:  # noqa: BLE001 - re-raised by _approval below
                error = exc
            self._approval(decision, lambda: _reraise(error))
        self._start(t)
        return self

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        self._leave(exc)
        return False

    async def arecord(
        self,
        *,
        output: Any = _UNSET,
        cost: Any = None,
        tokens: Mapping[str, int] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Any:
        """:meth:`record` for async code: the output check does not block the event loop."""
        self._set(cost=cost, tokens=tokens, metadata=metadata)
        if output is _UNSET:
            return None
        value = to_jsonable(output)
        if self.decision is not None and self.decision.output_check:
            with self._on_unavailable("blocked", output=True):
                decision = await self._client._acheck(
                    self.tool, self.input, self.context, self.trace_id, phase="output", output=value
                )
            if self._output_gate(decision):
                error: BaseException | None = None
                try:
                    await asyncio.to_thread(self._client._wait_for_approval, self.tool, decision)
                except BaseException as exc:  # noqa: BLE001 - re-raised by _output_approval
                    error = exc
                self._output_approval(lambda: _reraise(error))
        self.output = value
        return output

    # -- internals -------------------------------------------------------------
    def _set(
        self, *, cost: Any, tokens: Mapping[str, int] | None, metadata: Mapping[str, Any] | None
    ) -> None:
        if cost is not None:
            if (
                isinstance(cost, bool)
                or not isinstance(cost, (int, float, str))
                and not hasattr(cost, "as_tuple")
            ):
                raise ConfigurationError(f"cost must be a number, got {cost!r}")
            self.cost = cost
        if tokens is not None:
            try:
                self.tokens = {str(k): int(v) for k, v in dict(tokens).items()}
            except (TypeError, ValueError):
                raise ConfigurationError(
                    f"tokens must be a mapping like {{'prompt': 10, 'completion': 5}}, got {tokens!r}"
                ) from None
        if metadata:
            self.metadata.update(metadata)

    @contextlib.contextmanager
    def _on_unavailable(self, status: str, *, output: bool = False) -> Iterator[None]:
        """Fail-closed: still leave a trace saying the action was refused for want of a decision."""
        try:
            yield
        except ExeclaveUnavailable:
            self._sdk_meta.update(unavailable=True, fail_mode="closed")
            if output:
                self._sdk_meta["output_withheld"] = True
                self.output = None
            self._finish(status)
            raise

    def _gate(self, decision: Decision) -> bool:
        """Apply a check's answer; raise when blocked; True when an approval must be awaited."""
        self.decision = decision
        if decision.ungoverned:
            self._sdk_meta.update(ungoverned=True, reason=decision.reason)
        if decision.decision == "block":
            self._finish("blocked")
            raise ActionBlocked(self.tool, decision.violations, trace_id=self.trace_id)
        if decision.decision == "warn":
            logger.warning("execlave: %s allowed with warnings: %s", self.tool, _reasons(decision))
        return decision.decision == "require_approval"

    def _approval(self, decision: Decision, wait: Callable[[], None]) -> None:
        approval_id = (decision.approval or {}).get("id")
        try:
            wait()
        except (ApprovalDenied, ApprovalExpired, ExeclaveUnavailable) as exc:
            status = {ApprovalDenied: "denied", ApprovalExpired: "expired"}.get(
                type(exc), "unknown"
            )
            self._sdk_meta["approval"] = {"id": approval_id, "status": status}
            self._finish("denied")
            raise
        self._sdk_meta["approval"] = {"id": approval_id, "status": "approved"}

    def _start(self, t_start: float) -> None:
        self._sdk_meta["check_ms"] = round((time.perf_counter() - t_start) * 1000, 3)
        self._started_at = _now()
        self._t0 = time.perf_counter()
        self._token = _current_action.set(self)

    def _output_gate(self, decision: Decision) -> bool:
        if decision.ungoverned:
            self._sdk_meta.update(output_ungoverned=True, reason=decision.reason)
            return False
        if decision.decision == "block":
            self._sdk_meta["output_blocked"] = True
            self.output = None
            self._finish("blocked")
            raise OutputBlocked(self.tool, decision.violations, trace_id=self.trace_id)
        if decision.decision == "warn":
            logger.warning(
                "execlave: output of %s allowed with warnings: %s", self.tool, _reasons(decision)
            )
        return decision.decision == "require_approval"

    def _output_approval(self, wait: Callable[[], None]) -> None:
        try:
            wait()
        except (ApprovalDenied, ApprovalExpired, ExeclaveUnavailable):
            self._sdk_meta["output_withheld"] = True
            self.output = None
            self._finish("denied")
            raise

    def _leave(self, exc: BaseException | None) -> None:
        if self._token is not None:
            try:
                _current_action.reset(self._token)
            except ValueError:  # left in another context (e.g. a generator); harmless
                _current_action.set(None)
            self._token = None
        if self._finished:
            return
        if exc is not None:
            self._sdk_meta["error"] = {"type": type(exc).__name__, "message": str(exc)[:2000]}
            self._finish("error")
        else:
            self._finish("ok")

    def _finish(self, status: str) -> None:
        if self._finished:
            return
        self._finished = True
        if self._started_at is None:
            started, duration = self._requested_at, 0.0
        else:
            started, duration = self._started_at, (time.perf_counter() - self._t0) * 1000
        metadata = to_jsonable(self.metadata)
        metadata["execlave"] = {**self._sdk_meta, "sdk": f"python/{__version__}"}
        trace: dict[str, Any] = {
            "trace_id": self.trace_id,
            "agent": self._client.settings.agent,
            "tool": self.tool,
            "input": self.input,
            "output": self.output,
            "status": status,
            "started_at": started.isoformat(),
            "duration_ms": round(duration, 3),
            "metadata": metadata,
        }
        if self.context:
            trace["context"] = to_jsonable(self.context)
        if self.tokens is not None:
            trace["tokens"] = self.tokens
        if self.cost is not None:
            trace["cost"] = str(self.cost) if not isinstance(self.cost, (int, float)) else self.cost
        self._client._delivery.submit(trace)


def _reraise(error: BaseException | None) -> None:
    if error is not None:
        raise error


def _reasons(decision: Decision) -> str:
    return "; ".join(str(v.get("reason") or v.get("name")) for v in decision.violations)
