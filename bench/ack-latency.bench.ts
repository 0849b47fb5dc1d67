// Ack latency at a steady 1,000 records/s: first publish of a segment to the signed hub ack that frees it (the uplink's
// own measure), hub in its own process on aedes; beside a raw MQTT QoS 1 round trip and durable_before_send off, same run.
import { conditionsBody } from './lib/bodies.js';
import { allAcked, startBenchHub, withHubAgent, type BenchDevice } from './lib/bench-hub.js';
import type { HubProcess } from './lib/hub-process.js';
import { rawRoundTrips } from './lib/mqtt-raw.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { latencies, type Latencies } from './lib/stats.js';
import { countWalSyncs, fileSystemOf, type WalSyncCount } from './lib/wal-syncs.js';

const TARGET = { op: '<', value: 200 } as const;
const RATE = 1000;
const TICK_MS = 10;

/** `earlierUnsignedP99`: ack p99 from an earlier run, before acks were signed: printed for reference, never a baseline. */
interface Variant { label: string; seal: { max_records?: number; max_age_ms?: number }; earlierUnsignedP99: number }

const VARIANTS: Variant[] = [
  { label: 'default seal (1000 rec / 1000 ms)', seal: {}, earlierUnsignedP99: 22 },
  { label: 'seal.max_age_ms 100', seal: { max_age_ms: 100 }, earlierUnsignedP99: 12 },
];

interface Measured { ack: number[]; captureToAck: number[]; segments: number; bytes: number; achieved: number; acks: number; seconds: number; syncs: WalSyncCount }

function measure(ctx: BenchContext, hub: HubProcess, device: BenchDevice, v: Variant, seconds: number, durableBeforeSend: boolean): Promise<Measured> {
  return withHubAgent(ctx.dir, hub, device, { maxInFlight: 32, seal: v.seal, durableBeforeSend }, async (agent) => {
    for (let i = 0; i < 100; i++) await agent.capture(conditionsBody(i));
    agent.outbox.sealIfDue(true);
    await allAcked(agent, 30_000); // connected, hub subscribed

    const ack: number[] = [];
    const captureToAck: number[] = [];
    const captured: { seq: number; at: number }[] = [];
    const before = { ...agent.uplink!.counters };
    const syncs = countWalSyncs(agent.outbox);
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
    const elapsed = (performance.now() - t0) / 1000;
    const c = agent.uplink!.counters;
    const rejected = Object.values(c.acksRejected).reduce((n, v) => n + (v ?? 0), 0);
    if (rejected) throw new Error(`${device.deviceId}: the agent rejected ${rejected} acks from its own hub: ${JSON.stringify(c.acksRejected)}`);
    return {
      ack, captureToAck, segments: c.segmentsSent - before.segmentsSent, bytes: c.bytesSent - before.bytesSent, achieved, acks: c.acks - before.acks, seconds: elapsed, syncs: syncs.stop(),
    };
  });
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 20;
  const { devices, hub } = await startBenchHub(ctx.dir, 'ack', VARIANTS.length * 2, { kind: 'aedes' });
  const rows: Row[] = [];
  try {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[i];
      // durable_before_send on (as shipped) and off, back to back, taking turns going first.
      const runs: Partial<Record<'on' | 'off', Measured>> = {};
      for (const durable of i % 2 ? [false, true] : [true, false]) {
        runs[durable ? 'on' : 'off'] = await measure(ctx, hub, devices[2 * i + (durable ? 0 : 1)], v, seconds, durable);
      }
      const m = runs.on!;
      const off = runs.off!;
      const size = Math.round(m.bytes / Math.max(1, m.segments));
      const rtt = latencies(await rawRoundTrips({ url: hub.url, protocol: hub.protocol, sharedGroup: '' }, size, ctx.quick ? 30 : 100, 10));
      const ack = latencies(m.ack);
      const e2e = latencies(m.captureToAck);
      const offAck = latencies(off.ack);
      const offE2e = latencies(off.captureToAck);
      ctx.log(`${v.label}: ack ${show(ack)} (${m.segments} segments of ${(size / 1024).toFixed(1)} KiB, ${m.acks} signed acks, ${m.syncs.syncs} fdatasyncs); capture->ack ${show(e2e)}; durable_before_send off: ack ${show(offAck)}, capture->ack ${show(offE2e)}; raw RTT ${show(rtt)}`);
      const base = (stat: keyof Omit<Latencies, 'n'>): Baseline => ({ name: `raw mqtt.js QoS 1 round trip via aedes, ${(size / 1024).toFixed(1)} KiB out + 8 B back, ${stat}`, figure: rtt[stat], unit: 'ms' });
      const note = `signed acks, durable_before_send on (as shipped); ${seconds} s at ${Math.round(m.achieved)} rec/s achieved, ${ack.n} segments acked (${(size / 1024).toFixed(1)} KiB avg) by ${m.acks} acks (${(m.acks / m.seconds).toFixed(1)}/s), max_in_flight 32; raw RTT ${rtt.n} samples 10 ms apart; for reference only, NOT this run: an earlier run with unsigned acks measured p99 ${v.earlierUnsignedP99} ms here`;
      const offBase = (what: string, figure: number): Baseline => ({ name: `same, durable_before_send false, back to back, ${what}`, figure, unit: 'ms' });
      const syncNote = `${m.syncs.syncs} fdatasyncs (${(m.syncs.syncs / m.seconds).toFixed(1)}/s, ${(m.syncs.ms / Math.max(1, m.syncs.syncs)).toFixed(2)} ms from call to durable, off the event loop) for ${m.syncs.calls} makeDurableAsync calls; outbox on ${fileSystemOf(ctx.dir)}`;
      rows.push(
        row(`ack latency p50, ${v.label}`, ack.p50, 'ms', base('p50')),
        row(`ack latency p99, ${v.label}`, ack.p99, 'ms', base('p99'), { target: TARGET, note }),
        row(`ack latency max, ${v.label}`, ack.max, 'ms', base('max')),
        row(`capture -> ack p99, ${v.label}`, e2e.p99, 'ms', base('p99'), { note: `${e2e.n} records; includes the wait for the seal (age or count), which ack latency does not` }),
        row(`ack latency p99, durable_before_send true, ${v.label}`, ack.p99, 'ms', offBase(`ack p99 (${offAck.n} segments)`, offAck.p99), {
          note: `ack latency starts at the first publish, after the fsync: it sees the fsync only through a busier event loop; p50 ${ack.p50.toFixed(1)} vs ${offAck.p50.toFixed(1)} ms; ${syncNote}`,
        }),
        row(`capture -> ack p99, durable_before_send true, ${v.label}`, e2e.p99, 'ms', offBase(`capture -> ack p99 (${offE2e.n} records)`, offE2e.p99), {
          note: `includes the fsync before publish (and the wait for the seal); p50 ${e2e.p50.toFixed(1)} vs ${offE2e.p50.toFixed(1)} ms, max ${e2e.max.toFixed(1)} vs ${offE2e.max.toFixed(1)} ms`,
        }),
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
