"""CrewAI: govern ``crewai.tools.BaseTool`` instances (``@tool`` functions and your subclasses).

    from execlave.integrations.crewai import govern_tools

    agent = Agent(role="Support", goal="...", backstory="...",
                  tools=govern_tools([lookup_order, refund_order], execlave, prefix="shop"))

Each run of a tool by a crew is checked first and traced after. A refusal is
returned to the agent as the tool's result (``on_refusal="message"``, the
default) so the crew can carry on without it; ``on_refusal="raise"`` raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from crewai.tools import BaseTool

from ..client import Execlave
from ._wrap import governed_subclass, reclass, refusal_message, tool_name_for

__all__ = ["govern_tool", "govern_tools"]


def govern_tool(
    tool: BaseTool,
    client: Execlave,
    *,
    name: str | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> BaseTool:
    """A governed copy of ``tool``; the crew sees the same name, description and schema."""
    execlave_name = name or tool_name_for(tool.name, None, prefix)
    cls = governed_subclass(
        type(tool),
        client=client,
        tool=execlave_name,
        sync_method="_run",
        async_method="_arun",
        on_refusal=refusal_message if on_refusal == "message" else None,
    )
    return reclass(tool, cls)


def govern_tools(
    tools: Iterable[BaseTool],
    client: Execlave,
    *,
    names: dict[str, str] | Callable[[str], str] | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> list[BaseTool]:
    return [
        govern_tool(t, client, name=tool_name_for(t.name, names, prefix), on_refusal=on_refusal)
        for t in tools
    ]
