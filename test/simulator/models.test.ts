// Condition models and their couplings: rain and fog lower visibility (fog alone raises fog density),
// rain raises lens occlusion, night lowers lux, glare needs a low sun above the horizon.
import { describe, expect, it } from 'vitest';
import {
  clearSkyLux, DEFAULT_DRIVERS, fogExtinctionFor, lightingState, occlusionState, sunElevationDeg, Timeline, vibrationDrivers,
  vibrationState, weatherState, type Drivers,
} from '../../simulator/index.js';
import { keyframeSchema } from '../../config/scenario-config.js';

const drivers = (over: Partial<Drivers> = {}): Drivers => ({ ...DEFAULT_DRIVERS, ...over });
const rates = [0, 0.5, 1, 2, 5, 10, 20, 40, 80];

function nonIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v <= values[i - 1] + 1e-12);
}
function nonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1] - 1e-12);
}

describe('weather', () => {
  it('rain lowers visibility, more rain lowers it more, and it never raises fog density', () => {
    const states = rates.map((r) => weatherState(drivers({ rainMmH: r })));
    expect(nonIncreasing(states.map((s) => s.visibilityM))).toBe(true);
    expect(states[0].visibilityM).toBeCloseTo(20_000, 0);
    expect(states.at(-1)!.visibilityM).toBeLessThan(1000);
    expect(states.every((s) => s.fogDensity === 0)).toBe(true);
    expect(states.slice(2).every((s) => s.precipitation === 2)).toBe(true); // RAIN
  });

  it('fog lowers visibility to what was asked and raises fog density', () => {
    const visibilities = [10_000, 2000, 800, 300, 150, 50];
    const states = visibilities.map((v) => weatherState(drivers({ fogExtinctionKm: fogExtinctionFor(v) })));
    states.forEach((s, i) => expect(s.visibilityM).toBeCloseTo(visibilities[i], 3));
    expect(nonIncreasing(states.map((s) => s.visibilityM))).toBe(true);
    expect(nonDecreasing(states.map((s) => s.fogDensity))).toBe(true);
    expect(states.at(-1)!.fogDensity).toBeGreaterThan(0.99);
    expect(states.every((s) => s.precipitation === 1)).toBe(true); // NONE
  });

  it('snow lowers visibility far more than the same rate of rain', () => {
    expect(weatherState(drivers({ snowMmH: 2 })).visibilityM).toBeLessThan(weatherState(drivers({ rainMmH: 2 })).visibilityM / 3);
    expect(weatherState(drivers({ snowMmH: 2, rainMmH: 1 })).precipitation).toBe(4); // SLEET
  });
});

describe('lighting', () => {
  it('lux falls with the sun: day > sunset > civil twilight > night', () => {
    const elevations = [60, 30, 10, 0, -3, -6, -12, -18, -40];
    const lux = elevations.map(clearSkyLux);
    expect(nonIncreasing(lux)).toBe(true);
    expect(clearSkyLux(60)).toBeGreaterThan(50_000);
    expect(clearSkyLux(-30)).toBeLessThan(0.01);
    const w = weatherState(drivers());
    expect(lightingState(drivers(), -30, w).lux).toBeLessThan(lightingState(drivers(), -4, w).lux);
    expect(lightingState(drivers(), -4, w).lux).toBeLessThan(lightingState(drivers(), 45, w).lux);
  });

  it('clouds, rain and fog dim the day; headlights add to the night', () => {
    const clear = lightingState(drivers({ cloudCover: 0 }), 45, weatherState(drivers()));
    expect(lightingState(drivers({ cloudCover: 1 }), 45, weatherState(drivers())).lux).toBeLessThan(clear.lux);
    expect(lightingState(drivers({ cloudCover: 0 }), 45, weatherState(drivers({ rainMmH: 10 }))).lux).toBeLessThan(clear.lux);
    expect(lightingState(drivers({ cloudCover: 0 }), 45, weatherState(drivers({ fogExtinctionKm: fogExtinctionFor(100) }))).lux).toBeLessThan(clear.lux);
    expect(lightingState(drivers({ artificialLux: 30 }), -40, weatherState(drivers())).lux).toBeGreaterThan(30);
  });

  it('glare only with the sun low above the horizon, facing it, through a clear sky; never at night', () => {
    const facing = drivers({ facingSun: 1, cloudCover: 0 });
    const clear = weatherState(facing);
    for (const elevation of [-60, -18, -6, -1, 0]) expect(lightingState(facing, elevation, clear, { lux: 0, glare: 0.5 }).glare).toBe(0);
    expect(lightingState(facing, 5, clear).glare).toBeGreaterThan(0.9);
    expect(lightingState(facing, 45, clear).glare).toBe(0);
    expect(lightingState(drivers({ facingSun: 0, cloudCover: 0 }), 5, clear).glare).toBe(0);
    expect(lightingState(drivers({ facingSun: 1, cloudCover: 1 }), 5, clear).glare).toBeLessThan(0.01);
    const fog = drivers({ facingSun: 1, cloudCover: 0, fogExtinctionKm: fogExtinctionFor(100) });
    expect(lightingState(fog, 5, weatherState(fog)).glare).toBeLessThan(0.01);
  });

  it('places the sun: high at a June noon in the Netherlands, below the horizon at midnight', () => {
    expect(sunElevationDeg(Date.parse('2026-06-21T11:40:00Z'), 52, 4.4)).toBeGreaterThan(60);
    expect(sunElevationDeg(Date.parse('2026-06-21T23:40:00Z'), 52, 4.4)).toBeLessThan(-10);
    expect(sunElevationDeg(Date.parse('2026-12-21T11:40:00Z'), 52, 4.4)).toBeLessThan(16);
  });
});

