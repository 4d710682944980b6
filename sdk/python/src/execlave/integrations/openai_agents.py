"""The OpenAI Agents SDK (``openai-agents``): govern ``FunctionTool``s.

    from agents import Agent, function_tool
    from execlave.integrations.openai_agents import govern_tools

    agent = Agent(name="support", tools=govern_tools([lookup_order, refund_order], execlave, prefix="shop"))

Each call the ``Runner`` makes (the model's JSON arguments to ``on_invoke_tool``) is checked
first and traced after; the tool's schema, guardrails and error handling stay the SDK's.
A refusal is handed to the model as the tool's result (``on_refusal="message"``, the
default) so the agent can carry on; ``on_refusal="raise"`` ends the run with the SDK's
``UserError`` whose ``__cause__`` is the refusal (:class:`execlave.ActionBlocked`, ...).
Hosted tools (web search, file search, computer) have no local invocation and are returned
unchanged.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any, Literal

from agents import FunctionTool

from ..client import Execlave
from ._wrap import REFUSALS, refusal_message, tool_name_for

__all__ = ["govern_tool", "govern_tools"]


def _arguments(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {"raw": raw}


def govern_tool(
    tool: Any,
    client: Execlave,
    *,
    names: dict[str, str] | Callable[[str], str] | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> Any:
    """A copy of ``tool`` whose invocations go through ``client`` (non-function tools unchanged)."""
    if not isinstance(tool, FunctionTool):
        return tool
    name = tool_name_for(tool.name, names, prefix)
    invoke = tool.on_invoke_tool

    async def on_invoke_tool(ctx: Any, raw_input: str) -> Any:
        try:
            async with client.action(name, input=_arguments(raw_input)) as action:
                result = await invoke(ctx, raw_input)
                await action.arecord(output=result)
                return result
        except REFUSALS as exc:
            if on_refusal == "raise":
                raise
            return refusal_message(exc)

    return dataclasses.replace(tool, on_invoke_tool=on_invoke_tool)


def govern_tools(
    tools: Iterable[Any],
    client: Execlave,
    *,
    names: dict[str, str] | Callable[[str], str] | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> list[Any]:
    return [
        govern_tool(t, client, names=names, prefix=prefix, on_refusal=on_refusal) for t in tools
    ]
