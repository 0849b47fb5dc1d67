// Simulator scenario files: vehicle, duration, rates, seed, site and start time, criteria and keyframed
// condition timelines. Validated once here (file:line: key errors); the simulator trusts the result.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { criteriaSchema, type CriteriaConfig } from './criteria-config.js';
import { loadConfigFile, parseConfig } from './load.js';

const fraction = z.number().min(0, { message: 'expected 0..1' }).max(1, { message: 'expected 0..1' });

/** Seconds as a number, or "m:ss" / "h:mm:ss". */
export const timeSchema = z.union([z.number().min(0, { message: 'must be at least 0' }), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const m = /^(?:(\d+):)?(\d+):([0-5]\d(?:\.\d+)?)$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected seconds (e.g. 90) or "m:ss" / "h:mm:ss" (e.g. "1:30")' });
    return z.NEVER;
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
});

export const WEATHER_KINDS = ['clear', 'rain', 'fog', 'snow'] as const;
export const TERRAINS = ['paved', 'gravel', 'rough', 'offroad'] as const;
export const AIRFRAME_STATES = ['idle', 'hover', 'cruise', 'aggressive'] as const;
export const VIBRATION_LEVELS = ['low', 'med', 'high'] as const;
export const GNSS_FIXES = ['none', '2d', '3d', 'dgps', 'rtk_float', 'rtk_fixed'] as const;
export const VEHICLES = ['ugv', 'uav'] as const;

export const weatherKeySchema = z.strictObject({
  kind: z.enum(WEATHER_KINDS, { message: 'expected clear, rain, fog or snow' }),
  /** Rain or snow (water equivalent), mm/h. */
  rate_mm_h: z.number().min(0).max(200, { message: 'must be at most 200' }).optional(),
  /** Fog: the visibility it leaves; with rain or snow, an extra mist on top of theirs. */
  visibility_m: z.number().min(5, { message: 'must be at least 5' }).max(50_000).optional(),
  temperature_c: z.number().min(-60).max(60).optional(),
  wind_m_s: z.number().min(0).max(60).optional(),
}).superRefine((w, ctx) => {
  if (w.kind === 'clear' && w.rate_mm_h) ctx.addIssue({ code: 'custom', path: ['rate_mm_h'], message: 'only rain or snow has a rate; use kind: rain or snow' });
  if (w.kind === 'fog' && w.rate_mm_h) ctx.addIssue({ code: 'custom', path: ['rate_mm_h'], message: 'fog has no rate; give visibility_m' });
});

export const lightingKeySchema = z.strictObject({
  /** Overrides the sun computed from site and time (matrix levels use it: dusk = -4). */
  sun_elevation_deg: z.number().min(-90).max(90).optional(),
  cloud_cover: fraction.optional(),
  /** How squarely the camera faces the sun (0..1): glare needs it, and a low sun above the horizon. */
  facing_sun: fraction.optional(),
  /** Headlights, street lights: added to the ambient lux. */
  artificial_lux: z.number().min(0).max(100_000).optional(),
});

export const vibrationKeySchema = z.strictObject({
  /** Shorthand by vehicle: ugv low/med/high = paved/gravel/rough; uav = hover/cruise/aggressive. */
  level: z.enum(VIBRATION_LEVELS, { message: 'expected low, med or high' }).optional(),
  terrain: z.enum(TERRAINS, { message: `expected one of ${TERRAINS.join(', ')}` }).optional(),
  airframe: z.enum(AIRFRAME_STATES, { message: `expected one of ${AIRFRAME_STATES.join(', ')}` }).optional(),
  speed_m_s: z.number().min(0).max(100).optional(),
  /** Propeller or wheel imbalance (0..1): raises vibration and shocks. */
  imbalance: fraction.optional(),
});

export const occlusionKeySchema = z.strictObject({
  /** Dirt or mud on the lens (0..1 of the field of view). */
  dirt: fraction.optional(),
  /** An object blocking part of the view (0..1). */
  object: fraction.optional(),
});

export const gnssKeySchema = z.strictObject({
  fix: z.enum(GNSS_FIXES, { message: `expected one of ${GNSS_FIXES.join(', ')}` }).optional(),
  satellites: z.number().int().min(0).max(64).optional(),
  hdop: z.number().min(0.3).max(99).optional(),
});

