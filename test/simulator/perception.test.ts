// The perception stand-in: confidence never rises as any condition worsens, with or without its
// seeded noise, and the decisions it drives come from the agent's criteria.
import { describe, expect, it } from 'vitest';
import { perceptionSchema } from '../../config/scenario-config.js';
import { expectedConfidence, perceptionFactors, sampleConfidence, type PerceptionInputs } from '../../simulator/index.js';
import { gaussian, seededRandom } from '../../simulator/prng.js';

const p = perceptionSchema.parse({});
const ideal: PerceptionInputs = { visibilityM: 20_000, lux: 50_000, glare: 0, occlusion: 0, rainMmH: 0, snowMmH: 0, vibrationRms: 0.3 };

/** From good to bad, per input. */
const sweeps: { [K in keyof PerceptionInputs]: number[] } = {
  visibilityM: [20_000, 5000, 1000, 400, 200, 100, 50, 20, 5],
  lux: [100_000, 10_000, 1000, 100, 20, 5, 1, 0.1, 0.001],
  glare: [0, 0.1, 0.3, 0.5, 0.8, 1],
  occlusion: [0, 0.05, 0.2, 0.4, 0.6, 0.9, 1],
  rainMmH: [0, 1, 4, 10, 30, 80],
  snowMmH: [0, 0.5, 2, 5, 10],
  vibrationRms: [0, 1, 3, 6, 10, 20, 40],
};

describe('perception stand-in', () => {
  it('is near its base in ideal conditions and every factor is within (0, 1]', () => {
    expect(expectedConfidence(ideal, p)).toBeGreaterThan(0.95);
    for (const f of Object.values(perceptionFactors(ideal, p))) {
      expect(f).toBeGreaterThan(0);
      expect(f).toBeLessThanOrEqual(1);
    }
  });

  for (const [input, values] of Object.entries(sweeps) as [keyof PerceptionInputs, number[]][]) {
    it(`degrades monotonically as ${input} worsens, with the same noise as without`, () => {
      const random = seededRandom(42);
      for (let trial = 0; trial < 20; trial++) {
        const noise = p.noise_sd * gaussian(random);
        // a random background of other conditions, the same along the sweep
        const background: PerceptionInputs = {
          ...ideal, visibilityM: 300 + random() * 20_000, lux: 10 + random() * 50_000, glare: random() * 0.5,
          occlusion: random() * 0.5, rainMmH: random() * 10, vibrationRms: random() * 8,
        };
        const expected = values.map((v) => expectedConfidence({ ...background, [input]: v }, p));
        const sampled = values.map((v) => sampleConfidence({ ...background, [input]: v }, p, noise));
        for (let i = 1; i < values.length; i++) {
          expect(expected[i]).toBeLessThanOrEqual(expected[i - 1] + 1e-12);
          expect(sampled[i]).toBeLessThanOrEqual(sampled[i - 1] + 1e-12);
        }
        expect(expected.at(-1)!).toBeLessThan(expected[0]);
      }
    });
  }

  it('worse in every respect is never more confident', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const a: PerceptionInputs = {
        visibilityM: 20 + random() * 20_000, lux: random() * 80_000, glare: random(), occlusion: random(),
        rainMmH: random() * 40, snowMmH: random() * 5, vibrationRms: random() * 20,
      };
      const worse: PerceptionInputs = {
        visibilityM: a.visibilityM * random(), lux: a.lux * random(), glare: a.glare + (1 - a.glare) * random(),
        occlusion: a.occlusion + (1 - a.occlusion) * random(), rainMmH: a.rainMmH + random() * 10, snowMmH: a.snowMmH + random(),
        vibrationRms: a.vibrationRms + random() * 5,
      };
      expect(expectedConfidence(worse, p)).toBeLessThanOrEqual(expectedConfidence(a, p) + 1e-12);
    }
  });

  it('keeps a sample within 0..1', () => {
    expect(sampleConfidence(ideal, p, 0.5)).toBe(1);
    expect(sampleConfidence({ ...ideal, lux: 0 }, p, -0.5)).toBe(0);
  });
});
