// One agent per outbox, with real processes: a second `fieldproof agent` on the same outbox is refused naming the
// first one's pid while `fieldproof outbox` still reads it; a SIGKILLed agent's stale lock is taken over; and a start
// that fails (a busy metrics port) appends nothing to the chain, not even a Boot record.
import { lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { OutboxLock, parseLockTarget } from '../agent/outbox/outbox-lock.js';
import { embeddedBroker } from './helpers/brokers.js';
import { AGENT_CHILD, CLI, E2eWorld, type Device } from './helpers/e2e-world.js';
import { heldRecords } from './helpers/outbox.js';
import { reservePort } from './helpers/tcp-proxy.js';

vi.setConfig({ testTimeout: 180_000 });
const world = new E2eWorld(embeddedBroker());
afterAll(() => world.close());

interface Setup { device: Device; config: string; outbox: string }

/** An agent config whose broker never answers (nothing leaves the outbox), logging at info (we wait for lines). */
async function setup(name: string): Promise<Setup> {
  const device = await world.device(name);
  const outbox = join(world.dir, device.deviceId, 'outbox.db');
  const config = join(world.dir, `${device.deviceId}.yaml`);
  const base = world.agentConfig({ device, brokerUrl: `mqtt://127.0.0.1:${await reservePort()}`, outboxPath: outbox });
  writeFileSync(config, JSON.stringify({ ...base, log: { level: 'info' } }));
  return { device, config, outbox };
}

function records(file: string): { seq: number; kind: string }[] {
  const db = openOutboxDatabase(file, { readonly: true });
  try {
    return heldRecords(db).map((r) => ({ seq: r.seq, kind: Object.keys(r.record).find((k) => ['boot', 'conditions', 'handover', 'decision', 'marker', 'gap'].includes(k) && (r.record as never)[k]) ?? '?' }));
  } finally {
    db.close();
  }
}

describe('one agent per outbox', () => {
  it('refuses a second agent on the same outbox, naming the first; `fieldproof outbox` still reads it; a SIGKILLed agent\'s lock is taken over', async () => {
    const s = await setup('lock');
    const first = world.spawnTs(AGENT_CHILD, [s.config, 'forever']);
    await first.waitForLine('the first agent to commit records', (l) => l.startsWith('seq '));
    const holder = parseLockTarget(readlinkSync(`${s.outbox}.lock`));
    expect(holder?.pid).toBe(first.process.pid);

    const second = world.spawnTs(CLI, ['agent', '-c', s.config]);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toContain(`${s.outbox} is in use by agent pid ${first.process.pid}; stop it first`);

    const inspect = world.spawnTs(CLI, ['outbox', '-c', s.config, '--json']);
    expect(await inspect.exited, inspect.stderr()).toBe(0);
    expect((JSON.parse(inspect.lines.join('\n')) as { headSeq: number }).headSeq).toBeGreaterThan(0);

    first.process.kill('SIGKILL');
    await first.exited;
    expect(lstatSync(`${s.outbox}.lock`).isSymbolicLink()).toBe(true); // left behind by the kill
    expect(OutboxLock.holder(s.outbox)).toBeUndefined(); // ... and seen as stale
    const third = world.spawnTs(CLI, ['agent', '-c', s.config]);
    await third.waitForLine('the next agent to start', (l) => l.includes('"agent started"'));
    expect(parseLockTarget(readlinkSync(`${s.outbox}.lock`))?.pid).toBe(third.process.pid);
    third.process.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(() => lstatSync(`${s.outbox}.lock`)).toThrow(/ENOENT/); // a clean stop removes it
  });

  it('a start that fails (metrics port taken) appends nothing: no Boot record, and the lock is let go', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (busy.address() as { port: number }).port;
      const ok = await setup('failstart');
      const started = world.spawnTs(CLI, ['agent', '-c', ok.config]);
      await started.waitForLine('the agent to start', (l) => l.includes('"agent started"'));
      started.process.kill('SIGTERM');
      expect(await started.exited).toBe(0);
      const before = records(ok.outbox);
      expect(before.map((r) => r.kind)).toEqual(['boot']);

      // Same device and outbox, only the metrics port differs: it is taken.
      const failing = `${ok.config}.busy-metrics.yaml`;
      writeFileSync(failing, JSON.stringify({ ...JSON.parse(readFileSync(ok.config, 'utf8')), metrics: { port, host: '127.0.0.1' } }));
      for (let i = 0; i < 3; i++) {
        const attempt = world.spawnTs(CLI, ['agent', '-c', failing]);
        expect(await attempt.exited).not.toBe(0);
        expect(attempt.stderr()).toContain(`metrics: port ${port} on 127.0.0.1 is already in use`);
      }
      expect(records(ok.outbox)).toEqual(before);

      const again = world.spawnTs(CLI, ['agent', '-c', ok.config]);
      await again.waitForLine('the agent to start after the failed ones', (l) => l.includes('"agent started"'));
      again.process.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      expect(records(ok.outbox).map((r) => [r.seq, r.kind])).toEqual([[1, 'boot'], [2, 'boot']]);
    } finally {
      busy.close();
    }
  });
});
