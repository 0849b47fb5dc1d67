// p50/p99 of every report over a store the analyst filled (1M, then 3M records of bench/lib/fleet.ts), called
// directly and through the HTTP API; beside a trivial indexed SQLite read (one device_state row) on the same store.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadOddFile } from '../config/odd-config.js';
import {
  Analyst, coverageReport, decisionLog, deviceReport, driftReport, handoverLog, openStore, startHttp, summaryReport, type HubStore,
} from '../hub/index.js';
import { commitPrepared, Fleet, recordsIn } from './lib/fleet.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { latencies, type Latencies } from './lib/stats.js';

/** Segments per transaction while filling a store: bigger than the hub's 64, to build fast (same rows either way). */
const COMMIT_BATCH = 512;
/** Records generated and committed at a time, so a large store never sits in memory as segments. */
const CHUNK = 100_000;
const TARGET_MS = 100;

interface Case {
  name: string;
  call: () => Promise<unknown>;
  reads: string;
  /** A case whose work this one includes (a route over its report, the summary over the decision log). */
  includes?: string;
}

/**
 * Times `call`: the first call decides. Over 10x the target, that one call is the figure (more would only
 * cost minutes); else after one more warm-up call, up to 100 samples, stopping after `budgetMs` once there are 5.
 */
async function sample(call: () => Promise<unknown>, budgetMs: number): Promise<Latencies> {
  const timed = async () => {
    const t0 = performance.now();
    await call();
    return performance.now() - t0;
  };
  const first = await timed();
  if (first > 10 * TARGET_MS) return latencies([first]);
  await call();
  const ms: number[] = [];
  const t0 = performance.now();
  while (ms.length < 100 && (ms.length < 5 || performance.now() - t0 < budgetMs)) ms.push(await timed());
  return latencies(ms);
}

function tableCounts(db: Database.Database): Record<string, number> {
  const tables = ['segments', 'records', 'analytics_cells', 'analytics_histograms', 'analytics_decisions', 'analytics_handovers'];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
}

/** Seconds to generate, commit and analyse 10M records at the rate a stage just showed. */
const tenM = (ms: number, records: number) => Math.round((ms / records) * 1e7 / 1000);

