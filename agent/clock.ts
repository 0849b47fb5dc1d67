// Time sources, injected so sealing timers, backoff and rate limits can be tested with a fixed clock.
// wall = Unix epoch (ns); mono = CLOCK_MONOTONIC (ns since the machine booted).
export interface Clock {
  nowMs(): number;
  wallNs(): bigint;
  monoNs(): bigint;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  wallNs: () => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n),
  monoNs: () => process.hrtime.bigint(),
};

/** A clock that only moves when told; for tests. */
export function manualClock(startMs = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let ms = startMs;
  let mono = 1_000_000_000n;
  return {
    nowMs: () => ms,
    wallNs: () => BigInt(ms) * 1_000_000n,
    monoNs: () => mono,
    advance(step: number) {
      ms += step;
      mono += BigInt(Math.round(step * 1e6));
    },
  };
}