/** What a keyframe or a matrix level sets; anything left out keeps its previous value. */
export const conditionsKeyShape = {
  weather: weatherKeySchema.optional(),
  lighting: lightingKeySchema.optional(),
  vibration: vibrationKeySchema.optional(),
  occlusion: occlusionKeySchema.optional(),
  gnss: gnssKeySchema.optional(),
};
export const conditionsFragmentSchema = z.strictObject(conditionsKeyShape);
export type ConditionsFragment = z.output<typeof conditionsFragmentSchema>;

export const keyframeSchema = z.strictObject({
  at: timeSchema,
  /** How values arrive at this keyframe from the previous one: linear (default) or step (at once). */
  ease: z.enum(['linear', 'step'], { message: 'expected linear or step' }).default('linear'),
  ...conditionsKeyShape,
});
export type Keyframe = z.output<typeof keyframeSchema>;

export const perceptionSchema = z.strictObject({
  model_id: z.string().min(1).default('sim-perception'),
  version: z.string().min(1).default('1'),
  /** Confidence in ideal conditions. */
  base: fraction.default(0.97),
  /** Standard deviation of the seeded noise on each sample (slowly varying). */
  noise_sd: z.number().min(0).max(0.5).default(0.02),
  /** Visibility (m) at which the visibility factor halves confidence. */
  visibility_half_m: z.number().positive().default(80),
  /** Scene lux at which the light factor halves confidence. */
  lux_half: z.number().positive().default(1),
  /** Share of confidence lost at full glare. */
  glare_weight: fraction.default(0.6),
  /** Share of confidence lost at full occlusion (it grows as occlusion^1.5: a little dirt costs little). */
  occlusion_weight: fraction.default(0.9),
  /** Per mm/h of rain and snow: clutter beyond what visibility already takes. */
  rain_weight: z.number().min(0).max(1).default(0.012),
  snow_weight: z.number().min(0).max(1).default(0.05),
  /** Vibration RMS (m/s^2) at which motion blur halves confidence. */
  vibration_half_rms: z.number().positive().default(12),
});
export type PerceptionConfig = z.output<typeof perceptionSchema>;

export const operatorSchema = z.strictObject({
  /** Median seconds the operator takes to accept a takeover request (log-normal). */
  reaction_s: z.number().min(0).max(600).default(2.5),
  /** The operator hands control back after the verdict has been "go" this long. */
  handback_after_s: z.number().min(0).max(3600).default(15),
});
export type OperatorConfig = z.output<typeof operatorSchema>;

/** The inline `criteria:` block of a scenario: as the agent's, with the scenario's risk_level. */
const inlineCriteriaSchema = z.strictObject({
  version: z.string().min(1).default('sim-1'),
  max_input_age_ms: z.number().int().min(1).default(5000),
  levels: z.record(z.string(), z.unknown()),
});

export const scenarioShape = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, { message: 'expected 1-64 letters, digits, ".", "_", "-" or "/"' }),
  description: z.string().default(''),
  vehicle: z.enum(VEHICLES, { message: 'expected ugv or uav' }).default('ugv'),
  /** Mission risk level: which criteria level decides go/no-go. */
  risk_level: z.string().min(1).default('medium'),
  duration_s: z.number().positive({ message: 'must be more than 0' }).max(86_400, { message: 'must be at most 86400 (a day)' }),
  /** Conditions samples per simulated second. */
  rate_hz: z.number().positive({ message: 'must be more than 0' }).max(1000, { message: 'must be at most 1000' }),
  /** Go/no-go evaluations per simulated second. */
  decision_hz: z.number().positive().max(100).default(1),
  seed: z.number().int().min(0).max(4_294_967_295, { message: 'expected a 32-bit unsigned integer' }).default(1),
  site: z.strictObject({
    latitude_deg: z.number().min(-90).max(90).default(52.0),
    longitude_deg: z.number().min(-180).max(180).default(4.4),
    altitude_m: z.number().default(10),
    heading_deg: z.number().min(0).max(360).default(90),
  }).prefault({}),
  /** Simulated wall time at t = 0 (ISO 8601); with the site it places the sun. */
  start: z.string().refine((s) => /\d{4}-\d\d-\d\dT/.test(s) && Number.isFinite(Date.parse(s)), {
    message: 'expected an ISO 8601 time, e.g. "2026-06-21T19:30:00Z"',
  }).default('2026-06-01T10:00:00Z'),
  criteria: z.union([z.literal('default'), inlineCriteriaSchema], { message: 'expected "default" or a block {version, levels}' }).default('default'),
  perception: perceptionSchema.prefault({}),
  operator: operatorSchema.prefault({}),
  keyframes: z.array(keyframeSchema).min(1, { message: 'expected at least one keyframe' }),
};

