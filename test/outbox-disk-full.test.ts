// The outbox on a real disk that fills: an 8 MB tmpfs. Bulk is evicted oldest-first with Gap records when the
// disk (not the quota) is full, then refused with DISK_FULL; handovers, no-go decisions and markers still commit
// (the reserve); the hub's ack frees space on a disk full of critical records; a restart on the full disk works.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freeBytes } from '../agent/outbox/disk-reserve.js';
import { Outbox, OutboxError, outboxStats, verifyOutbox, type Evicted } from '../agent/outbox/index.js';
import { toNumber, type Body } from '../proto/index.js';
import { ackThrough } from './helpers/ack-through.js';
import { bulkBody, criticalBody } from './helpers/bodies.js';
import { testKey } from './helpers/keys.js';
import { DEVICE, heldRecords } from './helpers/outbox.js';
import { useTempDirs } from './helpers/temp-dir.js';
import { fillDisk, mountTmpfs, unmountAll } from './helpers/tmpfs.js';
import { waitFor } from './helpers/wait-for.js';

vi.setConfig({ testTimeout: 180_000 });
const tempDir = useTempDirs();
afterAll(unmountAll);
const RESERVE = 1 << 20;
// Each test gets a fresh 8 MB tmpfs; the first mount also says whether this machine allows it.
const mounted = mountTmpfs(join(tempDir(), 'probe'), '1m');

const NO_GO: Body = { decision: { verdict: 2, riskLevel: 'high', reason: 'visibility below threshold' } };
const MARKER: Body = { marker: { kind: 'note', text: 'operator: fog bank ahead' } };

function freshDisk(): string {
  const dir = join(tempDir(), 'disk');
  if (!mountTmpfs(dir, '8m')) throw new Error(`${dir}: tmpfs mount failed after the probe mount worked`);
  return dir;
}

async function open(disk: string): Promise<Outbox> {
  return Outbox.open({
    path: join(disk, 'outbox.db'), deviceId: DEVICE, key: await testKey(1), exclusive: true, reserveBytes: RESERVE, sealMaxRecords: 100, sealMaxAgeMs: 50,
  });
}

/** Appends `batches` batches of `size` bulk records; returns the refusals by code. */
async function flood(outbox: Outbox, batches: number, size = 200): Promise<Record<string, number>> {
  const refused: Record<string, number> = {};
  for (let b = 0; b < batches; b++) {
    const results = await Promise.allSettled(Array.from({ length: size }, (_, i) => outbox.append(bulkBody(b * size + i))));
    for (const r of results) {
      if (r.status === 'rejected') {
        const code = r.reason instanceof OutboxError ? r.reason.code : String(r.reason);
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
  }
  return refused;
}

describe.runIf(mounted)('outbox on a full disk (8 MB tmpfs)', () => {
  it('evicts the oldest bulk with Gap records when the disk fills first, and still commits a handover, a no-go and a marker', async () => {
    const outbox = await open(freshDisk());
    const evicted: Evicted[] = [];
    outbox.on('evicted', (e) => evicted.push(e));
    const refused = await flood(outbox, 500);
    // 100,000 records of ~100 bytes do not fit on 8 MB next to a 1 MB reserve: the disk filled, not the 1 GiB quota.
    expect(outboxStats(outbox.database).evictedTotal).toBeGreaterThan(0);
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((e) => e.cause === 'disk')).toBe(true);
    expect(Object.keys(refused).filter((code) => code !== 'DISK_FULL')).toEqual([]);
    const gaps = heldRecords(outbox.database).filter((r) => r.record.gap).map((r) => r.record.gap!);
    expect(gaps.map((g) => [toNumber(g.firstSeq), toNumber(g.lastSeq)])).toEqual(evicted.map((e) => [e.firstSeq, e.lastSeq]));
    expect(gaps.every((g) => g.reason === 1 && g.detail === 'the disk under the outbox filled before its quota; oldest bulk records evicted')).toBe(true);

    const [handover, noGo, marker] = await Promise.all([outbox.append(criticalBody(1)), outbox.append(NO_GO), outbox.append(MARKER)]);
    expect([noGo.seq - handover.seq, marker.seq - noGo.seq]).toEqual([1, 1]);
    outbox.sealIfDue(true);
    const report = verifyOutbox(outbox.database);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    outbox.close();
  });

  it('on a disk full of unacknowledged critical records: bulk gets DISK_FULL, the ack still frees space, and the reserve grows back', async () => {
    const outbox = await open(freshDisk());
    const released: string[] = [];
    outbox.on('reserve', (what) => released.push(what));
    await flood(outbox, 400);
    // Critical records until nothing bulk is left to evict and bulk is refused.
    let bulkRefusal: unknown;
    for (let b = 0; b < 1000 && !bulkRefusal; b++) {
      const critical = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => outbox.append(criticalBody(i))));
      expect(critical.filter((c) => c.status === 'rejected')).toEqual([]);
      await outbox.append(bulkBody(b)).catch((err: unknown) => { bulkRefusal = err; });
    }
    expect(bulkRefusal).toBeInstanceOf(OutboxError);
    expect(bulkRefusal).toMatchObject({ code: 'DISK_FULL', retryable: true });
    expect((bulkRefusal as Error).message).toMatch(/^\/.*outbox\.db: disk full: .*nothing already accepted was lost\. Retry later/);
    expect(released).toContain('released');
    // Critical evidence still lands.
    await outbox.append(criticalBody(7));
    await outbox.append(NO_GO);
    await outbox.append(MARKER);
    outbox.sealIfDue(true);

    // The hub comes back: recording its ack must not need new disk space.
    const head = outbox.headSeq();
    const held = outboxStats(outbox.database).records;
    expect(held).toBeGreaterThan(10_000);
    expect(freeBytes(outbox.path)).toBeLessThan(RESERVE);
    const { freedRecords, ackedSeq } = ackThrough(outbox, head);
    expect(ackedSeq).toBe(head);
    expect(freedRecords).toBe(held);
    expect(outboxStats(outbox.database)).toMatchObject({ records: 0, ackedSeq: head });
    // Freed pages go back to the file system and the reserve is set aside again.
    await waitFor('the reserve to grow back', () => lstatSync(`${outbox.path}.reserve`).size === RESERVE);
    await outbox.append(bulkBody(1));
    expect(verifyOutbox(outbox.database).ok).toBe(true);
    outbox.close();
  });

  it('restarts on the full disk: the reserve makes room for SQLite and the Boot record', async () => {
    const disk = freshDisk();
    const outbox = await open(disk);
    await flood(outbox, 100);
    const head = outbox.headSeq();
    outbox.close();
    // While the agent is stopped, something else fills the disk to the last byte.
    fillDisk(join(disk, 'other-software.log'));
    expect(freeBytes(join(disk, 'outbox.db'))).toBe(0);
    const again = await open(disk);
    const boot = await again.append({ boot: { agentVersion: 'test', keyId: 'k', hostname: 'h' } });
    expect(boot.seq).toBe(head + 1);
    expect(again.recovery).toBeUndefined();
    again.close();
  });
});
