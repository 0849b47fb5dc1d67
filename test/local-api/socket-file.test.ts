// The socket file's life: a stale file is replaced, a live agent's socket is never taken over, the
// mode is 0660, and stop() answers what was already read, closes clients and removes the file.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalApiSource, type LocalApiSource } from '../../agent/sources/local-api/index.js';
import { localApiSchema } from '../../config/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { fakeContext, startFakeApi } from './fake-context.js';
import { RawSocket } from './raw-socket.js';

const tempDir = useTempDirs('fp-api-');
let running: LocalApiSource[] = [];
afterEach(async () => {
  await Promise.all(running.map((api) => api.stop()));
  running = [];
});

const apiAt = (socket: string) => createLocalApiSource(localApiSchema.parse({ socket }), fakeContext());

async function ping(socket: string): Promise<Record<string, any>> {
  const client = await RawSocket.connect(socket);
  client.write('{"type":"ping","id":1}\n');
  const [reply] = await client.lines(1);
  client.close();
  return reply;
}

describe('local API socket file', () => {
  it('replaces a stale socket file left by a process that died', async () => {
    const socket = join(tempDir(), 'api.sock');
    // A process that listens and exits without closing leaves the file behind, with nobody listening.
    const child = spawnSync(process.execPath, ['-e', 'require("net").createServer().listen(process.argv[1], () => process.exit(0))', socket]);
    expect(child.status).toBe(0);
    expect(lstatSync(socket).isSocket()).toBe(true);
    const api = apiAt(socket);
    await api.start();
    running.push(api);
    expect(await ping(socket)).toMatchObject({ ok: true, device_id: 'uav-7' });
  });

  it('refuses to start while another agent listens on the socket, which keeps working', async () => {
    const { api, socket } = await startFakeApi(tempDir());
    running.push(api);
    await expect(apiAt(socket).start()).rejects.toThrow(`sources.local_api.socket ${socket}: another process is listening on it (another fieldproof agent?); stop it or choose another socket path`);
    expect(await ping(socket)).toMatchObject({ ok: true });
  });

  it('refuses a path that is not a socket, and leaves the file alone', async () => {
    const socket = join(tempDir(), 'notes.txt');
    writeFileSync(socket, 'keep me');
    await expect(apiAt(socket).start()).rejects.toThrow('exists and is not a socket; refusing to remove it');
    expect(readFileSync(socket, 'utf8')).toBe('keep me');
  });

  it('says when the folder is missing or the path too long', async () => {
    await expect(apiAt(join(tempDir(), 'no', 'such', 'api.sock')).start()).rejects.toThrow('its folder does not exist');
    await expect(apiAt(`/tmp/${'x'.repeat(120)}.sock`).start()).rejects.toThrow(/Unix sockets allow at most 107; choose a shorter path/);
  });

  it('creates the socket with mode 0660 and removes it on stop', async () => {
    const { api, socket } = await startFakeApi(tempDir());
    expect(lstatSync(socket).mode & 0o777).toBe(0o660);
    await api.stop();
    expect(existsSync(socket)).toBe(false);
  });

  it('on stop, answers requests already read, then closes idle and busy clients', async () => {
    const { api, ctx, socket } = await startFakeApi(tempDir(), {}, { delayMs: () => 200 });
    const idle = await RawSocket.connect(socket);
    const busy = await RawSocket.connect(socket);
    busy.write('{"type":"marker","id":"slow","body":{"kind":"k"}}\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await api.stop();
    expect(await busy.lines(1)).toEqual([{ id: 'slow', ok: true, seq: 1 }]);
    await Promise.all([idle.closed, busy.closed]);
    expect(ctx.bodies).toHaveLength(1);
    expect(api.counters()).toMatchObject({ connections: 2, connections_open: 0 });
  });
});
