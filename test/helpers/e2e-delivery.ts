// Delivery scenarios of the shared e2e suite: offline backlog delivered when broker and hub come up
// late, a hub restarted mid-stream, critical records overtaking a bulk backlog, and a new hub store
// taking over an agent whose outbox another hub had already acknowledged.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Hub } from '../../hub/index.js';
import { GapReason } from '../../proto/index.js';
import { captureMixed, conditions, type Lane } from './e2e-bodies.js';
import { expectIntact, preRegister, rejectionsOf, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { CLI } from './e2e-world.js';
import { reservePort } from './tcp-proxy.js';
import { waitFor } from './wait-for.js';

const LONG = { timeout: 180_000 };

export function offlineBacklog(ctx: SuiteContext): void {
  it(`delivers ${ctx.records} records captured offline exactly once when broker and hub start late`, LONG, async () => {
    const w = ctx.world();
    const port = await reservePort();
    const device = await w.device('offline');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const agent = await w.startAgent({ device, brokerUrl: `mqtt://127.0.0.1:${port}`, sealMaxRecords: 500 });
    const captured = await captureMixed(agent, ctx.records);
    const lanes = [...captured.lanes.values()];
    expect(lanes.filter((l) => l === 'critical').length).toBeGreaterThanOrEqual(Math.floor(ctx.records / 250));
    expect(agent.uplink!.counters.connects).toBe(0);
    expect(agent.uplink!.counters.segmentsSent).toBe(0);

    const broker = await w.startBroker(port);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const head = agent.outbox.headSeq();
    expect(head).toBe(ctx.records + 1); // the Boot record, then every capture
    await waitForContiguous(hub, device.deviceId, head);
    await expectIntact(hub, device.deviceId, head);
    expect(hub.counters.recordsStored).toBe(head); // no record committed twice
    expect(await rejectionsOf(hub, device.deviceId)).toEqual([]);
    await waitOutboxEmpty(agent);

    // The operator's view agrees: `fieldproof hub status --verify` over the same store file.
    const status = w.spawnTs(CLI, ['hub', 'status', '--store', storePath, '--verify', '--json']);
    expect(await status.exited).toBe(0);
    const shown = JSON.parse(status.lines.join('\n')) as { devices: { deviceId: string; contiguousSeq: number; headSeq: number; holes: unknown[]; verified: string }[] };
    expect(shown.devices).toEqual([expect.objectContaining({ deviceId: device.deviceId, contiguousSeq: head, headSeq: head, holes: [], verified: 'ok' })]);
  });
}

/** A no-go decision every 50 records: each splits the stream into its own critical segment. */
function denseCritical(i: number) {
  return i % 50 === 25
    ? { lane: 'critical' as Lane, body: { decision: { verdict: 2, riskLevel: 'high', reason: `no-go ${i}` } } }
    : { lane: 'bulk' as Lane, body: conditions(i) };
}

export function hubRestart(ctx: SuiteContext): void {
  it('stores every record once when the hub restarts mid-stream on the same store', LONG, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('restart');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub1 = await w.startHub({ brokerUrl: broker.url, storePath });
    const agent = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100 });

    let producing = true;
    let index = 0;
    const producer = (async () => {
      while (producing) {
        await captureMixed(agent, 100, { from: index, batch: 50, body: denseCritical });
        index += 100;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let hub2: Hub;
    try {
      await waitForContiguous(hub1, device.deviceId, 500);
      await w.stopHub(hub1);
      // While the hub is down, at least 50 critical segments pile up between bulk ones. When it is back
      // they go first and land beyond a hole, as more separate ranges than one ack lists.
      const headAtStop = agent.outbox.headSeq();
      await waitFor('the agent to keep capturing while the hub is down', () => agent.outbox.headSeq() >= headAtStop + 2500);
      hub2 = await w.startHub({ brokerUrl: broker.url, storePath });
      await waitForContiguous(hub2, device.deviceId, headAtStop + 2500);
    } finally {
      producing = false;
      await producer;
    }
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub2, device.deviceId, head);
    await expectIntact(hub2, device.deviceId, head);
    expect(hub1.counters.recordsStored + hub2.counters.recordsStored).toBe(head);
    expect(await rejectionsOf(hub2, device.deviceId)).toEqual([]);
    await waitOutboxEmpty(agent);
  });
}

