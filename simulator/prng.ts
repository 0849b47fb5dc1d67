// A small seeded PRNG (mulberry32) and helpers: the same seed gives the same run, byte for byte.
// Pure.
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value that wanders within [min, max], `step` at most per call. */
export function randomWalk(random: Random, start: number, min: number, max: number, step: number): () => number {
  let value = start;
  return () => {
    value = Math.min(max, Math.max(min, value + (random() * 2 - 1) * step));
    return value;
  };
}
