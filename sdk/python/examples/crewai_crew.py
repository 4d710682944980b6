"""A CrewAI crew whose tools are governed by Execlave.

pip install "./sdk/python[crewai]"
export EXECLAVE_API_KEY=... EXECLAVE_BASE_URL=... EXECLAVE_AGENT=support-bot
python sdk/python/examples/crewai_crew.py     # a scripted LLM; set MODEL=gpt-4o-mini for a real one
"""

from __future__ import annotations

import os

from crewai import Agent, Crew, Task
from crewai.llms.base_llm import BaseLLM
from crewai.tools import tool
from execlave import Execlave
from execlave.integrations.crewai import govern_tools

execlave = Execlave()


@tool("lookup_order")
def lookup_order(order_id: int) -> str:
    """Look an order up by its id."""
    return f"order {order_id}: shipped"


class ScriptedLLM(BaseLLM):
    replies: list[str] = [
        'Thought: I need the order.\nAction: lookup_order\nAction Input: {"order_id": 42}',
        "Thought: I now know the final answer\nFinal Answer: Order 42 has shipped.",
    ]

    def call(self, messages, *args, **kwargs):
        return self.replies.pop(0)


llm = os.environ.get("MODEL") or ScriptedLLM(model="scripted")
support = Agent(
    role="Support",
    goal="Answer order questions",
    backstory="Helpful and careful.",
    llm=llm,
    tools=govern_tools([lookup_order], execlave, prefix="orders"),
)
task = Task(description="Where is order 42?", expected_output="The order's status.", agent=support)
print(Crew(agents=[support], tasks=[task]).kickoff())
execlave.flush()
