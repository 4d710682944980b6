/**
 * The OpenAI Agents SDK for JavaScript (`@openai/agents`): govern function tools.
 *
 *     import { governTools } from "@execlave/sdk/openai-agents";
 *     const agent = new Agent({ name: "support", tools: governTools([lookupOrder], ex, { prefix: "orders" }) });
 *
 * The tool's `invoke` (what the Runner calls with the model's JSON arguments) is checked first
 * and traced after; the schema, approvals and error handling of the tool stay the SDK's.
 * Hosted and computer tools (no `invoke`) are left as they are.
 */
import type { Execlave } from "../client.js";
import { type AdapterOptions, governed, toolNameFor } from "./_wrap.js";

export interface AgentsToolLike {
  type: string;
  name: string;
  invoke?: (runContext: any, input: string, details?: any) => Promise<unknown>;
  [key: string]: unknown;
}

function parse(input: string): unknown {
  try {
    return input ? JSON.parse(input) : {};
  } catch {
    return { raw: input };
  }
}

export function governTool<T extends AgentsToolLike>(tool: T, ex: Execlave, opts: AdapterOptions = {}): T {
  const invoke = tool.invoke;
  if (tool.type !== "function" || typeof invoke !== "function") return tool;
  const name = toolNameFor(tool.name, opts);
  return {
    ...tool,
    invoke: (runContext: unknown, input: string, details?: unknown) =>
      governed(ex, name, parse(input), () => invoke.call(tool, runContext, input, details), opts),
  };
}

export function governTools<T extends AgentsToolLike>(tools: T[], ex: Execlave, opts: AdapterOptions = {}): T[] {
  return tools.map((tool) => governTool(tool, ex, opts));
}
