"""Completes the README's LangChain blocks: ``model``, a chat model that calls the tool once."""

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage


class ScriptedModel(FakeMessagesListChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


model = ScriptedModel(
    responses=[
        AIMessage(
            content="",
            tool_calls=[
                {
                    "name": "refund_order",
                    "args": {"order_id": 42, "amount": 19.99},
                    "id": "call_1",
                    "type": "tool_call",
                }
            ],
        ),
        AIMessage(content="Refunded order 42."),
    ]
)
