// bodyFromJson: JSON typed by a user or API client becomes a record body; snake_case keys and enum names
// are accepted, and anything the schema would silently drop (unknown fields, bad enum names) is refused by name.
import { describe, expect, it } from 'vitest';
import { bodyFromJson, decodeRecord, encodeBody, encodeRecord, fromBigInt, recordToJson, GENESIS_HASH, type Body } from '../proto/index.js';

/** The body as it would be stored: encoded in a record, decoded, shown as JSON. */
function stored(body: Body): Record<string, unknown> {
  const json = recordToJson(decodeRecord(encodeRecord({ deviceId: 'd', seq: 1, timeUnixNs: 1n, monoNs: 1n, prevHash: GENESIS_HASH }, body)));
  const { deviceId: _d, seq: _s, timeUnixNs: _t, monoNs: _m, prevHash: _p, body: _kind, ...rest } = json;
  return rest;
}

describe('bodyFromJson accepts', () => {
  it('snake_case keys and enum names', () => {
    const body = bodyFromJson('conditions', {
      source_id: 'api',
      weather: { precipitation: 'RAIN', precipitation_mm_h: 4.25, wind_speed_m_s: 3 },
      gnss: { fix: 'RTK_FIXED', satellites: 12, latitude_deg: 52.5 },
      perception_confidence: 0.5,
    });
    expect(stored(body)).toEqual({
      conditions: {
        sourceId: 'api',
        weather: { precipitation: 'RAIN', precipitationMmH: 4.25, windSpeedMS: 3 },
        gnss: { fix: 'RTK_FIXED', satellites: 12, latitudeDeg: 52.5 },
        perceptionConfidence: 0.5,
      },
    });
  });

  it('camelCase keys and numeric enum values alike', () => {
    const body = bodyFromJson('conditions', { sourceId: 'api', weather: { precipitation: 3, precipitationMmH: 1 } });
    expect(stored(body)).toEqual({ conditions: { sourceId: 'api', weather: { precipitation: 'SNOW', precipitationMmH: 1 } } });
  });

  it('kind names in camelCase, snake_case or kebab-case', () => {
    for (const kind of ['keyRotation', 'key_rotation', 'key-rotation']) {
      expect(Object.keys(bodyFromJson(kind, { old_key_id: 'a', new_key_id: 'b' }))).toEqual(['keyRotation']);
    }
  });

  it('a NO_GO decision with its criteria', () => {
    const body = bodyFromJson('decision', {
      verdict: 'NO_GO', risk_level: 'high',
      criteria: [{ name: 'min_lux', value: 40, comparator: 'GE', threshold: 100, pass: false, unit: 'lx' }],
    });
    expect(stored(body)).toEqual({
      decision: { verdict: 'NO_GO', riskLevel: 'high', criteria: [{ name: 'min_lux', value: 40, comparator: 'GE', threshold: 100, unit: 'lx' }] },
    });
  });

  it('marker tags verbatim: map keys are data, not field names', () => {
    const body = bodyFromJson('marker', { kind: 'note', tags: { Site_Name: 'north', run_id: '3' } });
    expect(stored(body)).toEqual({ marker: { kind: 'note', tags: { Site_Name: 'north', run_id: '3' } } });
  });

  it('uint64 values given as decimal strings, up to 2^64-1', () => {
    const body = bodyFromJson('handover', { handover_id: 'h', requested_unix_ns: '18446744073709551615', decision_seq: 12 });
    expect(stored(body)).toEqual({ handover: { handoverId: 'h', requestedUnixNs: '18446744073709551615', decisionSeq: '12' } });
  });

  it('an empty object', () => {
    expect(stored(bodyFromJson('marker', {}))).toEqual({ marker: {} });
  });
});

