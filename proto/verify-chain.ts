// Verifies a whole ordered chain (an outbox database or an evidence packet): every seal, every link,
// and every hole accounted for by a Gap record. Pure: the caller supplies segments in seq order.
import { decodeRecord, toNumber } from './codec.js';
import { sha256 } from './hash.js';
import type { KeyRing } from './keys.js';
import type { SealMessage } from './codec.js';
import {
  checkLink, gapClaims, gapsExplain, rotatedKeys, verifySegment,
  type ChainPoint, type ChainProblem, type GapClaim, type Hole,
} from './chain.js';

export interface ChainInput {
  deviceId?: string;
  /** The record just before the first one held, when known (e.g. the last record the hub acknowledged). */
  base?: ChainPoint;
  /** Sealed segments in ascending seq order. */
  segments: Iterable<{ records: Uint8Array[]; seal: SealMessage }>;
  /** Records after the last seal, not yet sealed (an outbox's open segment). */
  unsealed?: Iterable<Uint8Array>;
  keys: KeyRing;
}

export interface ChainReport {
  ok: boolean;
  deviceId?: string;
  firstSeq?: number;
  lastSeq?: number;
  records: number;
  segments: number;
  unsealed: number;
  explainedGaps: GapClaim[];
  problems: ChainProblem[];
  /** The first bad seq, when anything failed. */
  firstBadSeq?: number;
}

export function verifyChain(input: ChainInput): ChainReport {
  const problems: ChainProblem[] = [];
  const holes: Hole[] = [];
  const claims: GapClaim[] = [];
  let point: ChainPoint | undefined = input.base;
  let deviceId = input.deviceId;
  let firstSeq: number | undefined;
  let lastSeq: number | undefined;
  let records = 0;
  let segments = 0;
  let unsealed = 0;

  const follow = (seq: number, prevHash: Uint8Array, hash: Uint8Array): void => {
    firstSeq ??= seq;
    if (point) {
      if (seq > point.seq + 1) holes.push({ first: point.seq + 1, last: seq - 1, hashBefore: point.hash, prevHashAfter: prevHash });
      else {
        const problem = checkLink(point, { seq, prevHash });
        if (problem) problems.push(problem);
      }
    }
    point = { seq, hash };
    lastSeq = seq;
  };

  for (const { records: bytes, seal } of input.segments) {
    segments++;
    records += bytes.length;
    const result = verifySegment(bytes, seal, input.keys, deviceId);
    if (!result.segment) {
      problems.push(...result.problems);
      const sealLast = toNumber(seal?.lastSeq);
      point = undefined; // nothing after a bad segment can be linked to it
      lastSeq = sealLast || lastSeq;
      continue;
    }
    const segment = result.segment;
    deviceId ??= segment.deviceId;
    const first = segment.records[0];
    follow(first.seq, first.envelope.prevHash, first.hash);
    point = { seq: segment.lastSeq, hash: segment.records[segment.records.length - 1].hash };
    lastSeq = segment.lastSeq;
    claims.push(...gapClaims(segment));
    for (const key of rotatedKeys(segment)) input.keys.add(key);
  }

  for (const bytes of input.unsealed ?? []) {
    records++;
    unsealed++;
    let seq = (point?.seq ?? lastSeq ?? 0) + 1;
    try {
      const record = decodeRecord(bytes);
      seq = toNumber(record.seq);
      if (deviceId !== undefined && record.deviceId !== deviceId) {
        problems.push({ seq, code: 'WRONG_DEVICE', message: `unsealed record seq ${seq} names device "${record.deviceId}", expected "${deviceId}"` });
      }
      follow(seq, record.prevHash, sha256(bytes));
    } catch (err) {
      problems.push({ seq, code: 'DECODE', message: `unsealed record seq ${seq}: ${(err as Error).message}` });
      point = undefined;
    }
  }

  const explainedGaps: GapClaim[] = [];
  for (const hole of holes) {
    if (gapsExplain(claims, hole)) explainedGaps.push(...claims.filter((c) => c.firstSeq >= hole.first && c.lastSeq <= hole.last));
    else {
      problems.push({
        seq: hole.first,
        code: 'UNEXPLAINED_GAP',
        message: `seq ${hole.first}..${hole.last} missing and no Gap record accounts for ${hole.first === hole.last ? 'it' : 'them'}`,
      });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    ok: problems.length === 0,
    deviceId, firstSeq, lastSeq, records, segments, unsealed, explainedGaps, problems,
    firstBadSeq: problems[0]?.seq,
  };
}
