// At most one record per interval: the thinning of high-rate inputs (GNSS at 10 Hz, vibration).
// Pure: the caller passes the time (ctx.clock.nowMs()).
export class Throttle {
  private last: number | undefined;

  constructor(private readonly intervalMs: number) {}

  /** True, and remembered, when nothing was let through in the last interval (or the clock went back). */
  take(nowMs: number): boolean {
    if (this.last !== undefined && nowMs >= this.last && nowMs - this.last < this.intervalMs) return false;
    this.last = nowMs;
    return true;
  }
}
