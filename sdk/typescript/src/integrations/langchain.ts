/**
 * LangChain.js: govern `StructuredTool`s (`tool(...)` functions, `DynamicStructuredTool`, your
 * subclasses). Every invocation — by `createAgent`, a `ToolNode` or `tool.invoke(...)` — is
 * checked first and traced after.
 *
 *     import { governTools } from "@execlave/sdk/langchain";
 *     const agent = createAgent({ model, tools: governTools([searchOrders, refundOrder], ex, { prefix: "shop" }) });
 *
 * No LangChain import here: the governed tool is a copy of yours whose `_call` goes through
 * Execlave, so any `@langchain/core` 0.3 / 1.x tool works.
 */
import type { Execlave } from "../client.js";
import { type AdapterOptions, governed, toolNameFor } from "./_wrap.js";

/** The part of a LangChain tool the adapter relies on. */
export interface LangChainToolLike {
  name: string;
  _call(arg: unknown, runManager?: unknown, parentConfig?: unknown): Promise<unknown>;
}

function outputOf(result: unknown): unknown {
  // A tool may return a ToolMessage or [content, artifact]: the content is what the model reads.
  if (result && typeof result === "object" && "content" in result && "tool_call_id" in result) {
    return (result as { content: unknown }).content;
  }
  return result;
}

export function governTool<T extends LangChainToolLike>(tool: T, ex: Execlave, opts: AdapterOptions = {}): T {
  if (!tool || typeof tool._call !== "function" || typeof tool.name !== "string") {
    throw new TypeError("governTool expects a LangChain StructuredTool (from tool() or a subclass)");
  }
  const name = toolNameFor(tool.name, opts);
  const original = tool._call;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(tool)), tool) as T;
  copy._call = function (this: T, arg: unknown, runManager?: unknown, parentConfig?: unknown) {
    return governed(ex, name, arg, () => original.call(this, arg, runManager, parentConfig), opts, outputOf);
  };
  return copy;
}

export function governTools<T extends LangChainToolLike>(tools: T[], ex: Execlave, opts: AdapterOptions = {}): T[] {
  return tools.map((tool) => governTool(tool, ex, opts));
}
