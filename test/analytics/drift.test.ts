// Fixed-bin histograms and drift: bins at their edges, exact merges (seeded laws), and PSI and the
// Jensen-Shannon distance against hand-computed cases and their edge cases (empty bins, one bin, equal, disjoint).
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/index.js';
import {
  bandOf, binOf, compareHistograms, emptyHistogram, emptyHistograms, histogramObserver, jsDistance, mergeHistograms,
  mergeHistogramSets, observe, psi, type Histogram,
} from '../../hub/analytics/index.js';
import { schema } from '../../proto/index.js';
import { seededRandom } from '../../simulator/prng.js';

const feature = { name: 'lux', field: 'lighting.lux', edges: [1, 10] };

function histogram(counts: number[], missing = 0): Histogram {
  return { feature: 'f', field: 'lighting.lux', edges: counts.slice(1).map((_, i) => i + 1), counts, missing };
}

describe('histograms', () => {
  it('bins as (-inf, e0), [e0, e1), ..., [e_last, inf), and counts unmeasured values apart', () => {
    expect([-5, 0.99, 1, 9.99, 10, 1e9].map((v) => binOf(feature.edges, v))).toEqual([0, 0, 1, 1, 2, 2]);
    const h = emptyHistogram(feature);
    for (const v of [0.5, 1, 5, 10, 11, undefined, NaN, Infinity]) observe(h, v);
    observe(h, 3, 4);
    expect(h).toEqual({ feature: 'lux', field: 'lighting.lux', edges: [1, 10], counts: [1, 6, 2], missing: 3 });
    expect(() => observe(h, 1, 0.5)).toThrow('count must be a non-negative integer, got 0.5');
  });

  it('files the taxonomy\'s features from Conditions, float32 edges meeting float32 values', () => {
    const taxonomy = loadOddFile();
    const set = emptyHistograms(taxonomy);
    const observeConditions = histogramObserver(taxonomy);
    observeConditions(set, { weather: { precipitation: schema.Weather.Precipitation.RAIN, precipitationMmH: Math.fround(7.6) }, lighting: { lux: 50 } });
    observeConditions(set, { vibration: { rmsX: 3, rmsY: 4, rmsZ: 0 } });
    expect(set.precipitation_mm_h.counts).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(set.lux.counts).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect([set.lux.missing, set.vibration_rms.counts, set.vibration_rms.missing]).toEqual([1, [0, 1, 0], 1]);
  });

  it('merges exactly: associative, commutative, JSON-safe (seeded); refuses other edges', () => {
    const random = seededRandom(142);
    const draw = () => {
      const h = emptyHistogram(feature);
      for (let i = Math.floor(random() * 50); i > 0; i--) observe(h, random() < 0.1 ? undefined : random() * 20 - 2, 1 + Math.floor(random() * 3));
      return h;
    };
    for (let round = 0; round < 200; round++) {
      const [a, b, c] = [draw(), draw(), draw()];
      expect(mergeHistograms(a, mergeHistograms(b, c))).toStrictEqual(mergeHistograms(mergeHistograms(a, b), c));
      expect(mergeHistograms(a, b)).toStrictEqual(mergeHistograms(b, a));
      expect(JSON.parse(JSON.stringify(mergeHistograms(a, b)))).toStrictEqual(mergeHistograms(a, b));
    }
    expect(() => mergeHistograms(emptyHistogram(feature), emptyHistogram({ ...feature, edges: [1, 20] }))).toThrow('cannot merge histogram lux (lighting.lux, edges 1 10) with lux (lighting.lux, edges 1 20)');
    const sets = mergeHistogramSets({ lux: histogram([1, 2]) }, { lux: histogram([3, 4]), glare: histogram([5, 6]) });
    expect([sets.lux.counts, sets.glare.counts]).toEqual([[4, 6], [5, 6]]);
  });
});

