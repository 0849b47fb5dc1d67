// Scenario and matrix files: the library loads, and a bad file is refused with every problem as
// `file:line: key: what was expected, got what`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/load.js';
import { loadMatrixFile, parseMatrix } from '../../config/matrix-config.js';
import { configLibraryDir, loadScenarioFile, parseScenario } from '../../config/scenario-config.js';
import { planMatrix } from '../../simulator/matrix/plan.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const scenario = (keyframes: string, head = '') => `name: test
duration_s: 60
rate_hz: 10
${head}keyframes:
${keyframes}`;

describe('scenario files', () => {
  it('loads every scenario in the library, including the five required ones', () => {
    const names = readdirSync(configLibraryDir('scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace('.yaml', ''));
    expect(names).toEqual(expect.arrayContaining(['clear-day-baseline', 'fog-at-dusk', 'heavy-rain-night', 'rough-terrain-vibration', 'lens-occlusion']));
    for (const name of names) {
      const s = loadScenarioFile(join(configLibraryDir('scenarios'), `${name}.yaml`));
      expect(s.name).toBe(name);
      expect(s.criteria.risk_level).toBe(s.risk_level);
      expect(s.criteria.evaluate_every_ms).toBe(0);
    }
  });

  it('takes keyframe times as seconds or m:ss, and inline criteria with the scenario risk level', () => {
    const s = parseScenario('s.yaml', scenario(`  - at: 0\n    weather: { kind: clear }\n  - at: "0:45"\n    weather: { kind: fog, visibility_m: 100 }\n`,
      'risk_level: strict\ncriteria:\n  version: v9\n  levels:\n    strict: { min_confidence: 0.9, max_fog: 0.2 }\n'));
    expect(s.keyframes.map((k) => k.at)).toEqual([0, 45]);
    expect(s.criteria).toMatchObject({ version: 'v9', risk_level: 'strict', levels: { strict: [{ name: 'min_confidence', input: 'perception_confidence' }, { name: 'max_fog', input: 'fog_density' }] } });
  });

  it('names file, line and key for each problem', () => {
    const text = scenario([
      '  - at: 30',
      '    weather: { kind: drizzle }',
      '  - at: 20',
      '    occlusion: { dirt: 1.5 }',
      '  - at: 90',
      '    vibration: { airframe: hover }',
      '  - at: "1:7"',
      '    lighting: { glare: 1 }',
    ].join('\n'));
    const found = problems(() => parseScenario('bad.yaml', text));
    expect(found).toEqual(expect.arrayContaining([
      'bad.yaml:6: keyframes.0.weather.kind: expected clear, rain, fog or snow, got "drizzle"',
      'bad.yaml:8: keyframes.1.occlusion.dirt: expected 0..1, got 1.5',
      'bad.yaml:11: keyframes.3.at: expected seconds (e.g. 90) or "m:ss" / "h:mm:ss" (e.g. "1:30"), got "1:7"',
      'bad.yaml:12: keyframes.3.lighting: Unrecognized key: "glare"',
    ]));
  });

  it('checks keyframe order, range and vehicle, and the risk level against the criteria', () => {
    const text = `name: t\nvehicle: ugv\nrisk_level: extreme\nduration_s: 60\nrate_hz: 10\nkeyframes:\n  - at: 30\n    weather: { kind: clear }\n  - at: 20\n    weather: { kind: clear }\n  - at: 90\n    vibration: { airframe: hover }\n`;
    const found = problems(() => parseScenario('order.yaml', text));
    expect(found).toEqual(expect.arrayContaining([
      'order.yaml:9: keyframes.1.at: must be after the previous keyframe (30 s), got 20',
      'order.yaml:11: keyframes.2.at: must be within duration_s (60 s), got 90',
      'order.yaml:12: keyframes.2.vibration.airframe: airframe is for a uav; this vehicle is a ugv (use terrain), got "hover"',
      'order.yaml:3: risk_level: expected one of the defined levels (low, medium, high), got "extreme"',
    ]));
  });

  it('refuses a missing field and a bad start time', () => {
    expect(problems(() => parseScenario('m.yaml', 'name: x\nrate_hz: 5\nstart: yesterday\nkeyframes: []\n'))).toEqual(expect.arrayContaining([
      'm.yaml:1: duration_s: Invalid input: expected number, received undefined (missing)',
      'm.yaml:3: start: expected an ISO 8601 time, e.g. "2026-06-21T19:30:00Z", got "yesterday"',
      'm.yaml:4: keyframes: expected at least one keyframe, got []',
    ]));
  });
});

describe('matrix files', () => {
  const matrix = (body: string) => `id: m1\nbase:\n  duration_s: 30\n  rate_hz: 5\n${body}`;

  it('loads every matrix in the library and plans it', () => {
    for (const file of readdirSync(configLibraryDir('matrices')).filter((f) => f.endsWith('.yaml'))) {
      const m = loadMatrixFile(join(configLibraryDir('matrices'), file));
      const plan = planMatrix(m);
      expect(plan.rows.length).toBeGreaterThanOrEqual(plan.lowerBound);
      expect(plan.rows.length).toBeLessThanOrEqual(plan.fullSize);
    }
  });

  it('names unknown levels, dimensions and bad constraints at their lines', () => {
    const text = matrix([
      'dimensions:',
      '  weather: [clear, drizzle, hail]',
      '  lighting: [day, glare]',
      '  terrain: [paved]',
      'constraints:',
      '  - { lighting: glaring, weather: [fog] }',
      '  - { sky: blue, weather: clear }',
    ].join('\n'));
    const found = problems(() => parseMatrix('bad-matrix.yaml', text));
    expect(found).toEqual(expect.arrayContaining([
      'bad-matrix.yaml:6: dimensions.weather.2: unknown weather level "hail": expected one of clear, drizzle, rain, heavy_rain, mist, fog, snow, or give a map of level -> conditions, got "hail"',
      'bad-matrix.yaml:8: dimensions.terrain: no standard levels for "terrain" (there are for weather, lighting, vibration, occlusion, gnss): give a map of level -> conditions, got ["paved"]',
      'bad-matrix.yaml:10: constraints.0.lighting: unknown lighting level "glaring": expected one of day, glare, got "glaring"',
      'bad-matrix.yaml:10: constraints.0.weather: unknown weather level "fog": expected one of clear, drizzle, hail, got ["fog"]',
      'bad-matrix.yaml:11: constraints.1.sky: unknown dimension "sky": expected one of weather, lighting, got "blue"',
    ]));
  });

  it('checks custom levels as conditions, the strength and the ramp', () => {
    const text = `id: m2\nstrength: 4\nramp_s: 30\nbase:\n  duration_s: 30\n  rate_hz: 5\ndimensions:\n  wind:\n    calm: { weather: { kind: clear, wind_m_s: 1 } }\n    gale: { weather: { kind: clear, wind_ms: 20 } }\n`;
    expect(problems(() => parseMatrix('m2.yaml', text))).toEqual(expect.arrayContaining([
      'm2.yaml:2: strength: expected 2 (pairwise) or 3, got 4',
      'm2.yaml:10: dimensions.wind.gale.weather: Unrecognized key: "wind_ms"',
    ]));
  });

  it('turns levels into keyframes over the base, with the seed following the levels', () => {
    const m = parseMatrix('m3.yaml', matrix('ramp_s: 10\ndimensions:\n  weather: [clear, fog]\n  occlusion: [none, heavy]\n'));
    const plan = planMatrix(m, { full: true });
    expect(plan.rows).toHaveLength(4);
    const fogHeavy = plan.rows.find((r) => r.levels.weather === 'fog' && r.levels.occlusion === 'heavy')!;
    expect(fogHeavy.scenario.name).toBe(`m1/${fogHeavy.id}`);
    expect(fogHeavy.scenario.keyframes).toMatchObject([
      { at: 0, weather: { kind: 'clear' }, occlusion: { dirt: 0, object: 0 } },
      { at: 10, weather: { kind: 'fog', visibility_m: 150 }, occlusion: { dirt: 0.6, object: 0 } },
    ]);
    const pairwise = planMatrix(m, { strength: 2 });
    const same = pairwise.rows.find((r) => r.levels.weather === 'fog' && r.levels.occlusion === 'heavy')!;
    expect(same.scenario.seed).toBe(fogHeavy.scenario.seed);
  });

  it('the default matrix is pairwise over 4 dimensions at its lower bound, glare only in clear weather', () => {
    const plan = planMatrix(loadMatrixFile(join(configLibraryDir('matrices'), 'ugv-conditions.yaml')));
    expect(plan.dimensions.map((d) => d.levels.length)).toEqual([4, 4, 3, 3]);
    expect(plan.rows.length).toBe(plan.lowerBound);
    expect(plan.rows.filter((r) => r.levels.lighting === 'glare').every((r) => r.levels.weather === 'clear')).toBe(true);
    expect(planMatrix(loadMatrixFile(join(configLibraryDir('matrices'), 'ugv-conditions.yaml')), { strength: 3 }).rows.length).toBeGreaterThanOrEqual(45);
  });
});
