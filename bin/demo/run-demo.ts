// The demo: embedded broker and hub, N agents with their own keys and outboxes producing conditions,
// decisions and handovers, then a drain and an end-to-end count: captured, stored, verified, rejected, lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createLogger as agentLogger } from '../../agent/index.js';
import { agentConfigSchema, defaultHubConfig, type AgentConfig } from '../../config/index.js';
import { Hub, createLogger as hubLogger, unexplainedHoles, verifyStoredChain, type SeqRange } from '../../hub/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { DEMO_FIELD_START, DEMO_TEST_START, demoVehicle } from '../../simulator/demo-producer.js';

export interface DemoOptions {
  agents: number;
  ratePerAgent: number;
  durationS?: number;
  dir?: string;
  logLevel: string;
  /** Serve the reviewer page and JSON API here while the demo runs (port 0: any free port). */
  http?: { host: string; port: number };
  /** Called once the hub is up, with the page's URL when it serves one. */
  onStarted?(info: { pageUrl?: string; store: string }): void;
  onStatus(line: string): void;
  /** Resolves when the demo should stop (Ctrl-C); raced with the duration. */
  stopSignal: Promise<unknown>;
}

export interface DemoSummary {
  dir: string;
  /** The hub store, for `fieldproof report ... --store`. */
  store: string;
  broker: string;
  durationS: number;
  devices: number;
  captured: number;
  storedAtHub: number;
  verified: number;
  rejected: number;
  unexplainedGaps: number;
  /** Captured, not yet confirmed by the hub, still held in the agents' outboxes (sent on the next run). */
  undelivered: number;
  /** Captured and neither at the hub nor in an outbox. */
  lost: number;
  handovers: number;
  decisions: number;
  ok: boolean;
}

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'fieldproof-demo-'));
  const hubConfig = defaultHubConfig(dir);
  hubConfig.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
  hubConfig.store.path = join(dir, 'hub.db');
  if (o.http) hubConfig.http = { enabled: true, ...o.http };
  // The demo's hub key lives in memory only; its agents pin its public half.
  const hubKey = await generateDeviceKey();
  const hub = await Hub.start(hubConfig, { logger: hubLogger(o.logLevel), key: hubKey });
  o.onStarted?.({ pageUrl: hub.httpUrl, store: hubConfig.store.path });
  const log = agentLogger(o.logLevel);
  const agents: Agent[] = [];
  const counts = { decisions: 0, handovers: 0 };
  const started = Date.now();
  let producing = true;
  const producers: Promise<void>[] = [];
  try {
    for (let i = 1; i <= o.agents; i++) {
      // the first vehicle stands for a field vehicle (its conditions still come from the demo's model, starting
      // wetter and darker than the test runs), the others for simulation runs: the reports then split the two
      const field = i === 1;
      const deviceId = `demo-${field ? 'field' : 'sim'}-${String(i).padStart(2, '0')}`;
      const key = await generateDeviceKey();
      await hub.store.addDeviceKey(deviceId, key.keyId, key.publicKey, `demo vehicle ${i}`);
      const config: AgentConfig = agentConfigSchema.parse({
        device_id: deviceId,
        key_file: join(dir, deviceId, 'device.key'),
        provenance: { source: field ? 'field' : 'simulation', mission_id: 'demo', vehicle_type: 'ugv' },
        outbox: { path: join(dir, deviceId, 'outbox.db') },
        seal: { max_records: 500, max_age_ms: 200 },
        mqtt: { url: hub.mqttUrl, protocol_version: 4 },
        uplink: { resend_after_ms: 3000, backoff_initial_ms: 100, backoff_max_ms: 2000 },
      });
      const agent = await Agent.start(config, { key, hubPublicKeys: [hubKey.publicKey], logger: log });
      agents.push(agent);
      producers.push(produce(agent, demoVehicle(1000 + i, field ? DEMO_FIELD_START : DEMO_TEST_START), o.ratePerAgent, () => producing, counts));
    }
    const status = setInterval(() => o.onStatus(statusLine(hub, agents, started)), 1000);
    const timeout = o.durationS !== undefined ? new Promise((r) => setTimeout(r, o.durationS! * 1000)) : new Promise(() => {});
    await Promise.race([timeout, o.stopSignal]);
    producing = false;
    await Promise.all(producers);
    clearInterval(status);
    o.onStatus(`${statusLine(hub, agents, started)} | draining`);
    await drain(hub, agents, 30_000);
    const summary = await summarize(hub, agents, dir, started, counts);
    return summary;
  } finally {
    producing = false;
    for (const a of agents) await a.stop().catch(() => {});
    await hub.stop();
  }
}

