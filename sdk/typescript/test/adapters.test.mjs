// The framework adapters, each driven by the framework's own tool loop with a scripted model
// that emits tool calls (no network, no LLM): LangChain.js createAgent, the Vercel AI SDK's
// generateText, and the OpenAI Agents SDK's Runner. Each runs an allowed tool (it runs, its
// trace reaches the live server) and a blocked one (it does not run; the model reads why).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { AIMessage } from "@langchain/core/messages";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { tool as lcTool } from "@langchain/core/tools";
import { Agent, Runner, Usage, tool as agentsTool } from "@openai/agents-core";
import { generateText, stepCountIs, tool as aiTool } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { createAgent } from "langchain";
import { z } from "zod";

import { ActionBlocked, Execlave } from "../dist/esm/index.js";
import { governTools as governAi } from "../dist/esm/integrations/ai.js";
import { governTools as governLangChain } from "../dist/esm/integrations/langchain.js";
import { governTools as governAgents } from "../dist/esm/integrations/openai-agents.js";
import { captureLogger, closeLiveServer, liveServer } from "./live.mjs";

let server;
let ex;

before(async () => {
  server = await liveServer();
  ex = new Execlave({
    apiKey: server.keys.sdk_key,
    baseUrl: server.baseUrl,
    agent: "billing-bot",
    spoolPath: mkdtempSync(join(tmpdir(), "execlave-spool-")),
    flushInterval: 50,
    env: {},
    handleExit: false,
    logger: captureLogger(),
  });
});

after(async () => {
  await ex.shutdown(2000);
  await closeLiveServer();
});

