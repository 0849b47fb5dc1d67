// The agent's durable outbox: assigns seq, links prev_hash, group-commits appends, seals segments
// and evicts under quota with a Gap record. A record is committed before its append() resolves.
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import {
  createSeal, decodeRecord, decodeSeal, encodeBody, encodeSeal, framedSize, recordSize, recordsOfFragment,
  sealFragment, sha256, writeFramedRecord, hashEquals, decodeEnvelope, decodeSegment, toNumber, GENESIS_HASH, HASH_BYTES, type Body, type CheckpointFields, type DeviceKey, type SegmentMessage, type EncodedBody, type RecordFields,
} from '../../proto/index.js';
import { systemClock, type Clock } from '../clock.js';
import { openOutboxDatabase, type OutboxDatabase } from './database.js';
import { DiskGuard, pagesNeeded, type ReserveTier } from './disk-guard.js';
import { DiskReserve } from './disk-reserve.js';
import { diskFullError, isDiskFull, OutboxError, storageError } from './errors.js';
import { planEviction, type EvictionRange } from './eviction.js';
import { OutboxLock } from './outbox-lock.js';
import { findDamage, recoverOutbox, resumeRecovery, type Recovery } from './recover.js';
import { SeqReservation } from './seq-reservation.js';
import { WalSync } from './durability.js';
import { forkBody, heldPages, setAsideHeld, type ForkClaim, type ForkResult, type HeldRecord } from './fork.js';
import { keepReceipt } from './receipts.js';
import { recordHashAt } from './record-at.js';
import { hashThrough, prevHashAfter } from './splice-hashes.js';
import { Priority, priorityOf } from './priority.js';

export interface OutboxOptions {
  path: string;
  deviceId: string;
  key: DeviceKey;
  quotaBytes?: number;
  /** 'normal': bulk batches survive a process crash; critical ones are fsynced. 'full': every batch is fsynced. */
  sync?: 'normal' | 'full';
  sealMaxRecords?: number;
  sealMaxAgeMs?: number;
  clock?: Clock;
  /**
   * Appends waiting beyond this are committed at once rather than at the next turn of the event loop.
   * Default 10,000. (1000 was tried to keep fewer records in flight: no lower RSS for a real agent fed
   * through its socket, and a producer awaiting bursts of exactly 1000 then never yields to the event
   * loop, so V8's GC tasks never run and RSS rose from 76 to 105 MB.)
   */
  maxBatch?: number;
  /** Whether this process seals segments that reach their age limit (the agent does; a one-shot CLI does not). */
  sealTimer?: boolean;
  /**
   * The agent's open: one process per outbox (outbox.db.lock), the file checked at open and, if damaged,
   * moved aside and rebuilt from what still verifies; the disk reserve kept at `reserveBytes`.
   */
  exclusive?: boolean;
  /** Disk space held beside the outbox (outbox.db.reserve) for all but bulk records once the disk is full. */
  reserveBytes?: number;
}

export interface AppendOptions {
  /** Send order and eviction: critical records go first and are never evicted. Default: from the body. */
  priority?: Priority;
  /**
   * Fsync and seal at once. Default: true for the critical events themselves (handover, no-go, gap,
   * key rotation); false for records only raised to critical, like boundary-window conditions.
   */
  sealNow?: boolean;
  timeUnixNs?: bigint;
  monoNs?: bigint;
}

export interface Appended {
  seq: number;
  hash: Uint8Array;
}

export interface SealedSegment {
  firstSeq: number;
  lastSeq: number;
  priority: number;
}

export interface PendingSegment extends SealedSegment {
  /** The encoded Segment message, ready to publish. */
  payload: Uint8Array;
  records: number;
  /** How often it went out before (a resend is checked against its seal first). */
  sendCount: number;
}

/** An evicted range with the hashes that splice the chain across it. */
export interface Evicted extends EvictionRange {
  firstPrevHash: Uint8Array;
  lastHash: Uint8Array;
  /** The quota was reached, or the disk filled first. */
  cause: 'quota' | 'disk';
}

interface Waiting {
  body: EncodedBody;
  priority: Priority;
  sealNow: boolean;
  timeUnixNs: bigint;
  monoNs: bigint;
  resolve(a: Appended): void;
  reject(e: unknown): void;
}

interface Encoded {
  /** The record framed as a Segment.records entry: what the chunk stores. */
  framed: Uint8Array;
  /** Length of the record's own bytes (the end of `framed`). */
  size: number;
  hash: Uint8Array;
}

interface State {
  head_seq: number;
  head_hash: Uint8Array;
  sealed_through: number;
  open_since_ms: number | null;
  open_priority: number;
  open_bytes: number;
  bytes_total: number;
  evicted_total: number;
}

interface CommitResult {
  appended: (Appended | OutboxError)[];
  sealed: SealedSegment[];
  evicted: Evicted[];
}

const DEFAULT_MAX_BATCH = 10_000;

/** fieldproof.v1.Gap.Reason.OUTBOX_DAMAGED */
const GAP_OUTBOX_DAMAGED = 3;

/** How often the WAL is checkpointed into the database file (autocheckpoint is off). */
const CHECKPOINT_EVERY_MS = 1000;

const BOOT_FIELD = 10; // Record.boot

/**
 * On a full disk, a segment is evicted only if it frees more than its Gap record and seal row take, and only a
 * few ranges per commit (seen on an 8 MB disk: a commit evicting hundreds of one-record bulk segments, each its
 * own range and Gap record, needed 175 WAL pages, more than it freed, and every retry failed).
 */
const MIN_DISK_EVICT_BYTES = 2048;
const MAX_DISK_GAPS_PER_COMMIT = 8;

function* worthEvicting<T extends { bytes: number }>(segments: Iterable<T>): Generator<T> {
  for (const segment of segments) if (segment.bytes >= MIN_DISK_EVICT_BYTES) yield segment;
}

