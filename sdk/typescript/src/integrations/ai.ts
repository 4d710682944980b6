/**
 * The Vercel AI SDK: govern the tools you pass to `generateText` / `streamText` / agents.
 *
 *     import { governTools } from "@execlave/sdk/ai";
 *     const result = await generateText({ model, tools: governTools({ lookupOrder }, ex, { prefix: "orders" }), ... });
 *
 * Each tool made with `tool({ description, inputSchema, execute })` keeps its schema; its
 * `execute` is checked first and traced after. Tools without `execute` (client-side) are left as
 * they are. No `ai` import here: any AI SDK 4–6 tool object works.
 */
import type { Execlave } from "../client.js";
import { type AdapterOptions, governed, toolNameFor } from "./_wrap.js";

export interface AiToolLike {
  execute?: (input: any, options: any) => unknown;
  [key: string]: unknown;
}

export function governTool<T extends AiToolLike>(name: string, tool: T, ex: Execlave, opts: AdapterOptions = {}): T {
  const execute = tool.execute;
  if (typeof execute !== "function") return tool;
  const governedName = toolNameFor(name, opts);
  return {
    ...tool,
    execute: (input: unknown, options: unknown) =>
      governed(ex, governedName, input, async () => execute.call(tool, input, options), opts),
  };
}

export function governTools<T extends Record<string, AiToolLike>>(tools: T, ex: Execlave, opts: AdapterOptions = {}): T {
  const out: Record<string, AiToolLike> = {};
  for (const [name, tool] of Object.entries(tools)) out[name] = governTool(name, tool, ex, opts);
  return out as T;
}
