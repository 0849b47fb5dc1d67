// The local API's pure parts: line and frame splitting across arbitrary chunk boundaries, request
// parsing for both framings (a protobuf body decoded and checked once), and no false unknown-field alarms.
import { describe, expect, it } from 'vitest';
import { bodyOf } from '../../agent/sources/local-api/handlers/body.js';
import { FrameSplitter, LineSplitter, encodeFrame, requestFromFrame, requestFromJson, type ApiRequest } from '../../agent/sources/local-api/index.js';
import { DecodedBody } from '../../agent/sources/local-api/protobuf-body.js';
import { bodyFromJson, decodeKeepingUnknowns, encodeBody, findUnknownField, fromBigInt, schema } from '../../proto/index.js';

const lineTexts = (events: ReturnType<LineSplitter['push']>) => events.map((e) => ('line' in e ? e.line.toString() : `TOO_LARGE ${e.tooLarge}`));

describe('LineSplitter', () => {
  it('gives the same lines whatever the chunk boundaries', () => {
    const text = '{"a":1}\n{"b":2}\r\n\n{"c":"ünï"}\n';
    for (const size of [1, 2, 3, 7, 100]) {
      const s = new LineSplitter(64);
      const out: string[] = [];
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += size) out.push(...lineTexts(s.push(bytes.subarray(i, i + size))));
      expect(out).toEqual(['{"a":1}', '{"b":2}\r', '', '{"c":"ünï"}']);
    }
  });

  it('reports an oversized line once, skips to its newline, and keeps going', () => {
    const s = new LineSplitter(8);
    expect(lineTexts(s.push(Buffer.from('0123456789')))).toEqual(['TOO_LARGE 10']);
    expect(lineTexts(s.push(Buffer.from('abcdef')))).toEqual([]);
    expect(lineTexts(s.push(Buffer.from('xyz\nok\n123456789\nend')))).toEqual(['ok', 'TOO_LARGE 9']);
    expect(lineTexts(s.end())).toEqual(['end']);
  });
});

describe('FrameSplitter', () => {
  it('gives the same frames whatever the chunk boundaries', () => {
    const stream = Buffer.concat([encodeFrame(Buffer.from('one')), encodeFrame(Buffer.alloc(0)), encodeFrame(Buffer.from('three'))]);
    for (const size of [1, 3, 5, 100]) {
      const s = new FrameSplitter(16);
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        for (const e of s.push(stream.subarray(i, i + size))) out.push('frame' in e ? e.frame.toString() : 'TOO_LARGE');
      }
      expect(out).toEqual(['one', '', 'three']);
      expect(s.end()).toBeUndefined();
    }
  });

  it('stops for good at an oversized length', () => {
    const s = new FrameSplitter(16);
    expect(s.push(Buffer.concat([encodeFrame(Buffer.alloc(17)), encodeFrame(Buffer.from('x'))]))).toEqual([{ tooLarge: 17 }]);
    expect(s.push(encodeFrame(Buffer.from('y')))).toEqual([]);
  });

  it('describes a partial frame left at the end', () => {
    const s = new FrameSplitter(16);
    s.push(Buffer.from([0, 0, 0, 9, 1, 2]));
    expect(s.end()).toBe('truncated frame: the connection ended after 2 of 9 payload bytes');
  });
});

