// Child process for the memory benchmark: captures N records through a whole Agent or appends them to
// an Outbox (optionally acking as it goes), or, as the baseline, only opens better-sqlite3; prints its RSS.
import { join } from 'node:path';

interface Args { mode: 'bare' | 'append' | 'agent'; dir: string; name: string; records: number; ackEvery: number }

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
  // 'append': the outbox alone. 'agent': a whole Agent (capture pipeline, boundary window, metrics,
  // uplink offline) as `fieldproof agent` runs it, fed through Agent.capture.
  const { conditionsBody } = await import('./lib/bodies.js');
  const { ackThrough } = await import('../test/helpers/ack-through.js');
  let outbox: import('../agent/index.js').Outbox;
  let capture: (i: number) => Promise<unknown>;
  let stop: () => Promise<void>;
  if (args.mode === 'agent') {
    const { startBenchAgent } = await import('./lib/bench-agent.js');
    const agent = await startBenchAgent({ dir: args.dir, deviceId: args.name });
    outbox = agent.outbox;
    capture = (i) => agent.capture(conditionsBody(i));
    stop = () => agent.stop();
  } else {
    const { openBenchOutbox } = await import('./lib/bench-outbox.js');
    const box = await openBenchOutbox(args.dir, args.name);
    outbox = box;
    capture = (i) => box.append(conditionsBody(i));
    stop = async () => box.close();
  }
  const first = outbox.headSeq();
  let acked = 0;
  for (let i = 0; i < args.records; i += 1000) {
    const burst: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(args.records, i + 1000); j++) burst.push(capture(j));
    await Promise.all(burst);
    sample();
    if (args.ackEvery && i + 1000 - acked >= args.ackEvery) {
      // What the uplink does on a hub ack: free every sealed segment through the acknowledged seq.
      outbox.sealIfDue(true);
      ackThrough(outbox, outbox.headSeq());
      acked = i + 1000;
    }
  }
  outbox.sealIfDue(true);
  const final = sample();
  const records = outbox.headSeq() - first;
  await stop();
  done({ final, records });
}

function done(r: { final: number; records: number }): void {
  clearInterval(sampler);
  const { heapTotal, external } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ peakRss: peak, finalRss: r.final, heapTotal, external, records: r.records, seconds: (performance.now() - t0) / 1000 })}\n`);
}
