// Evidence packets: `fieldproof export` and `fieldproof verify PACKET` of 100k and 1M records (4 devices, 500 records a
// segment), each in its own process with the CLI's flags, beside reading and SHA-256-ing the packet's bytes in the
// same run; peak RSS at 1M beside 100k shows memory stays flat. Targets: 1M exported and verified in under 10 s each.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../proto/index.js';
import { nodeArgs, ROOT } from './lib/children.js';
import { buildEvidenceStore } from './lib/evidence-store.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { median } from './lib/stats.js';

interface ChildResult { seconds: number; peakRss: number; readyRss: number; detail: Record<string, unknown> }
const CHILD = join(ROOT, 'bench', 'lib', 'evidence-child.ts');
const MB = 1e6;

function child(args: { mode: 'export' | 'verify' | 'raw'; store: string; packet: string; hubSecret: string }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, nodeArgs(CHILD, [JSON.stringify(args)]), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`evidence ${args.mode} exited with ${code}: ${err.trim().slice(-2000)}`));
      else resolve(JSON.parse(last) as ChildResult);
    });
  });
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const sizes = ctx.quick ? [20_000, 100_000] : [100_000, 1_000_000];
  const runs = ctx.quick ? 1 : 3;
  const rows: Row[] = [];
  const rss: Record<number, { exportRss: number; verifyRss: number }> = {};
  for (const n of sizes) {
    const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
    const t0 = performance.now();
    const built = await buildEvidenceStore(ctx.dir, `evidence-${label}`, n, 4, ctx.log);
    ctx.log(`store of ${label} records built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const packet = join(ctx.dir, `evidence-${label}.tar`);
    const base = { store: built.path, packet, hubSecret: toHex(built.hubKey.secretKey) };
    const exports: ChildResult[] = [];
    const verifies: ChildResult[] = [];
    const raws: ChildResult[] = [];
    for (let r = 0; r < runs; r++) {
      exports.push(await child({ ...base, mode: 'export' }));
      raws.push(await child({ ...base, mode: 'raw' }));
      verifies.push(await child({ ...base, mode: 'verify' }));
      ctx.log(`${label}: export ${exports[r].seconds.toFixed(2)} s, verify ${verifies[r].seconds.toFixed(2)} s, read + SHA-256 ${raws[r].seconds.toFixed(2)} s`);
    }
    const size = statSync(packet).size;
    const s = (xs: ChildResult[]) => median(xs.map((x) => x.seconds));
    const raw: Baseline = { name: `read + SHA-256 the packet (${(size / MB).toFixed(0)} MB)`, figure: s(raws), unit: 's', samples: raws.map((x) => x.seconds) };
    const target = n === 1_000_000 ? { target: { op: '<' as const, value: 10 } } : {};
    const note = `${label} records, 4 devices, 500 a segment, a decision every 50th; ${(size / MB).toFixed(0)} MB packet; median of ${runs}`;
    rows.push(row(`export ${label} records`, s(exports), 's', raw, { ...target, note, samples: exports.map((x) => x.seconds) }));
    rows.push(row(`verify ${label} records (seals, links, reports recomputed)`, s(verifies), 's', raw, { ...target, samples: verifies.map((x) => x.seconds) }));
    rss[n] = { exportRss: Math.max(...exports.map((x) => x.peakRss)), verifyRss: Math.max(...verifies.map((x) => x.peakRss)) };
    ctx.log(`${label}: peak RSS export ${(rss[n].exportRss / MB).toFixed(0)} MB, verify ${(rss[n].verifyRss / MB).toFixed(0)} MB (ready ${(exports[0].readyRss / MB).toFixed(0)} MB)`);
  }
  const [small, large] = sizes;
  const name = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  rows.push(row(`export peak RSS at ${name(large)}`, rss[large].exportRss / MB, 'MB', { name: `export peak RSS at ${name(small)}`, figure: rss[small].exportRss / MB, unit: 'MB' },
    { note: 'flat memory: the ratio stays near 1 while the records grow tenfold' }));
  rows.push(row(`verify peak RSS at ${name(large)}`, rss[large].verifyRss / MB, 'MB', { name: `verify peak RSS at ${name(small)}`, figure: rss[small].verifyRss / MB, unit: 'MB' }));
  return rows;
}
