// A t-way covering array under constraints: IPOG-F constructions (seeded tie-breaks, the smallest of
// several attempts), redundant rows dropped, then tabu post-optimisation. Polynomial in the t-tuples.
import { deriveSeed, seededRandom, type Random } from '../prng.js';
import { ConstraintSolver, type Forbidden } from './constraints.js';
import { fillFree, ipogF } from './ipog-f.js';
import { shrinkRows } from './post-optimize.js';
import { TupleSpace } from './tuple-space.js';

export interface CoveringOptions {
  /** t: 2 (pairwise) or 3; at most the number of parameters. */
  strength: number;
  seed: number;
  /**
   * IPOG-F constructions with different tie-breaks; the smallest goes on to post-optimisation. Default:
   * as many as about IPOG_WORK allows (4 to 32), so small matrices get many and large ones a few.
   */
  attempts?: number;
  /** Tabu steps to repair the array after each row taken out (default 20,000; 0 turns it off). */
  shrinkSteps?: number;
  /** A known lower bound on the rows (lowerBound()): post-optimisation stops there. */
  floor?: number;
}

/** Rough cell updates the IPOG-F attempts may spend together (rows^2 x column sets per attempt). */
const IPOG_WORK = 3_000_000;
/** Slot updates the post-optimisation may spend in all: well under a second on one core here. */
const SHRINK_WORK = 40_000_000;

/** Rows of levels (one number per parameter, in the given parameter order). */
export function coveringArray(levels: readonly number[], forbidden: readonly Forbidden[], o: CoveringOptions): number[][] {
  const k = levels.length;
  const t = Math.min(o.strength, k);
  if (k === 0) return [];
  let best = construct(levels, forbidden, t, seededRandom(deriveSeed(o.seed, 'ipog-f', 0)), false);
  const sets = new TupleSpace(levels, t).sets;
  const attempts = o.attempts ?? Math.min(32, Math.max(4, Math.floor(IPOG_WORK / (Math.max(1, best.length) ** 2 * Math.max(1, sets)))));
  for (let attempt = 1; attempt < attempts; attempt++) {
    const rows = construct(levels, forbidden, t, seededRandom(deriveSeed(o.seed, 'ipog-f', attempt)), true);
    if (rows.length < best.length) best = rows;
  }
  const steps = o.shrinkSteps ?? 20_000;
  if (steps <= 0 || best.length === 0) return best;
  const solver = new ConstraintSolver(levels, forbidden);
  const space = new TupleSpace(levels, t);
  const mask = space.allowedMask(solver);
  const floor = Math.max(o.floor ?? 0, fewestPossible(space, mask));
  return shrinkRows(best, space, mask, solver, seededRandom(deriveSeed(o.seed, 'shrink')), { floor, steps, work: SHRINK_WORK });
}

/**
 * One IPOG-F array, free cells filled and redundant rows dropped, in the given parameter order. IPOG-F
 * takes parameters with more levels first; `shuffleTies` orders equal ones by the seed, else by index.
 */
function construct(levels: readonly number[], forbidden: readonly Forbidden[], t: number, random: Random, shuffleTies: boolean): number[][] {
  const k = levels.length;
  const tie = levels.map((_, i) => (shuffleTies ? random() : i));
  const order = levels.map((_, i) => i).sort((a, b) => levels[b] - levels[a] || tie[a] - tie[b]);
  const position = new Array<number>(k);
  order.forEach((p, i) => (position[p] = i));
  const sorted = order.map((p) => levels[p]);
  const solver = new ConstraintSolver(sorted, forbidden.map((f) => f.map((c) => ({ param: position[c.param], levels: c.levels }))));
  const space = new TupleSpace(sorted, t);
  const rows = ipogF(space, space.allowedMask(solver), solver, random);
  fillFree(rows, sorted, solver, random);
  return removeRedundantIn(space, rows).map((row) => levels.map((_, p) => row[position[p]]));
}

/** No array has fewer rows than the allowed tuples of any one column set (one row holds one of each). */
function fewestPossible(space: TupleSpace, mask: Uint8Array): number {
  let most = 0;
  for (let s = 0; s < space.sets; s++) {
    let n = 0;
    for (let i = space.offset[s]; i < space.offset[s + 1]; i++) n += mask[i];
    most = Math.max(most, n);
  }
  return most;
}

/** Drops rows whose every t-tuple another row also covers (latest rows first). */
export function removeRedundant(rows: number[][], levels: readonly number[], t: number): number[][] {
  return removeRedundantIn(new TupleSpace(levels, t), rows);
}

function removeRedundantIn(space: TupleSpace, rows: number[][]): number[][] {
  const counts = space.count(rows);
  const kept = [...rows];
  for (let i = kept.length - 1; i >= 0; i--) {
    const slots = Array.from({ length: space.sets }, (_, s) => space.slot(s, kept[i]));
    if (slots.every((slot) => counts[slot] > 1)) {
      for (const slot of slots) counts[slot]--;
      kept.splice(i, 1);
    }
  }
  return kept;
}
