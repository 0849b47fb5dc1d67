// Opens a real Outbox on a fresh file for a benchmark, with a fresh device key and default policy.
// Also reads back how many records are committed and sealed, so a figure counts only those.
import { join } from 'node:path';
import { Outbox, type OutboxOptions } from '../../agent/outbox/index.js';
import { generateDeviceKey, type DeviceKey } from '../../proto/index.js';
import { BENCH_DEVICE } from './bodies.js';

let key: DeviceKey | undefined;

export async function benchKey(): Promise<DeviceKey> {
  key ??= await generateDeviceKey();
  return key;
}

export async function openBenchOutbox(dir: string, name: string, options: Partial<OutboxOptions> = {}): Promise<Outbox> {
  return Outbox.open({ path: join(dir, `${name}.db`), deviceId: BENCH_DEVICE, key: await benchKey(), ...options });
}

/** Records both committed and covered by a seal; throws if any committed record is left unsealed. */
export function sealedRecords(outbox: Outbox): number {
  const state = outbox.database.prepare('SELECT head_seq, sealed_through, acked_seq FROM state WHERE id = 1').get() as
    { head_seq: number; sealed_through: number; acked_seq: number };
  if (state.sealed_through !== state.head_seq) {
    throw new Error(`${outbox.path}: ${state.head_seq - state.sealed_through} committed records left unsealed after sealIfDue(true)`);
  }
  const inSegments = outbox.database.prepare('SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM segments').pluck().get() as number;
  return inSegments + state.acked_seq;
}
