"""LangChain: govern ``BaseTool``s (``@tool`` functions, ``StructuredTool``, your subclasses).

    from execlave.integrations.langchain import govern_tools

    tools = govern_tools([search_orders, refund_order], execlave, prefix="shop")
    agent = create_agent(model, tools)

Every invocation — by an agent, ``ToolNode`` or ``tool.invoke(...)`` — is checked
first and traced after. When a policy refuses a call the model is told so as
the tool's result (``on_refusal="message"``, the default) and can carry on;
``on_refusal="raise"`` raises :class:`execlave.ActionBlocked` etc. instead.

:class:`ExeclaveCallbackHandler` governs every tool a run touches without
wrapping them: pass it in ``config={"callbacks": [...]}``. Use one or the
other for a given tool, not both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tools import BaseTool, ToolException

from ..client import Action, Execlave
from ._wrap import governed_subclass, reclass, refusal_message, tool_name_for

__all__ = ["ExeclaveCallbackHandler", "govern_tool", "govern_tools"]

Names = dict[str, str] | Callable[[str], str] | None


def _raise_tool_exception(exc: BaseException) -> Any:
    raise ToolException(refusal_message(exc)) from exc


def govern_tool(
    tool: BaseTool,
    client: Execlave,
    *,
    name: str | None = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> BaseTool:
    """A governed copy of ``tool`` (same name, description and schema for the model)."""
    execlave_name = name or tool_name_for(tool.name, None, prefix)
    cls = governed_subclass(
        type(tool),
        client=client,
        tool=execlave_name,
        sync_method="_run",
        async_method="_arun",
        on_refusal=_raise_tool_exception if on_refusal == "message" else None,
    )
    governed = reclass(tool, cls)
    if on_refusal == "message" and not governed.handle_tool_error:
        # Only governance refusals are turned into ToolException; the tool's own errors
        # are untouched unless it raised ToolException itself.
        governed.handle_tool_error = True
    return governed


def govern_tools(
    tools: Iterable[BaseTool],
    client: Execlave,
    *,
    names: Names = None,
    prefix: str | None = None,
    on_refusal: Literal["message", "raise"] = "message",
) -> list[BaseTool]:
    """:func:`govern_tool` for each tool; ``names`` maps LangChain names to Execlave tool names."""
    return [
        govern_tool(t, client, name=tool_name_for(t.name, names, prefix), on_refusal=on_refusal)
        for t in tools
    ]


class ExeclaveCallbackHandler(BaseCallbackHandler):
    """Checks each tool call at ``on_tool_start`` and traces it at ``on_tool_end``/``on_tool_error``.

    ``raise_error`` is on, so a refusal raised in ``on_tool_start`` stops the
    tool before it runs (LangChain re-raises errors of such handlers).
    """

    raise_error = True
    run_inline = True

    def __init__(self, client: Execlave, *, names: Names = None, prefix: str | None = None) -> None:
        super().__init__()
        self.client = client
        self.names = names
        self.prefix = prefix
        self._actions: dict[UUID, Action] = {}

    def on_tool_start(
        self,
        serialized: dict[str, Any],
        input_str: str,
        *,
        run_id: UUID,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        name = tool_name_for(
            str(serialized.get("name") or kwargs.get("name") or "tool"), self.names, self.prefix
        )
        action = self.client.action(
            name, input=inputs if inputs is not None else {"input": input_str}
        )
        action.__enter__()  # raises on block / denial: the tool does not run
        self._actions[run_id] = action

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        action = self._actions.pop(run_id, None)
        if action is None:
            return
        try:
            action.record(output=getattr(output, "content", output))
        except BaseException as exc:
            action.__exit__(type(exc), exc, None)
            raise
        action.__exit__(None, None, None)

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        action = self._actions.pop(run_id, None)
        if action is not None:
            action.__exit__(type(error), error, None)
