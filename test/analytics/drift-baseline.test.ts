// Drift selections: the grammar and its errors (each naming the flag and showing the forms), and driftFor over
// hand-built rows: first-days with a gap, matrix runs, a current that starts at the baseline's end, and edge cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultOddFile, loadOddFile, parseOdd } from '../../config/odd-config.js';
import { psi, jsDistance, SOURCES } from '../../hub/analytics/index.js';
import {
  DriftSpecError, driftFor, matrixIdsOf, type DriftForReport, parseDriftSelection, resolveSelection, SPEC_SOURCES, withinWindow,
} from '../../hub/analytics/drift-baseline.js';
import type { HistogramBinRow } from '../../hub/store/index.js';

const taxonomy = loadOddFile();
const lux = JSON.stringify(taxonomy.features.find((f) => f.name === 'lux')!.edges);
const glare = JSON.stringify(taxonomy.features.find((f) => f.name === 'glare')!.edges);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 10);
const row = (deviceId: string, source: string, bucketMs: number, bin: number, count: number, feature = 'lux', edges = lux): HistogramBinRow =>
  ({ deviceId, bucketMs, source, feature, edges, bin, count });
const luxOf = (r: DriftForReport) => r.fleet.find((f) => f.feature === 'lux')!;

describe('parseDriftSelection', () => {
  it('reads each term, in any order, into a canonical text', () => {
    expect(parseDriftSelection('source:simulation')).toEqual({ text: 'source:simulation', source: 'simulation' });
    expect(parseDriftSelection(' window:2025-12-31..2026-01-01T12:00+02:00 , source:field ')).toEqual({
      text: 'source:field,window:2025-12-31T00:00:00.000Z..2026-01-01T10:00:00.000Z', source: 'field',
      window: { sinceMs: Date.UTC(2025, 11, 31), untilMs: Date.UTC(2026, 0, 1, 10) },
    });
    expect(parseDriftSelection('window:..1767225600000')).toMatchObject({ window: { untilMs: 1767225600000 }, text: 'window:..2026-01-01T00:00:00.000Z' });
    expect(parseDriftSelection('first-days:7,source:field')).toEqual({ text: 'source:field,first-days:7', source: 'field', firstDays: 7 });
    expect(parseDriftSelection('matrix:rain-sweep.v2')).toEqual({ text: 'matrix:rain-sweep.v2', matrix: 'rain-sweep.v2' });
    expect(parseDriftSelection('all')).toEqual({ text: 'all' });
    // the canonical text parses to the same selection
    const s = parseDriftSelection('matrix:m1,window:2026-01-01..,source:replay,first-days:3');
    expect(parseDriftSelection(s.text)).toEqual(s);
    expect([...SPEC_SOURCES]).toEqual([...SOURCES]);
  });

  it('refuses what it cannot read, naming the flag and showing the forms', () => {
    const error = (text: string, param = '--baseline') => {
      try {
        parseDriftSelection(text, param);
      } catch (err) {
        expect(err).toBeInstanceOf(DriftSpecError);
        expect((err as DriftSpecError).code).toBe('BAD_DRIFT_SPEC');
        expect((err as Error).message).toContain(`${param}: `);
        expect((err as Error).message).toContain('expected source:<field|simulation|replay|unspecified>, window:<ISO>..<ISO>');
        return (err as DriftSpecError).detail;
      }
      throw new Error(`"${text}" parsed`);
    };
    expect(error('')).toMatch(/^empty selection in ""/);
    expect(error('sim')).toMatch(/^unknown term "sim" in "sim"/);
    expect(error('source:sim', 'baseline')).toMatch(/^unknown source "sim"/);
    expect(error('source')).toMatch(/"source" needs a value after ":"/);
    expect(error('source:field,source:simulation')).toMatch(/"source" given twice/);
    expect(error('all,source:field')).toMatch(/"all" cannot be combined/);
    expect(error('window:2026-01-01')).toMatch(/window needs two times joined by "\.\.", got "2026-01-01"/);
    expect(error('window:..')).toMatch(/window needs at least one end/);
    expect(error('window:2026-02-30..2026-03-01')).toMatch(/"2026-02-30" is not an ISO 8601 date or time with a zone/);
    expect(error('window:2026-01-01T10:00..2026-01-02')).toMatch(/"2026-01-01T10:00" is not an ISO 8601 date or time with a zone \(2026-01-31, 2026-01-31T12:00Z\)/);
    expect(error('window:yesterday..today')).toMatch(/"yesterday" is not/);
    expect(error('window:2026-01-02..2026-01-01')).toMatch(/window must end after it starts \(2026-01-02T00:00:00.000Z is not before 2026-01-01T00:00:00.000Z\)/);
    expect(error('first-days:0')).toMatch(/first-days needs a whole number of days from 1 to 36500, got "0"/);
    expect(error('first-days:1.5')).toMatch(/got "1\.5"/);
    expect(error('matrix:a/b', '--current')).toMatch(/matrix id "a\/b" is not a valid id/);
  });

  it('narrows to --since/--until by intersecting with its own window', () => {
    const s = parseDriftSelection('source:field,window:2026-01-01..2026-01-10');
    expect(withinWindow(s)).toBe(s);
    expect(withinWindow(s, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 20))).toMatchObject({
      window: { sinceMs: Date.UTC(2026, 0, 5), untilMs: Date.UTC(2026, 0, 10) }, text: 'source:field,window:2026-01-05T00:00:00.000Z..2026-01-10T00:00:00.000Z',
    });
    expect(withinWindow(parseDriftSelection('source:field'), undefined, Date.UTC(2026, 0, 2)).text).toBe('source:field,window:..2026-01-02T00:00:00.000Z');
  });
});

