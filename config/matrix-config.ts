// Test matrix files: dimensions with levels (each level a fragment of conditions), constraints that
// forbid combinations, and a base scenario. Validated once here with file:line: key errors.
import { z } from 'zod';
import { idSchema } from './common.js';
import type { CriteriaConfig } from './criteria-config.js';
import { loadConfigFile, parseConfig } from './load.js';
import { checkScenario, conditionsFragmentSchema, keyframeSchema, scenarioShape, type ConditionsFragment } from './scenario-config.js';

/** What the standard level names mean, for dimensions given as a plain list (`weather: [clear, rain]`). */
const PRESET_INPUT: Record<string, Record<string, z.input<typeof conditionsFragmentSchema>>> = {
  weather: {
    clear: { weather: { kind: 'clear' } },
    drizzle: { weather: { kind: 'rain', rate_mm_h: 1 } },
    rain: { weather: { kind: 'rain', rate_mm_h: 8 } },
    heavy_rain: { weather: { kind: 'rain', rate_mm_h: 30 } },
    mist: { weather: { kind: 'fog', visibility_m: 1500 } },
    fog: { weather: { kind: 'fog', visibility_m: 150 } },
    snow: { weather: { kind: 'snow', rate_mm_h: 2, temperature_c: -2 } },
  },
  lighting: {
    day: { lighting: { sun_elevation_deg: 45, cloud_cover: 0.2, facing_sun: 0 } },
    overcast: { lighting: { sun_elevation_deg: 45, cloud_cover: 1, facing_sun: 0 } },
    dusk: { lighting: { sun_elevation_deg: -4, cloud_cover: 0.2, facing_sun: 0 } },
    night: { lighting: { sun_elevation_deg: -30, cloud_cover: 0.2, facing_sun: 0 } },
    glare: { lighting: { sun_elevation_deg: 6, cloud_cover: 0, facing_sun: 1 } },
  },
  vibration: {
    low: { vibration: { level: 'low' } },
    med: { vibration: { level: 'med' } },
    high: { vibration: { level: 'high' } },
  },
  occlusion: {
    none: { occlusion: { dirt: 0, object: 0 } },
    partial: { occlusion: { dirt: 0.25, object: 0 } },
    heavy: { occlusion: { dirt: 0.6, object: 0 } },
  },
  gnss: {
    good: { gnss: { fix: '3d', satellites: 16, hdop: 0.7 } },
    degraded: { gnss: { fix: '2d', satellites: 6, hdop: 3.5 } },
    denied: { gnss: { fix: 'none', satellites: 2, hdop: 99 } },
  },
};

export const LEVEL_PRESETS: Record<string, Record<string, ConditionsFragment>> = Object.fromEntries(
  Object.entries(PRESET_INPUT).map(([dim, levels]) => [dim, Object.fromEntries(Object.entries(levels).map(([l, f]) => [l, conditionsFragmentSchema.parse(f)]))]),
);

const levelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'expected 1-32 letters, digits, "_" or "-"' });

const dimensionSchema = z.union([
  z.array(levelName).min(1, { message: 'expected at least one level' }),
  z.record(levelName, conditionsFragmentSchema),
], { message: 'expected a list of standard level names, or a map of level name -> conditions (weather, lighting, vibration, occlusion, gnss)' });

/** The base scenario every row starts from: a scenario without name and seed, keyframes optional. */
const baseSchema = z.strictObject({
  ...scenarioShape,
  keyframes: z.array(keyframeSchema).default([{ at: 0, ease: 'linear' }]),
}).omit({ name: true, seed: true });

export interface MatrixDimension {
  name: string;
  levels: { name: string; fragment: ConditionsFragment }[];
}

/** A forbidden combination: the row is excluded when every named dimension takes one of the listed levels. */
export type MatrixConstraint = Record<string, string[]>;

export const matrixSchema = z.strictObject({
  id: idSchema,
  description: z.string().default(''),
  /** t of the t-way covering array: 2 (pairwise, default) or 3. */
  strength: z.union([z.literal(2), z.literal(3)], { message: 'expected 2 (pairwise) or 3' }).default(2),
  seed: z.number().int().min(0).max(4_294_967_295).default(1),
  /** Seconds over which a row moves from the base conditions to its levels; 0: the levels from the start. */
  ramp_s: z.number().min(0).default(0),
  base: baseSchema,
  dimensions: z.record(levelName, dimensionSchema).refine((d) => Object.keys(d).length > 0, { message: 'expected at least one dimension' }),
  constraints: z.array(z.record(z.string(), z.union([levelName, z.array(levelName).min(1)]))).default([]),
}).transform((m, ctx) => {
  const criteria = checkScenario(m.base, ctx, ['base']);
  if (m.ramp_s >= m.base.duration_s) ctx.addIssue({ code: 'custom', path: ['ramp_s'], message: `must be less than base.duration_s (${m.base.duration_s})` });
  const dimensions: MatrixDimension[] = [];
  for (const [name, spec] of Object.entries(m.dimensions)) {
    if (Array.isArray(spec)) {
      const presets = LEVEL_PRESETS[name];
      if (!presets) {
        ctx.addIssue({ code: 'custom', path: ['dimensions', name], message: `no standard levels for "${name}" (there are for ${Object.keys(LEVEL_PRESETS).join(', ')}): give a map of level -> conditions` });
        continue;
      }
      spec.forEach((level, i) => {
        if (!presets[level]) ctx.addIssue({ code: 'custom', path: ['dimensions', name, i], message: `unknown ${name} level "${level}": expected one of ${Object.keys(presets).join(', ')}, or give a map of level -> conditions` });
        if (spec.indexOf(level) !== i) ctx.addIssue({ code: 'custom', path: ['dimensions', name, i], message: `duplicate level "${level}"` });
      });
      dimensions.push({ name, levels: spec.map((l) => ({ name: l, fragment: presets[l] ?? {} })) });
    } else {
      if (Object.keys(spec).length === 0) ctx.addIssue({ code: 'custom', path: ['dimensions', name], message: 'expected at least one level' });
      dimensions.push({ name, levels: Object.entries(spec).map(([l, fragment]) => ({ name: l, fragment })) });
    }
  }
  const constraints: MatrixConstraint[] = m.constraints.map((c, i) => {
    const out: MatrixConstraint = {};
    if (Object.keys(c).length === 0) ctx.addIssue({ code: 'custom', path: ['constraints', i], message: 'expected at least one dimension: level pair' });
    for (const [dim, levels] of Object.entries(c)) {
      const d = dimensions.find((x) => x.name === dim);
      if (!d) {
        ctx.addIssue({ code: 'custom', path: ['constraints', i, dim], message: `unknown dimension "${dim}": expected one of ${dimensions.map((x) => x.name).join(', ')}` });
        continue;
      }
      const list = Array.isArray(levels) ? levels : [levels];
      for (const l of list) {
        if (!d.levels.some((x) => x.name === l)) ctx.addIssue({ code: 'custom', path: ['constraints', i, dim], message: `unknown ${dim} level "${l}": expected one of ${d.levels.map((x) => x.name).join(', ')}` });
      }
      out[dim] = list;
    }
    return out;
  });
  return { ...m, dimensions, constraints, base: { ...m.base, criteria: criteria as CriteriaConfig } };
});
export type MatrixConfig = z.output<typeof matrixSchema>;
export type MatrixBase = MatrixConfig['base'];

export function loadMatrixFile(file: string): MatrixConfig {
  return loadConfigFile(file, matrixSchema);
}

export function parseMatrix(file: string, text: string): MatrixConfig {
  return parseConfig(file, text, matrixSchema);
}
