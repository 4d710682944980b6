"""Helpers shared by the framework adapters (no framework imported here)."""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Callable
from typing import Any

from ..client import Execlave
from ..config import validate_tool_name
from ..errors import ActionBlocked, ApprovalDenied, ApprovalExpired, ExeclaveUnavailable

REFUSALS = (ActionBlocked, ApprovalDenied, ApprovalExpired, ExeclaveUnavailable)


def refusal_message(exc: BaseException) -> str:
    """What an LLM is told when governance refuses its tool call."""
    trace_id = getattr(exc, "trace_id", None)
    return f"Execlave refused this tool call: {exc}" + (f" (trace {trace_id})" if trace_id else "")


# Arguments frameworks inject into a tool's run method: never part of the governed input.
INJECTED = frozenset(
    {"run_manager", "callbacks", "config", "runtime", "tool_call_id", "state", "store"}
)


# Set while an async override runs, so a parent ``_arun`` that falls back to ``_run`` in a
# thread (LangChain's default) is not governed a second time.
_governing: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "execlave_governing", default=None
)


def tool_name_for(
    name: str, mapping: dict[str, str] | Callable[[str], str] | None, prefix: str | None
) -> str:
    """The Execlave tool name for a framework tool: explicit mapping, else ``prefix.name``."""
    if callable(mapping):
        chosen = mapping(name)
    elif mapping and name in mapping:
        chosen = mapping[name]
    else:
        safe = re.sub(r"[^A-Za-z0-9_\-.]+", "_", name).strip("._") or "tool"
        chosen = f"{prefix}.{safe}" if prefix else safe
    return validate_tool_name(chosen)


def governed_input(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in kwargs.items() if k not in INJECTED}
    if args:
        clean["args"] = list(args)
    return clean


def governed_subclass(
    cls: type,
    *,
    client: Execlave,
    tool: str,
    sync_method: str,
    async_method: str | None,
    output: Callable[[Any], Any] = lambda result: result,
    on_refusal: Callable[[BaseException], Any] | None = None,
) -> type:
    """A subclass of a framework's tool class whose run methods go through ``client.action``.

    The overrides carry the parent methods' signatures and type hints, so a
    framework that inspects ``_run`` to decide what to inject (LangChain's
    ``run_manager`` and ``config``) keeps doing so.
    """
    parent_sync = getattr(cls, sync_method)

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _governing.get() == id(self):
            return parent_sync(self, *args, **kwargs)
        try:
            with client.action(tool, input=governed_input(args, kwargs)) as action:
                result = parent_sync(self, *args, **kwargs)
                action.record(output=output(result))
                return result
        except REFUSALS as exc:
            if on_refusal is None:
                raise
            return on_refusal(exc)

    functools.update_wrapper(
        run, parent_sync
    )  # signature and type hints, as frameworks inspect them
    namespace: dict[str, Any] = {sync_method: run, "__module__": cls.__module__}

    if async_method and hasattr(cls, async_method):
        parent_async = getattr(cls, async_method)

        async def arun(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                async with client.action(tool, input=governed_input(args, kwargs)) as action:
                    token = _governing.set(id(self))
                    try:
                        result = await parent_async(self, *args, **kwargs)
                    finally:
                        _governing.reset(token)
                    await action.arecord(output=output(result))
                    return result
            except REFUSALS as exc:
                if on_refusal is None:
                    raise
                return on_refusal(exc)

        functools.update_wrapper(arun, parent_async)
        namespace[async_method] = arun

    return type(f"Governed{cls.__name__}", (cls,), namespace)


def reclass(instance: Any, new_cls: type) -> Any:
    """A copy of a pydantic-based tool instance, as an instance of ``new_cls`` (a subclass)."""
    copy = instance.model_copy() if hasattr(instance, "model_copy") else instance.copy()
    object.__setattr__(copy, "__class__", new_cls)
    return copy
