// The analyst's performance and run rows against a brute-force recomputation from the raw records, live and
// after a reindex (identical rows), and on a store made before the cursor carried a model.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst } from '../../hub/analytics/analyst.js';
import { performanceReport } from '../../hub/analytics/performance-report.js';
import type { HubStore, PerformanceRow } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { ingest, rng, segmentsOf } from './analyst-world.js';
import { bruteForcePerformance, bruteForceRuns, performanceHistory, type BootSpec } from './performance-brute.js';

const tempDir = useTempDirs('fieldproof-performance-');
const taxonomy = loadOddFile();

const key = (r: PerformanceRow) => JSON.stringify([r.deviceId, r.bucketMs, r.cell, r.source, r.model]);
const sorted = (rows: PerformanceRow[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const DET1 = [{ id: 'det', version: '1' }, { id: 'world', version: '1' }];
const DET2 = [{ id: 'det', version: '2' }];
const DEVICES: [string, number, [BootSpec, BootSpec]][] = [
  ['field-1', 1, [{ source: 1, models: DET1 }, { source: 1, models: DET2 }]],
  ['sim-r01', 2, [
    { source: 2, models: DET1, matrixId: 'mx', rowId: 'r01', plannedLevels: { weather: 'rain', lighting: 'night' } },
    { source: 2, models: DET2, matrixId: 'mx', rowId: 'r01', plannedLevels: { weather: 'rain', lighting: 'night' } },
  ]],
  ['plain-1', 3, [{ source: 0, models: [] }, { source: 3, models: DET1 }]],
];

async function deliveries(store: HubStore, seed: number): Promise<{ deviceId: string; payload: Uint8Array }[]> {
  const out: { deviceId: string; payload: Uint8Array }[] = [];
  for (const [deviceId, keySeed, boots] of DEVICES) {
    const k = await testKey(keySeed);
    await store.addDeviceKey(deviceId, k.keyId, k.publicKey);
    const { history, evicted } = performanceHistory(deviceId, seed + keySeed, 180, boots);
    const payloads = segmentsOf(history, k, seed * 7 + keySeed, evicted);
    const r = rng(seed + 99);
    for (let i = 1; i < payloads.length; i++) if (r() < 0.2) [payloads[i - 1], payloads[i]] = [payloads[i], payloads[i - 1]];
    out.push(...payloads.map((payload) => ({ deviceId, payload })));
  }
  const r = rng(seed + 5);
  return out.map((d) => ({ d, k: r() })).sort((a, b) => a.k - b.k).map((x) => x.d);
}

describe('performance and run aggregates', () => {
  it('equal a brute-force recomputation from the raw records, and a reindex rebuilds them identically', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      const all = await deliveries(store, 1);
      const analyst = new Analyst({ store, taxonomy, batchRecords: 9 });
      // small batches while ingesting: the model must come through the stored cursor from batch to batch
      for (let i = 0; i < all.length; i += 13) {
        for (const d of all.slice(i, i + 13)) await ingest(store, d.deviceId, [d.payload]);
        await analyst.pass();
      }
      await analyst.catchUp();
      const analytics = store.analytics();
      const live = await analytics.performanceRows(taxonomy.fingerprint);
      const brute = await bruteForcePerformance(store, taxonomy);
      expect(sorted(live)).toEqual(sorted(brute));
      // the mix the test needs: every model, missing confidences, both verdicts, a decision with no cell
      expect(new Set(live.map((r) => r.model))).toEqual(new Set(['det@1', 'det@2', 'own@7', '']));
      expect(live.some((r) => r.missing > 0) && live.some((r) => r.no_go > 0) && live.some((r) => r.go > 0)).toBe(true);
      expect(live.some((r) => r.cell === 'unknown/unknown/unknown/unknown/unknown' && r.no_go + r.go > 0)).toBe(true);
      // the decision counts agree with the coverage cells'
      const cells = await analytics.aggregateRows(taxonomy.fingerprint);
      const sum = (xs: { no_go: number }[]) => xs.reduce((s, x) => s + x.no_go, 0);
      expect(sum(live)).toBe(sum(cells));

      const runs = await analytics.runs(taxonomy.fingerprint);
      expect(runs).toEqual(await bruteForceRuns(store, taxonomy));
      expect(runs.find((r) => r.deviceId === 'sim-r01')).toMatchObject({
        matrixId: 'mx', rowId: 'r01', source: 'simulation', plannedLevels: { lighting: 'night', weather: 'rain' }, plannedCell: 'rain/night/*/*/*',
      });
      expect(runs.find((r) => r.deviceId === 'field-1')).toMatchObject({ matrixId: '', plannedCell: null });
      expect((await analytics.cursors(taxonomy.fingerprint)).map((c) => c.model)).toEqual(['det@2', 'det@1', 'det@2']);

      await analyst.reindex();
      expect(await analytics.performanceRows(taxonomy.fingerprint)).toEqual(live);
      expect(await analytics.runs(taxonomy.fingerprint)).toEqual(runs);

      // the report sums the same rows; a matrix scope keeps its devices only
      const report = await performanceReport(store, taxonomy);
      expect(report.whole.no_go).toBe(sum(live));
      expect(report.whole.samples).toBe(live.reduce((s, r) => s + r.missing + r.confidence.reduce((a, b) => a + b, 0), 0));
      const mx = await performanceReport(store, taxonomy, { matrixId: 'mx' });
      expect(mx).toMatchObject({ matrix: 'mx', lag: 0 });
      expect(mx.whole.no_go).toBe(sum(live.filter((r) => r.deviceId === 'sim-r01')));
      expect((await performanceReport(store, taxonomy, { matrixId: 'none' })).whole.samples).toBe(0);
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    } finally {
      await store.close();
    }
  });

  it('opens a store made before the cursor carried a model, and a reindex fills the new rows', async () => {
    const path = join(tempDir(), 'hub.db');
    let store = await openSqliteStore(path);
    const all = await deliveries(store, 2);
    for (const d of all) await ingest(store, d.deviceId, [d.payload]);
    await new Analyst({ store, taxonomy }).catchUp();
    await store.close();
    // as the store was before: no model column, no performance or run tables
    const db = new Database(path);
    db.exec('ALTER TABLE analytics_cursor DROP COLUMN model; DROP TABLE analytics_performance; DROP TABLE analytics_runs;');
    db.close();

    store = await openSqliteStore(path);
    try {
      const analytics = store.analytics();
      expect((await analytics.cursors(taxonomy.fingerprint)).map((c) => c.model)).toEqual(['', '', '']);
      expect(await analytics.performanceRows(taxonomy.fingerprint)).toEqual([]);
      await new Analyst({ store, taxonomy }).reindex();
      expect(sorted(await analytics.performanceRows(taxonomy.fingerprint))).toEqual(sorted(await bruteForcePerformance(store, taxonomy)));
      expect(await analytics.runs(taxonomy.fingerprint)).toEqual(await bruteForceRuns(store, taxonomy));
    } finally {
      await store.close();
    }
    // and opening it again changes nothing
    store = await openSqliteStore(path);
    await store.close();
  });
});