describe('resolveSelection', () => {
  it('first-days counts calendar days from the first bucket of the whole selection, gaps included', () => {
    const rows = [
      row('sim-1', 'simulation', T0 - 5 * DAY, 2, 9),
      row('ugv-1', 'field', T0, 2, 1), row('ugv-2', 'field', T0 + 2 * DAY, 3, 1),
      // nothing for a week, then: outside the first 3 days though only the third day with data
      row('ugv-1', 'field', T0 + 10 * DAY, 4, 1), row('ugv-1', 'field', T0 + 3 * DAY, 4, 1),
    ];
    const s = resolveSelection(parseDriftSelection('source:field,first-days:3'), rows);
    expect(rows.filter(s.includes).map((r) => r.bucketMs)).toEqual([T0, T0 + 2 * DAY]);
    expect(s.info).toEqual({
      spec: 'source:field,first-days:3', description: `field samples in the first 3 day(s) from ${new Date(T0).toISOString()} to ${new Date(T0 + 3 * DAY).toISOString()}`,
      source: 'field', since_ms: T0, until_ms: T0 + 3 * DAY, devices: null,
    });
    // over every source, the simulation row five days earlier starts it
    expect(resolveSelection(parseDriftSelection('first-days:1'), rows).info.since_ms).toBe(T0 - 5 * DAY);
    // within a window: the first bucket inside it
    expect(resolveSelection(parseDriftSelection('first-days:1,window:2026-01-02..'), rows).info.since_ms).toBe(T0 + 2 * DAY);
    const none = resolveSelection(parseDriftSelection('source:replay,first-days:3'), rows);
    expect(rows.some(none.includes)).toBe(false);
    expect(none.info.description).toBe('replay samples in the first 3 day(s) (none yet)');
  });

  it('a matrix run is the devices the caller looked up; not looked up is an error naming the side', () => {
    const rows = [row('sim-1', 'simulation', T0, 2, 1), row('sim-2', 'simulation', T0, 2, 1), row('ugv-1', 'field', T0, 2, 1)];
    const spec = parseDriftSelection('matrix:rain');
    expect(matrixIdsOf(spec, parseDriftSelection('source:field'), spec)).toEqual(['rain']);
    const s = resolveSelection(spec, rows, { matrixDevices: new Map([['rain', new Set(['sim-2', 'sim-1'])]]) });
    expect(rows.filter(s.includes).map((r) => r.deviceId)).toEqual(['sim-1', 'sim-2']);
    expect(s.info).toMatchObject({ devices: ['sim-1', 'sim-2'], description: 'every sample of the 2 device(s) of matrix rain' });
    expect(() => resolveSelection(spec, rows, {}, 'baseline')).toThrow(/^baseline: matrix:rain: the devices of that run are not known/);
  });
});

