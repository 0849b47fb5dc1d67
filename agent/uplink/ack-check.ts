// Decides what a message on the device's ack topic may do: only a checkpoint signed by a pinned hub key,
// naming this device, within this outbox's head and matching its own record, frees anything. Pure.
import {
  checkBeyondSync, checkCheckpointSync, checkpointFields, decodeAck, encodeCheckpoint, hashEquals, holesAbove, toHex, toNumber,
  type CheckpointFields, type HeldRange, type KeyRing,
} from '../../proto/index.js';

export const ACK_REJECT_REASONS = [
  'malformed', 'wrong_device', 'unsigned', 'unknown_hub_key', 'bad_signature', 'beyond_head', 'hash_mismatch', 'stale', 'not_held',
] as const;
export type AckRejectReason = (typeof ACK_REJECT_REASONS)[number];

/** What the agent's own chain says, read at the moment an ack arrives. */
export interface LocalChain {
  deviceId: string;
  headSeq: number;
  /** The last record the hub acknowledged and this outbox freed through. */
  ackedSeq: number;
  ackedHash: Uint8Array;
  /** The hash of this outbox's record at `seq`, or undefined when it no longer holds that record. */
  hashAt(seq: number): Uint8Array | undefined;
}

/**
 * A signed hub statement that contradicts this outbox: the hub holds records beyond its head, or a
 * different record at a seq it also holds. Genuine (the signature verified), so the agent must not
 * reuse those seqs; the fork handling decides what to do.
 */
export interface Divergence {
  reason: 'HUB_AHEAD' | 'HASH_MISMATCH';
  /** The furthest seq the hub signed for (the checkpoint's, or a range's held beyond it), and its hash. */
  hubSeq: number;
  hubHash: Uint8Array;
  /** The signed seq and hash that contradict this outbox (beyond its head, or another hash than its own). */
  evidenceSeq: number;
  evidenceHash: Uint8Array;
  hubKeyId: string;
  /** The checkpoint: the hub holds every seq through this one (at or below hubSeq). */
  contiguousSeq: number;
  contiguousHash: Uint8Array;
  /** The holes between the checkpoint and hubSeq, by the signed ranges: seqs a fork leaves behind. */
  abandoned: { first: number; last: number }[];
  /** The encoded Checkpoint that proves it. */
  statement: Uint8Array;
}

export type AckVerdict =
  | {
    ok: true;
    checkpoint: CheckpointFields;
    /** The checkpoint as received, kept as the hub's receipt. */
    encoded: Uint8Array;
    /** Out-of-order ranges whose signature verified and whose hashes match this outbox. */
    storedBeyond: HeldRange[];
    /** Unsigned: only ever makes the agent send again sooner. */
    resend: { first: number; last: number }[];
    divergence?: Divergence;
  }
  | { ok: false; reason: AckRejectReason; detail: string; divergence?: Divergence };

export function checkAck(payload: Uint8Array, hubKeys: KeyRing, local: LocalChain): AckVerdict {
  let ack;
  try {
    ack = decodeAck(payload);
  } catch (err) {
    return reject('malformed', (err as Error).message);
  }
  if (ack.deviceId !== local.deviceId) return reject('wrong_device', `ack names device "${ack.deviceId}"`);
  const cp = ack.checkpoint;
  if (!cp) return reject('unsigned', 'ack carries no signed checkpoint');
  if (cp.deviceId !== local.deviceId) return reject('wrong_device', `checkpoint names device "${cp.deviceId}"`);
  const problem = checkCheckpointSync(cp, hubKeys);
  if (problem === 'unknown_hub_key') return reject(problem, `hub key ${cp.hubKeyId} is not pinned (pinned: ${hubKeys.ids().join(', ') || 'none'})`);
  if (problem) return reject(problem, `checkpoint through seq ${toNumber(cp.seq)} does not verify under hub key ${cp.hubKeyId}`);
  const checkpoint = checkpointFields(cp);
  const encoded = encodeCheckpoint(cp);
  const ranges = ack.storedBeyond.map((r) => ({ first: toNumber(r.first), last: toNumber(r.last), lastHash: r.lastHash ?? new Uint8Array(0) }));
  const beyond = ranges.length && checkBeyondSync(checkpoint, ranges, ack.beyondSignature, hubKeys) ? ranges : [];
  // The furthest seq the hub has signed for: where a fork must continue, so it collides with nothing held.
  const furthest = beyond.reduce((f, r) => (r.last > f.seq ? { seq: r.last, hash: r.lastHash } : f), { seq: checkpoint.seq, hash: checkpoint.hash });
  const diverged = (reason: Divergence['reason'], evidence: { seq: number; hash: Uint8Array } = { seq: checkpoint.seq, hash: checkpoint.hash }): Divergence => ({
    reason, hubSeq: furthest.seq, hubHash: furthest.hash, evidenceSeq: evidence.seq, evidenceHash: evidence.hash, contiguousSeq: checkpoint.seq, contiguousHash: checkpoint.hash,
    abandoned: holesAbove(checkpoint.seq, beyond), hubKeyId: checkpoint.hubKeyId, statement: encoded,
  });
  if (checkpoint.seq > local.headSeq) {
    return reject('beyond_head', `hub checkpoint at seq ${checkpoint.seq} is beyond this outbox's head ${local.headSeq}`, diverged('HUB_AHEAD'));
  }
  if (checkpoint.seq < local.ackedSeq) {
    return reject('stale', `checkpoint at seq ${checkpoint.seq} is older than the one already taken (seq ${local.ackedSeq})`);
  }
  const own = checkpoint.seq === local.ackedSeq ? local.ackedHash : local.hashAt(checkpoint.seq);
  if (!own) return reject('not_held', `this outbox holds no record at seq ${checkpoint.seq}`);
  if (!hashEquals(own, checkpoint.hash)) {
    return reject('hash_mismatch', `hub's record at seq ${checkpoint.seq} is ${short(checkpoint.hash)}, this outbox's is ${short(own)}`, diverged('HASH_MISMATCH'));
  }
  const storedBeyond: HeldRange[] = [];
  let divergence: Divergence | undefined;
  for (const r of beyond) {
    const mine = r.last <= local.headSeq ? local.hashAt(r.last) : undefined;
    if (mine && hashEquals(mine, r.lastHash)) storedBeyond.push(r);
    else if (r.last > local.headSeq || mine) divergence ??= diverged(r.last > local.headSeq ? 'HUB_AHEAD' : 'HASH_MISMATCH', { seq: r.last, hash: r.lastHash });
  }
  const resend = ack.resend.map((r) => ({ first: toNumber(r.first), last: toNumber(r.last) }));
  return { ok: true, checkpoint, encoded, storedBeyond, resend, divergence };
}

function reject(reason: AckRejectReason, detail: string, divergence?: Divergence): AckVerdict {
  return { ok: false, reason, detail, divergence };
}

function short(hash: Uint8Array): string {
  return `${toHex(hash).slice(0, 12)}…`;
}
