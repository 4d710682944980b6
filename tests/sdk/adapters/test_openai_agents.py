"""OpenAI Agents SDK: a Runner whose function tools go through Execlave (the SDK's own loop).

The model is a scripted ``agents.models.interface.Model``: it answers with function calls,
then a message — no network, no LLM.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.sdk.adapters.conftest import latest_by_tool, need

need("agents")

from agents import (  # noqa: E402
    Agent,
    ModelResponse,
    ModelSettings,
    RunConfig,
    Runner,
    Usage,
    function_tool,
)
from agents.exceptions import UserError  # noqa: E402
from agents.models.interface import Model  # noqa: E402
from execlave import ActionBlocked  # noqa: E402
from execlave.integrations.openai_agents import govern_tools  # noqa: E402
from openai.types.responses import (  # noqa: E402
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

ran: list[str] = []


@function_tool
def lookup_order(order_id: int) -> str:
    """Look an order up."""
    ran.append(f"lookup {order_id}")
    return f"order {order_id}: shipped"


@function_tool
async def wipe_database(table: str) -> str:
    """Delete every row of a table."""
    ran.append(f"wipe {table}")
    return "wiped"


NAMES = {"lookup_order": "orders.lookup", "wipe_database": "database.blocked"}


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def call(call_id: str, name: str, **args) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        type="function_call",
        id=f"fc_{call_id}",
        call_id=call_id,
        name=name,
        arguments=json.dumps(args),
        status="completed",
    )


def say(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id="msg_1",
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[])],
    )


class ScriptedModel(Model):
    def __init__(self, *turns: list) -> None:
        self.turns = list(turns)
        self.inputs: list = []

    async def get_response(self, system_instructions, input, *args, **kwargs) -> ModelResponse:
        self.inputs.append(input)
        return ModelResponse(output=self.turns.pop(0), usage=Usage(), response_id=None)

    def stream_response(self, *args, **kwargs):  # pragma: no cover - the tests do not stream
        raise NotImplementedError


def run(agent: Agent, prompt: str):
    return asyncio.run(Runner.run(agent, prompt, run_config=RunConfig(tracing_disabled=True)))


def test_runner_tool_calls_are_checked_and_traced(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    model = ScriptedModel(
        [call("c1", "lookup_order", order_id=7)],
        [call("c2", "wipe_database", table="orders")],
        [say("all done")],
    )
    agent = Agent(
        name="support",
        model=model,
        model_settings=ModelSettings(),
        tools=govern_tools([lookup_order, wipe_database], client, names=NAMES),
    )
    result = run(agent, "check order 7 then clean up")
    assert result.final_output == "all done"
    assert ran == ["lookup 7"]  # the wipe was refused before it ran
    outputs = [str(i.output) for i in result.new_items if i.type == "tool_call_output_item"]
    assert outputs[0] == "order 7: shipped"
    assert outputs[1].startswith("Execlave refused this tool call: database.blocked blocked")

    assert client.flush(timeout=5)
    by_tool = latest_by_tool(server, since, "orders.lookup", "database.blocked")
    assert by_tool["orders.lookup"]["status"] == "ok"
    assert by_tool["orders.lookup"]["input"] == {"order_id": 7}
    assert by_tool["orders.lookup"]["output"] == "order 7: shipped"
    assert by_tool["database.blocked"]["status"] == "blocked"


def test_on_refusal_raise_stops_the_run(server, make_client):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    agent = Agent(
        name="support",
        model=ScriptedModel([call("c1", "wipe_database", table="orders")], [say("never")]),
        tools=govern_tools([wipe_database], client, names=NAMES, on_refusal="raise"),
    )
    with pytest.raises(UserError) as info:  # the Runner wraps what a tool raises
        run(agent, "clean up")
    assert isinstance(info.value.__cause__, ActionBlocked)
    assert ran == []
    assert wipe_database.name == "wipe_database"  # the original tool is not changed
