// The hand-written Conditions encoder against protobufjs: random messages built by walking the .proto
// schema itself (so a field added there and not in the encoder fails here), edge values, and fallback.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeBody, schema, type Conditions } from '../proto/index.js';
import { encodeConditions } from '../proto/conditions-encoder.js';
import { seededRandom } from '../simulator/prng.js';

const root = protobuf.loadSync(fileURLToPath(new URL('../proto/fieldproof.proto', import.meta.url)));
const conditionsType = root.lookupType('fieldproof.v1.Conditions');

// Seeded (the simulator's mulberry32), so a failing case can be reproduced from its index.
const rand = seededRandom(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const FLOATS = [0, -0, 1, -1, 0.1, 1e-40, 3.4e38, 1e39, -273.15, NaN, Infinity, -Infinity, 47.397742, 12_000.5];
const UINTS = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 28, 2 ** 32 - 1];
const STRINGS = ['', 'a', 'cam0', 'serial:gnss0', 'ü-δ', '🚁 rotor', 'x'.repeat(127), 'y'.repeat(128), 'é'.repeat(90)];

/** A random value for one field, by its schema type; every field of every nested message is reachable. */
function randomValue(field: protobuf.Field): unknown {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Type) return randomMessage(field.resolvedType);
  if (field.resolvedType instanceof protobuf.Enum) {
    const values = Object.values(field.resolvedType.values);
    return rand() < 0.1 ? pick([-1, 99, 0]) : pick(values);
  }
  switch (field.type) {
    case 'float':
    case 'double': return rand() < 0.5 ? pick(FLOATS) : (rand() - 0.5) * 10 ** Math.floor(rand() * 12);
    case 'uint32': return pick(UINTS);
    case 'string': return pick(STRINGS);
    default: throw new Error(`test generator: field ${field.fullName} has type ${field.type}; teach it (and encodeConditions) about it`);
  }
}

function randomMessage(type: protobuf.Type): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (rand() < 0.25) continue; // absent
    if (field.repeated) message[field.name] = Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(field));
    else message[field.name] = rand() < 0.05 ? null : randomValue(field);
  }
  return message;
}

function expectSame(message: Record<string, unknown>, label: string): void {
  const ours = encodeConditions(message as Conditions);
  const reference = schema.Conditions.encode(message as never).finish();
  expect(ours, label).toBeDefined();
  if (Buffer.compare(Buffer.from(ours!), Buffer.from(reference)) !== 0) {
    throw new Error(`${label}: ${JSON.stringify(message)}\n  ours ${Buffer.from(ours!).toString('hex')}\n  ref  ${Buffer.from(reference).toString('hex')}`);
  }
}

describe('encodeConditions', () => {
  it('is byte-identical to protobufjs on 5,000 random messages covering every schema field', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const message = randomMessage(conditionsType);
      const walk = (m: Record<string, unknown>, type: protobuf.Type) => {
        for (const field of type.fieldsArray) {
          const v = m[field.name];
          if (v === undefined || v === null) continue;
          seen.add(field.fullName);
          field.resolve();
          if (field.resolvedType instanceof protobuf.Type) {
            for (const x of field.repeated ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>]) walk(x, field.resolvedType);
          }
        }
      };
      walk(message, conditionsType);
      expectSame(message, `message ${i}`);
    }
    // Every field of Conditions and of the messages inside it was exercised.
    const all = new Set<string>();
    const collect = (type: protobuf.Type) => {
      for (const field of type.fieldsArray) {
        all.add(field.fullName);
        field.resolve();
        if (field.resolvedType instanceof protobuf.Type) collect(field.resolvedType);
      }
    };
    collect(conditionsType);
    expect([...all].filter((f) => !seen.has(f))).toEqual([]);
  });

  it('matches on empty and default-valued messages', () => {
    expectSame({}, 'empty');
    expectSame({ sourceId: '', weather: {}, lighting: {}, vibration: {}, occlusion: {}, gnss: {}, measurements: [{}] }, 'empty nested');
    expectSame({ weather: { precipitation: 0, visibilityM: 0 }, vibration: { clipX: 0, rmsX: -0 }, measurements: [{ value: -0 }, { value: 0 }] }, 'zeros');
    expectSame({ occlusion: { cause: -5 }, gnss: { fix: -1 } }, 'negative enums');
  });

  it('matches on messages decoded by protobufjs (class instances, prototype defaults)', () => {
    for (let i = 0; i < 200; i++) {
      const message = randomMessage(conditionsType);
      const decoded = schema.Conditions.decode(schema.Conditions.encode(message as never).finish());
      expectSame(decoded as unknown as Record<string, unknown>, `decoded ${i}`);
    }
  });

  it('leaves strings with lone surrogates to protobufjs (it writes them as their own bytes, Buffer as U+FFFD)', () => {
    for (const text of ['a\uD800b', '\uDC00', `${'x'.repeat(50)}\uD83D`]) {
      const message = { sourceId: text, measurements: [{ name: text }] };
      expect(encodeConditions(message)).toBeUndefined();
      expect(Buffer.from(encodeBody({ conditions: message }).bytes)).toEqual(Buffer.from(schema.Conditions.encode(message).finish()));
    }
  });

  it('leaves messages carrying unknown fields to protobufjs, which keeps them', () => {
    // Field 99 (varint 7) is not in the schema: a newer sender's field, kept through a decode.
    const withUnknown = Buffer.concat([Buffer.from(schema.Conditions.encode({ sourceId: 'new' }).finish()), Buffer.from([0x98, 0x06, 0x07])]);
    const reader = protobuf.Reader.create(withUnknown);
    reader.discardUnknown = false; // protobufjs discards by default; a reader may be told to keep them
    const decoded = schema.Conditions.decode(reader);
    expect(encodeConditions(decoded)).toBeUndefined();
    expect(Buffer.from(encodeBody({ conditions: decoded }).bytes)).toEqual(withUnknown);
  });
});
