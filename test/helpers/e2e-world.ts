// One end-to-end test's world: real brokers, hubs on SQLite files, agents with real outboxes, child
// processes and raw MQTT clients in a temp folder, all torn down by close(). Ids are random per test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { Agent, createLogger as agentLogger } from '../../agent/index.js';
import { agentConfigSchema, hubConfigSchema, type AgentConfig, type HubConfig } from '../../config/index.js';
import { Hub, createLogger as hubLogger } from '../../hub/index.js';
import { type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey, writeKeyFiles } from '../../proto/node.js';
import { randomId, type BrokerEndpoint, type BrokerFactory } from './brokers.js';
import { writeHubKeySync } from './keys.js';
import { StopWaiting, waitFor, within } from './wait-for.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/fieldproof.ts', import.meta.url));
export const AGENT_CHILD = fileURLToPath(new URL('./agent-child.ts', import.meta.url));
const LOG_LEVEL = process.env.FIELDPROOF_TEST_LOG ?? 'silent';

export interface Device {
  deviceId: string;
  key: DeviceKey;
  keyFile: string;
  pubFile: string;
}

export interface HubOptions {
  brokerUrl: string;
  storePath?: string;
  /** Another store (PostgreSQL) instead of the SQLite file at storePath. */
  store?: { driver: 'postgres'; url: string };
  maxPayloadBytes?: number;
}

export interface AgentOptions {
  device: Device;
  brokerUrl: string;
  outboxPath?: string;
  quotaBytes?: number;
  sealMaxRecords?: number;
  maxInFlight?: number;
}

