/**
 * Execlave for Node: govern an AI agent's tools — check before they run, trace after.
 *
 *     import { Execlave } from "@execlave/sdk";
 *     const ex = new Execlave({ apiKey, baseUrl, agent: "billing-bot" });
 *     const sendEmail = ex.wrap("email.send", async ({ to, body }) => mailer.send(to, body));
 */
export { Action, currentAction, type Decision, type DecisionKind, type RecordOptions } from "./action.js";
export { Execlave, type ActionOptions, type VerifyResult, type WrapOptions } from "./client.js";
export type { ApprovalPendingInfo, ExeclaveOptions, FailMode, Logger, SpoolFullPolicy, Timeouts } from "./config.js";
export {
  ActionBlocked,
  ApiError,
  ApprovalDenied,
  ApprovalExpired,
  AuthenticationError,
  ConfigurationError,
  ExeclaveError,
  ExeclaveUnavailable,
  GovernanceRefusal,
  OutputBlocked,
  type Violation,
} from "./errors.js";
export { VERSION } from "./version.js";
