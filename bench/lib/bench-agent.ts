// A real Agent in the benchmark's process, configured as an operator would (agentConfigSchema), with a
// fresh in-memory key, a silent logger and its outbox in the benchmark's directory.
import { join } from 'node:path';
import { Agent, createLogger } from '../../agent/index.js';
import { agentConfigSchema } from '../../config/index.js';
import { type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';

export interface BenchAgentOptions {
  dir: string;
  deviceId: string;
  key?: DeviceKey;
  /** Broker to ship to; leave out for an offline recorder (uplink disabled). */
  mqtt?: { url: string; protocol: 4 | 5 };
  maxInFlight?: number;
  seal?: { max_records?: number; max_age_ms?: number };
  sources?: Record<string, unknown>;
  /** The hub keys the uplink pins (required with `mqtt`): only acks they sign free outbox space. */
  hubPublicKeys?: Uint8Array[];
  /** uplink.durable_before_send (default true: one WAL fdatasync before each publish); false only to measure its cost. */
  durableBeforeSend?: boolean;
}

export async function startBenchAgent(o: BenchAgentOptions): Promise<Agent> {
  const key = o.key ?? (await generateDeviceKey());
  const config = agentConfigSchema.parse({
    device_id: o.deviceId,
    key_file: join(o.dir, `${o.deviceId}.key-unused`),
    outbox: { path: join(o.dir, `${o.deviceId}.outbox.db`) },
    seal: o.seal ?? {},
    mqtt: o.mqtt ? { url: o.mqtt.url, protocol_version: o.mqtt.protocol } : {},
    uplink: o.mqtt
      ? { max_in_flight: o.maxInFlight ?? 16, backoff_initial_ms: 50, ...(o.durableBeforeSend === undefined ? {} : { durable_before_send: o.durableBeforeSend }) }
      : { enabled: false },
    sources: o.sources ?? {},
    log: { level: 'silent' },
  });
  return Agent.start(config, { key, logger: createLogger('silent'), hubPublicKeys: o.hubPublicKeys });
}
