// The space coverage is measured in: the taxonomy's dimensions (or a matrix's subset of them and their levels)
// and its constraints, with the one question they raise: can these levels occur together at all? Pure.
import type { OddConstraint, Taxonomy } from '../../config/odd-config.js';

export interface SpaceDimension {
  name: string;
  levels: string[];
  /** Counted dimensions are the ones combinations are formed over; the others only take part in constraints. */
  counted: boolean;
}

export interface CoverageSpace {
  dimensions: SpaceDimension[];
  constraints: OddConstraint[];
}

/**
 * The taxonomy's whole space, or the part a test matrix plans: `pick` maps each counted dimension to its
 * levels ("all" for every one). Dimensions left out stay free: a combination is possible when some level of
 * theirs completes it without breaking a constraint.
 */
export function spaceOf(taxonomy: Taxonomy, pick?: Record<string, readonly string[] | 'all'>): CoverageSpace {
  for (const [dim, levels] of Object.entries(pick ?? {})) {
    const d = taxonomy.dimensions.find((x) => x.name === dim);
    if (!d) throw new Error(`coverage space: unknown dimension "${dim}": expected one of ${taxonomy.dimensions.map((x) => x.name).join(', ')}`);
    if (levels === 'all') continue;
    if (levels.length === 0) throw new Error(`coverage space: ${dim}: expected at least one level`);
    for (const l of levels) {
      if (!d.levels.some((x) => x.name === l)) throw new Error(`coverage space: unknown ${dim} level "${l}": expected one of ${d.levels.map((x) => x.name).join(', ')}`);
    }
  }
  return {
    dimensions: taxonomy.dimensions.map((d) => {
      const chosen = pick?.[d.name];
      const all = d.levels.map((l) => l.name);
      return { name: d.name, levels: chosen === undefined || chosen === 'all' ? all : all.filter((l) => chosen.includes(l)), counted: !pick || chosen !== undefined };
    }),
    constraints: taxonomy.constraints,
  };
}

/** A level index per dimension of the space, or FREE where none is chosen. */
export const FREE = -1;

/** Answers "can these chosen levels be completed into a combination no constraint forbids?". Memoised. */
export class ConstraintSolver {
  /** Dimensions some constraint names: the only ones a completion must search. */
  readonly constrained: number[];
  private readonly forbidden: { dim: number; levels: Set<number> }[][];
  private readonly memo = new Map<string, boolean>();

  constructor(readonly space: CoverageSpace) {
    const index = (dim: string) => space.dimensions.findIndex((d) => d.name === dim);
    this.forbidden = space.constraints
      .map((c) => Object.entries(c).map(([dim, levels]) => {
        const i = index(dim);
        if (i < 0) throw new Error(`coverage space: a constraint names unknown dimension "${dim}"`);
        return { dim: i, levels: new Set(levels.map((l) => space.dimensions[i].levels.indexOf(l)).filter((x) => x >= 0)) };
      }))
      // a constraint on levels this space leaves out can never apply
      .filter((f) => f.every((c) => c.levels.size > 0));
    this.constrained = [...new Set(this.forbidden.flatMap((f) => f.map((c) => c.dim)))].sort((a, b) => a - b);
  }

  /** True when the chosen levels themselves break a constraint. */
  violates(row: readonly number[]): boolean {
    return this.forbidden.some((f) => f.every((c) => row[c.dim] !== FREE && c.levels.has(row[c.dim])));
  }

  /** True when some choice of the free dimensions' levels completes `row` without breaking a constraint. */
  allowed(row: readonly number[]): boolean {
    if (this.forbidden.length === 0) return true;
    if (this.violates(row)) return false;
    const key = this.constrained.map((d) => row[d]).join(',');
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const work = [...row];
    const free = this.constrained.filter((d) => work[d] === FREE);
    const search = (i: number): boolean => {
      if (i === free.length) return true;
      const d = free[i];
      for (let v = 0; v < this.space.dimensions[d].levels.length; v++) {
        work[d] = v;
        if (!this.violates(work) && search(i + 1)) return true;
      }
      work[d] = FREE;
      return false;
    };
    const result = search(0);
    this.memo.set(key, result);
    return result;
  }

  /** How many level choices over `dims` are allowed; searches only the constrained ones among them. */
  countAllowed(dims: readonly number[]): number {
    const free = dims.filter((d) => !this.constrained.includes(d));
    const product = free.reduce((n, d) => n * this.space.dimensions[d].levels.length, 1);
    const searched = dims.filter((d) => this.constrained.includes(d));
    const row = new Array<number>(this.space.dimensions.length).fill(FREE);
    // constraints that no full combination escapes leave nothing allowed, unconstrained dimensions included
    if (!this.allowed(row)) return 0;
    const count = (i: number): number => {
      if (i === searched.length) return 1;
      let n = 0;
      const d = searched[i];
      for (let v = 0; v < this.space.dimensions[d].levels.length; v++) {
        row[d] = v;
        if (this.allowed(row)) n += count(i + 1);
      }
      row[d] = FREE;
      return n;
    };
    return product * count(0);
  }
}

/** Every way to choose k of the given items, in lexicographic order. */
export function subsets<T>(items: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  const pick = (start: number, chosen: T[]) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i <= items.length - (k - chosen.length); i++) pick(i + 1, [...chosen, items[i]]);
  };
  pick(0, []);
  return out;
}
