// Realistic record bodies for the benchmarks: a bulk Conditions body whose encoded record is about
// 200 bytes, and a critical Handover body. Values vary per call, as a live sensor feed would.
import { fromBigInt, type Body } from '../../proto/index.js';

export const BENCH_DEVICE = 'uav-bench-01';

/** A Conditions body as a field source would report it; `i` moves the readings a little. */
export function conditionsBody(i: number): Body {
  const jitter = (i % 97) / 97;
  return {
    conditions: {
      sourceId: 'fusion',
      weather: { precipitation: 2, visibilityM: 850 + i % 300, temperatureC: 7.25 + jitter },
      lighting: { lux: 12_000 + (i % 1000) },
      vibration: { rmsX: 0.41 + jitter, rmsZ: 1.12 },
      occlusion: { fraction: 0.12, cause: 3, sensor: 'cam0' },
      gnss: { fix: 6, satellites: 17, hdop: 0.7, latitudeDeg: 47.397742 + i * 1e-7, longitudeDeg: 8.545594 + i * 1e-7 },
      perceptionConfidence: 0.93 - jitter / 10,
      measurements: [
        { name: 'batt', value: 22.41 - jitter, unit: 'V' },
        { name: 'motor', value: 51.5 + jitter, unit: 'C' },
      ],
    },
  };
}

/** A critical Handover body (autonomy -> human); sealed at once and fsynced by the outbox. */
export function handoverBody(i: number, nowNs: bigint): Body & { handover: object } {
  return {
    handover: {
      handoverId: `ho-${i}`,
      fromMode: 'AUTO.MISSION',
      toMode: 'POSCTL',
      fromAuthority: 1,
      toAuthority: 2,
      initiator: 1,
      phase: 1,
      reason: 'perception confidence below 0.6 for 2 s',
      requestedUnixNs: fromBigInt(nowNs),
    },
  };
}
