// Numbers a field cannot hold, over a real socket: Infinity (1e400, "Infinity", protobuf +Inf), float32
// overflow and out-of-range fractions are INVALID naming the field, nothing is appended, the connection lives on.
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApiSource } from '../../agent/sources/local-api/index.js';
import { FLOAT32_MAX } from '../../proto/field-ranges.js';
import { schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { startFakeApi } from './fake-context.js';
import { frame, RawSocket } from './raw-socket.js';

const tempDir = useTempDirs('fp-api-');
let running: LocalApiSource[] = [];
afterEach(async () => {
  await Promise.all(running.map((api) => api.stop()));
  running = [];
});

async function start() {
  const started = await startFakeApi(tempDir());
  running.push(started.api);
  return { ...started, client: await RawSocket.connect(started.socket) };
}

const FLOAT32 = `that a float32 can hold (|x| <= ${FLOAT32_MAX})`;
const invalid = (message: string) => ({ ok: false, error: { code: 'INVALID', retryable: false, message } });

describe('local API, JSON lines: numbers a field cannot hold', () => {
  // Written as raw text: JSON.stringify cannot produce 1e400, and it is what a client's float formatting may send.
  const lines: [string, string, string][] = [
    ['1e400 (JSON.parse makes it Infinity)', '{"type":"conditions","id":1,"body":{"lighting":{"lux":1e400}}}', 'conditions: lighting.lux: expected a finite number >= 0, got Infinity'],
    ['"Infinity" as a string', '{"type":"conditions","id":2,"body":{"lighting":{"lux":"Infinity"}}}', 'conditions: lighting.lux: expected a finite number >= 0, got Infinity'],
    ['-1e400 in a double', '{"type":"conditions","id":3,"body":{"measurements":[{"name":"wind","value":-1e400}]}}', 'conditions: measurements[0].value: expected a finite number, got -Infinity'],
    ['beyond float32 (would be stored as Infinity)', '{"type":"conditions","id":4,"body":{"lighting":{"lux":1e39}}}', `conditions: lighting.lux: expected a finite number >= 0 ${FLOAT32}, got 1e+39`],
    ['a confidence above 1', '{"type":"conditions","id":5,"body":{"perception_confidence":1.5}}', 'conditions: perception_confidence: expected a finite number from 0 to 1, got 1.5'],
    ['a fog density below 0 (camelCase key)', '{"type":"conditions","id":6,"body":{"weather":{"fogDensity":-0.1}}}', 'conditions: weather.fog_density: expected a finite number from 0 to 1, got -0.1'],
    ['negative lux', '{"type":"conditions","id":7,"body":{"lighting":{"lux":-5}}}', 'conditions: lighting.lux: expected a finite number >= 0, got -5'],
    ['latitude 91', '{"type":"conditions","id":8,"body":{"gnss":{"fix":"FIX_3D","latitude_deg":91}}}', 'conditions: gnss.latitude_deg: expected a finite number from -90 to 90, got 91'],
    ['a decision confidence of 2', '{"type":"decision","id":9,"body":{"verdict":"GO","confidence":2}}', 'decision: confidence: expected a finite number from 0 to 1, got 2'],
    ['an infinite criterion threshold', '{"type":"decision","id":10,"body":{"verdict":"NO_GO","criteria":[{"name":"min_lux","threshold":"-Infinity"}]}}', 'decision: criteria[0].threshold: expected a finite number, got -Infinity'],
  ];

  it.each(lines)('%s: INVALID naming the field, nothing appended', async (_what, line, message) => {
    const { ctx, client } = await start();
    client.write(`${line}\n{"type":"ping","id":"after"}\n`);
    const [refused, ping] = await client.lines(2);
    expect(refused).toEqual({ id: JSON.parse(line.replace(/-?1e400/, '0')).id, ...invalid(message) });
    expect(ping).toMatchObject({ id: 'after', ok: true });
    expect(ctx.bodies).toEqual([]);
  });

  it('JSON nested 5,000 deep: INVALID with its own message, nothing appended, and the connection keeps serving', async () => {
    const { ctx, client, api } = await start();
    const deep = 5000;
    client.write(`{"type":"conditions","id":1,"body":{"measurements":${'['.repeat(deep)}${']'.repeat(deep)}}}\n`);
    client.write(`{"type":"marker","id":2,"body":{"kind":"note","text":"${'['.repeat(deep)}"}}\n`); // brackets in a string are text
    client.write('{"type":"conditions","id":3,"body":{"lighting":{"lux":120}}}\n');
    const replies = await client.lines(3);
    expect(replies[0]).toEqual({ id: null, ...invalid('JSON nested more than 64 levels deep: refused unparsed (no fieldproof message nests more than 5)') });
    expect(replies.slice(1)).toEqual([{ id: 2, ok: true, seq: 1 }, { id: 3, ok: true, seq: 2 }]);
    expect(ctx.bodies.map((b) => Object.keys(b)[0])).toEqual(['marker', 'conditions']);
    expect(api.counters()).toMatchObject({ errors_invalid: 1 });
  });
});

describe('local API, protobuf frames: numbers a field cannot hold', () => {
  const conditions = (c: Parameters<typeof schema.Conditions.encode>[0]) => frame(1, schema.Conditions.encode(c).finish());
  const frames: [string, Buffer, string][] = [
    ['+Inf on the wire', conditions({ lighting: { lux: Infinity } }), 'conditions: lighting.lux: expected a finite number >= 0, got Infinity'],
    ['1e39 in a float (encodes as +Inf)', conditions({ lighting: { lux: 1e39 } }), 'conditions: lighting.lux: expected a finite number >= 0, got Infinity'],
    ['-Inf in a double', conditions({ gnss: { longitudeDeg: -Infinity } }), 'conditions: gnss.longitude_deg: expected a finite number from -180 to 180, got -Infinity'],
    ['a confidence above 1', conditions({ perceptionConfidence: 1.25 }), 'conditions: perception_confidence: expected a finite number from 0 to 1, got 1.25'],
    ['an occlusion fraction above 1', conditions({ occlusion: { fraction: 2 } }), 'conditions: occlusion.fraction: expected a finite number from 0 to 1, got 2'],
    ['humidity of 120 %', conditions({ weather: { humidityPct: 120 } }), 'conditions: weather.humidity_pct: expected a finite number from 0 to 100, got 120'],
    ['a negative visibility', conditions({ weather: { visibilityM: -10 } }), 'conditions: weather.visibility_m: expected a finite number >= 0, got -10'],
    ['a decision confidence below 0', frame(2, schema.Decision.encode({ verdict: schema.Decision.Verdict.GO, confidence: -0.5 }).finish()), 'decision: confidence: expected a finite number from 0 to 1, got -0.5'],
  ];

  it('each is INVALID naming the field, nothing appended, and the next frame is recorded', async () => {
    const { ctx, client } = await start();
    client.write(Buffer.concat([...frames.map(([, f]) => f), conditions({ lighting: { lux: 0 }, perceptionConfidence: 1 })]));
    const replies = await client.frames(frames.length + 1);
    expect(replies.slice(0, -1)).toEqual(frames.map(([, , message], i) => ({ id: i + 1, ...invalid(message) })));
    expect(replies.at(-1)).toEqual({ id: frames.length + 1, ok: true, seq: 1 });
    expect(ctx.bodies).toHaveLength(1);
  });
});
