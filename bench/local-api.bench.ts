// Local API ingest: conditions messages/s into committed records over the Unix socket of a real Agent, one client
// pipelining newline JSON, the typed LocalApiClient, and length-prefixed protobuf; beside the outbox's raw append.
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Agent } from '../agent/index.js';
import { LocalApiClient } from '../agent/local-api-client/index.js';
import { schema, type Body, type Conditions } from '../proto/index.js';
import { startBenchAgent } from './lib/bench-agent.js';
import { cycle, outboxAppendRate } from './lib/bench-outbox.js';
import { conditionsBody } from './lib/bodies.js';
import { inBursts } from './lib/bursts.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { k, median, perSecond } from './lib/stats.js';

type Style = 'json' | 'client' | 'protobuf';

const conditionsOf = (i: number) => (conditionsBody(i) as { conditions: Conditions }).conditions;

/** Every message of a run, encoded before the clock starts: JSON lines, or protobuf frames (length, kind 1, Conditions). */
function encodeAll(style: 'json' | 'protobuf', n: number): Buffer {
  const parts: Buffer[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (style === 'json') {
      parts[i] = Buffer.from(`${JSON.stringify({ type: 'conditions', id: i + 1, body: conditionsOf(i) })}\n`);
    } else {
      const message = schema.Conditions.encode(conditionsOf(i)).finish();
      const frame = Buffer.allocUnsafe(5 + message.length);
      frame.writeUInt32BE(1 + message.length, 0);
      frame[4] = 1;
      frame.set(message, 5);
      parts[i] = frame;
    }
  }
  return Buffer.concat(parts);
}

/** Writes everything at once and counts replies (lines or frames) until `n` arrived; throws on any refusal. */
function pipelined(path: string, style: 'json' | 'protobuf', payload: Buffer, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(path);
    let replies = 0;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      if (chunk.includes('"ok":false')) {
        socket.destroy();
        reject(new Error(`local API refused a message: ${chunk.toString().split('\n').find((l) => l.includes('"ok":false'))}`));
        return;
      }
      if (style === 'json') {
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
      if (replies === n) {
        socket.end();
        resolve();
      }
    });
    socket.once('connect', () => socket.write(payload));
  });
}

/** The typed client, `burst` requests in flight at a time. */
async function viaClient(path: string, n: number, burst: number): Promise<void> {
  const client = await LocalApiClient.connect(path);
  try {
    await inBursts(n, (i) => client.conditions(conditionsOf(i)), burst);
  } finally {
    await client.close();
  }
}

async function measure(ctx: BenchContext, style: Style, n: number, name: string): Promise<number> {
  const dir = ctx.dir;
  const socket = join(dir, `${name}.sock`);
  const agent: Agent = await startBenchAgent({ dir, deviceId: `uav-bench-${name}`, sources: { local_api: { socket } } });
  try {
    const payload = style === 'client' ? undefined : encodeAll(style, n);
    const before = agent.outbox.headSeq();
    const t0 = performance.now();
    if (payload) await pipelined(socket, style as 'json' | 'protobuf', payload, n);
    else await viaClient(socket, n, 1000);
    const ms = performance.now() - t0;
    const committed = agent.outbox.headSeq() - before;
    if (committed !== n) throw new Error(`${name}: ${committed} of ${n} messages committed as records`);
    return perSecond(n, ms);
  } finally {
    await agent.stop();
  }
}

const LABELS: Record<Style, string> = {
  json: 'local API, newline JSON, one client pipelining all',
  client: 'local API, LocalApiClient (JSON), bursts of 1000',
  protobuf: 'local API, length-prefixed protobuf, one client pipelining all',
};

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 5_000 : 30_000;
  const runs = ctx.quick ? 1 : 3;
  const styles: Style[] = ['json', 'client', 'protobuf'];
  const bodies: Body[] = Array.from({ length: 1000 }, (_, i) => ({ conditions: { ...conditionsOf(i), sourceId: conditionsOf(i).sourceId || 'api' } }));
  await measure(ctx, 'json', Math.min(n, ctx.quick ? 1000 : 5000), 'warm-up');
  const rates: Record<Style, number[]> = { json: [], client: [], protobuf: [] };
  const append: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const style of styles) rates[style].push(await measure(ctx, style, n, `${style}-${r}`));
    append.push(await outboxAppendRate(ctx.dir, `append-${r}`, cycle(bodies), n));
    ctx.log(`round ${r + 1}/${runs}: ${styles.map((s) => `${s} ${k(rates[s][r])}`).join(', ')} msg/s; outbox append ${k(append[r])} rec/s`);
  }
  const base: Baseline = { name: 'raw Outbox.append of the same Conditions bodies, bursts of 1000', figure: median(append), unit: 'rec/s', samples: append };
  const jsonBytes = Math.round(encodeAll('json', 1000).length / 1000);
  const pbBytes = Math.round(encodeAll('protobuf', 1000).length / 1000);
  return styles.map((style) => row(LABELS[style], median(rates[style]), 'msg/s', base, {
    samples: rates[style],
    note: `${n} conditions messages (${style === 'protobuf' ? `${pbBytes} B frames` : `${jsonBytes} B lines`}) into a real Agent (uplink off), every one committed before its reply; client in the same process; median of ${runs}`,
  }));
}
