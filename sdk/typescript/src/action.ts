/** One governed execution of a tool: a check, the work, a trace. */
import { randomUUID } from "node:crypto";
import { AsyncLocalStorage } from "node:async_hooks";

import type { Settings } from "./config.js";
import { validateToolName } from "./config.js";
import { toJsonable } from "./encoding.js";
import {
  ActionBlocked,
  ApprovalDenied,
  ApprovalExpired,
  ConfigurationError,
  ExeclaveUnavailable,
  OutputBlocked,
  type Violation,
} from "./errors.js";
import { VERSION } from "./version.js";

export type DecisionKind = "allow" | "warn" | "block" | "require_approval";

/** The server's answer to a check (or the client's stand-in when it is unreachable). */
export interface Decision {
  decision: DecisionKind;
  traceId: string;
  violations: Violation[];
  approval: Record<string, unknown> | null;
  outputCheck: boolean;
  /** True when the server was unreachable and fail-open let the call through unchecked. */
  ungoverned: boolean;
  reason: string | null;
  allowed: boolean;
}

export interface RecordOptions {
  output?: unknown;
  cost?: number | string;
  tokens?: { prompt?: number; completion?: number; [key: string]: number | undefined };
  metadata?: Record<string, unknown>;
}

/** What an Action needs from its client (kept narrow so the two modules stay apart). */
export interface ActionHost {
  readonly settings: Settings;
  check(body: CheckRequest): Promise<Decision>;
  waitForApproval(tool: string, decision: Decision): Promise<void>;
  warn(message: string): void;
  submit(trace: Record<string, unknown>): void;
}

export interface CheckRequest {
  tool: string;
  input: unknown;
  context: Record<string, unknown>;
  traceId: string;
  phase: "input" | "output";
  output?: unknown;
}

export const actionStorage = new AsyncLocalStorage<Action>();
export const contextStorage = new AsyncLocalStorage<Record<string, unknown>>();

/** The governed action the calling code runs inside, if any (e.g. to `record({ cost })`). */
export function currentAction(): Action | undefined {
  return actionStorage.getStore();
}

export class Action {
  readonly tool: string;
  readonly traceId: string;
  readonly input: unknown;
  readonly context: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  decision: Decision | null = null;
  output: unknown = null;
  cost: number | string | null = null;
  tokens: Record<string, number> | null = null;
  /** True once `record({ output })` ran (else the callback's result is recorded). */
  recorded = false;
  private readonly sdkMeta: Record<string, unknown> = {};
  private readonly requestedAt = new Date();
  private startedAt: Date | null = null;
  private t0 = 0;
  private finished = false;

  constructor(
    private readonly host: ActionHost,
    tool: string,
    opts: { input?: unknown; context?: Record<string, unknown>; metadata?: Record<string, unknown>; traceId?: string } = {},
  ) {
    this.tool = validateToolName(tool);
    this.traceId = opts.traceId ?? randomUUID();
    this.input = opts.input === undefined ? {} : toJsonable(opts.input);
    this.context = { ...(contextStorage.getStore() ?? {}), ...(opts.context ?? {}) };
    this.metadata = { ...(opts.metadata ?? {}) };
  }

  get violations(): Violation[] {
    return this.decision?.violations ?? [];
  }

  get ungoverned(): boolean {
    return Boolean(this.decision?.ungoverned);
  }

  /** Run the check (and wait for an approval); throws when the policy says no. */
  async begin(): Promise<this> {
    const t = performance.now();
    const decision = await this.onUnavailable(() => this.check("input"));
    this.decision = decision;
    if (decision.ungoverned) Object.assign(this.sdkMeta, { ungoverned: true, reason: decision.reason });
    if (decision.decision === "block") {
      this.finish("blocked");
      throw new ActionBlocked(this.tool, decision.violations, this.traceId);
    }
    if (decision.decision === "warn") {
      this.host.warn(`execlave: ${this.tool} allowed with warnings: ${reasons(decision)}`);
    }
    if (decision.decision === "require_approval") {
      const approvalId = decision.approval?.id ?? null;
      try {
        await this.host.waitForApproval(this.tool, decision);
      } catch (error) {
        const status =
          error instanceof ApprovalDenied ? "denied" : error instanceof ApprovalExpired ? "expired" : "unknown";
        this.sdkMeta.approval = { id: approvalId, status };
        this.finish("denied");
        throw error;
      }
      this.sdkMeta.approval = { id: approvalId, status: "approved" };
    }
    this.sdkMeta.check_ms = Math.round((performance.now() - t) * 1000) / 1000;
    this.startedAt = new Date();
    this.t0 = performance.now();
    return this;
  }

