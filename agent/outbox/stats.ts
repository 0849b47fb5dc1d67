// Read-only counts over an outbox file, for `fieldproof outbox` and the agent's metrics.
// Safe while an agent holds the same database (WAL readers do not block the writer).
import { decodeRecord, recordsOfFragment, toBigInt } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';

export interface OutboxStats {
  deviceId: string;
  records: number;
  sealed: number;
  unsealed: number;
  segments: number;
  unsent: number;
  criticalPending: number;
  bytes: number;
  headSeq: number;
  ackedSeq: number;
  evictedTotal: number;
  /** Capture time of the oldest record never sent, as an ISO string. */
  oldestUnsent: string | null;
}

/** Runs in one read transaction, so the counts agree with each other. */
export function outboxStats(db: OutboxDatabase): OutboxStats {
  return db.transaction(() => statsNow(db))();
}

function statsNow(db: OutboxDatabase): OutboxStats {
  const state = db.prepare('SELECT device_id, head_seq, sealed_through, bytes_total, acked_seq, evicted_total FROM state WHERE id = 1').get() as
    { device_id: string; head_seq: number; sealed_through: number; bytes_total: number; acked_seq: number; evicted_total: number } | undefined;
  if (!state) throw new Error('not an initialised fieldproof outbox (no state row)');
  const records = db.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM chunks').pluck().get() as number;
  const unsealed = db.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM chunks WHERE first_seq > ?').pluck().get(state.sealed_through) as number;
  const seg = db.prepare(`SELECT count(*) AS segments,
      coalesce(sum(CASE WHEN send_count = 0 THEN last_seq - first_seq + 1 ELSE 0 END), 0) AS unsent,
      coalesce(sum(CASE WHEN priority >= 2 THEN last_seq - first_seq + 1 ELSE 0 END), 0) AS critical,
      min(CASE WHEN send_count = 0 THEN first_seq END) AS oldest
    FROM segments`).get() as { segments: number; unsent: number; critical: number; oldest: number | null };
  const oldestSeq = seg.oldest ?? (unsealed > 0 ? state.sealed_through + 1 : null);
  let oldestUnsent: string | null = null;
  if (oldestSeq !== null) {
    const chunk = db.prepare('SELECT data FROM chunks WHERE first_seq >= ? ORDER BY first_seq LIMIT 1').pluck().get(oldestSeq) as Uint8Array | undefined;
    const bytes = chunk && recordsOfFragment(chunk)[0];
    if (bytes) oldestUnsent = new Date(Number(toBigInt(decodeRecord(bytes).timeUnixNs) / 1_000_000n)).toISOString();
  }
  return {
    deviceId: state.device_id,
    records,
    sealed: records - unsealed,
    unsealed,
    segments: seg.segments,
    unsent: seg.unsent + unsealed,
    criticalPending: seg.critical,
    bytes: state.bytes_total,
    headSeq: state.head_seq,
    ackedSeq: state.acked_seq,
    evictedTotal: state.evicted_total,
    oldestUnsent,
  };
}
