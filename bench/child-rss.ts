// Child process for the memory benchmark: appends N records (optionally acking as it goes) or, as the
// baseline, only opens better-sqlite3; samples its own RSS and prints one JSON line on stdout.
import { join } from 'node:path';

interface Args { mode: 'bare' | 'append'; dir: string; name: string; records: number; ackEvery: number }

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
let peak = 0;
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
  return rss;
};
const sampler = setInterval(sample, 20);
const t0 = performance.now();

if (args.mode === 'bare') {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(args.dir, `${args.name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER PRIMARY KEY)');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const final = sample();
  db.close();
  done({ final, records: 0 });
} else {
  const { openBenchOutbox } = await import('./lib/bench-outbox.js');
  const { conditionsBody } = await import('./lib/bodies.js');
  const outbox = await openBenchOutbox(args.dir, args.name);
  let acked = 0;
  for (let i = 0; i < args.records; i += 1000) {
    const burst: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(args.records, i + 1000); j++) burst.push(outbox.append(conditionsBody(j)));
    await Promise.all(burst);
    sample();
    if (args.ackEvery && i + 1000 - acked >= args.ackEvery) {
      // What the uplink does on a hub ack: free every sealed segment through the acknowledged seq.
      outbox.sealIfDue(true);
      acked = outbox.ack(outbox.headSeq()).ackedSeq;
    }
  }
  outbox.sealIfDue(true);
  const final = sample();
  const records = outbox.headSeq();
  outbox.close();
  done({ final, records });
}

function done(r: { final: number; records: number }): void {
  clearInterval(sampler);
  const { heapTotal, external } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ peakRss: peak, finalRss: r.final, heapTotal, external, records: r.records, seconds: (performance.now() - t0) / 1000 })}\n`);
}
