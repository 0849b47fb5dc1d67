// A rate-limited log: at most one line per kind per interval, the next one saying how many were held back,
// so a failure repeated on every request (a full disk) cannot flood the log, or the disk it is written to.

export interface RateLimitedLogOptions {
  /** Default 60 s. */
  intervalMs?: number;
  /** Injected clock (ms). */
  now?: () => number;
  /** Schedules the line that reports what an interval held back; default an unref'd setTimeout. */
  schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

/** Writes one line: pino's (fields, message) shape. */
export type LogLine = (fields: Record<string, unknown>, message: string) => void;

interface Kind {
  /** When the current interval began (a line was written then). */
  since: number;
  held: number;
  last?: { write: LogLine; fields: Record<string, unknown>; message: string };
  timer?: { cancel(): void };
}

export class RateLimitedLog {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly schedule: NonNullable<RateLimitedLogOptions['schedule']>;
  private readonly kinds = new Map<string, Kind>();

  constructor(options: RateLimitedLogOptions = {}) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? ((fn, ms) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return { cancel: () => clearTimeout(t) };
    });
  }

  /**
   * Writes the line if this kind wrote none in the last interval; otherwise holds it back and counts it.
   * At the end of an interval that held lines back, the last of them is written with `repeated` (how many)
   * and `intervalMs`. Returns whether the line was written now.
   */
  log(kind: string, write: LogLine, fields: Record<string, unknown>, message: string): boolean {
    const now = this.now();
    const k = this.kinds.get(kind);
    if (!k || now - k.since >= this.intervalMs) {
      k?.timer?.cancel();
      this.kinds.set(kind, { since: now, held: 0 });
      write(fields, message);
      return true;
    }
    k.held++;
    k.last = { write, fields, message };
    k.timer ??= this.schedule(() => this.report(kind), k.since + this.intervalMs - now);
    return false;
  }

  /** Writes every held-back summary now (on stop). */
  flush(): void {
    for (const kind of [...this.kinds.keys()]) this.report(kind);
  }

  private report(kind: string): void {
    const k = this.kinds.get(kind);
    if (!k) return;
    k.timer?.cancel();
    k.timer = undefined;
    if (k.held === 0 || !k.last) {
      this.kinds.delete(kind);
      return;
    }
    const { write, fields, message } = k.last;
    write({ ...fields, repeated: k.held, intervalMs: this.intervalMs }, `${message} (${k.held} more like it in the last ${Math.round(this.intervalMs / 1000)} s)`);
    // The summary opens a new interval: a failure that goes on is one line per interval.
    this.kinds.set(kind, { since: this.now(), held: 0 });
  }
}