describe('PSI and Jensen-Shannon distance', () => {
  it('match hand computations', () => {
    // 0.4 ln(0.9/0.5) + (-0.4) ln(0.1/0.5)
    expect(psi([50, 50], [90, 10])).toBeCloseTo(0.4 * Math.log(1.8) - 0.4 * Math.log(0.2), 12);
    expect(psi([50, 50], [90, 10])).toBeCloseTo(0.878890, 6);
    expect(psi([25, 25, 25, 25], [20, 30, 20, 30])).toBeCloseTo(0.1 * (Math.log(1.2) - Math.log(0.8)), 12);
    // M = (0.7, 0.3); JSD = (0.125770 + 0.167817) / 2
    expect(jsDistance([50, 50], [90, 10])).toBeCloseTo(0.383136, 6);
  });

  it('smooth only when a bin is empty on one side, with 0.5 per bin by default', () => {
    // baseline (10.5, 0.5) / 11 against (5.5, 5.5) / 11
    const p = [10.5 / 11, 0.5 / 11];
    const expected = (0.5 - p[0]) * Math.log(0.5 / p[0]) + (0.5 - p[1]) * Math.log(0.5 / p[1]);
    expect(psi([10, 0], [5, 5])).toBeCloseTo(expected, 12);
    expect(psi([10, 0], [5, 5])).toBeCloseTo(1.383874, 6);
    // a bin empty on both sides says nothing and changes nothing
    expect(psi([10, 0, 0], [5, 5, 0])).toBe(psi([10, 0], [5, 5]));
    // a larger smoothing pulls the shares together
    expect(psi([10, 0], [5, 5], 2)).toBeLessThan(psi([10, 0], [5, 5]));
    // JS needs no smoothing: p = (1, 0), q = (0.5, 0.5)
    expect(jsDistance([10, 0], [5, 5])).toBeCloseTo(Math.sqrt((Math.log2(4 / 3) + 0.5 * Math.log2(2 / 3) + 0.5)/ 2), 12);
  });

  it('are 0 for equal shares (whatever the sample sizes) and for one bin; disjoint shares give JS 1', () => {
    expect(psi([3, 0, 7], [6, 0, 14])).toBe(0);
    expect(jsDistance([3, 0, 7], [6, 0, 14])).toBe(0);
    expect([psi([5], [70]), jsDistance([5], [70])]).toEqual([0, 0]);
    expect(jsDistance([5, 0], [0, 5])).toBe(1);
    expect(jsDistance([0, 3, 0, 1], [2, 0, 9, 0])).toBe(1);
    // disjoint under smoothing: shares 11:1 and 1:11, so 2 * (5/6) * ln 11
    expect(psi([5, 0], [0, 5])).toBeCloseTo(2 * (5 / 6) * Math.log(11), 12);
  });

  it('are NaN with no samples on a side, and refuse mismatched or negative counts', () => {
    expect(psi([0, 0], [1, 2])).toBeNaN();
    expect(jsDistance([1, 2], [0, 0])).toBeNaN();
    expect(() => psi([1, 2], [1, 2, 3])).toThrow('histograms differ in bins: 2 and 3');
    expect(() => jsDistance([1, -2], [1, 2])).toThrow('counts must be finite and non-negative, got -2');
    expect(() => psi([1, 2], [1, 2], 0)).toThrow('smoothing must be positive, got 0');
  });

  it('are symmetric, PSI >= 0 and JS in [0, 1] on random counts (seeded)', () => {
    const random = seededRandom(800142);
    for (let round = 0; round < 500; round++) {
      const bins = 1 + Math.floor(random() * 8);
      const draw = () => Array.from({ length: bins }, () => (random() < 0.3 ? 0 : Math.floor(random() * 100)));
      const [a, b] = [draw(), draw()];
      if (a.every((c) => c === 0) || b.every((c) => c === 0)) continue;
      expect(psi(a, b)).toBeCloseTo(psi(b, a), 12);
      expect(psi(a, b)).toBeGreaterThanOrEqual(0);
      const js = jsDistance(a, b);
      expect(js).toBeCloseTo(jsDistance(b, a), 12);
      expect(js).toBeGreaterThanOrEqual(0);
      expect(js).toBeLessThanOrEqual(1);
    }
  });
});

describe('drift bands', () => {
  it('band PSI at 0.1 and 0.2 by default (lower bounds inclusive), or at configured thresholds', () => {
    expect([0, 0.0999, 0.1, 0.1999, 0.2, 5].map((v) => bandOf(v))).toEqual(['stable', 'stable', 'moderate', 'moderate', 'significant', 'significant']);
    expect(bandOf(0.15, { psi_moderate: 0.05, psi_significant: 0.15 })).toBe('significant');
    expect(bandOf(NaN)).toBe('no_data');
  });

  it('compares two histograms of a feature, reporting counts and missing samples per side', () => {
    const r = compareHistograms(histogram([50, 50], 4), histogram([70, 30], 0));
    expect(r).toEqual({ feature: 'f', psi: expect.closeTo(0.2 * (Math.log(1.4) - Math.log(0.6)), 12), js: expect.any(Number), band: 'moderate', baseline_n: 100, current_n: 100, baseline_missing: 4, current_missing: 0 });
    expect(compareHistograms(histogram([0, 0], 9), histogram([1, 1]))).toMatchObject({ psi: null, js: null, band: 'no_data' });
    expect(() => compareHistograms(histogram([1, 1]), histogram([1, 1, 1]))).toThrow(/cannot compare histogram f \(edges 1\) with f \(edges 1 2\)/);
  });
});
