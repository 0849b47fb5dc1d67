// A real `fieldproof agent` process with its outbox on an 8 MB tmpfs and its hub away, fed through the local API
// until the disk is full: bulk is evicted (Gap) or refused with DISK_FULL, a handover, a no-go and a marker still
// commit, the log stays a few lines, a restart on the full disk works, and when the hub comes back its acks free space.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { LocalApiClient, LocalApiError } from '../agent/local-api-client/index.js';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { freeBytes } from '../agent/outbox/disk-reserve.js';
import { outboxStats } from '../agent/outbox/stats.js';
import { embeddedBroker } from './helpers/brokers.js';
import { conditions } from './helpers/e2e-bodies.js';
import { CLI, E2eWorld } from './helpers/e2e-world.js';
import { reservePort } from './helpers/tcp-proxy.js';
import { fillDisk, mountTmpfs, unmountAll } from './helpers/tmpfs.js';
import { waitFor } from './helpers/wait-for.js';

vi.setConfig({ testTimeout: 300_000 });
const world = new E2eWorld(embeddedBroker());
afterAll(async () => {
  unmountAll(); // lazily, first: the world's folder holds the mount point
  await world.close();
});
const disk = join(world.dir, 'disk');
const mounted = mountTmpfs(disk, '8m');

function stats(path: string) {
  const db = openOutboxDatabase(path, { readonly: true });
  try {
    return outboxStats(db);
  } finally {
    db.close();
  }
}

it.runIf(mounted)('an agent on a full disk keeps critical evidence, logs a few lines, restarts, and frees space once the hub acks', async () => {
  const port = await reservePort();
  const device = await world.device('full');
  const socket = join(world.dir, `${device.deviceId}.sock`);
  const outbox = join(disk, 'outbox.db');
  const base = world.agentConfig({ device, brokerUrl: `mqtt://127.0.0.1:${port}`, outboxPath: outbox, sealMaxRecords: 200 });
  const configFile = join(world.dir, 'agent.yaml');
  writeFileSync(configFile, JSON.stringify({
    ...base, outbox: { ...base.outbox, reserve_bytes: 1 << 20 }, sources: { local_api: { socket } }, log: { level: 'info' },
  }));

  const first = world.spawnTs(CLI, ['agent', '-c', configFile]);
  await first.waitForLine('the agent to start', (l) => l.includes('"agent started"'));
  const startLines = first.lines.length;
  const client = await LocalApiClient.connect(socket);
  const refused: Record<string, number> = {};
  let committed = 0;
  for (let b = 0; b < 200; b++) {
    const replies = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => client.conditions((conditions(b * 200 + i, 300) as { conditions: never }).conditions)));
    for (const r of replies) {
      if (r.status === 'fulfilled') committed++;
      else {
        const code = r.reason instanceof LocalApiError ? r.reason.reply.error.code : String(r.reason);
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
  }
  // 40,000 conditions of ~400 bytes: five times what the disk holds.
  expect(committed).toBeGreaterThan(0);
  expect(Object.keys(refused).filter((code) => code !== 'DISK_FULL')).toEqual([]);
  const handover = await client.handover({ handoverId: 'h-fog', phase: 1, fromMode: 'AUTO.MISSION', toMode: 'POSCTL', reason: 'fog' });
  const noGo = await client.decision({ verdict: 2, riskLevel: 'high', reason: 'visibility below threshold' });
  const marker = await client.marker({ kind: 'note', text: 'operator: fog bank ahead' });
  expect([noGo.seq! - handover.seq!, marker.seq! - noGo.seq!]).toEqual([1, 1]);
  await client.close();
  // A full disk fails requests the same way again and again: the log says so a few times, not once per request.
  const floodLines = first.lines.slice(startLines);
  expect(floodLines.some((l) => l.includes('disk full before the outbox quota: evicted records, Gap record appended'))).toBe(true);
  expect(floodLines.length).toBeLessThan(40);

  first.process.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  // While it is stopped, something else takes every byte left.
  fillDisk(join(disk, 'other-software.log'));
  expect(freeBytes(outbox)).toBe(0);

  const second = world.spawnTs(CLI, ['agent', '-c', configFile]);
  const started = JSON.parse(await second.waitForLine('the agent to start on the full disk', (l) => l.includes('"agent started"'))) as { bootSeq: number };
  expect(started.bootSeq).toBeGreaterThan(marker.seq!);

  // The hub comes back: its acks free the outbox though the disk stays full.
  const broker = await world.startBroker(port);
  const hub = await world.startHub({ brokerUrl: broker.url });
  await world.register(hub, device);
  await waitFor('the hub\'s acks to free the outbox through the Boot record', () => stats(outbox).ackedSeq >= started.bootSeq, {
    timeoutMs: 120_000, describe: () => stats(outbox),
  });
  expect(second.lines.filter((l) => l.includes('"level":50')).length).toBeLessThan(10);
  second.process.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
