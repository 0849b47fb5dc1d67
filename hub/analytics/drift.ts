// Drift between a baseline and a current histogram of one feature: the population stability index (PSI, with
// additive smoothing when a bin is empty on one side) and the Jensen-Shannon distance, banded by PSI. Pure.
import { countOf, type Histogram } from './histogram.js';

export interface DriftThresholds {
  /** PSI at or above this: moderate shift (default 0.1). */
  psi_moderate: number;
  /** PSI at or above this: significant shift (default 0.2). */
  psi_significant: number;
  /** Added to every bin's count when some bin is empty on one side only (default 0.5, Jeffreys' prior). */
  smoothing: number;
}

export const DEFAULT_DRIFT: DriftThresholds = { psi_moderate: 0.1, psi_significant: 0.2, smoothing: 0.5 };

/** no_data: one side has no sample in any bin, so there is nothing to compare. */
export type DriftBand = 'stable' | 'moderate' | 'significant' | 'no_data';

function checkCounts(baseline: readonly number[], current: readonly number[]): void {
  if (baseline.length !== current.length) throw new RangeError(`histograms differ in bins: ${baseline.length} and ${current.length}`);
  for (const c of [...baseline, ...current]) if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`counts must be finite and non-negative, got ${c}`);
}

/**
 * PSI = sum over bins of (q - p) ln(q / p), p the baseline's share and q the current's. Bins empty on both
 * sides carry no information and are left out. If a bin is empty on one side only its log ratio is infinite:
 * then `smoothing` is added to every remaining bin's count on both sides, p = (a + s) / (N + s B). Without an
 * empty bin nothing is smoothed, so equal shares give exactly 0. NaN when a side has no samples.
 */
export function psi(baseline: readonly number[], current: readonly number[], smoothing = DEFAULT_DRIFT.smoothing): number {
  checkCounts(baseline, current);
  if (!(smoothing > 0)) throw new RangeError(`smoothing must be positive, got ${smoothing}`);
  const bins = baseline.flatMap((a, i) => (a > 0 || current[i] > 0 ? [[a, current[i]]] : []));
  const na = bins.reduce((s, [a]) => s + a, 0);
  const nb = bins.reduce((s, [, b]) => s + b, 0);
  if (na === 0 || nb === 0) return NaN;
  const s = bins.some(([a, b]) => a === 0 || b === 0) ? smoothing : 0;
  let sum = 0;
  for (const [a, b] of bins) {
    const p = (a + s) / (na + s * bins.length);
    const q = (b + s) / (nb + s * bins.length);
    sum += (q - p) * Math.log(q / p);
  }
  return sum;
}

/**
 * Jensen-Shannon distance, base 2: sqrt of JSD = (KL(P||M) + KL(Q||M)) / 2 with M = (P + Q) / 2, so 0 for
 * equal shares and 1 for disjoint ones. Needs no smoothing (0 log 0 = 0, and M > 0 wherever P or Q is).
 * NaN when a side has no samples.
 */
export function jsDistance(baseline: readonly number[], current: readonly number[]): number {
  checkCounts(baseline, current);
  const na = baseline.reduce((s, a) => s + a, 0);
  const nb = current.reduce((s, b) => s + b, 0);
  if (na === 0 || nb === 0) return NaN;
  let jsd = 0;
  baseline.forEach((a, i) => {
    const p = a / na;
    const q = current[i] / nb;
    const m = (p + q) / 2;
    if (p > 0) jsd += (p / 2) * Math.log2(p / m);
    if (q > 0) jsd += (q / 2) * Math.log2(q / m);
  });
  // rounding can leave JSD a hair outside [0, 1]
  return Math.sqrt(Math.min(1, Math.max(0, jsd)));
}

export function bandOf(psiValue: number, t: Pick<DriftThresholds, 'psi_moderate' | 'psi_significant'> = DEFAULT_DRIFT): DriftBand {
  if (Number.isNaN(psiValue)) return 'no_data';
  return psiValue >= t.psi_significant ? 'significant' : psiValue >= t.psi_moderate ? 'moderate' : 'stable';
}

export interface DriftResult {
  feature: string;
  /** null when a side has no samples (band no_data). */
  psi: number | null;
  js: number | null;
  band: DriftBand;
  baseline_n: number;
  current_n: number;
  /** Samples without the field, per side: a change here is a change in what is measured, not in the values. */
  baseline_missing: number;
  current_missing: number;
}

/** Compares two histograms of the same feature with the same edges. */
export function compareHistograms(baseline: Histogram, current: Histogram, t: DriftThresholds = DEFAULT_DRIFT): DriftResult {
  if (baseline.feature !== current.feature || baseline.edges.length !== current.edges.length || baseline.edges.some((e, i) => e !== current.edges[i])) {
    throw new Error(`cannot compare histogram ${baseline.feature} (edges ${baseline.edges.join(' ')}) with ${current.feature} (edges ${current.edges.join(' ')})`);
  }
  const p = psi(baseline.counts, current.counts, t.smoothing);
  const js = jsDistance(baseline.counts, current.counts);
  return {
    feature: baseline.feature,
    psi: Number.isNaN(p) ? null : p,
    js: Number.isNaN(js) ? null : js,
    band: bandOf(p, t),
    baseline_n: countOf(baseline),
    current_n: countOf(current),
    baseline_missing: baseline.missing,
    current_missing: current.missing,
  };
}
