// What the world is doing at one simulated instant, as plain numbers: the timeline's output and the
// condition models' input. Categorical keyframe values (terrain, airframe) are already turned into numbers.
export interface Drivers {
  /** Rain and snow (water equivalent), mm/h. */
  rainMmH: number;
  snowMmH: number;
  /** Fog's share of the atmospheric extinction coefficient, per km (visibility = 3.912 / extinction). */
  fogExtinctionKm: number;
  temperatureC: number;
  windMS: number;
  /** Sun elevation forced by the scenario; NaN: computed from the site and the simulated time. */
  sunElevationDeg: number;
  cloudCover: number;
  facingSun: number;
  artificialLux: number;
  /** Vertical-axis vibration RMS (m/s^2) for the terrain or airframe state at this speed. */
  vibrationRms: number;
  /** Shocks (bumps, gusts) per second, each a short spike that may clip the accelerometer. */
  shockRateS: number;
  /** Lens dirt gained per second while it rains (mud thrown up on rough ground). */
  mudRateS: number;
  speedMS: number;
  imbalance: number;
  /** Lens dirt and a blocking object, 0..1. */
  dirt: number;
  object: number;
  /** GNSS: Gnss.Fix number, satellites, HDOP. */
  gnssFix: number;
  satellites: number;
  hdop: number;
}

export const DEFAULT_DRIVERS: Readonly<Drivers> = {
  rainMmH: 0, snowMmH: 0, fogExtinctionKm: 0, temperatureC: 15, windMS: 3,
  sunElevationDeg: Number.NaN, cloudCover: 0.2, facingSun: 0, artificialLux: 0,
  vibrationRms: 0.6, shockRateS: 0.05, mudRateS: 0, speedMS: 5, imbalance: 0,
  dirt: 0, object: 0, gnssFix: 3, satellites: 14, hdop: 0.8,
};

export type DriverName = keyof Drivers;
