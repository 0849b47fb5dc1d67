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

/** Parameters tied together by constraints (directly or through others), with the constraints among them. */
export interface ConstraintComponent {
  params: number[];
  forbidden: Forbidden[];
}

/**
 * Splits the constrained parameters into independent groups: a row can be completed when each group can
 * be completed on its own, so every search (and the count of allowed rows) is over one group at a time.
 */
export function constraintComponents(n: number, forbidden: readonly Forbidden[]): ConstraintComponent[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (p: number): number => (parent[p] === p ? p : (parent[p] = find(parent[p])));
  for (const f of forbidden) for (const c of f) parent[find(c.param)] = find(f[0].param);
  const byRoot = new Map<number, ConstraintComponent>();
  for (const f of forbidden) {
    const root = find(f[0].param);
    const comp = byRoot.get(root) ?? { params: [], forbidden: [] };
    comp.forbidden.push(f);
    for (const c of f) if (!comp.params.includes(c.param)) comp.params.push(c.param);
    byRoot.set(root, comp);
  }
  return [...byRoot.values()].map((c) => ({ params: c.params.sort((a, b) => a - b), forbidden: c.forbidden }));
}

export class ConstraintSolver {
  private readonly components: ConstraintComponent[];
  private readonly memo: Map<string, boolean>[];

  constructor(readonly levels: readonly number[], readonly forbidden: readonly Forbidden[]) {
    this.components = constraintComponents(levels.length, forbidden);
    this.memo = this.components.map(() => new Map());
  }

  /** Parameters that some constraint mentions (only they can ever make a row disallowed). */
  get constrained(): number[] {
    return this.components.flatMap((c) => c.params).sort((a, b) => a - b);
  }

  /** True when the row breaks a constraint with the levels chosen so far. */
  violates(row: PartialRow): boolean {
    return this.forbidden.some((f) => breaks(f, row));
  }

  /** True when the chosen levels can be completed into a full row that no constraint forbids. */
  allowed(row: PartialRow): boolean {
    for (let i = 0; i < this.components.length; i++) if (!this.completable(i, row)) return false;
    return true;
  }

  private completable(i: number, row: PartialRow): boolean {
    const { params, forbidden } = this.components[i];
    if (forbidden.some((f) => breaks(f, row))) return false;
    const free = params.filter((p) => row[p] === FREE);
    if (free.length === 0) return true;
    const key = params.map((p) => row[p]).join(',');
    const known = this.memo[i].get(key);
    if (known !== undefined) return known;
    const work = [...row];
    const search = (j: number): boolean => {
      if (j === free.length) return true;
      const p = free[j];
      for (let v = 0; v < this.levels[p]; v++) {
        work[p] = v;
        if (!forbidden.some((f) => breaks(f, work)) && search(j + 1)) return true;
      }
      work[p] = FREE;
      return false;
    };
    const result = search(0);
    this.memo[i].set(key, result);
    return result;
  }
}

function breaks(f: Forbidden, row: PartialRow): boolean {
  for (const c of f) {
    const v = row[c.param];
    if (v === FREE || !c.levels.includes(v)) return false;
  }
  return true;
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
