// Completes the README's OpenAI Agents block: `model`, a Model that calls the tool once.
import { Usage } from "@openai/agents-core";

const turns = [
  [{ type: "function_call", callId: "c1", name: "lookup_order", arguments: '{"orderId":7}', status: "completed" }],
  [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Order 7 has shipped." }] }],
];
const model = {
  async getResponse() {
    return { usage: new Usage(), output: turns.shift() ?? [], responseId: "r" };
  },
  async *getStreamedResponse() {
    throw new Error("not used");
  },
};
