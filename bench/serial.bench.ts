// Serial parse rate: NMEA (GGA+RMC) and MAVLink (HEARTBEAT/VIBRATION/GPS_RAW_INT) through the serial source's handlers
// in 64-byte chunks, and through a socat pty into a real Agent; beside the outbox's raw append of the same bodies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, systemClock, type SourceContext } from '../agent/index.js';
import { CaptureQueue } from '../agent/sources/serial/capture-queue.js';
import { createNmeaHandler } from '../agent/sources/serial/nmea/nmea-handler.js';
import type { ProtocolHandler } from '../agent/sources/serial/protocol.js';
import { serialSourceSchema } from '../config/index.js';
import type { Body } from '../proto/index.js';
import { startBenchAgent } from './lib/bench-agent.js';
import { cycle, outboxAppendRate } from './lib/bench-outbox.js';
import { startHelper } from './lib/children.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { mavlinkStream, nmeaStream, startPtyPair } from './lib/serial-streams.js';
import { k, median, perSecond } from './lib/stats.js';

type Kind = 'nmea' | 'mavlink';
const CHUNK = 64;
/** Chunks pushed between two waits for the capture queue, as a port's data events leave room for it. */
const CHUNKS_PER_TURN = 32;
/** The counter that counts decoded messages. */
const MESSAGES: Record<Kind, string> = { nmea: 'sentences', mavlink: 'packets' };

interface Parsed { rate: number; records: number; dropped: number; bodies: Body[] }

/** Pushes `stream` through the protocol handler in CHUNK-byte chunks, with a SourceContext whose capture resolves at once. */
async function parseRate(kind: Kind, stream: Buffer, expected: number, recordIntervalMs: number): Promise<Parsed> {
  const bodies: Body[] = [];
  let records = 0;
  const ctx: SourceContext = {
    deviceId: 'uav-bench-serial', clock: systemClock, log: createLogger('silent'),
    async capture(body) {
      if (bodies.length < 1000) bodies.push(body);
      return { seq: ++records, hash: new Uint8Array(32) };
    },
    async evaluate() { return undefined; },
  };
  const config = serialSourceSchema.parse({ name: 'bench0', path: '/dev/null', protocol: kind, record_interval_ms: recordIntervalMs });
  const queue = new CaptureQueue(ctx, 'bench serial');
  const p = { config, ctx, queue, sourceId: 'serial:bench0' };
  const handler: ProtocolHandler = kind === 'nmea' ? createNmeaHandler(p) : (await import('../agent/sources/serial/mavlink/index.js')).createMavlinkHandler(p);
  const t0 = performance.now();
  for (let at = 0, n = 0; at < stream.length; at += CHUNK, n++) {
    handler.push(stream.subarray(at, at + CHUNK));
    if (n % CHUNKS_PER_TURN === CHUNKS_PER_TURN - 1) await queue.drain();
  }
  while (handler.counters()[MESSAGES[kind]] < expected) await new Promise((r) => setImmediate(r));
  await queue.drain();
  const ms = performance.now() - t0;
  const c: Record<string, number> = { ...handler.counters(), ...queue.counters() };
  if (c[MESSAGES[kind]] !== expected) throw new Error(`${kind}: decoded ${c[MESSAGES[kind]]} of ${expected} messages: ${JSON.stringify(c)}`);
  return { rate: perSecond(expected, ms), records: c.records, dropped: c.backlog_dropped, bodies };
}

