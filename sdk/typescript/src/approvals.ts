/** Waiting for a human decision: long-poll `GET /api/v1/approvals/<id>?wait=`, visibly. */
import type { Decision } from "./action.js";
import type { ApprovalPendingInfo, Logger, Settings } from "./config.js";
import { ApiError, ApprovalDenied, ApprovalExpired, ExeclaveUnavailable } from "./errors.js";
import { Transport, TransportError, type TransportResponse } from "./transport.js";

const LONG_POLL_MAX = 30_000; // per request (server max 60 s); also the progress line's period
const EXPIRY_GRACE = 5_000; // past expires_at before the client gives up on a silent server

export interface ApprovalWaiterHost {
  settings: Settings;
  transport: Transport;
  logger: Logger;
  onApprovalPending?: (info: ApprovalPendingInfo) => void | Promise<void>;
  raiseForClientError(resp: TransportResponse, what: string): void;
}

export function reviewUrl(baseUrl: string, approvalId: string): string {
  return `${baseUrl}/approvals/${approvalId}/`;
}

/** Resolve when approved; throw ApprovalDenied / ApprovalExpired / ExeclaveUnavailable otherwise. */
export async function waitForApproval(host: ApprovalWaiterHost, tool: string, decision: Decision): Promise<void> {
  const approval = decision.approval ?? {};
  const approvalId = String(approval.id ?? "");
  if (!approvalId) throw new ApiError("check answered require_approval without an approval id", 200);
  const base = { approvalId, traceId: decision.traceId, violations: decision.violations };
  const url = reviewUrl(host.settings.baseUrl, approvalId);
  const expiresAt = typeof approval.expires_at === "string" ? approval.expires_at : null;
  const start = performance.now();
  const clientDeadline = host.settings.approvalTimeout ? start + host.settings.approvalTimeout : Infinity;
  const expiresMs = expiresAt ? Date.parse(expiresAt) : NaN;
  const serverDeadline = Number.isNaN(expiresMs) ? Infinity : start + Math.max(0, expiresMs - Date.now()) + EXPIRY_GRACE;

  let status = String(approval.status ?? "pending");
  let body: Record<string, unknown> = approval;
  if (status === "pending") {
    host.logger.info(
      `execlave: ${tool} is paused for approval ${approvalId}` +
        `${expiresAt ? ` (expires ${expiresAt})` : ""}; a reviewer decides at ${url}`,
    );
    if (host.onApprovalPending) {
      try {
        await host.onApprovalPending({ approvalId, tool, traceId: decision.traceId, reviewUrl: url, expiresAt, violations: decision.violations });
      } catch (error) {
        host.logger.error(`execlave: onApprovalPending hook failed: ${String(error)}`);
      }
    }
  }
  let failures = 0;
  let lastProgress = start;
  for (;;) {
    if (status === "approved") {
      if (performance.now() - start > 1000) host.logger.info(`execlave: approval ${approvalId} approved; ${tool} runs`);
      return;
    }
    if (status === "denied" || status === "cancelled") {
      throw new ApprovalDenied(tool, { ...base, decidedBy: body.decided_by, comment: (body.comment as string | null) ?? null });
    }
    if (status === "expired") {
      if (body.on_timeout === "allow") {
        host.logger.warn(`execlave: approval ${approvalId} expired; the policy allows ${tool} to run`);
        return;
      }
      throw new ApprovalExpired(tool, base);
    }
    const now = performance.now();
    const deadline = Math.min(clientDeadline, serverDeadline);
    if (now >= deadline) throw new ApprovalExpired(tool, { ...base, clientTimeout: clientDeadline <= serverDeadline });
    if (now - lastProgress >= LONG_POLL_MAX - 500) {
      lastProgress = now;
      const left = deadline === Infinity ? "" : `, ${Math.ceil((deadline - now) / 1000)} s left`;
      host.logger.info(`execlave: still waiting for approval ${approvalId} of ${tool} (${Math.round((now - start) / 1000)} s so far${left}); ${url}`);
    }
    const wait = Math.max(1, Math.ceil(Math.min(deadline - now, LONG_POLL_MAX) / 1000));
    let resp: TransportResponse;
    try {
      resp = await host.transport.request("GET", `/api/v1/approvals/${approvalId}?wait=${wait}`, {
        timeout: wait * 1000 + host.settings.timeout,
      });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      // The server asked for a human decision: an outage now is never read as a yes.
      failures++;
      if (performance.now() + 10 >= deadline) {
        throw new ExeclaveUnavailable(
          `${tool} not run: lost contact with Execlave while waiting for approval ${approvalId} (${error.message})`,
          { tool, traceId: decision.traceId, baseUrl: host.settings.baseUrl, reason: error.message },
        );
      }
      await sleep(Math.min(250 * 2 ** Math.min(failures, 6), Math.max(deadline - performance.now(), 10)));
      continue;
    }
    if (resp.status === 429 || resp.status >= 500) {
      failures++;
      await sleep(Math.min(resp.retryAfter ?? 250 * 2 ** Math.min(failures, 6), Math.max(deadline - performance.now(), 10)));
      continue;
    }
    host.raiseForClientError(resp, "approval wait");
    failures = 0;
    body = resp.body && typeof resp.body === "object" ? (resp.body as Record<string, unknown>) : {};
    status = String(body.status ?? "pending");
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
