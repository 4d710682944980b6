/**
 * Trace delivery: batched, in the background, retried with backoff, through the spool.
 *
 * The caller only pushes onto an in-memory queue. Every `flushInterval` (or as soon as
 * `batchSize` traces wait) the queue is written to the spool — fsync'ed on disk — and the
 * spool is drained oldest first as `{"traces": [...]}` batches. So order holds across
 * restarts, and a process killed mid-batch loses nothing: the next one re-sends what was not
 * acknowledged and the server, idempotent on `trace_id`, stores it once.
 *
 * A failed batch (no connection, timeout, 408/425/429/5xx, 401/403) stays in the spool and is
 * retried with exponential backoff and jitter, never sooner than `Retry-After`. A 400/413 is
 * retried trace by trace to isolate the offending one, which is dropped with an error log.
 */
import type { Logger, Settings } from "./config.js";
import type { SpoolRow, SpoolStore } from "./spool.js";
import { Transport, TransportError } from "./transport.js";

const TRACES_PATH = "/api/v1/traces";
const RETRY_STATUSES = new Set([401, 403, 408, 425, 429, 500, 502, 503, 504]);

export interface DeliveryStats {
  queued: number;
  sent: number;
  spooled: number;
  rejected: number;
  dropped_queue_full: number;
}

export class Delivery {
  readonly stats: DeliveryStats = { queued: 0, sent: 0, spooled: 0, rejected: 0, dropped_queue_full: 0 };
  private queue: Array<Record<string, unknown>> = [];
  private timer: NodeJS.Timeout | null = null;
  private lock: Promise<void> = Promise.resolve();
  private failures = 0;
  private nextAttempt = 0;
  private authLogged = false;
  private closed = false;

  constructor(
    private readonly settings: Settings,
    private readonly transport: Transport,
    readonly spool: SpoolStore,
    private readonly logger: Logger,
  ) {
    if (spool.pending()) this.schedule(0); // replay what a previous process left behind
  }

  submit(trace: Record<string, unknown>): void {
    if (this.queue.length >= this.settings.maxQueueSize) {
      const dropped = ++this.stats.dropped_queue_full;
      if (dropped === 1 || dropped === 10 || dropped === 100 || dropped % 1000 === 0) {
        this.logger.warn(`execlave: trace queue is full (${this.settings.maxQueueSize}); dropped ${dropped} trace(s) so far`);
      }
      return;
    }
    this.queue.push(trace);
    this.stats.queued++;
    if (this.queue.length >= this.settings.batchSize) this.schedule(0);
    else if (!this.timer) this.schedule(this.settings.flushInterval);
  }

  /** Deliver everything submitted so far; true when nothing is left undelivered. */
  flush(timeout: number = this.settings.flushTimeout): Promise<boolean> {
    const deadline = performance.now() + timeout;
    return this.exclusive(async () => {
      this.spoolQueue();
      // Send oldest first until empty or the deadline; one failed attempt ends the flush (as in
      // the Python SDK): a dead server is not waited for, the spool keeps the rest.
      while (this.spool.pending() && performance.now() < deadline) {
        const ok = await this.sendHead(Math.max(50, Math.min(this.settings.timeout, deadline - performance.now())));
        if (!ok) break;
      }
      return this.spool.pending() === 0;
    });
  }

  async close(timeout?: number): Promise<boolean> {
    if (this.closed) return this.spool.pending() === 0;
    const delivered = await this.flush(timeout);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.spool.close();
    return delivered;
  }

  /** At process exit (no more I/O possible): what is still in memory goes to the spool. */
  spoolSync(): void {
    if (!this.closed) this.spoolQueue();
  }

  // -- worker side ------------------------------------------------------------------------
  private schedule(delay: number): void {
    if (this.closed) return;
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick();
    }, delay);
    this.timer.unref(); // never keep the agent's process alive; the exit hook delivers
  }

  /** Runs `job` after every job already started: the spool's head is never sent twice at once. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = this.lock.then(job);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private tick(): void {
    this.exclusive(() => this.work())
      .catch((error) => this.logger.error(`execlave: delivery worker error: ${String(error)}`))
      .finally(() => {
        if (this.closed) return;
        if (this.queue.length) this.schedule(this.queue.length >= this.settings.batchSize ? 0 : this.settings.flushInterval);
        else if (this.spool.pending()) this.schedule(Math.max(0, this.nextAttempt - performance.now()));
      });
  }

  private async work(): Promise<void> {
    this.spoolQueue();
    for (let rounds = 0; rounds < 10 && this.spool.pending(); rounds++) {
      if (performance.now() < this.nextAttempt) return;
      if (!(await this.sendHead())) return;
    }
  }

  private spoolQueue(): void {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.settings.batchSize);
      this.stats.spooled += this.spool.append(batch.map((t) => [String(t.trace_id), JSON.stringify(t)]));
    }
  }

  /** Send the spool's oldest batch; true when it all left the spool (delivered or rejected). */
  private async sendHead(timeout?: number): Promise<boolean> {
    const rows = this.spool.head(this.settings.batchSize);
    if (!rows.length) return true;
    const { done, retryAfter } = await this.deliver(rows, timeout);
    this.spool.removeHead(done);
    if (done < rows.length) {
      this.backOff(retryAfter);
      return false;
    }
    this.failures = 0;
    this.nextAttempt = 0;
    return true;
  }

  private backOff(retryAfter: number | null): void {
    this.failures++;
    const ceiling = Math.min(this.settings.maxRetryDelay, 250 * 2 ** Math.min(this.failures, 16));
    let delay = ceiling / 2 + Math.random() * (ceiling / 2); // equal jitter: never 0, never in step
    if (retryAfter !== null) delay = Math.max(delay, retryAfter);
    this.nextAttempt = performance.now() + delay;
  }

  /** POST the rows; how many from the head are done (delivered, or rejected for good). */
  private async deliver(rows: SpoolRow[], timeout?: number): Promise<{ done: number; retryAfter: number | null }> {
    const body = `{"traces":[${rows.map((r) => r.body).join(",")}]}`;
    let resp;
    try {
      resp = await this.transport.request("POST", TRACES_PATH, { body, timeout });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      this.logger.debug?.(`execlave: trace delivery failed: ${error.message}`);
      return { done: 0, retryAfter: null };
    }
    if (resp.status >= 200 && resp.status < 300) {
      this.stats.sent += rows.length;
      this.authLogged = false;
      return { done: rows.length, retryAfter: null };
    }
    if (RETRY_STATUSES.has(resp.status)) {
      if ((resp.status === 401 || resp.status === 403) && !this.authLogged) {
        this.authLogged = true;
        this.logger.error(
          `execlave: the server refused the API key for trace ingest (${resp.status}); traces are kept in the spool until it is fixed`,
        );
      }
      return { done: 0, retryAfter: resp.retryAfter };
    }
    if (rows.length > 1) {
      // 400 / 413: find the offending trace(s), one by one, in order
      for (let i = 0; i < rows.length; i++) {
        const one = await this.deliver([rows[i]], timeout);
        if (!one.done) return { done: i, retryAfter: one.retryAfter };
      }
      return { done: rows.length, retryAfter: null };
    }
    this.stats.rejected++;
    this.logger.error(
      `execlave: the server rejected trace ${rows[0].traceId} (${resp.status}): ${JSON.stringify(resp.body).slice(0, 500)}; it is dropped`,
    );
    return { done: 1, retryAfter: null };
  }
}
