// Pure verification of sealed segments and of the hash chain across them, with exact seq attribution.
// Used by the outbox verifier, the hub's ingest and the offline evidence verifier alike.
import { decodeEnvelope, decodeRecord, toNumber, type Envelope, type RecordMessage, type SealMessage } from './codec.js';
import { hashEquals, sha256, toHex, GENESIS_HASH } from './hash.js';
import { keyIdOf, type KeyRing } from './keys.js';
import { verifySealSync } from './seal.js';

export type ChainProblemCode =
  | 'DECODE' | 'WRONG_DEVICE' | 'SEQ_ORDER' | 'BAD_HASH' | 'BROKEN_LINK' | 'BAD_SEAL'
  | 'UNKNOWN_KEY' | 'SEAL_RANGE' | 'UNEXPLAINED_GAP' | 'UNSEALED';

export interface ChainProblem {
  seq: number;
  code: ChainProblemCode;
  message: string;
}

/** A record whose bytes chain to a verified seal. The body is decoded only when asked for. */
export class VerifiedRecord {
  private decoded: RecordMessage | undefined;
  constructor(readonly seq: number, readonly bytes: Uint8Array, readonly hash: Uint8Array, readonly envelope: Envelope) {}
  get record(): RecordMessage {
    return (this.decoded ??= decodeRecord(this.bytes));
  }
}

/** Bodies that chain verification itself must read: gaps, boots (acked_through) and key rotations. */
const READ_BODY = new Set(['gap', 'boot', 'keyRotation', 'fork']);

export interface VerifiedSegment {
  deviceId: string;
  keyId: string;
  firstSeq: number;
  lastSeq: number;
  records: VerifiedRecord[];
}

export interface SegmentResult {
  segment?: VerifiedSegment;
  problems: ChainProblem[];
}

/** Where a chain picks up: the last record before the first one we hold (seq 0 and zero hash at genesis). */
export interface ChainPoint {
  seq: number;
  hash: Uint8Array;
}
export const GENESIS: ChainPoint = { seq: 0, hash: GENESIS_HASH };

/**
 * Verifies one segment on its own: the seal's signature with a trusted key, then every record's hash
 * walking back from the signed last hash. The walk names the exact record that was altered: everything
 * after it still chains to the signature, so its successor's prev_hash is authentic.
 */
export function verifySegment(records: Uint8Array[], seal: SealMessage | null | undefined, keys: KeyRing, expectedDevice?: string): SegmentResult {
  if (!seal) return fail(0, 'BAD_SEAL', 'segment has no seal');
  const firstSeq = toNumber(seal.firstSeq);
  const lastSeq = toNumber(seal.lastSeq);
  if (expectedDevice !== undefined && seal.deviceId !== expectedDevice) {
    return fail(firstSeq, 'WRONG_DEVICE', `seal names device "${seal.deviceId}", expected "${expectedDevice}"`);
  }
  if (firstSeq < 1 || lastSeq < firstSeq) {
    return fail(firstSeq, 'SEAL_RANGE', `seal covers seq ${firstSeq}..${lastSeq} but the segment holds ${records.length} records`);
  }
  if (records.length !== lastSeq - firstSeq + 1) {
    const at = firstOutOfPlace(records, firstSeq);
    return fail(at, 'SEAL_RANGE', `seal covers seq ${firstSeq}..${lastSeq} but the segment holds ${records.length} records: seq ${at} is missing or out of place`);
  }
  const publicKey = keys.publicKey(seal.keyId);
  if (!publicKey) return fail(firstSeq, 'UNKNOWN_KEY', `seal over seq ${firstSeq}..${lastSeq} uses key ${seal.keyId}, which is not trusted for this device`);
  if (!verifySealSync(seal, publicKey)) {
    return fail(firstSeq, 'BAD_SEAL', `seal over seq ${firstSeq}..${lastSeq} does not verify with key ${seal.keyId}`);
  }
  const verified: VerifiedRecord[] = new Array(records.length);
  let expected: Uint8Array = seal.lastHash;
  for (let i = records.length - 1; i >= 0; i--) {
    const seq = firstSeq + i;
    const bytes = records[i];
    const hash = sha256(bytes);
    if (!hashEquals(hash, expected)) {
      const where = i === records.length - 1 ? 'the sealed last hash' : `seq ${seq + 1}'s prev_hash`;
      // Walking back names where the signed chain breaks; an earlier record out of place (a swap) comes first.
      const at = Math.min(seq, firstOutOfPlace(records.slice(0, i), firstSeq));
      if (at < seq) return fail(at, 'BAD_HASH', `record seq ${at} is out of place and the signed chain breaks at seq ${seq}: altered, replaced or reordered`);
      return fail(seq, 'BAD_HASH', `record seq ${seq} does not match ${where}: altered, replaced or reordered`);
    }
    let envelope: Envelope;
    let verifiedRecord: VerifiedRecord;
    try {
      envelope = decodeEnvelope(bytes);
      verifiedRecord = new VerifiedRecord(seq, bytes, hash, envelope);
      if (envelope.kind && READ_BODY.has(envelope.kind)) void verifiedRecord.record;
    } catch (err) {
      return fail(seq, 'DECODE', `record seq ${seq}: ${(err as Error).message}`);
    }
    if (envelope.seq !== seq) return fail(seq, 'SEQ_ORDER', `record at position seq ${seq} carries seq ${envelope.seq}`);
    if (envelope.deviceId !== seal.deviceId) {
      return fail(seq, 'WRONG_DEVICE', `record seq ${seq} names device "${envelope.deviceId}", seal names "${seal.deviceId}"`);
    }
    verified[i] = verifiedRecord;
    expected = envelope.prevHash;
  }
  return { segment: { deviceId: seal.deviceId, keyId: seal.keyId, firstSeq, lastSeq, records: verified }, problems: [] };
}

