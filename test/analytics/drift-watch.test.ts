// Band changes: the pure rule (stable until shown otherwise, no_data changes nothing), the drift_events table
// on a real SQLite file (the shared suite), and the watcher over it: each change recorded and logged once, across a restart too.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOddFile, type Taxonomy } from '../../config/odd-config.js';
import { emptyCursor } from '../../hub/analytics/analyst-fold.js';
import { bandChanges, bandKey, readingsOf, type Band, type BandReading } from '../../hub/analytics/drift-bands.js';
import { DriftWatch, type DriftWatchOptions } from '../../hub/analytics/drift-watch.js';
import type { Logger } from '../../hub/observability.js';
import type { HistogramBinRow, HubStore } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { driftEventsSuite } from './drift-events-suite.js';

const tempDir = useTempDirs('fieldproof-drift-watch-');
const taxonomy = loadOddFile();
const fp = taxonomy.fingerprint;
const lux = JSON.stringify(taxonomy.features.find((f) => f.name === 'lux')!.edges);
const T0 = Date.UTC(2026, 0, 5, 10);

const reading = (scope: string, feature: string, band: BandReading['band'], psi: number | null = band === 'no_data' ? null : 0.5): BandReading =>
  ({ scope, feature, band, psi, js: psi === null ? null : 0.3 });

describe('bandChanges', () => {
  it('a verdict unlike the band held is a change; none held is stable; no_data keeps what is held', () => {
    const held = new Map<string, Band>([[bandKey('fleet', 'lux'), 'significant'], [bandKey('ugv-1', 'lux'), 'moderate']]);
    expect(bandChanges(held, [
      reading('fleet', 'lux', 'significant'), reading('fleet', 'glare', 'stable'), reading('fleet', 'gnss_hdop', 'no_data'),
      reading('ugv-1', 'lux', 'no_data'), reading('ugv-2', 'lux', 'moderate', 0.15), reading('fleet', 'visibility_m', 'significant'),
    ])).toEqual([
      { scope: 'ugv-2', feature: 'lux', from_band: 'stable', to_band: 'moderate', psi: 0.15, js: 0.3 },
      { scope: 'fleet', feature: 'visibility_m', from_band: 'stable', to_band: 'significant', psi: 0.5, js: 0.3 },
    ]);
    expect(bandChanges(held, [reading('fleet', 'lux', 'stable', 0.01)])).toEqual([{ scope: 'fleet', feature: 'lux', from_band: 'significant', to_band: 'stable', psi: 0.01, js: 0.3 }]);
  });

  it('reads the fleet under "fleet" and each device under its id', () => {
    const r = { feature: 'lux', psi: 0.3, js: 0.2, band: 'significant' as const, baseline_n: 1, current_n: 1, baseline_missing: 0, current_missing: 0 };
    expect(readingsOf({ fleet: [r], devices: [{ device: 'ugv-1', features: [{ ...r, band: 'stable' }] }] }).map((x) => [x.scope, x.band]))
      .toEqual([['fleet', 'significant'], ['ugv-1', 'stable']]);
  });
});

driftEventsSuite('SQLite', async () => openSqliteStore(join(tempDir(), 'hub.db')));

/** Adds histogram rows for a device as the analyst would, moving its cursor by one seq. */
async function add(store: HubStore, deviceId: string, source: string, bins: Record<number, number>, bucketMs = T0): Promise<void> {
  const a = store.analytics();
  const cursor = (await a.cursors(fp)).find((c) => c.deviceId === deviceId);
  const rows: HistogramBinRow[] = Object.entries(bins).map(([bin, count]) => ({ deviceId, bucketMs, source, feature: 'lux', edges: lux, bin: Number(bin), count }));
  const ok = await a.apply(fp, cursor?.seq ?? null, { ...(cursor ?? emptyCursor(deviceId)), seq: (cursor?.seq ?? 0) + 1, source }, { cells: [], bins: rows });
  if (!ok) throw new Error('cursor moved');
}

function watcher(store: HubStore, t: Taxonomy = taxonomy, options: Partial<DriftWatchOptions> = {}) {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const gauge = new Map<string, number>();
  const log = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg })])) as unknown as Logger;
  const watch = new DriftWatch({ store, taxonomy: t, log, now: () => 42_000, metrics: { driftBand: { set: (l, v) => gauge.set(`${l.scope}/${l.feature}`, v) } }, ...options });
  return { watch, lines, gauge };
}

