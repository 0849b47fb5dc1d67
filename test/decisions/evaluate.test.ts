// Go/no-go criteria as tables: comparators, missing and stale inputs, shorthand config expansion.
// Pure functions; no I/O.
import { describe, expect, it } from 'vitest';
import { compare, evaluateCriteria, LiveState, Verdict } from '../../agent/index.js';
import { criteriaSchema, type CriterionSpec } from '../../config/index.js';

describe('compare', () => {
  it.each([
    [1, '<', 2, true], [2, '<', 2, false], [2, '<=', 2, true], [3, '<=', 2, false],
    [3, '>', 2, true], [2, '>', 2, false], [2, '>=', 2, true], [1, '>=', 2, false],
    [2, '==', 2, true], [2.5, '==', 2, false], [1, '!=', 2, true], [2, '!=', 2, false],
  ] as const)('%d %s %d is %s', (v, c, t, expected) => {
    expect(compare(v, c, t)).toBe(expected);
  });
});

describe('evaluateCriteria', () => {
  const specs: CriterionSpec[] = [
    { name: 'min_confidence', input: 'perception_confidence', comparator: '>=', threshold: 0.7 },
    { name: 'max_fog_density', input: 'fog_density', comparator: '<=', threshold: 0.4 },
    { name: 'min_lux', input: 'lux', comparator: '>=', threshold: 50 },
  ];
  const table: [string, Record<string, number>, 'GO' | 'NO_GO', string[]][] = [
    ['all pass', { perception_confidence: 0.9, fog_density: 0.1, lux: 800 }, 'GO', []],
    ['exactly at thresholds passes', { perception_confidence: 0.7, fog_density: 0.4, lux: 50 }, 'GO', []],
    ['low confidence', { perception_confidence: 0.5, fog_density: 0.1, lux: 800 }, 'NO_GO', ['min_confidence']],
    ['fog and dark', { perception_confidence: 0.9, fog_density: 0.8, lux: 3 }, 'NO_GO', ['max_fog_density', 'min_lux']],
    ['missing input fails', { perception_confidence: 0.9, fog_density: 0.1 }, 'NO_GO', ['min_lux']],
  ];
  it.each(table)('%s', (_name, values, verdict, failing) => {
    const e = evaluateCriteria(specs, (input) => values[input]);
    expect(e.verdict).toBe(Verdict[verdict]);
    expect(e.failing).toEqual(failing);
    expect(e.criteria).toHaveLength(3);
    for (const c of e.criteria) {
      const spec = specs.find((s) => s.name === c.name)!;
      expect(c.threshold).toBe(spec.threshold);
      expect(c.value).toBe(values[spec.input]);
      expect(c.pass).toBe(!failing.includes(spec.name));
    }
  });

  it('treats a stale signal as unavailable', () => {
    const live = new LiveState();
    live.update({ conditions: { lighting: { lux: 500 } } }, 1_000);
    const spec: CriterionSpec[] = [{ name: 'min_lux', input: 'lux', comparator: '>=', threshold: 50 }];
    expect(evaluateCriteria(spec, (i) => live.get(i, 2_000, 5_000)).verdict).toBe(Verdict.GO);
    expect(evaluateCriteria(spec, (i) => live.get(i, 10_000, 5_000)).verdict).toBe(Verdict.NO_GO);
  });
});

describe('LiveState', () => {
  it('takes signals from conditions and health', () => {
    const live = new LiveState();
    live.update({
      conditions: {
        perceptionConfidence: 0.8, weather: { fogDensity: 0.2, visibilityM: 900, precipitationMmH: 1 },
        vibration: { rmsX: 0.5, rmsY: 2.5, rmsZ: 1, clipX: 1, clipZ: 2 }, occlusion: { fraction: 0.3 },
        gnss: { fix: 3, satellites: 11, hdop: 0.9 }, measurements: [{ name: 'wind', value: 7 }],
      },
    }, 0);
    live.update({ health: { cpuTempC: 71, memUsedBytes: 3, memTotalBytes: 4 } }, 0);
    const get = (n: string) => live.get(n, 0, 1);
    expect(get('vibration_rms')).toBe(2.5);
    expect(get('vibration_clipping')).toBe(3);
    expect(get('gnss_fix')).toBe(3);
    expect(get('m.wind')).toBe(7);
    expect(get('mem_used_pct')).toBe(75);
    expect(get('cpu_temp_c')).toBe(71);
    expect(get('perception_confidence')).toBeCloseTo(0.8);
  });
});

describe('criteria config', () => {
  const base = { risk_level: 'medium', levels: { medium: { min_confidence: 0.7, max_vibration_rms: 4, min_gnss_fix: 3, max_cpu_temp: 85 } } };
  it('expands shorthand names to signals and comparators', () => {
    const c = criteriaSchema.parse(base);
    expect(c.levels.medium).toEqual([
      { name: 'min_confidence', input: 'perception_confidence', comparator: '>=', threshold: 0.7 },
      { name: 'max_vibration_rms', input: 'vibration_rms', comparator: '<=', threshold: 4 },
      { name: 'min_gnss_fix', input: 'gnss_fix', comparator: '>=', threshold: 3 },
      { name: 'max_cpu_temp', input: 'cpu_temp_c', comparator: '<=', threshold: 85 },
    ]);
  });
  it('takes the long form', () => {
    const c = criteriaSchema.parse({ risk_level: 'x', levels: { x: { wind_ok: { input: 'm.wind', comparator: '<', threshold: 12 } } } });
    expect(c.levels.x[0]).toEqual({ name: 'wind_ok', input: 'm.wind', comparator: '<', threshold: 12 });
  });
  const problems = (input: unknown) => {
    const r = criteriaSchema.safeParse(input);
    expect(r.success).toBe(false);
    return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };
  it('names an unknown signal', () => {
    expect(problems({ risk_level: 'low', levels: { low: { min_sparkle: 1 } } })).toMatch(/levels\.low\.min_sparkle: expected min_<signal>/);
    expect(problems({ risk_level: 'low', levels: { low: { x: { input: 'sparkle', comparator: '<', threshold: 1 } } } })).toMatch(/levels\.low\.x\.input: unknown signal "sparkle"/);
  });
  it('names an undefined risk level', () => {
    expect(problems({ risk_level: 'extreme', levels: { low: { min_lux: 1 } } })).toMatch(/risk_level: expected one of the defined levels \(low\)/);
  });
});
