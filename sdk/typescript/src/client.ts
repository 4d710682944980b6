/** The Execlave client: check before a tool runs, trace after it ran. */
import { createHash, randomUUID } from "node:crypto";

import { Action, actionStorage, contextStorage, type ActionHost, type CheckRequest, type Decision, type DecisionKind } from "./action.js";
import { reviewUrl, waitForApproval } from "./approvals.js";
import { CircuitBreaker } from "./breaker.js";
import { buildSettings, validateToolName, type ExeclaveOptions, type Logger, type Settings } from "./config.js";
import { Delivery, type DeliveryStats } from "./delivery.js";
import { toJsonable } from "./encoding.js";
import { ApiError, AuthenticationError, ConfigurationError, ExeclaveUnavailable } from "./errors.js";
import { OutageReporter } from "./outage.js";
import { FileSpool, MemorySpool, type SpoolStore } from "./spool.js";
import { Transport, TransportError, type TransportResponse } from "./transport.js";

const DECISIONS = new Set<DecisionKind>(["allow", "warn", "block", "require_approval"]);

export interface WrapOptions<A extends unknown[]> {
  /** The check's input for a call (default: a single object argument, else `{ args: [...] }`). */
  input?: (...args: A) => unknown;
  /** Names for positional arguments: `["to", "subject"]` makes the input `{ to, subject }`. */
  params?: string[];
  /** Estimated cost for budget policies: a number or a function of the arguments. */
  estimatedCost?: number | ((...args: A) => number);
  context?: Record<string, unknown>;
}

export interface ActionOptions {
  input?: unknown;
  context?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  traceId?: string;
}

export interface VerifyResult {
  organisation: string;
  agent: string | null;
  scopes: string[];
}

const consoleLogger: Logger = {
  debug: () => {},
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

const liveClients = new Set<Execlave>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // The loop ran dry: deliver what is queued (async work is still possible here).
  process.on("beforeExit", () => {
    for (const client of liveClients) client.flushAtExit();
  });
  // process.exit() or the end: no more I/O, so what is left goes to the spool for the next run.
  process.on("exit", () => {
    for (const client of liveClients) client.spoolAtExit();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const handler = () => {
      for (const client of liveClients) client.spoolAtExit();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal); // nobody else handles it: die as the signal meant
      }
    };
    process.on(signal, handler);
  }
}

/**
 * A client for one agent.
 *
 * `new Execlave({ apiKey, baseUrl, agent, failMode })`; every option left out is read from
 * `EXECLAVE_*` (`EXECLAVE_API_KEY`, `EXECLAVE_BASE_URL`, `EXECLAVE_AGENT`, ...). Invalid
 * settings throw `ConfigurationError` here, not at the first call.
 */
export class Execlave {
  readonly settings: Settings;
  /** Resolves once the start-up check passed (`verify: true`); resolves at once otherwise. */
  readonly ready: Promise<VerifyResult | null>;
  private readonly logger: Logger;
  private readonly transport: Transport;
  private readonly breaker: CircuitBreaker;
  private readonly delivery: Delivery;
  private readonly outage: OutageReporter;
  private readonly host: ActionHost;
  private verifyError: unknown = null;
  private exitFlushStarted = false;
  private closed = false;

  constructor(options: ExeclaveOptions = {}) {
    this.settings = buildSettings(options);
    const s = this.settings;
    this.logger = options.logger ?? consoleLogger;
    this.transport = new Transport(s.baseUrl, s.apiKey, s.timeout, options.fetch);
    this.breaker = new CircuitBreaker(s.breakerThreshold, s.breakerCooldown);
    this.outage = new OutageReporter(s.baseUrl, this.logger);
    const stream = createHash("sha256").update(`${s.baseUrl}\n${s.apiKey}`).digest("hex").slice(0, 32);
    this.delivery = new Delivery(s, this.transport, this.openSpool(stream), this.logger);
    this.host = {
      settings: s,
      check: (req) => this.runCheck(req),
      waitForApproval: (tool, decision) =>
        waitForApproval(
          {
            settings: s,
            transport: this.transport,
            logger: this.logger,
            onApprovalPending: options.onApprovalPending,
            raiseForClientError: (resp, what) => this.raiseForClientError(resp, what),
          },
          tool,
          decision,
        ),
      warn: (message) => this.logger.warn(message),
      submit: (trace) => this.delivery.submit(trace),
    };
    if (s.verify) {
      this.ready = this.verify().catch((error) => {
        this.verifyError = error;
        this.logger.error(`execlave: start-up check failed: ${(error as Error).message}`);
        return null;
      });
    } else {
      this.ready = Promise.resolve(null);
    }
    if (options.handleExit !== false) {
      installExitHooks();
      liveClients.add(this);
    }
  }

