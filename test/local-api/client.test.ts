// The typed Node client: every call round-trips through a real socket, replies are matched by id even
// when many are in flight, refusals reject with LocalApiError, and bytes/64-bit values survive the JSON.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalApiClient, LocalApiError } from '../../agent/local-api-client/index.js';
import type { LocalApiSource } from '../../agent/sources/local-api/index.js';
import { fromBigInt, schema } from '../../proto/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { outboxFull, startFakeApi, type FakeOptions } from './fake-context.js';

const tempDir = useTempDirs('fp-api-');
let running: LocalApiSource[] = [];
let clients: LocalApiClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(running.map((api) => api.stop()));
  running = [];
  clients = [];
});

async function start(options: FakeOptions = {}) {
  const started = await startFakeApi(tempDir(), {}, options);
  running.push(started.api);
  const client = await LocalApiClient.connect(started.socket);
  clients.push(client);
  return { ...started, client };
}

describe('LocalApiClient', () => {
  it('round-trips every call, typed by the schema', async () => {
    const { ctx, client } = await start({ evaluate: async () => ({ seq: 7, verdict: 'go', failing: [], evaluation: {} as never }) });
    expect(await client.ping()).toEqual({ id: 1, ok: true, device_id: 'uav-7', protocol: 1 });
    expect(await client.conditions({ sourceId: 'ros', weather: { precipitation: schema.Weather.Precipitation.RAIN, fogDensity: 0.5 } }))
      .toEqual({ id: 2, ok: true, seq: 1 });
    expect((await client.decision({ verdict: schema.Decision.Verdict.NO_GO, criteriaHash: new Uint8Array([0xde, 0xad]), reason: 'fog' })).seq).toBe(2);
    expect((await client.handover({ handoverId: 'h', phase: schema.Handover.Phase.ACCEPTED, acceptedUnixNs: fromBigInt(18_446_744_073_709_551_615n) })).seq).toBe(3);
    expect((await client.marker({ kind: 'mission_end', severity: schema.Marker.Severity.INFO })).seq).toBe(4);
    expect(await client.evaluate()).toEqual({ id: 6, ok: true, seq: 7, verdict: 'go', failing: [] });
    const [, decision, handover] = ctx.bodies as any[];
    expect(decision.decision.trigger).toBe(schema.Decision.Trigger.EXTERNAL);
    expect([...decision.decision.criteriaHash]).toEqual([0xde, 0xad]);
    expect(String(handover.handover.acceptedUnixNs)).toBe('18446744073709551615');
  });

  it('matches replies to calls when many are in flight', async () => {
    const { client } = await start({ delayMs: (n) => (n % 5) * 2 });
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.marker({ kind: 'k', text: String(i) })));
    expect(replies.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('rejects refusals with LocalApiError carrying the code', async () => {
    const { client } = await start({ fail: (b) => ('conditions' in b ? outboxFull() : undefined) });
    const invalid = await client.marker({ kind: 'k', colour: 'red' } as never).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(LocalApiError);
    expect(invalid).toMatchObject({ code: 'INVALID', retryable: false, message: 'local API: INVALID: marker: unknown field "colour"' });
    const full = await client.conditions({ lighting: { lux: 1 } }).catch((e: unknown) => e);
    expect(full).toMatchObject({ code: 'OUTBOX_FULL', retryable: true });
    expect((await client.ping()).ok).toBe(true);
  });

  it('says what to check when the agent is not there, and rejects calls once the agent goes away', async () => {
    await expect(LocalApiClient.connect(join(tempDir(), 'none.sock'))).rejects.toThrow(/cannot connect \(ENOENT\): is the agent running with sources.local_api enabled\?/);
    const { api, ctx, client } = await start({ delayMs: () => 100 });
    const slow = client.marker({ kind: 'k' });
    await waitFor('the request to be read', () => ctx.bodies.length === 1);
    await api.stop();
    running = [];
    expect((await slow).seq).toBe(1);
    await expect(client.ping()).rejects.toThrow(/connection closed/);
  });
});
