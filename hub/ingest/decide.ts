// Decides whether a verified segment fits the chain the hub already holds: duplicate, conflict,
// or links on both sides. Pure; runs inside the store's transaction.
import { GENESIS_HASH, hashEquals, short } from '../../proto/index.js';
import type { CommitVerdict, Neighbors } from '../store/index.js';

export interface SegmentEdges {
  firstSeq: number;
  lastSeq: number;
  firstPrevHash: Uint8Array;
  lastHash: Uint8Array;
}

export function decideSegment(s: SegmentEdges, n: Neighbors): CommitVerdict {
  if (n.overlapping.length > 0) {
    const same = n.overlapping.length === 1 && n.overlapping[0].firstSeq === s.firstSeq && n.overlapping[0].lastSeq === s.lastSeq
      && hashEquals(n.overlapping[0].lastHash, s.lastHash);
    if (same) return { ok: true, duplicate: true };
    const o = n.overlapping[0];
    return {
      ok: false, code: 'CONFLICT', seq: Math.max(o.firstSeq, s.firstSeq),
      message: `seq ${s.firstSeq}..${s.lastSeq} overlaps stored seq ${o.firstSeq}..${o.lastSeq} with different content (a reset or forked chain?)`,
    };
  }
  if (s.firstSeq === 1 && !hashEquals(s.firstPrevHash, GENESIS_HASH)) {
    return { ok: false, code: 'BROKEN_LINK', seq: 1, message: 'seq 1 must follow the genesis hash (32 zero bytes)' };
  }
  if (n.before && !hashEquals(n.before.lastHash, s.firstPrevHash)) {
    return {
      ok: false, code: 'BROKEN_LINK', seq: s.firstSeq,
      message: `seq ${s.firstSeq}: prev_hash ${short(s.firstPrevHash)} does not match stored seq ${n.before.lastSeq} (${short(n.before.lastHash)})`,
    };
  }
  if (n.after && !hashEquals(n.after.firstPrevHash, s.lastHash)) {
    return {
      ok: false, code: 'BROKEN_LINK', seq: n.after.firstSeq,
      message: `stored seq ${n.after.firstSeq} does not follow seq ${s.lastSeq} of this segment (${short(s.lastHash)})`,
    };
  }
  return { ok: true, duplicate: false };
}
