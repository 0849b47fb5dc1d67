// The slow, obvious t-way coverage the tests hold hub/analytics/t-way.ts to: enumerate every full combination,
// keep those no constraint forbids, project them onto each t dimensions. Plus random small spaces and aggregates.
import { addToCell, SOURCES, type CoverageAggregate, type CoverageMinimum, type CoverageSpace, type Source } from '../../hub/analytics/index.js';

export interface BruteCoverage {
  valid: number;
  covered: number;
  subsets: { dimensions: string[]; valid: number; covered: number }[];
  uncovered: Set<string>;
  excluded: Set<string>;
}

function chooseK(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...chooseK(n - 1, k), ...chooseK(n - 1, k - 1).map((s) => [...s, n - 1])].sort((x, y) => {
    for (let i = 0; i < k; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
}

export function bruteForceCoverage(agg: CoverageAggregate, space: CoverageSpace, t: number, sources: readonly Source[], min: CoverageMinimum): BruteCoverage {
  const dims = space.dimensions;
  let rows: string[][] = [[]];
  for (const d of dims) rows = rows.flatMap((r) => d.levels.map((l) => [...r, l]));
  const forbidden = (row: string[]) => space.constraints.some((c) => Object.entries(c).every(([dim, levels]) => levels.includes(row[dims.findIndex((d) => d.name === dim)])));
  const validRows = rows.filter((r) => !forbidden(r));
  const counted = dims.flatMap((d, i) => (d.counted ? [i] : []));
  const out: BruteCoverage = { valid: 0, covered: 0, subsets: [], uncovered: new Set(), excluded: new Set() };
  for (const pick of chooseK(counted.length, t)) {
    const s = pick.map((i) => counted[i]);
    const combo = (levels: string[]) => JSON.stringify(Object.fromEntries(s.map((d, i) => [dims[d].name, levels[i]])));
    const valid = new Set(validRows.map((r) => combo(s.map((d) => r[d]))));
    const sums = new Map<string, { samples: number; exposure_ms: number }>();
    for (const [key, bySource] of Object.entries(agg.cells)) {
      const names = key.split('/');
      const levels = s.map((d) => names[agg.dimensions.indexOf(dims[d].name)]);
      if (levels.some((l, i) => !dims[s[i]].levels.includes(l))) continue;
      let samples = 0;
      let exposure = 0;
      for (const src of sources) {
        samples += bySource[src]?.samples ?? 0;
        exposure += bySource[src]?.exposure_ms ?? 0;
      }
      if (samples === 0 && exposure === 0) continue;
      const k = combo(levels);
      const e = sums.get(k) ?? { samples: 0, exposure_ms: 0 };
      e.samples += samples;
      e.exposure_ms += exposure;
      sums.set(k, e);
    }
    let covered = 0;
    for (const v of valid) {
      const e = sums.get(v);
      if (e && e.samples >= min.min_samples && e.exposure_ms >= min.min_exposure_s * 1000) covered++;
      else out.uncovered.add(v);
    }
    for (const k of sums.keys()) if (!valid.has(k)) out.excluded.add(k);
    out.valid += valid.size;
    out.covered += covered;
    out.subsets.push({ dimensions: s.map((d) => dims[d].name), valid: valid.size, covered });
  }
  return out;
}

/** 2-5 dimensions of 1-4 levels, some not counted, up to 3 constraints over 1-3 dimensions each. */
export function randomSpace(random: () => number): CoverageSpace {
  const n = 2 + Math.floor(random() * 4);
  const dimensions = Array.from({ length: n }, (_, i) => ({
    name: `d${i}`,
    levels: Array.from({ length: random() < 0.15 ? 1 : 2 + Math.floor(random() * 3) }, (_, j) => `l${j}`),
    counted: random() < 0.8,
  }));
  if (!dimensions.some((d) => d.counted)) dimensions[0].counted = true;
  const constraints = Array.from({ length: Math.floor(random() * 4) }, () => {
    const c: Record<string, string[]> = {};
    // mostly two or three dimensions: one-dimension constraints soon leave nothing allowed
    const width = random() < 0.15 ? 1 : 2 + Math.floor(random() * Math.min(2, n - 1));
    for (let k = 0; k < width; k++) {
      const d = dimensions[Math.floor(random() * n)];
      const levels = d.levels.filter(() => random() < 0.5);
      c[d.name] = levels.length ? levels : [d.levels[0]];
    }
    return c;
  });
  return { dimensions, constraints };
}

/** Up to 25 cells; levels may be unknown or outside the space (a level a matrix leaves out). */
export function randomAggregate(random: () => number, space: CoverageSpace): CoverageAggregate {
  const agg: CoverageAggregate = { taxonomy: 'random', dimensions: space.dimensions.map((d) => d.name), cells: {} };
  for (let i = Math.floor(random() * 26); i > 0; i--) {
    const levels = space.dimensions.map((d) => {
      const r = random();
      return r < 0.1 ? 'unknown' : r < 0.15 ? 'elsewhere' : d.levels[Math.floor(random() * d.levels.length)];
    });
    addToCell(agg, levels, SOURCES[Math.floor(random() * SOURCES.length)], { samples: Math.floor(random() * 3), exposure_ms: Math.floor(random() * 3000) });
  }
  return agg;
}
