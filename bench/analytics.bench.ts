// The analyst's records/s: Analyst.catchUp over a real SQLite hub store that hub ingest filled with a fleet's sealed
// segments (bench/lib/fleet.ts); beside hub ingest of the same segments and a raw protobuf decode of the same records.
import { join } from 'node:path';
import { loadOddFile, type Taxonomy } from '../config/odd-config.js';
import { AnalystFold, emptyCursor } from '../hub/analytics/analyst-fold.js';
import { classifier } from '../hub/analytics/classify.js';
import { emptyHistograms, histogramObserver } from '../hub/analytics/histogram.js';
import { Analyst, openStore, type HubStore } from '../hub/index.js';
import { decodeEnvelope, decodeSegment, schema, type Conditions } from '../proto/index.js';
import { BATCH, Fleet, ingest, recordsIn, type FleetSegment } from './lib/fleet.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { k, median, perSecond } from './lib/stats.js';

/** Analyst.catchUp, with the time its store calls took: reading segments and applying a batch (SQL). */
async function analyse(store: HubStore, taxonomy: Taxonomy): Promise<{ records: number; ms: number; readMs: number; applyMs: number }> {
  const analytics = store.analytics();
  const split = { readMs: 0, applyMs: 0 };
  const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>, key: keyof typeof split) => async (...a: A) => {
    const t0 = performance.now();
    try {
      return await f.apply(analytics, a);
    } finally {
      split[key] += performance.now() - t0;
    }
  };
  analytics.segmentsBetween = timed(analytics.segmentsBetween, 'readMs');
  analytics.apply = timed(analytics.apply, 'applyMs');
  const analyst = new Analyst({ store: Object.assign(Object.create(store) as HubStore, { analytics: () => analytics }), taxonomy });
  const t0 = performance.now();
  const records = await analyst.catchUp();
  return { records, ms: performance.now() - t0, ...split };
}

/** The floor: decodeSegment, decodeEnvelope and the body's own decode of every record, in memory; keeps the Conditions when asked. */
function decodeAll(segments: FleetSegment[], keep?: Conditions[]): number {
  let sink = 0;
  const t0 = performance.now();
  for (const s of segments) {
    for (const bytes of decodeSegment(s.payload).records) {
      const env = decodeEnvelope(bytes);
      const body = env.body!;
      switch (env.kind) {
        case 'conditions': {
          const c = schema.Conditions.decode(body);
          if (keep) keep.push(c);
          else sink += c.measurements.length;
          break;
        }
        case 'decision': sink += schema.Decision.decode(body).criteria.length; break;
        case 'handover': sink += schema.Handover.decode(body).phase; break;
        case 'boot': sink += schema.Boot.decode(body).models.length; break;
        default: break;
      }
    }
  }
  const ms = performance.now() - t0;
  if (sink < 0) console.error(sink);
  return ms;
}

interface FoldSplit { records: number; decodeMs: number; classifyMs: number; observeMs: number; foldMs: number }

