// Every t-tuple of a matrix as a slot in one flat array: each t-subset of parameters (a column set) owns
// prod(levels) consecutive slots, so covering, counting and checking are array lookups, never the product.
import { ConstraintSolver, FREE, partialRow, type PartialRow } from './constraints.js';

export class TupleSpace {
  readonly t: number;
  /** Number of column sets: C(k, t). */
  readonly sets: number;
  /** Number of slots: the sum over column sets of the product of their level counts. */
  readonly size: number;
  /** Set s holds parameters cols[s*t .. s*t+t-1], ascending; sets come in colex order (by their last parameter). */
  readonly cols: Int32Array;
  /** Mixed-radix place value of each of a set's parameters (the last one is 1). */
  readonly strides: Int32Array;
  /** Set s owns slots offset[s] .. offset[s+1]-1. */
  readonly offset: Int32Array;
  /** The sets whose last parameter is p are firstSet[p] .. firstSet[p+1]-1. */
  readonly firstSet: Int32Array;
  /** The set each slot belongs to. */
  readonly setOf: Int32Array;
  /** The sets that hold parameter p, and p's place value in each of them. */
  readonly setsWith: Int32Array[];
  readonly stridesWith: Int32Array[];

  constructor(readonly levels: readonly number[], t: number) {
    const k = levels.length;
    this.t = t = Math.max(0, Math.min(t, k));
    const sets: number[][] = [];
    this.firstSet = new Int32Array(k + 1);
    for (let last = 0; last < k; last++) {
      this.firstSet[last] = sets.length;
      if (t > 0) for (const rest of lexCombinations(last, t - 1)) sets.push([...rest, last]);
    }
    this.firstSet[k] = sets.length;
    this.sets = sets.length;
    this.cols = new Int32Array(sets.flat());
    this.strides = new Int32Array(this.sets * t);
    this.offset = new Int32Array(this.sets + 1);
    const withParam: number[][] = levels.map(() => []);
    const strideWith: number[][] = levels.map(() => []);
    sets.forEach((set, s) => {
      let stride = 1;
      for (let j = t - 1; j >= 0; j--) {
        this.strides[s * t + j] = stride;
        withParam[set[j]].push(s);
        strideWith[set[j]].push(stride);
        stride *= levels[set[j]];
      }
      this.offset[s + 1] = this.offset[s] + stride;
    });
    this.size = this.offset[this.sets];
    this.setOf = new Int32Array(this.size);
    for (let s = 0; s < this.sets; s++) this.setOf.fill(s, this.offset[s], this.offset[s + 1]);
    this.setsWith = withParam.map((list) => new Int32Array(list));
    this.stridesWith = strideWith.map((list) => new Int32Array(list));
  }

  /** The slot of the row's levels in set s, or -1 when one of them is free. */
  slot(s: number, row: PartialRow): number {
    const t = this.t;
    let i = this.offset[s];
    for (let j = s * t; j < s * t + t; j++) {
      const v = row[this.cols[j]];
      if (v === FREE) return -1;
      i += v * this.strides[j];
    }
    return i;
  }

  /** The parameters of set s. */
  params(s: number): number[] {
    return Array.from(this.cols.subarray(s * this.t, s * this.t + this.t));
  }

  /** The levels a slot stands for, one per parameter of its set. */
  values(slot: number): number[] {
    const s = this.setOf[slot];
    let rest = slot - this.offset[s];
    return Array.from({ length: this.t }, (_, j) => {
      const stride = this.strides[s * this.t + j];
      const v = Math.floor(rest / stride);
      rest -= v * stride;
      return v;
    });
  }

  /** 1 for each slot that some full row allowed by the constraints can hold, 0 for a forbidden tuple. */
  allowedMask(solver: ConstraintSolver): Uint8Array {
    const mask = new Uint8Array(this.size).fill(1);
    if (solver.forbidden.length === 0) return mask;
    const constrained = new Set(solver.constrained);
    const n = this.levels.length;
    for (let s = 0; s < this.sets; s++) {
      const params = this.params(s);
      if (!params.some((p) => constrained.has(p))) continue;
      for (let i = this.offset[s]; i < this.offset[s + 1]; i++) {
        if (!solver.allowed(partialRow(n, params, this.values(i)))) mask[i] = 0;
      }
    }
    return mask;
  }

  /** How many of the rows hold each slot (free cells hold none). */
  count(rows: readonly PartialRow[]): Int32Array {
    const counts = new Int32Array(this.size);
    for (const row of rows) this.add(counts, row, 1);
    return counts;
  }

  /** Adds `by` to the count of every slot the row holds. */
  add(counts: Int32Array, row: PartialRow, by: number): void {
    for (let s = 0; s < this.sets; s++) {
      const i = this.slot(s, row);
      if (i >= 0) counts[i] += by;
    }
  }
}

/** Every way to choose k of 0..n-1, in lexicographic order. */
function lexCombinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const chosen: number[] = [];
  const pick = (start: number) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i <= n - (k - chosen.length); i++) {
      chosen.push(i);
      pick(i + 1);
      chosen.pop();
    }
  };
  pick(0);
  return out;
}
