// The shared end-to-end suite over the embedded aedes broker (MQTT 3.1.1, one hub, plain subscription),
// plus the one-process setup: a hub that runs the embedded broker itself.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { preRegister, expectIntact, waitForContiguous, waitOutboxEmpty } from '../helpers/e2e-checks.js';
import { captureMixed } from '../helpers/e2e-bodies.js';
import { e2eSuite } from '../helpers/e2e-suite.js';
import { embeddedBroker } from '../helpers/brokers.js';
import { E2eWorld } from '../helpers/e2e-world.js';
import { Hub, createLogger } from '../../hub/index.js';

e2eSuite(embeddedBroker());

let world: E2eWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('runs agent and hub with the hub\'s own embedded broker (embedded_broker.enabled, port 0)', { timeout: 60_000 }, async () => {
  world = new E2eWorld(embeddedBroker());
  const device = await world.device('onebox');
  const storePath = join(world.dir, 'hub.db');
  await preRegister(storePath, device);
  const config = world.hubConfig({ brokerUrl: 'mqtt://127.0.0.1:1', storePath });
  config.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
  const hub = await Hub.start(config, { logger: createLogger('silent') });
  try {
    expect(hub.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(hub.mqttUrl).not.toBe('mqtt://127.0.0.1:1883');
    const agent = await world.startAgent({ device, brokerUrl: hub.mqttUrl });
    await captureMixed(agent, 500);
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, device.deviceId, head);
    await expectIntact(hub, device.deviceId, head);
    await waitOutboxEmpty(agent);
    await world.stopAgent(agent);
  } finally {
    await hub.stop();
  }
});
