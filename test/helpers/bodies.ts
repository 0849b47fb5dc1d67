// One filled-in sample body of every record kind, and small builders for bulk and critical bodies.
// Float fields use values a float32 holds exactly, so round trips compare with toEqual.
import { BODY_KINDS, fromBigInt, type Body, type BodyKind } from '../../proto/index.js';

const hash32 = (byte: number) => new Uint8Array(32).fill(byte);

export const SAMPLE_BODIES: Record<BodyKind, Body> = {
  boot: {
    boot: {
      agentVersion: '0.1.0', configHash: hash32(1), criteriaHash: hash32(2), keyId: '0123456789abcdef', hostname: 'companion-01',
      models: [{ id: 'detector', version: '3.2' }, { id: 'segmenter', version: '1.0' }],
      provenance: { source: 2, missionId: 'm-7', vehicleType: 'uav', scenario: 'fog-dusk', matrixId: 'mx', rowId: 'r12', seed: 42 },
    },
  },
  conditions: {
    conditions: {
      sourceId: 'serial:gnss0',
      weather: { precipitation: 2, precipitationMmH: 4.25, visibilityM: 800, fogDensity: 0.5, temperatureC: -3.5, windSpeedMS: 7.75, humidityPct: 91 },
      lighting: { lux: 300, sunElevationDeg: -2.5, glare: 0.125 },
      vibration: { rmsX: 0.5, rmsY: 0.25, rmsZ: 9.75, clipX: 1, clipY: 0, clipZ: 3 },
      occlusion: { fraction: 0.375, cause: 2, sensor: 'cam_front' },
      gnss: { fix: 6, satellites: 14, hdop: 0.75, latitudeDeg: 52.520008, longitudeDeg: 13.404954, altitudeM: 34.5, speedMS: 2.5 },
      perceptionConfidence: 0.875,
      measurements: [{ name: 'lidar_returns', value: 123456.789, unit: 'pts/s' }],
    },
  },
  handover: {
    handover: {
      handoverId: 'h-1', fromMode: 'AUTO.MISSION', toMode: 'POSCTL', fromAuthority: 1, toAuthority: 2, initiator: 2, phase: 2,
      reason: 'fog', requestedUnixNs: fromBigInt(1_700_000_000_000_000_000n), acceptedUnixNs: fromBigInt(18_446_744_073_709_551_615n),
      operatorId: 'op-3', decisionSeq: 41,
    },
  },
  decision: {
    decision: {
      verdict: 2, riskLevel: 'high', criteriaHash: hash32(3), criteriaVersion: 'v4', modelId: 'detector', modelVersion: '3.2',
      confidence: 0.625, trigger: 1, reason: 'visibility below threshold',
      criteria: [
        { name: 'min_lux', value: 40, comparator: 4, threshold: 100, pass: false, unit: 'lx' },
        { name: 'gnss_fix', comparator: 4, threshold: 3, pass: false },
      ],
    },
  },
  health: {
    health: {
      cpuLoadPct: 37.5, cpuTempC: 61.25, memUsedBytes: 2_000_000_000, memTotalBytes: 8_000_000_000, diskUsedBytes: 0, diskTotalBytes: 64_000_000_000,
      netRxBytesS: 1024, netTxBytesS: 2048, processRssBytes: 150_000_000, sensors: [{ name: 'cam_front', ok: true, detail: '' }, { name: 'lidar', ok: false, detail: 'no packets' }],
    },
  },
  marker: { marker: { kind: 'mission_start', text: 'Mission 7 begins — ünïcødé ✓', severity: 1, tags: { site: 'north-field', run: '3' } } },
  gap: { gap: { firstSeq: 10, lastSeq: 19, reason: 1, firstPrevHash: hash32(4), lastHash: hash32(5), bytesLost: 2048, detail: 'quota' } },
  keyRotation: { keyRotation: { oldKeyId: '0123456789abcdef', newKeyId: 'fedcba9876543210', newPublicKey: hash32(6), reason: 'scheduled' } },
  fork: { fork: { reason: 1, localHeadSeq: 7, localHeadHash: hash32(7), hubSeq: 9, hubHash: hash32(8), hubKeyId: '0123456789abcdef', renumberedFirst: 5, renumberedLast: 7, newFirstSeq: 11, detail: 'restored backup' } },
};

export { BODY_KINDS };

/** A bulk Conditions body whose content varies with `i`. */
export function bulkBody(i: number): Body {
  return { conditions: { sourceId: 'test', lighting: { lux: i % 1000 }, measurements: [{ name: 'i', value: i, unit: '' }] } };
}

/** A critical body: alternately a handover and a NO_GO decision. */
export function criticalBody(i: number): Body {
  return i % 2 === 0
    ? { handover: { handoverId: `h-${i}`, fromMode: 'AUTO', toMode: 'MANUAL', initiator: 2, phase: 2, reason: 'test' } }
    : { decision: { verdict: 2, riskLevel: 'high', reason: `no-go ${i}` } };
}
