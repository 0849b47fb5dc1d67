// Ingest of one `fp/v1/<device>/seg` message: size, decode, topic/device match, registry keys,
// seal and every hash (prepareSegment); chain fit and storage in the store's transaction. Throws Rejection on any failure.
import {
  decodeSegment, gapClaims, KeyRing, rotatedKeys, toBigInt, toNumber, verifySegment, DecodeError, keyIdOf,
  type SealMessage, type VerifiedSegment,
} from '../../proto/index.js';
import type { CommitResult, DeviceState, ForkToStore, HubStore, SegmentToStore } from '../store/index.js';
import { decideSegment } from './decide.js';
import { Rejection, type RejectionCode } from './rejection.js';

export interface SegmentLimits {
  maxPayloadBytes: number;
  maxRecordsPerSegment: number;
}

export interface StoredOutcome {
  deviceId: string;
  firstSeq: number;
  lastSeq: number;
  records: number;
  duplicate: boolean;
  state: DeviceState;
}

/** Verifies and stores one segment on its own transaction. */
export async function handleSegment(store: HubStore, limits: SegmentLimits, deviceId: string, payload: Uint8Array, receivedMs: number): Promise<StoredOutcome> {
  const segment = await prepareSegment(store, limits, deviceId, payload, receivedMs);
  return outcomeOf(segment, await store.commitSegment(segment, (n) => decideSegment(segment, n)));
}

/** What a commit decided for a prepared segment; throws the Rejection when it did not fit the chain. */
export function outcomeOf(segment: SegmentToStore, result: CommitResult): StoredOutcome {
  if (!result.verdict.ok) throw new Rejection(result.verdict.code as RejectionCode, result.verdict.message, segment.firstSeq, segment.lastSeq);
  return {
    deviceId: segment.deviceId, firstSeq: segment.firstSeq, lastSeq: segment.lastSeq, records: segment.records.length,
    duplicate: result.verdict.duplicate, state: result.state!,
  };
}

/**
 * Everything before the commit: size, decode, topic/device match, registry keys, the seal and every
 * record hash. Throws Rejection; returns the segment ready for the store.
 */
export async function prepareSegment(store: HubStore, limits: SegmentLimits, deviceId: string, payload: Uint8Array, receivedMs: number): Promise<SegmentToStore> {
  if (payload.length > limits.maxPayloadBytes) {
    throw new Rejection('OVERSIZED', `payload of ${payload.length} bytes exceeds ingest.max_payload_bytes (${limits.maxPayloadBytes})`);
  }
  let message;
  try {
    message = decodeSegment(payload);
  } catch (err) {
    throw new Rejection('DECODE', (err as DecodeError).message);
  }
  const seal = message.seal as SealMessage | null | undefined;
  if (!seal) throw new Rejection('DECODE', 'segment has no seal');
  const firstSeq = Number(toBigInt(seal.firstSeq));
  const lastSeq = Number(toBigInt(seal.lastSeq));
  if (seal.deviceId !== deviceId) {
    throw new Rejection('WRONG_DEVICE', `segment sealed for device "${seal.deviceId}" published on the topic of "${deviceId}"`, firstSeq, lastSeq);
  }
  if (message.records.length > limits.maxRecordsPerSegment) {
    throw new Rejection('TOO_MANY_RECORDS', `${message.records.length} records exceed ingest.max_records_per_segment (${limits.maxRecordsPerSegment})`, firstSeq, lastSeq);
  }
  const keys = await store.trustedKeys(deviceId);
  if (keys.length === 0) throw new Rejection('UNKNOWN_DEVICE', `device "${deviceId}" is not in the registry (or is revoked)`, firstSeq, lastSeq);
  const ring = new KeyRing(keys.map((k) => k.publicKey));
  if (!ring.publicKey(seal.keyId)) {
    throw new Rejection('UNKNOWN_KEY', `key ${seal.keyId} is not registered for device "${deviceId}" (registered: ${ring.ids().join(', ')})`, firstSeq, lastSeq);
  }
  const verified = verifySegment(message.records, seal, ring, deviceId);
  if (!verified.segment) {
    const p = verified.problems[0];
    throw new Rejection(p.code as RejectionCode, p.message, firstSeq, lastSeq);
  }
  return toStore(verified.segment, payload, receivedMs);
}

function toStore(v: VerifiedSegment, raw: Uint8Array, receivedMs: number): SegmentToStore {
  const first = v.records[0];
  const forks = forksOf(v);
  return {
    deviceId: v.deviceId,
    firstSeq: v.firstSeq,
    lastSeq: v.lastSeq,
    keyId: v.keyId,
    firstPrevHash: first.envelope.prevHash,
    lastHash: v.records[v.records.length - 1].hash,
    raw,
    receivedMs,
    records: v.records.map((r) => ({ seq: r.seq, kind: r.envelope.kind ?? 'none', timeMs: Number(r.envelope.timeUnixNs / 1_000_000n) })),
    // Gap records, a Boot's acked_through, and the seqs a Fork record abandons (without hashes: the store
    // splices those with its own neighbours').
    gaps: gapClaims(v),
    rotatedKeys: rotatedKeys(v).map((publicKey) => ({ keyId: keyIdOf(publicKey), publicKey })),
    forks,
  };
}

/** Fork records in a verified segment: the device continued after the hub's head (an integrity event). */
function forksOf(v: VerifiedSegment): ForkToStore[] {
  return v.records.filter((r) => r.envelope.kind === 'fork').map((r) => {
      const f = r.record.fork!;
      return {
        recordSeq: r.seq, reason: f.reason === 2 ? 'HASH_MISMATCH' : 'HUB_AHEAD', localHeadSeq: toNumber(f.localHeadSeq), hubSeq: toNumber(f.hubSeq),
        renumberedFirst: toNumber(f.renumberedFirst), renumberedLast: toNumber(f.renumberedLast), newFirstSeq: toNumber(f.newFirstSeq),
      } as const;
    });
}
