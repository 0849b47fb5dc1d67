// Critical append latency: `await outbox.append(handover)` (fsynced, sealed at once), idle and while
// a background producer streams bulk Conditions; beside raw SQLite FULL commits and Ed25519 signing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Outbox } from '../agent/outbox/index.js';
import { ed25519SignTimes, sqliteFullCommitLatencies } from './lib/baselines.js';
import { conditionsBody, handoverBody } from './lib/bodies.js';
import { openBenchOutbox, sealedRecords } from './lib/bench-outbox.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { latencies, type Latencies } from './lib/stats.js';

const TARGET = { op: '<', value: 10 } as const;
const BULK_RATE = 20_000;
/** Critical events are sporadic: this much idle time between two of them. */
const SPACING_MS = 3;
const MAX_CATCH_UP_MS = 10;

/**
 * Bulk Conditions at a steady rate, topped up every timer tick; fire and forget, errors kept. After a
 * stall it catches up at most MAX_CATCH_UP_MS worth, so a neighbour's hiccup does not turn into a burst.
 */
function bulkProducer(outbox: Outbox, perSecond: number) {
  const t0 = performance.now();
  let sent = 0;
  let skipped = 0;
  let failed: unknown;
  const pending = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    let due = Math.floor(((performance.now() - t0) * perSecond) / 1000) - sent - skipped;
    const cap = Math.ceil((MAX_CATCH_UP_MS * perSecond) / 1000);
    if (due > cap) {
      skipped += due - cap;
      due = cap;
    }
    for (let i = 0; i < due; i++) {
      const p = outbox.append(conditionsBody(sent++)).catch((err) => { failed ??= err; });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    timer = setTimeout(tick, 1);
  };
  tick();
  return async () => {
    clearTimeout(timer);
    await Promise.all(pending);
    if (failed) throw failed;
    return { sent, rate: (sent * 1000) / (performance.now() - t0) };
  };
}

async function criticalLatencies(ctx: BenchContext, name: string, samples: number, load: boolean): Promise<{ lat: Latencies; note: string }> {
  const outbox = await openBenchOutbox(ctx.dir, name);
  try {
    const stop = load ? bulkProducer(outbox, BULK_RATE) : undefined;
    await sleep(load ? 200 : 0); // let the bulk stream settle before measuring
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) {
      const body = handoverBody(i, BigInt(Date.now()) * 1_000_000n);
      const t0 = performance.now();
      await outbox.append(body);
      ms.push(performance.now() - t0);
      await sleep(SPACING_MS);
    }
    const bulk = stop ? await stop() : undefined;
    outbox.sealIfDue(true);
    const sealed = sealedRecords(outbox);
    const lat = latencies(ms);
    const note = bulk
      ? `${samples} handovers ${SPACING_MS} ms apart; bulk stream achieved ${Math.round(bulk.rate).toLocaleString('en-US')}/s (${bulk.sent} records); ${sealed} sealed`
      : `${samples} handovers ${SPACING_MS} ms apart, no other load; ${sealed} sealed`;
    return { lat, note };
  } finally {
    outbox.close();
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const samples = ctx.quick ? 200 : 1500;
  await criticalLatencies(ctx, 'warm-up', 50, false);
  const idle = await criticalLatencies(ctx, 'critical-idle', samples, false);
  ctx.log(`idle: ${show(idle.lat)}`);
  const loaded = await criticalLatencies(ctx, 'critical-loaded', samples, true);
  ctx.log(`bulk ${BULK_RATE / 1000}k/s: ${show(loaded.lat)}`);
  // Baselines at the same spacing: a commit or a signature after an idle gap costs more than in a tight loop.
  const commits = latencies(await sqliteFullCommitLatencies(ctx.dir, 'raw-full', samples, SPACING_MS));
  const signs = latencies(await ed25519SignTimes(Math.min(samples, 500), SPACING_MS));
  ctx.log(`raw sqlite FULL commit: ${show(commits)}; Ed25519 sign: ${show(signs)}`);
  const raw = (stat: 'p50' | 'p99' | 'max'): Baseline => ({ name: `raw better-sqlite3 1-row insert+commit, WAL FULL, ${stat}`, figure: commits[stat], unit: 'ms' });
  const sign: Baseline = { name: 'raw Ed25519 sign (node:crypto), p50', figure: signs.p50, unit: 'ms' };
  const rows: Row[] = [];
  for (const [label, r] of [['idle', idle], [`bulk ${BULK_RATE / 1000}k/s`, loaded]] as const) {
    rows.push(row(`critical append p50, ${label}`, r.lat.p50, 'ms', raw('p50')));
    rows.push(row(`critical append p99, ${label}`, r.lat.p99, 'ms', raw('p99'), { target: TARGET, note: r.note }));
    rows.push(row(`critical append max, ${label}`, r.lat.max, 'ms', raw('max')));
  }
  rows.push(row('critical append p50, idle', idle.lat.p50, 'ms', sign, { note: `baselines sampled ${SPACING_MS} ms apart too` }));
  return rows;
}

function show(l: Latencies): string {
  return `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms`;
}
