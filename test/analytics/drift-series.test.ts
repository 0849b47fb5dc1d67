// driftSeries over hand-built rows: one point per bucket from the first current bucket to the last (empty ones
// included), each against the whole baseline; the histograms to plot; a device's series; and its errors.
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { compareHistograms, emptyHistogram, psi } from '../../hub/analytics/index.js';
import { DriftSpecError } from '../../hub/analytics/drift-baseline.js';
import { driftSeries, MAX_SERIES_POINTS, parseBucket } from '../../hub/analytics/drift-series.js';
import type { HistogramBinRow } from '../../hub/store/index.js';

const taxonomy = loadOddFile();
const luxFeature = taxonomy.features.find((f) => f.name === 'lux')!;
const lux = JSON.stringify(luxFeature.edges);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Date.UTC(2026, 0, 5);
const row = (deviceId: string, source: string, bucketMs: number, bin: number, count: number): HistogramBinRow =>
  ({ deviceId, bucketMs, source, feature: 'lux', edges: lux, bin, count });

const rows = [
  row('sim-1', 'simulation', D0 - 30 * DAY, 2, 50), row('sim-1', 'simulation', D0 - 30 * DAY, 3, 50),
  // day 0: the baseline's shares, over two devices and two hours
  row('ugv-1', 'field', D0 + 1 * HOUR, 2, 20), row('ugv-2', 'field', D0 + 5 * HOUR, 3, 20), row('ugv-1', 'field', D0 + 5 * HOUR, -1, 3),
  // day 1: nothing; day 2: shifted, ugv-2 only
  row('ugv-2', 'field', D0 + 2 * DAY + 23 * HOUR, 2, 9), row('ugv-2', 'field', D0 + 2 * DAY + 23 * HOUR, 3, 1),
];

describe('parseBucket', () => {
  it('reads whole hours or days, and names the parameter when it cannot', () => {
    expect([parseBucket('1h'), parseBucket('6h'), parseBucket('1d'), parseBucket(' 7d ')]).toEqual([HOUR, 6 * HOUR, DAY, 7 * DAY]);
    for (const bad of ['0h', '90m', '1w', '1.5d', '', 'd']) {
      expect(() => parseBucket(bad)).toThrow(DriftSpecError);
      expect(() => parseBucket(bad, '--bucket')).toThrow(`--bucket: expected a whole number of hours or days (6h, 1d, 7d), got "${bad}"`);
    }
  });
});

describe('driftSeries', () => {
  it('gives a point per day from the first current day to the last, each day against the whole baseline', () => {
    const s = driftSeries(taxonomy, rows, 'source:simulation', 'source:field', { features: ['lux'] });
    expect([s.bucket_ms, s.device, s.from_ms, s.until_ms]).toEqual([DAY, null, D0, D0 + 3 * DAY]);
    expect(s.baseline.spec).toBe('source:simulation');
    expect(s.features.map((f) => f.feature)).toEqual(['lux']);
    const f = s.features[0];
    expect(f.fleet.map((p) => [p.start_ms, p.band, p.n, p.missing])).toEqual([[D0, 'stable', 40, 3], [D0 + DAY, 'no_data', 0, 0], [D0 + 2 * DAY, 'significant', 10, 0]]);
    expect([f.fleet[0].psi, f.fleet[0].js]).toEqual([0, 0]);
    expect(f.fleet[1]).toMatchObject({ psi: null, js: null });
    expect(f.fleet[2].psi).toBeCloseTo(psi([50, 50], [9, 1]), 12);
    // what to plot: edges, the baseline's counts and the whole current selection's
    expect(f.edges).toEqual(luxFeature.edges);
    const counts = (bins: Record<number, number>) => Object.assign(new Array(luxFeature.edges.length + 1).fill(0), bins);
    expect(f.baseline).toEqual({ counts: counts({ 2: 50, 3: 50 }), missing: 0, n: 100 });
    expect(f.current).toEqual({ counts: counts({ 2: 29, 3: 21 }), missing: 3, n: 50 });
    expect([f.device_current, f.device_points]).toEqual([null, null]);
  });

  it('adds one device\'s series on the fleet\'s days, against the fleet\'s baseline', () => {
    const s = driftSeries(taxonomy, rows, 'source:simulation', 'source:field', { device: 'ugv-1', features: ['lux'] });
    const f = s.features[0];
    expect(f.device_points!.map((p) => [p.start_ms, p.band, p.n])).toEqual([[D0, 'significant', 20], [D0 + DAY, 'no_data', 0], [D0 + 2 * DAY, 'no_data', 0]]);
    const base = emptyHistogram(luxFeature);
    base.counts[2] = 50;
    base.counts[3] = 50;
    const one = emptyHistogram(luxFeature);
    one.counts[2] = 20;
    // bin 3 empty on one side only: smoothed, as the report does
    expect(f.device_points![0].psi).toBeCloseTo(compareHistograms(base, one, taxonomy.drift).psi!, 12);
    expect(f.device_current).toMatchObject({ n: 20, missing: 3 });
  });

  it('buckets align to multiples of their width since 1970 (UTC days for 1d)', () => {
    const s = driftSeries(taxonomy, rows, 'source:simulation', 'source:field', { bucketMs: 6 * HOUR, features: ['lux'] });
    expect(s.from_ms).toBe(D0);
    expect(s.features[0].fleet.length).toBe(12);
    expect(s.features[0].fleet.filter((p) => p.n > 0).map((p) => (p.start_ms - D0) / HOUR)).toEqual([0, 66]);
  });

  it('every feature by default; nothing current: no points; refuses unknown features, odd widths and too many points', () => {
    const all = driftSeries(taxonomy, rows, 'source:simulation');
    expect(all.features.map((f) => f.feature)).toEqual(taxonomy.features.map((f) => f.name));
    expect(all.features.find((f) => f.feature === 'glare')!.fleet.every((p) => p.band === 'no_data')).toBe(true);
    const none = driftSeries(taxonomy, rows, 'source:simulation', 'source:replay');
    expect([none.from_ms, none.until_ms, none.features[0].fleet]).toEqual([null, null, []]);
    expect(() => driftSeries(taxonomy, rows, 'source:simulation', 'source:field', { features: ['lx'] })).toThrow(/^feature: unknown feature "lx": expected one of precipitation_mm_h, /);
    expect(() => driftSeries(taxonomy, rows, 'source:simulation', 'source:field', { bucketMs: 90 * 60_000 })).toThrow('bucket: must be a whole number of hours, got 5400000 ms');
    const long = [row('ugv-1', 'field', D0, 2, 1), row('ugv-1', 'field', D0 + MAX_SERIES_POINTS * HOUR, 2, 1)];
    expect(() => driftSeries(taxonomy, long, 'source:simulation', 'source:field', { bucketMs: HOUR })).toThrow(/^bucket: 1h buckets over .* give 5001 points, at most 5000: use a wider bucket or a narrower window$/);
    expect(driftSeries(taxonomy, long, 'source:simulation', 'source:field', { bucketMs: 2 * HOUR }).features[0].fleet.length).toBe(2501);
  });
});
