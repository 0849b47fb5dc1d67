// The perception stand-in: a detector's confidence as the product of what each condition leaves of it
// (visibility, light, glare, occlusion, precipitation, motion blur), plus seeded noise. Pure.
import type { PerceptionConfig } from '../../config/scenario-config.js';

/** What the detector "sees" of the conditions. */
export interface PerceptionInputs {
  visibilityM: number;
  lux: number;
  glare: number;
  occlusion: number;
  rainMmH: number;
  snowMmH: number;
  /** The largest axis. */
  vibrationRms: number;
}

export interface PerceptionFactors {
  visibility: number;
  light: number;
  glare: number;
  occlusion: number;
  precipitation: number;
  vibration: number;
}

/** Each factor is in (0, 1] and never rises as its condition worsens. */
export function perceptionFactors(i: PerceptionInputs, p: PerceptionConfig): PerceptionFactors {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    visibility: 1 / (1 + (p.visibility_half_m / Math.max(1e-3, i.visibilityM)) ** 2),
    light: 1 / (1 + p.lux_half / Math.max(1e-6, i.lux)),
    glare: 1 - p.glare_weight * clamp(i.glare),
    occlusion: 1 - p.occlusion_weight * clamp(i.occlusion) ** 1.5,
    precipitation: Math.exp(-p.rain_weight * Math.max(0, i.rainMmH) - p.snow_weight * Math.max(0, i.snowMmH)),
    vibration: 1 / (1 + (Math.max(0, i.vibrationRms) / p.vibration_half_rms) ** 2),
  };
}

/** Confidence without noise: the base times every factor. */
export function expectedConfidence(i: PerceptionInputs, p: PerceptionConfig): number {
  const f = perceptionFactors(i, p);
  return p.base * f.visibility * f.light * f.glare * f.occlusion * f.precipitation * f.vibration;
}

/** One sample: the expectation plus `noise` (a draw scaled to noise_sd by the caller), kept in 0..1. */
export function sampleConfidence(i: PerceptionInputs, p: PerceptionConfig, noise: number): number {
  return Math.min(1, Math.max(0, expectedConfidence(i, p) + noise));
}
