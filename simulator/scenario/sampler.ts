// A scenario as a stream of samples: the timeline's drivers at t, the world they make, the perception
// stand-in's confidence in it and the Conditions body to record. Seeded: same scenario and seed, same samples.
import type { Scenario } from '../../config/scenario-config.js';
import type { Body } from '../../proto/index.js';
import type { Drivers } from '../models/drivers.js';
import { conditionsBody } from '../models/conditions-body.js';
import { World, type WorldState } from '../models/world.js';
import { sampleConfidence, type PerceptionInputs } from '../perception/perception.js';
import { deriveSeed, seededRandom, wander } from '../prng.js';
import { Timeline } from './timeline.js';

export interface Sample {
  tS: number;
  drivers: Drivers;
  world: WorldState;
  confidence: number;
  body: Body;
}

export function perceptionInputs(w: WorldState): PerceptionInputs {
  return {
    visibilityM: w.weather.visibilityM,
    lux: w.lighting.lux,
    glare: w.lighting.glare,
    occlusion: w.occlusion.fraction,
    rainMmH: w.weather.rainMmH,
    snowMmH: w.weather.snowMmH,
    vibrationRms: Math.max(w.vibration.rmsX, w.vibration.rmsY, w.vibration.rmsZ),
  };
}

export class ScenarioSampler {
  readonly timeline: Timeline;
  private readonly world: World;
  private readonly noise: (dtS: number) => number;
  private lastT = 0;

  constructor(private readonly scenario: Scenario) {
    this.timeline = new Timeline(scenario.keyframes, scenario.vehicle);
    this.world = new World({ seed: scenario.seed, vehicle: scenario.vehicle, site: scenario.site, startUnixMs: Date.parse(scenario.start) });
    this.noise = wander(seededRandom(deriveSeed(scenario.seed, 'perception')), scenario.perception.noise_sd, 2);
  }

  /** The sample at simulated time tS; calls must go forward in time. */
  sample(tS: number): Sample {
    const drivers = this.timeline.at(tS);
    const world = this.world.step(tS, drivers);
    const confidence = sampleConfidence(perceptionInputs(world), this.scenario.perception, this.noise(Math.max(0, tS - this.lastT)));
    this.lastT = tS;
    return { tS, drivers, world, confidence, body: conditionsBody(world, confidence) };
  }
}
