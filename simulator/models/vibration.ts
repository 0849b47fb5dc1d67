// Vibration: RMS per axis from the terrain (ugv) or the airframe state (uav) and speed, and accelerometer
// clipping from shocks whose peaks exceed the sensor's range. Pure: random draws come in as a function.
import type { Drivers } from './drivers.js';

/** The accelerometer's range: +-8 g. */
export const ACCEL_RANGE_M_S2 = 8 * 9.80665;

export type Terrain = 'paved' | 'gravel' | 'rough' | 'offroad';
export type AirframeState = 'idle' | 'hover' | 'cruise' | 'aggressive';

/** Vertical RMS (m/s^2) at 5 m/s, shocks per second, lens mud per second when wet. */
const TERRAIN: Record<Terrain, { rms: number; shocks: number; mud: number }> = {
  paved: { rms: 0.6, shocks: 0.05, mud: 0 },
  gravel: { rms: 2.4, shocks: 0.6, mud: 0.0005 },
  rough: { rms: 6.5, shocks: 2, mud: 0.002 },
  offroad: { rms: 10, shocks: 4, mud: 0.004 },
};

const AIRFRAME: Record<AirframeState, { rms: number; shocks: number }> = {
  idle: { rms: 0.15, shocks: 0 },
  hover: { rms: 1.2, shocks: 0.02 },
  cruise: { rms: 2.2, shocks: 0.05 },
  aggressive: { rms: 5.5, shocks: 0.5 },
};

/** The numbers behind a terrain or airframe state; what keyframes turn into before interpolation. */
export function vibrationDrivers(spec: { terrain?: Terrain; airframe?: AirframeState; speedMS: number; imbalance: number }): { rms: number; shocks: number; mud: number } {
  if (spec.airframe) {
    const a = AIRFRAME[spec.airframe];
    return { rms: a.rms + 12 * spec.imbalance, shocks: a.shocks + 3 * spec.imbalance, mud: 0 };
  }
  const t = TERRAIN[spec.terrain ?? 'paved'];
  const speed = (Math.max(0, spec.speedMS) / 5) ** 0.8;
  return { rms: 0.15 + t.rms * speed + 6 * spec.imbalance, shocks: t.shocks * Math.min(2, speed) + 2 * spec.imbalance, mud: t.mud * Math.min(2, speed) };
}

export interface VibrationState {
  rmsX: number;
  rmsY: number;
  rmsZ: number;
  clipX: number;
  clipY: number;
  clipZ: number;
}

export interface VibrationDraws {
  /** Relative wobble of the RMS (about 0). */
  jitter: number;
  /** How many shocks in this window, for an expected count. */
  shocks(expected: number): number;
  /** A uniform draw in [0, 1). */
  uniform(): number;
}

/**
 * `vertical` weights: a ground vehicle shakes mostly up and down; a multirotor's frame about evenly.
 * Each shock's peak is the RMS times a crest factor of 3 plus an exponential tail (mean 5).
 */
export function vibrationState(d: Drivers, vehicle: 'ugv' | 'uav', dtS: number, draws: VibrationDraws): VibrationState {
  const rms = Math.max(0.01, d.vibrationRms * (1 + draws.jitter));
  const [wx, wy] = vehicle === 'ugv' ? [0.45, 0.55] : [0.8, 0.85];
  const clip = [0, 0, 0];
  const shocks = draws.shocks(d.shockRateS * dtS);
  for (let i = 0; i < shocks; i++) {
    const peak = rms * (3 + -5 * Math.log(1 - draws.uniform()));
    if (peak > ACCEL_RANGE_M_S2) {
      const axis = draws.uniform();
      clip[axis < 0.7 ? 2 : axis < 0.85 ? 1 : 0]++;
    }
  }
  return { rmsX: rms * wx, rmsY: rms * wy, rmsZ: rms, clipX: clip[0], clipY: clip[1], clipZ: clip[2] };
}
