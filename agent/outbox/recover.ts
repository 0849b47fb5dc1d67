// Start check and recovery of a damaged outbox: finds damage (raw WAL, quick_check, state, chain from the
// last acknowledged record), moves the files aside as outbox.db.damaged-<time>*, and rebuilds what verifies.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createSeal, encodeSeal, recordsFragment, GENESIS_HASH, KeyRing, type Body, type ChainPoint, type DeviceKey } from '../../proto/index.js';
import { openOutboxDatabase, type OutboxDatabase } from './database.js';
import { planSalvage, type ChunkRow, type SalvagePlan, type SegmentRow } from './salvage-plan.js';
import type { SeqReservation } from './seq-reservation.js';
import { verifyOutbox } from './verify-outbox.js';

export interface Damage {
  /** What was found, one line each. */
  reasons: string[];
  /** Committed records after the stored head may be gone (a cut WAL, a state row ahead of the rows). */
  lossAfterHead: boolean;
}

/**
 * Checks the outbox file at `path` without changing it; undefined when it is sound (or does not exist).
 * Throws when the check itself cannot run (a full disk, permissions): that says nothing about the file.
 */
export function findDamage(path: string, trustedKeys: Uint8Array[]): Damage | undefined {
  if (!existsSync(path)) return undefined;
  let db: OutboxDatabase;
  try {
    db = openOutboxDatabase(path, { readonly: true });
  } catch (err) {
    if (!isCorruption(err)) throw err;
    return { reasons: [(err as Error).message], lossAfterHead: true };
  }
  try {
    const state = db.prepare('SELECT public_key FROM state WHERE id = 1').get() as { public_key: Uint8Array } | undefined;
    if (!state) return { reasons: ['the state row is missing'], lossAfterHead: true };
    const report = verifyOutbox(db, [...trustedKeys, state.public_key], { path });
    if (report.ok) return undefined;
    const reasons = report.anomalies.map((a) => a.message);
    for (const p of report.problems.slice(0, 3)) reasons.push(`seq ${p.seq} [${p.code}]: ${p.message}`);
    if (report.problems.length > 3) reasons.push(`and ${report.problems.length - 3} more chain problems`);
    return { reasons, lossAfterHead: report.anomalies.some((a) => a.lossAfterHead) };
  } catch (err) {
    if (!isCorruption(err)) throw err;
    return { reasons: [`${path}: cannot be read: ${(err as Error).message}`], lossAfterHead: true };
  } finally {
    db.close();
  }
}

/** SQLite saying the file itself is bad (not that the disk is full or a permission is missing). */
function isCorruption(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && (e.code.startsWith('SQLITE_CORRUPT') || e.code === 'SQLITE_NOTADB')) return true;
    if (/malformed|not a database|not an initialised fieldproof outbox/i.test(String(e.message))) return true;
  }
  return false;
}

export interface SalvageSource {
  plan: SalvagePlan;
  acked: ChainPoint;
  evictedTotal: number;
  receipts: { hub_key_id: string; seq: number; checkpoint: Uint8Array }[];
}

/** Reads whatever rows of the damaged file can still be read and plans the rebuild. */
export function salvage(path: string, deviceId: string, key: DeviceKey, damage: Damage, reservation: SeqReservation): SalvageSource {
  let db: OutboxDatabase | undefined;
  try {
    db = openOutboxDatabase(path, { readonly: true });
  } catch { /* nothing readable: everything after the reserved seqs is lost */ }
  const state = db && tryRead(() => db.prepare('SELECT * FROM state WHERE id = 1').get() as StateRow | undefined);
  const segments = db ? readRows<SegmentRow>(db, 'segments', 'first_seq AS firstSeq, last_seq AS lastSeq, priority, bytes, seal') : [];
  const chunks = db ? readRows<ChunkRow>(db, 'chunks', 'first_seq AS firstSeq, last_seq AS lastSeq, data') : [];
  const receipts = (db && tryRead(() => db.prepare('SELECT hub_key_id, seq, checkpoint FROM receipts').all() as SalvageSource['receipts'])) ?? [];
  db?.close();
  const acked: ChainPoint = state ? { seq: state.acked_seq, hash: state.acked_hash } : { seq: 0, hash: GENESIS_HASH };
  const keys = new KeyRing([key.publicKey, ...(state?.public_key?.length === 32 ? [state.public_key] : [])]);
  const seen = Math.max(0, ...segments.map((s) => s.lastSeq), ...chunks.map((c) => c.lastSeq));
  // Where the stored head cannot be trusted, any seq reserved may have been issued, and is skipped.
  const issuedThrough = Math.max(seen, state?.head_seq ?? 0, damage.lossAfterHead || !state ? reservation.read() : 0);
  const plan = planSalvage({
    deviceId, base: acked, segments, chunks, tailPriority: state?.open_priority ?? 1, issuedThrough, keys,
  });
  return { plan, acked, evictedTotal: state?.evicted_total ?? 0, receipts };
}

