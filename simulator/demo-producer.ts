// What a demo vehicle produces: wandering weather/lighting/vibration/occlusion conditions, a go/no-go
// decision every so often from fixed thresholds, and a handover on every go<->no-go change. Seeded.
import type { Body } from '../proto/index.js';
import { randomWalk, seededRandom } from './prng.js';

const GO = 1;
const NO_GO = 2;

export interface DemoVehicle {
  /** The next conditions record. */
  conditions(): Body;
  /** A decision from the latest conditions, and the handovers a verdict change brings. */
  decide(decisionSeq: () => number): { decision: Body; handovers: (decisionSeq: number) => Body[] };
}

/** Where a vehicle's weather and light start: a field vehicle starts wetter and darker than the test runs. */
export interface DemoStart {
  visibilityM: number;
  lux: number;
  rainMmH: number;
}

export const DEMO_TEST_START: DemoStart = { visibilityM: 4000, lux: 20_000, rainMmH: 0.5 };
export const DEMO_FIELD_START: DemoStart = { visibilityM: 1500, lux: 800, rainMmH: 6 };

export function demoVehicle(seed: number, start: DemoStart = DEMO_TEST_START): DemoVehicle {
  const random = seededRandom(seed);
  const visibility = randomWalk(random, start.visibilityM, 50, 10_000, 400);
  const lux = randomWalk(random, start.lux, 5, 100_000, 4000);
  const rain = randomWalk(random, start.rainMmH, 0, 30, 1.5);
  const vib = randomWalk(random, 0.8, 0.05, 6, 0.3);
  const occlusion = randomWalk(random, 0.05, 0, 0.9, 0.05);
  let latest = { visibility: 4000, lux: 20_000, vib: 0.8, occlusion: 0.05, confidence: 0.95 };
  let verdict = GO;
  let handovers = 0;
  return {
    conditions() {
      const v = visibility();
      const l = lux();
      const r = rain();
      const z = vib();
      const o = occlusion();
      const confidence = Math.max(0, Math.min(1, 0.99 - o * 0.6 - (v < 500 ? 0.25 : 0) - (l < 50 ? 0.2 : 0)));
      latest = { visibility: v, lux: l, vib: z, occlusion: o, confidence };
      return {
        conditions: {
          sourceId: 'demo',
          weather: { precipitation: r > 0.2 ? 2 : 1, precipitationMmH: r, visibilityM: v, fogDensity: Math.max(0, 1 - v / 2000) },
          lighting: { lux: l, sunElevationDeg: l > 1000 ? 30 : -3, glare: l > 80_000 && r < 0.2 ? 0.7 : 0 },
          vibration: { rmsX: z * 0.4, rmsY: z * 0.5, rmsZ: z, clipZ: z > 5 ? 1 : 0 },
          occlusion: { fraction: o, cause: o > 0.3 ? 3 : 1, sensor: 'cam0' },
          gnss: { fix: 3, satellites: 14, hdop: 0.8, latitudeDeg: 52.0, longitudeDeg: 4.4 },
          perceptionConfidence: confidence,
        },
      };
    },
    decide() {
      const criteria = [
        { name: 'min_confidence', value: latest.confidence, comparator: 4, threshold: 0.6 },
        { name: 'min_visibility_m', value: latest.visibility, comparator: 4, threshold: 300 },
        { name: 'min_lux', value: latest.lux, comparator: 4, threshold: 20 },
        { name: 'max_vibration_rms', value: latest.vib, comparator: 2, threshold: 4 },
      ].map((c) => ({ ...c, pass: c.comparator === 4 ? c.value >= c.threshold : c.value <= c.threshold }));
      const next = criteria.every((c) => c.pass) ? GO : NO_GO;
      const changed = next !== verdict;
      verdict = next;
      const failing = criteria.filter((c) => !c.pass).map((c) => c.name).join(', ');
      return {
        decision: {
          decision: {
            verdict: next, criteria, riskLevel: 'medium', criteriaVersion: 'demo-1', modelId: 'demo-perception', modelVersion: '0.1',
            confidence: latest.confidence, trigger: 1, reason: failing ? `failing: ${failing}` : 'all criteria pass',
          },
        },
        handovers: (decisionSeq: number) => {
          if (!changed) return [];
          const id = `h${++handovers}`;
          const toHuman = next === NO_GO;
          const base = {
            handoverId: id, fromMode: toHuman ? 'AUTO.MISSION' : 'POSCTL', toMode: toHuman ? 'POSCTL' : 'AUTO.MISSION',
            fromAuthority: toHuman ? 1 : 2, toAuthority: toHuman ? 2 : 1, initiator: toHuman ? 1 : 2,
            reason: toHuman ? `no-go: ${failing}` : 'conditions recovered', decisionSeq, operatorId: 'op-demo',
          };
          return [{ handover: { ...base, phase: 1 } }, { handover: { ...base, phase: 2 } }];
        },
      };
    },
  };
}
