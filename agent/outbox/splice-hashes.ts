// The hashes a Gap needs on both sides of a dropped range, found from what the outbox still holds:
// the record (or seal) before it, a Gap record that ends just before it, and the record after it. Read-only.
import { decodeEnvelope, decodeRecord, recordsOfFragment, toNumber } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';
import { recordAt, recordHashAt } from './record-at.js';

/** SHA-256 of the record at `seq`, or the last_hash of a Gap record (held here) whose range ends there. */
export function hashThrough(db: OutboxDatabase, seq: number, acked: { seq: number; hash: Uint8Array }): Uint8Array | undefined {
  if (seq === acked.seq) return acked.hash;
  const held = recordHashAt(db, seq);
  if (held) return held;
  // Gap records are critical and sit in critical segments; only a range that was dropped has one.
  const chunks = db.prepare('SELECT c.data FROM chunks c JOIN segments s ON c.first_seq BETWEEN s.first_seq AND s.last_seq WHERE s.priority >= 2').pluck().all() as Uint8Array[];
  for (const data of chunks) {
    for (const bytes of recordsOfFragment(data)) {
      if (decodeEnvelope(bytes).kind !== 'gap') continue;
      const gap = decodeRecord(bytes).gap;
      if (gap && toNumber(gap.lastSeq) === seq && gap.lastHash?.length) return gap.lastHash;
    }
  }
  return undefined;
}

/** The prev_hash the record after `seq` carries, when the outbox holds it: what a range ending at `seq` must hash to. */
export function prevHashAfter(db: OutboxDatabase, seq: number): Uint8Array | undefined {
  const bytes = recordAt(db, seq + 1);
  if (!bytes) return undefined;
  try {
    return decodeEnvelope(bytes).prevHash;
  } catch {
    return undefined; // damaged too: the seal's last_hash is all there is
  }
}
