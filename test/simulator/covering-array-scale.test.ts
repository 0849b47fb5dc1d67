// Covering arrays at a test team's scale (10-30 dimensions): every t-tuple covered, constraints kept,
// row counts within 1.3x of the best known (Colbourn's tables), and plans that never list the full product.
import { describe, expect, it } from 'vitest';
import { parseMatrix } from '../../config/matrix-config.js';
import {
  bestKnownRows, checkCoverage, combinations, coveringArray, fullProduct, fullProductSize, levelTuples, lowerBound, MAX_FULL_ROWS, planMatrix,
  TupleSpace, type Forbidden,
} from '../../simulator/matrix/index.js';
import { seededRandom, type Random } from '../../simulator/prng.js';

/** Missing allowed t-tuples and breaking rows, by brute force over the full product: the oracle for small cases. */
function bruteForce(levels: number[], forbidden: Forbidden[], t: number, rows: number[][]) {
  const allowedRows = fullProduct(levels, forbidden);
  const missing: string[] = [];
  for (const params of combinations(levels.length, Math.min(t, levels.length))) {
    const key = (row: number[]) => params.map((p) => row[p]).join(',');
    const seen = new Set(rows.map(key));
    for (const k of new Set(allowedRows.map(key))) if (!seen.has(k)) missing.push(`${params}=${k}`);
  }
  const breaking = rows.filter((row) => forbidden.some((f) => f.every((c) => c.levels.includes(row[c.param]))));
  return { missing, breaking };
}

/** Every t-tuple of levels over every t columns, when no constraint applies (no full product needed). */
function uncoveredTuples(levels: number[], t: number, rows: number[][]): number {
  let uncovered = 0;
  for (const params of combinations(levels.length, t)) {
    const seen = new Set(rows.map((row) => params.map((p) => row[p]).join(',')));
    for (const values of levelTuples(levels, params)) if (!seen.has(values.join(','))) uncovered++;
  }
  return uncovered;
}

function randomConstraints(random: Random, levels: number[], count: number): Forbidden[] {
  return Array.from({ length: count }, () => {
    const params = levels.map((_, i) => i).sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 2)).sort((a, b) => a - b);
    return params.map((param) => {
      const first = Math.floor(random() * levels[param]);
      return { param, levels: random() < 0.3 ? [first, (first + 1) % levels[param]] : [first] };
    });
  });
}

const uniform = (k: number, v: number) => new Array<number>(k).fill(v);
const memo = new Map<string, number[][]>();
/** The array for k factors of v levels at strength t, seed 1, made once for all the tests that look at it. */
function uniformArray(t: number, k: number, v: number): number[][] {
  const key = `${t},${k},${v}`;
  if (!memo.has(key)) memo.set(key, coveringArray(uniform(k, v), [], { strength: t, seed: 1 }));
  return memo.get(key)!;
}

