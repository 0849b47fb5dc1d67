// Hand-written JSON Schemas of the records an MCAP export carries: exactly the JSON recordToJson gives
// (camelCase fields, enums by name, 64-bit values as decimal strings, bytes as base64), one per body kind.
import type { BodyKind } from '../../proto/index.js';

export type JsonSchema = Record<string, unknown>;

const str: JsonSchema = { type: 'string' };
const num: JsonSchema = { type: 'number' };
const bool: JsonSchema = { type: 'boolean' };
const u32: JsonSchema = { type: 'integer', minimum: 0 };
const u64 = (description: string): JsonSchema => ({ type: 'string', pattern: '^[0-9]+$', description: `${description} (uint64 as a decimal string)` });
const bytes = (description: string): JsonSchema => ({ type: 'string', contentEncoding: 'base64', description });
const names = (...values: string[]): JsonSchema => ({ type: 'string', enum: values });
const array = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object', ...(description ? { description } : {}), properties, additionalProperties: false,
});

/** Enum names as the schema (proto/fieldproof.proto) defines them; a test holds them to the codec. */
export const ENUMS = {
  source: ['SOURCE_UNSPECIFIED', 'FIELD', 'SIMULATION', 'REPLAY'],
  precipitation: ['PRECIPITATION_UNSPECIFIED', 'NONE', 'RAIN', 'SNOW', 'SLEET', 'HAIL'],
  cause: ['CAUSE_UNSPECIFIED', 'CLEAR', 'DIRT', 'RAIN', 'FOG', 'OBJECT'],
  fix: ['FIX_UNSPECIFIED', 'NO_FIX', 'FIX_2D', 'FIX_3D', 'DGPS', 'RTK_FLOAT', 'RTK_FIXED'],
  authority: ['AUTHORITY_UNSPECIFIED', 'AUTONOMY', 'HUMAN', 'SAFETY_MONITOR'],
  initiator: ['INITIATOR_UNSPECIFIED', 'SYSTEM', 'OPERATOR', 'SAFETY'],
  phase: ['PHASE_UNSPECIFIED', 'REQUESTED', 'ACCEPTED', 'REJECTED', 'TIMED_OUT'],
  verdict: ['VERDICT_UNSPECIFIED', 'GO', 'NO_GO'],
  trigger: ['TRIGGER_UNSPECIFIED', 'PERIODIC', 'ON_DEMAND', 'EXTERNAL'],
  comparator: ['COMPARATOR_UNSPECIFIED', 'LT', 'LE', 'GT', 'GE', 'EQ', 'NE'],
  severity: ['SEVERITY_UNSPECIFIED', 'INFO', 'WARNING', 'ALERT'],
  gapReason: ['REASON_UNSPECIFIED', 'QUOTA_EVICTION', 'ACKNOWLEDGED_ELSEWHERE', 'OUTBOX_DAMAGED', 'FORK_ABANDONED'],
  forkReason: ['REASON_UNSPECIFIED', 'HUB_AHEAD', 'HASH_MISMATCH'],
} as const;

