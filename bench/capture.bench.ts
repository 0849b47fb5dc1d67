// Capture throughput: Conditions records per second committed and sealed through Outbox.append,
// beside raw better-sqlite3 batched inserts and raw SHA-256 of 200 B inputs, measured in the same run.
import { encodeRecord, sha256, GENESIS_HASH } from '../proto/index.js';
import { sha256Rate, sqliteBatchedInsertRate } from './lib/baselines.js';
import { BENCH_DEVICE, conditionsBody } from './lib/bodies.js';
import { openBenchOutbox, sealedRecords } from './lib/bench-outbox.js';
import { inBursts } from './lib/bursts.js';
import { row, type BenchContext, type Row } from './lib/rows.js';
import { median, perSecond } from './lib/stats.js';

const TARGET = { op: '>=', value: 100_000 } as const;
const BURST = 1000;

type Style = 'burst' | 'flood';

/** Appends `n` records in the given producer style; returns records/s committed and sealed. */
async function capture(ctx: BenchContext, style: Style, n: number, run: number): Promise<number> {
  const outbox = await openBenchOutbox(ctx.dir, `capture-${style}-${run}`);
  try {
    const t0 = performance.now();
    if (style === 'burst') {
      // One promise per append, bursts of BURST, then wait for the burst.
      await inBursts(n, (i) => outbox.append(conditionsBody(i)), BURST);
    } else {
      // Everything in flight at once; the outbox commits whenever maxBatch appends are waiting.
      const all: Promise<unknown>[] = new Array(n);
      for (let i = 0; i < n; i++) all[i] = outbox.append(conditionsBody(i));
      await Promise.all(all);
    }
    outbox.sealIfDue(true);
    const ms = performance.now() - t0;
    const sealed = sealedRecords(outbox);
    if (sealed !== n) throw new Error(`capture ${style}: ${sealed} of ${n} records committed and sealed`);
    return perSecond(n, ms);
  } finally {
    outbox.close();
  }
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 30_000 : 200_000;
  const runs = 3;
  const size = encodeRecord({ deviceId: BENCH_DEVICE, seq: n, timeUnixNs: BigInt(Date.now()) * 1_000_000n, monoNs: process.hrtime.bigint(), prevHash: sha256(GENESIS_HASH) }, conditionsBody(n)).length;
  const burst: number[] = [];
  const flood: number[] = [];
  const sqlite: number[] = [];
  const hash: number[] = [];
  await capture(ctx, 'burst', Math.min(n, 20_000), -1); // warm-up: JIT and page cache
  // Rounds interleave every measurement, so a noisy neighbour slows figure and baseline alike.
  for (let r = 0; r < runs; r++) {
    burst.push(await capture(ctx, 'burst', n, r));
    flood.push(await capture(ctx, 'flood', n, r));
    sqlite.push(sqliteBatchedInsertRate(ctx.dir, `raw-${r}`, n, size));
    hash.push(sha256Rate(n, size));
    ctx.log(`capture round ${r + 1}/${runs}: burst ${fmt(burst[r])}, flood ${fmt(flood[r])}, sqlite ${fmt(sqlite[r])}, sha256 ${fmt(hash[r])} /s`);
  }
  const sqliteBase = { samples: sqlite, name: `raw better-sqlite3, ${BURST} rows/txn, ${size} B + 32 B, WAL NORMAL`, figure: median(sqlite), unit: 'rows/s' };
  const hashBase = { samples: hash, name: `raw SHA-256 (node:crypto) of ${size} B`, figure: median(hash), unit: 'hashes/s' };
  const note = `${n} records of ${size} B encoded, median of ${runs}`;
  const burstName = `Outbox.append, bursts of ${BURST} + Promise.all`;
  const floodName = `Outbox.append, all ${n} in flight`;
  return [
    row(burstName, median(burst), 'rec/s', sqliteBase, { target: TARGET, note: `${note}; runs ${burst.map(fmt).join(' ')}`, samples: burst }),
    row(burstName, median(burst), 'rec/s', hashBase),
    row(floodName, median(flood), 'rec/s', sqliteBase, { target: TARGET, note: `${note}; runs ${flood.map(fmt).join(' ')}`, samples: flood }),
    row(floodName, median(flood), 'rec/s', hashBase),
  ];
}

function fmt(rate: number): string {
  return `${Math.round(rate / 1000)}k`;
}
