// Fixed-bin histograms per feature (a measured Conditions field, edges from the taxonomy): integer counts that
// merge exactly across windows, devices and hubs, with samples that lack the field counted apart. Pure.
import { CONDITIONS_FIELDS, type OddFeature, type Taxonomy } from '../../config/odd-config.js';
import type { Conditions } from '../../proto/index.js';

export interface Histogram {
  feature: string;
  field: string;
  /** Increasing edges e0..e(n-1): bin 0 is (-inf, e0), bin i is [e(i-1), e(i)), bin n is [e(n-1), inf). */
  edges: number[];
  /** n + 1 counts. */
  counts: number[];
  /** Samples that did not measure the field: not in any bin, never in the drift figures. */
  missing: number;
}

/** Features by name. */
export type HistogramSet = Record<string, Histogram>;

export function emptyHistogram(feature: OddFeature): Histogram {
  return { feature: feature.name, field: feature.field, edges: [...feature.edges], counts: new Array<number>(feature.edges.length + 1).fill(0), missing: 0 };
}

export function emptyHistograms(taxonomy: Taxonomy): HistogramSet {
  return Object.fromEntries(taxonomy.features.map((f) => [f.name, emptyHistogram(f)]));
}

/** The bin `v` falls in: how many edges are at or below it (binary search). */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts `v` (undefined or not finite: missing) `count` times, in place. */
export function observe(h: Histogram, v: number | undefined, count = 1): void {
  if (!(Number.isSafeInteger(count) && count >= 0)) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (v === undefined || !Number.isFinite(v)) h.missing += count;
  else h.counts[binOf(h.edges, v)] += count;
}

/** An observer for the taxonomy's features: files each feature's field of a Conditions sample, in place. */
export function histogramObserver(taxonomy: Taxonomy): (set: HistogramSet, c: Conditions) => void {
  const readers = taxonomy.features.map((f) => ({ name: f.name, field: CONDITIONS_FIELDS.get(f.field)! }));
  return (set, c) => {
    for (const r of readers) {
      const h = set[r.name];
      if (!h) throw new Error(`no histogram for feature "${r.name}": start from emptyHistograms(taxonomy)`);
      observe(h, r.field.read(c));
    }
  };
}

/** a + b as a new histogram; refuses different features, fields or edges (rebuild from the segments instead). */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  if (a.feature !== b.feature || a.field !== b.field || a.edges.length !== b.edges.length || a.edges.some((e, i) => e !== b.edges[i])) {
    throw new Error(`cannot merge histogram ${a.feature} (${a.field}, edges ${a.edges.join(' ')}) with ${b.feature} (${b.field}, edges ${b.edges.join(' ')})`);
  }
  return { feature: a.feature, field: a.field, edges: [...a.edges], counts: a.counts.map((c, i) => c + b.counts[i]), missing: a.missing + b.missing };
}

/** Feature-wise merge; a feature only one side holds is copied. */
export function mergeHistogramSets(a: HistogramSet, b: HistogramSet): HistogramSet {
  const out: HistogramSet = {};
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[name];
    const y = b[name];
    out[name] = x && y ? mergeHistograms(x, y) : structuredClone((x ?? y)!);
  }
  return out;
}

/** Samples in bins (missing ones excluded). */
export function countOf(h: Histogram): number {
  return h.counts.reduce((s, c) => s + c, 0);
}