const BODIES: Record<BodyKind, JsonSchema> = {
  boot: object({
    agentVersion: str, configHash: bytes('SHA-256 of the canonical agent configuration'), criteriaHash: bytes('SHA-256 of the go/no-go criteria'),
    models: array(object({ id: str, version: str })), keyId: str,
    provenance: object({
      source: names(...ENUMS.source), missionId: str, vehicleType: str, scenario: str, matrixId: str, rowId: str, seed: u64('scenario seed'),
      plannedLevels: { type: 'object', description: 'a matrix row\'s planned level per dimension', additionalProperties: str },
    }),
    hostname: str, ackedThrough: u64('seq acknowledged by a hub before this start'), ackedHash: bytes('hash of the record at ackedThrough'),
  }, 'agent start: software, configuration, key and provenance'),
  conditions: object({
    sourceId: str,
    weather: object({
      precipitation: names(...ENUMS.precipitation), precipitationMmH: num, visibilityM: num, fogDensity: num, temperatureC: num, windSpeedMS: num, humidityPct: num,
    }),
    lighting: object({ lux: num, sunElevationDeg: num, glare: num }),
    vibration: object({ rmsX: num, rmsY: num, rmsZ: num, clipX: u32, clipY: u32, clipZ: u32 }, 'RMS acceleration per axis (m/s^2) and clipping counts'),
    occlusion: object({ fraction: num, cause: names(...ENUMS.cause), sensor: str }),
    gnss: object({ fix: names(...ENUMS.fix), satellites: u32, hdop: num, latitudeDeg: num, longitudeDeg: num, altitudeM: num, speedMS: num }),
    perceptionConfidence: num,
    measurements: array(object({ name: str, value: num, unit: str })),
  }, 'what the sensors experienced; absent groups were not measured'),
  handover: object({
    handoverId: str, fromMode: str, toMode: str, fromAuthority: names(...ENUMS.authority), toAuthority: names(...ENUMS.authority),
    initiator: names(...ENUMS.initiator), phase: names(...ENUMS.phase), reason: str,
    requestedUnixNs: u64('request time, ns since the Unix epoch'), acceptedUnixNs: u64('acceptance time, ns since the Unix epoch'),
    operatorId: str, decisionSeq: u64('seq of the Decision that triggered it'),
  }, 'a transfer of control between autonomy, a human operator and a safety monitor'),
  decision: object({
    verdict: names(...ENUMS.verdict),
    criteria: array(object({ name: str, value: num, comparator: names(...ENUMS.comparator), threshold: num, pass: bool, unit: str })),
    riskLevel: str, criteriaHash: bytes('SHA-256 of the criteria block'), criteriaVersion: str, modelId: str, modelVersion: str,
    confidence: num, trigger: names(...ENUMS.trigger), reason: str,
  }, 'a go/no-go verdict with every criterion (an absent value means the input was unavailable)'),
  health: object({
    cpuLoadPct: num, cpuTempC: num, memUsedBytes: u64('bytes'), memTotalBytes: u64('bytes'), diskUsedBytes: u64('bytes'), diskTotalBytes: u64('bytes'),
    netRxBytesS: num, netTxBytesS: num, processRssBytes: u64('bytes'), sensors: array(object({ name: str, ok: bool, detail: str })),
  }, 'computer and sensor health'),
  marker: object({
    kind: str, text: str, severity: names(...ENUMS.severity), tags: { type: 'object', additionalProperties: str },
  }, 'a labelled moment'),
  gap: object({
    firstSeq: u64('first missing seq'), lastSeq: u64('last missing seq'), reason: names(...ENUMS.gapReason),
    firstPrevHash: bytes('prev_hash of the first missing record'), lastHash: bytes('hash of the last missing record'), bytesLost: u64('bytes'), detail: str,
  }, 'records lost on purpose, named exactly'),
  keyRotation: object({ oldKeyId: str, newKeyId: str, newPublicKey: bytes('raw Ed25519 public key'), reason: str }, 'the chain handed to a new key'),
  fork: object({
    reason: names(...ENUMS.forkReason), localHeadSeq: u64('outbox head before the fork'), localHeadHash: bytes('hash of that head'),
    hubSeq: u64('seq of the hub checkpoint'), hubHash: bytes('the hub hash at hubSeq: this record\'s prev_hash'), hubKeyId: str,
    renumberedFirst: u64('first local seq re-issued'), renumberedLast: u64('last local seq re-issued'), newFirstSeq: u64('seq of the first re-issued record'),
    hubStatement: bytes('the hub\'s signed Checkpoint'), detail: str,
    abandoned: array(object({ first: u64('first seq'), last: u64('last seq') })),
  }, 'the chain continued after the hub\'s head when the outbox had diverged from it'),
};

/** The schema of one channel's messages: the record envelope plus its one body. */
export function recordSchema(kind: BodyKind, title: string): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    description: `A fieldproof ${kind} record as JSON (recordToJson): envelope, body "${kind}" and the body itself.`,
    type: 'object',
    properties: {
      deviceId: str,
      seq: u64('per-device sequence number'),
      timeUnixNs: u64('capture time, ns since the Unix epoch'),
      monoNs: u64('monotonic ns since the agent booted'),
      prevHash: bytes('SHA-256 of the previous record'),
      body: { type: 'string', const: kind },
      [kind]: BODIES[kind],
    },
    required: ['body', kind],
    additionalProperties: false,
  };
}
