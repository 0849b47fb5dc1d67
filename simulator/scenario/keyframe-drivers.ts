// What one keyframe sets, as driver numbers: a weather kind becomes rain, snow and fog extinction; a
// terrain or airframe state becomes vibration RMS, shock and mud rates. Pure.
import type { Keyframe } from '../../config/scenario-config.js';
import { schema } from '../../proto/index.js';
import { DEFAULT_DRIVERS, type DriverName, type Drivers } from '../models/drivers.js';
import { vibrationDrivers, type AirframeState, type Terrain } from '../models/vibration.js';
import { fogExtinctionFor } from '../models/weather.js';

export type Vehicle = 'ugv' | 'uav';

/** The vibration keyframe values in force, carried from keyframe to keyframe. */
export interface VibrationSpec {
  terrain?: Terrain;
  airframe?: AirframeState;
  speedMS: number;
  imbalance: number;
}

const LEVEL_TERRAIN: Record<'low' | 'med' | 'high', Terrain> = { low: 'paved', med: 'gravel', high: 'rough' };
const LEVEL_AIRFRAME: Record<'low' | 'med' | 'high', AirframeState> = { low: 'hover', med: 'cruise', high: 'aggressive' };
const AIRFRAME_SPEED: Record<AirframeState, number> = { idle: 0, hover: 0, cruise: 12, aggressive: 15 };
const Fix = schema.Gnss.Fix;
const FIX: Record<string, number> = { none: Fix.NO_FIX, '2d': Fix.FIX_2D, '3d': Fix.FIX_3D, dgps: Fix.DGPS, rtk_float: Fix.RTK_FLOAT, rtk_fixed: Fix.RTK_FIXED };

export function defaultVibration(vehicle: Vehicle): VibrationSpec {
  return vehicle === 'ugv' ? { terrain: 'paved', speedMS: 5, imbalance: 0 } : { airframe: 'hover', speedMS: 0, imbalance: 0 };
}

export function defaultDrivers(vehicle: Vehicle): Drivers {
  return { ...DEFAULT_DRIVERS, ...vibrationValues(defaultVibration(vehicle)) };
}

function vibrationValues(spec: VibrationSpec): Partial<Drivers> {
  const v = vibrationDrivers(spec);
  return { vibrationRms: v.rms, shockRateS: v.shocks, mudRateS: v.mud, speedMS: spec.speedMS, imbalance: spec.imbalance };
}

/** The vibration spec after a keyframe: named values win, the level picks a terrain or airframe state. */
export function nextVibration(previous: VibrationSpec, k: NonNullable<Keyframe['vibration']>, vehicle: Vehicle): VibrationSpec {
  const next = { ...previous };
  if (k.level) {
    if (vehicle === 'ugv') next.terrain = LEVEL_TERRAIN[k.level];
    else {
      next.airframe = LEVEL_AIRFRAME[k.level];
      next.speedMS = AIRFRAME_SPEED[next.airframe];
      next.imbalance = k.level === 'high' ? 0.15 : 0;
    }
  }
  if (k.terrain) next.terrain = k.terrain;
  if (k.airframe) {
    next.airframe = k.airframe;
    next.speedMS = AIRFRAME_SPEED[k.airframe];
  }
  if (k.speed_m_s !== undefined) next.speedMS = k.speed_m_s;
  if (k.imbalance !== undefined) next.imbalance = k.imbalance;
  return next;
}

/** The driver values a keyframe sets (others are left to interpolation), and the vibration spec after it. */
export function keyframeValues(k: Keyframe, vibration: VibrationSpec, vehicle: Vehicle): { values: Partial<Record<DriverName, number>>; vibration: VibrationSpec } {
  const values: Partial<Record<DriverName, number>> = {};
  if (k.weather) {
    const w = k.weather;
    const mist = w.visibility_m !== undefined ? fogExtinctionFor(w.visibility_m) : 0;
    values.rainMmH = w.kind === 'rain' ? w.rate_mm_h ?? 4 : 0;
    values.snowMmH = w.kind === 'snow' ? w.rate_mm_h ?? 1 : 0;
    values.fogExtinctionKm = w.kind === 'fog' ? fogExtinctionFor(w.visibility_m ?? 200) : mist;
    if (w.temperature_c !== undefined) values.temperatureC = w.temperature_c;
    else if (w.kind === 'snow') values.temperatureC = -2;
    if (w.wind_m_s !== undefined) values.windMS = w.wind_m_s;
  }
  if (k.lighting) {
    const l = k.lighting;
    if (l.sun_elevation_deg !== undefined) values.sunElevationDeg = l.sun_elevation_deg;
    if (l.cloud_cover !== undefined) values.cloudCover = l.cloud_cover;
    if (l.facing_sun !== undefined) values.facingSun = l.facing_sun;
    if (l.artificial_lux !== undefined) values.artificialLux = l.artificial_lux;
  }
  let spec = vibration;
  if (k.vibration) {
    spec = nextVibration(vibration, k.vibration, vehicle);
    Object.assign(values, vibrationValues(spec));
  }
  if (k.occlusion) {
    if (k.occlusion.dirt !== undefined) values.dirt = k.occlusion.dirt;
    if (k.occlusion.object !== undefined) values.object = k.occlusion.object;
  }
  if (k.gnss) {
    if (k.gnss.fix !== undefined) values.gnssFix = FIX[k.gnss.fix];
    if (k.gnss.satellites !== undefined) values.satellites = k.gnss.satellites;
    if (k.gnss.hdop !== undefined) values.hdop = k.gnss.hdop;
  }
  return { values, vibration: spec };
}