/** Writes `stream` into a socat pty whose other end a real Agent's serial source reads; messages/s until all are decoded. */
async function ptyRate(ctx: BenchContext, kind: Kind, stream: Buffer, expected: number, name: string): Promise<{ rate: number; records: number; dropped: number }> {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'stream.bin');
  writeFileSync(file, stream);
  const pty = await startPtyPair(dir);
  const agent = await startBenchAgent({
    dir, deviceId: `uav-bench-${name}`,
    sources: { serial: [{ name: 'bench0', path: pty.a, baud: 921600, protocol: kind, record_interval_ms: 0, reconnect_ms: 50 }] },
  });
  try {
    const source = agent.sources[0];
    for (let i = 0; i < 200 && source.counters().opens !== 1; i++) await sleep(10);
    if (source.counters().opens !== 1) throw new Error(`${name}: the serial source did not open ${pty.a}: ${JSON.stringify(source.counters())}`);
    const t0 = performance.now();
    const writer = startHelper('cat', 'cat', [file], { stdio: ['ignore', pty.writerFd, 'pipe'] });
    const deadline = t0 + 120_000;
    while (source.counters()[MESSAGES[kind]] < expected && performance.now() < deadline) await sleep(2);
    const ms = performance.now() - t0;
    await writer.stop();
    await agent.stop();
    const c = source.counters();
    if (c[MESSAGES[kind]] !== expected) throw new Error(`${name}: decoded ${c[MESSAGES[kind]]} of ${expected} messages in 120 s: ${JSON.stringify(c)}`);
    return { rate: perSecond(expected, ms), records: c.records, dropped: c.backlog_dropped };
  } finally {
    await agent.stop();
    await pty.stop();
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const counts: Record<Kind, number> = { nmea: ctx.quick ? 20_000 : 200_000, mavlink: ctx.quick ? 15_000 : 150_000 };
  const runs = ctx.quick ? 1 : 3;
  const rows: Row[] = [];
  for (const kind of ['nmea', 'mavlink'] as const) {
    const n = counts[kind];
    const streamOf = kind === 'nmea' ? nmeaStream : mavlinkStream;
    const stream = streamOf(n);
    const label = kind === 'nmea' ? 'NMEA GGA+RMC' : 'MAVLink HEARTBEAT/VIBRATION/GPS_RAW_INT';
    await parseRate(kind, streamOf(n / 10), n / 10, 0); // warm-up: the stream's first tenth
    const every: Parsed[] = [];
    const thinned: Parsed[] = [];
    const append: number[] = [];
    for (let r = 0; r < runs; r++) {
      every.push(await parseRate(kind, stream, n, 0));
      thinned.push(await parseRate(kind, stream, n, 1000));
      append.push(await outboxAppendRate(ctx.dir, `append-${kind}-${r}`, cycle(every[0].bodies), ctx.quick ? 30_000 : 100_000));
      ctx.log(`${kind} round ${r + 1}/${runs}: every message recorded ${k(every[r].rate)} msg/s (${every[r].records} records), thinned ${k(thinned[r].rate)} msg/s; outbox append ${k(append[r])} rec/s`);
    }
    const pty = await ptyRate(ctx, kind, stream, n, `pty-${kind}`);
    ctx.log(`${kind} via pty into an Agent: ${k(pty.rate)} msg/s, ${pty.records} records, ${pty.dropped} dropped by the capture backlog`);
    const base: Baseline = { name: `raw Outbox.append of the same ${kind === 'nmea' ? 'GNSS' : 'vibration/GNSS'} Conditions bodies, bursts of 1000`, figure: median(append), unit: 'rec/s', samples: append };
    const bytes = (stream.length / n).toFixed(0);
    const everyRates = every.map((p) => p.rate);
    const thinnedRates = thinned.map((p) => p.rate);
    rows.push(
      row(`${label} parse, record_interval_ms 0 (every fix recorded)`, median(everyRates), 'msg/s', base, {
        samples: everyRates,
        note: `${n} messages (${bytes} B avg) in ${CHUNK}-byte chunks, capture resolves at once, median of ${runs}; ${every[0].records} records handed to capture, ${every[0].dropped} dropped`,
      }),
      row(`${label} parse, record_interval_ms 1000 (default thinning)`, median(thinnedRates), 'msg/s', base, { samples: thinnedRates }),
      row(`${label} via socat pty into a real Agent, record_interval_ms 0`, pty.rate, 'msg/s', base, {
        note: `one run; ${pty.records} records committed, ${pty.dropped} Conditions dropped by the serial capture backlog (256)`,
      }),
    );
  }
  return rows;
}
