// Outage scenarios of the shared e2e suite: a real agent process SIGKILLed mid-stream and restarted from
// the same outbox (every record it reported committed reaches the hub exactly once), and the broker
// going down under a running agent and hub and coming back on the same port.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { captureMixed } from './e2e-bodies.js';
import { expectIntact, preRegister, rejectionsOf, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { AGENT_CHILD } from './e2e-world.js';
import { waitFor, within } from './wait-for.js';

const seqsOf = (lines: string[]) => lines.filter((l) => l.startsWith('seq ')).map((l) => Number(l.slice(4)));

export function agentKilled(ctx: SuiteContext): void {
  it('keeps every committed record of an agent process SIGKILLed mid-stream, once', { timeout: 180_000 }, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('killed');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const config = w.writeAgentConfig({ device, brokerUrl: broker.url, sealMaxRecords: 100 });

    const first = w.spawnTs(AGENT_CHILD, [config, 'forever']);
    await first.waitForLine('the first agent to boot', (l) => l === 'boot 1');
    await waitFor('the killed agent to be mid-stream: records committed locally and some stored at the hub', async () =>
      seqsOf(first.lines).length >= 1500 && ((await hub.store.deviceState(device.deviceId))?.contiguousSeq ?? 0) > 0);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBe(null); // killed by the signal, no clean stop
    const committedBeforeKill = seqsOf(first.lines);

    const second = w.spawnTs(AGENT_CHILD, [config, '300', '--drain']);
    const boot = Number((await second.waitForLine('the restarted agent to boot', (l) => l.startsWith('boot '))).slice(5));
    expect(boot).toBeGreaterThan(committedBeforeKill.reduce((m, s) => Math.max(m, s), 0)); // nothing committed was forgotten or reused
    const stopped = await second.waitForLine('the restarted agent to drain and stop', (l) => l.startsWith('stopped head '), 90_000);
    expect(await second.exited).toBe(0);
    const head = Number(stopped.split(' ')[2]);
    const committed = [...committedBeforeKill, ...seqsOf(second.lines)];
    expect(new Set(committed).size).toBe(committed.length);
    expect(committed.reduce((m, s) => Math.max(m, s), 0)).toBeLessThanOrEqual(head);

    await waitForContiguous(hub, device.deviceId, head);
    // records are keyed by (device, seq): head rows for seqs 1..head means every seq, each exactly once,
    // so every seq either process reported committed is at the hub.
    await expectIntact(hub, device.deviceId, head);
    expect(hub.counters.recordsStored).toBe(head);
    expect(await rejectionsOf(hub, device.deviceId)).toEqual([]);
  });
}

export function brokerRestart(ctx: SuiteContext): void {
  it('resumes after the broker goes down mid-stream and comes back, storing every record once', { timeout: 180_000 }, async () => {
    const w = ctx.world();
    const first = await w.startBroker();
    const device = await w.device('outage');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub = await w.startHub({ brokerUrl: first.url, storePath });
    const agent = await w.startAgent({ device, brokerUrl: first.url, sealMaxRecords: 100 });

    let producing = true;
    let index = 0;
    const producer = (async () => {
      while (producing) {
        await captureMixed(agent, 100, { from: index, batch: 50 });
        index += 100;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await waitForContiguous(hub, device.deviceId, 500);
      await w.stopBroker(first);
      const headAtStop = agent.outbox.headSeq();
      await waitFor('the agent to notice the broker is gone', () => !agent.uplink!.connected);
      await waitFor('the agent to keep capturing while the broker is down', () => agent.outbox.headSeq() >= headAtStop + 1000);
      const connects = agent.uplink!.counters.connects;
      await w.startBroker(first.port);
      await waitFor('the agent to reconnect', () => agent.uplink!.counters.connects > connects);
      await waitForContiguous(hub, device.deviceId, headAtStop + 1000);
    } finally {
      producing = false;
      await producer;
    }
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);
    await expectIntact(hub, device.deviceId, head);
    expect(hub.counters.recordsStored).toBe(head);
    expect(await rejectionsOf(hub, device.deviceId)).toEqual([]);
    await waitOutboxEmpty(agent);
    // A clean stop still completes: nothing sent before the outage is left waiting for an ack forever.
    await within('agent.stop() after a broker outage', 20_000, w.stopAgent(agent));
    await within('hub.stop() after a broker outage', 20_000, w.stopHub(hub));
  });
}