/**
 * Where a segment that failed first goes wrong reading forward: the first position that does not hold
 * seq firstSeq+i linked to the record before it. Only used to name the seq in a failure, never to accept.
 */
function firstOutOfPlace(records: Uint8Array[], firstSeq: number): number {
  let prevHash: Uint8Array | undefined;
  for (let i = 0; i < records.length; i++) {
    let record: RecordMessage;
    try {
      record = decodeRecord(records[i]);
    } catch {
      return firstSeq + i;
    }
    if (toNumber(record.seq) !== firstSeq + i || (prevHash && !hashEquals(record.prevHash, prevHash))) return firstSeq + i;
    prevHash = sha256(records[i]);
  }
  return firstSeq + records.length;
}

/** Checks that `next` follows `prev` directly: consecutive seq and a matching prev_hash. */
export function checkLink(prev: ChainPoint, next: { seq: number; prevHash: Uint8Array }): ChainProblem | undefined {
  if (next.seq !== prev.seq + 1) {
    return { seq: next.seq, code: 'SEQ_ORDER', message: `seq ${next.seq} does not follow seq ${prev.seq}` };
  }
  if (!hashEquals(next.prevHash, prev.hash)) {
    return { seq: next.seq, code: 'BROKEN_LINK', message: `seq ${next.seq}: prev_hash ${short(next.prevHash)} does not match the hash of seq ${prev.seq} (${short(prev.hash)})` };
  }
  return undefined;
}

/** A hole in the chain: seqs first..last missing, between the record before and the record after. */
export interface Hole {
  first: number;
  last: number;
  hashBefore?: Uint8Array;   // hash of seq first-1, when held
  prevHashAfter?: Uint8Array; // prev_hash of seq last+1, when held
}

export const GapReason = { QUOTA_EVICTION: 1, ACKNOWLEDGED_ELSEWHERE: 2, OUTBOX_DAMAGED: 3, FORK_ABANDONED: 4 } as const;

export interface GapClaim {
  firstSeq: number;
  lastSeq: number;
  firstPrevHash: Uint8Array;
  lastHash: Uint8Array;
  /** GapReason: evicted or damaged (a Gap record), or acknowledged before this start (a Boot's acked_through). */
  reason: number;
  /** The seq of the record that makes the claim. */
  recordSeq: number;
  /**
   * A Fork record abandons these seqs: the device never held the hub's records around them, so it names
   * no hashes (empty). A verifier takes the range as explained without splicing hashes across it.
   */
  unspliced?: boolean;
}

