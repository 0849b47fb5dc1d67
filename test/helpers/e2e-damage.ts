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
  it('drops a segment damaged on disk after sending with a signed Gap, never resending it for ever', { timeout: 120_000 }, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('rotted');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const agent = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 50 });
    await captureMixed(agent, 400);
    agent.outbox.sealIfDue(true);
    await waitFor('every segment sent once', () => (agent.outbox.database.prepare('SELECT count(*) FROM segments WHERE send_count = 0').pluck().get() as number) === 0);

    // 16 bytes overwritten in the middle of a bulk chunk, by another process's connection, as bit rot would.
    const db = new Database(agent.outbox.path);
    const victim = db.prepare("SELECT c.first_seq AS first, c.last_seq AS last, c.data AS data FROM chunks c JOIN segments s ON c.first_seq BETWEEN s.first_seq AND s.last_seq WHERE s.priority = 0 ORDER BY c.first_seq LIMIT 1 OFFSET 2").get() as { first: number; last: number; data: Buffer };
    const rotted = Buffer.from(victim.data);
    rotted.fill(0xa5, rotted.length >> 1, (rotted.length >> 1) + 16);
    db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(rotted, victim.first);
    db.close();

    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const damaged = await waitFor('the agent to drop the damaged segment', () => agent.uplink!.counters.resends > 0 && agent.outbox.database.prepare('SELECT count(*) FROM chunks WHERE first_seq = ?').pluck().get(victim.first) === 0);
    expect(damaged).toBe(true);
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);
    await waitOutboxEmpty(agent);
    const report = await verifyStoredChain(hub.store, device.deviceId);
    expect(report.problems).toEqual([]);
    const gaps = (await hub.store.coverage(device.deviceId)).gaps;
    expect(gaps.some((g) => g.first <= victim.first && g.last >= victim.last), `a Gap names seq ${victim.first}..${victim.last}: ${JSON.stringify(gaps)}`).toBe(true);
    // The hub never had to refuse the damaged bytes more than the once before the resend was checked.
    expect((await rejectionsOf(hub, device.deviceId)).filter((r) => r.startsWith('BAD_HASH')).length).toBeLessThanOrEqual(1);
  });
}
