// The operating-domain taxonomy: the default file loads and names its levels as the matrices do, the field
// table matches the .proto, and every kind of mistake is a load error naming its key and line.
import { readdirSync, readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ConfigError, LEVEL_PRESETS, loadMatrixFile, loadOddFile, parseOdd } from '../../config/index.js';
import { CONDITIONS_FIELDS } from '../../config/odd-config.js';
import { matrixNameMismatches } from '../../hub/analytics/index.js';

const taxonomy = loadOddFile();

function problems(yaml: string): string[] {
  try {
    parseOdd('t.yaml', yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the taxonomy to be refused');
}

/** A one-dimension taxonomy around `levels` (YAML lines under levels:, indented 6). */
const oneDim = (levels: string, extra = '') => `id: t\ndimensions:\n  d:\n    levels:\n${levels}${extra}`;

describe('the default taxonomy', () => {
  it('loads with the matrices dimensions, ISO 34503 bins and the default drift thresholds', () => {
    expect(taxonomy.dimensions.map((d) => d.name)).toEqual(['weather', 'lighting', 'vibration', 'occlusion', 'gnss']);
    expect(taxonomy.dimensions[0].levels.map((l) => l.name)).toEqual(['clear', 'mist', 'fog', 'drizzle', 'rain', 'heavy_rain', 'violent_rain', 'snow', 'sleet', 'hail']);
    expect(taxonomy.drift).toEqual({
      psi_moderate: 0.1, psi_significant: 0.2, smoothing: 0.5, watch_every_s: 60,
      baseline: { text: 'source:simulation', source: 'simulation' }, current: { text: 'source:field', source: 'field' },
    });
    expect(taxonomy.coverage).toEqual({ min_samples: 1, min_exposure_s: 0 });
    expect(taxonomy.features.find((f) => f.name === 'vibration_rms')?.edges).toEqual([2.5, 6]);
    expect(taxonomy.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names every level the matrices use, and every preset but lighting.overcast (measured as day)', () => {
    const dir = new URL('../../config/matrices/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const m = loadMatrixFile(new URL(file, dir).pathname);
      expect(matrixNameMismatches(taxonomy, m.dimensions), file).toEqual([]);
    }
    const presets = Object.entries(LEVEL_PRESETS).map(([name, levels]) => ({ name, levels: Object.keys(levels).map((l) => ({ name: l })) }));
    expect(matrixNameMismatches(taxonomy, presets).map((m) => `${m.dimension}.${m.level}`)).toEqual(['lighting.overcast']);
  });

  it('fingerprints the levels: a changed bound changes it, a changed description does not', () => {
    const text = readFileSync(new URL('../../config/odd/default.yaml', import.meta.url), 'utf8');
    expect(parseOdd('a.yaml', text.replace('high: { when: { field: vibration.rms_magnitude, gte: 6 } }', 'high: { description: shaky, when: { field: vibration.rms_magnitude, gte: 6 } }')).fingerprint).toBe(taxonomy.fingerprint);
    expect(parseOdd('b.yaml', text.replace('lt: 6 }', 'lt: 7 }').replace('gte: 6 }', 'gte: 7 }')).fingerprint).not.toBe(taxonomy.fingerprint);
  });
});

describe('the Conditions field table', () => {
  it('lists every number and enum field of the .proto groups by its .proto name and type, and nothing else but the derived vibration magnitude', () => {
    const root = protobuf.parse(readFileSync(new URL('../../proto/fieldproof.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
    root.resolveAll();
    const conditions = root.lookupType('fieldproof.v1.Conditions');
    const expected = new Map<string, string>();
    for (const f of conditions.fieldsArray) {
      if (f.resolvedType instanceof protobuf.Type && !f.repeated) {
        for (const g of f.resolvedType.fieldsArray) {
          if (g.resolvedType instanceof protobuf.Enum) expected.set(`${f.name}.${g.name}`, 'enum');
          else if (['float', 'double', 'uint32'].includes(g.type)) expected.set(`${f.name}.${g.name}`, g.type);
        }
      } else if (['float', 'double'].includes(f.type)) {
        expected.set(f.name, f.type);
      }
    }
    const table = new Map([...CONDITIONS_FIELDS.values()].filter((f) => !f.derived).map((f) => [f.path, f.kind]));
    expect(table).toEqual(expected);
    expect([...CONDITIONS_FIELDS.values()].filter((f) => f.derived).map((f) => f.path)).toEqual(['vibration.rms_magnitude']);
    const precipitation = root.lookupEnum('fieldproof.v1.Weather.Precipitation').values;
    expect(CONDITIONS_FIELDS.get('weather.precipitation')?.values).toEqual(Object.fromEntries(Object.entries(precipitation).filter(([, n]) => n !== 0)));
  });
});

describe('taxonomy load errors', () => {
  it('names a misspelt field with the one meant, and an unknown enum value with the ones there are', () => {
    const p = problems(oneDim('      a: { when: { field: weather.visiblity_m, lt: 1000 } }\n      b: { when: { field: weather.precipitation, in: [RAIN, DRIZZLE] } }\n'));
    expect(p).toEqual([
      't.yaml:5: dimensions.d.levels.a.when.field: unknown Conditions field "weather.visiblity_m": did you mean "weather.visibility_m"?, got "weather.visiblity_m"',
      expect.stringMatching(/^t\.yaml:6: dimensions\.d\.levels\.b\.when\.in\.1: unknown weather\.precipitation value "DRIZZLE": expected one of NONE, RAIN, SNOW, SLEET, HAIL/),
    ]);
    expect(problems(oneDim('      a: { when: { field: lux, gte: 1 } }\n'))[0]).toMatch(/unknown Conditions field "lux": expected one of weather\.precipitation, /);
  });

  it('refuses overlapping levels with an example sample, and a gap a measured sample would fall into', () => {
    const p = problems(oneDim([
      '      light: { when: { field: weather.precipitation_mm_h, lt: 2.5 } }',
      '      moderate: { when: { field: weather.precipitation_mm_h, gte: 2, lt: 7.6 } }',
      '      heavy: { when: { field: weather.precipitation_mm_h, gt: 7.6 } }',
    ].join('\n') + '\n'));
    expect(p[0]).toMatch(/^t\.yaml:6: dimensions\.d\.levels\.moderate\.when: overlaps level "light", e\.g\. at weather\.precipitation_mm_h=2:/);
    expect(p[1]).toMatch(/^t\.yaml:5: dimensions\.d\.levels: no level matches weather\.precipitation_mm_h=7\.6: add a level/);
  });

  it('refuses levels that overlap only when a field is absent, through absent:', () => {
    const p = problems(oneDim([
      '      a: { when: { any: [{ field: lighting.lux, lt: 1 }, { field: lighting.glare, absent: true }] } }',
      '      b: { when: { field: lighting.lux, gte: 1 } }',
    ].join('\n') + '\n'));
    expect(p).toEqual([expect.stringMatching(/levels\.b\.when: overlaps level "a", e\.g\. at lighting\.glare=\(absent\), lighting\.lux=1:/)]);
    // measured, the same two levels are disjoint and complete
    expect(() => parseOdd('t.yaml', oneDim('      a: { when: { any: [{ field: lighting.lux, lt: 1 }, { field: lighting.glare, gt: 2 }] } }\n      b: { when: { all: [{ field: lighting.lux, gte: 1 }, { field: lighting.glare, lte: 2 }] } }\n'))).not.toThrow();
  });

  it('refuses a contradicting range, and a level no measured sample can reach', () => {
    expect(problems(oneDim('      a: { when: { field: lighting.lux, gte: 5, lt: 3 } }\n'))[0]).toMatch(/levels\.a\.when: empty range: gte 5 and lt 3 leave no value of lighting\.lux/);
    const p = problems(oneDim('      a: { when: { field: lighting.glare, lte: 1 } }\n      b: { when: { field: lighting.glare, gt: 1 } }\n'));
    expect(p).toEqual([expect.stringMatching(/levels\.b\.when: matches no measured sample/)]);
  });

  it('names a missing key: id, dimensions, a level\'s when', () => {
    expect(problems('dimensions: {}\n')).toEqual([
      't.yaml:1: id: Invalid input: expected string, received undefined (missing)',
      't.yaml:1: dimensions: expected at least one dimension, got {}',
    ]);
    expect(problems('id: t\n')).toContain('t.yaml:1: dimensions: Invalid input: expected record, received undefined (missing)');
    expect(problems(oneDim('      a: { description: no predicate }\n'))[0]).toMatch(/^t\.yaml:5: dimensions\.d\.levels\.a\.when: missing predicate: expected \{field/);
  });

  it('checks the predicate forms: numbers on number fields, in on enums, one test per form', () => {
    const cases: [string, RegExp][] = [
      ['{ field: weather.precipitation, gte: 1 }', /weather\.precipitation is an enum: use in: \[NONE, RAIN/],
      ['{ field: lighting.lux, in: [A] }', /"in" is for enum fields; lighting\.lux is a number/],
      ['{ field: lighting.lux, gt: 1, gte: 2 }', /give gt or gte, not both/],
      ['{ field: lighting.lux, eq: 1, lt: 2 }', /"eq" stands alone beside field/],
      ['{ field: lighting.lux, gte: "1" }', /when\.gte: expected a finite number, got "1"/],
      ['{ field: lighting.lux, below: 1 }', /when\.below: unknown key "below"/],
      ['{ field: lighting.lux }', /no test on lighting\.lux/],
      ['{ all: [] }', /when\.all: expected a non-empty list of predicates/],
      ['{ all: [{ field: lighting.lux, gte: 1 }], any: [] }', /"all" stands alone in its object/],
      ['{ use: nothing }', /when\.use: unknown predicate "nothing": expected one of \(none defined/],
      ['{ field: lighting.lux, absent: false }', /when\.absent: expected true/],
      ['[1]', /expected \{field, gt\/gte\/lt\/lte\/eq: number\}/],
    ];
    for (const [when, message] of cases) expect(problems(oneDim(`      a: { when: ${when} }\n`))[0], when).toMatch(message);
  });

  it('reports a broken named predicate once, not again at each use', () => {
    const p = problems(`id: t\npredicates:\n  dark: { field: lighting.luks, lt: 1 }\ndimensions:\n  d:\n    levels:\n      a: { when: { use: dark } }\n      b: { when: { not: { use: dark } } }\n`);
    expect(p).toEqual([expect.stringMatching(/^t\.yaml:3: predicates\.dark\.field: unknown Conditions field "lighting\.luks": did you mean "lighting\.lux"\?/)]);
  });

  it('reserves "unknown", and checks constraints, features and drift thresholds', () => {
    const base = '      unknown: { when: { field: lighting.lux, lt: 1 } }\n      lit: { when: { field: lighting.lux, gte: 1 } }\n';
    expect(problems(oneDim(base))[0]).toMatch(/levels\.unknown: "unknown" is reserved/);
    const levels = '      dark: { when: { field: lighting.lux, lt: 1 } }\n      lit: { when: { field: lighting.lux, gte: 1 } }\n';
    expect(problems(oneDim(levels, 'constraints:\n  - { d: dim, e: x }\n'))).toEqual([
      expect.stringMatching(/constraints\.0\.d: unknown d level "dim": expected one of dark, lit/),
      expect.stringMatching(/constraints\.0\.e: unknown dimension "e": expected one of d/),
    ]);
    expect(problems(oneDim(levels, 'features:\n  f: { field: lighting.lux, edges: [1, 10, 5] }\n'))[0]).toMatch(/features\.f\.edges\.2: edges must increase: 5 follows 10/);
    expect(problems(oneDim(levels, 'features:\n  f: { field: gnss.fix, edges: [1] }\n'))[0]).toMatch(/features\.f\.field: gnss\.fix is an enum/);
    expect(problems(oneDim(levels, 'features:\n  f: { field: lighting.glare, edges: from_levels }\n'))[0]).toMatch(/features\.f\.edges: no level tests lighting\.glare/);
    expect(problems(oneDim(levels, 'drift: { psi_moderate: 0.3 }\n'))[0]).toMatch(/drift\.psi_significant: must be greater than drift\.psi_moderate \(0\.3\)/);
    expect(problems(oneDim(levels, 'drift: { baseline: "first-days:0" }\n'))[0]).toMatch(/:\d+: drift\.baseline: first-days needs a whole number of days from 1 to 36500, got "0" in "first-days:0"; expected source:/);
    expect(problems(oneDim(levels, 'drift: { current: "window:2026-01-08..2026-01-01" }\n'))[0]).toMatch(/drift\.current: window must end after it starts/);
  });
});
