// The local API over the Unix socket with length-prefixed protobuf frames (kind byte + message bytes):
// good frames of every kind, and truncated, oversized, unknown-kind, garbage and unknown-field frames.
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApiSource } from '../../agent/sources/local-api/index.js';
import { fromBigInt, schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { startFakeApi, type FakeOptions } from './fake-context.js';
import { frame, RawSocket } from './raw-socket.js';

const tempDir = useTempDirs('fp-api-');
let running: LocalApiSource[] = [];
afterEach(async () => {
  await Promise.all(running.map((api) => api.stop()));
  running = [];
});

async function start(config: Record<string, unknown> = {}, options: FakeOptions = {}) {
  const started = await startFakeApi(tempDir(), config, options);
  running.push(started.api);
  return { ...started, client: await RawSocket.connect(started.socket) };
}

const conditions = (c: Parameters<typeof schema.Conditions.encode>[0]) => frame(1, schema.Conditions.encode(c).finish());

describe('local API, protobuf frames: good messages', () => {
  it('records every kind and replies with length-prefixed JSON, ids counting frames from 1', async () => {
    const { ctx, client } = await start({}, { evaluate: async () => ({ seq: 40, verdict: 'go', failing: [], evaluation: {} as never }) });
    client.write(Buffer.concat([
      conditions({ sourceId: 'ros', weather: { precipitation: schema.Weather.Precipitation.SNOW, visibilityM: 120 }, gnss: { fix: schema.Gnss.Fix.RTK_FIXED, satellites: 14, latitudeDeg: 47.25 } }),
      frame(2, schema.Decision.encode({ verdict: schema.Decision.Verdict.GO, criteriaHash: new Uint8Array([1, 2, 3]), confidence: 0.75 }).finish()),
      frame(3, schema.Handover.encode({ handoverId: 'h9', phase: schema.Handover.Phase.REQUESTED, requestedUnixNs: fromBigInt(1_700_000_000_123_456_789n) }).finish()),
      frame(4, schema.Marker.encode({ kind: 'note', tags: { a: 'b' } }).finish()),
      frame(5),
      frame(6),
    ]));
    expect(await client.frames(6)).toEqual([
      { id: 1, ok: true, seq: 1 },
      { id: 2, ok: true, seq: 2 },
      { id: 3, ok: true, seq: 3 },
      { id: 4, ok: true, seq: 4 },
      { id: 5, ok: true, seq: 40, verdict: 'go', failing: [] },
      { id: 6, ok: true, device_id: 'uav-7', protocol: 1 },
    ]);
    const [c, d, h, m] = ctx.bodies as any[];
    expect(c.conditions).toMatchObject({ sourceId: 'ros', weather: { precipitation: schema.Weather.Precipitation.SNOW, visibilityM: 120 }, gnss: { satellites: 14, latitudeDeg: 47.25 } });
    expect(d.decision.trigger).toBe(schema.Decision.Trigger.EXTERNAL);
    expect([...d.decision.criteriaHash]).toEqual([1, 2, 3]);
    expect(d.decision.confidence).toBe(0.75);
    expect(String(h.handover.requestedUnixNs)).toBe('1700000000123456789');
    expect(m.marker.tags).toEqual({ a: 'b' });
  });

  it('replies in order when many frames are written at once', async () => {
    const { client } = await start({}, { delayMs: (n) => (n % 7) * 3 });
    const n = 300;
    client.write(Buffer.concat(Array.from({ length: n }, (_, i) => conditions({ lighting: { lux: i } }))));
    const replies = await client.frames(n);
    expect(replies.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(replies.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});

describe('local API, protobuf frames: refusals', () => {
  it('an unknown kind byte: UNKNOWN_TYPE, and the next frame is still read', async () => {
    const { client } = await start();
    client.write(Buffer.concat([frame(9, new Uint8Array([1, 2])), frame(0), frame(6)]));
    const [nine, zero, ping] = await client.frames(3);
    expect(nine).toMatchObject({ id: 1, ok: false, error: { code: 'UNKNOWN_TYPE', message: 'unknown kind byte 9: expected 1 conditions, 2 decision, 3 handover, 4 marker, 5 evaluate, 6 ping' } });
    expect(zero.error.code).toBe('UNKNOWN_TYPE');
    expect(ping).toMatchObject({ id: 3, ok: true });
  });

  it('garbage message bytes: INVALID naming the message type', async () => {
    const { ctx, client } = await start();
    client.write(Buffer.concat([frame(1, new Uint8Array([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f])), frame(2, new Uint8Array([0x0f]))]));
    const replies = await client.frames(2);
    expect(replies[0].error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^conditions: malformed protobuf \(.+\): the bytes after the kind byte must be one encoded fieldproof\.v1\.Conditions$/) });
    expect(replies[1].error).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/^decision: /) });
    expect(ctx.bodies).toEqual([]);
  });

  it('a field this agent does not know: INVALID naming its number and where, never dropped', async () => {
    const { client } = await start();
    const known = schema.Conditions.encode({ sourceId: 'x' }).finish();
    const topLevel = Buffer.concat([known, Buffer.from([0xa0, 0x01, 0x05])]); // field 20, varint 5
    const weather = Buffer.from([0x12, 0x02, 0x78, 0x01]); // weather { field 15: 1 }
    client.write(Buffer.concat([frame(1, topLevel), frame(1, weather)]));
    const [top, nested] = await client.frames(2);
    expect(top.error.message).toMatch(/^conditions: unknown field number 20 \(wire type 0\): not in this agent's fieldproof\.v1\.Conditions/);
    expect(nested.error.message).toMatch(/^conditions: unknown field number 15 \(wire type 0\) in "weather"/);
  });

  it('an unknown field inside a repeated message, by its index; explicit defaults are not unknown', async () => {
    const { client } = await start();
    const criterion = (extra: number[]) => Buffer.concat([schema.Criterion.encode({ name: 'c', threshold: 1 }).finish(), Buffer.from(extra)]);
    const first = criterion([0x28, 0x00]); // pass = false, written explicitly
    const second = criterion([0xb8, 0x01, 0x01]); // field 23, varint 1
    const body = Buffer.concat([Buffer.from([0x08, 0x01]), Buffer.from([0x12, first.length]), first, Buffer.from([0x12, second.length]), second]);
    client.write(frame(2, body));
    const [reply] = await client.frames(1);
    expect(reply.error.message).toMatch(/^decision: unknown field number 23 \(wire type 0\) in "criteria\[1\]"/);
  });

  it('an enum number the schema does not have, or NaN: INVALID naming the field, as a JSON client is told', async () => {
    const { client } = await start();
    const nan = schema.Conditions.encode({ measurements: [{ name: 'wind', value: NaN }] }).finish();
    client.write(Buffer.concat([frame(1, Buffer.from([0x12, 0x02, 0x08, 0x09])), frame(1, nan)])); // weather { precipitation: 9 }
    const [badEnum, notANumber] = await client.frames(2);
    expect(badEnum.error).toEqual({ code: 'INVALID', retryable: false, message: 'conditions: invalid value for "weather.precipitation": 9 is not a value of its enum' });
    expect(notANumber.error).toEqual({ code: 'INVALID', retryable: false, message: 'conditions: invalid value for "measurements[0].value": NaN' });
  });

  it('an empty frame, or bytes after evaluate: INVALID', async () => {
    const { client } = await start();
    client.write(Buffer.concat([Buffer.alloc(4), frame(5, new Uint8Array([1]))]));
    const [empty, evaluate] = await client.frames(2);
    expect(empty.error).toMatchObject({ code: 'INVALID', message: expect.stringContaining('empty frame') });
    expect(evaluate.error).toMatchObject({ code: 'INVALID', message: 'evaluate: takes no message, but 1 bytes follow the kind byte' });
  });

  it('a truncated length: INVALID when the client ends, then the connection closes', async () => {
    const { client } = await start();
    client.write(Buffer.concat([frame(6), Buffer.from([0x00, 0x00])]));
    client.end();
    const [ping, truncated] = await client.frames(2);
    expect(ping.ok).toBe(true);
    expect(truncated).toMatchObject({ id: 2, ok: false, error: { code: 'INVALID', message: 'truncated frame: the connection ended after 2 of the 4 length bytes' } });
    await client.closed;
  });

  it('a truncated message: INVALID saying how much arrived', async () => {
    const { client } = await start();
    const whole = conditions({ sourceId: 'a-long-enough-source-id' });
    client.write(whole.subarray(0, 10));
    client.end();
    const [reply] = await client.frames(1);
    expect(reply.error.message).toBe(`truncated frame: the connection ended after 6 of ${whole.length - 4} payload bytes`);
  });

  it('an oversized frame: TOO_LARGE, then the connection is closed; earlier records are kept', async () => {
    const { ctx, client } = await start({ max_message_bytes: 256 });
    const big = Buffer.alloc(4);
    big.writeUInt32BE(1_000_000, 0);
    client.write(Buffer.concat([conditions({ sourceId: 'before' }), big, Buffer.alloc(300)]));
    const [before, tooLarge] = await client.frames(2);
    expect(before).toEqual({ id: 1, ok: true, seq: 1 });
    expect(tooLarge).toMatchObject({ id: 2, ok: false, error: { code: 'TOO_LARGE', message: expect.stringContaining('frame length 1000000 exceeds max_message_bytes (256)') } });
    await client.closed;
    expect(ctx.bodies).toHaveLength(1);
  });
});
