// Performance by condition, worked by hand: confidence bins, quantiles and means from bins, Wilson intervals,
// and the worse-cell rule per cell, per model and per model's cells, with its minimum counts.
import { describe, expect, it } from 'vitest';
import { parseOdd } from '../../config/index.js';
import { binQuantile, confidenceBin, decisionModel, modelOf, performanceOf, wilsonInterval } from '../../hub/analytics/index.js';
import type { PerformanceTotal } from '../../hub/store/index.js';

const small = parseOdd('small.yaml', `
id: small
dimensions:
  a:
    levels:
      dark: { when: { field: lighting.lux, lt: 1 } }
      dim: { when: { field: lighting.lux, gte: 1, lt: 100 } }
      bright: { when: { field: lighting.lux, gte: 100 } }
  b:
    levels:
      low: { when: { field: lighting.glare, lt: 0.5 } }
      high: { when: { field: lighting.glare, gte: 0.5 } }
  c:
    levels:
      clean: { when: { field: occlusion.fraction, lt: 0.5 } }
      dirty: { when: { field: occlusion.fraction, gte: 0.5 } }
`);

const bins = (entries: Record<number, number>) => Array.from({ length: 10 }, (_, i) => entries[i] ?? 0);

// dark/low/clean is good; bright/high/dirty is poor (confidence 0.2-0.5, 14 of 20 no-go); dim/low/unknown is poor but small
const TOTALS: PerformanceTotal[] = [
  { cell: 'dark/low/clean', source: 'field', model: 'det@1', confidence: bins({ 8: 100 }), missing: 5, go: 90, no_go: 10 },
  { cell: 'bright/high/dirty', source: 'field', model: 'det@2', confidence: bins({ 2: 20, 4: 20 }), missing: 0, go: 6, no_go: 14 },
  { cell: 'dim/low/unknown', source: 'simulation', model: 'det@2', confidence: bins({ 0: 10 }), missing: 0, go: 0, no_go: 3 },
];

describe('confidence bins and model names', () => {
  it('bins float32 values by float32 edges, clamps outside [0, 1], and leaves non-numbers out', () => {
    // the wire's values are float32: fround(0.1) is the edge itself; the double 0.1 is just below it
    expect([0, 0.05, Math.fround(0.1), 0.1, Math.fround(0.7), 0.99, 1, -0.2, 1.5].map(confidenceBin)).toEqual([0, 0, 1, 0, 7, 9, 9, 0, 9]);
    expect([undefined, null, Number.NaN].map(confidenceBin)).toEqual([null, null, null]);
  });

  it('names a Boot\'s first model, and prefers a Decision\'s own', () => {
    expect(modelOf([{ id: 'det', version: '3.2' }, { id: 'seg', version: '1' }])).toBe('det@3.2');
    expect(modelOf([])).toBe('');
    expect(modelOf(undefined)).toBe('');
    expect(decisionModel('own', '9', 'det@3.2')).toBe('own@9');
    expect(decisionModel('', '9', 'det@3.2')).toBe('det@3.2');
  });
});

