// Planned versus achieved: hand-built matrix rows (met, missed, unplanned, unknown names, no samples) worked by
// hand, then a small matrix run through real agents and a hub, and coverage restricted to a matrix's devices.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultHubConfig } from '../../config/index.js';
import { parseMatrix } from '../../config/matrix-config.js';
import { loadOddFile } from '../../config/odd-config.js';
import { Analyst } from '../../hub/analytics/analyst.js';
import { classify } from '../../hub/analytics/classify.js';
import { coverageReport } from '../../hub/analytics/coverage-report.js';
import { matrixReport } from '../../hub/analytics/matrix-report.js';
import { performanceReport } from '../../hub/analytics/performance-report.js';
import { createLogger, Hub } from '../../hub/index.js';
import type { HubStore } from '../../hub/store/index.js';
import { openSqliteStore } from '../../hub/store/sqlite/open-sqlite.js';
import type { Body, Conditions } from '../../proto/index.js';
import { planMatrix, runMatrix } from '../../simulator/matrix/index.js';
import { runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { History, ingest, segmentsOf } from './analyst-world.js';
import { bootOf, type BootSpec } from './performance-brute.js';

const tempDir = useTempDirs('fieldproof-matrix-report-');
const taxonomy = loadOddFile();
const hubs: Hub[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop();
});

const WEATHER = { clear: { precipitation: 1, visibilityM: 8000 }, fog: { precipitation: 1, visibilityM: 500 } };
const LIGHTING = { day: { lux: 20000, glare: 0 }, dusk: { lux: 500, glare: 0 }, night: { lux: 0.5, glare: 0 } };

/** A sample in cell weather/lighting/low/occlusion/good. */
function sample(weather: keyof typeof WEATHER, lighting: keyof typeof LIGHTING, occlusion: 'none' | 'heavy'): { conditions: Conditions } {
  return {
    conditions: {
      sourceId: 'test', weather: WEATHER[weather], lighting: LIGHTING[lighting], vibration: { rmsX: 0.5, rmsY: 0.5, rmsZ: 1 },
      occlusion: { fraction: occlusion === 'none' ? 0.05 : 0.75 }, gnss: { fix: 3, hdop: 0.75 }, perceptionConfidence: 0.8,
    },
  };
}

async function device(store: HubStore, deviceId: string, seed: number, boot: BootSpec, samples: Body[]): Promise<void> {
  const k = await testKey(seed);
  await store.addDeviceKey(deviceId, k.keyId, k.publicKey);
  const h = new History(deviceId);
  const t0 = Date.UTC(2026, 0, 1, 10, 0);
  h.append(bootOf(boot), t0);
  samples.forEach((s, i) => h.append(s, t0 + 1000 * (i + 1)));
  await ingest(store, deviceId, segmentsOf(h, k, seed));
}

const sim = (rowId: string, plannedLevels?: Record<string, string>, matrixId = 'mx'): BootSpec => ({ source: 2, models: [], matrixId, rowId, plannedLevels });

describe('planned versus achieved, by hand', () => {
  it('reports each row\'s planned cell, achieved cells, share in plan and whether it met the plan', async () => {
    const store = await openSqliteStore(join(tempDir(), 'hub.db'));
    try {
      expect(classify(taxonomy, sample('fog', 'dusk', 'heavy').conditions).join('/')).toBe('fog/dusk/low/heavy/good');
      const fogHeavy = sample('fog', 'day', 'heavy');
      await device(store, 'mx-r01', 1, sim('r01', { weather: 'fog', occlusion: 'heavy' }), [fogHeavy, fogHeavy, fogHeavy, sample('clear', 'day', 'heavy')]);
      await device(store, 'mx-r02', 2, sim('r02', { weather: 'clear', lighting: 'night' }), [sample('clear', 'night', 'none'), ...Array(3).fill(sample('clear', 'dusk', 'none'))]);
      await device(store, 'mx-r03', 3, sim('r03'), [sample('clear', 'day', 'none'), sample('clear', 'day', 'none')]);
      await device(store, 'mx-r04', 4, sim('r04', { weather: 'tornado', gnss: 'good', bogus: 'x' }), [sample('clear', 'day', 'none'), sample('clear', 'day', 'none')]);
      await device(store, 'mx-r05', 5, sim('r05', { weather: 'fog' }), []);
      await device(store, 'other-r01', 6, sim('r01', { weather: 'fog' }, 'other'), Array(5).fill(fogHeavy));
      await device(store, 'field-1', 7, { source: 1, models: [] }, Array(5).fill(fogHeavy));
      await new Analyst({ store, taxonomy }).catchUp();

      const r = await matrixReport(store, taxonomy, 'mx');
      expect(r).toMatchObject({ matrix: 'mx', threshold: 0.5, lag: 0, taxonomy: { id: 'default', dimensions: ['weather', 'lighting', 'vibration', 'occlusion', 'gnss'] } });
      expect(r.rows.map((x) => [x.row_id, x.device, x.planned_cell, x.samples, x.samples_in_plan, x.share, x.met])).toEqual([
        ['r01', 'mx-r01', 'fog/*/*/heavy/*', 4, 3, 0.75, true],
        ['r02', 'mx-r02', 'clear/night/*/*/*', 4, 1, 0.25, false],
        ['r03', 'mx-r03', null, 2, 0, null, null],
        ['r04', 'mx-r04', 'tornado/*/*/*/good', 2, 0, 0, false],
        ['r05', 'mx-r05', 'fog/*/*/*/*', 0, 0, null, false],
      ]);
      const [r01, r02, r03, r04] = r.rows;
      expect(r01).toMatchObject({ scenario: 'mx/r01', mission_id: 'mission-r01', source: 'simulation', unknown_names: [] });
      expect(r01.planned).toEqual({ weather: 'fog', lighting: '*', vibration: '*', occlusion: 'heavy', gnss: '*' });
      // samples a second apart: each exposed until the next, the last still open
      expect(r01.achieved).toEqual([
        { key: 'fog/day/low/heavy/good', samples: 3, exposure_ms: 3000, planned: true },
        { key: 'clear/day/low/heavy/good', samples: 1, exposure_ms: 0, planned: false },
      ]);
      expect(r01.by_dimension).toEqual([
        { dimension: 'weather', planned: 'fog', share: 0.75, measured: { fog: 3, clear: 1 } },
        { dimension: 'occlusion', planned: 'heavy', share: 1, measured: { heavy: 4 } },
      ]);
      expect(r02.by_dimension.map((d) => [d.dimension, d.share])).toEqual([['weather', 1], ['lighting', 0.25]]);
      expect(r03).toMatchObject({ planned: null, by_dimension: [] });
      expect(r04.unknown_names).toEqual(['bogus', 'weather=tornado']);
      expect(r.totals).toEqual({ rows: 5, planned: 4, met: 1, not_met: 3, samples: 10, samples_in_plan: 4, share: 0.4 });

      expect((await matrixReport(store, taxonomy, 'mx', { threshold: 0.25 })).totals.met).toBe(2);
      await expect(matrixReport(store, taxonomy, 'mx', { threshold: 2 })).rejects.toThrow('threshold must be a share from 0 to 1, got 2');
      expect((await matrixReport(store, taxonomy, 'none')).rows).toEqual([]);

      // coverage over the matrix's devices alone
      const all = await coverageReport(store, taxonomy);
      const mx = await coverageReport(store, taxonomy, { matrixId: 'mx' });
      expect([all.totals.all.samples, mx.totals.all.samples, mx.matrix, all.matrix]).toEqual([22, 12, 'mx', null]);
      expect((await coverageReport(store, taxonomy, { matrixId: 'mx', deviceId: 'mx-r01' })).totals.all.samples).toBe(4);
      expect((await coverageReport(store, taxonomy, { matrixId: 'nope' })).totals.all.samples).toBe(0);
    } finally {
      await store.close();
    }
  });
});

