// The optional loopback UDP listener: one fire-and-forget JSON message per datagram, no reply;
// good ones are recorded, bad ones counted (and logged at debug), never fatal.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApiSource } from '../../agent/sources/local-api/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startFakeApi } from './fake-context.js';

const tempDir = useTempDirs('fp-api-');
let running: LocalApiSource[] = [];
afterEach(async () => {
  await Promise.all(running.map((api) => api.stop()));
  running = [];
});

/** A port free right now on loopback. */
async function freeUdpPort(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function sendDatagrams(port: number, datagrams: (string | Buffer)[]): Promise<void> {
  const client = createSocket('udp4');
  for (const d of datagrams) await new Promise<void>((resolve, reject) => client.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  client.close();
}

describe('local API over loopback UDP', () => {
  it('records good datagrams and counts bad ones without replying', async () => {
    const port = await freeUdpPort();
    const { api, ctx } = await startFakeApi(tempDir(), { udp_port: port, max_message_bytes: 256 });
    running.push(api);
    expect(api.udpPort()).toBe(port);
    await sendDatagrams(port, [
      JSON.stringify({ type: 'conditions', body: { source_id: 'ros:lidar', occlusion: { fraction: 0.25, cause: 'DIRT' } } }),
      `${JSON.stringify({ type: 'marker', body: { kind: 'waypoint', text: '3' } })}\n`,
      'not json',
      JSON.stringify({ type: 'conditions', body: { weather: { visibilty: 3 } } }),
      JSON.stringify({ type: 'nope' }),
      JSON.stringify({ type: 'marker', body: { kind: 'k', text: 'x'.repeat(300) } }),
    ]);
    await waitFor('6 datagrams handled', () => api.counters().udp_datagrams === 6 && api.counters().udp_errors === 4, { timeoutMs: 5000, describe: () => api.counters() });
    expect(ctx.bodies.map((b) => Object.keys(b)[0])).toEqual(['conditions', 'marker']);
    expect((ctx.bodies[0] as any).conditions.sourceId).toBe('ros:lidar');
    expect(api.counters()).toMatchObject({ errors_bad_json: 1, errors_invalid: 1, errors_unknown_type: 1, errors_too_large: 1, captured: 2 });
  });

  it('is off unless udp_port is set', async () => {
    const { api } = await startFakeApi(tempDir());
    running.push(api);
    expect(api.udpPort()).toBeUndefined();
  });

  it('refuses to start when the UDP port is taken, and frees the socket path again', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', () => resolve()));
    const dir = tempDir();
    await expect(startFakeApi(dir, { udp_port: taken.address().port })).rejects.toThrow(/sources\.local_api\.udp_port 127\.0\.0\.1:\d+: already in use/);
    taken.close();
    const { api } = await startFakeApi(dir);
    running.push(api);
  });
});
