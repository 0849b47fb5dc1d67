// The agent's counters, and its Prometheus endpoint when metrics.port is set: every series read from the
// running agent at scrape time (captures, refusals, outbox size, sent and acked by a real hub, ack latency).
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent, createLogger } from '../agent/index.js';
import { agentConfigSchema, defaultHubConfig } from '../config/index.js';
import { Hub, createLogger as hubLogger } from '../hub/index.js';
import { generateDeviceKey } from '../proto/node.js';
import { bulkBody } from './helpers/bodies.js';
import { testKey } from './helpers/keys.js';
import { reservePort } from './helpers/tcp-proxy.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('fp-metrics-');
let agent: Agent | undefined;
let hub: Hub | undefined;
afterEach(async () => {
  await agent?.stop();
  await hub?.stop();
  agent = undefined;
  hub = undefined;
});

async function startAgent(port: number, to?: Hub): Promise<Agent> {
  const dir = tempDir();
  const key = await generateDeviceKey();
  if (to) await to.store.addDeviceKey('rover-9', key.keyId, key.publicKey, 'test');
  const config = agentConfigSchema.parse({
    device_id: 'rover-9',
    key_file: join(dir, 'unused.key'),
    outbox: { path: join(dir, 'outbox.db') },
    seal: { max_age_ms: 50 },
    mqtt: to ? { url: to.mqttUrl, protocol_version: 4 } : {},
    uplink: to ? { backoff_initial_ms: 50 } : { enabled: false },
    metrics: { port, host: '127.0.0.1' },
    log: { level: 'silent' },
  });
  agent = await Agent.start(config, { key, hubPublicKeys: to ? [to.key.publicKey] : undefined, logger: createLogger('silent') });
  return agent;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('agent metrics', () => {
  it('serves the counters of the running agent on /metrics, read at scrape time', async () => {
    const port = await reservePort();
    const a = await startAgent(port);
    for (let i = 0; i < 3; i++) await a.capture(bulkBody(i));
    await expect(a.capture({} as never)).rejects.toThrow(); // no body at all
    const text = await scrape(port);
    expect(value(text, 'fieldproof_agent_records_captured_total')).toBe(3);
    expect(value(text, 'fieldproof_agent_capture_failed_total{code="INVALID"}')).toBe(1);
    expect(value(text, 'fieldproof_agent_outbox_records')).toBe(4); // the Boot record and three captures
    expect(value(text, 'fieldproof_agent_mqtt_connected')).toBe(0);
    expect(value(text, 'fieldproof_agent_records_sent_total')).toBe(0);
    expect(text).toContain('fieldproof_agent_ack_latency_seconds_bucket');
    expect(text).toContain('fieldproof_agent_process_resident_memory_bytes');
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it('counts what went to a hub and came back acknowledged, with the ack latency', async () => {
    const dir = tempDir();
    const hubConfig = defaultHubConfig(dir);
    hubConfig.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
    hubConfig.store.path = join(dir, 'hub.db');
    hub = await Hub.start(hubConfig, { logger: hubLogger('silent'), key: await testKey(78) });
    const port = await reservePort();
    const a = await startAgent(port, hub);
    for (let i = 0; i < 5; i++) await a.capture(bulkBody(i));
    await vi.waitFor(async () => expect(value(await scrape(port), 'fieldproof_agent_records_acked_total')).toBe(6), { timeout: 20_000, interval: 100 });
    const text = await scrape(port);
    expect(value(text, 'fieldproof_agent_records_sent_total')).toBeGreaterThanOrEqual(6); // the Boot record and five captures, resends included
    expect(value(text, 'fieldproof_agent_mqtt_connected')).toBe(1);
    expect(value(text, 'fieldproof_agent_outbox_records')).toBe(0);
    expect(value(text, 'fieldproof_agent_ack_latency_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('still counts when metrics.port is 0 (nothing served)', async () => {
    const a = await startAgent(0);
    await a.capture(bulkBody(1));
    await expect(a.capture({} as never)).rejects.toThrow();
    expect(a.metrics.captured).toBe(1);
    expect([...a.metrics.captureFailed]).toEqual([['INVALID', 1]]);
  });
});
