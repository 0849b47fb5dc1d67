// Outbox disk quota: oldest non-critical segments are evicted and a Gap record names each evicted range
// exactly; critical segments are never evicted; when only critical records remain, bulk appends get OUTBOX_FULL.
import { describe, expect, it } from 'vitest';
import { OutboxError, outboxStats, verifyOutbox, type Appended, type Evicted } from '../agent/outbox/index.js';
import { sha256, toHex, toNumber } from '../proto/index.js';
import { bulkBody, criticalBody } from './helpers/bodies.js';
import { heldRecords, openTestOutbox, segmentRows } from './helpers/outbox.js';
import { ackThrough } from './helpers/ack-through.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const QUOTA = 20_000;

describe('quota eviction', () => {
  it('evicts the oldest bulk segments, names each range in a sealed Gap record, and never evicts critical ones', async () => {
    const outbox = await openTestOutbox(tempDir(), { quotaBytes: QUOTA, sealMaxRecords: 20 });
    const evicted: Evicted[] = [];
    outbox.on('evicted', (e) => evicted.push(e));
    const hashes = new Map<number, string>();
    const critical = new Set<number>();
    const note = (a: Appended) => hashes.set(a.seq, toHex(a.hash));
    for (let batch = 0; batch < 40; batch++) {
      const appends = Array.from({ length: 25 }, (_, i) => outbox.append(bulkBody(batch * 25 + i)));
      if (batch % 4 === 1) appends.push(outbox.append(criticalBody(batch)).then((a) => { critical.add(a.seq); return a; }));
      (await Promise.all(appends)).forEach(note);
      expect(outboxStats(outbox.database).bytes, `after batch ${batch}`).toBeLessThanOrEqual(QUOTA);
    }
    expect(evicted.length).toBeGreaterThan(1);

    const held = heldRecords(outbox.database);
    const heldSeqs = new Set(held.map((r) => r.seq));
    for (const r of held) hashes.set(r.seq, toHex(sha256(r.bytes))); // Gap records come from the outbox, not from append()
    const gaps = held.filter((r) => r.record.gap);
    // One Gap record per evicted range, naming it exactly, with the hashes that splice the chain.
    expect(gaps.map((g) => [toNumber(g.record.gap!.firstSeq), toNumber(g.record.gap!.lastSeq)]))
      .toEqual(evicted.map((e) => [e.firstSeq, e.lastSeq]));
    for (const { record } of gaps) {
      const gap = record.gap!;
      const first = toNumber(gap.firstSeq);
      const last = toNumber(gap.lastSeq);
      expect(gap.reason).toBe(1);
      expect(toHex(gap.lastHash!)).toBe(hashes.get(last));
      expect(toHex(gap.firstPrevHash!)).toBe(first === 1 ? '00'.repeat(32) : hashes.get(first - 1));
      expect(toNumber(gap.bytesLost)).toBeGreaterThan(0);
      expect(gap.detail).toContain(`${QUOTA} bytes`);
      for (let s = first; s <= last; s++) expect(heldSeqs.has(s), `seq ${s} evicted`).toBe(false);
      critical.add(toNumber(record.seq));
    }
    // Every seq is either held or named by a Gap record.
    const head = outbox.headSeq();
    for (let s = 1; s <= head; s++) {
      expect(heldSeqs.has(s) || gaps.some((g) => s >= toNumber(g.record.gap!.firstSeq) && s <= toNumber(g.record.gap!.lastSeq)), `seq ${s}`).toBe(true);
    }
    for (const seq of critical) expect(heldSeqs.has(seq), `critical seq ${seq}`).toBe(true);
    expect(outboxStats(outbox.database).evictedTotal).toBe(evicted.reduce((n, e) => n + e.lastSeq - e.firstSeq + 1, 0));

    const report = verifyOutbox(outbox.database);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.explainedGaps.map((g) => [g.firstSeq, g.lastSeq])).toEqual(evicted.map((e) => [e.firstSeq, e.lastSeq]));
    outbox.close();
  });

  it('keeps taking a long bulk stream: only the Gap records themselves become critical', async () => {
    const outbox = await openTestOutbox(tempDir(), { quotaBytes: QUOTA, sealMaxRecords: 20 });
    for (let batch = 0; batch < 60; batch++) await Promise.all(Array.from({ length: 25 }, (_, i) => outbox.append(bulkBody(batch * 25 + i))));
    const gaps = heldRecords(outbox.database).filter((r) => r.record.gap).length;
    expect(gaps).toBeGreaterThan(10);
    expect(outboxStats(outbox.database).criticalPending).toBe(gaps);
    expect(verifyOutbox(outbox.database).ok).toBe(true);
    outbox.close();
  });

  it('evicts normal-priority segments only after bulk ones', async () => {
    const outbox = await openTestOutbox(tempDir(), { quotaBytes: 6_000, sealMaxRecords: 10 });
    const markers = await Promise.all(Array.from({ length: 10 }, (_, i) => outbox.append({ marker: { kind: 'note', text: `m${i}` } })));
    const evicted: Evicted[] = [];
    outbox.on('evicted', (e) => evicted.push(e));
    for (let batch = 0; batch < 8; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => outbox.append(bulkBody(batch * 10 + i))));
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted.every((e) => e.firstSeq > markers[markers.length - 1].seq)).toBe(true);
    expect(verifyOutbox(outbox.database).ok).toBe(true);
    outbox.close();
  });

  it('explains two adjacent evictions with two adjacent Gap records', async () => {
    const outbox = await openTestOutbox(tempDir(), { quotaBytes: 3_000, sealMaxRecords: 10 });
    const evicted: Evicted[] = [];
    outbox.on('evicted', (e) => evicted.push(e));
    for (let batch = 0; batch < 12; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => outbox.append(bulkBody(batch * 10 + i))));
    const adjacent = evicted.some((e, i) => i > 0 && evicted[i - 1].lastSeq + 1 === e.firstSeq);
    expect(adjacent).toBe(true);
    const report = verifyOutbox(outbox.database);
    expect(report.ok).toBe(true);
    expect(report.explainedGaps.length).toBe(evicted.length);
    outbox.close();
  });
});

