// Opens a recorded mission for replay, read-only: an agent outbox file (or a hub store, with a device),
// verified end to end before anything is replayed, then its records in seq order with their exact bytes.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { openOutboxDatabase, verifyOutbox, type OutboxDatabase } from '../../agent/index.js';
import { decodeSeal, recordsOfFragment } from '../../proto/index.js';
import { openHubStoreMission } from './hub-store-source.js';
import { MissionSourceError, type Mission, type MissionVerification, type OpenMissionOptions } from './mission.js';
import { followChain, pagedRecords, refuseUnverified, verifyFailure } from './record-stream.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Opens an outbox or hub store file; throws MissionSourceError saying what is wrong and what to do. */
export function openMission(path: string, options: OpenMissionOptions = {}): Mission {
  if (!existsSync(path)) throw new MissionSourceError('NOT_FOUND', `${path}: no such file`);
  if (statSync(path).isDirectory() || !hasSqliteHeader(path)) {
    throw new MissionSourceError('UNSUPPORTED', `${path}: not an agent outbox or hub store (SQLite file). Replay reads an outbox (.db) `
      + 'or a hub store (.db) with --device ID; evidence packets as a replay source come with the evidence packet step.');
  }
  let db: OutboxDatabase;
  try {
    db = openOutboxDatabase(path, { readonly: true });
  } catch (err) {
    throw new MissionSourceError('UNSUPPORTED', `${path}: cannot open as SQLite: ${(err as Error).message}`);
  }
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
    if (tables.has('chunks') && tables.has('state')) return openOutboxMission(db, path, options);
    if (tables.has('segments') && tables.has('device_keys')) return openHubStoreMission(db, path, options);
    throw new MissionSourceError('UNSUPPORTED', `${path}: a SQLite file but neither an agent outbox nor a hub store (tables: ${[...tables].join(', ') || 'none'})`);
  } catch (err) {
    closeQuietly(db);
    throw err;
  }
}

/** A verification that threw may leave its row iterators open (the connection then refuses close()); it is freed on exit. */
function closeQuietly(db: OutboxDatabase): void {
  try {
    db.close();
  } catch {
    // busy: see above
  }
}

function openOutboxMission(db: OutboxDatabase, path: string, options: OpenMissionOptions): Mission {
  if (options.device !== undefined) {
    const owner = db.prepare('SELECT device_id FROM state WHERE id = 1').pluck().get() as string | undefined;
    if (owner !== undefined && owner !== options.device) {
      throw new MissionSourceError('NO_DEVICE', `${path}: this outbox belongs to device "${owner}", not "${options.device}" (--device is only needed for a hub store)`);
    }
  }
  let verification: MissionVerification;
  try {
    verification = verifyOutbox(db, options.trustedKeys);
  } catch (err) {
    throw diagnose(path, err);
  }
  refuseUnverified(path, verification, options);
  const ackedThrough = db.prepare('SELECT acked_seq FROM state WHERE id = 1').pluck().get() as number;
  const page = db.prepare('SELECT first_seq, data FROM chunks WHERE first_seq > ? ORDER BY first_seq LIMIT 256');
  return {
    source: 'outbox',
    path,
    deviceId: verification.deviceId ?? '',
    verification,
    ackedThrough,
    records: () => followChain(path, verification, options, pagedRecords((after) => page.all(after) as { first_seq: number; data: Uint8Array }[],
      (row) => ({ key: row.first_seq, records: recordsOfFragment(row.data) }))),
    close: () => db.close(),
  };
}

/**
 * Says which rows broke a verification that threw. verifyOutbox reports undecodable chunks and seals as
 * problems itself; this is the fallback for anything else it may throw, re-reading on a second connection.
 */
function diagnose(path: string, err: unknown): MissionSourceError {
  const db = openOutboxDatabase(path, { readonly: true });
  try {
    const chunks = db.prepare('SELECT first_seq, last_seq, data FROM chunks WHERE first_seq > ? ORDER BY first_seq LIMIT 256');
    for (let after = -1, rows; (rows = chunks.all(after) as { first_seq: number; last_seq: number; data: Uint8Array }[]).length; after = rows.at(-1)!.first_seq) {
      for (const row of rows) {
        try {
          recordsOfFragment(row.data);
        } catch (e) {
          return new MissionSourceError('UNVERIFIED', `${path}: the chain does not verify: records seq ${row.first_seq}..${row.last_seq} cannot be decoded (${(e as Error).message}): altered or corrupt`);
        }
      }
    }
    for (const seg of db.prepare('SELECT first_seq, last_seq, seal FROM segments ORDER BY first_seq').all() as { first_seq: number; last_seq: number; seal: Uint8Array }[]) {
      try {
        decodeSeal(seg.seal);
      } catch (e) {
        return new MissionSourceError('UNVERIFIED', `${path}: the chain does not verify: the seal over seq ${seg.first_seq}..${seg.last_seq} cannot be decoded (${(e as Error).message}): altered or corrupt`);
      }
    }
  } finally {
    db.close();
  }
  return verifyFailure(path, err);
}

function hasSqliteHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}
