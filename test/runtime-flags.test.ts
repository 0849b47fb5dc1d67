// The node flags the CLI runs with: the shebang of bin/fieldproof.ts carries exactly NODE_FLAGS (which the
// benchmarks use), and run through the kernel and `env -S` they do cap the young generation.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingNodeFlags, NODE_FLAGS, SHEBANG } from '../bin/runtime-flags.js';
import { CLI } from './helpers/cli.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs('fp-flags-');

// Bursts of objects in flight while the previous burst turns to garbage: what makes V8 grow its young generation.
const CHURN = `
import v8 from 'node:v8';
let inFlight = [];
for (let round = 0; round < 300; round++) {
  const burst = [];
  for (let i = 0; i < 5000; i++) burst.push({ i, s: 'x' + i, a: [i, i + 1] });
  inFlight = burst;
}
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
console.log(JSON.stringify({ execArgv: process.execArgv, youngBytes: young.space_size, inFlight: inFlight.length }));
`;

function run(file: string, args: string[] = []): { execArgv: string[]; youngBytes: number } {
  return JSON.parse(execFileSync(file, args, { encoding: 'utf8' })) as { execArgv: string[]; youngBytes: number };
}

describe('runtime flags', () => {
  it('names the flags a process was started without', () => {
    expect(missingNodeFlags([...NODE_FLAGS, '--import', 'tsx'])).toEqual([]);
    expect(missingNodeFlags(['--max-semi-space-size=4'])).toEqual(NODE_FLAGS.slice(1));
  });

  it('the CLI\'s shebang is SHEBANG, built from NODE_FLAGS', () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe(SHEBANG);
    for (const flag of NODE_FLAGS) expect(SHEBANG.split(' ')).toContain(flag);
    // Linux before 5.1 reads only the first 127 bytes of a shebang line.
    expect(SHEBANG.length).toBeLessThan(128);
  });

  it('run as an executable through that shebang, node gets the flags and keeps its young generation at 2 x 4 MB', () => {
    const dir = tempDir();
    const script = join(dir, 'churn.mjs');
    writeFileSync(script, `${SHEBANG}\n${CHURN}`);
    chmodSync(script, 0o755);
    const plainScript = join(dir, 'plain.mjs');
    writeFileSync(plainScript, CHURN);
    const flagged = run(script);
    expect(flagged.execArgv).toEqual([...NODE_FLAGS]);
    expect(flagged.youngBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    // The same churn on node's defaults grows it further: the cap is the flags' doing. (V8 sizes its
    // default young generation from the machine's memory; below 4 GB it may stay small on its own.)
    const plain = run(process.execPath, [plainScript]);
    expect(plain.execArgv).toEqual([]);
    if (totalmem() >= 4 * 1024 ** 3) expect(plain.youngBytes).toBeGreaterThan(8 * 1024 * 1024);
  });
});
