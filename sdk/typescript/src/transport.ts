/**
 * JSON over HTTP on the platform's `fetch` (Node ≥ 18): no HTTP client dependency, so the SDK
 * installs into any agent without pinning a library against the agent's own.
 */
import { VERSION } from "./version.js";

/** The server could not be reached or did not answer in time (an outage). */
export class TransportError extends Error {}

export interface TransportResponse {
  status: number;
  body: unknown;
  retryAfter: number | null; // ms
}

export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  const seconds = Number(trimmed);
  if (trimmed !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(trimmed);
  return Number.isNaN(when) ? null : Math.max(0, when - Date.now());
}

export class Transport {
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly baseUrl: string,
    apiKey: string,
    private readonly timeout: number,
    fetchImpl?: typeof fetch,
  ) {
    this.headers = {
      Authorization: `Bearer ${apiKey}`,
      Accept: "application/json",
      "User-Agent": `execlave-node/${VERSION}`,
    };
    const platformFetch = (globalThis as { fetch?: typeof fetch }).fetch;
    if (!fetchImpl && !platformFetch) throw new Error("no fetch() available: Node 18 or later is required");
    this.fetchImpl = fetchImpl ?? platformFetch!.bind(globalThis);
  }

  /** One request; throws `TransportError` when the server is unreachable or too slow. */
  async request(
    method: string,
    path: string,
    opts: { payload?: unknown; body?: string; timeout?: number } = {},
  ): Promise<TransportResponse> {
    const body = opts.body ?? (opts.payload === undefined ? undefined : JSON.stringify(opts.payload));
    const headers = body === undefined ? this.headers : { ...this.headers, "Content-Type": "application/json" };
    const timeout = opts.timeout ?? this.timeout;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const resp = await this.fetchImpl(this.baseUrl + path, { method, headers, body, signal: controller.signal });
      const text = await resp.text();
      let parsed: unknown = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { detail: text.slice(0, 500) };
        }
      }
      return { status: resp.status, body: parsed, retryAfter: parseRetryAfter(resp.headers.get("retry-after")) };
    } catch (error) {
      const why = controller.signal.aborted
        ? `no answer within ${timeout} ms`
        : describe(error);
      throw new TransportError(`${method} ${path}: ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ""}`;
  return String(err?.message ?? error);
}