describe('figures from bins', () => {
  it('Wilson intervals', () => {
    const iv = wilsonInterval(14, 20)!;
    expect(iv[0]).toBeCloseTo(0.481023, 5);
    expect(iv[1]).toBeCloseTo(0.854525, 5);
    expect(wilsonInterval(3, 3)![1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(0, 10)![0]).toBe(0);
  });

  it('quantiles spread each bin\'s samples evenly across it', () => {
    const b = bins({ 0: 10, 2: 20, 4: 20, 8: 100 });
    // p10: the 15th of 150 is the 5th of bin 2's 20; p50: the 75th is the 25th of bin 8's 100
    expect(binQuantile(b, 0.1)).toBeCloseTo(0.225, 12);
    expect(binQuantile(b, 0.5)).toBeCloseTo(0.825, 12);
    expect(binQuantile(bins({ 2: 20, 4: 20 }), 0.5)).toBeCloseTo(0.3, 12);
    expect(binQuantile(bins({}), 0.5)).toBeNull();
  });
});

describe('performance by cell and model', () => {
  const r = performanceOf(small, TOTALS);

  it('the whole: 150 samples with a confidence, 5 without, 27 no-go of 123', () => {
    expect(r.whole).toMatchObject({ samples: 155, decisions: 123, go: 96, no_go: 27 });
    expect(r.whole.confidence).toMatchObject({ n: 150, missing: 5, bins: bins({ 0: 10, 2: 20, 4: 20, 8: 100 }) });
    expect(r.whole.confidence.mean).toBeCloseTo(99.5 / 150, 12);
    expect(r.whole.confidence.p10).toBeCloseTo(0.225, 12);
    expect(r.whole.confidence.p50).toBeCloseTo(0.825, 12);
    expect(r.whole.no_go_rate).toBeCloseTo(27 / 123, 12);
    expect(r.rule).toEqual({ z: 1.96, min_decisions: 10, min_samples: 30, confidence_margin: 0.05 });
  });

  it('flags the poor cell on both rules; the small poor cell is below both minimums', () => {
    expect(r.cells.map((c) => [c.key, c.worse, c.worse_by])).toEqual([
      ['bright/high/dirty', true, ['no_go', 'confidence']],
      ['dark/low/clean', false, []],
      ['dim/low/unknown', false, []],
    ]);
    expect(r.worse_cells).toEqual(['bright/high/dirty']);
    const poor = r.cells[0];
    expect(poor.cell).toEqual({ a: 'bright', b: 'high', c: 'dirty' });
    // mean 0.35, sd sqrt(40 * 0.01 / 39), upper bound 0.35 + 1.96 sd / sqrt(40) = 0.3814 < 0.6633 - 0.05
    expect(poor.confidence.mean).toBeCloseTo(0.35, 12);
    expect(poor.confidence.sd).toBeCloseTo(Math.sqrt(0.4 / 39), 12);
    expect(poor.reasons).toEqual([
      'no-go rate 70.0% (14 of 20; interval 48.1%-85.5%) is above the whole\'s 22.0%',
      'mean confidence 0.350 (upper bound 0.381, 40 samples) is more than 0.05 below the whole\'s 0.663',
    ]);
    // 3 of 3 no-go: a Wilson lower bound of 0.44 is above 0.22, but 3 decisions are fewer than 10
    expect(r.cells[2].no_go_interval![0]).toBeCloseTo(0.438494, 5);
  });

  it('flags the model whose cells are poor, and judges each model\'s cells against that model\'s own whole', () => {
    expect(r.models.map((m) => [m.model, m.worse_by])).toEqual([['det@1', []], ['det@2', ['no_go', 'confidence']]]);
    const det2 = r.models[1];
    expect(det2).toMatchObject({ decisions: 23, no_go: 17 });
    expect(det2.confidence.mean).toBeCloseTo(0.29, 12);
    // against det@2's 74% no-go and 0.29 mean, its 70% cell is not worse
    expect(det2.cells.map((c) => [c.key, c.worse])).toEqual([['bright/high/dirty', false], ['dim/low/unknown', false]]);
  });

  it('lowers the minimums and the margin on request, and filters by source', () => {
    const loose = performanceOf(small, TOTALS, { min_decisions: 3, min_samples: 10 });
    expect(loose.worse_cells).toEqual(['bright/high/dirty', 'dim/low/unknown']);
    expect(performanceOf(small, TOTALS, { confidence_margin: 0.3 }).cells[0].worse_by).toEqual(['no_go']);
    const field = performanceOf(small, TOTALS, { sources: ['field'] });
    expect(field.whole).toMatchObject({ decisions: 120, no_go: 24 });
    expect(field.cells.map((c) => c.key)).toEqual(['bright/high/dirty', 'dark/low/clean']);
  });

  it('gives nulls, not NaN, where there is nothing to measure', () => {
    const none = performanceOf(small, []);
    expect(none.whole).toMatchObject({ samples: 0, decisions: 0, no_go_rate: null, no_go_interval: null });
    expect(none.whole.confidence).toMatchObject({ n: 0, mean: null, sd: null, p10: null, p50: null });
    expect(none.cells).toEqual([]);
  });
});