describe('quota full of critical records', () => {
  async function fullOfCritical(quotaBytes: number) {
    const outbox = await openTestOutbox(tempDir(), { quotaBytes });
    let i = 0;
    while (outboxStats(outbox.database).bytes < quotaBytes) await outbox.append(criticalBody(i++));
    return outbox;
  }

  it('refuses bulk appends with OUTBOX_FULL (retryable) and still takes critical ones', async () => {
    const outbox = await fullOfCritical(4_000);
    const head = outbox.headSeq();
    let caught: unknown;
    try {
      await outbox.append(bulkBody(1));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OutboxError);
    expect(caught).toMatchObject({ code: 'OUTBOX_FULL', retryable: true });
    expect((caught as Error).message).toMatch(/outbox quota of 4000 bytes is full of unsent critical records; retry once the hub acknowledges/);
    expect(outbox.headSeq()).toBe(head);

    const critical = await outbox.append(criticalBody(1));
    expect(critical.seq).toBe(head + 1);
    expect(segmentRows(outbox.database).every(([, , priority]) => priority === 2)).toBe(true);
    outbox.close();
  });

  it('in one batch, refuses the bulk records and commits the critical ones without a seq hole', async () => {
    const outbox = await fullOfCritical(4_000);
    const head = outbox.headSeq();
    const results = await Promise.allSettled([
      outbox.append(bulkBody(1)), outbox.append(criticalBody(0)), outbox.append({ health: { cpuLoadPct: 50 } }), outbox.append(criticalBody(1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Appended>).value.seq)).toEqual([head + 1, head + 2]);
    const report = verifyOutbox(outbox.database);
    expect(report).toMatchObject({ ok: true, lastSeq: head + 2, explainedGaps: [] });
    outbox.close();
  });

  it('takes bulk records again once an ack frees space', async () => {
    const outbox = await fullOfCritical(4_000);
    await expect(outbox.append(bulkBody(1))).rejects.toMatchObject({ code: 'OUTBOX_FULL' });
    ackThrough(outbox, outbox.headSeq());
    const a = await outbox.append(bulkBody(2));
    expect(a.seq).toBe(outbox.headSeq());
    expect(verifyOutbox(outbox.database).ok).toBe(true);
    outbox.close();
  });
});