/** One ack transaction frees at most this many segments and about this many record bytes. */
const ACK_STEP_SEGMENTS = 256;
const ACK_STEP_BYTES = 1 << 20;

/** Evict down to this share of the quota, so a full outbox does not evict on every batch. */
const EVICT_TO = 0.9;

export class Outbox extends EventEmitter<{ sealed: [SealedSegment]; evicted: [Evicted]; error: [Error]; reserve: ['released' | 'regrown' | 'short'] }> {
  readonly path: string;
  readonly deviceId: string;
  readonly keyId: string;
  /** Set when this open found the file damaged and rebuilt it. */
  recovery: Recovery | undefined;
  private readonly guard: DiskGuard;
  private readonly seqs: SeqReservation;
  private lock: OutboxLock | undefined;
  private readonly db: OutboxDatabase;
  private readonly key: DeviceKey;
  private readonly clock: Clock;
  private readonly quota: number;
  private readonly sync: 'normal' | 'full';
  private readonly sealMax: number;
  private readonly sealAgeMs: number;
  private readonly maxBatch: number;
  private waiting: Waiting[] = [];
  private flushScheduled = false;
  private sealTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastCheckpointMs = 0;
  /** Framed records of the current transaction not yet written as a chunk. */
  private chunk: Uint8Array[] = [];
  private chunkFirst = 0;
  /**
   * Where each commit encodes its batch, reused from one commit to the next: SQLite copies a chunk
   * when it is inserted, and a fresh 200 KB buffer per commit is native memory that outlives its
   * commit until a full GC (tens of MB of RSS at capture rates).
   */
  private scratch = new Scratch();
  private readonly walSync: WalSync;
  private readonly stmt;
  private readonly commitBatch;