describe('covering arrays at scale', () => {
  it('covers every t-tuple for a range of factors, levels and strengths, the same rows for the same seed', () => {
    const cases: [number, number[]][] = [
      [2, uniform(2, 3)], [2, uniform(5, 2)], [2, uniform(8, 4)], [2, uniform(13, 3)], [2, [5, 4, 3, 3, 2, 2, 2, 6]],
      [3, uniform(3, 2)], [3, uniform(6, 3)], [3, uniform(7, 2)], [3, [4, 4, 3, 3, 2, 5]],
    ];
    for (const [t, levels] of cases) {
      const o = { strength: t, seed: 3, attempts: 2, shrinkSteps: 2000 };
      const rows = coveringArray(levels, [], o);
      expect(uncoveredTuples(levels, t, rows), `t=${t} levels ${levels}`).toBe(0);
      expect(rows.every((row) => row.length === levels.length && row.every((v, p) => Number.isInteger(v) && v >= 0 && v < levels[p]))).toBe(true);
      expect(coveringArray(levels, [], o)).toEqual(rows);
    }
  });

  it('never breaks a constraint and covers every allowed tuple (checked against the full product)', () => {
    const random = seededRandom(77);
    for (let trial = 0; trial < 16; trial++) {
      const t = trial % 2 ? 3 : 2;
      const levels = Array.from({ length: 6 + Math.floor(random() * 3) }, () => 2 + Math.floor(random() * 2));
      const forbidden = randomConstraints(random, levels, 1 + Math.floor(random() * 4));
      if (fullProduct(levels, forbidden).length === 0) continue;
      const rows = coveringArray(levels, forbidden, { strength: t, seed: trial, attempts: 2, shrinkSteps: 2000 });
      const oracle = bruteForce(levels, forbidden, t, rows);
      expect(oracle.missing, `levels ${levels} constraints ${JSON.stringify(forbidden)}`).toEqual([]);
      expect(oracle.breaking).toEqual([]);
      // the tuple-counting checker agrees with the oracle, on a good array and on one with a row taken out
      expect(checkCoverage(levels, forbidden, t, rows)).toMatchObject({ missing: [], violating: [] });
      expect(checkCoverage(levels, forbidden, t, rows.slice(1)).missing.length).toBe(bruteForce(levels, forbidden, t, rows.slice(1)).missing.length);
    }
  });

  it('runs 30 factors of 3 levels pairwise and 10 factors of 3 levels 3-way, covering everything', () => {
    const pairwise = uniformArray(2, 30, 3);
    expect(uncoveredTuples(uniform(30, 3), 2, pairwise)).toBe(0);
    expect(checkCoverage(uniform(30, 3), [], 2, pairwise)).toMatchObject({ tuples: 435 * 9, missing: [], violating: [] });
    const threeWay = uniformArray(3, 10, 3);
    expect(uncoveredTuples(uniform(10, 3), 3, threeWay)).toBe(0);
    expect(checkCoverage(uniform(10, 3), [], 3, threeWay)).toMatchObject({ tuples: 120 * 27, missing: [], violating: [] });
  });

  it('keeps constraints at scale: 30 factors with glare only in clear weather and a three-way exclusion', () => {
    const levels = [4, 4, ...uniform(28, 3)];
    const forbidden: Forbidden[] = [
      [{ param: 1, levels: [3] }, { param: 0, levels: [1, 2, 3] }],
      [{ param: 2, levels: [2] }, { param: 5, levels: [0] }, { param: 7, levels: [1] }],
    ];
    const rows = coveringArray(levels, forbidden, { strength: 2, seed: 4 });
    expect(checkCoverage(levels, forbidden, 2, rows)).toMatchObject({ missing: [], violating: [] });
    expect(rows.length).toBeGreaterThanOrEqual(lowerBound(levels, forbidden, 2));
    expect(rows.some((r) => r[1] === 3 && r[0] !== 0)).toBe(false);
    expect(rows.some((r) => r[1] === 3 && r[0] === 0)).toBe(true);
  });

  // Best known sizes from Colbourn's covering array tables (see simulator/matrix/known-bounds.ts for the
  // source): CA(9;2,4,3), CA(15;2,13,3), CA(15;2,15,3), CA(18;2,30,3), CA(16;2,5,4), CA(24;2,10,4),
  // CA(6;2,10,2), CA(10;3,5,2), CA(27;3,4,3), CA(33;3,6,3), CA(45;3,10,3).
  it('stays within 1.3x of the best known row counts, and meets them where an orthogonal array exists', () => {
    const cases: [number, number, number, number][] = [
      [2, 4, 3, 9], [2, 13, 3, 15], [2, 15, 3, 15], [2, 30, 3, 18], [2, 5, 4, 16], [2, 10, 4, 24], [2, 10, 2, 6],
      [3, 5, 2, 10], [3, 4, 3, 27], [3, 6, 3, 33], [3, 10, 3, 45],
    ];
    for (const [t, k, v, best] of cases) {
      expect(bestKnownRows(t, k, v)).toBe(best);
      const rows = uniformArray(t, k, v).length;
      expect(rows, `CA(N;${t},${k},${v}): ${rows} rows, best known ${best}`).toBeLessThanOrEqual(Math.floor(1.3 * best));
      expect(rows).toBeGreaterThanOrEqual(lowerBound(uniform(k, v), [], t));
    }
    expect(uniformArray(2, 4, 3)).toHaveLength(9); // OA(9; 2, 4, 3)
    expect(uniformArray(2, 5, 4)).toHaveLength(16); // OA(16; 2, 5, 4)
    expect(uniformArray(3, 4, 3)).toHaveLength(27); // the full product is the only 3-way array of 4 factors
  });
});

