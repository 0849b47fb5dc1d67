// A pipelining local API client for the benchmarks: writes newline JSON or protobuf frames as fast as the
// socket drains, counts the agent's replies, and fails on the first refusal.
import { createConnection } from 'node:net';
import { schema, type Conditions } from '../../proto/index.js';

export type Framing = 'json' | 'protobuf';

/** One conditions message as the local API takes it: a JSON line, or a frame (length, kind 1, Conditions). */
export function conditionsMessage(framing: Framing, id: number, body: Conditions): Buffer {
  if (framing === 'json') return Buffer.from(`${JSON.stringify({ type: 'conditions', id, body })}\n`);
  const message = schema.Conditions.encode(body).finish();
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame.writeUInt32BE(1 + message.length, 0);
  frame[4] = 1;
  frame.set(message, 5);
  return frame;
}

/**
 * Sends every chunk `next()` returns until it returns undefined (null: nothing yet, ask again in a
 * millisecond, for a paced feed), waiting for the socket to drain; resolves once `expected` replies have
 * arrived. `onReply` sees the running count.
 */
export function pipeline(path: string, framing: Framing, expected: number, next: () => Buffer | null | undefined, onReply?: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let replies = 0;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('close', () => {
      if (replies < expected) reject(new Error(`local API closed the connection after ${replies} of ${expected} replies`));
    });
    /** The next whole reply in `pending` (a line or a frame's JSON), or undefined. */
    const nextReply = (): Buffer | undefined => {
      if (framing === 'json') {
        const nl = pending.indexOf(0x0a);
        if (nl === -1) return undefined;
        const line = pending.subarray(0, nl);
        pending = pending.subarray(nl + 1);
        return line;
      }
      if (pending.length < 4 || pending.length - 4 < pending.readUInt32BE(0)) return undefined;
      const body = pending.subarray(4, 4 + pending.readUInt32BE(0));
      pending = pending.subarray(4 + body.length);
      return body;
    };
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (let reply = nextReply(); reply; reply = nextReply()) {
        if (reply.includes('"ok":false')) {
          socket.destroy();
          reject(new Error(`local API refused a message: ${reply.toString()}`));
          return;
        }
        replies++;
      }
      onReply?.(replies);
      if (replies === expected) {
        socket.end();
        resolve();
      }
    });
    const write = () => {
      for (let chunk = next(); chunk !== undefined; chunk = next()) {
        if (chunk === null) {
          setTimeout(write, 1);
          return;
        }
        if (!socket.write(chunk)) {
          socket.once('drain', write);
          return;
        }
      }
    };
    socket.once('connect', write);
  });
}