/** Go/no-go levels used when a scenario says `criteria: default`. */
export const DEFAULT_SIM_CRITERIA = {
  version: 'sim-default-1',
  max_input_age_ms: 5000,
  levels: {
    low: { min_confidence: 0.5, min_visibility: 50, max_vibration_rms: 12, max_occlusion: 0.7 },
    medium: { min_confidence: 0.7, max_fog_density: 0.8, min_lux: 1, max_vibration_rms: 8, max_occlusion: 0.45, max_glare: 0.6 },
    high: {
      min_confidence: 0.85, min_visibility: 800, min_lux: 50, max_vibration_rms: 5, max_occlusion: 0.25, max_glare: 0.35, max_rain: 10,
    },
  },
};

type ScenarioInput = {
  risk_level: string;
  duration_s: number;
  keyframes: Keyframe[];
  vehicle: (typeof VEHICLES)[number];
  criteria: 'default' | z.output<typeof inlineCriteriaSchema>;
};

/** Checks what one field cannot: keyframe order and range, vehicle-specific keys, the criteria block. */
export function checkScenario(s: ScenarioInput, ctx: z.RefinementCtx, at: (string | number)[] = []): CriteriaConfig | undefined {
  let previous = -1;
  s.keyframes.forEach((k, i) => {
    if (k.at <= previous) ctx.addIssue({ code: 'custom', path: [...at, 'keyframes', i, 'at'], message: `must be after the previous keyframe (${previous} s)` });
    if (k.at > s.duration_s) ctx.addIssue({ code: 'custom', path: [...at, 'keyframes', i, 'at'], message: `must be within duration_s (${s.duration_s} s)` });
    previous = Math.max(previous, k.at);
    if (k.vibration?.terrain && s.vehicle !== 'ugv') ctx.addIssue({ code: 'custom', path: [...at, 'keyframes', i, 'vibration', 'terrain'], message: `terrain is for a ugv; this vehicle is a ${s.vehicle} (use airframe)` });
    if (k.vibration?.airframe && s.vehicle !== 'uav') ctx.addIssue({ code: 'custom', path: [...at, 'keyframes', i, 'vibration', 'airframe'], message: `airframe is for a uav; this vehicle is a ${s.vehicle} (use terrain)` });
  });
  return resolveCriteria(s, ctx, at);
}

function resolveCriteria(s: ScenarioInput, ctx: z.RefinementCtx, at: (string | number)[]): CriteriaConfig | undefined {
  const block = s.criteria === 'default' ? DEFAULT_SIM_CRITERIA : s.criteria;
  const parsed = criteriaSchema.safeParse({ ...block, risk_level: s.risk_level, evaluate_every_ms: 0 });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path[0] === 'risk_level' ? [...at, 'risk_level'] : [...at, 'criteria', ...issue.path.map((p) => p as string | number)];
    ctx.addIssue({ code: 'custom', path, message: issue.message });
  }
  return undefined;
}

export const scenarioSchema = z.strictObject(scenarioShape).transform((s, ctx) => {
  const criteria = checkScenario(s, ctx);
  return { ...s, criteria: criteria as CriteriaConfig };
});
export type Scenario = z.output<typeof scenarioSchema>;

export function loadScenarioFile(file: string): Scenario {
  return loadConfigFile(file, scenarioSchema);
}

export function parseScenario(file: string, text: string): Scenario {
  return parseConfig(file, text, scenarioSchema);
}

/** The folder holding config/scenarios and config/matrices (works from the sources and from dist/). */
export function configLibraryDir(kind: 'scenarios' | 'matrices'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, kind);
    if (existsSync(candidate)) return candidate;
    const nested = join(dir, 'config', kind);
    if (existsSync(nested)) return nested;
    dir = dirname(dir);
  }
  return resolve('config', kind);
}