  /**
   * Attach the result (checked against output policies), cost, tokens, metadata.
   * Resolves to the output, or rejects with `OutputBlocked` when an output policy blocks it.
   * A bad cost or tokens value throws `ConfigurationError` at once (not as a rejection), so
   * `currentAction()?.record({ cost })` needs no `await`.
   */
  record(opts: RecordOptions = {}): Promise<unknown> {
    if (opts.cost !== undefined && opts.cost !== null) {
      const ok =
        (typeof opts.cost === "number" && Number.isFinite(opts.cost)) ||
        (typeof opts.cost === "string" && opts.cost.trim() !== "" && Number.isFinite(Number(opts.cost)));
      if (!ok) throw new ConfigurationError(`cost must be a number, got ${JSON.stringify(opts.cost)}`);
      this.cost = opts.cost;
    }
    if (opts.tokens !== undefined) {
      const tokens: Record<string, number> = {};
      for (const [k, v] of Object.entries(opts.tokens ?? {})) {
        if (typeof v !== "number" || !Number.isInteger(v)) {
          throw new ConfigurationError(`tokens must look like { prompt: 10, completion: 5 }, got ${JSON.stringify(opts.tokens)}`);
        }
        tokens[k] = v;
      }
      this.tokens = tokens;
    }
    if (opts.metadata) Object.assign(this.metadata, opts.metadata);
    if (!("output" in opts)) return Promise.resolve(undefined);
    this.recorded = true;
    return this.checkOutput(opts.output);
  }

  private async checkOutput(output: unknown): Promise<unknown> {
    const value = toJsonable(output);
    if (this.decision?.outputCheck) {
      const decision = await this.onUnavailable(() => this.check("output", value), true);
      if (decision.ungoverned) {
        Object.assign(this.sdkMeta, { output_ungoverned: true, reason: decision.reason });
      } else if (decision.decision === "block") {
        this.sdkMeta.output_blocked = true;
        this.output = null;
        this.finish("blocked");
        throw new OutputBlocked(this.tool, decision.violations, this.traceId);
      } else if (decision.decision === "warn") {
        this.host.warn(`execlave: output of ${this.tool} allowed with warnings: ${reasons(decision)}`);
      } else if (decision.decision === "require_approval") {
        try {
          await this.host.waitForApproval(this.tool, decision);
        } catch (error) {
          this.sdkMeta.output_withheld = true;
          this.output = null;
          this.finish("denied");
          throw error;
        }
      }
    }
    this.output = value;
    return output;
  }

  /** Queue the trace: `ok`, or `error` when the work threw `error`. Safe to call twice. */
  end(error?: unknown): void {
    if (this.finished) return;
    if (error !== undefined) {
      const err = error as { name?: string; message?: string };
      this.sdkMeta.error = {
        type: err?.name ?? typeof error,
        message: String(err?.message ?? error).slice(0, 2000),
      };
      this.finish("error");
    } else {
      this.finish("ok");
    }
  }

  // -- internals ---------------------------------------------------------------------------
  private check(phase: "input" | "output", output?: unknown): Promise<Decision> {
    return this.host.check({ tool: this.tool, input: this.input, context: this.context, traceId: this.traceId, phase, output });
  }

  /** Fail-closed: still leave a trace saying the action was refused for want of a decision. */
  private async onUnavailable<T>(fn: () => Promise<T>, output = false): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ExeclaveUnavailable) {
        Object.assign(this.sdkMeta, { unavailable: true, fail_mode: "closed" });
        if (output) {
          this.sdkMeta.output_withheld = true;
          this.output = null;
        }
        this.finish("blocked");
      }
      throw error;
    }
  }

  private finish(status: "ok" | "error" | "blocked" | "denied"): void {
    if (this.finished) return;
    this.finished = true;
    const started = this.startedAt ?? this.requestedAt;
    const duration = this.startedAt ? performance.now() - this.t0 : 0;
    const metadata = toJsonable(this.metadata) as Record<string, unknown>;
    metadata.execlave = { ...this.sdkMeta, sdk: `node/${VERSION}` };
    const trace: Record<string, unknown> = {
      trace_id: this.traceId,
      agent: this.host.settings.agent,
      tool: this.tool,
      input: this.input,
      output: this.output,
      status,
      started_at: started.toISOString(),
      duration_ms: Math.round(duration * 1000) / 1000,
      metadata,
    };
    if (Object.keys(this.context).length) trace.context = toJsonable(this.context);
    if (this.tokens) trace.tokens = this.tokens;
    if (this.cost !== null) trace.cost = this.cost;
    this.host.submit(trace);
  }
}

function reasons(decision: Decision): string {
  return decision.violations.map((v) => String(v.reason ?? v.name)).join("; ");
}
