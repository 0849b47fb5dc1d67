// Local API ingest: conditions messages/s into committed records over the Unix socket of a real Agent, one client
// pipelining newline JSON, the typed LocalApiClient, and length-prefixed protobuf; beside the outbox's raw append.
import { join } from 'node:path';
import type { Agent } from '../agent/index.js';
import { LocalApiClient } from '../agent/local-api-client/index.js';
import type { Body, Conditions } from '../proto/index.js';
import { startBenchAgent } from './lib/bench-agent.js';
import { cycle, outboxAppendRate } from './lib/bench-outbox.js';
import { conditionsBody } from './lib/bodies.js';
import { inBursts } from './lib/bursts.js';
import { conditionsMessage, pipeline, type Framing } from './lib/local-api-feed.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { k, median, perSecond } from './lib/stats.js';

type Style = 'json' | 'client' | 'protobuf';

const conditionsOf = (i: number) => (conditionsBody(i) as { conditions: Conditions }).conditions;

/** Every message of a run, encoded before the clock starts. */
function encodeAll(style: Framing, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => conditionsMessage(style, i + 1, conditionsOf(i))));
}

/** Writes everything at once and counts replies until `n` arrived; throws on any refusal. */
function pipelined(path: string, style: Framing, payload: Buffer, n: number): Promise<void> {
  let left: Buffer | undefined = payload;
  return pipeline(path, style, n, () => {
    const chunk = left;
    left = undefined;
    return chunk;
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
    const payload = style === 'client' ? undefined : encodeAll(style as Framing, n);
    const before = agent.outbox.headSeq();
    const t0 = performance.now();
    if (payload) await pipelined(socket, style as Framing, payload, n);
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
