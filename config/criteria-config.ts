// Go/no-go criteria in config: per mission risk level, explicit thresholds on live signals.
// Shorthand `min_lux: 100` means lux >= 100; the long form names input, comparator and threshold.
import { z } from 'zod';

/** Live signals a criterion may test; the agent fills them from Conditions and Health records. */
export const SIGNALS = [
  'perception_confidence', 'visibility_m', 'fog_density', 'precipitation_mm_h', 'lux', 'sun_elevation_deg', 'glare',
  'vibration_rms', 'vibration_clipping', 'occlusion_fraction', 'gnss_fix', 'gnss_satellites', 'gnss_hdop',
  'cpu_load_pct', 'cpu_temp_c', 'mem_used_pct', 'disk_used_pct',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** Shorthand stems: `min_confidence` tests perception_confidence, `max_cpu_temp` tests cpu_temp_c, ... */
export const SIGNAL_ALIASES: Record<string, Signal> = {
  confidence: 'perception_confidence', visibility: 'visibility_m', fog: 'fog_density', precipitation: 'precipitation_mm_h',
  rain: 'precipitation_mm_h', vibration: 'vibration_rms', clipping: 'vibration_clipping', occlusion: 'occlusion_fraction',
  satellites: 'gnss_satellites', hdop: 'gnss_hdop', cpu_temp: 'cpu_temp_c', cpu_load: 'cpu_load_pct', memory: 'mem_used_pct',
  disk: 'disk_used_pct',
};

export const COMPARATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export interface CriterionSpec {
  name: string;
  input: string; // a Signal, or `m.<measurement name>`
  comparator: Comparator;
  threshold: number;
}

const longForm = z.strictObject({
  input: z.string(),
  comparator: z.enum(COMPARATORS, { message: `expected one of ${COMPARATORS.join(' ')}` }),
  threshold: z.number(),
});

/** Resolves a criterion name's signal: `min_lux` -> lux, `max_cpu_temp` -> cpu_temp_c, `min_m.wind` -> m.wind. */
export function signalOf(stem: string): string | undefined {
  if (stem.startsWith('m.') && stem.length > 2) return stem;
  if ((SIGNALS as readonly string[]).includes(stem)) return stem;
  return SIGNAL_ALIASES[stem];
}

const levelSchema = z.record(z.string(), z.union([z.number(), longForm])).transform((entries, ctx): CriterionSpec[] => {
  const out: CriterionSpec[] = [];
  for (const [name, value] of Object.entries(entries)) {
    if (typeof value === 'number') {
      const m = /^(min|max)_(.+)$/.exec(name);
      const input = m && signalOf(m[2]);
      if (!m || !input) {
        ctx.addIssue({
          code: 'custom', path: [name],
          message: `expected min_<signal> or max_<signal> with a known signal (${SIGNALS.join(', ')}, aliases ${Object.keys(SIGNAL_ALIASES).join(', ')}, or m.<measurement>), or the long form {input, comparator, threshold}`,
        });
        continue;
      }
      out.push({ name, input, comparator: m[1] === 'min' ? '>=' : '<=', threshold: value });
    } else {
      const input = signalOf(value.input);
      if (!input) {
        ctx.addIssue({ code: 'custom', path: [name, 'input'], message: `unknown signal "${value.input}": expected one of ${SIGNALS.join(', ')} or m.<measurement>` });
        continue;
      }
      out.push({ name, input, comparator: value.comparator, threshold: value.threshold });
    }
  }
  return out;
});

export const criteriaSchema = z.strictObject({
  version: z.string().min(1).default('1'),
  /** The mission risk level in force; its criteria decide go/no-go. */
  risk_level: z.string().min(1),
  /** Evaluate at this period (a Decision record each time); 0 = only on demand. */
  evaluate_every_ms: z.number().int().min(0).default(1000),
  /** A signal older than this counts as unavailable, and a criterion on it fails. */
  max_input_age_ms: z.number().int().min(1).default(5000),
  levels: z.record(z.string(), levelSchema).refine((l) => Object.keys(l).length > 0, { message: 'expected at least one risk level' }),
}).superRefine((c, ctx) => {
  if (!(c.risk_level in c.levels)) {
    ctx.addIssue({ code: 'custom', path: ['risk_level'], message: `expected one of the defined levels (${Object.keys(c.levels).join(', ')})` });
  }
});
export type CriteriaConfig = z.output<typeof criteriaSchema>;

export const boundarySchema = z.strictObject({
  /** Seconds of conditions kept in memory; before and after a handover or no-go they are made critical. */
  window_s: z.number().min(0).max(600).default(10),
  /** Record at most one Conditions record per this interval from high-rate inputs; the window keeps them all. */
  record_interval_ms: z.number().int().min(0).default(0),
});
export type BoundaryConfig = z.output<typeof boundarySchema>;

/** A file holding a `criteria:` block (an agent config will do): what `sim replay --criteria` reads. */
export const criteriaFileSchema = z.looseObject({ criteria: criteriaSchema });