describe('driftFor', () => {
  it('defaults to field samples against the baseline, and says what each side took', () => {
    const rows = [row('sim-1', 'simulation', T0, 2, 50), row('sim-1', 'simulation', T0, 3, 50), row('ugv-1', 'field', T0 + DAY, 2, 90), row('ugv-1', 'field', T0 + DAY, 3, 10)];
    const r = driftFor(taxonomy, rows, parseDriftSelection('source:simulation'));
    expect(Object.keys(r)).toEqual(['taxonomy', 'thresholds', 'baseline', 'current', 'fleet', 'devices']);
    expect(r.thresholds).toEqual({ psi_moderate: 0.1, psi_significant: 0.2, smoothing: 0.5 });
    expect(r.baseline).toEqual({ spec: 'source:simulation', description: 'simulation samples', source: 'simulation', since_ms: null, until_ms: null, devices: null });
    expect(r.current.spec).toBe('source:field');
    expect(luxOf(r).psi).toBeCloseTo(psi([50, 50], [90, 10]), 12);
    expect(r.devices.map((d) => d.device)).toEqual(['ugv-1']);
  });

  it('a baseline that ends: the current starts at its end unless it has a window of its own', () => {
    const rows = [row('ugv-1', 'field', T0, 2, 10), row('ugv-1', 'field', T0 + DAY, 2, 10), row('ugv-1', 'field', T0 + 8 * DAY, 5, 10)];
    const r = driftFor(taxonomy, rows, 'source:field,first-days:7', 'source:field');
    expect(r.current).toMatchObject({ since_ms: T0 + 7 * DAY, until_ms: null, spec: `source:field,window:${new Date(T0 + 7 * DAY).toISOString()}..` });
    expect(r.current.description).toMatch(/\(from the baseline's end\)$/);
    expect([luxOf(r).baseline_n, luxOf(r).current_n, luxOf(r).band]).toEqual([20, 10, 'significant']);
    // an explicit window overlaps as asked
    const all = driftFor(taxonomy, rows, 'source:field,first-days:7', withinWindow(parseDriftSelection('source:field'), T0));
    expect(luxOf(all).current_n).toBe(30);
    // a baseline with no end leaves the current alone
    expect(driftFor(taxonomy, rows, 'window:2026-01-01..', 'source:field').current.since_ms).toBeNull();
  });

  it('identical shares give PSI 0 and JS 0 whatever the counts; one bin likewise', () => {
    const rows = [
      row('sim-1', 'simulation', T0, 1, 3), row('sim-1', 'simulation', T0, 4, 7), row('ugv-1', 'field', T0, 1, 30), row('ugv-1', 'field', T0, 4, 70),
      row('sim-1', 'simulation', T0, 0, 5, 'glare', glare), row('ugv-1', 'field', T0, 0, 70, 'glare', glare),
    ];
    const r = driftFor(taxonomy, rows, 'source:simulation', 'source:field');
    expect(luxOf(r)).toMatchObject({ psi: 0, js: 0, band: 'stable' });
    expect(r.fleet.find((f) => f.feature === 'glare')).toMatchObject({ psi: 0, js: 0, band: 'stable', baseline_n: 5, current_n: 70 });
  });

  it('smooths a bin empty on one side only, and only then', () => {
    const rows = [row('sim-1', 'simulation', T0, 2, 10), row('ugv-1', 'field', T0, 2, 5), row('ugv-1', 'field', T0, 3, 5)];
    const f = luxOf(driftFor(taxonomy, rows, 'source:simulation', 'source:field'));
    // (10.5, 0.5)/11 against (5.5, 5.5)/11, with Jeffreys' 0.5: finite, and large
    expect(f.psi).toBeCloseTo(1.383874, 6);
    expect(f.js).toBeCloseTo(jsDistance([10, 0], [5, 5]), 12);
    expect(f.band).toBe('significant');
    // a taxonomy's own smoothing is used
    const coarse = parseOdd('smoothing-2.yaml', readFileSync(defaultOddFile(), 'utf8').replace('smoothing: 0.5', 'smoothing: 2'));
    expect(luxOf(driftFor(coarse, rows, 'source:simulation', 'source:field')).psi).toBeCloseTo(psi([10, 0], [5, 5], 2), 12);
  });

  it('an empty baseline, or a feature never measured, has no data: null figures, missing counted apart', () => {
    const rows = [row('ugv-1', 'field', T0, 2, 10), row('ugv-1', 'field', T0, -1, 4, 'glare', glare), row('sim-1', 'simulation', T0, -1, 6, 'glare', glare)];
    const r = driftFor(taxonomy, rows, 'source:replay', 'source:field');
    expect(luxOf(r)).toEqual({ feature: 'lux', psi: null, js: null, band: 'no_data', baseline_n: 0, current_n: 10, baseline_missing: 0, current_missing: 0 });
    const unmeasured = driftFor(taxonomy, rows, 'source:simulation', 'source:field').fleet.find((f) => f.feature === 'glare');
    expect(unmeasured).toMatchObject({ band: 'no_data', psi: null, baseline_n: 0, current_n: 0, baseline_missing: 6, current_missing: 4 });
    expect(driftFor(taxonomy, [], 'first-days:3', 'source:field').fleet.every((f) => f.band === 'no_data')).toBe(true);
  });
});
