// Completes the README's AI SDK block: `model`, a mock language model that calls the tool once.
import { MockLanguageModelV3 } from "ai/test";

const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
const steps = [
  { content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: '{"orderId":7}' }], finishReason: { unified: "tool-calls", raw: "tool_calls" } },
  { content: [{ type: "text", text: "Order 7 has shipped." }], finishReason: { unified: "stop", raw: "stop" } },
];
const model = new MockLanguageModelV3({ doGenerate: async () => ({ ...steps.shift(), usage, warnings: [] }) });
