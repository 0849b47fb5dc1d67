// A world state and a perception confidence as the Conditions body the agent records, with the
// schema's own field names and enum numbers. Pure.
import type { Body } from '../../proto/index.js';
import type { WorldState } from './world.js';

export function conditionsBody(w: WorldState, confidence: number, sourceId = 'sim'): Body {
  return {
    conditions: {
      sourceId,
      weather: {
        precipitation: w.weather.precipitation,
        precipitationMmH: w.weather.rainMmH + w.weather.snowMmH,
        visibilityM: w.weather.visibilityM,
        fogDensity: w.weather.fogDensity,
        temperatureC: w.weather.temperatureC,
        windSpeedMS: w.weather.windMS,
        humidityPct: w.weather.humidityPct,
      },
      lighting: { lux: w.lighting.lux, sunElevationDeg: w.lighting.sunElevationDeg, glare: w.lighting.glare },
      vibration: { ...w.vibration },
      occlusion: { fraction: w.occlusion.fraction, cause: w.occlusion.cause, sensor: 'cam0' },
      gnss: {
        fix: w.gnss.fix, satellites: w.gnss.satellites, hdop: w.gnss.hdop, latitudeDeg: w.gnss.latitudeDeg,
        longitudeDeg: w.gnss.longitudeDeg, altitudeM: w.gnss.altitudeM, speedMS: w.gnss.speedMS,
      },
      perceptionConfidence: confidence,
    },
  };
}
