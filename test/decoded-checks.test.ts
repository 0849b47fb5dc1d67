// Checks on decoded messages against the .proto itself: every enum field of every body kind, at any depth,
// is found holding an undefined number (by its exact path), and unknown fields are named with their place.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeKeepingUnknowns, findNaN, findUndefinedEnum, findUnknownField, schema } from '../proto/index.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../proto/fieldproof.proto', import.meta.url)));
root.resolveAll();
const BODY_TYPES = ['Boot', 'Conditions', 'Handover', 'Decision', 'Health', 'Marker', 'Gap', 'KeyRotation'];
type Static = { decode(reader: never): object };
const staticType = (name: string) => (schema as unknown as Record<string, Static>)[name];

/** Every enum field reachable from `type`: its path in a message holding one element per repeated field. */
function enumPaths(type: protobuf.Type, prefix = ''): { path: string; field: protobuf.Field; set(m: Record<string, unknown>, v: number): void }[] {
  const out: ReturnType<typeof enumPaths> = [];
  for (const field of type.fieldsArray) {
    const at = `${prefix}${field.name}${field.repeated ? '[0]' : ''}`;
    if (field.resolvedType instanceof protobuf.Enum) {
      out.push({ path: at, field, set: (m, v) => { m[field.name] = v; } });
    } else if (field.resolvedType instanceof protobuf.Type && !field.map) {
      for (const inner of enumPaths(field.resolvedType, `${at}.`)) {
        out.push({
          ...inner,
          set: (m, v) => {
            const child: Record<string, unknown> = {};
            inner.set(child, v);
            m[field.name] = field.repeated ? [child] : child;
          },
        });
      }
    }
  }
  return out;
}

describe('findUndefinedEnum', () => {
  it('relies on what holds for every enum of the schema: 0 is *_UNSPECIFIED, and no enum field is repeated', () => {
    for (const type of BODY_TYPES.map((n) => root.lookupType(`fieldproof.v1.${n}`))) {
      for (const { field } of enumPaths(type)) {
        const values = (field.resolvedType as protobuf.Enum).values;
        expect(Object.entries(values).find(([, v]) => v === 0)?.[0], field.fullName).toMatch(/_UNSPECIFIED$/);
        expect(field.repeated, field.fullName).toBe(false);
      }
    }
  });

  it('names every enum field of every body kind holding a number its enum lacks, and passes every defined number', () => {
    let checked = 0;
    for (const name of BODY_TYPES) {
      const type = root.lookupType(`fieldproof.v1.${name}`);
      for (const { path, field, set } of enumPaths(type)) {
        const defined = Object.values((field.resolvedType as protobuf.Enum).values);
        for (const value of [...defined, Math.max(...defined) + 1, -1, 1000]) {
          const plain: Record<string, unknown> = {};
          set(plain, value);
          const bytes = type.encode(type.fromObject(plain)).finish();
          const decoded = decodeKeepingUnknowns(staticType(name), bytes);
          expect(findUndefinedEnum(decoded), `${name}.${path} = ${value}`).toEqual(defined.includes(value) ? undefined : { path, value });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('findNaN', () => {
  it('names a NaN float or double at any depth, and passes infinities and ordinary numbers', () => {
    const decode = (message: object) => schema.Conditions.decode(schema.Conditions.encode(message).finish());
    expect(findNaN(decode({ perceptionConfidence: NaN }))).toBe('perceptionConfidence');
    expect(findNaN(decode({ gnss: { latitudeDeg: NaN } }))).toBe('gnss.latitudeDeg');
    expect(findNaN(decode({ measurements: [{ name: 'a', value: 1 }, { name: 'b', value: NaN }] }))).toBe('measurements[1].value');
    expect(findNaN(decode({ perceptionConfidence: Infinity, gnss: { latitudeDeg: -Infinity }, measurements: [{ name: 'a', value: 0 }] }))).toBeUndefined();
  });
});

describe('findUnknownField', () => {
  const decode = (...parts: Uint8Array[]) => decodeKeepingUnknowns(schema.Conditions, Buffer.concat(parts));

  it('names the first unknown field and where: top level, nested, a repeated element by index', () => {
    const known = schema.Conditions.encode({ sourceId: 'x' }).finish();
    expect(findUnknownField(decode(known))).toBeUndefined();
    expect(findUnknownField(decode(known, Buffer.from([0xa0, 0x01, 0x05])))).toEqual({ path: '', field: 20, wireType: 0 });
    expect(findUnknownField(decode(Buffer.from([0x12, 0x02, 0x78, 0x01])))).toEqual({ path: 'weather', field: 15, wireType: 0 });
    const measurement = (extra: number[]) => Buffer.concat([schema.Measurement.encode({ name: 'm', value: 1 }).finish(), Buffer.from(extra)]);
    const good = measurement([]);
    const bad = measurement([0x25, 0, 0, 0, 0]); // field 4, fixed32
    expect(findUnknownField(decode(Buffer.from([0x42, good.length]), good, Buffer.from([0x42, bad.length]), bad)))
      .toEqual({ path: 'measurements[1]', field: 4, wireType: 5 });
  });

  it('counts a known field number sent with the wrong wire type as unknown, even when it is zero', () => {
    expect(findUnknownField(decode(Buffer.from([0x08, 0x00])))).toEqual({ path: '', field: 1, wireType: 0 }); // source_id as a varint
  });

  it('finds nothing without decodeKeepingUnknowns: plain decoding drops the fields (why the API decodes this way)', () => {
    expect(findUnknownField(schema.Conditions.decode(Buffer.from([0xa0, 0x01, 0x05])))).toBeUndefined();
  });
});
