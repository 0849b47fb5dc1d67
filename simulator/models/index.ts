// simulator/models: condition models (weather, sun and lighting, vibration, occlusion, GNSS) and the
// World that couples them. Pure functions, plus the seeded World that carries noise and mud forward.
export { DEFAULT_DRIVERS, type Drivers, type DriverName } from './drivers.js';
export {
  weatherState, rainExtinctionKm, snowExtinctionKm, fogExtinctionFor, fogDensity, Precipitation,
  CLEAR_AIR_EXTINCTION_KM, KOSCHMIEDER, MAX_VISIBILITY_M, type WeatherState,
} from './weather.js';
export { sunElevationDeg } from './sun.js';
export { clearSkyLux, lightingState, lowSunFactor, type LightingState } from './lighting.js';
export { vibrationDrivers, vibrationState, ACCEL_RANGE_M_S2, type VibrationState, type Terrain, type AirframeState } from './vibration.js';
export { occlusionState, raindropShare, snowShare, OcclusionCause, type OcclusionState } from './occlusion.js';
export { GnssTrack, type GnssState } from './gnss.js';
export { World, WORLD_MODEL, type WorldState, type WorldOptions } from './world.js';
export { conditionsBody } from './conditions-body.js';
