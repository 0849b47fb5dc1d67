// Damage on disk after sealing, in the shared e2e suite: bytes of a sent, unacknowledged segment rot in
// the outbox file; instead of a BAD_HASH refusal on every resend, the agent drops it with a signed Gap.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { verifyStoredChain } from '../../hub/index.js';
import { captureMixed } from './e2e-bodies.js';
import { preRegister, rejectionsOf, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { waitFor } from './wait-for.js';

export function damagedSegment(ctx: SuiteContext): void {
  it('drops segments damaged on disk after sending with signed Gaps that splice, never resending them for ever', { timeout: 120_000 }, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('rotted');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const agent = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 50 });
    await captureMixed(agent, 400);
    agent.outbox.sealIfDue(true);
    await waitFor('every segment sent once', () => (agent.outbox.database.prepare('SELECT count(*) FROM segments WHERE send_count = 0').pluck().get() as number) === 0);

    // 16 bytes overwritten in the middle of a chunk of two adjacent bulk segments, by another process's
    // connection, as bit rot would (adjacent: the second Gap must splice onto the first).
    const db = new Database(agent.outbox.path);
    const pair = db.prepare(`SELECT a.first_seq AS first, b.last_seq AS last, b.first_seq AS second FROM segments a JOIN segments b ON b.first_seq = a.last_seq + 1
      WHERE a.priority = 0 AND b.priority = 0 ORDER BY a.first_seq LIMIT 1 OFFSET 1`).get() as { first: number; last: number; second: number };
    for (const at of [pair.first, pair.second]) {
      const chunk = db.prepare('SELECT first_seq, data FROM chunks WHERE first_seq >= ? ORDER BY first_seq LIMIT 1').get(at) as { first_seq: number; data: Buffer };
      const rotted = Buffer.from(chunk.data);
      rotted.fill(0xa5, rotted.length >> 1, (rotted.length >> 1) + 16);
      db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(rotted, chunk.first_seq);
    }
    db.close();
    const victim = { first: pair.first, last: pair.last };

    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const damaged = await waitFor('the agent to drop both damaged segments', () => agent.uplink!.counters.resends > 0
      && agent.outbox.database.prepare('SELECT count(*) FROM chunks WHERE first_seq BETWEEN ? AND ?').pluck().get(victim.first, victim.last) === 0, {
      describe: () => ({ victim, segments: agent.outbox.database.prepare('SELECT first_seq, last_seq, send_count FROM segments WHERE last_seq >= ? AND first_seq <= ?').all(victim.first, victim.last), counters: agent.uplink!.counters }),
    });
    expect(damaged).toBe(true);
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);
    await waitOutboxEmpty(agent);
    const report = await verifyStoredChain(hub.store, device.deviceId);
    expect(report.problems).toEqual([]);
    const gaps = (await hub.store.coverage(device.deviceId)).gaps;
    expect(gaps.some((g) => g.first === victim.first), `a Gap names seq ${victim.first}..: ${JSON.stringify(gaps)}`).toBe(true);
    expect(gaps.some((g) => g.last === victim.last), `a Gap names ..${victim.last}: ${JSON.stringify(gaps)}`).toBe(true);
    // The hub never had to refuse the damaged bytes more than the once before the resend was checked.
    expect((await rejectionsOf(hub, device.deviceId)).filter((r) => r.startsWith('BAD_HASH')).length).toBeLessThanOrEqual(2);
  });
}
