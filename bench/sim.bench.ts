// Simulator: simulated records/s of a whole matrix run through real agents to an embedded hub, beside the
// outbox's raw append rate; and covering-array rows generated vs the known minimum for 4 factors (4,4,3,3).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { coveringArray } from '../simulator/matrix/covering-array.js';
import { conditionsBody } from './lib/bodies.js';
import { outboxAppendRate } from './lib/bench-outbox.js';
import { row, type BenchContext, type Row } from './lib/rows.js';

interface MatrixSummary { records: number; storedAtHub: number; wallS: number; rows: number; lost: number }

export async function run(ctx: BenchContext): Promise<Row[]> {
  const matrix = ctx.quick ? 'config/matrices/smoke.yaml' : 'config/matrices/ugv-conditions.yaml';
  ctx.log(`  running ${matrix} through real agents and an embedded hub`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bin/fieldproof.ts', 'sim', 'matrix', matrix, '--json', '--dir', join(ctx.dir, 'sim')], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20,
  });
  const s = JSON.parse(out) as MatrixSummary;
  const simRate = s.storedAtHub / s.wallS;

  // Baseline: the outbox's raw append rate of conditions bodies, in this run.
  const n = ctx.quick ? 50_000 : 200_000;
  const appendRate = await outboxAppendRate(ctx.dir, 'raw-append', conditionsBody, n);
  ctx.log(`  matrix: ${s.storedAtHub} records stored and verified in ${s.wallS.toFixed(1)} s; raw append ${Math.round(appendRate)}/s`);

  const pairwise = coveringArray([4, 4, 3, 3], [], { strength: 2, seed: 7 }).length;
  const threeWay = coveringArray([4, 4, 3, 3], [], { strength: 3, seed: 7 }).length;
  return [
    row(`sim matrix ${matrix.split('/').pop()} (${s.rows} rows), records/s at the hub`, simRate, 'rec/s',
      { name: 'Outbox.append raw rate', figure: appendRate, unit: 'rec/s' },
      { note: `${s.storedAtHub} records captured, stored and re-verified at the hub in ${s.wallS.toFixed(1)} s wall; lost ${s.lost}` }),
    row('pairwise rows, 4 factors with 4,4,3,3 levels', pairwise, 'rows', { name: 'known minimum, 4 x 4', figure: 16, unit: 'rows' }),
    row('3-way rows, 4 factors with 4,4,3,3 levels', threeWay, 'rows', { name: 'known minimum, 4 x 4 x 3', figure: 48, unit: 'rows' }),
  ];
}
