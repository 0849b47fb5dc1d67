// Post-optimisation of a covering array: take out the row that covers fewest tuples alone, then repair
// what it alone covered by a tabu search over the other rows (Nurmela 2004): a move writes one uncovered
// tuple into a row, the move that leaves fewest tuples uncovered wins. Pure, seeded, bounded work.
import type { Random } from '../prng.js';
import type { ConstraintSolver } from './constraints.js';
import type { TupleSpace } from './tuple-space.js';

export interface ShrinkOptions {
  /** Stop at this many rows (a lower bound: fewer cannot cover every tuple). */
  floor: number;
  /** Tabu steps allowed to repair the array after each row taken out. */
  steps: number;
  /** Cap on slot updates weighed over the whole run (a few ns each), so big matrices stay fast. */
  work: number;
}

/** A smaller covering array when the search finds one, else the rows as given (full rows, all allowed). */
export function shrinkRows(input: readonly number[][], space: TupleSpace, mask: Uint8Array, solver: ConstraintSolver, random: Random, o: ShrinkOptions): number[][] {
  let best = input.map((r) => [...r]);
  let work = o.work;
  while (best.length > o.floor && work > 0) {
    const rows = best.map((r) => [...r]);
    rows.splice(fewestAlone(space, mask, rows), 1);
    const search = new RepairSearch(space, mask, solver, random, rows);
    const ok = search.run(o.steps, work);
    work -= search.work;
    if (!ok) break;
    best = rows;
  }
  return best;
}

/** The row that alone covers the fewest allowed tuples (the last such). */
function fewestAlone(space: TupleSpace, mask: Uint8Array, rows: number[][]): number {
  const counts = space.count(rows);
  let best = -1;
  let fewest = Infinity;
  rows.forEach((row, r) => {
    let alone = 0;
    for (let s = 0; s < space.sets; s++) {
      const i = space.slot(s, row);
      if (mask[i] && counts[i] === 1) alone++;
    }
    if (alone <= fewest) {
      fewest = alone;
      best = r;
    }
  });
  return best;
}

/** One repair: the rows, how many hold each slot, which allowed slots none holds, and a tabu list. */
class RepairSearch {
  work = 0;
  private readonly k: number;
  private readonly counts: Int32Array;
  /** slots[r * sets + s]: the slot row r holds in set s. */
  private readonly slots: Int32Array;
  private readonly uncovered: SlotSet;
  private readonly constrained: Uint8Array;
  // scratch for one move: the sets it touches and how far each one's slot moves
  private readonly mark: Int32Array;
  private readonly diff: Int32Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private stamp = 0;

  constructor(private readonly space: TupleSpace, private readonly mask: Uint8Array, private readonly solver: ConstraintSolver,
    private readonly random: Random, private readonly rows: number[][]) {
    this.k = space.levels.length;
    this.counts = new Int32Array(space.size);
    this.slots = new Int32Array(rows.length * space.sets);
    rows.forEach((row, r) => {
      for (let s = 0; s < space.sets; s++) {
        const i = space.slot(s, row);
        this.slots[r * space.sets + s] = i;
        this.counts[i]++;
      }
    });
    this.uncovered = new SlotSet(space.size);
    for (let i = 0; i < space.size; i++) if (mask[i] && this.counts[i] === 0) this.uncovered.add(i);
    this.constrained = new Uint8Array(this.k);
    for (const p of solver.constrained) this.constrained[p] = 1;
    this.mark = new Int32Array(space.sets);
    this.diff = new Int32Array(space.sets);
    this.touched = new Int32Array(space.sets);
  }

  /** Tabu search until every allowed tuple is covered, or the steps or work run out. Edits the rows. */
  run(steps: number, workLimit: number): boolean {
    const { space, rows, random, k, uncovered } = this;
    const tabu = new Int32Array(rows.length * k).fill(-1);
    const tenure = 1 + Math.floor(rows.length / 10);
    const candidate = new Array<number>(k);
    for (let step = 0; step < steps && uncovered.size > 0 && this.work < workLimit; step++) {
      const slot = uncovered.pick(random);
      const params = space.params(space.setOf[slot]);
      const values = space.values(slot);
      let bestDelta = Infinity;
      let bestRow = -1;
      let ties = 0;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        let isTabu = false;
        let touchesConstraint = false;
        for (let j = 0; j < params.length; j++) {
          const q = params[j];
          if (row[q] === values[j]) continue;
          if (tabu[r * k + q] > step) isTabu = true;
          if (this.constrained[q]) touchesConstraint = true;
        }
        if (touchesConstraint) {
          for (let q = 0; q < k; q++) candidate[q] = row[q];
          params.forEach((q, j) => (candidate[q] = values[j]));
          if (this.solver.violates(candidate)) continue;
        }
        const delta = this.move(r, params, values, false);
        if (isTabu && uncovered.size + delta > 0) continue; // tabu, unless it finishes the repair
        if (delta < bestDelta) {
          bestDelta = delta;
          bestRow = r;
          ties = 1;
        } else if (delta === bestDelta && random() * ++ties < 1) bestRow = r;
      }
      if (bestRow < 0) continue;
      params.forEach((q, j) => {
        if (rows[bestRow][q] !== values[j]) tabu[bestRow * k + q] = step + tenure;
      });
      this.move(bestRow, params, values, true);
    }
    return uncovered.size === 0;
  }

  /**
   * The change in uncovered tuples if row r took `values` at `params`; with `apply`, the move is made
   * (row, counts, slots and the uncovered set). Only the sets that hold a changed parameter are visited.
   */
  private move(r: number, params: readonly number[], values: readonly number[], apply: boolean): number {
    const { space, mask, counts, slots, diff, mark, touched } = this;
    const row = this.rows[r];
    const stamp = ++this.stamp;
    this.touchedCount = 0;
    for (let j = 0; j < params.length; j++) {
      const q = params[j];
      const d = values[j] - row[q];
      if (d === 0) continue;
      const sets = space.setsWith[q];
      const strides = space.stridesWith[q];
      for (let x = 0; x < sets.length; x++) {
        const s = sets[x];
        if (mark[s] !== stamp) {
          mark[s] = stamp;
          diff[s] = 0;
          touched[this.touchedCount++] = s;
        }
        diff[s] += d * strides[x];
      }
    }
    this.work += this.touchedCount;
    const base = r * space.sets;
    let delta = 0;
    for (let x = 0; x < this.touchedCount; x++) {
      const s = touched[x];
      const before = slots[base + s];
      const after = before + diff[s];
      if (!apply) {
        if (mask[before] && counts[before] === 1) delta++;
        if (mask[after] && counts[after] === 0) delta--;
        continue;
      }
      slots[base + s] = after;
      if (--counts[before] === 0 && mask[before]) this.uncovered.add(before);
      if (counts[after]++ === 0 && mask[after]) this.uncovered.remove(after);
    }
    if (apply) params.forEach((q, j) => (row[q] = values[j]));
    return delta;
  }
}

/** A set of slots with O(1) add, remove and seeded pick. */
class SlotSet {
  private readonly items: Int32Array;
  private readonly at: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.at = new Int32Array(capacity).fill(-1);
  }

  add(slot: number): void {
    if (this.at[slot] >= 0) return;
    this.at[slot] = this.size;
    this.items[this.size++] = slot;
  }

  remove(slot: number): void {
    const i = this.at[slot];
    if (i < 0) return;
    const last = this.items[--this.size];
    this.items[i] = last;
    this.at[last] = i;
    this.at[slot] = -1;
  }

  pick(random: Random): number {
    return this.items[Math.floor(random() * this.size)];
  }
}
