// Quota scenario of the shared e2e suite: an agent offline long enough to fill its outbox quota evicts
// its oldest bulk records under signed Gap records; the hub explains the hole and nothing else is lost.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { MIN_QUOTA_BYTES } from '../../config/index.js';
import { GapReason } from '../../proto/index.js';
import type { Evicted } from '../../agent/index.js';
import { captureMixed, conditions, type Lane } from './e2e-bodies.js';
import { expectIntact, preRegister, rejectionsOf, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { reservePort } from './tcp-proxy.js';

/** About 1 KB per bulk record, with a handover every 100 records. */
function heavyBody(i: number) {
  if (i % 100 === 50) {
    return { lane: 'critical' as Lane, body: { handover: { handoverId: `q-${i}`, fromMode: 'AUTO', toMode: 'MANUAL', initiator: 2, phase: 2, reason: 'operator' } } };
  }
  return { lane: 'bulk' as Lane, body: conditions(i, 900) };
}

export function quotaEviction(ctx: SuiteContext): void {
  it('explains records evicted under quota with Gap records, losing only old bulk', { timeout: 180_000 }, async () => {
    const w = ctx.world();
    const port = await reservePort();
    const device = await w.device('quota');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const agent = await w.startAgent({ device, brokerUrl: `mqtt://127.0.0.1:${port}`, quotaBytes: MIN_QUOTA_BYTES, sealMaxRecords: 50 });
    const evicted: Evicted[] = [];
    agent.outbox.on('evicted', (range) => evicted.push(range));
    const captured = await captureMixed(agent, 1600, { body: heavyBody, batch: 50 });
    expect(captured.lanes.size).toBe(1600); // every capture was accepted; room was made by eviction
    expect(evicted.length).toBeGreaterThan(0);

    const broker = await w.startBroker(port);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);

    const lostSeqs = evicted.flatMap((r) => Array.from({ length: r.lastSeq - r.firstSeq + 1 }, (_, k) => r.firstSeq + k));
    const report = await expectIntact(hub, device.deviceId, head, { lost: lostSeqs.length });
    expect(new Set(lostSeqs.map((seq) => captured.lanes.get(seq)))).toEqual(new Set(['bulk']));
    const merged = mergeAdjacent(evicted.map((r) => ({ firstSeq: r.firstSeq, lastSeq: r.lastSeq })));
    expect(mergeAdjacent(report.explainedGaps.map((g) => ({ firstSeq: g.firstSeq, lastSeq: g.lastSeq })))).toEqual(merged);
    expect(report.explainedGaps.every((g) => g.reason === GapReason.QUOTA_EVICTION)).toBe(true);
    expect(await rejectionsOf(hub, device.deviceId)).toEqual([]);
    await waitOutboxEmpty(agent);
  });
}

function mergeAdjacent(ranges: { firstSeq: number; lastSeq: number }[]): { firstSeq: number; lastSeq: number }[] {
  const out: { firstSeq: number; lastSeq: number }[] = [];
  for (const r of [...ranges].sort((a, b) => a.firstSeq - b.firstSeq)) {
    const last = out[out.length - 1];
    if (last && r.firstSeq === last.lastSeq + 1) last.lastSeq = r.lastSeq;
    else out.push({ ...r });
  }
  return out;
}