/**
 * The signed claims in a verified segment about seqs it does not carry: Gap records (evicted), and a
 * Boot's acked_through (records a hub acknowledged before this start, no longer in the outbox).
 */
export function gapClaims(segment: VerifiedSegment): GapClaim[] {
  const claims: GapClaim[] = [];
  for (const r of segment.records) {
    if (r.envelope.kind && READ_BODY.has(r.envelope.kind)) claims.push(...claimsOfRecord(r.seq, r.record));
  }
  return claims;
}

/** The gap claims one decoded record makes (a Gap, a Fork's abandoned ranges, a Boot's acked_through); none for other kinds. */
export function claimsOfRecord(seq: number, record: RecordMessage): GapClaim[] {
  const claims: GapClaim[] = [];
  if (record.gap) {
    claims.push({
      firstSeq: toNumber(record.gap.firstSeq),
      lastSeq: toNumber(record.gap.lastSeq),
      firstPrevHash: record.gap.firstPrevHash ?? new Uint8Array(0),
      lastHash: record.gap.lastHash ?? new Uint8Array(0),
      // The Gap record's own reason (eviction, damage); records before the field existed mean eviction.
      reason: record.gap.reason || GapReason.QUOTA_EVICTION,
      recordSeq: seq,
    });
  } else if (record.fork) {
    for (const r of record.fork.abandoned ?? []) {
      const first = toNumber(r.first);
      const last = toNumber(r.last);
      if (first < 1 || last < first || last > toNumber(record.fork.hubSeq)) continue;
      claims.push({ firstSeq: first, lastSeq: last, firstPrevHash: new Uint8Array(0), lastHash: new Uint8Array(0), reason: GapReason.FORK_ABANDONED, recordSeq: seq, unspliced: true });
    }
  } else if (record.boot && toNumber(record.boot.ackedThrough) > 0) {
    claims.push({
      firstSeq: 1,
      lastSeq: toNumber(record.boot.ackedThrough),
      firstPrevHash: GENESIS_HASH,
      lastHash: record.boot.ackedHash ?? new Uint8Array(0),
      reason: GapReason.ACKNOWLEDGED_ELSEWHERE,
      recordSeq: seq,
    });
  }
  return claims;
}

/**
 * True when Gap claims cover exactly this hole, back to back, and their hashes splice the chain:
 * the first claim starts from the record before the hole, each next claim from the one before it,
 * and the record after the hole follows the last claim. (Two evictions can leave adjacent gaps.)
 */
export function gapsExplain(claims: GapClaim[], hole: Hole): boolean {
  let cursor = hole.first;
  let expectedPrev = hole.hashBefore;
  let lastHash: Uint8Array | undefined;
  let unspliced = false;
  while (cursor <= hole.last) {
    // An abandoned range may reach over seqs a writer filled later: it explains the part of the hole it covers.
    const claim = claims.find((c) => c.firstSeq === cursor && c.lastSeq <= hole.last && (!expectedPrev || hashEquals(c.firstPrevHash, expectedPrev)))
      ?? claims.find((c) => c.unspliced && c.firstSeq <= cursor && c.lastSeq >= cursor);
    if (!claim) return false;
    cursor = Math.min(claim.lastSeq, hole.last) + 1;
    unspliced = claim.unspliced ?? false;
    expectedPrev = unspliced ? undefined : claim.lastHash;
    lastHash = claim.lastHash;
  }
  return unspliced || !hole.prevHashAfter || hashEquals(lastHash, hole.prevHashAfter);
}

/** Public keys introduced by KeyRotation records in a verified segment (authenticated by its seal). */
export function rotatedKeys(segment: VerifiedSegment): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (const r of segment.records) {
    if (r.envelope.kind !== 'keyRotation') continue;
    const rotation = r.record.keyRotation;
    if (rotation && rotation.newPublicKey?.length === 32 && keyIdOf(rotation.newPublicKey) === rotation.newKeyId) {
      keys.push(rotation.newPublicKey);
    }
  }
  return keys;
}

export function short(hash: Uint8Array | null | undefined): string {
  return hash && hash.length ? `${toHex(hash).slice(0, 12)}…` : '(empty)';
}

function fail(seq: number, code: ChainProblemCode, message: string): SegmentResult {
  return { problems: [{ seq, code, message }] };
}
