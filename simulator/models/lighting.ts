// Lighting: illuminance from the sun's elevation (daylight, civil/nautical twilight, night), dimmed by
// cloud, precipitation and fog; glare only from a low sun above the horizon that the camera faces. Pure.
import type { Drivers } from './drivers.js';
import { CLEAR_AIR_EXTINCTION_KM, type WeatherState } from './weather.js';

/** log10(lux) of a clear sky by sun elevation (degrees): overhead sun about 110,000 lux, sunset about 400, moonless night 0.001. */
const CLEAR_SKY_LOG_LUX: [number, number][] = [
  [-90, -3.3], [-18, -3.0], [-12, -2.0], [-6, 0.5], [-3, 1.6], [0, 2.6], [5, 3.6], [10, 4.1], [20, 4.5], [30, 4.7], [60, 4.95], [90, 5.04],
];

export function clearSkyLux(elevationDeg: number): number {
  const table = CLEAR_SKY_LOG_LUX;
  if (elevationDeg <= table[0][0]) return 10 ** table[0][1];
  for (let i = 1; i < table.length; i++) {
    const [e1, l1] = table[i];
    if (elevationDeg <= e1) {
      const [e0, l0] = table[i - 1];
      return 10 ** (l0 + ((l1 - l0) * (elevationDeg - e0)) / (e1 - e0));
    }
  }
  return 10 ** table[table.length - 1][1];
}

/** Glare's dependence on the sun's elevation: none at or below the horizon, strongest at 2-6 degrees, gone above 25. */
export function lowSunFactor(elevationDeg: number): number {
  if (elevationDeg <= 0) return 0;
  if (elevationDeg < 2) return elevationDeg / 2;
  if (elevationDeg <= 6) return 1;
  return Math.max(0, 1 - (elevationDeg - 6) / 19);
}

export interface LightingState {
  lux: number;
  sunElevationDeg: number;
  glare: number;
  /** Cloud cover in effect: rain, snow and thick fog imply an overcast sky. */
  cloudCover: number;
}

export function lightingState(d: Drivers, sunElevation: number, w: WeatherState, jitter = { lux: 0, glare: 0 }): LightingState {
  const precipitating = w.rainMmH + w.snowMmH;
  const cloudCover = Math.min(1, Math.max(d.cloudCover, precipitating > 0.05 ? 0.75 + 0.01 * precipitating : 0));
  const cloudFactor = 1 - 0.75 * cloudCover ** 3.4; // Kasten & Czeplak
  const fogExtinction = Math.max(0, w.extinctionKm - CLEAR_AIR_EXTINCTION_KM);
  const dimming = cloudFactor * (0.3 + 0.7 * Math.exp(-fogExtinction * 0.15));
  const ambient = clearSkyLux(sunElevation) * dimming * Math.exp(jitter.lux);
  const directSun = (1 - cloudCover) ** 1.5 * Math.exp(-fogExtinction * 0.3);
  const glare = Math.min(1, Math.max(0, d.facingSun * lowSunFactor(sunElevation) * directSun * (1 + jitter.glare)));
  return { lux: ambient + d.artificialLux, sunElevationDeg: sunElevation, glare, cloudCover };
}
