// The drift_events contract, run on every hub store (SQLite here, PostgreSQL in test/integration): a change is
// recorded only from the band last recorded, listed newest first with filters, and kept across a reset.
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/odd-config.js';
import type { HubStore } from '../../hub/store/index.js';

const fp = loadOddFile().fingerprint;

export function driftEventsSuite(backend: string, open: () => Promise<HubStore>): void {
  describe(`drift_events on ${backend}`, () => {
    it('records a change only from the band last recorded, lists newest first with filters, and keeps the last band', async () => {
      const store = await open();
      try {
        const a = store.analytics();
        const e = (scope: string, fromBand: string, toBand: string, timeMs: number) => ({ scope, feature: 'lux', fromBand, toBand, psi: 0.25, js: 0.2, baseline: 'source:simulation', timeMs });
        expect(await a.recordDriftEvents(fp, [e('fleet', 'stable', 'significant', 1000), e('ugv-1', 'stable', 'moderate', 1000)], 'stable')).toHaveLength(2);
        // a second watcher that saw the same change records nothing; one from the wrong band neither
        expect(await a.recordDriftEvents(fp, [e('fleet', 'stable', 'significant', 1001), e('ugv-1', 'significant', 'stable', 1001)], 'stable')).toEqual([]);
        expect(await a.recordDriftEvents(fp, [e('fleet', 'significant', 'stable', 2000)], 'stable')).toHaveLength(1);
        expect(await a.recordDriftEvents('other-taxonomy', [e('fleet', 'stable', 'moderate', 2000)], 'stable')).toHaveLength(1);
        expect(await a.lastDriftBands(fp)).toEqual([{ scope: 'fleet', feature: 'lux', band: 'stable' }, { scope: 'ugv-1', feature: 'lux', band: 'moderate' }]);
        const all = await a.driftEvents(fp);
        expect(all.map((x) => [x.scope, x.fromBand, x.toBand, x.timeMs])).toEqual([['fleet', 'significant', 'stable', 2000], ['ugv-1', 'stable', 'moderate', 1000], ['fleet', 'stable', 'significant', 1000]]);
        expect(all[0]).toEqual({ id: expect.any(Number), scope: 'fleet', feature: 'lux', fromBand: 'significant', toBand: 'stable', psi: 0.25, js: 0.2, baseline: 'source:simulation', timeMs: 2000 });
        expect((await a.driftEvents(fp, { scope: 'fleet' })).length).toBe(2);
        expect((await a.driftEvents(fp, { sinceMs: 1500 })).map((x) => x.timeMs)).toEqual([2000]);
        expect((await a.driftEvents(fp, { untilMs: 1500 })).length).toBe(2);
        expect((await a.driftEvents(fp, { limit: 1 })).map((x) => x.timeMs)).toEqual([2000]);
        // a rebuild of the aggregates keeps what the hub saw
        await a.reset();
        expect((await a.driftEvents(fp)).length).toBe(3);
      } finally {
        await store.close();
      }
    });
  });
}
