// What a fork needs besides the outbox's own machinery: the claim (a signed hub statement that this
// outbox's chain diverged), the Fork record's body, and the held records to re-issue, a page at a time.
import {
  decodeEnvelope, decodeRecord, encodeBody, encodedBodyOf, hashEquals, recordsOfFragment, recordToJson, toNumber, type Body, type BodyKind, type EncodedBody,
} from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';

/** A signed hub statement that contradicts this outbox (from the uplink's ack check). */
export interface ForkClaim {
  reason: 'HUB_AHEAD' | 'HASH_MISMATCH';
  /** Where the chain continues: the furthest seq the hub signed for, and its hash there. */
  hubSeq: number;
  hubHash: Uint8Array;
  /** The signed seq and hash that contradict this outbox: re-checked before forking. */
  evidenceSeq: number;
  evidenceHash: Uint8Array;
  /** The hub's checkpoint: it holds every seq through this one. */
  contiguousSeq: number;
  contiguousHash: Uint8Array;
  /** Seqs between the checkpoint and hubSeq the hub lacks: this outbox will never deliver them there. */
  abandoned: { first: number; last: number }[];
  hubKeyId: string;
  /** The encoded Checkpoint that proves it. */
  statement: Uint8Array;
}

export interface ForkResult {
  /** The Fork record's seq: the hub's seq + 1. */
  forkSeq: number;
  /** Local seqs re-issued after it (0..0 when none were held). */
  renumberedFirst: number;
  renumberedLast: number;
  newFirstSeq: number;
  localHeadSeq: number;
}

/** A held record to re-issue: its original times and body bytes, and the priority of the segment it was in. */
export interface HeldRecord {
  timeUnixNs: bigint;
  monoNs: bigint;
  body: EncodedBody;
  priority: number;
}

const PAGE_CHUNKS = 64;

/**
 * Bodies that make claims about seqs or keys (a Gap's range, a Boot's acked_through, a Fork's hub seq, a
 * key rotation): re-issued under new seqs they would claim the wrong things, so they go again as Markers
 * that quote them, with their original seq.
 */
const CLAIMS = new Set<BodyKind | undefined>(['gap', 'boot', 'fork', 'keyRotation']);

function claimAsMarker(kind: BodyKind, seq: number, bytes: Uint8Array): Body {
  const quoted = recordToJson(decodeRecord(bytes))[kind];
  return { marker: { kind: `fork.original_${kind}`, text: JSON.stringify(quoted), severity: 1, tags: { original_seq: String(seq) } } };
}

/**
 * Moves every chunk after `afterSeq` into a temporary table (with the priority of its segment, or
 * `openPriority` for the unsealed tail) and deletes them and their segments from the outbox: the seqs
 * they held may be taken by the re-issued records. Returns how many records moved.
 */
export function setAsideHeld(db: OutboxDatabase, afterSeq: number, openPriority: number): number {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS fork_held (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, data BLOB NOT NULL, priority INTEGER NOT NULL)');
  db.exec('DELETE FROM temp.fork_held');
  db.prepare(`INSERT INTO temp.fork_held SELECT c.first_seq, c.last_seq, c.data,
      coalesce((SELECT g.priority FROM segments g WHERE c.first_seq BETWEEN g.first_seq AND g.last_seq), ?)
    FROM chunks c WHERE c.first_seq > ?`).run(openPriority, afterSeq);
  const moved = db.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM temp.fork_held').pluck().get() as number;
  db.prepare('DELETE FROM chunks WHERE first_seq > ?').run(afterSeq);
  db.prepare('DELETE FROM segments WHERE first_seq > ?').run(afterSeq);
  return moved;
}

/** The set-aside records in seq order, a page of chunks at a time (bounded memory for a large outbox). */
export function* heldPages(db: OutboxDatabase): Generator<HeldRecord[]> {
  const page = db.prepare('SELECT first_seq, data, priority FROM temp.fork_held WHERE first_seq > ? ORDER BY first_seq LIMIT ?');
  let after = -1;
  for (;;) {
    const rows = page.all(after, PAGE_CHUNKS) as { first_seq: number; data: Uint8Array; priority: number }[];
    if (rows.length === 0) break;
    const out: HeldRecord[] = [];
    for (const row of rows) {
      for (const bytes of recordsOfFragment(row.data)) {
        const env = decodeEnvelope(bytes);
        const body = CLAIMS.has(env.kind) ? encodeBody(claimAsMarker(env.kind!, env.seq, bytes)) : encodedBodyOf(env);
        if (!body) throw new Error(`record seq ${env.seq} has no body this agent knows: cannot re-issue it`);
        out.push({ timeUnixNs: env.timeUnixNs, monoNs: env.monoNs, body, priority: row.priority });
      }
      after = row.first_seq;
    }
    yield out;
  }
  db.exec('DELETE FROM temp.fork_held');
}

export function forkBody(claim: ForkClaim, local: { seq: number; hash: Uint8Array }, renumbered: { first: number; last: number }, newFirstSeq: number): Body {
  return {
    fork: {
      reason: claim.reason === 'HUB_AHEAD' ? 1 : 2,
      localHeadSeq: local.seq,
      localHeadHash: local.hash,
      hubSeq: claim.hubSeq,
      hubHash: claim.hubHash,
      hubKeyId: claim.hubKeyId,
      renumberedFirst: renumbered.first,
      renumberedLast: renumbered.last,
      newFirstSeq: renumbered.last >= renumbered.first && renumbered.first > 0 ? newFirstSeq : 0,
      hubStatement: claim.statement,
      abandoned: claim.abandoned,
      detail: claim.reason === 'HUB_AHEAD'
        ? `the hub holds this device through seq ${claim.hubSeq}, beyond this outbox's head ${local.seq} (restored backup, rolled-back disk or cloned outbox)`
        : `the hub holds a different record at seq ${claim.hubSeq} than this outbox (restored backup, rolled-back disk or cloned outbox)`,
    },
  };
}

/**
 * Where a verifier picks the chain up when the first record held is a Fork record: the hub's seq and
 * hash it continues after (the seqs between the last acknowledged record and that one are the hub's,
 * never held here). Undefined when the outbox does not begin with a fork.
 */
export function forkBase(db: OutboxDatabase, ackedSeq: number): { seq: number; hash: Uint8Array } | undefined {
  const data = db.prepare('SELECT data FROM chunks ORDER BY first_seq LIMIT 1').pluck().get() as Uint8Array | undefined;
  const first = data && recordsOfFragment(data)[0];
  if (!first) return undefined;
  const record = decodeRecord(first);
  const fork = record.fork;
  if (!fork) return undefined;
  const hubSeq = toNumber(fork.hubSeq);
  if (toNumber(record.seq) !== hubSeq + 1 || hubSeq < ackedSeq || !hashEquals(record.prevHash, fork.hubHash)) return undefined;
  return { seq: hubSeq, hash: fork.hubHash! };
}
