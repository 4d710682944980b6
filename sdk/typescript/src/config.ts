/**
 * Client settings: explicit options first, then `EXECLAVE_*` environment variables, then defaults.
 *
 * Options take durations in milliseconds (JavaScript's unit); the environment variables
 * take seconds, exactly as the Python SDK reads them, so one environment drives both SDKs.
 * Every value is validated when the client is built: a typo fails at start-up, naming the setting.
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { ConfigurationError } from "./errors.js";

export type FailMode = "open" | "closed";
export type SpoolFullPolicy = "drop_oldest" | "drop_newest";

export interface Logger {
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Timeouts {
  /** One HTTP request to the server (check, trace batch), ms. Default 3000. */
  request?: number;
  /** `flush()` / `shutdown()` without an explicit timeout, ms. Default 5000. */
  flush?: number;
  /** Longest wait for a human decision, ms; unset: until the approval's own expiry. */
  approval?: number;
}

export interface ApprovalPendingInfo {
  approvalId: string;
  tool: string;
  traceId: string;
  reviewUrl: string;
  expiresAt: string | null;
  violations: unknown[];
}

export interface ExeclaveOptions {
  apiKey?: string;
  baseUrl?: string;
  agent?: string;
  failMode?: FailMode;
  timeouts?: Timeouts;
  batchSize?: number;
  /** How long a trace may wait in memory before its batch is sent, ms. Default 1000. */
  flushInterval?: number;
  maxQueueSize?: number;
  /** Directory of the durable spool; `false` keeps undelivered traces in memory only. */
  spoolPath?: string | false;
  spoolMaxBytes?: number;
  spoolFullPolicy?: SpoolFullPolicy;
  breakerThreshold?: number;
  /** How long the breaker stays open after repeated failures, ms. Default 30000. */
  breakerCooldown?: number;
  /** Check the URL and key at start-up (`await ex.ready` or `Execlave.connect`). */
  verify?: boolean;
  /** Called when a call pauses for a human decision (after the INFO log line). */
  onApprovalPending?: (info: ApprovalPendingInfo) => void | Promise<void>;
  /** Where the SDK's log lines go; default `console`. */
  logger?: Logger;
  /** Flush at process exit and spool what is left (default true). */
  handleExit?: boolean;
  /** The environment to read `EXECLAVE_*` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** A `fetch` implementation (default the platform's). */
  fetch?: typeof fetch;
}

export interface Settings {
  apiKey: string;
  baseUrl: string;
  agent: string;
  failMode: FailMode;
  timeout: number;
  flushTimeout: number;
  approvalTimeout: number | null;
  batchSize: number;
  flushInterval: number;
  maxQueueSize: number;
  spoolPath: string | null;
  spoolMaxBytes: number;
  spoolFullPolicy: SpoolFullPolicy;
  breakerThreshold: number;
  breakerCooldown: number;
  maxRetryDelay: number;
  verify: boolean;
}

export const MAX_BATCH = 1000;
export const DEFAULT_BASE_URL = "http://localhost:8000";
const TOOL_NAME_RE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The per-user cache directory (XDG on Linux), as the Python SDK chooses it; a directory for Node. */
export function defaultSpoolPath(env: Record<string, string | undefined>): string {
  if (process.platform === "win32") {
    return join(env.LOCALAPPDATA || join(homedir(), "AppData", "Local"), "execlave", "Cache", "spool-node");
  }
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches", "execlave", "spool-node");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "execlave", "spool-node");
}

function envSeconds(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigurationError(`${name} must be a number of seconds, got ${JSON.stringify(raw)}`);
  return value * 1000;
}

function envInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigurationError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ConfigurationError(`${name} must be a number of milliseconds, got ${JSON.stringify(value)}`);
  }
  if (!(value > 0)) throw new ConfigurationError(`${name} must be greater than 0, got ${value}`);
  return value;
}

function intBetween(name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ConfigurationError(`${name} must be an integer, got ${JSON.stringify(value)}`);
  }
  if (value < low || value > high) throw new ConfigurationError(`${name} must be between ${low} and ${high}, got ${value}`);
  return value;
}

