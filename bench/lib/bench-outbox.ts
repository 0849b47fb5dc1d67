// Opens a real Outbox on a fresh file for a benchmark, with a fresh device key and default policy.
// Also reads back how many records are committed and sealed, and measures the raw append rate (a shared baseline).
import { join } from 'node:path';
import { Outbox, type OutboxOptions } from '../../agent/outbox/index.js';
import { type Body, type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { BENCH_DEVICE } from './bodies.js';
import { inBursts } from './bursts.js';

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

/** Body `i` taken from `bodies` in turn, for outboxAppendRate. */
export function cycle(bodies: Body[]): (i: number) => Body {
  if (bodies.length === 0) throw new Error('cycle: no bodies to append');
  return (i) => bodies[i % bodies.length];
}

/**
 * The outbox's raw append rate: `n` appends of `body(i)` in bursts of 1000 with Promise.all, sealed at
 * the end; records/s committed and sealed. The baseline of every input path.
 */
export async function outboxAppendRate(dir: string, name: string, body: (i: number) => Body, n: number): Promise<number> {
  const outbox = await openBenchOutbox(dir, name);
  try {
    const t0 = performance.now();
    await inBursts(n, (i) => outbox.append(body(i)));
    outbox.sealIfDue(true);
    const ms = performance.now() - t0;
    const sealed = sealedRecords(outbox);
    if (sealed !== n) throw new Error(`outboxAppendRate ${name}: ${sealed} of ${n} records committed and sealed`);
    return (n * 1000) / ms;
  } finally {
    outbox.close();
  }
}
