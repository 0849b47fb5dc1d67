// `fieldproof demo` end to end as a user runs it: a real CLI process with an embedded broker, a hub and
// simulated agents; it must exit 0 and report nothing lost and everything stored re-verified.
import { afterAll, expect, it } from 'vitest';
import { embeddedBroker } from '../helpers/brokers.js';
import { runCli } from '../helpers/cli.js';
import { CLI, E2eWorld } from '../helpers/e2e-world.js';

const world = new E2eWorld(embeddedBroker());
afterAll(() => world.close());

it('fieldproof demo --duration 5 --json exits 0 with nothing lost and every stored record verified', { timeout: 120_000 }, async () => {
  const demo = world.spawnTs(CLI, ['demo', '--duration', '5', '--agents', '2', '--rate', '50', '--dir', world.dir, '--no-http', '--json']);
  const code = await demo.exited;
  expect(code, demo.stderr()).toBe(0);
  const summary = JSON.parse(demo.lines.join('\n')) as Record<string, unknown>;
  expect(summary).toMatchObject({ ok: true, lost: 0, unexplainedGaps: 0, rejected: 0, devices: 2 });
  expect(summary.captured).toBeGreaterThan(2 * 50); // at least a couple of seconds' worth per agent
  expect(summary.storedAtHub).toBe(summary.captured);
  expect(summary.verified).toBe(summary.storedAtHub);
});

it('the demo serves the reviewer API while it runs, and its store reports field and simulated coverage', { timeout: 120_000 }, async () => {
  const dir = `${world.dir}/with-page`;
  const demo = world.spawnTs(CLI, ['demo', '--duration', '8', '--agents', '2', '--rate', '50', '--dir', dir, '--http', '127.0.0.1:0', '--json']);
  let url = '';
  for (let i = 0; i < 200 && !url; i++) {
    url = /reviewer page: (\S+)/.exec(demo.stderr())?.[1] ?? '';
    if (!url) await new Promise((r) => setTimeout(r, 50));
  }
  expect(url, demo.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  let devices: { device: string; online: boolean | null }[] = [];
  for (let i = 0; i < 100 && devices.length < 2; i++) {
    devices = (await (await fetch(new URL('/api/devices', url))).json()) as typeof devices;
    if (devices.length < 2) await new Promise((r) => setTimeout(r, 100));
  }
  expect(devices.map((d) => d.device).sort()).toEqual(['demo-field-01', 'demo-sim-02']);
  expect(devices.every((d) => d.online === true)).toBe(true);
  expect(await demo.exited, demo.stderr()).toBe(0);
  const report = await runCli(['report', 'coverage', '--store', `${dir}/hub.db`, '--json']);
  const coverage = JSON.parse(report.stdout) as { totals: Record<string, { samples: number }>; coverage: { sources: string }[] };
  expect(coverage.totals.field.samples).toBeGreaterThan(0);
  expect(coverage.totals.simulation.samples).toBeGreaterThan(0);
  expect(coverage.coverage.map((c) => c.sources)).toEqual(['all', 'field', 'simulation']);
});