  /** Build a client and run the start-up check; rejects on a wrong URL or key. */
  static async connect(options: ExeclaveOptions = {}): Promise<Execlave> {
    const client = new Execlave({ ...options, verify: true });
    await client.ready;
    if (client.verifyError) {
      await client.shutdown(100);
      throw client.verifyError;
    }
    return client;
  }

  private openSpool(stream: string): SpoolStore {
    const s = this.settings;
    if (s.spoolPath === null) return new MemorySpool(Infinity, s.spoolFullPolicy, this.logger);
    try {
      return new FileSpool(s.spoolPath, stream, s.spoolMaxBytes, s.spoolFullPolicy, this.logger);
    } catch (error) {
      throw new ConfigurationError(
        `spoolPath ${JSON.stringify(s.spoolPath)} cannot be used (${(error as Error).message}); choose a writable ` +
          `directory with EXECLAVE_SPOOL_PATH or disable spooling with spoolPath: false`,
      );
    }
  }

  /**
   * Check the base URL and key now: the server must answer, accept the key, grant `check`
   * and `ingest`, and (for a key bound to an agent) be this agent's key.
   */
  async verify(): Promise<VerifyResult> {
    const s = this.settings;
    let resp: TransportResponse;
    try {
      resp = await this.transport.request("GET", "/api/v1/whoami");
    } catch (error) {
      throw new ExeclaveUnavailable(`Execlave at ${s.baseUrl} is unreachable: ${(error as Error).message}`, {
        tool: "-",
        traceId: "-",
        baseUrl: s.baseUrl,
        reason: (error as Error).message,
      });
    }
    if (resp.status === 404) {
      throw new ConfigurationError(`${s.baseUrl} answered 404 for /api/v1/whoami: is baseUrl the Execlave server's address?`);
    }
    this.raiseForClientError(resp, "the start-up check");
    const body = (resp.body ?? {}) as { organisation?: string; agent?: string | null; scopes?: string[] };
    if (typeof body.organisation !== "string" || !Array.isArray(body.scopes)) {
      throw new ConfigurationError(`${s.baseUrl} does not answer like an Execlave server (GET /api/v1/whoami)`);
    }
    const missing = ["check", "ingest"].filter((scope) => !body.scopes!.includes(scope));
    if (missing.length) {
      throw new AuthenticationError(`the API key lacks the scope(s) ${missing.join(", ")} an agent needs`, 403);
    }
    if (body.agent && body.agent !== s.agent) {
      throw new ConfigurationError(`the API key belongs to agent ${JSON.stringify(body.agent)}, not ${JSON.stringify(s.agent)}`);
    }
    return { organisation: body.organisation, agent: body.agent ?? null, scopes: body.scopes };
  }

  get spoolPath(): string | null {
    return this.delivery.spool.path;
  }

  /** Delivery counters and the circuit breaker's state, for health checks. */
  stats(): DeliveryStats & { spool_pending: number; spool_dropped: number; breaker: string; ungoverned_calls: number } {
    return {
      ...this.delivery.stats,
      spool_pending: this.delivery.spool.pending(),
      spool_dropped: this.delivery.spool.dropped,
      breaker: this.breaker.state,
      ungoverned_calls: this.outage.ungovernedCalls,
    };
  }

  /**
   * Govern every call of `fn` (sync or async) as the tool `tool`: a governed async function.
   * The call's input is its single object argument, `params`-named positional arguments,
   * or what `opts.input(...args)` returns.
   */
  wrap<A extends unknown[], R>(tool: string, fn: (...args: A) => R | Promise<R>, opts: WrapOptions<A> = {}): (...args: A) => Promise<R> {
    validateToolName(tool);
    if (typeof fn !== "function") throw new ConfigurationError(`wrap(${JSON.stringify(tool)}, fn): fn must be a function`);
    const governed = async (...args: A): Promise<R> => {
      const context: Record<string, unknown> = { ...(opts.context ?? {}) };
      if (opts.estimatedCost !== undefined) {
        context.estimated_cost = typeof opts.estimatedCost === "function" ? opts.estimatedCost(...args) : opts.estimatedCost;
      }
      const action = new Action(this.host, tool, { input: inputOf(args, opts), context });
      await this.begin(action);
      return actionStorage.run(action, async () => {
        let result: R;
        try {
          result = await fn(...args);
          if (!action.recorded) await action.record({ output: result });
        } catch (error) {
          action.end(error);
          throw error;
        }
        action.end();
        return result;
      });
    };
    Object.defineProperty(governed, "name", { value: fn.name || tool });
    return governed;
  }