describe('requestFromJson / requestFromFrame', () => {
  it('reads the envelope and leaves the body for its handler', () => {
    expect(requestFromJson(Buffer.from('{"type":"marker","id":"m1","body":{"kind":"k"}}'))).toEqual({ request: { type: 'marker', id: 'm1', body: { kind: 'k' } } });
    expect(requestFromJson(Buffer.from(' {"type":"ping"} \r'))).toEqual({ request: { type: 'ping', id: null, body: undefined } });
  });

  it('keeps the id when it can, for the error reply', () => {
    const parsed = requestFromJson(Buffer.from('{"type":"weather","id":42}'));
    expect(parsed).toMatchObject({ id: 42, error: { code: 'UNKNOWN_TYPE' } });
    expect(requestFromJson(Buffer.from('{"type":"ping","id":{"x":1}}'))).toMatchObject({ id: null, error: { code: 'INVALID', message: '"id" must be a string or a number, got {"x":1}' } });
  });

  it('decodes and checks a protobuf body once: the handler takes the message, which records the bytes its JSON form would', () => {
    const body = {
      sourceId: 'ros', weather: { precipitation: schema.Weather.Precipitation.HAIL, temperatureC: -3.5 },
      gnss: { fix: schema.Gnss.Fix.DGPS, latitudeDeg: 52.123456789, longitudeDeg: -1.5 },
      measurements: [{ name: 'wind', value: 3.25, unit: 'm/s' }], perceptionConfidence: 0,
    };
    const parsed = requestFromFrame(Buffer.concat([Buffer.from([1]), schema.Conditions.encode(body).finish()]), 3);
    const decoded = (parsed as { request: ApiRequest }).request.body;
    expect(parsed).toMatchObject({ request: { type: 'conditions', id: 3 } });
    expect(decoded).toBeInstanceOf(DecodedBody);
    const conditions = bodyOf('conditions', decoded);
    expect(conditions).toBe((decoded as DecodedBody).message);
    const json = {
      source_id: 'ros', weather: { precipitation: 'HAIL', temperature_c: -3.5 }, gnss: { fix: 'DGPS', latitude_deg: 52.123456789, longitude_deg: -1.5 },
      measurements: [{ name: 'wind', value: 3.25, unit: 'm/s' }], perception_confidence: 0,
    };
    expect(Buffer.from(encodeBody({ conditions }).bytes)).toEqual(Buffer.from(encodeBody(bodyFromJson('conditions', json)).bytes));
    expect(() => bodyOf('marker', decoded)).toThrow('expected a marker body, got conditions');
  });
});

describe('findUnknownField', () => {
  it('finds nothing in whatever the schema itself encodes', () => {
    const messages: [typeof schema.Conditions | typeof schema.Decision | typeof schema.Handover | typeof schema.Marker, object][] = [
      [schema.Conditions, {
        sourceId: 's', weather: { precipitation: 2, precipitationMmH: 0, visibilityM: 10, fogDensity: 0.5, temperatureC: 1, windSpeedMS: 2, humidityPct: 3 },
        lighting: { lux: 1, sunElevationDeg: -4, glare: 0 }, vibration: { rmsX: 1, rmsY: 2, rmsZ: 3, clipX: 1, clipY: 0, clipZ: 4 },
        occlusion: { fraction: 0.1, cause: 2, sensor: 'cam' }, gnss: { fix: 6, satellites: 20, hdop: 0.7, latitudeDeg: 1, longitudeDeg: 2, altitudeM: 3, speedMS: 4 },
        perceptionConfidence: 0.9, measurements: [{ name: 'a', value: 1, unit: 'u' }, { name: 'b', value: 0 }],
      }],
      [schema.Decision, {
        verdict: 2, criteria: [{ name: 'min_lux', value: 3, comparator: 4, threshold: 100, pass: false, unit: 'lx' }, { name: 'x', pass: true }],
        riskLevel: 'high', criteriaHash: new Uint8Array(32).fill(7), criteriaVersion: '3', modelId: 'm', modelVersion: '1', confidence: 0.1, trigger: 3, reason: 'r',
      }],
      [schema.Handover, {
        handoverId: 'h', fromMode: 'a', toMode: 'b', fromAuthority: 1, toAuthority: 2, initiator: 3, phase: 4, reason: 'r',
        requestedUnixNs: fromBigInt(1_700_000_000_000_000_000n), acceptedUnixNs: fromBigInt(18_446_744_073_709_551_615n), operatorId: 'o', decisionSeq: 9,
      }],
      [schema.Marker, { kind: 'k', text: 't', severity: 3, tags: { a: '1', b: '', '': 'x' } }],
    ];
    for (const [type, message] of messages) {
      expect(findUnknownField(decodeKeepingUnknowns(type as { decode(reader: never): object }, type.encode(message as never).finish()))).toBeUndefined();
    }
  });
});
