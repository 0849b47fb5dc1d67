// Opens real outboxes in temp folders for tests and reads back what they hold, straight from SQLite.
// Defaults: device "ugv-01", test key 1, a manual clock and no seal timer, so nothing moves unless told.
import { join } from 'node:path';
import { manualClock } from '../../agent/clock.js';
import type { OutboxDatabase } from '../../agent/outbox/database.js';
import { Outbox, type OutboxOptions } from '../../agent/outbox/index.js';
import { decodeRecord, recordsOfFragment, toNumber, type DeviceKey, type RecordMessage } from '../../proto/index.js';
import { testKey } from './keys.js';

export const DEVICE = 'ugv-01';

export async function openTestOutbox(dir: string, options: Partial<OutboxOptions> & { key?: DeviceKey } = {}): Promise<Outbox> {
  return Outbox.open({
    path: join(dir, 'outbox.db'),
    deviceId: DEVICE,
    key: options.key ?? (await testKey(1)),
    clock: manualClock(),
    sealTimer: false,
    ...options,
  });
}

export interface HeldRecord {
  seq: number;
  bytes: Uint8Array;
  record: RecordMessage;
}

/** Every record held in the chunks table, in seq order. */
export function heldRecords(db: OutboxDatabase): HeldRecord[] {
  const rows = db.prepare('SELECT data FROM chunks ORDER BY first_seq').pluck().all() as Uint8Array[];
  return rows.flatMap((data) => recordsOfFragment(data)).map((bytes) => {
    const record = decodeRecord(bytes);
    return { seq: toNumber(record.seq), bytes, record };
  });
}

export function chunkRows(db: OutboxDatabase): [number, number][] {
  return (db.prepare('SELECT first_seq, last_seq FROM chunks ORDER BY first_seq').all() as { first_seq: number; last_seq: number }[])
    .map((r) => [r.first_seq, r.last_seq]);
}

export function segmentRows(db: OutboxDatabase): [number, number, number][] {
  return (db.prepare('SELECT first_seq, last_seq, priority FROM segments ORDER BY first_seq').all() as { first_seq: number; last_seq: number; priority: number }[])
    .map((r) => [r.first_seq, r.last_seq, r.priority]);
}
