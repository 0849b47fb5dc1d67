// A small seeded PRNG (mulberry32) and helpers (normal and Poisson draws, derived seeds, slow noise):
// the same seed gives the same run, byte for byte. Pure.
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

/** A standard normal draw (Box-Muller; uses two uniforms). */
export function gaussian(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Poisson draw with mean `lambda` (Knuth; fine for the small means the models use). */
export function poisson(random: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A 32-bit seed from a seed and labels (FNV-1a), so each model and row gets its own stream. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const label of labels) {
    const text = `/${label}`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/**
 * Slowly varying noise (a first-order autoregressive process) with standard deviation `sd` and
 * correlation time `tauS`: next(dtS) moves it on by dtS simulated seconds.
 */
export function wander(random: Random, sd: number, tauS: number): (dtS: number) => number {
  let x = sd * gaussian(random);
  return (dtS) => {
    const rho = tauS > 0 ? Math.exp(-dtS / tauS) : 0;
    x = rho * x + Math.sqrt(1 - rho * rho) * sd * gaussian(random);
    return x;
  };
}
