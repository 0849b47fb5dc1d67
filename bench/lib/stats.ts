// Small statistics for benchmark samples: median of runs, latency percentiles, rates.
// Pure.

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Latencies {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export function latencies(ms: number[]): Latencies {
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms), n: ms.length };
}

/** Operations per second of `count` operations that took `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return (count * 1000) / ms;
}

/** A rate in thousands with one decimal, for progress lines and notes: `12.3k`. */
export function k(rate: number): string {
  return `${(rate / 1000).toFixed(1)}k`;
}
