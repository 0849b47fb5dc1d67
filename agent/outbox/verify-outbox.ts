// Verifies an outbox file end to end: every seal, every link from the last acknowledged record on,
// and every hole explained by a Gap record. Streams the file; memory does not grow with its size.
import { decodeSeal, KeyRing, recordsOfFragment, verifyChain, type ChainProblem, type ChainReport, type SealMessage } from '../../proto/index.js';
import type { OutboxDatabase } from './database.js';
import { forkBase } from './fork.js';
import { integrityAnomalies, stateAnomalies, walAnomalies, type OutboxAnomaly } from './file-checks.js';

export interface OutboxVerification extends ChainReport {
  /** Which key(s) the seals were checked against and where they came from. */
  trust: string;
  /**
   * What the file shows beneath the chain: the state row against the rows stored, and (given the path)
   * SQLite's quick_check and the raw WAL. Any of them fails the verification (ok false).
   */
  anomalies: OutboxAnomaly[];
  /** Harmless things seen, e.g. a transaction a crash left uncommitted in the WAL. */
  notes: string[];
}

export interface VerifyOutboxOptions {
  /** The database file's path: also run quick_check and read its WAL raw. */
  path?: string;
}

interface ChunkRow { first_seq: number; last_seq: number; data: Uint8Array }

/** Runs in one read transaction, so an agent committing or acking meanwhile cannot skew the result. */
export function verifyOutbox(db: OutboxDatabase, trustedKeys?: Uint8Array[], options: VerifyOutboxOptions = {}): OutboxVerification {
  // The WAL first, before this connection's read transaction maps it.
  const wal = options.path ? walAnomalies(options.path) : { anomalies: [], notes: [] };
  const report = db.transaction(() => {
    const chain = verifyOutboxNow(db, trustedKeys);
    const anomalies = [...wal.anomalies, ...(options.path ? integrityAnomalies(db) : []), ...stateAnomalies(db)];
    return { ...chain, anomalies, notes: wal.notes };
  })();
  if (report.anomalies.length) report.ok = false;
  return report;
}

function verifyOutboxNow(db: OutboxDatabase, trustedKeys?: Uint8Array[]): ChainReport & { trust: string } {
  const state = db.prepare('SELECT device_id, public_key, sealed_through, acked_seq, acked_hash FROM state WHERE id = 1').get() as
    { device_id: string; public_key: Uint8Array; sealed_through: number; acked_seq: number; acked_hash: Uint8Array } | undefined;
  if (!state) throw new Error('not an initialised fieldproof outbox (no state row)');
  const keys = new KeyRing(trustedKeys?.length ? trustedKeys : [state.public_key]);
  const trust = trustedKeys?.length
    ? `trusted key(s) ${keys.ids().join(', ')}`
    : `the public key stored in the outbox itself (key ${keys.ids()[0]}); pass --pubkey to check against a key you trust`;
  const extra: ChainProblem[] = [];
  const unsealedChunk = (c: ChunkRow) =>
    extra.push({ seq: c.first_seq, code: 'UNSEALED', message: `records seq ${c.first_seq}..${c.last_seq} are held but no seal covers them` });
  const segments = db.prepare('SELECT first_seq, last_seq, seal FROM segments ORDER BY first_seq').iterate() as Iterable<{ first_seq: number; last_seq: number; seal: Uint8Array }>;
  const chunkRows = db.prepare('SELECT first_seq, last_seq, data FROM chunks ORDER BY first_seq').iterate() as IterableIterator<ChunkRow>;
  let pending = chunkRows.next();
  const tail: Uint8Array[] = [];
  const recordsOf = (c: ChunkRow): Uint8Array[] => {
    try {
      return recordsOfFragment(c.data);
    } catch (err) {
      extra.push({ seq: c.first_seq, code: 'DECODE', message: `records seq ${c.first_seq}..${c.last_seq} cannot be read back: ${(err as Error).message}` });
      return [];
    }
  };

  function* sealedSegments(): Generator<{ records: Uint8Array[]; seal: SealMessage }> {
    for (const seg of segments) {
      const records: Uint8Array[] = [];
      while (!pending.done && pending.value.first_seq <= seg.last_seq) {
        if (pending.value.first_seq < seg.first_seq || pending.value.last_seq > seg.last_seq) unsealedChunk(pending.value);
        else records.push(...recordsOf(pending.value));
        pending = chunkRows.next();
      }
      let seal: SealMessage;
      try {
        seal = decodeSeal(seg.seal);
      } catch (err) {
        extra.push({ seq: seg.first_seq, code: 'DECODE', message: `the seal over seq ${seg.first_seq}..${seg.last_seq} cannot be read back: ${(err as Error).message}` });
        continue;
      }
      yield { records, seal };
    }
    while (!pending.done) {
      if (pending.value.first_seq <= state!.sealed_through) unsealedChunk(pending.value);
      else tail.push(...recordsOf(pending.value));
      pending = chunkRows.next();
    }
  }

  // verifyChain reads the segments first, then the tail the generator collected on its way out.
  let report: ChainReport;
  try {
    report = verifyChain({
      deviceId: state.device_id,
      base: forkBase(db, state.acked_seq) ?? { seq: state.acked_seq, hash: state.acked_hash },
      segments: sealedSegments(),
      unsealed: { [Symbol.iterator]: () => tail[Symbol.iterator]() },
      keys,
    });
  } finally {
    // An open row iterator keeps the connection busy: the read transaction could not end, and that
    // error would replace the one that says what is wrong (e.g. an undecodable chunk).
    chunkRows.return?.();
  }
  if (extra.length) {
    report.problems.push(...extra);
    // At one seq, bytes that do not decode are the cause; what the chain check then says follows from it.
    report.problems.sort((a, b) => a.seq - b.seq || Number(b.code === 'DECODE') - Number(a.code === 'DECODE'));
    report.ok = false;
    report.firstBadSeq = report.problems[0].seq;
  }
  return { ...report, trust };
}
