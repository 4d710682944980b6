/**
 * A circuit breaker so that a dead server costs (almost) nothing per call.
 *
 * closed    -> every call goes to the server; `threshold` consecutive failures open it.
 * open      -> calls fail fast with no network I/O until `cooldown` has passed.
 * half-open -> one caller is let through as a probe; success closes, failure re-opens.
 * A 429 with Retry-After opens it for that long.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probeInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldown: number,
  ) {}

  get state(): "closed" | "open" | "half-open" {
    if (this.openUntil === 0) return "closed";
    return performance.now() < this.openUntil ? "open" : "half-open";
  }

  /** May this caller talk to the server now? */
  allow(): boolean {
    if (this.openUntil === 0) return true;
    if (performance.now() < this.openUntil) return false;
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probeInFlight = false;
  }

  recordFailure(retryAfter?: number | null): void {
    this.failures += 1;
    this.probeInFlight = false;
    if (retryAfter !== undefined && retryAfter !== null) {
      this.openUntil = performance.now() + Math.max(retryAfter, 1);
    } else if (this.failures >= this.threshold || this.openUntil) {
      this.openUntil = performance.now() + this.cooldown;
    }
  }
}