interface StateRow { head_seq: number; acked_seq: number; acked_hash: Uint8Array; public_key: Uint8Array; open_priority: number; evicted_total: number }

/**
 * Rows of a table that can still be read: a scan up from the lowest key, then one down from the highest,
 * so a damaged page in the middle loses only the rows on it.
 */
function readRows<T extends { firstSeq: number }>(db: OutboxDatabase, table: string, columns: string): T[] {
  const rows = new Map<number, T>();
  for (const order of ['ASC', 'DESC']) {
    try {
      for (const row of db.prepare(`SELECT ${columns} FROM ${table} ORDER BY first_seq ${order}`).iterate() as Iterable<T>) {
        if (order === 'DESC' && rows.has(row.firstSeq)) break;
        rows.set(row.firstSeq, row);
      }
    } catch { /* a damaged page: keep what was read */ }
  }
  return [...rows.values()];
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Writes the kept records (original seals, or new ones for partial segments) and the state into a fresh file. */
export function writeRebuild(path: string, source: SalvageSource, deviceId: string, key: DeviceKey, nowMs: number): OutboxDatabase {
  const db = openOutboxDatabase(path);
  const { plan } = source;
  db.transaction(() => {
    let bytesTotal = 0;
    const chunk = db.prepare('INSERT INTO chunks (first_seq, last_seq, data) VALUES (?, ?, ?)');
    const segment = db.prepare('INSERT INTO segments (first_seq, last_seq, priority, bytes, seal, sealed_at_ms) VALUES (?, ?, ?, ?, ?, ?)');
    for (const run of plan.kept) {
      const first = run.records[0];
      const last = run.records[run.records.length - 1];
      const bytes = run.records.reduce((n, r) => n + r.bytes.length, 0);
      const seal = run.seal ?? encodeSeal(createSeal({ deviceId, keyId: key.keyId, firstSeq: first.seq, lastSeq: last.seq, lastHash: last.hash }, key.secretKey));
      chunk.run(first.seq, last.seq, recordsFragment(run.records.map((r) => r.bytes)));
      segment.run(first.seq, last.seq, run.priority, bytes, seal, nowMs);
      bytesTotal += bytes;
    }
    db.prepare(`INSERT INTO state (id, device_id, public_key, head_seq, head_hash, sealed_through, bytes_total, acked_seq, acked_hash, evicted_total)
      VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(deviceId, key.publicKey, plan.head.seq, plan.head.hash, plan.head.seq, bytesTotal, source.acked.seq, source.acked.hash, source.evictedTotal);
    const receipt = tryRead(() => db.prepare('INSERT INTO receipts (hub_key_id, seq, checkpoint) VALUES (?, ?, ?)'));
    if (receipt) for (const r of source.receipts) receipt.run(r.hub_key_id, r.seq, r.checkpoint);
  }).immediate();
  return db;
}

/** outbox.db.damaged-20250101T120000Z for a path and a time. Pure. */
export function quarantinePath(path: string, nowMs: number): string {
  return `${path}.damaged-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;
}

/** Where a rebuild is written (`.tmp` until it is complete and closed). */
export function rebuildPath(quarantine: string): string {
  return quarantine.replace(/\.damaged-/, '.rebuild-');
}

/**
 * Puts a complete rebuild in place: the damaged database, then its WAL and shared memory, move aside, then
 * the rebuild takes the name. In this order a crash at any step is finished by resumeRecovery().
 */
export function swapIn(path: string, rebuild: string, quarantine: string): void {
  if (existsSync(path)) renameSync(path, quarantine);
  for (const suffix of ['-wal', '-shm']) {
    // A WAL left beside the new file would be replayed into it.
    if (existsSync(path + suffix)) renameSync(path + suffix, quarantine + suffix);
  }
  renameSync(rebuild, path);
}

/** Finishes a recovery a crash interrupted (a complete rebuild waiting), or discards an incomplete one. */
export function resumeRecovery(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.rebuild-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith(prefix)).sort()) {
    const file = join(dir, name);
    if (name.includes('.tmp')) rmSync(file, { force: true });
    else if (/^[0-9TZ]+$/.test(name.slice(prefix.length))) swapIn(path, file, file.replace(/\.rebuild-/, '.damaged-'));
  }
}

export interface Recovery {
  /** Where the damaged files now are (outbox.db.damaged-<time>, with -wal and -shm when they existed). */
  quarantinedAs: string;
  reasons: string[];
  keptRecords: number;
  /** The seq ranges named lost by OUTBOX_DAMAGED Gap records. */
  lost: { firstSeq: number; lastSeq: number }[];
  /** The seq the rebuilt chain's next record takes. */
  nextSeq: number;
}

export const GAP_OUTBOX_DAMAGED = 3; // fieldproof.v1.Gap.Reason.OUTBOX_DAMAGED

/** One OUTBOX_DAMAGED Gap body per lost range. Pure. */
export function damagedGapBodies(plan: SalvagePlan, damage: Damage, quarantinedAs: string): Body[] {
  const why = damage.reasons[0] ?? 'damaged';
  return plan.lost.map((range) => ({
    gap: {
      firstSeq: range.firstSeq, lastSeq: range.lastSeq, reason: GAP_OUTBOX_DAMAGED, firstPrevHash: range.firstPrevHash, lastHash: range.lastHash,
      bytesLost: range.bytes,
      detail: `${range.tail ? 'seqs after the last record that verified, possibly issued before the damage (never reused); ' : 'records that no longer verify; '}`
        + `outbox damaged: ${why.slice(0, 300)}; the damaged file is kept as ${basename(quarantinedAs)}`,
    },
  }));
}

/**
 * Moves a damaged outbox aside and puts a rebuilt one in its place: every record that still verifies (to be
 * sent again), one Gap record per lost range, and the chain going on after every seq that may have been issued.
 * `appendGaps` commits the Gap records to the rebuild (the outbox's own commit path).
 */
export function recoverOutbox(
  o: { path: string; deviceId: string; key: DeviceKey }, damage: Damage, reservation: SeqReservation, nowMs: number,
  appendGaps: (db: OutboxDatabase, path: string, bodies: Body[]) => void,
): Recovery {
  const quarantine = quarantinePath(o.path, nowMs);
  const complete = rebuildPath(quarantine);
  const temp = `${complete}.tmp`;
  const source = salvage(o.path, o.deviceId, o.key, damage, reservation);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(temp + suffix, { force: true });
  const db = writeRebuild(temp, source, o.deviceId, o.key, nowMs);
  try {
    appendGaps(db, temp, damagedGapBodies(source.plan, damage, quarantine));
    db.pragma('journal_mode = DELETE'); // one self-contained file, its WAL folded in
  } finally {
    db.close();
  }
  if (existsSync(`${temp}-wal`)) throw new Error(`${temp}: the rebuilt outbox could not be checkpointed; ${o.path} is left as it was`);
  renameSync(temp, complete);
  swapIn(o.path, complete, quarantine);
  reservation.write(source.plan.head.seq + source.plan.lost.length);
  return {
    quarantinedAs: quarantine, reasons: damage.reasons, keptRecords: source.plan.keptRecords,
    lost: source.plan.lost.map((l) => ({ firstSeq: l.firstSeq, lastSeq: l.lastSeq })), nextSeq: source.plan.head.seq + source.plan.lost.length + 1,
  };
}
