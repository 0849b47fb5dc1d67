// A t-way covering array under constraints by IPOG (Lei et al., 2007) with constraint checks (IPOG-C):
// seeded tie-breaks, the smallest of several attempts, redundant rows removed. Pure; a seed fixes it.
import { deriveSeed, seededRandom, type Random } from '../prng.js';
import { combinations, ConstraintSolver, FREE, levelTuples, partialRow, type Forbidden } from './constraints.js';

export interface CoveringOptions {
  /** t: 2 (pairwise) or 3; at most the number of parameters. */
  strength: number;
  seed: number;
  /** Independent attempts with different tie-breaks; the smallest array wins. */
  attempts?: number;
}

/** Rows of levels (one number per parameter, in the given parameter order). */
export function coveringArray(levels: readonly number[], forbidden: readonly Forbidden[], o: CoveringOptions): number[][] {
  const t = Math.min(o.strength, levels.length);
  if (levels.length === 0) return [];
  const solver = new ConstraintSolver(levels, forbidden);
  let best: number[][] | undefined;
  for (let attempt = 0; attempt < (o.attempts ?? 24); attempt++) {
    const random = seededRandom(deriveSeed(o.seed, 'ipog', attempt));
    const rows = removeRedundant(ipog(levels, t, solver, random), levels, t);
    if (!best || rows.length < best.length) best = rows;
  }
  return best!;
}

/** IPOG over the parameters sorted by level count (largest first), mapped back to the given order. */
function ipog(levels: readonly number[], t: number, solver: ConstraintSolver, random: Random): number[][] {
  const n = levels.length;
  // larger parameters first; ties broken by the seed, which varies the arrays the attempts try
  const tiebreak = levels.map(() => random());
  const order = levels.map((_, i) => i).sort((a, b) => levels[b] - levels[a] || tiebreak[a] - tiebreak[b]);
  const rows: number[][] = [];
  // Start: every allowed combination of the first t parameters.
  const first = order.slice(0, t);
  for (const values of levelTuples(levels, first)) {
    const row = partialRow(n, first, values);
    if (solver.allowed(row)) rows.push(row);
  }
  for (let k = t; k < n; k++) {
    const p = order[k];
    const earlier = order.slice(0, k);
    const uncovered = new UncoveredTuples(levels, earlier, p, t, solver);
    // Horizontal growth: give each row the level of p that covers the most new tuples.
    for (const row of rows) {
      let bestValues: number[] = [];
      let bestGain = -1;
      for (let v = 0; v < levels[p]; v++) {
        row[p] = v;
        if (!solver.allowed(row)) continue;
        const gain = uncovered.gain(row);
        if (gain > bestGain) {
          bestGain = gain;
          bestValues = [v];
        } else if (gain === bestGain) bestValues.push(v);
      }
      row[p] = bestValues.length ? bestValues[Math.floor(random() * bestValues.length)] : FREE;
      uncovered.cover(row);
    }
    // Vertical growth: fit each tuple still uncovered into a row with free cells, or add a row.
    for (const tuple of uncovered.remaining()) {
      if (uncovered.isCovered(tuple)) continue;
      const fits = rows.filter((row) => tuple.params.every((q, i) => row[q] === FREE || row[q] === tuple.values[i]));
      let placed = false;
      for (const row of shuffle(fits, random)) {
        const before = [...row];
        tuple.params.forEach((q, i) => (row[q] = tuple.values[i]));
        if (solver.allowed(row)) {
          uncovered.cover(row);
          placed = true;
          break;
        }
        row.splice(0, n, ...before);
      }
      if (!placed) {
        const row = partialRow(n, tuple.params, tuple.values);
        rows.push(row);
        uncovered.cover(row);
      }
    }
  }
  for (const row of rows) fillFree(row, levels, solver, random);
  return rows;
}

/** Chooses a level for every free cell, keeping the row allowed. */
function fillFree(row: number[], levels: readonly number[], solver: ConstraintSolver, random: Random): void {
  for (let p = 0; p < row.length; p++) {
    if (row[p] !== FREE) continue;
    for (const v of shuffle(Array.from({ length: levels[p] }, (_, i) => i), random)) {
      row[p] = v;
      if (solver.allowed(row)) break;
    }
  }
}

interface Tuple {
  params: number[];
  values: number[];
}

/** The t-tuples that involve parameter p and t-1 earlier ones, allowed and not yet covered. */
class UncoveredTuples {
  private readonly sets: { params: number[]; radix: number[]; open: Uint8Array }[] = [];

  constructor(private readonly levels: readonly number[], earlier: number[], p: number, t: number, solver: ConstraintSolver) {
    for (const others of combinations(earlier.length, t - 1)) {
      const params = [...others.map((i) => earlier[i]), p].sort((a, b) => a - b);
      const radix = params.map((q) => levels[q]);
      const open = new Uint8Array(radix.reduce((a, b) => a * b, 1));
      const row = new Array<number>(levels.length).fill(FREE);
      levelTuples(levels, params).forEach((values, index) => {
        params.forEach((q, i) => (row[q] = values[i]));
        open[index] = solver.allowed(row) ? 1 : 0;
      });
      this.sets.push({ params, radix, open });
    }
  }

  /** How many open tuples the row would cover. */
  gain(row: readonly number[]): number {
    let n = 0;
    for (const s of this.sets) {
      const i = index(s.params, s.radix, row);
      if (i >= 0 && s.open[i]) n++;
    }
    return n;
  }

  cover(row: readonly number[]): void {
    for (const s of this.sets) {
      const i = index(s.params, s.radix, row);
      if (i >= 0) s.open[i] = 0;
    }
  }

  isCovered(tuple: Tuple): boolean {
    const s = this.sets.find((x) => x.params.every((q, i) => q === tuple.params[i]))!;
    return s.open[index(tuple.params, s.radix, partialRow(this.levels.length, tuple.params, tuple.values))] === 0;
  }

  /** The open tuples now, in a fixed order. */
  remaining(): Tuple[] {
    const out: Tuple[] = [];
    for (const s of this.sets) {
      levelTuples(this.levels, s.params).forEach((values, i) => {
        if (s.open[i]) out.push({ params: s.params, values });
      });
    }
    return out;
  }
}

/** Mixed-radix index of the row's levels at params; -1 when one of them is free. */
function index(params: readonly number[], radix: readonly number[], row: readonly number[]): number {
  let i = 0;
  for (let k = 0; k < params.length; k++) {
    const v = row[params[k]];
    if (v === FREE) return -1;
    i = i * radix[k] + v;
  }
  return i;
}

/** Drops rows whose every t-tuple another row also covers (latest rows first). */
export function removeRedundant(rows: number[][], levels: readonly number[], t: number): number[][] {
  const subsets = combinations(levels.length, t);
  const count = new Map<string, number>();
  const keys = (row: number[]) => subsets.map((s) => `${s.join('.')}:${s.map((p) => row[p]).join('.')}`);
  for (const row of rows) for (const k of keys(row)) count.set(k, (count.get(k) ?? 0) + 1);
  const kept = [...rows];
  for (let i = kept.length - 1; i >= 0; i--) {
    const ks = keys(kept[i]);
    if (ks.every((k) => count.get(k)! > 1)) {
      for (const k of ks) count.set(k, count.get(k)! - 1);
      kept.splice(i, 1);
    }
  }
  return kept;
}

function shuffle<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
