// Forks in the shared e2e suite: an outbox restored from an earlier copy, a SIGKILL followed by a WAL
// rolled back, and two agents started from one copied outbox and key. Each ends with every confirmed
// record at the hub (a second copy only where a signed Fork record explains it) and the device delivering.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { outboxStats, type Agent } from '../../agent/index.js';
import type { Hub } from '../../hub/index.js';
import { decodeRecord, decodeSegment } from '../../proto/index.js';
import { expectIntact, preRegister, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { AGENT_CHILD, type Device, type E2eWorld } from './e2e-world.js';
import { waitFor } from './wait-for.js';

const LONG = { timeout: 240_000 };

/** Captures marker records tagged `<tag>-<i>`; resolves with the tags the outbox confirmed. */
async function captureTagged(agent: Agent, tag: string, from: number, count: number): Promise<string[]> {
  const confirmed: string[] = [];
  for (let i = from; i < from + count; i += 50) {
    const batch = Array.from({ length: Math.min(50, from + count - i) }, (_, k) => `${tag}-${i + k}`);
    await Promise.all(batch.map((text) => agent.capture({ marker: { kind: 'fork-test', text } }).then(() => confirmed.push(text))));
  }
  return confirmed;
}

/** A consistent copy of a live outbox (what a backup, or an SD card image, holds). */
function snapshotOutbox(path: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  const db = new Database(path, { readonly: true });
  try {
    db.exec(`VACUUM INTO '${dest.replaceAll("'", "''")}'`);
  } finally {
    db.close();
  }
}

/** Puts a copy back in place of an outbox (its WAL and shared memory go with the old file). */
function restoreOutbox(copy: string, path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  copyFileSync(copy, path);
}

/** Every marker text the hub holds for the device, with how often, and how many Fork records it holds. */
async function hubMarkers(hub: Hub, deviceId: string): Promise<{ counts: Map<string, number>; forks: number }> {
  const counts = new Map<string, number>();
  let forks = 0;
  for await (const s of hub.store.rawSegments(deviceId)) {
    for (const bytes of decodeSegment(s.raw).records) {
      const r = decodeRecord(bytes);
      if (r.fork) forks++;
      const text = r.marker?.text;
      if (r.marker?.kind === 'fork-test' && text) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  }
  return { counts, forks };
}

/** Every confirmed capture is at the hub; a second copy only with a Fork record to explain it. */
async function expectEveryConfirmed(hub: Hub, deviceId: string, confirmed: string[]): Promise<void> {
  const { counts, forks } = await hubMarkers(hub, deviceId);
  const missing = confirmed.filter((t) => !counts.has(t));
  expect(missing.slice(0, 10), `${missing.length} confirmed records missing at the hub`).toEqual([]);
  const twice = [...counts.values()].filter((n) => n > 1).length;
  if (twice > 0) expect(forks, `${twice} records held twice`).toBeGreaterThan(0);
  const events = await hub.store.integrityEvents(100, deviceId);
  expect(events.map((e) => e.kind)).toContain('fork');
}

async function abandonedCount(hub: Hub, deviceId: string): Promise<number> {
  let n = 0;
  for await (const s of hub.store.rawSegments(deviceId)) {
    for (const bytes of decodeSegment(s.raw).records) {
      for (const r of decodeRecord(bytes).fork?.abandoned ?? []) n += Number(r.last) - Number(r.first) + 1;
    }
  }
  return n;
}

async function settle(w: E2eWorld, hub: Hub, device: Device, agents: Agent[]): Promise<number> {
  for (const a of agents) a.outbox.sealIfDue(true);
  for (const a of agents) await waitOutboxEmpty(a, 90_000);
  const head = Math.max(...agents.map((a) => a.outbox.headSeq()));
  await waitForContiguous(hub, device.deviceId, head);
  // Seqs a Fork record abandoned (the hub lacked them and no writer holds them there) are explained, not stored.
  // Each missing seq must lie in a range a Fork record abandoned (expectIntact: no unexplained hole).
  const missing = head - (await hub.store.countRecords(device.deviceId));
  expect(missing).toBeLessThanOrEqual(await abandonedCount(hub, device.deviceId));
  await expectIntact(hub, device.deviceId, head, { lost: missing });
  return head;
}

export function forks(ctx: SuiteContext): void {
  it('heals an outbox restored from an earlier copy: continues after the hub\'s head, loses nothing', LONG, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('restored');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const first = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100 });
    const confirmed = await captureTagged(first, 'a', 0, 2000);
    const copy = join(w.dir, 'backup', 'outbox.db');
    snapshotOutbox(first.outbox.path, copy);
    confirmed.push(...(await captureTagged(first, 'a', 2000, 2000)));
    const before = await settle(w, hub, device, [first]);
    await w.stopAgent(first);

    restoreOutbox(copy, first.outbox.path);
    const second = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100 });
    expect(second.bootSeq).toBeLessThan(before); // the restored outbox is behind the hub
    confirmed.push(...(await captureTagged(second, 'b', 0, 1000)));
    const head = await settle(w, hub, device, [second]);
    expect(head).toBeGreaterThan(before);
    await expectEveryConfirmed(hub, device.deviceId, confirmed);
    // Still delivering after the fork.
    confirmed.push(...(await captureTagged(second, 'c', 0, 200)));
    await settle(w, hub, device, [second]);
    await expectEveryConfirmed(hub, device.deviceId, confirmed);
  });

  it('heals a SIGKILLed agent whose disk then rolled back to an earlier commit (a power cut at its worst)', LONG, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('rolledback');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const config = w.writeAgentConfig({ device, brokerUrl: broker.url, sealMaxRecords: 50 });
    const outbox = join(w.dir, device.deviceId, 'outbox.db');
    const child = w.spawnTs(AGENT_CHILD, [config, 'forever']);
    await child.waitForLine('300 records committed', (l) => l === 'seq 300');
    // The outbox as one earlier commit left it: what the disk holds after a power cut lost what came later.
    const earlier = join(w.dir, 'earlier', 'outbox.db');
    snapshotOutbox(outbox, earlier);
    await child.waitForLine('1500 records committed', (l) => l === 'seq 1500');
    await waitForContiguous(hub, device.deviceId, 1000);
    child.process.kill('SIGKILL');
    await child.exited;
    const stored = (await hub.store.deviceState(device.deviceId))!.contiguousSeq;
    restoreOutbox(earlier, outbox);
    rmSync(`${outbox}.lock`, { force: true });

    const agent = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 50 });
    expect(agent.bootSeq).toBeLessThanOrEqual(stored); // rolled back behind what the hub holds
    const confirmed = await captureTagged(agent, 'after', 0, 500);
    const head = await settle(w, hub, device, [agent]);
    expect(head).toBeGreaterThan(stored);
    const { counts } = await hubMarkers(hub, device.deviceId);
    expect(confirmed.filter((t) => !counts.has(t))).toEqual([]);
    expect((await hub.store.integrityEvents(10, device.deviceId)).map((e) => e.kind)).toContain('fork');
  });

  it('keeps two agents started from one copied outbox and key delivering: each continues after the other\'s head', LONG, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const device = await w.device('cloned');
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    const original = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100 });
    const confirmed = await captureTagged(original, 'orig', 0, 500);
    await settle(w, hub, device, [original]);
    await w.stopAgent(original);
    const cloneA = join(w.dir, 'clone-a', 'outbox.db');
    const cloneB = join(w.dir, 'clone-b', 'outbox.db');
    snapshotOutbox(original.outbox.path, cloneA);
    snapshotOutbox(original.outbox.path, cloneB);

    const a = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100, outboxPath: cloneA });
    const b = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 100, outboxPath: cloneB });
    // Both run and hear every ack; they capture in turns (a vehicle and its SD-card clone in the field).
    // Two writers racing on the very same seqs at once can still strand a seq range both renumbered away.
    await settle(w, hub, device, [a, b]);
    for (let turn = 0; turn < 3; turn++) {
      confirmed.push(...(await captureTagged(a, 'A', turn * 200, 200)));
      await settle(w, hub, device, [a, b]);
      confirmed.push(...(await captureTagged(b, 'B', turn * 200, 200)));
      await settle(w, hub, device, [a, b]);
    }
    await expectEveryConfirmed(hub, device.deviceId, confirmed);
    expect(outboxStats(a.outbox.database).records + outboxStats(b.outbox.database).records).toBe(0);
  });
}