export interface Child {
  process: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
  waitForLine(what: string, match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

export class E2eWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'fieldproof-e2e-'));
  /** This world's shared-subscription group, so hubs of other tests never take its messages. */
  readonly sharedGroup: string;
  private readonly brokers = new Set<BrokerEndpoint>();
  private readonly hubs = new Set<Hub>();
  private readonly agents = new Set<Agent>();
  private readonly children = new Set<ChildProcess>();
  private readonly clients = new Set<MqttClient>();
  private readonly deviceIds: string[] = [];

  /** This world's hub key: every hub of the world signs with it, every agent pins its public half. */
  readonly hubKey: { keyFile: string; pubFile: string };

  constructor(readonly factory: BrokerFactory) {
    this.sharedGroup = factory.shared ? randomId('fp-e2e') : '';
    this.hubKey = writeHubKeySync(join(this.dir, 'keys', 'hub'));
  }

  async startBroker(port = 0): Promise<BrokerEndpoint> {
    const broker = await this.factory.start(port);
    this.brokers.add(broker);
    return broker;
  }

  async stopBroker(broker: BrokerEndpoint): Promise<void> {
    this.brokers.delete(broker);
    await broker.stop();
  }

  hubConfig(o: HubOptions): HubConfig {
    return hubConfigSchema.parse({
      hub_id: randomId('hub'),
      key_file: this.hubKey.keyFile,
      store: o.store ?? { driver: 'sqlite', path: o.storePath ?? join(this.dir, 'hub.db') },
      mqtt: {
        url: o.brokerUrl, protocol_version: this.factory.protocol, shared_group: this.sharedGroup,
        keepalive_s: 10, connect_timeout_ms: 10_000,
      },
      ingest: o.maxPayloadBytes ? { max_payload_bytes: o.maxPayloadBytes } : {},
      log: { level: LOG_LEVEL },
    });
  }

  async startHub(o: HubOptions): Promise<Hub> {
    const config = this.hubConfig(o);
    const hub = await Hub.start(config, { logger: hubLogger(LOG_LEVEL) });
    this.hubs.add(hub);
    return hub;
  }

  async stopHub(hub: Hub): Promise<void> {
    this.hubs.delete(hub);
    await hub.stop();
  }

  /** A new device id with a fresh key pair written as device.key/device.pub. */
  async device(prefix = 'dev'): Promise<Device> {
    const deviceId = randomId(prefix);
    this.deviceIds.push(deviceId);
    const key = await generateDeviceKey();
    const files = await writeKeyFiles(join(this.dir, 'keys', deviceId), key);
    return { deviceId, key, ...files };
  }

  async register(hub: Hub, device: Device): Promise<void> {
    await hub.store.addDeviceKey(device.deviceId, device.key.keyId, device.key.publicKey, 'e2e');
  }

  agentConfig(o: AgentOptions): AgentConfig {
    return agentConfigSchema.parse({
      device_id: o.device.deviceId,
      key_file: o.device.keyFile,
      provenance: { source: 'simulation', mission_id: 'e2e' },
      outbox: { path: o.outboxPath ?? join(this.dir, o.device.deviceId, 'outbox.db'), ...(o.quotaBytes ? { quota_bytes: o.quotaBytes } : {}) },
      seal: { max_records: o.sealMaxRecords ?? 200, max_age_ms: 200 },
      mqtt: { url: o.brokerUrl, protocol_version: this.factory.protocol, keepalive_s: 10, connect_timeout_ms: 5000 },
      uplink: {
        max_in_flight: o.maxInFlight ?? 16, resend_after_ms: 1500, backoff_initial_ms: 50, backoff_max_ms: 500, hub_pubkey_file: this.hubKey.pubFile,
      },
      log: { level: LOG_LEVEL },
    });
  }

  async startAgent(o: AgentOptions): Promise<Agent> {
    const agent = await Agent.start(this.agentConfig(o), { key: o.device.key, logger: agentLogger(LOG_LEVEL) });
    this.agents.add(agent);
    return agent;
  }

  async stopAgent(agent: Agent, drainMs = 0): Promise<void> {
    this.agents.delete(agent);
    await agent.stop({ drainMs });
  }

  /** Writes an agent config file (JSON is YAML) for a child process. */
  writeAgentConfig(o: AgentOptions): string {
    const file = join(this.dir, `${o.device.deviceId}-${Date.now()}.yaml`);
    writeFileSync(file, JSON.stringify(this.agentConfig(o)));
    return file;
  }

  /** Runs a TypeScript file under tsx as a real child process, collecting its stdout lines. */
  spawnTs(file: string, args: string[]): Child {
    const proc = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    this.children.add(proc);
    const lines: string[] = [];
    let partial = '';
    let err = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    // 'close', not 'exit': by then every byte of its stdout has been read.
    const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => {
      if (partial) lines.push(partial);
      this.children.delete(proc);
      resolve(code);
    }));
    let done = false;
    void exited.then(() => { done = true; });
    return {
      process: proc,
      lines,
      stderr: () => err,
      exited,
      waitForLine: (what, match, timeoutMs = 60_000) => waitFor(what, () => {
        const found = lines.find(match);
        if (!found && done) throw new StopWaiting(`child exited (code ${proc.exitCode}) without ${what}; stderr: ${err.slice(-2000)}`);
        return found;
      }, { timeoutMs, describe: () => ({ lines: lines.length, last: lines.at(-1), stderr: err.slice(-500) }) }),
    };
  }

  /** A plain mqtt.js client on the loopback broker, as an attacker or a confused device would use. */
  async rawClient(url: string): Promise<MqttClient> {
    const client = mqtt.connect(url, { protocolVersion: this.factory.protocol, clientId: randomId('raw'), reconnectPeriod: 0, connectTimeout: 10_000 });
    this.clients.add(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return client;
  }

  async closeClient(client: MqttClient): Promise<void> {
    this.clients.delete(client);
    await client.endAsync();
  }

  async close(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    for (const c of this.clients) await new Promise<void>((r) => c.end(true, {}, () => r()));
    // A stop that hangs is reported once everything else is torn down, rather than eating the hook's time.
    const hung: string[] = [];
    const stop = (what: string, p: Promise<void>) => within(what, 15_000, p).catch((err: Error) => { if (/did not finish/.test(err.message)) hung.push(err.message); });
    for (const a of this.agents) await stop(`agent ${a.config.device_id} stop()`, a.stop());
    for (const h of this.hubs) await stop(`hub ${h.config.hub_id} stop()`, h.stop());
    for (const b of this.brokers) await stop(`broker ${b.url} stop()`, b.stop());
    await this.factory.forget?.(this.deviceIds.splice(0)).catch(() => {});
    this.clients.clear();
    this.agents.clear();
    this.hubs.clear();
    this.brokers.clear();
    rmSync(this.dir, { recursive: true, force: true });
    if (hung.length) throw new Error(`teardown: ${hung.join('; ')}`);
  }
}

export function publish(client: MqttClient, topic: string, payload: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos: 1 }, (err) => (err ? reject(err) : resolve()));
  });
}
