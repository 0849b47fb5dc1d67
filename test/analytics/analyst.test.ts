// The analyst against a brute-force recomputation from the raw records: live, after a reindex, across a store
// closed and reopened part way, and across a transaction that fails after moving the cursor (nothing twice).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst } from '../../hub/analytics/analyst.js';
import type { CellAggregateRow, HistogramBinRow, HubStore } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { bruteForceBins, bruteForceRows, type LogEntry } from './analyst-brute.js';
import { ingest, randomHistory, rng, segmentsOf } from './analyst-world.js';

const tempDir = useTempDirs('fieldproof-analyst-');
const taxonomy = loadOddFile();

const binsSorted = (rows: HistogramBinRow[]) => [...rows].sort((a, b) => (JSON.stringify([a.deviceId, a.bucketMs, a.source, a.feature, a.bin]) < JSON.stringify([b.deviceId, b.bucketMs, b.source, b.feature, b.bin]) ? -1 : 1));
const sorted = (rows: CellAggregateRow[]) => [...rows].sort((a, b) => (JSON.stringify([a.deviceId, a.bucketMs, a.cell, a.source]) < JSON.stringify([b.deviceId, b.bucketMs, b.cell, b.source]) ? -1 : 1));

interface Fleet {
  /** Per device, its segments in the order they are delivered (some out of order; the Gap's range never). */
  deliveries: { deviceId: string; payload: Uint8Array }[];
}

async function fleet(store: HubStore, seed: number): Promise<Fleet> {
  const deliveries: Fleet['deliveries'] = [];
  const devices: [string, number, [number, number]][] = [['field-1', 1, [1, 2]], ['sim-1', 2, [2, 3]], ['plain-1', 3, [0, 1]]];
  for (const [deviceId, keySeed, sources] of devices) {
    const key = await testKey(keySeed);
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
    const { history, evicted } = randomHistory(deviceId, seed + keySeed, 160, sources);
    const payloads = segmentsOf(history, key, seed * 7 + keySeed, evicted);
    // swap some neighbours: out-of-order arrival holds the analyst at the contiguous seq
    const r = rng(seed + 99);
    for (let i = 1; i < payloads.length; i++) if (r() < 0.2) [payloads[i - 1], payloads[i]] = [payloads[i], payloads[i - 1]];
    deliveries.push(...payloads.map((payload) => ({ deviceId, payload })));
  }
  // interleave the devices
  const r = rng(seed + 5);
  return { deliveries: deliveries.map((d) => ({ d, k: r() })).sort((a, b) => a.k - b.k).map((x) => x.d) };
}

async function ingestAll(store: HubStore, deliveries: Fleet['deliveries']): Promise<void> {
  for (const d of deliveries) await ingest(store, d.deviceId, [d.payload]);
}

