// Paces a replay in scaled real time: record i is released at start + (t_i - t_0) / speed, on an absolute
// schedule so sleeps do not accumulate drift. Speed 0 releases everything at once. Time is injected.
export interface PaceClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realPaceClock: PaceClock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Pacer {
  /** Resolves when the record captured at `timeUnixNs` is due. */
  wait(timeUnixNs: bigint): Promise<void>;
}

export function pacer(speed: number, clock: PaceClock = realPaceClock): Pacer {
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new Error(`speed: expected a number >= 0, got ${speed}`);
  let first: bigint | undefined;
  let startMs = 0;
  let lastDueMs = 0;
  return {
    async wait(timeUnixNs) {
      if (speed === 0) return;
      if (first === undefined) {
        first = timeUnixNs;
        startMs = clock.nowMs();
        return;
      }
      // A record stamped earlier than the one before (a clock step) is due at once, never in the past.
      const dueMs = Math.max(lastDueMs, startMs + Number(timeUnixNs - first) / 1e6 / speed);
      lastDueMs = dueMs;
      const waitMs = dueMs - clock.nowMs();
      if (waitMs > 0) await clock.sleep(waitMs);
    },
  };
}
