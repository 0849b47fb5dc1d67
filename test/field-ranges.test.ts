// The range table against the .proto itself: every float and double field is listed with its type, and
// findOutOfRange names each one, at its exact path, holding NaN, Infinity, a float32 overflow or an out-of-range value.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { findOutOfRange } from '../proto/decoded-checks.js';
import { FIELD_RANGES, FLOAT32_MAX, rangeOf, rangeProblem, type FieldRange } from '../proto/field-ranges.js';
import { decodeKeepingUnknowns, schema } from '../proto/index.js';

// keepCase: the .proto's own field names, as the table and the error paths use them
const root = protobuf.parse(readFileSync(new URL('../proto/fieldproof.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
root.resolveAll();
const BODY_TYPES = ['Boot', 'Conditions', 'Handover', 'Decision', 'Health', 'Marker', 'Gap', 'KeyRotation'];
type Static = { fromObject(o: object): object; encode(m: object): { finish(): Uint8Array }; decode(reader: never): object };
const staticType = (name: string) => (schema as unknown as Record<string, Static>)[name];
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function allTypes(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((n) => (n instanceof protobuf.Type ? [n, ...allTypes(n)] : n instanceof protobuf.Namespace ? allTypes(n) : []));
}

interface NumberPath {
  /** "weather.fog_density", "measurements[0].value". */
  path: string;
  key: string;
  range: FieldRange;
  /** Sets the field in a plain object (camelCase keys, for the generated fromObject), creating parents. */
  set(m: Record<string, unknown>, v: number): void;
}

/** Every float and double field reachable from `type`, with one element per repeated field. */
function numberPaths(type: protobuf.Type, prefix = ''): NumberPath[] {
  const out: NumberPath[] = [];
  for (const field of type.fieldsArray) {
    const at = `${prefix}${field.name}${field.repeated ? '[0]' : ''}`;
    if (field.type === 'float' || field.type === 'double') {
      const key = `${type.name}.${field.name}`;
      out.push({ path: at, key, range: FIELD_RANGES[key], set: (m, v) => { m[camel(field.name)] = field.repeated ? [v] : v; } });
    } else if (field.resolvedType instanceof protobuf.Type && !field.map) {
      for (const inner of numberPaths(field.resolvedType, `${at}.`)) {
        out.push({
          ...inner,
          set: (m, v) => {
            const child: Record<string, unknown> = {};
            inner.set(child, v);
            m[camel(field.name)] = field.repeated ? [child] : child;
          },
        });
      }
    }
  }
  return out;
}

describe('FIELD_RANGES', () => {
  it('lists every float and double field of fieldproof.proto with its type, and nothing else', () => {
    const inProto = new Map<string, string>();
    for (const type of allTypes(root)) {
      for (const field of type.fieldsArray) if (field.type === 'float' || field.type === 'double') inProto.set(`${type.name}.${field.name}`, field.type);
    }
    expect(inProto.size).toBeGreaterThan(20);
    const listed = new Map(Object.entries(FIELD_RANGES).map(([key, range]) => [key, range.type]));
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(inProto));
  });

  it('has the ranges the evidence relies on', () => {
    expect(rangeOf('Lighting', 'lux')).toEqual({ type: 'float', min: 0 });
    for (const f of ['Conditions.perception_confidence', 'Weather.fog_density', 'Lighting.glare', 'Occlusion.fraction', 'Decision.confidence']) {
      expect(FIELD_RANGES[f], f).toEqual({ type: 'float', min: 0, max: 1 });
    }
    for (const f of ['Weather.visibility_m', 'Weather.precipitation_mm_h']) expect(FIELD_RANGES[f].min, f).toBe(0);
    expect(FIELD_RANGES['Weather.humidity_pct']).toMatchObject({ min: 0, max: 100 });
    expect(FIELD_RANGES['Gnss.latitude_deg']).toEqual({ type: 'double', min: -90, max: 90 });
    expect(FIELD_RANGES['Gnss.longitude_deg']).toEqual({ type: 'double', min: -180, max: 180 });
    expect(rangeOf('Lighting', 'toString')).toBeUndefined();
    expect(rangeOf('Weather', 'precipitation')).toBeUndefined(); // an enum
  });
});

describe('rangeProblem', () => {
  it.each([
    [{ type: 'float', min: 0 }, Infinity, 'expected a finite number >= 0, got Infinity'],
    [{ type: 'float', min: 0 }, -3, 'expected a finite number >= 0, got -3'],
    [{ type: 'float', min: 0 }, 1e39, `expected a finite number >= 0 that a float32 can hold (|x| <= ${FLOAT32_MAX}), got 1e+39`],
    [{ type: 'float', min: 0, max: 1 }, 1.5, 'expected a finite number from 0 to 1, got 1.5'],
    [{ type: 'float', min: 0, max: 1 }, NaN, 'expected a finite number from 0 to 1, got NaN'],
    [{ type: 'float' }, -Infinity, 'expected a finite number, got -Infinity'],
    [{ type: 'float' }, -1e39, `expected a finite number that a float32 can hold (|x| <= ${FLOAT32_MAX}), got -1e+39`],
    [{ type: 'double' }, Infinity, 'expected a finite number, got Infinity'],
    [undefined, Infinity, 'expected a finite number, got Infinity'],
  ] as [FieldRange | undefined, number, string][])('%j with %d: %s', (range, value, message) => {
    expect(rangeProblem(range, value)).toBe(message);
  });

  it('passes the bounds themselves, the largest float32, doubles beyond it, and -0', () => {
    expect(rangeProblem({ type: 'float', min: 0, max: 1 }, 0)).toBeUndefined();
    expect(rangeProblem({ type: 'float', min: 0, max: 1 }, 1)).toBeUndefined();
    expect(rangeProblem({ type: 'float', min: 0 }, -0)).toBeUndefined();
    expect(rangeProblem({ type: 'float' }, FLOAT32_MAX)).toBeUndefined();
    expect(rangeProblem({ type: 'float' }, -FLOAT32_MAX)).toBeUndefined();
    expect(rangeProblem({ type: 'double' }, 1e300)).toBeUndefined();
    expect(rangeProblem({ type: 'float' }, 1e-45)).toBeUndefined();
  });
});

describe('findOutOfRange', () => {
  const cases = BODY_TYPES.flatMap((name) => numberPaths(root.lookupType(`fieldproof.v1.${name}`)).map((p) => ({ name, ...p })));

  it('reaches every ranged field from the body kinds', () => {
    expect(new Set(cases.map((c) => c.key))).toEqual(new Set(Object.keys(FIELD_RANGES)));
  });

  it('names every float and double field at its path, decoded from protobuf and built from JSON alike', () => {
    let checked = 0;
    for (const { name, path, key, range, set } of cases) {
      const bad = [NaN, Infinity, -Infinity];
      if (range.type === 'float') bad.push(1e39, -1e39);
      if (range.min !== undefined) bad.push(range.min - 1);
      if (range.max !== undefined) bad.push(range.max + 0.5);
      for (const value of bad) {
        const plain: Record<string, unknown> = {};
        set(plain, value);
        const built = staticType(name).fromObject(plain); // the JSON path: fromObject keeps 1e39 as it is
        const decoded = decodeKeepingUnknowns(staticType(name), staticType(name).encode(built).finish()); // on the wire 1e39 became Infinity
        for (const [how, message] of [['built', built], ['decoded', decoded]] as const) {
          const found = findOutOfRange(message);
          expect(found?.path, `${key} = ${value} (${how})`).toBe(path);
          expect(found?.problem, `${key} = ${value} (${how})`).toMatch(/^expected a finite number.*, got (NaN|-?Infinity|-?1e\+39|-?[\d.]+)$/);
          checked++;
        }
      }
      for (const value of [range.min ?? -1e6, range.max ?? 1e6, 0.5]) {
        const plain: Record<string, unknown> = {};
        set(plain, value);
        expect(findOutOfRange(staticType(name).fromObject(plain)), `${key} = ${value}`).toBeUndefined();
      }
    }
    expect(checked).toBeGreaterThan(250);
  });

  it('names the bad field with its message, and passes a message without one', () => {
    const c = schema.Conditions.fromObject({ perceptionConfidence: 0.9, lighting: { lux: -1 }, measurements: [{ name: 'a', value: 1 }] });
    expect(findOutOfRange(c)).toEqual({ path: 'lighting.lux', problem: 'expected a finite number >= 0, got -1' });
    const m = schema.Conditions.fromObject({ measurements: [{ name: 'a', value: 1 }, { name: 'b', value: Infinity }] });
    expect(findOutOfRange(m)).toEqual({ path: 'measurements[1].value', problem: 'expected a finite number, got Infinity' });
    const d = schema.Decision.fromObject({ confidence: 0.5, criteria: [{ name: 'min_lux', value: 3, threshold: 1e309 }] });
    expect(findOutOfRange(d)).toEqual({ path: 'criteria[0].threshold', problem: 'expected a finite number, got Infinity' });
    expect(findOutOfRange(schema.Conditions.fromObject({ weather: { precipitationMmH: 2, windSpeedMS: 3 }, gnss: { latitudeDeg: -90, longitudeDeg: 180 } }))).toBeUndefined();
  });
});