  /**
   * A governed block of code: `await ex.action("email.send", { input }, async (action) => ...)`.
   * The callback's result is recorded as the output (checked by output policies) unless it
   * called `action.record({ output })` itself.
   */
  async action<R>(tool: string, opts: ActionOptions, fn: (action: Action) => R | Promise<R>): Promise<R> {
    const action = await this.start(tool, opts);
    return actionStorage.run(action, async () => {
      let result: R;
      try {
        result = await fn(action);
        if (!action.recorded && result !== undefined) await action.record({ output: result });
      } catch (error) {
        action.end(error);
        throw error;
      }
      action.end();
      return result;
    });
  }

  /**
   * The check for code that is not one function: resolves to a started Action (or throws the
   * refusal); call `action.record({ output })` and then `action.end()` / `action.end(error)`.
   */
  async start(tool: string, opts: ActionOptions = {}): Promise<Action> {
    const action = new Action(this.host, tool, opts);
    await this.begin(action);
    return action;
  }

  /** Run `fn` with check context (`session_id`, `user`, ...) added to every action inside it. */
  context<R>(values: Record<string, unknown>, fn: () => R): R {
    return contextStorage.run({ ...(contextStorage.getStore() ?? {}), ...values }, fn);
  }

  /** Ask for a decision without running anything (the fail mode applies). */
  async check(tool: string, input: unknown = {}, opts: { context?: Record<string, unknown>; traceId?: string } = {}): Promise<Decision> {
    validateToolName(tool);
    await this.awaitReady();
    return this.runCheck({
      tool,
      input: toJsonable(input),
      context: { ...(opts.context ?? {}) },
      traceId: opts.traceId ?? randomUUID(),
      phase: "input",
    });
  }

  /** Deliver every queued trace now; false if some had to stay in the spool. */
  flush(timeout?: number): Promise<boolean> {
    return this.delivery.flush(timeout);
  }

  /** Flush and stop; what cannot be delivered stays in the spool for the next process. */
  async shutdown(timeout?: number): Promise<boolean> {
    if (this.closed) return true;
    this.closed = true;
    liveClients.delete(this);
    this.outage.stop();
    return this.delivery.close(timeout);
  }

  /** @internal the exit hooks */
  flushAtExit(): void {
    if (this.exitFlushStarted || this.closed) return;
    this.exitFlushStarted = true;
    this.shutdown().catch((error) => this.logger.error(`execlave: flush at exit failed: ${String(error)}`));
  }

  /** @internal */
  spoolAtExit(): void {
    try {
      this.delivery.spoolSync();
    } catch (error) {
      this.logger.error(`execlave: could not spool traces at exit: ${String(error)}`);
    }
  }

  // -- checks ------------------------------------------------------------------------------
  private async begin(action: Action): Promise<void> {
    await this.awaitReady();
    await action.begin();
  }

  private async awaitReady(): Promise<void> {
    if (!this.settings.verify) return;
    await this.ready;
    if (this.verifyError) throw this.verifyError;
  }

  private async runCheck(req: CheckRequest): Promise<Decision> {
    if (!this.breaker.allow()) {
      return this.unavailable(req, "circuit breaker open: the server was unreachable moments ago");
    }
    const body: Record<string, unknown> = { trace_id: req.traceId, agent: this.settings.agent, tool: req.tool, input: req.input };
    if (Object.keys(req.context).length) body.context = toJsonable(req.context);
    if (req.phase !== "input") {
      body.phase = req.phase;
      body.output = req.output ?? null;
    }
    let resp: TransportResponse;
    try {
      resp = await this.transport.request("POST", "/api/v1/check", { payload: body });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      this.breaker.recordFailure();
      return this.unavailable(req, `server unreachable: ${error.message}`);
    }
    if (resp.status === 429 || resp.status >= 500 || resp.status === 408) {
      this.breaker.recordFailure(resp.status === 429 ? resp.retryAfter : null);
      return this.unavailable(req, `server answered ${resp.status}`);
    }
    this.breaker.recordSuccess();
    this.outage.recovered();
    this.raiseForClientError(resp, "check");
    const data = (resp.body && typeof resp.body === "object" ? resp.body : {}) as Record<string, unknown>;
    const decision = data.decision as DecisionKind;
    if (!DECISIONS.has(decision)) {
      return this.unavailable(req, `unexpected check answer: ${JSON.stringify(resp.body).slice(0, 200)}`);
    }
    return {
      decision,
      traceId: String(data.trace_id ?? req.traceId),
      violations: Array.isArray(data.violations) ? data.violations : [],
      approval: (data.approval as Record<string, unknown> | null) || null,
      outputCheck: Boolean(data.output_check),
      ungoverned: false,
      reason: null,
      allowed: decision === "allow" || decision === "warn",
    };
  }