  private constructor(db: OutboxDatabase, o: OutboxOptions) {
    super();
    this.db = db;
    this.path = o.path;
    this.deviceId = o.deviceId;
    this.key = o.key;
    this.keyId = o.key.keyId;
    this.clock = o.clock ?? systemClock;
    this.quota = o.quotaBytes ?? 1 << 30;
    this.sync = o.sync ?? 'normal';
    this.sealMax = o.sealMaxRecords ?? 1000;
    this.sealAgeMs = o.sealMaxAgeMs ?? 1000;
    this.maxBatch = o.maxBatch ?? DEFAULT_MAX_BATCH;
    this.walSync = new WalSync(o.path, this.sync === 'full');
    // 'full': every commit is fsynced before append() resolves (the database opens with NORMAL).
    if (this.sync === 'full') db.pragma('synchronous = FULL');
    this.guard = new DiskGuard(new DiskReserve(`${o.path}.reserve`, o.exclusive ? o.reserveBytes ?? 0 : 0), o.exclusive ?? false);
    this.seqs = new SeqReservation(`${o.path}.seq`);
    this.stmt = {
      state: db.prepare('SELECT head_seq, head_hash, sealed_through, open_since_ms, open_priority, open_bytes, bytes_total, evicted_total FROM state WHERE id = 1'),
      saveState: db.prepare(`UPDATE state SET head_seq = @head_seq, head_hash = @head_hash, sealed_through = @sealed_through, open_since_ms = @open_since_ms,
        open_priority = @open_priority, open_bytes = @open_bytes, bytes_total = @bytes_total, evicted_total = @evicted_total WHERE id = 1`),
      insertChunk: db.prepare('INSERT INTO chunks (first_seq, last_seq, data) VALUES (?, ?, ?)'),
      insertSegment: db.prepare('INSERT INTO segments (first_seq, last_seq, priority, bytes, seal, sealed_at_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      evictable: db.prepare('SELECT first_seq AS firstSeq, last_seq AS lastSeq, bytes FROM segments WHERE priority < ? ORDER BY priority, first_seq'),
      firstChunk: db.prepare('SELECT data FROM chunks WHERE first_seq = ?').pluck(),
      chunksIn: db.prepare('SELECT data FROM chunks WHERE first_seq BETWEEN ? AND ? ORDER BY first_seq').pluck(),
      deleteChunks: db.prepare('DELETE FROM chunks WHERE first_seq BETWEEN ? AND ?'),
      deleteSegments: db.prepare('DELETE FROM segments WHERE first_seq BETWEEN ? AND ?'),
      sealOf: db.prepare('SELECT seal FROM segments WHERE last_seq = ?').pluck(),
      // The oldest acknowledged segments, at most ? of them and about ? record bytes (at least one).
      ackStep: db.prepare(`SELECT max(last_seq) AS last, sum(bytes) AS bytes, sum(last_seq - first_seq + 1) AS n FROM (
        SELECT last_seq, first_seq, bytes, sum(bytes) OVER (ORDER BY first_seq) AS running FROM segments WHERE last_seq <= ? ORDER BY first_seq LIMIT ?
      ) WHERE running - bytes < ?`),
    };
    this.commitBatch = db.transaction((batch: Waiting[]) => this.commit(batch));
    if (o.sealTimer ?? true) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.max(50, Math.min(this.sealAgeMs, 1000)));
      this.sweepTimer.unref();
    }
  }

  /**
   * Opens (or creates) the outbox for this device and seals any tail left open by a previous run. With
   * `exclusive` (the agent): takes the lock, checks the file and rebuilds it if damaged, holds the reserve.
   */
  static open(o: OutboxOptions): Outbox {
    const lock = o.exclusive ? OutboxLock.acquire(o.path) : undefined;
    try {
      const recovery = o.exclusive ? Outbox.checkFile(o) : undefined;
      const reserve = new DiskReserve(`${o.path}.reserve`, 0);
      let db: OutboxDatabase;
      try {
        db = Outbox.openFile(o);
      } catch (err) {
        // A restart on a full disk: SQLite needs room for its WAL and shared memory before the first read.
        if (!isDiskFull(err) || !reserve.release()) throw err;
        db = Outbox.openFile(o);
      }
      const outbox = new Outbox(db, o);
      outbox.lock = lock;
      outbox.recovery = recovery;
      if (o.exclusive && (o.reserveBytes ?? 0) > 0 && !outbox.guard.reserve.held && !outbox.guard.reserve.grow()) outbox.emit('reserve', 'short');
      outbox.watchSpace();
      if (o.sealTimer ?? true) outbox.sealIfDue(true);
      return outbox;
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  private static openFile(o: OutboxOptions): OutboxDatabase {
    const db = openOutboxDatabase(o.path);
    try {
      const row = db.prepare('SELECT device_id FROM state WHERE id = 1').get() as { device_id: string } | undefined;
      if (!row) {
        db.prepare('INSERT INTO state (id, device_id, public_key, head_seq, head_hash, sealed_through, acked_hash) VALUES (1, ?, ?, 0, ?, 0, ?)')
          .run(o.deviceId, o.key.publicKey, GENESIS_HASH, GENESIS_HASH);
      } else if (row.device_id !== o.deviceId) {
        throw new OutboxError('WRONG_DEVICE', `${o.path}: outbox belongs to device "${row.device_id}", config says "${o.deviceId}"; use another outbox.path`, false);
      }
      // The key that seals from now on; `fieldproof verify` falls back to it when given no trusted key. (No write when unchanged.)
      db.prepare('UPDATE state SET public_key = ? WHERE id = 1 AND public_key != ?').run(o.key.publicKey, o.key.publicKey);
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * The start check: the raw WAL, SQLite's quick_check, the state row and the chain from the last
   * acknowledged record. A damaged file is moved aside and rebuilt; nothing is confirmed onto a broken chain.
   */
  private static checkFile(o: OutboxOptions): Recovery | undefined {
    resumeRecovery(o.path);
    const reserve = new DiskReserve(`${o.path}.reserve`, 0);
    let damage;
    try {
      damage = findDamage(o.path, [o.key.publicKey]);
    } catch (err) {
      // The check could not run, e.g. a full disk has no room for SQLite's shared memory: make room, try once more.
      if (!reserve.release()) throw new Error(`${o.path}: cannot check the outbox before starting: ${(err as Error).message}`, { cause: err });
      damage = findDamage(o.path, [o.key.publicKey]);
    }
    if (!damage) return undefined;
    const rebuild = () => recoverOutbox(o, damage, new SeqReservation(`${o.path}.seq`), (o.clock ?? systemClock).nowMs(), (db, path, bodies) => {
      new Outbox(db, { ...o, path, sealTimer: false, exclusive: false }).appendNow(bodies);
      rmSync(`${path}.seq`, { force: true }); // the real outbox.db.seq is raised by recoverOutbox
    });
    try {
      return rebuild();
    } catch (err) {
      if (!isDiskFull(err) || !reserve.release()) throw err;
      return rebuild();
    }
  }

  /** Appends one record; resolves once it is committed (shared transaction with concurrent appends). */
  append(body: Body, options: AppendOptions = {}): Promise<Appended> {
    if (this.closed) return Promise.reject(new OutboxError('CLOSED', `${this.path}: outbox is closed`, false));
    return new Promise<Appended>((resolve, reject) => {
      // A body that does not fit the schema throws here and rejects this append only.
      const own = priorityOf(body);
      this.waiting.push({
        body: encodeBody(body),
        priority: options.priority ?? own,
        sealNow: options.sealNow ?? own === Priority.CRITICAL,
        timeUnixNs: options.timeUnixNs ?? this.clock.wallNs(),
        monoNs: options.monoNs ?? this.clock.monoNs(),
        resolve,
        reject,
      });
      if (this.waiting.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything waiting, now, in one transaction. */
  flush(): void {
    this.flushScheduled = false;
    if (this.waiting.length === 0 || this.closed) return;
    const batch = this.waiting;
    this.waiting = [];
    const fsync = this.sync === 'normal' && batch.some((w) => w.sealNow);
    let result: CommitResult;
    try {
      if (fsync) this.db.pragma('synchronous = FULL');
      // The Boot record may use all the reserve (one per start): an agent that cannot start cannot take the ack that frees space.
      result = this.withSpace(() => {
        this.chunk = [];
        return this.commitBatch.immediate(batch);
      }, batch.some((w) => w.body.field === BOOT_FIELD) ? 'bookkeeping' : 'records');
    } catch (err) {
      this.chunk = [];
      const error = err instanceof OutboxError ? err : storageError(this.path, err);
      for (const w of batch) w.reject(error);
      this.report(error);
      return;
    } finally {
      if (fsync) this.db.pragma('synchronous = NORMAL');
    }
    for (let i = 0; i < batch.length; i++) {
      const r = result.appended[i];
      if (r instanceof OutboxError) batch[i].reject(r);
      else batch[i].resolve(r);
    }
    // A FULL-sync commit fsynced the WAL through its last record: nothing to sync again before sending it.
    if (fsync) for (const r of result.appended) if (!(r instanceof OutboxError)) this.walSync.markDurable(r.seq);
    for (const range of result.evicted) this.emit('evicted', range);
    for (const segment of result.sealed) this.emit('sealed', segment);
    this.armSealTimer();
  }

  /** Seals the open segment if it is older than the age limit (or at all, with force). */
  sealIfDue(force = false): SealedSegment | undefined {
    if (this.closed) return undefined;
    let sealed: SealedSegment | undefined;
    try {
      sealed = this.withSpace(() => this.db.transaction(() => {
        const s = this.readState();
        if (s.head_seq === s.sealed_through) return undefined;
        if (!force && s.open_since_ms !== null && this.clock.nowMs() - s.open_since_ms < this.sealAgeMs) return undefined;
        const segment = this.sealOpen(s);
        this.stmt.saveState.run(s);
        return segment;
      }).immediate());
    } catch (err) {
      this.report(storageError(this.path, err));
      return undefined;
    }
    if (sealed) this.emit('sealed', sealed);
    else this.armSealTimer();
    return sealed;
  }

  /**
   * Takes a hub checkpoint the caller has verified (signature, device, within the head, matching hash):
   * frees every whole segment through its seq and keeps it as the hub's receipt, in one transaction.
   * Returns how many records were freed.
   */
  acceptCheckpoint(cp: CheckpointFields, encoded: Uint8Array): { freedRecords: number; ackedSeq: number } {
    // In steps of bounded size, each its own transaction: deleting needs WAL space, and on a full disk each step
    // must fit what the reserve gives (measured: one transaction freeing 12,600 critical segments wrote 4.5 MB of WAL).
    let freedRecords = 0;
    let ackedSeq = this.ackedSeq();
    for (let first = true; ; first = false) {
      const step = this.withSpace(() => this.db.transaction(() => {
        if (first) keepReceipt(this.db, cp, encoded);
        const row = this.stmt.ackStep.get(cp.seq, ACK_STEP_SEGMENTS, ACK_STEP_BYTES) as { last: number | null; bytes: number | null; n: number | null };
        if (row.last === null) return undefined;
        const lastHash = decodeSeal(this.stmt.sealOf.get(row.last) as Uint8Array).lastHash;
        this.stmt.deleteChunks.run(0, row.last);
        this.stmt.deleteSegments.run(0, row.last);
        this.db.prepare('UPDATE state SET acked_seq = ?, acked_hash = ?, bytes_total = bytes_total - ? WHERE id = 1 AND acked_seq < ?')
          .run(row.last, lastHash, row.bytes ?? 0, row.last);
        return { n: row.n ?? 0, last: row.last };
      }).immediate(), 'bookkeeping');
      if (!step) return { freedRecords, ackedSeq };
      freedRecords += step.n;
      ackedSeq = step.last;
    }
  }

  /**
   * Continues the chain after the hub's head when a signed hub statement shows this outbox diverged
   * from what the hub holds (restored backup, rolled-back disk, cloned outbox): never reuses a seq the
   * hub may hold. One transaction: every record held after the last acknowledged one is set aside,
   * a critical Fork record takes seq hubSeq + 1 (prev_hash = the hub's hash), and the set-aside
   * records follow it in order with their original times and bodies. Nothing confirmed is dropped.
   * Returns undefined when the claim no longer contradicts this outbox (already forked).
   */
  fork(claim: ForkClaim): ForkResult | undefined {
    if (this.closed) return undefined;
    this.flush();
    const sealed: SealedSegment[] = [];
    let result: ForkResult | undefined;
    try {
      result = this.db.transaction(() => {
        const s = this.readState();
        const acked = this.ackedPoint();
        if (claim.contiguousSeq < acked.seq) return undefined;
        // Still a contradiction? (An earlier ack may have forked already.) The evidence, not the furthest seq:
        // the hub may hold this outbox's own records out there, beyond the seqs that differ.
        const at = claim.evidenceSeq;
        const own = at === acked.seq ? acked.hash : at <= s.head_seq ? recordHashAt(this.db, at) : undefined;
        if (own && hashEquals(own, claim.evidenceHash)) return undefined;
        // Within the head but not held: this outbox forked past that seq already.
        if (!own && at <= s.head_seq) return undefined;
        // Nothing undelivered: nothing can collide yet, and two clones must not fork after each other's
        // empty forks for ever. The next record held here forks then, if the hub is still ahead.
        const held = this.db.prepare('SELECT count(*) FROM chunks WHERE first_seq > ?').pluck().get(acked.seq) as number;
        if (held === 0) return undefined;
        const local = { seq: s.head_seq, hash: s.head_hash };
        const moved = setAsideHeld(this.db, acked.seq, s.open_priority);
        const renumbered = moved > 0 ? { first: acked.seq + 1, last: s.head_seq } : { first: 0, last: 0 };
        const newFirstSeq = claim.hubSeq + 2;
        // The seqs from here on are issued anew: none of them is known to be on disk yet.
        this.walSync.forgetAbove(claim.hubSeq);
        Object.assign(s, { head_seq: claim.hubSeq, head_hash: claim.hubHash, sealed_through: claim.hubSeq, open_since_ms: null, open_priority: Priority.BULK, open_bytes: 0, bytes_total: 0 });
        // Acknowledged: what the hub's checkpoint covers (a Boot's acked_through must not hide a hole below hubSeq).
        this.db.prepare('UPDATE state SET acked_seq = ?, acked_hash = ? WHERE id = 1').run(claim.contiguousSeq, claim.contiguousHash);
        this.appendRaw(s, [{ timeUnixNs: this.clock.wallNs(), monoNs: this.clock.monoNs(), body: encodeBody(forkBody(claim, local, renumbered, newFirstSeq)), priority: Priority.CRITICAL }], sealed, true);
        for (const page of heldPages(this.db)) this.appendRaw(s, page, sealed, false);
        if (s.head_seq > s.sealed_through) sealed.push(this.sealOpen(s));
        this.writeChunk();
        this.stmt.saveState.run(s);
        return { forkSeq: claim.hubSeq + 1, renumberedFirst: renumbered.first, renumberedLast: renumbered.last, newFirstSeq, localHeadSeq: local.seq };
      }).immediate();
    } catch (err) {
      this.chunk = [];
      throw storageError(this.path, err);
    }
    for (const segment of sealed) this.emit('sealed', segment);
    return result;
  }

  /**
   * Checks a sealed segment against its own seal before it goes out again: a record damaged on disk after
   * start is refused by the hub (BAD_HASH) on every send. Returns what is wrong, or undefined when it verifies.
   */
  segmentProblem(payload: Uint8Array): string | undefined {
    try {
      return recordsProblem(decodeSegment(payload));
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * Drops a sealed segment that no longer verifies against its own seal and appends a signed, critical
   * Gap (OUTBOX_DAMAGED) naming exactly that range, spliced by the seal's authentic last hash, so the
   * loss is explained instead of resent for ever. Returns the Gap record's seq.
   */
  dropDamaged(firstSeq: number, problem: string): number | undefined {
    const sealed: SealedSegment[] = [];
    const gapSeq = this.withSpace(() => this.db.transaction(() => {
      const row = this.db.prepare('SELECT last_seq, bytes, seal FROM segments WHERE first_seq = ?').get(firstSeq) as { last_seq: number; bytes: number; seal: Uint8Array } | undefined;
      if (!row) return undefined;
      const acked = this.ackedPoint();
      // Both sides must splice exactly, or the hub cannot go past the gap: the hash before (a held record or
      // seal, or the Gap of a range dropped just before), and after (the next record's prev_hash, which a
      // damaged seal may contradict).
      const firstPrevHash = hashThrough(this.db, firstSeq - 1, acked) ?? GENESIS_HASH;
      const lastHash = prevHashAfter(this.db, row.last_seq) ?? decodeSeal(row.seal).lastHash;
      const s = this.readState();
      this.stmt.deleteChunks.run(firstSeq, row.last_seq);
      this.stmt.deleteSegments.run(firstSeq, row.last_seq);
      s.bytes_total -= row.bytes;
      const gap: Body = {
        gap: {
          firstSeq, lastSeq: row.last_seq, reason: GAP_OUTBOX_DAMAGED, firstPrevHash, lastHash, bytesLost: row.bytes,
          detail: `records damaged in the outbox after they were sealed (${problem}); the hub would refuse them on every send`,
        },
      };
      const fields = { deviceId: this.deviceId, seq: s.head_seq + 1, timeUnixNs: this.clock.wallNs(), monoNs: this.clock.monoNs(), prevHash: s.head_hash };
      const appended = this.insert(s, encodeFramed([fields], [encodeBody(gap)])[0], Priority.CRITICAL, true, sealed);
      this.writeChunk();
      this.stmt.saveState.run(s);
      return appended.seq;
    }).immediate(), 'bookkeeping');
    for (const segment of sealed) this.emit('sealed', segment);
    return gapSeq;
  }

  /** Appends already encoded bodies at the head inside the caller's transaction, each in its own buffer. */
  private appendRaw(s: State, records: HeldRecord[], sealed: SealedSegment[], sealNow: boolean): void {
    const fields = records.map((r, i) => ({ deviceId: this.deviceId, seq: s.head_seq + 1 + i, timeUnixNs: r.timeUnixNs, monoNs: r.monoNs, prevHash: s.head_hash }));
    const encoded = encodeFramed(fields, records.map((r) => r.body));
    for (let i = 0; i < records.length; i++) this.insert(s, encoded[i], records[i].priority as Priority, sealNow, sealed);
  }

  /** fdatasync calls made to be durable before sending (for the benchmarks). */
  get durabilitySyncs(): number {
    return this.walSync.syncs;
  }

  /** Whether every record through `seq` is known to be on stable storage. */
  isDurable(seq: number): boolean {
    return seq <= this.walSync.durableThrough;
  }

  /**
   * Makes every committed record durable before any of it leaves the vehicle: one fdatasync of the WAL
   * on libuv's pool (none when nothing new was committed), shared by whoever asks meanwhile. Then no
   * record the hub holds can be rolled back here by a power cut. The uplink awaits it before sending.
   */
  makeDurableAsync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.walSync.ensureAsync(() => this.readState().head_seq);
  }

  /** The hash of this outbox's record at `seq`, or undefined when it does not hold that record. */
  hashAt(seq: number): Uint8Array | undefined {
    return recordHashAt(this.db, seq);
  }

  /** Sealed segments not yet acknowledged, critical first, oldest first; skipping those in `exclude`. */
  pendingSegments(limit: number, exclude: ReadonlySet<number> = new Set()): PendingSegment[] {
    const rows = this.db.prepare('SELECT first_seq, last_seq, priority, seal, send_count FROM segments ORDER BY priority DESC, first_seq LIMIT ?')
      .all(limit + exclude.size) as { first_seq: number; last_seq: number; priority: number; seal: Uint8Array; send_count: number }[];
    const out: PendingSegment[] = [];
    for (const r of rows) {
      if (out.length >= limit) break;
      if (exclude.has(r.first_seq)) continue;
      const chunks = this.stmt.chunksIn.all(r.first_seq, r.last_seq) as Uint8Array[];
      const payload = Buffer.concat([...chunks, sealFragment(decodeSeal(r.seal))]);
      out.push({ firstSeq: r.first_seq, lastSeq: r.last_seq, priority: r.priority, payload, records: r.last_seq - r.first_seq + 1, sendCount: r.send_count });
    }
    return out;
  }

  /**
   * Raises records to critical after the fact (a boundary window before a handover or no-go): their
   * segments are sent first and never evicted. The open segment is raised when it overlaps.
   */
  promote(firstSeq: number, lastSeq: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE segments SET priority = ? WHERE last_seq >= ? AND first_seq <= ? AND priority < ?')
        .run(Priority.CRITICAL, firstSeq, lastSeq, Priority.CRITICAL);
      this.db.prepare('UPDATE state SET open_priority = ? WHERE id = 1 AND head_seq > sealed_through AND head_seq >= ? AND sealed_through < ?')
        .run(Priority.CRITICAL, firstSeq, lastSeq);
    }).immediate();
  }

  /** Records that segments went out (for `fieldproof outbox` and resend accounting). */
  markSent(firstSeqs: number[]): void {
    const stmt = this.db.prepare('UPDATE segments SET sent_at_ms = ?, send_count = send_count + 1 WHERE first_seq = ?');
    const now = this.clock.nowMs();
    try {
      this.withSpace(() => this.db.transaction(() => { for (const s of firstSeqs) stmt.run(now, s); })(), 'none');
    } catch (err) {
      // Send counts only: on a full disk they are not worth the reserve, and nothing depends on them.
      if (!isDiskFull(err)) throw err;
    }
  }

  /** The last record the hub acknowledged (seq 0 and the genesis hash before any). */
  ackedPoint(): { seq: number; hash: Uint8Array } {
    const row = this.db.prepare('SELECT acked_seq, acked_hash FROM state WHERE id = 1').get() as { acked_seq: number; acked_hash: Uint8Array };
    return { seq: row.acked_seq, hash: row.acked_hash };
  }

  ackedSeq(): number {
    return (this.db.prepare('SELECT acked_seq FROM state WHERE id = 1').pluck().get() as number) ?? 0;
  }

  headSeq(): number {
    return this.readState().head_seq;
  }

  /** The database handle, for read-only inspection (stats, verification). */
  get database(): OutboxDatabase {
    return this.db;
  }

  /** Commits what is waiting and closes the file. Does not seal: the next start does. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearTimeout(this.sealTimer);
    clearInterval(this.sweepTimer);
    this.checkpoint();
    this.walSync.close();
    this.db.close();
    this.lock?.release();
  }

  /** The periodic housekeeping: seal what is due, and move the WAL into the database file. */
  private sweep(): void {
    try {
      if (this.guard.sweep((bytes) => this.shrink(bytes)) === 'regrown') this.emit('reserve', 'regrown');
    } catch (err) {
      this.report(new Error(`${this.path}: cannot check or grow the disk reserve: ${(err as Error).message}`));
    }
    this.watchSpace();
    this.sealIfDue();
    if (this.clock.nowMs() - this.lastCheckpointMs >= CHECKPOINT_EVERY_MS) this.checkpoint();
  }

  /** PASSIVE: never waits for readers or writers (another process's capture), retried next sweep. */
  private checkpoint(): void {
    this.lastCheckpointMs = this.clock.nowMs();
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      this.report(storageError(this.path, err));
    }
  }

  /**
   * Runs a write; when the disk is full, moves the WAL into the database (its file is then reused) and
   * tries again, then gives up as much of the reserve as `tier` may use and tries once more.
   */
  private withSpace<T>(write: () => T, tier: ReserveTier = 'records'): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return write();
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        const step = this.guard.onFull(attempt, tier);
        if (!step) throw err;
        if (step === 'release') this.emit('reserve', 'released');
        this.checkpoint();
      }
    }
  }

  /** Commits bodies now, synchronously, each sealed at once: records the outbox writes itself (recovery Gaps). */
  private appendNow(bodies: Body[]): Appended[] {
    const batch: Waiting[] = bodies.map((body) => ({
      body: encodeBody(body), priority: priorityOf(body), sealNow: true, timeUnixNs: this.clock.wallNs(), monoNs: this.clock.monoNs(),
      resolve: () => {}, reject: () => {},
    }));
    const result = this.withSpace(() => {
      this.chunk = [];
      return this.commitBatch.immediate(batch);
    });
    return result.appended.filter((a): a is Appended => !(a instanceof OutboxError));
  }

  /**
   * While the file system is low on space, SQLite checkpoints at commit once the WAL passes a quarter of
   * the reserve (it does not otherwise: see CHECKPOINT_EVERY_MS), and the WAL file is cut back once.
   */
  private watchSpace(): void {
    let low: boolean | undefined;
    try {
      low = this.guard.checkLowSpace();
    } catch (err) {
      this.report(new Error(`${this.path}: cannot read the free disk space: ${(err as Error).message}`));
    }
    if (low === undefined) return;
    try {
      this.db.pragma(`wal_autocheckpoint = ${low ? this.guard.walPagesWhenLow(this.db.pragma('page_size', { simple: true }) as number) : 0}`);
      if (low) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.report(storageError(this.path, err));
    }
  }

  /**
   * Hands up to `bytes` of free database pages back to the file system (outboxes made with auto_vacuum =
   * INCREMENTAL; older ones cannot), so the reserve can grow back after acks freed records.
   */
  private shrink(bytes: number): void {
    try {
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      const pages = Math.min(this.db.pragma('freelist_count', { simple: true }) as number, Math.ceil(bytes / pageSize));
      if (pages <= 0) return;
      this.db.pragma(`incremental_vacuum(${pages})`);
      this.db.pragma('wal_checkpoint(PASSIVE)'); // the database file is cut short when the checkpoint completes
    } catch (err) {
      if (!isDiskFull(err)) this.report(storageError(this.path, err));
    }
  }

  private coverSeq(seq: number): void {
    try {
      this.seqs.cover(seq);
    } catch (err) {
      this.report(new Error(`${this.seqs.path}: cannot reserve seqs (${(err as Error).message}); after damage, recovery may not know every seq issued`));
    }
  }

  /** 'error' is for whoever listens (the agent logs it); with no listener it must not crash the process. */
  private report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private readState(): State {
    return this.stmt.state.get() as State;
  }

  private commit(batch: Waiting[]): CommitResult {
    const s = this.readState();
    let encoded: Encoded[] = new Array(batch.length);
    let accepted = batch.map(() => true);
    let bytes = this.encodeAll(batch, accepted, encoded, s);
    let evicted: Evicted[] = [];
    if (s.bytes_total + bytes > this.quota) {
      evicted = this.evict(s, s.bytes_total + bytes - Math.floor(this.quota * EVICT_TO));
      if (s.bytes_total + bytes > this.quota) {
        // Still over: only critical records get in; the rest are refused (retryable), never silently lost.
        accepted = batch.map((w) => w.priority === Priority.CRITICAL);
        encoded = new Array(batch.length);
        bytes = this.encodeAll(batch, accepted, encoded, s);
      }
    }
    // The disk filled before the quota: free pages are kept ahead of each commit by evicting the oldest bulk (with
    // a Gap record), so nothing needs the database to grow; past that, bulk is refused and the rest goes on, into
    // the reserve. (Record bytes are no measure here: a critical record's seal row is larger than the record.)
    const withinQuota = accepted;
    if (this.guard.diskFull && batch.length) {
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      const short = () => pagesNeeded(bytes, pageSize) + this.guard.headroomPages(pageSize) - (this.db.pragma('freelist_count', { simple: true }) as number);
      if (short() > 0) evicted.push(...this.evict(s, short() * pageSize, Priority.NORMAL, 'disk'));
      if (short() > 0 && batch.some((w, i) => accepted[i] && w.priority === Priority.BULK)) {
        accepted = batch.map((w, i) => withinQuota[i] && w.priority !== Priority.BULK);
        encoded = new Array(batch.length);
        bytes = this.encodeAll(batch, accepted, encoded, s);
      }
    }
    const sealed: SealedSegment[] = [];
    const appended: (Appended | OutboxError)[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      appended[i] = accepted[i]
        ? this.insert(s, encoded[i], batch[i].priority, batch[i].sealNow, sealed)
        : withinQuota[i]
          ? diskFullError(this.path, 'bulk records are refused while the disk is full and no older bulk is left to evict; critical ones still go in')
          : new OutboxError('OUTBOX_FULL', `${this.path}: outbox quota of ${this.quota} bytes is full of unsent critical records; retry once the hub acknowledges`, true);
    }
    for (const range of evicted) {
      const fields = { deviceId: this.deviceId, seq: s.head_seq + 1, timeUnixNs: this.clock.wallNs(), monoNs: this.clock.monoNs(), prevHash: s.head_hash };
      this.insert(s, encodeFramed([fields], [encodeBody(this.gapBody(range))])[0], Priority.CRITICAL, true, sealed);
    }
    if (s.head_seq > s.sealed_through && s.open_since_ms !== null && this.clock.nowMs() - s.open_since_ms >= this.sealAgeMs) {
      sealed.push(this.sealOpen(s));
    }
    this.writeChunk();
    this.stmt.saveState.run(s);
    return { appended, sealed, evicted };
  }

  /** Encodes the accepted records of a batch in seq order from the current head; returns their bytes. */
  private encodeAll(batch: Waiting[], accepted: boolean[], out: Encoded[], s: State): number {
    const fields: RecordFields[] = [];
    const bodies: EncodedBody[] = [];
    let seq = s.head_seq;
    for (let i = 0; i < batch.length; i++) {
      if (!accepted[i]) continue;
      const w = batch[i];
      fields.push({ deviceId: this.deviceId, seq: ++seq, timeUnixNs: w.timeUnixNs, monoNs: w.monoNs, prevHash: s.head_hash });
      bodies.push(w.body);
    }
    const encoded = encodeFramed(fields, bodies, this.scratch);
    let total = 0;
    for (let i = 0, k = 0; i < batch.length; i++) {
      if (!accepted[i]) continue;
      out[i] = encoded[k++];
      total += out[i].size;
    }
    return total;
  }

  private insert(s: State, { framed, size, hash }: Encoded, priority: Priority, sealNow: boolean, sealed: SealedSegment[]): Appended {
    // A segment never mixes critical with evictable records: sealing open bulk records in with a critical
    // one would make them never evictable, until a quota full of bulk refuses every bulk append (OUTBOX_FULL).
    const critical = priority === Priority.CRITICAL;
    if (s.head_seq > s.sealed_through && critical !== (s.open_priority === Priority.CRITICAL)) sealed.push(this.sealOpen(s));
    const seq = s.head_seq + 1;
    this.coverSeq(seq);
    if (this.chunk.length === 0) this.chunkFirst = seq;
    this.chunk.push(framed);
    s.head_seq = seq;
    s.head_hash = hash;
    s.bytes_total += size;
    s.open_bytes += size;
    if (priority > s.open_priority) s.open_priority = priority;
    if (s.open_since_ms === null) s.open_since_ms = this.clock.nowMs();
    if (sealNow || seq - s.sealed_through >= this.sealMax) sealed.push(this.sealOpen(s));
    return { seq, hash };
  }

  private writeChunk(): void {
    if (this.chunk.length === 0) return;
    this.stmt.insertChunk.run(this.chunkFirst, this.chunkFirst + this.chunk.length - 1, joinFramed(this.chunk));
    this.chunk = [];
  }

  /** Seals every record after the last seal: those of earlier transactions and the current chunk. */
  private sealOpen(s: State): SealedSegment {
    this.writeChunk();
    const firstSeq = s.sealed_through + 1;
    const lastSeq = s.head_seq;
    const seal = createSeal({ deviceId: this.deviceId, keyId: this.key.keyId, firstSeq, lastSeq, lastHash: s.head_hash }, this.key.secretKey);
    this.stmt.insertSegment.run(firstSeq, lastSeq, s.open_priority, s.open_bytes, encodeSeal(seal), this.clock.nowMs());
    const segment = { firstSeq, lastSeq, priority: s.open_priority };
    s.sealed_through = lastSeq;
    s.open_since_ms = null;
    s.open_priority = Priority.BULK;
    s.open_bytes = 0;
    return segment;
  }

  /** Deletes the oldest sealed segments below priority `below` to free `need` bytes; keeps the hashes a Gap needs. */
  private evict(s: State, need: number, below: Priority = Priority.CRITICAL, cause: Evicted['cause'] = 'quota'): Evicted[] {
    const candidates = this.stmt.evictable.iterate(below) as Iterable<{ firstSeq: number; lastSeq: number; bytes: number }>;
    let { ranges } = planEviction(cause === 'disk' ? worthEvicting(candidates) : candidates, need);
    // Each range costs a sealed Gap record: a few per commit keep the transaction within what a full disk gives.
    if (cause === 'disk') ranges = ranges.slice(0, MAX_DISK_GAPS_PER_COMMIT);
    return ranges.map((range) => {
      const firstRecord = recordsOfFragment(this.stmt.firstChunk.get(range.firstSeq) as Uint8Array)[0];
      const firstPrevHash = decodeRecord(firstRecord).prevHash;
      const lastHash = decodeSeal(this.stmt.sealOf.get(range.lastSeq) as Uint8Array).lastHash;
      this.stmt.deleteChunks.run(range.firstSeq, range.lastSeq);
      this.stmt.deleteSegments.run(range.firstSeq, range.lastSeq);
      s.bytes_total -= range.bytes;
      s.evicted_total += range.lastSeq - range.firstSeq + 1;
      return { ...range, firstPrevHash, lastHash, cause };
    });
  }

  private gapBody(range: Evicted): Body {
    return {
      gap: {
        firstSeq: range.firstSeq, lastSeq: range.lastSeq, reason: 1, firstPrevHash: range.firstPrevHash, lastHash: range.lastHash,
        bytesLost: range.bytes,
        detail: range.cause === 'disk'
          ? 'the disk under the outbox filled before its quota; oldest bulk records evicted'
          : `outbox quota of ${this.quota} bytes reached; oldest non-critical records evicted`,
      },
    };
  }

  private armSealTimer(): void {
    if (this.closed || !this.sweepTimer || this.sealTimer) return;
    const s = this.readState();
    if (s.open_since_ms === null || s.head_seq === s.sealed_through) return;
    const wait = Math.max(0, s.open_since_ms + this.sealAgeMs - this.clock.nowMs());
    this.sealTimer = setTimeout(() => {
      this.sealTimer = undefined;
      this.sealIfDue();
    }, wait);
    this.sealTimer.unref();
  }
}

/**
 * Whether a segment's records still are what its seal names: consecutive seqs, each prev_hash the hash of
 * the record before, the last one hashing to the seal's last_hash. The signature is not checked here: a
 * segment sealed under an earlier device key is not damage, and the hub still trusts that key.
 */
function recordsProblem(segment: SegmentMessage): string | undefined {
  const seal = segment.seal;
  if (!seal) return 'segment has no seal';
  const first = toNumber(seal.firstSeq);
  const last = toNumber(seal.lastSeq);
  if (segment.records.length !== last - first + 1) return `seal names seq ${first}..${last}, the segment holds ${segment.records.length} records`;
  let prev: Uint8Array | undefined;
  for (let i = 0; i < segment.records.length; i++) {
    const env = decodeEnvelope(segment.records[i]);
    if (env.seq !== first + i) return `record ${i} has seq ${env.seq}, expected ${first + i}`;
    if (prev && !hashEquals(env.prevHash, prev)) return `record seq ${env.seq} does not follow seq ${env.seq - 1} (altered bytes)`;
    prev = sha256(segment.records[i]);
  }
  return prev && hashEquals(prev, seal.lastHash) ? undefined : `record seq ${last} does not hash to the seal's last_hash (altered bytes)`;
}

/** A reusable buffer for one commit's records and their hashes; a batch too large for it gets its own. */
class Scratch {
  private buffer = Buffer.allocUnsafe(256 * 1024);
  private static readonly MAX = 8 * 1024 * 1024;

  /** A buffer of `size` bytes valid until the next call: the previous contents are overwritten. */
  take(size: number): Buffer {
    if (size > this.buffer.length) {
      if (size > Scratch.MAX) return Buffer.allocUnsafe(size);
      this.buffer = Buffer.allocUnsafe(Math.min(Scratch.MAX, Math.max(size, this.buffer.length * 2)));
    }
    return this.buffer;
  }
}

/**
 * Encodes records chained one after another (each prev_hash the SHA-256 of the record before; the
 * first keeps the prevHash given), each framed as a Segment.records entry, hashing every record in
 * place. The records go into `scratch` when given (valid until its next use: the caller stores them
 * before then), else into a buffer of their own. Hashes go into one fresh buffer for the batch: one
 * allocation instead of one per record, and they outlive the commit (as prev_hash, and in Appended).
 */
function encodeFramed(fields: RecordFields[], bodies: EncodedBody[], scratch?: Scratch): Encoded[] {
  const sizes = fields.map((f, i) => recordSize(f, bodies[i]));
  const total = sizes.reduce((sum, size) => sum + framedSize(size), 0);
  const buffer = scratch ? scratch.take(total) : Buffer.allocUnsafe(total);
  const hashes = Buffer.allocUnsafe(HASH_BYTES * fields.length);
  const out: Encoded[] = new Array(fields.length);
  let at = 0;
  let prev = fields.length ? fields[0].prevHash : GENESIS_HASH;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    f.prevHash = prev;
    const start = writeFramedRecord(buffer, at, f, bodies[i], sizes[i]);
    const end = start + sizes[i];
    const hash = hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
    hash.set(sha256(buffer.subarray(start, end)));
    out[i] = { framed: buffer.subarray(at, end), size: sizes[i], hash };
    prev = hash;
    at = end;
  }
  return out;
}

/** The framed records of a chunk as one fragment; no copy when they sit side by side in one buffer. */
function joinFramed(parts: Uint8Array[]): Uint8Array {
  const first = parts[0];
  let end = first.byteOffset + first.length;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    if (p.buffer !== first.buffer || p.byteOffset !== end) return Buffer.concat(parts);
    end += p.length;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}
