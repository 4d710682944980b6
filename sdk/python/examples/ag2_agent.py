"""An AG2 agent whose tool calls are governed by Execlave (middleware on on_tool_execution).

pip install "./sdk/python[ag2]"
export EXECLAVE_API_KEY=... EXECLAVE_BASE_URL=... EXECLAVE_AGENT=support-bot
python sdk/python/examples/ag2_agent.py       # a scripted model (ag2.testing.TestConfig)
"""

from __future__ import annotations

import asyncio
import json

from ag2 import Agent
from ag2.events import ToolCallEvent
from ag2.testing import TestConfig
from execlave import Execlave
from execlave.integrations.ag2 import execlave_middleware

execlave = Execlave()


def lookup_order(order_id: int) -> str:
    """Look an order up by its id."""
    return f"order {order_id}: shipped"


config = TestConfig(
    ToolCallEvent("lookup_order", arguments=json.dumps({"order_id": 42})), "Order 42 has shipped."
)
support = Agent(
    "support",
    config=config,
    tools=[lookup_order],
    middleware=[execlave_middleware(execlave, names={"lookup_order": "orders.lookup"})],
)


async def main() -> None:
    reply = await support.ask("Where is order 42?")
    print(await reply.content())


asyncio.run(main())
execlave.flush()