async function latest(tool, since) {
  const query = new URLSearchParams({ tool, since: since.toISOString(), limit: "10" });
  const { status, body } = await server.api("GET", `/api/v1/traces?${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.traces.map((t) => ({ ...t, completion: t.events.find((e) => e.kind === "completion") }));
}

const MAPPING = { lookup_order: "orders.lookup", drop_table: "database.blocked", lookupOrder: "orders.lookup", dropTable: "database.blocked" };

// --- LangChain.js ------------------------------------------------------------------------
/** A chat model that answers from a script: tool calls first, then a final text. */
class ScriptedChatModel extends BaseChatModel {
  constructor(turns) {
    super({});
    this.turns = turns;
    this.seen = [];
  }
  _llmType() {
    return "scripted";
  }
  bindTools() {
    return this;
  }
  async _generate(messages) {
    this.seen.push(messages);
    const message = this.turns.shift() ?? new AIMessage("done");
    return { generations: [{ message, text: String(message.content) }] };
  }
}

test("LangChain.js: createAgent's tool loop runs the allowed tool governed and tells the model about the blocked one", async () => {
  const since = new Date();
  const ran = [];
  const lookup = lcTool(async ({ order_id }) => {
    ran.push(["lookup", order_id]);
    return `order ${order_id}: shipped`;
  }, { name: "lookup_order", description: "Look up an order", schema: z.object({ order_id: z.number() }) });
  const drop = lcTool(async ({ table }) => {
    ran.push(["drop", table]);
    return "dropped";
  }, { name: "drop_table", description: "Drop a table", schema: z.object({ table: z.string() }) });
  const model = new ScriptedChatModel([
    new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "lookup_order", args: { order_id: 7 } }] }),
    new AIMessage({ content: "", tool_calls: [{ id: "call_2", name: "drop_table", args: { table: "users" } }] }),
    new AIMessage("All done."),
  ]);
  const agent = createAgent({ model, tools: governLangChain([lookup, drop], ex, { mapping: MAPPING }) });
  const result = await agent.invoke({ messages: [{ role: "user", content: "check order 7 then drop users" }] });
  assert.deepEqual(ran, [["lookup", 7]]);
  const toolMessages = result.messages.filter((m) => m.getType() === "tool").map((m) => String(m.content));
  assert.equal(toolMessages[0], "order 7: shipped");
  assert.match(toolMessages[1], /^Execlave refused this tool call: database\.blocked blocked by policy/);
  assert.equal(String(result.messages.at(-1).content), "All done.");
  await ex.flush(10_000);
  const [allowed] = await latest("orders.lookup", since);
  assert.equal(allowed.completion.status, "ok");
  assert.deepEqual(allowed.completion.input, { order_id: 7 });
  assert.equal(allowed.completion.output, "order 7: shipped");
  const [blocked] = await latest("database.blocked", since);
  assert.equal(blocked.completion.status, "blocked");
});

test("LangChain.js: onRefusal 'throw' raises ActionBlocked out of tool.invoke", async () => {
  const drop = lcTool(async () => "dropped", { name: "drop_table", description: "Drop", schema: z.object({ table: z.string() }) });
  const [governed] = governLangChain([drop], ex, { mapping: MAPPING, onRefusal: "throw" });
  await assert.rejects(governed.invoke({ table: "users" }), ActionBlocked);
  assert.equal(governed.name, "drop_table"); // the model still sees the tool's own name and schema
  assert.equal(await drop.invoke({ table: "x" }), "dropped"); // the original is not changed
});

// --- Vercel AI SDK -------------------------------------------------------------------------
test("AI SDK: generateText's tool loop runs the allowed tool governed and returns the refusal for the blocked one", async () => {
  const since = new Date();
  const ran = [];
  const tools = governAi(
    {
      lookupOrder: aiTool({
        description: "Look up an order",
        inputSchema: z.object({ orderId: z.number() }),
        execute: async ({ orderId }) => {
          ran.push(["lookup", orderId]);
          return { orderId, status: "shipped" };
        },
      }),
      dropTable: aiTool({
        description: "Drop a table",
        inputSchema: z.object({ table: z.string() }),
        execute: async ({ table }) => {
          ran.push(["drop", table]);
          return "dropped";
        },
      }),
    },
    ex,
    { mapping: MAPPING },
  );
  const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
  const steps = [
    { content: [
      { type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: JSON.stringify({ orderId: 7 }) },
      { type: "tool-call", toolCallId: "c2", toolName: "dropTable", input: JSON.stringify({ table: "users" }) },
    ], finishReason: { unified: "tool-calls", raw: "tool_calls" } },
    { content: [{ type: "text", text: "All done." }], finishReason: { unified: "stop", raw: "stop" } },
  ];
  const model = new MockLanguageModelV3({ doGenerate: async () => ({ ...steps.shift(), usage, warnings: [] }) });
  const result = await generateText({ model, tools, prompt: "check order 7 then drop users", stopWhen: stepCountIs(3) });
  assert.equal(result.text, "All done.");
  assert.deepEqual(ran, [["lookup", 7]]);
  const results = result.steps[0].toolResults;
  assert.deepEqual(results.find((r) => r.toolName === "lookupOrder").output, { orderId: 7, status: "shipped" });
  assert.match(results.find((r) => r.toolName === "dropTable").output, /^Execlave refused this tool call/);
  await ex.flush(10_000);
  const [allowed] = await latest("orders.lookup", since);
  assert.deepEqual(allowed.completion.output, { orderId: 7, status: "shipped" });
  assert.equal((await latest("database.blocked", since))[0].completion.status, "blocked");
});

// --- OpenAI Agents SDK ----------------------------------------------------------------------
/** A Model for the Runner that answers from a script of output items. */
class ScriptedModel {
  constructor(turns) {
    this.turns = turns;
    this.requests = [];
  }
  async getResponse(request) {
    this.requests.push(request);
    return { usage: new Usage(), output: this.turns.shift() ?? [], responseId: `r${this.requests.length}` };
  }
  async *getStreamedResponse() {
    throw new Error("not used");
  }
}

const message = (text) => ({ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text }] });
const call = (id, name, args) => ({ type: "function_call", callId: id, name, arguments: JSON.stringify(args), status: "completed" });

test("OpenAI Agents SDK: the Runner's tool loop runs the allowed tool governed and gives the model the refusal", async () => {
  const since = new Date();
  const ran = [];
  const lookup = agentsTool({
    name: "lookup_order",
    description: "Look up an order",
    parameters: z.object({ order_id: z.number() }),
    execute: async ({ order_id }) => {
      ran.push(["lookup", order_id]);
      return `order ${order_id}: shipped`;
    },
  });
  const drop = agentsTool({
    name: "drop_table",
    description: "Drop a table",
    parameters: z.object({ table: z.string() }),
    execute: async ({ table }) => {
      ran.push(["drop", table]);
      return "dropped";
    },
  });
  const model = new ScriptedModel([
    [call("c1", "lookup_order", { order_id: 7 })],
    [call("c2", "drop_table", { table: "users" })],
    [message("All done.")],
  ]);
  const agent = new Agent({ name: "support", instructions: "help", model, tools: governAgents([lookup, drop], ex, { mapping: MAPPING }) });
  const result = await new Runner({ tracingDisabled: true }).run(agent, "check order 7 then drop users");
  assert.equal(result.finalOutput, "All done.");
  assert.deepEqual(ran, [["lookup", 7]]);
  const outputs = result.newItems.filter((i) => i.type === "tool_call_output_item").map((i) => String(i.output));
  assert.equal(outputs[0], "order 7: shipped");
  assert.match(outputs[1], /^Execlave refused this tool call: database\.blocked blocked by policy/);
  await ex.flush(10_000);
  const [allowed] = await latest("orders.lookup", since);
  assert.deepEqual(allowed.completion.input, { order_id: 7 });
  assert.equal(allowed.completion.output, "order 7: shipped");
  assert.equal((await latest("database.blocked", since))[0].completion.status, "blocked");
});
