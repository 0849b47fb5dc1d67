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
    socket.on('data', (chunk: Buffer) => {
      if (chunk.includes('"ok":false')) {
        socket.destroy();
        reject(new Error(`local API refused a message: ${chunk.toString().split(/\n|\0/).find((l) => l.includes('"ok":false'))}`));
        return;
      }
      if (framing === 'json') {
        for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) replies++;
      } else {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let at = 0;
        while (pending.length - at >= 4 && pending.length - at - 4 >= pending.readUInt32BE(at)) {
          at += 4 + pending.readUInt32BE(at);
          replies++;
        }
        pending = pending.subarray(at);
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
