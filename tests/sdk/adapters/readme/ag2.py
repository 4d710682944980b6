"""Completes the README's AG2 block: ``config``, AG2's test model that calls the tool once."""

import json

from ag2.events import ToolCallEvent
from ag2.testing import TestConfig

config = TestConfig(
    ToolCallEvent("refund_order", arguments=json.dumps({"order_id": 42, "amount": 19.99})),
    "Refunded order 42.",
)
