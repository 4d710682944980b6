"""Completes the README's CrewAI block: ``llm``, an LLM that calls the tool once (ReAct format)."""

from crewai.llms.base_llm import BaseLLM


class ScriptedLLM(BaseLLM):
    replies: list[str] = []

    def call(self, messages, tools=None, callbacks=None, available_functions=None, **kwargs):
        return self.replies.pop(0)


llm = ScriptedLLM(
    model="scripted",
    replies=[
        "Thought: I should use a tool.\nAction: refund_order\n"
        'Action Input: {"order_id": 42, "amount": 19.99}',
        "Thought: I now know the final answer\nFinal Answer: Refunded order 42.",
    ],
)
