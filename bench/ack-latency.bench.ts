// Ack latency at a steady 1,000 records/s: first publish of a segment to the hub's ack that frees it (the uplink's
// own measure), hub in its own process on aedes; beside a raw mqtt.js QoS 1 round trip of the same size, same broker.
import { conditionsBody } from './lib/bodies.js';
import { allAcked, startBenchHub, withHubAgent, type BenchDevice } from './lib/bench-hub.js';
import type { HubProcess } from './lib/hub-process.js';
import { rawRoundTrips } from './lib/mqtt-raw.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { latencies, type Latencies } from './lib/stats.js';

const TARGET = { op: '<', value: 200 } as const;
const RATE = 1000;
const TICK_MS = 10;

interface Variant { label: string; seal: { max_records?: number; max_age_ms?: number } }

const VARIANTS: Variant[] = [
  { label: 'default seal (1000 rec / 1000 ms)', seal: {} },
  { label: 'seal.max_age_ms 100', seal: { max_age_ms: 100 } },
];

interface Measured { ack: number[]; captureToAck: number[]; segments: number; bytes: number; achieved: number }

function measure(ctx: BenchContext, hub: HubProcess, device: BenchDevice, v: Variant, seconds: number): Promise<Measured> {
  return withHubAgent(ctx.dir, hub, device, { maxInFlight: 32, seal: v.seal }, async (agent) => {
    for (let i = 0; i < 100; i++) await agent.capture(conditionsBody(i));
    agent.outbox.sealIfDue(true);
    await allAcked(agent, 30_000); // connected, hub subscribed

    const ack: number[] = [];
    const captureToAck: number[] = [];
    const captured: { seq: number; at: number }[] = [];
    const before = { ...agent.uplink!.counters };
    const onAcked = (a: { storedThrough: number; latencyMs: number[] }) => {
      ack.push(...a.latencyMs);
      const now = performance.now();
      while (captured.length && captured[0].seq <= a.storedThrough) captureToAck.push(now - captured.shift()!.at);
    };
    agent.uplink!.on('acked', onAcked);
    // A steady producer: every tick, what is due at RATE since the start, no catch-up bursts beyond one tick.
    const t0 = performance.now();
    let sent = 0;
    let failed: unknown;
    const pending = new Set<Promise<unknown>>();
    while (performance.now() - t0 < seconds * 1000) {
      const due = Math.min(Math.floor(((performance.now() - t0) * RATE) / 1000) - sent, Math.ceil((RATE * TICK_MS * 2) / 1000));
      for (let i = 0; i < due; i++) {
        const at = performance.now();
        const p = agent.capture(conditionsBody(100 + sent++)).then((a) => { captured.push({ seq: a.seq, at }); }, (err) => { failed ??= err; });
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const achieved = (sent * 1000) / (performance.now() - t0);
    await Promise.all(pending);
    if (failed) throw failed;
    agent.outbox.sealIfDue(true);
    await allAcked(agent, 30_000);
    agent.uplink!.off('acked', onAcked);
    const c = agent.uplink!.counters;
    return { ack, captureToAck, segments: c.segmentsSent - before.segmentsSent, bytes: c.bytesSent - before.bytesSent, achieved };
  });
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 20;
  const { devices, hub } = await startBenchHub(ctx.dir, 'ack', VARIANTS.length, { kind: 'aedes' });
  const rows: Row[] = [];
  try {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[i];
      const m = await measure(ctx, hub, devices[i], v, seconds);
      const size = Math.round(m.bytes / Math.max(1, m.segments));
      const rtt = latencies(await rawRoundTrips({ url: hub.url, protocol: hub.protocol, sharedGroup: '' }, size, ctx.quick ? 30 : 100, 10));
      const ack = latencies(m.ack);
      const e2e = latencies(m.captureToAck);
      ctx.log(`${v.label}: ack ${show(ack)} (${m.segments} segments of ${(size / 1024).toFixed(1)} KiB); capture->ack ${show(e2e)}; raw RTT ${show(rtt)}`);
      const base = (stat: keyof Omit<Latencies, 'n'>): Baseline => ({ name: `raw mqtt.js QoS 1 round trip via aedes, ${(size / 1024).toFixed(1)} KiB out + 8 B back, ${stat}`, figure: rtt[stat], unit: 'ms' });
      const note = `${seconds} s at ${Math.round(m.achieved)} rec/s achieved, ${ack.n} segments acked (${(size / 1024).toFixed(1)} KiB avg), max_in_flight 32; raw RTT ${rtt.n} samples 10 ms apart`;
      rows.push(
        row(`ack latency p50, ${v.label}`, ack.p50, 'ms', base('p50')),
        row(`ack latency p99, ${v.label}`, ack.p99, 'ms', base('p99'), { target: TARGET, note }),
        row(`ack latency max, ${v.label}`, ack.max, 'ms', base('max')),
        row(`capture -> ack p99, ${v.label}`, e2e.p99, 'ms', base('p99'), { note: `${e2e.n} records; includes the wait for the seal (age or count), which ack latency does not` }),
      );
    }
  } finally {
    await hub.stop();
  }
  return rows;
}

function show(l: Latencies): string {
  return `p50 ${l.p50.toFixed(1)} / p99 ${l.p99.toFixed(1)} / max ${l.max.toFixed(1)} ms (n ${l.n})`;
}
