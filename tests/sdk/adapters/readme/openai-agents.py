"""Completes the README's OpenAI Agents block: ``model``, a Model that calls the tool once."""

from agents import ModelResponse, Usage, set_tracing_disabled
from agents.models.interface import Model
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

set_tracing_disabled(True)


class ScriptedModel(Model):
    def __init__(self):
        self.turns = [
            [
                ResponseFunctionToolCall(
                    type="function_call",
                    id="fc_1",
                    call_id="c1",
                    name="refund_order",
                    arguments='{"order_id": 42, "amount": 19.99}',
                    status="completed",
                )
            ],
            [
                ResponseOutputMessage(
                    id="msg_1",
                    type="message",
                    role="assistant",
                    status="completed",
                    content=[
                        ResponseOutputText(
                            type="output_text", text="Refunded order 42.", annotations=[]
                        )
                    ],
                )
            ],
        ]

    async def get_response(self, *args, **kwargs):
        return ModelResponse(output=self.turns.pop(0), usage=Usage(), response_id=None)

    def stream_response(self, *args, **kwargs):
        raise NotImplementedError


model = ScriptedModel()
