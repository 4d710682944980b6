"""CrewAI: governed tools run by a real crew, through CrewAI's own tool-calling (ReAct) loop."""

from __future__ import annotations

import pytest

from tests.sdk.adapters.conftest import latest_by_tool, need

need("crewai")

from crewai import Agent, Crew, Task  # noqa: E402
from crewai.llms.base_llm import BaseLLM  # noqa: E402
from crewai.tools import BaseTool, tool  # noqa: E402
from execlave import ActionBlocked  # noqa: E402
from execlave.integrations.crewai import govern_tool, govern_tools  # noqa: E402

ran: list[str] = []


class ScriptedLLM(BaseLLM):
    """An LLM that answers from a script: tool calls in CrewAI's ReAct format, then a final answer."""

    replies: list[str] = []
    seen: list[str] = []

    def call(
        self,
        messages,
        tools=None,
        callbacks=None,
        available_functions=None,
        from_task=None,
        from_agent=None,
        response_model=None,
    ):
        self.seen.append(
            "\n".join(str(m.get("content")) for m in messages)
            if isinstance(messages, list)
            else messages
        )
        return self.replies.pop(0)


def react(tool_name: str, args: str) -> str:
    return f"Thought: I should use a tool.\nAction: {tool_name}\nAction Input: {args}"


FINAL = "Thought: I now know the final answer\nFinal Answer: all done"


@tool("lookup_order")
def lookup_order(order_id: int) -> str:
    """Look an order up."""
    ran.append(f"lookup {order_id}")
    return f"order {order_id}: shipped"


class WipeTool(BaseTool):
    name: str = "wipe_database"
    description: str = "Delete every row of a table."

    def _run(self, table: str) -> str:
        ran.append(f"wipe {table}")
        return "wiped"


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()


def run_crew(llm: ScriptedLLM, tools: list[BaseTool]) -> str:
    agent = Agent(
        role="Support",
        goal="Answer questions about orders",
        backstory="Careful.",
        llm=llm,
        tools=tools,
        allow_delegation=False,
        verbose=False,
        max_iter=5,
    )
    task = Task(description="Where is order 7?", expected_output="the order's status", agent=agent)
    return str(Crew(agents=[agent], tasks=[task], verbose=False).kickoff())


def test_crew_runs_allowed_tools_and_is_told_about_blocked_ones(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    tools = govern_tools(
        [lookup_order, WipeTool()],
        client,
        names={"lookup_order": "orders.lookup", "wipe_database": "database.blocked"},
    )
    llm = ScriptedLLM(
        model="scripted",
        replies=[
            react("lookup_order", '{"order_id": 7}'),
            react("wipe_database", '{"table": "orders"}'),
            FINAL,
        ],
    )
    assert run_crew(llm, tools) == "all done"
    assert ran == ["lookup 7"]  # the wipe was refused before it ran
    assert "order 7: shipped" in llm.seen[1]
    assert "Execlave refused this tool call" in llm.seen[2]

    assert client.flush(timeout=5)
    by_tool = latest_by_tool(server, since, "orders.lookup", "database.blocked", "vault.output")
    assert by_tool["orders.lookup"]["status"] == "ok"
    assert by_tool["orders.lookup"]["input"] == {"order_id": 7}
    assert by_tool["orders.lookup"]["output"] == "order 7: shipped"
    assert by_tool["database.blocked"]["status"] == "blocked"


def test_output_policy_withholds_the_result_from_the_crew(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)

    @tool("read_secrets")
    def read_secrets() -> str:
        """Read the vault."""
        ran.append("read")
        return "the SECRET is 42"

    governed = govern_tool(read_secrets, client, name="vault.output")
    llm = ScriptedLLM(model="scripted", replies=[react("read_secrets", "{}"), FINAL])
    run_crew(llm, [governed])
    assert ran == ["read"]
    assert "SECRET is 42" not in llm.seen[1] and "Execlave refused" in llm.seen[1]


def test_on_refusal_raise(server, make_client, since):
    client = make_client(api_key=server.api_key, base_url=server.base_url)
    governed = govern_tool(WipeTool(), client, name="database.blocked", on_refusal="raise")
    with pytest.raises(ActionBlocked):
        governed.run(table="orders")
    assert ran == []
