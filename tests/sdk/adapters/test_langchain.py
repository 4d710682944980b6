"""LangChain: governed tools called by a real LangChain agent (create_agent + ToolNode)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.sdk.adapters.conftest import latest_by_tool, need

need("langchain_core")
need("langchain.agents")

from execlave import ActionBlocked  # noqa: E402
from execlave.integrations.langchain import ExeclaveCallbackHandler, govern_tool, govern_tools  # noqa: E402
from langchain.agents import create_agent  # noqa: E402
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel  # noqa: E402
from langchain_core.messages import AIMessage, ToolMessage  # noqa: E402
from langchain_core.tools import BaseTool, tool  # noqa: E402


class ToolCallingFakeModel(FakeMessagesListChatModel):
    """Replays scripted messages; accepts bind_tools like a real tool-calling model."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFakeModel:
        return self


def scripted(*calls: tuple[str, dict]) -> ToolCallingFakeModel:
    tool_calls = [
        {"name": n, "args": a, "id": f"call_{i}", "type": "tool_call"}
        for i, (n, a) in enumerate(calls)
    ]
    return ToolCallingFakeModel(
        responses=[AIMessage(content="", tool_calls=tool_calls), AIMessage(content="done")]
    )


ran: list[str] = []


@tool
def lookup_order(order_id: int) -> str:
    """Look an order up."""
    ran.append(f"lookup {order_id}")
    return f"order {order_id}: shipped"


@tool
def refund_order(order_id: int, amount: float) -> str:
    """Refund an order."""
    ran.append(f"refund {order_id}")
    return "refunded"


class WipeTool(BaseTool):
    name: str = "wipe_database"
    description: str = "Delete everything."

    def _run(self, confirm: bool = True) -> str:
        ran.append("wipe")
        return "wiped"


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def tool_messages(result: dict) -> list[ToolMessage]:
    return [m for m in result["messages"] if isinstance(m, ToolMessage)]


def test_agent_runs_allowed_tools_and_is_told_when_a_policy_blocks(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    tools = govern_tools(
        [lookup_order, refund_order, WipeTool()],
        client,
        names={
            "lookup_order": "orders.lookup",
            "refund_order": "orders.refund",
            "wipe_database": "database.blocked",
        },
    )
    model = scripted(("lookup_order", {"order_id": 7}), ("wipe_database", {"confirm": True}))
    result = create_agent(model, tools).invoke(
        {"messages": [{"role": "user", "content": "check order 7"}]}
    )

    lookup, wipe = tool_messages(result)
    assert lookup.content == "order 7: shipped"
    assert "Execlave refused this tool call" in wipe.content and wipe.status == "error"
    assert ran == ["lookup 7"]  # the blocked tool never ran
    assert result["messages"][-1].content == "done"

    assert client.flush(timeout=5)
    by_tool = latest_by_tool(server, since, "orders.lookup", "database.blocked", "vault.output")
    assert by_tool["orders.lookup"]["status"] == "ok"
    assert by_tool["orders.lookup"]["input"] == {"order_id": 7}
    assert by_tool["orders.lookup"]["output"] == "order 7: shipped"
    assert by_tool["database.blocked"]["status"] == "blocked"


def test_async_agent_governs_tools_too(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    tools = govern_tools([lookup_order, refund_order], client, prefix="shop")
    model = scripted(
        ("lookup_order", {"order_id": 1}), ("refund_order", {"order_id": 1, "amount": 9.5})
    )
    result = asyncio.run(
        create_agent(model, tools).ainvoke({"messages": [{"role": "user", "content": "refund 1"}]})
    )
    assert [m.content for m in tool_messages(result)] == ["order 1: shipped", "refunded"]
    assert client.flush(timeout=5)
    # governed once each, not a second time through LangChain's thread fallback
    assert len(server.traces(tool="shop.lookup_order", since=since)) == 1
    assert len(server.traces(tool="shop.refund_order", since=since)) == 1


def test_on_refusal_raise_propagates_the_block(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    governed = govern_tool(WipeTool(), client, name="database.blocked", on_refusal="raise")
    with pytest.raises(ActionBlocked):
        governed.invoke({"confirm": True})
    assert ran == []


def test_callback_handler_governs_unwrapped_tools(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    handler = ExeclaveCallbackHandler(
        client, names={"wipe_database": "database.blocked"}, prefix="cb"
    )
    model = scripted(("lookup_order", {"order_id": 3}))
    agent = create_agent(model, [lookup_order, WipeTool()])
    agent.invoke(
        {"messages": [{"role": "user", "content": "order 3"}]}, config={"callbacks": [handler]}
    )
    assert ran == ["lookup 3"]
    with pytest.raises(ActionBlocked):
        WipeTool().invoke({"confirm": True}, config={"callbacks": [handler]})
    assert ran == ["lookup 3"]
    assert client.flush(timeout=5)
    traces = latest_by_tool(server, since, "cb.lookup_order", "database.blocked")
    assert traces["cb.lookup_order"]["status"] == "ok"
    assert traces["database.blocked"]["status"] == "blocked"