export async function run(ctx: BenchContext): Promise<Row[]> {
  const stages = ctx.quick ? [100_000] : [1_000_000, 3_000_000];
  const budgetMs = ctx.quick ? 1000 : 2000;
  const taxonomy = loadOddFile();
  const fp = taxonomy.fingerprint;
  const path = join(ctx.dir, 'hub.db');
  const store: HubStore = await openStore({ driver: 'sqlite', path });
  // 16 vehicles: the analyst's segment read slows with each device's history (see the analytics bench), so fewer, longer
  // histories would take minutes longer to fill at 3M; the aggregates and logs hold about the same rows either way
  const fleet = await Fleet.create('reports', 16);
  await fleet.register(store);
  const webDir = join(ctx.dir, 'no-web');
  mkdirSync(webDir);
  const http = await startHttp({ store, taxonomy, host: '127.0.0.1', port: 0, webDir });
  const raw = new Database(path, { readonly: true });
  const deviceRow = raw.prepare('SELECT * FROM device_state WHERE device_id = ?');
  const get = (route: string) => async () => {
    // a pooled keep-alive connection the server has just closed (idle while a long report held this process): once more
    const res = await fetch(new URL(route, http.url)).catch((err: Error & { cause?: { code?: string } }) => {
      if (err.cause?.code !== 'ECONNRESET') throw err;
      return fetch(new URL(route, http.url));
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`GET ${route}: ${res.status} ${body.slice(0, 200)}`);
    return body.length;
  };
  const rows: Row[] = [];
  let stored = 0;
  try {
    for (const [stage, target] of stages.entries()) {
      const build = { genMs: 0, commitMs: 0 };
      while (stored < target) {
        let t0 = performance.now();
        const segments = fleet.take(Math.min(CHUNK, target - stored), 10_000);
        build.genMs += performance.now() - t0;
        t0 = performance.now();
        await commitPrepared(store, segments, COMMIT_BATCH);
        build.commitMs += performance.now() - t0;
        stored += recordsIn(segments);
      }
      const t0 = performance.now();
      const analysed = await new Analyst({ store, taxonomy }).catchUp();
      const analystMs = performance.now() - t0;
      const counts = tableCounts(raw);
      const label = `${(stored / 1e6).toFixed(stored < 1e6 ? 1 : 0)}M`;
      const buildNote = `store of ${stored} records from ${fleet.feeds.length} devices: generated ${(build.genMs / 1000).toFixed(0)} s, committed ${(build.commitMs / 1000).toFixed(0)} s, analysed ${analysed} in ${(analystMs / 1000).toFixed(0)} s (10M at this rate: ~${tenM(build.genMs + build.commitMs + analystMs, analysed)} s)`;
      ctx.log(`${buildNote}; rows: ${JSON.stringify(counts)}`);
      if (counts.records !== stored) throw new Error(`${counts.records} of ${stored} records stored`);

      const ids = fleet.feeds.map((f) => f.deviceId);
      const trivial: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t1 = performance.now();
        if (!deviceRow.get(ids[i % ids.length])) throw new Error('no device_state row');
        trivial.push(performance.now() - t1);
      }
      const base = latencies(trivial);
      const baseline: Baseline = { name: `trivial indexed SQLite read (one device_state row), p99 of ${base.n}`, figure: base.p99, unit: 'ms' };
      const c = counts;
      const cases: Case[] = [
        { name: 'coverageReport', call: () => coverageReport(store, taxonomy), reads: `GROUP BY over ${c.analytics_cells} analytics_cells rows` },
        {
          name: 'driftReport (histogramRows)', reads: `all ${c.analytics_histograms} analytics_histograms rows`,
          call: async () => driftReport(taxonomy, await store.analytics().histogramRows(fp), { baseline: (r) => r.source === 'simulation', current: (r) => r.source === 'field' }),
        },
        { name: 'handoverLog, limit 100', call: () => handoverLog(store, taxonomy, { limit: 100 }), reads: `all ${c.analytics_handovers} analytics_handovers rows, paged in JS` },
        { name: 'decisionLog, limit 100', call: () => decisionLog(store, taxonomy, { limit: 100 }), reads: `all ${c.analytics_decisions} analytics_decisions rows, criteria JSON parsed, paged in JS` },
        { name: 'deviceReport', call: () => deviceReport(store), reads: `${c.segments} segment ranges (store.coverage per device) for the holes` },
        { name: 'summaryReport', call: () => summaryReport(store, taxonomy), reads: 'deviceReport, coverageReport and every histogram, decision and handover row', includes: 'decisionLog, limit 100' },
        { name: 'GET /api/summary', call: get('/api/summary'), reads: 'summaryReport + JSON', includes: 'summaryReport' },
        { name: 'GET /api/coverage', call: get('/api/coverage'), reads: 'coverageReport + JSON', includes: 'coverageReport' },
        { name: 'GET /api/coverage/grid?a=weather&b=lighting', call: get('/api/coverage/grid?a=weather&b=lighting'), reads: 'coverageReport + grid + JSON', includes: 'coverageReport' },
        { name: 'GET /api/handovers?limit=100', call: get('/api/handovers?limit=100'), reads: 'handoverLog + JSON', includes: 'handoverLog, limit 100' },
        { name: 'GET /api/decisions?limit=100', call: get('/api/decisions?limit=100'), reads: 'decisionLog + JSON', includes: 'decisionLog, limit 100' },
      ];
      /** Each case's latencies, and which case was actually called for them (itself, or the one a skipped case includes). */
      const seen = new Map<string, { l: Latencies; from: string }>();
      for (const [i, x] of cases.entries()) {
        const under = x.includes === undefined ? undefined : seen.get(x.includes);
        const target = { op: '<' as const, value: TARGET_MS };
        const build = i === 0 ? `; ${buildNote}` : '';
        if (stage > 0 && under && under.l.p50 > 10 * TARGET_MS) {
          // past the first size, a case that includes one already over 10x the target is not run (it would cost minutes)
          seen.set(x.name, under);
          ctx.log(`${label} ${x.name}: not run, ${under.from} took ${under.l.p50.toFixed(0)} ms`);
          rows.push(row(`${x.name} @ ${label}`, under.l.p50, 'ms p99', baseline, {
            target, note: `not run: a lower bound, the ${under.l.p50.toFixed(0)} ms ${under.from} took at this size (this includes its work); reads ${x.reads}${build}`,
          }));
          continue;
        }
        const l = await sample(x.call, budgetMs);
        seen.set(x.name, { l, from: x.name });
        ctx.log(`${label} ${x.name}: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (n ${l.n})`);
        const note = `p50 ${l.p50.toFixed(1)} ms, n ${l.n}${l.n === 1 ? ' (one call: over 10x the target)' : l.n < 100 ? ' (p99 = max)' : ''}; reads ${x.reads}${build}`;
        rows.push(row(`${x.name} @ ${label}`, l.p99, 'ms p99', baseline, { target, note }));
      }
    }
  } finally {
    raw.close();
    await http.close();
    await store.close();
  }
  return rows;
}
