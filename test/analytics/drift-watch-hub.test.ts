// The drift watcher inside a real hub (SQLite file, embedded aedes broker, real agents): a field vehicle whose light
// levels differ from the simulation's is one band change per scope, recorded once, and not again after a hub restart.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Agent, createLogger as agentLogger } from '../../agent/index.js';
import { loadOddFile } from '../../config/odd-config.js';
import type { Hub } from '../../hub/index.js';
import type { Body } from '../../proto/index.js';
import { embeddedBroker } from '../helpers/brokers.js';
import { preRegister } from '../helpers/e2e-checks.js';
import { E2eWorld, type Device } from '../helpers/e2e-world.js';
import { waitFor } from '../helpers/wait-for.js';

const fp = loadOddFile().fingerprint;
let world: E2eWorld | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop({ drainMs: 0 });
  await world?.close();
  world = undefined;
});

/** Light level only: every other feature stays unmeasured (no data, so no band). */
const lit = (lux: number): Body => ({ conditions: { sourceId: 'drift-test', lighting: { lux } } });

async function agentFor(device: Device, brokerUrl: string, source: 'field' | 'simulation'): Promise<Agent> {
  const config = world!.agentConfig({ device, brokerUrl });
  config.provenance.source = source;
  const agent = await Agent.start(config, { key: device.key, logger: agentLogger('silent') });
  agents.push(agent);
  return agent;
}

/** Appends `n` samples and waits until the hub has analysed them all. */
async function send(hub: Hub, agent: Agent, deviceId: string, n: number, lux: (i: number) => number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => agent.outbox.append(lit(lux(i)))));
  agent.outbox.sealIfDue(true);
  const head = agent.outbox.headSeq();
  await waitFor(`${deviceId} analysed through seq ${head}`, async () =>
    (await hub.store.analytics().cursors(fp)).find((c) => c.deviceId === deviceId && c.seq >= head), { timeoutMs: 30_000 });
}

it('records a band change once, across a hub restart', { timeout: 90_000 }, async () => {
  world = new E2eWorld(embeddedBroker());
  const broker = await world.startBroker();
  const storePath = join(world.dir, 'hub.db');
  const [sim, field] = [await world.device('sim'), await world.device('ugv')];
  await preRegister(storePath, sim, field);
  let hub = await world.startHub({ brokerUrl: broker.url, storePath });
  const simAgent = await agentFor(sim, broker.url, 'simulation');
  const fieldAgent = await agentFor(field, broker.url, 'field');
  // simulated runs lit at 400-1000 lx, the field vehicle out in daylight at 10-50 klx: significant drift
  await send(hub, simAgent, sim.deviceId, 300, (i) => 400 + i);
  await send(hub, fieldAgent, field.deviceId, 300, (i) => 20_000 + i);
  const recorded = await waitFor('two drift events', async () => {
    const events = await hub.store.analytics().driftEvents(fp);
    return events.length >= 2 && events;
  }, { timeoutMs: 30_000 });
  // one more check after everything is in changes nothing
  await hub.driftWatch!.check();
  const events = await hub.store.analytics().driftEvents(fp);
  expect(events.map((e) => [e.scope, e.feature, e.fromBand, e.toBand, e.baseline]).sort()).toEqual([
    ['fleet', 'lux', 'stable', 'significant', 'source:simulation'],
    [field.deviceId, 'lux', 'stable', 'significant', 'source:simulation'],
  ].sort());
  expect(events).toEqual(recorded);
  expect(await hub.metrics.registry.metrics()).toContain('fieldproof_hub_drift_band{scope="fleet",feature="lux"} 2');

  // restart on the same store: the new watcher starts from the recorded bands
  await world.stopHub(hub);
  hub = await world.startHub({ brokerUrl: broker.url, storePath });
  await waitFor('the restarted watcher\'s first check', () => hub.driftWatch!.checks >= 1, { timeoutMs: 30_000 });
  const before = hub.driftWatch!.checks;
  // more of the same from the field: the band holds, and nothing is recorded again
  await send(hub, fieldAgent, field.deviceId, 100, (i) => 30_000 + i);
  await waitFor('a check over the new samples', () => hub.driftWatch!.checks > before, { timeoutMs: 30_000 });
  expect(await hub.driftWatch!.check()).toEqual([]);
  expect(await hub.store.analytics().driftEvents(fp)).toEqual(events);
  expect(await hub.metrics.registry.metrics()).toContain(`fieldproof_hub_drift_band{scope="${field.deviceId}",feature="lux"} 2`);
});
