// The covering-array generator on small matrices: every allowed t-way combination of levels is in some
// row, no row breaks a constraint, and the size meets the lower bound where the optimum is known.
import { describe, expect, it } from 'vitest';
import { checkCoverage, combinations, coveringArray, fullProduct, lowerBound, type Forbidden } from '../../simulator/matrix/index.js';
import { seededRandom, type Random } from '../../simulator/prng.js';

/** 3-6 parameters of 2-4 levels, and up to 3 forbidden combinations of 2-3 parameters, 1-2 levels each. */
function randomMatrix(random: Random): { levels: number[]; forbidden: Forbidden[] } {
  const n = 3 + Math.floor(random() * 4);
  const levels = Array.from({ length: n }, () => 2 + Math.floor(random() * 3));
  const forbidden: Forbidden[] = [];
  const count = Math.floor(random() * 4);
  for (let c = 0; c < count; c++) {
    const params = levels.map((_, i) => i).sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 2)).sort((a, b) => a - b);
    forbidden.push(params.map((param) => {
      const first = Math.floor(random() * levels[param]);
      return { param, levels: random() < 0.3 ? [first, (first + 1) % levels[param]] : [first] };
    }));
  }
  return { levels, forbidden };
}

describe('covering arrays (IPOG-F with constraints, post-optimised)', () => {
  for (const t of [2, 3]) {
    it(`covers every allowed ${t}-way combination of random small matrices and respects their constraints`, () => {
      const random = seededRandom(1000 + t);
      for (let trial = 0; trial < 25; trial++) {
        const { levels, forbidden } = randomMatrix(random);
        if (fullProduct(levels, forbidden).length === 0) continue;
        const rows = coveringArray(levels, forbidden, { strength: t, seed: trial, attempts: 4 });
        const report = checkCoverage(levels, forbidden, t, rows);
        expect(report.missing, `levels ${levels} constraints ${JSON.stringify(forbidden)}`).toEqual([]);
        expect(report.violating).toEqual([]);
        expect(rows.length).toBeGreaterThanOrEqual(lowerBound(levels, forbidden, t));
        expect(rows.length).toBeLessThanOrEqual(fullProduct(levels, forbidden).length);
        for (const row of rows) row.forEach((v, p) => expect(v >= 0 && v < levels[p]).toBe(true));
      }
    });
  }

  it('meets the lower bound for levels 4,4,3,3: 16 rows pairwise, 48 rows 3-way', () => {
    expect(lowerBound([4, 4, 3, 3], [], 2)).toBe(16);
    expect(lowerBound([4, 4, 3, 3], [], 3)).toBe(48);
    expect(coveringArray([4, 4, 3, 3], [], { strength: 2, seed: 1 })).toHaveLength(16);
    expect(coveringArray([4, 4, 3, 3], [], { strength: 3, seed: 1 })).toHaveLength(48);
    expect(coveringArray([3, 3, 3, 3], [], { strength: 2, seed: 1 })).toHaveLength(9);
  });

  it('is deterministic for a seed', () => {
    const forbidden: Forbidden[] = [[{ param: 1, levels: [3] }, { param: 0, levels: [1, 2, 3] }]];
    expect(coveringArray([4, 4, 3, 3], forbidden, { strength: 2, seed: 9 })).toEqual(coveringArray([4, 4, 3, 3], forbidden, { strength: 2, seed: 9 }));
  });

  it('takes the bound up where constraints force levels: glare only with clear weather needs 15 rows, not 13', () => {
    const glareOnlyClear: Forbidden[] = [[{ param: 1, levels: [3] }, { param: 0, levels: [1, 2, 3] }]];
    expect(lowerBound([4, 4, 3, 3], glareOnlyClear, 2)).toBe(15);
    const rows = coveringArray([4, 4, 3, 3], glareOnlyClear, { strength: 2, seed: 1 });
    expect(rows).toHaveLength(15);
    expect(checkCoverage([4, 4, 3, 3], glareOnlyClear, 2, rows).missing).toEqual([]);
  });

  it('never claims a bound above the true optimum (exhaustive search over tiny matrices)', () => {
    const random = seededRandom(5);
    let checked = 0;
    for (let trial = 0; trial < 60 && checked < 15; trial++) {
      const { levels: all, forbidden: some } = randomMatrix(random);
      const levels = all.slice(0, 3).map((l) => Math.min(l, 3));
      const forbidden = some.map((f) => f.filter((c) => c.param < 3 && c.levels.every((v) => v < levels[c.param]))).filter((f) => f.length >= 2);
      const product = fullProduct(levels, forbidden);
      if (product.length === 0 || product.length > 12) continue;
      checked++;
      const optimum = smallestCovering(levels, forbidden, product, 2);
      expect(lowerBound(levels, forbidden, 2)).toBeLessThanOrEqual(optimum);
      expect(coveringArray(levels, forbidden, { strength: 2, seed: trial }).length).toBeGreaterThanOrEqual(optimum);
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('the full product lists every allowed row once', () => {
    const rows = fullProduct([2, 3, 2], [[{ param: 0, levels: [1] }, { param: 1, levels: [2] }]]);
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.join())).size).toBe(10);
    expect(rows.some((r) => r[0] === 1 && r[1] === 2)).toBe(false);
  });
});

/** The fewest rows of the product that cover every allowed t-tuple, by trying subsets in size order. */
function smallestCovering(levels: number[], forbidden: Forbidden[], product: number[][], t: number): number {
  for (let k = 1; k <= product.length; k++) {
    for (const pick of combinations(product.length, k)) {
      if (checkCoverage(levels, forbidden, t, pick.map((i) => product[i])).missing.length === 0) return k;
    }
  }
  return product.length;
}
