// Forbidden combinations over levels as numbers, and the question the generators ask: can this
// partial row still become a full row that no constraint forbids? Pure; answers are memoised.

/** One forbidden combination: every listed parameter takes one of its listed levels. */
export type Forbidden = { param: number; levels: readonly number[] }[];

/** A row under construction: a level per parameter, or -1 where it is not chosen yet. */
export type PartialRow = readonly number[];
export const FREE = -1;

/** A row of n parameters with `values` at `params` and every other parameter free. */
export function partialRow(n: number, params: readonly number[], values: readonly number[]): number[] {
  const row = new Array<number>(n).fill(FREE);
  params.forEach((p, i) => (row[p] = values[i]));
  return row;
}

export class ConstraintSolver {
  private readonly memo = new Map<string, boolean>();
  /** Parameters that some constraint mentions: only they need a search. */
  private readonly constrained: number[];

  constructor(readonly levels: readonly number[], readonly forbidden: readonly Forbidden[]) {
    this.constrained = [...new Set(forbidden.flatMap((f) => f.map((c) => c.param)))].sort((a, b) => a - b);
  }

  /** True when the row breaks a constraint with the levels chosen so far. */
  violates(row: PartialRow): boolean {
    return this.forbidden.some((f) => f.every((c) => row[c.param] !== FREE && c.levels.includes(row[c.param])));
  }

  /** True when the chosen levels can be completed into a full row that no constraint forbids. */
  allowed(row: PartialRow): boolean {
    if (this.forbidden.length === 0) return true;
    if (this.violates(row)) return false;
    const key = this.constrained.map((p) => row[p]).join(',');
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const work = [...row];
    const free = this.constrained.filter((p) => work[p] === FREE);
    const search = (i: number): boolean => {
      if (i === free.length) return true;
      const p = free[i];
      for (let v = 0; v < this.levels[p]; v++) {
        work[p] = v;
        if (!this.violates(work) && search(i + 1)) {
          work[p] = FREE;
          return true;
        }
      }
      work[p] = FREE;
      return false;
    };
    const result = search(0);
    this.memo.set(key, result);
    return result;
  }
}

/** Every way to choose k of n parameters, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i <= n - (k - chosen.length); i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return out;
}

/** Every tuple of levels for the given parameters (mixed radix, last parameter fastest). */
export function levelTuples(levels: readonly number[], params: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const p of params) out = out.flatMap((t) => Array.from({ length: levels[p] }, (_, v) => [...t, v]));
  return out;
}
