/** What the framework adapters share (no framework is imported: they work on the tools' shapes). */
import type { Execlave } from "../client.js";
import { validateToolName } from "../config.js";
import { GovernanceRefusal } from "../errors.js";

export type OnRefusal = "message" | "throw";

export interface AdapterOptions {
  /** Execlave tool name = `${prefix}.${frameworkName}` unless `mapping` names it. */
  prefix?: string;
  mapping?: Record<string, string> | ((name: string) => string);
  /**
   * "message" (default): a refused call returns a message the model reads, and it carries on;
   * "throw": the refusal (ActionBlocked, ApprovalDenied, ...) is thrown into the framework.
   */
  onRefusal?: OnRefusal;
}

/** What an LLM is told when governance refuses its tool call. */
export function refusalMessage(error: GovernanceRefusal): string {
  return `Execlave refused this tool call: ${error.message} (trace ${error.traceId})`;
}

export function toolNameFor(name: string, opts: AdapterOptions): string {
  const { mapping, prefix } = opts;
  let chosen: string;
  if (typeof mapping === "function") chosen = mapping(name);
  else if (mapping && name in mapping) chosen = mapping[name];
  else {
    const safe = name.replace(/[^A-Za-z0-9_\-.]+/g, "_").replace(/^[._]+|[._]+$/g, "") || "tool";
    chosen = prefix ? `${prefix}.${safe}` : safe;
  }
  return validateToolName(chosen);
}

/** Run `run` as the governed tool `tool` with `input`; refusals become a message or are thrown. */
export async function governed<R>(
  ex: Execlave,
  tool: string,
  input: unknown,
  run: () => Promise<R>,
  opts: AdapterOptions,
  output: (result: R) => unknown = (r) => r,
): Promise<R | string> {
  try {
    return await ex.action(tool, { input }, async (action) => {
      const result = await run();
      await action.record({ output: output(result) });
      return result;
    });
  } catch (error) {
    if (error instanceof GovernanceRefusal && (opts.onRefusal ?? "message") === "message") {
      return refusalMessage(error);
    }
    throw error;
  }
}
