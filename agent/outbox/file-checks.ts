// Checks on an outbox file beneath the chain: SQLite's own quick_check, the state row against the rows
// stored, and the write-ahead log read raw. Shared by `fieldproof verify` and the agent's start check.
import type { OutboxDatabase } from './database.js';
import { OutboxLock } from './outbox-lock.js';
import { inspectWalFile } from './wal-check.js';

export interface OutboxAnomaly {
  code: 'INTEGRITY' | 'STATE' | 'WAL_HEADER' | 'WAL_CHECKSUM' | 'WAL_TORN';
  message: string;
  /** Committed records after the stored head may have been lost (they vanish without a trace in the chain). */
  lossAfterHead: boolean;
}

/** SQLite's quick_check: every page and index readable and consistent. */
export function integrityAnomalies(db: OutboxDatabase): OutboxAnomaly[] {
  let rows: string[];
  try {
    rows = (db.pragma('quick_check(20)') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (err) {
    return [{ code: 'INTEGRITY', message: `SQLite cannot check the file: ${(err as Error).message}`, lossAfterHead: true }];
  }
  if (rows.length === 1 && rows[0] === 'ok') return [];
  return [{ code: 'INTEGRITY', message: `SQLite quick_check: ${rows.slice(0, 3).join('; ')}${rows.length > 3 ? ` (and ${rows.length - 3} more)` : ''}`, lossAfterHead: false }];
}

/** The state row (head, seal point, acknowledged point) against the chunks and segments stored. */
export function stateAnomalies(db: OutboxDatabase): OutboxAnomaly[] {
  const s = db.prepare('SELECT head_seq, sealed_through, acked_seq FROM state WHERE id = 1').get() as
    { head_seq: number; sealed_through: number; acked_seq: number } | undefined;
  if (!s) return [{ code: 'STATE', message: 'the state row is missing', lossAfterHead: true }];
  const chunks = db.prepare('SELECT max(last_seq) AS last, min(first_seq) AS first FROM chunks').get() as { last: number | null; first: number | null };
  const sealed = db.prepare('SELECT max(last_seq) FROM segments').pluck().get() as number | null;
  const out: OutboxAnomaly[] = [];
  const stored = chunks.last ?? s.acked_seq;
  if (stored < s.head_seq) {
    out.push({ code: 'STATE', lossAfterHead: true, message: `the state row says the head is seq ${s.head_seq} but the last record stored is seq ${stored}: seq ${stored + 1}..${s.head_seq} were committed and are gone` });
  } else if (stored > s.head_seq) {
    out.push({ code: 'STATE', lossAfterHead: true, message: `records are stored up to seq ${stored} but the state row says the head is seq ${s.head_seq}: the state row is stale` });
  }
  if (chunks.first !== null && chunks.first <= s.acked_seq) {
    out.push({ code: 'STATE', lossAfterHead: false, message: `records from seq ${chunks.first} are stored although the hub acknowledged through seq ${s.acked_seq}` });
  }
  if (sealed !== null && sealed !== s.sealed_through) {
    out.push({ code: 'STATE', lossAfterHead: sealed < s.sealed_through, message: `the state row says records are sealed through seq ${s.sealed_through} but the last seal stored ends at seq ${sealed}` });
  }
  if (s.sealed_through > s.head_seq) {
    out.push({ code: 'STATE', lossAfterHead: true, message: `the state row says records are sealed through seq ${s.sealed_through}, beyond its head seq ${s.head_seq}` });
  }
  return out;
}

/**
 * What the raw WAL shows that SQLite would silently drop. Skipped while a live agent holds the outbox:
 * its WAL is being written, and a frame half-written at this instant is not damage.
 */
export function walAnomalies(dbPath: string): { anomalies: OutboxAnomaly[]; notes: string[] } {
  const holder = OutboxLock.holder(dbPath);
  if (holder && holder.pid !== process.pid) return { anomalies: [], notes: [`WAL not inspected: agent pid ${holder.pid} is writing it`] };
  const report = inspectWalFile(`${dbPath}-wal`);
  if (!report) return { anomalies: [], notes: [] };
  return {
    anomalies: report.anomalies.map((a) => ({ code: a.code, message: `${dbPath}-wal: ${a.message}`, lossAfterHead: true })),
    notes: report.notes.map((n) => `${dbPath}-wal: ${n}`),
  };
}
