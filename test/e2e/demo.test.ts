// `fieldproof demo` end to end as a user runs it: a real CLI process with an embedded broker, a hub and
// simulated agents; it must exit 0 and report nothing lost and everything stored re-verified.
import { afterAll, expect, it } from 'vitest';
import { embeddedBroker } from '../helpers/brokers.js';
import { CLI, E2eWorld } from '../helpers/e2e-world.js';

const world = new E2eWorld(embeddedBroker());
afterAll(() => world.close());

it('fieldproof demo --duration 5 --json exits 0 with nothing lost and every stored record verified', { timeout: 120_000 }, async () => {
  const demo = world.spawnTs(CLI, ['demo', '--duration', '5', '--agents', '2', '--rate', '50', '--dir', world.dir, '--json']);
  const code = await demo.exited;
  expect(code, demo.stderr()).toBe(0);
  const summary = JSON.parse(demo.lines.join('\n')) as Record<string, unknown>;
  expect(summary).toMatchObject({ ok: true, lost: 0, unexplainedGaps: 0, rejected: 0, devices: 2 });
  expect(summary.captured).toBeGreaterThan(2 * 50); // at least a couple of seconds' worth per agent
  expect(summary.storedAtHub).toBe(summary.captured);
  expect(summary.verified).toBe(summary.storedAtHub);
});
