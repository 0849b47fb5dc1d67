// `fieldproof hub reindex` and `fieldproof report coverage|drift|handovers|decisions|devices` through the real
// CLI on a store the analyst filled: the reindex leaves the live figures unchanged, tables print, --json parses.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst } from '../../hub/analytics/analyst.js';
import type { CellAggregateRow } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import { runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { ingest, randomHistory, segmentsOf } from './analyst-world.js';

const tempDir = useTempDirs('fieldproof-report-');
const taxonomy = loadOddFile();
let path = '';
let live: CellAggregateRow[] = [];

beforeAll(async () => {
  path = join(tempDir(), 'hub.db');
  const store = await openSqliteStore(path);
  for (const [deviceId, seed, sources] of [['ugv-1', 11, [1, 1]], ['sim-1', 12, [2, 2]]] as const) {
    const key = await testKey(seed);
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey);
    const { history, evicted } = randomHistory(deviceId, seed, 400, [...sources]);
    await ingest(store, deviceId, segmentsOf(history, key, seed, evicted));
  }
  await new Analyst({ store, taxonomy }).catchUp();
  live = await store.analytics().aggregateRows(taxonomy.fingerprint);
  await store.close();
});

describe('report and reindex CLI', () => {
  it('hub reindex rebuilds the same aggregates the live analyst made', async () => {
    const r = await runCli(['hub', 'reindex', '--store', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^reindexed \\d+ records under taxonomy default \\(${taxonomy.fingerprint}\\)`));
    const store = await openSqliteStore(path);
    try {
      expect(await store.analytics().aggregateRows(taxonomy.fingerprint)).toEqual(live);
    } finally {
      await store.close();
    }
  });

  it('report coverage prints a table per source and the uncovered pairs', async () => {
    const r = await runCli(['report', 'coverage', '--store', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`coverage under taxonomy default (${taxonomy.fingerprint}), every device`);
    expect(r.stdout).toMatch(/^evidence +samples +exposure/m);
    expect(r.stdout).toMatch(/^all +\d+/m);
    expect(r.stdout).toMatch(/^field +\d+/m);
    expect(r.stdout).toMatch(/^simulation +\d+/m);
    expect(r.stdout).toMatch(/^uncovered pairs: \d+/m);
    expect(r.stdout).toMatch(/^cells seen: \d+/m);
  });

  it('report coverage --json parses and agrees with the aggregates', async () => {
    const r = await runCli(['report', 'coverage', '--store', path, '--device', 'ugv-1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.device).toBe('ugv-1');
    expect(j.lag).toBe(0);
    const mine = live.filter((x) => x.deviceId === 'ugv-1');
    expect(j.totals.all.samples).toBe(mine.reduce((s, x) => s + x.samples, 0));
    expect(j.totals.field.exposure_ms).toBe(mine.filter((x) => x.source === 'field').reduce((s, x) => s + x.exposure_ms, 0));
    expect(j.totals.simulation.samples).toBe(0);
    expect(j.coverage.map((c: { sources: string }) => c.sources)).toEqual(['all', 'field']);
    expect(j.coverage[0].t2.covered).toBeGreaterThan(0);
    expect(j.coverage[0].t2.covered + j.uncovered_pairs_total).toBe(j.coverage[0].t2.valid);
  });

  it('report coverage --grid prints samples per level pair; --since and --until pick whole hours', async () => {
    const r = await runCli(['report', 'coverage', '--store', path, '--grid', 'weather,lighting']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^weather \\ lighting +day +dusk +night +glare +unknown$/m);
    expect(r.stdout).toMatch(/^sleet +- +- +- +- +-$/m);
    const hours = [...new Set(live.map((x) => x.bucketMs))].sort((a, b) => a - b);
    expect(hours.length).toBeGreaterThan(1);
    const since = await runCli(['report', 'coverage', '--store', path, '--since', new Date(hours[1]).toISOString(), '--until', String(hours[1] + 3_600_000), '--json']);
    expect(JSON.parse(since.stdout).totals.all.samples).toBe(live.filter((x) => x.bucketMs === hours[1]).reduce((s, x) => s + x.samples, 0));
    const bad = await runCli(['report', 'coverage', '--store', path, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: expected an ISO 8601 time');
    const grid = await runCli(['report', 'coverage', '--store', path, '--grid', 'weather']);
    expect(grid.stderr).toContain('--grid: expected two of weather, lighting');
  });

  it('report handovers lists the log with latencies from the request; filters by phase; prints a table', async () => {
    const log = JSON.parse((await runCli(['report', 'handovers', '--store', path, '--json'])).stdout);
    const all = log.rows;
    expect(log.total).toBe(all.length);
    expect(all.length).toBeGreaterThan(4);
    expect(new Set(all.map((h: { phase: string }) => h.phase))).toEqual(new Set(['REQUESTED', 'ACCEPTED', 'REJECTED']));
    // the world answers every request 300 ms later under the same id
    for (const h of all) expect(h.latencyMs).toBe(h.phase === 'REQUESTED' ? null : 300);
    const accepted = JSON.parse((await runCli(['report', 'handovers', '--store', path, '--json', '--phase', 'accepted', '--device', 'ugv-1'])).stdout).rows;
    expect(accepted.length).toBe(all.filter((h: { phase: string; deviceId: string }) => h.phase === 'ACCEPTED' && h.deviceId === 'ugv-1').length);
    expect(accepted.length).toBe(live.filter((x) => x.deviceId === 'ugv-1').reduce((n, x) => n + x.handovers, 0));
    const text = await runCli(['report', 'handovers', '--store', path]);
    expect(text.stdout).toMatch(/^device +time +seq +id +phase/);
  });

  it('report decisions sums no-go by criterion and cell, and names the criteria versions', async () => {
    const j = JSON.parse((await runCli(['report', 'decisions', '--store', path, '--json'])).stdout);
    expect(j.go).toBe(live.reduce((n, x) => n + x.go, 0));
    expect(j.no_go).toBe(live.reduce((n, x) => n + x.no_go, 0));
    expect(Object.values(j.no_go_by_cell as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(j.no_go);
    expect(j.criteria_versions.map((v: { device: string; version: string }) => `${v.device} ${v.version}`).sort()).toEqual(['sim-1 v1', 'ugv-1 v1']);
    const text = await runCli(['report', 'decisions', '--store', path]);
    expect(text.stdout).toMatch(new RegExp(`^${j.decisions} decisions: ${j.go} go, ${j.no_go} no-go$`, 'm'));
  });

  it('report drift compares field with simulation per feature, as a table and as JSON', async () => {
    const j = JSON.parse((await runCli(['report', 'drift', '--store', path, '--json'])).stdout);
    expect(j.fleet.map((f: { feature: string }) => f.feature)).toEqual(taxonomy.features.map((f) => f.name));
    const lux = j.fleet.find((f: { feature: string }) => f.feature === 'lux');
    const samples = (source: string) => live.filter((x) => x.source === source).reduce((n, x) => n + x.samples, 0);
    expect(lux.baseline_n + lux.baseline_missing).toBe(samples('simulation'));
    expect(lux.current_n + lux.current_missing).toBe(samples('field'));
    expect(j.devices.map((d: { device: string }) => d.device)).toEqual(['ugv-1']);
    const text = await runCli(['report', 'drift', '--store', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^lux +(stable|moderate|significant) +\d\.\d{3}/m);
  });

  it('report devices lists each device, as a table and as JSON', async () => {
    const text = await runCli(['report', 'devices', '--store', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ugv-1 /m);
    const r = await runCli(['report', 'devices', '--store', path, '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.map((d: { device: string }) => d.device).sort()).toEqual(['sim-1', 'ugv-1']);
    expect(j[0].holes).toEqual([]);
    expect(j[0].keys).toHaveLength(1);
  });

  it('report drift takes baseline and current selections, names a bad one, and lists recorded band changes', async () => {
    const hours = [...new Set(live.map((x) => x.bucketMs))].sort((a, b) => a - b);
    const t = new Date(hours[1]).toISOString();
    const j = JSON.parse((await runCli(['report', 'drift', '--store', path, '--json', '--baseline', `window:..${t}`, '--current', 'all'])).stdout);
    const lux = j.fleet.find((f: { feature: string }) => f.feature === 'lux');
    const samples = (keep: (b: number) => boolean) => live.filter((x) => keep(x.bucketMs)).reduce((n, x) => n + x.samples, 0);
    expect(lux.baseline_n + lux.baseline_missing).toBe(samples((b) => b < hours[1]));
    expect(lux.current_n + lux.current_missing).toBe(samples((b) => b >= hours[1]));
    const bad = await runCli(['report', 'drift', '--store', path, '--baseline', 'source:moon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--baseline: .*moon/);
    const events = await runCli(['report', 'drift', '--store', path, '--events']);
    expect(events.stdout).toBe('no drift band changes recorded\n');
  });

  it('report performance prints the whole and each cell, JSON agreeing with the decisions analysed', async () => {
    const j = JSON.parse((await runCli(['report', 'performance', '--store', path, '--json'])).stdout);
    expect(j.whole.decisions).toBe(live.reduce((n, x) => n + x.go + x.no_go, 0));
    expect(j.whole.no_go).toBe(live.reduce((n, x) => n + x.no_go, 0));
    const text = await runCli(['report', 'performance', '--store', path]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^whole: \\d+ samples, confidence mean .*, ${j.whole.decisions} decisions`, 'm'));
    const bad = await runCli(['report', 'performance', '--store', path, '--source', 'moon']);
    expect(bad.stderr).toContain('--source: expected one of field, simulation, replay, unspecified, got "moon"');
    const matrix = await runCli(['report', 'coverage', '--store', path, '--matrix', 'rain-sweep']);
    expect(matrix.stderr).toContain('--matrix: no device\'s Boot named matrix "rain-sweep" in this store');
  });
});
