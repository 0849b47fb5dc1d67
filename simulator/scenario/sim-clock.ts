// Simulated time as the agent's Clock: wall and monotonic time follow the scenario, not the machine,
// so the same seed gives the same record bytes. After release() it runs on in real time (for draining).
import type { Clock } from '../../agent/index.js';

/** The monotonic clock of a simulated run starts here (1 s after a simulated boot). */
const MONO_BASE_NS = 1_000_000_000n;

export class SimClock implements Clock {
  private simNs = 0;
  private releasedAtMs: number | undefined;

  constructor(readonly startUnixMs: number, private readonly realNow: () => number = () => performance.now()) {}

  /** Sets simulated time (seconds since the start); rounded to whole nanoseconds so runs repeat exactly. */
  set(tS: number): void {
    this.simNs = Math.round(tS * 1e9);
  }

  /** Simulated seconds since the start. */
  get seconds(): number {
    return this.currentNs() / 1e9;
  }

  /** From now on time moves with the machine's clock, starting where the simulation stopped. */
  release(): void {
    this.releasedAtMs ??= this.realNow();
  }

  nowMs(): number {
    return this.startUnixMs + this.currentNs() / 1e6;
  }

  wallNs(): bigint {
    return BigInt(this.startUnixMs) * 1_000_000n + BigInt(this.currentNs());
  }

  monoNs(): bigint {
    return MONO_BASE_NS + BigInt(this.currentNs());
  }

  private currentNs(): number {
    if (this.releasedAtMs === undefined) return this.simNs;
    return this.simNs + Math.round((this.realNow() - this.releasedAtMs) * 1e6);
  }
}
