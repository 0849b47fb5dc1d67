// The fast paths classification reads through, held to protobufjs: decodeConditionsFields gives every field the
// taxonomy may test exactly as protobufjs's decode does, decodeEnvelope every envelope field as decodeRecord does,
// and the compiled classifier the levels evaluate() gives. Seeded, so a failure reproduces.
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../config/odd-config.js';
import { decodeConditionsFields } from '../proto/conditions-decoder.js';
import {
  classifier, CONDITIONS_FIELDS, decodeEnvelope, decodeRecord, encodeBody, encodeRecord, evaluate, schema, toBigInt, toNumber,
  DecodeError, UNKNOWN_LEVEL, type Body, type Conditions,
} from '../proto/index.js';
import { randomConditions, rng } from './analytics/analyst-world.js';
import { conditionsBody } from '../bench/lib/bodies.js';

/** Conditions with every group and field sometimes set, sometimes absent, with edge values. */
function anyConditions(r: () => number): Conditions {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const f = () => pick([undefined, 0, -0, 1.5, 7.6, 1e-40, 3.4e38, -12.25, 5000, Number.NaN]);
  const maybe = <T>(v: T) => (r() < 0.7 ? v : undefined);
  return {
    sourceId: pick(['', 'a', 'serial:gnss0']),
    weather: maybe({ precipitation: pick([0, 1, 2, 3, 4, 5, 9]), precipitationMmH: f(), visibilityM: f(), fogDensity: f(), temperatureC: f(), windSpeedMS: f(), humidityPct: f() }),
    lighting: maybe({ lux: f(), sunElevationDeg: f(), glare: f() }),
    vibration: maybe({ rmsX: f(), rmsY: f(), rmsZ: f(), clipX: pick([0, 1, 4294967295]), clipY: pick([0, 7]), clipZ: pick([0, 300]) }),
    occlusion: maybe({ fraction: f(), cause: pick([0, 1, 5, 2147483647]), sensor: pick(['', 'cam0']) }),
    gnss: maybe({ fix: pick([0, 1, 6]), satellites: pick([0, 17]), hdop: f(), latitudeDeg: pick([undefined, 47.397742, -90]), longitudeDeg: pick([undefined, 8.5]), altitudeM: f(), speedMS: f() }),
    perceptionConfidence: f(),
    measurements: r() < 0.5 ? [{ name: 'batt', value: 22.4, unit: 'V' }] : [],
  } as Conditions;
}

describe('decodeConditionsFields', () => {
  it('reads every taxonomy field as protobufjs does (seeded, 3,000 bodies)', () => {
    const r = rng(5);
    for (let i = 0; i < 3000; i++) {
      const c = i % 3 === 0 ? (randomConditions(r) as { conditions: Conditions }).conditions
        : i % 3 === 1 ? (conditionsBody(i) as { conditions: Conditions }).conditions : anyConditions(r);
      const bytes = encodeBody({ conditions: c } as Body).bytes;
      const ours = decodeConditionsFields(bytes);
      const theirs = schema.Conditions.decode(bytes);
      for (const field of CONDITIONS_FIELDS.values()) expect([field.path, field.read(ours)]).toEqual([field.path, field.read(theirs)]);
    }
  });

  it('refuses a body cut short, with a DecodeError', () => {
    const bytes = encodeBody({ conditions: (conditionsBody(1) as { conditions: Conditions }).conditions } as Body).bytes;
    for (const cut of [1, 5, bytes.length - 1]) expect(() => decodeConditionsFields(bytes.subarray(0, cut))).toThrow(DecodeError);
  });
});

describe('decodeEnvelope', () => {
  it('gives decodeRecord\'s seq, times, device and prev_hash, 64-bit edges included', () => {
    const r = rng(9);
    const times = [0n, 1n, 127n, 128n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 1_796_399_703_635_000_123n];
    for (let i = 0; i < 500; i++) {
      const seq = [1, 127, 128, 16384, 2 ** 31, 2 ** 40 + 3][i % 6];
      const fields = { deviceId: ['ugv-01', 'ü', 'x'.repeat(128)][i % 3], seq, timeUnixNs: times[i % times.length], monoNs: times[(i * 7) % times.length], prevHash: new Uint8Array(32).fill(i % 256) };
      const bytes = encodeRecord(fields, { marker: { kind: 'k', text: String(r()) } });
      const env = decodeEnvelope(bytes);
      const rec = decodeRecord(bytes);
      expect([env.deviceId, env.seq, env.timeUnixNs, env.monoNs, [...env.prevHash], env.kind])
        .toEqual([rec.deviceId, toNumber(rec.seq), toBigInt(rec.timeUnixNs), toBigInt(rec.monoNs), [...rec.prevHash], 'marker']);
    }
  });
});

describe('the compiled classifier', () => {
  it('files every sample where evaluate() puts it (seeded, 3,000 samples, default taxonomy)', () => {
    const taxonomy = loadOddFile();
    const classify = classifier(taxonomy);
    const r = rng(11);
    for (let i = 0; i < 3000; i++) {
      const c = i % 2 ? (randomConditions(r) as { conditions: Conditions }).conditions : anyConditions(r);
      const value = (f: string) => CONDITIONS_FIELDS.get(f)!.read(c);
      const expected = taxonomy.dimensions.map((d) => d.levels.find((l) => evaluate(l.when, value) === true)?.name ?? UNKNOWN_LEVEL);
      expect(classify(c)).toEqual(expected);
      expect(classify.cell(c)).toBe(expected.join('/'));
    }
  });
});
