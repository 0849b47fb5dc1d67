// What a damaged outbox still proves (planSalvage, pure), the reserve's tiers (DiskGuard with a real reserve
// file) and finishing a rebuild that a crash interrupted (resumeRecovery, real files).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskGuard } from '../agent/outbox/disk-guard.js';
import { DiskReserve } from '../agent/outbox/disk-reserve.js';
import { resumeRecovery } from '../agent/outbox/recover.js';
import { planSalvage, type ChunkRow, type SegmentRow } from '../agent/outbox/salvage-plan.js';
import { createSeal, encodeSeal, hashEquals, recordsFragment, KeyRing, GENESIS_HASH } from '../proto/index.js';
import { bulkBody } from './helpers/bodies.js';
import { ChainBuilder } from './helpers/chain-builder.js';
import { testKey } from './helpers/keys.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const key = await testKey(1);
const DEVICE = 'ugv-01';

/** Records 1..n chained from genesis, cut into sealed segments of `per` records (one chunk each). */
function outboxRows(n: number, per: number): { segments: SegmentRow[]; chunks: ChunkRow[]; records: Uint8Array[]; hashes: Uint8Array[] } {
  const built = new ChainBuilder(DEVICE);
  for (let i = 0; i < n; i++) built.append(bulkBody(i));
  const records = built.records.map((r) => r.bytes);
  const hashes = built.records.map((r) => r.hash);
  const segments: SegmentRow[] = [];
  const chunks: ChunkRow[] = [];
  for (let first = 1; first <= n; first += per) {
    const last = Math.min(n, first + per - 1);
    const seal = encodeSeal(createSeal({ deviceId: DEVICE, keyId: key.keyId, firstSeq: first, lastSeq: last, lastHash: hashes[last - 1] }, key.secretKey));
    segments.push({ firstSeq: first, lastSeq: last, priority: 0, bytes: 100, seal });
    chunks.push({ firstSeq: first, lastSeq: last, data: recordsFragment(records.slice(first - 1, last)) });
  }
  return { segments, chunks, records, hashes };
}

const plan = (rows: { segments: SegmentRow[]; chunks: ChunkRow[] }, issuedThrough: number) =>
  planSalvage({ deviceId: DEVICE, base: { seq: 0, hash: GENESIS_HASH }, ...rows, tailPriority: 1, issuedThrough, keys: new KeyRing([key.publicKey]) });

describe('planSalvage', () => {
  it('keeps a sound outbox whole, with its seals', () => {
    const rows = outboxRows(20, 5);
    const p = plan(rows, 20);
    expect(p.lost).toEqual([]);
    expect(p.keptRecords).toBe(20);
    expect(p.kept.every((run, i) => run.seal === rows.segments[i].seal)).toBe(true);
    expect(p.head.seq).toBe(20);
    expect(hashEquals(p.head.hash, rows.hashes[19])).toBe(true);
  });

  it('a record altered inside a segment: loses it and the records before it in that segment, keeps the authentic rest to seal anew', () => {
    const rows = outboxRows(20, 5);
    const bad = rows.records.map((r) => new Uint8Array(r));
    bad[7][bad[7].length - 1] ^= 1; // seq 8, in segment 6..10
    rows.chunks[1] = { ...rows.chunks[1], data: recordsFragment(bad.slice(5, 10)) };
    const p = plan(rows, 20);
    expect(p.lost.map((l) => [l.firstSeq, l.lastSeq, l.tail])).toEqual([[6, 8, false]]);
    // The hashes that splice the chain across the hole: the record before it, and seq 9's (authentic) prev_hash.
    expect(hashEquals(p.lost[0].firstPrevHash, rows.hashes[4])).toBe(true);
    expect(hashEquals(p.lost[0].lastHash, rows.hashes[7])).toBe(true);
    const resealed = p.kept.find((run) => run.records[0].seq === 9)!;
    expect(resealed.records.map((r) => r.seq)).toEqual([9, 10]);
    expect(resealed.seal).toBeUndefined();
    expect(p.keptRecords).toBe(17);
    expect(p.head.seq).toBe(20);
  });

  it('seqs that may have been issued after the last record kept are lost too, and the chain goes on from that record', () => {
    const rows = outboxRows(10, 5);
    const p = plan(rows, 70_000);
    expect(p.lost.map((l) => [l.firstSeq, l.lastSeq, l.tail])).toEqual([[11, 70_000, true]]);
    expect(hashEquals(p.lost[0].lastHash, p.lost[0].firstPrevHash)).toBe(true);
    expect(p.head).toEqual({ seq: 70_000, hash: rows.hashes[9] });
  });

  it('a seal that does not verify keeps nothing of its segment', () => {
    const rows = outboxRows(10, 5);
    const other = createSeal({ deviceId: DEVICE, keyId: key.keyId, firstSeq: 1, lastSeq: 5, lastHash: rows.hashes[3] }, key.secretKey);
    rows.segments[0] = { ...rows.segments[0], seal: encodeSeal(other) };
    expect(plan(rows, 10).lost.map((l) => [l.firstSeq, l.lastSeq])).toEqual([[1, 5]]);
  });
});

