// End to end: Conditions records/s from capture to committed at the hub and acknowledged back at the agent,
// hub in its own process, on aedes and on Mosquitto; beside raw mqtt.js QoS 1 of the same segment bytes, same broker.
import mqtt from 'mqtt';
import type { Agent } from '../agent/index.js';
import { conditionsBody } from './lib/bodies.js';
import { startBenchAgent } from './lib/bench-agent.js';
import { allAcked, startBenchHub, withHubAgent, type BenchDevice } from './lib/bench-hub.js';
import { inBursts } from './lib/bursts.js';
import { processCpuMs } from './lib/children.js';
import type { HubBroker, HubProcess } from './lib/hub-process.js';
import { mosquittoTarget } from './lib/mosquitto.js';
import { rawPublishRate, type RawBroker } from './lib/mqtt-raw.js';
import { row, type BenchContext, type Row } from './lib/rows.js';
import { buildSegments } from './lib/segments.js';
import { k, median, perSecond } from './lib/stats.js';

const TARGET_RATE = { op: '>=', value: 50_000 } as const;
const TARGET_RATIO = 0.5;
const WINDOW = 32;
const PER_SEGMENT = 1000;
const SHARED_GROUP = 'fpbench';
const RAW_MESSAGES = 200;

interface E2eRun { rate: number; segments: number; bytes: number; resends: number; ms: number; captureMs: number; agentCpu: number; hubCpu?: number }

/** Captures `n` records as fast as the agent takes them (bursts of 1000), then seals. */
async function captureAll(agent: Agent, n: number, offset: number): Promise<void> {
  await inBursts(n, (i) => agent.capture(conditionsBody(offset + i)));
  agent.outbox.sealIfDue(true);
}

/**
 * captureAll, then waits until all are acked. Returns the total time and the time the capture alone
 * took (the rest is the hub catching up).
 */
async function captureUntilAcked(agent: Agent, n: number, offset: number, timeoutMs: number): Promise<{ ms: number; captureMs: number }> {
  const t0 = performance.now();
  await captureAll(agent, n, offset);
  const captureMs = performance.now() - t0;
  await allAcked(agent, timeoutMs);
  return { ms: performance.now() - t0, captureMs };
}

function e2eRun(ctx: BenchContext, hub: HubProcess, device: BenchDevice, n: number): Promise<E2eRun> {
  const warmUp = ctx.quick ? 2000 : 5000;
  return withHubAgent(ctx.dir, hub, device, { maxInFlight: WINDOW }, async (agent) => {
    await captureUntilAcked(agent, warmUp, 0, 60_000); // connects, JIT, and proves the hub subscribed
    const before = { ...agent.uplink!.counters };
    const cpu0 = { agent: process.cpuUsage(), hub: processCpuMs(hub.helper.proc.pid!) };
    const { ms, captureMs } = await captureUntilAcked(agent, n, warmUp, 300_000);
    const agentCpu = cpuMs(process.cpuUsage(cpu0.agent)) / ms;
    const hubNow = processCpuMs(hub.helper.proc.pid!);
    const hubCpu = hubNow !== undefined && cpu0.hub !== undefined ? (hubNow - cpu0.hub) / ms : undefined;
    const c = agent.uplink!.counters;
    return {
      rate: perSecond(n, ms), ms, captureMs, agentCpu, hubCpu, segments: c.segmentsSent - before.segmentsSent, bytes: c.bytesSent - before.bytesSent, resends: c.resends - before.resends,
    };
  });
}

/** Agent.capture alone (uplink off, nothing else running): what the agent's capture path does without the network. */
async function captureOnly(ctx: BenchContext, deviceId: string, n: number): Promise<{ rate: number; cpuUs: number }> {
  const agent = await startBenchAgent({ dir: ctx.dir, deviceId });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await captureAll(agent, n, 0);
    return { rate: perSecond(n, performance.now() - t0), cpuUs: (cpuMs(process.cpuUsage(cpu0)) * 1000) / n };
  } finally {
    await agent.stop();
  }
}