describe('analyst', () => {
  it('equals a brute-force recomputation from the raw records, and a reindex equals it too', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      const { deliveries } = await fleet(store, 1);
      const analyst = new Analyst({ store, taxonomy, batchRecords: 50 });
      // analyse while ingesting: batches meet the contiguous point part way, holes, gaps and all
      for (let i = 0; i < deliveries.length; i += 17) {
        await ingestAll(store, deliveries.slice(i, i + 17));
        await analyst.pass();
      }
      await analyst.catchUp();
      expect(analyst.lag).toBe(0);
      const live = await store.analytics().aggregateRows(taxonomy.fingerprint);
      const log: LogEntry[] = [];
      const brute = await bruteForceRows(store, taxonomy, 5000, undefined, log);
      expect(brute.length).toBeGreaterThan(20);
      expect(brute.some((r) => r.exposure_ms > 0) && brute.some((r) => r.handovers > 0) && brute.some((r) => r.no_go > 0)).toBe(true);
      expect(new Set(brute.map((r) => r.source))).toEqual(new Set(['field', 'simulation', 'replay', 'unspecified']));
      expect(sorted(live)).toEqual(sorted(brute));
      const bins = await store.analytics().histogramRows(taxonomy.fingerprint);
      expect(bins.some((b) => b.bin === -1) && bins.some((b) => b.feature === 'perception_confidence')).toBe(true);
      expect(binsSorted(bins)).toEqual(binsSorted(await bruteForceBins(store, taxonomy)));

      // the logs: every decision and handover record once, with the cell it happened in (null: none known)
      const verdicts = ['VERDICT_UNSPECIFIED', 'GO', 'NO_GO'];
      const phases = ['PHASE_UNSPECIFIED', 'REQUESTED', 'ACCEPTED', 'REJECTED', 'TIMED_OUT'];
      const handovers = await store.analytics().handovers(taxonomy.fingerprint);
      const decisions = await store.analytics().decisions(taxonomy.fingerprint);
      const fromStore = [
        ...decisions.map((d) => ({ kind: 'decision', deviceId: d.deviceId, seq: d.seq, cell: d.cell, source: d.source, what: String(verdicts.indexOf(d.verdict)) })),
        ...handovers.map((h) => ({ kind: 'handover', deviceId: h.deviceId, seq: h.seq, cell: h.cell, source: h.source, what: `${phases.indexOf(h.phase)} ${h.handoverId}` })),
      ];
      const byId = (x: { deviceId: string; seq: number }) => `${x.deviceId}|${String(x.seq).padStart(8, '0')}`;
      expect(fromStore.sort((a, b) => (byId(a) < byId(b) ? -1 : 1))).toEqual(log.sort((a, b) => (byId(a) < byId(b) ? -1 : 1)));
      expect(decisions.some((d) => d.cell === null) && decisions.some((d) => d.cell !== null)).toBe(true);
      expect(decisions[0].criteriaVersion).toBe('v1');

      const cursors = await store.analytics().cursors(taxonomy.fingerprint);
      const records = await analyst.reindex();
      expect(records).toBe(await store.countRecords());
      expect(sorted(await store.analytics().aggregateRows(taxonomy.fingerprint))).toEqual(sorted(live));
      expect(await store.analytics().cursors(taxonomy.fingerprint)).toEqual(cursors);
      expect(binsSorted(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binsSorted(bins));
      expect(await store.analytics().handovers(taxonomy.fingerprint)).toEqual(handovers);
      expect(await store.analytics().decisions(taxonomy.fingerprint)).toEqual(decisions);
    } finally {
      await store.close();
    }
  });

  it('counts nothing twice across a store closed and reopened part way, batch by batch', async () => {
    const path = join(tempDir(), 'hub.db');
    let store = await openSqliteStore(path);
    const { deliveries } = await fleet(store, 2);
    const half = Math.floor(deliveries.length / 2);
    await ingestAll(store, deliveries.slice(0, half));
    await new Analyst({ store, taxonomy, batchRecords: 7 }).pass();
    await store.close();

    store = await openSqliteStore(path);
    try {
      await ingestAll(store, deliveries.slice(half));
      const analyst = new Analyst({ store, taxonomy, batchRecords: 7 });
      await analyst.catchUp();
      expect(sorted(await store.analytics().aggregateRows(taxonomy.fingerprint))).toEqual(sorted(await bruteForceRows(store, taxonomy)));
      expect(binsSorted(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binsSorted(await bruteForceBins(store, taxonomy)));
    } finally {
      await store.close();
    }
  });

  it('rolls a batch back whole when it fails after moving the cursor (a crash mid-transaction)', async () => {
    const path = join(tempDir(), 'hub.db');
    const store = await openSqliteStore(path);
    try {
      const { deliveries } = await fleet(store, 3);
      await ingestAll(store, deliveries);
      const analyst = new Analyst({ store, taxonomy, batchRecords: 20 });
      await analyst.pass();
      // the batch moves the cursor first, then the aggregate insert fails: the cursor move must not survive
      const side = new Database(path);
      side.exec(`CREATE TRIGGER crash BEFORE INSERT ON analytics_cells BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
      const before = await store.analytics().cursors(taxonomy.fingerprint);
      const failed = await analyst.pass();
      expect(failed.failed.map((f) => f.deviceId).sort()).toEqual(['field-1', 'plain-1', 'sim-1']);
      expect(failed.failed[0].message).toMatch(/simulated crash/);
      await expect(analyst.catchUp()).rejects.toThrow(/analysis failed for device .*simulated crash/);
      expect(await store.analytics().cursors(taxonomy.fingerprint)).toEqual(before);
      side.exec('DROP TRIGGER crash');
      side.close();
      await analyst.catchUp();
      expect(sorted(await store.analytics().aggregateRows(taxonomy.fingerprint))).toEqual(sorted(await bruteForceRows(store, taxonomy)));
      expect(binsSorted(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binsSorted(await bruteForceBins(store, taxonomy)));
    } finally {
      await store.close();
    }
  });

  it('keeps a second analyst on the same cursor from committing a batch twice', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      const { deliveries } = await fleet(store, 4);
      await ingestAll(store, deliveries);
      const a = new Analyst({ store, taxonomy, batchRecords: 30 });
      const b = new Analyst({ store, taxonomy, batchRecords: 30 });
      await Promise.all([a.catchUp(), b.catchUp()]);
      expect(sorted(await store.analytics().aggregateRows(taxonomy.fingerprint))).toEqual(sorted(await bruteForceRows(store, taxonomy)));
      expect(binsSorted(await store.analytics().histogramRows(taxonomy.fingerprint))).toEqual(binsSorted(await bruteForceBins(store, taxonomy)));
    } finally {
      await store.close();
    }
  });
});
