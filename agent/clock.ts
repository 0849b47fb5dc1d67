// Time sources, injected so sealing timers, backoff and rate limits can be tested with a fixed clock.
// wall = Unix epoch (ns); mono = CLOCK_MONOTONIC (ns since the machine booted).
export interface Clock {
  nowMs(): number;
  wallNs(): bigint;
  monoNs(): bigint;
}

/**
 * Wall time in ns from one monotonic reading plus an anchor taken from the system clock, so it never
 * steps back within a run and costs one hrtime call. Re-anchored when the system clock moves by more
 * than 50 ms against it (an NTP step), never to an earlier value than already given out.
 */
function anchoredWallClock(): () => bigint {
  let anchorWall = BigInt(Date.now()) * 1_000_000n;
  let anchorMono = process.hrtime.bigint();
  let last = 0n;
  let checkedAtMono = anchorMono;
  return () => {
    const mono = process.hrtime.bigint();
    let wall = anchorWall + (mono - anchorMono);
    if (mono - checkedAtMono > 1_000_000_000n) {
      checkedAtMono = mono;
      const system = BigInt(Date.now()) * 1_000_000n;
      const drift = system - wall;
      if (drift > 50_000_000n || drift < -50_000_000n) {
        anchorWall = system;
        anchorMono = mono;
        wall = system;
      }
    }
    if (wall <= last) wall = last + 1n;
    last = wall;
    return wall;
  };
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  wallNs: anchoredWallClock(),
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
