// A hub for the delivery benchmarks: fresh device keys registered in a new store, the hub in its own process with
// a fresh ack-signing key, agents in this process pinning it and shipping around a measurement, and the wait for acks.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Agent } from '../../agent/index.js';
import { type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { startBenchAgent, type BenchAgentOptions } from './bench-agent.js';
import { registerDevices, startHubProcess, type HubBroker, type HubProcess } from './hub-process.js';

export interface BenchDevice { deviceId: string; key: DeviceKey }

export interface BenchHub {
  /** Random per hub, so runs against a shared broker or store do not meet. */
  tag: string;
  /** Registered in the hub's store: `uav-bench-<name>-<tag>-<i>`. */
  devices: BenchDevice[];
  hub: HubProcess;
}

/** Registers `count` new devices in `hub-<name>-<tag>.db` under `dir`, then starts the hub process on it. */
export async function startBenchHub(dir: string, name: string, count: number, broker: HubBroker): Promise<BenchHub> {
  const tag = randomBytes(3).toString('hex');
  const devices = await Promise.all(Array.from({ length: count }, async (_, i) => ({ deviceId: `uav-bench-${name}-${tag}-${i}`, key: await generateDeviceKey() })));
  const storePath = join(dir, `hub-${name}-${tag}.db`);
  await registerDevices(storePath, devices);
  const hub = await startHubProcess(dir, `bench-hub-${name}-${tag}`, storePath, broker, await generateDeviceKey());
  return { tag, devices, hub };
}

/** Runs `use` with an agent that ships to `hub` as `device`, pinning the hub's key, and stops the agent after. */
export async function withHubAgent<T>(
  dir: string, hub: HubProcess, device: BenchDevice, options: Pick<BenchAgentOptions, 'maxInFlight' | 'seal' | 'durableBeforeSend'>, use: (agent: Agent) => Promise<T>,
): Promise<T> {
  const agent = await startBenchAgent({ dir, ...device, mqtt: { url: hub.url, protocol: hub.protocol }, hubPublicKeys: [hub.publicKey], ...options });
  try {
    return await use(agent);
  } finally {
    await agent.stop();
  }
}

/** Waits until the agent's outbox has nothing unacknowledged up to its head. */
export function allAcked(agent: Agent, timeoutMs: number): Promise<void> {
  const head = agent.outbox.headSeq();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (agent.outbox.ackedSeq() < head) return;
      agent.uplink!.off('acked', check);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      agent.uplink!.off('acked', check);
      reject(new Error(`${agent.config.device_id}: acked through ${agent.outbox.ackedSeq()} of ${head} after ${timeoutMs} ms (uplink ${JSON.stringify(agent.uplink!.counters)})`));
    }, timeoutMs);
    agent.uplink!.on('acked', check);
    check();
  });
}
