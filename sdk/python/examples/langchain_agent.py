"""A LangChain agent whose tools are governed by Execlave.

pip install "./sdk/python[langchain]" langchain
export EXECLAVE_API_KEY=... EXECLAVE_BASE_URL=... EXECLAVE_AGENT=support-bot
python sdk/python/examples/langchain_agent.py            # a scripted model, no LLM needed
MODEL=openai:gpt-4o-mini python sdk/python/examples/langchain_agent.py   # a real one
"""

from __future__ import annotations

import os

from execlave import Execlave
from execlave.integrations.langchain import govern_tools
from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import tool

execlave = Execlave()


@tool
def lookup_order(order_id: int) -> str:
    """Look an order up by its id."""
    return f"order {order_id}: shipped"


@tool
def refund_order(order_id: int, amount: float) -> str:
    """Refund (part of) an order."""
    return f"refunded {amount} on order {order_id}"


class ScriptedModel(FakeMessagesListChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


def model():
    if os.environ.get("MODEL"):
        return os.environ["MODEL"]
    calls = [
        {"name": "lookup_order", "args": {"order_id": 42}, "id": "1", "type": "tool_call"},
        {
            "name": "refund_order",
            "args": {"order_id": 42, "amount": 19.99},
            "id": "2",
            "type": "tool_call",
        },
    ]
    return ScriptedModel(
        responses=[AIMessage(content="", tool_calls=calls), AIMessage(content="Done.")]
    )


tools = govern_tools(
    [lookup_order, refund_order],
    execlave,
    names={"lookup_order": "orders.lookup", "refund_order": "payments.refund"},
)
agent = create_agent(model(), tools)
result = agent.invoke({"messages": [{"role": "user", "content": "Refund order 42"}]})
for message in result["messages"]:
    print(f"{message.type:>5}: {message.content}")
execlave.flush()
