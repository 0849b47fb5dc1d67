// Memory: peak and final RSS of a child process capturing 1M Conditions records through a whole Agent, and
// through the Outbox alone (with and without acks), beside a child that only opened better-sqlite3, same run.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { transpileTree } from './lib/transpile-tree.js';

const TARGET = { op: '<', value: 100 } as const;
const MB = 1e6;
const ACK_EVERY = 50_000;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface ChildArgs { mode: 'bare' | 'append' | 'agent'; dir: string; name: string; records: number; ackEvery: number }
interface ChildResult { peakRss: number; finalRss: number; heapTotal: number; external: number; records: number; seconds: number }

/** Runs child-rss in a fresh node process: `node --import tsx child-rss.ts`, or `node child-rss.js` when transpiled. */
function child(command: string[], args: ChildArgs): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...command, JSON.stringify(args)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`child-rss ${args.name} exited with ${code}: ${err.trim().slice(-2000)}`));
      else resolve(JSON.parse(last) as ChildResult);
    });
  });
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const records = ctx.quick ? 200_000 : 1_000_000;
  const n = `${records / 1e6}M`;
  // How the agent runs in production: plain JavaScript on bare node (tsx alone would add tens of MB).
  const command = [transpileTree(root, join(here, 'child-rss.ts'), join(ctx.dir, 'js'))];
  const bare = await child(command, { mode: 'bare', dir: ctx.dir, name: 'bare', records: 0, ackEvery: 0 });
  const base: Baseline = { name: 'bare node, only opened better-sqlite3', figure: bare.finalRss / MB, unit: 'MB' };
  const rows: Row[] = [];
  const subjects = [
    { mode: 'agent', what: 'Agent.capture (whole agent, uplink offline)', verb: 'captured', target: true },
    { mode: 'append', what: 'Outbox.append alone', verb: 'appended', target: false },
  ] as const;
  for (const s of subjects) {
    const kept = await child(command, { mode: s.mode, dir: ctx.dir, name: `${s.mode}-kept`, records, ackEvery: 0 });
    const acked = await child(command, { mode: s.mode, dir: ctx.dir, name: `${s.mode}-acked`, records, ackEvery: ACK_EVERY });
    ctx.log(`${s.what}: bare ${mb(bare.finalRss)} MB; no ack peak ${mb(kept.peakRss)} MB; ack every ${ACK_EVERY / 1000}k peak ${mb(acked.peakRss)} MB`);
    const target = s.target ? { target: TARGET } : {};
    const note = (r: ChildResult) => `${r.records} records ${s.verb} in ${r.seconds.toFixed(1)} s (${Math.round(r.records / r.seconds / 1000)}k/s); at the end V8 heap ${mb(r.heapTotal)} MB, external ${mb(r.external)} MB`;
    rows.push(
      row(`peak RSS, ${n} via ${s.what}, no ack`, kept.peakRss / MB, 'MB', base, { ...target, note: note(kept) }),
      row(`final RSS, ${n} via ${s.what}, no ack`, kept.finalRss / MB, 'MB', base),
      row(`peak RSS, ${n} via ${s.what}, ack every ${ACK_EVERY / 1000}k`, acked.peakRss / MB, 'MB', base, { ...target, note: note(acked) }),
      row(`final RSS, ${n} via ${s.what}, ack every ${ACK_EVERY / 1000}k`, acked.finalRss / MB, 'MB', base),
    );
  }
  return rows;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
