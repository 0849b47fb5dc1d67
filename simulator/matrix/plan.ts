// A test matrix as rows to run: the covering array (or full product) of its dimensions under its
// constraints, each row a scenario built from the base and its levels' conditions. Pure.
import type { MatrixConfig } from '../../config/matrix-config.js';
import type { ConditionsFragment, Keyframe, Scenario } from '../../config/scenario-config.js';
import { deriveSeed } from '../prng.js';
import type { Forbidden } from './constraints.js';
import { fullProduct, fullProductSize, lowerBound } from './coverage-check.js';
import { coveringArray } from './covering-array.js';

export interface MatrixRow {
  /** r01, r02, ... */
  id: string;
  /** Level name per dimension. */
  levels: Record<string, string>;
  scenario: Scenario;
}

export interface MatrixPlan {
  matrixId: string;
  /** t, or 0 for the full product. */
  strength: number;
  dimensions: { name: string; levels: string[] }[];
  rows: MatrixRow[];
  /** The fewest rows any t-way array can have here (for the full product: its size). */
  lowerBound: number;
  /** Rows of the full product under the constraints. */
  fullSize: number;
}

export interface PlanOptions {
  /** Overrides the matrix file's strength. */
  strength?: 2 | 3;
  full?: boolean;
}

/** The constraints as parameter and level indexes. */
export function forbiddenOf(m: MatrixConfig): Forbidden[] {
  return m.constraints.map((c) => Object.entries(c).map(([dim, levels]) => {
    const param = m.dimensions.findIndex((d) => d.name === dim);
    return { param, levels: levels.map((l) => m.dimensions[param].levels.findIndex((x) => x.name === l)) };
  }));
}

/** The most rows a full-product plan may have: each row is a simulated run. */
export const MAX_FULL_ROWS = 100_000;

export function planMatrix(m: MatrixConfig, o: PlanOptions = {}): MatrixPlan {
  const levels = m.dimensions.map((d) => d.levels.length);
  const forbidden = forbiddenOf(m);
  // Counted, never listed: the product of 30 three-level dimensions has 2e14 rows.
  const fullSize = fullProductSize(levels, forbidden);
  if (o.full && fullSize > MAX_FULL_ROWS) {
    throw new Error(`matrix ${m.id}: the full product has ${fullSize.toLocaleString('en-US')} rows (more than ${MAX_FULL_ROWS.toLocaleString('en-US')}): run a pairwise or 3-way covering array instead`);
  }
  const strength = o.full ? 0 : o.strength ?? m.strength;
  const bound = o.full ? fullSize : lowerBound(levels, forbidden, strength);
  const array = o.full ? fullProduct(levels, forbidden) : coveringArray(levels, forbidden, { strength, seed: m.seed, floor: bound });
  const width = Math.max(2, String(array.length).length);
  const rows = array.map((values, i) => {
    const id = `r${String(i + 1).padStart(width, '0')}`;
    const chosen = m.dimensions.map((d, p) => d.levels[values[p]]);
    const levelsByName = Object.fromEntries(m.dimensions.map((d, p) => [d.name, chosen[p].name]));
    return { id, levels: levelsByName, scenario: rowScenario(m, id, chosen.map((c) => c.fragment), Object.values(levelsByName)) };
  });
  return {
    matrixId: m.id,
    strength,
    dimensions: m.dimensions.map((d) => ({ name: d.name, levels: d.levels.map((l) => l.name) })),
    rows,
    lowerBound: bound,
    fullSize,
  };
}

/** What a row starts from, for what its levels set and the base does not: clear, not facing the sun, clean, good fix. */
const NEUTRAL: Required<ConditionsFragment> = {
  weather: { kind: 'clear' },
  lighting: { cloud_cover: 0.2, facing_sun: 0, artificial_lux: 0 },
  vibration: {},
  occlusion: { dirt: 0, object: 0 },
  gnss: { fix: '3d', satellites: 14, hdop: 0.8 },
};
const GROUPS = ['weather', 'lighting', 'vibration', 'occlusion', 'gnss'] as const;

/** The neutral values of what the levels set, under what the first keyframe sets itself. */
function neutralStart(k: Keyframe, fragments: ConditionsFragment[]): Keyframe {
  const out: Keyframe = { ...k };
  for (const group of GROUPS) {
    const keys = new Set(fragments.flatMap((f) => Object.keys(f[group] ?? {})));
    if (keys.size === 0) continue;
    const neutral = Object.fromEntries(Object.entries(NEUTRAL[group]).filter(([key]) => keys.has(key) || group === 'weather' || group === 'vibration'));
    (out as Record<string, unknown>)[group] = group === 'weather' && k.weather ? k.weather : { ...neutral, ...(k[group] ?? {}) };
  }
  return out;
}

/**
 * The base scenario with the row's level conditions laid over its keyframes (a level's keys win): over
 * every keyframe, or, with ramp_s, over those from ramp_s on, reached from the base (neutral where the
 * base is silent) by then. The sun's elevation never ramps: a row keeps its time of day throughout.
 */
function rowScenario(m: MatrixConfig, rowId: string, fragments: ConditionsFragment[], levelNames: string[]): Scenario {
  const withLevels = (k: Keyframe) => fragments.reduce<Keyframe>((acc, f) => overlay(acc, f), k);
  const base = m.base.keyframes;
  let keyframes = base.map(withLevels);
  if (m.ramp_s > 0) {
    const sun = fragments.map((f) => f.lighting?.sun_elevation_deg).filter((v) => v !== undefined).pop();
    const before = base.filter((k) => k.at < m.ramp_s).map((k, i) => {
      const start = i === 0 ? neutralStart(k, fragments) : k;
      return sun === undefined ? start : overlay(start, { lighting: { sun_elevation_deg: sun } });
    });
    const last = before[before.length - 1];
    keyframes = [
      ...before,
      ...(base.some((k) => k.at === m.ramp_s) ? [] : [withLevels({ ...last, at: m.ramp_s, ease: 'linear' })]),
      ...base.filter((k) => k.at >= m.ramp_s).map(withLevels),
    ];
  }
  // The seed follows the levels, so a cell gets the same run in a pairwise, 3-way or full matrix.
  return { ...m.base, name: `${m.id}/${rowId}`, seed: deriveSeed(m.seed, m.id, ...levelNames), keyframes };
}

function overlay(k: Keyframe, f: ConditionsFragment): Keyframe {
  const out: Keyframe = { ...k };
  for (const group of GROUPS) {
    if (f[group]) (out as Record<string, unknown>)[group] = { ...(k[group] ?? {}), ...f[group] };
  }
  return out;
}
