// Checks an array: every allowed t-tuple of levels is in some row (a counter per tuple, per column set,
// never the full product), no row breaks a constraint; the lower bound and the size of the full product.
import { ConstraintSolver, constraintComponents, FREE, levelTuples, type Forbidden } from './constraints.js';
import { TupleSpace } from './tuple-space.js';

export interface CoverageReport {
  /** Allowed t-tuples (over all parameter subsets) and how many no row covers. */
  tuples: number;
  missing: { params: number[]; values: number[] }[];
  /** Rows that break a constraint. */
  violating: number[];
}

export function checkCoverage(levels: readonly number[], forbidden: readonly Forbidden[], t: number, rows: readonly (readonly number[])[]): CoverageReport {
  const solver = new ConstraintSolver(levels, forbidden);
  const space = new TupleSpace(levels, t);
  const report: CoverageReport = { tuples: 0, missing: [], violating: [] };
  const counts = new Int32Array(space.size);
  rows.forEach((row, i) => {
    const valid = row.length === levels.length && row.every((v, p) => Number.isInteger(v) && v >= 0 && v < levels[p]);
    if (!valid || solver.violates(row)) report.violating.push(i);
    if (valid) space.add(counts, row, 1);
  });
  const mask = space.allowedMask(solver);
  for (let i = 0; i < space.size; i++) {
    if (!mask[i]) continue;
    report.tuples++;
    if (counts[i] === 0) report.missing.push({ params: space.params(space.setOf[i]), values: space.values(i) });
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
  if (forbidden.length === 0) return [...levels].sort((a, b) => b - a).slice(0, k).reduce((a, b) => a * b, 1);
  // Only parameters that constraints mention can be forced, and only by each other: the levels a partial
  // assignment forces depend on its constrained part alone, so they are worked out once per such part.
  const constrained = solver.constrained;
  const isConstrained = levels.map((_, p) => constrained.includes(p));
  const forcedBy = new Map<string, [number, number][]>();
  const memo = new Map<string, number>();
  const closure = (a: number[]): number[] => {
    const key = constrained.map((q) => a[q]).join(',');
    let forced = forcedBy.get(key);
    if (!forced) {
      const out = new Array<number>(a.length).fill(FREE);
      for (const q of constrained) out[q] = a[q];
      for (let changed = true; changed;) {
        changed = false;
        for (const q of constrained) {
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
      forced = constrained.filter((q) => a[q] === FREE && out[q] !== FREE).map((q) => [q, out[q]]);
      forcedBy.set(key, forced);
    }
    const out = [...a];
    for (const [q, u] of forced) out[q] = u;
    return out;
  };
  const size = (a: number[]) => a.filter((v) => v !== FREE).length;
  const rowsHolding = (a: number[]): number => {
    if (!solver.allowed(a)) return 0;
    // a full t-tuple of unconstrained parameters neither forces nor is forced: one row holds it
    if (size(a) === k && a.every((v, p) => v === FREE || !isConstrained[p])) return 1;
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

/** Every full row that no constraint forbids (the full cartesian product, filtered): small matrices only. */
export function fullProduct(levels: readonly number[], forbidden: readonly Forbidden[]): number[][] {
  const solver = new ConstraintSolver(levels, forbidden);
  return levelTuples(levels, levels.map((_, i) => i)).filter((row) => !solver.violates(row));
}

/**
 * How many rows the full product has under the constraints, without listing them: the product of the
 * level counts of unconstrained parameters times, for each group of parameters tied by constraints, the
 * allowed combinations of that group (searched with pruning; a group is usually a handful of parameters).
 * Exact up to 2^53; above that, a float.
 */
export function fullProductSize(levels: readonly number[], forbidden: readonly Forbidden[]): number {
  const components = constraintComponents(levels.length, forbidden);
  const tied = new Set(components.flatMap((c) => c.params));
  let size = levels.reduce((n, l, p) => (tied.has(p) ? n : n * l), 1);
  for (const { params, forbidden: rules } of components) {
    const row = new Array<number>(levels.length).fill(FREE);
    const breaks = () => rules.some((f) => f.every((c) => row[c.param] !== FREE && c.levels.includes(row[c.param])));
    const count = (i: number): number => {
      if (i === params.length) return 1;
      let n = 0;
      for (let v = 0; v < levels[params[i]]; v++) {
        row[params[i]] = v;
        if (!breaks()) n += count(i + 1);
      }
      row[params[i]] = FREE;
      return n;
    };
    size *= count(0);
  }
  return size;
}