const MATRIX = `id: tiny
seed: 5
ramp_s: 4
base:
  duration_s: 14
  rate_hz: 10
  decision_hz: 2
  risk_level: medium
  operator: { reaction_s: 0.5 }
dimensions:
  weather: [clear, fog]
  occlusion: [none, heavy]
`;

describe('planned versus achieved for a matrix run', () => {
  it('takes each row\'s plan from its agent\'s Boot and sets it against the samples the hub analysed', async () => {
    const dir = tempDir();
    const config = defaultHubConfig(dir);
    config.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
    config.store.path = join(dir, 'hub.db');
    const hub = await Hub.start(config, { logger: createLogger('silent'), key: await testKey(77) });
    hubs.push(hub);
    const link = {
      mqttUrl: hub.mqttUrl, protocolVersion: 4 as const, hubPublicKeys: [hub.key.publicKey],
      register: async (id: string, key: { keyId: string; publicKey: Uint8Array }, label: string) => void (await hub.store.addDeviceKey(id, key.keyId, key.publicKey, label)),
    };
    const plan = planMatrix(parseMatrix('tiny.yaml', MATRIX));
    const results = await runMatrix({ plan, dir, hub: link, parallel: 2 });
    expect(results.every((x) => x.drained)).toBe(true);
    await new Analyst({ store: hub.store, taxonomy }).catchUp();

    const r = await matrixReport(hub.store, taxonomy, 'tiny');
    expect(r.rows.map((x) => [x.row_id, x.device, x.planned_cell])).toEqual(results.map((x) => [x.row.id, x.deviceId, `${x.row.levels.weather}/*/*/${x.row.levels.occlusion}/*`]));
    for (const row of r.rows) {
      const cells = await hub.store.analytics().cellTotals(taxonomy.fingerprint, { deviceId: row.device });
      expect(row.samples).toBe(cells.reduce((s, c) => s + c.samples, 0));
      expect(row.samples).toBeGreaterThan(100);
      expect(row.share).toBeGreaterThanOrEqual(0);
    }
    // the clear, clean row ramps from the neutral start it already is: every sample in plan
    const clean = r.rows.find((x) => x.planned_cell === 'clear/*/*/none/*')!;
    expect(clean).toMatchObject({ share: 1, met: true });
    expect(r.totals).toMatchObject({ rows: 4, planned: 4 });

    const coverage = await coverageReport(hub.store, taxonomy, { matrixId: 'tiny' });
    expect(coverage.totals.all.samples).toBe(r.totals.samples);
    expect(coverage.totals.simulation.samples).toBe(r.totals.samples);
    const performance = await performanceReport(hub.store, taxonomy, { matrixId: 'tiny' });
    expect(performance.models.map((m) => m.model)).toEqual(['sim-perception@1']);
    expect(performance.whole.decisions).toBeGreaterThan(0);
    expect(performance.whole.confidence.n).toBe(r.totals.samples);

    // the same through the CLI, reading the store the hub writes
    const cli = await runCli(['report', 'coverage', '--store', config.store.path, '--matrix', 'tiny']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`planned vs achieved for matrix tiny: ${r.totals.met} of 4 rows met their plan`);
    expect(cli.stdout).toMatch(/^\S+ +\S+ +clear\/\*\/\*\/none\/\* +\d+ +100\.0% +yes/m);
    const json = JSON.parse((await runCli(['report', 'coverage', '--store', config.store.path, '--matrix', 'tiny', '--json'])).stdout);
    expect(json.planned_vs_achieved.totals).toEqual(JSON.parse(JSON.stringify(r.totals)));
  });
});
