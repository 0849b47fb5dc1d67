// IPOG-F (Forbes, Lawrence, Lei, Kacker, Kuhn 2008): a t-way covering array grown one parameter at a time.
// Horizontal growth gives the new parameter a level in the best (row, level) pair over all rows until no
// pair covers a new tuple; vertical growth then fits each tuple still open into a row with free cells, or
// adds a row. Constraints (IPOG-C style): only levels that keep a row completable are ever written.
// Work per parameter: O(rows^2 x C(k-1, t-1)) plus O(open tuples x rows); never the full product.
import type { Random } from '../prng.js';
import { ConstraintSolver, FREE, partialRow } from './constraints.js';
import type { TupleSpace } from './tuple-space.js';

/**
 * Rows over the space's parameters, in the order given (put the parameters with the most levels first).
 * `mask` marks the allowed tuples (TupleSpace.allowedMask); every one of them ends up in some row.
 * Cells no tuple needed stay FREE: fillFree gives them levels.
 */
export function ipogF(space: TupleSpace, mask: Uint8Array, solver: ConstraintSolver, random: Random): number[][] {
  const { levels, t } = space;
  const k = levels.length;
  if (k === 0 || t === 0) return [];
  // Start: every allowed combination of the first t parameters (the one set whose last parameter is t-1).
  const start = space.firstSet[t - 1];
  const rows: number[][] = [];
  for (let i = space.offset[start]; i < space.offset[start + 1]; i++) {
    if (mask[i]) rows.push(partialRow(k, space.params(start), space.values(i)));
  }
  for (let p = t; p < k; p++) {
    const open = mask.slice(space.offset[space.firstSet[p]], space.offset[space.firstSet[p + 1]]);
    horizontal(space, p, rows, open, solver, random);
    vertical(space, p, rows, open, solver);
  }
  return rows;
}

/** Gives parameter p a level in existing rows, best (row, level) pair first, while a pair still gains. */
function horizontal(space: TupleSpace, p: number, rows: number[][], open: Uint8Array, solver: ConstraintSolver, random: Random): void {
  const first = space.firstSet[p];
  const sets = space.firstSet[p + 1] - first;
  const base0 = space.offset[first];
  const L = space.levels[p];
  const n = rows.length;
  // base[r * sets + j]: where row r's levels at the other t-1 parameters of set first+j put it (p's level
  // adds 0..L-1, as p is the set's last parameter), or -1 when one of them is free.
  const base = new Int32Array(n * sets);
  const gain = new Int32Array(n * L);
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    for (let j = 0; j < sets; j++) {
      row[p] = 0;
      const slot = space.slot(first + j, row);
      base[r * sets + j] = slot < 0 ? -1 : slot - base0;
    }
    for (let v = 0; v < L; v++) {
      row[p] = v;
      if (!solver.allowed(row)) {
        gain[r * L + v] = -1;
        continue;
      }
      let g = 0;
      for (let j = 0; j < sets; j++) {
        const b = base[r * sets + j];
        if (b >= 0 && open[b + v]) g++;
      }
      gain[r * L + v] = g;
    }
    row[p] = FREE;
  }
  // ties go to the first pair in a seeded order of rows and levels
  const order = shuffled(n, random);
  const levelOrder = shuffled(L, random);
  const done = new Uint8Array(n);
  for (let assigned = 0; assigned < n; assigned++) {
    let best = 0;
    let bestR = -1;
    let bestV = -1;
    for (const r of order) {
      if (done[r]) continue;
      for (const v of levelOrder) {
        if (gain[r * L + v] > best) {
          best = gain[r * L + v];
          bestR = r;
          bestV = v;
        }
      }
    }
    if (bestR < 0) break; // no pair covers anything new: the rest keep p free for vertical growth
    done[bestR] = 1;
    rows[bestR][p] = bestV;
    for (let j = 0; j < sets; j++) {
      const b = base[bestR * sets + j];
      if (b < 0 || !open[b + bestV]) continue;
      open[b + bestV] = 0;
      for (let r = 0; r < n; r++) {
        if (!done[r] && base[r * sets + j] === b && gain[r * L + bestV] > 0) gain[r * L + bestV]--;
      }
    }
  }
}

/** Fits each tuple still open into the first row whose cells there are free or equal, or adds a row. */
function vertical(space: TupleSpace, p: number, rows: number[][], open: Uint8Array, solver: ConstraintSolver): void {
  const first = space.firstSet[p];
  const last = space.firstSet[p + 1];
  const base0 = space.offset[first];
  const k = space.levels.length;
  const closeAll = (row: number[]) => {
    for (let s = first; s < last; s++) {
      const slot = space.slot(s, row);
      if (slot >= 0) open[slot - base0] = 0;
    }
  };
  for (let s = first; s < last; s++) {
    const params = space.params(s);
    for (let slot = space.offset[s]; slot < space.offset[s + 1]; slot++) {
      if (!open[slot - base0]) continue;
      const values = space.values(slot);
      let placed = false;
      for (const row of rows) {
        if (!params.every((q, j) => row[q] === FREE || row[q] === values[j])) continue;
        const before = params.map((q) => row[q]);
        params.forEach((q, j) => (row[q] = values[j]));
        if (solver.allowed(row)) {
          closeAll(row);
          placed = true;
          break;
        }
        params.forEach((q, j) => (row[q] = before[j]));
      }
      if (!placed) {
        const row = partialRow(k, params, values);
        rows.push(row);
        closeAll(row);
      }
    }
  }
}

/** Chooses a level for every free cell (seeded), keeping each row allowed. */
export function fillFree(rows: number[][], levels: readonly number[], solver: ConstraintSolver, random: Random): void {
  for (const row of rows) {
    for (let p = 0; p < row.length; p++) {
      if (row[p] !== FREE) continue;
      const start = Math.floor(random() * levels[p]);
      for (let i = 0; i < levels[p]; i++) {
        row[p] = (start + i) % levels[p];
        if (solver.allowed(row)) break;
      }
    }
  }
}

/** 0..n-1 in a seeded order. */
export function shuffled(n: number, random: Random): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