describe('tuple space', () => {
  it('gives every t-tuple of every column set one slot, grouped by the set\'s last parameter', () => {
    const levels = [3, 2, 4, 2, 3];
    const space = new TupleSpace(levels, 3);
    expect(space.sets).toBe(10);
    expect(space.size).toBe(combinations(5, 3).reduce((n, s) => n + s.reduce((m, p) => m * levels[p], 1), 0));
    const seen = new Set<string>();
    for (let slot = 0; slot < space.size; slot++) {
      const s = space.setOf[slot];
      const params = space.params(s);
      const values = space.values(slot);
      const row = levels.map(() => -1);
      params.forEach((p, j) => (row[p] = values[j]));
      expect(space.slot(s, row)).toBe(slot);
      seen.add(`${params}:${values}`);
      expect(s).toBeGreaterThanOrEqual(space.firstSet[params[2]]);
      expect(s).toBeLessThan(space.firstSet[params[2] + 1]);
    }
    expect(seen.size).toBe(space.size);
    levels.forEach((_, p) => {
      expect(space.setsWith[p].length).toBe(6); // C(4, 2) sets hold each parameter
      space.setsWith[p].forEach((s, x) => {
        const j = space.params(s).indexOf(p);
        expect(space.strides[s * 3 + j]).toBe(space.stridesWith[p][x]);
      });
    });
  });
});

describe('plans at scale', () => {
  const bigMatrix = (n: number, strength: 2 | 3) => [
    'id: big', `strength: ${strength}`, 'seed: 5', 'base:', '  duration_s: 10', '  rate_hz: 1', 'dimensions:',
    '  weather: [clear, rain, fog, snow]', '  lighting: [day, dusk, night, glare]',
    ...Array.from({ length: n - 2 }, (_, i) => `  f${i}: { lo: {}, mid: {}, hi: {} }`),
    'constraints:', '  - { lighting: glare, weather: [fog, rain, snow] }', '',
  ].join('\n');

  it('counts the full product without listing it', () => {
    const random = seededRandom(8);
    for (let trial = 0; trial < 20; trial++) {
      const levels = Array.from({ length: 3 + Math.floor(random() * 4) }, () => 2 + Math.floor(random() * 3));
      const forbidden = randomConstraints(random, levels, Math.floor(random() * 4));
      expect(fullProductSize(levels, forbidden)).toBe(fullProduct(levels, forbidden).length);
    }
    // 13 of the 16 weather x lighting pairs are allowed, times 3^28
    expect(fullProductSize([4, 4, ...uniform(28, 3)], [[{ param: 1, levels: [3] }, { param: 0, levels: [1, 2, 3] }]])).toBe(13 * 3 ** 28);
  });

  it('plans 30 dimensions pairwise (the full product has 3e14 rows) and refuses to list that product', () => {
    const m = parseMatrix('big.yaml', bigMatrix(30, 2));
    const plan = planMatrix(m);
    expect(plan).toMatchObject({ strength: 2, lowerBound: 15, fullSize: 13 * 3 ** 28 });
    const names = plan.dimensions.map((d) => d.levels);
    const rows = plan.rows.map((r) => plan.dimensions.map((d, p) => names[p].indexOf(r.levels[d.name])));
    const forbidden: Forbidden[] = [[{ param: 1, levels: [3] }, { param: 0, levels: [1, 2, 3] }]];
    expect(checkCoverage(plan.dimensions.map((d) => d.levels.length), forbidden, 2, rows)).toMatchObject({ missing: [], violating: [] });
    expect(plan.rows.length).toBeLessThanOrEqual(Math.ceil(1.5 * plan.lowerBound));
    expect(() => planMatrix(m, { full: true })).toThrow(`the full product has 297,398,301,914,493 rows (more than ${MAX_FULL_ROWS.toLocaleString('en-US')})`);
  });
});
