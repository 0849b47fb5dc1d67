// driftReport over histogram rows: the fleet and per-device figures against hand-built rows and compareHistograms,
// rows under other edges left out, and unmeasured samples counted apart.
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import { compareHistograms, emptyHistogram } from '../../hub/analytics/index.js';
import { driftReport } from '../../hub/analytics/drift-report.js';
import type { HistogramBinRow } from '../../hub/store/index.js';

const taxonomy = loadOddFile();
const lux = taxonomy.features.find((f) => f.name === 'lux')!;
const edges = JSON.stringify(lux.edges);
const row = (deviceId: string, source: string, bin: number, count: number, e = edges): HistogramBinRow =>
  ({ deviceId, bucketMs: 0, source, feature: 'lux', edges: e, bin, count });

describe('driftReport', () => {
  const rows = [
    row('sim-a', 'simulation', 2, 50), row('sim-a', 'simulation', 3, 50), row('sim-a', 'simulation', -1, 7),
    row('ugv-1', 'field', 2, 48), row('ugv-1', 'field', 3, 52),
    row('ugv-2', 'field', 7, 90), row('ugv-2', 'field', 2, 10), row('ugv-2', 'field', -1, 3),
    // counted under other edges: never mixed in
    row('ugv-2', 'field', 0, 1000, '[1,2]'),
  ];
  const r = driftReport(taxonomy, rows, { baseline: (x) => x.source === 'simulation', current: (x) => x.source === 'field' });
  const hist = (counts: Record<number, number>, missing = 0) => {
    const h = emptyHistogram(lux);
    for (const [bin, n] of Object.entries(counts)) h.counts[Number(bin)] = n;
    h.missing = missing;
    return h;
  };

  it('compares the fleet\'s current samples with the baseline, per feature', () => {
    const fleet = r.fleet.find((f) => f.feature === 'lux')!;
    expect(fleet).toEqual(compareHistograms(hist({ 2: 50, 3: 50 }, 7), hist({ 2: 58, 3: 52, 7: 90 }, 3), taxonomy.drift));
    expect(fleet.band).toBe('significant');
    expect(fleet.baseline_missing).toBe(7);
    expect(fleet.current_missing).toBe(3);
    // features with no rows at all have no data on either side
    expect(r.fleet.find((f) => f.feature === 'glare')!.band).toBe('no_data');
  });

  it('compares each device\'s current samples with the fleet\'s baseline', () => {
    expect(r.devices.map((d) => d.device)).toEqual(['ugv-1', 'ugv-2']);
    const one = r.devices[0].features.find((f) => f.feature === 'lux')!;
    expect(one.band).toBe('stable');
    expect(one.psi!).toBeCloseTo(compareHistograms(hist({ 2: 50, 3: 50 }), hist({ 2: 48, 3: 52 })).psi!, 12);
    expect(r.devices[1].features.find((f) => f.feature === 'lux')!.band).toBe('significant');
  });
});
