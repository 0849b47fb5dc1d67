// Finds the outbox's record at one seq (its bytes, or its hash), so a hub checkpoint or a Gap can be
// compared or spliced with it. A seal names its last record's hash; any other record is read from its chunk. Read-only.
import { decodeSeal, recordsOfFragment, sha256 } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';

/** The SHA-256 of the record at `seq`, or undefined when the outbox no longer (or never) held it. */
export function recordHashAt(db: OutboxDatabase, seq: number): Uint8Array | undefined {
  const seal = db.prepare('SELECT seal FROM segments WHERE last_seq = ?').pluck().get(seq) as Uint8Array | undefined;
  if (seal) return decodeSeal(seal).lastHash;
  const state = db.prepare('SELECT head_seq, head_hash FROM state WHERE id = 1').get() as { head_seq: number; head_hash: Uint8Array };
  if (seq === state.head_seq) return state.head_hash;
  const record = recordAt(db, seq);
  return record && sha256(record);
}

/** The encoded record at `seq` from its chunk, or undefined when not held or its chunk no longer decodes. */
export function recordAt(db: OutboxDatabase, seq: number): Uint8Array | undefined {
  const chunk = db.prepare('SELECT first_seq, data FROM chunks WHERE first_seq <= ? AND last_seq >= ? ORDER BY first_seq DESC LIMIT 1')
    .get(seq, seq) as { first_seq: number; data: Uint8Array } | undefined;
  if (!chunk) return undefined;
  try {
    return recordsOfFragment(chunk.data)[seq - chunk.first_seq];
  } catch {
    return undefined; // a damaged chunk holds no record anyone can vouch for
  }
}