describe('bodyFromJson refuses', () => {
  it('an unknown kind, listing the valid ones', () => {
    expect(() => bodyFromJson('weather', {})).toThrow('unknown record kind "weather": expected one of boot, conditions, handover, decision, health, marker, gap, keyRotation');
  });

  it.each([
    ['an array', [], 'conditions: expected a JSON object, got an array'],
    ['null', null, 'conditions: expected a JSON object, got null'],
    ['a number', 5, 'conditions: expected a JSON object, got 5'],
    ['a string', 'rain', 'conditions: expected a JSON object, got "rain"'],
  ])('%s instead of an object', (_what, json, message) => {
    expect(() => bodyFromJson('conditions', json)).toThrow(message);
  });

  it('an unknown top-level field, by name', () => {
    expect(() => bodyFromJson('conditions', { wether: { precipitation: 'RAIN' } })).toThrow('conditions: unknown field "wether"');
  });

  it('an unknown nested field, by its path', () => {
    expect(() => bodyFromJson('conditions', { weather: { precip: 'RAIN' } })).toThrow('conditions: unknown field "weather.precip"');
    expect(() => bodyFromJson('conditions', { weather: { precipitation_mm: 4 } })).toThrow('unknown field "weather.precipitationMm"');
  });

  it('an unknown field inside a repeated message, by its path', () => {
    expect(() => bodyFromJson('decision', { verdict: 'NO_GO', criteria: [{ name: 'a', pass: true }, { name: 'b', thresold: 3 }] }))
      .toThrow('decision: unknown field "criteria[1].thresold"');
    expect(() => bodyFromJson('conditions', { measurements: [{ name: 'a', value: 1, units: 'm' }] }))
      .toThrow('conditions: unknown field "measurements[0].units"');
    expect(() => bodyFromJson('boot', { models: [{ id: 'a', verison: '1' }] })).toThrow('boot: unknown field "models[0].verison"');
  });

  it('an enum name the schema does not have, instead of recording UNSPECIFIED', () => {
    expect(() => bodyFromJson('decision', { verdict: 'NOGO' })).toThrow(/decision: .*verdict.*"NOGO"/);
    expect(() => bodyFromJson('conditions', { weather: { precipitation: 'DRIZZLE' } })).toThrow(/conditions: .*weather\.precipitation.*"DRIZZLE"/);
    expect(() => bodyFromJson('decision', { criteria: [{ name: 'a', comparator: 'GREATER' }] })).toThrow(/criteria\[0\]\.comparator.*"GREATER"/);
  });

  it('an enum number the schema does not have', () => {
    expect(() => bodyFromJson('decision', { verdict: 7 })).toThrow(/decision: .*verdict/);
  });

  it('a value that would be stored as something else (NaN, a wrapped negative, a truncated number)', () => {
    expect(() => bodyFromJson('conditions', { lighting: { lux: 'bright' } })).toThrow(/conditions: .*lighting\.lux.*"bright"/);
    expect(() => bodyFromJson('conditions', { gnss: { satellites: -1 } })).toThrow(/conditions: .*gnss\.satellites.*-1/);
    expect(() => bodyFromJson('conditions', { gnss: { satellites: 4.5 } })).toThrow(/conditions: .*gnss\.satellites.*4\.5/);
    expect(() => bodyFromJson('handover', { requested_unix_ns: -5 })).toThrow(/handover: .*requestedUnixNs.*-5/);
    expect(() => bodyFromJson('handover', { handover_id: 'h', accepted_unix_ns: 'soon' })).toThrow(/handover: .*acceptedUnixNs.*"soon"/);
  });

  it('a field that would lose its value to a type mismatch', () => {
    expect(() => bodyFromJson('decision', { criteria: [{ name: 'a', pass: 'false' }] })).toThrow(/criteria\[0\]\.pass.*"false"/);
  });

  it('an enum number that would be truncated or wrapped into another value', () => {
    expect(() => bodyFromJson('marker', { severity: 2.5 })).toThrow(/marker: .*severity.*2\.5/);
    expect(() => bodyFromJson('decision', { verdict: 4294967296 })).toThrow(/decision: .*verdict.*4294967296/);
    expect(() => bodyFromJson('decision', { verdict: 2 ** 32 + 1 })).toThrow(/decision: .*verdict/);
    expect(() => bodyFromJson('marker', { severity: 0 })).not.toThrow();
    expect(() => bodyFromJson('marker', { severity: 'SEVERITY_UNSPECIFIED' })).not.toThrow();
  });

  it('a key that only exists on Object.prototype is an unknown field', () => {
    expect(() => bodyFromJson('marker', { kind: 's', toString: { low: 2, high: 0 } })).toThrow('marker: unknown field "toString"');
    expect(() => bodyFromJson('conditions', { weather: { constructor: 5 } })).toThrow('conditions: unknown field "weather.constructor"');
  });

  it('a list or an object where the schema has a single value', () => {
    expect(() => bodyFromJson('marker', { kind: ['x', 'y'] })).toThrow('marker: invalid value for "kind": a list where the schema has a single value');
    expect(() => bodyFromJson('marker', { kind: { a: 1 } })).toThrow('marker: invalid value for "kind": an object where the schema has a single value');
    expect(() => bodyFromJson('conditions', { lighting: { lux: [5] } })).toThrow(/lighting\.lux.*a list/);
  });

  it('64-bit values as decimal strings in optional fields, and as {low, high}', () => {
    expect(encodeBody(bodyFromJson('health', { mem_used_bytes: '1000', process_rss_bytes: '0', mem_total_bytes: '18446744073709551615' })).bytes)
      .toEqual(encodeBody({ health: { memUsedBytes: 1000, processRssBytes: 0, memTotalBytes: fromBigInt(2n ** 64n - 1n) } }).bytes);
    expect(() => bodyFromJson('health', { mem_used_bytes: 'x' })).toThrow(/health: .*memUsedBytes.*"x"/);
    // JSON has no bigint; one passed in by code is named, not a crash in the error message itself.
    expect(() => bodyFromJson('health', { mem_used_bytes: 5n })).toThrow('health: invalid value for "memUsedBytes": 5n');
    expect(() => bodyFromJson('handover', { requested_unix_ns: { low: 5, high: 0 } })).not.toThrow();
  });

  it('bytes as a list of byte values or as bytes, and the same shape with other values (memoized probe)', () => {
    const a = bodyFromJson('decision', { criteria_hash: [1, 2, 3] }) as { decision: { criteriaHash: Uint8Array } };
    expect(Buffer.from(a.decision.criteriaHash)).toEqual(Buffer.from([1, 2, 3]));
    expect(() => bodyFromJson('decision', { criteria_hash: [1, 2, 300] })).toThrow(/criteriaHash.*a list/);
    for (const precipitation of ['RAIN', 'SNOW', 3, 0]) {
      expect(() => bodyFromJson('conditions', { weather: { precipitation, visibility_m: 100 } })).not.toThrow();
    }
    expect(() => bodyFromJson('conditions', { weather: { precipitation: 'FOGGY', visibility_m: 100 } })).toThrow(/precipitation.*"FOGGY"/);
  });
});

describe('bodyFromJson refuses numbers a field cannot hold, naming the field', () => {
  it.each([
    ['lighting', '{"lighting":{"lux":1e400}}', 'lighting.lux: expected a finite number >= 0, got Infinity'],
    ['negative lux', '{"lighting":{"lux":-1}}', 'lighting.lux'],
    ['float32 overflow', '{"weather":{"visibility_m":1e39}}', 'weather.visibility_m'],
    ['confidence above 1', '{"perception_confidence":1.5}', 'perception_confidence'],
  ])('%s', (_what, json, message) => {
    expect(() => bodyFromJson('conditions', JSON.parse(json))).toThrow(message);
  });
});
