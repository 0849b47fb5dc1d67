// Weather: visibility from the extinction of clear air, fog, rain and snow (Koschmieder, 2% contrast),
// fog density, humidity and the precipitation kind. Pure: noise comes in as arguments.
import { schema } from '../../proto/index.js';
import type { Drivers } from './drivers.js';

/** Koschmieder: visibility (km) = 3.912 / extinction (per km). */
export const KOSCHMIEDER = 3.912;
/** Clear air: about 20 km of visibility. */
export const CLEAR_AIR_EXTINCTION_KM = KOSCHMIEDER / 20;
export const MAX_VISIBILITY_M = 20_000;

/** Weather.Precipitation numbers of the schema. */
export const Precipitation = schema.Weather.Precipitation;

/** Rain's extinction per km for a rate in mm/h: about 9 km of visibility at 1 mm/h, 1 km at 25 mm/h. */
export function rainExtinctionKm(mmH: number): number {
  return mmH > 0 ? 0.25 * mmH ** 0.8 : 0;
}

/** Snow's (water equivalent): far denser than rain, about 2 km at 1 mm/h, 0.6 km at 5 mm/h. */
export function snowExtinctionKm(mmH: number): number {
  return mmH > 0 ? 1.8 * mmH ** 0.8 : 0;
}

/** The fog extinction that leaves `visibilityM` of visibility on its own (with clear air). */
export function fogExtinctionFor(visibilityM: number): number {
  return Math.max(0, KOSCHMIEDER / (visibilityM / 1000) - CLEAR_AIR_EXTINCTION_KM);
}

/** Fog density 0..1: the opacity of 100 m of the fog alone. Rain and snow do not raise it. */
export function fogDensity(fogExtinctionKm: number): number {
  return 1 - Math.exp(-fogExtinctionKm * 0.1);
}

export interface WeatherState {
  precipitation: number;
  rainMmH: number;
  snowMmH: number;
  visibilityM: number;
  fogDensity: number;
  temperatureC: number;
  humidityPct: number;
  windMS: number;
  /** Total extinction per km (clear air included); the lighting model dims the sun with it. */
  extinctionKm: number;
}

/** `jitter` is a relative wobble (about 0, a few per cent) applied to the rates and the fog. */
export function weatherState(d: Drivers, jitter = { rain: 0, fog: 0, wind: 0 }): WeatherState {
  const rain = Math.max(0, d.rainMmH * (1 + jitter.rain));
  const snow = Math.max(0, d.snowMmH * (1 + jitter.rain));
  const fog = Math.max(0, d.fogExtinctionKm * (1 + jitter.fog));
  const extinctionKm = CLEAR_AIR_EXTINCTION_KM + fog + rainExtinctionKm(rain) + snowExtinctionKm(snow);
  const density = fogDensity(fog);
  const wet = Math.min(1, (rain + snow * 3) / 4);
  const humidityPct = Math.min(100, 55 + 40 * wet + 45 * density);
  const precipitation = rain > 0.05 && snow > 0.05 ? Precipitation.SLEET : snow > 0.05 ? Precipitation.SNOW : rain > 0.05 ? Precipitation.RAIN : Precipitation.NONE;
  return {
    precipitation,
    rainMmH: rain,
    snowMmH: snow,
    visibilityM: Math.min(MAX_VISIBILITY_M, (KOSCHMIEDER / extinctionKm) * 1000),
    fogDensity: density,
    temperatureC: d.temperatureC,
    humidityPct,
    windMS: Math.max(0, d.windMS * (1 + jitter.wind)),
    extinctionKm,
  };
}
