// A field-like run for the reviewer page's tests: vehicles booted as FIELD over three UTC days, measuring more
// rain, snow, night and occlusion than the simulator tried (so drift, field-only pairs and no-go show), with
// periodic decisions carrying their criteria and, after each no-go, a takeover and a handback that name it.
import type { HubStore } from '../../hub/store/index.js';
import type { Body } from '../../proto/index.js';
import { History, ingest, rng, segmentsOf } from '../analytics/analyst-world.js';
import { testKey } from '../helpers/keys.js';

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Weather drifts wetter day by day: day 0 mostly dry, day 2 mostly rain and snow. */
function conditions(r: () => number, day: number, hour: number): { body: Body; confidence: number; lux: number } {
  const wet = r() < 0.25 + 0.3 * day;
  const snow = wet && day === 2 && r() < 0.4;
  const night = hour >= 2;
  const lux = night ? pick(r, [0.3, 0.6]) : pick(r, [300, 15000, 40000]);
  const confidence = Math.max(0, Math.min(1, (wet ? 0.55 : 0.85) - (night ? 0.15 : 0) + (r() - 0.5) * 0.3));
  const body = {
    conditions: {
      sourceId: 'field-test',
      weather: { precipitation: wet ? (snow ? 3 : 2) : 1, precipitationMmH: wet ? pick(r, [1, 4, 12]) : 0, visibilityM: wet ? pick(r, [800, 2500]) : pick(r, [6000, 9000]) },
      lighting: { lux, glare: r() < 0.1 ? 0.8 : 0 },
      vibration: { rmsX: pick(r, [0.6, 2, 4]), rmsY: 0.5, rmsZ: pick(r, [1, 3]) },
      occlusion: { fraction: pick(r, [0.05, 0.05, 0.3, 0.7]) },
      gnss: { fix: pick(r, [3, 3, 6]), hdop: pick(r, [0.7, 1.4, 3]) },
      perceptionConfidence: confidence,
    },
  };
  return { body, confidence, lux };
}

function decision(r: () => number, confidence: number, lux: number): { body: Body; noGo: boolean; reason: string } {
  const criteria = [
    { name: 'min_confidence', value: confidence, comparator: 4, threshold: 0.6, pass: confidence >= 0.6, unit: '' },
    { name: 'min_lux', value: lux, comparator: 4, threshold: 1, pass: lux >= 1, unit: 'lx' },
    { name: 'max_vibration_rms', value: 1 + r() * 3, comparator: 2, threshold: 4, pass: true, unit: 'm/s2' },
  ];
  const failed = criteria.filter((c) => !c.pass).map((c) => c.name);
  const reason = failed.length ? `no-go: ${failed.join(', ')}` : 'all criteria pass';
  const body = { decision: { verdict: failed.length ? 2 : 1, criteria, criteriaVersion: 'field-1', modelId: 'percept', modelVersion: '2.1', confidence, trigger: 1, riskLevel: 'medium', reason } };
  return { body, noGo: failed.length > 0, reason };
}

export const FIELD_DAY0 = Date.UTC(2026, 5, 1);

/** One field vehicle: 2 h 40 min a day for 3 days from FIELD_DAY0 08:00 UTC, a sample every 20 s, a decision every 2 min. */
export function fieldHistory(deviceId: string, seed: number): History {
  const r = rng(seed);
  const h = new History(deviceId);
  h.append({ boot: { agentVersion: 'field-test', keyId: 'k', models: [{ id: 'percept', version: '2.1' }], provenance: { source: 1, missionId: `patrol-${deviceId}` } } }, FIELD_DAY0 + 8 * 3_600_000 - 1000);
  let handover = 0;
  for (let day = 0; day < 3; day++) {
    const start = FIELD_DAY0 + day * 86_400_000 + 8 * 3_600_000;
    let human = false;
    for (let s = 0; s < 480; s++) {
      const t = start + s * 20_000;
      const c = conditions(r, day, Math.floor(s / 180));
      h.append(c.body, t);
      if (s % 6 !== 5) continue;
      const { body, noGo, reason } = decision(r, c.confidence, c.lux);
      const d = h.append(body, t + 500);
      if (noGo && !human) {
        const id = `${deviceId}-h${++handover}`;
        const base = { handoverId: id, fromMode: 'AUTO.MISSION', toMode: 'POSCTL', fromAuthority: 1, toAuthority: 2, initiator: 1, reason, decisionSeq: d.seq };
        h.append({ handover: { ...base, phase: 1 } }, t + 600);
        h.append({ handover: { ...base, phase: 2, requestedUnixNs: (t + 600) * 1_000_000, acceptedUnixNs: (t + 1900) * 1_000_000 } }, t + 1900);
        human = true;
      } else if (!noGo && human) {
        const id = `${deviceId}-h${++handover}`;
        const base = { handoverId: id, fromMode: 'POSCTL', toMode: 'AUTO.MISSION', fromAuthority: 2, toAuthority: 1, initiator: 2, reason: 'conditions recovered', decisionSeq: d.seq };
        h.append({ handover: { ...base, phase: 1 } }, t + 700);
        h.append({ handover: { ...base, phase: 2 } }, t + 3200);
        human = false;
      }
    }
  }
  return h;
}

/** Registers the vehicles' keys and commits their segments through the hub's own verify and commit path. */
export async function fillField(store: HubStore, devices: { id: string; seed: number }[]): Promise<void> {
  for (const d of devices) {
    const key = await testKey(d.seed);
    await store.addDeviceKey(d.id, key.keyId, key.publicKey, `field vehicle ${d.id}`);
    await ingest(store, d.id, segmentsOf(fieldHistory(d.id, d.seed), key, d.seed));
  }
}
