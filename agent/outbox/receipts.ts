// The hub's receipts: the last verified checkpoint per hub key, kept in the outbox database.
// `fieldproof outbox` shows them; `fieldproof verify OUTBOX --hub-pubkey FILE` checks them.
import { decodeCheckpoint, checkpointFields, type CheckpointFields } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';

export interface Receipt extends CheckpointFields {
  /** The Checkpoint message exactly as the hub signed and sent it. */
  encoded: Uint8Array;
}

/** Keeps `encoded` as this hub key's receipt unless a later one (higher seq) is already kept. */
export function keepReceipt(db: OutboxDatabase, cp: CheckpointFields, encoded: Uint8Array): void {
  db.prepare(`INSERT INTO receipts (hub_key_id, seq, checkpoint) VALUES (?, ?, ?)
    ON CONFLICT (hub_key_id) DO UPDATE SET seq = excluded.seq, checkpoint = excluded.checkpoint WHERE excluded.seq >= receipts.seq`)
    .run(cp.hubKeyId, cp.seq, encoded);
}

/** Every kept receipt, newest seq first. */
export function readReceipts(db: OutboxDatabase): Receipt[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'receipts'").pluck().get();
  if (!exists) return [];
  const rows = db.prepare('SELECT checkpoint FROM receipts ORDER BY seq DESC').pluck().all() as Uint8Array[];
  return rows.map((encoded) => ({ ...checkpointFields(decodeCheckpoint(encoded)), encoded }));
}
