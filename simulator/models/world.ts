// The world a simulated vehicle moves through: each step turns the timeline's drivers into weather,
// lighting, vibration, occlusion and GNSS, with their couplings and seeded, slowly varying noise.
import { deriveSeed, poisson, seededRandom, wander } from '../prng.js';
import type { Drivers } from './drivers.js';
import { GnssTrack, type GnssState } from './gnss.js';
import { lightingState, type LightingState } from './lighting.js';
import { occlusionState, type OcclusionState } from './occlusion.js';
import { sunElevationDeg } from './sun.js';
import { vibrationState, type VibrationState } from './vibration.js';
import { weatherState, type WeatherState } from './weather.js';

export interface WorldState {
  weather: WeatherState;
  lighting: LightingState;
  vibration: VibrationState;
  occlusion: OcclusionState;
  gnss: GnssState;
}

export interface WorldOptions {
  seed: number;
  vehicle: 'ugv' | 'uav';
  site: { latitude_deg: number; longitude_deg: number; altitude_m: number; heading_deg: number };
  /** Simulated wall time at t = 0. */
  startUnixMs: number;
}

/** Model ids and versions, recorded in every Boot record of a simulated run. */
export const WORLD_MODEL = { id: 'fieldproof-sim-conditions', version: '1' } as const;

export class World {
  private readonly noise;
  private readonly shockRandom;
  private readonly gnss: GnssTrack;
  /** Mud gathered on the lens so far (rough ground in the wet). */
  private mud = 0;
  private lastT = 0;

  constructor(private readonly o: WorldOptions) {
    const stream = (label: string) => seededRandom(deriveSeed(o.seed, 'world', label));
    this.noise = {
      rain: wander(stream('rain'), 0.08, 20),
      fog: wander(stream('fog'), 0.06, 30),
      wind: wander(stream('wind'), 0.2, 5),
      lux: wander(stream('lux'), 0.05, 10),
      glare: wander(stream('glare'), 0.1, 3),
      vibration: wander(stream('vibration'), 0.1, 1),
      occlusion: wander(stream('occlusion'), 0.05, 15),
      satellites: wander(stream('satellites'), 0.7, 30),
      hdop: wander(stream('hdop'), 0.08, 30),
    };
    this.shockRandom = stream('shocks');
    this.gnss = new GnssTrack(o.site);
  }

  /** The state at simulated time tS (seconds since the start); steps must go forward. */
  step(tS: number, d: Drivers): WorldState {
    const dt = Math.max(0, tS - this.lastT);
    this.lastT = tS;
    const n = this.noise;
    const weather = weatherState(d, { rain: n.rain(dt), fog: n.fog(dt), wind: n.wind(dt) });
    const sun = Number.isNaN(d.sunElevationDeg)
      ? sunElevationDeg(this.o.startUnixMs + tS * 1000, this.o.site.latitude_deg, this.o.site.longitude_deg)
      : d.sunElevationDeg;
    const lighting = lightingState(d, sun, weather, { lux: n.lux(dt), glare: n.glare(dt) });
    const random = this.shockRandom;
    const vibration = vibrationState(d, this.o.vehicle, dt, {
      jitter: n.vibration(dt),
      shocks: (expected) => poisson(random, expected),
      uniform: random,
    });
    if (weather.rainMmH > 0.5) this.mud = Math.min(0.8, this.mud + d.mudRateS * dt);
    const occlusion: OcclusionState = occlusionState(d, weather, this.o.vehicle, Math.min(1, d.dirt + this.mud), n.occlusion(dt));
    const gnss = this.gnss.step(d, dt, { satellites: n.satellites(dt), hdop: n.hdop(dt) });
    return { weather, lighting, vibration, occlusion, gnss };
  }
}
