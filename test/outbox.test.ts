// Outbox on a real SQLite file: seq assignment and prev_hash links, group commit, sealing (critical,
// N records, T ms), restart continuity, ack() freeing whole segments, and errors on closed or foreign files.
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../agent/clock.js';
import { Outbox, OutboxError, outboxStats, verifyOutbox, type SealedSegment } from '../agent/outbox/index.js';
import { sha256, toHex, GENESIS_HASH } from '../proto/index.js';
import { bulkBody, criticalBody } from './helpers/bodies.js';
import { testKey } from './helpers/keys.js';
import { chunkRows, DEVICE, heldRecords, openTestOutbox, segmentRows } from './helpers/outbox.js';
import { ackThrough } from './helpers/ack-through.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const hex = (b: Uint8Array) => toHex(b);

describe('append', () => {
  it('assigns seq 1, 2, 3 ... and links each record to the hash of the one before', async () => {
    const outbox = await openTestOutbox(tempDir());
    const appended = [];
    for (let i = 1; i <= 6; i++) appended.push(await outbox.append(bulkBody(i)));
    expect(appended.map((a) => a.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const held = heldRecords(outbox.database);
    expect(held.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(hex(held[0].record.prevHash)).toBe(hex(GENESIS_HASH));
    for (let i = 0; i < held.length; i++) {
      expect(held[i].record.deviceId).toBe(DEVICE);
      expect(hex(sha256(held[i].bytes))).toBe(hex(appended[i].hash));
      if (i > 0) expect(hex(held[i].record.prevHash)).toBe(hex(appended[i - 1].hash));
    }
    expect(outbox.headSeq()).toBe(6);
    outbox.close();
  });

  it('commits appends made in one tick in one transaction: one chunk row', async () => {
    const outbox = await openTestOutbox(tempDir());
    const appended = await Promise.all(Array.from({ length: 200 }, (_, i) => outbox.append(bulkBody(i))));
    expect(appended.map((a) => a.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(chunkRows(outbox.database)).toEqual([[1, 200]]);
    outbox.close();
  });

  it('commits at once when maxBatch appends are waiting', async () => {
    const outbox = await openTestOutbox(tempDir(), { maxBatch: 10 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => outbox.append(bulkBody(i))));
    expect(chunkRows(outbox.database)).toEqual([[1, 10], [11, 20], [21, 25]]);
    outbox.close();
  });

  it('rejects only the append whose body cannot be encoded', async () => {
    const outbox = await openTestOutbox(tempDir());
    const results = await Promise.allSettled([outbox.append(bulkBody(1)), outbox.append({ bogus: {} } as never), outbox.append(bulkBody(2))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toContain('unknown record body "bogus"');
    expect(heldRecords(outbox.database).map((r) => r.seq)).toEqual([1, 2]);
    outbox.close();
  });

  it('uses the given times, or the clock', async () => {
    const clock = manualClock(1_700_000_000_000);
    const outbox = await openTestOutbox(tempDir(), { clock });
    await outbox.append(bulkBody(1));
    await outbox.append(bulkBody(2), { timeUnixNs: 5n, monoNs: 6n });
    const [a, b] = heldRecords(outbox.database).map((r) => r.record);
    expect(String(a.timeUnixNs)).toBe('1700000000000000000');
    expect(String(b.timeUnixNs)).toBe('5');
    expect(String(b.monoNs)).toBe('6');
    outbox.close();
  });

  it('rejects appends after close with code CLOSED', async () => {
    const outbox = await openTestOutbox(tempDir());
    outbox.close();
    await expect(outbox.append(bulkBody(1))).rejects.toMatchObject({ code: 'CLOSED', retryable: false });
  });
});

describe('sealing', () => {
  it('seals a handover at once in a critical segment of its own; the bulk records before it stay bulk', async () => {
    const outbox = await openTestOutbox(tempDir());
    const sealed: SealedSegment[] = [];
    outbox.on('sealed', (s) => sealed.push(s));
    await Promise.all([1, 2, 3].map((i) => outbox.append(bulkBody(i))));
    expect(segmentRows(outbox.database)).toEqual([]);
    await outbox.append(criticalBody(0));
    expect(segmentRows(outbox.database)).toEqual([[1, 3, 0], [4, 4, 2]]);
    expect(sealed).toEqual([{ firstSeq: 1, lastSeq: 3, priority: 0 }, { firstSeq: 4, lastSeq: 4, priority: 2 }]);
    // In one batch too: each critical record is sealed alone, the bulk runs between them as bulk.
    await Promise.all([outbox.append(bulkBody(5)), outbox.append(criticalBody(1)), outbox.append(criticalBody(2)), outbox.append(bulkBody(8))]);
    expect(segmentRows(outbox.database).slice(2)).toEqual([[5, 5, 0], [6, 6, 2], [7, 7, 2]]);
    expect(verifyOutbox(outbox.database)).toMatchObject({ ok: true, unsealed: 1 });
    outbox.close();
  });

  it('seals at once on a NO_GO decision but not on a GO decision', async () => {
    const outbox = await openTestOutbox(tempDir());
    await outbox.append({ decision: { verdict: 1, reason: 'go' } });
    expect(segmentRows(outbox.database)).toEqual([]);
    await outbox.append({ decision: { verdict: 2, reason: 'no-go' } });
    expect(segmentRows(outbox.database)).toEqual([[1, 1, 1], [2, 2, 2]]);
    outbox.close();
  });

  it('seals every N records, and a chunk never spans a segment boundary', async () => {
    const outbox = await openTestOutbox(tempDir(), { sealMaxRecords: 5 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => outbox.append(bulkBody(i))));
    expect(segmentRows(outbox.database)).toEqual([[1, 5, 0], [6, 10, 0]]);
    expect(chunkRows(outbox.database)).toEqual([[1, 5], [6, 10], [11, 12]]);
    for (let i = 13; i <= 15; i++) await outbox.append(bulkBody(i));
    expect(segmentRows(outbox.database)).toEqual([[1, 5, 0], [6, 10, 0], [11, 15, 0]]);
    expect(chunkRows(outbox.database)).toEqual([[1, 5], [6, 10], [11, 12], [13, 13], [14, 14], [15, 15]]);
    expect(outboxStats(outbox.database)).toMatchObject({ records: 15, sealed: 15, unsealed: 0, segments: 3 });
    outbox.close();
  });

  it('seals a segment once it is T ms old (manual clock)', async () => {
    const clock = manualClock();
    const outbox = await openTestOutbox(tempDir(), { clock, sealMaxAgeMs: 1000 });
    await Promise.all([1, 2, 3].map((i) => outbox.append(bulkBody(i))));
    clock.advance(999);
    expect(outbox.sealIfDue()).toBeUndefined();
    clock.advance(1);
    expect(outbox.sealIfDue()).toEqual({ firstSeq: 1, lastSeq: 3, priority: 0 });
    expect(outbox.sealIfDue()).toBeUndefined();
    // An append into a segment that has grown old seals it in the same transaction.
    await outbox.append(bulkBody(4));
    clock.advance(1000);
    await outbox.append(bulkBody(5));
    expect(segmentRows(outbox.database)).toEqual([[1, 3, 0], [4, 5, 0]]);
    outbox.close();
  });

  it('seals by age on its own with the seal timer (real timers)', async () => {
    const outbox = Outbox.open({ path: join(tempDir(), 'outbox.db'), deviceId: DEVICE, key: await testKey(1), sealMaxAgeMs: 20, sealTimer: true });
    const sealed = once(outbox, 'sealed');
    await outbox.append(bulkBody(1));
    await outbox.append(bulkBody(2));
    const [segment] = (await sealed) as [SealedSegment];
    expect(segment.firstSeq).toBe(1);
    expect(outboxStats(outbox.database).unsealed).toBe(0);
    outbox.close();
  });

  it('seals the tail a previous run left open when it opens with the seal timer', async () => {
    const dir = tempDir();
    const first = await openTestOutbox(dir);
    await Promise.all([1, 2].map((i) => first.append(bulkBody(i))));
    first.close();
    const second = await openTestOutbox(dir, { sealTimer: true });
    expect(segmentRows(second.database)).toEqual([[1, 2, 0]]);
    second.close();
  });
});

describe('restart continuity', () => {
  it('continues at head + 1, linked to the last record, and the whole chain verifies', async () => {
    const dir = tempDir();
    const first = await openTestOutbox(dir, { sealMaxRecords: 5 });
    const before = await Promise.all(Array.from({ length: 7 }, (_, i) => first.append(bulkBody(i))));
    first.close();
    const second = await openTestOutbox(dir, { sealMaxRecords: 5 });
    expect(second.headSeq()).toBe(7);
    const next = await second.append(bulkBody(8));
    expect(next.seq).toBe(8);
    await second.append(criticalBody(0));
    const held = heldRecords(second.database);
    expect(hex(held[7].record.prevHash)).toBe(hex(before[6].hash));
    const report = verifyOutbox(second.database);
    expect(report).toMatchObject({ ok: true, firstSeq: 1, lastSeq: 9, records: 9, unsealed: 0 });
    second.close();
  });

  it('refuses to open another device\'s outbox, saying whose it is', async () => {
    const dir = tempDir();
    (await openTestOutbox(dir)).close();
    let caught: unknown;
    try {
      Outbox.open({ path: join(dir, 'outbox.db'), deviceId: 'ugv-02', key: await testKey(1), sealTimer: false });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OutboxError);
    expect(caught).toMatchObject({ code: 'WRONG_DEVICE', retryable: false });
    expect((caught as Error).message).toBe(`${join(dir, 'outbox.db')}: outbox belongs to device "ugv-01", config says "ugv-02"; use another outbox.path`);
    // The rightful device still opens it.
    const again = await openTestOutbox(dir);
    expect(again.headSeq()).toBe(0);
    again.close();
  });
});

describe('ack', () => {
  it('frees only whole sealed segments and keeps the chain verifiable from the acked record', async () => {
    const outbox = await openTestOutbox(tempDir(), { sealMaxRecords: 5 });
    const appended = await Promise.all(Array.from({ length: 12 }, (_, i) => outbox.append(bulkBody(i))));
    expect(ackThrough(outbox, 7)).toEqual({ freedRecords: 5, ackedSeq: 5 });
    const state = outbox.database.prepare('SELECT acked_seq, acked_hash, bytes_total FROM state').get() as { acked_seq: number; acked_hash: Uint8Array; bytes_total: number };
    expect(state.acked_seq).toBe(5);
    expect(hex(state.acked_hash)).toBe(hex(appended[4].hash));
    expect(heldRecords(outbox.database).map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(verifyOutbox(outbox.database)).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 12 });

    // Unsealed records are never freed, even if the hub claims them.
    expect(ackThrough(outbox, 12)).toEqual({ freedRecords: 5, ackedSeq: 10 });
    expect(heldRecords(outbox.database).map((r) => r.seq)).toEqual([11, 12]);
    expect(outboxStats(outbox.database)).toMatchObject({ records: 2, ackedSeq: 10, segments: 0, headSeq: 12 });
    const bytesLeft = heldRecords(outbox.database).reduce((n, r) => n + r.bytes.length, 0);
    expect(outboxStats(outbox.database).bytes).toBe(bytesLeft);

    // An old or repeated ack changes nothing.
    expect(ackThrough(outbox, 3)).toEqual({ freedRecords: 0, ackedSeq: 10 });
    await outbox.append(criticalBody(0));
    expect(verifyOutbox(outbox.database)).toMatchObject({ ok: true, firstSeq: 11, lastSeq: 13, unsealed: 0 });
    outbox.close();
  });

  it('survives a restart after an ack', async () => {
    const dir = tempDir();
    const first = await openTestOutbox(dir, { sealMaxRecords: 4 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => first.append(bulkBody(i))));
    ackThrough(first, 8);
    first.close();
    const second = await openTestOutbox(dir, { sealMaxRecords: 4 });
    expect((await second.append(bulkBody(9))).seq).toBe(9);
    expect(verifyOutbox(second.database)).toMatchObject({ ok: true, firstSeq: 9, lastSeq: 9 });
    second.close();
  });
});

describe('sync', () => {
  it('full: every commit is fsynced (synchronous = FULL); normal: only critical batches, and what is sent', async () => {
    const full = await openTestOutbox(tempDir(), { sync: 'full' });
    await full.append(bulkBody(1));
    expect(full.database.pragma('synchronous', { simple: true })).toBe(2);
    await full.makeDurableAsync();
    expect(full.durabilitySyncs).toBe(0); // nothing left to sync before sending
    full.close();
    const normal = await openTestOutbox(tempDir(), { sync: 'normal' });
    await normal.append(bulkBody(1));
    expect(normal.database.pragma('synchronous', { simple: true })).toBe(1);
    await normal.append(criticalBody(1));
    expect(normal.database.pragma('synchronous', { simple: true })).toBe(1);
    await normal.append(bulkBody(2));
    await normal.makeDurableAsync();
    expect(normal.durabilitySyncs).toBe(1);
    await normal.makeDurableAsync();
    expect(normal.durabilitySyncs).toBe(1);
    normal.close();
  });
});
