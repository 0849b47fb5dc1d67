// Checks an array by brute force: every allowed t-tuple of levels is in some row, and no row breaks a
// constraint. What the tests hold the generator to, and the bound it is measured against. Pure.
import { combinations, ConstraintSolver, FREE, levelTuples, partialRow, type Forbidden } from './constraints.js';

export interface CoverageReport {
  /** Allowed t-tuples (over all parameter subsets) and how many no row covers. */
  tuples: number;
  missing: { params: number[]; values: number[] }[];
  /** Rows that break a constraint. */
  violating: number[];
}

export function checkCoverage(levels: readonly number[], forbidden: readonly Forbidden[], t: number, rows: readonly (readonly number[])[]): CoverageReport {
  const solver = new ConstraintSolver(levels, forbidden);
  const k = Math.min(t, levels.length);
  const report: CoverageReport = { tuples: 0, missing: [], violating: [] };
  rows.forEach((row, i) => {
    if (solver.violates(row)) report.violating.push(i);
  });
  for (const params of combinations(levels.length, k)) {
    const seen = new Set(rows.map((row) => params.map((p) => row[p]).join(',')));
    for (const values of levelTuples(levels, params)) {
      if (!solver.allowed(partialRow(levels.length, params, values))) continue;
      report.tuples++;
      if (!seen.has(values.join(','))) report.missing.push({ params, values });
    }
  }
  return report;
}

/**
 * A lower bound on the rows of any t-way covering array. The rows holding a partial assignment A
 * (|A| < t) must cover every allowed level of any other parameter q together with A, so
 * rows(A) >= max over q of the sum over levels u of rows(A + {q=u}); a t-tuple needs one row. Where
 * constraints force levels (glare only with clear weather), rows(A) is also at least rows(C) for any
 * C within A that forces the rest of A. Without constraints this is the product of the t largest level
 * counts (16 for levels 4,4,3,3 at t = 2); with them it can be much tighter than that product.
 */
export function lowerBound(levels: readonly number[], forbidden: readonly Forbidden[], t: number): number {
  const solver = new ConstraintSolver(levels, forbidden);
  const k = Math.min(t, levels.length);
  const memo = new Map<string, number>();
  const closure = (a: number[]): number[] => {
    const out = [...a];
    for (let changed = true; changed;) {
      changed = false;
      for (let q = 0; q < out.length; q++) {
        if (out[q] !== FREE) continue;
        const options = Array.from({ length: levels[q] }, (_, u) => u).filter((u) => {
          out[q] = u;
          const ok = solver.allowed(out);
          out[q] = FREE;
          return ok;
        });
        if (options.length === 1) {
          out[q] = options[0];
          changed = true;
        }
      }
    }
    return out;
  };
  const size = (a: number[]) => a.filter((v) => v !== FREE).length;
  const rowsHolding = (a: number[]): number => {
    if (!solver.allowed(a)) return 0;
    const key = a.join(',');
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, 1); // a cycle through forced levels ends here, with the trivial bound
    const full = closure(a);
    let bound = 1;
    if (size(a) < k) {
      for (let q = 0; q < a.length; q++) {
        if (full[q] !== FREE) continue;
        let sum = 0;
        for (let u = 0; u < levels[q]; u++) {
          const next = [...a];
          next[q] = u;
          sum += rowsHolding(next);
        }
        bound = Math.max(bound, sum);
      }
    }
    // a smaller assignment that forces this one is held by exactly the same rows
    for (let p = 0; p < a.length; p++) {
      if (a[p] === FREE) continue;
      const smaller = [...a];
      smaller[p] = FREE;
      if (closure(smaller)[p] === a[p]) bound = Math.max(bound, rowsHolding(smaller));
    }
    memo.set(key, bound);
    return bound;
  };
  return rowsHolding(new Array<number>(levels.length).fill(FREE));
}

/** Every full row that no constraint forbids (the full cartesian product, filtered). */
export function fullProduct(levels: readonly number[], forbidden: readonly Forbidden[]): number[][] {
  const solver = new ConstraintSolver(levels, forbidden);
  return levelTuples(levels, levels.map((_, i) => i)).filter((row) => !solver.violates(row));
}
