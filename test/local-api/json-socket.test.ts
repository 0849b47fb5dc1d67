// The local API over the Unix socket with newline-delimited JSON: every message type, replies in order
// under pipelining, and every refusal (INVALID naming the field, BAD_JSON, TOO_LARGE, OUTBOX_FULL).
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApiSource } from '../../agent/sources/local-api/index.js';
import { schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { outboxFull, startFakeApi, type FakeOptions } from './fake-context.js';
import { RawSocket } from './raw-socket.js';

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

const send = (client: RawSocket, ...messages: unknown[]) => client.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));

describe('local API, JSON lines: good messages', () => {
  it('records every message type and replies with its seq', async () => {
    const { ctx, client } = await start({}, { evaluate: async () => ({ seq: 9, verdict: 'no-go', failing: ['min_lux'], handoverSeq: 10, evaluation: {} as never }) });
    send(client,
      { type: 'conditions', id: 'c1', body: { source_id: 'ros:perception', weather: { precipitation: 'RAIN', visibility_m: 800 }, perception_confidence: 0.8 } },
      { type: 'decision', id: 2, body: { verdict: 'NO_GO', risk_level: 'high', reason: 'fog' } },
      { type: 'handover', id: 3, body: { handover_id: 'h1', phase: 'REQUESTED', from_authority: 'AUTONOMY', to_authority: 'HUMAN', reason: 'fog' } },
      { type: 'handover', id: 4, body: { handoverId: 'h1', phase: 'ACCEPTED', operatorId: 'op-1' } },
      { type: 'marker', id: 5, body: { kind: 'mission_start', severity: 'INFO', tags: { Mission: 'm-12' } } },
      { type: 'evaluate', id: 6 },
      { type: 'ping', id: 7 },
    );
    expect(await client.lines(7)).toEqual([
      { id: 'c1', ok: true, seq: 1 },
      { id: 2, ok: true, seq: 2 },
      { id: 3, ok: true, seq: 3 },
      { id: 4, ok: true, seq: 4 },
      { id: 5, ok: true, seq: 5 },
      { id: 6, ok: true, seq: 9, verdict: 'no-go', failing: ['min_lux'], handover_seq: 10 },
      { id: 7, ok: true, device_id: 'uav-7', protocol: 1 },
    ]);
    expect(ctx.bodies.map((b) => Object.keys(b)[0])).toEqual(['conditions', 'decision', 'handover', 'handover', 'marker']);
    const [conditions, decision, request, accept, marker] = ctx.bodies as any[];
    expect(conditions.conditions.weather.precipitation).toBe(schema.Weather.Precipitation.RAIN);
    expect(conditions.conditions.sourceId).toBe('ros:perception');
    expect(decision.decision.trigger).toBe(schema.Decision.Trigger.EXTERNAL);
    expect(request.handover.phase).toBe(schema.Handover.Phase.REQUESTED);
    expect(accept.handover.operatorId).toBe('op-1');
    expect(marker.marker.tags).toEqual({ Mission: 'm-12' });
    expect(ctx.evaluations).toBe(1);
  });

  it('keeps a decision trigger the stack gives, and names conditions "api" when the stack does not', async () => {
    const { ctx, client } = await start();
    send(client, { type: 'decision', body: { verdict: 'GO', trigger: 'ON_DEMAND' } }, { type: 'conditions', body: { lighting: { lux: 20 } } });
    expect(await client.lines(2)).toEqual([{ id: null, ok: true, seq: 1 }, { id: null, ok: true, seq: 2 }]);
    expect((ctx.bodies[0] as any).decision.trigger).toBe(schema.Decision.Trigger.ON_DEMAND);
    expect((ctx.bodies[1] as any).conditions.sourceId).toBe('api');
  });

  it('says kept_in_window when a conditions sample was thinned', async () => {
    const { client } = await start({}, { thin: (b) => 'conditions' in b });
    send(client, { type: 'conditions', id: 1, body: { lighting: { lux: 5 } } });
    expect(await client.lines(1)).toEqual([{ id: 1, ok: true, kept_in_window: true }]);
  });

  it('replies in request order when many requests are written at once, whatever order captures finish in', async () => {
    // Early captures finish last: replies must still come back in request order, records in that order too.
    const { api, ctx, client } = await start({}, { delayMs: (n) => (n < 50 ? 50 - n : 0) });
    const n = 500;
    client.write(Array.from({ length: n }, (_, i) => `${JSON.stringify({ type: 'marker', id: i, body: { kind: 'k', text: String(i) } })}\n`).join(''));
    const replies = await client.lines(n);
    expect(replies.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(ctx.bodies.map((b) => (b as any).marker.text)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    expect(api.counters()).toMatchObject({ messages_marker: n, captured: n, connections: 1 });
  });
});

describe('local API, JSON lines: flow control', () => {
  it('a client that writes thousands of messages before reading any reply still gets every reply, in order', async () => {
    const { ctx, client } = await start();
    const n = 5000;
    client.socket.pause();
    client.write(Array.from({ length: n }, (_, i) => `${JSON.stringify({ type: 'marker', id: i, body: { kind: 'flood', text: 'y'.repeat(100) } })}\n`).join(''));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.socket.resume();
    const replies = await client.lines(n, 15_000);
    expect(replies.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(ctx.bodies).toHaveLength(n);
  });
});

describe('local API, JSON lines: refusals', () => {
  it.each([
    ['an unknown field', { type: 'conditions', id: 1, body: { weather: { visibilty: 10 } } }, 'conditions: unknown field "weather.visibilty"'],
    ['a wrong type', { type: 'conditions', id: 1, body: { gnss: { satellites: 'many' } } }, /conditions: .*gnss\.satellites.*"many"/],
    ['a bad enum name', { type: 'conditions', id: 1, body: { weather: { precipitation: 'DRIZZLE' } } }, /conditions: .*weather\.precipitation.*"DRIZZLE"/],
    ['a decision without verdict', { type: 'decision', id: 1, body: { reason: 'x' } }, 'decision: "verdict" is required'],
    ['a handover without phase', { type: 'handover', id: 1, body: { handover_id: 'h' } }, 'handover: "phase" is required'],
    ['a missing body', { type: 'marker', id: 1 }, 'marker: "body" is required'],
    ['a body for ping', { type: 'ping', id: 1, body: { x: 1 } }, 'ping: takes no body'],
    ['a stray envelope key', { type: 'marker', id: 1, bdy: {} }, 'unknown key "bdy"'],
    ['a missing type', { id: 1, body: {} }, 'missing "type"'],
  ])('%s: INVALID with the field named', async (_what, message, expected) => {
    const { ctx, client } = await start();
    send(client, message);
    const [reply] = await client.lines(1);
    expect(reply).toMatchObject({ id: 1, ok: false, error: { code: 'INVALID', retryable: false } });
    if (typeof expected === 'string') expect(reply.error.message).toContain(expected);
    else expect(reply.error.message).toMatch(expected);
    expect(ctx.bodies).toEqual([]);
  });

  it('an unknown type: UNKNOWN_TYPE listing the valid ones', async () => {
    const { client } = await start();
    send(client, { type: 'weather', id: 'w' });
    expect(await client.lines(1)).toEqual([{
      id: 'w', ok: false,
      error: { code: 'UNKNOWN_TYPE', retryable: false, message: 'unknown message type "weather": expected conditions, decision, handover, marker, evaluate or ping' },
    }]);
  });

  it('evaluate without criteria configured: INVALID saying what to add', async () => {
    const { client } = await start();
    send(client, { type: 'evaluate', id: 1 });
    expect((await client.lines(1))[0].error).toMatchObject({ code: 'INVALID', message: expect.stringContaining('criteria') });
  });

  it('bad JSON: BAD_JSON, and the connection keeps working', async () => {
    const { api, client } = await start();
    client.write('{"type": "marker", "body": {\n[1,2\n\n   \n"just a string"\n');
    send(client, { type: 'ping', id: 'after' });
    const replies = await client.lines(4);
    expect(replies.map((r) => r.error?.code ?? 'ok')).toEqual(['BAD_JSON', 'BAD_JSON', 'INVALID', 'ok']);
    expect(replies[0].error.message).toMatch(/^not valid JSON \(.+\): send one JSON object per line/);
    expect(replies[3]).toMatchObject({ id: 'after', ok: true });
    expect(api.counters()).toMatchObject({ errors_bad_json: 2, errors_invalid: 1, messages_ping: 1 });
  });

  it('invalid UTF-8: BAD_JSON', async () => {
    const { client } = await start();
    client.write(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
    expect((await client.lines(1))[0].error).toMatchObject({ code: 'BAD_JSON', message: expect.stringContaining('UTF-8') });
  });

  it('an oversized line: TOO_LARGE, skipped to its newline, then the connection keeps working', async () => {
    const { ctx, client } = await start({ max_message_bytes: 256 });
    const big = JSON.stringify({ type: 'marker', id: 1, body: { kind: 'k', text: 'x'.repeat(2000) } });
    // Sent in pieces, so the line is still open when the limit is crossed.
    client.write(big.slice(0, 1000));
    client.write(`${big.slice(1000)}\n`);
    send(client, { type: 'marker', id: 2, body: { kind: 'small' } });
    const replies = await client.lines(2);
    expect(replies[0]).toMatchObject({ id: null, ok: false, error: { code: 'TOO_LARGE', message: expect.stringContaining('max_message_bytes (256)') } });
    expect(replies[1]).toEqual({ id: 2, ok: true, seq: 1 });
    expect(ctx.bodies).toHaveLength(1);
  });

  it('OUTBOX_FULL from the outbox comes back as a retryable reply; later messages still get theirs', async () => {
    const { api, client } = await start({}, { fail: (b) => ('conditions' in b ? outboxFull() : undefined) });
    send(client, { type: 'conditions', id: 1, body: { lighting: { lux: 3 } } }, { type: 'marker', id: 2, body: { kind: 'k' } });
    const [full, ok] = await client.lines(2);
    expect(full).toMatchObject({ id: 1, ok: false, error: { code: 'OUTBOX_FULL', retryable: true, message: expect.stringContaining('quota') } });
    expect(ok).toEqual({ id: 2, ok: true, seq: 1 });
    expect(api.counters()).toMatchObject({ errors_outbox_full: 1 });
  });

  it('an unexpected capture failure: INTERNAL, and the server lives on', async () => {
    const { client } = await start({}, { fail: (b) => ('marker' in b ? new Error('disk on fire') : undefined) });
    send(client, { type: 'marker', id: 1, body: { kind: 'k' } }, { type: 'ping', id: 2 });
    const [failed, ping] = await client.lines(2);
    expect(failed.error).toEqual({ code: 'INTERNAL', message: 'disk on fire', retryable: false });
    expect(ping.ok).toBe(true);
  });

  it('a last line without newline is still answered when the client half-closes', async () => {
    const { client } = await start();
    client.write(JSON.stringify({ type: 'ping', id: 'eof' }));
    client.end();
    expect(await client.lines(1)).toMatchObject([{ id: 'eof', ok: true }]);
    await client.closed;
  });
});
