// Verifies a whole ordered chain (an outbox database or an evidence packet): every seal, every link,
// and every hole accounted for by a Gap record. Pure: the caller supplies segments in seq order.
import { decodeRecord, toNumber } from './codec.js';
import { sha256 } from './hash.js';
import type { KeyRing } from './keys.js';
import type { SealMessage } from './codec.js';
import {
  checkLink, gapClaims, gapsExplain, rotatedKeys, verifySegment,
  type ChainPoint, type ChainProblem, type GapClaim, type Hole, type SegmentResult,
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
  const walk = new ChainWalk(input);
  for (const { records, seal } of input.segments) walk.segment(records, seal);
  for (const bytes of input.unsealed ?? []) walk.unsealed(bytes);
  return walk.finish();
}

/** A hole the walk found between records it holds, and whether signed claims explain it. */
export interface WalkHole extends Hole {
  explained: boolean;
  /** The claims that explain it, in seq order (empty when unexplained). */
  claims: GapClaim[];
}

/**
 * verifyChain one segment at a time, for callers that read segments as they come (the evidence verifier reads
 * a packet part by part): the same checks, in the same order, with each segment's own result at hand.
 */
export class ChainWalk {
  private readonly problems: ChainProblem[] = [];
  private readonly found: Hole[] = [];
  private readonly claims: GapClaim[] = [];
  private point: ChainPoint | undefined;
  private deviceId: string | undefined;
  private firstSeq: number | undefined;
  private lastSeq: number | undefined;
  private records = 0;
  private segments = 0;
  private unsealedCount = 0;
  private readonly keys: KeyRing;
  private explainedHoles: WalkHole[] | undefined;

  constructor(input: { deviceId?: string; base?: ChainPoint; keys: KeyRing }) {
    this.point = input.base;
    this.deviceId = input.deviceId;
    this.keys = input.keys;
  }

  private follow(seq: number, prevHash: Uint8Array, hash: Uint8Array): void {
    this.firstSeq ??= seq;
    if (this.point) {
      if (seq > this.point.seq + 1) this.found.push({ first: this.point.seq + 1, last: seq - 1, hashBefore: this.point.hash, prevHashAfter: prevHash });
      else {
        const problem = checkLink(this.point, { seq, prevHash });
        if (problem) this.problems.push(problem);
      }
    }
    this.point = { seq, hash };
    this.lastSeq = seq;
  }

  /** Verifies one sealed segment and links it to the one before; returns its own result. */
  segment(records: Uint8Array[], seal: SealMessage): SegmentResult {
    this.segments++;
    this.records += records.length;
    const result = verifySegment(records, seal, this.keys, this.deviceId);
    if (!result.segment) {
      this.problems.push(...result.problems);
      const sealLast = toNumber(seal?.lastSeq);
      this.point = undefined; // nothing after a bad segment can be linked to it
      this.lastSeq = sealLast || this.lastSeq;
      return result;
    }
    const segment = result.segment;
    this.deviceId ??= segment.deviceId;
    const first = segment.records[0];
    this.follow(first.seq, first.envelope.prevHash, first.hash);
    this.point = { seq: segment.lastSeq, hash: segment.records[segment.records.length - 1].hash };
    this.lastSeq = segment.lastSeq;
    this.claims.push(...gapClaims(segment));
    for (const key of rotatedKeys(segment)) this.keys.add(key);
    return result;
  }

  /** A record after the last seal (an outbox's open segment): linked, never trusted beyond its link. */
  unsealed(bytes: Uint8Array): void {
    this.records++;
    this.unsealedCount++;
    let seq = (this.point?.seq ?? this.lastSeq ?? 0) + 1;
    try {
      const record = decodeRecord(bytes);
      seq = toNumber(record.seq);
      if (this.deviceId !== undefined && record.deviceId !== this.deviceId) {
        this.problems.push({ seq, code: 'WRONG_DEVICE', message: `unsealed record seq ${seq} names device "${record.deviceId}", expected "${this.deviceId}"` });
      }
      this.follow(seq, record.prevHash, sha256(bytes));
    } catch (err) {
      this.problems.push({ seq, code: 'DECODE', message: `unsealed record seq ${seq}: ${(err as Error).message}` });
      this.point = undefined;
    }
  }

  /** Where the walk stands: the last record linked (undefined after a segment that failed). */
  get head(): ChainPoint | undefined {
    return this.point;
  }

  /** Every hole between held records, each with the claims that explain it (after finish()). */
  get holes(): WalkHole[] {
    return this.explainedHoles ?? [];
  }

  /** Every signed gap claim the verified segments made. */
  get gapClaims(): readonly GapClaim[] {
    return this.claims;
  }

  finish(): ChainReport {
    const explainedGaps: GapClaim[] = [];
    this.explainedHoles = [];
    for (const hole of this.found) {
      const explained = gapsExplain(this.claims, hole);
      const claims = explained ? this.claims.filter((c) => c.firstSeq >= hole.first && c.lastSeq <= hole.last) : [];
      this.explainedHoles.push({ ...hole, explained, claims });
      if (explained) explainedGaps.push(...claims);
      else {
        this.problems.push({
          seq: hole.first,
          code: 'UNEXPLAINED_GAP',
          message: `seq ${hole.first}..${hole.last} missing and no Gap record accounts for ${hole.first === hole.last ? 'it' : 'them'}`,
        });
      }
    }
    const problems = [...this.problems].sort((a, b) => a.seq - b.seq);
    return {
      ok: problems.length === 0,
      deviceId: this.deviceId, firstSeq: this.firstSeq, lastSeq: this.lastSeq, records: this.records, segments: this.segments,
      unsealed: this.unsealedCount, explainedGaps, problems,
      firstBadSeq: problems[0]?.seq,
    };
  }
}