export function buildSettings(options: ExeclaveOptions): Settings {
  const env = options.env ?? process.env;
  const pick = <T>(given: T | undefined, fromEnv: T | undefined, fallback: T): T =>
    given !== undefined ? given : fromEnv !== undefined ? fromEnv : fallback;

  const apiKey = pick(options.apiKey, env.EXECLAVE_API_KEY || undefined, "");
  if (typeof apiKey !== "string" || !apiKey.trim()) {
    throw new ConfigurationError("apiKey is required: pass new Execlave({ apiKey }) or set EXECLAVE_API_KEY");
  }
  if (/\s/.test(apiKey.trim())) throw new ConfigurationError("apiKey must not contain whitespace");

  const agent = pick(options.agent, env.EXECLAVE_AGENT || undefined, "");
  if (typeof agent !== "string" || !agent.trim()) {
    throw new ConfigurationError('agent is required: pass new Execlave({ agent: "billing-bot" }) or set EXECLAVE_AGENT');
  }

  const baseUrl = String(pick(options.baseUrl, env.EXECLAVE_BASE_URL || undefined, DEFAULT_BASE_URL)).replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`baseUrl must be an http(s) URL such as https://execlave.example.com, got ${JSON.stringify(baseUrl)}`);
  }
  if (!["http:", "https:"].includes(parsed.protocol) || !parsed.hostname) {
    throw new ConfigurationError(`baseUrl must be an http(s) URL such as https://execlave.example.com, got ${JSON.stringify(baseUrl)}`);
  }

  const failMode = pick(options.failMode, env.EXECLAVE_FAIL_MODE?.trim().toLowerCase() || undefined, "open" as FailMode);
  if (failMode !== "open" && failMode !== "closed") {
    throw new ConfigurationError(`failMode must be "open" or "closed", got ${JSON.stringify(failMode)}`);
  }

  const rawSpool = env.EXECLAVE_SPOOL_PATH;
  const envSpool =
    rawSpool === undefined || rawSpool === ""
      ? undefined
      : ["off", "false", "none", "0", "disabled"].includes(rawSpool.trim().toLowerCase())
        ? false
        : rawSpool;
  const spool = pick<string | false>(options.spoolPath, envSpool, defaultSpoolPath(env));
  let spoolPath: string | null = null;
  if (spool !== false) {
    if (typeof spool !== "string" || !spool) throw new ConfigurationError(`spoolPath must be a directory path or false, got ${JSON.stringify(spool)}`);
    spoolPath = spool.startsWith("~/") ? join(homedir(), spool.slice(2)) : spool;
    // EXECLAVE_SPOOL_PATH may name the Python SDK's SQLite file: keep Node's journal beside it.
    if (existsSync(spoolPath) && statSync(spoolPath).isFile()) spoolPath = `${spoolPath}-node`;
    else if (/\.sqlite3?$/.test(spoolPath)) spoolPath = `${spoolPath}-node`;
  }

  const policy = pick(options.spoolFullPolicy, env.EXECLAVE_SPOOL_FULL_POLICY?.trim().toLowerCase() as SpoolFullPolicy | undefined, "drop_oldest" as SpoolFullPolicy);
  if (policy !== "drop_oldest" && policy !== "drop_newest") {
    throw new ConfigurationError(`spoolFullPolicy must be "drop_oldest" or "drop_newest", got ${JSON.stringify(policy)}`);
  }

  const t = options.timeouts ?? {};
  const approvalRaw = pick(t.approval, envSeconds(env, "EXECLAVE_APPROVAL_TIMEOUT"), undefined as number | undefined);
  return {
    apiKey: apiKey.trim(),
    baseUrl,
    agent: agent.trim(),
    failMode,
    timeout: positive("timeouts.request", pick(t.request, envSeconds(env, "EXECLAVE_TIMEOUT"), 3000)),
    flushTimeout: positive("timeouts.flush", pick(t.flush, envSeconds(env, "EXECLAVE_FLUSH_TIMEOUT"), 5000)),
    approvalTimeout: approvalRaw === undefined || approvalRaw === 0 ? null : positive("timeouts.approval", approvalRaw),
    batchSize: intBetween("batchSize", pick(options.batchSize, envInt(env, "EXECLAVE_BATCH_SIZE"), 100), 1, MAX_BATCH),
    flushInterval: positive("flushInterval", pick(options.flushInterval, envSeconds(env, "EXECLAVE_FLUSH_INTERVAL"), 1000)),
    maxQueueSize: intBetween("maxQueueSize", pick(options.maxQueueSize, envInt(env, "EXECLAVE_MAX_QUEUE_SIZE"), 10_000), 1, 1e8),
    spoolPath,
    spoolMaxBytes: intBetween("spoolMaxBytes", pick(options.spoolMaxBytes, envInt(env, "EXECLAVE_SPOOL_MAX_BYTES"), 50 * 1024 * 1024), 4096, 2 ** 50),
    spoolFullPolicy: policy,
    breakerThreshold: intBetween("breakerThreshold", pick(options.breakerThreshold, envInt(env, "EXECLAVE_BREAKER_THRESHOLD"), 3), 1, 1e6),
    breakerCooldown: positive("breakerCooldown", pick(options.breakerCooldown, envSeconds(env, "EXECLAVE_BREAKER_COOLDOWN"), 30_000)),
    maxRetryDelay: 60_000,
    verify: Boolean(pick(options.verify, env.EXECLAVE_VERIFY ? ["1", "true", "yes", "on"].includes(env.EXECLAVE_VERIFY.toLowerCase()) : undefined, false)),
  };
}

export function validateToolName(name: unknown): string {
  if (typeof name !== "string" || !TOOL_NAME_RE.test(name)) {
    throw new ConfigurationError(`tool name must be dot-separated words such as "database.query", got ${JSON.stringify(name)}`);
  }
  return name;
}