describe('DriftWatch', () => {
  it('records each band change once, logs it once, sets the gauge, and a restarted watcher records nothing twice', async () => {
    const path = join(tempDir(), 'hub.db');
    let store = await openSqliteStore(path);
    try {
      await add(store, 'sim-1', 'simulation', { 3: 50, 4: 50 });
      const first = watcher(store);
      // a baseline and no current yet: no verdict, nothing recorded
      expect(await first.watch.check()).toEqual([]);
      await add(store, 'ugv-1', 'field', { 7: 40 });
      expect((await first.watch.check()).map((c) => `${c.scope} ${c.from_band}->${c.to_band}`)).toEqual(['fleet stable->significant', 'ugv-1 stable->significant']);
      // nothing analysed since: the check is skipped
      expect(await first.watch.check()).toEqual([]);
      await add(store, 'ugv-1', 'field', { 7: 1 });
      expect(await first.watch.check()).toEqual([]);
      expect(first.watch.checks).toBe(3);
      expect(first.lines.map((l) => [l.level, l.msg])).toEqual([
        ['warn', 'drift band of lux (fleet) stable -> significant, PSI ' + (await store.analytics().driftEvents(fp, { scope: 'fleet' }))[0].psi.toFixed(3) + ' against source:simulation'],
        ['warn', expect.stringMatching(/^drift band of lux \(ugv-1\) stable -> significant, PSI \d+\.\d{3} against source:simulation$/)],
      ]);
      expect(first.lines[0].fields).toMatchObject({ scope: 'fleet', feature: 'lux', from: 'stable', to: 'significant', baseline: 'source:simulation' });
      expect(first.gauge.get('fleet/lux')).toBe(2);
      expect(first.gauge.get('ugv-1/lux')).toBe(2);
      expect([...first.gauge.keys()].filter((k) => !k.endsWith('/lux'))).toEqual([]);
      const events = await store.analytics().driftEvents(fp);
      expect(events.map((e) => [e.scope, e.feature, e.fromBand, e.toBand, e.baseline, e.timeMs])).toEqual([
        ['ugv-1', 'lux', 'stable', 'significant', 'source:simulation', 42_000], ['fleet', 'lux', 'stable', 'significant', 'source:simulation', 42_000],
      ]);
      expect(events.every((e) => e.psi >= 0.2 && e.js > 0)).toBe(true);

      // restart: a new watcher on the reopened store starts from the recorded bands
      await store.close();
      store = await openSqliteStore(path);
      const second = watcher(store);
      expect(await second.watch.check()).toEqual([]);
      expect(second.gauge.get('fleet/lux')).toBe(2);
      // the field comes back to the baseline's shares: one change back, per scope
      await add(store, 'ugv-1', 'field', { 3: 2000, 4: 2000 });
      await add(store, 'ugv-2', 'field', { 3: 10, 4: 10 });
      expect((await second.watch.check()).map((c) => `${c.scope} ${c.from_band}->${c.to_band}`)).toEqual(['fleet significant->stable', 'ugv-1 significant->stable']);
      expect(second.lines.map((l) => l.level)).toEqual(['info', 'info']);
      expect(second.gauge.get('ugv-2/lux')).toBe(0);
      expect((await store.analytics().driftEvents(fp)).length).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('a matrix baseline without a way to look its devices up fails each check, logged once; 0 s never checks', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      const matrixBaseline = { ...taxonomy, drift: { ...taxonomy.drift, baseline: { text: 'matrix:rain', matrix: 'rain' } } };
      await add(store, 'ugv-1', 'field', { 7: 40 });
      const once = watcher(store, matrixBaseline);
      await expect(once.watch.check()).rejects.toThrow('drift.baseline or drift.current names matrix:rain, and this hub cannot look up a matrix run\'s devices');
      // in the loop: every poke retries, the error is logged once
      let reads = 0;
      const counting = { analytics: () => new Proxy(store.analytics(), { get: (a, k) => (k === 'cursors' ? (reads++, a.cursors.bind(a)) : Reflect.get(a, k)) }) } as unknown as HubStore;
      const looped = watcher(counting, matrixBaseline, { minGapMs: 0 });
      looped.watch.start();
      for (let i = 0; i < 3; i++) {
        const before = reads;
        looped.watch.poke();
        await waitUntil(() => reads > before);
      }
      await looped.watch.stop();
      expect(looped.lines.map((l) => [l.level, l.msg, l.fields.err])).toEqual([['error', 'drift watch: check failed; retried on the next', expect.stringMatching(/names matrix:rain/)]]);
      // with the devices looked up, it checks
      const resolved = watcher(store, matrixBaseline, { matrixDevices: async () => new Set(['sim-9']) });
      expect(await resolved.watch.check()).toEqual([]);
      expect(resolved.watch.checks).toBe(1);
      const off = watcher(store, { ...taxonomy, drift: { ...taxonomy.drift, watch_every_s: 0 } });
      off.watch.start();
      off.watch.poke();
      await off.watch.stop();
      expect(off.watch.checks).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('checks on start and when poked, no more often than minGapMs, and stops cleanly mid-wait', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      await add(store, 'sim-1', 'simulation', { 3: 50, 4: 50 });
      const { watch, lines } = watcher(store, taxonomy, { minGapMs: 60_000, intervalMs: 3_600_000 });
      watch.start();
      await waitUntil(() => watch.checks === 1);
      await add(store, 'ugv-1', 'field', { 7: 40 });
      watch.poke();
      // the next check waits out the gap: none yet, and stop() ends the wait
      await new Promise((r) => setTimeout(r, 100));
      expect(watch.checks).toBe(1);
      const t = Date.now();
      await watch.stop();
      expect(Date.now() - t).toBeLessThan(1000);
      expect(watch.checks).toBe(1);
      expect((await store.analytics().driftEvents(fp)).length).toBe(0);
      expect(lines).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

async function waitUntil(ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
