"""AG2 (the maintained continuation of AutoGen): govern every tool call an ``ag2.Agent`` makes.

    from ag2 import Agent
    from execlave.integrations.ag2 import execlave_middleware

    agent = Agent("support", config=config, tools=[lookup_order, refund_order],
                  middleware=[execlave_middleware(execlave, prefix="shop")])

The middleware sits on AG2's ``on_tool_execution`` hook: each call is checked
before the tool runs and traced after. A refusal is handed back to the model
as the tool's result (``on_refusal="message"``, the default) so the agent can
carry on; ``on_refusal="raise"`` makes it a tool error instead.

Why AG2 and not ``autogen-agentchat``: Microsoft put AutoGen (``autogen-agentchat``
/ ``autogen-core``, last release 0.7.5, September 2025) in maintenance mode and
points new users to Microsoft Agent Framework; AG2 — the community fork that
kept the ``autogen``/``pyautogen`` lineage — is released every few weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from ag2 import Middleware
from ag2.events import ToolCallEvent, ToolErrorEvent, ToolResultEvent
from ag2.middleware.base import BaseMiddleware

from ..client import Execlave
from ..errors import ExeclaveError
from ._wrap import REFUSALS, refusal_message, tool_name_for

__all__ = ["ExeclaveMiddleware", "execlave_middleware"]


class GovernanceRefused(ExeclaveError):
    """The tool error AG2 records when ``on_refusal="raise"``."""


class ExeclaveMiddleware(BaseMiddleware):
    def __init__(
        self,
        event: Any,
        context: Any,
        *,
        client: Execlave,
        names: dict[str, str] | Callable[[str], str] | None = None,
        prefix: str | None = None,
        on_refusal: Literal["message", "raise"] = "message",
    ) -> None:
        super().__init__(event, context)
        self.client = client
        self.names = names
        self.prefix = prefix
        self.on_refusal = on_refusal

    async def on_tool_execution(self, call_next: Any, event: ToolCallEvent, context: Any) -> Any:
        tool = tool_name_for(event.name, self.names, self.prefix)
        try:
            arguments = event.serialized_arguments
        except ValueError:
            arguments = {"arguments": event.arguments}
        outcome: Any = None
        try:
            async with self.client.action(tool, input=arguments) as action:
                outcome = await call_next(event, context)
                if isinstance(outcome, ToolErrorEvent):
                    raise outcome.error  # traced as "error"; AG2 still gets its error event below
                if isinstance(outcome, ToolResultEvent):
                    await action.arecord(output=_content(outcome))
            return outcome
        except REFUSALS as exc:
            if self.on_refusal == "raise":
                return ToolErrorEvent.from_call(event, GovernanceRefused(str(exc)))
            return ToolResultEvent.from_call(event, refusal_message(exc))
        except Exception as exc:
            if isinstance(outcome, ToolErrorEvent) and exc is outcome.error:
                return outcome
            raise


def _content(result: ToolResultEvent) -> Any:
    parts = [getattr(p, "content", p) for p in result.result.parts]
    return parts[0] if len(parts) == 1 else parts


def execlave_middleware(
    client: Execlave,
    *,
    names: dict[str, str] | Callable[[str], str] | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> Middleware:
    """The middleware factory to pass in ``Agent(..., middleware=[...])``."""
    return Middleware(
        ExeclaveMiddleware, client=client, names=names, prefix=prefix, on_refusal=on_refusal
    )
