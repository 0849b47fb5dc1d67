// `fieldproof sim`: a dry run prints the rows against the lower bound; a run against the embedded hub
// prints a summary of what was stored and verified; bad files exit 2 naming file, line and key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSim } from '../../bin/commands/sim.js';
import { ROOT } from '../helpers/cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('fp-sim-cli-');

/** Runs `fieldproof sim ARGS` in this process (as bin/fieldproof.ts wires it), collecting output and exit code. */
async function sim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as typeof process.stderr.write;
  const cwd = process.cwd();
  process.chdir(ROOT);
  let code: number;
  try {
    const program = new Command('fieldproof').enablePositionalOptions().exitOverride()
      .configureOutput({ writeOut: (t) => { out.stdout += t; }, writeErr: (t) => { out.stderr += t; } });
    registerSim(program);
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'fieldproof', 'sim', ...args]);
      code = Number(process.exitCode ?? 0);
    } catch (err) {
      code = (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    }
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.chdir(cwd);
    process.exitCode = 0;
  }
  return { code, ...out };
}

describe('fieldproof sim', () => {
  it('matrix --dry-run prints the rows and their count against the lower bound', async () => {
    const r = await sim(['matrix', 'smoke', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('row  weather  lighting');
    expect(r.stdout).toMatch(/r04 +fog +night/);
    expect(r.stdout).toContain('smoke: 4 rows (pairwise covering array; lower bound 4; full product 4)');
    const json = await sim(['matrix', 'config/matrices/ugv-conditions.yaml', '--dry-run', '--json', '--strength', '3']);
    expect(JSON.parse(json.stdout)).toMatchObject({ matrix: 'ugv-conditions', strength: 3, count: 45, lowerBound: 45, fullSize: 117 });
  });

  it('refuses a bad matrix file with file:line: key, exit 2', async () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, 'id: bad\nbase:\n  duration_s: 10\n  rate_hz: 5\ndimensions:\n  weather: [clear, sleet]\n');
    const r = await sim(['matrix', file, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:6: dimensions.weather.1: unknown weather level "sleet"`);
  });

  it('run drives a scenario through an agent and an embedded hub and checks everything arrived', async () => {
    const dir = tempDir();
    const r = await sim(['run', 'lens-occlusion', '--duration', '8', '--seed', '3', '--dir', dir, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ scenario: 'lens-occlusion', seed: 3, rows: 1, lost: 0, provenanceOk: 1, ok: true, dir });
    expect(summary.records).toBeGreaterThan(80);
    expect(summary.storedAtHub).toBe(summary.records);
    expect(summary.verified).toBe(summary.records);
    expect(summary.decisions).toBeGreaterThan(5);
  });
});

describe('fieldproof sim --serve', () => {
  it('serves the embedded hub\'s page during and after a matrix run, until Ctrl-C', { timeout: 120_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sim', 'matrix', 'smoke', '--serve', '127.0.0.1:0', '--dir', tempDir()], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 1200 && !/run is over/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
      const url = /reviewer page: (\S+) \(the run is over/.exec(stderr)?.[1];
      expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const m = (await (await fetch(new URL('/api/matrix/smoke', url))).json()) as { rows: { planned: Record<string, string> }[]; totals: { rows: number } };
      expect(m.totals.rows).toBe(4);
      expect(m.rows.map((r) => `${r.planned.weather}/${r.planned.lighting}`).sort()).toEqual(['clear/day', 'clear/night', 'fog/day', 'fog/night']);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses --serve with a running hub', async () => {
    const r = await sim(['matrix', 'smoke', '--hub', 'mqtt://127.0.0.1:1', '--serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--serve serves the embedded hub\'s page; a running hub serves its own (`fieldproof hub --http`)');
  });
});
