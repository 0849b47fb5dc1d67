// The brokers the shared end-to-end suite runs against: the embedded aedes broker (MQTT 3.1.1, plain
// subscription) and the machine's real Mosquitto (MQTT 5 or 3.1.1, shared subscription), behind one interface.
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { startEmbeddedBroker, stateTopic } from '../../hub/index.js';
import { startTcpProxy, tcpReachable } from './tcp-proxy.js';

export interface BrokerEndpoint {
  url: string;
  port: number;
  /** Takes the broker down: refuses new connections and drops every open one. */
  stop(): Promise<void>;
}

export interface BrokerFactory {
  name: string;
  /** MQTT protocol version the hub and the agents speak to this broker. */
  protocol: 4 | 5;
  /** Whether the hub subscribes as a shared subscription ($share/<group>/...); each hub world gets its own group. */
  shared: boolean;
  /** Brings a broker up on 127.0.0.1:`port` (0: any free port). */
  start(port?: number): Promise<BrokerEndpoint>;
  /** Clears what a test leaves behind on a broker that outlives it (retained `state` messages). */
  forget?(deviceIds: string[]): Promise<void>;
}

/** A fresh aedes broker per start: stopping it really stops the broker. */
export function embeddedBroker(): BrokerFactory {
  return {
    name: 'embedded aedes (MQTT 3.1.1)',
    protocol: 4,
    shared: false,
    async start(port = 0) {
      const broker = await startEmbeddedBroker({ host: '127.0.0.1', port });
      return { url: broker.url, port: broker.port, stop: () => broker.close() };
    },
  };
}

/** Where the integration tests find Mosquitto; FIELDPROOF_TEST_MOSQUITTO=host:port overrides 127.0.0.1:1883. */
export const MOSQUITTO = (() => {
  const [host, port] = (process.env.FIELDPROOF_TEST_MOSQUITTO ?? '127.0.0.1:1883').split(':');
  return { host, port: Number(port) };
})();

/**
 * The shared Mosquitto (127.0.0.1:1883). It cannot be stopped from a test, so each start opens a
 * loopback TCP proxy to it; stopping the proxy is the broker going down for everything behind it.
 */
export function mosquittoBroker(protocol: 4 | 5): BrokerFactory {
  return {
    name: `Mosquitto (MQTT ${protocol === 5 ? '5' : '3.1.1'}, shared subscription)`,
    protocol,
    shared: true,
    async start(port = 0) {
      const proxy = await startTcpProxy(MOSQUITTO, port);
      return { url: `mqtt://127.0.0.1:${proxy.port}`, port: proxy.port, stop: () => proxy.stop() };
    },
    async forget(deviceIds) {
      if (deviceIds.length === 0) return;
      // An empty retained message deletes the retained one; Mosquitto persists them across restarts.
      const client = await mqtt.connectAsync(`mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`, { protocolVersion: protocol, clientId: randomId('cleanup'), reconnectPeriod: 0 });
      try {
        for (const id of deviceIds) await client.publishAsync(stateTopic(id), '', { qos: 1, retain: true });
      } finally {
        await client.endAsync();
      }
    },
  };
}

/**
 * Whether the integration tests may run: true when Mosquitto answers. When it does not, throws if
 * FIELDPROOF_REQUIRE_SERVICES=1 (CI must not skip), otherwise returns false with the reason printed.
 */
export async function mosquittoAvailable(): Promise<boolean> {
  if (await tcpReachable(MOSQUITTO.host, MOSQUITTO.port)) return true;
  const why = `Mosquitto is not reachable at mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`;
  if (['1', 'true', 'yes'].includes((process.env.FIELDPROOF_REQUIRE_SERVICES ?? '').toLowerCase())) {
    throw new Error(`${why}, and FIELDPROOF_REQUIRE_SERVICES=1 says it must be: start it (systemctl start mosquitto) or unset the variable`);
  }
  process.stderr.write(`skipping Mosquitto integration tests: ${why} (set FIELDPROOF_REQUIRE_SERVICES=1 to make this a failure)\n`);
  return false;
}

export function randomId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
