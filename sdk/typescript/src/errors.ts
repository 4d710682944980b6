/**
 * Errors raised by the SDK. Everything derives from `ExeclaveError`.
 *
 * The governance outcomes (`ActionBlocked`, `ApprovalDenied`, `ApprovalExpired`) mean
 * "the policy said no": the tool did not run (for `OutputBlocked`, its result is withheld).
 * Each carries the tool, the trace id, the violations, and `policy` / `reason` of the first one.
 */

/** One policy violation as the server returns it. */
export interface Violation {
  policy?: number | string;
  name?: string;
  type?: string;
  mode?: string;
  reason?: string;
  [key: string]: unknown;
}

export class ExeclaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A missing or invalid setting (raised when the client is built, not at the first call). */
export class ConfigurationError extends ExeclaveError {}

/** The server refused the API key (401) or its scopes (403): raised whatever the fail mode. */
export class AuthenticationError extends ExeclaveError {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** The server answered with an unexpected client error (400, 404, 413). */
export class ApiError extends ExeclaveError {
  readonly status: number;
  readonly errors: unknown;
  constructor(message: string, status: number, errors?: unknown) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** Base of the refusals: the tool, the trace and the policies involved. */
export class GovernanceRefusal extends ExeclaveError {
  readonly tool: string;
  readonly traceId: string;
  readonly violations: Violation[];
  constructor(message: string, tool: string, traceId: string, violations: Violation[]) {
    super(message);
    this.tool = tool;
    this.traceId = traceId;
    this.violations = violations;
  }
  /** The first violated policy's name (or id), if the server named one. */
  get policy(): string | undefined {
    const v = this.violations[0];
    if (!v) return undefined;
    return v.name ?? (v.policy === undefined ? undefined : String(v.policy));
  }
  /** Why: the first violation's reason. */
  get reason(): string | undefined {
    const v = this.violations[0];
    return v?.reason ?? v?.name;
  }
}

function reasons(violations: Violation[]): string {
  return violations.map((v) => String(v.reason ?? v.name ?? JSON.stringify(v))).join("; ");
}

/** A policy blocked the action; the tool did not run. */
export class ActionBlocked extends GovernanceRefusal {
  constructor(tool: string, violations: Violation[], traceId: string, prefix = "") {
    const why = reasons(violations);
    super(`${prefix}${tool} blocked by policy${why ? `: ${why}` : ""}`, tool, traceId, violations);
  }
}

/** An output policy blocked the tool's result: the tool ran, its output is withheld. */
export class OutputBlocked extends ActionBlocked {
  constructor(tool: string, violations: Violation[], traceId: string) {
    super(tool, violations, traceId, "output of ");
  }
}

/** A reviewer denied the approval request; the tool did not run. */
export class ApprovalDenied extends GovernanceRefusal {
  readonly approvalId: string;
  readonly decidedBy: unknown;
  readonly comment: string | null;
  constructor(
    tool: string,
    opts: { approvalId: string; traceId: string; decidedBy?: unknown; comment?: string | null; violations?: Violation[] },
  ) {
    const who = opts.decidedBy ? ` by ${String(opts.decidedBy)}` : "";
    const why = opts.comment ? `: ${opts.comment}` : "";
    super(`${tool}: approval ${opts.approvalId} denied${who}${why}`, tool, opts.traceId, opts.violations ?? []);
    this.approvalId = opts.approvalId;
    this.decidedBy = opts.decidedBy ?? null;
    this.comment = opts.comment ?? null;
  }
}

/** No decision in time; the tool did not run. `clientTimeout`: the client's own limit ran out first. */
export class ApprovalExpired extends GovernanceRefusal {
  readonly approvalId: string;
  readonly clientTimeout: boolean;
  constructor(
    tool: string,
    opts: { approvalId: string; traceId: string; clientTimeout?: boolean; violations?: Violation[] },
  ) {
    const how = opts.clientTimeout ? "client approval timeout reached" : "expired";
    super(`${tool}: approval ${opts.approvalId} ${how} without a decision`, tool, opts.traceId, opts.violations ?? []);
    this.approvalId = opts.approvalId;
    this.clientTimeout = Boolean(opts.clientTimeout);
  }
}

/** The server could not be reached and the client is fail-closed: the tool did not run. */
export class ExeclaveUnavailable extends GovernanceRefusal {
  readonly baseUrl: string;
  readonly cause_: string;
  constructor(message: string, opts: { tool: string; traceId: string; baseUrl: string; reason: string }) {
    super(message, opts.tool, opts.traceId, []);
    this.baseUrl = opts.baseUrl;
    this.cause_ = opts.reason;
  }
  override get reason(): string {
    return this.cause_;
  }
  override get policy(): string | undefined {
    return undefined;
  }
}
