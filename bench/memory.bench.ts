// Memory: peak and final RSS of a child process appending 1M Conditions records (with and without
// acks as it goes), beside a child that only opened better-sqlite3 under the same loader, same run.
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

interface ChildArgs { mode: 'bare' | 'append'; dir: string; name: string; records: number; ackEvery: number }
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
  const loaders: { label: string; command: string[]; production: boolean }[] = [
    // How the agent runs in production: plain JavaScript on bare node.
    { label: 'node, transpiled JS', command: [transpileTree(root, join(here, 'child-rss.ts'), join(ctx.dir, 'js'))], production: true },
    // How `npm run bench` runs TypeScript; tsx itself costs tens of MB.
    { label: 'node --import tsx', command: ['--import', 'tsx', join(here, 'child-rss.ts')], production: false },
  ];
  const rows: Row[] = [];
  for (const loader of loaders) {
    const tag = loader.production ? 'js' : 'tsx';
    const bare = await child(loader.command, { mode: 'bare', dir: ctx.dir, name: `bare-${tag}`, records: 0, ackEvery: 0 });
    const kept = await child(loader.command, { mode: 'append', dir: ctx.dir, name: `kept-${tag}`, records, ackEvery: 0 });
    const acked = await child(loader.command, { mode: 'append', dir: ctx.dir, name: `acked-${tag}`, records, ackEvery: ACK_EVERY });
    ctx.log(`${loader.label}: bare ${mb(bare.finalRss)} MB; no ack peak ${mb(kept.peakRss)} MB; ack every ${ACK_EVERY / 1000}k peak ${mb(acked.peakRss)} MB`);
    const base: Baseline = { name: `${loader.label}: bare, only opened better-sqlite3`, figure: bare.finalRss / MB, unit: 'MB' };
    const target = loader.production ? { target: TARGET } : {};
    const note = (r: ChildResult) => `${r.records} records appended in ${r.seconds.toFixed(1)} s (${Math.round(r.records / r.seconds / 1000)}k/s); at the end V8 heap ${mb(r.heapTotal)} MB, external ${mb(r.external)} MB`
      + (loader.production ? '' : '; tsx is not how the agent runs, so no target');
    rows.push(
      row(`peak RSS, ${n} appended, no ack (${loader.label})`, kept.peakRss / MB, 'MB', base, { ...target, note: note(kept) }),
      row(`final RSS, ${n} appended, no ack (${loader.label})`, kept.finalRss / MB, 'MB', base),
      row(`peak RSS, ${n} appended, ack every ${ACK_EVERY / 1000}k (${loader.label})`, acked.peakRss / MB, 'MB', base, { ...target, note: note(acked) }),
      row(`final RSS, ${n} appended, ack every ${ACK_EVERY / 1000}k (${loader.label})`, acked.finalRss / MB, 'MB', base),
    );
  }
  return rows;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
