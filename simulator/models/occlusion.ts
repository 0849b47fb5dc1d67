// Lens occlusion: dirt and mud, raindrops and snow on the lens, fog condensation and blocking objects,
// combined as independent shares of the view; the cause is the largest contributor. Pure.
import { schema } from '../../proto/index.js';
import type { Drivers } from './drivers.js';
import type { WeatherState } from './weather.js';

/** Occlusion.Cause numbers of the schema. */
export const OcclusionCause = schema.Occlusion.Cause;

export interface OcclusionState {
  fraction: number;
  cause: number;
}

/** Raindrops on the lens: about 20% at 8 mm/h; a flying uav sheds some of them. */
export function raindropShare(rainMmH: number, vehicle: 'ugv' | 'uav'): number {
  return 1 - Math.exp(-(vehicle === 'uav' ? 0.015 : 0.03) * rainMmH);
}

/** Wet snow sticks: about 40% at 2 mm/h. */
export function snowShare(snowMmH: number): number {
  return 1 - Math.exp(-0.25 * snowMmH);
}

/** `dirt` is the lens dirt now (the keyframed dirt plus mud gathered so far); `jitter` a small relative wobble. */
export function occlusionState(d: Drivers, w: WeatherState, vehicle: 'ugv' | 'uav', dirt: number, jitter = 0): OcclusionState {
  const parts: [number, number][] = [
    [OcclusionCause.DIRT, Math.min(1, dirt)],
    [OcclusionCause.RAIN, 1 - (1 - raindropShare(w.rainMmH, vehicle)) * (1 - snowShare(w.snowMmH))],
    [OcclusionCause.FOG, 0.1 * w.fogDensity],
    [OcclusionCause.OBJECT, d.object],
  ];
  const clear = parts.reduce((p, [, share]) => p * (1 - share), 1);
  const fraction = Math.min(1, Math.max(0, (1 - clear) * (1 + jitter)));
  const [cause, largest] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { fraction, cause: fraction < 0.02 || largest < 0.01 ? OcclusionCause.CLEAR : cause };
}
