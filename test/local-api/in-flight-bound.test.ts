// The local API's bound on requests in flight per connection: a client that pipelines thousands of frames
// (here pings nobody answers yet) gets at most PAUSE_AT of them handed on; the rest wait, read but not parsed further, and
// every one is answered, in order, once replies flow. Also with the peer ending mid-backlog.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, PAUSE_AT } from '../../agent/sources/local-api/connection.js';
import type { ApiReply } from '../../agent/sources/local-api/index.js';
import type { Parsed } from '../../agent/sources/local-api/requests.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { RawSocket } from './raw-socket.js';

const tempDir = useTempDirs('fp-api-bound-');
let server: Server | undefined;
const clients: RawSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function connect(path: string): Promise<RawSocket> {
  const client = await RawSocket.connect(path);
  clients.push(client);
  return client;
}

/** A server whose requests are held until release(): what a slow outbox looks like to the connection. */
async function heldServer() {
  const path = join(tempDir(), 'api.sock');
  const held: { parsed: Parsed; answer: (r: ApiReply) => void }[] = [];
  let answering = false;
  const respond = (parsed: Parsed) => new Promise<ApiReply>((answer) => {
    const reply = ('request' in parsed
      ? { id: parsed.request.id, ok: true }
      : { id: parsed.id, ok: false, error: { code: parsed.error.code, message: parsed.error.message } }) as ApiReply;
    if (answering) answer(reply);
    else held.push({ parsed, answer: () => answer(reply) });
  });
  server = createServer({ allowHalfOpen: true }, (socket) => new Connection(socket, { maxMessageBytes: 1 << 20, respond, onBytes: () => {}, log: pino({ level: 'silent' }) }));
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return {
    path,
    held,
    release() {
      answering = true;
      for (const h of held.splice(0)) h.answer({} as ApiReply);
    },
  };
}

const ping = Buffer.from([0, 0, 0, 1, 6]);

describe('local API: requests in flight per connection', () => {
  it('hands on at most PAUSE_AT of 20,000 pipelined frames, then answers all 20,000 in order', async () => {
    const api = await heldServer();
    const client = await connect(api.path);
    const n = 20_000;
    client.write(Buffer.concat(Array.from({ length: n }, () => ping)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.held.length).toBe(PAUSE_AT);
    api.release();
    const replies = await client.frames(n, 20_000);
    expect(replies.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('the peer ending with frames still waiting: every whole one answered, then the cut-off one, then the close', async () => {
    const api = await heldServer();
    const client = await connect(api.path);
    const n = 2000;
    client.write(Buffer.concat([...Array.from({ length: n }, () => ping), Buffer.from([0, 0, 0, 9, 1])])); // last frame cut off
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.held.length).toBe(PAUSE_AT);
    api.release();
    const replies = await client.frames(n + 1, 20_000);
    expect(replies.slice(0, n).map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(replies[n]).toMatchObject({ id: n + 1, ok: false, error: { code: 'INVALID' } });
    await client.closed;
  });
});