/** In memory, no store, on `segments`: decode; classify and histogram-observe the samples; AnalystFold over every record in 4096-record batches. */
function foldSplit(taxonomy: Taxonomy, segments: FleetSegment[]): FoldSplit {
  const classify = classifier(taxonomy);
  const observe = histogramObserver(taxonomy);
  const set = emptyHistograms(taxonomy);
  const decodeMs = decodeAll(segments);
  const conditions: Conditions[] = [];
  decodeAll(segments, conditions); // kept for the next two, untimed: holding them all slows the decode itself
  let t0 = performance.now();
  let sink = 0;
  for (const c of conditions) sink += classify(c).length;
  const classifyMs = performance.now() - t0;
  t0 = performance.now();
  for (const c of conditions) observe(set, c);
  const observeMs = performance.now() - t0;
  const folds = new Map<string, AnalystFold>();
  t0 = performance.now();
  for (const s of segments) {
    let fold = folds.get(s.deviceId) ?? new AnalystFold(taxonomy, emptyCursor(s.deviceId));
    for (const bytes of decodeSegment(s.payload).records) fold.add(bytes);
    if (fold.records >= 4096) {
      sink += fold.batch().cells.length;
      fold = new AnalystFold(taxonomy, fold.cursor);
    }
    folds.set(s.deviceId, fold);
  }
  for (const fold of folds.values()) sink += fold.batch().cells.length;
  const foldMs = performance.now() - t0;
  if (sink < 0) console.error(sink);
  return { records: recordsIn(segments), decodeMs, classifyMs, observeMs, foldMs };
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const runs = ctx.quick ? 1 : 3;
  const taxonomy = loadOddFile();
  let t0 = performance.now();
  const fleet = await Fleet.create('analytics');
  const segments = fleet.take(n);
  const records = recordsIn(segments);
  const bytes = segments.reduce((s, x) => s + x.payload.length, 0);
  ctx.log(`built ${records} records in ${segments.length} segments (${(bytes / 1e6).toFixed(0)} MB) over ${fleet.feeds.length} devices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // warm-up: the same code paths on a slice, so the measured rounds are not also the JIT's
  const warm = await openStore({ driver: 'sqlite', path: join(ctx.dir, 'warm.db') });
  await fleet.register(warm);
  const slice = segments.filter((s) => s.deviceId === fleet.feeds[0].deviceId).slice(0, 100);
  await ingest(warm, slice);
  await analyse(warm, taxonomy);
  await warm.close();
  decodeAll(slice);

  const store = await openStore({ driver: 'sqlite', path: join(ctx.dir, 'hub.db') });
  const analystRates: number[] = [];
  const decodeRates: number[] = [];
  let ingestRate: number;
  let last = { readMs: 0, applyMs: 0, ms: 0 };
  try {
    await fleet.register(store);
    t0 = performance.now();
    const stored = await ingest(store, segments);
    const ingestMs = performance.now() - t0;
    ingestRate = perSecond(records, ingestMs);
    ctx.log(`ingest ${k(ingestRate)} rec/s (${(ingestMs / 1000).toFixed(1)} s)`);
    if (stored !== records) throw new Error(`${stored} of ${records} records stored`);
    for (let r = 0; r < runs; r++) {
      // each round analyses the whole store from nothing (what `fieldproof hub reindex` does)
      if (r > 0) await store.analytics().reset(taxonomy.fingerprint);
      const a = await analyse(store, taxonomy);
      if (a.records !== records) throw new Error(`round ${r + 1}: ${a.records} of ${records} records analysed`);
      analystRates.push(perSecond(records, a.ms));
      decodeRates.push(perSecond(records, decodeAll(segments)));
      last = a;
      ctx.log(`round ${r + 1}/${runs}: analyst ${k(analystRates[r])} rec/s (${(a.ms / 1000).toFixed(1)} s: read segments ${a.readMs.toFixed(0)} ms, apply ${a.applyMs.toFixed(0)} ms); raw decode ${k(decodeRates[r])} rec/s`);
    }
  } finally {
    await store.close();
  }
  const part = segments.slice(0, Math.ceil(segments.length / (ctx.quick ? 1 : 5)));
  const split = foldSplit(taxonomy, part);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const us = (x: number) => `${((x * 1000) / split.records).toFixed(2)} us`;
  const fold = last.ms - last.readMs - last.applyMs;
  const ingestBase: Baseline = { name: `hub ingest (prepareSegment + commitSegments, ${BATCH}/txn) of the same segments, one run`, figure: ingestRate, unit: 'rec/s' };
  const decodeBase: Baseline = { name: 'raw decode of the same records (segment, envelope, body), in memory', figure: median(decodeRates), unit: 'rec/s', samples: decodeRates };
  const label = `Analyst.catchUp over ${(records / 1e6).toFixed(1)}M stored records, ${fleet.feeds.length} devices`;
  return [
    row(label, median(analystRates), 'rec/s', ingestBase, {
      samples: analystRates, target: { op: '>=', value: 100_000 },
      note: `${segments.length} segments (${Math.round(records / segments.length)} records each on average), the store reset between rounds, median of ${runs}; last round: read segments ${ms(last.readMs)} (${pct(last.readMs, last.ms)}), SQL apply ${ms(last.applyMs)} (${pct(last.applyMs, last.ms)}), fold and the rest ${ms(fold)} (${pct(fold, last.ms)})`,
    }),
    row(label, median(analystRates), 'rec/s', decodeBase, {
      samples: analystRates,
      note: `per record, in memory over ${split.records} of them: decode ${us(split.decodeMs)}, classify ${us(split.classifyMs)}, histogram observe ${us(split.observeMs)}; AnalystFold.add + batch() ${us(split.foldMs)} all told, so ${us(split.foldMs - split.decodeMs - split.classifyMs - split.observeMs)} for the rest (cell keys, coverage and performance deltas, log rows)`,
    }),
  ];
}

const pct = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;
