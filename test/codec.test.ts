// Codec: round trips for every body kind, the fast envelope encoder held byte-identical to protobufjs's
// full Record.encode over edge and random values, DecodeError on garbage, and segment fragment framing.
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import {
  BODY_KINDS, DecodeError, bodyKind, bodyOf, decodeAck, decodeRecord, decodeSeal, decodeSegment, encodeBody, encodeRecord,
  encodeRecordWithBody, encodeSegment, fromBigInt, recordsFragment, recordsOfFragment, schema, sealFragment, toBigInt, toNumber,
  GENESIS_HASH, type Body, type BodyKind, type RecordFields,
} from '../proto/index.js';
import { SAMPLE_BODIES } from './helpers/bodies.js';
import { seededRandom } from '../simulator/prng.js';

const Long = protobuf.util.Long as unknown as { fromString(value: string, unsigned: boolean): number };
const u64 = (value: bigint | number) => Long.fromString(String(value), true);
const TYPES = schema as unknown as Record<string, { fromObject(o: unknown): unknown; toObject(m: unknown, o: object): Record<string, unknown> }>;
const typeName = (kind: BodyKind) => kind[0].toUpperCase() + kind.slice(1);
const VIEW = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, objects: true };

/** The reference: protobufjs encoding the whole Record message, body included. */
function referenceEncode(f: RecordFields, body: Body): Uint8Array {
  const [kind] = Object.keys(body) as BodyKind[];
  const message = {
    deviceId: f.deviceId, seq: u64(f.seq), timeUnixNs: u64(f.timeUnixNs), monoNs: u64(f.monoNs), prevHash: f.prevHash,
    [kind]: (body as Record<string, unknown>)[kind],
  };
  return schema.Record.encode(message as never).finish();
}

// Seeded (the simulator's mulberry32), so a failing case can be reproduced from its index.
const rand = seededRandom(8032);
const randInt = (n: number) => Math.floor(rand() * n);
const randBytes = (n: number) => Uint8Array.from({ length: n }, () => randInt(256));
const randU64 = () => (BigInt(randInt(2 ** 32)) << 32n) | BigInt(randInt(2 ** 32));

const SEQS = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 53 - 1];
const TIMES = [0n, 1n, 127n, 128n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 35n - 1n, 2n ** 35n, 2n ** 49n, 2n ** 56n, 2n ** 63n, 2n ** 64n - 1n];
const DEVICES = ['', 'ugv-01', 'ü🚁-δ', 'x'.repeat(127), 'y'.repeat(128), 'é'.repeat(100)];
const PREVS = [new Uint8Array(0), GENESIS_HASH, randBytes(32)];
const EDGE_BODIES: Body[] = [
  ...Object.values(SAMPLE_BODIES),
  ...BODY_KINDS.map((kind) => ({ [kind]: {} }) as Body),
  { marker: { text: 'a'.repeat(126) } },
  { marker: { text: 'b'.repeat(20_000) } },
  { marker: { text: 'c'.repeat(2_100_000) } },
];

function expectSameBytes(fields: RecordFields, body: Body, label: string): void {
  const fast = encodeRecordWithBody(fields, encodeBody(body));
  const reference = referenceEncode(fields, body);
  if (Buffer.compare(Buffer.from(fast), Buffer.from(reference)) !== 0) {
    throw new Error(`${label}: fast encoder differs from Record.encode\n  fast ${Buffer.from(fast).toString('hex').slice(0, 200)}\n  full ${Buffer.from(reference).toString('hex').slice(0, 200)}`);
  }
  expect(Buffer.from(encodeRecord(fields, body)).equals(Buffer.from(reference))).toBe(true);
}

