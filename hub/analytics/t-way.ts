// t-way combination coverage (NIST IR 7878) from cell aggregates: for each t dimensions, which level
// combinations the samples cover, with constraint-excluded ones out of the denominator. Never the full product. Pure.
import { UNKNOWN_LEVEL } from '../../config/odd-config.js';
import { meets, SOURCES, totalOf, type CoverageAggregate, type CoverageMinimum, type Source } from './coverage.js';
import { ConstraintSolver, FREE, subsets, type CoverageSpace } from './space.js';

/** Levels by dimension name: {weather: "fog", lighting: "night"}. */
export type Combination = Record<string, string>;

export interface CombinationOptions {
  /** 1, 2 (pairwise), 3, ... up to the number of counted dimensions (= full cells). */
  t: number;
  /** Whose samples count; all sources by default. */
  sources?: readonly Source[];
  /** What a combination needs, summed over every cell holding it, to count as covered. */
  min?: CoverageMinimum;
  /** At most this many uncovered combinations are listed (all are counted). */
  limit?: number;
}

export interface SubsetCoverage {
  dimensions: string[];
  valid: number;
  covered: number;
}

export interface SeenCombination {
  combination: Combination;
  samples: number;
  exposure_s: number;
}

export interface CombinationCoverage {
  t: number;
  sources: Source[];
  min: CoverageMinimum;
  /** Allowed t-way level combinations over every t dimensions: the denominator. */
  valid: number;
  covered: number;
  /** covered / valid (NIST's total variable-value configuration coverage); 1 when nothing is allowed. */
  ratio: number;
  /** Sets of t dimensions whose every allowed combination is covered (NIST's simple t-way combination coverage). */
  complete_subsets: number;
  subsets: SubsetCoverage[];
  uncovered_total: number;
  uncovered: Combination[];
  /** Combinations the samples hold that the constraints call impossible: a constraint to revisit. */
  observed_excluded: SeenCombination[];
}

/** Per subset of t counted dimensions: level indexes of each combination seen -> summed samples and exposure. */
function seenBySubset(agg: CoverageAggregate, space: CoverageSpace, t: number, sources: readonly Source[]) {
  const counted = space.dimensions.flatMap((d, i) => (d.counted ? [i] : []));
  if (!Number.isInteger(t) || t < 1 || t > counted.length) {
    throw new RangeError(`t must be an integer from 1 to ${counted.length} (the counted dimensions), got ${t}`);
  }
  const at = space.dimensions.map((d) => {
    const i = agg.dimensions.indexOf(d.name);
    if (i < 0) throw new Error(`the aggregate has no dimension "${d.name}" (it has ${agg.dimensions.join(', ')})`);
    return i;
  });
  const cells = Object.entries(agg.cells).map(([key, bySource]) => {
    const names = key.split('/');
    // unknown, or a level this space leaves out: the cell says nothing about that dimension
    const levels = space.dimensions.map((d, i) => (names[at[i]] === UNKNOWN_LEVEL ? FREE : d.levels.indexOf(names[at[i]])));
    const total = totalOf(bySource, sources);
    return { levels, samples: total.samples, exposure_ms: total.exposure_ms };
  }).filter((c) => c.samples > 0 || c.exposure_ms > 0);
  return subsets(counted, t).map((dims) => {
    const seen = new Map<string, { levels: number[]; samples: number; exposure_ms: number }>();
    for (const c of cells) {
      if (dims.some((d) => c.levels[d] === FREE)) continue;
      const key = dims.map((d) => c.levels[d]).join(',');
      const entry = seen.get(key) ?? { levels: dims.map((d) => c.levels[d]), samples: 0, exposure_ms: 0 };
      entry.samples += c.samples;
      entry.exposure_ms += c.exposure_ms;
      seen.set(key, entry);
    }
    return { dims, seen };
  });
}

const DEFAULT_MIN: CoverageMinimum = { min_samples: 1, min_exposure_s: 0 };

