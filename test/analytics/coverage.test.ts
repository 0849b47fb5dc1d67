// Coverage aggregates and t-way coverage: a small case worked by hand, merge laws on seeded random aggregates,
// and t-way figures recomputed by brute force over the full product on random small spaces.
import { describe, expect, it } from 'vitest';
import { parseOdd } from '../../config/index.js';
import {
  addToCell, cellRows, combinationCoverage, emptyCoverage, fieldOnlyCombinations, merge, sourceOf, spaceOf,
  type CoverageAggregate, type Source,
} from '../../hub/analytics/index.js';
import { seededRandom } from '../../simulator/prng.js';
import { bruteForceCoverage, randomAggregate, randomSpace } from './brute-force.js';

// a: 3 levels, b: 2, c: 2; glare in the dark cannot happen
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
constraints:
  - { a: dark, b: high }
`);

function handAggregate(): CoverageAggregate {
  const agg = emptyCoverage(small);
  addToCell(agg, ['dark', 'low', 'clean'], 'field', { samples: 3, exposure_ms: 3000, go: 2, no_go: 1 });
  addToCell(agg, ['bright', 'high', 'dirty'], 'simulation', { samples: 1, exposure_ms: 500, handovers: 1 });
  addToCell(agg, ['dim', 'low', 'unknown'], 'field', { samples: 2, exposure_ms: 2000 });
  addToCell(agg, ['dark', 'high', 'clean'], 'field', { samples: 1, exposure_ms: 1000 });
  return agg;
}

describe('coverage aggregates', () => {
  it('sums per cell and source, and lists cells with totals', () => {
    const agg = handAggregate();
    addToCell(agg, ['dark', 'low', 'clean'], 'field', { samples: 1, exposure_ms: 250, no_go: 1 });
    const rows = cellRows(agg);
    expect(rows.map((r) => r.key)).toEqual(['bright/high/dirty', 'dark/high/clean', 'dark/low/clean', 'dim/low/unknown']);
    expect(rows[2]).toEqual({
      cell: { a: 'dark', b: 'low', c: 'clean' }, key: 'dark/low/clean',
      total: { samples: 4, exposure_ms: 3250, go: 2, no_go: 2, handovers: 0 },
      by_source: { field: { samples: 4, exposure_ms: 3250, go: 2, no_go: 2, handovers: 0 } },
    });
    expect([sourceOf(1), sourceOf(2), sourceOf(3), sourceOf(0), sourceOf(undefined)]).toEqual(['field', 'simulation', 'replay', 'unspecified', 'unspecified']);
  });

  it('refuses fractional or negative figures, a wrong cell width and an unknown source', () => {
    const agg = emptyCoverage(small);
    expect(() => addToCell(agg, ['dark', 'low', 'clean'], 'field', { exposure_ms: 1.5 })).toThrow('exposure_ms must be a non-negative integer, got 1.5');
    expect(() => addToCell(agg, ['dark', 'low', 'clean'], 'field', { samples: -1 })).toThrow('samples must be a non-negative integer, got -1');
    expect(() => addToCell(agg, ['dark', 'low'], 'field', { samples: 1 })).toThrow('a cell needs 3 levels (a, b, c), got 2');
    expect(() => addToCell(agg, ['dark', 'low', 'clean'], 'lab' as Source, { samples: 1 })).toThrow('source must be one of field, simulation, replay, unspecified, got "lab"');
  });

  it('merges by summing, and refuses aggregates classified under another taxonomy', () => {
    const a = handAggregate();
    const b = emptyCoverage(small);
    addToCell(b, ['dark', 'low', 'clean'], 'field', { samples: 1, exposure_ms: 10 });
    addToCell(b, ['dark', 'low', 'clean'], 'replay', { samples: 5 });
    const m = merge(a, b);
    expect(m.cells['dark/low/clean']).toEqual({
      field: { samples: 4, exposure_ms: 3010, go: 2, no_go: 1, handovers: 0 },
      replay: { samples: 5, exposure_ms: 0, go: 0, no_go: 0, handovers: 0 },
    });
    expect(a.cells['dark/low/clean']?.replay).toBeUndefined();
    expect(() => merge(a, { ...b, taxonomy: 'ffffffffffffffff' })).toThrow(/cannot merge coverage classified under taxonomy [0-9a-f]{16} \(a, b, c\) with ffffffffffffffff .*rebuild one from the segments/);
  });

  it('merge is associative and commutative, has the empty aggregate as identity, and survives JSON (seeded)', () => {
    const random = seededRandom(20260701);
    for (let round = 0; round < 200; round++) {
      const [a, b, c] = [0, 1, 2].map(() => randomSmall(random));
      expect(merge(a, merge(b, c))).toStrictEqual(merge(merge(a, b), c));
      expect(merge(a, b)).toStrictEqual(merge(b, a));
      expect(merge(a, emptyCoverage(small))).toStrictEqual(merge(emptyCoverage(small), a));
      expect(merge(a, emptyCoverage(small))).toEqual(a);
      expect(JSON.parse(JSON.stringify(merge(a, b)))).toStrictEqual(merge(a, b));
    }
  });
});

function randomSmall(random: () => number): CoverageAggregate {
  const agg = emptyCoverage(small);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  for (let i = Math.floor(random() * 8); i > 0; i--) {
    addToCell(agg, [pick(['dark', 'dim', 'bright', 'unknown']), pick(['low', 'high', 'unknown']), pick(['clean', 'dirty'])], pick(['field', 'simulation', 'replay', 'unspecified']), {
      samples: Math.floor(random() * 5), exposure_ms: Math.floor(random() * 1e12), go: Math.floor(random() * 3), no_go: Math.floor(random() * 3), handovers: Math.floor(random() * 2),
    });
  }
  return agg;
}

describe('t-way coverage, worked by hand', () => {
  const agg = handAggregate();
  const space = spaceOf(small);

  it('pairwise over every source: 8 of 15 allowed pairs, the dark-glare pair excluded but reported as seen', () => {
    const r = combinationCoverage(agg, space, { t: 2 });
    expect([r.valid, r.covered, r.uncovered_total, r.complete_subsets]).toEqual([15, 8, 7, 0]);
    expect(r.ratio).toBeCloseTo(8 / 15, 12);
    expect(r.subsets).toEqual([
      { dimensions: ['a', 'b'], valid: 5, covered: 3 },
      { dimensions: ['a', 'c'], valid: 6, covered: 2 },
      { dimensions: ['b', 'c'], valid: 4, covered: 3 },
    ]);
    expect(r.uncovered.slice(0, 2)).toEqual([{ a: 'dim', b: 'high' }, { a: 'bright', b: 'low' }]);
    expect(r.observed_excluded).toEqual([{ combination: { a: 'dark', b: 'high' }, samples: 1, exposure_s: 1 }]);
  });

  it('1-way and full cells: every level seen; 2 of the 10 allowed full cells', () => {
    const one = combinationCoverage(agg, space, { t: 1 });
    expect([one.valid, one.covered, one.ratio, one.complete_subsets]).toEqual([7, 7, 1, 3]);
    const full = combinationCoverage(agg, space, { t: 3 });
    expect([full.valid, full.covered, full.uncovered_total]).toEqual([10, 2, 8]);
    expect(full.observed_excluded.map((o) => o.combination)).toEqual([{ a: 'dark', b: 'high', c: 'clean' }]);
  });

  it('splits by source, and applies the minimum to the sum over every cell holding a combination', () => {
    expect(combinationCoverage(agg, space, { t: 2, sources: ['field'] }).covered).toBe(5);
    expect(combinationCoverage(agg, space, { t: 2, sources: ['simulation'] }).covered).toBe(3);
    // (a dark, c clean) holds 3 + 1 samples across two cells; (b high, c dirty) only 1
    const two = combinationCoverage(agg, space, { t: 2, min: { min_samples: 2, min_exposure_s: 0 } });
    expect(two.subsets.map((s) => s.covered)).toEqual([2, 1, 1]);
    const secs = combinationCoverage(agg, space, { t: 2, min: { min_samples: 1, min_exposure_s: 2.5 } });
    expect(secs.subsets.map((s) => s.covered)).toEqual([1, 1, 1]);
  });

  it('lists what the field met that no simulation covered, flagging the excluded one', () => {
    const only = fieldOnlyCombinations(agg, space, { t: 2 });
    expect(only.map((o) => [o.combination, o.samples, o.excluded])).toEqual([
      [{ a: 'dark', b: 'low' }, 3, false],
      [{ a: 'dim', b: 'low' }, 2, false],
      [{ a: 'dark', b: 'high' }, 1, true],
      [{ a: 'dark', c: 'clean' }, 4, false],
      [{ b: 'low', c: 'clean' }, 3, false],
      [{ b: 'high', c: 'clean' }, 1, false],
    ]);
  });

  it('measures a matrix\'s part of the space: its dimensions and levels, the rest free', () => {
    const part = spaceOf(small, { a: ['dark', 'bright'], b: 'all' });
    const r = combinationCoverage(agg, part, { t: 2 });
    expect([r.valid, r.covered]).toEqual([3, 2]);
    expect(r.uncovered).toEqual([{ a: 'bright', b: 'low' }]);
    expect(() => spaceOf(small, { a: ['dusk'] })).toThrow('coverage space: unknown a level "dusk": expected one of dark, dim, bright');
    expect(() => combinationCoverage(agg, part, { t: 3 })).toThrow('t must be an integer from 1 to 2 (the counted dimensions), got 3');
  });

  it('caps the uncovered list but counts them all', () => {
    const r = combinationCoverage(emptyCoverage(small), space, { t: 3, limit: 4 });
    expect([r.valid, r.covered, r.uncovered_total, r.uncovered.length, r.ratio]).toEqual([10, 0, 10, 4, 0]);
  });
});

describe('t-way coverage against brute force over the full product', () => {
  it('agrees on random small spaces, constraints, cells and minimums (seeded)', () => {
    const random = seededRandom(34503);
    for (let round = 0; round < 300; round++) {
      const space = randomSpace(random);
      const agg = randomAggregate(random, space);
      const counted = space.dimensions.filter((d) => d.counted).length;
      const t = 1 + Math.floor(random() * Math.min(3, counted));
      const min = { min_samples: 1 + Math.floor(random() * 3), min_exposure_s: random() < 0.5 ? 0 : Math.floor(random() * 4) };
      const sources: Source[] = random() < 0.5 ? ['field', 'simulation', 'replay', 'unspecified'] : ['field'];
      const expected = bruteForceCoverage(agg, space, t, sources, min);
      const got = combinationCoverage(agg, space, { t, sources, min, limit: 1e6 });
      const label = `round ${round}: ${JSON.stringify(space)} t=${t}`;
      expect({ valid: got.valid, covered: got.covered, subsets: got.subsets }, label).toEqual({ valid: expected.valid, covered: expected.covered, subsets: expected.subsets });
      expect(new Set(got.uncovered.map((c) => JSON.stringify(c))), label).toEqual(expected.uncovered);
      expect(new Set(got.observed_excluded.map((o) => JSON.stringify(o.combination))), label).toEqual(expected.excluded);
    }
  });
});