async function produce(agent: Agent, vehicle: ReturnType<typeof demoVehicle>, rate: number, running: () => boolean, counts: { decisions: number; handovers: number }): Promise<void> {
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let tick = 0;
  while (running()) {
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < perTick; i++) appends.push(agent.capture(vehicle.conditions()));
    if (++tick % 20 === 0) {
      const { decision, handovers } = vehicle.decide(() => 0);
      const d = await agent.capture(decision);
      counts.decisions++;
      for (const h of handovers(d.seq)) {
        appends.push(agent.capture(h));
        counts.handovers++;
      }
    }
    await Promise.all(appends);
    await new Promise((r) => setTimeout(r, tickMs));
  }
}

function statusLine(hub: Hub, agents: Agent[], started: number): string {
  const captured = agents.reduce((n, a) => n + a.outbox.headSeq(), 0);
  const inFlight = agents.reduce((n, a) => n + (a.uplink?.inFlightCount ?? 0), 0);
  const t = ((Date.now() - started) / 1000).toFixed(0);
  return `t=${t}s captured ${captured} | stored at hub ${hub.counters.recordsStored} | segments ${hub.counters.segmentsStored} in flight ${inFlight} | resent ${hub.counters.duplicates} | rejected ${hub.counters.rejected}`;
}

/** Waits until every agent's head is stored at the hub (or the timeout passes). */
async function drain(hub: Hub, agents: Agent[], timeoutMs: number): Promise<void> {
  for (const a of agents) a.outbox.sealIfDue(true);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let done = true;
    for (const a of agents) {
      const state = await hub.store.deviceState(a.config.device_id);
      if (!state || state.contiguousSeq < a.outbox.headSeq()) done = false;
    }
    if (done) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function summarize(hub: Hub, agents: Agent[], dir: string, started: number, counts: { decisions: number; handovers: number }): Promise<DemoSummary> {
  let captured = 0;
  let stored = 0;
  let verified = 0;
  let gaps = 0;
  let undelivered = 0;
  let lost = 0;
  for (const a of agents) {
    const id = a.config.device_id;
    const head = a.outbox.headSeq();
    captured += head;
    stored += await hub.store.countRecords(id);
    const cov = await hub.store.coverage(id);
    const held = a.outbox.database.prepare('SELECT first_seq AS first, last_seq AS last FROM chunks ORDER BY first_seq').all() as SeqRange[];
    undelivered += uncovered(held, cov.segments);
    lost += uncovered([{ first: 1, last: head }], [...cov.segments, ...held]);
    const report = await verifyStoredChain(hub.store, id);
    if (report.ok) verified += report.records;
    const state = await hub.store.deviceState(id);
    gaps += unexplainedHoles(cov.segments, cov.gaps, state?.headSeq ?? 0).length;
  }
  return {
    dir, store: hub.config.store.path, broker: hub.mqttUrl, durationS: Math.round((Date.now() - started) / 100) / 10, devices: agents.length,
    captured, storedAtHub: stored, verified, rejected: hub.counters.rejected, unexplainedGaps: gaps, undelivered, lost,
    handovers: counts.handovers, decisions: counts.decisions,
    ok: lost === 0 && undelivered === 0 && verified === stored && gaps === 0,
  };
}

/** How many seqs of `ranges` no range of `cover` holds. Pure. */
function uncovered(ranges: SeqRange[], cover: SeqRange[]): number {
  const sorted = [...cover].sort((a, b) => a.first - b.first);
  let missing = 0;
  for (const r of ranges) {
    let next = r.first;
    for (const c of sorted) {
      if (c.last < next) continue;
      if (c.first > r.last) break;
      if (c.first > next) missing += c.first - next;
      next = Math.max(next, c.last + 1);
      if (next > r.last) break;
    }
    if (next <= r.last) missing += r.last - next + 1;
  }
  return missing;
}