export function combinationCoverage(agg: CoverageAggregate, space: CoverageSpace, o: CombinationOptions): CombinationCoverage {
  const sources = [...(o.sources ?? SOURCES)];
  const min = o.min ?? DEFAULT_MIN;
  const limit = o.limit ?? 1000;
  const solver = new ConstraintSolver(space);
  const n = space.dimensions.length;
  const combination = (dims: number[], levels: readonly number[]): Combination =>
    Object.fromEntries(dims.map((d, i) => [space.dimensions[d].name, space.dimensions[d].levels[levels[i]]]));
  const rowOf = (dims: number[], levels: readonly number[]) => {
    const row = new Array<number>(n).fill(FREE);
    dims.forEach((d, i) => (row[d] = levels[i]));
    return row;
  };
  const out: CombinationCoverage = {
    t: o.t, sources, min, valid: 0, covered: 0, ratio: 1, complete_subsets: 0, subsets: [], uncovered_total: 0, uncovered: [], observed_excluded: [],
  };
  for (const { dims, seen } of seenBySubset(agg, space, o.t, sources)) {
    const valid = solver.countAllowed(dims);
    const covered = new Set<string>();
    for (const [key, e] of seen) {
      if (!solver.allowed(rowOf(dims, e.levels))) {
        if (out.observed_excluded.length < limit) out.observed_excluded.push({ combination: combination(dims, e.levels), samples: e.samples, exposure_s: e.exposure_ms / 1000 });
      } else if (meets(e, min)) {
        covered.add(key);
      }
    }
    out.valid += valid;
    out.covered += covered.size;
    if (covered.size === valid) out.complete_subsets++;
    out.subsets.push({ dimensions: dims.map((d) => space.dimensions[d].name), valid, covered: covered.size });
    if (covered.size < valid && out.uncovered.length < limit) listUncovered(dims, covered, solver, limit - out.uncovered.length, (levels) => out.uncovered.push(combination(dims, levels)));
  }
  out.uncovered_total = out.valid - out.covered;
  out.ratio = out.valid === 0 ? 1 : out.covered / out.valid;
  return out;
}

/** Walks the allowed combinations of `dims` depth first, pruning impossible prefixes, until `room` uncovered ones are found. */
function listUncovered(dims: number[], covered: Set<string>, solver: ConstraintSolver, room: number, push: (levels: number[]) => void): void {
  const row = new Array<number>(solver.space.dimensions.length).fill(FREE);
  const levels: number[] = [];
  const walk = (i: number): void => {
    if (room === 0) return;
    if (i === dims.length) {
      if (!covered.has(levels.join(','))) {
        push([...levels]);
        room--;
      }
      return;
    }
    const d = dims[i];
    for (let v = 0; v < solver.space.dimensions[d].levels.length && room > 0; v++) {
      row[d] = v;
      levels[i] = v;
      if (solver.allowed(row)) walk(i + 1);
    }
    row[d] = FREE;
    levels.length = i;
  };
  walk(0);
}

export interface FieldOnlyOptions {
  t: number;
  min?: CoverageMinimum;
  /** The evidence to look for (default field) and the evidence that should have covered it (default simulation). */
  seen?: readonly Source[];
  against?: readonly Source[];
  limit?: number;
}

export interface FieldOnlyCombination extends SeenCombination {
  /** The constraints call it impossible, yet the field met it. */
  excluded: boolean;
}

/** Combinations the field covered (at the minimum) that no simulation covered: where the test plan fell short. */
export function fieldOnlyCombinations(agg: CoverageAggregate, space: CoverageSpace, o: FieldOnlyOptions): FieldOnlyCombination[] {
  const min = o.min ?? DEFAULT_MIN;
  const limit = o.limit ?? 1000;
  const solver = new ConstraintSolver(space);
  const field = seenBySubset(agg, space, o.t, o.seen ?? ['field']);
  const sim = seenBySubset(agg, space, o.t, o.against ?? ['simulation']);
  const out: FieldOnlyCombination[] = [];
  field.forEach(({ dims, seen }, s) => {
    for (const [key, e] of seen) {
      if (out.length >= limit || !meets(e, min)) continue;
      const other = sim[s].seen.get(key);
      if (other && meets(other, min)) continue;
      const row = new Array<number>(space.dimensions.length).fill(FREE);
      dims.forEach((d, i) => (row[d] = e.levels[i]));
      out.push({
        combination: Object.fromEntries(dims.map((d, i) => [space.dimensions[d].name, space.dimensions[d].levels[e.levels[i]]])),
        samples: e.samples, exposure_s: e.exposure_ms / 1000, excluded: !solver.allowed(row),
      });
    }
  });
  return out;
}