export function criticalFirst(ctx: SuiteContext): void {
  it('sends a handover captured after an offline bulk backlog before the backlog', LONG, async () => {
    const w = ctx.world();
    const port = await reservePort();
    const device = await w.device('critical');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const agent = await w.startAgent({ device, brokerUrl: `mqtt://127.0.0.1:${port}`, sealMaxRecords: 100, maxInFlight: 4 });
    await captureMixed(agent, 3000, { body: (i) => ({ body: conditions(i), lane: 'bulk' }) });
    agent.outbox.sealIfDue(true);
    const handover = await agent.capture({ handover: { handoverId: 'late', fromMode: 'AUTO.MISSION', toMode: 'RTL', initiator: 3, phase: 2, reason: 'geofence' } });
    const noGo = await agent.capture({ decision: { verdict: 2, riskLevel: 'high', reason: 'geofence breach' } });
    const backlogSegments = agent.outbox.pendingSegments(1000).filter((s) => s.lastSeq < handover.seq);
    expect(backlogSegments.length).toBeGreaterThanOrEqual(30);

    const broker = await w.startBroker(port);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);
    await expectIntact(hub, device.deviceId, head);

    // Commit order at the hub: SQLite rowids grow with each inserted segment.
    const db = new Database(storePath, { readonly: true });
    try {
      const order = db.prepare('SELECT first_seq AS firstSeq, last_seq AS lastSeq FROM segments WHERE device_id = ? ORDER BY rowid')
        .all(device.deviceId) as { firstSeq: number; lastSeq: number }[];
      const position = (seq: number) => order.findIndex((s) => s.firstSeq <= seq && seq <= s.lastSeq);
      expect(position(handover.seq)).toBe(0);
      expect(position(noGo.seq)).toBe(1);
      const firstBulk = Math.min(...backlogSegments.map((s) => position(s.firstSeq)));
      expect(firstBulk).toBeGreaterThan(position(noGo.seq));
    } finally {
      db.close();
    }
  });
}

export function ackedElsewhere(ctx: SuiteContext): void {
  it('lets a new hub store take over an agent whose outbox another hub acknowledged', LONG, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('takeover');
    const storeA = join(w.dir, 'hub-a.db');
    const storeB = join(w.dir, 'hub-b.db');
    await preRegister(storeA, device);
    await preRegister(storeB, device);

    const hubA = await w.startHub({ brokerUrl: broker.url, storePath: storeA });
    const agent1 = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 200 });
    await captureMixed(agent1, 1000);
    await waitOutboxEmpty(agent1);
    const acked = agent1.outbox.ackedSeq();
    await w.stopAgent(agent1);
    await w.stopHub(hubA);
    expect(acked).toBe(1001);

    const hubB = await w.startHub({ brokerUrl: broker.url, storePath: storeB });
    const agent2 = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 200 });
    expect(agent2.bootSeq).toBe(acked + 1);
    await captureMixed(agent2, 500, { from: 1000 });
    const head = agent2.outbox.headSeq();
    await waitForContiguous(hubB, device.deviceId, head);
    const report = await expectIntact(hubB, device.deviceId, head, { lost: acked });
    expect(report.explainedGaps).toEqual([expect.objectContaining({ firstSeq: 1, lastSeq: acked, reason: GapReason.ACKNOWLEDGED_ELSEWHERE })]);
    expect(await rejectionsOf(hubB, device.deviceId)).toEqual([]);
    await waitOutboxEmpty(agent2);
  });
}
