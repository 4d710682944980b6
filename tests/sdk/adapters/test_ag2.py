"""AG2: an ag2.Agent whose tool calls go through the Execlave middleware (AG2's own tool loop)."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.sdk.adapters.conftest import latest_by_tool, need

need("ag2")

from ag2 import Agent  # noqa: E402
from ag2.events import ToolCallEvent  # noqa: E402
from ag2.testing import TestConfig, TrackingConfig  # noqa: E402
from execlave.integrations.ag2 import execlave_middleware  # noqa: E402

ran: list[str] = []


def lookup_order(order_id: int) -> str:
    """Look an order up."""
    ran.append(f"lookup {order_id}")
    return f"order {order_id}: shipped"


async def wipe_database(table: str) -> str:
    """Delete every row of a table."""
    ran.append(f"wipe {table}")
    return "wiped"


def read_vault() -> str:
    """Read the vault."""
    ran.append("vault")
    return "the SECRET is 42"


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def call(name: str, **args) -> ToolCallEvent:
    return ToolCallEvent(name, arguments=json.dumps(args))


NAMES = {
    "lookup_order": "orders.lookup",
    "wipe_database": "database.blocked",
    "read_vault": "vault.output",
}


def ask(agent: Agent, question: str) -> str:
    async def main() -> str:
        reply = await agent.ask(question)
        return await reply.content()

    return asyncio.run(main())


def test_agent_tool_calls_are_checked_and_traced(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    config = TestConfig(
        call("lookup_order", order_id=7),
        call("wipe_database", table="orders"),
        call("read_vault"),
        "all done",
        raise_tool_errors=False,
    )
    agent = Agent(
        "support",
        config=config,
        tools=[lookup_order, wipe_database, read_vault],
        middleware=[execlave_middleware(client, names=NAMES)],
    )
    assert ask(agent, "check order 7 then clean up") == "all done"
    assert ran == ["lookup 7", "vault"]  # the wipe was refused before it ran; the vault read ran

    assert client.flush(timeout=5)
    by_tool = latest_by_tool(server, since, "orders.lookup", "database.blocked", "vault.output")
    assert by_tool["orders.lookup"]["status"] == "ok"
    assert by_tool["orders.lookup"]["input"] == {"order_id": 7}
    assert by_tool["orders.lookup"]["output"] == "order 7: shipped"
    assert by_tool["database.blocked"]["status"] == "blocked"
    assert by_tool["vault.output"]["status"] == "blocked"  # output policy withheld the secret
    assert by_tool["vault.output"]["output"] is None


def test_the_model_sees_the_refusal_not_the_withheld_output(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    config = TrackingConfig(TestConfig(call("read_vault"), "ok", raise_tool_errors=False))
    agent = Agent(
        "support",
        config=config,
        tools=[read_vault],
        middleware=[execlave_middleware(client, names=NAMES)],
    )
    assert ask(agent, "read the vault") == "ok"
    assert ran == ["vault"]
    handed_to_model = repr(
        config.mock.call_args_list[1].args[0]
    )  # what the model got back from the tool
    assert "SECRET is 42" not in handed_to_model
    assert "Execlave refused this tool call" in handed_to_model


def test_tool_errors_are_traced_as_errors(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)

    def broken(x: int) -> int:
        """Always fails."""
        raise RuntimeError("disk on fire")

    config = TestConfig(call("broken", x=1), "recovered", raise_tool_errors=False)
    agent = Agent(
        "support",
        config=config,
        tools=[broken],
        middleware=[execlave_middleware(client, prefix="ops")],
    )
    assert ask(agent, "go") == "recovered"
    assert client.flush(timeout=5)
    (trace,) = server.traces(tool="ops.broken", since=since)
    assert trace["tool"] == "ops.broken" and trace["status"] == "error"
    assert trace["metadata"]["execlave"]["error"]["message"] == "disk on fire"
