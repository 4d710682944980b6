/**
 * Never silently ungoverned: what the agent's operator is told while the server is unreachable.
 *
 * The first call that runs ungoverned logs a warning naming the base URL and the reason; while
 * the outage lasts, one summary line a minute counts the calls that ran ungoverned; when a check
 * gets an answer again, one line says so.
 */
import type { Logger } from "./config.js";

const MINUTE = 60_000;

export class OutageReporter {
  private active = false;
  private since = 0;
  private total = 0;
  private inWindow = 0;
  private lastReason = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly logger: Logger,
    private readonly interval: number = MINUTE,
  ) {}

  get ungovernedCalls(): number {
    return this.total;
  }

  ungoverned(tool: string, reason: string): void {
    this.total++;
    this.inWindow++;
    this.lastReason = reason;
    if (this.active) return;
    this.active = true;
    this.since = Date.now();
    this.inWindow = 0;
    this.logger.warn(
      `execlave: WARNING: ${tool} ran UNGOVERNED: the Execlave server at ${this.baseUrl} is unreachable (${reason}); ` +
        `failMode "open" lets tools run without policy checks until it is back`,
    );
    this.timer = setInterval(() => this.summary(), this.interval);
    this.timer.unref();
  }

  private summary(): void {
    if (!this.inWindow) return;
    const n = this.inWindow;
    this.inWindow = 0;
    this.logger.warn(
      `execlave: ${n} call${n === 1 ? "" : "s"} ran ungoverned in the last minute ` +
        `(the Execlave server at ${this.baseUrl} is still unreachable: ${this.lastReason})`,
    );
  }

  recovered(): void {
    if (!this.active) return;
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const seconds = Math.round((Date.now() - this.since) / 1000);
    this.logger.info(
      `execlave: the Execlave server at ${this.baseUrl} is reachable again; calls are governed ` +
        `(${this.total} ran ungoverned during the ${seconds} s outage)`,
    );
    this.total = 0;
    this.inWindow = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