/** Deletes the retained state messages the bench agents left on a broker other people use. */
async function forgetStates(url: string, protocol: 4 | 5, deviceIds: string[]): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion: protocol, clientId: `fpbench-cleanup-${process.pid}`, reconnectPeriod: 0 });
  try {
    for (const id of deviceIds) await client.publishAsync(`fp/v1/${id}/state`, '', { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
}

interface RawMessages extends Array<Uint8Array> { records: number }

async function brokerRows(ctx: BenchContext, label: string, broker: HubBroker, n: number, runs: number, payloads: RawMessages): Promise<Row[]> {
  const { tag, devices, hub } = await startBenchHub(ctx.dir, 'e2e', runs, broker);
  const raw: RawBroker = { url: hub.url, protocol: hub.protocol, sharedGroup: broker.kind === 'external' ? `${SHARED_GROUP}raw` : '' };
  const e2e: E2eRun[] = [];
  const transport: number[] = [];
  const alone: number[] = [];
  const aloneCpu: number[] = [];
  const recordsPerPass = payloads.records;
  try {
    // Rounds interleave figure and baseline, so a noisy neighbour slows both alike.
    for (let r = 0; r < runs; r++) {
      e2e.push(await e2eRun(ctx, hub, devices[r], n));
      const pass = await rawPublishRate(raw, payloads, WINDOW);
      if (pass.messages !== payloads.length) throw new Error(`raw transport: ${pass.messages} of ${payloads.length} messages arrived`);
      transport.push(perSecond(recordsPerPass, pass.ms));
      const own = await captureOnly(ctx, `uav-bench-alone-${tag}-${r}`, n);
      alone.push(own.rate);
      aloneCpu.push(own.cpuUs);
      const last = e2e[r];
      ctx.log(`${label} round ${r + 1}/${runs}: e2e ${k(last.rate)} rec/s (capture done at ${(last.captureMs / 1000).toFixed(1)} s = ${k(perSecond(n, last.captureMs))} rec/s, all acked at ${(last.ms / 1000).toFixed(1)} s; CPU agent ${pct(last.agentCpu)} (${((last.agentCpu * last.ms * 1000) / n).toFixed(0)} us/rec) hub ${pct(last.hubCpu)}; ${last.segments} segments, ${(last.bytes / last.segments / 1024).toFixed(0)} KiB avg, ${last.resends} resends); raw QoS 1 ${k(transport[r])} rec/s (${(perSecond(pass.bytes, pass.ms) / 1e6).toFixed(0)} MB/s); Agent.capture, uplink off ${k(alone[r])} rec/s (${aloneCpu[r].toFixed(0)} us/rec)`);
    }
  } finally {
    await hub.stop();
    if (broker.kind === 'external') await forgetStates(broker.url, broker.protocol, devices.map((d) => d.deviceId)).catch(() => {});
  }
  const rates = e2e.map((e) => e.rate);
  const avgBytes = e2e.reduce((s, e) => s + e.bytes, 0) / e2e.reduce((s, e) => s + e.segments, 0);
  const rawBytes = payloads.reduce((s, p) => s + p.length, 0) / payloads.length;
  const base = {
    name: `raw mqtt.js QoS 1, same segment bytes, ${WINDOW} in flight, no storage or signing`, figure: median(transport), unit: 'rec/s', samples: transport,
  };
  const name = `e2e capture -> hub commit -> ack at agent, ${label}`;
  const r = row(name, median(rates), 'rec/s', base, {
    target: TARGET_RATE, samples: rates,
    note: `${n} records of ~200 B in ${PER_SEGMENT}-record segments (${(avgBytes / 1024).toFixed(0)} KiB avg sent, raw ${(rawBytes / 1024).toFixed(0)} KiB), max_in_flight ${WINDOW}, median of ${runs}; e2e runs ${rates.map(k).join(' ')}, raw ${transport.map(k).join(' ')}; capture while shipping ran at ${e2e.map((e) => k(perSecond(n, e.captureMs))).join(' ')}; CPU of a core, agent ${e2e.map((e) => pct(e.agentCpu)).join(' ')}, hub ${e2e.map((e) => pct(e.hubCpu)).join(' ')}`,
  });
  // The second target is on the ratio: e2e must keep at least half of what the bare transport moves.
  const half = row(name, median(rates), 'rec/s', base, { target: { op: '>=', value: TARGET_RATIO * base.figure }, note: `target: ratio >= ${TARGET_RATIO}x the raw transport` });
  const own = { name: 'Agent.capture alone, uplink off, bursts of 1000 (the agent\'s own ceiling)', figure: median(alone), unit: 'rec/s', samples: alone };
  return [r, half, row(name, median(rates), 'rec/s', own, { note: `Agent.capture runs ${alone.map(k).join(' ')}` })];
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 20_000 : 200_000;
  const runs = ctx.quick ? 1 : 3;
  // The raw baseline publishes the same bytes an agent sends: 1000-record segments of the same bodies.
  // Repeated to at least RAW_MESSAGES messages, so a quick run still times more than a blink.
  const built = await buildSegments(ctx.dir, 'e2e-raw', n, PER_SEGMENT);
  const payloads = Object.assign([] as Uint8Array[], { records: 0 });
  while (payloads.length < RAW_MESSAGES) {
    for (const s of built.segments) {
      payloads.push(s.payload);
      payloads.records += s.records;
    }
  }
  const rows = await brokerRows(ctx, 'aedes (hub-embedded)', { kind: 'aedes' }, n, runs, payloads);
  const mosquitto = await mosquittoTarget(ctx.dir);
  if ('skip' in mosquitto) {
    ctx.log(mosquitto.skip);
    const last = rows[rows.length - 1];
    last.note = last.note ? `${last.note}; ${mosquitto.skip}` : mosquitto.skip;
    return rows;
  }
  try {
    rows.push(...await brokerRows(ctx, mosquitto.label, { kind: 'external', url: mosquitto.url, protocol: 5, sharedGroup: SHARED_GROUP }, n, runs, payloads));
  } finally {
    await mosquitto.stop();
  }
  return rows;
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function pct(share: number | undefined): string {
  return share === undefined ? '?' : `${Math.round(share * 100)}%`;
}