  private unavailable(req: CheckRequest, reason: string): Decision {
    if (this.settings.failMode === "closed") {
      const what = req.phase === "input" ? `${req.tool} not run` : `output of ${req.tool} withheld`;
      throw new ExeclaveUnavailable(
        `${what}: Execlave at ${this.settings.baseUrl} is unavailable and the client is fail-closed (${reason})`,
        { tool: req.tool, traceId: req.traceId, baseUrl: this.settings.baseUrl, reason },
      );
    }
    this.outage.ungoverned(req.phase === "input" ? req.tool : `output check of ${req.tool}`, reason);
    return { decision: "allow", traceId: req.traceId, violations: [], approval: null, outputCheck: false, ungoverned: true, reason, allowed: true };
  }

  private raiseForClientError(resp: TransportResponse, what: string): void {
    if (resp.status >= 200 && resp.status < 300) return;
    if (resp.status === 401 || resp.status === 403) {
      const hint = resp.status === 401 ? " (check EXECLAVE_API_KEY or the apiKey option)" : "";
      throw new AuthenticationError(`Execlave refused the API key for ${what} (${resp.status}): ${detail(resp.body)}${hint}`, resp.status);
    }
    const errors = resp.body && typeof resp.body === "object" ? (resp.body as { errors?: unknown }).errors : undefined;
    if (isWebPage(resp.body) || (resp.status === 404 && isNoSuchRoute(resp.body))) {
      // A wrong base URL (".../api/v1", another app's address) answers with an HTML page or the
      // server's catch-all 404: say so, instead of quoting the page's markup.
      throw new ApiError(
        `Execlave ${what} failed (${resp.status}): ${this.settings.baseUrl} answered with a web page, not Execlave's API; ` +
          "is the base URL (EXECLAVE_BASE_URL) the server's root address, such as http://127.0.0.1:8000, without /api/v1?",
        resp.status,
        undefined,
      );
    }
    throw new ApiError(`Execlave ${what} failed (${resp.status}): ${detail(resp.body)}`, resp.status, errors);
  }

  /** The reviewer's page for an approval. */
  reviewUrl(approvalId: string): string {
    return reviewUrl(this.settings.baseUrl, approvalId);
  }
}

/** What the server answers for a path under /api/ it has no route for (config/urls.py). */
function isNoSuchRoute(body: unknown): boolean {
  return JSON.stringify(body) === JSON.stringify({ errors: { detail: ["Not found."] } });
}

/** The transport keeps a body that is not JSON as `{ detail: <its first 500 chars> }`. */
function isWebPage(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  const keys = Object.keys(body);
  const text = (body as { detail?: unknown }).detail;
  if (keys.length !== 1 || typeof text !== "string") return false;
  const head = text.trimStart().slice(0, 15).toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html");
}

/** The server's messages for people: `{"errors": {"detail": ["Invalid API key."]}}` reads
 * `Invalid API key.`, a field's message is prefixed with the field (`tool: …`). */
function detail(body: unknown): string {
  const errors = body && typeof body === "object" ? (body as { errors?: unknown }).errors : undefined;
  if (errors && typeof errors === "object" && !Array.isArray(errors) && Object.keys(errors).length) {
    const parts: string[] = [];
    for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
      for (const message of Array.isArray(messages) ? messages : [messages]) {
        parts.push(field === "detail" ? String(message) : `${field}: ${String(message)}`);
      }
    }
    return parts.join("; ").slice(0, 500);
  }
  if (body && typeof body === "object") {
    for (const key of ["errors", "detail"]) {
      if (key in body) return JSON.stringify((body as Record<string, unknown>)[key]).slice(0, 500);
    }
  }
  return JSON.stringify(body ?? null).slice(0, 500);
}

function inputOf<A extends unknown[]>(args: A, opts: WrapOptions<A>): unknown {
  if (opts.input) return opts.input(...args);
  if (opts.params) {
    const named: Record<string, unknown> = {};
    opts.params.forEach((name, i) => {
      if (i < args.length) named[name] = args[i];
    });
    if (args.length > opts.params.length) named.args = args.slice(opts.params.length);
    return named;
  }
  if (args.length === 1 && isPlainObject(args[0])) return args[0];
  if (args.length === 0) return {};
  return { args };
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
