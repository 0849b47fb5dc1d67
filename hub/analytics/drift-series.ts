// Drift over time: per feature, PSI and the Jensen-Shannon distance of each day (or other whole-hour bucket) of
// the current selection against the baseline, for the fleet and one device, with both histograms to plot. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import { DEFAULT_CURRENT, DriftSpecError, type DriftSelectionSpec } from '../../config/odd/drift-spec.js';
import type { HistogramBinRow } from '../store/index.js';
import { resolveSelections, type ResolveOptions, type SelectionInfo } from './drift-baseline.js';
import { histogramsOf, thresholdsOf, type DriftReport } from './drift-report.js';
import { compareHistograms, type DriftBand } from './drift.js';
import { countOf, type Histogram } from './histogram.js';

const HOUR_MS = 3_600_000;
/** Points per feature and scope at most: a wider bucket or a narrower window beyond this. */
export const MAX_SERIES_POINTS = 5000;

/** `6h`, `1d`, `7d`: a whole number of hours or days, as milliseconds; errors name `param`. */
export function parseBucket(text: string, param = 'bucket'): number {
  const m = /^(\d{1,5})([hd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'd' ? 24 : 1) * HOUR_MS : 0;
  if (!(ms > 0)) throw new DriftSpecError(param, `expected a whole number of hours or days (6h, 1d, 7d), got "${text}"`);
  return ms;
}

export interface SeriesOptions extends ResolveOptions {
  /** Bucket width, whole hours (the aggregates are hourly); default one day. Buckets align to multiples of it since 1970 (UTC days). */
  bucketMs?: number;
  /** Adds this device's series (its current rows against the fleet's baseline). */
  device?: string;
  /** Only these features (default: every feature of the taxonomy), in the taxonomy's order. */
  features?: readonly string[];
}

export interface HistogramCounts {
  /** counts.length = edges.length + 1 (the feature's edges). */
  counts: number[];
  /** Samples that did not measure the field. */
  missing: number;
  /** Samples in bins. */
  n: number;
}

export interface DriftPoint {
  /** The bucket's start; it lasts bucket_ms. */
  start_ms: number;
  psi: number | null;
  js: number | null;
  band: DriftBand;
  /** Current samples in bins in this bucket, and those without the field. */
  n: number;
  missing: number;
}

export interface FeatureSeries {
  feature: string;
  field: string;
  edges: number[];
  baseline: HistogramCounts;
  /** The fleet's whole current selection (device_current: the device's, when one is asked for). */
  current: HistogramCounts;
  device_current: HistogramCounts | null;
  fleet: DriftPoint[];
  device_points: DriftPoint[] | null;
}

export interface DriftSeries {
  taxonomy: DriftReport['taxonomy'];
  thresholds: DriftReport['thresholds'];
  baseline: SelectionInfo;
  current: SelectionInfo;
  bucket_ms: number;
  device: string | null;
  /** The first bucket's start and the last one's end (null: no current rows); every bucket between has a point. */
  from_ms: number | null;
  until_ms: number | null;
  features: FeatureSeries[];
}

const countsOf = (h: Histogram): HistogramCounts => ({ counts: h.counts, missing: h.missing, n: countOf(h) });

/** Per bucket, the histograms of the rows in it. */
function byBucket(taxonomy: Taxonomy, rows: HistogramBinRow[], width: number): Map<number, Map<string, Histogram>> {
  const groups = new Map<number, HistogramBinRow[]>();
  for (const r of rows) {
    const start = Math.floor(r.bucketMs / width) * width;
    let g = groups.get(start);
    if (!g) groups.set(start, (g = []));
    g.push(r);
  }
  return new Map([...groups].map(([start, g]) => [start, histogramsOf(taxonomy, g)]));
}

/**
 * Every bucket from the first holding current rows to the last: the fleet's (and the device's) current rows of
 * that bucket against the whole baseline. A bucket with no samples has band no_data and null figures.
 */
export function driftSeries(taxonomy: Taxonomy, rows: readonly HistogramBinRow[], baseline: DriftSelectionSpec | string, current: DriftSelectionSpec | string = DEFAULT_CURRENT, options: SeriesOptions = {}): DriftSeries {
  const width = options.bucketMs ?? 24 * HOUR_MS;
  if (!(Number.isSafeInteger(width) && width > 0 && width % HOUR_MS === 0)) throw new DriftSpecError('bucket', `must be a whole number of hours, got ${width} ms`);
  const known = taxonomy.features.map((f) => f.name);
  for (const f of options.features ?? []) {
    if (!known.includes(f)) throw new DriftSpecError('feature', `unknown feature "${f}": expected one of ${known.join(', ')}`);
  }
  const features = taxonomy.features.filter((f) => !options.features || options.features.includes(f.name));
  const s = resolveSelections(baseline, current, rows, options);
  const currentRows = rows.filter((r) => s.current.includes(r));
  const deviceRows = options.device === undefined ? undefined : currentRows.filter((r) => r.deviceId === options.device);
  const fleetBuckets = byBucket(taxonomy, currentRows, width);
  const deviceBuckets = deviceRows && byBucket(taxonomy, deviceRows, width);
  const starts = [...fleetBuckets.keys()];
  const from = starts.length ? Math.min(...starts) : null;
  const last = starts.length ? Math.max(...starts) : null;
  const points = from === null ? 0 : (last! - from) / width + 1;
  if (points > MAX_SERIES_POINTS) {
    throw new DriftSpecError('bucket', `${width / HOUR_MS}h buckets over ${iso(from!)}..${iso(last! + width)} give ${points} points, at most ${MAX_SERIES_POINTS}: use a wider bucket or a narrower window`);
  }
  const base = histogramsOf(taxonomy, rows.filter((r) => s.baseline.includes(r)));
  const whole = histogramsOf(taxonomy, currentRows);
  const deviceWhole = deviceRows && histogramsOf(taxonomy, deviceRows);
  const t = thresholdsOf(taxonomy);
  const seriesOf = (buckets: Map<number, Map<string, Histogram>>, feature: string): DriftPoint[] => {
    const out: DriftPoint[] = [];
    for (let i = 0; i < points; i++) {
      const start = from! + i * width;
      const h = buckets.get(start)?.get(feature);
      const c = h ? compareHistograms(base.get(feature)!, h, t) : undefined;
      out.push({ start_ms: start, psi: c?.psi ?? null, js: c?.js ?? null, band: c?.band ?? 'no_data', n: c?.current_n ?? 0, missing: c?.current_missing ?? 0 });
    }
    return out;
  };
  return {
    taxonomy: { id: taxonomy.id, fingerprint: taxonomy.fingerprint },
    thresholds: t,
    baseline: s.baseline.info,
    current: s.current.info,
    bucket_ms: width,
    device: options.device ?? null,
    from_ms: from,
    until_ms: last === null ? null : last + width,
    features: features.map((f) => ({
      feature: f.name, field: f.field, edges: [...f.edges],
      baseline: countsOf(base.get(f.name)!),
      current: countsOf(whole.get(f.name)!),
      device_current: deviceWhole ? countsOf(deviceWhole.get(f.name)!) : null,
      fleet: seriesOf(fleetBuckets, f.name),
      device_points: deviceBuckets ? seriesOf(deviceBuckets, f.name) : null,
    })),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
