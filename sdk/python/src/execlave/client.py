"""The Execlave client: check before a tool runs, trace after it ran."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import inspect
import logging
import math
import os
import ssl
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar, overload

from ._version import __version__
from .breaker import CircuitBreaker
from .config import FailMode, Settings, build_settings, validate_tool_name
from .delivery import Delivery, MemorySpool
from .encoding import to_jsonable
from .errors import (
    ActionBlocked,
    ApiError,
    ApprovalDenied,
    ApprovalExpired,
    AuthenticationError,
    ConfigurationError,
    ExeclaveUnavailable,
    OutputBlocked,
)
from .spool import Spool
from .transport import Response, Transport, TransportError

logger = logging.getLogger("execlave")

F = TypeVar("F", bound=Callable[..., Any])
_UNSET: Any = object()
_LONG_POLL_MAX = (
    55.0  # seconds per approval long-poll request (server max 60); re-issued until a decision
)
_EXPIRY_GRACE = 5.0  # seconds past expires_at before the client gives up on a silent server

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


@dataclass
class Decision:
    """The server's answer to a check (or the client's stand-in when it is unreachable)."""

    decision: Literal["allow", "warn", "block", "require_approval"]
    trace_id: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    approval: dict[str, Any] | None = None
    output_check: bool = False
    ungoverned: bool = False
    reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.decision in ("allow", "warn")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class Action:
    """One governed execution of a tool: a check, the work, a trace.

    Use it as ``with client.action("email.send", input={...}) as action:`` (or
    ``async with``). Entering runs the check and raises if the policy says
    no; inside, call :meth:`record` with the result (the output check runs
    there); leaving queues the trace — ``error`` if the block raised.
    """

    def __init__(
        self,
        client: Execlave,
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


class Execlave:
    """A client for one agent.

    ``Execlave(api_key=..., base_url=..., agent="billing-bot", fail_mode="open")``;
    every argument left out is read from ``EXECLAVE_<NAME>`` (``EXECLAVE_API_KEY``,
    ``EXECLAVE_BASE_URL``, ``EXECLAVE_AGENT``, ``EXECLAVE_FAIL_MODE``, ...).
    Invalid settings raise :class:`ConfigurationError` here, not at the first call.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        agent: str | None = None,
        fail_mode: FailMode | None = None,
        timeout: float | None = None,
        batch_size: int | None = None,
        flush_interval: float | None = None,
        flush_timeout: float | None = None,
        max_queue_size: int | None = None,
        spool_path: str | os.PathLike[str] | Literal[False] | None = None,
        spool_max_bytes: int | None = None,
        spool_full_policy: Literal["drop_oldest", "drop_newest"] | None = None,
        approval_timeout: float | None = None,
        breaker_threshold: int | None = None,
        breaker_cooldown: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings: Settings = build_settings(
            {
                "api_key": api_key,
                "base_url": base_url,
                "agent": agent,
                "fail_mode": fail_mode,
                "timeout": timeout,
                "batch_size": batch_size,
                "flush_interval": flush_interval,
                "flush_timeout": flush_timeout,
                "max_queue_size": max_queue_size,
                "spool_path": spool_path,
                "spool_max_bytes": spool_max_bytes,
                "spool_full_policy": spool_full_policy,
                "approval_timeout": approval_timeout,
                "breaker_threshold": breaker_threshold,
                "breaker_cooldown": breaker_cooldown,
            },
            environ,
        )
        s = self.settings
        self._transport = Transport(
            s.base_url, s.api_key, timeout=s.timeout, ssl_context=ssl_context
        )
        self._breaker = CircuitBreaker(threshold=s.breaker_threshold, cooldown=s.breaker_cooldown)
        stream = hashlib.sha256(f"{s.base_url}\n{s.api_key}".encode()).hexdigest()[:32]
        self._delivery = Delivery(s, self._transport, self._open_spool(stream))
        if self._delivery.spool.pending():
            self._delivery.ensure_started()  # replay what a previous process left behind
        self._closed = False
        atexit.register(self._atexit)
        if hasattr(os, "register_at_fork"):
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: (c := ref()) is not None and c._after_fork())

    def _open_spool(self, stream: str) -> Spool | MemorySpool:
        s = self.settings
        if s.spool_path is None:
            return MemorySpool(max_items=s.max_queue_size, full_policy=s.spool_full_policy)
        try:
            return Spool(
                s.spool_path,
                stream=stream,
                max_bytes=s.spool_max_bytes,
                full_policy=s.spool_full_policy,
            )
        except Exception as exc:  # noqa: BLE001
            raise ConfigurationError(
                f"spool_path {str(s.spool_path)!r} cannot be used ({exc}); choose a writable file"
                " with EXECLAVE_SPOOL_PATH or disable spooling with spool_path=False"
            ) from exc

    # -- public API ------------------------------------------------------------
    @property
    def spool_path(self) -> Path | None:
        return self.settings.spool_path

    def stats(self) -> dict[str, Any]:
        """Delivery counters and the circuit breaker's state, for health checks."""
        return {
            **self._delivery.stats,
            "spool_pending": self._delivery.spool.pending(),
            "spool_dropped": self._delivery.spool.dropped,
            "breaker": self._breaker.state,
        }

    @overload
    def tool(self, name: str) -> Callable[[F], F]: ...
    @overload
    def tool(
        self,
        name: str,
        *,
        estimated_cost: float | Callable[..., float] | None = ...,
        context: Mapping[str, Any] | None = ...,
        capture_input: Callable[..., Any] | None = ...,
    ) -> Callable[[F], F]: ...

    def tool(
        self,
        name: str,
        *,
        estimated_cost: float | Callable[..., float] | None = None,
        context: Mapping[str, Any] | None = None,
        capture_input: Callable[..., Any] | None = None,
    ) -> Callable[[F], F]:
        """Govern every call of a function (sync or ``async``) as the tool ``name``.

        The call's arguments, bound to parameter names, are the check's input
        (or whatever ``capture_input(*args, **kwargs)`` returns).
        ``estimated_cost`` (a number or a function of the arguments) goes into
        the check's context for budget policies.
        """
        validate_tool_name(name)

        def decorate(fn: F) -> F:
            if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
                raise ConfigurationError(
                    f"@tool({name!r}) cannot wrap the generator {fn.__qualname__}: collect its"
                    " results in a function, or use client.action() around the loop"
                )
            binder = _Binder(inspect.signature(fn))

            def prepare(
                args: tuple[Any, ...], kwargs: dict[str, Any]
            ) -> tuple[Any, dict[str, Any]]:
                tool_input = (
                    capture_input(*args, **kwargs) if capture_input else binder(args, kwargs)
                )
                ctx = dict(context or {})
                if estimated_cost is not None:
                    ctx["estimated_cost"] = (
                        estimated_cost(*args, **kwargs)
                        if callable(estimated_cost)
                        else estimated_cost
                    )
                return tool_input, ctx

            if inspect.iscoroutinefunction(fn):

                @functools.wraps(fn)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    tool_input, ctx = prepare(args, kwargs)
                    async with Action(self, name, input=tool_input, context=ctx) as action:
                        result = await fn(*args, **kwargs)
                        return await action.arecord(output=result)

                async_wrapper.__execlave_tool__ = name  # type: ignore[attr-defined]
                return async_wrapper  # type: ignore[return-value]

            @functools.wraps(fn)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                tool_input, ctx = prepare(args, kwargs)
                with Action(self, name, input=tool_input, context=ctx) as action:
                    result = fn(*args, **kwargs)
                    return action.record(output=result)

            wrapper.__execlave_tool__ = name  # type: ignore[attr-defined]
            return wrapper  # type: ignore[return-value]

        return decorate

    def action(
        self,
        tool: str,
        *,
        input: Any = None,
        context: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
    ) -> Action:
        """A governed block of code: ``with client.action("email.send", input={...}) as a:``."""
        return Action(
            self, tool, input=input, context=context, metadata=metadata, trace_id=trace_id
        )

    def govern(self, tool: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` once as the governed tool ``tool`` (no decorator needed)."""
        return self.tool(tool)(fn)(*args, **kwargs)

    @contextlib.contextmanager
    def context(self, **values: Any) -> Iterator[None]:
        """Add check context (``session_id``, ``user``, ...) to every action in this block."""
        token = _scoped_context.set({**_scoped_context.get(), **values})
        try:
            yield
        finally:
            _scoped_context.reset(token)

    def check(
        self,
        tool: str,
        input: Any = None,
        *,
        context: Mapping[str, Any] | None = None,
        trace_id: str | None = None,
    ) -> Decision:
        """Ask for a decision without running anything (fail mode applies)."""
        validate_tool_name(tool)
        return self._check(
            tool, to_jsonable(input or {}), dict(context or {}), trace_id or str(uuid.uuid4())
        )

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver every queued trace now; False if some had to stay in the spool."""
        return self._delivery.flush(timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Flush and stop the worker; what cannot be delivered stays in the spool."""
        if self._closed:
            return True
        self._closed = True
        atexit.unregister(self._atexit)
        return self._delivery.close(timeout)

    def __enter__(self) -> Execlave:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- checks ------------------------------------------------------------------
    def _check_body(
        self,
        tool: str,
        tool_input: Any,
        context: Mapping[str, Any],
        trace_id: str,
        phase: str,
        output: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "trace_id": trace_id,
            "agent": self.settings.agent,
            "tool": tool,
            "input": tool_input,
        }
        if context:
            body["context"] = to_jsonable(context)
        if phase != "input":
            body["phase"] = phase
            body["output"] = output
        return body

    def _check(
        self,
        tool: str,
        tool_input: Any,
        context: Mapping[str, Any],
        trace_id: str,
        phase: str = "input",
        output: Any = None,
    ) -> Decision:
        if not self._breaker.allow():
            return self._unavailable(
                tool, trace_id, "circuit breaker open: server recently unreachable", phase
            )
        return self._check_network(
            self._check_body(tool, tool_input, context, trace_id, phase, output), phase
        )

    async def _acheck(
        self,
        tool: str,
        tool_input: Any,
        context: Mapping[str, Any],
        trace_id: str,
        phase: str = "input",
        output: Any = None,
    ) -> Decision:
        if not self._breaker.allow():  # the fast path never leaves the event loop
            return self._unavailable(
                tool, trace_id, "circuit breaker open: server recently unreachable", phase
            )
        body = self._check_body(tool, tool_input, context, trace_id, phase, output)
        return await asyncio.to_thread(self._check_network, body, phase)

    def _check_network(self, body: dict[str, Any], phase: str) -> Decision:
        tool, trace_id = body["tool"], body["trace_id"]
        try:
            resp = self._transport.request("POST", "/api/v1/check", payload=body)
        except TransportError as exc:
            self._breaker.record_failure()
            return self._unavailable(tool, trace_id, f"server unreachable: {exc}", phase)
        if resp.status == 429 or resp.status >= 500 or resp.status == 408:
            self._breaker.record_failure(
                retry_after=resp.retry_after if resp.status == 429 else None
            )
            return self._unavailable(tool, trace_id, f"server answered {resp.status}", phase)
        self._breaker.record_success()
        self._raise_for_client_error(resp, "check")
        data = resp.body if isinstance(resp.body, dict) else {}
        decision = data.get("decision")
        if decision not in ("allow", "warn", "block", "require_approval"):
            return self._unavailable(
                tool, trace_id, f"unexpected check answer: {resp.body!r:.200}", phase
            )
        return Decision(
            decision=decision,
            trace_id=str(data.get("trace_id") or trace_id),
            violations=list(data.get("violations") or []),
            approval=data.get("approval") or None,
            output_check=bool(data.get("output_check")),
        )

    def _raise_for_client_error(self, resp: Response, what: str) -> None:
        if resp.ok:
            return
        if resp.status in (401, 403):
            raise AuthenticationError(
                f"Execlave refused the API key for {what} ({resp.status}): {_detail(resp.body)}",
                status=resp.status,
            )
        errors = resp.body.get("errors") if isinstance(resp.body, dict) else None
        raise ApiError(
            f"Execlave {what} failed ({resp.status}): {_detail(resp.body)}",
            status=resp.status,
            errors=errors,
        )

    def _unavailable(self, tool: str, trace_id: str, reason: str, phase: str = "input") -> Decision:
        if self.settings.fail_mode == "closed":
            raise ExeclaveUnavailable(
                f"{tool} not run: Execlave is unavailable and the client is fail-closed ({reason})"
                if phase == "input"
                else f"output of {tool} withheld: Execlave is unavailable and the client is fail-closed ({reason})"
            )
        return Decision(decision="allow", trace_id=trace_id, ungoverned=True, reason=reason)

    # -- approvals ---------------------------------------------------------------
    def _wait_for_approval(self, tool: str, decision: Decision) -> None:
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
        start = time.monotonic()
        client_deadline = (
            start + self.settings.approval_timeout if self.settings.approval_timeout else math.inf
        )
        expires = _parse_time(approval.get("expires_at"))
        server_deadline = (
            start + max(0.0, (expires - _now()).total_seconds()) + _EXPIRY_GRACE
            if expires
            else math.inf
        )
        status, body = str(approval.get("status") or "pending"), approval
        failures = 0
        while True:
            if status == "approved":
                return
            if status in ("denied", "cancelled"):
                raise ApprovalDenied(
                    tool, decided_by=body.get("decided_by"), comment=body.get("comment"), **kwargs
                )
            if status == "expired":
                if body.get("on_timeout") == "allow":  # the policy lets an unanswered request run
                    logger.warning(
                        "execlave: approval %s expired; the policy allows %s to run",
                        approval_id,
                        tool,
                    )
                    return
                raise ApprovalExpired(tool, **kwargs)
            now = time.monotonic()
            deadline = min(client_deadline, server_deadline)
            if now >= deadline:
                raise ApprovalExpired(
                    tool, client_timeout=client_deadline <= server_deadline, **kwargs
                )
            wait = max(1, math.ceil(min(deadline - now, _LONG_POLL_MAX)))
            try:
                resp = self._transport.request(
                    "GET",
                    f"/api/v1/approvals/{approval_id}?wait={wait}",
                    timeout=wait + self.settings.timeout,
                )
            except TransportError as exc:
                # The server asked for a human decision: an outage now is never read as a yes.
                failures += 1
                if time.monotonic() + 0.01 >= deadline:
                    raise ExeclaveUnavailable(
                        f"{tool} not run: lost contact with Execlave while waiting for approval {approval_id} ({exc})"
                    ) from exc
                time.sleep(
                    min(0.25 * 2 ** min(failures, 6), max(deadline - time.monotonic(), 0.01))
                )
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
            self._raise_for_client_error(resp, "approval wait")
            failures = 0
            body = resp.body if isinstance(resp.body, dict) else {}
            status = str(body.get("status") or "pending")

    # -- lifecycle ---------------------------------------------------------------
    def _atexit(self) -> None:
        try:
            self.close(self.settings.flush_timeout)
        except Exception:  # noqa: BLE001 - never break interpreter shutdown
            logger.exception("execlave: flush at exit failed")

    def _after_fork(self) -> None:
        self._transport.reset()
        self._breaker = CircuitBreaker(
            threshold=self.settings.breaker_threshold, cooldown=self.settings.breaker_cooldown
        )
        self._delivery.after_fork_in_child()


def _reraise(error: BaseException | None) -> None:
    if error is not None:
        raise error


def _reasons(decision: Decision) -> str:
    return "; ".join(str(v.get("reason") or v.get("name")) for v in decision.violations)


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("errors", "detail"):
            if key in body:
                return str(body[key])[:500]
    return str(body)[:500]


class _Binder:
    """Arguments -> {parameter: JSON-ready value}, with a fast path for plain signatures.

    ``Signature.bind`` costs several microseconds; most tools take plain positional-or-
    keyword parameters, which zip() binds in a fraction of that.
    """

    def __init__(self, signature: inspect.Signature) -> None:
        self.signature = signature
        params = list(signature.parameters.values())
        self.skip_first = bool(params) and params[0].name in ("self", "cls")
        self.plain = all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
        self.names = tuple(p.name for p in params)
        self.name_set = frozenset(self.names)
        self.defaults = {
            p.name: p.default for p in params if p.default is not inspect.Parameter.empty
        }

    def __call__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.plain and len(args) <= len(self.names):
            bound = dict(zip(self.names, args, strict=False))
            if not (kwargs.keys() & bound.keys()) and kwargs.keys() <= self.name_set:
                bound.update(kwargs)
                if len(bound) < len(self.names):
                    for name, default in self.defaults.items():
                        bound.setdefault(name, default)
                if len(bound) == len(self.names):
                    if self.skip_first:
                        del bound[self.names[0]]
                    return {k: to_jsonable(v) for k, v in bound.items()}
        return _bind(self.signature, args, kwargs)


def _bind(
    signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return {"args": to_jsonable(list(args)), "kwargs": to_jsonable(kwargs)}
    bound.apply_defaults()
    result: dict[str, Any] = {}
    params = signature.parameters
    for index, (name, value) in enumerate(bound.arguments.items()):
        if index == 0 and name in ("self", "cls"):
            continue
        if params[name].kind is inspect.Parameter.VAR_KEYWORD:
            result.update(to_jsonable(value))
        else:
            result[name] = to_jsonable(value)
    return result