describe('record round trips', () => {
  it.each(BODY_KINDS)('%s body survives encode then decode', (kind) => {
    const body = SAMPLE_BODIES[kind];
    const fields: RecordFields = { deviceId: 'ugv-01', seq: 42, timeUnixNs: 1_700_000_000_123_456_789n, monoNs: 987_654_321n, prevHash: randBytes(32) };
    const bytes = encodeRecord(fields, body);
    const record = decodeRecord(bytes);
    expect(bodyKind(record)).toBe(kind);
    expect(record.deviceId).toBe('ugv-01');
    expect(toNumber(record.seq)).toBe(42);
    expect(toBigInt(record.timeUnixNs)).toBe(fields.timeUnixNs);
    expect(toBigInt(record.monoNs)).toBe(fields.monoNs);
    expect(Buffer.from(record.prevHash).equals(Buffer.from(fields.prevHash))).toBe(true);
    const type = TYPES[typeName(kind)];
    const decoded = bodyOf(record) as Record<string, unknown>;
    expect(type.toObject(decoded[kind], VIEW)).toEqual(type.toObject(type.fromObject((body as Record<string, unknown>)[kind]), VIEW));
    // Bytes in, bytes out: re-encoding the decoded message gives the same bytes.
    expect(Buffer.from(schema.Record.encode(record).finish()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps exact float32, double and uint64 values', () => {
    const record = decodeRecord(encodeRecord({ deviceId: 'd', seq: 1, timeUnixNs: 1n, monoNs: 1n, prevHash: GENESIS_HASH }, SAMPLE_BODIES.conditions));
    expect(record.conditions?.weather?.precipitationMmH).toBe(4.25);
    expect(record.conditions?.gnss?.latitudeDeg).toBe(52.520008);
    expect(record.conditions?.measurements?.[0].value).toBe(123456.789);
    const handover = decodeRecord(encodeRecord({ deviceId: 'd', seq: 1, timeUnixNs: 1n, monoNs: 1n, prevHash: GENESIS_HASH }, SAMPLE_BODIES.handover));
    expect(toBigInt(handover.handover?.acceptedUnixNs as never)).toBe(2n ** 64n - 1n);
  });

  it('converts uint64 values exactly between Long, number and bigint', () => {
    for (const value of TIMES) {
      expect(toBigInt(u64(value))).toBe(value);
      expect(toBigInt(fromBigInt(value) as never)).toBe(value);
    }
    expect(toNumber(u64(2 ** 40))).toBe(2 ** 40);
    expect(toNumber(null)).toBe(0);
    expect(toBigInt(undefined)).toBe(0n);
  });
});

describe('fast envelope encoder', () => {
  it('is byte-identical to Record.encode over every edge seq, time, device id and prev hash', () => {
    let cases = 0;
    for (const seq of SEQS) {
      for (const [t, time] of TIMES.entries()) {
        for (const [d, deviceId] of DEVICES.entries()) {
          for (const [p, prevHash] of PREVS.entries()) {
            const monoNs = TIMES[TIMES.length - 1 - t];
            const body = EDGE_BODIES[(cases + d) % (EDGE_BODIES.length - 1)];
            expectSameBytes({ deviceId, seq, timeUnixNs: time, monoNs, prevHash }, body, `seq=${seq} time=${time} device#${d} prev#${p}`);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(SEQS.length * TIMES.length * DEVICES.length * PREVS.length);
  });

  it('is byte-identical for bodies whose length needs 1, 2, 3 and 4 varint bytes', () => {
    for (const body of EDGE_BODIES) {
      expectSameBytes({ deviceId: 'ugv-01', seq: 7, timeUnixNs: 5n, monoNs: 6n, prevHash: GENESIS_HASH }, body, JSON.stringify(body).slice(0, 40));
    }
  });

  it('is byte-identical over 3000 random records', () => {
    const kinds = Object.values(SAMPLE_BODIES);
    for (let i = 0; i < 3000; i++) {
      const seq = rand() < 0.3 ? SEQS[randInt(SEQS.length)] : randInt(2 ** (1 + randInt(52)));
      const fields: RecordFields = {
        deviceId: rand() < 0.2 ? DEVICES[randInt(DEVICES.length)] : `dev-${randInt(1e6)}`,
        seq,
        timeUnixNs: rand() < 0.3 ? TIMES[randInt(TIMES.length)] : randU64() >> BigInt(randInt(64)),
        monoNs: rand() < 0.3 ? TIMES[randInt(TIMES.length)] : randU64() >> BigInt(randInt(64)),
        prevHash: rand() < 0.1 ? new Uint8Array(0) : randBytes(32),
      };
      const body: Body = rand() < 0.5 ? kinds[randInt(kinds.length)] : { marker: { kind: 'k', text: 'z'.repeat(randInt(400)), severity: randInt(4), tags: { n: String(i) } } };
      expectSameBytes(fields, body, `random case ${i}`);
    }
  });
});

describe('decoding garbage', () => {
  const valid = encodeRecord({ deviceId: 'ugv-01', seq: 5, timeUnixNs: 10n, monoNs: 11n, prevHash: GENESIS_HASH }, SAMPLE_BODIES.decision);
  const garbage: [string, Uint8Array][] = [
    ['a lone 0xff', Uint8Array.of(0xff)],
    ['field number 0', Uint8Array.of(0x07)],
    ['a length past the end', Uint8Array.of(0x0a, 0x05, 0x61)],
    ['a truncated varint', Uint8Array.of(0x10, 0x80)],
    ['a truncated body', Uint8Array.of(0x5a, 0x02, 0x0a)],
    ['a valid record cut short', valid.subarray(0, valid.length - 3)],
  ];

  it.each(garbage)('decodeRecord of %s throws DecodeError', (_what, bytes) => {
    let caught: unknown;
    try {
      decodeRecord(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).code).toBe('DECODE');
    expect((caught as DecodeError).permanent).toBe(true);
    expect((caught as Error).message).toMatch(/^malformed record: /);
  });

  it('segments, seals and acks fail with DecodeError too', () => {
    expect(() => decodeSegment(Uint8Array.of(0x0a, 0x09))).toThrow(DecodeError);
    expect(() => decodeSeal(Uint8Array.of(0x32, 0x40, 1, 2))).toThrow(/malformed seal/);
    expect(() => decodeAck(Uint8Array.of(0xff, 0xff))).toThrow(/malformed ack/);
  });

  it('random bytes either decode or throw DecodeError, never anything else', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randBytes(1 + randInt(64));
      try {
        decodeRecord(bytes);
      } catch (err) {
        expect(err, `case ${i}: ${Buffer.from(bytes).toString('hex')}`).toBeInstanceOf(DecodeError);
      }
    }
  });
});

describe('segment framing', () => {
  const records = Array.from({ length: 7 }, (_, i) =>
    encodeRecord({ deviceId: 'ugv-01', seq: i + 1, timeUnixNs: BigInt(i) * 1000n, monoNs: BigInt(i), prevHash: randBytes(32) }, i % 2 ? SAMPLE_BODIES.marker : SAMPLE_BODIES.conditions));
  const seal = { deviceId: 'ugv-01', keyId: '0123456789abcdef', firstSeq: 1, lastSeq: 7, lastHash: randBytes(32), signature: randBytes(64) };

  it('recordsFragment + sealFragment is byte-identical to encodeSegment', () => {
    const joined = Buffer.concat([recordsFragment(records), sealFragment(seal)]);
    expect(joined.equals(Buffer.from(encodeSegment(records, seal)))).toBe(true);
  });

  it('fragments split anywhere and concatenated still equal encodeSegment', () => {
    for (let cut = 0; cut <= records.length; cut++) {
      const joined = Buffer.concat([recordsFragment(records.slice(0, cut)), recordsFragment(records.slice(cut)), sealFragment(seal)]);
      expect(joined.equals(Buffer.from(encodeSegment(records, seal))), `cut at ${cut}`).toBe(true);
    }
  });

  it('recordsOfFragment gives back the exact record bytes', () => {
    const back = recordsOfFragment(recordsFragment(records));
    expect(back.map((b) => Buffer.from(b).toString('hex'))).toEqual(records.map((b) => Buffer.from(b).toString('hex')));
    expect(recordsOfFragment(recordsFragment([]))).toEqual([]);
  });

  it('decodeSegment reads back the records and the seal', () => {
    const segment = decodeSegment(encodeSegment(records, seal));
    expect(segment.records).toHaveLength(7);
    expect(segment.seal?.keyId).toBe('0123456789abcdef');
    expect(toNumber(segment.seal?.lastSeq)).toBe(7);
  });
});