describe('occlusion and vibration', () => {
  it('rain raises lens occlusion, more rain more, with RAIN as the cause', () => {
    const fractions = rates.map((r) => {
      const d = drivers({ rainMmH: r });
      return occlusionState(d, weatherState(d), 'ugv', 0);
    });
    expect(nonDecreasing(fractions.map((o) => o.fraction))).toBe(true);
    expect(fractions[0]).toEqual({ fraction: 0, cause: 1 });
    expect(fractions.at(-1)!.cause).toBe(3);
    const dirty = occlusionState(drivers(), weatherState(drivers()), 'ugv', 0.5);
    expect(dirty).toEqual({ fraction: 0.5, cause: 2 });
  });

  it('rougher terrain shakes harder and clips; paved road does not clip', () => {
    const rms = (['paved', 'gravel', 'rough', 'offroad'] as const).map((terrain) => vibrationDrivers({ terrain, speedMS: 5, imbalance: 0 }).rms);
    expect(nonDecreasing(rms)).toBe(true);
    const draws = (shocks: number) => ({ jitter: 0, shocks: () => shocks, uniform: () => 0.999 }); // the heaviest tail
    const paved = vibrationState(drivers({ vibrationRms: rms[0] }), 'ugv', 0.1, draws(5));
    expect(paved.clipX + paved.clipY + paved.clipZ).toBe(0);
    const offroad = vibrationState(drivers({ vibrationRms: rms[3] }), 'ugv', 0.1, draws(5));
    expect(offroad.clipZ + offroad.clipY + offroad.clipX).toBe(5);
    expect(offroad.rmsZ).toBeGreaterThan(offroad.rmsX);
  });
});

describe('timeline', () => {
  const k = (v: unknown) => keyframeSchema.parse(v);

  it('interpolates linearly between keyframes, steps where asked, and holds before the first and after the last', () => {
    const t = new Timeline([
      k({ at: 10, weather: { kind: 'rain', rate_mm_h: 10 }, occlusion: { dirt: 0 } }),
      k({ at: 20, weather: { kind: 'rain', rate_mm_h: 20 } }),
      k({ at: 30, ease: 'step', occlusion: { dirt: 0.5 } }),
    ], 'ugv');
    expect(t.at(0).rainMmH).toBe(10);
    expect(t.at(15).rainMmH).toBeCloseTo(15, 9);
    expect(t.at(99).rainMmH).toBe(20);
    expect(t.at(29.9).dirt).toBe(0);
    expect(t.at(30).dirt).toBe(0.5);
  });

  it('fog rolls in in extinction, so visibility falls fast at first; terrain sets vibration', () => {
    const t = new Timeline([
      k({ at: 0, weather: { kind: 'clear' }, vibration: { terrain: 'paved' } }),
      k({ at: 100, weather: { kind: 'fog', visibility_m: 100 }, vibration: { terrain: 'rough' } }),
    ], 'ugv');
    const half = weatherState(t.at(50)).visibilityM;
    expect(half).toBeLessThan(250);
    expect(t.at(100).vibrationRms).toBeGreaterThan(t.at(0).vibrationRms * 5);
    expect(new Timeline([k({ at: 0, vibration: { level: 'high' } })], 'uav').at(0).vibrationRms)
      .toBeGreaterThan(new Timeline([k({ at: 0, vibration: { level: 'low' } })], 'uav').at(0).vibrationRms);
  });
});
