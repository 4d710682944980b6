"""The Execlave client: check before a tool runs, trace after it ran.

The pieces live beside it: :mod:`.action` (one governed execution), :mod:`.approvals`
(waiting for a human), :mod:`.outage` (saying so when calls run ungoverned),
:mod:`.delivery` and :mod:`.spool` (getting traces to the server), :mod:`.binding`
(a function's arguments as the check's input).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import hashlib
import inspect
import logging
import os
import ssl
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from .action import Action, _scoped_context, current_action
from .approvals import ApprovalPending, wait_for_approval
from .binding import _Binder
from .breaker import CircuitBreaker
from .config import FailMode, Settings, build_settings, validate_tool_name
from .decision import Decision
from .delivery import Delivery, MemorySpool
from .encoding import to_jsonable
from .errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ExeclaveUnavailable,
)
from .outage import OutageReporter
from .spool import Spool
from .transport import Response, Transport, TransportError

__all__ = ["Action", "ApprovalPending", "Decision", "Execlave", "current_action"]

logger = logging.getLogger("execlave")

F = TypeVar("F", bound=Callable[..., Any])
BREAKER_OPEN = "circuit breaker open: the server was unreachable moments ago"


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
        verify: bool | None = None,
        on_approval_pending: Callable[[ApprovalPending], Any] | None = None,
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
                "verify": verify,
            },
            environ,
        )
        s = self.settings
        self._transport = Transport(
            s.base_url, s.api_key, timeout=s.timeout, ssl_context=ssl_context
        )
        self._breaker = CircuitBreaker(threshold=s.breaker_threshold, cooldown=s.breaker_cooldown)
        self._outage = OutageReporter(s.base_url)
        self._on_approval_pending = on_approval_pending
        stream = hashlib.sha256(f"{s.base_url}\n{s.api_key}".encode()).hexdigest()[:32]
        self._delivery = Delivery(s, self._transport, self._open_spool(stream))
        if self._delivery.spool.pending():
            self._delivery.ensure_started()  # replay what a previous process left behind
        self._closed = False
        atexit.register(self._atexit)
        if hasattr(os, "register_at_fork"):
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: (c := ref()) is not None and c._after_fork())
        if s.verify:
            try:
                self.verify()
            except BaseException:
                self.close(timeout=0.1)
                raise

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
            "ungoverned_calls": self._outage.ungoverned_calls,
        }

    def verify(self) -> dict[str, Any]:
        """Check the base URL and key now (``verify=True`` does it in the constructor).

        The server must answer, accept the key, grant ``check`` and ``ingest``, and — for a
        key bound to an agent — be this agent's key. Raises :class:`ExeclaveUnavailable`,
        :class:`AuthenticationError` or :class:`ConfigurationError`; returns the key's
        organisation, agent and scopes.
        """
        s = self.settings
        try:
            resp = self._transport.request("GET", "/api/v1/whoami")
        except TransportError as exc:
            raise ExeclaveUnavailable(f"Execlave at {s.base_url} is unreachable: {exc}") from exc
        if resp.status == 404:
            raise ConfigurationError(
                f"{s.base_url} answered 404 for /api/v1/whoami: is base_url the Execlave server's address?"
            )
        self._raise_for_client_error(resp, "the start-up check")
        body = resp.body if isinstance(resp.body, dict) else {}
        scopes = body.get("scopes")
        if not isinstance(body.get("organisation"), str) or not isinstance(scopes, list):
            raise ConfigurationError(
                f"{s.base_url} does not answer like an Execlave server (GET /api/v1/whoami)"
            )
        missing = [scope for scope in ("check", "ingest") if scope not in scopes]
        if missing:
            raise AuthenticationError(
                f"the API key lacks the scope(s) {', '.join(missing)} an agent needs", status=403
            )
        if body.get("agent") and body["agent"] != s.agent:
            raise ConfigurationError(
                f"the API key belongs to agent {body['agent']!r}, not {s.agent!r}"
            )
        return {"organisation": body["organisation"], "agent": body.get("agent"), "scopes": scopes}

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
        self._outage.stop()
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
            return self._unavailable(tool, trace_id, BREAKER_OPEN, phase)
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
            return self._unavailable(tool, trace_id, BREAKER_OPEN, phase)
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
        self._outage.recovered()
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
            hint = " (check EXECLAVE_API_KEY or api_key=)" if resp.status == 401 else ""
            raise AuthenticationError(
                f"Execlave refused the API key for {what} ({resp.status}): "
                f"{_detail(resp.body)}{hint}",
                status=resp.status,
            )
        errors = resp.body.get("errors") if isinstance(resp.body, dict) else None
        if _is_web_page(resp.body) or (resp.status == 404 and resp.body == _NO_SUCH_ROUTE):
            # A wrong base URL (".../api/v1", another app's address) answers with an HTML page
            # or the server's catch-all 404: say so, instead of quoting the page's markup.
            raise ApiError(
                f"Execlave {what} failed ({resp.status}): {self.settings.base_url} answered with"
                " a web page, not Execlave's API; is the base URL (EXECLAVE_BASE_URL) the"
                " server's root address, such as http://127.0.0.1:8000, without /api/v1?",
                status=resp.status,
                errors=None,
            )
        raise ApiError(
            f"Execlave {what} failed ({resp.status}): {_detail(resp.body)}",
            status=resp.status,
            errors=errors,
        )

    def _unavailable(self, tool: str, trace_id: str, reason: str, phase: str = "input") -> Decision:
        if self.settings.fail_mode == "closed":
            what = f"{tool} not run" if phase == "input" else f"output of {tool} withheld"
            raise ExeclaveUnavailable(
                f"{what}: Execlave at {self.settings.base_url} is unavailable and the client is"
                f" fail-closed ({reason})",
                tool=tool,
                trace_id=trace_id,
                reason=reason,
                base_url=self.settings.base_url,
            )
        self._outage.ungoverned(tool if phase == "input" else f"output check of {tool}", reason)
        return Decision(decision="allow", trace_id=trace_id, ungoverned=True, reason=reason)

    # -- approvals ---------------------------------------------------------------
    def _wait_for_approval(self, tool: str, decision: Decision) -> None:
        wait_for_approval(
            self.settings,
            self._transport,
            self._raise_for_client_error,
            tool,
            decision,
            self._on_approval_pending,
        )

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


# What the server answers for a path under /api/ it has no route for (config/urls.py).
_NO_SUCH_ROUTE = {"errors": {"detail": ["Not found."]}}


def _is_web_page(body: Any) -> bool:
    """The transport keeps a body that is not JSON as ``{"detail": <its first 500 chars>}``."""
    if not isinstance(body, dict) or set(body) != {"detail"} or not isinstance(body["detail"], str):
        return False
    return body["detail"].lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def _detail(body: Any) -> str:
    """The server's messages for people: ``{"errors": {"detail": ["Invalid API key."]}}`` reads
    ``Invalid API key.``, a field's message is prefixed with the field (``tool: …``)."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            parts = []
            for field, messages in errors.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    parts.append(str(message) if field == "detail" else f"{field}: {message}")
            return "; ".join(parts)[:500]
        for key in ("errors", "detail"):
            if key in body:
                return str(body[key])[:500]
    return str(body)[:500]