describe('DiskGuard tiers', () => {
  it('gives records half the reserve and bookkeeping (acks, Boot) the rest; send counts none', () => {
    const reserve = new DiskReserve(join(tempDir(), 'outbox.db.reserve'), 64 * 1024);
    expect(reserve.grow()).toBe(true);
    const guard = new DiskGuard(reserve, true, () => 0);
    expect(guard.onFull(0, 'records')).toBe('checkpoint');
    expect(guard.diskFull).toBe(true);
    expect(guard.onFull(1, 'none')).toBeUndefined();
    expect(reserve.size()).toBe(64 * 1024);
    expect(guard.onFull(1, 'records')).toBe('release');
    expect(reserve.size()).toBe(32 * 1024);
    expect(guard.onFull(1, 'records')).toBeUndefined();
    expect(guard.onFull(1, 'bookkeeping')).toBe('release');
    expect(reserve.size()).toBe(0);
    expect(guard.headroomPages(4096)).toBe(16);
  });

  it('grows the reserve back only with room for it twice over, then leaves disk-full mode', () => {
    const reserve = new DiskReserve(join(tempDir(), 'outbox.db.reserve'), 64 * 1024);
    let free = 100 * 1024;
    const guard = new DiskGuard(reserve, true, () => free);
    guard.onFull(0, 'records');
    expect(guard.sweep()).toBeUndefined();
    free = 128 * 1024;
    expect(guard.sweep()).toBe('regrown');
    expect(statSync(reserve.path).size).toBe(64 * 1024);
    free = 2 << 20;
    expect(guard.sweep()).toBe('cleared');
    expect(guard.diskFull).toBe(false);
  });
});

describe('resumeRecovery', () => {
  it('finishes a swap a crash cut short: the orphaned WAL goes with the damaged file before the rebuild takes the name', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'outbox.db');
    writeFileSync(`${path}.damaged-20260101T000000Z`, 'damaged');
    writeFileSync(`${path}-wal`, 'orphaned wal of the damaged file');
    writeFileSync(`${path}.rebuild-20260101T000000Z`, 'rebuilt');
    writeFileSync(`${path}.rebuild-20260102T000000Z.tmp`, 'half written');
    resumeRecovery(path);
    expect(existsSync(`${path}.rebuild-20260101T000000Z`)).toBe(false);
    expect(existsSync(`${path}.rebuild-20260102T000000Z.tmp`)).toBe(false);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(statSync(`${path}.damaged-20260101T000000Z-wal`).size).toBe('orphaned wal of the damaged file'.length);
    expect(statSync(path).size).toBe('rebuilt'.length);
  });
});
