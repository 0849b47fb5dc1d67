// Keyframed condition timelines: each driver is interpolated between the keyframes that set it
// (linear, or a step at the keyframe), held before the first and after the last. Pure.
import type { Keyframe } from '../../config/scenario-config.js';
import type { DriverName, Drivers } from '../models/drivers.js';
import { defaultDrivers, defaultVibration, keyframeValues, type Vehicle } from './keyframe-drivers.js';

interface Point {
  t: number;
  value: number;
  ease: 'linear' | 'step';
}

/** Drivers that only ever jump: counts and enums. */
const STEPPED: ReadonlySet<DriverName> = new Set(['gnssFix', 'satellites']);

export class Timeline {
  private readonly channels = new Map<DriverName, Point[]>();
  private readonly defaults: Drivers;

  constructor(keyframes: readonly Keyframe[], vehicle: Vehicle) {
    this.defaults = defaultDrivers(vehicle);
    let vibration = defaultVibration(vehicle);
    for (const k of [...keyframes].sort((a, b) => a.at - b.at)) {
      const next = keyframeValues(k, vibration, vehicle);
      vibration = next.vibration;
      for (const [name, value] of Object.entries(next.values) as [DriverName, number][]) {
        const points = this.channels.get(name) ?? [];
        points.push({ t: k.at, value, ease: STEPPED.has(name) ? 'step' : k.ease });
        this.channels.set(name, points);
      }
    }
  }

  /** The drivers at simulated time tS (seconds). */
  at(tS: number): Drivers {
    const out = { ...this.defaults };
    for (const [name, points] of this.channels) out[name] = valueAt(points, tS);
    return out;
  }
}

function valueAt(points: Point[], t: number): number {
  if (t <= points[0].t) return points[0].value;
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (t < b.t) {
      const a = points[i - 1];
      if (b.ease === 'step') return a.value;
      return a.value + ((b.value - a.value) * (t - a.t)) / (b.t - a.t);
    }
  }
  return points[points.length - 1].value;
}
